//! The three canonical JSON forms used by cMCP.
//!
//! * [`pyjson`] — what the gateway signs and hashes: Python's
//!   `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`.
//! * [`cjcs`] — RFC 8785 restricted to integers in the IEEE-754 safe range
//!   (no floats), used for embodied-action evidence hashes.
//! * [`amjcs`] — the Agent Manifest variant of RFC 8785: NFC-normalized
//!   strings, `null` members dropped, extra escapes, unbounded integers.
//!
//! All writers feed a [`Sink`], so canonical bytes can go straight into a
//! hash without an intermediate buffer.

use crate::value::{Int, Object, Value};
use unicode_normalization::UnicodeNormalization;

/// Where canonical bytes go.
pub trait Sink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Why a value has no canonical form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CanonError {
    /// RFC 8785 forms refuse floats in the cMCP profile.
    #[error("canonical JSON does not accept floating point numbers")]
    Float,
    /// The integer cannot be represented exactly as an IEEE double.
    #[error("integer is outside the range RFC 8785 serializes exactly")]
    IntegerRange,
    /// Nesting over the cap.
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// A float that ECMAScript cannot print (never produced by the parser).
    #[error("non-finite number")]
    NonFinite,
}

/// Nesting cap of the RFC 8785 forms.
pub const JCS_MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------
// PYJSON

/// Writes the Python-json canonical form of `v`.
///
/// ```
/// let v = cmcp_json::parse(r#"{"b":[1.0,1e-5,1e16],"a":"é😀\u007f"}"#.as_bytes()).unwrap();
/// assert_eq!(
///     cmcp_json::canonical::pyjson_vec(&v),
///     br#"{"a":"\u00e9\ud83d\ude00\u007f","b":[1.0,1e-05,1e+16]}"#.to_vec()
/// );
/// ```
pub fn pyjson<S: Sink>(v: &Value, out: &mut S) {
    match v {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Int(i) => write_int(i, out),
        Value::Float(f) => out.put(python_float_repr(*f).as_bytes()),
        Value::String(s) => pyjson_string(s, out),
        Value::Array(items) => {
            out.put(b"[");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.put(b",");
                }
                pyjson(item, out);
            }
            out.put(b"]");
        }
        Value::Object(o) => pyjson_object_except(o, None, out),
    }
}

/// The Python-json canonical form of `v` as bytes.
pub fn pyjson_vec(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    pyjson(v, &mut out);
    out
}

/// Members of `o` sorted by code point order of their names.
pub fn sorted_members(o: &Object) -> Vec<&(String, Value)> {
    let mut m: Vec<&(String, Value)> = o.members().iter().collect();
    // Byte order of UTF-8 equals code point order.
    m.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    m
}

