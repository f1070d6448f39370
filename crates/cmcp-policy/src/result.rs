//! The status rule and the result type.

use crate::ledger::{FailureCode, Ledger, Outcome};
use std::fmt;

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every required check verified and nothing failed.
    Verified,
    /// Nothing failed, but something required was not established.
    PartiallyVerified,
    /// At least one check failed.
    Unverified,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::PartiallyVerified => "partially_verified",
            Status::Unverified => "unverified",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "verified" => Status::Verified,
            "partially_verified" => Status::PartiallyVerified,
            "unverified" => Status::Unverified,
            _ => return None,
        })
    }

    /// The CLI exit status: 0, 1 or 2.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Verified => 0,
            Status::PartiallyVerified => 1,
            Status::Unverified => 2,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status rule. Any failed entry ⇒ `unverified` with the
/// highest-precedence code; else any `required` field whose outcome is not
/// `verified` (absent, not established, not checked) ⇒ `partially_verified`;
/// else `verified`.
///
/// ```
/// use cmcp_policy::{decide, Ledger, Status};
/// let mut l = Ledger::new();
/// l.verified("a", "");
/// assert_eq!(decide(&l, &["a"]), (Status::Verified, None));
/// assert_eq!(decide(&l, &["a", "b"]), (Status::PartiallyVerified, None));
/// ```
pub fn decide(ledger: &Ledger, required: &[&str]) -> (Status, Option<FailureCode>) {
    if ledger.has_failure() {
        return (Status::Unverified, ledger.failure_reason());
    }
    let all = required
        .iter()
        .all(|f| ledger.outcome_of(f) == Some(Outcome::Verified));
    if all {
        (Status::Verified, None)
    } else {
        (Status::PartiallyVerified, None)
    }
}

/// One bundle failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFailure {
    /// A stable code (`ENTRY_HASH_MISMATCH`, `CHAIN_LINK_BROKEN`, …).
    pub code: &'static str,
    /// The entry index, when the failure is about one entry.
    pub entry: Option<u64>,
    /// Words.
    pub message: String,
}

/// Bundle failures kept in a [`BundleSummary`], at most: the first ones in
/// check order. A bundle of many bad entries would otherwise hold a failure
/// per entry in memory and in the output; the rest are counted in
/// [`BundleSummary::failures_omitted`]. The verdict never depends on the cap.
pub const MAX_BUNDLE_FAILURES: usize = 100;

/// Outcome of an audit bundle verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleSummary {
    /// True when nothing failed.
    pub verified: bool,
    /// Entries in the bundle.
    pub entry_count: u64,
    /// The first failures in check order, at most [`MAX_BUNDLE_FAILURES`].
    pub failures: Vec<BundleFailure>,
    /// Failures after those in `failures`: counted, not kept.
    pub failures_omitted: u64,
}

impl BundleSummary {
    /// Every failure found, listed or not.
    ///
    /// ```
    /// let s = cmcp_policy::BundleSummary { failures_omitted: 7, ..Default::default() };
    /// assert_eq!(s.failure_count(), 7);
    /// ```
    pub fn failure_count(&self) -> u64 {
        (self.failures.len() as u64).saturating_add(self.failures_omitted)
    }
}

/// The result of a verification: the ledger and the reference-compatible
/// summary fields derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationResult {
    /// The verdict.
    pub status: Status,
    /// The highest-precedence failure, if any failed.
    pub failure_reason: Option<FailureCode>,
    /// Every check.
    pub ledger: Ledger,
    /// Age of the attestation in seconds (−1 when unknown).
    pub attestation_age_seconds: i64,
    /// True when the attestation age is within the window.
    pub is_attestation_fresh: bool,
    /// Bundle outcome, when a bundle was verified.
    pub bundle: Option<BundleSummary>,
}

impl VerificationResult {
    /// Fields that verified.
    pub fn verified_fields(&self) -> Vec<&str> {
        self.ledger.verified_fields()
    }

    /// Fields that failed or were not established.
    pub fn unverified_fields(&self) -> Vec<&str> {
        self.ledger.unverified_fields()
    }
}
