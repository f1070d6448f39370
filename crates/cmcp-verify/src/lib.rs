//! cmcp-verify: check a cMCP TRACE Claim (and its audit bundle) without
//! trusting the operator.
//!
//! This crate is a thin façade: it re-exports each layer and wires the
//! platform verifiers into claim verification.
//!
//! ```
//! use cmcp_verify::{Verifier, VerifyOptions, Timestamp, Status};
//! let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
//! let result = Verifier::new().verify_claim(b"not json", None, &opts);
//! assert_eq!(result.status, Status::Unverified);
//! assert_eq!(result.failure_reason.unwrap().as_str(), "CLAIM_MALFORMED");
//! ```

/// The largest file each relying-party or platform input may be, taken from
/// the layer that parses it, so a reader can stop after `cap + 1` bytes and
/// let that layer report the excess (a verdict for evidence, a usage error
/// for configuration) without holding more in memory.
///
/// ```
/// assert_eq!(cmcp_verify::caps::TPM_NV_CERTIFY, 64 * 1024);
/// assert_eq!(cmcp_verify::caps::TPM_EVENT_LOG, 8 * 1024 * 1024);
/// ```
pub mod caps {
    /// A PEM or DER certificate bundle (pinned roots, trust-store files).
    pub const CERTIFICATES: usize = cmcp_x509::MAX_BUNDLE_BYTES;
    /// A certificate revocation list.
    pub const CRL: usize = cmcp_x509::MAX_CRL_BYTES;
    /// Any JSON document (policy file, receipts, entries, payloads, PCR values).
    pub const JSON_DOCUMENT: usize = cmcp_json::Limits::CLAIM.max_bytes;
    /// An Agent Manifest (v0.1 JSON or v0.2 COSE).
    pub const AGENT_MANIFEST: usize = cmcp_receipt::manifest::MAX_MANIFEST_BYTES;
    /// TDX collateral.
    #[cfg(feature = "tdx")]
    pub const TDX_COLLATERAL: usize = cmcp_tdx::collateral::MAX_COLLATERAL_LEN;
    /// TDX collateral (TDX support not built: nothing reads it).
    #[cfg(not(feature = "tdx"))]
    pub const TDX_COLLATERAL: usize = JSON_DOCUMENT;
    /// A TCG event log.
    #[cfg(feature = "tpm")]
    pub const TPM_EVENT_LOG: usize = cmcp_tpm::eventlog::MAX_LOG_BYTES;
    /// A TCG event log (TPM support not built: nothing reads it).
    #[cfg(not(feature = "tpm"))]
    pub const TPM_EVENT_LOG: usize = JSON_DOCUMENT;
    /// An NV-certify envelope.
    #[cfg(feature = "tpm")]
    pub const TPM_NV_CERTIFY: usize = cmcp_tpm::nvcertify::MAX_ENVELOPE_BYTES;
    /// An NV-certify envelope (TPM support not built: nothing reads it).
    #[cfg(not(feature = "tpm"))]
    pub const TPM_NV_CERTIFY: usize = 64 * 1024;
}

pub mod output;
pub mod receipts;

pub use cmcp_chain as chain;
pub use cmcp_claim as claim;
pub use cmcp_json as json;
pub use cmcp_policy as policy;
pub use cmcp_receipt as receipt;

pub use cmcp_policy::{
    BundleFailure, BundleSummary, Digest, EvidenceInput, FailureCode, Ledger, Outcome,
    PlatformVerifier, Status, Timestamp, TrustInputs, VerificationResult, VerifyContext,
    VerifyOptions, decide,
};

use cmcp_chain::{BundleContext, verify_bundle_reader};
use cmcp_claim::verify_claim_bytes;

/// A relying-party input that cannot be used, and which input it is.
///
/// ```
/// use cmcp_verify::{ConfigInput, Verifier, VerifyOptions, Timestamp};
/// let mut opts = VerifyOptions::at(Timestamp::from_unix(1_800_000_000));
/// opts.platform_inputs.insert("tpm_pcrs".into(), vec![b"not json".to_vec()]);
/// let e = Verifier::from_options(&opts).err().unwrap();
/// assert_eq!(e.input, ConfigInput::TpmPcrs);
/// assert_eq!(e.input.flag(), "--pcrs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// The input at fault.
    pub input: ConfigInput,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    #[cfg(any(feature = "sev-snp", feature = "tdx", feature = "tpm"))]
    fn new(input: ConfigInput, message: String) -> Self {
        ConfigError { input, message }
    }
}

