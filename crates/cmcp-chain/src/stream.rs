//! Streaming bundle verification: one pass over any [`Read`], top-level
//! members in any order, entries parsed, canonicalized and hashed in
//! parallel batches and checked in order, nothing kept per entry.
//!
//! Memory is bounded by the per-entry cap ([`MAX_ENTRY_BYTES`]) and the
//! number of batches in flight, not by the number of entries.
//!
//! Each entry is first read into a reusable [`Tape`] (no value tree, no
//! allocation) and its canonical form written straight from it; an entry
//! outside the tape's plain subset (floats, escapes, duplicates, any syntax
//! error, a receipt to verify under a pinned key) goes through the strict
//! parser and the value path instead, which gives the verdict and the exact
//! error. Both paths feed the same per-entry checks ([`EntryFacts`]).

use crate::hash::canonical_entry;
use crate::verify::{
    BundleContext, BundleReport, ChainVerifier, EntryFacts, EntryFields, Field, MAX_ENTRY_DEPTH,
    Prepared, Receipt,
};
use cmcp_json::canonical::PyjsonWriter;
use cmcp_json::stream::{Reader, parse_raw};
use cmcp_json::tape::{Kind, Tape};
use cmcp_json::{Limits, ParseError, Value};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::ops::Range;
use std::sync::{Mutex, mpsc};

/// Cap on one audit entry's JSON text (1 MiB). Larger entries make the
/// bundle malformed, with the cap in the message. The same cap applies to
/// each other top-level member value.
pub const MAX_ENTRY_BYTES: usize = 1024 * 1024;

/// Entries per batch handed to a worker, at most.
const BATCH_ENTRIES: usize = 512;
/// Raw bytes per batch, about.
const BATCH_BYTES: usize = 256 * 1024;

/// How streaming verification runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamOptions {
    /// Worker threads for entry parsing and hashing; 0 = one per available
    /// core ([`std::thread::available_parallelism`]); 1 = no threads.
    pub threads: usize,
}

fn entry_limits() -> Limits {
    Limits {
        max_bytes: MAX_ENTRY_BYTES,
        max_depth: MAX_ENTRY_DEPTH,
        max_int_digits: 4300,
    }
}

/// Top-level members seen, applied to the verdict in one place for both
/// the parsed-value and the streaming path.
#[derive(Default)]
pub(crate) struct TopLevel {
    unexpected: Option<String>,
    entries_not_array: bool,
    pub(crate) signature: Option<Value>,
    pub(crate) session_id: Option<Value>,
}

impl TopLevel {
    /// Records a member other than `entries`.
    pub(crate) fn member(&mut self, name: &str, value: Value) {
        match name {
            "bundle_signature" => self.signature = Some(value),
            "session_id" => self.session_id = Some(value),
            other => {
                if self.unexpected.is_none() {
                    self.unexpected = Some(other.to_owned());
                }
            }
        }
    }

    /// `entries` is present but not an array.
    pub(crate) fn entries_not_array(&mut self) {
        self.entries_not_array = true;
    }

    /// Shape verdicts, in the precedence the contract gives them.
    pub(crate) fn apply(&self, v: &mut ChainVerifier<'_>) {
        if let Some(k) = &self.unexpected {
            v.malformed_first(format!("bundle has an unexpected member {k:?}"));
        } else if self.entries_not_array {
            v.malformed("bundle.entries is not an array");
        }
    }
}

/// Verifies a bundle read from `reader` in one pass with memory independent
/// of the number of entries; verdicts and failure messages are those of
/// [`crate::verify_bundle`] on the parsed document. Uses every available
/// core for entry hashing.
///
/// ```
/// use cmcp_chain::{verify_bundle_reader, BundleContext, codes};
/// let r = verify_bundle_reader(&br#"{"entries":[],"session_id":"s"}"#[..], BundleContext::default());
/// assert_eq!(r.summary.failures[0].code, codes::BUNDLE_EMPTY);
/// let r = verify_bundle_reader(&br#"{"entries":[{"a":1,"a":2}]}"#[..], BundleContext::default());
/// assert!(r.summary.failures[0].message.contains("duplicate member"));
/// ```
pub fn verify_bundle_reader<R: Read>(reader: R, ctx: BundleContext<'_>) -> BundleReport {
    verify_bundle_reader_with(reader, ctx, StreamOptions::default())
}

