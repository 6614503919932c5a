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

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;

/// The resolver's maps are keyed by property paths and hashed many times per variable: a
/// fast fixed-seed hash (iteration order never matters here, and the input is the user's own
/// config, not an attacker's).
type FixedHash = foldhash::fast::FixedState;
type HashMap<K, V> = std::collections::HashMap<K, V, FixedHash>;
type HashSet<T> = std::collections::HashSet<T, FixedHash>;
type IndexMap<K, V> = indexmap::IndexMap<K, V, FixedHash>;
type IndexSet<T> = indexmap::IndexSet<T, FixedHash>;

use super::scalar::number_value;
use super::var_syntax::{self, ErrId, Meta, Source, VarState, Variable};
use crate::diag::{Code, Diagnostic, SourceText};
use crate::js::{self, is_array_index};
use crate::tree::{Entry, Node, Span, Value};

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

/// Sources Serverless 3.40.0 knows; the last six cannot be resolved offline.
const KNOWN_SOURCES: [&str; 11] = [
    "self",
    "opt",
    "env",
    "sls",
    "strToBool",
    "file",
    "ssm",
    "cf",
    "s3",
    "aws",
    "param",
];
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
const STACK_RED_ZONE: usize = 1 << 20;
/// …and otherwise goes on in a new stack segment of this size (freed when it returns).
const STACK_SEGMENT: usize = 8 << 20;

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

/// A diagnostic of the resolver with the `${…}` text it is about: the caller, which has the
/// source, narrows its span to that text.
type Reported = (Diagnostic, Option<String>);

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

fn resolve_here(
    root: &mut Node,
    options: &VariableOptions,
    config_bytes: usize,
) -> (Vec<Reported>, Vec<SourceText>) {
    let mut resolver = Resolver {
        root,
        options,
        files: HashMap::default(),
        included: Vec::new(),
        next_base: config_bytes + 1,
        file_budget: super::MAX_CONFIG_BYTES.saturating_sub(config_bytes),
        eventual: None,
        detail: None,
        metas: IndexMap::default(),
        dependencies: HashMap::default(),
        nest_depth: HashMap::default(),
        errors: Vec::new(),
        depth: 0,
        needles: Vec::new(),
        hints: Vec::new(),
        key_positions: KeyPositions::default(),
        unresolved: None,
        copied_nodes: 0,
        copied_bytes: 0,
        scanned: 0,
        too_complex: None,
        progress: 0,
    };
    let entries = parse_entries::<&str>(resolver.root, &[]);
    for entry in entries {
        resolver.register(entry);
    }
    let paths: Vec<String> = resolver.metas.keys().cloned().collect();
    for path in paths {
        // Errors are recorded on the metas; a returned failure concerns a dependent only.
        let _ = resolver.resolve_property(&path);
    }
    (resolver.report(), resolver.included)
}

/// A string property of the config that holds variables.
#[derive(Debug)]
struct PropMeta {
    meta: Meta,
    span: Span,
    /// Resolved and written into the config (Serverless deletes it from its map).
    done: bool,
    /// Being resolved (further up the call stack): asked again, it is a cycle.
    in_progress: bool,
    /// [`Resolver::progress`] when its last attempt changed nothing: asked again before
    /// anything changed, it gives the same answer (still unresolved) without trying. A chain
    /// of properties each referring ten times to one that never resolves (an unknown source)
    /// was otherwise retried 10^depth times.
    stalled_at: Option<u64>,
}

#[derive(Debug)]
struct VarError {
    code: Code,
    message: String,
    path: String,
    /// The `${…}` text being resolved when the error happened.
    needle: Option<String>,
    /// Where the problem is when that is not the property (a position in an included file).
    span: Option<Span>,
    /// A help line fitting the source, instead of the code's general one.
    help: Option<String>,
}

/// What a source adds to the error the resolver records next.
#[derive(Debug, Default)]
struct ErrorDetail {
    span: Option<Span>,
    help: Option<String>,
}

/// A source's answer "no value", with the words for the error when no fallback follows
/// (Serverless' `eventualErrorMessage`, and a help line).
#[derive(Debug)]
struct Eventual {
    message: Option<String>,
    help: String,
}

/// Why an included file gives no content: the code, the message (Serverless' words where it
/// has them), and the place in the file when there is one.
type FileError = (Code, String, Option<Span>);

/// A file `${file(…)}` read, parsed once however often it is referenced.
#[derive(Debug, Clone)]
enum FileContent {
    /// No file at that path: no value.
    Missing,
    /// The parsed content (`null` for an empty YAML file), its spans in the file's range.
    /// Shared: each reference walks it, and only the value it takes is copied.
    Loaded(std::rc::Rc<Node>),
    /// A JavaScript file, which Serverless would run.
    Script,
    /// A YAML file without a document (empty, or only spaces): js-yaml's `undefined`.
    NoDocument,
}

/// Why a resolution step did not produce a value.
#[derive(Debug)]
enum Fail {
    /// Serverless' `MISSING_VARIABLE_DEPENDENCY`: depends on something unresolved; retry later.
    Missing,
    /// A recorded error.
    Error(ErrId),
    /// A source's own error, not yet prefixed with "Cannot resolve variable at …".
    Source { code: Code, message: String },
}

/// One string found by `parseEntries`.
struct Found {
    /// The property path: its keys joined with NUL, as [`join_path`] writes them.
    path: String,
    span: Span,
    value: String,
    parsed: Result<Vec<Variable>, var_syntax::SyntaxError>,
}

struct Resolver<'a> {
    root: &'a mut Node,
    options: &'a VariableOptions,
    /// What `${file(…)}` read, by absolute path; an error is kept to be reported for each
    /// reference.
    files: HashMap<std::path::PathBuf, Result<FileContent, FileError>>,
    /// The texts of the files read, each placed after the config and the files before it.
    included: Vec<SourceText>,
    /// Where the next included file's spans start.
    next_base: usize,
    /// Bytes the included files may still hold (all of them and the config together hold at
    /// most the config limit).
    file_budget: usize,
    /// Set by a source that answered "no value"; read when no fallback follows.
    eventual: Option<Eventual>,
    /// Set by a source just before it fails; taken by the error recorded next.
    detail: Option<ErrorDetail>,
    /// Serverless' `variablesMeta`, keyed by the property path joined with NUL.
    metas: IndexMap<String, PropMeta>,
    /// `propertyDependenciesMap`.
    dependencies: HashMap<String, IndexSet<String>>,
    /// `propertyResolutionNestDepthMap`.
    nest_depth: HashMap<String, usize>,
    errors: Vec<VarError>,
    depth: usize,
    needles: Vec<String>,
    /// Where the last property was written, for [`set_at_hinted`].
    hints: Vec<usize>,
    /// The properties not done yet, by path (sorted), with their position in `metas`: the
    /// properties under a referenced mapping are a range of it, instead of a scan of every
    /// property for each reference (which made 40 000 references to a mapping take seconds).
    /// Built at the first reference to a mapping (`None` before): most configs have none,
    /// and keeping it sorted cost a tenth of resolving.
    unresolved: Option<BTreeMap<String, usize>>,
    /// What `${self:…}` references have copied so far.
    copied_nodes: usize,
    copied_bytes: usize,
    /// Unresolved properties looked through for references to mappings so far.
    scanned: usize,
    /// The error reported when a budget ran out; later references share it, so it is
    /// reported once.
    too_complex: Option<ErrId>,
    /// Counts every change of the resolver's state (an error, a registration, a property
    /// done, a variable resolved or failed or past a fallback, a new dependency).
    progress: u64,
    /// Where the keys of the config's large mappings are, for `${self:…}` and `${param:…}`.
    key_positions: KeyPositions,
}

/// The position of each key of the config's large mappings, by the mapping's path, built at
/// the first lookup through it: a scan of the keys for each reference made 10 000
/// references to the keys of a 10 000-key mapping (`params.default`, `custom`) quadratic.
/// A resolved property replaces only its own value, never a key, so the positions in the
/// mappings around it stay right; those under it are dropped ([`KeyPositions::forget`]).
#[derive(Default)]
struct KeyPositions(BTreeMap<String, HashMap<String, usize>>);

