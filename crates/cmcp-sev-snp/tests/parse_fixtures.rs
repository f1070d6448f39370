//! Parse-layer tests against the real fixtures.
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
use common::*;

#[test]
fn milan_v2_fields() {
    let Some(raw) = milan_report() else { return };
    assert_eq!(raw.len(), 1184);
    let r = AttestationReport::parse(&raw).unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.guest_svn, 0);
    assert_eq!(r.policy.0, 0x30000);
    assert!(!r.policy.debug_allowed());
    assert!(r.policy.smt_allowed());
    assert!(r.policy.reserved_bit17());
    assert!(!r.policy.migrate_ma_allowed());
    assert_eq!((r.policy.abi_major(), r.policy.abi_minor()), (0, 0));
    assert_eq!(r.vmpl, 0);
    assert_eq!(r.signature_algo, 1);
    assert_eq!(r.platform_info.0, 0x1);
    assert!(r.platform_info.smt_enabled());
    assert!(!r.platform_info.tsme_enabled());
    assert_eq!(r.key_info.0, 0);
    assert_eq!(r.key_info.signing_key(), SigningKey::Vcek);
    for t in [r.current_tcb, r.reported_tcb, r.committed_tcb, r.launch_tcb] {
        assert_eq!(t.to_string(), "0300000000000873");
        let d = t.decode(TcbLayout::MilanGenoa);
        assert_eq!(
            (d.bootloader, d.tee, d.snp, d.microcode, d.fmc),
            (3, 0, 8, 115, None)
        );
    }
    assert_eq!(r.current.to_string(), "1.52.4");
    assert_eq!(r.committed.to_string(), "1.52.4");
    assert_eq!(
        hex(&r.report_data),
        "d447b55d197491bfe15cf298f9de9986b7a7c4be2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8dae7b79fecb3d1cd82bd6a93ebfd"
    );
    assert_eq!(
        hex(&r.measurement),
        "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f"
    );
    assert_eq!(
        r.claimed_measurement_form(),
        "sha384:39cfe4be88a5674793b3cdeb447c30451459b2b72890e9b7d07e95bddf65050d376bedecc90ecae9d466af2b7edbba26"
    );
    assert_eq!(
        hex(&r.chip_id),
        "d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6"
    );
    assert_eq!(r.cpuid_fam_id, None);
    assert_eq!(r.generation_from_cpuid(), None);
    assert_eq!(r.tcb_layout_heuristic(), TcbLayout::MilanGenoa);
    assert_eq!(r.launch_mit_vector, None);
    assert!(r.signature.padding_is_zero());
    assert_eq!(r.signed_bytes().len(), 0x2A0);
    assert_eq!(&r.raw()[..], &raw[..]);
}

#[test]
fn azure_redacted_v3_fields() {
    let Some(raw) = azure_report() else { return };
    let r = AttestationReport::parse(&raw).unwrap();
    assert_eq!(r.version, 3);
    assert_eq!(r.guest_svn, 12);
    assert_eq!(r.policy.0, 0x3001F);
    assert_eq!((r.policy.abi_major(), r.policy.abi_minor()), (0, 31));
    assert!(r.policy.smt_allowed() && !r.policy.debug_allowed() && !r.policy.migrate_ma_allowed());
    assert_eq!(r.vmpl, 0);
    assert_eq!(r.signature_algo, 1);
    assert_eq!(r.platform_info.0, 0x25);
    assert!(
        r.platform_info.smt_enabled()
            && r.platform_info.ecc_enabled()
            && r.platform_info.alias_check_complete()
    );
    assert!(!r.platform_info.tsme_enabled());
    assert_eq!(r.platform_info.unrecognized_bits(), 0);
    assert_eq!(
        (r.cpuid_fam_id, r.cpuid_mod_id, r.cpuid_step),
        (Some(0x19), Some(0x01), Some(0x01))
    );
    assert_eq!(r.generation_from_cpuid(), Some(Generation::Milan));
    for t in [r.current_tcb, r.reported_tcb, r.committed_tcb, r.launch_tcb] {
        assert_eq!(t.to_string(), "04000000000018db");
        let d = t.decode(TcbLayout::MilanGenoa);
        assert_eq!((d.bootloader, d.tee, d.snp, d.microcode), (4, 0, 24, 219));
    }
    assert_eq!(r.current.to_string(), "1.55.29");
    assert_eq!(hex(&r.family_id), "02212000000000000000000000000000");
    assert_eq!(hex(&r.image_id), "02000000000000000000000000000000");
    assert_eq!(
        hex(&r.report_data),
        format!(
            "36f3584f6f53b62cf5df248476b945084b8ef5fccb2369c15e31155941ef680b{}",
            "00".repeat(32)
        )
    );
    assert_eq!(
        hex(&r.measurement),
        "5b0ce64ad1c1f6375dbda5f760b98526ca1bcf91b8195091afc28e7b024251d68fe32e05af34048d6607678cd23283ff"
    );
    assert_eq!(
        r.claimed_measurement_form(),
        "sha384:200e6195813cd97c204c286bb3a9ce48604ff7d25c93dab4490603547f1a3719abeaf2bccc7f023c9310e41963e73061"
    );
    assert_eq!(
        hex(&r.report_id),
        "b9d9c26053ae9f35312795a18f42523f7b00cad4bcd6dd2a7cfe915b7464e7d4"
    );
    assert_eq!(r.report_id_ma, [0xFF; 32]);
    assert_eq!(r.host_data, [0; 32]);
    assert_eq!(r.chip_id, [0; 64]);
}

#[test]
fn every_wrong_length_is_a_typed_error() {
    let Some(raw) = milan_report() else { return };
    for n in 0..raw.len() {
        assert_eq!(
            AttestationReport::parse(&raw[..n]),
            Err(ReportError::Length {
                expected: 1184,
                actual: n
            })
        );
    }
    let mut long = raw.clone();
    long.push(0);
    assert!(matches!(
        AttestationReport::parse(&long),
        Err(ReportError::Length { actual: 1185, .. })
    ));
}

#[test]
fn version_below_two_refused() {
    let Some(mut raw) = milan_report() else {
        return;
    };
    raw[0] = 1;
    assert_eq!(AttestationReport::parse(&raw), Err(ReportError::Version(1)));
    raw[0] = 0;
    assert_eq!(AttestationReport::parse(&raw), Err(ReportError::Version(0)));
}
