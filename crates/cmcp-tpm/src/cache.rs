//! Bounded, thread-safe caches behind [`crate::TpmVerifier`]: parsed pinned
//! roots and authenticated AK chains, so that the steady state of a relying
//! party (many quotes from the same AK) pays for the quote signature and not
//! for re-validating the same certificates.
//!
//! * **Roots** are keyed by SHA-256 over the exact pinned CA input bytes and
//!   the `builtin_roots` flag; the value is the parsed certificate list.
//! * **AK chains** are keyed by SHA-256 over the roots key, the chain-relevant
//!   policy knobs and the exact AK chain PEM bytes; the value is what a
//!   successful [`crate::authenticate::verify_ak_chain`] established that does
//!   not depend on the time: the leaf public key, whether the leaf carries the
//!   TCG AK EKU, and the intersection of the validity windows of every
//!   certificate on the validated path.
//!
//! Only successes are stored. A hit is used only when `now` lies inside the
//! cached validity window; otherwise the chain is validated again from
//! scratch, so a warm verification reports exactly what a cold one would.
//! The quote signature is never cached.
//!
//! ```
//! use cmcp_tpm::cache::Bounded;
//! let b: Bounded<u32> = Bounded::new(2);
//! b.insert([1; 32], 10);
//! b.insert([2; 32], 20);
//! b.insert([3; 32], 30); // evicts the least recently used entry
//! assert_eq!(b.get(&[1; 32]), None);
//! assert_eq!(b.get(&[3; 32]).as_deref(), Some(&30));
//! assert_eq!(b.len(), 2);
//! ```

use cmcp_policy::Timestamp;
use cmcp_x509::{Certificate, PublicKey, VerifiedChain};
use sha2::{Digest as _, Sha256};
use std::sync::{Arc, Mutex};

/// Entries kept per cache.
pub const CAPACITY: usize = 64;

/// A small least-recently-used map from 32-byte keys to shared values.
/// Lookups are linear (the capacity is small); a poisoned lock is treated
/// as an empty cache, never a panic.
#[derive(Debug)]
pub struct Bounded<T> {
    cap: usize,
    entries: Mutex<Vec<([u8; 32], Arc<T>)>>,
}

impl<T> Bounded<T> {
    /// An empty cache holding at most `cap` entries (at least one).
    pub fn new(cap: usize) -> Self {
        Bounded {
            cap: cap.max(1),
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The value under `key`, marking it most recently used.
    pub fn get(&self, key: &[u8; 32]) -> Option<Arc<T>> {
        let mut e = self.entries.lock().ok()?;
        let i = e.iter().position(|(k, _)| k == key)?;
        let hit = e.remove(i);
        let v = Arc::clone(&hit.1);
        e.insert(0, hit);
        Some(v)
    }

    /// Stores `value` under `key`, evicting the least recently used entry
    /// when full; returns the shared value.
    pub fn insert(&self, key: [u8; 32], value: T) -> Arc<T> {
        let v = Arc::new(value);
        if let Ok(mut e) = self.entries.lock() {
            e.retain(|(k, _)| k != &key);
            e.insert(0, (key, Arc::clone(&v)));
            e.truncate(self.cap);
        }
        v
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Bounded::new(CAPACITY)
    }
}

/// What a successful AK chain validation established, independent of time.
#[derive(Debug)]
pub struct AuthenticatedAk {
    /// The AK leaf's public key (prepared once).
    pub leaf_public_key: Arc<PublicKey>,
    /// Whether the leaf carries the TCG AK EKU `2.23.133.8.3`.
    pub leaf_has_ak_eku: bool,
    /// The latest notBefore on the validated path.
    pub not_before: Timestamp,
    /// The earliest notAfter on the validated path.
    pub not_after: Timestamp,
}

impl AuthenticatedAk {
    /// Keeps what `chain` established, with the intersection of its
    /// certificates' validity windows; `None` for an empty path.
    pub fn from_chain(chain: VerifiedChain) -> Option<AuthenticatedAk> {
        let not_before = chain
            .certificates
            .iter()
            .map(Certificate::not_before)
            .max()?;
        let not_after = chain
            .certificates
            .iter()
            .map(Certificate::not_after)
            .min()?;
        let leaf_has_ak_eku = chain.leaf().is_some_and(|l| {
            l.extended_key_usage()
                .iter()
                .any(|o| o == crate::authenticate::TCG_AK_EKU)
        });
        Some(AuthenticatedAk {
            leaf_public_key: Arc::new(chain.leaf_public_key),
            leaf_has_ak_eku,
            not_before,
            not_after,
        })
    }

    /// True when every certificate of the path is valid at `now`, with the
    /// bounds [`cmcp_x509::verify_chain`] applies (`notBefore ≤ now ≤ notAfter`).
    pub fn valid_at(&self, now: Timestamp) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// The caches of one verifier (shared by its clones).
#[derive(Debug, Default)]
pub struct Caches {
    /// Parsed pinned roots.
    pub roots: Bounded<Vec<Certificate>>,
    /// Authenticated AK chains.
    pub ak_chains: Bounded<AuthenticatedAk>,
}

fn put(h: &mut Sha256, b: &[u8]) {
    h.update(u64::try_from(b.len()).unwrap_or(u64::MAX).to_be_bytes());
    h.update(b);
}

/// The roots key: SHA-256 over the pinned CA inputs and the builtin flag.
pub fn roots_key(inputs: &[Vec<u8>], builtin: bool) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cmcp-tpm pinned roots v1");
    h.update([u8::from(builtin)]);
    h.update(
        u64::try_from(inputs.len())
            .unwrap_or(u64::MAX)
            .to_be_bytes(),
    );
    for i in inputs {
        put(&mut h, i);
    }
    h.finalize().into()
}

/// The AK chain key: SHA-256 over the roots key, `allow_sha1` and the
/// exact chain bytes.
pub fn ak_chain_key(roots_key: &[u8; 32], allow_sha1: bool, chain_pem: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cmcp-tpm ak chain v1");
    h.update(roots_key);
    h.update([u8::from(allow_sha1)]);
    put(&mut h, chain_pem);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn lru_order_and_bound() {
        let b: Bounded<u8> = Bounded::new(3);
        for i in 0..3u8 {
            b.insert([i; 32], i);
        }
        // Touch 0 so 1 becomes the least recently used.
        assert_eq!(b.get(&[0; 32]).as_deref(), Some(&0));
        b.insert([9; 32], 9);
        assert_eq!(b.len(), 3);
        assert!(b.get(&[1; 32]).is_none());
        assert_eq!(b.get(&[2; 32]).as_deref(), Some(&2));
        // Re-inserting a key replaces it without growing.
        b.insert([2; 32], 7);
        assert_eq!(b.len(), 3);
        assert_eq!(b.get(&[2; 32]).as_deref(), Some(&7));
        assert_eq!(Bounded::<u8>::new(0).insert([0; 32], 1).as_ref(), &1);
    }

    #[test]
    fn keys_separate_inputs() {
        let a = roots_key(&[b"ab".to_vec(), b"c".to_vec()], false);
        let b = roots_key(&[b"a".to_vec(), b"bc".to_vec()], false);
        assert_ne!(a, b);
        assert_ne!(a, roots_key(&[b"ab".to_vec(), b"c".to_vec()], true));
        assert_ne!(ak_chain_key(&a, false, b"x"), ak_chain_key(&a, true, b"x"));
        assert_ne!(ak_chain_key(&a, false, b"x"), ak_chain_key(&b, false, b"x"));
    }
}
