//! What the document tests share: the valid fixtures of the core's test suite for every
//! direction of every seed call, and the texts a filled-in form must show for one of them
//! (its answers as people read them, and the options it must show unchosen).

#![allow(dead_code, reason = "each test binary uses part of the shared helpers")]

use std::path::PathBuf;

use serde_json::{Map, Value as Json};
use shenbao_core::call::definition::{FieldDef, FieldKind};
use shenbao_core::call::{Call, Target};
use shenbao_core::form::{Application, FileMeta, validate};
use shenbao_core::output::text_of;
use shenbao_core::region;

/// A valid fixture: the applicant's profile, the direction, the answers and the files.
pub struct Fixture {
    /// File name, e.g. `manufacturing.valid.json`.
    pub name: String,
    pub direction: String,
    pub subdirection: Option<String>,
    pub profile: Json,
    pub answers: Json,
    pub files: Vec<FileMeta>,
}

impl Fixture {
    pub fn target(&self) -> Target<'_> {
        Target {
            direction: &self.direction,
            subdirection: self.subdirection.as_deref(),
        }
    }

    /// The fixture as an application, with its profile and (when `with_files`) its files.
    pub fn application(&self, with_files: bool) -> Application<'_> {
        Application {
            target: self.target(),
            answers: &self.answers,
            profile: Some(&self.profile),
            files: with_files.then_some(self.files.as_slice()),
        }
    }
}

/// The valid fixtures of a call, sorted by file name.
pub fn fixtures(call: &Call) -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures")
        .join(call.id());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".valid.json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("fixture");
            let v: Json = serde_json::from_str(&text).expect("json");
            Fixture {
                direction: v["direction"].as_str().expect("direction").to_string(),
                subdirection: v["subdirection"].as_str().map(str::to_string),
                profile: v["profile"].clone(),
                answers: v["answers"].clone(),
                files: serde_json::from_value(v["files"].clone()).unwrap_or_default(),
                name,
            }
        })
        .collect()
}

/// What a filled-in form must show for a fixture.
pub struct Expected {
    /// Every answer's text (trimmed, non-empty); chosen options as `☑option`.
    pub texts: Vec<String>,
    /// Options not chosen, as `☐option`.
    pub unchosen: Vec<String>,
}

/// The texts the form of `fx` must show: every visible field's answer, after the form engine
/// normalised the answers. Panics when the fixture is not valid.
pub fn expected(call: &Call, fx: &Fixture) -> Expected {
    let target = fx.target();
    let report = validate(call, target, &fx.answers);
    assert!(
        !report.has_errors(),
        "{}/{}: the fixture is valid",
        call.id(),
        fx.name
    );
    let mut texts = Vec::new();
    let mut unchosen = Vec::new();
    for section in call.sections_for(&target) {
        for f in &section.fields {
            if !report.hidden.contains(&f.id) {
                field_texts(f, &report.answers, &mut texts, &mut unchosen);
            }
        }
    }
    texts.retain(|t| !t.is_empty());
    Expected { texts, unchosen }
}

/// A table or row cell's texts: strings trimmed, numbers as people write them (no `.0`), lists
/// item by item.
fn leaf_texts(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => out.push(s.trim().to_string()),
        Json::Number(_) => out.push(text_of(v)),
        Json::Array(a) => a.iter().for_each(|x| leaf_texts(x, out)),
        Json::Object(o) => o.values().for_each(|x| leaf_texts(x, out)),
        _ => {}
    }
}

/// What the document must contain for one top-level field, and the options it must show
/// unchosen.
fn field_texts(
    f: &FieldDef,
    answers: &Map<String, Json>,
    texts: &mut Vec<String>,
    unchosen: &mut Vec<String>,
) {
    let Some(v) = answers.get(&f.id) else { return };
    match f.kind.expect("kind") {
        FieldKind::Heading => {}
        FieldKind::Textarea => texts.extend(
            v.as_str()
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .map(str::to_string),
        ),
        FieldKind::SingleChoice | FieldKind::MultiChoice => {
            let mut chosen = Vec::new();
            leaf_texts(v, &mut chosen);
            for o in &f.options {
                if chosen.iter().any(|c| c == o.value()) {
                    texts.push(format!("☑{}", o.value()));
                } else {
                    unchosen.push(format!("☐{}", o.value()));
                }
            }
            if let Some(other) = answers.get(&format!("{}_other", f.id)) {
                leaf_texts(other, texts);
            }
        }
        FieldKind::Region => {
            texts.push(region::full_name(v.as_str().expect("code")).expect("a known division"))
        }
        FieldKind::Computed => texts.push(match (f.decimals, v.as_f64()) {
            (Some(d), Some(x)) => format!("{x:.*}", d as usize),
            _ => text_of(v),
        }),
        FieldKind::Rows => {
            for entry in v.as_array().into_iter().flatten() {
                for c in &f.columns {
                    match (c.kind, entry.get(&c.id)) {
                        (Some(FieldKind::Region), Some(Json::String(code))) => {
                            texts.push(region::full_name(code).expect("a known division"))
                        }
                        (_, Some(cell)) => leaf_texts(cell, texts),
                        _ => {}
                    }
                }
            }
        }
        _ => leaf_texts(v, texts),
    }
}
