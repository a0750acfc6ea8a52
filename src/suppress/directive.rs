//! The text of an allow comment: what `# crmpol: allow(W0203)` lists, and
//! whether each listed code may be allowed.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::Span;
use crate::text::{is_blank, quoted, trim_blanks, trim_start_blanks};
use std::ops::Range;

/// What a comment's text says to crmpol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    /// An ordinary comment.
    NotForCrmpol,
    /// `crmpol: allow(...)`: where each listed code is, as byte ranges of
    /// the comment's text. The codes are not checked yet.
    Allow(Vec<Range<usize>>),
    /// Starts with `crmpol:` but is not an allow comment: what was expected.
    Malformed(&'static str),
}

/// Reads a comment's text (from its `#`). Blanks are allowed after `#` and
/// `crmpol:`, around each code and after `)`; nothing else is.
pub fn parse_directive(comment: &str) -> Directive {
    let Some(after_hash) = comment.strip_prefix('#') else {
        return Directive::NotForCrmpol;
    };
    let body = trim_start_blanks(after_hash);
    let Some(after_prefix) = body.strip_prefix("crmpol:") else {
        return Directive::NotForCrmpol;
    };
    let request = trim_start_blanks(after_prefix);
    let Some(list) = request.strip_prefix("allow(") else {
        return Directive::Malformed("expected `allow(` after `crmpol:`");
    };
    let mut at = comment.len() - list.len();
    let mut codes = Vec::new();
    loop {
        at = skip_blanks(comment, at);
        let rest = comment.get(at..).unwrap_or("");
        let length = rest
            .find(|c: char| is_blank(c) || c == ',' || c == ')')
            .unwrap_or(rest.len());
        if length == 0 {
            return Directive::Malformed("expected a code");
        }
        codes.push(at..at + length);
        at = skip_blanks(comment, at + length);
        match comment.get(at..).and_then(|rest| rest.chars().next()) {
            Some(',') => at += 1,
            Some(')') => break,
            _ => return Directive::Malformed("expected `,` or `)` after the code"),
        }
    }
    if !trim_blanks(comment.get(at + 1..).unwrap_or("")).is_empty() {
        return Directive::Malformed("expected nothing after `)`");
    }
    Directive::Allow(codes)
}

fn skip_blanks(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + (rest.len() - trim_start_blanks(rest).len())
}

/// Why a listed code cannot be allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such code.
    Unknown,
    /// An error: the policy set does not compile with it, allowed or not.
    Error(Code),
    /// W0206: a stale allow comment is removed, not allowed.
    Stale,
}

/// A code listed in an allow comment (any case), checked.
pub fn allowable_code(text: &str) -> Result<Code, Refusal> {
    match Code::parse(text) {
        None => Err(Refusal::Unknown),
        Some(code) if code.severity() == Severity::Error => Err(Refusal::Error(code)),
        Some(Code::W0206) => Err(Refusal::Stale),
        Some(code) => Ok(code),
    }
}

/// The E0009 for a listed code that cannot be allowed.
pub(super) fn refused(refusal: Refusal, text: &str, at: Span) -> Diagnostic {
    const WARNINGS_ONLY: &str = "only warnings (codes starting with `W`) can be allowed";
    match refusal {
        Refusal::Unknown => Diagnostic::new(Code::E0009, format!("unknown code `{}` in allow comment", quoted(text)))
            .with_primary(at, "not a crmpol code")
            .with_help(format!("{WARNINGS_ONLY}; `crmpol explain CODE` describes each code")),
        Refusal::Error(code) => Diagnostic::new(Code::E0009, format!("`{code}` is an error and cannot be allowed"))
            .with_primary(at, "an error code")
            .with_help(format!(
                "{WARNINGS_ONLY}; an error stops the policy set from compiling, so fix what it reports"
            )),
        Refusal::Stale => Diagnostic::new(Code::E0009, "`W0206` cannot be allowed")
            .with_primary(at, "the warning about stale allow comments")
            .with_help("an allow comment that silences nothing is stale: remove it, or the code in it, instead"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(comment: &str) -> Vec<&str> {
        match parse_directive(comment) {
            Directive::Allow(ranges) => ranges.into_iter().map(|range| &comment[range]).collect(),
            other => panic!("{comment}: {other:?}"),
        }
    }

    #[test]
    fn reads_a_well_formed_allow_comment() {
        assert_eq!(codes_of("# crmpol: allow(W0203)"), ["W0203"]);
        assert_eq!(codes_of("# crmpol: allow(W0201,W0203)"), ["W0201", "W0203"]);
    }

    #[test]
    fn blanks_are_allowed_around_the_words() {
        assert_eq!(codes_of("#crmpol:allow(W0203)"), ["W0203"]);
        assert_eq!(codes_of("#  \tcrmpol:   allow( W0201 ,\tW0203 )  "), ["W0201", "W0203"]);
    }

    #[test]
    fn codes_are_taken_as_written_for_checking_later() {
        assert_eq!(codes_of("# crmpol: allow(w0203, E0101, X1)"), ["w0203", "E0101", "X1"]);
    }

    #[test]
    fn other_comments_are_not_for_crmpol() {
        for comment in [
            "# survey queue",
            "#",
            "# Crmpol: allow(W0203)",
            "# see crmpol: allow(W0203)",
        ] {
            assert_eq!(parse_directive(comment), Directive::NotForCrmpol, "{comment}");
        }
    }

    #[test]
    fn malformed_shapes_say_what_was_expected() {
        let cases = [
            ("# crmpol: allow W0203", "expected `allow(` after `crmpol:`"),
            ("# crmpol: Allow(W0203)", "expected `allow(` after `crmpol:`"),
            ("# crmpol: allow (W0203)", "expected `allow(` after `crmpol:`"),
            ("# crmpol:", "expected `allow(` after `crmpol:`"),
            ("# crmpol: allow()", "expected a code"),
            ("# crmpol: allow(W0201,,W0203)", "expected a code"),
            ("# crmpol: allow(W0201,)", "expected a code"),
            ("# crmpol: allow(W0201", "expected `,` or `)` after the code"),
            ("# crmpol: allow(W0201 W0203)", "expected `,` or `)` after the code"),
            ("# crmpol: allow(W0203) survey queue", "expected nothing after `)`"),
        ];
        for (comment, expected) in cases {
            assert_eq!(parse_directive(comment), Directive::Malformed(expected), "{comment}");
        }
    }

    #[test]
    fn only_warnings_other_than_w0206_can_be_allowed() {
        assert_eq!(allowable_code("w0203"), Ok(Code::W0203));
        assert_eq!(allowable_code("E0101"), Err(Refusal::Error(Code::E0101)));
        assert_eq!(allowable_code("W0206"), Err(Refusal::Stale));
        for text in ["W9999", "X1", ""] {
            assert_eq!(allowable_code(text), Err(Refusal::Unknown), "{text}");
        }
    }
}
