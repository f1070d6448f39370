//! Runs the 10 Agent Manifest COSE vectors from the shared fixture folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_policy::Timestamp;
use cmcp_receipt::manifest::cbor::CborError;
use cmcp_receipt::manifest::{CoseError, decode_envelope, run_cose_vector};
use std::path::Path;

#[test]
fn all_ten_cose_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/agent-manifest");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let keys = cmcp_json::parse(&std::fs::read(dir.join("keys.json")).unwrap()).unwrap();
    let kid = keys.get("key_id").unwrap().as_str().unwrap();
    let now = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
    let mut n = 0;
    for i in 1..=10 {
        let p = dir.join(format!("cose/AM-VEC-COSE-{i:03}.json"));
        let v = cmcp_json::parse(&std::fs::read(&p).unwrap()).unwrap();
        // The vectors pin the key from keys.json.
        let tk = v.get("context").unwrap().get("trusted_keys").unwrap();
        assert_eq!(
            tk.get(kid).unwrap().as_str(),
            keys.get("public_key_b64url").unwrap().as_str()
        );
        let exp = v.get("expected").unwrap();
        let out = run_cose_vector(&v, now).unwrap();
        println!(
            "AM-VEC-COSE-{i:03}: {} sig={}",
            out.result, out.signature_verified
        );
        assert_eq!(
            out.result,
            exp.get("result").unwrap().as_str().unwrap(),
            "vector {i}"
        );
        assert_eq!(
            out.signature_verified,
            exp.get("signature_verified").unwrap().as_bool().unwrap(),
            "vector {i}"
        );
        if let Some(c) = exp.get("cose") {
            assert_eq!(
                out.manifest_hash.as_deref(),
                c.get("manifest_hash").unwrap().as_str()
            );
            let bytes =
                cmcp_json::encoding::hex_decode(v.get("envelope_hex").unwrap().as_str().unwrap())
                    .unwrap();
            let env = decode_envelope(&bytes).unwrap();
            assert_eq!(
                cmcp_json::encoding::hex_encode(&env.protected),
                c.get("protected_hex").unwrap().as_str().unwrap()
            );
            assert_eq!(
                cmcp_json::encoding::hex_encode(&env.payload),
                c.get("payload_hex").unwrap().as_str().unwrap()
            );
            assert_eq!(
                cmcp_json::encoding::hex_encode(&env.signature),
                c.get("signature_hex").unwrap().as_str().unwrap()
            );
            assert_eq!(env.alg, -19);
            assert_eq!(cmcp_json::encoding::hex_encode(&env.kid), kid);
        }
        let bytes =
            cmcp_json::encoding::hex_decode(v.get("envelope_hex").unwrap().as_str().unwrap())
                .unwrap();
        let why = decode_envelope(&bytes).err();
        let want: Option<fn(&CoseError) -> bool> = match i {
            3 => Some(|e| *e == CoseError::UnprotectedAlg),
            4 => Some(|e| *e == CoseError::Typ),
            6 => Some(|e| *e == CoseError::Untagged),
            7 => Some(|e| *e == CoseError::Cbor(CborError::Trailing)),
            8 => Some(|e| matches!(e, CoseError::Body(_))),
            10 => Some(|e| matches!(e, CoseError::Payload(m) if m.contains("duplicate"))),
            _ => None,
        };
        match want {
            Some(f) => assert!(why.as_ref().is_some_and(f), "vector {i}: {why:?}"),
            None => assert_eq!(why, None, "vector {i}"),
        }
        n += 1;
    }
    assert_eq!(n, 10);
}
