//! `load::resolve_variables` against Serverless 3.40.0. Expected values come from oracle runs
//! (`sls-msk`, which runs `serverless package --stage dev --region us-east-1`); the probe
//! file of each run is named in a comment. Probes put the variables into `filterPatterns`,
//! whose `JSON.stringify`'d `Pattern` shows the resolved values and their types.

mod common;

use std::collections::BTreeMap;

use common::{HEAD, nulls_last, oracle_options, pattern, stringify, text, yaml};
use msk_compile::Code;
use msk_compile::Diagnostic;
use msk_compile::VariableOptions;
use msk_compile::stages::{
    MAX_RESOLUTION_DEPTH, Node, Value, resolve_variables, resolve_variables_with_source,
};

fn resolved(source: &str, options: &VariableOptions) -> Node {
    let mut root = yaml(source);
    let diagnostics = resolve_variables_with_source(&mut root, options, source);
    assert!(diagnostics.is_empty(), "{source}\n{diagnostics:#?}");
    root
}

fn failures(source: &str, options: &VariableOptions) -> Vec<Diagnostic> {
    let mut root = yaml(source);
    let diagnostics = resolve_variables_with_source(&mut root, options, source);
    assert!(!diagnostics.is_empty(), "{source}: resolved without errors");
    diagnostics
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<(Code, String)> {
    diagnostics
        .iter()
        .map(|diagnostic| (diagnostic.code, diagnostic.message.clone()))
        .collect()
}

/// A minimal service with `custom` entries.
fn service(custom: &[&str]) -> String {
    let mut source = String::from("service: probe\nprovider:\n  name: aws\ncustom:\n");
    for line in custom {
        source.push_str("  ");
        source.push_str(line);
        source.push('\n');
    }
    source
}

/// Oracle probe `var1.yml` (after removing the three entries that are syntax errors, see
/// `fallback_to_a_variable_is_a_syntax_error`, and `strToBool(0)`, see
/// `falsy_str_to_bool_params_are_missing`). The expected string is the oracle's `Pattern`.
#[test]
fn resolves_like_serverless() {
    let head = HEAD.replace(
        "provider:\n  name: aws\n",
        "provider:\n  name: aws\n  stage: prodx\n",
    );
    let source = format!(
        "custom:
  num: 42
  flt: 1.5
  big: 1e21
  big2: 123456789012345680000
  small: 0.000001
  tiny: 1e-7
  neg: -3
  bool: true
  obj: {{a: 1, b: \"${{opt:stage}}\"}}
  arr: [1, \"x\", {{c: 2}}]
  str: hello
  nested: ${{self:custom.str}}-n
  dev: devvalue
  withvar: ${{self:custom.nested}}
  esc: \\${{self:custom.str}}
  esc2: \\\\${{self:custom.str}}
  esc3: \\\\\\${{self:custom.str}}
  escmid: a\\${{b}}c
  quotedAddr: ${{self:'custom.str'}}
  one: \"1\"
  dollarEsc: \\$notvar
{head}            - v:
                wholeNum: ${{self:custom.num}}
                embNum: \"n${{self:custom.num}}\"
                embFlt: \"n${{self:custom.flt}}\"
                embBig: \"n${{self:custom.big}}\"
                embBig2: \"n${{self:custom.big2}}\"
                embSmall: \"n${{self:custom.small}}\"
                embTiny: \"n${{self:custom.tiny}}\"
                embNeg: \"n${{self:custom.neg}}\"
                embBool: \"n${{self:custom.bool}}\"
                wholeBool: ${{self:custom.bool}}
                wholeObj: ${{self:custom.obj}}
                wholeArr: ${{self:custom.arr}}
                idx: ${{self:custom.arr.2.c}}
                nested: ${{self:custom.${{opt:stage}}}}
                fb1: ${{opt:nope, 'lit'}}
                fb2: ${{opt:nope, \"dq\"}}
                fb4: ${{opt:nope, 123}}
                fb5: ${{opt:nope, true}}
                fb9: ${{opt:nope, self:custom.str}}
                fb10: ${{opt:nope, 'a b, c'}}
                fb11: ${{opt:nope, 1.50}}
                fb12: ${{opt:nope, ''}}
                fb13: \"x${{opt:nope, 5}}y\"
                stb1: ${{strToBool(true)}}
                stb3: ${{strToBool(${{self:custom.one}})}}
                stb4: ${{strToBool( FALSE )}}
                slsStage: ${{sls:stage}}
                optStage: ${{opt:stage}}
                optRegion: ${{opt:region}}
                esc: ${{self:custom.esc}}
                escDirect: \\${{self:custom.str}}
                esc2: ${{self:custom.esc2}}
                esc3: ${{self:custom.esc3}}
                escmid: ${{self:custom.escmid}}
                dollarEsc: ${{self:custom.dollarEsc}}
                multi: ${{self:custom.str}}-${{self:custom.num}}-${{opt:stage}}
                spaces: ${{ self:custom.str }}
                foreign: ${{AWS::Region}}
                foreign2: ${{foo}}
                foreign3: ${{foo}}-${{self:custom.str}}
                cfsub: !Sub \"${{AWS::StackName}}-${{self:custom.str}}\"
                dollar: $${{self:custom.str}}
                withvar: ${{self:custom.withvar}}
                quotedAddr: ${{self:custom.quotedAddr}}
                selfService: ${{self:service}}
                \"${{opt:stage}}key\": keyvar
                raw: '${{self:custom.str}}'
"
    );
    let root = resolved(&source, &oracle_options());
    let expected = r#"{"v":{"wholeNum":42,"embNum":"n42","embFlt":"n1.5","embBig":"n1e+21","embBig2":"n123456789012345680000","embSmall":"n0.000001","embTiny":"n1e-7","embNeg":"n-3","embBool":"ntrue","wholeBool":true,"wholeObj":{"a":1,"b":"dev"},"wholeArr":[1,"x",{"c":2}],"idx":2,"nested":"devvalue","fb1":"lit","fb2":"dq","fb4":123,"fb5":true,"fb9":"hello","fb10":"a b, c","fb11":1.5,"fb12":"","fb13":"x5y","stb1":true,"stb3":true,"stb4":false,"slsStage":"dev","optStage":"dev","optRegion":"us-east-1","esc":"hello","escDirect":"${self:custom.str}","esc2":"\\hello","esc3":"${self:custom.str}","escmid":"a${b}c","dollarEsc":"\\$notvar","multi":"hello-42-dev","spaces":"${ self:custom.str }","foreign":"${AWS::Region}","foreign2":"${foo}","foreign3":"${foo}-hello","cfsub":{"Fn::Sub":"${AWS::StackName}-hello"},"dollar":"hello","withvar":"hello-n","quotedAddr":"hello","selfService":"probe","${opt:stage}key":"keyvar","raw":"hello"}}"#;
    assert_eq!(stringify(pattern(&root, 0, 0)), expected);
    // Whole-value variables keep the type of what they reference.
    let v = pattern(&root, 0, 0).get("v").expect("v");
    assert_eq!(
        v.get("wholeNum").map(|node| &node.value),
        Some(&Value::Number(42.0))
    );
    assert!(matches!(
        v.get("wholeObj").map(|node| &node.value),
        Some(Value::Object(_))
    ));
}

/// Oracle probe `scalars.yml`, pattern `s`: numbers concatenated into strings are written as
/// JavaScript writes them.
#[test]
fn embedded_numbers_use_javascript_formatting() {
    let source = service(&[
        "big: 123456789012345678901234567890",
        "small: 1e-7",
        "neg0: -0",
        "flt: 1.0",
        "s: [\"x${self:custom.big}\", \"x${self:custom.small}\", \"x${self:custom.neg0}\", \"x${self:custom.flt}\"]",
    ]);
    let root = resolved(&source, &oracle_options());
    assert_eq!(
        stringify(root.pointer(&["custom", "s"]).expect("s")),
        r#"["x1.2345678901234568e+29","x1e-7","x0","x1"]"#
    );
}

/// Oracle probe `scalars.yml` (third attempt): `${self:custom.inf}` with `inf: .inf` fails with
/// "Value not found at "self" source" — the value is null after Serverless' JSON round trip.
#[test]
fn non_finite_numbers_are_not_values() {
    let source = service(&["inf: .inf", "x: \"x${self:custom.inf}\""]);
    let diagnostics = failures(&source, &oracle_options());
    assert_eq!(
        messages(&diagnostics),
        [(
            Code::VariableUnresolved,
            "Cannot resolve variable at \"custom.x\": Value not found at \"self\" source"
                .to_owned()
        )]
    );
}

/// Oracle probe `var1.yml` (first attempt): a fallback cannot be a nested variable, and a
/// literal `null` cannot be followed by another source.
#[test]
fn fallback_to_a_variable_is_a_syntax_error() {
    let source = service(&[
        "fb3: ${opt:nope, ${self:custom.str}}",
        "fb6: ${opt:nope, null, 'after-null'}",
        "fb8: ${env:NOPE_X, ${opt:nope, 'deep'}}",
    ]);
    let diagnostics = failures(&source, &oracle_options());
    assert_eq!(
        messages(&diagnostics),
        [
            (Code::VariableSyntax, "Variable syntax error at \"custom.fb3\": Invalid variable source at index 12 in \"${opt:nope, ${self:custom.str}}\"".to_owned()),
            (Code::VariableSyntax, "Variable syntax error at \"custom.fb6\": Invalid variable source at index 12 in \"${opt:nope, null, 'after-null'}\"".to_owned()),
            (Code::VariableSyntax, "Variable syntax error at \"custom.fb8\": Invalid variable source at index 14 in \"${env:NOPE_X, ${opt:nope, 'deep'}}\"".to_owned()),
        ]
    );
    assert_eq!(diagnostics[0].path.as_deref(), Some("custom.fb3"));
}

/// Oracle probes `var1.yml` (second attempt, `strToBool(0)`) and `errA.yml` (`strToBool(false)`):
/// "Missing "strToBool" input", because a falsy literal param becomes null.
#[test]
fn falsy_str_to_bool_params_are_missing() {
    for input in ["0", "false"] {
        let source = service(&[&format!("f: ${{strToBool({input})}}")]);
        let diagnostics = failures(&source, &oracle_options());
        assert_eq!(
            messages(&diagnostics),
            [(
                Code::VariableInvalid,
                "Cannot resolve variable at \"custom.f\": Missing \"strToBool\" input".to_owned()
            )]
        );
    }
}

/// Oracle probe `errA.yml`. Serverless stops at its first resolution phase, so it did not
/// report `b` and `g` (`opt` is resolved in a later phase); their messages follow the same
/// code path (`Value not found at "<last source>" source`). For `j` the oracle printed a
/// memoizee "Circular invocation" stack trace; we report the cycle it stems from instead.
#[test]
fn resolution_errors_use_serverless_messages() {
    let source = service(&[
        "obj: {a: 1}",
        "a: ${self:custom.missing}",
        "b: ${opt:nope}",
        "c: ${env:NOPE_X}",
        "d: x${self:custom.obj}",
        "i: ${strToBool(maybe)}",
        "h: ${sls:foo}",
        "j: ${self:custom.cyc1}",
        "cyc1: ${self:custom.cyc2}",
        "cyc2: ${self:custom.cyc1}",
        "k: ${self:custom.k}",
        "f: ${strToBool(false)}",
        "g: ${opt:nope, env:NOPE_Y}",
    ]);
    let diagnostics = failures(&source, &oracle_options());
    let at = |path: &str, detail: &str| {
        format!("Cannot resolve variable at \"custom.{path}\": {detail}")
    };
    assert_eq!(
        messages(&diagnostics),
        [
            (
                Code::VariableUnresolved,
                at("a", "Value not found at \"self\" source")
            ),
            (
                Code::VariableUnresolved,
                at("b", "Value not found at \"opt\" source")
            ),
            (
                Code::VariableUnresolved,
                at("c", "Value not found at \"env\" source")
            ),
            (
                Code::VariableInvalid,
                at(
                    "d",
                    "String value consist of variable which resolve with non-string value"
                )
            ),
            (
                Code::VariableInvalid,
                at(
                    "i",
                    "Invalid \"strToBool\" input: Expected either \"true\", \"false\", \"0\", or \"1\". Received: maybe"
                )
            ),
            (
                Code::VariableInvalid,
                at(
                    "h",
                    "Unsupported \"foo\" address argument in variable \"sls\" source"
                )
            ),
            (
                Code::VariableCycle,
                at(
                    "cyc2",
                    "Circular reference among \"custom.cyc2\" and \"custom.cyc1\" properties"
                )
            ),
            (
                Code::VariableCycle,
                at("k", "Circular reference. \"custom.k\" refers to itself")
            ),
            (
                Code::VariableInvalid,
                at("f", "Missing \"strToBool\" input")
            ),
            (
                Code::VariableUnresolved,
                at("g", "Value not found at \"env\" source")
            ),
        ]
    );
    // Each diagnostic points at the `${…}` that failed.
    for diagnostic in &diagnostics {
        let span = diagnostic.span.expect("span");
        assert!(
            text(&source, span).starts_with("${"),
            "{diagnostic:?}: {:?}",
            text(&source, span)
        );
    }
}

/// Oracle probe `errE.yml`: "Variable syntax error at "custom.m": Missing variable closing
/// bracket in ${self:custom.str".
#[test]
fn unterminated_variable() {
    let source = service(&["m: ${self:custom.str"]);
    let diagnostics = failures(&source, &oracle_options());
    assert_eq!(
        messages(&diagnostics),
        [(Code::VariableSyntax, "Variable syntax error at \"custom.m\": Missing variable closing bracket in ${self:custom.str".to_owned())]
    );
}

/// Oracle probe `errF.yml`: `${self:}` (the whole config) from inside the config is
/// "Circular reference. "custom.x" refers to itself".
#[test]
fn self_without_address_is_the_whole_config() {
    let source = service(&["x: ${self:}"]);
    assert_eq!(
        messages(&failures(&source, &oracle_options())),
        [(Code::VariableCycle, "Cannot resolve variable at \"custom.x\": Circular reference. \"custom.x\" refers to itself".to_owned())]
    );
    // From outside `custom`, `${self:custom}` is fine.
    let source = "service: s\nprovider: {name: aws}\ncustom: {a: 1, b: \"${opt:stage}\"}\ncopy: ${self:custom}\n";
    let root = resolved(source, &oracle_options());
    assert_eq!(
        stringify(root.get("copy").expect("copy")),
        r#"{"a":1,"b":"dev"}"#
    );
}

/// Oracle probes `errB.yml` ("Unrecognized configuration variable sources: "foo", "bar""),
/// `errC.yml` (`ssm`: a network error offline) and `errD.yml` (`file`: the file is not there).
/// Without `--values` and without a service directory we cannot resolve any of them; each is
/// an error at its variable. `${param:x, 'y'}` takes its fallback (no `params:` here).
#[test]
fn unknown_and_offline_sources_are_errors() {
    let source = service(&[
        "e: ${foo:bar}",
        "e2: ${bar:baz, \"x\"}",
        "f: ${ssm:/x}",
        "l: ${file(./x.yml)}",
        "n: ${sls:instanceId}",
        "p: ${param:x, 'y'}",
    ]);
    let diagnostics = failures(&source, &oracle_options());
    assert!(
        diagnostics
            .iter()
            .all(|diagnostic| diagnostic.code == Code::VariableUnresolved),
        "{diagnostics:#?}"
    );
    let paths: Vec<&str> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.path.as_deref())
        .collect();
    assert_eq!(
        paths,
        ["custom.f", "custom.l", "custom.n", "custom.e", "custom.e2"]
    );
    assert!(
        diagnostics[3]
            .message
            .contains("Unrecognized configuration variable source \"foo\"")
    );
    assert!(
        diagnostics[0]
            .message
            .contains("\"ssm\" variables ask AWS, which msk-compile does not call")
    );
    assert!(
        diagnostics[1]
            .message
            .contains("\"file\" variables need the service directory")
    );
    // The way out is named where the value would come from AWS.
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|help| help.contains("--values")
                && help.contains("ssm:/x: <value>")
                && help.contains("serverless print --format json"))
    );
}

/// `${param:…}` looks at `--param`, then `params.<stage>`, then `params.default`
/// (`@serverless/dashboard-plugin/lib/resolve-params.js` of 3.40.0); a `null` entry is
/// skipped; values keep their type; params may hold variables.
#[test]
fn params_in_serverless_order() {
    let source = "service: s\nprovider: {name: aws, stage: \"${opt:stage}\"}\nparams:\n  default: {a: da, b: db, c: 3, d: dd}\n  dev: {a: \"${self:custom.x}\", b: null}\ncustom:\n  x: from-self\n  a: ${param:a}\n  b: ${param:b}\n  c: ${param:c}\n  d: ${param:d}\n";
    let root = resolved(source, &oracle_options());
    let get = |key: &str| stringify(root.pointer(&["custom", key]).expect(key));
    assert_eq!(get("a"), "\"from-self\"");
    assert_eq!(get("b"), "\"db\"");
    assert_eq!(get("c"), "3");
    assert_eq!(get("d"), "\"dd\"");
    let cli = VariableOptions {
        params: BTreeMap::from([("d".to_owned(), "cli".to_owned())]),
        ..oracle_options()
    };
    let root = resolved(source, &cli);
    assert_eq!(
        stringify(root.pointer(&["custom", "d"]).expect("d")),
        "\"cli\""
    );
    let prod = VariableOptions {
        stage: Some("prod".to_owned()),
        ..VariableOptions::default()
    };
    let root = resolved(source, &prod);
    assert_eq!(
        stringify(root.pointer(&["custom", "a"]).expect("a")),
        "\"da\""
    );
}

#[test]
fn param_cli_values_parse_as_serverless_does() {
    use msk_compile::stages::parse_param;
    assert_eq!(
        parse_param("topic=orders  "),
        Ok(("topic".to_owned(), "orders".to_owned()))
    );
    assert_eq!(parse_param("a=b=c"), Ok(("a".to_owned(), "b=c".to_owned())));
    for bad in ["novalue", "=x", "x="] {
        assert!(parse_param(bad).is_err(), "{bad}");
    }
}

#[test]
fn values_are_keyed_by_the_variable_text() {
    let values = msk_compile::stages::parse(
        "ssm:/a/b: one\n\"${cf(us-east-1, x):stack.Out}\": two\naws:accountId: 123\n",
        msk_compile::Format::Yaml,
    )
    .expect("values parse");
    let options = VariableOptions {
        values: msk_compile::Values::from_tree(values),
        ..oracle_options()
    };
    let source = service(&[
        "a: ${ssm:/a/${self:custom.b}}",
        "b: b",
        "c: ${cf(us-east-1,x):stack.Out}",
        "d: ${aws:accountId}",
    ]);
    let root = resolved(&source, &options);
    let get = |key: &str| stringify(root.pointer(&["custom", key]).expect(key));
    assert_eq!(get("a"), "\"one\"");
    assert_eq!(get("c"), "\"two\"");
    assert_eq!(get("d"), "123");
    // A remote source without a value is an error, not "no value": Serverless would only
    // use the fallback if AWS answered that the parameter does not exist.
    let source = format!("{source}  e: ${{ssm:/not/given, 'fallback'}}\n");
    let diagnostics = failures(&source, &options);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].path.as_deref(), Some("custom.e"));
}

#[test]
fn dependents_of_unresolved_values_are_not_reported_twice() {
    let source = service(&["a: ${foo:bar}", "b: ${self:custom.a}-x"]);
    let diagnostics = failures(&source, &oracle_options());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].path.as_deref(), Some("custom.a"));
}

