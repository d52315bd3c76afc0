//! The application form (申报书 / 申报表), filled in with an application's answers or blank,
//! laid out once into the document model and rendered as DOCX or PDF.
//!
//! Layout: an A4 page with GB/T 9704-like margins (37/35/28/26 mm); the form title centered in
//! 黑体; the cover lines (label：value suffix); then each section of the application's direction
//! with its title and a bordered table of label | value rows. Fields that share a `group` get a
//! merged group cell on the left; choices print every option as ☑ (chosen) or ☐, with the 其他
//! text after its option; narratives (textarea) are paragraphs in a full-width cell; year tables,
//! matrices and repeating rows are tables of their own with a header row. The list of attached
//! files follows when given, then the commitment on a new page with its signature lines, and
//! last the recommendation-opinion boxes (推荐意见) of the review levels that have one (泉州).
//!
//! A blank form (`blank_application_*`) has every field of the direction (none hidden by a
//! choice), every option ☐, empty cells, and a few empty numbered rows in repeating tables.
//!
//! Answers are displayed exactly as the reviewers' change list shows them (`shenbao_core::diff`).

use serde_json::{Map, Value as Json};
use shenbao_core::call::Target;
use shenbao_core::call::definition::{
    FieldDef, FieldKind, OpinionBlock, PartHolds, Print, Section, SectionRow, SectionTitle,
};
use shenbao_core::call::{Call, definition::Commitment};
use shenbao_core::diff::{computed_text, display};
use shenbao_core::form::{Application, selected, validate};
use shenbao_core::output::{cover_lines, text_of};

use crate::DocError;
use crate::fonts::Fonts;
use crate::layout::{
    CHECKED, Cell, Contents, ContentsLine, Document, Para, Stamp, Style, TEXT_WIDTH, Table,
    UNCHECKED,
};
use crate::section_table::SectionTable;

/// What a form carries besides the application itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormExtras {
    /// The filled recommendation opinions (推荐意见), by review level; a level with an opinion
    /// block but no entry here gets a blank box.
    pub opinions: Vec<FilledOpinion>,
    /// The members of a joint application (联合申报), in order: each is listed and gives a
    /// commitment of its own after the lead's.
    pub members: Vec<ConsortiumMember>,
    /// A submitted version's 受理编号 and the URL of its verification page: every page of the
    /// PDF and of the Word file carries both at its foot, the URL as a QR code. `None` for drafts and blank forms.
    pub stamp: Option<PageStamp>,
}

/// What the foot of every page of a submitted form carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageStamp {
    /// The 受理编号 (`shenbao_core::acceptance::number`).
    pub number: String,
    /// The absolute URL of the verification page (`…/verify/<key>`).
    pub url: String,
}

/// A member of a joint application, as the form prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsortiumMember {
    /// Its name.
    pub name: String,
    /// Its USCC.
    pub uscc: String,
    /// Its registered region, by name.
    pub region: String,
}

/// A review level's filled recommendation opinion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilledOpinion {
    /// The review level's id (`county`).
    pub level: String,
    /// The unit that gave it, as printed (福建省泉州市丰泽区): the box's title is the
    /// template's (设区市工信局…推荐意见) whichever level fills it, so the box names who did
    /// (泉州: 推荐意见一栏需县（市、区）加盖单位公章). Empty prints no line.
    pub unit: String,
    /// The opinion's text; lines become paragraphs.
    pub text: String,
    /// Signature line label (as in the call's `opinion.signatures`, e.g. 经办人（签字）：) →
    /// the name signed.
    pub signatures: Vec<(String, String)>,
    /// The date as it is printed (`2024年6月10日`); `None` leaves 年 月 日 blanks.
    pub date: Option<String>,
}

/// The application form of `app` as a DOCX file: title, cover, the sections of its direction
/// with the answers (normalised by the form engine first), the attached files when `app.files`
/// is given, the commitment, and the opinion boxes filled from `extras`.
pub fn application_docx(
    call: &Call,
    app: &Application<'_>,
    extras: &FormExtras,
) -> Result<Vec<u8>, DocError> {
    crate::render_docx::docx(&application_layout(call, app, extras))
}

/// The same form as [`application_docx`], as a PDF with `fonts` embedded as subsets.
pub fn application_pdf(
    call: &Call,
    app: &Application<'_>,
    extras: &FormExtras,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocError> {
    crate::render_pdf::pdf(fonts, &application_layout(call, app, extras))
}

/// The same form as [`application_docx`], as an HTML fragment for reading on screen: the
/// paper form's rows, answers as text (module `render_html`).
pub fn application_html(call: &Call, app: &Application<'_>, extras: &FormExtras) -> String {
    crate::render_html::html(&application_layout(call, app, extras))
}

/// The blank form of `target` as DOCX, to print and fill in by hand.
pub fn blank_application_docx(call: &Call, target: Target<'_>) -> Result<Vec<u8>, DocError> {
    crate::render_docx::docx(&blank_layout(call, target))
}

/// The blank form of `target` as PDF.
pub fn blank_application_pdf(
    call: &Call,
    target: Target<'_>,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocError> {
    crate::render_pdf::pdf(fonts, &blank_layout(call, target))
}

/// The printed rows of the blank form of `target`, one line each (module `outline`): what
/// a test holds against the template's rows.
pub fn blank_outline(call: &Call, target: Target<'_>) -> Vec<String> {
    crate::outline::outline(&blank_layout(call, target))
}

/// The filled form's layout.
fn application_layout(call: &Call, app: &Application<'_>, extras: &FormExtras) -> Document {
    let report = validate(call, app.target, app.answers);
    let form = Form {
        call,
        target: app.target,
        answers: &report.answers,
        hidden: &report.hidden,
        blank: false,
        files: app.files,
    };
    let mut doc = form.layout(app.profile, app.files, extras);
    doc.stamp = extras.stamp.as_ref().map(|s| Stamp {
        number: s.number.clone(),
        qr_svg: qr_svg(&s.url),
        qr_png: qr_png(&s.url),
    });
    doc
}

/// Pixels per QR module in the PNG: 300 dpi at the printed size of about 20 mm.
const QR_MODULE_PX: u32 = 6;

/// The QR code of `url` as a greyscale PNG with the quiet zone; empty for a URL longer than a
/// code holds. Hand-written: qrcode's image rendering pulls in the `image` crate for what is a
/// loop over the modules.
fn qr_png(url: &str) -> Vec<u8> {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
    else {
        return Vec::new();
    };
    let modules = code.width() as u32;
    let quiet = 4;
    let side = (modules + 2 * quiet) * QR_MODULE_PX;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, c) in colors.iter().enumerate() {
        if *c != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules + quiet, i as u32 / modules + quiet);
        for y in my * QR_MODULE_PX..(my + 1) * QR_MODULE_PX {
            let row = (y * side) as usize;
            pixels[row + (mx * QR_MODULE_PX) as usize..row + ((mx + 1) * QR_MODULE_PX) as usize]
                .fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels));
    match written {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// The QR code of `url` as SVG (black modules on white, with the quiet zone).
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(120, 120)
            .quiet_zone(true)
            .build(),
        // Only a URL longer than a QR code holds: the number is still printed.
        Err(_) => String::new(),
    }
}

/// The blank form's layout.
fn blank_layout(call: &Call, target: Target<'_>) -> Document {
    let answers = Map::new();
    let form = Form {
        call,
        target,
        answers: &answers,
        hidden: &[],
        blank: true,
        files: None,
    };
    form.layout(None, None, &FormExtras::default())
}

/// The words a form's title ends with, never split across lines (申/报书).
const TITLE_ENDINGS: [&str; 6] = ["申报书", "申报表", "调研表", "承诺书", "推荐表", "汇总表"];

/// A title paragraph whose ending (申报书, 申报表…) stays on one line.
fn title_para(title: &str) -> Para {
    match TITLE_ENDINGS.iter().find(|e| title.ends_with(*e)) {
        Some(ending) => {
            let head = &title[..title.len() - ending.len()];
            Para::new(Style::Title, head).whole(ending)
        }
        None => Para::new(Style::Title, title),
    }
}

/// Empty numbered rows of a repeating table in a blank form (more when the table needs more).
const BLANK_ROWS: usize = 3;
/// The value of an empty cover line: room to write on.
const BLANK_COVER: &str = "　　　　　　　　　　　　";
/// The date line of an opinion box without a date.
const BLANK_DATE: &str = "年　　月　　日";

/// One form being laid out.
struct Form<'a> {
    call: &'a Call,
    target: Target<'a>,
    answers: &'a Map<String, Json>,
    hidden: &'a [String],
    blank: bool,
    /// The attached files, when the form lists them: a narrative names its figures.
    files: Option<&'a [shenbao_core::form::FileMeta]>,
}

