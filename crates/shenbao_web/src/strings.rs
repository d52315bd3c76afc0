//! Every sentence the web pages show, in Chinese (zh-CN), in one place.
//!
//! Templates refer to these constants (`{{ crate::strings::SITE_NAME }}`) and handlers use
//! them for messages, so wording is reviewed and changed here only.

/// Product name in the header.
pub const SITE_NAME: &str = "申报通";
/// Tagline under the product name.
pub const SITE_TAGLINE: &str = "项目征集与申报管理平台";
/// Navigation: home.
pub const NAV_HOME: &str = "征集通知";
/// Navigation: log in.
pub const NAV_LOGIN: &str = "登录";
/// Navigation: register.
pub const NAV_REGISTER: &str = "单位注册";
/// Navigation: log out.
pub const NAV_LOGOUT: &str = "退出";
/// Navigation: change password.
pub const NAV_PASSWORD: &str = "修改密码";
/// Footer line.
pub const FOOTER: &str = "申报通 · 所有数据保存在本单位服务器";

/// Home page title.
pub const HOME_TITLE: &str = "征集通知";
/// Home page intro.
pub const HOME_INTRO: &str =
    "以下为正在征集和已截止的项目征集通知。点击标题查看申报范围、条件、截止时间和联系人。";
/// Status: open.
pub const STATUS_OPEN: &str = "征集中";
/// Status: closed.
pub const STATUS_CLOSED: &str = "已截止";
/// Label: issuer.
pub const LABEL_ISSUER: &str = "发文单位";
/// Label: document number.
pub const LABEL_DOC_NUMBER: &str = "文号";
/// Label: published.
pub const LABEL_PUBLISHED: &str = "发布日期";
/// Label: applicant deadline.
pub const LABEL_DEADLINE: &str = "申报截止";
/// Label: directions.
pub const LABEL_DIRECTIONS: &str = "申报方向";
/// No deadline known.
pub const DEADLINE_UNKNOWN: &str = "以通知为准";
/// Deadline suffix: end of day.
pub const DEADLINE_END_OF_DAY: &str = "24:00 前";

/// Call page: scope heading.
pub const CALL_SCOPE: &str = "征集范围";
/// Call page: label of the area the call covers.
pub const CALL_AREA: &str = "申报地域";
/// Call page: after the area's name.
pub const CALL_AREA_HINT: &str = "（注册地在此范围内的单位可以申报）";
/// Call page: conditions heading.
pub const CALL_CONDITIONS: &str = "申报条件";
/// Call page: requirements heading.
pub const CALL_REQUIREMENTS: &str = "有关要求";
/// Call page: directions heading.
pub const CALL_DIRECTIONS: &str = "申报方向";
/// Call page: sub-directions label.
pub const CALL_SUBDIRECTIONS: &str = "子方向";
/// Call page: deadlines heading.
pub const CALL_DEADLINES: &str = "时间安排";
/// Call page: the applicant stage.
pub const CALL_APPLICANT_STAGE: &str = "申报单位提交申报材料";
/// Call page: contacts heading.
pub const CALL_CONTACTS: &str = "联系方式";
/// Call page: evidence heading.
pub const CALL_FILES: &str = "需提交的材料";
/// Call page: optional evidence.
pub const CALL_FILE_OPTIONAL: &str = "（如有）";
/// Call page: per-applicant limits heading.
pub const CALL_LIMITS: &str = "申报限制";
/// Call page: the demo banner.
pub const DEMO_BANNER: &str = "演示模式：本通知的截止时间已顺延至";
/// Call page: the demo banner, continued.
pub const DEMO_BANNER_REAL: &str = "以便体验申报流程；通知原定截止时间为";
/// Call page: start applying (next step, for logged-in applicants).
pub const CALL_APPLY_HINT: &str = "请先登录或注册申报单位账号，再在线填写申报书。";
/// Call page: limit texts.
pub const LIMIT_PER_CALL: &str = "每个申报主体限申报的项目数：";
/// Per-direction limit.
pub const LIMIT_PER_DIRECTION: &str = "同一申报方向每个单位可申报的项目数：";
/// Exclusive directions.
pub const LIMIT_EXCLUSIVE: &str = "不能同时申报：";
/// Contact: phone.
pub const CONTACT_PHONE: &str = "电话";
/// Contact: e-mail.
pub const CONTACT_EMAIL: &str = "邮箱";
/// Contact: address.
pub const CONTACT_ADDRESS: &str = "地址";

/// Login page title.
pub const LOGIN_TITLE: &str = "登录";
/// Login: username.
pub const LOGIN_USERNAME: &str = "用户名";
/// Login: password.
pub const LOGIN_PASSWORD: &str = "密码";
/// Login: submit.
pub const LOGIN_SUBMIT: &str = "登录";
/// Login: no account yet.
pub const LOGIN_NO_ACCOUNT: &str = "还没有账号？";
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

/// Register page title.
pub const REGISTER_TITLE: &str = "申报单位注册";
/// Register intro.
pub const REGISTER_INTRO: &str =
    "请按营业执照（法人登记证书）填写单位信息。各级主管部门将对照盖章材料核实单位身份。";
