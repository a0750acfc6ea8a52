//! Applying fixes: diagnostics and the sources they point into in, the
//! sources with every automatic fix applied out.
//!
//! A diagnostic's fix is applied automatically only when it is the
//! diagnostic's only fix and is marked machine-applicable. Fixes of
//! whole-policy findings (a redundant or ineffective setting, a missing
//! `skip account creation`) wait until no statement is unreadable or
//! unknown: while one is, the policy seen is incomplete, and such a fix
//! could remove a line that the missing statement makes necessary. Fixes whose edits
//! would overlap an edit already taken are left for the next pass, so edits
//! never fight over the same bytes; identical edits from two diagnostics
//! (the same line removed twice) count once.

use crate::Analysis;
use crate::diagnostic::{Code, Diagnostic, Edit};
use crate::source::{FileId, SourceFile, SourceSet};

/// How many times [`fix_all`] re-checks and fixes again: a fix can uncover
/// another (a `records` option lowered to one its parent already sets).
pub const MAX_PASSES: usize = 10;

/// What [`fix_all`] did, and the analysis of the text it left.
#[derive(Clone, Debug)]
pub struct Fixed {
    /// The fixes applied, with each one's line in the text it was applied to.
    pub applied: Vec<AppliedFix>,
    /// The analysis of the fixed sources (what is left to report).
    pub analysis: Analysis,
}

/// Applies automatic fixes to the sources in memory, pass after pass, until
/// none is left or [`MAX_PASSES`] is reached. The last pass already analyzed
/// the final text, so that analysis is returned rather than made again.
pub fn fix_all(sources: &mut SourceSet) -> Fixed {
    let mut applied = Vec::new();
    for round in 1..=MAX_PASSES {
        let analysis = crate::analyze(sources);
        let pass = apply_automatic_fixes(sources, &analysis.diagnostics);
        if pass.applied.is_empty() {
            return Fixed { applied, analysis };
        }
        applied.extend(pass.applied.into_iter().map(|fix| AppliedFix { round, ..fix }));
        for (file, text) in pass.changed {
            sources.replace_text(file, text);
        }
    }
    // The pass limit ended the loop just after a change.
    let analysis = crate::analyze(sources);
    Fixed { applied, analysis }
}

/// A fix that was applied, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub file: FileId,
    /// One-based line in the text the fix was applied to: the file as
    /// read in round 1, the file after the earlier rounds' fixes later.
    pub line: usize,
    /// Which pass of [`fix_all`] applied it, from 1.
    pub round: usize,
    pub code: Code,
    pub description: String,
}

/// The result of one pass over a policy set.
#[derive(Clone, Debug, Default)]
pub struct FixPass {
    pub applied: Vec<AppliedFix>,
    /// The new text of each file that changed, by file.
    pub changed: Vec<(FileId, String)>,
}

/// Applies every automatic fix that does not collide with another one.
/// Files that are not clean UTF-8 text are never touched: writing them back
/// would replace bytes that were never shown to anyone.
pub fn apply_automatic_fixes(sources: &SourceSet, diagnostics: &[Diagnostic]) -> FixPass {
    let mut taken: Vec<Edit> = Vec::new();
    let mut pass = FixPass::default();
    let policy_is_complete = !diagnostics
        .iter()
        .any(|d| d.is_error() && is_about_one_statement(d.code));
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic.automatic_fix() else {
            continue;
        };
        if !policy_is_complete && !is_about_one_statement(diagnostic.code) {
            continue;
        }
        let editable = fix
            .edits
            .iter()
            .all(|edit| sources.get(edit.span.file).is_some_and(is_editable));
        if fix.edits.is_empty() || !editable || fix.edits.iter().any(|edit| collides(edit, &taken)) {
            continue;
        }
        for edit in &fix.edits {
            if !taken.contains(edit) {
                taken.push(edit.clone());
            }
        }
        let first = &fix.edits[0];
        pass.applied.push(AppliedFix {
            round: 1,
            file: first.span.file,
            line: sources
                .get(first.span.file)
                .map_or(1, |file| file.line_column(first.span.start).line),
            code: diagnostic.code,
            description: fix.description.clone(),
        });
    }
    pass.changed = apply_edits(sources, &taken);
    pass
}

/// Codes whose finding, and fix, concern one statement alone: syntax and
/// the words of the language. Every other code is about the policy as a
/// whole.
fn is_about_one_statement(code: Code) -> bool {
    matches!(code, Code::E0001 | Code::E0002 | Code::E0003 | Code::E0008)
}

