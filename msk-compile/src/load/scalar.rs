//! Scalars as js-yaml 4 (the loader inside Serverless 3.40.0) resolves them (JavaScript's own
//! conversions are in [`crate::js`]).
//!
//! Contract:
//! * [`resolve_plain`] gives the value of an untagged plain scalar: js-yaml's default schema
//!   tries null, bool, int, float, then timestamp, in that order; anything else is a string.
//!   Quoted and block scalars are always strings (the caller does not call this for them).
//! * [`Scalar::into_value`] applies what `JSON.parse(JSON.stringify(config))` does right after
//!   Serverless loads the file (`lib/configuration/read.js`): NaN and ±∞ become `null`, `-0`
//!   becomes `0`, a timestamp becomes its ISO string, binary data becomes `{"0": byte, …}`.
//! * [`Scalar::to_key`] is JavaScript's `String(value)`, which js-yaml applies to mapping keys
//!   *before* that round trip (so a key `.inf` is `"Infinity"`, a key `1.0` is `"1"`).
//!
//! Measured with the oracle (`sls-msk` on a filterPatterns probe, see `tests/load_yaml.rs`):
//! `yes`/`no`/`on`/`off`/`y`/`n` stay strings, `True`/`TRUE` are booleans but `tRue` is a
//! string, `0777` is the decimal 777, `0o17` is 15, `0x1F` is 31 but `0X1F` is a string,
//! `1_000` and `_1` are strings (js-yaml 4 has no digit separators), `-.5` is a string while
//! `.5` is 0.5, `190:20:30` is a string (no sexagesimal numbers), `2001-12-14` is a Date that
//! becomes `"2001-12-14T00:00:00.000Z"`.

use crate::dialect::YamlSchema;
use crate::js;
use crate::tree::Value;

/// A resolved scalar before the JSON round trip.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A JavaScript `Date` (milliseconds since the epoch, UTC).
    Timestamp(f64),
    /// A `Uint8Array` from `!!binary`.
    Binary(Vec<u8>),
}

