//! Documents built from the database for a reviewing unit, shared by the web pages and the
//! command line (`shenbao export`): the store supplies the unit's ranking and each
//! application's submitted answers; `shenbao_docs` lays the document out.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value as Json, json};
use shenbao_core::call::definition::ReviewLevel;
use shenbao_core::call::{Call, Target};

use crate::calls::StoredCall;
use shenbao_core::form::{Application, FileMeta};
use shenbao_core::text::file_name;
use shenbao_docs::{
    FilledOpinion, FormExtras, FormFormat, FormRenderer, PackageApplication, PackageAttachment,
    PackageWriter, SummaryRow,
};
use shenbao_store::{
    ApplicationRow, ApplicationStatus, AttachmentRow, OrganisationRow, Store, UnitRef,
};

/// The applicant's profile as forms and rules read it: `uscc`, `name`, `region`.
pub fn profile_json(org: &OrganisationRow) -> Json {
    json!({ "uscc": org.uscc, "name": org.name, "region": org.region })
}

/// Attachments as the form engine describes them.
pub fn attachment_metas(rows: &[AttachmentRow]) -> Vec<FileMeta> {
    rows.iter()
        .map(|a| FileMeta {
            slot: a.slot.clone(),
            name: file_name(&a.original_name, &a.file_type),
            size: u64::try_from(a.size).unwrap_or(0),
            kind: a.file_type.clone(),
        })
        .collect()
}

/// Which answers of an application a document prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The latest saved answers and the attachments now (the applicant's draft).
    Draft,
    /// The latest submitted snapshot; 404 when never submitted.
    Submitted,
}

/// The formats an application form is rendered in, for packages and downloads. Adding a
/// format is one line here.
pub const FORM_FORMATS: &[FormFormat] = &[FormFormat::DOCX, FormFormat::PDF];

/// What the forms of application `id` print besides its answers: each level's recommendation
/// (推荐意见) with its signature lines and the date it was given, for the call's opinion blocks
/// (泉州's 经办人/审批人 box), and the members of a joint application.
pub async fn form_extras(store: &Store, id: i64) -> anyhow::Result<FormExtras> {
    let opinions = store
        .reviews_of(id)
        .await?
        .into_iter()
        .filter(|r| r.decision == ApplicationStatus::Recommended.as_str())
        .map(|r| {
            let signatures: BTreeMap<String, String> = r
                .signatures
                .as_deref()
                .and_then(|x| serde_json::from_str(x).ok())
                .unwrap_or_default();
            FilledOpinion {
                level: r.level,
                // A division's bureau by the division (福建省泉州市丰泽区), a sector department
                // or zone by its name.
                unit: shenbao_core::region::full_name(&r.unit).unwrap_or(r.unit),
                text: r.opinion,
                signatures: signatures.into_iter().collect(),
                date: chrono::DateTime::from_timestamp_millis(r.decided_at).map(|t| {
                    t.with_timezone(&shenbao_core::time::beijing())
                        .format("%Y年%-m月%-d日")
                        .to_string()
                }),
            }
        })
        .collect();
    let members = store
        .members_of(id)
        .await?
        .into_iter()
        .map(|m| shenbao_docs::ConsortiumMember {
            region: shenbao_core::region::full_name(&m.region).unwrap_or(m.region),
            name: m.name,
            uscc: m.uscc,
        })
        .collect();
    Ok(FormExtras {
        opinions,
        members,
        stamp: None,
    })
}

/// Summary table `table` of `call` for `unit` at `level` as XLSX: the unit's recommended
/// applications of the table's directions, in ranking order, with their submitted answers and
/// the unit's opinion.
pub async fn unit_summary_xlsx(
    store: &Store,
    call: &Call,
    level: &ReviewLevel,
    unit: &str,
    table: usize,
) -> anyhow::Result<Vec<u8>> {
    let rows = unit_summary_rows(store, call, level, unit, table).await?;
    Ok(shenbao_docs::summary_xlsx(call, table, &rows)?)
}