/// Writes an object's Python-json form, leaving out the member `skip`
/// (how the gateway forms "claim minus signature" and "entry minus entry_hash").
pub fn pyjson_object_except<S: Sink>(o: &Object, skip: Option<&str>, out: &mut S) {
    out.put(b"{");
    let mut first = true;
    for (k, v) in sorted_members(o) {
        if Some(k.as_str()) == skip {
            continue;
        }
        if !first {
            out.put(b",");
        }
        first = false;
        pyjson_string(k, out);
        out.put(b":");
        pyjson(v, out);
    }
    out.put(b"}");
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn put_u_escape<S: Sink>(unit: u32, out: &mut S) {
    let mut buf = *b"\\u0000";
    for (slot, shift) in buf.iter_mut().skip(2).zip([12u32, 8, 4, 0]) {
        let nibble = ((unit >> shift) & 0xF) as usize;
        *slot = HEX.get(nibble).copied().unwrap_or(b'0');
    }
    out.put(&buf);
}

/// Does any of eight bytes need an escape in PYJSON (`"`, `\\`, a control
/// character, DEL or a non-ASCII byte)?
#[inline]
fn needs_escape8(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    (zero(x ^ (ONES * u64::from(b'"')))
        | zero(x ^ (ONES * u64::from(b'\\')))
        | zero(x ^ (ONES * 0x7F))
        | below_space
        | (x & HIGH))
        != 0
}

/// Writes a string the way Python's `ensure_ascii=True` does.
///
/// Runs of printable ASCII are copied in one piece; only the bytes that
/// need an escape are looked at one by one.
pub fn pyjson_string<S: Sink>(s: &str, out: &mut S) {
    out.put(b"\"");
    let bytes = s.as_bytes();
    let mut run_start = 0;
    // `i` only ever moves past bytes of `s`, so it stays within
    // `bytes.len()` and the saturating additions never saturate.
    let mut i: usize = 0;
    loop {
        // Skip eight plain bytes at a time.
        while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            if needs_escape8(u64::from_le_bytes(*chunk)) {
                break;
            }
            i = i.saturating_add(8);
        }
        let Some(&b) = bytes.get(i) else { break };
        if (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\' {
            i = i.saturating_add(1);
            continue;
        }
        if let Some(run) = bytes.get(run_start..i) {
            out.put(run);
        }
        if b < 0x80 {
            i = i.saturating_add(1);
            match b {
                b'"' => out.put(b"\\\""),
                b'\\' => out.put(b"\\\\"),
                b'\n' => out.put(b"\\n"),
                b'\r' => out.put(b"\\r"),
                b'\t' => out.put(b"\\t"),
                0x08 => out.put(b"\\b"),
                0x0C => out.put(b"\\f"),
                c => put_u_escape(u32::from(c), out),
            }
        } else {
            let ch = s
                .get(i..)
                .and_then(|t| t.chars().next())
                .unwrap_or('\u{fffd}');
            i = i.saturating_add(ch.len_utf8());
            let cp = u32::from(ch);
            if let Some(v) = cp.checked_sub(0x10000) {
                // A surrogate pair: `v` has 20 bits, ten for each half.
                put_u_escape(0xD800 | (v >> 10), out);
                put_u_escape(0xDC00 | (v & 0x3FF), out);
            } else {
                put_u_escape(cp, out);
            }
        }
        run_start = i;
    }
    if let Some(run) = bytes.get(run_start..) {
        out.put(run);
    }
    out.put(b"\"");
}

/// A reusable PYJSON writer into a byte buffer: member ordering uses an
/// index buffer kept between calls, so writing many similar values (audit
/// entries) allocates nothing once warmed up.
///
/// ```
/// use cmcp_json::canonical::PyjsonWriter;
/// let v = cmcp_json::parse(br#"{"b":1,"entry_hash":"h","a":[true]}"#).unwrap();
/// let mut w = PyjsonWriter::new();
/// let mut out = Vec::new();
/// let cut = w.write_object_cut(v.as_object().unwrap(), "entry_hash", &mut out).unwrap();
/// assert_eq!(out, br#"{"a":[true],"b":1,"entry_hash":"h"}"#);
/// let mut without = out[..cut.start].to_vec();
/// without.extend_from_slice(&out[cut.end..]);
/// assert_eq!(without, br#"{"a":[true],"b":1}"#);
/// ```
#[derive(Debug, Default)]
pub struct PyjsonWriter {
    order: Vec<usize>,
}

impl PyjsonWriter {
    /// A writer with empty buffers.
    pub fn new() -> Self {
        PyjsonWriter::default()
    }

    /// Appends the PYJSON form of `v` to `out`.
    pub fn write(&mut self, v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(o) => {
                self.object(o, None, out);
            }
            Value::Array(items) => {
                out.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    self.write(item, out);
                }
                out.push(b']');
            }
            other => pyjson(other, out),
        }
    }

    /// Appends the PYJSON form of object `o` to `out` and returns the byte
    /// range (within `out`) of member `cut` together with one neighbouring
    /// comma: removing that range leaves the PYJSON form of `o` without `cut`.
    /// `None` when `o` has no such member.
    pub fn write_object_cut(
        &mut self,
        o: &Object,
        cut: &str,
        out: &mut Vec<u8>,
    ) -> Option<std::ops::Range<usize>> {
        self.object(o, Some(cut), out)
    }

    fn object(
        &mut self,
        o: &Object,
        cut: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Option<std::ops::Range<usize>> {
        let members = o.members();
        let base = self.order.len();
        self.order.extend(0..members.len());
        if let Some(seg) = self.order.get_mut(base..) {
            let key = |i: &usize| members.get(*i).map_or(&[][..], |m| m.0.as_bytes());
            if !seg.is_sorted_by(|a, b| key(a) <= key(b)) {
                seg.sort_unstable_by(|a, b| key(a).cmp(key(b)));
            }
        }
        out.push(b'{');
        let mut range = None;
        let n = members.len();
        for j in 0..n {
            let Some((k, v)) = base
                .checked_add(j)
                .and_then(|at| self.order.get(at))
                .and_then(|&i| members.get(i))
            else {
                continue;
            };
            let start = out.len();
            if j > 0 {
                out.push(b',');
            }
            pyjson_string(k, out);
            out.push(b':');
            self.write(v, out);
            if range.is_none() && cut == Some(k.as_str()) {
                range = Some(if j == 0 && n > 1 {
                    // The first member: cut it with the comma after it
                    // (a length of a `Vec<u8>` is below `isize::MAX`).
                    start..out.len().saturating_add(1)
                } else {
                    start..out.len()
                });
            }
        }
        out.push(b'}');
        self.order.truncate(base);
        range
    }
}

