//! What the msk compiler produces ([`Compiled`]: the mappings as [`Resource`]s, the IAM
//! statements, the role policies) and its writer: the CLI's output text, `JSON.stringify(…,
//! null, 2)` of it, written from the resources' compact text without parsing it again.

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value as Json};

use crate::json::{stringify_compact, write_pretty_from_compact, write_string};

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
    pub(crate) fn from_compact_text(text: &str) -> Self {
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

#[cfg(test)]
mod tests {
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
}
