//! TCG crypto-agile event log (TCG PC Client Platform Firmware Profile):
//! parsing, PCR replay and comparison with quoted PCR values.
//!
//! Unlike every TPM structure, the log is **little-endian**. The first
//! event is a legacy `TCG_PCClientPCREvent` (SHA-1 layout) that must be the
//! `EV_NO_ACTION` "Spec ID Event03" header declaring the digest algorithms;
//! every later event is a `TCG_PCR_EVENT2` with one digest per algorithm.
//!
//! Replay: `EV_NO_ACTION` events are not extended; PCRs 17–22 (DRTM) start
//! at all-0xFF, the others at all-zero, except that a `StartupLocality`
//! `EV_NO_ACTION` event in PCR 0 sets PCR 0's initial value to
//! `00…00 ‖ locality`. Then `new = H(old ‖ digest)`.
//!
//! ```
//! use cmcp_tpm::eventlog::{EventLog, EventLogError};
//! assert!(matches!(EventLog::parse(&[0u8; 8]), Err(EventLogError::Truncated { .. })));
//! ```

use crate::parse::HashAlg;
use std::collections::BTreeMap;

/// `EV_NO_ACTION`.
pub const EV_NO_ACTION: u32 = 0x0000_0003;
/// Largest log accepted.
pub const MAX_LOG_BYTES: usize = 8 * 1024 * 1024;
/// Most events accepted.
pub const MAX_EVENTS: usize = 65_536;
/// Largest event data accepted.
pub const MAX_EVENT_DATA: usize = 1024 * 1024;
/// Most algorithms the Spec ID event may declare.
pub const MAX_ALGORITHMS: usize = 16;

const SPEC_ID_SIGNATURE: &[u8; 16] = b"Spec ID Event03\0";
const STARTUP_LOCALITY: &[u8; 16] = b"StartupLocality\0";

/// Why a log was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EventLogError {
    /// The log ended inside a field.
    #[error("event log truncated reading {what} at offset {offset}")]
    Truncated {
        /// The field.
        what: &'static str,
        /// Where.
        offset: usize,
    },
    /// A size or count over its cap.
    #[error("event log {what} of {size} exceeds the cap of {cap}")]
    TooLarge {
        /// The field.
        what: &'static str,
        /// The value.
        size: usize,
        /// The cap.
        cap: usize,
    },
    /// The first event is not the `EV_NO_ACTION` header in PCR 0.
    #[error("unexpected header event (pcr={pcr}, type=0x{event_type:x})")]
    BadHeader {
        /// PCR index.
        pcr: u32,
        /// Event type.
        event_type: u32,
    },
    /// The header's data is not a Spec ID Event03.
    #[error("first event is not a Spec ID Event03 header")]
    NotSpecId,
    /// The Spec ID event declares no or inconsistent algorithms.
    #[error("Spec ID event algorithm list is invalid: {0}")]
    BadAlgorithms(String),
    /// An event carries a digest for an algorithm the header did not declare, or twice.
    #[error("event {index} digest list is invalid: {detail}")]
    BadDigests {
        /// Event number (0 = header).
        index: usize,
        /// Why.
        detail: String,
    },
    /// A measured event names a PCR outside 0..=31.
    #[error("event {index} extends PCR {pcr}, outside 0..=31")]
    PcrIndex {
        /// Event number.
        index: usize,
        /// PCR.
        pcr: u32,
    },
    /// A measured event carries no digest for the replay algorithm.
    #[error("event for PCR {pcr} carries no {alg} digest")]
    NoDigest {
        /// PCR.
        pcr: u32,
        /// Algorithm.
        alg: HashAlg,
    },
    /// The replay algorithm is not declared in the log.
    #[error("the log declares no {0} digests")]
    AlgorithmAbsent(HashAlg),
}

