//! The `tpm2` [`PlatformVerifier`].
//!
//! Inputs (from `gateway.attestation_evidence`, already base64-decoded):
//! `raw_evidence` = `TPMS_ATTEST` (bare or `TPM2B`), `quote_signature` =
//! marshalled `TPMT_SIGNATURE`, `cert_chain` = leaf-first PEM AK chain,
//! `ek_cert_chain` = PEM EK chain, `nonce` = the claim's 64-byte nonce (or
//! the 32-byte qualifying data), `key_thumbprint`. Relying-party inputs:
//! the [`TpmPolicy`], optional PCR values, an optional event log, and an
//! optional NV-certify envelope with the expected gateway digest (§11).
//!
//! Ledger fields, in the order recorded: `measurement_format`,
//! `pcr_format`, `qualifying_data`, `ak_cert_chain`, `tpm_quote_signature`,
//! `ek_cert_chain`, `ak_ek_binding`, `pcr_values`, `event_log`,
//! `pcr_selection`, `pcr_policy`, `event_log_policy`, `clock_info`,
//! `pcr_digest`, `gateway_measurement`, then exactly one
//! `hardware_attestation`. Fields that do not apply are not recorded.
//! `audit_chain_binding` is never recorded: a quote carries only
//! `nonce[0:32]`. When an envelope or a gateway digest was supplied,
//! `hardware_attestation` is verified only if `gateway_measurement` is.
//!
//! Details keys: `tpm_failure` (`invalid_measurement_format`,
//! `tpm_evidence_check_failed`, `tpm_quote_signature_failed`,
//! `tpm_cert_chain_failed`, `tpm_policy_failed`, `tpm_nv_certify_failed`),
//! `tpm_parse_error`, `qualifying_data_error`, `pcr_digest_error`,
//! `signature_error`, `signature_algorithm`, `signature_digest`,
//! `ak_cert_chain`, `ek_cert_chain`, `pcr_digest_note`,
//! `nv_certify_failure` (the §11.5 name), `nv_certify_*` (the appraisal's
//! own details: `which`, `error`, `index_name`, `nv_contents`, …),
//! `hardware_attestation`.

use crate::authenticate::{
    AuthError, builtin_roots, parse_roots, verify_ak_chain, verify_ek_chain, verify_signature,
};
use crate::bind::{PcrValues, Selection, expected_qualifying_data, qualifying_data_matches};
use crate::cache::{AuthenticatedAk, Caches, ak_chain_key, roots_key};
use crate::eventlog::{EventLog, compare};
use crate::nvcertify::{Envelope, NvPolicy, verify_nv_pair};
use crate::parse::{Attest, HashAlg, QuoteInfo, Signature, hex};
use crate::policy::{PolicyError, TpmPolicy};
use cmcp_policy::{EvidenceInput, FailureCode, Ledger, Outcome, PlatformVerifier, VerifyContext};
use cmcp_x509::{Certificate, PublicKey};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Pinned roots in force for one verification, with their cache key.
struct Roots {
    certs: Arc<Vec<Certificate>>,
    key: [u8; 32],
}

const HW: &str = "hardware_attestation";
const FAIL: FailureCode = FailureCode::HardwareAttestationFailed;

/// Verifies `tpm2` evidence (TPM2_Quote + AK chain).
///
/// ```
/// use cmcp_policy::{EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext};
/// use cmcp_tpm::TpmVerifier;
/// let v = TpmVerifier::from_policy_file(None).unwrap();
/// assert!(v.supports("tpm2"));
/// let trust = TrustInputs::default();
/// let ctx = VerifyContext { now: Timestamp::from_unix(0), future_skew_seconds: 300, trust: &trust };
/// let mut l = Ledger::new();
/// v.verify(&EvidenceInput { platform: "tpm2", ..Default::default() }, &ctx, &mut l);
/// assert_eq!(l.outcome_of("hardware_attestation"), Some(Outcome::NotEstablished));
/// ```
///
/// A verifier keeps small bounded caches of parsed pinned roots and of
/// authenticated AK chains ([`crate::cache`]), shared by its clones: repeated
/// quotes from the same AK re-check the chain's validity at `now` and verify
/// every quote signature, but do not re-validate the same certificates.
#[derive(Clone, Debug, Default)]
pub struct TpmVerifier {
    policy: TpmPolicy,
    pcr_values: Option<PcrValues>,
    event_log: Option<Vec<u8>>,
    nv_envelope: Option<Vec<u8>>,
    gateway_digest: Option<[u8; 32]>,
    cache: Arc<Caches>,
}

