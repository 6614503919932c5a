//! Benchmarks of the compiler's stages against the floor: the least any tool must do to read
//! the service and write the result (the sizes and targets of the README's Performance section).
//!
//! ```text
//! cargo bench -p msk-compile --bench compile            # everything, a few minutes
//! cargo bench -p msk-compile --bench compile -- 1000x10 # one size
//! ```
//!
//! For each synthetic service (`synth::service`, seed 1: 200×5, 1000×10 and
//! 5000×10 functions × msk events) one criterion group measures, in the same run:
//!
//! * `load`: YAML text → spanned tree (`load::parse`);
//! * `resolve`: `${…}` variables on a loaded tree (`load::resolve_variables`; the tree is
//!   cloned outside the timing);
//! * `validate`: `check::check_events` on a loaded and resolved tree (cloned likewise; it
//!   coerces in place);
//! * `compile`: `compile::compile` on a copy of the validated tree (the copy is not timed;
//!   `compile` frees the tree as it goes, as in `compile_source`);
//! * `serialize`: `compiled.write_pretty_json(io::sink())`, the CLI's output: the text of
//!   `json::stringify_pretty(&compiled.to_json())`, written in 64 KiB pieces as the CLI
//!   streams it to stdout (here to a sink, so no I/O is timed);
//! * `end_to_end`: `compile_source` + serialize, what the CLI does between reading the file
//!   and writing stdout;
//! * `floor`: `serde_saphyr::from_str_with_options::<serde_json::Value>` (no budget) of the
//!   same text plus `serde_json::to_writer_pretty` of the finished output value, and its two
//!   halves `floor_parse` / `floor_serialize`.
//!
//! The bench runs with the CLI's global allocator (mimalloc), the floor included, so that
//! the figures are the CLI's.
//!
//! Why that floor: it reads the same YAML with the same event parser the loader is built on
//! (granit-parser, under serde-saphyr) into the plainest tree (no spans, no tags, no key
//! order bookkeeping beyond serde_json's map), and writes exactly the bytes we write, with
//! serde_json's stock pretty printer. Any tool has to do at least that; everything above it
//! is what positions, Serverless' semantics and validation cost.
//!
//! After the groups, a table of the medians and `end_to_end / floor` is printed, read back
//! from criterion's own results (`<target>/criterion/<group>/<bench>/new/estimates.json`).
//! Sample counts and times are small on purpose (10 flat samples; criterion warns that it
//! needs longer for the big sizes and takes the time it needs): the whole run takes a few
//! minutes on two shared cores, and the ratios the targets are about are stable to a few
//! percent.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};

use msk_compile::json::stringify_pretty;
mod synth;

use msk_compile::{Dialect, Format, Options, ValidationMode, compile_source, stages};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The sizes the performance targets are set for: functions × msk events per function.
const SIZES: [(usize, usize); 3] = [(200, 5), (1000, 10), (5000, 10)];
const SEED: u64 = 1;
const STAGES: [&str; 9] = [
    "load",
    "resolve",
    "validate",
    "compile",
    "serialize",
    "end_to_end",
    "floor_parse",
    "floor_serialize",
    "floor",
];