struct Le<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Le<'a> {
    fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], EventLogError> {
        let err = EventLogError::Truncated {
            what,
            offset: self.pos,
        };
        let end = self.pos.checked_add(n).ok_or(err.clone())?;
        let out = self.buf.get(self.pos..end).ok_or(err)?;
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, EventLogError> {
        let b = self.bytes(1, what)?;
        Ok(b.first().copied().unwrap_or(0))
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, EventLogError> {
        let b = self.bytes(2, what)?;
        let mut a = [0u8; 2];
        a.copy_from_slice(b);
        Ok(u16::from_le_bytes(a))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, EventLogError> {
        let b = self.bytes(4, what)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }
    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

/// One `TCG_PCR_EVENT2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// `pcrIndex`.
    pub pcr: u32,
    /// `eventType`.
    pub event_type: u32,
    /// `(algorithmId, digest)` in log order.
    pub digests: Vec<(u16, Vec<u8>)>,
    /// `event` data.
    pub data: Vec<u8>,
}

impl Event {
    /// This event's digest for `alg`.
    pub fn digest(&self, alg: HashAlg) -> Option<&[u8]> {
        self.digests
            .iter()
            .find(|(id, _)| *id == alg.id())
            .map(|(_, d)| d.as_slice())
    }
}

/// A parsed crypto-agile event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLog {
    /// `(algorithmId, digestSize)` declared by the Spec ID event.
    pub algorithms: Vec<(u16, u16)>,
    /// The events after the header, in order.
    pub events: Vec<Event>,
}

/// How reported PCRs compare with a replay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Reported PCRs equal to the replay.
    pub matched: Vec<u32>,
    /// Reported PCRs that differ from the replay.
    pub mismatched: Vec<u32>,
    /// Reported PCRs the log never touches.
    pub absent: Vec<u32>,
}

impl Comparison {
    /// True when nothing mismatched and nothing is absent.
    pub fn verified(&self) -> bool {
        self.mismatched.is_empty() && self.absent.is_empty()
    }
}

impl EventLog {
    /// Parses a log; any truncation is an error (no partial log).
    pub fn parse(input: &[u8]) -> Result<EventLog, EventLogError> {
        if input.len() > MAX_LOG_BYTES {
            return Err(EventLogError::TooLarge {
                what: "size",
                size: input.len(),
                cap: MAX_LOG_BYTES,
            });
        }
        let mut r = Le { buf: input, pos: 0 };
        let pcr = r.u32("header pcrIndex")?;
        let event_type = r.u32("header eventType")?;
        r.bytes(20, "header digest")?;
        let size = usize::try_from(r.u32("header eventDataSize")?).unwrap_or(usize::MAX);
        if size > MAX_EVENT_DATA {
            return Err(EventLogError::TooLarge {
                what: "header event size",
                size,
                cap: MAX_EVENT_DATA,
            });
        }
        let data = r.bytes(size, "header event data")?;
        if pcr != 0 || event_type != EV_NO_ACTION {
            return Err(EventLogError::BadHeader { pcr, event_type });
        }
        let algorithms = parse_spec_id(data)?;
        let mut events = Vec::new();
        while !r.done() {
            if events.len() >= MAX_EVENTS {
                return Err(EventLogError::TooLarge {
                    what: "event count",
                    size: events.len().saturating_add(1),
                    cap: MAX_EVENTS,
                });
            }
            let index = events.len().saturating_add(1);
            let pcr = r.u32("pcrIndex")?;
            let event_type = r.u32("eventType")?;
            let count = usize::try_from(r.u32("digest count")?).unwrap_or(usize::MAX);
            if count > algorithms.len() {
                return Err(EventLogError::BadDigests {
                    index,
                    detail: format!(
                        "{count} digests but {} algorithms declared",
                        algorithms.len()
                    ),
                });
            }
            let mut digests: Vec<(u16, Vec<u8>)> = Vec::with_capacity(count);
            for _ in 0..count {
                let id = r.u16("digest algorithmId")?;
                let (_, dsize) = algorithms.iter().find(|(a, _)| *a == id).ok_or_else(|| {
                    EventLogError::BadDigests {
                        index,
                        detail: format!("algorithm 0x{id:04x} not declared in the header"),
                    }
                })?;
                if digests.iter().any(|(a, _)| *a == id) {
                    return Err(EventLogError::BadDigests {
                        index,
                        detail: format!("algorithm 0x{id:04x} repeated"),
                    });
                }
                let d = r.bytes(usize::from(*dsize), "digest")?.to_vec();
                digests.push((id, d));
            }
            let size = usize::try_from(r.u32("eventSize")?).unwrap_or(usize::MAX);
            if size > MAX_EVENT_DATA {
                return Err(EventLogError::TooLarge {
                    what: "event size",
                    size,
                    cap: MAX_EVENT_DATA,
                });
            }
            let data = r.bytes(size, "event data")?.to_vec();
            if event_type != EV_NO_ACTION && pcr > 31 {
                return Err(EventLogError::PcrIndex { index, pcr });
            }
            events.push(Event {
                pcr,
                event_type,
                digests,
                data,
            });
        }
        Ok(EventLog { algorithms, events })
    }

