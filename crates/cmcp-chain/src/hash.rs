//! Entry hashing: one canonical pass feeds both the entry hash and the
//! running digest of the canonical entries array.

use cmcp_json::Object;
use cmcp_json::canonical::{Sink, pyjson, pyjson_string, sorted_members};
use cmcp_json::encoding::hex_encode;
use sha2::{Digest as _, Sha256};

struct HashSink<'a>(&'a mut Sha256);

impl Sink for HashSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
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
        }
    }

    /// Adds one entry; returns SHA-256 of its canonical form without `entry_hash`.
    pub fn push(&mut self, entry: &Object) -> [u8; 32] {
        if self.count > 0 {
            self.array.update(b",");
        }
        self.count += 1;
        let mut own = Sha256::new();
        own.update(b"{");
        self.array.update(b"{");
        let mut first_own = true;
        let mut first_all = true;
        for (k, v) in sorted_members(entry) {
            self.scratch.clear();
            pyjson_string(k, &mut self.scratch);
            self.scratch.push(b':');
            pyjson(v, &mut self.scratch);
            if !first_all {
                self.array.update(b",");
            }
            first_all = false;
            self.array.update(&self.scratch);
            if k == "entry_hash" {
                continue;
            }
            if !first_own {
                own.update(b",");
            }
            first_own = false;
            own.update(&self.scratch);
        }
        own.update(b"}");
        self.array.update(b"}");
        own.finalize().into()
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
    let mut h = Sha256::new();
    cmcp_json::canonical::pyjson_object_except(entry, Some("entry_hash"), &mut HashSink(&mut h));
    hex_encode(&h.finalize())
}