fn write_int<S: Sink>(i: &Int, out: &mut S) {
    match i {
        Int::Small(v) => {
            let buf = itoa_buf(*v);
            out.put(buf.as_bytes());
        }
        Int::Big(t) => out.put(t.as_bytes()),
    }
}

/// A small stack buffer holding the decimal text of an `i64`.
struct ItoaBuf {
    buf: [u8; 20],
    start: usize,
}

impl ItoaBuf {
    fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or(&[])
    }
}

fn itoa_buf(v: i64) -> ItoaBuf {
    // 19 digits and a sign fill the buffer, so the digits loop always
    // stops on `n == 0` and a slot is left for the sign.
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    let mut n = v.unsigned_abs();
    let mut slots = buf.iter_mut().enumerate().rev();
    for (at, slot) in slots.by_ref() {
        *slot = HEX.get((n % 10) as usize).copied().unwrap_or(b'0');
        start = at;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0
        && let Some((at, slot)) = slots.next()
    {
        *slot = b'-';
        start = at;
    }
    ItoaBuf { buf, start }
}

/// Shortest round-trip digits and decimal exponent of a finite non-zero
/// float: `|v| = d1.d2…dn × 10^e`. Returns `(digits, e)`.
fn shortest_digits(v: f64) -> (String, i32) {
    let parse_sci = |sci: &str| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
        let digits = digits.trim_end_matches('0').to_owned();
        if digits.is_empty() {
            ("0".to_owned(), exp)
        } else {
            (digits, exp)
        }
    };
    let a = v.abs();
    // `{:e}` gives the shortest round-trip length, but on an exact tie between
    // two shortest candidates it may pick either; Python (and ECMAScript) pick
    // the correctly rounded one, ties to even. Exact-precision formatting at
    // that length rounds half to even, so use it when it still round-trips.
    let (digits, e) = parse_sci(&format!("{a:e}"));
    let n = digits.len();
    let exact = format!("{a:.prec$e}", prec = n.saturating_sub(1));
    if exact.parse::<f64>().ok() == Some(a) {
        let (d2, e2) = parse_sci(&exact);
        if d2.len() <= n {
            return (d2, e2);
        }
    }
    (digits, e)
}

/// Writes `0.d1d2…dn × 10^p` in positional notation (`p` small, as the
/// callers check) and tells whether the text is a whole number (has no
/// decimal point).
fn positional(digits: &str, p: i32, s: &mut String) -> bool {
    match usize::try_from(p) {
        Ok(point) if point > 0 => match digits.split_at_checked(point) {
            Some((int, frac)) if !frac.is_empty() => {
                s.push_str(int);
                s.push('.');
                s.push_str(frac);
                false
            }
            // The point is at or after the last digit.
            _ => {
                s.push_str(digits);
                s.extend(std::iter::repeat_n('0', point.saturating_sub(digits.len())));
                true
            }
        },
        // The point is before the first digit.
        _ => {
            s.push_str("0.");
            for _ in 0..p.unsigned_abs() {
                s.push('0');
            }
            s.push_str(digits);
            false
        }
    }
}

/// Writes `d1.d2…dn` in scientific notation, without the exponent.
fn scientific_mantissa(digits: &str, s: &mut String) {
    let (first, rest) = digits.split_at_checked(1).unwrap_or((digits, ""));
    s.push_str(first);
    if !rest.is_empty() {
        s.push('.');
        s.push_str(rest);
    }
}

