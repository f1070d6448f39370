//! Relying-party appraisal of an authenticated report (contract decision 12):
//! every knob comes from the relying party, never from the claim.
//!
//! # Knobs
//!
//! The same flat names are used in the `"sev_snp"` section of the policy
//! file ([`SnpPolicy::from_json`]) and by [`SnpPolicy::set_knob`] (for CLI
//! flags such as `--snp KNOB=VALUE`). JSON types are exact; unknown members
//! are refused.
//!
//! | knob | JSON type | CLI value | default | refuses when |
//! |---|---|---|---|---|
//! | `allow_debug` | bool | `true`/`false` | `false` | POLICY.DEBUG is set and this is false |
//! | `smt`, `migrate_ma`, `single_socket`, `cxl_allow`, `mem_aes_256_xts`, `rapl_dis`, `ciphertext_hiding`, `page_swap_disable` | `"require"`/`"forbid"`/`"any"` | same | `"any"` | the POLICY bit is clear (require) or set (forbid) |
//! | `reject_reserved_policy_bits` | bool | bool | `true` | POLICY bit 17 is clear or any of bits 26–63 is set |
//! | `min_abi` | `"MAJOR.MINOR"` | same | none | POLICY's ABI major.minor is below it |
//! | `platform_info_require` | array of names | comma list | `[]` | a named PLATFORM_INFO bit is clear |
//! | `platform_info_forbid` | array of names | comma list | `[]` | a named PLATFORM_INFO bit is set |
//! | `platform_info_reject_unrecognized_bits` | bool | bool | `false` | PLATFORM_INFO has a set bit outside 0–5, 7 |
//! | `min_tcb_bootloader`, `min_tcb_tee`, `min_tcb_snp`, `min_tcb_microcode`, `min_tcb_fmc` | integer 0–255 | decimal | none | REPORTED_TCB or COMMITTED_TCB component is below it (`fmc` applies to Turin-layout TCBs only) |
//! | `min_firmware` | `"MAJOR.MINOR.BUILD"` | same | none | CURRENT or COMMITTED firmware version is below it |
//! | `vmpl` | integer | decimal | none | VMPL differs |
//! | `min_report_version` | integer ≥ 2 | decimal | `2` | VERSION is below it |
//! | `min_guest_svn` | integer | decimal | none | GUEST_SVN is below it |
//! | `measurements` | array of 96-hex strings | comma list | none | MEASUREMENT (the raw 48-byte launch digest) is not one of them |
//! | `family_id`, `image_id` | 32-hex string | hex | none | the field differs |
//! | `host_data` | 64-hex string | hex | none | HOST_DATA differs |
//! | `id_key_digests`, `author_key_digests` | array of 96-hex strings | comma list | none | the digest is not one of them |
//! | `allow_vlek` | bool | bool | `true` | the report was signed by a VLEK and this is false |
//! | `require_amd_pss` | bool | bool | `false` | a chain link is not RSASSA-PSS SHA-384 / MGF1 SHA-384 / salt 48 |
//!
//! PLATFORM_INFO names: `smt_enabled`, `tsme_enabled`, `ecc_enabled`,
//! `rapl_disabled`, `ciphertext_hiding_dram_enabled`, `alias_check_complete`,
//! `tio_enabled`. A name may not be both required and forbidden.
//!
//! Example policy section:
//!
//! ```json
//! { "sev_snp": { "allow_debug": false, "smt": "any", "min_tcb_snp": 8,
//!                "platform_info_forbid": ["tsme_enabled"], "vmpl": 0 } }
//! ```

use crate::parse::{AttestationReport, FirmwareVersion, PlatformInfo, SigningKey, TcbLayout};
use cmcp_json::Value;
use cmcp_json::encoding::{ct_eq, hex_decode, hex_encode};
use std::collections::BTreeSet;

/// Why a policy section or knob was refused (a configuration error, not a verdict).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The `sev_snp` section is not a JSON object.
    #[error("sev_snp policy must be a JSON object")]
    NotObject,
    /// A member or knob name this crate does not know.
    #[error("unknown sev_snp policy knob {0:?}")]
    UnknownKnob(String),
    /// A member has the wrong JSON type.
    #[error("sev_snp policy knob {knob:?} must be {expected}")]
    WrongType {
        /// The knob.
        knob: String,
        /// What it takes.
        expected: &'static str,
    },
    /// A value of the right type that is not acceptable.
    #[error("sev_snp policy knob {knob:?}: {reason}")]
    BadValue {
        /// The knob.
        knob: String,
        /// Why.
        reason: String,
    },
}

