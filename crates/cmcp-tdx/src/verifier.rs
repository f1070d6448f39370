//! The `intel-tdx` [`PlatformVerifier`].

use crate::appraise::{PolicyError, TdxPolicy, appraise};
use crate::authenticate::{self as auth, AuthError};
use crate::collateral::{self, Collateral, CollateralField};
use crate::parse::{Evidence, ParseError, TdQuote, TdReportBody};
use cmcp_json::encoding::{ct_eq, hex_encode};
use cmcp_policy::{EvidenceInput, FailureCode, Ledger, Outcome, PlatformVerifier, VerifyContext};
use cmcp_x509::Certificate;

/// The platform name this verifier handles.
pub const PLATFORM: &str = "intel-tdx";

/// Verifies `intel-tdx` evidence: a DCAP TD quote (v4/v5) or a bare
/// TDREPORT in `raw_evidence`.
///
/// Ledger fields: `measurement`, `report_data`, `dcap_quote_signature`
/// (quote signature, QE binding, QE report signature by the PCK leaf),
/// `pck_chain` (PCK leaf to a pinned Intel root, CRLs when collateral is
/// given), `tcb_status`, `qe_identity`, the appraisal fields of
/// [`crate::appraise`] (`td_attributes`, `xfam`, `tee_tcb_svn`, `mrtd`,
/// `mrseam`, `rtmrs`, `mrconfigid`, `mrowner`, `mrownerconfig`,
/// `qe_vendor_id`) and exactly one `hardware_attestation`.
///
/// Details: `tdx_failure` (the first failure, in the reference's words
/// where it has them), `tdx_evidence` (`quote_v4`, `quote_v5`, `tdreport`),
/// `expected_prefix` / `computed_prefix`, `report_data_expected` /
/// `report_data_actual`, `raw_evidence_size`, `tcb_status`,
/// `advisory_ids`, `fmspc`.
///
/// ```
/// use cmcp_policy::*;
/// use cmcp_tdx::{TdxVerifier, appraise::TdxPolicy};
/// let v = TdxVerifier::new(TdxPolicy::default());
/// assert!(v.supports("intel-tdx"));
/// let mut report = vec![0u8; 1024];
/// report[0] = 0x81;
/// report[0x203] = 0x10; // SEPT_VE_DISABLE
/// report[0x80..0xc0].copy_from_slice(&[7u8; 64]);
/// let m = cmcp_tdx::measurement_of(&[0u8; 48]);
/// let input = EvidenceInput {
///     platform: "intel-tdx",
///     claimed_measurement: Some(&m),
///     nonce: Some(&[7u8; 64]),
///     raw_evidence: Some(&report),
///     ..Default::default()
/// };
/// let trust = TrustInputs::default();
/// let ctx = VerifyContext { now: Timestamp::from_unix(0), future_skew_seconds: 300, trust: &trust };
/// let mut l = Ledger::new();
/// v.verify(&input, &ctx, &mut l);
/// assert_eq!(l.outcome_of("measurement"), Some(Outcome::Verified));
/// assert_eq!(l.outcome_of("report_data"), Some(Outcome::Verified));
/// assert_eq!(l.outcome_of("hardware_attestation"), Some(Outcome::NotEstablished));
/// ```
#[derive(Clone, Debug, Default)]
pub struct TdxVerifier {
    policy: TdxPolicy,
    collateral: Option<Collateral>,
}

impl TdxVerifier {
    /// A verifier with `policy` and no collateral.
    pub fn new(policy: TdxPolicy) -> Self {
        TdxVerifier {
            policy,
            collateral: None,
        }
    }

    /// Reads the policy from the `"tdx"` section of a parsed policy file.
    pub fn from_policy_json(doc: Option<&cmcp_json::Value>) -> Result<Self, PolicyError> {
        Ok(TdxVerifier::new(TdxPolicy::from_json(doc)?))
    }

    /// Adds offline collateral (TCB info, QE identity, CRLs); see
    /// [`Collateral::from_json`].
    pub fn with_collateral(mut self, c: Collateral) -> Self {
        self.collateral = Some(c);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &TdxPolicy {
        &self.policy
    }
}

/// Records failures and keeps the first one for `details.tdx_failure`.
struct Run<'l> {
    l: &'l mut Ledger,
    first_failure: Option<String>,
}

impl Run<'_> {
    fn fail(&mut self, field: &str, reference: String, reason: String) {
        self.l
            .failed(field, FailureCode::HardwareAttestationFailed, reason);
        if self.first_failure.is_none() {
            self.first_failure = Some(reference);
        }
    }
}

