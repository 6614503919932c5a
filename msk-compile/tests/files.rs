//! Files are handled safely (README "Files"), checked on the binary: no write through a planted
//! symlink, bounded reads from every input, file modes and symlinks kept, read-only targets
//! refused, merges that can run any number of times, `--in-place` runs that take turns, no
//! temporary file left by a signal. Expected templates are the oracle's (`tests/cases`).
#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod binary;

use binary::{bin, case, repo, run, scratch, stderr, stripped_template, temporary_files};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

/// Compares file contents without printing megabytes of bytes on a failure.
#[track_caller]
fn assert_same(got: &[u8], want: &[u8], what: &str) {
    assert!(
        got == want,
        "{what}: {} bytes, want {} bytes; first difference at byte {}",
        got.len(),
        want.len(),
        got.iter()
            .zip(want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()))
    );
}

/// `compile CONFIG --template TEMPLATE --in-place`.
fn merge_in_place(config: &Path, template: &Path) -> Output {
    bin()
        .arg("compile")
        .arg(config)
        .arg("--template")
        .arg(template)
        .arg("--in-place")
        .output()
        .expect("runs")
}

// 1. Planted symlinks.

#[test]
fn symlinks_planted_for_every_pid_leave_the_victim_untouched() {
    let dir = scratch("files", "planted");
    let shared = dir.join("s");
    std::fs::create_dir(&shared).expect("dir");
    let victim = dir.join("victim");
    std::fs::write(&victim, "precious\n").expect("write");
    let template = shared.join("T.json");
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    let output_file = shared.join("out.json");
    // The old code's names, for the next few thousand pids (the binary gets one of them).
    let first = std::process::id();
    for pid in first..first + 3000 {
        for name in ["T.json", "out.json"] {
            std::os::unix::fs::symlink(
                &victim,
                shared.join(format!(".{name}.msk-compile-{pid}.tmp")),
            )
            .expect("symlink");
        }
    }
    let config = case("multi-function").join("serverless.yml");
    let output = merge_in_place(&config, &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(&[Path::new("compile"), &config, Path::new("-o"), &output_file]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    assert_same(&read(&victim), b"precious\n", "read(&victim)");
    assert_same(
        &read(&template),
        &read(&case("multi-function").join("expected.json")),
        "read(&template)",
    );
    assert!(output_file.symlink_metadata().expect("out").is_file());
    let symlinks = std::fs::read_dir(&shared)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_symlink()))
        .count();
    assert_eq!(symlinks, 6000, "the planted names are left alone");
}

// 2. Bounded reads.

/// Runs the binary with the given stdin and arguments; returns its output, the time it took
/// and, where `/usr/bin/time` exists, its peak RSS in KiB.
fn measured(args: &[&str], stdin: Stdio) -> (Output, Duration, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut command = Command::new(time);
        command
            .args(["-f", "peak-rss-kib %M"])
            .arg(env!("CARGO_BIN_EXE_msk-compile"));
        command
    } else {
        bin()
    };
    let started = Instant::now();
    let output = command
        .args(args)
        .stdin(stdin)
        .output()
        .expect("the binary runs");
    let elapsed = started.elapsed();
    let rss = stderr(&output)
        .lines()
        .find_map(|line| line.strip_prefix("peak-rss-kib "))
        .and_then(|kib| kib.trim().parse().ok());
    (output, elapsed, rss)
}

#[test]
fn dev_zero_is_refused_at_once_as_config_and_as_template() {
    let config = case("minimal").join("serverless.yml");
    for args in [
        vec!["compile", "/dev/zero"],
        vec![
            "compile",
            config.to_str().unwrap_or_default(),
            "--template",
            "/dev/zero",
        ],
    ] {
        let (output, elapsed, rss) = measured(&args, Stdio::null());
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output)
                .contains("error[MSK_NOT_A_REGULAR_FILE]: /dev/zero is not a regular file"),
            "{}",
            stderr(&output)
        );
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
        assert!(rss.is_none_or(|kib| kib < 64 * 1024), "{rss:?} KiB");
    }
}

