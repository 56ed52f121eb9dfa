//! xs:dateTime / RFC 3339 instants as Unix seconds (with milliseconds), without a date library:
//! SAML only needs comparisons and differences.

/// An instant in milliseconds since the Unix epoch.
pub type Millis = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date (a day past the month's end rolls over).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parse a time of the message: an xs:dateTime (XML Schema Part 2 §3.2.7), as SAML Core §1.3.3
/// requires, `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`. A missing zone is read as UTC (what SAML requires
/// and most SPs assume). Anything else is refused, with the reason, so that PRO018 reports what a
/// strict SP (OpenSAML, java.time) refuses and the time windows are never checked against a misread
/// time: a space or a lower-case `t` for the `T`, a lower-case `z`, 31 February (which a date
/// library rolls over into March), hour 24 but at 24:00:00, a leap second.
pub fn parse(s: &str) -> Option<Millis> {
    parse_xs(s).ok()
}

/// [`parse`], with the reason a value is refused (plain words, never the value).
pub fn parse_xs(s: &str) -> Result<Millis, &'static str> {
    let (ms, f) = fields(s)?;
    if f.separator != b'T' {
        return Err("the date and the time must be separated by an upper-case T");
    }
    if f.zone == Some(b'z') {
        return Err("UTC is written with an upper-case Z");
    }
    if f.second == 60 {
        return Err("xs:dateTime has no leap second (seconds run 00 to 59)");
    }
    Ok(ms)
}

/// A time given on the command line or by a HAR capture (RFC 3339 also allows a space or a
/// lower-case `t` between the date and the time, and a lower-case `z`; ISO 8601, which HAR names, also
/// writes an offset `±hhmm` or `±hh`).
pub fn parse_lenient(s: &str) -> Option<Millis> {
    let s = s.trim();
    if let Ok((ms, _)) = fields(s) {
        return Some(ms);
    }
    // An ISO 8601 offset without its colon (`+0100`) or minutes (`+01`), written as RFC 3339's.
    let b = s.as_bytes();
    let sign_at = |n: usize| {
        b.len()
            .checked_sub(n + 1)
            .filter(|i| *i >= 19 && matches!(b[*i], b'+' | b'-'))
            .filter(|i| b[i + 1..].iter().all(u8::is_ascii_digit))
    };
    let rfc3339 = if let Some(i) = sign_at(4) {
        format!("{}:{}", &s[..i + 3], &s[i + 3..])
    } else if sign_at(2).is_some() {
        format!("{s}:00")
    } else {
        return None;
    };
    fields(&rfc3339).ok().map(|(ms, _)| ms)
}

/// What [`parse_xs`] and [`parse_lenient`] judge differently.
struct Fields {
    separator: u8,
    zone: Option<u8>,
    second: i64,
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn fields(s: &str) -> Result<(Millis, Fields), &'static str> {
    const SHAPE: &str = "not of the form YYYY-MM-DDThh:mm:ssZ";
    // XML Schema collapses white space, and only XML's (not U+00A0, U+2028, …).
    let s = s.trim_matches(crate::xml::SPACE);
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let t = s.get(r).ok_or(SHAPE)?;
        if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(SHAPE);
        }
        t.parse().map_err(|_| SHAPE)
    };
    let separator = *b.get(10).ok_or(SHAPE)?;
    if b.len() < 19
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(separator, b'T' | b't' | b' ')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return Err(SHAPE);
    }
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) {
        return Err("the month is not 01 to 12");
    }
    if !(1..=days_in_month(y, mo)).contains(&d) {
        return Err("the day does not exist in that month");
    }
    if h > 24 || mi > 59 || se > 60 {
        return Err("the hour, minute or second is out of range");
    }
    let mut i = 19;
    let mut millis = 0i64;
    let mut fraction_zero = true;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = s.get(start..i).ok_or(SHAPE)?;
        if frac.is_empty() {
            return Err("a decimal point with no digits after it");
        }
        fraction_zero = frac.bytes().all(|c| c == b'0');
        let mut f: String = frac.chars().take(3).collect();
        while f.len() < 3 {
            f.push('0');
        }
        millis = f.parse().map_err(|_| SHAPE)?;
    }
    if h == 24 && (mi != 0 || se != 0 || !fraction_zero) {
        return Err("hour 24 is only allowed as 24:00:00");
    }
    let zone = b.get(i).copied();
    let offset_min = match zone {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh > 14 || om > 59 || (oh == 14 && om != 0) {
                return Err("the time zone offset is out of range (-14:00 to +14:00)");
            }
            let v = oh * 60 + om;
            if sign == b'+' { v } else { -v }
        }
        _ => return Err("the time zone is not Z or ±hh:mm"),
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    Ok((
        secs * 1000 + millis,
        Fields {
            separator,
            zone,
            second: se,
        },
    ))
}