impl KeyPositions {
    /// Mappings with at most this many keys are scanned: indexing them costs more.
    const SCANNED: usize = 32;

    /// The position of `key` in `entries`, the mapping at `path` of the config.
    fn find(&mut self, path: &[String], entries: &[Entry], key: &str) -> Option<usize> {
        if entries.len() <= Self::SCANNED {
            return entries.iter().position(|entry| entry.key == key);
        }
        let positions = self.0.entry(join_path(path)).or_insert_with(|| {
            let mut positions =
                HashMap::with_capacity_and_hasher(entries.len(), FixedHash::default());
            for (at, entry) in entries.iter().enumerate() {
                positions.entry(entry.key.clone()).or_insert(at);
            }
            positions
        });
        positions.get(key).copied()
    }

    /// The value at `prefix` (a path) was replaced: the mappings in it are new. (Paths that
    /// only start with the same text are forgotten too, and built again if needed.)
    fn forget(&mut self, prefix: &str) {
        if self.0.is_empty() {
            return;
        }
        let stale: Vec<String> = self
            .0
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(under, _)| under.starts_with(prefix))
            .map(|(under, _)| under.clone())
            .collect();
        for under in stale {
            self.0.remove(&under);
        }
    }
}

fn join_path(keys: &[String]) -> String {
    keys.join("\0")
}

/// `humanizePropertyPath`: keys joined with dots.
fn humanize(path: &str) -> String {
    path.replace('\0', ".")
}

/// One step below the `base` of [`parse_entries`], kept borrowed until a string is found.
#[derive(Debug, Clone, Copy)]
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

