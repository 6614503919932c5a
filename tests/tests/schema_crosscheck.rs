//! The exported whole-file schema (`msk-compile schema --serverless`) and the compiler's own
//! validation agree on every fixture config: the oracle cases (`tests/cases`,
//! `tests/extra-cases`) and `tests/schema-fixtures`.
//!
//! Each config is loaded as the compiler loads it (parse, then variables resolved with the
//! oracle's `--stage dev --region us-east-1`), then judged twice:
//! * by the `jsonschema` crate (draft 7) against `serverless_schema`;
//! * by the compiler's validation (`check::check_events`, what `compile_source` runs, with
//!   `configValidationMode` forced to `warn` so that `off` configs are judged too), keeping the
//!   `INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION` diagnostics, plus the model's cross-key rules
//!   that the compiler checks while compiling (`FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID`),
//!   which the whole-file schema states as `if`/`then`.
//!
//! The whole-file schema judges `functions.<name>.events[]` only; what else the compiler
//! validates with Serverless' schema (the function keys it reads, `resources.extensions`) is
//! outside it and not compared.
//!
//! Both verdicts are reduced to the set of *keys* they blame: the dotted path of the value, or,
//! for an unknown or missing key, the path of that key (`…msk.bogusKey`, `…msk.topic`).
//! The sets must be equal, except for the known differences below, which are recognised by
//! rule (never by listing fixtures) and counted in the reviewed snapshot
//! `snapshots/schema_crosscheck__agreement.snap`:
//! * **coercion**: Serverless runs Ajv with `coerceTypes: 'array'` and the compiler does the
//!   same (`batchSize: "100"` → `100`, `topic: 2024` → `"2024"`, `enabled: 1` → `true`,
//!   `[x]` → `x`); a JSON Schema validator does not coerce, so the schema (and an editor)
//!   flags such values. Recognised when the compiler's validation rewrote the value at the
//!   blamed key;
//! * **null**: Serverless deletes null-valued keys before validating; the schema has no `null`
//!   types (as Serverless' schema), so it flags `batchSize: null` (in an editor, an empty value
//!   is nearly always unfinished typing);
//! * **empty msk**: for `- msk:` with no value Serverless blames the event item
//!   (`unsupported function event`); the schema blames the `msk` value itself;
//!   Ajv's `'array'` coercion also wraps a scalar where an array is expected
//!   (`filterPatterns: x` → `[x]`), so the compiler then blames the item (`filterPatterns.0`)
//!   where the schema blames the value;
//! * **anyOf branch**: when no form of `arn` fits, Serverless' error normalization (and so the
//!   compiler) reports the error inside the closest form (`arn.Ref`: too short), a JSON Schema
//!   validator reports the `anyOf` itself (`arn`). Same value, one level apart;
//! * **hidden by sibling**: for an `events[]` item holding `msk` and another key, Serverless
//!   reports only the extra key, the schema also the msk mapping's own errors.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use msk_compile::stages::{self, Node, Value};
use msk_compile::{Code, ValidationMode, compile_source, schema};
use msk_model::{CfnMapping, MskEvent, Test};
use msk_tests::{case_dirs, oracle_options, read};

/// What one side blamed.
type Keys = BTreeSet<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Difference {
    Coercion,
    Null,
    EmptyMsk,
    AnyOfBranch,
    HiddenBySibling,
}

impl Difference {
    fn name(self) -> &'static str {
        match self {
            Difference::Coercion => "coercion",
            Difference::Null => "null",
            Difference::EmptyMsk => "empty msk",
            Difference::AnyOfBranch => "anyOf branch",
            Difference::HiddenBySibling => "hidden by sibling",
        }
    }
}

/// The verdicts on one fixture and how they line up.
#[derive(Debug)]
struct Comparison {
    compiler: Keys,
    schema: Keys,
    explained: Vec<(Difference, String)>,
    unexplained: Vec<String>,
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = case_dirs()
        .into_iter()
        .map(|dir| dir.join("serverless.yml"))
        .collect();
    let mut extra: Vec<PathBuf> = std::fs::read_dir(root.join("extra-cases"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("serverless.yml"))
                .filter(|path| path.is_file())
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    files.extend(extra);
    let mut own: Vec<PathBuf> = std::fs::read_dir(root.join("schema-fixtures"))
        .expect("tests/schema-fixtures exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yml"))
        .collect();
    own.sort();
    files.extend(own);
    files
}

/// `cases/minimal`, `schema-fixtures/invalid-values.yml`: a fixture's name in the report.
fn display_name(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_suffix("/serverless.yml")
        .map(str::to_owned)
        .unwrap_or(text)
}

