//! `CV-RCPT` (the `receipt` command: execution-evidence receipts, TRACE
//! action receipts, embodied actions, kill-switch refusals) and `CV-MANIFEST` (claims bound to a
//! signed Agent Manifest), built from fixed Ed25519 seeds.

use super::{NOW, Out, Vb};
use crate::jsonx::{get_str, obj, s, set};
use cmcp_testkit::{Call, Session, cose_manifest, sign_claim};
use cmcp_verify::json::canonical::{cjcs, jcs, pyjson_object_except};
use cmcp_verify::json::encoding::{b64u_decode, b64u_encode, hex_encode};
use cmcp_verify::json::{Object, Value};
use cmcp_verify::receipt::embodied::{action_ref, hash_payload};
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest as _, Sha256};

/// External execution-evidence issuer.
const ISSUER: [u8; 32] = [0x51; 32];
/// A second issuer nobody pins.
const STRANGER: [u8; 32] = [0x52; 32];
/// The embodied controller.
const CONTROLLER: [u8; 32] = [0x61; 32];
/// The gateway of the kill-switch and manifest sessions.
const GATEWAY: [u8; 32] = [0x71; 32];
/// The Agent Manifest issuer.
const MANIFEST_ISSUER: [u8; 32] = [0x81; 32];

const CALL: &str = "call-0001";
const SID: &str = "5d1f7a3c-2b4e-4c6d-9e8f-0a1b2c3d4e5f";
const AGENT: &str = "spiffe://trust.example/agent/robot/prod";
const MANIFEST_ID: &str = "018f4a3b-2c1d-7e5f-a8b9-0d1e2f3a4b5c";
const SPEC_EXT: &str = "claim-chain-receipts.md §5.4, §8 Q11";
const SPEC_EMB: &str = "claim-chain-receipts.md §7.2, §8 Q12";
const SPEC_KS: &str = "claim-chain-receipts.md §7.3, §8 Q13";
const SPEC_MAN: &str = "claim-chain-receipts.md §7.4, §8 Q18";

const OK: &str = "verified";
const PS: &str = "partially_verified";
const UN: &str = "unverified";
const RI: Option<&str> = Some("RECEIPT_INVALID");
const AM: Option<&str> = Some("AGENT_MANIFEST_MISMATCH");

fn key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}

fn public(seed: [u8; 32]) -> [u8; 32] {
    key(seed).verifying_key().to_bytes()
}

fn kid_of(raw: &[u8; 32]) -> String {
    hex_encode(&Sha256::digest(raw))
}

fn kid(seed: [u8; 32]) -> String {
    kid_of(&public(seed))
}

/// `{kid: hex(key)}` pins.
fn pins(list: &[(String, [u8; 32])]) -> Value {
    Value::Object(Object::from_members(
        list.iter()
            .map(|(id, k)| (id.clone(), s(&hex_encode(k))))
            .collect(),
    ))
}

fn pin(seed: [u8; 32]) -> Value {
    pins(&[(kid(seed), public(seed))])
}

fn parse(t: &str) -> Value {
    cmcp_verify::json::parse(t.as_bytes()).unwrap_or(Value::Null)
}

fn edit(v: &Value, m: &str, x: Option<Value>) -> Value {
    let mut v = v.clone();
    set(&mut v, &[m], x);
    v
}

fn std_alphabet(t: &str) -> String {
    t.replace('-', "+").replace('_', "/")
}

fn pad(t: &str) -> String {
    let mut t = t.to_owned();
    while !t.len().is_multiple_of(4) {
        t.push('=');
    }
    t
}

