//! Agent Manifest binding (§7.4): v0.1 JSON manifests and v0.2 COSE_Sign1
//! envelopes, appraised and compared with a claim's `gateway.agent_identity`.
//!
//! * [`verify_cose`] — the SDK-level appraisal of a v0.2 COSE_Sign1 envelope
//!   (tag 18; protected header with `alg`, `kid`, `typ` =
//!   `application/agent-manifest+cose`, content type =
//!   `application/agent-manifest+json`; no `crit`, protected or not; no
//!   `alg` unprotected; inline payload of strict JSON with `version` `"0.2"`;
//!   Ed25519 (`-8`, `-19`) verified strictly over
//!   `["Signature1", protected, h'', payload]` under the key whose SHA-256 is
//!   `kid`).
//! * [`verify_json`] — the SDK-level appraisal of a v0.1 JSON manifest with a
//!   detached `signature` block (Ed25519 over AMJCS of the signed-field list;
//!   a document with any string not already in Unicode NFC is refused, since
//!   AMJCS normalizes and the signature would not cover the strings used).
//! * [`bind_manifest`] — §4.3 step 7 + §7.4.1 + §7.4.4: trust anchors, SDK
//!   appraisal with the claim's own policy and catalog hashes, subject rules
//!   and the ten identity members.
//!
//! The CBOR reader is this crate's own ([`cbor`]): definite lengths only,
//! nesting and sizes capped, duplicate map keys refused.
//!
//! ```
//! use cmcp_receipt::manifest::{verify_cose, SdkContext, SdkResult};
//! let keys = Default::default();
//! let ctx = SdkContext::new(&keys, cmcp_policy::Timestamp::from_unix(0));
//! let out = verify_cose(&[0x84, 0x40, 0xa0, 0x40, 0x40], &ctx); // untagged
//! assert_eq!(out.result, SdkResult::Mismatch);
//! assert!(!out.signature_verified);
//! ```

pub mod cbor;

use crate::util::{is_full_digest, sha256_hex, sha256_prefixed};
use cbor::Item;
use cmcp_claim::AgentIdentity;
use cmcp_claim::binding::StrictKey;
use cmcp_json::canonical::{amjcs, is_nfc_throughout};
use cmcp_json::encoding::{b64u_decode_exact, ct_eq, hex_encode};
use cmcp_json::{Limits, Object, Value};
use cmcp_policy::Timestamp;
use std::collections::BTreeMap;
use std::fmt;

/// COSE_Sign1 tag.
pub const COSE_SIGN1_TAG: u64 = 18;
/// COSE_Sign tag (recognized, not supported).
pub const COSE_SIGN_TAG: u64 = 98;
/// Required `typ` (label 16).
pub const MEDIA_TYPE_COSE: &str = "application/agent-manifest+cose";
/// Required content type (label 3).
pub const MEDIA_TYPE_JSON: &str = "application/agent-manifest+json";
/// Largest envelope or JSON manifest accepted, bytes.
pub const MAX_MANIFEST_BYTES: usize = 1024 * 1024;

/// The v0.1 signed-field list, in the SDK's order.
pub const SIGNED_FIELDS: [&str; 23] = [
    "@context",
    "@type",
    "manifest_id",
    "previous_manifest_id",
    "agent_id",
    "agent_instance_id",
    "version",
    "min_verifier_version",
    "issued_at",
    "expires_at",
    "issuer",
    "crypto_profile",
    "profile",
    "unbound_artifacts",
    "source_bundle",
    "artifacts",
    "delegation_chain",
    "hitl_record",
    "prior_transparency_log_entry",
    "log_retention",
    "data_scope",
    "operational_lifecycle",
    "intent",
];

/// Top-level members a manifest may carry besides [`SIGNED_FIELDS`].
pub const UNSIGNED_FIELDS: [&str; 3] = ["signature", "attestation", "transparency_log_entry"];

/// The ten identity members compared with `gateway.agent_identity`, in order.
pub const IDENTITY_MEMBERS: [&str; 10] = [
    "manifest_id",
    "agent_id",
    "authenticated_subject",
    "subject_source",
    "issuer",
    "issuer_key_id",
    "policy_bundle_hash",
    "tool_catalog_hash",
    "intent_hash",
    "enforcement_mode",
];

/// The manifest as supplied by the relying party.
#[derive(Clone, Debug, PartialEq)]
pub enum ManifestInput {
    /// A v0.1 JSON manifest (parsed).
    Json(Value),
    /// A v0.2 COSE_Sign1 envelope (raw bytes).
    Cose(Vec<u8>),
}

impl ManifestInput {
    /// Reads a manifest file: bytes starting with `{` (after ASCII whitespace)
    /// are JSON, anything else is taken as a COSE envelope.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<ManifestInput, cmcp_json::ParseError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'{') {
            Ok(ManifestInput::Json(cmcp_json::parse(bytes)?))
        } else {
            Ok(ManifestInput::Cose(bytes.to_vec()))
        }
    }
}

/// The SDK verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SdkResult {
    /// Authentic, in its window, artifacts match.
    Valid,
    /// A structural, signature, key or artifact check failed.
    Mismatch,
    /// `expires_at` ≤ now.
    Expired,
    /// A v0.2 JSON document with no envelope.
    SignatureMissing,
    /// Nothing to verify against (no keys, or an algorithm this build lacks).
    Unverifiable,
    /// A version this verifier does not implement.
    IncompatibleVersion,
}

impl SdkResult {
    /// The SDK's name (`VALID`, `MISMATCH`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SdkResult::Valid => "VALID",
            SdkResult::Mismatch => "MISMATCH",
            SdkResult::Expired => "EXPIRED",
            SdkResult::SignatureMissing => "SIGNATURE_MISSING",
            SdkResult::Unverifiable => "UNVERIFIABLE",
            SdkResult::IncompatibleVersion => "INCOMPATIBLE_VERSION",
        }
    }
}

