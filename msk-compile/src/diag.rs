//! Diagnostics: what went wrong ([`Code`], from msk-model, with its `explain` page), where
//! (span and Serverless dotted path), and how to fix it.
//! Rendering lives in `render.rs`; everything else only builds these values.

pub use msk_model::Code;

use crate::tree::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a config.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code such as `INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION`; see `msk-compile explain`.
    pub code: Code,
    pub message: String,
    /// The Serverless dotted path (`functions.consumer.events.0.msk.batchSize`), when the
    /// problem belongs to a config value.
    pub path: Option<String>,
    /// The source text the problem is about.
    pub span: Option<Span>,
    /// A suggestion that fixes the problem.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            path: None,
            span: None,
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A file other than the config that spans point into: a file `${file(…)}` included, or the
/// resolved config of `--resolved`. Its spans are offsets from `base`, which lies past the
/// end of the config and of every file placed before it, so one [`crate::tree::Span`] names
/// both the file and the place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// The path as the user would name it (relative paths stay relative).
    pub name: String,
    pub text: String,
    pub base: usize,
}

impl SourceText {
    /// The file among `files` that `span` points into, with the span within that file.
    pub fn locate(files: &[SourceText], span: Span) -> Option<(&SourceText, Span)> {
        files
            .iter()
            .find(|file| span.start >= file.base && span.start <= file.base + file.text.len())
            .map(|file| {
                (
                    file,
                    Span::new(span.start - file.base, span.end.saturating_sub(file.base)),
                )
            })
    }
}
