//! The `msk-compile` command line: `compile`, `check`, `diff`, `explain` and `schema`.
//!
//! Exit status: 0 success (warnings allowed), 1 configuration errors, 2 usage or I/O errors.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use msk_compile::diff::{self, Side, TemplateText};
use msk_compile::render::{MessageFormat, SourceFile, write_report};
use msk_compile::{
    Code, Diagnostic, Format, Host, Options, Profile, Report, ResolvedConfig, SourceText, Values,
    VariableOptions, compile_source, json, schema, template,
};
// Reading inputs and parsing `--param`/`--values`, as the library's loader does.
use msk_compile::stages as load;

/// mimalloc instead of the system allocator: a run makes about a million small
/// allocations (the config tree, variables, resources) and frees most of them, and glibc's
/// `free` was a fifth of all instructions. On 1000 functions × 10 events the process time
/// fell by about a quarter, system time by half (glibc kept giving memory back to the
/// kernel and faulting it in again), at 20–25 MB more peak memory for the biggest service.
/// The library leaves the choice of allocator to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "msk-compile",
    version,
    about = "Compile the msk events of a serverless.yml into CloudFormation, as Serverless Framework 3.40.0 does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile the msk events into EventSourceMapping resources and IAM statements.
    Compile(CompileArgs),
    /// Validate only: report every problem, exit 1 if any is an error.
    Check(CheckArgs),
    /// Compare two CloudFormation templates (deployed, then new): the msk mappings a deploy
    /// replaces, moves or removes, and what that does to their consumer groups' offsets.
    Diff(DiffArgs),
    /// Explain a diagnostic code: what it means, an example, how to fix it.
    Explain {
        /// The code, e.g. MSK_ARN_WITHOUT_CLUSTER_NAME.
        code: String,
    },
    /// Print the JSON Schema (draft-07) of the msk event, or of a whole serverless.yml.
    Schema {
        /// A schema for a whole serverless.yml (checks functions.*.events[].msk only).
        #[arg(long)]
        serverless: bool,
        /// The profile whose keys the schema holds.
        #[arg(long, value_enum, default_value_t = ProfileArg::ServerlessV3)]
        profile: ProfileArg,
        /// Write the schema to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct CommonArgs {
    /// Stage (`--stage` of Serverless); `${sls:stage}` falls back to provider.stage, then `dev`.
    #[arg(long)]
    stage: Option<String>,
    /// Region (`--region` of Serverless); defaults to us-east-1.
    #[arg(long)]
    region: Option<String>,
    #[command(flatten)]
    report: ReportArgs,
    /// A stage parameter, `name=value` (repeatable): `${param:name}` takes it before
    /// `params.<stage>` and `params.default` of the config, as in Serverless.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// A YAML file of values for variables msk-compile cannot resolve offline, by the
    /// variable's text: `ssm:/prod/msk/arn: arn:aws:kafka:…`, `aws:accountId: "123456789012"`.
    #[arg(long, value_name = "FILE")]
    values: Option<PathBuf>,
    /// serverless-v3: exactly Serverless Framework 3.40.0 (the default); osls: exactly osls
    /// 4.3.1; extended: every MSK property of CloudFormation and least-privilege IAM, on the
    /// host's behaviour. Wins over `custom.mskEvents.profile` in the config.
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// The framework the template is for, whose behaviour `extended` builds on:
    /// serverless-v3 (the default) or osls (implied by `--profile osls`). Wins over
    /// `custom.mskEvents.host` in the config.
    #[arg(long, value_enum)]
    host: Option<HostArg>,
}

/// How diagnostics are reported, for every command that reports them.
#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// How diagnostics are written to stderr.
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    message_format: MessageFormatArg,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    ServerlessV3,
    Osls,
    Extended,
}

