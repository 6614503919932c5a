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
//! * Circular references are `VARIABLE_CYCLE` errors with Serverless' messages; recursion is
//!   bounded, so nothing here can hang or overflow the stack.
//! * Work is bounded too (`Code::VariableTooComplex`): a `${self:…}` value is copied where it is
//!   used, so references to references can expand exponentially like YAML aliases; all the
//!   copies together may not exceed [`MAX_VARIABLE_NODES`] nodes or [`MAX_VARIABLE_BYTES`]
//!   bytes, and the lookups of a referenced mapping's unresolved properties at most
//!   [`MAX_VARIABLE_SCANS`] entries.
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
pub use resolver::{MAX_VARIABLE_BYTES, MAX_VARIABLE_NODES, MAX_VARIABLE_SCANS};

use crate::diag::{Code, Diagnostic, SourceText};
use crate::tree::{Node, Span, Value};
use report::{Reported, narrow};
use resolver::{RESOLVER_STACK, Resolver};

fn resolve_here(
    root: &mut Node,
    options: &VariableOptions,
    config_bytes: usize,
) -> (Vec<Reported>, Vec<SourceText>) {
    let mut resolver = Resolver::new(root, options, config_bytes);
    resolver.resolve_all();
    (resolver.report(), resolver.into_files())
}

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

/// One resolution handed to the resolver thread; the tree travels there and back.
struct Job {
    root: Node,
    options: VariableOptions,
    /// The length of the config text: included files are placed after it.
    config_bytes: usize,
    reply: std::sync::mpsc::Sender<Reply>,
}

/// The tree back, with the diagnostics, or with the panic that stopped the resolver.
type Reply = (Node, std::thread::Result<(Vec<Reported>, Vec<SourceText>)>);

/// The resolver thread, started at the first resolution and kept for the process: one
/// thread for every call keeps its allocations apart from the tree's (resolving in the
/// caller's thread, among the tree's, was a tenth slower), and a new thread per call started
/// from an empty allocator heap each time (a big service's resolution a third slower).
fn resolver_thread() -> Option<&'static std::sync::mpsc::Sender<Job>> {
    static THREAD: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    THREAD
        .get_or_init(|| {
            let (jobs, receiver) = std::sync::mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("msk-variables".to_owned())
                .stack_size(RESOLVER_STACK)
                .spawn(move || {
                    for mut job in receiver {
                        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            resolve_here(&mut job.root, &job.options, job.config_bytes)
                        }));
                        let _ = job.reply.send((job.root, result));
                    }
                })
                .ok()
                .map(|_| jobs)
        })
        .as_ref()
}

fn resolve(
    root: &mut Node,
    options: &VariableOptions,
    source: Option<&str>,
) -> (Vec<Diagnostic>, Vec<SourceText>) {
    let narrowed = |(reported, files): (Vec<Reported>, Vec<SourceText>)| {
        let diagnostics = reported
            .into_iter()
            .map(|(mut diagnostic, needle)| {
                diagnostic.span = diagnostic
                    .span
                    .map(|span| narrow(source, span, needle.as_deref()));
                diagnostic
            })
            .collect();
        (diagnostics, files)
    };
    let config_bytes = source.map_or(root.span.end, str::len);
    let Some(thread) = resolver_thread() else {
        return narrowed(resolve_here(root, options, config_bytes));
    };
    let (reply, replies) = std::sync::mpsc::channel();
    let job = Job {
        root: std::mem::replace(root, Node::new(Value::Null, Span::default())),
        options: options.clone(),
        config_bytes,
        reply,
    };
    if let Err(std::sync::mpsc::SendError(job)) = thread.send(job) {
        *root = job.root;
        return narrowed(resolve_here(root, options, config_bytes));
    }
    match replies.recv() {
        Ok((tree, result)) => {
            *root = tree;
            // Nothing in the resolver panics; should it, the panic continues in the caller.
            narrowed(result.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        }
        // The thread replies to every job, even one that panicked; this cannot happen.
        Err(_) => (
            vec![Diagnostic::error(
                Code::Internal,
                "the variable resolver stopped without an answer",
            )],
            Vec::new(),
        ),
    }
}
