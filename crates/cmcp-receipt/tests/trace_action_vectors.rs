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
use cmcp_policy::Timestamp;
use cmcp_receipt::trace_action::{Context, Failure, Status, run_vector, verify_document};
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

fn fixture(name: &str) -> Option<Value> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trace-spec/action-receipts")
        .join(name);
    if !p.is_file() {
        eprintln!("skipped: fixture absent ({})", p.display());
        return None;
    }
    Some(cmcp_json::parse(&std::fs::read(p).unwrap()).unwrap())
}

/// The relying party's context for the fixtures' call and session at `now`.
fn rp(now: &str) -> Context {
    Context {
        call_id: Some("01986d7c-6b2f-7c68-9ff8-3e2f9d0db337".into()),
        session_id: Some("trace-session-2026-07-06T15:22:11Z".into()),
        require_receipt: true,
        now: Timestamp::parse_rfc3339(now).unwrap(),
        max_receipt_age_seconds: 300,
        max_clock_skew_seconds: 300,
        expected_previous_receipt_hash: None,
    }
}

fn set_context(v: &Value, member: &str, x: Value) -> Value {
    let mut o = v.as_object().unwrap().clone();
    let mut c = o.get("context").unwrap().as_object().unwrap().clone();
    c.insert(member, x);
    o.insert("context", Value::Object(c));
    Value::Object(o)
}

#[test]
fn verify_document_takes_time_and_window_from_the_caller() {
    let Some(v) = fixture("01-valid-controller-accepted.json") else {
        return;
    };
    // Issued 2026-07-06T15:22:15Z.
    let at = |now: &str| verify_document(&v, &rp(now)).unwrap();
    let ok = at("2026-07-06T15:24:00Z");
    assert_eq!(ok.status, Status::ValidAccepted);
    assert_eq!(ok.controller_outcome, "accepted");
    assert!(ok.not_checked.is_empty());
    let early = at("2020-01-01T00:00:00Z");
    assert_eq!(early.status, Status::Invalid);
    assert_eq!(early.failures, vec![Failure::ReceiptFromFuture]);
    // Within the caller's 300 s of skew, then just beyond it.
    assert_eq!(at("2026-07-06T15:17:15Z").status, Status::ValidAccepted);
    assert_eq!(
        at("2026-07-06T15:17:14Z").failures,
        vec![Failure::ReceiptFromFuture]
    );
    assert_eq!(at("2026-07-06T15:27:15Z").status, Status::ValidAccepted);
    assert_eq!(
        at("2026-07-06T15:27:16Z").failures,
        vec![Failure::ReceiptStale]
    );
    // No call or session given: nothing refutes the receipt, but its
    // bindings are named as not checked.
    let mut open = rp("2026-07-06T15:24:00Z");
    open.call_id = None;
    open.session_id = None;
    let o = verify_document(&v, &open).unwrap();
    assert_eq!(o.status, Status::ValidAccepted);
    assert_eq!(o.not_checked, vec!["call_id", "session_id"]);
    // The caller's ids are compared, not the document's.
    let mut other = rp("2026-07-06T15:24:00Z");
    other.call_id = Some("another-call".into());
    assert_eq!(
        verify_document(&v, &other).unwrap().failures,
        vec![Failure::CallIdMismatch]
    );
}

#[test]
fn an_edited_document_context_changes_nothing() {
    let (Some(stale), Some(gap)) = (
        fixture("06-stale-receipt.json"),
        fixture("07-receipt-chain-gap.json"),
    ) else {
        return;
    };
    // As vectors, the context is the test's input: stale and gap.
    assert_eq!(run_vector(&stale).unwrap().failures, vec!["receipt_stale"]);
    assert_eq!(
        run_vector(&gap).unwrap().failures,
        vec!["receipt_chain_gap"]
    );
    // An edited context would turn them valid as vectors...
    let issued = stale
        .get("receipt")
        .and_then(|r| r.get("issued_at"))
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let fresh = set_context(&stale, "verification_time", Value::from(issued.as_str()));
    assert_eq!(run_vector(&fresh).unwrap().status, "receipt_valid_accepted");
    let prev = gap
        .get("receipt")
        .and_then(|r| r.get("previous_receipt_hash"))
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let linked = set_context(
        &gap,
        "expected_previous_receipt_hash",
        Value::from(prev.as_str()),
    );
    assert_eq!(
        run_vector(&linked).unwrap().status,
        "receipt_valid_accepted"
    );
    // ...but verify_document never reads it: the caller's time and
    // predecessor decide.
    let late = rp("2026-07-07T00:00:00Z");
    for doc in [&stale, &fresh] {
        let o = verify_document(doc, &late).unwrap();
        assert_eq!(o.failures, vec![Failure::ReceiptStale]);
    }
    let gap_now = gap
        .get("context")
        .and_then(|c| c.get("verification_time"))
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let mut expect = rp(&gap_now);
    expect.expected_previous_receipt_hash = Some(Some(format!("sha256:{}", "00".repeat(32))));
    for doc in [&gap, &linked] {
        let o = verify_document(doc, &expect).unwrap();
        assert_eq!(o.failures, vec![Failure::ReceiptChainGap]);
    }
}
