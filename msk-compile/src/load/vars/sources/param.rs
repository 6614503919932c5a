//! `${param:name}`: `--param`, then `params.<stage>.<name>`, then `params.default.<name>` of
//! the config (the dashboard plugin's `resolve-params.js`); Dashboard parameters from
//! `--values` as `param:<name>`.

use super::sls::stage;
use super::{Call, VariableSource};
use super::{Context, Eventual, Fail};
use crate::diag::Code;
use crate::load::vars::paths::coerce_string;
use crate::tree::{Node, Span, Value};

pub(super) struct Param;

impl VariableSource for Param {
    fn name(&self) -> &'static str {
        "param"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        param(cx, call.path, call.address_text()?, &call.key())
    }
}

/// `${param:name}`: `--param`, then `params.<stage>.<name>`, then `params.default.<name>`
/// (Serverless' order; Dashboard parameters come from `--values` as `param:<name>`).
fn param(cx: &mut dyn Context, path: &str, name: Option<String>, key: &str) -> Result<Node, Fail> {
    let Some(name) = name.filter(|name| !name.is_empty()) else {
        return Err(Fail::Source {
            code: Code::VariableInvalid,
            message: "Missing address argument in variable \"param\" source".to_owned(),
        });
    };
    if let Some(value) = cx.options().params.get(&name) {
        return Ok(Node::new(Value::String(value.clone()), Span::default()));
    }
    let stage = stage(cx, path)?;
    let stage = coerce_string(&stage.value).unwrap_or_default();
    for scope in [stage.as_str(), "default"] {
        let keys = ["params".to_owned(), scope.to_owned(), name.clone()];
        if let Some(value) = cx.dependent_property(path, &keys)?
            && !value.is_null()
        {
            return Ok(value);
        }
    }
    if let Some(value) = cx.options().values.get(key, Span::default()) {
        return Ok(value);
    }
    cx.set_eventual(Eventual {
        message: Some(match cx.options().dialect.missing_param_message {
            Some(message) => message.to_owned(),
            None => format!(
                "The param \"{name}\" cannot be resolved from CLI options or stage params. If you are using Serverless Framework Compose, make sure to run commands via Compose so that all parameters can be resolved"
            ),
        }),
        help: format!(
            "define it in serverless.yml under `params.{stage}.{name}` or `params.default.{name}`, pass `--param \"{name}=<value>\"`, or (a Serverless Dashboard parameter) give `param:{name}` in a `--values` file"
        ),
    });
    Ok(Node::new(Value::Null, Span::default()))
}
