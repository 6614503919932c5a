//! Least-privilege IAM of the extended profile: what each compiled msk event needs, read from
//! the grants its keys declare on the model (`#[cfn(grant = ...)]`), gathered per role over
//! distinct resources, and written as one statement per kind (`msk_model::iam`).
//!
//! Data-plane ARNs (topic, group) are built from the typed cluster [`Arn`]; when the cluster
//! is a CloudFormation function (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`), the same ARNs are
//! built at deploy time with `Fn::Sub` over `Fn::Select`/`Fn::Split` of it.

use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use msk_model::arn::{self, Arn, DataPlane};
use msk_model::iam::{self, EXTENDED_STATEMENTS, StatementKind};
use msk_model::{
    AccessConfig, CfnMapping, Destinations, Grant, MskEvent, SchemaRegistry, TypedDestination,
};

use crate::diag::{Code, Diagnostic};
use crate::js;
use crate::json::{object, stringify_compact, to_json};
use crate::tree::{Node, Value};

/// The resources each statement kind is granted on, distinct, in first-seen order.
///
/// A function's grants are a handful of entries kept until its part joins the service, so
/// they are a plain list searched linearly (as hash maps, a thousand functions' grants took
/// 16 MB); a role's grants across a big service get an index once they are many, so that
/// thousands of topics are not compared with each other.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grants {
    /// (index in `EXTENDED_STATEMENTS`, resource), distinct, in the order first granted.
    entries: Vec<(usize, Json)>,
    /// `"<index> <resource as compact JSON>"` of every entry, once there are more than
    /// [`INDEXED_FROM`].
    index: HashSet<String>,
}

/// The number of entries from which [`Grants`] looks duplicates up in a set.
const INDEXED_FROM: usize = 32;

impl Grants {
    /// Grants `kind` on `resource` (once).
    pub fn add(&mut self, kind: StatementKind, resource: Json) {
        let Some(kind) = EXTENDED_STATEMENTS.iter().position(|known| *known == kind) else {
            return;
        };
        self.add_at(kind, resource);
    }

    fn add_at(&mut self, kind: usize, resource: Json) {
        let key = |kind: usize, resource: &Json| format!("{kind} {}", stringify_compact(resource));
        if self.entries.len() < INDEXED_FROM {
            if self
                .entries
                .iter()
                .any(|(known, granted)| *known == kind && *granted == resource)
            {
                return;
            }
        } else {
            if self.index.is_empty() {
                self.index = self
                    .entries
                    .iter()
                    .map(|(known, granted)| key(*known, granted))
                    .collect();
            }
            if !self.index.insert(key(kind, &resource)) {
                return;
            }
        }
        self.entries.push((kind, resource));
    }

