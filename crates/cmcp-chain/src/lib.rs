//! Audit-chain hashing and audit bundle verification.
//!
//! An audit bundle is `{"session_id", "entries", "bundle_signature"}`. Each
//! entry's `entry_hash` is SHA-256 of its Python-json canonical form without
//! `entry_hash`; entries link through `prev_entry_hash` from `"genesis"`;
//! the bundle signature is Ed25519 by the claim key over SHA-256 of the
//! canonical entries array.
//!
//! [`ChainVerifier`] takes entries one at a time and keeps only running
//! state (counts, previous hash, digests), so a bundle can be verified from a
//! stream without holding every entry; [`verify_bundle`] drives it over a
//! parsed bundle.

mod hash;
mod stream;
mod verify;

pub use hash::{EntryHasher, entry_hash_hex};
pub use stream::{MAX_ENTRY_BYTES, StreamOptions, verify_bundle_reader, verify_bundle_reader_with};
pub use verify::{
    BundleContext, BundleReport, ChainVerifier, MAX_BUNDLE_BYTES, MAX_ENTRY_DEPTH, REQUIRED_FIELDS,
    codes, parse_bundle, verify_bundle, verify_bundle_bytes,
};
