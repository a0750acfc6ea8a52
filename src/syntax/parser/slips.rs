//! Common slips in writing a statement, recognised with what was meant.
//!
//! In: a line pest could not read. Out: an E0001 that names the slip and a
//! safe fix that writes what was evidently meant, for
//! - `//` where a comment starts with `#`;
//! - `=` or `-` where a setting has `:` (`records - option 2`), and a
//!   missing `:` after a setting name or after `crm`;
//! - typographic quotes (`“Billing”`, `‘Billing’`) or single quotes around a
//!   queue name, as a word processor or web page writes them;
//! - a character that looks like a space but is not one (a no-break space
//!   pasted from a web page), or an invisible one, between words.
//!
//! A correction is offered only when the corrected line reads as a
//! statement, so the fix removes the error it is for and adds none.

use super::recovery::BadLine;
use super::{Builder, PolicyGrammar, Rule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::settings::SettingKey;
use crate::source::Spanned;
use crate::syntax::ast::{CrmDecl, NodeKind};
use crate::text;
use crate::vocabulary::{self, Crm};
use pest::Parser;

/// Quote characters that word processors put around words.
const TYPOGRAPHIC_QUOTES: [char; 10] = ['“', '”', '„', '‟', '«', '»', '＂', '‘', '’', '\''];

/// What a line with a slip in it was taken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slip {
    /// A comment: its braces, if any, are text.
    Comment,
    /// A statement: a `{` at its end still opens a block, so braces pair up.
    Statement,
}

/// Whether `line` (one line, without its line break) reads as a statement
/// or a comment, with nothing left over.
fn reads_cleanly(line: &str) -> bool {
    PolicyGrammar::parse(Rule::line, line)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|line| line.into_inner().all(|part| part.as_rule() != Rule::bad_line))
}