impl fmt::Display for SdkResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an envelope or manifest was refused before or at its signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CoseError {
    /// Over [`MAX_MANIFEST_BYTES`].
    #[error("manifest is {0} bytes, over the {MAX_MANIFEST_BYTES} byte cap")]
    TooLarge(usize),
    /// Not CBOR.
    #[error("COSE object is not valid CBOR: {0}")]
    Cbor(cbor::CborError),
    /// Not tagged.
    #[error("untagged COSE structure: expected CBOR tag 18 (COSE_Sign1)")]
    Untagged,
    /// Another tag.
    #[error("unexpected CBOR tag {0}: expected 18 (COSE_Sign1)")]
    Tag(u64),
    /// COSE_Sign is recognized but not supported.
    #[error("COSE_Sign (tag 98) envelopes are not supported; only Ed25519 COSE_Sign1")]
    CoseSignUnsupported,
    /// Body is not `[bstr, map, bstr, bstr]`.
    #[error(
        "COSE body must be [protected bstr, unprotected map, payload bstr, signature bstr]: {0}"
    )]
    Body(&'static str),
    /// Protected header empty or not a map.
    #[error("protected header must be a non-empty CBOR map: {0}")]
    Protected(&'static str),
    /// `crit` present.
    #[error("protected header marks parameters critical, which this verifier does not understand")]
    Crit,
    /// `alg` unprotected.
    #[error("alg present in the unprotected header")]
    UnprotectedAlg,
    /// `crit` unprotected (RFC 9052 §3.1: it must be protected).
    #[error("crit (label 2) present in the unprotected header; it must be protected")]
    UnprotectedCrit,
    /// `typ` absent or not the manifest type.
    #[error("typ (label 16) must be application/agent-manifest+cose")]
    Typ,
    /// Content type wrong.
    #[error("content type (label 3) must be application/agent-manifest+json")]
    ContentType,
    /// `alg` absent or not an integer.
    #[error("protected header alg must be an integer")]
    AlgMissing,
    /// `alg` not registered by the profile.
    #[error("unknown alg code point {0}")]
    AlgUnknown(i64),
    /// ML-DSA-65 (not available in this build).
    #[error("alg {0} (ML-DSA-65) cannot be verified by this build")]
    AlgUnavailable(i64),
    /// `kid` absent or not a 32-byte bstr.
    #[error("protected header kid must be a 32-byte byte string")]
    Kid,
    /// Payload not UTF-8 strict JSON object.
    #[error("payload is not an acceptable JSON object: {0}")]
    Payload(String),
    /// `version` not `"0.2"` (COSE) / `"0.1"` (JSON).
    #[error("manifest version {0} is not supported here")]
    Version(String),
    /// `crypto_profile` demands an algorithm the envelope lacks.
    #[error("crypto_profile {0} requires an algorithm the signature does not use")]
    Downgrade(String),
    /// A v0.2 document given as JSON.
    #[error("a v0.2 manifest must be supplied as its COSE envelope")]
    SignatureMissing,
    /// A v0.2 JSON document with a detached signature block.
    #[error("a v0.2 manifest must not carry a detached signature block")]
    DetachedOnV02,
    /// v0.1 signature block malformed.
    #[error("signature block is malformed: {0}")]
    SignatureBlock(&'static str),
    /// No trusted keys at all.
    #[error("no trusted keys to verify against")]
    NoKeys,
    /// The key id is not pinned.
    #[error("kid={0} is not in trusted_keys")]
    UnknownKey(String),
    /// The pinned key does not hash to its id, or is not a strict Ed25519 key.
    #[error("trusted key {0} is not a strict Ed25519 key matching its key id")]
    BadKey(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    Signature,
    /// Manifest schema violation.
    #[error("manifest schema violation: {0}")]
    Schema(String),
    /// A v0.1 manifest string (member name or value) that is not in NFC.
    #[error(
        "manifest contains a string that is not in Unicode NFC; its signature covers only the normalized text"
    )]
    NotNfc,
}

/// The relying party's SDK context.
#[derive(Clone, Debug)]
pub struct SdkContext<'a> {
    /// Pinned keys: lowercase hex SHA-256 of the raw key → raw key.
    pub trusted_keys: &'a BTreeMap<String, [u8; 32]>,
    /// Optional key → issuers it may sign for (`trusted_key_issuers`).
    pub trusted_key_issuers: Option<&'a BTreeMap<String, Vec<String>>>,
    /// Expected `artifacts.policy_bundle.hash`.
    pub policy_bundle_hash: Option<&'a str>,
    /// Expected `artifacts.tool_manifest.catalog_hash`.
    pub tool_catalog_hash: Option<&'a str>,
    /// Expected `artifacts.system_prompt.hash`.
    pub system_prompt_hash: Option<&'a str>,
    /// Expected `artifacts.model_identity.version`.
    pub model_version: Option<&'a str>,
    /// Runtime enforcement mode in SDK terms (`enforce`, `advisory`, `audit-only`);
    /// compared with a declared `policy_bundle.enforcement_mode`.
    pub enforcement_mode: Option<&'a str>,
    /// The verification time.
    pub now: Timestamp,
}

impl<'a> SdkContext<'a> {
    /// A context with keys and time only.
    pub fn new(trusted_keys: &'a BTreeMap<String, [u8; 32]>, now: Timestamp) -> Self {
        SdkContext {
            trusted_keys,
            trusted_key_issuers: None,
            policy_bundle_hash: None,
            tool_catalog_hash: None,
            system_prompt_hash: None,
            model_version: None,
            enforcement_mode: None,
            now,
        }
    }
}