/// [`verify_bundle_reader`] with explicit threading.
///
/// ```
/// use cmcp_chain::{verify_bundle_reader_with, BundleContext, StreamOptions};
/// let one = StreamOptions { threads: 1 };
/// let r = verify_bundle_reader_with(&b"[]"[..], BundleContext::default(), one);
/// assert_eq!(r.summary.failures[0].message, "bundle is not an object");
/// ```
pub fn verify_bundle_reader_with<R: Read>(
    reader: R,
    ctx: BundleContext<'_>,
    opts: StreamOptions,
) -> BundleReport {
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(64);
    let mut r = Reader::new(reader, entry_limits());
    let mut v = ChainVerifier::new(ctx);
    let mut top = TopLevel::default();
    match read_bundle(&mut r, &mut v, &mut top, threads) {
        Ok(()) => {
            top.apply(&mut v);
            v.finish(top.signature.as_ref(), top.session_id.as_ref())
        }
        Err(e) => {
            let e = r.drain(e);
            let mut fresh = ChainVerifier::new(ctx);
            fresh.malformed(format!("bundle is not acceptable JSON: {e}"));
            fresh.finish(None, None)
        }
    }
}

fn read_bundle<R: Read>(
    r: &mut Reader<R>,
    v: &mut ChainVerifier<'_>,
    top: &mut TopLevel,
    threads: usize,
) -> Result<(), ParseError> {
    if !r.begin_object()? {
        // Refused at its first byte: a document that does not open with `{`
        // is malformed whatever follows, and nothing more of it is read.
        v.malformed("bundle is not an object");
        return Ok(());
    }
    while let Some(k) = r.next_member()? {
        if k == "entries" {
            if r.begin_array()? {
                entries(r, v, threads)?;
            } else {
                r.value()?;
                top.entries_not_array();
            }
        } else {
            let value = r.value()?;
            top.member(&k, value);
        }
    }
    r.end()
}

/// A run of raw entries copied out of the reader.
struct Batch {
    seq: u64,
    first_index: u64,
    raw: Vec<u8>,
    /// `(start in raw, value length, length with lookahead, absolute offset)`.
    items: Vec<(usize, usize, usize, usize)>,
}

/// A batch after parsing and hashing.
struct Done {
    seq: u64,
    raw: Vec<u8>,
    items: Vec<(usize, usize, usize, usize)>,
    canon: Vec<u8>,
    out: Vec<(Range<usize>, Prepared)>,
    error: Option<ParseError>,
}

/// Per-thread state for preparing entries.
#[derive(Default)]
pub(crate) struct Workspace {
    writer: PyjsonWriter,
    tape: Tape,
}

fn tape_field<'s>(t: &Tape, src: &'s [u8], node: usize) -> Option<Field<'s>> {
    Some(match t.kind(node)? {
        Kind::Null => Field::Null,
        Kind::Str { .. } => Field::Str(t.str(src, node)?),
        Kind::Int => Field::Int(t.u64(src, node)),
        Kind::True | Kind::False | Kind::Object | Kind::Array => Field::Other,
    })
}

/// The fast path: an entry in the plain subset, read without building a
/// value. `None` when the entry is outside the subset (or needs its
/// receipt verified); the strict path then handles it.
fn prepare_plain(
    i: u64,
    src: &[u8],
    ws: &mut Workspace,
    canon: &mut Vec<u8>,
    keys: Option<&BTreeMap<String, [u8; 32]>>,
) -> Option<Prepared> {
    let t = &mut ws.tape;
    if !t.parse(src) {
        return None;
    }
    let t = &*t;
    let mut f = EntryFields::default();
    let mut receipt = Receipt::Absent;
    for (name, node) in t.members(src, t.root()) {
        let slot = match name {
            b"entry_hash" => &mut f.entry_hash,
            b"sequence_number" => &mut f.sequence_number,
            b"entry_type" => &mut f.entry_type,
            b"session_id" => &mut f.session_id,
            b"prev_entry_hash" => &mut f.prev_entry_hash,
            b"tool_name" => &mut f.tool_name,
            b"policy_decision" => &mut f.policy_decision,
            b"detail" => {
                for (dn, dnode) in t.members(src, node) {
                    match dn {
                        b"closed_session_id" => f.closed_session_id = tape_field(t, src, dnode)?,
                        b"successor_session_id" => {
                            f.successor_session_id = tape_field(t, src, dnode)?;
                        }
                        _ => {}
                    }
                }
                continue;
            }
            b"external_execution_evidence" => {
                if t.kind(node)? != Kind::Null {
                    // A pinned key means the receipt is checked on the value.
                    keys.is_none().then_some(())?;
                    receipt = Receipt::Unchecked;
                }
                continue;
            }
            _ => continue,
        };
        *slot = tape_field(t, src, node)?;
    }
    let start = canon.len();
    let cut = t.write_pyjson_cut(src, "entry_hash", canon);
    let mut own = Sha256::new();
    match cut {
        Some(r) => {
            own.update(canon.get(start..r.start).unwrap_or(&[]));
            own.update(canon.get(r.end..).unwrap_or(&[]));
        }
        None => own.update(canon.get(start..).unwrap_or(&[])),
    }
    let own: [u8; 32] = own.finalize().into();
    Some(Prepared::Entry(EntryFacts::from_fields(
        i, &f, &own, receipt,
    )))
}

