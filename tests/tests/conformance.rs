//! Conformance with Serverless Framework 3.40.0: every oracle case in `tests/cases`
//! compiles to exactly the EventSourceMappings, IAM statements, warnings or error that the
//! real framework produced for it (`expected.msk.json`, `expected.json`, `expected.error.txt`).
//! The same holds for osls 4.3.1 under `--profile osls` (`tests/osls-cases`, from the osls
//! oracle).

use msk_compile::json::stringify_pretty;
use msk_compile::{Code, Diagnostic, Dialect, Profile, Severity, schema_error_message, template};
use msk_tests::{
    case_dirs, cases_dir, compile_config, compile_config_as, parse_expected_error, read,
};
use serde_json::Value;

/// Where Serverless crashes with a bare TypeError, the code we report instead (spec §3.3).
const CRASH_CODES: &[(&str, Code)] = &[
    ("arn-getatt-long", Code::ArnUnsupportedIntrinsic),
    ("arn-import-sub", Code::ArnIntrinsicNotAString),
    ("arn-no-slash", Code::ArnWithoutClusterName),
    ("schema-missing-topic", Code::MissingKey),
    ("schema-missing-arn", Code::MissingKey),
    ("filter-patterns-object", Code::FilterPatternsNotAList),
    ("msk-scalar", Code::EventNotAnObject),
    ("extensions-null", Code::ExtensionNotApplicable),
    ("extensions-depends-on-object", Code::ExtensionNotApplicable),
    // Variable errors Serverless reports as VARIABLES_RESOLUTION_ERROR, under our code for
    // the kind of problem.
    ("file-missing-error", Code::VariableUnresolved),
    ("params-missing-error", Code::VariableUnresolved),
    ("file-directory-error", Code::VariableFile),
    ("file-cycle", Code::VariableCycle),
    ("file-empty-yaml", Code::VariableInvalid),
];

/// Serverless codes we report under a more specific code of ours.
const RENAMED_CODES: &[(&str, Code)] = &[("VARIABLES_RESOLUTION_ERROR", Code::VariableInvalid)];

fn has_actions(statement: &Value, expected: &[&str]) -> bool {
    let actions: Vec<&str> = statement["Action"]
        .as_array()
        .map(|actions| actions.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    actions == expected
}

/// Where the msk compiler's statement pairs start: a kafka statement followed by the ec2 one.
/// The config's own statements with the same actions stand alone (`iam-user-msk-sids`).
fn msk_pairs(statements: &[Value]) -> Vec<usize> {
    (0..statements.len().saturating_sub(1))
        .filter(|&at| has_actions(&statements[at], &msk_model::iam::KAFKA_ACTIONS))
        .filter(|&at| has_actions(&statements[at + 1], &msk_model::iam::EC2_ACTIONS))
        .collect()
}

/// A mapping the msk compiler made (the oracle's list holds every event type's mappings):
/// msk mappings are the ones with both a Kafka `Topics` list and an `EventSourceArn`.
fn is_msk_mapping(resource: &Value) -> bool {
    resource["Type"] == "AWS::Lambda::EventSourceMapping"
        && resource["Properties"].get("Topics").is_some()
        && resource["Properties"].get("EventSourceArn").is_some()
}

fn warnings(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic.severity == Severity::Warning && diagnostic.code == Code::Schema
        })
        .map(|diagnostic| {
            format!(
                "at '{}': {}",
                diagnostic.path.as_deref().unwrap_or_default(),
                diagnostic.message
            )
        })
        .collect()
}

/// One test per oracle case, so a failure names its case.
macro_rules! oracle_cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let dir = cases_dir().join($dir);
                if let Err(message) = check_case(&dir, $dir) {
                    panic!("{}: {message}", $dir);
                }
            }
        )*

        /// The list above covers every folder in `tests/cases` (and nothing else).
        #[test]
        fn every_oracle_case_has_a_test() {
            let listed: Vec<&str> = vec![$($dir),*];
            let present: Vec<String> = case_dirs().iter().map(|dir| dir.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
            assert_eq!(present.len(), 33);
            assert_eq!(listed, present);
        }
    };
}

