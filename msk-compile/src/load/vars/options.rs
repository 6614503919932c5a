//! What the resolver is given: Serverless' command-line options, environment and service
//! directory ([`VariableOptions`]), and the values of variables it cannot resolve offline
//! ([`Values`], from `--values`).

use std::collections::BTreeMap;

use super::paths::map_spans;
use crate::tree::{Node, Span, Value};

/// What Serverless takes from its command line, environment and service directory for
/// variables, and the values of variables that need AWS (`--values`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariableOptions {
    /// `--stage`: `${opt:stage}`, and `${sls:stage}` before `provider.stage`.
    pub stage: Option<String>,
    /// `--region`: `${opt:region}`.
    pub region: Option<String>,
    /// Other `--name value` options: `${opt:name}`.
    pub options: BTreeMap<String, String>,
    /// The environment for `${env:NAME}` (the CLI passes the process environment).
    pub env: BTreeMap<String, String>,
    /// The service directory (where `serverless.yml` is): `${file(…)}` paths are relative
    /// to it. `None` (a config given as text only): `${file(…)}` is an error.
    pub service_dir: Option<std::path::PathBuf>,
    /// `--param name=value`: the first place `${param:name}` looks, before `params.<stage>`
    /// and `params.default` of the config.
    pub params: BTreeMap<String, String>,
    /// `--values`: values for variables msk-compile cannot resolve offline (`ssm`, `cf`, `s3`,
    /// `aws`, `sls:instanceId`, plugin sources, Dashboard params, `.js` files), by the
    /// variable's text without `${…}` (`ssm:/prod/msk/arn`).
    pub values: Values,
    /// The framework's loading behaviour: its YAML schema (the config's own, for the YAML
    /// files `${file(…)}` reads) and its messages. `compile_source` sets it from the profile
    /// and host it resolves.
    pub dialect: crate::dialect::Dialect,
}

/// The values of a `--values` file: variable text (`ssm:/prod/msk/arn`, `cf(us-east-1):stack.Output`,
/// `aws:accountId`) → value. Keys are kept as written, without `${…}` and without spaces
/// after the commas of `(…)` params.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(pub BTreeMap<String, Node>);

// The values come from the loader, which never produces NaN.
impl Eq for Values {}

impl Values {
    /// Reads a values file's tree: a mapping from variable text to value.
    pub fn from_tree(root: Node) -> Values {
        let Value::Object(entries) = root.value else {
            return Values::default();
        };
        Values(
            entries
                .into_iter()
                .map(|entry| (variable_key_text(&entry.key), entry.value))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value for a variable's text, its spans set to `span` (where the variable was
    /// written: the values file is not among the sources diagnostics point into).
    pub(super) fn get(&self, key: &str, span: Span) -> Option<Node> {
        let mut value = self.0.get(key)?.clone();
        map_spans(&mut value, |_| span);
        Some(value)
    }
}

/// A values file key as the resolver writes variable texts: no `${`/`}` around it, no
/// spaces around the commas of the `(…)` params.
fn variable_key_text(written: &str) -> String {
    let text = written.trim();
    let text = text
        .strip_prefix("${")
        .and_then(|inner| inner.strip_suffix('}'))
        .unwrap_or(text)
        .trim();
    match (text.find('('), text.find(')')) {
        (Some(open), Some(close)) if open < close => {
            let params: Vec<&str> = text[open + 1..close].split(',').map(str::trim).collect();
            format!(
                "{}({}){}",
                &text[..open],
                params.join(","),
                &text[close + 1..]
            )
        }
        _ => text.to_owned(),
    }
}

/// Parses a `--param` value as Serverless does (`name=value`, the value trimmed at its end).
pub fn parse_param(item: &str) -> Result<(String, String), String> {
    match item.split_once('=') {
        Some((name, value)) if !name.is_empty() && !value.is_empty() && !value.contains('\n') => {
            Ok((name.to_owned(), value.trim_end().to_owned()))
        }
        _ => Err(format!(
            "Encountered invalid \"--param\" CLI option value: \"{item}\". Supported format: \"--param='<key>=<val>'\""
        )),
    }
}
