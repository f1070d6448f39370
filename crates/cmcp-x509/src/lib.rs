//! X.509 certificate parsing and chain validation to pinned roots, offline, for the attestation crates
