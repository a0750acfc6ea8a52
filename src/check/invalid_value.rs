//! E0003: a value a setting (or `crm:`) does not accept, or a missing value.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::source::{Span, Spanned};
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
        return Some(
            Diagnostic::new(Code::E0003, format!("missing value for `{key}`"))
                .with_primary(end_of(statement), format!("expected {allowed}"))
                .with_help(format!("write `{key}: {}`", key.value_spellings()[0])),
        );
    };
    let diagnostic = Diagnostic::new(Code::E0003, format!("invalid value `{}` for `{key}`", written.value))
        .with_primary(written.span, format!("expected {allowed}"));
    // `option 4` is close to `option 1` in spelling only; suggesting it would
    // change the meaning, so an out-of-range number gets the range instead.
    let out_of_range = key == SettingKey::Records
        && written
            .value
            .strip_prefix("option ")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
    if out_of_range {
        return Some(
            diagnostic.with_help("the portal lists at most three \"Records\" options: `option 1` to `option 3`"),
        );
    }
    let spellings = vocabulary::accepted_value_spellings(key);
    Some(match vocabulary::closest(&written.value, &spellings) {
        Some(closest) => suggest(diagnostic, written, closest),
        None => diagnostic.with_help(format!("`{key}` takes {allowed}")),
    })
}

fn invalid_crm(decl: &CrmDecl, statement: Span) -> Option<Diagnostic> {
    if decl.crm.is_some() {
        return None;
    }
    let keywords = vocabulary::crm_keywords();
    let allowed = allowed_list(&keywords);
    let Some(written) = &decl.written else {
        return Some(
            Diagnostic::new(Code::E0003, "missing CRM name after `crm:`")
                .with_primary(end_of(statement), format!("expected {allowed}"))
                .with_help("write the CRM, such as `crm: salesforce`"),
        );
    };
    let diagnostic = Diagnostic::new(Code::E0003, format!("unknown CRM `{}`", written.value))
        .with_primary(written.span, format!("expected {allowed}"));
    Some(match vocabulary::closest(&written.value, &keywords) {
        Some(closest) => suggest(diagnostic, written, closest),
        None => diagnostic.with_help("for an integration crmpol does not list, use `crm: custom`"),
    })
}

/// "did you mean" as help, and as the edit that makes it so.
fn suggest(diagnostic: Diagnostic, written: &Spanned<String>, closest: &str) -> Diagnostic {
    diagnostic
        .with_help(format!("did you mean `{closest}`?"))
        .with_fix(Fix::machine_applicable(
            format!("write `{closest}`"),
            vec![Edit::replace(written.span, closest)],
        ))
}

fn end_of(statement: Span) -> Span {
    Span::new(statement.file, statement.end, statement.end)
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