impl Scalar {
    /// The value after Serverless' `JSON.parse(JSON.stringify(…))` of the loaded config.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(flag) => Value::Bool(flag),
            Scalar::Number(number) => number_value(number),
            Scalar::String(text) => Value::String(text),
            Scalar::Timestamp(millis) => Value::String(iso_string(millis)),
            Scalar::Binary(bytes) => Value::Object(
                bytes
                    .iter()
                    .enumerate()
                    .map(|(index, byte)| crate::tree::Entry {
                        key: index.to_string(),
                        key_span: crate::tree::Span::default(),
                        value: crate::tree::Node::new(
                            Value::Number(f64::from(*byte)),
                            crate::tree::Span::default(),
                        ),
                    })
                    .collect(),
            ),
        }
    }

    /// JavaScript's `String(value)`, as js-yaml applies it to a mapping key.
    pub(crate) fn into_key(self) -> String {
        match self {
            Scalar::Null => "null".to_owned(),
            Scalar::Bool(flag) => flag.to_string(),
            Scalar::Number(number) => js::number_to_string(number),
            Scalar::String(text) => text,
            Scalar::Timestamp(millis) => date_to_string(millis),
            Scalar::Binary(bytes) => bytes
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// A number as it survives `JSON.parse(JSON.stringify(n))`: non-finite → `null`, `-0` → `0`.
pub(crate) fn number_value(number: f64) -> Value {
    if !number.is_finite() {
        Value::Null
    } else if number == 0.0 {
        Value::Number(0.0)
    } else {
        Value::Number(number)
    }
}

/// The value of an untagged plain scalar (js-yaml `DEFAULT_SCHEMA` implicit types).
pub(crate) fn resolve_plain(text: &str, schema: YamlSchema) -> Scalar {
    // An empty plain scalar is an empty node (js-yaml's `state.result` is null).
    if text.is_empty() || is_null(text) {
        return Scalar::Null;
    }
    // Every other implicit type starts with one of these (`true`/`false` in three spellings,
    // numbers and timestamps with a digit, a sign or a dot): most scalars (names, ARNs, `${…}`)
    // are strings at their first byte.
    if !matches!(
        text.as_bytes()[0],
        b't' | b'T' | b'f' | b'F' | b'0'..=b'9' | b'+' | b'-' | b'.'
    ) {
        return Scalar::String(text.to_owned());
    }
    if let Some(flag) = resolve_bool(text) {
        return Scalar::Bool(flag);
    }
    if let Some(number) = resolve_int(text) {
        return Scalar::Number(number);
    }
    if let Some(number) = resolve_float(text) {
        return Scalar::Number(number);
    }
    // osls drops js-yaml's implicit timestamp type: a date-like plain scalar stays a string.
    if schema == YamlSchema::Serverless
        && let Some(millis) = resolve_timestamp(text)
    {
        return Scalar::Timestamp(millis);
    }
    Scalar::String(text.to_owned())
}

/// `null` type: `~`, `null`, `Null`, `NULL` (and an empty node, which the caller handles:
/// an explicit `!!null ""` is an error in js-yaml, oracle probe `scalars.yml`).
pub(crate) fn is_null(text: &str) -> bool {
    matches!(text, "~" | "null" | "Null" | "NULL")
}

/// `bool` type: only the three spellings of each (no YAML 1.1 `yes`/`on`).
pub(crate) fn resolve_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `int` type of js-yaml 4: optional sign, then `0b…`, `0x…` (lower-case `x` only), `0o…`, or
/// decimal digits (leading zeros allowed and still decimal); no `_` separators. A value that
/// does not fit a finite double is not an int.
pub(crate) fn resolve_int(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        Some(_) => (false, text),
        None => return None,
    };
    let sign = if negative { -1.0 } else { 1.0 };
    // js-yaml returns a positive 0 for "-0" (`if (value === '0') return 0`).
    if digits == "0" {
        return Some(0.0);
    }
    let radix_digits = |prefix: &str, radix: u32| -> Option<Option<f64>> {
        let rest = digits.strip_prefix(prefix)?;
        Some(
            js::radix_to_number(rest, radix)
                .map(|value| sign * value)
                .filter(|value| value.is_finite()),
        )
    };
    if let Some(result) = radix_digits("0b", 2) {
        return result;
    }
    if let Some(result) = radix_digits("0x", 16) {
        return result;
    }
    if let Some(result) = radix_digits("0o", 8) {
        return result;
    }
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    value.is_finite().then_some(sign * value)
}

/// `float` type of js-yaml 4:
/// `^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`
/// (note: `.5` is a float but `-.5` is not).
pub(crate) fn resolve_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut mantissa = String::new();
    if bytes.first() == Some(&b'.') {
        // `\.[0-9]+…`: no sign allowed in this branch.
        at = 1;
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at == start {
            return None;
        }
        mantissa.push_str("0.");
        mantissa.push_str(&text[start..at]);
    } else {
        if matches!(bytes.first(), Some(b'-' | b'+')) {
            if bytes[0] == b'-' {
                mantissa.push('-');
            }
            at = 1;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at == start {
            return None;
        }
        mantissa.push_str(&text[start..at]);
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let fraction = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            if at > fraction {
                mantissa.push('.');
                mantissa.push_str(&text[fraction..at]);
            }
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        let exponent_start = at;
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let digits = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at == digits {
            return None;
        }
        mantissa.push('e');
        mantissa.push_str(&text[exponent_start + 1..at]);
    }
    if at != bytes.len() {
        return None;
    }
    // `resolveYamlFloat` only accepts finite values here (`1e999` stays a string).
    let value: f64 = mantissa.parse().ok()?;
    value.is_finite().then_some(value)
}

/// `timestamp` type: `YYYY-MM-DD`, or a date and time with an optional fraction and zone.
/// Returns the JavaScript time value (ms since the epoch).
pub(crate) fn resolve_timestamp(text: &str) -> Option<f64> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = cursor.digits(4, 4)?;
    cursor.expect(b'-')?;
    // The date-only form needs exactly two digits for month and day.
    let month_start = cursor.at;
    let month = cursor.digits(1, 2)?;
    let month_width = cursor.at - month_start;
    cursor.expect(b'-')?;
    let day_start = cursor.at;
    let day = cursor.digits(1, 2)?;
    let day_width = cursor.at - day_start;
    if cursor.done() {
        return (month_width == 2 && day_width == 2)
            .then(|| make_time(year, month - 1.0, day, 0.0, 0.0, 0.0, 0.0));
    }
    match cursor.peek()? {
        b'T' | b't' => cursor.at += 1,
        b' ' | b'\t' => {
            while matches!(cursor.peek(), Some(b' ' | b'\t')) {
                cursor.at += 1;
            }
        }
        _ => return None,
    }
    let hour = cursor.digits(1, 2)?;
    cursor.expect(b':')?;
    let minute = cursor.digits(2, 2)?;
    cursor.expect(b':')?;
    let second = cursor.digits(2, 2)?;
    let mut millis = 0.0;
    if cursor.peek() == Some(b'.') {
        cursor.at += 1;
        let start = cursor.at;
        while cursor.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            cursor.at += 1;
        }
        let fraction = &text[start..cursor.at];
        if !fraction.is_empty() {
            let mut padded: String = fraction.chars().take(3).collect();
            while padded.len() < 3 {
                padded.push('0');
            }
            millis = padded.parse().ok()?;
        }
    }
    let mut delta = 0.0;
    if !cursor.done() {
        while matches!(cursor.peek(), Some(b' ' | b'\t')) {
            cursor.at += 1;
        }
        match cursor.peek()? {
            b'Z' => cursor.at += 1,
            sign @ (b'-' | b'+') => {
                cursor.at += 1;
                let zone_hour = cursor.digits(1, 2)?;
                let mut zone_minute = 0.0;
                if cursor.peek() == Some(b':') {
                    cursor.at += 1;
                    zone_minute = cursor.digits(2, 2)?;
                }
                delta = (zone_hour * 60.0 + zone_minute) * 60_000.0;
                if sign == b'-' {
                    delta = -delta;
                }
            }
            _ => return None,
        }
        if !cursor.done() {
            return None;
        }
    }
    Some(make_time(year, month - 1.0, day, hour, minute, second, millis) - delta)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Between `min` and `max` ASCII digits, greedily.
    fn digits(&mut self, min: usize, max: usize) -> Option<f64> {
        let start = self.at;
        while self.at - start < max && self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at - start < min {
            return None;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()?
            .parse()
            .ok()
    }
}

