//! The `${…}` syntax of Serverless v3 variables: a port of the state machine in
//! `lib/configuration/variables/parse.js` of Serverless 3.40.0.
//!
//! Contract: [`parse`] returns the variables of one string value (or `None` when it has
//! none), with byte offsets relative to the string, or Serverless' syntax error message.
//! The port is deliberately literal — the grammar has corners that only the original's
//! control flow defines — so the oracle's surprises hold here too:
//! * `${a, ${b}}` is a syntax error ("Invalid variable source"): a fallback must be a source
//!   (`${a, b:c}`) or a literal (`'x'`, `"x"`, `123`, `true`, `null`);
//! * `${ self:x }` (space after `{`), `${AWS::Region}`, `${foo}` are not variables at all;
//! * `$${self:x}` is one variable covering both dollars;
//! * `\${…}` escapes a variable (the backslash is dropped), `\\${…}` is a backslash then a
//!   variable;
//! * a param whose literal is falsy (`strToBool(0)`, `strToBool(false)`) becomes `null`
//!   (`generateMeta`'s `value || null`).
//!
//! Offsets are bytes; every decision of the state machine is on an ASCII character, so byte
//! and UTF-16 offsets select the same slices. Messages quote JavaScript (UTF-16) indices.

use crate::js;
use crate::tree::{Node, Span, Value};

/// An error created by the resolver; indexes its error list.
pub(crate) type ErrId = usize;

/// One `${…}` occurrence (or one escape) in a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Variable {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The variable is the whole string: the result keeps its type.
    pub(crate) whole: bool,
    pub(crate) state: VarState,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VarState {
    /// Sources still to try, first choice first.
    Pending(Vec<Source>),
    /// The value (for escapes: the text that replaces them).
    Resolved(Node),
    Failed(ErrId),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// `type:address` or `type(params):address`.
    Typed {
        kind: String,
        params: Option<Vec<Meta>>,
        address: Option<Meta>,
    },
    /// A literal fallback: `'x'`, `"x"`, `123`, `true`, `null`.
    Literal(Value),
}

/// A value that may hold variables: a param, an address, or a config property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    pub(crate) value: Node,
    pub(crate) variables: Option<Vec<Variable>>,
    pub(crate) error: Option<ErrId>,
    /// After concatenation: the pieces, re-parsed one by one so that escapes stay escaped.
    pub(crate) source_values: Option<Vec<String>>,
}

impl Meta {
    pub(crate) fn new(value: Value, variables: Option<Vec<Variable>>) -> Self {
        Meta {
            value: Node::new(value, Span::default()),
            variables,
            error: None,
            source_values: None,
        }
    }
}

/// Serverless' message (and, for the caller, its code is `Code::VariableSyntax`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
}

pub(crate) fn parse(value: &str) -> Result<Option<Vec<Variable>>, SyntaxError> {
    // Fast path: without `${` there is neither a variable nor an escape.
    if !value.contains("${") {
        return Ok(None);
    }
    let mut machine = Machine::new(value);
    machine.run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Out,
    EscapeVar,
    EscapeVarDollar,
    MaybeVariableOpen,
    MaybeTypeStart,
    MaybeNextSourceStart,
    MaybeType,
    TypeOrSourceLiteral,
    ParamStart,
    Param,
    AfterParamString,
    MaybeAddressOpen,
    MaybeAddressStart,
    Address,
    AfterAddressString,
    AfterSourceLiteralString,
    Foreign,
    EscapeString,
    DoubleQuotedString,
    SingleQuotedString,
}

/// Saved state of an enclosing variable while a nested one is read.
#[derive(Debug)]
struct Context {
    state: State,
    variable_start: usize,
    context_start: usize,
    variables: Option<usize>,
    context_variables: Option<usize>,
    current_source: Option<Source>,
    sources: Option<Vec<Source>>,
}

struct Machine<'v> {
    value: &'v str,
    bytes: &'v [u8],
    index: usize,
    state: State,
    string_context: State,
    /// JavaScript arrays that several variables point to at once live in an arena.
    arena: Vec<Vec<Variable>>,
    variables: Option<usize>,
    context_variables: Option<usize>,
    sources: Option<Vec<Source>>,
    contexts: Vec<Context>,
    current_source: Option<Source>,
    context_start: usize,
    escape_var_start: Option<usize>,
    variable_start: usize,
    source_start: usize,
    param_start: usize,
    address_start: usize,
    /// Set when variables nest deeper than [`MAX_NESTING`].
    too_deep: bool,
}

