//! Strict JSON for cMCP TRACE claims.
//!
//! * [`parse`] reads RFC 8259 JSON strictly (duplicates, non-finite numbers,
//!   lone surrogates and trailing data are errors) and keeps integers exactly.
//! * [`canonical`] writes the three canonical forms the gateway and its
//!   peers sign: Python-json ("PYJSON"), the cMCP RFC 8785 form and the
//!   Agent Manifest RFC 8785 variant.
//! * [`encoding`] holds strict base64/hex and constant-time comparison.
//!
//! ```
//! let v = cmcp_json::parse(br#"{"z":1,"a":0.5}"#).unwrap();
//! assert_eq!(cmcp_json::canonical::pyjson_vec(&v), br#"{"a":0.5,"z":1}"#);
//! ```

pub mod canonical;
pub mod encoding;
mod parse;
pub mod stream;
pub mod tape;
mod value;

pub use parse::{Limits, ParseError, parse, parse_prefix, parse_with};
pub use value::{Int, Object, Value};
