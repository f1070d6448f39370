//! Receipt verification through the façade: one result type for every
//! receipt kind, recorded in the shared ledger.

use crate::{Digest, FailureCode, Ledger, VerificationResult, VerifyOptions};
use cmcp_json::Value;
use cmcp_receipt::embodied::{EmbodiedPolicy, ReceiptState};

/// A receipt to check, with what it must be checked against.
#[derive(Clone, Copy, Debug)]
pub enum ReceiptInput<'a> {
    /// An audit entry carrying `external_execution_evidence`; issuer keys
    /// come from `VerifyOptions::evidence_keys`.
    Execution {
        /// The audit entry.
        entry: &'a Value,
    },
    /// An embodied action: the audit entry, its detached payload and,
    /// optionally, the TRACE claim it belongs to.
    Embodied {
        /// The audit entry.
        entry: &'a Value,
        /// The detached action payload.
        payload: &'a Value,
        /// The claim, for the policy/catalog/agent cross-checks.
        claim: Option<&'a Value>,
        /// Controller keys, freshness window and receipt requirements.
        policy: &'a EmbodiedPolicy,
    },
    /// A kill-switch refusal receipt and the claim of the refused session.
    KillSwitch {
        /// The receipt.
        receipt: &'a Value,
        /// The claim.
        claim: &'a Value,
    },
    /// A TRACE action receipt document (`trace.action_receipt.conformance.v0`:
    /// action, evidence, receipt and the issuer keys it names in one
    /// object). The document's own `context` is ignored: the verification
    /// time is `VerifyOptions::now` (with `future_skew_seconds`), and
    /// everything else the receipt is checked against is in `expect`.
    Action {
        /// The document.
        document: &'a Value,
        /// The relying party's expectations.
        expect: &'a ActionExpectations,
    },
}

/// The predecessor an action receipt must name (`previous_receipt_hash`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PreviousReceipt {
    /// The chain is not checked.
    #[default]
    NotChecked,
    /// The receipt must be the first of its chain (no predecessor).
    First,
    /// The receipt's predecessor must be this digest.
    Hash(Digest),
}

impl PreviousReceipt {
    /// Parses a relying-party pin: `none` for [`PreviousReceipt::First`],
    /// else a digest as [`Digest::parse_pin`] reads it.
    ///
    /// ```
    /// use cmcp_verify::receipts::PreviousReceipt;
    /// assert_eq!(PreviousReceipt::parse_pin("none"), Ok(PreviousReceipt::First));
    /// let p = PreviousReceipt::parse_pin(&"C1".repeat(32)).unwrap();
    /// let PreviousReceipt::Hash(d) = p else { panic!() };
    /// assert_eq!(d.to_string(), format!("sha256:{}", "c1".repeat(32)));
    /// assert!(PreviousReceipt::parse_pin("sha256:c1").is_err());
    /// ```
    pub fn parse_pin(s: &str) -> Result<PreviousReceipt, crate::policy::DigestError> {
        if s == "none" {
            return Ok(PreviousReceipt::First);
        }
        Digest::parse_pin(s).map(PreviousReceipt::Hash)
    }
}

/// What the relying party checks a TRACE action receipt against, besides
/// the verification time of `VerifyOptions`. Nothing here is ever read from
/// the document being checked.
///
/// ```
/// use cmcp_verify::receipts::{ActionExpectations, PreviousReceipt};
/// let e = ActionExpectations::default();
/// assert_eq!(e.max_receipt_age_seconds, 300);
/// assert_eq!(e.previous_receipt, PreviousReceipt::NotChecked);
/// assert!(e.call_id.is_none() && e.session_id.is_none() && !e.require_receipt);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionExpectations {
    /// The call the receipt must be bound to; `None` (or blank): the call
    /// binding is not established and the result is at best partial.
    pub call_id: Option<String>,
    /// The session the receipt must come from; `None` (or blank): not
    /// established, as for `call_id`.
    pub session_id: Option<String>,
    /// Report a missing receipt as `receipt_missing`.
    pub require_receipt: bool,
    /// Oldest acceptable receipt, seconds before `VerifyOptions::now`.
    pub max_receipt_age_seconds: i64,
    /// The predecessor the receipt must name.
    pub previous_receipt: PreviousReceipt,
}

