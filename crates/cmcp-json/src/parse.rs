//! A strict JSON reader.
//!
//! Accepts RFC 8259 JSON and nothing else: no `NaN`/`Infinity`, no duplicate
//! member names, no lone surrogates, no raw control characters in strings,
//! no byte-order mark, no trailing data. Integers keep every digit; other
//! numbers become the nearest binary64 and must be finite.

use crate::value::{Int, Object, Value};
use std::collections::HashSet;

/// Resource limits applied while parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input length in bytes.
    pub max_bytes: usize,
    /// Maximum nesting of arrays and objects.
    pub max_depth: usize,
    /// Maximum number of digits in an integer (Python refuses more than 4300).
    pub max_int_digits: usize,
}

impl Limits {
    /// Limits for a claim document: 4 MiB, depth 64.
    pub const CLAIM: Limits = Limits {
        max_bytes: 4 * 1024 * 1024,
        max_depth: 64,
        max_int_digits: 4300,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::CLAIM
    }
}

/// Why a document is not acceptable JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input is larger than the cap.
    #[error("input is {len} bytes, over the cap of {cap} bytes")]
    TooLarge {
        /// Actual length.
        len: usize,
        /// The cap.
        cap: usize,
    },
    /// Nesting deeper than the cap.
    #[error("nesting deeper than {cap} levels at byte {offset}")]
    TooDeep {
        /// The cap.
        cap: usize,
        /// Where.
        offset: usize,
    },
    /// Input is not UTF-8.
    #[error("input is not valid UTF-8 (byte {offset})")]
    NotUtf8 {
        /// Where.
        offset: usize,
    },
    /// A UTF-8 byte-order mark.
    #[error("input starts with a byte-order mark")]
    ByteOrderMark,
    /// Input ended early.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// A byte that cannot start or continue the current token.
    #[error("unexpected character {found:?} at byte {offset}")]
    Unexpected {
        /// The character.
        found: char,
        /// Where.
        offset: usize,
    },
    /// `NaN`, `Infinity` or `-Infinity`.
    #[error("non-finite number literal at byte {offset}")]
    NonFiniteLiteral {
        /// Where.
        offset: usize,
    },
    /// A number that overflows binary64.
    #[error("number at byte {offset} is out of the binary64 range")]
    NumberOutOfRange {
        /// Where.
        offset: usize,
    },
    /// An integer with more digits than the cap.
    #[error("integer at byte {offset} has more than {cap} digits")]
    IntegerTooLong {
        /// The cap.
        cap: usize,
        /// Where.
        offset: usize,
    },
    /// A malformed number token.
    #[error("malformed number at byte {offset}")]
    BadNumber {
        /// Where.
        offset: usize,
    },
    /// A malformed escape sequence.
    #[error("malformed escape sequence at byte {offset}")]
    BadEscape {
        /// Where.
        offset: usize,
    },
    /// A `\u` escape naming half of a surrogate pair without its partner.
    #[error("lone surrogate escape at byte {offset}")]
    LoneSurrogate {
        /// Where.
        offset: usize,
    },
    /// A raw control character inside a string.
    #[error("raw control character U+{code:04X} in a string at byte {offset}")]
    ControlCharacter {
        /// The code point.
        code: u32,
        /// Where.
        offset: usize,
    },
    /// The same member name twice in one object.
    #[error("duplicate member {name:?} at byte {offset}")]
    DuplicateMember {
        /// The name.
        name: String,
        /// Where the second occurrence starts.
        offset: usize,
    },
    /// Data after the top-level value.
    #[error("trailing data at byte {offset}")]
    TrailingData {
        /// Where.
        offset: usize,
    },
    /// One value of a streamed document (for example one audit bundle
    /// entry) is larger than the per-value cap.
    #[error("value starting at byte {offset} is over the cap of {cap} bytes")]
    ValueTooLarge {
        /// The cap.
        cap: usize,
        /// Where the value starts.
        offset: usize,
    },
    /// The byte source failed while streaming.
    #[error("read error after byte {offset}: {message}")]
    Read {
        /// Bytes read successfully before the error.
        offset: usize,
        /// The I/O error text.
        message: String,
    },
    /// A streamed document is longer than byte offsets can count on this
    /// platform (`usize::MAX` bytes).
    #[error("document is longer than usize::MAX bytes")]
    OffsetOverflow,
}