/// Python's `float.__repr__`.
///
/// ```
/// use cmcp_json::canonical::python_float_repr as r;
/// assert_eq!(r(1e-5), "1e-05");
/// assert_eq!(r(1e16), "1e+16");
/// assert_eq!(r(1e15), "1000000000000000.0");
/// assert_eq!(r(-0.0), "-0.0");
/// assert_eq!(r(123456789012345678.0), "1.2345678901234568e+17");
/// ```
pub fn python_float_repr(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let (digits, e) = shortest_digits(v);
    let mut s = String::with_capacity(32);
    if v < 0.0 {
        s.push('-');
    }
    // `|v| = 0.d1d2…dn × 10^p`; a binary64 exponent is within ±400, so the
    // saturating addition is exact.
    let p = e.saturating_add(1);
    if -4 < p && p <= 16 {
        if positional(&digits, p, &mut s) {
            s.push_str(".0");
        }
    } else {
        scientific_mantissa(&digits, &mut s);
        s.push('e');
        s.push(if e < 0 { '-' } else { '+' });
        let a = e.unsigned_abs();
        if a < 10 {
            s.push('0');
        }
        s.push_str(&a.to_string());
    }
    s
}

/// ECMAScript `Number::toString` for a finite float (RFC 8785 §3.2.2.3).
pub fn ecmascript_number(v: f64) -> Result<String, CanonError> {
    if !v.is_finite() {
        return Err(CanonError::NonFinite);
    }
    if v == 0.0 {
        return Ok("0".into());
    }
    let (digits, e) = shortest_digits(v);
    let mut s = String::with_capacity(32);
    if v < 0.0 {
        s.push('-');
    }
    // `|v| = 0.d1d2…dn × 10^n`; a binary64 exponent is within ±400, so the
    // saturating addition is exact.
    let n = e.saturating_add(1);
    if -6 < n && n <= 21 {
        positional(&digits, n, &mut s);
    } else {
        scientific_mantissa(&digits, &mut s);
        s.push('e');
        s.push(if e < 0 { '-' } else { '+' });
        s.push_str(&e.unsigned_abs().to_string());
    }
    Ok(s)
}

// ---------------------------------------------------------------------------
// RFC 8785 family

fn utf16_key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn jcs_string<S: Sink>(s: &str, extra_escapes: bool, out: &mut S) {
    out.put(b"\"");
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut chars = s.char_indices();
    while let Some((i, ch)) = chars.next() {
        let cp = u32::from(ch);
        let needs = ch == '"'
            || ch == '\\'
            || cp < 0x20
            || (extra_escapes && ((0x7F..=0x9F).contains(&cp) || cp == 0x2028 || cp == 0x2029));
        if !needs {
            continue;
        }
        if let Some(run) = bytes.get(run_start..i) {
            out.put(run);
        }
        run_start = chars.offset();
        match ch {
            '"' => out.put(b"\\\""),
            '\\' => out.put(b"\\\\"),
            '\n' => out.put(b"\\n"),
            '\r' => out.put(b"\\r"),
            '\t' => out.put(b"\\t"),
            '\u{8}' => out.put(b"\\b"),
            '\u{c}' => out.put(b"\\f"),
            _ => put_u_escape(cp, out),
        }
    }
    if let Some(run) = bytes.get(run_start..) {
        out.put(run);
    }
    out.put(b"\"");
}

/// The nesting level of the members of a container at level `depth`.
fn inner_depth(depth: usize) -> Result<usize, CanonError> {
    depth
        .checked_add(1)
        .ok_or(CanonError::TooDeep(JCS_MAX_DEPTH))
}

const SAFE_INT: i64 = 9_007_199_254_740_991;

/// How the RFC 8785 family differ; one writer serves all three.
#[derive(Clone, Copy)]
struct Jcs {
    /// Floats: refused (cMCP profile) or printed the ECMAScript way.
    floats: bool,
    /// Integers outside ±(2^53−1): refused, printed when exactly a binary64
    /// value (plain JCS), or printed in full (Agent Manifest).
    big_ints: BigInts,
    /// Agent Manifest: NFC strings, extra escapes, `null` members dropped.
    manifest: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BigInts {
    Refuse,
    ExactDouble,
    Unbounded,
}

impl Jcs {
    fn string<S: Sink>(self, s: &str, out: &mut S) {
        if self.manifest {
            let n: String = s.nfc().collect();
            jcs_string(&n, true, out);
        } else {
            jcs_string(s, false, out);
        }
    }