fn measurement_check(run: &mut Run<'_>, claimed: Option<&str>, body: &TdReportBody) -> bool {
    let Some(claimed) = claimed else {
        run.l.not_established(
            "measurement",
            "the claim carries no measurement to compare with MRTD",
        );
        return false;
    };
    let well_formed = claimed.strip_prefix("sha384:").is_some_and(|h| {
        h.len() == 96 && h.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    });
    if !well_formed {
        run.fail(
            "measurement",
            "invalid_measurement_format".into(),
            "measurement must be \"sha384:\" and 96 lowercase hex digits (SHA-384 of MRTD)".into(),
        );
        return false;
    }
    let computed = body.measurement();
    if ct_eq(computed.as_bytes(), claimed.as_bytes()) {
        run.l
            .verified("measurement", "measurement equals sha384:SHA-384(MRTD)");
        true
    } else {
        let prefix = |s: &str| format!("{}...", s.get(..24).unwrap_or(s));
        run.l.detail("expected_prefix", prefix(claimed));
        run.l.detail("computed_prefix", prefix(&computed));
        run.fail(
            "measurement",
            "measurement_mismatch".into(),
            "measurement is not sha384:SHA-384(MRTD) of the evidence".into(),
        );
        false
    }
}

fn report_data_check(run: &mut Run<'_>, nonce: Option<&[u8]>, body: &TdReportBody) -> bool {
    let Some(nonce) = nonce else {
        run.l
            .not_established("report_data", "no nonce to compare with REPORTDATA");
        return false;
    };
    if nonce.len() != 64 {
        run.fail(
            "report_data",
            "report_data_mismatch".into(),
            format!(
                "the nonce is {} bytes; TDX REPORTDATA binds exactly 64",
                nonce.len()
            ),
        );
        return false;
    }
    if ct_eq(nonce, &body.report_data) {
        run.l
            .verified("report_data", "REPORTDATA equals the 64-byte nonce");
        true
    } else {
        run.l.detail(
            "report_data_expected",
            hex_encode(nonce.get(..16).unwrap_or(nonce)),
        );
        run.l.detail(
            "report_data_actual",
            hex_encode(body.report_data.get(..16).unwrap_or(&body.report_data)),
        );
        run.fail(
            "report_data",
            "report_data_mismatch".into(),
            "REPORTDATA is not the claim's nonce".into(),
        );
        false
    }
}

fn auth_fail(run: &mut Run<'_>, field: &str, e: &AuthError) {
    run.fail(field, e.reference_string(), e.to_string());
}

/// What the quote path established, for the `hardware_attestation` verdict.
struct QuoteOutcome {
    signature: bool,
    chain: Option<bool>,
    tcb_ok: bool,
    pending: Vec<String>,
}

impl TdxVerifier {
    fn verify_quote(
        &self,
        q: &TdQuote,
        ctx: &VerifyContext<'_>,
        run: &mut Run<'_>,
    ) -> QuoteOutcome {
        let mut out = QuoteOutcome {
            signature: false,
            chain: None,
            tcb_ok: false,
            pending: Vec::new(),
        };
        // dcap_quote_signature: attestation key → QE → PCK leaf.
        let leaf_chain = match auth::verify_quote_signature(q)
            .and_then(|()| auth::verify_qe_binding(q))
            .and_then(|()| auth::pck_chain(q))
        {
            Ok(chain) => chain,
            Err(e) => {
                auth_fail(run, "dcap_quote_signature", &e);
                run.l
                    .not_established("pck_chain", "not reached: the quote did not authenticate");
                run.l
                    .not_established("tcb_status", "not reached: the quote did not authenticate");
                return out;
            }
        };
        let Some(leaf) = leaf_chain.first() else {
            auth_fail(run, "dcap_quote_signature", &AuthError::PckChainEmpty);
            return out;
        };
        if let Err(e) = auth::verify_qe_report_signature(q, leaf) {
            auth_fail(run, "dcap_quote_signature", &e);
            run.l.not_established(
                "pck_chain",
                "not reached: the QE report did not authenticate",
            );
            run.l.not_established(
                "tcb_status",
                "not reached: the QE report did not authenticate",
            );
            return out;
        }
        run.l.verified(
            "dcap_quote_signature",
            "quote signed by the attestation key over the signed region; key bound to the QE; QE report signed by the PCK leaf",
        );
        out.signature = true;

        // pck_chain: to a pinned root.
        let roots = match auth::pinned_roots(ctx.trust) {
            Ok(r) => r,
            Err(e) => {
                auth_fail(run, "pck_chain", &e);
                out.chain = Some(false);
                return out;
            }
        };
        if roots.is_empty() {
            run.l.not_established(
                "pck_chain",
                "no Intel SGX root pinned (--intel-root, or --trust-store builtin)",
            );
            run.l.not_established(
                "tcb_status",
                "collateral cannot be checked without a pinned root",
            );
            out.pending.push("no Intel root pinned".into());
            return out;
        }
        let collateral_ok = self.check_collateral(&roots, ctx, run);
        let crls = match (&self.collateral, collateral_ok) {
            (Some(c), true) => c.crls(),
            _ => Vec::new(),
        };
        match auth::verify_pck_chain(&leaf_chain, &roots, ctx.now, crls) {
            Ok(v) => {
                run.l.verified(
                    "pck_chain",
                    if v.root_appended {
                        "PCK chain validates to the pinned Intel root (root appended)"
                    } else {
                        "PCK chain validates to the pinned Intel root (embedded root is the pinned one)"
                    },
                );
                out.chain = Some(true);
            }
            Err(e) => {
                auth_fail(run, "pck_chain", &e);
                out.chain = Some(false);
            }
        }
        out.tcb_ok = self.tcb(q, leaf, collateral_ok, run);
        out
    }

