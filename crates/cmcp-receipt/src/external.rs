//! External execution evidence receipts (`external_execution_evidence`).

use cmcp_claim::binding::StrictKey;
use cmcp_json::Value;
use cmcp_json::canonical::pyjson_object_except;
use cmcp_json::encoding::{ct_eq, hex_encode};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;

/// The six members a receipt carries, all strings.
pub const MEMBERS: [&str; 6] = [
    "issuer",
    "issuer_key_id",
    "signature",
    "evidence_hash",
    "evidence_type",
    "linked_call_id",
];

/// Accepted `evidence_type` values.
pub const EVIDENCE_TYPES: [&str; 4] = [
    "controller-execution-receipt/v1",
    "tee-signed-receipt",
    "controller-jwt",
    "opaque-receipt",
];

/// Why a receipt was refused. Variants are in check order: the first
/// failing check is the one reported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Not a JSON object.
    #[error("external_execution_evidence is not an object")]
    NotObject,
    /// Members other than exactly the six, a non-string member, or a blank
    /// (empty or whitespace-only) `linked_call_id`, which names no call.
    #[error(
        "external_execution_evidence must have exactly the members issuer, issuer_key_id, signature, evidence_hash, evidence_type, linked_call_id, all strings, and linked_call_id must not be blank"
    )]
    Shape,
    /// The entry has no call id to bind to (absent, not a string, or blank).
    #[error(
        "the audit entry has no call_id (absent or blank), so the receipt cannot be bound to a call"
    )]
    EntryHasNoCallId,
    /// Bound to another call.
    #[error("external_execution_evidence linked_call_id does not match the entry call_id")]
    LinkedCallIdMismatch,
    /// `issuer_key_id` is not 64 lowercase hex digits.
    #[error("issuer_key_id must be the lowercase hex SHA-256 of the issuer public key")]
    IssuerKeyIdFormat,
    /// `evidence_hash` is not a full-length digest.
    #[error("evidence_hash must be sha256:<64 hex> or sha384:<96 hex>")]
    EvidenceHashFormat,
    /// Unknown `evidence_type`.
    #[error("unsupported evidence_type {0:?}")]
    UnsupportedType(String),
    /// No pinned key for the issuer.
    #[error("no trusted key for external evidence issuer_key_id {0}")]
    UnknownIssuer(String),
    /// The pinned key does not hash to the key id it is filed under.
    #[error("issuer_key_id does not match the trusted issuer public key")]
    KeyIdMismatch,
    /// The pinned key is not an acceptable Ed25519 key.
    #[error("trusted issuer key is not an acceptable Ed25519 key")]
    BadKey,
    /// The signature is not canonical base64url of 64 bytes, or does not verify.
    #[error("external_execution_evidence signature is invalid")]
    SignatureInvalid,
}

impl ReceiptError {
    /// A stable machine code for the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            ReceiptError::NotObject => "not_object",
            ReceiptError::Shape => "shape",
            ReceiptError::EntryHasNoCallId => "entry_call_id_missing",
            ReceiptError::LinkedCallIdMismatch => "linked_call_id_mismatch",
            ReceiptError::IssuerKeyIdFormat => "issuer_key_id_format",
            ReceiptError::EvidenceHashFormat => "evidence_hash_format",
            ReceiptError::UnsupportedType(_) => "unsupported_evidence_type",
            ReceiptError::UnknownIssuer(_) => "unknown_issuer",
            ReceiptError::KeyIdMismatch => "key_id_mismatch",
            ReceiptError::BadKey => "bad_key",
            ReceiptError::SignatureInvalid => "signature_invalid",
        }
    }
}

fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The key id of a raw Ed25519 public key: lowercase hex SHA-256.
///
/// ```
/// let id = cmcp_receipt::external::key_id(&[0u8; 32]);
/// assert_eq!(id, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
/// ```
pub fn key_id(key: &[u8; 32]) -> String {
    hex_encode(&Sha256::digest(key))
}

/// Checks one receipt against the entry's `call_id` and the pinned issuer
/// keys (key id → raw key). Checks run in a fixed order and the first
/// failure is returned, so a receipt bound to another call is reported as
/// that and never reaches the signature check.
///
/// ```
/// use cmcp_receipt::external::{verify, ReceiptError};
/// let ev = cmcp_json::parse(br#"{"issuer":"spiffe://x","issuer_key_id":"00","signature":"",
///   "evidence_hash":"sha256:00","evidence_type":"opaque-receipt","linked_call_id":"c2"}"#).unwrap();
/// assert_eq!(verify(&ev, Some("c1"), &Default::default()), Err(ReceiptError::LinkedCallIdMismatch));
/// ```
pub fn verify(
    ev: &Value,
    entry_call_id: Option<&str>,
    keys: &BTreeMap<String, [u8; 32]>,
) -> Result<(), ReceiptError> {
    let o = ev.as_object().ok_or(ReceiptError::NotObject)?;
    let exact = o.len() == MEMBERS.len()
        && MEMBERS
            .iter()
            .all(|m| o.get(m).is_some_and(|v| v.as_str().is_some()));
    let s = |m: &str| o.get(m).and_then(Value::as_str).unwrap_or("");
    // An empty id binds to nothing: "" == "" must not pass as a binding.
    let blank = |id: &str| id.trim().is_empty();
    if !exact || blank(s("linked_call_id")) {
        return Err(ReceiptError::Shape);
    }
    let call_id = entry_call_id
        .filter(|c| !blank(c))
        .ok_or(ReceiptError::EntryHasNoCallId)?;
    if s("linked_call_id") != call_id {
        return Err(ReceiptError::LinkedCallIdMismatch);
    }
    let kid = s("issuer_key_id");
    if !is_hex(kid, 64) {
        return Err(ReceiptError::IssuerKeyIdFormat);
    }
    let eh = s("evidence_hash");
    let eh_ok = eh.strip_prefix("sha256:").is_some_and(|h| is_hex(h, 64))
        || eh.strip_prefix("sha384:").is_some_and(|h| is_hex(h, 96));
    if !eh_ok {
        return Err(ReceiptError::EvidenceHashFormat);
    }
    let et = s("evidence_type");
    if !EVIDENCE_TYPES.contains(&et) {
        return Err(ReceiptError::UnsupportedType(et.to_owned()));
    }
    let key = keys
        .get(kid)
        .ok_or_else(|| ReceiptError::UnknownIssuer(kid.to_owned()))?;
    if !ct_eq(key_id(key).as_bytes(), kid.as_bytes()) {
        return Err(ReceiptError::KeyIdMismatch);
    }
    let key = StrictKey::from_bytes(key).map_err(|_| ReceiptError::BadKey)?;
    let mut msg = Vec::with_capacity(512);
    pyjson_object_except(o, Some("signature"), &mut msg);
    key.verify_b64u(&msg, s("signature"))
        .map_err(|_| ReceiptError::SignatureInvalid)
}

#[cfg(test)]
#[path = "external_tests.rs"]
mod tests;
