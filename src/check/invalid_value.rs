//! E0003: a value a setting (or `crm:`) does not accept, or a missing value.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{CrmDecl, NodeKind, SettingStmt};
use crate::vocabulary::{self, SettingKey};

pub struct InvalidValue;

impl CheckRule for InvalidValue {
    fn code(&self) -> Code {
        Code::E0003
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for tree in context.trees {
            for (_, node) in tree.nodes() {
                let diagnostic = match &node.kind {
                    NodeKind::Setting(stmt) => invalid_setting_value(stmt, node.span),
                    NodeKind::Crm(decl) => invalid_crm(decl, node.span),
                    _ => None,
                };
                diagnostics.extend(diagnostic);
            }
        }
        diagnostics
    }
}

fn invalid_setting_value(stmt: &SettingStmt, statement: Span) -> Option<Diagnostic> {
    let key = stmt.key?;
    if stmt.value.is_some() {
        return None;
    }
    let allowed = allowed_list(key.value_spellings());
    let Some(written) = &stmt.written_value else {
        let end = Span::new(statement.file, statement.end, statement.end);
        return Some(
            Diagnostic::new(Code::E0003, format!("missing value for `{key}`"))
                .with_primary(end, format!("expected {allowed}"))
                .with_help(format!("write `{key}: {}`", key.value_spellings()[0])),
        );
    };
    let diagnostic = Diagnostic::new(Code::E0003, format!("invalid value `{}` for `{key}`", written.value))
        .with_primary(written.span, format!("expected {allowed}"));
    Some(suggest(
        diagnostic,
        &written.value,
        &vocabulary::accepted_value_spellings(key),
        key,
    ))
}

fn suggest(diagnostic: Diagnostic, written: &str, spellings: &[&str], key: SettingKey) -> Diagnostic {
    // `option 4` is close to `option 1` in spelling only; suggesting it would
    // change the meaning, so an out-of-range number gets the range instead.
    let out_of_range = key == SettingKey::Records
        && written
            .strip_prefix("option ")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
    let closest = if out_of_range {
        None
    } else {
        vocabulary::closest(written, spellings)
    };
    match closest {
        Some(closest) => diagnostic.with_help(format!("did you mean `{closest}`?")),
        None if key == SettingKey::Records => {
            diagnostic.with_help("the portal lists at most three \"Records\" options: `option 1` to `option 3`")
        }
        None => diagnostic.with_help(format!("`{key}` takes {}", allowed_list(key.value_spellings()))),
    }
}

fn invalid_crm(decl: &CrmDecl, statement: Span) -> Option<Diagnostic> {
    if decl.crm.is_some() {
        return None;
    }
    let keywords = vocabulary::crm_keywords();
    let allowed = allowed_list(&keywords);
    let Some(written) = &decl.written else {
        let end = Span::new(statement.file, statement.end, statement.end);
        return Some(
            Diagnostic::new(Code::E0003, "missing CRM name after `crm:`")
                .with_primary(end, format!("expected {allowed}"))
                .with_help("write the CRM, such as `crm: salesforce`"),
        );
    };
    let diagnostic = Diagnostic::new(Code::E0003, format!("unknown CRM `{}`", written.value))
        .with_primary(written.span, format!("expected {allowed}"));
    Some(match vocabulary::closest(&written.value, &keywords) {
        Some(closest) => diagnostic.with_help(format!("did you mean `{closest}`?")),
        None => diagnostic.with_help("for an integration crmpol does not list, use `crm: custom`"),
    })
}

/// "`yes` or `no`", "`option 1`, `option 2` or `option 3`".
fn allowed_list(spellings: &[&str]) -> String {
    let quoted: Vec<String> = spellings.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    }
}
