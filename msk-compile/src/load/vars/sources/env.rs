//! `${env:NAME}`: [`crate::load::VariableOptions::env`], not the process environment.

use super::{Call, VariableSource, invalid};
use super::{Context, Fail};
use crate::tree::{Node, Span, Value};

pub(super) struct Env;

impl VariableSource for Env {
    fn name(&self) -> &'static str {
        "env"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        match call.address_text()? {
            Some(name) if !name.is_empty() => Ok(Node::new(
                cx.options()
                    .env
                    .get(&name)
                    .map_or(Value::Null, |value| Value::String(value.clone())),
                Span::default(),
            )),
            _ => Err(invalid(
                "Missing address argument in variable \"env\" source".to_owned(),
            )),
        }
    }
}