    fn int<S: Sink>(self, i: &Int, out: &mut S) -> Result<(), CanonError> {
        let safe = i
            .as_i64()
            .is_some_and(|n| (-SAFE_INT..=SAFE_INT).contains(&n));
        match self.big_ints {
            _ if safe => write_int(i, out),
            BigInts::Unbounded => write_int(i, out),
            BigInts::Refuse => return Err(CanonError::IntegerRange),
            // RFC 8785 numbers are binary64: an integer literal outside
            // ±(2^53−1) is accepted only when it is exactly a binary64 value,
            // and then printed as that value (so `1e17` and
            // `100000000000000000` canonicalize alike: a fixed point).
            BigInts::ExactDouble => {
                let text = i.to_string();
                let f: f64 = text.parse().map_err(|_| CanonError::IntegerRange)?;
                if !f.is_finite() || format!("{f:.0}") != text {
                    return Err(CanonError::IntegerRange);
                }
                out.put(ecmascript_number(f)?.as_bytes());
            }
        }
        Ok(())
    }

    fn write<S: Sink>(self, v: &Value, depth: usize, out: &mut S) -> Result<(), CanonError> {
        if depth > JCS_MAX_DEPTH {
            return Err(CanonError::TooDeep(JCS_MAX_DEPTH));
        }
        match v {
            Value::Null => out.put(b"null"),
            Value::Bool(true) => out.put(b"true"),
            Value::Bool(false) => out.put(b"false"),
            Value::Int(i) => self.int(i, out)?,
            Value::Float(f) if self.floats => out.put(ecmascript_number(*f)?.as_bytes()),
            Value::Float(_) => return Err(CanonError::Float),
            Value::String(s) => self.string(s, out),
            Value::Array(items) => {
                let inner = inner_depth(depth)?;
                out.put(b"[");
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.put(b",");
                    }
                    self.write(item, inner, out)?;
                }
                out.put(b"]");
            }
            Value::Object(o) => {
                let inner = inner_depth(depth)?;
                // Member order: UTF-16 code units of the (un-normalized) name.
                let mut m: Vec<&(String, Value)> = o
                    .members()
                    .iter()
                    .filter(|(_, v)| !(self.manifest && v.is_null()))
                    .collect();
                m.sort_by(|a, b| utf16_key_cmp(&a.0, &b.0));
                out.put(b"{");
                for (n, (k, v)) in m.into_iter().enumerate() {
                    if n > 0 {
                        out.put(b",");
                    }
                    self.string(k, out);
                    out.put(b":");
                    self.write(v, inner, out)?;
                }
                out.put(b"}");
            }
        }
        Ok(())
    }

    fn bytes(self, v: &Value) -> Result<Vec<u8>, CanonError> {
        let mut out = Vec::new();
        self.write(v, 0, &mut out)?;
        Ok(out)
    }
}

/// The cMCP RFC 8785 form: UTF-16 key order, minimal escaping, integers
/// within ±(2^53−1) only, floats refused.
///
/// ```
/// let v = cmcp_json::parse(r#"{"b":1,"a":"é"}"#.as_bytes()).unwrap();
/// assert_eq!(cmcp_json::canonical::cjcs(&v).unwrap(), r#"{"a":"é","b":1}"#.as_bytes());
/// assert!(cmcp_json::canonical::cjcs(&cmcp_json::parse(b"1.0").unwrap()).is_err());
/// ```
pub fn cjcs(v: &Value) -> Result<Vec<u8>, CanonError> {
    Jcs {
        floats: false,
        big_ints: BigInts::Refuse,
        manifest: false,
    }
    .bytes(v)
}

/// Plain RFC 8785 (JCS): as [`cjcs`] but floats are printed the ECMAScript way.
pub fn jcs(v: &Value) -> Result<Vec<u8>, CanonError> {
    Jcs {
        floats: true,
        big_ints: BigInts::ExactDouble,
        manifest: false,
    }
    .bytes(v)
}

