//! Compiles the `msk` events of a Serverless Framework service into CloudFormation
//! `AWS::Lambda::EventSourceMapping` resources and the IAM statements the shared Lambda
//! role needs, exactly as Serverless Framework 3.40.0 does.
//!
//! ```
//! use msk_compile::{Format, Options, compile_source};
//!
//! let yaml = "service: s\nprovider: {name: aws}\nfunctions:\n  consumer:\n    handler: h.main\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n          topic: orders\n";
//! let report = compile_source(yaml, Format::Yaml, &Options::default());
//! let compiled = report.compiled.expect("valid config");
//! assert!(compiled.resources.contains_key("ConsumerEventSourceMappingMSKOrdersOrders"));
//! ```

use std::collections::HashSet;

// The public API: `compile_source` and its options and report (below), the JSON writer,
// the schema export, the diagnostics' formats, the merge into a template and the comparison
// of two templates.
pub mod diff;
pub mod json;
pub mod render;
pub mod schema;
pub mod template;

mod check;
mod compile;
mod diag;
mod dialect;
mod event;
mod extensions;
mod framework_schema;
mod framework_version;
mod grants;
mod js;
mod load;
mod logical_id;
mod mapping;
mod merge_arrays;
mod naming;
mod output;
mod parallel;
mod rules;
mod service;
mod tree;
mod validate;

// The command line's output files (used by the `msk-compile` binary only).
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod write;

/// The pipeline's stages one by one, for this workspace's own binary, benchmarks, fuzz targets
/// and cross-checks. Not part of the API: it changes with the pipeline.
#[doc(hidden)]
pub mod stages {
    pub use crate::check::check_events;
    pub use crate::compile::compile;
    pub use crate::js::number_to_string;
    pub use crate::json::to_json;
    pub use crate::load::MAX_RESOLUTION_DEPTH;
    pub use crate::load::read;
    pub use crate::load::resolve_variables_with_source;
    pub use crate::load::{CLOUDFORMATION_TAGS, parse, parse_param, resolve_variables};
    pub use crate::merge_arrays::merge_arrays;
    pub use crate::tree::{Entry, LineIndex, Node, Value};
}

// The synthetic services of the benches and the `synth` example (dev-only); the unit tests use them too.
#[cfg(test)]
#[path = "../benches/synth/mod.rs"]
mod synth;

pub use check::ValidationMode;
pub use diag::{Code, Diagnostic, Severity, SourceText};
pub use dialect::Dialect;
pub use load::{Format, Values, VariableOptions};
pub use msk_model::{Host, Profile};
pub use output::Compiled;
pub use tree::Span;

/// How to compile: the values Serverless takes from its command line and environment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Stage, region, options, environment, service directory, `--param`s and `--values`.
    pub variables: VariableOptions,
    /// `--resolved`: the config as `serverless print --format json` wrote it, every variable
    /// resolved by Serverless itself. It is compiled instead of the config text, which is
    /// read only to point diagnostics at its lines wherever the dotted path exists there.
    pub resolved: Option<ResolvedConfig>,
    /// The profile (`--profile`); `None`: the config's `custom.mskEvents.profile`, else
    /// the host's own (`serverless-v3` or `osls`).
    pub profile: Option<Profile>,
    /// The framework the template is for (`--host`; the plugin passes the one it runs in);
    /// `None`: the config's `custom.mskEvents.host`, else `osls` under the `osls` profile and
    /// `serverless-v3` otherwise.
    pub host: Option<Host>,
}

/// The profile and host a run uses, as the [`Dialect`] every layer reads: each from the
/// option, else from `custom.mskEvents.profile` / `custom.mskEvents.host`, else the default.
/// An unknown name in the config is an error at its value; so is a profile of one host asked
/// for on the other (`--profile osls --host serverless-v3`).
pub fn resolve_dialect(
    root: &tree::Node,
    profile: Option<Profile>,
    host: Option<Host>,
) -> Result<Dialect, Diagnostic> {
    let profile = match profile {
        Some(profile) => profile,
        None => config_choice(
            root,
            "profile",
            Profile::from_name,
            Profile::ALL.map(Profile::name),
        )?
        .unwrap_or_default(),
    };
    let host = match host {
        Some(host) => Some(host),
        None => config_choice(root, "host", Host::from_name, Host::ALL.map(Host::name))?,
    };
    match (profile, host) {
        (Profile::Osls, Some(Host::ServerlessV3)) | (Profile::ServerlessV3, Some(Host::Osls)) => {
            let diagnostic = Diagnostic::error(
                Code::ProfileUnknown,
                format!(
                    "the profile `{}` is the behaviour of another framework than the host `{}`",
                    profile.name(),
                    host.map_or("", Host::name)
                ),
            )
            .with_path("custom.mskEvents")
            .with_help("the `osls` profile is osls' own behaviour and `serverless-v3` Serverless 3.40.0's: drop the host, or use `extended` to build on a host");
            // At the config's choice (the command line's are refused before compiling).
            let written = ["host", "profile"]
                .iter()
                .find_map(|key| root.pointer(&["custom", "mskEvents", key]));
            Err(match written {
                Some(node) => diagnostic.at(node.span),
                None => diagnostic.at(root.span),
            })
        }
        (profile, host) => Ok(Dialect::new(profile, host.unwrap_or_default())),
    }
}

