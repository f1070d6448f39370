//! Claim verification: every check of the product contract, in the
//! reference's order, recorded in the ledger.

use crate::binding::{StrictKey, chain_root_commitment, decode_nonce, decode_x, thumbprint};
use crate::model::{Claim, SchemaError};
use cmcp_json::canonical::pyjson_object_except;
use cmcp_json::encoding::{b64u_decode, ct_eq};
use cmcp_json::{Limits, ParseError};
use cmcp_policy::{
    Digest, EvidenceInput, FailureCode, Ledger, Outcome, PlatformVerifier, Timestamp,
    VerifyContext, VerifyOptions,
};

/// Fields that must all be `verified` for a claim to be `verified`.
pub const REQUIRED_FIELDS: &[&str] = &[
    "schema",
    "signature",
    "public_key_binding",
    "policy_bundle.hash",
    "tool_catalog.hash",
    "attestation_freshness",
    "audit_chain",
    "audit_chain_binding",
    "hardware_attestation",
    "launch_measurement",
];

/// The fields a claim needs `verified` under these options: every one of
/// [`REQUIRED_FIELDS`], plus `measurement_binding` when the relying party
/// pinned a gateway measurement (a pin that is not established must not
/// leave the claim `verified`).
///
/// ```
/// use cmcp_claim::required_fields;
/// use cmcp_policy::{Timestamp, VerifyOptions};
/// let mut o = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
/// assert!(!required_fields(&o).contains(&"measurement_binding"));
/// o.gateway_measurement = Some([0x5a; 32]);
/// assert!(required_fields(&o).contains(&"measurement_binding"));
/// ```
pub fn required_fields(opts: &VerifyOptions) -> Vec<&'static str> {
    let mut r = REQUIRED_FIELDS.to_vec();
    if opts.gateway_measurement.is_some() {
        r.push("measurement_binding");
    }
    r
}

/// Cap on one decoded evidence blob.
pub const MAX_EVIDENCE_BYTES: usize = 1024 * 1024;

/// Platforms whose report data carries the whole 64-byte nonce.
const REPORT_DATA_PLATFORMS: &[&str] = &["amd-sev-snp", "azure-cvm-sev-snp", "intel-tdx"];

/// What claim verification produced.
#[derive(Clone, Debug)]
pub struct ClaimCheck {
    /// Every check.
    pub ledger: Ledger,
    /// Age of the attestation, seconds (−1 when unknown).
    pub attestation_age_seconds: i64,
    /// True when the freshness check verified.
    pub is_attestation_fresh: bool,
    /// The claim, if it passed the schema.
    pub claim: Option<Claim>,
    /// The confirmation key, if it is a strict Ed25519 key and the claim signature verified.
    pub verified_key: Option<StrictKey>,
}

/// Why claim bytes could not even be read as a claim.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimParseError {
    /// Not acceptable JSON.
    #[error("claim is not acceptable JSON: {0}")]
    Json(#[from] ParseError),
    /// JSON that does not match the schema.
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

impl ClaimParseError {
    /// The `malformed_field` detail.
    pub fn malformed_field(&self) -> String {
        match self {
            ClaimParseError::Json(_) => "claim".into(),
            ClaimParseError::Schema(s) => s.malformed_field(),
        }
    }
}

/// Parses claim bytes (strict JSON, [`Limits::CLAIM`]) and validates the schema.
pub fn parse_claim(bytes: &[u8]) -> Result<Claim, ClaimParseError> {
    let v = cmcp_json::parse_with(bytes, Limits::CLAIM)?;
    Ok(Claim::from_value(v)?)
}

/// The bytes the gateway signs: the canonical form of the claim without its
/// top-level `signature` member.
pub fn signing_bytes(claim: &Claim) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    pyjson_object_except(claim.object(), Some("signature"), &mut out);
    out
}