impl<'a> Form<'a> {
    fn layout(
        &self,
        profile: Option<&Json>,
        files: Option<&[shenbao_core::form::FileMeta]>,
        extras: &FormExtras,
    ) -> Document {
        let call = self.call;
        let def = call.def();
        let title = call
            .direction(self.target.direction)
            .and_then(|d| d.form_title.clone())
            .unwrap_or_else(|| def.form_title.clone());
        let mut doc = Document {
            title: title.clone(),
            blocks: Vec::new(),
            stamp: None,
        };
        doc.para(title_para(&title));

        let cover = cover_lines(call, self.answers, profile);
        if !cover.is_empty() {
            doc.para(Para::new(Style::Cover, ""));
            for (line, def) in cover.iter().zip(&def.cover) {
                let suffix = line.suffix.as_deref().unwrap_or("");
                // A line filled by hand whose suffix is its blank (_____年____月____日) is
                // printed as the notice has it, without a second blank before it.
                let blank_in_suffix =
                    def.field.is_none() && def.value.is_none() && !suffix.is_empty();
                let mut p = Para::new(Style::Cover, &format!("{}：", line.label));
                if !blank_in_suffix {
                    let value = if line.text.is_empty() {
                        BLANK_COVER
                    } else {
                        line.text.as_str()
                    };
                    p = p.span(value, true);
                }
                doc.para(p.span(suffix, false));
            }
            doc.page_break();
        }

        // Fields the call marks `print = "appendix"`: after the form, under a heading of
        // their own.
        let mut appendix: Vec<&FieldDef> = Vec::new();
        let printed = &def.printed;
        if printed.parts.is_empty() {
            self.sections(&mut doc, &title, &mut appendix, None);
            self.files_and_members(&mut doc, files, extras);
            if def.commitment.printed {
                self.commitments(&mut doc, extras, true);
            }
            self.opinions(&mut doc, extras);
        } else {
            // 目录 · 一、… 二、… 三、…: each part on a new page under its title, which the
            // 目录 lists with the page it begins on.
            let anchor = |i: usize| format!("part-{}", i + 1);
            if printed.contents {
                doc.para(Para::new(
                    Style::Heading,
                    shenbao_core::messages::document::CONTENTS,
                ));
                doc.contents(Contents {
                    lines: printed
                        .parts
                        .iter()
                        .enumerate()
                        .map(|(i, p)| ContentsLine {
                            text: p.contents_title.clone().unwrap_or_else(|| p.title.clone()),
                            anchor: anchor(i),
                        })
                        .collect(),
                });
                // A blank form, to be filled in by hand, keeps the template's instruction
                // (（请列明具体目录及页码）): its page numbers will change.
                if let (true, Some(help)) = (self.blank, &printed.contents_help) {
                    doc.para(Para::new(Style::Caption, help));
                }
            }
            for (i, part) in printed.parts.iter().enumerate() {
                doc.page_break();
                doc.para(Para::new(Style::Heading, &part.title).anchored(&anchor(i)));
                match part.holds {
                    PartHolds::Commitment => self.commitments(&mut doc, extras, false),
                    PartHolds::Sections => {
                        self.sections(&mut doc, &title, &mut appendix, None);
                        self.opinions(&mut doc, extras);
                    }
                    PartHolds::Files => self.files_and_members(&mut doc, files, extras),
                }
                if !part.sections.is_empty() {
                    self.sections(&mut doc, &title, &mut appendix, Some(&part.sections));
                }
            }
        }
        if !appendix.is_empty() {
            doc.page_break();
            doc.para(Para::new(
                Style::Heading,
                shenbao_core::messages::document::SYSTEM_APPENDIX,
            ));
            let mut table = SectionTable::default();
            for (i, f) in appendix.iter().enumerate() {
                self.field(&mut doc, &mut table, f, appendix.get(i + 1).copied(), &[]);
            }
            table.flush(&mut doc);
        }
        doc
    }

    /// The sections of the application's direction, each its title (a heading, its table's
    /// first row or nothing, `[printed] section_titles`) and a table, one row (`as_row`) or
    /// prose (`text`); the fields printed in the appendix are added to `appendix`. `only`:
    /// the sections a part names; otherwise every section no part names.
    fn sections(
        &self,
        doc: &mut Document,
        title: &str,
        appendix: &mut Vec<&'a FieldDef>,
        only: Option<&[String]>,
    ) {
        let printed = &self.call.def().printed;
        let titles = printed.section_titles;
        let wanted = |id: &String| match only {
            Some(ids) => ids.contains(id),
            None => !printed.parts.iter().any(|p| p.sections.contains(id)),
        };
        for section in self
            .call
            .sections_for(&self.target)
            .filter(|s| wanted(&s.id))
        {
            let how = section.printed_title.unwrap_or(titles);
            let in_table = how == SectionTitle::Row;
            let visible = |f: &&FieldDef| !self.hidden.contains(&f.id);
            appendix.extend(
                section
                    .fields
                    .iter()
                    .filter(visible)
                    .filter(|f| f.print == Print::Appendix),
            );
            let shown: Vec<&FieldDef> = section
                .fields
                .iter()
                .filter(visible)
                .filter(|f| {
                    matches!(
                        f.print,
                        Print::Form | Print::Inline | Print::Below | Print::Beside
                    )
                })
                .collect();
            // A section hidden by a choice (联合体协议书 of a single applicant) is left out,
            // and so is one whose fields are all system data.
            if !section.fields.is_empty() && shown.is_empty() {
                continue;
            }
            // A form that is one table (山东 调研表) has a section named as the form: the title
            // is printed once.
            let heading = section.title != title && how != SectionTitle::None;
            if heading && how == SectionTitle::Heading {
                doc.para(Para::new(Style::Heading, &section.title));
            }
            if let Some(text) = &section.text {
                self.section_text(doc, text, section);
                continue;
            }
            if let Some(help) = &section.help {
                for line in help.lines().filter(|l| !l.trim().is_empty()) {
                    doc.para(Para::new(Style::Help, line));
                }
            }
            // Follow-ups printed inside the options of their choice (hidden ones too, blank:
            // the paper form has the blank whatever is ticked).
            let inside: Vec<&FieldDef> = section
                .fields
                .iter()
                .filter(|f| f.print == Print::InOption)
                .collect();
            let mut table = SectionTable::default();
            if let Some(row) = &section.as_row {
                table.field(None, &row.label, self.section_cell(row, &shown));
                table.flush(doc);
                continue;
            }
            if heading && in_table {
                table.full_width(Cell::text(Style::CellBold, &section.title));
            }
            // Fields a heading makes a table of (联系方式 | 姓名 | 职务 | 手机): printed there.
            let mut tabled: Vec<&str> = Vec::new();
            for (i, f) in shown.iter().enumerate() {
                if tabled.contains(&f.id.as_str()) {
                    continue;
                }
                if f.heads_table {
                    let group: Vec<&FieldDef> = shown[i + 1..]
                        .iter()
                        .take_while(|g| g.group.is_some() && g.group == shown[i + 1].group)
                        .copied()
                        .collect();
                    if !group.is_empty() {
                        table.flush(doc);
                        doc.table(self.small_table(f, &group));
                        tabled.extend(group.iter().map(|g| g.id.as_str()));
                        continue;
                    }
                }
                // A narrative that the section's title row names (（三）大模型简介 over 大模型
                // 简介) has no label row of its own.
                if in_table
                    && heading
                    && f.kind == Some(FieldKind::Textarea)
                    && section.title.ends_with(&f.label)
                {
                    table.full_width(self.narrative(f));
                    continue;
                }
                self.field(doc, &mut table, f, shown.get(i + 1).copied(), &inside);
            }
            table.flush(doc);
        }
    }

    /// A section printed as the template's prose: each line a paragraph with the answers in
    /// its `{field}` blanks, a line that is one table field that table, then the signature
    /// lines.
    fn section_text(&self, doc: &mut Document, text: &str, section: &Section) {
        let fields = &section.fields;
        let filled = |line: &str| {
            let mut out = line.to_string();
            for name in shenbao_core::call::compile::placeholders(line) {
                let value = self
                    .call
                    .field(name)
                    .and_then(|(_, f)| Some((f, f.kind?)))
                    .map(|(f, k)| value_text(f, k, self.answers.get(name), self.answers))
                    .unwrap_or_default();
                let value = if value.is_empty() { BLANK } else { &value };
                out = out.replace(&format!("{{{name}}}"), value);
            }
            out
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let table_field = line
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .and_then(|id| fields.iter().find(|f| f.id == id));
            match table_field {
                // The text introduces it: a rows table without its caption.
                Some(f) if f.kind == Some(FieldKind::Rows) && !f.label_cell => {
                    doc.table(rows_table(f, self.answers.get(&f.id), self.blank));
                }
                Some(f) => {
                    let mut table = SectionTable::default();
                    self.field(doc, &mut table, f, None, &[]);
                    table.flush(doc);
                }
                None => doc.para(Para::new(Style::Letter, &filled(line))),
            }
        }
        for line in &section.signatures {
            doc.para(Para::new(Style::Signature, &filled(line)));
        }
        let notes = section.notes.iter().flat_map(|n| n.lines());
        for line in notes.map(str::trim).filter(|l| !l.is_empty()) {
            doc.para(Para::new(Style::Help, line));
        }
    }

