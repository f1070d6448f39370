//! Receipt verification.
//!
//! [`external`] checks the `external_execution_evidence` receipts that tool
//! responses carry into audit entries: exactly six string members, bound to
//! the entry's call, issued by a pinned Ed25519 key, strictly signed over
//! the receipt's Python-json canonical form.

pub mod external;