fn malformed(err: &ClaimParseError) -> ClaimCheck {
    let mut ledger = Ledger::new();
    ledger.failed("schema", FailureCode::ClaimMalformed, err.to_string());
    let text = match err {
        ClaimParseError::Json(e) => e.to_string(),
        ClaimParseError::Schema(s) => s.describe(),
    };
    ledger.detail("schema_error", text);
    ledger.detail("malformed_field", err.malformed_field());
    ClaimCheck {
        ledger,
        attestation_age_seconds: -1,
        is_attestation_fresh: false,
        claim: None,
        verified_key: None,
    }
}

/// Verifies claim bytes: parse, schema, then [`verify_claim`].
///
/// ```
/// use cmcp_policy::{VerifyOptions, Timestamp, FailureCode};
/// let opts = VerifyOptions::at(Timestamp::from_unix(1_800_000_000));
/// let check = cmcp_claim::verify_claim_bytes(b"{\"trace\": 1}", &opts, &[]);
/// assert_eq!(check.ledger.failure_reason(), Some(FailureCode::ClaimMalformed));
/// assert_eq!(check.ledger.details()["malformed_field"], "trace");
/// ```
pub fn verify_claim_bytes(
    bytes: &[u8],
    opts: &VerifyOptions,
    platforms: &[&dyn PlatformVerifier],
) -> ClaimCheck {
    match parse_claim(bytes) {
        Ok(claim) => verify_claim(claim, opts, platforms),
        Err(e) => malformed(&e),
    }
}

/// Verifies a schema-valid claim. Every check runs and is recorded; the
/// status is derived from the ledger with [`REQUIRED_FIELDS`].
pub fn verify_claim(
    claim: Claim,
    opts: &VerifyOptions,
    platforms: &[&dyn PlatformVerifier],
) -> ClaimCheck {
    let mut l = Ledger::new();
    l.verified("schema", "claim matches the TRACE claim schema");
    let sw = claim.is_software_only();
    let platform = claim.trace.runtime.platform.as_str();
    if platform == "tpm2" && sw {
        l.detail(
            "platform_note",
            "tpm2 record with firmware software-only-dev-mode is a legacy software-only claim",
        );
    }

    let key = check_signature(&claim, &mut l);
    let x_text = claim.trace.jwk.x.clone().unwrap_or_default();
    let nonce = claim.trace.runtime.nonce.as_deref().map(decode_nonce);

    check_key_binding(sw, &x_text, nonce.as_ref(), &mut l);
    check_trusted_key(&claim, opts, &mut l);
    check_pin(
        &mut l,
        "policy_bundle.hash",
        &claim.trace.policy.bundle_hash,
        opts.policy_hash.as_ref(),
        FailureCode::PolicyHashMismatch,
        ("policy_hash_expected", "policy_hash_actual"),
        "--policy-hash",
    );
    check_pin(
        &mut l,
        "tool_catalog.hash",
        &claim.gateway.catalog_hash,
        opts.catalog_hash.as_ref(),
        FailureCode::CatalogHashMismatch,
        ("catalog_hash_expected", "catalog_hash_actual"),
        "--catalog-hash",
    );
    check_agent_key_thumbprint(&claim, &mut l);
    let (age, fresh) = check_freshness(&claim, opts, &mut l);
    let chain_ok = check_chain_summary(&claim, &mut l);
    if chain_ok {
        check_nonce_commitment(&claim, sw, nonce.as_ref(), opts, &mut l);
    } else {
        l.not_established(
            "audit_chain_binding",
            "audit chain summary is inconsistent, so its root binding was not checked",
        );
    }
    check_platform(&claim, sw, &x_text, nonce.as_ref(), opts, platforms, &mut l);
    if l.outcome_of("hardware_attestation") != Some(Outcome::Verified) {
        // The nonce is the claim's own word until an authenticated report carries it.
        for f in [
            "public_key_binding",
            "audit_chain_binding",
            "measurement_binding",
        ] {
            l.demote(f, "no authenticated hardware report carries this nonce");
        }
    }
    check_launch_measurement(&claim, opts, &mut l);

    let verified_key = if l.outcome_of("signature") == Some(Outcome::Verified) {
        key
    } else {
        None
    };
    ClaimCheck {
        ledger: l,
        attestation_age_seconds: age,
        is_attestation_fresh: fresh,
        claim: Some(claim),
        verified_key,
    }
}

