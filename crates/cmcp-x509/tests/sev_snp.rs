//! Real AMD SEV-SNP certificates (Milan, Genoa, Turin) from the fixture folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::path::{Path, PathBuf};

use cmcp_policy::Timestamp;
use cmcp_x509::*;

fn dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware/sev-crate-milan-turin");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("skipped: fixture folder absent ({})", d.display());
        None
    }
}

fn pem1(d: &Path, name: &str) -> Certificate {
    let v = parse_pem_bundle(&std::fs::read(d.join(name)).unwrap()).unwrap();
    assert_eq!(v.len(), 1, "{name}");
    v.into_iter().next().unwrap()
}

fn der(d: &Path, name: &str) -> Certificate {
    Certificate::from_der(&std::fs::read(d.join(name)).unwrap()).unwrap()
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

const MILAN_ARK_FP: &str = "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd";
const MILAN_ASK_FP: &str = "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b";
const GENOA_ARK_FP: &str = "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1";
const TURIN_ARK_FP: &str = "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a";
const VCEK_MILAN_FP: &str = "3bbfb6ee259f75a95d13168cfdf2e034181bb93c7c016825731cbe8ea16c95e1";
const VCEK_TURIN_FP: &str = "a4a6abff1c435f214cfbc35e4dadae55e467454d53dc417251b3ff1a169fd7fb";

#[test]
fn milan_certificate_fields() {
    let Some(d) = dir() else { return };
    let ark = pem1(&d, "milan_ark.pem");
    let ask = pem1(&d, "milan_ask.pem");
    let vcek = der(&d, "vcek_milan.der");
    assert_eq!(hex(&ark.sha256_fingerprint()), MILAN_ARK_FP);
    assert_eq!(hex(&ask.sha256_fingerprint()), MILAN_ASK_FP);
    assert_eq!(hex(&vcek.sha256_fingerprint()), VCEK_MILAN_FP);
    assert_eq!(
        ask.subject(),
        "CN=SEV-Milan,O=Advanced Micro Devices,ST=CA,L=Santa Clara,C=US,OU=Engineering"
    );
    assert_eq!(
        ask.issuer(),
        "CN=ARK-Milan,O=Advanced Micro Devices,ST=CA,L=Santa Clara,C=US,OU=Engineering"
    );
    assert_eq!(vcek.subject_common_name().as_deref(), Some("SEV-VCEK"));
    assert_eq!(ark.serial_hex(), "010000");
    assert_eq!(ask.serial_hex(), "010001");
    assert_eq!(vcek.serial_hex(), "00");
    assert_eq!(ask.not_before(), ts("2020-10-22T18:24:20Z"));
    assert_eq!(ask.not_after(), ts("2045-10-22T18:24:20Z"));
    assert_eq!(vcek.not_before(), ts("2023-04-03T19:23:43Z"));
    assert_eq!(vcek.not_after(), ts("2030-04-03T19:23:43Z"));
    // RSASSA-PSS SHA-384, MGF1-SHA-384, salt 48 on all three.
    let pss = SigAlg::RsaPss {
        hash: HashAlg::Sha384,
        salt_len: 48,
    };
    assert_eq!(ask.signature_algorithm().unwrap(), pss);
    assert_eq!(ark.signature_algorithm().unwrap(), pss);
    assert_eq!(vcek.signature_algorithm().unwrap(), pss);
    assert_eq!(ask.signature_bytes().unwrap().len(), 512);
    // CA flags.
    assert!(ark.is_ca() && ask.is_ca() && !vcek.is_ca());
    assert_eq!(ask.path_len_constraint(), Some(0));
    let ku = ask.key_usage().unwrap();
    assert!(ku.key_cert_sign && !ku.crl_sign && !ku.digital_signature);
    assert!(ark.key_usage().unwrap().crl_sign);
    assert_eq!(vcek.key_usage(), None);
    assert!(vcek.extended_key_usage().is_empty());
    // Keys.
    match ask.public_key().unwrap() {
        PublicKey::Rsa(k) => {
            assert_eq!(k.bits(), 4096);
            assert_eq!(k.exponent_be(), &[1, 0, 1]);
        }
        other => panic!("{other:?}"),
    }
    let vk = vcek.public_key().unwrap();
    assert_eq!(vk.kind(), "EC-P384");
    // VCEK TCB extensions: DER INTEGERs; hwID: 64 raw bytes.
    assert_eq!(
        vcek.extension_value(oids::AMD_BL_SPL),
        Some(&[0x02, 0x01, 0x03][..])
    );
    assert_eq!(
        vcek.extension_value(oids::AMD_TEE_SPL),
        Some(&[0x02, 0x01, 0x00][..])
    );
    assert_eq!(
        vcek.extension_value(oids::AMD_SNP_SPL),
        Some(&[0x02, 0x01, 0x08][..])
    );
    assert_eq!(
        vcek.extension_value(oids::AMD_UCODE_SPL),
        Some(&[0x02, 0x01, 0x73][..])
    );
    assert_eq!(vcek.extension_value(oids::AMD_FMC_SPL), None);
    assert_eq!(
        vcek.extension_value(oids::AMD_PRODUCT_NAME),
        Some(&b"\x16\x08Milan-B0"[..])
    );
    let hwid = vcek.extension_value(oids::AMD_HWID).unwrap();
    assert_eq!(hwid.len(), 64);
    assert_eq!(hex(&hwid[..8]), "d49554ec717f4e5b");
    assert_eq!(vcek.extension_value("not-an-oid"), None);
    assert_eq!(vcek.extensions().len(), 11);
    assert!(vcek.extensions().iter().all(|e| !e.critical));
    // tbs_der is inside der, right after the outer header.
    let tbs = vcek.tbs_der();
    assert_eq!(&vcek.der()[4..4 + tbs.len()], tbs);
}

#[test]
fn milan_vcek_chain_verifies() {
    let Some(d) = dir() else { return };
    let ark = pem1(&d, "milan_ark.pem");
    let ask = pem1(&d, "milan_ask.pem");
    let vcek = der(&d, "vcek_milan.der");
    let policy = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));

    // Root not presented: appended from the pinned set.
    let v = verify_chain(
        &[vcek.clone(), ask.clone()],
        std::slice::from_ref(&ark),
        &policy,
    )
    .unwrap();
    assert!(v.root_appended);
    assert_eq!(v.certificates.len(), 3);
    assert_eq!(hex(&v.root_fingerprint), MILAN_ARK_FP);
    assert_eq!(v.leaf().unwrap(), &vcek);
    assert_eq!(v.root().unwrap(), &ark);
    assert_eq!(v.leaf_public_key, vcek.public_key().unwrap());

    // cert_chain_milan is ASK then ARK (PEM): the root must not be appended again.
    let bundle = parse_pem_bundle(&std::fs::read(d.join("cert_chain_milan")).unwrap()).unwrap();
    assert_eq!(bundle.len(), 2);
    assert_eq!(bundle[0], ask);
    assert_eq!(bundle[1], ark);
    let mut chain = vec![vcek.clone()];
    chain.extend(bundle);
    // Several pinned roots: the right one is found by DER equality.
    let genoa = pem1(&d, "genoa_ark.pem");
    let v = verify_chain(&chain, &[genoa.clone(), ark.clone()], &policy).unwrap();
    assert!(!v.root_appended);
    assert_eq!(v.certificates.len(), 3);
    assert_eq!(hex(&v.root_fingerprint), MILAN_ARK_FP);

    // Strict critical-extension mode accepts the real AMD chain.
    let mut strict = policy.clone();
    strict.reject_unknown_critical = true;
    assert!(verify_chain(&chain, std::slice::from_ref(&ark), &strict).is_ok());

    // Only the ARK presented as a single-cert chain equal to the pinned root.
    let v = verify_chain(
        std::slice::from_ref(&ark),
        std::slice::from_ref(&ark),
        &policy,
    )
    .unwrap();
    assert_eq!(v.certificates.len(), 1);
}