/// The relying-party inputs [`Verifier::from_options`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigInput {
    /// The appraisal policy (`VerifyOptions::appraisal`: the policy file and
    /// its `SECTION.KNOB=VALUE` overrides).
    Appraisal,
    /// TDX collateral (`platform_inputs["tdx_collateral"]`).
    TdxCollateral,
    /// SEV-SNP CRLs (`platform_inputs["snp_crl"]`).
    SnpCrl,
    /// TPM PCR values (`platform_inputs["tpm_pcrs"]`).
    TpmPcrs,
    /// A TPM event log (`platform_inputs["tpm_event_log"]`).
    TpmEventLog,
    /// A TPM NV-certify envelope (`platform_inputs["tpm_nv_certify"]`).
    TpmNvCertify,
    /// The expected gateway digest (`platform_inputs["tpm_gateway_digest"]`).
    TpmGatewayDigest,
}

impl ConfigInput {
    /// The CLI flag that supplies this input (`--appraise` knobs also feed
    /// [`ConfigInput::Appraisal`]).
    pub fn flag(self) -> &'static str {
        match self {
            ConfigInput::Appraisal => "--policy",
            ConfigInput::TdxCollateral => "--collateral",
            ConfigInput::SnpCrl => "--crl",
            ConfigInput::TpmPcrs => "--pcrs",
            ConfigInput::TpmEventLog => "--event-log",
            ConfigInput::TpmNvCertify => "--nv-certify",
            ConfigInput::TpmGatewayDigest => "--gateway-digest",
        }
    }

    #[cfg(any(feature = "tdx", feature = "tpm"))]
    fn of_platform_input(name: &str) -> ConfigInput {
        match name {
            "tdx_collateral" => ConfigInput::TdxCollateral,
            "snp_crl" => ConfigInput::SnpCrl,
            "tpm_pcrs" => ConfigInput::TpmPcrs,
            "tpm_event_log" => ConfigInput::TpmEventLog,
            "tpm_nv_certify" => ConfigInput::TpmNvCertify,
            "tpm_gateway_digest" => ConfigInput::TpmGatewayDigest,
            _ => ConfigInput::Appraisal,
        }
    }
}

/// Claim and bundle verification with a set of platform verifiers.
#[derive(Default)]
pub struct Verifier {
    platforms: Vec<Box<dyn PlatformVerifier>>,
}

impl Verifier {
    /// A verifier with no hardware platform support: hardware claims are
    /// `not_established` (never verified).
    pub fn new() -> Self {
        Verifier::default()
    }

    /// Adds a platform verifier (consulted in the order added).
    pub fn with_platform(mut self, p: Box<dyn PlatformVerifier>) -> Self {
        self.platforms.push(p);
        self
    }

