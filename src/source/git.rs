//! A policy set as it was at a git revision.
//!
//! In: a revision and command-line paths, read from the repository that
//! holds the current directory. Out: the [`SourceSet`] a folder scan of
//! those paths would have found at that revision (the same `*.crmpol` and
//! hidden-name rules, the same order, files named by their path as given),
//! or why not, and the queue catalog that set declares, at the same
//! revision. Everything is read through `git rev-parse`, `git ls-tree` and
//! `git cat-file`, which touch neither the work tree nor the index.

use super::{POLICY_EXTENSION, SourceFile, SourceSet};
use crate::catalog::{self, AttachedCatalog};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Why a revision's policy set could not be read. The command cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The repository around the current directory, for reading revisions.
pub struct Repository {
    /// The top of the work tree, canonical.
    top: PathBuf,
    /// The current directory, canonical.
    here: PathBuf,
}

impl Repository {
    /// The repository holding the current directory; an error outside one,
    /// or when git cannot be run.
    pub fn discover() -> Result<Repository, GitError> {
        let here = std::env::current_dir()
            .and_then(|dir| dir.canonicalize())
            .map_err(|error| GitError(format!("cannot read the current directory: {error}")))?;
        let output = git(&here, &["rev-parse", "--show-toplevel"], None).map_err(|error| match error {
            Failure::NotRun(reason) => {
                GitError(format!("cannot run git: {reason}; `--git` reads revisions through it"))
            }
            Failure::Refused(_) => GitError(
                "not in a git repository: `--git` compares revisions of the repository around the current directory"
                    .to_owned(),
            ),
        })?;
        let top = PathBuf::from(text_line(&output));
        let top = top.canonicalize().unwrap_or(top);
        Ok(Repository { top, here })
    }

    /// The commit a revision names (`HEAD`, `origin/main`, a hash, a tag).
    pub fn commit(&self, revision: &str) -> Result<String, GitError> {
        if revision.is_empty() || revision.starts_with('-') {
            return Err(GitError(format!("`{revision}` is not a revision")));
        }
        let spec = format!("{revision}^{{commit}}");
        let output = git(
            &self.here,
            &["rev-parse", "--verify", "--quiet", "--end-of-options", &spec],
            None,
        )
        .map_err(|_| {
            GitError(format!(
                "unknown revision `{revision}`: git knows no commit by that name"
            ))
        })?;
        Ok(text_line(&output))
    }

    /// The best common ancestor of two commits, for `A...B`.
    pub fn merge_base(&self, first: &str, second: &str) -> Result<String, GitError> {
        let output = git(&self.here, &["merge-base", first, second], None)
            .map_err(|_| GitError("the two revisions have no common ancestor".to_owned()))?;
        Ok(text_line(&output))
    }

