//! `${self:a.b}`: a value of the config itself, resolved first (addresses split at `.`,
//! through mappings, list indices and `length`).

use super::{Call, VariableSource};
use super::{Context, Fail};
use crate::tree::{Node, Span, Value};

pub(super) struct SelfSource;

impl VariableSource for SelfSource {
    fn name(&self) -> &'static str {
        "self"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        let keys: Vec<String> = match call.address_text()? {
            Some(text) if !text.is_empty() => text.split('.').map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        Ok(cx
            .dependent_property(call.path, &keys)?
            .unwrap_or_else(|| Node::new(Value::Null, Span::default())))
    }
}
