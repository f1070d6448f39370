//! Certificate input caps: certificate size, certificates per PEM bundle,
//! PEM bundle size, validated chain length.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_x509::{
    Certificate, DEFAULT_MAX_CHAIN_LEN, MAX_BUNDLE_BYTES, MAX_BUNDLE_CERTS, MAX_CERT_DER,
    X509Error, parse_pem_bundle,
};

fn pem_block(der: &[u8]) -> String {
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        cmcp_json::encoding::b64_encode(der)
    )
}

#[test]
fn certificate_der_cap_is_64_kib() {
    assert_eq!(MAX_CERT_DER, 64 * 1024);
    let big = vec![0x30u8; MAX_CERT_DER + 1];
    match Certificate::from_der(&big) {
        Err(X509Error::TooLarge { len, max, .. }) => {
            assert_eq!((len, max), (MAX_CERT_DER + 1, MAX_CERT_DER))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bundle_certificate_count_cap_is_16() {
    assert_eq!(MAX_BUNDLE_CERTS, 16);
    // Seventeen blocks: refused for the count before any block is decoded as DER.
    let text: String = (0..=MAX_BUNDLE_CERTS)
        .map(|_| pem_block(&[0x30, 0x00]))
        .collect();
    assert_eq!(
        parse_pem_bundle(text.as_bytes()).unwrap_err(),
        X509Error::TooManyCertificates {
            max: MAX_BUNDLE_CERTS
        }
    );
    // Sixteen blocks pass the count and fail on the (empty) DER instead.
    let text: String = (0..MAX_BUNDLE_CERTS)
        .map(|_| pem_block(&[0x30, 0x00]))
        .collect();
    assert!(!matches!(
        parse_pem_bundle(text.as_bytes()),
        Err(X509Error::TooManyCertificates { .. })
    ));
}

#[test]
fn pem_bundle_size_cap_is_1_mib() {
    assert_eq!(MAX_BUNDLE_BYTES, 1024 * 1024);
    let big = vec![b' '; MAX_BUNDLE_BYTES + 1];
    match parse_pem_bundle(&big) {
        Err(X509Error::TooLarge { len, max, .. }) => {
            assert_eq!((len, max), (MAX_BUNDLE_BYTES + 1, MAX_BUNDLE_BYTES))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn chain_length_default_is_8() {
    assert_eq!(DEFAULT_MAX_CHAIN_LEN, 8);
    assert_eq!(
        cmcp_x509::ChainPolicy::at(cmcp_policy::Timestamp::from_unix(0)).max_len,
        8
    );
}

#[test]
fn crl_size_cap_is_4_mib() {
    assert_eq!(cmcp_x509::MAX_CRL_BYTES, 4 * 1024 * 1024);
    let big = vec![0x30u8; cmcp_x509::MAX_CRL_BYTES + 1];
    match cmcp_x509::Crl::parse(&big) {
        Err(X509Error::TooLarge { len, max, .. }) => {
            assert_eq!(
                (len, max),
                (cmcp_x509::MAX_CRL_BYTES + 1, cmcp_x509::MAX_CRL_BYTES)
            )
        }
        other => panic!("{other:?}"),
    }
}
