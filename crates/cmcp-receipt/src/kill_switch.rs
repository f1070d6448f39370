//! Kill-switch refusal receipts (`cmcp.kill-switch.refusal/v1`).
//!
//! When the kill switch refuses a call, the gateway returns a receipt signed
//! with the key that signs its TRACE claims:
//! `{type, agent_id, session_id, refused_at, gateway_key, claim_digest?, signature}`
//! where `signature` is Ed25519 over the Python-json canonical form of the
//! receipt without `signature`, and
//! `claim_digest = "sha256:" + hex(SHA-256(PYJSON(claim minus signature)))`
//! — note: the claim's own `signature` is **excluded**, unlike the
//! producer-only `gateway.prev_claim_hash`, which hashes the whole previous
//! claim (quirk Q13).
//!
//! [`verify`] runs every check and reports every failure, in order. Strict
//! rules beyond the reference: Ed25519 keys and signatures are verified
//! strictly and must be canonical unpadded base64url; when the receipt names
//! an agent (`agent_id` non-null) the claim must carry
//! `gateway.agent_identity` with the same `agent_id` (the reference skips the
//! check when the claim has no identity). The receipt does not establish
//! hardware binding: verify the claim itself with `cmcp_claim::verify_claim`.
//!
//! ```
//! use cmcp_receipt::kill_switch::{verify, KillSwitchError};
//! let r = verify(&cmcp_json::parse(b"[]").unwrap(), &cmcp_json::parse(b"{}").unwrap());
//! assert!(!r.valid);
//! assert_eq!(r.errors, vec![KillSwitchError::NotObjects]);
//! ```

use crate::util::sha256_prefixed;
use cmcp_claim::binding::{StrictKey, decode_x};
use cmcp_json::Value;
use cmcp_json::canonical::pyjson_object_except;
use cmcp_json::encoding::ct_eq;

/// The receipt `type`.
pub const RECEIPT_TYPE: &str = "cmcp.kill-switch.refusal/v1";

/// Why the claim's own signature failed (the `claim signature: …` error).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimSignatureError {
    /// `trace.cnf.jwk.x` missing, not a string, or not a strict Ed25519 key.
    #[error("cannot parse trace.cnf.jwk.x")]
    Key,
    /// `signature` absent or empty.
    #[error("signature field is empty")]
    Empty,
    /// `signature` is not canonical base64url of 64 bytes.
    #[error("cannot decode signature: not 64 bytes of canonical unpadded base64url")]
    Decode,
    /// Does not verify.
    #[error("Ed25519 signature verification failed")]
    Invalid,
}

/// One failed check, in check order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KillSwitchError {
    /// Receipt or claim is not a JSON object.
    #[error("receipt and claim must be objects")]
    NotObjects,
    /// Wrong `type`.
    #[error("receipt type is not 'cmcp.kill-switch.refusal/v1'")]
    Type,
    /// The claim's signature does not verify.
    #[error("claim signature: {0}")]
    ClaimSignature(ClaimSignatureError),
    /// `gateway_key` is not the claim's `trace.cnf.jwk.x`.
    #[error("receipt was not signed by the key that signed the claim")]
    KeyMismatch,
    /// `gateway_key` or `signature` not canonical / not a strict key.
    #[error("receipt key or signature cannot be decoded")]
    Undecodable,
    /// The receipt's signature does not verify under its key.
    #[error("receipt signature verification failed")]
    SignatureInvalid,
    /// `gateway_key` or `signature` missing.
    #[error("receipt carries no signature")]
    NoSignature,
    /// Different session.
    #[error("receipt names a different session than the claim")]
    SessionMismatch,
    /// The claim does not say the kill switch fired.
    #[error("claim does not record that the kill switch stopped this session")]
    NotTriggered,
    /// No `claim_digest`.
    #[error("receipt is not bound to a signed claim (issued before the session's claim existed)")]
    NoClaimDigest,
    /// `claim_digest` is not this claim's digest.
    #[error("receipt claim_digest does not match the claim")]
    ClaimDigestMismatch,
    /// Different agent.
    #[error("receipt names a different agent identity than the claim")]
    AgentMismatch,
    /// Strict: the receipt names an agent but the claim carries no identity.
    #[error("receipt names an agent identity but the claim has no gateway.agent_identity")]
    ClaimHasNoIdentity,
}

