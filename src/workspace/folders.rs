//! The policy sets an editor has open: one per workspace folder, plus one
//! for each file opened outside every folder.
//!
//! In: folders (paths), and what happens to files, named by key (a file's
//! path, or the editor's name for a buffer that has none): opened with the
//! editor's text, edited, saved, closed, created, changed, deleted or
//! renamed on disk. Out: the [`Workspace`] of each policy set, and for every
//! event the sets it changed, so a server republishes only those.
//!
//! A folder's set is every policy file below it, found as `crmpol check
//! FOLDER` finds them, plus the files open in the editor, whose text wins
//! over the disk's until they are closed. A file below no folder is a set
//! of its own while it is open.

use super::{FileOrder, Workspace};
use crate::source::{SourceFile, is_found_below, is_named_as_found_below, policy_paths};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Which policy set: a folder's, or a lone file's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetId {
    Folder(PathBuf),
    Alone(String),
}

/// Every policy set open in an editor.
#[derive(Debug, Default)]
pub struct Folders {
    folders: BTreeMap<PathBuf, Workspace>,
    alone: BTreeMap<String, Workspace>,
    /// Files open in the editor, by key: their text wins over the disk's.
    open: BTreeSet<String>,
}

impl Folders {
    pub fn new() -> Folders {
        Folders::default()
    }

    /// Adds a folder and reads its policy files. Files that cannot be read
    /// are left out (a file the editor opens later is read from the
    /// editor). Files open in the editor that belong to it move into it.
    pub fn add_folder(&mut self, root: &Path) -> Vec<SetId> {
        let root = root.to_path_buf();
        let mut workspace = Workspace::new(FileOrder::ByKey);
        if let Ok(paths) = policy_paths(std::slice::from_ref(&root)) {
            for path in paths {
                if let Ok(bytes) = std::fs::read(&path) {
                    let key = path.display().to_string();
                    let file = SourceFile::from_bytes(display_name(&root, &path), &bytes);
                    workspace.set_file(key, file, None);
                }
            }
        }
        let mut changed = vec![SetId::Folder(root.clone())];
        let moving: Vec<String> = self
            .alone
            .keys()
            .filter(|key| Path::new(key.as_str()).starts_with(&root))
            .cloned()
            .collect();
        for key in moving {
            if let Some(alone) = self.alone.remove(&key)
                && let Some(file) = alone.get(&key).cloned()
            {
                let version = alone.version(&key);
                let renamed = SourceFile::from_text(display_name(&root, Path::new(&key)), file.text.clone());
                workspace.set_file(key.clone(), renamed, version);
                changed.push(SetId::Alone(key));
            }
        }
        self.folders.insert(root, workspace);
        changed
    }

    /// Removes a folder; its open files become sets of their own.
    pub fn remove_folder(&mut self, root: &Path) -> Vec<SetId> {
        let Some(workspace) = self.folders.remove(root) else {
            return Vec::new();
        };
        let mut changed = vec![SetId::Folder(root.to_path_buf())];
        let open: Vec<String> = workspace
            .keys()
            .filter(|key| self.open.contains(*key))
            .map(str::to_owned)
            .collect();
        for key in open {
            if let Some(file) = workspace.get(&key) {
                let version = workspace.version(&key);
                self.alone_set(&key, file.text.clone(), version);
                changed.push(SetId::Alone(key));
            }
        }
        changed
    }

    /// The editor opened a file, or changed its text (a full new text).
    pub fn set_open_text(&mut self, key: &str, text: String, version: Option<i32>) -> Option<SetId> {
        self.open.insert(key.to_owned());
        // A file a scan of its folder would leave out (a hidden backup, a
        // file of another extension) is a set of its own, as it is for
        // `crmpol check FOLDER`, instead of joining the folder's.
        let folder = self
            .folder_of(key)
            .filter(|root| is_named_as_found_below(root, Path::new(key)));
        match folder {
            Some(root) => {
                let name = display_name(&root, Path::new(key));
                let workspace = self.folders.get_mut(&root)?;
                workspace
                    .set_file(key, SourceFile::from_text(name, text), version)
                    .then_some(SetId::Folder(root))
            }
            None => {
                self.alone_set(key, text, version);
                Some(SetId::Alone(key.to_owned()))
            }
        }
    }

