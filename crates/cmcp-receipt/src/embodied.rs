//! The embodied action evidence profile (`cmcp.embodied_action_evidence.v0`).
//!
//! An audit entry's `external_execution_evidence` receipt points at a
//! detached payload describing a physical action handed to a controller.
//! [`verify`] runs every profile check of the reference, in its order, and
//! then classifies the controller's own receipt (`payload.receipt`) into a
//! [`ReceiptState`] — strictly: `accepted` / `rejected` are reported only
//! after the controller receipt's signature verified under a pinned key.
//!
//! # Controller receipt signature (defined here)
//!
//! The reference never verifies a controller receipt and defines no
//! signature format for it, so this crate defines one:
//!
//! * `key_id` — lowercase hex SHA-256 of the controller's raw 32-byte
//!   Ed25519 public key; the relying party pins keys by this id;
//! * `signature` — unpadded base64url of an Ed25519 signature (verified
//!   strictly: canonical `S`, no small-order keys or `R`) over the cMCP
//!   RFC 8785 form ([`cmcp_json::canonical::cjcs`]) of the receipt object
//!   without its `signature` member;
//! * `issued_at` — RFC 3339 time of issue, checked against an explicit
//!   `now` and the freshness window.
//!
//! States: `absent` (no receipt), `untrusted` (unsigned, or signed by a key
//! that is not pinned: nothing could be checked), `invalid` (malformed, bad
//! signature, bad binding, or future-dated), `stale` (authentic but older
//! than the window), `accepted` / `rejected` (authentic, fresh and bound).
//!
//! ```
//! use cmcp_receipt::embodied::{action_ref, EmbodiedPolicy, ReceiptState, verify};
//! let pre = cmcp_json::parse(br#"{"agent_id":"spiffe://f/agent","action_type":"move",
//!   "action_scope":"cell-7","action_timestamp":"2026-06-25T16:30:00Z"}"#).unwrap();
//! assert_eq!(action_ref(&pre).unwrap(),
//!   "sha256:45f89ff002c85cbe9255d5446e4934bc36c1366211353cabbd10ff65f2df428e");
//! let entry = cmcp_json::parse(br#"{"call_id":"c1"}"#).unwrap();
//! let r = verify(&entry, &pre, None, &EmbodiedPolicy::new(cmcp_policy::Timestamp::from_unix(0)));
//! assert_eq!(r.receipt_state, ReceiptState::Invalid);
//! assert_eq!(r.failures[0].code(), "no_external_evidence");
//! ```

use crate::util::{digest_like, present, sha256_prefixed, str_at};
use cmcp_claim::binding::StrictKey;
use cmcp_json::canonical::{CanonError, cjcs};
use cmcp_json::encoding::ct_eq;
use cmcp_json::{Object, Value};
use cmcp_policy::Timestamp;
use std::collections::BTreeMap;
use std::fmt;

/// The profile name.
pub const PROFILE: &str = "cmcp.embodied_action_evidence.v0";

/// Required detached payload members, in the order they are reported.
pub const REQUIRED_PAYLOAD_FIELDS: [&str; 12] = [
    "profile",
    "call_id",
    "action_ref",
    "agent_id",
    "action_type",
    "action_scope",
    "action_timestamp",
    "governance_decision",
    "policy_bundle_hash",
    "tool_catalog_hash",
    "controller_target",
    "handoff_timestamp",
];

/// Required members of `ros2` when present.
pub const ROS2_REQUIRED_FIELDS: [&str; 6] = [
    "distribution",
    "action_name",
    "action_type",
    "goal_uuid",
    "goal_preimage_hash",
    "goal_preimage_method",
];

/// The four members of the `action_ref` pre-image.
pub const ACTION_REF_FIELDS: [&str; 4] = [
    "agent_id",
    "action_type",
    "action_scope",
    "action_timestamp",
];

/// Classification of the controller receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReceiptState {
    /// No receipt.
    Absent,
    /// Unsigned, or signed by a key the relying party did not pin.
    Untrusted,
    /// Malformed, badly signed, badly bound or future-dated.
    Invalid,
    /// Authentic but older than the freshness window.
    Stale,
    /// Authentic, fresh, bound, and the controller accepted the action.
    Accepted,
    /// Authentic, fresh, bound, and the controller rejected the action.
    Rejected,
}

impl ReceiptState {
    /// The wire name (`absent`, `untrusted`, `invalid`, `stale`, `accepted`, `rejected`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptState::Absent => "absent",
            ReceiptState::Untrusted => "untrusted",
            ReceiptState::Invalid => "invalid",
            ReceiptState::Stale => "stale",
            ReceiptState::Accepted => "accepted",
            ReceiptState::Rejected => "rejected",
        }
    }
}