impl ParseError {
    /// The same error with every byte offset moved forward by `by`
    /// (used when a fragment of a larger document was parsed on its own).
    ///
    /// ```
    /// use cmcp_json::ParseError;
    /// let e = ParseError::TrailingData { offset: 3 }.shifted(10);
    /// assert_eq!(e, ParseError::TrailingData { offset: 13 });
    /// ```
    pub fn shifted(self, by: usize) -> ParseError {
        use ParseError::*;
        let add = |o: usize| o.saturating_add(by);
        match self {
            TooDeep { cap, offset } => TooDeep {
                cap,
                offset: add(offset),
            },
            NotUtf8 { offset } => NotUtf8 {
                offset: add(offset),
            },
            Unexpected { found, offset } => Unexpected {
                found,
                offset: add(offset),
            },
            NonFiniteLiteral { offset } => NonFiniteLiteral {
                offset: add(offset),
            },
            NumberOutOfRange { offset } => NumberOutOfRange {
                offset: add(offset),
            },
            IntegerTooLong { cap, offset } => IntegerTooLong {
                cap,
                offset: add(offset),
            },
            BadNumber { offset } => BadNumber {
                offset: add(offset),
            },
            BadEscape { offset } => BadEscape {
                offset: add(offset),
            },
            LoneSurrogate { offset } => LoneSurrogate {
                offset: add(offset),
            },
            ControlCharacter { code, offset } => ControlCharacter {
                code,
                offset: add(offset),
            },
            DuplicateMember { name, offset } => DuplicateMember {
                name,
                offset: add(offset),
            },
            TrailingData { offset } => TrailingData {
                offset: add(offset),
            },
            ValueTooLarge { cap, offset } => ValueTooLarge {
                cap,
                offset: add(offset),
            },
            Read { offset, message } => Read {
                offset: add(offset),
                message,
            },
            e @ (TooLarge { .. } | ByteOrderMark | UnexpectedEnd | OffsetOverflow) => e,
        }
    }
}

/// Parses one JSON document with [`Limits::CLAIM`].
///
/// ```
/// use cmcp_json::{parse, Value};
/// let v = parse(br#"{"n": 18446744073709551616, "f": 1.0}"#).unwrap();
/// assert!(matches!(v.get("f"), Some(Value::Float(_))));
/// assert!(parse(br#"{"a":1,"a":2}"#).is_err());
/// assert!(parse(b"NaN").is_err());
/// ```
pub fn parse(input: &[u8]) -> Result<Value, ParseError> {
    parse_with(input, Limits::CLAIM)
}

/// Parses one JSON document with explicit limits.
pub fn parse_with(input: &[u8], limits: Limits) -> Result<Value, ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            len: input.len(),
            cap: limits.max_bytes,
        });
    }
    if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(ParseError::ByteOrderMark);
    }
    if let Err(e) = std::str::from_utf8(input) {
        return Err(ParseError::NotUtf8 {
            offset: e.valid_up_to(),
        });
    }
    let mut p = Parser::new(input, limits);
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < input.len() {
        return Err(ParseError::TrailingData { offset: p.pos });
    }
    Ok(v)
}

/// Parses one JSON value at the start of `input`, which sits at nesting
/// level `depth` of an enclosing document (0 = top level), and returns it
/// with the number of bytes it occupies. Bytes after the value are left
/// alone (they are lookahead, not trailing data). Leading whitespace is not
/// skipped. Error offsets are relative to `input`; see [`ParseError::shifted`].
///
/// `limits.max_bytes` caps `input.len()`; the whole of `input` must be UTF-8.
///
/// ```
/// use cmcp_json::{parse_prefix, Limits, Value};
/// let (v, used) = parse_prefix(br#"{"a":[1,2]},{"b":0}"#, 0, Limits::CLAIM).unwrap();
/// assert_eq!(used, 11);
/// assert!(matches!(v.get("a"), Some(Value::Array(_))));
/// ```
pub fn parse_prefix(
    input: &[u8],
    depth: usize,
    limits: Limits,
) -> Result<(Value, usize), ParseError> {
    parse_prefix_inner(input, depth, limits, true)
}

/// [`parse_prefix`]; `validate = false` skips the up-front UTF-8 check of
/// the whole input when the caller has already validated it (strings are
/// still checked run by run, so invalid input can never produce a `String`).
pub(crate) fn parse_prefix_inner(
    input: &[u8],
    depth: usize,
    limits: Limits,
    validate: bool,
) -> Result<(Value, usize), ParseError> {
    if input.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            len: input.len(),
            cap: limits.max_bytes,
        });
    }
    if validate && let Err(e) = std::str::from_utf8(input) {
        return Err(ParseError::NotUtf8 {
            offset: e.valid_up_to(),
        });
    }
    let mut p = Parser::new(input, limits);
    let v = p.value(depth)?;
    Ok((v, p.pos))
}

