//! TRACE action receipts (`trace.action_receipt.conformance.v0`).
//!
//! A controller that receives a consequential action from the gateway signs
//! a receipt binding it to the call, the session, the canonical action
//! reference and a detached evidence document. Everything canonical here is
//! plain RFC 8785 JCS ([`cmcp_json::canonical::jcs`]):
//!
//! * `action_ref = "sha256:" + hex(SHA-256(JCS({agent_id, action_type, action_scope, action_timestamp})))`;
//! * `evidence_hash = alg + ":" + hex(alg(JCS(evidence)))`, alg `sha256` or `sha384`;
//! * `signature` = unpadded base64url Ed25519 (strict) over `JCS(receipt minus signature)`,
//!   under the JWK (`kty=OKP`, `crv=Ed25519`) pinned for `issuer_key_id`.
//!
//! # Check order
//!
//! 1. no receipt → `receipt_missing` when one is required;
//! 2. the action's own `action_ref` is recomputed (`action_ref_invalid`);
//! 3. receipt shape (`receipt_malformed`);
//! 4. issuer key pinned? Not pinned → status `receipt_unverified` with
//!    warning `issuer_key_unknown` and nothing further is read from the
//!    receipt (an unauthenticated receipt proves nothing either way);
//!    a pinned key that is not a strict Ed25519 JWK → `issuer_key_invalid`;
//! 5. signature (`signature_or_key_mismatch`); an unauthenticated receipt
//!    stops here;
//! 6. call, session, action binding (`call_id_mismatch`, `session_id_mismatch`
//!    — each when the context names the expected one, else listed in
//!    [`Outcome::not_checked`]; `action_ref_mismatch` — against the declared
//!    `action_ref`, only when that one recomputed);
//! 7. chain (`receipt_chain_gap`), when the context names the expected predecessor;
//! 8. freshness at `verification_time`: `receipt_from_future` (dated after
//!    it by more than `max_clock_skew_seconds`, default 0), `receipt_stale`
//!    (older than `max_receipt_age_seconds`, default 300);
//! 9. evidence (`evidence_missing`, `evidence_hash_mismatch`); the evidence
//!    content is read only once its hash matched:
//! 10. `decision` ∈ {accepted, rejected} (`decision_invalid`), `terminal_state`
//!     in its enum and consistent with the decision (`terminal_state_invalid`,
//!     `terminal_state_inconsistent`), `physical_completion_claim` absent or
//!     `none` (`unsupported_physical_completion_claim`), `completeness_claim`
//!     absent or `not_proven` (`unsupported_completeness_claim`);
//! 11. `issuer_independence == "gateway_self_report"` → warning `issuer_not_independent`.
//!
//! Status: any failure → `receipt_invalid` (`receipt_missing_required` for a
//! missing required receipt); unknown key → `receipt_unverified`; no receipt
//! and none required → `receipt_absent`; else `receipt_valid_accepted` /
//! `receipt_valid_rejected` by `decision`. `controller_outcome` is the
//! evidence `terminal_state` for a valid receipt, else `unknown`.
//!
//! The context is the relying party's: [`verify_document`] takes it as an
//! argument and never reads a document's own `context` (only the receipt is
//! signed); [`run_vector`] reads it from a conformance vector, where it is
//! the test's input.
//!
//! ```no_run
//! let text = std::fs::read("01-valid-controller-accepted.json").unwrap();
//! let v = cmcp_json::parse(&text).unwrap();
//! let out = cmcp_receipt::trace_action::run_vector(&v).unwrap();
//! assert_eq!(out.status, "receipt_valid_accepted");
//! ```

use crate::util::{digest_like, is_full_digest, jwk_key, present, sha256_prefixed, str_at};
use cmcp_json::canonical::jcs;
use cmcp_json::encoding::ct_eq;
use cmcp_json::{Object, Value};
use cmcp_policy::Timestamp;
use std::fmt;

/// The vector profile name.
pub const PROFILE: &str = "trace.action_receipt.conformance.v0";

/// Accepted `terminal_state` values, with the decision each is consistent with.
pub const TERMINAL_STATES: [(&str, &str); 7] = [
    ("accepted", "accepted"),
    ("executing", "accepted"),
    ("succeeded", "accepted"),
    ("failed", "accepted"),
    ("rejected", "rejected"),
    ("aborted", "rejected"),
    ("canceled", "rejected"),
];