/// The SDK-level outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct SdkOutcome {
    /// The verdict.
    pub result: SdkResult,
    /// True once the signature verified under a pinned key.
    pub signature_verified: bool,
    /// The refusal that ended appraisal, if any.
    pub error: Option<CoseError>,
    /// Mismatched fields after the signature (`policy_bundle`, `tool_manifest`,
    /// `system_prompt`, `model_identity`, `policy_bundle.enforcement_mode`,
    /// `signature.issuer`, `issued_at`).
    pub mismatches: Vec<&'static str>,
    /// The manifest document (the COSE payload, or the JSON manifest).
    pub manifest: Option<Value>,
    /// The signing key id (hex `kid`, or the v0.1 `signature.key_id`).
    pub key_id: Option<String>,
    /// COSE: `"sha256:" + hex(SHA-256(payload bytes))`.
    pub manifest_hash: Option<String>,
}

impl SdkOutcome {
    fn refused(result: SdkResult, e: CoseError) -> Self {
        SdkOutcome {
            result,
            signature_verified: false,
            error: Some(e),
            mismatches: Vec::new(),
            manifest: None,
            key_id: None,
            manifest_hash: None,
        }
    }
}

/// A structurally valid COSE_Sign1 envelope, signature not yet checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The protected header bytes as received.
    pub protected: Vec<u8>,
    /// `alg`.
    pub alg: i64,
    /// `kid` (32 bytes).
    pub kid: [u8; 32],
    /// The payload bytes as received.
    pub payload: Vec<u8>,
    /// The parsed payload (a JSON object with `version` `"0.2"`).
    pub manifest: Value,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

fn version_err(m: &Value) -> CoseError {
    CoseError::Version(match m.get("version") {
        Some(Value::String(s)) => format!("{s:?}"),
        Some(v) => v.type_name().to_owned(),
        None => "(absent)".to_owned(),
    })
}

/// Structural steps of §7.4.3 (tag, body, headers, payload, version, alg, kid).
pub fn decode_envelope(bytes: &[u8]) -> Result<Envelope, CoseError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(CoseError::TooLarge(bytes.len()));
    }
    let top = cbor::decode(bytes).map_err(CoseError::Cbor)?;
    let body = match top {
        Item::Tag(COSE_SIGN1_TAG, b) => *b,
        Item::Tag(COSE_SIGN_TAG, _) => return Err(CoseError::CoseSignUnsupported),
        Item::Tag(t, _) => return Err(CoseError::Tag(t)),
        _ => return Err(CoseError::Untagged),
    };
    let Item::Array(parts) = body else {
        return Err(CoseError::Body("not an array"));
    };
    let [protected, unprotected, payload, signature]: [Item; 4] = parts
        .try_into()
        .map_err(|_| CoseError::Body("not four elements"))?;
    let Item::Bytes(protected) = protected else {
        return Err(CoseError::Body("protected header is not a byte string"));
    };
    if !matches!(unprotected, Item::Map(_)) {
        return Err(CoseError::Body("unprotected header is not a map"));
    }
    let Item::Bytes(payload) = payload else {
        return Err(CoseError::Body("payload must be an inline byte string"));
    };
    if protected.is_empty() {
        return Err(CoseError::Protected("empty"));
    }
    let header = cbor::decode(&protected).map_err(|_| CoseError::Protected("not valid CBOR"))?;
    if !matches!(header, Item::Map(_)) {
        return Err(CoseError::Protected("not a map"));
    }
    // No critical parameter is understood here, so a protected `crit` is
    // refused whatever it names; RFC 9052 §3.1 allows `crit` only in the
    // protected header, so an unprotected one is refused as malformed.
    if header.map_get_int(2).is_some() {
        return Err(CoseError::Crit);
    }
    if unprotected.map_get_int(2).is_some() {
        return Err(CoseError::UnprotectedCrit);
    }
    if unprotected.map_get_int(1).is_some() {
        return Err(CoseError::UnprotectedAlg);
    }
    match header.map_get_int(16) {
        Some(Item::Text(t)) if t == MEDIA_TYPE_COSE => {}
        _ => return Err(CoseError::Typ),
    }
    match header.map_get_int(3) {
        Some(Item::Text(t)) if t == MEDIA_TYPE_JSON => {}
        _ => return Err(CoseError::ContentType),
    }
    let manifest = parse_payload(&payload)?;
    if manifest.get("version").and_then(Value::as_str) != Some("0.2") {
        return Err(version_err(&manifest));
    }
    let Item::Bytes(signature) = signature else {
        return Err(CoseError::Body("signature is not a byte string"));
    };
    let alg = header
        .map_get_int(1)
        .and_then(Item::as_i64)
        .ok_or(CoseError::AlgMissing)?;
    match alg {
        -8 | -19 => {}
        -49 => return Err(CoseError::AlgUnavailable(alg)),
        other => return Err(CoseError::AlgUnknown(other)),
    }
    let kid: [u8; 32] = match header.map_get_int(4) {
        Some(Item::Bytes(k)) => k.as_slice().try_into().map_err(|_| CoseError::Kid)?,
        _ => return Err(CoseError::Kid),
    };
    let profile = manifest.get("crypto_profile").and_then(Value::as_str);
    if profile == Some("post-quantum") {
        return Err(CoseError::Downgrade("post-quantum".into()));
    }
    Ok(Envelope {
        protected,
        alg,
        kid,
        payload,
        manifest,
        signature,
    })
}

fn parse_payload(payload: &[u8]) -> Result<Value, CoseError> {
    let limits = Limits {
        max_bytes: MAX_MANIFEST_BYTES,
        max_depth: 64,
        max_int_digits: 4300,
    };
    let v =
        cmcp_json::parse_with(payload, limits).map_err(|e| CoseError::Payload(e.to_string()))?;
    if v.as_object().is_none() {
        return Err(CoseError::Payload(format!(
            "a {} is not an object",
            v.type_name()
        )));
    }
    Ok(v)
}

