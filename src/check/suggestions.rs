//! "Did you mean": the help and fixes E0002 and E0003 give for a misspelt
//! name or value.
//!
//! In: what was written, where, and the spellings that would be right. Out:
//! help text and fixes. A correction is safe only when it is evidently what
//! was meant: a small typo with no rival (see `vocabulary::suggest`), a
//! look-alike character such as a no-break space where a space belongs, a
//! comment started with `//`, or a well-known way of writing a value
//! (`true` for `yes`). Anything else is shown as a suggestion, with unsafe
//! fixes an editor can offer.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::source::Spanned;
use crate::text::{self, or_list};
use crate::vocabulary::{self, Suggestion};

/// Adds the help and fixes for `written` (its text folded; `raw` is the
/// text under its span), when some spelling in `candidates` is what it most
/// likely means. Returns the diagnostic and whether anything was suggested.
pub fn did_you_mean<S: AsRef<str>>(
    diagnostic: Diagnostic,
    written: &Spanned<S>,
    raw: &str,
    candidates: &[&str],
) -> (Diagnostic, bool) {
    if let Some((meant, why)) = hidden_characters(written.value.as_ref(), candidates) {
        let diagnostic = diagnostic
            .with_help(format!("{why}; write `{meant}`"))
            .with_fix(Fix::safe(
                format!("write `{meant}`"),
                vec![Edit::replace(written.span, meant)],
            ));
        return (diagnostic, true);
    }
    if let Some((meant, comment_at)) = slash_comment(raw, candidates) {
        let comment = text::quoted(&raw[comment_at + 2..]);
        let start = written.span.start() + comment_at;
        let diagnostic = diagnostic
            .with_help(format!("comments start with `#`: write `{meant} #{comment}`"))
            .with_fix(Fix::safe(
                "start the comment with `#`",
                vec![Edit::replace(
                    crate::source::Span::new(written.span.file(), start, start + 2),
                    "#",
                )],
            ));
        return (diagnostic, true);
    }
    match vocabulary::suggest(written.value.as_ref(), candidates) {
        Suggestion::None => (diagnostic, false),
        Suggestion::One { spelling, safe } => {
            let edits = vec![Edit::replace(written.span, spelling)];
            let description = format!("write `{spelling}`");
            let fix = if safe {
                Fix::safe(description, edits)
            } else {
                Fix::unsafe_fix(description, edits)
            };
            (
                diagnostic
                    .with_help(format!("did you mean `{spelling}`?"))
                    .with_fix(fix),
                true,
            )
        }
        Suggestion::Several(spellings) => {
            let quoted: Vec<String> = spellings.iter().map(|spelling| format!("`{spelling}`")).collect();
            let mut diagnostic = diagnostic.with_help(format!("did you mean {}?", or_list(&quoted)));
            for spelling in spellings {
                diagnostic = diagnostic.with_fix(Fix::unsafe_fix(
                    format!("write `{spelling}`"),
                    vec![Edit::replace(written.span, spelling)],
                ));
            }
            (diagnostic, true)
        }
    }
}

/// A well-known other way of writing a value, as a safe fix; `why` says
/// how crmpol writes it.
pub fn synonym<S>(diagnostic: Diagnostic, written: &Spanned<S>, meant: &str, why: &str) -> Diagnostic {
    diagnostic
        .with_help(format!("{why}: write `{meant}`"))
        .with_fix(Fix::safe(
            format!("write `{meant}`"),
            vec![Edit::replace(written.span, meant)],
        ))
}

/// When `written` is a candidate but for look-alike or invisible
/// characters: the candidate, and what is wrong in words.
fn hidden_characters<'a>(written: &str, candidates: &[&'a str]) -> Option<(&'a str, String)> {
    let (at, first) = written
        .char_indices()
        .find(|&(_, c)| text::needs_escape(c) || text::is_space_look_alike(c))?;
    let cleaned: String = written
        .chars()
        .filter_map(|c| {
            if text::is_space_look_alike(c) {
                Some(' ')
            } else if text::needs_escape(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect();
    let cleaned = vocabulary::fold_whitespace(&cleaned);
    let meant = candidates.iter().copied().find(|candidate| *candidate == cleaned)?;
    let where_ = if written[at..]
        .chars()
        .all(|c| text::needs_escape(c) || text::is_space_look_alike(c))
    {
        "at its end"
    } else if text::is_space_look_alike(first) && meant.contains(' ') {
        "where a space belongs"
    } else {
        "that does not belong there"
    };
    Some((meant, format!("it holds {} {where_}", text::describe_char(first))))
}

/// `yes // note`: a value followed by a comment written the C way.
fn slash_comment<'a>(written: &str, candidates: &[&'a str]) -> Option<(&'a str, usize)> {
    let at = written.find("//")?;
    let before = vocabulary::fold_whitespace(&written[..at]);
    let meant = candidates.iter().copied().find(|candidate| *candidate == before)?;
    Some((meant, at))
}