oracle_cases! {
    alias_targets => "alias-targets",
    all_options => "all-options",
    arn_getatt_long => "arn-getatt-long",
    arn_getatt_short => "arn-getatt-short",
    arn_import_sub => "arn-import-sub",
    arn_intrinsics_long => "arn-intrinsics-long",
    arn_intrinsics_short => "arn-intrinsics-short",
    arn_no_slash => "arn-no-slash",
    at_timestamp_missing => "at-timestamp-missing",
    config_validation_off => "config-validation-off",
    edge_values => "edge-values",
    filter_patterns => "filter-patterns",
    logical_id_collision => "logical-id-collision",
    minimal => "minimal",
    multi_function => "multi-function",
    naming => "naming",
    provider_iam_statements => "provider-iam-statements",
    role_all_functions_custom => "role-all-functions-custom",
    role_function_mixed => "role-function-mixed",
    role_provider_arn => "role-provider-arn",
    role_provider_logical => "role-provider-logical",
    schema_batchsize_10001 => "schema-batchsize-10001",
    schema_batchsize_zero => "schema-batchsize-zero",
    schema_coercion => "schema-coercion",
    schema_consumer_group_too_long => "schema-consumer-group-too-long",
    schema_enum_case => "schema-enum-case",
    schema_error_mode_multi => "schema-error-mode-multi",
    schema_error_mode_single => "schema-error-mode-single",
    schema_missing_arn => "schema-missing-arn",
    schema_missing_topic => "schema-missing-topic",
    schema_msk_null => "schema-msk-null",
    schema_unknown_key => "schema-unknown-key",
    variables => "variables",
}

/// Cases written for this project (the bundled example and edge cases of validation,
/// coercion, variables and YAML), each run through the oracle to get its expected output.
macro_rules! extra_cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let dir = cases_dir().join("../extra-cases").join($dir);
                if let Err(message) = check_case(&dir, $dir) {
                    panic!("{}: {message}", $dir);
                }
            }
        )*
    };
}

extra_cases! {
    extra_example_orders => "example-orders",
    extra_anchors_merge => "anchors-merge",
    extra_arn_ref_empty => "arn-ref-empty",
    extra_coercion_edges => "coercion-edges",
    extra_coercion_js_numbers => "coercion-js-numbers",
    extra_duplicate_arn_functions => "duplicate-arn-functions",
    extra_event_level_extra_key => "event-level-extra-key",
    extra_filter_patterns_object => "filter-patterns-object",
    extra_msk_scalar => "msk-scalar",
    extra_required_and_unknown_order => "required-and-unknown-order",
    extra_variables_more => "variables-more",
    extra_variables_strtobool_false => "variables-strtobool-false",
    extra_yaml_scalars => "yaml-scalars",
    extra_null_keys_order => "null-keys-order",
    extra_json_config => "json-config",
    extra_extensions_mappings => "extensions-mappings",
    extra_extensions_not_existing => "extensions-not-existing",
    extra_extensions_unsupported_attribute => "extensions-unsupported-attribute",
    extra_extensions_coercion => "extensions-coercion",
    extra_extensions_null => "extensions-null",
    extra_extensions_null_values => "extensions-null-values",
    extra_extensions_string => "extensions-string",
    extra_extensions_depends_on_object => "extensions-depends-on-object",
    extra_extensions_shared_role_policies => "extensions-shared-role-policies",
    extra_extensions_schema_error => "extensions-schema-error",
    extra_extensions_as_string => "extensions-as-string",
    extra_extensions_as_list => "extensions-as-list",
    extra_extensions_as_list_of_numbers => "extensions-as-list-of-numbers",
    extra_resources_list => "resources-list",
    extra_functions_list => "functions-list",
    extra_functions_list_invalid => "functions-list-invalid",
    extra_function_keys_error => "function-keys-error",
    extra_function_keys_warn => "function-keys-warn",
    extra_function_keys_coercion => "function-keys-coercion",
    extra_function_role_forms_warn => "function-role-forms-warn",
    extra_filter_patterns_items => "filter-patterns-items",
    extra_filter_patterns_items_error => "filter-patterns-items-error",
    extra_file_yaml_stage_path => "file-yaml-stage-path",
    extra_file_json_address => "file-json-address",
    extra_file_outside_dir => "file-outside-dir/service",
    extra_file_missing_fallback => "file-missing-fallback",
    extra_file_missing_error => "file-missing-error",
    extra_file_whole_functions => "file-whole-functions",
    extra_file_whole_event => "file-whole-event",
    extra_file_directory_error => "file-directory-error",
    extra_params_default_stage => "params-default-stage",
    extra_params_missing_error => "params-missing-error",
    extra_file_cycle => "file-cycle",
    extra_file_text => "file-text",
    extra_file_empty_yaml => "file-empty-yaml",
    extra_file_address_through_variable => "file-address-through-variable",
    extra_iam_user_sqs_statements => "iam-user-sqs-statements",
    extra_iam_user_msk_sids => "iam-user-msk-sids",
}