/// Register: organisation section.
pub const REGISTER_ORG: &str = "单位信息";
/// Register: USCC.
pub const REGISTER_USCC: &str = "统一社会信用代码";
/// Register: USCC hint.
pub const REGISTER_USCC_HINT: &str = "18位，见营业执照";
/// Register: organisation name.
pub const REGISTER_ORG_NAME: &str = "单位名称";
/// Register: region.
pub const REGISTER_REGION: &str = "注册地（省/市/县）";
/// Register: region without JavaScript.
pub const REGISTER_REGION_CODE: &str = "注册地行政区划代码（6位，如 370102）";
/// Register: province select.
pub const REGISTER_PROVINCE: &str = "请选择省份";
/// Register: city select.
pub const REGISTER_CITY: &str = "请选择城市";
/// Register: county select.
pub const REGISTER_COUNTY: &str = "请选择区县";
/// Register: account section.
pub const REGISTER_ACCOUNT: &str = "登录账号";
/// Register: contact name.
pub const REGISTER_CONTACT: &str = "联系人姓名";
/// Register: the login name the applicant chooses, before the system's digits.
pub const REGISTER_USERNAME: &str = "登录名";
/// Register: username hint (the system appends digits, so that registering never tells a
/// stranger which names are taken).
pub const REGISTER_USERNAME_HINT: &str = "3至32位字母、数字或 _ . @ -。系统会在后面加上几位数字作为您的登录账号（如 zhangsan-4821），注册成功后显示";
/// Register: password hint.
pub const REGISTER_PASSWORD_HINT: &str = "至少8位";
/// Register: confirm password.
pub const REGISTER_CONFIRM: &str = "确认密码";
/// Register: submit.
pub const REGISTER_SUBMIT: &str = "注册";
/// Register: fix the errors.
pub const FORM_HAS_ERRORS: &str = "请修改标出的内容后再提交";

/// Validation: required.
pub const ERR_REQUIRED: &str = "请填写此项";
/// Validation: bad username.
pub const ERR_USERNAME: &str = "登录名应为3至32位字母、数字或 _ . @ -";
/// Validation: short password.
pub const ERR_PASSWORD_SHORT: &str = "密码至少8位";
/// Validation: a password that is easy to guess, with the estimator's reason after it.
pub const ERR_PASSWORD_WEAK: &str = "密码太容易被猜到";
/// Why a password is weak: a repeated character or pattern.
pub const WEAK_REPEAT: &str = "请不要使用重复的字符或字符组合（如 11111111、abcabc）";
/// Why a password is weak: a sequence.
pub const WEAK_SEQUENCE: &str = "请不要使用连续的字符（如 12345678、abcdefg）";
/// Why a password is weak: a keyboard pattern.
pub const WEAK_KEYBOARD: &str = "请不要使用键盘上相邻的按键（如 qwerty、1qaz2wsx）";
/// Why a password is weak: a common password or word.
pub const WEAK_COMMON: &str = "这是常见密码或常用词，请换一个";
/// Why a password is weak: a date or year.
pub const WEAK_DATE: &str = "请不要使用日期或年份";
/// Why a password is weak: it contains the user name or the organisation.
pub const WEAK_PERSONAL: &str = "请不要在密码中使用用户名、单位名称或信用代码";
/// Why a password is weak: in general.
pub const WEAK_GENERAL: &str = "请使用更长的密码，混合字母、数字和符号，或几个不相关的词";
/// Validation: passwords differ.
pub const ERR_PASSWORD_MISMATCH: &str = "两次输入的密码不一致";
/// Validation: wrong old password.
pub const ERR_OLD_PASSWORD: &str = "原密码不正确";
/// Validation: region must be a county.
pub const ERR_REGION: &str = "请选择到区县一级的注册地";

/// Password page title.
pub const PASSWORD_TITLE: &str = "修改密码";
/// Password: old.
pub const PASSWORD_OLD: &str = "原密码";
/// Password: new.
pub const PASSWORD_NEW: &str = "新密码";
/// Password: submit.
pub const PASSWORD_SUBMIT: &str = "保存新密码";
/// Password changed.
pub const PASSWORD_CHANGED: &str = "密码已修改，其他设备上的登录已退出";

/// Account page title.
pub const ACCOUNT_TITLE: &str = "我的账号";
/// Account: role.
pub const ACCOUNT_ROLE: &str = "角色";
/// Account: organisation.
pub const ACCOUNT_ORG: &str = "所属单位";
/// Account: scope.
pub const ACCOUNT_SCOPE: &str = "管辖范围";
/// Review: other accounts registered with the application's USCC.
pub const REVIEW_SAME_CODE: &str =
    "另有以下单位账号使用同一统一社会信用代码注册，请对照盖章材料核实申报单位身份：";
/// Welcome after registration.
pub const WELCOME: &str = "注册成功，已为您登录";
/// Welcome: the login name the system gave, before the name itself.
pub const WELCOME_LOGIN_NAME: &str = "您的登录账号是";
/// Welcome: after the login name.
pub const WELCOME_LOGIN_NAME_KEEP: &str = "请记下，今后用它和密码登录。";
/// Registration: no free login name found after many random tries (a name crowded by others).
pub const ERR_REGISTRATION_NAME_CROWDED: &str = "暂时无法分配登录账号，请换一个登录名后重试";

/// Error page: title.
pub const ERROR_TITLE: &str = "出错了";
/// Error page: back link.
pub const ERROR_BACK: &str = "返回首页";
/// 404.
pub const ERROR_NOT_FOUND: &str = "没有找到您要的页面";
/// 403.
pub const ERROR_FORBIDDEN: &str = "您没有权限访问此页面";
/// Login needed.
pub const ERROR_LOGIN_NEEDED: &str = "请先登录";
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
/// Form: save button.
pub const FORM_SAVE: &str = "保存草稿";
/// Form: go to submission.
pub const FORM_TO_SUBMIT: &str = "检查并提交";
/// Form: saved.
pub const FORM_SAVED: &str = "已保存";
/// Form: what still blocks submission (the list can be opened).
pub const FORM_PROBLEMS: &str = "以下内容还需填写或修改后才能提交";
/// Form: autosave status.
pub const FORM_AUTOSAVED: &str = "已自动保存";
/// Form: conflict between two tabs.
pub const FORM_CONFLICT: &str = "本申报书已在其他窗口或设备上保存过，为避免覆盖，本次内容未保存。您填写的内容仍在下方，请核对后再次保存（将以本页内容为准）。";
/// Form: not editable any more.
pub const FORM_READONLY: &str = "申报书已提交，不能修改。如需修改，请在截止前撤回。";

