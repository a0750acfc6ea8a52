//! A policy set as an editor or a command line holds it, kept up to date
//! change by change.
//!
//! In: files by key (a path, or the URI an editor names a document by), each
//! with its text and, for an editor's buffer, the editor's version; then
//! changes: a file's new text, a file added, removed or renamed, none of
//! which touches the disk. Out: a [`Snapshot`], the files as a [`SourceSet`]
//! and their [`Analysis`], shared and never changed once made, so a reader
//! can keep one while the workspace moves on.
//!
//! Each file's parse is cached: a change re-parses only the file it touches,
//! and resolving and checking run over the cached trees. The command line
//! loads its paths into a workspace as well, so every command and the
//! language server analyze a policy set the same way.
//!
//! Files keep the order they were added in ([`FileOrder::AsAdded`], the
//! command line's order), or are kept sorted by key ([`FileOrder::ByKey`]),
//! which is the order a folder scan gives, so an editor's workspace and
//! `crmpol check` of the same folder see one policy set.

use crate::catalog::{self, AttachedCatalog};
use crate::source::{FileId, LoadError, SourceFile, SourceSet};
use crate::syntax::{self, SyntaxTree};
use crate::{Analysis, Diagnostic};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod folders;

/// Where a file added later goes among the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileOrder {
    /// After the files already there.
    AsAdded,
    /// In sorted order of the keys, compared as paths (component by
    /// component, as a folder scan sorts).
    ByKey,
}

/// The files of one policy set, and the latest analysis of them.
#[derive(Debug)]
pub struct Workspace {
    files: Vec<WorkspaceFile>,
    order: FileOrder,
    /// Counts changes; a snapshot carries the revision it was made at.
    revision: u64,
    latest: Option<Arc<Snapshot>>,
    /// `--catalog FILE`, which wins over the policy's `catalog:`.
    catalog_override: Option<PathBuf>,
    /// The catalog the latest snapshot used, kept so an unchanged file is
    /// not read again.
    catalog: Option<Arc<AttachedCatalog>>,
}

#[derive(Clone, Debug)]
struct WorkspaceFile {
    key: String,
    source: Arc<SourceFile>,
    version: Option<i32>,
    parse: Option<CachedParse>,
}

/// A file's parse, valid while the file keeps its text and its place.
#[derive(Clone, Debug)]
struct CachedParse {
    /// The place the file had when parsed: spans carry it.
    file: FileId,
    tree: Arc<SyntaxTree>,
    diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    pub fn new(order: FileOrder) -> Workspace {
        Workspace {
            files: Vec::new(),
            order,
            revision: 0,
            latest: None,
            catalog_override: None,
            catalog: None,
        }
    }

    /// Uses the catalog at `path` whatever the policy declares
    /// (`--catalog FILE`); `None` goes back to the declared one.
    pub fn set_catalog_override(&mut self, path: Option<PathBuf>) {
        if self.catalog_override != path {
            self.catalog_override = path;
            self.changed();
        }
    }

    /// Whether the catalog file the latest snapshot used has changed on
    /// disk since; if so, the next snapshot reads it again.
    pub fn refresh_catalog(&mut self) -> bool {
        let stale = self.catalog.as_ref().is_some_and(|catalog| catalog.changed_on_disk());
        if stale {
            self.changed();
        }
        stale
    }

    /// The policy set named by command-line paths, in their order (see
    /// [`SourceSet::load`]); every unreadable path is reported.
    pub fn load(paths: &[PathBuf]) -> Result<Workspace, Vec<LoadError>> {
        Ok(Workspace::from_sources(&SourceSet::load(paths)?))
    }

    /// A workspace of the files of a set, in the set's order, keyed by the
    /// path each was read from.
    pub fn from_sources(sources: &SourceSet) -> Workspace {
        let mut workspace = Workspace::new(FileOrder::AsAdded);
        for (id, _) in sources.iter() {
            if let Some(file) = sources.shared(id) {
                workspace.insert(file.path.clone(), file, None);
            }
        }
        workspace
    }

    /// Puts `source` in the workspace under `key`, in place of the file
    /// there, if any. Returns whether anything changed: the same text and
    /// version again is no change.
    pub fn set_file(&mut self, key: impl Into<String>, source: SourceFile, version: Option<i32>) -> bool {
        let key = key.into();
        match self.position(&key) {
            Some(index) => {
                let Some(file) = self.files.get_mut(index) else {
                    return false;
                };
                let same_text = file.source.text == source.text
                    && file.source.name == source.name
                    && file.source.had_bom == source.had_bom
                    && file.source.invalid_utf8_at == source.invalid_utf8_at;
                if same_text && file.version == version {
                    return false;
                }
                if !same_text {
                    file.source = Arc::new(source);
                    file.parse = None;
                }
                file.version = version;
                self.changed();
                true
            }
            None => {
                self.insert(key, Arc::new(source), version);
                true
            }
        }
    }