/// The COSE_Sign1 to-be-signed bytes: canonical CBOR `["Signature1", protected, h'', payload]`.
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    // A capacity hint only.
    let mut out = Vec::with_capacity(
        protected
            .len()
            .saturating_add(payload.len())
            .saturating_add(32),
    );
    cbor::put_array_head(4, &mut out);
    cbor::put_text("Signature1", &mut out);
    cbor::put_bytes(protected, &mut out);
    cbor::put_bytes(&[], &mut out);
    cbor::put_bytes(payload, &mut out);
    out
}

fn pinned_key(keys: &BTreeMap<String, [u8; 32]>, kid: &str) -> Result<StrictKey, CoseError> {
    if keys.is_empty() {
        return Err(CoseError::NoKeys);
    }
    let raw = keys
        .get(kid)
        .ok_or_else(|| CoseError::UnknownKey(kid.to_owned()))?;
    if !ct_eq(sha256_hex(raw).as_bytes(), kid.as_bytes()) {
        return Err(CoseError::BadKey(kid.to_owned()));
    }
    StrictKey::from_bytes(raw).map_err(|_| CoseError::BadKey(kid.to_owned()))
}

fn key_error_result(e: &CoseError) -> SdkResult {
    match e {
        CoseError::NoKeys | CoseError::AlgUnavailable(_) | CoseError::CoseSignUnsupported => {
            SdkResult::Unverifiable
        }
        CoseError::Version(_) => SdkResult::IncompatibleVersion,
        CoseError::SignatureMissing => SdkResult::SignatureMissing,
        _ => SdkResult::Mismatch,
    }
}

/// Appraises a v0.2 COSE_Sign1 envelope (SDK semantics, strict).
pub fn verify_cose(bytes: &[u8], ctx: &SdkContext<'_>) -> SdkOutcome {
    let env = match decode_envelope(bytes) {
        Ok(e) => e,
        Err(e) => return SdkOutcome::refused(key_error_result(&e), e),
    };
    let kid = hex_encode(&env.kid);
    let key = match pinned_key(ctx.trusted_keys, &kid) {
        Ok(k) => k,
        Err(e) => return SdkOutcome::refused(key_error_result(&e), e),
    };
    let sig: Option<[u8; 64]> = env.signature.as_slice().try_into().ok();
    let ok = sig.is_some_and(|s| {
        key.verify(&sig_structure(&env.protected, &env.payload), &s)
            .is_ok()
    });
    if !ok {
        return SdkOutcome::refused(SdkResult::Mismatch, CoseError::Signature);
    }
    let mut out = SdkOutcome {
        result: SdkResult::Valid,
        signature_verified: true,
        error: None,
        mismatches: Vec::new(),
        manifest: None,
        key_id: Some(kid),
        manifest_hash: Some(sha256_prefixed(&env.payload)),
    };
    appraise_after_signature(&env.manifest, ctx, &mut out);
    out.manifest = Some(env.manifest);
    out
}

/// The v0.1 signature pre-image: AMJCS of the signed-field members present,
/// with `hitl_record.approvals` set to `[]` when `hitl_record` is an object.
pub fn v01_preimage(manifest: &Object) -> Result<Vec<u8>, cmcp_json::canonical::CanonError> {
    let mut o = Object::new();
    for f in SIGNED_FIELDS {
        if let Some(v) = manifest.get(f) {
            let mut v = v.clone();
            if f == "hitl_record"
                && let Value::Object(h) = &mut v
            {
                h.insert("approvals", Value::Array(Vec::new()));
            }
            o.insert(f, v);
        }
    }
    amjcs(&Value::Object(o))
}

/// Appraises a v0.1 JSON manifest with a detached `signature` block.
pub fn verify_json(manifest: &Value, ctx: &SdkContext<'_>) -> SdkOutcome {
    let Some(o) = manifest.as_object() else {
        return SdkOutcome::refused(
            SdkResult::Mismatch,
            CoseError::Schema("manifest is not an object".into()),
        );
    };
    let sig_block = o.get("signature").filter(|v| !v.is_null());
    match o.get("version").and_then(Value::as_str) {
        Some("0.1") => {}
        Some("0.2") if sig_block.is_some() => {
            return SdkOutcome::refused(SdkResult::Mismatch, CoseError::DetachedOnV02);
        }
        Some("0.2") => {
            return SdkOutcome::refused(SdkResult::SignatureMissing, CoseError::SignatureMissing);
        }
        _ => return SdkOutcome::refused(SdkResult::IncompatibleVersion, version_err(manifest)),
    }
    // The v0.1 signature covers AMJCS text, in which every string is NFC
    // normalized; the strings used afterwards (`agent_id`, `issuer`, the
    // hashes, the key id…) are the document's own. A document whose strings
    // are not all NFC would verify for every spelling that normalizes alike
    // (`pr\u{f3}d` signed, `pro\u{301}d` presented), and bind strings the
    // issuer never signed. Comparing NFC forms instead would still let two
    // different raw subjects match one signed one, so such a document is
    // refused outright: what is used is then byte for byte what was signed.
    // The whole document is checked (member names included, and the
    // unsigned `signature` block whose `key_id` is used), before anything
    // is verified.
    if !is_nfc_throughout(manifest) {
        return SdkOutcome::refused(SdkResult::Mismatch, CoseError::NotNfc);
    }
    if let Some((k, _)) = o
        .iter()
        .find(|(k, _)| !SIGNED_FIELDS.contains(k) && !UNSIGNED_FIELDS.contains(k))
    {
        return SdkOutcome::refused(
            SdkResult::Mismatch,
            CoseError::Schema(format!("unknown member {k:?}")),
        );
    }
    let Some(sb) = sig_block.and_then(Value::as_object) else {
        return SdkOutcome::refused(
            SdkResult::SignatureMissing,
            CoseError::SignatureBlock("absent"),
        );
    };
    let alg = sb.get("algorithm").and_then(Value::as_str);
    match alg {
        Some("Ed25519") => {}
        Some("ML-DSA-65" | "hybrid-Ed25519-ML-DSA-65") => {
            return SdkOutcome::refused(SdkResult::Unverifiable, CoseError::AlgUnavailable(-49));
        }
        _ => {
            return SdkOutcome::refused(
                SdkResult::Mismatch,
                CoseError::SignatureBlock("algorithm must be Ed25519"),
            );
        }
    }
    if o.get("crypto_profile").and_then(Value::as_str) == Some("post-quantum") {
        return SdkOutcome::refused(
            SdkResult::Mismatch,
            CoseError::Downgrade("post-quantum".into()),
        );
    }
    let Some(kid) = sb.get("key_id").and_then(Value::as_str) else {
        return SdkOutcome::refused(SdkResult::Mismatch, CoseError::SignatureBlock("key_id"));
    };
    let key = match pinned_key(ctx.trusted_keys, kid) {
        Ok(k) => k,
        Err(e) => return SdkOutcome::refused(key_error_result(&e), e),
    };
    let Some(sig) = sb
        .get("signature_value")
        .and_then(Value::as_str)
        .and_then(|s| b64u_decode_exact::<64>(s).ok())
    else {
        return SdkOutcome::refused(
            SdkResult::Mismatch,
            CoseError::SignatureBlock("signature_value must be 64 bytes of base64url"),
        );
    };
    let ok = v01_preimage(o)
        .ok()
        .is_some_and(|m| key.verify(&m, &sig).is_ok());
    if !ok {
        return SdkOutcome::refused(SdkResult::Mismatch, CoseError::Signature);
    }
    let mut out = SdkOutcome {
        result: SdkResult::Valid,
        signature_verified: true,
        error: None,
        mismatches: Vec::new(),
        manifest: Some(manifest.clone()),
        key_id: Some(kid.to_owned()),
        manifest_hash: None,
    };
    appraise_after_signature(manifest, ctx, &mut out);
    out
}

