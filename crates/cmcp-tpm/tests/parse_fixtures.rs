//! Parser tests on the ms-tpm-20-ref v1.83 simulator vectors and spec bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;
use cmcp_tpm::parse::*;
use common::*;

struct Expect {
    signer: &'static str,
    clock: u64,
    sig_alg: u16,
    hash: u16,
    len: usize,
    digest: &'static str,
}

const D256: &str = "2ea9ab9198d1638007400cd2c3bef1cc745b864b76011a0e1bc52180ac6452d4";
const D384: &str = "f57bb7ed82c6ae4a29e6c9879338c592c7d42a39135583e8ccbe3940f2344b0eb6eb8503db0ffd6a39ddd00cd07d8317";

fn expect(name: &str) -> Expect {
    match name {
        "rsassa-sha256" => Expect {
            signer: "000bf6abb3874da98590d464a7957679fd043a7d88b422002f68f4d2642bf4f51fcd",
            clock: 79231,
            sig_alg: 0x0014,
            hash: 0x000b,
            len: 145,
            digest: D256,
        },
        "rsapss-sha256" => Expect {
            signer: "000bda2c9271be907173bd80360e4c4d89239ed257ce87270942056525eefc51bbcb",
            clock: 214271,
            sig_alg: 0x0016,
            hash: 0x000b,
            len: 145,
            digest: D256,
        },
        "rsassa-sha384" => Expect {
            signer: "000bf9298c1b80fed386d91e80934180f7aea27ddefb9d6d1d1e8042baa2fe324092",
            clock: 178263,
            sig_alg: 0x0014,
            hash: 0x000c,
            len: 161,
            digest: D384,
        },
        "ecdsa-sha384" => Expect {
            signer: "000b0b1306f95ad1bca3faacae0cb596f360bea805d103094190fc9577e29cafa5a1",
            clock: 180531,
            sig_alg: 0x0018,
            hash: 0x000c,
            len: 161,
            digest: D384,
        },
        _ => unreachable!(),
    }
}

#[test]
fn simulator_attests_parse_with_real_values() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let e = expect(name);
        assert_eq!(v.attest.len(), e.len, "{name}");
        let a = Attest::parse_quote(&v.attest).unwrap();
        assert_eq!(a.framing, Framing::Bare);
        assert_eq!(a.magic, 0xff54_4347);
        assert_eq!(a.attest_type, 0x8018);
        assert_eq!(hex(&a.qualified_signer), e.signer, "{name}");
        assert_eq!(hex(&a.extra_data), NONCE_HEX);
        assert_eq!(a.extra_data, v.nonce);
        assert_eq!(
            a.clock_info,
            ClockInfo {
                clock: e.clock,
                reset_count: 0,
                restart_count: 0,
                safe: 1
            }
        );
        assert_eq!(a.firmware_version, 0x2024_0125_0012_0000);
        let q = a.quote().unwrap();
        assert_eq!(
            q.pcr_select,
            vec![PcrSelection {
                hash: 0x000b,
                select: vec![0x07, 0, 0]
            }]
        );
        assert_eq!(q.pcr_select[0].pcrs(), vec![0, 1, 2]);
        assert_eq!(hex(&q.pcr_digest), e.digest, "{name}");
        assert_eq!(a.signed_bytes, v.attest);
        // pcrDigest = H_sign(PCR0 ‖ PCR1 ‖ PCR2), all zero.
        let h = HashAlg::from_id(e.hash).unwrap();
        assert_eq!(h.digest(&[&[0u8; 96]]), q.pcr_digest);

        let s = Signature::parse(&v.sig).unwrap();
        assert_eq!(s.scheme.id(), e.sig_alg, "{name}");
        assert_eq!(s.hash, e.hash);
        match &s.body {
            SigBody::Rsa(b) => {
                assert_eq!(b.len(), 256);
                assert_eq!(v.sig.len(), 262);
            }
            SigBody::Ecdsa { r, s } => {
                assert_eq!((r.len(), s.len()), (32, 32));
                assert_eq!(v.sig.len(), 72);
            }
        }
        assert_eq!(s.marshal(), v.sig);
    }
}

