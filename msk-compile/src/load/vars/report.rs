//! What the resolver reports: every distinct error once, then the variables left waiting for
//! an unknown source, with Serverless' messages and our help lines, each narrowed to the
//! `${…}` text it is about.

use super::paths::HashSet;
use super::paths::humanize;
use super::resolver::Resolver;
use super::sources::{self, remote_help};
use crate::diag::{Code, Diagnostic};
use crate::load::var_syntax::{Source, VarState, Variable};
use crate::tree::{Span, Value};

/// A diagnostic of the resolver with the `${…}` text it is about: the caller, which has the
/// source, narrows its span to that text.
pub(super) type Reported = (Diagnostic, Option<String>);

impl Resolver<'_> {
    /// Every distinct error, in config order, then every variable left unresolved; each with
    /// the `${…}` text it is about, for [`narrow`] (done by the caller, who has the source).
    pub(super) fn report(&self) -> Vec<Reported> {
        let mut diagnostics = Vec::new();
        let mut reported = HashSet::default();
        for property in self.metas.values() {
            if let Some(id) = property.meta.error
                && reported.insert(id)
                && let Some(error) = self.errors.get(id)
            {
                let span = error.span.unwrap_or_else(|| {
                    self.metas
                        .get(&error.path)
                        .map_or(property.span, |owner| owner.span)
                });
                diagnostics.push((
                    Diagnostic::error(error.code, error.message.clone())
                        .at(span)
                        .with_path(humanize(&error.path))
                        .with_help(
                            error
                                .help
                                .clone()
                                .unwrap_or_else(|| help(error.code).to_owned()),
                        ),
                    // A position in an included file is already exact.
                    error.needle.clone().filter(|_| error.span.is_none()),
                ));
            }
        }
        for (path, property) in &self.metas {
            if property.done || property.meta.error.is_some() {
                continue;
            }
            let Some(variables) = &property.meta.variables else {
                continue;
            };
            let raw = match &property.meta.value.value {
                Value::String(text) => text.as_str(),
                _ => "",
            };
            for variable in variables {
                let mut unknown = Vec::new();
                unknown_sources(std::slice::from_ref(variable), &mut unknown);
                for kind in unknown {
                    let needle = raw.get(variable.start..variable.end).map(str::to_owned);
                    diagnostics.push((
                        Diagnostic::error(
                            Code::VariableUnresolved,
                            format!("Cannot resolve variable at \"{}\": Unrecognized configuration variable source \"{kind}\"", humanize(path)),
                        )
                        .at(property.span)
                        .with_path(humanize(path))
                        .with_help(format!(
                            "Serverless 3.40.0 knows the sources {}; others come from plugins, which msk-compile does not run; {}",
                            sources::known_names(),
                            remote_help(&format!("{kind}:<address>"))
                        )),
                        needle,
                    ));
                }
            }
        }
        if diagnostics.is_empty() {
            // Left unresolved only because of each other (no error, no unknown source).
            for (path, property) in &self.metas {
                if !property.done && property.meta.variables.is_some() {
                    diagnostics.push((
                        Diagnostic::error(
                            Code::VariableUnresolved,
                            format!("Cannot resolve variable at \"{}\"", humanize(path)),
                        )
                        .at(property.span)
                        .with_path(humanize(path)),
                        None,
                    ));
                }
            }
        }
        diagnostics
    }
}

/// Kinds of the unknown sources a still-pending variable waits for (nested ones included).
pub(super) fn unknown_sources(variables: &[Variable], out: &mut Vec<String>) {
    for variable in variables {
        let VarState::Pending(sources) = &variable.state else {
            continue;
        };
        match sources.first() {
            Some(Source::Typed {
                kind,
                params,
                address,
            }) => {
                if sources::find(kind).is_none() {
                    out.push(kind.clone());
                }
                for meta in params.iter().flatten().chain(address.iter()) {
                    if let Some(inner) = &meta.variables {
                        unknown_sources(inner, out);
                    }
                }
            }
            Some(Source::Literal(_)) => out.push("<literal>".to_owned()),
            None => {}
        }
    }
}

/// The span of `needle` inside `span`'s source text, when it occurs there exactly once.
pub(super) fn narrow(source: Option<&str>, span: Span, needle: Option<&str>) -> Span {
    let (Some(source), Some(needle)) = (source, needle) else {
        return span;
    };
    let Some(text) = source.get(span.start..span.end) else {
        return span;
    };
    if needle.is_empty() {
        return span;
    }
    let mut found = text.match_indices(needle);
    match (found.next(), found.next()) {
        (Some((at, _)), None) => Span::new(span.start + at, span.start + at + needle.len()),
        _ => span,
    }
}

pub(super) fn help(code: Code) -> &'static str {
    match code {
        Code::VariableUnresolved => {
            "give it a value (the property, `--stage`/`--region`, or the environment variable) or a fallback such as `${opt:stage, 'dev'}`"
        }
        Code::VariableCycle => {
            "a value cannot depend on itself; point one of these variables at a literal value"
        }
        Code::VariableTooComplex => {
            "a `${self:…}` value is copied everywhere it is used, so references to values that are themselves built from references grow exponentially; reference the shared value directly, or write it out"
        }
        Code::VariableSyntax => {
            "variables look like `${source:address}` with optional fallbacks `${source:address, 'default'}`; write `\\${` for a literal `${`"
        }
        _ => "see the message for the value Serverless expects here",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrows_to_the_variable_text() {
        let source = "topic: a-${opt:x}-b";
        assert_eq!(
            narrow(Some(source), Span::new(7, 19), Some("${opt:x}")),
            Span::new(9, 17)
        );
        assert_eq!(
            narrow(Some(source), Span::new(7, 19), Some("${opt:y}")),
            Span::new(7, 19)
        );
        assert_eq!(
            narrow(None, Span::new(7, 19), Some("${opt:x}")),
            Span::new(7, 19)
        );
    }
}
