//! A pull reader for one large JSON document over any [`Read`].
//!
//! The reader walks the *outer* structure of a document (one top-level
//! object, arrays inside it) token by token and hands out complete inner
//! values either parsed ([`Reader::value`]) or as raw bytes
//! ([`Reader::raw_value`]) for parsing elsewhere (for example on worker
//! threads) with [`parse_raw`]. It keeps only a bounded window of the input,
//! so memory does not grow with the number of values.
//!
//! Strictness is that of [`crate::parse`]: the same errors at the same
//! absolute byte offsets, with one addition — each inner value is capped
//! ([`Limits::max_bytes`] applies per value, error
//! [`ParseError::ValueTooLarge`]) instead of the whole document. An invalid
//! UTF-8 byte anywhere in the input is reported in preference to any other
//! error, as the in-memory parser does; call [`Reader::drain`] after an error
//! to get that precedence.

use crate::parse::{Limits, ParseError, parse_prefix, parse_prefix_inner};
use crate::value::Value;
use std::collections::HashSet;
use std::io::Read;

const INITIAL_BUFFER: usize = 256 * 1024;
/// Bytes after a value that a fragment parse may look at.
const LOOKAHEAD: usize = 16;

/// A raw inner value found by [`Reader::raw_value`].
#[derive(Debug)]
pub struct RawValue<'a> {
    /// Absolute offset of the value's first byte in the document.
    pub offset: usize,
    /// The value's bytes followed by up to 16 bytes of ASCII lookahead.
    pub bytes: &'a [u8],
    /// Length of the value itself (without lookahead), as far as a
    /// structural scan can tell; [`parse_raw`] confirms it.
    pub len: usize,
}

/// Parses a raw value handed out by [`Reader::raw_value`] (copied anywhere):
/// `bytes` holds the value plus lookahead, `len` is the scanned value length,
/// `offset` its absolute position, `depth` its nesting level in the
/// document. Errors carry absolute offsets. The bytes are expected to come
/// from a [`Reader`], which has checked their encoding; other invalid UTF-8
/// is still rejected, though not necessarily at its first offset.
///
/// ```
/// use cmcp_json::{Limits, stream::{Reader, parse_raw}};
/// let doc = br#"{"items":[{"a":1},{"b":2}]}"#;
/// let mut r = Reader::new(&doc[..], Limits::CLAIM);
/// assert!(r.begin_object().unwrap());
/// assert_eq!(r.next_member().unwrap().as_deref(), Some("items"));
/// assert!(r.begin_array().unwrap());
/// let mut got = Vec::new();
/// while r.next_item().unwrap() {
///     let raw = r.raw_value().unwrap();
///     let (bytes, len, offset) = (raw.bytes.to_vec(), raw.len, raw.offset);
///     r.consume(len);
///     got.push(parse_raw(&bytes, len, offset, 2, Limits::CLAIM).unwrap());
/// }
/// assert!(r.next_member().unwrap().is_none());
/// r.end().unwrap();
/// assert_eq!(got.len(), 2);
/// ```
pub fn parse_raw(
    bytes: &[u8],
    len: usize,
    offset: usize,
    depth: usize,
    limits: Limits,
) -> Result<Value, ParseError> {
    let lim = Limits {
        max_bytes: usize::MAX,
        ..limits
    };
    // The reader validated the encoding; strings are still checked run by run.
    match parse_prefix_inner(bytes, depth, lim, false) {
        Ok((v, used)) if used == len => Ok(v),
        Ok((_, used)) => Err(unexpected_in(bytes, used).shifted(offset)),
        Err(e) => Err(e.shifted(offset)),
    }
}

