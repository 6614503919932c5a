//! The resolver: Serverless' `resolve.js` algorithm over the config's string properties —
//! registering the properties that hold variables, resolving each (its dependencies first),
//! writing the values into the tree, and the cycle, nesting and work bounds.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;

use super::files::{FileContent, FileError, IncludedFiles};
use super::options::VariableOptions;
use super::paths::{
    Found, HashMap, HashSet, IndexMap, IndexSet, KeyPositions, coerce_string, humanize, join_path,
    js_walk, json_normalize, parse_entries, set_at, set_at_hinted,
};
use super::sources::{self, Call, Context, ErrorDetail, Eventual, Fail};
use crate::diag::{Code, SourceText};
use crate::load::var_syntax::{self, ErrId, Meta, Source, VarState, Variable};
use crate::tree::{Node, Span, Value};

/// Serverless' `nestTracker` for values resolved inside a variable's params and address.
const INTERNAL_NEST_LIMIT: usize = 10;
/// Serverless' limit on re-resolving a property whose value brought new variables.
const PROPERTY_NEST_LIMIT: usize = 10;
/// Our bound on nested resolution (a property → its variable → the property that references
/// → …; a chain of references takes two levels each). Resolution recurses on the caller's
/// stack, so this bound is what keeps it there: the deepest resolution takes under 1 MiB even
/// in a debug build (about 6 KiB a level), within a Rust test thread's 2 MiB and the
/// WebAssembly build's 1 MiB (release frames are smaller). Deeper is `VARIABLE_CYCLE`.
pub const MAX_RESOLUTION_DEPTH: usize = 128;
/// Most nodes that `${self:…}` references may copy in all (the YAML alias budget's size).
pub const MAX_VARIABLE_NODES: usize = 1_000_000;
/// Most bytes of keys and strings that `${self:…}` references may copy in all.
pub const MAX_VARIABLE_BYTES: usize = 64 << 20;
/// Most unresolved properties that references to mappings may look through in all. Each
/// property is normally looked at once, when it gets resolved; only properties that stay
/// unresolved (errors, unknown sources) are seen again by each later reference.
pub const MAX_VARIABLE_SCANS: usize = 2_000_000;

/// A string property of the config that holds variables.
#[derive(Debug)]
pub(super) struct PropMeta {
    pub(super) meta: Meta,
    pub(super) span: Span,
    /// Resolved and written into the config (Serverless deletes it from its map).
    pub(super) done: bool,
    /// Being resolved (further up the call stack): asked again, it is a cycle.
    pub(super) in_progress: bool,
    /// [`Resolver::progress`] when its last attempt changed nothing: asked again before
    /// anything changed, it gives the same answer (still unresolved) without trying. A chain
    /// of properties each referring ten times to one that never resolves (an unknown source)
    /// was otherwise retried 10^depth times.
    pub(super) stalled_at: Option<u64>,
}

#[derive(Debug)]
pub(super) struct VarError {
    pub(super) code: Code,
    pub(super) message: String,
    pub(super) path: String,
    /// The `${…}` text being resolved when the error happened.
    pub(super) needle: Option<String>,
    /// Where the problem is when that is not the property (a position in an included file).
    pub(super) span: Option<Span>,
    /// A help line fitting the source, instead of the code's general one.
    pub(super) help: Option<String>,
}

