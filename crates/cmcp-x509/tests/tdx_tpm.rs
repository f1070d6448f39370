//! Real Intel PCK chains (embedded in TDX quotes), Intel CRLs from DCAP
//! collateral, and synthetic TPM AK chains with real TPM signatures.
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

fn hw(sub: &str) -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware")
        .join(sub);
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("skipped: fixture folder absent ({})", d.display());
        None
    }
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

/// The PEM text embedded in a quote's certification data.
fn embedded_pem(quote: &[u8]) -> &[u8] {
    let begin = b"-----BEGIN CERTIFICATE-----";
    let end = b"-----END CERTIFICATE-----";
    let i = quote.windows(begin.len()).position(|w| w == begin).unwrap();
    let j = quote.windows(end.len()).rposition(|w| w == end).unwrap();
    &quote[i..j + end.len()]
}

const INTEL_ROOT_FP: &str = "44a0196b2b99f889b8e149e95b807a350e74249643 99e885a7cbb8ccfab674d3";
const PLATFORM_CA_FP: &str = "22eb770dca215b607b5ccfc21a672b1da5cc660b1ad03650205679 79edcaa0e1";

fn fp(s: &str) -> String {
    s.replace(' ', "")
}

#[test]
fn gcp_tdx_pck_chain() {
    let Some(d) = hw("gcp-tdx-2026-07-21") else {
        return;
    };
    let quote = std::fs::read(d.join("tdx_quote.bin")).unwrap();
    let pem = embedded_pem(&quote);
    assert_eq!(quote.windows(pem.len()).position(|w| w == pem), Some(1258));
    // Parsing straight from the binary quote also works: text around blocks is ignored.
    let chain = parse_pem_bundle(&quote).unwrap();
    assert_eq!(chain, parse_pem_bundle(pem).unwrap());
    assert_eq!(chain.len(), 3);
    let (leaf, platform, root) = (&chain[0], &chain[1], &chain[2]);
    assert_eq!(
        hex(&leaf.sha256_fingerprint()),
        "0a45e5b56f6b9af205461510c9f72023779d5199f862762e22e4084d9eb4b61c"
    );
    assert_eq!(hex(&platform.sha256_fingerprint()), fp(PLATFORM_CA_FP));
    assert_eq!(hex(&root.sha256_fingerprint()), fp(INTEL_ROOT_FP));
    assert_eq!(
        leaf.subject(),
        "C=US,ST=CA,L=Santa Clara,O=Intel Corporation,CN=Intel SGX PCK Certificate"
    );
    assert_eq!(leaf.issuer_der(), platform.subject_der());
    assert_eq!(
        root.subject_common_name().as_deref(),
        Some("Intel SGX Root CA")
    );
    assert_eq!(
        leaf.serial_hex(),
        "2b96999f8770e0141b731b35beee62fd426e144f"
    );
    assert_eq!(
        platform.serial_hex(),
        "956f5dcdbd1be1e94049c9d4f433ce01570bde54"
    );
    assert_eq!(platform.serial_bytes()[0], 0x00); // DER sign byte kept in the raw bytes
    assert_eq!(root.not_after(), ts("2049-12-31T23:59:59Z"));
    assert_eq!(leaf.not_before(), ts("2026-05-27T22:13:59Z"));
    for c in &chain {
        assert_eq!(
            c.signature_algorithm().unwrap(),
            SigAlg::Ecdsa(HashAlg::Sha256)
        );
        assert_eq!(c.public_key().unwrap().curve(), Some(Curve::P256));
    }
    assert!(!leaf.is_ca() && platform.is_ca() && root.is_ca());
    assert_eq!(platform.path_len_constraint(), Some(0));
    let sgx = leaf.extension_value(oids::INTEL_SGX_EXTENSIONS).unwrap();
    assert_eq!(sgx[0], 0x30); // a SEQUENCE of (OID, value) pairs
    assert!(sgx.len() > 400);

    let policy = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));
    let v = verify_chain(&chain, std::slice::from_ref(root), &policy).unwrap();
    assert!(
        !v.root_appended,
        "the presented chain already ends in the pinned root"
    );
    assert_eq!(v.certificates.len(), 3);
    assert_eq!(hex(&v.root_fingerprint), fp(INTEL_ROOT_FP));
    assert_eq!(v.leaf_public_key, leaf.public_key().unwrap());
    let mut strict = policy.clone();
    strict.reject_unknown_critical = true;
    assert!(verify_chain(&chain, std::slice::from_ref(root), &strict).is_ok());
    // Leaf + Platform CA only: the root is appended from the pin.
    let v = verify_chain(&chain[..2], std::slice::from_ref(root), &policy).unwrap();
    assert!(v.root_appended);
    assert_eq!(v.certificates.len(), 3);

    // Before the leaf's notBefore.
    assert_eq!(
        verify_chain(
            &chain,
            std::slice::from_ref(root),
            &ChainPolicy::at(ts("2026-05-01T00:00:00Z"))
        )
        .unwrap_err(),
        ChainError::NotYetValid {
            depth: 0,
            not_before: ts("2026-05-27T22:13:59Z")
        }
    );
    // After the Platform CA's notAfter (2033-05-21T10:50:10Z) but before the leaf's.
    let e = verify_chain(
        &chain,
        std::slice::from_ref(root),
        &ChainPolicy::at(ts("2033-05-22T00:00:00Z")),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ChainError::Expired {
            depth: 1,
            not_after: ts("2033-05-21T10:50:10Z")
        }
    );

    // Flipping a byte of the leaf's ECDSA signature: either a malformed DER
    // signature or a wrong one; both are BadSignature.
    for back in [1usize, 5, 20] {
        let mut b = leaf.der().to_vec();
        let i = b.len() - back;
        b[i] ^= 0x01;
        let bad = Certificate::from_der(&b).unwrap();
        assert_eq!(
            verify_chain(
                &[bad, platform.clone(), root.clone()],
                std::slice::from_ref(root),
                &policy
            )
            .unwrap_err(),
            ChainError::BadSignature { depth: 0 }
        );
    }

    // The platform CA is not a valid pin: it is not self-signed.
    assert_eq!(
        verify_chain(&chain[..2], std::slice::from_ref(platform), &policy).unwrap_err(),
        ChainError::RootNotSelfSigned
    );

    // A leaf presented twice: its issuer is the Platform CA, not the pinned root.
    assert_eq!(
        verify_chain(
            &[leaf.clone(), leaf.clone()],
            std::slice::from_ref(root),
            &policy
        )
        .unwrap_err(),
        ChainError::UntrustedRoot
    );
    // The leaf alone, with the Platform CA pinned (not self-signed).
    assert_eq!(
        verify_chain(
            std::slice::from_ref(leaf),
            std::slice::from_ref(platform),
            &policy
        )
        .unwrap_err(),
        ChainError::RootNotSelfSigned
    );

    // The raw P-256 r||s helpers against the PCK leaf's certificate signature by the platform CA.
    let sig_der = leaf.signature_bytes().unwrap();
    let (r, s) = ecdsa_der_to_rs(sig_der, 32);
    let pk = platform.public_key().unwrap();
    let r32: [u8; 32] = r.clone().try_into().unwrap();
    let s32: [u8; 32] = s.clone().try_into().unwrap();
    pk.verify_ecdsa_p256_sha256_rs(&r32, &s32, leaf.tbs_der())
        .unwrap();
    pk.verify_ecdsa_raw(HashAlg::Sha256, leaf.tbs_der(), &r, &s)
        .unwrap();
    pk.verify_ecdsa_prehash(&HashAlg::Sha256.digest(leaf.tbs_der()), &r, &s)
        .unwrap();
    assert_eq!(
        pk.verify_ecdsa_raw(HashAlg::Sha384, leaf.tbs_der(), &r, &s),
        Err(X509Error::BadSignature)
    );
    let mut r_bad = r32;
    r_bad[31] ^= 1;
    assert_eq!(
        pk.verify_ecdsa_p256_sha256_rs(&r_bad, &s32, leaf.tbs_der()),
        Err(X509Error::BadSignature)
    );
    assert!(
        pk.verify_ecdsa_raw(HashAlg::Sha256, leaf.tbs_der(), &r[1..], &s)
            .is_err()
    );
    assert!(matches!(
        pk.verify_ecdsa_p384_sha384_rs(&[1; 48], &[1; 48], b"x"),
        Err(X509Error::KeyAlgorithmMismatch { .. })
    ));
    // The same key rebuilt from SEC1 and from coordinates verifies too.
    let PublicKey::EcP256(ec) = &pk else { panic!() };
    let pk2 = PublicKey::from_sec1_point(Curve::P256, ec.sec1_uncompressed()).unwrap();
    let pk3 = PublicKey::from_ec_coordinates(Curve::P256, ec.x(), ec.y()).unwrap();
    assert_eq!(pk2, pk);
    assert_eq!(pk3, pk);
    assert_eq!(
        PublicKey::from_spki_der(&platform.spki_der().unwrap()).unwrap(),
        pk
    );
}

