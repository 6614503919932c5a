//! `serverless.json` → [`Node`] tree with spans, with the semantics of `JSON.parse` (which is
//! what Serverless' `json-cycle` parse calls).
//!
//! Contract:
//! * Strict JSON (no comments, no trailing commas, no leading BOM — `JSON.parse` rejects it).
//! * A repeated key keeps the position of its first occurrence and the value of its last.
//! * Keys are ordered as in a JavaScript object (array-index keys first).
//! * Numbers are doubles; `1e400` is Infinity, which Serverless' `JSON.stringify` round trip
//!   turns into `null`, as here; `-0` becomes `0`.
//! * Nesting deeper than [`MAX_JSON_DEPTH`] is refused (recursion here is bounded by it).
//! * Not reproduced: json-cycle's `{"$ref": "$[…]"}` back-references, and lone UTF-16
//!   surrogates in `\u` escapes (they become U+FFFD, a Rust string cannot hold them).

use super::object::ObjectBuilder;
use super::scalar::number_value;
use crate::diag::{Code, Diagnostic};
use crate::tree::{Node, Span, Value};

/// Deepest nesting accepted in a JSON config.
pub(crate) const MAX_JSON_DEPTH: usize = 512;

pub(crate) fn parse_json(source: &str) -> Result<Node, Vec<Diagnostic>> {
    match parse_json_value(source) {
        Ok(root) if matches!(root.value, Value::Object(_)) => Ok(root),
        Ok(root) => Err(vec![
            Diagnostic::error(
                Code::ConfigNotAnObject,
                "the configuration must be a JSON object (Serverless: \"Plain object expected\")",
            )
            .at(root.span),
        ]),
        Err(diagnostics) => Err(diagnostics),
    }
}

/// A JSON document whose root may be any value (an included file).
pub(crate) fn parse_json_value(source: &str) -> Result<Node, Vec<Diagnostic>> {
    let mut parser = JsonParser {
        source,
        bytes: source.as_bytes(),
        at: 0,
    };
    parser.document().map_err(|diagnostic| vec![*diagnostic])
}

type Fail = Box<Diagnostic>;

struct JsonParser<'s> {
    source: &'s str,
    bytes: &'s [u8],
    at: usize,
}

impl JsonParser<'_> {
    fn document(&mut self) -> Result<Node, Fail> {
        self.whitespace();
        let root = self.value(0)?;
        self.whitespace();
        if self.at < self.bytes.len() {
            return Err(self.unexpected("Unexpected non-whitespace character after JSON"));
        }
        Ok(root)
    }

    fn whitespace(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn unexpected(&self, what: &str) -> Fail {
        match self
            .source
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
        {
            None => Box::new(
                Diagnostic::error(Code::JsonSyntax, "Unexpected end of JSON input")
                    .at(Span::new(self.source.len(), self.source.len())),
            ),
            Some(c) => Box::new(
                Diagnostic::error(
                    Code::JsonSyntax,
                    format!("{what}: unexpected token '{c}' at position {}", self.at),
                )
                .at(Span::new(self.at, self.at + c.len_utf8())),
            ),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Fail> {
        if depth >= MAX_JSON_DEPTH {
            return Err(Box::new(
                Diagnostic::error(
                    Code::JsonSyntax,
                    format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"),
                )
                .at(Span::new(self.at, self.at + 1)),
            ));
        }
        let start = self.at;
        match self.bytes.get(self.at) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let text = self.string()?;
                Ok(Node::new(Value::String(text), Span::new(start, self.at)))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                for (word, value) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self
                        .source
                        .get(self.at..)
                        .is_some_and(|rest| rest.starts_with(word))
                    {
                        self.at += word.len();
                        return Ok(Node::new(value, Span::new(start, self.at)));
                    }
                }
                Err(self.unexpected("Unexpected token"))
            }
            None => Err(self.unexpected("Unexpected end of JSON input")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, Fail> {
        let start = self.at;
        self.at += 1;
        let mut object = ObjectBuilder::new();
        self.whitespace();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Node::new(
                Value::Object(Vec::new()),
                Span::new(start, self.at),
            ));
        }
        loop {
            self.whitespace();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.unexpected("Expected property name"));
            }
            let key_start = self.at;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.at);
            self.whitespace();
            if self.bytes.get(self.at) != Some(&b':') {
                return Err(self.unexpected("Expected ':' after property name"));
            }
            self.at += 1;
            self.whitespace();
            let value = self.value(depth + 1)?;
            object.insert_json(key, key_span, value);
            self.whitespace();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Node::new(
                        Value::Object(object.finish()),
                        Span::new(start, self.at),
                    ));
                }
                _ => return Err(self.unexpected("Expected ',' or '}' after property value")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, Fail> {
        let start = self.at;
        self.at += 1;
        let mut items = Vec::new();
        self.whitespace();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Node::new(Value::Array(items), Span::new(start, self.at)));
        }
        loop {
            self.whitespace();
            items.push(self.value(depth + 1)?);
            self.whitespace();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Node::new(Value::Array(items), Span::new(start, self.at)));
                }
                _ => return Err(self.unexpected("Expected ',' or ']' after array element")),
            }
        }
    }

    /// A string starting at the opening quote; leaves `at` after the closing quote.
    fn string(&mut self) -> Result<String, Fail> {
        self.at += 1;
        let mut text = String::new();
        let mut pending_high: Option<u16> = None;
        loop {
            let run_start = self.at;
            while let Some(&byte) = self.bytes.get(self.at) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.at += 1;
            }
            if self.at > run_start {
                flush_surrogate(&mut text, &mut pending_high);
                text.push_str(self.source.get(run_start..self.at).unwrap_or(""));
            }
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    flush_surrogate(&mut text, &mut pending_high);
                    return Ok(text);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = match self.bytes.get(self.at) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let unit = self
                                .source
                                .get(self.at + 1..self.at + 5)
                                .filter(|hex| hex.bytes().all(|byte| byte.is_ascii_hexdigit()))
                                .and_then(|hex| u16::from_str_radix(hex, 16).ok());
                            let Some(unit) = unit else {
                                self.at += 1;
                                return Err(self.unexpected("Bad Unicode escape in JSON"));
                            };
                            self.at += 5;
                            push_utf16(&mut text, &mut pending_high, unit);
                            continue;
                        }
                        _ => return Err(self.unexpected("Bad escaped character in JSON")),
                    };
                    self.at += 1;
                    flush_surrogate(&mut text, &mut pending_high);
                    text.push(escaped);
                }
                Some(_) => {
                    return Err(self.unexpected("Bad control character in string literal in JSON"));
                }
                None => return Err(self.unexpected("Unterminated string in JSON")),
            }
        }
    }

    fn number(&mut self) -> Result<Node, Fail> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("No number after minus sign in JSON")),
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("Unterminated fractional number in JSON"));
            }
            self.digits();
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("Exponent part is missing a number in JSON"));
            }
            self.digits();
        }
        let number: f64 = self
            .source
            .get(start..self.at)
            .and_then(|text| text.parse().ok())
            .unwrap_or(f64::NAN);
        Ok(Node::new(number_value(number), Span::new(start, self.at)))
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }
}