/// The config as the compiler sees it before validation: parsed, variables resolved (its
/// folder is the service directory, for `${file(…)}`).
fn load_resolved(source: &str, config: &Path) -> Result<Node, String> {
    let codes = |diagnostics: &[msk_compile::Diagnostic]| {
        diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| diagnostic.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut root = stages::parse(source, msk_compile::Format::Yaml)
        .map_err(|diagnostics| codes(&diagnostics))?;
    let mut options = oracle_options().variables;
    options.service_dir = config.parent().map(Path::to_path_buf);
    let problems = stages::resolve_variables(&mut root, &options);
    if problems.iter().any(msk_compile::Diagnostic::is_error) {
        return Err(codes(&problems));
    }
    Ok(root)
}

fn schema_validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema::serverless_schema(
        msk_compile::Profile::ServerlessV3,
    ))
    .expect("the exported schema is a valid draft-07 schema")
}

/// A JSON pointer (`/functions/f/events/0/msk`) as Serverless' dotted path.
fn dotted(pointer: &str) -> String {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The keys the schema blames, and among them those blamed for failing an `anyOf`.
fn schema_keys(validator: &jsonschema::Validator, instance: &serde_json::Value) -> (Keys, Keys) {
    let mut keys = Keys::new();
    let mut any_of = Keys::new();
    for error in validator.iter_errors(instance) {
        let path = dotted(error.instance_path().as_str());
        match error.kind() {
            jsonschema::error::ValidationErrorKind::AnyOf { .. } => {
                any_of.insert(path.clone());
                keys.insert(path);
            }
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                keys.extend(unexpected.iter().map(|key| child(&path, key)));
            }
            jsonschema::error::ValidationErrorKind::Required { property } => {
                keys.insert(child(&path, property.as_str().unwrap_or_default()));
            }
            _ => {
                keys.insert(path);
            }
        }
    }
    (keys, any_of)
}

/// The quoted key of Serverless' "unrecognized property 'x'" / "must have required property 'x'".
fn quoted_key(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unrecognized property '")
        .or_else(|| message.strip_prefix("must have required property '"))?;
    rest.strip_suffix('\'')
}

/// What the compiler blames: its schema validation (which coerces `root` as Ajv does) and then
/// the model's cross-key rules, blamed on the key they require (as the schema does).
fn compiler_keys(root: &mut Node) -> Keys {
    let mut keys: Keys = validation_keys(root)
        .into_iter()
        .filter(|key| in_schema_scope(key))
        .collect();
    let mut diagnostics = Vec::new();
    stages::compile(
        root.clone(),
        &msk_compile::Dialect::default(),
        &mut diagnostics,
    );
    for diagnostic in &diagnostics {
        let Some((field, requires)) = MskEvent::RULES
            .iter()
            .filter(|rule| rule.code == diagnostic.code)
            .find_map(|rule| match rule.test {
                Test::RequiredWhen {
                    field, requires, ..
                } => Some((field, requires)),
                _ => None,
            })
        else {
            continue;
        };
        let path = diagnostic.path.as_deref().unwrap_or_default();
        let event = path
            .strip_suffix(field)
            .and_then(|event| event.strip_suffix('.'))
            .unwrap_or(path);
        keys.insert(child(event, requires));
    }
    keys
}

fn validation_keys(root: &mut Node) -> Keys {
    let diagnostics =
        stages::check_events(root, ValidationMode::Warn, &msk_compile::Dialect::default());
    let mut keys = Keys::new();
    for diagnostic in diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == Code::Schema)
    {
        let path = diagnostic.path.clone().unwrap_or_default();
        match quoted_key(&diagnostic.message) {
            Some(key) => keys.insert(child(&path, key)),
            None => keys.insert(path),
        };
    }
    keys
}

/// Whether the whole-file schema judges `path`: `functions.<name>.events…` (function names
/// hold no dots).
fn in_schema_scope(path: &str) -> bool {
    let mut segments = path.split('.');
    segments.next() == Some("functions") && segments.nth(1) == Some("events")
}

/// A sort key that puts `events.2` before `events.10`.
fn natural(key: &str) -> Vec<(u8, usize, String)> {
    key.split('.')
        .map(|segment| match segment.parse::<usize>() {
            Ok(index) => (0, index, String::new()),
            Err(_) => (1, 0, segment.to_owned()),
        })
        .collect()
}

/// The value at a dotted path.
fn value_at<'a>(json: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.')
        .try_fold(json, |value, segment| match value {
            serde_json::Value::Object(map) => map.get(segment),
            serde_json::Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        })
}

