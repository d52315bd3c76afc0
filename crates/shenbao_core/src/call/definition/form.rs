//! The form as written: sections, the kinds of field and their attributes, choice options,
//! `show_if` conditions, and the file slots for evidence.
//!
//! Must not: check an attribute against its kind or validate answers (the compiler and the
//! form engine do).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::text::ZiCount;

/// A section printed as one row (see [`Section::as_row`]).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRow {
    /// The label cell, e.g. 项目介绍.
    pub label: String,
    /// The cell's first line, e.g. 算力服务补助方向：.
    #[serde(default)]
    pub lead: Option<String>,
    /// Numbered items after the fields' that are not fields, e.g. 附件及相关佐证材料.
    #[serde(default)]
    pub more: Vec<String>,
    /// Numbers the items 一、二、… instead of 1、2、….
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chinese_numbers: bool,
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
    /// How the printed form shows the title (`heading`, `row` or `none`); `[printed]
    /// section_titles` when not given (湖南's 联合体协议书 is a heading among sections whose
    /// titles are rows).
    #[serde(default)]
    pub printed_title: Option<super::SectionTitle>,
    /// The whole section printed as one row of the form (福建 项目介绍 | 算力服务补助方向： /
    /// 1、企业经营情况 / …): a label cell and a cell listing its fields, numbered.
    #[serde(default)]
    pub as_row: Option<SectionRow>,
    /// The section printed as the template's prose (湖南 联合体协议书): its lines as paragraphs,
    /// `{field_id}` standing for an answer (____ when blank), and a line that is only
    /// `{field_id}` of a table field placing that table. Every printed field of the section
    /// is placed in it; the web form still asks them one by one.
    #[serde(default)]
    pub text: Option<String>,
    /// The signature lines printed after `text` (牵头人名称：____（盖单位公章）, the date).
    #[serde(default)]
    pub signatures: Vec<String>,
    /// Text printed after the signatures (注：…, 说明：…).
    #[serde(default)]
    pub notes: Option<String>,
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
    /// `false`: the printed label leaves the unit out, where the template states it once for
    /// several rows (广东 总营收（万元） over 其中：AI硬件收入, AI软件收入…). The web form still
    /// shows it.
    #[serde(default)]
    pub unit_printed: Option<bool>,
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
    /// How the printed form shows the blank of `other` after its option, `____` standing for
    /// the text: `：____` when not given, `（请注明）：____`, `（____）`, `____` as the template
    /// has it; empty for a bare ☐其他.
    #[serde(default)]
    pub other_blank: Option<String>,
    /// single_choice/multi_choice: the printed form puts the label in a row of its own and the
    /// options in the row under it (广东 主要人工智能技术方向（最多选3项）).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub options_below: bool,

    /// year_table: the year columns, e.g. [2023, 2024].
    #[serde(default)]
    pub years: Vec<i32>,
    /// year_table/matrix: the printed title of the rows' label column (`项目` when not given;
    /// 广东 `年度`, 湖南 `申报单位经营指标`).
    #[serde(default)]
    pub corner: Option<String>,
    /// year_table: the unit is printed in each cell after the number (湖南 服务能力 ____家 |
    /// ____家), not after the row's label.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unit_in_cells: bool,
    /// matrix: a grouped row prints its label in every column before the value (湖南 租用第三方
    /// 云平台或算力服务情况 | 第三方名称 | ____ | 第三方名称 | ____); the group takes the label
    /// column, an ungrouped row's label spans it with its `help` under it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub labels_per_column: bool,
    /// year_table: printed as fields, two to a row (2023年营业收入（万元） | ____ | 2023年利润
    /// （万元） | ____), not as a table: 山东 cases' 企业经营状况.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_fields: bool,
    /// year_table: the printed title of a year's column, `{}` standing for the year (`{}年`
    /// when not given; 广东 `{}年度`).
    #[serde(default)]
    pub year_title: Option<String>,
    /// year_table/matrix: the rows; each row is a field whose kind is the cells' kind.
    #[serde(default, rename = "row")]
    pub rows: Vec<FieldDef>,
    /// matrix: the columns; rows: the sub-fields of each row.
    #[serde(default, rename = "column")]
    pub columns: Vec<FieldDef>,
    /// rows/year_table: the label is the table's first column, one cell beside the header and
    /// every row (湖南 单位所获荣誉（省级及以上） | 序号 | 荣誉名称 | 获得时间), not a caption above
    /// it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub label_cell: bool,
    /// rows: `false` prints no row of column titles (湖南 联合体其他成员单位名称与类型 | 1 | ____).
    #[serde(default)]
    pub column_titles: Option<bool>,
    /// rows: `false` prints no 序号 column (湖南 联合体成员 | 分工 | 单位名称 | …).
    #[serde(default)]
    pub numbered: Option<bool>,
    /// rows: the rows a blank form leaves to write in, named by their first column's words as
    /// the template names them (牵头单位, 成员1, ……); their 序号 stays empty.
    #[serde(default)]
    pub blank_rows: Vec<String>,
    /// rows of one column: printed in one cell after the label as a numbered list
    /// (具体应用场景 | 1.智能排产；2.质量检测); a blank form prints `print_as` when given
    /// (1.____；2.____；3.____... ...).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_cell: bool,
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
    /// heading: the same for the application's sub-direction (湖南 大模型类型: ☐基础通用大模型
    /// ☐垂直领域大模型, ticked from the sub-direction chosen when applying).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tick_subdirection: bool,
    /// heading: the printed form makes it a small table with the grouped fields after it, as
    /// the template does (山东 联系方式 | 姓名 | 职务 | 手机 over 申报联系人 | … | … | …): the
    /// heading and their labels in the first row, their group and values in the second.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub heads_table: bool,
    /// Where the printed form shows the field: `form` (default, a row of the official form),
    /// `appendix` (data the system collects for its own checks, printed after the form under
    /// a heading that says it is not part of the form), `none` (never printed), `inline`
    /// (after the previous field's value, in its row), `below` (on a line of its own under
    /// the previous field's value, in its cell), `beside` (one more label | value pair in the
    /// previous field's row; with a `group`, the group's cell beside it, the next field of the
    /// group under it) or `in_option` (inside the option its `show_if` names).
    /// The official form keeps only the template's rows.
    #[serde(default, skip_serializing_if = "Print::is_form")]
    pub print: Print,
    /// The words printed instead of the label and the value, `____` standing for the value,
    /// as the template words it: a row of its own (技术水平 | 有效专利总数（____）), after the
    /// previous field's (`inline`: 其中：AI相关发明专利数（____）), the row's second cell
    /// (`beside`), or right after the option (`in_option`: 泉州 ☐是，上市板块：____).
    #[serde(default)]
    pub print_as: Option<String>,
}

