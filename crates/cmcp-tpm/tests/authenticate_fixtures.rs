//! Signature and AK-chain tests on the ms-tpm-20-ref v1.83 simulator vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;
use cmcp_policy::Timestamp;
use cmcp_tpm::authenticate::*;
use cmcp_tpm::parse::*;
use common::*;

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
}

fn roots_of(v: &Vector) -> Vec<cmcp_x509::Certificate> {
    parse_roots(std::slice::from_ref(&v.root)).unwrap()
}

#[test]
fn all_four_simulator_quotes_authenticate() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let chain = verify_ak_chain(&v.chain, &roots_of(&v), now(), false).unwrap();
        assert_eq!(
            chain.leaf().unwrap().subject_common_name().as_deref(),
            Some("h3-simulator-ak")
        );
        let a = Attest::parse_quote(&v.attest).unwrap();
        let s = Signature::parse(&v.sig).unwrap();
        verify_signature(&a, &s, &chain.leaf_public_key, false).unwrap();
        // Also through a TPM2B wrapper: the signature covers the inner structure.
        let mut w = (v.attest.len() as u16).to_be_bytes().to_vec();
        w.extend_from_slice(&v.attest);
        let aw = Attest::parse_quote(&w).unwrap();
        assert_eq!(aw.framing, Framing::Tpm2b);
        verify_signature(&aw, &s, &chain.leaf_public_key, false).unwrap();
    }
}

#[test]
fn root_fingerprints_match_spec() {
    let want = [
        (
            "rsassa-sha256",
            "2e1861c70eb50f3f42a7a6a0a48339d82a838e303464f35c3df83992d60d6108",
        ),
        (
            "rsapss-sha256",
            "07fa884e9ce571791adefce77abdad6aa6d26e0b8612e823037a6845b997911f",
        ),
        (
            "rsassa-sha384",
            "faa3b79d9f0395aad519f4b7dd5df57c2c04ba02afc14b8cb641c4dae1faa7b2",
        ),
        (
            "ecdsa-sha384",
            "b0523008f82efe52f92ce8e96a4aaa137feb77f06289a1241303ec1314e5e0c3",
        ),
    ];
    for (name, fp) in want {
        let Some(v) = load(name) else { return };
        let chain = verify_ak_chain(&v.chain, &roots_of(&v), now(), false).unwrap();
        assert_eq!(hex(&chain.root_fingerprint), fp, "{name}");
    }
}