/// The same summary table as [`unit_summary_xlsx`], as DOCX.
pub async fn unit_summary_docx(
    store: &Store,
    call: &Call,
    level: &ReviewLevel,
    unit: &str,
    table: usize,
) -> anyhow::Result<Vec<u8>> {
    let rows = unit_summary_rows(store, call, level, unit, table).await?;
    Ok(shenbao_docs::summary_docx(call, table, &rows)?)
}

/// The rows of summary table `table` for `unit` at `level`.
async fn unit_summary_rows(
    store: &Store,
    call: &Call,
    level: &ReviewLevel,
    unit: &str,
    table: usize,
) -> anyhow::Result<Vec<SummaryRow>> {
    let def = summary_def(call, table)?;
    let at = unit_ref(call, level, unit);
    let mut loaded = Vec::new();
    for direction in &call.def().directions {
        if !shenbao_core::call::applies(&level.directions, &direction.id)
            || !shenbao_core::call::applies(&def.directions, &direction.id)
        {
            continue;
        }
        for row in store.ranking(&at, &direction.id).await? {
            let rank = row.rank.and_then(|r| u32::try_from(r).ok()).unwrap_or(0);
            loaded.push(
                SummaryLoad::of(
                    store,
                    row.application,
                    rank,
                    &row.organisation_name,
                    &row.organisation_region,
                    &level.id,
                )
                .await?,
            );
        }
    }
    summary_rows_of(call, table, &loaded)
}

/// Summary table `table` of `call`.
fn summary_def(
    call: &Call,
    table: usize,
) -> anyhow::Result<&shenbao_core::call::definition::SummaryTable> {
    call.def()
        .summaries
        .get(table)
        .ok_or_else(|| anyhow::anyhow!("no summary table {table}"))
}

/// An application's row of a summary table, loaded: its submitted answers, its rank, the
/// opinion given at the table's level.
struct SummaryLoad {
    app: ApplicationRow,
    rank: u32,
    region: String,
    opinion: String,
    answers: Map<String, Json>,
    profile: Json,
}

impl SummaryLoad {
    async fn of(
        store: &Store,
        app: ApplicationRow,
        rank: u32,
        name: &str,
        region: &str,
        level: &str,
    ) -> anyhow::Result<SummaryLoad> {
        let answers: Map<String, Json> = store
            .latest_snapshot(app.id)
            .await?
            .and_then(|s| serde_json::from_str(&s.answers).ok())
            .unwrap_or_default();
        let opinion = store
            .reviews_of(app.id)
            .await?
            .into_iter()
            .find(|r| r.level == level)
            .map(|r| r.opinion)
            .unwrap_or_default();
        Ok(SummaryLoad {
            app,
            rank,
            region: region.to_string(),
            opinion,
            answers,
            profile: json!({ "name": name, "region": region }),
        })
    }
}

/// The rows of summary table `table` of `call` for `loaded`, in order.
fn summary_rows_of(
    call: &Call,
    table: usize,
    loaded: &[SummaryLoad],
) -> anyhow::Result<Vec<SummaryRow>> {
    Ok(shenbao_docs::summary_rows(
        call,
        table,
        &summary_inputs(loaded),
    )?)
}

/// `loaded` as the summary table reads it.
fn summary_inputs(loaded: &[SummaryLoad]) -> Vec<shenbao_docs::SummaryInput<'_>> {
    loaded
        .iter()
        .map(|l| shenbao_docs::SummaryInput {
            direction: &l.app.direction,
            subdirection: l.app.subdirection.as_deref(),
            rank: l.rank,
            region: &l.region,
            opinion: &l.opinion,
            answers: &l.answers,
            profile: &l.profile,
        })
        .collect()
}

