//! The call-definition format as people write it: one TOML file per call.
//!
//! These structs mirror the file one to one (serde) and generate its JSON Schema (schemars).
//! They hold no derived data and enforce nothing beyond shape: cross-references, kind-specific
//! attributes and expressions are checked when a definition is compiled (`super::compile`).
//! The format is documented for authors in `docs/call-format.md`; keep the two in step.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::text::ZiCount;

/// The format version this build reads. Bump it only with an upgrade step for older files.
pub const FORMAT_VERSION: u32 = 1;

/// A whole call for applications (征集通知) with its forms, rules and tables.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallDef {
    /// Format version of this file; must be 1.
    pub format: u32,
    /// Stable id of the call, lowercase ASCII with hyphens, e.g. `sd-2024-llm-cases`.
    pub id: String,
    /// Title of the notice (通知标题).
    pub title: String,
    /// Issuing body (发文单位), e.g. 山东省工业和信息化厅.
    pub issuer: String,
    /// Document number (文号), e.g. 粤工信数字产业函〔2023〕13号.
    #[serde(default)]
    pub document_number: Option<String>,
    /// The year the call belongs to.
    pub year: i32,
    /// Date the notice was issued, `YYYY-MM-DD`.
    #[serde(default)]
    pub published: Option<String>,
    /// Addressees of the notice (主送), e.g. 各市工业和信息化局，有关企业、单位.
    #[serde(default)]
    pub addressees: Option<String>,
    /// The notice's purpose paragraph, shown on the call page.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Scope of the call (征集范围), prose.
    pub scope: String,
    /// The division the call covers, as a GB/T 2260 code (e.g. `370000` for 山东省, `350500`
    /// for 泉州市): only organisations registered within it may apply, and only bureaus within
    /// it review. When absent, the call is open to every region.
    #[serde(default)]
    pub area: Option<String>,
    /// Conditions every applicant must meet (征集条件 / 申报条件), one paragraph each.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Further requirements (有关要求 / 材料要求), one paragraph each.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Title of the application form (申报书/申报表), e.g. 2024年山东省人工智能大模型典型应用案例申报表.
    pub form_title: String,
    /// Cover-page lines of the form (产品名称、申报单位（盖章）、填报日期…).
    #[serde(default, rename = "cover")]
    pub cover: Vec<CoverLine>,
    /// What the public results page (公示名单) prints for a selected application. Optional in
    /// the format; every seed call has it.
    #[serde(default)]
    pub publication: Option<Publication>,
    /// Deadlines that are not tied to a review level.
    #[serde(default)]
    pub deadlines: Deadlines,
    /// Contact people (联系人).
    #[serde(default, rename = "contact")]
    pub contacts: Vec<Contact>,
    /// Review levels in order, from the first bureau to the issuing authority.
    #[serde(default, rename = "review_level")]
    pub review_levels: Vec<ReviewLevel>,
    /// Directions (申报方向). A call without directions in its notice still has one.
    #[serde(rename = "direction")]
    pub directions: Vec<Direction>,
    /// Form sections in order; each may be limited to some directions.
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
    /// File slots for evidence (佐证材料).
    #[serde(default, rename = "file")]
    pub files: Vec<FileSlot>,
    /// Machine-checkable eligibility rules (申报条件), as CEL expressions.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    /// Per-applicant limits.
    #[serde(default)]
    pub limits: Limits,
    /// The commitment (真实性承诺 / 承诺书) the applicant accepts.
    pub commitment: Commitment,
    /// Expert review criteria.
    #[serde(default, rename = "criterion")]
    pub criteria: Vec<Criterion>,
    /// Summary tables (汇总表) in the notice's exact layout.
    #[serde(default, rename = "summary")]
    pub summaries: Vec<SummaryTable>,
}