impl fmt::Display for ReceiptState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One failed check. Messages keep the reference's wording where it has one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmbodiedFailure {
    /// The audit entry carries no receipt object.
    #[error("audit entry has no external_execution_evidence object")]
    NoExternalEvidence,
    /// The detached payload is not an object.
    #[error("detached payload must be an object")]
    PayloadNotObject,
    /// Required payload members are missing.
    #[error("detached payload missing required fields: {}", .0.join(", "))]
    MissingFields(Vec<&'static str>),
    /// Wrong profile.
    #[error("detached payload profile must be cmcp.embodied_action_evidence.v0")]
    Profile,
    /// Strict: the audit entry has no call id to bind to.
    #[error("audit entry has no call_id, so the evidence cannot be bound to a call")]
    EntryHasNoCallId,
    /// Payload bound to another call.
    #[error("detached payload call_id does not match audit entry call_id")]
    PayloadCallId,
    /// Receipt bound to another call.
    #[error("external_execution_evidence linked_call_id does not match audit entry call_id")]
    LinkedCallId,
    /// Payload could not be canonicalized.
    #[error("detached payload could not be canonicalized for hash verification: {0}")]
    PayloadCanon(CanonError),
    /// `evidence_hash` is not the payload's digest.
    #[error("external_execution_evidence evidence_hash does not match detached payload")]
    EvidenceHash,
    /// The `action_ref` pre-image could not be canonicalized.
    #[error("action_ref preimage could not be canonicalized: {0}")]
    ActionRefCanon(CanonError),
    /// `action_ref` is not the digest of its pre-image.
    #[error("action_ref does not match canonical action preimage")]
    ActionRef,
    /// A pre-image member is not a string.
    #[error("action_ref preimage fields must be strings")]
    ActionRefTypes,
    /// Governance decision differs from the audit entry.
    #[error("governance_decision does not match audit entry policy_decision")]
    GovernanceDecision,
    /// The audit entry names no `policy_decision` to compare the governance
    /// decision with (a produced tool-call entry always does).
    #[error("audit entry has no policy_decision to compare governance_decision with")]
    PolicyDecisionMissing,
    /// Policy hash differs from the claim.
    #[error("policy_bundle_hash does not match TRACE Claim policy hash")]
    PolicyHash,
    /// Catalog hash differs from the claim.
    #[error("tool_catalog_hash does not match TRACE Claim catalog hash")]
    CatalogHash,
    /// Agent differs from the claim.
    #[error("agent_id does not match TRACE Claim agent identity")]
    AgentId,
    /// `ros2` is not an object.
    #[error("ros2 must be an object when present")]
    Ros2NotObject,
    /// `ros2` lacks members.
    #[error("ros2 missing required fields: {}", .0.join(", "))]
    Ros2Missing(Vec<&'static str>),
    /// `receipt` is not an object.
    #[error("receipt must be an object when present")]
    ReceiptNotObject,
    /// Receipt `key_id`/`signature` malformed, or the pinned key is unusable.
    #[error("controller receipt key_id or signature is malformed")]
    ReceiptSignatureMalformed,
    /// Receipt signature does not verify under the pinned key.
    #[error("controller receipt signature does not verify under the pinned key")]
    ReceiptSignature,
    /// Receipt could not be canonicalized for its signature.
    #[error("controller receipt could not be canonicalized for signature verification: {0}")]
    ReceiptCanon(CanonError),
    /// `issued_at` missing or not RFC 3339.
    #[error("controller receipt issued_at must be an RFC 3339 timestamp")]
    ReceiptIssuedAt,
    /// Issued after `now` (beyond the allowed skew).
    #[error("controller receipt is dated {0} seconds after the verification time")]
    ReceiptFromFuture(i64),
    /// Older than the freshness window.
    #[error("controller receipt is {age} seconds old, over the {max} second window")]
    ReceiptStale {
        /// Age in seconds.
        age: i64,
        /// The window.
        max: i64,
    },
    /// Verdict is neither `accepted` nor `rejected`.
    #[error("receipt.verdict must be accepted or rejected")]
    Verdict,
    /// A receipt is required and none (or none that could be verified) is present.
    #[error("receipt is required by verifier policy")]
    ReceiptRequired,
    /// Receipt type differs from the evidence type.
    #[error("receipt.receipt_type does not match evidence_type")]
    ReceiptType,
    /// Strict: a signed receipt must name the call.
    #[error("receipt.call_id is missing")]
    ReceiptCallIdMissing,
    /// Receipt names another call.
    #[error("receipt.call_id does not match detached payload call_id")]
    ReceiptCallId,
    /// Strict: a signed receipt must name the action.
    #[error("receipt.action_ref is missing")]
    ReceiptActionRefMissing,
    /// Receipt names another action.
    #[error("receipt.action_ref does not match detached payload action_ref")]
    ReceiptActionRef,
    /// Receipt names another ROS 2 goal.
    #[error("receipt.goal_uuid does not match ros2.goal_uuid")]
    ReceiptGoalUuid,
    /// Receipt names another ROS 2 goal pre-image.
    #[error("receipt.goal_preimage_hash does not match ros2.goal_preimage_hash")]
    ReceiptGoalPreimage,
    /// Physical completion is claimed.
    #[error("physical completion claims are not verified by this profile")]
    PhysicalCompletion,
    /// Same-party self-report refused by policy.
    #[error("receipt is same-party gateway self-report evidence, refused by verifier policy")]
    SelfReportRefused,
}

impl EmbodiedFailure {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        use EmbodiedFailure as F;
        match self {
            F::NoExternalEvidence => "no_external_evidence",
            F::PayloadNotObject => "payload_not_object",
            F::MissingFields(_) => "payload_missing_fields",
            F::Profile => "profile_mismatch",
            F::EntryHasNoCallId => "entry_call_id_missing",
            F::PayloadCallId => "payload_call_id_mismatch",
            F::LinkedCallId => "linked_call_id_mismatch",
            F::PayloadCanon(_) => "payload_not_canonicalizable",
            F::EvidenceHash => "evidence_hash_mismatch",
            F::ActionRefCanon(_) => "action_ref_not_canonicalizable",
            F::ActionRef => "action_ref_mismatch",
            F::ActionRefTypes => "action_ref_preimage_types",
            F::GovernanceDecision => "governance_decision_mismatch",
            F::PolicyDecisionMissing => "policy_decision_missing",
            F::PolicyHash => "policy_bundle_hash_mismatch",
            F::CatalogHash => "tool_catalog_hash_mismatch",
            F::AgentId => "agent_id_mismatch",
            F::Ros2NotObject => "ros2_not_object",
            F::Ros2Missing(_) => "ros2_missing_fields",
            F::ReceiptNotObject => "receipt_not_object",
            F::ReceiptSignatureMalformed => "receipt_signature_malformed",
            F::ReceiptSignature => "receipt_signature_invalid",
            F::ReceiptCanon(_) => "receipt_not_canonicalizable",
            F::ReceiptIssuedAt => "receipt_issued_at_invalid",
            F::ReceiptFromFuture(_) => "receipt_from_future",
            F::ReceiptStale { .. } => "receipt_stale",
            F::Verdict => "receipt_verdict_invalid",
            F::ReceiptRequired => "receipt_required",
            F::ReceiptType => "receipt_type_mismatch",
            F::ReceiptCallIdMissing => "receipt_call_id_missing",
            F::ReceiptCallId => "receipt_call_id_mismatch",
            F::ReceiptActionRefMissing => "receipt_action_ref_missing",
            F::ReceiptActionRef => "receipt_action_ref_mismatch",
            F::ReceiptGoalUuid => "receipt_goal_uuid_mismatch",
            F::ReceiptGoalPreimage => "receipt_goal_preimage_hash_mismatch",
            F::PhysicalCompletion => "unsupported_physical_completion_claim",
            F::SelfReportRefused => "self_report_refused",
        }
    }
}

