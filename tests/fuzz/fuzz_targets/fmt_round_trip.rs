//! Fuzz target `fmt_round_trip`: any bytes, as one policy file, through
//! `crmpol::format::format_file` with the default options. Refusing a file
//! with syntax errors (`FormatError::Syntax`), or one whose layout would be
//! too large or that holds a control character (`FormatError::Refused`), is
//! fine; `WouldChangeMeaning` is a
//! formatter bug. When formatting succeeds:
//! - formatting the output again gives the same text (idempotent);
//! - the output has the same decision table and the same findings (codes
//!   and messages, without places) as the input;
//! - the output holds every comment of the input: the comments' texts,
//!   trimmed at the end, are the same sorted multiset.

#![no_main]

use crmpol::format::{FormatError, FormatOptions, format_file};
use crmpol::source::FileId;
use crmpol::syntax::parse_file;
use crmpol::{SourceFile, SourceSet};
use libfuzzer_sys::fuzz_target;

const NAME: &str = "fuzz/a.crmpol";

fuzz_target!(|data: &[u8]| {
    let source = SourceFile::from_bytes(NAME, data);
    let formatted = match format_file(&source, FormatOptions::default()) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(_) | FormatError::Refused(_)) => return,
        Err(FormatError::WouldChangeMeaning(why)) => {
            panic!("format_file: WouldChangeMeaning: {why}\ninput: {:?}", source.text)
        }
    };
    let output = SourceFile::from_text(NAME, formatted.clone());
    match format_file(&output, FormatOptions::default()) {
        Ok(twice) => assert!(
            twice == formatted,
            "formatting is not idempotent\ninput: {:?}\nonce: {formatted:?}\ntwice: {twice:?}",
            source.text
        ),
        Err(error) => panic!(
            "formatting the output failed: {error:?}\ninput: {:?}\nonce: {formatted:?}",
            source.text
        ),
    }
    let before = analyze(&source);
    let after = analyze(&output);
    assert!(
        before.table() == after.table(),
        "the decision table changed\ninput: {:?}\nformatted: {formatted:?}",
        source.text
    );
    assert!(
        before.findings() == after.findings(),
        "the findings changed\ninput: {:?}\nformatted: {formatted:?}\nbefore: {:#?}\nafter: {:#?}",
        source.text,
        before.findings(),
        after.findings()
    );
    let comments_before = comment_texts(&source);
    let comments_after = comment_texts(&output);
    assert!(
        comments_before == comments_after,
        "the comments changed\ninput: {:?}\nformatted: {formatted:?}\nbefore: {comments_before:#?}\nafter: {comments_after:#?}",
        source.text
    );
});

fn analyze(source: &SourceFile) -> crmpol::Analysis {
    let mut set = SourceSet::new();
    set.add(source.clone());
    crmpol::analyze(&set)
}

/// Every comment's text without the blanks at its end, sorted.
fn comment_texts(source: &SourceFile) -> Vec<String> {
    let parsed = parse_file(FileId(0), source);
    let mut texts: Vec<String> = parsed
        .tree
        .comments
        .iter()
        .map(|span| source.slice(*span).trim_end().to_owned())
        .collect();
    texts.sort();
    texts
}