    /// The cell of a section printed as one row: its lead line, then each field numbered
    /// (1、企业经营情况) with its answer under it, then the `more` items numbered on.
    fn section_cell(&self, row: &SectionRow, shown: &[&FieldDef]) -> Cell {
        let mut paras = Vec::new();
        if let Some(lead) = &row.lead {
            paras.push(Para::new(Style::Cell, lead));
        }
        // 一、 to 十、 as the templates number their items; 11、 on in digits. Hand-written: a
        // table of ten numerals needs no crate.
        let number = |n: usize| match (row.chinese_numbers, n) {
            (true, 1..=10) => {
                ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][n - 1].to_string()
            }
            _ => n.to_string(),
        };
        let mut n = 0;
        for f in shown {
            let Some(kind) = f.kind else { continue };
            n += 1;
            let n = number(n);
            if kind == FieldKind::Textarea {
                paras.push(Para::new(Style::Cell, &format!("{n}、{}", f.label)));
                paras.extend(
                    self.narrative(f)
                        .paras
                        .into_iter()
                        .filter(|p| !p.spans.is_empty()),
                );
            } else {
                let value = value_text(f, kind, self.answers.get(&f.id), self.answers);
                paras.push(Para::new(
                    Style::Cell,
                    &format!("{n}、{}：{value}", label_text(f)),
                ));
            }
        }
        for item in &row.more {
            n += 1;
            paras.push(Para::new(Style::Cell, &format!("{}、{item}", number(n))));
        }
        Cell::of(paras)
    }

    /// A heading and the grouped fields after it as a table of two rows: the heading and
    /// their labels, then their group and their values.
    fn small_table(&self, heading: &FieldDef, fields: &[&FieldDef]) -> Table {
        let group = fields[0].group.as_deref().unwrap_or_default();
        // A group named as the heading (湖南 单位联系人): one cell over both rows.
        let merged = group == heading.label;
        let mut head = vec![Cell::plain(&heading.label)];
        let mut values = Vec::new();
        if merged {
            head[0].rowspan = 2;
        } else {
            values.push(Cell::plain(group));
        }
        for f in fields {
            head.push(Cell::plain(&label_text(f)));
            let text = f
                .kind
                .map(|k| value_text(f, k, self.answers.get(&f.id), self.answers))
                .unwrap_or_default();
            values.push(Cell::plain(&text));
        }
        let width = (TEXT_WIDTH - LABEL_CELL_WIDTH) / fields.len();
        let mut widths = vec![LABEL_CELL_WIDTH];
        widths.extend(std::iter::repeat_n(width, fields.len()));
        Table {
            widths,
            header_rows: 0,
            rows: vec![head, values],
        }
    }

    /// A narrative's text, a paragraph per line, in one cell.
    fn narrative(&self, f: &FieldDef) -> Cell {
        let text = shown(
            f,
            FieldKind::Textarea,
            self.answers.get(&f.id),
            self.answers,
        );
        let paras = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Para::new(Style::CellIndented, l))
            .collect();
        let mut cell = Cell::of(paras);
        // Its figures (可附图进行必要说明), numbered in the order uploaded: 附图：图1 流程.png.
        let slots: Vec<&str> = self
            .call
            .def()
            .files
            .iter()
            .filter(|s| s.figures_of.as_deref() == Some(f.id.as_str()))
            .map(|s| s.id.as_str())
            .collect();
        let figures: Vec<String> = self
            .files
            .unwrap_or_default()
            .iter()
            .filter(|m| slots.contains(&m.slot.as_str()))
            .enumerate()
            .map(|(i, m)| shenbao_core::messages::document::figure(i + 1, &m.name))
            .collect();
        if !figures.is_empty() {
            cell.paras.push(Para::new(
                Style::Cell,
                &format!(
                    "{}{}",
                    shenbao_core::messages::document::FIGURES,
                    figures.join("；")
                ),
            ));
        }
        cell
    }

    /// The list of attached files (when given) and the members of a joint application.
    fn files_and_members(
        &self,
        doc: &mut Document,
        files: Option<&[shenbao_core::form::FileMeta]>,
        extras: &FormExtras,
    ) {
        let def = self.call.def();
        if let Some(files) = files {
            doc.para(Para::new(Style::Heading, "附件材料清单"));
            let mut rows = vec![vec![
                Cell::header("序号"),
                Cell::header("材料"),
                Cell::header("文件名"),
            ]];
            for (i, file) in files.iter().enumerate() {
                let label = def
                    .files
                    .iter()
                    .find(|s| s.id == file.slot)
                    .map_or(file.slot.as_str(), |s| s.label.as_str());
                rows.push(vec![
                    Cell::plain(&(i + 1).to_string()),
                    Cell::plain(label),
                    Cell::plain(&file.name),
                ]);
            }
            doc.table(Table {
                widths: vec![800, 4000, TEXT_WIDTH - 4800],
                header_rows: 1,
                rows,
            });
        }

        if !extras.members.is_empty() {
            doc.para(Para::new(Style::Heading, "联合体成员单位"));
            let mut rows = vec![vec![
                Cell::header("序号"),
                Cell::header("单位名称"),
                Cell::header("统一社会信用代码"),
                Cell::header("注册地"),
            ]];
            for (i, m) in extras.members.iter().enumerate() {
                rows.push(vec![
                    Cell::plain(&(i + 1).to_string()),
                    Cell::plain(&m.name),
                    Cell::plain(&m.uscc),
                    Cell::plain(&m.region),
                ]);
            }
            doc.table(Table {
                widths: vec![800, 3400, 2600, TEXT_WIDTH - 6800],
                header_rows: 1,
                rows,
            });
        }
    }

    /// The commitment on a new page, then one per member of a joint application, naming it
    /// (联合申报的，所有申报单位均需提供真实性承诺书). `titled`: the lead's under the
    /// commitment's title (a part's title stands for it otherwise).
    fn commitments(&self, doc: &mut Document, extras: &FormExtras, titled: bool) {
        let c = &self.call.def().commitment;
        if self.call.def().printed.commitment_and_opinions_as_rows {
            doc.table(commitment_row(c, self.answers, None));
            for m in &extras.members {
                let who = shenbao_core::messages::consortium::member_commitment(&m.name, &m.uscc);
                doc.para(Para::new(Style::Cell, ""));
                doc.table(commitment_row(c, self.answers, Some(&who)));
            }
            return;
        }
        if titled {
            doc.page_break();
        }
        commitment(doc, c, self.answers, None, titled);
        for m in &extras.members {
            doc.page_break();
            let who = shenbao_core::messages::consortium::member_commitment(&m.name, &m.uscc);
            commitment(doc, c, self.answers, Some(&who), true);
        }
    }

    /// The recommendation-opinion boxes of the levels the direction passes that have one.
    fn opinions(&self, doc: &mut Document, extras: &FormExtras) {
        for level in &self.call.def().review_levels {
            let applies = level.directions.is_empty()
                || level.directions.iter().any(|d| d == self.target.direction);
            if let (true, Some(block)) = (applies, &level.opinion) {
                let filled = extras.opinions.iter().find(|o| o.level == level.id);
                doc.para(Para::new(Style::Cell, ""));
                let as_row = self.call.def().printed.commitment_and_opinions_as_rows;
                doc.table(opinion_box(block, filled, as_row));
            }
        }
    }

    /// One field into the current section table (or, for tables, a table of its own);
    /// `inside` holds the section's fields printed inside the options of a choice.
    fn field(
        &self,
        doc: &mut Document,
        table: &mut SectionTable,
        f: &FieldDef,
        next: Option<&FieldDef>,
        inside: &[&FieldDef],
    ) {
        let Some(kind) = f.kind else { return };
        let answers = self.answers;
        let value = answers.get(&f.id);
        // A field the template words itself (有效专利总数（____）): the words, the answer in
        // the blank.
        // (A list in one cell words its blank form only: `numbered_list`.)
        if let (Some(words), false) = (&f.print_as, f.print == Print::InOption || f.in_cell) {
            let value = value_text(f, kind, value, answers);
            let value = if value.is_empty() {
                BLANK
            } else {
                value.as_str()
            };
            let text = words.replace(BLANK, value);
            match f.print {
                // Words that go on with the sentence (，其中……____人) take no gap.
                Print::Inline if text.starts_with(SENTENCE_GOES_ON) => {
                    table.append_after("", &text)
                }
                Print::Inline => table.append_after(PRINT_AS_GAP, &text),
                Print::Below => table.append_line(Para::new(Style::Cell, &text)),
                Print::Beside => table.beside_text(Cell::plain(&text)),
                _ => table.field_text(f.group.as_deref(), Cell::plain(&text)),
            }
            return;
        }
        if f.print == Print::Inline {
            match kind {
                // A choice: its label and options on a line of their own in that cell.
                FieldKind::SingleChoice | FieldKind::MultiChoice => {
                    let options = self.options_para(f, inside);
                    let mut line = Para::new(Style::Cell, &format!("{}：", label_text(f)));
                    line.spans.extend(options.spans);
                    table.append_line(line);
                }
                _ => table.append(&shown(f, kind, value, answers)),
            }
            return;
        }
        if f.print == Print::Below {
            let line = format!("{}：{}", label_text(f), shown(f, kind, value, answers));
            table.append_line(Para::new(Style::Cell, &line));
            return;
        }
        if f.print == Print::Beside {
            let cell = match kind {
                FieldKind::SingleChoice | FieldKind::MultiChoice => {
                    Cell::of(vec![self.options_para(f, inside)])
                }
                _ => Cell::plain(&value_text(f, kind, value, answers)),
            };
            match &f.group {
                Some(group) => table.beside_grouped(group, &label_text(f), cell),
                None => table.beside(&label_text(f), cell),
            }
            return;
        }
        match kind {
            FieldKind::Heading if f.tick_direction => {
                // 申报方向（请√选一项）: the call's directions, the application's ticked.
                let mut p = Para::new(Style::Cell, "");
                for (i, d) in self.call.def().directions.iter().enumerate() {
                    let on = !self.blank && d.id == self.target.direction;
                    let mark = if on { CHECKED } else { UNCHECKED };
                    if i > 0 {
                        p = p.span("  ", false);
                    }
                    p = p.kept(&format!("{mark}{}", d.name));
                }
                table.field(f.group.as_deref(), &label_text(f), Cell::of(vec![p]));
            }
            FieldKind::Heading if f.tick_subdirection => {
                // 大模型类型: the direction's sub-directions, the application's ticked.
                let chosen = self
                    .target
                    .subdirection
                    .and_then(|id| self.call.choice(self.target.direction, id))
                    .map(|c| c.subdirection.id.clone());
                let mut p = Para::new(Style::Cell, "");
                let subs = self
                    .call
                    .direction(self.target.direction)
                    .map(|d| d.subdirections.as_slice())
                    .unwrap_or_default();
                for (i, sub) in subs.iter().enumerate() {
                    let on = !self.blank && chosen.as_deref() == Some(sub.id.as_str());
                    let mark = if on { CHECKED } else { UNCHECKED };
                    if i > 0 {
                        p = p.span("  ", false);
                    }
                    p = p.kept(&format!("{mark}{}", sub.name));
                }
                table.field(f.group.as_deref(), &label_text(f), Cell::of(vec![p]));
            }
            FieldKind::Heading => {
                // A heading that only names the group of the fields after it is printed by
                // their merged group cell.
                if next.and_then(|n| n.group.as_deref()) != Some(f.label.as_str()) {
                    table.full_width(Cell::text(Style::CellBold, &f.label));
                }
            }
            FieldKind::Textarea => {
                table.full_width(Cell::text(Style::CellBold, &label_text(f)));
                table.full_width(self.narrative(f));
            }
            FieldKind::YearTable if f.as_fields => {
                // Each row and year a field, two to a row: 2023年营业收入（万元） | … | 2023年利润….
                let mut n = 0;
                for r in &f.rows {
                    for y in &f.years {
                        let label = format!("{y}年{}", label_text(r));
                        let cell = value
                            .and_then(|v| v.get(&r.id))
                            .and_then(|row| row.get(y.to_string()));
                        let mut def = r.clone();
                        def.unit = None;
                        let text = shown(&def, r.kind.unwrap_or(FieldKind::Text), cell, answers);
                        if n % 2 == 0 {
                            table.field(None, &label, Cell::plain(&text));
                        } else {
                            table.beside(&label, Cell::plain(&text));
                        }
                        n += 1;
                    }
                }
            }
            FieldKind::YearTable | FieldKind::Matrix => {
                table.flush(doc);
                // A table whose corner names it (联系方式 | 姓名 | 职务) has no caption.
                if f.label_cell {
                    let mut t = with_label_cell(grid(f, kind, value), &label_text(f));
                    // Its label in the section table's group column and the rows' labels in
                    // its label column (服务能力 | 服务数字化转型改造实施企业数量 | ____家).
                    let n = t.widths.len();
                    if n >= 3 && !f.rows.iter().any(|r| r.group.is_some()) {
                        let rest = (TEXT_WIDTH - LABEL_CELL_WIDTH) / (n - 2);
                        t.widths = [GROUP_CELL_WIDTH, LABEL_CELL_WIDTH - GROUP_CELL_WIDTH]
                            .into_iter()
                            .chain(std::iter::repeat_n(rest, n - 2))
                            .collect();
                    }
                    doc.table(t);
                    return;
                }
                if f.corner.as_deref() != Some(f.label.as_str()) {
                    doc.para(Para::new(Style::Caption, &f.label));
                }
                doc.table(grid(f, kind, value));
            }
            FieldKind::Rows if f.in_cell => {
                let text = self.numbered_list(f, value);
                table.field(f.group.as_deref(), &label_text(f), Cell::plain(&text));
            }
            FieldKind::Rows => {
                table.flush(doc);
                if f.label_cell {
                    doc.table(labelled_rows_table(f, value, self.blank));
                } else {
                    doc.para(Para::new(Style::Caption, &f.label));
                    doc.table(rows_table(f, value, self.blank));
                }
            }
            FieldKind::SingleChoice | FieldKind::MultiChoice => {
                // Options that the form explains (山东 产品所属种类: 基础大模型：参数量大…) get a
                // line each, with their explanation; others share one line.
                let paras = if f.options.iter().any(|o| o.help().is_some()) {
                    f.options
                        .iter()
                        .map(|o| {
                            let text = self.option_text(f, o.value(), inside);
                            let text = match o.help() {
                                Some(help) => format!("{text}：{help}"),
                                None => text,
                            };
                            Para::new(Style::Cell, "").kept(&text)
                        })
                        .collect()
                } else {
                    vec![self.options_para(f, inside)]
                };
                if f.options_below {
                    table.full_width(Cell::plain(&label_text(f)));
                    table.full_width(Cell::of(paras));
                } else {
                    table.field(f.group.as_deref(), &label_text(f), Cell::of(paras));
                }
            }

            // A blank form leaves the template's blanks of a period to fill by hand.
            FieldKind::DateRange if self.blank => table.field(
                f.group.as_deref(),
                &label_text(f),
                Cell::plain(BLANK_PERIOD),
            ),
            _ => table.field(
                f.group.as_deref(),
                &label_text(f),
                Cell::plain(&value_text(f, kind, value, answers)),
            ),
        }
    }

    /// A one-column rows table as one cell's numbered list (1.智能排产；2.质量检测); a blank form
    /// the template's words (`print_as`) or three numbered blanks.
    fn numbered_list(&self, f: &FieldDef, value: Option<&Json>) -> String {
        let Some(col) = f.columns.first() else {
            return String::new();
        };
        let entries: Vec<String> = value
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_object)
            .filter_map(|e| {
                let text = shown(col, col.kind?, e.get(&col.id), e);
                (!text.trim().is_empty()).then_some(text)
            })
            .collect();
        if entries.is_empty() && self.blank {
            if let Some(words) = &f.print_as {
                return words.clone();
            }
            return (1..=BLANK_ROWS)
                .map(|n| format!("{n}.{BLANK}"))
                .collect::<Vec<_>>()
                .join(LIST_SEPARATOR);
        }
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{}.{e}", i + 1))
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR)
    }

    /// A choice's options on one line, ☑ the chosen, with the follow-ups printed inside them.
    fn options_para(&self, f: &FieldDef, inside: &[&FieldDef]) -> Para {
        let mut p = Para::new(Style::Cell, "");
        for (i, option) in f.options.iter().enumerate() {
            if i > 0 {
                p = p.span("  ", false);
            }
            p = p.kept(&self.option_text(f, option.value(), inside));
        }
        p
    }

    /// One option as printed: ☑ or ☐, its value, the blank of 其他 (`other_blank`), and the
    /// fields printed inside it: （label：value） when it is the one option they follow, after
    /// it when it is the last of several.
    fn option_text(&self, f: &FieldDef, v: &str, inside: &[&FieldDef]) -> String {
        let answers = self.answers;
        let on = selected(answers.get(&f.id)).iter().any(|c| c == v);
        let mut text = format!("{}{v}", if on { CHECKED } else { UNCHECKED });
        if f.other.as_deref() == Some(v) {
            let typed = answers
                .get(&format!("{}_other", f.id))
                .and_then(Json::as_str)
                .map(str::trim)
                .filter(|t| on && !t.is_empty());
            let blank = f.other_blank.as_deref().unwrap_or(DEFAULT_OTHER_BLANK);
            match typed {
                // A bare ☐其他 on the template: the text still prints, in brackets.
                Some(t) if !blank.contains(BLANK) => text.push_str(&format!("（{t}）")),
                _ => text.push_str(&blank.replace(BLANK, typed.unwrap_or(BLANK))),
            }
        }
        let follows = |g: &&&FieldDef| {
            g.show_if
                .as_ref()
                .is_some_and(|c| c.field == f.id && c.any_of.iter().any(|o| o == v))
        };
        let mut within = Vec::new();
        for g in inside.iter().filter(follows) {
            let Some(any_of) = g.show_if.as_ref().map(|c| &c.any_of) else {
                continue;
            };
            let piece = self.inside_text(g);
            if let Some(words) = &g.print_as {
                text.push_str(&words.replace(BLANK, &piece));
            } else if any_of.len() == 1 {
                within.push(piece);
            } else if f
                .options
                .iter()
                .rev()
                .find(|o| any_of.iter().any(|a| a == o.value()))
                .is_some_and(|o| o.value() == v)
            {
                text.push_str(&format!("  {piece}"));
            }
        }
        if !within.is_empty() {
            text.push_str(&format!("（{}）", within.join("  ")));
        }
        text
    }

    /// A follow-up printed inside an option: label：value (____ when empty), or a choice's
    /// options alone.
    fn inside_text(&self, g: &FieldDef) -> String {
        let Some(kind) = g.kind else {
            return String::new();
        };
        match kind {
            FieldKind::SingleChoice | FieldKind::MultiChoice => g
                .options
                .iter()
                .map(|o| self.option_text(g, o.value(), &[]))
                .collect::<Vec<_>>()
                .join("  "),
            _ => {
                let value = value_text(g, kind, self.answers.get(&g.id), self.answers);
                let value = if value.is_empty() {
                    BLANK.to_string()
                } else {
                    value
                };
                // `print_as` words it itself: the value alone.
                if g.print_as.is_some() {
                    value
                } else {
                    format!("{}：{value}", label_text(g))
                }
            }
        }
    }
}

