//! `${file(path):address}`, as Serverless' `sources/file.js` reads it: the file (read by
//! [`crate::load::vars::files`]) and the value at `address` in it, strings on the way
//! resolved first.

use std::borrow::Cow;

use super::{Call, Context, ErrorDetail, Eventual, Fail, VariableSource};
use crate::diag::Code;
use crate::js;
use crate::load::var_syntax;
use crate::load::vars::files::{FileContent, file_help, lexical_join};
use crate::load::vars::paths::{coerce_string, js_walk, json_normalize, short_string};
use crate::tree::{Node, Span, Value};

pub(super) struct File;

impl VariableSource for File {
    fn name(&self) -> &'static str {
        "file"
    }

    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail> {
        file_source(cx, call.path, call.first_param, call.address, &call.key())
    }
}

/// `${file(path):address}`, as Serverless' `sources/file.js` reads it: YAML (`.yml`,
/// `.yaml`) with the config's loader, JSON (`.json`, `.tfstate`), any other file as
/// its text; a missing file is no value. JavaScript files (`.js`, `.cjs`) are not run.
fn file_source(
    cx: &mut dyn Context,
    path: &str,
    first_param: Option<&Value>,
    address: Option<&Value>,
    key: &str,
) -> Result<Node, Fail> {
    let invalid = |message: String| Fail::Source {
        code: Code::VariableInvalid,
        message,
    };
    let relative = match first_param {
        None => None,
        Some(value) if !js::is_truthy(value) => None,
        Some(value) => Some(coerce_string(value).ok_or_else(|| {
            invalid(format!(
                "Non-string path argument in variable \"file\" source: {}",
                short_string(value)
            ))
        })?),
    };
    let Some(relative) = relative else {
        return Err(invalid(
            "Missing path argument in variable \"file\" source".to_owned(),
        ));
    };
    let address = match address {
        None | Some(Value::Null) => None,
        Some(value) => Some(coerce_string(value).ok_or_else(|| {
            invalid(format!(
                "Non-string address argument for variable \"file\" source: {}",
                short_string(value)
            ))
        })?),
    };
    let Some(service_dir) = cx.options().service_dir.clone() else {
        cx.set_detail(ErrorDetail {
            span: None,
            help: Some("compile the file itself (the CLI knows its directory), or set `VariableOptions::service_dir`".to_owned()),
        });
        return Err(Fail::Source {
            code: Code::VariableUnresolved,
            message: "\"file\" variables need the service directory, which was not given"
                .to_owned(),
        });
    };
    let full = lexical_join(&service_dir, &relative);
    // For help lines: the variable as it was written, with a fallback added.
    let with_fallback = match &address {
        Some(address) => format!("${{file({relative}):{address}, 'default'}}"),
        None => format!("${{file({relative}), 'default'}}"),
    };
    // Serverless names the file by its path within the service directory
    // (`filePath.slice(serviceDir.length + 1)`); one outside it keeps the path as written
    // (Serverless' slice cuts such a path at a meaningless place).
    let relative = full
        .strip_prefix(lexical_join(&service_dir, ""))
        .ok()
        .and_then(|inside| inside.to_str())
        .map_or(relative.clone(), str::to_owned);
    let content = cx.included_file(&full, &relative);
    let content = match content {
        Ok(content) => content,
        Err((code, message, span)) => {
            cx.set_detail(ErrorDetail {
                span,
                help: Some(file_help(code)),
            });
            return Err(Fail::Source { code, message });
        }
    };
    let shown = full.display().to_string();
    let content = match content {
        FileContent::Missing => {
            cx.set_eventual(Eventual {
                message: None,
                help: format!(
                    "there is no file `{relative}` (paths are relative to the service directory, where serverless.yml is); create it, fix the path, or add a fallback: `{with_fallback}`"
                ),
            });
            return Ok(Node::new(Value::Null, Span::default()));
        }
        FileContent::Script => {
            if let Some(value) = cx.options().values.get(key, Span::default()) {
                return Ok(value);
            }
            cx.set_detail(ErrorDetail {
                span: None,
                help: Some(format!(
                    "give the value in a values file (`--values values.yml` with the line `{key}: <value>`), or let Serverless resolve the config and compile its output: `serverless print --format json > resolved.json`, then `msk-compile compile serverless.yml --resolved resolved.json`"
                )),
            });
            return Err(Fail::Source {
                code: Code::VariableUnresolved,
                message: format!("Cannot load \"{relative}\": msk-compile does not run JavaScript"),
            });
        }
        // Without an address Serverless returns `undefined`, which its resolver refuses;
        // with one, there is no value (`content == null`), so a fallback applies.
        FileContent::NoDocument if address.as_deref().is_none_or(str::is_empty) => {
            cx.set_detail(ErrorDetail {
                span: None,
                help: Some(format!(
                    "`{shown}` holds no YAML document; give it content (`{{}}` for an empty mapping)"
                )),
            });
            return Err(Fail::Source {
                code: Code::VariableInvalid,
                message: "Source \"file\" returned not supported result: \"undefined\"".to_owned(),
            });
        }
        FileContent::NoDocument => std::rc::Rc::new(Node::new(Value::Null, Span::default())),
        FileContent::Loaded(content) => content,
    };
    let keys: Vec<String> = match address.as_deref() {
        None | Some("") => Vec::new(),
        Some(address) => address.split('.').map(str::to_owned).collect(),
    };
    let Some(value) = walk_file(cx, path, &content, &keys)?.filter(|value| !value.is_null()) else {
        let address = address.as_deref().unwrap_or_default();
        let help = if keys.is_empty() {
            format!(
                "`{shown}` is empty (or holds only `null`); give it content, or add a fallback: `{with_fallback}`"
            )
        } else if content.as_str().is_some() {
            format!(
                "`{shown}` is read as text (Serverless 3 parses only .yml, .yaml, .json and .tfstate files, and runs .js files), so it has no key `{address}`"
            )
        } else {
            format!(
                "`{shown}` has no value at `{address}`; add it there, or add a fallback: `{with_fallback}`"
            )
        };
        cx.set_eventual(Eventual {
            message: None,
            help,
        });
        return Ok(Node::new(Value::Null, Span::default()));
    };
    // Counted like a `${self:…}` copy: a file referenced a million times is a bomb too.
    cx.count_copy(path, &value)?;
    Ok(value.into_owned())
}

/// `${file(…):a.b}`'s walk through the content: a string on the way that holds variables
/// is resolved first (Serverless' `resolveVariablesInString`), then walked into.
fn walk_file<'c>(
    cx: &mut dyn Context,
    path: &str,
    content: &'c Node,
    keys: &[String],
) -> Result<Option<Cow<'c, Node>>, Fail> {
    let mut current = Cow::Borrowed(content);
    for key in keys {
        if let Value::String(text) = &current.value
            && let Ok(Some(variables)) = var_syntax::parse(text)
        {
            let value = cx.resolve_string(path, text, variables)?;
            current = Cow::Owned(json_normalize(value));
        }
        let step = std::slice::from_ref(key);
        current = match current {
            Cow::Borrowed(node) => match js_walk(node, step, None) {
                Some(next) => next,
                None => return Ok(None),
            },
            Cow::Owned(node) => match js_walk(&node, step, None) {
                Some(next) => Cow::Owned(next.into_owned()),
                None => return Ok(None),
            },
        };
        if current.is_null() {
            return Ok(None);
        }
    }
    Ok(Some(current))
}
