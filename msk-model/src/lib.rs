//! Typed model of the Serverless Framework `msk` function event
//! (`functions.<name>.events[].msk` in `serverless.yml`).
//!
//! The structs here are the single source of three things:
//! * the JSON Schema (through `schemars::JsonSchema`), with the exact constraints of
//!   Serverless Framework 3.40.0 and the documentation users read in their editor;
//! * the CloudFormation mapping (through [`CfnMapping`], derived by `msk-derive`): for every
//!   field its property path, emptiness rule, default and value shape, plus cross-field rules;
//! * typed access for library users (through serde).
//!
//! ```
//! use msk_model::{CfnMapping, MskEvent};
//! let batch = MskEvent::field("batchSize").unwrap();
//! assert_eq!(batch.path, ["BatchSize"]);
//! ```

extern crate self as msk_model;

pub mod arn;
pub mod cfn;
mod code;
mod event;
pub mod iam;
pub mod replacement;

pub use cfn::{
    CfnField, CfnKey, CfnMapping, CfnProperty, Grant, Host, IdPart, IdToken, JsonType, KeySet,
    Presence, Profile, Rename, RenameKind, Rule, Shape, Slot, Test, Trigger,
};
pub use code::{Code, Page};
pub use event::{
    AccessConfig, AccessConfigType, Arn, CfnGetAtt, CfnImportValue, CfnRef, DestinationType,
    Destinations, EventRecordFormat, FunctionResponseType, LogLevel, Metric, MskEvent, OnFailure,
    PollerConfig, ProvisionedPollers, SchemaAttribute, SchemaRegistry, StartingPosition,
    TypedDestination,
};
pub use msk_derive::{CfnKeys, CfnMapping};

/// Items the generated code refers to. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::cfn::*;
    pub use crate::code::Code;
}