/// Members a receipt must carry as strings.
pub const RECEIPT_STRING_MEMBERS: [&str; 10] = [
    "issuer",
    "issuer_key_id",
    "linked_call_id",
    "session_id",
    "action_ref",
    "evidence_type",
    "evidence_hash",
    "issued_at",
    "decision",
    "signature",
];

/// Overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Authentic, bound, fresh; the controller accepted.
    ValidAccepted,
    /// Authentic, bound, fresh; the controller rejected (valid negative evidence).
    ValidRejected,
    /// Required and absent.
    MissingRequired,
    /// Not required and absent.
    Absent,
    /// Issuer key not pinned: not checked, not refuted.
    Unverified,
    /// A check failed.
    Invalid,
}

impl Status {
    /// The vectors' name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::ValidAccepted => "receipt_valid_accepted",
            Status::ValidRejected => "receipt_valid_rejected",
            Status::MissingRequired => "receipt_missing_required",
            Status::Absent => "receipt_absent",
            Status::Unverified => "receipt_unverified",
            Status::Invalid => "receipt_invalid",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Failure {
    /// Required receipt absent.
    #[error("a receipt is required for this action and none was supplied")]
    ReceiptMissing,
    /// The action's `action_ref` is not the digest of its pre-image.
    #[error("the action's action_ref is not the digest of its canonical pre-image")]
    ActionRefInvalid,
    /// Receipt not an object, a member missing or of the wrong type.
    #[error("the receipt is not an object with the required string members")]
    ReceiptMalformed,
    /// Pinned key is not a strict Ed25519 OKP JWK.
    #[error("the pinned issuer key is not a strict Ed25519 OKP JWK")]
    IssuerKeyInvalid,
    /// Signature does not verify under the pinned key.
    #[error("the receipt signature does not verify under the pinned issuer key")]
    SignatureOrKeyMismatch,
    /// Bound to another call.
    #[error("the receipt is bound to a different call")]
    CallIdMismatch,
    /// From another session.
    #[error("the receipt is from a different session")]
    SessionIdMismatch,
    /// Bound to another action.
    #[error("the receipt is bound to a different action reference")]
    ActionRefMismatch,
    /// Predecessor is not the expected one.
    #[error("the receipt's previous_receipt_hash is not the expected predecessor")]
    ReceiptChainGap,
    /// Dated after the verification time.
    #[error("the receipt is dated after the verification time")]
    ReceiptFromFuture,
    /// Older than the freshness window.
    #[error("the receipt is older than the freshness window")]
    ReceiptStale,
    /// No evidence document.
    #[error("no detached evidence document was supplied")]
    EvidenceMissing,
    /// Evidence digest differs.
    #[error("evidence_hash does not match the detached evidence")]
    EvidenceHashMismatch,
    /// Decision not in its enum.
    #[error("decision must be accepted or rejected")]
    DecisionInvalid,
    /// Terminal state not in its enum.
    #[error("terminal_state is not a known terminal state")]
    TerminalStateInvalid,
    /// Terminal state contradicts the decision.
    #[error("terminal_state is inconsistent with the receipt decision")]
    TerminalStateInconsistent,
    /// Physical completion claimed.
    #[error("physical completion claims are not verified by this profile")]
    UnsupportedPhysicalCompletionClaim,
    /// Completeness claimed.
    #[error("completeness claims are not verified by this profile")]
    UnsupportedCompletenessClaim,
}

impl Failure {
    /// The vectors' code.
    pub fn code(self) -> &'static str {
        use Failure as F;
        match self {
            F::ReceiptMissing => "receipt_missing",
            F::ActionRefInvalid => "action_ref_invalid",
            F::ReceiptMalformed => "receipt_malformed",
            F::IssuerKeyInvalid => "issuer_key_invalid",
            F::SignatureOrKeyMismatch => "signature_or_key_mismatch",
            F::CallIdMismatch => "call_id_mismatch",
            F::SessionIdMismatch => "session_id_mismatch",
            F::ActionRefMismatch => "action_ref_mismatch",
            F::ReceiptChainGap => "receipt_chain_gap",
            F::ReceiptFromFuture => "receipt_from_future",
            F::ReceiptStale => "receipt_stale",
            F::EvidenceMissing => "evidence_missing",
            F::EvidenceHashMismatch => "evidence_hash_mismatch",
            F::DecisionInvalid => "decision_invalid",
            F::TerminalStateInvalid => "terminal_state_invalid",
            F::TerminalStateInconsistent => "terminal_state_inconsistent",
            F::UnsupportedPhysicalCompletionClaim => "unsupported_physical_completion_claim",
            F::UnsupportedCompletenessClaim => "unsupported_completeness_claim",
        }
    }
}

