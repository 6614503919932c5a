//! A fast event source for the YAML that `serverless.yml` files are made of, producing exactly
//! what granit-parser produces, or nothing.
//!
//! Contract:
//! * [`read`] hands a [`Receiver`] the same `(Event, Span)` items, in the same order, as
//!   `granit_parser::Parser::new_from_str_with_options(source, options! { emit_comments: false })`
//!   yields, equal in every payload and every span field (character index, line, column, byte offset,
//!   key indentation hint, tag span), for a subset of YAML: one document whose root is a block
//!   mapping; block mappings and sequences (compact `- key: value` and `- - x`, sequences at
//!   the indentation of their key); one-line plain, single-quoted and double-quoted scalars
//!   (simple escapes); `&anchors`, `*aliases`, local tags such as `!Ref`; one-line flow
//!   collections; comments; a leading `---`.
//! * Anything else — and every text granit rejects — makes it stop with [`Unsupported`]. The
//!   receiver must then discard what it built and the whole text be parsed with granit. It
//!   never completes on a text that granit rejects.
//! * It streams: each event goes to the receiver as soon as it is read (no queue; events are
//!   large, so this also saves copying them), and it holds only the open collections and the
//!   anchor names, so memory does not grow with the document.
//! * Checked by [`check_against_granit`], run by the differential tests below on the repository's
//!   YAML files, synthetic services and thousands of mutated texts, and by the `fast_yaml` fuzz
//!   target.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Marker, ScalarStyle, Span, StructureStyle, Tag};

/// Deepest nesting (block and flow levels together) followed here; js-yaml stops at 100 anyway.
const MAX_NESTING: usize = 100;
/// granit's `simple_key_max_lookahead`: a longer key is no longer taken for a key. Compared with
/// byte distances, which are never shorter than character distances.
const MAX_KEY_LENGTH: usize = 1024;

/// One parser event with its source span, as granit yields it.
type Item<'s> = (Event<'s>, Span);

/// The text leaves the fast path's subset here (or granit would reject it): parse it with granit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unsupported {
    /// What was met, for tests and debugging.
    pub(super) reason: &'static str,
    /// Byte offset where it was met.
    pub(super) at: usize,
}

type Scan<T> = Result<T, Unsupported>;

/// Takes the fast path's events, in order.
pub(super) trait Receiver<'s> {
    /// Takes the next event. `false` asks the reader to stop (the receiver has failed); it may
    /// still be handed the rest of the current line's events, which it must ignore.
    fn receive(&mut self, event: Event<'s>, span: Span) -> bool;
}

/// Reads `source` to its end, handing every event to `receiver`: `Ok(true)` when the receiver
/// took the whole stream (up to `StreamEnd`), `Ok(false)` when it asked to stop.
pub(super) fn read<'s>(source: &'s str, receiver: &mut dyn Receiver<'s>) -> Scan<bool> {
    let mut reader = Reader {
        source,
        receiver,
        receiving: true,
        line: Line::default(),
        through_line: &[],
        next_line: (0, 0, 1),
        end_of_input: None,
        frames: Vec::new(),
        pending: None,
        anchors: HashMap::new(),
        next_anchor: 1,
        phase: Phase::BeforeRoot {
            explicit_start: false,
        },
    };
    reader.run()
}

/// The reading state; see the module documentation.
struct Reader<'s, 'r> {
    source: &'s str,
    receiver: &'r mut dyn Receiver<'s>,
    /// The receiver has not asked to stop.
    receiving: bool,
    line: Line,
    /// The source up to the end of the current line, so that `get` stops at the line break.
    through_line: &'s [u8],
    /// Where the line after [`Self::line`] starts: byte offset, character index, line number.
    next_line: (usize, usize, usize),
    /// Where granit puts the end of the stream; set once the last line has been read.
    end_of_input: Option<Marker>,
    /// The open block collections, outermost first.
    frames: Vec<Frame>,
    /// A node whose content did not follow on its own line (`key:`, `- `, `key: !Tag`).
    pending: Option<Pending<'s>>,
    /// Anchor name → id of its latest definition, numbered as granit numbers them.
    anchors: HashMap<&'s str, usize>,
    next_anchor: usize,
    phase: Phase,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the root mapping; `true` once a `---` line was read.
    BeforeRoot {
        explicit_start: bool,
    },
    InRoot,
    Ended,
}

/// The current line: `start..end` excludes the line break.
#[derive(Debug, Clone, Copy, Default)]
struct Line {
    start: usize,
    end: usize,
    /// 1-based, as granit counts.
    number: usize,
    /// Character index of the first character.
    first_char: usize,
    /// All characters are ASCII, so columns are byte distances.
    ascii: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Mapping,
    /// `indentless`: the `-` stand at the indentation of the key that holds the sequence.
    Sequence {
        indentless: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    block: Block,
    /// Column of the keys or the `-`.
    indent: usize,
}

/// `&anchor` and `!Tag` read before a node's content.
#[derive(Debug, Clone, Copy, Default)]
struct Properties<'s> {
    /// Anchor id, 0 for none (as in granit's events).
    anchor: usize,
    /// Tag suffix (the handle is always `!`) and where the tag starts.
    tag: Option<(&'s str, Marker)>,
    /// End of the last property: where granit puts an empty node that has properties.
    end: Option<Marker>,
}

impl<'s> Properties<'s> {
    fn is_empty(&self) -> bool {
        self.anchor == 0 && self.tag.is_none()
    }

    fn tag(&self) -> Option<Cow<'s, Tag>> {
        self.tag
            .map(|(suffix, _)| Cow::Owned(Tag::new("!", suffix)))
    }

    /// Adds the tag's span to the node's `span`.
    fn mark_tag(&self, span: &mut Span) {
        if let Some((suffix, start)) = self.tag {
            // Tag tokens here are `!` + ASCII letters: their length in characters is their size.
            let length = u32::try_from(suffix.len() + 1).unwrap_or(0);
            *span = span.with_tag_span(Some((start, length)));
        }
    }
}

/// A node that has no content on its line yet; the next line gives it content or leaves it
/// empty.
#[derive(Debug, Clone, Copy)]
struct Pending<'s> {
    /// Where granit puts the node if it stays empty.
    empty_at: Marker,
    properties: Properties<'s>,
}

/// Where a node starts, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// After `key: `: a scalar, alias or flow collection only.
    Value,
    /// After `- `: may also open a compact mapping or sequence.
    Item,
    /// At the start of a line, as the content of a pending node: may open a block collection.
    Line,
}

/// A scalar read from the current line.
#[derive(Debug)]
struct Scalar<'s> {
    text: Cow<'s, str>,
    style: ScalarStyle,
    /// Byte offset just after it (after the closing quote).
    end: usize,
}

fn unsupported<T>(reason: &'static str, at: usize) -> Scan<T> {
    Err(Unsupported { reason, at })
}

/// `Span::new`, filled in place: granit's builder methods are not inlined across crates, and
/// each would copy the whole span.
fn span_between(start: Marker, end: Marker) -> Span {
    let mut span = Span::default();
    span.start = start;
    span.end = end;
    span
}

fn empty_span(at: Marker) -> Span {
    span_between(at, at)
}

/// End of the line starting at `start` (the offset of its `\n`, or of the end of the text), and
/// whether the line holds anything but printable ASCII (control characters, tabs, `\r`, non-ASCII).
fn line_end(bytes: &[u8], start: usize) -> (usize, bool) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const DELETES: u64 = u64::from_ne_bytes([0x7f; 8]);
    // Word at a time: a word is "plain" when all its bytes are in 0x20..0x7f. The usual
    // bit trick `(x - 0x20…) & !x & 0x80…` is non-zero iff some byte is below 0x20 (the
    // line break included); `x & 0x80…` finds non-ASCII; a zero byte in `x ^ 0x7f…` finds DEL.
    let mut at = start;
    while let Some(word) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let x = u64::from_ne_bytes(eight);
        let low = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
        let delete = (x ^ DELETES).wrapping_sub(ONES) & !(x ^ DELETES) & HIGHS;
        if low | (x & HIGHS) | delete != 0 {
            break;
        }
        at += 8;
    }
    let mut unusual = false;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'\n' {
            break;
        }
        unusual |= !(0x20..0x7f).contains(&byte);
        at += 1;
    }
    (at, unusual)
}

