//! A non-allocating reader for the plain subset of JSON objects, with a
//! PYJSON writer over it.
//!
//! [`Tape::parse`] reads one JSON object into a flat, reusable node list
//! whose strings and numbers are byte ranges of the input, so parsing many
//! similar documents (audit entries) allocates nothing once warmed up. It
//! accepts only a *subset* of what [`crate::parse`] accepts and answers
//! `false` for everything else — floats, integers of more than 18 digits,
//! escape sequences, control characters, nesting deeper than
//! [`TAPE_MAX_DEPTH`], duplicate member names and every syntax error — so a
//! caller falls back to the strict parser, which then gives the verdict and
//! the exact error. On what it accepts, the strict parser yields the same
//! value and [`Tape::write_pyjson_cut`] writes the same bytes as
//! [`crate::canonical::PyjsonWriter`]. Input that is not UTF-8 is refused
//! too (non-ASCII bytes are only accepted inside strings, which are checked).
//!
//! ```
//! use cmcp_json::tape::Tape;
//! let src = br#"{"b": [1, -0, null], "entry_hash": "h", "a": {"y": true, "x": "s"}}"#;
//! let mut t = Tape::new();
//! assert!(t.parse(src));
//! let mut out = Vec::new();
//! let cut = t.write_pyjson_cut(src, "entry_hash", &mut out).unwrap();
//! assert_eq!(out, br#"{"a":{"x":"s","y":true},"b":[1,0,null],"entry_hash":"h"}"#);
//! assert_eq!(&out[cut.clone()], br#","entry_hash":"h""#);
//! let root = t.root();
//! assert_eq!(t.member(src, root, "entry_hash").and_then(|n| t.str(src, n)), Some("h"));
//! // Outside the subset: the strict parser decides.
//! assert!(!t.parse(br#"{"a": 1.5}"#));
//! assert!(!t.parse(br#"{"a": 1, "a": 2}"#));
//! assert!(!t.parse(br#"{"a": "\n"}"#));
//! ```

use crate::canonical::pyjson_string;
use std::ops::Range;

/// Deepest nesting (counted from the parsed object, which is level 1) the
/// tape accepts.
pub const TAPE_MAX_DEPTH: usize = 32;

/// Longest integer, in digits, the tape accepts (always inside `i64`).
const MAX_DIGITS: usize = 18;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true`.
    True,
    /// `false`.
    False,
    /// An integer of at most 18 digits (its text is the node's range).
    Int,
    /// A string without escapes; its content is the node's range. `plain`
    /// strings are printable ASCII only and need no escaping in PYJSON.
    Str {
        /// Only bytes 0x20..=0x7E.
        plain: bool,
    },
    /// An object; its members follow as key/value node pairs.
    Object,
    /// An array; its items follow.
    Array,
}

/// One node of a [`Tape`].
#[derive(Clone, Copy, Debug)]
struct Node {
    kind: Kind,
    /// Byte range in the input (content for strings, text for integers).
    start: u32,
    end: u32,
    /// Index of the node after this one's subtree.
    next: u32,
    /// Containers: member or item count; objects: start of their sorted
    /// member list in `sorted`.
    count: u32,
    sorted: u32,
}

/// A reusable parse of one plain JSON object; see the
/// [module documentation](self).
#[derive(Debug, Default)]
pub struct Tape {
    nodes: Vec<Node>,
    /// Key node indexes of each object in code point order of the names.
    sorted: Vec<u32>,
    /// Scratch: key node indexes of the object being finished.
    keys: Vec<u32>,
    /// The root object's names, joined, of the previous parse, and their order.
    last_names: Vec<u8>,
    last_order: Vec<u32>,
    names: Vec<u8>,
}

/// Eight bytes at once: the bytes that end a plain run in a string (`"`,
/// `\\`, a control character, DEL or non-ASCII) have their high bit set.
/// Exact for the lowest such byte (bytes above it may be flagged too).
#[inline]
fn special8(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    zero(x ^ (ONES * u64::from(b'"')))
        | zero(x ^ (ONES * u64::from(b'\\')))
        | zero(x ^ (ONES * 0x7F))
        | below_space
        | (x & HIGH)
}

