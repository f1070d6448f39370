//! Intel TDX attestation: TD quote v4/v5 and TDREPORT parse, DCAP authenticate, appraise.
//!
//! * [`parse`] — bounds-checked TD quote (v4, v5) and TDREPORT parsing;
//! * [`authenticate`] — quote signature, QE binding, QE report signature,
//!   PCK chain to a pinned Intel SGX root;
//! * [`collateral`] — offline TCB status, QE identity and CRLs from Intel PCS collateral;
//! * [`appraise`] — the relying party's policy (TD attributes, measurements, TCB);
//! * [`TdxVerifier`] — the [`cmcp_policy::PlatformVerifier`] for `intel-tdx`.
//!
//! Nothing in this crate performs network I/O.
//!
//! ```no_run
//! use cmcp_tdx::{Collateral, TdxPolicy, TdxVerifier};
//! # fn demo(policy_doc: Option<&cmcp_json::Value>, collateral_json: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = TdxVerifier::new(TdxPolicy::from_json(policy_doc)?)
//!     .with_collateral(Collateral::from_json(collateral_json)?);
//! // hand `verifier` to the claim verifier as a `cmcp_policy::PlatformVerifier`
//! # let _ = verifier; Ok(()) }
//! ```

pub mod appraise;
pub mod authenticate;
pub mod collateral;
pub mod parse;
pub mod pck;
pub mod roots;
mod verifier;

pub use appraise::TdxPolicy;
pub use collateral::{Collateral, TcbStatus};
pub use verifier::{PLATFORM, TdxVerifier};

use sha2::{Digest as _, Sha384};

/// The claim measurement of a TD: `"sha384:" + hex(SHA-384(MRTD))`.
///
/// ```
/// let m = cmcp_tdx::measurement_of(&[0u8; 48]);
/// assert!(m.starts_with("sha384:") && m.len() == 7 + 96);
/// ```
pub fn measurement_of(mr_td: &[u8; 48]) -> String {
    format!(
        "sha384:{}",
        cmcp_json::encoding::hex_encode(&Sha384::digest(mr_td))
    )
}
