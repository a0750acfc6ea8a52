//! Code actions and formatting, as edits an editor applies.
//!
//! In: a [`Semantics`], a file and a span (the editor's selection or
//! cursor). Out: [`CodeAction`]s, one per fix of each diagnostic in force
//! whose labels touch the span, preferred when it is the fix `crmpol check
//! --fix` would apply (the diagnostic's only fix, and safe), plus one source
//! action applying every safe fix in the file; and a file's `crmpol fmt`
//! layout as the few [`Edit`]s that turn the text into it.

use super::Semantics;
use crate::diagnostic::{Diagnostic, Edit};
use crate::fix::{FixOptions, fix_all};
use crate::format::{FormatError, FormatOptions, format_file};
use crate::source::{FileId, Span};

/// What an action is for, as an editor groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// A fix of one diagnostic.
    QuickFix,
    /// Every safe fix of a file at once.
    FixAll,
}

/// One action an editor offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: ActionKind,
    /// The safe fix `--fix` would apply; an editor may apply it on a key.
    pub preferred: bool,
    /// Edits in one or more files of the set.
    pub edits: Vec<Edit>,
    /// The diagnostic it fixes, for a quick fix.
    pub diagnostic: Option<Diagnostic>,
}

/// The title of the action that applies every safe fix of a file.
pub const FIX_ALL_TITLE: &str = "Fix all safe problems in this file";

impl<'s> Semantics<'s> {
    /// The quick fixes for the diagnostics touching `span`. The fix-all
    /// action costs a whole `--fix` run, so it is asked for on its own
    /// ([`Semantics::has_fix_all`], [`Semantics::fix_all_in`]).
    pub fn quick_fixes(&self, file: FileId, span: Span) -> Vec<CodeAction> {
        let mut actions = Vec::new();
        for diagnostic in &self.snapshot.analysis.diagnostics {
            if !touches(diagnostic, file, span) {
                continue;
            }
            let automatic = diagnostic.automatic_fix(false);
            for fix in &diagnostic.fixes {
                let unsafe_note = if fix.is_safe() {
                    ""
                } else {
                    " (unsafe: check the result)"
                };
                actions.push(CodeAction {
                    title: format!("{}: {}{unsafe_note}", diagnostic.code, fix.description),
                    kind: ActionKind::QuickFix,
                    preferred: automatic == Some(fix),
                    edits: fix.edits.clone(),
                    diagnostic: Some(diagnostic.clone()),
                });
            }
        }
        actions
    }

    /// Whether the file has a diagnostic whose fix `--fix` would apply:
    /// cheap, where [`Semantics::fix_all_in`] runs the fixes.
    pub fn has_fix_all(&self, file: FileId) -> bool {
        self.snapshot.analysis.diagnostics.iter().any(|diagnostic| {
            diagnostic.primary_span().is_some_and(|span| span.file() == file)
                && diagnostic.automatic_fix(false).is_some()
        })
    }

    /// Every safe fix `crmpol check --fix` would make, as edits to this
    /// file only: fixes it would make to other files are left to them.
    pub fn fix_all_in(&self, file: FileId) -> Option<CodeAction> {
        if !self.has_fix_all(file) {
            return None;
        }
        let mut sources = self.snapshot.sources.clone();
        fix_all(&mut sources, FixOptions::default());
        let before = self.snapshot.sources.get(file)?;
        let after = sources.get(file)?;
        let edits = minimal_edits(file, &before.text, &after.text);
        (!edits.is_empty()).then(|| CodeAction {
            title: FIX_ALL_TITLE.to_owned(),
            kind: ActionKind::FixAll,
            preferred: false,
            edits,
            diagnostic: None,
        })
    }

    /// The edits that lay a file out as `crmpol fmt` would; none when it is
    /// already laid out so. Refused, like `crmpol fmt`, when the file has
    /// syntax errors or its layout is refused.
    pub fn formatting(&self, file: FileId) -> Result<Vec<Edit>, FormatError> {
        let Some(source) = self.snapshot.sources.get(file) else {
            return Ok(Vec::new());
        };
        let formatted = format_file(source, FormatOptions::default())?;
        // As `crmpol fmt` does: the set as a whole must mean the same.
        let mut after = self.snapshot.sources.clone();
        after.replace_text(file, formatted.clone());
        let after = crate::analyze(&after);
        let before = &self.snapshot.analysis;
        if before.table() != after.table() || before.findings() != after.findings() {
            return Err(FormatError::WouldChangeMeaning(
                "the policy set's decision table or diagnostics would change".to_owned(),
            ));
        }
        Ok(minimal_edits(file, &source.text, &formatted))
    }
}