pub(super) struct Resolver<'a> {
    pub(super) root: &'a mut Node,
    pub(super) options: &'a VariableOptions,
    /// What `${file(…)}` read.
    files: IncludedFiles,
    /// Set by a source that answered "no value"; read when no fallback follows.
    pub(super) eventual: Option<Eventual>,
    /// Set by a source just before it fails; taken by the error recorded next.
    pub(super) detail: Option<ErrorDetail>,
    /// Serverless' `variablesMeta`, keyed by the property path joined with NUL.
    pub(super) metas: IndexMap<String, PropMeta>,
    /// `propertyDependenciesMap`.
    pub(super) dependencies: HashMap<String, IndexSet<String>>,
    /// `propertyResolutionNestDepthMap`.
    pub(super) nest_depth: HashMap<String, usize>,
    pub(super) errors: Vec<VarError>,
    pub(super) depth: usize,
    pub(super) needles: Vec<String>,
    /// Where the last property was written, for [`set_at_hinted`].
    pub(super) hints: Vec<usize>,
    /// The properties not done yet, by path (sorted), with their position in `metas`: the
    /// properties under a referenced mapping are a range of it, instead of a scan of every
    /// property for each reference (which made 40 000 references to a mapping take seconds).
    /// Built at the first reference to a mapping (`None` before): most configs have none,
    /// and keeping it sorted cost a tenth of resolving.
    pub(super) unresolved: Option<BTreeMap<String, usize>>,
    /// What `${self:…}` references have copied so far.
    pub(super) copied_nodes: usize,
    pub(super) copied_bytes: usize,
    /// Unresolved properties looked through for references to mappings so far.
    pub(super) scanned: usize,
    /// The error reported when a budget ran out; later references share it, so it is
    /// reported once.
    pub(super) too_complex: Option<ErrId>,
    /// Counts every change of the resolver's state (an error, a registration, a property
    /// done, a variable resolved or failed or past a fallback, a new dependency).
    pub(super) progress: u64,
    /// Where the keys of the config's large mappings are, for `${self:…}` and `${param:…}`.
    pub(super) key_positions: KeyPositions,
}

impl<'a> Resolver<'a> {
    /// A resolver for the config `root`, parsed from a text of `config_bytes` bytes.
    pub(super) fn new(
        root: &'a mut Node,
        options: &'a VariableOptions,
        config_bytes: usize,
    ) -> Self {
        Resolver {
            root,
            options,
            files: IncludedFiles::new(config_bytes, options.dialect.yaml),
            eventual: None,
            detail: None,
            metas: IndexMap::default(),
            dependencies: HashMap::default(),
            nest_depth: HashMap::default(),
            errors: Vec::new(),
            depth: 0,
            needles: Vec::new(),
            hints: Vec::new(),
            key_positions: KeyPositions::default(),
            unresolved: None,
            copied_nodes: 0,
            copied_bytes: 0,
            scanned: 0,
            too_complex: None,
            progress: 0,
        }
    }

    /// Resolves every property of the config (errors are recorded, for [`Self::report`]).
    pub(super) fn resolve_all(&mut self) {
        let entries = parse_entries::<&str>(self.root, &[]);
        for entry in entries {
            self.register(entry);
        }
        let paths: Vec<String> = self.metas.keys().cloned().collect();
        for path in paths {
            // Errors are recorded on the metas; a returned failure concerns a dependent only.
            let _ = self.resolve_property(&path);
        }
    }

    /// The texts of the files `${file(…)}` read.
    pub(super) fn into_files(self) -> Vec<SourceText> {
        self.files.into_texts()
    }
}

