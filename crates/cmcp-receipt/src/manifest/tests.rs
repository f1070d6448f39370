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
use cmcp_json::encoding::b64u_encode;
use ed25519_dalek::Signer;

const PB: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const TC: &str = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

fn manifest_json(version: &str) -> Value {
    j(&format!(
        r#"{{"manifest_id":"m-1","agent_id":"spiffe://t/agent","issuer":"spiffe://t/issuer","version":"{version}",
        "issued_at":"2025-01-01T00:00:00Z","expires_at":"2099-01-01T00:00:00Z","crypto_profile":"standard",
        "intent":{{"purpose":"kyc"}},
        "artifacts":{{"system_prompt":{{"hash":"sha256:{a}"}},"model_identity":{{"version":"m"}},
        "policy_bundle":{{"hash":"{PB}"}},"tool_manifest":{{"catalog_hash":"{TC}"}}}}}}"#,
        a = "a".repeat(64)
    ))
}

fn protected(kid: &[u8], typ: &str) -> Vec<u8> {
    let mut p = vec![0xa4, 0x01, 0x32, 0x03];
    cbor::put_text(MEDIA_TYPE_JSON, &mut p);
    p.push(0x04);
    cbor::put_bytes(kid, &mut p);
    p.push(0x10);
    cbor::put_text(typ, &mut p);
    p
}

fn envelope(k: &ed25519_dalek::SigningKey, m: &Value, typ: &str) -> Vec<u8> {
    let payload = amjcs(m).unwrap();
    let kid = sha2::Sha256::digest_bytes(&public(k));
    let prot = protected(&kid, typ);
    let sig = k.sign(&sig_structure(&prot, &payload)).to_bytes();
    let mut out = vec![0xd2, 0x84];
    cbor::put_bytes(&prot, &mut out);
    out.push(0xa0);
    cbor::put_bytes(&payload, &mut out);
    cbor::put_bytes(&sig, &mut out);
    out
}

trait DigestBytes {
    fn digest_bytes(b: &[u8]) -> Vec<u8>;
}
impl DigestBytes for sha2::Sha256 {
    fn digest_bytes(b: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        sha2::Sha256::digest(b).to_vec()
    }
}

fn keys(k: &ed25519_dalek::SigningKey) -> BTreeMap<String, [u8; 32]> {
    [(kid(k), public(k))].into_iter().collect()
}

