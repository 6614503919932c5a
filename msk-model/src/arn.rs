//! A parsed Amazon MSK ARN: a cluster (`…:cluster/<name>/<uuid>`) or a multi-VPC connection
//! to another account's cluster (`…:vpc-connection/<owner account>/<cluster name>/<uuid>`),
//! with the ARNs that IAM access control derives from it (cluster, topic, group).
//!
//! Only literal ARNs parse; a `Ref` or an import is not known until deploy time, and the
//! compiler builds the same ARNs with `Fn::Sub`/`Fn::Select`/`Fn::Split` instead.

use std::fmt;

/// The service part of any ARN (`arn:<partition>:<service>:…`), the rest unchecked: what a
/// destination or a schema registry is, as IAM needs to know.
pub fn service(text: &str) -> Option<&str> {
    text.split(':').nth(2)
}

/// The CloudFormation functions of a cluster `arn` whose string argument names the event's
/// resource (the cluster-name token of its logical ID), in the order Serverless 3.40.0's
/// `getMskClusterNameToken` looks for them: the export name, else the logical ID.
pub const NAMING_INTRINSICS: [&str; 2] = ["Fn::ImportValue", "Ref"];

/// The cluster-name token Serverless 3.40.0 gives a literal `arn`: its part after the first
/// `/` (`…:cluster/<name>/<uuid>` gives `<name>`, whatever the ARN's form); `None` without a
/// `/`, where Serverless cannot name the resource.
pub fn v3_cluster_name_token(text: &str) -> Option<&str> {
    text.split('/').nth(1)
}

/// What the ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnKind {
    /// An MSK cluster in the ARN's own account.
    Cluster,
    /// A multi-VPC connection to a cluster in `cluster_account`.
    VpcConnection,
}

/// A parsed MSK cluster or VPC-connection ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub region: String,
    /// The account in the ARN (for a VPC connection, the account that owns the connection).
    pub account: String,
    pub kind: ArnKind,
    /// The account that owns the cluster (the ARN's account for a cluster).
    pub cluster_account: String,
    pub cluster_name: String,
    /// The cluster's UUID; for a VPC connection, the connection's (the cluster's is unknown).
    pub uuid: String,
}

/// Why a text is not an MSK cluster or VPC-connection ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnError(pub String);

impl fmt::Display for ArnError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl Arn {
    /// Parses `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>` or
    /// `arn:<partition>:kafka:<region>:<account>:vpc-connection/<owner>/<name>/<uuid>`.
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let fail = |why: &str| Err(ArnError(why.to_owned()));
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(rest)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return fail(
                "an ARN has six `:`-separated parts: arn:<partition>:kafka:<region>:<account>:<resource>",
            );
        };
        if service != "kafka" {
            return fail("the ARN's service is not `kafka`");
        }
        if partition.is_empty() || region.is_empty() {
            return fail("the ARN has no partition or region");
        }
        if account.len() != 12 || !account.bytes().all(|byte| byte.is_ascii_digit()) {
            return fail("the ARN's account is not 12 digits");
        }
        let segments: Vec<&str> = rest.split('/').collect();
        let (kind, cluster_account, cluster_name, uuid) = match segments.as_slice() {
            ["cluster", name, uuid] => (ArnKind::Cluster, account, *name, *uuid),
            ["vpc-connection", owner, name, uuid] => (ArnKind::VpcConnection, *owner, *name, *uuid),
            _ => {
                return fail(
                    "the resource is neither `cluster/<name>/<uuid>` nor `vpc-connection/<owner account>/<cluster name>/<uuid>`",
                );
            }
        };
        if cluster_name.is_empty() || uuid.is_empty() || cluster_account.is_empty() {
            return fail("the ARN has an empty name, account or UUID");
        }
        Ok(Arn {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            kind,
            cluster_account: cluster_account.to_owned(),
            cluster_name: cluster_name.to_owned(),
            uuid: uuid.to_owned(),
        })
    }

    /// The cluster-name token of the logical ID under the extended profile: the cluster's
    /// name, for a VPC connection too (not the owner account that follows its first `/`).
    pub fn cluster_name_token(&self) -> &str {
        &self.cluster_name
    }

    pub fn is_vpc_connection(&self) -> bool {
        self.kind == ArnKind::VpcConnection
    }

    /// The ARN IAM access control gives `resource` of this cluster:
    /// `arn:<partition>:kafka:<region>:<cluster account>:<kind>/<cluster name>/<cluster uuid>[/<name>]`,
    /// with `*` for the cluster UUID a VPC-connection ARN does not carry.
    pub fn data_plane(&self, resource: DataPlane<'_>) -> String {
        let uuid = match self.kind {
            ArnKind::Cluster => self.uuid.as_str(),
            ArnKind::VpcConnection => "*",
        };
        let mut arn = format!(
            "arn:{}:kafka:{}:{}:{}/{}/{uuid}",
            self.partition,
            self.region,
            self.cluster_account,
            resource.kind(),
            self.cluster_name
        );
        if let Some(name) = resource.name() {
            arn.push('/');
            arn.push_str(name);
        }
        arn
    }
}

