//! The msk compiler proper: walks functions and events in config order and builds each
//! `AWS::Lambda::EventSourceMapping` by interpreting the model's derived mapping tables
//! (`CfnMapping`), then the per-function IAM statements.
//!
//! Where Serverless 3.40.0 would crash with a `TypeError`, this reports a coded error at
//! the offending value instead, and it keeps going so that one run reports every problem.

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value as Json};

use msk_model::iam::{EC2_ACTIONS, KAFKA_ACTIONS};
use msk_model::{
    CfnField, CfnMapping, CfnProperty, IdToken, MskEvent, Presence, Rename, RenameKind, Shape, Slot,
};

use crate::diag::{Code, Diagnostic};
use crate::dialect::Dialect;
use crate::grants::{self, Grants};
use crate::js;
use crate::json::{
    object, stringify_compact, to_json, write_node, write_pretty_from_compact, write_string,
};
use crate::naming::{event_logical_id_normalized, normalized_function_name_as};
use crate::parallel::{events_of, map_runs};
use crate::service::{
    RoleTarget, creates_shared_role, functions, lambda_target, role_dependency, role_target,
    target_alias,
};
use crate::tree::{Node, Span, Value};

/// One compiled resource, held as its compact JSON text; [`Resource::to_json`] gives the
/// value back, and serializing it gives exactly what serializing that value gives.
///
/// A big service compiles to tens of thousands of resources, all kept until the output is
/// written. As `serde_json::Value`s (an index map per object, an allocation per string) they
/// took six times the memory of their text and were most of a run's peak memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource(Box<str>);

impl Resource {
    pub fn new(value: &Json) -> Self {
        Resource(stringify_compact(value).into_boxed_str())
    }

    /// A resource from text the compiler wrote itself: `JSON.stringify(resource)`, compact,
    /// numbers in JavaScript's form.
    fn from_compact_text(text: &str) -> Self {
        Resource(text.into())
    }

    /// The resource as a JSON value.
    pub fn to_json(&self) -> Json {
        // Reading our own text back cannot fail; `Null` keeps this total. serde_json's
        // `float_roundtrip` reads every number back exactly.
        serde_json::from_str(&self.0).unwrap_or(Json::Null)
    }

    /// The compact JSON text (`JSON.stringify(resource)`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// What the msk compiler adds to the CloudFormation template.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// The EventSourceMapping resources by logical ID, in Serverless' order.
    pub resources: IndexMap<String, Resource>,
    /// The statements for the shared role: under `serverless-v3` the kafka + ec2 pair of each
    /// function with msk events, in order; under `extended` one statement per kind
    /// (`msk_model::iam::EXTENDED_STATEMENTS`) over the distinct resources.
    pub statements: Vec<Json>,
    /// Whether Serverless creates the shared `IamRoleLambdaExecution` role the statements
    /// are appended to.
    pub shared_role: bool,
    /// Logical IDs the config defines under `resources.Resources`; Serverless merges those
    /// into the template after compiling events, so they follow the mappings.
    pub custom_resources: Vec<String>,
    /// Extended profile: the statements for functions whose own role is an `AWS::IAM::Role`
    /// of the template, by role logical ID (added to it as the policy
    /// `msk_model::iam::OWN_ROLE_POLICY_NAME`). Always empty under `serverless-v3`.
    pub role_policies: IndexMap<String, Vec<Json>>,
}

impl Compiled {
    /// The statements appended to `IamRoleLambdaExecution`, or `None` without that role.
    pub fn iam_statements(&self) -> Option<&[Json]> {
        self.shared_role.then_some(self.statements.as_slice())
    }

    /// `{"Resources": …, "IamRoleStatements": …}`, the CLI's output without `--template`.
    ///
    /// This copies every resource; to write the output, use [`Self::write_pretty_json`] or
    /// [`Self::to_pretty_json`], which give the text of `json::stringify_pretty(&self.to_json())`
    /// without the copy.
    pub fn to_json(&self) -> Json {
        let resources: Map<String, Json> = self
            .resources
            .iter()
            .map(|(id, resource)| (id.clone(), resource.to_json()))
            .collect();
        let mut output = Map::with_capacity(2);
        output.insert("Resources".to_owned(), Json::Object(resources));
        output.insert(
            "IamRoleStatements".to_owned(),
            self.iam_statements()
                .map_or(Json::Null, |statements| Json::Array(statements.to_vec())),
        );
        if !self.role_policies.is_empty() {
            output.insert("RolePolicies".to_owned(), self.role_policies_json());
        }
        Json::Object(output)
    }
}

impl Compiled {
    /// `{<role logical ID>: [statements]}`: the third key of the output, present only when
    /// the extended profile added statements to functions' own roles.
    pub fn role_policies_json(&self) -> Json {
        Json::Object(
            self.role_policies
                .iter()
                .map(|(role, statements)| (role.clone(), Json::Array(statements.clone())))
                .collect(),
        )
    }

