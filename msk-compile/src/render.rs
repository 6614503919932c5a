//! Turns diagnostics into text: rustc-style snippets for people, one JSON object per line
//! for tools, and GitHub workflow annotations for CI logs.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde_json::json;

use crate::diag::{Diagnostic, Severity, SourceText};
use crate::json::stringify_compact;
use crate::tree::LineIndex;

/// The source a set of diagnostics is about.
#[derive(Debug)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
    index: LineIndex,
}

impl<'a> SourceFile<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        SourceFile {
            name,
            text,
            index: LineIndex::new(text),
        }
    }

    /// `(line, column)` of a diagnostic, both 1-based, when it has a span.
    pub fn position(&self, diagnostic: &Diagnostic) -> Option<(usize, usize)> {
        diagnostic
            .span
            .map(|span| self.index.line_col(self.text, span.start))
    }
}

/// Output style of diagnostics (`--message-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageFormat {
    Human { color: bool },
    Json,
    Github,
}

/// Renders one diagnostic against the file its span is in: one of `files` (a file
/// `${file(…)}` included, the `--resolved` config; see [`SourceText::locate`]) or else
/// `config`.
pub fn render_located(
    diagnostic: &Diagnostic,
    config: &SourceFile<'_>,
    files: &[SourceText],
    format: MessageFormat,
) -> String {
    match diagnostic
        .span
        .and_then(|span| SourceText::locate(files, span))
    {
        Some((file, span)) => {
            let mut local = diagnostic.clone();
            local.span = Some(span);
            render(&local, &SourceFile::new(&file.name, &file.text), format)
        }
        None => render(diagnostic, config, format),
    }
}

/// Warnings of one code shown in the human and github formats; the rest are counted in one
/// line (100 000 colliding events would otherwise print 38 MB of the same warning).
pub const WARNINGS_SHOWN_PER_CODE: usize = 10;

/// Writes a run's diagnostics as the command line does on stderr: every error, and in the
/// human and github formats, in line order, the first [`WARNINGS_SHOWN_PER_CODE`] warnings of
/// each code then a line counting the rest (the json format lists every one, in the order
/// Serverless reports them).
pub fn write_report(
    out: &mut impl std::io::Write,
    diagnostics: &[Diagnostic],
    config: &SourceFile<'_>,
    files: &[SourceText],
    format: MessageFormat,
) -> std::io::Result<()> {
    let mut shown: std::collections::BTreeMap<crate::diag::Code, usize> = Default::default();
    let separator = if matches!(format, MessageFormat::Human { .. }) {
        "\n"
    } else {
        ""
    };
    // For a reader: in the order of the text they point at (the config, then the files it
    // includes); those without a position keep their order, after the others. JSON lines keep
    // the library's order (the one Serverless reports in), which tools may rely on.
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    if format != MessageFormat::Json {
        ordered.sort_by_key(|diagnostic| diagnostic.span.map_or(usize::MAX, |span| span.start));
    }
    for diagnostic in ordered {
        if format != MessageFormat::Json && !diagnostic.is_error() {
            let count = shown.entry(diagnostic.code).or_default();
            *count += 1;
            if *count > WARNINGS_SHOWN_PER_CODE {
                continue;
            }
        }
        let rendered = render_located(diagnostic, config, files, format);
        writeln!(out, "{rendered}{separator}")?;
    }
    for (code, count) in shown {
        if let Some(hidden) = count
            .checked_sub(WARNINGS_SHOWN_PER_CODE)
            .filter(|&hidden| hidden > 0)
        {
            let message = format!(
                "{hidden} more {code} warnings are not shown (`--message-format json` lists every one)"
            );
            match format {
                MessageFormat::Github => writeln!(out, "::warning title={code}::{message}")?,
                _ => writeln!(out, "warning: {message}\n")?,
            }
        }
    }
    Ok(())
}

/// Renders one diagnostic in the chosen format (without a trailing newline).
pub fn render(diagnostic: &Diagnostic, file: &SourceFile<'_>, format: MessageFormat) -> String {
    match format {
        MessageFormat::Human { color } => human(diagnostic, file, color),
        MessageFormat::Json => json_line(diagnostic, file),
        MessageFormat::Github => github(diagnostic, file),
    }
}