impl Default for ActionExpectations {
    fn default() -> Self {
        ActionExpectations {
            call_id: None,
            session_id: None,
            require_receipt: false,
            max_receipt_age_seconds: 300,
            previous_receipt: PreviousReceipt::NotChecked,
        }
    }
}

impl ActionExpectations {
    /// The verifier's context: these expectations at `opts.now`, with
    /// `opts.future_skew_seconds` of tolerance for receipts dated after it.
    fn context(&self, opts: &VerifyOptions) -> cmcp_receipt::trace_action::Context {
        let id = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        cmcp_receipt::trace_action::Context {
            call_id: id(&self.call_id),
            session_id: id(&self.session_id),
            require_receipt: self.require_receipt,
            now: opts.now,
            max_receipt_age_seconds: self.max_receipt_age_seconds,
            max_clock_skew_seconds: i64::try_from(opts.future_skew_seconds).unwrap_or(i64::MAX),
            expected_previous_receipt_hash: match &self.previous_receipt {
                PreviousReceipt::NotChecked => None,
                PreviousReceipt::First => Some(None),
                PreviousReceipt::Hash(d) => Some(Some(d.to_string())),
            },
        }
    }
}

const F: &str = "receipt";

/// True when every issuer key the action-receipt document trusts (JWK `x`)
/// is among the relying party's pinned keys.
fn document_keys_pinned(document: &Value, opts: &VerifyOptions) -> bool {
    let Some(keys) = document
        .get("trusted_issuer_keys")
        .and_then(Value::as_object)
    else {
        return false;
    };
    !keys.is_empty()
        && keys.iter().all(|(_, jwk)| {
            jwk.get("x")
                .and_then(Value::as_str)
                .and_then(|x| cmcp_claim::binding::decode_x(x).ok())
                .is_some_and(|k| {
                    opts.evidence_keys
                        .values()
                        .any(|p| cmcp_json::encoding::ct_eq(p, &k))
                })
        })
}

/// The execution-evidence receipt check (§5.4) on an audit entry.
fn check_execution(entry: &Value, opts: &VerifyOptions, l: &mut Ledger) {
    let ev = entry.get("external_execution_evidence");
    let call_id = entry.get("call_id").and_then(Value::as_str);
    match ev {
        None | Some(Value::Null) => l.failed(
            F,
            FailureCode::ReceiptInvalid,
            "audit entry carries no external_execution_evidence",
        ),
        Some(ev) => match cmcp_receipt::external::verify(ev, call_id, &opts.evidence_keys) {
            Ok(()) => l.verified(
                F,
                "receipt verifies under a pinned issuer key and names this call",
            ),
            // Well formed and bound, but nobody pinned its issuer.
            Err(cmcp_receipt::external::ReceiptError::UnknownIssuer(_))
                if opts.evidence_keys.is_empty() =>
            {
                l.not_established(
                    F,
                    "no issuer key pinned (--evidence-key): the receipt cannot be authenticated",
                )
            }
            Err(e) => {
                l.detail("receipt_error", e.code());
                l.failed(F, FailureCode::ReceiptInvalid, e.to_string());
            }
        },
    }
}

/// Why the claim given for the embodied cross-checks cannot be compared
/// with: it must be schema-valid and its signature must verify under its
/// own strict key, or an edited claim (a renamed member skips its check)
/// would still back a verified receipt. `(receipt_error code, reason)`.
fn embodied_claim_problem(claim: &Value, opts: &VerifyOptions) -> Option<(&'static str, String)> {
    let parsed = match cmcp_claim::Claim::from_value(claim.clone()) {
        Ok(c) => c,
        Err(e) => {
            return Some((
                "claim_malformed",
                format!("the claim given for the cross-checks is malformed: {e}"),
            ));
        }
    };
    let check = cmcp_claim::verify_claim(parsed, opts, &[]);
    if check.verified_key.is_none() {
        return Some((
            "claim_not_authentic",
            "the claim given for the cross-checks is not authentic (its signature does not verify under its key)"
                .to_owned(),
        ));
    }
    None
}

fn result(ledger: Ledger) -> VerificationResult {
    crate::evidence_result(ledger, &[F])
}

