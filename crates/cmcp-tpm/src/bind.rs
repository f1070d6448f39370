//! Binding a quote to the claim: qualifying data, PCR values and the
//! claimed measurement.
//!
//! * Qualifying data (`extraData`) must equal `nonce[0:32]` — the RFC 7638
//!   thumbprint of the claim key — compared in constant time.
//! * PCR values are supplied by the relying party ([`PcrValues`], from a
//!   JSON file or an event-log replay); the quote's `pcrDigest` is
//!   recomputed from them with the **signing** hash over the quote's
//!   selection (banks in list order, PCR indices ascending).
//! * The claimed measurement (`sha256:<hex>`) is the producer's
//!   SHA-256(PCR0 ‖ … ‖ PCR7) of the SHA-256 bank. The quote proves it when
//!   its selection is exactly the measurement selection (default
//!   `sha256:0-7`) and it is signed with SHA-256: `pcrDigest` is then that
//!   very hash, computed by the TPM.
//!
//! ```
//! use cmcp_tpm::bind::{expected_qualifying_data, PcrValues};
//! use cmcp_tpm::parse::{HashAlg, PcrSelection};
//! assert_eq!(expected_qualifying_data(&[7u8; 64]).unwrap(), [7u8; 32]);
//! assert!(expected_qualifying_data(&[7u8; 33]).is_err());
//! let mut v = PcrValues::default();
//! for i in 0..3 { v.insert(HashAlg::Sha256, i, vec![0; 32]).unwrap(); }
//! let sel = [PcrSelection { hash: 0x000b, select: vec![0x07, 0, 0] }];
//! assert_eq!(v.pcr_digest(&sel, HashAlg::Sha256).unwrap(), HashAlg::Sha256.digest(&[&[0u8; 96]]));
//! ```

use crate::parse::{HashAlg, PcrSelection};
use cmcp_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Highest PCR index accepted (PCRs 0–31).
pub const MAX_PCR_INDEX: u32 = 31;

/// Why a binding input was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    /// The nonce is neither 64 bytes (claim) nor 32 bytes (qualifying data itself).
    #[error("nonce must be 64 bytes (claim nonce) or 32 bytes (qualifying data), got {0}")]
    NonceLength(usize),
    /// A PCR value has the wrong length for its bank.
    #[error("PCR {pcr} value in the {bank} bank is {len} bytes, expected {want}")]
    ValueLength {
        /// Bank.
        bank: HashAlg,
        /// PCR index.
        pcr: u32,
        /// Given length.
        len: usize,
        /// Required length.
        want: usize,
    },
    /// A PCR index above [`MAX_PCR_INDEX`].
    #[error("PCR index {0} out of range 0..=31")]
    Index(u32),
    /// The quote selects a PCR for which no value was supplied.
    #[error("no value supplied for PCR {pcr} of the {bank} bank, which the quote selects")]
    Missing {
        /// Bank name or raw id.
        bank: String,
        /// PCR index.
        pcr: u32,
    },
    /// The quote selects a bank this crate cannot hash.
    #[error("quote selects PCR bank 0x{0:04x}, which is not supported")]
    UnsupportedBank(u16),
    /// The JSON form of PCR values or a selection is wrong.
    #[error("invalid PCR description: {0}")]
    Json(String),
}

/// The qualifying data a quote must carry for `nonce`: `nonce[0:32]` for the
/// claim's 64-byte nonce, or the 32 bytes themselves (the `evidence`
/// command's form).
pub fn expected_qualifying_data(nonce: &[u8]) -> Result<[u8; 32], BindError> {
    let head = match nonce.len() {
        32 | 64 => nonce.get(..32),
        n => return Err(BindError::NonceLength(n)),
    };
    let mut out = [0u8; 32];
    out.copy_from_slice(head.ok_or(BindError::NonceLength(nonce.len()))?);
    Ok(out)
}

/// Constant-time comparison of the quote's `extraData` with the expected value.
pub fn qualifying_data_matches(extra_data: &[u8], expected: &[u8]) -> bool {
    cmcp_json::encoding::ct_eq(extra_data, expected)
}

