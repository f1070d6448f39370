//! One real Milan report + VCEK/ASK/ARK chain through `SnpVerifier`, against
//! the bare cryptography it contains (three RSA-4096 PSS verifies — ARK self,
//! ARK→ASK, ASK→VCEK — and one P-384 ECDSA verify). Skips when the fixture
//! folder is absent.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_sev_snp::SnpVerifier;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware/sev-crate-milan-turin");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent");
        return;
    }
    let rd = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let report =
        cmcp_json::encoding::hex_decode(String::from_utf8(rd("report_milan.hex")).unwrap().trim())
            .unwrap();
    let vcek_der = rd("vcek_milan.der");
    let b64 = cmcp_json::encoding::b64_encode(&vcek_der);
    let mut bundle =
        format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n").into_bytes();
    bundle.extend_from_slice(&rd("cert_chain_milan"));
    let trust = TrustInputs {
        amd_ark: vec![rd("milan_ark.pem")],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let nonce = report[0x50..0x90].to_vec();
    let v = SnpVerifier::default();
    let input = EvidenceInput {
        platform: "amd-sev-snp",
        nonce: Some(&nonce),
        raw_evidence: Some(&report),
        cert_chain: Some(&bundle),
        ..Default::default()
    };

    c.bench_function("snp_verify_report_and_chain", |b| {
        b.iter(|| {
            let mut l = Ledger::new();
            v.verify(black_box(&input), &ctx, &mut l);
            assert_eq!(
                l.outcome_of("hardware_attestation"),
                Some(Outcome::Verified)
            );
        })
    });

    let certs = cmcp_x509::parse_certs(&bundle).unwrap();
    let (vcek, ask, ark) = (&certs[0], &certs[1], &certs[2]);
    let ark_key = ark.public_key().unwrap();
    let ask_key = ask.public_key().unwrap();
    let vcek_key = vcek.public_key().unwrap();
    let parsed = cmcp_sev_snp::parse::AttestationReport::parse(&report).unwrap();
    let (r, s) = (parsed.signature.r_be(), parsed.signature.s_be());
    c.bench_function("bare_3x_rsa4096_pss_plus_p384", |b| {
        b.iter(|| {
            for (child, key) in [(ark, &ark_key), (ask, &ark_key), (vcek, &ask_key)] {
                key.verify(
                    child.signature_algorithm().unwrap(),
                    child.tbs_der(),
                    child.signature_bytes().unwrap(),
                )
                .unwrap();
            }
            vcek_key
                .verify_ecdsa_p384_sha384_rs(&r, &s, black_box(&report[..0x2A0]))
                .unwrap();
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