/// Judges one fixture; `Err` with the error codes when it does not load (Serverless stops
/// before validating too, so there is nothing to compare).
fn compare(path: &Path, validator: &jsonschema::Validator) -> Result<Comparison, String> {
    let source = read(path);
    let resolved = load_resolved(&source, path)?;
    let before = stages::to_json(&resolved);
    let (schema, any_of) = schema_keys(validator, &before);
    // `arn` (schema, anyOf) and `arn.Ref` (compiler): the same value, one level apart.
    let inside = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    let mut coerced = resolved;
    let compiler = compiler_keys(&mut coerced);
    let after = stages::to_json(&coerced);

    let mut explained = Vec::new();
    let mut unexplained = Vec::new();
    for key in schema.difference(&compiler) {
        let value = value_at(&before, key);
        let difference = match value {
            Some(serde_json::Value::Null)
                if key
                    .strip_suffix(".msk")
                    .is_some_and(|event| compiler.contains(event)) =>
            {
                Some(Difference::EmptyMsk)
            }
            Some(serde_json::Value::Null) => Some(Difference::Null),
            Some(_) if value_at(&after, key) != value => Some(Difference::Coercion),
            _ if any_of.contains(key) && compiler.iter().any(|blamed| inside(key, blamed)) => {
                Some(Difference::AnyOfBranch)
            }
            _ if key.split_once(".msk.").is_some_and(|(event, _)| {
                compiler
                    .iter()
                    .any(|blamed| inside(event, blamed) && !inside(&child(event, "msk"), blamed))
            }) =>
            {
                Some(Difference::HiddenBySibling)
            }
            _ => None,
        };
        match difference {
            Some(difference) => explained.push((difference, key.clone())),
            None => unexplained.push(format!("only the schema blames {key}")),
        }
    }
    for key in compiler.difference(&schema) {
        let empty_msk = value_at(&before, &child(key, "msk")) == Some(&serde_json::Value::Null)
            && schema.contains(&child(key, "msk"));
        if empty_msk {
            explained.push((Difference::EmptyMsk, key.clone()));
        } else if any_of
            .iter()
            .any(|outer| inside(outer, key) && !compiler.contains(outer))
        {
            explained.push((Difference::AnyOfBranch, key.clone()));
        } else if explained
            .iter()
            .any(|(difference, outer)| *difference == Difference::Coercion && inside(outer, key))
        {
            explained.push((Difference::Coercion, key.clone()));
        } else {
            unexplained.push(format!("only the compiler blames {key}"));
        }
    }
    Ok(Comparison {
        compiler,
        schema,
        explained,
        unexplained,
    })
}

#[test]
fn schema_and_compiler_agree_on_every_fixture() {
    let validator = schema_validator();
    let files = fixtures();
    assert!(
        files.len() >= 38,
        "the oracle cases, the extra cases and the schema fixtures are all found ({} files)",
        files.len()
    );
    let mut report = String::new();
    let mut failures = Vec::new();
    let (mut agreed, mut differing, mut skipped) = (0, 0, 0);
    let mut totals: std::collections::BTreeMap<Difference, usize> =
        std::collections::BTreeMap::new();
    for file in &files {
        let name = display_name(file);
        let comparison = match compare(file, &validator) {
            Ok(comparison) => comparison,
            Err(codes) => {
                skipped += 1;
                let _ = writeln!(report, "{name}: not judged, does not load ({codes})");
                continue;
            }
        };
        let count = |keys: &Keys| match keys.len() {
            0 => "valid".to_owned(),
            1 => "1 key".to_owned(),
            many => format!("{many} keys"),
        };
        if comparison.explained.is_empty() && comparison.unexplained.is_empty() {
            agreed += 1;
            let _ = writeln!(report, "{name}: agree, {}", count(&comparison.compiler));
        } else {
            differing += 1;
            let _ = writeln!(
                report,
                "{name}: compiler {}, schema {}",
                count(&comparison.compiler),
                count(&comparison.schema)
            );
        }
        let mut keys: Vec<&String> = comparison.compiler.union(&comparison.schema).collect();
        keys.sort_by_key(|key| natural(key));
        for key in keys {
            let side = match (
                comparison.compiler.contains(key),
                comparison.schema.contains(key),
            ) {
                (true, true) => "both",
                (true, false) => "compiler only",
                _ => "schema only",
            };
            match comparison
                .explained
                .iter()
                .find(|(_, explained)| explained == key)
            {
                Some((difference, _)) => {
                    // A pair (empty msk, anyOf branch) is one difference: count its schema side.
                    if side == "schema only" {
                        *totals.entry(*difference).or_default() += 1;
                    }
                    let _ = writeln!(
                        report,
                        "  {side}: {key} (known difference: {})",
                        difference.name()
                    );
                }
                None => {
                    let _ = writeln!(report, "  {side}: {key}");
                }
            }
        }
        failures.extend(
            comparison
                .unexplained
                .iter()
                .map(|problem| format!("{name}: {problem}")),
        );
    }
    let _ = writeln!(
        report,
        "\n{} fixtures: {agreed} agree exactly, {differing} differ only by known differences, {skipped} not judged (does not load)",
        files.len()
    );
    for (difference, count) in &totals {
        let _ = writeln!(report, "  {}: {count}", difference.name());
    }
    assert!(
        failures.is_empty(),
        "the schema and the compiler disagree:\n{}\n\nfull report:\n{report}",
        failures.join("\n")
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_description("Per fixture: which keys the compiler's validation and the exported serverless schema blame");
    settings.bind(|| insta::assert_snapshot!("agreement", report));
}

/// Serverless resolves variables before it validates, so the schema must accept, unresolved,
/// every config that is valid once resolved: editors see the `${…}` text.
#[test]
fn configs_valid_after_resolution_are_valid_before_it() {
    let validator = schema_validator();
    for file in fixtures() {
        let source = read(&file);
        let Ok(resolved) = load_resolved(&source, &file) else {
            continue;
        };
        if !validator.is_valid(&stages::to_json(&resolved)) {
            continue;
        }
        let raw = stages::parse(&source, msk_compile::Format::Yaml)
            .unwrap_or_else(|error| panic!("{} does not parse: {error:?}", file.display()));
        let errors: Vec<String> = validator
            .iter_errors(&stages::to_json(&raw))
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} is valid once resolved, but its unresolved text is flagged:\n{}",
            display_name(&file),
            errors.join("\n")
        );
    }
}

