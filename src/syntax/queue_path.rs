//! A queue path written on its own, as the language writes it after
//! `queue`: `"Support" / "Billing"`.
//!
//! In: the text of a path, such as a command-line argument. Out: the queue
//! names, escapes resolved, or why the text is not one path. The text is
//! read by the policy grammar itself, as the statement `queue PATH`, so a
//! name means exactly what it means in a policy file.

use super::{NodeKind, parse_file};
use crate::source::{FileId, SourceFile};

/// The names of a path written in the language's syntax.
pub fn parse_queue_path(text: &str) -> Result<Vec<String>, String> {
    if text.contains(['\n', '\r']) {
        return Err("a queue path is written on one line".to_owned());
    }
    let source = SourceFile::from_text("<queue>", format!("queue {text}"));
    let parsed = parse_file(FileId(0), &source);
    if let Some(diagnostic) = parsed.diagnostics.first() {
        return Err(diagnostic.message.clone());
    }
    let mut statements = parsed.tree.nodes();
    let only = statements.next().filter(|_| statements.next().is_none());
    match only {
        Some((_, node)) if node.block().is_none() && parsed.tree.comments.is_empty() => match &node.kind {
            NodeKind::Queue(decl) => Ok(decl.path.iter().map(|name| name.name.to_string()).collect()),
            _ => Err(not_only_a_path()),
        },
        _ => Err(not_only_a_path()),
    }
}

fn not_only_a_path() -> String {
    "write only quoted names separated by `/`, such as `\"Support\" / \"Billing\"`".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_as_a_policy_does() {
        assert_eq!(
            parse_queue_path(r#""Support" / "Tier 1/Tier 2""#),
            Ok(vec!["Support".to_owned(), "Tier 1/Tier 2".to_owned()])
        );
        assert_eq!(
            parse_queue_path(r#""Say \"Hello\""/"C:\\Q""#),
            Ok(vec!["Say \"Hello\"".to_owned(), "C:\\Q".to_owned()])
        );
        assert_eq!(parse_queue_path(r#"  "Billing "  "#), Ok(vec!["Billing ".to_owned()]));
    }

    #[test]
    fn refuses_anything_but_one_path() {
        for text in [
            r#""Support" {"#,
            r#""Support" {}"#,
            r#""Support" # note"#,
            "\"Support\"\nqueue \"Other\"",
            r#""Support"#,
            r#""Sup\nport""#,
            r#""""#,
            r#""Support" / Billing"#,
            "",
        ] {
            assert!(parse_queue_path(text).is_err(), "{text:?}");
        }
    }
}