impl KillSwitchError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        use KillSwitchError as E;
        match self {
            E::NotObjects => "not_objects",
            E::Type => "receipt_type",
            E::ClaimSignature(_) => "claim_signature_invalid",
            E::KeyMismatch => "gateway_key_mismatch",
            E::Undecodable => "receipt_undecodable",
            E::SignatureInvalid => "receipt_signature_invalid",
            E::NoSignature => "receipt_unsigned",
            E::SessionMismatch => "session_id_mismatch",
            E::NotTriggered => "kill_switch_not_triggered",
            E::NoClaimDigest => "claim_digest_missing",
            E::ClaimDigestMismatch => "claim_digest_mismatch",
            E::AgentMismatch => "agent_id_mismatch",
            E::ClaimHasNoIdentity => "claim_identity_missing",
        }
    }
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KillSwitchResult {
    /// True when `errors` is empty.
    pub valid: bool,
    /// `receipt.agent_id` echoed (string members only).
    pub agent_id: Option<String>,
    /// `receipt.session_id` echoed.
    pub session_id: Option<String>,
    /// `receipt.refused_at` echoed.
    pub refused_at: Option<String>,
    /// Every failed check, in order.
    pub errors: Vec<KillSwitchError>,
}

/// `"sha256:" + hex(SHA-256(PYJSON(claim minus top-level signature)))`.
///
/// ```
/// let c = cmcp_json::parse(br#"{"b":1,"signature":"x","a":2}"#).unwrap();
/// // SHA-256 of {"a":2,"b":1}
/// assert_eq!(cmcp_receipt::kill_switch::claim_digest(c.as_object().unwrap()),
///   "sha256:d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772");
/// ```
pub fn claim_digest(claim: &cmcp_json::Object) -> String {
    let mut buf = Vec::with_capacity(4096);
    pyjson_object_except(claim, Some("signature"), &mut buf);
    sha256_prefixed(&buf)
}

fn claim_x(claim: &Value) -> Option<&str> {
    claim
        .get("trace")?
        .get("cnf")?
        .get("jwk")?
        .get("x")?
        .as_str()
}

fn check_claim_signature(
    claim: &cmcp_json::Object,
    x: Option<&str>,
) -> Result<(), ClaimSignatureError> {
    let raw = x
        .and_then(|x| decode_x(x).ok())
        .ok_or(ClaimSignatureError::Key)?;
    let key = StrictKey::from_bytes(&raw).map_err(|_| ClaimSignatureError::Key)?;
    let sig = match claim.get("signature") {
        None | Some(Value::Null) => return Err(ClaimSignatureError::Empty),
        Some(Value::String(s)) if s.is_empty() => return Err(ClaimSignatureError::Empty),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(ClaimSignatureError::Decode),
    };
    let sig: [u8; 64] = cmcp_json::encoding::b64u_decode_exact::<64>(sig)
        .map_err(|_| ClaimSignatureError::Decode)?;
    let mut msg = Vec::with_capacity(4096);
    pyjson_object_except(claim, Some("signature"), &mut msg);
    key.verify(&msg, &sig)
        .map_err(|_| ClaimSignatureError::Invalid)
}