/// Adds the group order L to the S half (a non-canonical S).
fn add_l(sig: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = sig.to_vec();
    let mut carry = 0u16;
    for (k, l) in L.iter().enumerate() {
        if let Some(b) = out.get_mut(32 + k) {
            let v = u16::from(*b) + u16::from(*l) + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
    }
    out
}

/// The identity point: a small-order Ed25519 key.
const SMALL_ORDER: [u8; 32] = {
    let mut k = [0u8; 32];
    k[0] = 1;
    k
};

// ---------------------------------------------------------------------------
// External execution evidence (§5.4)

fn pyjson_sign(o: &mut Object, k: &SigningKey) {
    o.remove("signature");
    let mut msg = Vec::new();
    pyjson_object_except(o, None, &mut msg);
    o.insert("signature", s(&b64u_encode(&k.sign(&msg).to_bytes())));
}

/// A receipt signed by `k` with the given members (the six, unless edited).
fn ext_signed(k: &SigningKey, members: &[(&str, Value)]) -> Value {
    let mut o = Object::new();
    o.insert("issuer", s("spiffe://controller.example/issuer"));
    o.insert("issuer_key_id", s(&kid_of(&k.verifying_key().to_bytes())));
    o.insert("evidence_hash", s(&format!("sha256:{}", "ab".repeat(32))));
    o.insert("evidence_type", s("controller-execution-receipt/v1"));
    o.insert("linked_call_id", s(CALL));
    for (m, v) in members {
        if v.is_null() {
            o.remove(m);
        } else {
            o.insert(*m, v.clone());
        }
    }
    pyjson_sign(&mut o, k);
    Value::Object(o)
}

fn ext_good() -> Value {
    ext_signed(&key(ISSUER), &[])
}

fn entry_with(ev: Value) -> Value {
    obj(vec![
        ("call_id", s(CALL)),
        ("tool", s("robot.move_arm")),
        ("policy_decision", s("allow")),
        ("external_execution_evidence", ev),
    ])
}

fn ext(n: u32, description: &str, tags: &[&str], ev: Value) -> Vb {
    Vb::new(
        &format!("CV-RCPT-{n:04}"),
        description,
        SPEC_EXT,
        &[&["receipt", "execution"], tags].concat(),
    )
    .receipt_cmd("execution")
    .input("entry", &entry_with(ev))
    .opt("evidence_keys", pin(ISSUER))
}

fn ext_fail(v: Vb, code: &str) -> Vb {
    v.st(UN, RI).l("receipt", "failed").d("receipt_error", code)
}

fn execution(out: &mut Out) {
    out.add(
        ext(
            1,
            "execution receipt: strictly signed by the pinned issuer and bound to the call",
            &["good"],
            ext_good(),
        )
        .st(OK, None)
        .l("receipt", "verified"),
    );
    out.add(
        ext(
            2,
            "execution receipt with sha384 evidence hash: verified",
            &["good"],
            ext_signed(
                &key(ISSUER),
                &[("evidence_hash", s(&format!("sha384:{}", "ab".repeat(48))))],
            ),
        )
        .st(OK, None)
        .l("receipt", "verified"),
    );
    out.add(ext_fail(
        ext(
            3,
            "external_execution_evidence is an array, not an object",
            &["shape"],
            Value::Array(vec![]),
        ),
        "not_object",
    ));
    out.add(ext_fail(
        ext(
            4,
            "a seventh (signed) member: exactly the six members are allowed",
            &["shape", "Q11"],
            ext_signed(&key(ISSUER), &[("note", s("extra"))]),
        ),
        "shape",
    ));
    out.add(ext_fail(
        ext(
            5,
            "evidence_type member missing (five members)",
            &["shape", "Q11"],
            ext_signed(&key(ISSUER), &[("evidence_type", Value::Null)]),
        ),
        "shape",
    ));
    out.add(ext_fail(
        ext(
            6,
            "linked_call_id is a number, not a string",
            &["shape", "Q11"],
            ext_signed(&key(ISSUER), &[("linked_call_id", crate::jsonx::int(1))]),
        ),
        "shape",
    ));
    let no_call = edit(&entry_with(ext_good()), "call_id", None);
    out.add(ext_fail(
        ext(
            7,
            "the audit entry has no call_id: the receipt cannot be bound",
            &["binding", "Q11"],
            Value::Null,
        )
        .input("entry", &no_call),
        "entry_call_id_missing",
    ));
    out.add(ext_fail(
        ext(
            8,
            "validly signed receipt bound to another call stops at linked_call_id (never signature-valid)",
            &["binding", "Q11", "bug-class"],
            ext_signed(&key(ISSUER), &[("linked_call_id", s("call-0002"))]),
        ),
        "linked_call_id_mismatch",
    ));
    out.add(ext_fail(
        ext(
            9,
            "issuer_key_id in uppercase hex",
            &["format", "Q11"],
            ext_signed(
                &key(ISSUER),
                &[("issuer_key_id", s(&kid(ISSUER).to_ascii_uppercase()))],
            ),
        ),
        "issuer_key_id_format",
    ));
    let short_kid = kid(ISSUER).get(..63).unwrap_or_default().to_owned();
    out.add(ext_fail(
        ext(
            10,
            "issuer_key_id of 63 hex digits",
            &["format", "Q11"],
            ext_signed(&key(ISSUER), &[("issuer_key_id", s(&short_kid))]),
        ),
        "issuer_key_id_format",
    ));
    out.add(ext_fail(
        ext(
            11,
            "evidence_hash with 63 hex digits (short hex)",
            &["format", "Q11"],
            ext_signed(
                &key(ISSUER),
                &[("evidence_hash", s(&format!("sha256:{}a", "ab".repeat(31))))],
            ),
        ),
        "evidence_hash_format",
    ));
    out.add(ext_fail(
        ext(
            12,
            "evidence_hash with a trailing newline",
            &["format", "Q11"],
            ext_signed(
                &key(ISSUER),
                &[("evidence_hash", s(&format!("sha256:{}\n", "ab".repeat(32))))],
            ),
        ),
        "evidence_hash_format",
    ));
    out.add(ext_fail(
        ext(
            13,
            "evidence_hash with uppercase hex digits",
            &["format", "Q11"],
            ext_signed(
                &key(ISSUER),
                &[("evidence_hash", s(&format!("sha256:{}", "AB".repeat(32))))],
            ),
        ),
        "evidence_hash_format",
    ));
    out.add(ext_fail(
        ext(
            14,
            "unknown evidence_type",
            &["format", "Q11"],
            ext_signed(&key(ISSUER), &[("evidence_type", s("self-attested/v9"))]),
        ),
        "unsupported_evidence_type",
    ));
    out.add(ext_fail(
        ext(
            15,
            "issuer not pinned while another issuer key is pinned",
            &["trust"],
            ext_signed(&key(STRANGER), &[]),
        ),
        "unknown_issuer",
    ));
    out.add(
        ext(
            16,
            "well-formed bound receipt with no issuer key pinned at all: not established",
            &["trust"],
            ext_good(),
        )
        .opt("evidence_keys", Value::Null)
        .st(PS, None)
        .l("receipt", "not_established"),
    );
    out.add(ext_fail(
        ext(
            17,
            "the key filed under the receipt's key id does not hash to that id",
            &["trust", "Q11"],
            ext_good(),
        )
        .opt("evidence_keys", pins(&[(kid(ISSUER), public(STRANGER))])),
        "key_id_mismatch",
    ));
    let so = kid_of(&SMALL_ORDER);
    let so_sig = b64u_encode(&[0u8; 64]);
    out.add(ext_fail(
        ext(
            18,
            "issuer key is a small-order point (identity) filed under its own hash",
            &["strict-ed25519", "Q2"],
            ext_signed(&key(ISSUER), &[("issuer_key_id", s(&so))]),
        )
        .input(
            "entry",
            &entry_with(edit(
                &ext_signed(&key(ISSUER), &[("issuer_key_id", s(&so))]),
                "signature",
                Some(s(&so_sig)),
            )),
        )
        .opt("evidence_keys", pins(&[(so.clone(), SMALL_ORDER)])),
        "bad_key",
    ));
    let good = ext_good();
    let sig = get_str(&good, &["signature"]);
    let raw = b64u_decode(&sig).unwrap_or_default();
    out.add(ext_fail(
        ext(
            19,
            "signature with S + L (non-canonical S)",
            &["strict-ed25519", "Q2"],
            edit(&good, "signature", Some(s(&b64u_encode(&add_l(&raw))))),
        ),
        "signature_invalid",
    ));
    out.add(ext_fail(
        ext(
            20,
            "signature base64url with '=' padding",
            &["base64", "Q14"],
            edit(&good, "signature", Some(s(&pad(&sig)))),
        ),
        "signature_invalid",
    ));
    // A receipt whose signature text contains '-' or '_', so the standard
    // alphabet spells it differently.
    let std = (0..64u32)
        .map(|i| {
            ext_signed(
                &key(ISSUER),
                &[(
                    "issuer",
                    s(&format!("spiffe://controller.example/issuer/{i}")),
                )],
            )
        })
        .find(|r| {
            let t = get_str(r, &["signature"]);
            t.contains('-') || t.contains('_')
        })
        .unwrap_or_else(ext_good);
    let std_sig = std_alphabet(&get_str(&std, &["signature"]));
    out.add(ext_fail(
        ext(
            21,
            "signature in the standard base64 alphabet ('+', '/')",
            &["base64", "Q14"],
            edit(&std, "signature", Some(s(&std_sig))),
        ),
        "signature_invalid",
    ));
    out.add(ext_fail(
        ext(
            22,
            "evidence_type changed after signing (another accepted type)",
            &["tamper"],
            edit(&good, "evidence_type", Some(s("opaque-receipt"))),
        ),
        "signature_invalid",
    ));
    out.add(ext_fail(
        ext(
            23,
            "receipt names the pinned issuer's key id but is signed by another key",
            &["tamper"],
            ext_signed(&key(STRANGER), &[("issuer_key_id", s(&kid(ISSUER)))]),
        ),
        "signature_invalid",
    ));
    // A file that is read but is not JSON is a verdict, as a malformed
    // claim file is (README CLI contract), not a usage error.
    out.add(ext_fail(
        ext(
            24,
            "the entry file is read but is not JSON: a verdict, not a usage error",
            &["shape"],
            ext_good(),
        )
        .file("entry.json", b"{\"call_id\": ".to_vec()),
        "entry_malformed",
    ));
    // An empty id binds to nothing: "" == "" is no binding.
    let empty_ids = edit(
        &entry_with(ext_signed(&key(ISSUER), &[("linked_call_id", s(""))])),
        "call_id",
        Some(s("")),
    );
    out.add(ext_fail(
        ext(
            25,
            "entry call_id and receipt linked_call_id both empty: a signed receipt bound to no call is malformed",
            &["binding", "Q11", "strict"],
            Value::Null,
        )
        .input("entry", &empty_ids),
        "shape",
    ));
    out.add(ext_fail(
        ext(
            26,
            "good receipt under an entry whose call_id is whitespace only: cannot be bound",
            &["binding", "Q11", "strict"],
            Value::Null,
        )
        .input(
            "entry",
            &edit(&entry_with(ext_good()), "call_id", Some(s(" \t"))),
        ),
        "entry_call_id_missing",
    ));
    let blank_ids = edit(
        &entry_with(ext_signed(&key(ISSUER), &[("linked_call_id", s("  "))])),
        "call_id",
        Some(s("  ")),
    );
    out.add(ext_fail(
        ext(
            27,
            "entry call_id and receipt linked_call_id both whitespace only: malformed",
            &["binding", "Q11", "strict"],
            Value::Null,
        )
        .input("entry", &blank_ids),
        "shape",
    ));
}

// ---------------------------------------------------------------------------
// TRACE action receipts (trace.action_receipt.conformance.v0)

/// The action-receipt controller.
const ACTION_ISSUER: [u8; 32] = [0x91; 32];
const ACTION_KID: &str = "did:web:controller.example#ed25519-1";
/// Issued two minutes before `NOW`.
const ACTION_ISSUED: &str = "2026-11-30T23:58:00Z";
const SPEC_ACT: &str = "README.md (receipt --kind action), trace.action_receipt.conformance.v0";

fn prev_hash() -> String {
    format!("sha256:{}", "c1".repeat(32))
}

fn act_action() -> Value {
    let mut a = obj(vec![
        ("agent_id", s(AGENT)),
        ("action_type", s("robot.move_arm")),
        ("action_scope", s("cell-7")),
        ("action_timestamp", s("2026-11-30T23:57:58Z")),
    ]);
    let r = cmcp_verify::receipt::trace_action::action_ref(&a).unwrap_or_default();
    set(&mut a, &["action_ref"], Some(s(&r)));
    a
}

fn act_evidence() -> Value {
    obj(vec![
        ("terminal_state", s("accepted")),
        ("physical_completion_claim", s("none")),
        ("completeness_claim", s("not_proven")),
    ])
}

/// A receipt for the action, signed over RFC 8785 JCS without `signature`.
fn act_receipt(issued: &str) -> Value {
    let ev_hash = format!(
        "sha256:{}",
        hex_encode(&Sha256::digest(jcs(&act_evidence()).unwrap_or_default()))
    );
    let mut r = obj(vec![
        ("issuer", s("did:web:controller.example")),
        ("issuer_key_id", s(ACTION_KID)),
        ("issuer_independence", s("separate_process")),
        ("linked_call_id", s(CALL)),
        ("session_id", s(SID)),
        ("action_ref", s(&get_str(&act_action(), &["action_ref"]))),
        (
            "evidence_type",
            s("application/vnd.agentrust.action-receipt+json"),
        ),
        ("evidence_hash", s(&ev_hash)),
        ("previous_receipt_hash", s(&prev_hash())),
        ("issued_at", s(issued)),
        ("decision", s("accepted")),
    ]);
    let msg = jcs(&r).unwrap_or_default();
    let sig = b64u_encode(&key(ACTION_ISSUER).sign(&msg).to_bytes());
    set(&mut r, &["signature"], Some(s(&sig)));
    r
}

/// The unsigned document context: what a document may claim about its own
/// checking. The verifier never reads it.
fn act_context(now: &str, max_age: i64, call: &str, prev: &str) -> Value {
    obj(vec![
        ("call_id", s(call)),
        ("session_id", s(SID)),
        ("require_receipt", Value::Bool(true)),
        ("verification_time", s(now)),
        ("max_receipt_age_seconds", crate::jsonx::int(max_age)),
        ("expected_previous_receipt_hash", s(prev)),
    ])
}

fn act_document(receipt: Value, context: Value) -> Value {
    let jwk = obj(vec![
        ("kty", s("OKP")),
        ("crv", s("Ed25519")),
        ("x", s(&b64u_encode(&public(ACTION_ISSUER)))),
    ]);
    obj(vec![
        ("profile", s(cmcp_verify::receipt::trace_action::PROFILE)),
        ("context", context),
        ("action", act_action()),
        ("trusted_issuer_keys", obj(vec![(ACTION_KID, jwk)])),
        ("evidence", act_evidence()),
        ("receipt", receipt),
    ])
}

/// An action vector: the document, the issuer key pinned, and the relying
/// party's call, session and predecessor.
fn act(n: u32, description: &str, tags: &[&str], document: &Value) -> Vb {
    Vb::new(
        &format!("CV-RCPT-{n:04}"),
        description,
        SPEC_ACT,
        &[&["receipt", "action"], tags].concat(),
    )
    .receipt_cmd("action")
    .input("receipt", document)
    .opt("evidence_keys", pin(ACTION_ISSUER))
    .opt("call_id", s(CALL))
    .opt("session_id", s(SID))
    .opt("expected_previous_receipt_hash", s(&prev_hash()))
}

fn act_fail(v: Vb, codes: &str) -> Vb {
    v.st(UN, RI)
        .l("receipt", "failed")
        .d("receipt_error", codes)
        .d("document_context", "ignored")
}

fn action(out: &mut Out) {
    let honest = act_context(NOW, 300, CALL, &prev_hash());
    let good = act_document(act_receipt(ACTION_ISSUED), honest.clone());
    out.add(
        act(
            80,
            "action receipt signed by the pinned issuer, bound to the given call, session and predecessor, fresh at --now",
            &["good"],
            &good,
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_status", "receipt_valid_accepted")
        .d("controller_outcome", "accepted")
        .d("document_context", "ignored"),
    );
    // The document's context says the receipt is fresh at its own time;
    // only --now counts.
    out.add(act_fail(
        act(
            81,
            "--now years before the receipt was issued: from the future, whatever the document context says",
            &["freshness", "context-ignored"],
            &good,
        )
        .opt("now", s("2020-01-01T00:00:00Z")),
        "receipt_from_future",
    ));
    out.add(act_fail(
        act(
            82,
            "--now years after the receipt was issued: stale, whatever the document context says",
            &["freshness", "context-ignored"],
            &good,
        )
        .opt("now", s("2030-01-01T00:00:00Z")),
        "receipt_stale",
    ));
    // A day-old receipt whose document claims it is checked a minute after
    // issue with a year-long window.
    let day_old = "2026-11-30T00:00:00Z";
    let flattering = act_context("2026-11-30T00:01:00Z", 31_536_000, CALL, &prev_hash());
    out.add(act_fail(
        act(
            83,
            "day-old receipt, document context edited to a verification time a minute after issue and a year-long window: still stale",
            &["freshness", "context-ignored"],
            &act_document(act_receipt(day_old), flattering),
        ),
        "receipt_stale",
    ));
    out.add(act_fail(
        act(
            84,
            "--max-receipt-age 60 for a receipt two minutes old: stale",
            &["freshness"],
            &good,
        )
        .opt("max_receipt_age", crate::jsonx::int(60)),
        "receipt_stale",
    ));
    // The document names the receipt's own predecessor; the relying party
    // expects another.
    out.add(act_fail(
        act(
            85,
            "--expected-previous-receipt-hash names another predecessor than the receipt (the document context names the receipt's own): chain gap",
            &["chain", "context-ignored"],
            &good,
        )
        .opt(
            "expected_previous_receipt_hash",
            s(&format!("sha256:{}", "d2".repeat(32))),
        ),
        "receipt_chain_gap",
    ));
    out.add(act_fail(
        act(
            86,
            "--call-id names another call (the document context names the receipt's own): call id mismatch",
            &["binding", "context-ignored"],
            &good,
        )
        .opt("call_id", s("call-0002")),
        "call_id_mismatch",
    ));
    // A context that contradicts everything the relying party gave: the
    // verdict is the relying party's.
    let hostile = act_context(
        "2020-01-01T00:00:00Z",
        0,
        "call-0002",
        &format!("sha256:{}", "d2".repeat(32)),
    );
    out.add(
        act(
            87,
            "document context contradicts the relying party (time, window, call, predecessor): ignored, verified",
            &["good", "context-ignored"],
            &act_document(act_receipt(ACTION_ISSUED), hostile),
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("document_context", "ignored"),
    );
    out.add(
        act(
            88,
            "good action receipt, no --call-id or --session-id: the binding is not established",
            &["binding"],
            &good,
        )
        .opt("call_id", Value::Null)
        .opt("session_id", Value::Null)
        .st(PS, None)
        .l("receipt", "not_established")
        .d("not_checked", "call_id,session_id"),
    );
    // Found by the tamper sweep: one flipped byte renamed `context`, an
    // unknown member was ignored and the document stayed verified.
    let mut renamed = good.clone();
    set(&mut renamed, &["context"], None);
    set(&mut renamed, &["bontext"], Some(honest));
    out.add(
        act(
            89,
            "document with an unknown top-level member (context renamed by one byte): refused",
            &["shape"],
            &renamed,
        )
        .st(UN, RI)
        .l("receipt", "failed"),
    );
}

// ---------------------------------------------------------------------------
// Embodied action evidence (§7.2)

const ISSUED: &str = "2026-11-30T23:59:00Z";

fn base_payload() -> Value {
    let mut p = obj(vec![
        ("profile", s("cmcp.embodied_action_evidence.v0")),
        ("call_id", s(CALL)),
        ("agent_id", s(AGENT)),
        ("action_type", s("move_arm")),
        ("action_scope", s("cell-7")),
        ("action_timestamp", s("2026-11-30T23:58:30Z")),
        ("governance_decision", s("allow")),
        (
            "policy_bundle_hash",
            s(&format!("sha256:{}", "ab".repeat(32))),
        ),
        (
            "tool_catalog_hash",
            s(&format!("sha256:{}", "cd".repeat(32))),
        ),
        ("controller_target", s("ros2://cell-7/arm")),
        ("handoff_timestamp", s("2026-11-30T23:58:31Z")),
    ]);
    let ar = action_ref(&p).unwrap_or_default();
    set(&mut p, &["action_ref"], Some(s(&ar)));
    p
}

/// A controller receipt (unsigned) for the base payload.
fn controller_receipt(verdict: &str, issued: &str) -> Value {
    obj(vec![
        ("receipt_type", s("controller-execution-receipt/v1")),
        ("verdict", s(verdict)),
        ("call_id", s(CALL)),
        ("action_ref", s(&get_str(&base_payload(), &["action_ref"]))),
        ("issued_at", s(issued)),
        ("physical_completion_claim", s("none")),
    ])
}

/// Signs a controller receipt: CJCS without `signature`, `key_id` set first.
fn controller_sign(r: &Value, k: &SigningKey) -> Value {
    let mut r = r.clone();
    set(
        &mut r,
        &["key_id"],
        Some(s(&kid_of(&k.verifying_key().to_bytes()))),
    );
    set(&mut r, &["signature"], None);
    let msg = cjcs(&r).unwrap_or_default();
    set(
        &mut r,
        &["signature"],
        Some(s(&b64u_encode(&k.sign(&msg).to_bytes()))),
    );
    r
}

fn signed_receipt(verdict: &str, issued: &str) -> Value {
    controller_sign(&controller_receipt(verdict, issued), &key(CONTROLLER))
}

/// The entry whose receipt commits the payload (edits applied to the receipt).
fn emb_entry(payload: &Value) -> Value {
    let mut ev = ext_good();
    if let Value::Object(o) = &mut ev {
        o.insert(
            "evidence_hash",
            s(&hash_payload(payload, false).unwrap_or_default()),
        );
        pyjson_sign(o, &key(ISSUER));
    }
    entry_with(ev)
}

fn with_receipt(p: &Value, r: Option<Value>) -> Value {
    edit(p, "receipt", r)
}

/// An embodied vector: payload (receipt included), its committing entry,
/// the controller key pinned.
fn emb(n: u32, description: &str, tags: &[&str], payload: &Value) -> Vb {
    Vb::new(
        &format!("CV-RCPT-{n:04}"),
        description,
        SPEC_EMB,
        &[&["receipt", "embodied"], tags].concat(),
    )
    .receipt_cmd("embodied")
    .input("entry", &emb_entry(payload))
    .input("payload", payload)
    .opt("controller_keys", pin(CONTROLLER))
    .opt("evidence_keys", pin(ISSUER))
}

fn emb_fail(v: Vb, state: &str, codes: &str) -> Vb {
    v.st(UN, RI)
        .l("receipt", "failed")
        .d("receipt_state", state)
        .d("receipt_error", codes)
}

/// The claim of the embodied session (agent identity names `agent`).
fn emb_claim(agent: &str) -> Value {
    let (mut c, _) = Session::new(GATEWAY, SID)
        .call(Call::new("robot.move_arm", "allow"))
        .build();
    // A schema-valid identity: the cross-checks compare with an
    // authenticated claim only.
    let mut identity = identity("svid");
    set(&mut identity, &["agent_id"], Some(s(agent)));
    set(&mut identity, &["authenticated_subject"], Some(s(agent)));
    set(&mut c, &["gateway", "agent_identity"], Some(identity));
    sign_claim(&mut c, &key(GATEWAY));
    c
}

fn embodied(out: &mut Out) {
    let p = base_payload();
    let accepted = with_receipt(&p, Some(signed_receipt("accepted", ISSUED)));
    out.add(
        emb(
            30,
            "no controller receipt: state absent, not established",
            &["state"],
            &p,
        )
        .st(PS, None)
        .l("receipt", "not_established")
        .d("receipt_state", "absent"),
    );
    out.add(
        emb(
            31,
            "unsigned controller receipt: state untrusted, verdict not established",
            &["state", "Q12"],
            &with_receipt(&p, Some(controller_receipt("accepted", ISSUED))),
        )
        .st(PS, None)
        .l("receipt", "not_established")
        .d("receipt_state", "untrusted")
        .d(
            "warnings",
            "controller receipt is unsigned; its verdict is not established",
        ),
    );
    out.add(
        emb(
            32,
            "controller receipt signed by a key that is not pinned: untrusted",
            &["state", "Q12"],
            &with_receipt(
                &p,
                Some(controller_sign(
                    &controller_receipt("accepted", ISSUED),
                    &key(STRANGER),
                )),
            ),
        )
        .st(PS, None)
        .l("receipt", "not_established")
        .d("receipt_state", "untrusted"),
    );
    out.add(
        emb(
            33,
            "authentic fresh bound receipt, verdict accepted",
            &["state", "good"],
            &accepted,
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "accepted"),
    );
    out.add(
        emb(
            34,
            "authentic fresh bound receipt, verdict rejected (the controller refused)",
            &["state", "good"],
            &with_receipt(&p, Some(signed_receipt("rejected", ISSUED))),
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "rejected"),
    );
    out.add(emb_fail(
        emb(
            35,
            "authentic receipt issued an hour before now: stale",
            &["state", "freshness"],
            &with_receipt(&p, Some(signed_receipt("accepted", "2026-11-30T23:00:00Z"))),
        ),
        "stale",
        "receipt_stale",
    ));
    out.add(emb_fail(
        emb(
            36,
            "60 s old receipt under --max-receipt-age 30: stale",
            &["state", "freshness"],
            &accepted,
        )
        .opt("max_receipt_age", crate::jsonx::int(30)),
        "stale",
        "receipt_stale",
    ));
    let forged = edit(
        &signed_receipt("rejected", ISSUED),
        "verdict",
        Some(s("accepted")),
    );
    out.add(emb_fail(
        emb(
            37,
            "verdict changed from rejected to accepted after signing: invalid",
            &["state", "tamper"],
            &with_receipt(&p, Some(forged)),
        ),
        "invalid",
        "receipt_signature_invalid",
    ));
    out.add(emb_fail(
        emb(
            38,
            "receipt dated an hour after now: invalid (future)",
            &["state", "freshness"],
            &with_receipt(&p, Some(signed_receipt("accepted", "2026-12-01T01:00:00Z"))),
        ),
        "invalid",
        "receipt_from_future",
    ));
    let mut bad_ref = accepted.clone();
    set(&mut bad_ref, &["action_scope"], Some(s("cell-8")));
    out.add(emb_fail(
        emb(
            39,
            "action_scope edited: action_ref no longer matches its pre-image",
            &["binding"],
            &bad_ref,
        ),
        "accepted",
        "action_ref_mismatch",
    ));
    out.add(emb_fail(
        emb(
            40,
            "the entry's evidence_hash commits another payload",
            &["binding"],
            &accepted,
        )
        .input("entry", &emb_entry(&p)),
        "accepted",
        "evidence_hash_mismatch",
    ));
    out.add(emb_fail(
        emb(
            41,
            "payload and receipt name another call than the audit entry",
            &["binding"],
            &edit(&accepted, "call_id", Some(s("call-0009"))),
        ),
        "invalid",
        "payload_call_id_mismatch,receipt_call_id_mismatch",
    ));
    out.add(emb_fail(
        emb(
            42,
            "controller receipt names another call than the payload",
            &["binding"],
            &with_receipt(
                &p,
                Some(controller_sign(
                    &edit(
                        &controller_receipt("accepted", ISSUED),
                        "call_id",
                        Some(s("call-0009")),
                    ),
                    &key(CONTROLLER),
                )),
            ),
        ),
        "invalid",
        "receipt_call_id_mismatch",
    ));
    out.add(
        emb(
            43,
            "claim cross-checks: policy, catalog and agent match",
            &["claim", "good"],
            &accepted,
        )
        .claim(&emb_claim(AGENT))
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "accepted"),
    );
    out.add(emb_fail(
        emb(
            44,
            "payload policy_bundle_hash differs from the claim's",
            &["claim"],
            &edit(
                &accepted,
                "policy_bundle_hash",
                Some(s(&format!("sha256:{}", "ee".repeat(32)))),
            ),
        )
        .claim(&emb_claim(AGENT)),
        "accepted",
        "policy_bundle_hash_mismatch",
    ));
    out.add(emb_fail(
        emb(
            45,
            "payload tool_catalog_hash differs from the claim's",
            &["claim"],
            &edit(
                &accepted,
                "tool_catalog_hash",
                Some(s(&format!("sha256:{}", "ee".repeat(32)))),
            ),
        )
        .claim(&emb_claim(AGENT)),
        "accepted",
        "tool_catalog_hash_mismatch",
    ));
    out.add(emb_fail(
        emb(
            46,
            "the claim's agent identity names another agent",
            &["claim"],
            &accepted,
        )
        .claim(&emb_claim("spiffe://trust.example/agent/other")),
        "accepted",
        "agent_id_mismatch",
    ));
    // The tamper sweep found these: the claim was compared with but never
    // authenticated, so an edited claim still backed a verified receipt.
    let mut edited = emb_claim(AGENT);
    set(
        &mut edited,
        &["gateway", "session_id"],
        Some(s("5d1f7a3c-2b4e-4c6d-9e8f-000000000000")),
    );
    out.add(emb_fail(
        emb(
            77,
            "the claim for the cross-checks was edited after signing: refused",
            &["claim", "tamper"],
            &accepted,
        )
        .claim(&edited),
        "accepted",
        "claim_not_authentic",
    ));
    let mut no_decision = emb_entry(&accepted);
    set(&mut no_decision, &["policy_decision"], None);
    out.add(emb_fail(
        emb(
            79,
            "the audit entry has no policy_decision (the governance check would be skipped): refused",
            &["tamper"],
            &accepted,
        )
        .input("entry", &no_decision),
        "accepted",
        "policy_decision_missing",
    ));
    let mut renamed = emb_claim(AGENT);
    let hash = crate::jsonx::get(&renamed, &["trace", "policy", "bundle_hash"])
        .cloned()
        .unwrap_or(Value::Null);
    set(&mut renamed, &["trace", "policy", "bundle_hash"], None);
    set(
        &mut renamed,
        &["trace", "policy", "bundle_hasi"],
        Some(hash),
    );
    out.add(emb_fail(
        emb(
            78,
            "the claim for the cross-checks has no policy bundle_hash (member renamed): refused",
            &["claim", "tamper"],
            &accepted,
        )
        .claim(&renamed),
        "accepted",
        "claim_malformed",
    ));
    out.add(emb_fail(
        emb(47, "--require-receipt with no receipt", &["policy"], &p)
            .opt("require_receipt", Value::Bool(true)),
        "absent",
        "receipt_required",
    ));
    out.add(emb_fail(
        emb(
            48,
            "--require-receipt with an unsigned receipt",
            &["policy", "Q12"],
            &with_receipt(&p, Some(controller_receipt("accepted", ISSUED))),
        )
        .opt("require_receipt", Value::Bool(true)),
        "untrusted",
        "receipt_required",
    ));
    out.add(
        emb(
            49,
            "--require-receipt with an authenticated accepted receipt",
            &["policy", "good"],
            &accepted,
        )
        .opt("require_receipt", Value::Bool(true))
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "accepted"),
    );
    let self_report = with_receipt(
        &p,
        Some(controller_sign(
            &edit(
                &controller_receipt("accepted", ISSUED),
                "issuer_independence",
                Some(s("gateway_self_report")),
            ),
            &key(CONTROLLER),
        )),
    );
    out.add(
        emb(
            50,
            "same-party gateway self-report: accepted with a warning",
            &["policy", "self-report"],
            &self_report,
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "accepted")
        .d(
            "warnings",
            "receipt is same-party gateway self-report evidence",
        ),
    );
    out.add(emb_fail(
        emb(
            51,
            "same-party gateway self-report refused by --refuse-self-report",
            &["policy", "self-report"],
            &self_report,
        )
        .opt("refuse_self_report", Value::Bool(true)),
        "invalid",
        "self_report_refused",
    ));
    out.add(emb_fail(
        emb(
            52,
            "receipt claims physical completion",
            &["binding"],
            &with_receipt(
                &p,
                Some(controller_sign(
                    &edit(
                        &controller_receipt("accepted", ISSUED),
                        "physical_completion_claim",
                        Some(s("completed")),
                    ),
                    &key(CONTROLLER),
                )),
            ),
        ),
        "invalid",
        "unsupported_physical_completion_claim",
    ));
    out.add(emb_fail(
        emb(
            53,
            "receipt verdict is neither accepted nor rejected",
            &["binding"],
            &with_receipt(&p, Some(signed_receipt("maybe", ISSUED))),
        ),
        "invalid",
        "receipt_verdict_invalid",
    ));
    out.add(emb_fail(
        emb(
            54,
            "payload governance_decision differs from the entry's policy_decision",
            &["binding"],
            &edit(&accepted, "governance_decision", Some(s("deny"))),
        ),
        "accepted",
        "governance_decision_mismatch",
    ));
    let so = kid_of(&SMALL_ORDER);
    let mut so_receipt = controller_receipt("accepted", ISSUED);
    set(&mut so_receipt, &["key_id"], Some(s(&so)));
    set(
        &mut so_receipt,
        &["signature"],
        Some(s(&b64u_encode(&[0u8; 64]))),
    );
    out.add(emb_fail(
        emb(
            55,
            "controller key pinned under its hash is a small-order point",
            &["strict-ed25519", "Q2"],
            &with_receipt(&p, Some(so_receipt)),
        )
        .opt("controller_keys", pins(&[(so, SMALL_ORDER)])),
        "invalid",
        "receipt_signature_malformed",
    ));
    out.add(emb_fail(
        emb(
            56,
            "receipt_type differs from the entry's evidence_type",
            &["binding"],
            &with_receipt(
                &p,
                Some(controller_sign(
                    &edit(
                        &controller_receipt("accepted", ISSUED),
                        "receipt_type",
                        Some(s("opaque-receipt")),
                    ),
                    &key(CONTROLLER),
                )),
            ),
        ),
        "invalid",
        "receipt_type_mismatch",
    ));
    let ros2 = obj(vec![
        ("distribution", s("jazzy")),
        ("action_name", s("/arm/move")),
        ("action_type", s("arm_msgs/action/Move")),
        ("goal_uuid", s("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f")),
        (
            "goal_preimage_hash",
            s(&format!("sha256:{}", "12".repeat(32))),
        ),
        ("goal_preimage_method", s("cdr-sha256")),
    ]);
    let ros_receipt = |goal: &str| {
        controller_sign(
            &edit(
                &controller_receipt("accepted", ISSUED),
                "goal_uuid",
                Some(s(goal)),
            ),
            &key(CONTROLLER),
        )
    };
    let ros_payload = edit(&p, "ros2", Some(ros2.clone()));
    out.add(
        emb(
            58,
            "ROS 2 goal: receipt names the payload's goal_uuid",
            &["ros2", "good"],
            &with_receipt(
                &ros_payload,
                Some(ros_receipt("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f")),
            ),
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("receipt_state", "accepted"),
    );
    out.add(emb_fail(
        emb(
            59,
            "ROS 2 goal: receipt names another goal_uuid",
            &["ros2", "binding"],
            &with_receipt(
                &ros_payload,
                Some(ros_receipt("00000000-0000-4000-8000-000000000000")),
            ),
        ),
        "invalid",
        "receipt_goal_uuid_mismatch",
    ));
    let mut ros_short = ros2;
    set(&mut ros_short, &["goal_preimage_method"], None);
    out.add(emb_fail(
        emb(
            73,
            "ros2 object lacks goal_preimage_method",
            &["ros2", "shape"],
            &edit(&accepted, "ros2", Some(ros_short)),
        ),
        "accepted",
        "ros2_missing_fields",
    ));
    let mut short = accepted.clone();
    set(&mut short, &["controller_target"], None);
    out.add(emb_fail(
        emb(74, "payload lacks controller_target", &["shape"], &short),
        "accepted",
        "payload_missing_fields",
    ));
    // §7.2: the profile check "does not verify the receipt signature (run
    // §5.4 first)"; the façade's embodied path never runs §5.4.
    let mut forged_entry = emb_entry(&accepted);
    set(
        &mut forged_entry,
        &["external_execution_evidence", "issuer"],
        Some(s("spiffe://attacker.example/issuer")),
    );
    out.add(
        emb(
            57,
            "the entry's execution receipt issuer was changed after signing; the controller receipt is good",
            &["binding", "Q11", "bug-class"],
            &accepted,
        )
        .input("entry", &forged_entry)
        .opt("evidence_keys", pin(ISSUER))
        .st(UN, RI)
        .l("receipt", "failed"),
    );
}

// ---------------------------------------------------------------------------
// Kill-switch refusal receipts (§7.3)

fn ks_claim(agent: Option<&str>, triggered: bool) -> Value {
    let (mut c, _) = Session::new(GATEWAY, SID)
        .call(Call::new("robot.move_arm", "allow"))
        .build();
    set(
        &mut c,
        &["gateway", "kill_switch_triggered"],
        Some(Value::Bool(triggered)),
    );
    if let Some(a) = agent {
        // A schema-valid identity: the claim must pass the claim schema for
        // the refusal bound to it to count.
        set(
            &mut c,
            &["gateway", "agent_identity"],
            Some(obj(vec![
                ("manifest_id", s("018f4a3b-2c1d-7e5f-a8b9-0d1e2f3a4b5c")),
                ("agent_id", s(a)),
                ("authenticated_subject", s(a)),
                ("subject_source", s("svid")),
                ("issuer", s("spiffe://trust.example/signing-authority")),
                ("issuer_key_id", s(&"ab".repeat(32))),
                (
                    "policy_bundle_hash",
                    s(&format!("sha256:{}", "ab".repeat(32))),
                ),
                (
                    "tool_catalog_hash",
                    s(&format!("sha256:{}", "cd".repeat(32))),
                ),
            ])),
        );
    }
    sign_claim(&mut c, &key(GATEWAY));
    c
}

fn claim_digest(c: &Value) -> String {
    c.as_object()
        .map(cmcp_verify::receipt::kill_switch::claim_digest)
        .unwrap_or_default()
}

fn ks_receipt(c: &Value, signer: &SigningKey, edits: &[(&str, Value)]) -> Value {
    let mut o = Object::new();
    o.insert("type", s("cmcp.kill-switch.refusal/v1"));
    o.insert("agent_id", s(AGENT));
    o.insert("session_id", s(SID));
    o.insert("refused_at", s("2026-11-30T12:00:00+00:00"));
    o.insert(
        "gateway_key",
        s(&b64u_encode(&signer.verifying_key().to_bytes())),
    );
    o.insert("claim_digest", s(&claim_digest(c)));
    for (m, v) in edits {
        if v.is_null() {
            o.remove(m);
        } else {
            o.insert(*m, v.clone());
        }
    }
    pyjson_sign(&mut o, signer);
    Value::Object(o)
}

fn ks(n: u32, description: &str, tags: &[&str], receipt: &Value, claim: &Value) -> Vb {
    Vb::new(
        &format!("CV-RCPT-{n:04}"),
        description,
        SPEC_KS,
        &[&["receipt", "kill-switch"], tags].concat(),
    )
    .receipt_cmd("kill-switch")
    .input("receipt", receipt)
    .claim(claim)
    .opt(
        "trusted_key",
        s(&cmcp_verify::json::encoding::hex_encode(&public(GATEWAY))),
    )
}

fn ks_fail(v: Vb, codes: &str) -> Vb {
    v.st(UN, RI)
        .l("receipt", "failed")
        .d("receipt_error", codes)
}

fn kill_switch(out: &mut Out) {
    let c = ks_claim(Some(AGENT), true);
    let gw = key(GATEWAY);
    let good = ks_receipt(&c, &gw, &[]);
    out.add(
        ks(
            60,
            "refusal receipt signed by the claim's key, bound to its claim, session and agent",
            &["good"],
            &good,
            &c,
        )
        .st(OK, None)
        .l("receipt", "verified")
        .d("session_id", SID)
        .d("agent_id", AGENT),
    );
    out.add(
        ks(
            75,
            "good refusal receipt, but no gateway key pinned: the claim's key vouches for itself, not established",
            &["pins"],
            &good,
            &c,
        )
        .opt("trusted_key", Value::Null)
        .st("partially_verified", None)
        .l("receipt", "not_established"),
    );
    out.add(
        ks(
            76,
            "good refusal receipt, but the pinned gateway key is another key",
            &["pins"],
            &good,
            &c,
        )
        .opt("trusted_key", s(&hex_encode(&public([0x55; 32]))))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("receipt", "failed"),
    );
    out.add(ks_fail(
        ks(
            61,
            "receipt type is not cmcp.kill-switch.refusal/v1",
            &["shape"],
            &ks_receipt(&c, &gw, &[("type", s("cmcp.kill-switch.refusal/v2"))]),
            &c,
        ),
        "receipt_type",
    ));
    let other_sig = {
        let mut bad = c.clone();
        sign_claim(&mut bad, &key(STRANGER));
        get_str(&bad, &["signature"])
    };
    out.add(ks_fail(
        ks(
            62,
            "the claim's own signature does not verify (signed by another key)",
            &["authenticity"],
            &good,
            &edit(&c, "signature", Some(s(&other_sig))),
        ),
        "claim_signature_invalid",
    ));
    out.add(ks_fail(
        ks(
            63,
            "receipt signed by another gateway key",
            &["authenticity"],
            &ks_receipt(&c, &key(STRANGER), &[]),
            &c,
        ),
        "gateway_key_mismatch",
    ));
    out.add(ks_fail(
        ks(
            64,
            "refused_at changed after signing",
            &["tamper"],
            &edit(&good, "refused_at", Some(s("2026-11-30T13:00:00+00:00"))),
            &c,
        ),
        "receipt_signature_invalid",
    ));
    out.add(ks_fail(
        ks(
            65,
            "receipt carries no signature",
            &["authenticity"],
            &edit(&good, "signature", None),
            &c,
        ),
        "receipt_unsigned",
    ));
    out.add(ks_fail(
        ks(
            66,
            "receipt names another session",
            &["binding"],
            &ks_receipt(&c, &gw, &[("session_id", s("other-session"))]),
            &c,
        ),
        "session_id_mismatch",
    ));
    let untriggered = ks_claim(Some(AGENT), false);
    out.add(ks_fail(
        ks(
            67,
            "the claim says kill_switch_triggered false",
            &["binding"],
            &ks_receipt(&untriggered, &gw, &[]),
            &untriggered,
        ),
        "kill_switch_not_triggered",
    ));
    out.add(ks_fail(
        ks(
            68,
            "receipt has no claim_digest",
            &["binding", "Q13"],
            &ks_receipt(&c, &gw, &[("claim_digest", Value::Null)]),
            &c,
        ),
        "claim_digest_missing",
    ));
    // The digest of the claim *with* its signature (the prev_claim_hash rule):
    // wrong for the refusal receipt (Q13).
    let with_sig = format!(
        "sha256:{}",
        hex_encode(&Sha256::digest(cmcp_verify::json::canonical::pyjson_vec(
            &c
        )))
    );
    out.add(ks_fail(
        ks(
            69,
            "claim_digest hashes the claim including its signature (Q13)",
            &["binding", "Q13", "quirk"],
            &ks_receipt(&c, &gw, &[("claim_digest", s(&with_sig))]),
            &c,
        ),
        "claim_digest_mismatch",
    ));
    out.add(ks_fail(
        ks(
            70,
            "receipt names another agent than the claim's identity",
            &["binding"],
            &ks_receipt(
                &c,
                &gw,
                &[("agent_id", s("spiffe://trust.example/agent/other"))],
            ),
            &c,
        ),
        "agent_id_mismatch",
    ));
    let anon = ks_claim(None, true);
    out.add(ks_fail(
        ks(
            71,
            "receipt names an agent but the claim carries no agent identity",
            &["binding", "strict"],
            &ks_receipt(&anon, &gw, &[]),
            &anon,
        ),
        "claim_identity_missing",
    ));
    out.add(
        ks(
            72,
            "receipt with agent_id null for a claim without agent identity",
            &["good"],
            &ks_receipt(&anon, &gw, &[("agent_id", Value::Null)]),
            &anon,
        )
        .st(OK, None)
        .l("receipt", "verified"),
    );
}

// ---------------------------------------------------------------------------
// Agent Manifest binding (§7.4)

fn manifest_doc(expires: &str) -> Value {
    manifest_doc_for(expires, AGENT)
}

fn manifest_doc_for(expires: &str, agent: &str) -> Value {
    parse(&format!(
        r#"{{"agent_id":"{agent}","artifacts":{{
          "model_identity":{{"deployment_type":"api","version":"model-3"}},
          "policy_bundle":{{"hash":"sha256:{p}"}},
          "system_prompt":{{"hash":"sha256:{sp}"}},
          "tool_manifest":{{"catalog_hash":"sha256:{c}"}}}},
          "crypto_profile":"standard","expires_at":"{expires}",
          "issued_at":"2025-01-01T00:00:00Z","issuer":"spiffe://trust.example/signing-authority",
          "manifest_id":"{MANIFEST_ID}","version":"0.2"}}"#,
        p = "ab".repeat(32),
        c = "cd".repeat(32),
        sp = "a".repeat(64),
    ))
}

