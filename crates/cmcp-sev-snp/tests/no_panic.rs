//! Deterministic garbage and mutations through both platforms: every input
//! gives exactly one `hardware_attestation` entry and never panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod synth;
use cmcp_policy::{EvidenceInput, Ledger, PlatformVerifier, TrustInputs, VerifyContext};
use cmcp_sev_snp::SnpVerifier;
use synth::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn one(platform: &str, raw: &[u8], chain: Option<&[u8]>, trust: &TrustInputs) {
    let ctx = VerifyContext {
        now: at(),
        future_skew_seconds: 300,
        trust,
    };
    let input = EvidenceInput {
        platform,
        nonce: Some(&NONCE),
        raw_evidence: Some(raw),
        cert_chain: chain,
        ..Default::default()
    };
    let mut l = Ledger::new();
    SnpVerifier::default().verify(&input, &ctx, &mut l);
    assert_eq!(
        l.entries()
            .iter()
            .filter(|e| e.field == "hardware_attestation")
            .count(),
        1
    );
}

#[test]
fn garbage_never_panics() {
    let trust = TrustInputs {
        amd_ark: vec![data("ark.pem")],
        builtin_roots: true,
        ..Default::default()
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let good_report = Spec::milan().signed("vcek");
    let good_chain = bundle(&["vcek", "ask", "ark"]);
    for i in 0..400 {
        let n = (rng.next() % 1400) as usize;
        let raw = if i % 2 == 0 {
            rng.bytes(n)
        } else {
            let mut r = good_report.clone();
            let k = (rng.next() % 1184) as usize;
            r[k] = rng.next() as u8;
            r
        };
        let mut chain = good_chain.clone();
        let cut = (rng.next() as usize) % chain.len();
        if i % 3 == 0 {
            chain.truncate(cut);
        } else if i % 3 == 1 {
            chain[cut] = rng.next() as u8;
        }
        one("amd-sev-snp", &raw, Some(&chain), &trust);
        one("azure-cvm-sev-snp", &raw, None, &trust);
    }
    // JSON-shaped garbage for the Azure envelope.
    for s in [&b"{"[..], b"{\"snp_report\":\"AAAA\",\"runtime_data\":\"AAAA\",\"quote_msg\":\"AAAA\",\"quote_sig\":\"AAAA\",\"ak_pub_pem\":\"\"}", b"\"x\"", b"{\"v\":1e400}"] {
        one("azure-cvm-sev-snp", s, None, &trust);
    }
}
