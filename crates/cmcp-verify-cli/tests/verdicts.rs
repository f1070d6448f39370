#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Every verdict the contract defines, reached through the CLI with tampered
//! inputs made by the deterministic producer. Each case asserts status,
//! failure code and exit code.

use cmcp_json::Value;
use cmcp_json::encoding::{b64u_encode, hex_encode};
use cmcp_testkit::{Call, Session, bundle_for, relink, sign_claim, to_text};
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::process::Command;

const POLICY: &str = "sha256:abababababababababababababababababababababababababababababababab";
const CATALOG: &str = "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
const NOW: &str = "2026-12-01T00:00:00Z";

struct Out {
    code: i32,
    json: Value,
}

impl Out {
    fn status(&self) -> &str {
        self.json.get("status").unwrap().as_str().unwrap()
    }
    fn failure(&self) -> Option<&str> {
        self.json.get("failure_reason").unwrap().as_str()
    }
    fn outcome(&self, field: &str) -> Option<String> {
        let l = self.json.get("ledger").unwrap().as_array().unwrap();
        let outs: Vec<&str> = l
            .iter()
            .filter(|e| e.get("field").unwrap().as_str() == Some(field))
            .map(|e| e.get("outcome").unwrap().as_str().unwrap())
            .collect();
        ["failed", "not_established", "not_checked", "verified"]
            .into_iter()
            .find(|o| outs.contains(o))
            .map(str::to_owned)
    }
    fn bundle_codes(&self) -> Vec<String> {
        self.json
            .get("bundle")
            .unwrap()
            .get("failure_codes")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    }
    fn expect(&self, status: &str, code: Option<&str>, exit: i32) {
        assert_eq!(self.status(), status, "{}", to_text(&self.json));
        assert_eq!(self.failure(), code, "{}", to_text(&self.json));
        assert_eq!(self.code, exit);
    }
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cmcp-verdicts-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn verify(claim: &Path, bundle: Option<&Path>, extra: &[&str]) -> Out {
    let mut args: Vec<String> = vec!["claim".into(), claim.display().to_string()];
    if let Some(b) = bundle {
        args.push("--bundle".into());
        args.push(b.display().to_string());
    }
    for a in [
        "--policy-hash",
        POLICY,
        "--catalog-hash",
        CATALOG,
        "--now",
        NOW,
        "--format",
        "json",
    ] {
        args.push(a.into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout) = run(&refs);
    Out {
        code,
        json: cmcp_json::parse(stdout.trim_end().as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {stdout}")),
    }
}

fn session() -> Session {
    Session::new([42u8; 32], "sess-t")
        .call(Call::new("github.search", "allow"))
        .call(Call::new("payments.refund", "deny"))
        .call(Call::new("jira.create", "advisory_deny"))
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

fn files(tag: &str, claim: &Value, bundle: &Value) -> (PathBuf, PathBuf) {
    (
        write(&format!("{tag}-claim.json"), to_text(claim).as_bytes()),
        write(&format!("{tag}-bundle.json"), to_text(bundle).as_bytes()),
    )
}

#[test]
fn good_software_only_claim_and_bundle() {
    let (c, b) = session().build();
    let (cp, bp) = files("good", &c, &b);
    let o = verify(&cp, Some(&bp), &[]);
    o.expect("partially_verified", None, 1);
    assert_eq!(o.outcome("signature").as_deref(), Some("verified"));
    assert_eq!(
        o.outcome("hardware_attestation").as_deref(),
        Some("not_established")
    );
    assert_eq!(
        o.outcome("audit_bundle.signature").as_deref(),
        Some("verified")
    );
    assert_eq!(
        o.json.get("bundle").unwrap().get("verified"),
        Some(&Value::Bool(true))
    );
    assert_eq!(
        o.json
            .get("bundle")
            .unwrap()
            .get("entry_count")
            .unwrap()
            .as_int()
            .unwrap()
            .as_i64(),
        Some(4)
    );
}

#[test]
fn flipped_signature_and_edited_body() {
    let (c, _) = session().build();
    let mut flipped = c.clone();
    let sig = c.get("signature").unwrap().as_str().unwrap();
    let mut chars: Vec<char> = sig.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    set(
        &mut flipped,
        &["signature"],
        Value::String(chars.into_iter().collect()),
    );
    verify(&write("flip.json", to_text(&flipped).as_bytes()), None, &[]).expect(
        "unverified",
        Some("SIGNATURE_INVALID"),
        2,
    );

    let mut edited = c.clone();
    set(
        &mut edited,
        &["trace", "data_class"],
        Value::String("public".into()),
    );
    verify(&write("edit.json", to_text(&edited).as_bytes()), None, &[]).expect(
        "unverified",
        Some("SIGNATURE_INVALID"),
        2,
    );
}

#[test]
fn resigned_with_another_policy_hash() {
    let mut s = session();
    s.policy_hash = format!("sha256:{}", "ee".repeat(32));
    let (c, _) = s.build();
    let o = verify(&write("policy.json", to_text(&c).as_bytes()), None, &[]);
    o.expect("unverified", Some("POLICY_HASH_MISMATCH"), 2);
    assert_eq!(o.outcome("signature").as_deref(), Some("verified"));
}

#[test]
fn freshness_verdicts() {
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let (c, _) = session().build();
    for (tag, generated, stale) in [
        ("future", "2026-12-01T01:00:00+00:00", false),
        ("old", "2026-11-27T00:00:00+00:00", false),
        ("declared", "2026-11-30T12:00:00+00:00", true),
        ("no-offset", "2026-11-30T12:00:00", false),
    ] {
        let mut x = c.clone();
        set(
            &mut x,
            &["gateway", "attestation_generated_at"],
            Value::String(generated.into()),
        );
        set(
            &mut x,
            &["gateway", "attestation_stale"],
            Value::Bool(stale),
        );
        sign_claim(&mut x, &key);
        let o = verify(
            &write(&format!("{tag}.json"), to_text(&x).as_bytes()),
            None,
            &[],
        );
        o.expect("unverified", Some("ATTESTATION_STALE"), 2);
        assert_eq!(o.outcome("signature").as_deref(), Some("verified"), "{tag}");
    }
    // Within the skew: fresh.
    let mut x = c.clone();
    set(
        &mut x,
        &["gateway", "attestation_generated_at"],
        Value::String("2026-12-01T00:04:00Z".into()),
    );
    sign_claim(&mut x, &key);
    verify(&write("skew.json", to_text(&x).as_bytes()), None, &[]).expect(
        "partially_verified",
        None,
        1,
    );
}

#[test]
fn small_order_key_with_trivial_signature() {
    let (c, _) = session().build();
    let mut x = c.clone();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    set(
        &mut x,
        &["trace", "cnf", "jwk", "x"],
        Value::String(b64u_encode(&identity)),
    );
    let mut sig = [0u8; 64];
    sig[0] = 1; // R = identity point, S = 0: verifies any message under the identity key
    set(&mut x, &["signature"], Value::String(b64u_encode(&sig)));
    let o = verify(&write("weak.json", to_text(&x).as_bytes()), None, &[]);
    o.expect("unverified", Some("SIGNATURE_INVALID"), 2);
}

#[test]
fn malformed_documents() {
    let (c, _) = session().build();
    let text = to_text(&c);
    let dup = text.replacen(
        "{\"cmcp_version\":\"1.0\"",
        "{\"cmcp_version\":\"1.0\",\"cmcp_version\":\"1.0\"",
        1,
    );
    let unknown = text.replacen(
        "{\"cmcp_version\":\"1.0\"",
        "{\"aaa\":1,\"cmcp_version\":\"1.0\"",
        1,
    );
    let nan = text.replacen("\"sequence_number\":1", "\"sequence_number\":NaN", 1);
    let trunc = &text[..text.len() / 2];
    for (tag, body, field) in [
        ("dup", dup.as_str(), "claim"),
        ("unknown", unknown.as_str(), "aaa"),
        ("nan", nan.as_str(), "claim"),
        ("trunc", trunc, "claim"),
    ] {
        assert_ne!(body, text, "{tag} did not change the claim");
        let o = verify(&write(&format!("{tag}.json"), body.as_bytes()), None, &[]);
        o.expect("unverified", Some("CLAIM_MALFORMED"), 2);
        assert_eq!(
            o.json
                .get("details")
                .unwrap()
                .get("malformed_field")
                .unwrap()
                .as_str(),
            Some(field),
            "{tag}"
        );
    }
}

#[test]
fn legacy_dev_mode_record_is_software_only() {
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let (mut c, _) = session().build();
    set(
        &mut c,
        &["trace", "runtime", "platform"],
        Value::String("tpm2".into()),
    );
    sign_claim(&mut c, &key);
    let o = verify(&write("legacy.json", to_text(&c).as_bytes()), None, &[]);
    o.expect("partially_verified", None, 1);
    assert_eq!(
        o.outcome("hardware_attestation").as_deref(),
        Some("not_established")
    );
    assert_eq!(
        o.outcome("public_key_binding").as_deref(),
        Some("not_established")
    );
}

fn hardware_claim(second_half: [u8; 32]) -> Value {
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let (mut c, _) = session().build();
    let x = c
        .get("trace")
        .unwrap()
        .get("cnf")
        .unwrap()
        .get("jwk")
        .unwrap()
        .get("x")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let mut nonce = cmcp_claim::binding::thumbprint(&x).to_vec();
    nonce.extend_from_slice(&second_half);
    set(
        &mut c,
        &["trace", "runtime", "platform"],
        Value::String("amd-sev-snp".into()),
    );
    set(
        &mut c,
        &["trace", "runtime", "firmware_version"],
        Value::Null,
    );
    set(
        &mut c,
        &["trace", "runtime", "nonce"],
        Value::String(b64u_encode(&nonce)),
    );
    set(
        &mut c,
        &["trace", "runtime", "measurement"],
        Value::String(format!("sha384:{}", "11".repeat(48))),
    );
    sign_claim(&mut c, &key);
    c
}

#[test]
fn nonce_second_half_must_commit_the_root() {
    let (c, _) = session().build();
    let root = c
        .get("gateway")
        .unwrap()
        .get("audit_chain")
        .unwrap()
        .get("root")
        .unwrap()
        .as_str()
        .unwrap();
    let commit = cmcp_claim::binding::chain_root_commitment(root).unwrap();
    let good = hardware_claim(commit);
    let o = verify(&write("bound.json", to_text(&good).as_bytes()), None, &[]);
    // The nonce binds the key and commits the root, but with no authenticated
    // report carrying it, both stay the claim's own word: not established.
    assert_eq!(
        o.outcome("audit_chain_binding").as_deref(),
        Some("not_established")
    );
    assert_eq!(
        o.outcome("public_key_binding").as_deref(),
        Some("not_established")
    );
    assert!(
        !o.json
            .get("ledger")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.get("outcome").unwrap().as_str() == Some("failed"))
    );
    o.expect("partially_verified", None, 1);

    let bad = hardware_claim([7u8; 32]);
    let o = verify(&write("unbound.json", to_text(&bad).as_bytes()), None, &[]);
    o.expect("unverified", Some("CHAIN_ROOT_NOT_BOUND"), 2);

    // Committing the gateway measurement instead is accepted only when that measurement is pinned,
    // and then the root binding is not established.
    let gm = [9u8; 32];
    let m = hardware_claim(gm);
    let p = write("measured.json", to_text(&m).as_bytes());
    let o = verify(&p, None, &["--gateway-measurement", &hex_encode(&gm)]);
    o.expect("partially_verified", None, 1);
    assert_eq!(
        o.outcome("measurement_binding").as_deref(),
        Some("not_established")
    );
    assert_eq!(
        o.outcome("audit_chain_binding").as_deref(),
        Some("not_established")
    );
    verify(&p, None, &[]).expect("unverified", Some("CHAIN_ROOT_NOT_BOUND"), 2);
}

fn entries(b: &Value) -> Vec<Value> {
    b.get("entries").unwrap().as_array().unwrap().to_vec()
}

#[test]
fn tampered_bundles() {
    let s = session();
    let key = s.key();
    let (c, b) = s.build();
    let cp = write("tb-claim.json", to_text(&c).as_bytes());

    // Edited entry, not rehashed.
    let mut e = entries(&b);
    set(&mut e[2], &["tool_name"], Value::String("fs.read".into()));
    let o = verify(
        &cp,
        Some(&write(
            "edited.json",
            to_text(&bundle_for("sess-t", e, &key)).as_bytes(),
        )),
        &[],
    );
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert!(o.bundle_codes().contains(&"ENTRY_HASH_MISMATCH".to_owned()));

    // Dropped entry, re-linked and re-signed: the chain is intact, the claim disagrees.
    let mut e = entries(&b);
    e.remove(2);
    for (n, x) in e.iter_mut().enumerate() {
        set(x, &["sequence_number"], Value::from(n as i64));
    }
    relink(&mut e);
    let o = verify(
        &cp,
        Some(&write(
            "dropped.json",
            to_text(&bundle_for("sess-t", e, &key)).as_bytes(),
        )),
        &[],
    );
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert!(
        o.bundle_codes().iter().all(|c| c == "CLAIM_MISMATCH"),
        "{:?}",
        o.bundle_codes()
    );

    // Tail cut and re-signed.
    let mut e = entries(&b);
    e.truncate(3);
    let o = verify(
        &cp,
        Some(&write(
            "cut.json",
            to_text(&bundle_for("sess-t", e, &key)).as_bytes(),
        )),
        &[],
    );
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert!(o.bundle_codes().contains(&"CLAIM_MISMATCH".to_owned()));

    // Swapped entries.
    let mut e = entries(&b);
    e.swap(1, 2);
    let o = verify(
        &cp,
        Some(&write(
            "swapped.json",
            to_text(&bundle_for("sess-t", e, &key)).as_bytes(),
        )),
        &[],
    );
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert!(o.bundle_codes().contains(&"CHAIN_LINK_BROKEN".to_owned()));

    // Signed by another key.
    let other = SigningKey::from_bytes(&[1u8; 32]);
    let o = verify(
        &cp,
        Some(&write(
            "otherkey.json",
            to_text(&bundle_for("sess-t", entries(&b), &other)).as_bytes(),
        )),
        &[],
    );
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert_eq!(
        o.bundle_codes(),
        vec!["BUNDLE_SIGNATURE_INVALID".to_owned()]
    );
}

fn receipt(issuer: &SigningKey, call_id: &str) -> Value {
    let pk = issuer.verifying_key().to_bytes();
    let kid = cmcp_receipt::external::key_id(&pk);
    let mut r = cmcp_json::parse(
        format!(
            r#"{{"issuer":"spiffe://robots.example/controller","issuer_key_id":"{kid}","evidence_hash":"sha256:{}","evidence_type":"controller-execution-receipt/v1","linked_call_id":"{call_id}"}}"#,
            "12".repeat(32)
        )
        .as_bytes(),
    )
    .unwrap();
    let mut msg = Vec::new();
    cmcp_json::canonical::pyjson(&r, &mut msg);
    use ed25519_dalek::Signer;
    let sig = issuer.sign(&msg).to_bytes();
    set(&mut r, &["signature"], Value::String(b64u_encode(&sig)));
    r
}

#[test]
fn receipts_good_and_misbound() {
    let issuer = SigningKey::from_bytes(&[5u8; 32]);
    let kid = cmcp_receipt::external::key_id(&issuer.verifying_key().to_bytes());
    let flag = format!("{kid}={}", hex_encode(&issuer.verifying_key().to_bytes()));
    for (tag, linked, good) in [("good", "call-0", true), ("misbound", "call-9", false)] {
        let mut call = Call::new("robot.move", "allow");
        call.evidence = Some(receipt(&issuer, linked));
        let s = Session::new([42u8; 32], "sess-r").call(call);
        let (c, b) = s.build();
        let (cp, bp) = files(tag, &c, &b);
        let o = verify(&cp, Some(&bp), &["--evidence-key", &flag]);
        if good {
            o.expect("partially_verified", None, 1);
            assert_eq!(
                o.outcome("audit_bundle.external_evidence").as_deref(),
                Some("verified")
            );
        } else {
            o.expect("unverified", Some("CHAIN_BROKEN"), 2);
            let fails = o
                .json
                .get("bundle")
                .unwrap()
                .get("failures")
                .unwrap()
                .as_array()
                .unwrap();
            assert_eq!(fails.len(), 1);
            let msg = fails[0].as_str().unwrap();
            assert!(msg.contains("linked_call_id"), "{msg}");
            assert!(!msg.contains("signature"), "{msg}");
        }
        // Without a pinned issuer key the receipt is present but not established.
        let o = verify(&cp, Some(&bp), &[]);
        o.expect("partially_verified", None, 1);
        assert_eq!(
            o.outcome("audit_bundle.external_evidence").as_deref(),
            Some("not_established")
        );
    }
}

#[test]
fn usage_errors_exit_3() {
    let (c, _) = session().build();
    let cp = write("usage.json", to_text(&c).as_bytes());
    assert_eq!(run(&["claim", "/nonexistent/claim.json"]).0, 3);
    assert_eq!(
        run(&["claim", cp.to_str().unwrap(), "--policy-hash", "zz"]).0,
        3
    );
    assert_eq!(
        run(&["claim", cp.to_str().unwrap(), "--now", "yesterday"]).0,
        3
    );
    assert_eq!(run(&["frobnicate"]).0, 3);
    assert_eq!(run(&["--help"]).0, 0);
    let (code, text) = run(&["claim", cp.to_str().unwrap(), "--now", NOW]);
    assert_eq!(code, 1);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("RESULT: partially_verified"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when not a TTY");
}

#[test]
fn tpm_evidence_through_the_cli() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware/ms-tpm-20-ref-v183");
    if !f.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", f.display());
        return;
    }
    let b = |n: &str| b64u_encode(&std::fs::read(f.join(n)).unwrap());
    let nonce = std::fs::read_to_string(f.join("nonce.hex")).unwrap();
    let root = f.join("rsassa-sha256-root.pem");
    let mut attest = std::fs::read(f.join("rsassa-sha256-attest.bin")).unwrap();
    for (tag, raw, want) in [
        ("good", b("rsassa-sha256-attest.bin"), 0),
        (
            "tampered",
            {
                attest[40] ^= 1;
                b64u_encode(&attest)
            },
            2,
        ),
    ] {
        let ev = format!(
            r#"{{"raw_evidence":"{raw}","quote_signature":"{}","cert_chain":"{}"}}"#,
            b("rsassa-sha256-tpmt-signature.bin"),
            b("rsassa-sha256-ak-chain.pem")
        );
        let p = write(&format!("tpm-{tag}.json"), ev.as_bytes());
        let args = [
            "evidence",
            "--platform",
            "tpm2",
            "--evidence",
            p.to_str().unwrap(),
            "--nonce",
            nonce.trim(),
            "--tpm-ca",
            root.to_str().unwrap(),
            "--now",
            "2027-01-01T00:00:00Z",
            "--format",
            "json",
        ];
        let (code, out) = run(&args);
        assert_eq!(code, want, "{tag}: {out}");
        // Without a pinned CA the quote is at best not established.
        let (code, _) = run(&args[..8]);
        assert!(code >= 1, "{tag}");
    }
}

/// Exit code and standard error of one run.
fn run_stderr(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn bundle_without_session_id_is_unverified() {
    let (c, b) = session().build();
    let mut nosid = b.clone();
    if let Value::Object(o) = &mut nosid {
        assert!(o.remove("session_id").is_some());
    }
    let (cp, bp) = files("nosid", &c, &nosid);
    let o = verify(&cp, Some(&bp), &[]);
    o.expect("unverified", Some("CHAIN_BROKEN"), 2);
    assert_eq!(o.bundle_codes(), ["BUNDLE_MALFORMED"]);
    assert_eq!(o.outcome("audit_bundle.entries").as_deref(), Some("failed"));
    // The bundle command, with and without its claim.
    for with_claim in [true, false] {
        let mut args = vec!["bundle", bp.to_str().unwrap()];
        if with_claim {
            args.extend(["--claim", cp.to_str().unwrap()]);
        }
        args.extend(["--now", NOW, "--format", "json"]);
        let (code, out) = run(&args);
        assert_eq!(code, 2, "{out}");
        let v = cmcp_json::parse(out.trim_end().as_bytes()).unwrap();
        assert_eq!(v.get("status").unwrap().as_str(), Some("unverified"));
    }
}

#[test]
fn bundle_failure_list_is_capped() {
    // 300 empty entries: 4 + 299 * 3 entry failures, the bundle's session
    // id names no session, and there is no signature: 904 failures.
    let doc = format!(
        r#"{{"session_id":"s","entries":[{}]}}"#,
        vec!["{}"; 300].join(",")
    );
    let p = write("many-bad.json", doc.as_bytes());
    let (code, out) = run(&[
        "bundle",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let v = cmcp_json::parse(out.trim_end().as_bytes()).unwrap();
    assert_eq!(
        v.get("failure_reason").unwrap().as_str(),
        Some("CHAIN_BROKEN")
    );
    let b = v.get("bundle").unwrap();
    let len = |k: &str| b.get(k).unwrap().as_array().unwrap().len();
    assert_eq!(len("failures"), 100);
    assert_eq!(len("failure_codes"), 100);
    assert_eq!(len("failure_entries"), 100);
    let int = |k: &str| b.get(k).unwrap().as_int().unwrap().as_i64().unwrap();
    assert_eq!(int("failure_count"), 904);
    assert_eq!(int("failures_omitted"), 804);
    assert_eq!(int("entry_count"), 300);
    assert_eq!(b.get("verified"), Some(&Value::Bool(false)));

    let (code, text) = run(&["bundle", p.to_str().unwrap(), "--now", NOW]);
    assert_eq!(code, 2);
    let listed = text.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(listed, 101, "{text}");
    assert!(
        text.contains("  ... and 804 more failures (only the first 100 are listed)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("RESULT: unverified (CHAIN_BROKEN)\n"),
        "{text}"
    );
}

#[test]
fn a_key_id_given_twice_is_a_usage_error() {
    let (c, _) = session().build();
    let cp = write("dupkey.json", to_text(&c).as_bytes());
    let id = "ab".repeat(32);
    let one = format!("{id}={}", "01".repeat(32));
    let two = format!("{id}={}", "02".repeat(32));
    for flag in ["--evidence-key", "--manifest-key"] {
        for second in [&one, &two] {
            let (code, err) =
                run_stderr(&["claim", cp.to_str().unwrap(), flag, &one, flag, second]);
            assert_eq!(code, 3, "{flag}: {err}");
            assert!(
                err.contains(&format!("{flag}: KEYID {id} is given more than once")),
                "{err}"
            );
        }
    }
    // Two different key ids are fine.
    let other = format!("{}={}", "cd".repeat(32), "02".repeat(32));
    let (code, err) = run_stderr(&[
        "claim",
        cp.to_str().unwrap(),
        "--now",
        NOW,
        "--evidence-key",
        &one,
        "--evidence-key",
        &other,
    ]);
    assert_eq!(code, 1, "{err}");
    let entry = write("dupkey-entry.json", b"{}");
    let (code, err) = run_stderr(&[
        "receipt",
        "--kind",
        "embodied",
        "--entry",
        entry.to_str().unwrap(),
        "--payload",
        entry.to_str().unwrap(),
        "--controller-key",
        &one,
        "--controller-key",
        &two,
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!(
            "--controller-key: KEYID {id} is given more than once"
        )),
        "{err}"
    );
}

#[test]
fn input_errors_name_their_own_flag() {
    let (c, _) = session().build();
    let cp = write("flags.json", to_text(&c).as_bytes());
    let bad = write("flags-bad.txt", b"not json");
    let empty = write("flags-empty.json", b"{}");
    let bad = bad.to_str().unwrap();
    for (args, prefix) in [
        (vec!["--collateral", bad], "cmcp-verify: --collateral: "),
        (
            vec!["--collateral", empty.to_str().unwrap()],
            "cmcp-verify: --collateral: ",
        ),
        (vec!["--pcrs", bad], "cmcp-verify: --pcrs: "),
        (vec!["--policy", bad], "cmcp-verify: --policy: "),
        (
            vec!["--appraise", "sev_snp.allow_debug=5"],
            "cmcp-verify: --appraise: ",
        ),
        (
            vec!["--crl", "/nonexistent/crl.der"],
            "cmcp-verify: --crl: cannot read",
        ),
        (
            vec!["--event-log", "/nonexistent/log.bin"],
            "cmcp-verify: --event-log: cannot read",
        ),
        (
            vec!["--collateral", "/nonexistent/c.json"],
            "cmcp-verify: --collateral: cannot read",
        ),
        (
            vec!["--agent-manifest", "/nonexistent/m.json"],
            "cmcp-verify: --agent-manifest: cannot read",
        ),
    ] {
        let mut a = vec!["claim", cp.to_str().unwrap()];
        a.extend(args.iter().copied());
        let (code, err) = run_stderr(&a);
        assert_eq!(code, 3, "{args:?}: {err}");
        assert!(err.starts_with(prefix), "{args:?}: {err}");
    }
}

/// Each platform input is read only up to its parser's cap: an endless
/// attester-supplied event log or NV-certify envelope is refused by that
/// parser as a verdict, after at most cap + 1 bytes (not after the 1 GiB
/// generic input cap), and an endless pinned-root file cannot pass.
#[test]
fn endless_platform_inputs_stop_at_their_caps() {
    let v = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/vectors/CV-TPM-0043");
    let ev = v.join("evidence.json");
    let ca = v.join("ca.pem");
    let nonce: String = (0u8..64).map(|b| format!("{b:02x}")).collect();
    let digest = "ab".repeat(32);
    let base = |extra: &[&str]| -> (i32, String) {
        let mut a = vec![
            "evidence",
            "--platform",
            "tpm2",
            "--evidence",
            ev.to_str().unwrap(),
            "--nonce",
            &nonce,
            "--now",
            "2027-01-01T00:00:00Z",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        run(&a)
    };
    let ca = ca.to_str().unwrap();
    let (code, out) = base(&["--tpm-ca", ca, "--event-log", "/dev/zero"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("event log size of 8388609 exceeds the cap of 8388608"),
        "{out}"
    );
    let (code, out) = base(&[
        "--tpm-ca",
        ca,
        "--nv-certify",
        "/dev/zero",
        "--gateway-digest",
        &digest,
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("65537 bytes, more than the limit of 65536"),
        "{out}"
    );
    let (code, out) = base(&["--tpm-ca", "/dev/zero"]);
    assert!(code >= 1, "{out}");
    assert!(!out.contains("\"status\":\"verified\""), "{out}");
}

/// A result that cannot be written (a full disk) is not reported as the
/// verdict's exit status: exit 3 with a message, never 0 with no output.
#[test]
fn an_unwritable_result_is_an_error() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: /dev/full absent");
        return;
    }
    let (c, _) = session().build();
    let cp = write("full-claim.json", to_text(&c).as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args([
            "claim",
            cp.to_str().unwrap(),
            "--now",
            "2026-12-01T00:00:00Z",
        ])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the result"));
}

/// A bundle file is streamed (memory does not grow with it) and read up to
/// 1 GiB: a regular file over that is refused before it is read (a sparse
/// file here, so the test writes nothing to disk).
#[test]
fn bundle_files_over_1_gib_are_refused_unread() {
    let (c, _) = session().build();
    let cp = write("cap-claim.json", to_text(&c).as_bytes());
    let bp = dir().join("cap-bundle.json");
    let f = std::fs::File::create(&bp).unwrap();
    f.set_len((1 << 30) + 1).unwrap();
    drop(f);
    let (code, err) = run_stderr(&[
        "claim",
        cp.to_str().unwrap(),
        "--bundle",
        bp.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(code, 3);
    assert!(
        err.contains("is over the 1073741824-byte input cap"),
        "{err}"
    );
    std::fs::remove_file(&bp).unwrap();
}
