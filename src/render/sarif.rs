//! `--message-format sarif`: one SARIF 2.1.0 log, as GitHub code scanning
//! and other SARIF viewers read it. Every code is a rule whose help is its
//! entry in `docs/diagnostics.md`; fixes become SARIF fixes.

use crate::diagnostic::{Code, Diagnostic, Edit, Fix, LabelStyle, Severity};
use crate::source::{SourceSet, Span};
use crate::suppress::Suppressed;
use serde_json::{Value, json};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(diagnostics: &[Diagnostic], suppressed: &[Suppressed], sources: &SourceSet) -> String {
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| result(d, sources))
        .chain(suppressed.iter().map(|s| suppressed_result(s, sources)))
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver() },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn driver() -> Value {
    json!({
        "name": "crmpol",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": Code::ALL.iter().map(|&code| rule(code)).collect::<Vec<_>>(),
    })
}

fn rule(code: Code) -> Value {
    let documentation = code.documentation().unwrap_or(code.title());
    let first_paragraph = documentation.split("\n\n").next().unwrap_or(code.title());
    json!({
        "id": code.as_str(),
        "name": rule_name(code.title()),
        "shortDescription": { "text": code.title() },
        "fullDescription": { "text": unwrap_lines(first_paragraph) },
        "help": { "text": documentation, "markdown": documentation },
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

/// "`records` option not offered ..." → "RecordsOptionNotOffered...".
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn unwrap_lines(paragraph: &str) -> String {
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(diagnostic: &Diagnostic, sources: &SourceSet) -> Value {
    let rule_index = Code::ALL.iter().position(|&code| code == diagnostic.code).unwrap_or(0);
    let mut text = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    for note in &diagnostic.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    let (primary, related): (Vec<_>, Vec<_>) = diagnostic
        .labels
        .iter()
        .partition(|label| label.style == LabelStyle::Primary);
    json!({
        "ruleId": diagnostic.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity),
        "message": { "text": text },
        "locations": primary.iter().map(|label| location(sources, label.span, Some(&label.message))).collect::<Vec<_>>(),
        "relatedLocations": related
            .iter()
            .enumerate()
            .map(|(id, label)| {
                let mut related = location(sources, label.span, Some(&label.message));
                related["id"] = json!(id);
                related
            })
            .collect::<Vec<_>>(),
        "fixes": diagnostic.fixes.iter().map(|fix| sarif_fix(sources, fix)).collect::<Vec<_>>(),
    })
}

/// A silenced diagnostic is a result with an in-source suppression
/// pointing at the allow comment, which viewers show as dismissed.
fn suppressed_result(suppressed: &Suppressed, sources: &SourceSet) -> Value {
    let mut result = result(&suppressed.diagnostic, sources);
    result["suppressions"] = json!([{
        "kind": "inSource",
        "location": location(sources, suppressed.by, Some("allowed here")),
    }]);
    result
}

fn location(sources: &SourceSet, span: Span, label: Option<&str>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(sources.name(span.file())) },
            "region": region(sources, span),
        }
    });
    if let Some(label) = label.filter(|label| !label.is_empty()) {
        location["message"] = json!({ "text": label });
    }
    location
}

/// Lines and columns are one-based, the end column is the one after the
/// region, and an empty region is an insertion point. Byte offsets are left
/// out: crmpol counts them from after a byte-order mark, SARIF from the
/// file's first byte, and lines and columns say the same without that
/// ambiguity.
fn region(sources: &SourceSet, span: Span) -> Value {
    let (start, end) = match sources.get(span.file()) {
        Some(file) => (file.line_column(span.start()), file.line_column(span.end())),
        None => Default::default(),
    };
    json!({
        "startLine": start.line.max(1),
        "startColumn": start.column.max(1),
        "endLine": end.line.max(1),
        "endColumn": end.column.max(1),
    })
}

fn sarif_fix(sources: &SourceSet, fix: &Fix) -> Value {
    // One change per file, in the order the files first appear.
    let mut files = Vec::new();
    for edit in &fix.edits {
        if !files.contains(&edit.span.file()) {
            files.push(edit.span.file());
        }
    }
    json!({
        "description": { "text": fix.description },
        "properties": { "applicability": fix.applicability },
        "artifactChanges": files
            .into_iter()
            .map(|file| {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .filter(|edit| edit.span.file() == file)
                    .map(|edit: &Edit| json!({
                        "deletedRegion": region(sources, edit.span),
                        "insertedContent": { "text": edit.replacement },
                    }))
                    .collect();
                json!({
                    "artifactLocation": { "uri": uri(sources.name(file)) },
                    "replacements": replacements,
                })
            })
            .collect::<Vec<_>>(),
    })
}

/// A file name as a URI reference: relative names stay relative (code
/// scanning resolves them against the repository), absolute ones become
/// `file://` URIs; anything outside the unreserved set is percent-encoded.
fn uri(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    if name.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_absolute_paths_become_file_uris() {
        assert_eq!(uri("policies/a b.crmpol"), "policies/a%20b.crmpol");
        assert_eq!(uri("/srv/x#1.crmpol"), "file:///srv/x%231.crmpol");
        assert_eq!(uri("caf\u{e9}.crmpol"), "caf%C3%A9.crmpol");
    }

    #[test]
    fn a_fix_touching_a_file_twice_is_one_change_for_that_file() {
        use crate::diagnostic::{Edit, Fix};
        use crate::source::{FileId, Span};
        let sources = SourceSet::from_texts([("a.crmpol", "abc\n"), ("b.crmpol", "def\n")]);
        let at = |file, start| Span::new(FileId(file), start, start + 1);
        let fix = Fix::unsafe_fix(
            "edit both",
            vec![Edit::delete(at(0, 0)), Edit::delete(at(1, 1)), Edit::delete(at(0, 2))],
        );
        let rendered = sarif_fix(&sources, &fix);
        let changes = rendered["artifactChanges"].as_array().expect("changes");
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0]["artifactLocation"]["uri"], "a.crmpol");
        assert_eq!(changes[0]["replacements"].as_array().map(Vec::len), Some(2));
        assert_eq!(rendered["properties"]["applicability"], "unsafe");
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(
            rule_name("`records` option not offered for this combination"),
            "RecordsOptionNotOfferedForThisCombination"
        );
    }
}
