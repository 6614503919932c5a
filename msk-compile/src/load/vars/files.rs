//! The files `${file(…)}` includes: read once each (bounded by what the config left of the
//! config limit), parsed by extension as Serverless' `sources/file.js` does, and placed after
//! the config so that spans in them stay distinct ([`SourceText`]).

use super::paths::HashMap;
use super::paths::shift_spans;
use crate::diag::{Code, SourceText};
use crate::load::{MAX_CONFIG_BYTES, json, read, yaml};
use crate::tree::{Node, Span, Value};

/// Why an included file gives no content: the code, the message (Serverless' words where it
/// has them), and the place in the file when there is one.
pub(super) type FileError = (Code, String, Option<Span>);

/// A file `${file(…)}` read, parsed once however often it is referenced.
#[derive(Debug, Clone)]
pub(super) enum FileContent {
    /// No file at that path: no value.
    Missing,
    /// The parsed content (`null` for an empty YAML file), its spans in the file's range.
    /// Shared: each reference walks it, and only the value it takes is copied.
    Loaded(std::rc::Rc<Node>),
    /// A JavaScript file, which Serverless would run.
    Script,
    /// A YAML file without a document (empty, or only spaces): js-yaml's `undefined`.
    NoDocument,
}

/// The files `${file(…)}` read, each once, and their texts.
pub(super) struct IncludedFiles {
    /// What was read, by absolute path; an error is kept to be reported for each reference.
    files: HashMap<std::path::PathBuf, Result<FileContent, FileError>>,
    /// The texts of the files read, each placed after the config and the files before it.
    included: Vec<SourceText>,
    /// Where the next included file's spans start.
    next_base: usize,
    /// Bytes the included files may still hold (all of them and the config together hold at
    /// most the config limit).
    file_budget: usize,
    /// The framework's YAML schema, the config's own.
    yaml: crate::dialect::YamlSchema,
}

impl IncludedFiles {
    /// No file read yet, for a config of `config_bytes` bytes read with the YAML schema `yaml`.
    pub(super) fn new(config_bytes: usize, yaml: crate::dialect::YamlSchema) -> Self {
        IncludedFiles {
            yaml,
            files: HashMap::default(),
            included: Vec::new(),
            next_base: config_bytes + 1,
            file_budget: MAX_CONFIG_BYTES.saturating_sub(config_bytes),
        }
    }

    /// The texts of the files read, in the order they were read.
    pub(super) fn into_texts(self) -> Vec<SourceText> {
        self.included
    }

    /// The content of the file at `full` (`relative`: as messages name it), read and parsed
    /// at the first reference.
    pub(super) fn content(
        &mut self,
        full: &std::path::Path,
        relative: &str,
    ) -> Result<FileContent, FileError> {
        if let Some(content) = self.files.get(full) {
            return content.clone();
        }
        let content = self.read_file(full, relative);
        self.files.insert(full.to_owned(), content.clone());
        content
    }

    /// Reads and parses one included file (once: the result is kept by path).
    fn read_file(
        &mut self,
        full: &std::path::Path,
        relative: &str,
    ) -> Result<FileContent, FileError> {
        let extension = full
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        let unreadable = |why: String| {
            (
                Code::VariableFile,
                format!("Cannot parse \"{relative}\": {why}"),
                None,
            )
        };
        if matches!(extension, "js" | "cjs") {
            return Ok(if full.is_file() {
                FileContent::Script
            } else {
                FileContent::Missing
            });
        }
        let bytes = match read::read_bounded(full, self.file_budget as u64) {
            Ok(bytes) => bytes,
            Err(read::ReadError::NotFound) => return Ok(FileContent::Missing),
            // Serverless' words (Node's `readFile` on a directory).
            Err(read::ReadError::IsDirectory) => {
                return Err(unreadable(
                    "EISDIR: illegal operation on a directory, read".to_owned(),
                ));
            }
            Err(read::ReadError::NotRegular) => {
                return Err(unreadable(
                    "it is not a regular file (a device, FIFO or socket, or a file that waits for data); msk-compile reads only regular files".to_owned(),
                ));
            }
            Err(read::ReadError::TooLarge) => {
                return Err(unreadable(format!(
                    "it is larger than the {} bytes left: the config and the files it includes may hold {} bytes in all",
                    self.file_budget, MAX_CONFIG_BYTES
                )));
            }
            Err(read::ReadError::Io(error)) => return Err(unreadable(error.to_string())),
        };
        self.file_budget = self.file_budget.saturating_sub(bytes.len());
        let base = self.next_base;
        let (text, bad_byte) = match read::utf8(bytes) {
            Ok(text) => (text, None),
            Err(bad) => (bad.lossy, Some(bad.offset)),
        };
        self.next_base = base + text.len() + 1;
        let text_len = text.len();
        self.included.push(SourceText {
            name: full.display().to_string(),
            text,
            base,
        });
        let text = self.included.last().map_or("", |file| file.text.as_str());
        if let Some(offset) = bad_byte {
            return Err((
                Code::VariableFile,
                format!(
                    "Cannot parse \"{relative}\": the file is not valid UTF-8 (byte offset {offset})"
                ),
                Some(Span::new(base + offset, base + offset + 1)),
            ));
        }
        let parsed = match extension {
            // js-yaml reads no document at all (`undefined`) from a text of nothing but
            // spaces after its byte order mark; a line break or a comment is a `null` one.
            "yml" | "yaml"
                if text
                    .trim_start_matches('\u{feff}')
                    .bytes()
                    .all(|byte| byte == b' ') =>
            {
                return Ok(FileContent::NoDocument);
            }
            "yml" | "yaml" => yaml::parse_yaml_value(text, self.yaml),
            "json" | "tfstate" => json::parse_json_value(text),
            _ => Ok(Node::new(
                Value::String(text.to_owned()),
                Span::new(0, text_len),
            )),
        };
        match parsed {
            Ok(mut content) => {
                shift_spans(&mut content, base);
                Ok(FileContent::Loaded(std::rc::Rc::new(content)))
            }
            Err(diagnostics) => {
                let first = diagnostics.into_iter().next();
                let (code, message, span) = match first {
                    Some(diagnostic) => (
                        diagnostic.code,
                        diagnostic.message,
                        diagnostic.span.map(|span| span.shifted(base)),
                    ),
                    None => (Code::VariableFile, "not valid".to_owned(), None),
                };
                let prefix = if extension == "yml" || extension == "yaml" {
                    ""
                } else {
                    "JSON parse error: "
                };
                Err((
                    code,
                    format!("Cannot parse \"{relative}\": {prefix}{message}"),
                    span,
                ))
            }
        }
    }
}

/// The help for a `${file(…)}` that cannot be read or parsed.
pub(super) fn file_help(code: Code) -> String {
    match code {
        Code::VariableFile => "point `${file(…)}` at a regular YAML, JSON or text file, within the size limit, saved as UTF-8".to_owned(),
        _ => "fix the included file at the position shown".to_owned(),
    }
}

/// `path.resolve(base, relative)`: joined, `.` and `..` removed without touching the disk.
pub(super) fn lexical_join(base: &std::path::Path, relative: &str) -> std::path::PathBuf {
    use std::path::Component;
    let mut joined = std::path::PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = joined.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        joined.pop();
                    }
                    Some(Component::RootDir | Component::Prefix(_)) => {}
                    _ => joined.push(".."),
                }
            }
            other => joined.push(other),
        }
    }
    joined
}
