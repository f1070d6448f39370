//! Entry hashing: one canonical pass feeds both the entry hash and the
//! running digest of the canonical entries array.

use cmcp_json::Object;
use cmcp_json::canonical::PyjsonWriter;
use cmcp_json::encoding::hex_encode;
use sha2::{Digest as _, Sha256};

/// Writes entry `o`'s full canonical form (with `entry_hash`) to `out`
/// (appending) and returns SHA-256 of its canonical form without
/// `entry_hash`.
pub(crate) fn canonical_entry(w: &mut PyjsonWriter, o: &Object, out: &mut Vec<u8>) -> [u8; 32] {
    let start = out.len();
    let cut = w.write_object_cut(o, "entry_hash", out);
    let mut own = Sha256::new();
    match cut {
        Some(r) => {
            own.update(out.get(start..r.start).unwrap_or(&[]));
            own.update(out.get(r.end..).unwrap_or(&[]));
        }
        None => own.update(out.get(start..).unwrap_or(&[])),
    }
    own.finalize().into()
}

/// Hashes entries and accumulates SHA-256 of the canonical array
/// `[entry0,entry1,…]` (entries including their `entry_hash`).
///
/// ```
/// use cmcp_chain::EntryHasher;
/// let e = cmcp_json::parse(br#"{"b":1,"entry_hash":"x","a":null}"#).unwrap();
/// let mut h = EntryHasher::new();
/// let own = h.push(e.as_object().unwrap());
/// // own = SHA-256 of {"a":null,"b":1}
/// assert_eq!(cmcp_json::encoding::hex_encode(&own),
///            cmcp_chain::entry_hash_hex(e.as_object().unwrap()));
/// let _array_digest: [u8; 32] = h.finish();
/// ```
pub struct EntryHasher {
    array: Sha256,
    count: u64,
    scratch: Vec<u8>,
    writer: PyjsonWriter,
}

impl Default for EntryHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl EntryHasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        let mut array = Sha256::new();
        array.update(b"[");
        EntryHasher {
            array,
            count: 0,
            scratch: Vec::with_capacity(4096),
            writer: PyjsonWriter::new(),
        }
    }

    /// Adds one entry; returns SHA-256 of its canonical form without `entry_hash`.
    pub fn push(&mut self, entry: &Object) -> [u8; 32] {
        self.scratch.clear();
        let own = canonical_entry(&mut self.writer, entry, &mut self.scratch);
        if self.count > 0 {
            self.array.update(b",");
        }
        // One per entry held in memory or read from a stream: exact.
        self.count = self.count.saturating_add(1);
        self.array.update(&self.scratch);
        own
    }

    /// Adds one entry given as its full canonical form (with `entry_hash`),
    /// already hashed elsewhere.
    pub(crate) fn push_canonical(&mut self, canonical: &[u8]) {
        if self.count > 0 {
            self.array.update(b",");
        }
        // One per entry: exact.
        self.count = self.count.saturating_add(1);
        self.array.update(canonical);
    }

    /// Entries pushed so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// SHA-256 of the canonical entries array.
    pub fn finish(mut self) -> [u8; 32] {
        self.array.update(b"]");
        self.array.finalize().into()
    }
}

/// Hex SHA-256 of an entry's canonical form without `entry_hash`.
pub fn entry_hash_hex(entry: &Object) -> String {
    let mut buf = Vec::with_capacity(1024);
    hex_encode(&canonical_entry(&mut PyjsonWriter::new(), entry, &mut buf))
}
