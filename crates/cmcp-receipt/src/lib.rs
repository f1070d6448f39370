//! Receipt verification for cMCP.
//!
//! * [`external`] — `external_execution_evidence` receipts that tool
//!   responses carry into audit entries (exactly six string members, bound to
//!   the entry's call, issued by a pinned Ed25519 key, strictly signed over
//!   the receipt's Python-json canonical form).
//! * [`embodied`] — the embodied action evidence profile
//!   (`cmcp.embodied_action_evidence.v0`) with strict controller receipts.
//! * [`kill_switch`] — kill-switch refusal receipts checked against the
//!   claim of the session the trip closed.
//! * [`trace_action`] — TRACE action receipts
//!   (`trace.action_receipt.conformance.v0`, RFC 8785 JCS).
//! * [`manifest`] — Agent Manifest binding: v0.1 JSON and v0.2 COSE_Sign1
//!   envelopes compared with `gateway.agent_identity`.

pub mod embodied;
pub mod external;
pub mod kill_switch;
pub mod manifest;
#[cfg(test)]
mod testutil;
pub mod trace_action;
mod util;
