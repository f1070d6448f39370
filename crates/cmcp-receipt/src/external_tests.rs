#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use super::*;
use crate::testutil::*;
use cmcp_json::encoding::{b64u_decode, b64u_encode};
use cmcp_json::{Object, Value};

fn signed(k: &ed25519_dalek::SigningKey, call: &str) -> Value {
    let mut o = Object::new();
    o.insert("issuer", Value::from("spiffe://ctl/issuer"));
    o.insert("issuer_key_id", Value::from(kid(k)));
    o.insert(
        "evidence_hash",
        Value::from(format!("sha256:{}", "ab".repeat(32))),
    );
    o.insert(
        "evidence_type",
        Value::from("controller-execution-receipt/v1"),
    );
    o.insert("linked_call_id", Value::from(call));
    let mut msg = Vec::new();
    pyjson_object_except(&o, None, &mut msg);
    o.insert("signature", Value::from(sign_b64u(k, &msg)));
    Value::Object(o)
}

fn keys(k: &ed25519_dalek::SigningKey) -> BTreeMap<String, [u8; 32]> {
    [(kid(k), public(k))].into_iter().collect()
}

fn set(v: &Value, m: &str, x: Value) -> Value {
    let mut o = v.as_object().unwrap().clone();
    o.insert(m, x);
    Value::Object(o)
}

#[test]
fn accepts_a_strictly_signed_bound_receipt() {
    let k = key(7);
    let ev = signed(&k, "call-1");
    assert_eq!(verify(&ev, Some("call-1"), &keys(&k)), Ok(()));
    assert_eq!(
        key_id(&public(&k)),
        ev.get("issuer_key_id").unwrap().as_str().unwrap()
    );
}

#[test]
fn every_variant_in_check_order() {
    let k = key(7);
    let ks = keys(&k);
    let ev = signed(&k, "call-1");
    let e = |v: &Value, c: Option<&str>| verify(v, c, &ks).unwrap_err();
    assert_eq!(e(&j("[]"), Some("call-1")), ReceiptError::NotObject);
    assert_eq!(
        e(&set(&ev, "extra", Value::from("x")), Some("call-1")),
        ReceiptError::Shape
    );
    assert_eq!(
        e(&set(&ev, "issuer", Value::Null), Some("call-1")),
        ReceiptError::Shape
    );
    let mut five = ev.as_object().unwrap().clone();
    five.remove("issuer");
    assert_eq!(e(&Value::Object(five), Some("call-1")), ReceiptError::Shape);
    assert_eq!(e(&ev, None), ReceiptError::EntryHasNoCallId);
    // A genuine receipt bound to another call stops there and is never signature-valid.
    assert_eq!(e(&ev, Some("call-2")), ReceiptError::LinkedCallIdMismatch);
    assert_eq!(
        e(
            &set(&ev, "issuer_key_id", Value::from("AB".repeat(32))),
            Some("call-1")
        ),
        ReceiptError::IssuerKeyIdFormat
    );
    assert_eq!(
        e(
            &set(
                &ev,
                "issuer_key_id",
                Value::from(format!("{}\n", "ab".repeat(32)))
            ),
            Some("call-1")
        ),
        ReceiptError::IssuerKeyIdFormat
    );
    for bad in [
        "sha256:abcd",
        "sha384:".to_owned().as_str(),
        "md5:00",
        &format!("sha384:{}", "ab".repeat(32)),
    ] {
        assert_eq!(
            e(&set(&ev, "evidence_hash", Value::from(bad)), Some("call-1")),
            ReceiptError::EvidenceHashFormat,
            "{bad}"
        );
    }
    assert_eq!(
        e(
            &set(&ev, "evidence_type", Value::from("jwt")),
            Some("call-1")
        ),
        ReceiptError::UnsupportedType("jwt".into())
    );
    assert_eq!(
        verify(&ev, Some("call-1"), &BTreeMap::new()),
        Err(ReceiptError::UnknownIssuer(kid(&k)))
    );
    // Pinned key filed under the wrong id.
    let other = key(8);
    let wrong: BTreeMap<_, _> = [(kid(&k), public(&other))].into_iter().collect();
    assert_eq!(
        verify(&ev, Some("call-1"), &wrong),
        Err(ReceiptError::KeyIdMismatch)
    );
    // A small-order key filed under its own hash.
    let so_id = key_id(&SMALL_ORDER);
    let so: BTreeMap<_, _> = [(so_id.clone(), SMALL_ORDER)].into_iter().collect();
    let mut triv = set(&ev, "issuer_key_id", Value::from(so_id));
    let mut zero = [0u8; 64];
    zero[0] = 1;
    triv = set(&triv, "signature", Value::from(b64u_encode(&zero)));
    assert_eq!(
        verify(&triv, Some("call-1"), &so),
        Err(ReceiptError::BadKey)
    );
    // Tampered member covered by the signature.
    assert_eq!(
        e(
            &set(&ev, "issuer", Value::from("spiffe://other")),
            Some("call-1")
        ),
        ReceiptError::SignatureInvalid
    );
}