/// `parseEntries`: every string with variables (or a syntax error) under `node`, in order.
fn parse_entries<K: AsRef<str>>(node: &Node, base: &[K]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut path: Vec<Step<'_>> = Vec::new();
    // (node, its depth below `node`, the step that leads to it)
    let mut pending: Vec<(&Node, usize, Option<Step<'_>>)> = vec![(node, 0, None)];
    while let Some((node, depth, step)) = pending.pop() {
        path.truncate(depth.saturating_sub(1));
        if let Some(step) = step {
            path.push(step);
        }
        match &node.value {
            Value::Object(entries) => {
                for entry in entries.iter().rev() {
                    pending.push((&entry.value, depth + 1, Some(Step::Key(&entry.key))));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    pending.push((item, depth + 1, Some(Step::Index(index))));
                }
            }
            Value::String(text) => {
                let parsed = match var_syntax::parse(text) {
                    Ok(None) => continue,
                    Ok(Some(variables)) => Ok(variables),
                    Err(error) => Err(error),
                };
                // `join_path` of the base keys and the steps, written in one string.
                let mut joined = String::new();
                let mut index_text = itoa::Buffer::new();
                for (at, key) in base.iter().map(AsRef::as_ref).enumerate() {
                    if at > 0 {
                        joined.push('\0');
                    }
                    joined.push_str(key);
                }
                for (at, step) in path.iter().enumerate() {
                    if at > 0 || !base.is_empty() {
                        joined.push('\0');
                    }
                    match step {
                        Step::Key(key) => joined.push_str(key),
                        Step::Index(index) => joined.push_str(index_text.format(*index)),
                    }
                }
                found.push(Found {
                    path: joined,
                    span: node.span,
                    value: text.clone(),
                    parsed,
                });
            }
            _ => {}
        }
    }
    found
}

/// `type/string/coerce`: `None` for `null` and plain objects.
fn coerce_string(value: &Value) -> Option<String> {
    match value {
        Value::Null | Value::Object(_) => None,
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(js::number_to_string(*number)),
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => Some(join_array(items)),
    }
}

/// `Array.prototype.join(",")` as `String(array)` does it.
fn join_array(items: &[Node]) -> String {
    items
        .iter()
        .map(|item| match &item.value {
            Value::Null => String::new(),
            Value::Object(_) => "[object Object]".to_owned(),
            Value::Array(inner) => join_array(inner),
            other => coerce_string(other).unwrap_or_default(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `type/lib/to-short-string`, for messages.
fn short_string(value: &Value) -> String {
    let text = match value {
        Value::Object(_) => "[object Object]".to_owned(),
        Value::Null => "null".to_owned(),
        other => coerce_string(other).unwrap_or_default(),
    };
    let text = if text.encode_utf16().count() > 100 {
        format!("{}…", text.chars().take(99).collect::<String>())
    } else {
        text
    };
    text.replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// JavaScript `value[key]` on config data (`undefined` is `None`).
fn js_get(node: &Node, key: &str) -> Option<Node> {
    match &node.value {
        Value::Object(entries) => entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| entry.value.clone()),
        Value::Array(items) if key == "length" => {
            #[allow(clippy::cast_precision_loss)] // Lists are far shorter than 2^53.
            Some(Node::new(Value::Number(items.len() as f64), node.span))
        }
        Value::Array(items) if is_array_index(key) => key
            .parse::<usize>()
            .ok()
            .and_then(|index| items.get(index))
            .cloned(),
        Value::String(text) if key == "length" =>
        {
            #[allow(clippy::cast_precision_loss)]
            Some(Node::new(
                Value::Number(text.encode_utf16().count() as f64),
                node.span,
            ))
        }
        Value::String(text) if is_array_index(key) => {
            let index = key.parse::<usize>().ok()?;
            let unit = text.encode_utf16().nth(index)?;
            Some(Node::new(
                Value::String(String::from_utf16_lossy(&[unit])),
                node.span,
            ))
        }
        _ => None,
    }
}

/// JavaScript `keys.reduce((value, key) => value[key], root)`, stopping at `null`/`undefined`.
/// Borrows along the way; only synthetic values (`length`, a character) are created. With
/// `positions`, `root` is the config's root and its large mappings are looked up by index.
fn js_walk<'n>(
    root: &'n Node,
    keys: &[String],
    mut positions: Option<&mut KeyPositions>,
) -> Option<Cow<'n, Node>> {
    let mut current = Cow::Borrowed(root);
    for (depth, key) in keys.iter().enumerate() {
        if current.is_null() {
            return None;
        }
        current = match current {
            Cow::Borrowed(node) => match &node.value {
                Value::Object(entries) => {
                    let at = match positions.as_deref_mut() {
                        Some(positions) => positions.find(&keys[..depth], entries, key),
                        None => entries.iter().position(|entry| &entry.key == key),
                    }?;
                    Cow::Borrowed(&entries[at].value)
                }
                Value::Array(items) if is_array_index(key) => {
                    Cow::Borrowed(items.get(key.parse::<usize>().ok()?)?)
                }
                _ => Cow::Owned(js_get(node, key)?),
            },
            Cow::Owned(node) => Cow::Owned(js_get(&node, key)?),
        };
    }
    Some(current)
}

fn set_at<K: AsRef<str>>(root: &mut Node, keys: &[K], value: Node) {
    set_at_hinted(root, keys, value, &mut Vec::new());
}

/// [`set_at`], starting the key search in each mapping where the previous call found its
/// key at that depth (`hints`, updated): properties are resolved in config order, so the next
/// one sits at or just after the previous one, and resolving every property under a mapping
/// with thousands of keys (`functions` of a big service) stays linear instead of quadratic.
/// Keys are unique within a mapping, so where the search starts does not change the result.
fn set_at_hinted<K: AsRef<str>>(root: &mut Node, keys: &[K], value: Node, hints: &mut Vec<usize>) {
    let Some((last, parents)) = keys.split_last() else {
        *root = value;
        return;
    };
    let mut node = root;
    let last = last.as_ref();
    for (depth, key) in keys.iter().enumerate() {
        let key = key.as_ref();
        let hint = hints.get(depth).copied().unwrap_or(0);
        let at = match &node.value {
            Value::Object(entries) => find_from(entries, key, hint),
            Value::Array(items) => key.parse::<usize>().ok().filter(|at| *at < items.len()),
            _ => None,
        };
        let Some(at) = at else { return };
        // Overwritten in place: the deeper hints are still to be read by this walk.
        match hints.get_mut(depth) {
            Some(slot) => *slot = at,
            None => hints.push(at),
        }
        if depth == parents.len() {
            break;
        }
        let child = match &mut node.value {
            Value::Object(entries) => entries.get_mut(at).map(|entry| &mut entry.value),
            Value::Array(items) => items.get_mut(at),
            _ => None,
        };
        let Some(child) = child else { return };
        node = child;
    }
    hints.truncate(keys.len());
    match &mut node.value {
        Value::Object(entries) => {
            if let Some(entry) = hints.last().and_then(|at| entries.get_mut(*at))
                && entry.key == last
            {
                entry.value = value;
            }
        }
        Value::Array(items) => {
            if let Some(item) = hints.last().and_then(|at| items.get_mut(*at)) {
                *item = value;
            }
        }
        _ => {}
    }
}

/// The position of `key` in `entries`, searching from `hint` on, then before it.
fn find_from(entries: &[Entry], key: &str, hint: usize) -> Option<usize> {
    let start = hint.min(entries.len());
    let (before, after) = entries.split_at(start);
    after
        .iter()
        .position(|entry| entry.key == key)
        .map(|at| start + at)
        .or_else(|| before.iter().position(|entry| entry.key == key))
}

/// A value as it leaves a source: `JSON.parse(JSON.stringify(value))`.
fn json_normalize(mut node: Node) -> Node {
    let mut pending = vec![&mut node];
    while let Some(node) = pending.pop() {
        if let Value::Number(number) = node.value {
            node.value = number_value(number);
            continue;
        }
        match &mut node.value {
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => {
                pending.extend(entries.iter_mut().map(|entry| &mut entry.value))
            }
            _ => {}
        }
    }
    node
}

impl Resolver<'_> {
    fn register(&mut self, found: Found) {
        let path = found.path;
        let meta = match found.parsed {
            Ok(variables) => Meta::new(Value::String(found.value), Some(variables)),
            Err(error) => {
                let id = self.push_error(
                    Code::VariableSyntax,
                    format!(
                        "Variable syntax error at \"{}\": {}",
                        humanize(&path),
                        error.message
                    ),
                    &path,
                );
                let mut meta = Meta::new(Value::String(found.value), None);
                meta.error = Some(id);
                meta
            }
        };
        let mut meta = meta;
        meta.value.span = found.span;
        self.progress += 1;
        // A path registered again keeps its position, and whether it is being resolved or
        // stalled (those describe the path's resolution, not this value).
        let property = PropMeta {
            meta,
            span: found.span,
            done: false,
            in_progress: false,
            stalled_at: None,
        };
        let at = match self.metas.entry(path.clone()) {
            indexmap::map::Entry::Occupied(mut occupied) => {
                let old = occupied.get();
                let property = PropMeta {
                    in_progress: old.in_progress,
                    stalled_at: old.stalled_at,
                    ..property
                };
                occupied.insert(property);
                occupied.index()
            }
            indexmap::map::Entry::Vacant(vacant) => {
                let at = vacant.index();
                vacant.insert(property);
                at
            }
        };
        if let Some(unresolved) = &mut self.unresolved {
            unresolved.insert(path, at);
        }
    }

    fn push_error(&mut self, code: Code, message: String, path: &str) -> ErrId {
        self.progress += 1;
        let detail = self.detail.take().unwrap_or_default();
        self.errors.push(VarError {
            code,
            message,
            path: path.to_owned(),
            needle: self.needles.last().cloned(),
            span: detail.span,
            help: detail.help,
        });
        self.errors.len() - 1
    }

    /// An error of the property at `path` (`Cannot resolve variable at "<path>": …`).
    fn property_error(&mut self, code: Code, path: &str, detail: &str) -> ErrId {
        self.push_error(
            code,
            format!(
                "Cannot resolve variable at \"{}\": {detail}",
                humanize(path)
            ),
            path,
        )
    }

    /// Registered and not yet resolved (`variablesMeta.has(path)`).
    fn is_registered(&self, path: &str) -> bool {
        self.metas.get(path).is_some_and(|meta| !meta.done)
    }

    /// `resolveProperty`. `Err` is for the dependent that asked (a re-entrant call).
    fn resolve_property(&mut self, path: &str) -> Result<(), Fail> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.resolve_property_with_stack(path)
        })
    }

    fn resolve_property_with_stack(&mut self, path: &str) -> Result<(), Fail> {
        // Looked up once: the rest goes by position (a registered path keeps it), since a
        // big service's properties do not fit in the cache and each lookup by hash was a miss.
        let Some((at, _, property)) = self.metas.get_full(path) else {
            return Ok(());
        };
        if property.done || property.meta.variables.is_none() {
            return Ok(());
        }
        if property.in_progress {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Circular reference: \"{}\" is already being resolved",
                    humanize(path)
                ),
            });
        }
        if self.depth >= MAX_RESOLUTION_DEPTH {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Excessive variable dependency depth (more than {MAX_RESOLUTION_DEPTH} nested references)"
                ),
            });
        }
        if property.stalled_at == Some(self.progress) {
            return Ok(());
        }
        let progress_before = self.progress;
        self.set_in_progress(at, true);
        self.depth += 1;
        // A dependency resolved on the way writes elsewhere in the config; the hints of the
        // properties resolved in config order must survive it.
        let outer_hints = (self.depth > 1).then(|| std::mem::take(&mut self.hints));
        self.resolve_property_inner(path, at);
        if let Some(outer_hints) = outer_hints {
            self.hints = outer_hints;
        }
        self.depth -= 1;
        self.set_in_progress(at, false);
        if self.progress == progress_before
            && let Some((_, property)) = self.metas.get_index_mut(at)
        {
            property.stalled_at = Some(progress_before);
        }
        Ok(())
    }

    fn set_in_progress(&mut self, at: usize, in_progress: bool) {
        if let Some((_, property)) = self.metas.get_index_mut(at) {
            property.in_progress = in_progress;
        }
    }

    /// The work of [`Self::resolve_property`] on the property at position `at` of `metas`.
    fn resolve_property_inner(&mut self, path: &str, at: usize) {
        loop {
            let Some((_, property)) = self.metas.get_index_mut(at) else {
                return;
            };
            // Work on the meta outside the map; a placeholder with variables keeps
            // dependents waiting (re-entry is refused above anyway).
            let placeholder = Meta::new(Value::Null, Some(Vec::new()));
            let mut meta = std::mem::replace(&mut property.meta, placeholder);
            let span = property.span;
            self.resolve_variables(path, &mut meta, true);
            if meta.variables.is_some() || meta.error.is_some() {
                self.put_back(at, meta);
                return;
            }
            let keys: Vec<&str> = path.split('\0').collect();
            let mut value = json_normalize(std::mem::replace(
                &mut meta.value,
                Node::new(Value::Null, span),
            ));
            // The resolved value sits where the variable was written.
            value.span = span;

            // Variables that surface in the resolved value.
            let mut again = false;
            let mut nested: Vec<Found> = Vec::new();
            match &value.value {
                Value::String(text) => {
                    let parsed = match &meta.source_values {
                        Some(parts) => source_values_variables(parts),
                        None => var_syntax::parse(text),
                    };
                    match parsed {
                        Err(error) => {
                            let id = self.property_error(
                                Code::VariableSyntax,
                                path,
                                &format!("Approached variable syntax error in resolved value \"{text}\": {}", error.message),
                            );
                            meta.error = Some(id);
                            self.put_back(at, meta);
                            return;
                        }
                        Ok(Some(variables)) => {
                            again = true;
                            nested.push(Found {
                                path: path.to_owned(),
                                span,
                                value: text.clone(),
                                parsed: Ok(variables),
                            });
                        }
                        Ok(None) => {}
                    }
                }
                Value::Object(_) | Value::Array(_) => nested = parse_entries(&value, &keys),
                _ => {}
            }
            if !nested.is_empty() {
                let depth = self.nest_depth.get(path).copied().unwrap_or(0) + 1;
                if depth > PROPERTY_NEST_LIMIT {
                    let id = self.property_error(
                        Code::VariableCycle,
                        path,
                        "Excessive property variables nest depth",
                    );
                    meta.error = Some(id);
                    self.put_back(at, meta);
                    return;
                }
                for found in &nested {
                    self.nest_depth.insert(found.path.clone(), depth);
                }
            }
            // The meta keeps no copy: a resolved property is done (or re-registered below).
            set_at_hinted(self.root, &keys, value, &mut self.hints);
            self.key_positions.forget(path);
            self.put_back(at, meta);
            if !again && let Some((_, property)) = self.metas.get_index_mut(at) {
                property.done = true;
                if let Some(unresolved) = &mut self.unresolved {
                    unresolved.remove(path);
                }
                self.progress += 1;
            }
            let sub_paths: Vec<String> = nested.iter().map(|found| found.path.clone()).collect();
            for found in nested {
                self.register(found);
            }
            if again {
                continue;
            }
            for sub_path in sub_paths {
                let _ = self.resolve_property(&sub_path);
            }
            return;
        }
    }

    fn put_back(&mut self, at: usize, meta: Meta) {
        if let Some((_, property)) = self.metas.get_index_mut(at) {
            property.meta = meta;
        }
    }

    /// `resolveVariables`: resolves the variables of one value and rebuilds it.
    fn resolve_variables(&mut self, path: &str, meta: &mut Meta, top: bool) {
        let raw = match &meta.value.value {
            Value::String(text) => text.clone(),
            _ => String::new(),
        };
        let Some(variables) = meta.variables.as_mut() else {
            return;
        };
        for variable in variables.iter_mut() {
            if matches!(variable.state, VarState::Pending(_)) {
                if top {
                    self.needles.push(
                        raw.get(variable.start..variable.end)
                            .unwrap_or(&raw)
                            .to_owned(),
                    );
                }
                self.resolve_variable(path, variable);
                if top {
                    self.needles.pop();
                }
            }
            if let VarState::Failed(error) = variable.state {
                if meta.error.is_none() {
                    meta.error = Some(error);
                }
                meta.variables = None;
                return;
            }
        }
        if variables
            .iter()
            .any(|variable| matches!(variable.state, VarState::Pending(_)))
        {
            return;
        }
        if let [only] = variables.as_mut_slice()
            && only.whole
        {
            let placeholder = VarState::Resolved(Node::new(Value::Null, Span::default()));
            if let VarState::Resolved(value) = std::mem::replace(&mut only.state, placeholder) {
                let span = meta.value.span;
                meta.value = value;
                meta.value.span = span;
            }
            meta.variables = None;
            return;
        }
        // Concatenation: the result is always a string.
        let mut parts = Vec::with_capacity(variables.len() * 2 + 1);
        let mut last = 0;
        for variable in variables.iter() {
            let VarState::Resolved(value) = &variable.state else {
                continue;
            };
            let Some(text) = coerce_string(&value.value) else {
                if top {
                    self.needles.push(
                        raw.get(variable.start..variable.end)
                            .unwrap_or(&raw)
                            .to_owned(),
                    );
                }
                let id = self.property_error(
                    Code::VariableInvalid,
                    path,
                    "String value consist of variable which resolve with non-string value",
                );
                if top {
                    self.needles.pop();
                }
                meta.error = Some(id);
                meta.variables = None;
                return;
            };
            parts.push(raw.get(last..variable.start).unwrap_or("").to_owned());
            parts.push(text);
            last = variable.end;
        }
        parts.push(raw.get(last..).unwrap_or("").to_owned());
        meta.value.value = Value::String(parts.concat());
        meta.source_values = Some(parts);
        meta.variables = None;
    }

    /// `resolveVariable`: tries the sources in order.
    fn resolve_variable(&mut self, path: &str, variable: &mut Variable) {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.resolve_variable_with_stack(path, variable);
        });
    }

    fn resolve_variable_with_stack(&mut self, path: &str, variable: &mut Variable) {
        // Taken out rather than copied (each source may hold resolved params); every way
        // out of the loop below puts a new state back.
        let mut sources =
            match std::mem::replace(&mut variable.state, VarState::Pending(Vec::new())) {
                VarState::Pending(sources) => sources,
                other => {
                    variable.state = other;
                    return;
                }
            };
        let sources_before = sources.len();
        let mut index = 0;
        if self.depth >= MAX_RESOLUTION_DEPTH {
            let id = self.property_error(
                Code::VariableCycle,
                path,
                &format!("Excessive variable nesting (more than {MAX_RESOLUTION_DEPTH} levels)"),
            );
            variable.state = VarState::Failed(id);
            return;
        }
        self.depth += 1;
        while let Some(source) = sources.get_mut(index) {
            let known = match source {
                Source::Typed { kind, .. } => {
                    KNOWN_SOURCES.iter().find(|known| **known == kind.as_str())
                }
                Source::Literal(_) => None,
            };
            // Borrowed for the known sources: most variables, and no allocation each.
            let kind: Cow<'static, str> = match (known, &*source) {
                (Some(kind), _) => Cow::Borrowed(*kind),
                // An unknown (plugin) source may have a value in `--values`; it is left
                // unresolved otherwise, as Serverless does.
                (None, Source::Typed { kind, .. }) if !self.options.values.is_empty() => {
                    Cow::Owned(kind.clone())
                }
                // Unknown source (or a literal first): left unresolved, as Serverless does.
                _ => {
                    variable.state = VarState::Pending(sources.split_off(index));
                    break;
                }
            };
            self.eventual = None;
            match self.resolve_variable_source(path, source) {
                Err(Fail::Missing) => {
                    variable.state = VarState::Pending(sources.split_off(index));
                    break;
                }
                Err(Fail::Error(id)) => {
                    variable.state = VarState::Failed(id);
                    break;
                }
                Err(Fail::Source { code, message }) => {
                    let id = self.property_error(code, path, &message);
                    variable.state = VarState::Failed(id);
                    break;
                }
                Ok(value) if !value.is_null() => {
                    variable.state = VarState::Resolved(value);
                    break;
                }
                Ok(_) => {}
            }
            index += 1;
            let eventual = self.eventual.take();
            match sources.get(index) {
                None => {
                    let (message, help) = match eventual {
                        Some(Eventual { message, help }) => (message, Some(help)),
                        None => (None, None),
                    };
                    self.detail = Some(ErrorDetail { span: None, help });
                    let message =
                        message.unwrap_or_else(|| format!("Value not found at \"{kind}\" source"));
                    let id = self.property_error(Code::VariableUnresolved, path, &message);
                    variable.state = VarState::Failed(id);
                    break;
                }
                Some(Source::Literal(value)) => {
                    variable.state = VarState::Resolved(Node::new(value.clone(), Span::default()));
                    break;
                }
                Some(Source::Typed { .. }) => {}
            }
        }
        self.depth -= 1;
        // Resolved, failed, or waiting at a later fallback: a change.
        if !matches!(&variable.state, VarState::Pending(left) if left.len() == sources_before) {
            self.progress += 1;
        }
    }

    /// `resolveVariableSource`: resolves params and address, then asks the source.
    fn resolve_variable_source(&mut self, path: &str, source: &mut Source) -> Result<Node, Fail> {
        let Source::Typed {
            kind,
            params,
            address,
        } = source
        else {
            return Ok(Node::new(Value::Null, Span::default()));
        };
        if let Some(params) = params {
            for param in params.iter_mut().filter(|param| param.variables.is_some()) {
                self.resolve_variables(path, param, false);
                self.resolve_internal_result(path, param, INTERNAL_NEST_LIMIT)?;
            }
        }
        if let Some(address) = address
            .as_mut()
            .filter(|address| address.variables.is_some())
        {
            self.resolve_variables(path, address, false);
            self.resolve_internal_result(path, address, INTERNAL_NEST_LIMIT)?;
        }
        // Only the first param is ever read (`strToBool`'s input, `file`'s path), except
        // for the text of a variable looked up in `--values`.
        let first_param = params
            .as_ref()
            .and_then(|params| params.first())
            .map(|param| &param.value.value);
        let address = address.as_ref().map(|address| &address.value.value);
        match self.resolve_source(path, kind, first_param, address, params.as_deref()) {
            Ok(value) => Ok(json_normalize(value)),
            Err(Fail::Source { code, message }) => {
                Err(Fail::Error(self.property_error(code, path, &message)))
            }
            Err(other) => Err(other),
        }
    }

    /// `resolveInternalResult`: a param or address whose value may hold further variables.
    fn resolve_internal_result(
        &mut self,
        path: &str,
        meta: &mut Meta,
        nest: usize,
    ) -> Result<(), Fail> {
        if let Some(error) = meta.error {
            return Err(Fail::Error(error));
        }
        if meta.variables.is_some() {
            return Err(Fail::Missing);
        }
        if nest == 0 {
            return Err(Fail::Error(self.property_error(
                Code::VariableCycle,
                path,
                "Excessive variables nest depth",
            )));
        }
        match &meta.value.value {
            Value::String(text) => {
                let parsed = match &meta.source_values {
                    Some(parts) => source_values_variables(parts),
                    None => var_syntax::parse(text),
                };
                let variables = match parsed {
                    Ok(None) => return Ok(()),
                    Ok(Some(variables)) => variables,
                    Err(error) => {
                        let id = self.property_error(
                            Code::VariableSyntax,
                            path,
                            &format!(
                                "Approached variable syntax error in resolved value \"{text}\": {}",
                                error.message
                            ),
                        );
                        meta.error = Some(id);
                        return Err(Fail::Error(id));
                    }
                };
                meta.variables = Some(variables);
                meta.source_values = None;
                self.resolve_variables(path, meta, false);
                self.resolve_internal_result(path, meta, nest - 1)
            }
            Value::Object(_) | Value::Array(_) => {
                for found in parse_entries::<&str>(&meta.value, &[]) {
                    let mut inner = match found.parsed {
                        Ok(variables) => Meta::new(Value::String(found.value), Some(variables)),
                        Err(error) => {
                            let id =
                                self.property_error(Code::VariableSyntax, path, &error.message);
                            return Err(Fail::Error(id));
                        }
                    };
                    inner.value.span = found.span;
                    self.resolve_variables(path, &mut inner, false);
                    self.resolve_internal_result(path, &mut inner, nest - 1)?;
                    let keys: Vec<&str> = found.path.split('\0').collect();
                    set_at(&mut meta.value, &keys, inner.value);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The sources (`lib/configuration/variables/sources/*.js`).
    fn resolve_source(
        &mut self,
        path: &str,
        kind: &str,
        first_param: Option<&Value>,
        address: Option<&Value>,
        params: Option<&[Meta]>,
    ) -> Result<Node, Fail> {
        let invalid = |message: String| Fail::Source {
            code: Code::VariableInvalid,
            message,
        };
        let null = Node::new(Value::Null, Span::default());
        // The variable's text for `--values`, built only by the sources that look there.
        let key = || variable_key(kind, params, address);
        // `ensureString(address)`: numbers and booleans coerce, objects are errors.
        let address_text = |source: &str| -> Result<Option<String>, Fail> {
            match address {
                None | Some(Value::Null) => Ok(None),
                Some(value) => coerce_string(value).map(Some).ok_or_else(|| {
                    invalid(format!(
                        "Non-string address argument in variable \"{source}\" source: {}",
                        short_string(value)
                    ))
                }),
            }
        };
        match kind {
            "self" => {
                let keys: Vec<String> = match address_text("self")? {
                    Some(text) if !text.is_empty() => text.split('.').map(str::to_owned).collect(),
                    _ => Vec::new(),
                };
                Ok(self.resolve_dependent_property(path, &keys)?.unwrap_or(null))
            }
            "opt" => match address_text("opt")? {
                None => Ok(self.options_object()),
                Some(name) => Ok(self.option(&name).map_or(null, |value| Node::new(Value::String(value), Span::default()))),
            },
            "env" => match address_text("env")? {
                Some(name) if !name.is_empty() => Ok(self
                    .options
                    .env
                    .get(&name)
                    .map_or(null, |value| Node::new(Value::String(value.clone()), Span::default()))),
                _ => Err(invalid("Missing address argument in variable \"env\" source".to_owned())),
            },
            "sls" => match address_text("sls")?.as_deref() {
                None | Some("") => Err(invalid("Missing address argument in variable \"sls\" source".to_owned())),
                Some("instanceId") => self.remote_value(&key(), "\"sls:instanceId\" is a random id Serverless creates on each run; msk-compile cannot reproduce it"),
                Some("stage") => self.stage(path),
                Some(other) => Err(invalid(format!("Unsupported \"{other}\" address argument in variable \"sls\" source"))),
            },
            "strToBool" => {
                let Some(input) = first_param.filter(|input| !matches!(input, Value::Null)) else {
                    return Err(invalid("Missing \"strToBool\" input".to_owned()));
                };
                let Some(text) = coerce_string(input) else {
                    return Err(invalid(format!("Non-string \"strToBool\" input:. Received: {}", short_string(input))));
                };
                match js::trim(&text).to_lowercase().as_str() {
                    "true" | "1" => Ok(Node::new(Value::Bool(true), Span::default())),
                    "false" | "0" => Ok(Node::new(Value::Bool(false), Span::default())),
                    _ => Err(invalid(format!(
                        "Invalid \"strToBool\" input: Expected either \"true\", \"false\", \"0\", or \"1\". Received: {}",
                        short_string(input)
                    ))),
                }
            }
            "file" => self.file_source(path, first_param, address, &key()),
            "param" => self.param_source(path, address_text("param")?, &key()),
            "ssm" | "cf" | "s3" | "aws" => self.remote_value(
                &key(),
                &format!("\"{kind}\" variables ask AWS, which msk-compile does not call"),
            ),
            // A plugin's source: its value from `--values`, or left unresolved (reported
            // as an unrecognized source, as Serverless does without the plugin).
            _ => match self.options.values.get(&key(), Span::default()) {
                Some(value) => Ok(value),
                None => Err(Fail::Missing),
            },
        }
    }

    /// The stage: `--stage`, else `provider.stage`, else `dev` (`${sls:stage}`, and the
    /// stage of `params:`).
    fn stage(&mut self, path: &str) -> Result<Node, Fail> {
        if let Some(stage) = self
            .options
            .stage
            .as_ref()
            .filter(|stage| !stage.is_empty())
        {
            return Ok(Node::new(Value::String(stage.clone()), Span::default()));
        }
        let keys = ["provider".to_owned(), "stage".to_owned()];
        match self.resolve_dependent_property(path, &keys)? {
            Some(stage) if js::is_truthy(&stage.value) => Ok(stage),
            _ => Ok(Node::new(Value::String("dev".to_owned()), Span::default())),
        }
    }

    /// A source msk-compile cannot ask (AWS, a random id): its value from `--values`, or an
    /// error that says how to give it.
    fn remote_value(&mut self, key: &str, why: &str) -> Result<Node, Fail> {
        if let Some(value) = self.options.values.get(key, Span::default()) {
            return Ok(value);
        }
        self.detail = Some(ErrorDetail {
            span: None,
            help: Some(remote_help(key)),
        });
        Err(Fail::Source {
            code: Code::VariableUnresolved,
            message: why.to_owned(),
        })
    }

    /// `${param:name}`: `--param`, then `params.<stage>.<name>`, then `params.default.<name>`
    /// (Serverless' order; Dashboard parameters come from `--values` as `param:<name>`).
    fn param_source(&mut self, path: &str, name: Option<String>, key: &str) -> Result<Node, Fail> {
        let Some(name) = name.filter(|name| !name.is_empty()) else {
            return Err(Fail::Source {
                code: Code::VariableInvalid,
                message: "Missing address argument in variable \"param\" source".to_owned(),
            });
        };
        if let Some(value) = self.options.params.get(&name) {
            return Ok(Node::new(Value::String(value.clone()), Span::default()));
        }
        let stage = self.stage(path)?;
        let stage = coerce_string(&stage.value).unwrap_or_default();
        for scope in [stage.as_str(), "default"] {
            let keys = ["params".to_owned(), scope.to_owned(), name.clone()];
            if let Some(value) = self.resolve_dependent_property(path, &keys)?
                && !value.is_null()
            {
                return Ok(value);
            }
        }
        if let Some(value) = self.options.values.get(key, Span::default()) {
            return Ok(value);
        }
        self.eventual = Some(Eventual {
            message: Some(match self.options.dialect.missing_param_message {
                Some(message) => message.to_owned(),
                None => format!(
                    "The param \"{name}\" cannot be resolved from CLI options or stage params. If you are using Serverless Framework Compose, make sure to run commands via Compose so that all parameters can be resolved"
                ),
            }),
            help: format!(
                "define it in serverless.yml under `params.{stage}.{name}` or `params.default.{name}`, pass `--param \"{name}=<value>\"`, or (a Serverless Dashboard parameter) give `param:{name}` in a `--values` file"
            ),
        });
        Ok(Node::new(Value::Null, Span::default()))
    }

    /// `${file(path):address}`, as Serverless' `sources/file.js` reads it: YAML (`.yml`,
    /// `.yaml`) with the config's loader, JSON (`.json`, `.tfstate`), any other file as
    /// its text; a missing file is no value. JavaScript files (`.js`, `.cjs`) are not run.
    fn file_source(
        &mut self,
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
        let Some(service_dir) = self.options.service_dir.clone() else {
            self.detail = Some(ErrorDetail {
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
        let content = match self.files.get(&full) {
            Some(content) => content.clone(),
            None => {
                let content = self.read_file(&full, &relative);
                self.files.insert(full.clone(), content.clone());
                content
            }
        };
        let content = match content {
            Ok(content) => content,
            Err((code, message, span)) => {
                self.detail = Some(ErrorDetail {
                    span,
                    help: Some(file_help(code)),
                });
                return Err(Fail::Source { code, message });
            }
        };
        let shown = full.display().to_string();
        let content = match content {
            FileContent::Missing => {
                self.eventual = Some(Eventual {
                    message: None,
                    help: format!(
                        "there is no file `{relative}` (paths are relative to the service directory, where serverless.yml is); create it, fix the path, or add a fallback: `{with_fallback}`"
                    ),
                });
                return Ok(Node::new(Value::Null, Span::default()));
            }
            FileContent::Script => {
                if let Some(value) = self.options.values.get(key, Span::default()) {
                    return Ok(value);
                }
                self.detail = Some(ErrorDetail {
                    span: None,
                    help: Some(format!(
                        "give the value in a values file (`--values values.yml` with the line `{key}: <value>`), or let Serverless resolve the config and compile its output: `serverless print --format json > resolved.json`, then `msk-compile compile serverless.yml --resolved resolved.json`"
                    )),
                });
                return Err(Fail::Source {
                    code: Code::VariableUnresolved,
                    message: format!(
                        "Cannot load \"{relative}\": msk-compile does not run JavaScript"
                    ),
                });
            }
            // Without an address Serverless returns `undefined`, which its resolver refuses;
            // with one, there is no value (`content == null`), so a fallback applies.
            FileContent::NoDocument if address.as_deref().is_none_or(str::is_empty) => {
                self.detail = Some(ErrorDetail {
                    span: None,
                    help: Some(format!(
                        "`{shown}` holds no YAML document; give it content (`{{}}` for an empty mapping)"
                    )),
                });
                return Err(Fail::Source {
                    code: Code::VariableInvalid,
                    message: "Source \"file\" returned not supported result: \"undefined\""
                        .to_owned(),
                });
            }
            FileContent::NoDocument => std::rc::Rc::new(Node::new(Value::Null, Span::default())),
            FileContent::Loaded(content) => content,
        };
        let keys: Vec<String> = match address.as_deref() {
            None | Some("") => Vec::new(),
            Some(address) => address.split('.').map(str::to_owned).collect(),
        };
        let Some(value) = self
            .walk_file(path, &content, &keys)?
            .filter(|value| !value.is_null())
        else {
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
            self.eventual = Some(Eventual {
                message: None,
                help,
            });
            return Ok(Node::new(Value::Null, Span::default()));
        };
        // Counted like a `${self:…}` copy: a file referenced a million times is a bomb too.
        if !within_copy_budget(&mut self.copied_nodes, &mut self.copied_bytes, &value) {
            return Err(self.too_complex(path, copy_budget_exceeded()));
        }
        Ok(value.into_owned())
    }

    /// `${file(…):a.b}`'s walk through the content: a string on the way that holds variables
    /// is resolved first (Serverless' `resolveVariablesInString`), then walked into.
    fn walk_file<'c>(
        &mut self,
        path: &str,
        content: &'c Node,
        keys: &[String],
    ) -> Result<Option<Cow<'c, Node>>, Fail> {
        let mut current = Cow::Borrowed(content);
        for key in keys {
            if let Value::String(text) = &current.value
                && let Ok(Some(variables)) = var_syntax::parse(text)
            {
                let mut meta = Meta::new(Value::String(text.clone()), Some(variables));
                self.resolve_variables(path, &mut meta, false);
                self.resolve_internal_result(path, &mut meta, INTERNAL_NEST_LIMIT)?;
                current = Cow::Owned(json_normalize(meta.value));
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

    /// Reads and parses one included file (once: the result is kept by path).
    fn read_file(
        &mut self,
        full: &std::path::Path,
        relative: &str,
    ) -> Result<FileContent, FileError> {
        let extension = full
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        let unreadable = |why: String| {
            (
                Code::VariableFile,
                format!("Cannot parse \"{relative}\": {why}"),
                None,
            )
        };
        if matches!(extension, "js" | "cjs") {
            return Ok(if full.is_file() {
                FileContent::Script
            } else {
                FileContent::Missing
            });
        }
        let bytes = match super::read::read_bounded(full, self.file_budget as u64) {
            Ok(bytes) => bytes,
            Err(super::read::ReadError::NotFound) => return Ok(FileContent::Missing),
            // Serverless' words (Node's `readFile` on a directory).
            Err(super::read::ReadError::IsDirectory) => {
                return Err(unreadable(
                    "EISDIR: illegal operation on a directory, read".to_owned(),
                ));
            }
            Err(super::read::ReadError::NotRegular) => {
                return Err(unreadable(
                    "it is not a regular file (a device, FIFO or socket); msk-compile reads only regular files".to_owned(),
                ));
            }
            Err(super::read::ReadError::TooLarge) => {
                return Err(unreadable(format!(
                    "it is larger than the {} bytes left: the config and the files it includes may hold {} bytes in all",
                    self.file_budget,
                    super::MAX_CONFIG_BYTES
                )));
            }
            Err(super::read::ReadError::Io(error)) => return Err(unreadable(error.to_string())),
        };
        self.file_budget = self.file_budget.saturating_sub(bytes.len());
        let base = self.next_base;
        let (text, bad_byte) = match super::read::utf8(bytes) {
            Ok(text) => (text, None),
            Err(bad) => (bad.lossy, Some(bad.offset)),
        };
        self.next_base = base + text.len() + 1;
        let text_len = text.len();
        self.included.push(SourceText {
            name: full.display().to_string(),
            text,
            base,
        });
        let text = self.included.last().map_or("", |file| file.text.as_str());
        if let Some(offset) = bad_byte {
            return Err((
                Code::VariableFile,
                format!(
                    "Cannot parse \"{relative}\": the file is not valid UTF-8 (byte offset {offset})"
                ),
                Some(Span::new(base + offset, base + offset + 1)),
            ));
        }
        let parsed = match extension {
            // js-yaml reads no document at all (`undefined`) from a text of nothing but
            // spaces after its byte order mark; a line break or a comment is a `null` one.
            "yml" | "yaml"
                if text
                    .trim_start_matches('\u{feff}')
                    .bytes()
                    .all(|byte| byte == b' ') =>
            {
                return Ok(FileContent::NoDocument);
            }
            "yml" | "yaml" => super::yaml::parse_yaml_value(text, self.options.dialect.yaml),
            "json" | "tfstate" => super::json::parse_json_value(text),
            _ => Ok(Node::new(
                Value::String(text.to_owned()),
                Span::new(0, text_len),
            )),
        };
        match parsed {
            Ok(mut content) => {
                shift_spans(&mut content, base);
                Ok(FileContent::Loaded(std::rc::Rc::new(content)))
            }
            Err(diagnostics) => {
                let first = diagnostics.into_iter().next();
                let (code, message, span) = match first {
                    Some(diagnostic) => (
                        diagnostic.code,
                        diagnostic.message,
                        diagnostic.span.map(|span| span.shifted(base)),
                    ),
                    None => (Code::VariableFile, "not valid".to_owned(), None),
                };
                let prefix = if extension == "yml" || extension == "yaml" {
                    ""
                } else {
                    "JSON parse error: "
                };
                Err((
                    code,
                    format!("Cannot parse \"{relative}\": {prefix}{message}"),
                    span,
                ))
            }
        }
    }

    fn option(&self, name: &str) -> Option<String> {
        let named = match name {
            "stage" => self.options.stage.clone(),
            "region" => self.options.region.clone(),
            _ => None,
        };
        named.or_else(|| self.options.options.get(name).cloned())
    }

    /// `${opt:}`: the whole options object.
    fn options_object(&self) -> Node {
        let mut entries = Vec::new();
        let mut push = |key: &str, value: &str| {
            entries.push(Entry {
                key: key.to_owned(),
                key_span: Span::default(),
                value: Node::new(Value::String(value.to_owned()), Span::default()),
            });
        };
        if let Some(stage) = &self.options.stage {
            push("stage", stage);
        }
        if let Some(region) = &self.options.region {
            push("region", region);
        }
        for (key, value) in &self.options.options {
            if key != "stage" && key != "region" {
                push(key, value);
            }
        }
        Node::new(Value::Object(entries), Span::default())
    }

    /// `resolveDependentProperty`: the config value at `keys`, resolved first.
    fn resolve_dependent_property(
        &mut self,
        dependent: &str,
        keys: &[String],
    ) -> Result<Option<Node>, Fail> {
        let mut undefined = false;
        for index in 0..keys.len() {
            match js_walk(self.root, &keys[..index], Some(&mut self.key_positions)) {
                None => {
                    undefined = true;
                    break;
                }
                Some(node) if node.is_null() => {
                    undefined = true;
                    break;
                }
                Some(_) => {}
            }
            let dependency = join_path(&keys[..=index]);
            if self.is_registered(&dependency) {
                self.register_dependency(dependent, &dependency)?;
                self.resolve_property(&dependency)?;
            }
            if let Some(property) = self
                .metas
                .get(&dependency)
                .filter(|property| !property.done)
            {
                return Err(property.meta.error.map_or(Fail::Missing, Fail::Error));
            }
        }
        if undefined {
            return Ok(None);
        }
        // (Where JavaScript's walk and a plain one differ, at `01` or `+1` of a list, no
        // property is under the path either way.)
        let is_collection = js_walk(self.root, keys, Some(&mut self.key_positions))
            .is_some_and(|node| matches!(node.value, Value::Object(_) | Value::Array(_)));
        if is_collection {
            let prefix = if keys.is_empty() {
                String::new()
            } else {
                format!("{}\0", join_path(keys))
            };
            // The unresolved properties under the mapping, in config order.
            // Counted before looking: once the budget is spent, nothing more is scanned.
            let budget = MAX_VARIABLE_SCANS.saturating_sub(self.scanned);
            let metas = &self.metas;
            let unresolved = self.unresolved.get_or_insert_with(|| {
                metas
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, property))| !property.done)
                    .map(|(at, (path, _))| (path.clone(), at))
                    .collect()
            });
            let mut positions: Vec<usize> = unresolved
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(path, _)| path.starts_with(&prefix))
                .take(budget.saturating_add(1))
                .map(|(_, at)| *at)
                .collect();
            self.scanned = self.scanned.saturating_add(positions.len());
            if self.scanned > MAX_VARIABLE_SCANS {
                return Err(self.too_complex(dependent, format!(
                    "references to mappings look through more than {MAX_VARIABLE_SCANS} unresolved properties"
                )));
            }
            positions.sort_unstable();
            for at in positions {
                let Some(path) = self.metas.get_index(at).map(|(path, _)| path.clone()) else {
                    continue;
                };
                self.register_dependency(dependent, &path)?;
                self.resolve_property(&path)?;
                if let Some(property) = self.metas.get(&path).filter(|property| !property.done) {
                    return Err(property.meta.error.map_or(Fail::Missing, Fail::Error));
                }
            }
        }
        let Some(value) = js_walk(self.root, keys, Some(&mut self.key_positions)) else {
            return Ok(None);
        };
        // Counted before copying, so that a bomb stops before it takes the memory.
        if !within_copy_budget(&mut self.copied_nodes, &mut self.copied_bytes, &value) {
            return Err(self.too_complex(dependent, copy_budget_exceeded()));
        }
        Ok(Some(value.into_owned()))
    }

    /// The `Code::VariableTooComplex` error, recorded at the first property that ran out of a
    /// budget and shared by those after it.
    fn too_complex(&mut self, path: &str, detail: String) -> Fail {
        let id = match self.too_complex {
            Some(id) => id,
            None => {
                let id = self.property_error(Code::VariableTooComplex, path, &detail);
                self.too_complex = Some(id);
                id
            }
        };
        Fail::Error(id)
    }

    /// `registerCrossPropertyDependency`, with its cycle check.
    fn register_dependency(&mut self, dependent: &str, dependency: &str) -> Result<(), Fail> {
        if dependent == dependency {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Circular reference. \"{}\" refers to itself",
                    humanize(dependent)
                ),
            });
        }
        // `validateCrossPropertyDependency` walks the dependency graph depth first; a visited
        // set keeps it linear without changing which cycle it reports first.
        let mut visited: HashSet<&str> = HashSet::default();
        let mut stack = vec![dependency];
        while let Some(current) = stack.pop() {
            let Some(next) = self.dependencies.get(current) else {
                continue;
            };
            if next.contains(dependent) {
                return Err(Fail::Source {
                    code: Code::VariableCycle,
                    message: format!(
                        "Circular reference among \"{}\" and \"{}\" properties",
                        humanize(dependent),
                        humanize(current)
                    ),
                });
            }
            for candidate in next.iter().rev() {
                if visited.insert(candidate) {
                    stack.push(candidate);
                }
            }
        }
        if self
            .dependencies
            .entry(dependent.to_owned())
            .or_default()
            .insert(dependency.to_owned())
        {
            self.progress += 1;
        }
        Ok(())
    }

    /// Every distinct error, in config order, then every variable left unresolved; each with
    /// the `${…}` text it is about, for [`narrow`] (done by the caller, who has the source).
    fn report(&self) -> Vec<Reported> {
        let mut diagnostics = Vec::new();
        let mut reported = HashSet::default();
        for property in self.metas.values() {
            if let Some(id) = property.meta.error
                && reported.insert(id)
                && let Some(error) = self.errors.get(id)
            {
                let span = error.span.unwrap_or_else(|| {
                    self.metas
                        .get(&error.path)
                        .map_or(property.span, |owner| owner.span)
                });
                diagnostics.push((
                    Diagnostic::error(error.code, error.message.clone())
                        .at(span)
                        .with_path(humanize(&error.path))
                        .with_help(
                            error
                                .help
                                .clone()
                                .unwrap_or_else(|| help(error.code).to_owned()),
                        ),
                    // A position in an included file is already exact.
                    error.needle.clone().filter(|_| error.span.is_none()),
                ));
            }
        }
        for (path, property) in &self.metas {
            if property.done || property.meta.error.is_some() {
                continue;
            }
            let Some(variables) = &property.meta.variables else {
                continue;
            };
            let raw = match &property.meta.value.value {
                Value::String(text) => text.as_str(),
                _ => "",
            };
            for variable in variables {
                let mut unknown = Vec::new();
                unknown_sources(std::slice::from_ref(variable), &mut unknown);
                for kind in unknown {
                    let needle = raw.get(variable.start..variable.end).map(str::to_owned);
                    diagnostics.push((
                        Diagnostic::error(
                            Code::VariableUnresolved,
                            format!("Cannot resolve variable at \"{}\": Unrecognized configuration variable source \"{kind}\"", humanize(path)),
                        )
                        .at(property.span)
                        .with_path(humanize(path))
                        .with_help(format!(
                            "Serverless 3.40.0 knows the sources self, opt, env, sls, strToBool, file, ssm, cf, s3, aws and param; others come from plugins, which msk-compile does not run; {}",
                            remote_help(&format!("{kind}:<address>"))
                        )),
                        needle,
                    ));
                }
            }
        }
        if diagnostics.is_empty() {
            // Left unresolved only because of each other (no error, no unknown source).
            for (path, property) in &self.metas {
                if !property.done && property.meta.variables.is_some() {
                    diagnostics.push((
                        Diagnostic::error(
                            Code::VariableUnresolved,
                            format!("Cannot resolve variable at \"{}\"", humanize(path)),
                        )
                        .at(property.span)
                        .with_path(humanize(path)),
                        None,
                    ));
                }
            }
        }
        diagnostics
    }
}

