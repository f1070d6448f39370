//! The relying party's appraisal policy for TDX evidence (contract
//! decision 12: nothing here is read from the claim).
//!
//! Defaults are safe: a debug TD (TD attributes bit 0, or the TUD
//! profiling bits 4–6) is refused; SEPT_VE_DISABLE (bit 28) is required —
//! without it the host can inject #VE on EPT violations, the same default
//! dcap-qvl applies; MIGRATABLE (bit 29) and SERVTD_EXT (bit 17) are
//! refused, as in dcap-qvl; reserved attribute bits must be zero; only
//! `UpToDate` TCB is accepted (`Revoked` can never be accepted); the QE
//! vendor must be Intel. Measurements are compared only when pinned.
//!
//! # Policy file: the `"tdx"` section
//!
//! Every member is optional; unknown members and wrong types are refused.
//! A 64-bit value is a JSON integer or a `"0x…"` hex string; a measurement
//! is 96 hex digits (either case); a measurement list accepts one string
//! or an array of them.
//!
//! ```json
//! { "tdx": {
//!     "allow_debug": false,
//!     "require_sept_ve_disable": true,
//!     "allow_migratable": false,
//!     "allow_service_td": false,
//!     "allow_reserved_attributes": false,
//!     "td_attributes_required": "0x0000000010000000",
//!     "td_attributes_forbidden": 0,
//!     "xfam": { "value": "0x00000000000600e7", "mask": "0xffffffffffffffff" },
//!     "accepted_tcb_statuses": ["UpToDate", "SWHardeningNeeded"],
//!     "require_collateral": true,
//!     "min_tee_tcb_svn": "0d010800000000000000000000000000",
//!     "mrtd": ["9bf86e…03a6"],
//!     "mrseam": ["489e58…9e72"],
//!     "rtmr0": "…", "rtmr1": "…", "rtmr2": "…", "rtmr3": "…",
//!     "mrconfigid": "…", "mrowner": "…", "mrownerconfig": "…",
//!     "qe_vendor_id": "939a7233f79c4ca9940a0db3957f0607"
//! } }
//! ```
//!
//! Ledger fields written by [`appraise`]: `td_attributes`, `xfam`,
//! `tee_tcb_svn`, `mrtd`, `mrseam`, `rtmrs`, `mrconfigid`, `mrowner`,
//! `mrownerconfig` and (quotes only) `qe_vendor_id`. Every refusal names
//! the knob (`tdx.allow_debug`, …).

use crate::collateral::TcbStatus;
use crate::parse::{INTEL_QE_VENDOR_ID, TdAttributes, TdReportBody};
use cmcp_json::Value;
use cmcp_json::encoding::{ct_eq, hex_decode, hex_encode};
use cmcp_policy::{FailureCode, Ledger, Outcome};

/// Why a policy section was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("policy tdx.{member}: {reason}")]
pub struct PolicyError {
    /// The member.
    pub member: String,
    /// What is wrong.
    pub reason: String,
}

fn perr(member: &str, reason: impl Into<String>) -> PolicyError {
    PolicyError {
        member: member.to_owned(),
        reason: reason.into(),
    }
}

/// The relying party's TDX appraisal policy. See the module docs for the
/// defaults and the policy-file shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdxPolicy {
    /// Accept a debug TD (DEBUG bit or TUD profiling bits). Default false.
    pub allow_debug: bool,
    /// Require SEPT_VE_DISABLE. Default true.
    pub require_sept_ve_disable: bool,
    /// Accept MIGRATABLE. Default false.
    pub allow_migratable: bool,
    /// Accept SERVTD_EXT (service TD binding). Default false.
    pub allow_service_td: bool,
    /// Accept set reserved attribute bits. Default false.
    pub allow_reserved_attributes: bool,
    /// TD attribute bits that must be set. Default 0.
    pub td_attributes_required: u64,
    /// TD attribute bits that must be clear. Default 0.
    pub td_attributes_forbidden: u64,
    /// `(value, mask)`: XFAM & mask must equal value & mask. Default none.
    pub xfam: Option<(u64, u64)>,
    /// Acceptable TCB statuses. Default `[UpToDate]`; never `Revoked`.
    pub accepted_tcb_statuses: Vec<TcbStatus>,
    /// Require collateral: without it the TCB status is unknown and the quote
    /// is at best `not_established`. Default true (fail closed); turning it off
    /// lets an authentic quote verify with `tcb_status` not established.
    pub require_collateral: bool,
    /// Component-wise minimum TEE_TCB_SVN. Default none.
    pub min_tee_tcb_svn: Option<[u8; 16]>,
    /// Acceptable MRTD values. Default none (not checked).
    pub mr_td: Option<Vec<[u8; 48]>>,
    /// Acceptable MRSEAM values (TDX module builds). Default none.
    pub mr_seam: Option<Vec<[u8; 48]>>,
    /// Expected RTMR0..3. Default none.
    pub rtmr: [Option<[u8; 48]>; 4],
    /// Expected MRCONFIGID.
    pub mr_config_id: Option<[u8; 48]>,
    /// Expected MROWNER.
    pub mr_owner: Option<[u8; 48]>,
    /// Expected MROWNERCONFIG.
    pub mr_owner_config: Option<[u8; 48]>,
    /// Expected QE vendor id. Default Intel's.
    pub qe_vendor_id: [u8; 16],
}

