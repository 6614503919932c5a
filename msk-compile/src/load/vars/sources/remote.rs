//! The sources msk-compile cannot ask, because they need AWS (`ssm`, `cf`, `s3`, `aws`) or a
//! plugin: their values come from `--values` ([`crate::load::VariableOptions::values`]), by
//! the variable's text.

use super::{Call, VariableSource};
use super::{Context, ErrorDetail, Fail};
use crate::diag::Code;
use crate::tree::{Node, Span};

/// A source that asks AWS, by name.
pub(super) struct Remote(pub &'static str);

impl VariableSource for Remote {
    fn name(&self) -> &'static str {
        self.0
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        remote_value(
            cx,
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
pub(super) fn remote_value(cx: &mut dyn Context, key: &str, why: &str) -> Result<Node, Fail> {
    if let Some(value) = cx.options().values.get(key, Span::default()) {
        return Ok(value);
    }
    cx.set_detail(ErrorDetail {
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
pub(in crate::load::vars) fn plugin_value(
    cx: &mut dyn Context,
    call: &Call<'_>,
) -> Result<Node, Fail> {
    match cx.options().values.get(&call.key(), Span::default()) {
        Some(value) => Ok(value),
        None => Err(Fail::Missing),
    }
}

/// How to give the value of a variable msk-compile cannot resolve itself.
pub(in crate::load::vars) fn remote_help(key: &str) -> String {
    format!(
        "give its value in a values file: `--values values.yml` with the line `{key}: <value>` (for a few values); or, where Serverless can reach AWS, compile the config it resolved: `serverless print --format json > resolved.json`, then `msk-compile compile serverless.yml --resolved resolved.json`"
    )
}
