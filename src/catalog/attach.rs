//! Which catalog a policy set uses, and reading it from disk.
//!
//! In: the parsed policy files of a set (their `catalog:` statements), the
//! key each file is known by (its path), and a `--catalog FILE` if the
//! command line gave one. Out: an [`AttachedCatalog`]: where the catalog
//! came from, the file as a [`SourceFile`] (so diagnostics can point into
//! it), and what reading it gave, or why it could not be read.
//!
//! `--catalog` wins over any declaration; without it the first top-level
//! `catalog:` of the set counts, its path taken relative to the file that
//! declares it. A catalog already read is reused while its file keeps its
//! length and modification time, so an editor's workspace does not read a
//! large catalog again on every keystroke.

use super::{Catalog, CatalogRead, read_catalog_file};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::{NodeKind, SyntaxTree};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Where the policy set's catalog was named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogOrigin {
    /// `--catalog FILE`.
    CommandLine,
    /// A `catalog:` statement; the span of its path.
    Declared(Span),
}

/// The catalog a policy set uses, as read.
#[derive(Debug)]
pub struct AttachedCatalog {
    pub origin: CatalogOrigin,
    /// Where it was read from.
    pub path: PathBuf,
    /// The name diagnostics show: for a declared catalog, the path beside
    /// the declaring file's name; for `--catalog`, as given.
    pub name: String,
    /// Shared, so that a catalog unchanged on disk is not read again when
    /// only the statement naming it moved.
    content: Arc<CatalogContent>,
}

#[derive(Debug)]
struct CatalogContent {
    state: CatalogState,
    stamp: Option<Stamp>,
}

/// What reading the catalog file gave.
#[derive(Debug)]
pub enum CatalogState {
    /// The file could not be read: the system's reason.
    Unreadable(String),
    Read {
        file: Arc<SourceFile>,
        read: CatalogRead,
    },
}

/// Enough to tell that a file on disk is unchanged since it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl AttachedCatalog {
    /// The catalog, when the file was read and has no problem.
    pub fn catalog(&self) -> Option<&Catalog> {
        match self.state() {
            CatalogState::Read { read, .. } => read.catalog.as_ref(),
            CatalogState::Unreadable(_) => None,
        }
    }

    /// The catalog file's text, when it could be read.
    pub fn file(&self) -> Option<&Arc<SourceFile>> {
        match self.state() {
            CatalogState::Read { file, .. } => Some(file),
            CatalogState::Unreadable(_) => None,
        }
    }

    pub fn state(&self) -> &CatalogState {
        &self.content.state
    }

    /// Whether the file on disk is no longer the one that was read.
    pub fn changed_on_disk(&self) -> bool {
        self.content.stamp != stamp_of(&self.path)
    }

    /// A catalog from text in memory (tests, tools), as if read from `name`.
    pub fn from_text(origin: CatalogOrigin, name: &str, text: &str) -> AttachedCatalog {
        let file = SourceFile::from_text(name, text);
        AttachedCatalog {
            origin,
            path: PathBuf::from(name),
            name: name.to_owned(),
            content: Arc::new(CatalogContent {
                state: read_state(file),
                stamp: None,
            }),
        }
    }
}

impl AttachedCatalog {
    /// A catalog read by other means than the disk (at a git revision).
    pub fn from_bytes(request: CatalogRequest, bytes: &[u8]) -> AttachedCatalog {
        let file = SourceFile::from_bytes(request.name.clone(), bytes);
        AttachedCatalog::with_state(request, read_state(file))
    }

    /// A catalog that could not be read, and why.
    pub fn unreadable(request: CatalogRequest, reason: String) -> AttachedCatalog {
        AttachedCatalog::with_state(request, CatalogState::Unreadable(reason))
    }

    fn with_state(request: CatalogRequest, state: CatalogState) -> AttachedCatalog {
        AttachedCatalog {
            origin: request.origin,
            path: request.path,
            name: request.name,
            content: Arc::new(CatalogContent { state, stamp: None }),
        }
    }
}

