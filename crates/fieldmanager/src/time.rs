//! The timestamps of `managedFields` entries: RFC 3339 in, whole seconds in UTC out
//! (`metav1.Time`), compared by Unix second.

use concord_apimachinery::civil::{civil_from_days, days_from_civil, days_in_month};

/// Seconds since the Unix epoch of an RFC 3339 timestamp (`2026-11-24T10:00:00Z`, fractions
/// and offsets allowed, as Go's `time.RFC3339` layout parses them).
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        part.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let punct = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(punct(4, b'-') && punct(7, b'-') && punct(10, b'T') && punct(13, b':') && punct(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut i = 19;
    if punct(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && punct(i + 3, b':') => {
            let (h, m) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' { minutes * 60 } else { -minutes * 60 }
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix second.
pub(crate) fn format_rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-24T10:00:00Z"), Some(1_795_514_400));
        assert_eq!(parse_rfc3339("2019-03-30T15:00:00.000Z"), parse_rfc3339("2019-03-30T15:00:00Z"));
        assert_eq!(parse_rfc3339("2019-03-30T17:00:00+02:00"), parse_rfc3339("2019-03-30T15:00:00Z"));
        assert_eq!(format_rfc3339(1_795_514_400), "2026-11-24T10:00:00Z");
        assert_eq!(
            format_rfc3339(parse_rfc3339("2000-02-29T23:59:59-00:30").unwrap()),
            "2000-03-01T00:29:59Z"
        );
        for bad in [
            "",
            "2026-11-24",
            "2026-11-24T10:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-24 10:00:00Z",
            "2026-11-24T10:00:00.Z",
            "2026-11-24T10:00:00Zx",
            "2010-10-10T0:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