/// Summary table `table` of `call` over every application at the owner level (forwarded by
/// all units; of the table's directions, in the call's direction order, then in the order
/// they arrived) as XLSX: the owner's own summary, the whole of a collection (摸底) in one
/// sheet. The opinion column holds the opinion given at the table's level. Written a page of
/// applications at a time: the memory it takes does not grow with the call.
pub async fn owner_summary_xlsx(
    store: &Store,
    call: &Call,
    owner_level: &str,
    table: usize,
) -> anyhow::Result<Vec<u8>> {
    let mut xlsx = shenbao_docs::SummaryXlsx::new(call, table)?;
    owner_summary_pages(store, call, owner_level, table, |rows| Ok(xlsx.push(rows)?)).await?;
    Ok(xlsx.finish()?)
}

/// The same table as [`owner_summary_xlsx`], as DOCX (which is built whole: a Word table of a
/// province is for printing a list, the workbook for the data).
pub async fn owner_summary_docx(
    store: &Store,
    call: &Call,
    owner_level: &str,
    table: usize,
) -> anyhow::Result<Vec<u8>> {
    let mut all = Vec::new();
    owner_summary_pages(store, call, owner_level, table, |rows| {
        all.extend_from_slice(rows);
        Ok(())
    })
    .await?;
    Ok(shenbao_docs::summary_docx(call, table, &all)?)
}

/// Applications read per query while an owner's summary is built.
const OWNER_SUMMARY_PAGE: i64 = 500;

/// The rows of the owner's summary table `table`, handed to `sink` a page of applications at
/// a time; each page's answers are dropped before the next is read.
async fn owner_summary_pages(
    store: &Store,
    call: &Call,
    owner_level: &str,
    table: usize,
    mut sink: impl FnMut(&[SummaryRow]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let def = summary_def(call, table)?;
    let mut rows = shenbao_docs::SummaryRows::new(call, table)?;
    let mut count = 0usize;
    for direction in &call.def().directions {
        if !shenbao_core::call::applies(&def.directions, &direction.id) {
            continue;
        }
        let mut after = None;
        loop {
            let page = store
                .owner_applications(
                    call.id(),
                    owner_level,
                    Some(&direction.id),
                    after,
                    OWNER_SUMMARY_PAGE,
                )
                .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.submitted_at, last.id));
            let full = page.len() as i64 == OWNER_SUMMARY_PAGE;
            let mut loaded = Vec::with_capacity(page.len());
            for row in page {
                let app = store
                    .application(row.id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("application {} vanished", row.id))?;
                count += 1;
                let rank = u32::try_from(count).unwrap_or(0);
                let level = def.level.as_deref().unwrap_or_default();
                loaded.push(
                    SummaryLoad::of(store, app, rank, &row.organisation_name, &row.region, level)
                        .await?,
                );
            }
            sink(&rows.rows(&summary_inputs(&loaded))?)?;
            if !full {
                break;
            }
        }
    }
    Ok(())
}

fn unit_ref(call: &Call, level: &ReviewLevel, unit: &str) -> UnitRef {
    UnitRef {
        call_id: call.id().to_string(),
        level: level.id.clone(),
        unit: unit.to_string(),
    }
}

/// Whose package: a unit at a level of a call.
#[derive(Debug, Clone, Copy)]
pub struct UnitPackage<'a> {
    /// The call.
    pub call: &'a Call,
    /// The unit's level.
    pub level: &'a ReviewLevel,
    /// The unit (a division code, a sector or zone id).
    pub unit: &'a str,
}

/// What a unit's package holds besides its summary tables and applications: what the notice
/// has the unit send with its list.
#[derive(Debug, Clone, Default)]
pub struct PackageExtras {
    /// Documents at the root: the recommendation letter (推荐函) as Word and PDF.
    pub documents: Vec<(String, Vec<u8>)>,
    /// Stored files at the root, by name: the unit's current stamped scans (盖章扫描件).
    pub files: Vec<(String, std::path::PathBuf)>,
    /// The site's public URL: the forms' pages carry each submitted version's 受理编号 and the
    /// QR code of its verification page there. `None` leaves them unstamped.
    pub public_url: Option<String>,
}

