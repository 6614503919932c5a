//! msk-compile as a WebAssembly module: [`handle`] takes one JSON request and gives one JSON
//! reply `{"status", "stdout", "stderr"}` holding exactly what the command line would exit
//! with and write for the same inputs (`compile` with `--template`, `--resolved`, `--profile`,
//! `--message-format`, …; `schema`). No file is read or written and no thread started: the
//! host passes every text. The exported functions the host calls are in `abi` (the only
//! `unsafe` code of the workspace).

use std::collections::BTreeMap;

use msk_compile::diff::{self, Side, TemplateText};
use msk_compile::render::{MessageFormat, SourceFile, write_report};
use msk_compile::{
    Format, Host, Options, Profile, ResolvedConfig, VariableOptions, compile_source, json, schema,
    template,
};
use serde::{Deserialize, Serialize};

#[cfg(target_family = "wasm")]
mod abi;

/// One run of the compiler, as the command line would be invoked.
#[derive(Debug, Deserialize)]
#[serde(tag = "command", rename_all = "lowercase", deny_unknown_fields)]
pub enum Request {
    /// `msk-compile compile`.
    Compile(Box<CompileRequest>),
    /// `msk-compile diff OLD NEW --message-format json`: the two templates' texts and names.
    #[serde(rename_all = "camelCase")]
    Diff {
        old: String,
        #[serde(default = "old_name")]
        old_name: String,
        new: String,
        #[serde(default = "new_name")]
        new_name: String,
    },
    /// `msk-compile schema [--serverless] [--profile P]`.
    Schema {
        #[serde(default)]
        serverless: bool,
        #[serde(default)]
        profile: Option<String>,
    },
}

/// `msk-compile compile CONFIG [--resolved -] [--template FILE] …` with the files' texts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompileRequest {
    /// The config's text and the name diagnostics show for it (its path).
    pub config: String,
    pub config_name: String,
    /// `--resolved`: the framework's resolved config (JSON) and its name (`<stdin>`).
    #[serde(default)]
    pub resolved: Option<String>,
    #[serde(default = "stdin_name")]
    pub resolved_name: String,
    /// `--template`: the template's text and its name.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub template_name: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    /// `--host serverless-v3|osls`: the framework the template is for.
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// `--param name=value`.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The environment `${env:…}` reads.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `human` (without color), `json` (the default) or `github`.
    #[serde(default)]
    pub message_format: Option<String>,
    #[serde(default)]
    pub deny_warnings: bool,
    /// `--format json|yaml` of the standalone output.
    #[serde(default)]
    pub format: Option<String>,
}

fn old_name() -> String {
    "deployed.json".to_owned()
}

fn new_name() -> String {
    "next.json".to_owned()
}

fn stdin_name() -> String {
    "<stdin>".to_owned()
}

/// What the command line would exit with and write.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Reply {
    pub status: u8,
    pub stdout: String,
    pub stderr: String,
}

impl Reply {
    /// A usage error, written as the command line writes it (exit status 2).
    fn usage(message: impl std::fmt::Display) -> Self {
        Reply {
            status: 2,
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
        }
    }
}

