//! Comparisons that can never hold: a number compared with text (`answers.revenue > "100"`,
//! `answers.company_name == 5`). CEL never converts between them: `==` is simply false and `<`
//! has no overload, so such a rule would never fire. Refused when the call is checked.
//!
//! Walks the syntax tree of the `cel` crate's parser. What a side is made of is known only for
//! literals, the answers of fields whose kind fixes it (numbers are floats, dates compare as
//! text), `profile`, `call`, `direction`, and `size()`/`int()`/`double()`/`string()` and
//! arithmetic over those; anything else is not judged.
//!
//! Must not: evaluate anything, or refuse a comparison whose sides it cannot tell.

use cel::common::ast::{EntryExpr, Expr, LiteralValue, operators};
use cel::parser::{Expression, Parser};

use super::FieldIndex;
use super::checker::Checker;
use crate::call::definition::{CallDef, FieldKind};
use crate::messages::definition as msg;

/// What a value is, as far as a comparison is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Number,
    Text,
    Unknown,
}

const COMPARISONS: &[&str] = &[
    operators::EQUALS,
    operators::NOT_EQUALS,
    operators::LESS,
    operators::LESS_EQUALS,
    operators::GREATER,
    operators::GREATER_EQUALS,
];

const ARITHMETIC: &[&str] = &[
    operators::SUBSTRACT,
    operators::MULTIPLY,
    operators::DIVIDE,
    operators::MODULO,
];

/// Checks every comparison of `source` (at `path`); a source that does not parse is reported
/// where it is compiled.
pub(super) fn check_comparisons(
    c: &mut Checker<'_>,
    path: &str,
    source: &str,
    def: &CallDef,
    index: &FieldIndex,
) {
    let Ok(tree) = Parser::new().parse(source) else {
        return;
    };
    let mut found = Vec::new();
    walk(&tree, &mut |e| {
        if let Expr::Call(call) = &e.expr
            && COMPARISONS.contains(&call.func_name.as_str())
            && let [left, right] = call.args.as_slice()
        {
            let (l, r) = (sort(left, def, index), sort(right, def, index));
            let pair = match (l.0, r.0) {
                (Sort::Number, Sort::Text) => Some((l.1, r.1)),
                (Sort::Text, Sort::Number) => Some((r.1, l.1)),
                _ => None,
            };
            if let Some((number, text)) = pair {
                found.push(msg::number_text_comparison(&number, &text));
            }
        }
    });
    for message in found {
        c.err(path, msg::bad_expr(&message));
    }
}

/// Calls `f` on `e` and every expression inside it.
fn walk(e: &Expression, f: &mut impl FnMut(&Expression)) {
    f(e);
    match &e.expr {
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                walk(target, f);
            }
            for a in &call.args {
                walk(a, f);
            }
        }
        Expr::Comprehension(c) => {
            for x in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk(x, f);
            }
        }
        Expr::List(l) => {
            for x in &l.elements {
                walk(x, f);
            }
        }
        Expr::Map(m) => entries(&m.entries, f),
        Expr::Struct(s) => entries(&s.entries, f),
        Expr::Select(s) => walk(&s.operand, f),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn entries(list: &[cel::common::ast::IdedEntryExpr], f: &mut impl FnMut(&Expression)) {
    for entry in list {
        match &entry.expr {
            EntryExpr::StructField(x) => walk(&x.value, f),
            EntryExpr::MapEntry(x) => {
                walk(&x.key, f);
                walk(&x.value, f);
            }
        }
    }
}

/// `a.b.c` as its names, when `e` is such a chain of selections on an identifier.
fn path_of(e: &Expression) -> Option<Vec<&str>> {
    match &e.expr {
        Expr::Ident(name) => Some(vec![name.as_str()]),
        Expr::Select(s) if !s.test => {
            let mut names = path_of(&s.operand)?;
            names.push(s.field.as_str());
            Some(names)
        }
        // `answers.t.revenue['2024']`: a key on a chain.
        Expr::Call(call) if call.func_name == operators::INDEX => {
            let [on, key] = call.args.as_slice() else {
                return None;
            };
            let Expr::Literal(LiteralValue::String(k)) = &key.expr else {
                return None;
            };
            let mut names = path_of(on)?;
            names.push(k.inner());
            Some(names)
        }
        _ => None,
    }
}

/// What `e` is, and how to name it in a message.
fn sort(e: &Expression, def: &CallDef, index: &FieldIndex) -> (Sort, String) {
    let (sort, name) = match &e.expr {
        Expr::Literal(LiteralValue::Int(_) | LiteralValue::UInt(_) | LiteralValue::Double(_)) => {
            (Sort::Number, literal(e))
        }
        Expr::Literal(LiteralValue::String(s)) => (Sort::Text, format!("\"{}\"", s.inner())),
        Expr::Call(call) => match call.func_name.as_str() {
            "size" | "int" | "uint" | "double" => (Sort::Number, String::new()),
            "string" => (Sort::Text, String::new()),
            op if ARITHMETIC.contains(&op) || op == operators::NEGATE => {
                (Sort::Number, String::new())
            }
            operators::INDEX => chain(e, def, index),
            _ => (Sort::Unknown, String::new()),
        },
        Expr::Select(_) | Expr::Ident(_) => chain(e, def, index),
        _ => (Sort::Unknown, String::new()),
    };
    (sort, name)
}

fn literal(e: &Expression) -> String {
    match &e.expr {
        Expr::Literal(LiteralValue::Int(i)) => format!("{}", i.inner()),
        Expr::Literal(LiteralValue::UInt(u)) => format!("{}", u.inner()),
        Expr::Literal(LiteralValue::Double(d)) => format!("{}", d.inner()),
        _ => String::new(),
    }
}

/// What a chain of names reads: an answer, the profile, the call, the direction.
fn chain(e: &Expression, def: &CallDef, index: &FieldIndex) -> (Sort, String) {
    let Some(names) = path_of(e) else {
        return (Sort::Unknown, String::new());
    };
    let name = names.join(".");
    let sort = match names.as_slice() {
        ["answers", id, rest @ ..] => match index.get(*id) {
            Some(&(si, fi)) => answer_sort(def.sections[si].fields[fi].kind, rest),
            None => Sort::Unknown,
        },
        ["profile", "uscc" | "name" | "region"] | ["call", "id"] => Sort::Text,
        ["direction" | "subdirection"] => Sort::Text,
        ["call", "year"] => Sort::Number,
        _ => Sort::Unknown,
    };
    (sort, name)
}

/// What a field's answer (`rest` empty) or a member of it is.
fn answer_sort(kind: Option<FieldKind>, rest: &[&str]) -> Sort {
    use FieldKind as K;
    match (kind, rest) {
        (Some(K::Integer | K::Decimal), []) => Sort::Number,
        (
            Some(
                K::Text
                | K::Textarea
                | K::Date
                | K::Month
                | K::SingleChoice
                | K::Uscc
                | K::Mobile
                | K::Landline
                | K::Phone
                | K::Email
                | K::Url
                | K::BankAccount
                | K::Region,
            ),
            [],
        ) => Sort::Text,
        (Some(K::DateRange), ["start" | "end"]) => Sort::Text,
        (Some(K::YearTable), [_, _]) => Sort::Number,
        _ => Sort::Unknown,
    }
}