/// A condition worth reporting that does not fail verification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmbodiedWarning {
    /// The receipt comes from the gateway itself.
    #[error("receipt is same-party gateway self-report evidence")]
    SelfReport,
    /// The receipt carries no `key_id`/`signature`.
    #[error("controller receipt is unsigned; its verdict is not established")]
    ReceiptUnsigned,
    /// The receipt's key is not pinned.
    #[error("controller receipt key_id {0} is not pinned; its verdict is not established")]
    ReceiptKeyUnknown(String),
}

impl EmbodiedWarning {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            EmbodiedWarning::SelfReport => "issuer_not_independent",
            EmbodiedWarning::ReceiptUnsigned => "receipt_unsigned",
            EmbodiedWarning::ReceiptKeyUnknown(_) => "receipt_key_unknown",
        }
    }
}

/// What the relying party supplies.
#[derive(Clone, Debug)]
pub struct EmbodiedPolicy {
    /// Fail when no verified receipt is present.
    pub require_receipt: bool,
    /// Pinned controller keys: lowercase hex SHA-256 of the raw key → raw key.
    pub controller_keys: BTreeMap<String, [u8; 32]>,
    /// The verification time.
    pub now: Timestamp,
    /// Freshness window for controller receipts, seconds (default 300).
    pub max_receipt_age_seconds: i64,
    /// Allowed clock skew for receipts dated after `now`, seconds (default 300).
    pub max_future_skew_seconds: i64,
    /// Refuse (rather than warn about) same-party gateway self-reports.
    pub refuse_self_report: bool,
}

impl EmbodiedPolicy {
    /// Defaults at `now`: receipt optional, no pinned keys, 300 s window and skew,
    /// self-reports warned about.
    pub fn new(now: Timestamp) -> Self {
        EmbodiedPolicy {
            require_receipt: false,
            controller_keys: BTreeMap::new(),
            now,
            max_receipt_age_seconds: 300,
            max_future_skew_seconds: 300,
            refuse_self_report: false,
        }
    }
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbodiedResult {
    /// True when `failures` is empty.
    pub verified: bool,
    /// The controller receipt classification.
    pub receipt_state: ReceiptState,
    /// Checks that passed, in order (the reference's field names).
    pub verified_fields: Vec<&'static str>,
    /// Checks that failed, in order.
    pub failures: Vec<EmbodiedFailure>,
    /// Non-fatal findings.
    pub warnings: Vec<EmbodiedWarning>,
}

impl EmbodiedResult {
    /// The failure codes, in order.
    pub fn failure_codes(&self) -> Vec<&'static str> {
        self.failures.iter().map(EmbodiedFailure::code).collect()
    }
}