const MS_PER_DAY: f64 = 86_400_000.0;

/// JavaScript `Date.UTC(year, month, day, h, m, s, ms)` (years 0–99 mean 1900–1999, and
/// out-of-range months and days roll over, as in JavaScript).
fn make_time(
    year: f64,
    month: f64,
    day: f64,
    hour: f64,
    minute: f64,
    second: f64,
    millis: f64,
) -> f64 {
    let year = if (0.0..=99.0).contains(&year) {
        1900.0 + year
    } else {
        year
    };
    let whole_year = year + (month / 12.0).floor();
    let month_in_year = month.rem_euclid(12.0);
    // Both are small integers here (4-digit years, 2-digit months).
    #[allow(clippy::cast_possible_truncation)]
    let days = days_from_civil(whole_year as i64, month_in_year as i64 + 1, 1) as f64 + day - 1.0;
    days * MS_PER_DAY + hour * 3_600_000.0 + minute * 60_000.0 + second * 1000.0 + millis
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `(year, month 1–12, day)` of a day number since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
    weekday: i64,
}

fn split_time(millis: f64) -> Parts {
    // Timestamps from YAML are far inside the i64 range.
    #[allow(clippy::cast_possible_truncation)]
    let millis = millis as i64;
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millis: in_day % 1000,
        // 1970-01-01 was a Thursday (4).
        weekday: (days + 4).rem_euclid(7),
    }
}