/// The first offset from `at` holding a space or a `:` (or the last few bytes), a word at a
/// time; block-context plain scalars end only there.
fn skip_to_space_or_colon(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let x = u64::from_ne_bytes(eight);
        if has_zero_byte(x ^ (ONES * u64::from(b' ')))
            || has_zero_byte(x ^ (ONES * u64::from(b':')))
        {
            break;
        }
        at += 8;
    }
    at
}

/// Bytes at which a plain scalar may end: white space and `:` (and flow indicators in flow
/// context); a `:` ends it only before white space (or a flow indicator).
const BLOCK_PLAIN_STOPS: [bool; 256] = plain_stops(false);
const FLOW_PLAIN_STOPS: [bool; 256] = plain_stops(true);

const fn plain_stops(flow: bool) -> [bool; 256] {
    let mut stops = [false; 256];
    stops[b' ' as usize] = true;
    stops[b':' as usize] = true;
    if flow {
        stops[b',' as usize] = true;
        stops[b'[' as usize] = true;
        stops[b']' as usize] = true;
        stops[b'{' as usize] = true;
        stops[b'}' as usize] = true;
    }
    stops
}

fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

/// Characters of anchor and alias names and tag suffixes followed here (granit allows more).
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-')
}

/// Non-ASCII characters taken as ordinary text: YAML-printable ones, except the byte order
/// mark and C1 controls (NEL included), on which granit has rules of its own.
fn is_plain_unicode(c: char) -> bool {
    matches!(u32::from(c), 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
        && c != '\u{FEFF}'
}

impl<'s> Reader<'s, '_> {
    fn run(&mut self) -> Scan<bool> {
        let start = Marker::new(0, 1, 0).with_byte_offset(Some(0));
        self.emit(Event::StreamStart, empty_span(start));
        while self.receiving && self.phase != Phase::Ended {
            self.advance()?;
        }
        Ok(self.receiving)
    }

    /// Reads the next line with content, or the end of the input.
    fn advance(&mut self) -> Scan<()> {
        loop {
            if self.end_of_input.is_some() {
                return self.finish();
            }
            self.read_line()?;
            let content = self.skip_spaces(self.line.start);
            if content < self.line.end && self.byte(content) != Some(b'#') {
                return self.content_line(content);
            }
        }
    }

    // ---- Lines and positions ----

    /// Makes the next line current, refusing characters that granit treats specially.
    fn read_line(&mut self) -> Scan<()> {
        let bytes = self.source.as_bytes();
        let (start, first_char, number) = self.next_line;
        let (end, unusual) = line_end(bytes, start);
        let chars = if unusual {
            self.count_checked_chars(start, end)?
        } else {
            end - start
        };
        self.line = Line {
            start,
            end,
            number,
            first_char,
            ascii: !unusual,
        };
        self.through_line = &bytes[..end];
        if end == bytes.len() {
            self.end_of_input = Some(self.mark(end));
        } else {
            self.next_line = (end + 1, first_char + chars + 1, number + 1);
        }
        Ok(())
    }

    /// Characters in `start..end`, which holds non-ASCII text or control characters.
    fn count_checked_chars(&self, start: usize, end: usize) -> Scan<usize> {
        let mut chars = 0;
        for (offset, c) in self.source[start..end].char_indices() {
            // Tabs, carriage returns, NUL and other controls all have rules of their own.
            if c.is_ascii_control() || (!c.is_ascii() && !is_plain_unicode(c)) {
                return unsupported("control or special character", start + offset);
            }
            chars += 1;
        }
        Ok(chars)
    }

    /// The byte at `at` on the current line; `None` at the line break.
    fn byte(&self, at: usize) -> Option<u8> {
        self.through_line.get(at).copied()
    }

    fn skip_spaces(&self, at: usize) -> usize {
        let rest = self.through_line.get(at..).unwrap_or_default();
        at + rest.iter().take_while(|&&byte| byte == b' ').count()
    }

    /// Nothing but a comment (after white space) or the line break follows.
    fn at_comment_or_end(&self, at: usize) -> bool {
        matches!(self.byte(at), None | Some(b'#'))
    }

    /// The marker granit gives to byte offset `at` of the current line.
    fn mark(&self, at: usize) -> Marker {
        let col = if self.line.ascii {
            at - self.line.start
        } else {
            self.source[self.line.start..at].chars().count()
        };
        Marker::new(self.line.first_char + col, self.line.number, col).with_byte_offset(Some(at))
    }

    fn span(&self, start: usize, end: usize) -> Span {
        span_between(self.mark(start), self.mark(end))
    }

    fn emit(&mut self, event: Event<'s>, span: Span) {
        if self.receiving {
            self.receiving = self.receiver.receive(event, span);
        }
    }

    // ---- Block structure ----

    /// A line whose first non-space character is at `at`.
    fn content_line(&mut self, at: usize) -> Scan<()> {
        if at == self.line.start && self.is_document_marker(at) {
            return self.document_start_marker(at);
        }
        match self.phase {
            Phase::BeforeRoot { explicit_start } => self.open_root(at, explicit_start),
            _ => self.continue_root(at),
        }
    }

    /// `---` or `...` and a space or the line break, at column 0.
    fn is_document_marker(&self, at: usize) -> bool {
        let rest = &self.source.as_bytes()[at..self.line.end];
        (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && matches!(rest.get(3), None | Some(b' '))
    }

    /// A `---` line before the root; any other document marker is left to granit.
    fn document_start_marker(&mut self, at: usize) -> Scan<()> {
        let first = self.phase
            == Phase::BeforeRoot {
                explicit_start: false,
            };
        if !first
            || self.byte(at) != Some(b'-')
            || !self.at_comment_or_end(self.skip_spaces(at + 3))
        {
            return unsupported("document marker", at);
        }
        self.emit(Event::DocumentStart(true, None), self.span(at, at + 3));
        self.phase = Phase::BeforeRoot {
            explicit_start: true,
        };
        Ok(())
    }

    /// The first line with content: it must start the root mapping at column 0.
    fn open_root(&mut self, at: usize, explicit_start: bool) -> Scan<()> {
        if at != self.line.start {
            return unsupported("indented root", at);
        }
        if !explicit_start {
            self.emit(Event::DocumentStart(false, None), empty_span(self.mark(at)));
        }
        self.phase = Phase::InRoot;
        self.open_block(Block::Mapping, 0, self.mark(at), &Properties::default())?;
        self.key_entry(at)
    }

    /// A later line: continues a pending node, closes deeper collections, then adds an entry
    /// to the collection at its indentation.
    fn continue_root(&mut self, at: usize) -> Scan<()> {
        let indent = at - self.line.start;
        if self.continue_pending(at, indent)? {
            return Ok(());
        }
        self.close_deeper_than(indent, at);
        let Some(top) = self.frames.last().copied() else {
            return unsupported("content after the root", at);
        };
        if top.indent != indent {
            return unsupported("indentation", at);
        }
        match top.block {
            Block::Sequence { .. } if self.is_block_entry(at) => self.sequence_entry(at),
            // The key after the last `- ` of a sequence at its key's indentation.
            Block::Sequence { indentless: true } => {
                self.close_top(at);
                self.key_entry(at)
            }
            Block::Sequence { indentless: false } => unsupported("expected `- `", at),
            Block::Mapping => self.key_entry(at),
        }
    }

    /// Gives the pending node its content from this line if the line holds it (`true`);
    /// otherwise emits it as an empty node.
    fn continue_pending(&mut self, at: usize, indent: usize) -> Scan<bool> {
        let Some(pending) = self.pending.take() else {
            return Ok(false);
        };
        let Some(owner) = self.frames.last().copied() else {
            return unsupported("content after the root", at);
        };
        if indent > owner.indent {
            self.block_node(at, pending.properties, Context::Line)?;
            return Ok(true);
        }
        if indent == owner.indent && owner.block == Block::Mapping && self.is_block_entry(at) {
            // granit starts such a sequence at its first entry's content.
            let start = self.block_entry_content(at);
            let block = Block::Sequence { indentless: true };
            self.open_block(block, indent, self.mark(start), &pending.properties)?;
            self.sequence_entry(at)?;
            return Ok(true);
        }
        self.emit_empty(&pending);
        Ok(false)
    }

    fn emit_empty(&mut self, pending: &Pending<'s>) {
        let properties = &pending.properties;
        // granit: a tagged empty node has empty text, an untagged one `~`.
        let text = if properties.tag.is_some() { "" } else { "~" };
        let event = Event::Scalar(
            Cow::Borrowed(text),
            ScalarStyle::Plain,
            properties.anchor,
            properties.tag(),
        );
        let mut span = empty_span(pending.empty_at);
        properties.mark_tag(&mut span);
        self.emit(event, span);
    }

    /// Closes the block collections indented deeper than `indent`; granit ends them where the
    /// next token starts.
    fn close_deeper_than(&mut self, indent: usize, at: usize) {
        while self
            .frames
            .last()
            .is_some_and(|frame| frame.indent > indent)
        {
            self.close_top(at);
        }
    }

    fn close_top(&mut self, at: usize) {
        let end = empty_span(self.mark(at));
        self.close_top_at(end);
    }

    fn close_top_at(&mut self, end: Span) {
        if let Some(frame) = self.frames.pop() {
            let event = match frame.block {
                Block::Mapping => Event::MappingEnd,
                Block::Sequence { .. } => Event::SequenceEnd,
            };
            self.emit(event, end);
        }
    }

    fn open_block(
        &mut self,
        block: Block,
        indent: usize,
        start: Marker,
        properties: &Properties<'s>,
    ) -> Scan<()> {
        if self.frames.len() >= MAX_NESTING {
            return unsupported("deep nesting", self.line.start + indent);
        }
        self.frames.push(Frame { block, indent });
        let event = match block {
            Block::Mapping => {
                Event::MappingStart(StructureStyle::Block, properties.anchor, properties.tag())
            }
            Block::Sequence { .. } => {
                Event::SequenceStart(StructureStyle::Block, properties.anchor, properties.tag())
            }
        };
        let mut span = empty_span(start);
        properties.mark_tag(&mut span);
        self.emit(event, span);
        Ok(())
    }

    /// `-` followed by a space or the line break.
    fn is_block_entry(&self, at: usize) -> bool {
        self.byte(at) == Some(b'-') && matches!(self.byte(at + 1), None | Some(b' '))
    }

    /// Where granit's entry token for the `-` at `dash` ends: after the spaces, and after a
    /// comment if one follows.
    fn block_entry_content(&self, dash: usize) -> usize {
        let content = self.skip_spaces(dash + 1);
        if self.at_comment_or_end(content) {
            self.line.end
        } else {
            content
        }
    }

    /// `- …` at `dash`, in the sequence on top of the stack.
    fn sequence_entry(&mut self, dash: usize) -> Scan<()> {
        let content = self.block_entry_content(dash);
        if content == self.line.end {
            self.pending = Some(Pending {
                empty_at: self.mark(content),
                properties: Properties::default(),
            });
            return Ok(());
        }
        self.block_node(content, Properties::default(), Context::Item)
    }

    /// `key: …` at `at`, in the mapping on top of the stack.
    fn key_entry(&mut self, at: usize) -> Scan<()> {
        let key = self.scalar(at, false)?;
        let Some(colon) = self.colon_after(key.end) else {
            return unsupported("expected a key", at);
        };
        self.key_and_value(at, key, colon)
    }

    fn key_and_value(&mut self, at: usize, key: Scalar<'s>, colon: usize) -> Scan<()> {
        if colon - at > MAX_KEY_LENGTH {
            return unsupported("long key", at);
        }
        let start = self.mark(at);
        let mut span = span_between(start, self.mark(key.end));
        span.indent = Some(start.col());
        self.emit(Event::Scalar(key.text, key.style, 0, None), span);
        let value = self.skip_spaces(colon + 1);
        if self.at_comment_or_end(value) {
            self.pending = Some(Pending {
                empty_at: self.mark(colon),
                properties: Properties::default(),
            });
            return Ok(());
        }
        self.block_node(value, Properties::default(), Context::Value)
    }

    /// The node starting at `at` in block context. `inherited` are the properties a pending
    /// node got on the line before.
    fn block_node(&mut self, at: usize, inherited: Properties<'s>, context: Context) -> Scan<()> {
        let compact = context != Context::Value;
        if compact && self.is_block_entry(at) {
            let block = Block::Sequence { indentless: false };
            self.open_block(block, at - self.line.start, self.mark(at), &inherited)?;
            return self.sequence_entry(at);
        }
        let (own, content) = self.properties(at, false)?;
        if !own.is_empty() && !inherited.is_empty() {
            return unsupported("properties on two lines", at);
        }
        let properties = if own.is_empty() { inherited } else { own };
        if self.at_comment_or_end(content) {
            // Only properties: the content comes on the next lines.
            return match (context, properties.end) {
                (Context::Value | Context::Item, Some(end)) => {
                    self.pending = Some(Pending {
                        empty_at: end,
                        properties,
                    });
                    Ok(())
                }
                _ => unsupported("properties on a line of their own", at),
            };
        }
        match self.byte(content) {
            Some(b'*') if properties.is_empty() => {
                let end = self.alias(content, false)?;
                return self.after_value(end);
            }
            Some(b'[' | b'{') => {
                let end = self.flow_collection(content, properties, 1)?;
                return self.after_value(end);
            }
            _ => {}
        }
        let scalar = self.scalar(content, false)?;
        if let Some(colon) = self.colon_after(scalar.end) {
            if !compact || !own.is_empty() {
                return unsupported("key not allowed here", content);
            }
            let indent = content - self.line.start;
            self.open_block(Block::Mapping, indent, self.mark(content), &properties)?;
            return self.key_and_value(content, scalar, colon);
        }
        let end = scalar.end;
        self.emit_scalar(scalar, content, &properties);
        self.after_value(end)
    }

    /// After a value, only a comment (after white space) may follow on the line.
    fn after_value(&self, end: usize) -> Scan<()> {
        let next = self.skip_spaces(end);
        match self.byte(next) {
            None => Ok(()),
            Some(b'#') if next > end => Ok(()),
            _ => unsupported("text after a value", next),
        }
    }

    /// The `:` (followed by a space or the line break) after a scalar ending at `end`.
    fn colon_after(&self, end: usize) -> Option<usize> {
        let colon = self.skip_spaces(end);
        (self.byte(colon) == Some(b':') && matches!(self.byte(colon + 1), None | Some(b' ')))
            .then_some(colon)
    }

    /// At the end of the input: the pending node is empty, and every collection ends there.
    fn finish(&mut self) -> Scan<()> {
        if !matches!(self.phase, Phase::InRoot) {
            return unsupported("no root mapping", self.source.len());
        }
        if let Some(pending) = self.pending.take() {
            self.emit_empty(&pending);
        }
        let end = empty_span(self.end_of_input.unwrap_or_default());
        while !self.frames.is_empty() {
            self.close_top_at(end);
        }
        self.emit(Event::DocumentEnd, end);
        self.emit(Event::StreamEnd, end);
        self.phase = Phase::Ended;
        Ok(())
    }

    // ---- Node properties and aliases ----

    /// `&anchor` and `!Tag` (at most one of each, in either order) at `at`; returns them and
    /// where the content starts.
    fn properties(&mut self, at: usize, flow: bool) -> Scan<(Properties<'s>, usize)> {
        let mut properties = Properties::default();
        if !matches!(self.byte(at), Some(b'&' | b'!')) {
            return Ok((properties, at));
        }
        let mut next = at;
        loop {
            match self.byte(next) {
                Some(b'&') if properties.anchor == 0 => {
                    let end = self.property_name_end(next, flow)?;
                    let name = &self.source[next + 1..end];
                    properties.anchor = self.next_anchor;
                    self.anchors.insert(name, self.next_anchor);
                    self.next_anchor += 1;
                    properties.end = Some(self.mark(end));
                    next = self.skip_spaces(end);
                }
                Some(b'!') if properties.tag.is_none() => {
                    let end = self.property_name_end(next, flow)?;
                    properties.tag = Some((&self.source[next + 1..end], self.mark(next)));
                    properties.end = Some(self.mark(end));
                    next = self.skip_spaces(end);
                }
                _ => return Ok((properties, next)),
            }
        }
    }

    /// End of the name after the `&` or `!` at `at`, which must be followed by a space (or, in
    /// block context, the line break). `!!`, `!<…>`, `!a!b` and odd names are left to granit.
    fn property_name_end(&self, at: usize, flow: bool) -> Scan<usize> {
        let end = self.name_end(at + 1);
        let separated = match self.byte(end) {
            Some(b' ') => true,
            None => !flow,
            Some(_) => false,
        };
        if end == at + 1 || !separated {
            return unsupported("unusual anchor or tag", at);
        }
        Ok(end)
    }

    fn name_end(&self, mut at: usize) -> usize {
        while self.byte(at).is_some_and(is_name_byte) {
            at += 1;
        }
        at
    }

    /// `*name` at `at`; returns its end.
    fn alias(&mut self, at: usize, flow: bool) -> Scan<usize> {
        let end = self.name_end(at + 1);
        let separated = match self.byte(end) {
            None | Some(b' ') => true,
            Some(byte) => flow && matches!(byte, b',' | b']' | b'}'),
        };
        if end == at + 1 || !separated {
            return unsupported("unusual alias", at);
        }
        // granit rejects an alias to an anchor not (yet) defined.
        let Some(&id) = self.anchors.get(&self.source[at + 1..end]) else {
            return unsupported("unknown anchor", at);
        };
        self.emit(Event::Alias(id), self.span(at, end));
        Ok(end)
    }

    // ---- Scalars ----

    fn emit_scalar(&mut self, scalar: Scalar<'s>, start: usize, properties: &Properties<'s>) {
        let mut span = self.span(start, scalar.end);
        properties.mark_tag(&mut span);
        let event = Event::Scalar(
            scalar.text,
            scalar.style,
            properties.anchor,
            properties.tag(),
        );
        self.emit(event, span);
    }

    /// The scalar starting at `at`, which must end on this line.
    fn scalar(&self, at: usize, flow: bool) -> Scan<Scalar<'s>> {
        match self.byte(at) {
            Some(b'\'') => self.single_quoted(at),
            Some(b'"') => self.double_quoted(at),
            Some(byte) if self.starts_plain(at, byte, flow) => {
                let end = self.plain_end(at, flow);
                Ok(Scalar {
                    text: Cow::Borrowed(&self.source[at..end]),
                    style: ScalarStyle::Plain,
                    end,
                })
            }
            _ => unsupported("not a scalar", at),
        }
    }

    /// Whether `byte` at `at` starts a plain scalar. Indicators that granit reads differently
    /// (or rejects) do not; nor do `?` and `:`, which start plain scalars only in some places.
    fn starts_plain(&self, at: usize, byte: u8, flow: bool) -> bool {
        match byte {
            b'-' => match self.byte(at + 1) {
                None | Some(b' ') => false,
                Some(next) => !(flow && is_flow_indicator(next)),
            },
            b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b'?'
            | b':' => false,
            _ => !is_flow_indicator(byte),
        }
    }

    /// End of the one-line plain scalar starting at `at`: before `: `, ` #`, trailing spaces,
    /// the line break, and in flow context before `,[]{}` and `:` followed by one of them.
    fn plain_end(&self, at: usize, flow: bool) -> usize {
        let bytes = self.through_line;
        let stops = if flow {
            &FLOW_PLAIN_STOPS
        } else {
            &BLOCK_PLAIN_STOPS
        };
        let mut end = at;
        loop {
            if !flow {
                end = skip_to_space_or_colon(bytes, end);
            }
            while let Some(&byte) = bytes.get(end) {
                if stops[usize::from(byte)]
                    && (byte != b':' || self.colon_ends_plain(end + 1, flow))
                {
                    break;
                }
                end += 1;
            }
            // Spaces belong to the scalar only if more of it follows.
            let next = self.skip_spaces(end);
            let goes_on = match self.byte(next) {
                Some(b'#') | None => false,
                Some(b':') => !self.colon_ends_plain(next + 1, flow),
                Some(byte) => next > end && !(flow && is_flow_indicator(byte)),
            };
            if !goes_on {
                return end;
            }
            end = next;
        }
    }

    fn colon_ends_plain(&self, after: usize, flow: bool) -> bool {
        match self.byte(after) {
            None | Some(b' ') => true,
            Some(byte) => flow && is_flow_indicator(byte),
        }
    }

    /// `'…'` on one line; `''` stands for `'`.
    fn single_quoted(&self, at: usize) -> Scan<Scalar<'s>> {
        let bytes = self.source.as_bytes();
        let mut owned: Option<String> = None;
        let mut chunk = at + 1;
        let mut at_quote = chunk;
        loop {
            while at_quote < self.line.end && bytes[at_quote] != b'\'' {
                at_quote += 1;
            }
            if at_quote == self.line.end {
                return unsupported("multi-line quoted scalar", at);
            }
            if self.byte(at_quote + 1) != Some(b'\'') {
                break;
            }
            let text = owned.get_or_insert_with(String::new);
            text.push_str(&self.source[chunk..=at_quote]);
            chunk = at_quote + 2;
            at_quote = chunk;
        }
        Ok(Scalar {
            text: unescaped(owned, &self.source[chunk..at_quote]),
            style: ScalarStyle::SingleQuoted,
            end: at_quote + 1,
        })
    }

    /// `"…"` on one line, with the one-character escapes.
    fn double_quoted(&self, at: usize) -> Scan<Scalar<'s>> {
        let bytes = self.source.as_bytes();
        let mut owned: Option<String> = None;
        let mut chunk = at + 1;
        let mut next = chunk;
        loop {
            while next < self.line.end && !matches!(bytes[next], b'"' | b'\\') {
                next += 1;
            }
            if next == self.line.end {
                return unsupported("multi-line quoted scalar", at);
            }
            if bytes[next] == b'"' {
                break;
            }
            let Some(escaped) = self.byte(next + 1).and_then(escaped_char) else {
                return unsupported("escape sequence", next);
            };
            let text = owned.get_or_insert_with(String::new);
            text.push_str(&self.source[chunk..next]);
            text.push(escaped);
            chunk = next + 2;
            next = chunk;
        }
        Ok(Scalar {
            text: unescaped(owned, &self.source[chunk..next]),
            style: ScalarStyle::DoubleQuoted,
            end: next + 1,
        })
    }

    // ---- Flow collections ----

    /// The flow node at `at` (properties included); returns where it ends.
    fn flow_node(&mut self, at: usize, depth: usize) -> Scan<usize> {
        let (properties, content) = self.properties(at, true)?;
        match self.byte(content) {
            Some(b'[' | b'{') => self.flow_collection(content, properties, depth),
            Some(b'*') if properties.is_empty() => self.alias(content, true),
            _ => {
                let scalar = self.scalar(content, true)?;
                let end = scalar.end;
                self.emit_scalar(scalar, content, &properties);
                Ok(end)
            }
        }
    }

    /// `[…]` or `{…}` at `open`, closed on the same line; returns where it ends.
    fn flow_collection(
        &mut self,
        open: usize,
        properties: Properties<'s>,
        depth: usize,
    ) -> Scan<usize> {
        if self.frames.len() + depth > MAX_NESTING {
            return unsupported("deep nesting", open);
        }
        let mut span = self.span(open, open + 1);
        properties.mark_tag(&mut span);
        let (anchor, tag) = (properties.anchor, properties.tag());
        if self.byte(open) == Some(b'[') {
            self.emit(
                Event::SequenceStart(StructureStyle::Flow, anchor, tag),
                span,
            );
            self.flow_sequence_entries(open + 1, depth)
        } else {
            self.emit(Event::MappingStart(StructureStyle::Flow, anchor, tag), span);
            self.flow_mapping_entries(open + 1, depth)
        }
    }

    fn flow_sequence_entries(&mut self, after_open: usize, depth: usize) -> Scan<usize> {
        let mut at = self.skip_spaces(after_open);
        if self.byte(at) == Some(b']') {
            return Ok(self.close_flow(Event::SequenceEnd, at));
        }
        loop {
            let end = self.flow_node(at, depth + 1)?;
            at = self.skip_spaces(end);
            match self.flow_separator(at, b']')? {
                Some(next) => at = next,
                None => return Ok(self.close_flow(Event::SequenceEnd, at)),
            }
        }
    }

    fn flow_mapping_entries(&mut self, after_open: usize, depth: usize) -> Scan<usize> {
        let mut at = self.skip_spaces(after_open);
        if self.byte(at) == Some(b'}') {
            return Ok(self.close_flow(Event::MappingEnd, at));
        }
        loop {
            let key = self.scalar(at, true)?;
            let Some(colon) = self.colon_after(key.end) else {
                return unsupported("flow key without value", at);
            };
            if colon - at > MAX_KEY_LENGTH {
                return unsupported("long key", at);
            }
            let key_end = key.end;
            self.emit(
                Event::Scalar(key.text, key.style, 0, None),
                self.span(at, key_end),
            );
            let value = self.skip_spaces(colon + 1);
            if matches!(self.byte(value), None | Some(b',' | b'}')) {
                return unsupported("empty flow value", value);
            }
            let end = self.flow_node(value, depth + 1)?;
            at = self.skip_spaces(end);
            match self.flow_separator(at, b'}')? {
                Some(next) => at = next,
                None => return Ok(self.close_flow(Event::MappingEnd, at)),
            }
        }
    }

    /// After a flow entry: `Some(next entry)` after a `,`, `None` at the closing bracket.
    fn flow_separator(&self, at: usize, close: u8) -> Scan<Option<usize>> {
        match self.byte(at) {
            Some(b',') => {
                let next = self.skip_spaces(at + 1);
                if self.byte(next) == Some(close) {
                    return unsupported("trailing comma", next);
                }
                Ok(Some(next))
            }
            Some(byte) if byte == close => Ok(None),
            _ => unsupported("unexpected text in a flow collection", at),
        }
    }

    fn close_flow(&mut self, event: Event<'s>, at: usize) -> usize {
        self.emit(event, self.span(at, at + 1));
        at + 1
    }
}

