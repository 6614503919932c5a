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
mod paths;
mod report;
mod resolver;
mod sources;

use std::collections::BTreeMap;

/// The resolver's maps are keyed by property paths and hashed many times per variable: a
/// fast fixed-seed hash (iteration order never matters here, and the input is the user's own
/// config, not an attacker's).
type FixedHash = foldhash::fast::FixedState;
type HashMap<K, V> = std::collections::HashMap<K, V, FixedHash>;
type HashSet<T> = std::collections::HashSet<T, FixedHash>;
type IndexMap<K, V> = indexmap::IndexMap<K, V, FixedHash>;
type IndexSet<T> = indexmap::IndexSet<T, FixedHash>;

use crate::diag::{Code, Diagnostic, SourceText};
use crate::tree::{Node, Span, Value};
use paths::map_spans;
pub use paths::shift_spans;
use report::{Reported, narrow};
use resolver::resolve_here;

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
    fn get(&self, key: &str, span: Span) -> Option<Node> {
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

/// Serverless' `nestTracker` for values resolved inside a variable's params and address.
const INTERNAL_NEST_LIMIT: usize = 10;
/// Serverless' limit on re-resolving a property whose value brought new variables.
const PROPERTY_NEST_LIMIT: usize = 10;
/// Our bound on nested resolution (property → dependency → …), so the stack cannot overflow.
const MAX_RESOLUTION_DEPTH: usize = 256;
/// Most nodes that `${self:…}` references may copy in all (the YAML alias budget's size).
pub const MAX_VARIABLE_NODES: usize = 1_000_000;
/// Most bytes of keys and strings that `${self:…}` references may copy in all.
pub const MAX_VARIABLE_BYTES: usize = 64 << 20;
/// Most unresolved properties that references to mappings may look through in all. Each
/// property is normally looked at once, when it gets resolved; only properties that stay
/// unresolved (errors, unknown sources) are seen again by each later reference.
pub const MAX_VARIABLE_SCANS: usize = 2_000_000;

/// Resolution recurses once per nested reference (bounded by [`MAX_RESOLUTION_DEPTH`]), and
/// debug builds use large frames, so a caller's stack (2 MiB for test threads) may not be
/// enough. Resolution runs on a thread of its own with this stack (only the touched part is
/// ever committed)…
const RESOLVER_STACK: usize = 64 << 20;
/// …and, should that thread be unavailable, on the caller's thread, where each step of the
/// recursion checks that this much stack is left…
#[cfg(not(target_family = "wasm"))]
const STACK_RED_ZONE: usize = 1 << 20;
/// …and otherwise goes on in a new stack segment of this size (freed when it returns).
#[cfg(not(target_family = "wasm"))]
const STACK_SEGMENT: usize = 8 << 20;

/// Runs one step of the recursion with at least [`STACK_RED_ZONE`] of stack left.
#[cfg(not(target_family = "wasm"))]
fn with_stack<R>(step: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, step)
}

/// WebAssembly cannot switch stacks: the module's stack, sized when it is linked, holds
/// [`MAX_RESOLUTION_DEPTH`] steps.
#[cfg(target_family = "wasm")]
fn with_stack<R>(step: impl FnOnce() -> R) -> R {
    step()
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
