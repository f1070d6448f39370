//! Chains built in the test from hand-assembled DER and deterministic P-256
//! keys: CA-flag, keyUsage, pathLen, leaf-CA, SHA-1, CRL revocation and cap
//! checks that the real fixtures cannot exercise.
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

use cmcp_policy::Timestamp;
use cmcp_x509::*;
use der::Encode;
use der::asn1::ObjectIdentifier;
use p256::ecdsa::{Signature, SigningKey};
use signature::Signer;
use signature::hazmat::PrehashSigner;

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}
fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}
fn oid(s: &str) -> Vec<u8> {
    ObjectIdentifier::new(s).unwrap().to_der().unwrap()
}
fn int(v: u8) -> Vec<u8> {
    tlv(0x02, &[v])
}
fn name(cn: &str) -> Vec<u8> {
    seq(&[tlv(0x31, &seq(&[oid("2.5.4.3"), tlv(0x0c, cn.as_bytes())]))])
}
fn utc(s: &str) -> Vec<u8> {
    tlv(0x17, s.as_bytes())
}

fn key(n: u8) -> SigningKey {
    let mut b = [0u8; 32];
    b[31] = n;
    b[0] = 0x11;
    SigningKey::from_slice(&b).unwrap()
}

#[derive(Clone)]
struct Spec<'a> {
    serial: u8,
    subject: &'a str,
    issuer: &'a str,
    key: u8,
    signer: u8,
    /// None: no basicConstraints; Some((ca, pathlen)).
    basic: Option<(bool, Option<u8>)>,
    /// keyUsage bits byte (bit 7 = digitalSignature … bit 2 = keyCertSign, bit 1 = cRLSign).
    ku: Option<u8>,
    alg: &'a str,
    not_after: &'a str,
    /// Emit basicConstraints twice.
    dup_basic: bool,
    /// Add a critical private extension.
    crit_unknown: bool,
}

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA1: &str = "1.2.840.10045.4.1";

fn spec<'a>(serial: u8, subject: &'a str, issuer: &'a str, key: u8, signer: u8) -> Spec<'a> {
    Spec {
        serial,
        subject,
        issuer,
        key,
        signer,
        basic: Some((true, None)),
        ku: Some(0x06),
        alg: ECDSA_SHA256,
        not_after: "301231235959Z",
        dup_basic: false,
        crit_unknown: false,
    }
}

fn build(s: &Spec<'_>) -> Certificate {
    Certificate::from_der(&build_der(s)).unwrap()
}

