//! Claim integration: [`SnpVerifier`] implements
//! [`cmcp_policy::PlatformVerifier`] for `amd-sev-snp`.
//!
//! Ledger fields (reference vocabulary): `measurement`, `report_data`,
//! `vcek_cert_chain`, `report_signature`, `platform_state`, and exactly one
//! `hardware_attestation`. Details keys: `snp_report_version`,
//! `platform_info` (`0x…`), `sev_snp_failure` (reference failure name),
//! `vcek_chain`, `report_signature`, `platform_policy`, `raw_evidence`,
//! `snp_product`, `ark_sha256`.

use crate::appraise::SnpPolicy;
use crate::authenticate::{AuthError, AuthOptions, authenticate, pinned_arks};
use crate::parse::{AttestationReport, ReportError};
use cmcp_json::encoding::ct_eq;
use cmcp_policy::{EvidenceInput, FailureCode, Ledger, PlatformVerifier, VerifyContext};

/// The platform name this verifier handles.
pub const PLATFORM_SEV_SNP: &str = "amd-sev-snp";

const HW: &str = "hardware_attestation";
const CODE: FailureCode = FailureCode::HardwareAttestationFailed;

/// The SEV-SNP platform verifier.
///
/// ```
/// use cmcp_policy::{EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext};
/// use cmcp_sev_snp::{SnpPolicy, SnpVerifier};
/// let v = SnpVerifier::new(SnpPolicy::default());
/// assert!(v.supports("amd-sev-snp"));
/// let trust = TrustInputs::default();
/// let ctx = VerifyContext { now: Timestamp::from_unix(0), future_skew_seconds: 300, trust: &trust };
/// let mut l = Ledger::new();
/// v.verify(&EvidenceInput { platform: "amd-sev-snp", ..Default::default() }, &ctx, &mut l);
/// // No evidence: nothing failed, nothing established.
/// assert_eq!(l.outcome_of("hardware_attestation"), Some(Outcome::NotEstablished));
/// assert_eq!(l.details()["raw_evidence"], "no SNP report in raw_evidence");
/// ```
#[derive(Clone, Debug, Default)]
pub struct SnpVerifier {
    /// The relying party's appraisal policy.
    pub policy: SnpPolicy,
    /// Offline CRLs (DER or PEM) for the ASK/ASVK and VCEK/VLEK.
    pub crls: Vec<Vec<u8>>,
}

impl SnpVerifier {
    /// A verifier with `policy` and no CRLs.
    pub fn new(policy: SnpPolicy) -> SnpVerifier {
        SnpVerifier {
            policy,
            crls: Vec::new(),
        }
    }

    /// Builds from the `"sev_snp"` section of a relying-party policy file
    /// (`None` = safe defaults).
    ///
    /// ```
    /// let policy = cmcp_json::parse(br#"{"sev_snp":{"vmpl":0,"min_tcb_snp":8}}"#).unwrap();
    /// let v = cmcp_sev_snp::SnpVerifier::from_policy_json(policy.get("sev_snp")).unwrap();
    /// assert_eq!(v.policy.vmpl, Some(0));
    /// ```
    pub fn from_policy_json(
        section: Option<&cmcp_json::Value>,
    ) -> Result<SnpVerifier, crate::appraise::PolicyError> {
        Ok(SnpVerifier::new(SnpPolicy::from_json(section)?))
    }

    /// Adds an offline CRL (DER or PEM).
    pub fn with_crl(mut self, crl: Vec<u8>) -> SnpVerifier {
        self.crls.push(crl);
        self
    }
}

/// Details key for native failures.
pub(crate) const NATIVE_KEY: &str = "sev_snp_failure";

pub(crate) fn fail_with(l: &mut Ledger, key: &str, field: &str, reason: &str, msg: &str) {
    l.failed(field, CODE, msg.to_owned());
    l.failed(HW, CODE, format!("{reason}: {msg}"));
    l.detail(key, reason);
}

