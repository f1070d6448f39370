//! `CV-SNP-*` and `CV-AZURE-*`: AMD SEV-SNP and Azure CVM evidence.
//!
//! Real captures are named as `fixture:` paths and assembled at run time;
//! synthetic reports come from `crates/cmcp-sev-snp/tests/data/conformance`
//! (built by that crate's `tests/conformance_data.rs` from its own test PKI).

use super::hwkit::{claim, claim_nonce, claim_nonce_hex, data, evidence_json, flip};
use super::{Out, Vb};
use crate::jsonx::{obj, s, strs};
use cmcp_verify::json::encoding::hex_encode;
use cmcp_verify::json::{Value, parse};
use sha2::{Digest as _, Sha256, Sha384};

const UN: &str = "unverified";
const PV: &str = "partially_verified";
const VE: &str = "verified";
const HWF: Option<&str> = Some("HARDWARE_ATTESTATION_FAILED");
const FX: &str = "fixture:hardware/sev-crate-milan-turin/";
const AZ: &str = "fixture:hardware/azure-snp-redacted/";
/// REPORT_DATA of the real Milan report (the nonce it was made for).
const MILAN_NONCE: &str = "d447b55d197491bfe15cf298f9de9986b7a7c4be2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8dae7b79fecb3d1cd82bd6a93ebfd";
const MILAN_M: &str = "sha384:39cfe4be88a5674793b3cdeb447c30451459b2b72890e9b7d07e95bddf65050d376bedecc90ecae9d466af2b7edbba26";
/// The synthetic reports' REPORT_DATA and the synthetic PKI's time.
const SYN_NONCE: [u8; 64] = [0xA5; 64];
const SYN_NOW: &str = "2027-06-01T00:00:00Z";
const AZ_NONCE: [u8; 64] = [0x5A; 64];

fn snp(name: &str) -> Vec<u8> {
    data("cmcp-sev-snp", name)
}
fn conf(name: &str) -> Vec<u8> {
    snp(&format!("conformance/{name}"))
}
fn pems(names: &[&str]) -> Vec<u8> {
    names
        .iter()
        .flat_map(|n| snp(&format!("{n}.pem")))
        .collect()
}

/// The real Milan report with the given chain files (leaf first).
fn milan_parts(chain: &[&str]) -> Value {
    let files: Vec<String> = chain.iter().map(|c| format!("{FX}{c}")).collect();
    obj(vec![
        (
            "raw_evidence",
            obj(vec![("hex_file", s(&format!("{FX}report_milan.hex")))]),
        ),
        ("cert_chain", obj(vec![("pem_files", strs(&files))])),
    ])
}

const MILAN_CHAIN: &[&str] = &["vcek_milan.der", "cert_chain_milan"];

fn milan(id: &str, desc: &str, spec: &str) -> Vb {
    Vb::new(
        id,
        desc,
        spec,
        &["fixture", "hardware", "sev-snp", "evidence"],
    )
    .evidence_cmd("amd-sev-snp", MILAN_NONCE)
    .evidence_parts(milan_parts(MILAN_CHAIN))
    .opt("now", s("2026-08-01T00:00:00Z"))
    .opt("ark", strs(&[format!("{FX}milan_ark.pem")]))
}

/// A synthetic report with the PSS test chain and ARK pinned.
fn syn(id: &str, desc: &str, spec: &str, report: &[u8]) -> Vb {
    syn_chain(id, desc, spec, report, &["vcek", "ask", "ark"], "ark")
}

fn syn_chain(id: &str, desc: &str, spec: &str, report: &[u8], chain: &[&str], ark: &str) -> Vb {
    Vb::new(id, desc, spec, &["hardware", "sev-snp", "evidence"])
        .evidence_cmd("amd-sev-snp", &hex_encode(&SYN_NONCE))
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", report),
            ("cert_chain", &pems(chain)),
        ]))
        .opt("now", s(SYN_NOW))
        .file("ark.pem", snp(&format!("{ark}.pem")))
        .opt("ark", strs(&["ark.pem"]))
}

trait Snp {
    fn fails(self, code: &str) -> Vb;
    fn ok(self) -> Vb;
}
impl Snp for Vb {
    fn fails(self, code: &str) -> Vb {
        self.st(UN, HWF)
            .l("hardware_attestation", "failed")
            .d("sev_snp_failure", code)
    }
    fn ok(self) -> Vb {
        self.st(VE, None)
            .l("vcek_cert_chain", VE)
            .l("report_signature", VE)
            .l("platform_state", VE)
            .l("hardware_attestation", VE)
    }
}

fn refused(v: Vb) -> Vb {
    v.fails("platform_policy_failed")
        .l("platform_state", "failed")
        .l("report_signature", VE)
}

fn measurement_form(m: &[u8]) -> String {
    format!("sha384:{}", hex_encode(&Sha384::digest(m)))
}

/// Adds the family.
pub fn all(o: &mut Out) {
    fixtures(o);
    synthetic(o);
    azure(o);
    claims(o);
}