impl Default for TdxPolicy {
    fn default() -> Self {
        TdxPolicy {
            allow_debug: false,
            require_sept_ve_disable: true,
            allow_migratable: false,
            allow_service_td: false,
            allow_reserved_attributes: false,
            td_attributes_required: 0,
            td_attributes_forbidden: 0,
            xfam: None,
            accepted_tcb_statuses: vec![TcbStatus::UpToDate],
            require_collateral: true,
            min_tee_tcb_svn: None,
            mr_td: None,
            mr_seam: None,
            rtmr: [None; 4],
            mr_config_id: None,
            mr_owner: None,
            mr_owner_config: None,
            qe_vendor_id: INTEL_QE_VENDOR_ID,
        }
    }
}

fn hex_n<const N: usize>(member: &str, s: &str) -> Result<[u8; N], PolicyError> {
    let b = hex_decode(s).map_err(|_| perr(member, "not hex"))?;
    b.try_into()
        // Twice an array length: exact.
        .map_err(|_| {
            perr(
                member,
                format!("must be {} hex digits", N.saturating_mul(2)),
            )
        })
}

/// Parses a 64-bit knob: a JSON integer or a `"0x…"` hex string.
fn u64_of(member: &str, v: &Value) -> Result<u64, PolicyError> {
    if let Some(i) = v.as_int() {
        return i
            .as_u64()
            .ok_or_else(|| perr(member, "must be a non-negative 64-bit integer"));
    }
    let s = v
        .as_str()
        .ok_or_else(|| perr(member, "must be an integer or a \"0x…\" hex string"))?;
    let h = s
        .strip_prefix("0x")
        .ok_or_else(|| perr(member, "hex strings must start with 0x"))?;
    if h.is_empty() || h.len() > 16 {
        return Err(perr(member, "must be 1 to 16 hex digits"));
    }
    u64::from_str_radix(h, 16).map_err(|_| perr(member, "not hex"))
}

fn bool_of(member: &str, v: &Value) -> Result<bool, PolicyError> {
    v.as_bool().ok_or_else(|| perr(member, "must be a boolean"))
}

fn str_of<'a>(member: &str, v: &'a Value) -> Result<&'a str, PolicyError> {
    v.as_str().ok_or_else(|| perr(member, "must be a string"))
}

fn mr_list(member: &str, v: &Value) -> Result<Vec<[u8; 48]>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![hex_n(member, s)?]),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .map(|x| hex_n(member, str_of(member, x)?))
            .collect(),
        _ => Err(perr(
            member,
            "must be a hex string or a non-empty array of them",
        )),
    }
}

