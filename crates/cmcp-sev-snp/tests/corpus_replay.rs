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

#[path = "../../../fuzz/src/targets/azure_envelope.rs"]
mod azure_envelope;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/targets/snp_report.rs"]
mod snp_report;

#[test]
fn snp_report_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "snp_report", snp_report::run);
    eprintln!("snp_report: {n} corpus files replayed");
}

#[test]
fn azure_envelope_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "azure_envelope",
        azure_envelope::run,
    );
    eprintln!("azure_envelope: {n} corpus files replayed");
}
