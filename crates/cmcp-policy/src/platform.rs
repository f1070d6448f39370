//! The seam hardware-attestation crates plug into.

use crate::ledger::Ledger;
use crate::options::TrustInputs;
use crate::time::Timestamp;

/// What a platform verifier gets from a claim (or from the `evidence`
/// command). Evidence blobs are already decoded from the claim's base64url.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvidenceInput<'a> {
    /// `trace.runtime.platform`.
    pub platform: &'a str,
    /// `trace.runtime.measurement` as claimed (`sha256:…` / `sha384:…`), if any.
    pub claimed_measurement: Option<&'a str>,
    /// The claim's nonce: 64 bytes (`thumbprint ‖ chain-root commitment`);
    /// the `evidence` command may pass 32 bytes for `tpm2`.
    pub nonce: Option<&'a [u8]>,
    /// RFC 7638 thumbprint of the claim's confirmation key, when known.
    pub key_thumbprint: Option<[u8; 32]>,
    /// `raw_evidence`.
    pub raw_evidence: Option<&'a [u8]>,
    /// `quote_signature`.
    pub quote_signature: Option<&'a [u8]>,
    /// `cert_chain`.
    pub cert_chain: Option<&'a [u8]>,
    /// `ek_cert_chain`.
    pub ek_cert_chain: Option<&'a [u8]>,
}

/// Verification-wide inputs a platform verifier may use.
#[derive(Clone, Copy, Debug)]
pub struct VerifyContext<'a> {
    /// The time to verify at.
    pub now: Timestamp,
    /// Allowed future skew of dated evidence, seconds.
    pub future_skew_seconds: u64,
    /// Pinned roots.
    pub trust: &'a TrustInputs,
}

/// A hardware-attestation verifier for one or more `trace.runtime.platform` values.
///
/// Contract: `verify` records exactly one `hardware_attestation` entry —
/// `verified` only when the evidence is authentic up to a root the relying
/// party pinned, binds the nonce, and passes the appraisal policy; `failed`
/// (code `HARDWARE_ATTESTATION_FAILED`, or `ATTESTATION_STALE` for evidence
/// dated after `now` plus skew) when a check ran and failed; otherwise
/// `not_established` with the reason. It may record further entries for the
/// individual checks (`measurement`, `report_data`, `vcek_cert_chain`, …).
/// It never performs network I/O and never panics on any input.
///
/// ```
/// use cmcp_policy::*;
/// struct Never;
/// impl PlatformVerifier for Never {
///     fn supports(&self, platform: &str) -> bool { platform == "arm-cca" }
///     fn verify(&self, _: &EvidenceInput<'_>, _: &VerifyContext<'_>, l: &mut Ledger) {
///         l.not_established("hardware_attestation", "not implemented");
///     }
/// }
/// assert!(Never.supports("arm-cca"));
/// ```
pub trait PlatformVerifier: Send + Sync {
    /// True if this verifier handles `platform`.
    fn supports(&self, platform: &str) -> bool;
    /// Checks the evidence and records the outcome.
    fn verify(&self, input: &EvidenceInput<'_>, ctx: &VerifyContext<'_>, ledger: &mut Ledger);
}