    /// A verifier with every platform verifier built into this crate
    /// (by feature), each configured from the relying party's appraisal
    /// policy file in `opts.appraisal`.
    ///
    /// ```
    /// use cmcp_verify::{Verifier, VerifyOptions, Timestamp};
    /// let opts = VerifyOptions::at(Timestamp::from_unix(1_800_000_000));
    /// assert!(Verifier::from_options(&opts).is_ok());
    /// ```
    pub fn from_options(opts: &VerifyOptions) -> Result<Verifier, ConfigError> {
        #[allow(unused_mut)]
        let mut v = Verifier::new();
        #[cfg(feature = "tpm")]
        {
            let mut tpm = cmcp_tpm::TpmVerifier::from_policy_file(opts.appraisal.as_ref())
                .map_err(|e| {
                    ConfigError::new(ConfigInput::Appraisal, format!("tpm policy: {e}"))
                })?;
            if let Some(p) = single_input(opts, "tpm_pcrs")? {
                let pcrs = cmcp_tpm::bind::PcrValues::from_json_bytes(p).map_err(|e| {
                    ConfigError::new(ConfigInput::TpmPcrs, format!("tpm pcrs: {e}"))
                })?;
                tpm = tpm.with_pcr_values(pcrs);
            }
            if let Some(log) = single_input(opts, "tpm_event_log")? {
                tpm = tpm.with_event_log(log.to_vec());
            }
            if let Some(env) = single_input(opts, "tpm_nv_certify")? {
                tpm = tpm.with_nv_certify(env.to_vec());
            }
            if let Some(d) = single_input(opts, "tpm_gateway_digest")? {
                let d = <[u8; 32]>::try_from(d).map_err(|_| {
                    ConfigError::new(
                        ConfigInput::TpmGatewayDigest,
                        "tpm gateway digest: must be 32 bytes".to_owned(),
                    )
                })?;
                tpm = tpm.with_gateway_digest(d);
            }
            v = v.with_platform(Box::new(tpm));
        }
        #[cfg(feature = "sev-snp")]
        {
            let section = opts.appraisal.as_ref().and_then(|v| v.get("sev_snp"));
            let mut snp = cmcp_sev_snp::SnpVerifier::from_policy_json(section).map_err(|e| {
                ConfigError::new(ConfigInput::Appraisal, format!("sev_snp policy: {e}"))
            })?;
            for crl in inputs(opts, "snp_crl") {
                snp = snp.with_crl(crl.clone());
            }
            v = v.with_platform(Box::new(snp));
        }
        #[cfg(feature = "tdx")]
        {
            let mut tdx = cmcp_tdx::TdxVerifier::from_policy_json(opts.appraisal.as_ref())
                .map_err(|e| {
                    ConfigError::new(ConfigInput::Appraisal, format!("tdx policy: {e}"))
                })?;
            if let Some(c) = single_input(opts, "tdx_collateral")? {
                let c = cmcp_tdx::collateral::Collateral::from_json(c).map_err(|e| {
                    ConfigError::new(ConfigInput::TdxCollateral, format!("tdx collateral: {e}"))
                })?;
                tdx = tdx.with_collateral(c);
            }
            v = v.with_platform(Box::new(tdx));
        }
        let _ = opts;
        Ok(v)
    }

    fn platform_refs(&self) -> Vec<&dyn PlatformVerifier> {
        self.platforms.iter().map(|b| b.as_ref()).collect()
    }

    /// Verifies claim bytes and, when given, the audit bundle that belongs to it.
    /// A failing bundle makes the whole result `unverified`.
    pub fn verify_claim(
        &self,
        claim: &[u8],
        bundle: Option<&[u8]>,
        opts: &VerifyOptions,
    ) -> VerificationResult {
        self.verify_claim_reader(claim, bundle, opts)
    }

    /// [`Verifier::verify_claim`] with the bundle read from any reader in
    /// one pass, in memory independent of its number of entries (each entry
    /// is capped at [`chain::MAX_ENTRY_BYTES`]; the reader caps the whole).
    ///
    /// ```
    /// use cmcp_verify::{Verifier, VerifyOptions, Timestamp, Status};
    /// let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    /// let bundle = std::io::Cursor::new(br#"{"entries":[]}"#.to_vec());
    /// let r = Verifier::new().verify_claim_reader(b"{}", Some(bundle), &opts);
    /// assert_eq!(r.status, Status::Unverified);
    /// assert_eq!(r.bundle.unwrap().failures[0].code, "BUNDLE_EMPTY");
    /// ```
    pub fn verify_claim_reader<R: std::io::Read>(
        &self,
        claim: &[u8],
        bundle: Option<R>,
        opts: &VerifyOptions,
    ) -> VerificationResult {
        let check = verify_claim_bytes(claim, opts, &self.platform_refs());
        let mut ledger = check.ledger;
        if let (Some(m), Some(c)) = (&opts.agent_manifest, &check.claim) {
            bind_agent_manifest(m, c, opts, &mut ledger);
        }
        let mut required: Vec<&str> = cmcp_claim::required_fields(opts);
        if opts.agent_manifest.is_some() {
            required.push("agent_manifest.binding");
        }
        let mut summary = None;
        if let Some(b) = bundle {
            let problem = claim_problem(check.claim.is_some(), check.verified_key.is_some());
            let ctx = BundleContext {
                claim: check.claim.as_ref(),
                claim_key: check.verified_key.as_ref(),
                claim_problem: problem,
                evidence_keys: evidence_keys(opts),
            };
            let report = verify_bundle_reader(b, ctx);
            ledger.extend(report.ledger);
            required.extend_from_slice(cmcp_chain::REQUIRED_FIELDS);
            summary = Some(report.summary);
        }
        let (status, failure_reason) = decide(&ledger, &required);
        VerificationResult {
            status,
            failure_reason,
            ledger,
            attestation_age_seconds: check.attestation_age_seconds,
            is_attestation_fresh: check.is_attestation_fresh,
            bundle: summary,
        }
    }

