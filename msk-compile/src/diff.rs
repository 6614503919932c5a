//! What a stack update does to the msk mappings, judged on two CloudFormation templates: the
//! deployed one (OLD) and the one about to be deployed (NEW). A mapping CloudFormation
//! replaces, moves to another logical ID or removes is a finding, and so is what that does to
//! its consumer group: a new group starting at `StartingPosition` (offsets reset), a pinned
//! group created twice (the deploy fails), or a pinned group changed in place (Lambda refuses).
//! Changes CloudFormation makes in place are none. The facts come from
//! `msk_model::replacement`; each finding is a diagnostic about a mapping's logical ID.

use std::collections::{HashMap, HashSet, VecDeque};

use msk_model::arn::Arn;
use msk_model::replacement::{CONSUMER_GROUP_ID, CREATE_ONLY_PROPERTIES, property_name};
use serde_json::Value as Json;

use crate::diag::{Code, Diagnostic, SourceText};
use crate::json::{stringify_compact, to_json};
use crate::load::{self, Format};
use crate::tree::{Entry, Node, Span};

/// The resource type of the mappings compared.
const EVENT_SOURCE_MAPPING: &str = "AWS::Lambda::EventSourceMapping";

/// A template as read: the name diagnostics give it and its text.
#[derive(Debug, Clone, Copy)]
pub struct TemplateText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Which of the two templates something is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// A template that is not JSON with a `Resources` object (`MSK_TEMPLATE_INVALID`); the
/// diagnostic's span points into that template.
#[derive(Debug, Clone)]
pub struct InvalidTemplate {
    pub side: Side,
    pub diagnostic: Box<Diagnostic>,
}

/// The findings, in OLD's order of the mappings. Spans point into NEW (offsets from 0) or,
/// for a mapping only OLD has, into OLD, which `files` holds (see [`SourceText::locate`]).
#[derive(Debug, Clone)]
pub struct Comparison {
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<SourceText>,
}

impl Comparison {
    /// The findings without positions: for a NEW template that exists only in memory (the
    /// output of `compile --against`), whose lines mean nothing to the user.
    pub fn without_positions(self) -> Vec<Diagnostic> {
        self.diagnostics
            .into_iter()
            .map(|mut diagnostic| {
                diagnostic.span = None;
                diagnostic
            })
            .collect()
    }
}

/// Compares the msk mappings of two templates.
pub fn compare(
    old: TemplateText<'_>,
    new: TemplateText<'_>,
) -> Result<Comparison, InvalidTemplate> {
    let base = new.text.len() + 1;
    let old_root = parse(old.text, Side::Old, base)?;
    let new_root = parse(new.text, Side::New, 0)?;
    let old_mappings = mappings(&old_root);
    let new_mappings = mappings(&new_root);
    let new_by_id: HashMap<&str, &Mapping<'_>> = new_mappings
        .iter()
        .map(|mapping| (mapping.id, mapping))
        .collect();
    let old_ids: HashSet<&str> = old_mappings.iter().map(|mapping| mapping.id).collect();
    // Mappings only NEW has: the candidates to succeed a mapping that disappears.
    let mut arrivals = Arrivals::new(
        new_mappings
            .iter()
            .filter(|mapping| mapping.msk && !old_ids.contains(mapping.id))
            .collect(),
    );
    let mut diagnostics = Vec::new();
    for before in old_mappings.iter().filter(|mapping| mapping.msk) {
        match new_by_id.get(before.id) {
            Some(after) if after.msk => same_id(before, after, &mut diagnostics),
            // The logical ID now names a mapping of another source: the Kafka one is gone.
            Some(_) => diagnostics.push(removed(before)),
            None => match arrivals.take_successor(before) {
                Some(after) => moved(before, after, &mut diagnostics),
                None => diagnostics.push(removed(before)),
            },
        }
    }
    Ok(Comparison {
        diagnostics,
        files: vec![SourceText {
            name: old.name.to_owned(),
            text: old.text.to_owned(),
            base,
        }],
    })
}