#[test]
fn milan_chain_failures() {
    let Some(d) = dir() else { return };
    let ark = pem1(&d, "milan_ark.pem");
    let ask = pem1(&d, "milan_ask.pem");
    let genoa_ark = pem1(&d, "genoa_ark.pem");
    let turin_ask = pem1(&d, "turin_ask.pem");
    let vcek = der(&d, "vcek_milan.der");
    let policy = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));
    let chain = [vcek.clone(), ask.clone()];

    // Wrong pinned root.
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&genoa_ark), &policy).unwrap_err(),
        ChainError::UntrustedRoot
    );
    let with_root = [vcek.clone(), ask.clone(), ark.clone()];
    let e = verify_chain(&with_root, std::slice::from_ref(&genoa_ark), &policy).unwrap_err();
    assert_eq!(e, ChainError::UntrustedRoot);
    assert_eq!(e.code(), "untrusted_root");
    assert_eq!(
        verify_chain(&chain, &[], &policy).unwrap_err(),
        ChainError::NoPinnedRoots
    );
    assert_eq!(
        verify_chain(&[], std::slice::from_ref(&ark), &policy).unwrap_err(),
        ChainError::Empty
    );

    // Expired: one second after the VCEK's notAfter.
    let late = ChainPolicy::at(ts("2030-04-03T19:23:44Z"));
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&ark), &late).unwrap_err(),
        ChainError::Expired {
            depth: 0,
            not_after: ts("2030-04-03T19:23:43Z")
        }
    );
    // Exactly at notAfter is still valid.
    let edge = ChainPolicy::at(ts("2030-04-03T19:23:43Z"));
    assert!(verify_chain(&chain, std::slice::from_ref(&ark), &edge).is_ok());
    // Far future: the ASK/ARK expire too, but the leaf is reported first.
    let e = verify_chain(
        &chain,
        std::slice::from_ref(&ark),
        &ChainPolicy::at(ts("2050-01-01T00:00:00Z")),
    );
    assert!(matches!(e, Err(ChainError::Expired { depth: 0, .. })));
    // Not yet valid.
    let early = ChainPolicy::at(ts("2023-04-03T19:23:42Z"));
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&ark), &early).unwrap_err(),
        ChainError::NotYetValid {
            depth: 0,
            not_before: ts("2023-04-03T19:23:43Z")
        }
    );

    // One flipped byte of the VCEK signature (the last DER byte is in the signature).
    let mut bytes = vcek.der().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let bad = Certificate::from_der(&bytes).unwrap();
    assert_eq!(
        verify_chain(&[bad, ask.clone()], std::slice::from_ref(&ark), &policy).unwrap_err(),
        ChainError::BadSignature { depth: 0 }
    );
    // One flipped byte of the hwID extension (inside the TBS).
    let hwid = vcek.extension_value(oids::AMD_HWID).unwrap().to_vec();
    let mut bytes = vcek.der().to_vec();
    let at = bytes
        .windows(64)
        .position(|w| w == hwid.as_slice())
        .unwrap();
    bytes[at + 10] ^= 0x80;
    let bad = Certificate::from_der(&bytes).unwrap();
    assert_eq!(
        verify_chain(&[bad, ask.clone()], std::slice::from_ref(&ark), &policy).unwrap_err(),
        ChainError::BadSignature { depth: 0 }
    );
    // Flipped ASK signature: the ASK is at depth 1.
    let mut bytes = ask.der().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let bad_ask = Certificate::from_der(&bytes).unwrap();
    assert_eq!(
        verify_chain(
            &[vcek.clone(), bad_ask],
            std::slice::from_ref(&ark),
            &policy
        )
        .unwrap_err(),
        ChainError::BadSignature { depth: 1 }
    );

    // Wrong intermediate: VCEK (issuer SEV-Milan) under the Turin ASK.
    let turin_ark = pem1(&d, "turin_ark.pem");
    assert_eq!(
        verify_chain(&[vcek.clone(), turin_ask], &[turin_ark], &policy).unwrap_err(),
        ChainError::NameMismatch { depth: 0 }
    );
    // Skipping the ASK.
    assert_eq!(
        verify_chain(
            &[vcek.clone(), ark.clone()],
            std::slice::from_ref(&ark),
            &policy
        )
        .unwrap_err(),
        ChainError::NameMismatch { depth: 0 }
    );
    // Pinned "root" that is not self-signed: pin the ASK itself.
    assert_eq!(
        verify_chain(
            &[vcek.clone(), ask.clone()],
            std::slice::from_ref(&ask),
            &policy
        )
        .unwrap_err(),
        ChainError::RootNotSelfSigned
    );
    // Chain length cap (root included).
    let mut short = policy.clone();
    short.max_len = 2;
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&ark), &short).unwrap_err(),
        ChainError::TooLong { len: 3, max: 2 }
    );
    // A chain of 20 certificates is refused before any signature work.
    let twenty: Vec<Certificate> = (0..20).map(|_| vcek.clone()).collect();
    assert_eq!(
        verify_chain(&twenty, std::slice::from_ref(&ark), &policy).unwrap_err(),
        ChainError::TooLong { len: 20, max: 8 }
    );
}

