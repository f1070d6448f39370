//! `CV-TPM-*`: TPM 2.0 quotes. The reference-simulator captures are named
//! as `fixture:` paths (edits such as a flipped byte or a TPM2B wrapper are
//! applied at run time); synthetic quotes come from
//! `crates/cmcp-tpm/tests/data/conformance` (that crate's
//! `tests/conformance_data.rs`, our own AK and CA).

use super::hwkit::{claim_at, claim_nonce, data, evidence_json, flip};
use super::{Out, Vb};
use crate::jsonx::{int, obj, s, strs};
use cmcp_verify::json::Value;
use cmcp_verify::json::encoding::hex_encode;
use sha2::{Digest as _, Sha256};

const UN: &str = "unverified";
const PV: &str = "partially_verified";
const VE: &str = "verified";
const NE: &str = "not_established";
const HWF: Option<&str> = Some("HARDWARE_ATTESTATION_FAILED");
const SIM: &str = "fixture:hardware/ms-tpm-20-ref-v183/";
/// The simulator quotes' qualifying data (their nonce.hex).
const SIM_NONCE: &str = "d002295c049b0ab1ce4f5f3a84ea0ff3934d729edae52b983a2334b1fe9dfbdd";
const NOW: &str = "2027-01-01T00:00:00Z";
const SEC: &str = "tpm.md; README Decisions 8";
const SIMS: [&str; 4] = [
    "rsassa-sha256",
    "rsapss-sha256",
    "rsassa-sha384",
    "ecdsa-sha384",
];

fn tpm(name: &str) -> Vec<u8> {
    data("cmcp-tpm", name)
}
fn conf(name: &str) -> Vec<u8> {
    tpm(&format!("conformance/{name}"))
}

fn sim(id: &str, desc: &str, name: &str, attest: Value, sig: Value) -> Vb {
    Vb::new(id, desc, SEC, &["fixture", "hardware", "tpm", "evidence"])
        .evidence_cmd("tpm2", SIM_NONCE)
        .evidence_parts(obj(vec![
            ("raw_evidence", attest),
            ("quote_signature", sig),
            (
                "cert_chain",
                obj(vec![(
                    "pem_files",
                    strs(&[format!("{SIM}{name}-ak-chain.pem")]),
                )]),
            ),
        ]))
        .opt("now", s(NOW))
        .opt("tpm_ca", strs(&[format!("{SIM}{name}-root.pem")]))
}

fn file(p: &str) -> Value {
    obj(vec![("file", s(p))])
}

trait Tpm {
    fn fails(self, code: &str) -> Vb;
    fn ok(self) -> Vb;
}
impl Tpm for Vb {
    fn fails(self, code: &str) -> Vb {
        self.st(UN, HWF)
            .l("hardware_attestation", "failed")
            .d("tpm_failure", code)
    }
    fn ok(self) -> Vb {
        self.st(VE, None)
            .l("qualifying_data", VE)
            .l("ak_cert_chain", VE)
            .l("tpm_quote_signature", VE)
            .l("hardware_attestation", VE)
            .l("audit_chain_binding", "absent")
    }
}

/// Adds the family.
pub fn all(o: &mut Out) {
    fixtures(o);
    synthetic(o);
    nv_certify(o);
    claims(o);
}