/// A line on the form's cover page: a label and the answer it shows.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverLine {
    /// Printed label, e.g. 产品（方案）名称.
    pub label: String,
    /// Field id whose answer fills the line; empty lines are printed blank (e.g. for a stamp).
    #[serde(default)]
    pub field: Option<String>,
    /// Instead of `field`: a CEL expression over `answers` and `profile` giving the text, for
    /// a line that differs by direction (e.g. `has(answers.lead_name) ? answers.lead_name :
    /// answers.unit_name`).
    #[serde(default)]
    pub value: Option<String>,
    /// Text printed after the value, e.g. （盖章）.
    #[serde(default)]
    pub suffix: Option<String>,
}

/// A selected application's entry on the public results page, besides the unit, region and
/// direction that every call has: CEL expressions over `answers` and `profile`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// The case, product or project name, e.g. `answers.product_name`; when it gives nothing,
    /// the applicant's name is printed.
    pub title: String,
    /// A short introduction, e.g. `answers.scene_intro`; cut to 120 characters when longer.
    pub introduction: String,
}

/// Deadlines of the applicant stage. Review-level deadlines live on each level.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Last day applicants may submit, `YYYY-MM-DD` (end of that day, Beijing time). When absent,
    /// the first review level's deadline applies.
    #[serde(default)]
    pub applicant: Option<String>,
    /// Where the date comes from, when the notice does not state it outright.
    #[serde(default)]
    pub note: Option<String>,
}

/// A contact person of the call.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name, e.g. 杨洪于.
    pub name: String,
    /// Department (处室), e.g. 人工智能与数字产业处.
    #[serde(default)]
    pub department: Option<String>,
    /// Telephone as printed in the notice.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// Directions this contact answers for; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
}

/// Who reviews at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelScope {
    /// A county bureau (县/市/区 工信局) sees its county.
    County,
    /// A city bureau (市工信局) sees its city and the counties in it.
    City,
    /// A sector department (市直有关单位 / 行业主管部门) sees the applications routed to it.
    Sector,
    /// The issuing authority (省工信厅) sees everything forwarded to it.
    Province,
}

/// A review level (county, city, sector, province) with its deadline and outputs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewLevel {
    /// Stable id, e.g. `city`.
    pub id: String,
    /// Name shown to users, e.g. 各市工业和信息化局.
    pub name: String,
    /// Jurisdiction kind of the reviewers at this level.
    pub scope: LevelScope,
    /// Directions routed through this level; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Last day to forward upward, `YYYY-MM-DD`.
    #[serde(default)]
    pub deadline: Option<String>,
    /// Whether the level ranks what it recommends (择优排序).
    #[serde(default)]
    pub ranks: bool,
    /// The recommendation-opinion block printed on the form (推荐意见), if the form has one.
    #[serde(default)]
    pub opinion: Option<OpinionBlock>,
    /// What the level sends upward, prose (e.g. 正式行文推荐, 一式四份).
    #[serde(default)]
    pub instructions: Option<String>,
}

/// The 推荐意见 block of a review level on the printed form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionBlock {
    /// Row title, e.g. 设区市工信局、平潭综合实验区经发局推荐意见.
    pub title: String,
    /// Signature lines, e.g. 经办人（签字）：.
    #[serde(default)]
    pub signatures: Vec<String>,
    /// Stamp line, e.g. （推荐单位公章）.
    #[serde(default)]
    pub stamp: Option<String>,
}

/// A direction (申报方向) with optional sub-directions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Direction {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Name as in the notice, e.g. 算力服务补助.
    pub name: String,
    /// Description from the notice.
    #[serde(default)]
    pub description: Option<String>,
    /// Conditions specific to this direction, one paragraph each.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Form title when this direction has its own form (湖南: 申报书 per direction).
    #[serde(default)]
    pub form_title: Option<String>,
    /// How applications of this direction are routed to the first review level.
    #[serde(default)]
    pub routing: Routing,
    /// Sub-directions (子方向); when present, an application must pick one.
    #[serde(default, rename = "subdirection")]
    pub subdirections: Vec<Subdirection>,
}

/// How an application reaches its first reviewer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// By the applicant's registered region (county → city → province).
    #[default]
    Region,
    /// To the competent sector department chosen by the applicant (泉州 典型应用场景).
    Sector,
}

