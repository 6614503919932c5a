//! `${sls:stage}` (`--stage`, else `provider.stage`, else `dev`) and `${sls:instanceId}`
//! (a random id per run, so only from `--values`).

use super::remote::remote_value;
use super::{Call, VariableSource, invalid};
use super::{Context, Fail};
use crate::js;
use crate::tree::{Node, Span, Value};

pub(super) struct Sls;

impl VariableSource for Sls {
    fn name(&self) -> &'static str {
        "sls"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        match call.address_text()?.as_deref() {
            None | Some("") => Err(invalid(
                "Missing address argument in variable \"sls\" source".to_owned(),
            )),
            Some("instanceId") => remote_value(
                cx,
                &call.key(),
                "\"sls:instanceId\" is a random id Serverless creates on each run; msk-compile cannot reproduce it",
            ),
            Some("stage") => stage(cx, call.path),
            Some(other) => Err(invalid(format!(
                "Unsupported \"{other}\" address argument in variable \"sls\" source"
            ))),
        }
    }
}

/// The stage: `--stage`, else `provider.stage`, else `dev` (`${sls:stage}`, and the
/// stage of `params:`).
pub(super) fn stage(cx: &mut dyn Context, path: &str) -> Result<Node, Fail> {
    if let Some(stage) = cx
        .options()
        .stage
        .as_ref()
        .filter(|stage| !stage.is_empty())
    {
        return Ok(Node::new(Value::String(stage.clone()), Span::default()));
    }
    let keys = ["provider".to_owned(), "stage".to_owned()];
    match cx.dependent_property(path, &keys)? {
        Some(stage) if js::is_truthy(&stage.value) => Ok(stage),
        _ => Ok(Node::new(Value::String("dev".to_owned()), Span::default())),
    }
}
