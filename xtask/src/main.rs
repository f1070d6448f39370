//! Project automation: `cargo xtask gen-example`, `gen-vectors [--check]`,
//! `conformance [--via-cli] [--id PREFIX] [--tag TAG]`.
//!
//! No network I/O; everything is generated from fixed seeds and keys.

// Build-time tooling over fixed, small generated inputs, not verifier code.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod bench_compare;
mod example;
mod generate;
mod jsonx;
mod peer;
mod run;
mod tamper;
mod vector;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The repository root (the parent of this crate's directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask <command>\n\
         \n  gen-example              write examples/claim.json, bundle.json, README.md\
         \n  gen-vectors [--check]    (re)build the synthetic conformance vectors\
         \n  conformance [--via-cli] [--id PREFIX] [--tag TAG]  run the vector suite"
    );
    ExitCode::from(3)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    let result = match args.first().map(String::as_str) {
        Some("bench-compare") => bench_compare::bench_compare(&root, &args),
        Some("gen-example") => example::gen_example(&root, args.iter().any(|a| a == "--check")),
        Some("tamper") => tamper::tamper(&root, args.get(1..).unwrap_or_default()),
        Some("gen-vectors") => generate::gen_vectors(&root, args.iter().any(|a| a == "--check")),
        Some("conformance") => {
            let mut ra = run::RunArgs::default();
            let mut it = args.iter().skip(1);
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--via-cli" => ra.via_cli = true,
                    "--id" => ra.id = it.next().cloned(),
                    "--tag" => ra.tag = it.next().cloned(),
                    _ => return usage(),
                }
            }
            run::conformance(&root, &ra)
        }
        _ => return usage(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}

/// Writes each `(relative path, content)`; with `check`, writes nothing and
/// returns the paths whose committed content differs.
pub fn write_files<C: AsRef<[u8]>>(
    root: &Path,
    files: &[(&str, C)],
    check: bool,
) -> Result<Vec<String>, String> {
    let mut changed = Vec::new();
    for (rel, content) in files {
        let path = root.join(rel);
        let old = std::fs::read(&path).ok();
        if old.as_deref() == Some(content.as_ref()) {
            continue;
        }
        changed.push((*rel).to_owned());
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, content.as_ref())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(changed)
}

/// Prints what changed; in check mode a change is a failure.
pub fn report_changes(changed: &[String], check: bool) -> ExitCode {
    if changed.is_empty() {
        println!("up to date");
        return ExitCode::SUCCESS;
    }
    for c in changed {
        println!("{} {c}", if check { "would change:" } else { "wrote" });
    }
    if check {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
