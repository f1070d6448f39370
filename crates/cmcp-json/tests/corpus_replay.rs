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

#[path = "../../../fuzz/src/targets/json_canon.rs"]
mod json_canon;
#[path = "../../../fuzz/src/targets/json_parse.rs"]
mod json_parse;
#[path = "../../../fuzz/src/targets/json_stream.rs"]
mod json_stream;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn json_parse_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "json_parse", json_parse::run);
    eprintln!("json_parse: {n} corpus files replayed");
}

#[test]
fn json_stream_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "json_stream", json_stream::run);
    eprintln!("json_stream: {n} corpus files replayed");
}

#[test]
fn json_canon_corpus() {
    let n = replay::replay(env!("CARGO_MANIFEST_DIR"), "json_canon", json_canon::run);
    eprintln!("json_canon: {n} corpus files replayed");
}