impl TdxPolicy {
    /// Reads the `"tdx"` section of a parsed policy file (`None`, or a file
    /// without a `"tdx"` member, gives the defaults). Pass the whole policy
    /// document; a non-object section, unknown members and wrong types are
    /// refused.
    ///
    /// ```
    /// use cmcp_tdx::appraise::TdxPolicy;
    /// let doc = cmcp_json::parse(br#"{"tdx":{"allow_debug":true,"accepted_tcb_statuses":["UpToDate","SWHardeningNeeded"]}}"#).unwrap();
    /// let p = TdxPolicy::from_json(Some(&doc)).unwrap();
    /// assert!(p.allow_debug && p.require_sept_ve_disable);
    /// assert_eq!(p.accepted_tcb_statuses.len(), 2);
    /// assert!(TdxPolicy::from_json(Some(&cmcp_json::parse(br#"{"tdx":{"allow_debugg":true}}"#).unwrap())).is_err());
    /// assert!(TdxPolicy::from_json(Some(&cmcp_json::parse(br#"{"tdx":{"accepted_tcb_statuses":["Revoked"]}}"#).unwrap())).is_err());
    /// assert_eq!(TdxPolicy::from_json(None).unwrap(), TdxPolicy::default());
    /// ```
    pub fn from_json(doc: Option<&Value>) -> Result<TdxPolicy, PolicyError> {
        let mut p = TdxPolicy::default();
        let Some(section) = doc.and_then(|d| d.get("tdx")) else {
            return Ok(p);
        };
        let obj = section
            .as_object()
            .ok_or_else(|| perr("", "the tdx section must be an object"))?;
        for (k, v) in obj.iter() {
            match k {
                "allow_debug" => p.allow_debug = bool_of(k, v)?,
                "require_sept_ve_disable" => p.require_sept_ve_disable = bool_of(k, v)?,
                "allow_migratable" => p.allow_migratable = bool_of(k, v)?,
                "allow_service_td" => p.allow_service_td = bool_of(k, v)?,
                "allow_reserved_attributes" => p.allow_reserved_attributes = bool_of(k, v)?,
                "require_collateral" => p.require_collateral = bool_of(k, v)?,
                "td_attributes_required" => p.td_attributes_required = u64_of(k, v)?,
                "td_attributes_forbidden" => p.td_attributes_forbidden = u64_of(k, v)?,
                "xfam" => {
                    let o = v
                        .as_object()
                        .ok_or_else(|| perr(k, "must be an object {value, mask}"))?;
                    for (m, _) in o.iter() {
                        if m != "value" && m != "mask" {
                            return Err(perr(k, format!("unknown member {m:?}")));
                        }
                    }
                    let value = u64_of(
                        "xfam.value",
                        o.get("value").ok_or_else(|| perr(k, "missing value"))?,
                    )?;
                    let mask = match o.get("mask") {
                        Some(m) => u64_of("xfam.mask", m)?,
                        None => u64::MAX,
                    };
                    p.xfam = Some((value, mask));
                }
                "accepted_tcb_statuses" => {
                    let a = v
                        .as_array()
                        .ok_or_else(|| perr(k, "must be an array of TCB status names"))?;
                    let mut out = Vec::new();
                    for s in a {
                        let name = str_of(k, s)?;
                        let st = TcbStatus::parse(name)
                            .ok_or_else(|| perr(k, format!("unknown TCB status {name:?}")))?;
                        p.check_status_acceptable(st).map_err(|r| perr(k, r))?;
                        if !out.contains(&st) {
                            out.push(st);
                        }
                    }
                    p.accepted_tcb_statuses = out;
                }
                "min_tee_tcb_svn" => p.min_tee_tcb_svn = Some(hex_n(k, str_of(k, v)?)?),
                "mrtd" => p.mr_td = Some(mr_list(k, v)?),
                "mrseam" => p.mr_seam = Some(mr_list(k, v)?),
                "rtmr0" | "rtmr1" | "rtmr2" | "rtmr3" => {
                    let i = match k {
                        "rtmr0" => 0,
                        "rtmr1" => 1,
                        "rtmr2" => 2,
                        _ => 3,
                    };
                    if let Some(slot) = p.rtmr.get_mut(i) {
                        *slot = Some(hex_n(k, str_of(k, v)?)?);
                    }
                }
                "mrconfigid" => p.mr_config_id = Some(hex_n(k, str_of(k, v)?)?),
                "mrowner" => p.mr_owner = Some(hex_n(k, str_of(k, v)?)?),
                "mrownerconfig" => p.mr_owner_config = Some(hex_n(k, str_of(k, v)?)?),
                "qe_vendor_id" => p.qe_vendor_id = hex_n(k, str_of(k, v)?)?,
                other => return Err(perr(other, "unknown member")),
            }
        }
        Ok(p)
    }

