//! Replays the committed fuzz corpora (`fuzz/corpus/<target>`) through the
//! same target functions cargo-fuzz runs, on stable: no input may panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/targets/tpm_attest.rs"]
mod tpm_attest;
#[path = "../../../fuzz/src/targets/tpm_eventlog.rs"]
mod tpm_eventlog;
#[path = "../../../fuzz/src/targets/tpm_signature.rs"]
mod tpm_signature;

#[test]
fn tpm_attest_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "tpm_attest", tpm_attest::run);
    eprintln!("tpm_attest: {n} corpus files replayed");
}

#[test]
fn tpm_signature_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "tpm_signature",
        tpm_signature::run,
    );
    eprintln!("tpm_signature: {n} corpus files replayed");
}

#[test]
fn tpm_eventlog_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "tpm_eventlog",
        tpm_eventlog::run,
    );
    eprintln!("tpm_eventlog: {n} corpus files replayed");
}