    /// Verifies an audit bundle, against its claim when given (the claim's
    /// schema and signature are checked so that its key can vouch for the bundle).
    pub fn verify_bundle(
        &self,
        bundle: &[u8],
        claim: Option<&[u8]>,
        opts: &VerifyOptions,
    ) -> VerificationResult {
        self.verify_bundle_reader(bundle, claim, opts)
    }

    /// [`Verifier::verify_bundle`] with the bundle read from any reader in
    /// one pass, in memory independent of its number of entries.
    ///
    /// ```
    /// use cmcp_verify::{Verifier, VerifyOptions, Timestamp, Status};
    /// let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    /// let r = Verifier::new().verify_bundle_reader(&b"[]"[..], None, &opts);
    /// assert_eq!(r.status, Status::Unverified);
    /// ```
    pub fn verify_bundle_reader<R: std::io::Read>(
        &self,
        bundle: R,
        claim: Option<&[u8]>,
        opts: &VerifyOptions,
    ) -> VerificationResult {
        let check = claim.map(|c| verify_claim_bytes(c, opts, &self.platform_refs()));
        let problem = check
            .as_ref()
            .and_then(|c| claim_problem(c.claim.is_some(), c.verified_key.is_some()));
        let ctx = BundleContext {
            claim: check.as_ref().and_then(|c| c.claim.as_ref()),
            claim_key: check.as_ref().and_then(|c| c.verified_key.as_ref()),
            claim_problem: problem,
            evidence_keys: evidence_keys(opts),
        };
        let report = verify_bundle_reader(bundle, ctx);
        let mut ledger = report.ledger;
        // The bundle is only as trustworthy as the claim whose key signed it.
        const CLAIM: &str = "audit_bundle.claim";
        match &check {
            None => ledger.not_established(CLAIM, "no claim given: nothing vouches for the bundle's signer"),
            Some(c) => match decide(&c.ledger, &cmcp_claim::required_fields(opts)) {
                (Status::Verified, _) => ledger.verified(CLAIM, "the claim that signed the bundle is verified"),
                (Status::PartiallyVerified, _) => ledger.not_established(
                    CLAIM,
                    format!(
                        "the claim that signed the bundle is only partially verified (not established: {})",
                        c.ledger.unverified_fields().join(", ")
                    ),
                ),
                (Status::Unverified, code) => ledger.failed(
                    CLAIM,
                    code.unwrap_or(FailureCode::ClaimMalformed),
                    "the claim that signed the bundle is unverified",
                ),
            },
        }
        let mut required: Vec<&str> = cmcp_chain::REQUIRED_FIELDS.to_vec();
        required.push(CLAIM);
        let (status, failure_reason) = decide(&ledger, &required);
        VerificationResult {
            status,
            failure_reason,
            ledger,
            attestation_age_seconds: check.as_ref().map_or(-1, |c| c.attestation_age_seconds),
            is_attestation_fresh: check.as_ref().is_some_and(|c| c.is_attestation_fresh),
            bundle: Some(report.summary),
        }
    }

    /// Checks one platform's evidence alone, as claim verification would.
    /// `verified` when the evidence is authentic, bound to the nonce, and passes appraisal.
    pub fn verify_evidence(
        &self,
        input: &EvidenceInput<'_>,
        opts: &VerifyOptions,
    ) -> VerificationResult {
        let mut ledger = Ledger::new();
        let ctx = VerifyContext {
            now: opts.now,
            future_skew_seconds: opts.future_skew_seconds,
            trust: &opts.trust,
        };
        match self.platforms.iter().find(|p| p.supports(input.platform)) {
            Some(p) => p.verify(input, &ctx, &mut ledger),
            None => ledger.not_established(
                "hardware_attestation",
                format!(
                    "no {} evidence verifier is built into this verifier",
                    input.platform
                ),
            ),
        }
        if ledger.outcome_of("hardware_attestation").is_none() {
            ledger.not_established(
                "hardware_attestation",
                "the platform verifier recorded no outcome",
            );
        }
        evidence_result(ledger, &["hardware_attestation"])
    }
}

