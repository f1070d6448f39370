//! Adapters for peer suites read in place from `../shared/fixtures/trace-spec/`:
//! the TRACE canonicalization-boundary vectors (run now against RFC 8785) and
//! the TRACE action-receipt vectors, each through the receipt verifier.

use crate::run::Row;
use crate::vector::fixtures_dir;
use cmcp_verify::claim::binding::StrictKey;
use cmcp_verify::json::canonical::{jcs, pyjson_vec};
use cmcp_verify::json::encoding::b64u_decode;
use cmcp_verify::json::{Value, parse};
use std::path::{Path, PathBuf};

/// Action-receipt vectors the suite ships (reported as skipped when absent).
pub const ACTION_RECEIPT_COUNT: usize = 15;
/// Canonicalization vectors the suite ships.
pub const CANON_COUNT: usize = 4;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn id_for(prefix: &str, p: &Path) -> String {
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    // "01-name" → "01"; "AM-VEC-COSE-001" → "001" (the part that is a number).
    let num = stem
        .split('-')
        .find(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(stem);
    format!("{prefix}-{num}")
}

fn skipped(prefix: &str, n: usize, suite: &'static str) -> Vec<(Row, Vec<String>)> {
    (1..=n)
        .map(|k| {
            (
                Row {
                    id: format!("{prefix}-{k:02}"),
                    outcome: "skipped",
                    note: "skipped (fixture absent)".into(),
                    suite,
                },
                vec!["peer".into(), suite.into()],
            )
        })
        .collect()
}

/// One canonicalization vector: the record's signature must verify over the
/// RFC 8785 bytes of the record without `signature` under `trusted_key`, and
/// (for vectors that list `sort_keys_*` serializers under `diverges_under`)
/// must not verify over the Python sort-keys bytes the reference signs claims with.
pub fn check_canon(doc: &Value) -> Result<(), String> {
    let record = doc
        .get("record")
        .and_then(Value::as_object)
        .ok_or("no record object")?;
    let sig = record
        .get("signature")
        .and_then(Value::as_str)
        .ok_or("record has no signature")?;
    let x = doc
        .get("trusted_key")
        .and_then(|k| k.get("x"))
        .and_then(Value::as_str)
        .ok_or("no trusted_key.x")?;
    let key_bytes: [u8; 32] = b64u_decode(x)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("trusted_key.x is not 32 bytes of base64url")?;
    let key = StrictKey::from_bytes(&key_bytes).map_err(|e| format!("trusted key: {e}"))?;
    let mut body = record.clone();
    body.remove("signature");
    let body = Value::Object(body);
    let bytes = jcs(&body).map_err(|e| format!("jcs: {e}"))?;
    let want = doc
        .get("expected")
        .and_then(|e| e.get("outcome"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let ok = key.verify_b64u(&bytes, sig).is_ok();
    match (want, ok) {
        ("verified", true) | ("rejected", false) => {}
        _ => {
            return Err(format!(
                "expected {want}, signature over RFC 8785 bytes {}",
                if ok { "verifies" } else { "does not verify" }
            ));
        }
    }
    let diverges = doc
        .get("diverges_under")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|d| d.as_str() == Some("sort_keys_compact")));
    if diverges && key.verify_b64u(&pyjson_vec(&body), sig).is_ok() {
        return Err(
            "signature also verifies over Python sort_keys bytes, but the vector says they diverge"
                .into(),
        );
    }
    Ok(())
}

/// Runs one TRACE action-receipt vector through the receipt verifier and
/// compares status, controller outcome, failure and warning codes with the
/// vector's own `expected` block.
pub fn check_action_receipt(doc: &Value) -> Result<(), String> {
    let got = cmcp_verify::receipt::trace_action::run_vector(doc).map_err(|e| e.to_string())?;
    let exp = doc.get("expected").ok_or("vector has no expected block")?;
    let text = |k: &str| exp.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let list = |k: &str| -> Vec<String> {
        exp.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let checks = [
        ("status", vec![text("status")], vec![got.status.clone()]),
        (
            "controller_outcome",
            vec![text("controller_outcome")],
            vec![got.controller_outcome.clone()],
        ),
        ("failures", list("failures"), got.failures.clone()),
        ("warnings", list("warnings"), got.warnings.clone()),
    ];
    for (name, want, have) in checks {
        if want != have {
            return Err(format!("{name}: expected {want:?}, got {have:?}"));
        }
    }
    Ok(())
}

/// Runs one Agent Manifest COSE vector and compares result, signature
/// verdict and manifest hash with its `expected` block.
pub fn check_cose(doc: &Value) -> Result<(), String> {
    let now =
        cmcp_verify::Timestamp::parse_rfc3339(crate::generate::NOW).map_err(|e| e.to_string())?;
    let got =
        cmcp_verify::receipt::manifest::run_cose_vector(doc, now).map_err(|e| e.to_string())?;
    let exp = doc.get("expected").ok_or("vector has no expected block")?;
    let want_result = exp.get("result").and_then(Value::as_str).unwrap_or("");
    if got.result != want_result {
        return Err(format!(
            "result: expected {want_result}, got {}",
            got.result
        ));
    }
    if let Some(sv) = exp.get("signature_verified").and_then(Value::as_bool)
        && sv != got.signature_verified
    {
        return Err(format!(
            "signature_verified: expected {sv}, got {}",
            got.signature_verified
        ));
    }
    if let Some(h) = exp
        .get("cose")
        .and_then(|c| c.get("manifest_hash"))
        .and_then(Value::as_str)
        && got.manifest_hash.as_deref() != Some(h)
    {
        return Err(format!(
            "manifest_hash: expected {h}, got {:?}",
            got.manifest_hash
        ));
    }
    Ok(())
}

/// Runs both peer suites; each row comes with its tags.
pub fn run_peer_suites(root: &Path) -> Vec<(Row, Vec<String>)> {
    let base = fixtures_dir(root).join("trace-spec");
    let mut out = Vec::new();
    let canon = base.join("canonicalization");
    if canon.is_dir() {
        for f in files(&canon) {
            let id = id_for("TRACE-CANON", &f);
            let res = std::fs::read(&f)
                .map_err(|e| e.to_string())
                .and_then(|b| parse(&b).map_err(|e| format!("not strict JSON: {e}")))
                .and_then(|d| check_canon(&d));
            let (outcome, note) = match res {
                Ok(()) => ("pass", String::new()),
                Err(e) => ("fail", e),
            };
            out.push((
                Row {
                    id,
                    outcome,
                    note,
                    suite: "trace-canonicalization",
                },
                vec!["peer".into(), "canonicalization".into()],
            ));
        }
    } else {
        out.extend(skipped(
            "TRACE-CANON",
            CANON_COUNT,
            "trace-canonicalization",
        ));
    }
    let cose = fixtures_dir(root).join("agent-manifest").join("cose");
    if cose.is_dir() {
        for f in files(&cose) {
            let id = id_for("AM-COSE", &f);
            let res = std::fs::read(&f)
                .map_err(|e| e.to_string())
                .and_then(|b| parse(&b).map_err(|e| format!("not strict JSON: {e}")))
                .and_then(|d| check_cose(&d));
            let (outcome, note) = match res {
                Ok(()) => ("pass", String::new()),
                Err(e) => ("fail", e),
            };
            out.push((
                Row {
                    id,
                    outcome,
                    note,
                    suite: "agent-manifest-cose",
                },
                vec!["peer".into(), "manifest".into(), "cose".into()],
            ));
        }
    } else {
        out.extend(skipped("AM-COSE", 10, "agent-manifest-cose"));
    }
    let ar = base.join("action-receipts");
    if ar.is_dir() {
        for f in files(&ar) {
            let id = id_for("TRACE-AR", &f);
            let res = std::fs::read(&f)
                .map_err(|e| e.to_string())
                .and_then(|b| parse(&b).map_err(|e| format!("not strict JSON: {e}")));
            let row = match res {
                Ok(d) => {
                    let (outcome, note) = match check_action_receipt(&d) {
                        Ok(()) => ("pass", String::new()),
                        Err(e) => ("fail", e),
                    };
                    Row {
                        id,
                        outcome,
                        note,
                        suite: "trace-action-receipts",
                    }
                }
                Err(e) => Row {
                    id,
                    outcome: "fail",
                    note: e,
                    suite: "trace-action-receipts",
                },
            };
            out.push((row, vec!["peer".into(), "action-receipt".into()]));
        }
    } else {
        out.extend(skipped(
            "TRACE-AR",
            ACTION_RECEIPT_COUNT,
            "trace-action-receipts",
        ));
    }
    out
}