/// A cursor over UTF-8 input.
pub(crate) struct Parser<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) limits: Limits,
    scratch: String,
    /// Members of the objects being parsed, innermost last (reused).
    members: Vec<(String, Value)>,
    /// Cheap hashes of those members' names, for duplicate detection.
    hashes: Vec<u64>,
}

/// FNV-1a, for duplicate detection among a few member names.
fn name_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Objects with more members than this detect duplicates with a hash set.
const LINEAR_DUP_LIMIT: usize = 64;

/// Eight bytes at once: does any need attention inside a string
/// (`"`, `\\` or a control character)?
#[inline]
fn swar_special(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    (zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\'))) | below_space) != 0
}

impl<'a> Parser<'a> {
    pub(crate) fn new(bytes: &'a [u8], limits: Limits) -> Self {
        Parser {
            bytes,
            pos: 0,
            limits,
            scratch: String::new(),
            members: Vec::new(),
            hashes: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The input from the cursor on.
    #[inline]
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    /// Moves the cursor past `n` bytes already seen in the input, so
    /// `pos + n <= bytes.len()`. Saturating keeps the cursor past the end
    /// (every later read then reports the end of input) should that ever fail.
    #[inline]
    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n);
    }

    fn unexpected(&self) -> ParseError {
        match self.bytes.get(self.pos..) {
            Some(rest) if !rest.is_empty() => {
                let c = std::str::from_utf8(rest)
                    .ok()
                    .and_then(|s| s.chars().next())
                    .or_else(|| rest.first().map(|b| char::from(*b)))
                    .unwrap_or('\u{fffd}');
                ParseError::Unexpected {
                    found: c,
                    offset: self.pos,
                }
            }
            _ => ParseError::UnexpectedEnd,
        }
    }

    pub(crate) fn skip_ws(&mut self) {
        let n = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.advance(n);
    }

    fn expect_literal(&mut self, lit: &[u8], v: Value) -> Result<Value, ParseError> {
        match self.rest().get(..lit.len()) {
            Some(s) if s == lit => {
                self.advance(lit.len());
                Ok(v)
            }
            Some(_) => Err(self.unexpected()),
            None => Err(ParseError::UnexpectedEnd),
        }
    }

    pub(crate) fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            None => Err(ParseError::UnexpectedEnd),
            Some(b'{') => self.object(self.inner_depth(depth)?),
            Some(b'[') => self.array(self.inner_depth(depth)?),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.expect_literal(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false", Value::Bool(false)),
            Some(b'n') => self.expect_literal(b"null", Value::Null),
            Some(b'N' | b'I') => Err(ParseError::NonFiniteLiteral { offset: self.pos }),
            Some(b'-') if self.rest().get(1) == Some(&b'I') => {
                Err(ParseError::NonFiniteLiteral { offset: self.pos })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.unexpected()),
        }
    }

    /// The nesting level inside a container opened at level `depth`.
    fn inner_depth(&self, depth: usize) -> Result<usize, ParseError> {
        depth.checked_add(1).ok_or(ParseError::TooDeep {
            cap: self.limits.max_depth,
            offset: self.pos,
        })
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > self.limits.max_depth {
            Err(ParseError::TooDeep {
                cap: self.limits.max_depth,
                offset: self.pos,
            })
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.check_depth(depth)?;
        self.advance(1); // '{'
        let base = self.members.len();
        let res = self.object_members(depth, base);
        let members: Vec<(String, Value)> = self.members.drain(base..).collect();
        self.hashes.truncate(base);
        res.map(|()| Value::Object(Object::from_members(members)))
    }

    fn object_members(&mut self, depth: usize, base: usize) -> Result<(), ParseError> {
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.advance(1);
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected());
            }
            let key_offset = self.pos;
            let key = self.string()?;
            // Duplicate detection: cheap hashes for small objects, a set beyond.
            let names = self.members.get(base..).unwrap_or(&[]);
            let count = names.len();
            let dup = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let h = name_hash(&key);
                    let mine = self.hashes.get(base..).unwrap_or(&[]);
                    let d = mine
                        .iter()
                        .zip(names)
                        .any(|(&hj, (k, _))| hj == h && *k == key);
                    if !d && count >= LINEAR_DUP_LIMIT {
                        let mut set: HashSet<String> =
                            names.iter().map(|(k, _)| k.clone()).collect();
                        set.insert(key.clone());
                        seen = Some(set);
                    }
                    d
                }
            };
            if dup {
                return Err(ParseError::DuplicateMember {
                    name: key,
                    offset: key_offset,
                });
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected());
            }
            self.advance(1);
            self.skip_ws();
            let v = self.value(depth)?;
            // `hashes` stays aligned with `members`.
            self.hashes.push(name_hash(&key));
            self.members.push((key, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.advance(1),
                Some(b'}') => {
                    self.advance(1);
                    return Ok(());
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.check_depth(depth)?;
        self.advance(1); // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.advance(1);
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.advance(1),
                Some(b']') => {
                    self.advance(1);
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        let digits: &[u8; 4] = self.rest().first_chunk().ok_or(ParseError::UnexpectedEnd)?;
        let mut v = 0u32;
        for d in digits {
            let n = char::from(*d)
                .to_digit(16)
                .ok_or(ParseError::BadEscape { offset: start })?;
            v = (v << 4) | n;
        }
        self.advance(4);
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.advance(1); // opening quote
        self.scratch.clear();
        let first_run = self.pos;
        loop {
            // Copy the longest run of plain bytes at once.
            let run_start = self.pos;
            while let Some(chunk) = self.rest().first_chunk::<8>() {
                if swar_special(u64::from_le_bytes(*chunk)) {
                    break;
                }
                self.advance(8);
            }
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.advance(1);
            }
            if run_start == first_run && self.peek() == Some(b'"') {
                // No escapes: one exact allocation, the scratch is kept.
                let run = self.bytes.get(first_run..self.pos).unwrap_or(&[]);
                let s = std::str::from_utf8(run)
                    .map_err(|_| ParseError::NotUtf8 { offset: first_run })?;
                self.advance(1);
                return Ok(s.to_owned());
            }
            if self.pos > run_start {
                let run = self
                    .bytes
                    .get(run_start..self.pos)
                    .ok_or(ParseError::UnexpectedEnd)?;
                // The whole input was checked to be UTF-8 and runs stop only at
                // ASCII bytes, so each run is valid UTF-8 on its own.
                let s = std::str::from_utf8(run)
                    .map_err(|_| ParseError::NotUtf8 { offset: run_start })?;
                self.scratch.push_str(s);
            }
            match self.peek() {
                None => return Err(ParseError::UnexpectedEnd),
                Some(b'"') => {
                    self.advance(1);
                    return Ok(self.scratch.as_str().to_owned());
                }
                Some(b'\\') => {
                    let esc_at = self.pos;
                    self.advance(1);
                    let c = self.peek().ok_or(ParseError::UnexpectedEnd)?;
                    self.advance(1);
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                if !self.rest().starts_with(b"\\u") {
                                    return Err(ParseError::LoneSurrogate { offset: esc_at });
                                }
                                self.advance(2);
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(ParseError::LoneSurrogate { offset: esc_at });
                                }
                                // Ten bits from each half (the ranges are checked
                                // above), above the Basic Multilingual Plane.
                                let bits = ((hi & 0x3FF) << 10) | (lo & 0x3FF);
                                bits.checked_add(0x10000)
                                    .and_then(char::from_u32)
                                    .ok_or(ParseError::LoneSurrogate { offset: esc_at })?
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(ParseError::LoneSurrogate { offset: esc_at });
                            } else {
                                char::from_u32(hi)
                                    .ok_or(ParseError::BadEscape { offset: esc_at })?
                            }
                        }
                        _ => return Err(ParseError::BadEscape { offset: esc_at }),
                    };
                    self.scratch.push(ch);
                }
                Some(b) => {
                    return Err(ParseError::ControlCharacter {
                        code: u32::from(b),
                        offset: self.pos,
                    });
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let n = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.advance(n);
        n
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.advance(1);
        }
        let int_digits = match self.peek() {
            Some(b'0') => {
                self.advance(1);
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(ParseError::BadNumber { offset: start });
                }
                1
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(ParseError::BadNumber { offset: start }),
        };
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.advance(1);
            if self.digits() == 0 {
                return Err(ParseError::BadNumber { offset: start });
            }
            is_float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.advance(1);
            if let Some(b'+' | b'-') = self.peek() {
                self.advance(1);
            }
            if self.digits() == 0 {
                return Err(ParseError::BadNumber { offset: start });
            }
            is_float = true;
        }
        let text = self
            .bytes
            .get(start..self.pos)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or(ParseError::BadNumber { offset: start })?;
        if is_float {
            let v: f64 = text
                .parse()
                .map_err(|_| ParseError::BadNumber { offset: start })?;
            if !v.is_finite() {
                return Err(ParseError::NumberOutOfRange { offset: start });
            }
            Ok(Value::Float(v))
        } else {
            if int_digits > self.limits.max_int_digits {
                return Err(ParseError::IntegerTooLong {
                    cap: self.limits.max_int_digits,
                    offset: start,
                });
            }
            // "-0" is the integer zero.
            let canonical = if text == "-0" { "0" } else { text };
            Ok(Value::Int(Int::from_canonical_text(canonical)))
        }
    }
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

    fn err(s: &str) -> ParseError {
        parse(s.as_bytes()).unwrap_err()
    }

    #[test]
    fn rejects_what_the_contract_forbids() {
        assert!(
            matches!(err(r#"{"a":1,"a":1}"#), ParseError::DuplicateMember { ref name, offset: 7 } if name == "a")
        );
        assert!(matches!(
            err("NaN"),
            ParseError::NonFiniteLiteral { offset: 0 }
        ));
        assert!(matches!(
            err("[-Infinity]"),
            ParseError::NonFiniteLiteral { offset: 1 }
        ));
        assert!(matches!(
            err("[Infinity]"),
            ParseError::NonFiniteLiteral { offset: 1 }
        ));
        assert!(matches!(err("1e400"), ParseError::NumberOutOfRange { .. }));
        assert!(matches!(
            err(r#""\ud800""#),
            ParseError::LoneSurrogate { offset: 1 }
        ));
        assert!(matches!(
            err(r#""\udc00x""#),
            ParseError::LoneSurrogate { .. }
        ));
        assert!(matches!(
            err(r#""\ud800\u0041""#),
            ParseError::LoneSurrogate { .. }
        ));
        assert!(matches!(
            err("{} x"),
            ParseError::TrailingData { offset: 3 }
        ));
        assert!(matches!(err("{\"a\":"), ParseError::UnexpectedEnd));
        assert!(matches!(
            err("\"a\tb\""),
            ParseError::ControlCharacter { code: 9, .. }
        ));
        assert!(matches!(err("01"), ParseError::BadNumber { .. }));
        assert!(matches!(err("1."), ParseError::BadNumber { .. }));
        assert!(matches!(err("\u{feff}{}"), ParseError::ByteOrderMark));
        assert!(matches!(
            parse(b"\"\xff\""),
            Err(ParseError::NotUtf8 { offset: 1 })
        ));
    }

    #[test]
    fn caps_size_and_depth() {
        let deep = "[".repeat(65) + &"]".repeat(65);
        assert!(matches!(err(&deep), ParseError::TooDeep { cap: 64, .. }));
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(parse(ok.as_bytes()).is_ok());
        let lim = Limits {
            max_bytes: 4,
            ..Limits::CLAIM
        };
        assert_eq!(
            parse_with(b"[1,2]", lim),
            Err(ParseError::TooLarge { len: 5, cap: 4 })
        );
        let long = "1".repeat(4301);
        assert!(matches!(
            err(&long),
            ParseError::IntegerTooLong { cap: 4300, .. }
        ));
    }

    #[test]
    fn keeps_numbers_exactly() {
        let v = parse(b"[18446744073709551616, -0, 1.0, 2.5E-324, -9223372036854775808]").unwrap();
        let a = v.as_array().unwrap();
        assert_eq!(a[0], Value::Int(Int::Big("18446744073709551616".into())));
        assert_eq!(a[1], Value::Int(Int::Small(0)));
        assert_eq!(a[2], Value::Float(1.0));
        assert_eq!(a[3], Value::Float(5e-324));
        assert_eq!(a[4], Value::Int(Int::Small(i64::MIN)));
    }

    #[test]
    fn decodes_escapes_and_pairs() {
        let v = parse(br#""\ud83d\ude00\u00E9\/\n""#).unwrap();
        assert_eq!(v.as_str().unwrap(), "\u{1F600}\u{e9}/\n");
    }

    #[test]
    fn many_members_still_detect_duplicates() {
        let mut s = String::from("{");
        for i in 0..40 {
            s.push_str(&format!("\"k{i}\":{i},"));
        }
        s.push_str("\"k3\":0}");
        assert!(matches!(err(&s), ParseError::DuplicateMember { ref name, .. } if name == "k3"));
        // Past the linear limit a set takes over.
        let mut s = String::from("{");
        for i in 0..200 {
            s.push_str(&format!("\"k{i}\":{{\"k{i}\":1}},"));
        }
        s.push_str("\"k150\":0}");
        assert!(matches!(err(&s), ParseError::DuplicateMember { ref name, .. } if name == "k150"));
        assert!(parse(s.replace("\"k150\":0", "\"k999\":0").as_bytes()).is_ok());
    }
}
