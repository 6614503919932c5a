//! The extended profile on the osls host (`--profile extended --host osls`): osls' behaviour
//! where no extension key is used (its durable alias targets, its `provisionedPollerConfig`,
//! its validation default), checked against the osls oracle's outputs in `tests/osls-cases`;
//! and how a run is told its profile and host.

use msk_compile::{Code, Format, Host, Options, Profile, Report, compile_source};
use msk_tests::{compile_config_as, oracle_options, read};
use serde_json::Value;

fn osls_case(name: &str) -> std::path::PathBuf {
    msk_tests::cases_dir().join("../osls-cases").join(name)
}

/// A case folder compiled as the CLI's `--profile <profile> --host <host>` would.
fn compile_case(name: &str, profile: Profile, host: Option<Host>) -> Report {
    let dir = osls_case(name);
    let mut options = oracle_options();
    options.profile = Some(profile);
    options.host = host;
    options.variables.service_dir = Some(dir.clone());
    compile_source(&read(&dir.join("serverless.yml")), Format::Yaml, &options)
}

fn compile_text(text: &str, profile: Option<Profile>, host: Option<Host>) -> Report {
    let options = Options {
        profile,
        host,
        ..oracle_options()
    };
    compile_source(text, Format::Yaml, &options)
}

fn expected_mappings(name: &str) -> Value {
    let text = read(&osls_case(name).join("expected.msk.json"));
    let expected: Value = serde_json::from_str(&text).expect("expected.msk.json is JSON");
    expected["EventSourceMappings"].clone()
}

fn resources(report: &Report) -> Value {
    let compiled = report
        .compiled
        .as_ref()
        .unwrap_or_else(|| panic!("compiles: {:#?}", report.diagnostics));
    compiled.to_json()["Resources"].clone()
}

/// osls' durable alias target, `DependsOn` on the alias, empty role intrinsics and astral
/// first letter: under `extended` on the osls host the mappings are osls' own.
#[test]
fn extended_on_osls_keeps_durable_alias_targets() {
    let report = compile_case("role-durable-naming", Profile::Extended, Some(Host::Osls));
    assert_eq!(resources(&report), expected_mappings("role-durable-naming"));
    // (`osls-durable-aliases` has one-letter topics, which the extended profile refuses.)
    // The same config on Serverless 3.40.0's behaviour has no durable alias.
    let report = compile_case("osls-durable-aliases", Profile::ServerlessV3, None);
    let mappings = resources(&report);
    let durable = &mappings["DurableProvisionedEventSourceMappingMSKOrdersA"];
    assert_eq!(
        durable["DependsOn"],
        serde_json::json!([
            "IamRoleLambdaExecution",
            "DurableProvisionedProvConcLambdaAlias"
        ])
    );
}

/// `provisionedPollerConfig` as osls writes it gives osls' `ProvisionedPollerConfig` under
/// `extended` on the osls host, and the same property as `provisionedPollers`.
#[test]
fn extended_on_osls_accepts_provisioned_poller_config() {
    let report = compile_case("ppc-error-mode", Profile::Extended, Some(Host::Osls));
    assert_eq!(resources(&report), expected_mappings("ppc-error-mode"));

    let service = |event: &str| {
        format!(
            "service: s\nprovider: {{name: aws, runtime: nodejs20.x}}\nfunctions:\n  f:\n    handler: h.main\n    events:\n      - msk: {{arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1, topic: orders, {event}}}\n"
        )
    };
    let osls_key = compile_text(
        &service("provisionedPollerConfig: {minimumPollers: 2, maximumPollers: 40}"),
        Some(Profile::Extended),
        Some(Host::Osls),
    );
    let extended_key = compile_text(
        &service("provisionedPollers: {min: 2, max: 40}"),
        Some(Profile::Extended),
        Some(Host::Osls),
    );
    assert_eq!(resources(&osls_key), resources(&extended_key));

    // Both keys at once: one property, two spellings; an error of the extended profile.
    let both = compile_text(
        &service("provisionedPollers: {min: 2}, provisionedPollerConfig: {minimumPollers: 2}"),
        Some(Profile::Extended),
        Some(Host::Osls),
    );
    assert!(both.compiled.is_none());
    assert!(
        both.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == Code::ProvisionedPollersInvalid)
    );

    // On Serverless 3.40.0's host the key is unknown, and the help names the osls host.
    let v3 = compile_text(
        &service("provisionedPollerConfig: {minimumPollers: 2}"),
        Some(Profile::Extended),
        None,
    );
    let unknown = v3
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.message == "unrecognized property 'provisionedPollerConfig'")
        .expect("unknown key on Serverless 3.40.0");
    assert!(unknown.help.as_deref().unwrap_or_default().contains("osls"));
}

