//! The logical-ID tokens of an msk event (`getMskClusterNameToken` and the topic), with the
//! coded errors where Serverless 3.40.0 crashes or cannot name the resource.

use msk_model::IdToken;
use msk_model::arn::{self, Arn};

use crate::diag::{Code, Diagnostic};
use crate::event::EventContext;
use crate::js;
use crate::tree::{Node, Span, Value};

/// The logical-ID token of one field; reports why there is none (where Serverless crashes).
pub fn id_token(
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
            if let Some(arn) = node.as_str().and_then(|text| Arn::parse(text).ok()) {
                return Some(arn.cluster_name_token().to_owned());
            }
            id_token(
                &EventContext {
                    dialect: &crate::dialect::Dialect {
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
            for intrinsic in arn::NAMING_INTRINSICS {
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
                Value::String(text) => match arn::v3_cluster_name_token(text) {
                    Some(cluster) => Some(cluster.to_owned()),
                    None => {
                        diagnostics.push(fail(
                            Code::ArnWithoutClusterName,
                            format!("the cluster ARN `{text}` has no cluster name after a `/`"),
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
