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

/// Every fuzz target (`fuzz/fuzz_targets/<t>.rs`) has a corpus folder and is
/// replayed by some library crate's `tests/corpus_replay.rs`, and every
/// corpus folder belongs to a target: a target added without its replay, or
/// a replay of a renamed target, fails here rather than going unnoticed.
#[test]
fn every_fuzz_target_is_replayed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let names = |dir: &std::path::Path, strip: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|n| n.strip_suffix(strip).map(str::to_owned))
            .collect();
        v.sort();
        v
    };
    let targets = names(&root.join("fuzz/fuzz_targets"), ".rs");
    assert_eq!(targets.len(), 19, "{targets:?}");
    assert_eq!(names(&root.join("fuzz/corpus"), ""), targets);
    assert_eq!(names(&root.join("fuzz/src/targets"), ".rs"), targets);
    let mut replayed: Vec<String> = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let p = krate.unwrap().path().join("tests/corpus_replay.rs");
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        // Each replay call, whitespace removed (however rustfmt wraps it):
        // the manifest dir, the target's name, the target's `run`. The
        // needle is split so that this file's own text does not match it.
        let flat: String = text.split_whitespace().collect();
        for call in flat.split(concat!("let", "n=replay::replay(")).skip(1) {
            let name = call.split('"').nth(3).unwrap().to_owned();
            let run = format!(",{name}::run");
            assert!(
                call.contains(&format!("{run})")) || call.contains(&format!("{run},)")),
                "{}: {name} replays another target's function",
                p.display()
            );
            replayed.push(name);
        }
    }
    replayed.sort();
    assert_eq!(replayed, targets);
}