/// Whether one of a diagnostic's labels is in `file` and meets `span`.
fn touches(diagnostic: &Diagnostic, file: FileId, span: Span) -> bool {
    diagnostic
        .labels
        .iter()
        .any(|label| label.span.file() == file && label.span.start() <= span.end() && span.start() <= label.span.end())
}

/// Line-by-line differences between two texts as edits of the first: what
/// an editor applies without moving the cursor or folds in unchanged lines.
pub fn minimal_edits(file: FileId, before: &str, after: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(before, after);
    let old_starts = line_starts(before);
    let new_starts = line_starts(after);
    let at = |starts: &[usize], line: usize, text: &str| starts.get(line).copied().unwrap_or(text.len());
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (old, new) = (op.old_range(), op.new_range());
            let span = Span::new(
                file,
                at(&old_starts, old.start, before),
                at(&old_starts, old.end, before),
            );
            let replacement = after
                .get(at(&new_starts, new.start, after)..at(&new_starts, new.end, after))
                .unwrap_or("");
            Edit::replace(span, replacement)
        })
        .collect()
}

/// Where each line starts, as `similar` splits lines (after each `\n`).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceSet;
    use crate::workspace::snapshot_of_texts;

    /// `text` with `edits` applied.
    fn apply_edits(text: &str, edits: &[Edit]) -> String {
        let sources = SourceSet::from_texts([("p.crmpol", text)]);
        crate::fix::apply_edits(&sources, edits)
            .into_iter()
            .next()
            .map_or_else(|| text.to_owned(), |(_, text)| text)
    }

    fn snapshot(text: &str) -> std::sync::Arc<crate::workspace::Snapshot> {
        snapshot_of_texts(&[("p.crmpol", text)])
    }

    #[test]
    fn minimal_edits_rebuild_the_new_text() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb", "a\nb\n"),
            ("", "x\n"),
            ("x\ny\n", ""),
            ("1\n2\n3\n4\n", "0\n1\n3\n4\n5"),
        ];
        for (before, after) in cases {
            let edits = minimal_edits(FileId(0), before, after);
            assert_eq!(apply_edits(before, &edits), after, "{before:?} → {after:?}");
        }
        assert_eq!(minimal_edits(FileId(0), "a\nb\n", "a\nb\n"), []);
    }

    #[test]
    fn only_the_safe_only_fix_is_preferred() {
        // `skip acount creation` has one clearly closest setting: a safe
        // fix. E0101's two fixes each decide something: never preferred.
        let text = "crm: zendesk\nqueue \"A\" {\n    skip acount creation: yes\n    skip account lookup: yes\n    append to latest open record: yes\n}\n";
        let snapshot = snapshot(text);
        let semantics = Semantics::of(&snapshot);
        let everything = Span::new(FileId(0), 0, text.len());
        let actions = semantics.quick_fixes(FileId(0), everything);
        let preferred: Vec<&str> = actions
            .iter()
            .filter(|a| a.preferred)
            .map(|a| a.title.as_str())
            .collect();
        assert_eq!(preferred.len(), 1, "{actions:#?}");
        assert!(preferred[0].starts_with("E0002"), "{preferred:?}");
        assert!(
            actions
                .iter()
                .any(|a| a.title.starts_with("E0101") && a.title.ends_with("(unsafe: check the result)"))
        );
        assert!(semantics.has_fix_all(FileId(0)));
        let fix_all = semantics.fix_all_in(FileId(0)).expect("fix all");
        assert_eq!(fix_all.kind, ActionKind::FixAll);
        let fixed = apply_edits(text, &fix_all.edits);
        assert!(fixed.contains("skip account creation: yes"), "{fixed}");
        assert!(
            fixed.contains("append to latest open record: yes"),
            "unsafe fixes are not applied: {fixed}"
        );
    }

    #[test]
    fn formatting_gives_edits_or_refuses_broken_syntax() {
        let snapshot_ok = snapshot("crm: zendesk\n\nqueue \"A\" {\n  records: option 1\n}\n");
        let edits = Semantics::of(&snapshot_ok).formatting(FileId(0)).expect("formats");
        assert_eq!(edits.len(), 1, "only the indented line changes: {edits:?}");
        let broken = snapshot("crm: zendesk\nqueue A {\n");
        assert!(matches!(
            Semantics::of(&broken).formatting(FileId(0)),
            Err(FormatError::Syntax(_))
        ));
    }
}
