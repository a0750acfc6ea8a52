//! Applying fixes: a policy set and its analysis in, the policy set with
//! every automatic fix applied (and the analysis of what is left) out.
//!
//! Only what the author evidently meant is done without asking, after
//! ruff's model of safe and unsafe fixes (see `docs/cli.md`):
//! - a diagnostic's fix is applied only when it is the diagnostic's only fix
//!   and is safe (or unsafe, under `--unsafe-fixes`): with two candidate
//!   fixes, choosing is a person's job;
//! - fixes of whole-policy findings (a redundant or ineffective setting) wait
//!   until no statement is unreadable or unknown: while one is, the policy
//!   seen is incomplete, and such a fix could remove a line that the missing
//!   statement makes necessary;
//! - no whole-policy fix is applied while the policy set itself is in doubt:
//!   when `crm:` is declared in two files or twice with different CRMs,
//!   the files probably belong to different policy sets;
//! - a fix that would change nothing is not a fix, and is not reported;
//! - a round that would make things worse (see [`is_worse`]) is undone, and
//!   fixing stops there.
//!
//! Fixes whose edits would overlap an edit already taken are left for the
//! next round, so edits never fight over the same bytes; identical edits
//! from two diagnostics (the same line removed twice) count once. After the
//! last round the layout around every edit is tidied ([`tidy`]), so a file
//! in the canonical layout stays in it.

mod apply;
mod tidy;

pub use apply::apply_edits;

use crate::Analysis;
use crate::diagnostic::{Code, Diagnostic, Edit};
use crate::source::{FileId, SourceFile, SourceSet};
use apply::TakenEdits;
use std::collections::BTreeMap;

/// How many times [`fix_all`] re-checks and fixes again: a fix can uncover
/// another (a typo corrected reveals a redundant line).
pub const MAX_PASSES: usize = 10;

/// Which fixes may be applied without a person choosing them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Apply a diagnostic's only fix also when it is unsafe.
    pub unsafe_fixes: bool,
}

/// What [`fix_all`] did, and the analysis of the text it left.
#[derive(Clone, Debug)]
pub struct Fixed {
    /// The fixes applied, with each one's line in the text it was applied to.
    pub applied: Vec<AppliedFix>,
    /// The analysis of the fixed sources (what is left to report).
    pub analysis: Analysis,
}

/// Applies automatic fixes to the sources in memory, round after round,
/// until none is left or [`MAX_PASSES`] is reached, then tidies the layout
/// where they changed it.
pub fn fix_all(sources: &mut SourceSet, options: FixOptions) -> Fixed {
    let original = sources.clone();
    let mut applied = Vec::new();
    let mut touched: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
    let mut analysis = crate::analyze(sources);
    for round in 1..=MAX_PASSES {
        let pass = apply_automatic_fixes(sources, &analysis, options);
        if pass.applied.is_empty() {
            break;
        }
        let before = sources.clone();
        for (file, text) in &pass.changed {
            sources.replace_text(*file, text.clone());
        }
        let after = crate::analyze(sources);
        if is_worse(&analysis, &after) {
            // A fix that makes things worse is a bug in its rule; keep the
            // files as the previous round left them.
            *sources = before;
            break;
        }
        for (file, edits) in pass.edits_by_file() {
            let points = touched.entry(file).or_default();
            apply::map_through(points, &edits);
            points.extend(apply::new_positions(&edits));
        }
        applied.extend(pass.applied.into_iter().map(|fix| AppliedFix { round, ..fix }));
        analysis = after;
    }
    let mut tidied = false;
    for (file, points) in &touched {
        if let Some(text) = relaid(&original, sources, *file, points) {
            sources.replace_text(*file, text);
            tidied = true;
        }
    }
    if tidied {
        analysis = crate::analyze(sources);
    }
    Fixed { applied, analysis }
}

/// The layout of a fixed file: a file that was in the canonical layout is
/// formatted again, so it stays canonical (a corrected setting name moves to
/// its place among the settings); any other file is only tidied where the
/// fixes edited it. `None` when the text stays as the fixes left it.
fn relaid(original: &SourceSet, fixed: &SourceSet, file: FileId, touched: &[usize]) -> Option<String> {
    let before = original.get(file)?;
    let after = fixed.get(file)?;
    let options = crate::format::FormatOptions::default();
    let was_canonical = crate::format::is_canonical(before, options);
    if was_canonical && let Ok(text) = crate::format::format_file(after, options) {
        return (text != after.text).then_some(text);
    }
    tidy::tidy(file, after, touched)
}

