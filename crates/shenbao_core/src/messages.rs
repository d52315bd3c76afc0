//! Every Chinese sentence the core produces, in one place.
//!
//! Users read these: applicants (answer problems), call authors (definition problems). Keep
//! them short, concrete and polite, and say what to do. Nothing else in the core writes
//! user-facing text; callers pick a message here by problem code and parameters.

/// Messages about answers (the form engine).
pub mod answer {
    /// A rule's message whose threshold the owner set (the notice gives none).
    pub fn owner_choice(message: &str) -> String {
        format!("{message}（此标准由征集单位设定，通知原文未规定具体数值）")
    }
    /// A required answer is missing.
    pub fn required(label: &str) -> String {
        format!("请填写“{label}”")
    }
    /// A required choice is missing.
    pub fn required_choice(label: &str) -> String {
        format!("请选择“{label}”")
    }
    /// The JSON value has the wrong shape.
    pub fn wrong_type(label: &str, expected: &str) -> String {
        format!("“{label}”的内容格式不对，应为{expected}")
    }
    /// Too few 字.
    pub fn too_short(label: &str, min: u32, count: usize) -> String {
        format!("“{label}”不少于{min}字，当前{count}字")
    }
    /// Too many 字.
    pub fn too_long(label: &str, max: u32, count: usize) -> String {
        format!("“{label}”不超过{max}字，当前{count}字，请精简")
    }
    /// Not a number.
    pub fn not_a_number(label: &str) -> String {
        format!("“{label}”应填写数字")
    }
    /// Not a whole number.
    pub fn not_an_integer(label: &str) -> String {
        format!("“{label}”应填写整数")
    }
    /// Below the minimum.
    pub fn below_min(label: &str, min: f64, unit: &str) -> String {
        format!("“{label}”不能小于{}{unit}", fmt_num(min))
    }
    /// Above the maximum.
    pub fn above_max(label: &str, max: f64, unit: &str) -> String {
        format!("“{label}”不能大于{}{unit}", fmt_num(max))
    }
    /// Too many decimal places.
    pub fn too_many_decimals(label: &str, decimals: u32) -> String {
        if decimals == 0 {
            format!("“{label}”应填写整数")
        } else {
            format!("“{label}”最多保留{decimals}位小数")
        }
    }
    /// Not a date.
    pub fn invalid_date(label: &str) -> String {
        format!("“{label}”应为有效日期，如 2024-06-16")
    }
    /// Not a month.
    pub fn invalid_month(label: &str) -> String {
        format!("“{label}”应为有效年月，如 2024-06")
    }
    /// End before start.
    pub fn date_range_order(label: &str) -> String {
        format!("“{label}”的结束日期不能早于开始日期")
    }
    /// Not one of the options.
    pub fn invalid_option(label: &str, value: &str) -> String {
        format!("“{label}”没有“{value}”这一选项，请从列出的选项中选择")
    }
    /// Too few options picked.
    pub fn too_few_selected(label: &str, min: u32) -> String {
        format!("“{label}”至少选择{min}项")
    }
    /// Too many options picked.
    pub fn too_many_selected(label: &str, max: u32) -> String {
        if max == 1 {
            format!("“{label}”限选1项")
        } else {
            format!("“{label}”最多选{max}项")
        }
    }
    /// 其他 chosen without its text.
    pub fn other_text_required(label: &str, other: &str) -> String {
        format!("“{label}”选择了“{other}”，请填写具体内容")
    }
    /// Too few rows.
    pub fn too_few_rows(label: &str, min: u32) -> String {
        format!("“{label}”至少填写{min}行")
    }
    /// Too many rows.
    pub fn too_many_rows(label: &str, max: u32) -> String {
        format!("“{label}”最多填写{max}行")
    }
    /// Bad USCC.
    pub fn invalid_uscc(label: &str, detail: &str) -> String {
        format!("“{label}”不是有效的统一社会信用代码：{detail}")
    }
    /// USCC passes its check character but not the organisation-code check.
    pub fn uscc_org_code(label: &str) -> String {
        format!("“{label}”第9至17位组织机构代码校验未通过，请核对营业执照")
    }
    /// Bad mobile number.
    pub fn invalid_mobile(label: &str) -> String {
        format!("“{label}”应为11位手机号码")
    }
    /// Bad landline number.
    pub fn invalid_landline(label: &str) -> String {
        format!("“{label}”应为固定电话号码，如 0531-51782640")
    }
    /// Bad phone number.
    pub fn invalid_phone(label: &str) -> String {
        format!("“{label}”应为手机号码或固定电话，如 13800138000 或 0531-51782640")
    }
    /// Bad e-mail.
    pub fn invalid_email(label: &str) -> String {
        format!("“{label}”不是有效的电子邮箱地址")
    }
    /// Bad web address.
    pub fn invalid_url(label: &str) -> String {
        format!("“{label}”不是有效的网址，如 https://www.example.com")
    }
    /// Bad bank account.
    pub fn invalid_bank_account(label: &str) -> String {
        format!("“{label}”应为8至32位数字的银行账号")
    }
    /// Unknown division code.
    pub fn invalid_region(label: &str) -> String {
        format!("“{label}”不是有效的行政区划，请从列表中选择")
    }
    /// Division too shallow.
    pub fn region_too_shallow(label: &str, level: &str) -> String {
        format!("“{label}”请选择到{level}")
    }
    /// Division outside the allowed area.
    pub fn region_outside(label: &str, area: &str) -> String {
        format!("“{label}”应在{area}范围内")
    }
    /// Answer to a hidden field.
    pub fn hidden_ignored(label: &str) -> String {
        format!("“{label}”在当前选择下不需要填写，已忽略所填内容")
    }
    /// Answer to a computed field.
    pub fn computed_ignored(label: &str) -> String {
        format!("“{label}”由系统自动计算，已忽略所填内容")
    }
    /// Answer to no field of this form.
    pub fn unknown_field(id: &str) -> String {
        format!("表单中没有“{id}”一项，已忽略所填内容")
    }
    /// The answers are not an object at all.
    pub fn not_an_object() -> String {
        "申报内容格式不对，无法读取".to_string()
    }
    /// Unknown direction.
    pub fn unknown_direction(id: &str) -> String {
        format!("本通知没有“{id}”这一申报方向")
    }
    /// A sub-direction must be chosen.
    pub fn subdirection_required(direction: &str) -> String {
        format!("“{direction}”方向请选择子方向")
    }
    /// Unknown sub-direction.
    pub fn unknown_subdirection(direction: &str, id: &str) -> String {
        format!("“{direction}”方向没有“{id}”这一子方向")
    }
    /// A computed field could not be computed.
    pub fn computed_failed(label: &str) -> String {
        format!("“{label}”无法计算，请检查相关数字")
    }