/// Splits a DER ECDSA-Sig-Value into fixed-length big-endian r, s (test helper).
fn ecdsa_der_to_rs(sig: &[u8], n: usize) -> (Vec<u8>, Vec<u8>) {
    assert_eq!(sig[0], 0x30);
    let mut i = 2;
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(sig[i], 0x02);
        let len = sig[i + 1] as usize;
        let v = &sig[i + 2..i + 2 + len];
        let v = if v.len() > n { &v[v.len() - n..] } else { v };
        let mut fixed = vec![0u8; n - v.len()];
        fixed.extend_from_slice(v);
        out.push(fixed);
        i += 2 + len;
    }
    (out[0].clone(), out[1].clone())
}

fn collateral_crl(d: &Path, file: &str, key: &str) -> Crl {
    let text = std::fs::read_to_string(d.join(file)).unwrap();
    let v = cmcp_json::parse(text.as_bytes()).unwrap();
    let hexstr = v.get(key).and_then(|x| x.as_str()).unwrap().to_owned();
    Crl::parse(hexstr.as_bytes()).unwrap()
}

#[test]
fn dcap_collateral_crls() {
    let Some(d) = hw("dcap-qvl-samples") else {
        return;
    };
    let quote = std::fs::read(d.join("tdx_quote")).unwrap();
    let chain = parse_pem_bundle(embedded_pem(&quote)).unwrap();
    assert_eq!(chain.len(), 3);
    let root = chain[2].clone();
    assert_eq!(hex(&root.sha256_fingerprint()), fp(INTEL_ROOT_FP));
    assert_eq!(
        hex(&chain[0].sha256_fingerprint()),
        "c2fb4124d84998cc005c38e13766843777e1c47a1e0b89ad720fd70c2e90927e"
    );
    let pck_crl = collateral_crl(&d, "tdx_quote_collateral.json", "pck_crl");
    let root_crl = collateral_crl(&d, "tdx_quote_collateral.json", "root_ca_crl");
    assert_eq!(pck_crl.issuer(), chain[1].subject());
    assert_eq!(root_crl.issuer(), root.subject());
    assert_eq!(pck_crl.this_update(), ts("2025-06-19T10:00:35Z"));
    assert_eq!(pck_crl.next_update(), Some(ts("2025-07-19T10:00:35Z")));
    assert_eq!(root_crl.this_update(), ts("2025-03-20T11:21:57Z"));
    assert_eq!(root_crl.next_update(), Some(ts("2026-04-03T11:21:57Z")));
    assert_eq!(pck_crl.revoked_serials_hex().len(), 44);
    assert!(root_crl.revoked_serials_hex().is_empty());
    assert!(pck_crl.is_revoked(
        &cmcp_json::encoding::hex_decode("6fc34e5023e728923435d61aa4b83c618166ad35").unwrap()
    ));
    assert!(pck_crl.is_revoked(
        &cmcp_json::encoding::hex_decode("006fc34e5023e728923435d61aa4b83c618166ad35").unwrap()
    ));
    assert!(!pck_crl.is_revoked_cert(&chain[0]));
    assert_eq!(
        pck_crl.signature_algorithm().unwrap(),
        SigAlg::Ecdsa(HashAlg::Sha256)
    );
    pck_crl.verify_signed_by(&chain[1]).unwrap();
    root_crl.verify_signed_by(&root).unwrap();
    assert!(pck_crl.verify_signed_by(&root).is_err()); // wrong issuer
    // Same CRL as DER and PEM.
    let from_der = Crl::from_der(pck_crl.der()).unwrap();
    assert_eq!(from_der, pck_crl);
    let pem = format!(
        "-----BEGIN X509 CRL-----\n{}\n-----END X509 CRL-----\n",
        cmcp_json::encoding::b64_encode(pck_crl.der())
    );
    assert_eq!(Crl::parse(pem.as_bytes()).unwrap(), pck_crl);

    // Chain with both CRLs at a time inside both CRL windows.
    let mut policy = ChainPolicy::at(ts("2025-07-01T00:00:00Z"));
    policy.crls = vec![pck_crl.clone(), root_crl.clone()];
    policy.require_crls = true;
    let v = verify_chain(&chain, std::slice::from_ref(&root), &policy).unwrap();
    assert_eq!(v.certificates.len(), 3);
    // After the PCK CRL's nextUpdate.
    policy.now = ts("2025-08-01T00:00:00Z");
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&root), &policy).unwrap_err(),
        ChainError::CrlNotCurrent { depth: 0 }
    );
    // Requiring CRLs without the root CA CRL: the Platform CA (depth 1) is uncovered.
    policy.now = ts("2025-07-01T00:00:00Z");
    policy.crls = vec![pck_crl.clone()];
    assert_eq!(
        verify_chain(&chain, std::slice::from_ref(&root), &policy).unwrap_err(),
        ChainError::CrlMissing { depth: 1 }
    );
    policy.require_crls = false;
    assert!(verify_chain(&chain, std::slice::from_ref(&root), &policy).is_ok());
    // A corrupted CRL signature with the right issuer name is refused.
    let mut b = pck_crl.der().to_vec();
    let last = b.len() - 1;
    b[last] ^= 1;
    policy.crls = vec![Crl::from_der(&b).unwrap()];
    assert!(matches!(
        verify_chain(&chain, std::slice::from_ref(&root), &policy),
        Err(ChainError::CrlBadSignature { depth: 0, .. })
    ));

    // The GCP quote's chain (same Platform CA) at 2026-08-01 with the outdated collateral's CRL.
    if let Some(g) = hw("gcp-tdx-2026-07-21") {
        let q = std::fs::read(g.join("tdx_quote.bin")).unwrap();
        let gchain = parse_pem_bundle(&q).unwrap();
        let old = collateral_crl(&d, "tdx_quote_outdated_collateral.json", "pck_crl");
        assert_eq!(old.next_update(), Some(ts("2026-03-20T10:41:15Z")));
        assert_eq!(old.revoked_serials_hex().len(), 57);
        let mut p = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));
        p.crls = vec![old];
        assert_eq!(
            verify_chain(&gchain, std::slice::from_ref(&root), &p).unwrap_err(),
            ChainError::CrlNotCurrent { depth: 0 }
        );
    }
}