fn identity(source: &str) -> Value {
    identity_for(source, AGENT)
}

fn identity_for(source: &str, agent: &str) -> Value {
    parse(&format!(
        r#"{{"manifest_id":"{MANIFEST_ID}","agent_id":"{agent}",
          "authenticated_subject":"{agent}","subject_source":"{source}",
          "issuer":"spiffe://trust.example/signing-authority","issuer_key_id":"{k}",
          "policy_bundle_hash":"sha256:{p}","tool_catalog_hash":"sha256:{c}"}}"#,
        k = kid(MANIFEST_ISSUER),
        p = "ab".repeat(32),
        c = "cd".repeat(32),
    ))
}

fn man_claim(identity: Option<Value>) -> Value {
    let (mut c, _) = Session::new(GATEWAY, SID)
        .call(Call::new("robot.move_arm", "allow"))
        .build();
    if let Some(id) = identity {
        set(&mut c, &["gateway", "agent_identity"], Some(id));
    }
    sign_claim(&mut c, &key(GATEWAY));
    c
}

fn id_edit(m: &str, v: &str) -> Value {
    edit(&identity("svid"), m, Some(s(v)))
}

/// The v0.1 JSON form: version 0.1 with a detached Ed25519 signature block.
fn json_manifest(k: &SigningKey) -> Value {
    json_manifest_for(k, AGENT)
}