/// A quoted scalar's text: borrowed from the source when it held no escape, else the text
/// unescaped so far (`owned`) and its last piece.
fn unescaped<'s>(owned: Option<String>, last: &'s str) -> Cow<'s, str> {
    match owned {
        None => Cow::Borrowed(last),
        Some(mut text) => {
            text.push_str(last);
            Cow::Owned(text)
        }
    }
}

/// The character a one-character escape (`\n`, `\"`, …) stands for, as granit decodes it.
fn escaped_char(letter: u8) -> Option<char> {
    Some(match letter {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        _ => return None,
    })
}

/// How the fast path fared on a text on which [`check_against_granit`] found no disagreement.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The fast path read the whole text and gave granit's events.
    FastPath,
    /// The fast path left the text to granit, for this reason.
    Unsupported(&'static str),
}

/// Differential check for tests and fuzzing: when the fast path reads the whole text, granit
/// must accept it and give the same events with the same spans (byte offsets included); and
/// the loaded tree (or diagnostic) must be the same with and without the fast path.
#[doc(hidden)]
pub fn check_against_granit(source: &str) -> Result<Agreement, String> {
    let mut fast_items = Collect(Vec::new());
    let agreement = match read(source, &mut fast_items) {
        Ok(_) => {
            compare_with_granit_events(source, &fast_items.0)?;
            Agreement::FastPath
        }
        Err(unsupported) => Agreement::Unsupported(unsupported.reason),
    };
    let with_fast_path = super::yaml::parse_yaml(source);
    let granit_only = super::yaml::parse_yaml_granit(source);
    if with_fast_path != granit_only {
        return Err(format!(
            "loaded trees differ\nwith the fast path: {with_fast_path:?}\ngranit only: {granit_only:?}"
        ));
    }
    Ok(agreement)
}