/// A require/forbid rule for one guest POLICY bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BitRule {
    /// No constraint.
    #[default]
    Any,
    /// The bit must be set.
    Require,
    /// The bit must be clear.
    Forbid,
}

/// A minimum per TCB component (`None` = no floor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MinTcb {
    /// Boot loader SVN floor.
    pub bootloader: Option<u8>,
    /// TEE SVN floor.
    pub tee: Option<u8>,
    /// SNP SVN floor.
    pub snp: Option<u8>,
    /// Microcode floor.
    pub microcode: Option<u8>,
    /// FMC SVN floor (Turin layout only).
    pub fmc: Option<u8>,
}

/// The SEV-SNP appraisal policy. [`Default`] is the safe default: debug
/// guests refused, reserved POLICY bits refused, VERSION ≥ 2, nothing else
/// pinned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnpPolicy {
    /// Accept guests whose POLICY allows debugging.
    pub allow_debug: bool,
    /// POLICY.SMT rule.
    pub smt: BitRule,
    /// POLICY.MIGRATE_MA rule.
    pub migrate_ma: BitRule,
    /// POLICY.SINGLE_SOCKET rule.
    pub single_socket: BitRule,
    /// POLICY.CXL_ALLOW rule.
    pub cxl_allow: BitRule,
    /// POLICY.MEM_AES_256_XTS rule.
    pub mem_aes_256_xts: BitRule,
    /// POLICY.RAPL_DIS rule.
    pub rapl_dis: BitRule,
    /// POLICY.CIPHERTEXT_HIDING rule.
    pub ciphertext_hiding: BitRule,
    /// POLICY.PAGE_SWAP_DISABLE rule.
    pub page_swap_disable: BitRule,
    /// Refuse POLICY with bit 17 clear or bits 26–63 set.
    pub reject_reserved_policy_bits: bool,
    /// Minimum POLICY ABI (major, minor).
    pub min_abi: Option<(u8, u8)>,
    /// PLATFORM_INFO bits that must be set.
    pub platform_info_require: BTreeSet<String>,
    /// PLATFORM_INFO bits that must be clear.
    pub platform_info_forbid: BTreeSet<String>,
    /// Refuse PLATFORM_INFO bits without a name.
    pub platform_info_reject_unrecognized_bits: bool,
    /// TCB floors (REPORTED_TCB and COMMITTED_TCB).
    pub min_tcb: MinTcb,
    /// Firmware floor (CURRENT and COMMITTED).
    pub min_firmware: Option<FirmwareVersion>,
    /// Exact VMPL.
    pub vmpl: Option<u32>,
    /// Minimum report VERSION (at least 2).
    pub min_report_version: u32,
    /// Minimum GUEST_SVN.
    pub min_guest_svn: Option<u32>,
    /// Accepted raw MEASUREMENT values.
    pub measurements: Option<Vec<[u8; 48]>>,
    /// Expected FAMILY_ID.
    pub family_id: Option<[u8; 16]>,
    /// Expected IMAGE_ID.
    pub image_id: Option<[u8; 16]>,
    /// Expected HOST_DATA.
    pub host_data: Option<[u8; 32]>,
    /// Accepted ID_KEY_DIGEST values.
    pub id_key_digests: Option<Vec<[u8; 48]>>,
    /// Accepted AUTHOR_KEY_DIGEST values.
    pub author_key_digests: Option<Vec<[u8; 48]>>,
    /// Accept VLEK-signed reports.
    pub allow_vlek: bool,
    /// Require AMD's RSASSA-PSS profile on every chain link.
    pub require_amd_pss: bool,
}