    /// A person-readable number: no trailing ".0".
    pub fn fmt_num(n: f64) -> String {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        }
    }
}

/// Messages about evidence files.
pub mod file {
    /// Too few files.
    pub fn missing(label: &str, min: u32) -> String {
        if min <= 1 {
            format!("请上传“{label}”")
        } else {
            format!("“{label}”至少上传{min}个文件")
        }
    }
    /// Too many files.
    pub fn too_many(label: &str, max: u32) -> String {
        format!("“{label}”最多上传{max}个文件")
    }
    /// File smaller than allowed.
    pub fn too_small(label: &str, name: &str, min: &str) -> String {
        format!("“{label}”中的文件“{name}”小于{min}，请上传更清晰的文件")
    }
    /// File larger than allowed.
    pub fn too_large(label: &str, name: &str, max: &str) -> String {
        format!("“{label}”中的文件“{name}”超过{max}")
    }
    /// Type not allowed.
    pub fn type_not_allowed(label: &str, name: &str, allowed: &str) -> String {
        format!("“{label}”只接受{allowed}格式，文件“{name}”不符合")
    }
    /// Slot that this form does not have.
    pub fn unknown_slot(slot: &str) -> String {
        format!("本申报书没有“{slot}”这一附件项")
    }
    /// The name of an uploaded file whose own name had nothing left once cleaned.
    pub const UNNAMED: &str = "附件";
}