/// The template's tree, its spans moved `base` bytes on.
fn parse(text: &str, side: Side, base: usize) -> Result<Node, InvalidTemplate> {
    let help = "pass a CloudFormation template in JSON: what `serverless package` writes, the `TemplateBody` of `aws cloudformation get-template`, or `msk-compile compile`'s output";
    let invalid = |diagnostic: Diagnostic| InvalidTemplate {
        side,
        diagnostic: Box::new(
            Diagnostic {
                code: Code::TemplateInvalid,
                ..diagnostic
            }
            .with_help(help),
        ),
    };
    let mut root = load::parse(text, Format::Json).map_err(|diagnostics| {
        let first = diagnostics.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(Code::TemplateInvalid, "the template is not valid JSON")
        });
        invalid(Diagnostic {
            message: format!("the template is not valid JSON: {}", first.message),
            ..first
        })
    })?;
    // `aws cloudformation get-template` prints the template as its `TemplateBody`.
    if root.get("Resources").is_none()
        && let crate::tree::Value::Object(entries) = &mut root.value
        && let Some(at) = entries
            .iter()
            .position(|entry| entry.key == "TemplateBody" && entry.value.get("Resources").is_some())
    {
        root = entries.swap_remove(at).value;
    }
    if !matches!(
        root.get("Resources").map(|resources| &resources.value),
        Some(crate::tree::Value::Object(_))
    ) {
        return Err(invalid(
            Diagnostic::error(
                Code::TemplateInvalid,
                "the template has no `Resources` object",
            )
            .at(Span::new(0, 0)),
        ));
    }
    if base > 0 {
        load::shift_spans(&mut root, base);
    }
    Ok(root)
}

/// An `AWS::Lambda::EventSourceMapping` of a template.
struct Mapping<'t> {
    id: &'t str,
    entry: &'t Entry,
    properties: Json,
    /// Whether its source is an MSK cluster or VPC connection.
    msk: bool,
}

impl Mapping<'_> {
    fn property(&self, name: &str) -> Option<&Json> {
        self.properties.get(name).filter(|value| !value.is_null())
    }

    /// The pinned consumer group (`""` is none: Serverless leaves it out).
    fn group(&self) -> Option<&Json> {
        self.properties
            .get(CONSUMER_GROUP_ID[0])
            .and_then(|config| config.get(CONSUMER_GROUP_ID[1]))
            .filter(|group| !group.is_null() && group.as_str() != Some(""))
    }

    /// Where a finding about a property points: its value, else the logical ID.
    fn span_of(&self, path: &[&str]) -> Span {
        self.entry
            .value
            .get("Properties")
            .and_then(|properties| properties.pointer(path))
            .map_or(self.entry.key_span, |node| node.span)
    }

    fn diagnostic(&self, diagnostic: Diagnostic, path: &[&str]) -> Diagnostic {
        diagnostic
            .at(self.span_of(path))
            // `logicalId` in the JSON format (see `render::logical_id`).
            .with_path(format!("Resources.{}", self.id))
    }
}

/// The EventSourceMappings of a template, in its order.
fn mappings(root: &Node) -> Vec<Mapping<'_>> {
    let Some(crate::tree::Value::Object(resources)) = root.get("Resources").map(|node| &node.value)
    else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|entry| {
            entry.value.get("Type").and_then(Node::as_str) == Some(EVENT_SOURCE_MAPPING)
        })
        .map(|entry| {
            let properties = entry.value.get("Properties").map_or(Json::Null, to_json);
            Mapping {
                id: &entry.key,
                entry,
                msk: is_msk(&properties),
                properties,
            }
        })
        .collect()
}

