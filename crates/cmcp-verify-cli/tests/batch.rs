#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! `cmcp-verify batch`: per-line statuses in input order and the exit code.

use cmcp_json::Value;
use cmcp_testkit::{Call, Session, to_text};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const NOW: &str = "2026-12-01T00:00:00Z";

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cmcp-batch-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(input: &str, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(["batch", "-", "--now", NOW])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| cmcp_json::parse(l.as_bytes()).unwrap())
        .collect();
    (
        out.status.code().unwrap(),
        lines,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn status(v: &Value) -> &str {
    v.get("status").and_then(Value::as_str).unwrap_or("<none>")
}

fn session(n: usize, seed: u8) -> Session {
    let mut s = Session::new([seed; 32], &format!("sess-batch-{seed}"));
    for i in 0..n {
        s = s.call(Call::new("github.search", ["allow", "deny"][i % 2]));
    }
    s
}

#[test]
fn statuses_in_input_order_and_worst_exit() {
    let d = dir();
    let (claim, bundle) = session(3, 1).build();
    let claim_path = d.join("c1.json");
    let bundle_path = d.join("b1.json");
    std::fs::write(&claim_path, to_text(&claim)).unwrap();
    std::fs::write(&bundle_path, to_text(&bundle)).unwrap();
    // A bundle of another session: the claim does not vouch for it.
    let (_, other_bundle) = session(2, 2).build();
    let other_path = d.join("b2.json");
    std::fs::write(&other_path, to_text(&other_bundle)).unwrap();
    // A forged claim: signature of another key.
    let mut forged = claim.clone();
    if let Value::Object(o) = &mut forged
        && let Some(Value::Object(g)) = o.get_mut("gateway")
    {
        g.insert("gateway_version", Value::from("0.7.2"));
    }
    let reference = |c: &PathBuf, b: Option<&PathBuf>| {
        let mut o = cmcp_json::Object::new();
        o.insert("claim", Value::from(c.to_str().unwrap()));
        if let Some(b) = b {
            o.insert("bundle", Value::from(b.to_str().unwrap()));
        }
        to_text(&Value::Object(o))
    };
    let mut input = String::new();
    input.push_str(&to_text(&claim)); // 1: inline claim
    input.push('\n');
    input.push_str(&reference(&claim_path, Some(&bundle_path))); // 2: with its bundle
    input.push_str("\n\n"); // a blank line is skipped
    input.push_str(&to_text(&forged)); // 3: forged
    input.push('\n');
    input.push_str(&reference(&claim_path, Some(&other_path))); // 4: wrong bundle
    input.push('\n');
    input.push_str("not json\n"); // 5: malformed claim
    input.push_str(&reference(&claim_path, None)); // 6: reference without bundle
    input.push('\n');
    let (code, lines, stderr) = run(&input, &[]);
    let statuses: Vec<&str> = lines.iter().map(status).collect();
    assert_eq!(
        statuses,
        [
            "partially_verified",
            "partially_verified",
            "unverified",
            "unverified",
            "unverified",
            "partially_verified"
        ]
    );
    assert_eq!(code, 2);
    // Same object shape as `claim --format json`.
    assert_eq!(
        lines[1]
            .get("bundle")
            .unwrap()
            .get("entry_count")
            .unwrap()
            .as_int()
            .unwrap()
            .as_i64(),
        Some(4)
    );
    assert_eq!(
        lines[1]
            .get("bundle")
            .unwrap()
            .get("verified")
            .unwrap()
            .as_bool(),
        Some(true)
    );
    assert_eq!(
        lines[2].get("failure_reason").unwrap().as_str(),
        Some("SIGNATURE_INVALID")
    );
    assert_eq!(
        lines[4].get("failure_reason").unwrap().as_str(),
        Some("CLAIM_MALFORMED")
    );
    assert!(lines[0].get("bundle").is_none());
    assert!(
        stderr.contains("6 claims")
            && stderr.contains("partially_verified 3")
            && stderr.contains("unverified 3"),
        "{stderr}"
    );
    assert!(stderr.contains("claims/s"), "{stderr}");
    // The claim alone through `claim --format json` gives the same line.
    let single = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args([
            "claim",
            claim_path.to_str().unwrap(),
            "--bundle",
            bundle_path.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    // ... plus the member naming its input line.
    let mut want = cmcp_json::parse(&single.stdout).unwrap();
    let line = lines[1].get("line").cloned().unwrap();
    if let Value::Object(o) = &mut want {
        o.insert("line", line);
    }
    let canon = cmcp_json::canonical::pyjson_vec;
    assert_eq!(canon(&want), canon(&lines[1]));
}

#[test]
fn exit_codes() {
    let (claim, _) = session(1, 3).build();
    let (code, lines, _) = run(&format!("{}\n{}\n", to_text(&claim), to_text(&claim)), &[]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    let (code, lines, stderr) = run("", &[]);
    assert_eq!((code, lines.len()), (0, 0));
    assert!(stderr.contains("0 claims"), "{stderr}");
    // An unreadable referenced file is an error line and exit 3.
    let (code, lines, _) = run(
        &format!(
            "{}\n{{\"claim\":\"/nonexistent/c.json\"}}\n",
            to_text(&claim)
        ),
        &[],
    );
    assert_eq!(code, 3);
    assert_eq!(status(&lines[0]), "partially_verified");
    assert_eq!(
        lines[1].get("line").unwrap().as_int().unwrap().as_i64(),
        Some(2)
    );
    assert!(
        lines[1]
            .get("error")
            .unwrap()
            .as_str()
            .unwrap()
            .contains("/nonexistent/c.json")
    );
    // A usage error is 3 too.
    let out = Command::new(env!("CARGO_BIN_EXE_cmcp-verify"))
        .args(["batch", "/nonexistent/batch.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn many_lines_keep_order() {
    // More lines than one parallel round, each with a distinct claim.
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 0..300u32 {
        if i % 7 == 3 {
            input.push_str("[1]\n");
            want.push("error");
        } else {
            let (claim, _) = session((i % 3) as usize, 9).build();
            let mut c = claim.clone();
            if i % 5 == 0 {
                // Breaks the signature.
                if let Value::Object(o) = &mut c {
                    o.insert("cmcp_version", Value::from("9"));
                }
                want.push("unverified");
            } else {
                want.push("partially_verified");
            }
            input.push_str(&to_text(&c));
            input.push('\n');
        }
    }
    let (code, lines, _) = run(&input, &[]);
    assert_eq!(code, 3);
    let got: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.get("error").is_some() {
                "error"
            } else {
                status(l)
            }
        })
        .collect();
    assert_eq!(got, want);
}

/// Every result names its input line (blank lines count), and a claim path
/// that never ends is read only up to the claim cap: a CLAIM_MALFORMED
/// verdict, as `claim /dev/zero` gives, not an error after 1 GiB.
#[test]
fn results_name_their_line_and_endless_claims_stop_at_the_cap() {
    let d = dir();
    let (c, _) = session(1, 41).build();
    let p = d.join("line-claim.json");
    std::fs::write(&p, to_text(&c)).unwrap();
    let input = format!(
        "\n{{\"claim\":\"{}\"}}\n\n{{\"claim\":\"/dev/zero\"}}\n",
        p.display()
    );
    let (code, lines, _) = run(&input, &[]);
    assert_eq!(code, 2);
    let line_of = |v: &Value| {
        v.get("line")
            .and_then(Value::as_int)
            .and_then(cmcp_json::Int::as_i64)
    };
    assert_eq!(
        lines.iter().map(line_of).collect::<Vec<_>>(),
        [Some(2), Some(4)]
    );
    assert_eq!(status(&lines[0]), "partially_verified");
    assert_eq!(status(&lines[1]), "unverified");
    assert_eq!(
        lines[1].get("failure_reason").and_then(Value::as_str),
        Some("CLAIM_MALFORMED")
    );
}

/// The batch line cap is 4 MiB of content: a line of exactly 4 MiB is a
/// claim verdict, one of 4 MiB + 1 is an error result for that line only
/// (the batch goes on with the next line).
#[test]
fn line_cap_is_4_mib() {
    let cap = 4 * 1024 * 1024;
    // `{` … `}`: a JSON object (not a claim) of exactly `len` bytes.
    let object = |len: usize| format!("{{{}}}", " ".repeat(len - 2));
    let (c, _) = session(1, 42).build();
    let input = format!("{}\n{}\n{}\n", object(cap), object(cap + 1), to_text(&c));
    let (code, lines, _) = run(&input, &[]);
    assert_eq!(code, 3, "an over-cap line is an error");
    assert_eq!(lines.len(), 3);
    assert_eq!(status(&lines[0]), "unverified");
    assert_eq!(
        lines[0].get("failure_reason").and_then(Value::as_str),
        Some("CLAIM_MALFORMED")
    );
    assert_eq!(
        lines[1].get("error").and_then(Value::as_str),
        Some("line is over the 4194304 byte cap")
    );
    assert_eq!(status(&lines[2]), "partially_verified");
}