/// A catalog to read: from where, and under which name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogRequest {
    pub origin: CatalogOrigin,
    pub path: PathBuf,
    pub name: String,
}

/// Every top-level `catalog:` of a set, in policy-set order, with its path
/// span: the first counts; a second is E0303.
pub fn declarations(trees: &[Arc<SyntaxTree>]) -> impl Iterator<Item = (Span, Option<&str>)> {
    trees.iter().flat_map(|tree| {
        tree.roots().filter_map(|(_, node)| match &node.kind {
            NodeKind::Catalog(decl) => Some((
                decl.path.as_ref().map_or(node.span, |path| path.span),
                decl.path.as_ref().map(|path| path.value.as_str()),
            )),
            _ => None,
        })
    })
}

/// The catalog a set asks for: `--catalog` if given, else its first
/// declaration (none when that one has no path, an E0001). `locate` gives, for a declaring file, the
/// path it was read from and the name it is shown by.
pub fn request<'a>(
    command_line: Option<&Path>,
    trees: &[Arc<SyntaxTree>],
    locate: impl Fn(FileId) -> Option<(&'a str, &'a str)>,
) -> Option<CatalogRequest> {
    if let Some(path) = command_line {
        return Some(CatalogRequest {
            origin: CatalogOrigin::CommandLine,
            path: path.to_path_buf(),
            name: path.display().to_string(),
        });
    }
    let (span, written) = declarations(trees).next()?;
    let written = Path::new(written?);
    let (path, name) = locate(span.file())?;
    let beside = |file: &str| {
        Path::new(file)
            .parent()
            .map_or_else(|| written.to_path_buf(), |dir| dir.join(written))
    };
    Some(CatalogRequest {
        origin: CatalogOrigin::Declared(span),
        path: beside(path),
        name: beside(name).display().to_string(),
    })
}

/// Reads from disk the catalog a set of files read from disk declares, and
/// attaches it to the set; a set with a catalog attached already, or that
/// declares none, is left as it is.
pub fn attach_declared(sources: &mut crate::source::SourceSet, trees: &[Arc<SyntaxTree>]) {
    if sources.catalog().is_some() {
        return;
    }
    let request = request(None, trees, |file| {
        sources.get(file).map(|file| (file.path.as_str(), file.name.as_str()))
    });
    if let Some(request) = request {
        sources.set_catalog(Some(load(request, None)));
    }
}

/// Reads the requested catalog, or reuses what `previous` read when it is
/// the same file, unchanged on disk.
pub fn load(request: CatalogRequest, previous: Option<&Arc<AttachedCatalog>>) -> Arc<AttachedCatalog> {
    let unchanged = previous.filter(|previous| {
        previous.path == request.path
            && previous.name == request.name
            && previous.content.stamp.is_some()
            && previous.content.stamp == stamp_of(&request.path)
    });
    if let Some(previous) = unchanged.filter(|previous| previous.origin == request.origin) {
        return Arc::clone(previous);
    }
    let content = match unchanged {
        Some(previous) => Arc::clone(&previous.content),
        None => Arc::new(read_from_disk(&request)),
    };
    Arc::new(AttachedCatalog {
        origin: request.origin,
        path: request.path,
        name: request.name,
        content,
    })
}

/// The stamp is taken before reading, so a file changed while it is read
/// is read again next time rather than kept.
fn read_from_disk(request: &CatalogRequest) -> CatalogContent {
    let stamp = stamp_of(&request.path);
    let state = match std::fs::read(&request.path) {
        Ok(bytes) => read_state(SourceFile::from_bytes(request.name.clone(), &bytes)),
        Err(error) => CatalogState::Unreadable(error.to_string()),
    };
    CatalogContent { state, stamp }
}

fn read_state(mut file: SourceFile) -> CatalogState {
    file.path = file.name.clone();
    let read = read_catalog_file(FileId::CATALOG, &file);
    CatalogState::Read {
        file: Arc::new(file),
        read,
    }
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: metadata.len(),
        modified: metadata.modified().ok(),
    })
}
