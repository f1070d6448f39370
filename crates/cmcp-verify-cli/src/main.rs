//! `cmcp-verify`: verify cMCP TRACE Claims, audit bundles and platform evidence.
//!
//! Exit status: 0 verified, 1 partially verified, 2 unverified, 3 usage error
//! or unreadable input.

mod args;
mod batch;

use args::{Cli, Command, Format};
use clap::Parser as _;
use cmcp_verify::json::encoding::{b64u_decode, hex_decode};
use cmcp_verify::{EvidenceInput, VerificationResult, Verifier, output};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Largest claim file read (the claim parser's own cap is below this).
const MAX_CLAIM_FILE: u64 = 8 << 20;

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("cmcp-verify: {msg}");
    ExitCode::from(3)
}

/// Reads at most `cap` + 1 bytes, whatever the file is (devices and pipes
/// report no length), so an endless input cannot exhaust memory. Reading one
/// byte more than the cap lets the parser report the cap as a verdict.
fn read_capped(path: &std::path::Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("cannot read {}: it is a directory", path.display()));
    }
    let mut out = Vec::new();
    f.take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(out)
}

/// Reads at most `cap + 1` bytes of a relying-party or platform input: the
/// layer that parses it refuses the excess in its own terms.
fn read_input(path: &std::path::Path, cap: usize) -> Result<Vec<u8>, String> {
    read_capped(path, u64::try_from(cap).unwrap_or(u64::MAX))
}

pub(crate) fn read_claim(path: &std::path::Path) -> Result<Vec<u8>, String> {
    read_capped(path, MAX_CLAIM_FILE)
}

/// Platforms the `evidence` command can check.
const EVIDENCE_PLATFORMS: &[&str] = &["amd-sev-snp", "azure-cvm-sev-snp", "intel-tdx", "tpm2"];