/// An MSK mapping: its `EventSourceArn` is an MSK cluster or VPC-connection ARN, or a
/// CloudFormation function (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, …) on a mapping with
/// `Topics`, which only Kafka sources have and, without `SelfManagedEventSource`, only MSK.
fn is_msk(properties: &Json) -> bool {
    match properties.get("EventSourceArn") {
        Some(Json::String(arn)) => Arn::parse(arn).is_ok(),
        Some(Json::Object(_)) => {
            properties.get("Topics").is_some() && properties.get("SelfManagedEventSource").is_none()
        }
        _ => false,
    }
}

/// The mappings only NEW has, indexed by what a successor shares with the mapping it takes
/// the place of, so that finding successors stays linear in the number of mappings.
struct Arrivals<'m, 't> {
    mappings: Vec<&'m Mapping<'t>>,
    taken: Vec<bool>,
    /// For each way of matching, in order of preference: key → indices into `mappings`, in
    /// template order.
    by: [HashMap<String, VecDeque<usize>>; 3],
}

/// The properties a successor shares with the mapping it succeeds, in order of preference:
/// the same cluster, topics and function; the same cluster and topics; the same cluster and
/// function (the topic was renamed).
const SUCCESSOR_KEYS: [&[&str]; 3] = [
    &["EventSourceArn", "Topics", "FunctionName"],
    &["EventSourceArn", "Topics"],
    &["EventSourceArn", "FunctionName"],
];

impl<'m, 't> Arrivals<'m, 't> {
    fn new(mappings: Vec<&'m Mapping<'t>>) -> Self {
        let mut by: [HashMap<String, VecDeque<usize>>; 3] = Default::default();
        for (index, mapping) in mappings.iter().enumerate() {
            for (names, map) in SUCCESSOR_KEYS.iter().zip(&mut by) {
                map.entry(key(mapping, names)).or_default().push_back(index);
            }
        }
        Arrivals {
            taken: vec![false; mappings.len()],
            mappings,
            by,
        }
    }

    /// The first new mapping of the most similar kind that no other mapping took yet.
    fn take_successor(&mut self, before: &Mapping<'_>) -> Option<&'m Mapping<'t>> {
        for (names, map) in SUCCESSOR_KEYS.iter().zip(&mut self.by) {
            let Some(queue) = map.get_mut(&key(before, names)) else {
                continue;
            };
            while let Some(index) = queue.pop_front() {
                if !self.taken[index] {
                    self.taken[index] = true;
                    return Some(self.mappings[index]);
                }
            }
        }
        None
    }
}

/// The properties `names` of a mapping as one text, equal exactly when [`same`] holds for each.
fn key(mapping: &Mapping<'_>, names: &[&str]) -> String {
    let mut key = String::new();
    for name in names {
        canonical(mapping.property(name), &mut key);
        key.push('\u{0}');
    }
    key
}

/// A value as text in which [`same`] values are equal: object keys sorted, numbers written as
/// the strings of their text, `null` as nothing.
fn canonical(value: Option<&Json>, out: &mut String) {
    match value {
        None | Some(Json::Null) => {}
        Some(Json::Number(number)) => out.push_str(&stringify_compact(&number.to_string())),
        Some(Json::Array(items)) => {
            out.push('[');
            for item in items {
                canonical(Some(item), out);
                out.push(',');
            }
            out.push(']');
        }
        Some(Json::Object(entries)) => {
            let mut keys: Vec<&String> = entries.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&stringify_compact(key));
                out.push(':');
                canonical(entries.get(key), out);
                out.push(',');
            }
            out.push('}');
        }
        Some(other) => out.push_str(&stringify_compact(other)),
    }
}