    /// Removes the file under `key`; returns whether there was one.
    pub fn remove(&mut self, key: &str) -> bool {
        let Some(index) = self.position(key) else {
            return false;
        };
        self.files.remove(index);
        self.changed();
        true
    }

    /// Moves the file under `from` to `to`, with `name` as the name its
    /// diagnostics show, keeping its text and version. A file already under
    /// `to` is replaced. Returns whether there was a file under `from`.
    pub fn rename(&mut self, from: &str, to: impl Into<String>, name: impl Into<String>) -> bool {
        let Some(index) = self.position(from) else {
            return false;
        };
        let file = self.files.remove(index);
        let to = to.into();
        if let Some(existing) = self.position(&to) {
            self.files.remove(existing);
        }
        let mut source = (*file.source).clone();
        source.name = name.into();
        source.path.clone_from(&to);
        self.insert(to, Arc::new(source), file.version);
        true
    }

    pub fn get(&self, key: &str) -> Option<&SourceFile> {
        self.position(key)
            .and_then(|index| self.files.get(index))
            .map(|file| file.source.as_ref())
    }

    /// The editor's version of the file under `key`, if it has one.
    pub fn version(&self, key: &str) -> Option<i32> {
        self.position(key)
            .and_then(|index| self.files.get(index))
            .and_then(|file| file.version)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The keys of the files, in policy-set order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|file| file.key.as_str())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// How many changes the workspace has seen.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The files and their analysis as they are now. Made at most once per
    /// revision; parses only the files whose text or place changed.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        if let Some(latest) = &self.latest
            && latest.revision == self.revision
        {
            return Arc::clone(latest);
        }
        let mut sources = SourceSet::new();
        let mut trees = Vec::with_capacity(self.files.len());
        let mut diagnostics = Vec::new();
        for file in &mut self.files {
            let id = sources.add_shared(Arc::clone(&file.source));
            let parse = match file.parse.take() {
                Some(parse) if parse.file == id => parse,
                _ => {
                    let parsed = syntax::parse_file(id, &file.source);
                    CachedParse {
                        file: id,
                        tree: parsed.tree,
                        diagnostics: parsed.diagnostics,
                    }
                }
            };
            trees.push(Arc::clone(&parse.tree));
            diagnostics.extend(parse.diagnostics.iter().cloned());
            file.parse = Some(parse);
        }
        let request = catalog::attach::request(self.catalog_override.as_deref(), &trees, |file| {
            self.files
                .get(file.0)
                .map(|file| (file.key.as_str(), file.source.name.as_str()))
        });
        self.catalog = request.map(|request| catalog::attach::load(request, self.catalog.as_ref()));
        sources.set_catalog(self.catalog.clone());
        let analysis = crate::analyze_parsed(&sources, trees, diagnostics);
        let snapshot = Arc::new(Snapshot {
            sources,
            analysis,
            keys: self.files.iter().map(|file| file.key.clone()).collect(),
            versions: self.files.iter().map(|file| file.version).collect(),
            revision: self.revision,
            index: Default::default(),
        });
        if let Some(previous) = self.latest.replace(Arc::clone(&snapshot)) {
            drop_elsewhere(previous);
        }
        snapshot
    }

    fn position(&self, key: &str) -> Option<usize> {
        match self.order {
            FileOrder::ByKey => self
                .files
                .binary_search_by(|file| Path::new(&file.key).cmp(Path::new(key)))
                .ok(),
            FileOrder::AsAdded => self.files.iter().position(|file| file.key == key),
        }
    }

    fn insert(&mut self, key: String, source: Arc<SourceFile>, version: Option<i32>) {
        let file = WorkspaceFile {
            key,
            source,
            version,
            parse: None,
        };
        let at = match self.order {
            FileOrder::AsAdded => self.files.len(),
            FileOrder::ByKey => self
                .files
                .partition_point(|other| Path::new(&other.key) < Path::new(&file.key)),
        };
        self.files.insert(at, file);
        self.changed();
    }

    fn changed(&mut self) {
        self.revision += 1;
    }
}

/// A snapshot of in-memory files, `(key, text)` pairs, each key also the
/// file's name, in sorted key order: for a one-off question about texts a
/// caller holds (a test, a tool), without a workspace to keep.
pub fn snapshot_of_texts(texts: &[(&str, &str)]) -> Arc<Snapshot> {
    let mut workspace = Workspace::new(FileOrder::ByKey);
    for (key, text) in texts {
        workspace.set_file(*key, SourceFile::from_text(*key, *text), None);
    }
    workspace.snapshot()
}