    /// The editor closed a file: in a folder, the disk's text counts again
    /// (or the file leaves the set, if it is not on disk); a lone file's
    /// set goes.
    pub fn close(&mut self, key: &str) -> Option<SetId> {
        self.open.remove(key);
        if self.alone.remove(key).is_some() {
            return Some(SetId::Alone(key.to_owned()));
        }
        let root = self.folder_of(key)?;
        self.reload_from_disk(&root, key).then_some(SetId::Folder(root))
    }

    /// A file was created or changed on disk. Ignored while it is open in
    /// the editor, whose text wins; read again otherwise.
    pub fn disk_changed(&mut self, key: &str) -> Option<SetId> {
        if self.open.contains(key) {
            return None;
        }
        let root = self.folder_of(key)?;
        self.reload_from_disk(&root, key).then_some(SetId::Folder(root))
    }

    /// A file was deleted on disk: it leaves its folder's set unless it is
    /// open in the editor.
    pub fn disk_deleted(&mut self, key: &str) -> Option<SetId> {
        if self.open.contains(key) {
            return None;
        }
        let root = self.folder_of(key)?;
        self.folders.get_mut(&root)?.remove(key).then_some(SetId::Folder(root))
    }

    pub fn workspace(&self, set: &SetId) -> Option<&Workspace> {
        match set {
            SetId::Folder(root) => self.folders.get(root),
            SetId::Alone(key) => self.alone.get(key),
        }
    }

    pub fn workspace_mut(&mut self, set: &SetId) -> Option<&mut Workspace> {
        match set {
            SetId::Folder(root) => self.folders.get_mut(root),
            SetId::Alone(key) => self.alone.get_mut(key),
        }
    }

    /// The set a file is in, if any.
    pub fn set_of(&self, key: &str) -> Option<SetId> {
        if self.alone.contains_key(key) {
            return Some(SetId::Alone(key.to_owned()));
        }
        let root = self.folder_of(key)?;
        self.folders
            .get(&root)
            .is_some_and(|workspace| workspace.contains(key))
            .then_some(SetId::Folder(root))
    }

    /// Every set, folders first.
    /// Every set whose catalog file changed on disk (or appeared, or went)
    /// since its latest snapshot read it.
    pub fn refresh_catalogs(&mut self) -> Vec<SetId> {
        let mut changed = Vec::new();
        for set in self.sets() {
            if self.workspace_mut(&set).is_some_and(Workspace::refresh_catalog) {
                changed.push(set);
            }
        }
        changed
    }

    pub fn sets(&self) -> Vec<SetId> {
        self.folders
            .keys()
            .cloned()
            .map(SetId::Folder)
            .chain(self.alone.keys().cloned().map(SetId::Alone))
            .collect()
    }

    pub fn is_open(&self, key: &str) -> bool {
        self.open.contains(key)
    }

    /// The innermost folder holding a file's path.
    fn folder_of(&self, key: &str) -> Option<PathBuf> {
        let path = Path::new(key);
        self.folders
            .keys()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.components().count())
            .cloned()
    }

    /// Reads a file of a folder from disk into its set; a file that is gone
    /// or not a policy file leaves the set. Returns whether the set changed.
    fn reload_from_disk(&mut self, root: &Path, key: &str) -> bool {
        let path = Path::new(key);
        let Some(workspace) = self.folders.get_mut(root) else {
            return false;
        };
        match std::fs::read(path) {
            Ok(bytes) if is_found_below(root, path) => {
                workspace.set_file(key, SourceFile::from_bytes(display_name(root, path), &bytes), None)
            }
            _ => workspace.remove(key),
        }
    }

    fn alone_set(&mut self, key: &str, text: String, version: Option<i32>) {
        let name = Path::new(key)
            .file_name()
            .map_or_else(|| key.to_owned(), |name| name.to_string_lossy().into_owned());
        let workspace = self
            .alone
            .entry(key.to_owned())
            .or_insert_with(|| Workspace::new(FileOrder::ByKey));
        workspace.set_file(key, SourceFile::from_text(name, text), version);
    }
}

