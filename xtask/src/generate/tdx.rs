//! `CV-TDX-*`: Intel TDX quotes. Real captures are named as `fixture:`
//! paths; synthetic quotes come from `crates/cmcp-tdx/tests/data/conformance`
//! (that crate's `tests/conformance_data.rs`, our own test PCK chain).

use super::hwkit::{claim, claim_nonce, data, flip};
use super::{Out, Vb};
use crate::jsonx::{s, strs};
use cmcp_verify::json::Value;
use cmcp_verify::json::encoding::hex_encode;
use sha2::{Digest as _, Sha384};

const UN: &str = "unverified";
const PV: &str = "partially_verified";
const VE: &str = "verified";
const NE: &str = "not_established";
const HWF: Option<&str> = Some("HARDWARE_ATTESTATION_FAILED");
const GCP: &str = "fixture:hardware/gcp-tdx-2026-07-21/";
const QVL: &str = "fixture:hardware/dcap-qvl-samples/";
const GCP_NONCE: &str = "9ebcfbe5b0724f3d58365a5443893589810117f457539768c9916624f960f6ae0000000000000000000000000000000000000000000000000000000000000000";
const GCP_M_NONCE: &str = "e656c6b4b7c881fef30f6370e919dfed9fb708ccafb3b471c81d2c60476ddeea0000000000000000000000000000000000000000000000000000000000000000";
const QVL_NONCE: &str = "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20";
const QVL_OLD_NONCE: &str = "d2142b643598eb5fae2bc8529dd79a558b29f868ccbb6531cb28dab9dce477280000000000000000000000000000000000000000000000000000000000000000";
/// sha384 of the GCP quote's MRTD (the claim measurement form).
const GCP_M: &str = "sha384:c47533a15e33e083ccacf8c310838f12b551fac203a15a1565fe350e70ecfb9cc9a6fc031e40c7a21503cd1dfaf6be13";
const NO_COLLATERAL: &str = r#"{"tdx":{"require_collateral":false}}"#;
const SYN_NOW: &str = "2026-08-01T00:00:00Z";
const SEC: &str = "tdx.md; README Decisions 9-12";

fn conf(name: &str) -> Vec<u8> {
    data("cmcp-tdx", &format!("conformance/{name}"))
}

fn fx(id: &str, desc: &str, file: &str, nonce: &str) -> Vb {
    Vb::new(id, desc, SEC, &["fixture", "hardware", "tdx", "evidence"])
        .evidence_cmd("intel-tdx", nonce)
        .evidence_parts(crate::jsonx::obj(vec![(
            "raw_evidence",
            crate::jsonx::obj(vec![("file", s(file))]),
        )]))
        .opt("now", s(SYN_NOW))
        .opt("trust_store", s("builtin"))
}

fn syn(id: &str, desc: &str, quote: &[u8]) -> Vb {
    Vb::new(id, desc, SEC, &["hardware", "tdx", "evidence"])
        .evidence_cmd("intel-tdx", &hex_encode(&[0xc3u8; 64]))
        .evidence_bytes(quote.to_vec())
        .opt("now", s(SYN_NOW))
        .file("root.pem", conf("root.pem"))
        .opt("intel_root", strs(&["root.pem"]))
}

trait Tdx {
    fn fails(self) -> Vb;
    fn ok(self) -> Vb;
}
impl Tdx for Vb {
    fn fails(self) -> Vb {
        self.st(UN, HWF).l("hardware_attestation", "failed")
    }
    fn ok(self) -> Vb {
        self.st(VE, None)
            .l("dcap_quote_signature", VE)
            .l("pck_chain", VE)
            .l("report_data", VE)
            .l("hardware_attestation", VE)
    }
}

/// Adds the family.
pub fn all(o: &mut Out) {
    fixtures(o);
    synthetic(o);
    malformed(o);
    claims(o);
}

