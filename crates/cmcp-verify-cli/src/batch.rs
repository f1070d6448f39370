//! `cmcp-verify batch`: many claims from a JSON-lines stream, in parallel.
//!
//! Input: one JSON object per line (blank lines are skipped). A line is
//! either
//! * a claim object itself (verified without a bundle), or
//! * a reference `{"claim": "PATH"}` or `{"claim": "PATH", "bundle": "PATH"}`
//!   (string members, nothing else; a claim never has a top-level `claim`
//!   member, so the two forms cannot be confused). Relative paths are taken
//!   from the current directory.
//!
//! Output: one line per non-blank input line, in input order, on stdout:
//! the object `claim --format json` prints plus `"line": N`, or
//! `{"line": N, "error": "..."}` when a referenced file cannot be read or the
//! line is not a JSON object. `N` is the 1-based input line number (blank
//! lines count), so results can be matched to input lines whatever is
//! skipped.
//! Summary (counts per status, claims per second) on stderr; a progress
//! count on stderr only when stderr is a terminal.
//!
//! Exit status: 3 if any line was an error (unreadable file, not an object),
//! else 2 if any claim is unverified, 1 if any is partially verified, 0 if
//! all verified (an empty batch is 0).

use cmcp_verify::{Status, Verifier, VerifyOptions, output};
use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Lines verified per round, at most (bounded memory whatever the stream length).
const CHUNK: usize = 256;
/// Line bytes held per round, about: a round ends once this much is read,
/// so long lines cannot make it hold `CHUNK` lines of `MAX_LINE` bytes
/// (1 GiB); at most `CHUNK_BYTES + MAX_LINE` is held.
const CHUNK_BYTES: usize = 64 * 1024 * 1024;
/// Cap on one input line (a claim inline).
const MAX_LINE: usize = 4 * 1024 * 1024 + 1;

/// One line's outcome.
enum LineResult {
    Done(Status, String),
    Error(String),
}

/// A claim named by a line is read as `claim` reads one: at most the claim
/// file cap (plus one byte), so the claim parser reports an oversized file.
fn read_capped(path: &str) -> Result<Vec<u8>, String> {
    crate::read_claim(std::path::Path::new(path))
}

/// Largest bundle read (a regular file over it is refused before reading;
/// a pipe or device stops with a read error, a malformed bundle, when it
/// passes the cap).
const MAX_BUNDLE_FILE: u64 = 1 << 30;

/// A bundle file opened for streaming, capped at [`MAX_BUNDLE_FILE`].
pub(crate) struct BundleFile {
    file: std::fs::File,
    left: u64,
}

impl Read for BundleFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte past the cap tells a capped stream from its end.
            let mut probe = [0u8; 1];
            return match self.file.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(format!(
                    "bundle is over the {MAX_BUNDLE_FILE}-byte input cap"
                ))),
            };
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.file.read(buf.get_mut(..room).unwrap_or(&mut []))?;
        // `n <= room <= left`: exact.
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}

/// Opens a bundle for streaming verification (never read whole).
pub(crate) fn open_bundle(path: &std::path::Path) -> Result<BundleFile, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => {
            return Err(format!("cannot read {}: it is a directory", path.display()));
        }
        Ok(m) if m.is_file() && m.len() > MAX_BUNDLE_FILE => {
            return Err(format!(
                "{} is over the {MAX_BUNDLE_FILE}-byte input cap",
                path.display()
            ));
        }
        _ => {}
    }
    Ok(BundleFile {
        file,
        left: MAX_BUNDLE_FILE,
    })
}

/// `{"line": N, "error": "..."}`.
fn error_line(n: usize, m: String) -> LineResult {
    let mut o = cmcp_verify::json::Object::new();
    o.insert(
        "line",
        cmcp_verify::json::Value::from(i64::try_from(n).unwrap_or(i64::MAX)),
    );
    o.insert("error", cmcp_verify::json::Value::from(m));
    LineResult::Error(
        String::from_utf8_lossy(&cmcp_verify::json::canonical::pyjson_vec(
            &cmcp_verify::json::Value::Object(o),
        ))
        .into_owned(),
    )
}