#[test]
fn genoa_and_turin_chains() {
    let Some(d) = dir() else { return };
    let policy = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));
    let turin_ark = pem1(&d, "turin_ark.pem");
    let vcek = der(&d, "vcek_turin.der");
    assert_eq!(hex(&vcek.sha256_fingerprint()), VCEK_TURIN_FP);
    assert_eq!(hex(&turin_ark.sha256_fingerprint()), TURIN_ARK_FP);
    let mut chain = vec![vcek.clone()];
    chain.extend(parse_certs(&std::fs::read(d.join("cert_chain_turin")).unwrap()).unwrap());
    assert_eq!(chain.len(), 3);
    let v = verify_chain(&chain, std::slice::from_ref(&turin_ark), &policy).unwrap();
    assert!(!v.root_appended);
    assert_eq!(hex(&v.root_fingerprint), TURIN_ARK_FP);
    assert_eq!(v.leaf_public_key.kind(), "EC-P384");
    assert_eq!(vcek.not_after(), ts("2031-11-06T21:14:00Z"));
    // The Turin VCEK carries the FMC SPL extension.
    assert!(vcek.extension_value(oids::AMD_FMC_SPL).is_some());
    // The Milan ARK does not anchor the Turin chain.
    let milan_ark = pem1(&d, "milan_ark.pem");
    assert_eq!(
        verify_chain(&chain, &[milan_ark], &policy).unwrap_err(),
        ChainError::UntrustedRoot
    );
    // Genoa ASK -> ARK (no VCEK fixture): a two-certificate CA chain.
    let genoa_ark = pem1(&d, "genoa_ark.pem");
    let genoa_ask = pem1(&d, "genoa_ask.pem");
    assert_eq!(hex(&genoa_ark.sha256_fingerprint()), GENOA_ARK_FP);
    let mut p = policy.clone();
    p.require_leaf_not_ca = false;
    let v = verify_chain(
        std::slice::from_ref(&genoa_ask),
        std::slice::from_ref(&genoa_ark),
        &p,
    )
    .unwrap();
    assert!(v.root_appended);
    assert_eq!(
        verify_chain(
            std::slice::from_ref(&genoa_ask),
            std::slice::from_ref(&genoa_ark),
            &policy
        )
        .unwrap_err(),
        ChainError::LeafIsCa
    );
}

