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