#[test]
fn non_canonical_signatures_fail() {
    let k = key(9);
    let ks = keys(&k);
    let ev = signed(&k, "c");
    let sig = ev.get("signature").unwrap().as_str().unwrap().to_owned();
    let raw: [u8; 64] = b64u_decode(&sig).unwrap().try_into().unwrap();
    let high_s = b64u_encode(&make_s_noncanonical(&raw));
    assert_eq!(
        verify(&set(&ev, "signature", Value::from(high_s)), Some("c"), &ks),
        Err(ReceiptError::SignatureInvalid)
    );
    // Padded, standard-alphabet and truncated encodings.
    let std_alpha = sig.replace('-', "+").replace('_', "/");
    for bad in [
        format!("{sig}=="),
        std_alpha,
        sig[..80].to_owned(),
        String::new(),
    ] {
        if bad == sig {
            continue;
        }
        assert_eq!(
            verify(
                &set(&ev, "signature", Value::from(bad.clone())),
                Some("c"),
                &ks
            ),
            Err(ReceiptError::SignatureInvalid),
            "{bad}"
        );
    }
    assert_eq!(ReceiptError::SignatureInvalid.code(), "signature_invalid");
    assert_eq!(
        ReceiptError::LinkedCallIdMismatch.to_string(),
        "external_execution_evidence linked_call_id does not match the entry call_id"
    );
}

#[test]
fn blank_call_ids_bind_to_nothing() {
    let k = key(7);
    let ks = keys(&k);
    // Signed receipts whose linked_call_id is empty or whitespace-only are
    // malformed, whatever the entry says.
    for blank in ["", " ", "\t\n"] {
        let ev = signed(&k, blank);
        assert_eq!(verify(&ev, Some(blank), &ks), Err(ReceiptError::Shape));
        assert_eq!(verify(&ev, Some("call-1"), &ks), Err(ReceiptError::Shape));
        assert_eq!(verify(&ev, None, &ks), Err(ReceiptError::Shape));
    }
    // A good receipt under an entry whose call_id is blank cannot be bound.
    let ev = signed(&k, "call-1");
    for blank in ["", "  "] {
        assert_eq!(
            verify(&ev, Some(blank), &ks),
            Err(ReceiptError::EntryHasNoCallId)
        );
    }
    assert_eq!(ReceiptError::Shape.code(), "shape");
    assert_eq!(
        ReceiptError::EntryHasNoCallId.code(),
        "entry_call_id_missing"
    );
    // An id with surrounding spaces still names a call: compared exactly.
    let padded = signed(&k, " call-1 ");
    assert_eq!(verify(&padded, Some(" call-1 "), &ks), Ok(()));
    assert_eq!(
        verify(&padded, Some("call-1"), &ks),
        Err(ReceiptError::LinkedCallIdMismatch)
    );
}
