//! Stage 4b: allow comments, the diagnostics an author marked as intended.
//!
//! In: the diagnostics of a policy set (from the parser and the check
//! rules), its syntax trees (each comment's span, each statement's span and
//! block) and its sources. Out: the diagnostics still in force, those an
//! allow comment silenced, and the problems with the allow comments
//! themselves: E0009 for one that is malformed or lists a code that cannot
//! be allowed, W0206 for a listed code that silences nothing.
//!
//! `# crmpol: allow(W0203)` belongs with the statement at the end of whose
//! line it stands, or with the statement right below it (only comment lines
//! in between). It silences the warnings with a listed code whose primary
//! span starts in that statement or in the block it opens. A diagnostic with
//! no primary span has no place an allow comment could cover, so it is never
//! silenced. When two allow comments could silence a diagnostic, the
//! innermost one (the first, for the same statement) does, so the other
//! shows up as silencing nothing.

use crate::diagnostic::{Code, Diagnostic, Edit, Fix, Severity};
use crate::source::{FileId, SourceFile, SourceSet, Span};
use crate::syntax::{NodeId, SyntaxTree};
use crate::text::{trim_blanks, trim_end_blanks};
use std::sync::Arc;
mod directive;

pub use directive::{Directive, Refusal, allowable_code, parse_directive};

use directive::refused;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The codes this stage reports, about allow comments themselves.
pub const CODES: &[Code] = &[Code::E0009, Code::W0206];

/// A diagnostic an allow comment silenced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    /// The code in the allow comment that silenced it.
    pub by: Span,
}

/// What the stage hands on.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The diagnostics in force, with E0009 and W0206 among them; unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics allow comments silenced; unsorted.
    pub suppressed: Vec<Suppressed>,
}

/// Applies the allow comments of every file to the diagnostics.
pub fn run(diagnostics: Vec<Diagnostic>, trees: &[Arc<SyntaxTree>], sources: &SourceSet) -> Outcome {
    let mut problems = Vec::new();
    let mut comments = Vec::new();
    for tree in trees {
        if let Some(source) = sources.get(tree.file) {
            comments.extend(read_allow_comments(tree, source, &mut problems));
        }
    }
    let allowances: Vec<Allowance> = comments
        .iter()
        .enumerate()
        .flat_map(|(index, comment)| {
            comment.allowed.iter().filter_map(move |&(code, place)| {
                Some(Allowance {
                    comment: index,
                    place,
                    code,
                    at: *comment.listed.get(place)?,
                    scope: comment.target.map(|target| target.scope),
                })
            })
        })
        .collect();
    let silencer = innermost_allowances(&diagnostics, &allowances);
    let mut used = vec![false; allowances.len()];
    for &index in silencer.iter().flatten() {
        if let Some(flag) = used.get_mut(index) {
            *flag = true;
        }
    }
    let mut outcome = Outcome::default();
    for (diagnostic, by) in diagnostics.into_iter().zip(silencer) {
        match by.and_then(|index| allowances.get(index)) {
            Some(allowance) => outcome.suppressed.push(Suppressed {
                diagnostic,
                by: allowance.at,
            }),
            None => outcome.diagnostics.push(diagnostic),
        }
    }
    // While a statement is unreadable or misspelt, the warnings it would
    // cause are missing, and an allow comment for them only looks stale.
    if reads_completely(&outcome.diagnostics) {
        problems.extend(stale_allowances(&comments, &allowances, &used, sources));
    }
    outcome.diagnostics.extend(problems);
    outcome
}

/// An allow comment that has the right shape.
#[derive(Clone, Debug)]
struct AllowComment {
    /// The comment, from `#` to its last character that is not blank.
    span: Span,
    /// Every code listed, in order, including those that cannot be allowed.
    listed: Vec<Span>,
    /// The listed codes that can be allowed, with their place in `listed`.
    allowed: Vec<(Code, usize)>,
    /// What it applies to; `None` when it belongs with no statement.
    target: Option<Target>,
    /// Only blanks stand before it on its line.
    own_line: bool,
}

