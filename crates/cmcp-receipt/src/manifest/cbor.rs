//! A small, bounds-checked CBOR (RFC 8949) reader: definite lengths only,
//! nesting and size capped, duplicate map keys refused, text must be UTF-8.

use std::collections::HashSet;

/// Maximum nesting of arrays, maps and tags.
pub const MAX_DEPTH: usize = 16;
/// Maximum number of items in one array or map.
pub const MAX_ITEMS: u64 = 4096;

/// A decoded CBOR data item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Major type 0.
    Uint(u64),
    /// Major type 1: the value is `-1 - n`.
    Nint(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Item>),
    /// Major type 5, pairs in encoded order (keys unique).
    Map(Vec<(Item, Item)>),
    /// Major type 6.
    Tag(u64, Box<Item>),
    /// `false` / `true`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// Another simple value.
    Simple(u8),
    /// A half, single or double float.
    Float(f64),
}

impl Item {
    /// The value as a signed integer, if it is an integer in `i64` range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Item::Uint(n) => i64::try_from(*n).ok(),
            Item::Nint(n) => i64::try_from(*n).ok().and_then(|n| (-1i64).checked_sub(n)),
            _ => None,
        }
    }

    /// Looks up a map entry by integer label.
    pub fn map_get_int(&self, label: i64) -> Option<&Item> {
        match self {
            Item::Map(m) => m
                .iter()
                .find(|(k, _)| k.as_i64() == Some(label))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Why bytes are not acceptable CBOR.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CborError {
    /// Input ends inside an item.
    #[error("CBOR input is truncated at byte {0}")]
    Truncated(usize),
    /// Reserved additional information, or indefinite length.
    #[error("unsupported or indefinite-length CBOR encoding at byte {0}")]
    Unsupported(usize),
    /// Nesting over [`MAX_DEPTH`].
    #[error("CBOR nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Too many items or a length over the input size.
    #[error("CBOR length at byte {0} exceeds the input or the item cap")]
    TooLong(usize),
    /// Text string not UTF-8.
    #[error("CBOR text string at byte {0} is not UTF-8")]
    NotUtf8(usize),
    /// A map repeats a key.
    #[error("CBOR map at byte {0} has a duplicate key")]
    DuplicateKey(usize),
    /// Bytes after the item.
    #[error("trailing bytes after the CBOR item")]
    Trailing,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CborError> {
        let at = self.pos;
        self.take(1)?
            .first()
            .copied()
            .ok_or(CborError::Truncated(at))
    }

    fn take(&mut self, n: u64) -> Result<&[u8], CborError> {
        let start = self.pos;
        let n = usize::try_from(n).map_err(|_| CborError::TooLong(start))?;
        let end = start.checked_add(n).ok_or(CborError::TooLong(start))?;
        let s = self.b.get(start..end).ok_or(CborError::Truncated(start))?;
        self.pos = end;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, CborError> {
        let mut v = 0u64;
        for _ in 0..n {
            v = (v << 8) | u64::from(self.byte()?);
        }
        Ok(v)
    }

    /// Reads the argument of an initial byte; `None` for indefinite length.
    fn arg(&mut self, info: u8, at: usize) -> Result<u64, CborError> {
        match info {
            0..=23 => Ok(u64::from(info)),
            24 => self.uint(1),
            25 => self.uint(2),
            26 => self.uint(4),
            27 => self.uint(8),
            _ => Err(CborError::Unsupported(at)),
        }
    }

    fn item(&mut self, depth: usize) -> Result<Item, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep);
        }
        let inner = depth.checked_add(1).ok_or(CborError::TooDeep)?;
        let at = self.pos;
        let ib = self.byte()?;
        let major = ib >> 5;
        let info = ib & 0x1f;
        if major == 7 {
            return Ok(match info {
                20 => Item::Bool(false),
                21 => Item::Bool(true),
                22 => Item::Null,
                23 => Item::Undefined,
                0..=19 => Item::Simple(info),
                // RFC 8949 §3.3: a two-byte simple value below 32 is not well-formed.
                24 => match self.byte()? {
                    v @ 32.. => Item::Simple(v),
                    _ => return Err(CborError::Unsupported(at)),
                },
                25 => {
                    let h = u16::try_from(self.uint(2)?).map_err(|_| CborError::Unsupported(at))?;
                    Item::Float(half_to_f64(h))
                }
                26 => {
                    let w = u32::try_from(self.uint(4)?).map_err(|_| CborError::Unsupported(at))?;
                    Item::Float(f64::from(f32::from_bits(w)))
                }
                27 => Item::Float(f64::from_bits(self.uint(8)?)),
                _ => return Err(CborError::Unsupported(at)),
            });
        }
        let n = self.arg(info, at)?;
        let remaining = u64::try_from(self.b.len().saturating_sub(self.pos)).unwrap_or(u64::MAX);
        Ok(match major {
            0 => Item::Uint(n),
            1 => Item::Nint(n),
            2 => Item::Bytes(self.take(n)?.to_vec()),
            3 => {
                let s = self.take(n)?;
                Item::Text(
                    std::str::from_utf8(s)
                        .map_err(|_| CborError::NotUtf8(at))?
                        .to_owned(),
                )
            }
            4 => {
                if n > MAX_ITEMS || n > remaining {
                    return Err(CborError::TooLong(at));
                }
                let mut v = Vec::new();
                for _ in 0..n {
                    v.push(self.item(inner)?);
                }
                Item::Array(v)
            }
            5 => {
                if n > MAX_ITEMS || n.saturating_mul(2) > remaining {
                    return Err(CborError::TooLong(at));
                }
                let mut m: Vec<(Item, Item)> = Vec::new();
                // Keys are compared through a canonical byte form in a hash set,
                // so a map of 4096 keys costs 4096 lookups, not 8 million
                // pairwise comparisons.
                let mut seen: HashSet<Vec<u8>> = HashSet::new();
                for _ in 0..n {
                    let k = self.item(inner)?;
                    let v = self.item(inner)?;
                    let mut fp = Vec::new();
                    key_form(&k, &mut fp);
                    if !seen.insert(fp) {
                        return Err(CborError::DuplicateKey(at));
                    }
                    m.push((k, v));
                }
                Item::Map(m)
            }
            _ => Item::Tag(n, Box::new(self.item(inner)?)),
        })
    }
}