/// Messages about per-applicant limits.
pub mod limit {
    /// Too many applications in the call.
    pub fn per_call(max: u32) -> String {
        format!("本通知每个申报主体限申报{max}个项目，您已有申报")
    }
    /// A direction's name in quotes, unless it holds quotes of its own (“领雁”软件企业 is not
    /// quoted again).
    fn quoted(name: &str) -> String {
        if name.contains(['“', '”', '"']) {
            name.to_string()
        } else {
            format!("“{name}”")
        }
    }
    /// Too many applications in the direction.
    pub fn per_direction(direction: &str, max: u32) -> String {
        let d = quoted(direction);
        format!("{d}方向每个单位只能申报{max}个项目，您已有申报")
    }
    /// Exclusive directions.
    pub fn exclusive(direction: &str, other: &str) -> String {
        let (d, o) = (quoted(direction), quoted(other));
        format!("{d}与{o}方向不能同时申报，您已申报{o}")
    }
}

/// Messages about exclusion lists (不得重复申报).
pub mod exclusion {
    /// A list with no rows.
    pub const EMPTY: &str =
        "名单是空的：第一行应为表头（如“统一社会信用代码”“项目名称”），其下每行一条";
    /// A header without the columns matched on.
    pub const NO_COLUMNS: &str =
        "名单的第一行（表头）中没有“统一社会信用代码”或“项目名称”列，无法比对";
    /// A row with neither a USCC nor a project name.
    pub const NOTHING_TO_MATCH: &str = "这一行既没有统一社会信用代码，也没有项目名称";
    /// A USCC that is not valid.
    pub fn bad_uscc(typed: &str) -> String {
        format!("统一社会信用代码“{typed}”不正确（应为18位，校验位正确）")
    }
    /// Too many entries.
    pub fn too_many(max: usize) -> String {
        format!("名单最多{max}条")
    }
    /// A row's problem, with its row number.
    pub fn at_row(row: usize, message: &str) -> String {
        format!("第{row}行：{message}")
    }
    /// The refusal of an applicant on a list: the call's reason and where the entry is.
    pub fn refused(reason: &str, evidence: &str) -> String {
        format!("{reason}（{evidence}）")
    }
    /// The reason when the call file gives none.
    pub const DEFAULT_REASON: &str = "申报单位或项目已列入本通知的排除名单，不得申报";
    /// Evidence: an entry of an uploaded list.
    pub fn in_list(list: &str, row: i64) -> String {
        format!("排除名单“{list}”第{row}行")
    }
    /// Evidence: selected in an earlier call.
    pub fn in_call(title: &str) -> String {
        format!("已入选“{title}”")
    }
    /// The project name matched.
    pub fn project_listed(project: &str, evidence: &str) -> String {
        format!("项目“{project}”已列入{evidence}")
    }
}

/// Messages about joint applications (联合申报).
pub mod consortium {
    /// The lead named as its own member.
    pub const IS_LEAD: &str = "牵头单位不能同时作为联合体成员";
    /// A member named twice.
    pub fn already(name: &str) -> String {
        format!("“{name}”已是本联合体成员")
    }
    /// One member past the maximum.
    pub fn too_many(max: u32, source: Option<&str>) -> String {
        let from = source.map(|s| format!("（{s}）")).unwrap_or_default();
        format!("联合参与单位不超过{max}家{from}，已满{max}家")
    }
    /// A member outside the call's area.
    pub fn outside(name: &str) -> String {
        format!("“{name}”的注册地不在本通知的征集范围内")
    }
    /// A member that applies alone in the same direction.
    pub fn applies_alone(name: &str) -> String {
        format!("“{name}”已在本方向单独申报，不能再作为联合体成员")
    }
    /// A member of another consortium in the same direction.
    pub fn in_another(name: &str) -> String {
        format!("“{name}”已是本方向另一联合体的成员")
    }
    /// An applicant that is a member of a consortium in the direction it starts.
    pub fn member_elsewhere(direction: &str) -> String {
        format!("贵单位已作为联合体成员参与“{direction}”方向的申报，不能再单独或牵头申报该方向")
    }
    /// A USCC that is not valid.
    pub fn bad_uscc(typed: &str) -> String {
        format!("统一社会信用代码“{typed}”不正确")
    }
    /// A region that is not a county-level division code.
    pub const BAD_REGION: &str = "请选择成员单位注册地所在的县（市、区）";
    /// A member without a name.
    pub const NAME_NEEDED: &str = "请填写成员单位名称";
    /// The call takes no consortium in this direction.
    pub const NOT_ALLOWED: &str = "本方向不接受联合申报";
    /// The commitment of a member, on the printed form.
    pub fn member_commitment(name: &str, uscc: &str) -> String {
        format!("联合体成员单位：{name}（统一社会信用代码：{uscc}）")
    }
}

