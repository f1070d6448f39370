//! TPM 2.0 / vTPM attestation for cmcp-verify: `TPMS_ATTEST` and
//! `TPMT_SIGNATURE` parsing, AK/EK certificate chains, qualifying-data and
//! PCR binding, the NV-certify pair and TCG event-log replay.
//!
//! * [`parse`] — bounds-checked big-endian parsers ([`parse::Attest::parse`],
//!   [`parse::Signature::parse`], [`parse::Public::parse`]).
//! * [`authenticate`] — quote signature under the AK, AK chain to a pinned
//!   CA, the end-entity EK rule, embedded (opt-in) Azure vTPM root.
//! * [`bind`] — qualifying data, PCR values, measurement.
//! * [`cache`] — bounded caches of pinned roots and authenticated AK chains.
//! * [`nvcertify`] — the gateway-measurement NV-certify pair.
//! * [`eventlog`] — TCG crypto-agile event log parse and replay.
//! * [`policy`] — the relying party's `"tpm"` appraisal policy.
//! * [`TpmVerifier`] — the `tpm2` [`cmcp_policy::PlatformVerifier`].
//!
//! ```
//! use cmcp_tpm::{bind::PcrValues, TpmVerifier};
//! let file = cmcp_json::parse(br#"{"tpm": {"allow_sha1": false}}"#).unwrap();
//! let verifier = TpmVerifier::from_policy_file(Some(&file))
//!     .unwrap()
//!     .with_pcr_values(PcrValues::default());
//! assert!(!verifier.policy().allow_sha1);
//! ```

pub mod authenticate;
pub mod bind;
pub mod cache;
pub mod eventlog;
pub mod nvcertify;
pub mod parse;
pub mod policy;
pub mod verifier;

pub use verifier::TpmVerifier;