fn bench_size(c: &mut Criterion, functions: usize, events: usize) {
    let source = synth::service(functions, events, SEED);
    let options = Options::default();

    // Every stage's input, prepared once; each must succeed for the figures to mean anything.
    let loaded = stages::parse(&source, Format::Yaml).expect("the synthetic service loads");
    let mut resolved = loaded.clone();
    let diagnostics = stages::resolve_variables(&mut resolved, &options.variables);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mode = ValidationMode::of(&resolved, &Dialect::default());
    let mut validated = resolved.clone();
    let diagnostics = stages::check_events(&mut validated, mode, &Dialect::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut diagnostics = Vec::new();
    let compiled = stages::compile(validated.clone(), &Dialect::default(), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(compiled.resources.len(), functions * events);
    let output_value = compiled.to_json();
    let output = stringify_pretty(&output_value);
    assert_eq!(
        compiled.to_pretty_json(),
        output,
        "the CLI's text is JSON.stringify's"
    );

    let mut group = c.benchmark_group(format!("{functions}x{events}"));
    group.throughput(Throughput::Bytes(source.len() as u64));
    // Big inputs take long per iteration: fewer, longer samples keep the run short.
    let big = functions * events >= 10_000;
    group.sample_size(10);
    // Every iteration takes milliseconds or more: flat sampling (the same number of
    // iterations per sample) instead of criterion's linear ramp, which runs 5.5× as many.
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(if big { 500 } else { 1000 }));
    group.measurement_time(Duration::from_secs(if big { 4 } else { 2 }));

    group.bench_function("load", |b| {
        b.iter(|| stages::parse(black_box(&source), Format::Yaml))
    });
    group.bench_function("resolve", |b| {
        b.iter_batched(
            || loaded.clone(),
            |mut tree| {
                let diagnostics = stages::resolve_variables(&mut tree, &options.variables);
                // Returned, so dropping the tree is not timed (it is in `end_to_end`).
                (tree, diagnostics)
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("validate", |b| {
        b.iter_batched(
            || resolved.clone(),
            |mut tree| {
                let diagnostics = stages::check_events(&mut tree, mode, &Dialect::default());
                (tree, diagnostics)
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("compile", |b| {
        b.iter_batched(
            || validated.clone(),
            |tree| {
                let mut diagnostics = Vec::new();
                stages::compile(tree, &Dialect::default(), &mut diagnostics)
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("serialize", |b| {
        b.iter(|| black_box(&compiled).write_pretty_json(std::io::sink()))
    });
    group.bench_function("end_to_end", |b| {
        b.iter(|| {
            let report = compile_source(black_box(&source), Format::Yaml, &options);
            report
                .compiled
                .map(|compiled| compiled.write_pretty_json(std::io::sink()))
        })
    });

    // The floor. The output value is the finished one: building it is the compiler's job.
    // serde-saphyr's default budget refuses a file with many more aliases than anchors (a
    // defence against alias bombs); our loader bounds aliases by expansion instead. The
    // floor does no such bookkeeping.
    let floor_parse = |text: &str| {
        let mut options = serde_saphyr::Options::default();
        options.budget = None;
        serde_saphyr::from_str_with_options::<serde_json::Value>(text, options)
    };
    // Written to a sink as ours is: both produce every byte of the output and hand it on.
    let floor_serialize =
        |value: &serde_json::Value| serde_json::to_writer_pretty(std::io::sink(), value);
    let plain = floor_parse(&source).expect("serde-saphyr reads the synthetic service");
    assert!(plain.get("functions").is_some_and(|f| f.is_object()));
    let mut written = Vec::new();
    serde_json::to_writer_pretty(&mut written, &output_value)
        .expect("serde_json writes the output");
    assert_eq!(
        written,
        output.as_bytes(),
        "the floor writes the same bytes"
    );
    group.bench_function("floor_parse", |b| {
        b.iter(|| floor_parse(black_box(&source)))
    });
    group.bench_function("floor_serialize", |b| {
        b.iter(|| floor_serialize(black_box(&output_value)))
    });
    group.bench_function("floor", |b| {
        b.iter(|| {
            let tree = floor_parse(black_box(&source));
            (tree, floor_serialize(black_box(&output_value)))
        })
    });
    group.finish();
}

/// Where criterion writes its results: the rules of criterion's `default_output_directory`
/// (`CRITERION_HOME`, else `CARGO_TARGET_DIR/criterion`), else the workspace's `target`.
fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("criterion")
}

/// The median of one benchmark of this run, in nanoseconds, from criterion's estimates.
fn median_ns(group: &str, bench: &str) -> Option<f64> {
    let path = output_directory()
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates.pointer("/median/point_estimate")?.as_f64()
}

fn print_summary() {
    println!("\nmedians (ms) and ratios; `e2e/floor` is the issue-5 target (≤ 3)");
    print!("{:<9}", "size");
    for stage in STAGES {
        print!(" {stage:>15}");
    }
    println!(" {:>10}", "e2e/floor");
    let mut e2e = Vec::new();
    for (functions, events) in SIZES {
        let group = format!("{functions}x{events}");
        let figures: Vec<Option<f64>> = STAGES
            .iter()
            .map(|stage| median_ns(&group, stage))
            .collect();
        if figures.iter().all(Option::is_none) {
            continue;
        }
        print!("{group:<9}");
        for figure in &figures {
            match figure {
                Some(ns) => print!(" {:>15.2}", ns / 1e6),
                None => print!(" {:>15}", "-"),
            }
        }
        let end_to_end = figures.get(5).copied().flatten();
        let floor = figures.get(8).copied().flatten();
        match (end_to_end, floor) {
            (Some(e), Some(f)) => println!(" {:>10.2}", e / f),
            _ => println!(" {:>10}", "-"),
        }
        e2e.push((group, end_to_end));
    }
    if let [.., (_, Some(mid)), (_, Some(big))] = e2e.as_slice() {
        println!(
            "1000x10 → 5000x10 end-to-end: {:.2}× (target ≤ 5.5)",
            big / mid
        );
    }
}

fn main() {
    let mut criterion = Criterion::default()
        .output_directory(&output_directory())
        .configure_from_args();
    for (functions, events) in SIZES {
        bench_size(&mut criterion, functions, events);
    }
    criterion.final_summary();
    print_summary();
}