struct Cursor<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// The input from the cursor on.
    #[inline]
    fn rest(&self) -> &'a [u8] {
        self.src.get(self.pos..).unwrap_or(&[])
    }

    /// Moves past `n` bytes (`None`, outside the subset, on overflow).
    #[inline]
    fn bump(&mut self, n: usize) -> Option<()> {
        self.pos = self.pos.checked_add(n)?;
        Some(())
    }

    #[inline]
    fn ws(&mut self) -> Option<()> {
        let n = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.bump(n)
    }

    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(lit.len())?;
        if self.src.get(self.pos..end)? == lit {
            self.pos = end;
            Some(())
        } else {
            None
        }
    }

    /// A string from its opening quote; returns (content range, plain).
    #[inline]
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        self.bump(1)?;
        let start = self.pos;
        let mut plain = true;
        loop {
            while let Some(chunk) = self.rest().first_chunk::<8>() {
                let m = special8(u64::from_le_bytes(*chunk));
                if m != 0 {
                    // Straight to the first byte that needs a look.
                    self.bump((m.trailing_zeros() / 8) as usize)?;
                    break;
                }
                self.bump(8)?;
            }
            let b = self.peek()?;
            match b {
                b'"' => {
                    let end = self.pos;
                    self.bump(1)?;
                    // Plain strings are ASCII; others must be UTF-8.
                    if !plain {
                        std::str::from_utf8(self.src.get(start..end)?).ok()?;
                    }
                    return Some((start, end, plain));
                }
                b'\\' => return None,
                0..=0x1F => return None,
                0x20..=0x7E => self.bump(1)?,
                _ => {
                    plain = false;
                    self.bump(1)?;
                }
            }
        }
    }

    /// An integer token of at most 18 digits; anything else is refused.
    fn int(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump(1)?;
        }
        let digits = match self.peek()? {
            b'0' => 1,
            b'1'..=b'9' => self
                .rest()
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count(),
            _ => return None,
        };
        if digits > MAX_DIGITS {
            return None;
        }
        self.bump(digits)?;
        match self.peek() {
            Some(b'.' | b'e' | b'E' | b'0'..=b'9') => None,
            _ => Some((start, self.pos)),
        }
    }
}

fn u32_of(n: usize) -> Option<u32> {
    u32::try_from(n).ok()
}

impl Tape {
    /// An empty tape.
    pub fn new() -> Self {
        Tape::default()
    }

    /// Parses `src`, which must be exactly one JSON object (no whitespace
    /// around it). Returns false when `src` is not in the plain subset or
    /// is not valid JSON; the tape's content is then unspecified.
    pub fn parse(&mut self, src: &[u8]) -> bool {
        self.nodes.clear();
        self.sorted.clear();
        if src.first() != Some(&b'{') || u32::try_from(src.len()).is_err() {
            return false;
        }
        let mut c = Cursor { src, pos: 0 };
        self.value(&mut c, 1).is_some() && c.pos == src.len()
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) -> Option<usize> {
        let i = self.nodes.len();
        self.nodes.push(Node {
            kind,
            start: u32_of(start)?,
            end: u32_of(end)?,
            next: u32_of(i.checked_add(1)?)?,
            count: 0,
            sorted: 0,
        });
        Some(i)
    }

    fn value(&mut self, c: &mut Cursor<'_>, depth: usize) -> Option<()> {
        match c.peek()? {
            b'{' => self.object(c, depth),
            b'[' => self.array(c, depth),
            b'"' => {
                let (s, e, plain) = c.string()?;
                self.push(Kind::Str { plain }, s, e).map(|_| ())
            }
            b't' => {
                let at = c.pos;
                c.literal(b"true")?;
                self.push(Kind::True, at, c.pos).map(|_| ())
            }
            b'f' => {
                let at = c.pos;
                c.literal(b"false")?;
                self.push(Kind::False, at, c.pos).map(|_| ())
            }
            b'n' => {
                let at = c.pos;
                c.literal(b"null")?;
                self.push(Kind::Null, at, c.pos).map(|_| ())
            }
            b'-' | b'0'..=b'9' => {
                let (s, e) = c.int()?;
                self.push(Kind::Int, s, e).map(|_| ())
            }
            _ => None,
        }
    }