/// A mapping under the same logical ID in both templates.
fn same_id(before: &Mapping<'_>, after: &Mapping<'_>, out: &mut Vec<Diagnostic>) {
    let changed: Vec<&str> = CREATE_ONLY_PROPERTIES
        .iter()
        .map(|pointer| property_name(pointer))
        .filter(|name| !same(before.property(name), after.property(name)))
        .collect();
    if changed.is_empty() {
        if !same(before.group(), after.group()) {
            out.push(group_changed_in_place(before, after));
        }
        return;
    }
    let changes = changed
        .iter()
        .map(|name| {
            format!(
                "`{name}` {} → {}",
                shown(before.property(name)),
                shown(after.property(name))
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    out.push(after.diagnostic(
        Diagnostic::warning(
            Code::MappingReplaced,
            format!(
                "CloudFormation replaces the mapping `{}`: {changes} cannot be updated in place, so it creates a new mapping and then deletes the old one",
                after.id
            ),
        )
        .with_help("if a new mapping is not what you want, change the property back; `batchSize`, `enabled`, `maximumBatchingWindow`, `filterPatterns` and the function's alias are updated in place"),
        &[changed[0]],
    ));
    consumer_group(before, after, out);
}

/// A mapping that disappears and reappears under another logical ID.
fn moved(before: &Mapping<'_>, after: &Mapping<'_>, out: &mut Vec<Diagnostic>) {
    let topics = if same(before.property("Topics"), after.property("Topics")) {
        "same cluster and topics".to_owned()
    } else {
        format!(
            "same cluster and function, `Topics` {} → {}",
            shown(before.property("Topics")),
            shown(after.property("Topics"))
        )
    };
    out.push(after.diagnostic(
        Diagnostic::warning(
            Code::MappingMoved,
            format!(
                "the mapping `{}` becomes `{}` ({topics}): CloudFormation creates `{}` as a new mapping and deletes `{}`",
                before.id, after.id, after.id, before.id
            ),
        )
        .with_help("the logical ID is made of the function's name, the cluster's name and the topic: keep them if the move is not wanted"),
        &[],
    ));
    consumer_group(before, after, out);
}

/// What a new mapping replacing `before` does to the consumer group.
fn consumer_group(before: &Mapping<'_>, after: &Mapping<'_>, out: &mut Vec<Diagnostic>) {
    match after.group() {
        None => out.push(offsets_reset(before, after)),
        Some(group) if same(before.group(), Some(group)) => out.push(after.diagnostic(
            Diagnostic::error(
                Code::ConsumerGroupReused,
                format!(
                    "the new mapping `{}` pins the consumer group {}, which {} still holds: CloudFormation creates the new mapping before it deletes the old one, and a consumer group ID must be unique among the Kafka event sources, so the creation fails and the deployment rolls back",
                    after.id,
                    shown(Some(group)),
                    old_mapping(before, after)
                ),
            )
            .with_help(format!(
                "deploy twice: first without this mapping (remove its msk event), then add it back with `consumerGroupId: {}`; the new mapping finds the group and resumes from its committed offsets (Lambda ignores `startingPosition` for an existing group) while Kafka keeps them (`offsets.retention.minutes`, 7 days by default)",
                plain(group)
            )),
            &CONSUMER_GROUP_ID,
        )),
        Some(_) => {}
    }
}

/// How a message names the mapping a new one takes the place of.
fn old_mapping(before: &Mapping<'_>, after: &Mapping<'_>) -> String {
    if before.id == after.id {
        "the mapping it replaces".to_owned()
    } else {
        format!("the old mapping `{}`", before.id)
    }
}

/// A new mapping without a pinned group: a new group starting at `StartingPosition`.
fn offsets_reset(before: &Mapping<'_>, after: &Mapping<'_>) -> Diagnostic {
    let position = after.property("StartingPosition");
    let consequence = match position.and_then(Json::as_str) {
        Some("TRIM_HORIZON") => {
            "it replays every message the topic still retains into the function (duplicates in everything downstream)".to_owned()
        }
        Some("LATEST") => {
            "it skips the messages that arrive until it starts polling (creating a mapping can take several minutes); the old mapping stops once it is deleted".to_owned()
        }
        Some("AT_TIMESTAMP") => format!(
            "it replays every retained message since {} (the timestamp) into the function",
            shown(after.property("StartingPositionTimestamp"))
        ),
        _ => format!(
            "where it starts depends on `StartingPosition` {}",
            shown(position)
        ),
    };
    let position = position.map_or_else(|| "its StartingPosition".to_owned(), plain);
    after.diagnostic(
        Diagnostic::error(
            Code::OffsetsReset,
            format!(
                "the new mapping `{}` has no `ConsumerGroupId`: it is a new consumer group (named after its UUID), without the offsets {} committed, that starts at {position}: {consequence}",
                after.id,
                old_mapping(before, after)
            ),
        )
        .with_help(format!(
            "to keep the offsets, revert the change, or deploy twice: first remove the mapping, then add it back with `consumerGroupId` set to the UUID of `{}` (its consumer group; `aws lambda list-event-source-mappings` shows it), which Lambda then joins and resumes; if the {} is intended, acknowledge it (the plugin's `custom.mskEvents.allowReplacement: true`)",
            before.id,
            if plain_is(after.property("StartingPosition"), "LATEST") { "skip" } else { "replay" }
        )),
        &["StartingPosition"],
    )
}

/// `ConsumerGroupId` added, removed or changed on a mapping updated in place.
fn group_changed_in_place(before: &Mapping<'_>, after: &Mapping<'_>) -> Diagnostic {
    let what = match (before.group(), after.group()) {
        (None, Some(group)) => format!("adds the consumer group {}", shown(Some(group))),
        (Some(group), None) => format!("removes the consumer group {}", shown(Some(group))),
        (old, new) => format!("changes the consumer group {} → {}", shown(old), shown(new)),
    };
    after.diagnostic(
        Diagnostic::error(
            Code::ConsumerGroupImmutable,
            format!(
                "the update of `{}` {what}: CloudFormation updates the mapping in place, and Lambda does not let a mapping's consumer group ID change once it exists, so the update fails and the deployment rolls back",
                after.id
            ),
        )
        .with_help("revert the change, or deploy twice: first remove the mapping, then add it back with the new `consumerGroupId` (to keep the offsets of a mapping that had none, pin the group it already uses: its UUID)"),
        &CONSUMER_GROUP_ID,
    )
}

/// A mapping that disappears with no successor.
fn removed(before: &Mapping<'_>) -> Diagnostic {
    let group = match before.group() {
        Some(group) => format!(
            "its consumer group {} keeps its committed offsets only as long as Kafka keeps them",
            shown(Some(group))
        ),
        None => "its consumer group (named after its UUID) is not joined by any mapping again unless one pins that ID as `consumerGroupId`".to_owned(),
    };
    before.diagnostic(
        Diagnostic::warning(
            Code::MappingRemoved,
            format!(
                "CloudFormation deletes the mapping `{}` and no mapping of the same cluster and topics takes its place: {group}",
                before.id
            ),
        )
        .with_help("nothing to do if the function should stop consuming the topic; a mapping added back later resumes only with the same `consumerGroupId` (`offsets.retention.minutes`, 7 days by default)"),
        &[],
    )
}

/// Structural equality of two template values, a property absent or `null` being the same;
/// a number and a string of the same text are the same value to CloudFormation.
fn same(a: Option<&Json>, b: Option<&Json>) -> bool {
    let a = a.filter(|value| !value.is_null());
    let b = b.filter(|value| !value.is_null());
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    }
}

fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(number), Json::String(text)) | (Json::String(text), Json::Number(number)) => {
            number.to_string() == *text
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same_value(value, other)))
        }
        _ => a == b,
    }
}

