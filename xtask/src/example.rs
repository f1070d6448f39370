//! `gen-example`: the software-only example session in `examples/`.

use cmcp_testkit::{Call, Session, to_text};
use std::path::Path;
use std::process::ExitCode;

/// Seed of the example gateway key.
pub const EXAMPLE_SEED: [u8; 32] = [0x42; 32];
/// Session id of the example.
pub const EXAMPLE_SESSION: &str = "5f0c7c9e-8a41-4e7b-9d2a-6b1f3c2e4d5a";
/// The `--now` the example is verified at.
pub const EXAMPLE_NOW: &str = "2026-12-01T00:00:00Z";

/// The example session: four calls with varied decisions.
pub fn example_session() -> Session {
    Session::new(EXAMPLE_SEED, EXAMPLE_SESSION)
        .call(Call::new("github.search_issues", "allow"))
        .call(Call::new("filesystem.read_file", "redact"))
        .call(Call::new("payments.refund", "deny"))
        .call(Call::new("email.send", "advisory_deny"))
        .call(Call::new("github.search_issues", "allow"))
}

/// The exact verification command documented in examples/README.md.
pub fn example_command() -> String {
    format!(
        "cargo run -p cmcp-verify-cli -- claim examples/claim.json --bundle examples/bundle.json \
         --policy-hash sha256:{} --catalog-hash sha256:{} --now {EXAMPLE_NOW}",
        "ab".repeat(32),
        "cd".repeat(32)
    )
}

fn readme() -> String {
    format!(
        "# Example: a software-only session\n\
         \n\
         `claim.json` and `bundle.json` are a TRACE Claim and its audit bundle for a\n\
         five-call session (decisions `allow`, `redact`, `deny`, `advisory_deny`, `allow`)\n\
         produced by `cmcp-testkit` from a fixed Ed25519 seed in the reference gateway's\n\
         shape. Regenerate them with `cargo xtask gen-example` (byte-stable).\n\
         \n\
         Verify them with:\n\
         \n\
         ```sh\n\
         {cmd}\n\
         ```\n\
         \n\
         The pins are the example's policy bundle hash (`sha256:abab…ab`) and tool catalog\n\
         hash (`sha256:cdcd…cd`); the claim says `attestation_generated_at`\n\
         `2026-11-30T00:00:00+00:00`, so `--now {EXAMPLE_NOW}` keeps it fresh (age 86400 s,\n\
         the default maximum).\n\
         \n\
         Expected: the signature, pins, freshness, chain and bundle all verify, but the\n\
         claim is software-only, so no hardware report binds its key or commits its\n\
         audit-chain root. The last line is\n\
         \n\
         ```\n\
         RESULT: partially_verified\n\
         ```\n\
         \n\
         and the exit status is `1`. A software-only claim is never `verified`.\n",
        cmd = example_command()
    )
}

/// The three files and their content.
pub fn example_files() -> Vec<(&'static str, String)> {
    let (claim, bundle) = example_session().build();
    vec![
        ("examples/claim.json", to_text(&claim) + "\n"),
        ("examples/bundle.json", to_text(&bundle) + "\n"),
        ("examples/README.md", readme()),
    ]
}

/// Writes (or, with `check`, compares) the example files.
pub fn gen_example(root: &Path, check: bool) -> Result<ExitCode, String> {
    let files = example_files();
    let changed = crate::write_files(root, &files, check)?;
    Ok(crate::report_changes(&changed, check))
}