    fn array(&mut self, c: &mut Cursor<'_>, depth: usize) -> Option<()> {
        if depth > TAPE_MAX_DEPTH {
            return None;
        }
        let me = self.push(Kind::Array, c.pos, c.pos)?;
        c.bump(1)?;
        c.ws()?;
        let mut count = 0u32;
        if c.peek()? == b']' {
            c.bump(1)?;
        } else {
            let inner = depth.checked_add(1)?;
            loop {
                c.ws()?;
                self.value(c, inner)?;
                count = count.checked_add(1)?;
                c.ws()?;
                match c.peek()? {
                    b',' => c.bump(1)?,
                    b']' => {
                        c.bump(1)?;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        let next = u32_of(self.nodes.len())?;
        let n = self.nodes.get_mut(me)?;
        n.next = next;
        n.count = count;
        Some(())
    }

    fn object(&mut self, c: &mut Cursor<'_>, depth: usize) -> Option<()> {
        if depth > TAPE_MAX_DEPTH {
            return None;
        }
        let me = self.push(Kind::Object, c.pos, c.pos)?;
        c.bump(1)?;
        c.ws()?;
        let keys_base = self.keys.len();
        let res = self.parse_members(c, depth);
        let out = res.and_then(|count| self.finish_object(c.src, me, keys_base, count, depth));
        self.keys.truncate(keys_base);
        out
    }

    fn parse_members(&mut self, c: &mut Cursor<'_>, depth: usize) -> Option<u32> {
        let mut count = 0u32;
        if c.peek()? == b'}' {
            c.bump(1)?;
            return Some(0);
        }
        let inner = depth.checked_add(1)?;
        loop {
            c.ws()?;
            if c.peek()? != b'"' {
                return None;
            }
            let (s, e, plain) = c.string()?;
            // Names are compared as bytes: only plain names here.
            if !plain {
                return None;
            }
            let k = self.push(Kind::Str { plain }, s, e)?;
            self.keys.push(u32_of(k)?);
            c.ws()?;
            if c.peek()? != b':' {
                return None;
            }
            c.bump(1)?;
            c.ws()?;
            self.value(c, inner)?;
            count = count.checked_add(1)?;
            c.ws()?;
            match c.peek()? {
                b',' => c.bump(1)?,
                b'}' => {
                    c.bump(1)?;
                    return Some(count);
                }
                _ => return None,
            }
        }
    }

    fn name<'s>(&self, src: &'s [u8], key: u32) -> &'s [u8] {
        self.nodes
            .get(key as usize)
            .and_then(|n| src.get(n.start as usize..n.end as usize))
            .unwrap_or(&[])
    }

    /// Sorts the object's names, refuses duplicates, records the order.
    fn finish_object(
        &mut self,
        src: &[u8],
        me: usize,
        keys_base: usize,
        count: u32,
        depth: usize,
    ) -> Option<()> {
        let sorted_at = u32_of(self.sorted.len())?;
        let next = u32_of(self.nodes.len())?;
        let Tape {
            nodes,
            sorted,
            keys,
            last_names,
            last_order,
            names,
        } = self;
        let keys = keys.get(keys_base..)?;
        let name = |k: u32| -> &[u8] {
            nodes
                .get(k as usize)
                .and_then(|n| src.get(n.start as usize..n.end as usize))
                .unwrap_or(&[])
        };
        // The root objects of similar documents have the same names in the
        // same order: reuse the previous order when the names match.
        let mut reused = false;
        if depth == 1 {
            names.clear();
            for &k in keys {
                names.extend_from_slice(name(k));
                // Never inside a name: control characters are refused.
                names.push(0);
            }
            if names == last_names && last_order.len() == keys.len() {
                for &p in last_order.iter() {
                    sorted.push(*keys.get(p as usize)?);
                }
                reused = true;
            }
        }
        if !reused {
            let mut order: Vec<u32> = (0..count).collect();
            order.sort_unstable_by(|&a, &b| {
                let na = keys.get(a as usize).map_or(&[][..], |&k| name(k));
                let nb = keys.get(b as usize).map_or(&[][..], |&k| name(k));
                na.cmp(nb)
            });
            let mut prev: Option<&[u8]> = None;
            for &p in &order {
                let k = *keys.get(p as usize)?;
                let nm = name(k);
                if prev == Some(nm) {
                    return None;
                }
                prev = Some(nm);
                sorted.push(k);
            }
            if depth == 1 {
                std::mem::swap(last_names, names);
                *last_order = order;
            }
        }
        let n = nodes.get_mut(me)?;
        n.next = next;
        n.count = count;
        n.sorted = sorted_at;
        Some(())
    }

    /// Index of the root object node.
    pub fn root(&self) -> usize {
        0
    }

    /// The kind of node `i`.
    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.nodes.get(i).map(|n| n.kind)
    }

    /// The value node of member `name` of object node `obj`.
    pub fn member(&self, src: &[u8], obj: usize, name: &str) -> Option<usize> {
        let n = self.nodes.get(obj)?;
        if n.kind != Kind::Object {
            return None;
        }
        let mut i = obj.checked_add(1)?;
        for _ in 0..n.count {
            let key = self.nodes.get(i)?;
            let value = i.checked_add(1)?;
            if src.get(key.start as usize..key.end as usize)? == name.as_bytes() {
                return Some(value);
            }
            i = self.nodes.get(value)?.next as usize;
        }
        None
    }

    /// The members of object node `obj` in document order: `(name, value
    /// node)`. Empty for other kinds.
    pub fn members<'t, 's>(
        &'t self,
        src: &'s [u8],
        obj: usize,
    ) -> impl Iterator<Item = (&'s [u8], usize)> + use<'t, 's> {
        let count = match self.nodes.get(obj) {
            Some(n) if n.kind == Kind::Object => n.count,
            _ => 0,
        };
        let mut i = obj.checked_add(1);
        (0..count).map_while(move |_| {
            let key_at = i?;
            let key = self.nodes.get(key_at)?;
            let name = src.get(key.start as usize..key.end as usize)?;
            let value = key_at.checked_add(1)?;
            i = Some(self.nodes.get(value)?.next as usize);
            Some((name, value))
        })
    }

    /// The text of string node `i` (`None` for other kinds).
    pub fn str<'s>(&self, src: &'s [u8], i: usize) -> Option<&'s str> {
        let n = self.nodes.get(i)?;
        let bytes = src.get(n.start as usize..n.end as usize)?;
        match n.kind {
            Kind::Str { .. } => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }

