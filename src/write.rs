//! Writing files without ever losing one.
//!
//! In: a path the user named (`-o FILE`) or the policy files a fix or the
//! formatter changed, and the bytes to put there. Out: where the bytes go
//! ([`Destination`]), and files replaced whole or not at all.
//!
//! The rules:
//! - `-`, and any path that is the same file as standard output (such as
//!   `/dev/stdout` when standard output is redirected to a file), mean
//!   standard output itself, so `{ echo a; crmpol compile p -o /dev/stdout;
//!   echo b; } > log` keeps all three in order;
//! - a path that is the same file as one of the policy set's inputs (also
//!   through a symbolic link, a hard link or another spelling) is refused;
//! - a regular file, or a path that does not exist yet, is written to a
//!   temporary file in the same directory, synced, then renamed over the
//!   target: readers see the old file or the new one, never a half-written
//!   one. An existing file keeps its permissions; a new one gets what a
//!   shell redirection would give it (0666 minus the umask);
//! - a character device, a FIFO or another file that is not a regular file
//!   is opened and written in place, since renaming over it would replace
//!   the device node or pipe rather than write to it.
//!
//! Several files are written as one change ([`write_all_or_none`]): every
//! temporary file is written first, and only when all of them are ready are
//! they renamed into place, so a read-only directory leaves every file as it
//! was.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where an output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output itself.
    Stdout,
    /// Standard error itself (a path that is the same file as it).
    Stderr,
    /// A regular file or a new path: replaced atomically.
    Replace(PathBuf),
    /// An existing file that is not a regular file: written in place.
    InPlace(PathBuf),
}

/// Why an output cannot be written where it was asked to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The output is one of the policy set's own files.
    /// `output` is `None` for standard output redirected onto the file.
    WouldOverwriteInput { output: Option<PathBuf>, input: String },
    /// The output path names a directory.
    IsADirectory(PathBuf),
    /// Writing failed.
    Failed { path: PathBuf, reason: String },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::WouldOverwriteInput {
                output: Some(output),
                input,
            } => write!(
                f,
                "refusing to write the output to `{}`: it is the policy file `{input}`, which would be lost; \
                 choose another output file",
                shown(output)
            ),
            WriteError::WouldOverwriteInput { output: None, input } => write!(
                f,
                "refusing to write the table to standard output: it is redirected to the policy file `{input}`, \
                 which would be lost; redirect it to another file"
            ),
            WriteError::IsADirectory(path) => {
                write!(f, "cannot write `{}`: it is a directory", shown(path))
            }
            WriteError::Failed { path, reason } => write!(f, "cannot write `{}`: {reason}", shown(path)),
        }
    }
}

impl std::error::Error for WriteError {}

fn shown(path: &Path) -> String {
    crate::text::escape_hidden(&path.display().to_string()).into_owned()
}

/// Decides where the output goes: `path` from `-o`, or standard output
/// without one. `inputs` are the policy set's files (the paths they were
/// read from, and their names for the message). An output that is one of
/// them is refused, also when it is standard output redirected onto one
/// (`crmpol compile p.crmpol >> p.crmpol`).
pub fn destination(path: Option<&Path>, inputs: &[(&Path, &str)]) -> Result<Destination, WriteError> {
    let stdout = FileIdentity::of_stdout();
    let Some(path) = path.filter(|path| path.as_os_str() != "-") else {
        refuse_if_input(stdout.as_ref(), None, inputs)?;
        return Ok(Destination::Stdout);
    };
    let identity = FileIdentity::of_path(path);
    refuse_if_input(identity.as_ref(), Some(path), inputs)?;
    if let Some(identity) = &identity {
        if Some(identity) == stdout.as_ref() {
            return Ok(Destination::Stdout);
        }
        if Some(identity) == FileIdentity::of_stderr().as_ref() {
            return Ok(Destination::Stderr);
        }
    }
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(WriteError::IsADirectory(path.to_path_buf())),
        Ok(metadata) if !metadata.is_file() => Ok(Destination::InPlace(path.to_path_buf())),
        _ => Ok(Destination::Replace(path.to_path_buf())),
    }
}

fn refuse_if_input(
    identity: Option<&FileIdentity>,
    output: Option<&Path>,
    inputs: &[(&Path, &str)],
) -> Result<(), WriteError> {
    let Some(identity) = identity else { return Ok(()) };
    match inputs
        .iter()
        .find(|(input, _)| FileIdentity::of_path(input).as_ref() == Some(identity))
    {
        Some((_, name)) => Err(WriteError::WouldOverwriteInput {
            output: output.map(Path::to_path_buf),
            input: (*name).to_owned(),
        }),
        None => Ok(()),
    }
}

