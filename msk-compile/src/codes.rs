//! Every diagnostic code the tool can emit, with the page `msk-compile explain CODE` prints.
//! A test checks that each code used in the sources has a page here.

use crate::load;

/// Serverless' own code for schema violations (`configValidationMode: error`); in `warn`
/// mode the same violations are warnings with this code.
pub const SCHEMA: &str = "INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION";
pub const STARTING_POSITION_TIMESTAMP: &str = "FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID";
pub const BOTH_ALIASES: &str = "FUNCTION_BOTH_PROVISIONED_CONCURRENCY_AND_SNAPSTART_ENABLED_ERROR";
pub const EVENTS_NOT_A_LIST: &str = "MSK_EVENTS_NOT_A_LIST";
pub const EVENT_NULL: &str = "MSK_EVENT_NULL";
pub const EVENT_NOT_AN_OBJECT: &str = "MSK_EVENT_NOT_AN_OBJECT";
pub const MISSING_KEY: &str = "MSK_REQUIRED_KEY_MISSING";
pub const NOT_A_STRING: &str = "MSK_TOPIC_NOT_A_STRING";
pub const ARN_WITHOUT_CLUSTER_NAME: &str = "MSK_ARN_WITHOUT_CLUSTER_NAME";
pub const ARN_INTRINSIC_NOT_A_STRING: &str = "MSK_ARN_INTRINSIC_NOT_A_STRING";
pub const ARN_UNSUPPORTED: &str = "MSK_ARN_UNSUPPORTED_INTRINSIC";
pub const FILTER_PATTERNS_NOT_A_LIST: &str = "MSK_FILTER_PATTERNS_NOT_A_LIST";
pub const LOGICAL_ID_COLLISION: &str = "MSK_LOGICAL_ID_COLLISION";
pub const INTERNAL: &str = "MSK_INTERNAL";
pub const IO: &str = "MSK_IO_ERROR";
pub const TEMPLATE_INVALID: &str = "MSK_TEMPLATE_INVALID";
pub const NOT_UTF8: &str = "CONFIG_NOT_UTF8";
pub const TOO_LARGE: &str = "CONFIG_TOO_LARGE";
pub const EXTENSION_NOT_EXISTING: &str = "RESOURCE_EXTENSION_NOT_EXISTING";
pub const EXTENSION_UNSUPPORTED_ATTRIBUTE: &str = "RESOURCE_EXTENSION_UNSUPPORTED_ATTRIBUTE";
pub const EXTENSION_NOT_APPLICABLE: &str = "MSK_RESOURCE_EXTENSION_NOT_APPLICABLE";

/// One `explain` page.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub code: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

