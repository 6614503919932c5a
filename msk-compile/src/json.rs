//! JSON text exactly as JavaScript's `JSON.stringify` writes it, and the conversion of
//! config nodes into `serde_json` values.
//!
//! Serverless writes templates with `JSON.stringify(value, null, 2)` and filter patterns
//! with `JSON.stringify(pattern)`. The visible differences from serde_json's defaults are
//! number forms (`1.0` → `1`, `1e3` → `1000`, `1e21` → `1e+21`), which we get from `ryu-js`,
//! and non-finite numbers, which JavaScript writes as `null`.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::tree::{Node, Value};

/// Converts a config node into a JSON value (spans are dropped; NaN and ±∞ become `null`).
pub fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(flag) => serde_json::Value::Bool(*flag),
        Value::Number(number) => number_to_json(*number),
        Value::String(text) => serde_json::Value::String(text.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Object(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|entry| (entry.key.clone(), to_json(&entry.value)))
                .collect(),
        ),
    }
}

/// A JavaScript number as a JSON value: integral values within the safe range are stored as
/// integers (so they print without a fraction even through other formatters).
pub fn number_to_json(number: f64) -> serde_json::Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if number.fract() == 0.0 && number.abs() <= SAFE {
        // Exact: the value is integral and within 2^53.
        #[allow(clippy::cast_possible_truncation)]
        let integer = number as i64;
        return serde_json::Value::from(integer);
    }
    serde_json::Number::from_f64(number).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// `JSON.stringify(value)`: compact.
pub fn stringify_compact(value: &serde_json::Value) -> String {
    write_with(value, CompactFormatter)
}

/// `JSON.stringify(value, null, 2)`: two-space indentation.
pub fn stringify_pretty(value: &serde_json::Value) -> String {
    write_with(value, PrettyFormatter::with_indent(b"  "))
}

/// JavaScript's `String(number)`, used where Ajv coerces numbers to strings.
pub fn js_number_string(number: f64) -> String {
    if number.is_nan() {
        return "NaN".to_owned();
    }
    if number.is_infinite() {
        return if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_owned();
    }
    let mut buffer = ryu_js::Buffer::new();
    buffer.format(number).to_owned()
}

fn write_with<F: Formatter>(value: &serde_json::Value, formatter: F) -> String {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, JsNumbers(formatter));
    // Serializing a `serde_json::Value` into memory cannot fail: keys are strings and
    // there are no I/O errors on a Vec.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Wraps a formatter and writes floats the way JavaScript does.
struct JsNumbers<F>(F);

impl<F: Formatter> Formatter for JsNumbers<F> {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(js_number_string(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings are what Node 20 prints for `JSON.stringify` / `String(n)`.
    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(js_number_string(1.0), "1");
        assert_eq!(js_number_string(1000.0), "1000");
        assert_eq!(js_number_string(0.5), "0.5");
        assert_eq!(js_number_string(1e21), "1e+21");
        assert_eq!(js_number_string(-0.0), "0");
        assert_eq!(
            stringify_compact(&serde_json::json!({"a": [1.0, 2.5, 1e3]})),
            r#"{"a":[1,2.5,1000]}"#
        );
    }

    #[test]
    fn pretty_output_uses_two_spaces_and_empty_containers_stay_inline() {
        let value = serde_json::json!({"a": [], "b": {}, "c": [1]});
        assert_eq!(
            stringify_pretty(&value),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1\n  ]\n}"
        );
    }

    #[test]
    fn strings_escape_like_javascript() {
        let value = serde_json::json!("naïve ☃ \"q\" \\ \u{1f}\n/");
        assert_eq!(
            stringify_compact(&value),
            "\"naïve ☃ \\\"q\\\" \\\\ \\u001f\\n/\""
        );
    }
}