fn build_der(s: &Spec<'_>) -> Vec<u8> {
    let pubkey = key(s.key)
        .verifying_key()
        .to_sec1_point(false)
        .as_bytes()
        .to_vec();
    let mut bitstr = vec![0u8];
    bitstr.extend_from_slice(&pubkey);
    let spki = seq(&[
        seq(&[oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")]),
        tlv(0x03, &bitstr),
    ]);
    let mut exts = Vec::new();
    if let Some((ca, pl)) = s.basic {
        let mut inner = Vec::new();
        if ca {
            inner.push(tlv(0x01, &[0xff]));
        }
        if let Some(p) = pl {
            inner.push(int(p));
        }
        exts.push(seq(&[
            oid("2.5.29.19"),
            tlv(0x01, &[0xff]),
            tlv(0x04, &seq(&inner)),
        ]));
    }
    if s.crit_unknown {
        exts.push(seq(&[
            oid("1.3.6.1.4.1.99999.1"),
            tlv(0x01, &[0xff]),
            tlv(0x04, &[0x05, 0x00]),
        ]));
    }
    if s.dup_basic {
        let first = exts[0].clone();
        exts.push(first);
    }
    if let Some(bits) = s.ku {
        let unused = bits.trailing_zeros().min(7) as u8;
        exts.push(seq(&[
            oid("2.5.29.15"),
            tlv(0x01, &[0xff]),
            tlv(0x04, &tlv(0x03, &[unused, bits])),
        ]));
    }
    let alg = seq(&[oid(s.alg)]);
    let mut tbs_parts = vec![
        tlv(0xa0, &int(2)),
        int(s.serial),
        alg.clone(),
        name(s.issuer),
        seq(&[utc("250101000000Z"), utc(s.not_after)]),
        name(s.subject),
        spki,
    ];
    if !exts.is_empty() {
        tbs_parts.push(tlv(0xa3, &seq(&exts)));
    }
    let tbs = seq(&tbs_parts);
    let sig: Signature = if s.alg == ECDSA_SHA1 {
        key(s.signer)
            .sign_prehash(&HashAlg::Sha1.digest(&tbs))
            .unwrap()
    } else {
        key(s.signer).sign(&tbs)
    };
    let mut sigbits = vec![0u8];
    sigbits.extend_from_slice(sig.to_der().as_bytes());
    seq(&[tbs, alg, tlv(0x03, &sigbits)])
}

fn crl(issuer: &str, signer: u8, revoked: &[u8], next: &str) -> Crl {
    let alg = seq(&[oid(ECDSA_SHA256)]);
    let mut parts = vec![
        int(1),
        alg.clone(),
        name(issuer),
        utc("250101000000Z"),
        utc(next),
    ];
    if !revoked.is_empty() {
        let entries: Vec<Vec<u8>> = revoked
            .iter()
            .map(|&s| seq(&[int(s), utc("250601000000Z")]))
            .collect();
        parts.push(seq(&entries));
    }
    let tbs = seq(&parts);
    let sig: Signature = key(signer).sign(&tbs);
    let mut sigbits = vec![0u8];
    sigbits.extend_from_slice(sig.to_der().as_bytes());
    Crl::from_der(&seq(&[tbs, alg, tlv(0x03, &sigbits)])).unwrap()
}

fn now() -> ChainPolicy {
    ChainPolicy::at(Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap())
}

fn leaf_spec<'a>(issuer: &'a str, signer: u8) -> Spec<'a> {
    Spec {
        basic: None,
        ku: Some(0x80),
        ..spec(9, "Leaf", issuer, 3, signer)
    }
}

#[test]
fn good_three_level_chain() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let inter = build(&spec(2, "Inter", "Root", 2, 1));
    let leaf = build(&leaf_spec("Inter", 2));
    assert_eq!(leaf.subject(), "CN=Leaf");
    assert!(leaf.key_usage().unwrap().digital_signature);
    let v = verify_chain(
        &[leaf.clone(), inter.clone()],
        std::slice::from_ref(&root),
        &now(),
    )
    .unwrap();
    assert!(v.root_appended);
    assert_eq!(
        v.certificates,
        vec![leaf.clone(), inter.clone(), root.clone()]
    );
    assert_eq!(v.root_fingerprint, root.sha256_fingerprint());
    // A pinned root with the right name but another key: BadSignature at the last presented cert.
    let impostor = build(&spec(1, "Root", "Root", 7, 7));
    assert_eq!(
        verify_chain(
            &[leaf.clone(), inter.clone()],
            std::slice::from_ref(&impostor),
            &now()
        )
        .unwrap_err(),
        ChainError::BadSignature { depth: 1 }
    );
    // Several roots with the same name: the one whose key verifies wins.
    let v = verify_chain(
        &[leaf.clone(), inter.clone()],
        &[impostor, root.clone()],
        &now(),
    )
    .unwrap();
    assert_eq!(v.root_fingerprint, root.sha256_fingerprint());
}