/// A non-fatal finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Warning {
    /// The issuer key is not pinned.
    IssuerKeyUnknown,
    /// The issuer is the gateway itself.
    IssuerNotIndependent,
}

impl Warning {
    /// The vectors' code.
    pub fn code(self) -> &'static str {
        match self {
            Warning::IssuerKeyUnknown => "issuer_key_unknown",
            Warning::IssuerNotIndependent => "issuer_not_independent",
        }
    }
}

/// What a receipt is checked against: the relying party's inputs.
///
/// A conformance vector carries one as its `context` member
/// ([`context_from_value`]); a relying party builds its own and never takes
/// one from the document it is checking ([`verify_document`]), since nothing
/// in a document but the receipt is signed.
#[derive(Clone, Debug)]
pub struct Context {
    /// The call the action belongs to; `None`: the receipt's call binding
    /// is not checked and [`Outcome::not_checked`] names `call_id`.
    pub call_id: Option<String>,
    /// The session; `None`: not checked, and [`Outcome::not_checked`] names
    /// `session_id`.
    pub session_id: Option<String>,
    /// Fail when no receipt is supplied.
    pub require_receipt: bool,
    /// The verification time.
    pub now: Timestamp,
    /// Freshness window, seconds.
    pub max_receipt_age_seconds: i64,
    /// Tolerance for receipts dated after `now`, seconds.
    pub max_clock_skew_seconds: i64,
    /// `None`: chain not checked; `Some(None)`: the receipt must be the first
    /// (no predecessor); `Some(Some(h))`: its predecessor must be `h`.
    pub expected_previous_receipt_hash: Option<Option<String>>,
}

/// Everything [`verify`] needs.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The context.
    pub context: &'a Context,
    /// The action (`agent_id`, `action_type`, `action_scope`, `action_timestamp`, `action_ref`).
    pub action: &'a Value,
    /// Pinned issuer keys: object of `issuer_key_id` → JWK.
    pub trusted_issuer_keys: Option<&'a Object>,
    /// The detached evidence document.
    pub evidence: Option<&'a Value>,
    /// The receipt.
    pub receipt: Option<&'a Value>,
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Verdict.
    pub status: Status,
    /// Evidence `terminal_state` for a valid receipt, else `unknown`.
    pub controller_outcome: String,
    /// Failed checks in order.
    pub failures: Vec<Failure>,
    /// Non-fatal findings.
    pub warnings: Vec<Warning>,
    /// Bindings the context gave nothing to check against (`call_id`,
    /// `session_id`), in that order: a valid status then does not establish
    /// what the receipt is bound to.
    pub not_checked: Vec<&'static str>,
}

/// The outcome in a vector's own vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorOutcome {
    /// e.g. `receipt_valid_accepted`.
    pub status: String,
    /// e.g. `accepted`, `unknown`.
    pub controller_outcome: String,
    /// Failure codes.
    pub failures: Vec<String>,
    /// Warning codes.
    pub warnings: Vec<String>,
}

impl From<&Outcome> for VectorOutcome {
    fn from(o: &Outcome) -> Self {
        VectorOutcome {
            status: o.status.as_str().to_owned(),
            controller_outcome: o.controller_outcome.clone(),
            failures: o.failures.iter().map(|f| f.code().to_owned()).collect(),
            warnings: o.warnings.iter().map(|w| w.code().to_owned()).collect(),
        }
    }
}