/// PCR values per bank, as the relying party supplies them.
///
/// JSON form (the `--pcrs` file and the policy's `expected_pcrs`): an object
/// whose members are bank names (`sha1`, `sha256`, `sha384`, `sha512`),
/// each an object mapping decimal PCR indices (`"0"` … `"31"`, no leading
/// zeros) to hex values of the bank's digest length:
///
/// ```json
/// {"sha256": {"0": "8849…5380", "7": "f014…0c5b"}}
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PcrValues {
    banks: BTreeMap<HashAlg, BTreeMap<u32, Vec<u8>>>,
}

impl PcrValues {
    /// Adds (or replaces) one value; its length must be the bank's digest length.
    pub fn insert(&mut self, bank: HashAlg, pcr: u32, value: Vec<u8>) -> Result<(), BindError> {
        if pcr > MAX_PCR_INDEX {
            return Err(BindError::Index(pcr));
        }
        if value.len() != bank.len() {
            return Err(BindError::ValueLength {
                bank,
                pcr,
                len: value.len(),
                want: bank.len(),
            });
        }
        self.banks.entry(bank).or_default().insert(pcr, value);
        Ok(())
    }

    /// The value of `pcr` in `bank`, if supplied.
    pub fn get(&self, bank: HashAlg, pcr: u32) -> Option<&[u8]> {
        self.banks.get(&bank)?.get(&pcr).map(Vec::as_slice)
    }

    /// Every `(bank, pcr, value)`, banks and indices ascending.
    pub fn iter(&self) -> impl Iterator<Item = (HashAlg, u32, &[u8])> {
        self.banks
            .iter()
            .flat_map(|(b, m)| m.iter().map(move |(i, v)| (*b, *i, v.as_slice())))
    }

    /// True when no value is supplied.
    pub fn is_empty(&self) -> bool {
        self.banks.values().all(BTreeMap::is_empty)
    }

    /// Parses the JSON form (see the type documentation).
    ///
    /// ```
    /// use cmcp_tpm::bind::PcrValues;
    /// use cmcp_tpm::parse::HashAlg;
    /// let j = cmcp_json::parse(format!(r#"{{"sha256":{{"3":"{}"}}}}"#, "ab".repeat(32)).as_bytes()).unwrap();
    /// let v = PcrValues::from_json(&j).unwrap();
    /// assert_eq!(v.get(HashAlg::Sha256, 3), Some(&[0xab; 32][..]));
    /// assert!(PcrValues::from_json(&cmcp_json::parse(br#"{"md5":{}}"#).unwrap()).is_err());
    /// ```
    pub fn from_json(v: &Value) -> Result<PcrValues, BindError> {
        let obj = v
            .as_object()
            .ok_or_else(|| BindError::Json(format!("expected an object, got {}", v.type_name())))?;
        let mut out = PcrValues::default();
        for (bank_name, m) in obj.iter() {
            let bank = HashAlg::from_name(bank_name)
                .ok_or_else(|| BindError::Json(format!("unknown PCR bank {bank_name:?}")))?;
            let m = m.as_object().ok_or_else(|| {
                BindError::Json(format!(
                    "bank {bank_name:?} must be an object, got {}",
                    m.type_name()
                ))
            })?;
            for (idx, val) in m.iter() {
                let pcr = parse_index(idx)?;
                let hex = val.as_str().ok_or_else(|| {
                    BindError::Json(format!(
                        "PCR {idx} value must be a hex string, got {}",
                        val.type_name()
                    ))
                })?;
                let bytes = cmcp_json::encoding::hex_decode(hex)
                    .map_err(|_| BindError::Json(format!("PCR {idx} value is not hex")))?;
                out.insert(bank, pcr, bytes)?;
            }
        }
        Ok(out)
    }