fn human(diagnostic: &Diagnostic, file: &SourceFile<'_>, color: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = visible(&match &diagnostic.path {
        Some(path) => format!("at '{path}': {}", diagnostic.message),
        None => diagnostic.message.clone(),
    })
    .into_owned();
    // A file name stays on its `-->` line.
    let name = visible(file.name).replace('\n', "\u{240a}");
    // The `-->` line follows the title, which may span lines (a quoted token of the source).
    let header_line = title.split('\n').count();
    let title = level.primary_title(title).id(diagnostic.code.as_str());
    // When the excerpt starts inside the span's line, annotate-snippets counts the `-->`
    // column from the excerpt: the true column replaces it in the rendered header.
    let mut column_fix = None;
    let mut group = match diagnostic.span {
        Some(span) => {
            let start = floor_char_boundary(file.text, span.start);
            let end = floor_char_boundary(file.text, span.end.max(start));
            let excerpt = Excerpt::new(file, start, end);
            if excerpt.from > excerpt.line_from {
                let in_excerpt = file.text[excerpt.from..start].chars().count() + 1;
                let (_, column) = file.index.line_col(file.text, start);
                column_fix = Some((
                    format!(":{}:{}", excerpt.line, in_excerpt),
                    format!(":{}:{}", excerpt.line, column),
                ));
            }
            // Each character maps to one, so columns are unchanged; the span moves with
            // the lengths of what precedes it.
            let before = visible_source(&file.text[excerpt.from..start]);
            let spanned = visible_source(&file.text[start..end]);
            let source = format!(
                "{before}{spanned}{}",
                visible_source(&file.text[end..excerpt.to])
            );
            title.element(
                Snippet::source(source)
                    .line_start(excerpt.line)
                    .path(name)
                    .annotation(
                        AnnotationKind::Primary.span(before.len()..before.len() + spanned.len()),
                    ),
            )
        }
        None => title.element(Level::NOTE.message(format!("in {name}"))),
    };
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(visible(help).into_owned()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let rendered = renderer.render(&[group]);
    match column_fix {
        Some((excerpt_column, true_column)) => {
            fix_header_column(&rendered, header_line, &excerpt_column, &true_column)
        }
        None => rendered,
    }
}

/// Bytes of context kept on each side of a span within its line. annotate-snippets shows at
/// most a terminal width of a line, so this is more than it shows; without a cut, each
/// diagnostic on a one-line (minified) `serverless.json` would cost the whole file.
const LINE_CONTEXT: usize = 1024;

/// The part of the text given to annotate-snippets for a span. It scans all the source it is
/// given, so with the whole file N diagnostics cost N × file size (a config with 20 000
/// unknown keys took minutes); the excerpt is the lines the span touches, cut to
/// [`LINE_CONTEXT`] on each side, and renders as the whole file did.
#[derive(Debug)]
struct Excerpt {
    /// Start of the span's first line.
    line_from: usize,
    /// The excerpt, as byte offsets into the text.
    from: usize,
    to: usize,
    /// 1-based number of the span's first line.
    line: usize,
}

impl Excerpt {
    fn new(file: &SourceFile<'_>, start: usize, end: usize) -> Self {
        let text = file.text;
        // annotate-snippets puts the end of a text that ends in a newline at the end of its
        // last line, not on a line of its own: so does the excerpt. The lines come from the
        // index: searching the text for them cost a whole line per diagnostic.
        let at = if start == text.len() && text.ends_with('\n') {
            start - 1
        } else {
            start
        };
        let line = file.index.line(at);
        let line_from = file.index.line_start(line).unwrap_or(0);
        let line_to = file
            .index
            .line_start(file.index.line(end) + 1)
            .unwrap_or(text.len());
        let line = line + 1;
        Excerpt {
            line_from,
            from: floor_char_boundary(text, start.saturating_sub(LINE_CONTEXT)).max(line_from),
            to: floor_char_boundary(text, end.saturating_add(LINE_CONTEXT)).min(line_to),
            line,
        }
    }
}

/// Replaces the column at the end of the `-->` line (line `header_line`, from 0).
fn fix_header_column(
    rendered: &str,
    header_line: usize,
    excerpt_column: &str,
    true_column: &str,
) -> String {
    let mut lines: Vec<&str> = rendered.split('\n').collect();
    let fixed = lines
        .get(header_line)
        .filter(|header| header.contains("--> "))
        .and_then(|header| header.strip_suffix(excerpt_column))
        .map(|head| format!("{head}{true_column}"));
    match fixed {
        Some(header) => {
            lines[header_line] = &header;
            lines.join("\n")
        }
        None => rendered.to_owned(),
    }
}

/// The largest char boundary at or below `offset` (spans must not split a character).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn json_line(diagnostic: &Diagnostic, file: &SourceFile<'_>) -> String {
    let position = file.position(diagnostic);
    let mut value = json!({
        "severity": diagnostic.severity.as_str(),
        "code": diagnostic.code.as_str(),
        "message": diagnostic.message,
        "path": diagnostic.path,
        "file": file.name,
        "line": position.map(|(line, _)| line),
        "column": position.map(|(_, column)| column),
        "help": diagnostic.help,
    });
    // A diagnostic about a template's resource (`msk-compile diff`) names its logical ID;
    // every other line keeps its keys.
    if let (Some(logical_id), Some(object)) = (logical_id(diagnostic), value.as_object_mut()) {
        object.insert("logicalId".to_owned(), logical_id.into());
    }
    escape_c1(stringify_compact(&value))
}

