#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! The `receipt` subcommand: TRACE action receipts from the peer vectors and
//! execution-evidence receipts, with their exit codes.

use cmcp_json::Value;
use cmcp_json::encoding::{b64u_encode, hex_encode};
use ed25519_dalek::{Signer, SigningKey};
use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(args)
        .args(["--format", "json", "--now", "2026-12-01T00:00:00Z"])
        .output()
        .unwrap();
    let v = cmcp_json::parse(String::from_utf8(out.stdout).unwrap().trim_end().as_bytes())
        .unwrap_or(Value::Null);
    (out.status.code().unwrap(), v)
}

#[test]
fn action_receipt_verified_only_with_its_issuer_key_pinned() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../../../shared/fixtures/trace-spec/action-receipts/01-valid-controller-accepted.json",
    );
    if !p.is_file() {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        return;
    }
    let doc = cmcp_json::parse(&std::fs::read(&p).unwrap()).unwrap();
    let keys = doc.get("trusted_issuer_keys").unwrap().as_object().unwrap();
    let (_, jwk) = keys.iter().next().unwrap();
    let raw = cmcp_claim::binding::decode_x(jwk.get("x").unwrap().as_str().unwrap()).unwrap();
    let flag = format!(
        "{}={}",
        cmcp_receipt::external::key_id(&raw),
        hex_encode(&raw)
    );
    let (got, _) = run(&[
        "receipt",
        "--kind",
        "action",
        "--receipt",
        p.to_str().unwrap(),
        "--evidence-key",
        &flag,
    ]);
    assert_eq!(got, 0);
    let other = format!(
        "{}={}",
        cmcp_receipt::external::key_id(&[7u8; 32]),
        hex_encode(&[7u8; 32])
    );
    let (got, _) = run(&[
        "receipt",
        "--kind",
        "action",
        "--receipt",
        p.to_str().unwrap(),
        "--evidence-key",
        &other,
    ]);
    assert_eq!(got, 1);
}

#[test]
fn action_receipts_from_the_peer_vectors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trace-spec/action-receipts");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    for (file, exit, code) in [
        // The documents carry their own trusted keys: without a pin, a valid
        // receipt is not established.
        ("01-valid-controller-accepted.json", 1, None),
        ("04-signature-key-mismatch.json", 2, Some("RECEIPT_INVALID")),
        ("13-evidence-hash-mismatch.json", 2, Some("RECEIPT_INVALID")),
        ("14-receipt-issuer-key-unknown.json", 1, None),
        ("15-receipt-from-future.json", 2, Some("RECEIPT_INVALID")),
    ] {
        let p = dir.join(file);
        let (got, v) = run(&[
            "receipt",
            "--kind",
            "action",
            "--receipt",
            p.to_str().unwrap(),
        ]);
        assert_eq!(got, exit, "{file}: {}", cmcp_testkit::to_text(&v));
        assert_eq!(v.get("failure_reason").unwrap().as_str(), code, "{file}");
    }
}

fn entry(call_id: &str, linked: &str, issuer: &SigningKey) -> Value {
    let kid = cmcp_receipt::external::key_id(&issuer.verifying_key().to_bytes());
    let mut ev = cmcp_json::parse(
        format!(
            r#"{{"issuer":"spiffe://robots.example/c","issuer_key_id":"{kid}","evidence_hash":"sha256:{}",
               "evidence_type":"controller-execution-receipt/v1","linked_call_id":"{linked}"}}"#,
            "12".repeat(32)
        )
        .as_bytes(),
    )
    .unwrap();
    let msg = cmcp_json::canonical::pyjson_vec(&ev);
    if let Value::Object(o) = &mut ev {
        o.insert(
            "signature",
            Value::String(b64u_encode(&issuer.sign(&msg).to_bytes())),
        );
    }
    let mut e = cmcp_json::Object::new();
    e.insert("call_id", Value::String(call_id.into()));
    e.insert("external_execution_evidence", ev);
    Value::Object(e)
}