fn verify_line(n: usize, line: &[u8], verifier: &Verifier, opts: &VerifyOptions) -> LineResult {
    let err = |m: String| error_line(n, m);
    let parsed = cmcp_verify::json::parse(line);
    let reference = parsed
        .as_ref()
        .ok()
        .and_then(|v| v.as_object())
        .and_then(|o| {
            let claim = o.get("claim")?.as_str()?;
            let bundle = match o.get("bundle") {
                None => None,
                Some(b) => Some(b.as_str()?),
            };
            let only = o.iter().all(|(k, _)| k == "claim" || k == "bundle");
            only.then_some((claim.to_owned(), bundle.map(str::to_owned)))
        });
    let r = match reference {
        Some((claim, bundle)) => {
            let claim_bytes = match read_capped(&claim) {
                Ok(b) => b,
                Err(e) => return err(e),
            };
            let bundle_file = match bundle
                .as_deref()
                .map(|b| open_bundle(std::path::Path::new(b)))
                .transpose()
            {
                Ok(b) => b,
                Err(e) => return err(e),
            };
            verifier.verify_claim_reader(&claim_bytes, bundle_file, opts)
        }
        None => {
            if !matches!(parsed, Ok(ref v) if v.as_object().is_some()) && parsed.is_ok() {
                return err("line is not a JSON object".into());
            }
            // An object, or not JSON at all: a claim verdict (CLAIM_MALFORMED).
            verifier.verify_claim(line, None, opts)
        }
    };
    let mut v = output::to_json(&r);
    if let cmcp_verify::json::Value::Object(o) = &mut v {
        o.insert(
            "line",
            cmcp_verify::json::Value::from(i64::try_from(n).unwrap_or(i64::MAX)),
        );
    }
    LineResult::Done(
        r.status,
        String::from_utf8_lossy(&cmcp_verify::json::canonical::pyjson_vec(&v)).into_owned(),
    )
}

/// The number of claims over all outcomes. Each count is at most the
/// number of input lines, so the saturating sum is exact.
fn claims(counts: [u64; 4]) -> u64 {
    counts.iter().fold(0, |sum, n| sum.saturating_add(*n))
}

/// A closed pipe is not a verdict change (the exit status still carries
/// it); any other write failure means results were lost: an error (exit 3).
fn write_failed(e: &std::io::Error) -> Result<(), String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(format!("cannot write the results: {e}"))
    }
}

fn write_out(out: &mut impl Write, bytes: &[u8]) -> Result<(), String> {
    out.write_all(bytes).or_else(|e| write_failed(&e))
}