    /// The value of integer node `i` if it is non-negative (`-0` is 0).
    pub fn u64(&self, src: &[u8], i: usize) -> Option<u64> {
        let n = self.nodes.get(i)?;
        if n.kind != Kind::Int {
            return None;
        }
        let text = src.get(n.start as usize..n.end as usize)?;
        if text == b"-0" {
            return Some(0);
        }
        std::str::from_utf8(text).ok()?.parse().ok()
    }

    /// Appends the PYJSON form of the parsed object to `out` and returns
    /// the range (within `out`) of member `cut` with one neighbouring comma,
    /// as [`crate::canonical::PyjsonWriter::write_object_cut`] does. `None`
    /// when the object has no such member.
    pub fn write_pyjson_cut(
        &self,
        src: &[u8],
        cut: &str,
        out: &mut Vec<u8>,
    ) -> Option<Range<usize>> {
        self.write_object(src, 0, Some(cut.as_bytes()), out)
    }

    fn write(&self, src: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
        let Some(n) = self.nodes.get(i) else {
            return usize::MAX;
        };
        let text = src.get(n.start as usize..n.end as usize).unwrap_or(&[]);
        match n.kind {
            Kind::Null => out.extend_from_slice(b"null"),
            Kind::True => out.extend_from_slice(b"true"),
            Kind::False => out.extend_from_slice(b"false"),
            Kind::Int => {
                if text == b"-0" {
                    out.push(b'0');
                } else {
                    out.extend_from_slice(text);
                }
            }
            Kind::Str { plain: true } => {
                out.push(b'"');
                out.extend_from_slice(text);
                out.push(b'"');
            }
            Kind::Str { plain: false } => {
                // Checked by the reader or by `parse`'s caller; a failure
                // here can only mean the input was not UTF-8.
                let s = std::str::from_utf8(text).unwrap_or("\u{fffd}");
                pyjson_string(s, out);
            }
            Kind::Object => {
                self.write_object(src, i, None, out);
            }
            Kind::Array => {
                out.push(b'[');
                // Node `i` exists, so `i + 1` cannot saturate.
                let mut j = i.saturating_add(1);
                for k in 0..n.count {
                    if k > 0 {
                        out.push(b',');
                    }
                    j = self.write(src, j, out);
                }
                out.push(b']');
            }
        }
        n.next as usize
    }