/// `sls:stage` is `--stage`, else `provider.stage` (itself resolved), else `dev`
/// (`lib/configuration/variables/sources/instance-dependent/get-sls.js`; the oracle always
/// passes `--stage dev`, so these come from the source, not from a run).
#[test]
fn sls_stage_falls_back_to_provider_stage_then_dev() {
    let none = VariableOptions::default();
    let source = "service: s\nprovider: {name: aws, stage: \"${opt:stage, 'beta'}\"}\ncustom: {s: \"${sls:stage}\"}\n";
    assert_eq!(
        resolved(source, &none)
            .pointer(&["custom", "s"])
            .and_then(Node::as_str),
        Some("beta")
    );
    let source = "service: s\nprovider: {name: aws}\ncustom: {s: \"${sls:stage}\"}\n";
    assert_eq!(
        resolved(source, &none)
            .pointer(&["custom", "s"])
            .and_then(Node::as_str),
        Some("dev")
    );
    let prod = VariableOptions {
        stage: Some("prod".into()),
        ..VariableOptions::default()
    };
    let source = "service: s\nprovider: {name: aws, stage: beta}\ncustom: {s: \"${sls:stage}\"}\n";
    assert_eq!(
        resolved(source, &prod)
            .pointer(&["custom", "s"])
            .and_then(Node::as_str),
        Some("prod")
    );
}

