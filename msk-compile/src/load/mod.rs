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
//!    `${strToBool(…)}`, `${file(…)}`, `${param:…}` with fallbacks, resolved in place with
//!    Serverless' own algorithm ([`vars`], syntax in [`var_syntax`]); remote sources take
//!    their values from `--values`. Included files are read with [`read::read_bounded`].
//!
//! Every problem is a [`Diagnostic`] with a [`crate::diag::Code`] (`YAML_*`, `JSON_SYNTAX`,
//! `CONFIG_NOT_AN_OBJECT`, `VARIABLE_*`); nothing here panics on any
//! input, and deep or exponential input is refused with a diagnostic instead of exhausting the
//! stack or memory.

mod json;
mod object;
pub mod read;
mod scalar;
mod tags;
mod var_syntax;
mod vars;
mod yaml;

pub use tags::CLOUDFORMATION_TAGS;
pub use vars::{
    MAX_RESOLUTION_DEPTH, Values, VariableOptions, parse_param, resolve_variables,
    resolve_variables_with_files, resolve_variables_with_source, shift_spans,
};

pub use crate::dialect::YamlSchema;

use crate::diag::Diagnostic;
use crate::tree::Node;

/// The largest config accepted (32 MiB): far beyond any real service (a generated one with
/// 5000 functions × 10 msk events is about a third of it), small enough that a hostile
/// file is refused before any work. The files `${file(…)}` includes count towards it too.
pub const MAX_CONFIG_BYTES: usize = 32 * 1024 * 1024;

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
    parse_with(source, format, YamlSchema::Serverless)
}

/// [`parse`] with the YAML schema of a framework (osls keeps date-like scalars as strings and
/// knows two more short forms).
pub fn parse_with(
    source: &str,
    format: Format,
    schema: YamlSchema,
) -> Result<Node, Vec<Diagnostic>> {
    match format {
        Format::Yaml => yaml::parse_yaml(source, schema),
        Format::Json => json::parse_json(source),
    }
}