/// Handles one JSON request; the reply as JSON text.
pub fn handle(request: &str) -> String {
    let reply = match serde_json::from_str::<Request>(request) {
        Ok(Request::Compile(request)) => compile(&request),
        Ok(Request::Diff {
            old,
            old_name,
            new,
            new_name,
        }) => compare(
            TemplateText {
                name: &old_name,
                text: &old,
            },
            TemplateText {
                name: &new_name,
                text: &new,
            },
        ),
        Ok(Request::Schema {
            serverless,
            profile,
        }) => match profile_of(profile.as_deref()) {
            Ok(profile) => export_schema(serverless, profile.unwrap_or(Profile::ServerlessV3)),
            Err(reply) => reply,
        },
        Err(error) => Reply::usage(format!("the request is not one msk-compile knows: {error}")),
    };
    serde_json::to_string(&reply).unwrap_or_else(|error| {
        format!(r#"{{"status":2,"stdout":"","stderr":"error: cannot write the reply: {error}\n"}}"#)
    })
}

fn profile_of(name: Option<&str>) -> Result<Option<Profile>, Reply> {
    match name {
        None => Ok(None),
        Some(name) => Profile::from_name(name).map(Some).ok_or_else(|| {
            Reply::usage(format!(
                "invalid value '{name}' for '--profile': serverless-v3, osls or extended"
            ))
        }),
    }
}

/// What `diff OLD NEW --message-format json` exits with and writes.
fn compare(old: TemplateText<'_>, new: TemplateText<'_>) -> Reply {
    let mut stderr = Vec::new();
    let status = match diff::compare(old, new) {
        Ok(comparison) => {
            let file = SourceFile::new(new.name, new.text);
            let _ = write_report(
                &mut stderr,
                &comparison.diagnostics,
                &file,
                &comparison.files,
                MessageFormat::Json,
            );
            u8::from(comparison.diagnostics.iter().any(|d| d.is_error()))
        }
        Err(invalid) => {
            let template = match invalid.side {
                Side::Old => old,
                Side::New => new,
            };
            let file = SourceFile::new(template.name, template.text);
            let _ = write_report(
                &mut stderr,
                &[*invalid.diagnostic],
                &file,
                &[],
                MessageFormat::Json,
            );
            2
        }
    };
    Reply {
        status,
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn export_schema(serverless: bool, profile: Profile) -> Reply {
    let schema = if serverless {
        schema::serverless_schema(profile)
    } else {
        schema::msk_event_schema(profile)
    };
    Reply {
        status: 0,
        stdout: json::stringify_pretty(&schema) + "\n",
        stderr: String::new(),
    }
}

fn compile(request: &CompileRequest) -> Reply {
    let profile = match profile_of(request.profile.as_deref()) {
        Ok(profile) => profile,
        Err(reply) => return reply,
    };
    let host = match request.host.as_deref() {
        None => None,
        Some(name) => match Host::from_name(name) {
            Some(host) => Some(host),
            None => {
                return Reply::usage(format!(
                    "invalid value '{name}' for '--host': serverless-v3 or osls"
                ));
            }
        },
    };
    if let (Some(Profile::Osls), Some(Host::ServerlessV3))
    | (Some(Profile::ServerlessV3), Some(Host::Osls)) = (profile, host)
    {
        return Reply::usage(
            "--profile serverless-v3 and --profile osls are each their own framework's behaviour: use --host with --profile extended only",
        );
    }
    let message_format = match request.message_format.as_deref().unwrap_or("json") {
        "json" => MessageFormat::Json,
        "human" => MessageFormat::Human { color: false },
        "github" => MessageFormat::Github,
        other => {
            return Reply::usage(format!(
                "invalid value '{other}' for '--message-format': human, json or github"
            ));
        }
    };
    let format = if request.config_name.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let options = Options {
        variables: VariableOptions {
            stage: request.stage.clone(),
            region: request.region.clone(),
            options: BTreeMap::new(),
            env: request.env.clone(),
            service_dir: None,
            params: request.params.clone(),
            values: Default::default(),
            // Set by `compile_source` from the profile and host, as for the command line.
            dialect: Default::default(),
        },
        resolved: request.resolved.as_ref().map(|text| ResolvedConfig {
            name: request.resolved_name.clone(),
            text: text.clone(),
        }),
        profile,
        host,
    };
    let report = compile_source(&request.config, format, &options);
    let mut reply = Reply::default();
    let mut stderr = Vec::new();
    let config = SourceFile::new(&request.config_name, &request.config);
    // Writing into memory cannot fail.
    let _ = write_report(
        &mut stderr,
        &report.diagnostics,
        &config,
        &report.files,
        message_format,
    );
    let failed = report
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() || request.deny_warnings);
    reply.stderr = String::from_utf8_lossy(&stderr).into_owned();
    let Some(compiled) = report.compiled.filter(|_| !failed) else {
        reply.status = 1;
        return reply;
    };
    match &request.template {
        Some(template_text) => match template::merge(template_text, &compiled) {
            Ok(merged) => reply.stdout = merged,
            Err(diagnostic) => {
                let name = request.template_name.as_deref().unwrap_or("template.json");
                let file = SourceFile::new(name, template_text);
                let mut stderr = std::mem::take(&mut reply.stderr).into_bytes();
                let _ = write_report(&mut stderr, &[diagnostic], &file, &[], message_format);
                reply.stderr = String::from_utf8_lossy(&stderr).into_owned();
                reply.status = 2;
            }
        },
        None => match request.format.as_deref() {
            None | Some("json") => reply.stdout = compiled.to_pretty_json() + "\n",
            Some("yaml") => match serde_saphyr::to_string(&compiled.to_json()) {
                Ok(text) if text.ends_with('\n') => reply.stdout = text,
                Ok(text) => reply.stdout = text + "\n",
                Err(error) => return Reply::usage(format!("cannot write YAML: {error}")),
            },
            Some(other) => {
                return Reply::usage(format!(
                    "invalid value '{other}' for '--format': json or yaml"
                ));
            }
        },
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "service: s\nprovider: {name: aws}\nfunctions:\n  consumer:\n    handler: h.main\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n          topic: orders\n";

    fn reply(request: serde_json::Value) -> serde_json::Value {
        serde_json::from_str(&handle(&request.to_string())).expect("the reply is JSON")
    }

    #[test]
    fn compiles_a_config() {
        let reply = reply(serde_json::json!({
            "command": "compile", "config": CONFIG, "configName": "serverless.yml"
        }));
        assert_eq!(reply["status"], 0, "{reply}");
        let output: serde_json::Value =
            serde_json::from_str(reply["stdout"].as_str().expect("text")).expect("JSON");
        assert!(output["Resources"]["ConsumerEventSourceMappingMSKOrdersOrders"].is_object());
    }

    #[test]
    fn errors_are_json_lines_and_status_1() {
        let reply = reply(serde_json::json!({
            "command": "compile", "config": CONFIG.replace("          topic: orders\n", ""),
            "configName": "serverless.yml"
        }));
        assert_eq!(reply["status"], 1, "{reply}");
        let lines: Vec<serde_json::Value> = reply["stderr"]
            .as_str()
            .expect("text")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON diagnostic"))
            .collect();
        assert!(lines.iter().all(|line| line["file"] == "serverless.yml"));
        assert!(
            lines.iter().any(|line| line["severity"] == "error"),
            "{lines:?}"
        );
    }

    #[test]
    fn a_bad_request_is_a_usage_error() {
        for request in [
            serde_json::json!({"command": "explode"}),
            serde_json::json!({"command": "compile", "config": CONFIG, "configName": "s.yml", "profile": "v4"}),
            serde_json::json!({"command": "compile", "config": CONFIG, "configName": "s.yml", "messageFormat": "xml"}),
        ] {
            let reply = reply(request);
            assert_eq!(reply["status"], 2, "{reply}");
            assert!(
                reply["stderr"]
                    .as_str()
                    .expect("text")
                    .starts_with("error: ")
            );
        }
        let reply = handle("not json");
        assert!(reply.contains(r#""status":2"#), "{reply}");
    }

    #[test]
    fn exports_the_schema() {
        let reply = reply(serde_json::json!({"command": "schema", "profile": "extended"}));
        assert_eq!(reply["status"], 0);
        let schema: serde_json::Value =
            serde_json::from_str(reply["stdout"].as_str().expect("text")).expect("JSON");
        assert!(schema["properties"]["topic"].is_object(), "{schema}");
    }
}
