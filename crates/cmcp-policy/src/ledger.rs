//! The outcome ledger.

use std::collections::BTreeMap;
use std::fmt;

/// What one check established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// The check ran and passed.
    Verified,
    /// The relying party pinned nothing to compare with.
    NotChecked,
    /// Absent, unsupported or not hardware-backed: nothing failed, nothing was proven.
    NotEstablished,
    /// The check ran and failed.
    Failed,
}

impl Outcome {
    /// The wire name (`verified`, `failed`, `not_established`, `not_checked`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Failed => "failed",
            Outcome::NotEstablished => "not_established",
            Outcome::NotChecked => "not_checked",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Outcome> {
        Some(match s {
            "verified" => Outcome::Verified,
            "failed" => Outcome::Failed,
            "not_established" => Outcome::NotEstablished,
            "not_checked" => Outcome::NotChecked,
            _ => return None,
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Failure codes, in precedence order: when several checks fail, the
/// result's `failure_reason` is the first of them in this order (ties go to
/// the check recorded first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureCode {
    /// The claim is not acceptable JSON or does not match the schema.
    ClaimMalformed,
    /// The confirmation key is not the one the hardware report binds, or not the pinned key.
    PublicKeyNotBound,
    /// The claim signature does not verify.
    SignatureInvalid,
    /// The policy bundle hash is not the pinned one.
    PolicyHashMismatch,
    /// The tool catalog hash is not the pinned one.
    CatalogHashMismatch,
    /// The Agent Manifest binding does not hold.
    AgentManifestMismatch,
    /// An agent key thumbprint is asserted for a subject that was not live-authenticated.
    AgentKeyThumbprintUnboundSubject,
    /// Attestation is too old, dated in the future, or declared stale.
    AttestationStale,
    /// The audit chain summary or bundle is inconsistent.
    ChainBroken,
    /// The audit-chain root is not committed in the report data.
    ChainRootNotBound,
    /// The gateway measurement is not committed in the report data.
    MeasurementNotBound,
    /// Hardware evidence failed a check.
    HardwareAttestationFailed,
    /// The platform is not one this verifier knows.
    UnsupportedProvider,
    /// A receipt (execution evidence, embodied action, kill-switch refusal,
    /// TRACE action receipt) failed a check.
    ReceiptInvalid,
}

impl FailureCode {
    /// All codes in precedence order.
    pub const ALL: [FailureCode; 14] = [
        FailureCode::ClaimMalformed,
        FailureCode::PublicKeyNotBound,
        FailureCode::SignatureInvalid,
        FailureCode::PolicyHashMismatch,
        FailureCode::CatalogHashMismatch,
        FailureCode::AgentManifestMismatch,
        FailureCode::AgentKeyThumbprintUnboundSubject,
        FailureCode::AttestationStale,
        FailureCode::ChainBroken,
        FailureCode::ChainRootNotBound,
        FailureCode::MeasurementNotBound,
        FailureCode::HardwareAttestationFailed,
        FailureCode::UnsupportedProvider,
        FailureCode::ReceiptInvalid,
    ];

    /// The wire name, as the reference spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::ClaimMalformed => "CLAIM_MALFORMED",
            FailureCode::PublicKeyNotBound => "PUBLIC_KEY_NOT_BOUND",
            FailureCode::SignatureInvalid => "SIGNATURE_INVALID",
            FailureCode::PolicyHashMismatch => "POLICY_HASH_MISMATCH",
            FailureCode::CatalogHashMismatch => "CATALOG_HASH_MISMATCH",
            FailureCode::AgentManifestMismatch => "AGENT_MANIFEST_MISMATCH",
            FailureCode::AgentKeyThumbprintUnboundSubject => "AGENT_KEY_THUMBPRINT_UNBOUND_SUBJECT",
            FailureCode::AttestationStale => "ATTESTATION_STALE",
            FailureCode::ChainBroken => "CHAIN_BROKEN",
            FailureCode::ChainRootNotBound => "CHAIN_ROOT_NOT_BOUND",
            FailureCode::MeasurementNotBound => "MEASUREMENT_NOT_BOUND",
            FailureCode::HardwareAttestationFailed => "HARDWARE_ATTESTATION_FAILED",
            FailureCode::UnsupportedProvider => "UNSUPPORTED_PROVIDER",
            FailureCode::ReceiptInvalid => "RECEIPT_INVALID",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<FailureCode> {
        FailureCode::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rank of a failure for `failure_reason` (lower wins): the code's
/// position, with the pinned-key mismatch placed after `SIGNATURE_INVALID`.
fn precedence_rank(field: &str, code: FailureCode) -> u32 {
    let pos = FailureCode::ALL
        .iter()
        .position(|c| *c == code)
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(u32::MAX / 2);
    if code == FailureCode::PublicKeyNotBound && field == "trusted_public_key" {
        // Between SIGNATURE_INVALID (pos 2) and POLICY_HASH_MISMATCH (pos 3).
        return 2 * 2 + 1;
    }
    // At most `u32::MAX / 2` (an unknown code), so doubling is exact.
    pos.saturating_mul(2)
}

/// One ledger record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The field name (shared vocabulary with the reference's `verified_fields`).
    pub field: String,
    /// What the check established.
    pub outcome: Outcome,
    /// Why, in words.
    pub reason: String,
    /// The failure code, for failed entries.
    pub code: Option<FailureCode>,
}

/// Every check a verification ran, in order, plus string details.
///
/// ```
/// use cmcp_policy::{Ledger, Outcome};
/// let mut l = Ledger::new();
/// l.verified("signature", "Ed25519 signature verifies");
/// l.not_checked("tool_catalog.hash", "no catalog hash pinned");
/// assert_eq!(l.outcome_of("signature"), Some(Outcome::Verified));
/// assert_eq!(l.verified_fields(), vec!["signature"]);
/// assert!(l.unverified_fields().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<Entry>,
    details: BTreeMap<String, String>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Records an entry.
    pub fn record(
        &mut self,
        field: impl Into<String>,
        outcome: Outcome,
        code: Option<FailureCode>,
        reason: impl Into<String>,
    ) {
        self.entries.push(Entry {
            field: field.into(),
            outcome,
            reason: reason.into(),
            code,
        });
    }

    /// Records a passed check.
    pub fn verified(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.record(field, Outcome::Verified, None, reason);
    }

    /// Records a failed check with its code.
    pub fn failed(
        &mut self,
        field: impl Into<String>,
        code: FailureCode,
        reason: impl Into<String>,
    ) {
        self.record(field, Outcome::Failed, Some(code), reason);
    }

    /// Records something required that could not be established.
    pub fn not_established(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.record(field, Outcome::NotEstablished, None, reason);
    }

    /// Records a comparison skipped because nothing was pinned.
    pub fn not_checked(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.record(field, Outcome::NotChecked, None, reason);
    }

    /// Turns every `verified` entry of `field` into `not_established`,
    /// appending `why` to its reason: for checks whose meaning depends on
    /// another check that was not established (a nonce binding is only as
    /// good as the hardware report carrying the nonce).
    ///
    /// ```
    /// use cmcp_policy::{Ledger, Outcome};
    /// let mut l = Ledger::new();
    /// l.verified("public_key_binding", "nonce[0:32] is the thumbprint");
    /// l.demote("public_key_binding", "no authenticated report carries the nonce");
    /// assert_eq!(l.outcome_of("public_key_binding"), Some(Outcome::NotEstablished));
    /// ```
    pub fn demote(&mut self, field: &str, why: &str) {
        for e in self.entries.iter_mut() {
            if e.field == field && e.outcome == Outcome::Verified {
                e.outcome = Outcome::NotEstablished;
                e.reason = format!("{}, but {why}", e.reason);
            }
        }
    }

    /// Sets a details member (last write wins).
    pub fn detail(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.details.insert(key.into(), value.into());
    }

    /// Removes a details member.
    pub fn remove_detail(&mut self, key: &str) {
        self.details.remove(key);
    }

    /// All entries in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The details map.
    pub fn details(&self) -> &BTreeMap<String, String> {
        &self.details
    }

    /// Appends every entry and detail of `other`.
    pub fn extend(&mut self, other: Ledger) {
        self.entries.extend(other.entries);
        self.details.extend(other.details);
    }

    /// The combined outcome of a field: the worst of its entries
    /// (failed > not established > not checked > verified).
    pub fn outcome_of(&self, field: &str) -> Option<Outcome> {
        self.entries
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.outcome)
            .max()
    }

    /// True if any entry failed.
    pub fn has_failure(&self) -> bool {
        self.entries.iter().any(|e| e.outcome == Outcome::Failed)
    }

    /// The highest-precedence failure code (ties: first recorded).
    ///
    /// Precedence follows the order of the checks, not only the code: a
    /// `PUBLIC_KEY_NOT_BOUND` from the report-data key binding outranks
    /// `SIGNATURE_INVALID`, while one from the pinned-key comparison
    /// (`trusted_public_key`) ranks just below it.
    ///
    /// ```
    /// use cmcp_policy::{Ledger, FailureCode};
    /// let mut l = Ledger::new();
    /// l.failed("signature", FailureCode::SignatureInvalid, "");
    /// l.failed("trusted_public_key", FailureCode::PublicKeyNotBound, "");
    /// assert_eq!(l.failure_reason(), Some(FailureCode::SignatureInvalid));
    /// l.failed("public_key_binding", FailureCode::PublicKeyNotBound, "");
    /// assert_eq!(l.failure_reason(), Some(FailureCode::PublicKeyNotBound));
    /// ```
    pub fn failure_reason(&self) -> Option<FailureCode> {
        let mut best: Option<(u32, FailureCode)> = None;
        for e in &self.entries {
            if e.outcome != Outcome::Failed {
                continue;
            }
            let code = e.code.unwrap_or(FailureCode::HardwareAttestationFailed);
            let rank = precedence_rank(&e.field, code);
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, code));
            }
        }
        best.map(|(_, c)| c)
    }

    fn fields_where(&self, pred: impl Fn(Outcome) -> bool) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in &self.entries {
            if out.contains(&e.field.as_str()) {
                continue;
            }
            if let Some(o) = self.outcome_of(&e.field)
                && pred(o)
            {
                out.push(&e.field);
            }
        }
        out
    }

    /// Fields whose every entry verified, in first-recorded order.
    pub fn verified_fields(&self) -> Vec<&str> {
        self.fields_where(|o| o == Outcome::Verified)
    }

    /// Fields that failed or were not established, in first-recorded order.
    /// Fields that were only `not_checked` are in neither list.
    pub fn unverified_fields(&self) -> Vec<&str> {
        self.fields_where(|o| matches!(o, Outcome::Failed | Outcome::NotEstablished))
    }

    /// Fields recorded as `not_checked` and nothing worse.
    pub fn not_checked_fields(&self) -> Vec<&str> {
        self.fields_where(|o| o == Outcome::NotChecked)
    }
}