fn fixtures(o: &mut Out) {
    let gcp = format!("{GCP}tdx_quote.bin");
    let gcpm = format!("{GCP}tdx_quote_manifest.bin");
    o.add(fx("CV-TDX-0001", "the real GCP C3 quote with require_collateral false: signature, QE binding and PCK chain verified, TCB status not established", &gcp, GCP_NONCE)
        .policy(NO_COLLATERAL).ok().l("tcb_status", NE).d("tdx_evidence", "quote_v4"));
    o.add(fx("CV-TDX-0002", "the second real GCP quote (manifest) with require_collateral false: verified, TCB not established", &gcpm, GCP_M_NONCE)
        .policy(NO_COLLATERAL).ok().l("tcb_status", NE));
    o.add(fx("CV-TDX-0003", "the second real GCP quote under the default policy: authentic, but without collateral not established", &gcpm, GCP_M_NONCE)
        .st(PV, None).l("pck_chain", VE).l("dcap_quote_signature", VE).l("tcb_status", NE).l("hardware_attestation", NE));
    o.add(
        fx(
            "CV-TDX-0004",
            "the real GCP quote with its MRTD as the expected measurement: measurement verified",
            &gcp,
            GCP_NONCE,
        )
        .policy(NO_COLLATERAL)
        .opt("launch_measurements", strs(&[GCP_M]))
        .ok()
        .l("measurement", VE),
    );
    o.add(
        fx(
            "CV-TDX-0005",
            "the real GCP quote with another expected measurement: refused",
            &gcp,
            GCP_NONCE,
        )
        .policy(NO_COLLATERAL)
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9e".repeat(48))]),
        )
        .fails()
        .l("measurement", "failed"),
    );
    o.add(
        fx(
            "CV-TDX-0006",
            "the real GCP quote with our test root pinned instead of Intel's: PCK chain refused",
            &gcp,
            GCP_NONCE,
        )
        .policy(NO_COLLATERAL)
        .opt("trust_store", Value::Null)
        .file("root.pem", conf("root.pem"))
        .opt("intel_root", strs(&["root.pem"]))
        .fails()
        .l("pck_chain", "failed")
        .d("tdx_failure", "pck_chain_invalid"),
    );
    o.add(
        fx(
            "CV-TDX-0007",
            "the real GCP quote with another nonce: REPORTDATA mismatch",
            &gcpm,
            GCP_NONCE,
        )
        .policy(NO_COLLATERAL)
        .fails()
        .l("report_data", "failed"),
    );
    o.add(
        fx(
            "CV-TDX-0008",
            "the real GCP quote checked in 2060, after the PCK chain expired",
            &gcp,
            GCP_NONCE,
        )
        .policy(NO_COLLATERAL)
        .opt("now", s("2060-01-01T00:00:00Z"))
        .fails()
        .l("pck_chain", "failed"),
    );
    o.add(
        fx(
            "CV-TDX-0009",
            "the real GCP quote with the dcap-qvl sample's collateral (another FMSPC): refused",
            &gcp,
            GCP_NONCE,
        )
        .opt("now", s("2025-07-01T00:00:00Z"))
        .opt("collateral", s(&format!("{QVL}tdx_quote_collateral.json")))
        .fails(),
    );
    let qvl = format!("{QVL}tdx_quote");
    let qvl_col = format!("{QVL}tdx_quote_collateral.json");
    let old = format!("{QVL}tdx_quote_outdated");
    let old_col = format!("{QVL}tdx_quote_outdated_collateral.json");
    o.add(fx("CV-TDX-0010", "the dcap-qvl v4 sample with its collateral inside validity: UpToDate, QE identity matched, verified", &qvl, QVL_NONCE)
        .opt("now", s("2025-07-01T00:00:00Z")).opt("collateral", s(&qvl_col))
        .ok().l("tcb_status", VE).l("qe_identity", VE).d("tcb_status", "UpToDate").d("fmspc", "b0c06f000000"));
    o.add(
        fx(
            "CV-TDX-0011",
            "the dcap-qvl v4 sample with its collateral before its issue date: refused",
            &qvl,
            QVL_NONCE,
        )
        .opt("now", s("2025-06-01T00:00:00Z"))
        .opt("collateral", s(&qvl_col))
        .fails()
        .l("tcb_status", "failed"),
    );
    o.add(
        fx(
            "CV-TDX-0012",
            "the dcap-qvl v4 sample with the other sample's collateral (FMSPC 90c06f): refused",
            &qvl,
            QVL_NONCE,
        )
        .opt("now", s("2026-03-01T00:00:00Z"))
        .opt("collateral", s(&old_col))
        .fails(),
    );
    o.add(fx("CV-TDX-0013", "the dcap-qvl 'outdated' v5 sample with its collateral: its TCB matches no level, refused by default", &old, QVL_OLD_NONCE)
        .opt("now", s("2026-03-01T00:00:00Z")).opt("collateral", s(&old_col)).fails().l("tcb_status", "failed").d("tdx_evidence", "quote_v5"));
    o.add(fx("CV-TDX-0014", "the outdated sample even with every TCB status accepted: no matching level is never acceptable", &old, QVL_OLD_NONCE)
        .opt("now", s("2026-03-01T00:00:00Z")).opt("collateral", s(&old_col))
        .policy(r#"{"tdx":{"accepted_tcb_statuses":["UpToDate","SWHardeningNeeded","ConfigurationNeeded","ConfigurationAndSWHardeningNeeded","OutOfDate","OutOfDateConfigurationNeeded"]}}"#)
        .fails().l("tcb_status", "failed"));
    o.add(
        fx(
            "CV-TDX-0015",
            "the dcap-qvl v4 sample with its collateral and a wrong nonce",
            &qvl,
            GCP_NONCE,
        )
        .opt("now", s("2025-07-01T00:00:00Z"))
        .opt("collateral", s(&qvl_col))
        .fails()
        .l("report_data", "failed"),
    );
    o.add(fx("CV-TDX-0016", "the dcap-qvl v4 sample with its collateral and an expected MRTD it does not have: refused", &qvl, QVL_NONCE)
        .opt("now", s("2025-07-01T00:00:00Z")).opt("collateral", s(&qvl_col))
        .policy(&format!(r#"{{"tdx":{{"mrtd":"{}"}}}}"#, "00".repeat(48))).fails().l("mrtd", "failed"));
    o.add(
        fx(
            "CV-TDX-0017",
            "the dcap-qvl v4 sample with no root pinned: not established",
            &qvl,
            QVL_NONCE,
        )
        .opt("now", s("2025-07-01T00:00:00Z"))
        .opt("trust_store", Value::Null)
        .opt("collateral", s(&qvl_col))
        .st(PV, None)
        .l("hardware_attestation", NE),
    );
}

fn synthetic(o: &mut Out) {
    let m = format!("sha384:{}", hex_encode(&Sha384::digest([0x5au8; 48])));
    let v4 = conf("tdx_v4.bin");
    let nc = |v: Vb| v.policy(NO_COLLATERAL);
    let pol = |v: Vb, extra: &str| {
        v.policy(&format!(
            r#"{{"tdx":{{"require_collateral":false,{extra}}}}}"#
        ))
    };
    o.add(
        nc(syn(
            "CV-TDX-0030",
            "synthetic v4 quote from our test PCK chain, expected measurement: verified",
            &v4,
        ))
        .opt("launch_measurements", strs(&[m.as_str()]))
        .ok()
        .l("measurement", VE)
        .d("tdx_evidence", "quote_v4"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0031",
            "synthetic v5 quote (signed region = header + descriptor + body): verified",
            &conf("tdx_v5.bin"),
        ))
        .ok()
        .d("tdx_evidence", "quote_v5"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0032",
            "synthetic quote whose PCK chain omits the root: the pinned root is appended",
            &conf("tdx_v4_leaf_only.bin"),
        ))
        .ok(),
    );
    o.add(
        nc(syn(
            "CV-TDX-0033",
            "synthetic quote whose chain repeats a pathLen-0 root: refused (doubled root)",
            &conf("tdx_v4_doubled_root.bin"),
        ))
        .file("root.pem", conf("root_strict.pem"))
        .fails()
        .l("pck_chain", "failed")
        .d("tdx_failure", "pck_chain_invalid"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0034",
            "synthetic debug TD (TD attributes DEBUG): refused by default",
            &conf("tdx_v4_debug.bin"),
        ))
        .fails()
        .l("td_attributes", "failed")
        .l("dcap_quote_signature", VE)
        .l("pck_chain", VE),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0035",
                "synthetic debug TD with allow_debug true: verified",
                &conf("tdx_v4_debug.bin"),
            ),
            r#""allow_debug":true"#,
        )
        .ok(),
    );
    o.add(
        nc(syn(
            "CV-TDX-0036",
            "synthetic v5 debug TD: refused by default",
            &conf("tdx_v5_debug.bin"),
        ))
        .fails()
        .l("td_attributes", "failed"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0037",
            "synthetic TD without SEPT_VE_DISABLE: refused by default",
            &conf("tdx_v4_no_sept.bin"),
        ))
        .fails()
        .l("td_attributes", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0038",
                "synthetic TD without SEPT_VE_DISABLE, require_sept_ve_disable false: verified",
                &conf("tdx_v4_no_sept.bin"),
            ),
            r#""require_sept_ve_disable":false"#,
        )
        .ok(),
    );
    o.add(
        nc(syn(
            "CV-TDX-0039",
            "synthetic TD with a reserved attribute bit (33): refused by default",
            &conf("tdx_v4_reserved_attr.bin"),
        ))
        .fails()
        .l("td_attributes", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0040",
                "reserved attribute bit with allow_reserved_attributes true: verified",
                &conf("tdx_v4_reserved_attr.bin"),
            ),
            r#""allow_reserved_attributes":true"#,
        )
        .ok(),
    );
    o.add(syn("CV-TDX-0041", "synthetic quote under the default policy (collateral required, none given): not established", &v4)
        .st(PV, None).l("dcap_quote_signature", VE).l("pck_chain", VE).l("tcb_status", NE).l("hardware_attestation", NE));
    o.add(
        nc(syn(
            "CV-TDX-0042",
            "synthetic quote with another test root pinned (same name, other key): refused",
            &v4,
        ))
        .file("root.pem", conf("root_other.pem"))
        .fails()
        .l("pck_chain", "failed"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0043",
            "synthetic quote with another nonce: REPORTDATA mismatch",
            &v4,
        ))
        .evidence_cmd("intel-tdx", &hex_encode(&[0xc4u8; 64]))
        .fails()
        .l("report_data", "failed"),
    );
    o.add(
        nc(syn(
            "CV-TDX-0044",
            "synthetic quote with another expected measurement",
            &v4,
        ))
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9e".repeat(48))]),
        )
        .fails()
        .l("measurement", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0045", "expected MRTD matches: verified", &v4),
            &format!(r#""mrtd":["{}","{}"]"#, "00".repeat(48), "5a".repeat(48)),
        )
        .ok()
        .l("mrtd", VE),
    );
    o.add(
        pol(
            syn("CV-TDX-0046", "expected MRTD differs: refused", &v4),
            &format!(r#""mrtd":"{}""#, "5b".repeat(48)),
        )
        .fails()
        .l("mrtd", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0047", "expected MRSEAM differs: refused", &v4),
            &format!(r#""mrseam":"{}""#, "11".repeat(48)),
        )
        .fails()
        .l("mrseam", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0048", "expected MRCONFIGID differs: refused", &v4),
            &format!(r#""mrconfigid":"{}""#, "11".repeat(48)),
        )
        .fails()
        .l("mrconfigid", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0049", "expected MROWNER differs: refused", &v4),
            &format!(r#""mrowner":"{}""#, "11".repeat(48)),
        )
        .fails()
        .l("mrowner", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0050",
                "expected MROWNERCONFIG differs: refused",
                &v4,
            ),
            &format!(r#""mrownerconfig":"{}""#, "11".repeat(48)),
        )
        .fails()
        .l("mrownerconfig", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0051", "expected RTMR2 differs: refused", &v4),
            &format!(r#""rtmr2":"{}""#, "11".repeat(48)),
        )
        .fails()
        .l("rtmrs", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0052",
                "min_tee_tcb_svn above the quote's: refused",
                &v4,
            ),
            &format!(r#""min_tee_tcb_svn":"{}""#, "ff".repeat(16)),
        )
        .fails()
        .l("tee_tcb_svn", "failed"),
    );
    o.add(
        pol(
            syn("CV-TDX-0053", "another QE vendor id expected: refused", &v4),
            &format!(r#""qe_vendor_id":"{}""#, "00".repeat(16)),
        )
        .fails()
        .l("qe_vendor_id", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0054",
                "td_attributes_forbidden names SEPT_VE_DISABLE: refused",
                &v4,
            ),
            r#""td_attributes_forbidden":"0x10000000""#,
        )
        .fails()
        .l("td_attributes", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0055",
                "td_attributes_required names DEBUG: refused",
                &v4,
            ),
            r#""td_attributes_required":1"#,
        )
        .fails()
        .l("td_attributes", "failed"),
    );
    o.add(
        pol(
            syn(
                "CV-TDX-0056",
                "expected XFAM under a mask it does not match: refused",
                &v4,
            ),
            r#""xfam":{"value":"0x3","mask":"0x3"}"#,
        )
        .fails()
        .l("xfam", "failed"),
    );
    // A bare TDREPORT (unsigned): fields checked, hardware not established.
    let mut rep = vec![0u8; 1024];
    if let Some(b) = rep.get_mut(0) {
        *b = 0x81;
    }
    if let Some(b) = rep.get_mut(0x203) {
        *b = 0x10;
    }
    if let Some(r) = rep.get_mut(0x80..0xC0) {
        r.copy_from_slice(&[0xc3; 64]);
    }
    o.add(
        nc(syn(
            "CV-TDX-0057",
            "a bare 1024-byte TDREPORT: REPORTDATA and MRTD checked, unsigned so not established",
            &rep,
        ))
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", hex_encode(&Sha384::digest([0u8; 48])))]),
        )
        .st(PV, None)
        .l("report_data", VE)
        .l("measurement", VE)
        .l("hardware_attestation", NE)
        .d("tdx_evidence", "tdreport"),
    );
}

fn malformed(o: &mut Out) {
    let v4 = conf("tdx_v4.bin");
    let nc = |v: Vb| v.policy(NO_COLLATERAL);
    let le32 = |b: &[u8], at: usize, v: u32| {
        let mut x = b.to_vec();
        if let Some(s) = x.get_mut(at..at + 4) {
            s.copy_from_slice(&v.to_le_bytes());
        }
        x
    };
    let le16 = |b: &[u8], at: usize, v: u16| {
        let mut x = b.to_vec();
        if let Some(s) = x.get_mut(at..at + 2) {
            s.copy_from_slice(&v.to_le_bytes());
        }
        x
    };
    // v4 layout: header 48, body 584, sig-data length @632, signature @636,
    // attestation key @700, cert type @764, cert size @766, QE report @770,
    // QE signature @1154, auth length @1218, auth data @1220, PCK type @1252,
    // PCK size @1254, PEM @1258.
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "CV-TDX-0060",
            "certification block truncated inside the QE report",
            v4.get(..1000).unwrap_or_default().to_vec(),
        ),
        (
            "CV-TDX-0061",
            "certification block truncated inside the PCK chain",
            v4.get(..1400).unwrap_or_default().to_vec(),
        ),
        (
            "CV-TDX-0062",
            "signature-data length overruns the quote",
            le32(&v4, 632, 0x00FF_FFFF),
        ),
        (
            "CV-TDX-0063",
            "type-6 certification size overruns the signature data",
            le32(&v4, 766, 0x00FF_FFFF),
        ),
        (
            "CV-TDX-0064",
            "inner type-5 PCK chain size overruns the certification block",
            le32(&v4, 1254, 0x00FF_FFFF),
        ),
        (
            "CV-TDX-0065",
            "QE auth-data length overruns the certification block",
            le16(&v4, 1218, 0xFFFF),
        ),
        (
            "CV-TDX-0066",
            "outer certification type 5 (a type-6 block read at the wrong level)",
            le16(&v4, 764, 5),
        ),
        (
            "CV-TDX-0067",
            "type-6 block read one byte late (size field shifted)",
            le32(
                &v4,
                766,
                u32::try_from(v4.len().saturating_sub(770) + 1).unwrap_or(0),
            ),
        ),
        (
            "CV-TDX-0068",
            "one flipped bit in the signed MRTD",
            flip(&v4, 48 + 136, 1),
        ),
        (
            "CV-TDX-0069",
            "one flipped bit in the quote signature",
            flip(&v4, 640, 1),
        ),
        (
            "CV-TDX-0070",
            "one flipped bit in the QE report",
            flip(&v4, 780, 1),
        ),
        (
            "CV-TDX-0071",
            "one flipped bit in the QE report signature",
            flip(&v4, 1160, 1),
        ),
        (
            "CV-TDX-0072",
            "one flipped bit in the QE auth data (QE binding breaks)",
            flip(&v4, 1225, 1),
        ),
        (
            "CV-TDX-0073",
            "one flipped bit in the attestation key",
            flip(&v4, 710, 1),
        ),
        (
            "CV-TDX-0074",
            "header attestation key type 3 (not ECDSA P-256)",
            le16(&v4, 2, 3),
        ),
        ("CV-TDX-0075", "quote version 3", le16(&v4, 0, 3)),
        ("CV-TDX-0076", "47 junk bytes", vec![0x04; 47]),
    ];
    for (id, what, q) in cases {
        o.add(
            nc(syn(
                id,
                &format!("synthetic quote, {what}: a typed failure, never a panic"),
                &q,
            ))
            .fails(),
        );
    }
}