/// Applications: list title.
pub const APPS_TITLE: &str = "我的申报";
/// Applications: none yet.
pub const APPS_NONE: &str = "还没有申报。请在征集通知页面选择申报方向开始填写。";
/// Applications: start.
pub const APPS_START: &str = "开始填写申报书";
/// Applications: choose direction.
pub const APPS_CHOOSE_DIRECTION: &str = "选择申报方向";
/// Applications: choose sub-direction.
pub const APPS_CHOOSE_SUBDIRECTION: &str = "选择子方向";
/// Applications: edit.
pub const APPS_EDIT: &str = "填写";
/// Applications: view.
pub const APPS_VIEW: &str = "查看";
/// Application page: history.
pub const APP_HISTORY: &str = "办理记录";
/// Application page: files.
pub const APP_FILES: &str = "附件材料";
/// Application page: content hash.
pub const APP_HASH: &str = "提交内容校验码（SHA-256）";
/// Application page: withdraw.
pub const APP_WITHDRAW: &str = "撤回申报（截止前可撤回修改）";
/// Application page: withdrawn.
pub const APP_WITHDRAWN: &str = "已撤回为草稿，可修改后重新提交";
/// Application page: submitted.
pub const APP_SUBMITTED: &str = "申报书已提交";
/// Application page: last saved.
pub const APP_UPDATED: &str = "最后保存";
/// Application page: direction.
pub const APP_DIRECTION: &str = "申报方向";
/// Event: created.
pub const EVENT_CREATED: &str = "创建草稿";
/// Event: submitted.
pub const EVENT_SUBMITTED: &str = "提交申报";
/// Event: withdrawn.
pub const EVENT_WITHDRAWN: &str = "撤回申报";

/// Upload: button.
pub const UPLOAD_BUTTON: &str = "上传";
/// Upload: types allowed.
pub const UPLOAD_TYPES: &str = "格式";
/// Upload: count.
pub const UPLOAD_COUNT: &str = "数量";
/// Upload: size.
pub const UPLOAD_SIZE: &str = "大小";
/// Upload: delete.
pub const UPLOAD_DELETE: &str = "删除";
/// Upload: refused, too large.
pub const UPLOAD_TOO_LARGE: &str = "文件超过了允许的大小，未保存";
/// Upload: refused, too small.
pub const UPLOAD_TOO_SMALL: &str = "文件小于要求的大小，未保存";
/// Upload: refused, wrong type.
pub const UPLOAD_WRONG_TYPE: &str =
    "文件内容与允许的格式不符（按文件内容识别，而非扩展名），未保存";
/// Upload: refused, too many.
pub const UPLOAD_TOO_MANY: &str = "该项附件已达到数量上限，请先删除再上传";
/// Upload: refused, no file chosen.
pub const UPLOAD_NO_FILE: &str = "请选择要上传的文件";
/// Upload: done.
pub const UPLOAD_DONE: &str = "文件已上传";
/// Upload: interrupted.
pub const UPLOAD_INTERRUPTED: &str = "上传中断，请重试";
/// Upload: refused at once, a form part other than the file (the page's hidden fields) was
/// longer than any real form sends.
pub const UPLOAD_PART_TOO_LARGE: &str =
    "上传请求中的表单内容超出允许的长度，已停止接收，文件未保存。请刷新页面后重新选择文件上传。";

/// Submit page: title.
pub const SUBMIT_TITLE: &str = "检查并提交";
/// Submit: problems block submission.
pub const SUBMIT_BLOCKED: &str = "以下问题需要先修改，才能提交：";
/// Submit: warnings need reasons.
pub const SUBMIT_WARNINGS: &str = "以下情况按通知“原则上”不符合，可以提交，但须说明理由：";
/// Submit: justification label.
pub const SUBMIT_JUSTIFICATION: &str = "情况说明";
/// Submit: justification needed.
pub const SUBMIT_JUSTIFICATION_NEEDED: &str = "请填写情况说明";
/// Submit: commitment accepted.
pub const SUBMIT_ACCEPT: &str = "我单位已阅读并承诺遵守以上内容";
/// Submit: commitment needed.
pub const SUBMIT_ACCEPT_NEEDED: &str = "请勾选承诺";
/// Submit: button.
pub const SUBMIT_BUTTON: &str = "确认提交";
/// Submit: past the deadline.
pub const SUBMIT_CLOSED: &str = "申报已截止，不能提交或撤回";
/// Submit: limit reached.
pub const SUBMIT_LIMIT: &str = "超出本通知的申报数量限制：";
/// Back to the form.
pub const BACK_TO_FORM: &str = "返回修改";
/// Form: label of the division picker when JavaScript runs.
pub const FORM_REGION_PICK: &str = "请依次选择省、市、区县";

// ---- review: statuses and the applicant's side ----------------------------------------------

/// Status shown to the applicant at the owner before publication.
pub const STATUS_IN_EXPERT_REVIEW: &str = "评审中";
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
/// Submit page: choose the sector department.
pub const SUBMIT_SECTOR: &str = "受理的行业主管部门";
/// Submit page: choose.
pub const SUBMIT_SECTOR_CHOOSE: &str = "请选择";
/// Submit page: resubmission note.
pub const SUBMIT_RESUBMISSION: &str = "本次为退回修改后的重新提交，将送回退回的审核单位。";
/// Withdraw refused: a reviewer has decided or it has moved on.
pub const WITHDRAW_TOO_LATE: &str = "审核单位已处理该申报，不能撤回";
/// Show page: the reviewer's comment on a return.
pub const APP_RETURNED_COMMENT: &str = "审核单位退回修改意见";
/// Show page: where it is now.
pub const APP_NOW_AT: &str = "当前审核单位";
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

