//! The relying party's TPM appraisal policy (never read from the claim).
//!
//! JSON shape of the `"tpm"` section of the policy file (every member
//! optional; unknown members and wrong types are refused):
//!
//! ```json
//! {
//!   "allow_sha1": false,
//!   "measurement_selection": {"sha256": [0, 1, 2, 3, 4, 5, 6, 7]},
//!   "required_pcr_selection": {"sha256": [0, 7]},
//!   "expected_pcrs": {"sha256": {"7": "<64 hex>"}},
//!   "expected_event_digests": {"sha256": {"7": ["<64 hex>", "<64 hex>"]}},
//!   "require_ek_chain": false,
//!   "require_ak_eku": false,
//!   "require_clock_safe": false
//! }
//! ```
//!
//! * `allow_sha1` — accept SHA-1 quote signatures (default `false`).
//! * `measurement_selection` — the selection whose SHA-256 `pcrDigest` *is*
//!   the claimed measurement (default `sha256:0-7`, the producer's
//!   definition SHA-256(PCR0 ‖ … ‖ PCR7)).
//! * `required_pcr_selection` — PCRs the quote must select (at least).
//! * `expected_pcrs` — PCR values the quoted PCRs must have.
//! * `expected_event_digests` — per PCR, the exact sequence of measured
//!   event digests the (quote-verified) event log must contain.
//! * `require_ek_chain` — fail unless a valid end-entity EK chain is supplied.
//! * `require_ak_eku` — the AK certificate must carry EKU `2.23.133.8.3`.
//! * `require_clock_safe` — the quote's `clockInfo.safe` must be 1.
//!
//! ```
//! use cmcp_tpm::policy::TpmPolicy;
//! let p = TpmPolicy::from_json(None).unwrap();
//! assert!(!p.allow_sha1);
//! let v = cmcp_json::parse(br#"{"allow_sha1": true}"#).unwrap();
//! assert!(TpmPolicy::from_json(Some(&v)).unwrap().allow_sha1);
//! let bad = cmcp_json::parse(br#"{"allow_sha1": 1}"#).unwrap();
//! assert!(TpmPolicy::from_json(Some(&bad)).is_err());
//! let unknown = cmcp_json::parse(br#"{"allow_md5": true}"#).unwrap();
//! assert!(TpmPolicy::from_json(Some(&unknown)).is_err());
//! ```

use crate::bind::{PcrValues, Selection, parse_index};
use crate::parse::HashAlg;
use cmcp_json::Value;
use std::collections::BTreeMap;

/// Why a policy section was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid \"tpm\" policy: {0}")]
pub struct PolicyError(pub String);

/// Expected event digests: (bank, PCR) → exact digest sequence.
pub type ExpectedEvents = BTreeMap<(HashAlg, u32), Vec<Vec<u8>>>;

/// The TPM appraisal policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TpmPolicy {
    /// Accept SHA-1 quote signatures.
    pub allow_sha1: bool,
    /// The selection whose SHA-256 `pcrDigest` is the claimed measurement.
    pub measurement_selection: Selection,
    /// PCRs the quote must select.
    pub required_pcr_selection: Option<Selection>,
    /// Expected PCR values.
    pub expected_pcrs: Option<PcrValues>,
    /// Expected measured-event digest sequences.
    pub expected_event_digests: Option<ExpectedEvents>,
    /// Require a valid end-entity EK chain.
    pub require_ek_chain: bool,
    /// Require the TCG AK EKU on the AK certificate.
    pub require_ak_eku: bool,
    /// Require `clockInfo.safe == 1`.
    pub require_clock_safe: bool,
}

impl Default for TpmPolicy {
    fn default() -> Self {
        TpmPolicy {
            allow_sha1: false,
            measurement_selection: Selection::sha256_0_7(),
            required_pcr_selection: None,
            expected_pcrs: None,
            expected_event_digests: None,
            require_ek_chain: false,
            require_ak_eku: false,
            require_clock_safe: false,
        }
    }
}

const MEMBERS: [&str; 8] = [
    "allow_sha1",
    "measurement_selection",
    "required_pcr_selection",
    "expected_pcrs",
    "expected_event_digests",
    "require_ek_chain",
    "require_ak_eku",
    "require_clock_safe",
];

fn boolean(v: &Value, name: &str) -> Result<bool, PolicyError> {
    v.as_bool()
        .ok_or_else(|| PolicyError(format!("{name} must be a boolean, got {}", v.type_name())))
}

