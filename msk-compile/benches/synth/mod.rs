//! Deterministic synthetic services for tests and benchmarks (dev-only: included by the `compile`
//! bench, the `synth` example and msk-compile's unit tests, not part of the library).
//!
//! Contract:
//! * [`service`]`(functions, events, seed)` returns the text of a `serverless.yml` with
//!   `functions` functions, each holding exactly `events` msk events (a few functions also
//!   hold a non-msk event, which the msk compiler skips).
//! * The text depends only on the three arguments: the same arguments give the same bytes on
//!   every platform and run (the randomness is a SplitMix64 stream seeded with `seed`; no
//!   hashing, no clock, no floats).
//! * The service is valid for Serverless 3.40.0 in `configValidationMode: error`, and every
//!   msk event compiles to its own resource: `functions × events` EventSourceMappings (the
//!   topics make the logical IDs unique) and one kafka + ec2 statement pair per function that
//!   has events.
//! * It is varied the way real services are, so that every stage of the compiler does its
//!   real work: every msk key appears (`arn`, `topic`, `batchSize`,
//!   `maximumBatchingWindow`, `enabled`, `startingPosition`, `startingPositionTimestamp`,
//!   `saslScram512`, `consumerGroupId`, `filterPatterns`); `arn` is an ARN string, a
//!   `${self:…}` variable, `!Ref`/`Ref:`, `!ImportValue`/`Fn::ImportValue:`; values use
//!   `${self:…}`, `${sls:stage}` and `${opt:…}` variables, Ajv-coerced strings (`"100"`,
//!   `"false"`), anchors with `<<` merges and aliased filter-pattern lists; a few functions
//!   have `provisionedConcurrency` or `snapStart` (alias targets) or their own `role` (string
//!   logical ID, ARN, `!GetAtt`, `!ImportValue`).

use std::fmt::Write as _;

/// SplitMix64: tiny, fast, and fully specified, so seeds give the same stream everywhere.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound > 0`); the modulo bias is irrelevant here.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    /// `true` with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        // `below` of a non-zero length is always a valid index; `unwrap_or` keeps this total.
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(index).copied().unwrap_or("")
    }
}

/// Number of MSK clusters the events spread over.
const CLUSTERS: usize = 7;

/// js-yaml (and so Serverless and our loader) refuses a file whose merges add more than
/// 10 000 keys in total, counting 1 + the keys of each merged mapping. The generator spreads
/// its merges over the whole file and stays below this.
const MERGE_BUDGET: usize = 9_000;

/// Merge work expected per event when every event may merge (see `event_text`), rounded up.
const MERGE_WORK_PER_EVENT: usize = 2;

/// Generator state threaded through the functions.
#[derive(Debug)]
struct State {
    rng: SplitMix64,
    /// Events written so far.
    serial: usize,
    /// Only every `merge_stride`-th event may use `<<`, so big services stay within the budget.
    merge_stride: usize,
    merge_work: usize,
}

/// Letter-only topic words: followed by the function and event numbers they keep topics,
/// and so logical IDs, unique within a function.
const TOPIC_WORDS: [&str; 8] = [
    "orders",
    "payments",
    "shipments",
    "invoices",
    "customers",
    "inventory",
    "returns",
    "audit",
];

/// The name of function `index`; the three separators exercise Serverless' normalization
/// (`-` → `Dash`, `_` → `Underscore`).
fn function_name(index: usize) -> String {
    let separator = ["-", "_", ""][index % 3];
    let stem = ["consumer", "worker", "ingest", "replay", "audit"][index % 5];
    format!("{stem}{separator}{index:05}")
}

