//! Corpus replay on stable: every file of `fuzz/corpus/<target>` goes
//! through the target's function; a panic names the file.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The corpus folder of `target`, from a library crate's manifest dir.
pub fn corpus_dir(manifest_dir: &str, target: &str) -> PathBuf {
    Path::new(manifest_dir)
        .join("../../fuzz/corpus")
        .join(target)
}

/// Runs every corpus file of `target` through `run`; returns how many ran.
/// Fails when the corpus is missing or empty, or when any input panics.
pub fn replay(manifest_dir: &str, target: &str, run: fn(&[u8])) -> usize {
    let dir = corpus_dir(manifest_dir, target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(e) => panic!("corpus {} unreadable: {e}", dir.display()),
    };
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    let mut panicked = Vec::new();
    for f in &files {
        let data = match std::fs::read(f) {
            Ok(d) => d,
            // A fuzzer running on the same corpus may have reduced it away.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{}: {e}", f.display()),
        };
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            panicked.push(f.display().to_string());
        }
    }
    assert!(
        panicked.is_empty(),
        "{target}: inputs panicked: {panicked:?}"
    );
    files.len()
}