/// A resource of a cluster's data plane, as IAM access control names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataPlane<'a> {
    /// The cluster itself (`kafka-cluster:Connect`).
    Cluster,
    /// A topic (`kafka-cluster:ReadData`, `kafka-cluster:WriteData`).
    Topic(&'a str),
    /// A consumer group; `*` for any (a mapping without a group id joins one named after its
    /// UUID, unknown until deploy).
    Group(&'a str),
}

impl<'a> DataPlane<'a> {
    /// The resource type in the ARN: `cluster`, `topic` or `group`.
    pub fn kind(self) -> &'static str {
        match self {
            DataPlane::Cluster => "cluster",
            DataPlane::Topic(_) => "topic",
            DataPlane::Group(_) => "group",
        }
    }

    /// The topic or group name that follows the cluster in the ARN.
    pub fn name(self) -> Option<&'a str> {
        match self {
            DataPlane::Cluster => None,
            DataPlane::Topic(name) | DataPlane::Group(name) => Some(name),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resource = match self.kind {
            ArnKind::Cluster => format!("cluster/{}/{}", self.cluster_name, self.uuid),
            ArnKind::VpcConnection => format!(
                "vpc-connection/{}/{}/{}",
                self.cluster_account, self.cluster_name, self.uuid
            ),
        };
        write!(
            formatter,
            "arn:{}:kafka:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_arn_gives_its_data_plane_arns() {
        let text = "arn:aws:kafka:us-east-1:111111111111:cluster/orders/9a8b-3";
        let arn = Arn::parse(text).expect("parses");
        assert_eq!(arn.to_string(), text);
        assert_eq!(arn.cluster_name, "orders");
        assert_eq!(arn.data_plane(DataPlane::Cluster), text);
        assert_eq!(
            arn.data_plane(DataPlane::Topic("t.1")),
            "arn:aws:kafka:us-east-1:111111111111:topic/orders/9a8b-3/t.1"
        );
        assert_eq!(
            arn.data_plane(DataPlane::Group("*")),
            "arn:aws:kafka:us-east-1:111111111111:group/orders/9a8b-3/*"
        );
    }

    #[test]
    fn a_vpc_connection_names_the_owner_accounts_cluster() {
        let text =
            "arn:aws-cn:kafka:cn-north-1:111111111111:vpc-connection/222222222222/orders/abc-1";
        let arn = Arn::parse(text).expect("parses");
        assert!(arn.is_vpc_connection());
        assert_eq!(arn.to_string(), text);
        assert_eq!(arn.cluster_name, "orders");
        assert_eq!(
            arn.data_plane(DataPlane::Topic("t")),
            "arn:aws-cn:kafka:cn-north-1:222222222222:topic/orders/*/t"
        );
    }

    #[test]
    fn the_cluster_name_token_is_v3s_segment_or_the_parsed_name() {
        let vpc = "arn:aws:kafka:us-east-1:111111111111:vpc-connection/222222222222/orders/abc-1";
        assert_eq!(v3_cluster_name_token(vpc), Some("222222222222"));
        let arn = Arn::parse(vpc).expect("parses");
        assert_eq!(arn.cluster_name_token(), "orders");
        assert_eq!(v3_cluster_name_token("arn:aws:kafka:::cluster"), None);
    }

    #[test]
    fn other_texts_are_refused_with_a_reason() {
        for text in [
            "arn:aws:kafka:us-east-1:111111111111:cluster",
            "arn:aws:sqs:us-east-1:111111111111:queue",
            "arn:aws:kafka:us-east-1:1:cluster/a/b",
            "not an arn",
        ] {
            assert!(Arn::parse(text).is_err(), "{text}");
        }
    }
}
