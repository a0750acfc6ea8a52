//! Fuzz target `analyze`: any bytes, as one policy file and cut into two
//! files of one set (the first byte picks where), go through
//! `crmpol::analyze` without a panic, and every diagnostic points inside
//! its file: each label and fix edit lies within the file's text on
//! character boundaries, every diagnostic has a label, and every entry it
//! names exists. The decision table is built, with one entry per
//! leaf/channel entry of the policy. The same cut also gives a policy file
//! and a queue catalog beside it, whose diagnostics must point inside the
//! catalog.

#![no_main]

use crmpol::SourceSet;
use crmpol_fuzz::input::{one_file, policy_with_catalog, two_files};
use crmpol_fuzz::spans::assert_diagnostics_point_inside;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(&one_file(data));
    check(&two_files(data));
    check(&policy_with_catalog(data));
});

fn check(sources: &SourceSet) {
    let analysis = crmpol::analyze(sources);
    let table = analysis.table();
    assert_eq!(table.entries.len(), analysis.policy.entries.len());
    assert_diagnostics_point_inside(sources, &analysis.diagnostics, table.entries.len());
}