#[test]
fn options_and_environment_come_from_the_caller() {
    let options = VariableOptions {
        stage: Some("dev".into()),
        region: None,
        options: BTreeMap::from([("team".to_owned(), "blue".to_owned())]),
        env: BTreeMap::from([
            ("TOPIC".to_owned(), "orders".to_owned()),
            ("EMPTY".to_owned(), String::new()),
        ]),
        ..VariableOptions::default()
    };
    let source = service(&[
        "t: ${env:TOPIC}",
        "team: ${opt:team}",
        "empty: ${env:EMPTY, 'fallback'}",
        "region: ${opt:region, 'eu-west-1'}",
        "composed: ${env:TOPIC}-${opt:team}",
        "flag: ${strToBool(${env:MISSING, 'true'})}",
    ]);
    let root = resolved(&source, &options);
    assert_eq!(
        stringify(root.get("custom").expect("custom")),
        r#"{"t":"orders","team":"blue","empty":"","region":"eu-west-1","composed":"orders-blue","flag":true}"#
    );
}

#[test]
fn referenced_values_are_resolved_first_and_in_place() {
    let source = service(&[
        "late: ${self:custom.early}",
        "early: ${self:custom.base}-x",
        "base: ${opt:stage}",
        "list: [\"${self:custom.base}\", 2]",
        "len: ${self:custom.list.length}",
        "first: ${self:custom.base.0}",
        "deep: ${self:custom.copy.a.b}",
        "copy: ${self:custom.source}",
        "source: {a: {b: \"${self:custom.base}!\"}}",
    ]);
    let root = resolved(&source, &oracle_options());
    assert_eq!(
        stringify(root.get("custom").expect("custom")),
        r#"{"late":"dev-x","early":"dev-x","base":"dev","list":["dev",2],"len":2,"first":"d","deep":"dev!","copy":{"a":{"b":"dev!"}},"source":{"a":{"b":"dev!"}}}"#
    );
}

