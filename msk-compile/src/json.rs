//! JSON text exactly as JavaScript's `JSON.stringify` writes it, and the conversion of
//! config nodes into `serde_json` values.
//!
//! Serverless writes templates with `JSON.stringify(value, null, 2)` and filter patterns
//! with `JSON.stringify(pattern)`. The visible differences from serde_json's defaults are
//! number forms (`1.0` → `1`, `1e3` → `1000`, `1e21` → `1e+21`), which we get from `ryu-js`,
//! and non-finite numbers, which JavaScript writes as `null`.
//!
//! Three ways to write, each kept for a reason:
//! * [`stringify_compact`] / [`stringify_pretty`]: any `Serialize` value through serde_json
//!   with JavaScript's number forms. The general path: templates, statements, tests.
//! * [`write_node`]: a config [`Node`] straight to compact text. The compiler writes every
//!   resource this way; going through a `serde_json::Value` first was three times the work.
//! * [`write_pretty_from_compact`]: compact text re-indented into the pretty form. The CLI's
//!   output for tens of thousands of resources; parsing and re-serializing them was about
//!   four times the instructions.
//!
//! Compact text is read back into a value with serde_json (`float_roundtrip`, so every number
//! comes back exactly): `output::Resource::to_json`.

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

/// The JSON object `{key: value, …}` of `entries`, in order. Values are moved in: the
/// `json!` macro copies every non-literal value through serialization, which on the compiler's
/// hot path cost as much as building the value.
pub fn object<const N: usize>(entries: [(&str, serde_json::Value); N]) -> serde_json::Value {
    let mut map = serde_json::Map::with_capacity(N);
    for (key, value) in entries {
        map.insert(key.to_owned(), value);
    }
    serde_json::Value::Object(map)
}

/// A JavaScript number as a JSON value: integral values within the safe range are stored as
/// integers (so they print without a fraction even through other formatters).
pub fn number_to_json(number: f64) -> serde_json::Value {
    if let Some(integer) = safe_integer(number) {
        return serde_json::Value::from(integer);
    }
    serde_json::Number::from_f64(number).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The number as an integer when it is integral and within ±(2^53 − 1), where the conversion
/// is exact (`-0` gives `0`, as JavaScript prints it).
fn safe_integer(number: f64) -> Option<i64> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    // Exact: the value is integral and within 2^53.
    #[allow(clippy::cast_possible_truncation)]
    (number.fract() == 0.0 && number.abs() <= SAFE).then_some(number as i64)
}

/// `JSON.stringify(value)`: compact.
pub fn stringify_compact<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, CompactFormatter)
}

/// `JSON.stringify(value, null, 2)`: two-space indentation. Takes any serializable value,
/// so that big outputs (a [`crate::Compiled`]) are written without first being copied into
/// a `serde_json::Value`.
pub fn stringify_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, PrettyFormatter::with_indent(b"  "))
}

fn write_with<T: Serialize + ?Sized, F: Formatter>(value: &T, formatter: F) -> String {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, JsNumbers(formatter));
    // Serializing a `serde_json::Value` (or a `Compiled`, which holds them) into memory
    // cannot fail: keys are strings and there are no I/O errors on a Vec.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `JSON.stringify(text)`: the string quoted, with the escapes JavaScript (and
/// serde_json) write: `\"`, `\\`, `\b` `\f` `\n` `\r` `\t`, other control characters as
/// `\u00xx`; everything else, non-ASCII included, as is.
pub fn write_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let bytes = text.as_bytes();
    // Most strings need no escape; this test has no early exit, so it runs over whole
    // chunks of bytes at a time.
    let needs_escape = |byte: &u8| *byte < 0x20 || *byte == b'"' || *byte == b'\\';
    if !bytes.chunks(32).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, byte| found | needs_escape(byte))
    }) {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut copied = 0;
    for (at, byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so these slice bounds are character boundaries.
        out.push_str(&text[copied..at]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    out.push('"');
}

/// Appends `JSON.stringify(number)`: JavaScript's number form, `null` for NaN and ±∞.
pub fn write_number(out: &mut String, number: f64) {
    if let Some(integer) = safe_integer(number) {
        let mut buffer = itoa::Buffer::new();
        out.push_str(buffer.format(integer));
    } else if number.is_finite() {
        let mut buffer = ryu_js::Buffer::new();
        out.push_str(buffer.format_finite(number));
    } else {
        out.push_str("null");
    }
}

/// Appends `JSON.stringify(node)` (compact), reading the config tree directly: what
/// `stringify_compact(&to_json(node))` gives, without building the value.
pub fn write_node(out: &mut String, node: &Node) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => write_number(out, *number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_node(out, item);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (index, entry) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(out, &entry.key);
                out.push(':');
                write_node(out, &entry.value);
            }
            out.push('}');
        }
    }
}

