//! The call-definition format as people write it: one TOML file per call.
//!
//! These structs mirror the file one to one (serde) and generate its JSON Schema (schemars).
//! They hold no derived data and enforce nothing beyond shape: cross-references, kind-specific
//! attributes and expressions are checked when a definition is compiled (`super::compile`).
//! The format is documented for authors in `docs/call-format.md`; keep the two in step.
//!
//! The parts are split by what they describe: directions ([`Direction`]), the form and its file
//! slots ([`Section`], [`FieldDef`], [`FileSlot`]), rules and limits ([`Rule`], [`Limits`]), and
//! review ([`ReviewLevel`], [`Criterion`], [`SummaryTable`]); the notice's own parts are here.
//!
//! Must not: derive data or enforce anything beyond shape; that is the compiler's job.

mod directions;
mod form;
mod review;
mod rules;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use directions::{Direction, Routing, Scenario, Subdirection};
pub use form::{
    ChoiceOption, Condition, FieldDef, FieldKind, FileSlot, Print, RegionLevel, Section, SectionRow,
};
pub use review::{
    Criterion, GroupBy, LetterDef, LevelScope, OpinionBlock, PaperCopy, PaperPer, Quota,
    ReviewLevel, ScanKind, Sending, SummaryColumn, SummaryTable, UnitDef, UnitQuota,
};
pub use rules::{Consortium, Exclusions, Limits, Rule, RuleSeverity};

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
    /// What the call is for: `contest` (default: review, expert scoring, selection and a
    /// published results list) or `collection` (摸底 / 调查: applicants report, bureaus check
    /// and forward, the owner collects the summary; no experts, no selection, no results).
    #[serde(default, skip_serializing_if = "CallKind::is_contest")]
    pub kind: CallKind,
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
    /// the format; every contest seed has it.
    #[serde(default)]
    pub publication: Option<Publication>,
    /// The name an application is listed under in queues, rankings and summary tables, as a
    /// CEL expression over `answers` and `profile` (a product's name: `answers.prod_name`).
    /// Without it, `[publication].title`; the applicant's name when neither gives anything.
    /// For a collection, which has no publication.
    #[serde(default)]
    pub listed_as: Option<String>,
    /// Deadlines that are not tied to a review level.
    #[serde(default)]
    pub deadlines: Deadlines,
    /// Contact people (联系人).
    #[serde(default, rename = "contact")]
    pub contacts: Vec<Contact>,
    /// Review levels in order, from the first bureau to the issuing authority.
    #[serde(default, rename = "review_level")]
    pub review_levels: Vec<ReviewLevel>,
    /// Reviewing units that are not divisions' bureaus (development and pilot zones).
    #[serde(default, rename = "unit")]
    pub units: Vec<UnitDef>,
    /// Divisions inside `area` that the call leaves out (a sub-area handled separately, such
    /// as 深圳 in a 广东 call): their organisations may not apply, their bureaus do not review.
    #[serde(default)]
    pub area_excludes: Vec<String>,
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
    /// Joint applications: a lead and its members.
    #[serde(default)]
    pub consortium: Option<Consortium>,
    /// Who may not apply: uploaded lists and earlier calls' selected applicants.
    #[serde(default)]
    pub exclusions: Exclusions,
    /// The commitment (真实性承诺 / 承诺书) the applicant accepts.
    pub commitment: Commitment,
    /// How the printed form is put together when its template is more than a title, a table
    /// and a commitment: numbered parts and a 目录 with page numbers (湖南).
    #[serde(default)]
    pub printed: Printed,
    /// Expert review criteria.
    #[serde(default, rename = "criterion")]
    pub criteria: Vec<Criterion>,
    /// Summary tables (汇总表) in the notice's exact layout.
    #[serde(default, rename = "summary")]
    pub summaries: Vec<SummaryTable>,
}

/// What a call is for (see [`CallDef::kind`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// Applications compete: review, expert scoring, selection, published results.
    #[default]
    Contest,
    /// Data is collected (摸底): submit, bureaus check and forward, the owner's summary.
    Collection,
}

impl CallKind {
    /// Whether this is the default, `contest`.
    pub fn is_contest(&self) -> bool {
        *self == CallKind::Contest
    }
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
    /// Whether the form prints the commitment (default true). A notice whose forms carry no
    /// commitment (山东 摸底调研表) still has the applicant accept its words online; `false`
    /// keeps them off the printed form.
    #[serde(default = "printed_by_default", skip_serializing_if = "is_true")]
    pub printed: bool,
}

/// The printed form's parts and 目录 (`[printed]`). Without parts the form prints its
/// sections, the list of attachments and then the commitment.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Printed {
    /// A 目录 after the cover listing the parts with the page each begins on.
    #[serde(default)]
    pub contents: bool,
    /// The instruction a blank form prints under its 目录 (湖南 （请列明具体目录及页码）); a
    /// filled form prints the page numbers instead.
    #[serde(default)]
    pub contents_help: Option<String>,
    /// The parts, in the template's order (一、真实性承诺 二、申报信息表 三、相关附件), each on a
    /// new page under its title.
    #[serde(default, rename = "part")]
    pub parts: Vec<Part>,
    /// How sections' titles print: `heading` (default, over the section's table), `row` (the
    /// first row of its table: 湖南 （一）单位基本信息) or `none` (福建 申报表, one table without
    /// headings). A section's own `printed_title` overrides it.
    #[serde(default)]
    pub section_titles: SectionTitle,
    /// The commitment and the 推荐意见 boxes are rows of the form's table, each with its title
    /// in a label cell (福建 申报表: 材料真实性承诺 | 本单位承诺：…).
    #[serde(default)]
    pub commitment_and_opinions_as_rows: bool,
}

/// How a section's title is printed (see [`Printed::section_titles`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionTitle {
    /// A heading over the section's table.
    #[default]
    Heading,
    /// The first row of the section's table.
    Row,
    /// Not printed.
    None,
}

/// A numbered part of the printed form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Its title over the part, e.g. 一、真实性承诺.
    pub title: String,
    /// Its line in the 目录 when it differs from the title, e.g. 一、真实性承诺（联合申报的，
    /// 所有申报单位均需提供真实性承诺书）.
    #[serde(default)]
    pub contents_title: Option<String>,
    /// What the part holds.
    pub holds: PartHolds,
    /// Sections printed in this part after what it holds, not with the others (湖南 联合体
    /// 协议书 after the list of 三、相关附件).
    #[serde(default)]
    pub sections: Vec<String>,
}

/// What a part of the printed form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartHolds {
    /// The commitment (and each consortium member's), under the part's title.
    Commitment,
    /// The form's sections, with the recommendation-opinion boxes.
    Sections,
    /// The list of attached files and the consortium's members.
    Files,
}

fn printed_by_default() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}
