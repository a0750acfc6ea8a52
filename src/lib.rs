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
//! 4. [`check`]: one rule per file, each emitting [`Diagnostic`]s.
//! 5. [`table`]: the decision table, free of spans.
//! 6. [`emit`] writes the table as YAML, JSON or Markdown; [`render`] writes
//!    diagnostics through miette, codespan-reporting or JSON.
//!
//! [`analyze`] runs stages 2 to 4, the part a command-line run and a language
//! server share; [`driver`] holds the commands themselves.

pub mod check;
pub mod diagnostic;
pub mod driver;
pub mod emit;
pub mod fix;
pub mod format;
pub mod render;
pub mod resolve;
pub mod source;
pub mod syntax;
pub mod table;
pub mod vendor;
pub mod vocabulary;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use source::{SourceFile, SourceSet, Span};

use resolve::ResolvedPolicy;
use syntax::SyntaxTree;
use table::DecisionTable;

/// Everything known about a policy set after checking it.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub trees: Vec<SyntaxTree>,
    pub policy: ResolvedPolicy,
    /// In reading order: by file, then position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The decision table. Meaningful as a deliverable only without errors.
    pub fn table(&self) -> DecisionTable {
        table::build(&self.policy)
    }

    /// What the diagnostics say, without where: each code and message,
    /// sorted. Two layouts of the same policy have the same findings.
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

/// Parses, resolves and checks a policy set. Never panics on any input.
pub fn analyze(sources: &SourceSet) -> Analysis {
    let (trees, mut diagnostics) = syntax::parse_set(sources);
    let policy = resolve::resolve(&trees);
    let context = check::CheckContext::new(sources, &trees, &policy);
    diagnostics.extend(check::run(&context));
    diagnostic::sort_for_reading(&mut diagnostics);
    Analysis {
        trees,
        policy,
        diagnostics,
    }
}