fn unexpected_in(bytes: &[u8], at: usize) -> ParseError {
    match bytes.get(at..) {
        Some(rest) if !rest.is_empty() => {
            let valid = match std::str::from_utf8(rest) {
                Ok(s) => s,
                Err(e) => rest
                    .get(..e.valid_up_to())
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .unwrap_or(""),
            };
            let c = valid
                .chars()
                .next()
                .or_else(|| rest.first().map(|b| char::from(*b)))
                .unwrap_or('\u{fffd}');
            ParseError::Unexpected {
                found: c,
                offset: at,
            }
        }
        _ => ParseError::UnexpectedEnd,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Just after `{` or `[`: a closing bracket or the first member/item.
    Open,
    /// After a member value or item: `,` or a closing bracket.
    After,
}

/// Incremental structural scan of one value.
#[derive(Default)]
struct Scan {
    /// Bytes of the value examined so far.
    at: usize,
    depth: u64,
    in_str: bool,
    kind: u8,
}

/// A streaming reader; see the [module documentation](self).
pub struct Reader<R> {
    // Invariants: `pos <= checked <= end <= buf.len()`, and `base + end`
    // (the absolute offset of the end of the buffered input) is
    // representable, which `fill` checks; every absolute offset `base + x`
    // with `x <= end` is therefore exact.
    src: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// `buf[..checked]` is known to be complete UTF-8.
    checked: usize,
    base: usize,
    eof: bool,
    bom_checked: bool,
    limits: Limits,
    /// Context stack of the containers the caller opened.
    stack: Vec<Ctx>,
    /// Member names of the top-level object (duplicate detection).
    seen: HashSet<String>,
}

impl<R: Read> Reader<R> {
    /// A reader over `src`. `limits.max_bytes` caps each inner value (not
    /// the document); depth and integer caps are as in [`crate::parse_with`],
    /// counted from the top of the document.
    pub fn new(src: R, limits: Limits) -> Self {
        Reader {
            src,
            buf: vec![0; INITIAL_BUFFER],
            pos: 0,
            end: 0,
            checked: 0,
            base: 0,
            eof: false,
            bom_checked: false,
            limits,
            stack: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.absolute(self.pos)
    }

    /// Absolute offset of buffer position `at <= end` (exact: see the
    /// invariants on the fields of `Reader`).
    fn absolute(&self, at: usize) -> usize {
        self.base.saturating_add(at)
    }

    /// The validated bytes from `pos` on.
    fn available(&self) -> &[u8] {
        self.buf.get(self.pos..self.checked).unwrap_or(&[])
    }

    /// Moves `pos` past `n` available bytes (never beyond `checked`).
    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.checked);
    }

    fn max_buffer(&self) -> usize {
        self.limits
            .max_bytes
            .saturating_add(LOOKAHEAD + 64 * 1024)
            .max(INITIAL_BUFFER)
    }

    /// Reads more input; returns false at end of input or when the buffer
    /// may not grow further.
    fn fill(&mut self) -> Result<bool, ParseError> {
        if self.eof {
            return Ok(false);
        }
        if self.end == self.buf.len() {
            if self.pos > 0 {
                // `pos <= checked <= end`: the subtractions are exact, and
                // `base + pos <= base + end` is representable.
                self.buf.copy_within(self.pos..self.end, 0);
                self.end = self.end.saturating_sub(self.pos);
                self.checked = self.checked.saturating_sub(self.pos);
                self.base = self.absolute(self.pos);
                self.pos = 0;
            } else if self.buf.len() < self.max_buffer() {
                let n = self.buf.len().saturating_mul(2).min(self.max_buffer());
                self.buf.resize(n, 0);
            } else {
                return Ok(false);
            }
        }
        let n = loop {
            let Some(room) = self.buf.get_mut(self.end..) else {
                return Ok(false);
            };
            let room_len = room.len();
            match self.src.read(room) {
                Ok(n) if n <= room_len => break n,
                Ok(n) => {
                    return Err(ParseError::Read {
                        offset: self.offset_of_end(),
                        message: format!("source reported {n} bytes read into {room_len}"),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(ParseError::Read {
                        offset: self.offset_of_end(),
                        message: e.to_string(),
                    });
                }
            }
        };
        // `n` fits in the room after `end`, so `end + n <= buf.len()`.
        self.end = self.end.saturating_add(n);
        if self.base.checked_add(self.end).is_none() {
            return Err(ParseError::OffsetOverflow);
        }
        if n == 0 {
            self.eof = true;
        }
        if !self.bom_checked && (self.offset_of_end() >= 3 || self.eof) {
            self.bom_checked = true;
            if self.base == 0 && self.buf.get(..3) == Some(&[0xEF, 0xBB, 0xBF][..]) && self.end >= 3
            {
                return Err(ParseError::ByteOrderMark);
            }
        }
        if self.bom_checked {
            let pending = self.buf.get(self.checked..self.end).unwrap_or(&[]);
            match std::str::from_utf8(pending) {
                Ok(_) => self.checked = self.end,
                Err(e) => {
                    if e.error_len().is_some() || self.eof {
                        return Err(ParseError::NotUtf8 {
                            offset: self.absolute(self.checked.saturating_add(e.valid_up_to())),
                        });
                    }
                    // Within `pending`, so `checked` stays at most `end`.
                    self.checked = self.checked.saturating_add(e.valid_up_to());
                }
            }
        }
        Ok(n > 0 || !self.eof)
    }

    /// Absolute offset of the end of the buffered input.
    fn offset_of_end(&self) -> usize {
        self.absolute(self.end)
    }

    /// Makes `n` validated bytes available from `pos` if the input has them.
    fn ensure(&mut self, n: usize) -> Result<(), ParseError> {
        while self.available().len() < n {
            if !self.fill()? {
                break;
            }
        }
        Ok(())
    }

    fn peek(&mut self) -> Result<Option<u8>, ParseError> {
        self.ensure(1)?;
        if self.pos < self.checked {
            Ok(self.buf.get(self.pos).copied())
        } else {
            Ok(None)
        }
    }

    fn skip_ws(&mut self) -> Result<(), ParseError> {
        loop {
            let window = self.available();
            let n = window
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            let all = n == window.len();
            self.advance(n);
            if !all {
                return Ok(());
            }
            if !self.fill()? && self.pos >= self.checked {
                return Ok(());
            }
        }
    }

    fn unexpected(&mut self) -> ParseError {
        if self.ensure(4).is_err() {
            return ParseError::UnexpectedEnd;
        }
        unexpected_in(self.available(), 0).shifted(self.offset())
    }

    /// Skips whitespace and, if the next byte opens an object, enters it
    /// (returns true). Returns false, consuming nothing but whitespace, for
    /// any other value. The first call also rejects a byte-order mark.
    pub fn begin_object(&mut self) -> Result<bool, ParseError> {
        self.skip_ws()?;
        if self.peek()? != Some(b'{') {
            return Ok(false);
        }
        self.check_depth()?;
        self.advance(1);
        self.stack.push(Ctx::Open);
        Ok(true)
    }

    /// Skips whitespace and, if the next byte opens an array, enters it.
    pub fn begin_array(&mut self) -> Result<bool, ParseError> {
        self.skip_ws()?;
        if self.peek()? != Some(b'[') {
            return Ok(false);
        }
        self.check_depth()?;
        self.advance(1);
        self.stack.push(Ctx::Open);
        Ok(true)
    }

    fn check_depth(&self) -> Result<(), ParseError> {
        // Entering one more container must stay within the cap.
        if self.stack.len() >= self.limits.max_depth {
            return Err(ParseError::TooDeep {
                cap: self.limits.max_depth,
                offset: self.offset(),
            });
        }
        Ok(())
    }

    fn mark_after(&mut self) {
        if let Some(top) = self.stack.last_mut() {
            *top = Ctx::After;
        }
    }

    /// In an object entered with [`Reader::begin_object`]: the next member's
    /// name (the value follows and must be read with [`Reader::value`],
    /// [`Reader::raw_value`] or [`Reader::begin_array`]), or `None` after the
    /// closing `}`. Duplicate names are rejected in the outermost object.
    pub fn next_member(&mut self) -> Result<Option<String>, ParseError> {
        let ctx = self.stack.last().copied().unwrap_or(Ctx::After);
        self.skip_ws()?;
        match (ctx, self.peek()?) {
            (_, Some(b'}')) => {
                self.advance(1);
                self.stack.pop();
                self.mark_after();
                return Ok(None);
            }
            (Ctx::After, Some(b',')) => {
                self.advance(1);
                self.skip_ws()?;
            }
            (Ctx::After, _) => return Err(self.unexpected()),
            (Ctx::Open, _) => {}
        }
        if self.peek()? != Some(b'"') {
            return Err(self.unexpected());
        }
        let key_offset = self.offset();
        let key = match self.value_at(self.stack.len())? {
            Value::String(s) => s,
            _ => {
                return Err(ParseError::Unexpected {
                    found: '"',
                    offset: key_offset,
                });
            }
        };
        if self.stack.len() == 1 && !self.seen.insert(key.clone()) {
            return Err(ParseError::DuplicateMember {
                name: key,
                offset: key_offset,
            });
        }
        self.skip_ws()?;
        if self.peek()? != Some(b':') {
            return Err(self.unexpected());
        }
        self.advance(1);
        self.skip_ws()?;
        self.mark_after();
        Ok(Some(key))
    }

    /// In an array entered with [`Reader::begin_array`]: true when another
    /// item follows (read it next), false after the closing `]`.
    pub fn next_item(&mut self) -> Result<bool, ParseError> {
        let ctx = self.stack.last().copied().unwrap_or(Ctx::After);
        self.skip_ws()?;
        match (ctx, self.peek()?) {
            (_, Some(b']')) => {
                self.advance(1);
                self.stack.pop();
                self.mark_after();
                return Ok(false);
            }
            (Ctx::After, Some(b',')) => {
                self.advance(1);
                self.skip_ws()?;
            }
            (Ctx::After, _) => return Err(self.unexpected()),
            (Ctx::Open, _) => {}
        }
        self.mark_after();
        Ok(true)
    }

    /// Finds the extent of the value at `pos` (loading it into the buffer).
    /// Returns `Ok(Some(len))`, or `Ok(None)` when the input ends first.
    fn scan(&mut self) -> Result<Option<usize>, ParseError> {
        let mut s = Scan::default();
        let cap = self.limits.max_bytes;
        loop {
            let window = self.available();
            let avail = window.len();
            if let Some(done) = scan_step(&mut s, window) {
                if done > cap {
                    return Err(self.too_large());
                }
                return Ok(Some(done));
            }
            if s.at > cap {
                return Err(self.too_large());
            }
            let more = self.fill()?;
            if !more && self.available().len() == avail {
                return Ok(None);
            }
        }
    }

    fn too_large(&mut self) -> ParseError {
        let cap = self.limits.max_bytes;
        let offset = self.offset();
        let window = self
            .buf
            .get(self.pos..self.checked.min(self.pos.saturating_add(cap)))
            .unwrap_or(&[]);
        // Report a syntax error inside the first `cap` bytes in preference.
        let window = match std::str::from_utf8(window) {
            Ok(_) => window,
            Err(e) => window.get(..e.valid_up_to()).unwrap_or(&[]),
        };
        let lim = Limits {
            max_bytes: usize::MAX,
            ..self.limits
        };
        match parse_prefix(window, self.stack.len(), lim) {
            Err(ParseError::UnexpectedEnd) | Ok(_) => ParseError::ValueTooLarge { cap, offset },
            Err(e) => e.shifted(offset),
        }
    }

    fn value_at(&mut self, depth: usize) -> Result<Value, ParseError> {
        let limits = self.limits;
        let raw = self.raw_value()?;
        let (len, offset) = (raw.len, raw.offset);
        let v = parse_raw(raw.bytes, len, offset, depth, limits)?;
        self.advance(len);
        Ok(v)
    }

    /// Parses the next inner value (a member value or array item).
    pub fn value(&mut self) -> Result<Value, ParseError> {
        let depth = self.stack.len();
        self.value_at(depth)
    }

    /// The next inner value as raw bytes, not yet consumed: copy what you
    /// need, then call [`Reader::consume`] with [`RawValue::len`] and parse
    /// the copy with [`parse_raw`] at depth [`Reader::depth`].
    pub fn raw_value(&mut self) -> Result<RawValue<'_>, ParseError> {
        let offset = self.offset();
        let len = match self.scan()? {
            Some(n) => n,
            None => {
                // The input ends inside the value: the parser names the error.
                let window = self.available();
                let lim = Limits {
                    max_bytes: usize::MAX,
                    ..self.limits
                };
                return Err(match parse_prefix(window, self.stack.len(), lim) {
                    Err(e) => e.shifted(offset),
                    Ok(_) => ParseError::UnexpectedEnd,
                });
            }
        };
        // Lookahead as far as there is input (saturating: at most all of it).
        self.ensure(len.saturating_add(LOOKAHEAD))?;
        let avail = self.available();
        let la = avail
            .get(len..)
            .unwrap_or(&[])
            .iter()
            .take(LOOKAHEAD)
            .take_while(|b| b.is_ascii())
            .count();
        Ok(RawValue {
            offset,
            // `len + la <= avail.len()`: the lookahead was counted after `len`.
            bytes: avail.get(..len.saturating_add(la)).unwrap_or(avail),
            len,
        })
    }

    /// Consumes `len` bytes after [`Reader::raw_value`].
    pub fn consume(&mut self, len: usize) {
        self.advance(len);
    }

    /// Nesting level of the next inner value (0 = the document itself).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// After the outermost value: only whitespace may follow.
    pub fn end(&mut self) -> Result<(), ParseError> {
        self.skip_ws()?;
        if self.peek()?.is_some() {
            return Err(ParseError::TrailingData {
                offset: self.offset(),
            });
        }
        Ok(())
    }

    /// Parses the whole remaining document in memory (for a document whose
    /// top level is not an object), capped at `max_bytes` in total.
    pub fn rest_document(&mut self, max_bytes: usize) -> Result<Value, ParseError> {
        let start = self.offset();
        let mut bytes: Vec<u8> = self.buf.get(self.pos..self.end).unwrap_or(&[]).to_vec();
        let cap = u64::try_from(max_bytes.saturating_add(1)).unwrap_or(u64::MAX);
        (&mut self.src)
            .take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| ParseError::Read {
                offset: start,
                message: e.to_string(),
            })?;
        self.pos = self.end;
        self.eof = true;
        let limits = Limits {
            max_bytes,
            ..self.limits
        };
        crate::parse_with(&bytes, limits).map_err(|e| e.shifted(start))
    }

    /// After an error: reads the rest of the input and returns an invalid
    /// UTF-8 error found there instead of `err` (the in-memory parser
    /// checks encoding before syntax), else `err`.
    pub fn drain(&mut self, err: ParseError) -> ParseError {
        if matches!(
            err,
            ParseError::NotUtf8 { .. } | ParseError::ByteOrderMark | ParseError::Read { .. }
        ) {
            return err;
        }
        loop {
            self.pos = self.checked;
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return err,
                Err(e @ ParseError::NotUtf8 { .. }) => return e,
                Err(_) => return err,
            }
        }
    }
}