/// The current stamped scans of `unit` at `level` (the latest upload of each kind), named for
/// the package: 汇总表（盖章扫描件）.pdf, 推荐函（盖章扫描件）.pdf.
pub async fn package_scans(
    store: &Store,
    files_dir: &Path,
    call_id: &str,
    level: &str,
    unit: &str,
) -> anyhow::Result<Vec<(String, std::path::PathBuf)>> {
    let mut latest: BTreeMap<String, shenbao_store::UnitScanRow> = BTreeMap::new();
    for scan in store.unit_scans(call_id, level, unit).await? {
        match latest.entry(scan.kind.clone()) {
            std::collections::btree_map::Entry::Occupied(mut e) if e.get().id < scan.id => {
                e.insert(scan);
            }
            std::collections::btree_map::Entry::Occupied(_) => {}
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(scan);
            }
        }
    }
    Ok(latest
        .into_values()
        .map(|scan| {
            let label = shenbao_core::call::definition::ScanKind::parse(&scan.kind)
                .map_or_else(|| scan.kind.clone(), |k| k.label().to_string());
            (
                shenbao_core::messages::sending::package_scan_name(&label),
                files_dir.join(&scan.storage_key),
            )
        })
        .collect())
}

/// The bureau package of `unit` at `level` written into `writer` as a ZIP (see
/// `shenbao_docs::PackageWriter`): the level's summary tables as XLSX and DOCX, then each
/// recommended application in ranking order (directions in the call's order) with its forms
/// rendered by `renderer` (normally [`FORM_FORMATS`], stamped with each version's 受理编号 when
/// `extras.public_url` is given) and the files of its submitted snapshot, read from
/// `files_dir`; the letter and the scans of `extras` at the root. Applications are loaded one
/// at a time. Returns how many applications the package holds.
///
/// The ZIP is written with blocking I/O on the calling thread.
pub async fn write_unit_package<W: Write, R: FormRenderer + ?Sized>(
    store: &Store,
    files_dir: &Path,
    UnitPackage { call, level, unit }: UnitPackage<'_>,
    writer: W,
    renderer: &R,
    extras: &PackageExtras,
) -> anyhow::Result<usize> {
    let mut package = PackageWriter::new(call, renderer, writer);
    for (name, bytes) in &extras.documents {
        package.add_document(name, bytes)?;
    }
    for (name, path) in &extras.files {
        package.add_file(name, path)?;
    }
    for (index, table) in call.def().summaries.iter().enumerate() {
        if table.level.as_deref() != Some(level.id.as_str()) {
            continue;
        }
        let rows = unit_summary_rows(store, call, level, unit, index).await?;
        let xlsx = shenbao_docs::summary_xlsx(call, index, &rows)?;
        package.add_document(&format!("{}.xlsx", table.title), &xlsx)?;
        let docx = shenbao_docs::summary_docx(call, index, &rows)?;
        package.add_document(&format!("{}.docx", table.title), &docx)?;
    }
    let at = unit_ref(call, level, unit);
    let mut count = 0;
    // Each application's forms follow the call version it was started under: each version met
    // is compiled once from its stored text.
    let mut versions: HashMap<i64, Option<StoredCall>> = HashMap::new();
    for direction in &call.def().directions {
        if !shenbao_core::call::applies(&level.directions, &direction.id) {
            continue;
        }
        for row in store.ranking(&at, &direction.id).await? {
            let app = row.application;
            let Some(snapshot) = store.latest_snapshot(app.id).await? else {
                continue;
            };
            let answers: Json =
                serde_json::from_str(&snapshot.answers).unwrap_or_else(|_| json!({}));
            let profile = profile_of(store, app.organisation_id).await?;
            let attachments = snapshot_attachments(store, files_dir, &snapshot.files).await?;
            let mut form = form_extras(store, app.id).await?;
            if let Some(base) = &extras.public_url {
                let region = profile
                    .get("region")
                    .and_then(Json::as_str)
                    .unwrap_or("000000");
                let number = snapshot.acceptance_number(&app.call_id, call.def().year, region);
                form.stamp = Some(page_stamp(
                    number,
                    (snapshot.id, &snapshot.content_hash),
                    base,
                ));
            }
            if let Entry::Vacant(slot) = versions.entry(app.call_version) {
                let stored = crate::calls::stored_call(store, &app.call_id, Some(app.call_version))
                    .await
                    .ok()
                    .flatten();
                slot.insert(stored);
            }
            let own = versions.get(&app.call_version).and_then(Option::as_deref);
            package.add_application(&PackageApplication {
                call: own,
                target: Target {
                    direction: &app.direction,
                    subdirection: app.subdirection.as_deref(),
                },
                company: &row.organisation_name,
                title: app.title.as_deref().unwrap_or_default(),
                answers: &answers,
                profile: Some(&profile),
                attachments: &attachments,
                extras: &form,
            })?;
            count += 1;
        }
    }
    package.finish()?;
    Ok(count)
}

