//! A deterministic producer of TRACE claims and audit bundles in the
//! reference gateway's shape (24-member entries, PYJSON hashing, Ed25519
//! signatures), for tests, the embedded example and conformance vectors.
//!
//! ```
//! use cmcp_testkit::{Session, Call};
//! let s = Session::new([7u8; 32], "sess-1")
//!     .call(Call::new("github.search", "allow"))
//!     .call(Call::new("payments.refund", "deny"));
//! let (claim, bundle) = s.build();
//! assert!(claim.get("signature").is_some());
//! assert_eq!(bundle.get("entries").unwrap().as_array().unwrap().len(), 3);
//! ```

use cmcp_chain::entry_hash_hex;
use cmcp_json::canonical::{pyjson_object_except, pyjson_vec};
use cmcp_json::encoding::{b64u_encode, hex_encode};
use cmcp_json::{Int, Object, Value};
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest as _, Sha256};

/// One tool call to record.
#[derive(Clone, Debug)]
pub struct Call {
    /// Tool name.
    pub tool: String,
    /// Policy decision (`allow`, `deny`, `advisory_deny`, `fault`, `redact`, …).
    pub decision: String,
    /// Optional `detail` object.
    pub detail: Option<Value>,
    /// Optional `external_execution_evidence`.
    pub evidence: Option<Value>,
}

impl Call {
    /// A call with no detail.
    pub fn new(tool: &str, decision: &str) -> Call {
        Call {
            tool: tool.into(),
            decision: decision.into(),
            detail: None,
            evidence: None,
        }
    }
}

/// A software-only session to turn into a claim and bundle.
#[derive(Clone, Debug)]
pub struct Session {
    seed: [u8; 32],
    session_id: String,
    calls: Vec<Call>,
    /// `attestation_generated_at`.
    pub generated_at: String,
    /// `trace.iat`.
    pub iat: i64,
    /// `trace.policy.bundle_hash`.
    pub policy_hash: String,
    /// `gateway.catalog.hash`.
    pub catalog_hash: String,
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn i(v: i64) -> Value {
    Value::Int(Int::Small(v))
}

/// A count or index as a JSON integer, exactly.
fn count(n: usize) -> Value {
    Value::Int(i64::try_from(n).map_or_else(|_| Int::Big(n.to_string().into()), Int::Small))
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(Object::from_members(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    ))
}

impl Session {
    /// A session signed by the Ed25519 key with this seed.
    pub fn new(seed: [u8; 32], session_id: &str) -> Session {
        Session {
            seed,
            session_id: session_id.into(),
            calls: Vec::new(),
            generated_at: "2026-11-30T00:00:00+00:00".into(),
            iat: 1_796_000_000,
            policy_hash: format!("sha256:{}", "ab".repeat(32)),
            catalog_hash: format!("sha256:{}", "cd".repeat(32)),
        }
    }

    /// Adds a tool call.
    pub fn call(mut self, c: Call) -> Session {
        self.calls.push(c);
        self
    }