/// Navigation: the reviewer's desk.
pub const NAV_REVIEW: &str = "审核工作台";
/// Navigation: the call owner's pages.
pub const NAV_OWNER: &str = "征集管理";
/// Navigation: the expert's assignments.
pub const NAV_EXPERT: &str = "评审任务";
/// Desk index title.
pub const REVIEW_TITLE: &str = "审核工作台";
/// Desk index intro.
pub const REVIEW_INTRO: &str = "以下为本单位负责审核推荐的征集。点击进入待审申报、排序和报送。";
/// Desk index: nothing to review.
pub const REVIEW_NONE: &str = "本账号没有需要审核的征集。";
/// Label: the level.
pub const REVIEW_LEVEL: &str = "审核层级";
/// Label: the unit.
pub const REVIEW_UNIT: &str = "本单位";
/// Label: the level's deadline.
pub const REVIEW_DEADLINE: &str = "报送截止";
/// Label: no deadline.
pub const REVIEW_NO_DEADLINE: &str = "通知未规定";
/// Link: the queue.
pub const REVIEW_OPEN_QUEUE: &str = "进入审核";
/// Queue: filters.
pub const REVIEW_FILTER: &str = "筛选";
/// Queue: all.
pub const REVIEW_ALL: &str = "全部";
/// Queue: keyword.
pub const REVIEW_KEYWORD: &str = "单位或项目名称";
/// Queue: region.
pub const REVIEW_REGION: &str = "所在县（市、区）";
/// Queue: sort.
pub const REVIEW_SORT: &str = "排序";
/// Queue: newest first.
pub const REVIEW_SORT_NEWEST: &str = "最新提交在前";
/// Queue: oldest first.
pub const REVIEW_SORT_OLDEST: &str = "最早提交在前";
/// Queue: column title.
pub const REVIEW_COL_TITLE: &str = "项目（案例）名称";
/// Queue: column applicant.
pub const REVIEW_COL_APPLICANT: &str = "申报单位";
/// Queue: column region.
pub const REVIEW_COL_REGION: &str = "所在地区";
/// Queue: column direction.
pub const REVIEW_COL_DIRECTION: &str = "申报方向";
/// Queue: column status.
pub const REVIEW_COL_STATUS: &str = "状态";
/// Queue: column submitted.
pub const REVIEW_COL_SUBMITTED: &str = "提交时间";
/// Queue: column rank.
pub const REVIEW_COL_RANK: &str = "推荐排序";
/// Queue: empty.
pub const REVIEW_EMPTY_QUEUE: &str = "没有符合条件的申报。";
/// Queue: next page.
pub const REVIEW_NEXT_PAGE: &str = "下一页";
/// Queue: first page.
pub const REVIEW_FIRST_PAGE: &str = "回到第一页";
/// Queue: counts.
pub const REVIEW_COUNTS: &str = "本单位申报统计";
/// Queue: forwarded lists.
pub const REVIEW_FORWARDED_LISTS: &str = "已报送";
/// Link: ranking and forwarding.
pub const REVIEW_RANKING: &str = "推荐排序与报送";
/// Link: forwarding (levels that do not rank).
pub const REVIEW_FORWARDING: &str = "汇总报送";
/// Review page: eligibility check.
pub const REVIEW_CHECK: &str = "申报条件核查";
/// Review page: everything passes.
pub const REVIEW_CHECK_OK: &str = "系统核查未发现问题。";
/// Review page: warnings and the applicant's reasons.
pub const REVIEW_JUSTIFICATION: &str = "申报单位对提示事项的说明";
/// Review page: decisions so far.
pub const REVIEW_DECISIONS: &str = "各级审核意见";
/// Review page: changes since the previous submission.
pub const REVIEW_CHANGES: &str = "与上次提交相比的修改";
/// Review page: a file added on resubmission.
pub const REVIEW_FILE_ADDED: &str = "新增附件";
/// Review page: a file removed on resubmission.
pub const REVIEW_FILE_REMOVED: &str = "删除附件";
/// Review page: no field changed.
pub const REVIEW_NO_CHANGES: &str = "表单内容没有变化（可能只更换了附件）。";
/// Review page: before.
pub const REVIEW_BEFORE: &str = "修改前";
/// Review page: after.
pub const REVIEW_AFTER: &str = "修改后";
/// Review page: field.
pub const REVIEW_FIELD: &str = "填报项";
/// Review page: empty value.
pub const REVIEW_EMPTY: &str = "（空）";
/// Review page: attachments.
pub const REVIEW_FILES: &str = "佐证材料";
/// Review page: the form.
pub const REVIEW_FORM: &str = "申报书";
/// Review page: history.
pub const REVIEW_HISTORY: &str = "办理记录";
/// Review page: content hash.
pub const REVIEW_HASH: &str = "提交内容校验码";
/// Review page: currently at.
pub const REVIEW_AT: &str = "当前环节";
/// Review page: actions.
pub const REVIEW_ACTIONS: &str = "审核处理";
/// Action: return for revision.
pub const REVIEW_RETURN: &str = "退回修改";
/// Action: the comment for the applicant.
pub const REVIEW_RETURN_COMMENT: &str = "退回意见（申报单位可见，请写明需要修改的内容）";
/// Action: not recommended.
pub const REVIEW_REJECT: &str = "不予推荐";
/// Action: the reason.
pub const REVIEW_REJECT_REASON: &str = "不予推荐的理由";
/// Action: recommend.
pub const REVIEW_RECOMMEND: &str = "推荐";
/// Action: the opinion.
pub const REVIEW_OPINION: &str = "推荐意见";
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
/// Not actionable: it is at another unit now.
pub const REVIEW_NOT_HERE: &str = "该申报已不在本单位审核环节，仅供查看";
/// Not actionable: the applicant is revising it.
pub const REVIEW_WAITING_APPLICANT: &str = "已退回申报单位修改，待其重新提交";
/// Refused: forwarding needs confirmation.
pub const REVIEW_CONFIRM_NEEDED: &str = "请勾选确认后再报送";
/// Refused: the last level forwards nowhere.
pub const REVIEW_NO_NEXT: &str = "本级为最后一级，无需报送";
/// Ranking: intro.
pub const REVIEW_RANKING_INTRO: &str =
    "按优先顺序对本单位推荐的申报择优排序，确认后报送上一级。报送后名单不能再修改。";