    /// `JSON.stringify(self.to_json(), null, 2)`: the CLI's output, written from the
    /// resources' text without parsing it again (the same text as
    /// `json::stringify_pretty(&compiled)`, several times faster for a big service).
    pub fn to_pretty_json(&self) -> String {
        // The pretty text of a resource is about two and a half times its compact text:
        // reserved once, the text is not copied as it grows.
        let compact: usize = self
            .resources
            .values()
            .map(|resource| resource.0.len())
            .sum();
        let mut text = String::with_capacity(compact * 3 + 256);
        let written: Result<(), std::convert::Infallible> = self.write_pretty_chunks(|chunk| {
            text.push_str(chunk);
            Ok(())
        });
        match written {
            Ok(()) => text,
        }
    }

    /// Writes [`Self::to_pretty_json`]'s text to `out` piece by piece, so that the whole
    /// output (for a big service, the largest thing in memory) is never held at once.
    pub fn write_pretty_json<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        self.write_pretty_chunks(|chunk| out.write_all(chunk.as_bytes()))
    }

    /// The pretty text in pieces of about [`PRETTY_CHUNK`] bytes, in order.
    fn write_pretty_chunks<E>(&self, mut sink: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
        let mut chunk = String::with_capacity(PRETTY_CHUNK * 2);
        chunk.push_str("{\n  \"Resources\": {");
        for (index, (logical_id, resource)) in self.resources.iter().enumerate() {
            chunk.push_str(if index == 0 { "\n    " } else { ",\n    " });
            write_string(&mut chunk, logical_id);
            chunk.push_str(": ");
            write_pretty_from_compact(&mut chunk, &resource.0, 2);
            if chunk.len() >= PRETTY_CHUNK {
                sink(&chunk)?;
                chunk.clear();
            }
        }
        if !self.resources.is_empty() {
            chunk.push_str("\n  ");
        }
        chunk.push_str("},\n  \"IamRoleStatements\": ");
        write_pretty_from_compact(&mut chunk, &stringify_compact(&self.iam_statements()), 1);
        if !self.role_policies.is_empty() {
            chunk.push_str(",\n  \"RolePolicies\": ");
            write_pretty_from_compact(
                &mut chunk,
                &stringify_compact(&self.role_policies_json()),
                1,
            );
        }
        chunk.push_str("\n}");
        sink(&chunk)
    }
}

/// Pretty output is handed on in pieces of about this size.
const PRETTY_CHUNK: usize = 64 * 1024;

/// Serializes exactly as [`Compiled::to_json`] (same keys, order and values), borrowing: a
/// big service's resources are not copied on their way out.
impl Serialize for Compiled {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut output = serializer.serialize_map(None)?;
        output.serialize_entry("Resources", &self.resources)?;
        // `None` is written as `null`, as `Json::Null` is.
        output.serialize_entry("IamRoleStatements", &self.iam_statements())?;
        if !self.role_policies.is_empty() {
            output.serialize_entry("RolePolicies", &self.role_policies)?;
        }
        output.end()
    }
}

/// Compiles every msk event of the (validated, coerced) config under `dialect`, consuming it:
/// each function's part of the tree is freed as soon as its events are compiled, so that the
/// tree and the resources are never both whole in memory (for a big service the two are its
/// peak).
///
/// A big service's functions are compiled side by side, a run of functions per core; their
/// parts then join the service in config order, exactly as one by one.
pub fn compile(mut root: Node, dialect: &Dialect, diagnostics: &mut Vec<Diagnostic>) -> Compiled {
    let mut compiler = Compiler::new(&root, &functions(&root), *dialect);
    // Only the functions are taken out; what else a function's resources depend on
    // (`provider.role`, `provider.iam.role`) stays in `root`.
    let mut taken = match root.get_mut("functions").map(|node| &mut node.value) {
        Some(Value::Object(entries)) => std::mem::take(entries),
        _ => Vec::new(),
    };
    let root = &root;
    let runs = map_runs(&mut taken, events_of, |run| {
        let mut scratch = Scratch::default();
        run.iter_mut()
            .map(|function| {
                let part =
                    prepare_function(root, &function.key, &function.value, dialect, &mut scratch);
                // This function's tree is done with.
                function.value = Node::new(Value::Null, function.value.span);
                part
            })
            .collect::<Vec<_>>()
    });
    for part in runs.into_iter().flatten() {
        compiler.commit(part, diagnostics);
    }
    compiler.finish(root, diagnostics)
}

/// What one function compiles to, before it joins the service: computed from the function
/// and the read-only config alone, so functions can be prepared side by side.
#[derive(Debug)]
struct FunctionPart {
    name: String,
    /// Diagnostics about the function itself (its `events`, its alias).
    diagnostics: Vec<Diagnostic>,
    /// `None` when the function has no list of events.
    events: Option<Vec<EventPart>>,
    /// The clusters of its compiled events, for the IAM statements.
    cluster_arns: Vec<Json>,
    /// Extended profile: what its compiled events need.
    grants: Grants,
    /// Extended profile: the role those grants go to.
    role: RoleTarget,
}

/// One event of a function: what was found wrong with it, and its resource if it compiled.
#[derive(Debug)]
struct EventPart {
    index: usize,
    diagnostics: Vec<Diagnostic>,
    resource: Option<(String, Resource)>,
    /// The span of its `msk` mapping, where a logical-ID collision is reported.
    msk_span: Span,
}

