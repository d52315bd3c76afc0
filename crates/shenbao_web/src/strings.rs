//! The Chinese (zh-CN) text that Rust code produces: messages of handlers and refusals,
//! labels computed from data, e-mail and notification wording.
//!
//! The pages' own text (headings, labels, buttons, hints) is written in the templates, as
//! plain HTML: the site has one language. A sentence lives here only when Rust code produces
//! it (a handler's message, a label chosen by a `match`); a template may show such a constant
//! too, but then does not repeat its words.
//!
//! Must not: hold text that only a template shows; that belongs in the template.

/// Product name in the header.
pub const SITE_NAME: &str = "申报通";

/// No deadline known.
pub const DEADLINE_UNKNOWN: &str = "以通知为准";
/// Deadline suffix: end of day.
pub const DEADLINE_END_OF_DAY: &str = "24:00 前";

/// Call page: the applicant stage.
pub const CALL_APPLICANT_STAGE: &str = "申报单位提交申报材料";
/// Call page: a review level's stage in the timeline (`last`: the issuing authority's).
pub fn level_stage(level: &str, last: bool) -> String {
    if last {
        format!("{level}组织评审并公布结果")
    } else {
        format!("{level}审核推荐并报送上一级")
    }
}
/// Call page: limit texts.
pub const LIMIT_PER_CALL: &str = "每个申报主体限申报的项目数：";
/// Per-direction limit.
pub const LIMIT_PER_DIRECTION: &str = "同一申报方向每个单位可申报的项目数：";
/// Exclusive directions.
pub const LIMIT_EXCLUSIVE: &str = "不能同时申报：";

/// Login failed.
pub const LOGIN_FAILED: &str = "用户名或密码不正确";
/// Too many attempts (login, registration, password change): how long to wait.
pub fn too_many(secs: u64) -> String {
    if secs >= 120 {
        format!("尝试次数过多，请{}分钟后再试", secs.div_ceil(60))
    } else {
        format!("尝试次数过多，请{secs}秒后再试")
    }
}

/// Register: region without JavaScript.
pub const REGISTER_REGION_CODE: &str = "注册地行政区划代码（6位，如 370102）";
/// Register: province select.
pub const REGISTER_PROVINCE: &str = "请选择省份";
/// Register: city select.
pub const REGISTER_CITY: &str = "请选择城市";
/// Register: county select.
pub const REGISTER_COUNTY: &str = "请选择区县";
/// Register: fix the errors.
pub const FORM_HAS_ERRORS: &str = "请修改标出的内容后再提交";

/// Validation: required.
pub const ERR_REQUIRED: &str = "请填写此项";
/// Validation: bad username.
pub const ERR_USERNAME: &str = "登录名应为3至32位字母、数字或 _ . @ -";
/// Validation: passwords differ.
pub const ERR_PASSWORD_MISMATCH: &str = "两次输入的密码不一致";
/// Validation: wrong old password.
pub const ERR_OLD_PASSWORD: &str = "原密码不正确";
/// Validation: region must be a county.
pub const ERR_REGION: &str = "请选择到区县一级的注册地";

/// Password changed.
pub const PASSWORD_CHANGED: &str = "密码已修改，其他设备上的登录已退出";

/// Review: other accounts registered with the application's USCC.
pub const REVIEW_SAME_CODE: &str =
    "另有以下单位账号使用同一统一社会信用代码注册，请对照盖章材料核实申报单位身份：";
/// Welcome after registration.
pub const WELCOME: &str = "注册成功，已为您登录";
/// Registration: no free login name found after many random tries (a name crowded by others).
pub const ERR_REGISTRATION_NAME_CROWDED: &str = "暂时无法分配登录账号，请换一个登录名后重试";

/// 404.
pub const ERROR_NOT_FOUND: &str = "没有找到您要的页面";
/// 403.
pub const ERROR_FORBIDDEN: &str = "您没有权限访问此页面";
/// CSRF failure.
pub const ERROR_CSRF: &str = "页面已过期或来源不明，请刷新页面后重试";
/// 413: a form posted with more than the server takes.
pub const ERROR_TOO_LARGE: &str = "提交的内容超过了2MB的上限，未被接收，已保存的内容不受影响。请精简文字后再提交；图片、文档等材料请在“附件材料”中上传。";
/// 400/415/422: a request the server could not read (a form that does not parse).
pub const ERROR_BAD_REQUEST: &str = "提交的内容不完整或格式不正确，未被接收，已保存的内容不受影响。请返回上一页刷新后重新填写提交。";
/// 405.
pub const ERROR_METHOD: &str = "此页面不能这样访问，请从页面上的按钮或链接进入。";
/// 500.
pub const ERROR_INTERNAL: &str =
    "系统暂时无法处理您的请求，请稍后再试。所填内容未丢失的，可返回上一页重新提交。";
/// Validation: bad USCC.
pub const ERR_USCC_INVALID: &str = "统一社会信用代码不正确，请核对营业执照（18位，校验位须正确）";