/// An early native failure (before authentication): like the reference,
/// `vcek_cert_chain` is then listed as not established too.
fn fail(l: &mut Ledger, field: &str, reason: &str, msg: &str) {
    fail_with(l, NATIVE_KEY, field, reason, msg);
    l.not_established("vcek_cert_chain", "not checked: an earlier check failed");
}

/// Parses the SNP report and checks the claimed measurement against it (the
/// claim carries sha384 of MEASUREMENT, spec §6.2). Shared by the native and
/// Azure paths, which differ only in how an early failure is recorded
/// (`fail`). `None` means a failure was recorded.
pub(crate) fn parse_and_measure(
    raw: &[u8],
    claimed: Option<&str>,
    l: &mut Ledger,
    fail: fn(&mut Ledger, &str, &str, &str),
) -> Option<AttestationReport> {
    let report = match AttestationReport::parse(raw) {
        Ok(r) => r,
        Err(ReportError::Version(n)) => {
            l.detail("snp_report_version", n.to_string());
            fail(
                l,
                "measurement",
                "invalid_snp_report_version",
                &format!("SNP report VERSION {n} is below 2"),
            );
            return None;
        }
        Err(e) => {
            fail(l, "measurement", "raw_evidence_parse_error", &e.to_string());
            return None;
        }
    };
    l.detail("snp_report_version", report.version.to_string());
    l.detail("platform_info", format!("0x{:x}", report.platform_info.0));
    match claimed {
        Some(m) => {
            if !ct_eq(report.claimed_measurement_form().as_bytes(), m.as_bytes()) {
                fail(
                    l,
                    "measurement",
                    "measurement_mismatch",
                    "claimed measurement is not sha384 of the report's MEASUREMENT",
                );
                return None;
            }
            l.verified(
                "measurement",
                "claimed measurement = sha384(report MEASUREMENT)",
            );
        }
        None => l.not_checked("measurement", "no claimed measurement supplied"),
    }
    Some(report)
}

/// Records absent evidence: the claim names the platform but carries no
/// report, so nothing can be established (and nothing was checked and failed).
pub(crate) fn no_evidence(l: &mut Ledger, msg: &str) {
    l.detail("raw_evidence", msg);
    l.not_established("measurement", msg);
    l.not_established("vcek_cert_chain", msg);
    l.not_established(HW, msg);
    l.detail(HW, msg);
}

impl PlatformVerifier for SnpVerifier {
    fn supports(&self, platform: &str) -> bool {
        platform == PLATFORM_SEV_SNP || platform == crate::azure::PLATFORM_AZURE_CVM
    }

    fn verify(&self, input: &EvidenceInput<'_>, ctx: &VerifyContext<'_>, l: &mut Ledger) {
        if input.platform == crate::azure::PLATFORM_AZURE_CVM {
            crate::azure::verify_azure(self, input, ctx, l);
        } else {
            verify_native(self, input, ctx, l);
        }
    }
}

/// The measurement format rule of the reference: `sha384:` + 96 characters.
fn measurement_format_ok(m: &str) -> bool {
    m.strip_prefix("sha384:").is_some_and(|h| h.len() == 96)
}

fn verify_native(
    v: &SnpVerifier,
    input: &EvidenceInput<'_>,
    ctx: &VerifyContext<'_>,
    l: &mut Ledger,
) {
    if let Some(m) = input.claimed_measurement
        && !measurement_format_ok(m)
    {
        return fail(
            l,
            "measurement",
            "invalid_measurement_format",
            "SNP claim measurement must be sha384:<96 hex>",
        );
    }
    let Some(raw) = input.raw_evidence.filter(|r| !r.is_empty()) else {
        return no_evidence(l, "no SNP report in raw_evidence");
    };
    let Some(report) = parse_and_measure(raw, input.claimed_measurement, l, fail) else {
        return;
    };

    // REPORT_DATA must equal all 64 nonce bytes.
    let mut bound = false;
    match input.nonce {
        Some(n) if n.len() == 64 => {
            if !ct_eq(n, &report.report_data) {
                return fail(
                    l,
                    "report_data",
                    "report_data_mismatch",
                    "REPORT_DATA does not equal the claim's 64-byte nonce",
                );
            }
            l.verified("report_data", "REPORT_DATA equals the 64-byte nonce");
            bound = true;
        }
        Some(n) => {
            return fail(
                l,
                "report_data",
                "report_data_mismatch",
                &format!("nonce must be 64 bytes, got {}", n.len()),
            );
        }
        None => l.not_established(
            "report_data",
            "no nonce supplied to compare with REPORT_DATA",
        ),
    }

    authenticate_and_appraise(v, &report, input.cert_chain, ctx, l, NATIVE_KEY, bound);
}