    /// Replays the log for `alg`: PCR → final value, for the PCRs the log extends.
    pub fn replay(&self, alg: HashAlg) -> Result<BTreeMap<u32, Vec<u8>>, EventLogError> {
        if !self.algorithms.iter().any(|(a, _)| *a == alg.id()) {
            return Err(EventLogError::AlgorithmAbsent(alg));
        }
        let mut locality: Option<u8> = None;
        let mut pcrs: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
        for e in &self.events {
            if e.event_type == EV_NO_ACTION {
                if e.pcr == 0
                    && e.data.len() == 17
                    && e.data.get(..16) == Some(&STARTUP_LOCALITY[..])
                    && !pcrs.contains_key(&0)
                {
                    locality = e.data.get(16).copied();
                }
                continue;
            }
            let d = e
                .digest(alg)
                .ok_or(EventLogError::NoDigest { pcr: e.pcr, alg })?;
            let cur = pcrs
                .entry(e.pcr)
                .or_insert_with(|| initial_value(e.pcr, alg, locality));
            let next = alg.digest(&[cur, d]);
            *cur = next;
        }
        Ok(pcrs)
    }

    /// The `alg` digests of the measured (non-`EV_NO_ACTION`) events of `pcr`, in order.
    pub fn digests_for(&self, alg: HashAlg, pcr: u32) -> Vec<&[u8]> {
        self.events
            .iter()
            .filter(|e| e.pcr == pcr && e.event_type != EV_NO_ACTION)
            .filter_map(|e| e.digest(alg))
            .collect()
    }
}

/// The replay start value of a PCR: 0xFF… for DRTM PCRs 17–22, else zero
/// (PCR 0 ending in the StartupLocality byte when the log declares one).
pub fn initial_value(pcr: u32, alg: HashAlg, locality: Option<u8>) -> Vec<u8> {
    let n = alg.len();
    if (17..=22).contains(&pcr) {
        return vec![0xFF; n];
    }
    let mut v = vec![0u8; n];
    if pcr == 0
        && let (Some(l), Some(last)) = (locality, v.last_mut())
    {
        *last = l;
    }
    v
}

/// Compares reported PCR values (index → value) with a replay.
pub fn compare(replayed: &BTreeMap<u32, Vec<u8>>, reported: &BTreeMap<u32, Vec<u8>>) -> Comparison {
    let mut c = Comparison::default();
    for (pcr, value) in reported {
        match replayed.get(pcr) {
            None => c.absent.push(*pcr),
            Some(v) if cmcp_json::encoding::ct_eq(v, value) => c.matched.push(*pcr),
            Some(_) => c.mismatched.push(*pcr),
        }
    }
    c
}

