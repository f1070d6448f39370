//! Strict RFC 3339 time.

use std::fmt;

/// A point in time: seconds since the Unix epoch (UTC) and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// Why a timestamp was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    #[error("not an RFC 3339 date-time with offset: {0:?}")]
    Syntax(String),
    /// A field out of range (month 13, hour 24, second 60, …).
    #[error("date-time field out of range: {0:?}")]
    Range(String),
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

impl Timestamp {
    /// From Unix seconds.
    pub fn from_unix(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// The current system time.
    pub fn now() -> Self {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Timestamp {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(_) => Timestamp::from_unix(0),
        }
    }

    /// Unix seconds (floor).
    pub fn unix(self) -> i64 {
        self.secs
    }

    /// Whole seconds from `earlier` to `self`, truncated toward zero.
    pub fn seconds_since(self, earlier: Timestamp) -> i64 {
        let total = (i128::from(self.secs) - i128::from(earlier.secs)) * 1_000_000_000
            + (i128::from(self.nanos) - i128::from(earlier.nanos));
        i64::try_from(total / 1_000_000_000).unwrap_or(if total < 0 { i64::MIN } else { i64::MAX })
    }

    /// Parses a strict RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional
    /// fraction, and a mandatory `Z` or `±HH:MM` offset.
    ///
    /// ```
    /// use cmcp_policy::Timestamp;
    /// let t = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
    /// assert_eq!(t.unix(), 1_796_083_200);
    /// assert_eq!(Timestamp::parse_rfc3339("2026-12-01T01:00:00+01:00").unwrap(), t);
    /// assert!(Timestamp::parse_rfc3339("2026-12-01T00:00:00").is_err());
    /// assert!(Timestamp::parse_rfc3339("2026-12-01 00:00:00Z").is_err());
    /// ```
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, TimestampError> {
        let syn = || TimestampError::Syntax(s.to_owned());
        let rng = || TimestampError::Range(s.to_owned());
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Result<u32, TimestampError> {
            let part = b.get(from..from + len).ok_or_else(syn)?;
            let mut v = 0u32;
            for c in part {
                if !c.is_ascii_digit() {
                    return Err(syn());
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Ok(v)
        };
        let at = |i: usize, c: u8| b.get(i) == Some(&c);
        if !(at(4, b'-')
            && at(7, b'-')
            && (at(10, b'T') || at(10, b't'))
            && at(13, b':')
            && at(16, b':'))
        {
            return Err(syn());
        }
        let year = num(0, 4)?;
        let month = num(5, 2)?;
        let day = num(8, 2)?;
        let hour = num(11, 2)?;
        let minute = num(14, 2)?;
        let second = num(17, 2)?;
        let mut i = 19;
        let mut nanos = 0u32;
        if at(i, b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b.get(i).copied().unwrap_or(b'0') - b'0');
                }
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return Err(syn());
            }
            for _ in n..9 {
                nanos *= 10;
            }
        }
        let offset_secs: i64 = match b.get(i) {
            Some(b'Z' | b'z') if b.len() == i + 1 => 0,
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && at(i + 3, b':') => {
                let oh = num(i + 1, 2)?;
                let om = num(i + 4, 2)?;
                if oh > 23 || om > 59 {
                    return Err(rng());
                }
                let o = i64::from(oh * 3600 + om * 60);
                if *sign == b'-' { -o } else { o }
            }
            _ => return Err(syn()),
        };
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(i64::from(year), month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(rng());
        }
        let days = days_from_civil(i64::from(year), month, day);
        let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_secs;
        Ok(Timestamp { secs, nanos })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with a `Z` suffix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let t = Timestamp::parse_rfc3339("2026-11-30T00:00:00+00:00").unwrap();
        assert_eq!(t.unix(), 1_796_083_200 - 86_400);
        assert_eq!(t.to_string(), "2026-11-30T00:00:00Z");
        let f = Timestamp::parse_rfc3339("2026-12-03T09:50:42.424178+00:00").unwrap();
        assert_eq!(f.to_string(), "2026-12-03T09:50:42.424178Z");
        assert_eq!(
            Timestamp::parse_rfc3339("1970-01-01T00:00:00Z")
                .unwrap()
                .unix(),
            0
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2024-02-29T00:00:00-01:30")
                .unwrap()
                .unix(),
            1_709_170_200
        );
    }

    #[test]
    fn refuses_non_rfc3339() {
        for bad in [
            "2026-12-01",
            "2026-12-01T00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T00:00:60Z",
            "2026-02-29T00:00:00Z",
            "2026-12-01T00:00:00+0000",
            "20261201T000000Z",
            "2026-12-01X00:00:00Z",
            "2026-12-01T00:00:00.Z",
            "2026-12-01T00:00:00Z ",
            "2026-13-01T00:00:00Z",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seconds_since_truncates_toward_zero() {
        let a = Timestamp::parse_rfc3339("2026-01-01T00:00:00.9Z").unwrap();
        let b = Timestamp::parse_rfc3339("2026-01-01T00:00:02Z").unwrap();
        assert_eq!(b.seconds_since(a), 1);
        assert_eq!(a.seconds_since(b), -1);
    }
}
