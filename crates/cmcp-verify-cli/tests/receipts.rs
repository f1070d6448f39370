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
    run_at("2026-12-01T00:00:00Z", args)
}

fn run_at(now: &str, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(args)
        .args(["--format", "json", "--now", now])
        .output()
        .unwrap();
    let v = cmcp_json::parse(String::from_utf8(out.stdout).unwrap().trim_end().as_bytes())
        .unwrap_or(Value::Null);
    (out.status.code().unwrap(), v)
}

fn detail(v: &Value, k: &str) -> Option<String> {
    v.get("details")?.get(k)?.as_str().map(str::to_owned)
}

const ACTION_DIR: &str = "../../../shared/fixtures/trace-spec/action-receipts";
/// The fixtures' call and session, and the time their contexts name.
const FX_CALL: &str = "01986d7c-6b2f-7c68-9ff8-3e2f9d0db337";
const FX_SESSION: &str = "trace-session-2026-07-06T15:22:11Z";
const FX_NOW: &str = "2026-07-06T15:24:00Z";

/// `--evidence-key` for the issuer key a fixture document names.
fn fixture_key(doc: &Value) -> String {
    let keys = doc.get("trusted_issuer_keys").unwrap().as_object().unwrap();
    let (_, jwk) = keys.iter().next().unwrap();
    let raw = cmcp_claim::binding::decode_x(jwk.get("x").unwrap().as_str().unwrap()).unwrap();
    format!(
        "{}={}",
        cmcp_receipt::external::key_id(&raw),
        hex_encode(&raw)
    )
}

#[test]
fn action_receipt_verified_only_with_its_issuer_key_pinned() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(ACTION_DIR)
        .join("01-valid-controller-accepted.json");
    if !p.is_file() {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        return;
    }
    let doc = cmcp_json::parse(&std::fs::read(&p).unwrap()).unwrap();
    let flag = fixture_key(&doc);
    let file = p.to_str().unwrap();
    let bound = |key: &str| {
        [
            "receipt",
            "--kind",
            "action",
            "--receipt",
            file,
            "--evidence-key",
            key,
            "--call-id",
            FX_CALL,
            "--session-id",
            FX_SESSION,
        ]
        .map(str::to_owned)
    };
    let args = bound(&flag);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (got, v) = run_at(FX_NOW, &args);
    assert_eq!(got, 0, "{}", cmcp_testkit::to_text(&v));
    assert_eq!(
        detail(&v, "controller_outcome").as_deref(),
        Some("accepted")
    );
    assert_eq!(detail(&v, "document_context").as_deref(), Some("ignored"));
    let other = format!(
        "{}={}",
        cmcp_receipt::external::key_id(&[7u8; 32]),
        hex_encode(&[7u8; 32])
    );
    let unpinned = bound(&other);
    let unpinned: Vec<&str> = unpinned.iter().map(String::as_str).collect();
    assert_eq!(run_at(FX_NOW, &unpinned).0, 1);
    // Pinned, but no call or session to bind to: not established.
    let (got, v) = run_at(FX_NOW, &args[..7]);
    assert_eq!(got, 1);
    assert_eq!(
        detail(&v, "not_checked").as_deref(),
        Some("call_id,session_id")
    );
    // The time is --now, never the document's verification_time.
    for (now, code) in [
        ("2020-01-01T00:00:00Z", "receipt_from_future"),
        ("2026-12-01T00:00:00Z", "receipt_stale"),
    ] {
        let (got, v) = run_at(now, &args);
        assert_eq!(got, 2, "{now}");
        assert_eq!(detail(&v, "receipt_error").as_deref(), Some(code), "{now}");
    }
    // Another call than the receipt's.
    let mut misbound = args.clone();
    misbound[8] = "another-call";
    let (got, v) = run_at(FX_NOW, &misbound);
    assert_eq!(got, 2);
    assert_eq!(
        detail(&v, "receipt_error").as_deref(),
        Some("call_id_mismatch")
    );
    // Blank ids and a predecessor that is no digest are usage errors.
    for (flag, value) in [
        ("--call-id", " "),
        ("--session-id", ""),
        ("--expected-previous-receipt-hash", "sha256:c1"),
    ] {
        let mut a = args[..7].to_vec();
        a.extend([flag, value]);
        assert_eq!(run_at(FX_NOW, &a).0, 3, "{flag} {value:?}");
    }
}