/// Writes a key's preferred-form CBOR encoding (through [`head`]), which two
/// map keys share exactly when they are the same value. Floats are written as
/// doubles by value (`0.0` and `-0.0` are one key, as are a half and a double
/// of the same number) and every NaN as one NaN, so two NaN keys are a
/// duplicate; other simple values always take their two-byte form, and a
/// map's entries are written in key-form order, as CBOR maps are unordered.
fn key_form(item: &Item, out: &mut Vec<u8>) {
    let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    match item {
        Item::Uint(n) => head(0, *n, out),
        Item::Nint(n) => head(1, *n, out),
        Item::Bytes(b) => {
            head(2, len(b.len()), out);
            out.extend_from_slice(b);
        }
        Item::Text(t) => {
            head(3, len(t.len()), out);
            out.extend_from_slice(t.as_bytes());
        }
        Item::Array(a) => {
            head(4, len(a.len()), out);
            for x in a {
                key_form(x, out);
            }
        }
        Item::Map(m) => {
            // A map is unordered: its entries are written sorted by key form,
            // so a map key equals another written in another order.
            let mut entries: Vec<(Vec<u8>, Vec<u8>)> = m
                .iter()
                .map(|(k, v)| {
                    let (mut kf, mut vf) = (Vec::new(), Vec::new());
                    key_form(k, &mut kf);
                    key_form(v, &mut vf);
                    (kf, vf)
                })
                .collect();
            entries.sort_unstable();
            head(5, len(m.len()), out);
            for (kf, vf) in entries {
                out.extend_from_slice(&kf);
                out.extend_from_slice(&vf);
            }
        }
        Item::Tag(t, x) => {
            head(6, *t, out);
            key_form(x, out);
        }
        Item::Bool(false) => out.push(0xf4),
        Item::Bool(true) => out.push(0xf5),
        Item::Null => out.push(0xf6),
        Item::Undefined => out.push(0xf7),
        Item::Simple(v) => out.extend_from_slice(&[0xf8, *v]),
        Item::Float(f) => {
            let f = if f.is_nan() {
                f64::NAN
            } else if *f == 0.0 {
                0.0
            } else {
                *f
            };
            out.push(0xfb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
    }
}

fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let mant = f64::from(h & 0x3ff);
    let mag = match exp {
        0 => mant * 2f64.powi(-24),
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        // 2^(e - 15), exactly: both powers of two are representable.
        e => (1.0 + mant / 1024.0) * (2f64.powi(e) / 32_768.0),
    };
    sign * mag
}

/// Decodes exactly one item; trailing bytes are an error.
///
/// ```
/// use cmcp_receipt::manifest::cbor::{decode, Item};
/// assert_eq!(decode(&[0x82, 0x01, 0x20]).unwrap(), Item::Array(vec![Item::Uint(1), Item::Nint(0)]));
/// assert!(decode(&[0x82, 0x01]).is_err());        // truncated
/// assert!(decode(&[0x01, 0x01]).is_err());        // trailing
/// assert!(decode(&[0xa2, 1, 1, 1, 2]).is_err());  // duplicate key
/// ```
pub fn decode(bytes: &[u8]) -> Result<Item, CborError> {
    let mut r = Reader { b: bytes, pos: 0 };
    let it = r.item(0)?;
    if r.pos != bytes.len() {
        return Err(CborError::Trailing);
    }
    Ok(it)
}

fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    if n < 24 {
        out.push(m | u8::try_from(n).unwrap_or(0));
    } else if let Ok(b) = u8::try_from(n) {
        out.extend_from_slice(&[m | 24, b]);
    } else if let Ok(s) = u16::try_from(n) {
        out.push(m | 25);
        out.extend_from_slice(&s.to_be_bytes());
    } else if let Ok(w) = u32::try_from(n) {
        out.push(m | 26);
        out.extend_from_slice(&w.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Appends a canonical byte-string encoding.
pub fn put_bytes(b: &[u8], out: &mut Vec<u8>) {
    head(2, u64::try_from(b.len()).unwrap_or(u64::MAX), out);
    out.extend_from_slice(b);
}

/// Appends a canonical text-string encoding.
pub fn put_text(s: &str, out: &mut Vec<u8>) {
    head(3, u64::try_from(s.len()).unwrap_or(u64::MAX), out);
    out.extend_from_slice(s.as_bytes());
}

/// Appends a canonical array head.
pub fn put_array_head(n: u64, out: &mut Vec<u8>) {
    head(4, n, out);
}
