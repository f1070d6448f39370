//! Every appraisal knob refuses what it should, from both the policy file
//! and the CLI string form; policy-file shape errors are typed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod synth;
use cmcp_sev_snp::appraise::{BitRule, KNOBS, PolicyError, SnpPolicy};
use cmcp_sev_snp::parse::{AttestationReport, TcbLayout};
use synth::Spec;

fn report(f: impl FnOnce(&mut Vec<u8>)) -> AttestationReport {
    let mut b = Spec::milan().unsigned();
    f(&mut b);
    AttestationReport::parse(&b).unwrap()
}

fn knobs(p: &SnpPolicy, r: &AttestationReport) -> Vec<&'static str> {
    p.appraise(r, TcbLayout::MilanGenoa)
        .into_iter()
        .map(|x| x.knob)
        .collect()
}

fn with(pairs: &[(&str, &str)]) -> SnpPolicy {
    let mut p = SnpPolicy::default();
    for (k, v) in pairs {
        p.set_knob(k, v).unwrap();
    }
    p
}

#[test]
fn default_accepts_clean_report() {
    assert!(knobs(&SnpPolicy::default(), &report(|_| {})).is_empty());
}

#[test]
fn guest_policy_bits() {
    let bits = [
        ("smt", 16),
        ("migrate_ma", 18),
        ("single_socket", 20),
        ("cxl_allow", 21),
        ("mem_aes_256_xts", 22),
        ("rapl_dis", 23),
        ("ciphertext_hiding", 24),
        ("page_swap_disable", 25),
    ];
    for (knob, bit) in bits {
        let set = report(|b| {
            let p = u64::from_le_bytes(b[8..16].try_into().unwrap()) | (1u64 << bit);
            b[8..16].copy_from_slice(&p.to_le_bytes());
        });
        let clear = report(|b| {
            let p = u64::from_le_bytes(b[8..16].try_into().unwrap()) & !(1u64 << bit);
            b[8..16].copy_from_slice(&p.to_le_bytes());
        });
        let req = with(&[(knob, "require")]);
        let forb = with(&[(knob, "forbid")]);
        assert_eq!(knobs(&req, &clear), vec![knob], "{knob}");
        assert!(knobs(&req, &set).is_empty(), "{knob}");
        assert_eq!(knobs(&forb, &set), vec![knob], "{knob}");
        assert!(knobs(&forb, &clear).is_empty(), "{knob}");
        assert!(knobs(&with(&[(knob, "any")]), &set).is_empty());
    }
}

#[test]
fn debug_reserved_and_abi() {
    let dbg = report(|b| b[0x0A] |= 0x08);
    assert_eq!(knobs(&SnpPolicy::default(), &dbg), vec!["allow_debug"]);
    assert!(knobs(&with(&[("allow_debug", "true")]), &dbg).is_empty());
    let no17 = report(|b| b[0x0A] &= !0x02);
    assert_eq!(
        knobs(&SnpPolicy::default(), &no17),
        vec!["reject_reserved_policy_bits"]
    );
    let hi = report(|b| b[0x0F] = 0x80);
    assert_eq!(
        knobs(&SnpPolicy::default(), &hi),
        vec!["reject_reserved_policy_bits"]
    );
    assert!(knobs(&with(&[("reject_reserved_policy_bits", "false")]), &hi).is_empty());
    let abi = report(|b| {
        b[8] = 31;
        b[9] = 1;
    });
    assert!(knobs(&with(&[("min_abi", "1.31")]), &abi).is_empty());
    assert_eq!(knobs(&with(&[("min_abi", "1.32")]), &abi), vec!["min_abi"]);
    assert_eq!(knobs(&with(&[("min_abi", "2.0")]), &abi), vec!["min_abi"]);
}