fn fixtures(o: &mut Out) {
    let mut n = 1;
    let mut id = || {
        let i = format!("CV-TPM-{n:04}");
        n += 1;
        i
    };
    for (k, name) in SIMS.iter().enumerate() {
        let attest = format!("{SIM}{name}-attest.bin");
        let sig = format!("{SIM}{name}-tpmt-signature.bin");
        o.add(sim(&id(), &format!("reference-simulator {name} quote with its AK chain and root, nonce.hex as qualifying data: verified"), name, file(&attest), file(&sig))
            .ok().l("ek_cert_chain", NE).l("pcr_digest", "not_checked"));
        let other = SIMS.get((k + 1) % 4).copied().unwrap_or("rsassa-sha256");
        o.add(
            sim(
                &id(),
                &format!("{name} quote with the {other} root pinned instead: AK chain refused"),
                name,
                file(&attest),
                file(&sig),
            )
            .opt("tpm_ca", strs(&[format!("{SIM}{other}-root.pem")]))
            .fails("tpm_cert_chain_failed")
            .l("ak_cert_chain", "failed"),
        );
        o.add(
            sim(
                &id(),
                &format!("{name} quote with another nonce: qualifying data mismatch"),
                name,
                file(&attest),
                file(&sig),
            )
            .evidence_cmd("tpm2", &"ab".repeat(32))
            .fails("tpm_evidence_check_failed")
            .l("qualifying_data", "failed"),
        );
        o.add(sim(&id(), &format!("{name} quote in a TPM2B wrapper (size = remaining length): the signature covers the inner TPMS_ATTEST, verified"), name,
            obj(vec![("file", s(&attest)), ("tpm2b", Value::Bool(true))]), file(&sig))
            .ok()
            .div("tpm.md framing", "unverified (signature checked over the wrapper)", "the TPM2B size prefix is framing, not signed content"));
        let last = if name.ends_with("sha384") { 160 } else { 144 };
        o.add(
            sim(
                &id(),
                &format!("{name} quote with one flipped bit in its pcrDigest: signature refused"),
                name,
                obj(vec![
                    ("file", s(&attest)),
                    ("flip", Value::Array(vec![int(last), int(1)])),
                ]),
                file(&sig),
            )
            .fails("tpm_quote_signature_failed")
            .l("tpm_quote_signature", "failed"),
        );
        o.add(
            sim(
                &id(),
                &format!("{name} quote with one flipped bit at the end of its signature: refused"),
                name,
                file(&attest),
                obj(vec![
                    ("file", s(&sig)),
                    (
                        "flip",
                        Value::Array(vec![
                            int(if name.starts_with("ecdsa") { 71 } else { 261 }),
                            int(1),
                        ]),
                    ),
                ]),
            )
            .fails("tpm_quote_signature_failed")
            .l("tpm_quote_signature", "failed"),
        );
    }
    o.add(sim(&id(), "rsassa-sha256 quote with the 64-byte form of the nonce (nonce.hex ‖ 32 more bytes): only nonce[0:32] is compared", "rsassa-sha256",
        file(&format!("{SIM}rsassa-sha256-attest.bin")), file(&format!("{SIM}rsassa-sha256-tpmt-signature.bin")))
        .evidence_cmd("tpm2", &format!("{SIM_NONCE}{}", "00".repeat(32))).ok());
    o.add(
        sim(
            &id(),
            "rsassa-sha256 quote with no root pinned: not established",
            "rsassa-sha256",
            file(&format!("{SIM}rsassa-sha256-attest.bin")),
            file(&format!("{SIM}rsassa-sha256-tpmt-signature.bin")),
        )
        .opt("tpm_ca", Value::Null)
        .st(PV, None)
        .l("ak_cert_chain", NE)
        .l("hardware_attestation", NE),
    );
    o.add(sim(&id(), "ecdsa-sha384 quote wrapped in a TPM2B whose size is one byte short: not the TPM2B framing, refused", "ecdsa-sha384",
        obj(vec![("file", s(&format!("{SIM}ecdsa-sha384-attest.bin"))), ("tpm2b", Value::Bool(true)), ("flip", Value::Array(vec![int(1), int(1)]))]),
        file(&format!("{SIM}ecdsa-sha384-tpmt-signature.bin")))
        .st(UN, HWF).l("hardware_attestation", "failed"));
}