/// The Agent Manifest form: NFC strings, `null` members dropped, keys in
/// UTF-16 order of their un-normalized text, escapes for U+007F–U+009F and
/// U+2028/U+2029, unbounded integers, ECMAScript floats.
pub fn amjcs(v: &Value) -> Result<Vec<u8>, CanonError> {
    Jcs {
        floats: true,
        big_ints: BigInts::Unbounded,
        manifest: true,
    }
    .bytes(v)
}

/// True when every string in `v` — member names and string values alike — is
/// already in Unicode NFC, so that [`amjcs`] writes each one unchanged.
///
/// A signature over AMJCS text covers only the normalized strings: a document
/// that is not NFC throughout can be re-spelled (NFC ↔ NFD) without changing
/// its canonical bytes. A verifier that then uses the document's own strings
/// needs this to hold to know it uses what was signed.
///
/// ```
/// use cmcp_json::canonical::is_nfc_throughout;
/// let nfc = cmcp_json::parse(br#"{"a":["pr\u00f3d"]}"#).unwrap();
/// let nfd = cmcp_json::parse(br#"{"a":["pro\u0301d"]}"#).unwrap();
/// let key = cmcp_json::parse(br#"{"pro\u0301d":1}"#).unwrap();
/// assert!(is_nfc_throughout(&nfc));
/// assert!(!is_nfc_throughout(&nfd));
/// assert!(!is_nfc_throughout(&key));
/// ```
pub fn is_nfc_throughout(v: &Value) -> bool {
    // An explicit stack: no recursion, whatever the nesting.
    let mut pending = vec![v];
    while let Some(x) = pending.pop() {
        match x {
            Value::String(s) if !unicode_normalization::is_nfc(s) => return false,
            Value::Array(a) => pending.extend(a.iter()),
            Value::Object(o) => {
                for (k, m) in o.iter() {
                    if !unicode_normalization::is_nfc(k) {
                        return false;
                    }
                    pending.push(m);
                }
            }
            _ => {}
        }
    }
    true
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;
    use crate::parse;

    fn py(s: &str) -> String {
        String::from_utf8(pyjson_vec(&parse(s.as_bytes()).unwrap())).unwrap()
    }

    #[test]
    fn python_float_table() {
        let cases = [
            (0.1, "0.1"),
            (1e-5, "1e-05"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (2.5e-6, "2.5e-06"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-1.5, "-1.5"),
            // An exact tie between two shortest candidates: Python rounds half to even.
            (f64::from_bits(0xc30afda991debf3a), "-949656766633959.2"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (v, want) in cases {
            assert_eq!(python_float_repr(v), want, "{v:e}");
        }
    }

    #[test]
    fn ecmascript_table() {
        let cases = [
            (1e-5, "0.00001"),
            (1e-7, "1e-7"),
            (2.5e-6, "0.0000025"),
            (1.0, "1"),
            (1e16, "10000000000000000"),
            (1e21, "1e+21"),
            (123456789012345678.0, "123456789012345680"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
        ];
        for (v, want) in cases {
            assert_eq!(ecmascript_number(v).unwrap(), want);
        }
    }

    #[test]
    fn pyjson_strings_and_order() {
        assert_eq!(py(r#""é""#), r#""\u00e9""#);
        assert_eq!(py("\"\u{7f}\""), r#""\u007f""#);
        assert_eq!(py("\"\u{2028}\""), r#""\u2028""#);
        assert_eq!(py(r#""\u001f\u0000/""#), r#""\u001f\u0000/""#);
        assert_eq!(py("\"\u{1F600}\""), r#""\ud83d\ude00""#);
        assert_eq!(
            py(r#"{"b":1,"a":[true,null,-0,1e2,0.10]}"#),
            r#"{"a":[true,null,0,100.0,0.1],"b":1}"#
        );
        // code point order: U+E000 sorts before U+1F600
        assert_eq!(
            py("{\"\u{1F600}\":1,\"\u{E000}\":2}"),
            r#"{"\ue000":2,"\ud83d\ude00":1}"#
        );
        assert_eq!(py("18446744073709551616"), "18446744073709551616");
        assert_eq!(py("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn writer_matches_pyjson_and_cuts_exactly() {
        let docs = [
            r#"{"b":"plain text longer than eight","a":"tab\there \u00e9\ud83d\ude00 \u007f end","c":{"z":[1,2.5,{"y":null,"x":"\\\"q"}]}}"#,
            r#"{"entry_hash":"h","a":1}"#,
            r#"{"a":1,"entry_hash":"h"}"#,
            r#"{"entry_hash":"h"}"#,
            r#"{"a":1}"#,
        ];
        let mut w = PyjsonWriter::new();
        for d in docs {
            let v = parse(d.as_bytes()).unwrap();
            let mut out = Vec::new();
            w.write(&v, &mut out);
            assert_eq!(out, pyjson_vec(&v), "{d}");
            let o = v.as_object().unwrap();
            let mut full = b"xx".to_vec();
            let cut = w.write_object_cut(o, "entry_hash", &mut full);
            assert_eq!(&full[2..], pyjson_vec(&v).as_slice());
            let mut without = Vec::new();
            pyjson_object_except(o, Some("entry_hash"), &mut without);
            match cut {
                Some(r) => {
                    let mut rest = full[2..r.start].to_vec();
                    rest.extend_from_slice(&full[r.end..]);
                    assert_eq!(rest, without, "{d}");
                }
                None => assert_eq!(&full[2..], without.as_slice()),
            }
        }
    }

    #[test]
    fn jcs_key_order_is_utf16() {
        let v = parse("{\"\u{1F600}\":1,\"\u{E000}\":2}".as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(cjcs(&v).unwrap()).unwrap(),
            "{\"\u{1F600}\":1,\"\u{E000}\":2}"
        );
    }

    #[test]
    fn cjcs_refusals() {
        assert_eq!(cjcs(&parse(b"-0.0").unwrap()), Err(CanonError::Float));
        assert_eq!(
            cjcs(&parse(b"9007199254740992").unwrap()),
            Err(CanonError::IntegerRange)
        );
        assert!(cjcs(&parse(b"9007199254740991").unwrap()).is_ok());
        let deep = "[".repeat(66) + &"]".repeat(66);
        let lim = crate::Limits {
            max_depth: 100,
            ..crate::Limits::CLAIM
        };
        let v = crate::parse_with(deep.as_bytes(), lim).unwrap();
        assert_eq!(cjcs(&v), Err(CanonError::TooDeep(64)));
    }

    #[test]
    fn amjcs_rules() {
        let v = parse("{\"b\":null,\"a\":\"e\u{301}\u{85}\u{2028}\",\"c\":[null,1e-5]}".as_bytes())
            .unwrap();
        assert_eq!(
            String::from_utf8(amjcs(&v).unwrap()).unwrap(),
            "{\"a\":\"\u{e9}\\u0085\\u2028\",\"c\":[null,0.00001]}"
        );
    }

    #[test]
    fn nfc_throughout_checks_every_string() {
        let yes = |t: &str| is_nfc_throughout(&parse(t.as_bytes()).unwrap());
        // U+212B ANGSTROM SIGN is canonically U+00C5.
        assert!(!yes(
            "{\"\u{e9}\":[\"\u{e9}\",1,null,{\"x\":\"\u{212b}\"}]}"
        ));
        assert!(yes("{\"\u{e9}\":[\"\u{e9}\",1,null,{\"x\":\"\u{c5}\"}]}"));
        // The same NFD text as a key, a value, an array element, deep inside.
        assert!(!yes("{\"e\u{301}\":1}"));
        assert!(!yes("{\"a\":\"e\u{301}\"}"));
        assert!(!yes("[\"ok\",\"e\u{301}\"]"));
        let deep = format!("{}\"e\u{301}\"{}", "[".repeat(60), "]".repeat(60));
        assert!(!yes(&deep));
        // Non-strings are never at fault.
        assert!(yes("[true,false,null,-0.5,123456789012345678901234567890]"));
        // Where AMJCS changes nothing, the check holds (and conversely here).
        let nfd = parse("{\"a\":\"pro\u{301}d\"}".as_bytes()).unwrap();
        let nfc = parse("{\"a\":\"pr\u{f3}d\"}".as_bytes()).unwrap();
        assert_eq!(amjcs(&nfd).unwrap(), amjcs(&nfc).unwrap());
        assert!(is_nfc_throughout(&nfc) && !is_nfc_throughout(&nfd));
    }
}