/// Form: computed field not yet computable.
pub const FORM_COMPUTED_PENDING: &str = "—";
/// Form: computed field hint.
pub const FORM_COMPUTED_HINT: &str = "（根据所填数字自动计算）";
/// Form: 字数 counter, before the number.
pub const FORM_ZI_PREFIX: &str = "按Word「字数」统计：当前 ";
/// Form: 字数 counter, after the number.
pub const FORM_ZI_SUFFIX: &str = " 字";
/// Form: default label of the 其他 text box.
pub const FORM_OTHER_LABEL: &str = "请注明：";
/// Form: between the dates of a range.
pub const FORM_RANGE_TO: &str = "至";
/// Accessible names of a date range's two inputs: "<field label> 开始日期" / "… 结束日期".
pub const FORM_RANGE_START: &str = "开始日期";
pub const FORM_RANGE_END: &str = "结束日期";
/// Accessible name of a cell of a repeating row: "<column label>（第 N 行）".
pub const FORM_ROW_NTH_PREFIX: &str = "（第";
pub const FORM_ROW_NTH_SUFFIX: &str = "行）";
/// Form: add a row.
pub const FORM_ADD_ROW: &str = "＋ 增加一行";
/// Form: remove a row.
pub const FORM_REMOVE_ROW: &str = "删除";
/// Form: row limit, before the number.
pub const FORM_MAX_ROWS_PREFIX: &str = "最多 ";
/// Form: row limit, after the number.
pub const FORM_MAX_ROWS_SUFFIX: &str = " 行";
/// Form: saved.
pub const FORM_SAVED: &str = "已保存";
/// Form: autosave status.
pub const FORM_AUTOSAVED: &str = "已自动保存";
/// Form: conflict between two tabs.
pub const FORM_CONFLICT: &str = "本申报书已在其他窗口或设备上保存过，为避免覆盖，本次内容未保存。您填写的内容仍在下方，请核对后再次保存（将以本页内容为准）。";
/// Form: not editable any more.
pub const FORM_READONLY: &str = "申报书已提交，不能修改。如需修改，请在截止前撤回。";

/// Application page: withdrawn.
pub const APP_WITHDRAWN: &str = "已撤回为草稿，可修改后重新提交";
/// Event: created.
pub const EVENT_CREATED: &str = "创建草稿";
/// Event: submitted.
pub const EVENT_SUBMITTED: &str = "提交申报";
/// Event: withdrawn.
pub const EVENT_WITHDRAWN: &str = "撤回申报";

/// Upload: types allowed.
pub const UPLOAD_TYPES: &str = "格式";
/// Upload: count.
pub const UPLOAD_COUNT: &str = "数量";
/// Upload: size.
pub const UPLOAD_SIZE: &str = "大小";
/// Upload: a file kept in a slot (`file` as stored, `slot` its label).
pub fn upload_done(file: &str, slot: &str) -> String {
    format!("“{file}”已上传到“{slot}”")
}
/// Upload: a file refused by a slot, and why (one of the `upload_*` reasons below).
pub fn upload_refused(file: &str, slot: &str, reason: &str) -> String {
    format!("“{file}”未能上传到“{slot}”：{reason}")
}
/// Upload: nothing chosen for a slot.
pub fn upload_nothing_chosen(slot: &str) -> String {
    format!("请选择要上传到“{slot}”的文件")
}
/// Upload: files refused beyond those named in the message (the list is bounded).
pub fn upload_more_refused(n: usize, slot: &str) -> String {
    format!("另有{n}个文件未能上传到“{slot}”")
}
/// Upload, reason: the content is none of the slot's types (`types`: 'PDF、JPG').
pub fn upload_wrong_type(types: &str) -> String {
    format!("只接受 {types} 格式（按文件内容识别，改扩展名无效）")
}
/// Upload, reason: over the size limit.
pub fn upload_too_large(max: &str) -> String {
    format!("文件超过 {max} 的大小上限")
}
/// Upload, reason: under the slot's smallest size.
pub fn upload_too_small(min: &str) -> String {
    format!("文件小于要求的 {min}")
}
/// Upload, reason: the slot holds its most files already.
pub fn upload_too_many(max: u32) -> String {
    format!("该项最多 {max} 个文件，已达上限，请先删除再上传")
}
/// Upload, reason: the file is empty.
pub const UPLOAD_EMPTY: &str = "文件是空的";
/// Upload, reason: no file chosen (the review side's stamped scans).
pub const UPLOAD_NO_FILE: &str = "请选择要上传的文件";
/// Review: a stamped scan was stored.
pub const SCAN_UPLOADED: &str = "盖章扫描件已上传";
/// Starting a direction again where the applicant already has a draft: that draft is opened.
pub const APP_EXISTING: &str = "您在该方向已有一份申报草稿，已为您打开，请继续填写";
/// Under a narrative that may have figures: a link to the slot to upload them into.
pub const FORM_FIGURES: &str = "可附图进行必要说明：在“附件材料”中上传 → ";
/// A paper document the list goes with, counted for the list being sent: 每件一式3份 for each
/// recommended application, 一式1份 for the list; whose seal it bears.
pub fn paper_line(document: &str, copies: u32, each: Option<usize>, stamp: Option<&str>) -> String {
    let stamp = stamp.map(|s| format!("（{s}）")).unwrap_or_default();
    match each {
        Some(n) => format!(
            "{document}：每件一式{copies}份，本方向推荐 {n} 件，共 {} 份{stamp}",
            copies as usize * n
        ),
        None => format!("{document}：一式{copies}份{stamp}"),
    }
}
/// Review: a stamped scan that is not a PDF by its content.
pub const SCAN_NOT_PDF: &str =
    "盖章扫描件须为 PDF 文件（按文件内容识别，改扩展名无效），请上传扫描生成的 PDF";
