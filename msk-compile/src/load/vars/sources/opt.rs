//! `${opt:name}`: `--stage`, `--region`, then the other command-line options
//! ([`crate::load::VariableOptions::options`]); `${opt:}` is the whole options object.

use super::{Call, VariableSource};
use super::{Context, Fail};
use crate::load::VariableOptions;
use crate::tree::{Entry, Node, Span, Value};

pub(super) struct Opt;

impl VariableSource for Opt {
    fn name(&self) -> &'static str {
        "opt"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        Ok(match call.address_text()? {
            None => options_object(cx.options()),
            Some(name) => Node::new(
                option(cx.options(), &name).map_or(Value::Null, Value::String),
                Span::default(),
            ),
        })
    }
}

fn option(options: &VariableOptions, name: &str) -> Option<String> {
    let named = match name {
        "stage" => options.stage.clone(),
        "region" => options.region.clone(),
        _ => None,
    };
    named.or_else(|| options.options.get(name).cloned())
}

/// `${opt:}`: the whole options object.
fn options_object(options: &VariableOptions) -> Node {
    let mut entries = Vec::new();
    let mut push = |key: &str, value: &str| {
        entries.push(Entry {
            key: key.to_owned(),
            key_span: Span::default(),
            value: Node::new(Value::String(value.to_owned()), Span::default()),
        });
    };
    if let Some(stage) = &options.stage {
        push("stage", stage);
    }
    if let Some(region) = &options.region {
        push("region", region);
    }
    for (key, value) in &options.options {
        if key != "stage" && key != "region" {
            push(key, value);
        }
    }
    Node::new(Value::Object(entries), Span::default())
}