impl Resolver<'_> {
    pub(super) fn register(&mut self, found: Found) {
        let path = found.path;
        let meta = match found.parsed {
            Ok(variables) => Meta::new(Value::String(found.value), Some(variables)),
            Err(error) => {
                let id = self.push_error(
                    Code::VariableSyntax,
                    format!(
                        "Variable syntax error at \"{}\": {}",
                        humanize(&path),
                        error.message
                    ),
                    &path,
                );
                let mut meta = Meta::new(Value::String(found.value), None);
                meta.error = Some(id);
                meta
            }
        };
        let mut meta = meta;
        meta.value.span = found.span;
        self.progress += 1;
        // A path registered again keeps its position, and whether it is being resolved or
        // stalled (those describe the path's resolution, not this value).
        let property = PropMeta {
            meta,
            span: found.span,
            done: false,
            in_progress: false,
            stalled_at: None,
        };
        let at = match self.metas.entry(path.clone()) {
            indexmap::map::Entry::Occupied(mut occupied) => {
                let old = occupied.get();
                let property = PropMeta {
                    in_progress: old.in_progress,
                    stalled_at: old.stalled_at,
                    ..property
                };
                occupied.insert(property);
                occupied.index()
            }
            indexmap::map::Entry::Vacant(vacant) => {
                let at = vacant.index();
                vacant.insert(property);
                at
            }
        };
        if let Some(unresolved) = &mut self.unresolved {
            unresolved.insert(path, at);
        }
    }

    pub(super) fn push_error(&mut self, code: Code, message: String, path: &str) -> ErrId {
        self.progress += 1;
        let detail = self.detail.take().unwrap_or_default();
        self.errors.push(VarError {
            code,
            message,
            path: path.to_owned(),
            needle: self.needles.last().cloned(),
            span: detail.span,
            help: detail.help,
        });
        self.errors.len() - 1
    }

    /// An error of the property at `path` (`Cannot resolve variable at "<path>": …`).
    pub(super) fn property_error(&mut self, code: Code, path: &str, detail: &str) -> ErrId {
        self.push_error(
            code,
            format!(
                "Cannot resolve variable at \"{}\": {detail}",
                humanize(path)
            ),
            path,
        )
    }

    /// Registered and not yet resolved (`variablesMeta.has(path)`).
    pub(super) fn is_registered(&self, path: &str) -> bool {
        self.metas.get(path).is_some_and(|meta| !meta.done)
    }

    /// `resolveProperty`. `Err` is for the dependent that asked (a re-entrant call).
    pub(super) fn resolve_property(&mut self, path: &str) -> Result<(), Fail> {
        // Looked up once: the rest goes by position (a registered path keeps it), since a
        // big service's properties do not fit in the cache and each lookup by hash was a miss.
        let Some((at, _, property)) = self.metas.get_full(path) else {
            return Ok(());
        };
        if property.done || property.meta.variables.is_none() {
            return Ok(());
        }
        if property.in_progress {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Circular reference: \"{}\" is already being resolved",
                    humanize(path)
                ),
            });
        }
        if self.depth >= MAX_RESOLUTION_DEPTH {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Excessive variable dependency depth (more than {MAX_RESOLUTION_DEPTH} nested references)"
                ),
            });
        }
        if property.stalled_at == Some(self.progress) {
            return Ok(());
        }
        let progress_before = self.progress;
        self.set_in_progress(at, true);
        self.depth += 1;
        // A dependency resolved on the way writes elsewhere in the config; the hints of the
        // properties resolved in config order must survive it.
        let outer_hints = (self.depth > 1).then(|| std::mem::take(&mut self.hints));
        self.resolve_property_inner(path, at);
        if let Some(outer_hints) = outer_hints {
            self.hints = outer_hints;
        }
        self.depth -= 1;
        self.set_in_progress(at, false);
        if self.progress == progress_before
            && let Some((_, property)) = self.metas.get_index_mut(at)
        {
            property.stalled_at = Some(progress_before);
        }
        Ok(())
    }

    pub(super) fn set_in_progress(&mut self, at: usize, in_progress: bool) {
        if let Some((_, property)) = self.metas.get_index_mut(at) {
            property.in_progress = in_progress;
        }
    }

    /// The work of [`Self::resolve_property`] on the property at position `at` of `metas`.
    pub(super) fn resolve_property_inner(&mut self, path: &str, at: usize) {
        loop {
            let Some((_, property)) = self.metas.get_index_mut(at) else {
                return;
            };
            // Work on the meta outside the map; a placeholder with variables keeps
            // dependents waiting (re-entry is refused above anyway).
            let placeholder = Meta::new(Value::Null, Some(Vec::new()));
            let mut meta = std::mem::replace(&mut property.meta, placeholder);
            let span = property.span;
            self.resolve_variables(path, &mut meta, true);
            if meta.variables.is_some() || meta.error.is_some() {
                self.put_back(at, meta);
                return;
            }
            let keys: Vec<&str> = path.split('\0').collect();
            let mut value = json_normalize(std::mem::replace(
                &mut meta.value,
                Node::new(Value::Null, span),
            ));
            // The resolved value sits where the variable was written.
            value.span = span;

            // Variables that surface in the resolved value.
            let mut again = false;
            let mut nested: Vec<Found> = Vec::new();
            match &value.value {
                Value::String(text) => {
                    let parsed = match &meta.source_values {
                        Some(parts) => source_values_variables(parts),
                        None => var_syntax::parse(text),
                    };
                    match parsed {
                        Err(error) => {
                            let id = self.property_error(
                                Code::VariableSyntax,
                                path,
                                &format!("Approached variable syntax error in resolved value \"{text}\": {}", error.message),
                            );
                            meta.error = Some(id);
                            self.put_back(at, meta);
                            return;
                        }
                        Ok(Some(variables)) => {
                            again = true;
                            nested.push(Found {
                                path: path.to_owned(),
                                span,
                                value: text.clone(),
                                parsed: Ok(variables),
                            });
                        }
                        Ok(None) => {}
                    }
                }
                Value::Object(_) | Value::Array(_) => nested = parse_entries(&value, &keys),
                _ => {}
            }
            if !nested.is_empty() {
                let depth = self.nest_depth.get(path).copied().unwrap_or(0) + 1;
                if depth > PROPERTY_NEST_LIMIT {
                    let id = self.property_error(
                        Code::VariableCycle,
                        path,
                        "Excessive property variables nest depth",
                    );
                    meta.error = Some(id);
                    self.put_back(at, meta);
                    return;
                }
                for found in &nested {
                    self.nest_depth.insert(found.path.clone(), depth);
                }
            }
            // The meta keeps no copy: a resolved property is done (or re-registered below).
            set_at_hinted(self.root, &keys, value, &mut self.hints);
            self.key_positions.forget(path);
            self.put_back(at, meta);
            if !again && let Some((_, property)) = self.metas.get_index_mut(at) {
                property.done = true;
                if let Some(unresolved) = &mut self.unresolved {
                    unresolved.remove(path);
                }
                self.progress += 1;
            }
            let sub_paths: Vec<String> = nested.iter().map(|found| found.path.clone()).collect();
            for found in nested {
                self.register(found);
            }
            if again {
                continue;
            }
            for sub_path in sub_paths {
                let _ = self.resolve_property(&sub_path);
            }
            return;
        }
    }

    pub(super) fn put_back(&mut self, at: usize, meta: Meta) {
        if let Some((_, property)) = self.metas.get_index_mut(at) {
            property.meta = meta;
        }
    }

    /// `resolveVariables`: resolves the variables of one value and rebuilds it.
    pub(super) fn resolve_variables(&mut self, path: &str, meta: &mut Meta, top: bool) {
        let raw = match &meta.value.value {
            Value::String(text) => text.clone(),
            _ => String::new(),
        };
        let Some(variables) = meta.variables.as_mut() else {
            return;
        };
        for variable in variables.iter_mut() {
            if matches!(variable.state, VarState::Pending(_)) {
                if top {
                    self.needles.push(
                        raw.get(variable.start..variable.end)
                            .unwrap_or(&raw)
                            .to_owned(),
                    );
                }
                self.resolve_variable(path, variable);
                if top {
                    self.needles.pop();
                }
            }
            if let VarState::Failed(error) = variable.state {
                if meta.error.is_none() {
                    meta.error = Some(error);
                }
                meta.variables = None;
                return;
            }
        }
        if variables
            .iter()
            .any(|variable| matches!(variable.state, VarState::Pending(_)))
        {
            return;
        }
        if let [only] = variables.as_mut_slice()
            && only.whole
        {
            let placeholder = VarState::Resolved(Node::new(Value::Null, Span::default()));
            if let VarState::Resolved(value) = std::mem::replace(&mut only.state, placeholder) {
                let span = meta.value.span;
                meta.value = value;
                meta.value.span = span;
            }
            meta.variables = None;
            return;
        }
        // Concatenation: the result is always a string.
        let mut parts = Vec::with_capacity(variables.len() * 2 + 1);
        let mut last = 0;
        for variable in variables.iter() {
            let VarState::Resolved(value) = &variable.state else {
                continue;
            };
            let Some(text) = coerce_string(&value.value) else {
                if top {
                    self.needles.push(
                        raw.get(variable.start..variable.end)
                            .unwrap_or(&raw)
                            .to_owned(),
                    );
                }
                let id = self.property_error(
                    Code::VariableInvalid,
                    path,
                    "String value consist of variable which resolve with non-string value",
                );
                if top {
                    self.needles.pop();
                }
                meta.error = Some(id);
                meta.variables = None;
                return;
            };
            parts.push(raw.get(last..variable.start).unwrap_or("").to_owned());
            parts.push(text);
            last = variable.end;
        }
        parts.push(raw.get(last..).unwrap_or("").to_owned());
        meta.value.value = Value::String(parts.concat());
        meta.source_values = Some(parts);
        meta.variables = None;
    }

    /// `resolveVariable`: tries the sources in order.
    pub(super) fn resolve_variable(&mut self, path: &str, variable: &mut Variable) {
        // Taken out rather than copied (each source may hold resolved params); every way
        // out of the loop below puts a new state back.
        let mut sources =
            match std::mem::replace(&mut variable.state, VarState::Pending(Vec::new())) {
                VarState::Pending(sources) => sources,
                other => {
                    variable.state = other;
                    return;
                }
            };
        let sources_before = sources.len();
        let mut index = 0;
        if self.depth >= MAX_RESOLUTION_DEPTH {
            let id = self.property_error(
                Code::VariableCycle,
                path,
                &format!("Excessive variable nesting (more than {MAX_RESOLUTION_DEPTH} levels)"),
            );
            variable.state = VarState::Failed(id);
            return;
        }
        self.depth += 1;
        while let Some(source) = sources.get_mut(index) {
            let known = match source {
                Source::Typed { kind, .. } => sources::find(kind).map(|known| known.name()),
                Source::Literal(_) => None,
            };
            // Borrowed for the known sources: most variables, and no allocation each.
            let kind: Cow<'static, str> = match (known, &*source) {
                (Some(kind), _) => Cow::Borrowed(kind),
                // An unknown (plugin) source may have a value in `--values`; it is left
                // unresolved otherwise, as Serverless does.
                (None, Source::Typed { kind, .. }) if !self.options.values.is_empty() => {
                    Cow::Owned(kind.clone())
                }
                // Unknown source (or a literal first): left unresolved, as Serverless does.
                _ => {
                    variable.state = VarState::Pending(sources.split_off(index));
                    break;
                }
            };
            self.eventual = None;
            match self.resolve_variable_source(path, source) {
                Err(Fail::Missing) => {
                    variable.state = VarState::Pending(sources.split_off(index));
                    break;
                }
                Err(Fail::Error(id)) => {
                    variable.state = VarState::Failed(id);
                    break;
                }
                Err(Fail::Source { code, message }) => {
                    let id = self.property_error(code, path, &message);
                    variable.state = VarState::Failed(id);
                    break;
                }
                Ok(value) if !value.is_null() => {
                    variable.state = VarState::Resolved(value);
                    break;
                }
                Ok(_) => {}
            }
            index += 1;
            let eventual = self.eventual.take();
            match sources.get(index) {
                None => {
                    let (message, help) = match eventual {
                        Some(Eventual { message, help }) => (message, Some(help)),
                        None => (None, None),
                    };
                    self.detail = Some(ErrorDetail { span: None, help });
                    let message =
                        message.unwrap_or_else(|| format!("Value not found at \"{kind}\" source"));
                    let id = self.property_error(Code::VariableUnresolved, path, &message);
                    variable.state = VarState::Failed(id);
                    break;
                }
                Some(Source::Literal(value)) => {
                    variable.state = VarState::Resolved(Node::new(value.clone(), Span::default()));
                    break;
                }
                Some(Source::Typed { .. }) => {}
            }
        }
        self.depth -= 1;
        // Resolved, failed, or waiting at a later fallback: a change.
        if !matches!(&variable.state, VarState::Pending(left) if left.len() == sources_before) {
            self.progress += 1;
        }
    }

    /// `resolveVariableSource`: resolves params and address, then asks the source.
    pub(super) fn resolve_variable_source(
        &mut self,
        path: &str,
        source: &mut Source,
    ) -> Result<Node, Fail> {
        let Source::Typed {
            kind,
            params,
            address,
        } = source
        else {
            return Ok(Node::new(Value::Null, Span::default()));
        };
        if let Some(params) = params {
            for param in params.iter_mut().filter(|param| param.variables.is_some()) {
                self.resolve_variables(path, param, false);
                self.resolve_internal_result(path, param, INTERNAL_NEST_LIMIT)?;
            }
        }
        if let Some(address) = address
            .as_mut()
            .filter(|address| address.variables.is_some())
        {
            self.resolve_variables(path, address, false);
            self.resolve_internal_result(path, address, INTERNAL_NEST_LIMIT)?;
        }
        // Only the first param is ever read (`strToBool`'s input, `file`'s path), except
        // for the text of a variable looked up in `--values`.
        let first_param = params
            .as_ref()
            .and_then(|params| params.first())
            .map(|param| &param.value.value);
        let address = address.as_ref().map(|address| &address.value.value);
        match self.resolve_source(path, kind, first_param, address, params.as_deref()) {
            Ok(value) => Ok(json_normalize(value)),
            Err(Fail::Source { code, message }) => {
                Err(Fail::Error(self.property_error(code, path, &message)))
            }
            Err(other) => Err(other),
        }
    }

    /// `resolveInternalResult`: a param or address whose value may hold further variables.
    pub(super) fn resolve_internal_result(
        &mut self,
        path: &str,
        meta: &mut Meta,
        nest: usize,
    ) -> Result<(), Fail> {
        if let Some(error) = meta.error {
            return Err(Fail::Error(error));
        }
        if meta.variables.is_some() {
            return Err(Fail::Missing);
        }
        if nest == 0 {
            return Err(Fail::Error(self.property_error(
                Code::VariableCycle,
                path,
                "Excessive variables nest depth",
            )));
        }
        match &meta.value.value {
            Value::String(text) => {
                let parsed = match &meta.source_values {
                    Some(parts) => source_values_variables(parts),
                    None => var_syntax::parse(text),
                };
                let variables = match parsed {
                    Ok(None) => return Ok(()),
                    Ok(Some(variables)) => variables,
                    Err(error) => {
                        let id = self.property_error(
                            Code::VariableSyntax,
                            path,
                            &format!(
                                "Approached variable syntax error in resolved value \"{text}\": {}",
                                error.message
                            ),
                        );
                        meta.error = Some(id);
                        return Err(Fail::Error(id));
                    }
                };
                meta.variables = Some(variables);
                meta.source_values = None;
                self.resolve_variables(path, meta, false);
                self.resolve_internal_result(path, meta, nest - 1)
            }
            Value::Object(_) | Value::Array(_) => {
                for found in parse_entries::<&str>(&meta.value, &[]) {
                    let mut inner = match found.parsed {
                        Ok(variables) => Meta::new(Value::String(found.value), Some(variables)),
                        Err(error) => {
                            let id =
                                self.property_error(Code::VariableSyntax, path, &error.message);
                            return Err(Fail::Error(id));
                        }
                    };
                    inner.value.span = found.span;
                    self.resolve_variables(path, &mut inner, false);
                    self.resolve_internal_result(path, &mut inner, nest - 1)?;
                    let keys: Vec<&str> = found.path.split('\0').collect();
                    set_at(&mut meta.value, &keys, inner.value);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Asks the source of one variable (`resolveVariableSource`'s last step).
    pub(super) fn resolve_source(
        &mut self,
        path: &str,
        kind: &str,
        first_param: Option<&Value>,
        address: Option<&Value>,
        params: Option<&[Meta]>,
    ) -> Result<Node, Fail> {
        let call = Call {
            path,
            kind,
            first_param,
            address,
            params,
        };
        match sources::find(kind) {
            Some(source) => source.resolve(self, &call),
            None => sources::plugin_value(self, &call),
        }
    }

    /// `resolveDependentProperty`: the config value at `keys`, resolved first.
    pub(super) fn resolve_dependent_property(
        &mut self,
        dependent: &str,
        keys: &[String],
    ) -> Result<Option<Node>, Fail> {
        let mut undefined = false;
        for index in 0..keys.len() {
            match js_walk(self.root, &keys[..index], Some(&mut self.key_positions)) {
                None => {
                    undefined = true;
                    break;
                }
                Some(node) if node.is_null() => {
                    undefined = true;
                    break;
                }
                Some(_) => {}
            }
            let dependency = join_path(&keys[..=index]);
            if self.is_registered(&dependency) {
                self.register_dependency(dependent, &dependency)?;
                self.resolve_property(&dependency)?;
            }
            if let Some(property) = self
                .metas
                .get(&dependency)
                .filter(|property| !property.done)
            {
                return Err(property.meta.error.map_or(Fail::Missing, Fail::Error));
            }
        }
        if undefined {
            return Ok(None);
        }
        // (Where JavaScript's walk and a plain one differ, at `01` or `+1` of a list, no
        // property is under the path either way.)
        let is_collection = js_walk(self.root, keys, Some(&mut self.key_positions))
            .is_some_and(|node| matches!(node.value, Value::Object(_) | Value::Array(_)));
        if is_collection {
            let prefix = if keys.is_empty() {
                String::new()
            } else {
                format!("{}\0", join_path(keys))
            };
            // The unresolved properties under the mapping, in config order.
            // Counted before looking: once the budget is spent, nothing more is scanned.
            let budget = MAX_VARIABLE_SCANS.saturating_sub(self.scanned);
            let metas = &self.metas;
            let unresolved = self.unresolved.get_or_insert_with(|| {
                metas
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, property))| !property.done)
                    .map(|(at, (path, _))| (path.clone(), at))
                    .collect()
            });
            let mut positions: Vec<usize> = unresolved
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(path, _)| path.starts_with(&prefix))
                .take(budget.saturating_add(1))
                .map(|(_, at)| *at)
                .collect();
            self.scanned = self.scanned.saturating_add(positions.len());
            if self.scanned > MAX_VARIABLE_SCANS {
                return Err(self.too_complex(dependent, format!(
                    "references to mappings look through more than {MAX_VARIABLE_SCANS} unresolved properties"
                )));
            }
            positions.sort_unstable();
            for at in positions {
                let Some(path) = self.metas.get_index(at).map(|(path, _)| path.clone()) else {
                    continue;
                };
                self.register_dependency(dependent, &path)?;
                self.resolve_property(&path)?;
                if let Some(property) = self.metas.get(&path).filter(|property| !property.done) {
                    return Err(property.meta.error.map_or(Fail::Missing, Fail::Error));
                }
            }
        }
        let Some(value) = js_walk(self.root, keys, Some(&mut self.key_positions)) else {
            return Ok(None);
        };
        // Counted before copying, so that a bomb stops before it takes the memory.
        if !within_copy_budget(&mut self.copied_nodes, &mut self.copied_bytes, &value) {
            return Err(self.too_complex(dependent, copy_budget_exceeded()));
        }
        Ok(Some(value.into_owned()))
    }

    /// The `Code::VariableTooComplex` error, recorded at the first property that ran out of a
    /// budget and shared by those after it.
    pub(super) fn too_complex(&mut self, path: &str, detail: String) -> Fail {
        let id = match self.too_complex {
            Some(id) => id,
            None => {
                let id = self.property_error(Code::VariableTooComplex, path, &detail);
                self.too_complex = Some(id);
                id
            }
        };
        Fail::Error(id)
    }

    /// `registerCrossPropertyDependency`, with its cycle check.
    pub(super) fn register_dependency(
        &mut self,
        dependent: &str,
        dependency: &str,
    ) -> Result<(), Fail> {
        if dependent == dependency {
            return Err(Fail::Source {
                code: Code::VariableCycle,
                message: format!(
                    "Circular reference. \"{}\" refers to itself",
                    humanize(dependent)
                ),
            });
        }
        // `validateCrossPropertyDependency` walks the dependency graph depth first; a visited
        // set keeps it linear without changing which cycle it reports first.
        let mut visited: HashSet<&str> = HashSet::default();
        let mut stack = vec![dependency];
        while let Some(current) = stack.pop() {
            let Some(next) = self.dependencies.get(current) else {
                continue;
            };
            if next.contains(dependent) {
                return Err(Fail::Source {
                    code: Code::VariableCycle,
                    message: format!(
                        "Circular reference among \"{}\" and \"{}\" properties",
                        humanize(dependent),
                        humanize(current)
                    ),
                });
            }
            for candidate in next.iter().rev() {
                if visited.insert(candidate) {
                    stack.push(candidate);
                }
            }
        }
        if self
            .dependencies
            .entry(dependent.to_owned())
            .or_default()
            .insert(dependency.to_owned())
        {
            self.progress += 1;
        }
        Ok(())
    }
}