/// Keeps every event (tests only: real receivers stream).
struct Collect<'s>(Vec<Item<'s>>);

impl<'s> Receiver<'s> for Collect<'s> {
    fn receive(&mut self, event: Event<'s>, span: Span) -> bool {
        self.0.push((event, span));
        true
    }
}

fn compare_with_granit_events(source: &str, fast: &[Item<'_>]) -> Result<(), String> {
    let options = granit_parser::options! { emit_comments: false };
    let mut parser = granit_parser::Parser::new_from_str_with_options(source, options);
    let mut index = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) =
            next.map_err(|error| format!("granit rejects a text the fast path read: {error}"))?;
        let Some((fast_event, fast_span)) = fast.get(index) else {
            return Err(format!(
                "granit has more events; #{index} is {event:?} {span:?}"
            ));
        };
        if *fast_event != event || !same_span(fast_span, &span) {
            return Err(format!(
                "event #{index} differs\nfast:   {fast_event:?} {fast_span:?} tag span {:?}\ngranit: {event:?} {span:?} tag span {:?}",
                fast_span.tag_span(),
                span.tag_span()
            ));
        }
        index += 1;
        if matches!(event, Event::StreamEnd) {
            break;
        }
    }
    if index != fast.len() {
        return Err(format!(
            "the fast path has {} events, granit {index}",
            fast.len()
        ));
    }
    Ok(())
}