impl TpmPolicy {
    /// Reads the `"tpm"` section (the section's value itself; `None` = defaults).
    pub fn from_json(section: Option<&Value>) -> Result<TpmPolicy, PolicyError> {
        let mut p = TpmPolicy::default();
        let Some(v) = section else { return Ok(p) };
        let obj = v.as_object().ok_or_else(|| {
            PolicyError(format!(
                "the section must be an object, got {}",
                v.type_name()
            ))
        })?;
        for (name, val) in obj.iter() {
            if !MEMBERS.contains(&name) {
                return Err(PolicyError(format!("unknown member {name:?}")));
            }
            let e = |x: crate::bind::BindError| PolicyError(format!("{name}: {x}"));
            match name {
                "allow_sha1" => p.allow_sha1 = boolean(val, name)?,
                "require_ek_chain" => p.require_ek_chain = boolean(val, name)?,
                "require_ak_eku" => p.require_ak_eku = boolean(val, name)?,
                "require_clock_safe" => p.require_clock_safe = boolean(val, name)?,
                "measurement_selection" => {
                    p.measurement_selection = Selection::from_json(val).map_err(e)?;
                }
                "required_pcr_selection" => {
                    p.required_pcr_selection = Some(Selection::from_json(val).map_err(e)?);
                }
                "expected_pcrs" => p.expected_pcrs = Some(PcrValues::from_json(val).map_err(e)?),
                _ => p.expected_event_digests = Some(expected_events(val)?),
            }
        }
        Ok(p)
    }

    /// Reads the `"tpm"` member of a whole policy file (`None` or no member = defaults).
    pub fn from_policy_file(file: Option<&Value>) -> Result<TpmPolicy, PolicyError> {
        match file {
            None => Ok(TpmPolicy::default()),
            Some(f) => {
                if f.as_object().is_none() {
                    return Err(PolicyError(format!(
                        "the policy file must be an object, got {}",
                        f.type_name()
                    )));
                }
                TpmPolicy::from_json(f.get("tpm"))
            }
        }
    }
}

fn expected_events(v: &Value) -> Result<ExpectedEvents, PolicyError> {
    let err = |m: String| PolicyError(format!("expected_event_digests: {m}"));
    let obj = v
        .as_object()
        .ok_or_else(|| err("must be an object".into()))?;
    let mut out = ExpectedEvents::new();
    for (bank_name, m) in obj.iter() {
        let bank = HashAlg::from_name(bank_name)
            .ok_or_else(|| err(format!("unknown bank {bank_name:?}")))?;
        let m = m
            .as_object()
            .ok_or_else(|| err(format!("bank {bank_name:?} must be an object")))?;
        for (idx, list) in m.iter() {
            let pcr = parse_index(idx).map_err(|x| err(x.to_string()))?;
            let arr = list
                .as_array()
                .ok_or_else(|| err(format!("PCR {idx} must list hex digests")))?;
            let mut seq = Vec::with_capacity(arr.len());
            for d in arr {
                let s = d
                    .as_str()
                    .ok_or_else(|| err(format!("PCR {idx} digests must be strings")))?;
                let b = cmcp_json::encoding::hex_decode(s)
                    .map_err(|_| err(format!("PCR {idx} digest is not hex")))?;
                if b.len() != bank.len() {
                    return Err(err(format!(
                        "PCR {idx} digest is {} bytes, expected {}",
                        b.len(),
                        bank.len()
                    )));
                }
                seq.push(b);
            }
            out.insert((bank, pcr), seq);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;

    #[test]
    fn full_section_parses() {
        let j = format!(
            r#"{{"tpm":{{"allow_sha1":false,"measurement_selection":{{"sha256":[0,1,2]}},
            "required_pcr_selection":{{"sha256":[0]}},"expected_pcrs":{{"sha256":{{"0":"{z}"}}}},
            "expected_event_digests":{{"sha256":{{"7":["{z}"]}}}},"require_ek_chain":true,
            "require_ak_eku":true,"require_clock_safe":true}}}}"#,
            z = "00".repeat(32)
        );
        let f = cmcp_json::parse(j.as_bytes()).unwrap();
        let p = TpmPolicy::from_policy_file(Some(&f)).unwrap();
        assert!(p.require_ek_chain && p.require_ak_eku && p.require_clock_safe);
        assert_eq!(p.measurement_selection.describe(), "sha256:0,1,2");
        assert_eq!(
            p.expected_pcrs.unwrap().get(HashAlg::Sha256, 0),
            Some(&[0u8; 32][..])
        );
        assert_eq!(
            p.expected_event_digests.unwrap()[&(HashAlg::Sha256, 7)],
            vec![vec![0u8; 32]]
        );
    }

    #[test]
    fn wrong_types_refused() {
        for bad in [
            r#"[]"#,
            r#"{"require_ek_chain":"yes"}"#,
            r#"{"measurement_selection":[0]}"#,
            r#"{"expected_pcrs":{"sha256":{"0":"00"}}}"#,
            r#"{"expected_event_digests":{"sha256":{"7":"00"}}}"#,
        ] {
            let v = cmcp_json::parse(bad.as_bytes()).unwrap();
            assert!(TpmPolicy::from_json(Some(&v)).is_err(), "{bad}");
        }
        let no_tpm = cmcp_json::parse(br#"{"snp":{}}"#).unwrap();
        assert_eq!(
            TpmPolicy::from_policy_file(Some(&no_tpm)).unwrap(),
            TpmPolicy::default()
        );
    }
}