/// Freeing a large analysis takes a good part of the time making one
/// takes; when this was the last reference, the freeing is done on a thread
/// of its own so the new snapshot is not kept waiting. Small ones are
/// dropped at once: a thread costs more than they do.
fn drop_elsewhere(snapshot: Arc<Snapshot>) {
    const WORTH_A_THREAD: usize = 10_000;
    let large = snapshot.analysis.policy.assignments.len() + snapshot.analysis.policy.queues.len() > WORTH_A_THREAD;
    if large && Arc::strong_count(&snapshot) == 1 {
        let spawned = std::thread::Builder::new()
            .name("crmpol-drop".to_owned())
            .spawn(move || drop(snapshot));
        // Without a thread, it is dropped here, as it would have been.
        drop(spawned);
    } else {
        drop(snapshot);
    }
}

/// A policy set and its analysis at one revision of a [`Workspace`].
pub struct Snapshot {
    pub sources: SourceSet,
    pub analysis: Analysis,
    keys: Vec<String>,
    versions: Vec<Option<i32>>,
    revision: u64,
    /// Lookups for [`crate::query`], made when first asked for.
    pub(crate) index: crate::query::IndexCell,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("keys", &self.keys)
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// The file under `key` in this snapshot.
    pub fn file_id(&self, key: &str) -> Option<FileId> {
        self.keys.iter().position(|other| other == key).map(FileId)
    }

    /// The key of a file; for [`FileId::CATALOG`], the catalog's path.
    pub fn key(&self, file: FileId) -> Option<&str> {
        if file == FileId::CATALOG {
            return self.sources.catalog().and_then(|catalog| catalog.path.to_str());
        }
        self.keys.get(file.0).map(String::as_str)
    }

    /// The editor's version of a file when the snapshot was made.
    pub fn version(&self, file: FileId) -> Option<i32> {
        self.versions.get(file.0).copied().flatten()
    }

    /// The workspace revision the snapshot was made at.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The files, with their keys, in policy-set order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &str, &SourceFile)> {
        self.sources
            .iter()
            .zip(&self.keys)
            .map(|((id, file), key)| (id, key.as_str(), file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile::from_text(name, text)
    }

    #[test]
    fn an_edit_re_parses_only_the_file_it_changes() {
        let mut workspace = Workspace::new(FileOrder::ByKey);
        workspace.set_file("b.crmpol", file("b.crmpol", "queue \"B\"\n"), Some(1));
        workspace.set_file("a.crmpol", file("a.crmpol", "crm: zendesk\n"), Some(1));
        let first = workspace.snapshot();
        assert_eq!(first.file_id("a.crmpol"), Some(FileId(0)), "kept sorted by key");
        workspace.set_file("b.crmpol", file("b.crmpol", "queue \"C\"\n"), Some(2));
        let second = workspace.snapshot();
        let unchanged = |snapshot: &Snapshot| Arc::as_ptr(&snapshot.analysis.trees[0]);
        assert_eq!(unchanged(&first), unchanged(&second), "a.crmpol is not parsed again");
        assert!(!Arc::ptr_eq(&first.analysis.trees[1], &second.analysis.trees[1]));
        assert_eq!(second.version(FileId(1)), Some(2));
    }

    #[test]
    fn a_snapshot_is_made_once_per_revision() {
        let mut workspace = Workspace::new(FileOrder::AsAdded);
        workspace.set_file("a", file("a", "crm: zendesk\n"), None);
        let first = workspace.snapshot();
        assert!(
            !workspace.set_file("a", file("a", "crm: zendesk\n"), None),
            "same text: no change"
        );
        assert!(Arc::ptr_eq(&first, &workspace.snapshot()));
    }

    #[test]
    fn a_file_added_before_others_moves_them_and_is_still_right() {
        let mut workspace = Workspace::new(FileOrder::ByKey);
        workspace.set_file("b", file("b", "queue \"B\" {\n    skip acount lookup: yes\n}\n"), None);
        let before = workspace.snapshot();
        workspace.set_file("a", file("a", "crm: zendesk\n"), None);
        let after = workspace.snapshot();
        let fresh = crate::analyze(&after.sources);
        assert_eq!(after.analysis.diagnostics, fresh.diagnostics);
        assert_eq!(before.analysis.diagnostics.len(), 2, "E0002 and E0004 before");
        assert_eq!(
            after.analysis.diagnostics.len(),
            1,
            "only E0002 once a.crmpol declares the crm"
        );
    }

    #[test]
    fn removing_and_renaming_need_no_disk() {
        let mut workspace = Workspace::new(FileOrder::ByKey);
        workspace.set_file("a", file("a", "crm: zendesk\n"), None);
        workspace.set_file("b", file("b", "crm: zendesk\n"), None);
        assert!(workspace.snapshot().analysis.has_errors(), "two crm: declarations");
        assert!(workspace.rename("b", "c", "c"));
        assert_eq!(workspace.keys().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(workspace.get("c").map(|file| file.name.as_str()), Some("c"));
        assert!(workspace.remove("c"));
        assert!(!workspace.remove("c"));
        assert!(!workspace.snapshot().analysis.has_errors());
    }
}
