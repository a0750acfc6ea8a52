//! Exhaustive cross-check of crmpol against a small, independent oracle
//! (spec v1 + v2 and the lead's v2 decisions file).
//!
//! In: every combination of the eleven settings with bounded values (6,912),
//! × four CRM kinds × five placements. Out: for each case, crmpol's
//! diagnostic codes and counts, `has_errors` and (for a policy without
//! errors) the decision table JSON must equal what the oracle derives.
//!
//! Modules: [`model`] (settings and combinations), [`policy`] (statements and
//! the text they become), [`placement`] (where a combination is written),
//! [`oracle`] (rows and table), [`checks`] (effective settings and
//! diagnostics), [`harness`] (running and comparing), [`selfcheck`] (the
//! oracle against hand-worked rows). The oracle uses nothing of crmpol but
//! `SourceSet`, `analyze` and the analysis' diagnostics and table.

mod checks;
mod harness;
mod model;
mod oracle;
mod placement;
mod policy;
mod selfcheck;

use harness::{CRM_KINDS, Case, Mode, run_all};
use placement::Placement;

/// What the v1 subset compares: crmpol's and the oracle's `engaged` rows
/// and v2 codes (spec v2 §3: v1 policies keep their meaning).
const V1_SUBSET_MODE: Mode = Mode::V1OnV2Engaged;

#[test]
fn every_combination_matches_the_oracle() {
    let cases = Case::all(false);
    // Misplaced without a delay written is InQueue's text: left out.
    let misplaced_as_in_queue = 6912 / 6;
    assert_eq!(
        cases.len(),
        (6912 * Placement::ALL.len() - misplaced_as_in_queue) * CRM_KINDS.len()
    );
    run_all(&cases, Mode::V2);
}

/// The combinations with the five v2 settings at their defaults, written
/// without any v2 setting: v1 policies keep their meaning (v2 §3).
#[test]
fn v1_policies_keep_their_engaged_rows() {
    let cases = Case::all(true);
    assert_eq!(cases.len(), 96 * (Placement::ALL.len() - 1) * CRM_KINDS.len());
    run_all(&cases, V1_SUBSET_MODE);
}
