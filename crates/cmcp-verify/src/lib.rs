//! Verifier for cMCP TRACE Claims: the public API of every layer in one place
