//! Schema validation of what the compiler reads, with Serverless' schema, messages, order and
//! `configValidationMode`: every msk event (with the event-level rules: `unsupported function
//! event`, unknown keys beside `msk`), the function keys the compiler reads (`name`,
//! `snapStart`, `provisionedConcurrency`, `role`, and osls' `durableConfig` on its host) and
//! `resources.extensions`.

use std::sync::OnceLock;

use msk_model::{CfnMapping, KeySet, MskEvent, Profile};

use crate::dialect::Dialect;

use crate::diag::{Code, Diagnostic, Severity};
use crate::framework_schema::{function_keys_schema_for, resources_extensions_schema};
use crate::parallel::{events_of, map_runs};
use crate::schema::msk_event_schema_of;
use crate::tree::{Entry, Node, Value};
use crate::validate::{Detail, SchemaViolation, Validator};

pub use crate::dialect::ValidationMode;

impl ValidationMode {
    /// The mode a config asks for: `error`, `off`, any other truthy value `warn`; unset (or
    /// falsy), the framework's default (Serverless' `warn`, osls' `error`).
    pub fn of(root: &Node, dialect: &Dialect) -> Self {
        match root.get("configValidationMode") {
            Some(node) if crate::js::is_truthy(&node.value) => match node.as_str() {
                Some("error") => ValidationMode::Error,
                Some("off") => ValidationMode::Off,
                _ => ValidationMode::Warn,
            },
            _ => dialect.validation_default,
        }
    }
}

/// The validator of one msk event under a key set (built once per key set).
fn validator(keys: KeySet) -> &'static Validator {
    static VALIDATORS: [OnceLock<Validator>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let cell = &VALIDATORS[usize::from(keys.osls) + 2 * usize::from(keys.extended)];
    cell.get_or_init(|| Validator::new(msk_event_schema_of(keys)))
}

/// The validator of the function keys the compiler reads (with `durableConfig` under the
/// osls keys).
fn function_validator(keys: KeySet) -> &'static Validator {
    static VALIDATORS: [OnceLock<Validator>; 2] = [OnceLock::new(), OnceLock::new()];
    VALIDATORS[usize::from(keys.osls)]
        .get_or_init(|| Validator::new(function_keys_schema_for(keys.osls)))
}

fn extensions_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new(resources_extensions_schema()))
}

/// What a schema validates, for help texts that name it.
#[derive(Clone, Copy)]
enum Subject {
    MskEvent,
    Function,
    Extension,
}

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::MskEvent => "msk event",
            Subject::Function => "function",
            Subject::Extension => "resource extension",
        }
    }
}