    /// Parses the JSON form from bytes (a `--pcrs` file).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<PcrValues, BindError> {
        let v = cmcp_json::parse(bytes).map_err(|e| BindError::Json(e.to_string()))?;
        PcrValues::from_json(&v)
    }

    /// Recomputes a quote's `pcrDigest`: `sign_hash` over the selected values
    /// concatenated in selection order (banks in list order, PCR indices
    /// ascending). Every selected PCR must have a value.
    pub fn pcr_digest(
        &self,
        selection: &[PcrSelection],
        sign_hash: HashAlg,
    ) -> Result<Vec<u8>, BindError> {
        let mut parts: Vec<&[u8]> = Vec::new();
        for sel in selection {
            let pcrs = sel.pcrs();
            if pcrs.is_empty() {
                continue;
            }
            let bank = HashAlg::from_id(sel.hash).ok_or(BindError::UnsupportedBank(sel.hash))?;
            for pcr in pcrs {
                let v = self.get(bank, pcr).ok_or_else(|| BindError::Missing {
                    bank: bank.name().to_owned(),
                    pcr,
                })?;
                parts.push(v);
            }
        }
        Ok(sign_hash.digest(&parts))
    }

    /// The producer's measurement: SHA-256(PCR0 ‖ … ‖ PCR7) of the SHA-256 bank.
    pub fn producer_measurement(&self) -> Result<[u8; 32], BindError> {
        let mut parts: Vec<&[u8]> = Vec::new();
        for pcr in 0..8 {
            parts.push(
                self.get(HashAlg::Sha256, pcr)
                    .ok_or_else(|| BindError::Missing {
                        bank: "sha256".to_owned(),
                        pcr,
                    })?,
            );
        }
        let d = HashAlg::Sha256.digest(&parts);
        let mut out = [0u8; 32];
        if d.len() == 32 {
            out.copy_from_slice(&d);
        }
        Ok(out)
    }
}

pub(crate) fn parse_index(s: &str) -> Result<u32, BindError> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    let n: u32 = if canonical { s.parse().ok() } else { None }
        .ok_or_else(|| BindError::Json(format!("PCR index {s:?} is not a decimal 0..=31")))?;
    if n > MAX_PCR_INDEX {
        return Err(BindError::Index(n));
    }
    Ok(n)
}

/// A normalised PCR selection: bank → set of PCRs (empty banks dropped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    banks: BTreeMap<HashAlg, BTreeSet<u32>>,
}

impl Selection {
    /// The producer's selection `sha256:0-7`.
    pub fn sha256_0_7() -> Selection {
        let mut s = Selection::default();
        s.banks.insert(HashAlg::Sha256, (0..8).collect());
        s
    }

    /// Normalises a quote's selection. Fails when a non-empty bank is one we
    /// cannot name or a bank is listed twice (its values would enter the
    /// digest twice).
    pub fn from_quote(sel: &[PcrSelection]) -> Result<Selection, BindError> {
        let mut s = Selection::default();
        for p in sel {
            let pcrs = p.pcrs();
            if pcrs.is_empty() {
                continue;
            }
            let bank = HashAlg::from_id(p.hash).ok_or(BindError::UnsupportedBank(p.hash))?;
            if s.banks.insert(bank, pcrs.into_iter().collect()).is_some() {
                return Err(BindError::Json(format!(
                    "bank {bank} listed twice in the quote selection"
                )));
            }
        }
        Ok(s)
    }

    /// Parses `{"sha256": [0, 1, 2], …}` (indices 0..=31, no duplicates).
    pub fn from_json(v: &Value) -> Result<Selection, BindError> {
        let obj = v.as_object().ok_or_else(|| {
            BindError::Json(format!(
                "selection must be an object, got {}",
                v.type_name()
            ))
        })?;
        let mut s = Selection::default();
        for (bank_name, list) in obj.iter() {
            let bank = HashAlg::from_name(bank_name)
                .ok_or_else(|| BindError::Json(format!("unknown PCR bank {bank_name:?}")))?;
            let arr = list.as_array().ok_or_else(|| {
                BindError::Json(format!("bank {bank_name:?} must list PCR indices"))
            })?;
            let mut set = BTreeSet::new();
            for item in arr {
                let n = item
                    .as_int()
                    .and_then(cmcp_json::Int::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n <= MAX_PCR_INDEX)
                    .ok_or_else(|| {
                        BindError::Json(format!(
                            "PCR index in {bank_name:?} must be an integer 0..=31"
                        ))
                    })?;
                if !set.insert(n) {
                    return Err(BindError::Json(format!(
                        "PCR {n} listed twice in {bank_name:?}"
                    )));
                }
            }
            if !set.is_empty() {
                s.banks.insert(bank, set);
            }
        }
        Ok(s)
    }

    /// True when every PCR of `other` is also in `self`.
    pub fn contains(&self, other: &Selection) -> bool {
        other
            .banks
            .iter()
            .all(|(b, set)| self.banks.get(b).is_some_and(|mine| set.is_subset(mine)))
    }

