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
    // At the cap the DER is decoded (and refused as DER).
    assert!(matches!(
        Certificate::from_der(&big[..MAX_CERT_DER]),
        Err(X509Error::Der(_))
    ));
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
    // At the cap the text is searched for certificates.
    assert_eq!(
        parse_pem_bundle(&big[..MAX_BUNDLE_BYTES]).unwrap_err(),
        X509Error::NotFound("PEM certificate")
    );
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
    // At the cap the DER is decoded (and refused as DER).
    assert!(!matches!(
        cmcp_x509::Crl::parse(&big[..cmcp_x509::MAX_CRL_BYTES]),
        Err(X509Error::TooLarge { .. }) | Ok(_)
    ));
}

#[test]
fn rsa_modulus_is_2048_to_8192_bits() {
    use cmcp_x509::PublicKey;
    // An odd modulus of exactly `bits` bits (top bit set).
    let modulus = |bits: usize| {
        let mut n = vec![0xffu8; bits.div_ceil(8)];
        n[0] = 0xff >> (n.len() * 8 - bits);
        n
    };
    let e = [0x01, 0x00, 0x01];
    for ok in [2048, 4096, 8192] {
        let k = PublicKey::from_rsa_components(&modulus(ok), &e).unwrap();
        assert_eq!(k.kind(), format!("RSA-{ok}"));
    }
    for refused in [1024, 2047, 8193] {
        assert!(
            matches!(
                PublicKey::from_rsa_components(&modulus(refused), &e),
                Err(X509Error::BadKey(_))
            ),
            "{refused}-bit modulus"
        );
    }
}
