//! Serverless' resource naming (`lib/plugins/aws/lib/naming.js` in 3.40.0, and osls' own
//! `upperFirst`).

pub use crate::dialect::UpperFirst;

/// lodash `upperFirst`: the first character upper-cased, the rest untouched.
pub fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `upperFirst` as `how` says: lodash's upper-cases the first code point, osls' the first
/// UTF-16 unit (so a first letter outside the Basic Multilingual Plane keeps its case).
pub fn upper_first_as(name: &str, how: UpperFirst) -> String {
    match (how, name.chars().next()) {
        (UpperFirst::Utf16Unit, Some(first)) if first.len_utf16() > 1 => name.to_owned(),
        _ => upper_first(name),
    }
}

/// `getNormalizedFunctionName`: `-` → `Dash`, `_` → `Underscore`, then upper-first.
#[cfg(test)]
pub fn normalized_function_name(function: &str) -> String {
    normalized_function_name_as(function, UpperFirst::CodePoint)
}

/// `getNormalizedFunctionName` with the host's `upperFirst`.
pub fn normalized_function_name_as(function: &str, how: UpperFirst) -> String {
    upper_first_as(
        &function.replace('-', "Dash").replace('_', "Underscore"),
        how,
    )
}

/// `normalizeNameToAlphaNumericOnly`: every character outside `[0-9A-Za-z]` deleted,
/// then upper-first (the compiler writes it in place, see [`event_logical_id_normalized`]).
#[cfg(test)]
pub fn alphanumeric_only(name: &str) -> String {
    upper_first(
        &name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
    )
}

/// `getLambdaLogicalId`, with the host's `upperFirst`.
pub fn lambda_logical_id_as(function: &str, how: UpperFirst) -> String {
    format!(
        "{}LambdaFunction",
        normalized_function_name_as(function, how)
    )
}

/// The logical ID of an event resource: `<Function><infix><Part1><Part2>…`, where each part
/// is cut to 79 characters after normalization (Serverless keeps IDs under 255 this way).
#[cfg(test)]
pub fn event_logical_id(function: &str, infix: &str, parts: &[&str]) -> String {
    event_logical_id_normalized(&normalized_function_name(function), infix, parts)
}

/// [`event_logical_id`] from the function's [`normalized_function_name_as`], which is the same
/// for all the events of a function.
pub fn event_logical_id_normalized(
    normalized_function: &str,
    infix: &str,
    parts: &[&str],
) -> String {
    let mut id = String::with_capacity(
        normalized_function.len()
            + infix.len()
            + parts.iter().map(|part| part.len()).sum::<usize>(),
    );
    id.push_str(normalized_function);
    id.push_str(infix);
    for part in parts {
        // `alphanumeric_only(part)` cut to 79 characters, written in place: the characters
        // kept are ASCII (bytes of other characters never are), so the upper-casing of the
        // first is ASCII's.
        for (kept, byte) in part
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .take(79)
            .enumerate()
        {
            let byte = if kept == 0 {
                byte.to_ascii_uppercase()
            } else {
                byte
            };
            id.push(char::from(byte));
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use msk_model::{CfnMapping, MskEvent};

    use super::*;

    // Expected values: Serverless' naming unit tests and the oracle (spec §4.2).
    #[test]
    fn names_match_serverless() {
        assert_eq!(upper_first("nAME"), "NAME");
        assert_eq!(alphanumeric_only("a-b-c"), "Abc");
        assert_eq!(alphanumeric_only("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "");
        assert_eq!(
            normalized_function_name("hello_world"),
            "HelloUnderscoreworld"
        );
        assert_eq!(normalized_function_name("hello-world"), "HelloDashworld");
        assert_eq!(
            normalized_function_name("my-func_2"),
            "MyDashfuncUnderscore2"
        );
        assert_eq!(
            event_logical_id(
                "functionName",
                MskEvent::LOGICAL_ID_INFIX,
                &["my-kafka-cluster", "kafka-topic"]
            ),
            "FunctionNameEventSourceMappingMSKMykafkaclusterKafkatopic"
        );
        let long = event_logical_id(
            "fnA",
            MskEvent::LOGICAL_ID_INFIX,
            &[&"c".repeat(90), &format!("{}.x", "t".repeat(85))],
        );
        assert_eq!(long.len(), 182);
        // Non-ASCII letters are dropped, not upper-cased; the first ASCII one is.
        assert_eq!(
            event_logical_id("f", "X", &["ébc-d", "1a"]),
            format!(
                "FX{}{}",
                alphanumeric_only("ébc-d"),
                alphanumeric_only("1a")
            )
        );
        assert_eq!(event_logical_id("f", "X", &["ébc-d"]), "FXBcd");
        assert!(long.ends_with(&format!("T{}", "t".repeat(78))));
    }
}