    /// The signing key.
    pub fn key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.seed)
    }

    /// Raw public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key().verifying_key().to_bytes()
    }

    fn entry(&self, n: usize, kind: &str, call: Option<&Call>, prev: &str) -> Value {
        let null = Value::Null;
        // Call entries start at 1, after the session start.
        let call_id = call.map_or(null.clone(), |_| {
            s(&format!("call-{}", n.saturating_sub(1)))
        });
        let ts = format!(
            "2026-11-29T23:59:{:02}.{:06}+00:00",
            n % 60,
            n.saturating_add(1000)
        );
        let mut e = obj(vec![
            ("entry_id", s(&format!("00000000-0000-4000-8000-{n:012}"))),
            ("sequence_number", count(n)),
            ("timestamp_utc", s(&ts)),
            ("session_id", s(&self.session_id)),
            ("call_id", call_id),
            ("entry_type", s(kind)),
            ("tool_name", call.map_or(null.clone(), |c| s(&c.tool))),
            (
                "server_identity",
                call.map_or(null.clone(), |c| {
                    s(&format!("spiffe://acme.example/mcp/{}", c.tool))
                }),
            ),
            ("policy_decision", call.map_or(s("n/a"), |c| s(&c.decision))),
            (
                "policy_rule_matched",
                call.map_or(null.clone(), |c| s(&format!("policy_id::{}", c.decision))),
            ),
            (
                "latency_us",
                call.map_or(null.clone(), |_| count(n.saturating_add(70_000))),
            ),
            (
                "request_payload_hash",
                call.map_or(null.clone(), |_| {
                    s(&format!(
                        "sha256:{}",
                        hex_encode(&Sha256::digest(format!("req{n}")))
                    ))
                }),
            ),
            (
                "response_payload_hash",
                call.map_or(null.clone(), |_| {
                    s(&format!(
                        "sha256:{}",
                        hex_encode(&Sha256::digest(format!("resp{n}")))
                    ))
                }),
            ),
            (
                "response_inspection_result",
                call.map_or(s("n/a"), |_| s("pass")),
            ),
            (
                "session_sensitivity_before",
                call.map_or(null.clone(), |_| s("public")),
            ),
            (
                "session_sensitivity_after",
                call.map_or(s("public"), |_| s("internal")),
            ),
            (
                "detail",
                call.and_then(|c| c.detail.clone()).unwrap_or(Value::Null),
            ),
            (
                "workflow_id",
                call.map_or(null.clone(), |_| s("demo-agent")),
            ),
            ("prev_entry_hash", s(prev)),
            ("evidence_class", s("hash-only")),
            (
                "external_execution_evidence",
                call.and_then(|c| c.evidence.clone()).unwrap_or(Value::Null),
            ),
            (
                "effective_data_class",
                call.map_or(null.clone(), |_| s("internal")),
            ),
            ("execution_id", null),
        ]);
        if let Value::Object(o) = &mut e {
            let h = entry_hash_hex(o);
            o.insert("entry_hash", s(&h));
        }
        e
    }

    /// The audit entries (session_start, then one tool_call per call).
    pub fn entries(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let mut prev = "genesis".to_owned();
        let first = self.entry(0, "session_start", None, &prev);
        prev = first
            .get("entry_hash")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        out.push(first);
        for (n, c) in (1..).zip(&self.calls) {
            let e = self.entry(n, "tool_call", Some(c), &prev);
            prev = e
                .get("entry_hash")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            out.push(e);
        }
        out
    }

    /// The unsigned claim for these entries.
    pub fn unsigned_claim(&self, entries: &[Value]) -> Value {
        let pk = self.public_key();
        let hexpk = hex_encode(&pk);
        let hash = |e: &Value| {
            e.get("entry_hash")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let root = entries.first().map(hash).unwrap_or_default();
        let tip = entries.last().map(hash).unwrap_or_default();
        let decided = |d: &[&str]| {
            count(
                self.calls
                    .iter()
                    .filter(|c| d.contains(&c.decision.as_str()))
                    .count(),
            )
        };
        let mut tools: Vec<String> = self.calls.iter().map(|c| c.tool.clone()).collect();
        tools.sort();
        tools.dedup();
        let total = self.calls.len();
        let sensitivity = if total > 0 { "internal" } else { "public" };
        obj(vec![
            ("cmcp_version", s("1.0")),
            (
                "trace",
                obj(vec![
                    ("eat_profile", s(cmcp_claim::EAT_PROFILE)),
                    ("iat", i(self.iat)),
                    (
                        "subject",
                        s(&format!(
                            "spiffe://cmcp.gateway/tee/{}",
                            hexpk.get(..16).unwrap_or("")
                        )),
                    ),
                    (
                        "runtime",
                        obj(vec![
                            ("platform", s("software-only")),
                            ("measurement", s(&format!("sha256:{}", "0".repeat(64)))),
                            ("firmware_version", s("software-only-dev-mode")),
                        ]),
                    ),
                    (
                        "policy",
                        obj(vec![
                            ("bundle_hash", s(&self.policy_hash)),
                            ("enforcement_mode", s("enforce")),
                            ("version", s("1.0.0")),
                        ]),
                    ),
                    ("data_class", s(sensitivity)),
                    (
                        "tool_transcript",
                        obj(vec![
                            ("hash", s(&format!("sha256:{tip}"))),
                            ("call_count", count(total)),
                        ]),
                    ),
                    (
                        "cnf",
                        obj(vec![(
                            "jwk",
                            obj(vec![
                                ("kty", s("OKP")),
                                ("crv", s("Ed25519")),
                                ("x", s(&b64u_encode(&pk))),
                                ("kid", s(&format!("cmcp-{}", hexpk.get(..8).unwrap_or("")))),
                            ]),
                        )]),
                    ),
                ]),
            ),
            (
                "gateway",
                obj(vec![
                    ("session_id", s(&self.session_id)),
                    ("gateway_version", s("0.7.1")),
                    ("sequence_number", i(1)),
                    (
                        "audit_chain",
                        obj(vec![
                            ("root", s(&root)),
                            ("tip", s(&tip)),
                            ("length", count(entries.len())),
                        ]),
                    ),
                    (
                        "call_summary",
                        obj(vec![
                            ("tool_calls_total", count(total)),
                            ("tool_calls_allowed", decided(&["allow"])),
                            ("tool_calls_denied", decided(&["deny", "advisory_deny"])),
                            ("tool_calls_faulted", decided(&["fault"])),
                            (
                                "tools_invoked",
                                Value::Array(tools.iter().map(|t| s(t)).collect()),
                            ),
                            ("session_max_sensitivity", s(sensitivity)),
                            (
                                "call_graph_summary",
                                obj(vec![
                                    (
                                        "compliance_domains_touched",
                                        Value::Array(vec![s("external")]),
                                    ),
                                    ("cross_boundary_events", Value::Array(vec![])),
                                ]),
                            ),
                        ]),
                    ),
                    (
                        "catalog",
                        obj(vec![
                            ("hash", s(&self.catalog_hash)),
                            ("drift_detected", Value::Bool(false)),
                        ]),
                    ),
                    ("attestation_generated_at", s(&self.generated_at)),
                    ("attestation_validity_seconds", i(86_400)),
                    ("attestation_stale", Value::Bool(false)),
                    ("catalog_exceptions", Value::Array(vec![])),
                    ("kill_switch_triggered", Value::Bool(false)),
                ]),
            ),
        ])
    }

    /// Signed claim and bundle.
    pub fn build(&self) -> (Value, Value) {
        let entries = self.entries();
        let mut claim = self.unsigned_claim(&entries);
        sign_claim(&mut claim, &self.key());
        let bundle = bundle_for(&self.session_id, entries, &self.key());
        (claim, bundle)
    }
}