fn syn(id: &str, desc: &str, attest: &[u8], sig: &[u8]) -> Vb {
    let nonce: Vec<u8> = (0u8..64).collect();
    Vb::new(id, desc, SEC, &["hardware", "tpm", "evidence"])
        .evidence_cmd("tpm2", &hex_encode(&nonce))
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", attest),
            ("quote_signature", sig),
            ("cert_chain", &tpm("syn-ak-chain.pem")),
        ]))
        .opt("now", s(NOW))
        .file("ca.pem", tpm("syn-root.pem"))
        .opt("tpm_ca", strs(&["ca.pem"]))
}

fn synthetic(o: &mut Out) {
    let a = conf("srtm.attest");
    let sg = conf("srtm.sig");
    let m = String::from_utf8(conf("srtm.measurement")).unwrap_or_default();
    let da = conf("drtm.attest");
    let dsg = conf("drtm.sig");
    let pcrs = |v: Vb, f: &str| v.file("pcrs.json", conf(f)).opt("pcrs", s("pcrs.json"));
    let log = |v: Vb, f: &str| {
        v.file("event.log", conf(f))
            .opt("event_log", s("event.log"))
    };
    o.add(pcrs(syn("CV-TPM-0030", "synthetic P-256 AK quote over sha256:0-7 with PCR values and the expected measurement SHA-256(PCR0‖…‖PCR7): verified", &a, &sg), "srtm.pcrs.json")
        .opt("launch_measurements", strs(&[m.as_str()])).ok().l("pcr_digest", VE).l("pcr_values", VE));
    o.add(
        log(
            syn(
                "CV-TPM-0031",
                "synthetic SRTM quote with its TCG event log: replay reproduces pcrDigest",
                &a,
                &sg,
            ),
            "srtm.log",
        )
        .opt("launch_measurements", strs(&[m.as_str()]))
        .ok()
        .l("event_log", VE)
        .l("pcr_digest", VE),
    );
    o.add(log(syn("CV-TPM-0032", "synthetic quote including DRTM PCR 17 with its event log: PCR 17 replays from 0xFF…, verified", &da, &dsg), "drtm.log")
        .ok().l("event_log", VE));
    o.add(
        log(
            pcrs(
                syn(
                    "CV-TPM-0033",
                    "DRTM quote with PCR values and the event log: both agree",
                    &da,
                    &dsg,
                ),
                "drtm.pcrs.json",
            ),
            "drtm.log",
        )
        .ok()
        .l("event_log", VE)
        .l("pcr_values", VE),
    );
    o.add(
        log(
            syn(
                "CV-TPM-0034",
                "SRTM quote with a tampered event log (one PCR 7 event changed): replay mismatch",
                &a,
                &sg,
            ),
            "srtm.tampered.log",
        )
        .st(UN, HWF)
        .l("event_log", "failed"),
    );
    let full = conf("srtm.log");
    o.add(
        syn(
            "CV-TPM-0035",
            "SRTM quote with a truncated event log: typed failure",
            &a,
            &sg,
        )
        .file(
            "event.log",
            full.get(..full.len().saturating_sub(3))
                .unwrap_or_default()
                .to_vec(),
        )
        .opt("event_log", s("event.log"))
        .st(UN, HWF)
        .l("event_log", "failed"),
    );
    o.add(
        pcrs(
            syn(
                "CV-TPM-0036",
                "DRTM quote given the SRTM PCR values (PCR 17 missing): pcrDigest not reproduced",
                &da,
                &dsg,
            ),
            "srtm.pcrs.json",
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0037",
            "quote signed with SHA-1: refused by default",
            &a,
            &conf("srtm.sha1.sig"),
        )
        .fails("tpm_quote_signature_failed")
        .l("tpm_quote_signature", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0038",
            "quote signed with SHA-1 and allow_sha1 true: accepted",
            &a,
            &conf("srtm.sha1.sig"),
        )
        .policy(r#"{"tpm":{"allow_sha1":true}}"#)
        .ok(),
    );
    o.add(
        syn(
            "CV-TPM-0039",
            "P-256 AK signing with SHA-384: verified (any allowed hash)",
            &a,
            &conf("srtm.sha384.sig"),
        )
        .ok(),
    );
    o.add(syn("CV-TPM-0040", "EK certificate chain (end-entity, TCG EK EKU) verified; AK↔EK residency stated not established", &a, &sg)
        .evidence_bytes(evidence_json(&[("raw_evidence", &a), ("quote_signature", &sg), ("cert_chain", &tpm("syn-ak-chain.pem")), ("ek_cert_chain", &tpm("syn-ek-chain.pem"))]))
        .ok().l("ek_cert_chain", VE).l("ak_ek_binding", NE));
    o.add(
        syn(
            "CV-TPM-0041",
            "Azure-like EK chain whose intermediate carries the EK EKU, offered as the EK: refused",
            &a,
            &sg,
        )
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", &a),
            ("quote_signature", &sg),
            ("cert_chain", &tpm("syn-ak-chain.pem")),
            ("ek_cert_chain", &tpm("syn-inter-as-ek-chain.pem")),
        ]))
        .st(UN, HWF)
        .l("ek_cert_chain", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0042",
            "require_ak_eku true: the synthetic AK carries the TCG AK EKU, verified",
            &a,
            &sg,
        )
        .policy(r#"{"tpm":{"require_ak_eku":true}}"#)
        .ok(),
    );
    let d = |t: &str| hex_encode(&Sha256::digest(t.as_bytes()));
    o.add(
        log(
            syn(
                "CV-TPM-0043",
                "expected event digests for PCR 7 match the log: verified",
                &a,
                &sg,
            ),
            "srtm.log",
        )
        .policy(&format!(
            r#"{{"tpm":{{"expected_event_digests":{{"sha256":{{"7":["{}","{}"]}}}}}}}}"#,
            d("event 7"),
            d("second in 7")
        ))
        .ok()
        .l("event_log_policy", VE),
    );
    o.add(
        log(
            syn(
                "CV-TPM-0044",
                "expected event digests for PCR 7 miss one event: refused",
                &a,
                &sg,
            ),
            "srtm.log",
        )
        .policy(&format!(
            r#"{{"tpm":{{"expected_event_digests":{{"sha256":{{"7":["{}"]}}}}}}}}"#,
            d("event 7")
        ))
        .st(UN, HWF)
        .l("event_log_policy", "failed"),
    );
    // Event digests are vouched for only in a quoted bank and PCR: the log
    // below replays PCRs 0-7 correctly and adds a PCR 9 event the quote does
    // not cover, so pinning that event must not pass.
    o.add(
        log(
            syn(
                "CV-TPM-0077",
                "expected event digest for PCR 9, which the quote does not select, present in the log: refused",
                &a,
                &sg,
            ),
            "srtm.extra9.log",
        )
        .policy(&format!(
            r#"{{"tpm":{{"expected_event_digests":{{"sha256":{{"9":["{}"]}}}}}}}}"#,
            d("unquoted 9")
        ))
        .st(UN, HWF)
        .l("event_log", VE)
        .l("event_log_policy", "failed"),
    );
    o.add(
        log(
            syn(
                "CV-TPM-0078",
                "expected event digests in the sha384 bank, which the quote does not select: refused",
                &a,
                &sg,
            ),
            "srtm.log",
        )
        .policy(r#"{"tpm":{"expected_event_digests":{"sha384":{"7":[]}}}}"#)
        .st(UN, HWF)
        .l("event_log_policy", "failed"),
    );
    o.add(
        pcrs(
            syn(
                "CV-TPM-0045",
                "expected PCR 0 value differs from the supplied value: refused",
                &a,
                &sg,
            ),
            "srtm.pcrs.json",
        )
        .policy(&format!(
            r#"{{"tpm":{{"expected_pcrs":{{"sha256":{{"0":"{}"}}}}}}}}"#,
            "00".repeat(32)
        ))
        .st(UN, HWF)
        .l("pcr_policy", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0046",
            "synthetic quote with no CA pinned: not established",
            &a,
            &sg,
        )
        .opt("tpm_ca", Value::Null)
        .st(PV, None)
        .l("hardware_attestation", NE),
    );
    o.add(
        syn(
            "CV-TPM-0047",
            "quote without its signature: not established",
            &a,
            &sg,
        )
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", &a),
            ("cert_chain", &tpm("syn-ak-chain.pem")),
        ]))
        .st(PV, None)
        .l("hardware_attestation", NE),
    );
    o.add(
        syn(
            "CV-TPM-0048",
            "quote without an AK chain: not established",
            &a,
            &sg,
        )
        .evidence_bytes(evidence_json(&[
            ("raw_evidence", &a),
            ("quote_signature", &sg),
        ]))
        .st(PV, None)
        .l("ak_cert_chain", NE)
        .l("hardware_attestation", NE),
    );
    o.add(
        pcrs(
            syn(
                "CV-TPM-0049",
                "expected measurement that is not SHA-256 of PCR0-7: refused",
                &a,
                &sg,
            ),
            "srtm.pcrs.json",
        )
        .opt(
            "launch_measurements",
            strs(&[format!("sha256:{}", "9e".repeat(32))]),
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0050",
            "sha384 expected measurement on tpm2: wrong format",
            &a,
            &sg,
        )
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9e".repeat(48))]),
        )
        .fails("invalid_measurement_format"),
    );
    o.add(
        syn(
            "CV-TPM-0051",
            "the 32-byte qualifying-data form of --nonce: verified",
            &a,
            &sg,
        )
        .evidence_cmd("tpm2", &hex_encode(&(0u8..32).collect::<Vec<u8>>()))
        .ok(),
    );
    let mut w = u16::try_from(a.len()).unwrap_or(0).to_be_bytes().to_vec();
    w.extend_from_slice(&a);
    o.add(
        syn(
            "CV-TPM-0052",
            "synthetic quote in a TPM2B wrapper: verified over the inner structure",
            &w,
            &sg,
        )
        .ok(),
    );
    let mut t = sg.clone();
    t.push(0);
    o.add(
        syn(
            "CV-TPM-0053",
            "TPMT_SIGNATURE with a trailing byte: refused",
            &a,
            &t,
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0054",
            "one flipped bit in the signed pcrDigest",
            &flip(&a, a.len().saturating_sub(1), 1),
            &sg,
        )
        .fails("tpm_quote_signature_failed"),
    );
    o.add(
        syn(
            "CV-TPM-0055",
            "attest with a wrong magic: parse failure, never a panic",
            &flip(&a, 0, 0xff),
            &sg,
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0056",
            "attest truncated to 20 bytes",
            a.get(..20).unwrap_or_default(),
            &sg,
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0057",
            "another nonce: qualifying data mismatch",
            &a,
            &sg,
        )
        .evidence_cmd("tpm2", &"ff".repeat(64))
        .fails("tpm_evidence_check_failed")
        .l("qualifying_data", "failed"),
    );
    o.add(
        syn(
            "CV-TPM-0058",
            "quote checked before the AK certificate's validity",
            &a,
            &sg,
        )
        .opt("now", s("2001-01-01T00:00:00Z"))
        .st(UN, HWF)
        .l("ak_cert_chain", "failed"),
    );
}