/// Kinds of the unknown sources a still-pending variable waits for (nested ones included).
fn unknown_sources(variables: &[Variable], out: &mut Vec<String>) {
    for variable in variables {
        let VarState::Pending(sources) = &variable.state else {
            continue;
        };
        match sources.first() {
            Some(Source::Typed {
                kind,
                params,
                address,
            }) => {
                if !KNOWN_SOURCES.contains(&kind.as_str()) {
                    out.push(kind.clone());
                }
                for meta in params.iter().flatten().chain(address.iter()) {
                    if let Some(inner) = &meta.variables {
                        unknown_sources(inner, out);
                    }
                }
            }
            Some(Source::Literal(_)) => out.push("<literal>".to_owned()),
            None => {}
        }
    }
}

/// `resolveSourceValuesVariables`: parses each concatenated piece on its own.
fn source_values_variables(
    parts: &[String],
) -> Result<Option<Vec<Variable>>, var_syntax::SyntaxError> {
    let mut base = 0;
    let mut all: Option<Vec<Variable>> = None;
    for part in parts {
        if let Some(variables) = var_syntax::parse(part)? {
            for mut variable in variables {
                if variable.whole {
                    variable.whole = false;
                    variable.start = base;
                    variable.end = base + part.len();
                } else {
                    variable.start += base;
                    variable.end += base;
                }
                all.get_or_insert_with(Vec::new).push(variable);
            }
        }
        base += part.len();
    }
    Ok(all)
}