/// What every page of a submitted version's PDF carries: its 受理编号 and the URL of its
/// verification page under `base_url`.
fn page_stamp(
    number: String,
    (snapshot_id, hash): (i64, &str),
    base_url: &str,
) -> shenbao_docs::PageStamp {
    let key = shenbao_core::acceptance::key(snapshot_id, hash);
    shenbao_docs::PageStamp {
        number,
        url: format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            shenbao_core::acceptance::verify_path(&key)
        ),
    }
}

/// The profile of an organisation as the form engine reads it (`uscc`, `name`, `region`).
async fn profile_of(store: &Store, organisation_id: i64) -> anyhow::Result<Json> {
    Ok(store
        .organisation(organisation_id)
        .await?
        .as_ref()
        .map(profile_json)
        .unwrap_or_else(|| json!({})))
}

/// The files of a snapshot (its JSON list of `{id, slot, name, size, type}`) with where they
/// are stored; files whose row is gone are left out.
async fn snapshot_attachments(
    store: &Store,
    files_dir: &Path,
    files: &str,
) -> anyhow::Result<Vec<PackageAttachment>> {
    let listed = crate::snapshot::files(files);
    let mut out = Vec::with_capacity(listed.len());
    for f in &listed {
        let Some(row) = store.attachment(f.id).await? else {
            continue;
        };
        out.push(PackageAttachment {
            meta: FileMeta {
                slot: row.slot,
                name: row.original_name,
                size: u64::try_from(row.size).unwrap_or(0),
                kind: row.file_type,
            },
            path: files_dir.join(&row.storage_key),
        });
    }
    Ok(out)
}

/// What a form of an application prints: the answers and files of the [`Version`] asked for,
/// the applicant's profile, and the bureaus' opinions.
#[derive(Debug, Clone)]
pub struct FormSource {
    /// The answers (a JSON object).
    pub answers: Json,
    /// The applicant's profile (`uscc`, `name`, `region`).
    pub profile: Json,
    /// The files listed on the form.
    pub files: Vec<FileMeta>,
    /// The opinion blocks.
    pub extras: FormExtras,
    /// The submitted version printed: its snapshot's id and content hash (`None` for a draft).
    pub snapshot: Option<(i64, String)>,
    /// The division and sequence of that version's 受理编号, when the store kept them.
    pub acceptance: Option<(String, i64)>,
}

impl FormSource {
    /// Loads what the form of `app` prints in `version`; `None` when a submitted version is
    /// asked for and there is none.
    pub async fn load(
        store: &Store,
        app: &ApplicationRow,
        version: Version,
    ) -> anyhow::Result<Option<FormSource>> {
        let mut acceptance = None;
        let (answers, files, snapshot) = match version {
            Version::Draft => (
                app.answers.clone(),
                attachment_metas(&store.attachments(app.id).await?),
                None,
            ),
            Version::Submitted => {
                let Some(snapshot) = store.latest_snapshot(app.id).await? else {
                    return Ok(None);
                };
                let listed = crate::snapshot::files(&snapshot.files);
                acceptance = snapshot.acceptance().map(|(r, seq)| (r.to_string(), seq));
                (
                    snapshot.answers,
                    listed
                        .iter()
                        .map(crate::snapshot::SnapshotFile::meta)
                        .collect(),
                    Some((snapshot.id, snapshot.content_hash)),
                )
            }
        };
        Ok(Some(FormSource {
            answers: serde_json::from_str(&answers).unwrap_or_else(|_| json!({})),
            profile: profile_of(store, app.organisation_id).await?,
            files,
            extras: form_extras(store, app.id).await?,
            snapshot,
            acceptance,
        }))
    }