fn parse_spec_id(data: &[u8]) -> Result<Vec<(u16, u16)>, EventLogError> {
    let mut r = Le { buf: data, pos: 0 };
    let sig = r
        .bytes(16, "Spec ID signature")
        .map_err(|_| EventLogError::NotSpecId)?;
    if sig != SPEC_ID_SIGNATURE {
        return Err(EventLogError::NotSpecId);
    }
    r.u32("platformClass")?;
    r.u8("specVersionMinor")?;
    r.u8("specVersionMajor")?;
    r.u8("specErrata")?;
    r.u8("uintnSize")?;
    let n = usize::try_from(r.u32("numberOfAlgorithms")?).unwrap_or(usize::MAX);
    if n == 0 {
        return Err(EventLogError::BadAlgorithms(
            "no digest algorithms declared".to_owned(),
        ));
    }
    if n > MAX_ALGORITHMS {
        return Err(EventLogError::TooLarge {
            what: "algorithm count",
            size: n,
            cap: MAX_ALGORITHMS,
        });
    }
    let mut algs: Vec<(u16, u16)> = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.u16("algorithmId")?;
        let size = r.u16("digestSize")?;
        if size == 0 || usize::from(size) > crate::parse::MAX_DIGEST {
            return Err(EventLogError::BadAlgorithms(format!(
                "algorithm 0x{id:04x} declares digest size {size}"
            )));
        }
        if let Some(h) = HashAlg::from_id(id)
            && h.len() != usize::from(size)
        {
            return Err(EventLogError::BadAlgorithms(format!(
                "{h} declared with digest size {size}"
            )));
        }
        if algs.iter().any(|(a, _)| *a == id) {
            return Err(EventLogError::BadAlgorithms(format!(
                "algorithm 0x{id:04x} declared twice"
            )));
        }
        algs.push((id, size));
    }
    Ok(algs)
}