/// The statement an allow comment belongs with.
#[derive(Clone, Copy, Debug)]
struct Target {
    statement: Span,
    /// The statement and, for a block, everything to its `}`.
    scope: Span,
    /// The statement opens a block.
    is_block: bool,
}

/// One code of one allow comment.
#[derive(Clone, Copy, Debug)]
struct Allowance {
    /// Index of its comment.
    comment: usize,
    /// Its place in the comment's list of codes.
    place: usize,
    code: Code,
    at: Span,
    scope: Option<Span>,
}

/// The allow comments of one file; their E0009s go to `problems`.
fn read_allow_comments(tree: &SyntaxTree, source: &SourceFile, problems: &mut Vec<Diagnostic>) -> Vec<AllowComment> {
    // Built at the first allow comment: most files have none, and the
    // layout indexes every statement of the file.
    let mut layout = None;
    let mut comments = Vec::new();
    for &span in &tree.comments {
        let ranges = match parse_directive(source.slice(span)) {
            Directive::NotForCrmpol => continue,
            Directive::Malformed(expected) => {
                problems.push(malformed(span, expected));
                continue;
            }
            Directive::Allow(ranges) => ranges,
        };
        let listed: Vec<Span> = ranges
            .into_iter()
            .map(|range| Span::new(span.file(), span.start() + range.start, span.start() + range.end))
            .collect();
        let mut allowed = Vec::new();
        for (place, &at) in listed.iter().enumerate() {
            let text = source.slice(at);
            match allowable_code(text) {
                Ok(code) => allowed.push((code, place)),
                Err(refusal) => problems.push(refused(refusal, text, at)),
            }
        }
        let layout = layout.get_or_insert_with(|| Layout::of(tree, source));
        comments.push(AllowComment {
            span,
            listed,
            allowed,
            target: layout.target_of(span),
            own_line: layout.is_own_line(span),
        });
    }
    comments
}

fn malformed(comment: Span, expected: &str) -> Diagnostic {
    Diagnostic::new(Code::E0009, "malformed allow comment")
        .with_primary(comment, expected)
        .with_help(
            "write `# crmpol: allow(W0203)`, or `# crmpol: allow(W0201, W0203)` for several warnings; \
             a comment starting with `crmpol:` is read as an allow comment",
        )
}

/// Where the statements of a file start and end, by line.
struct Layout<'a> {
    tree: &'a SyntaxTree,
    source: &'a SourceFile,
    /// The statement whose span ends on a line, for comments after it.
    ends: HashMap<usize, NodeId>,
    /// For each comment on a line of its own: the statement right below it,
    /// past other such comments.
    above: HashMap<usize, NodeId>,
}

impl<'a> Layout<'a> {
    fn of(tree: &'a SyntaxTree, source: &'a SourceFile) -> Layout<'a> {
        let mut starts = HashMap::new();
        let mut ends = HashMap::new();
        for (id, node) in tree.nodes() {
            starts.insert(source.line_of(node.span.start()), id);
            ends.insert(source.line_of(node.span.end()), id);
        }
        let mut layout = Layout {
            tree,
            source,
            ends,
            above: HashMap::new(),
        };
        let comment_lines: HashSet<usize> = tree
            .comments
            .iter()
            .filter(|comment| layout.is_own_line(**comment))
            .map(|comment| source.line_of(comment.start()))
            .collect();
        // From the bottom up, so a run of comment lines costs one step each.
        for comment in tree.comments.iter().rev() {
            let line = source.line_of(comment.start());
            if !comment_lines.contains(&line) {
                continue;
            }
            let next = line + 1;
            let below = if comment_lines.contains(&next) {
                layout.above.get(&next)
            } else {
                starts.get(&next)
            };
            if let Some(&id) = below {
                layout.above.insert(line, id);
            }
        }
        layout
    }

    fn is_own_line(&self, comment: Span) -> bool {
        let line_start = self
            .source
            .line_start(self.source.line_of(comment.start()))
            .unwrap_or(0);
        let before = self.source.text.get(line_start..comment.start()).unwrap_or("");
        trim_blanks(before).is_empty()
    }

    fn target_of(&self, comment: Span) -> Option<Target> {
        let line = self.source.line_of(comment.start());
        let id = if self.is_own_line(comment) {
            self.above.get(&line)?
        } else {
            self.ends.get(&line)?
        };
        let node = self.tree.node(*id)?;
        let end = match node.block() {
            Some(block) => block.close.map_or(self.source.text.len(), |close| close.end()),
            None => node.span.end(),
        };
        Some(Target {
            statement: node.span,
            scope: Span::new(node.span.file(), node.span.start(), end.max(node.span.end())),
            is_block: node.block().is_some(),
        })
    }
}

