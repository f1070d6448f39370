//! DCAP authentication of a parsed TD quote.
//!
//! The steps, each its own function so the verifier can record them:
//!
//! 1. [`verify_quote_signature`] — ECDSA P-256/SHA-256 over exactly
//!    [`TdQuote::signed_region`] by the attestation key (raw `r‖s`);
//! 2. [`verify_qe_binding`] — QE REPORTDATA`[0..32]` = SHA-256(attestation
//!    key ‖ QE auth data) and REPORTDATA`[32..64]` zero;
//! 3. [`pck_chain`] — the nested type-5 PEM chain, leaf first;
//! 4. [`verify_qe_report_signature`] — the QE report signed by the PCK leaf;
//! 5. [`verify_pck_chain`] — the chain to a pinned Intel SGX Root CA,
//!    appending the root only when the chain does not already end with it
//!    (contract decision 11), validity at `now`.

use crate::parse::{QE_REPORT_REPORTDATA_OFFSET, TdQuote};
use cmcp_json::encoding::ct_eq;
use cmcp_policy::{Timestamp, TrustInputs};
use cmcp_x509::{Certificate, ChainPolicy, Crl, VerifiedChain};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest as _, Sha256};

/// Why a quote did not authenticate. [`AuthError::reference_string`] gives
/// the reference's failure string (the `tdx_failure` detail).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The attestation key is not a valid P-256 point.
    #[error("attestation key is not a valid P-256 point: {0}")]
    AttestationKeyInvalid(String),
    /// The quote signature does not verify over the signed region.
    #[error("quote signature does not verify over the signed region")]
    QuoteSignatureInvalid,
    /// QE REPORTDATA does not commit the attestation key and QE auth data.
    #[error("QE report data does not commit the attestation key: {0}")]
    AttestationKeyNotBound(&'static str),
    /// The PCK chain does not decode.
    #[error("PCK chain does not decode: {0}")]
    PckChainParse(String),
    /// The PCK chain holds no certificate.
    #[error("PCK chain holds no certificate")]
    PckChainEmpty,
    /// The QE report signature does not verify under the PCK leaf.
    #[error("QE report signature does not verify under the PCK leaf: {0}")]
    QeReportSignatureInvalid(String),
    /// A pinned Intel root does not decode.
    #[error("pinned Intel root does not decode: {0}")]
    IntelRootParse(String),
    /// The PCK chain does not validate to a pinned root.
    #[error("PCK chain does not validate to a pinned Intel root: {0}")]
    PckChainInvalid(String),
}

impl AuthError {
    /// The reference's failure string (`quote_signature_invalid`,
    /// `pck_chain_parse_error: <message>`, …).
    pub fn reference_string(&self) -> String {
        match self {
            AuthError::AttestationKeyInvalid(m) => format!("attestation_key_invalid: {m}"),
            AuthError::QuoteSignatureInvalid => "quote_signature_invalid".to_owned(),
            AuthError::AttestationKeyNotBound(_) => "attestation_key_not_bound_to_qe".to_owned(),
            AuthError::PckChainParse(m) => format!("pck_chain_parse_error: {m}"),
            AuthError::PckChainEmpty => "pck_chain_empty".to_owned(),
            AuthError::QeReportSignatureInvalid(_) => "qe_report_signature_invalid".to_owned(),
            AuthError::IntelRootParse(m) => format!("intel_root_parse_error: {m}"),
            AuthError::PckChainInvalid(_) => "pck_chain_invalid".to_owned(),
        }
    }
}

/// Verifies a raw `r‖s` P-256/SHA-256 signature under a raw `x‖y` key.
fn verify_p256_raw(key_xy: &[u8; 64], msg: &[u8], sig_rs: &[u8; 64]) -> Result<(), AuthError> {
    let mut sec1 = [0u8; 65];
    sec1[0] = 0x04;
    if let Some(dst) = sec1.get_mut(1..) {
        dst.copy_from_slice(key_xy);
    }
    let key = VerifyingKey::from_sec1_bytes(&sec1)
        .map_err(|e| AuthError::AttestationKeyInvalid(e.to_string()))?;
    let sig = Signature::from_slice(sig_rs).map_err(|_| AuthError::QuoteSignatureInvalid)?;
    key.verify(msg, &sig)
        .map_err(|_| AuthError::QuoteSignatureInvalid)
}

/// Step 1: the quote signature over exactly the signed region.
///
/// ```no_run
/// let raw = std::fs::read("tdx_quote.bin").unwrap();
/// let q = cmcp_tdx::parse::TdQuote::parse(&raw).unwrap();
/// cmcp_tdx::authenticate::verify_quote_signature(&q).unwrap();
/// ```
pub fn verify_quote_signature(q: &TdQuote) -> Result<(), AuthError> {
    verify_p256_raw(&q.attestation_key, &q.signed_region, &q.signature)
}