/// Pages for every code, including those of the loader (`YAML_*`, `VARIABLE_*`, `CONFIG_*`).
pub const PAGES: &[Page] = &[
    Page {
        code: EXTENSION_NOT_EXISTING,
        summary: "`resources.extensions` names a mapping that no msk event compiles to (often a typo, or a logical ID that changed with the topic or cluster name); Serverless stops with this error. Only names of msk mappings (`…EventSourceMappingMSK…`) are checked; other resources are the framework's.",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrder:   # the event compiles to …OrdersOrders\n      Properties: {BatchSize: 5}",
        fix: "Use the logical ID printed by `msk-compile compile` (the keys of `Resources`).",
    },
    Page {
        code: EXTENSION_UNSUPPORTED_ATTRIBUTE,
        summary: "A resource extension sets an attribute Serverless cannot extend (only `Properties`, `DependsOn`, `Metadata`, `Condition`, `CreationPolicy`, `DeletionPolicy`, `UpdatePolicy` and `UpdateReplacePolicy`); Serverless stops with this error.",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrders:\n      Type: AWS::Lambda::EventSourceMapping",
        fix: "Remove the attribute; to replace the whole resource, define it under `resources.Resources` instead.",
    },
    Page {
        code: EXTENSION_NOT_APPLICABLE,
        summary: "A resource extension of an msk mapping cannot be applied: the extension is empty (`null`) or its `DependsOn` is not a list. Serverless crashes on it with a bare TypeError (`Cannot convert undefined or null to object`, `Spread syntax requires ...iterable[Symbol.iterator] to be a function`).",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrders:\n      DependsOn: {KafkaSecret: true}",
        fix: "Give the extension at least one attribute, and write `DependsOn` as a logical ID or a list of them.",
    },
    Page {
        code: SCHEMA,
        summary: "A value breaks the schema of Serverless Framework 3.40.0: of an msk event, of a function key the compiler reads (`name`, `snapStart`, `provisionedConcurrency`, `role`) or of `resources.extensions`. With `configValidationMode: error` it stops the build (Serverless does the same); in the default `warn` mode it is a warning and the value is compiled as written, as Serverless does.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: orders\n    batchSize: 0        # must be >= 1",
        fix: "Change the value to satisfy the constraint in the message (ranges: batchSize 1-10000, maximumBatchingWindow 0-300; startingPosition LATEST, TRIM_HORIZON or AT_TIMESTAMP; consumerGroupId at most 200 characters; 1-10 filterPatterns).",
    },
    Page {
        code: STARTING_POSITION_TIMESTAMP,
        summary: "`startingPosition: AT_TIMESTAMP` needs `startingPositionTimestamp`; Serverless stops with this error.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: orders\n    startingPosition: AT_TIMESTAMP",
        fix: "Add `startingPositionTimestamp: <unix seconds>`, or choose LATEST / TRIM_HORIZON.",
    },
    Page {
        code: BOTH_ALIASES,
        summary: "A function enables both `provisionedConcurrency` and `snapStart`; Serverless rejects that combination.",
        example: "functions:\n  f:\n    provisionedConcurrency: 2\n    snapStart: true",
        fix: "Remove one of the two settings.",
    },
    Page {
        code: EVENTS_NOT_A_LIST,
        summary: "A function's `events` is not a list, so Serverless cannot iterate it (it crashes).",
        example: "functions:\n  f:\n    events:\n      msk: {...}",
        fix: "Write each event as a list item: `events:` then `- msk: ...`.",
    },
    Page {
        code: EVENT_NULL,
        summary: "An item of `events` is empty; Serverless crashes reading it.",
        example: "events:\n  -\n  - msk: {...}",
        fix: "Remove the empty item.",
    },
    Page {
        code: EVENT_NOT_AN_OBJECT,
        summary: "`msk` holds a scalar or a list instead of a mapping; Serverless crashes with a TypeError.",
        example: "- msk: arn:aws:kafka:us-east-1:111111111111:cluster/c/1",
        fix: "Write `msk:` as a mapping with at least `arn` and `topic`.",
    },
    Page {
        code: MISSING_KEY,
        summary: "An msk event lacks `arn` or `topic`. The schema reports it; in warn mode Serverless then crashes with a TypeError, because both name the resource.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1",
        fix: "Add the missing key.",
    },
    Page {
        code: NOT_A_STRING,
        summary: "`topic` is a mapping or a list; Serverless crashes (`topic.replace is not a function`).",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: {name: orders}",
        fix: "Write the topic name as a string.",
    },
    Page {
        code: ARN_WITHOUT_CLUSTER_NAME,
        summary: "The cluster ARN has no `/`, so it has no cluster name; Serverless names the resource after that segment and crashes without it (the schema only checks `^arn:`).",
        example: "arn: arn:aws:kafka:us-east-1:111111111111:cluster",
        fix: "Use the full ARN: `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`.",
    },
    Page {
        code: ARN_INTRINSIC_NOT_A_STRING,
        summary: "`Fn::ImportValue` (or `Ref`) in `arn` holds a nested function; the schema allows it, but Serverless names the resource after it and crashes (`name.replace is not a function`).",
        example: "arn:\n  Fn::ImportValue: !Sub ${Stage}-ClusterArn",
        fix: "Use a literal export name, or resolve it with a Serverless variable: `Fn::ImportValue: ${sls:stage}-ClusterArn`.",
    },
    Page {
        code: ARN_UNSUPPORTED,
        summary: "`arn` is a CloudFormation function other than `Ref`/`Fn::ImportValue` (usually `Fn::GetAtt`). Serverless' schema rejects it and in warn mode crashes (`eventSourceArn.split is not a function`).",
        example: "arn: !GetAtt MskCluster.Arn",
        fix: "An AWS::MSK::Cluster returns its ARN from `Ref`: write `arn: !Ref MskCluster`.",
    },
    Page {
        code: FILTER_PATTERNS_NOT_A_LIST,
        summary: "`filterPatterns` is a single mapping, not a list; Serverless warns and then crashes (`filterPatterns.map is not a function`).",
        example: "filterPatterns:\n  value: {a: [1]}",
        fix: "Make it a list: `filterPatterns:` then `- value: {a: [1]}`.",
    },
    Page {
        code: LOGICAL_ID_COLLISION,
        summary: "Two msk events of one function compile to the same logical ID (same cluster name and topic after removing non-alphanumerics). Serverless silently keeps only the last one, in the first one's position.",
        example: "- msk: {arn: .../cluster/my-cluster/1, topic: orders}\n- msk: {arn: .../cluster/my.cluster/2, topic: orders}",
        fix: "If both mappings are wanted, make the topic or cluster name differ in their letters or digits; otherwise remove the duplicate.",
    },
    Page {
        code: INTERNAL,
        summary: "The model declares something the compiler does not know. This is a bug in msk-events.",
        example: "(none)",
        fix: "Report it.",
    },
    Page {
        code: IO,
        summary: "A file could not be read or written.",
        example: "msk-compile compile missing.yml",
        fix: "Check the path and permissions.",
    },
    Page {
        code: TEMPLATE_INVALID,
        summary: "The `--template` file is not a JSON CloudFormation template with a `Resources` object.",
        example: "msk-compile compile --template notes.txt",
        fix: "Pass the `cloudformation-template-update-stack.json` that `serverless package` writes.",
    },
    Page {
        code: load::YAML_SYNTAX,
        summary: "The YAML text is not well-formed (or uses an alias before its anchor, or holds several documents). The position is where the parser stopped.",
        example: "functions:\n  consumer:\n    events:\n      - msk: {arn: x, topic: t",
        fix: "Close the bracket, fix the indentation or quote the value at the position shown.",
    },
    Page {
        code: load::YAML_UNKNOWN_TAG,
        summary: "A tag other than the 17 CloudFormation short forms (`!Ref`, `!GetAtt`, `!Sub`, `!ImportValue`, …) and YAML's `!!` types; Serverless rejects it too.",
        example: "arn: !Reff MskCluster",
        fix: "Use one of the supported tags (listed in the help), or the long form `{Ref: MskCluster}`.",
    },
    Page {
        code: load::YAML_TAG_MISMATCH,
        summary: "A `!!` type tag on a value that cannot have that type.",
        example: "batchSize: !!int ten",
        fix: "Remove the tag or fix the value.",
    },
    Page {
        code: load::YAML_DUPLICATE_KEY,
        summary: "The same key appears twice in one mapping; Serverless' YAML loader rejects the file.",
        example: "- msk:\n    topic: a\n    topic: b",
        fix: "Keep one of the two keys (the help names the line of the first).",
    },
    Page {
        code: load::YAML_INVALID_MERGE,
        summary: "A `<<` merge key whose value is not a mapping or a list of mappings.",
        example: "<<: 5",
        fix: "Merge an anchored mapping: `<<: *defaults`.",
    },
    Page {
        code: load::YAML_TOO_COMPLEX,
        summary: "The document nests too deeply, merges too many keys, or its aliases expand beyond the budget (a defence against alias bombs).",
        example: "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]   # …doubling on and on",
        fix: "Flatten the structure or reduce the aliasing.",
    },
    Page {
        code: load::JSON_SYNTAX,
        summary: "A `serverless.json` that is not valid JSON.",
        example: "{\"service\": \"s\",}",
        fix: "Fix the JSON at the position shown.",
    },
    Page {
        code: load::CONFIG_NOT_AN_OBJECT,
        summary: "The file is empty or its top level is not a mapping.",
        example: "- service: s",
        fix: "Write the configuration as a mapping (`service: …`, `provider: …`, `functions: …`).",
    },
    Page {
        code: load::VARIABLE_SYNTAX,
        summary: "A `${…}` variable that Serverless cannot parse (e.g. a variable nested inside a fallback, which v3 does not allow).",
        example: "batchSize: ${self:custom.missing, ${self:custom.size}}",
        fix: "Use a literal fallback (`${self:custom.missing, 5}`) or fix the syntax.",
    },
    Page {
        code: load::VARIABLE_UNRESOLVED,
        summary: "A variable has no value and no fallback, or its source needs AWS or other files (`ssm`, `cf`, `s3`, `aws`, `file`, `param`), which this offline tool does not read.",
        example: "arn: ${opt:clusterArn}",
        fix: "Pass the value (`--stage`, `--region`, an environment variable), add a fallback such as `${opt:stage, 'dev'}`, or replace the remote source with a literal.",
    },
    Page {
        code: load::VARIABLE_CYCLE,
        summary: "Variables refer to each other in a circle.",
        example: "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}",
        fix: "Break the circle with a literal value.",
    },
    Page {
        code: load::VARIABLE_INVALID,
        summary: "A variable resolved to a value that cannot be used there: `strToBool` of something other than true/false/0/1 (Serverless also rejects `strToBool(false)`), a mapping concatenated into a string, an unsupported `sls:` address.",
        example: "enabled: ${strToBool(false)}",
        fix: "Use a literal (`enabled: false`) or a value of the right kind.",
    },
    Page {
        code: load::VARIABLE_TOO_COMPLEX,
        summary: "`${self:…}` variables expand beyond the budget: a referenced value is copied where it is used, so values built from references to values built from references grow exponentially (the variable form of an alias bomb). Also when references to mappings keep looking through millions of unresolved properties.",
        example: "custom:\n  a0: [x, x, x, x, x, x, x, x, x, x]\n  a1: ['${self:custom.a0}', '${self:custom.a0}', …]   # ten of them\n  a2: ['${self:custom.a1}', '${self:custom.a1}', …]   # …and so on",
        fix: "Reference the shared value directly instead of nesting references, or write the value out.",
    },
    Page {
        code: TOO_LARGE,
        summary: "The config file is larger than 32 MiB; it is refused before parsing, so a hostile or runaway file costs nothing.",
        example: "(a generated serverless.yml of 50 MB)",
        fix: "Split the service, or shrink the file with anchors and variables instead of repeated values.",
    },
    Page {
        code: NOT_UTF8,
        summary: "The config file is not valid UTF-8 text; the position of the first bad byte is reported.",
        example: "(a serverless.yml saved in Latin-1 with an `é`)",
        fix: "Save the file as UTF-8.",
    },
];

