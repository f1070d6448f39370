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

/// Days from 1970-01-01 to `y-m-d` in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm, in checked arithmetic).
fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    // Years counted from March, so that a leap day ends its year.
    let y = if m <= 2 { y.checked_sub(1)? } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(m.checked_add(9)? % 12);
    let doy = (mp.checked_mul(153)?.checked_add(2)? / 5)
        .checked_add(i64::from(d))?
        .checked_sub(1)?;
    let doe = yoe
        .checked_mul(365)?
        .checked_add(yoe / 4)?
        .checked_sub(yoe / 100)?
        .checked_add(doy)?;
    era.checked_mul(146_097)?
        .checked_add(doe)?
        .checked_sub(719_468)
}

/// The date `(year, month, day)` that is `z` days after 1970-01-01 (the
/// inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> Option<(i64, u32, u32)> {
    let z = z.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = doe
        .checked_sub(doe / 1460)?
        .checked_add(doe / 36_524)?
        .checked_sub(doe / 146_096)?
        / 365;
    let y = era.checked_mul(400)?.checked_add(yoe)?;
    let doy = doe.checked_sub(
        yoe.checked_mul(365)?
            .checked_add(yoe / 4)?
            .checked_sub(yoe / 100)?,
    )?;
    let mp = doy.checked_mul(5)?.checked_add(2)? / 153;
    let d = doy
        .checked_sub(mp.checked_mul(153)?.checked_add(2)? / 5)?
        .checked_add(1)?;
    let m = if mp < 10 {
        mp.checked_add(3)?
    } else {
        mp.checked_sub(9)?
    };
    let (m, d) = (u32::try_from(m).ok()?, u32::try_from(d).ok()?);
    Some((if m <= 2 { y.checked_add(1)? } else { y }, m, d))
}

/// Seconds in `h` hours, `m` minutes and `s` seconds.
fn clock_secs(h: u32, m: u32, s: u32) -> Option<i64> {
    i64::from(h)
        .checked_mul(3600)?
        .checked_add(i64::from(m).checked_mul(60)?)?
        .checked_add(i64::from(s))
}

/// The decimal value of ASCII digits; `None` if one is not a digit.
fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |v, c| {
        let d = char::from(*c).to_digit(10)?;
        v.checked_mul(10)?.checked_add(d)
    })
}

