//! Timestamps as `metav1.Time` reads and writes them (RFC 3339), and `HumanDuration`, the
//! elapsed-time format of every AGE cell.

use std::time::{SystemTime, UNIX_EPOCH};

use concord_apimachinery::civil::{civil_from_days, days_from_civil, days_in_month};

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// Seconds from 0001-01-01T00:00:00Z, Go's zero `time.Time`, to the Unix epoch.
const GO_ZERO_UNIX_SECONDS: i64 = -62_135_596_800;

/// An instant, in nanoseconds since the Unix epoch (`i128` covers every year Go can parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant(i128);

impl Instant {
    /// Go's zero time, which `metav1.Time.IsZero` reports and printers show as `<unknown>`.
    pub(crate) const ZERO: Instant = Instant(GO_ZERO_UNIX_SECONDS as i128 * NANOS_PER_SECOND);

    pub(crate) fn from_system_time(t: SystemTime) -> Instant {
        match t.duration_since(UNIX_EPOCH) {
            Ok(after) => Instant(after.as_nanos() as i128),
            Err(before) => Instant(-(before.duration().as_nanos() as i128)),
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self == Instant::ZERO
    }

    /// Nanoseconds from `earlier` to `self` (negative when `earlier` is later).
    pub(crate) fn since(self, earlier: Instant) -> i128 {
        self.0 - earlier.0
    }

    /// Parses an RFC 3339 timestamp the way Go's `time.Parse(time.RFC3339, s)` does: a
    /// four-digit year, `T`, an optional fraction of a second after the seconds (`.` or `,`,
    /// digits past the ninth ignored), and `Z` or a `±hh:mm` offset.
    pub(crate) fn parse_rfc3339(s: &str) -> Option<Instant> {
        let b = s.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let year = digits(b, 0, 4)?;
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let hour = digits(b, 11, 2)?;
        let minute = digits(b, 14, 2)?;
        let second = digits(b, 17, 2)?;
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let mut pos = 19;
        let mut nanos: i64 = 0;
        if matches!(b.get(pos), Some(b'.' | b',')) {
            pos += 1;
            let start = pos;
            let mut scale = 100_000_000;
            while let Some(d) = b.get(pos).filter(|c| c.is_ascii_digit()) {
                nanos += i64::from(d - b'0') * scale;
                scale /= 10;
                pos += 1;
            }
            if pos == start {
                return None;
            }
        }
        let offset_seconds = match b.get(pos..)? {
            b"Z" => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let oh = digits(b, pos + 1, 2)?;
                let om = digits(b, pos + 4, 2)?;
                if oh > 24 || om > 59 {
                    return None;
                }
                let magnitude = oh * 3600 + om * 60;
                if *sign == b'-' { -magnitude } else { magnitude }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset_seconds;
        Some(Instant(i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos)))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, as Go formats `t.UTC().Format(time.RFC3339)` (whole
    /// seconds; years outside 0..=9999 never come out of [`Instant::parse_rfc3339`]).
    pub(crate) fn format_rfc3339(self) -> String {
        let seconds = self.0.div_euclid(NANOS_PER_SECOND);
        let seconds = i64::try_from(seconds).unwrap_or(0);
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let in_day = seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            in_day / 3600,
            in_day / 60 % 60,
            in_day % 60
        )
    }
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = b.get(start..start + len)?;
    slice.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

/// kube's `duration.HumanDuration` of a span in nanoseconds: about two significant figures,
/// `<invalid>` for spans more than a second in the future (clock skew up to that reads `0s`).
pub(crate) fn human_duration_nanos(d: i128) -> String {
    let seconds = d / NANOS_PER_SECOND;
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{}d", hours / 24),
            h => format!("{}d{h}h", hours / 24),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return match (hours / 24) % 365 {
            0 => format!("{}y", hours / 24 / 365),
            days => format!("{}y{days}d", hours / 24 / 365),
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// The age of `t` at `now` as kube prints it: `<unknown>` for the zero time, else
/// [`human_duration_nanos`] of the time since.
pub(crate) fn age(t: Instant, now: Instant) -> String {
    if t.is_zero() {
        return "<unknown>".to_owned();
    }
    human_duration_nanos(now.since(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_rfc3339() {
        let t = Instant::parse_rfc3339("2024-02-29T23:59:58Z").unwrap();
        assert_eq!(t.format_rfc3339(), "2024-02-29T23:59:58Z");
        assert_eq!(t.0, 1_709_251_198 * NANOS_PER_SECOND);
        let offset = Instant::parse_rfc3339("2024-03-01T01:59:58+02:00").unwrap();
        assert_eq!(offset, t);
        let fraction = Instant::parse_rfc3339("2024-02-29T23:59:58.123456Z").unwrap();
        assert_eq!(fraction.since(t), 123_456_000);
        let comma = Instant::parse_rfc3339("2024-02-29T23:59:58,5-00:30").unwrap();
        assert_eq!(comma.since(t), 1_800 * NANOS_PER_SECOND + 500_000_000);
    }

    #[test]
    fn zero_time_round_trips() {
        let zero = Instant::parse_rfc3339("0001-01-01T00:00:00Z").unwrap();
        assert!(zero.is_zero());
        assert_eq!(zero.format_rfc3339(), "0001-01-01T00:00:00Z");
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00z",
            "24-01-01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert_eq!(Instant::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_conversion_is_inverse() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn system_time_before_epoch() {
        let t = UNIX_EPOCH - std::time::Duration::from_secs(10);
        assert_eq!(Instant::from_system_time(t).format_rfc3339(), "1969-12-31T23:59:50Z");
    }

    /// The entries of kube's boundary table that fall between whole seconds.
    #[test]
    fn kube_boundaries_between_seconds() {
        let ms: i128 = 1_000_000;
        let s = 1000 * ms;
        let (minute, hour) = (60 * s, 3600 * s);
        let (day, year) = (24 * hour, 365 * 24 * hour);
        for (d, want) in [
            (-2 * s + 1, "0s"),
            (s - ms, "0s"),
            (2 * minute - ms, "119s"),
            (10 * minute - ms, "9m59s"),
            (3 * hour - ms, "179m"),
            (8 * hour - ms, "7h59m"),
            (2 * day - ms, "47h"),
            (8 * day - ms, "7d23h"),
            (2 * year - ms, "729d"),
            (2 * year + day - ms, "2y"),
            (8 * year - ms, "7y364d"),
        ] {
            assert_eq!(human_duration_nanos(d), want, "{d}ns");
        }
    }

    #[test]
    fn sub_second_clock_skew() {
        let ms = 1_000_000;
        assert_eq!(human_duration_nanos(-2 * NANOS_PER_SECOND), "<invalid>");
        assert_eq!(human_duration_nanos(-2 * NANOS_PER_SECOND + 1), "0s");
        assert_eq!(human_duration_nanos(-1500 * ms), "0s");
        assert_eq!(human_duration_nanos(999 * ms), "0s");
    }
}
