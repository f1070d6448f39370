//! `azure-cvm-sev-snp`: the redacted Azure fixture (parse, HCL split,
//! runtime_data binding, failing signature) and synthetic envelopes signed by
//! our own test AK and VCEK reaching every Azure failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::type_complexity,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod common;
mod synth;
use cmcp_json::encoding::b64_encode;
use cmcp_policy::{Outcome, PlatformVerifier};
use cmcp_sev_snp::SnpVerifier;
use cmcp_sev_snp::azure::*;
use sha2::Digest as _;
use synth::*;

const NONCE2: [u8; 64] = [0x5A; 64];

fn runtime_data() -> Vec<u8> {
    let n = String::from_utf8(data("ak.n.b64u")).unwrap();
    format!(
        r#"{{"keys":[{{"kid":"HCLAkPub","key_ops":["sign"],"kty":"RSA","e":"AQAB","n":"{n}"}}],"vm-configuration":{{"console-enabled":false,"secure-boot":true,"tpm-enabled":true,"vmUniqueId":"00000000-0000-0000-0000-000000000000"}},"user-data":"{}"}}"#,
        "0".repeat(128)
    )
    .into_bytes()
}

fn quote_msg(extra: &[u8]) -> Vec<u8> {
    let mut q = vec![0xFF, 0x54, 0x43, 0x47, 0x80, 0x18];
    q.extend_from_slice(&[0, 34, 0, 0x0B]);
    q.extend_from_slice(&[0x2C; 32]);
    q.extend_from_slice(&(extra.len() as u16).to_be_bytes());
    q.extend_from_slice(extra);
    q.extend_from_slice(&[0; 17]); // clock info
    q.extend_from_slice(&[0; 8]); // firmware version
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0x0B, 3, 0, 0, 1]); // sha256 {16}
    q.extend_from_slice(&[0, 32]);
    q.extend_from_slice(&[0x66; 32]);
    q
}

fn ak_key() -> rsa::PrivateKey {
    use rsa::pkcs8::DecodePrivateKey;
    rsa::PrivateKey::from_pkcs8_pem(std::str::from_utf8(&data("ak.pkcs8.pem")).unwrap()).unwrap()
}

fn sign_quote(msg: &[u8], pss: bool) -> Vec<u8> {
    use rsa::signature::{SignatureEncoding, Signer};
    let sig = if pss {
        rsa::pss::SigningKey::<sha2::Sha256>::new(ak_key())
            .sign(msg)
            .to_vec()
    } else {
        rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(ak_key())
            .sign(msg)
            .to_vec()
    };
    let mut out = vec![0, if pss { 0x16 } else { 0x14 }, 0, 0x0B];
    out.extend_from_slice(&(sig.len() as u16).to_be_bytes());
    out.extend_from_slice(&sig);
    out
}

struct Parts {
    report: Vec<u8>,
    runtime_data: Vec<u8>,
    quote_msg: Vec<u8>,
    quote_sig: Vec<u8>,
    ak: String,
    chain: Vec<u8>,
}

fn parts() -> Parts {
    let rd = runtime_data();
    let mut s = Spec::milan();
    let _ = &mut s;
    let mut report = s.unsigned();
    report[0x50..0x70].copy_from_slice(&sha2::Sha256::digest(&rd));
    report[0x70..0x90].fill(0);
    sign(&mut report, "vcek");
    let q = quote_msg(&sha2::Sha256::digest(NONCE2));
    Parts {
        quote_sig: sign_quote(&q, false),
        report,
        runtime_data: rd,
        quote_msg: q,
        ak: String::from_utf8(data("ak.spki.pem")).unwrap(),
        chain: bundle(&["vcek", "ask", "ark"]),
    }
}

fn envelope(p: &Parts) -> Vec<u8> {
    let s = |b: &[u8]| cmcp_json::Value::String(b64_encode(b));
    let mut o = cmcp_json::Object::new();
    o.insert("v", cmcp_json::Value::from(1i64));
    o.insert("snp_report", s(&p.report));
    o.insert("runtime_data", s(&p.runtime_data));
    o.insert("quote_msg", s(&p.quote_msg));
    o.insert("quote_sig", s(&p.quote_sig));
    o.insert("ak_pub_pem", cmcp_json::Value::String(p.ak.clone()));
    o.insert("vcek_chain_pem", s(&p.chain));
    cmcp_json::canonical::pyjson_vec(&cmcp_json::Value::Object(o))
}

