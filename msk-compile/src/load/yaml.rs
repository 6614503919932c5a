//! `serverless.yml` → [`Node`] tree, with the semantics of js-yaml 4 + Serverless'
//! CloudFormation schema and a byte span on every node and key.
//!
//! Contract:
//! * Events come from `granit-parser` (the YAML 1.2 parser under serde-saphyr, used directly
//!   so that every scalar's raw text, style, tag and position is visible); the tree is built
//!   here with an explicit stack, so deep input cannot overflow the Rust stack.
//! * Scalars resolve as js-yaml's default schema does ([`super::scalar`]); tags as in
//!   [`super::tags`]; keys are JavaScript `String(key)`; mappings are JavaScript objects
//!   ([`super::object`]); the result is what `JSON.parse(JSON.stringify(…))` of js-yaml's
//!   result gives, since Serverless does that right after loading.
//! * Merge keys (`<<: *a`, `<<: [*a, *b]`) follow js-yaml: merged keys are added where the
//!   `<<` stands unless already present; an explicit key later in the mapping replaces a merged
//!   one in place (oracle: `{x: 0, <<: *base, b: 20}` → `{"x":0,"a":1,"b":20,"c":3}`).
//! * js-yaml's limits are reproduced, because Serverless fails on the same files:
//!   `maxDepth` 100 (oracle: a flow mapping nested 97 deep under `custom.d` loads, 98 fails
//!   with "nesting exceeded maxDepth (100)"; a plain scalar on its own line counts one more,
//!   because js-yaml first tries to read it as a mapping key; re-measured when 98 was
//!   expected to load: block mappings under `custom:` load 97 deep and fail 98 deep, in
//!   `sls-package` and in its js-yaml 4.3.2 under node alike, so the limit stays Serverless'),
//!   10 000 merged keys, 100 merge
//!   sources. Our own limit: aliases may not expand to more than [`MAX_ALIAS_NODES`] nodes or
//!   [`MAX_ALIAS_BYTES`] bytes of text (billion laughs), since the tree is not shared.
//! * Errors stop the load (js-yaml stops at the first one); the diagnostic carries the span of
//!   the offending text. When a text has two errors, js-yaml may name the other one first.
//!
//! Checked by differential runs: 5000 random documents (nested block/flow collections, anchors,
//! aliases, merges, tags, odd scalars, repeated keys) loaded by the oracle's own js-yaml with
//! Serverless' `parse.js` logic and by this module gave the same JSON or both failed, with one
//! exception, kept as a known difference: js-yaml lets a nested block sequence whose last item
//! is empty (`- -`) take the next item of the enclosing sequence; we follow YAML 1.2.

use std::collections::{HashMap, HashSet};

use granit_parser::{
    ErrorKind, Event, Parser, ScalarStyle, ScanError, StrInput, StructureStyle, Tag,
};

use super::object::ObjectBuilder;
use super::scalar::{self, Scalar};
use super::tags::{self, TagKind};
use crate::diag::{Code, Diagnostic};
use crate::dialect::YamlSchema;
use crate::tree::{Entry, LineIndex, Node, Span, Value};

/// js-yaml's `maxDepth` default.
const MAX_DEPTH: usize = 100;
/// js-yaml's `maxTotalMergeKeys` default.
const MAX_MERGE_WORK: usize = 10_000;
/// js-yaml's limit on `<<: [*a, *b, …]`.
const MAX_MERGE_SOURCES: usize = 100;
/// Most nodes that alias expansion may create.
pub const MAX_ALIAS_NODES: usize = 1_000_000;
/// Most bytes of string data that alias expansion may copy.
pub const MAX_ALIAS_BYTES: usize = 64 << 20;

pub(crate) fn parse_yaml(source: &str, schema: YamlSchema) -> Result<Node, Vec<Diagnostic>> {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = Parser::new_from_str_with_options(source, options);
    Builder::new(source, schema)
        .run(&mut parser)
        .map_err(|diagnostic| vec![*diagnostic])
}

/// A YAML document whose root may be anything (an included file: a list, a scalar, or no
/// content, which is `null`).
pub(crate) fn parse_yaml_value(source: &str, schema: YamlSchema) -> Result<Node, Vec<Diagnostic>> {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = Parser::new_from_str_with_options(source, options);
    let mut builder = Builder::new(source, schema);
    builder.any_root = true;
    builder
        .run(&mut parser)
        .map_err(|diagnostic| vec![*diagnostic])
}