/// Validates (and coerces, as Ajv does) the msk events of `root`, the function keys the
/// compiler reads and `resources.extensions`, in Serverless' order. Returns the violations as
/// diagnostics: errors in `error` mode, warnings in `warn` mode, nothing in `off` mode
/// (coercion still happens in every mode, as in Serverless).
///
/// Under `extended`, a problem with an extension key is an error with that key's own code
/// whatever the mode (it is this tool's rule, not Serverless' schema); under `serverless-v3`,
/// an extension key is Serverless' unknown key, with a help line naming the profile that has
/// it.
pub fn check_events(root: &mut Node, mode: ValidationMode, dialect: &Dialect) -> Vec<Diagnostic> {
    move_null_keys_last(root);
    let mut found = Vec::new();
    // The functions in config order (`service::functions`), walked in place: looking each
    // one up by name would cost time quadratic in the number of functions.
    if let Some(Value::Object(functions)) = root
        .get_mut("functions")
        .map(|functions| &mut functions.value)
    {
        // Events are independent: on a big service, runs of functions are checked side by
        // side and their findings put back in config order.
        // Ajv's `additionalProperties: false` of `functions` comes first: a name outside
        // `^[a-zA-Z0-9-_]+$` is reported, and nothing inside that function is validated.
        for function in functions
            .iter()
            .filter(|function| !is_function_name(&function.key))
        {
            found.push(schema_diagnostic(
                "functions",
                format!("name '{}' must be alphanumeric", function.key),
                function.key_span,
                Some("function names are letters, digits, `-` and `_`".to_owned()),
            ));
        }
        validator(dialect.keys);
        function_validator(dialect.keys);
        let runs = map_runs(functions, events_of, |run| {
            let mut found = Vec::new();
            check_functions(run, dialect, &mut found);
            found
        });
        found.extend(runs.into_iter().flatten());
    }
    // `resources` comes after `functions` in Serverless' schema, so do its errors.
    if let Some(extensions) = root
        .get_mut("resources")
        .and_then(|resources| resources.get_mut("extensions"))
        .filter(|extensions| !extensions.is_null())
    {
        for violation in extensions_validator().validate(extensions) {
            found.push(violation_diagnostic(
                "resources.extensions",
                violation,
                Subject::Extension,
                dialect,
            ));
        }
    }
    // Serverless shows each message once.
    let mut seen = std::collections::HashSet::new();
    found.retain(|diagnostic: &Diagnostic| {
        seen.insert((diagnostic.path.clone(), diagnostic.message.clone()))
    });
    let severity = match mode {
        // Dropped below, except the extended profile's own errors.
        ValidationMode::Off => Severity::Warning,
        ValidationMode::Error => Severity::Error,
        ValidationMode::Warn => Severity::Warning,
    };
    found
        .into_iter()
        .filter_map(|diagnostic| match extension_code(&diagnostic, dialect) {
            Some(code) => Some(Diagnostic {
                severity: Severity::Error,
                code,
                help: diagnostic.help.or_else(|| {
                    Some(format!(
                        "`msk-compile explain {code}` lists the allowed values"
                    ))
                }),
                ..diagnostic
            }),
            None if mode == ValidationMode::Off => None,
            None => Some(Diagnostic {
                severity,
                ..diagnostic
            }),
        })
        .collect()
}

/// The code of an extension key a schema diagnostic is about (under `extended`).
fn extension_code(diagnostic: &Diagnostic, dialect: &Dialect) -> Option<Code> {
    if !dialect.least_privilege {
        return None;
    }
    let path = diagnostic.path.as_deref()?;
    let (_, below) = path.split_once(".msk.")?;
    let key = below.split('.').next()?;
    MskEvent::key(key)
        .filter(|entry| entry.profile == Profile::Extended)
        .and_then(|entry| entry.code)
}

fn check_functions(functions: &mut [Entry], dialect: &Dialect, found: &mut Vec<Diagnostic>) {
    for function in functions {
        let name = &function.key;
        if !is_function_name(name) {
            continue;
        }
        let path = format!("functions.{name}");
        // The function keys: `name` precedes `events` in Serverless' schema, the others
        // follow it, and Ajv reports in schema order.
        let mut after_events = Vec::new();
        if matches!(function.value.value, Value::Object(_)) {
            for violation in function_validator(dialect.keys).validate(&mut function.value) {
                let before = violation.path.first().is_some_and(|key| key == "name");
                let diagnostic = violation_diagnostic(&path, violation, Subject::Function, dialect);
                if before {
                    found.push(diagnostic);
                } else {
                    after_events.push(diagnostic);
                }
            }
        }
        if let Some(Value::Array(events)) = function
            .value
            .get_mut("events")
            .map(|events| &mut events.value)
        {
            for (index, event) in events.iter_mut().enumerate() {
                check_event(event, &format!("{path}.events.{index}"), dialect, found);
            }
        }
        found.append(&mut after_events);
    }
}

/// Serverless' `functionNamePattern`, `^[a-zA-Z0-9-_]+$`.
fn is_function_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// A violation found below `prefix` (a dotted path), as a diagnostic.
fn violation_diagnostic(
    prefix: &str,
    violation: SchemaViolation,
    subject: Subject,
    dialect: &Dialect,
) -> Diagnostic {
    let mut full = prefix.to_owned();
    for segment in &violation.path {
        full.push('.');
        full.push_str(segment);
    }
    let help = help_for(&violation, subject, dialect).or_else(|| form_help(&violation, subject));
    schema_diagnostic(&full, violation.message, violation.span, help)
}

