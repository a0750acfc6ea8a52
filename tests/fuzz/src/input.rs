//! The fuzzer's bytes as a policy set.
//!
//! Files are read with [`SourceFile::from_bytes`], as `crmpol` reads them
//! from disk: a byte-order mark is stripped and invalid UTF-8 is noted.

use crmpol::catalog::{AttachedCatalog, CatalogOrigin};
use crmpol::{SourceFile, SourceSet};

/// The names the files of a fuzzed policy set get.
pub const FILE_NAMES: [&str; 2] = ["fuzz/a.crmpol", "fuzz/b.crmpol"];

/// All the bytes as one policy file.
pub fn one_file(data: &[u8]) -> SourceSet {
    files(&[data])
}

/// All the bytes cut into two files of one set, at a point the first byte
/// picks (0 puts everything in the second file, 255 nearly all in the
/// first). The cut may fall inside a UTF-8 sequence.
pub fn two_files(data: &[u8]) -> SourceSet {
    let (first, second) = cut_by_first_byte(data);
    files(&[first, second])
}

/// The bytes cut where their first byte says: 0 at the start, 255 nearly
/// at the end.
fn cut_by_first_byte(data: &[u8]) -> (&[u8], &[u8]) {
    let at = data.first().map_or(0, |&first| usize::from(first) * data.len() / 256);
    data.split_at(at)
}

/// One file, or two. A first byte below 0x80 (every text seed starts with
/// one) makes all the bytes one file; a first byte from 0x80 up is dropped
/// and its low seven bits pick where the rest is cut into two files.
pub fn policy_set(data: &[u8]) -> SourceSet {
    match data.split_first() {
        Some((&control, rest)) if control >= 0x80 => {
            let at = usize::from(control & 0x7f) * rest.len() / 128;
            let (first, second) = rest.split_at(at);
            files(&[first, second])
        }
        _ => one_file(data),
    }
}

/// The bytes cut as [`two_files`] cuts them: the first part a policy file,
/// the second the queue catalog the set uses (as `--catalog` gives it).
pub fn policy_with_catalog(data: &[u8]) -> SourceSet {
    let (policy, catalog) = cut_by_first_byte(data);
    let mut set = files(&[policy]);
    let text = String::from_utf8_lossy(catalog);
    let attached = AttachedCatalog::from_text(CatalogOrigin::CommandLine, "fuzz/menus.json", &text);
    set.set_catalog(Some(std::sync::Arc::new(attached)));
    set
}

fn files(parts: &[&[u8]]) -> SourceSet {
    let mut set = SourceSet::new();
    for (name, bytes) in FILE_NAMES.iter().zip(parts) {
        set.add(SourceFile::from_bytes(*name, bytes));
    }
    set
}