/// Step 2: QE REPORTDATA`[0..32]` = SHA-256(attestation key ‖ QE auth
/// data) and REPORTDATA`[32..64]` all zero (compared in constant time).
pub fn verify_qe_binding(q: &TdQuote) -> Result<(), AuthError> {
    let mut h = Sha256::new();
    h.update(q.attestation_key);
    h.update(&q.qe_auth_data);
    let want = h.finalize();
    let rd = &q.qe_report.report_data;
    let (first, second) = rd.split_at(32);
    if !ct_eq(first, &want) {
        return Err(AuthError::AttestationKeyNotBound(
            "REPORTDATA[0..32] is not SHA-256(attestation key || QE auth data)",
        ));
    }
    if !ct_eq(second, &[0u8; 32]) {
        return Err(AuthError::AttestationKeyNotBound(
            "REPORTDATA[32..64] is not zero",
        ));
    }
    debug_assert_eq!(QE_REPORT_REPORTDATA_OFFSET, 320);
    Ok(())
}

/// Step 3: the nested type-5 PEM chain, leaf first (a trailing NUL or
/// other bytes after the last `END` line are tolerated).
pub fn pck_chain(q: &TdQuote) -> Result<Vec<Certificate>, AuthError> {
    let ders =
        crate::parse::pem_certificates(&q.pck_chain_pem).map_err(AuthError::PckChainParse)?;
    if ders.is_empty() {
        return Err(AuthError::PckChainEmpty);
    }
    if ders.len() > cmcp_x509::MAX_BUNDLE_CERTS {
        return Err(AuthError::PckChainParse(format!(
            "{} certificates, more than {}",
            ders.len(),
            cmcp_x509::MAX_BUNDLE_CERTS
        )));
    }
    ders.iter()
        .map(|d| Certificate::from_der(d).map_err(|e| AuthError::PckChainParse(e.to_string())))
        .collect()
}

/// Step 4: the QE report (384 bytes) signed by the PCK leaf (ECDSA
/// P-256/SHA-256, raw `r‖s`).
pub fn verify_qe_report_signature(q: &TdQuote, leaf: &Certificate) -> Result<(), AuthError> {
    let key = leaf
        .public_key()
        .map_err(|e| AuthError::QeReportSignatureInvalid(e.to_string()))?;
    let (r, s) = q.qe_report_signature.split_at(32);
    let r: [u8; 32] = r
        .try_into()
        .map_err(|_| AuthError::QeReportSignatureInvalid("r".into()))?;
    let s: [u8; 32] = s
        .try_into()
        .map_err(|_| AuthError::QeReportSignatureInvalid("s".into()))?;
    key.verify_ecdsa_p256_sha256_rs(&r, &s, &q.qe_report.raw)
        .map_err(|e| AuthError::QeReportSignatureInvalid(e.to_string()))
}

/// The Intel roots the relying party pinned: every `TrustInputs::intel_root`
/// entry (PEM bundle or DER), plus the embedded Intel SGX Root CA only when
/// `builtin_roots` is set. An empty result means "no root pinned".
pub fn pinned_roots(trust: &TrustInputs) -> Result<Vec<Certificate>, AuthError> {
    let mut out = Vec::new();
    for r in &trust.intel_root {
        let certs =
            cmcp_x509::parse_certs(r).map_err(|e| AuthError::IntelRootParse(e.to_string()))?;
        out.extend(certs);
    }
    if trust.builtin_roots {
        let certs = cmcp_x509::parse_pem_bundle(crate::roots::INTEL_SGX_ROOT_CA_PEM.as_bytes())
            .map_err(|e| AuthError::IntelRootParse(e.to_string()))?;
        out.extend(certs);
    }
    Ok(out)
}

/// Step 5: the PCK chain to one of `roots` at `now`. The root is appended
/// only when the presented chain does not already end with it (contract
/// decision 11; the reference appends it unconditionally and then fails
/// the root's pathLen constraint on every genuine quote). `crls` (PCK CRL,
/// root CA CRL) are applied to every non-root certificate.
pub fn verify_pck_chain(
    chain: &[Certificate],
    roots: &[Certificate],
    now: Timestamp,
    crls: Vec<Crl>,
) -> Result<VerifiedChain, AuthError> {
    if chain.is_empty() {
        return Err(AuthError::PckChainEmpty);
    }
    let mut policy = ChainPolicy::at(now);
    policy.crls = crls;
    cmcp_x509::verify_chain(chain, roots, &policy)
        .map_err(|e| AuthError::PckChainInvalid(e.to_string()))
}