/// Appends to `buf` up to the next newline or [`MAX_LINE`] bytes, whichever
/// comes first; the count read, 0 at the end of the input.
fn read_piece(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> Result<usize, String> {
    std::io::Read::take(input, MAX_LINE as u64)
        .read_until(b'\n', buf)
        .map_err(|e| format!("cannot read the batch input: {e}"))
}

/// One round of lines: `(line number, line)`, `None` for a line over the cap.
type Chunk = Vec<(usize, Option<Vec<u8>>)>;

/// One round of non-blank lines, `(line number, line)`; `None` for a line
/// over the cap (reported, the batch goes on). Ends after [`CHUNK`] lines,
/// once `budget` bytes of lines are held, or at the end of the input (then
/// `true`). `line_no` counts every line read, blank ones too.
fn read_chunk(
    input: &mut dyn BufRead,
    line_no: &mut usize,
    budget: usize,
) -> Result<(Chunk, bool), String> {
    let mut chunk: Chunk = Vec::with_capacity(CHUNK);
    let mut held = 0usize;
    while chunk.len() < CHUNK && held < budget {
        let mut buf = Vec::new();
        let n = read_piece(input, &mut buf)?;
        if n == 0 {
            return Ok((chunk, true));
        }
        // For messages; one per line read, so it cannot saturate.
        *line_no = line_no.saturating_add(1);
        if buf.len() >= MAX_LINE && buf.last() != Some(&b'\n') {
            // Skip the rest of the line in bounded pieces.
            loop {
                buf.clear();
                let n = read_piece(input, &mut buf)?;
                if n == 0 || buf.last() == Some(&b'\n') {
                    break;
                }
            }
            chunk.push((*line_no, None));
            continue;
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        held = held.saturating_add(buf.len());
        chunk.push((*line_no, Some(buf)));
    }
    Ok((chunk, false))
}

/// Runs the batch; returns the exit code.
pub fn run(
    input: Box<dyn BufRead>,
    verifier: &Verifier,
    opts: &VerifyOptions,
) -> Result<u8, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut input = input;
    let (mut verified, mut partial, mut unverified, mut errors) = (0u64, 0u64, 0u64, 0u64);
    let mut line_no = 0usize;
    let mut stdout = std::io::stdout().lock();
    loop {
        let (chunk, eof) = read_chunk(&mut input, &mut line_no, CHUNK_BYTES)?;
        // Verify the chunk on every core; results keep input order.
        let next = AtomicUsize::new(0);
        let mut results: Vec<Option<LineResult>> = (0..chunk.len()).map(|_| None).collect();
        let slots: Vec<std::sync::Mutex<&mut Option<LineResult>>> =
            results.iter_mut().map(std::sync::Mutex::new).collect();
        std::thread::scope(|s| {
            for _ in 0..threads.min(chunk.len()).max(1) {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let (Some((n, line)), Some(slot)) = (chunk.get(i), slots.get(i)) else {
                            return;
                        };
                        let r = match line {
                            Some(line) => verify_line(*n, line, verifier, opts),
                            None => error_line(
                                *n,
                                format!("line is over the {} byte cap", MAX_LINE - 1),
                            ),
                        };
                        if let Ok(mut g) = slot.lock() {
                            **g = Some(r);
                        }
                    }
                });
            }
        });
        drop(slots);
        for r in results.into_iter().flatten() {
            let text = match r {
                LineResult::Done(status, text) => {
                    let count = match status {
                        Status::Verified => &mut verified,
                        Status::PartiallyVerified => &mut partial,
                        Status::Unverified => &mut unverified,
                    };
                    *count = count.saturating_add(1);
                    text
                }
                LineResult::Error(text) => {
                    errors = errors.saturating_add(1);
                    text
                }
            };
            write_out(&mut stdout, text.as_bytes())?;
            write_out(&mut stdout, b"\n")?;
        }
        if let Err(e) = stdout.flush() {
            write_failed(&e)?;
        }
        if progress {
            eprint!(
                "\rcmcp-verify batch: {} claims",
                claims([verified, partial, unverified, errors])
            );
        }
        if eof {
            break;
        }
    }
    let total = claims([verified, partial, unverified, errors]);
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
    if progress {
        eprintln!();
    }
    eprintln!(
        "cmcp-verify batch: {total} claims in {secs:.3} s ({rate:.0} claims/s): verified {verified}, partially_verified {partial}, unverified {unverified}, errors {errors}"
    );
    Ok(if errors > 0 {
        3
    } else if unverified > 0 {
        2
    } else if partial > 0 {
        1
    } else {
        0
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_round_holds_about_its_byte_budget_of_lines() {
        // Ten lines of 1000 bytes and a budget of 2500: rounds of three
        // lines (the third reaches the budget), line numbers kept.
        let line = format!("{{{}}}\n", " ".repeat(998));
        let text = line.repeat(10);
        let mut input = std::io::BufReader::new(text.as_bytes());
        let mut line_no = 0;
        let mut rounds = Vec::new();
        loop {
            let (chunk, eof) = read_chunk(&mut input, &mut line_no, 2500).unwrap();
            rounds.push(chunk.iter().map(|(n, _)| *n).collect::<Vec<_>>());
            assert!(chunk.iter().all(|(_, l)| l.as_ref().unwrap().len() == 1000));
            if eof {
                break;
            }
        }
        assert_eq!(
            rounds,
            [vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9], vec![10]]
        );
        // Short lines: a round is at most CHUNK lines.
        let text = "{}\n".repeat(CHUNK + 1);
        let mut input = std::io::BufReader::new(text.as_bytes());
        let mut line_no = 0;
        let (chunk, eof) = read_chunk(&mut input, &mut line_no, CHUNK_BYTES).unwrap();
        assert_eq!((chunk.len(), eof), (CHUNK, false));
        let (chunk, eof) = read_chunk(&mut input, &mut line_no, CHUNK_BYTES).unwrap();
        assert_eq!((chunk.len(), chunk[0].0, eof), (1, CHUNK + 1, true));
    }
}