fn check_signature(claim: &Claim, l: &mut Ledger) -> Option<StrictKey> {
    let fail = |l: &mut Ledger, why: String| {
        l.failed("signature", FailureCode::SignatureInvalid, why.clone());
        l.detail("signature_error", why);
    };
    let jwk = &claim.trace.jwk;
    if jwk.kty != "OKP" || jwk.crv.as_deref() != Some("Ed25519") {
        fail(
            l,
            format!(
                "trace.cnf.jwk must be kty OKP with crv Ed25519 (got kty {:?}, crv {:?})",
                jwk.kty, jwk.crv
            ),
        );
        return None;
    }
    let Some(x) = jwk.x.as_deref() else {
        fail(l, "trace.cnf.jwk.x is missing".into());
        return None;
    };
    let raw = match decode_x(x) {
        Ok(r) => r,
        Err(e) => {
            fail(
                l,
                format!("trace.cnf.jwk.x must be 32 bytes of canonical unpadded base64url: {e}"),
            );
            return None;
        }
    };
    let key = match StrictKey::from_bytes(&raw) {
        Ok(k) => k,
        Err(e) => {
            fail(
                l,
                format!("trace.cnf.jwk.x is not an acceptable Ed25519 key: {e}"),
            );
            return None;
        }
    };
    let sig = claim.signature.as_deref().unwrap_or("");
    if sig.is_empty() {
        fail(l, "claim carries no signature".into());
        return Some(key);
    }
    match key.verify_b64u(&crate::signing_bytes(claim), sig) {
        Ok(()) => l.verified(
            "signature",
            "Ed25519 signature over the canonical claim verifies under trace.cnf.jwk",
        ),
        Err(e) => fail(l, format!("claim signature rejected: {e}")),
    }
    Some(key)
}

fn check_key_binding(
    sw: bool,
    x: &str,
    nonce: Option<&Result<[u8; 64], cmcp_json::encoding::EncodingError>>,
    l: &mut Ledger,
) {
    const F: &str = "public_key_binding";
    let fail = |l: &mut Ledger, why: &str| {
        l.failed(F, FailureCode::PublicKeyNotBound, why);
        l.detail(F, why);
    };
    if sw {
        l.not_established(
            F,
            "software-only claim: no hardware report binds the confirmation key",
        );
        return;
    }
    match nonce {
        None => fail(
            l,
            "trace.runtime.nonce is absent, so no report data binds the confirmation key",
        ),
        Some(Err(_)) => fail(
            l,
            "trace.runtime.nonce is not 64 bytes of canonical unpadded base64url",
        ),
        Some(Ok(n)) => {
            let tp = thumbprint(x);
            if ct_eq(n.get(..32).unwrap_or(&[]), &tp) {
                l.verified(F, "nonce[0:32] is the RFC 7638 thumbprint of trace.cnf.jwk");
            } else {
                fail(
                    l,
                    "nonce[0:32] is not the thumbprint of trace.cnf.jwk: the key was not bound to this report",
                );
            }
        }
    }
}

fn check_trusted_key(claim: &Claim, opts: &VerifyOptions, l: &mut Ledger) {
    const F: &str = "trusted_public_key";
    let Some(pinned) = opts.trusted_key else {
        l.not_checked(F, "no gateway public key pinned (--trusted-key)");
        return;
    };
    let actual = claim.trace.jwk.x.as_deref().and_then(|x| decode_x(x).ok());
    match actual {
        Some(a) if ct_eq(&a, &pinned) => l.verified(F, "trace.cnf.jwk.x is the pinned gateway key"),
        _ => {
            let why = "trace.cnf.jwk.x is not the pinned gateway key";
            l.failed(F, FailureCode::PublicKeyNotBound, why);
            l.detail(F, why);
        }
    }
}