/// Messages about recommendation quotas (推荐名额).
pub mod quota {
    fn from(source: Option<&str>) -> String {
        source.map(|s| format!("（{s}）")).unwrap_or_default()
    }
    /// The direction's quota is used up.
    pub fn per_direction(
        unit: &str,
        direction: &str,
        max: u32,
        used: i64,
        source: Option<&str>,
    ) -> String {
        format!(
            "超出推荐名额：每个单位每个方向最多推荐{max}个{}，{unit}在“{direction}”方向已推荐{used}个",
            from(source)
        )
    }
    /// The unit's quota over all directions is used up.
    pub fn per_unit(unit: &str, max: u32, used: i64, source: Option<&str>) -> String {
        format!(
            "超出推荐名额：每个单位最多推荐{max}个{}，{unit}已推荐{used}个",
            from(source)
        )
    }
}

/// Messages about expert scoring (评审打分).
pub mod review {
    /// A criterion has no score on a sheet.
    pub fn score_missing(criterion: &str) -> String {
        format!("请为“{criterion}”打分")
    }
    /// A score is not a finite number.
    pub fn score_not_a_number(criterion: &str) -> String {
        format!("“{criterion}”的得分应为数字")
    }
    /// A score lies outside 0..=max.
    pub fn score_out_of_range(criterion: &str, max: f64) -> String {
        format!(
            "“{criterion}”的得分应在0至{}分之间",
            super::answer::fmt_num(max)
        )
    }
    /// A score for a criterion this direction does not have.
    pub fn unknown_criterion(id: &str) -> String {
        format!("本方向没有“{id}”这一评审指标，请删除该项得分")
    }
}

/// Wording of answer differences shown to reviewers (what changed on resubmission).
pub mod diff {
    /// Shown for an answer that is empty or absent.
    pub const EMPTY: &str = "（空）";
    /// Between the parts of a label: table, row, column.
    pub const LABEL_SEPARATOR: &str = " · ";
    /// Between the items of a list (multiple choice).
    pub const LIST_SEPARATOR: &str = "、";
    /// A year column of a year table.
    pub fn year(year: &str) -> String {
        format!("{year}年")
    }
    /// A repeating row, numbered from 1.
    pub fn row(n: usize) -> String {
        format!("第{n}行")
    }
    /// A repeating row added in the later version, numbered there.
    pub fn row_added(n: usize) -> String {
        format!("第{n}行（新增）")
    }
    /// A repeating row removed in the later version, numbered as it was.
    pub fn row_removed(n: usize) -> String {
        format!("原第{n}行（已删除）")
    }
    /// A date range.
    pub fn date_range(start: &str, end: &str) -> String {
        format!("{start} 至 {end}")
    }
    /// The 其他 option with its free text.
    pub fn other(option: &str, text: &str) -> String {
        format!("{option}（{text}）")
    }
}

