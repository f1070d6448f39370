//! Parsing the real quotes.
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

mod common;
use cmcp_tdx::parse::*;
use common::*;

#[test]
fn gcp_quote_fields() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    assert_eq!(raw.len(), 8000);
    let q = TdQuote::parse(&raw).unwrap();
    assert_eq!(q.header.version, 4);
    assert_eq!(q.header.att_key_type, 2);
    assert_eq!(q.header.tee_type, 0x81);
    assert_eq!(
        hex(&q.header.qe_vendor_id),
        "939a7233f79c4ca9940a0db3957f0607"
    );
    assert_eq!(q.header.qe_vendor_id, INTEL_QE_VENDOR_ID);
    assert_eq!(q.header.user_data, [0u8; 20]);
    assert_eq!(q.body_type, BodyType::Td10);
    assert_eq!(q.signed_region.len(), 632);
    assert_eq!(q.signed_region[..], raw[..632]);
    assert_eq!(q.quote_len, 4935);
    assert_eq!(q.trailing_len, 3065);
    let b = &q.body;
    assert_eq!(hex(&b.tee_tcb_svn), "0d010800000000000000000000000000");
    assert_eq!(
        hex(&b.mr_seam),
        "489e585f1c54bc5a02066c8c6ec21619ff0334ec6f21e07e2a35202c59183789c8057e7d97dd591bb08314b185819e72"
    );
    assert_eq!(b.mr_signer_seam, [0u8; 48]);
    assert_eq!(b.seam_attributes, 0);
    assert_eq!(b.td_attributes.bits(), 0x0000_0000_1000_0000);
    assert!(b.td_attributes.sept_ve_disable() && !b.td_attributes.debug());
    assert_eq!(b.xfam, 0x0000_0000_0006_00e7);
    assert_eq!(
        hex(&b.mr_td),
        "9bf86e6280ec4282b8b5822d8166410a456cdb720109aa799f0011fa63df1de3ee5e35e293fc410c061433163acb03a6"
    );
    assert_eq!(
        b.measurement(),
        "sha384:c47533a15e33e083ccacf8c310838f12b551fac203a15a1565fe350e70ecfb9cc9a6fc031e40c7a21503cd1dfaf6be13"
    );
    assert_eq!(b.mr_config_id, [0u8; 48]);
    assert_eq!(b.mr_owner, [0u8; 48]);
    assert_eq!(b.mr_owner_config, [0u8; 48]);
    assert_eq!(
        hex(&b.rtmr[0]),
        "7e49bc5fb773f4bfdcab5fc15cc354c07cde4fec54af4139d6fa416e52676424b05c512a1c66942f7f0d2907ffc42506"
    );
    assert_eq!(
        hex(&b.rtmr[1]),
        "c71652dec9b5eb60a2c5facace480248419225404fce170bfb424c1637475dc24f8f7cd5b1985509a7490ca43a856217"
    );
    assert_eq!(
        hex(&b.rtmr[2]),
        "dacd6963021c77afd510c87fdfacec0ce92a0ee067aca4a955dde345d5ca1d6e3eceed7e5e06b3a3852af417f7d3a9ea"
    );
    assert_eq!(b.rtmr[3], [0u8; 48]);
    assert_eq!(
        hex(&b.report_data[..32]),
        "9ebcfbe5b0724f3d58365a5443893589810117f457539768c9916624f960f6ae"
    );
    assert_eq!(b.report_data[32..], [0u8; 32]);
    assert_eq!(b.tee_tcb_svn_2, None);
    assert_eq!(
        hex(&q.attestation_key),
        "fab6f5c7ba1b301881dcdd3baec1579b13f0fe3886dda1a0230d606d6787dcf931cbbb8848ed21dbefe58e89690649746a2507690487d876726cc1e4a755d29b"
    );
    assert_eq!(q.qe_auth_data, vec![0u8; 32]);
    assert_eq!(q.pck_chain_pem.len(), 3677);
    assert_eq!(q.pck_chain_pem.last(), Some(&b'\n'));
    let qe = &q.qe_report;
    assert_eq!(hex(&qe.cpu_svn), "0808ff1b04ff00060000000000000000");
    assert_eq!(qe.misc_select, 0);
    assert_eq!(hex(&qe.attributes), "1500000000000000e700000000000000");
    assert!(!qe.debug());
    assert_eq!(
        hex(&qe.mr_enclave),
        "e5a3a7b5d830c2953b98534c6c59a3a34fdc34e933f7f5898f0a85cf08846bca"
    );
    assert_eq!(
        hex(&qe.mr_signer),
        "dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5"
    );
    assert_eq!((qe.isv_prod_id, qe.isv_svn), (2, 6));
    assert_eq!(
        hex(&qe.report_data[..32]),
        "a6f129af8a6291a3eb40de6203cf199a4a3ffc7e317192971d2ea09d14fa6956"
    );
    assert_eq!(pem_certificates(&q.pck_chain_pem).unwrap().len(), 3);
    // The self-describing dispatcher agrees.
    assert!(matches!(Evidence::parse(&raw), Ok(Evidence::Quote(_))));
}