/// Whether a round made things worse: more errors about the text (lines
/// that cannot be read, unknown names and values), or, when the text read
/// cleanly, more errors at all. Errors that appear because a statement
/// could be read at last were there all along, so they do not count
/// against a round that fixed the text; and errors count by the entries
/// they are about, as removing a redundant line can regroup the same errors
/// by other causes.
fn is_worse(before: &Analysis, after: &Analysis) -> bool {
    let about_the_text = |analysis: &Analysis| {
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && is_about_one_statement(d.code))
            .count()
    };
    let burden = |analysis: &Analysis| -> usize {
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.entries.len().max(1))
            .sum()
    };
    about_the_text(after) > about_the_text(before) || (about_the_text(before) == 0 && burden(after) > burden(before))
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
    /// The edits taken, none overlapping another.
    pub edits: Vec<Edit>,
    /// The new text of each file that changed, by file.
    pub changed: Vec<(FileId, String)>,
}

impl FixPass {
    fn edits_by_file(&self) -> BTreeMap<FileId, Vec<Edit>> {
        let mut by_file: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
        for edit in &self.edits {
            by_file.entry(edit.span.file()).or_default().push(edit.clone());
        }
        for edits in by_file.values_mut() {
            edits.sort_by_key(|edit| (edit.span.start(), edit.span.end()));
        }
        by_file
    }
}

/// Applies every automatic fix of an analysis that does not collide with
/// another one. Files that are not clean UTF-8 text are never touched:
/// writing them back would replace bytes that were never shown to anyone.
pub fn apply_automatic_fixes(sources: &SourceSet, analysis: &Analysis, options: FixOptions) -> FixPass {
    let rules = Rules::for_diagnostics(&analysis.diagnostics, options, analysis.set_in_doubt());
    apply_fixes_of(sources, &analysis.diagnostics, rules)
}

/// What a pass may apply.
#[derive(Clone, Copy, Debug)]
struct Rules {
    options: FixOptions,
    /// No statement is unreadable or unknown.
    policy_is_complete: bool,
    /// The files may not belong to one policy set.
    set_in_doubt: bool,
}

impl Rules {
    fn for_diagnostics(diagnostics: &[Diagnostic], options: FixOptions, set_in_doubt: bool) -> Rules {
        Rules {
            options,
            policy_is_complete: !diagnostics
                .iter()
                .any(|d| d.is_error() && is_about_one_statement(d.code)),
            set_in_doubt,
        }
    }

    fn allows(&self, code: Code) -> bool {
        is_about_one_statement(code) || (self.policy_is_complete && !self.set_in_doubt)
    }
}

fn apply_fixes_of(sources: &SourceSet, diagnostics: &[Diagnostic], rules: Rules) -> FixPass {
    let editable_files: Vec<bool> = sources.iter().map(|(_, file)| is_editable(file)).collect();
    let mut taken = TakenEdits::default();
    let mut pass = FixPass::default();
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic.automatic_fix(rules.options.unsafe_fixes) else {
            continue;
        };
        if !rules.allows(diagnostic.code) || fix.edits.is_empty() {
            continue;
        }
        let editable = fix
            .edits
            .iter()
            .all(|edit| editable_files.get(edit.span.file().0).copied().unwrap_or(false));
        if !editable || changes_nothing(sources, &fix.edits) || fix.edits.iter().any(|edit| taken.collides(edit)) {
            continue;
        }
        for edit in &fix.edits {
            taken.insert(edit);
        }
        let first = &fix.edits[0];
        pass.applied.push(AppliedFix {
            round: 1,
            file: first.span.file(),
            line: sources
                .get(first.span.file())
                .map_or(1, |file| file.line_column(first.span.start()).line),
            code: diagnostic.code,
            description: fix.description.clone(),
        });
    }
    pass.edits = taken.into_edits();
    pass.changed = apply_edits(sources, &pass.edits);
    pass
}

/// Every edit puts back exactly the text already there.
fn changes_nothing(sources: &SourceSet, edits: &[Edit]) -> bool {
    edits.iter().all(|edit| {
        sources
            .get(edit.span.file())
            .is_some_and(|file| file.text.get(edit.span.range()) == Some(edit.replacement.as_str()))
    })
}

/// Codes whose finding, and fix, concern one statement alone: syntax and
/// the words of the language. Every other code is about the policy as a
/// whole.
pub(crate) fn is_about_one_statement(code: Code) -> bool {
    matches!(code, Code::E0001 | Code::E0002 | Code::E0003 | Code::E0008)
}