/// The new text of every file the edits touch. The edits must not overlap;
/// each is applied where it lies in the original text.
pub fn apply_edits(sources: &SourceSet, edits: &[Edit]) -> Vec<(FileId, String)> {
    let mut changed = Vec::new();
    for (file_id, file) in sources.iter() {
        let mut edits: Vec<&Edit> = edits.iter().filter(|edit| edit.span.file == file_id).collect();
        if edits.is_empty() {
            continue;
        }
        // From the back, so the offsets of the edits still to come stay valid.
        edits.sort_by_key(|edit| std::cmp::Reverse((edit.span.start, edit.span.end)));
        let mut text = file.text.clone();
        for edit in edits {
            let fits = edit.span.end <= text.len()
                && text.is_char_boundary(edit.span.start)
                && text.is_char_boundary(edit.span.end);
            if fits {
                text.replace_range(edit.span.range(), &edit.replacement);
            }
        }
        changed.push((file_id, text));
    }
    changed
}

fn is_editable(file: &SourceFile) -> bool {
    file.invalid_utf8_at.is_none() && !file.text.contains('\0')
}

/// Two edits collide when they touch the same bytes, or insert at the same
/// place (their order would be a guess), unless they are the same edit.
fn collides(edit: &Edit, taken: &[Edit]) -> bool {
    taken.iter().any(|other| {
        if other == edit || other.span.file != edit.span.file {
            return false;
        }
        let (a, b) = (edit.span, other.span);
        let overlap = a.start < b.end && b.start < a.end;
        let same_point = a.start == b.start && (a.start == a.end || b.start == b.end);
        overlap || same_point
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::source::Span;

    fn diagnostic_with(fixes: Vec<Fix>) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(Code::W0201, "test");
        diagnostic.fixes = fixes;
        diagnostic
    }

    fn replace(start: usize, end: usize, text: &str) -> Edit {
        Edit::replace(Span::new(FileId(0), start, end), text)
    }

    fn sources(text: &str) -> SourceSet {
        SourceSet::from_texts([("a.crmpol", text)])
    }

    #[test]
    fn applies_edits_from_the_back_so_offsets_stay_valid() {
        let fixes = vec![
            diagnostic_with(vec![Fix::machine_applicable("a", vec![replace(0, 3, "one")])]),
            diagnostic_with(vec![Fix::machine_applicable("b", vec![replace(4, 7, "two")])]),
        ];
        let pass = apply_automatic_fixes(&sources("abc def"), &fixes);
        assert_eq!(pass.changed, [(FileId(0), "one two".to_owned())]);
        assert_eq!(pass.applied.len(), 2);
    }

    #[test]
    fn skips_colliding_fixes_and_choices() {
        let fixes = vec![
            diagnostic_with(vec![Fix::machine_applicable("a", vec![replace(0, 5, "x")])]),
            diagnostic_with(vec![Fix::machine_applicable("overlaps a", vec![replace(3, 7, "y")])]),
            diagnostic_with(vec![Fix::maybe_incorrect("a guess", vec![replace(6, 7, "z")])]),
            diagnostic_with(vec![
                Fix::machine_applicable("one of two", vec![replace(8, 9, "1")]),
                Fix::machine_applicable("two of two", vec![replace(8, 9, "2")]),
            ]),
        ];
        let pass = apply_automatic_fixes(&sources("0123456789"), &fixes);
        assert_eq!(pass.changed, [(FileId(0), "x56789".to_owned())]);
        assert_eq!(pass.applied.len(), 1);
    }

    #[test]
    fn the_same_edit_from_two_diagnostics_counts_once() {
        let same = || vec![Fix::machine_applicable("remove", vec![replace(0, 2, "")])];
        let pass = apply_automatic_fixes(&sources("ab\ncd"), &[diagnostic_with(same()), diagnostic_with(same())]);
        assert_eq!(pass.changed, [(FileId(0), "\ncd".to_owned())]);
        assert_eq!(pass.applied.len(), 2);
    }

    #[test]
    fn whole_policy_fixes_wait_until_every_statement_is_read() {
        let mut unread = Diagnostic::new(Code::E0001, "a bad line");
        unread.fixes = vec![Fix::machine_applicable("fix the line", vec![replace(0, 1, "x")])];
        let mut redundant = Diagnostic::new(Code::W0201, "redundant");
        redundant.fixes = vec![Fix::machine_applicable("remove", vec![replace(2, 3, "")])];
        let pass = apply_automatic_fixes(&sources("abc"), &[unread.clone(), redundant.clone()]);
        assert_eq!(pass.changed, [(FileId(0), "xbc".to_owned())], "only the line's own fix");
        let pass = apply_automatic_fixes(&sources("abc"), &[redundant]);
        assert_eq!(
            pass.changed,
            [(FileId(0), "ab".to_owned())],
            "once the policy reads cleanly"
        );
    }

    #[test]
    fn never_touches_a_file_that_is_not_clean_text() {
        let mut set = SourceSet::new();
        set.add(SourceFile::from_bytes("bad.crmpol", b"ab\xff"));
        let fix = diagnostic_with(vec![Fix::machine_applicable("a", vec![replace(0, 1, "x")])]);
        assert!(apply_automatic_fixes(&set, &[fix]).changed.is_empty());
    }
}
