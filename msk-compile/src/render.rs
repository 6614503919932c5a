//! Turns diagnostics into text: rustc-style snippets for people, one JSON object per line
//! for tools, and GitHub workflow annotations for CI logs.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde_json::json;

use crate::diag::{Diagnostic, Severity};
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
    let title = match &diagnostic.path {
        Some(path) => format!("at '{path}': {}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let title = level.primary_title(title).id(diagnostic.code);
    let mut group = match diagnostic.span {
        Some(span) => {
            let start = floor_char_boundary(file.text, span.start);
            let end = floor_char_boundary(file.text, span.end.max(start));
            title.element(
                Snippet::source(file.text)
                    .path(file.name)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        None => title.element(Level::NOTE.message(format!("in {}", file.name))),
    };
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
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
    let value = json!({
        "severity": diagnostic.severity.as_str(),
        "code": diagnostic.code,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "file": file.name,
        "line": position.map(|(line, _)| line),
        "column": position.map(|(_, column)| column),
        "help": diagnostic.help,
    });
    stringify_compact(&value)
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
    properties.push_str(&format!(",title={}", escape_property(diagnostic.code)));
    let mut message = match &diagnostic.path {
        Some(path) => format!("at '{path}': {}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{command} {properties}::{}", escape_data(&message))
}

/// GitHub's workflow-command escaping for the message part.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's workflow-command escaping for property values.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