/// Why a vector file could not be run (the vector itself is malformed).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VectorError {
    /// Not a vector of this profile.
    #[error("not a {PROFILE} vector")]
    Profile,
    /// A member is missing or of the wrong type.
    #[error("vector member {0} is missing or malformed")]
    Member(&'static str),
    /// A top-level member this format does not define: refused rather than
    /// ignored, so no edit of the document passes unnoticed.
    #[error("unknown document member {0:?}")]
    Unknown(String),
}

/// The top-level members of an action-receipt document (and of the peer
/// vectors, which add `name`, `description` and `expected`).
const DOCUMENT_MEMBERS: &[&str] = &[
    "profile",
    "context",
    "action",
    "trusted_issuer_keys",
    "evidence",
    "receipt",
    "name",
    "description",
    "expected",
];

/// `"sha256:" + hex(SHA-256(JCS(pre-image)))` over the four action members.
///
/// ```
/// let a = cmcp_json::parse(br#"{"agent_id":"spiffe://f/agent","action_type":"move",
///   "action_scope":"cell-7","action_timestamp":"2026-06-25T16:30:00Z","extra":1}"#).unwrap();
/// assert_eq!(cmcp_receipt::trace_action::action_ref(&a).unwrap(),
///   "sha256:45f89ff002c85cbe9255d5446e4934bc36c1366211353cabbd10ff65f2df428e");
/// ```
pub fn action_ref(action: &Value) -> Option<String> {
    let mut pre = Object::new();
    for f in crate::embodied::ACTION_REF_FIELDS {
        let v = action.get(f)?;
        v.as_str()?;
        pre.insert(f, v.clone());
    }
    Some(sha256_prefixed(&jcs(&Value::Object(pre)).ok()?))
}

