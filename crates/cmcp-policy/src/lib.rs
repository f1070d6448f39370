//! The layer every other cmcp-verify crate shares.
//!
//! * [`Ledger`] — one `(field, outcome, reason)` record per check, with the
//!   failure code of failed checks and free-form details;
//! * [`Status`] and [`decide`] — the status rule: any failure ⇒ `unverified`,
//!   anything required not established ⇒ `partially_verified`, else `verified`;
//! * [`VerifyOptions`], [`Digest`], [`TrustInputs`] — what the relying party
//!   supplies (pins, roots, keys, the time);
//! * [`PlatformVerifier`] — the seam hardware-attestation crates implement;
//! * [`Timestamp`] — strict RFC 3339 time.
//!
//! ```
//! use cmcp_policy::{Ledger, FailureCode, Status, decide};
//! let mut l = Ledger::new();
//! l.verified("schema", "claim matches the schema");
//! l.not_established("hardware_attestation", "software-only");
//! assert_eq!(decide(&l, &["schema", "hardware_attestation"]).0, Status::PartiallyVerified);
//! l.failed("signature", FailureCode::SignatureInvalid, "bad signature");
//! assert_eq!(decide(&l, &["schema"]), (Status::Unverified, Some(FailureCode::SignatureInvalid)));
//! ```

mod ledger;
mod options;
mod platform;
mod result;
mod time;

pub use ledger::{Entry, FailureCode, Ledger, Outcome};
pub use options::{Digest, DigestAlg, DigestError, TrustInputs, VerifyOptions};
pub use platform::{EvidenceInput, PlatformVerifier, VerifyContext};
pub use result::{
    BundleFailure, BundleSummary, MAX_BUNDLE_FAILURES, Status, VerificationResult, decide,
};
pub use time::{Timestamp, TimestampError};