fn check_event(event: &mut Node, path: &str, dialect: &Dialect, found: &mut Vec<Diagnostic>) {
    let Value::Object(entries) = &mut event.value else {
        return;
    };
    let Some(position) = entries
        .iter()
        .position(|entry| entry.key == MskEvent::EVENT_KEY)
    else {
        return;
    };
    let others: Vec<(String, crate::tree::Span)> = entries
        .iter()
        .filter(|entry| entry.key != MskEvent::EVENT_KEY && !entry.value.is_null())
        .map(|entry| (entry.key.clone(), entry.key_span))
        .collect();
    let msk = &mut entries[position].value;
    if msk.is_null() {
        // Null-valued keys are deleted before validation, leaving an event of no known type.
        if others.is_empty() {
            found.push(schema_diagnostic(
                path,
                "unsupported function event".to_owned(),
                event.span,
                None,
            ));
        }
        return;
    }
    let violations = validator(dialect.keys).validate(msk);
    if !others.is_empty() {
        // Keys beside `msk` are reported at the event, and they hide the msk mapping's own
        // errors (Serverless' normalization keeps only the event-level ones).
        for (key, span) in others {
            found.push(schema_diagnostic(path, format!("unrecognized property '{key}'"), span, Some("an event item holds exactly one event type; move this key into its own `- <event>:` item".to_owned())));
        }
        return;
    }
    let prefix = format!("{path}.msk");
    for violation in violations {
        found.push(violation_diagnostic(
            &prefix,
            violation,
            Subject::MskEvent,
            dialect,
        ));
    }
}