/// Review: a stamped scan over the server's limit.
pub const SCAN_TOO_LARGE: &str = "文件超过服务器允许的大小，请压缩扫描件后重新上传";
/// Upload: interrupted.
pub const UPLOAD_INTERRUPTED: &str = "上传中断，请重试";
/// Upload: refused at once, a form part other than the file (the page's hidden fields) was
/// longer than any real form sends.
pub const UPLOAD_PART_TOO_LARGE: &str =
    "上传请求中的表单内容超出允许的长度，已停止接收，文件未保存。请刷新页面后重新选择文件上传。";

/// Submit: justification needed.
pub const SUBMIT_JUSTIFICATION_NEEDED: &str = "请填写情况说明";
/// Submit: commitment needed.
pub const SUBMIT_ACCEPT_NEEDED: &str = "请勾选承诺";
/// Submit: past the deadline, when no date is known.
pub const SUBMIT_CLOSED: &str = "申报已截止，不能提交或撤回";
/// Submit: past the deadline that the receiving unit `unit` set (`day`).
pub fn submit_closed_by_unit(unit: &str, day: &str) -> String {
    format!("{unit}规定的申报截止日期（{day}）已过，不能再提交或撤回")
}
/// Apply, submit or withdraw in a call that is not collecting (`state`: 已截止, 评审中…).
pub fn call_not_collecting(state: &str) -> String {
    format!("本通知当前为“{state}”，不再接受申报、提交或撤回")
}
/// Upload: the call's area is outside the uploader's, or its id is another owner's call.
pub const CALL_NOT_YOURS: &str =
    "该通知的征集地域不在本单位管辖范围内，或通知编号已被其他单位的通知使用";
/// Upload: stored.
pub const CALL_UPLOADED: &str = "通知文件检查通过，已保存为新版本。";
/// Dates: stored.
pub const CALL_DATES_SAVED: &str = "日期已保存为新版本。";
/// State: moved.
pub const CALL_STATE_SAVED: &str = "通知状态已更改。";
/// Version: published.
pub const CALL_VERSION_PUBLISHED: &str =
    "新版本已发布：此后开始的申报按新版本填写，已开始的申报仍按原版本。";
/// A call cannot move from one state to another.
pub fn call_state_move(from: &str, to: &str) -> String {
    format!("通知当前为“{from}”，不能改为“{to}”（可能已被其他人更改，请刷新页面）")
}
/// Publishing a call without an applicants' deadline ahead.
pub const CALL_DEADLINE_NEEDED: &str =
    "发布前须设定申报截止日期，且截止日期不能早于今天：请先在“时间安排”中填写日期";
/// Submit: past the call's deadline `day`.
pub fn submit_closed_on(day: &str) -> String {
    format!("申报截止日期（{day}）已过，不能再提交或撤回")
}
/// Unit timeline: the deadline is not a date.
pub const TIMELINE_DEADLINE_INVALID: &str = "截止日期格式不对，应如 2024-06-01";
/// Unit timeline: the deadline is before today.
pub const TIMELINE_DEADLINE_PASSED: &str = "截止日期不能早于今天";
/// Unit timeline: the deadline is after the latest allowed (`latest`).
pub fn timeline_deadline_too_late(latest: &str) -> String {
    format!(
        "本单位的申报截止日期不能晚于 {latest}（通知规定的截止日期，本级须在此后审核、排序和报送）"
    )
}
/// Unit timeline: too long a contact.
pub const TIMELINE_CONTACT_TOO_LONG: &str = "联系人和联系电话各不超过 40 个字";
/// Unit timeline: saved.
pub const TIMELINE_SAVED: &str = "已保存。本单位受理的申报单位将看到新的截止日期和联系人。";
/// Submit: limit reached.
pub const SUBMIT_LIMIT: &str = "超出本通知的申报数量限制：";
/// Form: label of the division picker when JavaScript runs.
pub const FORM_REGION_PICK: &str = "请依次选择省、市、区县";

// ---- review: statuses and the applicant's side ----------------------------------------------