fn artifact_str<'a>(m: &'a Value, artifact: &str, member: &str) -> Option<&'a str> {
    m.get("artifacts")?.get(artifact)?.get(member)?.as_str()
}

/// Issuer authorization, validity window, full binding and artifact comparison.
fn appraise_after_signature(m: &Value, ctx: &SdkContext<'_>, out: &mut SdkOutcome) {
    let issuer = m.get("issuer").and_then(Value::as_str);
    if let (Some(map), Some(kid)) = (
        ctx.trusted_key_issuers.filter(|x| !x.is_empty()),
        &out.key_id,
    ) {
        let allowed =
            issuer.is_some_and(|i| map.get(kid).is_some_and(|l| l.iter().any(|x| x == i)));
        if !allowed {
            out.mismatches.push("signature.issuer");
        }
    }
    // Validity window issued_at ≤ now < expires_at.
    let t = |n: &str| {
        m.get(n)
            .and_then(Value::as_str)
            .and_then(|s| Timestamp::parse_rfc3339(s).ok())
    };
    match (t("issued_at"), t("expires_at")) {
        (Some(i), Some(e)) => {
            if ctx.now < i {
                out.mismatches.push("issued_at");
            } else if e <= ctx.now && out.mismatches.is_empty() {
                out.result = SdkResult::Expired;
                return;
            }
        }
        _ => out.mismatches.push("issued_at"),
    }
    if m.get("profile").is_none() {
        let arts = m.get("artifacts").and_then(Value::as_object);
        let full = arts.is_some_and(|a| {
            ["system_prompt", "policy_bundle", "model_identity"]
                .iter()
                .all(|k| a.get(k).is_some_and(|v| v.as_object().is_some()))
        });
        if !full {
            out.mismatches.push("artifacts");
        }
    }
    let cmp = |want: Option<&str>, got: Option<&str>| match want {
        None => true,
        Some(w) => got.is_some_and(|g| ct_eq(g.as_bytes(), w.as_bytes())),
    };
    if !cmp(
        ctx.system_prompt_hash,
        artifact_str(m, "system_prompt", "hash"),
    ) {
        out.mismatches.push("system_prompt");
    }
    if !cmp(
        ctx.policy_bundle_hash,
        artifact_str(m, "policy_bundle", "hash"),
    ) {
        out.mismatches.push("policy_bundle");
    }
    if !cmp(
        ctx.tool_catalog_hash,
        artifact_str(m, "tool_manifest", "catalog_hash"),
    ) {
        out.mismatches.push("tool_manifest");
    }
    if !cmp(
        ctx.model_version,
        artifact_str(m, "model_identity", "version"),
    ) {
        out.mismatches.push("model_identity");
    }
    if let Some(declared) = m
        .get("artifacts")
        .and_then(|a| a.get("policy_bundle"))
        .and_then(|p| p.get("enforcement_mode"))
        .filter(|v| !v.is_null())
        && (ctx.enforcement_mode.is_none() || declared.as_str() != ctx.enforcement_mode)
    {
        out.mismatches.push("policy_bundle.enforcement_mode");
    }
    if !out.mismatches.is_empty() {
        out.result = SdkResult::Mismatch;
    }
}

// ---------------------------------------------------------------------------
// cMCP binding (§7.4.1, §7.4.4)