fn claims(o: &mut Out) {
    let sec = "README Decisions 2, 8, 9; tdx.md";
    let m = format!("sha384:{}", hex_encode(&Sha384::digest([0x5au8; 48])));
    let nonce = claim_nonce();
    let hw = |id: &str, desc: &str, q: &[u8]| {
        Vb::new(id, desc, sec, &["hardware", "tdx", "claim"])
            .claim(&claim("intel-tdx", &m, &nonce, &[("raw_evidence", q)]))
            .file("root.pem", conf("root.pem"))
            .opt("intel_root", strs(&["root.pem"]))
            .policy(NO_COLLATERAL)
    };
    o.add(hw("CV-TDX-0090", "intel-tdx claim with a synthetic quote bound to its nonce, test root pinned, launch measurement pinned: verified", &conf("tdx_v4_claim.bin"))
        .opt("launch_measurements", strs(&[m.as_str()]))
        .st(VE, None).l("public_key_binding", VE).l("audit_chain_binding", VE).l("hardware_attestation", VE).l("launch_measurement", VE).l("report_data", VE).l("measurement", VE));
    o.add(
        hw(
            "CV-TDX-0091",
            "intel-tdx claim with a debug-TD quote bound to its nonce: refused by default",
            &conf("tdx_v4_claim_debug.bin"),
        )
        .st(UN, HWF)
        .l("td_attributes", "failed"),
    );
    o.add(
        hw(
            "CV-TDX-0092",
            "intel-tdx claim under the default policy (collateral required): partially verified",
            &conf("tdx_v4_claim.bin"),
        )
        .opt("policy", Value::Null)
        .st(PV, None)
        .l("hardware_attestation", NE),
    );
    o.add(
        hw(
            "CV-TDX-0093",
            "intel-tdx claim carrying a quote made for another nonce: refused",
            &conf("tdx_v4.bin"),
        )
        .st(UN, HWF)
        .l("report_data", "failed"),
    );
    o.add(
        Vb::new(
            "CV-TDX-0094",
            "intel-tdx claim whose measurement is not sha384 of the signed MRTD",
            sec,
            &["hardware", "tdx", "claim"],
        )
        .claim(&claim(
            "intel-tdx",
            &format!("sha384:{}", "9e".repeat(48)),
            &nonce,
            &[("raw_evidence", &conf("tdx_v4_claim.bin"))],
        ))
        .file("root.pem", conf("root.pem"))
        .opt("intel_root", strs(&["root.pem"]))
        .policy(NO_COLLATERAL)
        .st(UN, HWF)
        .l("measurement", "failed"),
    );
}
