//! Source files of a policy set.
//!
//! In: paths from the command line (files and directories), or in-memory
//! texts. Out: a [`SourceSet`] of numbered files with their text, plus byte
//! [`Span`]s that every later stage uses to point back into them.
//!
//! Offsets count bytes of the text after a leading byte-order mark, the same
//! text an editor shows. A file that is not valid UTF-8 still gets a
//! [`SourceFile`], holding the text with invalid bytes replaced, and records
//! where the first invalid byte is so the parser can report it.
//!
//! Lines and columns come from [`LineIndex`]: columns count Unicode code
//! points in every output, and a line ends at LF (a CR before it belongs to
//! the line ending; a lone CR is an ordinary character).

mod discover;
pub mod git;
mod line_index;

pub use discover::{LoadError, POLICY_EXTENSION, is_found_below, is_named_as_found_below, policy_paths};
pub use line_index::{ColumnUnit, LineIndex};

use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in its [`SourceSet`], in policy-set order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

impl FileId {
    /// The policy set's queue catalog (a JSON file, not a policy file): kept
    /// beside the policy files of a [`SourceSet`], never among them.
    pub const CATALOG: FileId = FileId(usize::MAX);
}

/// A byte range in one source file.
///
/// Twelve bytes: a large policy set holds several spans per line, so the
/// file and the offsets are kept in four bytes each. Policy files of 4 GiB
/// or more are refused when loading ([`MAX_FILE_BYTES`]); an offset past
/// that (an in-memory text that large) is kept as the largest one, so a
/// span there points at the end rather than wrapping around.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    file: u32,
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file: packed_file(file),
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub fn file(self) -> FileId {
        match self.file {
            u32::MAX => FileId::CATALOG,
            file => FileId(file as usize),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The same span ending at `end`.
    pub fn with_end(self, end: usize) -> Span {
        Span::new(self.file(), self.start(), end)
    }
}

/// A file's number in four bytes: the catalog keeps the largest, so spans
/// still sort with the catalog's after every policy file's.
fn packed_file(file: FileId) -> u32 {
    match file {
        FileId::CATALOG => u32::MAX,
        FileId(index) => u32::try_from(index).map_or(u32::MAX - 1, |index| index.min(u32::MAX - 1)),
    }
}

/// A value together with the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One policy file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name diagnostics show: the path as found from the command line.
    pub name: String,
    /// Where the file was read from (for in-memory files, the name).
    pub path: String,
    pub text: String,
    /// Byte offset of the first byte that was not valid UTF-8, if any.
    pub invalid_utf8_at: Option<usize>,
    /// The file started with a byte-order mark (not part of `text`); a
    /// rewritten file gets it back.
    pub had_bom: bool,
    lines: LineIndex,
}