/// Deepest nesting of `${…}` inside `${…}` we accept (resolution recurses per level).
const MAX_NESTING: usize = 64;

fn is_alpha(byte: u8) -> bool {
    byte.is_ascii_lowercase()
}

fn is_alphanumeric(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-'
}

/// `/^[a-z][a-zA-Z0-9]*$/`
fn is_type(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|first| first.is_ascii_lowercase())
        && bytes.all(|byte| byte.is_ascii_alphanumeric())
}

impl<'v> Machine<'v> {
    fn new(value: &'v str) -> Self {
        Machine {
            value,
            bytes: value.as_bytes(),
            index: 0,
            state: State::Out,
            string_context: State::Out,
            arena: Vec::new(),
            variables: None,
            context_variables: None,
            sources: None,
            contexts: Vec::new(),
            current_source: None,
            context_start: 0,
            escape_var_start: None,
            variable_start: 0,
            source_start: 0,
            param_start: 0,
            address_start: 0,
            too_deep: false,
        }
    }

    /// `value.slice(start, end)`; offsets always fall next to ASCII characters, and an
    /// impossible range gives "" rather than a panic.
    fn slice(&self, start: usize, end: usize) -> &'v str {
        self.value.get(start..end).unwrap_or("")
    }

    /// The JavaScript (UTF-16) index of a byte offset, for messages.
    fn js_index(&self, byte: usize) -> usize {
        self.value
            .get(..byte)
            .map_or(byte, |prefix| prefix.encode_utf16().count())
    }

    fn error(&self, what: &str, at: usize) -> SyntaxError {
        SyntaxError {
            message: format!(
                "{what} at index {} in \"{}\"",
                self.js_index(at),
                self.value
            ),
        }
    }

    fn new_array(&mut self) -> usize {
        self.arena.push(Vec::new());
        self.arena.len() - 1
    }

    fn variables_array(&mut self) -> usize {
        match self.variables {
            Some(id) => id,
            None => {
                let id = self.new_array();
                self.variables = Some(id);
                id
            }
        }
    }

    fn push_variable(&mut self, variable: Variable) {
        let id = self.variables_array();
        self.arena[id].push(variable);
    }

    fn any_context_not_foreign(&self) -> bool {
        self.contexts
            .iter()
            .any(|context| context.state != State::Foreign)
    }

    fn finalize_source(&mut self) {
        if let Some(source) = self.current_source.take() {
            self.sources.get_or_insert_with(Vec::new).push(source);
        }
        self.state = State::MaybeNextSourceStart;
    }

    fn finalize_variable(&mut self) {
        self.finalize_source();
        let mut sources = self.sources.take().unwrap_or_default();
        // Kept until the property is resolved, for every property of the config at once.
        sources.shrink_to_fit();
        self.push_variable(Variable {
            start: self.variable_start.saturating_sub(self.context_start),
            end: (self.index + 1).saturating_sub(self.context_start),
            whole: false,
            state: VarState::Pending(sources),
        });
        self.release_context();
    }

    fn backslashes(&self, escape_start: usize) -> String {
        // `'\\'.repeat(Math.ceil((index - 1 - escapeVarStart - 1) / 2))`
        "\\".repeat(self.index.saturating_sub(escape_start + 2).div_ceil(2))
    }

    fn register_var_escape(&mut self) {
        let Some(escape_start) = self.escape_var_start.take() else {
            return;
        };
        let mut text = self.backslashes(escape_start);
        text.push('$');
        self.push_variable(Variable {
            start: escape_start.saturating_sub(self.context_start),
            end: self.index.saturating_sub(self.context_start),
            whole: false,
            state: VarState::Resolved(Node::new(Value::String(text), Span::default())),
        });
    }

    fn register_slash_escape(&mut self) {
        let Some(escape_start) = self.escape_var_start.take() else {
            return;
        };
        let text = self.backslashes(escape_start);
        self.push_variable(Variable {
            start: escape_start.saturating_sub(self.context_start),
            end: (self.index - 1).saturating_sub(self.context_start),
            whole: false,
            state: VarState::Resolved(Node::new(Value::String(text), Span::default())),
        });
    }

    /// `registerContext(newContextStart = contextStart)`; `None` is the default argument.
    /// What is not a variable type after all: `}` closes the context, anything else makes it
    /// foreign text, in which a `$` may still open a nested context.
    fn end_as_foreign(&mut self, c: u8) {
        if c == b'}' {
            self.release_context();
        } else {
            self.state = State::Foreign;
            if c == b'$' {
                self.register_context(None);
            }
        }
    }

    /// Starts a param or an address at `c` (found at `start`): a quoted string, after which
    /// the machine goes on in `after_string`, or a plain token in state `plain`, which opens a
    /// nested variable context when it starts with `$`.
    fn begin_token(&mut self, c: u8, start: usize, after_string: State, plain: State) {
        match c {
            b'"' => {
                self.string_context = after_string;
                self.state = State::DoubleQuotedString;
            }
            b'\'' => {
                self.string_context = after_string;
                self.state = State::SingleQuotedString;
            }
            _ => {
                self.state = plain;
                self.context_variables = None;
                if c == b'$' {
                    self.register_context(Some(start));
                }
            }
        }
    }

    fn register_context(&mut self, new_context_start: Option<usize>) {
        if self.contexts.len() >= MAX_NESTING {
            self.too_deep = true;
        }
        let new_context_start = new_context_start.unwrap_or(self.context_start);
        self.variables_array();
        if new_context_start != 0 && self.context_variables.is_none() {
            self.context_variables = Some(self.new_array());
        }
        self.contexts.push(Context {
            state: self.state,
            variable_start: self.variable_start,
            context_start: self.context_start,
            variables: self.variables,
            context_variables: self.context_variables,
            current_source: self.current_source.clone(),
            sources: self.sources.take(),
        });
        self.state = State::MaybeVariableOpen;
        self.variable_start = self.index;
        if new_context_start != 0 {
            self.context_start = new_context_start;
            self.variables = self.context_variables;
        }
    }

    fn release_context(&mut self) {
        let Some(context) = self.contexts.pop() else {
            self.state = State::Out;
            return;
        };
        self.state = context.state;
        self.variable_start = context.variable_start;
        self.variables = context.variables;
        self.context_variables = context.context_variables;
        self.current_source = context.current_source;
        self.sources = context.sources;
        if self.state == State::Param {
            self.param_start = self.context_start;
        }
        if self.state == State::Address {
            self.address_start = self.context_start;
        }
        self.context_start = context.context_start;
    }

    /// `normalizeMetaVariables`: a single variable spanning the whole value keeps its type.
    fn normalize(value_len: usize, mut variables: Vec<Variable>) -> Option<Vec<Variable>> {
        match variables.as_mut_slice() {
            [] => None,
            [only] => {
                if only.start == 0 && only.end == value_len {
                    only.whole = true;
                }
                Some(variables)
            }
            _ => Some(variables),
        }
    }

    /// `generateMeta(metaValue, metaVariables)`.
    fn generate_meta(&self, value: Value, variables: Option<usize>) -> Meta {
        let length = match &value {
            Value::String(text) => text.len(),
            _ => 0,
        };
        let variables = variables
            .and_then(|id| self.arena.get(id))
            .filter(|list| !list.is_empty())
            .and_then(|list| Self::normalize(length, list.clone()));
        let value = if !js::is_truthy(&value) {
            Value::Null
        } else {
            value
        };
        Meta::new(value, variables)
    }

    /// `parseLiteralSource(literal, shouldFallbackToInput)`.
    fn literal(&self, literal: &str, fallback: bool) -> Result<Value, SyntaxError> {
        Ok(match literal {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let number = js::string_to_number(literal);
                if !number.is_nan() {
                    Value::Number(number)
                } else if fallback {
                    Value::String(literal.to_owned())
                } else {
                    return Err(SyntaxError {
                        message: format!(
                            "Invalid literal source \"{literal}\" at index {} in \"{}\"",
                            self.js_index(self.source_start),
                            self.value
                        ),
                    });
                }
            }
        })
    }

    /// `parseString(start)`: a quoted literal from `start` to the current index.
    fn string(&self, start: usize) -> Result<Value, SyntaxError> {
        let raw = self.slice(start, self.index);
        if self.bytes.get(start) == Some(&b'\'') {
            let trimmed = js::trim(raw);
            let inner = trimmed
                .get(1..trimmed.len().saturating_sub(1).max(1))
                .unwrap_or("");
            return Ok(Value::String(inner.to_owned()));
        }
        json_string(raw)
            .map(Value::String)
            .map_err(|message| SyntaxError {
                message: format!(
                    "Invalid string literal at index {} in \"{}\": {message}",
                    self.js_index(start),
                    self.value
                ),
            })
    }

    fn typed_source(&mut self, with_params: bool) {
        let kind = self.slice(self.source_start, self.index).to_owned();
        self.current_source = Some(Source::Typed {
            kind,
            params: with_params.then(Vec::new),
            address: None,
        });
    }

    fn push_param(&mut self, meta: Meta) {
        if let Some(Source::Typed {
            params: Some(params),
            ..
        }) = &mut self.current_source
        {
            params.push(meta);
        }
    }

    fn set_address(&mut self, meta: Meta) {
        if let Some(Source::Typed { address, .. }) = &mut self.current_source {
            *address = Some(meta);
        }
    }

    fn param_value(&self) -> Result<(Value, Option<usize>), SyntaxError> {
        let text = js::trim(self.slice(self.param_start, self.index));
        let value = if self.context_variables.is_none() {
            self.literal(text, true)?
        } else {
            Value::String(text.to_owned())
        };
        Ok((value, self.context_variables))
    }

    fn run(&mut self) -> Result<Option<Vec<Variable>>, SyntaxError> {
        while self.index < self.bytes.len() {
            self.step(self.bytes[self.index])?;
            if self.too_deep {
                return Err(SyntaxError {
                    message: format!(
                        "Variables nested deeper than {MAX_NESTING} levels in \"{}\"",
                        self.value
                    ),
                });
            }
            self.index += 1;
        }
        if self.current_source.is_some() || self.sources.is_some() {
            return Err(SyntaxError {
                message: format!("Missing variable closing bracket in {}", self.value),
            });
        }
        let Some(id) = self.variables else {
            return Ok(None);
        };
        let mut variables = std::mem::take(&mut self.arena[id]);
        // Kept until the property is resolved, for every property of the config at once.
        variables.shrink_to_fit();
        Ok(Self::normalize(self.value.len(), variables))
    }

    #[allow(clippy::too_many_lines)] // One arm per state, as in the original.
    fn step(&mut self, c: u8) -> Result<(), SyntaxError> {
        let index = self.index;
        match self.state {
            State::Out => {
                if c == b'\\' {
                    if self.escape_var_start.is_none() {
                        self.escape_var_start = Some(index);
                    }
                    self.state = State::EscapeVar;
                } else if c == b'$' {
                    self.variable_start = index;
                    self.state = State::MaybeVariableOpen;
                } else {
                    self.escape_var_start = None;
                }
            }
            State::EscapeVar => {
                if c == b'$' {
                    self.state = State::EscapeVarDollar;
                } else {
                    if c != b'\\' {
                        self.escape_var_start = None;
                    }
                    self.state = State::Out;
                }
            }
            State::EscapeVarDollar => {
                if c == b'{' {
                    self.register_var_escape();
                    self.state = State::Out;
                } else {
                    self.escape_var_start = None;
                    if c == b'\\' {
                        self.escape_var_start = Some(index);
                        self.state = State::EscapeVar;
                    } else if c == b'$' {
                        self.variable_start = index;
                        self.state = State::MaybeVariableOpen;
                    } else {
                        self.state = State::Out;
                    }
                }
            }
            State::MaybeVariableOpen => {
                if c == b'{' {
                    if self.escape_var_start.is_some() {
                        self.register_slash_escape();
                    }
                    self.state = State::MaybeTypeStart;
                } else {
                    self.escape_var_start = None;
                    if c != b'$' {
                        self.release_context();
                    }
                }
            }
            State::MaybeTypeStart => {
                if is_alpha(c) {
                    self.source_start = index;
                    self.state = State::MaybeType;
                } else if self.any_context_not_foreign() {
                    return Err(self.error("Invalid variable type", index));
                } else {
                    self.end_as_foreign(c);
                }
            }
            State::MaybeNextSourceStart => {
                if c == b' ' {
                    return Ok(());
                }
                self.source_start = index;
                if is_alphanumeric(c) {
                    self.state = State::TypeOrSourceLiteral;
                } else if c == b'"' {
                    self.string_context = State::AfterSourceLiteralString;
                    self.state = State::DoubleQuotedString;
                } else if c == b'\'' {
                    self.string_context = State::AfterSourceLiteralString;
                    self.state = State::SingleQuotedString;
                } else {
                    return Err(self.error("Invalid variable source", index));
                }
            }
            State::MaybeType => {
                if c == b':' {
                    self.typed_source(false);
                    self.state = State::MaybeAddressStart;
                } else if c == b'(' {
                    self.typed_source(true);
                    self.state = State::ParamStart;
                } else if !is_alphanumeric(c) {
                    if self.any_context_not_foreign() {
                        return Err(self.error("Invalid variable type", self.source_start));
                    }
                    self.end_as_foreign(c);
                }
            }
            State::TypeOrSourceLiteral => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b':' || c == b'(' {
                    if !is_type(self.slice(self.source_start, index)) {
                        return Err(self.error("Invalid variable source", self.source_start));
                    }
                    self.typed_source(c == b'(');
                    self.state = if c == b':' {
                        State::MaybeAddressStart
                    } else {
                        State::ParamStart
                    };
                } else if c == b'}' {
                    let literal =
                        self.literal(js::trim(self.slice(self.source_start, index)), false)?;
                    self.current_source = Some(Source::Literal(literal));
                    self.finalize_variable();
                } else if !is_alphanumeric(c) {
                    return Err(self.error("Invalid variable source", self.source_start));
                }
            }
            State::ParamStart => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b')' {
                    self.state = State::MaybeAddressOpen;
                } else if c == b',' {
                    self.push_param(Meta::new(Value::Null, None));
                } else if c == b'}' {
                    return Err(self.error("Invalid variable param", index));
                } else {
                    self.param_start = index;
                    self.begin_token(c, index, State::AfterParamString, State::Param);
                }
            }
            State::Param => {
                if c == b')' {
                    if !js::trim(self.slice(self.param_start, index)).is_empty() {
                        let (value, variables) = self.param_value()?;
                        let meta = self.generate_meta(value, variables);
                        self.push_param(meta);
                    }
                    self.state = State::MaybeAddressOpen;
                } else if c == b',' {
                    let (value, variables) = self.param_value()?;
                    let meta = self.generate_meta(value, variables);
                    self.push_param(meta);
                    self.state = State::ParamStart;
                } else if c == b'}' {
                    return Err(self.error("Invalid variable param", self.param_start));
                } else if c == b'$' {
                    self.register_context(Some(self.param_start));
                }
            }
            State::AfterParamString => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b')' || c == b',' {
                    let value = self.string(self.param_start)?;
                    self.push_param(Meta::new(value, None));
                    self.state = if c == b')' {
                        State::MaybeAddressOpen
                    } else {
                        State::ParamStart
                    };
                } else {
                    return Err(self.error("Invalid variable param", self.param_start));
                }
            }
            State::MaybeAddressOpen => {
                if c == b' ' {
                    return Ok(());
                }
                match c {
                    b':' => self.state = State::MaybeAddressStart,
                    b'}' => self.finalize_variable(),
                    b',' => self.finalize_source(),
                    _ => return Err(self.error("Invalid variable address", index)),
                }
            }
            State::MaybeAddressStart => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b'}' {
                    self.finalize_variable();
                } else if c == b',' {
                    self.finalize_source();
                } else {
                    self.address_start = index;
                    if c == b':' {
                        let has_params = matches!(
                            &self.current_source,
                            Some(Source::Typed {
                                params: Some(_),
                                ..
                            })
                        );
                        if !has_params && !self.any_context_not_foreign() {
                            self.current_source = None;
                            self.state = State::Foreign;
                        } else {
                            return Err(self.error("Invalid variable address", self.address_start));
                        }
                    } else {
                        self.begin_token(c, index, State::AfterAddressString, State::Address);
                    }
                }
            }
            State::Address => {
                if c == b'}' || c == b',' {
                    let text = js::trim(self.slice(self.address_start, index)).to_owned();
                    let meta = self.generate_meta(Value::String(text), self.context_variables);
                    self.set_address(meta);
                    if c == b'}' {
                        self.finalize_variable();
                    } else {
                        self.finalize_source();
                    }
                } else if c == b'$' {
                    self.register_context(Some(self.address_start));
                }
            }
            State::AfterAddressString => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b'}' || c == b',' {
                    let value = self.string(self.address_start)?;
                    self.set_address(Meta::new(value, None));
                    if c == b'}' {
                        self.finalize_variable();
                    } else {
                        self.finalize_source();
                    }
                } else {
                    return Err(self.error("Invalid variable address", self.address_start));
                }
            }
            State::AfterSourceLiteralString => {
                if c == b' ' {
                    return Ok(());
                }
                if c == b'}' {
                    let value = self.string(self.source_start)?;
                    self.current_source = Some(Source::Literal(value));
                    self.finalize_variable();
                } else {
                    return Err(self.error("Invalid variable source", self.source_start));
                }
            }
            State::Foreign => {
                if c == b'}' {
                    self.release_context();
                } else if c == b'$' {
                    self.register_context(None);
                }
            }
            State::EscapeString => self.state = State::DoubleQuotedString,
            State::DoubleQuotedString => {
                if c == b'"' {
                    self.state = self.string_context;
                } else if c == b'\\' {
                    self.state = State::EscapeString;
                }
            }
            State::SingleQuotedString => {
                if c == b'\'' {
                    self.state = self.string_context;
                }
            }
        }
        Ok(())
    }
}