/// Ranking: the levels that do not rank.
pub const REVIEW_NO_RANKING_INTRO: &str =
    "本级无需排序。审核完毕后将推荐的申报汇总报送上一级，报送后不能再修改。";
/// Ranking: move up.
pub const REVIEW_UP: &str = "上移";
/// Ranking: move down.
pub const REVIEW_DOWN: &str = "下移";
/// Queue: download the summary table.
pub const REVIEW_SUMMARY_DOWNLOAD: &str = "下载汇总表（Excel）";
/// Queue and ranking: download the summary table as Word.
pub const REVIEW_SUMMARY_DOWNLOAD_DOCX: &str = "下载汇总表（Word）";
/// Queue and ranking: download everything the unit forwards as one ZIP.
pub const REVIEW_PACKAGE_DOWNLOAD: &str = "下载报送材料包（ZIP）";
/// File name of the package, after the unit's name.
pub const REVIEW_PACKAGE_NAME: &str = "报送材料包";
/// Ranking: what the lower level sent up.
pub const REVIEW_RECEIVED: &str = "下级报送的推荐名单";
/// Ranking: the lower unit.
pub const REVIEW_LOWER_UNIT: &str = "报送单位";
/// Ranking: the lower level's rank.
pub const REVIEW_LOWER_RANK: &str = "下级推荐排序";
/// Ranking: empty.
pub const REVIEW_NO_RECOMMENDED: &str = "该方向还没有推荐的申报。";
/// Ranking: pending count.
pub const REVIEW_PENDING_COUNT: &str = "待审核";
/// Ranking: forward to.
pub const REVIEW_FORWARD_TO: &str = "报送至";
/// Ranking: confirm.
pub const REVIEW_FORWARD_CONFIRM: &str = "我已确认推荐名单和排序无误，报送后不能再修改";
/// Ranking: forward button.
pub const REVIEW_FORWARD: &str = "确认报送";
/// Ranking: already forwarded at.
pub const REVIEW_FORWARDED_AT: &str = "已于以下时间报送：";
/// Back to the queue.
pub const REVIEW_BACK: &str = "返回列表";
// ---- Documents: application forms as files ------------------------------------------------

/// Application, review and expert pages: download the filled form as Word.
pub const DOC_FORM_DOCX: &str = "下载申报书（Word）";
/// A PDF was asked for but the server has no PDF fonts installed.
pub const DOC_PDF_NO_FONTS: &str = "服务器暂未安装生成 PDF 所需的字体，暂时无法生成 PDF 文件。请先下载 Word 版本，并请联系系统管理员安装字体（fonts-noto-cjk）。";
/// The consortium agreement's title (湖南).
pub const DOC_CONSORTIUM: &str = "联合体协议书";
/// Application pages: the letters to print, sign and stamp.
pub const DOC_LETTERS: &str = "需签字盖章的文书";
/// Application, review and expert pages: download the filled form as PDF.
pub const DOC_FORM_PDF: &str = "下载申报书（PDF）";
/// Call page: the blank forms section.
pub const DOC_BLANK_FORMS: &str = "空白申报书";
/// Call page: what the blank forms are for.
pub const DOC_BLANK_HINT: &str =
    "可下载各申报方向的空白申报书，离线填写时参考；正式申报请在线填报。";
/// Call page: download a blank form as Word.
pub const DOC_BLANK_DOCX: &str = "下载空白申报书（Word）";
/// Call page: download a blank form as PDF (for printing).
pub const DOC_BLANK_PDF: &str = "下载空白申报书（PDF）";

// ---- Notifications: the inbox, notification e-mail -----------------------------------------

/// Header: link to the inbox.
pub const INBOX_NAV: &str = "消息";
/// Header: hint on the unread badge.
pub const INBOX_UNREAD_HINT: &str = "条未读消息";
/// Inbox page: title.
pub const INBOX_TITLE: &str = "消息中心";
/// Inbox: nothing there.
pub const INBOX_EMPTY: &str = "暂无消息";
/// Inbox: mark of an unread message.
pub const INBOX_UNREAD: &str = "未读";
/// Inbox: button that marks one message read (and opens its link).
pub const INBOX_OPEN: &str = "查看";
/// Inbox: button that marks one message read without a link.
pub const INBOX_MARK_READ: &str = "标为已读";
/// Inbox: button that marks every message read.
pub const INBOX_READ_ALL: &str = "全部标为已读";
/// Inbox: link to the next page.
pub const INBOX_OLDER: &str = "更早的消息";
/// Inbox: link back to the first page.
pub const INBOX_NEWEST: &str = "最新消息";
/// Account page: the notification e-mail address.
pub const EMAIL_LABEL: &str = "通知邮箱";
/// Account page: what the address is for.
pub const EMAIL_HINT: &str = "填写后，站内消息也会发送到该邮箱；留空则不发送邮件。";
/// Account page: no address yet.
pub const EMAIL_NONE: &str = "未设置";
/// Account page: save button.
pub const EMAIL_SAVE: &str = "保存邮箱";
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