fn push_utf16(text: &mut String, pending_high: &mut Option<u16>, unit: u16) {
    match (*pending_high, unit) {
        (Some(high), 0xDC00..=0xDFFF) => {
            *pending_high = None;
            let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
            text.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        }
        (_, 0xD800..=0xDBFF) => {
            flush_surrogate(text, pending_high);
            *pending_high = Some(unit);
        }
        _ => {
            flush_surrogate(text, pending_high);
            text.push(char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'));
        }
    }
}

fn flush_surrogate(text: &mut String, pending_high: &mut Option<u16>) {
    if pending_high.take().is_some() {
        text.push('\u{FFFD}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans_and_js_semantics() {
        let source =
            r#"{"b": 1, "a": [true, null, "x\u00e9\ud83d\ude00"], "b": 2, "1": -0, "big": 1e400}"#;
        let root = parse_json(source).expect("valid");
        let Value::Object(entries) = &root.value else {
            panic!("object")
        };
        let keys: Vec<&str> = entries.iter().map(|entry| entry.key.as_str()).collect();
        assert_eq!(keys, ["1", "b", "a", "big"]);
        assert_eq!(entries[1].value.value, Value::Number(2.0));
        assert_eq!(
            &source[entries[1].key_span.start..entries[1].key_span.end],
            r#""b""#
        );
        assert_eq!(entries[0].value.value, Value::Number(0.0));
        assert!(
            entries[0].value.value == Value::Number(0.0)
                && matches!(entries[0].value.value, Value::Number(n) if n.is_sign_positive())
        );
        assert_eq!(entries[3].value.value, Value::Null);
        let Value::Array(items) = &entries[2].value.value else {
            panic!("array")
        };
        assert_eq!(items[2].value, Value::String("xé😀".into()));
        assert_eq!(&source[items[0].span.start..items[0].span.end], "true");
    }

    #[test]
    fn rejects_what_json_parse_rejects() {
        for source in [
            "{",
            "{\"a\": 1,}",
            "{'a': 1}",
            "{\"a\": 01}",
            "{\"a\": .5}",
            "\u{feff}{}",
            "{} x",
            "{\"a\": \"\t\"}",
            "",
        ] {
            let errors = parse_json(source).expect_err(source);
            assert_eq!(errors[0].code, Code::JsonSyntax, "{source}");
        }
        assert_eq!(
            parse_json("[1]").expect_err("array")[0].code,
            Code::ConfigNotAnObject
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let source = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse_json(&source).expect_err("deep")[0].code,
            Code::JsonSyntax
        );
    }
}