impl Default for SnpPolicy {
    fn default() -> Self {
        SnpPolicy {
            allow_debug: false,
            smt: BitRule::Any,
            migrate_ma: BitRule::Any,
            single_socket: BitRule::Any,
            cxl_allow: BitRule::Any,
            mem_aes_256_xts: BitRule::Any,
            rapl_dis: BitRule::Any,
            ciphertext_hiding: BitRule::Any,
            page_swap_disable: BitRule::Any,
            reject_reserved_policy_bits: true,
            min_abi: None,
            platform_info_require: BTreeSet::new(),
            platform_info_forbid: BTreeSet::new(),
            platform_info_reject_unrecognized_bits: false,
            min_tcb: MinTcb::default(),
            min_firmware: None,
            vmpl: None,
            min_report_version: 2,
            min_guest_svn: None,
            measurements: None,
            family_id: None,
            image_id: None,
            host_data: None,
            id_key_digests: None,
            author_key_digests: None,
            allow_vlek: true,
            require_amd_pss: false,
        }
    }
}

/// Every knob name [`SnpPolicy::set_knob`] and [`SnpPolicy::from_json`] accept.
pub const KNOBS: &[&str] = &[
    "allow_debug",
    "smt",
    "migrate_ma",
    "single_socket",
    "cxl_allow",
    "mem_aes_256_xts",
    "rapl_dis",
    "ciphertext_hiding",
    "page_swap_disable",
    "reject_reserved_policy_bits",
    "min_abi",
    "platform_info_require",
    "platform_info_forbid",
    "platform_info_reject_unrecognized_bits",
    "min_tcb_bootloader",
    "min_tcb_tee",
    "min_tcb_snp",
    "min_tcb_microcode",
    "min_tcb_fmc",
    "min_firmware",
    "vmpl",
    "min_report_version",
    "min_guest_svn",
    "measurements",
    "family_id",
    "image_id",
    "host_data",
    "id_key_digests",
    "author_key_digests",
    "allow_vlek",
    "require_amd_pss",
];

/// One appraisal refusal: the knob that refused and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The knob name (one of [`KNOBS`]).
    pub knob: &'static str,
    /// What the report says and what the knob wants.
    pub message: String,
}

/// A knob value, either from JSON or from a CLI string.
enum Val<'a> {
    Json(&'a Value),
    Text(&'a str),
}

fn wrong(knob: &str, expected: &'static str) -> PolicyError {
    PolicyError::WrongType {
        knob: knob.to_owned(),
        expected,
    }
}

fn bad(knob: &str, reason: impl Into<String>) -> PolicyError {
    PolicyError::BadValue {
        knob: knob.to_owned(),
        reason: reason.into(),
    }
}

impl Val<'_> {
    fn boolean(&self, knob: &str) -> Result<bool, PolicyError> {
        match self {
            Val::Json(v) => v.as_bool().ok_or_else(|| wrong(knob, "a boolean")),
            Val::Text("true") => Ok(true),
            Val::Text("false") => Ok(false),
            Val::Text(_) => Err(wrong(knob, "true or false")),
        }
    }
    fn string(&self, knob: &str) -> Result<String, PolicyError> {
        match self {
            Val::Json(v) => v
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| wrong(knob, "a string")),
            Val::Text(s) => Ok((*s).to_owned()),
        }
    }
    fn u64(&self, knob: &str) -> Result<u64, PolicyError> {
        match self {
            Val::Json(v) => v
                .as_int()
                .and_then(|i| i.as_u64())
                .ok_or_else(|| wrong(knob, "a non-negative integer")),
            Val::Text(s) => {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(wrong(knob, "a non-negative decimal integer"));
                }
                s.parse::<u64>()
                    .map_err(|_| wrong(knob, "a non-negative decimal integer"))
            }
        }
    }
    fn list(&self, knob: &str) -> Result<Vec<String>, PolicyError> {
        match self {
            Val::Json(v) => {
                let arr = v
                    .as_array()
                    .ok_or_else(|| wrong(knob, "an array of strings"))?;
                arr.iter()
                    .map(|e| {
                        e.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| wrong(knob, "an array of strings"))
                    })
                    .collect()
            }
            Val::Text("") => Ok(Vec::new()),
            Val::Text(s) => Ok(s.split(',').map(|p| p.trim().to_owned()).collect()),
        }
    }
}

fn parse_rule(knob: &str, s: &str) -> Result<BitRule, PolicyError> {
    match s {
        "any" => Ok(BitRule::Any),
        "require" => Ok(BitRule::Require),
        "forbid" => Ok(BitRule::Forbid),
        _ => Err(bad(knob, "must be \"require\", \"forbid\" or \"any\"")),
    }
}

