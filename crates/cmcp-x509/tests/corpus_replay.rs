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
#[path = "../../../fuzz/src/targets/x509_certs.rs"]
mod x509_certs;
#[path = "../../../fuzz/src/targets/x509_chain.rs"]
mod x509_chain;

#[test]
fn x509_certs_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "x509_certs", x509_certs::run);
    eprintln!("x509_certs: {n} corpus files replayed");
}

#[test]
fn x509_chain_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "x509_chain", x509_chain::run);
    eprintln!("x509_chain: {n} corpus files replayed");
}

#[test]
fn fixed_root_parses() {
    let r = x509_chain::root().expect("the harness root constant parses");
    assert_eq!(r.der().len(), 405);
}
