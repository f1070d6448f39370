//! Claim-level caps: the claim document size (4 MiB), nesting depth (64),
//! integer digits (4300) and each decoded evidence blob (1 MiB), each
//! reported as `CLAIM_MALFORMED` / `HARDWARE_ATTESTATION_FAILED` with the cap
//! in the message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_claim::{ClaimParseError, MAX_EVIDENCE_BYTES, parse_claim, verify_claim_bytes};
use cmcp_json::{ParseError, Value};
use cmcp_policy::{FailureCode, Outcome, Timestamp, VerifyOptions};
use std::path::Path;

fn opts() -> VerifyOptions {
    VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap())
}

#[test]
fn claim_size_cap_is_4_mib() {
    let mut doc = vec![b' '; 4 * 1024 * 1024];
    doc[0] = b'{';
    doc.push(b'}');
    match parse_claim(&doc) {
        Err(ClaimParseError::Json(ParseError::TooLarge { len, cap })) => {
            assert_eq!((len, cap), (4 * 1024 * 1024 + 1, 4 * 1024 * 1024));
        }
        other => panic!("{other:?}"),
    }
    let check = verify_claim_bytes(&doc, &opts(), &[]);
    assert_eq!(
        check.ledger.failure_reason(),
        Some(FailureCode::ClaimMalformed)
    );
}

#[test]
fn claim_depth_and_digit_caps() {
    let deep = format!("{{\"trace\":{}{}}}", "[".repeat(64), "]".repeat(64));
    assert!(matches!(
        parse_claim(deep.as_bytes()),
        Err(ClaimParseError::Json(ParseError::TooDeep { cap: 64, .. }))
    ));
    let digits = format!("{{\"trace\":{}}}", "9".repeat(4301));
    let e = parse_claim(digits.as_bytes()).unwrap_err();
    assert!(matches!(e, ClaimParseError::Json(_)), "{e:?}");
    assert!(e.to_string().contains("4300"), "{e}");
}

/// The `hardware_attestation` ledger entries of a schema-valid SNP claim from
/// the conformance vectors whose raw evidence is replaced by `raw` (base64url).
fn hardware_entries(raw: String) -> Vec<(Outcome, Option<FailureCode>, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/vectors/CV-HW-0030/claim.json");
    let bytes = std::fs::read(&p).unwrap();
    let mut v = cmcp_json::parse(&bytes).unwrap();
    let Value::Object(root) = &mut v else {
        panic!("claim is an object")
    };
    let gw = root.get_mut("gateway").unwrap();
    let Value::Object(gw) = gw else {
        panic!("gateway is an object")
    };
    let ev = gw.get_mut("attestation_evidence").unwrap();
    let Value::Object(ev) = ev else {
        panic!("evidence is an object")
    };
    *ev.get_mut("raw_evidence").unwrap() = Value::String(raw);
    let doc = cmcp_json::canonical::pyjson_vec(&v);
    let check = verify_claim_bytes(&doc, &opts(), &[]);
    check
        .ledger
        .entries()
        .iter()
        .filter(|e| e.field == "hardware_attestation")
        .map(|e| (e.outcome, e.code, e.reason.clone()))
        .collect()
}

#[test]
fn evidence_blob_cap_is_1_mib() {
    assert_eq!(MAX_EVIDENCE_BYTES, 1024 * 1024);
    // Base64url text decoding to more than the cap.
    let hw = hardware_entries("A".repeat(MAX_EVIDENCE_BYTES / 3 * 4 + 8));
    assert!(
        hw.iter()
            .any(|(outcome, code, reason)| *outcome == Outcome::Failed
                && *code == Some(FailureCode::HardwareAttestationFailed)
                && reason.contains("over the cap of 1048576 bytes")),
        "{hw:?}"
    );
    // Text decoding to exactly the cap (1 MiB = 3 * 349525 + 1 bytes: 349525
    // groups of four characters and two more) is not refused for its size.
    let at_cap = "A".repeat(MAX_EVIDENCE_BYTES / 3 * 4 + 2);
    assert_eq!(
        cmcp_json::encoding::b64u_decode(&at_cap).unwrap().len(),
        MAX_EVIDENCE_BYTES
    );
    let hw = hardware_entries(at_cap);
    assert!(!hw.is_empty());
    assert!(
        hw.iter()
            .all(|(_, _, reason)| !reason.contains("over the cap")),
        "{hw:?}"
    );
}
