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

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/targets/tdx_quote.rs"]
mod tdx_quote;
#[path = "../../../fuzz/src/targets/tdx_report.rs"]
mod tdx_report;

#[test]
fn tdx_quote_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "tdx_quote", tdx_quote::run);
    eprintln!("tdx_quote: {n} corpus files replayed");
}

#[test]
fn tdx_report_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "tdx_report", tdx_report::run);
    eprintln!("tdx_report: {n} corpus files replayed");
}