#[test]
fn platform_info_rules() {
    let r = report(|_| {}); // 0x25
    assert!(
        knobs(
            &with(&[(
                "platform_info_require",
                "smt_enabled,ecc_enabled,alias_check_complete"
            )]),
            &r
        )
        .is_empty()
    );
    assert_eq!(
        knobs(&with(&[("platform_info_require", "tsme_enabled")]), &r),
        vec!["platform_info_require"]
    );
    assert_eq!(
        knobs(&with(&[("platform_info_forbid", "smt_enabled")]), &r),
        vec!["platform_info_forbid"]
    );
    assert!(
        knobs(
            &with(&[("platform_info_forbid", "rapl_disabled,tio_enabled")]),
            &r
        )
        .is_empty()
    );
    assert!(
        knobs(
            &with(&[("platform_info_reject_unrecognized_bits", "true")]),
            &r
        )
        .is_empty()
    );
    let bit6 = report(|b| b[0x40] |= 0x40);
    let p = with(&[("platform_info_reject_unrecognized_bits", "true")]);
    let ref_ = p.appraise(&bit6, TcbLayout::MilanGenoa);
    assert_eq!(ref_.len(), 1);
    assert_eq!(ref_[0].knob, "platform_info_reject_unrecognized_bits");
    assert!(ref_[0].message.contains("0x40"), "{}", ref_[0].message);
    let high = report(|b| b[0x47] = 1);
    assert_eq!(
        knobs(&p, &high),
        vec!["platform_info_reject_unrecognized_bits"]
    );
    let mut q = SnpPolicy::default();
    assert!(matches!(
        q.set_knob("platform_info_require", "smt"),
        Err(PolicyError::BadValue { .. })
    ));
}

#[test]
fn tcb_firmware_vmpl_version_svn() {
    let r = report(|_| {}); // bl 3 tee 0 snp 8 ucode 115; fw 1.55.29; version 3; svn 7
    for (k, pass, fail) in [
        ("min_tcb_bootloader", "3", "4"),
        ("min_tcb_tee", "0", "1"),
        ("min_tcb_snp", "8", "9"),
        ("min_tcb_microcode", "115", "116"),
    ] {
        assert!(knobs(&with(&[(k, pass)]), &r).is_empty(), "{k}");
        assert_eq!(knobs(&with(&[(k, fail)]), &r), vec![k, k], "{k}"); // REPORTED and COMMITTED
    }
    // committed below the floor while reported is fine
    let c = report(|b| b[0x1E6] = 7);
    assert_eq!(
        knobs(&with(&[("min_tcb_snp", "8")]), &c),
        vec!["min_tcb_snp"]
    );
    assert!(knobs(&with(&[("min_firmware", "1.55.29")]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("min_firmware", "1.55.30")]), &r),
        vec!["min_firmware", "min_firmware"]
    );
    assert!(knobs(&with(&[("vmpl", "0")]), &r).is_empty());
    assert_eq!(knobs(&with(&[("vmpl", "1")]), &r), vec!["vmpl"]);
    assert!(knobs(&with(&[("min_report_version", "3")]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("min_report_version", "5")]), &r),
        vec!["min_report_version"]
    );
    assert!(knobs(&with(&[("min_guest_svn", "7")]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("min_guest_svn", "8")]), &r),
        vec!["min_guest_svn"]
    );
}

#[test]
fn identity_pins() {
    let r = report(|_| {});
    let m = "3c".repeat(48);
    let other = "3d".repeat(48);
    assert!(knobs(&with(&[("measurements", &format!("{other},{m}"))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("measurements", &other)]), &r),
        vec!["measurements"]
    );
    assert!(knobs(&with(&[("family_id", &"f1".repeat(16))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("family_id", &"f2".repeat(16))]), &r),
        vec!["family_id"]
    );
    assert!(knobs(&with(&[("image_id", &"12".repeat(16))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("image_id", &"13".repeat(16))]), &r),
        vec!["image_id"]
    );
    assert!(knobs(&with(&[("host_data", &"44".repeat(32))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("host_data", &"45".repeat(32))]), &r),
        vec!["host_data"]
    );
    assert!(knobs(&with(&[("id_key_digests", &"55".repeat(48))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("id_key_digests", &"56".repeat(48))]), &r),
        vec!["id_key_digests"]
    );
    assert!(knobs(&with(&[("author_key_digests", &"00".repeat(48))]), &r).is_empty());
    assert_eq!(
        knobs(&with(&[("author_key_digests", &"01".repeat(48))]), &r),
        vec!["author_key_digests"]
    );
    let mut p = SnpPolicy::default();
    assert!(p.set_knob("family_id", &"f1".repeat(15)).is_err());
    assert!(p.set_knob("measurements", "zz").is_err());
}