/// NV-certify pairs (tpm.md §11) next to the synthetic quote: the envelope
/// is a platform input (`--nv-certify`), the gateway digest and the index
/// policy are the verifier's (`--gateway-digest`, default index 0x01500432).
fn nv_certify(o: &mut Out) {
    let a = conf("srtm.attest");
    let sg = conf("srtm.sig");
    let digest = String::from_utf8(conf("nv.gateway-digest")).unwrap_or_default();
    let digest = digest.trim().to_owned();
    let nv = |id: &str, desc: &str, env: &str| {
        syn(id, desc, &a, &sg)
            .file("nv.json", conf(env))
            .opt("nv_certify", s("nv.json"))
            .opt("gateway_digest", s(&digest))
    };
    let refused = |v: Vb, name: &str| {
        v.st(UN, HWF)
            .l("gateway_measurement", "failed")
            .l("hardware_attestation", "failed")
            .d("nv_certify_failure", name)
            .d("tpm_failure", "tpm_nv_certify_failed")
    };
    o.add(
        nv(
            "CV-TPM-0060",
            "NV-certify pair signed by the AK, bound to the nonce, pre/post extend the expected gateway digest into index 0x01500432: verified",
            "nv.good.json",
        )
        .ok()
        .l("gateway_measurement", VE)
        .div(
            "tpm.md §16.14",
            "not reachable (the reference takes no NV-certify pair with evidence or claims)",
            "the pair is appraised when the relying party supplies the envelope and the expected gateway digest",
        )
        .d(
            "nv_certify_index_name",
            "000bd884eed008e17b8e06485bcf29a5f0e88ca44a4355d711fa2cafb368c3ff3763",
        ),
    );
    o.add(refused(
        nv(
            "CV-TPM-0061",
            "NV-certify pair appraised against another expected gateway digest: gateway_digest_mismatch",
            "nv.good.json",
        )
        .opt("gateway_digest", s(&"5a".repeat(32))),
        "gateway_digest_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0062",
            "post value is not SHA-256(pre ‖ gateway digest) (another value was extended): extend_relation_broken",
            "nv.broken-extend.json",
        ),
        "extend_relation_broken",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0063",
            "pre and post certifies swapped: pre_binding_mismatch",
            "nv.swapped.json",
        ),
        "pre_binding_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0064",
            "post certify carrying the pre-phase qualifying data: post_binding_mismatch",
            "nv.wrong-phase.json",
        ),
        "post_binding_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0065",
            "NV-certify pair made for another nonce: pre_binding_mismatch",
            "nv.other-nonce.json",
        ),
        "pre_binding_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0066",
            "NV index Name of index 0x01500433: nv_index_name_mismatch",
            "nv.other-index.json",
        ),
        "nv_index_name_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0067",
            "NV index Name without TPMA_NV_WRITTEN: nv_index_name_mismatch",
            "nv.unwritten.json",
        ),
        "nv_index_name_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0068",
            "NV certify of offset 4: nv_offset_mismatch",
            "nv.offset.json",
        ),
        "nv_offset_mismatch",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0069",
            "NV-certify pair signed by a key other than the AK leaf: signature_invalid",
            "nv.other-key.json",
        ),
        "signature_invalid",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0070",
            "envelope version 2: unsupported_envelope_version",
            "nv.v2.json",
        ),
        "unsupported_envelope_version",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0071",
            "envelope attest that is not canonical padded base64: malformed_envelope",
            "nv.bad-base64.json",
        ),
        "malformed_envelope",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0072",
            "envelope without post_signature: malformed_envelope",
            "nv.missing-member.json",
        ),
        "malformed_envelope",
    ));
    o.add(refused(
        nv(
            "CV-TPM-0073",
            "post certify with a byte after nvContents: malformed_nv_certify",
            "nv.trailing.json",
        ),
        "malformed_nv_certify",
    ));
    o.add(
        nv(
            "CV-TPM-0074",
            "good NV-certify pair with no TPM CA pinned: the AK chain is not pinned, gateway measurement not established",
            "nv.good.json",
        )
        .opt("tpm_ca", Value::Null)
        .st(PV, None)
        .l("gateway_measurement", NE)
        .l("hardware_attestation", NE),
    );
    o.add(refused(
        syn(
            "CV-TPM-0075",
            "NV-certify envelope without an expected gateway digest: missing_nv_policy",
            &a,
            &sg,
        )
        .file("nv.json", conf("nv.good.json"))
        .opt("nv_certify", s("nv.json")),
        "missing_nv_policy",
    ));
    o.add(
        syn(
            "CV-TPM-0076",
            "expected gateway digest but no NV-certify envelope: gateway measurement not established",
            &a,
            &sg,
        )
        .opt("gateway_digest", s(&digest))
        .st(PV, None)
        .l("gateway_measurement", NE)
        .l("hardware_attestation", NE),
    );
}

