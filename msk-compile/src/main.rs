//! The `msk-compile` command line: `compile`, `check`, `explain` and `schema`.
//!
//! Exit status: 0 success (warnings allowed), 1 configuration errors, 2 usage or I/O errors.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use msk_compile::render::{MessageFormat, SourceFile, render};
use msk_compile::{
    Code, Diagnostic, Format, Options, Report, VariableOptions, compile_source, json, schema,
    template,
};

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
    /// How diagnostics are written to stderr.
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    message_format: MessageFormatArg,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, clap::Args)]
struct CompileArgs {
    /// serverless.yml, serverless.yaml or serverless.json (or a directory holding one);
    /// defaults to the one in the current directory.
    config: Option<PathBuf>,
    /// Merge into this CloudFormation template (e.g. cloudformation-template-update-stack.json)
    /// and write the whole template.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// With --template: rewrite the template file itself (atomically).
    #[arg(long, requires = "template")]
    in_place: bool,
    /// Write the result to FILE instead of stdout (atomically).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Configs to check; defaults to the one in the current directory.
    configs: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compile(args) => run_compile(&args),
        Command::Check(args) => run_check(&args),
        Command::Explain { code } => run_explain(&code),
        Command::Schema { serverless, output } => run_schema(serverless, output.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_compile(args: &CompileArgs) -> Result<ExitCode, UsageError> {
    let config = find_config(args.config.as_deref())?;
    let (name, text) = match read_config(&config)? {
        Ok(read) => read,
        Err(unreadable) => {
            emit_diagnostics(
                &[unreadable.diagnostic],
                &unreadable.name,
                &unreadable.text,
                &args.common,
            );
            return Ok(ExitCode::from(1));
        }
    };
    let report = compile_text(&text, &config, &args.common);
    let failed = emit_diagnostics(&report.diagnostics, &name, &text, &args.common);
    let Some(compiled) = report.compiled.filter(|_| !failed) else {
        return Ok(ExitCode::from(1));
    };
    let output = match &args.template {
        Some(template_path) => {
            let template_text = std::fs::read_to_string(template_path).map_err(|error| {
                UsageError(format!("cannot read {}: {error}", template_path.display()))
            })?;
            match template::merge(&template_text, &compiled) {
                Ok(merged) => Output::Text(merged),
                Err(diagnostic) => {
                    emit_diagnostics(
                        &[diagnostic],
                        &template_path.display().to_string(),
                        &template_text,
                        &args.common,
                    );
                    return Ok(ExitCode::from(1));
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
    let destination = if args.in_place {
        args.template.clone()
    } else {
        args.output.clone()
    };
    match destination {
        Some(path) => write_atomically(&path, |file| output.write_to(file))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            output
                .write_to(&mut stdout)
                .and_then(|()| stdout.write_all(b"\n"))
                .and_then(|()| stdout.flush())
                .map_err(|error| UsageError(format!("cannot write stdout: {error}")))?;
        }
    }
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
            .collect::<Result<_, _>>()?
    };
    let mut failed = false;
    for config in configs {
        let (name, text) = match read_config(&config)? {
            Ok(read) => read,
            Err(unreadable) => {
                failed |= emit_diagnostics(
                    &[unreadable.diagnostic],
                    &unreadable.name,
                    &unreadable.text,
                    &args.common,
                );
                continue;
            }
        };
        let report = compile_text(&text, &config, &args.common);
        failed |= emit_diagnostics(&report.diagnostics, &name, &text, &args.common);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_explain(text: &str) -> Result<ExitCode, UsageError> {
    let code = Code::parse(text).ok_or_else(|| {
        UsageError(format!(
            "unknown code `{text}`; codes: {}",
            Code::ALL
                .iter()
                .map(|code| code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
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

fn run_schema(serverless: bool, output: Option<&Path>) -> Result<ExitCode, UsageError> {
    let schema = if serverless {
        schema::serverless_schema()
    } else {
        schema::msk_event_schema()
    };
    let text = json::stringify_pretty(&schema) + "\n";
    match output {
        Some(path) => write_atomically(path, |file| file.write_all(text.as_bytes()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn compile_text(text: &str, config: &Path, common: &CommonArgs) -> Report {
    let format = if config
        .extension()
        .is_some_and(|extension| extension == "json")
    {
        Format::Json
    } else {
        Format::Yaml
    };
    let variables = VariableOptions {
        stage: common.stage.clone(),
        region: common.region.clone(),
        options: BTreeMap::new(),
        env: std::env::vars().collect(),
    };
    compile_source(text, format, &Options { variables })
}

/// Writes every diagnostic to stderr; returns whether the run failed.
fn emit_diagnostics(
    diagnostics: &[Diagnostic],
    name: &str,
    text: &str,
    common: &CommonArgs,
) -> bool {
    // Nothing to say: no line index of the whole file is needed.
    if diagnostics.is_empty() {
        return false;
    }
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let format = match common.message_format {
        MessageFormatArg::Human => MessageFormat::Human { color },
        MessageFormatArg::Json => MessageFormat::Json,
        MessageFormatArg::Github => MessageFormat::Github,
    };
    let file = SourceFile::new(name, text);
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics {
        let separator = if matches!(format, MessageFormat::Human { .. }) {
            "\n"
        } else {
            ""
        };
        let _ = writeln!(stderr, "{}{separator}", render(diagnostic, &file, format));
    }
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() || common.deny_warnings)
}

/// The config file: the given file, or `serverless.yml`/`.yaml`/`.json` in the given (or
/// current) directory, in the order Serverless looks for them.
fn find_config(given: Option<&Path>) -> Result<PathBuf, UsageError> {
    let directory = match given {
        Some(path) if path.is_dir() => path.to_path_buf(),
        Some(path) => return Ok(path.to_path_buf()),
        None => PathBuf::from("."),
    };
    ["serverless.yml", "serverless.yaml", "serverless.json"]
        .iter()
        .map(|name| directory.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            UsageError(format!(
                "no serverless.yml, serverless.yaml or serverless.json in {}",
                directory.display()
            ))
        })
}

/// A config that could not be read as text: reported as a positioned diagnostic.
struct Unreadable {
    name: String,
    text: String,
    diagnostic: Diagnostic,
}

/// Reads a config as UTF-8 text, refusing files over the size limit before reading them.
fn read_config(path: &Path) -> Result<Result<(String, String), Unreadable>, UsageError> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|error| UsageError(format!("cannot read {name}: {error}")))?
        .len();
    if size > msk_compile::MAX_CONFIG_BYTES as u64 {
        return Ok(Err(Unreadable {
            name,
            text: String::new(),
            diagnostic: msk_compile::too_large(size),
        }));
    }
    let bytes =
        std::fs::read(path).map_err(|error| UsageError(format!("cannot read {name}: {error}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok((name, text))),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            // The lossy text is identical up to the first bad byte, so the span renders there.
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let diagnostic = Diagnostic::error(
                Code::ConfigNotUtf8,
                format!("the file is not valid UTF-8 (byte offset {offset})"),
            )
            .at(msk_compile::tree::Span::new(offset, offset + 1))
            .with_help("save the file as UTF-8");
            Ok(Err(Unreadable {
                name,
                text,
                diagnostic,
            }))
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so that
/// readers see either the old or the new content and a failure leaves the old file intact.
/// What `compile` writes: a text built whole (a merged template, YAML), or the compiled
/// resources as JSON, written piece by piece as they are formatted.
enum Output<'c> {
    Text(String),
    Pretty(&'c msk_compile::Compiled),
}

impl Output<'_> {
    fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        match self {
            Output::Text(text) => out.write_all(text.as_bytes()),
            Output::Pretty(compiled) => compiled.write_pretty_json(out),
        }
    }
}

fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), UsageError> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(
        ".{file_name}.msk-compile-{}.tmp",
        std::process::id()
    ));
    let result = std::fs::File::create(&temporary)
        .and_then(|file| {
            let mut file = std::io::BufWriter::new(file);
            write(&mut file)?;
            file.into_inner()
                .map_err(std::io::IntoInnerError::into_error)?
                .sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    result.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        UsageError(format!("cannot write {}: {error}", path.display()))
    })
}