/// `alg + ":" + hex(alg(CJCS(payload)))` for `sha256` or `sha384`.
///
/// ```
/// let p = cmcp_json::parse(br#"{"a":1}"#).unwrap();
/// assert_eq!(cmcp_receipt::embodied::hash_payload(&p, false).unwrap(),
///   "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
/// ```
pub fn hash_payload(payload: &Value, sha384: bool) -> Result<String, CanonError> {
    let bytes = cjcs(payload)?;
    let template = if sha384 { "sha384:" } else { "sha256:" };
    Ok(digest_like(template, &bytes).unwrap_or_default())
}

/// `"sha256:" + hex(SHA-256(CJCS({agent_id, action_type, action_scope, action_timestamp})))`
/// with the four members copied from `payload` (absent members are left out).
pub fn action_ref(payload: &Value) -> Result<String, CanonError> {
    let mut pre = Object::new();
    for f in ACTION_REF_FIELDS {
        if let Some(v) = payload.get(f) {
            pre.insert(f, v.clone());
        }
    }
    Ok(sha256_prefixed(&cjcs(&Value::Object(pre))?))
}

/// The bytes a controller signs: CJCS of the receipt without `signature`.
pub fn receipt_signing_bytes(receipt: &Object) -> Result<Vec<u8>, CanonError> {
    let mut o = receipt.clone();
    o.remove("signature");
    cjcs(&Value::Object(o))
}

/// Runs every profile check, in the reference's order, then classifies the
/// controller receipt strictly. Call [`crate::external::verify`] on the
/// entry's receipt first: this function checks the profile binding, not the
/// issuer signature of `external_execution_evidence`.
pub fn verify(
    audit_entry: &Value,
    payload: &Value,
    claim: Option<&Value>,
    policy: &EmbodiedPolicy,
) -> EmbodiedResult {
    let mut r = EmbodiedResult {
        verified: false,
        receipt_state: ReceiptState::Invalid,
        verified_fields: Vec::new(),
        failures: Vec::new(),
        warnings: Vec::new(),
    };
    let Some(ev) = audit_entry
        .get("external_execution_evidence")
        .and_then(Value::as_object)
    else {
        r.failures.push(EmbodiedFailure::NoExternalEvidence);
        return r;
    };
    let Some(p) = payload.as_object() else {
        r.failures.push(EmbodiedFailure::PayloadNotObject);
        return r;
    };
    let f = &mut r.failures;
    let vf = &mut r.verified_fields;

    let missing: Vec<&'static str> = REQUIRED_PAYLOAD_FIELDS
        .into_iter()
        .filter(|m| !p.contains(m))
        .collect();
    if !missing.is_empty() {
        f.push(EmbodiedFailure::MissingFields(missing));
    }
    if p.get("profile").and_then(Value::as_str) == Some(PROFILE) {
        vf.push("profile");
    } else {
        f.push(EmbodiedFailure::Profile);
    }

    // Strict: a call id must exist to bind to (absent == absent does not pass).
    let entry_call = str_at(audit_entry, "call_id");
    match entry_call {
        None => f.push(EmbodiedFailure::EntryHasNoCallId),
        Some(c) => {
            if p.get("call_id").and_then(Value::as_str) == Some(c) {
                vf.push("call_id");
            } else {
                f.push(EmbodiedFailure::PayloadCallId);
            }
            if ev.get("linked_call_id").and_then(Value::as_str) == Some(c) {
                vf.push("external_execution_evidence.linked_call_id");
            } else {
                f.push(EmbodiedFailure::LinkedCallId);
            }
        }
    }

    match ev.get("evidence_hash").and_then(Value::as_str) {
        Some(h) if crate::util::is_full_digest(h) => {
            match hash_payload(payload, h.starts_with("sha384:")) {
                Err(e) => f.push(EmbodiedFailure::PayloadCanon(e)),
                Ok(want) if ct_eq(want.as_bytes(), h.as_bytes()) => {
                    vf.push("external_execution_evidence.evidence_hash");
                }
                Ok(_) => f.push(EmbodiedFailure::EvidenceHash),
            }
        }
        _ => f.push(EmbodiedFailure::EvidenceHash),
    }

    if ACTION_REF_FIELDS
        .iter()
        .all(|m| p.get(m).and_then(Value::as_str).is_some())
    {
        match action_ref(payload) {
            Err(e) => f.push(EmbodiedFailure::ActionRefCanon(e)),
            Ok(want) => match p.get("action_ref").and_then(Value::as_str) {
                Some(got) if ct_eq(got.as_bytes(), want.as_bytes()) => vf.push("action_ref"),
                _ => f.push(EmbodiedFailure::ActionRef),
            },
        }
    } else {
        f.push(EmbodiedFailure::ActionRefTypes);
    }

    // Strict: an absent or null policy_decision is not a pass (the
    // reference skips the check, so renaming the member evaded it).
    match present(audit_entry, "policy_decision") {
        Some(pd) if p.get("governance_decision") == Some(pd) => vf.push("governance_decision"),
        Some(_) => f.push(EmbodiedFailure::GovernanceDecision),
        None => f.push(EmbodiedFailure::PolicyDecisionMissing),
    }

    if let Some(c) = claim {
        let ph = c
            .get("trace")
            .and_then(|t| t.get("policy"))
            .and_then(|x| str_at(x, "bundle_hash"));
        if let Some(ph) = ph {
            if p.get("policy_bundle_hash").and_then(Value::as_str) == Some(ph) {
                vf.push("policy_bundle_hash");
            } else {
                f.push(EmbodiedFailure::PolicyHash);
            }
        }
        let gw = c.get("gateway");
        let ch = gw
            .and_then(|g| g.get("catalog"))
            .and_then(|x| str_at(x, "hash"));
        if let Some(ch) = ch {
            if p.get("tool_catalog_hash").and_then(Value::as_str) == Some(ch) {
                vf.push("tool_catalog_hash");
            } else {
                f.push(EmbodiedFailure::CatalogHash);
            }
        }
        let aid = gw
            .and_then(|g| g.get("agent_identity"))
            .and_then(|x| str_at(x, "agent_id"));
        if let Some(aid) = aid {
            if p.get("agent_id").and_then(Value::as_str) == Some(aid) {
                vf.push("agent_id");
            } else {
                f.push(EmbodiedFailure::AgentId);
            }
        }
    }

    let ros2 = present(payload, "ros2");
    if let Some(ros) = ros2 {
        match ros.as_object() {
            None => f.push(EmbodiedFailure::Ros2NotObject),
            Some(ro) => {
                let missing: Vec<&'static str> = ROS2_REQUIRED_FIELDS
                    .into_iter()
                    .filter(|m| !ro.contains(m))
                    .collect();
                if missing.is_empty() {
                    vf.push("ros2.goal_preimage_hash");
                    vf.push("ros2.goal_uuid");
                } else {
                    f.push(EmbodiedFailure::Ros2Missing(missing));
                }
            }
        }
    }

    let receipt = present(payload, "receipt");
    r.receipt_state = match receipt {
        None => ReceiptState::Absent,
        Some(rc) => match rc.as_object() {
            None => {
                r.failures.push(EmbodiedFailure::ReceiptNotObject);
                ReceiptState::Invalid
            }
            Some(ro) => classify(ro, ev, payload, ros2, policy, &mut r),
        },
    };
    if policy.require_receipt
        && !matches!(
            r.receipt_state,
            ReceiptState::Accepted | ReceiptState::Rejected
        )
    {
        r.failures.push(EmbodiedFailure::ReceiptRequired);
    }
    r.verified = r.failures.is_empty();
    r
}

