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

pub mod check;
pub mod compile;
pub mod diag;
pub mod extensions;
pub mod framework_schema;
pub mod js;
pub mod json;
pub mod load;
pub mod naming;
mod parallel;
pub mod render;
pub mod schema;
pub mod service;
pub mod template;
pub mod tree;
pub mod validate;
pub mod write;

// The synthetic services of the benches and the `synth` example (dev-only); the unit tests use them too.
#[cfg(test)]
#[path = "../benches/synth/mod.rs"]
mod synth;

pub use check::ValidationMode;
pub use compile::Compiled;
pub use diag::{Code, Diagnostic, Severity};
pub use load::{Format, VariableOptions};

/// How to compile: the values Serverless takes from its command line and environment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub variables: VariableOptions,
}

/// The result of a run: the compiled parts (when there was no error) and every diagnostic.
#[derive(Debug, Clone)]
pub struct Report {
    pub compiled: Option<Compiled>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The largest config accepted (32 MiB): far beyond any real service (a generated one with
/// 5000 functions × 10 msk events is about a third of it), small enough that a hostile
/// file is refused before any work.
pub const MAX_CONFIG_BYTES: usize = 32 * 1024 * 1024;

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
        .at(tree::Span::new(0, 0))
        .with_help("split the service, or generate the file without repeating shared values (use anchors or variables)")
}

/// Loads, resolves variables, validates and compiles one config text.
pub fn compile_source(source: &str, format: Format, options: &Options) -> Report {
    if source.len() > MAX_CONFIG_BYTES {
        return Report {
            compiled: None,
            diagnostics: vec![too_large(Some(source.len() as u64))],
        };
    }
    let mut root = match load::parse(source, format) {
        Ok(root) => root,
        Err(diagnostics) => {
            return Report {
                compiled: None,
                diagnostics,
            };
        }
    };
    let mut diagnostics =
        load::resolve_variables_with_source(&mut root, &options.variables, source);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Report {
            compiled: None,
            diagnostics,
        };
    }
    let mode = ValidationMode::of(&root);
    diagnostics.extend(check::check_events(&mut root, mode));
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
    let compiled = compile::compile(root, &mut compile_diagnostics);
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
    }
}

/// Every `prefix` such that `path` starts with `prefix` and a dot (`a`, `a.b` for `a.b.c`).
fn dotted_prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('.').map(move |(at, _)| &path[..at])
}

/// The message Serverless 3.40.0 throws for schema errors in `error` mode.
pub fn serverless_schema_error_message(diagnostics: &[Diagnostic]) -> String {
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
        "{body}\n\nLearn more about configuration validation here: http://slss.io/configuration-validation"
    )
}
