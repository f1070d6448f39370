#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! A claim whose `gateway.agent_identity` is bound by a v0.2 COSE Agent
//! Manifest verifies that binding end to end through the CLI; a mismatched
//! identity member fails AGENT_MANIFEST_MISMATCH and names the member.

use cmcp_json::Value;
use cmcp_json::encoding::hex_encode;
use cmcp_testkit::{Call, Session, cose_manifest, sign_claim, to_text};
use ed25519_dalek::SigningKey;
use sha2::{Digest as _, Sha256};
use std::process::Command;

const POLICY: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const CATALOG: &str = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

fn manifest() -> Value {
    cmcp_json::parse(
        format!(
            r#"{{"agent_id":"spiffe://trust.example/agent/kyc/prod","artifacts":{{
              "model_identity":{{"deployment_type":"api","version":"claude-3"}},
              "policy_bundle":{{"hash":"{POLICY}"}},
              "system_prompt":{{"hash":"sha256:{}"}},
              "tool_manifest":{{"catalog_hash":"{CATALOG}"}}}},
              "crypto_profile":"standard","expires_at":"2099-12-31T23:59:59Z",
              "issued_at":"2025-01-01T00:00:00Z","issuer":"spiffe://trust.example/signing-authority",
              "manifest_id":"018f4a3b-2c1d-7e5f-a8b9-0d1e2f3a4b5c","version":"0.2"}}"#,
            "a".repeat(64)
        )
        .as_bytes(),
    )
    .unwrap()
}

fn set(v: &mut Value, path: &[&str], new: Value) {
    let Value::Object(o) = v else {
        panic!("not an object")
    };
    match path {
        [last] => o.insert(*last, new),
        [first, rest @ ..] => set(o.get_mut(first).unwrap(), rest, new),
        [] => panic!("empty path"),
    }
}

fn identity(kid: &str, agent: &str) -> Value {
    cmcp_json::parse(
        format!(
            r#"{{"manifest_id":"018f4a3b-2c1d-7e5f-a8b9-0d1e2f3a4b5c","agent_id":"{agent}",
              "authenticated_subject":"{agent}","subject_source":"svid",
              "issuer":"spiffe://trust.example/signing-authority","issuer_key_id":"{kid}",
              "policy_bundle_hash":"{POLICY}","tool_catalog_hash":"{CATALOG}"}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn run(claim: &Value, manifest: &[u8], key_flag: &str, tag: &str) -> (i32, Value) {
    let d = std::env::temp_dir().join(format!("cmcp-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let cp = d.join(format!("{tag}-claim.json"));
    let mp = d.join(format!("{tag}-manifest.cose"));
    std::fs::write(&cp, to_text(claim)).unwrap();
    std::fs::write(&mp, manifest).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args([
            "claim",
            cp.to_str().unwrap(),
            "--agent-manifest",
            mp.to_str().unwrap(),
        ])
        .args([
            "--manifest-key",
            key_flag,
            "--policy-hash",
            POLICY,
            "--catalog-hash",
            CATALOG,
        ])
        .args(["--now", "2026-12-01T00:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    let v = cmcp_json::parse(String::from_utf8(out.stdout).unwrap().trim_end().as_bytes()).unwrap();
    (out.status.code().unwrap(), v)
}

fn outcome(v: &Value, field: &str) -> String {
    v.get("ledger")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e.get("field").unwrap().as_str() == Some(field))
        .map(|e| e.get("outcome").unwrap().as_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[test]
fn cose_manifest_binding_end_to_end() {
    let issuer = SigningKey::from_bytes(&[9u8; 32]);
    let kid = hex_encode(&Sha256::digest(issuer.verifying_key().to_bytes()));
    let key_flag = format!("{kid}={}", hex_encode(&issuer.verifying_key().to_bytes()));
    let envelope = cose_manifest(&manifest(), &issuer);
    let mut s = Session::new([42u8; 32], "sess-m").call(Call::new("kyc.lookup", "allow"));
    s.policy_hash = POLICY.into();
    s.catalog_hash = CATALOG.into();
    let (mut claim, _) = s.build();
    let gw = SigningKey::from_bytes(&[42u8; 32]);

    set(
        &mut claim,
        &["gateway", "agent_identity"],
        identity(&kid, "spiffe://trust.example/agent/kyc/prod"),
    );
    sign_claim(&mut claim, &gw);
    let (code, v) = run(&claim, &envelope, &key_flag, "good");
    assert_eq!(
        outcome(&v, "agent_manifest.binding"),
        "verified",
        "{}",
        to_text(&v)
    );
    assert_eq!(v.get("failure_reason"), Some(&Value::Null));
    assert_eq!(code, 1, "software-only, so partially verified");

    // A mismatched identity member fails and is named.
    let mut bad = claim.clone();
    set(
        &mut bad,
        &["gateway", "agent_identity", "agent_id"],
        Value::String("spiffe://trust.example/agent/other".into()),
    );
    set(
        &mut bad,
        &["gateway", "agent_identity", "authenticated_subject"],
        Value::String("spiffe://trust.example/agent/other".into()),
    );
    sign_claim(&mut bad, &gw);
    let (code, v) = run(&bad, &envelope, &key_flag, "bad");
    assert_eq!(code, 2);
    assert_eq!(
        v.get("failure_reason").unwrap().as_str(),
        Some("AGENT_MANIFEST_MISMATCH")
    );
    let why = v
        .get("details")
        .unwrap()
        .get("agent_manifest")
        .unwrap()
        .as_str()
        .unwrap();
    assert!(why.contains("agent_id"), "{why}");

    // A manifest signed by an unpinned key fails too.
    let other = SigningKey::from_bytes(&[8u8; 32]);
    let (code, v) = run(
        &claim,
        &cose_manifest(&manifest(), &other),
        &key_flag,
        "otherkey",
    );
    assert_eq!(code, 2);
    assert_eq!(
        v.get("failure_reason").unwrap().as_str(),
        Some("AGENT_MANIFEST_MISMATCH")
    );

    // A flipped byte anywhere in the envelope never binds.
    for i in (0..envelope.len()).step_by(7) {
        let mut e = envelope.clone();
        e[i] ^= 0x01;
        let (code, v) = run(&claim, &e, &key_flag, "flip");
        assert_eq!(code, 2, "byte {i}");
        assert_eq!(outcome(&v, "agent_manifest.binding"), "failed", "byte {i}");
    }
}
