//! Loading a service config the way Serverless Framework 3.40.0 does, keeping positions.
//!
//! Two steps, mirroring Serverless:
//!
//! 1. [`parse`]: the file text → a [`Node`] tree in which every node and every mapping key has
//!    the byte span it came from. YAML is read with the semantics of js-yaml 4 plus
//!    Serverless' CloudFormation schema ([`yaml`], [`scalar`], [`tags`]); JSON with those of
//!    `JSON.parse` ([`json`]). The tree is what Serverless holds after its
//!    `JSON.parse(JSON.stringify(config))`: no NaN/∞ (→ `null`), no `-0`, timestamps as ISO
//!    strings, JavaScript key order. The root must be a mapping.
//! 2. [`resolve_variables`]: `${self:…}`, `${sls:stage}`, `${opt:…}`, `${env:…}`,
//!    `${strToBool(…)}` with fallbacks, resolved in place with Serverless' own algorithm
//!    ([`vars`], syntax in [`var_syntax`]).
//!
//! Every problem is a [`Diagnostic`] with one of the codes below; nothing here panics on any
//! input, and deep or exponential input is refused with a diagnostic instead of exhausting the
//! stack or memory.

mod fast_yaml;
mod json;
mod object;
mod scalar;
mod tags;
mod var_syntax;
mod vars;
mod yaml;

#[doc(hidden)]
pub use fast_yaml::{Agreement, check_against_granit};

pub use scalar::js_number_to_string;
pub(crate) use scalar::{is_array_index, js_key_rank};
pub use tags::CLOUDFORMATION_TAGS;
pub use vars::{
    MAX_VARIABLE_BYTES, MAX_VARIABLE_NODES, MAX_VARIABLE_SCANS, VariableOptions, resolve_variables,
    resolve_variables_with_source,
};
pub use yaml::{MAX_ALIAS_BYTES, MAX_ALIAS_NODES};

use crate::diag::Diagnostic;
use crate::tree::Node;

/// YAML text that is not well-formed, or uses an alias before its anchor, or holds more than
/// one document. The span is where the parser stopped.
pub const YAML_SYNTAX: &str = "YAML_SYNTAX";
/// A tag other than the 17 CloudFormation short forms and js-yaml's `!!` types (Serverless:
/// "unknown tag"). The span is the tag; the help lists the supported tags.
pub const YAML_UNKNOWN_TAG: &str = "YAML_UNKNOWN_TAG";
/// A `!!` tag on a value that does not fit it (`!!int abc`, `!!map [1]`).
pub const YAML_TAG_MISMATCH: &str = "YAML_TAG_MISMATCH";
/// The same key twice in one mapping (Serverless: "duplicated mapping key"). The span is the
/// second key; the help names the line of the first.
pub const YAML_DUPLICATE_KEY: &str = "YAML_DUPLICATE_KEY";
/// A `<<` merge key whose value is not a mapping or a list of mappings.
pub const YAML_INVALID_MERGE: &str = "YAML_INVALID_MERGE";
/// Nesting beyond js-yaml's 100 levels, more than 10 000 merged keys, or aliases that expand
/// beyond [`MAX_ALIAS_NODES`] nodes / [`MAX_ALIAS_BYTES`] bytes.
pub const YAML_TOO_COMPLEX: &str = "YAML_TOO_COMPLEX";
/// A `serverless.json` that `JSON.parse` rejects (or nested deeper than 512 levels).
pub const JSON_SYNTAX: &str = "JSON_SYNTAX";
/// The file is empty or its top level is not a mapping (Serverless: "Plain object expected").
pub const CONFIG_NOT_AN_OBJECT: &str = "CONFIG_NOT_AN_OBJECT";
/// A string whose `${…}` cannot be parsed (Serverless: "Variable syntax error").
pub const VARIABLE_SYNTAX: &str = "VARIABLE_SYNTAX";
/// A variable with no value and no fallback, from an unknown source, or from a source that
/// needs AWS or files (`ssm`, `cf`, `s3`, `aws`, `file`, `param`, `sls:instanceId`).
pub const VARIABLE_UNRESOLVED: &str = "VARIABLE_UNRESOLVED";
/// Variables that refer to each other in a circle, or nest deeper than Serverless allows.
pub const VARIABLE_CYCLE: &str = "VARIABLE_CYCLE";
/// A variable whose value cannot be used: `strToBool` of something else than true/false/0/1,
/// an object or list concatenated into a string, an unsupported `sls:` address, a missing
/// `env:` address.
pub const VARIABLE_INVALID: &str = "VARIABLE_INVALID";
/// `${self:…}` references that copy more than [`MAX_VARIABLE_NODES`] nodes or
/// [`MAX_VARIABLE_BYTES`] bytes in all (the variable form of an alias bomb), or that make the
/// resolver look through more than [`MAX_VARIABLE_SCANS`] unresolved properties.
pub const VARIABLE_TOO_COMPLEX: &str = "VARIABLE_TOO_COMPLEX";

/// Every code this module emits, with a one-line summary (for `msk-compile explain`).
pub const CODES: &[(&str, &str)] = &[
    (YAML_SYNTAX, "the YAML text is not well-formed"),
    (
        YAML_UNKNOWN_TAG,
        "a YAML tag Serverless 3.40.0 does not know",
    ),
    (
        YAML_TAG_MISMATCH,
        "a `!!` tag on a value that does not fit it",
    ),
    (YAML_DUPLICATE_KEY, "the same key twice in one mapping"),
    (
        YAML_INVALID_MERGE,
        "a `<<` merge whose value is not a mapping",
    ),
    (
        YAML_TOO_COMPLEX,
        "too deep, too many merged keys, or aliases that expand too much",
    ),
    (JSON_SYNTAX, "the JSON text is not valid"),
    (
        CONFIG_NOT_AN_OBJECT,
        "the configuration is empty or not a mapping",
    ),
    (VARIABLE_SYNTAX, "a `${...}` variable that cannot be parsed"),
    (VARIABLE_UNRESOLVED, "a variable without a value"),
    (
        VARIABLE_CYCLE,
        "variables that refer to each other in a circle",
    ),
    (
        VARIABLE_INVALID,
        "a variable whose value cannot be used there",
    ),
    (
        VARIABLE_TOO_COMPLEX,
        "variables that expand too much (references to references)",
    ),
];

/// The syntax of the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `serverless.yml` / `serverless.yaml`.
    #[default]
    Yaml,
    /// `serverless.json`.
    Json,
}

/// Parses a config file into a tree with spans, as Serverless 3.40.0 loads it.
///
/// On failure the diagnostics explain why (js-yaml and `JSON.parse` stop at the first error,
/// so there is one).
pub fn parse(source: &str, format: Format) -> Result<Node, Vec<Diagnostic>> {
    match format {
        Format::Yaml => yaml::parse_yaml(source),
        Format::Json => json::parse_json(source),
    }
}
