//! One run shows every mistake in every file: a policy set with a dozen
//! independent mistakes of different kinds reports each once, at its line,
//! and an unclosed `{` or `"` costs one error at its opening.

mod common;

use crmpol::render::MessageFormat;
use std::path::PathBuf;

fn mistakes() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistakes")
}

#[test]
fn every_mistake_in_both_files_is_reported_once_at_its_line() {
    let (sources, analysis) = common::analyze(&mistakes());
    let found: Vec<(String, usize, &str)> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.primary_span().expect("located");
            let file = sources.get(span.file()).expect("known file");
            let name = file.name.rsplit('/').next().unwrap_or_default().to_owned();
            (name, file.line_column(span.start()).line, diagnostic.code.as_str())
        })
        .collect();
    let expected = [
        ("a-support.crmpol", 4, "E0003"),  // misspelt value
        ("a-support.crmpol", 8, "E0002"),  // misspelt setting
        ("a-support.crmpol", 9, "E0101"),  // append, with the lookup skipped on line 15
        ("a-support.crmpol", 12, "E0001"), // queue name without quotes
        ("a-support.crmpol", 15, "E0102"), // lookup skipped, accounts still created
        ("b-sales.crmpol", 3, "E0103"),    // records option not offered
        ("b-sales.crmpol", 5, "E0003"),    // invalid flag
        ("b-sales.crmpol", 7, "E0008"),    // queue name never closed
        ("b-sales.crmpol", 8, "W0201"),    // redundant setting
        ("b-sales.crmpol", 11, "E0001"),   // queue inside a channel block
        ("b-sales.crmpol", 14, "W0204"),   // sibling names differing in case
        ("b-sales.crmpol", 15, "E0001"),   // unmatched brace
    ];
    let expected: Vec<(String, usize, &str)> = expected
        .iter()
        .map(|(file, line, code)| (file.to_string(), *line, *code))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn every_mistake_renders_with_the_fixes_offered() {
    let (sources, analysis) = common::analyze(&mistakes());
    let output = format!(
        "# human\n{}\n# short\n{}\n# fixes\n{}",
        common::rendered(&sources, &analysis, MessageFormat::Human),
        common::rendered(&sources, &analysis, MessageFormat::Short),
        fixes_outline(&sources, &analysis),
    );
    insta::assert_snapshot!(output);
}

/// Each diagnostic's fixes, one line per edit: what an editor would offer.
fn fixes_outline(sources: &crmpol::SourceSet, analysis: &crmpol::Analysis) -> String {
    let mut out = String::new();
    for diagnostic in &analysis.diagnostics {
        for fix in &diagnostic.fixes {
            let automatic = if diagnostic.automatic_fix(false) == Some(fix) {
                "automatic"
            } else {
                "offered"
            };
            out.push_str(&format!("{} ({automatic}): {}\n", diagnostic.code, fix.description));
            for edit in &fix.edits {
                let file = sources.get(edit.span.file()).expect("file");
                let at = file.line_column(edit.span.start());
                let removed = &file.text[edit.span.range()];
                out.push_str(&format!(
                    "    {}:{}:{}: replace {removed:?} with {:?}\n",
                    file.name, at.line, at.column, edit.replacement
                ));
            }
        }
    }
    out
}

#[test]
fn a_typo_does_not_hide_an_impossible_combination_further_down() {
    let mut text = String::from("crm: zendesk\nqueue \"Support\" {\n    skip recrod creation: yes\n");
    text.push_str(&"    # filler\n".repeat(35));
    text.push_str(
        "    skip account creation: yes\n    append to latest open record: yes\n    skip account lookup: yes\n}\n",
    );
    let sources = crmpol::SourceSet::from_texts([("a.crmpol", text.as_str())]);
    let analysis = crmpol::analyze(&sources);
    let lines: Vec<(usize, &str)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span().expect("located");
            (
                sources.get(span.file()).expect("file").line_column(span.start()).line,
                d.code.as_str(),
            )
        })
        .collect();
    assert_eq!(lines, [(3, "E0002"), (40, "E0101")]);
}

fn errors_of(text: &str) -> Vec<(usize, usize, String)> {
    let sources = crmpol::SourceSet::from_texts([("a.crmpol", text)]);
    let analysis = crmpol::analyze(&sources);
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span().expect("located");
            let at = sources.get(span.file()).expect("file").line_column(span.start());
            (at.line, at.column, d.message.clone())
        })
        .collect()
}

#[test]
fn an_unclosed_brace_is_one_error_at_the_brace() {
    let text = "crm: custom\n\nqueue \"Support\" {\n    skip account creation: yes\n\nqueue \"Sales\" {\n    skip record creation: yes\n}\n\nqueue \"Partners\"\n";
    assert_eq!(errors_of(text), [(3, 17, "unclosed `{` of a `queue`".to_owned())]);
}

#[test]
fn an_inner_unclosed_brace_is_blamed_not_its_parent() {
    let text = "crm: custom\nqueue \"A\" {\n    queue \"B\" {\n        skip record creation: yes\n    queue \"C\" {\n    }\n}\n";
    assert_eq!(errors_of(text), [(3, 15, "unclosed `{` of a `queue`".to_owned())]);
}

#[test]
fn an_unclosed_quote_is_one_error_at_the_quote() {
    let text = "crm: custom\n\nqueue \"Support {\n    skip account creation: yes\n    queue \"Billing\"\n}\n\nqueue \"Sales\"\n";
    assert_eq!(errors_of(text), [(3, 7, "queue name is not closed".to_owned())]);
}

#[test]
fn syntax_errors_are_in_words_not_grammar_rules() {
    let (_, analysis) = common::analyze(&mistakes());
    let rule_names = [
        "queue_decl",
        "setting_name",
        "bad_line",
        "EOI",
        "block_open",
        "crm_value",
        "statement",
    ];
    for diagnostic in &analysis.diagnostics {
        for rule in rule_names {
            assert!(!diagnostic.message.contains(rule), "{}", diagnostic.message);
        }
    }
}