/// Nanoseconds per unit of a fraction with `n` digits (index `n`).
const FRACTION_SCALE: [u32; 10] = [
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
    1,
];

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

    /// Whole seconds from `earlier` to `self`, truncated toward zero
    /// (saturating at the ends of the `i64` range).
    ///
    /// ```
    /// use cmcp_policy::Timestamp;
    /// let a = Timestamp::parse_rfc3339("2026-01-01T00:00:00.9Z").unwrap();
    /// let b = Timestamp::parse_rfc3339("2026-01-01T00:00:02Z").unwrap();
    /// assert_eq!(b.seconds_since(a), 1);
    /// assert_eq!(a.seconds_since(b), -1);
    /// ```
    pub fn seconds_since(self, earlier: Timestamp) -> i64 {
        let Some(whole) = self.secs.checked_sub(earlier.secs) else {
            // Beyond the range; the nanoseconds move the result by less
            // than a second, so it stays at or beyond the bound.
            return if self.secs > earlier.secs {
                i64::MAX
            } else {
                i64::MIN
            };
        };
        // Both fractions are below one second: when they point against the
        // whole seconds, the total is one second nearer to zero (and the
        // saturating steps are exact).
        match self.nanos.cmp(&earlier.nanos) {
            std::cmp::Ordering::Less if whole > 0 => whole.saturating_sub(1),
            std::cmp::Ordering::Greater if whole < 0 => whole.saturating_add(1),
            _ => whole,
        }
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
            let part = b
                .get(from..)
                .and_then(|rest| rest.get(..len))
                .ok_or_else(syn)?;
            decimal(part).ok_or_else(syn)
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
        let mut tail = b.get(19..).unwrap_or(&[]);
        let mut nanos = 0u32;
        if let Some(frac) = tail.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(syn());
            }
            let (digits, after) = frac.split_at_checked(n).ok_or_else(syn)?;
            // Digits past the ninth (below a nanosecond) are dropped.
            let kept = digits.get(..9).unwrap_or(digits);
            nanos = decimal(kept)
                .zip(FRACTION_SCALE.get(kept.len()))
                .and_then(|(v, scale)| v.checked_mul(*scale))
                .ok_or_else(syn)?;
            tail = after;
        }
        let offset_secs: i64 = match tail {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let oh = decimal(&[*h1, *h2]).ok_or_else(syn)?;
                let om = decimal(&[*m1, *m2]).ok_or_else(syn)?;
                if oh > 23 || om > 59 {
                    return Err(rng());
                }
                let o = clock_secs(oh, om, 0).ok_or_else(rng)?;
                if *sign == b'-' {
                    o.checked_neg().ok_or_else(rng)?
                } else {
                    o
                }
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
        let secs = days_from_civil(i64::from(year), month, day)
            .and_then(|days| days.checked_mul(86_400))
            .zip(clock_secs(hour, minute, second))
            .and_then(|(day_start, clock)| day_start.checked_add(clock))
            .and_then(|local| local.checked_sub(offset_secs))
            .ok_or_else(rng)?;
        Ok(Timestamp { secs, nanos })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with a `Z` suffix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let Some((y, m, d)) = civil_from_days(days) else {
            // Not reached: `days` is within ±i64::MAX / 86 400, well inside
            // the range the calendar arithmetic handles.
            return write!(f, "@{}", self.secs);
        };
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
#[allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
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
        let c = Timestamp::parse_rfc3339("2026-01-01T00:00:02.9Z").unwrap();
        assert_eq!(c.seconds_since(a), 2);
        assert_eq!(a.seconds_since(c), -2);
        assert_eq!(a.seconds_since(a), 0);
    }

    #[test]
    fn seconds_since_saturates_at_the_ends() {
        let (lo, hi) = (
            Timestamp::from_unix(i64::MIN),
            Timestamp::from_unix(i64::MAX),
        );
        assert_eq!(hi.seconds_since(lo), i64::MAX);
        assert_eq!(lo.seconds_since(hi), i64::MIN);
        assert_eq!(hi.seconds_since(Timestamp::from_unix(-1)), i64::MAX);
        assert_eq!(Timestamp::from_unix(-2).seconds_since(hi), i64::MIN);
        // One second inside the range is exact.
        assert_eq!(Timestamp::from_unix(-1).seconds_since(hi), i64::MIN);
        assert_eq!(Timestamp::from_unix(0).seconds_since(hi), -i64::MAX);
        // Nanoseconds pull a just-overflowing difference back to the bound.
        let late = Timestamp::parse_rfc3339("1970-01-01T00:00:00.5Z").unwrap();
        assert_eq!(hi.seconds_since(Timestamp::from_unix(-1)), i64::MAX);
        assert_eq!(lo.seconds_since(late), i64::MIN);
    }

    #[test]
    fn extreme_years_print_and_parse() {
        let t = Timestamp::parse_rfc3339("0000-03-01T00:00:00Z").unwrap();
        assert_eq!(t.unix(), -62_162_035_200);
        assert_eq!(t.to_string(), "0000-03-01T00:00:00Z");
        let t = Timestamp::parse_rfc3339("9999-12-31T23:59:59.999999999999-23:59").unwrap();
        assert_eq!(t.unix(), 253_402_387_139);
        assert_eq!(t.to_string(), "10000-01-01T23:58:59.999999999Z");
        assert_eq!(
            Timestamp::from_unix(i64::MIN).to_string(),
            "-292277022657-01-27T08:29:52Z"
        );
    }
}