/// JSON text with DEL and the C1 controls escaped (`\u009b`): the same value, and no raw
/// one-byte CSI for a terminal that shows the lines.
fn escape_c1(text: String) -> String {
    if !text.chars().any(|char| matches!(char, '\u{7f}'..='\u{9f}')) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for char in text.chars() {
        match char {
            '\u{7f}'..='\u{9f}' => escaped.push_str(&format!("\\u{:04x}", u32::from(char))),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The logical ID of the CloudFormation resource a diagnostic is about: its path is
/// `Resources.<LogicalId>…` in a template (config paths are Serverless' lowercase ones, and a
/// logical ID is alphanumeric, without dots).
pub fn logical_id(diagnostic: &Diagnostic) -> Option<&str> {
    diagnostic
        .path
        .as_deref()?
        .strip_prefix("Resources.")?
        .split('.')
        .next()
        .filter(|id| !id.is_empty())
}

fn github(diagnostic: &Diagnostic, file: &SourceFile<'_>) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = format!("file={}", escape_property(file.name));
    if let Some((line, column)) = file.position(diagnostic) {
        properties.push_str(&format!(",line={line},col={column}"));
    }
    properties.push_str(&format!(
        ",title={}",
        escape_property(diagnostic.code.as_str())
    ));
    let mut message = match &diagnostic.path {
        Some(path) => format!("at '{path}': {}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{command} {properties}::{}", escape_data(&message))
}

/// GitHub's workflow-command escaping for the message part, after control characters of
/// config values are made visible (as in the human format): a raw ESC or BEL in a key would
/// otherwise reach the CI log's terminal emulation.
fn escape_data(text: &str) -> String {
    visible(text).replace('%', "%25").replace('\n', "%0A")
}

/// Text from the input made safe for a terminal, in every format that prints it as text:
/// control characters other than tab and line feed as the Unicode pictures annotate-snippets
/// shows for them (ESC → ␛, BEL → ␇, CR → ␍, DEL → ␡); C1 controls (which include a one-byte
/// CSI and OSC) as U+FFFD. One character for one, so columns stay where they were.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|char| picture(char) == char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(picture).collect())
}

/// [`visible`] for an excerpt of the source: a CR that ends a line (CRLF) stays.
fn visible_source(text: &str) -> String {
    let mut chars = text.chars().peekable();
    let mut shown = String::with_capacity(text.len());
    while let Some(char) = chars.next() {
        match char {
            '\r' if chars.peek() == Some(&'\n') => shown.push(char),
            other => shown.push(picture(other)),
        }
    }
    shown
}

fn picture(char: char) -> char {
    match char {
        '\t' | '\n' => char,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(char)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}' => '\u{fffd}',
        other => other,
    }
}

/// GitHub's workflow-command escaping for property values.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn github_annotations_carry_no_raw_control_characters() {
        let escaped = escape_data("bo\u{1b}[31mgus\u{7}\u{9b}2J%\n");
        assert_eq!(escaped, "bo\u{241b}[31mgus\u{2407}\u{fffd}2J%25%0A");
        assert_eq!(escape_property("a\u{1b}:b,c"), "a\u{241b}%3Ab%2Cc");
    }

    /// Every C0 and C1 control, DEL, OSC-8 links and a lone CR, in each place the human
    /// format prints input text: the title (path and message), the help line, the file name
    /// of the `-->` line and the excerpt.
    #[test]
    fn human_diagnostics_carry_no_raw_control_characters() {
        let hostile: String = (0u32..0x20)
            .chain(0x7f..0xa0)
            .filter_map(char::from_u32)
            .chain("\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}".chars())
            .collect();
        let text = format!("key: {hostile}\r\nnext: 1\r\n");
        let name = format!("conf{hostile}.yml");
        let file = SourceFile::new(&name, &text);
        let diagnostic = Diagnostic::error(Code::Schema, format!("bad {hostile}"))
            .at(crate::tree::Span::new(5, 5 + hostile.len()))
            .with_path(format!("custom.{hostile}"))
            .with_help(format!("add `{hostile}` to the values file"));
        for color in [false, true] {
            let rendered = render(&diagnostic, &file, MessageFormat::Human { color });
            let raw: Vec<char> = rendered
                .chars()
                // Colors are ours: ESC only as the start of an SGR sequence.
                .filter(|char| char.is_control() && !matches!(char, '\n' | '\t' | '\u{1b}'))
                .collect();
            assert!(raw.is_empty(), "{raw:?} in {rendered}");
            let escapes = rendered.matches('\u{1b}').count();
            assert_eq!(escapes, rendered.matches("\u{1b}[").count(), "{rendered}");
            assert!(color || escapes == 0, "{rendered}");
            let header = rendered
                .lines()
                .find(|line| line.contains("--> "))
                .expect("-->");
            assert!(header.contains("conf\u{2400}\u{2401}"), "{rendered}");
            assert!(
                header.contains("\u{240a}\u{240b}"),
                "a file name stays on its line"
            );
        }
        let json = render(&diagnostic, &file, MessageFormat::Json);
        assert!(!json.chars().any(char::is_control), "{json}");
    }
}