/// Why a manifest does not bind the claim's agent identity. Messages follow
/// §7.4.1 (our wording where the reference's is Python-specific).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// No trusted keys supplied.
    #[error("no trusted Agent Manifest issuer keys provided")]
    NoTrustedKeys,
    /// The envelope or document failed before field checks.
    #[error("Agent Manifest SDK verification failed: {0}")]
    Envelope(CoseError),
    /// `manifest_id` missing.
    #[error("Agent Manifest manifest_id is missing")]
    ManifestId,
    /// `agent_id` not SPIFFE.
    #[error("Agent Manifest agent_id must be a SPIFFE URI")]
    AgentId,
    /// `issuer` not SPIFFE.
    #[error("Agent Manifest issuer must be a SPIFFE URI")]
    Issuer,
    /// `artifacts` missing.
    #[error("Agent Manifest artifacts object is missing")]
    Artifacts,
    /// `policy_bundle` / `tool_manifest` missing.
    #[error("Agent Manifest must bind policy_bundle and tool_manifest")]
    Bindings,
    /// A hash of the wrong form.
    #[error("Agent Manifest {0} must be a sha-prefixed hash")]
    HashFormat(&'static str),
    /// `issued_at` / `expires_at` missing.
    #[error("Agent Manifest {0} is missing")]
    TimeMissing(&'static str),
    /// `issued_at` / `expires_at` not RFC 3339 with offset.
    #[error("Agent Manifest {0} must be an RFC3339 timestamp")]
    TimeFormat(&'static str),
    /// Expired at `now`.
    #[error("Agent Manifest has expired")]
    Expired,
    /// A trust anchor is not a strict Ed25519 key.
    #[error("Agent Manifest trust anchor contains an invalid Ed25519 key")]
    AnchorKey,
    /// A trust anchor's id is not the hash of its key.
    #[error("Agent Manifest trust anchor key_id does not match public key")]
    AnchorKeyId,
    /// `identity.enforcement_mode` not a known mode.
    #[error("'{0}' is not a valid EnforcementMode")]
    EnforcementModeValue(String),
    /// Signature did not verify.
    #[error("Agent Manifest signature verification failed")]
    Signature,
    /// Policy hash differs from the claim's.
    #[error("Agent Manifest policy bundle hash does not match runtime policy")]
    PolicyHash,
    /// Catalog hash differs from the claim's.
    #[error("Agent Manifest tool catalog hash does not match runtime catalog")]
    CatalogHash,
    /// Declared enforcement mode differs.
    #[error(
        "Agent Manifest policy bundle enforcement_mode does not match the runtime's attested enforcement mode"
    )]
    EnforcementMode,
    /// v0.2 JSON without an envelope.
    #[error("Agent Manifest signature block is missing")]
    SignatureMissing,
    /// Nothing could be verified.
    #[error("Agent Manifest signature could not be verified: {0}")]
    Unverifiable(String),
    /// Unsupported version.
    #[error("Agent Manifest version is not supported by the SDK verifier")]
    IncompatibleVersion,
    /// Another SDK mismatch.
    #[error("Agent Manifest SDK verification failed: MISMATCH ({0})")]
    SdkMismatch(String),
    /// Unknown `subject_source`.
    #[error("Agent Manifest subject_source is not supported")]
    SubjectSource,
    /// `manifest-dev` outside a dev policy (strict Q18).
    #[error("Agent Manifest subject_source manifest-dev requires dev mode")]
    DevSubject,
    /// Subject not SPIFFE.
    #[error("Authenticated agent subject must be a SPIFFE URI")]
    SubjectFormat,
    /// Subject is not the manifest's agent.
    #[error("Agent Manifest agent_id does not match authenticated session subject")]
    SubjectMismatch,
    /// Identity members differ (names in §7.4.4 order).
    #[error("gateway.agent_identity mismatch: {}", .0.join(", "))]
    IdentityMismatch(Vec<&'static str>),
}

/// Options of [`bind_manifest_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BindOptions {
    /// Accept `subject_source == "manifest-dev"` (a dev policy only).
    pub allow_dev_subject: bool,
}

/// The identity the manifest binds (§7.4.1 step 6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// `manifest_id`.
    pub manifest_id: String,
    /// `agent_id`.
    pub agent_id: String,
    /// The authenticated subject.
    pub authenticated_subject: String,
    /// `config`, `svid` or `manifest-dev`.
    pub subject_source: String,
    /// `issuer`.
    pub issuer: String,
    /// v0.1: `signature.key_id`; COSE: hex `kid`.
    pub issuer_key_id: String,
    /// `artifacts.policy_bundle.hash`.
    pub policy_bundle_hash: String,
    /// `artifacts.tool_manifest.catalog_hash`.
    pub tool_catalog_hash: String,
    /// `"sha256:" + hex(SHA-256(AMJCS(intent)))`, when the manifest has an `intent`.
    pub intent_hash: Option<String>,
    /// Echo of the identity's `enforcement_mode`.
    pub enforcement_mode: Option<String>,
    /// COSE: `"sha256:" + hex(SHA-256(payload))`.
    pub manifest_hash: Option<String>,
}

fn is_spiffe(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("spiffe://"))
}

/// [`bind_manifest_with`] with default options (no dev subject).
///
/// ```
/// use cmcp_receipt::manifest::{bind_manifest, ManifestError, ManifestInput};
/// let id = cmcp_claim::AgentIdentity {
///     manifest_id: "m".into(), agent_id: "spiffe://a".into(),
///     authenticated_subject: "spiffe://a".into(), subject_source: "config".into(),
///     issuer: "spiffe://i".into(), issuer_key_id: "k".into(),
///     policy_bundle_hash: "p".into(), tool_catalog_hash: "c".into(),
///     intent_hash: None, agent_key_thumbprint: None, enforcement_mode: None };
/// let m = ManifestInput::Json(cmcp_json::parse(b"{}").unwrap());
/// let r = bind_manifest(&m, &Default::default(), &id, "p", "c", cmcp_policy::Timestamp::from_unix(0));
/// assert_eq!(r, Err(ManifestError::NoTrustedKeys));
/// ```
pub fn bind_manifest(
    manifest: &ManifestInput,
    trusted_keys: &BTreeMap<String, [u8; 32]>,
    identity: &AgentIdentity,
    claim_policy_hash: &str,
    claim_catalog_hash: &str,
    now: Timestamp,
) -> Result<Binding, ManifestError> {
    bind_manifest_with(
        manifest,
        trusted_keys,
        identity,
        claim_policy_hash,
        claim_catalog_hash,
        now,
        BindOptions::default(),
    )
}

