//! Rendering a [`VerificationResult`] as the CLI's JSON object or text lines.

use cmcp_json::canonical::pyjson_vec;
use cmcp_json::{Int, Object, Value};
use cmcp_policy::{Outcome, Status, VerificationResult};

/// Bundle failures listed in the output, at most: the first ones in check
/// order ([`cmcp_policy::MAX_BUNDLE_FAILURES`]). The rest are counted
/// (`bundle.failures_omitted` in JSON, a closing line in text);
/// `bundle.failure_count` is the total. The verdict, the failure code and
/// `bundle.verified` never depend on the cap.
pub const MAX_LISTED_FAILURES: usize = cmcp_policy::MAX_BUNDLE_FAILURES;

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn list(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|i| s(i)).collect())
}

/// The result as the CLI contract's JSON object.
///
/// ```
/// use cmcp_verify::{Verifier, VerifyOptions, Timestamp};
/// let r = Verifier::new().verify_claim(b"[]", None, &VerifyOptions::at(Timestamp::from_unix(0)));
/// let v = cmcp_verify::output::to_json(&r);
/// assert_eq!(v.get("status").unwrap().as_str(), Some("unverified"));
/// assert_eq!(v.get("failure_reason").unwrap().as_str(), Some("CLAIM_MALFORMED"));
/// ```
pub fn to_json(r: &VerificationResult) -> Value {
    let mut o = Object::new();
    o.insert("status", s(r.status.as_str()));
    o.insert(
        "failure_reason",
        r.failure_reason.map_or(Value::Null, |c| s(c.as_str())),
    );
    o.insert("verified_fields", list(&r.verified_fields()));
    o.insert("unverified_fields", list(&r.unverified_fields()));
    o.insert("not_checked_fields", list(&r.ledger.not_checked_fields()));
    let ledger = r
        .ledger
        .entries()
        .iter()
        .map(|e| {
            let mut m = Object::new();
            m.insert("field", s(&e.field));
            m.insert("outcome", s(e.outcome.as_str()));
            m.insert("reason", s(&e.reason));
            if let Some(c) = e.code {
                m.insert("code", s(c.as_str()));
            }
            Value::Object(m)
        })
        .collect();
    o.insert("ledger", Value::Array(ledger));
    let mut d = Object::new();
    for (k, v) in r.ledger.details() {
        d.insert(k.clone(), s(v));
    }
    o.insert("details", Value::Object(d));
    o.insert(
        "attestation_age_seconds",
        Value::Int(Int::Small(r.attestation_age_seconds)),
    );
    o.insert("is_attestation_fresh", Value::Bool(r.is_attestation_fresh));
    if let Some(b) = &r.bundle {
        let mut bo = Object::new();
        bo.insert("verified", Value::Bool(b.verified));
        bo.insert(
            "entry_count",
            Value::Int(Int::Small(i64::try_from(b.entry_count).unwrap_or(i64::MAX))),
        );
        // `failures` keeps the reference's shape (a list of messages); codes
        // and entry indices ride alongside in the same order. All three are
        // capped at MAX_LISTED_FAILURES.
        let listed = || b.failures.iter().take(MAX_LISTED_FAILURES);
        bo.insert(
            "failures",
            Value::Array(listed().map(|f| s(&f.message)).collect()),
        );
        bo.insert(
            "failure_codes",
            Value::Array(listed().map(|f| s(f.code)).collect()),
        );
        let omitted = b.failure_count().saturating_sub(listed().count() as u64);
        let count = |n: u64| Value::Int(Int::Small(i64::try_from(n).unwrap_or(i64::MAX)));
        bo.insert("failure_count", count(b.failure_count()));
        bo.insert("failures_omitted", count(omitted));
        bo.insert(
            "failure_entries",
            Value::Array(
                listed()
                    .map(|f| {
                        f.entry.map_or(Value::Null, |e| {
                            Value::Int(Int::Small(i64::try_from(e).unwrap_or(i64::MAX)))
                        })
                    })
                    .collect(),
            ),
        );
        o.insert("bundle", Value::Object(bo));
    }
    Value::Object(o)
}

/// The JSON object as one line of ASCII text.
pub fn to_json_line(r: &VerificationResult) -> String {
    String::from_utf8_lossy(&pyjson_vec(&to_json(r))).into_owned()
}

/// Human-readable lines: one per ledger entry, bundle failures, and a final `RESULT:` line.
pub fn to_text(r: &VerificationResult, colour: bool) -> String {
    let paint = |code: &str, t: &str| {
        if colour {
            format!("\x1b[{code}m{t}\x1b[0m")
        } else {
            t.to_owned()
        }
    };
    let mut out = String::new();
    for e in r.ledger.entries() {
        let tag = match e.outcome {
            Outcome::Verified => paint("32", "verified       "),
            Outcome::Failed => paint("31", "failed         "),
            Outcome::NotEstablished => paint("33", "not_established"),
            Outcome::NotChecked => paint("36", "not_checked    "),
        };
        let code = e.code.map(|c| format!(" [{c}]")).unwrap_or_default();
        out.push_str(&format!("{tag}  {}{code}: {}\n", e.field, e.reason));
    }
    if let Some(b) = &r.bundle {
        out.push_str(&format!(
            "bundle: {} entries, {}\n",
            b.entry_count,
            if b.verified {
                "verified"
            } else {
                "not verified"
            }
        ));
        for f in b.failures.iter().take(MAX_LISTED_FAILURES) {
            out.push_str(&format!("  {} {}\n", f.code, f.message));
        }
        let omitted = b
            .failure_count()
            .saturating_sub(b.failures.len().min(MAX_LISTED_FAILURES) as u64);
        if omitted > 0 {
            out.push_str(&format!(
                "  ... and {omitted} more failures (only the first {MAX_LISTED_FAILURES} are listed)\n"
            ));
        }
    }
    let verdict = match (r.status, r.failure_reason) {
        (Status::Verified, _) => paint("32", "verified"),
        (st, Some(c)) => paint("31", &format!("{} ({c})", st.as_str())),
        (st, None) => paint("33", st.as_str()),
    };
    out.push_str(&format!("RESULT: {verdict}\n"));
    out
}