impl SourceFile {
    /// A file from raw bytes: strips a leading BOM and notes invalid UTF-8.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> SourceFile {
        let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
        let had_bom = without_bom.is_some();
        let bytes = without_bom.unwrap_or(bytes);
        let (text, invalid_utf8_at) = match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), None),
            Err(error) => (String::from_utf8_lossy(bytes).into_owned(), Some(error.valid_up_to())),
        };
        SourceFile::build(name.into(), text, invalid_utf8_at, had_bom)
    }

    /// A file from the bytes read from disk, taking them over: UTF-8 text
    /// without a byte order mark (nearly every file) is kept as it is,
    /// without a copy.
    pub fn from_vec(name: impl Into<String>, bytes: Vec<u8>) -> SourceFile {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            return SourceFile::from_bytes(name, &bytes);
        }
        match String::from_utf8(bytes) {
            Ok(text) => SourceFile::build(name.into(), text, None, false),
            Err(error) => SourceFile::from_bytes(name, error.as_bytes()),
        }
    }

    /// A file from text already in memory (tests, editors, standard input).
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        match text.strip_prefix('\u{feff}') {
            Some(rest) => SourceFile::build(name.into(), rest.to_owned(), None, true),
            None => SourceFile::build(name.into(), text, None, false),
        }
    }

    fn build(name: String, text: String, invalid_utf8_at: Option<usize>, had_bom: bool) -> SourceFile {
        SourceFile {
            path: name.clone(),
            name,
            lines: LineIndex::new(&text),
            text,
            invalid_utf8_at,
            had_bom,
        }
    }

    /// The file's bytes as they should be written back: the text, with the
    /// byte-order mark it was read with.
    pub fn to_bytes(&self) -> Vec<u8> {
        let bom: &[u8] = if self.had_bom { b"\xEF\xBB\xBF" } else { b"" };
        [bom, self.text.as_bytes()].concat()
    }

    /// Zero-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    /// Byte offset where a zero-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.lines.line_start(line)
    }

    /// Byte range of a zero-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = self.lines.line_start(line)?;
        let end = self.lines.line_start(line + 1).map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') && end < self.text.len() {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }

    pub fn line_count(&self) -> usize {
        self.lines.line_count()
    }

    /// One-based line and column (in code points) of a byte offset.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let (line, column) = self
            .lines
            .line_and_column(&self.text, self.clamp(offset), ColumnUnit::CodePoints);
        LineColumn {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The byte offset of a zero-based line and column in `unit` (see
    /// [`LineIndex::offset`]): never past the text, always a character
    /// boundary.
    pub fn offset_at(&self, line: usize, column: usize, unit: ColumnUnit) -> usize {
        self.lines.offset(&self.text, line, column, unit)
    }

    /// Zero-based column of a byte offset in `unit`.
    pub fn column_in(&self, offset: usize, unit: ColumnUnit) -> usize {
        let offset = self.clamp(offset);
        self.lines.column(&self.text, offset, unit)
    }

    /// The offset moved back onto a character boundary inside the text.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The whole lines a span touches, from the first line's start through
    /// the last line's ending: what deleting a statement removes.
    pub fn full_lines(&self, span: Span) -> Span {
        let first = self.line_of(span.start());
        let last = self.line_of(span.end().saturating_sub(1).max(span.start()));
        let start = self.line_start(first).unwrap_or(0);
        let end = self.line_start(last + 1).unwrap_or(self.text.len());
        Span::new(span.file(), start, end)
    }

    /// The blanks a line starts with, for text inserted beside it.
    pub fn indentation_at(&self, offset: usize) -> &str {
        let start = self.line_start(self.line_of(offset)).unwrap_or(0);
        let line = &self.text[start..];
        let width = line.len() - crate::text::trim_start_blanks(line).len();
        &line[..width]
    }

    /// The file's line ending, so inserted lines match the lines around them.
    pub fn line_ending(&self) -> &'static str {
        match self.text.find('\n') {
            Some(at) if at > 0 && self.text.as_bytes()[at - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// The text under a span, or "" if the span does not fit this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// One-based position, as editors and `file:line:col` lists show it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// The files of one policy set, in policy-set order, and the queue catalog
/// the set uses, if any.
///
/// The catalog file answers to [`FileId::CATALOG`] in [`SourceSet::get`],
/// [`SourceSet::name`] and [`SourceSet::slice`], so diagnostics can point
/// into it; [`SourceSet::iter`] and [`SourceSet::len`] count policy files
/// only, so formatting and fixes never touch it.
#[derive(Clone, Debug, Default)]
pub struct SourceSet {
    /// Shared, so that a workspace hands a set to an analysis without
    /// copying the texts.
    files: Vec<Arc<SourceFile>>,
    catalog: Option<Arc<crate::catalog::AttachedCatalog>>,
}

impl SourceSet {
    pub fn new() -> SourceSet {
        SourceSet::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(Arc::new(file))
    }

    /// Adds a file another owner (a workspace) also holds.
    pub fn add_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// A set of in-memory files: `(name, text)` pairs in order.
    pub fn from_texts<N: Into<String>, T: Into<String>>(texts: impl IntoIterator<Item = (N, T)>) -> SourceSet {
        let mut set = SourceSet::new();
        for (name, text) in texts {
            set.add(SourceFile::from_text(name, text));
        }
        set
    }

    /// Reads the policy set named by command-line paths (see
    /// [`policy_paths`]). Every path and file that cannot be read is
    /// reported, not only the first.
    pub fn load(paths: &[PathBuf]) -> Result<SourceSet, Vec<LoadError>> {
        let mut set = SourceSet::new();
        let mut errors = Vec::new();
        for path in policy_paths(paths)? {
            if let Some(error) = too_large(&path) {
                errors.push(error);
                continue;
            }
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let mut file = SourceFile::from_vec(discover::display_name(&path), bytes);
                    file.path = path.display().to_string();
                    set.add(file);
                }
                Err(error) => errors.push(LoadError::unreadable(&path, &error)),
            }
        }
        if errors.is_empty() { Ok(set) } else { Err(errors) }
    }

    /// Puts new text in place of a file's (after fixes), keeping its name,
    /// path and byte-order mark.
    pub fn replace_text(&mut self, id: FileId, text: String) {
        if let Some(file) = self.files.get_mut(id.0) {
            let mut replaced = SourceFile::build(file.name.clone(), text, None, file.had_bom);
            replaced.path = file.path.clone();
            *file = Arc::new(replaced);
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.shared_ref(id).map(Arc::as_ref)
    }

    /// The file, shared rather than copied.
    pub fn shared(&self, id: FileId) -> Option<Arc<SourceFile>> {
        self.shared_ref(id).cloned()
    }

    fn shared_ref(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        if id == FileId::CATALOG {
            return self.catalog.as_ref().and_then(|catalog| catalog.file());
        }
        self.files.get(id.0)
    }

    /// The catalog the set uses, as attached by whoever loaded the set (a
    /// [`crate::workspace::Workspace`] does).
    pub fn catalog(&self) -> Option<&Arc<crate::catalog::AttachedCatalog>> {
        self.catalog.as_ref()
    }

    pub fn set_catalog(&mut self, catalog: Option<Arc<crate::catalog::AttachedCatalog>>) {
        self.catalog = catalog;
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(index), file.as_ref()))
    }

    /// The name of a file, or "<unknown>" for an id from another set.
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |file| file.name.as_str())
    }

    /// The text under a span, or "" if it does not fit.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file()).map_or("", |file| file.slice(span))
    }
}