/// §4.3 step 7: binds a manifest to the claim's `gateway.agent_identity`.
/// `claim_policy_hash` / `claim_catalog_hash` are the claim's own
/// `trace.policy.bundle_hash` and `gateway.catalog.hash`.
pub fn bind_manifest_with(
    manifest: &ManifestInput,
    trusted_keys: &BTreeMap<String, [u8; 32]>,
    identity: &AgentIdentity,
    claim_policy_hash: &str,
    claim_catalog_hash: &str,
    now: Timestamp,
    opts: BindOptions,
) -> Result<Binding, ManifestError> {
    if trusted_keys.is_empty() {
        return Err(ManifestError::NoTrustedKeys);
    }
    // The document whose fields are checked.
    let (doc, cose_kid) = match manifest {
        ManifestInput::Json(v) => (v.clone(), None),
        ManifestInput::Cose(b) => {
            let env = decode_envelope(b).map_err(ManifestError::Envelope)?;
            (env.manifest, Some(hex_encode(&env.kid)))
        }
    };
    let m = &doc;
    // Step 1.
    if m.get("manifest_id")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(ManifestError::ManifestId);
    }
    if !is_spiffe(m.get("agent_id")) {
        return Err(ManifestError::AgentId);
    }
    if !is_spiffe(m.get("issuer")) {
        return Err(ManifestError::Issuer);
    }
    let Some(arts) = m.get("artifacts").filter(|a| a.as_object().is_some()) else {
        return Err(ManifestError::Artifacts);
    };
    let pb = arts
        .get("policy_bundle")
        .filter(|a| a.as_object().is_some());
    let tm = arts
        .get("tool_manifest")
        .filter(|a| a.as_object().is_some());
    let (Some(pb), Some(tm)) = (pb, tm) else {
        return Err(ManifestError::Bindings);
    };
    let Some(pb_hash) = pb
        .get("hash")
        .and_then(Value::as_str)
        .filter(|h| is_full_digest(h))
    else {
        return Err(ManifestError::HashFormat("artifacts.policy_bundle.hash"));
    };
    let Some(tm_hash) = tm
        .get("catalog_hash")
        .and_then(Value::as_str)
        .filter(|h| is_full_digest(h))
    else {
        return Err(ManifestError::HashFormat(
            "artifacts.tool_manifest.catalog_hash",
        ));
    };
    let key_id = match &cose_kid {
        Some(k) => k.clone(),
        None => m
            .get("signature")
            .and_then(|s| s.get("key_id"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    };
    // Step 2.
    for f in ["issued_at", "expires_at"] {
        let name: &'static str = if f == "issued_at" {
            "issued_at"
        } else {
            "expires_at"
        };
        let s = m
            .get(f)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(ManifestError::TimeMissing(name))?;
        let t = Timestamp::parse_rfc3339(s).map_err(|_| ManifestError::TimeFormat(name))?;
        if f == "expires_at" && t <= now {
            return Err(ManifestError::Expired);
        }
    }
    // Step 3.
    for (kid, raw) in trusted_keys {
        StrictKey::from_bytes(raw).map_err(|_| ManifestError::AnchorKey)?;
        if !ct_eq(sha256_hex(raw).as_bytes(), kid.as_bytes()) {
            return Err(ManifestError::AnchorKeyId);
        }
    }
    // Step 4.
    let sdk_mode = match identity.enforcement_mode.as_deref() {
        None => None,
        Some("enforcing") => Some("enforce"),
        Some("advisory") => Some("advisory"),
        Some("silent") => Some("audit-only"),
        Some(other) => return Err(ManifestError::EnforcementModeValue(other.to_owned())),
    };
    let mut ctx = SdkContext::new(trusted_keys, now);
    ctx.policy_bundle_hash = Some(claim_policy_hash);
    ctx.tool_catalog_hash = Some(claim_catalog_hash);
    ctx.enforcement_mode = sdk_mode;
    let out = match manifest {
        ManifestInput::Json(v) => verify_json(v, &ctx),
        ManifestInput::Cose(b) => verify_cose(b, &ctx),
    };
    map_sdk(&out)?;
    // Step 5 (strict Q18: manifest-dev only under a dev policy).
    let source = identity.subject_source.as_str();
    match source {
        "config" | "svid" => {}
        "manifest-dev" if opts.allow_dev_subject => {}
        "manifest-dev" => return Err(ManifestError::DevSubject),
        _ => return Err(ManifestError::SubjectSource),
    }
    let subject = identity.authenticated_subject.as_str();
    if !subject.starts_with("spiffe://") {
        return Err(ManifestError::SubjectFormat);
    }
    let agent_id = m.get("agent_id").and_then(Value::as_str).unwrap_or("");
    if subject != agent_id {
        return Err(ManifestError::SubjectMismatch);
    }
    // Step 6.
    let intent_hash = match m.get("intent").filter(|v| !v.is_null()) {
        None => None,
        Some(i) => Some(sha256_prefixed(&amjcs(i).map_err(|e| {
            ManifestError::SdkMismatch(format!("intent cannot be canonicalized: {e}"))
        })?)),
    };
    let s = |n: &str| m.get(n).and_then(Value::as_str).unwrap_or("").to_owned();
    let binding = Binding {
        manifest_id: s("manifest_id"),
        agent_id: agent_id.to_owned(),
        authenticated_subject: subject.to_owned(),
        subject_source: source.to_owned(),
        issuer: s("issuer"),
        issuer_key_id: key_id,
        policy_bundle_hash: pb_hash.to_owned(),
        tool_catalog_hash: tm_hash.to_owned(),
        intent_hash,
        enforcement_mode: identity.enforcement_mode.clone(),
        manifest_hash: out.manifest_hash.clone(),
    };
    let diff = compare_identity(&binding, identity);
    if diff.is_empty() {
        Ok(binding)
    } else {
        Err(ManifestError::IdentityMismatch(diff))
    }
}