#[test]
fn spans_point_at_the_variable_site() {
    let source = "service: s\nprovider: {name: aws}\ncustom:\n  obj: {a: 1}\n  copy: ${self:custom.obj}\n  n: ${self:custom.num}\n  num: 7\n";
    let mut root = yaml(source);
    assert!(resolve_variables(&mut root, &oracle_options()).is_empty());
    assert_eq!(
        text(
            source,
            root.pointer(&["custom", "copy"]).expect("copy").span
        ),
        "${self:custom.obj}"
    );
    assert_eq!(
        text(source, root.pointer(&["custom", "n"]).expect("n").span),
        "${self:custom.num}"
    );
    // Inside a copied mapping, nodes keep the spans of their definition.
    assert_eq!(
        text(
            source,
            root.pointer(&["custom", "copy", "a"]).expect("a").span
        ),
        "1"
    );

    // Without the source, a diagnostic points at the whole string.
    let source = "service: s\nprovider: {name: aws}\ncustom:\n  t: \"pre-${opt:nope}\"\n";
    let mut root = yaml(source);
    let diagnostics = resolve_variables(&mut root, &VariableOptions::default());
    assert_eq!(
        text(source, diagnostics[0].span.expect("span")),
        "\"pre-${opt:nope}\""
    );
    let mut root = yaml(source);
    let diagnostics = resolve_variables_with_source(&mut root, &VariableOptions::default(), source);
    assert_eq!(
        text(source, diagnostics[0].span.expect("span")),
        "${opt:nope}"
    );
}