/// `text` with the edits (byte ranges within it) applied.
fn corrected(text: &str, edits: &[(std::ops::Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, replacement) in edits {
        out.push_str(&text[copied..range.start]);
        out.push_str(replacement);
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    out
}

impl Builder<'_> {
    /// The slips this module knows, tried in turn on a line pest could not
    /// read. Returns what the line was taken for, if one was recognised
    /// (and reported).
    pub(super) fn recognise_slip(&mut self, line: &BadLine<'_>) -> Option<Slip> {
        if self.slash_comment(line) {
            return Some(Slip::Comment);
        }
        let statement =
            self.look_alike_characters(line) || self.typographic_quotes(line) || self.crm_without_colon(line);
        statement.then_some(Slip::Statement)
    }

    /// The diagnostic for a slip whose correction reads cleanly, else `None`.
    fn correction(
        &self,
        line: &BadLine<'_>,
        edits: Vec<(std::ops::Range<usize>, String)>,
        message: String,
        label: &str,
        description: String,
    ) -> Option<Diagnostic> {
        let first = edits.first()?.0.clone();
        if !reads_cleanly(&corrected(line.text, &edits)) {
            return None;
        }
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|(range, replacement)| {
                Edit::replace(self.span(line.start + range.start, line.start + range.end), replacement)
            })
            .collect();
        // An insertion is reported at its point; a replacement, on what it replaces.
        let at = self.span(line.start + first.start, line.start + first.end);
        Some(
            Diagnostic::new(Code::E0001, message)
                .with_primary(at, label)
                .with_fix(Fix::safe(description, edits)),
        )
    }

    /// `// note`: a comment written the C way.
    fn slash_comment(&mut self, line: &BadLine<'_>) -> bool {
        if !line.text.starts_with("//") {
            return false;
        }
        let Some(diagnostic) = self.correction(
            line,
            vec![(0..2, "#".to_owned())],
            "comments start with `#`, not `//`".to_owned(),
            "not a comment",
            "start the comment with `#`".to_owned(),
        ) else {
            return false;
        };
        self.diagnostics
            .push(diagnostic.with_help("write `#` where the comment starts"));
        true
    }

    /// A no-break space (or another character that looks like a space, or
    /// an invisible one) between the words of a statement.
    fn look_alike_characters(&mut self, line: &BadLine<'_>) -> bool {
        let code = line.code();
        let mut edits = Vec::new();
        let mut first = None;
        for (at, c) in code.char_indices() {
            let replacement = if text::is_space_look_alike(c) {
                " "
            } else if text::is_invisible(c) || text::is_bidi_control(c) {
                ""
            } else {
                continue;
            };
            first.get_or_insert(c);
            edits.push((at..at + c.len_utf8(), replacement.to_owned()));
        }
        let Some(first) = first else { return false };
        let what = text::describe_char(first);
        let Some(diagnostic) = self.correction(
            line,
            edits,
            format!("this line holds {what} where a space belongs"),
            "not a space",
            "write plain spaces".to_owned(),
        ) else {
            return false;
        };
        self.diagnostics.push(diagnostic.with_help(
            "text pasted from a web page or a word processor can hold characters that look like spaces; \
             between words crmpol reads only spaces and tabs",
        ));
        true
    }

    /// `queue “Billing” {`: quotes a word processor wrote.
    fn typographic_quotes(&mut self, line: &BadLine<'_>) -> bool {
        if !matches!(line.first_word(), "queue") {
            return false;
        }
        let code = line.code();
        let mut in_straight_quotes = false;
        let mut edits = Vec::new();
        for (at, c) in code.char_indices() {
            match c {
                '"' => in_straight_quotes = !in_straight_quotes,
                c if !in_straight_quotes && TYPOGRAPHIC_QUOTES.contains(&c) => {
                    edits.push((at..at + c.len_utf8(), "\"".to_owned()));
                }
                _ => {}
            }
        }
        if edits.is_empty() {
            return false;
        }
        let fixed = corrected(code, &edits);
        let Some(diagnostic) = self.correction(
            line,
            edits,
            "queue names are written between straight double quotes `\"`".to_owned(),
            "not a straight double quote",
            format!("write `{}`", text::quoted(&fixed)),
        ) else {
            return false;
        };
        self.diagnostics.push(diagnostic.with_help(format!(
            "write `{}`; typographic quotes are what word processors and web pages put in",
            text::quoted(&fixed)
        )));
        true
    }

    /// `crm salesforce`: the declaration without its `:`. It still counts
    /// as the declaration, read as if the `:` were there.
    fn crm_without_colon(&mut self, line: &BadLine<'_>) -> bool {
        if line.first_word() != "crm" {
            return false;
        }
        let rest = &line.text[3..];
        let value_text = text::trim_start_blanks(rest);
        if value_text.is_empty() || value_text.starts_with([':', '#']) || !rest.starts_with([' ', '\t']) {
            return false;
        }
        let value_start = line.text.len() - value_text.len();
        let value = text::trim_end_blanks(value_text.split('#').next().unwrap_or(""));
        let Some(diagnostic) = self.correction(
            line,
            vec![(3..3, ":".to_owned())],
            "expected `:` after `crm`".to_owned(),
            "`:` missing here",
            "add `:`".to_owned(),
        ) else {
            return false;
        };
        let written = Spanned::new(
            vocabulary::fold_whitespace(value),
            self.span(line.start + value_start, line.start + value_start + value.len()),
        );
        let crm = Crm::from_keyword(&written.value);
        self.diagnostics
            .push(diagnostic.with_help(format!("write `crm: {}`", text::quoted(&written.value))));
        let statement = self.span(line.start, line.start + line.code().len());
        self.add(
            NodeKind::Crm(CrmDecl {
                written: Some(written),
                crm,
            }),
            statement,
            None,
        );
        true
    }

    /// `skip record creation yes`, `records - option 2`, `... = yes`: a known
    /// setting name, then something other than `:` before its value.
    /// Returns the diagnostic, with a fix when the line then reads cleanly
    /// and the setting may stand where it is.
    pub(super) fn setting_without_colon(&self, line: &BadLine<'_>, at_top_level: bool) -> Option<Diagnostic> {
        let (key, name_end) = line.setting_name_without_colon()?;
        let after_name = &line.text[name_end..];
        let value_text = text::trim_start_blanks(after_name);
        let separator = ["=", "-", "–", "—"]
            .into_iter()
            .find(|separator| value_text.starts_with(separator));
        let value_text = separator.map_or(value_text, |separator| {
            text::trim_start_blanks(&value_text[separator.len()..])
        });
        let value = text::trim_end_blanks(value_text.split('#').next().unwrap_or(""));
        let at = line.start + name_end;
        let found = separator.map_or(String::new(), |separator| format!(", found `{separator}`"));
        let mut diagnostic = Diagnostic::new(
            Code::E0001,
            format!("expected `:` after the setting name `{}`{found}", key.name()),
        );
        if value.is_empty() {
            let examples: Vec<String> = key
                .value_spellings()
                .iter()
                .map(|spelling| format!("`{key}: {spelling}`"))
                .collect();
            return Some(
                diagnostic
                    .with_primary(self.span(at, at), "`:` and a value missing here")
                    .with_help(format!(
                        "a setting is written `NAME: VALUE`: {}",
                        text::or_list(&examples)
                    )),
            );
        }
        let meant = format!("{key}: {}", text::quoted(value));
        diagnostic = match separator {
            Some(separator) => {
                let start = name_end + (after_name.len() - text::trim_start_blanks(after_name).len());
                diagnostic.with_primary(
                    self.span(line.start + start, line.start + start + separator.len()),
                    "write `:` here",
                )
            }
            None => diagnostic.with_primary(self.span(at, at), "`:` missing here"),
        };
        diagnostic = diagnostic.with_help(format!("a setting is written `NAME: VALUE`: write `{meant}`"));
        if at_top_level {
            return Some(diagnostic.with_note("settings go inside `defaults { }`, a `queue` block or a channel block"));
        }
        // A missing `:` is inserted; a wrong separator is replaced, blanks
        // around it included.
        let value_start = line.text.len() - value_text.len();
        let edit = match separator {
            None => (name_end..name_end, ":".to_owned()),
            Some(_) => (name_end..value_start, ": ".to_owned()),
        };
        if !reads_cleanly(&corrected(line.text, std::slice::from_ref(&edit))) {
            return Some(diagnostic);
        }
        let description = match separator {
            Some(separator) => format!("write `:` in place of `{separator}`"),
            None => "add `:`".to_owned(),
        };
        Some(diagnostic.with_fix(Fix::safe(
            description,
            vec![Edit::replace(
                self.span(line.start + edit.0.start, line.start + edit.0.end),
                edit.1,
            )],
        )))
    }
}

impl BadLine<'_> {
    /// `skip record creation yes`: a known setting name not followed by `:`.
    /// Returns the setting and where its name ends in the line.
    pub(super) fn setting_name_without_colon(&self) -> Option<(SettingKey, usize)> {
        SettingKey::ALL.into_iter().find_map(|key| {
            let mut rest = self.text;
            for word in key.name().split(' ') {
                rest = text::trim_start_blanks(rest).strip_prefix(word)?;
            }
            let follows = rest.is_empty() || rest.starts_with([' ', '\t', '=', '-', '–', '—']);
            follows.then(|| (key, self.text.len() - rest.len()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_must_read_cleanly() {
        assert!(reads_cleanly("queue \"Billing\" {"));
        assert!(reads_cleanly("# note"));
        assert!(!reads_cleanly("queue “Billing” {"));
    }
}
