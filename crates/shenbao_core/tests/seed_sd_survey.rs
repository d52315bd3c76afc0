//! 山东 2024 大模型企业及产品摸底 (山东省工业和信息化厅): every printed label of the 企业摸底调研表
//! (附件1), the 产品摸底调研表 (附件2), the 大模型企业汇总表 (附件3) and the 大模型产品汇总表
//! (附件4) is in the definition, and the answer fixtures give exactly the expected problems.
//!
//! OCR noise in the seed is entered here in its evident wording: stray spaces inside labels
//! ("统一社会信 用代码", "(万 元)", "社会团 体") do not matter to the check, and the two 附件1 rows
//! printed "大型产品 研发服务团 队情况" and "大型产品 研发情况及 相关业务发 展规划" (the 模 of
//! 大模型 is missing) are entered as 大模型产品研发服务团队情况 and
//! 大模型产品研发情况及相关业务发展规划. The full stops after the 知识产权情况 options
//! ("拥有软件著作权。") are not part of the option.

mod common;

/// Every label of the seed's forms and tables, as printed (whitespace may differ).
const INVENTORY: &[&str] = &[
    // 附件1 山东省大模型企业摸底调研表
    "山东省大模型企业摸底调研表",
    "企业名称（中文）",
    "统一社会信用代码",
    "注册资金",
    "万元",
    "单位注册地",
    "山东省_____市_____区（县/市）_____",
    "单位性质",
    "企业",
    "事业单位",
    "社会组织（社会团体、民办非企业单位）",
    "其他",
    "请说明",
    "联系人姓名",
    "手机号码",
    "经营范围",
    "（按照营业执照等法人证书填写）",
    "企业简介",
    "（不少于100字，300字以内）",
    "不少于100字",
    "300字以内",
    "企业年度收入",
    "（单位：万元）",
    "企业大模型相关收入",
    "大模型产品研发服务团队情况",
    "（需注明人员数量、团队能力情况）",
    "大模型产品研发情况及相关业务发展规划",
    "（不少于200字，500字以内）",
    "不少于200字",
    "500字以内",
    // 附件2 山东省大模型产品摸底调研表
    "山东省大模型产品摸底调研表",
    "报送单位",
    "联系人",
    "联系方式",
    "大模型产品名称及版本号",
    "例如：基础级大模型：盘古大模型、九天大模型；行业级大模型：知业·铝业大模型；场景级大模型：海若·合同评审大模型。",
    "大模型产品知识产权情况",
    "拥有软件著作权",
    "拥有发明专利",
    "大模型产品检测情况",
    "（需注明是否由具备资质的检验检测机构进行检测并出具报告，注明检测机构名称及检测时间）",
    "大模型产品所属种类",
    "基础大模型",
    "参数量大、结构复杂、处理力强的通用大模型产品，能为行业级、场景级大模型产品研发提供适配灵活、稳定性高的底座支撑。",
    "行业大模型",
    "面向某个特定行业或领域需求，采用大规模数据训练和先进算法的深度学习模型。",
    "场景大模型",
    "面向具体应用场景，表现为智能体、应用程序（APP）、模型即服务（MaaS）等形式的大模型产品。",
    "行业级大模型产品应用所属行业",
    "工业",
    "生产性服务业",
    "生活性服务业",
    "其它",
    "行业",
    "参考附表",
    "场景级大模型产品应用所属场景",
    "大模型产品介绍及应用情况",
    "大模型产品主要应用领域及可适用推广前景",
    "（不少于100字）",
    // 二、报送材料
    "大模型企业或大模型产品调研表",
    "营业执照等法人登记证书复印件（加盖单位公章）",
    "大模型产品相关发明专利、著作权等知识产权登记证书复印件",
    "大模型产品相关检测报告复印件",
    "或者用户出具的应用情况证明文件复印件等材料",
    "能够证明企业在大模型、大数据、人工智能等方面拥有技术实力、资源能力、竞争优势等证明材料",
    // 附件3 大模型企业汇总表
    "大模型企业汇总表",
    "（各市工信局填写）",
    "填报单位",
    "（盖章）",
    "填报日期",
    "2024年",
    "序号",
    "大模型企业",
    // 附件4 大模型产品汇总表
    "大模型产品汇总表",
    "级别",
    "大模型产品名称",
    "企业名称",
];

#[test]
fn every_seed_label_is_in_the_definition() {
    common::assert_inventory("sd-2024-llm-survey", INVENTORY);
}

#[test]
fn answer_fixtures_give_exactly_the_expected_problems() {
    common::check_fixtures("sd-2024-llm-survey");
}

/// The notice sets no applicant deadline, only the cities' (6月10日): applicants are held to
/// the first level's. Both are dates once the call is compiled, ending at midnight Beijing.
#[test]
fn deadlines_are_dates_once_compiled() {
    let call = common::call("sd-2024-llm-survey");
    let june_10 = chrono::NaiveDate::from_ymd_opt(2024, 6, 10);
    assert_eq!(call.level_deadline("city"), june_10);
    assert_eq!(call.level_deadline("province"), None);
    assert_eq!(call.applicant_deadline(), june_10);
    // 2024-06-10 24:00 +08:00 = 2024-06-10T16:00:00Z.
    assert_eq!(
        call.applicant_deadline()
            .and_then(shenbao_core::time::end_of_day),
        Some(1_718_035_200_000)
    );
}
