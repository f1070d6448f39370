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

#[path = "../../../fuzz/src/targets/cose_manifest.rs"]
mod cose_manifest;
#[path = "../../../fuzz/src/targets/receipt_embodied.rs"]
mod receipt_embodied;
#[path = "../../../fuzz/src/targets/receipt_external.rs"]
mod receipt_external;
#[path = "../../../fuzz/src/targets/receipt_kill_switch.rs"]
mod receipt_kill_switch;
#[path = "../../../fuzz/src/targets/receipt_trace_action.rs"]
mod receipt_trace_action;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn cose_manifest_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "cose_manifest",
        cose_manifest::run,
    );
    eprintln!("cose_manifest: {n} corpus files replayed");
}

#[test]
fn receipt_external_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "receipt_external",
        receipt_external::run,
    );
    eprintln!("receipt_external: {n} corpus files replayed");
}

#[test]
fn receipt_embodied_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "receipt_embodied",
        receipt_embodied::run,
    );
    eprintln!("receipt_embodied: {n} corpus files replayed");
}

#[test]
fn receipt_kill_switch_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "receipt_kill_switch",
        receipt_kill_switch::run,
    );
    eprintln!("receipt_kill_switch: {n} corpus files replayed");
}

#[test]
fn receipt_trace_action_corpus() {
    let n = replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "receipt_trace_action",
        receipt_trace_action::run,
    );
    eprintln!("receipt_trace_action: {n} corpus files replayed");
}
