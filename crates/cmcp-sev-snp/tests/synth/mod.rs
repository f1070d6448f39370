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
//! Synthetic reports signed by our own test PKI (tests/data, see gen.sh).

pub fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

pub fn bundle(names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in names {
        out.extend_from_slice(&data(&format!("{n}.pem")));
    }
    out
}

pub const MILAN_TCB: [u8; 8] = [3, 0, 0, 0, 0, 0, 8, 115];
pub const TURIN_TCB: [u8; 8] = [1, 2, 3, 4, 0, 0, 0, 5];
pub const NONCE: [u8; 64] = [0xA5; 64];

pub struct Spec {
    pub version: u32,
    pub policy: u64,
    pub cpuid: Option<(u8, u8)>,
    pub tcb: [u8; 8],
    pub chip: [u8; 64],
    pub key_info: u32,
    pub platform_info: u64,
}

impl Spec {
    pub fn milan() -> Spec {
        Spec {
            version: 3,
            policy: 0x30000,
            cpuid: Some((0x19, 0x01)),
            tcb: MILAN_TCB,
            chip: [0x11; 64],
            key_info: 0,
            platform_info: 0x25,
        }
    }
    pub fn turin() -> Spec {
        let mut chip = [0u8; 64];
        chip[..8].copy_from_slice(&[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
        Spec {
            version: 3,
            policy: 0x30000,
            cpuid: Some((0x1A, 0x02)),
            tcb: TURIN_TCB,
            chip,
            key_info: 0,
            platform_info: 0x1,
        }
    }
    pub fn unsigned(&self) -> Vec<u8> {
        let mut b = vec![0u8; 1184];
        b[0..4].copy_from_slice(&self.version.to_le_bytes());
        b[4..8].copy_from_slice(&7u32.to_le_bytes());
        b[8..16].copy_from_slice(&self.policy.to_le_bytes());
        b[0x10..0x20].copy_from_slice(&[0xF1; 16]);
        b[0x20..0x30].copy_from_slice(&[0x12; 16]);
        b[0x34..0x38].copy_from_slice(&1u32.to_le_bytes());
        for off in [0x38, 0x180, 0x1E0, 0x1F0] {
            b[off..off + 8].copy_from_slice(&self.tcb);
        }
        b[0x40..0x48].copy_from_slice(&self.platform_info.to_le_bytes());
        b[0x48..0x4C].copy_from_slice(&self.key_info.to_le_bytes());
        b[0x50..0x90].copy_from_slice(&NONCE);
        b[0x90..0xC0].copy_from_slice(&[0x3C; 48]);
        b[0xC0..0xE0].copy_from_slice(&[0x44; 32]);
        b[0xE0..0x110].copy_from_slice(&[0x55; 48]);
        b[0x160..0x180].copy_from_slice(&[0xFF; 32]);
        if let Some((f, m)) = self.cpuid {
            b[0x188] = f;
            b[0x189] = m;
            b[0x18A] = 1;
        }
        b[0x1A0..0x1E0].copy_from_slice(&self.chip);
        b[0x1E8..0x1EB].copy_from_slice(&[29, 55, 1]);
        b[0x1EC..0x1EF].copy_from_slice(&[29, 55, 1]);
        b
    }
    pub fn signed(&self, scalar: &str) -> Vec<u8> {
        let mut b = self.unsigned();
        sign(&mut b, scalar);
        b
    }
}

pub fn sign(b: &mut [u8], scalar: &str) {
    use p384::ecdsa::signature::Signer as _;
    let hex = String::from_utf8(data(&format!("{scalar}.scalar.hex"))).unwrap();
    let bytes = cmcp_json::encoding::hex_decode(hex.trim()).unwrap();
    let arr: [u8; 48] = bytes.try_into().unwrap();
    let key = p384::ecdsa::SigningKey::from_bytes(&arr.into()).unwrap();
    let sig: p384::ecdsa::Signature = key.sign(&b[..0x2A0]);
    let (r, s) = sig.split_bytes();
    b[0x2A0..0x4A0].fill(0);
    for i in 0..48 {
        b[0x2A0 + i] = r[47 - i];
        b[0x2A0 + 0x48 + i] = s[47 - i];
    }
}

pub fn at() -> cmcp_policy::Timestamp {
    cmcp_policy::Timestamp::parse_rfc3339("2027-06-01T00:00:00Z").unwrap()
}

pub struct Out {
    pub ledger: cmcp_policy::Ledger,
}

impl Out {
    pub fn hw(&self) -> cmcp_policy::Outcome {
        let hw: Vec<_> = self
            .ledger
            .entries()
            .iter()
            .filter(|e| e.field == "hardware_attestation")
            .collect();
        assert_eq!(hw.len(), 1, "{:?}", self.ledger.entries());
        hw[0].outcome
    }
    pub fn failure(&self) -> Option<&str> {
        self.ledger
            .details()
            .get("sev_snp_failure")
            .map(String::as_str)
    }
    pub fn detail(&self, k: &str) -> String {
        self.ledger.details().get(k).cloned().unwrap_or_default()
    }
}

pub fn run(v: &cmcp_sev_snp::SnpVerifier, report: &[u8], chain: &[u8], ark: &str) -> Out {
    use cmcp_policy::PlatformVerifier;
    let trust = cmcp_policy::TrustInputs {
        amd_ark: vec![data(&format!("{ark}.pem"))],
        ..Default::default()
    };
    let ctx = cmcp_policy::VerifyContext {
        now: at(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = cmcp_policy::EvidenceInput {
        platform: "amd-sev-snp",
        claimed_measurement: None,
        nonce: Some(&NONCE),
        raw_evidence: Some(report),
        cert_chain: Some(chain),
        ..Default::default()
    };
    let mut ledger = cmcp_policy::Ledger::new();
    v.verify(&input, &ctx, &mut ledger);
    Out { ledger }
}
