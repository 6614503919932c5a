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
        #[cfn(required_when(field = "my_mode", equals = "A", requires = "myValue", code = Code::C, message = "M"))]
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
        #[cfn(check(kind = "requires", field = "a", other = "b", code = Code::XNeedsB, message = "m"))]
        struct S {
            #[cfn(profile = "extended", grant = "kms_decrypt", code = Code::XKeyInvalid)]
            a: String,
        }
    });
    assert!(code.contains("Grant :: KmsDecrypt"), "{code}");
    assert!(code.contains("Profile :: Extended"), "{code}");
    assert!(code.contains("CheckKind :: Requires"), "{code}");
    assert!(
        code.contains("PROPERTIES : & 'static [:: msk_model :: __private :: CfnProperty] = & []"),
        "{code}"
    );
    let errors = errors(parse_quote! {
        #[cfn(resource = "AWS::X::Y", logical_id = "X", check(kind = "maybe", field = "a"))]
        struct S {
            #[cfn(profile = "extended", code = "lower")]
            a: String,
        }
    });
    assert_eq!(
        errors,
        [
            "unknown `kind` \"maybe\", expected \"requires\", \"conflicts\", \"not_greater\", \"matches\", \"max_length\" or \"differs\"",
            "expected cfn attribute `code` to be a path: `code = Code::...`",
            "missing cfn attributes `code` and `message`",
        ]
    );
}