impl TpmVerifier {
    /// A verifier with `policy`.
    pub fn new(policy: TpmPolicy) -> Self {
        TpmVerifier {
            policy,
            pcr_values: None,
            event_log: None,
            nv_envelope: None,
            gateway_digest: None,
            cache: Arc::default(),
        }
    }

    /// Builds from a whole policy file (reads its `"tpm"` member).
    pub fn from_policy_file(file: Option<&cmcp_json::Value>) -> Result<Self, PolicyError> {
        Ok(TpmVerifier::new(TpmPolicy::from_policy_file(file)?))
    }

    /// Supplies the PCR values the quote covers (CLI `--pcrs FILE`, JSON form of [`PcrValues`]).
    pub fn with_pcr_values(mut self, values: PcrValues) -> Self {
        self.pcr_values = Some(values);
        self
    }

    /// Supplies a TCG crypto-agile event log (CLI `--event-log FILE`), parsed at verification.
    pub fn with_event_log(mut self, log: Vec<u8>) -> Self {
        self.event_log = Some(log);
        self
    }

    /// Supplies an NV-certify envelope (CLI `--nv-certify FILE`, §11.3 JSON),
    /// appraised at verification against the verifier-owned NV policy: the
    /// default index `0x01500432` (written form), offset 0, size 32 and the
    /// gateway digest from [`TpmVerifier::with_gateway_digest`]. The pair is
    /// bound to the evidence nonce and must be signed by the quote's AK.
    pub fn with_nv_certify(mut self, envelope: Vec<u8>) -> Self {
        self.nv_envelope = Some(envelope);
        self
    }

    /// The expected gateway digest (CLI `--gateway-digest HEX`). Without an
    /// envelope, `gateway_measurement` is not established.
    ///
    /// ```
    /// use cmcp_tpm::TpmVerifier;
    /// let v = TpmVerifier::default().with_gateway_digest([0x42; 32]);
    /// assert_eq!(v.gateway_digest(), Some(&[0x42; 32]));
    /// ```
    pub fn with_gateway_digest(mut self, digest: [u8; 32]) -> Self {
        self.gateway_digest = Some(digest);
        self
    }

    /// The expected gateway digest, if any.
    pub fn gateway_digest(&self) -> Option<&[u8; 32]> {
        self.gateway_digest.as_ref()
    }

    /// Authenticated AK chains held in this verifier's cache (shared with
    /// its clones; at most [`crate::cache::CAPACITY`]).
    ///
    /// ```
    /// assert_eq!(cmcp_tpm::TpmVerifier::default().cached_ak_chains(), 0);
    /// ```
    pub fn cached_ak_chains(&self) -> usize {
        self.cache.ak_chains.len()
    }

    /// The policy in force.
    pub fn policy(&self) -> &TpmPolicy {
        &self.policy
    }
}

impl PlatformVerifier for TpmVerifier {
    fn supports(&self, platform: &str) -> bool {
        platform == "tpm2"
    }

    fn verify(&self, input: &EvidenceInput<'_>, ctx: &VerifyContext<'_>, ledger: &mut Ledger) {
        let mut run = Run {
            l: Ledger::new(),
            tpm_failure: None,
        };
        let hw = self.run(input, ctx, &mut run);
        let Run { mut l, tpm_failure } = run;
        match hw {
            Hw::Verified(r) => l.verified(HW, r),
            Hw::NotEstablished(r) => {
                l.detail(HW, r.clone());
                l.not_established(HW, r);
            }
            Hw::Failed(r) => {
                if let Some(f) = tpm_failure {
                    l.detail("tpm_failure", f);
                }
                l.failed(HW, FAIL, r);
            }
        }
        ledger.extend(l);
    }
}

enum Hw {
    Verified(String),
    NotEstablished(String),
    Failed(String),
}

struct Run {
    l: Ledger,
    tpm_failure: Option<&'static str>,
}

impl Run {
    fn fail(&mut self, field: &str, code: &'static str, reason: impl Into<String>) {
        self.tpm_failure.get_or_insert(code);
        self.l.failed(field, FAIL, reason);
    }
}