/// For each diagnostic, the allowance that silences it, if any: a warning
/// whose primary span starts inside the allowance's scope, with the same
/// code; the innermost such allowance, the first of equal ones. One sweep
/// per file and code, so many allow comments cost no more than reading them.
fn innermost_allowances(diagnostics: &[Diagnostic], allowances: &[Allowance]) -> Vec<Option<usize>> {
    type Candidates = (Vec<(Span, usize)>, Vec<(usize, usize)>);
    let mut by_file_and_code: BTreeMap<(FileId, Code), Candidates> = BTreeMap::new();
    for (index, allowance) in allowances.iter().enumerate() {
        if let Some(scope) = allowance.scope {
            let entry = by_file_and_code.entry((scope.file(), allowance.code)).or_default();
            entry.0.push((scope, index));
        }
    }
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let Some(at) = diagnostic.primary_span() else { continue };
        if diagnostic.severity != Severity::Warning {
            continue;
        }
        if let Some(entry) = by_file_and_code.get_mut(&(at.file(), diagnostic.code)) {
            entry.1.push((at.start(), index));
        }
    }
    let mut silencer = vec![None; diagnostics.len()];
    for (mut scopes, mut positions) in by_file_and_code.into_values() {
        // Outer scopes first, and of equal ones the first comment last, so
        // the top of the stack is the innermost, first allowance.
        scopes.sort_by_key(|&(scope, index)| (scope.start(), Reverse(scope.end()), Reverse(index)));
        positions.sort_unstable();
        let mut pending = scopes.into_iter().peekable();
        let mut open: Vec<(Span, usize)> = Vec::new();
        for (start, diagnostic) in positions {
            while let Some(next) = pending.next_if(|(scope, _)| scope.start() <= start) {
                open.push(next);
            }
            while open.last().is_some_and(|(scope, _)| scope.end() <= start) {
                open.pop();
            }
            if let (Some(slot), Some(&(_, allowance))) = (silencer.get_mut(diagnostic), open.last()) {
                *slot = Some(allowance);
            }
        }
    }
    silencer
}

/// Whether no statement is unreadable or misspelt, so every warning the
/// policy set has is known.
fn reads_completely(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics
        .iter()
        .any(|d| d.is_error() && crate::fix::is_about_one_statement(d.code))
}

/// W0206 for every allowance that silenced nothing, comment by comment.
fn stale_allowances(
    comments: &[AllowComment],
    allowances: &[Allowance],
    used: &[bool],
    sources: &SourceSet,
) -> Vec<Diagnostic> {
    let mut stale_by_comment: BTreeMap<usize, Vec<&Allowance>> = BTreeMap::new();
    for (allowance, _) in allowances.iter().zip(used).filter(|(_, used)| !**used) {
        stale_by_comment.entry(allowance.comment).or_default().push(allowance);
    }
    let mut diagnostics = Vec::new();
    for (index, stale) in stale_by_comment {
        let Some(comment) = comments.get(index) else { continue };
        let Some(source) = sources.get(comment.span.file()) else {
            continue;
        };
        let mut is_stale = vec![false; comment.listed.len()];
        for allowance in &stale {
            if let Some(flag) = is_stale.get_mut(allowance.place) {
                *flag = true;
            }
        }
        let last_kept = is_stale.iter().rposition(|stale| !stale);
        for allowance in stale {
            let removal = match last_kept {
                None => Fix::safe("remove the allow comment", vec![remove_comment(comment, source)]),
                Some(last_kept) => Fix::safe(
                    format!("remove `{}` from the allow comment", allowance.code),
                    vec![remove_code(comment, allowance.place, last_kept)],
                ),
            };
            diagnostics.push(stale_allowance(comment, allowance, removal));
        }
    }
    diagnostics
}