fn claims(o: &mut Out) {
    let sec = "README Decisions 8; tpm.md";
    let m = String::from_utf8(conf("srtm.measurement")).unwrap_or_default();
    let nonce = claim_nonce();
    let chain = tpm("syn-ak-chain.pem");
    // The synthetic AK certificate starts 2026-12-03: claims made 2027-01-01.
    let claim = |p: &str, m: &str, n: &[u8], e: &[(&str, &[u8])]| {
        claim_at(p, m, n, e, "2027-01-01T00:00:00+00:00", 1_798_761_600)
    };
    let hw = |id: &str, desc: &str, c: &Value| {
        Vb::new(id, desc, sec, &["hardware", "tpm", "claim"])
            .claim(c)
            .opt("now", s("2027-01-01T00:10:00Z"))
            .file("ca.pem", tpm("syn-root.pem"))
            .opt("tpm_ca", strs(&["ca.pem"]))
            .file("pcrs.json", conf("srtm.pcrs.json"))
            .opt("pcrs", s("pcrs.json"))
    };
    let good = claim(
        "tpm2",
        &m,
        &nonce,
        &[
            ("raw_evidence", &conf("claim.attest")),
            ("quote_signature", &conf("claim.sig")),
            ("cert_chain", &chain),
        ],
    );
    o.add(hw("CV-TPM-0090", "tpm2 claim whose quote carries nonce[0:32], PCRs and launch measurement pinned: hardware verified, audit root never established on TPM", &good)
        .opt("launch_measurements", strs(&[m.as_str()]))
        .st(PV, None).l("hardware_attestation", VE).l("launch_measurement", VE).l("public_key_binding", VE).l("audit_chain_binding", NE)
        .div("README-8", "verified (audit_chain_binding reported verified)", "a TPM quote carries only nonce[0:32]"));
    o.add(
        hw(
            "CV-TPM-0091",
            "tpm2 claim carrying a quote made for another nonce: qualifying data mismatch",
            &claim(
                "tpm2",
                &m,
                &nonce,
                &[
                    ("raw_evidence", &conf("srtm.attest")),
                    ("quote_signature", &conf("srtm.sig")),
                    ("cert_chain", &chain),
                ],
            ),
        )
        .st(UN, HWF)
        .l("qualifying_data", "failed"),
    );
    o.add(
        hw(
            "CV-TPM-0092",
            "tpm2 claim whose measurement is not SHA-256 of the quoted PCR0-7",
            &claim(
                "tpm2",
                &format!("sha256:{}", "9e".repeat(32)),
                &nonce,
                &[
                    ("raw_evidence", &conf("claim.attest")),
                    ("quote_signature", &conf("claim.sig")),
                    ("cert_chain", &chain),
                ],
            ),
        )
        .st(UN, HWF)
        .l("hardware_attestation", "failed"),
    );
    o.add(
        hw(
            "CV-TPM-0093",
            "tpm2 claim with the quote but without its signature: not established",
            &claim(
                "tpm2",
                &m,
                &nonce,
                &[
                    ("raw_evidence", &conf("claim.attest")),
                    ("cert_chain", &chain),
                ],
            ),
        )
        .st(PV, None)
        .l("hardware_attestation", NE),
    );
}