fn parse_hex_n<const N: usize>(knob: &str, s: &str) -> Result<[u8; N], PolicyError> {
    let v = hex_decode(s).map_err(|_| bad(knob, "not hex"))?;
    let n = v.len();
    v.try_into().map_err(|_| {
        bad(
            knob,
            // Twice an array length: exact.
            format!(
                "must be {N} bytes ({} hex digits), got {n} bytes",
                N.saturating_mul(2)
            ),
        )
    })
}

fn parse_u8_dotted<const N: usize>(knob: &str, s: &str) -> Result<[u8; N], PolicyError> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != N {
        return Err(bad(knob, format!("must be {N} dot-separated numbers")));
    }
    let mut out = [0u8; N];
    for (o, p) in out.iter_mut().zip(parts) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(knob, "components must be decimal 0-255"));
        }
        *o = p
            .parse::<u8>()
            .map_err(|_| bad(knob, "components must be decimal 0-255"))?;
    }
    Ok(out)
}

fn platform_names(knob: &str, names: Vec<String>) -> Result<BTreeSet<String>, PolicyError> {
    let mut out = BTreeSet::new();
    for n in names {
        if PlatformInfo::bit_of(&n).is_none() {
            return Err(bad(knob, format!("unknown PLATFORM_INFO name {n:?}")));
        }
        out.insert(n);
    }
    Ok(out)
}

impl SnpPolicy {
    /// Reads the `"sev_snp"` section of a relying-party policy file. `None`
    /// (no section) gives [`SnpPolicy::default`]. Unknown members and wrong
    /// JSON types are refused.
    ///
    /// ```
    /// use cmcp_sev_snp::appraise::{SnpPolicy, BitRule};
    /// let v = cmcp_json::parse(br#"{"allow_debug":false,"smt":"forbid","min_tcb_snp":8}"#).unwrap();
    /// let p = SnpPolicy::from_json(Some(&v)).unwrap();
    /// assert_eq!(p.smt, BitRule::Forbid);
    /// assert_eq!(p.min_tcb.snp, Some(8));
    /// let v = cmcp_json::parse(br#"{"allow_debugg":true}"#).unwrap();
    /// assert!(SnpPolicy::from_json(Some(&v)).is_err());
    /// assert_eq!(SnpPolicy::from_json(None).unwrap(), SnpPolicy::default());
    /// ```
    pub fn from_json(section: Option<&Value>) -> Result<SnpPolicy, PolicyError> {
        let mut p = SnpPolicy::default();
        let Some(v) = section else { return Ok(p) };
        let obj = v.as_object().ok_or(PolicyError::NotObject)?;
        for (k, val) in obj.iter() {
            p.apply(k, Val::Json(val))?;
        }
        p.check_consistency()?;
        Ok(p)
    }

    /// Sets one knob from its CLI string form (see the module table): booleans
    /// `true`/`false`, integers in decimal, lists comma-separated, hex digests
    /// as hex. Checks cross-knob consistency after the change.
    ///
    /// ```
    /// use cmcp_sev_snp::appraise::SnpPolicy;
    /// let mut p = SnpPolicy::default();
    /// p.set_knob("allow_debug", "true").unwrap();
    /// p.set_knob("platform_info_require", "smt_enabled,ecc_enabled").unwrap();
    /// p.set_knob("min_firmware", "1.52.4").unwrap();
    /// assert!(p.allow_debug);
    /// assert!(p.set_knob("platform_info_forbid", "smt_enabled").is_err()); // conflicts
    /// assert!(p.set_knob("vmpl", "-1").is_err());
    /// ```
    pub fn set_knob(&mut self, knob: &str, value: &str) -> Result<(), PolicyError> {
        let mut next = self.clone();
        next.apply(knob, Val::Text(value))?;
        next.check_consistency()?;
        *self = next;
        Ok(())
    }

    fn check_consistency(&self) -> Result<(), PolicyError> {
        if let Some(n) = self
            .platform_info_require
            .intersection(&self.platform_info_forbid)
            .next()
        {
            return Err(bad(
                "platform_info_forbid",
                format!("{n:?} is both required and forbidden"),
            ));
        }
        Ok(())
    }