/// Status shown to the applicant at the owner before publication.
pub const STATUS_IN_EXPERT_REVIEW: &str = "评审中";
/// Status shown to the applicant of a collection (摸底) once the owner has it.
pub const STATUS_COLLECTED: &str = "已报送汇总";
/// Outcome shown to the applicant after publication: selected.
pub const STATUS_OUTCOME_SELECTED: &str = "入选";
/// Outcome shown to the applicant after publication: not selected.
pub const STATUS_OUTCOME_NOT_SELECTED: &str = "未入选";
/// Submit refused: the call defines no review level for the direction.
/// An organisation registered outside the call's area: the area's name, then the region's.
pub fn apply_out_of_area(area: &str, region: &str) -> String {
    format!("本次申报面向注册地在{area}的单位，贵单位注册地为{region}，不能申报")
}
pub const SUBMIT_NO_LEVEL: &str = "该申报方向没有受理单位，请联系征集通知的联系人";
/// Submit refused: a sector department must be chosen.
pub const SUBMIT_SECTOR_NEEDED: &str = "请选择受理的行业主管部门";
/// Submit refused: no sector department has an account yet.
pub const SUBMIT_NO_SECTOR: &str =
    "本地区的行业主管部门尚未开通账号，暂不能提交，请联系征集通知的联系人";
/// Submit refused: the receiving level has closed or already forwarded.
pub const SUBMIT_LEVEL_CLOSED: &str = "受理单位的报送截止时间已过，不能再提交";
/// Submit refused: the receiving unit (its name) has forwarded its list of the direction and
/// receives no more applications of it.
pub fn submit_unit_forwarded(unit: &str) -> String {
    format!(
        "受理单位（{unit}）已向上级报送本申报方向的推荐名单，不再受理本方向的申报，本次未提交。如有疑问，请联系受理单位。"
    )
}
/// Resubmission refused: the unit that returned the application (its name) has forwarded its
/// list of the direction since.
pub fn resubmit_unit_forwarded(unit: &str) -> String {
    format!(
        "退回修改的审核单位（{unit}）已向上级报送本申报方向的推荐名单，不再受理重新提交，本次未提交。如有疑问，请联系该审核单位。"
    )
}
/// Submit refused: submitted or withdrawn in another tab meanwhile.
pub const SUBMIT_STATUS_CHANGED: &str = "申报书的状态已变化（可能已在其他窗口或设备上提交或撤回），本次未提交。请返回申报书查看当前状态。";
/// Submit refused: saved in another tab since the submit page was loaded.
pub const SUBMIT_CONFLICT: &str =
    "申报书已在其他窗口或设备上修改过，本次未提交。请核对最新内容后再提交。";
/// Withdraw refused: a reviewer has decided or it has moved on.
pub const WITHDRAW_TOO_LATE: &str = "审核单位已处理该申报，不能撤回";
/// History: returned.
pub const EVENT_RETURNED: &str = "退回修改";
/// History: resubmitted.
pub const EVENT_RESUBMITTED: &str = "修改后重新提交";
/// History: recommended.
pub const EVENT_RECOMMENDED: &str = "推荐";
/// History: not recommended.
pub const EVENT_NOT_RECOMMENDED: &str = "不予推荐";
/// History: forwarded to the next level.
pub const EVENT_FORWARDED: &str = "报送上级";
/// History: selected.
pub const EVENT_SELECTED: &str = "拟入选";
/// History: selection withdrawn.
pub const EVENT_UNSELECTED: &str = "取消入选";

// ---- review: the bureaus' pages ----------------------------------------------------------------

/// Review page: a file added on resubmission.
pub const REVIEW_FILE_ADDED: &str = "新增附件";
/// Review page: a file removed on resubmission.
pub const REVIEW_FILE_REMOVED: &str = "删除附件";
/// Problem: no comment.
pub const REVIEW_COMMENT_NEEDED: &str = "退回修改须填写退回意见";
/// Problem: no reason.
pub const REVIEW_REASON_NEEDED: &str = "不予推荐须填写理由";
/// Problem: no opinion.
pub const REVIEW_OPINION_NEEDED: &str = "推荐须填写推荐意见";
/// Problem: a signature line is empty.
pub const REVIEW_SIGNATURE_NEEDED: &str = "请填写推荐意见栏的经办人、审批人";
/// Problem: unknown action.
pub const REVIEW_UNKNOWN_ACTION: &str = "请选择处理方式";
/// Refused: already forwarded.
pub const REVIEW_FORWARDED: &str = "本单位已报送该方向的推荐名单，不能再修改";
/// Refused: undecided applications remain.
pub const REVIEW_PENDING: &str = "该方向还有待审核的申报，请全部处理后再报送";
/// Refused: someone else changed it first.
pub const REVIEW_MOVED_ON: &str = "该申报的状态已经变化，请刷新页面后再操作";
/// Refused: the level's deadline has passed.
pub const REVIEW_CLOSED: &str = "本级报送截止时间已过";
/// The queue's name for an application waiting for the unit's decision.
pub const QUEUE_PENDING: &str = "待审核";
/// 保存并下一件 after the last application waiting under the queue's filters.
pub const QUEUE_DONE: &str = "已处理完当前筛选条件下的全部待审核申报。";
/// The file name of the queue's export (after the unit's name).
pub const QUEUE_EXPORT_NAME: &str = "申报列表";
/// A batch decision without a chosen action.
pub const BATCH_ACTION_NEEDED: &str = "请选择批量处理的方式：推荐、退回修改或不予推荐";
/// A batch decision on nothing.
pub const BATCH_NONE: &str = "请先勾选要批量处理的申报";
/// A batch decision over more than a page.
pub const BATCH_TOO_LARGE: &str = "一次最多批量处理 100 件申报，请分批处理";
/// An application of a batch that is no longer waiting at the unit.
pub const BATCH_NOT_HERE: &str = "该申报已不在本单位待审核（可能已处理或已被申报单位撤回）";