/// Wording of the public results page (公示名单).
/// What units send upward with their lists: the recommendation letter and the stamped scans.
pub mod sending {
    /// A stamped summary table's scan.
    pub const SCAN_SUMMARY: &str = "加盖公章的汇总表扫描件";
    /// A sealed letter's scan.
    pub const SCAN_LETTER: &str = "盖章推荐函扫描件";
    /// A stamped scan's file in the unit's package (加盖公章的汇总表扫描件.pdf).
    pub fn package_scan_name(label: &str) -> String {
        format!("{label}.pdf")
    }
    /// The recommendation letter's files in the unit's package, by extension.
    pub fn package_letter_name(title: &str, extension: &str) -> String {
        format!("{title}（推荐函）.{extension}")
    }
    /// Forwarding before the scans are uploaded.
    pub fn missing(labels: &[&str], source: Option<&str>) -> String {
        let source = source.map(|s| format!("（{s}）")).unwrap_or_default();
        format!("报送前请先上传{}{source}，再确认报送", labels.join("和"))
    }
    /// The addressee line of a letter.
    pub fn addressee(to: &str) -> String {
        format!("{to}：")
    }
    /// The seal line under a letter.
    pub fn seal(unit: &str) -> String {
        format!("{unit}（盖章）")
    }
    /// The date line under a letter.
    pub const DATE: &str = "年　　月　　日";
    /// The contact line under a letter.
    pub const CONTACT: &str = "联系人：　　　　　　联系电话：";
    /// The caption of the ranked list in a letter.
    pub const LIST: &str = "推荐名单（按推荐顺序）";
    /// The ranked list's column titles.
    pub const COLUMNS: [&str; 4] = ["序号", "申报方向", "名称", "申报单位"];
}

/// Words of the printed documents that no call file gives.
/// The queue's export (导出当前筛选结果).
pub mod queue_export {
    /// The columns before the form's fields.
    pub const COLUMNS: [&str; 9] = [
        "序号",
        "受理编号",
        "项目（案例）名称",
        "申报单位",
        "统一社会信用代码",
        "所在地区",
        "申报方向",
        "状态",
        "提交时间",
    ];
    /// The rank column, at a level that ranks.
    pub const RANK: &str = "推荐排序";
    /// The sheet's name.
    pub const SHEET: &str = "申报列表";

    /// The title line: the unit and when it was exported.
    pub fn title(unit: &str, at: &str) -> String {
        format!("{unit} 申报列表（导出时间：{at}）")
    }
}

pub mod document {
    /// The heading of the appendix that holds the fields a call marks `print = "appendix"`:
    /// data the system collects for its own checks, printed after the official form.
    pub const SYSTEM_APPENDIX: &str = "附：系统核验信息（非申报表内容，供审核参考）";
    /// The heading of a printed form's 目录.
    pub const CONTENTS: &str = "目录";
    /// Before the name of the unit that filled a recommendation-opinion box.
    pub const OPINION_UNIT: &str = "推荐单位：";
    /// Before the figures listed under a narrative.
    pub const FIGURES: &str = "附图：";
    /// A figure under a narrative: its number and file name.
    pub fn figure(n: usize, name: &str) -> String {
        format!("图{n}　{name}")
    }
    /// Before the 受理编号 at the foot of a submitted form's pages.
    pub const ACCEPTANCE_NUMBER: &str = "受理编号：";
    /// The words around the page number and the page count at the foot of a submitted form's
    /// Word pages (第 N 页 共 M 页), whose numbers are fields Word fills in.
    pub const PAGE_OF: [&str; 3] = ["第 ", " 页 共 ", " 页"];
}

pub mod publication {
    /// Ends an introduction that was cut short.
    pub const ELLIPSIS: &str = "……";
}