/// `Span` equality leaves byte offsets out; the builder reads them, so they are compared too.
fn same_span(fast: &Span, granit: &Span) -> bool {
    let bytes = |marker: Option<Marker>| marker.map(|marker| marker.byte_offset());
    fast == granit
        && bytes(Some(fast.start)) == bytes(Some(granit.start))
        && bytes(Some(fast.end)) == bytes(Some(granit.end))
        && bytes(fast.tag_start()) == bytes(granit.tag_start())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::{Agreement, check_against_granit};

    /// Tally of fast-path outcomes, printed by each test (`--nocapture` shows it).
    #[derive(Debug, Default)]
    struct Tally {
        fast: usize,
        reasons: BTreeMap<&'static str, usize>,
    }

    impl Tally {
        fn check(&mut self, name: &str, source: &str) -> Agreement {
            let agreement = check_against_granit(source).unwrap_or_else(|error| {
                panic!(
                    "{name}: fast path disagrees with granit: {error}\n--- text ---\n{source}\n---"
                )
            });
            match agreement {
                Agreement::FastPath => self.fast += 1,
                Agreement::Unsupported(reason) => *self.reasons.entry(reason).or_default() += 1,
            }
            agreement
        }

        fn report(&self, what: &str) {
            let bailed: usize = self.reasons.values().sum();
            eprintln!(
                "{what}: {} inputs, {} on the fast path, {bailed} left to granit {:?}",
                self.fast + bailed,
                self.fast,
                self.reasons
            );
        }
    }

    fn repository() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Every `*.yml` / `*.yaml` under `dir`, sorted.
    fn yaml_files(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path
                    .extension()
                    .is_some_and(|ext| ext == "yml" || ext == "yaml")
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    fn repository_corpus() -> Vec<(String, String)> {
        let root = repository();
        [
            "tests/cases",
            "tests/extra-cases",
            "tests/bad-configs",
            "tests/schema-fixtures",
            "examples",
        ]
        .iter()
        .flat_map(|dir| yaml_files(&root.join(dir)))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path.display().to_string(), text))
        })
        .collect()
    }

    /// The word-at-a-time scans against byte-at-a-time ones: every byte value at every
    /// position of a word, after every alignment.
    #[test]
    fn word_scans_match_byte_scans() {
        for byte in 0..=u8::MAX {
            for position in 0..24 {
                for start in 0..8 {
                    let mut bytes = vec![b'a'; 24];
                    bytes[position] = byte;
                    let naive_end = start
                        + bytes[start..]
                            .iter()
                            .position(|&b| b == b'\n')
                            .unwrap_or(bytes.len() - start);
                    let naive_unusual = bytes[start..naive_end]
                        .iter()
                        .any(|b| !(0x20..0x7f).contains(b));
                    assert_eq!(
                        super::line_end(&bytes, start),
                        (naive_end, naive_unusual),
                        "byte {byte:#x} at {position} from {start}"
                    );
                    let found = super::skip_to_space_or_colon(&bytes, start);
                    let first = bytes[start..]
                        .iter()
                        .position(|&b| b == b' ' || b == b':')
                        .map_or(bytes.len(), |offset| start + offset);
                    assert!(found <= first, "byte {byte:#x} at {position} from {start}");
                    assert!(found + 8 > first || found + 8 > bytes.len());
                }
            }
        }
    }

    #[test]
    fn repository_yaml_files_agree_and_valid_cases_take_the_fast_path() {
        let corpus = repository_corpus();
        assert!(
            corpus.len() > 50,
            "corpus not found: {} files",
            corpus.len()
        );
        let mut tally = Tally::default();
        for (name, text) in &corpus {
            let agreement = tally.check(name, text);
            if agreement != Agreement::FastPath {
                eprintln!("left to granit: {name}: {agreement:?}");
            }
            if name.contains("tests/cases/") {
                assert_eq!(
                    agreement,
                    Agreement::FastPath,
                    "{name} should take the fast path"
                );
            }
        }
        tally.report("repository YAML files");
    }

    /// The fuzzers' corpora (`fuzz/corpus/*`, git-ignored, so only where fuzzing was run):
    /// `cargo test -p msk-compile --lib fast_yaml -- --ignored --nocapture`.
    #[test]
    #[ignore = "needs the local fuzz corpora"]
    fn fuzz_corpora_agree() {
        let mut tally = Tally::default();
        let corpora = repository().join("fuzz/corpus");
        let mut pending = vec![corpora];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.flatten().map(|entry| entry.path()) {
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    tally.check(&path.display().to_string(), &text);
                }
            }
        }
        tally.report("fuzz corpora");
    }

    #[test]
    fn synthetic_services_take_the_fast_path() {
        let mut tally = Tally::default();
        for (functions, events, seed) in
            [(1, 1, 1), (2, 3, 5), (7, 4, 2), (25, 10, 3), (120, 6, 11)]
        {
            let text = crate::synth::service(functions, events, seed);
            let name = format!("synth {functions}x{events} seed {seed}");
            assert_eq!(tally.check(&name, &text), Agreement::FastPath, "{name}");
        }
        tally.report("synthetic services");
    }

    /// Texts the fast path must read itself (each one exercises a feature of the subset).
    const FAST: &[&str] = &[
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:",
        "a: b # comment\nc: d\n",
        "# head\n\n  # indented comment\na: 1\n\n# tail",
        "a: b c  d\n",
        "a: x #y\n",
        "a: x#y\n",
        "a : 1\n",
        "'a': 1\n\"b\" : 2\n",
        "a: 'it''s'\nb: ''\nc: ''''\n",
        "a: \"q \\\" \\\\ \\/ \\n \\t \\0 \\e \\_ \\N \\L \\P\"\n",
        "a: -1\nb: --x\nc: ---\nd: ...\n",
        "a: {b: 1}\n",
        "a: { b: 1, c: [ x, y ], d: { } }\n",
        "a: []\nb: [ ]\nc: {}\n",
        "a: [ { prefix: \"us-\" } ]\n",
        "a: [a b, c:d, 'e', \"f\", -1, [[x]]]\n",
        "x: &x 1\ny: *x\n",
        "x: &x\n  a: 1\ny:\n  <<: *x\n  b: 2\n",
        "d: &d\n  a: 1\ne: &e\n  b: 2\nf:\n  <<: [ *d, *e ]\n",
        "x: &x 1\nx2: &x 2\ny: *x\n",
        "a: !Ref b\nc: !GetAtt d.Arn\ne: !Sub\n  - x\n  - y: z\n",
        "a: !Ref\nb: 1\n",
        "a: !Ref\n",
        "a: &x !Ref b\nc: !Sub &y d\n",
        "a: !Sub\n  b: 1\n",
        "a: &x\n- 1\n",
        "a: !Sub\n- 1\n",
        "a: [ !Ref b, &c d, *c ]\n",
        "a: { b: !Ref c }\n",
        "k:\n- a\n- b\nz: 1\n",
        "k:\n  - a\n  - b\n",
        "k:\n  - a: 1\n    b: 2\n  - c: 3\n",
        "k:\n- a: 1\n  b: 2\n- c:\n  - d\n  e: f\n",
        "k:\n  - - a\n    - b\n  - - c\n",
        "k:\n  -\n  - \n  - # comment\n  -\n    a: 1\n",
        "k:\n  - &a\n  - !Ref\n  - &b !Ref\n  - x\n",
        "k:\n  -   a: 1\n      b: 2\n",
        "a:\n  b:\n    c:\n      d: 1\n  e: 2\nf: 3\n",
        "a:\n  b:\n    c:\n      d:\n",
        "x: &a 0\na:\n  1\nb:\n  'x'\nc:\n  [1]\nd:\n  *a\n",
        "---\na: 1\n",
        "# c\n--- # c\na: 1\n",
        "été: \"☃ x\"\nb: [ é, ü ]\nc: 'ñ' # ü\n",
        "a: 1   \nb: 2 \n",
        "a: 1\n\n\n",
        "<<: 1\n",
        "a: [1, 2] # c\n",
        "a: yes\nb: ~\nc: null\nd: 0x1F\ne: 1e3\n",
        "a: &x [1, 2]\nb: *x\n",
        "a: 1\n   ",
        "a: 1\n# c",
        "a: 1\n  # c  ",
        "a: !Ref",
        "a: &x",
        "k:\n- ",
        "k:\n-",
        "a: é",
        "a: !Sub # c\n  - x\n",
        "a: &x # c\nz: *x\n",
        "k:\n  - [a]\n  - {a: 1}\n  - []\n  - [{a: 1}]\n",
        "k:\n  - - - x\n      - y\n    - z\n",
        "k:\n- \n a: 1\n",
        "k:\n -\n  a: 1\n",
        "a:\n b: 1\n",
        "a:\n b\n",
        "---x: 1\n",
        "...x: 1\n",
        "a: b :c\n",
        "'a':\n",
        "x: &x 1\na: [*x, *x]\n",
        "x: &x 1\nk: { a: *x, b: [*x] }\n",
        "a: \"\"\nb: ' '\nc: \" x \"\n",
        "a: x\u{a0}y\nb: \u{2028}\n",
        "a: 𝄞\n𝄞: [𝄞]\n",
    ];

    #[test]
    fn hand_written_subset_takes_the_fast_path() {
        let mut tally = Tally::default();
        for (index, text) in FAST.iter().enumerate() {
            let name = format!("FAST[{index}]");
            assert_eq!(
                tally.check(&name, text),
                Agreement::FastPath,
                "{name}: {text:?}"
            );
        }
        tally.report("hand-written subset");
    }

    /// Texts near the edges of the subset: some are read by the fast path, some left to
    /// granit, some invalid; all must agree.
    const EDGES: &[&str] = &[
        "",
        "\n",
        "# only a comment\n",
        "a",
        "a: b: c\n",
        "key:value\n",
        "- - x\n",
        "-x\n",
        "- \n",
        "- a\n- b\n",
        "a: 1\n b: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "a:\n  b: 1\n   c: 2\n",
        "a: 1\na: 2\n",
        "a: &x [*x]\n",
        "a: &x\n  b: *x\n",
        "a: b\n  c\n",
        "a: b # c\n  d\n",
        "a:\n  b\n  c\n",
        "a:\n  b\n  # c\n  d\n",
        "- a\n  b\n",
        "a: 'b\n  c'\n",
        "a: \"b\n  c\"\n",
        "a: [1,\n  2]\n",
        "a: {b: 1\n}\n",
        "a: [1, 2,]\n",
        "a: [1 2]\n",
        "a: [a: b]\n",
        "a: {b}\n",
        "a: {b: }\n",
        "a: {b:1}\n",
        "a: {\"b\":1}\n",
        "a: [-]\n",
        "a: [- b]\n",
        "a: ]\n",
        "a: }\n",
        "a: ,\n",
        "a: |\n  x\n",
        "a: >\n  x\n",
        "? a\n: b\n",
        "a:\tb\n",
        "a: b\r\n",
        "\u{feff}a: 1\n",
        "a: \u{85}\n",
        "a: \u{1}\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n...\n",
        "--- a: 1\n",
        "---\n",
        "a: !!str 1\n",
        "a: !<tag:x> 1\n",
        "a: !x!y 1\n",
        "a: ! 1\n",
        "a: !Foo 1\n",
        "a: !Ref[x]\n",
        "a: [!Ref]\n",
        "a: &x\nb: *x\n",
        "&a a: 1\n",
        "- &a a: 1\n",
        "*a : 1\n",
        "a: &x &y 1\n",
        "a: !A !B 1\n",
        "a: &x *y\n",
        "a: 'b'c\n",
        "a: 'b' c\n",
        "a: 'b'#c\n",
        "a: [b]#c\n",
        "a: *x#c\n",
        "'a'x: 1\n",
        "a: \"\\x41\"\n",
        "a: \"\\q\"\n",
        "a: \"\\\n",
        "a: @b\n",
        "a: `b\n",
        "a: %b\n",
        "a: ?b\n",
        "a: :b\n",
        "a: - b\n",
        "a: -\n",
        "[a]: 1\n",
        "{a: 1}: 2\n",
        "a:\n- b\n  - c\n",
        "a:\n-\nb: 1\n",
        "a:\n  -\n b: 1\n",
        "a:\n  &x\n  b: 1\n",
        "a: !T\n  &x\n  b: 1\n",
        "a: !T\n  !U b\n",
        "a: &x\n  *x\n",
        "  a: 1\n  b: 2\n",
        "a: 1\n# c\n  # c\nb: 2\n",
        "a:\n  b: 1\n\n\n  c: 2\n",
        "a: [ { b: [ { c: [ d ] } ] } ]\n",
        "a: b\n-\n",
        "a:\n  - b\n  c: 1\n",
        "a: x\n- b\n",
        "- a: 1\n  - b\n",
        "a: {b: 1, b: 2}\n",
        "a: 1 # é\nb: \"é\" # ☃\n",
        "é: 1\n  ü: 2\n",
        "a: ---\n---\n",
        "...\n",
        "a: 0\n...\nb: 1\n",
        "a: 'x' : y\n",
        "a:  \n  \n",
        "a: [ 'x' , \"y\" ]\n",
        "a: [ x , y ]\n",
        "a: [ x, ]\n",
        "a: {,}\n",
        "a: [,]\n",
        "a:\n  - [x]\n  - {y: z}\n",
        "a: !Sub [x]\n",
        "a: !Sub {x: y}\n",
        "a: &x [y]\n",
    ];

    #[test]
    fn edge_cases_agree() {
        let mut tally = Tally::default();
        for (index, text) in EDGES.iter().enumerate() {
            tally.check(&format!("EDGES[{index}]"), text);
        }
        tally.report("edge cases");
    }

    /// A long key is no longer a key for granit (`simple_key_max_lookahead`).
    #[test]
    fn long_keys_agree() {
        let mut tally = Tally::default();
        for length in [1000, 1020, 1024, 1025, 1030, 2000] {
            let key = "k".repeat(length);
            tally.check("long block key", &format!("{key}: 1\n"));
            tally.check(
                "long block key after spaces",
                &format!("a:\n  {key}  : 1\n"),
            );
            tally.check("long flow key", &format!("a: {{ {key}: 1 }}\n"));
            tally.check(
                "long unicode key",
                &format!("{}: 1\n", "é".repeat(length / 2)),
            );
            tally.check("long value", &format!("a: {key}\nb: 1\n"));
            tally.check("long flow value", &format!("a: [{key}, {{ b: {key} }}]\n"));
            tally.check("long item", &format!("a:\n  - {key}\n  - x\n"));
        }
        tally.report("long keys");
    }

    /// Deep nesting: js-yaml's and granit's limits are left to the slow path.
    #[test]
    fn deep_nesting_agrees() {
        let mut tally = Tally::default();
        for depth in [10, 50, 98, 99, 100, 101, 150] {
            let mut block = String::new();
            for level in 0..depth {
                block.push_str(&" ".repeat(level));
                block.push_str("k:\n");
            }
            tally.check("deep block", &block);
            let flow = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
            tally.check("deep flow", &flow);
        }
        tally.report("deep nesting");
    }

    /// xorshift64*: deterministic, platform-independent mutations.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, bound: usize) -> usize {
            usize::try_from(self.next() % (bound.max(1) as u64)).unwrap_or(0)
        }
    }

    /// Pieces of YAML syntax that mutations insert.
    const PIECES: &[&str] = &[
        " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "[", "]", "{", "}", ",",
        "&a ", "*a", "!Ref ", "!!str ", "|", ">", "?", "? ", "---\n", "...", "\t", "\r", "\\",
        "\\n", "é", "<<: ", "x", "~", "%", "@", "a: 1\n", "  - x\n", "k:\n", "- k: v\n", "{a: b}",
        "[*a]",
    ];

    /// Applies 1 to 3 random edits (character or line level) to `text`.
    fn mutate(text: &str, random: &mut Random) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..=random.below(3) {
            let at = random.below(chars.len() + 1);
            match random.below(8) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars.insert(at, chars[at]),
                2 | 3 => {
                    let piece = PIECES[random.below(PIECES.len())];
                    chars.splice(at..at, piece.chars());
                }
                4..=6 => {
                    let mut lines: Vec<String> = chars
                        .iter()
                        .collect::<String>()
                        .split('\n')
                        .map(str::to_owned)
                        .collect();
                    let line = random.below(lines.len());
                    match random.below(5) {
                        0 => {
                            lines.remove(line);
                        }
                        1 => lines.insert(line, lines[line].clone()),
                        2 => lines[line].insert(0, ' '),
                        3 => {
                            let trimmed = lines[line].strip_prefix(' ').map(str::to_owned);
                            if let Some(trimmed) = trimmed {
                                lines[line] = trimmed;
                            }
                        }
                        _ => {
                            let other = random.below(lines.len());
                            lines.swap(line, other);
                        }
                    }
                    chars = lines.join("\n").chars().collect();
                }
                _ => chars.truncate(at),
            }
        }
        chars.into_iter().collect()
    }

    /// Scalars for generated documents; those marked `true` are also valid in flow context.
    const SCALARS: &[(&str, bool)] = &[
        ("a", true),
        ("b c", true),
        ("x#y", true),
        ("x:y", true),
        ("-1", true),
        ("1.5", true),
        ("~", true),
        ("null", true),
        ("yes", true),
        ("é", true),
        ("☃ snow", true),
        ("a  b", true),
        ("${self:custom.x}", false),
        ("arn:aws:kafka:us-east-1:1:cluster/x/y", true),
        ("-x", true),
        ("x-", true),
        ("a,b", false),
        ("a]b", false),
        ("x{", false),
        ("x'y", true),
        ("x\"y", true),
        ("'it''s'", true),
        ("'a b'", true),
        ("''", true),
        ("\"a\\\"b\"", true),
        ("\"\\t\"", true),
        ("\"é\"", true),
        ("\"a # b\"", true),
        ("'a: b'", true),
        ("0777", true),
        ("x :y", true),
        ("--", true),
        ("...", true),
        ("!Ref x", true),
        ("!GetAtt a.Arn", true),
    ];

    /// Scalars that leave the subset or are invalid, used now and then.
    const ODD_SCALARS: &[&str] = &[
        "?x",
        ":x",
        "@x",
        "{x",
        "\"\\x41\"",
        "'",
        "---",
        "!!str a",
        "|",
        "a: b",
        "- a",
        "[a",
        "&",
        "*",
    ];

    /// Random documents in and near the subset: nested block collections (compact and
    /// indentless forms included), every scalar form, properties, aliases, one-line flow
    /// collections, comments, blank lines and uneven (valid) indentation.
    struct Generator {
        random: Random,
        anchors: usize,
        out: String,
    }

    impl Generator {
        fn chance(&mut self, percent: usize) -> bool {
            self.random.below(100) < percent
        }

        fn document(&mut self) -> String {
            self.out.clear();
            self.anchors = 0;
            if self.chance(10) {
                self.out.push_str("---\n");
            }
            if self.chance(20) {
                self.out.push_str("# head\n\n");
            }
            self.mapping(0, 0);
            if self.chance(20) {
                self.out.pop();
            }
            std::mem::take(&mut self.out)
        }

        fn line_end(&mut self) {
            match self.random.below(12) {
                0 => self.out.push_str(" # note é"),
                1 => self.out.push_str("  "),
                _ => {}
            }
            self.out.push('\n');
            match self.random.below(15) {
                0 => self.out.push('\n'),
                1 => {
                    let spaces = self.random.below(6);
                    self.out.push_str(&" ".repeat(spaces));
                    self.out.push_str("# comment\n");
                }
                _ => {}
            }
        }

        fn key(&mut self) -> String {
            let number = self.random.below(50);
            match self.random.below(10) {
                0 => format!("'q k{number}'"),
                1 => format!("\"d{number}\""),
                2 if number == 0 => "<<".to_owned(),
                3 => format!("é{number}"),
                4 => format!("a b{number} "),
                _ => format!("k{number}"),
            }
        }

        fn scalar(&mut self, flow: bool) -> &'static str {
            if self.chance(1) {
                return ODD_SCALARS[self.random.below(ODD_SCALARS.len())];
            }
            loop {
                let (text, in_flow) = SCALARS[self.random.below(SCALARS.len())];
                if !flow || in_flow {
                    return text;
                }
            }
        }

        fn properties(&mut self) -> String {
            let mut properties = String::new();
            if self.chance(12) {
                self.anchors += 1;
                properties.push_str(&format!("&a{} ", self.anchors));
            }
            if self.chance(10) {
                properties.push_str(["!Sub ", "!Ref ", "!GetAtt "][self.random.below(3)]);
            }
            properties
        }

        /// An alias, now and then to an anchor not defined (yet).
        fn alias(&mut self) -> String {
            let defined = 1 + self.random.below(self.anchors.max(1));
            let undefined = self.anchors + 1;
            format!("*a{}", if self.chance(5) { undefined } else { defined })
        }

        fn flow_node(&mut self, depth: usize) -> String {
            match self.random.below(if depth > 2 { 3 } else { 6 }) {
                0 if self.anchors > 0 => self.alias(),
                3 => {
                    let items: Vec<String> = (0..self.random.below(4))
                        .map(|_| self.flow_node(depth + 1))
                        .collect();
                    format!("{}[{}]", self.properties(), items.join(", "))
                }
                4 => {
                    let entries: Vec<String> = (0..self.random.below(4))
                        .map(|index| format!("f{index}: {}", self.flow_node(depth + 1)))
                        .collect();
                    format!("{}{{ {} }}", self.properties(), entries.join(", "))
                }
                _ => format!("{}{}", self.properties(), self.scalar(true)),
            }
        }

        /// A node after `key:` or `- `: on the same line, or as a block on the next lines.
        fn node(&mut self, indent: usize, depth: usize, after_dash: bool) {
            let nested = depth < 6 && self.chance(35);
            if !nested {
                self.out.push(' ');
                match self.random.below(8) {
                    0 => {}
                    1 if self.anchors > 0 => {
                        let alias = self.alias();
                        self.out.push_str(&alias);
                    }
                    2 => {
                        let flow = self.flow_node(0);
                        self.out.push_str(&flow);
                    }
                    _ => {
                        let properties = self.properties();
                        self.out.push_str(&properties);
                        let scalar = self.scalar(false);
                        self.out.push_str(scalar);
                    }
                }
                self.line_end();
                return;
            }
            let properties = self.properties();
            if !properties.is_empty() {
                self.out.push(' ');
                self.out.push_str(properties.trim_end());
            }
            self.line_end();
            let deeper = indent + 1 + self.random.below(3);
            if self.chance(50) {
                // A sequence at the key's own indentation is allowed after a key only.
                let at = if !after_dash && self.chance(40) {
                    indent
                } else {
                    deeper
                };
                self.sequence(at, depth + 1);
            } else {
                self.mapping(deeper, depth + 1);
            }
        }

        fn mapping(&mut self, indent: usize, depth: usize) {
            for _ in 0..=self.random.below(4) {
                self.out.push_str(&" ".repeat(indent));
                let key = self.key();
                self.out.push_str(&key);
                self.out.push(':');
                self.node(indent, depth, false);
            }
        }

        fn sequence(&mut self, indent: usize, depth: usize) {
            for _ in 0..=self.random.below(3) {
                self.out.push_str(&" ".repeat(indent));
                self.out.push('-');
                match self.random.below(5) {
                    // A compact mapping: its keys line up after `- `.
                    0 | 1 if depth < 6 => {
                        self.out.push(' ');
                        let inner = indent + 2;
                        let key = self.key();
                        self.out.push_str(&key);
                        self.out.push(':');
                        self.node(inner, depth + 1, false);
                        if self.chance(50) {
                            self.out.push_str(&" ".repeat(inner));
                            let key = self.key();
                            self.out.push_str(&key);
                            self.out.push(':');
                            self.node(inner, depth + 1, false);
                        }
                    }
                    2 if depth < 6 => {
                        self.out.push(' ');
                        self.sequence_compact(indent + 2, depth + 1);
                    }
                    _ => self.node(indent, depth, true),
                }
            }
        }

        /// `- - x`: the first entry on the current line.
        fn sequence_compact(&mut self, indent: usize, depth: usize) {
            self.out.push('-');
            self.node(indent, depth, true);
            if self.chance(50) {
                self.out.push_str(&" ".repeat(indent));
                self.out.push('-');
                self.node(indent, depth, true);
            }
        }
    }

    #[test]
    fn generated_documents_agree() {
        let mut generator = Generator {
            random: Random(0x2545_f491_4f6c_dd1d),
            anchors: 0,
            out: String::new(),
        };
        let mut mutations = Random(0x0123_4567_89ab_cdef);
        let mut tally = Tally::default();
        let mut mutated = Tally::default();
        for round in 0..2500 {
            let text = generator.document();
            tally.check(&format!("generated {round}"), &text);
            let text = mutate(&text, &mut mutations);
            mutated.check(&format!("generated and mutated {round}"), &text);
        }
        tally.report("generated documents");
        mutated.report("generated and mutated documents");
    }

    #[test]
    fn mutated_texts_agree() {
        let mut bases: Vec<String> = FAST
            .iter()
            .chain(EDGES)
            .map(|text| (*text).to_owned())
            .collect();
        bases.push(crate::synth::service(1, 2, 9));
        for (name, text) in repository_corpus() {
            if name.contains("extra-cases") || name.contains("cases/all-options") {
                bases.push(text);
            }
        }
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let mut tally = Tally::default();
        for round in 0..6000 {
            let base = &bases[round % bases.len()];
            let text = mutate(base, &mut random);
            tally.check(&format!("mutation {round}"), &text);
        }
        tally.report("mutated texts");
    }
}
