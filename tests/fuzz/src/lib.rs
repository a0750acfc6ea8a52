//! What the fuzz targets in `fuzz_targets/` share: turning the fuzzer's
//! bytes into a policy set, and the properties more than one target checks.
//! Every check is an `assert!`, so a violation is a crash libFuzzer saves.

pub mod input;
pub mod spans;
pub mod terminal;
pub mod touched;