/// Compiles the events of one function (in config order).
fn prepare_function(
    root: &Node,
    name: &str,
    function: &Node,
    dialect: &Dialect,
    scratch: &mut Scratch,
) -> FunctionPart {
    let mut part = FunctionPart {
        name: name.to_owned(),
        diagnostics: Vec::new(),
        events: None,
        cluster_arns: Vec::new(),
        grants: Grants::default(),
        role: RoleTarget::Shared,
    };
    let events = match function.get("events").map(|node| &node.value) {
        None | Some(Value::Null) => return part,
        Some(Value::Array(events)) => events,
        Some(_) => {
            if let Some(node) = function.get("events") {
                part.diagnostics.push(
                    Diagnostic::error(Code::EventsNotAList, "`events` must be a list of events")
                        .at(node.span)
                        .with_path(format!("functions.{name}.events")),
                );
            }
            return part;
        }
    };
    let (alias, errors) = target_alias(name, function, dialect);
    part.diagnostics.extend(errors);
    let depends_on: Vec<Json> = role_dependency(root, function, dialect)
        .into_iter()
        .chain(alias.as_ref().map(|alias| alias.logical_id.clone()))
        .map(Json::String)
        .collect();
    // The same for every event of the function: written once.
    let depends_on = stringify_compact(&depends_on);
    let target = stringify_compact(&lambda_target(name, alias.as_ref(), dialect));
    let normalized_function = normalized_function_name_as(name, dialect.upper_first);
    let mut parts = Vec::new();
    if dialect.least_privilege {
        part.role = role_target(root, function, dialect);
    }

    for (index, event) in events.iter().enumerate() {
        let msk = match &event.value {
            Value::Object(_) => match event.get("msk") {
                Some(msk) if js::is_truthy(&msk.value) => msk,
                _ => continue,
            },
            Value::Null => {
                parts.push(EventPart {
                    index,
                    diagnostics: vec![
                        Diagnostic::error(Code::EventNull, "this event is empty")
                            .at(event.span)
                            .with_path(format!("functions.{name}.events.{index}")),
                    ],
                    resource: None,
                    msk_span: event.span,
                });
                continue;
            }
            _ => continue,
        };
        let context = EventContext {
            function: name,
            index,
            lambda_target: &target,
            normalized_function: &normalized_function,
            msk,
            dialect,
        };
        let mut diagnostics = Vec::new();
        let resource = build_resource::<MskEvent>(&context, &depends_on, scratch, &mut diagnostics)
            .map(|logical_id| {
                if let Some(arn) = MskEvent::IAM_RESOURCE_KEY.and_then(|key| msk.get(key)) {
                    part.cluster_arns.push(to_json(arn));
                }
                if dialect.least_privilege {
                    grants::collect::<MskEvent>(
                        msk,
                        &|key| context.key_path(key),
                        &mut part.grants,
                        &mut diagnostics,
                    );
                }
                (logical_id, Resource::from_compact_text(&scratch.resource))
            });
        parts.push(EventPart {
            index,
            diagnostics,
            resource,
            msk_span: msk.span,
        });
    }
    part.events = Some(parts);
    part
}

/// The state of one compilation: what is compiled so far, and what it needs to know about
/// the whole service.
struct Compiler {
    resources: IndexMap<String, Resource>,
    /// `origins[i]`: the first event that compiled to resource `i` (its function's position
    /// in `names`, its index in `events`), to report logical-ID collisions.
    origins: Vec<(usize, usize)>,
    /// The names of the functions compiled so far.
    names: Vec<String>,
    statements: Vec<Json>,
    shared_role: bool,
    custom_resources: Vec<String>,
    dialect: Dialect,
    /// Extended profile: the grants of the shared role, and of each role in the template.
    shared_grants: Grants,
    role_grants: IndexMap<String, Grants>,
}

impl Compiler {
    fn new(root: &Node, functions: &[(&str, &Node)], dialect: Dialect) -> Self {
        let custom_resources = match root
            .pointer(&["resources", "Resources"])
            .map(|node| &node.value)
        {
            Some(Value::Object(entries)) => entries.iter().map(|entry| entry.key.clone()).collect(),
            _ => Vec::new(),
        };
        Compiler {
            resources: IndexMap::new(),
            origins: Vec::new(),
            names: Vec::new(),
            statements: Vec::new(),
            shared_role: creates_shared_role(root, functions),
            custom_resources,
            dialect,
            shared_grants: Grants::default(),
            role_grants: IndexMap::new(),
        }
    }