/// The blank printed for a value to write in by hand.
const BLANK: &str = "____";
/// Between fields worded by `print_as` in one cell (有效专利总数（____）  其中：…).
const PRINT_AS_GAP: &str = "  ";
/// What words printed `inline` begin with when they go on with the previous field's sentence
/// (总共____人，其中……____人，占____%): no gap before them.
const SENTENCE_GOES_ON: [char; 5] = ['，', '、', '；', '：', '）'];
/// Between the items of a numbered list in one cell (1.____；2.____).
const LIST_SEPARATOR: &str = "；";
/// Between two signature lines printed on one line.
const SIGNATURE_GAP: &str = "　　　　　　　　　　";
/// The label cell of a row that is the commitment or an opinion box: the section tables'
/// group and label columns.
const LABEL_CELL_WIDTH: usize = 3800;
/// The group column of the section tables (the label of a year table printed in a cell).
const GROUP_CELL_WIDTH: usize = 1300;
/// A period to fill in by hand on a blank form.
const BLANK_PERIOD: &str = "____年____月____日至____年____月____日";
/// The blank after a choice's 其他 when the call gives no `other_blank`.
const DEFAULT_OTHER_BLANK: &str = "：____";

/// A year table or matrix: a header row of years or column labels, a row per definition row,
/// with a merged group column when rows are grouped.
pub(crate) fn grid(f: &FieldDef, kind: FieldKind, value: Option<&Json>) -> Table {
    if kind == FieldKind::Matrix && f.labels_per_column {
        return grid_labels_per_column(f, value);
    }
    let grouped = f.rows.iter().any(|r| r.group.is_some());
    let cols: Vec<(String, String, Option<&FieldDef>)> = if kind == FieldKind::YearTable {
        f.years
            .iter()
            .map(|y| {
                let title = f.year_title.as_deref().unwrap_or("{}年");
                (y.to_string(), title.replace("{}", &y.to_string()), None)
            })
            .collect()
    } else {
        f.columns
            .iter()
            .map(|c| (c.id.clone(), label_text(c), Some(c)))
            .collect()
    };
    let head_width = if grouped { 1200 + 2400 } else { 3000 };
    let col_width = (TEXT_WIDTH - head_width) / cols.len().max(1);
    let mut widths = if grouped {
        vec![1200, 2400]
    } else {
        vec![3000]
    };
    widths.extend(std::iter::repeat_n(col_width, cols.len()));

    let corner = f.corner.as_deref().unwrap_or("项目");
    let mut header = vec![Cell::header(corner).colspan(if grouped { 2 } else { 1 })];
    header.extend(cols.iter().map(|(_, l, _)| Cell::header(l)));
    let mut rows = vec![header];
    // The open group: its name and the row of its cell.
    let mut group: Option<(&str, usize)> = None;
    for r in &f.rows {
        let mut cells = Vec::new();
        let label = if f.unit_in_cells {
            r.label.clone()
        } else {
            label_text(r)
        };
        if grouped {
            match (r.group.as_deref(), group) {
                (Some(g), Some((open, at))) if g == open => {
                    if let Some(cell) = rows.get_mut(at).and_then(|row| row.first_mut()) {
                        cell.rowspan += 1;
                    }
                    cells.push(Cell::plain(&label));
                }
                (Some(g), _) => {
                    group = Some((g, rows.len()));
                    cells.push(Cell::plain(g));
                    cells.push(Cell::plain(&label));
                }
                // An ungrouped row's label spans the group column.
                (None, _) => {
                    group = None;
                    cells.push(Cell::plain(&label).colspan(2));
                }
            }
        } else {
            cells.push(Cell::plain(&label));
        }
        for (cid, _, cdef) in &cols {
            let cell = value
                .and_then(|v| v.get(&r.id))
                .and_then(|row| row.get(cid));
            let text = match cdef {
                None if f.unit_in_cells => {
                    // The unit after the number, a blank to write on when there is none
                    // (____家).
                    let mut def = r.clone();
                    let unit = def.unit.take().unwrap_or_default();
                    let number = shown(&def, r.kind.unwrap_or(FieldKind::Text), cell, &Map::new());
                    let number = if number.is_empty() {
                        BLANK.to_string()
                    } else {
                        number
                    };
                    format!("{number}{unit}")
                }
                None => cell_text(r, None, cell),
                Some(c) => cell_text(r, Some(c), cell),
            };
            cells.push(Cell::plain(&text));
        }
        rows.push(cells);
    }
    Table {
        widths,
        header_rows: 1,
        rows,
    }
}

