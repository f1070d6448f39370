//! Audit-chain hashing and audit bundle verification