/// Owner: title of the owner's pages.
pub const OWNER_TITLE: &str = "征集单位工作台";
/// Owner: column, the call.
pub const OWNER_CALL: &str = "通知";
/// Owner: count of applications past draft.
pub const OWNER_COUNT_TOTAL: &str = "已提交";
/// Owner: count at the owner level.
pub const OWNER_COUNT_AT_OWNER: &str = "报送至本厅";
/// Owner: count selected.
pub const OWNER_COUNT_SELECTED: &str = "入选";
/// Owner: a count.
pub const OWNER_COUNT: &str = "数量";
/// Owner: column, published or not.
pub const OWNER_PUBLISHED: &str = "结果公布";
/// Owner: published.
pub const OWNER_PUBLISHED_YES: &str = "已公布";
/// Owner: not published.
pub const OWNER_PUBLISHED_NO: &str = "未公布";
/// Owner tab: dashboard.
pub const OWNER_TAB_DASHBOARD: &str = "概况";
/// Owner tab: pool and conflicts.
pub const OWNER_TAB_EXPERTS: &str = "专家库与回避";
/// Owner tab: assignments.
pub const OWNER_TAB_ASSIGNMENTS: &str = "分配评审专家";
/// Owner tab: ranking and selection.
pub const OWNER_TAB_RANKING: &str = "评分排名与入选";
/// Owner tab: publication.
pub const OWNER_TAB_PUBLISH: &str = "公布结果";
/// Owner tab: the public results page.
pub const OWNER_TAB_RESULTS: &str = "公示页面";
/// Owner dashboard: drafts.
pub const OWNER_DRAFTS: &str = "尚未提交的草稿：";
/// Owner dashboard: counts by city.
pub const OWNER_BY_CITY: &str = "按地市统计";
/// Owner dashboard: counts by direction.
pub const OWNER_BY_DIRECTION: &str = "按申报方向统计";
/// Owner dashboard: counts by status.
pub const OWNER_BY_STATUS: &str = "按状态统计";
/// Owner dashboard: counts by level.
pub const OWNER_BY_LEVEL: &str = "按审核环节统计";
/// Owner: column, city.
pub const OWNER_CITY: &str = "地市";
/// Owner: column, direction.
pub const OWNER_DIRECTION: &str = "申报方向";
/// Owner: column, status.
pub const OWNER_STATUS: &str = "状态";
/// Owner: column, level.
pub const OWNER_LEVEL: &str = "所在环节";
/// Status: selected.
pub const OWNER_STATUS_SELECTED: &str = "入选";
/// Status: unknown.
pub const STATUS_OTHER: &str = "其他";
/// Owner: the expert pool.
pub const OWNER_POOL: &str = "专家库";
/// Owner: empty pool.
pub const OWNER_POOL_EMPTY: &str = "专家库中还没有专家。";
/// Owner: column, expert.
pub const OWNER_EXPERT: &str = "专家";
/// Owner: column, experts of an application.
pub const OWNER_EXPERTS: &str = "评审专家";
/// Owner: an expert's user name.
pub const OWNER_USERNAME: &str = "专家用户名";
/// Owner: an expert's employer.
pub const OWNER_EMPLOYER: &str = "工作单位";
/// Owner: an expert's assignments.
pub const OWNER_LOAD: &str = "已分配";
/// Owner: an expert's submitted sheets.
pub const OWNER_LOAD_SUBMITTED: &str = "已提交评分";
/// Owner: remove button.
pub const OWNER_REMOVE: &str = "移除";
/// Owner: add an expert.
pub const OWNER_ADD_EXPERT: &str = "按用户名添加专家";
/// Owner: add button.
pub const OWNER_ADD: &str = "添加";
/// Owner: conflicts of interest.
pub const OWNER_CONFLICTS: &str = "回避关系";
/// Owner: column, organisation.
pub const OWNER_ORGANISATION: &str = "申报单位";
/// Owner: USCC.
pub const OWNER_USCC: &str = "统一社会信用代码";
/// Owner: reason of a conflict.
pub const OWNER_REASON: &str = "回避理由";
/// Owner: declare a conflict.
pub const OWNER_ADD_CONFLICT: &str = "登记回避";
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
/// Owner: no direction filter.
pub const OWNER_ALL_DIRECTIONS: &str = "全部方向";
/// Owner: filter button.
pub const OWNER_FILTER: &str = "查看";
/// Owner: application id.
pub const OWNER_APP_ID: &str = "申报编号";
/// Owner: case name.
pub const OWNER_CASE: &str = "案例（项目）名称";
/// Owner: an expert has not submitted.
pub const OWNER_NOT_SUBMITTED: &str = "未提交";
/// Owner: unassign button.
pub const OWNER_UNASSIGN: &str = "取消分配";
/// Owner: nothing at the owner level.
pub const OWNER_NONE_AT_OWNER: &str = "暂无报送至本厅的申报。";
/// Next page.
pub const OWNER_NEXT_PAGE: &str = "下一页";
/// Owner: assign by hand.
pub const OWNER_ASSIGN_BY_HAND: &str = "手动分配";
/// Owner: assign button.
pub const OWNER_ASSIGN: &str = "分配";
/// Owner: automatic assignment.
pub const OWNER_AUTO: &str = "自动分配";
/// Owner: how automatic assignment works.
pub const OWNER_AUTO_HELP: &str = "为每件申报补足指定人数的专家：从专家库中选取，自动避开登记回避的专家和申报单位本单位的专家，优先分配任务最少的专家。已分配的专家计入人数。";
/// Owner: experts per application.
pub const OWNER_AUTO_N: &str = "每件申报的专家人数";
/// Owner: automatic assignment button.
pub const OWNER_AUTO_BUTTON: &str = "开始自动分配";
/// Owner: bad number of experts.
pub const OWNER_AUTO_BAD_N: &str = "每件申报的专家人数须为 1 到 20 之间的整数";
/// Owner: assignments made.
pub const OWNER_AUTO_DONE: &str = "自动分配完成，本次新分配评审任务：";
/// Owner: applications not filled, head.
pub const OWNER_AUTO_UNFILLED: &str = "专家库中可用（无回避关系）的专家不足，以下申报未能分配满 ";
/// Owner: applications not filled, tail.
pub const OWNER_AUTO_UNFILLED_TAIL: &str = " 名专家：";
/// Owner: experts an application has.
pub const OWNER_AUTO_HAVE: &str = "现有专家人数";
/// Owner: back to assignments.
pub const OWNER_BACK_TO_ASSIGNMENTS: &str = "返回分配页面";
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
/// Owner: scoring method.
pub const OWNER_METHOD: &str = "计分方法";
/// Owner: mean.
pub const OWNER_METHOD_MEAN: &str = "平均分";
/// Owner: trimmed mean.
pub const OWNER_METHOD_TRIMMED: &str = "去掉最高最低分后平均";
/// Owner: normalise per expert.
pub const OWNER_NORMALISE: &str = "按专家标准化（Z 分数）";
/// Owner: the criteria.
pub const OWNER_CRITERIA: &str = "评分指标：";
/// Owner: maximum score.
pub const OWNER_MAX: &str = "满分";
/// Owner: rank.
pub const OWNER_RANK: &str = "排名";
/// Owner: tied rank.
pub const OWNER_TIED: &str = "并列";
/// Owner: each expert's total.
pub const OWNER_EXPERT_TOTALS: &str = "各专家加权总分";
/// Owner: mean.
pub const OWNER_MEAN: &str = "平均分";
/// Owner: trimmed mean.
pub const OWNER_TRIMMED: &str = "去极值平均分";
/// Owner: z-score.
pub const OWNER_Z: &str = "标准化得分";
/// Owner: unselect.
pub const OWNER_UNSELECT: &str = "取消入选";
/// Owner: select the ticked ones.
pub const OWNER_SELECT_TICKED: &str = "勾选项设为入选";
/// Owner: cut-off rank.
pub const OWNER_CUTOFF: &str = "排名在前（含）";
/// Owner: select by cut-off.
pub const OWNER_SELECT_CUTOFF: &str = "名的全部设为入选";
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
/// Owner: publication warning.
pub const OWNER_PUBLISH_WARNING: &str =
    "公布后，以下入选名单将在公示页面向社会公开，且不能再更改。";