/// `resolveSourceValuesVariables`: parses each concatenated piece on its own.
pub(super) fn source_values_variables(
    parts: &[String],
) -> Result<Option<Vec<Variable>>, var_syntax::SyntaxError> {
    let mut base = 0;
    let mut all: Option<Vec<Variable>> = None;
    for part in parts {
        if let Some(variables) = var_syntax::parse(part)? {
            for mut variable in variables {
                if variable.whole {
                    variable.whole = false;
                    variable.start = base;
                    variable.end = base + part.len();
                } else {
                    variable.start += base;
                    variable.end += base;
                }
                all.get_or_insert_with(Vec::new).push(variable);
            }
        }
        base += part.len();
    }
    Ok(all)
}

/// Adds the size of `value`, about to be copied where a `${self:…}` or `${file(…)}` is, to
/// what such references copied so far (counted up to just past the budget, so a huge value
/// costs no more than what is left); `false` once the total is over the budget.
pub(super) fn within_copy_budget(
    copied_nodes: &mut usize,
    copied_bytes: &mut usize,
    value: &Node,
) -> bool {
    let (nodes, bytes) = value.size_within(
        MAX_VARIABLE_NODES.saturating_sub(*copied_nodes),
        MAX_VARIABLE_BYTES.saturating_sub(*copied_bytes),
    );
    *copied_nodes = copied_nodes.saturating_add(nodes);
    *copied_bytes = copied_bytes.saturating_add(bytes);
    *copied_nodes <= MAX_VARIABLE_NODES && *copied_bytes <= MAX_VARIABLE_BYTES
}

