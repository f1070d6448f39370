//! AMD SEV-SNP and Azure confidential-VM attestation: parse, authenticate, appraise.
//!
//! * [`parse`] — the 1184-byte `ATTESTATION_REPORT` as typed fields, keeping
//!   the raw bytes so the signature is checked over what was received.
//! * [`appraise`] — relying-party policy ([`appraise::SnpPolicy`]).
//! * [`authenticate`] — VCEK/VLEK → ASK/ASVK → pinned ARK, AMD extensions vs the report.
//! * [`azure`] — `azure-cvm-sev-snp`: envelope, runtime_data/AK/quote bindings, HCL split.
//! * [`builtin`] — AMD's ARKs (opt-in only).
//! * [`signature`] — ECDSA P-384/SHA-384 over the raw `report[0x000..0x2A0]`.
//! * [`verifier`] — [`SnpVerifier`], the `amd-sev-snp` [`cmcp_policy::PlatformVerifier`].

pub mod appraise;
pub mod authenticate;
pub mod azure;
pub mod builtin;
pub mod parse;
pub mod signature;
pub mod verifier;

pub use appraise::{PolicyError, SnpPolicy};
pub use azure::PLATFORM_AZURE_CVM;
pub use verifier::{PLATFORM_SEV_SNP, SnpVerifier};