/// Signature, freshness, verdict and binding of a controller receipt.
fn classify(
    ro: &Object,
    ev: &Object,
    payload: &Value,
    ros2: Option<&Value>,
    policy: &EmbodiedPolicy,
    r: &mut EmbodiedResult,
) -> ReceiptState {
    let before = r.failures.len();
    let f = &mut r.failures;
    let vf = &mut r.verified_fields;
    let s = |m: &str| ro.get(m).and_then(Value::as_str);

    // Binding checks (reference step 13), strict: call_id and action_ref required.
    if ro.get("receipt_type") == ev.get("evidence_type") && ro.contains("receipt_type") {
        vf.push("receipt.receipt_type");
    } else {
        f.push(EmbodiedFailure::ReceiptType);
    }
    match present_o(ro, "call_id") {
        None => f.push(EmbodiedFailure::ReceiptCallIdMissing),
        Some(c) if Some(c) == payload.get("call_id") => vf.push("receipt.call_id"),
        Some(_) => f.push(EmbodiedFailure::ReceiptCallId),
    }
    match present_o(ro, "action_ref") {
        None => f.push(EmbodiedFailure::ReceiptActionRefMissing),
        Some(a) if Some(a) == payload.get("action_ref") => vf.push("receipt.action_ref"),
        Some(_) => f.push(EmbodiedFailure::ReceiptActionRef),
    }
    if let Some(ros) = ros2.filter(|x| x.as_object().is_some()) {
        if let Some(g) = present_o(ro, "goal_uuid") {
            if Some(g) == ros.get("goal_uuid") {
                vf.push("receipt.goal_uuid");
            } else {
                f.push(EmbodiedFailure::ReceiptGoalUuid);
            }
        }
        if let Some(g) = present_o(ro, "goal_preimage_hash") {
            if Some(g) == ros.get("goal_preimage_hash") {
                vf.push("receipt.goal_preimage_hash");
            } else {
                f.push(EmbodiedFailure::ReceiptGoalPreimage);
            }
        }
    }
    if let Some(pc) = present_o(ro, "physical_completion_claim") {
        if pc.as_str() == Some("none") {
            vf.push("receipt.physical_completion_claim");
        } else {
            f.push(EmbodiedFailure::PhysicalCompletion);
        }
    }
    if s("issuer_independence") == Some("gateway_self_report") {
        if policy.refuse_self_report {
            f.push(EmbodiedFailure::SelfReportRefused);
        } else {
            r.warnings.push(EmbodiedWarning::SelfReport);
        }
    }
    let binding_failed = r.failures.len() > before;

    // Signature under a pinned key.
    let (kid, sig) = match (ro.get("key_id"), ro.get("signature")) {
        (None | Some(Value::Null), None | Some(Value::Null)) => {
            r.warnings.push(EmbodiedWarning::ReceiptUnsigned);
            return if binding_failed {
                ReceiptState::Invalid
            } else {
                ReceiptState::Untrusted
            };
        }
        (Some(Value::String(k)), Some(Value::String(s))) if crate::util::is_lower_hex(k, 64) => {
            (k.as_str(), s.as_str())
        }
        _ => {
            r.failures.push(EmbodiedFailure::ReceiptSignatureMalformed);
            return ReceiptState::Invalid;
        }
    };
    let Some(raw) = policy.controller_keys.get(kid) else {
        r.warnings
            .push(EmbodiedWarning::ReceiptKeyUnknown(kid.to_owned()));
        return if binding_failed {
            ReceiptState::Invalid
        } else {
            ReceiptState::Untrusted
        };
    };
    let key = match StrictKey::from_bytes(raw) {
        Ok(k) if ct_eq(crate::util::sha256_hex(raw).as_bytes(), kid.as_bytes()) => k,
        _ => {
            r.failures.push(EmbodiedFailure::ReceiptSignatureMalformed);
            return ReceiptState::Invalid;
        }
    };
    let msg = match receipt_signing_bytes(ro) {
        Ok(m) => m,
        Err(e) => {
            r.failures.push(EmbodiedFailure::ReceiptCanon(e));
            return ReceiptState::Invalid;
        }
    };
    if key.verify_b64u(&msg, sig).is_err() {
        r.failures.push(EmbodiedFailure::ReceiptSignature);
        return ReceiptState::Invalid;
    }
    r.verified_fields.push("receipt.signature");

    // Freshness at `now`.
    let Some(issued) = s("issued_at").and_then(|t| Timestamp::parse_rfc3339(t).ok()) else {
        r.failures.push(EmbodiedFailure::ReceiptIssuedAt);
        return ReceiptState::Invalid;
    };
    let age = policy.now.seconds_since(issued);
    if crate::util::beyond_future_skew(age, policy.max_future_skew_seconds) {
        // `age` saturates at `i64::MIN`, so its negation saturates too.
        r.failures
            .push(EmbodiedFailure::ReceiptFromFuture(age.saturating_neg()));
        return ReceiptState::Invalid;
    }
    if age > policy.max_receipt_age_seconds {
        r.failures.push(EmbodiedFailure::ReceiptStale {
            age,
            max: policy.max_receipt_age_seconds,
        });
        return ReceiptState::Stale;
    }
    r.verified_fields.push("receipt.issued_at");

    let state = match s("verdict") {
        Some("accepted") => ReceiptState::Accepted,
        Some("rejected") => ReceiptState::Rejected,
        _ => {
            r.failures.push(EmbodiedFailure::Verdict);
            return ReceiptState::Invalid;
        }
    };
    if binding_failed {
        ReceiptState::Invalid
    } else {
        state
    }
}

