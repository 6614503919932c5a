//! The variable sources Serverless 3.40.0 knows (`lib/configuration/variables/sources/*.js`),
//! one module each behind [`VariableSource`]. [`SOURCES`] is the list of them: a variable
//! whose source is not in it comes from a plugin (its value from `--values`, or reported as
//! an unrecognized source, as Serverless reports it without the plugin).

mod env;
mod file;
mod opt;
mod param;
mod remote;
mod self_ref;
mod sls;
mod str_to_bool;

use super::paths::{coerce_string, short_string};
use super::resolver::{Fail, Resolver};
use crate::diag::Code;
use crate::load::var_syntax::Meta;
use crate::tree::{Node, Value};

/// One source: what `${name:address}` and `${name(params)}` resolve to.
pub(super) trait VariableSource {
    /// The name written before `:` or `(`.
    fn name(&self) -> &'static str;

    /// The value of one variable of this source (`null`: no value, so a fallback applies).
    /// A source may resolve other properties first through `resolver` (`self`, `param`).
    fn resolve(&self, resolver: &mut Resolver<'_>, call: &Call<'_>) -> Result<Node, Fail>;
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

impl Resolver<'_> {
    /// Asks the source of one variable (`resolveVariableSource`'s last step).
    pub(super) fn resolve_source(
        &mut self,
        path: &str,
        kind: &str,
        first_param: Option<&Value>,
        address: Option<&Value>,
        params: Option<&[Meta]>,
    ) -> Result<Node, Fail> {
        let call = Call {
            path,
            kind,
            first_param,
            address,
            params,
        };
        match find(kind) {
            Some(source) => source.resolve(self, &call),
            None => remote::plugin_value(self, &call),
        }
    }
}
