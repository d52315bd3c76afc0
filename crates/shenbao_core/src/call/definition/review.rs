//! What the reviewers work with: the review levels and their opinion blocks, the expert
//! criteria, and the summary tables (汇总表) in the notice's layout.
//!
//! Must not: compute scores, rank or fill tables (`crate::review` and `crate::output` do).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// A province's department (省级工业和信息化主管部门) sees its province: the provinces of a
    /// national call, recommending to the ministry that issues it.
    Provincial,
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
    /// How one unit of a level of divisions (county, city, provincial) is named, with
    /// `{name}` for the division's own name: `{name}工业和信息化局` names 泉州's unit
    /// 泉州市工业和信息化局. Without it a unit is named by its division (福建省泉州市).
    #[serde(default)]
    pub office: Option<String>,
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
    /// The notice's clause that asks this level to rank (三、有关要求（3）：项目推荐应按优先
    /// 顺序择优排序). A level that ranks without one ranks because the owner chose so, and
    /// its ranking page says so.
    #[serde(default)]
    pub ranks_source: Option<String>,
    /// The recommendation-opinion block printed on the form (推荐意见), if the form has one.
    #[serde(default)]
    pub opinion: Option<OpinionBlock>,
    /// What the level sends upward, prose (e.g. 正式行文推荐, 一式四份).
    #[serde(default)]
    pub instructions: Option<String>,
    /// How many applications each unit of the level may recommend (推荐名额).
    #[serde(default)]
    pub quota: Option<Quota>,
    /// What each unit of the level sends upward with its list: the recommendation letter
    /// (推荐函) shenbao writes from the data, and the stamped scans that must be uploaded
    /// before forwarding.
    #[serde(default)]
    pub sending: Option<Sending>,
}

/// What a unit sends upward with its list (正式行文推荐…随函报送; 汇总表加盖推荐单位公章).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sending {
    /// The recommendation letter, in the notice's words; shenbao fills in the unit, the
    /// addressee, the count and the ranked list, and leaves the seal area.
    #[serde(default)]
    pub letter: Option<LetterDef>,
    /// The stamped scans (PDF) the unit must upload before it may forward: `summary` (the
    /// summary table with the unit's seal), `letter` (the signed and sealed letter).
    #[serde(default)]
    pub scans: Vec<ScanKind>,
    /// Where the notice asks for them, e.g. 三、申报程序（3）.
    #[serde(default)]
    pub source: Option<String>,
    /// What goes on paper as well (纸质版: 申报书一式三份, 汇总表一份), each document with its
    /// copies; the forwarding page counts them for the list being sent.
    #[serde(default)]
    pub paper: Vec<PaperCopy>,
    /// Where the paper goes, in the notice's words (省工业和信息化厅（数字产业处）).
    #[serde(default)]
    pub paper_to: Option<String>,
}

/// A document sent on paper with the list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperCopy {
    /// The document, as the notice names it (《申报书》（附件2）).
    pub document: String,
    /// Copies of it (一式三份 = 3).
    pub copies: u32,
    /// `application` (default): that many of each recommended application's; `list`: that
    /// many for the whole list (the summary table).
    #[serde(default)]
    pub per: PaperPer,
    /// Whose seal it bears, e.g. 申报单位盖章.
    #[serde(default)]
    pub stamp: Option<String>,
}

/// What a paper document's copies are counted for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaperPer {
    /// Each recommended application.
    #[default]
    Application,
    /// The list as a whole.
    List,
}

/// A recommendation letter (推荐函).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterDef {
    /// Its title, e.g. 关于推荐2024年省级人工智能产业发展项目的函.
    pub title: String,
    /// Its body, one paragraph per line; `{unit}` is the recommending unit, `{to}` the unit
    /// it goes to, `{count}` how many applications it recommends, `{call}` the notice's title.
    pub text: String,
}

/// A stamped scan a unit uploads before forwarding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ScanKind {
    /// The summary table (汇总表) with the unit's seal.
    Summary,
    /// The recommendation letter (推荐函), signed and sealed.
    Letter,
}

impl ScanKind {
    /// Both kinds, in the order pages list them.
    pub const ALL: [ScanKind; 2] = [ScanKind::Letter, ScanKind::Summary];

    /// The stored name: `summary`, `letter`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanKind::Summary => "summary",
            ScanKind::Letter => "letter",
        }
    }

    /// The kind stored as `s`.
    pub fn parse(s: &str) -> Option<ScanKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What pages call it.
    pub fn label(self) -> &'static str {
        match self {
            ScanKind::Summary => crate::messages::sending::SCAN_SUMMARY,
            ScanKind::Letter => crate::messages::sending::SCAN_LETTER,
        }
    }
}

/// How many applications each unit of a level may recommend upward (推荐名额, 指标): per
/// direction and over the whole call, with units that have their own numbers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Most recommendations of one unit in one direction (每个方向推荐不超过15个).
    #[serde(default)]
    pub per_direction: Option<u32>,
    /// Most recommendations of one unit over all directions (每市限推荐N个).
    #[serde(default)]
    pub per_unit: Option<u32>,
    /// Where the quota comes from in the notice, e.g. 三、推荐要求（二）.
    #[serde(default)]
    pub source: Option<String>,
    /// Units with their own numbers, instead of the level's.
    #[serde(default, rename = "unit")]
    pub units: Vec<UnitQuota>,
}

/// A unit's own quota at a level (a pilot zone's 3 per direction), and whether what it
/// recommends counts in the quotas of the levels above it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitQuota {
    /// The unit: a division code (`350500`) or a sector department's name.
    pub unit: String,
    /// Its most recommendations in one direction; absent: the level's.
    #[serde(default)]
    pub per_direction: Option<u32>,
    /// Its most recommendations over all directions; absent: the level's.
    #[serde(default)]
    pub per_unit: Option<u32>,
    /// `false` when what it recommends is not counted in the quotas of the levels above it
    /// (单列, 不占全省指标).
    #[serde(default = "counted_above")]
    pub counted_above: bool,
}

fn counted_above() -> bool {
    true
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
    /// Where the notice states the criterion and its weight. Without it the weight is the
    /// owner's choice, and the scoring and ranking pages say so (征集单位自定).
    #[serde(default)]
    pub source: Option<String>,
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

/// A reviewing unit that is not a division's bureau: a development zone's or pilot zone's
/// bureau (泉州开发区科经局, 台商投资区科经局, 示范区, 航空港区), which reviews at a level beside
/// the county (or city) bureaus. Its applicants choose it when they submit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitDef {
    /// The unit's name as its bureau accounts carry it (`--sector`), e.g. 泉州开发区科经局.
    pub name: String,
    /// The review level it reviews at (its id): a `county` or `city` level.
    pub level: String,
    /// Division codes whose applicants may choose it; empty: any applicant of the call's area.
    #[serde(default)]
    pub regions: Vec<String>,
    /// What the applicants are told about it, e.g. 开发区内企业向开发区科经局申报.
    #[serde(default)]
    pub description: Option<String>,
}