#[test]
fn non_ca_intermediate() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let no_bc = build(&Spec {
        basic: None,
        ..spec(2, "Inter", "Root", 2, 1)
    });
    let ca_false = build(&Spec {
        basic: Some((false, None)),
        ..spec(2, "Inter", "Root", 2, 1)
    });
    let leaf = build(&leaf_spec("Inter", 2));
    for inter in [no_bc, ca_false] {
        assert!(!inter.is_ca());
        let e =
            verify_chain(&[leaf.clone(), inter], std::slice::from_ref(&root), &now()).unwrap_err();
        assert_eq!(e, ChainError::NotCa { depth: 1 });
        assert_eq!(e.code(), "not_ca");
    }
}

#[test]
fn key_usage_and_path_len() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    // keyUsage digitalSignature only on the intermediate.
    let inter = build(&Spec {
        ku: Some(0x80),
        ..spec(2, "Inter", "Root", 2, 1)
    });
    let leaf = build(&leaf_spec("Inter", 2));
    assert_eq!(
        verify_chain(&[leaf.clone(), inter], std::slice::from_ref(&root), &now()).unwrap_err(),
        ChainError::MissingKeyCertSign { depth: 1 }
    );
    // Root pathLen 0 with one intermediate below it.
    let root0 = build(&Spec {
        basic: Some((true, Some(0))),
        ..spec(1, "Root", "Root", 1, 1)
    });
    let inter = build(&spec(2, "Inter", "Root", 2, 1));
    assert_eq!(root0.path_len_constraint(), Some(0));
    assert_eq!(
        verify_chain(
            &[leaf.clone(), inter.clone()],
            std::slice::from_ref(&root0),
            &now()
        )
        .unwrap_err(),
        ChainError::PathLenExceeded { depth: 2 }
    );
    // pathLen 1 admits it; intermediate pathLen 0 admits a leaf directly below.
    let root1 = build(&Spec {
        basic: Some((true, Some(1))),
        ..spec(1, "Root", "Root", 1, 1)
    });
    let inter0 = build(&Spec {
        basic: Some((true, Some(0))),
        ..spec(2, "Inter", "Root", 2, 1)
    });
    assert!(
        verify_chain(
            &[leaf.clone(), inter0],
            std::slice::from_ref(&root1),
            &now()
        )
        .is_ok()
    );
    // Leaf that is a CA.
    let ca_leaf = build(&spec(9, "Leaf", "Inter", 3, 2));
    assert_eq!(
        verify_chain(
            &[ca_leaf.clone(), inter.clone()],
            std::slice::from_ref(&root),
            &now()
        )
        .unwrap_err(),
        ChainError::LeafIsCa
    );
    let mut p = now();
    p.require_leaf_not_ca = false;
    assert!(verify_chain(&[ca_leaf, inter], std::slice::from_ref(&root), &p).is_ok());
}

#[test]
fn sha1_needs_the_flag_and_expired_root() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let leaf = build(&Spec {
        alg: ECDSA_SHA1,
        ..leaf_spec("Root", 1)
    });
    assert_eq!(
        leaf.signature_algorithm().unwrap(),
        SigAlg::Ecdsa(HashAlg::Sha1)
    );
    assert!(matches!(
        verify_chain(
            std::slice::from_ref(&leaf),
            std::slice::from_ref(&root),
            &now()
        ),
        Err(ChainError::UnsupportedAlgorithm { depth: 0, .. })
    ));
    let mut p = now();
    p.allow_sha1 = true;
    assert!(verify_chain(std::slice::from_ref(&leaf), std::slice::from_ref(&root), &p).is_ok());

    // Expired root (the leaf is still valid).
    let old_root = build(&Spec {
        not_after: "260101000000Z",
        ..spec(1, "Root", "Root", 1, 1)
    });
    let leaf = build(&leaf_spec("Root", 1));
    assert_eq!(
        verify_chain(
            std::slice::from_ref(&leaf),
            std::slice::from_ref(&old_root),
            &now()
        )
        .unwrap_err(),
        ChainError::Expired {
            depth: 1,
            not_after: Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
        }
    );
    // Self-issued root whose signature is by another key.
    let forged_root = build(&spec(1, "Root", "Root", 1, 5));
    let leaf = build(&leaf_spec("Root", 1));
    assert_eq!(
        verify_chain(
            std::slice::from_ref(&leaf),
            std::slice::from_ref(&forged_root),
            &now()
        )
        .unwrap_err(),
        ChainError::RootNotSelfSigned
    );
}

