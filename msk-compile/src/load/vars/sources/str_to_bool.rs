//! `${strToBool(text)}`: `true`/`1` and `false`/`0` (trimmed, any case) to booleans.

use super::{Call, VariableSource, invalid};
use super::{Context, Fail};
use crate::js;
use crate::load::vars::paths::{coerce_string, short_string};
use crate::tree::{Node, Span, Value};

pub(super) struct StrToBool;

impl VariableSource for StrToBool {
    fn name(&self) -> &'static str {
        "strToBool"
    }

    fn resolve(&self, _: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        let Some(input) = call
            .first_param
            .filter(|input| !matches!(input, Value::Null))
        else {
            return Err(invalid("Missing \"strToBool\" input".to_owned()));
        };
        let Some(text) = coerce_string(input) else {
            return Err(invalid(format!(
                "Non-string \"strToBool\" input:. Received: {}",
                short_string(input)
            )));
        };
        match js::trim(&text).to_lowercase().as_str() {
            "true" | "1" => Ok(Node::new(Value::Bool(true), Span::default())),
            "false" | "0" => Ok(Node::new(Value::Bool(false), Span::default())),
            _ => Err(invalid(format!(
                "Invalid \"strToBool\" input: Expected either \"true\", \"false\", \"0\", or \"1\". Received: {}",
                short_string(input)
            ))),
        }
    }
}