/// Format as `YYYY-MM-DDThh:mm:ssZ` (milliseconds when not zero).
pub fn format(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let frac = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    if frac == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:03}Z")
    }
}

/// A duration in words: `3 min 20 s`, `2 d 4 h`.
pub fn human_duration(ms: i64) -> String {
    let s = ms.unsigned_abs() / 1000;
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec} s"),
        (0, 0, _) => {
            if sec == 0 {
                format!("{m} min")
            } else {
                format!("{m} min {sec} s")
            }
        }
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

pub fn now() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ISO 8601 offsets without a colon or without minutes are read from a capture or `--at`
    /// (review 33: `+0100` fell back to the IssueInstant), never from a SAML message.
    #[test]
    fn lenient_offsets() {
        let z = Some(1_392_773_821_000);
        for ok in [
            "2014-02-19T02:37:01+01:00",
            "2014-02-19T02:37:01+0100",
            "2014-02-19T02:37:01+01",
            "2014-02-19T01:07:01-0030",
            "2014-02-18T20:07:01-05:30",
            "2014-02-18T20:07:01-0530",
            " 2014-02-19T01:37:01z ",
        ] {
            assert_eq!(parse_lenient(ok), z, "{ok}");
        }
        assert_eq!(
            parse_lenient("2014-02-19T02:37:01.5+0100"),
            Some(1_392_773_821_500)
        );
        for bad in [
            "2014-02-19T02:37:01+1",
            "2014-02-19T02:37:01+010",
            "2014-02-19T02:37:01+01000",
            "2014-02-19T02:37:01+1500",
            "2014-02-19T02:37:01+0160",
            "2014-02-19+01",
            "Wed, 19 Feb 2014 01:37:01 GMT",
            "1392773821000",
        ] {
            assert_eq!(parse_lenient(bad), None, "{bad}");
        }
        assert_eq!(parse("2014-02-19T02:37:01+0100"), None);
    }

    #[test]
    fn parses_saml_forms() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2014-02-19T01:37:01Z"), Some(1_392_773_821_000));
        assert_eq!(parse("2014-02-19T01:37:01.123Z"), Some(1_392_773_821_123));
        assert_eq!(
            parse("2014-02-19T01:37:01.1234567Z"),
            Some(1_392_773_821_123)
        );
        assert_eq!(parse("2014-02-19T02:37:01+01:00"), Some(1_392_773_821_000));
        assert_eq!(parse("2014-02-19T01:37:01"), Some(1_392_773_821_000));
        for bad in [
            "",
            "2014-02-19",
            "2014-13-19T01:37:01Z",
            "2014-02-19T01:37:01X",
            "2014-02-19T01:37:01.Z",
            "２０１４-02-19T01:37:01Z",
            "2014-02-19 01:37:01Z",
            "2014-02-19t01:37:01Z",
            "2014-02-19T01:37:01z",
            "2014-02-29T01:37:01Z",
            "2014-04-31T01:37:01Z",
            "2014-02-19T24:00:01Z",
            "2014-02-19T24:00:00.5Z",
            "2014-02-19T23:59:60Z",
            "2014-02-19T01:37:01+15:00",
            "2014-02-19T01:37:01+01:60",
            "\u{a0}2014-02-19T01:37:01Z",
            "2014-02-19T01:37:01Z\u{2028}",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
            assert!(parse_xs(bad).is_err(), "{bad}");
        }
        assert_eq!(parse("2016-02-29T00:00:00Z"), Some(1_456_704_000_000));
        assert_eq!(parse("2014-02-19T24:00:00Z"), parse("2014-02-20T00:00:00Z"));
        assert_eq!(
            parse_xs("2014-02-19 01:37:01Z"),
            Err("the date and the time must be separated by an upper-case T")
        );
        // RFC 3339 (the command line, a HAR capture) allows what xs:dateTime does not.
        assert_eq!(
            parse(" \t2014-02-19T01:37:01Z\r\n"),
            Some(1_392_773_821_000)
        );
        for rfc in [
            "2014-02-19 01:37:01Z",
            "2014-02-19t01:37:01z",
            "2014-02-19T01:37:01Z",
        ] {
            assert_eq!(parse_lenient(rfc), Some(1_392_773_821_000), "{rfc}");
        }
        for bad in ["2014-02-30T01:37:01Z", "2014-02-19T01:37", ""] {
            assert_eq!(parse_lenient(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trip() {
        for s in [
            "2026-11-20T10:00:00Z",
            "1999-12-31T23:59:59.500Z",
            "2400-02-29T00:00:00Z",
            "1900-03-01T12:00:00Z",
        ] {
            assert_eq!(format(parse(s).unwrap()), s);
        }
        assert_eq!(human_duration(200_000), "3 min 20 s");
        assert_eq!(human_duration(-90_000_000), "1 d 1 h");
    }
}