/// The span of `needle` inside `span`'s source text, when it occurs there exactly once.
fn narrow(source: Option<&str>, span: Span, needle: Option<&str>) -> Span {
    let (Some(source), Some(needle)) = (source, needle) else {
        return span;
    };
    let Some(text) = source.get(span.start..span.end) else {
        return span;
    };
    if needle.is_empty() {
        return span;
    }
    let mut found = text.match_indices(needle);
    match (found.next(), found.next()) {
        (Some((at, _)), None) => Span::new(span.start + at, span.start + at + needle.len()),
        _ => span,
    }
}

/// Adds the size of `value`, about to be copied where a `${self:…}` or `${file(…)}` is, to
/// what such references copied so far (counted up to just past the budget, so a huge value
/// costs no more than what is left); `false` once the total is over the budget.
fn within_copy_budget(copied_nodes: &mut usize, copied_bytes: &mut usize, value: &Node) -> bool {
    let (nodes, bytes) = value.size_within(
        MAX_VARIABLE_NODES.saturating_sub(*copied_nodes),
        MAX_VARIABLE_BYTES.saturating_sub(*copied_bytes),
    );
    *copied_nodes = copied_nodes.saturating_add(nodes);
    *copied_bytes = copied_bytes.saturating_add(bytes);
    *copied_nodes <= MAX_VARIABLE_NODES && *copied_bytes <= MAX_VARIABLE_BYTES
}

