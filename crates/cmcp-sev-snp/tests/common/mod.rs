#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
use std::path::PathBuf;

pub fn fixtures() -> Option<PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        None
    }
}

pub fn read(rel: &str) -> Option<Vec<u8>> {
    let p = fixtures()?.join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipped: fixture absent ({})", p.display());
            None
        }
    }
}

pub fn milan_report() -> Option<Vec<u8>> {
    let hex = read("hardware/sev-crate-milan-turin/report_milan.hex")?;
    let s = String::from_utf8(hex).unwrap();
    Some(cmcp_json::encoding::hex_decode(s.trim()).unwrap())
}

pub fn azure_report() -> Option<Vec<u8>> {
    read("hardware/azure-snp-redacted/azure_snp_report_redacted.bin")
}

pub fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

/// Test-only: the SEC1 point of a P-384 SPKI inside a certificate DER
/// (located by the secp384r1 OID followed by the BIT STRING header).
pub fn p384_point_in_der(der: &[u8]) -> Vec<u8> {
    let pat = [
        0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00, 0x04,
    ];
    let i = der.windows(pat.len()).position(|w| w == pat).unwrap();
    der[i + pat.len() - 1..i + pat.len() - 1 + 97].to_vec()
}

pub fn milan_vcek() -> Option<Vec<u8>> {
    read("hardware/sev-crate-milan-turin/vcek_milan.der")
}

pub const MILAN_MEASUREMENT_CLAIM: &str = "sha384:39cfe4be88a5674793b3cdeb447c30451459b2b72890e9b7d07e95bddf65050d376bedecc90ecae9d466af2b7edbba26";

pub fn now() -> cmcp_policy::Timestamp {
    cmcp_policy::Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap()
}

pub fn der_to_pem(der: &[u8]) -> Vec<u8> {
    let b64 = cmcp_json::encoding::b64_encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s.into_bytes()
}

/// (report, bundle = VCEK PEM + cert_chain_milan, milan ARK PEM)
pub fn milan_set() -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let report = milan_report()?;
    let vcek = milan_vcek()?;
    let chain = read("hardware/sev-crate-milan-turin/cert_chain_milan")?;
    let ark = read("hardware/sev-crate-milan-turin/milan_ark.pem")?;
    let mut bundle = der_to_pem(&vcek);
    bundle.extend_from_slice(&chain);
    Some((report, bundle, ark))
}

pub struct Run {
    pub ledger: cmcp_policy::Ledger,
}

impl Run {
    pub fn hw(&self) -> cmcp_policy::Outcome {
        let hw: Vec<_> = self
            .ledger
            .entries()
            .iter()
            .filter(|e| e.field == "hardware_attestation")
            .collect();
        assert_eq!(
            hw.len(),
            1,
            "exactly one hardware_attestation entry: {:?}",
            self.ledger.entries()
        );
        hw[0].outcome
    }
    pub fn failure(&self) -> Option<&str> {
        self.ledger
            .details()
            .get("sev_snp_failure")
            .map(String::as_str)
    }
    pub fn detail(&self, k: &str) -> Option<&str> {
        self.ledger.details().get(k).map(String::as_str)
    }
}

pub fn run_native(
    v: &cmcp_sev_snp::SnpVerifier,
    report: &[u8],
    bundle: Option<&[u8]>,
    nonce: Option<&[u8]>,
    measurement: Option<&str>,
    trust: &cmcp_policy::TrustInputs,
) -> Run {
    use cmcp_policy::PlatformVerifier;
    let ctx = cmcp_policy::VerifyContext {
        now: now(),
        future_skew_seconds: 300,
        trust,
    };
    let input = cmcp_policy::EvidenceInput {
        platform: "amd-sev-snp",
        claimed_measurement: measurement,
        nonce,
        raw_evidence: Some(report),
        cert_chain: bundle,
        ..Default::default()
    };
    let mut ledger = cmcp_policy::Ledger::new();
    v.verify(&input, &ctx, &mut ledger);
    Run { ledger }
}

pub fn trust_ark(ark: &[u8]) -> cmcp_policy::TrustInputs {
    cmcp_policy::TrustInputs {
        amd_ark: vec![ark.to_vec()],
        ..Default::default()
    }
}