fn json_manifest_for(k: &SigningKey, agent: &str) -> Value {
    let mut m = edit(
        &manifest_doc_for("2099-12-31T23:59:59Z", agent),
        "version",
        Some(s("0.1")),
    );
    let msg = m
        .as_object()
        .and_then(|o| cmcp_verify::receipt::manifest::v01_preimage(o).ok())
        .unwrap_or_default();
    set(
        &mut m,
        &["signature"],
        Some(obj(vec![
            ("algorithm", s("Ed25519")),
            ("key_id", s(&kid_of(&k.verifying_key().to_bytes()))),
            ("signature_value", s(&b64u_encode(&k.sign(&msg).to_bytes()))),
        ])),
    );
    m
}

fn man(n: u32, description: &str, tags: &[&str], claim: &Value, manifest: &[u8]) -> Vb {
    let name = if manifest.first() == Some(&b'{') {
        "manifest.json"
    } else {
        "manifest.cose"
    };
    Vb::new(
        &format!("CV-MANIFEST-{n:04}"),
        description,
        SPEC_MAN,
        &[&["manifest"], tags].concat(),
    )
    .claim(claim)
    .file(name, manifest.to_vec())
    .opt("agent_manifest", s(name))
    .opt("manifest_keys", pin(MANIFEST_ISSUER))
}