/// Checks that `receipt` is a refusal issued by the gateway that signed `claim`.
/// Every check runs; every failure is reported in order.
pub fn verify(receipt: &Value, claim: &Value) -> KillSwitchResult {
    let (Some(ro), Some(co)) = (receipt.as_object(), claim.as_object()) else {
        return KillSwitchResult {
            valid: false,
            agent_id: None,
            session_id: None,
            refused_at: None,
            errors: vec![KillSwitchError::NotObjects],
        };
    };
    let mut errors = Vec::new();
    let rs = |m: &str| ro.get(m).and_then(Value::as_str);

    if rs("type") != Some(RECEIPT_TYPE) {
        errors.push(KillSwitchError::Type);
    }
    let x = claim_x(claim);
    if let Err(e) = check_claim_signature(co, x) {
        errors.push(KillSwitchError::ClaimSignature(e));
    }
    let gw = co.get("gateway").and_then(Value::as_object);
    let gws = |m: &str| gw.and_then(|g| g.get(m));

    let gkey = rs("gateway_key");
    match (gkey, x) {
        (Some(g), Some(x)) if ct_eq(g.as_bytes(), x.as_bytes()) => {}
        _ => errors.push(KillSwitchError::KeyMismatch),
    }
    match (gkey, rs("signature")) {
        (Some(g), Some(s)) => {
            let key = decode_x(g)
                .ok()
                .and_then(|raw| StrictKey::from_bytes(&raw).ok());
            let sig = cmcp_json::encoding::b64u_decode_exact::<64>(s).ok();
            match (key, sig) {
                (Some(k), Some(sig)) => {
                    let mut msg = Vec::with_capacity(512);
                    pyjson_object_except(ro, Some("signature"), &mut msg);
                    if k.verify(&msg, &sig).is_err() {
                        errors.push(KillSwitchError::SignatureInvalid);
                    }
                }
                _ => errors.push(KillSwitchError::Undecodable),
            }
        }
        _ => errors.push(KillSwitchError::NoSignature),
    }
    let receipt_session = ro.get("session_id");
    match (receipt_session, gws("session_id")) {
        (Some(Value::String(a)), Some(Value::String(b))) if a == b => {}
        _ => errors.push(KillSwitchError::SessionMismatch),
    }
    if gws("kill_switch_triggered") != Some(&Value::Bool(true)) {
        errors.push(KillSwitchError::NotTriggered);
    }
    match rs("claim_digest") {
        None => errors.push(KillSwitchError::NoClaimDigest),
        Some(d) => {
            let want = claim_digest(co);
            if !ct_eq(d.as_bytes(), want.as_bytes()) {
                errors.push(KillSwitchError::ClaimDigestMismatch);
            }
        }
    }
    let receipt_agent = ro.get("agent_id").filter(|v| !v.is_null());
    match gws("agent_identity").and_then(Value::as_object) {
        Some(id) => {
            let claim_agent = id.get("agent_id").filter(|v| !v.is_null());
            if receipt_agent != claim_agent || receipt_agent.and_then(Value::as_str).is_none() {
                errors.push(KillSwitchError::AgentMismatch);
            }
        }
        None => {
            if receipt_agent.is_some() {
                errors.push(KillSwitchError::ClaimHasNoIdentity);
            }
        }
    }
    KillSwitchResult {
        valid: errors.is_empty(),
        agent_id: rs("agent_id").map(str::to_owned),
        session_id: rs("session_id").map(str::to_owned),
        refused_at: rs("refused_at").map(str::to_owned),
        errors,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use cmcp_json::Object;
    use cmcp_json::encoding::{b64u_decode, b64u_encode};

    fn sign_obj(o: &mut Object, k: &ed25519_dalek::SigningKey) {
        o.remove("signature");
        let mut msg = Vec::new();
        pyjson_object_except(o, None, &mut msg);
        o.insert("signature", Value::from(sign_b64u(k, &msg)));
    }

    fn claim(k: &ed25519_dalek::SigningKey, identity: bool) -> Value {
        let x = b64u_encode(&public(k));
        let id = if identity {
            r#","agent_identity":{"agent_id":"spiffe://f/agent"}"#
        } else {
            ""
        };
        let mut c = j(&format!(
            r#"{{"trace":{{"cnf":{{"jwk":{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}}}}},
               "gateway":{{"session_id":"s1","kill_switch_triggered":true{id}}}}}"#
        ));
        if let Value::Object(o) = &mut c {
            sign_obj(o, k);
        }
        c
    }

    fn receipt(k: &ed25519_dalek::SigningKey, c: &Value, agent: Option<&str>) -> Value {
        let mut o = Object::new();
        o.insert("type", Value::from(RECEIPT_TYPE));
        o.insert("agent_id", agent.map_or(Value::Null, Value::from));
        o.insert("session_id", Value::from("s1"));
        o.insert("refused_at", Value::from("2026-12-01T00:00:00+00:00"));
        o.insert("gateway_key", Value::from(b64u_encode(&public(k))));
        o.insert(
            "claim_digest",
            Value::from(claim_digest(c.as_object().unwrap())),
        );
        sign_obj(&mut o, k);
        Value::Object(o)
    }

    fn codes(r: &KillSwitchResult) -> Vec<&'static str> {
        r.errors.iter().map(KillSwitchError::code).collect()
    }

    fn edit(v: &Value, m: &str, x: Value, resign: Option<&ed25519_dalek::SigningKey>) -> Value {
        let mut o = v.as_object().unwrap().clone();
        o.insert(m, x);
        if let Some(k) = resign {
            sign_obj(&mut o, k);
        }
        Value::Object(o)
    }

    #[test]
    fn valid_receipt_echoes_fields() {
        let k = key(3);
        let c = claim(&k, true);
        let r = verify(&receipt(&k, &c, Some("spiffe://f/agent")), &c);
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(r.agent_id.as_deref(), Some("spiffe://f/agent"));
        assert_eq!(r.session_id.as_deref(), Some("s1"));
        assert_eq!(r.refused_at.as_deref(), Some("2026-12-01T00:00:00+00:00"));
        // claim_digest excludes the claim signature: re-signing does not change it.
        let c2 = claim(&k, true);
        assert_eq!(
            claim_digest(c.as_object().unwrap()),
            claim_digest(c2.as_object().unwrap())
        );
        assert!(claim_digest(c.as_object().unwrap()).starts_with("sha256:"));
    }

    #[test]
    fn every_error_in_order() {
        let k = key(3);
        let c = claim(&k, true);
        let r0 = receipt(&k, &c, Some("spiffe://f/agent"));
        assert_eq!(codes(&verify(&j("1"), &c)), ["not_objects"]);
        let bad_type = edit(&r0, "type", Value::from("x"), Some(&k));
        assert_eq!(codes(&verify(&bad_type, &c)), ["receipt_type"]);
        // Claim signature broken: the digest then also differs? No: digest excludes signature.
        let c_badsig = edit(&c, "signature", Value::from(""), None);
        assert_eq!(
            verify(&r0, &c_badsig).errors,
            vec![KillSwitchError::ClaimSignature(ClaimSignatureError::Empty)]
        );
        assert_eq!(
            verify(&r0, &c_badsig).errors[0].to_string(),
            "claim signature: signature field is empty"
        );
        let other = key(4);
        let r_other = receipt(&other, &c, Some("spiffe://f/agent"));
        assert_eq!(codes(&verify(&r_other, &c)), ["gateway_key_mismatch"]);
        let tampered = edit(&r0, "refused_at", Value::from("2027-01-01T00:00:00Z"), None);
        assert_eq!(codes(&verify(&tampered, &c)), ["receipt_signature_invalid"]);
        let mut unsigned = r0.as_object().unwrap().clone();
        unsigned.remove("signature");
        assert_eq!(
            codes(&verify(&Value::Object(unsigned), &c)),
            ["receipt_unsigned"]
        );
        let padded = edit(
            &r0,
            "signature",
            Value::from(format!(
                "{}==",
                r0.get("signature").unwrap().as_str().unwrap()
            )),
            None,
        );
        assert_eq!(codes(&verify(&padded, &c)), ["receipt_undecodable"]);
        let other_session = edit(&r0, "session_id", Value::from("s2"), Some(&k));
        assert_eq!(codes(&verify(&other_session, &c)), ["session_id_mismatch"]);
        let no_digest = {
            let mut o = r0.as_object().unwrap().clone();
            o.remove("claim_digest");
            sign_obj(&mut o, &k);
            Value::Object(o)
        };
        assert_eq!(codes(&verify(&no_digest, &c)), ["claim_digest_missing"]);
        let other_agent = edit(&r0, "agent_id", Value::from("spiffe://f/other"), Some(&k));
        assert_eq!(codes(&verify(&other_agent, &c)), ["agent_id_mismatch"]);
        // Kill switch not triggered: claim changes, so the digest no longer matches either.
        let mut c_nt = edit(
            &c,
            "gateway",
            j(
                r#"{"session_id":"s1","kill_switch_triggered":false,"agent_identity":{"agent_id":"spiffe://f/agent"}}"#,
            ),
            None,
        );
        if let Value::Object(o) = &mut c_nt {
            sign_obj(o, &k);
        }
        assert_eq!(
            codes(&verify(&r0, &c_nt)),
            ["kill_switch_not_triggered", "claim_digest_mismatch"]
        );
    }

    #[test]
    fn strict_identity_and_small_order_keys() {
        let k = key(5);
        let c = claim(&k, false);
        // Receipt names an agent, claim has no identity: strict failure.
        let r = verify(&receipt(&k, &c, Some("spiffe://f/agent")), &c);
        assert_eq!(codes(&r), ["claim_identity_missing"]);
        // No agent named, no identity: fine.
        assert!(verify(&receipt(&k, &c, None), &c).valid);
        // Identity present, receipt names none → mismatch.
        let ci = claim(&k, true);
        assert_eq!(
            codes(&verify(&receipt(&k, &ci, None), &ci)),
            ["agent_id_mismatch"]
        );
        // Small-order gateway key with the trivial signature.
        let x = b64u_encode(&SMALL_ORDER);
        let mut sig = [0u8; 64];
        sig[0] = 1;
        let triv = b64u_encode(&sig);
        let cl = j(&format!(
            r#"{{"trace":{{"cnf":{{"jwk":{{"x":"{x}"}}}}}},"gateway":{{"session_id":"s1","kill_switch_triggered":true}},"signature":"{triv}"}}"#
        ));
        let mut ro = Object::new();
        ro.insert("type", Value::from(RECEIPT_TYPE));
        ro.insert("session_id", Value::from("s1"));
        ro.insert("gateway_key", Value::from(x.clone()));
        ro.insert(
            "claim_digest",
            Value::from(claim_digest(cl.as_object().unwrap())),
        );
        ro.insert("signature", Value::from(triv));
        let r = verify(&Value::Object(ro), &cl);
        assert_eq!(
            r.errors,
            vec![
                KillSwitchError::ClaimSignature(ClaimSignatureError::Key),
                KillSwitchError::Undecodable
            ]
        );
        // Non-canonical S on an otherwise genuine receipt.
        let c = claim(&k, false);
        let r0 = receipt(&k, &c, None);
        let raw: [u8; 64] = b64u_decode(r0.get("signature").unwrap().as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let hs = edit(
            &r0,
            "signature",
            Value::from(b64u_encode(&make_s_noncanonical(&raw))),
            None,
        );
        assert_eq!(codes(&verify(&hs, &c)), ["receipt_signature_invalid"]);
    }
}