/// Reads TPMT_SIGNATURE: (sigAlg, hashAlg, parts).
fn tpmt_signature(b: &[u8]) -> (u16, u16, Vec<Vec<u8>>) {
    let alg = u16::from_be_bytes([b[0], b[1]]);
    let hash = u16::from_be_bytes([b[2], b[3]]);
    let mut parts = Vec::new();
    let mut i = 4;
    while i < b.len() {
        let n = u16::from_be_bytes([b[i], b[i + 1]]) as usize;
        parts.push(b[i + 2..i + 2 + n].to_vec());
        i += 2 + n;
    }
    (alg, hash, parts)
}

#[test]
fn tpm_ak_chains_and_signatures() {
    let Some(d) = hw("ms-tpm-20-ref-v183") else {
        return;
    };
    let policy = ChainPolicy::at(ts("2026-08-01T00:00:00Z"));
    let cases = [
        (
            "ecdsa-sha384",
            "a25d73d490b2b2fd3ff2e70933c6a811552db22d11b071535ba5bac6d90c86ce",
            "EC-P256",
        ),
        (
            "rsapss-sha256",
            "1d41ee1150f4d6e39f7ec6d554a3cc9db90c8bb5d132240718a51f0944cbfa52",
            "RSA-2048",
        ),
        (
            "rsassa-sha256",
            "f4cfd29a88c8b3129d8229861c82b8c48538788b43e2ca90c793ec15c27c8bb3",
            "RSA-2048",
        ),
        (
            "rsassa-sha384",
            "d597720c30494691aebc756db92c9b7eb1f971a3b54e2fd86a40d2c875ecf409",
            "RSA-2048",
        ),
    ];
    for (name, ak_fp, kind) in cases {
        let chain =
            parse_pem_bundle(&std::fs::read(d.join(format!("{name}-ak-chain.pem"))).unwrap())
                .unwrap();
        let roots =
            parse_pem_bundle(&std::fs::read(d.join(format!("{name}-root.pem"))).unwrap()).unwrap();
        assert_eq!(chain.len(), 2, "{name}");
        assert_eq!(roots.len(), 1, "{name}");
        assert_eq!(hex(&chain[0].sha256_fingerprint()), ak_fp, "{name}");
        assert_eq!(chain[0].subject(), "CN=h3-simulator-ak");
        assert_eq!(chain[0].issuer(), "CN=h3-synthetic-ak-root");
        assert_eq!(chain[0].not_before(), ts("2026-01-01T00:00:00Z"));
        assert_eq!(chain[0].not_after(), ts("2035-12-30T00:00:00Z"));
        let v = verify_chain(&chain, &roots, &policy).unwrap();
        assert!(!v.root_appended);
        let mut strict = policy.clone();
        strict.reject_unknown_critical = true;
        assert!(verify_chain(&chain, &roots, &strict).is_ok());
        assert_eq!(v.root_fingerprint, roots[0].sha256_fingerprint());
        assert_eq!(v.leaf_public_key.kind(), kind, "{name}");
        // Leaf alone also validates (root appended from the pin).
        assert!(
            verify_chain(&chain[..1], &roots, &policy)
                .unwrap()
                .root_appended
        );
        // Before 2026 nothing is valid.
        assert!(matches!(
            verify_chain(&chain, &roots, &ChainPolicy::at(ts("2025-12-31T23:59:59Z"))),
            Err(ChainError::NotYetValid { depth: 0, .. })
        ));

        // The AK's real TPM2_Quote signature over TPMS_ATTEST.
        let attest = std::fs::read(d.join(format!("{name}-attest.bin"))).unwrap();
        assert_eq!(&attest[..4], b"\xffTCG");
        let sig = std::fs::read(d.join(format!("{name}-tpmt-signature.bin"))).unwrap();
        let (alg, hash, parts) = tpmt_signature(&sig);
        let hash = match hash {
            0x000b => HashAlg::Sha256,
            0x000c => HashAlg::Sha384,
            h => panic!("hash {h:#x}"),
        };
        let key = &v.leaf_public_key;
        let mut tampered = attest.clone();
        tampered[10] ^= 1;
        match alg {
            0x0018 => {
                assert_eq!(name, "ecdsa-sha384");
                key.verify_ecdsa_raw(hash, &attest, &parts[0], &parts[1])
                    .unwrap();
                assert_eq!(
                    key.verify_ecdsa_raw(hash, &tampered, &parts[0], &parts[1]),
                    Err(X509Error::BadSignature)
                );
            }
            0x0016 => {
                assert_eq!(name, "rsapss-sha256");
                key.verify_rsa_pss(hash, None, &attest, &parts[0]).unwrap();
                assert_eq!(
                    key.verify_rsa_pss(hash, None, &tampered, &parts[0]),
                    Err(X509Error::BadSignature)
                );
                // Not a PKCS#1 v1.5 signature.
                assert!(key.verify_rsa_pkcs1v15(hash, &attest, &parts[0]).is_err());
            }
            0x0014 => {
                key.verify_rsa_pkcs1v15(hash, &attest, &parts[0]).unwrap();
                assert!(
                    key.verify(SigAlg::RsaPkcs1v15(hash), &attest, &parts[0])
                        .is_ok()
                );
                assert_eq!(
                    key.verify_rsa_pkcs1v15(hash, &tampered, &parts[0]),
                    Err(X509Error::BadSignature)
                );
                let other = if hash == HashAlg::Sha256 {
                    HashAlg::Sha384
                } else {
                    HashAlg::Sha256
                };
                assert!(key.verify_rsa_pkcs1v15(other, &attest, &parts[0]).is_err());
                assert!(key.verify_rsa_pss(hash, None, &attest, &parts[0]).is_err());
            }
            a => panic!("alg {a:#x}"),
        }
    }
    // Cross-check: the ECDSA root does not anchor an RSA AK chain (different synthetic roots).
    let ecdsa_root =
        parse_pem_bundle(&std::fs::read(d.join("ecdsa-sha384-root.pem")).unwrap()).unwrap();
    let rsa_leaf =
        parse_pem_bundle(&std::fs::read(d.join("rsassa-sha256-ak-chain.pem")).unwrap()).unwrap();
    assert_eq!(
        verify_chain(&rsa_leaf[..1], &ecdsa_root, &policy).unwrap_err(),
        ChainError::BadSignature { depth: 0 }
    );
}