    /// The policy set `paths` named at `commit`; `label` is the revision as
    /// the user wrote it, for messages. No paths: the current directory.
    pub fn policy_set(&self, commit: &str, label: &str, paths: &[PathBuf]) -> Result<SourceSet, Vec<GitError>> {
        let default = [PathBuf::from(".")];
        let paths = if paths.is_empty() { &default[..] } else { paths };
        let mut found: Vec<Found> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut errors = Vec::new();
        for path in paths {
            match self.files_at(commit, label, path) {
                // A file named twice counts once, at its first place.
                Ok(files) => found.extend(files.into_iter().filter(|file| seen.insert(file.in_repository.clone()))),
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let objects: Vec<&str> = found.iter().map(|file| file.object.as_str()).collect();
        let contents = self.blobs(&objects).map_err(|error| vec![error])?;
        let mut set = SourceSet::new();
        for (found, bytes) in found.iter().zip(contents) {
            let mut file = SourceFile::from_bytes(found.name.clone(), &bytes);
            file.path = format!("{label}:{}", found.in_repository);
            set.add(file);
        }
        Ok(set)
    }

    /// The policy files one path names at `commit`: a file as named, a
    /// folder's `*.crmpol` files in scan order.
    fn files_at(&self, commit: &str, label: &str, path: &Path) -> Result<Vec<Found>, GitError> {
        let shown = super::discover::display_name(path);
        let below_top = self.below_top(path).ok_or_else(|| {
            GitError(format!(
                "`{shown}` is outside the git repository at `{}`",
                self.top.display()
            ))
        })?;
        let pathspec = below_top.to_string_lossy().into_owned();
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit, "--"];
        if !pathspec.is_empty() {
            args.push(&pathspec);
        }
        let listing = git(&self.top, &args, None)
            .map_err(|error| GitError(format!("cannot list `{shown}` at `{label}`: {}", error.reason())))?;
        let mut files = Vec::new();
        let (mut hidden, mut listed) = (0, 0);
        for record in listing.split(|&byte| byte == 0).filter(|record| !record.is_empty()) {
            let Some(item) = TreeItem::parse(record) else { continue };
            listed += 1;
            if item.kind != "blob" || item.mode == "120000" {
                continue;
            }
            let item_path = PathBuf::from(&item.path);
            if item_path == below_top {
                // The path names a file: taken as named, whatever its extension.
                return Ok(vec![Found {
                    name: shown,
                    object: item.object,
                    in_repository: item.path,
                }]);
            }
            let Ok(inside) = item_path.strip_prefix(&below_top) else {
                continue;
            };
            if inside.extension().is_none_or(|ext| ext != POLICY_EXTENSION) {
                continue;
            }
            if super::discover::is_named_as_found_below(Path::new(""), inside) {
                files.push((path.join(inside), item));
            } else {
                hidden += 1;
            }
        }
        if listed == 0 {
            return Err(GitError(format!("`{shown}` does not exist at `{label}`")));
        }
        if files.is_empty() {
            let skipped = match hidden {
                0 => String::new(),
                1 => " (1 hidden one was skipped)".to_owned(),
                n => format!(" ({n} hidden ones were skipped)"),
            };
            return Err(GitError(format!(
                "no `.crmpol` files under `{shown}` at `{label}`{skipped}"
            )));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files
            .into_iter()
            .map(|(path, item)| Found {
                name: super::discover::display_name(&path),
                object: item.object,
                in_repository: item.path,
            })
            .collect())
    }

    /// A command-line path relative to the top of the work tree, without
    /// touching the disk (the path may not exist in the work tree any more).
    fn below_top(&self, path: &Path) -> Option<PathBuf> {
        let joined = self.here.join(path);
        let mut normal = PathBuf::new();
        for part in joined.components() {
            match part {
                Component::ParentDir => {
                    normal.pop();
                }
                Component::CurDir => {}
                other => normal.push(other),
            }
        }
        normal.strip_prefix(&self.top).ok().map(Path::to_path_buf)
    }

    /// The catalog a policy set read at `commit` (by [`Self::policy_set`])
    /// declares, read at that commit too, so both sides of a diff are
    /// compiled as they were. `None` when the set declares none.
    pub fn catalog_at(&self, commit: &str, label: &str, sources: &SourceSet) -> Option<Arc<AttachedCatalog>> {
        let (trees, _) = crate::syntax::parse_set(sources);
        let request = catalog::attach::request(None, &trees, |file| {
            sources.get(file).map(|file| (file.path.as_str(), file.name.as_str()))
        })?;
        let joined = request.path.to_string_lossy().into_owned();
        let in_repository = joined
            .strip_prefix(&format!("{label}:"))
            .and_then(|path| normalized(Path::new(path)));
        let attached = match in_repository {
            None => AttachedCatalog::unreadable(request, format!("the path leaves the repository at {label}")),
            Some(path) => {
                let object = format!("{commit}:{}", path.display());
                match git(&self.top, &["cat-file", "blob", &object], None) {
                    Ok(bytes) => AttachedCatalog::from_bytes(request, &bytes),
                    Err(_) => AttachedCatalog::unreadable(request, format!("no such file at {label}")),
                }
            }
        };
        Some(Arc::new(attached))
    }

    /// The contents of blobs, in order, from one `git cat-file --batch`.
    fn blobs(&self, objects: &[&str]) -> Result<Vec<Vec<u8>>, GitError> {
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let mut input = objects.join("\n");
        input.push('\n');
        let output = git(&self.top, &["cat-file", "--batch"], Some(input.as_bytes()))
            .map_err(|error| GitError(format!("cannot read files from git: {}", error.reason())))?;
        parse_batch(&output, objects.len()).ok_or_else(|| GitError("git cat-file gave unreadable output".to_owned()))
    }
}

/// A path inside the repository with `.` and `..` resolved, without the
/// disk; `None` when it climbs above the top.
fn normalized(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// A policy file found at a revision.
struct Found {
    /// As diagnostics and causes show it: the command-line path it was found
    /// under, joined with its path below that.
    name: String,
    object: String,
    /// Its path from the top of the work tree, which identifies it.
    in_repository: String,
}

/// One line of `git ls-tree -z`: `MODE TYPE OBJECT\tPATH`.
struct TreeItem {
    mode: String,
    kind: String,
    object: String,
    path: String,
}

impl TreeItem {
    fn parse(record: &[u8]) -> Option<TreeItem> {
        let tab = record.iter().position(|&byte| byte == b'\t')?;
        let (meta, path) = (record.get(..tab)?, record.get(tab + 1..)?);
        let meta = std::str::from_utf8(meta).ok()?;
        let mut fields = meta.split(' ');
        Some(TreeItem {
            mode: fields.next()?.to_owned(),
            kind: fields.next()?.to_owned(),
            object: fields.next()?.to_owned(),
            path: String::from_utf8_lossy(path).into_owned(),
        })
    }
}

/// `OBJECT TYPE SIZE\nCONTENTS\n`, `count` times.
fn parse_batch(mut output: &[u8], count: usize) -> Option<Vec<Vec<u8>>> {
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let newline = output.iter().position(|&byte| byte == b'\n')?;
        let header = std::str::from_utf8(output.get(..newline)?).ok()?;
        let size: usize = header.rsplit(' ').next()?.parse().ok()?;
        let start = newline + 1;
        contents.push(output.get(start..start + size)?.to_vec());
        output = output.get(start + size + 1..)?;
    }
    Some(contents)
}

/// How a git command failed.
enum Failure {
    /// git could not be started.
    NotRun(String),
    /// git ran and refused; what it said.
    Refused(String),
}

impl Failure {
    fn reason(&self) -> &str {
        match self {
            Failure::NotRun(reason) | Failure::Refused(reason) => reason,
        }
    }
}

/// Runs git in `dir`, feeding `input`; its standard output on success.
/// Optional locks are off, so even `git status`-like refreshes never write
/// the index.
fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, Failure> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|error| Failure::NotRun(error.to_string()))?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // Written from a thread: git answers while reading, and a full
        // output pipe would otherwise stop both.
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let output = child
        .wait_with_output()
        .map_err(|error| Failure::NotRun(error.to_string()))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        Err(Failure::Refused(
            crate::text::trim_blanks(said.lines().next().unwrap_or("")).to_owned(),
        ))
    }
}

fn text_line(output: &[u8]) -> String {
    String::from_utf8_lossy(output)
        .trim_end_matches(['\n', '\r'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_output_is_split_by_sizes_even_with_newlines_inside() {
        let output = b"aaa blob 3\nx\ny\nbbb blob 0\n\n";
        let parsed = parse_batch(output, 2);
        assert_eq!(parsed, Some(vec![b"x\ny".to_vec(), Vec::new()]));
        assert_eq!(parse_batch(b"aaa blob 9\nshort\n", 1), None);
    }

    #[test]
    fn tree_items_keep_tabs_and_spaces_in_paths() {
        let item = TreeItem::parse(b"100644 blob 0123abcd\tpolicies/a b\tc.crmpol").expect("parses");
        assert_eq!(item.mode, "100644");
        assert_eq!(item.kind, "blob");
        assert_eq!(item.object, "0123abcd");
        assert_eq!(item.path, "policies/a b\tc.crmpol");
    }
}
