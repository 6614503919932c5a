//! The loaded config: a JSON-like value tree in which every node and every mapping key
//! carries the byte span it came from, so any diagnostic can point at `file:line:column`.
//!
//! Numbers are `f64`, as they are in JavaScript (Serverless' runtime): YAML `1.0` and `1`
//! are the same value and print the same way.

/// A byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span moved `base` bytes on: a file's spans placed after the config's text (see
    /// `diag::SourceText::base`).
    pub const fn shifted(self, base: usize) -> Self {
        Span::new(self.start + base, self.end + base)
    }
}

/// A value with the span of the text that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// One `key: value` entry of a mapping, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// The value of a node. Mappings keep their keys in source order (JavaScript object order
/// for string keys, which is what Serverless' output follows).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Entry>),
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The entry for `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(entries) => entries.iter().find(|entry| entry.key == key),
            _ => None,
        }
    }

    /// The value for `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// Mutable access to the value for `key` when this node is a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Object(entries) => entries
                .iter_mut()
                .find(|entry| entry.key == key)
                .map(|entry| &mut entry.value),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn pointer(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Follows a dotted path (`functions.f.events.0.msk.arn`, `provisionedPollers.min`):
    /// mapping keys and list indices.
    // Inlined: the model's rules look up two paths per rule for every event.
    #[inline]
    pub fn at_dotted(&self, path: &str) -> Option<&Node> {
        self.at_keys(path.split('.'))
    }

    /// Follows mapping keys and list indices.
    #[inline]
    pub fn at_keys<'k>(&self, keys: impl IntoIterator<Item = &'k str>) -> Option<&Node> {
        keys.into_iter()
            .try_fold(self, |node, key| match &node.value {
                Value::Object(_) => node.get(key),
                Value::Array(items) => items.get(key.parse::<usize>().ok()?),
                _ => None,
            })
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The number of nodes and the bytes of keys and strings in this tree, without recursion,
    /// counted up to just past the limits (so a huge value costs no more than the budget left;
    /// pass `usize::MAX` for an exact count). Alias and variable budgets use it.
    pub fn size_within(&self, max_nodes: usize, max_bytes: usize) -> (usize, usize) {
        let (mut nodes, mut bytes) = (0_usize, 0_usize);
        let mut pending = vec![self];
        while let Some(node) = pending.pop() {
            if nodes > max_nodes || bytes > max_bytes {
                break;
            }
            nodes += 1;
            match &node.value {
                Value::String(text) => bytes += text.len(),
                Value::Array(items) => pending.extend(items),
                Value::Object(entries) => {
                    for entry in entries {
                        bytes += entry.key.len();
                        pending.push(&entry.value);
                    }
                }
                _ => {}
            }
        }
        (nodes, bytes)
    }

    /// The type name with its article, for messages (`an object`, `a string`).
    pub fn type_with_article(&self) -> String {
        with_article(self.type_name())
    }

    /// The JavaScript `typeof`-style name used in messages (`array` for arrays).
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// `a`/`an` + a type name (`an array`, `a number`).
pub fn with_article(name: &str) -> String {
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// Converts byte offsets into 1-based line and column numbers (columns count characters).
///
/// Each query costs the same whatever the length of its line: the characters before every
/// [`CHAR_BLOCK`]-byte block of the text are counted once, so a column is a lookup plus a
/// count within one block. (Counting from the start of the line each time made 20 000
/// diagnostics on one minified line quadratic.)
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Characters before byte `CHAR_BLOCK * i`.
    chars_before_block: Vec<usize>,
}

/// Bytes per block of [`LineIndex`]'s character counts.
const CHAR_BLOCK: usize = 4096;

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|at| at + 1));
        let mut chars_before_block = Vec::with_capacity(source.len() / CHAR_BLOCK + 1);
        let mut chars = 0;
        chars_before_block.push(0);
        for block in source.as_bytes().chunks(CHAR_BLOCK) {
            chars += count_chars(block);
            chars_before_block.push(chars);
        }
        LineIndex {
            line_starts,
            chars_before_block,
        }
    }

    /// `(line, column)` of byte `offset`, both starting at 1.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.line(offset);
        let start = self.line_starts[line];
        let column = if source.is_char_boundary(offset) {
            self.chars_before(source, offset) - self.chars_before(source, start)
        } else {
            offset - start
        };
        (line + 1, column + 1)
    }

    /// The 0-based line that byte `offset` is on.
    pub fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= offset) - 1
    }

    /// Where 0-based `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, source: &str, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        self.chars_before_block[block] + count_chars(&source.as_bytes()[block * CHAR_BLOCK..offset])
    }
}

/// The characters that start in `bytes` (UTF-8: every byte but continuation bytes).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| (**byte & 0xc0) != 0x80).count()
}