#[test]
fn json_section_shape() {
    let parse = |s: &str| SnpPolicy::from_json(Some(&cmcp_json::parse(s.as_bytes()).unwrap()));
    let p = parse(r#"{"allow_debug":true,"smt":"require","platform_info_require":["smt_enabled"],"platform_info_reject_unrecognized_bits":true,"min_tcb_snp":8,"min_tcb_fmc":0,"min_firmware":"1.52.4","vmpl":0,"min_report_version":3,"measurements":[],"host_data":"0000000000000000000000000000000000000000000000000000000000000000","allow_vlek":false,"require_amd_pss":true,"min_abi":"0.31"}"#).unwrap();
    assert!(p.allow_debug && !p.allow_vlek && p.require_amd_pss);
    assert_eq!(p.smt, BitRule::Require);
    assert_eq!(p.min_tcb.snp, Some(8));
    assert_eq!(p.vmpl, Some(0));
    assert_eq!(p.min_abi, Some((0, 31)));
    assert_eq!(p.measurements, Some(vec![]));
    assert_eq!(
        parse(r#"{"nope":1}"#),
        Err(PolicyError::UnknownKnob("nope".into()))
    );
    assert!(matches!(
        parse(r#"{"allow_debug":"true"}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(r#"{"vmpl":"0"}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(r#"{"vmpl":-1}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(r#"{"vmpl":4}"#),
        Err(PolicyError::BadValue { .. })
    ));
    assert!(matches!(
        parse(r#"{"min_tcb_snp":256}"#),
        Err(PolicyError::BadValue { .. })
    ));
    assert!(matches!(
        parse(r#"{"min_tcb_snp":1.0}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(r#"{"min_report_version":1}"#),
        Err(PolicyError::BadValue { .. })
    ));
    assert!(matches!(
        parse(r#"{"platform_info_require":"smt_enabled"}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(r#"{"platform_info_require":[1]}"#),
        Err(PolicyError::WrongType { .. })
    ));
    assert!(matches!(
        parse(
            r#"{"platform_info_require":["smt_enabled"],"platform_info_forbid":["smt_enabled"]}"#
        ),
        Err(PolicyError::BadValue { .. })
    ));
    assert!(matches!(
        parse(r#"{"smt":"maybe"}"#),
        Err(PolicyError::BadValue { .. })
    ));
    assert!(matches!(
        parse(r#"{"min_firmware":"1.52"}"#),
        Err(PolicyError::BadValue { .. })
    ));
    assert_eq!(parse("[]"), Err(PolicyError::NotObject));
    assert_eq!(parse("{}"), Ok(SnpPolicy::default()));
}

#[test]
fn every_listed_knob_is_settable() {
    for k in KNOBS {
        let mut p = SnpPolicy::default();
        let v = match *k {
            "smt" | "migrate_ma" | "single_socket" | "cxl_allow" | "mem_aes_256_xts"
            | "rapl_dis" | "ciphertext_hiding" | "page_swap_disable" => "forbid".to_owned(),
            "min_abi" => "1.0".to_owned(),
            "min_firmware" => "1.2.3".to_owned(),
            "platform_info_require" | "platform_info_forbid" => "tio_enabled".to_owned(),
            "measurements" | "id_key_digests" | "author_key_digests" => "00".repeat(48),
            "family_id" | "image_id" => "00".repeat(16),
            "host_data" => "00".repeat(32),
            k if k.starts_with("min_") || k == "vmpl" => "3".to_owned(),
            "reject_reserved_policy_bits" | "allow_vlek" => "false".to_owned(),
            _ => "true".to_owned(),
        };
        p.set_knob(k, &v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
        assert_ne!(p, SnpPolicy::default(), "{k} changed nothing");
    }
    let mut p = SnpPolicy::default();
    assert_eq!(
        p.set_knob("bogus", "1"),
        Err(PolicyError::UnknownKnob("bogus".into()))
    );
}