/// The text of a synthetic `serverless.yml`; see the module documentation for the contract.
pub fn service(functions: usize, events: usize, seed: u64) -> String {
    let total = functions.saturating_mul(events);
    let mut state = State {
        rng: SplitMix64(seed),
        serial: 0,
        merge_stride: (total.saturating_mul(MERGE_WORK_PER_EVENT) / MERGE_BUDGET).max(1),
        merge_work: 0,
    };
    // About 230 bytes per event plus per-function overhead: one allocation up front.
    let mut out = String::with_capacity(4096 + functions * (120 + events * 240));
    header(&mut out, functions, events, seed);
    out.push_str("functions:\n");
    for function in 0..functions {
        function_text(&mut out, &mut state, function, events);
    }
    resources(&mut out);
    out
}

fn header(out: &mut String, functions: usize, events: usize, seed: u64) {
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "# Synthetic service: {functions} functions x {events} msk events, seed {seed}.\n\
         # Generated by msk_compile::synth::service; do not edit.\n\
         service: synth-{functions}x{events}\n"
    );
    out.push_str(
        r#"frameworkVersion: '3'
configValidationMode: error

provider:
  name: aws
  runtime: nodejs18.x
  stage: ${opt:stage, 'dev'}
  region: ${opt:region, 'us-east-1'}
  memorySize: 512
  iam:
    role:
      statements:
        - Effect: Allow
          Action: secretsmanager:GetSecretValue
          Resource: arn:aws:secretsmanager:${self:provider.region}:${self:custom.account}:secret:AmazonMSK_*

custom:
  account: '111111111111'
  batch: 500
  window: 10
  epoch: 1735689600
  clusters:
"#,
    );
    for cluster in 0..CLUSTERS {
        let name = ["orders", "payments", "analytics"][cluster % 3];
        let _ = writeln!(
            out,
            "    c{cluster}: arn:aws:kafka:${{self:provider.region}}:${{self:custom.account}}:cluster/{name}-{cluster}-${{sls:stage}}/{cluster:08x}-1e2f-3a4b-5c6d-{cluster:012x}-{}",
            cluster % 9 + 1
        );
    }
    out.push_str("  secrets:\n");
    for cluster in 0..CLUSTERS {
        let _ = writeln!(
            out,
            "    s{cluster}: arn:aws:secretsmanager:${{self:provider.region}}:${{self:custom.account}}:secret:AmazonMSK_c{cluster}-${{sls:stage}}-AbCdEf"
        );
    }
    out.push_str(
        r#"  # Shared msk settings, merged into events with `<<`.
  mskDefaults: &mskDefaults
    batchSize: 250
    maximumBatchingWindow: 5
    startingPosition: LATEST
  mskReplay: &mskReplay
    startingPosition: AT_TIMESTAMP
    startingPositionTimestamp: 1735689600
  mskDisabled: &mskDisabled
    enabled: false
  paidOnly: &paidOnly
    - value:
        status: [ "paid", "refunded" ]
    - value:
        amount: [ { numeric: [ ">", 100 ] } ]

"#,
    );
}

fn function_text(out: &mut String, state: &mut State, function: usize, events: usize) {
    let rng = &mut state.rng;
    let name = function_name(function);
    let _ = write!(
        out,
        "  {name}:\n    handler: src/{}.handler\n",
        name.replace(['-', '_'], "")
    );
    if rng.chance(20) {
        let _ = writeln!(out, "    memorySize: {}", 128 << rng.below(5));
    }
    if rng.chance(15) {
        let _ = writeln!(out, "    timeout: {}", 3 + rng.below(25));
    }
    // Alias targets (`FunctionName` becomes an `Fn::Join` on the alias) and role variants
    // (`DependsOn` changes), each on a few functions; never all, so the shared role exists.
    match function % 41 {
        7 => out.push_str("    provisionedConcurrency: 2\n"),
        19 => out.push_str("    runtime: java17\n    snapStart: true\n"),
        _ => {}
    }
    match function % 43 {
        11 => out.push_str("    role: ConsumerRole\n"),
        23 => out.push_str("    role: arn:aws:iam::${self:custom.account}:role/msk-consumer\n"),
        31 => out.push_str("    role: !GetAtt ConsumerRole.Arn\n"),
        37 => out.push_str("    role: !ImportValue shared-consumer-role-arn\n"),
        _ => {}
    }
    out.push_str("    events:\n");
    if function % 17 == 3 {
        out.push_str("      - schedule: rate(5 minutes)\n");
    }
    for event in 0..events {
        event_text(out, state, function, event);
        state.serial += 1;
    }
}