fn schema_diagnostic(
    path: &str,
    message: String,
    span: crate::tree::Span,
    help: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(Code::Schema, message)
        .at(span)
        .with_path(path.to_owned());
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Help beyond Serverless' message: the closest known key, the allowed values, the range.
fn help_for(violation: &SchemaViolation, subject: Subject, dialect: &Dialect) -> Option<String> {
    match &violation.detail {
        Detail::UnknownKey { key, .. }
            if violation.path.is_empty() && matches!(subject, Subject::MskEvent) =>
        {
            // A key of a profile not in force: say which one has it.
            let owner = [Profile::Osls, Profile::Extended]
                .into_iter()
                .filter(|owner| !dialect.keys.has(*owner))
                .find(|owner| MskEvent::keys_of(*owner).any(|other| other == key));
            match owner {
                Some(Profile::Osls) => Some(format!(
                    "`{key}` is a key of osls 4.3.1: compile with `--profile osls` (or `--host osls` under the extended profile)"
                )),
                Some(owner) => Some(format!(
                    "`{key}` is a key of the {} profile: compile with `--profile {}` (or set `custom.mskEvents.profile: {}`)",
                    owner.name(),
                    owner.name(),
                    owner.name()
                )),
                None => unknown_key_help(violation, subject),
            }
        }
        Detail::UnknownKey { .. } => unknown_key_help(violation, subject),
        _ => other_help(violation, subject),
    }
}

/// The closest known key, or the keys there are.
fn unknown_key_help(violation: &SchemaViolation, subject: Subject) -> Option<String> {
    match &violation.detail {
        Detail::UnknownKey { key, known } => {
            let best = known
                .iter()
                .map(|candidate| {
                    (
                        strsim::jaro_winkler(&key.to_lowercase(), &candidate.to_lowercase()),
                        candidate,
                    )
                })
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            Some(match best {
                Some((_, candidate)) => format!("did you mean `{candidate}`?"),
                None if known.is_empty() => format!("the {} accepts no such key", subject.name()),
                None => format!("the {} accepts: {}", subject.name(), known.join(", ")),
            })
        }
        _ => None,
    }
}

/// Help for the other kinds of violation: the allowed values, the range, the form.
fn other_help(violation: &SchemaViolation, subject: Subject) -> Option<String> {
    match &violation.detail {
        Detail::UnknownKey { .. } => None,
        Detail::Enum { allowed, actual } => {
            let same_letters = actual.as_ref().and_then(|actual| {
                allowed
                    .iter()
                    .find(|candidate| candidate.eq_ignore_ascii_case(actual))
            });
            Some(match same_letters {
                Some(candidate) => format!("values are case-sensitive: write `{candidate}`"),
                None => format!("allowed values: {}", allowed.join(", ")),
            })
        }
        Detail::Range { minimum, maximum } => match (minimum, maximum) {
            (Some(low), Some(high)) => Some(format!("allowed range: {low} to {high}")),
            _ => None,
        },
        Detail::MissingKey { key } if violation.path.is_empty() => {
            Some(format!("add `{key}:` to this {}", subject.name()))
        }
        Detail::MissingKey { key } => Some(format!("add `{key}:` here")),
        Detail::Type { expected } => Some(format!("write {} here", crate::tree::with_article(expected))),
        // `^arn:` guards both `arn` (a cluster) and `saslScram512` (a secret): the example
        // is of the kind the key holds.
        // (and, in the extended profile, the mTLS and schema-registry secrets and KMS keys).
        Detail::Pattern { pattern } if pattern == "^arn:" => Some(
            match violation.path.first().map(String::as_str) {
                Some("saslScram512" | "clientCertificateTlsAuth" | "schemaRegistry") => "expected the ARN of a Secrets Manager secret, such as `arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_name-AbCdEf`",
                Some("kmsKeyArn" | "secretsKmsKeyArn") => "expected the ARN of a KMS key, such as `arn:aws:kms:us-east-1:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456`",
                _ => "expected the cluster ARN, such as `arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd1234-ab12-cd34-ef56-abcdef123456-1`, or `!Ref <ClusterLogicalId>`",
            }
            .to_owned(),
        ),
        Detail::Pattern { pattern } => Some(format!("the value must match the regular expression `{pattern}`")),
        Detail::Duplicate { item: Some(item) } => {
            Some(format!("`{item}` is listed twice: remove this one (each value may appear once)"))
        }
        Detail::Duplicate { item: None } => Some("remove this repeated item (each value may appear once)".to_owned()),
        Detail::None => None,
    }
}

/// Help for a function key that matches none of its forms ("unsupported … format").
fn form_help(violation: &SchemaViolation, subject: Subject) -> Option<String> {
    if !matches!(subject, Subject::Function) {
        return None;
    }
    match violation.path.first().map(String::as_str) {
        Some("role") => Some("a function's role is a role name (a logical ID in this template), an ARN, or `Fn::GetAtt: [Role, Arn]`, `Fn::ImportValue`, `Fn::Sub`; for a `Ref` or `Fn::Join`, write the logical name or the ARN instead".to_owned()),
        Some("provisionedConcurrency") => Some("write a whole number, 0 or more (or a CloudFormation function such as `Ref`)".to_owned()),
        _ => None,
    }
}

/// Serverless deletes every null-valued key before validating and puts it back afterwards
/// (`normalizeUserConfig` / `denormalizeUserConfig`), which moves those keys to the end of
/// their object. The order is visible in output, e.g. in `JSON.stringify`'d filter patterns
/// (oracle: `{a: null, b: 1}` → `{"b":1,"a":null}`).
fn move_null_keys_last(node: &mut Node) {
    match &mut node.value {
        Value::Object(entries) => {
            // A stable sort keeps the relative order within both groups (skipped when there
            // is nothing to move, which is almost always).
            if entries.iter().any(|entry| entry.value.is_null()) {
                entries.sort_by_key(|entry| entry.value.is_null());
            }
            entries
                .iter_mut()
                .for_each(|entry| move_null_keys_last(&mut entry.value));
        }
        Value::Array(items) => items.iter_mut().for_each(move_null_keys_last),
        _ => {}
    }
}