#[test]
fn deep_or_circular_chains_end_with_an_error() {
    // A chain longer than our recursion bound.
    let mut lines: Vec<String> = (0..400)
        .map(|index| format!("v{index}: ${{self:custom.v{}}}", index + 1))
        .collect();
    lines.push("v400: end".to_owned());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let diagnostics = failures(&service(&refs), &oracle_options());
    assert!(
        diagnostics
            .iter()
            .all(|diagnostic| diagnostic.code == Code::VariableCycle),
        "{diagnostics:#?}"
    );

    // A shorter chain resolves.
    let mut lines: Vec<String> = (0..60)
        .map(|index| format!("v{index}: ${{self:custom.v{}}}", index + 1))
        .collect();
    lines.push("v60: end".to_owned());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let root = resolved(&service(&refs), &oracle_options());
    assert_eq!(
        root.pointer(&["custom", "v0"]).and_then(Node::as_str),
        Some("end")
    );

    // A value that keeps producing variables stops at Serverless' nest limit.
    let source = service(&["a: ${self:custom.b}", "b: \\${self:custom.a}"]);
    let diagnostics = failures(&source, &oracle_options());
    assert!(
        diagnostics
            .iter()
            .all(|diagnostic| diagnostic.code == Code::VariableCycle),
        "{diagnostics:#?}"
    );

    // Variables nested in variables, very deep: a syntax error, not a stack overflow.
    let deep = format!("x: \"{}a{}\"", "${self:".repeat(5000), "}".repeat(5000));
    let diagnostics = failures(&service(&[&deep]), &oracle_options());
    assert_eq!(diagnostics[0].code, Code::VariableSyntax);
}