/// What a batch decision did: 已推荐 18 件.
pub fn batch_done(action: &str, n: usize) -> String {
    let verb = match action {
        "recommend" => "推荐",
        "return" => "退回修改",
        _ => "不予推荐",
    };
    format!("已批量{verb} {n} 件申报")
}

/// An application a batch decision left, and why.
pub fn batch_left(title: &str, why: &str) -> String {
    format!("“{title}”未处理：{why}")
}

/// A unit with the contact it gave (联系人 and phone), if any.
pub fn unit_with_contact(unit: &str, contact: &str) -> String {
    if contact.trim().is_empty() {
        unit.to_string()
    } else {
        format!("{unit}（联系人：{contact}）")
    }
}

/// The days left before a level's deadline, as the queue shows them.
pub fn days_left(days: i64) -> String {
    match days {
        d if d < 0 => "已截止".to_string(),
        0 => "今天截止".to_string(),
        d => format!("还有 {d} 天"),
    }
}
/// Not actionable: it is at another unit now.
pub const REVIEW_NOT_HERE: &str = "该申报已不在本单位审核环节，仅供查看";
/// Not actionable: the applicant is revising it.
pub const REVIEW_WAITING_APPLICANT: &str = "已退回申报单位修改，待其重新提交";
/// Refused: forwarding needs confirmation.
pub const REVIEW_CONFIRM_NEEDED: &str = "请勾选确认后再报送";
/// Refused: the last level forwards nowhere.
pub const REVIEW_NO_NEXT: &str = "本级为最后一级，无需报送";
/// File name of the package, after the unit's name.
pub const REVIEW_PACKAGE_NAME: &str = "报送材料包";
// ---- Documents: application forms as files ------------------------------------------------

/// A PDF was asked for but the server has no PDF fonts installed.
pub const DOC_PDF_NO_FONTS: &str = "服务器暂未安装生成 PDF 所需的字体，暂时无法生成 PDF 文件。请先下载 Word 版本，并请联系系统管理员安装字体（fonts-noto-cjk）。";
/// The consortium agreement's title (湖南).
pub const DOC_CONSORTIUM: &str = "联合体协议书";

// ---- Notifications: the inbox, notification e-mail -----------------------------------------

/// Account page: the address was saved.
pub const EMAIL_SAVED: &str = "通知邮箱已保存";
/// Account page: the address was cleared.
pub const EMAIL_CLEARED: &str = "通知邮箱已清除，今后不再发送邮件";
/// Account page: the address is not valid.
pub const EMAIL_INVALID: &str = "邮箱地址格式不正确，请检查（例如 name@example.cn）";
/// E-mail: subject prefix.
pub const MAIL_SUBJECT_PREFIX: &str = "【申报通】";
/// E-mail: greeting after the recipient's name.
pub const MAIL_GREETING: &str = "，您好：";
/// E-mail: before the link.
pub const MAIL_LINK: &str = "查看详情：";
/// E-mail: closing line.
pub const MAIL_FOOTER: &str =
    "此邮件由申报通自动发送，请勿直接回复。如不需要邮件提醒，请登录后在“我的账号”中清除通知邮箱。";
// ---- Owner, experts and results -------------------------------------------------------------