/// Verifies one action receipt. See the module documentation for the order.
pub fn verify(input: &Input<'_>) -> Outcome {
    let ctx = input.context;
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let not_checked: Vec<&'static str> = [
        ("call_id", ctx.call_id.is_none()),
        ("session_id", ctx.session_id.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    let unknown = || "unknown".to_owned();
    let invalid = |failures: Vec<Failure>, warnings: Vec<Warning>| Outcome {
        status: Status::Invalid,
        controller_outcome: "unknown".to_owned(),
        failures,
        warnings,
        not_checked: not_checked.clone(),
    };

    let declared = str_at(input.action, "action_ref");
    let action_ok = match (declared, action_ref(input.action)) {
        (Some(d), Some(w)) => ct_eq(d.as_bytes(), w.as_bytes()),
        _ => false,
    };
    let Some(receipt) = input.receipt.filter(|r| !r.is_null()) else {
        let status = if ctx.require_receipt {
            failures.push(Failure::ReceiptMissing);
            Status::MissingRequired
        } else {
            Status::Absent
        };
        if !action_ok {
            failures.push(Failure::ActionRefInvalid);
        }
        return Outcome {
            status,
            controller_outcome: unknown(),
            failures,
            warnings,
            not_checked,
        };
    };
    if !action_ok {
        failures.push(Failure::ActionRefInvalid);
    }
    let shape_ok = receipt.as_object().is_some_and(|o| {
        RECEIPT_STRING_MEMBERS
            .iter()
            .all(|m| o.get(m).and_then(Value::as_str).is_some())
            && matches!(
                o.get("previous_receipt_hash"),
                None | Some(Value::Null | Value::String(_))
            )
    });
    let Some(ro) = receipt.as_object().filter(|_| shape_ok) else {
        failures.push(Failure::ReceiptMalformed);
        return invalid(failures, warnings);
    };
    let s = |m: &str| ro.get(m).and_then(Value::as_str).unwrap_or("");

    // Key.
    let Some(jwk) = input
        .trusted_issuer_keys
        .and_then(|k| k.get(s("issuer_key_id")))
    else {
        warnings.push(Warning::IssuerKeyUnknown);
        let status = if failures.is_empty() {
            Status::Unverified
        } else {
            Status::Invalid
        };
        return Outcome {
            status,
            controller_outcome: unknown(),
            failures,
            warnings,
            not_checked,
        };
    };
    let Ok(key) = jwk_key(jwk) else {
        failures.push(Failure::IssuerKeyInvalid);
        return invalid(failures, warnings);
    };
    // Signature.
    let mut body = ro.clone();
    body.remove("signature");
    let sig_ok = jcs(&Value::Object(body))
        .ok()
        .is_some_and(|msg| key.verify_b64u(&msg, s("signature")).is_ok());
    if !sig_ok {
        failures.push(Failure::SignatureOrKeyMismatch);
        return invalid(failures, warnings);
    }

    // Binding.
    if let Some(call_id) = &ctx.call_id
        && !ct_eq(s("linked_call_id").as_bytes(), call_id.as_bytes())
    {
        failures.push(Failure::CallIdMismatch);
    }
    if let Some(session_id) = &ctx.session_id
        && !ct_eq(s("session_id").as_bytes(), session_id.as_bytes())
    {
        failures.push(Failure::SessionIdMismatch);
    }
    if action_ok
        && let Some(d) = declared
        && !ct_eq(s("action_ref").as_bytes(), d.as_bytes())
    {
        failures.push(Failure::ActionRefMismatch);
    }
    // Chain.
    if let Some(expected) = &ctx.expected_previous_receipt_hash {
        let got = ro.get("previous_receipt_hash").and_then(Value::as_str);
        let ok = match (expected.as_deref(), got) {
            (None, None) => true,
            (Some(e), Some(g)) => ct_eq(e.as_bytes(), g.as_bytes()),
            _ => false,
        };
        if !ok {
            failures.push(Failure::ReceiptChainGap);
        }
    }
    // Freshness.
    match Timestamp::parse_rfc3339(s("issued_at")) {
        Err(_) => failures.push(Failure::ReceiptMalformed),
        Ok(t) => {
            let age = ctx.now.seconds_since(t);
            if crate::util::beyond_future_skew(age, ctx.max_clock_skew_seconds) {
                failures.push(Failure::ReceiptFromFuture);
            } else if age > ctx.max_receipt_age_seconds {
                failures.push(Failure::ReceiptStale);
            }
        }
    }
    // Decision.
    let decision = s("decision");
    if !matches!(decision, "accepted" | "rejected") {
        failures.push(Failure::DecisionInvalid);
    }
    // Evidence.
    let mut terminal: Option<String> = None;
    match input.evidence.filter(|e| !e.is_null()) {
        None => failures.push(Failure::EvidenceMissing),
        Some(ev) => {
            let eh = s("evidence_hash");
            let matches = is_full_digest(eh)
                && jcs(ev)
                    .ok()
                    .and_then(|b| digest_like(eh, &b))
                    .is_some_and(|w| ct_eq(w.as_bytes(), eh.as_bytes()));
            if !matches {
                failures.push(Failure::EvidenceHashMismatch);
            } else {
                check_evidence(ev, decision, &mut failures, &mut terminal);
            }
        }
    }
    if s("issuer_independence") == "gateway_self_report" {
        warnings.push(Warning::IssuerNotIndependent);
    }
    if !failures.is_empty() {
        return invalid(failures, warnings);
    }
    let status = if decision == "accepted" {
        Status::ValidAccepted
    } else {
        Status::ValidRejected
    };
    Outcome {
        status,
        controller_outcome: terminal.unwrap_or_else(unknown),
        failures,
        warnings,
        not_checked,
    }
}

fn check_evidence(
    ev: &Value,
    decision: &str,
    failures: &mut Vec<Failure>,
    terminal: &mut Option<String>,
) {
    match str_at(ev, "terminal_state") {
        Some(t) => match TERMINAL_STATES.iter().find(|(n, _)| *n == t) {
            None => failures.push(Failure::TerminalStateInvalid),
            Some((_, d)) => {
                if matches!(decision, "accepted" | "rejected") && *d != decision {
                    failures.push(Failure::TerminalStateInconsistent);
                }
                *terminal = Some(t.to_owned());
            }
        },
        None => failures.push(Failure::TerminalStateInvalid),
    }
    if let Some(p) = present(ev, "physical_completion_claim")
        && p.as_str() != Some("none")
    {
        failures.push(Failure::UnsupportedPhysicalCompletionClaim);
    }
    if let Some(p) = present(ev, "completeness_claim")
        && p.as_str() != Some("not_proven")
    {
        failures.push(Failure::UnsupportedCompletenessClaim);
    }
}

fn member<'a>(v: &'a Value, name: &'static str) -> Result<&'a Value, VectorError> {
    v.get(name).ok_or(VectorError::Member(name))
}

fn int_member(v: &Value, name: &'static str, default: i64) -> Result<i64, VectorError> {
    match v.get(name) {
        None => Ok(default),
        Some(x) => x
            .as_int()
            .and_then(cmcp_json::Int::as_i64)
            .filter(|n| *n >= 0)
            .ok_or(VectorError::Member(name)),
    }
}

/// Reads a vector's `context` member into a [`Context`].
pub fn context_from_value(c: &Value) -> Result<Context, VectorError> {
    let sm = |name: &'static str| {
        str_at(c, name)
            .map(str::to_owned)
            .ok_or(VectorError::Member(name))
    };
    let now = Timestamp::parse_rfc3339(&sm("verification_time")?)
        .map_err(|_| VectorError::Member("verification_time"))?;
    let require_receipt = match c.get("require_receipt") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(VectorError::Member("require_receipt")),
    };
    let expected_previous_receipt_hash = match c.get("expected_previous_receipt_hash") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(h)) => Some(Some(h.clone())),
        Some(_) => return Err(VectorError::Member("expected_previous_receipt_hash")),
    };
    Ok(Context {
        call_id: Some(sm("call_id")?),
        session_id: Some(sm("session_id")?),
        require_receipt,
        now,
        max_receipt_age_seconds: int_member(c, "max_receipt_age_seconds", 300)?,
        max_clock_skew_seconds: int_member(c, "max_clock_skew_seconds", 0)?,
        expected_previous_receipt_hash,
    })
}

