//! `${self:a.b}`: a value of the config itself, resolved first (addresses split at `.`,
//! through mappings, list indices and `length`).

use super::{Call, VariableSource};
use crate::load::vars::resolver::{Fail, Resolver};
use crate::tree::{Node, Span, Value};

pub(super) struct SelfSource;

impl VariableSource for SelfSource {
    fn name(&self) -> &'static str {
        "self"
    }

    fn resolve(&self, resolver: &mut Resolver<'_>, call: &Call<'_>) -> Result<Node, Fail> {
        let keys: Vec<String> = match call.address_text()? {
            Some(text) if !text.is_empty() => text.split('.').map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        Ok(resolver
            .resolve_dependent_property(call.path, &keys)?
            .unwrap_or_else(|| Node::new(Value::Null, Span::default())))
    }
}