    /// Adds everything `other` grants.
    pub fn extend(&mut self, other: &Grants) {
        for (kind, resource) in &other.entries {
            self.add_at(*kind, resource.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The statements, one per kind that has resources, in `EXTENDED_STATEMENTS` order.
    pub fn statements(&self) -> Vec<Json> {
        EXTENDED_STATEMENTS
            .iter()
            .enumerate()
            .filter_map(|(index, kind)| {
                let resources: Vec<Json> = self
                    .entries
                    .iter()
                    .filter(|(known, _)| *known == index)
                    .map(|(_, resource)| resource.clone())
                    .collect();
                if resources.is_empty() {
                    return None;
                }
                let resource = if kind.on_any {
                    Json::from("*")
                } else {
                    Json::Array(resources)
                };
                Some(object([
                    ("Sid", Json::from(kind.sid)),
                    ("Effect", Json::from("Allow")),
                    ("Action", Json::from(kind.actions)),
                    ("Resource", resource),
                ]))
            })
            .collect()
    }
}

/// The event's cluster, as far as it is known at build time.
enum Cluster {
    /// A literal cluster or VPC-connection ARN.
    Parsed(Arn),
    /// A literal ARN of another form (accepted by Serverless' `^arn:`).
    Unparsed(String),
    /// `Ref`, `Fn::GetAtt` or `Fn::ImportValue`: the cluster ARN at deploy time.
    Intrinsic(Json),
}

impl Cluster {
    fn of(node: &Node) -> Cluster {
        match &node.value {
            Value::String(text) => match Arn::parse(text) {
                Ok(arn) => Cluster::Parsed(arn),
                Err(_) => Cluster::Unparsed(text.clone()),
            },
            _ => Cluster::Intrinsic(to_json(node)),
        }
    }

    /// The data-plane ARN of `resource`; `None` for an ARN of an unknown form.
    fn data_plane(&self, resource: DataPlane<'_>) -> Option<Json> {
        match self {
            Cluster::Parsed(arn) => Some(Json::from(arn.data_plane(resource))),
            Cluster::Unparsed(_) => None,
            Cluster::Intrinsic(arn) => {
                let Some(tail) = resource.name() else {
                    return Some(arn.clone());
                };
                // arn:<p>:kafka:<r>:<a>:cluster/<name>/<uuid> → prefix `arn:<p>:kafka:<r>:<a>`
                // and rest `<name>/<uuid>`, around the `:cluster/` separator.
                let part = |index: u32| {
                    object([(
                        "Fn::Select",
                        Json::Array(vec![
                            Json::from(index),
                            object([(
                                "Fn::Split",
                                Json::Array(vec![Json::from(":cluster/"), arn.clone()]),
                            )]),
                        ]),
                    )])
                };
                let mut variables = Map::new();
                variables.insert("ClusterArnPrefix".to_owned(), part(0));
                variables.insert("ClusterNameAndUuid".to_owned(), part(1));
                Some(object([(
                    "Fn::Sub",
                    Json::Array(vec![
                        Json::from(format!(
                            "${{ClusterArnPrefix}}:{}/${{ClusterNameAndUuid}}/{tail}",
                            resource.kind()
                        )),
                        Json::Object(variables),
                    ]),
                )]))
            }
        }
    }
}

/// What one compiled event needs, added to `grants`. `key_path` gives a key's dotted path for
/// diagnostics.
pub fn collect(
    msk: &Node,
    key_path: &dyn Fn(&str) -> String,
    grants: &mut Grants,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some((arn_key, arn_node)) =
        MskEvent::IAM_RESOURCE_KEY.and_then(|key| Some((key, msk.get(key)?)))
    else {
        return;
    };
    let cluster = Cluster::of(arn_node);
    // The cluster's own ARN: for a VPC connection, the other account's cluster, whose UUID the
    // connection's ARN does not carry (AWS's page requires kafka:DescribeClusterV2 for every
    // MSK mapping, and kafka:DescribeVpcConnection besides for a cross-account one).
    let cluster_arn = match &cluster {
        Cluster::Parsed(arn) if arn.is_vpc_connection() => {
            grants.add(iam::DESCRIBE_VPC_CONNECTIONS, Json::from(arn.to_string()));
            Json::from(arn.data_plane(DataPlane::Cluster))
        }
        Cluster::Parsed(arn) => Json::from(arn.to_string()),
        Cluster::Unparsed(text) => Json::from(text.as_str()),
        Cluster::Intrinsic(arn) => arn.clone(),
    };
    grants.add(iam::DESCRIBE_CLUSTERS, cluster_arn.clone());
    grants.add(iam::BOOTSTRAP_BROKERS, Json::from("*"));
    grants.add(iam::NETWORK_INTERFACES, Json::from("*"));
    let topic = msk.get(MskEvent::KEY_TOPIC).and_then(Node::as_str);

    for entry in MskEvent::KEYS {
        let Some(grant) = entry.grant else { continue };
        let Some(node) = msk.get(entry.key).filter(|node| js::is_truthy(&node.value)) else {
            continue;
        };
        let unknown_cluster = |diagnostics: &mut Vec<Diagnostic>, what: &str| {
            diagnostics.push(
                Diagnostic::error(
                    Code::ArnNotAnMskArn,
                    format!("{what} needs the cluster's name and UUID, and this `arn` is not an MSK cluster or VPC-connection ARN"),
                )
                .at(arn_node.span)
                .with_path(key_path(arn_key))
                .with_help("write the ARN as arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>"),
            );
        };
        match grant {
            Grant::Secret => grants.add(iam::READ_SECRETS, to_json(node)),
            Grant::ScramSecret => {
                grants.add(iam::READ_SECRETS, to_json(node));
                grants.add(iam::LIST_SCRAM_SECRETS, cluster_arn.clone());
            }
            Grant::KmsDecrypt => grants.add(iam::DECRYPT_SECRETS, to_json(node)),
            Grant::IamAuth => {
                let group = msk
                    .get(MskEvent::KEY_CONSUMER_GROUP_ID)
                    .filter(|node| js::is_truthy(&node.value))
                    .and_then(Node::as_str);
                let resources = (
                    cluster.data_plane(DataPlane::Cluster),
                    topic.and_then(|topic| cluster.data_plane(DataPlane::Topic(topic))),
                    cluster.data_plane(DataPlane::Group(group.unwrap_or("*"))),
                );
                let (Some(cluster_arn), Some(topic_arn), Some(group_arn)) = resources else {
                    unknown_cluster(diagnostics, "`iamAuth`");
                    continue;
                };
                grants.add(iam::CONNECT_CLUSTERS, cluster_arn);
                grants.add(iam::READ_TOPICS, topic_arn);
                grants.add(iam::CONSUMER_GROUPS, group_arn);
                if group.is_none() {
                    diagnostics.push(
                        Diagnostic::warning(
                            Code::ConsumerGroupUnset,
                            "without `consumerGroupId`, Lambda joins a group named after the mapping's UUID, unknown until deploy: the role may alter every consumer group of the cluster",
                        )
                        .at(node.span)
                        .with_path(key_path(entry.key))
                        .with_help("set `consumerGroupId` (unique among your Kafka event sources) to grant that group only"),
                    );
                }
            }
            Grant::Destination => {
                let Some(on_failure) = node.get(Destinations::KEY_ON_FAILURE) else {
                    continue;
                };
                destination(&cluster, on_failure, grants, diagnostics, &unknown_cluster);
            }
            Grant::SchemaRegistry => schema_registry(node, grants),
        }
    }
}

fn destination(
    cluster: &Cluster,
    on_failure: &Node,
    grants: &mut Grants,
    diagnostics: &mut Vec<Diagnostic>,
    unknown_cluster: &dyn Fn(&mut Vec<Diagnostic>, &str),
) {
    let (service, arn) = match &on_failure.value {
        Value::String(text) => {
            if let Some(topic) = text.strip_prefix(MskEvent::KAFKA_DESTINATION_PREFIX) {
                match cluster.data_plane(DataPlane::Topic(topic)) {
                    Some(topic_arn) => grants.add(iam::WRITE_TOPICS, topic_arn),
                    None => unknown_cluster(
                        diagnostics,
                        &format!("a `{}` destination", MskEvent::KAFKA_DESTINATION_PREFIX),
                    ),
                }
                return;
            }
            (
                arn::service(text).unwrap_or_default().to_owned(),
                Json::from(text.as_str()),
            )
        }
        Value::Object(_) => match (
            on_failure.get(TypedDestination::KEY_ARN),
            on_failure
                .get(TypedDestination::KEY_KIND)
                .and_then(Node::as_str),
        ) {
            (Some(arn), Some(kind)) => (kind.to_owned(), to_json(arn)),
            _ => return,
        },
        _ => return,
    };
    match service.as_str() {
        "sqs" => grants.add(iam::SEND_TO_QUEUES, arn),
        "sns" => grants.add(iam::PUBLISH_TO_TOPICS, arn),
        "s3" => {
            let objects = match &arn {
                Json::String(bucket) => Json::from(format!("{bucket}/*")),
                intrinsic => {
                    let mut variables = Map::new();
                    variables.insert("BucketArn".to_owned(), intrinsic.clone());
                    object([(
                        "Fn::Sub",
                        Json::Array(vec![Json::from("${BucketArn}/*"), Json::Object(variables)]),
                    )])
                }
            };
            grants.add(iam::PUT_OBJECTS, objects);
            grants.add(iam::LIST_BUCKETS, arn);
        }
        _ => {}
    }
}

/// Glue read access for a Glue registry ARN, and the access-config secrets.
fn schema_registry(registry: &Node, grants: &mut Grants) {
    if let Some(uri) = registry.get(SchemaRegistry::KEY_URI).and_then(Node::as_str)
        && let Some((prefix, name)) = uri.split_once(":registry/")
        && arn::service(prefix) == Some("glue")
        && !name.is_empty()
        && !name.contains('/')
    {
        grants.add(iam::GLUE_REGISTRIES, Json::from(uri));
        grants.add(iam::GLUE_SCHEMA_VERSIONS, Json::from(uri));
        grants.add(
            iam::GLUE_SCHEMA_VERSIONS,
            Json::from(format!("{prefix}:schema/{name}/*")),
        );
    }
    if let Some(Value::Array(configs)) = registry
        .get(SchemaRegistry::KEY_ACCESS_CONFIGS)
        .map(|node| &node.value)
    {
        for config in configs {
            if let Some(uri) = config
                .get(AccessConfig::KEY_URI)
                .filter(|node| js::is_truthy(&node.value))
            {
                grants.add(iam::READ_SECRETS, to_json(uri));
            }
        }
    }
}