/// The osls cases: the v3 cases above as osls 4.3.1 runs them (with the osls oracle's three
/// rewrites applied to the config: `frameworkVersion: '>=3'`, `nodejs20.x`, and
/// `configValidationMode: warn` where none was set), and cases for what osls does differently,
/// each compiled with `--profile osls`.
macro_rules! osls_cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let dir = cases_dir().join("../osls-cases").join($dir);
                if let Err(message) = check_case_as(&dir, $dir, Some(Profile::Osls)) {
                    panic!("osls {}: {message}", $dir);
                }
            }
        )*

        /// The list covers every folder in `tests/osls-cases` (and nothing else).
        #[test]
        fn every_osls_case_has_a_test() {
            let mut listed: Vec<&str> = vec![$($dir),*];
            listed.sort_unstable();
            let dir = cases_dir().join("../osls-cases");
            let mut present: Vec<String> = std::fs::read_dir(&dir)
                .expect("tests/osls-cases exists")
                .filter_map(Result::ok)
                .filter(|entry| entry.path().is_dir())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect();
            present.sort_unstable();
            assert_eq!(listed, present);
        }
    };
}

osls_cases! {
    osls_alias_targets => "alias-targets",
    osls_all_options => "all-options",
    osls_anchors_merge => "anchors-merge",
    osls_arn_getatt_long => "arn-getatt-long",
    osls_arn_getatt_short => "arn-getatt-short",
    osls_arn_import_sub => "arn-import-sub",
    osls_arn_intrinsics_long => "arn-intrinsics-long",
    osls_arn_intrinsics_short => "arn-intrinsics-short",
    osls_arn_no_slash => "arn-no-slash",
    osls_arn_ref_empty => "arn-ref-empty",
    osls_at_timestamp_missing => "at-timestamp-missing",
    osls_coercion_edges => "coercion-edges",
    osls_coercion_js_numbers => "coercion-js-numbers",
    osls_config_validation_off => "config-validation-off",
    osls_duplicate_arn_functions => "duplicate-arn-functions",
    osls_edge_values => "edge-values",
    osls_event_level_extra_key => "event-level-extra-key",
    osls_example_orders => "example-orders",
    osls_extensions_as_list => "extensions-as-list",
    osls_extensions_as_list_of_numbers => "extensions-as-list-of-numbers",
    osls_extensions_as_string => "extensions-as-string",
    osls_extensions_coercion => "extensions-coercion",
    osls_extensions_depends_on_object => "extensions-depends-on-object",
    osls_extensions_mappings => "extensions-mappings",
    osls_extensions_not_existing => "extensions-not-existing",
    osls_extensions_null => "extensions-null",
    osls_extensions_null_values => "extensions-null-values",
    osls_extensions_schema_error => "extensions-schema-error",
    osls_extensions_shared_role_policies => "extensions-shared-role-policies",
    osls_extensions_string => "extensions-string",
    osls_extensions_unsupported_attribute => "extensions-unsupported-attribute",
    osls_file_address_through_variable => "file-address-through-variable",
    osls_file_cycle => "file-cycle",
    osls_file_directory_error => "file-directory-error",
    osls_file_empty_yaml => "file-empty-yaml",
    osls_file_json_address => "file-json-address",
    osls_file_missing_error => "file-missing-error",
    osls_file_missing_fallback => "file-missing-fallback",
    osls_file_text => "file-text",
    osls_file_whole_event => "file-whole-event",
    osls_file_whole_functions => "file-whole-functions",
    osls_file_yaml_stage_path => "file-yaml-stage-path",
    osls_filter_patterns => "filter-patterns",
    osls_filter_patterns_items => "filter-patterns-items",
    osls_filter_patterns_items_error => "filter-patterns-items-error",
    osls_filter_patterns_object => "filter-patterns-object",
    osls_function_keys_coercion => "function-keys-coercion",
    osls_function_keys_error => "function-keys-error",
    osls_function_keys_warn => "function-keys-warn",
    osls_function_role_forms_warn => "function-role-forms-warn",
    osls_functions_list => "functions-list",
    osls_functions_list_invalid => "functions-list-invalid",
    osls_logical_id_collision => "logical-id-collision",
    osls_minimal => "minimal",
    osls_msk_scalar => "msk-scalar",
    osls_multi_function => "multi-function",
    osls_naming => "naming",
    osls_null_keys_order => "null-keys-order",
    osls_osls_default_error_mode => "osls-default-error-mode",
    osls_osls_default_mode_valid => "osls-default-mode-valid",
    osls_osls_durable_aliases => "osls-durable-aliases",
    osls_osls_durable_config_schema => "osls-durable-config-schema",
    osls_osls_durable_esm_timeout => "osls-durable-esm-timeout",
    osls_osls_framework_version_3 => "osls-framework-version-3",
    osls_osls_framework_version_invalid => "osls-framework-version-invalid",
    osls_osls_framework_version_number => "osls-framework-version-number",
    osls_osls_ppc_error_mode_invalid => "osls-ppc-error-mode-invalid",
    osls_osls_yaml_dates_tags => "osls-yaml-dates-tags",
    osls_params_default_stage => "params-default-stage",
    osls_params_missing_error => "params-missing-error",
    osls_ppc_error_mode => "ppc-error-mode",
    osls_ppc_warn_mode => "ppc-warn-mode",
    osls_provider_iam_statements => "provider-iam-statements",
    osls_required_and_unknown_order => "required-and-unknown-order",
    osls_resources_list => "resources-list",
    osls_role_all_functions_custom => "role-all-functions-custom",
    osls_role_durable_naming => "role-durable-naming",
    osls_role_function_mixed => "role-function-mixed",
    osls_role_provider_arn => "role-provider-arn",
    osls_role_provider_logical => "role-provider-logical",
    osls_schema_batchsize_10001 => "schema-batchsize-10001",
    osls_schema_batchsize_zero => "schema-batchsize-zero",
    osls_schema_coercion => "schema-coercion",
    osls_schema_consumer_group_too_long => "schema-consumer-group-too-long",
    osls_schema_enum_case => "schema-enum-case",
    osls_schema_error_mode_multi => "schema-error-mode-multi",
    osls_schema_error_mode_single => "schema-error-mode-single",
    osls_schema_missing_arn => "schema-missing-arn",
    osls_schema_missing_topic => "schema-missing-topic",
    osls_schema_msk_null => "schema-msk-null",
    osls_schema_unknown_key => "schema-unknown-key",
    osls_variables => "variables",
    osls_variables_more => "variables-more",
    osls_variables_strtobool_false => "variables-strtobool-false",
    osls_yaml_scalars => "yaml-scalars",
}