    /// True when `bank`/`pcr` is selected.
    pub fn has(&self, bank: HashAlg, pcr: u32) -> bool {
        self.banks.get(&bank).is_some_and(|s| s.contains(&pcr))
    }

    /// A compact description, e.g. `sha256:0,1,2`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .banks
            .iter()
            .map(|(b, s)| {
                let idx: Vec<String> = s.iter().map(u32::to_string).collect();
                format!("{b}:{}", idx.join(","))
            })
            .collect();
        if parts.is_empty() {
            "(empty)".to_owned()
        } else {
            parts.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation
    )]
    use super::*;

    const AZURE_PCRS: [&str; 8] = [
        "8849319b4a72d4cfea4829364fffce925f59d3285bbde74878f3dbc3a6c85380",
        "422f6174c7f5815ad657290ae40a35cf320cebc148afb210542adee51a4bc3f1",
        "41f4e6d13d049ede2d4d76244cf4b04653a94d0344cbf8801db3437fdb88f4c0",
        "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
        "984f0162126ba02ea49ffb78e3645941e0d4cc01ecc5b6369ffb0f81588e34e0",
        "2ed6720099b0d50919567089197c5799a08e4e3934ed549cfb4b13d8d93faf74",
        "152f9372758a861a17e6e7ef43983db8c0ec6d26aea490b7983b2a806b130d25",
        "f014e5cbfa297ee787a976abc51bc1d67e23e1b9e4a60128a1106dd0adef0c5b",
    ];

    #[test]
    fn azure_pcrs_give_the_quoted_digest_and_measurement() {
        let mut v = PcrValues::default();
        for (i, h) in AZURE_PCRS.iter().enumerate() {
            v.insert(
                HashAlg::Sha256,
                i as u32,
                cmcp_json::encoding::hex_decode(h).unwrap(),
            )
            .unwrap();
        }
        let sel = [PcrSelection {
            hash: 0x000b,
            select: vec![0xff, 0, 0],
        }];
        let want = "461684441feb67717a22b7f43096ec2f92a6582f5987f82729b3749180fede61";
        assert_eq!(
            cmcp_json::encoding::hex_encode(&v.pcr_digest(&sel, HashAlg::Sha256).unwrap()),
            want
        );
        assert_eq!(
            cmcp_json::encoding::hex_encode(&v.producer_measurement().unwrap()),
            want
        );
        assert_eq!(
            Selection::from_quote(&sel).unwrap(),
            Selection::sha256_0_7()
        );
        // One PCR missing → typed error naming it.
        let sel9 = [PcrSelection {
            hash: 0x000b,
            select: vec![0xff, 0x02, 0],
        }];
        assert_eq!(
            v.pcr_digest(&sel9, HashAlg::Sha256),
            Err(BindError::Missing {
                bank: "sha256".into(),
                pcr: 9
            })
        );
    }

    #[test]
    fn pcr_json_is_strict() {
        let bad = [
            r#"{"sha256":{"01":"00"}}"#,
            r#"{"sha256":{"32":"00"}}"#,
            r#"{"sha256":{"0":5}}"#,
            r#"{"sha256":[]}"#,
            r#"[]"#,
        ];
        for b in bad {
            assert!(PcrValues::from_json_bytes(b.as_bytes()).is_err(), "{b}");
        }
        let short = r#"{"sha256":{"0":"0000"}}"#;
        assert!(matches!(
            PcrValues::from_json_bytes(short.as_bytes()),
            Err(BindError::ValueLength {
                len: 2,
                want: 32,
                ..
            })
        ));
    }

    #[test]
    fn selection_json_and_contains() {
        let s =
            Selection::from_json(&cmcp_json::parse(br#"{"sha256":[0,1,2,3,4,5,6,7]}"#).unwrap())
                .unwrap();
        assert_eq!(s, Selection::sha256_0_7());
        let small =
            Selection::from_json(&cmcp_json::parse(br#"{"sha256":[0,2]}"#).unwrap()).unwrap();
        assert!(s.contains(&small) && !small.contains(&s));
        assert!(Selection::from_json(&cmcp_json::parse(br#"{"sha256":[1,1]}"#).unwrap()).is_err());
        assert!(Selection::from_json(&cmcp_json::parse(br#"{"sha256":[32]}"#).unwrap()).is_err());
        assert_eq!(small.describe(), "sha256:0,2");
    }
}