/// Owner: more selected than shown.
pub const OWNER_PUBLISH_MORE: &str = "（仅显示前 20 件，公示页面列出全部入选名单）";
/// Owner: nothing selected.
pub const OWNER_PUBLISH_NONE: &str = "目前没有入选的申报。";
/// Owner: publication confirmation.
pub const OWNER_PUBLISH_CONFIRM: &str = "我已核对入选名单，确认公布，公布后不可更改";
/// Owner: publish button.
pub const OWNER_PUBLISH_BUTTON: &str = "确认公布";
/// Owner: confirmation missing.
pub const OWNER_PUBLISH_CONFIRM_NEEDED: &str = "请勾选确认后再公布";
/// Owner: published.
pub const OWNER_PUBLISHED_DONE: &str = "结果已公布";
/// Expert: title.
pub const EXPERT_TITLE: &str = "我的评审任务";
/// Expert: no assignments.
pub const EXPERT_NONE: &str = "暂无分配给您的评审任务。";
/// Expert: not scored.
pub const EXPERT_STATUS_TODO: &str = "待评分";
/// Expert: draft saved.
pub const EXPERT_STATUS_SAVED: &str = "已保存";
/// Expert: submitted.
pub const EXPERT_STATUS_SUBMITTED: &str = "已提交";
/// Expert: view.
pub const EXPERT_VIEW: &str = "查看";
/// Expert: score.
pub const EXPERT_SCORE: &str = "评分";
/// Expert: the application.
pub const EXPERT_APPLICATION: &str = "申报材料";
/// Expert: attachments.
pub const EXPERT_FILES: &str = "附件";
/// Expert: score sheet.
pub const EXPERT_SHEET: &str = "评分表";
/// Expert: criterion.
pub const EXPERT_CRITERION: &str = "评分指标";
/// Expert: weight.
pub const EXPERT_WEIGHT: &str = "权重";
/// Expert: your score.
pub const EXPERT_YOUR_SCORE: &str = "评分";
/// Expert: comment.
pub const EXPERT_COMMENT: &str = "评语";
/// Expert: overall comment.
pub const EXPERT_OVERALL: &str = "总体评价";
/// Expert: weighted total.
pub const EXPERT_TOTAL: &str = "加权总分：";
/// Expert: save as draft.
pub const EXPERT_SAVE: &str = "暂存";
/// Expert: submission confirmation.
pub const EXPERT_CONFIRM: &str = "我确认评分无误，提交后不可修改";
/// Expert: submit.
pub const EXPERT_SUBMIT: &str = "提交评分";
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
/// Expert: recusal.
pub const EXPERT_RECUSE: &str = "申请回避";
/// Expert: recusal button.
pub const EXPERT_RECUSE_BUTTON: &str = "声明回避并退出本项评审";
/// Expert: recusal reason missing.
pub const EXPERT_RECUSE_REASON_NEEDED: &str = "请填写回避理由";
/// Expert: recused.
pub const EXPERT_RECUSED: &str = "已登记回避，该评审任务已撤销";
/// Results: title.
pub const RESULTS_TITLE: &str = "入选名单公示";
/// Results: link on the call page.
pub const RESULTS_LINK: &str = "查看入选名单公示";
/// Results: not published yet.
pub const RESULTS_NOT_YET: &str = "结果尚未公布";
/// Results: when published.
pub const RESULTS_PUBLISHED_AT: &str = "公布时间：";
/// Results: nothing selected.
pub const RESULTS_NONE: &str = "本次没有入选的申报。";
/// Results: case name.
pub const RESULTS_CASE: &str = "案例（项目）名称";
/// Results: unit.
pub const RESULTS_UNIT: &str = "申报单位";
/// Results: region.
pub const RESULTS_REGION: &str = "所在地区";
/// Results: direction.
pub const RESULTS_DIRECTION: &str = "申报方向";
/// Results: introduction.
pub const RESULTS_INTRODUCTION: &str = "简介";

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

