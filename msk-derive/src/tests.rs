//! Unit tests of the pipeline on token input, without a compiler in the loop: which errors
//! an input produces (messages only; spans are covered by msk-model's trybuild tests) and the
//! shape of the generated code.

use quote::quote;
use syn::{DeriveInput, parse_quote};

use crate::ctxt::Ctxt;
use crate::expand;

fn errors(input: DeriveInput) -> Vec<String> {
    match expand::try_expand(&input) {
        Ok(tokens) => panic!("expected errors, got {tokens}"),
        Err(err) => err.into_iter().map(|err| err.to_string()).collect(),
    }
}

fn expanded(input: DeriveInput) -> String {
    match expand::try_expand(&input) {
        Ok(tokens) => tokens.to_string(),
        Err(err) => panic!("unexpected error: {err}"),
    }
}

#[test]
fn every_error_is_reported_in_one_pass() {
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X", resource = "AWS::X::Z")]
        struct S {
            #[cfn(property = "A", order = 1, presence = "sometimes", colour = "red")]
            a: String,
            #[cfn(property = "B", order = 1, presence = "not_null", default = "x")]
            b: String,
        }
    });
    assert_eq!(
        errors,
        [
            "duplicate cfn attribute `resource`",
            "unknown `presence` \"sometimes\", expected \"always\", \"not_null\" or \"truthy\"",
            "unknown cfn field attribute `colour`, expected `property`, `order`, `presence`, \
             `default`, `shape`, `source_access`, `id_part`, `id_token`, `iam_resource`, \
             `profile`, `grant`, `code` or `rename`",
            "`default` needs `presence = \"always\"`: a defaulted property is always written",
            "order 1 is already taken by field `a`",
        ]
    );
}

#[test]
fn a_bad_value_is_not_also_reported_missing() {
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        struct S {
            #[cfn(property = "A", order = "1", presence = "always")]
            a: String,
        }
    });
    assert_eq!(
        errors,
        ["expected cfn attribute `order` to be an unsigned integer: `order = 1`"]
    );
}

#[test]
fn a_syntax_error_stops_only_its_own_list() {
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y" logical_id = "X")]
        #[cfn(slot(name = "F" order = 2), slot(name = "G"))]
        struct S {
            #[cfn(property = "A", order = 1, presence = "always")]
            a: String,
        }
    });
    assert_eq!(
        errors,
        [
            "expected `,`",
            "expected `,`",
            "missing cfn attribute `order = N`",
        ]
    );
}

#[test]
fn rule_keys_are_serde_names() {
    let errors = errors(parse_quote! {
        #[serde(rename_all = "camelCase")]
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        #[cfn(rule(required_when(field = "my_mode", equals = "A", requires = "myValue"), code = Code::C, message = "M"))]
        struct S {
            #[cfn(property = "Mode", order = 1, presence = "always")]
            my_mode: String,
            my_value: String,
        }
    });
    assert_eq!(
        errors,
        ["`my_mode` names no config key of `S`; rules use serde's names: did you mean `myMode`?"]
    );
}

#[test]
fn serde_errors_are_passed_on() {
    let errors = errors(parse_quote! {
        #[serde(rename_all = "shouting")]
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        struct S {
            #[cfn(property = "A", order = 1, presence = "always")]
            a: String,
        }
    });
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("shouting"), "{errors:?}");
}