/// Signs (or re-signs) a claim in place: Ed25519 over its canonical form without `signature`.
pub fn sign_claim(claim: &mut Value, key: &SigningKey) {
    if let Value::Object(o) = claim {
        let mut msg = Vec::new();
        pyjson_object_except(o, Some("signature"), &mut msg);
        let sig = key.sign(&msg).to_bytes();
        o.insert("signature", s(&b64u_encode(&sig)));
    }
}

/// The bundle signature over entries: Ed25519 over SHA-256 of their canonical array.
pub fn bundle_signature(entries: &[Value], key: &SigningKey) -> String {
    let digest = Sha256::digest(pyjson_vec(&Value::Array(entries.to_vec())));
    b64u_encode(&key.sign(&digest).to_bytes())
}

/// A bundle object for entries, signed by `key`.
pub fn bundle_for(session_id: &str, entries: Vec<Value>, key: &SigningKey) -> Value {
    let sig = bundle_signature(&entries, key);
    obj(vec![
        ("session_id", s(session_id)),
        ("entries", Value::Array(entries)),
        ("bundle_signature", s(&sig)),
    ])
}

/// Recomputes `entry_hash` and `prev_entry_hash` of every entry from the first (re-links a chain).
pub fn relink(entries: &mut [Value]) {
    let mut prev = "genesis".to_owned();
    for e in entries.iter_mut() {
        if let Value::Object(o) = e {
            o.insert("prev_entry_hash", s(&prev));
            let h = entry_hash_hex(o);
            o.insert("entry_hash", s(&h));
            prev = h;
        }
    }
}

/// Canonical (PYJSON) text of a value, for writing files.
pub fn to_text(v: &Value) -> String {
    String::from_utf8_lossy(&pyjson_vec(v)).into_owned()
}

fn cbor_head(major: u8, n: usize, out: &mut Vec<u8>) {
    let m = major << 5;
    let be = (n as u64).to_be_bytes();
    // The argument is the last 0, 1, 2, 4 or 8 bytes of `be`.
    let (tag, from) = match n {
        0..=23 => (m | be.get(7).copied().unwrap_or(0), 8),
        24..=0xff => (m | 24, 7),
        0x100..=0xffff => (m | 25, 6),
        0x1_0000..=0xffff_ffff => (m | 26, 4),
        _ => (m | 27, 0),
    };
    out.push(tag);
    out.extend_from_slice(be.get(from..).unwrap_or(&[]));
}