    /// Adds one function's part to the service, in config order: its resources (a logical
    /// ID seen before is reported and replaced where it stands, as assigning to an existing
    /// JavaScript property does), its diagnostics, its IAM statements (under `extended`, its
    /// grants, to the role they go to).
    fn commit(&mut self, part: FunctionPart, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.extend(part.diagnostics);
        let Some(events) = part.events else {
            return;
        };
        let ordinal = self.names.len();
        for event in events {
            diagnostics.extend(event.diagnostics);
            let Some((logical_id, resource)) = event.resource else {
                continue;
            };
            match self.resources.get_index_of(&logical_id) {
                Some(at) => {
                    let first = self
                        .origins
                        .get(at)
                        .and_then(|(function, index)| {
                            let name = match *function {
                                function if function == ordinal => &part.name,
                                function => self.names.get(function)?,
                            };
                            Some(format!("functions.{name}.events.{index}.msk"))
                        })
                        .unwrap_or_default();
                    diagnostics.push(
                        Diagnostic::warning(
                            Code::LogicalIdCollision,
                            format!("this event and the one at '{first}' both compile to `{logical_id}`; Serverless keeps only this one"),
                        )
                        .at(event.msk_span)
                        .with_path(format!("functions.{}.events.{}.msk", part.name, event.index))
                        .with_help("give the events different topics, or clusters with different names"),
                    );
                    // Assignment to an existing key: the resource keeps its position.
                    self.resources.insert(logical_id, resource);
                }
                None => {
                    self.resources.insert(logical_id, resource);
                    self.origins.push((ordinal, event.index));
                }
            }
        }
        if self.dialect.least_privilege {
            if !part.grants.is_empty() {
                match part.role {
                    RoleTarget::Shared => self.shared_grants.extend(&part.grants),
                    RoleTarget::InTemplate(role) => {
                        self.role_grants.entry(role).or_default().extend(&part.grants);
                    }
                    RoleTarget::External(span) => diagnostics.push(
                        Diagnostic::warning(
                            Code::RoleOutsideTemplate,
                            format!(
                                "function {} uses a role that is not in this template, so its msk permissions cannot be added; add these statements to it: {}",
                                part.name,
                                stringify_compact(&part.grants.statements())
                            ),
                        )
                        .at(span)
                        .with_path(format!("functions.{}.role", part.name))
                        .with_help("define the role under resources.Resources (role: <LogicalId>), or add the statements to the role yourself"),
                    ),
                }
            }
        } else if !part.cluster_arns.is_empty() {
            self.statements.push(object([
                ("Effect", Json::from("Allow")),
                ("Action", Json::from(KAFKA_ACTIONS.as_slice())),
                ("Resource", Json::Array(part.cluster_arns)),
            ]));
            self.statements.push(object([
                ("Effect", Json::from("Allow")),
                ("Action", Json::from(EC2_ACTIONS.as_slice())),
                ("Resource", Json::from("*")),
            ]));
        }
        self.names.push(part.name);
    }

    /// The compiled service, with `resources.extensions` applied (Serverless merges them
    /// after every event is compiled).
    fn finish(mut self, root: &Node, diagnostics: &mut Vec<Diagnostic>) -> Compiled {
        let codec = crate::extensions::Codec {
            to_json: Resource::to_json,
            from_json: Resource::new,
        };
        crate::extensions::apply(
            root,
            &self.dialect,
            &mut self.resources,
            codec,
            &self.custom_resources,
            diagnostics,
        );
        let statements = if crate::extensions::replaces_shared_role_policies(root) {
            Vec::new()
        } else {
            if self.dialect.least_privilege {
                self.shared_grants.statements()
            } else {
                self.statements
            }
        };
        Compiled {
            resources: self.resources,
            statements,
            shared_role: self.shared_role,
            custom_resources: self.custom_resources,
            role_policies: self
                .role_grants
                .into_iter()
                .map(|(role, grants)| (role, grants.statements()))
                .collect(),
        }
    }
}

struct EventContext<'a> {
    function: &'a str,
    /// The event's index in the function's `events`.
    index: usize,
    /// `FunctionName` as JSON text: the same for every event of the function, so built once.
    lambda_target: &'a str,
    /// The function name as logical IDs start with it.
    normalized_function: &'a str,
    msk: &'a Node,
    dialect: &'a Dialect,
}

impl EventContext<'_> {
    fn value(&self, key: &str) -> Option<&Node> {
        self.msk.get(key)
    }

    /// Dotted path of the event's mapping (`functions.f.events.0.msk`); built only for a
    /// diagnostic.
    fn path(&self) -> String {
        format!("functions.{}.events.{}.msk", self.function, self.index)
    }

    fn key_path(&self, key: &str) -> String {
        format!(
            "functions.{}.events.{}.msk.{key}",
            self.function, self.index
        )
    }
}

/// The buffers one event's resource is written into; kept by the compiler and reused, so
/// that compiling an event allocates little beyond the resource's own text.
#[derive(Debug, Default)]
struct Scratch {
    /// The finished resource, `JSON.stringify(resource)`.
    resource: String,
    /// Each property value's JSON text, one after the other…
    values: String,
    /// …and where each one is, under its property path, in table order.
    properties: Vec<(&'static [&'static str], std::ops::Range<usize>)>,
    /// The logical ID's parts.
    id_parts: Vec<String>,
}