/// A sub-direction (湖南: 基础通用 / 垂直领域).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subdirection {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Name as in the notice.
    pub name: String,
    /// Description from the notice.
    #[serde(default)]
    pub description: Option<String>,
}

/// A form section: a titled block of fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Title as printed, e.g. 一、申报单位情况表.
    pub title: String,
    /// Guidance printed under the title.
    #[serde(default)]
    pub help: Option<String>,
    /// Directions that have this section; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Sub-directions that have this section; empty means all.
    #[serde(default)]
    pub subdirections: Vec<String>,
    /// Show the whole section only when a choice matches (e.g. 联合体协议书 only for a
    /// consortium); its fields are then neither required nor kept.
    #[serde(default)]
    pub show_if: Option<Condition>,
    /// Fields in order.
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldDef>,
}

/// Every kind of field a form can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A sub-heading inside a section; holds no answer.
    Heading,
    /// One line of text.
    Text,
    /// Long text with 字 limits (`min_zi`, `max_zi`).
    Textarea,
    /// Whole number (`min`, `max`, `unit`).
    Integer,
    /// Decimal number (`min`, `max`, `decimals`, `unit`).
    Decimal,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A year and month, `YYYY-MM`.
    Month,
    /// A date range `{ start, end }`.
    DateRange,
    /// Single choice (`options`, `other`).
    SingleChoice,
    /// Multiple choice (`options`, `min_select`, `max_select`, `other`).
    MultiChoice,
    /// Rows × year columns (`years`, `row`).
    YearTable,
    /// Rows × columns (`row`, `column`).
    Matrix,
    /// Repeating rows of sub-fields (`column`, `min_rows`, `max_rows`).
    Rows,
    /// Derived from other fields by a CEL expression (`expr`); never typed.
    Computed,
    /// 统一社会信用代码 (GB 32100-2015 check character).
    Uscc,
    /// Mainland mobile number.
    Mobile,
    /// Landline number.
    Landline,
    /// Mobile or landline.
    Phone,
    /// E-mail address.
    Email,
    /// Web address.
    Url,
    /// Bank account number.
    BankAccount,
    /// Administrative division code (省/市/县).
    Region,
}

/// A field. Which attributes apply depends on `kind`; the compiler rejects the others.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable id, snake_case ASCII, unique in the call (answers are keyed by it).
    pub id: String,
    /// Label as printed on the form.
    pub label: String,
    /// Field kind; for matrix columns it may be left out when rows give the kind.
    #[serde(default)]
    pub kind: Option<FieldKind>,
    /// Whether an answer is needed to submit (default true).
    #[serde(default)]
    pub required: Option<bool>,
    /// Guidance printed with the field (the form's parenthesised instructions).
    #[serde(default)]
    pub help: Option<String>,
    /// Example or placeholder text shown in an empty input.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// Unit shown after the input, e.g. 万元, 亿, TB, TFlops, 人, 家, 人次, %.
    #[serde(default)]
    pub unit: Option<String>,
    /// Show the field only when another field's answer matches.
    #[serde(default)]
    pub show_if: Option<Condition>,
    /// Group label for a row in a table (e.g. 人才团队, 技术水平).
    #[serde(default)]
    pub group: Option<String>,

    /// textarea/text: minimum length in 字.
    #[serde(default)]
    pub min_zi: Option<u32>,
    /// textarea/text: maximum length in 字.
    #[serde(default)]
    pub max_zi: Option<u32>,
    /// textarea/text: how 字 are counted (default `word`, Word's 字数 rule).
    #[serde(default)]
    pub zi_count: Option<ZiCount>,

    /// integer/decimal: smallest allowed value.
    #[serde(default)]
    pub min: Option<f64>,
    /// integer/decimal: largest allowed value.
    #[serde(default)]
    pub max: Option<f64>,
    /// decimal: most digits after the decimal point.
    #[serde(default)]
    pub decimals: Option<u32>,

    /// single_choice/multi_choice: the options, as labels or `{ value, help }` tables.
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    /// multi_choice: fewest options to pick.
    #[serde(default)]
    pub min_select: Option<u32>,
    /// multi_choice: most options to pick (最多选3项).
    #[serde(default)]
    pub max_select: Option<u32>,
    /// single_choice/multi_choice: the option that opens a free-text box (其他：____);
    /// its text is answered under `<id>_other`.
    #[serde(default)]
    pub other: Option<String>,
    /// Label of the free-text box of `other`, e.g. 请说明.
    #[serde(default)]
    pub other_label: Option<String>,

    /// year_table: the year columns, e.g. [2023, 2024].
    #[serde(default)]
    pub years: Vec<i32>,
    /// year_table/matrix: the rows; each row is a field whose kind is the cells' kind.
    #[serde(default, rename = "row")]
    pub rows: Vec<FieldDef>,
    /// matrix: the columns; rows: the sub-fields of each row.
    #[serde(default, rename = "column")]
    pub columns: Vec<FieldDef>,
    /// rows: fewest rows.
    #[serde(default)]
    pub min_rows: Option<u32>,
    /// rows: most rows (联合体成员 ≤ 6).
    #[serde(default)]
    pub max_rows: Option<u32>,

    /// computed: CEL expression over `answers`, e.g. `answers.a / answers.b * 100.0`.
    #[serde(default)]
    pub expr: Option<String>,

    /// region: the deepest level required (`province`, `city` or `county`; default `county`).
    #[serde(default)]
    pub region_level: Option<RegionLevel>,
    /// region: the code the answer must lie within, e.g. "370000" for 山东省.
    #[serde(default)]
    pub within: Option<String>,
    /// heading: a row that the printed form fills from the application's own direction (泉州
    /// 申报方向（请√选一项）): every direction of the call as ☐, the application's as ☑.
    /// Nothing to type; the web form shows the heading only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tick_direction: bool,
}

