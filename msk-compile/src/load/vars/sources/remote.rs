//! The sources msk-compile cannot ask, because they need AWS (`ssm`, `cf`, `s3`, `aws`) or a
//! plugin: their values come from `--values` ([`crate::load::VariableOptions::values`]), by
//! the variable's text.

use super::{Call, VariableSource};
use crate::diag::Code;
use crate::load::vars::report::remote_help;
use crate::load::vars::resolver::{ErrorDetail, Fail, Resolver};
use crate::tree::{Node, Span};

/// A source that asks AWS, by name.
pub(super) struct Remote(pub &'static str);

impl VariableSource for Remote {
    fn name(&self) -> &'static str {
        self.0
    }

    fn resolve(&self, resolver: &mut Resolver<'_>, call: &Call<'_>) -> Result<Node, Fail> {
        remote_value(
            resolver,
            &call.key(),
            &format!(
                "\"{}\" variables ask AWS, which msk-compile does not call",
                self.0
            ),
        )
    }
}

/// A source msk-compile cannot ask (AWS, a random id): its value from `--values`, or an
/// error that says how to give it.
pub(super) fn remote_value(
    resolver: &mut Resolver<'_>,
    key: &str,
    why: &str,
) -> Result<Node, Fail> {
    if let Some(value) = resolver.options.values.get(key, Span::default()) {
        return Ok(value);
    }
    resolver.detail = Some(ErrorDetail {
        span: None,
        help: Some(remote_help(key)),
    });
    Err(Fail::Source {
        code: Code::VariableUnresolved,
        message: why.to_owned(),
    })
}

/// A plugin's source: its value from `--values`, or left unresolved (reported as an
/// unrecognized source, as Serverless does without the plugin).
pub(super) fn plugin_value(resolver: &mut Resolver<'_>, call: &Call<'_>) -> Result<Node, Fail> {
    match resolver.options.values.get(&call.key(), Span::default()) {
        Some(value) => Ok(value),
        None => Err(Fail::Missing),
    }
}