/// osls' `configValidationMode` default (`error`) applies under `extended` on its host.
#[test]
fn extended_on_osls_stops_at_schema_errors_by_default() {
    let report = compile_case(
        "osls-default-error-mode",
        Profile::Extended,
        Some(Host::Osls),
    );
    assert!(report.compiled.is_none());
    let on_v3 = compile_case("osls-default-error-mode", Profile::Extended, None);
    assert!(on_v3.compiled.is_some(), "{:#?}", on_v3.diagnostics);
}

/// `custom.mskEvents.profile: osls` is the same as `--profile osls`: the YAML is loaded again
/// with osls' schema, so a date-like topic stays a string.
#[test]
fn the_config_can_ask_for_osls() {
    let dir = osls_case("osls-yaml-dates-tags");
    let text = read(&dir.join("serverless.yml"));
    let asked = text.replace("custom:\n", "custom:\n  mskEvents:\n    profile: osls\n");
    assert_ne!(asked, text);
    let from_config = compile_text(&asked, None, None);
    let from_option = compile_config_as(&dir, Some(Profile::Osls));
    assert_eq!(resources(&from_config), resources(&from_option));
    assert_eq!(
        resources(&from_option),
        expected_mappings("osls-yaml-dates-tags")
    );

    // `custom.mskEvents.host: osls` under `extended`: the plain date is the topic
    // `2024-06-30`, which CloudFormation's pattern takes; only the `!!timestamp` one (an ISO
    // string with `:`) is refused by the extended profile's topic rule.
    let host_in_config = text.replace("custom:\n", "custom:\n  mskEvents:\n    host: osls\n");
    let extended = compile_text(&host_in_config, Some(Profile::Extended), None);
    let refused: Vec<&str> = extended
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .filter_map(|diagnostic| diagnostic.path.as_deref())
        .collect();
    assert_eq!(refused, ["functions.consumer.events.1.msk.topic"]);
}

/// A profile that is one framework's behaviour cannot run on the other.
#[test]
fn a_host_profile_on_the_other_host_is_an_error() {
    let text = read(&osls_case("osls-default-mode-valid").join("serverless.yml"));
    for (profile, host) in [
        (Profile::Osls, Host::ServerlessV3),
        (Profile::ServerlessV3, Host::Osls),
    ] {
        let report = compile_text(&text, Some(profile), Some(host));
        assert!(report.compiled.is_none());
        assert!(
            report
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code == Code::ProfileUnknown)
        );
    }
    let unknown = compile_text(
        &text.replace("provider:", "custom: {mskEvents: {host: oslss}}\nprovider:"),
        None,
        None,
    );
    let diagnostic = unknown
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == Code::ProfileUnknown)
        .expect("unknown host");
    assert_eq!(
        diagnostic.message,
        "`custom.mskEvents.host` must be `serverless-v3` or `osls`, not `oslss`"
    );
    assert!(diagnostic.span.is_some());
}

/// The editor schema of the osls profile has osls' key with osls' bounds (its
/// `mskProvisionedPollerConfig`); the other profiles do not.
#[test]
fn the_osls_schema_has_provisioned_poller_config() {
    use msk_compile::schema::{msk_event_schema, serverless_schema};
    let schema = msk_event_schema(Profile::Osls);
    let key = &schema["properties"]["provisionedPollerConfig"];
    for count in ["minimumPollers", "maximumPollers"] {
        let bounds = &key["properties"][count];
        assert_eq!(bounds["type"], "integer", "{count}");
        assert_eq!(bounds["minimum"], 1, "{count}");
        assert_eq!(bounds["maximum"], 1000, "{count}");
    }
    assert_ne!(key["additionalProperties"], Value::Bool(false));
    assert!(key.get("required").is_none());
    for profile in [Profile::ServerlessV3, Profile::Extended] {
        assert!(
            msk_event_schema(profile)["properties"]
                .get("provisionedPollerConfig")
                .is_none(),
            "{profile:?}"
        );
    }
    let editor = msk_compile::json::stringify_pretty(&serverless_schema(Profile::Osls));
    assert!(editor.contains("provisionedPollerConfig"));
}
