//! Helpers shared by the fixture-driven integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod cli;
pub mod language;
pub mod lsp_client;
pub mod markdown;
pub mod random;
pub mod shell_words;

use crmpol::emit::{self, TableFormat};
use crmpol::render::{self, MessageFormat, RenderOptions};
use crmpol::{Analysis, SourceSet};
use std::path::{Path, PathBuf};

/// A fixture's path relative to the package root, so outputs (and
/// snapshots) name files the same way on every machine.
pub fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Loads a fixture (a file, or a directory for a multi-file policy set),
/// with the queue catalog it declares, as the command line does.
pub fn load(path: &Path) -> SourceSet {
    let mut sources = SourceSet::load(&[relative(path)])
        .unwrap_or_else(|errors| panic!("cannot load {}: {errors:?}", path.display()));
    let (trees, _) = crmpol::syntax::parse_set(&sources);
    crmpol::catalog::attach::attach_declared(&mut sources, &trees);
    sources
}

pub fn analyze(path: &Path) -> (SourceSet, Analysis) {
    let sources = load(path);
    let analysis = crmpol::analyze(&sources);
    (sources, analysis)
}

/// Diagnostics in a format, rendered without colour at a fixed width.
pub fn rendered(sources: &SourceSet, analysis: &Analysis, format: MessageFormat) -> String {
    let options = RenderOptions {
        color: false,
        width: 100,
        unicode: true,
    };
    render::render(&analysis.diagnostics, &analysis.suppressed, sources, format, options)
}

pub fn yaml_table(analysis: &Analysis) -> String {
    emit::emit(&analysis.table(), TableFormat::Yaml).expect("a table always serialises")
}

/// A fixture's short diagnostics and its YAML table, as the table fixtures
/// snapshot them.
pub fn diagnostics_and_table(path: &Path) -> String {
    let (sources, analysis) = analyze(path);
    let diagnostics = rendered(&sources, &analysis, MessageFormat::Short);
    format!("# diagnostics\n{diagnostics}\n# table\n{}", yaml_table(&analysis))
}

/// The codes reported, in order, as text.
pub fn codes(analysis: &Analysis) -> Vec<&'static str> {
    analysis.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The expected code a fixture's name starts with: `E0101-across-files`.
pub fn code_in_name(path: &Path) -> String {
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    name.split(['-', '.']).next().unwrap_or_default().to_owned()
}