    fn write_object(
        &self,
        src: &[u8],
        i: usize,
        cut: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Option<Range<usize>> {
        let n = self.nodes.get(i)?;
        let order = self
            .sorted
            .get(n.sorted as usize..(n.sorted as usize).saturating_add(n.count as usize))
            .unwrap_or(&[]);
        out.push(b'{');
        let mut range = None;
        let count = order.len();
        for (j, &key) in order.iter().enumerate() {
            let start = out.len();
            if j > 0 {
                out.push(b',');
            }
            let name = self.name(src, key);
            out.push(b'"');
            out.extend_from_slice(name);
            out.extend_from_slice(b"\":");
            // The value node follows its key node (an index below `u32::MAX`).
            self.write(src, (key as usize).saturating_add(1), out);
            if range.is_none() && cut == Some(name) {
                range = Some(if j == 0 && count > 1 {
                    // With the comma after it (a `Vec` length is below `isize::MAX`).
                    start..out.len().saturating_add(1)
                } else {
                    start..out.len()
                });
            }
        }
        out.push(b'}');
        range
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;
    use crate::canonical::PyjsonWriter;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const ATOMS: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-0",
        "7",
        "-12",
        "123456789012345678",
        "1234567890123456789",
        "1.5",
        "1e3",
        "-0.0",
        "01",
        "\"\"",
        "\"plain\"",
        "\"caf\u{e9}\"",
        "\"tab\\tx\"",
        "\"q\\\"\"",
        "\"\\u00e9\"",
        "\"del\u{7f}\"",
        "\"\u{1F600}\"",
        "tru",
        "nul",
        "\"\\ud800\"",
        "-",
        "1.",
        "NaN",
    ];
    const NAMES: &[&str] = &[
        "a",
        "b",
        "entry_hash",
        "B",
        "aa",
        "a\u{e9}",
        "z",
        "k\\n",
        "",
    ];

    fn gen_value(r: &mut Rng, depth: usize, out: &mut String) {
        let ws = |r: &mut Rng, out: &mut String| {
            if r.below(3) == 0 {
                out.push_str([" ", "\n", "\t ", "\r\n"][r.below(4) as usize]);
            }
        };
        match if depth > 3 { 0 } else { r.below(4) } {
            0 | 1 => out.push_str(ATOMS[r.below(ATOMS.len() as u64) as usize]),
            2 => {
                out.push('[');
                let n = r.below(4);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    ws(r, out);
                    gen_value(r, depth + 1, out);
                    ws(r, out);
                }
                out.push(']');
            }
            _ => gen_object(r, depth + 1, out),
        }
    }