fn fixtures(o: &mut Out) {
    let s2 = "sev-snp.md §3, §4; README Decisions 13";
    o.add(milan("CV-SNP-0001", "the real Milan v2 report with its VCEK and chain, pinned Milan ARK, expected measurement: verified", s2)
        .opt("launch_measurements", strs(&[MILAN_M]))
        .ok().l("measurement", VE).l("report_data", VE).d("snp_product", "Milan").d("snp_report_version", "2"));
    o.add(milan("CV-SNP-0002", "the real Milan report without an expected measurement: authentic, measurement not checked", s2)
        .ok().l("measurement", "not_checked"));
    for (id, ark, what) in [
        ("CV-SNP-0003", "genoa_ark.pem", "Genoa"),
        ("CV-SNP-0004", "turin_ark.pem", "Turin"),
        ("CV-SNP-0005", "milan_ask.pem", "Milan ASK (not a root)"),
    ] {
        o.add(
            milan(
                id,
                &format!("the real Milan report with the {what} pinned as ARK: chain refused"),
                s2,
            )
            .opt("ark", strs(&[format!("{FX}{ark}")]))
            .fails("vcek_chain_invalid")
            .l("vcek_cert_chain", "failed"),
        );
    }
    o.add(milan("CV-SNP-0006", "the real Milan chain given in reverse order (ARK, ASK, VCEK): order is not trusted, still verified", s2)
        .evidence_parts(milan_parts(&["milan_ark.pem", "milan_ask.pem", "vcek_milan.der"]))
        .ok());
    o.add(
        milan(
            "CV-SNP-0007",
            "the real Milan chain without the ARK (VCEK, ASK): the pinned ARK completes it",
            s2,
        )
        .evidence_parts(milan_parts(&["vcek_milan.der", "milan_ask.pem"]))
        .ok(),
    );
    let mut bad = super::hwkit::unhex(MILAN_NONCE);
    if let Some(b) = bad.get_mut(0) {
        *b ^= 0x01;
    }
    o.add(
        milan(
            "CV-SNP-0008",
            "the real Milan report with a nonce it does not carry: REPORT_DATA mismatch",
            "sev-snp.md §5; README Decisions 8",
        )
        .evidence_cmd("amd-sev-snp", &hex_encode(&bad))
        .fails("report_data_mismatch")
        .l("report_data", "failed"),
    );
    o.add(
        milan(
            "CV-SNP-0009",
            "the real Milan report with a wrong expected measurement",
            "sev-snp.md §6.2",
        )
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9e".repeat(48))]),
        )
        .fails("measurement_mismatch")
        .l("measurement", "failed"),
    );
    o.add(
        milan(
            "CV-SNP-0010",
            "the real Milan report with a sha256 expected measurement: wrong format for SNP",
            "sev-snp.md §6.2",
        )
        .opt(
            "launch_measurements",
            strs(&[format!("sha256:{}", "9e".repeat(32))]),
        )
        .fails("invalid_measurement_format"),
    );
    o.add(
        milan(
            "CV-SNP-0011",
            "the real Milan report checked after the VCEK expired (2030-04-03)",
            "sev-snp.md §4; README Decisions 7",
        )
        .opt("now", s("2030-04-03T19:23:44Z"))
        .fails("vcek_chain_invalid")
        .l("vcek_cert_chain", "failed"),
    );
    o.add(
        milan(
            "CV-SNP-0012",
            "the real Milan report with the builtin trust store (embedded AMD ARKs, opted in)",
            "README Decisions 13",
        )
        .opt("ark", Value::Null)
        .opt("trust_store", s("builtin"))
        .ok()
        .d("snp_product", "Milan"),
    );
    o.add(milan("CV-SNP-0013", "the real Milan report with no root pinned and no trust store: not established, never verified", "README Decisions 13")
        .opt("ark", Value::Null)
        .st(PV, None).l("vcek_cert_chain", "not_established").l("hardware_attestation", "not_established"));
    o.add(
        milan(
            "CV-SNP-0014",
            "the real Milan report with no certificate chain: not established",
            "sev-snp.md §4",
        )
        .evidence_parts(obj(vec![(
            "raw_evidence",
            obj(vec![("hex_file", s(&format!("{FX}report_milan.hex")))]),
        )]))
        .st(PV, None)
        .l("vcek_cert_chain", "not_established")
        .l("report_data", VE)
        .l("hardware_attestation", "not_established"),
    );
    o.add(refused(
        milan(
            "CV-SNP-0015",
            "the real Milan report with policy min_tcb_snp 9 (it reports 8): refused",
            "README Decisions 12; sev-snp.md §7",
        )
        .policy(r#"{"sev_snp":{"min_tcb_snp":9}}"#),
    ));
    o.add(refused(
        milan(
            "CV-SNP-0016",
            "the real Milan report with platform_info_forbid smt_enabled: refused",
            "README Decisions 12; sev-snp.md §7",
        )
        .policy(r#"{"sev_snp":{"platform_info_forbid":["smt_enabled"]}}"#),
    ));
    o.add(milan("CV-SNP-0017", "the real Milan report passes a strict policy (SMT required, TCB minimums it meets, VMPL 0, its measurement, AMD PSS)", "README Decisions 12")
        .policy(r#"{"sev_snp":{"platform_info_require":["smt_enabled"],"min_tcb_snp":8,"min_tcb_microcode":115,"min_tcb_bootloader":3,"vmpl":0,"smt":"require","require_amd_pss":true}}"#)
        .ok());
    o.add(refused(
        milan(
            "CV-SNP-0018",
            "the real Milan report with an expected-measurements list it is not in: refused",
            "README Decisions 12",
        )
        .policy(&format!(
            r#"{{"sev_snp":{{"measurements":["{}"]}}}}"#,
            "3c".repeat(48)
        )),
    ));
    o.add(refused(
        milan(
            "CV-SNP-0019",
            "the real Milan report with min_report_version 3 (it is version 2): refused",
            "README Decisions 12",
        )
        .policy(r#"{"sev_snp":{"min_report_version":3}}"#),
    ));
    // Real Turin VCEK chain with a synthetic Turin-shaped report (no real Turin report exists).
    let mut r = vec![0u8; 1184];
    let set = |r: &mut Vec<u8>, i: usize, v: u8| {
        if let Some(b) = r.get_mut(i) {
            *b = v;
        }
    };
    set(&mut r, 0, 3);
    set(&mut r, 0x0A, 3);
    set(&mut r, 0x34, 1);
    set(&mut r, 0x188, 0x1A);
    set(&mut r, 0x189, 0x02);
    for off in [0x38, 0x180, 0x1E0, 0x1F0] {
        set(&mut r, off + 7, 9);
    }
    for (i, b) in [0x1e, 0x55, 0x0a, 0x8e, 0xe5, 0xcf, 0x9f, 0x4d]
        .iter()
        .enumerate()
    {
        set(&mut r, 0x1A0 + i, *b);
    }
    set(&mut r, 0x2A0, 1);
    set(&mut r, 0x2A0 + 0x48, 1);
    let turin = |id: &str, desc: &str, ark: &str| {
        Vb::new(
            id,
            desc,
            s2,
            &["fixture", "hardware", "sev-snp", "evidence", "turin"],
        )
        .evidence_cmd(
            "amd-sev-snp",
            &hex_encode(r.get(0x50..0x90).unwrap_or_default()),
        )
        .file("report.bin", r.clone())
        .evidence_parts(obj(vec![
            ("raw_evidence", obj(vec![("file", s("report.bin"))])),
            (
                "cert_chain",
                obj(vec![(
                    "pem_files",
                    strs(&[
                        format!("{FX}vcek_turin.der"),
                        format!("{FX}cert_chain_turin"),
                    ]),
                )]),
            ),
        ]))
        .opt("now", s("2026-08-01T00:00:00Z"))
        .opt("ark", strs(&[format!("{FX}{ark}")]))
    };
    o.add(turin("CV-SNP-0020", "a Turin-shaped report with the real Turin VCEK chain: chain to the Turin ARK verified, forged signature refused", "turin_ark.pem")
        .fails("report_signature_invalid").l("vcek_cert_chain", VE).l("report_signature", "failed"));
    o.add(
        turin(
            "CV-SNP-0021",
            "the real Turin VCEK chain against the Milan ARK: refused",
            "milan_ark.pem",
        )
        .fails("vcek_chain_invalid"),
    );
}

fn synthetic(o: &mut Out) {
    let auth = "sev-snp.md §3, §4; issue 4 (synthetic test CA)";
    let base = conf("snp_base.bin");
    o.add(
        syn(
            "CV-SNP-0030",
            "synthetic Milan report, RSA-PSS ARK/ASK and P-384 VCEK from our test CA: verified",
            auth,
            &base,
        )
        .ok()
        .l("report_data", VE)
        .d("platform_info", "0x25")
        .d("snp_report_version", "3"),
    );
    o.add(
        syn_chain(
            "CV-SNP-0031",
            "synthetic report with the PKCS#1 v1.5 ARK/ASK: accepted by default",
            auth,
            &base,
            &["vcek_p1", "ask_p1", "ark_p1"],
            "ark_p1",
        )
        .ok(),
    );
    o.add(
        syn_chain(
            "CV-SNP-0032",
            "synthetic PKCS#1 chain with require_amd_pss: refused",
            auth,
            &base,
            &["vcek_p1", "ask_p1", "ark_p1"],
            "ark_p1",
        )
        .policy(r#"{"sev_snp":{"require_amd_pss":true}}"#)
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn_chain(
            "CV-SNP-0033",
            "synthetic PSS chain with another test root pinned: refused",
            auth,
            &base,
            &["vcek", "ask", "ark"],
            "ark_p1",
        )
        .fails("vcek_chain_invalid"),
    );
    for (id, leaf, what) in [
        ("CV-SNP-0034", "vcek_badspl", "an SNP SPL"),
        ("CV-SNP-0035", "vcek_badhwid", "a hwID"),
        ("CV-SNP-0036", "vcek_genoa", "a product name (Genoa)"),
    ] {
        o.add(
            syn_chain(
                id,
                &format!(
                    "synthetic VCEK whose extension carries {what} the report does not: refused"
                ),
                "sev-snp.md §4; go-sev-guest parity",
                &base,
                &[leaf, "ask", "ark"],
                "ark",
            )
            .fails("vcek_extension_mismatch"),
        );
    }
    o.add(
        syn_chain(
            "CV-SNP-0037",
            "synthetic VCEK that expired in 2024",
            auth,
            &base,
            &["vcek_old", "ask", "ark"],
            "ark",
        )
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn_chain(
            "CV-SNP-0038",
            "synthetic VCEK that is marked as a CA",
            auth,
            &base,
            &["vcek_noca", "ask", "ark"],
            "ark",
        )
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn_chain(
            "CV-SNP-0039",
            "synthetic ASK without basicConstraints",
            auth,
            &base,
            &["vcek_nobc", "ask_nobc", "ark"],
            "ark",
        )
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn(
            "CV-SNP-0040",
            "synthetic report with a CRL from the ASK revoking the VCEK: refused",
            auth,
            &base,
        )
        .file("ask.crl.pem", snp("ask_revokes_vcek.crl.pem"))
        .opt("crl", s("ask.crl.pem"))
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn(
            "CV-SNP-0041",
            "synthetic report with an empty CRL from the ASK: verified",
            auth,
            &base,
        )
        .file("ask.crl.pem", snp("ask_empty.crl.pem"))
        .opt("crl", s("ask.crl.pem"))
        .ok(),
    );
    // The tamper sweep found this one: a CRL whose issuer name no longer
    // names the ASK applied to nothing and was skipped, so the report stayed
    // verified. A CRL must come from a CA of the chain or a pinned ARK.
    let mut renamed = snp("ask_empty.crl.pem");
    if let Some(b) = renamed.get_mut(111) {
        *b ^= 0x01;
    }
    o.add(
        syn(
            "CV-SNP-0054",
            "synthetic report with a CRL whose issuer name was altered (from no CA of the chain): refused",
            auth,
            &base,
        )
        .file("ask.crl.pem", renamed)
        .opt("crl", s("ask.crl.pem"))
        .fails("vcek_chain_invalid"),
    );
    o.add(
        syn_chain(
            "CV-SNP-0042",
            "certificate chain that is not PEM: malformed",
            auth,
            &base,
            &[],
            "ark",
        )
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", &base),
            ("cert_chain", b"not a certificate"),
        ]))
        .fails("cert_chain_malformed"),
    );
    // An evidence file that is read but is not evidence-shaped JSON is a
    // verdict, as a malformed claim is (README CLI contract).
    o.add(
        syn(
            "CV-SNP-0055",
            "evidence file that is JSON but whose raw_evidence is not base64url: a verdict, not a usage error",
            auth,
            &base,
        )
        .evidence_bytes(br#"{"raw_evidence": "not base64url!"}"#.to_vec())
        .st(UN, HWF)
        .l("hardware_attestation", "failed")
        .d(
            "evidence_error",
            "evidence member raw_evidence is not canonical base64url",
        ),
    );
    // Tampering.
    let sig = "sev-snp.md §11; issue 4 tamper sweep";
    for (id, at, what) in [
        (
            "CV-SNP-0043",
            0x1F8usize,
            "a reserved byte of the signed region (0x1F8)",
        ),
        ("CV-SNP-0044", 0x90, "the MEASUREMENT"),
        ("CV-SNP-0045", 0x2A0, "R"),
        ("CV-SNP-0046", 0x2A0 + 0x48, "S"),
        ("CV-SNP-0047", 0x2A0 + 0x47, "R's zero padding"),
        ("CV-SNP-0048", 0x2A0 + 0x8F, "S's zero padding"),
    ] {
        o.add(
            syn(
                id,
                &format!("synthetic report with one flipped bit in {what}: signature refused"),
                sig,
                &flip(&base, at, 0x01),
            )
            .fails("report_signature_invalid")
            .l("vcek_cert_chain", VE)
            .l("report_signature", "failed"),
        );
    }
    o.add(
        syn(
            "CV-SNP-0049",
            "synthetic report with SIG_ALGO 2: refused",
            sig,
            &flip(&base, 0x34, 0x03),
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-SNP-0050",
            "a 1183-byte report: parse error, never a panic",
            "sev-snp.md §2",
            base.get(..1183).unwrap_or_default(),
        )
        .fails("raw_evidence_parse_error"),
    );
    let mut long = base.clone();
    long.push(0);
    o.add(
        syn(
            "CV-SNP-0051",
            "a 1185-byte report: parse error",
            "sev-snp.md §2",
            &long,
        )
        .fails("raw_evidence_parse_error"),
    );
    o.add(
        syn(
            "CV-SNP-0052",
            "a report with VERSION 1: refused by version",
            "sev-snp.md §2",
            &flip(&base, 0, 0x02),
        )
        .fails("invalid_snp_report_version")
        .d("snp_report_version", "1"),
    );
    o.add(
        syn(
            "CV-SNP-0053",
            "a report whose R was replaced by another value (byte 3 high bit): signature refused",
            sig,
            &flip(&conf("snp_base.bin"), 0x2A0 + 3, 0x80),
        )
        .fails("report_signature_invalid"),
    );
    // Appraisal refusals.
    let ap = "README Decisions 12; sev-snp.md §7";
    o.add(
        refused(syn(
            "CV-SNP-0060",
            "synthetic debug guest (POLICY.DEBUG): refused by default",
            ap,
            &conf("snp_debug.bin"),
        ))
        .l("report_data", VE),
    );
    o.add(
        syn(
            "CV-SNP-0061",
            "synthetic debug guest with allow_debug true: verified",
            ap,
            &conf("snp_debug.bin"),
        )
        .policy(r#"{"sev_snp":{"allow_debug":true}}"#)
        .ok(),
    );
    o.add(refused(
        syn(
            "CV-SNP-0062",
            "synthetic guest allowing the migration agent with migrate_ma forbid: refused",
            ap,
            &conf("snp_migrate_ma.bin"),
        )
        .policy(r#"{"sev_snp":{"migrate_ma":"forbid"}}"#),
    ));
    o.add(
        syn(
            "CV-SNP-0063",
            "synthetic guest allowing the migration agent under the default policy (any): verified",
            ap,
            &conf("snp_migrate_ma.bin"),
        )
        .ok(),
    );
    o.add(refused(
        syn(
            "CV-SNP-0064",
            "synthetic guest without POLICY.SMT with smt require: refused",
            ap,
            &conf("snp_no_smt.bin"),
        )
        .policy(r#"{"sev_snp":{"smt":"require"}}"#),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0065",
            "synthetic guest allowing SMT with smt forbid: refused",
            ap,
            &base,
        )
        .policy(r#"{"sev_snp":{"smt":"forbid"}}"#),
    ));
    o.add(refused(syn(
        "CV-SNP-0066",
        "synthetic guest with a reserved POLICY bit (40): refused by default",
        ap,
        &conf("snp_reserved_policy.bin"),
    )));
    o.add(
        syn(
            "CV-SNP-0067",
            "reserved POLICY bit with reject_reserved_policy_bits false: verified",
            ap,
            &conf("snp_reserved_policy.bin"),
        )
        .policy(r#"{"sev_snp":{"reject_reserved_policy_bits":false}}"#)
        .ok(),
    );
    o.add(refused(
        syn(
            "CV-SNP-0068",
            "synthetic report at VMPL 1 with vmpl 0 required: refused",
            ap,
            &conf("snp_vmpl1.bin"),
        )
        .policy(r#"{"sev_snp":{"vmpl":0}}"#),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0069",
            "unrecognized PLATFORM_INFO bit with platform_info_reject_unrecognized_bits: refused",
            ap,
            &conf("snp_platform_unknown_bit.bin"),
        )
        .policy(r#"{"sev_snp":{"platform_info_reject_unrecognized_bits":true}}"#),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0070",
            "min_tcb_microcode above the report's (115 < 116): refused",
            ap,
            &base,
        )
        .policy(r#"{"sev_snp":{"min_tcb_microcode":116}}"#),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0071",
            "min_tcb_bootloader above the report's: refused",
            ap,
            &base,
        )
        .policy(r#"{"sev_snp":{"min_tcb_bootloader":4}}"#),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0072",
            "expected family_id differs: refused",
            ap,
            &base,
        )
        .policy(&format!(
            r#"{{"sev_snp":{{"family_id":"{}"}}}}"#,
            "00".repeat(16)
        )),
    ));
    o.add(syn("CV-SNP-0073", "expected family_id, image_id, host_data and measurement all match: verified", ap, &base)
        .policy(&format!(r#"{{"sev_snp":{{"family_id":"{}","image_id":"{}","host_data":"{}","measurements":["{}"]}}}}"#, "f1".repeat(16), "12".repeat(16), "44".repeat(32), "3c".repeat(48)))
        .ok());
    o.add(refused(
        syn(
            "CV-SNP-0074",
            "expected image_id differs: refused",
            ap,
            &base,
        )
        .policy(&format!(
            r#"{{"sev_snp":{{"image_id":"{}"}}}}"#,
            "13".repeat(16)
        )),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0075",
            "expected host_data differs: refused",
            ap,
            &base,
        )
        .policy(&format!(
            r#"{{"sev_snp":{{"host_data":"{}"}}}}"#,
            "45".repeat(32)
        )),
    ));
    o.add(refused(
        syn(
            "CV-SNP-0076",
            "min_report_version 4 for a version-3 report: refused",
            ap,
            &base,
        )
        .policy(r#"{"sev_snp":{"min_report_version":4}}"#),
    ));
    o.add(
        syn(
            "CV-SNP-0077",
            "a version-2 synthetic report under the default minimum 2: verified",
            ap,
            &conf("snp_v2.bin"),
        )
        .ok()
        .d("snp_report_version", "2"),
    );
    o.add(refused(
        syn(
            "CV-SNP-0078",
            "min_abi above the guest POLICY's ABI: refused",
            ap,
            &conf("snp_abi_old.bin"),
        )
        .policy(r#"{"sev_snp":{"min_abi":"1.51"}}"#),
    ));
    o.add(
        syn(
            "CV-SNP-0079",
            "synthetic report with the expected measurement sha384(MEASUREMENT): verified",
            "sev-snp.md §6.2",
            &base,
        )
        .opt(
            "launch_measurements",
            strs(&[measurement_form(&[0x3C; 48])]),
        )
        .ok()
        .l("measurement", VE),
    );
}

fn azure(o: &mut Out) {
    let sec = "sev-snp.md §8";
    // The redacted real capture: envelope assembled from the HCL report at run time.
    let nonce = [0x77u8; 64];
    let mut q = vec![0xFF, 0x54, 0x43, 0x47, 0x80, 0x18, 0, 34, 0, 0x0B];
    q.extend_from_slice(&[0x2C; 32]);
    q.extend_from_slice(&[0, 32]);
    q.extend_from_slice(&Sha256::digest(nonce));
    q.extend_from_slice(&[0; 25]);
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0x0B, 3, 0, 0, 1, 0, 32]);
    q.extend_from_slice(&[0x66; 32]);
    let red = |id: &str, desc: &str| {
        Vb::new(id, desc, sec, &["fixture", "hardware", "azure", "evidence"])
            .evidence_cmd("azure-cvm-sev-snp", &hex_encode(&nonce))
            .file("quote_msg.bin", q.clone())
            .file("quote_sig.bin", vec![0, 0x14, 0, 0x0B, 0, 1, 0])
            .evidence_parts(obj(vec![(
                "raw_evidence",
                obj(vec![(
                    "azure_envelope",
                    obj(vec![
                        ("hcl_file", s(&format!("{AZ}azure_hcl_report_redacted.bin"))),
                        ("quote_msg_file", s("quote_msg.bin")),
                        ("quote_sig_file", s("quote_sig.bin")),
                    ]),
                )]),
            )]))
            .opt("now", s("2026-08-01T00:00:00Z"))
            .opt("ark", strs(&[format!("{FX}milan_ark.pem")]))
    };
    o.add(red("CV-AZURE-0001", "the redacted Azure HCL report: runtime_data binding and HCLAkPub binding pass, the quote signature (not available) fails")
        .st(UN, HWF).l("runtime_data_binding", VE).l("ak_binding", VE).l("quote_nonce_binding", "failed").d("azure_cvm_failure", "quote_signature_invalid"));
    o.add(Vb::new("CV-AZURE-0002", "the redacted Azure SNP report alone as amd-sev-snp, nonce = its REPORT_DATA, no chain: bound but not established", sec, &["fixture", "hardware", "azure", "evidence"])
        .evidence_cmd("amd-sev-snp", "36f3584f6f53b62cf5df248476b945084b8ef5fccb2369c15e31155941ef680b0000000000000000000000000000000000000000000000000000000000000000")
        .evidence_parts(obj(vec![("raw_evidence", obj(vec![("file", s(&format!("{AZ}azure_snp_report_redacted.bin")))]))]))
        .opt("now", s("2026-08-01T00:00:00Z")).opt("ark", strs(&[format!("{FX}milan_ark.pem")]))
        .st(PV, None).l("report_data", VE).l("hardware_attestation", "not_established"));
    o.add(Vb::new("CV-AZURE-0003", "the redacted Azure SNP report with the real Milan VCEK chain: its zeroed CHIP_ID cannot authenticate", sec, &["fixture", "hardware", "azure", "evidence"])
        .evidence_cmd("amd-sev-snp", "36f3584f6f53b62cf5df248476b945084b8ef5fccb2369c15e31155941ef680b0000000000000000000000000000000000000000000000000000000000000000")
        .evidence_parts(obj(vec![
            ("raw_evidence", obj(vec![("file", s(&format!("{AZ}azure_snp_report_redacted.bin")))])),
            ("cert_chain", obj(vec![("pem_files", strs(&[format!("{FX}vcek_milan.der"), format!("{FX}cert_chain_milan")]))])),
        ]))
        .opt("now", s("2026-08-01T00:00:00Z")).opt("ark", strs(&[format!("{FX}milan_ark.pem")]))
        .st(UN, HWF).l("report_data", VE).l("hardware_attestation", "failed"));
    // Synthetic envelopes (our AK and VCEK).
    let env = conf("azure_envelope.json");
    let az = |id: &str, desc: &str, env: &[u8]| {
        Vb::new(id, desc, sec, &["hardware", "azure", "evidence"])
            .evidence_cmd("azure-cvm-sev-snp", &hex_encode(&AZ_NONCE))
            .evidence_bytes(evidence_json(&[("raw_evidence", env)]))
            .opt("now", s(SYN_NOW))
            .file("ark.pem", snp("ark.pem"))
            .opt("ark", strs(&["ark.pem"]))
    };
    let fails = |v: Vb, code: &str| {
        v.st(UN, HWF)
            .l("hardware_attestation", "failed")
            .d("azure_cvm_failure", code)
    };
    o.add(az("CV-AZURE-0004", "synthetic Azure envelope: quote over SHA-256(nonce) by HCLAkPub, report bound to runtime_data, chain to our ARK: verified", &env)
        .st(VE, None).l("runtime_data_binding", VE).l("ak_binding", VE).l("quote_nonce_binding", VE).l("vcek_cert_chain", VE).l("report_signature", VE).l("hardware_attestation", VE));
    o.add(fails(
        az(
            "CV-AZURE-0005",
            "synthetic Azure envelope with another nonce: extraData mismatch",
            &env,
        )
        .evidence_cmd("azure-cvm-sev-snp", &hex_encode(&[0x5Bu8; 64])),
        "quote_nonce_mismatch",
    ));
    o.add(fails(
        az(
            "CV-AZURE-0006",
            "synthetic Azure envelope whose AK-signed quote carries another extraData",
            &conf("azure_envelope_quote_other_nonce.json"),
        ),
        "quote_nonce_mismatch",
    ));
    let edit = |k: &str, f: &dyn Fn(Vec<u8>) -> Vec<u8>| -> Vec<u8> {
        let v = parse(&env).unwrap_or(Value::Null);
        let mut v2 = v.clone();
        let cur = v
            .get(k)
            .and_then(Value::as_str)
            .and_then(|t| cmcp_verify::json::encoding::b64_decode(t).ok())
            .unwrap_or_default();
        crate::jsonx::set(
            &mut v2,
            &[k],
            Some(s(&cmcp_verify::json::encoding::b64_encode(&f(cur)))),
        );
        crate::jsonx::compact(&v2).into_bytes()
    };
    o.add(
        fails(
            az(
                "CV-AZURE-0007",
                "runtime_data with one extra byte: no longer SHA-256-bound to REPORT_DATA",
                &edit("runtime_data", &|mut b| {
                    b.push(b' ');
                    b
                }),
            ),
            "runtime_data_binding_mismatch",
        )
        .l("runtime_data_binding", "failed"),
    );
    o.add(fails(
        az(
            "CV-AZURE-0008",
            "quote signature with one flipped bit",
            &edit("quote_sig", &|b| {
                let n = b.len().saturating_sub(1);
                flip(&b, n, 1)
            }),
        ),
        "quote_signature_invalid",
    ));
    o.add(fails(
        az(
            "CV-AZURE-0009",
            "quote signature claiming SHA-1: refused",
            &edit("quote_sig", &|b| flip(&b, 3, 0x0B ^ 0x04)),
        ),
        "quote_signature_invalid",
    ));
    o.add(fails(
        az(
            "CV-AZURE-0010",
            "SNP report with a flipped reserved byte: VCEK signature refused",
            &edit("snp_report", &|b| flip(&b, 0x1F8, 1)),
        ),
        "report_signature_invalid",
    ));
    o.add(fails(
        az(
            "CV-AZURE-0011",
            "envelope VCEK chain under the PKCS#1 test ARK while the PSS ARK is pinned",
            &edit("vcek_chain_pem", &|_| pems(&["vcek", "ask_p1", "ark_p1"])),
        ),
        "vcek_chain_invalid",
    ));
    o.add(fails(
        az(
            "CV-AZURE-0012",
            "envelope with a 1183-byte SNP report",
            &edit("snp_report", &|mut b| {
                b.pop();
                b
            }),
        ),
        "raw_evidence_parse_error",
    ));
    o.add(
        az(
            "CV-AZURE-0013",
            "envelope that is not JSON: a verdict, not a crash",
            b"\x00\x01not json",
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed")
        .d("azure_cvm_failure", "evidence_parse_error"),
    );
    o.add(
        az(
            "CV-AZURE-0014",
            "synthetic Azure envelope with no ARK pinned: not established",
            &env,
        )
        .opt("ark", Value::Null)
        .st(PV, None)
        .l("hardware_attestation", "not_established"),
    );
    o.add(
        az(
            "CV-AZURE-0015",
            "synthetic Azure debug guest: refused by default",
            &conf("azure_envelope_debug.json"),
        )
        .st(UN, HWF)
        .l("platform_state", "failed")
        .d("azure_cvm_failure", "platform_policy_failed"),
    );
    o.add(
        az(
            "CV-AZURE-0016",
            "synthetic Azure debug guest with sev_snp.allow_debug true: verified",
            &conf("azure_envelope_debug.json"),
        )
        .policy(r#"{"sev_snp":{"allow_debug":true}}"#)
        .st(VE, None)
        .l("hardware_attestation", VE),
    );
    o.add(fails(
        az(
            "CV-AZURE-0017",
            "ak_pub_pem replaced by another key: AK is not HCLAkPub",
            &{
                let v = parse(&env).unwrap_or(Value::Null);
                let mut v2 = v.clone();
                crate::jsonx::set(
                    &mut v2,
                    &["ak_pub_pem"],
                    Some(s(
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                    )),
                );
                crate::jsonx::compact(&v2).into_bytes()
            },
        ),
        "ak_parse_error",
    ));
}

fn claims(o: &mut Out) {
    let sec = "README Decisions 2, 8; sev-snp.md §5, §6.2";
    let m = measurement_form(&[0x3C; 48]);
    let chain = pems(&["vcek", "ask", "ark"]);
    let rep = conf("snp_claim.bin");
    let nonce = claim_nonce();
    debug_assert_eq!(
        rep.get(0x50..0x90),
        Some(nonce.as_slice()),
        "{}",
        claim_nonce_hex()
    );
    let hw = |id: &str, desc: &str, c: &Value| {
        Vb::new(id, desc, sec, &["hardware", "sev-snp", "claim"])
            .claim(c)
            .opt("now", s("2026-12-01T00:00:00Z"))
            .file("ark.pem", snp("ark.pem"))
            .opt("ark", strs(&["ark.pem"]))
    };
    let good = claim(
        "amd-sev-snp",
        &m,
        &nonce,
        &[("raw_evidence", &rep), ("cert_chain", &chain)],
    );
    o.add(hw("CV-SNP-0090", "amd-sev-snp claim with a synthetic report bound to its nonce, chain pinned, launch measurement pinned: verified", &good)
        .opt("launch_measurements", strs(&[m.as_str()]))
        .st(VE, None).l("public_key_binding", VE).l("audit_chain_binding", VE).l("hardware_attestation", VE).l("launch_measurement", VE).l("report_data", VE).l("measurement", VE));
    o.add(
        hw(
            "CV-SNP-0091",
            "the same claim without a launch-measurement pin: partially verified (not pinned)",
            &good,
        )
        .st(PV, None)
        .l("hardware_attestation", VE)
        .l("launch_measurement", "not_checked"),
    );
    o.add(
        hw(
            "CV-SNP-0092",
            "the same claim with another launch measurement pinned: refused",
            &good,
        )
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9e".repeat(48))]),
        )
        .st(UN, HWF)
        .l("launch_measurement", "failed"),
    );
    let other_m = measurement_form(&[0x3D; 48]);
    o.add(
        hw(
            "CV-SNP-0093",
            "claim whose measurement is not sha384 of the report's MEASUREMENT",
            &claim(
                "amd-sev-snp",
                &other_m,
                &nonce,
                &[("raw_evidence", &rep), ("cert_chain", &chain)],
            ),
        )
        .st(UN, HWF)
        .l("measurement", "failed")
        .l("hardware_attestation", "failed"),
    );
    o.add(
        hw(
            "CV-SNP-0094",
            "claim carrying the base report made for another nonce: REPORT_DATA mismatch",
            &claim(
                "amd-sev-snp",
                &m,
                &nonce,
                &[
                    ("raw_evidence", &conf("snp_base.bin")),
                    ("cert_chain", &chain),
                ],
            ),
        )
        .st(UN, HWF)
        .l("report_data", "failed")
        .l("hardware_attestation", "failed"),
    );
    o.add(
        hw(
            "CV-SNP-0095",
            "claim carrying a debug-guest report bound to its nonce: refused by default",
            &claim(
                "amd-sev-snp",
                &m,
                &nonce,
                &[
                    ("raw_evidence", &conf("snp_claim_debug.bin")),
                    ("cert_chain", &chain),
                ],
            ),
        )
        .st(UN, HWF)
        .l("platform_state", "failed"),
    );
    o.add(
        hw(
            "CV-SNP-0096",
            "claim with the bound report but no root pinned: not established",
            &good,
        )
        .opt("ark", Value::Null)
        .st(PV, None)
        .l("hardware_attestation", "not_established"),
    );
    // A pinned gateway measurement the nonce does not commit (it commits the
    // root) leaves the otherwise verified claim partially verified: the pin
    // is required, not ignored.
    o.add(
        hw(
            "CV-SNP-0097",
            "the verified claim with a gateway measurement pinned that its nonce does not commit: partially verified",
            &good,
        )
        .opt("launch_measurements", strs(&[m.as_str()]))
        .opt("gateway_measurement", s(&"5a".repeat(32)))
        .st(PV, None)
        .l("audit_chain_binding", VE)
        .l("hardware_attestation", VE)
        .l("measurement_binding", "not_established")
        .div(
            "Q3",
            "unverified / MEASUREMENT_NOT_BOUND",
            "the root is hardware-committed, so nothing failed; the pinned measurement is required and not established",
        ),
    );
    let env = conf("azure_envelope_claim.json");
    o.add(hw("CV-AZURE-0030", "azure-cvm-sev-snp claim with a synthetic envelope whose quote binds the claim nonce: verified", &claim("azure-cvm-sev-snp", &m, &nonce, &[("raw_evidence", &env)]))
        .opt("launch_measurements", strs(&[m.as_str()]))
        .st(VE, None).l("quote_nonce_binding", VE).l("hardware_attestation", VE).l("launch_measurement", VE).l("audit_chain_binding", VE));
    o.add(
        hw(
            "CV-AZURE-0031",
            "azure-cvm-sev-snp claim with the envelope made for another nonce: refused",
            &claim(
                "azure-cvm-sev-snp",
                &m,
                &nonce,
                &[("raw_evidence", &conf("azure_envelope.json"))],
            ),
        )
        .st(UN, HWF)
        .l("quote_nonce_binding", "failed"),
    );
}