    /// Verifies the collateral's signatures and windows (true = usable).
    fn check_collateral(
        &self,
        roots: &[Certificate],
        ctx: &VerifyContext<'_>,
        run: &mut Run<'_>,
    ) -> bool {
        let Some(c) = &self.collateral else {
            return false;
        };
        match c.verify(roots, ctx.now) {
            Ok(()) => true,
            Err(e) => {
                run.fail(
                    e.field.as_str(),
                    format!("tcb_collateral_invalid: {}", e.message),
                    format!("collateral refused: {}", e.message),
                );
                false
            }
        }
    }

    fn tcb(&self, q: &TdQuote, leaf: &Certificate, collateral_ok: bool, run: &mut Run<'_>) -> bool {
        let Some(c) = &self.collateral else {
            run.l
                .detail("tcb_status", "requires_intel_pcs_collateral_by_fmspc");
            if q.qe_report.debug() {
                run.fail(
                    "qe_identity",
                    "qe_identity_mismatch: debug QE".into(),
                    "the QE is a debug enclave".into(),
                );
            } else {
                run.l
                    .not_established("qe_identity", "no collateral: QE identity not appraised");
            }
            if self.policy.require_collateral {
                // Unknown is not failed: nothing was checked and refused, but
                // the TCB was not established either (fail closed: no `verified`).
                run.l.not_established(
                    "tcb_status",
                    "no collateral supplied (--collateral): TCB status unknown, and tdx.require_collateral is on",
                );
                return false;
            }
            run.l.not_established(
                "tcb_status",
                "no collateral supplied (--collateral): TCB status not appraised",
            );
            return true;
        };
        if !collateral_ok {
            return false;
        }
        let pck = match leaf
            .extension_value(cmcp_x509::oids::INTEL_SGX_EXTENSIONS)
            .ok_or_else(|| "the PCK leaf has no SGX extension".to_owned())
            .and_then(crate::pck::parse_sgx_extension)
        {
            Ok(p) => p,
            Err(m) => {
                run.fail("tcb_status", format!("tcb_collateral_invalid: {m}"), m);
                return false;
            }
        };
        run.l.detail("fmspc", hex_encode(&pck.fmspc));
        match collateral::match_qe_identity(q, &c.qe_identity) {
            Ok(level) => run.l.verified(
                "qe_identity",
                format!(
                    "QE report matches the QE identity (QE TCB {})",
                    level.status
                ),
            ),
            Err(e) => {
                run.fail(
                    "qe_identity",
                    format!("qe_identity_mismatch: {}", e.message),
                    e.message,
                );
                run.l
                    .not_established("tcb_status", "not reached: the QE identity does not match");
                return false;
            }
        }
        match collateral::evaluate(q, &pck, c) {
            Err(e) => {
                let reference = match e.field {
                    CollateralField::QeIdentity => format!("qe_identity_mismatch: {}", e.message),
                    _ => format!("tcb_status_unacceptable: {}", e.message),
                };
                run.fail(e.field.as_str(), reference, e.message);
                false
            }
            Ok(ev) => {
                run.l.detail("tcb_status", ev.status.as_str());
                run.l.detail("advisory_ids", ev.advisory_ids.join(","));
                if self.policy.accepts(ev.status) {
                    run.l.verified(
                        "tcb_status",
                        format!("TCB status {} is acceptable", ev.status),
                    );
                    true
                } else {
                    run.fail(
                        "tcb_status",
                        format!("tcb_status_unacceptable: {}", ev.status),
                        format!(
                            "refused by policy tdx.accepted_tcb_statuses: TCB status {} is not accepted",
                            ev.status
                        ),
                    );
                    false
                }
            }
        }
    }
}