#[test]
fn crl_revocation() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let inter = build(&spec(2, "Inter", "Root", 2, 1));
    let leaf = build(&leaf_spec("Inter", 2));
    let chain = [leaf.clone(), inter.clone()];
    let mut p = now();
    // The intermediate revokes serial 9 (the leaf).
    p.crls = vec![crl("Inter", 2, &[4, 9], "270101000000Z")];
    assert_eq!(
        p.crls[0].revoked_serials_hex(),
        vec!["04".to_owned(), "09".to_owned()]
    );
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&root), &p).unwrap_err(),
        ChainError::Revoked {
            depth: 0,
            serial: "09".to_owned()
        }
    );
    // The root revokes the intermediate.
    p.crls = vec![
        crl("Inter", 2, &[], "270101000000Z"),
        crl("Root", 1, &[2], "270101000000Z"),
    ];
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&root), &p).unwrap_err(),
        ChainError::Revoked {
            depth: 1,
            serial: "02".to_owned()
        }
    );
    // Clean CRLs from both issuers.
    p.crls = vec![
        crl("Inter", 2, &[4], "270101000000Z"),
        crl("Root", 1, &[], "270101000000Z"),
    ];
    p.require_crls = true;
    assert!(verify_chain(&chain, std::slice::from_ref(&root), &p).is_ok());
    // A CRL naming the intermediate but signed by another key.
    p.crls = vec![
        crl("Inter", 5, &[], "270101000000Z"),
        crl("Root", 1, &[], "270101000000Z"),
    ];
    assert!(matches!(
        verify_chain(&chain, std::slice::from_ref(&root), &p),
        Err(ChainError::CrlBadSignature { depth: 0, .. })
    ));
    // Stale CRL.
    p.crls = vec![
        crl("Inter", 2, &[], "260101000000Z"),
        crl("Root", 1, &[], "270101000000Z"),
    ];
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&root), &p).unwrap_err(),
        ChainError::CrlNotCurrent { depth: 0 }
    );
    // An issuer whose keyUsage lacks cRLSign cannot sign CRLs.
    let inter_nocrl = build(&Spec {
        ku: Some(0x04),
        ..spec(2, "Inter", "Root", 2, 1)
    });
    let c = crl("Inter", 2, &[], "270101000000Z");
    assert!(c.verify_signed_by(&inter).is_ok());
    assert!(c.verify_signed_by(&inter_nocrl).is_err());
}