    /// Has every page of a submitted version's PDF and Word file carry its 受理编号 and the QR
    /// code of its verification page under `base_url` (`https://shenbao.example.cn`). Nothing for a draft.
    pub fn stamp(&mut self, call: &Call, app: &ApplicationRow, base_url: &str) {
        let Some((id, hash)) = &self.snapshot else {
            return;
        };
        let region = self
            .profile
            .get("region")
            .and_then(Json::as_str)
            .unwrap_or("000000");
        let stored = self.acceptance.as_ref().map(|(r, seq)| (r.as_str(), *seq));
        let number =
            shenbao_core::acceptance::number_of(&app.call_id, call.def().year, stored, region, *id);
        self.extras.stamp = Some(page_stamp(number, (*id, hash), base_url));
    }

    /// The form as the engine reads it.
    pub fn application<'a>(&'a self, app: &'a ApplicationRow) -> Application<'a> {
        Application {
            target: Target {
                direction: &app.direction,
                subdirection: app.subdirection.as_deref(),
            },
            answers: &self.answers,
            profile: Some(&self.profile),
            files: Some(&self.files),
        }
    }

    /// The form of `app` in `format`.
    pub fn render(
        &self,
        call: &Call,
        app: &ApplicationRow,
        format: &FormFormat,
    ) -> Result<Vec<u8>, shenbao_docs::DocError> {
        (format.render)(call, &self.application(app), &self.extras)
    }
}

/// The form of application `id` in the format of `extension` (one of [`FORM_FORMATS`]),
/// from its latest submitted snapshot (its draft when never submitted). `Ok(None)` when there
/// is no such application.
pub async fn application_form(
    store: &Store,
    id: i64,
    extension: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    let format = FORM_FORMATS
        .iter()
        .find(|f| f.extension.eq_ignore_ascii_case(extension))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "不支持的格式 {extension}（可用：{}）",
                FORM_FORMATS
                    .iter()
                    .map(|f| f.extension)
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })?;
    let Some(app) = store.application(id).await? else {
        return Ok(None);
    };
    let call = crate::calls::stored_call(store, &app.call_id, Some(app.call_version))
        .await?
        .ok_or_else(|| anyhow::anyhow!("没有编号为 {} 的征集通知", app.call_id))?;
    let source = match FormSource::load(store, &app, Version::Submitted).await? {
        Some(s) => s,
        None => FormSource::load(store, &app, Version::Draft)
            .await?
            .ok_or_else(|| anyhow::anyhow!("申报 {id} 无法读取"))?,
    };
    Ok(Some(source.render(&call, &app, format)?))
}

/// Applications read per query while a queue is exported.
const QUEUE_EXPORT_PAGE: i64 = 500;

/// The fields of `call` that an application of any of `directions` may have, in form order,
/// each once: the columns of the queue's export after the fixed ones.
pub fn export_fields<'c>(
    call: &'c Call,
    directions: &[String],
) -> Vec<&'c shenbao_core::call::definition::FieldDef> {
    use shenbao_core::call::definition::FieldKind;
    let mut seen = std::collections::HashSet::new();
    call.def()
        .sections
        .iter()
        .filter(|s| {
            directions
                .iter()
                .any(|d| shenbao_core::call::applies(&s.directions, d))
        })
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.kind.is_some_and(|k| k != FieldKind::Heading))
        .filter(|f| seen.insert(f.id.as_str()))
        .collect()
}