/// Writes to a file destination (not standard output or error, which the
/// caller prints).
pub fn write_file(destination: &Destination, contents: &[u8]) -> Result<(), WriteError> {
    write_file_with(destination, &mut |out| out.write_all(contents))
}

/// [`write_file`] for contents written by `write` as they are made, so
/// they are never held whole: a file that is replaced is replaced only once
/// `write` has written all of it (through a temporary file beside it, as
/// [`write_all_or_none`] does), and is left as it was if `write` fails.
pub fn write_file_with(
    destination: &Destination,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    match destination {
        Destination::Replace(path) => Staged::prepare_with(path, write)
            .and_then(Staged::commit)
            .map_err(|error| failed(path, &error)),
        Destination::InPlace(path) => std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                write(&mut out)?;
                out.flush()
            })
            .map_err(|error| failed(path, &error)),
        Destination::Stdout | Destination::Stderr => Ok(()),
    }
}

/// Why [`write_all_or_none`] did not write everything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteFailure {
    /// Every file that could not be written, and why.
    pub errors: Vec<WriteError>,
    /// The files already replaced when a rename failed: empty unless the
    /// file system failed between two renames.
    pub replaced: Vec<PathBuf>,
}

/// Replaces every file with its new contents, or none of them: all the
/// temporary files are written and synced before the first rename. Returns
/// every file that could not be prepared; if a rename fails after others
/// succeeded (which takes a file system failing mid-way), says which files
/// were already replaced.
pub fn write_all_or_none(files: &[(&Path, &[u8])]) -> Result<(), WriteFailure> {
    let mut staged = Vec::with_capacity(files.len());
    let mut failures = Vec::new();
    for (path, contents) in files {
        match Staged::prepare(path, contents) {
            Ok(ready) => staged.push(ready),
            Err(error) => failures.push(failed(path, &error)),
        }
    }
    if !failures.is_empty() {
        // Dropping the staged files deletes their temporary files.
        return Err(WriteFailure {
            errors: failures,
            replaced: Vec::new(),
        });
    }
    let mut replaced: Vec<PathBuf> = Vec::new();
    for ready in staged {
        let target = ready.shown.clone();
        if let Err(error) = ready.commit() {
            return Err(WriteFailure {
                errors: vec![failed(&target, &error)],
                replaced,
            });
        }
        replaced.push(target);
    }
    Ok(())
}

/// A file's new contents, written to a temporary file beside it.
struct Staged {
    /// The path as the user named it, for messages.
    shown: PathBuf,
    /// The file to replace: through a symbolic link, the file it points at.
    target: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl Staged {
    fn prepare(path: &Path, contents: &[u8]) -> std::io::Result<Staged> {
        Staged::prepare_with(path, &mut |out| out.write_all(contents))
    }

    /// The temporary file, with what `write` writes to it.
    fn prepare_with(
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<Staged> {
        // Renaming over a symbolic link would cut the link; replace the file
        // it points at instead.
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
        let target = if is_link {
            std::fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let existing = std::fs::metadata(&target).map(|meta| meta.permissions()).ok();
        let mut builder = tempfile::Builder::new();
        builder.prefix(".crmpol-").suffix(".tmp");
        if existing.is_none()
            && let Some(permissions) = new_file_permissions()
        {
            builder.permissions(permissions);
        }
        let mut temp = builder.tempfile_in(&dir)?;
        {
            let mut out = std::io::BufWriter::new(&mut temp);
            write(&mut out)?;
            out.flush()?;
        }
        temp.as_file().sync_all()?;
        if let Some(permissions) = existing {
            temp.as_file().set_permissions(permissions)?;
        }
        Ok(Staged {
            shown: path.to_path_buf(),
            target,
            temp,
        })
    }

    fn commit(self) -> std::io::Result<()> {
        self.temp.persist(&self.target).map(|_| ()).map_err(|error| error.error)
    }
}

/// What a shell redirection creates: read and write for all, less the
/// umask (the operating system applies it when the file is created).
/// Elsewhere a new file's permissions come from its directory.
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o666))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

fn failed(path: &Path, error: &std::io::Error) -> WriteError {
    WriteError::Failed {
        path: path.to_path_buf(),
        reason: why(error),
    }
}

/// Why a write failed, in words about the target rather than the temporary
/// file it goes through.
pub fn why(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "its directory does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        std::io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_owned(),
        std::io::ErrorKind::StorageFull => "no space left on the device".to_owned(),
        _ => error.to_string(),
    }
}