type Fail = Box<Diagnostic>;

/// Where a node sits in its parent; decides js-yaml's depth accounting and key handling.
#[derive(Debug, Clone, Copy)]
enum Position {
    Root,
    Item { block: bool },
    Key,
    Value { block: bool, key_line: usize },
}

#[derive(Debug)]
enum PendingKey {
    Named {
        key: String,
        span: Span,
        line: usize,
    },
    Merge {
        line: usize,
    },
}

impl PendingKey {
    fn line(&self) -> usize {
        match self {
            PendingKey::Named { line, .. } | PendingKey::Merge { line } => *line,
        }
    }
}

#[derive(Debug)]
enum Content {
    Sequence(Vec<Node>),
    Mapping {
        object: ObjectBuilder,
        key: Option<PendingKey>,
    },
}

#[derive(Debug)]
struct Frame {
    content: Content,
    /// Start of the node, including its tag.
    start: usize,
    /// End of the last child (block collections have no closing token).
    last_end: usize,
    anchor: usize,
    tag: Option<(TagKind, Span)>,
    block: bool,
    /// js-yaml's `state.depth` while reading this node.
    depth: usize,
    position: Position,
    line: usize,
}

/// A finished node on its way into its parent; `key` is set when it was read in key position.
struct Finished {
    node: Node,
    key: Option<PendingKey>,
}

#[derive(Debug)]
struct Anchored {
    node: Node,
    nodes: usize,
    bytes: usize,
}

struct Builder<'s> {
    source: &'s str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    open_anchors: HashSet<usize>,
    root: Option<Node>,
    documents: usize,
    merge_work: usize,
    alias_nodes: usize,
    alias_bytes: usize,
    /// Accept any root (an included file), not only the mapping a config must be.
    any_root: bool,
    /// The framework's implicit types and tags.
    schema: YamlSchema,
}

fn offset(marker: &granit_parser::Marker) -> usize {
    marker.byte_offset().unwrap_or(0)
}

fn span_of(span: &granit_parser::Span) -> Span {
    Span::new(offset(&span.start), offset(&span.end))
}

fn full_tag(tag: &Tag) -> String {
    format!("{}{}", tag.handle(), tag.suffix())
}

impl<'s> Builder<'s> {
    fn new(source: &'s str, schema: YamlSchema) -> Self {
        Builder {
            source,
            stack: Vec::new(),
            anchors: HashMap::new(),
            open_anchors: HashSet::new(),
            root: None,
            documents: 0,
            merge_work: 0,
            alias_nodes: 0,
            alias_bytes: 0,
            any_root: false,
            schema,
        }
    }

