//! `frameworkVersion`: the framework stops before compiling anything when the config's semver
//! range does not hold its version (`FRAMEWORK_VERSION_MISMATCH`; osls reports 4.3.1, so a v3
//! service's `frameworkVersion: '3'` stops there), or, in `error` mode, when the value is not
//! a range at all (`INVALID_FRAMEWORK_VERSION`).
//!
//! The ranges are node-semver's (`satisfies`, `validRange`) for release versions: x-ranges
//! (`3`, `3.x`, `*`), `~`, `^`, comparators (`>=3`, `<4.0.0`), hyphen ranges and `||`. A range
//! with a prerelease tag is left unchecked (no diagnostic) rather than judged by a guess.

use crate::check::ValidationMode;
use crate::diag::{Code, Diagnostic};
use crate::dialect::Dialect;
use crate::tree::{Node, Value};

type Version = (u64, u64, u64);

/// The diagnostic of the config's `frameworkVersion` under `dialect`, if any: an error stops
/// the run, as it stops the framework.
pub fn check(root: &Node, mode: ValidationMode, dialect: &Dialect) -> Option<Diagnostic> {
    let node = root
        .get("frameworkVersion")
        .filter(|node| crate::js::is_truthy(&node.value))?;
    let framework = dialect.framework;
    let (major, minor, patch) = framework.version;
    let version = format!("{major}.{minor}.{patch}");
    let range = match &node.value {
        Value::String(range) => Some(range.as_str()),
        _ => None,
    };
    let holds = match range {
        Some(range) if range == version => Some(true),
        Some(range) => match satisfies(framework.version, range) {
            Ok(holds) => Some(holds),
            Err(Unsupported) => return None,
        },
        None => None,
    };
    match holds {
        Some(true) => None,
        Some(false) => Some(
            Diagnostic::error(
                Code::FrameworkVersionMismatch,
                format!(
                    "The {} version ({version}) does not satisfy the \"frameworkVersion\" ({}) in serverless.yml",
                    framework.name,
                    range.unwrap_or_default()
                ),
            )
            .at(node.span)
            .with_path("frameworkVersion")
            .with_help(format!(
                "write a range that holds {version}, e.g. `frameworkVersion: '>={major}'`"
            )),
        ),
        // Not a range: the framework warns and skips the check, except in `error` mode.
        None if mode == ValidationMode::Error => Some(
            Diagnostic::error(
                Code::InvalidFrameworkVersion,
                "Configured \"frameworkVersion\" does not represent a valid semver version range.",
            )
            .at(node.span)
            .with_path("frameworkVersion")
            .with_help("write the range as a string, e.g. `frameworkVersion: '3'`"),
        ),
        None => None,
    }
}

/// A range this module does not judge (a prerelease tag), or one that is not a range.
#[derive(Debug, PartialEq, Eq)]
struct Unsupported;

/// node-semver's `satisfies(version, range)` for a release version; `Ok(false)` also for text
/// that is no range (`validRange` is `null`: `Err` only for prereleases).
fn satisfies(version: Version, range: &str) -> Result<bool, Unsupported> {
    let mut any = false;
    for set in range.split("||") {
        match comparators(set.trim()) {
            Some(bounds) => {
                if bounds.iter().all(|bound| bound.holds(version)) {
                    any = true;
                }
            }
            None => return Err(Unsupported),
        }
    }
    Ok(any)
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

#[derive(Debug, Clone, Copy)]
struct Bound(Op, Version);

impl Bound {
    fn holds(self, version: Version) -> bool {
        match self.0 {
            Op::Less => version < self.1,
            Op::LessOrEqual => version <= self.1,
            Op::Greater => version > self.1,
            Op::GreaterOrEqual => version >= self.1,
        }
    }
}

/// A version with parts left out (`x`, `*` or missing): `(major, minor, patch)`.
type Partial = (Option<u64>, Option<u64>, Option<u64>);

fn partial(text: &str) -> Option<Partial> {
    let text = text.trim_start_matches(['v', '=']);
    if text.contains(['-', '+']) {
        return None;
    }
    let mut parts = text.split('.');
    let mut next = || -> Option<Option<u64>> {
        match parts.next() {
            None | Some("x" | "X" | "*") => Some(None),
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse().ok().map(Some)
            }
            Some(_) => None,
        }
    };
    let (major, minor, patch) = (next()?, next()?, next()?);
    if parts.next().is_some() {
        return None;
    }
    // `1.x.3` is `1.x`.
    let minor = major.and(minor);
    let patch = minor.and(patch);
    Some((major, minor, patch))
}

/// The bounds of one space-separated set of comparators; `None` when it cannot be judged.
fn comparators(set: &str) -> Option<Vec<Bound>> {
    if set.is_empty() {
        return Some(Vec::new());
    }
    // Hyphen range `a - b`.
    if let Some((low, high)) = set.split_once(" - ") {
        let mut bounds = lower_bound(partial(low.trim())?);
        bounds.extend(upper_inclusive(partial(high.trim())?));
        return Some(bounds);
    }
    // Operators may be followed by spaces (`>= 3`): join them to their version first.
    let mut tokens: Vec<String> = Vec::new();
    for word in set.split_whitespace() {
        match tokens.last_mut() {
            Some(last)
                if matches!(
                    last.as_str(),
                    "<" | "<=" | ">" | ">=" | "=" | "~" | "^" | "~>"
                ) =>
            {
                last.push_str(word);
            }
            _ => tokens.push(word.to_owned()),
        }
    }
    let mut bounds = Vec::new();
    for token in tokens {
        bounds.extend(comparator(&token)?);
    }
    Some(bounds)
}