/// `JSON.parse` of a double-quoted literal followed by optional JSON white space.
fn json_string(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim_end_matches([' ', '\t', '\n', '\r']);
    let inner = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or("Unterminated string in JSON")?;
    let mut text = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    let mut pending_high: Option<u32> = None;
    while let Some((at, c)) = chars.next() {
        let decoded = match c {
            '\\' => match chars.next().map(|(_, escaped)| escaped) {
                Some('"') => '"',
                Some('\\') => '\\',
                Some('/') => '/',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|(_, digit)| digit).collect();
                    let unit = u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 4)
                        .ok_or_else(|| format!("Bad Unicode escape in JSON at position {at}"))?;
                    match (pending_high.take(), unit) {
                        (Some(high), 0xDC00..=0xDFFF) => {
                            text.push(
                                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                                    .unwrap_or('\u{FFFD}'),
                            );
                        }
                        (previous, 0xD800..=0xDBFF) => {
                            if previous.is_some() {
                                text.push('\u{FFFD}');
                            }
                            pending_high = Some(unit);
                        }
                        (previous, _) => {
                            if previous.is_some() {
                                text.push('\u{FFFD}');
                            }
                            text.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                        }
                    }
                    continue;
                }
                _ => {
                    return Err(format!(
                        "Bad escaped character in JSON at position {}",
                        at + 1
                    ));
                }
            },
            '"' => {
                return Err(format!(
                    "Unexpected non-whitespace character after JSON at position {}",
                    at + 2
                ));
            }
            c if u32::from(c) < 0x20 => {
                return Err(format!(
                    "Bad control character in string literal in JSON at position {}",
                    at + 1
                ));
            }
            c => c,
        };
        if pending_high.take().is_some() {
            text.push('\u{FFFD}');
        }
        text.push(decoded);
    }
    if pending_high.is_some() {
        text.push('\u{FFFD}');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(variable: &Variable) -> &[Source] {
        match &variable.state {
            VarState::Pending(sources) => sources,
            other => panic!("not pending: {other:?}"),
        }
    }

    fn kind(source: &Source) -> &str {
        match source {
            Source::Typed { kind, .. } => kind,
            Source::Literal(_) => "<literal>",
        }
    }

    fn address(source: &Source) -> Option<&Value> {
        match source {
            Source::Typed { address, .. } => address.as_ref().map(|meta| &meta.value.value),
            Source::Literal(_) => None,
        }
    }

    #[test]
    fn whole_and_embedded_variables() {
        let vars = parse("${self:custom.a}").expect("ok").expect("some");
        assert_eq!(vars.len(), 1);
        assert!(vars[0].whole);
        assert_eq!(kind(&sources(&vars[0])[0]), "self");
        assert_eq!(
            address(&sources(&vars[0])[0]),
            Some(&Value::String("custom.a".into()))
        );

        let vars = parse("a-${opt:stage}-${sls:stage}")
            .expect("ok")
            .expect("some");
        assert_eq!(vars.len(), 2);
        assert!(!vars[0].whole);
        assert_eq!((vars[0].start, vars[0].end), (2, 14));
        assert_eq!((vars[1].start, vars[1].end), (15, 27));
    }

    #[test]
    fn fallbacks() {
        let vars = parse("${opt:x, 'lit'}").expect("ok").expect("some");
        let list = sources(&vars[0]);
        assert_eq!(list.len(), 2);
        assert_eq!(list[1], Source::Literal(Value::String("lit".into())));
        let vars = parse("${opt:x, \"d\\\"q\"}").expect("ok").expect("some");
        assert_eq!(
            sources(&vars[0])[1],
            Source::Literal(Value::String("d\"q".into()))
        );
        let vars = parse("${opt:x, 1.50}").expect("ok").expect("some");
        assert_eq!(sources(&vars[0])[1], Source::Literal(Value::Number(1.5)));
        let vars = parse("${opt:x, self:custom.y}").expect("ok").expect("some");
        assert_eq!(kind(&sources(&vars[0])[1]), "self");
        // Oracle: `${a, ${b}}` is "Invalid variable source at index 12".
        let error = parse("${opt:nope, ${self:custom.str}}").expect_err("syntax");
        assert_eq!(
            error.message,
            "Invalid variable source at index 12 in \"${opt:nope, ${self:custom.str}}\""
        );
        assert!(parse("${opt:nope, null, 'after-null'}").is_err());
    }

    #[test]
    fn nested_address_and_params() {
        let vars = parse("${self:custom.${opt:stage}}")
            .expect("ok")
            .expect("some");
        let Source::Typed {
            address: Some(address),
            ..
        } = &sources(&vars[0])[0]
        else {
            panic!("typed")
        };
        assert_eq!(
            address.value.value,
            Value::String("custom.${opt:stage}".into())
        );
        let nested = address.variables.as_ref().expect("nested");
        assert_eq!((nested[0].start, nested[0].end), (7, 19));

        let vars = parse("${strToBool(${env:X})}").expect("ok").expect("some");
        let Source::Typed {
            params: Some(params),
            ..
        } = &sources(&vars[0])[0]
        else {
            panic!("typed")
        };
        assert!(
            params[0]
                .variables
                .as_ref()
                .is_some_and(|list| list[0].whole)
        );
        // `generateMeta(value || null)`: falsy literal params are null.
        for text in ["${strToBool(0)}", "${strToBool(false)}"] {
            let vars = parse(text).expect("ok").expect("some");
            let Source::Typed {
                params: Some(params),
                ..
            } = &sources(&vars[0])[0]
            else {
                panic!("typed")
            };
            assert_eq!(params[0].value.value, Value::Null, "{text}");
        }
    }

    #[test]
    fn not_variables() {
        for text in [
            "${AWS::Region}",
            "${foo}",
            "${ self:x }",
            "plain",
            "$notvar",
            "${Foo:bar}",
            "arn:${AWS::Partition}:x",
        ] {
            assert_eq!(parse(text), Ok(None), "{text}");
        }
    }

    #[test]
    fn escapes() {
        let vars = parse("\\${self:x}").expect("ok").expect("some");
        assert_eq!(vars.len(), 1);
        assert_eq!(
            vars[0].state,
            VarState::Resolved(Node::new(Value::String("$".into()), Span::default()))
        );
        assert_eq!((vars[0].start, vars[0].end), (0, 2));
        let vars = parse("\\\\${self:x}").expect("ok").expect("some");
        assert_eq!(vars.len(), 2);
        assert_eq!(
            vars[0].state,
            VarState::Resolved(Node::new(Value::String("\\".into()), Span::default()))
        );
        let vars = parse("$${self:x}").expect("ok").expect("some");
        assert!(vars[0].whole);
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(
            parse("${self:x").expect_err("open").message,
            "Missing variable closing bracket in ${self:x"
        );
        assert!(parse("${self:x, 'a'").is_err());
        assert!(parse("${abc def:x}").is_ok());
        assert!(parse("${self(}").is_err());
        assert!(parse("${opt:x, \"\\q\"}").is_err());
        assert!(parse("${opt:x, ${y}}").is_err());
    }
}
