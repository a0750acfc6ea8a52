//! The wording of syntax diagnostics: what pest expected, in an operator's
//! words, and the messages shared by reading and recovery.

use super::recovery::bare_name;
use super::{Container, Rule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::source::Span;
use crate::syntax::ast::NodeKind;

pub(super) fn miscased_keyword(span: Span, written: &str, keyword: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0001,
        format!("keyword `{written}` must be written in lower case"),
    )
    .with_primary(span, format!("write `{keyword}`"))
    .with_help("the keywords `crm`, `catalog`, `defaults`, `queue`, `call` and `chat` are lower case")
    .with_fix(Fix::safe(
        format!("write `{keyword}`"),
        vec![Edit::replace(span, keyword)],
    ))
}

/// Where a statement may stand; `None` if it is fine where it is.
pub(super) fn misplaced(kind: &NodeKind, container: Container, span: Span) -> Option<Diagnostic> {
    if container == Container::Unparsed {
        return None;
    }
    let allowed = match kind {
        NodeKind::Unparsed => true,
        NodeKind::Crm(_) | NodeKind::Catalog(_) | NodeKind::Defaults => container == Container::TopLevel,
        NodeKind::Queue(_) => matches!(container, Container::TopLevel | Container::Queue),
        NodeKind::Channel(_) => matches!(container, Container::Defaults | Container::Queue),
        NodeKind::Setting(_) => container != Container::TopLevel,
    };
    if allowed {
        return None;
    }
    let what = kind.describe();
    let help = match kind {
        NodeKind::Crm(_) | NodeKind::Catalog(_) | NodeKind::Defaults => {
            format!("move {what} out of every block, to the top of a file")
        }
        NodeKind::Queue(_) => {
            "queues are declared at the top level or inside another queue; close this block with `}` first".to_owned()
        }
        NodeKind::Channel(_) => {
            "channel blocks go inside `defaults` or a `queue` block and hold settings only".to_owned()
        }
        NodeKind::Setting(_) => "settings go inside `defaults { }`, a `queue` block or a channel block".to_owned(),
        NodeKind::Unparsed => String::new(),
    };
    Some(
        Diagnostic::new(Code::E0001, format!("{what} cannot stand {}", container.describe()))
            .with_primary(span, "not allowed here")
            .with_help(help),
    )
}

/// Advice for the common shapes of a broken statement.
pub(super) fn junk_help(expected: &str, kept_statement: bool, rest: &str) -> Option<String> {
    if kept_statement && expected == "end of line" && rest.starts_with("//") {
        return Some("comments start with `#`, not `//`".to_owned());
    }
    if kept_statement && expected == "end of line" {
        return Some("write one statement per line".to_owned());
    }
    if expected.starts_with("a queue name")
        && let Some(bare) = bare_name(rest)
    {
        return Some(format!("queue names are quoted: write `\"{bare}\"`"));
    }
    if expected.contains("`:`") {
        return Some("a setting is written `NAME: VALUE`, such as `skip record creation: yes`".to_owned());
    }
    None
}

/// How a position is shown in "found ..." messages: the word there, or
/// "end of line".
pub(super) fn found_at(text: &str, at: usize, line_end: usize) -> String {
    let end = found_end(text, at, line_end);
    match text.get(at..end) {
        Some("") | None => "end of line".to_owned(),
        Some(word) => format!("`{}`", crate::text::quoted(word)),
    }
}

/// The end of the word at `at`: up to the next blank, at most 24 characters.
pub(super) fn found_end(text: &str, at: usize, line_end: usize) -> usize {
    let rest = text.get(at..line_end).unwrap_or("");
    let word_len = rest.find([' ', '\t']).unwrap_or(rest.len());
    let capped = rest[..word_len]
        .char_indices()
        .nth(24)
        .map_or(word_len, |(index, _)| index);
    at + capped
}

pub(super) fn error_offset(error: &pest::error::Error<Rule>) -> usize {
    match error.location {
        pest::error::InputLocation::Pos(at) => at,
        pest::error::InputLocation::Span((start, _)) => start,
    }
}

/// What pest wanted at its furthest failure, in an operator's words:
/// "`/`, `{` or end of line".
pub(super) fn expected_phrases(error: &pest::error::Error<Rule>) -> String {
    let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        return String::new();
    };
    let mut phrases: Vec<&str> = Vec::new();
    for rule in positives {
        if let Some(phrase) = describe_rule(*rule)
            && !phrases.contains(&phrase)
        {
            phrases.push(phrase);
        }
    }
    // End of line reads best last: "`/`, `{` or end of line".
    phrases.sort_by_key(|phrase| *phrase == "end of line");
    join_alternatives(&phrases)
}

pub(super) fn describe_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::queue_path | Rule::queue_name | Rule::unterminated_name => {
            "a queue name in double quotes, such as `\"Support\"`"
        }
        Rule::path_sep => "`/`",
        Rule::block_open | Rule::empty_block => "`{`",
        Rule::block_close => "`}`",
        Rule::colon => "`:`",
        Rule::crm_value => "a CRM name such as `salesforce`",
        Rule::catalog_value => "the catalog file's path in double quotes",
        Rule::setting_value => "a value",
        Rule::channel => "`call` or `chat`",
        Rule::setting | Rule::setting_name => "a setting such as `skip record creation: yes`",
        Rule::EOI => "end of line",
        _ => return None,
    })
}

/// "a", "a or b", "a, b or c".
pub(super) fn join_alternatives(phrases: &[&str]) -> String {
    match phrases {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