fn comparator(token: &str) -> Option<Vec<Bound>> {
    let (op, rest) = ["<=", ">=", "~>", "<", ">", "=", "~", "^"]
        .iter()
        .find_map(|op| token.strip_prefix(op).map(|rest| (*op, rest)))
        .unwrap_or(("", token));
    let (major, minor, patch) = partial(rest)?;
    let bounds = match op {
        "" | "=" => {
            let mut bounds = lower_bound((major, minor, patch));
            bounds.extend(upper_inclusive((major, minor, patch)));
            bounds
        }
        "~" | "~>" => match (major, minor) {
            (Some(major), Some(minor)) => vec![
                Bound(Op::GreaterOrEqual, (major, minor, patch.unwrap_or(0))),
                Bound(Op::Less, (major, minor + 1, 0)),
            ],
            _ => comparator(rest)?,
        },
        "^" => match (major, minor, patch) {
            (None, _, _) => Vec::new(),
            (Some(0), Some(0), Some(patch)) => vec![
                Bound(Op::GreaterOrEqual, (0, 0, patch)),
                Bound(Op::Less, (0, 0, patch + 1)),
            ],
            (Some(0), Some(minor), _) => vec![
                Bound(Op::GreaterOrEqual, (0, minor, patch.unwrap_or(0))),
                Bound(Op::Less, (0, minor + 1, 0)),
            ],
            (Some(major), minor, patch) => vec![
                Bound(
                    Op::GreaterOrEqual,
                    (major, minor.unwrap_or(0), patch.unwrap_or(0)),
                ),
                Bound(Op::Less, (major + 1, 0, 0)),
            ],
        },
        ">=" => lower_bound((major, minor, patch)),
        "<" => match (major, minor, patch) {
            (None, _, _) => vec![Bound(Op::Less, (0, 0, 0))],
            (Some(major), minor, patch) => vec![Bound(
                Op::Less,
                (major, minor.unwrap_or(0), patch.unwrap_or(0)),
            )],
        },
        "<=" => upper_inclusive((major, minor, patch)),
        ">" => match (major, minor, patch) {
            (None, _, _) => vec![Bound(Op::Less, (0, 0, 0))],
            (Some(major), None, _) => vec![Bound(Op::GreaterOrEqual, (major + 1, 0, 0))],
            (Some(major), Some(minor), None) => {
                vec![Bound(Op::GreaterOrEqual, (major, minor + 1, 0))]
            }
            (Some(major), Some(minor), Some(patch)) => {
                vec![Bound(Op::Greater, (major, minor, patch))]
            }
        },
        _ => return None,
    };
    Some(bounds)
}

/// `>=` the lowest version the partial names.
fn lower_bound((major, minor, patch): Partial) -> Vec<Bound> {
    match major {
        None => Vec::new(),
        Some(major) => vec![Bound(
            Op::GreaterOrEqual,
            (major, minor.unwrap_or(0), patch.unwrap_or(0)),
        )],
    }
}

/// At most the highest version the partial names (`<=1.2.3`, `<1.3.0` for `1.2`).
fn upper_inclusive((major, minor, patch): Partial) -> Vec<Bound> {
    match (major, minor, patch) {
        (None, _, _) => Vec::new(),
        (Some(major), None, _) => vec![Bound(Op::Less, (major + 1, 0, 0))],
        (Some(major), Some(minor), None) => vec![Bound(Op::Less, (major, minor + 1, 0))],
        (Some(major), Some(minor), Some(patch)) => {
            vec![Bound(Op::LessOrEqual, (major, minor, patch))]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: node-semver's documented range semantics (README "Ranges").
    #[test]
    fn ranges_hold_as_node_semver_says() {
        let osls = (4, 3, 1);
        for (range, holds) in [
            ("3", false),
            ("^3", false),
            (">=3", true),
            ("3.x || 4.x", true),
            ("4", true),
            ("~4.3.0", true),
            ("~4.2", false),
            ("^4.3.2", false),
            ("4.3.1", true),
            ("=4.3.1", true),
            ("v4.3.1", true),
            (">= 4.0.0 < 5", true),
            ("3.0.0 - 4.3", true),
            ("3.0.0 - 4.2", false),
            (">4.3", false),
            (">4.2", true),
            ("<=4.3", true),
            ("<4.3", false),
            ("*", true),
            ("x", true),
        ] {
            assert_eq!(satisfies(osls, range), Ok(holds), "{range}");
        }
        assert_eq!(satisfies((3, 40, 0), "3"), Ok(true));
        assert_eq!(satisfies((3, 40, 0), "^3.38.0"), Ok(true));
        assert_eq!(satisfies(osls, ">=3.0.0-beta.1"), Err(Unsupported));
        assert_eq!(satisfies(osls, "three"), Err(Unsupported));
    }
}