/// What makes two paths the same file: the device and inode (following
/// symbolic links), so every spelling, link and hard link of a file agrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileIdentity {
    #[cfg(unix)]
    device: u64,
    #[cfg(unix)]
    inode: u64,
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileIdentity {
    /// The identity of the file at `path`, if it exists.
    pub fn of_path(path: &Path) -> Option<FileIdentity> {
        #[cfg(unix)]
        {
            std::fs::metadata(path)
                .ok()
                .map(|meta| FileIdentity::of_metadata(&meta))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path)
                .ok()
                .map(|canonical| FileIdentity { canonical })
        }
    }

    /// The file standard output is connected to.
    pub fn of_stdout() -> Option<FileIdentity> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            FileIdentity::of_stream(std::io::stdout().as_fd())
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// The file standard error is connected to.
    pub fn of_stderr() -> Option<FileIdentity> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            FileIdentity::of_stream(std::io::stderr().as_fd())
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    #[cfg(unix)]
    fn of_stream(fd: std::os::fd::BorrowedFd<'_>) -> Option<FileIdentity> {
        let file = std::fs::File::from(fd.try_clone_to_owned().ok()?);
        file.metadata().ok().map(|meta| FileIdentity::of_metadata(&meta))
    }

    #[cfg(unix)]
    fn of_metadata(meta: &std::fs::Metadata) -> FileIdentity {
        use std::os::unix::fs::MetadataExt;
        FileIdentity {
            device: meta.dev(),
            inode: meta.ino(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crmpol-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn an_input_is_refused_under_any_spelling() {
        let dir = scratch("inputs");
        let input = dir.join("p.crmpol");
        std::fs::write(&input, "crm: zendesk\n").expect("write");
        let inputs = [(input.as_path(), "p.crmpol")];
        let spellings = [input.clone(), dir.join(".").join("p.crmpol"), dir.join("x/../p.crmpol")];
        std::fs::create_dir_all(dir.join("x")).expect("dir");
        for spelling in spellings {
            assert!(
                matches!(
                    destination(Some(&spelling), &inputs),
                    Err(WriteError::WouldOverwriteInput { .. })
                ),
                "{}",
                spelling.display()
            );
        }
        #[cfg(unix)]
        {
            let link = dir.join("link.yaml");
            std::os::unix::fs::symlink(&input, &link).expect("symlink");
            assert!(matches!(
                destination(Some(&link), &inputs),
                Err(WriteError::WouldOverwriteInput { .. })
            ));
            let hard = dir.join("hard.yaml");
            std::fs::hard_link(&input, &hard).expect("hard link");
            assert!(matches!(
                destination(Some(&hard), &inputs),
                Err(WriteError::WouldOverwriteInput { .. })
            ));
        }
        assert_eq!(
            destination(Some(&dir.join("new.yaml")), &inputs),
            Ok(Destination::Replace(dir.join("new.yaml")))
        );
    }

    #[test]
    fn a_dash_is_standard_output() {
        assert_eq!(destination(Some(Path::new("-")), &[]), Ok(Destination::Stdout));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place() {
        assert_eq!(
            destination(Some(Path::new("/dev/null")), &[]),
            Ok(Destination::InPlace(PathBuf::from("/dev/null")))
        );
        let destination = Destination::InPlace(PathBuf::from("/dev/null"));
        assert_eq!(write_file(&destination, b"table"), Ok(()));
    }

    #[test]
    fn all_or_none_leaves_every_file_alone_when_one_cannot_be_written() {
        let dir = scratch("all-or-none");
        let good = dir.join("good.crmpol");
        std::fs::write(&good, "old").expect("write");
        let missing_dir = dir.join("missing").join("bad.crmpol");
        let failure = write_all_or_none(&[(good.as_path(), b"new"), (missing_dir.as_path(), b"new")])
            .expect_err("one cannot be written");
        assert_eq!(failure.errors.len(), 1);
        assert!(failure.replaced.is_empty());
        assert_eq!(std::fs::read_to_string(&good).expect("read"), "old");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file is left behind");
    }

    #[test]
    fn a_file_written_as_it_is_made_is_replaced_only_when_all_of_it_is_written() {
        let dir = scratch("streamed");
        let table = dir.join("table.yaml");
        std::fs::write(&table, "old").expect("write");
        let destination = Destination::Replace(table.clone());
        let failed = write_file_with(&destination, &mut |out| {
            out.write_all(&[b'x'; 200_000])?;
            Err(std::io::Error::other("the writer stopped half-way"))
        })
        .expect_err("the writer fails");
        assert!(failed.to_string().contains("half-way"), "{failed}");
        assert_eq!(std::fs::read_to_string(&table).expect("read"), "old", "left as it was");
        let leftovers = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0, "no temporary file is left behind");

        write_file_with(&destination, &mut |out| {
            out.write_all(b"new ")?;
            out.write_all(b"table")
        })
        .expect("written");
        assert_eq!(std::fs::read_to_string(&table).expect("read"), "new table");
    }
}
