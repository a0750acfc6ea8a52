//! E0003: a value a setting (or `crm:`) does not accept, or a missing value.

use super::suggestions::{did_you_mean, synonym};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::settings::SettingKey;
use crate::source::{SourceSet, Span};
use crate::syntax::{CrmDecl, NodeKind, SettingStmt};
use crate::text::{self, or_list};
use crate::vocabulary::{self, Crm};

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
                    NodeKind::Setting(stmt) => invalid_setting_value(context.sources, stmt, node.span),
                    NodeKind::Crm(decl) => invalid_crm(context.sources, decl, node.span),
                    _ => None,
                };
                diagnostics.extend(diagnostic);
            }
        }
        diagnostics
    }
}

fn invalid_setting_value(sources: &SourceSet, stmt: &SettingStmt, statement: Span) -> Option<Diagnostic> {
    let key = stmt.key?;
    if stmt.value.is_some() {
        return None;
    }
    let allowed = key.allowed_values();
    let Some(written) = &stmt.written_value else {
        return Some(
            Diagnostic::new(Code::E0003, format!("missing value for `{key}`"))
                .with_primary(end_of(statement), format!("expected {allowed}"))
                .with_help(format!("write the value after the colon: {}", examples(key))),
        );
    };
    let diagnostic = Diagnostic::new(
        Code::E0003,
        format!("invalid value `{}` for `{key}`", text::quoted(&written.value)),
    )
    .with_primary(written.span, format!("expected {allowed}"));
    if let Some(meant) = synonym_of(key, &written.value) {
        return Some(synonym(diagnostic, written, meant, &format!("`{key}` takes {allowed}")));
    }
    // `option 4` is close to `option 1` in spelling only; suggesting it would
    // change the meaning, so an out-of-range number gets the range instead.
    let out_of_range = key == SettingKey::Records && {
        let number = written.value.strip_prefix("option ").unwrap_or(&written.value);
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
    };
    if out_of_range {
        return Some(
            diagnostic.with_help("the portal lists at most three \"Records\" options: `option 1` to `option 3`"),
        );
    }
    let spellings = crate::settings::accepted_value_spellings(key);
    Some(
        match did_you_mean(diagnostic, written, sources.slice(written.span), &spellings) {
            (diagnostic, true) => diagnostic,
            (diagnostic, false) => diagnostic.with_help(format!("`{key}` takes {allowed}")),
        },
    )
}

/// Well-known other ways of writing a value: `true` or `on` for `yes`, a
/// bare `2` for `option 2`.
fn synonym_of(key: SettingKey, written: &str) -> Option<&'static str> {
    let lower = written.to_lowercase();
    match key {
        SettingKey::Records => match lower.as_str() {
            "1" => Some("option 1"),
            "2" => Some("option 2"),
            "3" => Some("option 3"),
            _ => None,
        },
        SettingKey::MapSessionDataTo => None,
        _ => match lower.as_str() {
            "true" | "on" | "y" | "1" | "enabled" | "enable" | "checked" => Some("yes"),
            "false" | "off" | "n" | "0" | "disabled" | "disable" | "unchecked" => Some("no"),
            _ => None,
        },
    }
}

/// "`skip account lookup: yes` or `skip account lookup: no`".
fn examples(key: SettingKey) -> String {
    let examples: Vec<String> = key
        .value_spellings()
        .iter()
        .map(|value| format!("`{key}: {value}`"))
        .collect();
    or_list(&examples)
}

fn invalid_crm(sources: &SourceSet, decl: &CrmDecl, statement: Span) -> Option<Diagnostic> {
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
    let diagnostic = Diagnostic::new(Code::E0003, format!("unknown CRM `{}`", text::quoted(&written.value)))
        .with_primary(written.span, format!("expected {allowed}"));
    if let Some(crm) = crm_named_in(&written.value) {
        let why = format!("crmpol knows this CRM as `{}`", crm.keyword());
        return Some(synonym(diagnostic, written, crm.keyword(), &why));
    }
    Some(
        match did_you_mean(diagnostic, written, sources.slice(written.span), &keywords) {
            (diagnostic, true) => diagnostic,
            (diagnostic, false) => diagnostic.with_help(
                "declare one of the CRMs crmpol knows; `custom` means an integration built on the platform's \
             custom CRM support, not any CRM missing from the list",
            ),
        },
    )
}

/// The one known CRM named as a word of a longer name, such as
/// `Salesforce Service Cloud` or `MS Dynamics 365`.
fn crm_named_in(written: &str) -> Option<Crm> {
    let lower = written.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let mut named = Crm::ALL
        .into_iter()
        .filter(|crm| words.contains(&crm.keyword()) || lower.replace([' ', '-', '_'], "") == crm.keyword());
    let crm = named.next()?;
    named.next().is_none().then_some(crm)
}

fn end_of(statement: Span) -> Span {
    Span::new(statement.file(), statement.end(), statement.end())
}

/// "`yes` or `no`", "`option 1`, `option 2` or `option 3`".
fn allowed_list(spellings: &[&str]) -> String {
    let quoted: Vec<String> = spellings.iter().map(|s| format!("`{s}`")).collect();
    or_list(&quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crm_is_found_inside_its_product_name() {
        assert_eq!(crm_named_in("Salesforce Service Cloud"), Some(Crm::Salesforce));
        assert_eq!(crm_named_in("ms dynamics"), Some(Crm::Dynamics));
        assert_eq!(crm_named_in("Microsoft Dynamics 365"), Some(Crm::Dynamics));
        assert_eq!(crm_named_in("Service Now"), Some(Crm::Servicenow));
        assert_eq!(crm_named_in("salesforce or zendesk"), None, "two CRMs: no guess");
        assert_eq!(crm_named_in("pipedrive"), None);
    }

    #[test]
    fn common_value_slips_have_their_meaning() {
        assert_eq!(synonym_of(SettingKey::SkipAccountLookup, "True"), Some("yes"));
        assert_eq!(synonym_of(SettingKey::SkipAccountLookup, "off"), Some("no"));
        assert_eq!(synonym_of(SettingKey::Records, "2"), Some("option 2"));
        assert_eq!(synonym_of(SettingKey::Records, "4"), None);
    }
}