/// How deep a region answer must go.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级.
    Province,
    /// 地级 (市/州/盟).
    City,
    /// 县级 (区/县/县级市/旗).
    County,
}

/// A choice option: a plain label, or a table with guidance.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ChoiceOption {
    /// The label is the stored value.
    Label(String),
    /// A label with guidance printed after it.
    Detailed {
        /// The label, also the stored value.
        value: String,
        /// Guidance printed after the label.
        #[serde(default)]
        help: Option<String>,
    },
}

impl ChoiceOption {
    /// The stored value (which is also the printed label).
    pub fn value(&self) -> &str {
        match self {
            ChoiceOption::Label(v) | ChoiceOption::Detailed { value: v, .. } => v,
        }
    }

    /// Guidance printed after the label, if any.
    pub fn help(&self) -> Option<&str> {
        match self {
            ChoiceOption::Label(_) => None,
            ChoiceOption::Detailed { help, .. } => help.as_deref(),
        }
    }
}

/// Visibility condition: the field shows when `field`'s answer is (or, for multiple choice,
/// contains) one of `any_of`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The choice field that controls visibility.
    pub field: String,
    /// Option values that show the field.
    pub any_of: Vec<String>,
}

/// A file slot: one kind of evidence with its limits.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSlot {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Label as in the notice's list of materials.
    pub label: String,
    /// Guidance.
    #[serde(default)]
    pub help: Option<String>,
    /// Whether at least one file is needed to submit (default true).
    #[serde(default)]
    pub required: Option<bool>,
    /// Allowed types by content: pdf, jpg, png, doc, docx, xls, xlsx, mp4, zip, ofd.
    pub types: Vec<String>,
    /// Fewest files (default 1 if required, else 0).
    #[serde(default)]
    pub min_count: Option<u32>,
    /// Most files (default 20).
    #[serde(default)]
    pub max_count: Option<u32>,
    /// Smallest size of each file, e.g. "2MB" (MB = 1024×1024 bytes).
    #[serde(default)]
    pub min_size: Option<String>,
    /// Largest size of each file, e.g. "100MB" (default "50MB").
    #[serde(default)]
    pub max_size: Option<String>,
    /// Naming rule applied when packages are built: `{n}` is the file's number in the slot and
    /// `{field_id}` an answer, e.g. "图{n}" or "{company_name}-{scene_name}".
    #[serde(default)]
    pub naming: Option<String>,
    /// Directions that have this slot; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Show (and require) the slot only when a choice matches.
    #[serde(default)]
    pub show_if: Option<Condition>,
}