#[test]
fn caps_and_garbage() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let pem_one = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        cmcp_json::encoding::b64_encode(root.der())
    );
    assert_eq!(
        parse_pem_bundle(pem_one.as_bytes()).unwrap(),
        vec![root.clone()]
    );
    // 16 certificates are fine, 17 are not.
    assert_eq!(
        parse_pem_bundle(pem_one.repeat(16).as_bytes())
            .unwrap()
            .len(),
        16
    );
    assert_eq!(
        parse_pem_bundle(pem_one.repeat(17).as_bytes()).unwrap_err(),
        X509Error::TooManyCertificates { max: 16 }
    );
    // Over the 1 MiB bundle cap.
    let big = vec![b'A'; MAX_BUNDLE_BYTES + 1];
    assert!(matches!(
        parse_pem_bundle(&big),
        Err(X509Error::TooLarge { .. })
    ));
    // Over the 64 KiB DER cap.
    let mut huge = vec![0x30, 0x83, 0x01, 0x00, 0x00];
    huge.resize(MAX_CERT_DER + 1, 0);
    assert!(matches!(
        Certificate::from_der(&huge),
        Err(X509Error::TooLarge { .. })
    ));
    assert!(matches!(
        parse_certs(&huge),
        Err(X509Error::TooLarge { .. })
    ));
    // Garbage PEM.
    assert!(matches!(
        parse_pem_bundle(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
        Err(X509Error::Pem(_))
    ));
    assert!(matches!(
        parse_pem_bundle(b"-----BEGIN CERTIFICATE-----\nAAAA\n"),
        Err(X509Error::Pem(_))
    ));
    assert!(matches!(
        parse_pem_bundle(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Err(X509Error::Der(_))
    ));
    assert_eq!(
        parse_pem_bundle(b"").unwrap_err(),
        X509Error::NotFound("PEM certificate")
    );
    assert!(parse_certs(&[0x30]).is_err());
    // Truncations of a synthetic certificate at every length.
    for cut in 0..root.der().len() {
        assert!(Certificate::from_der(&root.der()[..cut]).is_err(), "{cut}");
    }
    // Duplicate extension.
    let dup = build_der(&Spec {
        dup_basic: true,
        ..spec(1, "Root", "Root", 1, 1)
    });
    assert_eq!(
        Certificate::from_der(&dup).unwrap_err(),
        X509Error::Extension {
            oid: "2.5.29.19".to_owned(),
            reason: "duplicate extension".to_owned()
        }
    );
    // A chain of 20 certificates.
    let twenty = vec![root.clone(); 20];
    assert_eq!(
        verify_chain(&twenty, std::slice::from_ref(&root), &now()).unwrap_err(),
        ChainError::TooLong { len: 20, max: 8 }
    );
    // A chain of exactly 8 (root included) is within the cap; 8 presented + appended root is not.
    let names: Vec<String> = (0..8).map(|i| format!("CA{i}")).collect();
    let mut certs = Vec::new();
    for i in 0..7u8 {
        let s = Spec {
            basic: Some((true, None)),
            ..spec(
                10 + i,
                &names[i as usize],
                &names[i as usize + 1],
                20 + i,
                21 + i,
            )
        };
        certs.push(build(&s));
    }
    let top = build(&spec(99, &names[7], &names[7], 27, 27));
    let mut p = now();
    p.require_leaf_not_ca = false;
    assert_eq!(
        verify_chain(&certs, std::slice::from_ref(&top), &p)
            .unwrap()
            .certificates
            .len(),
        8
    );
    let mut nine = vec![build(&Spec {
        basic: None,
        ..spec(5, "L", "CA0", 19, 20)
    })];
    nine.extend(certs.iter().cloned());
    assert_eq!(
        verify_chain(&nine, std::slice::from_ref(&top), &p).unwrap_err(),
        ChainError::TooLong { len: 9, max: 8 }
    );
}

#[test]
fn unknown_critical_extension_only_when_enabled() {
    let root = build(&spec(1, "Root", "Root", 1, 1));
    let leaf = build(&Spec {
        crit_unknown: true,
        ..leaf_spec("Root", 1)
    });
    let e = leaf.extensions();
    assert_eq!(e.len(), 2);
    assert!(
        e.iter()
            .any(|x| x.critical && x.oid.to_string() == "1.3.6.1.4.1.99999.1")
    );
    assert_eq!(
        leaf.extension_value("1.3.6.1.4.1.99999.1"),
        Some(&[0x05, 0x00][..])
    );
    let mut p = now();
    assert!(verify_chain(std::slice::from_ref(&leaf), std::slice::from_ref(&root), &p).is_ok());
    p.reject_unknown_critical = true;
    assert_eq!(
        verify_chain(std::slice::from_ref(&leaf), std::slice::from_ref(&root), &p).unwrap_err(),
        ChainError::UnknownCriticalExtension {
            depth: 0,
            oid: "1.3.6.1.4.1.99999.1".to_owned()
        }
    );
}