fn prepare(
    b: Batch,
    mut canon: Vec<u8>,
    mut out: Vec<(Range<usize>, Prepared)>,
    ws: &mut Workspace,
    keys: Option<&BTreeMap<String, [u8; 32]>>,
) -> Done {
    canon.clear();
    out.clear();
    let mut error = None;
    for (n, &(start, len, full, offset)) in b.items.iter().enumerate() {
        // Entry indexes are far below `u64::MAX` (entries take bytes of a
        // document whose offsets fit in `usize`): the sum is exact.
        let i = b.first_index.saturating_add(n as u64);
        let at = canon.len();
        let item = b.raw.get(start..).unwrap_or(&[]);
        if let Some(value) = item.get(..len)
            && let Some(prepared) = prepare_plain(i, value, ws, &mut canon, keys)
        {
            out.push((at..canon.len(), prepared));
            continue;
        }
        canon.truncate(at);
        let bytes = item.get(..full).unwrap_or(&[]);
        let value = match parse_raw(bytes, len, offset, 2, entry_limits()) {
            Ok(v) => v,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        let prepared = match value.as_object() {
            None => Prepared::NotObject,
            Some(o) => {
                let own = canonical_entry(&mut ws.writer, o, &mut canon);
                Prepared::Entry(EntryFacts::of(i, o, &own, keys))
            }
        };
        out.push((at..canon.len(), prepared));
    }
    Done {
        seq: b.seq,
        raw: b.raw,
        items: b.items,
        canon,
        out,
        error,
    }
}

/// Applies a finished batch in order; returns its parse error, if any.
fn absorb(v: &mut ChainVerifier<'_>, d: &mut Done) -> Option<ParseError> {
    for (range, prepared) in d.out.drain(..) {
        let canon = d.canon.get(range).unwrap_or(&[]);
        v.push_prepared(canon, prepared);
    }
    d.error.take()
}

/// Copies up to one batch of raw entries out of the reader. Returns false
/// when the entries array has ended.
fn fill_batch<R: Read>(r: &mut Reader<R>, b: &mut Batch) -> Result<bool, ParseError> {
    b.raw.clear();
    b.items.clear();
    while b.items.len() < BATCH_ENTRIES && b.raw.len() < BATCH_BYTES {
        if !r.next_item()? {
            return Ok(false);
        }
        let raw = r.raw_value()?;
        let start = b.raw.len();
        b.raw.extend_from_slice(raw.bytes);
        let item = (start, raw.len, raw.bytes.len(), raw.offset);
        let len = raw.len;
        b.items.push(item);
        r.consume(len);
    }
    Ok(true)
}

fn entries<R: Read>(
    r: &mut Reader<R>,
    v: &mut ChainVerifier<'_>,
    threads: usize,
) -> Result<(), ParseError> {
    let keys = v.evidence_keys();
    let mut batch = Batch {
        seq: 0,
        first_index: 0,
        raw: Vec::with_capacity(BATCH_BYTES),
        items: Vec::with_capacity(BATCH_ENTRIES),
    };
    let res = fill_batch(r, &mut batch);
    if !matches!(res, Ok(true)) || threads <= 1 {
        return inline(r, v, batch, res, keys);
    }
    threaded(r, v, batch, threads, keys)
}

/// Works on the calling thread, reusing every buffer. `batch` was filled
/// with result `res`.
fn inline<R: Read>(
    r: &mut Reader<R>,
    v: &mut ChainVerifier<'_>,
    mut batch: Batch,
    mut res: Result<bool, ParseError>,
    keys: Option<&BTreeMap<String, [u8; 32]>>,
) -> Result<(), ParseError> {
    let mut ws = Workspace::default();
    let mut canon = Vec::new();
    let mut out = Vec::new();
    loop {
        batch.first_index = v.entry_count();
        let mut d = prepare(batch, canon, out, &mut ws, keys);
        if let Some(e) = absorb(v, &mut d) {
            return Err(e);
        }
        if !res? {
            return Ok(());
        }
        batch = Batch {
            // Not used on this path (batches are applied as they are made).
            seq: d.seq.saturating_add(1),
            first_index: 0,
            raw: d.raw,
            items: d.items,
        };
        canon = d.canon;
        out = d.out;
        res = fill_batch(r, &mut batch);
    }
}

/// `(start in raw, value length, length with lookahead, absolute offset)`.
type Item = (usize, usize, usize, usize);
/// Reusable input buffers of a batch.
type SpareIn = (Vec<u8>, Vec<Item>);
/// Reusable output buffers of a batch.
type SpareOut = (Vec<u8>, Vec<(Range<usize>, Prepared)>);
type Job = (Batch, Vec<u8>, Vec<(Range<usize>, Prepared)>);

/// Applies every finished batch that is next in order.
fn apply_ready(
    v: &mut ChainVerifier<'_>,
    pending: &mut HashMap<u64, Done>,
    next_seq: &mut u64,
    first_error: &mut Option<ParseError>,
    spare_in: &mut Vec<SpareIn>,
    spare_out: &mut Vec<SpareOut>,
) {
    while let Some(mut d) = pending.remove(next_seq) {
        // Batch numbers stay below the number of entries (see `prepare`).
        *next_seq = next_seq.saturating_add(1);
        if first_error.is_none()
            && let Some(e) = absorb(v, &mut d)
        {
            *first_error = Some(e);
        }
        spare_in.push((d.raw, d.items));
        spare_out.push((d.canon, d.out));
    }
}

/// Parses and hashes batches on `threads` workers while this thread reads
/// ahead and applies finished batches in document order.
fn threaded<R: Read>(
    r: &mut Reader<R>,
    v: &mut ChainVerifier<'_>,
    first: Batch,
    threads: usize,
    keys: Option<&BTreeMap<String, [u8; 32]>>,
) -> Result<(), ParseError> {
    // `threads` is at most 64 (see `verify_bundle_reader_with`).
    let in_flight = threads.saturating_mul(2).saturating_add(1);
    let max_in_flight = in_flight as u64;
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(in_flight);
    let job_rx = Mutex::new(job_rx);
    let job_rx = &job_rx;
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    std::thread::scope(move |scope| {
        let mut spawned_any = false;
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let worker = move || {
                let mut ws = Workspace::default();
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((b, canon, out)) = job else { return };
                    if done_tx.send(prepare(b, canon, out, &mut ws, keys)).is_err() {
                        return;
                    }
                }
            };
            if std::thread::Builder::new()
                .name("cmcp-chain-hash".into())
                .spawn_scoped(scope, worker)
                .is_ok()
            {
                spawned_any = true;
            }
        }
        drop(done_tx);
        if !spawned_any {
            drop(job_tx);
            return inline(r, v, first, Ok(true), keys);
        }
        let mut pending: HashMap<u64, Done> = HashMap::new();
        let mut spare_in = Vec::new();
        let mut spare_out = Vec::new();
        let mut next_seq: u64 = 0;
        let mut sent: u64 = 0;
        let mut entries_sent: u64 = 0;
        let mut first_error: Option<ParseError> = None;
        let mut read_error: Option<ParseError> = None;
        let mut more = true;
        let mut batch = Some(first);
        loop {
            if let Some(mut b) = batch.take() {
                b.seq = sent;
                b.first_index = entries_sent;
                // Counts of entries and batches: exact (see `prepare`).
                entries_sent = entries_sent.saturating_add(b.items.len() as u64);
                let (canon, out) = spare_out.pop().unwrap_or_default();
                if job_tx.send((b, canon, out)).is_err() {
                    break;
                }
                sent = sent.saturating_add(1);
            }
            // Bounded read-ahead: wait while too many batches are in flight
            // (`next_seq <= sent`: only sent batches come back).
            while sent.saturating_sub(next_seq) >= max_in_flight || (!more && next_seq < sent) {
                let Ok(d) = done_rx.recv() else { break };
                pending.insert(d.seq, d);
                apply_ready(
                    v,
                    &mut pending,
                    &mut next_seq,
                    &mut first_error,
                    &mut spare_in,
                    &mut spare_out,
                );
            }
            if !more || first_error.is_some() {
                break;
            }
            let (raw, items) = spare_in.pop().unwrap_or_default();
            let mut nb = Batch {
                seq: 0,
                first_index: 0,
                raw,
                items,
            };
            match fill_batch(r, &mut nb) {
                Ok(m) => more = m,
                Err(e) => {
                    // Entries before the error still count: an error inside
                    // one of them comes first in the document.
                    read_error = Some(e);
                    more = false;
                }
            }
            batch = Some(nb);
        }
        drop(job_tx);
        while next_seq < sent {
            let Ok(d) = done_rx.recv() else { break };
            pending.insert(d.seq, d);
            apply_ready(
                v,
                &mut pending,
                &mut next_seq,
                &mut first_error,
                &mut spare_in,
                &mut spare_out,
            );
        }
        match (first_error, read_error) {
            (Some(e), _) | (None, Some(e)) => Err(e),
            (None, None) => Ok(()),
        }
    })
}