fn run_az(env: &[u8], nonce: &[u8], ark: Option<&str>) -> Out {
    let trust = cmcp_policy::TrustInputs {
        amd_ark: ark
            .map(|a| vec![data(&format!("{a}.pem"))])
            .unwrap_or_default(),
        ..Default::default()
    };
    let ctx = cmcp_policy::VerifyContext {
        now: at(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = cmcp_policy::EvidenceInput {
        platform: "azure-cvm-sev-snp",
        nonce: Some(nonce),
        raw_evidence: Some(env),
        ..Default::default()
    };
    let mut ledger = cmcp_policy::Ledger::new();
    SnpVerifier::default().verify(&input, &ctx, &mut ledger);
    Out { ledger }
}

fn az_failure(o: &Out) -> Option<String> {
    o.ledger.details().get("azure_cvm_failure").cloned()
}

#[test]
fn synthetic_envelope_verifies() {
    let p = parts();
    let o = run_az(&envelope(&p), &NONCE2, Some("ark"));
    assert_eq!(o.hw(), Outcome::Verified, "{:?}", o.ledger);
    assert_eq!(
        o.ledger.verified_fields(),
        vec![
            "runtime_data_binding",
            "ak_binding",
            "quote_nonce_binding",
            "vcek_cert_chain",
            "report_signature",
            "platform_state",
            "hardware_attestation"
        ]
    );
    assert_eq!(o.detail("platform_info"), "0x25");
    // PSS quote and PKCS#1 AK PEM also verify.
    let mut p = parts();
    p.quote_sig = sign_quote(&p.quote_msg, true);
    p.ak = String::from_utf8(data("ak.pkcs1.pem")).unwrap();
    assert_eq!(
        run_az(&envelope(&p), &NONCE2, Some("ark")).hw(),
        Outcome::Verified
    );
}

#[test]
fn no_ark_or_no_chain_is_not_established() {
    let p = parts();
    let o = run_az(&envelope(&p), &NONCE2, None);
    assert_eq!(o.hw(), Outcome::NotEstablished);
    assert_eq!(
        o.detail("vcek_chain"),
        "cert chain and/or pinned ARK not supplied"
    );
    let mut p = parts();
    p.chain.clear();
    let o = run_az(&envelope(&p), &NONCE2, Some("ark"));
    assert_eq!(o.hw(), Outcome::NotEstablished);
    assert!(!o.ledger.has_failure());
}

#[test]
fn every_azure_failure() {
    let base = parts();
    let cases: Vec<(&str, Box<dyn Fn(&mut Parts)>)> = vec![
        (
            "runtime_data_binding_mismatch",
            Box::new(|p| p.runtime_data.push(b' ')),
        ),
        (
            "ak_mismatch",
            Box::new(|p| {
                p.ak = String::from_utf8(common::der_to_pem(&[0u8; 0])).unwrap_or_default()
            }),
        ),
        (
            "quote_signature_invalid",
            Box::new(|p| {
                let n = p.quote_sig.len();
                p.quote_sig[n - 1] ^= 1;
            }),
        ),
        (
            "quote_signature_invalid",
            Box::new(|p| p.quote_sig.truncate(5)),
        ),
        (
            "quote_signature_invalid",
            Box::new(|p| p.quote_sig[3] = 0x04),
        ), // SHA-1 refused
        (
            "quote_signature_invalid",
            Box::new(|p| p.quote_sig[1] = 0x18),
        ), // ECDSA sigAlg
        (
            "quote_nonce_mismatch",
            Box::new(|p| {
                p.quote_msg = quote_msg(&[0u8; 32]);
                p.quote_sig = sign_quote(&p.quote_msg, false);
            }),
        ),
        (
            "quote_parse_error",
            Box::new(|p| {
                p.quote_msg[5] = 0x17; // not a quote
                p.quote_sig = sign_quote(&p.quote_msg, false);
            }),
        ),
        (
            "report_signature_invalid",
            Box::new(|p| p.report[0x1F8] ^= 1),
        ),
        (
            "vcek_chain_invalid",
            Box::new(|p| p.chain = bundle(&["vcek", "ask_p1", "ark_p1"])),
        ),
        (
            "cert_chain_malformed",
            Box::new(|p| p.chain = b"nope".to_vec()),
        ),
        (
            "raw_evidence_parse_error",
            Box::new(|p| p.report.truncate(0x8F)),
        ),
    ];
    for (want, f) in cases {
        let mut p = Parts {
            report: base.report.clone(),
            runtime_data: base.runtime_data.clone(),
            quote_msg: base.quote_msg.clone(),
            quote_sig: base.quote_sig.clone(),
            ak: base.ak.clone(),
            chain: base.chain.clone(),
        };
        f(&mut p);
        let o = run_az(&envelope(&p), &NONCE2, Some("ark"));
        assert_eq!(o.hw(), Outcome::Failed, "{want}");
        let got = az_failure(&o);
        // An emptied AK PEM is a parse error rather than a mismatch.
        if want == "ak_mismatch" {
            assert_eq!(got.as_deref(), Some("ak_parse_error"));
        } else {
            assert_eq!(got.as_deref(), Some(want), "{:?}", o.ledger);
        }
    }
    // Wrong nonce.
    let o = run_az(&envelope(&base), &[0u8; 64], Some("ark"));
    assert_eq!(az_failure(&o).as_deref(), Some("quote_nonce_mismatch"));
    // A different RSA key in the PEM: ak_mismatch.
    let mut p = Parts {
        report: base.report.clone(),
        runtime_data: base.runtime_data.clone(),
        quote_msg: base.quote_msg.clone(),
        quote_sig: base.quote_sig.clone(),
        ak: base.ak.clone(),
        chain: base.chain.clone(),
    };
    let other = cmcp_x509::parse_certs(&data("ark.pem")).unwrap()[0]
        .spki_der()
        .unwrap();
    p.ak = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64_encode(&other)
    );
    assert_eq!(
        az_failure(&run_az(&envelope(&p), &NONCE2, Some("ark"))).as_deref(),
        Some("ak_mismatch")
    );
    // A non-RSA AK.
    let ec = cmcp_x509::parse_certs(&data("vcek.pem")).unwrap()[0]
        .spki_der()
        .unwrap();
    p.ak = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64_encode(&ec)
    );
    assert_eq!(
        az_failure(&run_az(&envelope(&p), &NONCE2, Some("ark"))).as_deref(),
        Some("ak_parse_error")
    );
    // runtime_data without HCLAkPub (and a matching REPORT_DATA).
    let mut p = parts();
    p.runtime_data = br#"{"keys":[]}"#.to_vec();
    p.report[0x50..0x70].copy_from_slice(&sha2::Sha256::digest(&p.runtime_data));
    sign(&mut p.report, "vcek");
    assert_eq!(
        az_failure(&run_az(&envelope(&p), &NONCE2, Some("ark"))).as_deref(),
        Some("ak_parse_error")
    );
}