fn present_o<'a>(o: &'a Object, name: &str) -> Option<&'a Value> {
    o.get(name).filter(|v| !v.is_null())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;
    use crate::testutil::*;

    const NOW: &str = "2026-06-25T16:31:00Z";

    fn payload_with(receipt: Option<Value>) -> Value {
        let mut p = j(
            r#"{"profile":"cmcp.embodied_action_evidence.v0","call_id":"c1",
            "agent_id":"spiffe://f/agent","action_type":"move","action_scope":"cell-7",
            "action_timestamp":"2026-06-25T16:30:00Z","governance_decision":"allow",
            "policy_bundle_hash":"sha256:p","tool_catalog_hash":"sha256:c",
            "controller_target":"ctl","handoff_timestamp":"2026-06-25T16:30:01Z"}"#,
        );
        let ar = action_ref(&p).unwrap();
        if let Value::Object(o) = &mut p {
            o.insert("action_ref", Value::from(ar));
            if let Some(r) = receipt {
                o.insert("receipt", r);
            }
        }
        p
    }

    fn signed_receipt(
        k: &ed25519_dalek::SigningKey,
        verdict: &str,
        issued: &str,
        extra: &[(&str, Value)],
    ) -> Value {
        let mut o = j(&format!(
            r#"{{"receipt_type":"controller-execution-receipt/v1","verdict":"{verdict}","call_id":"c1",
               "action_ref":"sha256:45f89ff002c85cbe9255d5446e4934bc36c1366211353cabbd10ff65f2df428e",
               "issued_at":"{issued}","physical_completion_claim":"none","key_id":"{}"}}"#,
            kid(k)
        ))
        .as_object()
        .unwrap()
        .clone();
        for (m, v) in extra {
            o.insert(*m, v.clone());
        }
        let msg = receipt_signing_bytes(&o).unwrap();
        o.insert("signature", Value::from(sign_b64u(k, &msg)));
        Value::Object(o)
    }

    fn entry_for(p: &Value) -> Value {
        let h = hash_payload(p, false).unwrap();
        j(&format!(
            r#"{{"call_id":"c1","policy_decision":"allow","external_execution_evidence":{{
              "issuer":"spiffe://ctl","issuer_key_id":"{}","signature":"x","evidence_hash":"{h}",
              "evidence_type":"controller-execution-receipt/v1","linked_call_id":"c1"}}}}"#,
            "ab".repeat(32)
        ))
    }

    fn policy(k: Option<&ed25519_dalek::SigningKey>) -> EmbodiedPolicy {
        let mut p = EmbodiedPolicy::new(Timestamp::parse_rfc3339(NOW).unwrap());
        if let Some(k) = k {
            p.controller_keys.insert(kid(k), public(k));
        }
        p
    }

    fn run(r: Option<Value>, pol: &EmbodiedPolicy) -> EmbodiedResult {
        let p = payload_with(r);
        verify(&entry_for(&p), &p, None, pol)
    }

    #[test]
    fn spec_action_ref_vector() {
        let p = payload_with(None);
        assert_eq!(
            p.get("action_ref").unwrap().as_str().unwrap(),
            "sha256:45f89ff002c85cbe9255d5446e4934bc36c1366211353cabbd10ff65f2df428e"
        );
    }

    #[test]
    fn every_receipt_state() {
        let k = key(11);
        let fresh = "2026-06-25T16:30:30Z";
        // absent
        let r = run(None, &policy(Some(&k)));
        assert_eq!((r.receipt_state, r.verified), (ReceiptState::Absent, true));
        assert_eq!(
            r.verified_fields,
            [
                "profile",
                "call_id",
                "external_execution_evidence.linked_call_id",
                "external_execution_evidence.evidence_hash",
                "action_ref",
                "governance_decision"
            ]
        );
        // accepted / rejected
        let r = run(
            Some(signed_receipt(&k, "accepted", fresh, &[])),
            &policy(Some(&k)),
        );
        assert_eq!(
            (r.receipt_state, r.verified),
            (ReceiptState::Accepted, true),
            "{:?}",
            r.failures
        );
        assert!(r.verified_fields.contains(&"receipt.signature"));
        let r = run(
            Some(signed_receipt(&k, "rejected", fresh, &[])),
            &policy(Some(&k)),
        );
        assert_eq!(r.receipt_state, ReceiptState::Rejected);
        // untrusted: key not pinned; and unsigned
        let r = run(
            Some(signed_receipt(&k, "accepted", fresh, &[])),
            &policy(None),
        );
        assert_eq!(
            (r.receipt_state, r.verified),
            (ReceiptState::Untrusted, true)
        );
        assert_eq!(r.warnings[0].code(), "receipt_key_unknown");
        let unsigned = j(
            r#"{"receipt_type":"controller-execution-receipt/v1","verdict":"accepted","call_id":"c1",
            "action_ref":"sha256:45f89ff002c85cbe9255d5446e4934bc36c1366211353cabbd10ff65f2df428e"}"#,
        );
        let r = run(Some(unsigned.clone()), &policy(Some(&k)));
        assert_eq!(r.receipt_state, ReceiptState::Untrusted);
        assert_eq!(r.warnings, vec![EmbodiedWarning::ReceiptUnsigned]);
        // required: an untrusted receipt does not satisfy the policy
        let mut req = policy(Some(&k));
        req.require_receipt = true;
        assert_eq!(
            run(Some(unsigned), &req).failure_codes(),
            ["receipt_required"]
        );
        assert_eq!(run(None, &req).failure_codes(), ["receipt_required"]);
        // stale
        let r = run(
            Some(signed_receipt(&k, "accepted", "2026-06-25T16:00:00Z", &[])),
            &policy(Some(&k)),
        );
        assert_eq!(r.receipt_state, ReceiptState::Stale);
        assert_eq!(
            r.failures,
            vec![EmbodiedFailure::ReceiptStale {
                age: 1860,
                max: 300
            }]
        );
        // invalid: from the future, bad signature, bad verdict, wrong binding
        let r = run(
            Some(signed_receipt(&k, "accepted", "2026-06-25T16:40:00Z", &[])),
            &policy(Some(&k)),
        );
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["receipt_from_future"])
        );
        let mut forged = signed_receipt(&k, "rejected", fresh, &[]);
        if let Value::Object(o) = &mut forged {
            o.insert("verdict", Value::from("accepted"));
        }
        let r = run(Some(forged), &policy(Some(&k)));
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["receipt_signature_invalid"])
        );
        let r = run(
            Some(signed_receipt(&k, "maybe", fresh, &[])),
            &policy(Some(&k)),
        );
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["receipt_verdict_invalid"])
        );
        let r = run(
            Some(signed_receipt(
                &k,
                "accepted",
                fresh,
                &[("call_id", Value::from("c2"))],
            )),
            &policy(Some(&k)),
        );
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["receipt_call_id_mismatch"])
        );
        let r = run(Some(j("[1]")), &policy(Some(&k)));
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["receipt_not_object"])
        );
        // a small-order pinned key is refused
        let mut pol = policy(None);
        pol.controller_keys
            .insert(crate::util::sha256_hex(&SMALL_ORDER), SMALL_ORDER);
        let mut o = signed_receipt(&k, "accepted", fresh, &[])
            .as_object()
            .unwrap()
            .clone();
        o.insert("key_id", Value::from(crate::util::sha256_hex(&SMALL_ORDER)));
        let r = run(Some(Value::Object(o)), &pol);
        assert_eq!(r.failure_codes(), ["receipt_signature_malformed"]);
    }

    #[test]
    fn self_report_warning_or_refusal_and_physical_claims() {
        let k = key(12);
        let fresh = "2026-06-25T16:30:30Z";
        let sr = [("issuer_independence", Value::from("gateway_self_report"))];
        let r = run(
            Some(signed_receipt(&k, "accepted", fresh, &sr)),
            &policy(Some(&k)),
        );
        assert_eq!(r.receipt_state, ReceiptState::Accepted);
        assert_eq!(
            r.warnings[0].to_string(),
            "receipt is same-party gateway self-report evidence"
        );
        let mut pol = policy(Some(&k));
        pol.refuse_self_report = true;
        let r = run(Some(signed_receipt(&k, "accepted", fresh, &sr)), &pol);
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["self_report_refused"])
        );
        let pc = [("physical_completion_claim", Value::from("completed"))];
        let r = run(
            Some(signed_receipt(&k, "accepted", fresh, &pc)),
            &policy(Some(&k)),
        );
        assert_eq!(r.failure_codes(), ["unsupported_physical_completion_claim"]);
    }

    #[test]
    fn payload_checks_in_reference_order() {
        let pol = policy(None);
        let p = payload_with(None);
        let e = entry_for(&p);
        // Missing members, wrong profile, tampered action_ref.
        let mut bad = p.as_object().unwrap().clone();
        bad.remove("controller_target");
        bad.insert("profile", Value::from("x"));
        bad.insert("action_ref", Value::from("sha256:00"));
        bad.insert("action_timestamp", Value::from(1));
        let r = verify(&e, &Value::Object(bad), None, &pol);
        assert_eq!(
            r.failure_codes(),
            [
                "payload_missing_fields",
                "profile_mismatch",
                "evidence_hash_mismatch",
                "action_ref_preimage_types"
            ]
        );
        assert_eq!(
            r.failures[0].to_string(),
            "detached payload missing required fields: controller_target"
        );
        // Claim cross-checks.
        let claim = j(
            r#"{"trace":{"policy":{"bundle_hash":"sha256:q"}},"gateway":{"catalog":{"hash":"sha256:c"},"agent_identity":{"agent_id":"spiffe://f/other"}}}"#,
        );
        let r = verify(&e, &p, Some(&claim), &pol);
        assert_eq!(
            r.failure_codes(),
            ["policy_bundle_hash_mismatch", "agent_id_mismatch"]
        );
        assert!(r.verified_fields.contains(&"tool_catalog_hash"));
        // Floats refuse canonicalization.
        let mut fl = p.as_object().unwrap().clone();
        fl.insert("extra", Value::Float(1.5));
        let r = verify(&e, &Value::Object(fl), None, &pol);
        assert_eq!(r.failure_codes(), ["payload_not_canonicalizable"]);
        // ROS 2.
        let mut ros = p.as_object().unwrap().clone();
        ros.insert("ros2", j(r#"{"distribution":"jazzy"}"#));
        let r = verify(&e, &Value::Object(ros), None, &pol);
        assert!(r.failure_codes().contains(&"ros2_missing_fields"));
        // No evidence object / no call id.
        let r = verify(&j(r#"{"call_id":"c1"}"#), &p, None, &pol);
        assert_eq!(
            (r.receipt_state, r.failure_codes()),
            (ReceiptState::Invalid, vec!["no_external_evidence"])
        );
        let mut nc = e.as_object().unwrap().clone();
        nc.remove("call_id");
        let r = verify(&Value::Object(nc), &p, None, &pol);
        assert_eq!(r.failure_codes()[0], "entry_call_id_missing");
    }
}