/// `Date.prototype.toISOString` (what `JSON.stringify` writes for a Date).
pub(crate) fn iso_string(millis: f64) -> String {
    let parts = split_time(millis);
    let year = if (0..=9999).contains(&parts.year) {
        format!("{:04}", parts.year)
    } else if parts.year < 0 {
        format!("-{:06}", -parts.year)
    } else {
        format!("+{:06}", parts.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        parts.month, parts.day, parts.hour, parts.minute, parts.second, parts.millis
    )
}

/// `Date.prototype.toString` in UTC (what `String(date)` gives for a timestamp key when the
/// Serverless process runs with `TZ=UTC`, as the oracle does).
pub(crate) fn date_to_string(millis: f64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts = split_time(millis);
    let weekday = usize::try_from(parts.weekday)
        .ok()
        .and_then(|index| DAYS.get(index))
        .unwrap_or(&"Thu");
    let month = usize::try_from(parts.month - 1)
        .ok()
        .and_then(|index| MONTHS.get(index))
        .unwrap_or(&"Jan");
    let year = if parts.year < 0 {
        format!("-{:06}", -parts.year)
    } else {
        format!("{:04}", parts.year)
    };
    format!(
        "{weekday} {month} {:02} {year} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        parts.day, parts.hour, parts.minute, parts.second
    )
}

/// `!!binary`: base64 with line breaks allowed; `None` when js-yaml would reject it.
pub(crate) fn resolve_binary(text: &str) -> Option<Vec<u8>> {
    const MAP: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    let mut bit_length = 0usize;
    for byte in text.bytes() {
        if byte == b'\n' || byte == b'\r' {
            continue;
        }
        if !MAP.contains(&byte) {
            return None;
        }
        bit_length += 6;
    }
    if !bit_length.is_multiple_of(8) {
        return None;
    }
    let input: Vec<u32> = text
        .bytes()
        .filter(|byte| !matches!(byte, b'\n' | b'\r' | b'='))
        .filter_map(|byte| MAP.iter().position(|candidate| *candidate == byte))
        .filter_map(|index| u32::try_from(index).ok())
        .collect();
    let mut bits: u32 = 0;
    let mut result = Vec::with_capacity(input.len() * 3 / 4);
    // Truncating casts below keep the low byte, exactly as `& 0xFF` does in js-yaml.
    #[allow(clippy::cast_possible_truncation)]
    let byte = |value: u32| (value & 0xFF) as u8;
    for (index, value) in input.iter().enumerate() {
        if index % 4 == 0 && index > 0 {
            result.extend([byte(bits >> 16), byte(bits >> 8), byte(bits)]);
        }
        bits = (bits << 6) | value;
    }
    match (input.len() % 4) * 6 {
        // js-yaml pushes three bytes even for empty input.
        0 => result.extend([byte(bits >> 16), byte(bits >> 8), byte(bits)]),
        18 => result.extend([byte(bits >> 10), byte(bits >> 2)]),
        12 => result.push(byte(bits >> 4)),
        _ => {}
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_js_yaml_4() {
        assert_eq!(resolve_int("0777"), Some(777.0));
        assert_eq!(resolve_int("0o17"), Some(15.0));
        assert_eq!(resolve_int("0x1F"), Some(31.0));
        assert_eq!(resolve_int("-0x1F"), Some(-31.0));
        assert_eq!(resolve_int("0b101"), Some(5.0));
        assert_eq!(resolve_int("09"), Some(9.0));
        assert_eq!(resolve_int("+12"), Some(12.0));
        assert_eq!(resolve_int("-0").map(f64::is_sign_positive), Some(true));
        for text in [
            "0X1F", "1_000", "_1000", "1000_", "0x", "-", "+", "1.0", "0b2",
        ] {
            assert_eq!(resolve_int(text), None, "{text}");
        }
    }

    #[test]
    fn floats_follow_js_yaml_4() {
        assert_eq!(resolve_float("1e3"), Some(1000.0));
        assert_eq!(resolve_float("1E+3"), Some(1000.0));
        assert_eq!(resolve_float("5."), Some(5.0));
        assert_eq!(resolve_float(".5"), Some(0.5));
        assert_eq!(resolve_float("00.5"), Some(0.5));
        assert_eq!(resolve_float("-1.5e-3"), Some(-0.0015));
        assert_eq!(resolve_float("-.Inf"), Some(f64::NEG_INFINITY));
        assert!(resolve_float(".NaN").is_some_and(f64::is_nan));
        for text in [
            "-.5",
            "+.5",
            "inf",
            ".",
            "1_0.0_1",
            "1e",
            "e3",
            "1e999",
            "190:20:30",
        ] {
            assert_eq!(resolve_float(text), None, "{text}");
        }
    }

    #[test]
    fn timestamps_become_js_dates() {
        let iso = |text: &str| resolve_timestamp(text).map(iso_string);
        assert_eq!(
            iso("2001-12-14").as_deref(),
            Some("2001-12-14T00:00:00.000Z")
        );
        assert_eq!(
            iso("2001-12-14t21:59:43.10-05:00").as_deref(),
            Some("2001-12-15T02:59:43.100Z")
        );
        assert_eq!(
            iso("2001-12-14 21:59:43.10 -5").as_deref(),
            Some("2001-12-15T02:59:43.100Z")
        );
        assert_eq!(
            iso("2001-2-3T1:02:03Z").as_deref(),
            Some("2001-02-03T01:02:03.000Z")
        );
        assert_eq!(
            iso("0099-01-01").as_deref(),
            Some("1999-01-01T00:00:00.000Z")
        );
        assert_eq!(
            iso("2001-02-30").as_deref(),
            Some("2001-03-02T00:00:00.000Z")
        );
        assert_eq!(iso("2001-2-3"), None);
        assert_eq!(iso("2001-12-14T21:59"), None);
        assert_eq!(
            resolve_timestamp("2001-12-14")
                .map(date_to_string)
                .as_deref(),
            Some("Fri Dec 14 2001 00:00:00 GMT+0000 (Coordinated Universal Time)")
        );
    }

    #[test]
    fn binary_decodes_like_js_yaml() {
        assert_eq!(resolve_binary("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(resolve_binary("aGVs\nbG8="), Some(b"hello".to_vec()));
        assert_eq!(resolve_binary("aGVsbA=="), Some(b"hell".to_vec()));
        assert_eq!(resolve_binary("a*"), None);
    }
}