    fn apply(&mut self, knob: &str, v: Val<'_>) -> Result<(), PolicyError> {
        let u8_of = |v: &Val<'_>| -> Result<u8, PolicyError> {
            u8::try_from(v.u64(knob)?).map_err(|_| bad(knob, "must be 0-255"))
        };
        let u32_of = |v: &Val<'_>| -> Result<u32, PolicyError> {
            u32::try_from(v.u64(knob)?).map_err(|_| bad(knob, "must fit in 32 bits"))
        };
        let digests = |v: &Val<'_>| -> Result<Vec<[u8; 48]>, PolicyError> {
            v.list(knob)?
                .iter()
                .map(|s| parse_hex_n::<48>(knob, s))
                .collect()
        };
        match knob {
            "allow_debug" => self.allow_debug = v.boolean(knob)?,
            "smt" => self.smt = parse_rule(knob, &v.string(knob)?)?,
            "migrate_ma" => self.migrate_ma = parse_rule(knob, &v.string(knob)?)?,
            "single_socket" => self.single_socket = parse_rule(knob, &v.string(knob)?)?,
            "cxl_allow" => self.cxl_allow = parse_rule(knob, &v.string(knob)?)?,
            "mem_aes_256_xts" => self.mem_aes_256_xts = parse_rule(knob, &v.string(knob)?)?,
            "rapl_dis" => self.rapl_dis = parse_rule(knob, &v.string(knob)?)?,
            "ciphertext_hiding" => self.ciphertext_hiding = parse_rule(knob, &v.string(knob)?)?,
            "page_swap_disable" => self.page_swap_disable = parse_rule(knob, &v.string(knob)?)?,
            "reject_reserved_policy_bits" => self.reject_reserved_policy_bits = v.boolean(knob)?,
            "min_abi" => {
                let [a, b] = parse_u8_dotted::<2>(knob, &v.string(knob)?)?;
                self.min_abi = Some((a, b));
            }
            "platform_info_require" => {
                self.platform_info_require = platform_names(knob, v.list(knob)?)?
            }
            "platform_info_forbid" => {
                self.platform_info_forbid = platform_names(knob, v.list(knob)?)?
            }
            "platform_info_reject_unrecognized_bits" => {
                self.platform_info_reject_unrecognized_bits = v.boolean(knob)?
            }
            "min_tcb_bootloader" => self.min_tcb.bootloader = Some(u8_of(&v)?),
            "min_tcb_tee" => self.min_tcb.tee = Some(u8_of(&v)?),
            "min_tcb_snp" => self.min_tcb.snp = Some(u8_of(&v)?),
            "min_tcb_microcode" => self.min_tcb.microcode = Some(u8_of(&v)?),
            "min_tcb_fmc" => self.min_tcb.fmc = Some(u8_of(&v)?),
            "min_firmware" => {
                let [major, minor, build] = parse_u8_dotted::<3>(knob, &v.string(knob)?)?;
                self.min_firmware = Some(FirmwareVersion {
                    major,
                    minor,
                    build,
                });
            }
            "vmpl" => {
                let n = u32_of(&v)?;
                if n > 3 {
                    return Err(bad(knob, "VMPL is 0-3"));
                }
                self.vmpl = Some(n);
            }
            "min_report_version" => {
                let n = u32_of(&v)?;
                if n < 2 {
                    return Err(bad(knob, "must be at least 2"));
                }
                self.min_report_version = n;
            }
            "min_guest_svn" => self.min_guest_svn = Some(u32_of(&v)?),
            "measurements" => self.measurements = Some(digests(&v)?),
            "family_id" => self.family_id = Some(parse_hex_n::<16>(knob, &v.string(knob)?)?),
            "image_id" => self.image_id = Some(parse_hex_n::<16>(knob, &v.string(knob)?)?),
            "host_data" => self.host_data = Some(parse_hex_n::<32>(knob, &v.string(knob)?)?),
            "id_key_digests" => self.id_key_digests = Some(digests(&v)?),
            "author_key_digests" => self.author_key_digests = Some(digests(&v)?),
            "allow_vlek" => self.allow_vlek = v.boolean(knob)?,
            "require_amd_pss" => self.require_amd_pss = v.boolean(knob)?,
            other => return Err(PolicyError::UnknownKnob(other.to_owned())),
        }
        Ok(())
    }

    /// Appraises an (already authenticated) report. `layout` is the TCB
    /// layout established for the report (from CPUID or the VCEK). Returns
    /// every refusal, in knob-table order; empty means acceptable.
    ///
    /// ```
    /// use cmcp_sev_snp::{appraise::SnpPolicy, parse::{AttestationReport, TcbLayout}};
    /// let mut b = vec![0u8; 1184];
    /// b[0] = 2;
    /// b[0x0A] = 0x0A; // POLICY bits 17 (reserved, must be 1) and 19 (DEBUG)
    /// let r = AttestationReport::parse(&b).unwrap();
    /// let refusals = SnpPolicy::default().appraise(&r, TcbLayout::MilanGenoa);
    /// assert_eq!(refusals.len(), 1);
    /// assert_eq!(refusals[0].knob, "allow_debug");
    /// ```
    pub fn appraise(&self, r: &AttestationReport, layout: TcbLayout) -> Vec<Refusal> {
        let mut out = Vec::new();
        let mut refuse = |knob: &'static str, message: String| out.push(Refusal { knob, message });
        let pol = r.policy;
        if pol.debug_allowed() && !self.allow_debug {
            refuse(
                "allow_debug",
                format!("guest POLICY allows debugging (POLICY=0x{:x})", pol.0),
            );
        }
        let bits: [(&'static str, BitRule, bool); 8] = [
            ("smt", self.smt, pol.smt_allowed()),
            ("migrate_ma", self.migrate_ma, pol.migrate_ma_allowed()),
            ("single_socket", self.single_socket, pol.single_socket()),
            ("cxl_allow", self.cxl_allow, pol.cxl_allowed()),
            (
                "mem_aes_256_xts",
                self.mem_aes_256_xts,
                pol.mem_aes_256_xts(),
            ),
            ("rapl_dis", self.rapl_dis, pol.rapl_dis()),
            (
                "ciphertext_hiding",
                self.ciphertext_hiding,
                pol.ciphertext_hiding(),
            ),
            (
                "page_swap_disable",
                self.page_swap_disable,
                pol.page_swap_disable(),
            ),
        ];
        for (knob, rule, set) in bits {
            match (rule, set) {
                (BitRule::Require, false) => refuse(
                    knob,
                    format!(
                        "policy requires guest POLICY {knob}, but it is clear (POLICY=0x{:x})",
                        pol.0
                    ),
                ),
                (BitRule::Forbid, true) => refuse(
                    knob,
                    format!(
                        "policy forbids guest POLICY {knob}, but it is set (POLICY=0x{:x})",
                        pol.0
                    ),
                ),
                _ => {}
            }
        }
        if self.reject_reserved_policy_bits && (!pol.reserved_bit17() || pol.reserved_bits() != 0) {
            refuse(
                "reject_reserved_policy_bits",
                format!(
                    "guest POLICY reserved bits are wrong (bit 17 must be 1, bits 26-63 zero; POLICY=0x{:x})",
                    pol.0
                ),
            );
        }
        if let Some((maj, min)) = self.min_abi
            && (pol.abi_major(), pol.abi_minor()) < (maj, min)
        {
            refuse(
                "min_abi",
                format!(
                    "guest POLICY ABI {}.{} is below {maj}.{min}",
                    pol.abi_major(),
                    pol.abi_minor()
                ),
            );
        }
        let pi = r.platform_info;
        for name in &self.platform_info_require {
            if pi.named(name) == Some(false) {
                refuse(
                    "platform_info_require",
                    format!(
                        "platform policy requires {name}, but the report reports it false (PLATFORM_INFO=0x{:x})",
                        pi.0
                    ),
                );
            }
        }
        for name in &self.platform_info_forbid {
            if pi.named(name) == Some(true) {
                refuse(
                    "platform_info_forbid",
                    format!(
                        "platform policy forbids {name}, but the report reports it true (PLATFORM_INFO=0x{:x})",
                        pi.0
                    ),
                );
            }
        }
        if self.platform_info_reject_unrecognized_bits && pi.unrecognized_bits() != 0 {
            refuse(
                "platform_info_reject_unrecognized_bits",
                format!(
                    "PLATFORM_INFO carries bits this verifier cannot name: 0x{:x} (PLATFORM_INFO=0x{:x})",
                    pi.unrecognized_bits(),
                    pi.0
                ),
            );
        }
        for (which, tcb) in [
            ("REPORTED_TCB", r.reported_tcb),
            ("COMMITTED_TCB", r.committed_tcb),
        ] {
            let d = tcb.decode(layout);
            let comps: [(&'static str, Option<u8>, Option<u8>); 5] = [
                (
                    "min_tcb_bootloader",
                    self.min_tcb.bootloader,
                    Some(d.bootloader),
                ),
                ("min_tcb_tee", self.min_tcb.tee, Some(d.tee)),
                ("min_tcb_snp", self.min_tcb.snp, Some(d.snp)),
                (
                    "min_tcb_microcode",
                    self.min_tcb.microcode,
                    Some(d.microcode),
                ),
                ("min_tcb_fmc", self.min_tcb.fmc, d.fmc),
            ];
            for (knob, floor, got) in comps {
                let Some(floor) = floor else { continue };
                match got {
                    Some(g) if g >= floor => {}
                    Some(g) => refuse(
                        knob,
                        format!(
                            "{which} component {g} is below the minimum {floor} ({which}={tcb})"
                        ),
                    ),
                    // fmc floor on a Milan/Genoa-layout TCB: no FMC component exists.
                    None => {}
                }
            }
        }
        if let Some(min) = self.min_firmware {
            for (which, v) in [("current", r.current), ("committed", r.committed)] {
                if v < min {
                    refuse(
                        "min_firmware",
                        format!("{which} firmware {v} is below {min}"),
                    );
                }
            }
        }
        if let Some(want) = self.vmpl
            && r.vmpl != want
        {
            refuse(
                "vmpl",
                format!("report VMPL is {}, policy wants {want}", r.vmpl),
            );
        }
        if r.version < self.min_report_version {
            refuse(
                "min_report_version",
                format!(
                    "report VERSION {} is below {}",
                    r.version, self.min_report_version
                ),
            );
        }
        if let Some(min) = self.min_guest_svn
            && r.guest_svn < min
        {
            refuse(
                "min_guest_svn",
                format!("GUEST_SVN {} is below {min}", r.guest_svn),
            );
        }
        let in_set = |set: &[[u8; 48]], v: &[u8; 48]| {
            // Constant-time per element; the set itself is public.
            set.iter().fold(false, |acc, s| acc | ct_eq(s, v))
        };
        if let Some(set) = &self.measurements
            && !in_set(set, &r.measurement)
        {
            refuse(
                "measurements",
                format!(
                    "MEASUREMENT {} is not an accepted launch digest",
                    hex_encode(&r.measurement)
                ),
            );
        }
        if let Some(want) = &self.family_id
            && !ct_eq(want, &r.family_id)
        {
            refuse(
                "family_id",
                format!(
                    "FAMILY_ID {} differs from the pinned value",
                    hex_encode(&r.family_id)
                ),
            );
        }
        if let Some(want) = &self.image_id
            && !ct_eq(want, &r.image_id)
        {
            refuse(
                "image_id",
                format!(
                    "IMAGE_ID {} differs from the pinned value",
                    hex_encode(&r.image_id)
                ),
            );
        }
        if let Some(want) = &self.host_data
            && !ct_eq(want, &r.host_data)
        {
            refuse(
                "host_data",
                format!(
                    "HOST_DATA {} differs from the pinned value",
                    hex_encode(&r.host_data)
                ),
            );
        }
        if let Some(set) = &self.id_key_digests
            && !in_set(set, &r.id_key_digest)
        {
            refuse(
                "id_key_digests",
                format!(
                    "ID_KEY_DIGEST {} is not accepted",
                    hex_encode(&r.id_key_digest)
                ),
            );
        }
        if let Some(set) = &self.author_key_digests
            && !in_set(set, &r.author_key_digest)
        {
            refuse(
                "author_key_digests",
                format!(
                    "AUTHOR_KEY_DIGEST {} is not accepted",
                    hex_encode(&r.author_key_digest)
                ),
            );
        }
        if !self.allow_vlek && r.key_info.signing_key() == SigningKey::Vlek {
            refuse(
                "allow_vlek",
                "report is signed by a VLEK and policy accepts only VCEKs".to_owned(),
            );
        }
        out
    }
}