/// The verdict for a receipt input that was read but is not acceptable
/// JSON: `unverified` with `RECEIPT_INVALID`, as a malformed claim file is a
/// `CLAIM_MALFORMED` verdict and not a usage error. `input` names the input
/// (`entry`, `payload`, `claim`, `receipt`); `details.receipt_error` is
/// `{input}_malformed`.
///
/// ```
/// use cmcp_verify::receipts::malformed_input;
/// use cmcp_verify::Status;
/// let e = cmcp_json::parse(b"{").unwrap_err();
/// let r = malformed_input("entry", &e);
/// assert_eq!(r.status, Status::Unverified);
/// assert_eq!(r.failure_reason.unwrap().as_str(), "RECEIPT_INVALID");
/// assert_eq!(r.ledger.details().get("receipt_error").map(String::as_str), Some("entry_malformed"));
/// ```
pub fn malformed_input(input: &str, error: &dyn std::fmt::Display) -> VerificationResult {
    let mut l = Ledger::new();
    l.detail("receipt_error", format!("{input}_malformed"));
    l.failed(
        F,
        FailureCode::ReceiptInvalid,
        format!("the {input} is not acceptable JSON: {error}"),
    );
    result(l)
}

/// Checks one receipt. `verified` when the receipt is authentic under a
/// pinned key, fresh, and bound to exactly what it names.
///
/// ```
/// use cmcp_verify::receipts::{verify_receipt, ReceiptInput};
/// use cmcp_verify::{Status, Timestamp, VerifyOptions};
/// let entry = cmcp_json::parse(br#"{"call_id":"c1","external_execution_evidence":{}}"#).unwrap();
/// let opts = VerifyOptions::at(Timestamp::from_unix(1_800_000_000));
/// let r = verify_receipt(ReceiptInput::Execution { entry: &entry }, &opts);
/// assert_eq!(r.status, Status::Unverified);
/// assert_eq!(r.failure_reason.unwrap().as_str(), "RECEIPT_INVALID");
/// ```
pub fn verify_receipt(input: ReceiptInput<'_>, opts: &VerifyOptions) -> VerificationResult {
    let mut l = Ledger::new();
    match input {
        ReceiptInput::Execution { entry } => check_execution(entry, opts, &mut l),
        ReceiptInput::Embodied {
            entry,
            payload,
            claim,
            policy,
        } => {
            // The profile check does not authenticate the entry's receipt:
            // run the execution-evidence check (§5.4) on it first.
            check_execution(entry, opts, &mut l);
            let r = cmcp_receipt::embodied::verify(entry, payload, claim, policy);
            l.detail("receipt_state", r.receipt_state.as_str());
            if !r.warnings.is_empty() {
                let w: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
                l.detail("warnings", w.join("; "));
            }
            // The cross-checks are only worth the claim they compare with.
            let claim_problem = claim.and_then(|c| embodied_claim_problem(c, opts));
            if !r.failures.is_empty() || claim_problem.is_some() {
                let mut codes = r.failure_codes();
                let mut why: Vec<String> = r.failures.iter().map(|f| f.to_string()).collect();
                if let Some((code, reason)) = claim_problem {
                    codes.push(code);
                    why.push(reason);
                }
                l.detail("receipt_error", codes.join(","));
                l.failed(F, FailureCode::ReceiptInvalid, why.join("; "));
            } else {
                match r.receipt_state {
                    ReceiptState::Accepted | ReceiptState::Rejected => l.verified(
                        F,
                        format!("controller receipt authenticated: {}", r.receipt_state),
                    ),
                    other => l.not_established(
                        F,
                        format!(
                            "action evidence is consistent, but the controller receipt is {other}"
                        ),
                    ),
                }
            }
        }
        ReceiptInput::KillSwitch { receipt, claim } => {
            let r = cmcp_receipt::kill_switch::verify(receipt, claim);
            for (k, v) in [
                ("agent_id", &r.agent_id),
                ("session_id", &r.session_id),
                ("refused_at", &r.refused_at),
            ] {
                if let Some(v) = v {
                    l.detail(k, v.clone());
                }
            }
            // The refusal is only as trustworthy as the claim that vouches for
            // its key: the claim must be schema-valid, and its key pinned.
            let schema = cmcp_claim::Claim::from_value(claim.clone());
            if !r.valid {
                let codes: Vec<&str> = r.errors.iter().map(|e| e.code()).collect();
                l.detail("receipt_error", codes.join(","));
                let why: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
                l.failed(F, FailureCode::ReceiptInvalid, why.join("; "));
            } else if let Err(e) = schema {
                l.detail("receipt_error", "claim_malformed");
                l.failed(
                    F,
                    FailureCode::ReceiptInvalid,
                    format!("the claim the refusal is bound to is malformed: {e}"),
                );
            } else {
                let claim_key = claim
                    .get("trace")
                    .and_then(|t| t.get("cnf"))
                    .and_then(|c| c.get("jwk"))
                    .and_then(|j| j.get("x"))
                    .and_then(Value::as_str)
                    .and_then(|x| cmcp_claim::binding::decode_x(x).ok());
                match (opts.trusted_key, claim_key) {
                    (Some(pin), Some(k)) if cmcp_json::encoding::ct_eq(&pin, &k) => l.verified(
                        F,
                        "refusal receipt is signed by the pinned gateway key and bound to its claim and session",
                    ),
                    (Some(_), _) => l.failed(
                        F,
                        FailureCode::PublicKeyNotBound,
                        "the claim's key is not the pinned gateway key (--trusted-key)",
                    ),
                    (None, _) => l.not_established(
                        F,
                        "the refusal is signed by the claim's own key, which nothing pins (--trusted-key)",
                    ),
                }
            }
        }
        ReceiptInput::Action { document, expect } => check_action(document, expect, opts, &mut l),
    }
    result(l)
}