/// Builds a crypto-agile log (for tests and tooling): header declaring
/// `algs`, then one `TCG_PCR_EVENT2` per `(pcr, type, data)` carrying the
/// digest of `data` for every declared algorithm.
///
/// ```
/// use cmcp_tpm::eventlog::{build_log, EventLog};
/// use cmcp_tpm::parse::HashAlg;
/// let log = build_log(&[HashAlg::Sha256], &[(0, 0x8000_0008, b"a".to_vec())]);
/// let parsed = EventLog::parse(&log).unwrap();
/// assert_eq!(parsed.events.len(), 1);
/// ```
pub fn build_log(algs: &[HashAlg], events: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut spec = SPEC_ID_SIGNATURE.to_vec();
    spec.extend_from_slice(&0u32.to_le_bytes());
    spec.extend_from_slice(&[0, 2, 0, 2]);
    spec.extend_from_slice(&u32::try_from(algs.len()).unwrap_or(0).to_le_bytes());
    for a in algs {
        spec.extend_from_slice(&a.id().to_le_bytes());
        spec.extend_from_slice(&u16::try_from(a.len()).unwrap_or(0).to_le_bytes());
    }
    spec.push(0); // vendorInfoSize
    let mut out = Vec::new();
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&EV_NO_ACTION.to_le_bytes());
    out.extend_from_slice(&[0u8; 20]);
    out.extend_from_slice(&u32::try_from(spec.len()).unwrap_or(0).to_le_bytes());
    out.extend_from_slice(&spec);
    for (pcr, ty, data) in events {
        out.extend_from_slice(&pcr.to_le_bytes());
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&u32::try_from(algs.len()).unwrap_or(0).to_le_bytes());
        for a in algs {
            out.extend_from_slice(&a.id().to_le_bytes());
            out.extend_from_slice(&a.digest(&[data]));
        }
        out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;
    use cmcp_json::encoding::hex_encode;

    fn spec_vector() -> Vec<u8> {
        build_log(
            &[HashAlg::Sha1, HashAlg::Sha256],
            &[
                (0, 0x8000_0008, b"a".to_vec()),
                (0, EV_NO_ACTION, b"noaction".to_vec()),
                (17, 0x0D, b"drtm".to_vec()),
                (7, 0x8000_0001, b"b".to_vec()),
            ],
        )
    }

    #[test]
    fn spec_worked_vector_replays() {
        let log = EventLog::parse(&spec_vector()).unwrap();
        assert_eq!(log.algorithms, vec![(0x0004, 20), (0x000b, 32)]);
        assert_eq!(log.events.len(), 4);
        let r = log.replay(HashAlg::Sha256).unwrap();
        assert_eq!(r.keys().copied().collect::<Vec<_>>(), vec![0, 7, 17]);
        assert_eq!(
            hex_encode(&r[&0]),
            "8c374a53782642f7514d087d26a3e733f1b806009a03e04a43b288ef2fa9f9c0"
        );
        assert_eq!(
            hex_encode(&r[&7]),
            "1b36018e878c666b4b6cfb4528e2c1a8a6d84980446aad049ad5f02c464fe995"
        );
        assert_eq!(
            hex_encode(&r[&17]),
            "d403508e10b3a238a5bed741a1a0e7e09fc8047b7a90bbf7be1149523cd7628b"
        );
        let r1 = log.replay(HashAlg::Sha1).unwrap();
        assert_eq!(
            hex_encode(&r1[&0]),
            "b311ff7e540d671f5b54ed190d402a1d064fbecb"
        );
        assert_eq!(
            log.replay(HashAlg::Sha384),
            Err(EventLogError::AlgorithmAbsent(HashAlg::Sha384))
        );

        let mut reported = BTreeMap::new();
        reported.insert(0, r[&0].clone());
        reported.insert(7, vec![0u8; 32]);
        reported.insert(9, vec![0u8; 32]);
        let c = compare(&r, &reported);
        assert_eq!(
            (c.matched, c.mismatched, c.absent),
            (vec![0], vec![7], vec![9])
        );
    }

    #[test]
    fn startup_locality_sets_pcr0_start() {
        let mut sl = STARTUP_LOCALITY.to_vec();
        sl.push(3);
        let log = build_log(
            &[HashAlg::Sha256],
            &[(0, EV_NO_ACTION, sl), (0, 0x8, b"a".to_vec())],
        );
        let r = EventLog::parse(&log)
            .unwrap()
            .replay(HashAlg::Sha256)
            .unwrap();
        let mut start = vec![0u8; 32];
        start[31] = 3;
        let want = HashAlg::Sha256.digest(&[&start, &HashAlg::Sha256.digest(&[b"a"])]);
        assert_eq!(r[&0], want);
    }

    #[test]
    fn truncation_everywhere_is_an_error() {
        let v = spec_vector();
        for n in 0..v.len() {
            let Err(e) = EventLog::parse(&v[..n]) else {
                // Cutting exactly at an event boundary yields a shorter valid log.
                let ok = EventLog::parse(&v[..n]).unwrap();
                assert!(ok.events.len() < 4);
                continue;
            };
            assert!(
                matches!(
                    e,
                    EventLogError::Truncated { .. } | EventLogError::NotSpecId
                ),
                "{n}: {e:?}"
            );
        }
    }

    #[test]
    fn undeclared_and_repeated_digests_refused() {
        let mut v = build_log(&[HashAlg::Sha256], &[(0, 8, b"a".to_vec())]);
        // Header is 32 + spec-id bytes; the first event's algorithm id follows pcr/type/count.
        let hdr = 32 + u32::from_le_bytes(v[28..32].try_into().unwrap()) as usize;
        v[hdr + 12] = 0x0c; // SHA-384, undeclared
        assert!(matches!(
            EventLog::parse(&v),
            Err(EventLogError::BadDigests { index: 1, .. })
        ));
        let bad_header = {
            let mut b = spec_vector();
            b[0] = 1;
            b
        };
        assert_eq!(
            EventLog::parse(&bad_header),
            Err(EventLogError::BadHeader {
                pcr: 1,
                event_type: 3
            })
        );
    }
}
