//! TRACE Claim model and verification.
//!
//! * [`Claim`] — the strictly validated envelope ([`Claim::from_value`]);
//! * [`binding`] — RFC 7638 thumbprint, nonce layout, strict Ed25519;
//! * [`verify_claim`] — every claim-level check, recorded in a
//!   [`cmcp_policy::Ledger`], with platform evidence handed to a
//!   [`cmcp_policy::PlatformVerifier`].

pub mod binding;
mod model;
mod schema;
mod verify;

pub use model::{
    AgentIdentity, AttestationEvidence, AuditChainSummary, CMCP_VERSION, CallSummary, Claim,
    EAT_PROFILE, Gateway, Jwk, PLATFORMS, PolicyInfo, Runtime, SchemaError, ToolTranscript, Trace,
    TranscriptEntry,
};
pub use schema::{Seg, Violation, ViolationKind};
pub use verify::{
    ClaimCheck, ClaimParseError, MAX_EVIDENCE_BYTES, REQUIRED_FIELDS, parse_claim, required_fields,
    signing_bytes, verify_claim, verify_claim_bytes,
};
