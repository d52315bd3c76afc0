//! The official form as HTML: each section and field of a call's form with its answer, its
//! problems and, where the kind needs them, its rows, cells and calendar inputs.
//!
//! Must not: parse posted fields (the parent module does) or decide validity.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::{Map, Value as Json};
use shenbao_core::call::definition::{FieldDef, FieldKind};
use shenbao_core::call::{Call, Target};
use shenbao_core::form::{Problem, Severity};

use super::{DEFAULT_ROWS, FormView};
use crate::strings as s;

fn problems_at<'p>(problems: &'p [Problem], path: &str) -> impl Iterator<Item = &'p Problem> {
    let path = path.to_string();
    problems.iter().filter(move |p| p.path == path)
}

fn write_problems(out: &mut String, problems: &[Problem], path: &str) {
    for p in problems_at(problems, path) {
        let class = match p.severity {
            Severity::Error => "field-error",
            Severity::Warning => "field-warning",
            Severity::Info => "field-info",
        };
        let _ = write!(out, r#"<span class="{class}">{}</span>"#, text(&p.message));
    }
}

fn value_str(v: Option<&Json>) -> String {
    match v {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        Some(Json::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn selected(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The whole form of `target` with `answers` and no problems shown: what a reader sees (an
/// expert's read-only copy), or a new form before its first save (`editable`, the owner's
/// preview). Hidden and computed fields follow the answers, as the form engine finds them.
pub fn render_plain(call: &Call, target: &Target<'_>, answers: &Json, editable: bool) -> String {
    let report = shenbao_core::form::check(
        call,
        &shenbao_core::form::Application {
            target: *target,
            answers,
            profile: None,
            files: None,
        },
    );
    render(
        call,
        target,
        answers,
        &FormView {
            problems: &[],
            hidden: &report.hidden,
            computed: &report.answers,
            editable,
            rows_wanted: &std::collections::BTreeMap::new(),
        },
    )
}

/// The whole form of `target`: every section and field with its answer and problems.
pub fn render(call: &Call, target: &Target<'_>, answers: &Json, view: &FormView<'_>) -> String {
    let empty = Map::new();
    let answers = answers.as_object().unwrap_or(&empty);
    let mut out = String::new();
    for section in call.sections_for(target) {
        let cond = section
            .show_if
            .as_ref()
            .map(|c| {
                format!(
                    r#" data-show-field="{}" data-show-any="{}""#,
                    attr(&c.field),
                    attr(&serde_json::to_string(&c.any_of).unwrap_or_default())
                )
            })
            .unwrap_or_default();
        let all_hidden = !section.fields.is_empty()
            && section.fields.iter().all(|f| view.hidden.contains(&f.id));
        let _ = write!(
            out,
            r#"<section class="form-section" id="s-{}"{cond}{}><h2>{}</h2>"#,
            attr(&section.id),
            if all_hidden && section.show_if.is_some() {
                " hidden"
            } else {
                ""
            },
            text(&section.title)
        );
        if let Some(h) = &section.help {
            let _ = write!(out, r#"<p class="help">{}</p>"#, text(h));
        }
        for f in &section.fields {
            render_field(&mut out, f, answers, view);
            // A narrative with figures (可附图进行必要说明): where to upload them.
            for slot in call
                .def()
                .files
                .iter()
                .filter(|s| s.figures_of.as_deref() == Some(f.id.as_str()))
                .filter(|s| shenbao_core::call::applies(&s.directions, target.direction))
            {
                let _ = write!(
                    out,
                    r##"<p class="figures-link"><a href="#slot-{}">{}{}</a></p>"##,
                    attr(&slot.id),
                    s::FORM_FIGURES,
                    text(&slot.label)
                );
            }
        }
        out.push_str("</section>");
    }
    out
}

fn render_field(out: &mut String, f: &FieldDef, answers: &Map<String, Json>, view: &FormView<'_>) {
    let Some(kind) = f.kind else { return };
    let hidden = view.hidden.contains(&f.id);
    let cond = f
        .show_if
        .as_ref()
        .map(|c| {
            format!(
                r#" data-show-field="{}" data-show-any="{}""#,
                attr(&c.field),
                attr(&serde_json::to_string(&c.any_of).unwrap_or_default())
            )
        })
        .unwrap_or_default();
    if kind == FieldKind::Heading {
        let _ = write!(
            out,
            r#"<h3 class="form-heading"{cond}>{}</h3>"#,
            text(&f.label)
        );
        if let Some(h) = &f.help {
            let _ = write!(out, r#"<p class="help">{}</p>"#, text(h));
        }
        return;
    }
    let required = f.required.unwrap_or(true) && kind != FieldKind::Computed;
    let _ = write!(
        out,
        r#"<div class="field field-{}" id="field-{}" data-field="{}"{cond}{}>"#,
        kind_class(kind),
        attr(&f.id),
        attr(&f.id),
        if hidden { " hidden" } else { "" }
    );
    let _ = write!(
        out,
        r#"<div class="label">{}{}{}</div>"#,
        text(&f.label),
        f.unit
            .as_ref()
            .map(|u| format!(r#"<span class="unit">（{}）</span>"#, text(u)))
            .unwrap_or_default(),
        if required {
            r#"<span class="req" title="必填">*</span>"#
        } else {
            ""
        }
    );
    if let Some(h) = &f.help {
        let _ = write!(out, r#"<p class="help">{}</p>"#, text(h));
    }
    let name = format!("f.{}", f.id);
    // The accessible name of the field's input(s): the label shown above them is a <div>.
    let accessible = match &f.unit {
        Some(u) => format!("{}（{}）", f.label, u),
        None => f.label.clone(),
    };
    let value = answers.get(&f.id);
    match kind {
        FieldKind::YearTable | FieldKind::Matrix => render_grid(out, f, kind, value, view),
        FieldKind::Rows => render_rows(out, f, value, view),
        FieldKind::Computed => {
            let v = view.computed.get(&f.id).and_then(Json::as_f64);
            let shown = match (v, f.decimals) {
                (Some(x), Some(d)) => format!("{x:.*}", d as usize),
                (Some(x), None) => format!("{x}"),
                (None, _) => s::FORM_COMPUTED_PENDING.to_string(),
            };
            let _ = write!(
                out,
                r#"<output class="computed" data-computed="{}">{}</output><small class="muted">{}</small>"#,
                attr(&f.id),
                text(&shown),
                s::FORM_COMPUTED_HINT
            );
        }
        _ => render_input(
            out,
            f,
            kind,
            &name,
            &accessible,
            value,
            answers.get(&format!("{}_other", f.id)),
            view.editable,
        ),
    }
    write_problems(out, view.problems, &f.id);
    if f.other.is_some() {
        write_problems(out, view.problems, &format!("{}_other", f.id));
    }
    if kind == FieldKind::DateRange {
        write_problems(out, view.problems, &format!("{}.start", f.id));
        write_problems(out, view.problems, &format!("{}.end", f.id));
    }
    out.push_str("</div>");
}

/// The input type and value of a date or month answer. The browser's date picker only shows
/// `YYYY-MM-DD` (`YYYY-MM`), while the engine also accepts `2023年1月1日` and the like: those
/// are shown converted; anything the engine cannot read stays a text input with the text as
/// typed, so that saving the form again never drops it.
pub(super) fn calendar_input(kind: FieldKind, v: &str) -> (&'static str, String) {
    let picker = if kind == FieldKind::Month {
        "month"
    } else {
        "date"
    };
    if v.trim().is_empty() {
        return (picker, String::new());
    }
    let iso = if kind == FieldKind::Month {
        shenbao_core::ident::parse_month(v).map(|(y, m)| format!("{y:04}-{m:02}"))
    } else {
        shenbao_core::ident::parse_date(v).map(|d| d.format("%Y-%m-%d").to_string())
    };
    match iso {
        Some(iso) => (picker, iso),
        None => ("text", v.to_string()),
    }
}

fn kind_class(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Textarea => "textarea",
        FieldKind::SingleChoice => "single",
        FieldKind::MultiChoice => "multi",
        FieldKind::YearTable | FieldKind::Matrix => "grid",
        FieldKind::Rows => "rows",
        FieldKind::Computed => "computed",
        _ => "input",
    }
}

/// One input (not a table) named `name`, with the accessible name `label` (aria-label; the
/// radio buttons and check boxes are named by their own labels and grouped under it).
#[allow(clippy::too_many_arguments)]
fn render_input(
    out: &mut String,
    f: &FieldDef,
    kind: FieldKind,
    name: &str,
    label: &str,
    value: Option<&Json>,
    other_value: Option<&Json>,
    editable: bool,
) {
    let dis = if editable { "" } else { " disabled" };
    let (input_type, v) = match kind {
        FieldKind::Date | FieldKind::Month => calendar_input(kind, &value_str(value)),
        _ => ("", value_str(value)),
    };
    let input_type = match kind {
        FieldKind::Date | FieldKind::Month => input_type,
        FieldKind::Email => "email",
        FieldKind::Url => "url",
        FieldKind::Mobile | FieldKind::Landline | FieldKind::Phone => "tel",
        _ => "text",
    };
    match kind {
        FieldKind::Textarea => {
            let limits = format!(
                "{}{}",
                f.min_zi
                    .map(|m| format!(r#" data-min-zi="{m}""#))
                    .unwrap_or_default(),
                f.max_zi
                    .map(|m| format!(r#" data-max-zi="{m}""#))
                    .unwrap_or_default()
            );
            let _ = write!(
                out,
                r#"<textarea name="{}" aria-label="{}" rows="6" data-zi-count="{}"{limits}{dis}>{}</textarea>"#,
                attr(name),
                attr(label),
                if f.zi_count == Some(shenbao_core::text::ZiCount::CharsNoSpaces) {
                    "chars"
                } else {
                    "word"
                },
                text(&v)
            );
            if f.min_zi.is_some() || f.max_zi.is_some() {
                let n = shenbao_core::text::count_zi(&v, f.zi_count.unwrap_or_default());
                let limit = match (f.min_zi, f.max_zi) {
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    (None, Some(b)) => format!("≤{b}"),
                    (Some(a), None) => format!("≥{a}"),
                    (None, None) => String::new(),
                };
                let _ = write!(
                    out,
                    r#"<div class="zi-counter" data-counter-for="{}">{}<b>{n}</b>{}（{limit}）</div>"#,
                    attr(name),
                    s::FORM_ZI_PREFIX,
                    s::FORM_ZI_SUFFIX
                );
            }
        }
        FieldKind::SingleChoice | FieldKind::MultiChoice => {
            let chosen = selected(value);
            let t = if kind == FieldKind::SingleChoice {
                "radio"
            } else {
                "checkbox"
            };
            let limit = f
                .max_select
                .map(|m| format!(r#" data-max-select="{m}""#))
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<div class="choices" role="group" aria-label="{}" data-choice="{}"{limit}>"#,
                attr(label),
                attr(name)
            );
            for o in &f.options {
                let checked = if chosen.iter().any(|c| c == o.value()) {
                    " checked"
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    r#"<label class="choice"><input type="{t}" name="{}" value="{}"{checked}{dis}> {}{}</label>"#,
                    attr(name),
                    attr(o.value()),
                    text(o.value()),
                    o.help()
                        .map(|h| format!(r#"<small class="muted">：{}</small>"#, text(h)))
                        .unwrap_or_default()
                );
            }
            if let Some(other) = &f.other {
                let _ = write!(
                    out,
                    r#"<label class="other-text" data-other-of="{}" data-other-value="{}">{}<input name="{}_other" value="{}"{dis}></label>"#,
                    attr(name),
                    attr(other),
                    text(f.other_label.as_deref().unwrap_or(s::FORM_OTHER_LABEL)),
                    attr(name),
                    attr(&value_str(other_value))
                );
            }
            out.push_str("</div>");
        }
        FieldKind::DateRange => {
            let obj = value.and_then(Json::as_object);
            let part = |p: &str| {
                calendar_input(
                    FieldKind::Date,
                    &obj.and_then(|o| o.get(p))
                        .map(|x| value_str(Some(x)))
                        .unwrap_or_default(),
                )
            };
            let ((start_type, start), (end_type, end)) = (part("start"), part("end"));
            let _ = write!(
                out,
                r#"<div class="range"><input type="{start_type}" name="{}.start" value="{}" aria-label="{} {}"{dis}> {} <input type="{end_type}" name="{}.end" value="{}" aria-label="{} {}"{dis}></div>"#,
                attr(name),
                attr(&start),
                attr(label),
                s::FORM_RANGE_START,
                s::FORM_RANGE_TO,
                attr(name),
                attr(&end),
                attr(label),
                s::FORM_RANGE_END
            );
        }
        FieldKind::Region => {
            let place = shenbao_core::region::full_name(&v).unwrap_or_default();
            let _ = write!(
                out,
                r#"<div class="region-picker" data-region-picker data-label="{}" data-province="{}" data-city="{}" data-county="{}"><label>{}<input name="{}" value="{}" inputmode="numeric" maxlength="6"{dis}></label><small>{}</small></div>"#,
                attr(s::FORM_REGION_PICK),
                attr(s::REGISTER_PROVINCE),
                attr(s::REGISTER_CITY),
                attr(s::REGISTER_COUNTY),
                s::REGISTER_REGION_CODE,
                attr(name),
                attr(&v),
                text(&place)
            );
        }
        _ => {
            let numeric = matches!(kind, FieldKind::Integer | FieldKind::Decimal);
            let _ = write!(
                out,
                r#"<input type="{input_type}" name="{}" value="{}" aria-label="{}"{}{}{dis}>"#,
                attr(name),
                attr(&v),
                attr(label),
                if numeric {
                    r#" inputmode="decimal""#
                } else {
                    ""
                },
                f.placeholder
                    .as_ref()
                    .map(|p| format!(r#" placeholder="{}""#, attr(p)))
                    .unwrap_or_default()
            );
        }
    }
}

fn render_grid(
    out: &mut String,
    f: &FieldDef,
    kind: FieldKind,
    value: Option<&Json>,
    view: &FormView<'_>,
) {
    let cols: Vec<(String, String, Option<&FieldDef>)> = match kind {
        FieldKind::YearTable => f
            .years
            .iter()
            .map(|y| (y.to_string(), format!("{y}年"), None))
            .collect(),
        _ => f
            .columns
            .iter()
            .map(|c| (c.id.clone(), c.label.clone(), Some(c)))
            .collect(),
    };
    out.push_str(r#"<div class="table-wrap"><table class="grid form-grid"><thead><tr><th></th>"#);
    for (_, label, _) in &cols {
        let _ = write!(out, "<th>{}</th>", text(label));
    }
    out.push_str("</tr></thead><tbody>");
    let mut group: Option<&str> = None;
    for r in &f.rows {
        if r.group.as_deref() != group {
            group = r.group.as_deref();
            if let Some(g) = group {
                let _ = write!(
                    out,
                    r#"<tr class="group"><th colspan="{}">{}</th></tr>"#,
                    cols.len() + 1,
                    text(g)
                );
            }
        }
        let _ = write!(
            out,
            "<tr><th>{}{}</th>",
            text(&r.label),
            r.unit
                .as_ref()
                .map(|u| format!(r#"<span class="unit">（{}）</span>"#, text(u)))
                .unwrap_or_default()
        );
        for (cid, clabel, cdef) in &cols {
            let cell_kind = cdef
                .and_then(|c| c.kind)
                .or(r.kind)
                .unwrap_or(FieldKind::Text);
            let def: &FieldDef = cdef.filter(|c| c.kind.is_some()).unwrap_or(r);
            let cell = value
                .and_then(|v| v.get(&r.id))
                .and_then(|row| row.get(cid));
            let path = format!("{}.{}.{cid}", f.id, r.id);
            out.push_str("<td>");
            render_input(
                out,
                def,
                cell_kind,
                &format!("f.{path}"),
                &format!("{}：{} {clabel}", f.label, r.label),
                cell,
                None,
                view.editable,
            );
            write_problems(out, view.problems, &path);
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn render_rows(out: &mut String, f: &FieldDef, value: Option<&Json>, view: &FormView<'_>) {
    let items: Vec<&Json> = value
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let max = f.max_rows.map(|m| m as usize);
    let wanted = view.rows_wanted.get(&f.id).copied().unwrap_or(0);
    let mut count = items
        .len()
        .max(wanted)
        .max(if items.is_empty() { DEFAULT_ROWS } else { 0 });
    if let Some(m) = max {
        count = count.min(m.max(items.len()));
    }
    let _ = write!(
        out,
        r#"<div class="rows" data-rows="{}" data-max-rows="{}"><input type="hidden" name="n.{}" value="{count}">"#,
        attr(&f.id),
        max.map(|m| m.to_string()).unwrap_or_default(),
        attr(&f.id)
    );
    out.push_str(
        r#"<div class="table-wrap"><table class="grid form-grid"><thead><tr><th>序号</th>"#,
    );
    for c in &f.columns {
        let _ = write!(out, "<th>{}</th>", text(&c.label));
    }
    if view.editable {
        out.push_str("<th></th>");
    }
    out.push_str("</tr></thead><tbody>");
    for i in 0..count {
        let row = items.get(i).and_then(|r| r.as_object());
        let _ = write!(out, r#"<tr data-row="{i}"><td class="seq">{}</td>"#, i + 1);
        for c in &f.columns {
            let kind = c.kind.unwrap_or(FieldKind::Text);
            let path = format!("{}[{i}].{}", f.id, c.id);
            out.push_str("<td>");
            render_input(
                out,
                c,
                kind,
                &format!("f.{path}"),
                &format!(
                    "{}{}{}{}",
                    c.label,
                    s::FORM_ROW_NTH_PREFIX,
                    i + 1,
                    s::FORM_ROW_NTH_SUFFIX
                ),
                row.and_then(|r| r.get(&c.id)),
                row.and_then(|r| r.get(&format!("{}_other", c.id))),
                view.editable,
            );
            write_problems(out, view.problems, &path);
            out.push_str("</td>");
        }
        if view.editable {
            let _ = write!(
                out,
                r#"<td><button type="submit" name="action" value="remove_row:{}:{i}" class="link remove-row">{}</button></td>"#,
                attr(&f.id),
                s::FORM_REMOVE_ROW
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if view.editable && max.is_none_or(|m| count < m) {
        let _ = write!(
            out,
            r#"<button type="submit" name="action" value="add_row:{}" class="button secondary small add-row">{}</button>"#,
            attr(&f.id),
            s::FORM_ADD_ROW
        );
    }
    if let Some(m) = max {
        let _ = write!(
            out,
            r#"<small class="muted">{}{m}{}</small>"#,
            s::FORM_MAX_ROWS_PREFIX,
            s::FORM_MAX_ROWS_SUFFIX
        );
    }
    out.push_str("</div>");
}
