//! TPM parser caps at the boundary: event-log entries, size, event data and
//! algorithms; TPMS_ATTEST, TPMT_SIGNATURE and TPMT_PUBLIC sizes; PCR banks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use cmcp_tpm::eventlog::{EventLog, EventLogError, MAX_EVENTS, MAX_LOG_BYTES, build_log};
use cmcp_tpm::parse::{Attest, HashAlg, MAX_ATTEST, MAX_SIGNATURE, ParseError, Signature};

#[test]
fn event_log_entry_cap_is_65536() {
    assert_eq!(MAX_EVENTS, 65_536);
    let events: Vec<(u32, u32, Vec<u8>)> = (0..MAX_EVENTS)
        .map(|i| (0, 1, vec![u8::try_from(i % 251).unwrap()]))
        .collect();
    let log = build_log(&[HashAlg::Sha256], &events);
    assert!(log.len() <= MAX_LOG_BYTES);
    let parsed = EventLog::parse(&log).unwrap();
    assert_eq!(parsed.events.len(), MAX_EVENTS);
    let mut more = events;
    more.push((0, 1, vec![1]));
    match EventLog::parse(&build_log(&[HashAlg::Sha256], &more)) {
        Err(EventLogError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("event count", MAX_EVENTS + 1, MAX_EVENTS)
            );
        }
        other => panic!("65,537 events: {other:?}"),
    }
}

#[test]
fn event_log_size_cap_is_8_mib() {
    assert_eq!(MAX_LOG_BYTES, 8 * 1024 * 1024);
    let big = vec![0u8; MAX_LOG_BYTES + 1];
    match EventLog::parse(&big) {
        Err(EventLogError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("size", MAX_LOG_BYTES + 1, MAX_LOG_BYTES)
            );
        }
        other => panic!("8 MiB + 1: {other:?}"),
    }
    // At the cap the log is read: its (all-zero) header is refused instead.
    assert_eq!(
        EventLog::parse(&big[..MAX_LOG_BYTES]),
        Err(EventLogError::BadHeader {
            pcr: 0,
            event_type: 0
        })
    );
}