#[test]
fn gcp_manifest_quote_differs_only_in_report_data() {
    let (Some(a), Some(b)) = (read(GCP_QUOTE), read(GCP_QUOTE_MANIFEST)) else {
        return;
    };
    let qa = TdQuote::parse(&a).unwrap();
    let qb = TdQuote::parse(&b).unwrap();
    assert_eq!(
        hex(&qb.body.report_data[..32]),
        "e656c6b4b7c881fef30f6370e919dfed9fb708ccafb3b471c81d2c60476ddeea"
    );
    assert_eq!(qa.body.mr_td, qb.body.mr_td);
    assert_eq!(qa.qe_report, qb.qe_report);
    assert_ne!(qa.signature, qb.signature);
}

#[test]
fn dcap_qvl_v4_sample() {
    let Some(raw) = read(QVL_QUOTE) else { return };
    let q = TdQuote::parse(&raw).unwrap();
    assert_eq!(q.header.version, 4);
    assert_eq!(
        hex(&q.body.mr_td),
        "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"
    );
    assert_eq!(q.body.td_attributes.bits(), 0x1000_0000);
    assert_eq!(q.qe_auth_data, (0u8..32).collect::<Vec<_>>());
    assert_eq!(q.pck_chain_pem.last(), Some(&0u8));
    assert_eq!(pem_certificates(&q.pck_chain_pem).unwrap().len(), 3);
}

#[test]
fn dcap_qvl_v5_sample() {
    let Some(raw) = read(QVL_OUTDATED) else {
        return;
    };
    assert_eq!(raw.len(), 5006);
    let q = TdQuote::parse(&raw).unwrap();
    assert_eq!(q.header.version, 5);
    assert_eq!(q.body_type, BodyType::Td15);
    assert_eq!(q.signed_region.len(), 702);
    assert_eq!(q.trailing_len, 0);
    assert_eq!(
        hex(&q.body.mr_td),
        "273828c46252fcbdd8ad2dd907130222b03466d52a2911d70c1a5950895d6bd1ae451d382d5a9b1b4c0ed0e5ae9a3dbd"
    );
    assert_eq!(q.body.td_attributes.bits(), 0x1000_0000);
    assert_eq!(q.body.mr_service_td, Some([0u8; 48]));
    assert!(q.body.tee_tcb_svn_2.is_some());
    // signature-data length 4300 at offset 702
    assert_eq!(u32::from_le_bytes(raw[702..706].try_into().unwrap()), 4300);
}