/// Advances the scan over `bytes` (the value from its first byte); returns
/// the value's length once it is complete.
fn scan_step(s: &mut Scan, bytes: &[u8]) -> Option<usize> {
    if s.at == 0 {
        let first = *bytes.first()?;
        s.kind = match first {
            b'{' | b'[' => b'c',
            b'"' => b's',
            _ => b'v',
        };
        if s.kind == b's' {
            s.in_str = true;
        } else if s.kind == b'c' {
            s.depth = 1;
        }
        s.at = 1;
        if s.kind == b'v' {
            s.at = 0;
        }
    }
    if s.kind == b'v' {
        let rest = bytes.get(s.at..).unwrap_or(&[]);
        let run = rest
            .iter()
            .take_while(|b| {
                !matches!(
                    b,
                    b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'{' | b'['
                )
            })
            .count();
        // Within `bytes`: the sum is at most `bytes.len()`.
        s.at = s.at.saturating_add(run);
        return (run < rest.len()).then_some(s.at.max(1));
    }
    match scalar_until(s, bytes, bytes.len()) {
        Scalar::Done(n) => Some(n),
        Scalar::Limit | Scalar::More => None,
    }
}

/// What the byte-run scan reached.
enum Scalar {
    /// The value is complete: its length.
    Done(usize),
    /// Reached `limit` with the value still open.
    Limit,
    /// Needs more input.
    More,
}