/// A year table's or matrix's cell: the number alone, as the unit is in the row's label or
/// the column's title (12850.36, not 12850.36 万元 under 营业收入（万元）).
fn cell_text(row: &FieldDef, col: Option<&FieldDef>, cell: Option<&Json>) -> String {
    let def = match col {
        Some(c) if c.kind.is_some() => c,
        _ => row,
    };
    let Some(kind) = col.and_then(|c| c.kind).or(row.kind) else {
        return String::new();
    };
    let mut def = def.clone();
    def.unit = None;
    shown(&def, kind, cell, &Map::new())
}

/// A matrix whose grouped rows print their label in every column before the value (湖南
/// 算力资源情况: 分类 | 训练算力 | 推理算力, then 自建算力情况 with its explanation under it,
/// then 租用第三方云平台或算力服务情况 | 第三方名称 | ____ | 第三方名称 | ____).
fn grid_labels_per_column(f: &FieldDef, value: Option<&Json>) -> Table {
    const HEAD: usize = 2600;
    let n = f.columns.len().max(1);
    let col = (TEXT_WIDTH - HEAD) / n;
    let mut widths = vec![HEAD];
    for _ in 0..n {
        widths.extend([col * 2 / 5, col - col * 2 / 5]);
    }
    let corner = f.corner.as_deref().unwrap_or("项目");
    let mut header = vec![Cell::header(corner)];
    header.extend(
        f.columns
            .iter()
            .map(|c| Cell::header(&label_text(c)).colspan(2)),
    );
    let mut rows = vec![header];
    let mut group: Option<(&str, usize)> = None;
    for r in &f.rows {
        let values = f.columns.iter().map(|c| {
            let cell = value
                .and_then(|v| v.get(&r.id))
                .and_then(|row| row.get(&c.id));
            Cell::plain(&cell_text(r, Some(c), cell))
        });
        let mut cells = Vec::new();
        match (r.group.as_deref(), group) {
            (Some(g), Some((open, at))) if g == open => {
                if let Some(cell) = rows.get_mut(at).and_then(|row| row.first_mut()) {
                    cell.rowspan += 1;
                }
            }
            (Some(g), _) => {
                group = Some((g, rows.len()));
                cells.push(Cell::plain(g));
            }
            (None, _) => group = None,
        }
        if r.group.is_some() {
            for v in values {
                cells.extend([Cell::plain(&label_text(r)), v]);
            }
        } else {
            let mut label = vec![Para::new(Style::Cell, &label_text(r))];
            label.extend(r.help.iter().map(|h| Para::new(Style::Cell, h)));
            cells.push(Cell::of(label));
            cells.extend(values.map(|v| v.colspan(2)));
        }
        rows.push(cells);
    }
    Table {
        widths,
        header_rows: 1,
        rows,
    }
}