/// The shared tail of both platforms: chain + signature + extensions, then
/// appraisal, then the single `hardware_attestation` entry.
pub(crate) fn authenticate_and_appraise(
    v: &SnpVerifier,
    report: &AttestationReport,
    chain: Option<&[u8]>,
    ctx: &VerifyContext<'_>,
    l: &mut Ledger,
    key: &str,
    bound: bool,
) {
    let fail = |l: &mut Ledger, field: &str, reason: &str, msg: &str| {
        fail_with(l, key, field, reason, msg)
    };
    // Authentication.
    let roots = match pinned_arks(ctx.trust) {
        Ok(r) => r,
        Err(e) => {
            l.detail("vcek_chain", e.to_string());
            return fail(l, "vcek_cert_chain", e.reason(), &e.to_string());
        }
    };
    let chain = chain.filter(|c| !c.is_empty());
    let Some(chain) = chain.filter(|_| !roots.is_empty()) else {
        let why = "cert chain and/or pinned ARK not supplied";
        l.detail("vcek_chain", why);
        l.not_established("vcek_cert_chain", why);
        l.not_established(
            "report_signature",
            "not checked without an authenticated VCEK",
        );
        l.not_established(
            "platform_state",
            "appraisal requires authenticated evidence",
        );
        l.not_established(HW, format!("SNP report not authenticated: {why}"));
        return;
    };
    let opts = AuthOptions {
        now: ctx.now,
        crls: &v.crls,
        require_amd_pss: v.policy.require_amd_pss,
    };
    let auth = match authenticate(report, chain, &roots, &opts) {
        Ok(a) => a,
        Err(e) => {
            let (field, key) = match &e {
                AuthError::Signature(_) => {
                    l.verified("vcek_cert_chain", "VCEK chains to a pinned ARK");
                    ("report_signature", "report_signature")
                }
                _ => ("vcek_cert_chain", "vcek_chain"),
            };
            l.detail(key, e.to_string());
            return fail(l, field, e.reason(), &e.to_string());
        }
    };
    l.detail(
        "ark_sha256",
        cmcp_json::encoding::hex_encode(&auth.ark_sha256),
    );
    if let Some(g) = auth.generation {
        l.detail("snp_product", g.name());
    }
    l.verified(
        "vcek_cert_chain",
        if auth.vlek {
            "VLEK → ASVK → pinned ARK verified; TCB extensions match"
        } else {
            "VCEK → ASK → pinned ARK verified; TCB and hwID extensions match"
        },
    );
    l.verified(
        "report_signature",
        "ECDSA P-384 signature over report[0x000..0x2A0] verifies",
    );

    // Appraisal.
    let refusals = v.policy.appraise(report, auth.tcb_layout);
    if let Some(first) = refusals.first() {
        for r in &refusals {
            l.failed(
                "platform_state",
                CODE,
                format!("sev_snp.{}: {}", r.knob, r.message),
            );
        }
        l.detail("platform_policy", first.message.clone());
        l.failed(
            HW,
            CODE,
            format!(
                "platform_policy_failed: sev_snp.{}: {}",
                first.knob, first.message
            ),
        );
        l.detail(key, "platform_policy_failed");
        return;
    }
    l.verified(
        "platform_state",
        "report passes the relying party's SEV-SNP policy",
    );
    if bound {
        l.verified(
            HW,
            "SNP report authenticated to a pinned ARK, bound to the nonce, appraised",
        );
    } else {
        l.not_established(
            HW,
            "SNP report authenticated and appraised, but not bound to a nonce",
        );
    }
}