/// Scans stop byte by stop byte from `s.at` until the value ends or `s.at`
/// reaches `limit`. (`find` returns indexes inside `bytes`, so one or two
/// past them cannot saturate.)
fn scalar_until(s: &mut Scan, bytes: &[u8], limit: usize) -> Scalar {
    while s.at < limit {
        if s.in_str {
            let Some(at) = find(bytes, s.at, string_stops) else {
                s.at = bytes.len();
                return Scalar::More;
            };
            let next = at.saturating_add(1);
            if bytes.get(at) == Some(&b'\\') {
                // The escaped byte must be present before we skip it.
                if bytes.get(next).is_none() {
                    s.at = at;
                    return Scalar::More;
                }
                s.at = next.saturating_add(1);
                continue;
            }
            s.at = next;
            s.in_str = false;
            if s.kind == b's' {
                return Scalar::Done(s.at);
            }
            continue;
        }
        let Some(at) = find(bytes, s.at, structure_stops) else {
            s.at = bytes.len();
            return Scalar::More;
        };
        s.at = at.saturating_add(1);
        match bytes.get(at) {
            Some(b'"') => s.in_str = true,
            // At most one level per byte of the value.
            Some(b'{' | b'[') => s.depth = s.depth.saturating_add(1),
            Some(b'}' | b']') => {
                s.depth = s.depth.saturating_sub(1);
                if s.depth == 0 {
                    return Scalar::Done(s.at);
                }
            }
            _ => {}
        }
    }
    Scalar::Limit
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit set in each zero byte of `v`; exact for the lowest zero byte
/// (bytes above it may be flagged spuriously, which `find` never looks at).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGH
}