/// The profile a run uses: the option, else `custom.mskEvents.profile`, else `serverless-v3`.
/// An unknown profile name in the config is an error at its value.
pub fn resolve_profile(root: &tree::Node, option: Option<Profile>) -> Result<Profile, Diagnostic> {
    resolve_dialect(root, option, None).map(|dialect| dialect.profile)
}

/// `custom.mskEvents.<key>`, read with `from_name`; `None` when unset.
fn config_choice<T, const N: usize>(
    root: &tree::Node,
    key: &str,
    from_name: fn(&str) -> Option<T>,
    names: [&'static str; N],
) -> Result<Option<T>, Diagnostic> {
    let Some(node) = root
        .pointer(&["custom", "mskEvents", key])
        .filter(|node| !node.is_null())
    else {
        return Ok(None);
    };
    match node.as_str().and_then(from_name) {
        Some(choice) => Ok(Some(choice)),
        None => {
            let listed: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            let (last, first) = listed
                .split_last()
                .map_or(("", &[][..]), |(last, first)| (last.as_str(), first));
            Err(Diagnostic::error(
                Code::ProfileUnknown,
                format!(
                    "`custom.mskEvents.{key}` must be {} or {last}, not {}",
                    first.join(", "),
                    match node.as_str() {
                        Some(text) => format!("`{text}`"),
                        None => node.type_with_article(),
                    }
                ),
            )
            .at(node.span)
            .with_path(format!("custom.mskEvents.{key}"))
            .with_help(if key == "profile" {
                "write `profile: extended` for the extended keys and least-privilege IAM, or remove it for Serverless 3.40.0's behaviour"
            } else {
                "write `host: osls` when the service is deployed with osls, or remove it for Serverless 3.40.0"
            }))
        }
    }
}

/// The fully resolved config of `serverless print --format json` (JSON text) and the name
/// its diagnostics are shown with (a path, or `<stdin>`).
#[derive(Debug, Clone, Default)]
pub struct ResolvedConfig {
    pub name: String,
    pub text: String,
}

/// The result of a run: the compiled parts (when there was no error) and every diagnostic.
#[derive(Debug, Clone)]
pub struct Report {
    pub compiled: Option<Compiled>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files other than the config that diagnostic spans point into (files `${file(…)}`
    /// included, the `--resolved` config); see [`SourceText::locate`].
    pub files: Vec<SourceText>,
    /// What the config holds (zero when it did not load).
    pub summary: Summary,
}

/// The size of what was checked, for `check`'s line on success.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Functions under `functions`.
    pub functions: usize,
    /// `msk` events among their `events`.
    pub msk_events: usize,
}

impl Summary {
    fn of(root: &tree::Node) -> Self {
        let Some(tree::Value::Object(functions)) = root.get("functions").map(|node| &node.value)
        else {
            return Summary::default();
        };
        let msk_events = functions
            .iter()
            .filter_map(|function| match &function.value.get("events")?.value {
                tree::Value::Array(events) => Some(events),
                _ => None,
            })
            .flatten()
            .filter(|event| event.get(msk_model::MskEvent::EVENT_KEY).is_some())
            .count();
        Summary {
            functions: functions.len(),
            msk_events,
        }
    }
}

impl Report {
    /// A run that stopped at errors: nothing compiled.
    fn failed(diagnostics: Vec<Diagnostic>, files: Vec<SourceText>) -> Self {
        Report {
            compiled: None,
            diagnostics,
            files,
            summary: Summary::default(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub use load::MAX_CONFIG_BYTES;

/// The diagnostic for a config over [`MAX_CONFIG_BYTES`] (of `size` bytes, when known: a pipe
/// is read only up to the limit).
pub fn too_large(size: Option<u64>) -> Diagnostic {
    let message = match size {
        Some(size) => format!(
            "the config is {size} bytes; msk-compile reads at most {MAX_CONFIG_BYTES} bytes"
        ),
        None => format!(
            "the config is larger than {MAX_CONFIG_BYTES} bytes, the most msk-compile reads"
        ),
    };
    Diagnostic::error(Code::ConfigTooLarge, message)
        .at(Span::new(0, 0))
        .with_help("split the service, or generate the file without repeating shared values (use anchors or variables)")
}

/// Loads, resolves variables, validates and compiles one config text.
pub fn compile_source(source: &str, format: Format, options: &Options) -> Report {
    if source.len() > MAX_CONFIG_BYTES {
        return Report::failed(vec![too_large(Some(source.len() as u64))], Vec::new());
    }
    if let Some(resolved) = &options.resolved {
        return compile_resolved(source, format, resolved, options);
    }
    // The YAML schema is the host's: known from the options, or else read from the config
    // loaded with Serverless' schema, which is loaded again when the host turns out to be osls.
    // A config that fails to load so may be an osls one using osls' tags: read with osls'
    // schema, it counts only if it asks for the osls host.
    let assumed = Dialect::new(
        options.profile.unwrap_or_default(),
        options.host.unwrap_or_default(),
    );
    let (loaded, loaded_as) = match load_config(source, format, options, assumed) {
        Ok(loaded) => (loaded, assumed),
        Err(report) => {
            let osls = Dialect::new(Profile::Osls, Host::Osls);
            let chosen_in_config = options.profile.is_none() || options.host.is_none();
            match load_config(source, format, options, osls) {
                Ok(loaded)
                    if chosen_in_config
                        && assumed.yaml != osls.yaml
                        && resolve_dialect(&loaded.root, options.profile, options.host)
                            .is_ok_and(|dialect| dialect.yaml == osls.yaml) =>
                {
                    (loaded, osls)
                }
                _ => return *report,
            }
        }
    };
    let dialect = match resolve_dialect(&loaded.root, options.profile, options.host) {
        Ok(dialect) => dialect,
        Err(diagnostic) => {
            let mut diagnostics = loaded.diagnostics;
            diagnostics.push(diagnostic);
            return Report::failed(diagnostics, loaded.files);
        }
    };
    let loads_alike = |one: &Dialect, other: &Dialect| {
        (one.yaml, one.missing_param_message) == (other.yaml, other.missing_param_message)
    };
    let loaded = if loads_alike(&dialect, &loaded_as) {
        loaded
    } else {
        match load_config(source, format, options, dialect) {
            Ok(loaded) => loaded,
            Err(report) => return *report,
        }
    };
    let mut report = compile_tree(loaded.root, loaded.diagnostics, &dialect);
    report.files = loaded.files;
    report
}

/// A config loaded and its variables resolved: the tree, the warnings so far, the files read.
struct Loaded {
    root: tree::Node,
    diagnostics: Vec<Diagnostic>,
    files: Vec<SourceText>,
}

/// The config loaded as `dialect` loads it, variables resolved; a failed report at the first
/// error.
fn load_config(
    source: &str,
    format: Format,
    options: &Options,
    dialect: Dialect,
) -> Result<Loaded, Box<Report>> {
    let mut root = load::parse_with(source, format, dialect.yaml)
        .map_err(|diagnostics| Box::new(Report::failed(diagnostics, Vec::new())))?;
    let variables = VariableOptions {
        dialect,
        ..options.variables.clone()
    };
    let (diagnostics, files) = load::resolve_variables_with_files(&mut root, &variables, source);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Box::new(Report::failed(diagnostics, files)));
    }
    Ok(Loaded {
        root,
        diagnostics,
        files,
    })
}

/// `--resolved`: compiles the resolved config, with each diagnostic moved to the config's
/// line of its dotted path where the config has that path.
fn compile_resolved(
    source: &str,
    format: Format,
    resolved: &ResolvedConfig,
    options: &Options,
) -> Report {
    let base = source.len() + 1;
    let file = SourceText {
        name: resolved.name.clone(),
        text: resolved.text.clone(),
        base,
    };
    if resolved.text.len() > MAX_CONFIG_BYTES {
        let too_large = too_large(Some(resolved.text.len() as u64)).at(Span::new(base, base));
        return Report::failed(vec![too_large], vec![file]);
    }
    let root = match load::parse(&resolved.text, Format::Json) {
        Ok(mut root) => {
            load::shift_spans(&mut root, base);
            root
        }
        Err(diagnostics) => {
            let diagnostics = diagnostics
                .into_iter()
                .map(|mut diagnostic| {
                    diagnostic.span = diagnostic.span.map(|span| span.shifted(base));
                    diagnostic
                        .with_help("pass the JSON that `serverless print --format json` writes")
                })
                .collect();
            return Report::failed(diagnostics, vec![file]);
        }
    };
    let mut report = match resolve_dialect(&root, options.profile, options.host) {
        Ok(dialect) => compile_tree(root, Vec::new(), &dialect),
        Err(diagnostic) => Report::failed(vec![diagnostic], Vec::new()),
    };
    // The config as written, for positions only (it may not even load: the resolved config
    // is what counts).
    if let Ok(config) = load::parse(source, format) {
        for diagnostic in &mut report.diagnostics {
            if let Some(node) = diagnostic
                .path
                .as_deref()
                .and_then(|path| config.at_dotted(path))
            {
                diagnostic.span = Some(node.span);
            }
        }
    }
    report.files = vec![file];
    report
}

/// Validates and compiles a loaded, resolved tree under a resolved profile and host.
fn compile_tree(
    mut root: tree::Node,
    mut diagnostics: Vec<Diagnostic>,
    dialect: &Dialect,
) -> Report {
    // Serverless merges `functions`/`resources` lists as it loads the service, before
    // anything reads them.
    diagnostics.extend(merge_arrays::merge_arrays_as(&mut root, dialect));
    let mode = ValidationMode::of(&root, dialect);
    if let Some(stop) = framework_version::check(&root, mode, dialect) {
        let failed = stop.is_error();
        diagnostics.push(stop);
        if failed {
            return Report::failed(diagnostics, Vec::new());
        }
    }
    let summary = Summary::of(&root);
    diagnostics.extend(check::check_events(&mut root, mode, dialect));
    // Serverless stops at the first schema error in `error` mode; we compile anyway to
    // report the problems it would only find later, except those about a value the schema
    // already rejected (one problem, one diagnostic).
    // As sets of the error paths and of every dotted prefix of them: comparing each compile
    // diagnostic with each error was quadratic (20 000 events with a schema error and a
    // compile error each took over a minute).
    let rejected: HashSet<&str> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .filter_map(|diagnostic| diagnostic.path.as_deref())
        .collect();
    let rejected_parents: HashSet<&str> = rejected
        .iter()
        .flat_map(|path| dotted_prefixes(path))
        .collect();
    let mut compile_diagnostics = Vec::new();
    // Consumes the tree as it goes: for a big service, tree and resources together would
    // be the run's peak memory.
    let compiled = compile::compile(root, dialect, &mut compile_diagnostics);
    // Dropped: the same path as an error, a path inside one, or a path an error is inside.
    compile_diagnostics.retain(|diagnostic| {
        !diagnostic.path.as_deref().is_some_and(|path| {
            rejected.contains(path)
                || rejected_parents.contains(path)
                || dotted_prefixes(path).any(|prefix| rejected.contains(prefix))
        })
    });
    diagnostics.extend(compile_diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Report {
        compiled: (!failed).then_some(compiled),
        diagnostics,
        files: Vec::new(),
        summary,
    }
}

/// Every `prefix` such that `path` starts with `prefix` and a dot (`a`, `a.b` for `a.b.c`).
fn dotted_prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('.').map(move |(at, _)| &path[..at])
}

/// The message Serverless 3.40.0 throws for schema errors in `error` mode.
pub fn serverless_schema_error_message(diagnostics: &[Diagnostic]) -> String {
    schema_error_message(diagnostics, &Dialect::default())
}

/// The message the host's framework throws for schema errors in `error` mode (osls links its
/// own guide).
pub fn schema_error_message(diagnostics: &[Diagnostic], dialect: &Dialect) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == Code::Schema)
        .map(|diagnostic| match &diagnostic.path {
            Some(path) => format!("at '{path}': {}", diagnostic.message),
            None => diagnostic.message.clone(),
        })
        .collect();
    let body = match lines.as_slice() {
        [single] => format!("Configuration error {single}"),
        _ => format!("Configuration error: \n     {}", lines.join("\n     ")),
    };
    format!(
        "{body}\n\nLearn more about configuration validation here: {}",
        dialect.validation_guide
    )
}