    fn check_status_acceptable(&self, s: TcbStatus) -> Result<(), String> {
        if s == TcbStatus::Revoked {
            Err("Revoked can never be accepted".to_owned())
        } else {
            Ok(())
        }
    }

    /// Builder: accept a debug TD (CLI `--tdx-allow-debug`).
    pub fn allow_debug(mut self, yes: bool) -> Self {
        self.allow_debug = yes;
        self
    }
    /// Builder: require SEPT_VE_DISABLE (default true).
    pub fn require_sept_ve_disable(mut self, yes: bool) -> Self {
        self.require_sept_ve_disable = yes;
        self
    }
    /// Builder: accept MIGRATABLE TDs.
    pub fn allow_migratable(mut self, yes: bool) -> Self {
        self.allow_migratable = yes;
        self
    }
    /// Builder: refuse quotes verified without collateral.
    pub fn require_collateral(mut self, yes: bool) -> Self {
        self.require_collateral = yes;
        self
    }
    /// Builder: the acceptable TCB statuses (`Revoked` is dropped).
    ///
    /// ```
    /// use cmcp_tdx::{appraise::TdxPolicy, collateral::TcbStatus};
    /// let p = TdxPolicy::default().accept_tcb_statuses(&[TcbStatus::UpToDate, TcbStatus::Revoked]);
    /// assert_eq!(p.accepted_tcb_statuses, vec![TcbStatus::UpToDate]);
    /// ```
    pub fn accept_tcb_statuses(mut self, statuses: &[TcbStatus]) -> Self {
        self.accepted_tcb_statuses = statuses
            .iter()
            .copied()
            .filter(|s| *s != TcbStatus::Revoked)
            .collect();
        self
    }
    /// Builder: add an acceptable MRTD.
    pub fn expect_mrtd(mut self, mr: [u8; 48]) -> Self {
        self.mr_td.get_or_insert_with(Vec::new).push(mr);
        self
    }
    /// Builder: add an acceptable MRSEAM.
    pub fn expect_mrseam(mut self, mr: [u8; 48]) -> Self {
        self.mr_seam.get_or_insert_with(Vec::new).push(mr);
        self
    }
    /// Builder: pin RTMR `index` (0..=3; other indices are ignored).
    pub fn expect_rtmr(mut self, index: usize, value: [u8; 48]) -> Self {
        if let Some(slot) = self.rtmr.get_mut(index) {
            *slot = Some(value);
        }
        self
    }
    /// Builder: pin MRCONFIGID.
    pub fn expect_mrconfigid(mut self, v: [u8; 48]) -> Self {
        self.mr_config_id = Some(v);
        self
    }
    /// Builder: pin MROWNER.
    pub fn expect_mrowner(mut self, v: [u8; 48]) -> Self {
        self.mr_owner = Some(v);
        self
    }
    /// Builder: pin MROWNERCONFIG.
    pub fn expect_mrownerconfig(mut self, v: [u8; 48]) -> Self {
        self.mr_owner_config = Some(v);
        self
    }
    /// Builder: component-wise minimum TEE_TCB_SVN.
    pub fn min_tee_tcb_svn(mut self, v: [u8; 16]) -> Self {
        self.min_tee_tcb_svn = Some(v);
        self
    }
    /// Builder: XFAM & mask must equal value & mask.
    pub fn expect_xfam(mut self, value: u64, mask: u64) -> Self {
        self.xfam = Some((value, mask));
        self
    }

    /// True when `s` is acceptable.
    pub fn accepts(&self, s: TcbStatus) -> bool {
        s != TcbStatus::Revoked && self.accepted_tcb_statuses.contains(&s)
    }
}

fn fail(l: &mut Ledger, field: &str, knob: &str, why: String) {
    l.failed(
        field,
        FailureCode::HardwareAttestationFailed,
        format!("refused by policy tdx.{knob}: {why}"),
    );
}

fn pin_one(l: &mut Ledger, field: &str, knob: &str, want: Option<&[[u8; 48]]>, have: &[u8; 48]) {
    match want {
        None => l.not_checked(field, format!("no {knob} pinned (tdx.{knob})")),
        Some(list) if list.iter().any(|w| ct_eq(w, have)) => {
            l.verified(field, format!("{knob} matches a pinned value"))
        }
        Some(_) => fail(
            l,
            field,
            knob,
            format!("{knob} {} is not pinned", hex_encode(have)),
        ),
    }
}