/// Builds one resource from the mapping tables of `M` into `scratch.resource` and returns
/// its logical ID; `None` after reporting errors.
fn build_resource<M: CfnMapping>(
    event: &EventContext<'_>,
    depends_on: &str,
    scratch: &mut Scratch,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    // Only this event's own diagnostics are looked at: counting all of them for every event
    // made a service with many colliding events quadratic (40 000 events took seconds).
    let first_new = diagnostics.len();
    if !matches!(event.msk.value, Value::Object(_)) {
        diagnostics.push(
            Diagnostic::error(
                Code::EventNotAnObject,
                format!(
                    "the msk event must be a mapping with `arn` and `topic`, not {}",
                    event.msk.type_with_article()
                ),
            )
            .at(event.msk.span)
            .with_path(event.path()),
        );
        return None;
    }

    for rule in M::RULES {
        let triggered =
            defaulted(M::field(rule.field), event.value(rule.field)) == Some(rule.equals);
        if triggered && event.value(rule.requires).is_none_or(Node::is_null) {
            let span = event
                .msk
                .entry(rule.field)
                .map_or(event.msk.span, |entry| entry.value.span);
            diagnostics.push(
                Diagnostic::error(
                    rule.code,
                    rule.message.replace("{function}", event.function),
                )
                .at(span)
                .with_path(event.key_path(rule.field))
                .with_help(format!("add `{}` to this event", rule.requires)),
            );
        }
    }

    crate::rules::check(
        M::CHECKS,
        event.dialect.keys,
        event.function,
        event.msk,
        &|key| event.key_path(key),
        diagnostics,
    );

    scratch.id_parts.clear();
    for part in M::ID_PARTS {
        if let Some(token) = id_token(event, part.key, part.token, diagnostics) {
            scratch.id_parts.push(token);
        }
    }

    scratch.values.clear();
    scratch.properties.clear();
    for property in M::PROPERTIES {
        let start = scratch.values.len();
        let path = match property {
            CfnProperty::Slot(Slot::FunctionName) => {
                scratch.values.push_str(event.lambda_target);
                &["FunctionName"][..]
            }
            CfnProperty::Slot(other) => {
                // `Slot` is non-exhaustive: a variant added to the model before the compiler.
                diagnostics.push(Diagnostic::error(
                    Code::Internal,
                    format!("no value for the `{}` slot", other.property()),
                ));
                continue;
            }
            CfnProperty::Field(field) if !event.dialect.keys.has(field.profile) => continue,
            CfnProperty::Field(field) => {
                if !write_field_value(event, field, &mut scratch.values, diagnostics) {
                    continue;
                }
                field.path
            }
        };
        scratch.properties.push((path, start..scratch.values.len()));
    }

    let failed = diagnostics
        .get(first_new..)
        .is_some_and(|new| new.iter().any(Diagnostic::is_error));
    if failed || scratch.id_parts.len() != M::ID_PARTS.len() {
        return None;
    }
    let parts: Vec<&str> = scratch.id_parts.iter().map(String::as_str).collect();
    let logical_id =
        event_logical_id_normalized(event.normalized_function, M::LOGICAL_ID_INFIX, &parts);
    let out = &mut scratch.resource;
    out.clear();
    out.push_str("{\"Type\":");
    write_string(out, M::RESOURCE_TYPE);
    out.push_str(",\"DependsOn\":");
    out.push_str(depends_on);
    out.push_str(",\"Properties\":");
    write_properties(out, &scratch.values, &scratch.properties);
    out.push('}');
    Some(logical_id)
}

/// Writes the properties object. Entries whose paths share a first segment form one nested
/// object where the first of them stands, as assigning `Properties.A.B` and later
/// `Properties.A.C` does in JavaScript (the derive rejects tables where one path is inside
/// another or two are equal, so grouping is all there is to it).
fn write_properties(
    out: &mut String,
    values: &str,
    entries: &[(&'static [&'static str], std::ops::Range<usize>)],
) {
    write_property_object(out, values, entries, &[]);
}

/// The object of the entries whose paths continue `parent`.
fn write_property_object(
    out: &mut String,
    values: &str,
    entries: &[(&'static [&'static str], std::ops::Range<usize>)],
    parent: &[&str],
) {
    let level = parent.len();
    let inside = |path: &[&str]| path.len() > level && path[..level] == *parent;
    out.push('{');
    let mut first = true;
    for (index, (path, range)) in entries.iter().enumerate() {
        if !inside(path) {
            continue;
        }
        let key = &path[..=level];
        // Written with the first entry under the same key.
        if entries[..index]
            .iter()
            .any(|(earlier, _)| inside(earlier) && earlier[..=level] == *key)
        {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        write_string(out, path[level]);
        out.push(':');
        if path.len() == level + 1 {
            out.push_str(&values[range.clone()]);
        } else {
            write_property_object(out, values, entries, key);
        }
    }
    out.push('}');
}

/// The field's value after its default: JavaScript `value || default`.
fn defaulted<'a>(field: Option<&CfnField>, value: Option<&'a Node>) -> Option<&'a str> {
    match value.filter(|node| js::is_truthy(&node.value)) {
        Some(node) => node.as_str(),
        None => field.and_then(|field| field.default),
    }
}