#[test]
fn tpm2b_framing_exact_only() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let mut w = (v.attest.len() as u16).to_be_bytes().to_vec();
    w.extend_from_slice(&v.attest);
    let a = Attest::parse(&w).unwrap();
    assert_eq!(a.framing, Framing::Tpm2b);
    assert_eq!(a.signed_bytes, v.attest);
    // Over- and under-stated sizes are not TPM2B and have no bare magic.
    for size in [
        v.attest.len() + 1,
        v.attest.len() - 1,
        v.attest.len() + 64,
        0,
    ] {
        let mut w = (size as u16).to_be_bytes().to_vec();
        w.extend_from_slice(&v.attest);
        match Attest::parse(&w) {
            Err(ParseError::NoMagic { leading }) => {
                assert_eq!(leading, format!("{:04x}ff54", size))
            }
            other => panic!("size {size}: {other:?}"),
        }
    }
    // A one-bit corrupted magic is a magic error, not a framing error.
    let mut bad = v.attest.clone();
    bad[1] ^= 0x01;
    assert!(
        matches!(Attest::parse(&bad), Err(ParseError::NoMagic { leading }) if leading == "ff554347")
    );
}

#[test]
fn quote_trailing_byte_refused() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let mut t = v.attest.clone();
    t.push(0);
    assert_eq!(
        Attest::parse(&t),
        Err(ParseError::Trailing {
            what: "TPMS_QUOTE_INFO",
            count: 1
        })
    );
}

#[test]
fn signature_trailing_and_unsupported() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let mut t = v.sig.clone();
        t.push(0);
        assert_eq!(
            Signature::parse(&t),
            Err(ParseError::Trailing {
                what: "TPMT_SIGNATURE",
                count: 1
            })
        );
        let mut u = v.sig.clone();
        u[0] = 0x00;
        u[1] = 0x99;
        assert_eq!(
            Signature::parse(&u),
            Err(ParseError::UnsupportedSigAlg(0x0099))
        );
        assert!(matches!(
            Signature::parse(&v.sig[..20]),
            Err(ParseError::Truncated { .. })
        ));
    }
}

#[test]
fn truncation_at_every_length_is_typed() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        for n in 0..v.attest.len() {
            let e = Attest::parse(&v.attest[..n]).unwrap_err();
            assert!(
                matches!(
                    e,
                    ParseError::TooShort { .. } | ParseError::Truncated { .. }
                ),
                "{name} attest[..{n}]: {e:?}"
            );
        }
        for n in 0..v.sig.len() {
            let e = Signature::parse(&v.sig[..n]).unwrap_err();
            assert!(
                matches!(
                    e,
                    ParseError::TooShort { .. } | ParseError::Truncated { .. }
                ),
                "{name} sig[..{n}]: {e:?}"
            );
        }
    }
}

#[test]
fn every_byte_mutation_never_panics() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        for i in 0..v.attest.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut m = v.attest.clone();
                m[i] ^= x;
                let _ = Attest::parse(&m);
            }
        }
        for i in 0..v.sig.len() {
            let mut m = v.sig.clone();
            m[i] ^= 0xff;
            let _ = Signature::parse(&m);
        }
    }
}

#[test]
fn azure_2026_07_27_quote_from_spec() {
    // Bytes copied from the spec (§14.1), a real Azure vTPM quote.
    let h = "ff54434780180022000b097a36ee7503d13aa7b830a72dd05a2fc131e7de0b46daae550f150d487fdcf300200efb4d54837cedf4f66dd77ffcb32a4d4bd315dffd6cbfa5977e4c018c1f372a00000000001aca22000000030000000001202003120012000400000001000b03ff00000020461684441feb67717a22b7f43096ec2f92a6582f5987f82729b3749180fede61";
    let b = cmcp_json::encoding::hex_decode(h).unwrap();
    assert_eq!(b.len(), 145);
    let a = Attest::parse_quote(&b).unwrap();
    assert_eq!(
        a.clock_info,
        ClockInfo {
            clock: 1_755_682,
            reset_count: 3,
            restart_count: 0,
            safe: 1
        }
    );
    assert_eq!(a.firmware_version, 0x2020_0312_0012_0004);
    let q = a.quote().unwrap();
    assert_eq!(q.pcr_select[0].pcrs(), (0..8).collect::<Vec<_>>());
    assert_eq!(
        hex(&q.pcr_digest),
        "461684441feb67717a22b7f43096ec2f92a6582f5987f82729b3749180fede61"
    );
    assert!(matches!(
        Attest::parse_nv_certify(&b),
        Err(ParseError::WrongType { actual: 0x8018, .. })
    ));
}