/// Second factor: page title.
pub const TOTP_TITLE: &str = "第二重验证（动态口令）";
/// Second factor: what it is.
pub const TOTP_INTRO: &str = "登录时除密码外，还需输入手机验证器应用（如微信小程序“腾讯身份验证器”、Google Authenticator、Microsoft Authenticator）显示的6位动态口令。";
/// Second factor: required for this account.
pub const TOTP_REQUIRED: &str = "管理员要求本类账号启用第二重验证，请先完成设置，再使用其他功能。";
/// Second factor: scan this.
pub const TOTP_SCAN: &str = "1. 用验证器应用扫描下面的二维码（或手动输入密钥）：";
/// Second factor: the secret as text.
pub const TOTP_SECRET: &str = "密钥";
/// Second factor: confirm with a code.
pub const TOTP_CONFIRM: &str = "2. 输入应用显示的6位动态口令，完成设置：";
/// Second factor: the code field.
pub const TOTP_CODE: &str = "动态口令";
/// Second factor: enable button.
pub const TOTP_ENABLE: &str = "启用";
/// Second factor: enabled since.
pub const TOTP_ENABLED: &str = "已启用第二重验证。";
/// Second factor: recovery codes left.
pub const TOTP_CODES_LEFT: &str = "剩余可用的恢复码：";
/// Second factor: recovery codes shown once.
pub const TOTP_CODES_ONCE: &str = "请抄写或打印以下恢复码并妥善保管。手机丢失时，每个恢复码可代替动态口令登录一次。恢复码只显示这一次。";
/// Second factor: disable (needs a current code).
pub const TOTP_DISABLE: &str = "停用第二重验证";
/// Second factor: disabling is not allowed for this role.
pub const TOTP_CANNOT_DISABLE: &str =
    "管理员要求本类账号启用第二重验证，不能停用。手机丢失时请用恢复码登录，或请管理员重置。";
/// Second factor: a wrong or reused code.
pub const TOTP_WRONG: &str = "动态口令不正确或已使用过，请输入应用中当前显示的口令";
/// Second factor: login step title.
pub const TOTP_LOGIN_TITLE: &str = "输入动态口令";
/// Second factor: login step help.
pub const TOTP_LOGIN_HELP: &str =
    "请输入验证器应用显示的6位动态口令；手机不在身边时，可输入一个恢复码。";
/// Second factor: the login step expired.
pub const TOTP_LOGIN_EXPIRED: &str = "登录已超时，请重新输入用户名和密码";
/// Second factor: submit.
pub const TOTP_SUBMIT: &str = "验证并登录";
/// Second factor: link on the account page.
pub const TOTP_LINK: &str = "第二重验证";

// ---- administrator: audit log ---------------------------------------------------------------

/// Navigation: the audit log (administrators).
pub const NAV_AUDIT: &str = "审计日志";
/// Audit page: title.
pub const AUDIT_TITLE: &str = "审计日志";
/// Audit page: introduction.
pub const AUDIT_INTRO: &str = "平台上的登录、注册、上传、提交、审核等操作，按时间从新到旧排列。日志以哈希链方式防篡改，可在服务器上用 shenbao audit verify 校验其完整性。";
/// Audit page: actor filter.
pub const AUDIT_ACTOR: &str = "操作人";
/// Audit page: hint of the actor filter.
pub const AUDIT_ACTOR_HINT: &str = "账号、姓名或用户编号";
/// Audit page: action filter.
pub const AUDIT_ACTION: &str = "操作";
/// Audit page: from date.
pub const AUDIT_FROM: &str = "起始日期";
/// Audit page: to date.
pub const AUDIT_TO: &str = "截止日期";
/// Audit page: address filter.
pub const AUDIT_IP: &str = "IP 地址";
/// Audit page: hint of the address filter.
pub const AUDIT_IP_HINT: &str = "可只填开头，如 10.0.";
/// Audit page: any action.
pub const AUDIT_ALL: &str = "全部";
/// Audit page: filter button.
pub const AUDIT_FILTER: &str = "筛选";
/// Audit page: clear the filter.
pub const AUDIT_CLEAR: &str = "清除条件";
/// Audit page: export button.
pub const AUDIT_EXPORT: &str = "导出 CSV";
/// Audit page: nothing found.
pub const AUDIT_EMPTY: &str = "没有符合条件的记录。";
/// Audit page: a date that is not a date.
pub const AUDIT_BAD_DATE: &str = "日期格式应为 年-月-日，如 2025-06-30。";
/// Audit page: the first page.
pub const AUDIT_NEWEST: &str = "最新记录";
/// Audit page: the next page.
pub const AUDIT_OLDER: &str = "更早的记录";
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
/// Audit page and CSV: column of the object.
pub const AUDIT_COL_TARGET: &str = "对象";
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