/// The TRACE action receipt of `document`, checked against the relying
/// party's expectations and time; the document's `context` is not read.
fn check_action(
    document: &Value,
    expect: &ActionExpectations,
    opts: &VerifyOptions,
    l: &mut Ledger,
) {
    use cmcp_receipt::trace_action::{Status, verify_document};
    if document.get("context").is_some() {
        // Unsigned: its time, window, predecessor and ids are not inputs.
        l.detail("document_context", "ignored");
    }
    let o = match verify_document(document, &expect.context(opts)) {
        Ok(o) => o,
        Err(e) => {
            l.failed(F, FailureCode::ReceiptInvalid, e.to_string());
            return;
        }
    };
    l.detail("receipt_status", o.status.as_str());
    l.detail("controller_outcome", o.controller_outcome.clone());
    if !o.warnings.is_empty() {
        let w: Vec<&str> = o.warnings.iter().map(|w| w.code()).collect();
        l.detail("warnings", w.join(","));
    }
    if let Some(p) = document
        .get("receipt")
        .and_then(|r| r.get("previous_receipt_hash"))
        .and_then(Value::as_str)
    {
        l.detail("previous_receipt_hash", p);
    }
    match o.status {
        Status::ValidAccepted | Status::ValidRejected => {
            if !document_keys_pinned(document, opts) {
                // The document names its own trusted issuer keys: the
                // receipt is established only when the relying party
                // pinned every one of them (--evidence-key).
                l.not_established(
                    F,
                    "the receipt verifies under keys the document itself supplies; pin the issuer key (--evidence-key) to establish it",
                );
            } else if !o.not_checked.is_empty() {
                l.detail("not_checked", o.not_checked.join(","));
                l.not_established(
                    F,
                    format!(
                        "the receipt is authentic and fresh, but nothing was given to bind it to ({}: --call-id, --session-id)",
                        o.not_checked.join(", ")
                    ),
                );
            } else {
                l.verified(F, format!("action receipt valid: {}", o.controller_outcome));
            }
        }
        Status::Unverified => l.not_established(F, "action receipt issuer key is not pinned"),
        Status::Invalid | Status::MissingRequired | Status::Absent => {
            let codes: Vec<&str> = o.failures.iter().map(|f| f.code()).collect();
            l.detail("receipt_error", codes.join(","));
            l.failed(
                F,
                FailureCode::ReceiptInvalid,
                format!("{}: {}", o.status, codes.join(", ")),
            );
        }
    }
}