/// What [`queue_xlsx`] exports: whose queue, under which filters.
#[derive(Debug, Clone, Copy)]
pub struct QueueExport<'a> {
    /// The unit.
    pub at: &'a UnitRef,
    /// The queue's filters and order (its keyset and page size are ignored).
    pub query: &'a shenbao_store::QueueQuery,
    /// The directions the filter lets through.
    pub directions: &'a [String],
    /// Whether the level ranks (a 推荐排序 column).
    pub ranks: bool,
    /// The unit's name, for the title line.
    pub unit: &'a str,
    /// Unix milliseconds, for the title line.
    pub now: i64,
}

/// The whole of a unit's queue under `query`'s filters (every page of it, in its order) as a
/// workbook for Excel: a row per application with its 受理编号, organisation, place,
/// direction, status, time and rank, then a column per field of the form, each answer as the
/// applicant reads it ([`shenbao_core::diff::field_texts`]). `directions` are those the
/// filter lets through (every field of theirs gets a column); `unit` names the unit in the
/// title. Read [`QUEUE_EXPORT_PAGE`] applications at a time and written in constant memory.
pub async fn queue_xlsx(
    store: &Store,
    call: &Call,
    export: &QueueExport<'_>,
) -> anyhow::Result<Vec<u8>> {
    use shenbao_core::messages::queue_export as msg;
    let QueueExport {
        at,
        query,
        directions,
        ranks,
        unit,
        now,
    } = *export;
    let fields = export_fields(call, directions);
    let mut headers: Vec<String> = msg::COLUMNS.iter().map(|c| c.to_string()).collect();
    if ranks {
        headers.push(msg::RANK.to_string());
    }
    let fixed = headers.len();
    headers.extend(fields.iter().map(|f| f.label.clone()));
    let column: HashMap<&str, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), fixed + i))
        .collect();
    let title = msg::title(unit, &shenbao_core::time::minutes(now));
    let mut sheet = shenbao_docs::SheetXlsx::new(msg::SHEET, &title, &headers)?;
    let mut query = query.clone();
    query.limit = QUEUE_EXPORT_PAGE;
    query.after = None;
    let mut n = 0usize;
    loop {
        let page = store.review_queue(at, &query).await?;
        let Some(last) = page.last() else { break };
        query.after = Some((
            last.application.submitted_at.unwrap_or_default(),
            last.application.id,
        ));
        let full = page.len() as i64 == QUEUE_EXPORT_PAGE;
        let mut rows = Vec::with_capacity(page.len());
        for r in page {
            n += 1;
            let app = &r.application;
            let snapshot = store.latest_snapshot(app.id).await?;
            let uscc = store
                .organisation(app.organisation_id)
                .await?
                .map(|o| o.uscc)
                .unwrap_or_default();
            let mut row = vec![String::new(); headers.len()];
            row[0] = n.to_string();
            row[1] = snapshot
                .as_ref()
                .map(|s| s.acceptance_number(call.id(), call.def().year, &r.organisation_region))
                .unwrap_or_default();
            row[2] = app.title.clone().unwrap_or_default();
            row[3] = r.organisation_name.clone();
            row[4] = uscc;
            row[5] = shenbao_core::region::full_name(&r.organisation_region)
                .unwrap_or_else(|| r.organisation_region.clone());
            row[6] = call
                .direction(&app.direction)
                .map_or_else(|| app.direction.clone(), |d| d.name.clone());
            row[7] = app.status.label().to_string();
            row[8] = app
                .submitted_at
                .map(shenbao_core::time::minutes)
                .unwrap_or_default();
            if ranks {
                row[9] = r.rank.map(|x| x.to_string()).unwrap_or_default();
            }
            let answers: Json = snapshot
                .and_then(|s| serde_json::from_str(&s.answers).ok())
                .unwrap_or_else(|| json!({}));
            let target = Target {
                direction: &app.direction,
                subdirection: app.subdirection.as_deref(),
            };
            for t in shenbao_core::diff::field_texts(call, &target, &answers) {
                if let Some(&c) = column.get(t.field.as_str()) {
                    row[c] = t.text;
                }
            }
            rows.push(row);
        }
        sheet.push(&rows)?;
        if !full {
            break;
        }
    }
    Ok(sheet.finish()?)
}