/// Appraises the TD fields of a quote body or TDREPORT against `policy`,
/// recording one entry per knob. `qe_vendor_id` is `Some` for quotes.
/// Returns true when nothing failed.
///
/// ```
/// use cmcp_tdx::{appraise::{appraise, TdxPolicy}, parse::TdReport};
/// let mut raw = vec![0u8; 1024];
/// raw[0] = 0x81;
/// raw[0x200] = 0x01; // DEBUG
/// raw[0x203] = 0x10; // SEPT_VE_DISABLE
/// let r = TdReport::parse(&raw).unwrap();
/// let mut l = cmcp_policy::Ledger::new();
/// assert!(!appraise(&TdxPolicy::default(), &r.body, None, &mut l));
/// assert!(l.entries()[0].reason.contains("tdx.allow_debug"));
/// let mut l = cmcp_policy::Ledger::new();
/// assert!(appraise(&TdxPolicy::default().allow_debug(true), &r.body, None, &mut l));
/// ```
pub fn appraise(
    policy: &TdxPolicy,
    body: &TdReportBody,
    qe_vendor_id: Option<&[u8; 16]>,
    l: &mut Ledger,
) -> bool {
    let failed = |l: &Ledger| {
        l.entries()
            .iter()
            .filter(|e| e.outcome == Outcome::Failed)
            .count()
    };
    let failures_before = failed(l);
    let a = body.td_attributes;
    let mut attr_ok = true;
    let mut refuse = |l: &mut Ledger, knob: &str, why: String| {
        attr_ok = false;
        fail(l, "td_attributes", knob, why);
    };
    if !policy.allow_debug && (a.debug() || a.tud_profiling()) {
        refuse(
            l,
            "allow_debug",
            "the TD is a debug TD (DEBUG or TUD profiling bits set)".into(),
        );
    }
    if policy.require_sept_ve_disable && !a.sept_ve_disable() {
        refuse(
            l,
            "require_sept_ve_disable",
            "SEPT_VE_DISABLE is clear".into(),
        );
    }
    if !policy.allow_migratable && a.migratable() {
        refuse(l, "allow_migratable", "MIGRATABLE is set".into());
    }
    if !policy.allow_service_td && a.bits() & TdAttributes::SERVTD_EXT != 0 {
        refuse(l, "allow_service_td", "SERVTD_EXT is set".into());
    }
    if !policy.allow_reserved_attributes && a.reserved_set() != 0 {
        refuse(
            l,
            "allow_reserved_attributes",
            format!("reserved bits {:#018x} are set", a.reserved_set()),
        );
    }
    let missing = policy.td_attributes_required & !a.bits();
    if missing != 0 {
        refuse(
            l,
            "td_attributes_required",
            format!("required bits {missing:#018x} are clear"),
        );
    }
    let forbidden = policy.td_attributes_forbidden & a.bits();
    if forbidden != 0 {
        refuse(
            l,
            "td_attributes_forbidden",
            format!("forbidden bits {forbidden:#018x} are set"),
        );
    }
    if attr_ok {
        l.verified(
            "td_attributes",
            format!(
                "TD attributes {:#018x} {:?} acceptable",
                a.bits(),
                a.names()
            ),
        );
    }
    match policy.xfam {
        None => l.not_checked("xfam", "no XFAM pinned (tdx.xfam)"),
        Some((v, m)) if body.xfam & m == v & m => l.verified("xfam", "XFAM matches under the mask"),
        Some(_) => fail(
            l,
            "xfam",
            "xfam",
            format!("XFAM {:#018x} does not match", body.xfam),
        ),
    }
    match &policy.min_tee_tcb_svn {
        None => l.not_checked(
            "tee_tcb_svn",
            "no minimum TEE_TCB_SVN (tdx.min_tee_tcb_svn)",
        ),
        Some(min) => {
            if body.tee_tcb_svn.iter().zip(min).all(|(h, m)| h >= m) {
                l.verified(
                    "tee_tcb_svn",
                    "TEE_TCB_SVN meets the minimum component by component",
                )
            } else {
                fail(
                    l,
                    "tee_tcb_svn",
                    "min_tee_tcb_svn",
                    format!(
                        "TEE_TCB_SVN {} is below the minimum",
                        hex_encode(&body.tee_tcb_svn)
                    ),
                )
            }
        }
    }
    pin_one(l, "mrtd", "mrtd", policy.mr_td.as_deref(), &body.mr_td);
    pin_one(
        l,
        "mrseam",
        "mrseam",
        policy.mr_seam.as_deref(),
        &body.mr_seam,
    );
    if policy.rtmr.iter().all(Option::is_none) {
        l.not_checked("rtmrs", "no RTMR pinned (tdx.rtmr0..3)");
    } else {
        let mut ok = true;
        for (i, (want, have)) in policy.rtmr.iter().zip(&body.rtmr).enumerate() {
            if let Some(w) = want
                && !ct_eq(w, have)
            {
                ok = false;
                fail(
                    l,
                    "rtmrs",
                    &format!("rtmr{i}"),
                    format!("RTMR{i} {} differs", hex_encode(have)),
                );
            }
        }
        if ok {
            l.verified("rtmrs", "every pinned RTMR matches");
        }
    }
    for (field, want, have) in [
        ("mrconfigid", &policy.mr_config_id, &body.mr_config_id),
        ("mrowner", &policy.mr_owner, &body.mr_owner),
        (
            "mrownerconfig",
            &policy.mr_owner_config,
            &body.mr_owner_config,
        ),
    ] {
        pin_one(
            l,
            field,
            field,
            want.as_ref().map(std::slice::from_ref),
            have,
        );
    }
    if let Some(v) = qe_vendor_id {
        if ct_eq(v, &policy.qe_vendor_id) {
            l.verified("qe_vendor_id", "QE vendor id is the expected one");
        } else {
            fail(
                l,
                "qe_vendor_id",
                "qe_vendor_id",
                format!("QE vendor id {}", hex_encode(v)),
            );
        }
    }
    failed(l) == failures_before
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )]
    use super::*;

    fn body(attrs: u64) -> TdReportBody {
        let mut raw = vec![0u8; 1024];
        raw[0] = 0x81;
        raw[0x200..0x208].copy_from_slice(&attrs.to_le_bytes());
        raw[0x208..0x210].copy_from_slice(&0x6_00e7u64.to_le_bytes());
        crate::parse::TdReport::parse(&raw).unwrap().body
    }

    #[test]
    fn defaults_refuse_debug_and_require_sept_ve_disable() {
        let p = TdxPolicy::default();
        let mut l = Ledger::new();
        assert!(appraise(
            &p,
            &body(TdAttributes::SEPT_VE_DISABLE),
            None,
            &mut l
        ));
        assert_eq!(l.outcome_of("td_attributes"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("mrtd"), Some(Outcome::NotChecked));
        for (attrs, knob) in [
            (TdAttributes::SEPT_VE_DISABLE | 1, "tdx.allow_debug"),
            (TdAttributes::SEPT_VE_DISABLE | 0x10, "tdx.allow_debug"),
            (0, "tdx.require_sept_ve_disable"),
            (
                TdAttributes::SEPT_VE_DISABLE | TdAttributes::MIGRATABLE,
                "tdx.allow_migratable",
            ),
            (
                TdAttributes::SEPT_VE_DISABLE | TdAttributes::SERVTD_EXT,
                "tdx.allow_service_td",
            ),
            (
                TdAttributes::SEPT_VE_DISABLE | (1 << 40),
                "tdx.allow_reserved_attributes",
            ),
        ] {
            let mut l = Ledger::new();
            assert!(!appraise(&p, &body(attrs), None, &mut l), "{attrs:#x}");
            let e = l
                .entries()
                .iter()
                .find(|e| e.outcome == Outcome::Failed)
                .unwrap();
            assert_eq!(e.field, "td_attributes");
            assert!(e.reason.contains(knob), "{} vs {knob}", e.reason);
            assert_eq!(e.code, Some(FailureCode::HardwareAttestationFailed));
        }
    }

    #[test]
    fn pins_and_knobs() {
        let b = body(TdAttributes::SEPT_VE_DISABLE | TdAttributes::PERFMON);
        let p = TdxPolicy::default()
            .expect_mrtd([1; 48])
            .expect_rtmr(2, [0; 48])
            .expect_xfam(0x6_00e7, u64::MAX)
            .min_tee_tcb_svn([0; 16]);
        let mut l = Ledger::new();
        assert!(!appraise(&p, &b, Some(&INTEL_QE_VENDOR_ID), &mut l));
        assert_eq!(l.outcome_of("mrtd"), Some(Outcome::Failed));
        assert_eq!(l.outcome_of("rtmrs"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("xfam"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("tee_tcb_svn"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("qe_vendor_id"), Some(Outcome::Verified));
        let p = TdxPolicy::default()
            .expect_mrtd([0; 48])
            .expect_xfam(0xe7, 0xff)
            .min_tee_tcb_svn([1; 16]);
        let mut l = Ledger::new();
        assert!(!appraise(&p, &b, Some(&[0u8; 16]), &mut l));
        assert_eq!(l.outcome_of("mrtd"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("xfam"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("tee_tcb_svn"), Some(Outcome::Failed));
        assert_eq!(l.outcome_of("qe_vendor_id"), Some(Outcome::Failed));
        let p = TdxPolicy {
            td_attributes_forbidden: TdAttributes::PERFMON,
            ..TdxPolicy::default()
        };
        let mut l = Ledger::new();
        assert!(!appraise(&p, &b, None, &mut l));
        assert!(
            l.entries()
                .iter()
                .any(|e| e.reason.contains("tdx.td_attributes_forbidden"))
        );
    }

    #[test]
    fn json_shape() {
        let mrtd = "9bf86e6280ec4282b8b5822d8166410a456cdb720109aa799f0011fa63df1de3ee5e35e293fc410c061433163acb03a6";
        let doc = cmcp_json::parse(
            format!(
                r#"{{"sev":{{}},"tdx":{{"require_sept_ve_disable":false,"td_attributes_required":"0x10000000",
                "td_attributes_forbidden":9223372036854775808,"xfam":{{"value":"0x600e7"}},
                "mrtd":"{mrtd}","mrseam":["{mrtd}","{mrtd}"],"rtmr3":"{mrtd}","require_collateral":true,
                "min_tee_tcb_svn":"0d010800000000000000000000000000","qe_vendor_id":"939A7233F79C4CA9940A0DB3957F0607"}}}}"#
            )
            .as_bytes(),
        )
        .unwrap();
        let p = TdxPolicy::from_json(Some(&doc)).unwrap();
        assert!(!p.require_sept_ve_disable && p.require_collateral);
        assert_eq!(p.td_attributes_required, 0x1000_0000);
        assert_eq!(p.td_attributes_forbidden, 1 << 63);
        assert_eq!(p.xfam, Some((0x6_00e7, u64::MAX)));
        assert_eq!(p.mr_td.as_ref().unwrap().len(), 1);
        assert_eq!(p.mr_seam.as_ref().unwrap().len(), 2);
        assert!(p.rtmr[3].is_some() && p.rtmr[0].is_none());
        assert_eq!(p.min_tee_tcb_svn.unwrap()[0], 0x0d);
        for bad in [
            r#"{"tdx":[]}"#,
            r#"{"tdx":{"allow_debug":"yes"}}"#,
            r#"{"tdx":{"allow_debug":1}}"#,
            r#"{"tdx":{"mrtd":"abcd"}}"#,
            r#"{"tdx":{"mrtd":[]}}"#,
            r#"{"tdx":{"td_attributes_required":-1}}"#,
            r#"{"tdx":{"td_attributes_required":"10"}}"#,
            r#"{"tdx":{"td_attributes_required":1.5}}"#,
            r#"{"tdx":{"xfam":{"value":1,"extra":2}}}"#,
            r#"{"tdx":{"xfam":{"mask":1}}}"#,
            r#"{"tdx":{"accepted_tcb_statuses":["upToDate"]}}"#,
            r#"{"tdx":{"accepted_tcb_statuses":"UpToDate"}}"#,
            r#"{"tdx":{"rtmr4":"00"}}"#,
        ] {
            let d = cmcp_json::parse(bad.as_bytes()).unwrap();
            assert!(TdxPolicy::from_json(Some(&d)).is_err(), "{bad}");
        }
        assert_eq!(
            TdxPolicy::from_json(Some(&cmcp_json::parse(b"{}").unwrap())).unwrap(),
            TdxPolicy::default()
        );
    }
}