fn copy_budget_exceeded() -> String {
    format!(
        "`${{self:…}}` and `${{file(…)}}` references copy more than {MAX_VARIABLE_NODES} nodes or {MAX_VARIABLE_BYTES} bytes"
    )
}

/// The text of a variable as a `--values` key: `kind(param,…):address`.
fn variable_key(kind: &str, params: Option<&[Meta]>, address: Option<&Value>) -> String {
    let mut key = kind.to_owned();
    if let Some(params) = params {
        let texts: Vec<String> = params
            .iter()
            .map(|param| coerce_string(&param.value.value).unwrap_or_default())
            .collect();
        key.push('(');
        key.push_str(&texts.join(","));
        key.push(')');
    }
    if let Some(address) = address.and_then(coerce_string) {
        key.push(':');
        key.push_str(&address);
    }
    key
}

/// How to give the value of a variable msk-compile cannot resolve itself.
fn remote_help(key: &str) -> String {
    format!(
        "give its value in a values file: `--values values.yml` with the line `{key}: <value>` (for a few values); or, where Serverless can reach AWS, compile the config it resolved: `serverless print --format json > resolved.json`, then `msk-compile compile serverless.yml --resolved resolved.json`"
    )
}

/// The help for a `${file(…)}` that cannot be read or parsed.
fn file_help(code: Code) -> String {
    match code {
        Code::VariableFile => "point `${file(…)}` at a regular YAML, JSON or text file, within the size limit, saved as UTF-8".to_owned(),
        _ => "fix the included file at the position shown".to_owned(),
    }
}