/// Messages about call definitions, for the people who write them.
pub mod definition {
    /// Unknown id referenced.
    pub fn unknown_ref(kind: &str, id: &str) -> String {
        format!("{kind} `{id}` 不存在")
    }
    /// Duplicate id.
    pub fn duplicate(kind: &str, id: &str) -> String {
        format!("{kind} `{id}` 重复")
    }
    /// Bad id shape.
    pub fn bad_id(id: &str, shape: &str) -> String {
        format!("标识 `{id}` 不合规：应为{shape}")
    }
    /// Attribute not applicable to a kind.
    pub fn not_applicable(attr: &str, kind: &str) -> String {
        format!("`{attr}` 不适用于 {kind} 类型的字段")
    }
    /// Attribute required for a kind.
    pub fn needs(attr: &str, kind: &str) -> String {
        format!("{kind} 类型的字段需要 `{attr}`")
    }
    /// Min above max.
    pub fn min_above_max(min: &str, max: &str) -> String {
        format!("`{min}` 不能大于 `{max}`")
    }
    /// Bad date.
    pub fn bad_date(value: &str) -> String {
        format!("日期 `{value}` 无效，应为 YYYY-MM-DD")
    }
    /// A comparison of a number (`number`, empty when it has no short name) with text.
    pub fn number_text_comparison(number: &str, text: &str) -> String {
        let side = |s: &str, what: &str| {
            if s.is_empty() {
                what.to_string()
            } else {
                format!("`{s}` 是{what}")
            }
        };
        format!(
            "{}，{}：数字和文字比较永远不成立（CEL 不会把文字换算成数字）；数字请不加引号，文字请加引号",
            side(number, "数字"),
            side(text, "文字")
        )
    }
    /// A level due before an earlier step of the way (`earlier` is the path of that date).
    pub fn timeline_order(level: &str, day: &str, earlier: &str, earlier_day: &str) -> String {
        let earlier = if earlier == "deadlines.applicant" {
            "申报单位截止日期".to_string()
        } else {
            format!("上一评审层级的报送截止日期（{earlier}）")
        };
        format!(
            "{level}的报送截止日期 {day} 早于{earlier} {earlier_day}：下一级须在收到材料之后才能报送"
        )
    }
    /// Bad size.
    pub fn bad_size(value: &str) -> String {
        format!("大小 `{value}` 无效，应如 2MB、500KB、1GB")
    }
    /// Bad file type.
    pub fn bad_file_type(value: &str, allowed: &str) -> String {
        format!("文件类型 `{value}` 不支持，可用：{allowed}")
    }
    /// Bad CEL expression.
    pub fn bad_expr(detail: &str) -> String {
        format!("表达式有误：{detail}")
    }
    /// Why an expression does not compile, in Chinese: the place of a syntax error with the
    /// parser's picture of it, or a variable that is not available.
    pub fn expr_error(e: &crate::expr::ExprError) -> String {
        use crate::expr::ExprError;
        match e {
            ExprError::UnknownVariable { name, allowed } => {
                format!(
                    "不能使用变量 `{name}`（可用：{}）",
                    allowed.replace(", ", "、")
                )
            }
            ExprError::Syntax(_) => match e.syntax_position() {
                Some((_, column, picture)) if !picture.is_empty() => {
                    format!("语法错误：第 {column} 个字符附近无法识别\n{picture}")
                }
                Some((_, column, _)) => format!("语法错误：第 {column} 个字符附近无法识别"),
                None => "语法错误，请检查括号、引号和运算符".to_string(),
            },
        }
    }
    /// An expression reads a member a field does not have (a rule that never fires, a
    /// computed field that stays empty).
    pub fn unknown_member(field: &str, member: &str, known: &[&str]) -> String {
        if known.is_empty() {
            format!("字段 `{field}` 没有成员 `{member}`，这样写永远读不到值")
        } else {
            format!(
                "字段 `{field}` 没有 `{member}`（可用：{}），这样写永远读不到值",
                known.join("、")
            )
        }
    }
    /// Weights do not add up.
    pub fn weights(direction: &str, sum: f64) -> String {
        format!("方向 `{direction}` 的评审指标权重合计为 {sum}，应为 100")
    }
    /// `sending` on the last level.
    pub const SENDING_FROM_LAST: &str =
        "最后一个评审层级不再向上报送，不能写 sending（推荐函、盖章扫描件）";
    /// `figures_of` naming no narrative.
    pub fn figures_of_narrative(id: &str) -> String {
        format!("figures_of 须写明附图所说明的长文本字段（textarea），`{id}` 不是")
    }
    /// A level's `office` pattern outside a level of divisions, or without its blank.
    pub const OFFICE_PATTERN: &str = "office 给出各单位的名称，只用于按行政区划设置的层级（county、city、provincial），须含 {name}（区划名称），如 \"{name}工业和信息化局\"";
    /// A slot of figures that takes more than images.
    pub const FIGURE_TYPES: &str = "附图（figures_of）只能是图片：types 只能写 jpg、png";
    /// A paper document of no copies.
    pub const PAPER_NO_COPIES: &str = "copies 是纸质材料的份数（一式三份写 3），至少为 1";
    /// A paper document without a name.
    pub const PAPER_NO_DOCUMENT: &str = "请写明纸质材料的名称（document），如《申报书》（附件2）";
    /// Where paper goes, without paper.
    pub const PAPER_TO_WITHOUT_PAPER: &str =
        "paper_to 是纸质材料的寄送单位，须与 [[review_level.sending.paper]] 一起使用";
    /// A letter scan asked for without a letter.
    pub const LETTER_SCAN_WITHOUT_LETTER: &str =
        "scans 要求上传推荐函扫描件，但没有写 [review_level.sending.letter]（推荐函的标题和正文）";
    /// A field printed `inline` without a plain row before it.
    pub const INLINE_AFTER_ROW: &str = "print = \"inline\" 或 \"below\" 的字段接在上一个字段的同一格内打印，上一个字段须是同一章节中按行打印的普通字段";
    /// A 目录 without parts.
    pub const CONTENTS_WITHOUT_PARTS: &str =
        "[printed] contents = true 的目录列出各部分及页码，须写 [[printed.part]]";
    /// Two parts that hold the same thing.
    pub const PART_HOLDS_TWICE: &str =
        "每个部分（commitment、sections、files）只能由一个 [[printed.part]] 承载";
    /// A part for a commitment the form does not print.
    pub const PART_COMMITMENT_NOT_PRINTED: &str =
        "[commitment] printed = false 时申报书不打印承诺，不能有 holds = \"commitment\" 的部分";
    /// Parts that leave out the sections.
    pub const PARTS_WITHOUT_SECTIONS: &str =
        "写了 [[printed.part]] 时，须有一个部分 holds = \"sections\"（申报表本身）";
    /// `ranks_source` on a level that does not rank.
    pub const RANKS_SOURCE_WITHOUT_RANKS: &str =
        "ranks_source 写明通知要求本级排序的条款，只能与 ranks = true 一起使用";
    /// A field printed `beside` without a plain row before it, or not plain itself.
    pub const BESIDE_AFTER_ROW: &str = "print = \"beside\" 的字段作为又一组“名称 | 内容”打印在上一个字段的同一行，两者都须是按行打印的普通字段（非标题、长文本或表格）";
    /// `contents_help` without a 目录.
    pub const CONTENTS_HELP_WITHOUT_CONTENTS: &str =
        "contents_help 是目录下的填写说明，只能与 contents = true 一起使用";
    /// A part naming a section twice, or one another part names.
    pub fn part_section_twice(id: &str) -> String {
        format!("章节 `{id}` 已由另一个 [[printed.part]] 打印，一个章节只能在一个部分中打印")
    }
    /// A field of a section printed as text that the text does not place.
    pub fn text_leaves_out(field: &str) -> String {
        format!(
            "章节的 text 按模板原文打印，须用 {{{field}}} 写明字段 `{field}` 的位置（或将该字段设为 print = \"none\" / \"appendix\"）"
        )
    }
    /// A field of a section printed as text that the text places twice.
    pub fn text_places_twice(field: &str) -> String {
        format!("章节的 text 中字段 `{field}` 出现了不止一次")
    }
    /// A field printed `in_option` without a choice to go into.
    pub const IN_OPTION_AFTER_CHOICE: &str = "print = \"in_option\" 的字段打印在其 show_if 所指选项之内，须有 show_if，且所指的单选或多选字段在同一章节中位于它之前；字段本身须是普通字段";
    /// A print format without its blank.
    pub fn missing_blank(attr: &str, blank: &str) -> String {
        format!("{attr} 须含有 {blank}，表示填写内容的位置")
    }
    /// A collection (摸底) call with a part only a contest has.
    pub fn collection(part: &str) -> String {
        format!(
            "kind = \"collection\" 的征集只收集、审核和汇总，不设专家评审和结果公示，不能写 [{part}]"
        )
    }
    /// Unsupported format version.
    pub fn format_version(found: u32, supported: u32) -> String {
        format!("格式版本 {found} 不受支持，本程序读取版本 {supported}")
    }
    /// Generic structural problem.
    pub fn other(detail: &str) -> String {
        detail.to_string()
    }
    /// A TOML or shape error from the parser, put into plain words: serde's English phrases
    /// (`unknown field`, `expected one of`, type names) become Chinese ones; the names of keys
    /// and values stay as written in the file.
    pub fn parse(detail: &str) -> String {
        let d = detail.trim();
        if let Some(rest) = d.strip_prefix("unknown field ") {
            let (key, choices) = split_expected(rest);
            format!("未知的键 {key}{}", choices_text("可用的键", choices))
        } else if let Some(rest) = d.strip_prefix("missing field ") {
            format!("缺少必填的键 {rest}")
        } else if let Some(rest) = d.strip_prefix("unknown variant ") {
            let (value, choices) = split_expected(rest);
            format!("取值无效 {value}{}", choices_text("可选", choices))
        } else if let Some(rest) = d.strip_prefix("invalid type: ") {
            let (found, expected) = split_expected(rest);
            let expected = expected.map(|e| format!("，应为{}", type_words(e)));
            format!(
                "类型不对：{}{}",
                type_words(found),
                expected.unwrap_or_default()
            )
        } else if d.starts_with("data did not match any variant") {
            "取值的形式不对（选项应为文字，或 { value = \"…\", help = \"…\" }）".to_string()
        } else {
            format!("无法读取：{d}")
        }
    }

