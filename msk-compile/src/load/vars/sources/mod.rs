//! The variable sources Serverless 3.40.0 knows (`lib/configuration/variables/sources/*.js`),
//! one module each behind [`VariableSource`]. [`SOURCES`] is the list of them: a variable
//! whose source is not in it comes from a plugin (its value from `--values`, or reported as
//! an unrecognized source, as Serverless reports it without the plugin).

mod env;
mod file;
mod opt;
mod param;
mod remote;

pub(super) use remote::{plugin_value, remote_help};
mod self_ref;
mod sls;
mod str_to_bool;

use super::files::{FileContent, FileError};
use super::options::VariableOptions;
use super::paths::{coerce_string, short_string};
use crate::diag::Code;
use crate::load::var_syntax::{ErrId, Meta, Variable};
use crate::tree::{Node, Span, Value};

/// One source: what `${name:address}` and `${name(params)}` resolve to.
pub(super) trait VariableSource {
    /// The name written before `:` or `(`.
    fn name(&self) -> &'static str;

    /// The value of one variable of this source (`null`: no value, so a fallback applies).
    /// A source may resolve other properties first through `resolver` (`self`, `param`).
    fn resolve(&self, cx: &mut dyn Context, call: &Call<'_>) -> Result<Node, Fail>;
}

/// What a source may ask of the resolver.
pub(super) trait Context {
    /// The command line, environment and service directory, and `--values`.
    fn options(&self) -> &VariableOptions;

    /// `resolveDependentProperty`: the config value at `keys`, its variables resolved first
    /// (`dependent`, the property asking, waits for it).
    fn dependent_property(
        &mut self,
        dependent: &str,
        keys: &[String],
    ) -> Result<Option<Node>, Fail>;

    /// `resolveVariablesInString`: the value of `text`, whose `variables` are resolved.
    fn resolve_string(
        &mut self,
        path: &str,
        text: &str,
        variables: Vec<Variable>,
    ) -> Result<Node, Fail>;

    /// The content of an included file (`relative`: the path as messages name it).
    fn included_file(
        &mut self,
        full: &std::path::Path,
        relative: &str,
    ) -> Result<FileContent, FileError>;

    /// Counts `value`, about to be copied where the variable is, against the budget of
    /// copies; the shared `VARIABLE_TOO_COMPLEX` error once it is spent.
    fn count_copy(&mut self, path: &str, value: &Node) -> Result<(), Fail>;

    /// What the error the resolver records next adds (a position, a help line).
    fn set_detail(&mut self, detail: ErrorDetail);

    /// The words for "no value" when no fallback follows.
    fn set_eventual(&mut self, eventual: Eventual);
}

/// What a source adds to the error the resolver records next.
#[derive(Debug, Default)]
pub(super) struct ErrorDetail {
    pub(super) span: Option<Span>,
    pub(super) help: Option<String>,
}

/// A source's answer "no value", with the words for the error when no fallback follows
/// (Serverless' `eventualErrorMessage`, and a help line).
#[derive(Debug)]
pub(super) struct Eventual {
    pub(super) message: Option<String>,
    pub(super) help: String,
}

/// Why a resolution step did not produce a value.
#[derive(Debug)]
pub(super) enum Fail {
    /// Serverless' `MISSING_VARIABLE_DEPENDENCY`: depends on something unresolved; retry later.
    Missing,
    /// A recorded error.
    Error(ErrId),
    /// A source's own error, not yet prefixed with "Cannot resolve variable at …".
    Source { code: Code, message: String },
}

/// The sources Serverless 3.40.0 knows, in the order its help names them; `ssm`, `cf`, `s3`
/// and `aws` cannot be resolved offline.
pub(super) const SOURCES: &[&dyn VariableSource] = &[
    &self_ref::SelfSource,
    &opt::Opt,
    &env::Env,
    &sls::Sls,
    &str_to_bool::StrToBool,
    &file::File,
    &remote::Remote("ssm"),
    &remote::Remote("cf"),
    &remote::Remote("s3"),
    &remote::Remote("aws"),
    &param::Param,
];

/// The source called `kind`, if Serverless knows it.
pub(super) fn find(kind: &str) -> Option<&'static dyn VariableSource> {
    SOURCES.iter().copied().find(|source| source.name() == kind)
}

/// The names of [`SOURCES`] as a sentence: `self, opt, … and param`.
pub(super) fn known_names() -> String {
    let names: Vec<&str> = SOURCES.iter().map(|source| source.name()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// One variable handed to its source, its params and address already resolved.
pub(super) struct Call<'a> {
    /// The property being resolved (its keys joined with NUL).
    pub path: &'a str,
    pub kind: &'a str,
    /// Only the first param is ever read (`strToBool`'s input, `file`'s path), except for
    /// the text of a variable looked up in `--values`.
    pub first_param: Option<&'a Value>,
    pub address: Option<&'a Value>,
    pub params: Option<&'a [Meta]>,
}

impl Call<'_> {
    /// The variable's text as a `--values` key: `kind(param,…):address`.
    pub fn key(&self) -> String {
        let mut key = self.kind.to_owned();
        if let Some(params) = self.params {
            let texts: Vec<String> = params
                .iter()
                .map(|param| coerce_string(&param.value.value).unwrap_or_default())
                .collect();
            key.push('(');
            key.push_str(&texts.join(","));
            key.push(')');
        }
        if let Some(address) = self.address.and_then(coerce_string) {
            key.push(':');
            key.push_str(&address);
        }
        key
    }

    /// `ensureString(address)`: numbers and booleans coerce, objects are errors.
    pub fn address_text(&self) -> Result<Option<String>, Fail> {
        match self.address {
            None | Some(Value::Null) => Ok(None),
            Some(value) => coerce_string(value).map(Some).ok_or_else(|| {
                invalid(format!(
                    "Non-string address argument in variable \"{}\" source: {}",
                    self.kind,
                    short_string(value)
                ))
            }),
        }
    }
}

/// A source's `VARIABLE_INVALID` error (a missing or non-string argument).
pub(super) fn invalid(message: String) -> Fail {
    Fail::Source {
        code: Code::VariableInvalid,
        message,
    }
}