fn event_text(out: &mut String, state: &mut State, function: usize, event: usize) {
    let serial = state.serial;
    let may_merge =
        serial.is_multiple_of(state.merge_stride) && state.merge_work + 8 <= MERGE_BUDGET;
    let rng = &mut state.rng;
    let cluster = (function * 3 + event) % CLUSTERS;
    out.push_str("      - msk:\n");
    let pad = "          ";

    // Merges first, as people write them; explicit keys below override merged ones.
    let mut merged_position = false;
    let mut merged_enabled = false;
    // The draw happens for every event, so the rest of the stream does not depend on the
    // stride.
    let draw = rng.below(100);
    if may_merge {
        // Merge work: 1 + the merged mapping's keys, per merged mapping.
        match draw {
            0..=14 => {
                let _ = writeln!(out, "{pad}<<: *mskDefaults");
                merged_position = true;
                state.merge_work += 4;
            }
            15..=19 => {
                let _ = writeln!(out, "{pad}<<: [ *mskReplay, *mskDefaults ]");
                merged_position = true;
                state.merge_work += 7;
            }
            20..=22 => {
                let _ = writeln!(out, "{pad}<<: *mskDisabled");
                merged_enabled = true;
                state.merge_work += 2;
            }
            _ => {}
        }
    }
    let rng = &mut state.rng;

    match rng.below(100) {
        0..=44 => {
            let _ = writeln!(out, "{pad}arn: ${{self:custom.clusters.c{cluster}}}");
        }
        45..=64 => {
            let name = ["orders", "payments", "analytics"][cluster % 3];
            let quote = if serial.is_multiple_of(2) { "" } else { "'" };
            let _ = writeln!(
                out,
                "{pad}arn: {quote}arn:aws:kafka:us-east-1:111111111111:cluster/{name}-{cluster}-prod/{cluster:08x}-aaaa-bbbb-cccc-{serial:012x}-1{quote}"
            );
        }
        65..=76 => {
            let _ = writeln!(out, "{pad}arn: !Ref MskCluster{cluster}");
        }
        77..=88 => {
            let _ = writeln!(
                out,
                "{pad}arn: !ImportValue shared-msk-{cluster}-ClusterArn"
            );
        }
        89..=94 => {
            let _ = writeln!(out, "{pad}arn:\n{pad}  Ref: MskCluster{cluster}");
        }
        _ => {
            let _ = writeln!(
                out,
                "{pad}arn:\n{pad}  Fn::ImportValue: shared-msk-{cluster}-ClusterArn"
            );
        }
    }

    let word = rng.pick(&TOPIC_WORDS);
    match rng.below(10) {
        0..=5 => {
            let _ = writeln!(out, "{pad}topic: {word}.{function}.{event}");
        }
        6..=7 => {
            let _ = writeln!(out, "{pad}topic: \"{word}-{function}-{event}.v2\"");
        }
        _ => {
            let _ = writeln!(
                out,
                "{pad}topic: ${{self:service}}.{word}.{function}.{event}"
            );
        }
    }

    match rng.below(100) {
        0..=29 => {
            let _ = writeln!(out, "{pad}batchSize: {}", 1 + rng.below(10_000));
        }
        30..=37 => {
            let _ = writeln!(out, "{pad}batchSize: ${{self:custom.batch}}");
        }
        38..=41 => {
            // Ajv coerces the string to a number.
            let _ = writeln!(out, "{pad}batchSize: \"{}\"", 1 + rng.below(10_000));
        }
        _ => {}
    }
    match rng.below(100) {
        0..=19 => {
            let _ = writeln!(out, "{pad}maximumBatchingWindow: {}", rng.below(301));
        }
        20..=24 => {
            let _ = writeln!(out, "{pad}maximumBatchingWindow: ${{self:custom.window}}");
        }
        _ => {}
    }
    if !merged_enabled {
        match rng.below(100) {
            0..=9 => {
                let _ = writeln!(out, "{pad}enabled: true");
            }
            10..=17 => {
                let _ = writeln!(out, "{pad}enabled: false");
            }
            18..=19 => {
                let _ = writeln!(out, "{pad}enabled: 'false'");
            }
            _ => {}
        }
    }
    if !merged_position {
        match rng.below(8) {
            0..=1 => {
                let _ = writeln!(out, "{pad}startingPosition: LATEST");
            }
            2..=3 => {
                let _ = writeln!(out, "{pad}startingPosition: TRIM_HORIZON");
            }
            4 => {
                let _ = writeln!(
                    out,
                    "{pad}startingPosition: AT_TIMESTAMP\n{pad}startingPositionTimestamp: {}",
                    1_700_000_000 + serial
                );
            }
            5 => {
                let _ = writeln!(
                    out,
                    "{pad}startingPosition: AT_TIMESTAMP\n{pad}startingPositionTimestamp: ${{self:custom.epoch}}"
                );
            }
            _ => {}
        }
    }
    match rng.below(100) {
        0..=9 => {
            let _ = writeln!(
                out,
                "{pad}saslScram512: ${{self:custom.secrets.s{cluster}}}"
            );
        }
        10..=14 => {
            let _ = writeln!(
                out,
                "{pad}saslScram512: arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_f{function}-AbCdEf"
            );
        }
        _ => {}
    }
    match rng.below(100) {
        0..=14 => {
            let _ = writeln!(
                out,
                "{pad}consumerGroupId: ${{self:service}}-${{sls:stage}}-{function}-{event}"
            );
        }
        15..=24 => {
            let _ = writeln!(out, "{pad}consumerGroupId: group-{function}-{event}");
        }
        _ => {}
    }
    match rng.below(100) {
        0..=4 => {
            let _ = writeln!(out, "{pad}filterPatterns: *paidOnly");
        }
        5..=11 => {
            let _ = writeln!(
                out,
                "{pad}filterPatterns:\n{pad}  - value: {{ kind: [ \"k{}\" ], n: [ {{ numeric: [ \">\", {event} ] }} ] }}",
                serial % 5
            );
        }
        12..=15 => {
            let _ = writeln!(
                out,
                "{pad}filterPatterns:\n{pad}  - value:\n{pad}      region: [ {{ prefix: \"us-\" }} ]\n{pad}      customer:\n{pad}        tier: [ gold, platinum ]\n{pad}  - value:\n{pad}      retry: [ {{ exists: false }} ]"
            );
        }
        _ => {}
    }
}

fn resources(out: &mut String) {
    out.push_str(
        r#"
resources:
  Parameters:
    SubnetIds:
      Type: List<AWS::EC2::Subnet::Id>
  Resources:
    ConsumerRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Version: '2012-10-17'
          Statement:
            - Effect: Allow
              Principal: { Service: lambda.amazonaws.com }
              Action: sts:AssumeRole
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole
"#,
    );
    for cluster in 0..CLUSTERS {
        let _ = write!(
            out,
            "    MskCluster{cluster}:\n      Type: AWS::MSK::Cluster\n      Properties:\n        ClusterName: synth-{cluster}-${{sls:stage}}\n        KafkaVersion: 3.6.0\n        NumberOfBrokerNodes: 3\n        BrokerNodeGroupInfo:\n          InstanceType: kafka.m5.large\n          ClientSubnets: !Ref SubnetIds\n"
        );
    }
}