/// Bytes that end a run inside a string: `"` and `\`.
#[inline]
fn string_stops(x: u64) -> u64 {
    zero_bytes(x ^ (ONES * 0x22)) | zero_bytes(x ^ (ONES * 0x5C))
}

/// Bytes that matter outside strings: `"`, `{`, `}`, `[`, `]` (the
/// brackets differ from the braces in bit 5 only).
#[inline]
fn structure_stops(x: u64) -> u64 {
    let y = x | (ONES * 0x20);
    zero_bytes(x ^ (ONES * 0x22)) | zero_bytes(y ^ (ONES * 0x7B)) | zero_bytes(y ^ (ONES * 0x7D))
}

/// Index of the first byte at or after `from` flagged by `stops`.
#[inline]
fn find(bytes: &[u8], from: usize, stops: fn(u64) -> u64) -> Option<usize> {
    let (words, rest) = bytes.get(from..)?.as_chunks::<8>();
    for (i, w) in words.iter().enumerate() {
        let m = stops(u64::from_le_bytes(*w));
        if m != 0 {
            return flagged_at(from, i, m);
        }
    }
    let mut w = [0u8; 8];
    w.get_mut(..rest.len())?.copy_from_slice(rest);
    let m = stops(u64::from_le_bytes(w));
    // Padding zeros never match: none of the stop bytes is 0.
    let k = (m.trailing_zeros() / 8) as usize;
    if m != 0 && k < rest.len() {
        flagged_at(from, words.len(), m)
    } else {
        None
    }
}