/// Appends compact JSON text (no white space outside strings, as [`stringify_compact`] and
/// [`write_node`] write it) in the form `JSON.stringify(value, null, 2)` gives when the
/// value sits `depth` levels deep: a line per member, two spaces per level, `{}` and `[]`
/// kept inline. Strings are copied as they are, escapes included.
///
/// This is how the CLI writes tens of thousands of resources: re-indenting their text is a
/// copy, where serializing them again meant parsing, unescaping and escaping every string.
pub fn write_pretty_from_compact(out: &mut String, compact: &str, depth: usize) {
    let bytes = compact.as_bytes();
    out.reserve(bytes.len() * 2);
    let mut depth = depth;
    let mut copied = 0;
    let mut at = 0;
    let newline = |out: &mut String, depth: usize| {
        // A newline and the indentation in one copy for the usual depths.
        const LINE: &str = concat!(
            "\n",
            "                                ",
            "                                "
        );
        match LINE.get(..1 + 2 * depth) {
            Some(line) => out.push_str(line),
            None => {
                out.push('\n');
                for _ in 0..depth {
                    out.push_str("  ");
                }
            }
        }
    };
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                // Skip to the closing quote; a backslash always takes the next byte with it.
                at += 1;
                loop {
                    let rest = bytes.get(at..).unwrap_or_default();
                    let Some(found) = memchr::memchr2(b'"', b'\\', rest) else {
                        at = bytes.len();
                        break;
                    };
                    at += found;
                    if bytes[at] == b'"' {
                        break;
                    }
                    at += 2;
                }
                at += 1;
                continue;
            }
            open @ (b'{' | b'[') => {
                out.push_str(&compact[copied..=at]);
                let close = if open == b'{' { b'}' } else { b']' };
                if bytes.get(at + 1) == Some(&close) {
                    out.push(char::from(close));
                    at += 1;
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            b'}' | b']' => {
                out.push_str(&compact[copied..at]);
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(char::from(bytes[at]));
            }
            b',' => {
                out.push_str(&compact[copied..=at]);
                newline(out, depth);
            }
            b':' => {
                out.push_str(&compact[copied..=at]);
                out.push(' ');
            }
            _ => {
                at += 1;
                continue;
            }
        }
        at += 1;
        copied = at;
    }
    out.push_str(compact.get(copied..).unwrap_or(""));
}

/// Wraps a formatter and writes floats the way JavaScript does.
struct JsNumbers<F>(F);

impl<F: Formatter> Formatter for JsNumbers<F> {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(crate::js::number_to_string(value).as_bytes())
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

    fn sample() -> serde_json::Value {
        serde_json::json!({
            "numbers": [1, -2, 2.5, 1e21, 1e20, -0.0, 0.1, 5e-324, 9007199254740993.0],
            "string": "naïve ☃ \"q\" \\ \u{1f}\u{8}\u{c}\t\r\n/ 😀 {a:[1,2]}",
            "empty": {}, "none": [], "null": null, "yes": true, "no": false,
            "nested": {"x": [{"y": [[], {}, [1, [2]], "]},{["]}]},
            "": ""
        })
    }

    #[test]
    fn compact_text_reindents_as_the_pretty_printer_writes() {
        let value = sample();
        let mut out = String::new();
        write_pretty_from_compact(&mut out, &stringify_compact(&value), 0);
        assert_eq!(out, stringify_pretty(&value));
        // One level down: the pretty form of `{"k": value}` with the outer lines cut off.
        let wrapped = stringify_pretty(&serde_json::json!({ "k": value }));
        let mut inner = String::new();
        write_pretty_from_compact(&mut inner, &stringify_compact(&value), 1);
        assert_eq!(format!("{{\n  \"k\": {inner}\n}}"), wrapped);
        for scalar in ["1", "\"a,b:{c}\"", "null", "[]", "{}"] {
            let mut out = String::new();
            write_pretty_from_compact(&mut out, scalar, 3);
            assert_eq!(out, scalar);
        }
    }

    #[test]
    fn nodes_write_as_their_json_values_do() {
        use crate::tree::{Entry, Span};
        let node = |value| Node::new(value, Span::default());
        let tree = node(Value::Object(vec![
            Entry {
                key: "a\"\u{7}".to_owned(),
                key_span: Span::default(),
                value: node(Value::Array(vec![
                    node(Value::Number(1.0)),
                    node(Value::Number(-0.0)),
                    node(Value::Number(2.5)),
                    node(Value::Number(1e21)),
                    node(Value::Number(1e20)),
                    node(Value::Number(f64::NAN)),
                    node(Value::Number(f64::NEG_INFINITY)),
                    node(Value::Number(9_007_199_254_740_993.0)),
                    node(Value::Number(-123_456_789.0)),
                ])),
            },
            Entry {
                key: "b".to_owned(),
                key_span: Span::default(),
                value: node(Value::Array(vec![
                    node(Value::Null),
                    node(Value::Bool(true)),
                    node(Value::Bool(false)),
                    node(Value::String(
                        "naïve \u{1f}\u{8}\u{c}\t\r\n\\/ 😀".to_owned(),
                    )),
                    node(Value::Object(Vec::new())),
                    node(Value::Array(Vec::new())),
                ])),
            },
        ]));
        let mut out = String::new();
        write_node(&mut out, &tree);
        assert_eq!(out, stringify_compact(&to_json(&tree)));
        assert_eq!(
            out,
            r#"{"a\"\u0007":[1,0,2.5,1e+21,100000000000000000000,null,null,9007199254740992,-123456789],"b":[null,true,false,"naïve \u001f\b\f\t\r\n\\/ 😀",{},[]]}"#
        );
        // Text in this form reads back (serde_json, `float_roundtrip`) as a value that writes
        // the same text, compact or pretty (integral numbers beyond 2^53 come back as
        // integers rather than floats, which print the same).
        let read: serde_json::Value = serde_json::from_str(&out).expect("our own text");
        assert_eq!(stringify_compact(&read), out);
        let mut pretty = String::new();
        write_pretty_from_compact(&mut pretty, &out, 0);
        assert_eq!(stringify_pretty(&read), pretty);
        for number in [
            0.1,
            5e-324,
            1.797_693_134_862_315_7e308,
            2.225_073_858_507_201e-308,
        ] {
            let mut text = String::new();
            write_number(&mut text, number);
            let read: serde_json::Value = serde_json::from_str(&text).expect("a number");
            assert_eq!(read.as_f64(), Some(number), "{text}");
        }
    }
}