/// The page for `code`, if it exists.
///
/// Codes compare case-insensitively, so `explain msk_arn_unsupported_intrinsic` works.
pub fn page(code: &str) -> Option<&'static Page> {
    PAGES
        .iter()
        .find(|page| page.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code constant declared in the sources has an explain page, and pages are unique.
    #[test]
    fn every_code_has_a_page() {
        let sources = [
            include_str!("codes.rs"),
            include_str!("load/mod.rs"),
            include_str!("../../msk-model/src/event.rs"),
        ];
        // Constants may be wrapped over two lines by rustfmt, so match across whitespace.
        let pattern =
            regex::Regex::new(r#"(?:pub const \w+: &str =|code =)\s*"([A-Z][A-Z0-9_]+)""#)
                .expect("valid pattern");
        let declared: Vec<String> = sources
            .iter()
            .flat_map(|source| {
                pattern
                    .captures_iter(source)
                    .map(|found| found[1].to_owned())
            })
            .collect();
        assert!(declared.len() >= 30, "found only {declared:?}");
        for code in &declared {
            assert!(page(code).is_some(), "no explain page for {code}");
        }
        let mut seen = std::collections::HashSet::new();
        for entry in PAGES {
            assert!(seen.insert(entry.code), "two pages for {}", entry.code);
            assert!(
                !entry.summary.is_empty() && !entry.example.is_empty() && !entry.fix.is_empty()
            );
        }
    }
}
