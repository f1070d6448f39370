//! Report-signature tests against the real fixtures (raw-byte verification, tamper sweep).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod common;
use cmcp_sev_snp::parse::*;
use cmcp_sev_snp::signature::*;
use common::*;

#[test]
fn milan_signature_verifies_over_raw_bytes() {
    let (Some(raw), Some(vcek)) = (milan_report(), milan_vcek()) else {
        return;
    };
    let key = p384_point_in_der(&vcek);
    let r = AttestationReport::parse(&raw).unwrap();
    assert_eq!(verify_report_signature(&r, &key), Ok(()));
}

#[test]
fn tamper_sweep_every_byte_fails() {
    let (Some(raw), Some(vcek)) = (milan_report(), milan_vcek()) else {
        return;
    };
    let key = p384_point_in_der(&vcek);
    for i in 0..raw.len() {
        let mut t = raw.clone();
        t[i] ^= 0x01;
        match AttestationReport::parse(&t) {
            Err(ReportError::Version(_)) => assert_eq!(i, 0), // VERSION 2 -> 3 is still a version; 2^1 = 3
            Err(e) => panic!("unexpected parse error at {i:#x}: {e}"),
            Ok(r) => {
                let res = verify_report_signature(&r, &key);
                assert!(res.is_err(), "byte {i:#x} flip still verifies");
                if (0x2A0 + 48..0x2A0 + 72).contains(&i) || (0x2A0 + 72 + 48..0x4A0).contains(&i) {
                    assert_eq!(res, Err(SignatureError::NonZeroPadding), "at {i:#x}");
                }
                if i == 0x34 {
                    assert_eq!(res, Err(SignatureError::UnsupportedAlgo(0)));
                }
            }
        }
    }
}

#[test]
fn reserved_byte_in_signed_region_fails_signature() {
    // The sev crate re-encodes and would not notice 0x182 (a reserved TCB byte)
    // or 0x1F8.. (reserved on v2): we verify the raw bytes.
    let (Some(raw), Some(vcek)) = (milan_report(), milan_vcek()) else {
        return;
    };
    let key = p384_point_in_der(&vcek);
    for off in [0x04C, 0x182, 0x18B, 0x1EB, 0x1F8, 0x29F] {
        let mut t = raw.clone();
        t[off] = 0x5A;
        let r = AttestationReport::parse(&t).unwrap();
        assert_eq!(
            verify_report_signature(&r, &key),
            Err(SignatureError::Invalid),
            "at {off:#x}"
        );
    }
}

#[test]
fn azure_redacted_signature_fails() {
    // CHIP_ID was zeroed, so the signature cannot verify under any key; use the Milan VCEK.
    let (Some(raw), Some(vcek)) = (azure_report(), milan_vcek()) else {
        return;
    };
    let r = AttestationReport::parse(&raw).unwrap();
    assert_eq!(
        verify_report_signature(&r, &p384_point_in_der(&vcek)),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn bad_key_and_masked() {
    let Some(raw) = milan_report() else { return };
    let r = AttestationReport::parse(&raw).unwrap();
    assert_eq!(
        verify_report_signature(&r, &[0u8; 10]),
        Err(SignatureError::BadKey)
    );
    let mut t = raw.clone();
    t[0x48] = 0x02; // MASK_CHIP_KEY
    let r = AttestationReport::parse(&t).unwrap();
    assert_eq!(
        verify_report_signature(&r, &[0u8; 10]),
        Err(SignatureError::NotSigned(2))
    );
    let mut t = raw;
    t[0x48] = 7 << 2; // SIGNING_KEY none
    let r = AttestationReport::parse(&t).unwrap();
    assert!(matches!(
        verify_report_signature(&r, &[0u8; 10]),
        Err(SignatureError::NotSigned(_))
    ));
}

#[test]
fn high_s_is_accepted_like_the_reference() {
    // s' = n - s is the other valid signature; AMD does not promise low-S and
    // the reference does not normalise, so both verify.
    let (Some(raw), Some(vcek)) = (milan_report(), milan_vcek()) else {
        return;
    };
    let key = p384_point_in_der(&vcek);
    let n = cmcp_json::encoding::hex_decode("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973").unwrap();
    let r = AttestationReport::parse(&raw).unwrap();
    let s = r.signature.s_be();
    let mut out = [0u8; 48];
    let mut borrow = 0i16;
    for i in (0..48).rev() {
        let mut d = i16::from(n[i]) - i16::from(s[i]) - borrow;
        borrow = if d < 0 {
            d += 256;
            1
        } else {
            0
        };
        out[i] = u8::try_from(d).unwrap();
    }
    let mut t = raw.clone();
    for i in 0..48 {
        t[0x2A0 + 0x48 + i] = out[47 - i];
    }
    assert_ne!(t, raw);
    let r2 = AttestationReport::parse(&t).unwrap();
    assert_eq!(verify_report_signature(&r2, &key), Ok(()));
}