/// Repeating rows: 序号 (unless `numbered = false`) and the columns' labels (unless
/// `column_titles = false`), then one row per non-blank entry; （无） when there is none, or
/// empty rows to write in in a blank form (numbered, or named by `blank_rows`).
pub(crate) fn rows_table(f: &FieldDef, value: Option<&Json>, blank: bool) -> Table {
    let entries: Vec<&Map<String, Json>> = value
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default();
    let numbered = f.numbered != Some(false);
    let number_width = if numbered { 700 } else { 0 };
    let col_width = (TEXT_WIDTH - number_width) / f.columns.len().max(1);
    let mut widths = if numbered { vec![700] } else { Vec::new() };
    widths.extend(std::iter::repeat_n(col_width, f.columns.len()));
    let mut rows = Vec::new();
    if f.column_titles != Some(false) {
        let mut header = if numbered {
            vec![Cell::header("序号")]
        } else {
            Vec::new()
        };
        header.extend(f.columns.iter().map(|c| Cell::header(&label_text(c))));
        rows.push(header);
    }
    let header_rows = rows.len();
    let mut n = 0;
    for entry in entries {
        let texts: Vec<String> = f
            .columns
            .iter()
            .map(|c| match c.kind {
                // The column's title carries the unit.
                Some(k) if column_shown(c, entry) => {
                    let mut def = c.clone();
                    def.unit = None;
                    shown(&def, k, entry.get(&c.id), entry)
                }
                _ => String::new(),
            })
            .collect();
        if texts.iter().all(String::is_empty) {
            continue;
        }
        n += 1;
        let mut cells = if numbered {
            vec![Cell::plain(&n.to_string())]
        } else {
            Vec::new()
        };
        cells.extend(texts.iter().map(|t| Cell::plain(t)));
        rows.push(cells);
    }
    if blank && !f.blank_rows.is_empty() {
        // Rows named as the template names them (牵头单位, 成员1, ……), their 序号 empty.
        for words in &f.blank_rows {
            let mut cells = if numbered {
                vec![Cell::plain("")]
            } else {
                Vec::new()
            };
            cells.push(Cell::plain(words));
            cells.extend(f.columns.iter().skip(1).map(|_| Cell::plain("")));
            rows.push(cells);
        }
    } else if blank {
        let count = f
            .min_rows
            .map_or(BLANK_ROWS, |m| (m as usize).max(BLANK_ROWS));
        let count = f.max_rows.map_or(count, |m| count.min(m as usize));
        for i in 0..count {
            let mut cells = vec![Cell::plain(&(i + 1).to_string())];
            cells.extend(f.columns.iter().map(|_| Cell::plain("")));
            rows.push(cells);
        }
    } else if n == 0 {
        rows.push(vec![Cell::plain("（无）").colspan(widths.len())]);
    }
    Table {
        widths,
        header_rows,
        rows,
    }
}

/// A rows table with its label as the first column, one cell over the header and all rows.
fn labelled_rows_table(f: &FieldDef, value: Option<&Json>, blank: bool) -> Table {
    let mut t = with_label_cell(rows_table(f, value, blank), &label_text(f));
    // （无） spans the row's columns after the label.
    for row in t.rows.iter_mut().skip(1) {
        if let [only] = row.as_mut_slice() {
            only.colspan = t.widths.len() - 1;
        }
    }
    t
}

/// `t` with `label` as its first column, one cell over every row (湖南 服务能力 | 年度 | 2023年
/// | 2024年 over the rows).
fn with_label_cell(mut t: Table, label: &str) -> Table {
    let n = t.rows.len();
    let scale = |w: usize| w * (TEXT_WIDTH - LABEL_CELL_WIDTH) / TEXT_WIDTH;
    t.widths = std::iter::once(LABEL_CELL_WIDTH)
        .chain(t.widths.iter().map(|w| scale(*w)))
        .collect();
    if let Some(first) = t.rows.first_mut() {
        let mut cell = Cell::plain(label);
        cell.rowspan = n;
        first.insert(0, cell);
    }
    // The header row is not repeated on a new page: the label cell spans every row.
    t.header_rows = 0;
    t
}

/// The commitment: its title, who gives it (a consortium member), its text with `{field}`
/// answers filled in, and the signature lines.
pub(crate) fn commitment(
    doc: &mut Document,
    c: &Commitment,
    answers: &Map<String, Json>,
    who: Option<&str>,
    titled: bool,
) {
    if titled {
        doc.para(Para::new(Style::LetterTitle, &c.title));
    }
    if let Some(who) = who {
        doc.para(Para::new(Style::Letter, who));
    }
    let text = commitment_text(c, answers);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc.para(Para::new(Style::Letter, line));
    }
    doc.para(Para::new(Style::Letter, ""));
    for line in &c.signatures {
        doc.para(Para::new(Style::Signature, line));
    }
}

/// The commitment as a row of the form (福建 申报表): its title in the label cell, then its
/// text, the signature lines that end in ： on one line, and the others (the date) each on its
/// own.
fn commitment_row(c: &Commitment, answers: &Map<String, Json>, who: Option<&str>) -> Table {
    let mut paras = Vec::new();
    if let Some(who) = who {
        paras.push(Para::new(Style::Cell, who));
    }
    let text = commitment_text(c, answers);
    paras.extend(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Para::new(Style::Cell, l)),
    );
    let (signed, dated): (Vec<&String>, Vec<&String>) = c
        .signatures
        .iter()
        .partition(|l| l.trim_end().ends_with('：'));
    let joined: Vec<&str> = signed.iter().map(|l| l.as_str()).collect();
    paras.push(Para::new(Style::Cell, &joined.join(SIGNATURE_GAP)));
    paras.extend(dated.iter().map(|l| Para::new(Style::CellRight, l)));
    labelled_row(&c.title, paras)
}

/// A two-cell row of the form: a label cell and a cell of paragraphs.
fn labelled_row(label: &str, paras: Vec<Para>) -> Table {
    Table {
        widths: vec![LABEL_CELL_WIDTH, TEXT_WIDTH - LABEL_CELL_WIDTH],
        header_rows: 0,
        rows: vec![vec![Cell::plain(label), Cell::of(paras)]],
    }
}

/// The commitment's text with `{field}` answers filled in.
fn commitment_text(c: &Commitment, answers: &Map<String, Json>) -> String {
    let mut text = c.text.clone();
    for (id, v) in answers {
        let key = format!("{{{id}}}");
        if !text.contains(&key) {
            continue;
        }
        // One pass over the blanks: an answer that holds `{id}` itself is not filled again.
        let answer = text_of(v);
        let parts: Vec<&str> = text.split(key.as_str()).collect();
        let mut filled = parts[0].to_string();
        for after in &parts[1..] {
            filled.push_str(without_repeated_ending(&answer, after));
            filled.push_str(after);
        }
        text = filled;
    }
    text
}

/// `value` without the ending that the text after its blank repeats: 本单位提交了“{scene_name}”
/// 应用场景参评 with the name 智能质检应用场景 reads “智能质检”应用场景参评, not “智能质检应用场景”
/// 应用场景参评. A closing quote or bracket after the blank is looked past; endings of two
/// characters or more only. Hand-written: a text rule no crate has.
fn without_repeated_ending<'v>(value: &'v str, after: &str) -> &'v str {
    let after = after.trim_start_matches(['”', '"', '」', '》', '）', ')']);
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    for start in 0..chars.len().saturating_sub(1) {
        let ending = &value[chars[start].0..];
        // Never the whole value: something must be left in the quotes.
        if start > 0 && ending.chars().count() >= 2 && after.starts_with(ending) {
            return &value[..chars[start].0];
        }
    }
    value
}