/// Status: unknown.
pub const STATUS_OTHER: &str = "其他";
/// Owner: expert added.
pub const OWNER_EXPERT_ADDED: &str = "已加入专家库";
/// Owner: expert already in the pool.
pub const OWNER_EXPERT_ALREADY: &str = "该专家已在专家库中";
/// Owner: expert removed.
pub const OWNER_EXPERT_REMOVED: &str = "已从专家库移除（已分配的评审任务保留）";
/// Owner: conflict declared.
pub const OWNER_CONFLICT_ADDED: &str = "已登记回避关系";
/// Owner: conflict removed.
pub const OWNER_CONFLICT_REMOVED: &str = "已删除回避关系";
/// Owner: user name missing.
pub const OWNER_USERNAME_NEEDED: &str = "请填写专家用户名";
/// Owner: unknown user name.
pub const OWNER_USER_UNKNOWN: &str = "找不到该用户名的账号";
/// Owner: the account is not an expert.
pub const OWNER_USER_NOT_EXPERT: &str = "该账号不是评审专家账号";
/// Owner: USCC missing.
pub const OWNER_USCC_NEEDED: &str = "请填写申报单位的统一社会信用代码";
/// Owner: unknown organisation.
pub const OWNER_ORGANISATION_UNKNOWN: &str = "找不到该统一社会信用代码对应的申报单位";
/// Owner: bad number of experts.
pub const OWNER_AUTO_BAD_N: &str = "每件申报的专家人数须为 1 到 20 之间的整数";
/// Owner: application not at the owner level.
pub const OWNER_APPLICATION_UNKNOWN: &str = "该申报编号不存在，或不在本厅待评审的申报中";
/// Owner: expert not in the pool.
pub const OWNER_NOT_IN_POOL: &str = "该专家不在本通知的专家库中，请先加入专家库";
/// Owner: conflicted expert.
pub const OWNER_ASSIGN_CONFLICT: &str =
    "该专家与申报单位存在回避关系（登记回避或本单位），不能分配";
/// Owner: already assigned.
pub const OWNER_ASSIGN_TAKEN: &str = "该专家已分配到这件申报";
/// Owner: assignment refused.
pub const OWNER_ASSIGN_REFUSED: &str = "分配未成功，请刷新后重试";
/// Owner: assigned.
pub const OWNER_ASSIGNED: &str = "已分配";
/// Owner: unassigned.
pub const OWNER_UNASSIGNED: &str = "已取消分配";
/// Owner: cannot unassign a submitted sheet.
pub const OWNER_UNASSIGN_SUBMITTED: &str = "该专家已提交评分，不能取消分配";
/// Owner: bad cut-off.
pub const OWNER_CUTOFF_BAD: &str = "入选名次须为正整数";
/// Owner: nothing to select.
pub const OWNER_SELECT_NONE: &str = "没有可设为入选的申报：请勾选申报，或填写名次";
/// Owner: selection refused.
pub const OWNER_SELECT_STALE: &str = "部分申报的状态已变化，未做任何更改，请刷新后重试";
/// Owner: how many were selected.
pub const OWNER_SELECTED_N: &str = "已设为入选：";
/// Owner: unselected.
pub const OWNER_UNSELECTED: &str = "已取消入选";
/// Owner: nothing changes after publication.
pub const OWNER_PUBLISHED_LOCKED: &str = "结果已公布，入选名单和评审分配不能再更改";
/// Owner: experts, selection and results asked of a collection call.
pub const OWNER_COLLECTION: &str =
    "本征集为摸底调查，只收集、审核和汇总，不设专家评审、入选和结果公示";
/// Owner: the file name's ending of a summary table over every unit.
pub const OWNER_SUMMARY_SUFFIX: &str = "全部报送单位";
/// A level that ranks though the notice does not ask it to (泉州's city bureau).
pub const RANKS_OWNER_CHOICE: &str = "本级排序由征集单位设定，通知原文未要求本级排序";
/// Scoring and ranking: criteria whose weights no clause of the notice states.
pub const CRITERIA_OWNER_CHOICE: &str = "评分指标及权重由征集单位自定，通知原文未规定评审权重";
/// Owner: confirmation missing.
pub const OWNER_PUBLISH_CONFIRM_NEEDED: &str = "请勾选确认后再公布";
/// Owner: published.
pub const OWNER_PUBLISHED_DONE: &str = "结果已公布";
/// Expert: not scored.
pub const EXPERT_STATUS_TODO: &str = "待评分";
/// Expert: draft saved.
pub const EXPERT_STATUS_SAVED: &str = "已保存";
/// Expert: submitted.
pub const EXPERT_STATUS_SUBMITTED: &str = "已提交";
/// Expert: draft saved.
pub const EXPERT_SAVED: &str = "评分已暂存，提交前可继续修改";
/// Expert: submitted.
pub const EXPERT_SUBMITTED: &str = "评分已提交";
/// Expert: frozen after submission.
pub const EXPERT_READONLY: &str = "评分已提交，不能修改";
/// Expert: the call's results are published; the sheet is frozen with them.
pub const EXPERT_PUBLISHED_LOCKED: &str =
    "评审结果已公布，评分已随结果锁定，不能再暂存、提交或修改";
/// Expert: no recusal after publication.
pub const EXPERT_RECUSE_PUBLISHED: &str = "评审结果已公布，评审任务已随结果锁定，不能再申请回避";
/// Expert: not a number.
pub const EXPERT_SCORE_NOT_NUMBER: &str = "评分须为数字";
/// Expert: sheet refused.
pub const EXPERT_SHEET_REFUSED: &str = "评分未保存，请修改后重试（已暂存的评分保持不变）";
/// Expert: confirmation missing.
pub const EXPERT_CONFIRM_NEEDED: &str = "提交前请勾选确认；评分未保存";
/// Expert: recusal reason missing.
pub const EXPERT_RECUSE_REASON_NEEDED: &str = "请填写回避理由";
/// Expert: recused.
pub const EXPERT_RECUSED: &str = "已登记回避，该评审任务已撤销";