/// Severity of a rule: an error blocks submission, a warning needs a written justification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    /// Blocks submission.
    #[default]
    Error,
    /// The applicant must justify it ("原则上").
    Warning,
}

/// An eligibility rule (申报条件) as a CEL expression that must be true.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// CEL expression over `answers`, `profile` and `call`; true means the rule holds.
    pub expr: String,
    /// Optional CEL guard: the rule applies only when this is true.
    #[serde(default)]
    pub when: Option<String>,
    /// `error` (default) or `warning`.
    #[serde(default)]
    pub severity: RuleSeverity,
    /// Message shown when the rule fails, in Chinese.
    pub message: String,
    /// Field the message attaches to.
    #[serde(default)]
    pub field: Option<String>,
    /// Directions the rule applies to; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Where the rule comes from in the notice, e.g. 附件1 申报条件第4条.
    #[serde(default)]
    pub source: Option<String>,
}

/// Per-applicant limits, checked against the applicant's other applications in the call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most applications per applicant in the whole call (广东: 1).
    #[serde(default)]
    pub per_call: Option<u32>,
    /// Most applications per applicant in one direction (泉州: 1).
    #[serde(default)]
    pub per_direction: Option<u32>,
    /// Groups of directions an applicant may not apply to together (泉州: 软件优质产品 vs 典型应用场景).
    #[serde(default)]
    pub exclusive: Vec<Vec<String>>,
    /// Where the limits come from in the notice.
    #[serde(default)]
    pub source: Option<String>,
}

/// The commitment text the applicant accepts, and its printed signature lines.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// Title, e.g. 真实性承诺.
    pub title: String,
    /// Full text; `{field_id}` inserts an answer (广东: 本单位提交了"{scene_name}"应用场景参评).
    pub text: String,
    /// Signature and stamp lines printed under the text.
    #[serde(default)]
    pub signatures: Vec<String>,
    /// File slot that holds the signed, stamped scan.
    #[serde(default)]
    pub scan_file: Option<String>,
}

/// An expert review criterion with its weight and scale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Name, e.g. 创新性.
    pub name: String,
    /// What the expert judges, from the notice's wording.
    #[serde(default)]
    pub description: Option<String>,
    /// Weight in percent; the weights of a direction add up to 100.
    pub weight: f64,
    /// Highest score an expert may give (the lowest is 0).
    pub max_score: f64,
    /// Directions it applies to; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
}

/// A summary table (汇总表) in the notice's layout.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryTable {
    /// Stable id, snake_case ASCII.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Review level that fills it in (its id), e.g. `city`.
    #[serde(default)]
    pub level: Option<String>,
    /// Lines printed above the table, e.g. 推荐单位（盖章）：.
    #[serde(default)]
    pub header_lines: Vec<String>,
    /// Lines printed below the table, e.g. 填表人：.
    #[serde(default)]
    pub footer_lines: Vec<String>,
    /// `direction` prints a group row per direction (泉州).
    #[serde(default)]
    pub group_by: Option<GroupBy>,
    /// Directions listed; empty means all.
    #[serde(default)]
    pub directions: Vec<String>,
    /// Columns in order.
    #[serde(rename = "column")]
    pub columns: Vec<SummaryColumn>,
}

/// How rows of a summary table are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// A group row with the direction's name before its applications.
    Direction,
}

/// A summary-table column: a title and a CEL expression giving each row's cell.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryColumn {
    /// Column title exactly as printed, e.g. 企业名称.
    pub title: String,
    /// CEL expression over `row` (seq, rank, direction, subdirection, city, county, region,
    /// applicant, opinion), `answers` and `profile`, e.g. `answers.company_name`.
    pub value: String,
    /// Relative width hint for documents.
    #[serde(default)]
    pub width: Option<f64>,
}