fn cbor_bstr(b: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, b.len(), out);
    out.extend_from_slice(b);
}

fn cbor_tstr(s: &str, out: &mut Vec<u8>) {
    cbor_head(3, s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

/// A v0.2 Agent Manifest COSE_Sign1 envelope (tag 18) over the Agent Manifest
/// canonical form of `manifest`, signed by `key` with `alg` -19 and
/// `kid` = SHA-256 of the public key, as Agent Manifest signers produce it.
pub fn cose_manifest(manifest: &Value, key: &SigningKey) -> Vec<u8> {
    cose_manifest_with_unprotected(manifest, key, &[0xa0])
}

/// [`cose_manifest`] with `unprotected` (encoded CBOR, written as given) as
/// the unprotected header instead of the empty map. The unprotected header is
/// outside the signature, so the envelope still verifies cryptographically.
///
/// ```
/// use cmcp_testkit::{cose_manifest, cose_manifest_with_unprotected};
/// let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
/// let m = cmcp_json::parse(br#"{"version":"0.2"}"#).unwrap();
/// let plain = cose_manifest(&m, &key);
/// let crit = cose_manifest_with_unprotected(&m, &key, &[0xa1, 0x02, 0x81, 0x01]);
/// assert_eq!(crit.len(), plain.len() + 3);
/// assert_eq!(plain, cose_manifest_with_unprotected(&m, &key, &[0xa0]));
/// ```
pub fn cose_manifest_with_unprotected(
    manifest: &Value,
    key: &SigningKey,
    unprotected: &[u8],
) -> Vec<u8> {
    let payload = cmcp_json::canonical::amjcs(manifest).unwrap_or_default();
    let kid = Sha256::digest(key.verifying_key().to_bytes());
    let mut protected = Vec::new();
    cbor_head(5, 4, &mut protected);
    protected.push(0x01);
    protected.push(0x32); // -19
    protected.push(0x03);
    cbor_tstr("application/agent-manifest+json", &mut protected);
    protected.push(0x04);
    cbor_bstr(&kid, &mut protected);
    protected.push(0x10);
    cbor_tstr("application/agent-manifest+cose", &mut protected);
    let mut tbs = Vec::new();
    cbor_head(4, 4, &mut tbs);
    cbor_tstr("Signature1", &mut tbs);
    cbor_bstr(&protected, &mut tbs);
    cbor_bstr(&[], &mut tbs);
    cbor_bstr(&payload, &mut tbs);
    let sig = key.sign(&tbs).to_bytes();
    let mut out = vec![0xd2];
    cbor_head(4, 4, &mut out);
    cbor_bstr(&protected, &mut out);
    out.extend_from_slice(unprotected);
    cbor_bstr(&payload, &mut out);
    cbor_bstr(&sig, &mut out);
    out
}

/// Compares generated test data with the committed files under `dir`
/// (`name → bytes`), or rewrites them when `CMCP_REGEN_TEST_DATA` is set;
/// returns the names of the files that are stale (empty when current or
/// rewritten).
///
/// ```
/// let dir = std::env::temp_dir().join("cmcp-testkit-doc");
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.bin"), b"x").unwrap();
/// let stale = cmcp_testkit::stale_test_data(&dir, vec![("a.bin", b"x".to_vec())]);
/// assert!(stale.is_empty() || std::env::var_os("CMCP_REGEN_TEST_DATA").is_some());
/// ```
pub fn stale_test_data<N: AsRef<str>>(
    dir: &std::path::Path,
    outputs: impl IntoIterator<Item = (N, Vec<u8>)>,
) -> Vec<String> {
    let regen = std::env::var_os("CMCP_REGEN_TEST_DATA").is_some();
    let mut stale = Vec::new();
    for (name, bytes) in outputs {
        let p = dir.join(name.as_ref());
        if regen {
            if std::fs::write(&p, &bytes).is_err() {
                stale.push(format!("{} (cannot write)", name.as_ref()));
            }
        } else if std::fs::read(&p).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(name.as_ref().to_owned());
        }
    }
    stale
}