pub(super) fn copy_budget_exceeded() -> String {
    format!(
        "`${{self:…}}` and `${{file(…)}}` references copy more than {MAX_VARIABLE_NODES} nodes or {MAX_VARIABLE_BYTES} bytes"
    )
}

impl Context for Resolver<'_> {
    fn options(&self) -> &VariableOptions {
        self.options
    }

    fn dependent_property(
        &mut self,
        dependent: &str,
        keys: &[String],
    ) -> Result<Option<Node>, Fail> {
        self.resolve_dependent_property(dependent, keys)
    }

    fn resolve_string(
        &mut self,
        path: &str,
        text: &str,
        variables: Vec<Variable>,
    ) -> Result<Node, Fail> {
        let mut meta = Meta::new(Value::String(text.to_owned()), Some(variables));
        self.resolve_variables(path, &mut meta, false);
        self.resolve_internal_result(path, &mut meta, INTERNAL_NEST_LIMIT)?;
        Ok(meta.value)
    }

    fn included_file(
        &mut self,
        full: &std::path::Path,
        relative: &str,
    ) -> Result<FileContent, FileError> {
        self.files.content(full, relative)
    }

    fn count_copy(&mut self, path: &str, value: &Node) -> Result<(), Fail> {
        if within_copy_budget(&mut self.copied_nodes, &mut self.copied_bytes, value) {
            Ok(())
        } else {
            Err(self.too_complex(path, copy_budget_exceeded()))
        }
    }

    fn set_detail(&mut self, detail: ErrorDetail) {
        self.detail = Some(detail);
    }

    fn set_eventual(&mut self, eventual: Eventual) {
        self.eventual = Some(eventual);
    }
}
