//! Writes a synthetic service (`synth::service`, from `benches/synth`) to stdout, for benchmarks and
//! manual testing:
//!
//! ```text
//! cargo run --release -p msk-compile --example synth -- FUNCTIONS EVENTS [SEED] > serverless.yml
//! ```
//!
//! SEED defaults to 1. Exit status 2 on bad arguments or a write error.

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers: Option<Vec<u64>> = args.iter().map(|arg| arg.parse().ok()).collect();
    let (functions, events, seed) = match numbers.as_deref() {
        Some([functions, events]) => (*functions, *events, 1),
        Some([functions, events, seed]) => (*functions, *events, *seed),
        _ => {
            eprintln!("usage: synth FUNCTIONS EVENTS [SEED]");
            return ExitCode::from(2);
        }
    };
    let (Ok(functions), Ok(events)) = (usize::try_from(functions), usize::try_from(events)) else {
        eprintln!("synth: sizes too large for this platform");
        return ExitCode::from(2);
    };
    let text = synth::service(functions, events, seed);
    if let Err(error) = std::io::stdout().lock().write_all(text.as_bytes()) {
        eprintln!("synth: {error}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