/// The verdict for an evidence file that was read but cannot be taken
/// apart: JSON that is not the `gateway.attestation_evidence` shape (an
/// object of base64url members `raw_evidence`, `quote_signature`,
/// `cert_chain`, `ek_cert_chain`). Like a malformed claim it is a verdict,
/// `unverified` with `HARDWARE_ATTESTATION_FAILED`, not a usage error;
/// `details.evidence_error` says why.
///
/// ```
/// use cmcp_verify::{evidence_file_malformed, Status};
/// let r = evidence_file_malformed("evidence member raw_evidence must be a string");
/// assert_eq!(r.status, Status::Unverified);
/// assert_eq!(r.failure_reason.unwrap().as_str(), "HARDWARE_ATTESTATION_FAILED");
/// ```
pub fn evidence_file_malformed(why: &str) -> VerificationResult {
    let mut ledger = Ledger::new();
    ledger.detail("evidence_error", why);
    ledger.failed(
        "hardware_attestation",
        FailureCode::HardwareAttestationFailed,
        format!("the evidence file is malformed: {why}"),
    );
    evidence_result(ledger, &["hardware_attestation"])
}

/// The result of a check that has no claim (evidence alone, one receipt):
/// the status over `required`, no freshness, no bundle.
pub(crate) fn evidence_result(ledger: Ledger, required: &[&str]) -> VerificationResult {
    let (status, failure_reason) = decide(&ledger, required);
    VerificationResult {
        status,
        failure_reason,
        ledger,
        attestation_age_seconds: -1,
        is_attestation_fresh: false,
        bundle: None,
    }
}

#[cfg(any(feature = "sev-snp", feature = "tdx", feature = "tpm"))]
fn inputs<'a>(opts: &'a VerifyOptions, name: &str) -> &'a [Vec<u8>] {
    opts.platform_inputs.get(name).map_or(&[], Vec::as_slice)
}

#[cfg(any(feature = "tdx", feature = "tpm"))]
fn single_input<'a>(opts: &'a VerifyOptions, name: &str) -> Result<Option<&'a [u8]>, ConfigError> {
    match inputs(opts, name) {
        [] => Ok(None),
        [one] => Ok(Some(one.as_slice())),
        _ => Err(ConfigError::new(
            ConfigInput::of_platform_input(name),
            format!("{name}: give it at most once"),
        )),
    }
}

/// The Agent Manifest check: the signed manifest (JSON or COSE) must bind
/// exactly the identity, policy and catalog the claim's `gateway.agent_identity`
/// asserts, under a pinned issuer key.
fn bind_agent_manifest(
    manifest: &[u8],
    claim: &cmcp_claim::Claim,
    opts: &VerifyOptions,
    ledger: &mut Ledger,
) {
    const F: &str = "agent_manifest.binding";
    let mut fail = |why: String| {
        ledger.failed(F, FailureCode::AgentManifestMismatch, why.clone());
        ledger.detail("agent_manifest", why);
    };
    let Some(identity) = &claim.gateway.agent_identity else {
        return fail("claim has no gateway.agent_identity binding".into());
    };
    if opts.manifest_keys.is_empty() {
        return fail("no trusted Agent Manifest issuer keys provided (--manifest-key)".into());
    }
    let input = match cmcp_receipt::manifest::ManifestInput::from_file_bytes(manifest) {
        Ok(i) => i,
        Err(e) => return fail(format!("Agent Manifest is not acceptable JSON: {e}")),
    };
    match cmcp_receipt::manifest::bind_manifest_with(
        &input,
        &opts.manifest_keys,
        identity,
        &claim.trace.policy.bundle_hash,
        &claim.gateway.catalog_hash,
        opts.now,
        cmcp_receipt::manifest::BindOptions {
            allow_dev_subject: opts.allow_dev_subject,
        },
    ) {
        Ok(_) => ledger.verified(
            F,
            "the signed Agent Manifest binds the claim's agent identity, policy and catalog",
        ),
        Err(e) => fail(e.to_string()),
    }
}

fn claim_problem(parsed: bool, key: bool) -> Option<&'static str> {
    match (parsed, key) {
        (false, _) => Some(
            "the claim given with the bundle is malformed, so its key cannot vouch for the bundle",
        ),
        (true, false) => Some(
            "the claim given with the bundle is not authentic (its signature does not verify under a strict Ed25519 key)",
        ),
        (true, true) => None,
    }
}

fn evidence_keys(opts: &VerifyOptions) -> Option<&std::collections::BTreeMap<String, [u8; 32]>> {
    (!opts.evidence_keys.is_empty()).then_some(&opts.evidence_keys)
}
