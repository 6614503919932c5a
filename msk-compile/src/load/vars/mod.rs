//! Serverless v3 variables (`${self:…}`, `${sls:stage}`, `${opt:…}`, `${env:…}`,
//! `${strToBool(…)}`, `${file(…)}`, `${param:…}`), resolved in place: a synchronous port of
//! `lib/configuration/variables/resolve.js` and its sources from Serverless 3.40.0.
//!
//! Contract:
//! * Every string value of the config is parsed ([`super::var_syntax`]); keys never are.
//! * A string that is exactly one variable takes the referenced value with its type (a number
//!   stays a number, a mapping stays a mapping); otherwise the pieces are concatenated with
//!   JavaScript's string conversion (`42`, `1e+21`, `true`; a list joins with `,`; a mapping
//!   or `null` is an error, as in Serverless).
//! * Sources: `self` (addresses split at `.`, through mappings, list indices, and `length`;
//!   the referenced value is resolved first), `opt` (`stage`, `region`, then
//!   [`VariableOptions::options`]), `env` ([`VariableOptions::env`], not the process
//!   environment), `sls:stage` (`--stage`, else `provider.stage`, else `dev`), `strToBool`,
//!   `file` (`sources/file.js`: YAML with this crate's loader, JSON, other files as text,
//!   relative to [`VariableOptions::service_dir`], `..` allowed; a missing file is no value;
//!   read with [`super::read::read_bounded`], every file once, all of them and the config
//!   within the config limit; spans placed after the config, see [`SourceText`]), `param`
//!   (`--param`, `params.<stage>`, `params.default`, as the dashboard plugin's
//!   `resolve-params.js`). A source that yields nothing falls back to the next one; a literal
//!   fallback ends the list.
//! * A resolved value is parsed again (up to Serverless' nest limits), so a referenced value
//!   (or an included file) that holds variables resolves too, and an escaped `\${…}` stays
//!   literal only where it was written.
//! * `ssm`, `cf`, `s3`, `aws`, `sls:instanceId`, plugin sources, Dashboard params and `.js`
//!   files take their value from [`VariableOptions::values`] (`--values`), by the variable's
//!   text; without one they are `VARIABLE_UNRESOLVED` errors whose help names `--values` and
//!   `--resolved` (their fallbacks are not tried, since Serverless would only use them if the
//!   source answered "no value"). Unknown sources are errors too (Serverless: "Unrecognized
//!   configuration variable sources").
//! * Circular references are `VARIABLE_CYCLE` errors with Serverless' messages. Resolution
//!   runs on the caller's thread (the library starts none) and recurses at most
//!   [`MAX_RESOLUTION_DEPTH`] levels, which fit a 1 MiB stack; a deeper chain of references
//!   is a `VARIABLE_CYCLE` error too. Nothing here can hang or overflow the stack.
//! * Work is bounded too (`Code::VariableTooComplex`): a `${self:…}` value is copied where it is
//!   used, so references to references can expand exponentially like YAML aliases; all the
//!   copies together may not exceed [`resolver::MAX_VARIABLE_NODES`] nodes or
//!   [`resolver::MAX_VARIABLE_BYTES`] bytes, and the lookups of a referenced mapping's
//!   unresolved properties at most [`resolver::MAX_VARIABLE_SCANS`] entries.
//! * Messages are Serverless' own ("Cannot resolve variable at "custom.a": Value not found at
//!   "self" source"); each distinct error is reported once, at the property's span (narrowed
//!   to the `${…}` text by [`resolve_variables_with_source`]).
//!
//! Not reproduced: Serverless resolves in phases (`provider.stage` etc. first) and stops at the
//! first phase with errors, so it may report fewer errors than we do; the values agree.

mod files;
mod options;
mod paths;
mod report;
mod resolver;
mod sources;

pub use options::{Values, VariableOptions, parse_param};
pub use paths::shift_spans;
pub use resolver::MAX_RESOLUTION_DEPTH;

use crate::diag::{Diagnostic, SourceText};
use crate::tree::Node;
use report::narrow;
use resolver::Resolver;

/// Resolves every variable of the config in place. Diagnostics point at the string values.
pub fn resolve_variables(root: &mut Node, options: &VariableOptions) -> Vec<Diagnostic> {
    resolve(root, options, None).0
}

/// Like [`resolve_variables`], with `source` (the text `root` was parsed from) used to point
/// each diagnostic at the `${…}` that failed rather than at the whole string.
pub fn resolve_variables_with_source(
    root: &mut Node,
    options: &VariableOptions,
    source: &str,
) -> Vec<Diagnostic> {
    resolve(root, options, Some(source)).0
}

/// Like [`resolve_variables_with_source`], also returning the files `${file(…)}` read: the
/// spans of their values (and of diagnostics about them) lie past the end of `source`, each
/// file at its [`SourceText::base`].
pub fn resolve_variables_with_files(
    root: &mut Node,
    options: &VariableOptions,
    source: &str,
) -> (Vec<Diagnostic>, Vec<SourceText>) {
    resolve(root, options, Some(source))
}

/// Resolves on the caller's thread, then points each diagnostic at its `${…}` text.
fn resolve(
    root: &mut Node,
    options: &VariableOptions,
    source: Option<&str>,
) -> (Vec<Diagnostic>, Vec<SourceText>) {
    let config_bytes = source.map_or(root.span.end, str::len);
    let mut resolver = Resolver::new(root, options, config_bytes);
    resolver.resolve_all();
    let diagnostics = resolver
        .report()
        .into_iter()
        .map(|(mut diagnostic, needle)| {
            diagnostic.span = diagnostic
                .span
                .map(|span| narrow(source, span, needle.as_deref()));
            diagnostic
        })
        .collect();
    (diagnostics, resolver.into_files())
}