#[test]
fn attest_size_cap() {
    let mut a = vec![0u8; MAX_ATTEST + 1];
    a[..4].copy_from_slice(&[0xff, b'T', b'C', b'G']);
    match Attest::parse(&a) {
        Err(ParseError::TooLarge { size, cap, .. }) => {
            assert_eq!((size, cap), (MAX_ATTEST + 1, MAX_ATTEST))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn signature_size_cap() {
    let mut s = vec![0u8; MAX_SIGNATURE + 1];
    s[..2].copy_from_slice(&[0x00, 0x14]);
    match Signature::parse(&s) {
        Err(ParseError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("TPMT_SIGNATURE", MAX_SIGNATURE + 1, MAX_SIGNATURE)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn event_data_cap_is_1_mib() {
    use cmcp_tpm::eventlog::MAX_EVENT_DATA;
    assert_eq!(MAX_EVENT_DATA, 1024 * 1024);
    let ok = build_log(&[HashAlg::Sha256], &[(0, 1, vec![7u8; MAX_EVENT_DATA])]);
    assert_eq!(EventLog::parse(&ok).unwrap().events.len(), 1);
    let over = build_log(&[HashAlg::Sha256], &[(0, 1, vec![7u8; MAX_EVENT_DATA + 1])]);
    match EventLog::parse(&over) {
        Err(EventLogError::TooLarge { size, cap, .. }) => {
            assert_eq!((size, cap), (MAX_EVENT_DATA + 1, MAX_EVENT_DATA))
        }
        other => panic!("{other:?}"),
    }
}

/// A bare quote whose PCR selection has `banks` SHA-256 banks of PCRs 0–7.
fn quote_with_banks(banks: u32) -> Vec<u8> {
    let mut q = vec![0xff, b'T', b'C', b'G', 0x80, 0x18, 0, 0, 0, 2, 0xab, 0xcd];
    q.extend_from_slice(&[0u8; 17 + 8]); // clockInfo + firmwareVersion
    q.extend_from_slice(&banks.to_be_bytes());
    for _ in 0..banks {
        q.extend_from_slice(&[0x00, 0x0b, 3, 0xff, 0, 0]);
    }
    q.extend_from_slice(&[0, 0]); // empty pcrDigest
    q
}

#[test]
fn pcr_bank_cap_is_16() {
    use cmcp_tpm::parse::MAX_PCR_BANKS;
    assert_eq!(MAX_PCR_BANKS, 16);
    let a = Attest::parse(&quote_with_banks(MAX_PCR_BANKS)).unwrap();
    assert_eq!(a.quote().unwrap().pcr_select.len(), 16);
    match Attest::parse(&quote_with_banks(MAX_PCR_BANKS + 1)) {
        Err(ParseError::TooLarge { what, size, cap }) => {
            assert_eq!((what, size, cap), ("PCR selection count", 17, 16))
        }
        other => panic!("17 banks: {other:?}"),
    }
}

/// A log whose Spec ID header declares `n` algorithms: SHA-256 and `n - 1`
/// vendor ids of 32-byte digests; no events.
fn log_declaring(n: usize) -> Vec<u8> {
    let mut spec = b"Spec ID Event03\0".to_vec();
    spec.extend_from_slice(&0u32.to_le_bytes());
    spec.extend_from_slice(&[0, 2, 0, 2]);
    spec.extend_from_slice(&u32::try_from(n).unwrap().to_le_bytes());
    spec.extend_from_slice(&0x000bu16.to_le_bytes());
    spec.extend_from_slice(&32u16.to_le_bytes());
    for i in 1..n {
        spec.extend_from_slice(&(0x8000u16 + u16::try_from(i).unwrap()).to_le_bytes());
        spec.extend_from_slice(&32u16.to_le_bytes());
    }
    spec.push(0); // vendorInfoSize
    let mut log = Vec::new();
    log.extend_from_slice(&0u32.to_le_bytes());
    log.extend_from_slice(&3u32.to_le_bytes()); // EV_NO_ACTION
    log.extend_from_slice(&[0u8; 20]);
    log.extend_from_slice(&u32::try_from(spec.len()).unwrap().to_le_bytes());
    log.extend_from_slice(&spec);
    log
}

#[test]
fn event_log_algorithm_cap_is_16() {
    use cmcp_tpm::eventlog::MAX_ALGORITHMS;
    assert_eq!(MAX_ALGORITHMS, 16);
    let parsed = EventLog::parse(&log_declaring(MAX_ALGORITHMS)).unwrap();
    assert_eq!(parsed.algorithms.len(), 16);
    assert!(parsed.events.is_empty());
    match EventLog::parse(&log_declaring(MAX_ALGORITHMS + 1)) {
        Err(EventLogError::TooLarge { what, size, cap }) => {
            assert_eq!((what, size, cap), ("algorithm count", 17, 16))
        }
        other => panic!("17 algorithms: {other:?}"),
    }
}

#[test]
fn attest_and_signature_at_their_caps_pass_the_size_check() {
    // Exactly at the cap the structure is parsed (and refused for its
    // content: trailing bytes), not for its size.
    let mut a = quote_with_banks(1);
    a.resize(MAX_ATTEST, 0);
    assert!(matches!(
        Attest::parse(&a),
        Err(ParseError::Trailing { .. })
    ));
    let mut s = vec![0x00, 0x18, 0x00, 0x0b, 0, 1, 7, 0, 1, 9];
    s.resize(MAX_SIGNATURE, 0);
    assert!(matches!(
        Signature::parse(&s),
        Err(ParseError::Trailing { .. })
    ));
}

#[test]
fn public_area_cap_is_1024_bytes() {
    use cmcp_tpm::parse::{MAX_PUBLIC, Public};
    assert_eq!(MAX_PUBLIC, 1024);
    // An ECC TPMT_PUBLIC (P-256, no scheme) padded to the cap is read and
    // refused for its trailing bytes; one byte more, bare or inside a
    // TPM2B_PUBLIC, is refused for its size.
    let mut p = vec![0x00, 0x23, 0x00, 0x0b, 0x00, 0x04, 0x00, 0x72, 0, 0];
    p.extend_from_slice(&[0x00, 0x10, 0x00, 0x10, 0x00, 0x03, 0x00, 0x10]);
    p.extend_from_slice(&[0, 1, 7, 0, 1, 9]);
    assert!(Public::parse(&p).is_ok());
    p.resize(MAX_PUBLIC, 0);
    assert!(matches!(
        Public::parse(&p),
        Err(ParseError::Trailing { .. })
    ));
    p.push(0);
    match Public::parse(&p) {
        Err(ParseError::TooLarge { size, cap, .. }) => assert_eq!((size, cap), (1025, 1024)),
        other => panic!("1025-byte TPMT_PUBLIC: {other:?}"),
    }
    let mut framed = u16::try_from(p.len()).unwrap().to_be_bytes().to_vec();
    framed.extend_from_slice(&p);
    assert!(matches!(
        Public::parse(&framed),
        Err(ParseError::TooLarge { cap: 1024, .. })
    ));
}