/// The cross-check calls the compiler's validation directly; it is the same judgement as
/// `compile_source`'s (which also applies `configValidationMode`).
#[test]
fn the_crosscheck_judges_what_compile_source_reports() {
    for file in fixtures() {
        let source = read(&file);
        let Ok(mut root) = load_resolved(&source, &file) else {
            continue;
        };
        if ValidationMode::of(&root, &msk_compile::Dialect::default()) == ValidationMode::Off {
            continue;
        }
        let direct = validation_keys(&mut root);
        let mut options = oracle_options();
        options.variables.service_dir = file.parent().map(Path::to_path_buf);
        let report = compile_source(&source, msk_compile::Format::Yaml, &options);
        let mut via_compile = Keys::new();
        for diagnostic in report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == Code::Schema)
        {
            let path = diagnostic.path.clone().unwrap_or_default();
            via_compile.insert(match quoted_key(&diagnostic.message) {
                Some(key) => child(&path, key),
                None => path,
            });
        }
        assert_eq!(direct, via_compile, "{}", display_name(&file));
    }
}

/// Spot checks that the comparison itself sees what it should (a broken loader or a schema
/// that accepts everything would otherwise "agree" silently).
#[test]
fn the_crosscheck_sees_errors() {
    let validator = schema_validator();
    let invalid = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema-fixtures/invalid-values.yml");
    let comparison = compare(&invalid, &validator).expect("loads");
    let base = "functions.consumer.events";
    for key in [
        format!("{base}.0.msk.batchSize"),
        format!("{base}.7.msk.startingPosition"),
        format!("{base}.16.msk.arn"),
        format!("{base}.21.msk.bisectBatchOnFunctionError"),
        format!("{base}.22.msk.arn"),
        format!("{base}.23.msk.topic"),
    ] {
        assert!(
            comparison.compiler.contains(&key) && comparison.schema.contains(&key),
            "{key} is blamed by both: {comparison:#?}"
        );
    }
    let variables = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/variables/serverless.yml");
    let resolved = load_resolved(&read(&variables), &variables).expect("loads");
    let value = stages::to_json(&resolved);
    assert_eq!(
        value_at(&value, "functions.consumer.events.0.msk.batchSize"),
        Some(&serde_json::json!(250)),
        "variables are resolved before judging"
    );
    assert!(matches!(
        resolved
            .pointer(&["functions", "consumer"])
            .map(|node| &node.value),
        Some(Value::Object(_))
    ));
    assert!(
        comparison
            .explained
            .iter()
            .any(|(difference, _)| *difference == Difference::AnyOfBranch),
        "`arn: {{Ref: \"\"}}` is blamed one level apart"
    );
}