// ---- notices (inbox and e-mail) ----------------------------------------------------------------

/// Notice to reviewers: an application arrived.
pub const NOTICE_ARRIVED: &str = "新的申报待审核：";
/// Notice to the applicant: returned.
pub const NOTICE_RETURNED: &str = "申报被退回修改";
/// Notice to the applicant: not recommended.
pub const NOTICE_NOT_RECOMMENDED: &str = "申报未获推荐";
/// Notice to the applicant: recommended.
pub const NOTICE_RECOMMENDED: &str = "申报已获推荐";
/// Notice to the applicant: forwarded.
pub const NOTICE_FORWARDED: &str = "申报已报送至";
/// Notice to reviewers: a list arrived.
pub const NOTICE_LIST_ARRIVED: &str = "收到下级报送的推荐名单：";
/// Notice to reviewers: body.
pub const NOTICE_LIST_ARRIVED_BODY: &str = "请在审核期限内审核";
/// Notice to experts: assigned.
pub const NOTICE_ASSIGNED: &str = "新的评审任务：";
/// Notice to experts: body.
pub const NOTICE_ASSIGNED_BODY: &str = "请在“评审任务”中查看并打分。";
/// Notice to the applicant: selected.
pub const NOTICE_SELECTED: &str = "评审结果已公布，入选：";
/// Notice to the applicant: not selected.
pub const NOTICE_NOT_SELECTED: &str = "评审结果已公布，未入选：";

// ---- second factor (TOTP) ---------------------------------------------------------------

/// Second factor: disabling is not allowed for this role.
pub const TOTP_CANNOT_DISABLE: &str =
    "管理员要求本类账号启用第二重验证，不能停用。手机丢失时请用恢复码登录，或请管理员重置。";
/// Second factor: a wrong or reused code.
pub const TOTP_WRONG: &str = "动态口令不正确或已使用过，请输入应用中当前显示的口令";
/// Second factor: the login step expired.
pub const TOTP_LOGIN_EXPIRED: &str = "登录已超时，请重新输入用户名和密码";

// ---- administrator: audit log ---------------------------------------------------------------

/// Audit page: action filter.
pub const AUDIT_ACTION: &str = "操作";
/// Audit page: address filter.
pub const AUDIT_IP: &str = "IP 地址";
/// Audit page: a date that is not a date.
pub const AUDIT_BAD_DATE: &str = "日期格式应为 年-月-日，如 2025-06-30。";
/// Audit page and CSV: column of the entry number.
pub const AUDIT_COL_ID: &str = "编号";
/// Audit page and CSV: column of the time.
pub const AUDIT_COL_AT: &str = "时间";
/// CSV: column of the actor's user id.
pub const AUDIT_COL_ACTOR_ID: &str = "用户编号";
/// CSV: column of the actor's login name.
pub const AUDIT_COL_ACTOR_USERNAME: &str = "账号";
/// CSV: column of the actor's name.
pub const AUDIT_COL_ACTOR_NAME: &str = "姓名";
/// Audit page and CSV: column of the action's code.
pub const AUDIT_COL_ACTION_CODE: &str = "操作代码";
/// CSV: column of the object's kind.
pub const AUDIT_COL_TARGET_KIND: &str = "对象类型";
/// CSV: column of the object's id.
pub const AUDIT_COL_TARGET_ID: &str = "对象编号";
/// Audit page and CSV: column of the details.
pub const AUDIT_COL_DETAIL: &str = "详情";
/// Audit page and CSV: column of the chain hash.
pub const AUDIT_COL_HASH: &str = "哈希";
/// Audit page: no actor (system or anonymous).
pub const AUDIT_NO_ACTOR: &str = "（系统或未登录）";
/// Audit page: an entry older than the hash chain.
pub const AUDIT_NO_HASH: &str = "（早于哈希链）";
/// CSV: file name (the date is appended).
pub const AUDIT_CSV_NAME: &str = "审计日志";

/// The Chinese name of an audit action, when it is one the platform writes.
pub fn audit_action_label(action: &str) -> Option<&'static str> {
    AUDIT_ACTIONS
        .iter()
        .find(|(code, _)| *code == action)
        .map(|(_, label)| *label)
}