    fn gen_object(r: &mut Rng, depth: usize, out: &mut String) {
        out.push('{');
        let n = r.below(6);
        for i in 0..n {
            if i > 0 {
                out.push_str([",", ", ", " ,"][r.below(3) as usize]);
            }
            out.push('"');
            out.push_str(NAMES[r.below(NAMES.len() as u64) as usize]);
            out.push('"');
            out.push_str([":", ": ", " : "][r.below(3) as usize]);
            gen_value(r, depth, out);
        }
        out.push('}');
    }

    /// Wherever the tape accepts, the strict parser accepts the same
    /// document and the canonical bytes and cut agree.
    #[test]
    fn agrees_with_the_strict_parser() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        let mut t = Tape::new();
        let mut w = PyjsonWriter::new();
        let (mut accepted, mut refused_valid) = (0, 0);
        for _ in 0..20_000 {
            let mut doc = String::new();
            gen_object(&mut r, 1, &mut doc);
            let mut bytes = doc.into_bytes();
            // Sometimes damage one byte.
            if r.below(4) == 0 && !bytes.is_empty() {
                let at = r.below(bytes.len() as u64) as usize;
                bytes[at] = b"{}[]\",: \\x0"[r.below(11) as usize];
            }
            let strict = crate::parse(&bytes);
            let ok = t.parse(&bytes);
            match (&strict, ok) {
                (Ok(v), true) => {
                    accepted += 1;
                    let mut want = Vec::new();
                    let wcut = w.write_object_cut(v.as_object().unwrap(), "entry_hash", &mut want);
                    let mut got = Vec::new();
                    let gcut = t.write_pyjson_cut(&bytes, "entry_hash", &mut got);
                    assert_eq!(got, want, "{}", String::from_utf8_lossy(&bytes));
                    assert_eq!(gcut, wcut);
                    // Member lookups agree with the parsed value.
                    let o = v.as_object().unwrap();
                    for (name, node) in t.members(&bytes, t.root()) {
                        let name = std::str::from_utf8(name).unwrap();
                        let val = o.get(name).unwrap();
                        assert_eq!(t.str(&bytes, node), val.as_str());
                        assert_eq!(t.u64(&bytes, node), val.as_int().and_then(|i| i.as_u64()));
                    }
                }
                (Err(_), true) => panic!(
                    "tape accepted what the parser refuses: {}",
                    String::from_utf8_lossy(&bytes)
                ),
                (Ok(_), false) => refused_valid += 1,
                (Err(_), false) => {}
            }
        }
        // The generator exercises both sides.
        assert!(accepted > 2_000, "accepted {accepted}");
        assert!(refused_valid > 1_000, "refused_valid {refused_valid}");
    }

    #[test]
    fn reuses_the_root_order_only_for_the_same_names() {
        let mut t = Tape::new();
        let mut out = Vec::new();
        for (doc, want) in [
            (&br#"{"b":1,"a":2}"#[..], &br#"{"a":2,"b":1}"#[..]),
            (br#"{"b":3,"a":4}"#, br#"{"a":4,"b":3}"#),
            (br#"{"a":5,"b":6}"#, br#"{"a":5,"b":6}"#),
            (br#"{"b":7,"c":8}"#, br#"{"b":7,"c":8}"#),
            (br#"{"ba":7,"c":8}"#, br#"{"ba":7,"c":8}"#),
        ] {
            assert!(t.parse(doc));
            out.clear();
            assert_eq!(t.write_pyjson_cut(doc, "x", &mut out), None);
            assert_eq!(out, want);
        }
        // A duplicate is refused even when the names were seen before.
        assert!(t.parse(br#"{"a":1,"b":2}"#));
        assert!(!t.parse(br#"{"a":1,"a":2}"#));
        assert!(!t.parse(br#"{"a":1,"b":2} "#));
        assert!(!t.parse(br#"[1]"#));
        assert!(!t.parse(br#"{"a":1.0}"#));
    }
}