fn emit(r: &VerificationResult, format: Format) -> ExitCode {
    let text = match format {
        Format::Json => {
            let mut s = output::to_json_line(r);
            s.push('\n');
            s
        }
        Format::Text => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let colour = std::io::stdout().is_terminal() && !no_color;
            output::to_text(r, colour)
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A reader that closed the pipe early still gets the verdict in the
        // exit status.
        Ok(()) => ExitCode::from(r.status.exit_code()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(r.status.exit_code())
        }
        // Any other write failure (a full disk, ...) means the result was
        // not delivered: never exit 0 with nothing written.
        Err(e) => usage(format!("cannot write the result: {e}")),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 3,
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(msg) => usage(msg),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Claim {
            claim,
            bundle,
            common,
        } => {
            let opts = common.options(read_input)?;
            let verifier = verifier(&opts, &common)?;
            let claim_bytes = read_claim(&claim)?;
            // Streamed, never read whole: memory does not grow with entries.
            let bundle_file = bundle.as_deref().map(batch::open_bundle).transpose()?;
            let r = verifier.verify_claim_reader(&claim_bytes, bundle_file, &opts);
            Ok(emit(&r, common.format))
        }
        Command::Bundle {
            bundle,
            claim,
            common,
        } => {
            let opts = common.options(read_input)?;
            let verifier = verifier(&opts, &common)?;
            let bundle_file = batch::open_bundle(&bundle)?;
            let claim_bytes = claim.as_deref().map(read_claim).transpose()?;
            let r = verifier.verify_bundle_reader(bundle_file, claim_bytes.as_deref(), &opts);
            Ok(emit(&r, common.format))
        }
        Command::Batch { input, common } => {
            let opts = common.options(read_input)?;
            let verifier = verifier(&opts, &common)?;
            let reader: Box<dyn std::io::BufRead> = match input.as_deref() {
                None => Box::new(std::io::BufReader::new(std::io::stdin())),
                Some(p) if p == std::path::Path::new("-") => {
                    Box::new(std::io::BufReader::new(std::io::stdin()))
                }
                Some(p) => Box::new(std::io::BufReader::new(
                    std::fs::File::open(p)
                        .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
                )),
            };
            Ok(ExitCode::from(batch::run(reader, &verifier, &opts)?))
        }
        Command::Receipt {
            kind,
            receipt,
            entry,
            payload,
            claim,
            controller_key,
            require_receipt,
            refuse_self_report,
            max_receipt_age,
            call_id,
            session_id,
            expected_previous_receipt_hash,
            common,
        } => {
            use cmcp_verify::receipts::{ReceiptInput, malformed_input, verify_receipt};
            let opts = common.options(read_input)?;
            let expect = args::action_expectations(
                call_id,
                session_id,
                expected_previous_receipt_hash.as_deref(),
                require_receipt,
                max_receipt_age,
            )?;
            let mut policy = cmcp_verify::receipt::embodied::EmbodiedPolicy::new(opts.now);
            policy.require_receipt = require_receipt;
            policy.refuse_self_report = refuse_self_report;
            policy.max_receipt_age_seconds = max_receipt_age;
            for kv in &controller_key {
                let (id, key) = args::key_pair("--controller-key", kv)?;
                args::pin_key("--controller-key", &mut policy.controller_keys, id, key)?;
            }
            fn need<'a>(
                flag: &str,
                p: &'a Option<std::path::PathBuf>,
            ) -> Result<(String, &'a std::path::Path), String> {
                p.as_deref()
                    .ok_or_else(|| format!("--kind needs {flag}"))
                    .map(|p| (flag.trim_start_matches('-').to_owned(), p))
            }
            // Which files this kind reads, required ones first checked to be named.
            let named: Vec<(String, &std::path::Path)> = match kind {
                args::ReceiptKind::Execution => vec![need("--entry", &entry)?],
                args::ReceiptKind::Embodied => {
                    let mut v = vec![need("--entry", &entry)?, need("--payload", &payload)?];
                    if claim.is_some() {
                        v.push(need("--claim", &claim)?);
                    }
                    v
                }
                args::ReceiptKind::KillSwitch => {
                    vec![need("--receipt", &receipt)?, need("--claim", &claim)?]
                }
                args::ReceiptKind::Action => vec![need("--receipt", &receipt)?],
            };
            // Every file is read before any is judged: an unreadable file is
            // a usage error (exit 3) whatever the others hold.
            let mut bytes = Vec::with_capacity(named.len());
            for (name, p) in &named {
                bytes.push((
                    name.as_str(),
                    read_input(p, cmcp_verify::caps::JSON_DOCUMENT)
                        .map_err(|e| format!("--{name}: {e}"))?,
                ));
            }
            // A file that was read but is not JSON is a verdict (exit 2),
            // as a malformed claim file is.
            let mut values = std::collections::BTreeMap::new();
            for (name, b) in &bytes {
                match cmcp_verify::json::parse(b) {
                    Ok(v) => {
                        values.insert(*name, v);
                    }
                    Err(e) => return Ok(emit(&malformed_input(name, &e), common.format)),
                }
            }
            let get = |name: &str| {
                values
                    .get(name)
                    .ok_or_else(|| format!("--kind needs --{name}"))
            };
            let r = match kind {
                args::ReceiptKind::Execution => verify_receipt(
                    ReceiptInput::Execution {
                        entry: get("entry")?,
                    },
                    &opts,
                ),
                args::ReceiptKind::Embodied => verify_receipt(
                    ReceiptInput::Embodied {
                        entry: get("entry")?,
                        payload: get("payload")?,
                        claim: values.get("claim"),
                        policy: &policy,
                    },
                    &opts,
                ),
                args::ReceiptKind::KillSwitch => verify_receipt(
                    ReceiptInput::KillSwitch {
                        receipt: get("receipt")?,
                        claim: get("claim")?,
                    },
                    &opts,
                ),
                args::ReceiptKind::Action => verify_receipt(
                    ReceiptInput::Action {
                        document: get("receipt")?,
                        expect: &expect,
                    },
                    &opts,
                ),
            };
            Ok(emit(&r, common.format))
        }
        Command::Evidence {
            platform,
            evidence,
            nonce,
            common,
        } => {
            if !EVIDENCE_PLATFORMS.contains(&platform.as_str()) {
                return Err(format!(
                    "--platform must be one of {}",
                    EVIDENCE_PLATFORMS.join(", ")
                ));
            }
            let refused = common.claim_only_flags();
            if !refused.is_empty() {
                return Err(format!(
                    "{} apply only to claims, not to the evidence command",
                    refused.join(", ")
                ));
            }
            if common.launch_measurement.len() > 1 {
                return Err("the evidence command takes at most one --launch-measurement".into());
            }
            let opts = common.options(read_input)?;
            let verifier = verifier(&opts, &common)?;
            let nonce = hex_decode(&nonce).map_err(|_| "--nonce must be hex".to_owned())?;
            let nonce_ok = nonce.len() == 64 || (platform == "tpm2" && nonce.len() == 32);
            if !nonce_ok {
                return Err(format!(
                    "--nonce must be 64 bytes{} (got {})",
                    if platform == "tpm2" {
                        " or 32 bytes"
                    } else {
                        ""
                    },
                    nonce.len()
                ));
            }
            // Evidence JSON is one document (its parser's cap); raw report
            // or quote bytes are far smaller and refused by their parser.
            let bytes = read_input(&evidence, cmcp_verify::caps::JSON_DOCUMENT)
                .map_err(|e| format!("--evidence: {e}"))?;
            // Read but not evidence-shaped JSON: a verdict, as a malformed claim is.
            let blobs = match EvidenceFile::read(&bytes) {
                Ok(b) => b,
                Err(e) => {
                    return Ok(emit(
                        &cmcp_verify::evidence_file_malformed(&e),
                        common.format,
                    ));
                }
            };
            let expected = opts
                .launch_measurements
                .as_ref()
                .and_then(|v| v.first())
                .map(ToString::to_string);
            let input = EvidenceInput {
                platform: &platform,
                // The one expected measurement, compared with the hardware's.
                claimed_measurement: expected.as_deref(),
                nonce: Some(&nonce),
                key_thumbprint: None,
                raw_evidence: blobs.raw.as_deref(),
                quote_signature: blobs.quote_signature.as_deref(),
                cert_chain: blobs.cert_chain.as_deref(),
                ek_cert_chain: blobs.ek_cert_chain.as_deref(),
            };
            let r = verifier.verify_evidence(&input, &opts);
            Ok(emit(&r, common.format))
        }
    }
}