fn is_editable(file: &SourceFile) -> bool {
    file.invalid_utf8_at.is_none() && !file.text.contains('\0')
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

    fn apply_automatic_fixes(sources: &SourceSet, diagnostics: &[Diagnostic]) -> FixPass {
        let rules = Rules::for_diagnostics(diagnostics, FixOptions::default(), false);
        apply_fixes_of(sources, diagnostics, rules)
    }

    #[test]
    fn applies_edits_from_the_back_so_offsets_stay_valid() {
        let fixes = vec![
            diagnostic_with(vec![Fix::safe("a", vec![replace(0, 3, "one")])]),
            diagnostic_with(vec![Fix::safe("b", vec![replace(4, 7, "two")])]),
        ];
        let pass = apply_automatic_fixes(&sources("abc def"), &fixes);
        assert_eq!(pass.changed, [(FileId(0), "one two".to_owned())]);
        assert_eq!(pass.applied.len(), 2);
    }

    #[test]
    fn skips_colliding_fixes_and_choices() {
        let fixes = vec![
            diagnostic_with(vec![Fix::safe("a", vec![replace(0, 5, "x")])]),
            diagnostic_with(vec![Fix::safe("overlaps a", vec![replace(3, 7, "y")])]),
            diagnostic_with(vec![Fix::unsafe_fix("a guess", vec![replace(6, 7, "z")])]),
            diagnostic_with(vec![
                Fix::safe("one of two", vec![replace(8, 9, "1")]),
                Fix::safe("two of two", vec![replace(8, 9, "2")]),
            ]),
        ];
        let pass = apply_automatic_fixes(&sources("0123456789"), &fixes);
        assert_eq!(pass.changed, [(FileId(0), "x56789".to_owned())]);
        assert_eq!(pass.applied.len(), 1);
    }

    #[test]
    fn the_same_edit_from_two_diagnostics_counts_once() {
        let same = || vec![Fix::safe("remove", vec![replace(0, 2, "")])];
        let pass = apply_automatic_fixes(&sources("ab\ncd"), &[diagnostic_with(same()), diagnostic_with(same())]);
        assert_eq!(pass.changed, [(FileId(0), "\ncd".to_owned())]);
        assert_eq!(pass.applied.len(), 2);
    }

    #[test]
    fn whole_policy_fixes_wait_until_every_statement_is_read() {
        let mut unread = Diagnostic::new(Code::E0001, "a bad line");
        unread.fixes = vec![Fix::safe("fix the line", vec![replace(0, 1, "x")])];
        let mut redundant = Diagnostic::new(Code::W0201, "redundant");
        redundant.fixes = vec![Fix::safe("remove", vec![replace(2, 3, "")])];
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
    fn a_fix_that_changes_nothing_is_not_applied() {
        let same = diagnostic_with(vec![Fix::safe("write `abc`", vec![replace(0, 3, "abc")])]);
        let pass = apply_automatic_fixes(&sources("abc"), &[same]);
        assert!(pass.applied.is_empty());
        assert!(pass.changed.is_empty());
    }

    #[test]
    fn whole_policy_fixes_wait_while_the_set_is_in_doubt() {
        let mut redundant = Diagnostic::new(Code::W0201, "redundant");
        redundant.fixes = vec![Fix::safe("remove", vec![replace(2, 3, "")])];
        let rules = Rules::for_diagnostics(std::slice::from_ref(&redundant), FixOptions::default(), true);
        assert!(apply_fixes_of(&sources("abc"), &[redundant], rules).applied.is_empty());
    }

    #[test]
    fn unsafe_fixes_only_when_asked_and_never_a_choice() {
        let only = diagnostic_with(vec![Fix::unsafe_fix("a", vec![replace(0, 1, "x")])]);
        let choice = diagnostic_with(vec![
            Fix::unsafe_fix("b", vec![replace(2, 3, "y")]),
            Fix::unsafe_fix("c", vec![replace(2, 3, "z")]),
        ]);
        let diagnostics = [only, choice];
        assert!(apply_automatic_fixes(&sources("abc"), &diagnostics).applied.is_empty());
        let unsafe_allowed = FixOptions { unsafe_fixes: true };
        let rules = Rules::for_diagnostics(&diagnostics, unsafe_allowed, false);
        let pass = apply_fixes_of(&sources("abc"), &diagnostics, rules);
        assert_eq!(pass.changed, [(FileId(0), "xbc".to_owned())]);
    }

    #[test]
    fn never_touches_a_file_that_is_not_clean_text() {
        let mut set = SourceSet::new();
        set.add(SourceFile::from_bytes("bad.crmpol", b"ab\xff"));
        let fix = diagnostic_with(vec![Fix::safe("a", vec![replace(0, 1, "x")])]);
        assert!(apply_automatic_fixes(&set, &[fix]).changed.is_empty());
    }
}
