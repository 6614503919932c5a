//! The msk compiler's driver: walks functions and events in config order (runs of functions
//! side by side), has each event's `AWS::Lambda::EventSourceMapping` built ([`crate::mapping`]),
//! joins the functions' parts in order (logical-ID collisions), and writes the IAM statements:
//! Serverless 3.40.0's kafka + ec2 pair per function, or the extended profile's grants per
//! role. Then `resources.extensions` ([`crate::extensions`]).
//!
//! It keeps going past errors, so that one run reports every problem.

use indexmap::IndexMap;
use serde_json::Value as Json;

use msk_model::iam::{EC2_ACTIONS, KAFKA_ACTIONS};
use msk_model::{CfnMapping, MskEvent};

use crate::diag::{Code, Diagnostic};
use crate::dialect::Dialect;
use crate::event::EventContext;
use crate::grants::{self, Grants};
use crate::js;
use crate::json::{object, stringify_compact, to_json};
use crate::mapping::{Scratch, build_resource};
use crate::naming::normalized_function_name_as;
use crate::output::{Compiled, Resource};
use crate::parallel::{events_of, map_runs};
use crate::service::{
    RoleTarget, creates_shared_role, functions, lambda_target, role_dependency, role_target,
    target_alias,
};
use crate::tree::{Node, Span, Value};

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
            Value::Object(_) => match event.get(MskEvent::EVENT_KEY) {
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
                    grants::collect(
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
        crate::extensions::apply(
            root,
            &self.dialect,
            &mut self.resources,
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