#[test]
fn execution_receipts() {
    let issuer = SigningKey::from_bytes(&[5u8; 32]);
    let pk = issuer.verifying_key().to_bytes();
    let flag = format!(
        "{}={}",
        cmcp_receipt::external::key_id(&pk),
        hex_encode(&pk)
    );
    let d = std::env::temp_dir().join(format!("cmcp-receipts-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    for (tag, linked, exit) in [("good", "c1", 0), ("misbound", "c2", 2)] {
        let p = d.join(format!("{tag}.json"));
        std::fs::write(&p, cmcp_testkit::to_text(&entry("c1", linked, &issuer))).unwrap();
        let (got, v) = run(&[
            "receipt",
            "--kind",
            "execution",
            "--entry",
            p.to_str().unwrap(),
            "--evidence-key",
            &flag,
        ]);
        assert_eq!(got, exit, "{tag}: {}", cmcp_testkit::to_text(&v));
        if tag == "misbound" {
            let reason = v.get("ledger").unwrap().as_array().unwrap()[0]
                .get("reason")
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned();
            assert!(reason.contains("linked_call_id"), "{reason}");
            assert!(!reason.contains("signature"), "{reason}");
        }
        // Without a pinned issuer key a well-bound receipt is not established;
        // a misbound one still fails: the binding needs no key.
        let (got, _) = run(&[
            "receipt",
            "--kind",
            "execution",
            "--entry",
            p.to_str().unwrap(),
        ]);
        assert_eq!(got, if tag == "good" { 1 } else { 2 }, "{tag}");
    }
    // Missing inputs are usage errors.
    assert_eq!(run(&["receipt", "--kind", "kill-switch"]).0, 3);
}

#[test]
fn a_receipt_input_that_is_read_but_malformed_is_a_verdict() {
    let dir = std::env::temp_dir().join(format!("cmcp-receipts-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, b"{\"call_id\": ").unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, b"{}").unwrap();
    let (b, g) = (bad.to_str().unwrap(), good.to_str().unwrap());
    for (kind, args, input) in [
        ("execution", vec!["--entry", b], "entry"),
        ("embodied", vec!["--entry", g, "--payload", b], "payload"),
        (
            "embodied",
            vec!["--entry", g, "--payload", g, "--claim", b],
            "claim",
        ),
        ("kill-switch", vec!["--receipt", b, "--claim", g], "receipt"),
        ("kill-switch", vec!["--receipt", g, "--claim", b], "claim"),
        ("action", vec!["--receipt", b], "receipt"),
    ] {
        let mut a = vec!["receipt", "--kind", kind];
        a.extend(args.iter().copied());
        let (code, v) = run(&a);
        assert_eq!(code, 2, "{kind} {input}");
        assert_eq!(v.get("status").unwrap().as_str(), Some("unverified"));
        assert_eq!(
            v.get("failure_reason").unwrap().as_str(),
            Some("RECEIPT_INVALID")
        );
        let detail = v.get("details").unwrap().get("receipt_error").unwrap();
        assert_eq!(detail.as_str(), Some(format!("{input}_malformed").as_str()));
    }
    // Wrong shape (JSON, not an object) is a verdict too.
    let list = dir.join("list.json");
    std::fs::write(&list, b"[1]").unwrap();
    let (code, v) = run(&[
        "receipt",
        "--kind",
        "execution",
        "--entry",
        list.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(v.get("status").unwrap().as_str(), Some("unverified"));
    // An input that cannot be read stays a usage error, even beside a malformed one.
    let (code, v) = run(&[
        "receipt",
        "--kind",
        "kill-switch",
        "--receipt",
        b,
        "--claim",
        "/nonexistent/claim.json",
    ]);
    assert_eq!(code, 3);
    assert_eq!(v, Value::Null);
}