/// Oracle probe `var2.yml`: lists concatenate as `String(list)` does, `length` and numeric
/// keys work in addresses, `false`/`0` concatenate as text, a literal `null` fallback is null.
#[test]
fn javascript_conversions_in_variables() {
    let source = format!(
        "{HEAD}            - v:
                arrjoin: \"x${{self:custom.arr}}\"
                numkey: ${{self:custom.nums.1}}
                strlen: ${{self:custom.s.length}}
                boolstr: \"${{self:custom.b}}-${{self:custom.n}}\"
                nullfb: ${{opt:nope, null}}
custom:
  arr: [1, \"x\", {{c: 2}}, null, [3, 4]]
  nums: {{1: one, 2: two}}
  s: hello
  b: false
  n: 0
"
    );
    let root = resolved(&source, &oracle_options());
    assert_eq!(
        stringify(pattern(&root, 0, 0)),
        r#"{"v":{"arrjoin":"x1,x,[object Object],,3,4","numkey":"one","strlen":5,"boolstr":"false-0","nullfb":null}}"#
    );
}

/// Oracle probes `lit.yml` and `lit2.yml`: a literal can only be a fallback; `${'abc'}`,
/// `${123}`, `${"dq"}` are not variables and stay as written (also when referenced).
#[test]
fn literals_alone_are_not_variables() {
    let source = format!(
        "{HEAD}            - v:
                lit: ${{'abc'}}
                lit2: \"x${{123}}y\"
                lit3: ${{\"dq\"}}
                dep: ${{self:custom.a}}
                mixed: x${{'q'}}-${{opt:stage}}
custom:
  a: ${{'abc'}}
"
    );
    let root = resolved(&source, &oracle_options());
    assert_eq!(
        stringify(pattern(&root, 0, 0)),
        r#"{"v":{"lit":"${'abc'}","lit2":"x${123}y","lit3":"${\"dq\"}","dep":"${'abc'}","mixed":"x${'q'}-dev"}}"#
    );
}

/// Oracle probe `envnoaddr.yml`: "Missing address argument in variable "env" source".
#[test]
fn env_without_address() {
    let source = service(&["a: ${env:}"]);
    assert_eq!(
        messages(&failures(&source, &oracle_options())),
        [(Code::VariableInvalid, "Cannot resolve variable at \"custom.a\": Missing address argument in variable \"env\" source".to_owned())]
    );
}

/// Random strings over the characters the variable grammar cares about (and multi-byte ones):
/// parsing and resolving never panics, and every failure is a coded diagnostic.
#[test]
fn random_variable_strings_never_panic() {
    const ALPHABET: &[&str] = &[
        "$",
        "{",
        "}",
        ":",
        ",",
        "(",
        ")",
        "'",
        "\"",
        "\\",
        " ",
        "self",
        "opt",
        "env",
        "sls",
        "strToBool",
        "custom",
        ".",
        "a",
        "0",
        "1",
        "stage",
        "é",
        "😀",
        "-",
        "true",
        "null",
        "file",
        "x",
    ];
    let mut next = common::xorshift(0x2545_f491_4f6c_dd1d);
    let known = [
        Code::VariableSyntax,
        Code::VariableUnresolved,
        Code::VariableCycle,
        Code::VariableInvalid,
    ];
    for _ in 0..300 {
        let mut custom = String::new();
        for field in 0..8 {
            let length = next(24);
            let value: String = (0..length)
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
            custom.push_str(&format!("  f{field}: \"{quoted}\"\n"));
        }
        let source = format!("service: s\nprovider:\n  name: aws\ncustom:\n{custom}");
        let mut root = yaml(&source);
        for diagnostic in resolve_variables_with_source(&mut root, &oracle_options(), &source) {
            assert!(known.contains(&diagnostic.code), "{diagnostic:?}");
        }
    }
}

/// A differential run against the oracle: 434 random strings mixing variables, fallbacks,
/// escapes, `$`, quotes and CloudFormation `${…}` (generated with seed 21; the strings that
/// fail in either implementation were run separately and gave the same errors). The expected
/// `Pattern` is the oracle's, verbatim.
#[test]
fn random_variables_match_the_oracle() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = std::fs::read_to_string(dir.join("variables-random.yml")).expect("fixture");
    let expected =
        std::fs::read_to_string(dir.join("variables-random.pattern.json")).expect("fixture");
    let root = resolved(&source, &oracle_options());
    assert_eq!(
        stringify(&nulls_last(pattern(&root, 0, 0))),
        expected.trim_end()
    );
}

/// The library starts no thread for resolution: it recurses on the caller's stack, within
/// `MAX_RESOLUTION_DEPTH` levels. Chains of each shape of reference, as deep as resolves and
/// deeper, end in a value or a `VARIABLE_CYCLE` error on a thread with a Rust test thread's
/// 2 MiB stack (in a debug build, whose frames are the largest).
#[test]
fn the_deepest_resolutions_fit_a_small_stack() {
    let chain = |shape: &str, length: usize| {
        let mut lines = Vec::new();
        for index in 0..length {
            let next = index + 1;
            lines.push(match shape {
                "reference" => format!("v{index}: ${{self:custom.v{next}}}"),
                "concatenation" => format!("v{index}: a-${{self:custom.v{next}}}"),
                "mapping" => format!("v{index}:\n    x: ${{self:custom.v{next}}}"),
                "address" => format!(
                    "v{index}: ${{self:custom.${{self:custom.k{index}}}}}\n  k{index}: v{next}"
                ),
                _ => format!("v{index}: ${{opt:nope, self:custom.v{next}}}"),
            });
        }
        lines.push(format!("v{length}: end"));
        service(&lines.iter().map(String::as_str).collect::<Vec<_>>())
    };
    for shape in [
        "reference",
        "concatenation",
        "mapping",
        "address",
        "fallback",
    ] {
        for length in [MAX_RESOLUTION_DEPTH / 2 - 1, MAX_RESOLUTION_DEPTH, 1000] {
            let source = chain(shape, length);
            let codes = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let mut root = yaml(&source);
                    resolve_variables_with_source(&mut root, &oracle_options(), &source)
                        .iter()
                        .map(|diagnostic| diagnostic.code)
                        .collect::<Vec<_>>()
                })
                .expect("a thread")
                .join()
                .expect("no overflow");
            if length < MAX_RESOLUTION_DEPTH / 2 {
                assert!(codes.is_empty(), "{shape} {length}: {codes:?}");
            } else {
                assert!(
                    !codes.is_empty() && codes.iter().all(|code| *code == Code::VariableCycle),
                    "{shape} {length}: {codes:?}"
                );
            }
        }
    }
}
