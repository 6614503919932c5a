//! Compiles the `msk` events of a Serverless Framework service into CloudFormation
//! `AWS::Lambda::EventSourceMapping` resources and the IAM statements the shared Lambda
//! role needs, exactly as Serverless Framework 3.40.0 does.

pub mod diag;
pub mod tree;