/// A fixture document with one `context` member replaced, written to `dir`.
fn edited_context(src: &std::path::Path, dir: &std::path::Path, member: &str, x: &str) -> PathBuf {
    let mut doc = cmcp_json::parse(&std::fs::read(src).unwrap()).unwrap();
    if let Value::Object(o) = &mut doc {
        let mut c = o.get("context").unwrap().as_object().unwrap().clone();
        c.insert(member, Value::String(x.into()));
        o.insert("context", Value::Object(c));
    }
    let out = dir.join(src.file_name().unwrap());
    std::fs::write(&out, cmcp_testkit::to_text(&doc)).unwrap();
    out
}

#[test]
fn an_edited_document_context_does_not_change_the_verdict() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(ACTION_DIR);
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let tmp = std::env::temp_dir().join(format!("cmcp-receipts-ctx-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let stale = dir.join("06-stale-receipt.json");
    let gap = dir.join("07-receipt-chain-gap.json");
    let key = fixture_key(&cmcp_json::parse(&std::fs::read(&stale).unwrap()).unwrap());
    let c1 = format!("sha256:{}", "c1".repeat(32));
    let d2 = format!("sha256:{}", "d2".repeat(32));
    // 06 was issued at 15:00:00, 07 names d2… as its predecessor: a context
    // claiming a verification time of 15:00:30 or a predecessor of d2… made
    // them verify.
    for (src, member, value, code) in [
        (
            &stale,
            "verification_time",
            "2026-07-06T15:00:30Z",
            "receipt_stale",
        ),
        (
            &gap,
            "expected_previous_receipt_hash",
            d2.as_str(),
            "receipt_chain_gap",
        ),
    ] {
        let edited = edited_context(src, &tmp, member, value);
        for p in [src.as_path(), edited.as_path()] {
            let (got, v) = run_at(
                FX_NOW,
                &[
                    "receipt",
                    "--kind",
                    "action",
                    "--receipt",
                    p.to_str().unwrap(),
                    "--evidence-key",
                    &key,
                    "--call-id",
                    FX_CALL,
                    "--session-id",
                    FX_SESSION,
                    "--expected-previous-receipt-hash",
                    &c1,
                ],
            );
            assert_eq!(got, 2, "{}", p.display());
            assert_eq!(detail(&v, "receipt_error").as_deref(), Some(code));
        }
    }
    // The relying party's predecessor is the one compared: with d2… the
    // chain-gap fixture verifies.
    let (got, v) = run_at(
        FX_NOW,
        &[
            "receipt",
            "--kind",
            "action",
            "--receipt",
            gap.to_str().unwrap(),
            "--evidence-key",
            &key,
            "--call-id",
            FX_CALL,
            "--session-id",
            FX_SESSION,
            "--expected-previous-receipt-hash",
            &d2,
        ],
    );
    assert_eq!(got, 0, "{}", cmcp_testkit::to_text(&v));
}

#[test]
fn action_receipts_from_the_peer_vectors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(ACTION_DIR);
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
        // Two minutes ahead of --now: within the CLI's 300 s of future skew
        // (the vector's own context allows none), so valid but unpinned.
        ("15-receipt-from-future.json", 1, None),
    ] {
        let p = dir.join(file);
        let (got, v) = run_at(
            FX_NOW,
            &[
                "receipt",
                "--kind",
                "action",
                "--receipt",
                p.to_str().unwrap(),
            ],
        );
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