#[test]
fn truncation_at_every_length_is_a_typed_error() {
    for rel in [GCP_QUOTE, QVL_QUOTE, QVL_OUTDATED] {
        let Some(raw) = read(rel) else { return };
        let q = TdQuote::parse(&raw).unwrap();
        for n in 0..q.quote_len {
            let r = TdQuote::parse(&raw[..n]);
            assert!(r.is_err(), "{rel}: length {n} parsed");
            let _ = Evidence::parse(&raw[..n]);
        }
        // Exactly the quote, no padding, still parses.
        assert!(TdQuote::parse(&raw[..q.quote_len]).is_ok());
    }
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn overstated_lengths_are_refused() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let q = raw[..4935].to_vec();
    // signature-data length @632
    let mut b = q.clone();
    put_u32(&mut b, 632, 4300);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::SigDataOverrun {
            declared: 4300,
            available: 4299
        })
    );
    put_u32(&mut b, 632, u32::MAX);
    assert!(matches!(
        TdQuote::parse(&b),
        Err(ParseError::SigDataOverrun { .. })
    ));
    put_u32(&mut b, 632, 100);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::SigDataTruncated { declared: 100 })
    );
    // with padding present, a larger L reaches into the padding: content mismatch
    let mut p = raw.clone();
    put_u32(&mut p, 632, 4300);
    assert!(matches!(
        TdQuote::parse(&p),
        Err(ParseError::SigDataLengthMismatch { .. })
    ));
    // type-6 header @764, size @766
    let mut b = q.clone();
    put_u16(&mut b, 764, 5);
    assert_eq!(TdQuote::parse(&b), Err(ParseError::UnexpectedCertType(5)));
    let mut b = q.clone();
    put_u32(&mut b, 766, 4166);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::QeCertOverrun {
            declared: 4166,
            available: 4165
        })
    );
    put_u32(&mut b, 766, 400);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::QeCertTruncated { declared: 400 })
    );
    // auth data length @1218
    let mut b = q.clone();
    put_u16(&mut b, 1218, 0xffff);
    assert!(matches!(
        TdQuote::parse(&b),
        Err(ParseError::QeAuthOverrun {
            declared: 0xffff,
            ..
        })
    ));
    // nested type-5 header @1252, size @1254
    let mut b = q.clone();
    put_u16(&mut b, 1252, 6);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::UnexpectedPckCertType(6))
    );
    let mut b = q.clone();
    put_u32(&mut b, 1254, 3678);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::PckChainOverrun {
            declared: 3678,
            available: 3677
        })
    );
    put_u32(&mut b, 1254, 3000);
    assert!(matches!(
        TdQuote::parse(&b),
        Err(ParseError::QeCertLengthMismatch { .. })
    ));
    // a "flat" layout: type-6 block read at the type-5 offset is refused
    let mut b = q.clone();
    put_u16(&mut b, 764, 5);
    assert!(TdQuote::parse(&b).is_err());
    // header checks
    let mut b = q.clone();
    put_u16(&mut b, 2, 3);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::UnsupportedAttKeyType(3))
    );
    let mut b = q.clone();
    put_u32(&mut b, 4, 0);
    assert_eq!(TdQuote::parse(&b), Err(ParseError::UnsupportedTeeType(0)));
    let mut b = q.clone();
    put_u16(&mut b, 0, 3);
    assert_eq!(TdQuote::parse(&b), Err(ParseError::UnsupportedVersion(3)));
    // too large
    assert!(matches!(
        TdQuote::parse(&vec![0u8; MAX_EVIDENCE_LEN + 1]),
        Err(ParseError::TooLarge { .. })
    ));
}

#[test]
fn v5_descriptor_checks() {
    let Some(raw) = read(QVL_OUTDATED) else {
        return;
    };
    let mut b = raw.clone();
    put_u32(&mut b, 50, 584);
    assert_eq!(
        TdQuote::parse(&b),
        Err(ParseError::BodySizeMismatch {
            body_type: 3,
            declared: 584,
            expected: 648
        })
    );
    let mut b = raw.clone();
    put_u16(&mut b, 48, 1);
    assert_eq!(TdQuote::parse(&b), Err(ParseError::UnsupportedBodyType(1)));
}
