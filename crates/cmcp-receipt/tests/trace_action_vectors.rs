//! Runs the 15 TRACE action-receipt conformance vectors from the shared fixture folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_json::Value;
use cmcp_receipt::trace_action::run_vector;
use std::path::Path;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn all_fifteen_action_receipt_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trace-spec/action-receipts");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 15, "expected 15 vectors in {}", dir.display());
    let mut seen_status = std::collections::BTreeSet::new();
    for p in &names {
        let v = cmcp_json::parse(&std::fs::read(p).unwrap()).unwrap();
        let exp = v.get("expected").unwrap();
        let out = run_vector(&v).unwrap();
        let name = p.file_name().unwrap().to_string_lossy();
        assert_eq!(
            out.status,
            exp.get("status").unwrap().as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            out.controller_outcome,
            exp.get("controller_outcome").unwrap().as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            out.failures,
            strings(exp.get("failures").unwrap()),
            "{name}"
        );
        assert_eq!(
            out.warnings,
            strings(exp.get("warnings").unwrap()),
            "{name}"
        );
        println!(
            "{name}: {} {} {:?} {:?}",
            out.status, out.controller_outcome, out.failures, out.warnings
        );
        seen_status.insert(out.status);
    }
    assert_eq!(seen_status.len(), 5);
}