fn check_case(dir: &std::path::Path, name: &str) -> Result<(), String> {
    check_case_as(dir, name, None)
}

/// `check_case` under `--profile <profile>`: the case's expected files come from the oracle of
/// that profile's framework.
fn check_case_as(
    dir: &std::path::Path,
    name: &str,
    profile: Option<Profile>,
) -> Result<(), String> {
    let report = compile_config_as(dir, profile);
    let expected_msk = dir.join("expected.msk.json");
    if expected_msk.is_file() {
        let expected: Value =
            serde_json::from_str(&read(&expected_msk)).map_err(|error| error.to_string())?;
        let Some(compiled) = &report.compiled else {
            return Err(format!("expected success, got {:#?}", report.diagnostics));
        };
        let ours = compiled.to_json();
        let mut want_mappings = expected["EventSourceMappings"].clone();
        if let Some(mappings) = want_mappings.as_object_mut() {
            mappings.retain(|_, resource| is_msk_mapping(resource));
        }
        let (want, got) = (
            stringify_pretty(&want_mappings),
            stringify_pretty(&ours["Resources"]),
        );
        if want != got {
            return Err(format!("Resources differ\nwant: {want}\ngot:  {got}"));
        }
        let want_statements = match &expected["IamRoleLambdaExecutionStatements"] {
            Value::Array(all) => Value::Array(
                msk_pairs(all)
                    .into_iter()
                    .flat_map(|at| all[at..at + 2].iter().cloned())
                    .collect(),
            ),
            other => other.clone(),
        };
        let (want, got) = (
            stringify_pretty(&want_statements),
            stringify_pretty(&ours["IamRoleStatements"]),
        );
        if want != got {
            return Err(format!(
                "IamRoleStatements differ\nwant: {want}\ngot:  {got}"
            ));
        }
        // The CLI's output text, written from the resources' compact text, against the
        // oracle's values in `JSON.stringify(…, null, 2)` form.
        let mut want_output = serde_json::Map::new();
        want_output.insert("Resources".to_owned(), want_mappings);
        want_output.insert("IamRoleStatements".to_owned(), want_statements);
        let want = stringify_pretty(&want_output);
        let got = compiled.to_pretty_json();
        if want != got {
            return Err(format!("CLI output differs\nwant: {want}\ngot:  {got}"));
        }
        let want_warnings: Vec<String> = expected["ConfigValidationWarnings"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let got_warnings = warnings(&report.diagnostics);
        if want_warnings != got_warnings {
            return Err(format!(
                "warnings differ\nwant: {want_warnings:#?}\ngot:  {got_warnings:#?}"
            ));
        }
        return check_template_merge(dir, compiled);
    }
    let expected = parse_expected_error(&read(&dir.join("expected.error.txt")));
    if report.compiled.is_some() {
        return Err(format!("expected the error {expected:?}, got success"));
    }
    let errors: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .collect();
    let renamed = RENAMED_CODES
        .iter()
        .find(|(theirs, _)| *theirs == expected.code)
        .map(|(_, ours)| ours.as_str());
    let want_code = match CRASH_CODES.iter().find(|(case, _)| *case == name) {
        Some((_, code)) => code.as_str(),
        None => renamed.unwrap_or(expected.code.as_str()),
    };
    let Some(error) = errors
        .iter()
        .find(|diagnostic| diagnostic.code == want_code)
    else {
        return Err(format!(
            "expected an error with code {want_code}, got {errors:#?}"
        ));
    };
    if error.span.is_none() {
        return Err(format!("the {want_code} error has no position"));
    }
    if want_code == Code::Schema.as_str() {
        let message = schema_error_message(
            &report.diagnostics,
            &Dialect::of(profile.unwrap_or_default()),
        );
        if message != expected.message {
            return Err(format!(
                "schema error message differs\nwant: {}\ngot:  {message}",
                expected.message
            ));
        }
    } else if renamed.is_some() {
        // Serverless wraps the variable message ("Cannot resolve serverless.yml: Variables
        // resolution errored with:\n  - <message>"); ours is the message itself.
        if !expected.message.ends_with(&format!("- {}", error.message)) {
            return Err(format!(
                "message differs\nwant: {}\ngot:  {}",
                expected.message, error.message
            ));
        }
    } else if expected.code != "(none)" && error.message != expected.message {
        return Err(format!(
            "message differs\nwant: {}\ngot:  {}",
            expected.message, error.message
        ));
    }
    Ok(())
}

/// Removing the msk parts from the oracle's whole template and merging ours back in must
/// give the oracle's template, byte for byte.
fn check_template_merge(
    dir: &std::path::Path,
    compiled: &msk_compile::Compiled,
) -> Result<(), String> {
    let expected_text = read(&dir.join("expected.json"));
    let mut stripped: Value =
        serde_json::from_str(&expected_text).map_err(|error| error.to_string())?;
    let resources = stripped["Resources"]
        .as_object_mut()
        .ok_or("no Resources")?;
    resources.retain(|_, resource| !is_msk_mapping(resource));
    if let Some(statements) = resources
        .get_mut("IamRoleLambdaExecution")
        .and_then(|role| role.pointer_mut("/Properties/Policies/0/PolicyDocument/Statement"))
        .and_then(Value::as_array_mut)
    {
        for at in msk_pairs(statements).into_iter().rev() {
            statements.drain(at..at + 2);
        }
    }
    let merge =
        |text: &str| template::merge(text, compiled).map_err(|diagnostic| diagnostic.message);
    let merged = merge(&stringify_pretty(&stripped))?;
    if merged.trim_end() != expected_text.trim_end() {
        return Err("the merged template differs from the oracle's expected.json".to_owned());
    }
    // Idempotent: merging into the oracle's own whole template (msk parts included) gives it
    // back byte for byte, and merging again changes nothing.
    if merge(&expected_text)? != expected_text {
        return Err("merging into the oracle's whole template changed it".to_owned());
    }
    if merge(&merge(&merged)?)? != merged {
        return Err("merging three times differs from merging once".to_owned());
    }
    Ok(())
}

/// `file-outside-dir` leaves the service directory and comes back (the oracle copies only
/// the service directory); here the same files sit in a sibling folder, as in a monorepo,
/// and give the very output the oracle gave.
#[test]
fn file_outside_dir_in_a_sibling_folder() {
    let case = cases_dir().join("../extra-cases/file-outside-dir");
    let service = case.join("service");
    let text = read(&service.join("serverless.yml"))
        .replace("../service/../service/shared.yml", "../shared/msk.yml")
        .replace("../service/shared.yml", "../shared/msk.yml");
    assert!(text.contains("../shared/msk.yml") && !text.contains("../service"));
    let mut options = msk_tests::oracle_options();
    options.variables.service_dir = Some(service.clone());
    let sibling = msk_compile::compile_source(&text, msk_compile::Format::Yaml, &options);
    let sibling = sibling.compiled.expect("compiles");
    let oracle = compile_config(&service).compiled.expect("compiles");
    assert_eq!(sibling.to_json(), oracle.to_json());
    assert!(check_case(&service, "file-outside-dir/service").is_ok());
}
