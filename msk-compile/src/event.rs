//! One msk event being compiled: where it is (for diagnostics), the values its function
//! shares with its other events, and the run's dialect (profile and host).

use crate::dialect::Dialect;
use crate::tree::Node;

pub struct EventContext<'a> {
    pub function: &'a str,
    /// The event's index in the function's `events`.
    pub index: usize,
    /// `FunctionName` as JSON text: the same for every event of the function, so built once.
    pub lambda_target: &'a str,
    /// The function name as logical IDs start with it.
    pub normalized_function: &'a str,
    pub msk: &'a Node,
    /// What the profile and host of the run mean to the event.
    pub dialect: &'a Dialect,
}

impl EventContext<'_> {
    pub fn value(&self, key: &str) -> Option<&Node> {
        self.msk.get(key)
    }

    /// Dotted path of the event's mapping (`functions.f.events.0.msk`); built only for a
    /// diagnostic.
    pub fn path(&self) -> String {
        format!("functions.{}.events.{}.msk", self.function, self.index)
    }

    pub fn key_path(&self, key: &str) -> String {
        format!(
            "functions.{}.events.{}.msk.{key}",
            self.function, self.index
        )
    }
}