#[test]
fn properties_are_sorted_by_order_and_keys_renamed() {
    let code = expanded(parse_quote! {
        #[serde(rename_all = "camelCase")]
        #[cfn(resource = "AWS::X::Y", logical_id = "X", slot(name = "Middle", order = 2))]
        struct S<T> where T: Clone {
            #[cfn(property = "Late", order = 3, presence = "always", default = "D")]
            late_field: T,
            #[cfn(property = "Early.Inner", order = 1, presence = "truthy", shape = "list")]
            early_field: T,
        }
    });
    let early = code.find("\"earlyField\"").expect("early field");
    let middle = code.find("Slot :: Middle").expect("slot");
    let late = code.find("\"lateField\"").expect("late field");
    assert!(early < middle && middle < late, "{code}");
    assert!(code.starts_with("const _ : () ="), "{code}");
    assert!(
        code.contains(
            "impl < T > :: msk_model :: __private :: CfnMapping for S < T > where T : Clone"
        ),
        "{code}"
    );
    assert!(code.contains("path : & [\"Early\" , \"Inner\"]"), "{code}");
    assert!(
        code.contains("default : :: core :: option :: Option :: Some (\"D\")"),
        "{code}"
    );
}

#[test]
fn errors_come_with_a_stub_impl() {
    let input: DeriveInput = parse_quote! {
        enum E { A }
    };
    let code = expand::derive(&input).to_string();
    assert!(code.contains("compile_error !"), "{code}");
    assert!(
        code.contains(":: msk_model :: __private :: CfnMapping for E"),
        "{code}"
    );
    assert!(
        code.contains(
            "const PROPERTIES : & 'static [:: msk_model :: __private :: CfnProperty] = & []"
        ),
        "{code}"
    );
}

#[test]
#[should_panic(expected = "forgot to check for errors")]
fn an_unchecked_context_panics() {
    let cx = Ctxt::new();
    cx.error_spanned_by(quote!(lost), "never checked");
}

#[test]
fn object_shapes_and_renames_go_together() {
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        struct S {
            #[cfn(property = "A", order = 1, presence = "truthy", shape = "object")]
            a: String,
            #[cfn(property = "B", order = 2, presence = "truthy", rename = "b:B")]
            b: String,
            #[cfn(property = "C", order = 3, presence = "truthy", shape = "object", rename = "c")]
            c: String,
        }
    });
    assert_eq!(
        errors,
        [
            "invalid `rename`: rule \"c\" has no `:`",
            "`shape = \"object\"` needs `rename = \"...\"`",
            "`rename` needs `shape = \"object\"`",
        ]
    );
}

#[test]
fn a_key_without_property_carries_profile_grant_and_code_only() {
    let code = expanded(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        #[cfn(rule(requires(field = "a", other = "b"), code = Code::XNeedsB, message = "m"))]
        struct S {
            #[cfn(profile = "extended", grant = "kms_decrypt", code = Code::XKeyInvalid)]
            a: String,
            b: String,
        }
    });
    assert!(code.contains("Grant :: KmsDecrypt"), "{code}");
    assert!(code.contains("Profile :: Extended"), "{code}");
    assert!(code.contains("Test :: Requires"), "{code}");
    assert!(
        code.contains("PROPERTIES : & 'static [:: msk_model :: __private :: CfnProperty] = & []"),
        "{code}"
    );
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X", rule(maybe(field = "a")))]
        struct S {
            #[cfn(profile = "extended", code = "lower")]
            a: String,
        }
    });
    assert_eq!(
        errors,
        [
            "unknown cfn rule attribute `maybe`, expected `code`, `message`, `help`, `profile`, `cloudformation`, `required_when`, `requires`, `conflicts`, `not_greater`, `differs`, `matches`, `length`, `json_length`, `range`, `type_is`, `one_of`, `items` or `unique`",
            "expected cfn attribute `code` to be a path: `code = Code::...`",
        ]
    );
}

