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
//! The TRACE canonicalization-boundary vectors: each record is signed over
//! RFC 8785 of the record without `signature`; a correct serializer makes
//! every signature verify.

use cmcp_claim::binding::{StrictKey, decode_x};
use cmcp_json::canonical::jcs;
use cmcp_json::{Object, Value};
use std::path::PathBuf;

#[test]
fn canonicalization_vectors_verify() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trace-spec/canonicalization");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4);
    for p in names {
        let v = cmcp_json::parse(&std::fs::read(&p).unwrap()).unwrap();
        let expected = v
            .get("expected")
            .unwrap()
            .get("outcome")
            .unwrap()
            .as_str()
            .unwrap();
        let x = v
            .get("trusted_key")
            .unwrap()
            .get("x")
            .unwrap()
            .as_str()
            .unwrap();
        let record = v.get("record").unwrap().as_object().unwrap();
        let sig = record.get("signature").unwrap().as_str().unwrap();
        let mut unsigned = record.clone();
        unsigned.remove("signature");
        let bytes = jcs(&Value::Object(unsigned.clone())).unwrap();
        let key = StrictKey::from_bytes(&decode_x(x).unwrap()).unwrap();
        let ok = key.verify_b64u(&bytes, sig).is_ok();
        assert_eq!(ok, expected == "verified", "{}", p.display());
        // The Python-json form (code-point key order, ASCII escapes) must NOT verify:
        // that is the boundary each vector pins.
        let py = cmcp_json::canonical::pyjson_vec(&Value::Object(unsigned));
        assert!(key.verify_b64u(&py, sig).is_err(), "{}", p.display());
        let _ = Object::new();
    }
}