/// The name diagnostics and hovers show: the path below the folder.
fn display_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("folders");
            }
            std::fs::write(path, text).expect("a file");
        }
        dir
    }

    fn key(dir: &tempfile::TempDir, name: &str) -> String {
        dir.path().join(name).display().to_string()
    }

    #[test]
    fn an_open_buffer_wins_over_the_disk_until_it_is_closed() {
        let dir = folder_with(&[("a.crmpol", "crm: zendesk\n"), ("teams/b.crmpol", "queue \"B\"\n")]);
        let mut folders = Folders::new();
        folders.add_folder(dir.path());
        let set = SetId::Folder(dir.path().to_path_buf());
        let a = key(&dir, "a.crmpol");
        let workspace = folders.workspace(&set).expect("the folder's set");
        assert_eq!(workspace.len(), 2);
        assert_eq!(
            workspace.get(&key(&dir, "teams/b.crmpol")).map(|f| f.name.as_str()),
            Some("teams/b.crmpol")
        );

        assert_eq!(
            folders.set_open_text(&a, "crm: nope\n".into(), Some(3)),
            Some(set.clone())
        );
        std::fs::write(dir.path().join("a.crmpol"), "crm: salesforce\n").expect("write");
        assert_eq!(folders.disk_changed(&a), None, "the buffer wins");
        assert_eq!(
            folders.workspace(&set).and_then(|w| w.get(&a)).map(|f| f.text.as_str()),
            Some("crm: nope\n")
        );
        assert_eq!(folders.close(&a), Some(set.clone()));
        assert_eq!(
            folders.workspace(&set).and_then(|w| w.get(&a)).map(|f| f.text.as_str()),
            Some("crm: salesforce\n"),
            "closed: the disk counts again"
        );
    }

    #[test]
    fn files_come_and_go_on_disk() {
        let dir = folder_with(&[("a.crmpol", "crm: zendesk\n")]);
        let mut folders = Folders::new();
        folders.add_folder(dir.path());
        let set = SetId::Folder(dir.path().to_path_buf());
        let b = key(&dir, "b.crmpol");
        std::fs::write(&b, "queue \"B\"\n").expect("write");
        assert_eq!(folders.disk_changed(&b), Some(set.clone()));
        assert_eq!(folders.set_of(&b), Some(set.clone()));
        std::fs::remove_file(&b).expect("remove");
        assert_eq!(folders.disk_deleted(&b), Some(set.clone()));
        assert_eq!(folders.set_of(&b), None);
        let hidden = key(&dir, ".old.crmpol");
        std::fs::write(&hidden, "queue \"C\"\n").expect("write");
        assert_eq!(folders.disk_changed(&hidden), None, "hidden files are not policy files");
    }

    #[test]
    fn a_hidden_backup_opened_in_a_folder_stays_out_of_its_set() {
        let dir = folder_with(&[("a.crmpol", "crm: zendesk\n")]);
        let mut folders = Folders::new();
        folders.add_folder(dir.path());
        let backup = key(&dir, ".a.crmpol.swp.crmpol");
        let set = folders.set_open_text(&backup, "crm: salesforce\n".into(), Some(1));
        assert_eq!(set, Some(SetId::Alone(backup.clone())));
        let folder = SetId::Folder(dir.path().to_path_buf());
        let workspace = folders.workspace(&folder).expect("the folder's set");
        assert_eq!(workspace.len(), 1, "no second crm: in the folder's set");
        let unsaved = key(&dir, "teams/new.crmpol");
        assert_eq!(
            folders.set_open_text(&unsaved, "queue \"A\"\n".into(), Some(1)),
            Some(folder)
        );
    }

    #[test]
    fn a_file_outside_every_folder_is_a_set_of_its_own() {
        let mut folders = Folders::new();
        let set = folders.set_open_text("/elsewhere/x.crmpol", "crm: zendesk\n".into(), Some(1));
        assert_eq!(set, Some(SetId::Alone("/elsewhere/x.crmpol".into())));
        assert_eq!(folders.sets().len(), 1);
        assert_eq!(folders.close("/elsewhere/x.crmpol"), set);
        assert!(folders.sets().is_empty());
    }
}
