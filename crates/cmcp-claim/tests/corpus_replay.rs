//! Replays the committed fuzz corpora (`fuzz/corpus/<target>`) through the
//! same target functions cargo-fuzz runs, on stable: no input may panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

#[path = "../../../fuzz/src/targets/claim.rs"]
mod claim;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn claim_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "claim", claim::run);
    eprintln!("claim: {n} corpus files replayed");
}