/// The size from which a policy file is not read: offsets into a file are
/// kept in four bytes in the syntax tree (a policy file that large is far
/// beyond anything a contact center writes).
pub const MAX_FILE_BYTES: u64 = u32::MAX as u64;

/// A load error for a file of [`MAX_FILE_BYTES`] or more, found before
/// reading any of it.
fn too_large(path: &std::path::Path) -> Option<LoadError> {
    let size = std::fs::metadata(path).ok()?.len();
    (size >= MAX_FILE_BYTES).then(|| LoadError::Unreadable {
        path: path.to_path_buf(),
        reason: format!("the file is {size} bytes; crmpol reads policy files smaller than 4 GiB"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_4_gib_is_reported_without_being_read() {
        let dir = std::env::temp_dir().join(format!("crmpol-too-large-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("huge.crmpol");
        // Sparse: the size is there, the bytes are not written.
        let file = std::fs::File::create(&path).expect("a file");
        file.set_len(MAX_FILE_BYTES).expect("a sparse file");
        let small = dir.join("small.crmpol");
        std::fs::write(&small, "crm: zendesk\n").expect("a file");
        let result = SourceSet::load(&[path.clone(), small]);
        std::fs::remove_dir_all(&dir).ok();
        let Err(errors) = result else {
            panic!("a 4 GiB file was read")
        };
        let [LoadError::Unreadable { path: reported, reason }] = errors.as_slice() else {
            panic!("one error expected: {errors:?}")
        };
        assert_eq!(reported, &path);
        assert_eq!(
            reason,
            "the file is 4294967295 bytes; crmpol reads policy files smaller than 4 GiB"
        );
    }

    #[test]
    fn taking_over_bytes_reads_them_as_copying_does() {
        for bytes in [
            &b"crm: zendesk\n"[..],
            b"\xEF\xBB\xBFcrm: zendesk\n",
            b"crm: x\n\xFF\xFEabc",
            b"",
        ] {
            let copied = SourceFile::from_bytes("a.crmpol", bytes);
            let taken = SourceFile::from_vec("a.crmpol", bytes.to_vec());
            assert_eq!(
                (taken.text, taken.invalid_utf8_at, taken.had_bom),
                (copied.text, copied.invalid_utf8_at, copied.had_bom)
            );
        }
    }

    #[test]
    fn strips_bom_and_keeps_offsets_after_it() {
        let file = SourceFile::from_bytes("a.crmpol", b"\xEF\xBB\xBFcrm: zendesk\n");
        assert_eq!(file.text, "crm: zendesk\n");
        assert_eq!(file.invalid_utf8_at, None);
    }

    #[test]
    fn notes_first_invalid_byte() {
        let file = SourceFile::from_bytes("a.crmpol", b"crm: x\n\xFF\xFEabc");
        assert_eq!(file.invalid_utf8_at, Some(7));
        assert!(file.text.starts_with("crm: x\n"));
    }

    #[test]
    fn line_columns_count_characters_and_handle_crlf() {
        let file = SourceFile::from_text("a", "ab\r\n\u{e9}x\n");
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(4), LineColumn { line: 2, column: 1 });
        // `x` comes after the two-byte `é`, so it is column 2.
        assert_eq!(file.line_column(6), LineColumn { line: 2, column: 2 });
        assert_eq!(file.line_range(0), Some(0..2));
        assert_eq!(file.line_range(1), Some(4..7));
        assert_eq!(file.line_range(9), None);
    }

    #[test]
    fn line_column_clamps_offsets_inside_characters() {
        let file = SourceFile::from_text("a", "\u{e9}");
        assert_eq!(file.line_column(1), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(99), LineColumn { line: 1, column: 2 });
    }
}