fn check_pin(
    l: &mut Ledger,
    field: &str,
    claimed: &str,
    pinned: Option<&Digest>,
    code: FailureCode,
    keys: (&str, &str),
    flag: &str,
) {
    let Some(pin) = pinned else {
        l.not_checked(field, format!("nothing pinned to compare with ({flag})"));
        return;
    };
    match Digest::parse_claimed(claimed) {
        Ok(d) if d.ct_eq(pin) => l.verified(field, "matches the pinned digest"),
        Ok(_) => {
            l.failed(field, code, "differs from the pinned digest");
            l.detail(keys.0, pin.to_string());
            l.detail(keys.1, claimed);
        }
        Err(_) => {
            l.failed(field, code, "claimed value is not a sha256/sha384 digest");
            l.detail(keys.0, pin.to_string());
            l.detail(keys.1, claimed);
        }
    }
}

fn check_agent_key_thumbprint(claim: &Claim, l: &mut Ledger) {
    const F: &str = "agent_identity.agent_key_thumbprint";
    let Some(id) = &claim.gateway.agent_identity else {
        return;
    };
    if id.agent_key_thumbprint.is_none() {
        return;
    }
    if id.subject_source == "svid" {
        l.verified(
            F,
            "thumbprint asserted for a live-authenticated (svid) subject",
        );
    } else {
        let why = format!(
            "agent_key_thumbprint is asserted but subject_source {:?} was not live-authenticated",
            id.subject_source
        );
        l.failed(
            F,
            FailureCode::AgentKeyThumbprintUnboundSubject,
            why.clone(),
        );
        l.detail("agent_key_thumbprint", why);
    }
}