    /// Builds the tree from granit's events; stops at the first syntax error or invalid node.
    fn run(&mut self, parser: &mut Parser<'s, StrInput<'s>>) -> Result<Node, Fail> {
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|error| self.syntax_error(&error))?;
            let end = matches!(event, Event::StreamEnd);
            self.event(event, &span)?;
            if end {
                break;
            }
        }
        self.finish()
    }

    /// One parser event (the stream ends with `StreamEnd`).
    fn event(&mut self, event: Event<'s>, span: &granit_parser::Span) -> Result<(), Fail> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.error(
                        Code::YamlSyntax,
                        "expected a single document in the stream, but found more",
                        span_of(span),
                        Some("Serverless reads only one YAML document; remove the extra `---` section"),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.as_deref(), span)?
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.start(true, style, anchor, tag.as_deref(), span)?
            }
            Event::MappingStart(style, anchor, tag) => {
                self.start(false, style, anchor, tag.as_deref(), span)?
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(span)?,
            Event::Alias(id) => self.alias(id, span)?,
            _ => {}
        }
        Ok(())
    }

    /// After the stream: the root, which must be a mapping.
    fn finish(&mut self) -> Result<Node, Fail> {
        let root = self.root.take();
        if self.any_root {
            return Ok(root.unwrap_or_else(|| Node::new(Value::Null, Span::new(0, 0))));
        }
        match root {
            Some(root) if matches!(root.value, Value::Object(_)) => Ok(root),
            Some(root) => Err(Box::new(
                Diagnostic::error(
                    Code::ConfigNotAnObject,
                    format!("the configuration must be a mapping (Serverless: \"Plain object expected\"), not {}", describe(&root)),
                )
                .at(root.span)
                .with_help("start the file with top-level keys such as `service:`, `provider:` and `functions:`"),
            )),
            None => Err(Box::new(
                Diagnostic::error(Code::ConfigNotAnObject, "the configuration is empty (Serverless: \"Plain object expected\")")
                    .at(Span::new(0, 0))
                    .with_help("a serverless.yml needs at least `service:` and `provider:`"),
            )),
        }
    }

    fn error(
        &self,
        code: Code,
        message: impl Into<String>,
        span: Span,
        help: Option<&str>,
    ) -> Fail {
        let mut diagnostic = Diagnostic::error(code, message).at(span);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        Box::new(diagnostic)
    }

    fn syntax_error(&self, error: &ScanError) -> Fail {
        let at = offset(error.marker()).min(self.source.len());
        let width = self
            .source
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        // The parser's own nesting limit (255) lies beyond js-yaml's, which we check first;
        // it can still fire first when the scanner reads ahead on one long line.
        let code = if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
            Code::YamlTooComplex
        } else {
            Code::YamlSyntax
        };
        self.error(code, error.info(), Span::new(at, at + width), None)
    }

    fn position(&self) -> Position {
        match self.stack.last() {
            None => Position::Root,
            Some(frame) => match &frame.content {
                Content::Sequence(_) => Position::Item { block: frame.block },
                Content::Mapping { key: None, .. } => Position::Key,
                Content::Mapping { key: Some(key), .. } => Position::Value {
                    block: frame.block,
                    key_line: key.line(),
                },
            },
        }
    }

    /// js-yaml's depth for a node starting at `line`; errors past `maxDepth`.
    ///
    /// Every node is one level below its parent. A node that js-yaml first tries to read as
    /// the key of a block mapping (the document root, a block sequence item, a block mapping
    /// value on a later line than its key) and that turns out not to be a block collection is
    /// read one level deeper still, inside that attempt.
    fn depth(
        &self,
        position: Position,
        line: usize,
        block_collection: bool,
        at: Span,
    ) -> Result<usize, Fail> {
        let parent = self.stack.last().map_or(0, |frame| frame.depth);
        let probed = match position {
            Position::Root => true,
            Position::Item { block } => block,
            Position::Key => false,
            Position::Value { block, key_line } => block && line > key_line,
        };
        let depth = parent + 1 + usize::from(probed && !block_collection);
        if depth > MAX_DEPTH {
            return Err(self.error(
                Code::YamlTooComplex,
                format!("nesting exceeded maxDepth ({MAX_DEPTH})"),
                at,
                Some("Serverless' YAML loader (js-yaml) stops at 100 nested levels; flatten the structure"),
            ));
        }
        Ok(depth)
    }

    fn tag_kind(
        &self,
        tag: Option<&Tag>,
        span: &granit_parser::Span,
    ) -> Result<Option<(TagKind, Span)>, Fail> {
        let Some(tag) = tag else { return Ok(None) };
        let tag_span = span.tag_span().map_or_else(
            || {
                span.tag_start().map_or(span_of(span), |start| {
                    Span::new(offset(&start), offset(&start))
                })
            },
            |tag_span| span_of(&tag_span),
        );
        // js-yaml reads a tag up to the next white space, so `[!Ref]` has the tag `!Ref]`,
        // which it rejects (oracle via js-yaml: "tag suffix cannot contain flow indicator
        // characters"); the YAML 1.2 parser ends the tag at the bracket.
        let verbatim = self
            .source
            .get(tag_span.start..)
            .is_some_and(|rest| rest.starts_with("!<"));
        let next = self
            .source
            .get(tag_span.end..)
            .and_then(|rest| rest.chars().next());
        if !verbatim
            && tag_span.end > tag_span.start
            && matches!(next, Some(',' | '[' | ']' | '{' | '}'))
        {
            return Err(self.error(
                Code::YamlSyntax,
                "tag suffix cannot contain flow indicator characters",
                Span::new(tag_span.start, tag_span.end + 1),
                Some("put a space or a value after the tag, e.g. `[!Ref Name]`"),
            ));
        }
        let full = full_tag(tag);
        match tags::classify(&full, self.schema) {
            Some(kind) => Ok(Some((kind, tag_span))),
            None => {
                let written = self
                    .source
                    .get(tag_span.start..tag_span.end)
                    .filter(|text| !text.is_empty())
                    .unwrap_or(&full);
                Err(self.error(
                    Code::YamlUnknownTag,
                    format!("unknown tag {written} (js-yaml: unknown tag !<{full}>)"),
                    tag_span,
                    Some(&tags::supported_tags_help()),
                ))
            }
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: &granit_parser::Span,
    ) -> Result<(), Fail> {
        let tag = self.tag_kind(tag, span)?;
        let value_span = span_of(span);
        let start = tag.map_or(value_span.start, |(_, tag_span)| {
            tag_span.start.min(value_span.start)
        });
        let node_span = Span::new(start, value_span.end.max(start));
        let position = self.position();
        self.depth(position, span.start.line(), false, node_span)?;
        // js-yaml's `state.result` is null for an empty node (`key:` or a lone `!Ref`).
        let empty = style == ScalarStyle::Plain && value_span.start == value_span.end;
        let raw = if empty { None } else { Some(text) };
        let in_key = matches!(position, Position::Key);

        let built = match tag {
            None if style == ScalarStyle::Plain => {
                if in_key && text == "<<" {
                    return self.attach(Finished {
                        node: Node::new(Value::Null, node_span),
                        key: Some(PendingKey::Merge {
                            line: span.start.line(),
                        }),
                    });
                }
                CoreScalar::Scalar(scalar::resolve_plain(raw.unwrap_or(""), self.schema))
            }
            None => CoreScalar::Scalar(Scalar::String(text.to_owned())),
            Some((TagKind::NonSpecific, _)) => CoreScalar::Scalar(match raw {
                Some(text) => Scalar::String(text.to_owned()),
                None => Scalar::Null,
            }),
            Some((TagKind::CloudFormation(key), _)) => {
                let data = match raw {
                    Some(text) => Node::new(Value::String(text.to_owned()), value_span),
                    None => Node::new(Value::Null, value_span),
                };
                CoreScalar::Node(tags::construct_cloudformation(key, data, node_span))
            }
            Some((TagKind::Core(name), tag_span)) => {
                if name == "merge" && in_key && matches!(raw, None | Some("<<")) {
                    return self.attach(Finished {
                        node: Node::new(Value::Null, node_span),
                        key: Some(PendingKey::Merge {
                            line: span.start.line(),
                        }),
                    });
                }
                self.core_scalar(name, raw, tag_span, node_span)?
            }
        };
        if !in_key {
            let node = match built {
                CoreScalar::Scalar(scalar) => Node::new(scalar.into_value(), node_span),
                CoreScalar::Node(node) => node,
            };
            if anchor != 0 {
                self.store_anchor(anchor, &node)?;
            }
            return self.attach(Finished { node, key: None });
        }
        // A key: its mapping keeps only the key's text (and the span), so the node's value is
        // built only when an anchor needs it (`&a key: …`).
        let (key, node) = match built {
            CoreScalar::Scalar(scalar) => {
                let value = if anchor == 0 {
                    Value::Null
                } else {
                    scalar.clone().into_value()
                };
                (scalar.into_key(), Node::new(value, node_span))
            }
            CoreScalar::Node(node) => (
                js_key(&node)
                    .map_err(|message| self.error(Code::YamlSyntax, message, node_span, None))?,
                node,
            ),
        };
        if anchor != 0 {
            self.store_anchor(anchor, &node)?;
        }
        self.attach(Finished {
            node,
            key: Some(PendingKey::Named {
                key,
                span: node_span,
                line: span.start.line(),
            }),
        })
    }

    /// An explicitly typed scalar (`!!int "42"`).
    fn core_scalar(
        &self,
        name: &'static str,
        raw: Option<&str>,
        tag_span: Span,
        span: Span,
    ) -> Result<CoreScalar, Fail> {
        let cannot_resolve = || {
            self.error(
                Code::YamlTagMismatch,
                format!("cannot resolve a node with !<tag:yaml.org,2002:{name}> explicit tag"),
                span,
                Some("the value does not fit the type its `!!` tag names; remove the tag or fix the value"),
            )
        };
        let resolved = match name {
            "str" => Scalar::String(raw.unwrap_or("").to_owned()),
            "null" => match raw {
                None => Scalar::Null,
                Some(text) if scalar::is_null(text) => Scalar::Null,
                Some(_) => return Err(cannot_resolve()),
            },
            "bool" => Scalar::Bool(
                raw.and_then(scalar::resolve_bool)
                    .ok_or_else(cannot_resolve)?,
            ),
            "int" => Scalar::Number(
                raw.and_then(scalar::resolve_int)
                    .ok_or_else(cannot_resolve)?,
            ),
            "float" => Scalar::Number(
                raw.and_then(scalar::resolve_float)
                    .ok_or_else(cannot_resolve)?,
            ),
            "timestamp" => Scalar::Timestamp(
                raw.and_then(scalar::resolve_timestamp)
                    .ok_or_else(cannot_resolve)?,
            ),
            "binary" => Scalar::Binary(
                raw.and_then(scalar::resolve_binary)
                    .ok_or_else(cannot_resolve)?,
            ),
            // The merge type constructs its data unchanged outside key position.
            "merge" => match raw {
                None => Scalar::Null,
                Some("<<") => Scalar::String("<<".to_owned()),
                Some(_) => return Err(cannot_resolve()),
            },
            // Collection types: an empty node constructs an empty collection…
            "map" | "set" if raw.is_none() => {
                return Ok(CoreScalar::Node(Node::new(Value::Object(Vec::new()), span)));
            }
            "seq" | "omap" | "pairs" if raw.is_none() => {
                return Ok(CoreScalar::Node(Node::new(Value::Array(Vec::new()), span)));
            }
            // …and a non-empty scalar is the wrong kind.
            _ => {
                let kind = if matches!(name, "map" | "set") {
                    "mapping"
                } else {
                    "sequence"
                };
                return Err(self.error(
                    Code::YamlTagMismatch,
                    format!("unacceptable node kind for !<tag:yaml.org,2002:{name}> tag; it should be \"{kind}\", not \"scalar\""),
                    tag_span,
                    None,
                ));
            }
        };
        Ok(CoreScalar::Scalar(resolved))
    }

    fn start(
        &mut self,
        sequence: bool,
        style: StructureStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: &granit_parser::Span,
    ) -> Result<(), Fail> {
        let tag = self.tag_kind(tag, span)?;
        let value_span = span_of(span);
        let start = tag.map_or(value_span.start, |(_, tag_span)| {
            tag_span.start.min(value_span.start)
        });
        let block = style == StructureStyle::Block;
        let position = self.position();
        let depth = self.depth(
            position,
            span.start.line(),
            block,
            Span::new(start, value_span.end.max(start)),
        )?;
        if let Some((TagKind::Core(name), tag_span)) = tag {
            let fits = if sequence {
                matches!(name, "seq" | "omap" | "pairs")
            } else {
                matches!(name, "map" | "set")
            };
            if !fits {
                let (expected, found) = match (name, sequence) {
                    ("map" | "set", _) => ("mapping", "sequence"),
                    ("seq" | "omap" | "pairs", _) => ("sequence", "mapping"),
                    (_, true) => ("scalar", "sequence"),
                    (_, false) => ("scalar", "mapping"),
                };
                return Err(self.error(
                    Code::YamlTagMismatch,
                    format!("unacceptable node kind for !<tag:yaml.org,2002:{name}> tag; it should be \"{expected}\", not \"{found}\""),
                    tag_span,
                    None,
                ));
            }
        }
        if anchor != 0 {
            self.open_anchors.insert(anchor);
        }
        let content = if sequence {
            Content::Sequence(Vec::new())
        } else {
            Content::Mapping {
                object: ObjectBuilder::new(),
                key: None,
            }
        };
        self.stack.push(Frame {
            content,
            start,
            last_end: value_span.end.max(start),
            anchor,
            tag,
            block,
            depth,
            position,
            line: span.start.line(),
        });
        Ok(())
    }

    fn end(&mut self, span: &granit_parser::Span) -> Result<(), Fail> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = if frame.block {
            frame.last_end
        } else {
            offset(&span.end).max(frame.last_end)
        };
        let node_span = Span::new(frame.start, end);
        let value = match frame.content {
            Content::Sequence(mut items) => {
                // Kept until the end of the run: drop the growth slack (as mappings do).
                items.shrink_to_fit();
                Value::Array(items)
            }
            Content::Mapping { object, .. } => Value::Object(object.finish()),
        };
        let mut node = Node::new(value, node_span);
        if let Some((kind, _)) = frame.tag {
            node = match kind {
                TagKind::NonSpecific => node,
                TagKind::CloudFormation(key) => {
                    tags::construct_cloudformation(key, node, node_span)
                }
                TagKind::Core(name) => self.core_collection(name, node)?,
            };
        }
        if frame.anchor != 0 {
            self.open_anchors.remove(&frame.anchor);
            self.store_anchor(frame.anchor, &node)?;
        }
        let key = match frame.position {
            Position::Key => {
                let key = js_key(&node)
                    .map_err(|message| self.error(Code::YamlSyntax, message, node_span, None))?;
                Some(PendingKey::Named {
                    key,
                    span: node_span,
                    line: frame.line,
                })
            }
            _ => None,
        };
        self.attach(Finished { node, key })
    }

    /// `!!set`, `!!omap`, `!!pairs` (and the identity types `!!map`, `!!seq`).
    fn core_collection(&self, name: &str, node: Node) -> Result<Node, Fail> {
        let span = node.span;
        let cannot_resolve = || {
            self.error(
                Code::YamlTagMismatch,
                format!("cannot resolve a node with !<tag:yaml.org,2002:{name}> explicit tag"),
                span,
                None,
            )
        };
        match (name, node.value) {
            ("set", Value::Object(entries)) => {
                if entries.iter().any(|entry| !entry.value.is_null()) {
                    return Err(cannot_resolve());
                }
                Ok(Node::new(Value::Object(entries), span))
            }
            ("omap", Value::Array(items)) => {
                let mut seen = HashSet::new();
                for item in &items {
                    match &item.value {
                        Value::Object(entries)
                            if entries.len() == 1 && seen.insert(entries[0].key.clone()) => {}
                        _ => return Err(cannot_resolve()),
                    }
                }
                Ok(Node::new(Value::Array(items), span))
            }
            ("pairs", Value::Array(items)) => {
                let mut pairs = Vec::with_capacity(items.len());
                for item in items {
                    let item_span = item.span;
                    match item.value {
                        Value::Object(mut entries) if entries.len() == 1 => {
                            let Some(entry) = entries.pop() else {
                                return Err(cannot_resolve());
                            };
                            let key = Node::new(Value::String(entry.key), entry.key_span);
                            pairs.push(Node::new(Value::Array(vec![key, entry.value]), item_span));
                        }
                        _ => return Err(cannot_resolve()),
                    }
                }
                Ok(Node::new(Value::Array(pairs), span))
            }
            (_, value) => Ok(Node::new(value, span)),
        }
    }

    fn alias(&mut self, id: usize, span: &granit_parser::Span) -> Result<(), Fail> {
        let alias_span = span_of(span);
        let position = self.position();
        self.depth(position, span.start.line(), false, alias_span)?;
        let Some(anchored) = self.anchors.get(&id) else {
            let message = if self.open_anchors.contains(&id) {
                "this alias refers to a node that contains it; Serverless cannot load a circular structure"
            } else {
                "unidentified alias"
            };
            return Err(self.error(Code::YamlSyntax, message, alias_span, None));
        };
        self.alias_nodes += anchored.nodes;
        self.alias_bytes += anchored.bytes;
        if self.alias_nodes > MAX_ALIAS_NODES || self.alias_bytes > MAX_ALIAS_BYTES {
            return Err(self.error(
                Code::YamlTooComplex,
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes or {MAX_ALIAS_BYTES} bytes"),
                alias_span,
                Some("anchors and aliases are copied where they are used; this file expands exponentially (\"billion laughs\")"),
            ));
        }
        let mut node = anchored.node.clone();
        // The alias site is where the value is used; nested nodes keep their definition spans.
        node.span = alias_span;
        let key = match position {
            Position::Key => {
                let key = js_key(&node)
                    .map_err(|message| self.error(Code::YamlSyntax, message, alias_span, None))?;
                Some(PendingKey::Named {
                    key,
                    span: alias_span,
                    line: span.start.line(),
                })
            }
            _ => None,
        };
        self.attach(Finished { node, key })
    }

    fn store_anchor(&mut self, id: usize, node: &Node) -> Result<(), Fail> {
        let (nodes, bytes) = node.size_within(usize::MAX, usize::MAX);
        // Keeping a copy costs as much as one use of the alias.
        self.alias_nodes += nodes;
        self.alias_bytes += bytes;
        if self.alias_nodes > MAX_ALIAS_NODES || self.alias_bytes > MAX_ALIAS_BYTES {
            return Err(self.error(
                Code::YamlTooComplex,
                format!("anchors and aliases expand to more than {MAX_ALIAS_NODES} nodes or {MAX_ALIAS_BYTES} bytes"),
                node.span,
                None,
            ));
        }
        self.anchors.insert(
            id,
            Anchored {
                node: node.clone(),
                nodes,
                bytes,
            },
        );
        Ok(())
    }

    fn attach(&mut self, finished: Finished) -> Result<(), Fail> {
        let Finished { node, key } = finished;
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.last_end = frame.last_end.max(node.span.end);
        match &mut frame.content {
            Content::Sequence(items) => items.push(node),
            Content::Mapping {
                key: pending @ None,
                ..
            } => {
                *pending = key;
                if let Some(PendingKey::Named { span, .. }) = pending {
                    frame.last_end = frame.last_end.max(span.end);
                }
            }
            Content::Mapping {
                object,
                key: pending,
            } => match pending.take() {
                Some(PendingKey::Named { key, span, .. }) => {
                    if let Err((first, key)) = object.insert_yaml(key, span, node) {
                        // Only an error needs line numbers: the index is built here, not for
                        // every load.
                        let (line, column) =
                            LineIndex::new(self.source).line_col(self.source, first.start);
                        return Err(Box::new(
                                Diagnostic::error(Code::YamlDuplicateKey, format!("duplicated mapping key `{key}`"))
                                    .at(span)
                                    .with_help(format!(
                                        "`{key}` is already defined at line {line}, column {column}; remove one of the two (Serverless' YAML loader rejects repeated keys)"
                                    )),
                            ));
                    }
                }
                Some(PendingKey::Merge { .. }) => return self.merge(node),
                None => {}
            },
        }
        Ok(())
    }

    /// `<<: value` in the mapping on top of the stack.
    fn merge(&mut self, value: Node) -> Result<(), Fail> {
        let span = value.span;
        let unacceptable = |builder: &Self| {
            builder.error(
                Code::YamlInvalidMerge,
                "cannot merge mappings; the provided source object is unacceptable",
                span,
                Some(
                    "`<<` takes a mapping (usually an alias such as `*defaults`) or a list of them",
                ),
            )
        };
        let sources: Vec<Vec<Entry>> = match value.value {
            Value::Object(entries) => vec![entries],
            Value::Array(items) => {
                if items.len() > MAX_MERGE_SOURCES {
                    return Err(self.error(
                        Code::YamlInvalidMerge,
                        "abnormal merge sequence size",
                        span,
                        None,
                    ));
                }
                let mut sources = Vec::with_capacity(items.len());
                for item in items {
                    match item.value {
                        Value::Object(entries) => sources.push(entries),
                        // `Object.keys` of an array: its indices.
                        Value::Array(elements) => sources.push(
                            elements
                                .into_iter()
                                .enumerate()
                                .map(|(index, element)| Entry {
                                    key: index.to_string(),
                                    key_span: element.span,
                                    value: element,
                                })
                                .collect(),
                        ),
                        _ => return Err(unacceptable(self)),
                    }
                }
                sources
            }
            _ => return Err(unacceptable(self)),
        };
        for source in sources {
            self.merge_work += 1 + source.len();
            if self.merge_work > MAX_MERGE_WORK {
                return Err(self.error(
                    Code::YamlTooComplex,
                    format!("merge keys exceeded maxTotalMergeKeys ({MAX_MERGE_WORK})"),
                    span,
                    Some("Serverless' YAML loader (js-yaml) stops after merging 10000 keys"),
                ));
            }
            if let Some(Frame {
                content: Content::Mapping { object, .. },
                ..
            }) = self.stack.last_mut()
            {
                object.merge(source);
            }
        }
        Ok(())
    }
}

enum CoreScalar {
    Scalar(Scalar),
    Node(Node),
}

/// JavaScript `String(key)` for a non-scalar key, as js-yaml's `storeMappingPair` does it.
fn js_key(node: &Node) -> Result<String, String> {
    Ok(match &node.value {
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                parts.push(match &item.value {
                    Value::Array(_) => {
                        return Err("nested arrays are not supported inside keys".to_owned());
                    }
                    Value::Null => String::new(),
                    _ => js_key(item)?,
                });
            }
            parts.join(",")
        }
        Value::Object(_) => "[object Object]".to_owned(),
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => crate::js::number_to_string(*number),
        Value::String(text) => text.clone(),
    })
}

fn describe(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