impl From<ProfileArg> for Profile {
    fn from(profile: ProfileArg) -> Self {
        match profile {
            ProfileArg::ServerlessV3 => Profile::ServerlessV3,
            ProfileArg::Osls => Profile::Osls,
            ProfileArg::Extended => Profile::Extended,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum HostArg {
    ServerlessV3,
    Osls,
}

impl From<HostArg> for Host {
    fn from(host: HostArg) -> Self {
        match host {
            HostArg::ServerlessV3 => Host::ServerlessV3,
            HostArg::Osls => Host::Osls,
        }
    }
}

#[derive(Debug, clap::Args)]
struct CompileArgs {
    /// serverless.yml, serverless.yaml or serverless.json (or a directory holding one);
    /// `-` reads the config (YAML) from stdin; defaults to the one in the current directory.
    config: Option<PathBuf>,
    /// Merge into this CloudFormation template (e.g. cloudformation-template-update-stack.json)
    /// and write the whole template.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// With --template: rewrite the template file itself (atomically, keeping its mode; runs
    /// on one template take turns). Not with --output.
    #[arg(long, requires = "template", conflicts_with = "output")]
    in_place: bool,
    /// With --in-place: how long to wait for another run's lock on the template before giving
    /// up (MSK_TEMPLATE_LOCKED).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        requires = "in_place"
    )]
    lock_timeout: f64,
    /// Write the result to FILE instead of stdout (atomically).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Compile the config Serverless resolved: the JSON `serverless print --format json`
    /// writes, from FILE or stdin (`-`). CONFIG is still read, to point diagnostics at its lines.
    #[arg(long, value_name = "FILE|-")]
    resolved: Option<PathBuf>,
    /// Compare what is compiled with this template (the deployed one, or main's), as
    /// `msk-compile diff OLD NEW` does; its errors stop the run (exit 1, nothing written).
    #[arg(long, value_name = "OLD")]
    against: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Configs to check; defaults to the one in the current directory.
    configs: Vec<PathBuf>,
    /// Compare what the config compiles to with this template, as `msk-compile diff OLD NEW`
    /// does (one config only).
    #[arg(long, value_name = "OLD")]
    against: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The template deployed now (JSON with a `Resources` object: what `serverless package`
    /// wrote, `aws cloudformation get-template`'s output or its `TemplateBody`, or `msk-compile
    /// compile`'s output); `-` reads it from stdin.
    old: PathBuf,
    /// The template about to be deployed; `-` reads it from stdin.
    new: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutputFormat {
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MessageFormatArg {
    Human,
    Json,
    Github,
}

/// A failure that ends the run with exit status 2.
struct UsageError(String);

impl UsageError {
    /// A failure with a code (`msk-compile explain CODE`), printed as `error[CODE]: message`.
    fn coded(code: Code, message: impl std::fmt::Display) -> Self {
        UsageError(format!("[{code}]: {message}"))
    }
}

impl From<msk_compile::write::FileError> for UsageError {
    fn from(error: msk_compile::write::FileError) -> Self {
        UsageError::coded(error.code, error.message)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compile(args) => run_compile(&args),
        Command::Check(args) => run_check(&args),
        Command::Diff(args) => run_diff(&args),
        Command::Explain { code } => run_explain(&code),
        Command::Schema {
            serverless,
            profile,
            output,
        } => run_schema(serverless, profile.into(), output.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            // Coded messages start with `[CODE]:`, which follows `error` directly.
            let separator = if message.starts_with('[') { "" } else { ": " };
            // File names and values in the message come from the input.
            let message = msk_compile::render::visible(&message);
            let _ = writeln!(std::io::stderr(), "error{separator}{message}");
            ExitCode::from(2)
        }
    }
}

fn run_compile(args: &CompileArgs) -> Result<ExitCode, UsageError> {
    let config = find_config(args.config.as_deref())?;
    let (name, text) = match read_config(&config)? {
        Ok(read) => read,
        Err(unreadable) => {
            unreadable.emit(&args.common.report);
            return Ok(ExitCode::from(2));
        }
    };
    check_memory_budget(text.len(), args.template.as_deref())?;
    let resolved = match &args.resolved {
        Some(path) if is_stdin(path) && is_stdin(&config) => {
            return Err(UsageError(
                "stdin can hold the config or the resolved config, not both".to_owned(),
            ));
        }
        Some(path) => Some(read_resolved(path)?),
        None => None,
    };
    let report = match compile_text(&text, &config, &args.common, resolved)? {
        Ok(report) => report,
        Err(failed) => return Ok(failed),
    };
    let failed = emit_diagnostics(
        &report.diagnostics,
        &report.files,
        &name,
        &text,
        &args.common.report,
    );
    let Some(compiled) = report.compiled.filter(|_| !failed) else {
        return Ok(ExitCode::from(1));
    };
    let against = match &args.against {
        Some(path) => Some(read_template_input(path, "--against")?),
        None => None,
    };
    // Held until the template is rewritten: concurrent `--in-place` runs take turns.
    let mut _template_lock = None;
    let output = match &args.template {
        Some(template_path) => {
            let lock_timeout = args.in_place.then_some(args.lock_timeout);
            let (lock, template_text) = read_template(template_path, lock_timeout)?;
            _template_lock = lock;
            match template::merge(&template_text, &compiled) {
                // Nothing changed: the file stays as it is (the same inode, times, links).
                Ok(merged) if args.in_place && merged == template_text => {
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(merged) => Output::Text(merged),
                Err(diagnostic) => {
                    emit_diagnostics(
                        &[diagnostic],
                        &[],
                        &template_path.display().to_string(),
                        &template_text,
                        &args.common.report,
                    );
                    return Ok(ExitCode::from(2));
                }
            }
        }
        None => match args.format {
            OutputFormat::Json => Output::Pretty(&compiled),
            OutputFormat::Yaml => Output::Text(
                serde_saphyr::to_string(&compiled.to_json())
                    .map_err(|error| UsageError(format!("cannot write YAML: {error}")))?,
            ),
        },
    };
    if let Some((old_name, old_text)) = &against {
        let new_text = match &output {
            Output::Text(text) if args.template.is_some() => text.clone(),
            _ => json::stringify_compact(&compiled.to_json()),
        };
        let old = TemplateText {
            name: old_name,
            text: old_text,
        };
        if let Some(failed) = compare_against(old, &new_text, &name, &args.common.report) {
            return Ok(failed);
        }
    }
    let destination = if args.in_place {
        args.template.as_deref()
    } else {
        args.output.as_deref()
    };
    // A merged template keeps the template's own ending (byte for byte what Serverless
    // wrote); the compiled output ends with a newline, in a file as on stdout.
    let newline = args.template.is_none();
    write_output(destination, |out| {
        output.write_to(out)?;
        match &output {
            Output::Text(text) if !newline || text.ends_with('\n') => Ok(()),
            _ => out.write_all(b"\n"),
        }
    })?;
    drop(output);
    // The process ends here: freeing tens of thousands of resources one by one would only
    // delay the exit (about a tenth of writing them out).
    std::mem::forget(compiled);
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, UsageError> {
    let configs = if args.configs.is_empty() {
        vec![find_config(None)?]
    } else {
        args.configs
            .iter()
            .map(|path| find_config(Some(path)))
            .collect::<Result<Vec<_>, _>>()?
    };
    let against = match &args.against {
        Some(_) if configs.len() > 1 => {
            return Err(UsageError(
                "--against compares one config with one template: name one config".to_owned(),
            ));
        }
        Some(path) => Some(read_template_input(path, "--against")?),
        None => None,
    };
    let mut failed = false;
    let mut unreadable_input = false;
    for config in configs {
        let (name, text) = match read_config(&config)? {
            Ok(read) => read,
            Err(unreadable) => {
                unreadable.emit(&args.common.report);
                unreadable_input = true;
                continue;
            }
        };
        check_memory_budget(text.len(), None)?;
        let report = match compile_text(&text, &config, &args.common, None)? {
            Ok(report) => report,
            Err(_) => {
                failed = true;
                continue;
            }
        };
        let mut config_failed = emit_diagnostics(
            &report.diagnostics,
            &report.files,
            &name,
            &text,
            &args.common.report,
        );
        if let (Some((old_name, old_text)), Some(compiled)) = (&against, &report.compiled) {
            let old = TemplateText {
                name: old_name,
                text: old_text,
            };
            let new_text = json::stringify_compact(&compiled.to_json());
            if let Some(exit) = compare_against(old, &new_text, &name, &args.common.report) {
                // A template that cannot be compared is a usage error, whatever else failed.
                if exit == ExitCode::from(2) {
                    return Ok(exit);
                }
                config_failed = true;
            }
        }
        if !config_failed {
            println!("{name}: {}", check_summary(&report));
        }
        failed |= config_failed;
    }
    Ok(if unreadable_input {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a successful `check` looked at: `3 functions, 5 msk events: no problems` (or the
/// number of warnings), so that silence is never the only answer.
fn check_summary(report: &Report) -> String {
    let plural = |count: usize, one: &str| {
        if count == 1 {
            format!("1 {one}")
        } else {
            format!("{count} {one}s")
        }
    };
    let warnings = report.diagnostics.len();
    let verdict = if warnings == 0 {
        "no problems".to_owned()
    } else {
        plural(warnings, "warning")
    };
    format!(
        "{}, {}: {verdict}",
        plural(report.summary.functions, "function"),
        plural(report.summary.msk_events, "msk event")
    )
}

fn run_diff(args: &DiffArgs) -> Result<ExitCode, UsageError> {
    if is_stdin(&args.old) && is_stdin(&args.new) {
        return Err(UsageError("stdin can hold OLD or NEW, not both".to_owned()));
    }
    let (old_name, old_text) = read_template_input(&args.old, "OLD")?;
    let (new_name, new_text) = read_template_input(&args.new, "NEW")?;
    let old = TemplateText {
        name: &old_name,
        text: &old_text,
    };
    let new = TemplateText {
        name: &new_name,
        text: &new_text,
    };
    Ok(match diff::compare(old, new) {
        Ok(comparison) => {
            let failed = emit_diagnostics(
                &comparison.diagnostics,
                &comparison.files,
                &new_name,
                &new_text,
                &args.report,
            );
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(invalid) => {
            let template = match invalid.side {
                Side::Old => old,
                Side::New => new,
            };
            emit_diagnostics(
                &[*invalid.diagnostic],
                &[],
                template.name,
                template.text,
                &args.report,
            );
            ExitCode::from(2)
        }
    })
}

/// `--against`: compares the compiled template (`new_text`, which exists only in memory: its
/// findings are shown without positions, under the config's `name`) with OLD. `Some(exit)`
/// when the run must stop: 1 for findings that fail it, 2 for an OLD that is no template.
fn compare_against(
    old: TemplateText<'_>,
    new_text: &str,
    name: &str,
    report: &ReportArgs,
) -> Option<ExitCode> {
    let new = TemplateText {
        name,
        text: new_text,
    };
    match diff::compare(old, new) {
        Ok(comparison) => {
            let findings = comparison.without_positions();
            emit_diagnostics(&findings, &[], name, "", report).then(|| ExitCode::from(1))
        }
        Err(invalid) => {
            let text = match invalid.side {
                Side::Old => old.text,
                Side::New => new_text,
            };
            let name = match invalid.side {
                Side::Old => old.name,
                Side::New => name,
            };
            emit_diagnostics(&[*invalid.diagnostic], &[], name, text, report);
            Some(ExitCode::from(2))
        }
    }
}

fn run_explain(text: &str) -> Result<ExitCode, UsageError> {
    let code = Code::parse(text).ok_or_else(|| UsageError(unknown_code(text)))?;
    let page = code.page();
    let indented = page
        .example
        .lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    println!(
        "{code}\n\n{}\n\nExample:\n\n{indented}\n\nHow to fix it:\n\n{}",
        page.summary, page.fix
    );
    Ok(ExitCode::SUCCESS)
}

/// The message for a code `explain` does not know: the closest code, not all of them.
fn unknown_code(text: &str) -> String {
    let wanted = text.trim().to_uppercase();
    let closest = Code::ALL
        .iter()
        .map(|code| (strsim::jaro_winkler(&wanted, code.as_str()), code))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, code)) => format!("unknown code `{text}`; did you mean `{code}`?"),
        None => format!(
            "unknown code `{text}`: no code is close to it (codes are the words in brackets of msk-compile's diagnostics)"
        ),
    }
}

fn run_schema(
    serverless: bool,
    profile: Profile,
    output: Option<&Path>,
) -> Result<ExitCode, UsageError> {
    let schema = if serverless {
        schema::serverless_schema(profile)
    } else {
        schema::msk_event_schema(profile)
    };
    let text = json::stringify_pretty(&schema) + "\n";
    match output {
        Some(path) => write_output(Some(path), |file| file.write_all(text.as_bytes()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Compiles a config's text; `Err` when the `--values` file itself has errors (reported).
fn compile_text(
    text: &str,
    config: &Path,
    common: &CommonArgs,
    resolved: Option<ResolvedConfig>,
) -> Result<Result<Report, ExitCode>, UsageError> {
    let format = if config
        .extension()
        .is_some_and(|extension| extension == "json")
    {
        Format::Json
    } else {
        Format::Yaml
    };
    let mut params = BTreeMap::new();
    for item in &common.params {
        let (name, value) = load::parse_param(item).map_err(UsageError)?;
        params.insert(name, value);
    }
    let values = match &common.values {
        Some(path) => match read_values(path, common)? {
            Ok(values) => values,
            Err(failed) => return Ok(Err(failed)),
        },
        None => Values::default(),
    };
    if let (Some(ProfileArg::Osls), Some(HostArg::ServerlessV3))
    | (Some(ProfileArg::ServerlessV3), Some(HostArg::Osls)) = (common.profile, common.host)
    {
        return Err(UsageError(
            "--profile serverless-v3 and --profile osls are each their own framework's behaviour: use --host with --profile extended only".to_owned(),
        ));
    }
    let service_dir = config.parent().map(|parent| {
        if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        }
    });
    let variables = VariableOptions {
        stage: common.stage.clone(),
        region: common.region.clone(),
        options: BTreeMap::new(),
        env: std::env::vars().collect(),
        service_dir,
        params,
        values,
        dialect: msk_compile::Dialect::default(),
    };
    Ok(Ok(compile_source(
        text,
        format,
        &Options {
            variables,
            resolved,
            profile: common.profile.map(Profile::from),
            host: common.host.map(Host::from),
        },
    )))
}

/// Reads a `--values` file (a YAML mapping); its errors are reported against it.
fn read_values(path: &Path, common: &CommonArgs) -> Result<Result<Values, ExitCode>, UsageError> {
    let name = path.display().to_string();
    let bytes = load::read::read_bounded(path, msk_compile::MAX_CONFIG_BYTES as u64)
        .map_err(|error| input_read_failure(&name, &error))?;
    let text = input_text(&name, bytes, Code::ConfigNotUtf8)?;
    match load::parse(&text, Format::Yaml) {
        Ok(root) => Ok(Ok(Values::from_tree(root))),
        Err(diagnostics) => {
            emit_diagnostics(&diagnostics, &[], &name, &text, &common.report);
            Ok(Err(ExitCode::from(1)))
        }
    }
}

/// Reads the `--resolved` config from a file or, for `-`, stdin (at most the config limit).
fn read_resolved(path: &Path) -> Result<ResolvedConfig, UsageError> {
    let (name, read) = read_input(path, msk_compile::MAX_CONFIG_BYTES as u64);
    let bytes = read.map_err(|error| {
        let what = if is_stdin(path) {
            "the resolved config on stdin"
        } else {
            &name
        };
        input_read_failure(what, &error)
    })?;
    let text = input_text(&name, bytes, Code::ConfigNotUtf8)?;
    Ok(ResolvedConfig { name, text })
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name diagnostics give an input (`<stdin>` for `-`) and its bytes, at most `limit`.
fn read_input(path: &Path, limit: u64) -> (String, Result<Vec<u8>, load::read::ReadError>) {
    if is_stdin(path) {
        ("<stdin>".to_owned(), load::read::read_stdin_bounded(limit))
    } else {
        (
            path.display().to_string(),
            load::read::read_bounded(path, limit),
        )
    }
}

/// The exit-2 error for a `--values` or `--resolved` input that could not be read: as for
/// any input, except that these share the config's size limit.
fn input_read_failure(name: &str, error: &load::read::ReadError) -> UsageError {
    match error {
        load::read::ReadError::TooLarge => UsageError::coded(
            Code::ConfigTooLarge,
            format!(
                "{name} is larger than {} bytes",
                msk_compile::MAX_CONFIG_BYTES
            ),
        ),
        other => read_failure(name, other),
    }
}

/// An input as text; `code` says which input was not UTF-8.
fn input_text(name: &str, bytes: Vec<u8>, code: Code) -> Result<String, UsageError> {
    load::read::utf8(bytes).map_err(|bad| {
        UsageError::coded(
            code,
            format!("{name} is not UTF-8 text (byte offset {})", bad.offset),
        )
    })
}

/// Writes the diagnostics to stderr (every error; the first few warnings of each code,
/// except in the json format); returns whether the run failed.
fn emit_diagnostics(
    diagnostics: &[Diagnostic],
    files: &[SourceText],
    name: &str,
    text: &str,
    report: &ReportArgs,
) -> bool {
    // Nothing to say: no line index of the whole file is needed.
    if diagnostics.is_empty() {
        return false;
    }
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let format = match report.message_format {
        MessageFormatArg::Human => MessageFormat::Human { color },
        MessageFormatArg::Json => MessageFormat::Json,
        MessageFormatArg::Github => MessageFormat::Github,
    };
    let file = SourceFile::new(name, text);
    let _ = write_report(
        &mut std::io::stderr().lock(),
        diagnostics,
        &file,
        files,
        format,
    );
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() || report.deny_warnings)
}

/// The config file: the given file, or `serverless.yml`/`.yaml`/`.json` in the given (or
/// current) directory, in the order Serverless looks for them.
/// `-` stands for stdin. A directory named like a config is found, so that reading it
/// says what is wrong with it.
fn find_config(given: Option<&Path>) -> Result<PathBuf, UsageError> {
    let directory = match given {
        Some(path) if path.is_dir() => path.to_path_buf(),
        Some(path) => return Ok(path.to_path_buf()),
        None => PathBuf::from("."),
    };
    ["serverless.yml", "serverless.yaml", "serverless.json"]
        .iter()
        .map(|name| directory.join(name))
        .find(|candidate| candidate.exists())
        .ok_or_else(|| {
            UsageError(format!(
                "no serverless.yml, serverless.yaml or serverless.json in {}",
                directory.display()
            ))
        })
}

/// A config that could not be read as text (larger than the limit, not UTF-8): reported as a
/// positioned diagnostic, with exit status 2 as every input that cannot be read (`--values`,
/// `--resolved`, `--template`); exit status 1 is for what a config that was read says.
struct Unreadable {
    name: String,
    text: String,
    diagnostic: Diagnostic,
}

impl Unreadable {
    /// Reports it (as [`emit_diagnostics`]).
    fn emit(self, report: &ReportArgs) {
        emit_diagnostics(&[self.diagnostic], &[], &self.name, &self.text, report);
    }
}

/// Reads a config (`-`: stdin) as UTF-8 text, never more than the size limit.
fn read_config(path: &Path) -> Result<Result<(String, String), Unreadable>, UsageError> {
    use load::read::ReadError;
    let (name, read) = read_input(path, msk_compile::MAX_CONFIG_BYTES as u64);
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            let size = std::fs::metadata(path)
                .ok()
                .filter(|metadata| metadata.is_file());
            return Ok(Err(Unreadable {
                name,
                text: String::new(),
                diagnostic: msk_compile::too_large(size.map(|metadata| metadata.len())),
            }));
        }
        Err(error) => return Err(read_failure(&name, &error)),
    };
    match load::read::utf8(bytes) {
        Ok(text) => Ok(Ok((name, text))),
        Err(bad) => {
            let offset = bad.offset;
            let diagnostic = Diagnostic::error(
                Code::ConfigNotUtf8,
                format!("the file is not valid UTF-8 (byte offset {offset})"),
            )
            .at(msk_compile::Span::new(offset, offset + 1))
            .with_help("save the file as UTF-8");
            Ok(Err(Unreadable {
                name,
                text: bad.lossy,
                diagnostic,
            }))
        }
    }
}

/// What `compile` writes: a text built whole (a merged template, YAML), or the compiled
/// resources as JSON, written piece by piece as they are formatted.
enum Output<'c> {
    Text(String),
    Pretty(&'c msk_compile::Compiled),
}

impl Output<'_> {
    fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Output::Text(text) => out.write_all(text.as_bytes()),
            Output::Pretty(compiled) => compiled.write_pretty_json(out),
        }
    }
}

/// Writes to `destination` (atomically, see `msk_compile::write`) or to stdout.
fn write_output(
    destination: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), UsageError> {
    match destination {
        Some(path) => {
            msk_compile::write::remove_temporary_files_on_signals();
            msk_compile::write::write_atomically(path, |file| write(file))?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            write(&mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|error| UsageError(format!("cannot write stdout: {error}")))?;
        }
    }
    Ok(())
}

/// Reads the `--template` file, bounded; for `--in-place` (given the seconds to wait for the
/// lock), under a lock held until the rewrite (the returned guard).
fn read_template(
    path: &Path,
    lock_timeout: Option<f64>,
) -> Result<(Option<msk_compile::write::TemplateLock>, String), UsageError> {
    use msk_compile::write::{LockError, LockHolder, lock_and_read};
    let name = path.display().to_string();
    let (lock, bytes) = if let Some(seconds) = lock_timeout {
        let timeout = std::time::Duration::try_from_secs_f64(seconds.max(0.0))
            .unwrap_or(std::time::Duration::MAX);
        let holder = |holder: Option<LockHolder>| match holder {
            Some(holder) => format!(", held by {holder}"),
            None => String::new(),
        };
        let waiting = |found: Option<LockHolder>| {
            let message = format!(
                "msk-compile: waiting for the lock on {name}{} (another --in-place run?); giving up after {seconds} s (--lock-timeout)",
                holder(found)
            );
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                msk_compile::render::visible(&message)
            );
        };
        let (lock, bytes) = lock_and_read(path, MAX_TEMPLATE_BYTES, timeout, waiting).map_err(
            |error| match error {
                LockError::Read(error) => read_failure(&name, &error),
                LockError::TimedOut(found) => UsageError::coded(
                    Code::TemplateLocked,
                    format!(
                        "{name} stayed locked for {seconds} s{}; nothing was written (--lock-timeout SECONDS waits longer)",
                        holder(found)
                    ),
                ),
            },
        )?;
        (Some(lock), bytes)
    } else {
        let bytes = load::read::read_bounded(path, MAX_TEMPLATE_BYTES)
            .map_err(|error| read_failure(&name, &error))?;
        (None, bytes)
    };
    let text = input_text(&name, bytes, Code::TemplateInvalid)?;
    Ok((lock, text))
}

/// A template to compare (`diff`'s OLD and NEW, `--against`), from a file or, for `-`, stdin:
/// its name and text, read as `--template` is.
fn read_template_input(path: &Path, what: &str) -> Result<(String, String), UsageError> {
    let (name, read) = read_input(path, MAX_TEMPLATE_BYTES);
    let bytes = read.map_err(|error| {
        let name = if is_stdin(path) {
            format!("{what} on stdin")
        } else {
            name.clone()
        };
        read_failure(&name, &error)
    })?;
    let text = input_text(&name, bytes, Code::TemplateInvalid)?;
    Ok((name, text))
}

/// The largest `--template` read (64 MiB): 64 times CloudFormation's own limit on a template
/// body (1 MB, from S3), and room for the template of the biggest service the benchmarks
/// compile (43 MB for 50 000 events). The merge needs at most about 10 times the template
/// (a list of a million zeros is the worst case), so a full-size one fits in 1 GB.
const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

/// Memory a run may need, per byte of config and of template, and at least: measured peaks
/// (`/usr/bin/time -v`) of the densest inputs (a flow list of a million zeros: 56 bytes per
/// config byte, 9 per template byte), with room.
const MEMORY_PER_CONFIG_BYTE: u64 = 64;
const MEMORY_PER_TEMPLATE_BYTE: u64 = 12;
const MEMORY_BASELINE: u64 = 192 * 1024 * 1024;

/// A run that would need more memory than the process may have (`ulimit -v`) ends here with
/// a coded error, before it starts, rather than aborting when an allocation fails midway.
fn check_memory_budget(config_bytes: usize, template: Option<&Path>) -> Result<(), UsageError> {
    let Some(limit) = address_space_limit() else {
        return Ok(());
    };
    let template_bytes = template
        .and_then(|path| std::fs::metadata(path).ok())
        .map_or(0, |metadata| metadata.len().min(MAX_TEMPLATE_BYTES));
    let needed = MEMORY_BASELINE
        + MEMORY_PER_CONFIG_BYTE * config_bytes as u64
        + MEMORY_PER_TEMPLATE_BYTE * template_bytes;
    if needed > limit {
        return Err(UsageError::coded(
            Code::MemoryLimit,
            format!(
                "a config of {config_bytes} bytes{} may need up to {} MiB of memory; the limit on this process (ulimit -v) is {} MiB",
                if template_bytes > 0 {
                    format!(" and a template of {template_bytes} bytes")
                } else {
                    String::new()
                },
                needed >> 20,
                limit >> 20
            ),
        ));
    }
    Ok(())
}

/// The address-space limit of this process (`ulimit -v`), from `/proc/self/limits`; `None`
/// when unlimited or unknown.
fn address_space_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The exit-2 error for an input that could not be read.
fn read_failure(name: &str, error: &load::read::ReadError) -> UsageError {
    use load::read::ReadError;
    match error {
        ReadError::IsDirectory => {
            UsageError::coded(Code::NotAFile, format!("{name} is a directory, not a file"))
        }
        ReadError::NotRegular => UsageError::coded(
            Code::NotAFile,
            format!(
                "{name} is not a regular file (a device, FIFO or socket, or a file that waits for data like /proc/kmsg); to read a config from a pipe, pass `-` as CONFIG"
            ),
        ),
        ReadError::TooLarge => UsageError::coded(
            Code::TemplateTooLarge,
            format!("{name} is larger than {MAX_TEMPLATE_BYTES} bytes"),
        ),
        ReadError::NotFound => {
            UsageError::coded(Code::Io, format!("cannot read {name}: no such file"))
        }
        ReadError::Io(error) => UsageError::coded(Code::Io, format!("cannot read {name}: {error}")),
    }
}