fn check_freshness(claim: &Claim, opts: &VerifyOptions, l: &mut Ledger) -> (i64, bool) {
    const F: &str = "attestation_freshness";
    let g = &claim.gateway;
    let generated = match Timestamp::parse_rfc3339(&g.attestation_generated_at) {
        Ok(t) => t,
        Err(e) => {
            l.failed(
                F,
                FailureCode::AttestationStale,
                format!("attestation_generated_at: {e}"),
            );
            return (-1, false);
        }
    };
    let age = opts.now.seconds_since(generated);
    l.detail("attestation_age_seconds", age.to_string());
    let skew = i64::try_from(opts.future_skew_seconds).unwrap_or(i64::MAX);
    let max = i64::try_from(opts.max_age_seconds).unwrap_or(i64::MAX);
    let mut problems: Vec<String> = Vec::new();
    if g.attestation_stale {
        problems.push("the claim itself declares attestation_stale: true".into());
    }
    // `skew >= 0`; comparing magnitudes avoids negating either side.
    if age < 0 && age.unsigned_abs() > skew.unsigned_abs() {
        problems.push(format!(
            "attestation is dated {} s after the verification time (allowed skew {skew} s)",
            age.unsigned_abs()
        ));
    }
    if age > max {
        problems.push(format!(
            "attestation is {age} s old, over the maximum of {max} s"
        ));
    }
    if let Some(validity) = g.attestation_validity_seconds.as_i64()
        && age > validity
    {
        problems.push(format!(
            "attestation is {age} s old, past its own declared validity of {validity} s"
        ));
    } else if g.attestation_validity_seconds.is_negative() {
        problems.push("attestation_validity_seconds is negative".into());
    }
    if problems.is_empty() {
        l.verified(F, format!("attestation is {age} s old (maximum {max} s)"));
        (age, true)
    } else {
        l.failed(F, FailureCode::AttestationStale, problems.join("; "));
        (age, false)
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_chain_summary(claim: &Claim, l: &mut Ledger) -> bool {
    const F: &str = "audit_chain";
    let g = &claim.gateway;
    let ac = &g.audit_chain;
    let mut problems: Vec<String> = Vec::new();
    if ac.root.is_empty() || ac.tip.is_empty() {
        problems.push("gateway.audit_chain.root or .tip is empty".into());
    } else {
        if !is_hex64(&ac.root) {
            problems.push("gateway.audit_chain.root is not 64 lowercase hex digits".into());
        }
        if !is_hex64(&ac.tip) {
            problems.push("gateway.audit_chain.tip is not 64 lowercase hex digits".into());
        }
    }
    if ac.length.cmp_i64(1) == std::cmp::Ordering::Less {
        problems.push("gateway.audit_chain.length is below 1".into());
    } else if ac.length.as_i64() == Some(1) && ac.root != ac.tip {
        problems.push("a one-entry chain must have root equal to tip".into());
    }
    if let Some(tt) = &claim.trace.tool_transcript {
        if tt.hash != format!("sha256:{}", ac.tip) {
            problems
                .push("trace.tool_transcript.hash is not sha256:<gateway.audit_chain.tip>".into());
        }
        if let Some(cc) = &tt.call_count
            && *cc != g.call_summary.tool_calls_total
        {
            problems.push(
                "trace.tool_transcript.call_count differs from gateway.call_summary.tool_calls_total"
                    .into(),
            );
        }
    }
    let cs = &g.call_summary;
    let parts = [
        &cs.tool_calls_allowed,
        &cs.tool_calls_denied,
        &cs.tool_calls_faulted,
    ]
    .iter()
    .map(|i| i.as_i64())
    .collect::<Option<Vec<i64>>>();
    match (parts, cs.tool_calls_total.as_i64()) {
        (Some(p), Some(total)) => {
            if p.iter().any(|v| *v < 0) || total < 0 {
                problems.push("gateway.call_summary counts must not be negative".into());
            } else if p
                .iter()
                .try_fold(0i64, |a, v| a.checked_add(*v))
                .is_none_or(|s| s > total)
            {
                problems.push(
                    "gateway.call_summary allowed + denied + faulted exceeds tool_calls_total"
                        .into(),
                );
            }
        }
        _ => problems.push("gateway.call_summary counts are out of range".into()),
    }
    if !cs
        .tools_invoked
        .windows(2)
        .all(|w| matches!(w, [a, b] if a < b))
    {
        problems.push("gateway.call_summary.tools_invoked is not sorted and distinct".into());
    }
    if problems.is_empty() {
        l.verified(F, "audit chain summary is self-consistent");
        true
    } else {
        let why = problems.join("; ");
        l.failed(F, FailureCode::ChainBroken, why.clone());
        l.detail("chain_error", why);
        false
    }
}

fn check_nonce_commitment(
    claim: &Claim,
    sw: bool,
    nonce: Option<&Result<[u8; 64], cmcp_json::encoding::EncodingError>>,
    opts: &VerifyOptions,
    l: &mut Ledger,
) {
    const A: &str = "audit_chain_binding";
    const M: &str = "measurement_binding";
    let platform = claim.trace.runtime.platform.as_str();
    let fail_root = |l: &mut Ledger, why: &str| {
        l.failed(A, FailureCode::ChainRootNotBound, why);
        l.detail(A, why);
    };
    let commitment = match chain_root_commitment(&claim.gateway.audit_chain.root) {
        Ok(c) => c,
        Err(_) => {
            fail_root(l, "gateway.audit_chain.root is not 32 bytes of hex");
            return;
        }
    };
    let gm = opts.gateway_measurement;
    let second_half = |n: &[u8; 64]| -> [u8; 32] {
        let mut h = [0u8; 32];
        if let Some(src) = n.get(32..64) {
            h.copy_from_slice(src);
        }
        h
    };
    let not_established_gm = |l: &mut Ledger, why: &str| {
        if gm.is_some() {
            l.not_established(M, why);
        }
    };

    if sw {
        match nonce {
            None => {
                l.not_established(
                    A,
                    "software-only claim: no hardware report commits the audit-chain root",
                );
                not_established_gm(
                    l,
                    "software-only claim: no hardware report commits a gateway measurement",
                );
            }
            Some(Err(_)) => fail_root(
                l,
                "trace.runtime.nonce is not 64 bytes of canonical unpadded base64url",
            ),
            Some(Ok(n)) => {
                let h = second_half(n);
                if ct_eq(&h, &commitment) {
                    l.not_established(A, "software-only claim: nonce commits the root, but no hardware report backs it");
                    not_established_gm(
                        l,
                        "nonce[32:64] commits the audit-chain root, not a gateway measurement",
                    );
                } else if gm.is_some_and(|g| ct_eq(&h, &g)) {
                    l.not_established(A, "nonce[32:64] commits the gateway measurement instead of the audit-chain root");
                    l.not_established(M, "software-only claim: nonce commits the measurement, but no hardware report backs it");
                } else {
                    fail_root(l, "nonce[32:64] does not commit gateway.audit_chain.root");
                }
            }
        }
        return;
    }
    if platform == "tpm2" {
        l.not_established(
            A,
            "a TPM quote carries only nonce[0:32]; the audit-chain root is not hardware-committed",
        );
        not_established_gm(
            l,
            "a TPM quote carries only nonce[0:32]; no gateway measurement is committed",
        );
        return;
    }
    if !REPORT_DATA_PLATFORMS.contains(&platform) {
        l.not_established(
            A,
            format!(
                "platform {platform} is not supported, so the root commitment cannot be established"
            ),
        );
        not_established_gm(l, "platform not supported");
        return;
    }
    match nonce {
        None => fail_root(
            l,
            "trace.runtime.nonce is absent, so no report data commits the audit-chain root",
        ),
        Some(Err(_)) => fail_root(
            l,
            "trace.runtime.nonce is not 64 bytes of canonical unpadded base64url",
        ),
        Some(Ok(n)) => {
            let h = second_half(n);
            if ct_eq(&h, &commitment) {
                l.verified(A, "nonce[32:64] is SHA-256 of the audit-chain root");
                not_established_gm(
                    l,
                    "nonce[32:64] commits the audit-chain root, not a gateway measurement",
                );
            } else if let Some(g) = gm {
                if ct_eq(&h, &g) {
                    l.verified(M, "nonce[32:64] is the expected gateway measurement");
                    l.not_established(A, "nonce[32:64] commits the gateway measurement instead of the audit-chain root");
                } else {
                    fail_root(
                        l,
                        "nonce[32:64] commits neither the audit-chain root nor the expected gateway measurement",
                    );
                    let why = "nonce[32:64] is not the expected gateway measurement";
                    l.failed(M, FailureCode::MeasurementNotBound, why);
                    l.detail(M, why);
                }
            } else {
                fail_root(
                    l,
                    "nonce[32:64] does not commit gateway.audit_chain.root: the chain may have been substituted after attestation",
                );
            }
        }
    }
}

fn decode_evidence(
    name: &str,
    value: Option<&String>,
    l: &mut Ledger,
) -> Result<Option<Vec<u8>>, ()> {
    let Some(text) = value.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if text.len() > MAX_EVIDENCE_BYTES / 3 * 4 + 4 {
        let why = format!(
            "gateway.attestation_evidence.{name} is over the cap of {MAX_EVIDENCE_BYTES} bytes"
        );
        l.failed(
            "hardware_attestation",
            FailureCode::HardwareAttestationFailed,
            why.clone(),
        );
        l.detail("hardware_attestation", why);
        return Err(());
    }
    match b64u_decode(text) {
        Ok(b) => Ok(Some(b)),
        Err(_) => {
            let why =
                format!("gateway.attestation_evidence.{name} is not canonical unpadded base64url");
            l.failed(
                "hardware_attestation",
                FailureCode::HardwareAttestationFailed,
                why.clone(),
            );
            l.detail("hardware_attestation", why);
            Err(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_platform(
    claim: &Claim,
    sw: bool,
    x: &str,
    nonce: Option<&Result<[u8; 64], cmcp_json::encoding::EncodingError>>,
    opts: &VerifyOptions,
    platforms: &[&dyn PlatformVerifier],
    l: &mut Ledger,
) {
    const H: &str = "hardware_attestation";
    let platform = claim.trace.runtime.platform.as_str();
    if sw {
        let why = "software-only mode: not hardware-backed";
        l.not_established(H, why);
        l.detail(H, why);
        return;
    }
    let nonce_ok = match nonce {
        Some(Ok(n)) => Some(n),
        _ => None,
    };
    if REPORT_DATA_PLATFORMS.contains(&platform) && nonce_ok.is_none() {
        let why = "trace.runtime.nonce must encode exactly 64 bytes as canonical unpadded base64url; the report binding cannot be checked";
        l.failed(H, FailureCode::HardwareAttestationFailed, why);
        l.detail(H, why);
        return;
    }
    let ev = claim
        .gateway
        .attestation_evidence
        .clone()
        .unwrap_or_default();
    let blobs = (
        decode_evidence("raw_evidence", ev.raw_evidence.as_ref(), l),
        decode_evidence("quote_signature", ev.quote_signature.as_ref(), l),
        decode_evidence("cert_chain", ev.cert_chain.as_ref(), l),
        decode_evidence("ek_cert_chain", ev.ek_cert_chain.as_ref(), l),
    );
    let (Ok(raw), Ok(qsig), Ok(chain), Ok(ek)) = blobs else {
        return;
    };
    let Some(verifier) = platforms.iter().find(|p| p.supports(platform)) else {
        let why = match platform {
            "amd-sev-snp" | "azure-cvm-sev-snp" | "intel-tdx" | "tpm2" => {
                format!("no {platform} evidence verifier is built into this verifier")
            }
            _ => format!("platform {platform} attestation verification is not supported"),
        };
        l.not_established(H, why.clone());
        l.detail(H, why);
        return;
    };
    let input = EvidenceInput {
        platform,
        claimed_measurement: Some(claim.trace.runtime.measurement.as_str()),
        nonce: nonce_ok.map(|n| n.as_slice()),
        key_thumbprint: (!x.is_empty()).then(|| thumbprint(x)),
        raw_evidence: raw.as_deref(),
        quote_signature: qsig.as_deref(),
        cert_chain: chain.as_deref(),
        ek_cert_chain: ek.as_deref(),
    };
    let ctx = VerifyContext {
        now: opts.now,
        future_skew_seconds: opts.future_skew_seconds,
        trust: &opts.trust,
    };
    let before = l.entries().iter().filter(|e| e.field == H).count();
    verifier.verify(&input, &ctx, l);
    let after = l.entries().iter().filter(|e| e.field == H).count();
    if after == before {
        l.not_established(
            H,
            "the platform verifier recorded no hardware attestation outcome",
        );
    }
}

fn check_launch_measurement(claim: &Claim, opts: &VerifyOptions, l: &mut Ledger) {
    const F: &str = "launch_measurement";
    let Some(pins) = &opts.launch_measurements else {
        let why = "not pinned: pass --launch-measurement to establish which code ran";
        l.not_checked(F, why);
        l.detail(F, why);
        return;
    };
    let claimed = Digest::parse_claimed(&claim.trace.runtime.measurement).ok();
    let approved = claimed
        .as_ref()
        .is_some_and(|c| pins.iter().any(|p| p.ct_eq(c)));
    if !approved {
        let why = "trace.runtime.measurement is not an approved launch measurement";
        l.failed(F, FailureCode::HardwareAttestationFailed, why);
        l.detail(F, why);
    } else if l.outcome_of("hardware_attestation") == Some(Outcome::Verified) {
        l.verified(
            F,
            "hardware-attested measurement is an approved launch measurement",
        );
    } else {
        let why = "measurement is approved but not hardware-attested";
        l.not_established(F, why);
        l.detail(F, why);
    }
}
