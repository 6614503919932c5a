//! Every diagnostic code msk-compile can report, each written once: its text (what users see,
//! search for and match in CI) and its `msk-compile explain` page. Shared vocabulary: the
//! model's `#[cfn(rule(…, code = Code::…))]` rules name them by path, and the loader,
//! the checker and the compiler report them.
//!
//! Codes Serverless itself has (`INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION`,
//! `FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID`, …) keep its text; the others are ours.

use std::fmt;

/// One `explain` page: what the code means, an example that triggers it, and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub summary: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

/// Declares [`Code`] with each variant's text and page, so neither is written twice.
macro_rules! codes {
    ($($variant:ident = $text:literal {
        summary: $summary:literal,
        example: $example:literal,
        fix: $fix:literal $(,)?
    })*) => {
        /// A diagnostic code. Its text ([`Code::as_str`]) is stable; new codes may be added.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in the order `msk-compile explain` lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code's text, such as `MSK_LOGICAL_ID_COLLISION`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The page `msk-compile explain CODE` prints.
            pub const fn page(self) -> Page {
                match self {
                    $(Code::$variant => Page { summary: $summary, example: $example, fix: $fix },)*
                }
            }
        }
    };
}

impl Code {
    /// The code with this text, compared case-insensitively (`explain msk_internal` works).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with a code's text (Serverless' error codes arrive as strings).
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

codes! {
    Schema = "INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION" {
        summary: "A value breaks the schema of Serverless Framework 3.40.0: of an msk event, of a function key the compiler reads (`name`, `snapStart`, `provisionedConcurrency`, `role`) or of `resources.extensions`. With `configValidationMode: error` it stops the build (Serverless does the same); in the default `warn` mode it is a warning and the value is compiled as written, as Serverless does.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: orders\n    batchSize: 0        # must be >= 1",
        fix: "Change the value to satisfy the constraint in the message (ranges: batchSize 1-10000, maximumBatchingWindow 0-300; startingPosition LATEST, TRIM_HORIZON or AT_TIMESTAMP; consumerGroupId at most 200 characters; 1-10 filterPatterns).",
    }
    StartingPositionTimestamp = "FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID" {
        summary: "`startingPosition: AT_TIMESTAMP` needs `startingPositionTimestamp`; Serverless stops with this error.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: orders\n    startingPosition: AT_TIMESTAMP",
        fix: "Add `startingPositionTimestamp: <unix seconds>`, or choose LATEST / TRIM_HORIZON.",
    }
    BothAliases = "FUNCTION_BOTH_PROVISIONED_CONCURRENCY_AND_SNAPSTART_ENABLED_ERROR" {
        summary: "A function enables both `provisionedConcurrency` and `snapStart`; Serverless rejects that combination.",
        example: "functions:\n  f:\n    provisionedConcurrency: 2\n    snapStart: true",
        fix: "Remove one of the two settings.",
    }
    FrameworkVersionMismatch = "FRAMEWORK_VERSION_MISMATCH" {
        summary: "The config's `frameworkVersion` range does not hold the framework's version (osls 4.3.1 under the osls host); the framework stops before compiling anything.",
        example: "frameworkVersion: '3'   # under --profile osls",
        fix: "Write a range that holds the framework's version, e.g. `frameworkVersion: '>=3'` for a service that runs under Serverless v3 and osls.",
    }
    InvalidFrameworkVersion = "INVALID_FRAMEWORK_VERSION" {
        summary: "`frameworkVersion` is not a semver range (a number, say); in `error` mode the framework stops (osls' default mode), otherwise it skips the version check.",
        example: "frameworkVersion: 3",
        fix: "Write the range as a string: `frameworkVersion: '3'`.",
    }
    DurableEsmTimeout = "DURABLE_FUNCTION_ESM_TIMEOUT_UNSUPPORTED" {
        summary: "osls: a durable function (`durableConfig`) with an event source mapping (an msk event) has a `durableConfig.executionTimeout` over 900 seconds; event source mappings invoke durable functions synchronously, for at most 15 minutes.",
        example: "functions:\n  f:\n    durableConfig: {executionTimeout: 3600}\n    events:\n      - msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1, topic: orders}",
        fix: "Set `durableConfig.executionTimeout` to 900 or less, or move the msk event to a function that is not durable.",
    }
    EventsNotAList = "MSK_EVENTS_NOT_A_LIST" {
        summary: "A function's `events` is not a list, so Serverless cannot iterate it (it crashes).",
        example: "functions:\n  f:\n    events:\n      msk: {...}",
        fix: "Write each event as a list item: `events:` then `- msk: ...`.",
    }
    EventNull = "MSK_EVENT_NULL" {
        summary: "An item of `events` is empty; Serverless crashes reading it.",
        example: "events:\n  -\n  - msk: {...}",
        fix: "Remove the empty item.",
    }
    EventNotAnObject = "MSK_EVENT_NOT_AN_OBJECT" {
        summary: "`msk` holds a scalar or a list instead of a mapping; Serverless crashes with a TypeError.",
        example: "- msk: arn:aws:kafka:us-east-1:111111111111:cluster/c/1",
        fix: "Write `msk:` as a mapping with at least `arn` and `topic`.",
    }
    MissingKey = "MSK_REQUIRED_KEY_MISSING" {
        summary: "An msk event lacks `arn` or `topic`. The schema reports it; in warn mode Serverless then crashes with a TypeError, because both name the resource.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1",
        fix: "Add the missing key.",
    }
    TopicNotAString = "MSK_TOPIC_NOT_A_STRING" {
        summary: "`topic` is a mapping or a list; Serverless crashes (`topic.replace is not a function`).",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n    topic: {name: orders}",
        fix: "Write the topic name as a string.",
    }
    ArnWithoutClusterName = "MSK_ARN_WITHOUT_CLUSTER_NAME" {
        summary: "The cluster ARN has no `/`, so it has no cluster name; Serverless names the resource after that segment and crashes without it (the schema only checks `^arn:`).",
        example: "arn: arn:aws:kafka:us-east-1:111111111111:cluster",
        fix: "Use the full ARN: `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`.",
    }
    ArnIntrinsicNotAString = "MSK_ARN_INTRINSIC_NOT_A_STRING" {
        summary: "`Fn::ImportValue` (or `Ref`) in `arn` holds a nested function; the schema allows it, but Serverless names the resource after it and crashes (`name.replace is not a function`).",
        example: "arn:\n  Fn::ImportValue: !Sub ${Stage}-ClusterArn",
        fix: "Use a literal export name, or resolve it with a Serverless variable: `Fn::ImportValue: ${sls:stage}-ClusterArn`.",
    }
    ArnUnsupportedIntrinsic = "MSK_ARN_UNSUPPORTED_INTRINSIC" {
        summary: "`arn` is a CloudFormation function other than `Ref`/`Fn::ImportValue` (usually `Fn::GetAtt`). Serverless' schema rejects it and in warn mode crashes (`eventSourceArn.split is not a function`).",
        example: "arn: !GetAtt MskCluster.Arn",
        fix: "An AWS::MSK::Cluster returns its ARN from `Ref`: write `arn: !Ref MskCluster`.",
    }
    FilterPatternsNotAList = "MSK_FILTER_PATTERNS_NOT_A_LIST" {
        summary: "`filterPatterns` is a single mapping, not a list; Serverless warns and then crashes (`filterPatterns.map is not a function`).",
        example: "filterPatterns:\n  value: {a: [1]}",
        fix: "Make it a list: `filterPatterns:` then `- value: {a: [1]}`.",
    }
    LogicalIdCollision = "MSK_LOGICAL_ID_COLLISION" {
        summary: "Two msk events of one function compile to the same logical ID (same cluster name and topic after removing non-alphanumerics). Serverless silently keeps only the last one, in the first one's position.",
        example: "- msk: {arn: .../cluster/my-cluster/1, topic: orders}\n- msk: {arn: .../cluster/my.cluster/2, topic: orders}",
        fix: "If both mappings are wanted, make the topic or cluster name differ in their letters or digits; otherwise remove the duplicate.",
    }
    Internal = "MSK_INTERNAL" {
        summary: "The model declares something the compiler does not know. This is a bug in msk-events.",
        example: "(none)",
        fix: "Report it.",
    }
    Io = "MSK_IO_ERROR" {
        summary: "A file could not be read or written.",
        example: "msk-compile compile missing.yml",
        fix: "Check the path and permissions.",
    }
    NotAFile = "MSK_NOT_A_REGULAR_FILE" {
        summary: "A config or `--template` named on the command line is a directory, a device, a FIFO (pipe) or a socket. Only regular files are read by name, so `/dev/zero` or an endless pipe cannot make the tool read forever.",
        example: "msk-compile compile /dev/zero\nmsk-compile compile <(generate-config)",
        fix: "Name a regular file. To read a config from a pipe, pass `-` as CONFIG (it is read from stdin, up to 32 MiB).",
    }
    TemplateTooLarge = "MSK_TEMPLATE_TOO_LARGE" {
        summary: "The `--template` file is larger than 64 MiB (64 times CloudFormation's own 1 MB limit on a template); it is refused after reading at most that much.",
        example: "msk-compile compile --template huge.json",
        fix: "Pass the `cloudformation-template-update-stack.json` that `serverless package` writes.",
    }
    OutputNotWritable = "MSK_OUTPUT_NOT_WRITABLE" {
        summary: "The file `--in-place` or `--output` would replace has no write permission (e.g. mode 0444), or is not a regular file. It is left as it is: replacing it would silently defeat the permission.",
        example: "chmod 444 template.json\nmsk-compile compile --template template.json --in-place",
        fix: "Make the file writable (`chmod u+w`) if it should be replaced, or write elsewhere with `--output`.",
    }
    MemoryLimit = "MSK_MEMORY_LIMIT" {
        summary: "The run may need more memory than the process is allowed (`ulimit -v`): up to 64 bytes per byte of config and 12 per byte of template, plus 192 MiB. It stops before reading further, with nothing written, rather than failing midway.",
        example: "ulimit -v 300000\nmsk-compile compile huge-serverless.yml",
        fix: "Raise the limit (`ulimit -v`), or compile a smaller config.",
    }
    TemplateLocked = "MSK_TEMPLATE_LOCKED" {
        summary: "Another process held the lock on the `--in-place` template for the whole wait (60 seconds unless `--lock-timeout` says otherwise). `--in-place` runs take turns through an advisory lock (`flock`) on the template; the run said after a second that it waits, and for which process. Nothing was written.",
        example: "flock cloudformation-template-update-stack.json sleep 600 &\nmsk-compile compile --template cloudformation-template-update-stack.json --in-place",
        fix: "Let the other run finish (the message names it), or give a longer `--lock-timeout SECONDS`.",
    }
    TemplateInvalid = "MSK_TEMPLATE_INVALID" {
        summary: "The `--template` file is not a JSON CloudFormation template with a `Resources` object.",
        example: "msk-compile compile --template notes.txt",
        fix: "Pass the `cloudformation-template-update-stack.json` that `serverless package` writes.",
    }
    ExtensionNotExisting = "RESOURCE_EXTENSION_NOT_EXISTING" {
        summary: "`resources.extensions` names a mapping that no msk event compiles to (often a typo, or a logical ID that changed with the topic or cluster name); Serverless stops with this error. Only names of msk mappings (`…EventSourceMappingMSK…`) are checked; other resources are the framework's.",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrder:   # the event compiles to …OrdersOrders\n      Properties: {BatchSize: 5}",
        fix: "Use the logical ID printed by `msk-compile compile` (the keys of `Resources`).",
    }
    ExtensionUnsupportedAttribute = "RESOURCE_EXTENSION_UNSUPPORTED_ATTRIBUTE" {
        summary: "A resource extension sets an attribute Serverless cannot extend (only `Properties`, `DependsOn`, `Metadata`, `Condition`, `CreationPolicy`, `DeletionPolicy`, `UpdatePolicy` and `UpdateReplacePolicy`); Serverless stops with this error.",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrders:\n      Type: AWS::Lambda::EventSourceMapping",
        fix: "Remove the attribute; to replace the whole resource, define it under `resources.Resources` instead.",
    }
    ExtensionNotApplicable = "MSK_RESOURCE_EXTENSION_NOT_APPLICABLE" {
        summary: "A resource extension cannot be applied: it is empty (`null`), its `DependsOn` is not a list, or it spreads a string or list of over 100 000 characters or items into keys. Serverless crashes on the first two with a bare TypeError (`Cannot convert undefined or null to object`, `Spread syntax requires ...iterable[Symbol.iterator] to be a function`).",
        example: "resources:\n  extensions:\n    ConsumerEventSourceMappingMSKOrdersOrders:\n      DependsOn: {KafkaSecret: true}",
        fix: "Give the extension at least one attribute, and write `DependsOn` as a logical ID or a list of them.",
    }
    YamlSyntax = "YAML_SYNTAX" {
        summary: "The YAML text is not well-formed (or uses an alias before its anchor, or holds several documents). The position is where the parser stopped.",
        example: "functions:\n  consumer:\n    events:\n      - msk: {arn: x, topic: t",
        fix: "Close the bracket, fix the indentation or quote the value at the position shown.",
    }
    YamlUnknownTag = "YAML_UNKNOWN_TAG" {
        summary: "A tag other than the 17 CloudFormation short forms (`!Ref`, `!GetAtt`, `!Sub`, `!ImportValue`, …) and YAML's `!!` types; Serverless rejects it too.",
        example: "arn: !Reff MskCluster",
        fix: "Use one of the supported tags (listed in the help), or the long form `{Ref: MskCluster}`.",
    }
    YamlTagMismatch = "YAML_TAG_MISMATCH" {
        summary: "A `!!` type tag on a value that cannot have that type.",
        example: "batchSize: !!int ten",
        fix: "Remove the tag or fix the value.",
    }
    YamlDuplicateKey = "YAML_DUPLICATE_KEY" {
        summary: "The same key appears twice in one mapping; Serverless' YAML loader rejects the file.",
        example: "- msk:\n    topic: a\n    topic: b",
        fix: "Keep one of the two keys (the help names the line of the first).",
    }
    YamlInvalidMerge = "YAML_INVALID_MERGE" {
        summary: "A `<<` merge key whose value is not a mapping or a list of mappings.",
        example: "<<: 5",
        fix: "Merge an anchored mapping: `<<: *defaults`.",
    }
    YamlTooComplex = "YAML_TOO_COMPLEX" {
        summary: "The document nests too deeply, merges too many keys, or its aliases expand beyond the budget (a defence against alias bombs).",
        example: "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]   # …doubling on and on",
        fix: "Flatten the structure or reduce the aliasing.",
    }
    JsonSyntax = "JSON_SYNTAX" {
        summary: "A `serverless.json` that is not valid JSON.",
        example: "{\"service\": \"s\",}",
        fix: "Fix the JSON at the position shown.",
    }
    MergeInvalidInput = "LEGACY_CONFIGURATION_PROPERTY_MERGE_INVALID_INPUT" {
        summary: "`functions` or `resources` is written as a list (Serverless merges the items into one mapping, as lodash's `_.merge` does) and an item is not a mapping; Serverless stops with this error. Empty items (`null`, `\"\"`) are skipped.",
        example: "functions:\n  - ${file(functions/orders.yml)}\n  - just-a-string",
        fix: "Make every item a mapping of functions (or of `Resources`/`Outputs`/`extensions`), or remove it.",
    }
    ConfigNotAnObject = "CONFIG_NOT_AN_OBJECT" {
        summary: "The file is empty or its top level is not a mapping.",
        example: "- service: s",
        fix: "Write the configuration as a mapping (`service: …`, `provider: …`, `functions: …`).",
    }
    VariableSyntax = "VARIABLE_SYNTAX" {
        summary: "A `${…}` variable that Serverless cannot parse (e.g. a variable nested inside a fallback, which v3 does not allow).",
        example: "batchSize: ${self:custom.missing, ${self:custom.size}}",
        fix: "Use a literal fallback (`${self:custom.missing, 5}`) or fix the syntax.",
    }
    VariableUnresolved = "VARIABLE_UNRESOLVED" {
        summary: "A variable has no value and no fallback (a missing option, environment variable, file, key or param), or its source needs AWS (`ssm`, `cf`, `s3`, `aws`, `sls:instanceId`) or a plugin, which this offline tool does not call.",
        example: "arn: ${ssm:/prod/msk/arn}",
        fix: "Pass the value (`--stage`, `--region`, `--param`, an environment variable), add a fallback such as `${opt:stage, 'dev'}`, give remote values in a values file (`--values values.yml` with `ssm:/prod/msk/arn: arn:aws:kafka:…`), or compile the config Serverless resolved (`serverless print --format json > resolved.json`, then `--resolved resolved.json`).",
    }
    VariableFile = "VARIABLE_FILE" {
        summary: "A `${file(…)}` names something that is not a readable text file: a directory, a device (`/dev/zero`), a FIFO or socket, a file that would take the config and its includes past 32 MiB, or a file that is not UTF-8. The position is in the included file where there is one.",
        example: "custom:\n  cluster: ${file(./config)}   # config is a directory",
        fix: "Point the variable at a regular YAML, JSON or text file, saved as UTF-8.",
    }
    VariableCycle = "VARIABLE_CYCLE" {
        summary: "Variables refer to each other in a circle.",
        example: "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}",
        fix: "Break the circle with a literal value.",
    }
    VariableInvalid = "VARIABLE_INVALID" {
        summary: "A variable resolved to a value that cannot be used there: `strToBool` of something other than true/false/0/1 (Serverless also rejects `strToBool(false)`), a mapping concatenated into a string, an unsupported `sls:` address.",
        example: "enabled: ${strToBool(false)}",
        fix: "Use a literal (`enabled: false`) or a value of the right kind.",
    }
    VariableTooComplex = "VARIABLE_TOO_COMPLEX" {
        summary: "`${self:…}` variables expand beyond the budget: a referenced value is copied where it is used, so values built from references to values built from references grow exponentially (the variable form of an alias bomb). Also when references to mappings keep looking through millions of unresolved properties.",
        example: "custom:\n  a0: [x, x, x, x, x, x, x, x, x, x]\n  a1: ['${self:custom.a0}', '${self:custom.a0}', …]   # ten of them\n  a2: ['${self:custom.a1}', '${self:custom.a1}', …]   # …and so on",
        fix: "Reference the shared value directly instead of nesting references, or write the value out.",
    }
    ConfigTooLarge = "CONFIG_TOO_LARGE" {
        summary: "The config file is larger than 32 MiB; it is refused before parsing, so a hostile or runaway file costs nothing.",
        example: "(a generated serverless.yml of 50 MB)",
        fix: "Split the service, or shrink the file with anchors and variables instead of repeated values.",
    }
    ConfigNotUtf8 = "CONFIG_NOT_UTF8" {
        summary: "The config file is not valid UTF-8 text; the position of the first bad byte is reported.",
        example: "(a serverless.yml saved in Latin-1 with an `é`)",
        fix: "Save the file as UTF-8.",
    }
    // The extended profile (`--profile extended`).
    ProfileUnknown = "MSK_PROFILE_UNKNOWN" {
        summary: "`custom.mskEvents.profile` names no profile (or `custom.mskEvents.host` no host). The profiles are `serverless-v3` (the default: Serverless Framework 3.40.0's output, byte for byte), `osls` (osls 4.3.1's output, byte for byte) and `extended` (every MSK property of CloudFormation, least-privilege IAM, on the host's behaviour); the hosts `serverless-v3` and `osls`.",
        example: "custom:\n  mskEvents:\n    profile: extendd",
        fix: "Write `profile: extended`, or remove the key. `--profile` on the command line wins over it.",
    }
    CloudFormationRejects = "MSK_CLOUDFORMATION_REJECTS" {
        summary: "A value Serverless writes into the mapping breaks a constraint of CloudFormation's schema for `AWS::Lambda::EventSourceMapping` (type, range, length, pattern, allowed values, item count or repeated items), so the deploy would fail. The help names the property and the constraint. Under `serverless-v3` it is a warning (the output stays Serverless'; `--deny-warnings` fails on it), under `extended` an error, whatever `configValidationMode` says.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: orders\n    batchSize: 2.5",
        fix: "Write a value within the constraint the help names (here a whole number from 1 to 10000).",
    }
    TopicInvalid = "MSK_TOPIC_INVALID" {
        summary: "The topic does not match CloudFormation's `Topics` item pattern `^[^.]([a-zA-Z0-9\\-_.]+)` or is longer than 249 characters, so CloudFormation would reject the mapping at deploy time: an error under `extended`, a warning under `serverless-v3`.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: .orders",
        fix: "Use the topic's Kafka name: 2 to 249 letters, digits, `.`, `_` or `-`, not starting with `.`.",
    }
    AuthConflict = "MSK_AUTH_CONFLICT" {
        summary: "Extended profile: an event sets two ways of authenticating (`saslScram512`, `clientCertificateTlsAuth`, `iamAuth: true`). A mapping uses one.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: orders\n    saslScram512: arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_a\n    iamAuth: true",
        fix: "Keep the key of the authentication the cluster's clients use.",
    }
    ProvisionedPollersInvalid = "MSK_PROVISIONED_POLLERS_INVALID" {
        summary: "Extended profile: `provisionedPollers` is out of CloudFormation's ranges (`min` 1-200, `max` 1-2000, `group` 1-128 characters of `a-zA-Z0-9-_`) or `min` is greater than `max`.",
        example: "provisionedPollers:\n  min: 10\n  max: 2",
        fix: "Set `min` ≤ `max` within the ranges, or `provisionedPollers: false` for on-demand polling.",
    }
    RequiresProvisionedMode = "MSK_REQUIRES_PROVISIONED_MODE" {
        summary: "Extended profile: a key that works in provisioned mode only (`schemaRegistry`, `logLevel`, the `KafkaMetrics` metric, `maximumRetryAttempts`, `maximumRecordAgeInSeconds`, `bisectBatchOnFunctionError`, `functionResponseType`, a `kafka://` destination) is set on an event without `provisionedPollers`. Lambda rejects it at deploy time.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: orders\n    logLevel: INFO",
        fix: "Add `provisionedPollers: {min: 1, max: 2}` (your sizes) to the event, or remove the key.",
    }
    DestinationIsSourceTopic = "MSK_DESTINATION_IS_SOURCE_TOPIC" {
        summary: "Extended profile: the `kafka://` on-failure destination is the topic the event reads; Lambda requires another topic.",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: orders\n    destinations:\n      onFailure: kafka://orders",
        fix: "Send failed records to a topic of their own, e.g. `kafka://orders-dlt`.",
    }
    DestinationsInvalid = "MSK_DESTINATIONS_INVALID" {
        summary: "Extended profile: `destinations` is not `{onFailure: <SQS, SNS or S3 ARN | kafka://topic | {arn, type}>}`.",
        example: "destinations:\n  onFailure: my-queue",
        fix: "Write the queue, topic or bucket ARN, `kafka://<topic>`, or `{arn: !GetAtt Queue.Arn, type: sqs}`.",
    }
    ClientCertificateTlsAuthInvalid = "MSK_CLIENT_CERTIFICATE_TLS_AUTH_INVALID" {
        summary: "Extended profile: `clientCertificateTlsAuth` is not the ARN of a Secrets Manager secret.",
        example: "clientCertificateTlsAuth: my-cert",
        fix: "Write the secret's ARN (`arn:aws:secretsmanager:…`).",
    }
    IamAuthInvalid = "MSK_IAM_AUTH_INVALID" {
        summary: "Extended profile: `iamAuth` is not a boolean.",
        example: "iamAuth: yes please",
        fix: "Write `iamAuth: true`.",
    }
    KmsKeyArnInvalid = "MSK_KMS_KEY_ARN_INVALID" {
        summary: "Extended profile: `kmsKeyArn` is not a KMS key ARN of 12-2048 characters.",
        example: "kmsKeyArn: alias/mine",
        fix: "Write the key's ARN (`arn:aws:kms:…:key/…`).",
    }
    SecretsKmsKeyArnInvalid = "MSK_SECRETS_KMS_KEY_ARN_INVALID" {
        summary: "Extended profile: `secretsKmsKeyArn` is not a KMS key ARN.",
        example: "secretsKmsKeyArn: alias/mine",
        fix: "Write the key's ARN (`arn:aws:kms:…:key/…`).",
    }
    MetricsInvalid = "MSK_METRICS_INVALID" {
        summary: "Extended profile: `metrics` is not a list of 1-3 different metrics of `EventCount`, `ErrorCount`, `KafkaMetrics`.",
        example: "metrics: [Lag]",
        fix: "List each metric once, by its CloudFormation name.",
    }
    LogLevelInvalid = "MSK_LOG_LEVEL_INVALID" {
        summary: "Extended profile: `logLevel` is not `DEBUG`, `INFO` or `WARN`.",
        example: "logLevel: ERROR",
        fix: "Use one of DEBUG, INFO, WARN.",
    }
    MaximumRetryAttemptsInvalid = "MSK_MAXIMUM_RETRY_ATTEMPTS_INVALID" {
        summary: "Extended profile: `maximumRetryAttempts` is not an integer from -1 to 10000.",
        example: "maximumRetryAttempts: 20000",
        fix: "Use -1 (until the record expires) or 0-10000.",
    }
    MaximumRecordAgeInvalid = "MSK_MAXIMUM_RECORD_AGE_INVALID" {
        summary: "Extended profile: `maximumRecordAgeInSeconds` is not -1 or 60-604800.",
        example: "maximumRecordAgeInSeconds: 30",
        fix: "Use -1 (no limit) or 60 to 604800 seconds.",
    }
    BisectBatchInvalid = "MSK_BISECT_BATCH_INVALID" {
        summary: "Extended profile: `bisectBatchOnFunctionError` is not a boolean.",
        example: "bisectBatchOnFunctionError: sometimes",
        fix: "Write true or false.",
    }
    FunctionResponseTypeInvalid = "MSK_FUNCTION_RESPONSE_TYPE_INVALID" {
        summary: "Extended profile: `functionResponseType` is not `ReportBatchItemFailures`.",
        example: "functionResponseType: Partial",
        fix: "Write `functionResponseType: ReportBatchItemFailures`.",
    }
    TagsInvalid = "MSK_TAGS_INVALID" {
        summary: "Extended profile: `tags` is not a mapping of keys of 1-128 characters to string values of at most 256.",
        example: "tags:\n  team: [a, b]",
        fix: "Write each tag as `Key: Value` with a string value.",
    }
    SchemaRegistryInvalid = "MSK_SCHEMA_REGISTRY_INVALID" {
        summary: "Extended profile: `schemaRegistry` lacks `uri`, `eventRecordFormat` or `validate`, or a value is out of CloudFormation's enums and lengths.",
        example: "schemaRegistry:\n  uri: arn:aws:glue:us-east-1:111111111111:registry/r\n  eventRecordFormat: AVRO",
        fix: "`eventRecordFormat` is JSON or SOURCE; `validate` lists KEY and/or VALUE; `accessConfigs` has at most two `{type, uri}`.",
    }
    ArnNotAnMskArn = "MSK_ARN_NOT_AN_MSK_ARN" {
        summary: "Extended profile: `iamAuth` or a `kafka://` destination needs the topic and group ARNs, which are built from the cluster's name and UUID, and the literal `arn` is not of the form `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>` (or a VPC connection's).",
        example: "arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders\niamAuth: true",
        fix: "Write the full cluster ARN, or a `Ref`/`Fn::GetAtt` of the cluster (the ARNs are then built at deploy time).",
    }
    ConsumerGroupUnset = "MSK_CONSUMER_GROUP_UNSET" {
        summary: "Extended profile, warning: with `iamAuth: true` and no `consumerGroupId`, Lambda names the consumer group after the mapping's UUID, which is unknown at build time, so the role gets `kafka-cluster:AlterGroup`/`DescribeGroup` on every group of the cluster (`group/<cluster>/<uuid>/*`).",
        example: "- msk:\n    arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1\n    topic: orders\n    iamAuth: true",
        fix: "Set `consumerGroupId` (unique among your Kafka event sources); the grant is then that group only.",
    }
    RoleOutsideTemplate = "MSK_ROLE_OUTSIDE_TEMPLATE" {
        summary: "Extended profile, warning: a function with msk events uses a role that is not an `AWS::IAM::Role` of this template (an ARN, an import, a `Ref`), so the statements it needs cannot be added; the message lists them.",
        example: "functions:\n  f:\n    role: arn:aws:iam::111111111111:role/shared",
        fix: "Add the listed statements to that role, or define the role under `resources.Resources` and write `role: <LogicalId>`.",
    }
    MappingReplaced = "MSK_MAPPING_REPLACED" {
        summary: "`msk-compile diff`, warning: an msk mapping keeps its logical ID but a property CloudFormation cannot update changes (`EventSourceArn`, `StartingPosition`, `StartingPositionTimestamp`, `SelfManagedEventSource`: the resource schema's `createOnlyProperties`, \"Update requires: Replacement\" in https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html). CloudFormation creates a new mapping, then deletes the old one (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html). What that does to the consumer group is `MSK_OFFSETS_RESET` or `MSK_CONSUMER_GROUP_REUSED`.",
        example: "# deployed\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders}\n# now\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders, startingPosition: LATEST}",
        fix: "Nothing, if a new mapping is what you want (read the error that comes with it). Otherwise change back the property the message names; `batchSize`, `enabled`, `maximumBatchingWindow`, `filterPatterns` and the function's alias are updated in place.",
    }
    MappingMoved = "MSK_MAPPING_MOVED" {
        summary: "`msk-compile diff`, warning: an msk mapping disappears and one with the same `EventSourceArn` and `Topics` appears under another logical ID (the function, the topic's or the cluster's name changed: Serverless names the mapping `<Function>EventSourceMappingMSK<Cluster><Topic>`). To CloudFormation that is a new resource, created during the update, and the old one deleted in the clean-up that follows (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html): a new mapping with a new consumer group, unless `consumerGroupId` pins it.",
        example: "functions:\n  consumer:          # renamed from `worker`\n    events:\n      - msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders}",
        fix: "Keep the old names if the move is not wanted; otherwise see the error that comes with it (`MSK_OFFSETS_RESET` or `MSK_CONSUMER_GROUP_REUSED`).",
    }
    MappingRemoved = "MSK_MAPPING_REMOVED" {
        summary: "`msk-compile diff`, warning: an msk mapping disappears and no mapping of the same cluster and topics takes its place. CloudFormation deletes it; its consumer group stops consuming. Kafka keeps the group's committed offsets only for the broker's `offsets.retention.minutes` (7 days by default), and a mapping added later joins its group only if it pins the same `consumerGroupId` (https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html).",
        example: "# deployed\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders}\n# now: the event (or its function) is gone",
        fix: "Nothing, if the function should stop consuming the topic. If the mapping comes back later, give it the same `consumerGroupId` (for a mapping without one: the mapping's UUID, which Lambda used as the group) to resume from the committed offsets.",
    }
    OffsetsReset = "MSK_OFFSETS_RESET" {
        summary: "`msk-compile diff`, error: a replaced or moved msk mapping has no `ConsumerGroupId`, so the new mapping is a new consumer group (named after its UUID) that starts at its `StartingPosition` (https://docs.aws.amazon.com/lambda/latest/dg/kafka-starting-positions.html): with `TRIM_HORIZON` (Serverless' default) it replays every message the topic retains into the function, with `AT_TIMESTAMP` every message since the timestamp, and with `LATEST` it skips what arrives until it starts polling, which can take several minutes after its creation. A group that already exists would be resumed from its committed offsets instead (https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html).",
        example: "# deployed\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders}\n# now (a new logical ID: …MSKOrdersOrdersV2)\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders-v2}",
        fix: "Revert the change, or keep the offsets with two deploys: first remove the mapping, then add it back with `consumerGroupId` set to the old group (the old mapping's UUID, `aws lambda list-event-source-mappings` shows it): Lambda joins the existing group and resumes from its committed offsets while Kafka keeps them. If replaying (or skipping) is intended, acknowledge it (the plugin's `custom.mskEvents.allowReplacement: true`).",
    }
    ConsumerGroupReused = "MSK_CONSUMER_GROUP_REUSED" {
        summary: "`msk-compile diff`, error: a replaced or moved msk mapping keeps its pinned `ConsumerGroupId`. CloudFormation creates the new mapping before it deletes the old one (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html), and a consumer group ID must be unique among all Kafka event sources (https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html): the creation fails and the stack update rolls back.",
        example: "# deployed\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders, consumerGroupId: orders-consumer}\n# now\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders, consumerGroupId: orders-consumer, startingPosition: LATEST}",
        fix: "Deploy twice: first without the mapping (remove the event), then add it back with the same `consumerGroupId`. The new mapping finds the group and resumes from its committed offsets, ignoring `StartingPosition`, as long as Kafka keeps them (`offsets.retention.minutes`, 7 days by default).",
    }
    ConsumerGroupImmutable = "MSK_CONSUMER_GROUP_IMMUTABLE" {
        summary: "`msk-compile diff`, error: `ConsumerGroupId` is added, removed or changed on an msk mapping CloudFormation updates in place. CloudFormation's schema lets it try, but Lambda refuses: \"After creating a Kafka event source mapping with the consumer group ID specified, you cannot update this value\" (https://docs.aws.amazon.com/lambda/latest/api/API_AmazonManagedKafkaEventSourceConfig.html, https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html). The update fails and the stack rolls back.",
        example: "# deployed\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders}\n# now\n- msk: {arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/1, topic: orders, consumerGroupId: orders-consumer}",
        fix: "Revert the change, or deploy twice: first remove the mapping, then add it back with the new `consumerGroupId`. To keep the offsets when pinning a group for the first time, pin the group the mapping already uses (its UUID).",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_unique_and_pages_complete() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "two codes {code}");
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
            let page = code.page();
            assert!(!page.summary.is_empty() && !page.example.is_empty() && !page.fix.is_empty());
        }
        assert_eq!(Code::parse("NO_SUCH_CODE"), None);
    }
}