#[test]
fn an_endless_pipe_is_refused_within_a_second_and_64_mb() {
    // As `-` (stdin): read up to the limit, then refused.
    let mut endless = Command::new("sh")
        .args(["-c", "exec cat /dev/zero"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("cat runs");
    let pipe = endless.stdout.take().expect("pipe");
    let (output, elapsed, rss) =
        measured(&["compile", "-", "--message-format", "json"], pipe.into());
    let _ = endless.kill();
    let _ = endless.wait();
    // An input that cannot be read: exit status 2, as for --values and --resolved.
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("\"code\":\"CONFIG_TOO_LARGE\""),
        "{}",
        stderr(&output)
    );
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert!(rss.is_none_or(|kib| kib < 64 * 1024), "{rss:?} KiB");

    // Named as a file (/dev/stdin, a FIFO): refused before reading, without waiting for a
    // writer.
    let dir = scratch("files", "fifo");
    let fifo = dir.join("serverless.yml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for path in [fifo.as_path(), Path::new("/dev/stdin")] {
        let started = Instant::now();
        let output = bin()
            .arg("compile")
            .arg(path)
            .stdin(Stdio::piped())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("MSK_NOT_A_REGULAR_FILE"),
            "{}",
            stderr(&output)
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

#[test]
fn a_config_on_stdin_compiles_like_the_file() {
    let config = case("minimal").join("serverless.yml");
    let from_file = run(&[Path::new("compile"), &config]);
    let from_stdin = bin()
        .args(["compile", "-"])
        .stdin(std::fs::File::open(&config).expect("open"))
        .output()
        .expect("runs");
    assert_eq!(from_stdin.status.code(), Some(0), "{}", stderr(&from_stdin));
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

// 3. File properties.

#[test]
fn in_place_and_output_keep_the_mode() {
    let dir = scratch("files", "mode");
    let template = dir.join("T.json");
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    std::fs::set_permissions(&template, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let config = case("multi-function").join("serverless.yml");
    let output = merge_in_place(&config, &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let metadata = std::fs::metadata(&template).expect("stat");
    assert_eq!(metadata.mode() & 0o7777, 0o600);
    assert_same(
        &read(&template),
        &read(&case("multi-function").join("expected.json")),
        "read(&template)",
    );

    let out = dir.join("out.json");
    std::fs::write(&out, "old").expect("write");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let output = run(&[Path::new("compile"), &config, Path::new("--output"), &out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::metadata(&out).expect("stat").mode() & 0o7777,
        0o640
    );
}

#[test]
fn a_symlinked_template_is_updated_at_its_target() {
    let dir = scratch("files", "symlink");
    std::fs::create_dir(dir.join("real")).expect("dir");
    let target = dir.join("real/T.json");
    std::fs::write(&target, stripped_template(&case("multi-function"))).expect("write");
    let link = dir.join("T.json");
    std::os::unix::fs::symlink("real/T.json", &link).expect("symlink");
    let output = merge_in_place(&case("multi-function").join("serverless.yml"), &link);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        link.symlink_metadata()
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_same(
        &read(&target),
        &read(&case("multi-function").join("expected.json")),
        "read(&target)",
    );
    assert!(temporary_files(&dir).is_empty() && temporary_files(&dir.join("real")).is_empty());
}

#[test]
fn a_read_only_target_is_refused_and_left_alone() {
    let dir = scratch("files", "read-only");
    let template = dir.join("T.json");
    let original = stripped_template(&case("multi-function"));
    std::fs::write(&template, &original).expect("write");
    std::fs::set_permissions(&template, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let output = merge_in_place(&case("multi-function").join("serverless.yml"), &template);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error[MSK_OUTPUT_NOT_WRITABLE]: cannot write"),
        "{}",
        stderr(&output)
    );
    assert_same(&read(&template), original.as_bytes(), "read(&template)");
    assert_eq!(
        std::fs::metadata(&template).expect("stat").mode() & 0o777,
        0o444
    );
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_hard_linked_template_is_replaced_at_the_named_path_only() {
    // Documented in the README: the named path gets a new file; other links keep the old one.
    let dir = scratch("files", "hard-link");
    let template = dir.join("T.json");
    let original = stripped_template(&case("multi-function"));
    std::fs::write(&template, &original).expect("write");
    let other = dir.join("other.json");
    std::fs::hard_link(&template, &other).expect("link");
    let output = merge_in_place(&case("multi-function").join("serverless.yml"), &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_same(
        &read(&template),
        &read(&case("multi-function").join("expected.json")),
        "read(&template)",
    );
    assert_same(&read(&other), original.as_bytes(), "read(&other)");
}

// 4. Idempotent merge, locking.

#[test]
fn merging_three_times_gives_the_template_of_merging_once() {
    let dir = scratch("files", "thrice");
    let template = dir.join("T.json");
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    let config = case("multi-function").join("serverless.yml");
    let mut results = Vec::new();
    for _ in 0..3 {
        let output = merge_in_place(&config, &template);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        results.push(read(&template));
    }
    assert_same(
        &results[0],
        &read(&case("multi-function").join("expected.json")),
        "the first merge",
    );
    assert_same(&results[1], &results[0], "the second merge");
    assert_same(&results[2], &results[0], "the third merge");
}

#[test]
fn merging_into_the_oracles_own_template_gives_it_back_byte_for_byte() {
    let dir = scratch("files", "oracle-full");
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("tests/cases")).expect("cases") {
        let case_dir = entry.expect("entry").path();
        let expected = case_dir.join("expected.json");
        if !expected.exists() {
            continue;
        }
        let template = dir.join("T.json");
        std::fs::copy(&expected, &template).expect("copy");
        // The oracle's options (`sls-package` runs `--stage dev --region us-east-1`).
        let output = bin()
            .arg("compile")
            .arg(case_dir.join("serverless.yml"))
            .args(["--stage", "dev", "--region", "us-east-1", "--template"])
            .arg(&template)
            .arg("--in-place")
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(
            read(&template) == read(&expected),
            "{} changed",
            case_dir.display()
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases");
}

#[test]
fn a_second_in_place_run_waits_for_the_first() {
    let dir = scratch("files", "lock");
    let template = dir.join("T.json");
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    // This test plays the first run: it holds the lock.
    let held = std::fs::File::open(&template).expect("open");
    held.lock().expect("lock");
    let mut second = bin()
        .arg("compile")
        .arg(case("multi-function").join("serverless.yml"))
        .args([
            "--template",
            template.to_str().unwrap_or_default(),
            "--in-place",
        ])
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        second.try_wait().expect("wait").is_none(),
        "it waits for the lock"
    );
    // Meanwhile the first run replaces the template (as a run does: a new file renamed over).
    let replaced = dir.join("new.json");
    std::fs::write(&replaced, stripped_template(&case("minimal"))).expect("write");
    std::fs::rename(&replaced, &template).expect("rename");
    drop(held);
    let status = second.wait().expect("wait");
    assert!(status.success());
    // The second run read the file the first one wrote, not the one it had opened first.
    let merged = String::from_utf8(read(&template)).expect("utf-8");
    assert!(
        merged.contains("\"ConsumerLambdaFunction\""),
        "minimal's template was read"
    );
    assert!(merged.contains("\"AlphaEventSourceMappingMSKClusteraTopicone\""));
}

// 5. Signals.

/// A config of 20 000 events: an output of several megabytes, so the write takes a moment.
fn big_config(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("serverless.yml");
    let mut service = String::from("service: s\nprovider: {name: aws}\nfunctions:\n");
    for function in 0..2000 {
        service.push_str(&format!("  f{function}:\n    handler: h\n    events:\n"));
        for event in 0..10 {
            service.push_str(&format!(
                "      - msk: {{arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c{event}/1', topic: t{function}, batchSize: 100}}\n"
            ));
        }
    }
    std::fs::write(&config, service).expect("write");
    config
}

/// Waits for a temporary file in `dir` (or the child's end); whether one appeared.
fn wait_for_temporary_file(dir: &Path, child: &mut std::process::Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && temporary_files(dir).is_empty() {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    !temporary_files(dir).is_empty()
}

/// `nohup` starts a process with SIGHUP ignored: it must stay ignored (a handler installed
/// over it ended the run), and the write completes.
#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    let dir = scratch("files", "nohup");
    let config = big_config(&dir);
    let out = dir.join("out.json");
    for _attempt in 0..5 {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("trap '' HUP; exec \"$0\" compile \"$1\" --output \"$2\"")
            .arg(env!("CARGO_BIN_EXE_msk-compile"))
            .arg(&config)
            .arg(&out)
            .stderr(Stdio::null())
            .spawn()
            .expect("runs");
        let seen = wait_for_temporary_file(&dir, &mut child);
        if seen {
            let killed = Command::new("kill")
                .args(["-HUP", &child.id().to_string()])
                .status()
                .expect("kill");
            assert!(killed.success());
        }
        let status = child.wait().expect("wait");
        assert!(status.success(), "{status:?}");
        if seen {
            assert!(read(&out).ends_with(b"}\n"));
            assert!(temporary_files(&dir).is_empty());
            return;
        }
    }
    panic!("never saw the temporary file");
}

#[test]
fn signals_during_the_write_leave_no_temporary_file() {
    let dir = scratch("files", "signals");
    let config = big_config(&dir);
    for signal in [
        "TERM", "HUP", "INT", "QUIT", "USR1", "USR2", "ALRM", "XCPU", "XFSZ",
    ] {
        let out = dir.join(format!("out-{signal}.json"));
        std::fs::write(&out, "old\n").expect("write");
        let mut caught = false;
        for _attempt in 0..5 {
            let mut child = bin()
                .arg("compile")
                .arg(&config)
                .arg("--output")
                .arg(&out)
                .stderr(Stdio::null())
                .spawn()
                .expect("runs");
            // Wait for the temporary file to appear, then signal.
            if wait_for_temporary_file(&dir, &mut child) {
                let killed = Command::new("kill")
                    .arg(format!("-{signal}"))
                    .arg(child.id().to_string())
                    .status()
                    .expect("kill");
                assert!(killed.success());
                caught = true;
            }
            let status = child.wait().expect("wait");
            assert!(
                temporary_files(&dir).is_empty(),
                "SIG{signal} left a temporary file"
            );
            let content = read(&out);
            assert!(
                content == b"old\n" || content.ends_with(b"}\n"),
                "old or new, never a part"
            );
            if caught {
                use std::os::unix::process::ExitStatusExt;
                assert!(
                    status.signal().is_some() || content.ends_with(b"}\n"),
                    "{status:?}"
                );
                break;
            }
        }
        assert!(caught, "never saw the temporary file of SIG{signal}'s run");
    }
}

// 6. The smaller ones.

#[test]
fn output_to_a_file_is_byte_for_byte_stdout() {
    let dir = scratch("files", "newline");
    let config = case("multi-function").join("serverless.yml");
    let out = dir.join("out.json");
    let to_file = run(&[Path::new("compile"), &config, Path::new("--output"), &out]);
    assert_eq!(to_file.status.code(), Some(0));
    let to_stdout = run(&[Path::new("compile"), &config]);
    assert_same(&read(&out), &to_stdout.stdout, "read(&out)");
    assert!(to_stdout.stdout.ends_with(b"}\n"));
}

#[test]
fn a_directory_named_serverless_yml_is_named_as_such() {
    let dir = scratch("files", "dir-config");
    std::fs::create_dir(dir.join("serverless.yml")).expect("dir");
    let output = run(&[Path::new("check"), &dir]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("serverless.yml is a directory, not a file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_malformed_template_exits_2_and_is_left_alone() {
    let dir = scratch("files", "bad-template");
    let template = dir.join("T.json");
    std::fs::write(&template, "{\"Resources\": [").expect("write");
    let output = merge_in_place(&case("minimal").join("serverless.yml"), &template);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("MSK_TEMPLATE_INVALID"),
        "{}",
        stderr(&output)
    );
    assert_same(&read(&template), b"{\"Resources\": [", "read(&template)");
}

#[test]
fn floods_of_one_warning_are_summarised_except_in_json() {
    let dir = scratch("files", "flood");
    let config = dir.join("serverless.yml");
    let mut text = String::from(
        "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n",
    );
    for _ in 0..30 {
        text.push_str(
            "      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: same}\n",
        );
    }
    std::fs::write(&config, text).expect("write");
    let human = run(&[Path::new("check"), &config]);
    assert_eq!(human.status.code(), Some(0));
    let human = stderr(&human);
    assert_eq!(
        human.matches("warning[MSK_LOGICAL_ID_COLLISION]").count(),
        10
    );
    assert!(
        human.contains("warning: 19 more MSK_LOGICAL_ID_COLLISION warnings are not shown"),
        "{human}"
    );
    let github = bin()
        .arg("check")
        .arg(&config)
        .args(["--message-format", "github"])
        .output()
        .expect("runs");
    assert_eq!(stderr(&github).lines().count(), 11);
    let json = bin()
        .arg("check")
        .arg(&config)
        .args(["--message-format", "json"])
        .output()
        .expect("runs");
    assert_eq!(stderr(&json).lines().count(), 29);
}

#[test]
fn github_annotations_escape_control_characters() {
    let dir = scratch("files", "escape");
    let config = dir.join("serverless.yml");
    std::fs::write(&config, "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: t, \"bo\\e[31mgus\\a\": 1}\n").expect("write");
    let output = bin()
        .arg("check")
        .arg(&config)
        .args(["--message-format", "github"])
        .output()
        .expect("runs");
    let text = stderr(&output);
    assert!(
        text.contains("unrecognized property 'bo\u{241b}[31mgus\u{2407}'"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
}

#[test]
fn arn_help_fits_the_value() {
    let dir = scratch("files", "arn-help");
    let config = dir.join("serverless.yml");
    std::fs::write(&config, "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: not-an-arn/x, topic: t}\n      - msk: {arn: {a: b}, topic: t}\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: t, saslScram512: nope}\n").expect("write");
    let output = bin()
        .arg("check")
        .arg(&config)
        .args(["--message-format", "json"])
        .output()
        .expect("runs");
    let lines: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("json"))
        .collect();
    let help = |path: &str| -> String {
        lines
            .iter()
            .filter(|line| line["path"].as_str().is_some_and(|at| at.starts_with(path)))
            .filter_map(|line| line["help"].as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let bad_string = help("functions.f.events.0.msk.arn");
    assert!(
        bad_string.contains("arn:aws:kafka:") && !bad_string.contains("secretsmanager"),
        "{bad_string}"
    );
    let mapping = help("functions.f.events.1.msk.arn");
    assert!(
        !mapping.is_empty() && !mapping.contains("GetAtt"),
        "{mapping}"
    );
    let secret = help("functions.f.events.2.msk.saslScram512");
    assert!(secret.contains("arn:aws:secretsmanager:"), "{secret}");
    let _ = std::io::stderr().flush();
}

// 7. What the third attack round found.

/// A file that waits for data when read (`/proc/kmsg`) given as the config, the template or a
/// `${file()}`: refused (exit 2) instead of a run that never ends.
#[test]
fn a_file_that_waits_for_data_is_refused_at_once() {
    let kmsg = Path::new("/proc/kmsg");
    if std::fs::File::open(kmsg).is_err() {
        return; // Not readable here (not root, or no such file).
    }
    let dir = scratch("files", "kmsg");
    let config = dir.join("serverless.yml");
    std::fs::write(
        &config,
        "service: s\nprovider: {name: aws}\ncustom: {x: '${file(/proc/kmsg)}'}\nfunctions: {f: {handler: h}}\n",
    )
    .expect("write");
    let minimal = case("minimal").join("serverless.yml");
    let runs: [Vec<&std::ffi::OsStr>; 3] = [
        vec!["compile".as_ref(), kmsg.as_os_str()],
        vec![
            "compile".as_ref(),
            minimal.as_os_str(),
            "--template".as_ref(),
            kmsg.as_os_str(),
        ],
        vec!["compile".as_ref(), config.as_os_str()],
    ];
    for args in runs {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let deadline = Instant::now() + Duration::from_secs(10);
        while child.try_wait().expect("wait").is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let finished = child.try_wait().expect("wait");
        if finished.is_none() {
            let _ = child.kill();
        }
        let output = child.wait_with_output().expect("output");
        assert!(finished.is_some(), "{args:?} hung");
        assert_ne!(output.status.code(), Some(0), "{args:?}");
        assert!(
            stderr(&output).contains("waits for data"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// A lock held by someone else is announced within 4 s (naming the holder), and the run gives
/// up after `--lock-timeout` with a coded error, the template untouched.
#[test]
fn a_held_lock_is_announced_and_given_up_on() {
    use std::io::BufRead;
    let dir = scratch("files", "held-lock");
    let template = dir.join("T.json");
    let original = stripped_template(&case("minimal"));
    std::fs::write(&template, &original).expect("write");
    let held = std::fs::File::open(&template).expect("open");
    held.lock().expect("lock");
    let config = case("minimal").join("serverless.yml");
    let started = Instant::now();
    let mut waiting = bin()
        .arg("compile")
        .arg(&config)
        .arg("--template")
        .arg(&template)
        .arg("--in-place")
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = String::new();
    std::io::BufReader::new(waiting.stderr.take().expect("stderr"))
        .read_line(&mut first)
        .expect("a line");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(first.contains("waiting for the lock"), "{first}");
    assert!(
        first.contains(&format!("process {}", std::process::id())),
        "{first}"
    );
    let _ = waiting.kill();
    let _ = waiting.wait();

    let output = bin()
        .arg("compile")
        .arg(&config)
        .arg("--template")
        .arg(&template)
        .args(["--in-place", "--lock-timeout", "1.5"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("MSK_TEMPLATE_LOCKED"),
        "{}",
        stderr(&output)
    );
    assert_same(&read(&template), original.as_bytes(), "the template");
    drop(held);
}

/// A 245-character file name is a valid target; the temporary name beside it is shortened to
/// fit the file system's 255 bytes.
#[test]
fn a_long_file_name_is_merged_in_place() {
    let dir = scratch("files", "long-name");
    let template = dir.join(format!("{}.json", "t".repeat(240)));
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    let output = merge_in_place(&case("multi-function").join("serverless.yml"), &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_same(
        &read(&template),
        &read(&case("multi-function").join("expected.json")),
        "the merged template",
    );
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn in_place_with_output_is_refused() {
    let dir = scratch("files", "in-place-output");
    let template = dir.join("T.json");
    let original = stripped_template(&case("minimal"));
    std::fs::write(&template, &original).expect("write");
    let out = dir.join("out.json");
    let output = bin()
        .arg("compile")
        .arg(case("minimal").join("serverless.yml"))
        .arg("--template")
        .arg(&template)
        .arg("--in-place")
        .arg("--output")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!out.exists());
    assert_same(&read(&template), original.as_bytes(), "the template");
}

/// A merge that changes nothing leaves the file itself alone (same inode); one that changes
/// it keeps its extended attributes (here a user attribute).
#[test]
fn an_unchanged_merge_keeps_the_inode_and_a_merge_keeps_extended_attributes() {
    let dir = scratch("files", "inode-xattr");
    let config = case("multi-function").join("serverless.yml");
    let template = dir.join("T.json");
    std::fs::write(
        &template,
        read(&case("multi-function").join("expected.json")),
    )
    .expect("write");
    let before = std::fs::metadata(&template).expect("metadata").ino();
    let output = merge_in_place(&config, &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::metadata(&template).expect("metadata").ino(),
        before
    );

    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    let set = Command::new("python3")
        .args([
            "-c",
            "import os,sys; os.setxattr(sys.argv[1], 'user.origin', b'ci')",
        ])
        .arg(&template)
        .status();
    if !set.is_ok_and(|status| status.success()) {
        return; // No user attributes on this file system.
    }
    let output = merge_in_place(&config, &template);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_ne!(
        std::fs::metadata(&template).expect("metadata").ino(),
        before
    );
    let got = Command::new("python3")
        .args([
            "-c",
            "import os,sys; print(os.getxattr(sys.argv[1], 'user.origin').decode())",
        ])
        .arg(&template)
        .output()
        .expect("python3");
    assert_eq!(String::from_utf8_lossy(&got.stdout).trim(), "ci");
}

/// `chattr +i` / `+a`: said as such, not as a mode to change.
#[test]
fn an_immutable_template_is_named_as_such() {
    let dir = scratch("files", "immutable");
    let template = dir.join("T.json");
    std::fs::write(&template, stripped_template(&case("minimal"))).expect("write");
    let chattr = |flag: &str| Command::new("chattr").arg(flag).arg(&template).status();
    if !chattr("+i").is_ok_and(|status| status.success()) {
        return; // Not permitted here.
    }
    let output = merge_in_place(&case("minimal").join("serverless.yml"), &template);
    let _ = chattr("-i");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("immutable or append-only"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("chmod"), "{}", stderr(&output));
}

/// Under `ulimit -v` a config that may need more than the limit ends with a coded error
/// before it is parsed, not with an allocation failure (an abort, exit 134) midway.
#[test]
fn a_memory_limit_ends_in_a_coded_error() {
    let dir = scratch("files", "memory-limit");
    let config = dir.join("serverless.yml");
    let zeros = "0,".repeat(8 * 1024 * 1024);
    std::fs::write(
        &config,
        format!("service: s\nprovider: {{name: aws}}\ncustom: [{zeros}0]\nfunctions: {{f: {{handler: h}}}}\n"),
    )
    .expect("write");
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1000000 && exec \"$0\" compile \"$1\"")
        .arg(env!("CARGO_BIN_EXE_msk-compile"))
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("MSK_MEMORY_LIMIT"),
        "{}",
        stderr(&output)
    );
}