fn man_fail(v: Vb, why: &str) -> Vb {
    v.st(UN, AM)
        .l("agent_manifest.binding", "failed")
        .d("agent_manifest", why)
}

fn manifests(out: &mut Out) {
    let mk = key(MANIFEST_ISSUER);
    let cose = cose_manifest(&manifest_doc("2099-12-31T23:59:59Z"), &mk);
    let good = man_claim(Some(identity("svid")));
    out.add(
        man(
            1,
            "COSE_Sign1 manifest under the pinned issuer binds the claim's agent identity",
            &["cose", "good"],
            &good,
            &cose,
        )
        .st(PS, None)
        .l("agent_manifest.binding", "verified"),
    );
    for (n, member, value) in [
        (2, "manifest_id", "018f4a3b-2c1d-7e5f-a8b9-ffffffffffff"),
        (3, "issuer", "spiffe://trust.example/other-authority"),
        (
            4,
            "issuer_key_id",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ] {
        out.add(man_fail(
            man(
                n,
                &format!("gateway.agent_identity.{member} differs from the manifest"),
                &["cose", "identity"],
                &man_claim(Some(id_edit(member, value))),
                &cose,
            ),
            &format!("gateway.agent_identity mismatch: {member}"),
        ));
    }
    out.add(man_fail(
        man(
            5,
            "manifest issuer key not pinned (another manifest key pinned)",
            &["cose", "trust"],
            &good,
            &cose,
        )
        .opt("manifest_keys", pin(STRANGER)),
        "Agent Manifest signature verification failed",
    ));
    out.add(man_fail(
        man(
            6,
            "manifest expired before now",
            &["cose", "expiry"],
            &good,
            &cose_manifest(&manifest_doc("2026-06-01T00:00:00Z"), &mk),
        ),
        "Agent Manifest has expired",
    ));
    out.add(man_fail(
        man(
            7,
            "the claim has no gateway.agent_identity to bind",
            &["cose", "identity"],
            &man_claim(None),
            &cose,
        ),
        "claim has no gateway.agent_identity binding",
    ));
    out.add(man_fail(
        man(
            8,
            "no manifest issuer key pinned at all",
            &["cose", "trust"],
            &good,
            &cose,
        )
        .opt("manifest_keys", Value::Null),
        "no trusted Agent Manifest issuer keys provided (--manifest-key)",
    ));
    let dev = man_claim(Some(identity("manifest-dev")));
    out.add(man_fail(
        man(
            9,
            "subject_source manifest-dev refused outside a dev policy",
            &["cose", "Q18"],
            &dev,
            &cose,
        ),
        "Agent Manifest subject_source manifest-dev requires dev mode",
    ));
    out.add(
        man(
            10,
            "subject_source manifest-dev accepted with --allow-dev-subject",
            &["cose", "Q18"],
            &dev,
            &cose,
        )
        .opt("allow_dev_subject", Value::Bool(true))
        .st(PS, None)
        .l("agent_manifest.binding", "verified"),
    );
    let mut flipped = cose.clone();
    if let Some(b) = flipped.last_mut() {
        *b ^= 1;
    }
    out.add(man_fail(
        man(
            11,
            "COSE signature with one bit flipped",
            &["cose", "tamper"],
            &good,
            &flipped,
        ),
        "Agent Manifest signature verification failed",
    ));
    let json = crate::jsonx::pretty(&json_manifest(&mk)).into_bytes();
    out.add(
        man(
            12,
            "v0.1 JSON manifest with a detached Ed25519 signature binds the identity",
            &["json", "good"],
            &good,
            &json,
        )
        .st(PS, None)
        .l("agent_manifest.binding", "verified"),
    );
    let bad_json = crate::jsonx::pretty(&edit(
        &json_manifest(&mk),
        "issued_at",
        Some(s("2025-02-01T00:00:00Z")),
    ))
    .into_bytes();
    out.add(man_fail(
        man(
            13,
            "v0.1 JSON manifest edited after signing",
            &["json", "tamper"],
            &good,
            &bad_json,
        ),
        "Agent Manifest signature verification failed",
    ));
    // The v0.1 signature covers NFC-normalized text: a manifest is used only
    // when its strings are already NFC, so they are exactly what was signed.
    let nfc_agent = "spiffe://trust.example/agent/robot/pr\u{f3}d";
    let nfd_agent = "spiffe://trust.example/agent/robot/pro\u{301}d";
    let nfc_json = json_manifest_for(&mk, nfc_agent);
    out.add(
        man(
            14,
            "v0.1 JSON manifest with non-ASCII text already in NFC binds the identity",
            &["json", "nfc", "good"],
            &man_claim(Some(identity_for("svid", nfc_agent))),
            &crate::jsonx::pretty(&nfc_json).into_bytes(),
        )
        .st(PS, None)
        .l("agent_manifest.binding", "verified"),
    );
    out.add(
        man_fail(
            man(
                15,
                "v0.1 JSON manifest signed with agent_id in NFC, re-spelled in NFD (same \
                 signature pre-image), bound to a claim whose subject is the NFD text",
                &["json", "nfc", "tamper"],
                &man_claim(Some(identity_for("svid", nfd_agent))),
                &crate::jsonx::pretty(&edit(&nfc_json, "agent_id", Some(s(nfd_agent))))
                    .into_bytes(),
            ),
            "Agent Manifest SDK verification failed: manifest contains a string that is not \
             in Unicode NFC; its signature covers only the normalized text",
        )
        .div(
            "§2.5 AMJCS",
            "partially_verified / null (the signature is checked over the NFC form, the \
             subject compared raw)",
            "a v0.1 manifest must be NFC throughout, so the strings bound are the signed ones",
        ),
    );
    // crit belongs in the protected header (RFC 9052 §3.1).
    out.add(
        man_fail(
            man(
                16,
                "COSE_Sign1 manifest with crit (label 2) in the unprotected header",
                &["cose", "crit"],
                &good,
                &cmcp_testkit::cose_manifest_with_unprotected(
                    &manifest_doc("2099-12-31T23:59:59Z"),
                    &mk,
                    &[0xa1, 0x02, 0x81, 0x01],
                ),
            ),
            "Agent Manifest SDK verification failed: crit (label 2) present in the \
             unprotected header; it must be protected",
        )
        .div(
            "RFC 9052 §3.1",
            "crash on COSE bytes (Q4); its SDK reads crit from the protected header only",
            "crit outside the protected header is malformed",
        ),
    );
    // Two NaN keys are one key twice: every NaN is the same map key.
    out.add(
        man_fail(
            man(
                17,
                "COSE_Sign1 manifest whose unprotected header has two NaN keys",
                &["cose", "cbor", "duplicate"],
                &good,
                &cmcp_testkit::cose_manifest_with_unprotected(
                    &manifest_doc("2099-12-31T23:59:59Z"),
                    &mk,
                    &[0xa2, 0xf9, 0x7e, 0x00, 0x00, 0xf9, 0x7e, 0x00, 0x01],
                ),
            ),
            "Agent Manifest SDK verification failed: COSE object is not valid CBOR: CBOR map at \
             byte 110 has a duplicate key",
        )
        .div(
            "RFC 8949 §5.6",
            "crash on COSE bytes (Q4)",
            "map keys that are the same value are a duplicate, NaN included",
        ),
    );
    // A two-byte simple value below 32 is not well-formed CBOR; read as a
    // value of its own it let `false` and an ill-formed copy be two keys.
    out.add(
        man_fail(
            man(
                18,
                "COSE_Sign1 manifest whose unprotected header has keys false and 0xf8 0x14",
                &["cose", "cbor", "malformed"],
                &good,
                &cmcp_testkit::cose_manifest_with_unprotected(
                    &manifest_doc("2099-12-31T23:59:59Z"),
                    &mk,
                    &[0xa2, 0xf4, 0x00, 0xf8, 0x14, 0x01],
                ),
            ),
            "Agent Manifest SDK verification failed: COSE object is not valid CBOR: unsupported \
             or indefinite-length CBOR encoding at byte 113",
        )
        .div(
            "RFC 8949 §3.3",
            "crash on COSE bytes (Q4)",
            "a two-byte simple value below 32 is not well-formed",
        ),
    );
    let _ = NOW;
}

/// Every `CV-RCPT` and `CV-MANIFEST` vector.
pub fn all(out: &mut Out) {
    execution(out);
    action(out);
    embodied(out);
    kill_switch(out);
    manifests(out);
}