fn stale_allowance(comment: &AllowComment, allowance: &Allowance, removal: Fix) -> Diagnostic {
    let code = allowance.code;
    let diagnostic = Diagnostic::new(Code::W0206, format!("allow comment for `{code}` silences nothing"));
    match comment.target {
        Some(target) => {
            let place = if target.is_block {
                "in this block"
            } else {
                "for this statement"
            };
            diagnostic
                .with_primary(allowance.at, "silences nothing")
                .with_secondary(target.statement, format!("no `{code}` is reported {place}"))
                .with_help(format!(
                    "remove `{code}` from the comment: left there, it would silence a new `{code}` here \
                     without anyone seeing it"
                ))
                .with_fix(removal)
        }
        // It was surely meant for some statement: moving it is the fix,
        // and removing it a guess.
        None => diagnostic
            .with_primary(allowance.at, "belongs with no statement")
            .with_help("put it directly above a statement or at the end of its line")
            .with_fix(Fix::unsafe_fix(removal.description, removal.edits)),
    }
}

/// Removes the whole comment: its line, when it stands alone on it;
/// otherwise the comment and the blanks before it.
fn remove_comment(comment: &AllowComment, source: &SourceFile) -> Edit {
    if comment.own_line {
        return Edit::delete(source.full_lines(comment.span));
    }
    let line_start = source.line_start(source.line_of(comment.span.start())).unwrap_or(0);
    let before = source.text.get(line_start..comment.span.start()).unwrap_or("");
    let start = line_start + trim_end_blanks(before).len();
    Edit::delete(Span::new(comment.span.file(), start, comment.span.end()))
}