#[test]
fn malformed_envelopes() {
    for env in [
        &b"not json"[..],
        b"[]",
        b"{}",
        br#"{"snp_report":"!!"}"#,
        br#"{"v":2,"snp_report":""}"#,
    ] {
        let o = run_az(env, &NONCE2, Some("ark"));
        assert_eq!(
            az_failure(&o).as_deref(),
            Some("evidence_parse_error"),
            "{}",
            String::from_utf8_lossy(env)
        );
    }
    let mut e = envelope(&parts());
    e.pop();
    e.extend_from_slice(br#","extra":1}"#);
    assert_eq!(
        az_failure(&run_az(&e, &NONCE2, Some("ark"))).as_deref(),
        Some("evidence_parse_error")
    );
    // No envelope at all: not established, and nothing reported as failed.
    let o = run_az(&[], &NONCE2, Some("ark"));
    assert_eq!(az_failure(&o), None);
    assert_eq!(o.hw(), Outcome::NotEstablished);
    assert!(!o.ledger.has_failure());
}

#[test]
fn redacted_azure_fixture() {
    let (Some(hcl), Some(report)) = (
        common::read("hardware/azure-snp-redacted/azure_hcl_report_redacted.bin"),
        common::azure_report(),
    ) else {
        return;
    };
    assert_eq!(hcl.len(), 2600);
    let h = split_hcl_report(&hcl).unwrap();
    assert_eq!(h.snp_report, report);
    assert_eq!(h.hash_type, 1);
    assert_eq!(h.runtime_data.len(), 1110);
    // Brace extraction gives the same bytes.
    let tail = &hcl[0x4C0..];
    let a = tail.iter().position(|b| *b == b'{').unwrap();
    let z = tail.iter().rposition(|b| *b == b'}').unwrap();
    assert_eq!(&tail[a..=z], &h.runtime_data[..]);
    let digest = sha2::Sha256::digest(&h.runtime_data);
    assert_eq!(
        common::hex(&digest),
        "36f3584f6f53b62cf5df248476b945084b8ef5fccb2369c15e31155941ef680b"
    );
    assert_eq!(&report[0x50..0x70], &digest[..]);
    assert!(
        String::from_utf8_lossy(&h.runtime_data).contains("A7B8EFA5-04B2-48CC-B109-E4D03D59A23B")
    );
    let (n, e) = hcl_ak_pub(&h.runtime_data).unwrap();
    assert_eq!((n.len(), e.clone()), (256, vec![1, 0, 1]));
    // An envelope from these parts: runtime_data binding and AK binding pass,
    // the (absent) quote signature fails.
    let ak_spki = {
        let key = cmcp_x509::PublicKey::from_rsa_components(&n, &e).unwrap();
        let _ = key;
        // Build SPKI DER for RSA by hand: SEQ { SEQ { rsaEncryption, NULL }, BITSTRING { SEQ { n, e } } }
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            let l = body.len();
            if l < 128 {
                out.push(l as u8)
            } else if l < 256 {
                out.extend_from_slice(&[0x81, l as u8])
            } else {
                out.extend_from_slice(&[0x82, (l >> 8) as u8, l as u8])
            }
            out.extend_from_slice(body);
            out
        }
        let mut nn = vec![0u8];
        nn.extend_from_slice(&n);
        let rsapub = tlv(0x30, &[tlv(0x02, &nn), tlv(0x02, &e)].concat());
        let mut bits = vec![0u8];
        bits.extend_from_slice(&rsapub);
        let alg = tlv(
            0x30,
            &[
                vec![
                    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
                ],
                vec![0x05, 0x00],
            ]
            .concat(),
        );
        tlv(0x30, &[alg, tlv(0x03, &bits)].concat())
    };
    let p = Parts {
        report: report.clone(),
        runtime_data: h.runtime_data.clone(),
        quote_msg: quote_msg(&sha2::Sha256::digest(NONCE2)),
        quote_sig: vec![0, 0x14, 0, 0x0B, 0, 1, 0],
        ak: format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            b64_encode(&ak_spki)
        ),
        chain: Vec::new(),
    };
    let o = run_az(&envelope(&p), &NONCE2, Some("ark"));
    assert_eq!(
        o.ledger.outcome_of("runtime_data_binding"),
        Some(Outcome::Verified),
        "{:?}",
        o.ledger
    );
    assert_eq!(o.ledger.outcome_of("ak_binding"), Some(Outcome::Verified));
    assert_eq!(az_failure(&o).as_deref(), Some("quote_signature_invalid"));
    // Appending a byte to runtime_data breaks the binding.
    let mut p2 = p;
    p2.runtime_data.push(b'\n');
    assert_eq!(
        az_failure(&run_az(&envelope(&p2), &NONCE2, Some("ark"))).as_deref(),
        Some("runtime_data_binding_mismatch")
    );
    // Bad magic / short blob.
    let mut bad = hcl.clone();
    bad[0] = b'X';
    assert!(split_hcl_report(&bad).is_err());
    for n in [0, 4, 0x20, 0x4C0, 0x4D3, 0x4D4 + 1109] {
        assert!(split_hcl_report(&hcl[..n]).is_err(), "{n}");
    }
}