/// Appends the CloudFormation value of one field to `out` as JSON text; `false` (and
/// nothing written) when Serverless leaves it out.
fn write_field_value(
    event: &EventContext<'_>,
    field: &CfnField,
    out: &mut String,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let node = event.value(field.key);
    let present = match field.presence {
        Presence::Always => true,
        Presence::NotNull => node.is_some_and(|node| !node.is_null()),
        Presence::Truthy => node.is_some_and(|node| js::is_truthy(&node.value)),
    };
    if !present {
        return false;
    }
    let write_value = |out: &mut String| match (
        node.filter(|node| js::is_truthy(&node.value)),
        field.default,
    ) {
        (None, Some(default)) => write_string(out, default),
        _ => match node {
            Some(node) => write_node(out, node),
            None => out.push_str("null"),
        },
    };
    match field.shape {
        Shape::Value => write_value(out),
        Shape::List => {
            out.push('[');
            write_value(out);
            out.push(']');
        }
        Shape::SourceAccess { kind } => {
            out.push_str("[{\"Type\":");
            write_string(out, kind);
            out.push_str(",\"URI\":");
            write_value(out);
            out.push_str("}]");
        }
        Shape::KeyValueList => match node.map(|node| &node.value) {
            Some(Value::Object(entries)) => {
                let list: Vec<Json> = entries
                    .iter()
                    .filter(|entry| !entry.value.is_null())
                    .map(|entry| {
                        object([
                            ("Key", Json::from(entry.key.as_str())),
                            ("Value", to_json(&entry.value)),
                        ])
                    })
                    .collect();
                out.push_str(&stringify_compact(&list));
            }
            _ => write_value(out),
        },
        Shape::Object { renames } => match node {
            Some(node) => out.push_str(&stringify_compact(&renamed(to_json(node), &[], renames))),
            None => out.push_str("null"),
        },
        Shape::Picked { renames } => {
            // `{}`, then each renamed key whose value is not null, in the rules' order: other
            // keys, and anything but a mapping, give nothing.
            let picked = renames.iter().filter_map(|rule| {
                let value = node?.get(rule.path.first()?)?;
                (rule.kind == RenameKind::Key && !value.is_null())
                    .then(|| (rule.to, to_json(value)))
            });
            out.push_str(&stringify_compact(&Json::Object(
                picked.map(|(key, value)| (key.to_owned(), value)).collect(),
            )));
        }
        Shape::FilterPatterns => match node.map(|node| &node.value) {
            Some(Value::Array(patterns)) => {
                // `{Pattern: JSON.stringify(pattern)}` for each: the pattern's JSON text,
                // itself written as a JSON string.
                let mut pattern_text = String::new();
                out.push('[');
                for (index, pattern) in patterns.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    pattern_text.clear();
                    write_node(&mut pattern_text, pattern);
                    out.push_str("{\"Pattern\":");
                    write_string(out, &pattern_text);
                    out.push('}');
                }
                out.push(']');
            }
            _ => {
                let Some(node) = node else { return false };
                diagnostics.push(
                    Diagnostic::error(
                        Code::FilterPatternsNotAList,
                        format!(
                            "`{}` must be a list of patterns, not {}",
                            field.key,
                            node.type_with_article()
                        ),
                    )
                    .at(node.span)
                    .with_path(event.key_path(field.key))
                    .with_help("write each pattern as a list item: `- value: {...}`"),
                );
                return false;
            }
        },
    }
    true
}