impl TpmVerifier {
    fn run(&self, input: &EvidenceInput<'_>, ctx: &VerifyContext<'_>, run: &mut Run) -> Hw {
        let p = &self.policy;
        // 1. Measurement format.
        let claimed: Option<Vec<u8>> = match input.claimed_measurement {
            None => None,
            Some(m) => match m
                .strip_prefix("sha256:")
                .and_then(|h| cmcp_json::encoding::hex_decode_lower(h).ok())
                .filter(|b| b.len() == 32)
            {
                Some(b) => {
                    run.l
                        .verified("measurement_format", "measurement is sha256:<64 hex>");
                    Some(b)
                }
                None => {
                    run.fail(
                        "measurement_format",
                        "invalid_measurement_format",
                        "a tpm2 measurement must be sha256: followed by 64 lowercase hex digits",
                    );
                    None
                }
            },
        };

        // 2. Structure.
        let Some(raw) = input.raw_evidence else {
            run.l.detail(
                "pcr_digest_note",
                "raw_evidence not provided; PCR digest unverifiable",
            );
            return self.conclude(run, "no raw_evidence (TPMS_ATTEST) supplied");
        };
        let attest = match Attest::parse_quote(raw) {
            Ok(a) => {
                run.l.verified(
                    "pcr_format",
                    format!("TPMS_ATTEST quote parsed ({:?} framing)", a.framing),
                );
                a
            }
            Err(e) => {
                run.l.detail("tpm_parse_error", e.to_string());
                run.fail(
                    "pcr_format",
                    "tpm_evidence_check_failed",
                    format!("quote does not parse: {e}"),
                );
                return self.conclude(run, "quote unparseable");
            }
        };
        let Some(quote) = attest.quote().cloned() else {
            return self.conclude(run, "not a quote");
        };

        // 3. Qualifying data.
        self.check_qualifying_data(input, &attest, run);

        // 4. AK chain and signature.
        let sig = match input.quote_signature.map(Signature::parse) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                run.l.detail("signature_error", e.to_string());
                run.fail(
                    "tpm_quote_signature",
                    "tpm_quote_signature_failed",
                    format!("TPMT_SIGNATURE does not parse: {e}"),
                );
                None
            }
        };
        let sig_parse_failed = input.quote_signature.is_some() && sig.is_none();
        let roots = self.roots(ctx, run);
        self.check_chain_and_signature(
            input,
            ctx,
            &attest,
            sig.as_ref(),
            sig_parse_failed,
            roots.as_ref(),
            run,
        );

        // 5. EK chain (and what it cannot show).
        match (
            input.ek_cert_chain,
            roots.as_ref().map(|r| r.certs.as_slice()),
        ) {
            (None, _) if p.require_ek_chain => run.fail(
                "ek_cert_chain",
                "tpm_policy_failed",
                "the appraisal policy requires an EK certificate chain and none was supplied",
            ),
            (None, _) => run
                .l
                .not_established("ek_cert_chain", "no ek_cert_chain supplied"),
            (Some(_), None) => {
                let r = "EK certificate chain not verified: no TPM CA pinned";
                if p.require_ek_chain {
                    run.fail("ek_cert_chain", "tpm_policy_failed", r);
                } else {
                    run.l.not_established("ek_cert_chain", r);
                }
            }
            (Some(ek), Some(roots)) => match verify_ek_chain(ek, roots, ctx.now) {
                Ok(_) => {
                    run.l.detail(
                        "ek_cert_chain",
                        "EK certificate verified to the pinned manufacturer CA",
                    );
                    run.l.verified(
                        "ek_cert_chain",
                        "end-entity EK certificate chains to a pinned TPM CA",
                    )
                }
                Err(e) => {
                    run.l.detail("ek_cert_chain", e.to_string());
                    run.fail("ek_cert_chain", "tpm_cert_chain_failed", e.to_string());
                }
            },
        }
        run.l.not_established(
            "ak_ek_binding",
            "AK and EK residency in the same TPM is not established: that needs credential activation, \
             an interactive challenge this verifier does not run",
        );

        // 6. PCR values, event log and appraisal.
        let sign_hash = sig.as_ref().and_then(Signature::hash_alg);
        let attested = self.check_pcrs(&quote, sign_hash, run);
        self.appraise(&attest, &quote, attested.as_ref(), run);

        // 7. Measurement binding.
        match (input.claimed_measurement, claimed) {
            (None, _) => run
                .l
                .not_checked("pcr_digest", "no claimed measurement to bind"),
            (Some(_), None) => {}
            (Some(_), Some(c)) => {
                self.bind_measurement(&c, &quote, sign_hash, attested.as_ref(), run)
            }
        }

        // 8. Gateway measurement (NV-certify pair).
        self.check_gateway_measurement(input, ctx, roots.as_ref(), run);

        self.conclude(run, "")
    }

    fn check_qualifying_data(&self, input: &EvidenceInput<'_>, attest: &Attest, run: &mut Run) {
        let mut expected: Vec<[u8; 32]> = Vec::new();
        if let Some(n) = input.nonce {
            match expected_qualifying_data(n) {
                Ok(q) => expected.push(q),
                Err(e) => {
                    run.l.detail("qualifying_data_error", e.to_string());
                    run.fail(
                        "qualifying_data",
                        "tpm_evidence_check_failed",
                        e.to_string(),
                    );
                    return;
                }
            }
        }
        if let Some(t) = input.key_thumbprint {
            expected.push(t);
        }
        if expected.is_empty() {
            run.l.detail(
                "qualifying_data_error",
                "expected_qualifying_data not provided",
            );
            run.l.not_established(
                "qualifying_data",
                "no nonce or key thumbprint to compare with",
            );
            return;
        }
        if expected
            .iter()
            .all(|q| qualifying_data_matches(&attest.extra_data, q))
        {
            run.l.verified(
                "qualifying_data",
                "quote extraData equals nonce[0:32], the claim key thumbprint",
            );
        } else {
            run.l.detail(
                "qualifying_data_error",
                "qualifying_data does not match expected key thumbprint",
            );
            run.fail(
                "qualifying_data",
                "tpm_evidence_check_failed",
                format!(
                    "quote extraData {} is not the expected qualifying data",
                    hex(&attest.extra_data)
                ),
            );
        }
    }

    fn roots(&self, ctx: &VerifyContext<'_>, run: &mut Run) -> Option<Roots> {
        let key = roots_key(&ctx.trust.tpm_ca, ctx.trust.builtin_roots);
        if let Some(certs) = self.cache.roots.get(&key) {
            return (!certs.is_empty()).then_some(Roots { certs, key });
        }
        let mut roots = match parse_roots(&ctx.trust.tpm_ca) {
            Ok(r) => r,
            Err(e) => {
                run.l.detail("ak_cert_chain", e.to_string());
                run.fail("ak_cert_chain", "tpm_cert_chain_failed", e.to_string());
                return None;
            }
        };
        let mut cacheable = true;
        if ctx.trust.builtin_roots {
            match builtin_roots() {
                Ok(b) => roots.extend(b),
                Err(e) => {
                    cacheable = false;
                    run.l.detail("tpm_builtin_roots", e.to_string());
                }
            }
        }
        let certs = if cacheable {
            self.cache.roots.insert(key, roots)
        } else {
            Arc::new(roots)
        };
        (!certs.is_empty()).then_some(Roots { certs, key })
    }

    /// The AK chain validated to `roots` at `now`: from the cache when the
    /// same chain was authenticated against the same roots and policy and
    /// `now` is inside its validity window, else validated from scratch.
    fn authenticate_ak(
        &self,
        chain_pem: &[u8],
        roots: &Roots,
        now: cmcp_policy::Timestamp,
    ) -> Result<Arc<AuthenticatedAk>, AuthError> {
        let key = ak_chain_key(&roots.key, self.policy.allow_sha1, chain_pem);
        if let Some(hit) = self.cache.ak_chains.get(&key)
            && hit.valid_at(now)
        {
            return Ok(hit);
        }
        let chain = verify_ak_chain(chain_pem, &roots.certs, now, self.policy.allow_sha1)?;
        match AuthenticatedAk::from_chain(chain) {
            Some(a) => Ok(self.cache.ak_chains.insert(key, a)),
            None => Err(AuthError::Unparseable {
                what: "AK certificate chain",
                detail: "validated path is empty".to_owned(),
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_chain_and_signature(
        &self,
        input: &EvidenceInput<'_>,
        ctx: &VerifyContext<'_>,
        attest: &Attest,
        sig: Option<&Signature>,
        sig_parse_failed: bool,
        roots: Option<&Roots>,
        run: &mut Run,
    ) {
        let p = &self.policy;
        let Some(chain_pem) = input.cert_chain else {
            let mut why = vec!["no cert_chain in claim"];
            if input.quote_signature.is_none() {
                why.insert(0, "no quote_signature in claim");
            }
            if roots.is_none() {
                why.push("no TPM CA pinned");
            }
            let r = format!(
                "TPM quote signature and AK cert chain not verified ({})",
                why.join(", ")
            );
            run.l.detail("ak_cert_chain", r.clone());
            run.l.not_established("ak_cert_chain", r.clone());
            if !sig_parse_failed {
                run.l.not_established("tpm_quote_signature", r);
            }
            return;
        };
        // The AK key: from a chain validated to a pinned CA, or (no CA
        // pinned) from the presented leaf, so a tampered quote still fails.
        let key: Option<Arc<PublicKey>> = match roots {
            Some(roots) => match self.authenticate_ak(chain_pem, roots, ctx.now) {
                Ok(ak) => {
                    let eku_ok = !p.require_ak_eku || ak.leaf_has_ak_eku;
                    if eku_ok {
                        run.l
                            .verified("ak_cert_chain", "AK certificate chains to a pinned TPM CA");
                    } else {
                        let e = AuthError::MissingAkEku;
                        run.l.detail("ak_cert_chain", e.to_string());
                        run.fail("ak_cert_chain", "tpm_policy_failed", e.to_string());
                    }
                    Some(Arc::clone(&ak.leaf_public_key))
                }
                Err(e) => {
                    run.l.detail("ak_cert_chain", e.to_string());
                    run.fail("ak_cert_chain", "tpm_cert_chain_failed", e.to_string());
                    None
                }
            },
            None => match cmcp_x509::parse_pem_bundle(chain_pem)
                .ok()
                .and_then(|c| c.first().and_then(|l| l.public_key().ok()))
            {
                Some(k) => {
                    let r = "AK certificate chain not verified (no TPM CA pinned)";
                    run.l.detail("ak_cert_chain", r);
                    run.l.not_established("ak_cert_chain", r);
                    Some(Arc::new(k))
                }
                None => {
                    let r = "AK certificate chain is not parseable";
                    run.l.detail("ak_cert_chain", r);
                    run.fail("ak_cert_chain", "tpm_cert_chain_failed", r);
                    None
                }
            },
        };
        let Some(sig) = sig else {
            if !sig_parse_failed {
                run.l
                    .not_established("tpm_quote_signature", "no quote_signature in claim");
            }
            return;
        };
        let Some(key) = key else {
            run.l.not_established(
                "tpm_quote_signature",
                "no usable attestation key to verify with",
            );
            return;
        };
        match verify_signature(attest, sig, &key, p.allow_sha1) {
            Ok(()) => {
                run.l.detail("signature_algorithm", sig.scheme.name());
                run.l
                    .detail("signature_digest", format!("0x{:04x}", sig.hash));
                let how = if roots.is_some() {
                    "quote signature verifies under the certified AK"
                } else {
                    "quote signature verifies under the presented, uncertified AK certificate key"
                };
                run.l.verified("tpm_quote_signature", how);
            }
            Err(e) => {
                run.l.detail("signature_error", e.to_string());
                run.fail(
                    "tpm_quote_signature",
                    "tpm_quote_signature_failed",
                    e.to_string(),
                );
            }
        }
    }

    /// Establishes PCR values the quote proves: explicit values whose
    /// digest matches, or an event-log replay whose digest matches.
    fn check_pcrs(
        &self,
        quote: &QuoteInfo,
        sign_hash: Option<HashAlg>,
        run: &mut Run,
    ) -> Option<PcrValues> {
        let sel = match Selection::from_quote(&quote.pcr_select) {
            Ok(s) => s,
            Err(e) => {
                if self.pcr_values.is_some() || self.event_log.is_some() {
                    run.fail("pcr_values", "tpm_evidence_check_failed", e.to_string());
                }
                return None;
            }
        };
        let mut attested: Option<PcrValues> = None;
        if let Some(values) = &self.pcr_values {
            match sign_hash.map(|h| values.pcr_digest(&quote.pcr_select, h)) {
                None => run.l.not_established(
                    "pcr_values",
                    "no verified signing hash to recompute pcrDigest with",
                ),
                Some(Ok(d)) if cmcp_json::encoding::ct_eq(&d, &quote.pcr_digest) => {
                    run.l.verified(
                        "pcr_values",
                        "supplied PCR values reproduce the quoted pcrDigest",
                    );
                    attested = Some(values.clone());
                }
                Some(Ok(d)) => run.fail(
                    "pcr_values",
                    "tpm_evidence_check_failed",
                    format!(
                        "supplied PCR values give pcrDigest {}, the quote has {}",
                        hex(&d),
                        hex(&quote.pcr_digest)
                    ),
                ),
                Some(Err(e)) => run.fail("pcr_values", "tpm_evidence_check_failed", e.to_string()),
            }
        }
        if let Some(raw) = &self.event_log {
            let log = match EventLog::parse(raw) {
                Ok(l) => l,
                Err(e) => {
                    run.fail(
                        "event_log",
                        "tpm_evidence_check_failed",
                        format!("event log: {e}"),
                    );
                    return attested;
                }
            };
            // Replay every selected bank.
            let mut replay = PcrValues::default();
            for alg in [
                HashAlg::Sha1,
                HashAlg::Sha256,
                HashAlg::Sha384,
                HashAlg::Sha512,
            ] {
                let pcrs: Vec<u32> = (0..=31).filter(|i| sel.has(alg, *i)).collect();
                if pcrs.is_empty() {
                    continue;
                }
                let r = match log.replay(alg) {
                    Ok(r) => r,
                    Err(e) => {
                        run.fail(
                            "event_log",
                            "tpm_evidence_check_failed",
                            format!("event log replay: {e}"),
                        );
                        return attested;
                    }
                };
                if let Some(a) = &attested {
                    let reported: BTreeMap<u32, Vec<u8>> = pcrs
                        .iter()
                        .filter_map(|i| a.get(alg, *i).map(|v| (*i, v.to_vec())))
                        .collect();
                    let c = compare(&r, &reported);
                    if !c.verified() {
                        run.fail(
                            "event_log",
                            "tpm_evidence_check_failed",
                            format!(
                                "{alg} event log replay disagrees with the quoted PCRs (mismatched {:?}, absent from log {:?})",
                                c.mismatched, c.absent
                            ),
                        );
                        return attested;
                    }
                }
                for (i, v) in r {
                    if replay.insert(alg, i, v).is_err() {
                        run.fail(
                            "event_log",
                            "tpm_evidence_check_failed",
                            "event log replay value has the wrong size",
                        );
                        return attested;
                    }
                }
            }
            if attested.is_some() {
                run.l
                    .verified("event_log", "event log replay equals the quoted PCR values");
                return attested;
            }
            match sign_hash.map(|h| replay.pcr_digest(&quote.pcr_select, h)) {
                None => run.l.not_established(
                    "event_log",
                    "no verified signing hash to recompute pcrDigest with",
                ),
                Some(Ok(d)) if cmcp_json::encoding::ct_eq(&d, &quote.pcr_digest) => {
                    run.l.verified(
                        "event_log",
                        "event log replay reproduces the quoted pcrDigest",
                    );
                    attested = Some(replay);
                }
                Some(Ok(_)) => run.fail(
                    "event_log",
                    "tpm_evidence_check_failed",
                    "event log replay does not reproduce the quoted pcrDigest",
                ),
                Some(Err(e)) => run.fail(
                    "event_log",
                    "tpm_evidence_check_failed",
                    format!("event log: {e}"),
                ),
            }
        }
        attested
    }

    fn appraise(
        &self,
        attest: &Attest,
        quote: &QuoteInfo,
        attested: Option<&PcrValues>,
        run: &mut Run,
    ) {
        let p = &self.policy;
        let sel = Selection::from_quote(&quote.pcr_select).ok();
        if let Some(req) = &p.required_pcr_selection {
            match &sel {
                Some(s) if s.contains(req) => run
                    .l
                    .verified("pcr_selection", "quote selects every required PCR"),
                _ => run.fail(
                    "pcr_selection",
                    "tpm_policy_failed",
                    format!(
                        "quote selection {} lacks required {}",
                        sel.as_ref()
                            .map_or_else(|| "(invalid)".to_owned(), Selection::describe),
                        req.describe()
                    ),
                ),
            }
        }
        if let Some(exp) = &p.expected_pcrs {
            let mut problems = Vec::new();
            for (bank, pcr, want) in exp.iter() {
                if !sel.as_ref().is_some_and(|s| s.has(bank, pcr)) {
                    problems.push(format!("{bank} PCR {pcr} is not quoted"));
                    continue;
                }
                match attested.and_then(|a| a.get(bank, pcr)) {
                    Some(v) if cmcp_json::encoding::ct_eq(v, want) => {}
                    Some(_) => problems.push(format!("{bank} PCR {pcr} differs from the expected value")),
                    None => problems.push(format!("{bank} PCR {pcr} value is not established (supply PCR values or an event log)")),
                }
            }
            if problems.is_empty() {
                run.l
                    .verified("pcr_policy", "quoted PCRs have the expected values");
            } else {
                run.fail("pcr_policy", "tpm_policy_failed", problems.join("; "));
            }
        }
        if let Some(events) = &p.expected_event_digests {
            let log = match (&self.event_log, attested.is_some()) {
                (Some(raw), true) => EventLog::parse(raw).ok(),
                _ => None,
            };
            match log {
                None => run.fail(
                    "event_log_policy",
                    "tpm_policy_failed",
                    "the policy expects event digests but no quote-verified event log was supplied",
                ),
                Some(log) => {
                    // Only events of a quoted bank and PCR are vouched for
                    // by the replay check; anything else is attester text.
                    let bad: Vec<String> = events
                        .iter()
                        .filter_map(|((bank, pcr), want)| {
                            if !sel.as_ref().is_some_and(|s| s.has(*bank, *pcr)) {
                                return Some(format!("{bank} PCR {pcr} (not quoted)"));
                            }
                            let got = log.digests_for(*bank, *pcr);
                            let same = got.len() == want.len()
                                && got
                                    .iter()
                                    .zip(want.iter())
                                    .all(|(g, w)| cmcp_json::encoding::ct_eq(g, w));
                            (!same).then(|| format!("{bank} PCR {pcr}"))
                        })
                        .collect();
                    if bad.is_empty() {
                        run.l.verified(
                            "event_log_policy",
                            "event log has the expected event digests",
                        );
                    } else {
                        run.fail(
                            "event_log_policy",
                            "tpm_policy_failed",
                            format!(
                                "event digests differ from the policy for {}",
                                bad.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        if p.require_clock_safe {
            if attest.clock_info.safe == 1 {
                run.l.verified("clock_info", "clockInfo.safe is set");
            } else {
                run.fail(
                    "clock_info",
                    "tpm_policy_failed",
                    "clockInfo.safe is not set",
                );
            }
        }
    }

    fn bind_measurement(
        &self,
        claimed: &[u8],
        quote: &QuoteInfo,
        sign_hash: Option<HashAlg>,
        attested: Option<&PcrValues>,
        run: &mut Run,
    ) {
        let sel = Selection::from_quote(&quote.pcr_select).ok();
        let direct = sel.as_ref() == Some(&self.policy.measurement_selection)
            && sign_hash == Some(HashAlg::Sha256)
            && quote.pcr_digest.len() == 32;
        if direct {
            if cmcp_json::encoding::ct_eq(claimed, &quote.pcr_digest) {
                run.l.verified(
                    "pcr_digest",
                    format!(
                        "quote pcrDigest over {} equals the claimed measurement",
                        self.policy.measurement_selection.describe()
                    ),
                );
            } else {
                run.l.detail(
                    "pcr_digest_error",
                    "quote pcrDigest does not equal the claim's measurement",
                );
                run.fail(
                    "pcr_digest",
                    "tpm_evidence_check_failed",
                    "quote pcrDigest does not equal the claimed measurement",
                );
            }
            return;
        }
        // Through quote-verified PCR values covering SHA-256 PCRs 0–7.
        let covers = sel
            .as_ref()
            .is_some_and(|s| s.contains(&Selection::sha256_0_7()));
        if let (true, Some(values)) = (covers, attested)
            && let Ok(m) = values.producer_measurement()
        {
            if cmcp_json::encoding::ct_eq(claimed, &m) {
                run.l.verified(
                    "pcr_digest",
                    "SHA-256(PCR0..PCR7) of the quoted PCR values equals the claimed measurement",
                );
            } else {
                run.l.detail(
                    "pcr_digest_error",
                    "quote pcrDigest does not equal the claim's measurement",
                );
                run.fail(
                    "pcr_digest",
                    "tpm_evidence_check_failed",
                    "SHA-256(PCR0..PCR7) of the quoted PCR values differs from the claimed measurement",
                );
            }
            return;
        }
        if sign_hash.is_none() {
            // No verified signature (absent, or already failed): the quote's
            // PCR digest is not authenticated, so the measurement cannot be
            // established from it — that is not a failure of its own.
            run.l.not_established(
                "pcr_digest",
                "no verified quote signature: the claimed measurement cannot be compared with an authenticated pcrDigest",
            );
            return;
        }
        let r = format!(
            "the quote (selection {}, signing hash {}) does not determine the claimed measurement \
             (measurement selection {} with SHA-256, or quoted PCR values for sha256:0-7, needed)",
            sel.as_ref()
                .map_or_else(|| "(invalid)".to_owned(), Selection::describe),
            sign_hash.map_or("unknown", HashAlg::name),
            self.policy.measurement_selection.describe()
        );
        run.l.detail("pcr_digest_error", r.clone());
        run.fail("pcr_digest", "tpm_evidence_check_failed", r);
    }

    /// The NV-certify pair (§11), when the relying party supplied an
    /// envelope or an expected gateway digest.
    fn check_gateway_measurement(
        &self,
        input: &EvidenceInput<'_>,
        ctx: &VerifyContext<'_>,
        roots: Option<&Roots>,
        run: &mut Run,
    ) {
        const F: &str = "gateway_measurement";
        let fail = |run: &mut Run, name: &'static str, why: String| {
            run.l.detail("nv_certify_failure", name);
            run.fail(F, "tpm_nv_certify_failed", format!("{name}: {why}"));
        };
        let Some(raw) = &self.nv_envelope else {
            if self.gateway_digest.is_some() {
                run.l.not_established(
                    F,
                    "an expected gateway digest was given but no NV-certify envelope",
                );
            }
            return;
        };
        let Some(digest) = self.gateway_digest else {
            return fail(
                run,
                "missing_nv_policy",
                "an NV-certify envelope needs the expected gateway digest".to_owned(),
            );
        };
        let env = match Envelope::parse(raw) {
            Ok(e) => e,
            Err(e) => return fail(run, e.name(), e.to_string()),
        };
        let (Some(chain_pem), Some(roots)) = (input.cert_chain, roots) else {
            // Still refuse a pair that cannot be an NV certify at all.
            for a in [&env.pre_attest, &env.post_attest] {
                if let Err(e) = Attest::parse_nv_certify(a) {
                    return fail(run, "malformed_nv_certify", e.to_string());
                }
            }
            let why = if input.cert_chain.is_none() {
                "no AK certificate chain to verify the NV-certify signatures with"
            } else {
                "the AK certificate chain is not pinned (no TPM CA): NV-certify pair not authenticated"
            };
            run.l.not_established(F, why);
            return;
        };
        let policy = NvPolicy::for_default_index(digest);
        let o = verify_nv_pair(
            &env.pair(),
            &policy,
            chain_pem,
            &roots.certs,
            input.nonce.unwrap_or_default(),
            ctx.now,
            self.policy.allow_sha1,
        );
        for (k, v) in &o.details {
            run.l.detail(format!("nv_certify_{k}"), v.clone());
        }
        match o.failure_reason {
            None => run.l.verified(
                F,
                "NV-certify pair signed by the certified AK, bound to the nonce, extends the expected gateway digest into index 0x01500432",
            ),
            Some(name) => fail(
                run,
                name,
                format!(
                    "NV-certify pair refused (checks passed before it: {})",
                    if o.verified_fields.is_empty() {
                        "none".to_owned()
                    } else {
                        o.verified_fields.join(", ")
                    }
                ),
            ),
        }
    }

    fn conclude(&self, run: &mut Run, early: &str) -> Hw {
        if !early.is_empty()
            && (self.nv_envelope.is_some() || self.gateway_digest.is_some())
            && run.l.outcome_of("gateway_measurement").is_none()
        {
            run.l.not_established(
                "gateway_measurement",
                "NV-certify inputs given, but no usable TPM quote came with them",
            );
        }
        if run.l.has_failure() {
            let failed: Vec<&str> = run
                .l
                .entries()
                .iter()
                .filter(|e| e.outcome == Outcome::Failed)
                .map(|e| e.field.as_str())
                .collect();
            return Hw::Failed(format!("TPM evidence failed: {}", failed.join(", ")));
        }
        if !early.is_empty() {
            return Hw::NotEstablished(early.to_owned());
        }
        let need = [
            "pcr_format",
            "qualifying_data",
            "ak_cert_chain",
            "tpm_quote_signature",
        ];
        let missing: Vec<&str> = need
            .iter()
            .copied()
            .filter(|f| run.l.outcome_of(f) != Some(Outcome::Verified))
            .collect();
        let measurement_ok = matches!(
            run.l.outcome_of("pcr_digest"),
            Some(Outcome::Verified | Outcome::NotChecked)
        );
        let gateway_ok = matches!(
            run.l.outcome_of("gateway_measurement"),
            None | Some(Outcome::Verified)
        );
        if missing.is_empty() && measurement_ok && gateway_ok {
            let what = if run.l.outcome_of("pcr_digest") == Some(Outcome::Verified) {
                "bound to nonce[0:32] and the measurement"
            } else {
                "bound to nonce[0:32] (no measurement was given to compare)"
            };
            Hw::Verified(format!(
                "TPM quote signed by an AK certified to a pinned CA, {what}"
            ))
        } else {
            let mut m: Vec<&str> = missing;
            if !measurement_ok {
                m.push("pcr_digest");
            }
            if !gateway_ok {
                m.push("gateway_measurement");
            }
            Hw::NotEstablished(format!(
                "TPM quote not hardware-authenticated: {} not established",
                m.join(", ")
            ))
        }
    }
}