    /// `x, expected …` → (`x`, the expectation).
    fn split_expected(rest: &str) -> (&str, Option<&str>) {
        match rest.split_once(", expected ") {
            Some((head, tail)) => (head, Some(tail)),
            None => (rest, None),
        }
    }

    /// serde's `one of `a`, `b`` (or a single `a`) as `，{what}：`a`、`b``.
    fn choices_text(what: &str, expected: Option<&str>) -> String {
        let Some(e) = expected else {
            return String::new();
        };
        let list = e
            .strip_prefix("one of ")
            .unwrap_or(e)
            .replace("`, `", "`、`");
        format!("，{what}：{list}")
    }

    /// serde's names of kinds of values, in Chinese.
    fn type_words(text: &str) -> String {
        const WORDS: &[(&str, &str)] = &[
            ("a string", "文字"),
            ("string", "文字"),
            ("floating point", "小数"),
            ("integer", "整数"),
            ("a boolean", "是/否（true/false）"),
            ("boolean", "是/否（true/false）"),
            ("a sequence", "列表"),
            ("sequence", "列表"),
            ("a map", "表"),
            ("map", "表"),
            ("u32", "整数"),
            ("u16", "整数"),
            ("u64", "整数"),
            ("i32", "整数"),
            ("i64", "整数"),
            ("f64", "数字"),
        ];
        let mut out = text.to_string();
        for (en, zh) in WORDS {
            if out.starts_with(en) {
                out = format!("{zh}{}", &out[en.len()..]);
                break;
            }
        }
        out
    }
}

