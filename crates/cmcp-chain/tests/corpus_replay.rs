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

#[path = "../../../fuzz/src/targets/bundle.rs"]
mod bundle;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn bundle_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "bundle", bundle::run);
    eprintln!("bundle: {n} corpus files replayed");
}