/// A review level's recommendation-opinion box: the title, the opinion (or room for it), the
/// signature lines with the names, the stamp and the date.
fn opinion_box(block: &OpinionBlock, filled: Option<&FilledOpinion>, as_row: bool) -> Table {
    // As a row of the form, the title is the label cell's.
    let mut paras = if as_row {
        Vec::new()
    } else {
        vec![Para::new(Style::CellBold, &block.title)]
    };
    if let Some(o) = filled.filter(|o| !o.unit.is_empty()) {
        paras.push(Para::new(
            Style::Cell,
            &format!(
                "{}{}",
                shenbao_core::messages::document::OPINION_UNIT,
                o.unit
            ),
        ));
    }
    let lines: Vec<&str> = filled
        .map(|o| {
            o.text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if lines.is_empty() {
        paras.extend((0..4).map(|_| Para::new(Style::Cell, "")));
    } else {
        paras.extend(lines.iter().map(|l| Para::new(Style::CellIndented, l)));
        paras.push(Para::new(Style::Cell, ""));
    }
    let mut signatures = Para::new(Style::Cell, "");
    for (i, label) in block.signatures.iter().enumerate() {
        let name = filled
            .and_then(|o| o.signatures.iter().find(|(l, _)| l.trim() == label.trim()))
            .map_or("", |(_, n)| n.as_str());
        let sep = if i == 0 { "" } else { "　　　　" };
        signatures = signatures.span(&format!("{sep}{label}"), false).span(
            if name.is_empty() {
                "　　　　　　"
            } else {
                name
            },
            true,
        );
    }
    paras.push(signatures);
    if let Some(stamp) = &block.stamp {
        paras.push(Para::new(Style::CellRight, stamp));
    }
    let date = filled.and_then(|o| o.date.as_deref()).unwrap_or(BLANK_DATE);
    paras.push(Para::new(Style::CellRight, date));
    if as_row {
        return labelled_row(&block.title, paras);
    }
    Table {
        widths: vec![TEXT_WIDTH],
        header_rows: 0,
        rows: vec![vec![Cell::of(paras)]],
    }
}

/// An answer as the reviewers' change list displays it, except that decimal numbers the engine
/// normalised (`3000.0`) print as people write them (`3000`).
fn shown(f: &FieldDef, kind: FieldKind, v: Option<&Json>, scope: &Map<String, Json>) -> String {
    match v {
        Some(n @ Json::Number(x)) if x.is_f64() => {
            display(f, kind, Some(&Json::String(text_of(n))), scope)
        }
        _ => display(f, kind, v, scope),
    }
}

/// The value of a field printed after its label: the label carries the unit (参数量（亿）), so
/// a number prints alone (130, not 130亿).
fn value_text(
    f: &FieldDef,
    kind: FieldKind,
    v: Option<&Json>,
    scope: &Map<String, Json>,
) -> String {
    let mut def = f.clone();
    def.unit = None;
    match kind {
        FieldKind::Computed => computed_text(&def, v),
        _ => shown(&def, kind, v, scope),
    }
}

/// Whether a rows column is shown in an entry, by its `show_if` on a sibling column.
fn column_shown(col: &FieldDef, entry: &Map<String, Json>) -> bool {
    col.show_if.as_ref().is_none_or(|c| {
        let chosen = selected(entry.get(&c.field));
        c.any_of.iter().any(|v| chosen.contains(v))
    })
}

/// A label with its unit in parentheses when it has one.
fn label_text(f: &FieldDef) -> String {
    if f.unit_printed == Some(false) {
        return f.label.clone();
    }
    match &f.unit {
        // Already in the label as a unit (营业收入（万元）); a unit that is only a character of
        // the label (人 in 在职人员) is still added.
        Some(u)
            if !f.label.contains(&format!("（{u}）")) && !f.label.contains(&format!("({u})")) =>
        {
            format!("{}（{u}）", f.label)
        }
        _ => f.label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use docx_rs::BuildXML;
    use serde_json::json;

    use super::*;

    fn row(id: &str, label: &str, group: Option<&str>) -> FieldDef {
        FieldDef {
            id: id.to_string(),
            label: label.to_string(),
            kind: Some(FieldKind::Integer),
            unit: Some("人".to_string()),
            group: group.map(str::to_string),
            ..FieldDef::default()
        }
    }

    // No seed call groups the rows of a table, so the merged group column is checked here.
    #[test]
    fn grouped_table_rows_get_a_merged_group_column() {
        let f = FieldDef {
            id: "staff".to_string(),
            label: "人员".to_string(),
            kind: Some(FieldKind::YearTable),
            years: vec![2023, 2024],
            rows: vec![
                row("total", "总数", Some("人才团队")),
                row("rd", "研发", Some("人才团队")),
                row("other", "其他", None),
            ],
            ..FieldDef::default()
        };
        let value = json!({ "total": { "2023": 10, "2024": 12.0 }, "rd": { "2024": 5 } });
        let table = grid(&f, FieldKind::YearTable, Some(&value));
        assert_eq!(table.rows[1][0].rowspan, 2, "the group spans its two rows");
        assert_eq!(table.rows[2].len(), 3, "the second row has no group cell");
        let xml = String::from_utf8(crate::render_docx::table(&table).build()).expect("utf-8");
        assert_eq!(xml.matches(r#"<w:vMerge w:val="restart""#).count(), 1);
        assert_eq!(xml.matches(r#"<w:vMerge w:val="continue""#).count(), 1);
        assert_eq!(xml.matches("人才团队").count(), 1);
        assert!(
            xml.contains(r#"<w:gridSpan w:val="2""#),
            "项目 over group and label"
        );
        for text in ["2023年", "2024年", "总数（人）", ">10<", ">12<", ">5<"] {
            assert!(xml.contains(text), "{text}");
        }
        // The unit is in the row's label: the cells print the numbers alone.
        for text in ["10人", "12人", "5人"] {
            assert!(!xml.contains(text), "{text} repeats the unit");
        }
    }

    // What the templates test checks on blank forms, filled: a pair of fields in one row, the
    // follow-ups inside their options with the answers, and the text typed after 其他.
    #[test]
    fn a_filled_form_prints_shared_rows_with_their_answers() {
        let answers = json!({
            "unit_nature": "其他", "unit_nature_other": "行业协会",
            "srdi": "是", "srdi_level": "国家级",
            "model_params": 130, "training_data": 2.5,
            "base_model_source": "自研", "base_model_own_name": "泉灵",
            "base_model_filing_date": "2024-03-01",
            "contact_name": "张伟", "contact_title": "研发总监", "contact_mobile": "13805311234",
            "operations": { "revenue": { "2023": 12500.5 }, "profit": { "2023": 1830.25 } },
            "patents_total": 46, "ai_invention_patents": 18,
            "awards_national": 1, "awards_provincial": 3,
        });
        let lines = crate::outline::outline(&filled_layout(
            "sd-2024-llm-cases",
            "case",
            None,
            &answers,
            None,
        ));
        let has = |want: &str| {
            assert!(
                lines.iter().any(|l| l == want),
                "no row {want} in\n{}",
                lines.join("\n")
            );
        };
        has(
            "单位性质 | ☐事业单位  ☐社会团体  ☐国有企业  ☐国有控股企业  ☐私营企业  ☐外资企业  ☐合资企业  ☑其他（行业协会）",
        );
        has("是否为“专精特新”企业 | ☐否  ☑是（☐省级  ☑国家级  ☐重点小巨人）");
        has("参数量（亿） | 130 | 训练数据量（TB） | 2.5");
        has(
            "基础大模型来源 | ☐开源（模型名称：____）  ☐商业（模型名称：____）  ☑自研（模型名称：泉灵  通过备案时间：2024-03-01）",
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("模型名称")),
            "a follow-up printed inside its option has no row of its own"
        );
        // The small table a heading makes of its grouped fields, a one-year table printed as
        // fields, and counts worded by the template with the answers in their brackets.
        has("联系方式 | 姓名 | 职务 | 手机");
        has("申报联系人 | 张伟 | 研发总监 | 13805311234");
        has("2023年营业收入（万元） | 12500.5 | 2023年利润（万元） | 1830.25");
        has("技术水平 | 有效专利总数（46）  其中：AI相关发明专利数（18）");
        has("奖励荣誉 | 获得国家（部）级奖励数（1） | 获得省级奖励数（3）");
    }

    #[test]
    fn the_sub_direction_is_ticked_where_the_form_asks_for_it() {
        let answers = json!({});
        let lines = crate::outline::outline(&filled_layout(
            "hn-2025-ai",
            "llm",
            Some("vertical"),
            &answers,
            None,
        ));
        assert!(
            lines
                .iter()
                .any(|l| l == "大模型类型 | ☐基础通用大模型  ☑垂直领域大模型"),
            "{}",
            lines.join("\n")
        );
    }

    /// The layout of `call`'s form of `direction` (and `sub`) filled with `answers`, listing
    /// `files` when given.
    fn filled_layout(
        call: &str,
        direction: &str,
        sub: Option<&str>,
        answers: &Json,
        files: Option<&[shenbao_core::form::FileMeta]>,
    ) -> Document {
        let call = shenbao_core::call::builtin::get(call)
            .expect("seed")
            .expect("compiles");
        let app = Application {
            target: Target {
                direction,
                subdirection: sub,
            },
            answers,
            profile: None,
            files,
        };
        application_layout(call, &app, &FormExtras::default())
    }

    /// The outline of `call`'s form of `direction` filled with `answers`.
    fn filled_outline(
        call: &str,
        direction: &str,
        sub: Option<&str>,
        answers: Json,
    ) -> Vec<String> {
        crate::outline::outline(&filled_layout(call, direction, sub, &answers, None))
    }

    fn has_row(lines: &[String], want: &str) {
        assert!(
            lines.iter().any(|l| l == want),
            "no row {want} in\n{}",
            lines.join("\n")
        );
    }

    // The 湖南 促进中心 form's shapes, filled: three pairs in a row, sentences with the answers
    // in their blanks, year tables with the units in the cells, and the 联合体协议书 as prose
    // with its two tables after 三、相关附件.
    #[test]
    fn a_filled_center_form_prints_the_template_shapes_with_answers() {
        let lines = filled_outline(
            "hn-2025-ai",
            "center",
            None,
            json!({
                "project_leader": "李明", "project_leader_title": "总工程师",
                "project_leader_phone": "13907311234",
                "investment_planned": 1200, "investment_actual": 800.5,
                "team_total": 50, "team_talent": 20,
                "service_capacity": {
                    "served_enterprises": { "2023": 12, "2024": 30 },
                    "contract_amount": { "2023": 560.5 },
                },
                "is_consortium": "是",
                "lead_name": "湖南智造促进有限公司",
                "project_name": "长沙数字化转型促进中心",
                "consortium_name": "长沙智造", "consortium_lead": "湖南智造促进有限公司",
                "consortium_members": [{ "name": "湘江服务商", "type": "服务商" }],
                "consortium_division": [
                    { "role": "牵头单位", "unit_name": "湖南智造促进有限公司", "share": 70, "task": "总体建设" },
                    { "role": "成员1", "unit_name": "湘江服务商", "share": 30, "task": "方案开发" },
                ],
                "fund_allocation": "七三分配",
                "fund_shares": [{ "unit_name": "湘江服务商", "gov_share": 30, "self_share": 30 }],
                "agreement_copies": 3,
            }),
        );
        has_row(
            &lines,
            "项目负责人 | 李明 | 职务职称 | 总工程师 | 联系电话 | 13907311234",
        );
        has_row(
            &lines,
            "建设总投资额（万元） | 计划投入：1200（万元） / 实际已完成投入：800.5（万元）",
        );
        has_row(
            &lines,
            "技术团队人员情况 | 总共50人，其中行业技术人才与数字化专业人才20人，占40.0%",
        );
        has_row(&lines, "服务能力 | 年度 | 2023年 | 2024年");
        has_row(
            &lines,
            "服务能力 | 服务数字化转型改造实施企业数量 | 12家 | 30家",
        );
        has_row(
            &lines,
            "服务能力 | 开展的数字化改造实施服务项目合同金额 | 560.5万元 | ____万元",
        );
        has_row(
            &lines,
            "联合体其他成员单位名称与类型 | 1 | 湘江服务商 | 服务商",
        );
        has_row(&lines, "联合体成员 | 成员1 | 湘江服务商 | 30 | 方案开发");
        has_row(&lines, "1 | 湘江服务商 | 30 | 30");
        let attachments = lines.iter().position(|l| l == "## 三、相关附件");
        let agreement = lines.iter().position(|l| l == "## 联合体协议书");
        assert!(
            attachments.is_some() && attachments < agreement,
            "the agreement follows 三、相关附件:\n{}",
            lines.join("\n")
        );
        // The prose is not rows: its blanks are filled in the document's paragraphs.
        let answers = json!({
            "is_consortium": "是", "lead_name": "湖南智造促进有限公司",
            "consortium_name": "长沙智造", "agreement_copies": 4,
        });
        let doc = filled_layout("hn-2025-ai", "center", None, &answers, None);
        let text: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                crate::layout::Block::Para(p) => Some(p.text()),
                _ => None,
            })
            .collect();
        let text = text.join("\n");
        for want in [
            "湖南智造促进有限公司及联合体其他成员单位（所有成员单位名单）自愿组成：长沙智造（联合体名称）联合体",
            "8．本协议书一式4份，联合体成员和申报人各执一份。",
            "牵头人名称：____（盖单位公章）",
            "说明：联合体牵头人与联合体各成员方共同签订",
        ] {
            assert!(text.contains(want), "{want} not in\n{text}");
        }
        assert!(!text.contains('{'), "every blank is filled:\n{text}");
    }

    // 泉州's contact: the name and its value span the two rows of the group 联系方式 beside
    // them; in the DOCX the three cells are merged down.
    #[test]
    fn a_group_beside_a_value_spans_its_rows() {
        let answers = json!({
            "contact_name": "王芳", "contact_phone": "0595-22881234",
            "contact_email": "wangfang@example.com",
        });
        let lines = filled_outline(
            "qz-2024-ai-industry",
            "compute_service",
            None,
            answers.clone(),
        );
        has_row(
            &lines,
            "申报联系人 | 王芳 | 联系方式 | 电话 | 0595-22881234",
        );
        has_row(
            &lines,
            "申报联系人 | 王芳 | 联系方式 | 电子邮箱 | wangfang@example.com",
        );
        let doc = filled_layout(
            "qz-2024-ai-industry",
            "compute_service",
            None,
            &answers,
            None,
        );
        let table = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                crate::layout::Block::Table(t)
                    if t.rows
                        .iter()
                        .flatten()
                        .any(|c| c.paras.iter().any(|p| p.text() == "王芳")) =>
                {
                    Some(t)
                }
                _ => None,
            })
            .expect("the contact's table");
        let xml = String::from_utf8(crate::render_docx::table(table).build()).expect("utf-8");
        let row = xml
            .split("</w:tr>")
            .find(|r| r.contains("wangfang@example.com"))
            .expect("the e-mail's row");
        assert_eq!(
            row.matches(r#"<w:vMerge w:val="continue""#).count(),
            3,
            "申报联系人, its value and 联系方式 go on in the e-mail's row"
        );
        assert!(!row.contains("王芳"), "the name is printed once");
    }

    // A narrative names the figures uploaded for it, numbered in the order uploaded; other
    // files are not figures.
    #[test]
    fn a_narrative_names_its_figures() {
        let answers = json!({ "model_intro": "泉灵大模型面向制造业质检。" });
        let file = |slot: &str, name: &str| shenbao_core::form::FileMeta {
            slot: slot.to_string(),
            name: name.to_string(),
            size: 1024,
            kind: "png".to_string(),
        };
        let files = [
            file("model_intro_figures", "架构.png"),
            file("llm_license", "营业执照.pdf"),
            file("model_intro_figures", "流程.png"),
        ];
        let lines = crate::outline::outline(&filled_layout(
            "hn-2025-ai",
            "llm",
            Some("vertical"),
            &answers,
            Some(&files),
        ));
        has_row(
            &lines,
            "泉灵大模型面向制造业质检。 / 附图：图1　架构.png；图2　流程.png",
        );
    }

    // 湖南 大模型: the scenarios numbered in one cell; the compute table with each column's
    // label before its value.
    #[test]
    fn lists_in_one_cell_and_labels_in_each_column() {
        let lines = filled_outline(
            "hn-2025-ai",
            "llm",
            Some("vertical"),
            json!({
                "scenarios": [{ "scenario": "智能排产" }, { "scenario": "" }, { "scenario": "质量检测" }],
                "compute_resources": {
                    "self_built": { "training": "8台A800", "inference": "无" },
                    "rent_provider": { "training": "天翼云", "inference": "华为云" },
                    "rent_scale": { "training": 320.5 },
                },
            }),
        );
        has_row(&lines, "具体应用场景 | 1.智能排产；2.质量检测");
        has_row(&lines, "分类 | 训练算力 | 推理算力");
        has_row(
            &lines,
            "自建算力情况 / 服务器数量、GPU厂商、型号及算力规模（TFlops） | 8台A800 | 无",
        );
        has_row(
            &lines,
            "租用第三方云平台或算力服务情况 | 第三方名称 | 天翼云 | 第三方名称 | 华为云",
        );
        has_row(
            &lines,
            "租用第三方云平台或算力服务情况 | 租用算力规模（TFlops） | 320.5 | 租用算力规模（TFlops）",
        );
    }

    #[test]
    fn blank_rows_tables_get_numbered_empty_rows() {
        let f = FieldDef {
            id: "members".to_string(),
            label: "成员".to_string(),
            kind: Some(FieldKind::Rows),
            columns: vec![row("name", "名称", None)],
            max_rows: Some(2),
            ..FieldDef::default()
        };
        let blank = rows_table(&f, None, true);
        assert_eq!(blank.rows.len(), 3, "header and max_rows empty rows");
        assert_eq!(blank.rows[2][0].paras[0].text(), "2");
        assert_eq!(blank.rows[2][1].paras[0].text(), "");
        let none = rows_table(&f, None, false);
        assert_eq!(none.rows[1][0].paras[0].text(), "（无）");
    }
}