/// Checks the receipt of an action-receipt document (`profile`, `action`,
/// `trusted_issuer_keys`, `evidence`, `receipt`) against `context`. The
/// document's own `context` member is never read: it is not signed, so the
/// verification time, freshness window, receipt requirement, expected
/// predecessor and expected call and session are the caller's.
///
/// ```no_run
/// use cmcp_receipt::trace_action::{verify_document, Context, Status};
/// let text = std::fs::read("01-valid-controller-accepted.json").unwrap();
/// let doc = cmcp_json::parse(&text).unwrap();
/// let context = Context {
///     call_id: Some("01986d7c-6b2f-7c68-9ff8-3e2f9d0db337".into()),
///     session_id: Some("trace-session-2026-07-06T15:22:11Z".into()),
///     require_receipt: true,
///     now: cmcp_policy::Timestamp::parse_rfc3339("2026-07-06T15:24:00Z").unwrap(),
///     max_receipt_age_seconds: 300,
///     max_clock_skew_seconds: 300,
///     expected_previous_receipt_hash: None,
/// };
/// let out = verify_document(&doc, &context).unwrap();
/// assert_eq!(out.status, Status::ValidAccepted);
/// ```
pub fn verify_document(document: &Value, context: &Context) -> Result<Outcome, VectorError> {
    if str_at(document, "profile") != Some(PROFILE) {
        return Err(VectorError::Profile);
    }
    if let Some(o) = document.as_object()
        && let Some((k, _)) = o.iter().find(|(k, _)| !DOCUMENT_MEMBERS.contains(k))
    {
        return Err(VectorError::Unknown((*k).to_owned()));
    }
    let action = member(document, "action")?;
    let trusted_issuer_keys = match document.get("trusted_issuer_keys") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o),
        Some(_) => return Err(VectorError::Member("trusted_issuer_keys")),
    };
    let input = Input {
        context,
        action,
        trusted_issuer_keys,
        evidence: document.get("evidence"),
        receipt: document.get("receipt"),
    };
    Ok(verify(&input))
}

/// Runs one conformance vector (a parsed vector file) and returns the outcome
/// in the vector's own vocabulary, to compare with its `expected` member.
/// The vector's `context` is the test's relying-party input here; a
/// verifier of real documents uses [`verify_document`] with its own.
pub fn run_vector(v: &Value) -> Result<VectorOutcome, VectorError> {
    if str_at(v, "profile") != Some(PROFILE) {
        return Err(VectorError::Profile);
    }
    let context = context_from_value(member(v, "context")?)?;
    Ok(VectorOutcome::from(&verify_document(v, &context)?))
}
