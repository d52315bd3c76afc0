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
    FieldDef, FieldKind, OpinionBlock, PartHolds, Print, SectionRow, SectionTitle,
};
use shenbao_core::call::{Call, definition::Commitment};
use shenbao_core::diff::{computed_text, display};
use shenbao_core::form::{Application, selected, validate};
use shenbao_core::output::{cover_lines, text_of};

use crate::DocError;
use crate::fonts::Fonts;
use crate::layout::{
    CHECKED, Cell, Contents, ContentsLine, Document, Para, SectionTable, Stamp, Style, TEXT_WIDTH,
    Table, UNCHECKED,
};

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
    /// PDF carries both at its foot, the URL as a QR code. `None` for drafts and blank forms.
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
    };
    let mut doc = form.layout(app.profile, app.files, extras);
    doc.stamp = extras.stamp.as_ref().map(|s| Stamp {
        number: s.number.clone(),
        qr_svg: qr_svg(&s.url),
    });
    doc
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
            self.sections(&mut doc, &title, &mut appendix);
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
            }
            for (i, part) in printed.parts.iter().enumerate() {
                doc.page_break();
                doc.para(Para::new(Style::Heading, &part.title).anchored(&anchor(i)));
                match part.holds {
                    PartHolds::Commitment => self.commitments(&mut doc, extras, false),
                    PartHolds::Sections => {
                        self.sections(&mut doc, &title, &mut appendix);
                        self.opinions(&mut doc, extras);
                    }
                    PartHolds::Files => self.files_and_members(&mut doc, files, extras),
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
    /// first row or nothing, `[printed] section_titles`) and a table, or one row
    /// (`as_row`); the fields printed in the appendix are added to `appendix`.
    fn sections(&self, doc: &mut Document, title: &str, appendix: &mut Vec<&'a FieldDef>) {
        let titles = self.call.def().printed.section_titles;
        for section in self.call.sections_for(&self.target) {
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
                .filter(|f| matches!(f.print, Print::Form | Print::Inline | Print::Beside))
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
        Cell::of(paras)
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
        if let (Some(words), false) = (&f.print_as, f.print == Print::InOption) {
            let value = value_text(f, kind, value, answers);
            let value = if value.is_empty() {
                BLANK
            } else {
                value.as_str()
            };
            let text = words.replace(BLANK, value);
            match f.print {
                Print::Inline => table.append_after(PRINT_AS_GAP, &text),
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
        if f.print == Print::Beside {
            let cell = match kind {
                FieldKind::SingleChoice | FieldKind::MultiChoice => {
                    Cell::of(vec![self.options_para(f, inside)])
                }
                _ => Cell::plain(&value_text(f, kind, value, answers)),
            };
            table.beside(&label_text(f), cell);
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
                if f.corner.as_deref() != Some(f.label.as_str()) {
                    doc.para(Para::new(Style::Caption, &f.label));
                }
                doc.table(grid(f, kind, value));
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
/// Between two signature lines printed on one line.
const SIGNATURE_GAP: &str = "　　　　　　　　　　";
/// The label cell of a row that is the commitment or an opinion box: the section tables'
/// group and label columns.
const LABEL_CELL_WIDTH: usize = 3800;
/// A period to fill in by hand on a blank form.
const BLANK_PERIOD: &str = "____年____月____日至____年____月____日";
/// The blank after a choice's 其他 when the call gives no `other_blank`.
const DEFAULT_OTHER_BLANK: &str = "：____";

/// A year table or matrix: a header row of years or column labels, a row per definition row,
/// with a merged group column when rows are grouped.
pub(crate) fn grid(f: &FieldDef, kind: FieldKind, value: Option<&Json>) -> Table {
    let empty = Map::new();
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
        if grouped {
            match (r.group.as_deref(), group) {
                (Some(g), Some((open, at))) if g == open => {
                    if let Some(cell) = rows.get_mut(at).and_then(|row| row.first_mut()) {
                        cell.rowspan += 1;
                    }
                }
                (g, _) => {
                    group = g.map(|g| (g, rows.len()));
                    cells.push(Cell::plain(g.unwrap_or("")));
                }
            }
        }
        cells.push(Cell::plain(&label_text(r)));
        for (cid, _, cdef) in &cols {
            let cell = value
                .and_then(|v| v.get(&r.id))
                .and_then(|row| row.get(cid));
            // The unit is in the row's label or the column's title: a cell prints the number
            // alone (12850.36, not 12850.36 万元 under 营业收入（万元）).
            let text = match cdef {
                None => {
                    let mut def = r.clone();
                    def.unit = None;
                    shown(&def, r.kind.unwrap_or(FieldKind::Text), cell, &empty)
                }
                Some(c) => match c.kind.or(r.kind) {
                    None => String::new(),
                    Some(k) => {
                        let mut def = if c.kind.is_some() {
                            (*c).clone()
                        } else {
                            r.clone()
                        };
                        def.unit = None;
                        shown(&def, k, cell, &empty)
                    }
                },
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

/// Repeating rows: 序号 and the columns' labels, then one row per non-blank entry; （无） when
/// there is none, or empty numbered rows in a blank form.
pub(crate) fn rows_table(f: &FieldDef, value: Option<&Json>, blank: bool) -> Table {
    let entries: Vec<&Map<String, Json>> = value
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default();
    let col_width = (TEXT_WIDTH - 700) / f.columns.len().max(1);
    let mut widths = vec![700];
    widths.extend(std::iter::repeat_n(col_width, f.columns.len()));
    let mut header = vec![Cell::header("序号")];
    header.extend(f.columns.iter().map(|c| Cell::header(&label_text(c))));
    let mut rows = vec![header];
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
        let mut cells = vec![Cell::plain(&n.to_string())];
        cells.extend(texts.iter().map(|t| Cell::plain(t)));
        rows.push(cells);
    }
    if blank {
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
        header_rows: 1,
        rows,
    }
}

/// A rows table with its label as the first column, one cell over the header and all rows.
fn labelled_rows_table(f: &FieldDef, value: Option<&Json>, blank: bool) -> Table {
    let mut t = rows_table(f, value, blank);
    let n = t.rows.len();
    let scale = |w: usize| w * (TEXT_WIDTH - LABEL_CELL_WIDTH) / TEXT_WIDTH;
    t.widths = std::iter::once(LABEL_CELL_WIDTH)
        .chain(t.widths.iter().map(|w| scale(*w)))
        .collect();
    if let Some(first) = t.rows.first_mut() {
        let mut label = Cell::plain(&label_text(f));
        label.rowspan = n;
        first.insert(0, label);
    }
    // The header row is not repeated on a new page: the label cell spans every row.
    t.header_rows = 0;
    // （无） spans the row's columns after the label.
    for row in t.rows.iter_mut().skip(1) {
        if let [only] = row.as_mut_slice() {
            only.colspan = t.widths.len() - 1;
        }
    }
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
        let call = shenbao_core::call::builtin::get("sd-2024-llm-cases")
            .expect("seed")
            .expect("compiles");
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
        let app = Application {
            target: Target {
                direction: "case",
                subdirection: None,
            },
            answers: &answers,
            profile: None,
            files: None,
        };
        let lines =
            crate::outline::outline(&application_layout(call, &app, &FormExtras::default()));
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
        let call = shenbao_core::call::builtin::get("hn-2025-ai")
            .expect("seed")
            .expect("compiles");
        let answers = json!({});
        let app = Application {
            target: Target {
                direction: "llm",
                subdirection: Some("vertical"),
            },
            answers: &answers,
            profile: None,
            files: None,
        };
        let lines =
            crate::outline::outline(&application_layout(call, &app, &FormExtras::default()));
        assert!(
            lines
                .iter()
                .any(|l| l == "大模型类型 | ☐基础通用大模型  ☑垂直领域大模型"),
            "{}",
            lines.join("\n")
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
