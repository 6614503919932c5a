//! JavaScript's semantics for the few operations Serverless (and Ajv, js-yaml) apply to config
//! values: `Number(string)`, `String(number)`, white space and `trim`, truthiness, and which
//! object keys are array indices. The one place these live; the loader, the validator and the
//! JSON writer all call these.
//!
//! Checked against Node's own answers: `msk-compile/tests/data/js-table.json`, written by
//! `msk-compile/tests/data/js-table.js` (`node msk-compile/tests/data/js-table.js`), read by the
//! test at the end of this file.

use crate::tree::Value;

/// `String(number)` (`Number.prototype.toString()`): `1e+21`, `1e-7`, `0.000001`, `-0` → `0`,
/// `NaN`, `Infinity`, `-Infinity`.
pub fn number_to_string(number: f64) -> String {
    if number == 0.0 {
        return "0".to_owned();
    }
    // ryu-js implements ECMAScript's Number::toString, non-finite values included.
    ryu_js::Buffer::new().format(number).to_owned()
}

/// JavaScript's WhiteSpace and LineTerminator (what `trim` and `Number(string)` skip): Rust's
/// `char::is_whitespace` but U+0085 (which JavaScript does not count), plus U+FEFF.
pub fn is_whitespace(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{FEFF}'
}

/// `String.prototype.trim`.
pub fn trim(text: &str) -> &str {
    text.trim_matches(is_whitespace)
}

/// `Number(string)`: `NaN` when the text is not a number (`""` and white space are `0`).
pub fn string_to_number(text: &str) -> f64 {
    let text = trim(text);
    if text.is_empty() {
        return 0.0;
    }
    match text {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    // StrNonDecimalIntegerLiteral: no sign, at least one digit (`0x+1F`, `-0x10` are NaN).
    for (prefixes, radix) in [(["0x", "0X"], 16), (["0o", "0O"], 8), (["0b", "0B"], 2)] {
        for prefix in prefixes {
            if let Some(rest) = text.strip_prefix(prefix) {
                return radix_to_number(rest, radix).unwrap_or(f64::NAN);
            }
        }
    }
    // StrDecimalLiteral: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes[0], b'+' | b'-'));
    let integer = at;
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        at += 1;
    }
    let mut has_digits = at > integer;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let fraction = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        has_digits |= at > fraction;
    }
    if !has_digits {
        return f64::NAN;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at == exponent {
            return f64::NAN;
        }
    }
    if at != bytes.len() {
        return f64::NAN;
    }
    // Rust's float grammar accepts every StrDecimalLiteral form ("1.", ".5" included) and
    // rounds correctly, as JavaScript does.
    text.parse().unwrap_or(f64::NAN)
}

/// Unsigned digits in `radix` (no sign, no prefix, at least one digit) as JavaScript reads
/// `0x…`/`0o…`/`0b…` literals: `None` for any other character.
pub fn radix_to_number(digits: &str, radix: u32) -> Option<f64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(value) = u128::from_str_radix(digits, radix) {
        // u128 → f64 rounds to nearest, which is what V8 gives for these radixes.
        #[allow(clippy::cast_precision_loss)]
        return Some(value as f64);
    }
    let mut value = 0.0_f64;
    for c in digits.chars() {
        value = value * f64::from(radix) + f64::from(c.to_digit(radix)?);
    }
    Some(value)
}

/// Truthiness (`if (value)`): everything but `null`, `false`, `0`, `NaN` and `""`.
pub fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => *number != 0.0 && !number.is_nan(),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// The sort key that puts an object's keys in JavaScript's order when sorted stably:
/// array-index keys first, ascending, then every other key in insertion order.
pub fn key_rank(key: &str) -> u64 {
    if is_array_index(key) {
        key.parse::<u64>().unwrap_or(u64::MAX)
    } else {
        u64::MAX
    }
}

/// Whether `key` is an array index (`0` … `4294967294` in canonical form). JavaScript objects
/// list such keys first, in ascending order, whatever order they were added in.
pub fn is_array_index(key: &str) -> bool {
    if key.is_empty() || key.len() > 10 || !key.bytes().all(|byte| byte.is_ascii_digit()) {
        return false;
    }
    if key.len() > 1 && key.starts_with('0') {
        return false;
    }
    key.parse::<u64>().is_ok_and(|value| value < 4_294_967_295)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Node's answers, one row per input (see `tests/data/js-table.js`).
    #[derive(serde::Deserialize)]
    struct Row {
        /// The input string.
        text: String,
        /// `String(Number(text))`, so that NaN and ±Infinity fit in JSON.
        number: String,
        /// `text.trim()`.
        trim: String,
        /// `Boolean(text)`, and `Boolean(Number(text))`.
        truthy: bool,
        number_truthy: bool,
        /// Whether `text` is listed first, as an array index, by `Object.keys`.
        array_index: bool,
    }

    #[test]
    fn agrees_with_node_on_the_table() {
        let rows: Vec<Row> =
            serde_json::from_str(include_str!("../tests/data/js-table.json")).expect("table");
        assert!(rows.len() > 100);
        for row in &rows {
            let text = row.text.as_str();
            let number = string_to_number(text);
            assert_eq!(number_to_string(number), row.number, "Number({text:?})");
            assert_eq!(trim(text), row.trim, "{text:?}.trim()");
            assert_eq!(
                is_truthy(&Value::String(row.text.clone())),
                row.truthy,
                "Boolean({text:?})"
            );
            assert_eq!(
                is_truthy(&Value::Number(number)),
                row.number_truthy,
                "Boolean(Number({text:?}))"
            );
            assert_eq!(is_array_index(text), row.array_index, "index {text:?}");
        }
    }
}