fn identity(k: &ed25519_dalek::SigningKey) -> AgentIdentity {
    let intent = sha256_prefixed(&amjcs(&j(r#"{"purpose":"kyc"}"#)).unwrap());
    AgentIdentity {
        manifest_id: "m-1".into(),
        agent_id: "spiffe://t/agent".into(),
        authenticated_subject: "spiffe://t/agent".into(),
        subject_source: "svid".into(),
        issuer: "spiffe://t/issuer".into(),
        issuer_key_id: kid(k),
        policy_bundle_hash: PB.into(),
        tool_catalog_hash: TC.into(),
        intent_hash: Some(intent),
        agent_key_thumbprint: None,
        enforcement_mode: Some("enforcing".into()),
    }
}

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
}

fn sign_v01(k: &ed25519_dalek::SigningKey, m: &Value) -> Value {
    let mut o = m.as_object().unwrap().clone();
    let pre = v01_preimage(&o).unwrap();
    let sig = b64u_encode(&k.sign(&pre).to_bytes());
    o.insert(
        "signature",
        j(&format!(
            r#"{{"algorithm":"Ed25519","key_id":"{}","signature_value":"{sig}"}}"#,
            kid(k)
        )),
    );
    Value::Object(o)
}

#[test]
fn cose_manifest_binds_identity() {
    let k = spec_key();
    let env = envelope(&k, &manifest_json("0.2"), MEDIA_TYPE_COSE);
    let b = bind_manifest(
        &ManifestInput::Cose(env.clone()),
        &keys(&k),
        &identity(&k),
        PB,
        TC,
        now(),
    )
    .unwrap();
    assert_eq!(
        b.issuer_key_id,
        "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c"
    );
    assert_eq!(b.subject_source, "svid");
    assert_eq!(b.manifest_hash.as_deref().map(str::len), Some(71));
    // ManifestInput::from_file_bytes recognizes COSE bytes and JSON text.
    assert!(matches!(
        ManifestInput::from_file_bytes(&env).unwrap(),
        ManifestInput::Cose(_)
    ));
    assert!(matches!(
        ManifestInput::from_file_bytes(b" {}").unwrap(),
        ManifestInput::Json(_)
    ));
}

#[test]
fn mismatched_identity_members_are_named_in_order() {
    let k = spec_key();
    let env = ManifestInput::Cose(envelope(&k, &manifest_json("0.2"), MEDIA_TYPE_COSE));
    let mut id = identity(&k);
    id.issuer_key_id = String::new(); // what the reference gateway emits for COSE (Q4)
    id.intent_hash = None;
    let e = bind_manifest(&env, &keys(&k), &id, PB, TC, now()).unwrap_err();
    assert_eq!(
        e,
        ManifestError::IdentityMismatch(vec!["issuer_key_id", "intent_hash"])
    );
    assert_eq!(
        e.to_string(),
        "gateway.agent_identity mismatch: issuer_key_id, intent_hash"
    );
    let mut id = identity(&k);
    id.manifest_id = "m-2".into();
    id.policy_bundle_hash = TC.into();
    assert_eq!(
        bind_manifest(&env, &keys(&k), &id, PB, TC, now()),
        Err(ManifestError::IdentityMismatch(vec![
            "manifest_id",
            "policy_bundle_hash"
        ]))
    );
}

#[test]
fn binding_errors() {
    let k = spec_key();
    let ks = keys(&k);
    let id = identity(&k);
    let env = ManifestInput::Cose(envelope(&k, &manifest_json("0.2"), MEDIA_TYPE_COSE));
    // Claim hashes differ from the manifest's.
    assert_eq!(
        bind_manifest(&env, &ks, &id, TC, TC, now()),
        Err(ManifestError::PolicyHash)
    );
    assert_eq!(
        bind_manifest(&env, &ks, &id, PB, PB, now()),
        Err(ManifestError::CatalogHash)
    );
    // Expired at now.
    let late = Timestamp::parse_rfc3339("2099-01-01T00:00:00Z").unwrap();
    assert_eq!(
        bind_manifest(&env, &ks, &id, PB, TC, late),
        Err(ManifestError::Expired)
    );
    // Unpinned signer.
    let other = key(1);
    assert_eq!(
        bind_manifest(&env, &keys(&other), &id, PB, TC, now()),
        Err(ManifestError::Signature)
    );
    // Trust anchor filed under the wrong id.
    let wrong: BTreeMap<_, _> = [(kid(&k), public(&other))].into_iter().collect();
    assert_eq!(
        bind_manifest(&env, &wrong, &id, PB, TC, now()),
        Err(ManifestError::AnchorKeyId)
    );
    let so: BTreeMap<_, _> = [(sha256_hex(&SMALL_ORDER), SMALL_ORDER)]
        .into_iter()
        .collect();
    assert_eq!(
        bind_manifest(&env, &so, &id, PB, TC, now()),
        Err(ManifestError::AnchorKey)
    );
    // manifest-dev refused unless the policy is a dev policy.
    let mut dev = id.clone();
    dev.subject_source = "manifest-dev".into();
    assert_eq!(
        bind_manifest(&env, &ks, &dev, PB, TC, now()),
        Err(ManifestError::DevSubject)
    );
    let ok = bind_manifest_with(
        &env,
        &ks,
        &dev,
        PB,
        TC,
        now(),
        BindOptions {
            allow_dev_subject: true,
        },
    );
    assert_eq!(ok.unwrap().subject_source, "manifest-dev");
    // Subject is someone else.
    let mut other_sub = id.clone();
    other_sub.authenticated_subject = "spiffe://t/else".into();
    assert_eq!(
        bind_manifest(&env, &ks, &other_sub, PB, TC, now()),
        Err(ManifestError::SubjectMismatch)
    );
    // Unknown enforcement mode.
    let mut em = id.clone();
    em.enforcement_mode = Some("loud".into());
    assert_eq!(
        bind_manifest(&env, &ks, &em, PB, TC, now())
            .unwrap_err()
            .to_string(),
        "'loud' is not a valid EnforcementMode"
    );
    // Wrong typ is an envelope error.
    let bad = ManifestInput::Cose(envelope(&k, &manifest_json("0.2"), "application/cose"));
    assert_eq!(
        bind_manifest(&bad, &ks, &id, PB, TC, now()),
        Err(ManifestError::Envelope(CoseError::Typ))
    );
    // A v0.1 payload inside COSE is the wrong version.
    let v1 = ManifestInput::Cose(envelope(&k, &manifest_json("0.1"), MEDIA_TYPE_COSE));
    assert!(matches!(
        bind_manifest(&v1, &ks, &id, PB, TC, now()),
        Err(ManifestError::Envelope(CoseError::Version(_)))
    ));
    // Missing tool_manifest.
    let mut m = manifest_json("0.2").as_object().unwrap().clone();
    m.insert(
        "artifacts",
        j(&format!(r#"{{"policy_bundle":{{"hash":"{PB}"}}}}"#)),
    );
    let nt = ManifestInput::Cose(envelope(&k, &Value::Object(m), MEDIA_TYPE_COSE));
    assert_eq!(
        bind_manifest(&nt, &ks, &id, PB, TC, now()),
        Err(ManifestError::Bindings)
    );
    assert_eq!(
        bind_manifest(&env, &BTreeMap::new(), &id, PB, TC, now()),
        Err(ManifestError::NoTrustedKeys)
    );
}

#[test]
fn v01_json_manifest() {
    let k = key(2);
    let ks = keys(&k);
    let id = identity(&k);
    let signed = sign_v01(&k, &manifest_json("0.1"));
    let b = bind_manifest(
        &ManifestInput::Json(signed.clone()),
        &ks,
        &id,
        PB,
        TC,
        now(),
    )
    .unwrap();
    assert_eq!(b.issuer_key_id, kid(&k));
    let out = verify_json(&signed, &SdkContext::new(&ks, now()));
    assert_eq!(
        (out.result, out.signature_verified),
        (SdkResult::Valid, true)
    );
    // Tampered signed member.
    let mut t = signed.as_object().unwrap().clone();
    t.insert("issuer", Value::from("spiffe://t/evil"));
    let out = verify_json(&Value::Object(t), &SdkContext::new(&ks, now()));
    assert_eq!(
        (out.result, out.error),
        (SdkResult::Mismatch, Some(CoseError::Signature))
    );
    // Unknown member.
    let mut u = signed.as_object().unwrap().clone();
    u.insert("extra", Value::from(1));
    assert_eq!(
        verify_json(&Value::Object(u), &SdkContext::new(&ks, now())).result,
        SdkResult::Mismatch
    );
    // v0.2 as JSON without signature block: SIGNATURE_MISSING.
    let v2 = manifest_json("0.2");
    assert_eq!(
        bind_manifest(&ManifestInput::Json(v2), &ks, &id, PB, TC, now()),
        Err(ManifestError::SignatureMissing)
    );
    let v9 = manifest_json("0.9");
    assert_eq!(
        verify_json(&v9, &SdkContext::new(&ks, now())).result,
        SdkResult::IncompatibleVersion
    );
    // Expired in the SDK appraisal.
    let late = Timestamp::parse_rfc3339("2099-06-01T00:00:00Z").unwrap();
    assert_eq!(
        verify_json(&signed, &SdkContext::new(&ks, late)).result,
        SdkResult::Expired
    );
}

#[test]
fn garbled_envelopes_never_panic() {
    let k = spec_key();
    let ks = keys(&k);
    let ctx = SdkContext::new(&ks, now());
    let env = envelope(&k, &manifest_json("0.2"), MEDIA_TYPE_COSE);
    assert_eq!(verify_cose(&env, &ctx).result, SdkResult::Valid);
    for n in 0..env.len() {
        let out = verify_cose(&env[..n], &ctx);
        assert_eq!(out.result, SdkResult::Mismatch, "prefix {n}");
        assert!(!out.signature_verified);
    }
    for i in 0..env.len() {
        for bit in [0x01u8, 0x80] {
            let mut g = env.clone();
            g[i] ^= bit;
            let out = verify_cose(&g, &ctx);
            assert_ne!(out.result, SdkResult::Valid, "flip {i}/{bit}");
        }
    }
    // Deep nesting and huge lengths are refused, not followed.
    let deep = vec![0x81u8; 10_000];
    assert_eq!(cbor::decode(&deep), Err(cbor::CborError::TooDeep));
    assert!(cbor::decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    assert!(cbor::decode(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    assert!(cbor::decode(&[0x9f, 0xff]).is_err()); // indefinite length
    assert_eq!(
        cbor::decode(&[0xf9, 0x3c, 0x00]),
        Ok(cbor::Item::Float(1.0))
    );
}

#[test]
fn cbor_integers_and_halves_at_the_edges() {
    // -1 - (2^63 - 1) is i64::MIN; -1 - 2^63 is out of range.
    let min = cbor::decode(&[0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap();
    assert_eq!(min.as_i64(), Some(i64::MIN));
    let below = cbor::decode(&[0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(below, cbor::Item::Nint(1 << 63));
    assert_eq!(below.as_i64(), None);
    assert_eq!(cbor::decode(&[0x20]).unwrap().as_i64(), Some(-1));
    // Largest normal, smallest normal, smallest subnormal, a negative.
    for (bytes, want) in [
        ([0xf9, 0x7b, 0xff], 65504.0),
        ([0xf9, 0x04, 0x00], 6.103_515_625e-5),
        ([0xf9, 0x00, 0x01], 5.960_464_477_539_063e-8),
        ([0xf9, 0xc0, 0x00], -2.0),
        ([0xf9, 0x35, 0x55], 0.333_251_953_125),
    ] {
        assert_eq!(
            cbor::decode(&bytes),
            Ok(cbor::Item::Float(want)),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn cbor_duplicate_keys_are_equal_values() {
    let dup = |body: &[u8]| {
        let mut b = vec![0xa2];
        b.extend_from_slice(body);
        cbor::decode(&b)
    };
    // Same value in other spellings: the error names the map's offset, 0.
    for body in [
        &[0x01, 0x00, 0x18, 0x01, 0x00][..], // 1 and 1 in a 1-byte argument
        &[0xf9, 0x00, 0x00, 0x00, 0xf9, 0x80, 0x00, 0x00], // 0.0 and -0.0
        &[
            0xf9, 0x3c, 0x00, 0x00, 0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x00,
        ], // half and double 1.0
        &[0xf9, 0x7e, 0x00, 0x00, 0xfa, 0x7f, 0xc0, 0x00, 0x01, 0x00], // two NaNs
        &[0x82, 0x01, 0x61, 0x61, 0x00, 0x82, 0x01, 0x61, 0x61, 0x00], // [1, "a"] twice
        &[0xa1, 0x01, 0x02, 0x00, 0xa1, 0x01, 0x02, 0x00], // {1: 2} twice
        &[
            0xa2, 0x01, 0x00, 0x02, 0x00, 0x00, 0xa2, 0x02, 0x00, 0x01, 0x00, 0x00,
        ], // {1: 0, 2: 0} and {2: 0, 1: 0}
        &[0xc1, 0x01, 0x00, 0xc1, 0x01, 0x00], // tag 1 (1) twice
    ] {
        assert_eq!(
            dup(body),
            Err(cbor::CborError::DuplicateKey(0)),
            "{body:02x?}"
        );
    }
    // Different values that share bytes or a number are distinct keys.
    for body in [
        &[0x41, 0x61, 0x00, 0x61, 0x61, 0x00][..], // h'61' and "a"
        &[0x01, 0x00, 0xf9, 0x3c, 0x00, 0x00],     // 1 and 1.0
        &[0x00, 0x00, 0x20, 0x00],                 // 0 and -1
        &[0xc1, 0x01, 0x00, 0xc2, 0x01, 0x00],     // tag 1 (1) and tag 2 (1)
        &[0x82, 0x01, 0x02, 0x00, 0x82, 0x02, 0x01, 0x00], // [1, 2] and [2, 1]
        &[0xf4, 0x00, 0xf6, 0x00],                 // false and null
        &[0xe0, 0x00, 0xf8, 0x20, 0x00],           // simple(0) and simple(32)
    ] {
        assert!(
            matches!(dup(body), Ok(cbor::Item::Map(m)) if m.len() == 2),
            "{body:02x?}"
        );
    }
    // A two-byte simple value below 32 is not well-formed (RFC 8949 §3.3).
    for v in [0x00, 0x14, 0x1f] {
        assert_eq!(
            cbor::decode(&[0xf8, v]),
            Err(cbor::CborError::Unsupported(0))
        );
    }
    // A duplicate as the last of 4096 keys is found (the map without it
    // decodes: `cbor_item_cap_is_4096_per_array_or_map`).
    let mut full = vec![0xb9, 0x10, 0x00];
    for i in 0u16..4096 {
        full.push(0x19);
        full.extend_from_slice(&i.to_be_bytes());
        full.push(0xf6);
    }
    let last = full.len() - 4;
    full[last + 1..last + 3].copy_from_slice(&7u16.to_be_bytes());
    assert_eq!(cbor::decode(&full), Err(cbor::CborError::DuplicateKey(0)));
}

#[test]
fn v01_manifest_strings_must_be_nfc() {
    let k = key(2);
    let ks = keys(&k);
    let ctx = SdkContext::new(&ks, now());
    let nfc_agent = "spiffe://t/robot/pr\u{f3}d";
    let nfd_agent = "spiffe://t/robot/pro\u{301}d";
    let mut m = manifest_json("0.1").as_object().unwrap().clone();
    m.insert("agent_id", Value::from(nfc_agent));
    let signed = sign_v01(&k, &Value::Object(m));
    let so = signed.as_object().unwrap();
    let mut id = identity(&k);
    id.agent_id = nfc_agent.into();
    id.authenticated_subject = nfc_agent.into();
    // Non-ASCII text already in NFC verifies and binds exactly what was signed.
    let b = bind_manifest(
        &ManifestInput::Json(signed.clone()),
        &ks,
        &id,
        PB,
        TC,
        now(),
    )
    .unwrap();
    assert_eq!(b.agent_id, nfc_agent);
    assert_eq!(
        (
            verify_json(&signed, &ctx).result,
            verify_json(&signed, &ctx).error
        ),
        (SdkResult::Valid, None)
    );
    // Re-spelled in NFD: the signature pre-image is unchanged, so only the
    // NFC rule stands between the edit and a verified binding.
    let mut e = so.clone();
    e.insert("agent_id", Value::from(nfd_agent));
    assert_eq!(v01_preimage(&e).unwrap(), v01_preimage(so).unwrap());
    let edited = Value::Object(e);
    let out = verify_json(&edited, &ctx);
    assert_eq!(
        (out.result, out.signature_verified, out.error),
        (SdkResult::Mismatch, false, Some(CoseError::NotNfc))
    );
    let mut nfd_id = id.clone();
    nfd_id.agent_id = nfd_agent.into();
    nfd_id.authenticated_subject = nfd_agent.into();
    for who in [&nfd_id, &id] {
        let r = bind_manifest(
            &ManifestInput::Json(edited.clone()),
            &ks,
            who,
            PB,
            TC,
            now(),
        );
        assert_eq!(r, Err(ManifestError::Envelope(CoseError::NotNfc)));
        assert_eq!(
            r.unwrap_err().to_string(),
            "Agent Manifest SDK verification failed: manifest contains a string that is not \
             in Unicode NFC; its signature covers only the normalized text"
        );
    }
    // A signed member name, a nested value, and the unsigned signature block
    // are all held to the rule.
    let mut intent = so.clone();
    intent.insert("intent", j("{\"purpose\":\"kyc\",\"e\u{301}\":1}"));
    let mut nested = so.clone();
    nested.insert("issuer", Value::from("spiffe://t/issue\u{301}r"));
    let mut block = so.clone();
    let mut sb = so.get("signature").unwrap().as_object().unwrap().clone();
    sb.insert("comment", Value::from("A\u{30a}"));
    block.insert("signature", Value::Object(sb));
    for doc in [intent, nested, block] {
        assert_eq!(
            verify_json(&Value::Object(doc), &ctx).error,
            Some(CoseError::NotNfc)
        );
    }
    // The same NFC text inside a COSE payload is signed as received: accepted.
    let mut c = manifest_json("0.2").as_object().unwrap().clone();
    c.insert("agent_id", Value::from(nfc_agent));
    let env = envelope(&k, &Value::Object(c), MEDIA_TYPE_COSE);
    assert_eq!(verify_cose(&env, &ctx).result, SdkResult::Valid);
}

/// An envelope with extra protected entries (pre-encoded label/value pairs)
/// and the given unprotected map bytes.
fn envelope_with(k: &ed25519_dalek::SigningKey, extra: &[&[u8]], unprotected: &[u8]) -> Vec<u8> {
    let payload = amjcs(&manifest_json("0.2")).unwrap();
    let kid = sha2::Sha256::digest_bytes(&public(k));
    let mut prot = protected(&kid, MEDIA_TYPE_COSE);
    prot[0] = 0xa4 + u8::try_from(extra.len()).unwrap();
    for e in extra {
        prot.extend_from_slice(e);
    }
    let sig = k.sign(&sig_structure(&prot, &payload)).to_bytes();
    let mut out = vec![0xd2, 0x84];
    cbor::put_bytes(&prot, &mut out);
    out.extend_from_slice(unprotected);
    cbor::put_bytes(&payload, &mut out);
    cbor::put_bytes(&sig, &mut out);
    out
}

#[test]
fn crit_is_refused_in_either_header() {
    let k = spec_key();
    let ks = keys(&k);
    let ctx = SdkContext::new(&ks, now());
    let id = identity(&k);
    // Baseline: the helper's plain envelope, and one with a harmless
    // unprotected member (label 5, IV as an empty bstr), both verify.
    assert_eq!(
        verify_cose(&envelope_with(&k, &[], &[0xa0]), &ctx).result,
        SdkResult::Valid
    );
    assert_eq!(
        verify_cose(&envelope_with(&k, &[], &[0xa1, 0x05, 0x40]), &ctx).result,
        SdkResult::Valid
    );
    // crit: [1] unprotected — outside the signature, refused as malformed.
    let unprot = envelope_with(&k, &[], &[0xa1, 0x02, 0x81, 0x01]);
    let out = verify_cose(&unprot, &ctx);
    assert_eq!(
        (out.result, out.signature_verified, out.error),
        (SdkResult::Mismatch, false, Some(CoseError::UnprotectedCrit))
    );
    assert_eq!(
        bind_manifest(&ManifestInput::Cose(unprot), &ks, &id, PB, TC, now()),
        Err(ManifestError::Envelope(CoseError::UnprotectedCrit))
    );
    // Protected crit naming a label this verifier understands (alg), one it
    // does not (a private label), or a text label: all refused.
    for crit in [
        &[0x02, 0x81, 0x01][..],
        &[0x02, 0x81, 0x3a, 0x00, 0x01, 0x00, 0x00],
        &[0x02, 0x81, 0x61, 0x78],
    ] {
        let out = verify_cose(&envelope_with(&k, &[crit], &[0xa0]), &ctx);
        assert_eq!(
            (out.result, out.error),
            (SdkResult::Mismatch, Some(CoseError::Crit)),
            "{crit:02x?}"
        );
    }
}