/// Where a field is printed (see [`FieldDef::print`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Print {
    /// A row of the official form.
    #[default]
    Form,
    /// In the appendix of system data (附：系统核验信息), after the form.
    Appendix,
    /// Not printed; the web form and the review page still show it.
    None,
    /// In the previous field's row, after its value: one template row that the web form
    /// asks as two fields (山东 单位注册地: the division, then the street address).
    Inline,
    /// In the previous field's value cell, on a line of its own: 建设总投资额（万元） |
    /// 计划投入：____（万元） / 实际已完成投入：____（万元）.
    Below,
    /// In the previous field's row as a second label | value pair: 注册地址 | ____ |
    /// 注册资金（万元） | ____.
    Beside,
    /// Inside the choice its `show_if` names: after the one option in （label：value）
    /// (☐开源（模型名称：____）, a choice as its options: ☐是（☐省级  ☐国家级）), or after
    /// the last of several options (☐新三板挂牌  股票代码：____  ☐尚未上市).
    InOption,
}

impl Print {
    /// Whether this is the default, `form`.
    pub fn is_form(&self) -> bool {
        *self == Print::Form
    }
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
    /// The narrative (a `textarea`) these images illustrate, where the form says 可附图进行
    /// 必要说明: the web form points to the slot from it, and the printed form names them
    /// under its text (附图：图1 …, in the order uploaded).
    #[serde(default)]
    pub figures_of: Option<String>,
}
