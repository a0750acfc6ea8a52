//! Which files make up a policy set.
//!
//! In: the paths a command line gave. Out: the policy files, in policy-set
//! order, or every reason some path could not be read. A file is taken as
//! named; a directory stands for the `*.crmpol` files below it, skipping
//! hidden files and folders (names starting with `.`, as ripgrep and git
//! treat them), so an editor's `.old.crmpol` or `.#swap` file never joins
//! the set.

use std::fmt;
use std::path::{Path, PathBuf};

/// The extension of policy files looked for in directories.
pub const POLICY_EXTENSION: &str = "crmpol";

/// Why part of a policy set could not be read. The command cannot run (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    NoPolicyFiles {
        path: PathBuf,
        /// Policy files left out because they or a folder above them are hidden.
        hidden: usize,
    },
    NoPaths,
}

impl LoadError {
    pub fn unreadable(path: &Path, error: &std::io::Error) -> LoadError {
        LoadError::Unreadable {
            path: path.to_path_buf(),
            reason: error.to_string(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Unreadable { path, reason } => {
                write!(
                    f,
                    "cannot read `{}`: {reason}",
                    crate::text::escape_hidden(&path.display().to_string())
                )
            }
            LoadError::NoPolicyFiles { path, hidden } => {
                let path = crate::text::escape_hidden(&path.display().to_string()).into_owned();
                match hidden {
                    0 => write!(f, "no `.crmpol` files found under `{path}`"),
                    1 => write!(
                        f,
                        "no `.crmpol` files found under `{path}` (1 hidden one was skipped; name it to read it)"
                    ),
                    n => write!(
                        f,
                        "no `.crmpol` files found under `{path}` ({n} hidden ones were skipped; name them to read them)"
                    ),
                }
            }
            LoadError::NoPaths => write!(f, "no policy files given"),
        }
    }
}

impl std::error::Error for LoadError {}

/// A path as diagnostics show it: as found, without a leading `./`, with
/// any control or invisible character in it written out.
pub(super) fn display_name(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path).display().to_string();
    crate::text::escape_hidden(&shown).into_owned()
}

/// Expands command-line paths into the policy set's files, in order.
///
/// A file is taken as named, whatever its extension. A directory stands for
/// every `*.crmpol` file below it, recursively, in sorted path order, hidden
/// files and folders left out; a directory that holds none is an error,
/// since it is almost surely a typo. A file named twice counts once, at its
/// first place. Every path that cannot be read is reported.
pub fn policy_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<LoadError>> {
    if paths.is_empty() {
        return Err(vec![LoadError::NoPaths]);
    }
    let mut scan = Scan::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => scan.errors.push(LoadError::unreadable(path, &error)),
            Ok(metadata) if metadata.is_dir() => {
                let (before, hidden_before) = (scan.found.len(), scan.hidden);
                scan.directory(path);
                if scan.found.len() == before {
                    scan.errors.push(LoadError::NoPolicyFiles {
                        path: path.clone(),
                        hidden: scan.hidden - hidden_before,
                    });
                }
            }
            Ok(_) => scan.found.push(path.clone()),
        }
    }
    if !scan.errors.is_empty() {
        return Err(scan.errors);
    }
    let mut seen = std::collections::HashSet::new();
    let mut found = scan.found;
    found.retain(|path| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())));
    Ok(found)
}

#[derive(Default)]
struct Scan {
    found: Vec<PathBuf>,
    errors: Vec<LoadError>,
    /// Policy files skipped because they, or a folder above them, are hidden.
    hidden: usize,
}

impl Scan {
    /// Adds a directory's policy files in sorted path order: a
    /// sub-directory's files where its name sorts among the files.
    /// Directory links are not followed, so a link cycle cannot loop, and
    /// the depth is bounded by the file system's path length.
    fn directory(&mut self, dir: &Path) {
        self.directory_below(dir, false);
    }

    fn directory_below(&mut self, dir: &Path, hidden: bool) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.errors.push(LoadError::unreadable(dir, &error)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(error) => self.errors.push(LoadError::unreadable(dir, &error)),
            }
        }
        paths.sort();
        for path in paths {
            let is_hidden = hidden || is_hidden(&path);
            let is_real_dir = std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_dir());
            if is_real_dir {
                self.directory_below(&path, is_hidden);
            } else if path.extension().is_some_and(|ext| ext == POLICY_EXTENSION) && path.is_file() {
                if is_hidden {
                    self.hidden += 1;
                } else {
                    self.found.push(path);
                }
            }
        }
    }
}

/// Whether a scan of `root` would find `path`: a `*.crmpol` file below it,
/// with no hidden file or folder name on the way (the scan's rules, for one
/// path that changed, without scanning again).
pub fn is_found_below(root: &Path, path: &Path) -> bool {
    is_named_as_found_below(root, path) && path.is_file()
}

/// The name rules of [`is_found_below`] alone, for a file that may not be
/// on disk (yet): an editor's unsaved buffer.
pub fn is_named_as_found_below(root: &Path, path: &Path) -> bool {
    let Ok(below) = path.strip_prefix(root) else {
        return false;
    };
    let hidden = below
        .components()
        .any(|part| part.as_os_str().to_str().is_some_and(|name| name.starts_with('.')));
    !hidden && path.extension().is_some_and(|ext| ext == POLICY_EXTENSION)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}