fn parse_failure(e: &ParseError, raw: &[u8]) -> (String, Option<String>) {
    match e {
        ParseError::ReportSize(n) => ("raw_evidence_parse_error".into(), Some(n.to_string())),
        ParseError::ReportType(_) | ParseError::Unrecognised => (
            "raw_evidence_parse_error".into(),
            Some(raw.len().to_string()),
        ),
        ParseError::TooLarge { len, .. } => {
            ("raw_evidence_parse_error".into(), Some(len.to_string()))
        }
        other => (format!("quote_parse_error: {other}"), None),
    }
}

impl PlatformVerifier for TdxVerifier {
    fn supports(&self, platform: &str) -> bool {
        platform == PLATFORM
    }

    fn verify(&self, input: &EvidenceInput<'_>, ctx: &VerifyContext<'_>, ledger: &mut Ledger) {
        let mut run = Run {
            l: ledger,
            first_failure: None,
        };
        let Some(raw) = input.raw_evidence else {
            run.l.detail(
                "raw_evidence",
                "not provided; no TD quote or TDREPORT to check",
            );
            run.l.not_established(
                "hardware_attestation",
                "no TDX evidence (gateway.attestation_evidence.raw_evidence is absent)",
            );
            return;
        };
        let evidence = match Evidence::parse(raw) {
            Ok(e) => e,
            Err(e) => {
                let (reference, size) = parse_failure(&e, raw);
                if let Some(s) = size {
                    run.l.detail("raw_evidence_size", s);
                }
                run.l.detail("tdx_failure", reference);
                run.l.failed(
                    "hardware_attestation",
                    FailureCode::HardwareAttestationFailed,
                    format!("TDX evidence does not parse: {e}"),
                );
                return;
            }
        };
        let body = evidence.body();
        let kind = match &evidence {
            Evidence::Quote(q) if q.header.version == 5 => "quote_v5",
            Evidence::Quote(_) => "quote_v4",
            Evidence::Report(_) => "tdreport",
        };
        run.l.detail("tdx_evidence", kind);
        measurement_check(&mut run, input.claimed_measurement, body);
        let bound = report_data_check(&mut run, input.nonce, body);
        let verdict = match &evidence {
            Evidence::Report(_) => {
                for f in [
                    "dcap_quote_signature",
                    "pck_chain",
                    "tcb_status",
                    "qe_identity",
                ] {
                    run.l
                        .not_established(f, "bare TDREPORT: unsigned, no DCAP quote to check");
                }
                appraise(&self.policy, body, None, run.l);
                None
            }
            Evidence::Quote(q) => {
                let o = self.verify_quote(q, ctx, &mut run);
                let appraised = appraise(&self.policy, body, Some(&q.header.qe_vendor_id), run.l);
                Some((o, appraised))
            }
        };
        // Appraisal failures are recorded straight into the ledger: pick the
        // first of them for tdx_failure if nothing else failed first.
        if run.first_failure.is_none()
            && let Some(e) = run
                .l
                .entries()
                .iter()
                .find(|e| e.outcome == Outcome::Failed && e.field != "hardware_attestation")
        {
            run.first_failure = Some(format!("policy_refused: {}", e.reason));
        }
        if let Some(f) = run.first_failure.take() {
            run.l.detail("tdx_failure", f.clone());
            run.l.failed(
                "hardware_attestation",
                FailureCode::HardwareAttestationFailed,
                format!("TDX evidence failed a check: {f}"),
            );
            return;
        }
        match verdict {
            None => run.l.not_established(
                "hardware_attestation",
                "bare TDREPORT: its MAC cannot be checked remotely, so it is not hardware-attested",
            ),
            Some((o, appraised)) => {
                let mut missing = o.pending;
                if !o.signature {
                    missing.push("quote not authenticated".into());
                }
                if o.chain != Some(true) && missing.is_empty() {
                    missing.push("PCK chain not validated".into());
                }
                if !bound {
                    missing.push("REPORTDATA not bound to a 64-byte nonce".into());
                }
                if !o.tcb_ok || !appraised {
                    missing.push("appraisal did not pass".into());
                }
                if missing.is_empty() {
                    run.l.verified(
                        "hardware_attestation",
                        "DCAP quote authenticated to the pinned Intel root, bound to the nonce, and accepted by the TDX policy",
                    );
                } else {
                    run.l
                        .not_established("hardware_attestation", missing.join("; "));
                }
            }
        }
    }
}