/// A value as a message shows it: compact JSON (strings quoted), or `(none)`.
fn shown(value: Option<&Json>) -> String {
    value.map_or_else(|| "(none)".to_owned(), stringify_compact)
}

/// A value as the user writes it in `serverless.yml`: a string without quotes.
fn plain(value: &Json) -> String {
    value
        .as_str()
        .map_or_else(|| stringify_compact(value), str::to_owned)
}

fn plain_is(value: Option<&Json>, text: &str) -> bool {
    value.and_then(Json::as_str) == Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(resources: Json) -> String {
        stringify_compact(&serde_json::json!({ "Resources": resources }))
    }

    fn mapping(properties: Json) -> Json {
        serde_json::json!({"Type": EVENT_SOURCE_MAPPING, "Properties": properties})
    }

    fn codes(old: &str, new: &str) -> Vec<&'static str> {
        compare(
            TemplateText {
                name: "old.json",
                text: old,
            },
            TemplateText {
                name: "new.json",
                text: new,
            },
        )
        .expect("templates")
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code.as_str())
        .collect()
    }

    const ARN: &str = "arn:aws:kafka:us-east-1:111111111111:cluster/orders/1";

    #[test]
    fn intrinsic_arns_compare_by_structure_and_key_order_does_not_matter() {
        let old = template(serde_json::json!({
            "A": mapping(serde_json::json!({"EventSourceArn": {"Ref": "Cluster"}, "Topics": ["t"], "StartingPosition": "LATEST", "BatchSize": 1})),
        }));
        let new = template(serde_json::json!({
            "A": mapping(serde_json::json!({"BatchSize": 2, "StartingPosition": "LATEST", "Topics": ["t"], "EventSourceArn": {"Ref": "Cluster"}})),
        }));
        assert!(codes(&old, &new).is_empty());
        let other = new.replace("\"Cluster\"", "\"OtherCluster\"");
        assert_eq!(
            codes(&old, &other),
            ["MSK_MAPPING_REPLACED", "MSK_OFFSETS_RESET"]
        );
    }

    #[test]
    fn other_sources_are_not_compared() {
        let old = template(serde_json::json!({
            "Q": mapping(serde_json::json!({"EventSourceArn": "arn:aws:sqs:us-east-1:111111111111:q"})),
            "K": mapping(serde_json::json!({"SelfManagedEventSource": {"Endpoints": {}}, "Topics": ["t"]})),
        }));
        let new = template(serde_json::json!({}));
        assert!(codes(&old, &new).is_empty());
        assert_eq!(
            codes(
                &template(
                    serde_json::json!({"A": mapping(serde_json::json!({"EventSourceArn": ARN, "Topics": ["t"]}))})
                ),
                &new
            ),
            ["MSK_MAPPING_REMOVED"]
        );
    }

    #[test]
    fn a_logical_id_that_now_names_another_source_is_a_removed_mapping() {
        let old = template(serde_json::json!({
            "A": mapping(serde_json::json!({"EventSourceArn": ARN, "Topics": ["t"]})),
        }));
        let new = template(serde_json::json!({
            "A": mapping(serde_json::json!({"EventSourceArn": "arn:aws:sqs:us-east-1:111111111111:q"})),
        }));
        assert_eq!(codes(&old, &new), ["MSK_MAPPING_REMOVED"]);
    }

    #[test]
    fn a_number_and_its_text_are_the_same_value() {
        assert!(same(
            Some(&serde_json::json!(1700000000)),
            Some(&serde_json::json!("1700000000"))
        ));
        assert!(same(None, Some(&Json::Null)));
        assert!(!same(
            Some(&serde_json::json!(["a"])),
            Some(&serde_json::json!(["a", "b"]))
        ));
    }

    #[test]
    fn a_template_without_resources_is_invalid() {
        let error = compare(
            TemplateText {
                name: "old.json",
                text: "{}",
            },
            TemplateText {
                name: "new.json",
                text: "{\"Resources\": {}}",
            },
        )
        .expect_err("invalid");
        assert_eq!(error.side, Side::Old);
        assert_eq!(error.diagnostic.code, Code::TemplateInvalid);
    }
}
