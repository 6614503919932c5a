//! The names `#[cfn(...)]` understands, as constants, so parsing and error messages can never
//! disagree about how a key is spelled; and the path generated code names msk-model by.

use std::fmt::{self, Display};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, Path};

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Symbol(&'static str);

/// The path through which generated code names runtime items, so the user's imports and
/// shadowing never matter (msk-model has `extern crate self as msk_model` for its own use).
pub fn private() -> TokenStream {
    quote!(::msk_model::__private)
}

pub const CFN: Symbol = Symbol("cfn");

// Container keys.
pub const RESOURCE: Symbol = Symbol("resource");
pub const LOGICAL_ID: Symbol = Symbol("logical_id");
pub const SLOT: Symbol = Symbol("slot");
pub const RULE: Symbol = Symbol("rule");
pub const RULES: Symbol = Symbol("rules");

// Keys inside `slot(...)`.
pub const NAME: Symbol = Symbol("name");

// Keys of a rule (besides `profile`), and the name duplicate tests are reported under.
pub const CODE: Symbol = Symbol("code");
pub const MESSAGE: Symbol = Symbol("message");
pub const HELP: Symbol = Symbol("help");
pub const CLOUDFORMATION: Symbol = Symbol("cloudformation");
pub const TEST: Symbol = Symbol("test");

// The tests of a rule.
pub const REQUIRED_WHEN: Symbol = Symbol("required_when");
pub const REQUIRES: Symbol = Symbol("requires");
pub const CONFLICTS: Symbol = Symbol("conflicts");
pub const NOT_GREATER: Symbol = Symbol("not_greater");
pub const DIFFERS: Symbol = Symbol("differs");
pub const MATCHES: Symbol = Symbol("matches");
pub const LENGTH: Symbol = Symbol("length");
pub const JSON_LENGTH: Symbol = Symbol("json_length");
pub const RANGE: Symbol = Symbol("range");
pub const TYPE_IS: Symbol = Symbol("type_is");
pub const ONE_OF: Symbol = Symbol("one_of");
pub const ITEMS: Symbol = Symbol("items");
pub const UNIQUE: Symbol = Symbol("unique");

// Keys of the tests (`requires` is also a test of its own).
pub const FIELD: Symbol = Symbol("field");
pub const OTHER: Symbol = Symbol("other");
pub const EQUALS: Symbol = Symbol("equals");
pub const PREFIX: Symbol = Symbol("prefix");
pub const PATTERN: Symbol = Symbol("pattern");
pub const MIN: Symbol = Symbol("min");
pub const MAX: Symbol = Symbol("max");
pub const IS: Symbol = Symbol("is");
pub const VALUES: Symbol = Symbol("values");

// Field keys (`order` is shared with `slot(...)`).
pub const PROPERTY: Symbol = Symbol("property");
pub const ORDER: Symbol = Symbol("order");
pub const PRESENCE: Symbol = Symbol("presence");
pub const DEFAULT: Symbol = Symbol("default");
pub const SHAPE: Symbol = Symbol("shape");
pub const SOURCE_ACCESS: Symbol = Symbol("source_access");
pub const ID_PART: Symbol = Symbol("id_part");
pub const ID_TOKEN: Symbol = Symbol("id_token");
pub const IAM_RESOURCE: Symbol = Symbol("iam_resource");
pub const PROFILE: Symbol = Symbol("profile");
pub const GRANT: Symbol = Symbol("grant");
pub const RENAME: Symbol = Symbol("rename");

impl Symbol {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(self.0)
    }
}

/// `` `a`, `b` or `c` ``: the accepted keys, in an error message.
pub fn one_of(symbols: &[Symbol]) -> String {
    list(symbols, "or")
}

/// `` `a`, `b` and `c` ``: the missing keys, in an error message.
pub fn all_of(symbols: &[Symbol]) -> String {
    list(symbols, "and")
}

fn list(symbols: &[Symbol], conjunction: &str) -> String {
    let quoted: Vec<String> = symbols.iter().map(|symbol| format!("`{symbol}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}