/// Each test's values are typed when the model compiles: a pattern must be a regular
/// expression, a bound a number, a path a key of the struct; a test names the keys it needs
/// and takes no other. Every bad key is reported in the one compile.
#[test]
fn rules_are_typed_and_checked() {
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        #[cfn(
            rule(matches(field = "a", pattern = "^(unclosed"), code = Code::C, message = "m"),
            rule(length(field = "a", max = "ten"), code = Code::C, message = "m"),
            rule(length(field = "a", max = 2.5), code = Code::C, message = "m"),
            rule(range(field = "nope.min", min = 3, max = 1), code = Code::C, message = "m"),
            rule(requires(field = "a"), code = Code::C, message = "m"),
            rule(unique(field = "a", pattern = "x"), code = Code::C, cloudformation = "A"),
            rule(type_is(field = "a", is = "float"), code = Code::C, cloudformation = "A.B[]"),
            rule(one_of(field = "a", values = []), code = Code::C, cloudformation = "not a path"),
            rules(code = Code::C)
        )]
        struct S {
            #[cfn(property = "A", order = 1, presence = "always")]
            a: String,
        }
    });
    assert_eq!(
        errors,
        [
            "invalid `pattern`: not a regular expression: regex parse error: ^(unclosed ^ error: unclosed group",
            "expected cfn attribute `max` to be a number: `max = 1`",
            "unknown `is` \"float\", expected \"string\", \"integer\", \"number\" or \"boolean\"",
            "expected cfn attribute `values` to be a list of strings: `values = [\"A\", \"B\"]`",
            "invalid `cloudformation`: \"not a path\" is not a CloudFormation property path such as \"DestinationConfig.OnFailure.Destination\" or \"Topics[]\"",
            "`rules(...)` declares no `rule(...)`",
            "`length` counts: its bounds are whole numbers, 0 or more",
            "`min` is greater than `max`",
            "missing cfn attribute `other = \"...\"`",
            "`unique` takes no `pattern`; it takes `field`",
            "`nope` names no config key of `S`",
        ]
    );
}

/// A group's members inherit every key they do not write, their test's keys included.
#[test]
fn a_group_folds_shared_keys_into_its_members() {
    let code = expanded(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        #[cfn(rules(
            requires(other = "b"),
            code = Code::Shared,
            help = "shared help",
            rule(requires(field = "a"), message = "first"),
            rule(requires(field = "a", equals = "x"), message = "second", help = "own help")
        ))]
        struct S {
            #[cfn(property = "A", order = 1, presence = "always")]
            a: String,
            b: String,
        }
    });
    let rules: Vec<&str> = code.split("Rule {").skip(1).collect();
    assert_eq!(rules.len(), 2, "{code}");
    assert!(
        rules[0].contains("other : \"b\"") && rules[0].contains("\"shared help\""),
        "{code}"
    );
    assert!(
        rules[1].contains("Equals (\"x\")") && rules[1].contains("\"own help\""),
        "{code}"
    );
    assert!(
        rules.iter().all(|rule| rule.contains("Code :: Shared")),
        "{code}"
    );
}

#[test]
fn every_deserialized_field_gets_its_key_as_a_constant() {
    let code = expanded(parse_quote! {
        #[serde(rename_all = "camelCase")]
        #[cfn(resource = "AWS::X::Y", logical_id = "X")]
        struct S {
            #[cfn(property = "A", order = 1, presence = "always")]
            consumer_group_id: String,
            #[serde(rename = "type")]
            kind: String,
            #[serde(skip)]
            cache: String,
        }
    });
    assert!(
        code.contains("pub const KEY_CONSUMER_GROUP_ID : & 'static str = \"consumerGroupId\" ;"),
        "{code}"
    );
    assert!(
        code.contains("pub const KEY_KIND : & 'static str = \"type\" ;"),
        "{code}"
    );
    assert!(!code.contains("KEY_CACHE"), "{code}");
}

#[test]
fn cfn_keys_derives_the_key_constants_alone() {
    let input: DeriveInput = parse_quote! {
        #[serde(rename_all = "camelCase")]
        struct Nested {
            on_failure: String,
        }
    };
    let code = crate::keys::derive(&input).to_string();
    assert!(
        code.contains("pub const KEY_ON_FAILURE : & 'static str = \"onFailure\" ;"),
        "{code}"
    );
    assert!(!code.contains("CfnMapping"), "{code}");
}