/// Every action the platform writes into the audit log, with its Chinese name, in the order
/// the filter lists them.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("login_refused", "登录被拒绝（尝试过多）"),
    ("logout", "退出"),
    ("register", "单位注册"),
    ("password_changed", "修改密码"),
    ("email_set", "设置邮箱"),
    ("email_cleared", "清除邮箱"),
    ("application_created", "创建申报"),
    ("file_uploaded", "上传附件"),
    ("file_deleted", "删除附件"),
    ("application_submitted", "提交申报"),
    ("application_withdrawn", "撤回申报"),
    ("application_returned", "退回修改"),
    ("application_not_recommended", "不予推荐"),
    ("application_recommended", "推荐"),
    ("ranking_forwarded", "报送推荐名单"),
    ("pool_expert_added", "专家加入专家库"),
    ("pool_expert_removed", "专家移出专家库"),
    ("expert_conflict_declared", "登记专家回避"),
    ("expert_assigned", "分配评审专家"),
    ("expert_unassigned", "取消专家分配"),
    ("experts_auto_assigned", "自动分配评审专家"),
    ("expert_recused", "专家申请回避"),
    ("scores_submitted", "提交评分"),
    ("applications_selected", "确定入选"),
    ("application_unselected", "取消入选"),
    ("results_published", "公布结果"),
    ("audit_exported", "导出审计日志"),
    ("audit_pruned", "按保留期限删除审计日志"),
];

/// A direction's quota on a bureau's pages: the numbers, what is recommended and what is left.
pub fn quota_line(
    per_direction: Option<u32>,
    per_unit: Option<u32>,
    used_direction: i64,
    used_all: i64,
    left: i64,
) -> String {
    let mut parts = Vec::new();
    if let Some(max) = per_direction {
        parts.push(format!("本方向最多推荐{max}个，已推荐{used_direction}个"));
    }
    if let Some(max) = per_unit {
        parts.push(format!(
            "本单位各方向合计最多推荐{max}个，已推荐{used_all}个"
        ));
    }
    format!("{}；还可推荐{left}个", parts.join("；"))
}

/// An earlier call an exclusion names that this server does not have.
pub const EXCLUSION_CALL_UNKNOWN: &str = "（本系统中没有这一通知）";
/// An exclusion upload without a file.
pub const EXCLUSION_NO_FILE: &str = "请选择要上传的排除名单文件（Excel 或 CSV）";
/// An empty exclusion file.
pub const EXCLUSION_EMPTY_FILE: &str = "上传的文件是空的";
/// An exclusion file over the size limit.
pub const EXCLUSION_TOO_LARGE: &str = "排除名单文件不能超过20MB";
/// An exclusion file that is neither a spreadsheet nor CSV.
pub fn exclusion_unreadable(name: &str) -> String {
    format!("无法读取文件“{name}”：请上传 Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码）文件")
}
/// After an exclusion upload.
pub fn exclusion_uploaded(n: i64) -> String {
    format!("排除名单已更新，共{n}条；此前的名单已被替换")
}

/// The duplicate check's evidence: the same project name.
pub const DUPLICATE_SAME_TITLE: &str = "项目名称相同（忽略空格、标点和全半角）";
/// The duplicate check's mark of an organisation with the same USCC.
pub const DUPLICATE_SAME_ORGANISATION: &str = "（同一统一社会信用代码）";
/// The duplicate check's evidence: a close narrative answer.
pub fn duplicate_section(label: &str, other_label: &str, similarity: f64) -> String {
    let percent = (similarity * 100.0).round();
    if label == other_label {
        format!("“{label}”内容相似度约{percent}%")
    } else {
        format!("本申报“{label}”与该申报“{other_label}”内容相似度约{percent}%")
    }
}
/// The duplicate check: which other application.
pub fn duplicate_what(
    id: i64,
    call: &str,
    year: Option<i32>,
    direction: &str,
    status: &str,
) -> String {
    let year = year.map(|y| format!("（{y}年）")).unwrap_or_default();
    format!("申报编号{id} · {call}{year} · {direction} · {status}")
}

/// Starting an application from a division the call leaves out.
pub fn apply_area_excluded(excluded: &str, region: &str) -> String {
    format!("本通知不含{excluded}（另行组织申报），注册地在{region}的单位不能通过本通知申报")
}

/// After a consortium member was named.
pub const MEMBER_ADDED: &str = "已添加联合体成员单位";
/// After a consortium member was removed.
pub const MEMBER_REMOVED: &str = "已移除联合体成员单位";

// ---- the statistics page (统计分析) ---------------------------------------------------------

/// The title of the region column (the divisions one level below the viewer's).
pub const STATS_REGION: &str = "地区";
/// After a division's name: applicants registered at the division itself, not below it
/// (泉州市本级).
pub const STATS_OWN_LEVEL: &str = "本级";
/// Applicants registered outside the viewer's division (a call without an area restriction).
pub const STATS_OUTSIDE: &str = "其他地区";
/// Before the time the figures were read.
pub const STATS_AS_OF: &str = "统计时间：";
/// Which applications are counted.
pub const STATS_WHICH: &str = "统计范围：已提交的申报（不含草稿），按最近一次提交日期计";
/// Whose figures the owner sees.
pub const STATS_WHOLE_CALL: &str = "全部申报";
/// The name of the XLSX file, after the call's title.
pub const STATS_FILE: &str = "统计分析";