#[test]
fn raw_der_and_pem_parsing_of_fixtures() {
    let Some(d) = dir() else { return };
    let raw = std::fs::read(d.join("vcek_milan.der")).unwrap();
    let via = parse_certs(&raw).unwrap();
    assert_eq!(via.len(), 1);
    assert_eq!(hex(&via[0].sha256_fingerprint()), VCEK_MILAN_FP);
    // CRLF-converted PEM with junk between blocks parses identically.
    let pem = std::fs::read_to_string(d.join("cert_chain_milan")).unwrap();
    let crlf = pem.replace('\n', "\r\n").replace(
        "-----END CERTIFICATE-----\r\n",
        "-----END CERTIFICATE-----\r\nsome text here\r\n",
    );
    let a = parse_pem_bundle(pem.as_bytes()).unwrap();
    let b = parse_pem_bundle(crlf.as_bytes()).unwrap();
    assert_eq!(a, b);
    // Truncated DER at many points never panics and always fails.
    for cut in [0, 1, 2, 3, 4, 10, 100, 500, raw.len() / 2, raw.len() - 1] {
        assert!(Certificate::from_der(&raw[..cut]).is_err(), "cut {cut}");
    }
    // Trailing garbage after the certificate is refused.
    let mut extra = raw.clone();
    extra.push(0);
    assert!(Certificate::from_der(&extra).is_err());
    // Every single-byte corruption either fails to parse or parses without panicking.
    for i in 0..raw.len() {
        let mut m = raw.clone();
        m[i] ^= 0xff;
        if let Ok(c) = Certificate::from_der(&m) {
            let _ = c.public_key();
            let _ = c.signature_algorithm();
            let _ = c.subject();
        }
    }
}
