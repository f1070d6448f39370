#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Every fixture, truncated at every 64th byte and with random bytes
//! flipped, goes through the CLI: the exit status is always 1, 2 or 3 —
//! never a crash, never `verified`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        None
    }
}

/// xorshift64*: deterministic flips.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn exit_of(args: &[&str]) -> i32 {
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 1..=3),
        "exit {code} for {args:?}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    code
}

fn mutants(bytes: &[u8], seed: u64) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..bytes.len())
        .step_by(64)
        .map(|n| bytes[..n].to_vec())
        .collect();
    let mut rng = Rng(seed | 1);
    for _ in 0..16 {
        let mut m = bytes.to_vec();
        for _ in 0..(1 + rng.next() % 4) {
            let i = (rng.next() % bytes.len() as u64) as usize;
            m[i] ^= 1 << (rng.next() % 8);
        }
        out.push(m);
    }
    out
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cmcp-robust-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn each_mutant(src: &Path, seed: u64, mut f: impl FnMut(&Path)) -> usize {
    let bytes = std::fs::read(src).unwrap();
    let ms = mutants(&bytes, seed);
    let p = scratch(&format!("m-{seed}"));
    for m in &ms {
        std::fs::write(&p, m).unwrap();
        f(&p);
    }
    ms.len()
}

#[test]
fn reference_claims_and_bundles_never_crash() {
    let Some(root) = fixtures() else { return };
    let mut runs = 0;
    for (n, name) in ["ref-3", "ref-100", "ref-odd-50"].into_iter().enumerate() {
        let dir = root.join("reference-gateway").join(name);
        let claim = dir.join("claim.json");
        let bundle = dir.join("bundle.json");
        let common = [
            "--policy-hash",
            &"ab".repeat(32),
            "--catalog-hash",
            &"cd".repeat(32),
            "--now",
            "2026-12-01T00:00:00Z",
            "--format",
            "json",
        ]
        .map(str::to_owned);
        runs += each_mutant(&claim, 11 + n as u64, |p| {
            let mut a = vec![
                "claim",
                p.to_str().unwrap(),
                "--bundle",
                bundle.to_str().unwrap(),
            ];
            a.extend(common.iter().map(String::as_str));
            exit_of(&a);
        });
        runs += each_mutant(&bundle, 101 + n as u64, |p| {
            let mut a = vec![
                "claim",
                claim.to_str().unwrap(),
                "--bundle",
                p.to_str().unwrap(),
            ];
            a.extend(common.iter().map(String::as_str));
            // A changed bundle is never verified, and a changed byte inside the
            // signed region is always caught.
            exit_of(&a);
            exit_of(&[
                "bundle",
                p.to_str().unwrap(),
                "--claim",
                claim.to_str().unwrap(),
            ]);
        });
    }
    eprintln!("{runs} mutated reference inputs checked");
    assert!(runs > 2000);
}

#[test]
fn hardware_fixtures_through_evidence_never_crash() {
    let Some(root) = fixtures() else { return };
    let nonce = "00".repeat(64);
    let cases = [
        (
            "amd-sev-snp",
            "hardware/azure-snp-redacted/azure_snp_report_redacted.bin",
        ),
        (
            "azure-cvm-sev-snp",
            "hardware/azure-snp-redacted/azure_hcl_report_redacted.bin",
        ),
        ("intel-tdx", "hardware/gcp-tdx-2026-07-21/tdx_quote.bin"),
        ("intel-tdx", "hardware/dcap-qvl-samples/tdx_quote"),
        (
            "tpm2",
            "hardware/ms-tpm-20-ref-v183/rsassa-sha256-attest.bin",
        ),
        (
            "tpm2",
            "hardware/ms-tpm-20-ref-v183/ecdsa-sha384-attest.bin",
        ),
    ];
    let mut runs = 0;
    for (n, (platform, file)) in cases.iter().enumerate() {
        let src = root.join(file);
        if !src.is_file() {
            continue;
        }
        runs += each_mutant(&src, 1000 + n as u64, |p| {
            exit_of(&[
                "evidence",
                "--platform",
                platform,
                "--evidence",
                p.to_str().unwrap(),
                "--nonce",
                &nonce,
                "--now",
                "2026-08-01T00:00:00Z",
            ]);
        });
    }
    assert!(runs > 100, "{runs}");
}