/// `path.resolve(base, relative)`: joined, `.` and `..` removed without touching the disk.
fn lexical_join(base: &std::path::Path, relative: &str) -> std::path::PathBuf {
    use std::path::Component;
    let mut joined = std::path::PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = joined.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        joined.pop();
                    }
                    Some(Component::RootDir | Component::Prefix(_)) => {}
                    _ => joined.push(".."),
                }
            }
            other => joined.push(other),
        }
    }
    joined
}

/// Moves every span of an included file's tree to the file's place after the config.
pub fn shift_spans(node: &mut Node, base: usize) {
    map_spans(node, |span| span.shifted(base));
}

/// Replaces every span of a tree (nodes and keys) by `change(span)`, without recursion.
fn map_spans(node: &mut Node, change: impl Fn(Span) -> Span) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        node.span = change(node.span);
        match &mut node.value {
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => {
                for entry in entries.iter_mut() {
                    entry.key_span = change(entry.key_span);
                    pending.push(&mut entry.value);
                }
            }
            _ => {}
        }
    }
}

fn help(code: Code) -> &'static str {
    match code {
        Code::VariableUnresolved => {
            "give it a value (the property, `--stage`/`--region`, or the environment variable) or a fallback such as `${opt:stage, 'dev'}`"
        }
        Code::VariableCycle => {
            "a value cannot depend on itself; point one of these variables at a literal value"
        }
        Code::VariableTooComplex => {
            "a `${self:…}` value is copied everywhere it is used, so references to values that are themselves built from references grow exponentially; reference the shared value directly, or write it out"
        }
        Code::VariableSyntax => {
            "variables look like `${source:address}` with optional fallbacks `${source:address, 'default'}`; write `\\${` for a literal `${`"
        }
        _ => "see the message for the value Serverless expects here",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coerces_like_javascript() {
        assert_eq!(
            coerce_string(&Value::Number(1e21)).as_deref(),
            Some("1e+21")
        );
        assert_eq!(coerce_string(&Value::Bool(true)).as_deref(), Some("true"));
        assert_eq!(coerce_string(&Value::Null), None);
        assert_eq!(coerce_string(&Value::Object(Vec::new())), None);
        let list = Value::Array(vec![
            Node::new(Value::Number(1.0), Span::default()),
            Node::new(Value::Null, Span::default()),
            Node::new(Value::Object(Vec::new()), Span::default()),
        ]);
        assert_eq!(coerce_string(&list).as_deref(), Some("1,,[object Object]"));
    }

    #[test]
    fn narrows_to_the_variable_text() {
        let source = "topic: a-${opt:x}-b";
        assert_eq!(
            narrow(Some(source), Span::new(7, 19), Some("${opt:x}")),
            Span::new(9, 17)
        );
        assert_eq!(
            narrow(Some(source), Span::new(7, 19), Some("${opt:y}")),
            Span::new(7, 19)
        );
        assert_eq!(
            narrow(None, Span::new(7, 19), Some("${opt:x}")),
            Span::new(7, 19)
        );
    }
}