/// `value` (at config path `at`) with the keys of `renames` renamed, dropped or wrapped; lists
/// are transparent (their items are at the list's path).
fn renamed(value: Json, at: &[&str], renames: &[Rename]) -> Json {
    let rule = |path: &[&str], kind: RenameKind| {
        renames
            .iter()
            .find(|rule| rule.kind == kind && rule.path == path)
    };
    let wrap = |to: &str, value: Json| object([(to, value)]);
    match value {
        Json::Object(entries) => Json::Object(
            entries
                .into_iter()
                .filter_map(|(key, child)| {
                    let mut path = at.to_vec();
                    path.push(key.as_str());
                    let mut child = renamed(child, &path, renames);
                    if let Some(rule) = rule(&path, RenameKind::WrapScalar)
                        && !child.is_object()
                        && !child.is_array()
                    {
                        child = wrap(rule.to, child);
                    }
                    if let (Some(rule), Json::Array(items)) =
                        (rule(&path, RenameKind::WrapItems), &mut child)
                    {
                        for item in items.iter_mut() {
                            if !item.is_object() && !item.is_array() {
                                *item = wrap(rule.to, item.take());
                            }
                        }
                    }
                    match rule(&path, RenameKind::Key) {
                        Some(rule) if rule.to.is_empty() => None,
                        Some(rule) => Some((rule.to.to_owned(), child)),
                        None => Some((key, child)),
                    }
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(|item| renamed(item, at, renames))
                .collect(),
        ),
        other => other,
    }
}

/// The logical-ID token of one field; reports why there is none (where Serverless crashes).
fn id_token(
    event: &EventContext<'_>,
    key: &str,
    token: IdToken,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Some(node) = event.value(key).filter(|node| !node.is_null()) else {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingKey,
                format!("the msk event has no `{key}`; Serverless cannot name its resource"),
            )
            .at(event.msk.span)
            .with_path(event.path())
            .with_help(format!("add `{key}` to this event")),
        );
        return None;
    };
    let fail = |code: Code, message: String, span: Span, help: &str| {
        Diagnostic::error(code, message)
            .at(span)
            .with_path(event.key_path(key))
            .with_help(help.to_owned())
    };
    match token {
        IdToken::Value => match node.as_str() {
            Some(text) => Some(text.to_owned()),
            None => {
                diagnostics.push(fail(
                    Code::TopicNotAString,
                    format!("`{key}` must be a string, not {}", node.type_with_article()),
                    node.span,
                    "write the value as a plain string",
                ));
                None
            }
        },
        IdToken::ClusterName if event.dialect.least_privilege => {
            // The extended profile also names `Fn::GetAtt [Cluster, Arn]` after the resource
            // and a VPC-connection ARN after its cluster (not the owner account that follows
            // its first `/`).
            if let Some(Value::Array(items)) = node.get("Fn::GetAtt").map(|node| &node.value)
                && let Some(resource) = items.first().and_then(Node::as_str)
            {
                return Some(resource.to_owned());
            }
            if let Some(arn) = node
                .as_str()
                .and_then(|text| msk_model::arn::Arn::parse(text).ok())
            {
                return Some(arn.cluster_name);
            }
            id_token(
                &EventContext {
                    dialect: &Dialect {
                        least_privilege: false,
                        ..*event.dialect
                    },
                    ..*event
                },
                key,
                token,
                diagnostics,
            )
        }
        IdToken::ClusterName => {
            // Serverless' `getMskClusterNameToken`: ImportValue, else Ref, else the ARN's
            // segment after the first `/`.
            for intrinsic in ["Fn::ImportValue", "Ref"] {
                if let Some(value) = node
                    .get(intrinsic)
                    .filter(|value| js::is_truthy(&value.value))
                {
                    return match value.as_str() {
                        Some(name) => Some(name.to_owned()),
                        None => {
                            diagnostics.push(fail(
                                Code::ArnIntrinsicNotAString,
                                format!("`{intrinsic}` in `arn` must be a plain string here, not {}: Serverless names the resource after it", value.type_with_article()),
                                value.span,
                                "use the export or resource name directly, e.g. `!ImportValue shared-msk-ClusterArn`",
                            ));
                            None
                        }
                    };
                }
            }
            match &node.value {
                Value::String(arn) => match arn.split('/').nth(1) {
                    Some(cluster) => Some(cluster.to_owned()),
                    None => {
                        diagnostics.push(fail(
                            Code::ArnWithoutClusterName,
                            format!("the cluster ARN `{arn}` has no cluster name after a `/`"),
                            node.span,
                            "use the full cluster ARN: arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>",
                        ));
                        None
                    }
                },
                _ => {
                    let first_key = match &node.value {
                        Value::Object(entries) => entries.first().map(|entry| entry.key.as_str()),
                        _ => None,
                    };
                    let (message, help) = match first_key {
                        // `Ref`/`Fn::ImportValue` present but empty: Serverless falls through
                        // to `arn.split` and crashes.
                        Some(name @ ("Ref" | "Fn::ImportValue")) => (
                            format!(
                                "`{name}` in `arn` is empty; Serverless names the resource after it"
                            ),
                            "give the cluster's logical ID (`!Ref MskCluster`) or the export name (`!ImportValue shared-ClusterArn`)",
                        ),
                        Some("Fn::GetAtt") => (
                            "`Fn::GetAtt` is not supported for the msk `arn`".to_owned(),
                            "an AWS::MSK::Cluster's `Ref` is its ARN: use `!Ref <ClusterLogicalId>` instead of `!GetAtt`",
                        ),
                        Some(name) if name.starts_with("Fn::") => (
                            format!("`{name}` is not supported for the msk `arn`"),
                            "write the cluster ARN as a string, `!Ref <ClusterLogicalId>` or `!ImportValue <export>`",
                        ),
                        // A mapping that is no CloudFormation function at all (`arn: {a: b}`).
                        Some(name) => (
                            format!(
                                "`arn` must be an ARN string, `Ref` or `Fn::ImportValue`, not a mapping with the key `{name}`"
                            ),
                            "write the cluster ARN, `!Ref <ClusterLogicalId>` or `!ImportValue <export>`",
                        ),
                        None => (
                            format!(
                                "`arn` must be an ARN string, `Ref` or `Fn::ImportValue`, not {}",
                                node.type_with_article()
                            ),
                            "write the cluster ARN, `!Ref <ClusterLogicalId>` or `!ImportValue <export>`",
                        ),
                    };
                    diagnostics.push(fail(
                        Code::ArnUnsupportedIntrinsic,
                        message,
                        node.span,
                        help,
                    ));
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::PARALLEL_EVENTS;

    /// A service big enough for the parallel path, with what makes order matter: logical-ID
    /// collisions within a function and across functions far apart (`fn-7` and `fnDash7`
    /// both normalize to `FnDash7`), events that fail to compile, empty events.
    fn big_service_with_problems() -> String {
        let mut yaml = String::from("service: s\nprovider:\n  name: aws\nfunctions:\n");
        let function = |yaml: &mut String, name: &str, seed: usize| {
            yaml.push_str(&format!("  {name}:\n    handler: h.main\n    events:\n"));
            for event in 0..7 {
                match (seed + event) % 13 {
                    0 => yaml.push_str("      -\n"),
                    1 => yaml.push_str("      - msk:\n          arn: 5\n          topic: t\n"),
                    2 | 3 => yaml.push_str("      - msk:\n          arn: arn:aws:kafka:us-east-1:1:cluster/c/1\n          topic: same\n"),
                    _ => yaml.push_str(&format!(
                        "      - msk:\n          arn: arn:aws:kafka:us-east-1:1:cluster/c{event}/1\n          topic: t{event}\n          batchSize: {}\n",
                        seed % 50 + 1
                    )),
                }
            }
        };
        for index in 0..300 {
            function(&mut yaml, &format!("fn-{index}"), index);
        }
        for index in [7, 150, 299] {
            function(&mut yaml, &format!("fnDash{index}"), index + 1);
        }
        yaml
    }

    #[test]
    fn big_outputs_are_json_stringify_text_whole_or_streamed() {
        let source = crate::synth::service(300, 7, 3);
        let report =
            crate::compile_source(&source, crate::Format::Yaml, &crate::Options::default());
        let compiled = report.compiled.expect("the synthetic service compiles");
        assert_eq!(compiled.resources.len(), 2100);
        let expected = crate::json::stringify_pretty(&compiled.to_json());
        assert_eq!(compiled.to_pretty_json(), expected);
        let mut streamed = Vec::new();
        compiled
            .write_pretty_json(&mut streamed)
            .expect("writing to memory");
        assert_eq!(streamed, expected.as_bytes());
    }

    /// [`compile`] one function after the other, on a borrowed tree: the reference.
    fn compile_in_order(root: &Node, diagnostics: &mut Vec<Diagnostic>) -> Compiled {
        let functions = functions(root);
        let mut compiler = Compiler::new(root, &functions, Dialect::default());
        let mut scratch = Scratch::default();
        for (name, function) in &functions {
            let part = prepare_function(root, name, function, &Dialect::default(), &mut scratch);
            compiler.commit(part, diagnostics);
        }
        compiler.finish(root, diagnostics)
    }

    #[test]
    fn compiling_in_parallel_gives_what_compiling_in_order_gives() {
        let yaml = big_service_with_problems();
        let mut root = crate::load::parse(&yaml, crate::Format::Yaml).expect("loads");
        let loaded = crate::load::resolve_variables(&mut root, &crate::VariableOptions::default());
        assert!(loaded.is_empty(), "{loaded:#?}");
        let mut in_order = Vec::new();
        let expected = compile_in_order(&root, &mut in_order);
        let mut in_parallel = Vec::new();
        let compiled = compile(root, &Dialect::default(), &mut in_parallel);
        assert_eq!(compiled, expected);
        assert_eq!(in_parallel, in_order);
        // The case is what it means to be: big, with collisions (across functions too), errors
        // and empty events among the diagnostics.
        const { assert!(303 * 7 >= PARALLEL_EVENTS) };
        let count = |code: Code| {
            in_order
                .iter()
                .filter(|diagnostic| diagnostic.code == code)
                .count()
        };
        assert!(
            count(Code::LogicalIdCollision) >= 10,
            "{}",
            count(Code::LogicalIdCollision)
        );
        assert!(in_order.iter().any(|diagnostic| {
            diagnostic.code == Code::LogicalIdCollision
                && diagnostic.message.contains("functions.fn-150.events")
                && diagnostic
                    .path
                    .as_deref()
                    .is_some_and(|path| path.starts_with("functions.fnDash150."))
        }));
        assert!(count(Code::EventNull) > 100);
        assert!(count(Code::TopicNotAString) + count(Code::ArnUnsupportedIntrinsic) > 100);
    }

    #[test]
    fn properties_sharing_a_path_prefix_nest_where_the_first_stands() {
        // JavaScript: p.A = {B: 1}; p.C = 2; p.A.D = 3; p.E = {F: {G: 4}}; p.E.H = 5.
        let values = "12345";
        let entries: [(&'static [&'static str], std::ops::Range<usize>); 5] = [
            (&["A", "B"], 0..1),
            (&["C"], 1..2),
            (&["A", "D"], 2..3),
            (&["E", "F", "G"], 3..4),
            (&["E", "H"], 4..5),
        ];
        let mut out = String::new();
        write_properties(&mut out, values, &entries);
        assert_eq!(out, r#"{"A":{"B":1,"D":3},"C":2,"E":{"F":{"G":4},"H":5}}"#);
        out.clear();
        write_properties(&mut out, values, &[]);
        assert_eq!(out, "{}");
    }

    // The synthetic services of the benches (`benches/synth`).
    #[test]
    fn the_same_seed_gives_the_same_text() {
        assert_eq!(
            crate::synth::service(20, 3, 7),
            crate::synth::service(20, 3, 7)
        );
        assert_ne!(
            crate::synth::service(20, 3, 7),
            crate::synth::service(20, 3, 8)
        );
    }

    #[test]
    fn every_msk_key_is_used() {
        let text = crate::synth::service(200, 5, 1);
        for key in [
            "arn:",
            "topic:",
            "batchSize:",
            "maximumBatchingWindow:",
            "enabled:",
            "startingPosition:",
            "startingPositionTimestamp:",
            "saslScram512:",
            "consumerGroupId:",
            "filterPatterns:",
            "!Ref",
            "!ImportValue",
            "Ref:",
            "Fn::ImportValue:",
            "<<:",
            "${self:",
            "${sls:stage}",
            "provisionedConcurrency:",
            "snapStart:",
            "role:",
        ] {
            assert!(text.contains(key), "no `{key}` in the synthetic service");
        }
    }

    #[test]
    fn the_200_by_5_service_compiles_to_1000_resources() {
        let report = crate::compile_source(
            &crate::synth::service(200, 5, 1),
            crate::Format::Yaml,
            &crate::Options::default(),
        );
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        let compiled = report.compiled.expect("compiled");
        assert_eq!(compiled.resources.len(), 1000);
        assert_eq!(compiled.statements.len(), 400);
        assert!(compiled.shared_role);
        // The CLI serializes the `Compiled` itself; it must equal its JSON value's text.
        assert_eq!(
            crate::json::stringify_pretty(&compiled),
            crate::json::stringify_pretty(&compiled.to_json())
        );
    }
}