#[test]
fn another_vectors_root_is_refused() {
    let Some(a) = load("rsassa-sha256") else {
        return;
    };
    let b = load("ecdsa-sha384").unwrap();
    let e = verify_ak_chain(&a.chain, &roots_of(&b), now(), false).unwrap_err();
    assert!(
        matches!(
            &e,
            AuthError::Chain {
                source: cmcp_x509::ChainError::UntrustedRoot
                    | cmcp_x509::ChainError::BadSignature { depth: 1 },
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn chain_outside_validity_refused() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let early = Timestamp::parse_rfc3339("2025-12-31T23:59:59Z").unwrap();
    let late = Timestamp::parse_rfc3339("2035-12-30T00:00:01Z").unwrap();
    for t in [early, late] {
        let e = verify_ak_chain(&v.chain, &roots_of(&v), t, false).unwrap_err();
        assert!(
            matches!(
                &e,
                AuthError::Chain {
                    source: cmcp_x509::ChainError::NotYetValid { depth: 0, .. }
                        | cmcp_x509::ChainError::Expired { depth: 0, .. },
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

fn key(name: &'static str) -> Option<(Vector, cmcp_x509::PublicKey)> {
    let v = load(name)?;
    let k = verify_ak_chain(&v.chain, &roots_of(&v), now(), false)
        .unwrap()
        .leaf_public_key;
    Some((v, k))
}

#[test]
fn flipped_byte_anywhere_in_attest_fails() {
    for name in VECTORS {
        let Some((v, k)) = key(name) else { return };
        let s = Signature::parse(&v.sig).unwrap();
        for i in 0..v.attest.len() {
            let mut m = v.attest.clone();
            m[i] ^= 0x01;
            // Either it no longer parses, or the signature must fail.
            if let Ok(a) = Attest::parse(&m) {
                assert_eq!(
                    verify_signature(&a, &s, &k, false),
                    Err(AuthError::BadSignature),
                    "{name} byte {i}"
                );
            }
            // The raw-message path must fail for every byte regardless of structure.
            assert!(
                verify_signature_over(&m, &s, &k, false).is_err(),
                "{name} byte {i}"
            );
        }
    }
}

#[test]
fn flipped_byte_in_signature_fails() {
    for name in VECTORS {
        let Some((v, k)) = key(name) else { return };
        let a = Attest::parse(&v.attest).unwrap();
        for i in 0..v.sig.len() {
            let mut m = v.sig.clone();
            m[i] ^= 0x01;
            if let Ok(s) = Signature::parse(&m) {
                assert!(
                    verify_signature(&a, &s, &k, false).is_err(),
                    "{name} sig byte {i}"
                );
            }
        }
    }
}

#[test]
fn wrong_hash_or_scheme_fails() {
    let Some((v, k)) = key("rsassa-sha384") else {
        return;
    };
    let a = Attest::parse(&v.attest).unwrap();
    let mut s = Signature::parse(&v.sig).unwrap();
    s.hash = 0x000b; // claim SHA-256 on a SHA-384 signature
    assert_eq!(
        verify_signature(&a, &s, &k, false),
        Err(AuthError::BadSignature)
    );

    let (v, k) = key("rsassa-sha256").unwrap();
    let a = Attest::parse(&v.attest).unwrap();
    let mut s = Signature::parse(&v.sig).unwrap();
    s.scheme = SigScheme::RsaPss;
    assert_eq!(
        verify_signature(&a, &s, &k, false),
        Err(AuthError::BadSignature)
    );
    // ECDSA scheme with an RSA key.
    let e = Signature {
        scheme: SigScheme::EcDsa,
        hash: 0x000b,
        body: SigBody::Ecdsa {
            r: vec![1],
            s: vec![1],
        },
    };
    assert!(matches!(
        verify_signature(&a, &e, &k, false),
        Err(AuthError::SchemeKeyMismatch { want: "EC", .. })
    ));

    // RSASSA with the EC key.
    let (v, k) = key("ecdsa-sha384").unwrap();
    let a = Attest::parse(&v.attest).unwrap();
    let r = Signature {
        scheme: SigScheme::RsaSsa,
        hash: 0x000c,
        body: SigBody::Rsa(vec![1; 256]),
    };
    assert!(matches!(
        verify_signature(&a, &r, &k, false),
        Err(AuthError::SchemeKeyMismatch { want: "RSA", .. })
    ));
    assert_eq!(k.curve(), Some(cmcp_x509::Curve::P256));
    // ECDSA on P-256 with SHA-256 instead of SHA-384 fails.
    let mut s = Signature::parse(&v.sig).unwrap();
    s.hash = 0x000b;
    assert_eq!(
        verify_signature(&a, &s, &k, false),
        Err(AuthError::BadSignature)
    );
    // Leading zero bytes on r and s are tolerated (integers, not DER).
    let s = Signature::parse(&v.sig).unwrap();
    let SigBody::Ecdsa { r, s: ss } = &s.body else {
        panic!()
    };
    let mut r2 = vec![0u8, 0];
    r2.extend_from_slice(r);
    let padded = Signature {
        scheme: SigScheme::EcDsa,
        hash: 0x000c,
        body: SigBody::Ecdsa {
            r: r2,
            s: ss.clone(),
        },
    };
    verify_signature(&a, &padded, &k, false).unwrap();
}

#[test]
fn sha1_refused_by_default() {
    let Some((v, k)) = key("rsassa-sha256") else {
        return;
    };
    let a = Attest::parse(&v.attest).unwrap();
    let mut s = Signature::parse(&v.sig).unwrap();
    s.hash = 0x0004;
    assert_eq!(
        verify_signature(&a, &s, &k, false),
        Err(AuthError::Sha1NotAllowed)
    );
    // Allowed by policy: it runs and (being a SHA-256 signature) fails.
    assert_eq!(
        verify_signature(&a, &s, &k, true),
        Err(AuthError::BadSignature)
    );
    s.hash = 0x0012; // SM3
    assert_eq!(
        verify_signature(&a, &s, &k, false),
        Err(AuthError::UnsupportedDigest(0x0012))
    );
}

#[test]
fn pss_salt_length_is_exact() {
    let Some((v, k)) = key("rsapss-sha256") else {
        return;
    };
    let a = Attest::parse(&v.attest).unwrap();
    let s = Signature::parse(&v.sig).unwrap();
    let SigBody::Rsa(raw) = &s.body else { panic!() };
    // salt = 32 verifies (the quote path), salt 20 and 0 do not.
    k.verify_rsa_pss(cmcp_x509::HashAlg::Sha256, Some(32), &a.signed_bytes, raw)
        .unwrap();
    assert!(
        k.verify_rsa_pss(cmcp_x509::HashAlg::Sha256, Some(20), &a.signed_bytes, raw)
            .is_err()
    );
    assert!(
        k.verify_rsa_pss(cmcp_x509::HashAlg::Sha256, Some(0), &a.signed_bytes, raw)
            .is_err()
    );
    verify_signature(&a, &s, &k, false).unwrap();
}