/// Messages about passwords ([`crate::password`]).
pub mod password {
    /// A password shorter than [`crate::password::MIN_LEN`].
    pub const SHORT: &str = "密码至少8位";
    /// A password that is easy to guess, with the reason after it.
    pub const WEAK: &str = "密码太容易被猜到";
    /// Why a password is weak: a repeated character or pattern.
    pub const REPEAT: &str = "请不要使用重复的字符或字符组合（如 11111111、abcabc）";
    /// Why a password is weak: a sequence.
    pub const SEQUENCE: &str = "请不要使用连续的字符（如 12345678、abcdefg）";
    /// Why a password is weak: a keyboard pattern.
    pub const KEYBOARD: &str = "请不要使用键盘上相邻的按键（如 qwerty、1qaz2wsx）";
    /// Why a password is weak: a common password or word.
    pub const COMMON: &str = "这是常见密码或常用词，请换一个";
    /// Why a password is weak: a date or year.
    pub const DATE: &str = "请不要使用日期或年份";
    /// Why a password is weak: it contains the user name or the organisation.
    pub const PERSONAL: &str = "请不要在密码中使用用户名、单位名称或信用代码";
    /// Why a password is weak: in general.
    pub const GENERAL: &str = "请使用更长的密码，混合字母、数字和符号，或几个不相关的词";
}