fn map_sdk(out: &SdkOutcome) -> Result<(), ManifestError> {
    let has = |f: &str| out.mismatches.contains(&f);
    match out.result {
        SdkResult::Valid => return Ok(()),
        SdkResult::Mismatch if out.signature_verified => {
            if has("policy_bundle.enforcement_mode") {
                return Err(ManifestError::EnforcementMode);
            }
            if has("policy_bundle") {
                return Err(ManifestError::PolicyHash);
            }
            if has("tool_manifest") {
                return Err(ManifestError::CatalogHash);
            }
            return Err(ManifestError::SdkMismatch(out.mismatches.join(", ")));
        }
        SdkResult::Mismatch => {}
        SdkResult::Expired => return Err(ManifestError::Expired),
        SdkResult::SignatureMissing => return Err(ManifestError::SignatureMissing),
        SdkResult::Unverifiable => {
            return Err(ManifestError::Unverifiable(
                out.error
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ));
        }
        SdkResult::IncompatibleVersion => return Err(ManifestError::IncompatibleVersion),
    }
    match &out.error {
        Some(CoseError::Signature | CoseError::UnknownKey(_) | CoseError::BadKey(_)) | None => {
            Err(ManifestError::Signature)
        }
        Some(e) => Err(ManifestError::Envelope(e.clone())),
    }
}

/// The §7.4.4 comparison: names of the members that differ, in order.
pub fn compare_identity(b: &Binding, id: &AgentIdentity) -> Vec<&'static str> {
    let pairs: [(&'static str, Option<&str>, Option<&str>); 10] = [
        ("manifest_id", Some(&b.manifest_id), Some(&id.manifest_id)),
        ("agent_id", Some(&b.agent_id), Some(&id.agent_id)),
        (
            "authenticated_subject",
            Some(&b.authenticated_subject),
            Some(&id.authenticated_subject),
        ),
        (
            "subject_source",
            Some(&b.subject_source),
            Some(&id.subject_source),
        ),
        ("issuer", Some(&b.issuer), Some(&id.issuer)),
        (
            "issuer_key_id",
            Some(&b.issuer_key_id),
            Some(&id.issuer_key_id),
        ),
        (
            "policy_bundle_hash",
            Some(&b.policy_bundle_hash),
            Some(&id.policy_bundle_hash),
        ),
        (
            "tool_catalog_hash",
            Some(&b.tool_catalog_hash),
            Some(&id.tool_catalog_hash),
        ),
        (
            "intent_hash",
            b.intent_hash.as_deref(),
            id.intent_hash.as_deref(),
        ),
        (
            "enforcement_mode",
            b.enforcement_mode.as_deref(),
            id.enforcement_mode.as_deref(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, c)| match (a, c) {
            (Some(a), Some(c)) => !ct_eq(a.as_bytes(), c.as_bytes()),
            (None, None) => false,
            _ => true,
        })
        .map(|(n, _, _)| n)
        .collect()
}

// ---------------------------------------------------------------------------
// Conformance adapter for the AM-VEC-COSE vectors

/// The outcome of one COSE vector, in the vector's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoseVectorOutcome {
    /// `VALID`, `MISMATCH`, …
    pub result: String,
    /// Whether the signature verified.
    pub signature_verified: bool,
    /// `"sha256:" + hex(SHA-256(payload))` when the envelope decoded.
    pub manifest_hash: Option<String>,
}

/// Why a COSE vector file could not be run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CoseVectorError {
    /// A member is missing or malformed.
    #[error("vector member {0} is missing or malformed")]
    Member(&'static str),
}

/// Runs one AM-VEC-COSE vector: `envelope_hex`, `context.trusted_keys`
/// (hex kid → base64url key), optional `context.trusted_key_issuers`,
/// `system_prompt_hash`, `policy_bundle_hash`, `model_version`; appraised at `now`.
pub fn run_cose_vector(v: &Value, now: Timestamp) -> Result<CoseVectorOutcome, CoseVectorError> {
    let env_hex = v
        .get("envelope_hex")
        .and_then(Value::as_str)
        .ok_or(CoseVectorError::Member("envelope_hex"))?;
    let bytes = cmcp_json::encoding::hex_decode(env_hex)
        .map_err(|_| CoseVectorError::Member("envelope_hex"))?;
    let c = v.get("context").ok_or(CoseVectorError::Member("context"))?;
    let mut keys = BTreeMap::new();
    if let Some(o) = c.get("trusted_keys").and_then(Value::as_object) {
        for (kid, k) in o.iter() {
            let raw = k
                .as_str()
                .and_then(|s| b64u_decode_exact::<32>(s).ok())
                .ok_or(CoseVectorError::Member("trusted_keys"))?;
            keys.insert(kid.to_owned(), raw);
        }
    }
    let mut issuers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(o) = c.get("trusted_key_issuers").and_then(Value::as_object) {
        for (kid, list) in o.iter() {
            let l = list
                .as_array()
                .ok_or(CoseVectorError::Member("trusted_key_issuers"))?
                .iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or(CoseVectorError::Member("trusted_key_issuers"))?;
            issuers.insert(kid.to_owned(), l);
        }
    }
    let mut ctx = SdkContext::new(&keys, now);
    ctx.trusted_key_issuers = Some(&issuers);
    ctx.system_prompt_hash = c.get("system_prompt_hash").and_then(Value::as_str);
    ctx.policy_bundle_hash = c.get("policy_bundle_hash").and_then(Value::as_str);
    ctx.model_version = c.get("model_version").and_then(Value::as_str);
    let out = verify_cose(&bytes, &ctx);
    Ok(CoseVectorOutcome {
        result: out.result.as_str().to_owned(),
        signature_verified: out.signature_verified,
        manifest_hash: out.manifest_hash,
    })
}

#[cfg(test)]
mod tests;
