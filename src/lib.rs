//! crmpol compiles per-queue CRM record-creation policies into a checked
//! decision table.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`source`]: paths → a [`SourceSet`] of files with byte spans.
//! 2. [`syntax`]: text → one [`syntax::SyntaxTree`] per file (pest grammar in
//!    `grammar/crmpol.pest`), plus E0001/E0008.
//! 3. [`resolve`]: trees → the union queue tree and the effective settings of
//!    every leaf queue and channel, each value with its provenance.
//! 4. [`check`]: one rule per file, each emitting [`Diagnostic`]s; then
//!    [`suppress`] sets aside the warnings allow comments silence, plus
//!    E0009/W0206 about the allow comments themselves.
//! 5. [`table`]: the decision table, free of spans.
//! 6. [`emit`] writes the table as YAML, JSON or Markdown; [`render`] writes
//!    diagnostics through miette, codespan-reporting or JSON.
//!
//! [`analyze`] runs stages 2 to 4 and sets aside what allow comments silence
//! ([`suppress`]), the part a command-line run and a language server share;
//! [`fix`] applies safe fixes, [`format`] writes the canonical layout, and
//! [`driver`] holds the commands themselves, writing files only through
//! [`write`]. [`diff`] compares two checked policy sets by their decision
//! tables and names the statements behind each change (`crmpol diff`;
//! [`source::git`] reads a set at a git revision); [`cli`] is the command
//! line's grammar, which `main.rs` parses and the shell completions and man
//! pages are made from. [`text`] says what counts as white space and how text from a
//! policy is shown safely, for every stage. [`settings`] is the schema every
//! stage reads the settings from, and [`vendor`] the platform's rules over
//! them. [`catalog`] reads a platform queue catalog (JSON menus) into its
//! leaf queues and channels; a [`SourceSet`] carries the catalog a policy
//! set uses (attached by whoever loads the set), and [`resolve`] takes its
//! leaves from it.
//!
//! Beside [`analyze`] sit the editor's model and questions, free of any
//! protocol: [`workspace`] holds the files of a policy set as they change
//! (parses cached per file, shared [`workspace::Snapshot`]s; the command
//! line loads through it too), and [`query`] answers questions about a
//! place in a snapshot (what is there, where a value comes from, why a
//! queue behaves as it does, hover, completion, symbols, code actions,
//! formatting edits). [`lsp`] is the
//! language server: it converts positions and types and dispatches to
//! them, nothing more.

// The parser pest generates names `alloc` when pest is built without its
// `std` feature, which crmpol leaves off: that feature only adds a stack
// probe on every rule call, and the grammar has no recursion to guard.
extern crate alloc;

pub mod catalog;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod driver;
pub mod emit;
pub mod fix;
pub mod format;
pub mod lsp;
pub mod query;
pub mod render;
pub mod resolve;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod table;
pub mod text;
pub mod vendor;
pub mod vocabulary;
pub mod workspace;
pub mod write;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use source::{SourceFile, SourceSet, Span};

use resolve::ResolvedPolicy;
use std::sync::Arc;
use syntax::SyntaxTree;
use table::DecisionTable;

/// Everything known about a policy set after checking it.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// One per file, shared with the workspace that parsed them.
    pub trees: Vec<Arc<SyntaxTree>>,
    pub policy: ResolvedPolicy,
    /// In reading order: by file, then position.
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics that allow comments silenced, in reading order.
    pub suppressed: Vec<suppress::Suppressed>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The decision table. Meaningful as a deliverable only without errors.
    pub fn table(&self) -> DecisionTable {
        table::build(&self.policy)
    }

    /// Whether the files may not belong to one policy set: `crm:` is
    /// declared in more than one file, or twice with different CRMs. No
    /// whole-policy fix is applied then.
    pub fn set_in_doubt(&self) -> bool {
        let declarations = &self.policy.crm_declarations;
        declarations.first().is_some_and(|first| {
            declarations
                .iter()
                .any(|other| other.span.file() != first.span.file() || other.crm != first.crm)
        })
    }

    /// What the diagnostics in force say, without where: each code and
    /// message, sorted. Two layouts of the same policy have the same
    /// findings; a layout that changed what an allow comment silences would
    /// not (a warning would come back, or a W0206 appear).
    pub fn findings(&self) -> Vec<(Code, String)> {
        let mut findings: Vec<(Code, String)> = self
            .diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.code, diagnostic.message.clone()))
            .collect();
        findings.sort();
        findings
    }
}

/// Parses, resolves and checks a policy set, and applies its allow
/// comments. Never panics on any input.
///
/// A set that declares a catalog but has none attached (see
/// [`SourceSet::set_catalog`]) gets it read from disk here; a
/// [`workspace::Workspace`] attaches it once and keeps it.
pub fn analyze(sources: &SourceSet) -> Analysis {
    let (trees, diagnostics) = syntax::parse_set(sources);
    if sources.catalog().is_none() && catalog::attach::declarations(&trees).next().is_some() {
        let mut attached = sources.clone();
        catalog::attach::attach_declared(&mut attached, &trees);
        return analyze_parsed(&attached, trees, diagnostics);
    }
    analyze_parsed(sources, trees, diagnostics)
}

/// Resolves and checks a policy set whose files are already parsed, one
/// tree per file of `sources` in its order, with the diagnostics parsing
/// gave: what a [`workspace::Workspace`] runs after re-parsing only the
/// files that changed.
pub fn analyze_parsed(
    sources: &SourceSet,
    trees: Vec<Arc<SyntaxTree>>,
    syntax_diagnostics: Vec<Diagnostic>,
) -> Analysis {
    let mut diagnostics = syntax_diagnostics;
    let catalog = sources.catalog().and_then(|attached| attached.catalog());
    let policy = resolve::resolve(&trees, catalog);
    let context = check::CheckContext::new(sources, &trees, &policy);
    diagnostics.extend(check::run(&context));
    let suppress::Outcome {
        mut diagnostics,
        mut suppressed,
    } = suppress::run(diagnostics, &trees, sources);
    diagnostic::sort_for_reading(&mut diagnostics);
    suppressed.sort_by_key(|suppressed| suppressed.diagnostic.reading_key());
    Analysis {
        trees,
        policy,
        diagnostics,
        suppressed,
    }
}