/// Removes the code at `place` from a list that keeps others (the last of
/// them at `last_kept`), with one separator: the one after it when a kept
/// code follows, else the one before it. Every stale code of the list
/// removed this way, at once or one by one, leaves a well-formed list.
fn remove_code(comment: &AllowComment, place: usize, last_kept: usize) -> Edit {
    let listed = &comment.listed;
    let code = listed.get(place).copied().unwrap_or(comment.span);
    let range = if place < last_kept {
        listed.get(place + 1).map(|next| (code.start(), next.start()))
    } else {
        place
            .checked_sub(1)
            .and_then(|previous| listed.get(previous))
            .map(|previous| (previous.end(), code.end()))
    };
    let (start, end) = range.unwrap_or((code.start(), code.end()));
    Edit::delete(Span::new(code.file(), start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> crate::Analysis {
        crate::analyze(&SourceSet::from_texts([("a.crmpol", text)]))
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    const SURVEY: &str = "queue \"Surveys\" {\n    skip account creation: yes\n    skip record creation: yes\n}\n";

    #[test]
    fn silences_a_warning_in_the_block_of_the_statement_below() {
        let analysis = analyze(&format!("crm: salesforce\n\n# crmpol: allow(W0203)\n{SURVEY}"));
        assert_eq!(codes(&analysis.diagnostics), []);
        assert_eq!(analysis.suppressed.len(), 1);
        assert_eq!(analysis.suppressed[0].diagnostic.code, Code::W0203);
    }

    #[test]
    fn a_trailing_comment_covers_its_statement_and_other_comments_may_stand_between() {
        let trailing = SURVEY.replacen('{', "{ # crmpol: allow(W0203)", 1);
        let analysis = analyze(&format!("crm: salesforce\n{trailing}"));
        assert_eq!((codes(&analysis.diagnostics), analysis.suppressed.len()), (vec![], 1));

        let analysis = analyze(&format!(
            "crm: salesforce\n# crmpol: allow(W0203)\n# nothing is stored\n{SURVEY}"
        ));
        assert_eq!((codes(&analysis.diagnostics), analysis.suppressed.len()), (vec![], 1));
    }

    #[test]
    fn an_allow_comment_attached_to_nothing_silences_nothing() {
        for text in [
            format!("crm: salesforce\n# crmpol: allow(W0203)\n\n{SURVEY}"),
            SURVEY.replacen("}\n", "} # crmpol: allow(W0203)\n", 1) + "crm: salesforce\n",
            format!("crm: salesforce\n{SURVEY}# crmpol: allow(W0203)\n"),
        ] {
            let analysis = analyze(&text);
            let mut reported = codes(&analysis.diagnostics);
            reported.sort();
            assert_eq!(reported, [Code::W0203, Code::W0206], "{text}");
            let stale = analysis.diagnostics.iter().find(|d| d.code == Code::W0206);
            assert_eq!(stale.and_then(|d| d.fixes.first()).map(Fix::is_safe), Some(false));
        }
    }

    #[test]
    fn the_innermost_allow_comment_silences_and_the_outer_one_is_stale() {
        let inner = SURVEY.replacen("    skip record", "    # crmpol: allow(W0203)\n    skip record", 1);
        let analysis = analyze(&format!("crm: salesforce\n# crmpol: allow(W0203)\n{inner}"));
        assert_eq!(codes(&analysis.diagnostics), [Code::W0206]);
        assert_eq!(analysis.diagnostics[0].primary_span().map(|s| s.start()), Some(32));
        assert_eq!(analysis.suppressed.len(), 1);
    }

    #[test]
    fn errors_and_diagnostics_without_a_place_are_never_silenced() {
        let analysis = analyze("# crmpol: allow(W0203)\nqueue \"A\"\n");
        assert!(codes(&analysis.diagnostics).contains(&Code::E0004));
        let analysis = analyze("crm: salesforce\n# crmpol: allow(E0101)\nqueue \"A\"\n");
        assert_eq!(codes(&analysis.diagnostics), [Code::E0009]);
    }

    #[test]
    fn stale_codes_are_removed_from_the_list_or_the_comment_goes() {
        let fixes_of = |text: &str| -> Vec<String> {
            let sources = SourceSet::from_texts([("a.crmpol", text)]);
            let analysis = crate::analyze(&sources);
            let pass = crate::fix::apply_automatic_fixes(&sources, &analysis, Default::default());
            pass.changed.into_iter().map(|(_, text)| text).collect()
        };
        let text = format!("crm: salesforce\n# crmpol: allow(W0201, W0203, W0204)\n{SURVEY}");
        let fixed = format!("crm: salesforce\n# crmpol: allow(W0203)\n{SURVEY}");
        assert_eq!(fixes_of(&text), [fixed]);
        let text = "crm: salesforce\nqueue \"A\" # crmpol: allow(W0201, W0204)\n";
        assert_eq!(fixes_of(text), ["crm: salesforce\nqueue \"A\"\n"]);
        let text = "crm: salesforce\n# crmpol: allow(W0201)\nqueue \"A\"\n";
        assert_eq!(fixes_of(text), ["crm: salesforce\nqueue \"A\"\n"]);
    }

    #[test]
    fn stale_allow_comments_wait_while_a_statement_is_misspelt() {
        let analysis =
            analyze("crm: salesforce\n# crmpol: allow(W0201)\nqueue \"A\" {\n    skip acount lookup: yes\n}\n");
        assert_eq!(codes(&analysis.diagnostics), [Code::E0002]);
    }
}