/// The verifier for these options; a refused input is a usage error
/// labelled with the flag that supplied it.
fn verifier(
    opts: &cmcp_verify::VerifyOptions,
    common: &args::CommonArgs,
) -> Result<Verifier, String> {
    Verifier::from_options(opts).map_err(|e| format!("{}: {e}", common.flag_of(e.input)))
}

/// Evidence for the `evidence` command: either raw bytes (the evidence blob
/// itself) or a JSON object shaped like `gateway.attestation_evidence`
/// (members base64url).
#[derive(Default)]
struct EvidenceFile {
    raw: Option<Vec<u8>>,
    quote_signature: Option<Vec<u8>>,
    cert_chain: Option<Vec<u8>>,
    ek_cert_chain: Option<Vec<u8>>,
}

impl EvidenceFile {
    fn read(bytes: &[u8]) -> Result<EvidenceFile, String> {
        let looks_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !looks_json {
            return Ok(EvidenceFile {
                raw: Some(bytes.to_vec()),
                ..EvidenceFile::default()
            });
        }
        let v = cmcp_verify::json::parse(bytes).map_err(|e| format!("evidence JSON: {e}"))?;
        let o = v.as_object().ok_or("evidence JSON must be an object")?;
        let mut f = EvidenceFile::default();
        for (k, val) in o.iter() {
            let text = val
                .as_str()
                .ok_or_else(|| format!("evidence member {k} must be a string"))?;
            let decoded = b64u_decode(text)
                .map_err(|_| format!("evidence member {k} is not canonical base64url"))?;
            match k {
                "raw_evidence" => f.raw = Some(decoded),
                "quote_signature" => f.quote_signature = Some(decoded),
                "cert_chain" => f.cert_chain = Some(decoded),
                "ek_cert_chain" => f.ek_cert_chain = Some(decoded),
                other => return Err(format!("unknown evidence member {other}")),
            }
        }
        Ok(f)
    }
}
