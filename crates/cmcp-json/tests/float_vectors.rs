#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Python-json float text for 12,000 doubles, produced by
//! `scripts/gen-float-vectors.py` from CPython's own `json.dumps`.

use cmcp_json::canonical::{pyjson_vec, python_float_repr};
use cmcp_json::{Value, parse};

#[test]
fn python_float_repr_matches_cpython() {
    let data = include_str!("data/float_repr.txt");
    let mut n = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let (bits, want) = line.split_once(' ').unwrap();
        let x = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        assert_eq!(python_float_repr(x), want, "bits {bits}");
        // Parsing Python's text gives the same double back, and canonical output is that text.
        let v = parse(want.as_bytes()).unwrap();
        match &v {
            Value::Float(f) => assert_eq!(f.to_bits(), x.to_bits(), "{want}"),
            other => panic!("{want} parsed as {other:?}"),
        }
        assert_eq!(pyjson_vec(&v), want.as_bytes());
        n += 1;
    }
    assert!(n >= 10_000, "only {n} vectors");
}