/// `from + 8 * word + k`, `k` the lowest byte flagged in `m`: the index of
/// that byte in the slice scanned from `from` (so it cannot overflow).
#[inline]
fn flagged_at(from: usize, word: usize, m: u64) -> Option<usize> {
    let k = (m.trailing_zeros() / 8) as usize;
    word.checked_mul(8)?.checked_add(k)?.checked_add(from)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;

    #[test]
    fn a_source_claiming_more_than_it_was_given_is_a_read_error() {
        struct Liar;
        impl Read for Liar {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                Ok(out.len() + 1)
            }
        }
        let mut r = Reader::new(Liar, Limits::CLAIM);
        match r.begin_object() {
            Err(ParseError::Read { offset: 0, message }) => {
                assert_eq!(
                    message,
                    format!(
                        "source reported {} bytes read into {INITIAL_BUFFER}",
                        INITIAL_BUFFER + 1
                    )
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// Reads `doc` as `{"entries":[...], other members}` with a tiny read size
    /// and compares the error with the in-memory parser's.
    fn stream_parse(doc: &[u8], chunk: usize) -> Result<Vec<Value>, ParseError> {
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = Reader::new(
            Slow(doc, chunk),
            Limits {
                max_bytes: 64,
                ..Limits::CLAIM
            },
        );
        let res = (|| {
            let mut out = Vec::new();
            if !r.begin_object()? {
                return Ok(vec![r.rest_document(1 << 20)?]);
            }
            while let Some(k) = r.next_member()? {
                if k == "entries" && r.begin_array()? {
                    while r.next_item()? {
                        out.push(r.value()?);
                    }
                } else {
                    out.push(r.value()?);
                }
            }
            r.end()?;
            Ok(out)
        })();
        res.map_err(|e| r.drain(e))
    }

    /// The block scanner finds the extent the parser finds, however the
    /// input arrives (strings with escapes, quotes and brackets inside).
    #[test]
    fn scan_finds_the_parsed_extent() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let pieces = [
            "\"a\"",
            "\"{[}]\"",
            "\"\\\"\"",
            "\"\\\\\"",
            "\"x\\\\\\\"y\"",
            "1",
            "null",
            "\"\u{e9}t\u{e9}\"",
            "\"a long string with some words in it, longer than 64 bytes....\"",
            "\"\\\\\\\\\\\"\"",
            "[]",
            "{}",
            "-12.5e3",
        ];
        for _ in 0..3000 {
            let mut doc = String::new();
            let mut stack = Vec::new();
            doc.push('{');
            stack.push('}');
            let mut first = true;
            while !stack.is_empty() && doc.len() < 2000 {
                let in_obj = *stack.last().unwrap() == '}';
                match next(6) {
                    0 if stack.len() > 1 || doc.len() > 300 => {
                        doc.push(stack.pop().unwrap());
                        first = false;
                        continue;
                    }
                    1 | 2 if stack.len() < 20 => {
                        if !first {
                            doc.push(',');
                        }
                        if in_obj {
                            doc.push_str(&format!("\"k{}\":", doc.len()));
                        }
                        if next(2) == 0 {
                            doc.push('{');
                            stack.push('}');
                        } else {
                            doc.push('[');
                            stack.push(']');
                        }
                        first = true;
                        continue;
                    }
                    _ => {}
                }
                if !first {
                    doc.push(',');
                }
                if in_obj {
                    doc.push_str(&format!("\"k{}\":", doc.len()));
                }
                doc.push_str(pieces[next(pieces.len() as u64) as usize]);
                first = false;
            }
            while let Some(c) = stack.pop() {
                doc.push(c);
            }
            let want = crate::parse_prefix(doc.as_bytes(), 0, Limits::CLAIM)
                .unwrap_or_else(|e| panic!("{e}: {doc}"))
                .1;
            assert_eq!(want, doc.len());
            doc.push_str(",\"after\"]");
            // Feed the scan in pieces of random size.
            let bytes = doc.as_bytes();
            let mut sc = Scan::default();
            let mut avail = 0;
            let got = loop {
                avail = (avail + 1 + next(150) as usize).min(bytes.len());
                if let Some(n) = scan_step(&mut sc, &bytes[..avail]) {
                    break n;
                }
                assert!(avail < bytes.len(), "no end found: {doc}");
            };
            assert_eq!(got, want, "{doc}");
        }
    }

    #[test]
    fn same_errors_as_in_memory() {
        let docs: &[&str] = &[
            r#"{"entries":[{"a":1},{"b":[1,2,{"c":"x\"y"}]}],"s":"t"}"#,
            r#" {"entries":[{"a":1},{"a":1,"a":2}]}"#,
            r#"{"entries":[{"a":NaN}]}"#,
            r#"{"entries":[{"a":"\ud800"}]}"#,
            r#"{"entries":[{"a":1}]} x"#,
            r#"{"entries":[{"a":1}],"entries":[]}"#,
            r#"{"entries":[{"a":tru}]}"#,
            r#"{"entries":[{"a":"\u12"}]}"#,
            r#"{"entries":[{"a":1},]}"#,
            r#"{"entries":[{"a":1}}"#,
            r#"{"entries":[{"a":1}"#,
            r#"{"entries":[1 2]}"#,
            r#"{"x":01}"#,
            r#"{"x":-Infinity}"#,
            r#"{"x":1e400}"#,
            r#"{"x":1,}"#,
            r#"{,}"#,
            r#"{"x" 1}"#,
            r#"{"entries":[{"a":1}]}"#,
            "{\"e\":[\"a\tb\"]}",
            "[1,2]",
            "\"str\"",
            "{\"e\":[\"\u{e9}\"]} \u{e9}",
            "{\"e\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
            "",
            "   ",
        ];
        for doc in docs {
            let lim = Limits {
                max_bytes: usize::MAX,
                ..Limits::CLAIM
            };
            let want = crate::parse_with(doc.as_bytes(), lim).err();
            for chunk in [1, 3, 7, 4096] {
                let got = stream_parse(doc.as_bytes(), chunk).err();
                assert_eq!(got, want, "{doc:?} chunk {chunk}");
            }
        }
    }

    #[test]
    fn encoding_errors_win_like_in_memory() {
        let mut doc = br#"{"entries":[{"a":1,"a":2}]}  "#.to_vec();
        doc.push(0xff);
        let want = crate::parse(&doc).unwrap_err();
        assert_eq!(want, ParseError::NotUtf8 { offset: 29 });
        for chunk in [1, 5, 4096] {
            assert_eq!(stream_parse(&doc, chunk).unwrap_err(), want);
        }
        let bom = b"\xEF\xBB\xBF{}";
        assert_eq!(stream_parse(bom, 1).unwrap_err(), ParseError::ByteOrderMark);
    }

    #[test]
    fn caps_each_value_not_the_document() {
        let big = format!(r#"{{"entries":[{{"a":"{}"}}]}}"#, "x".repeat(100));
        assert_eq!(
            stream_parse(big.as_bytes(), 7).unwrap_err(),
            ParseError::ValueTooLarge {
                cap: 64,
                offset: 12
            }
        );
        // A syntax error inside the cap is reported instead.
        let bad = format!(r#"{{"entries":[{{"a":1,,"b":"{}"}}]}}"#, "x".repeat(100));
        assert_eq!(
            stream_parse(bad.as_bytes(), 7).unwrap_err(),
            ParseError::Unexpected {
                found: ',',
                offset: 19
            }
        );
        // Many small values are fine whatever the document size.
        let many = format!(
            r#"{{"entries":[{}{{}}]}}"#,
            r#"{"a":[1,2,3]},"#.repeat(10_000)
        );
        assert_eq!(stream_parse(many.as_bytes(), 1000).unwrap().len(), 10_001);
    }
}
