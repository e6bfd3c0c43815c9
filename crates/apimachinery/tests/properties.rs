//! Property tests: selectors print to text that parses back to the same selector, and no input
//! makes a parser or validator panic.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::fields::FieldSelector;
use concord_apimachinery::labels::LabelSelector;
use concord_apimachinery::names::{NameRule, generate_name, validate_name, validate_object_meta};
use concord_apimachinery::tokens::TokenFile;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([a-z0-9_.-]{0,10}[a-z0-9])?",
        "[a-z]{1,5}(\\.[a-z]{1,5}){0,2}/[A-Za-z0-9]([A-Za-z0-9_.-]{0,8}[A-Za-z0-9])?",
        Just("in".to_string()),
        Just("notin".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof!["", "[A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?", Just("in".to_string())]
}

fn set_value() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?", Just("notin".to_string())]
}

fn requirement() -> impl Strategy<Value = String> {
    prop_oneof![
        (key(), value()).prop_map(|(k, v)| format!("{k}={v}")),
        (key(), value()).prop_map(|(k, v)| format!("{k}=={v}")),
        (key(), value()).prop_map(|(k, v)| format!("{k} != {v}")),
        (key(), prop::collection::vec(set_value(), 0..4))
            .prop_map(|(k, vs)| format!("{k} in ({})", vs.join(", "))),
        (key(), prop::collection::vec(set_value(), 1..4))
            .prop_map(|(k, vs)| format!("{k} notin ({},)", vs.join(","))),
        key(),
        key().prop_map(|k| format!("!{k}")),
        (key(), 0i64..1000).prop_map(|(k, n)| format!("{k}>{n}")),
        (key(), 0i64..1000).prop_map(|(k, n)| format!("{k}<{n}")),
    ]
}

fn labels() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(key(), value(), 0..6)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

proptest! {
    #[test]
    fn label_selectors_round_trip(reqs in prop::collection::vec(requirement(), 0..6), labels in labels()) {
        let text = reqs.join(" , ");
        let selector = LabelSelector::parse(&text).unwrap();
        let printed = selector.to_string();
        let reparsed = LabelSelector::parse(&printed).unwrap();
        prop_assert_eq!(&reparsed, &selector);
        prop_assert_eq!(reparsed.to_string(), printed);
        prop_assert_eq!(reparsed.matches(&labels), selector.matches(&labels));
    }

    #[test]
    fn label_selector_parse_never_panics(text in any::<String>()) {
        let _ = LabelSelector::parse(&text);
    }

    #[test]
    fn label_selector_parse_never_panics_on_selector_like_text(text in "[a-z =!(),<>\\-0-9/.in\t]{0,30}") {
        if let Ok(selector) = LabelSelector::parse(&text) {
            prop_assert_eq!(LabelSelector::parse(&selector.to_string()).unwrap(), selector);
        }
    }

    #[test]
    fn field_selectors_round_trip(terms in prop::collection::vec(("[a-zA-Z][a-zA-Z.]{0,12}", any::<bool>(), any::<String>()), 0..5)) {
        let text: Vec<String> = terms
            .iter()
            .map(|(f, eq, v)| format!("{f}{}{}", if *eq { "=" } else { "!=" }, concord_apimachinery::fields::escape_value(v)))
            .collect();
        let selector = FieldSelector::parse(&text.join(",")).unwrap();
        let mut want: Vec<(String, String)> = terms.iter().map(|(f, _, v)| (f.clone(), v.clone())).collect();
        let mut got: Vec<(String, String)> =
            selector.requirements().iter().map(|r| (r.field.clone(), r.value.clone())).collect();
        want.sort();
        got.sort();
        prop_assert_eq!(got, want);
        let reparsed = FieldSelector::parse(&selector.to_string()).unwrap();
        prop_assert_eq!(reparsed.to_string(), selector.to_string());
    }

    #[test]
    fn field_selector_parse_never_panics(text in any::<String>()) {
        let _ = FieldSelector::parse(&text);
    }

    #[test]
    fn token_file_parse_never_panics(text in any::<String>()) {
        let _ = TokenFile::parse(&text);
    }

    #[test]
    fn token_file_parse_never_panics_on_csv_like_text(text in "[a,\"\n\r ]{0,40}") {
        let _ = TokenFile::parse(&text);
    }

    #[test]
    fn generated_names_are_valid(prefix in "[a-z0-9]{1,70}-?", seed in any::<u32>()) {
        let mut x = seed | 1;
        let name = generate_name(&prefix, || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        });
        prop_assert_eq!(name.len(), prefix.len().min(58) + 5);
        prop_assert!(name.starts_with(&prefix[..prefix.len().min(58)]));
        prop_assert!(validate_name(&name, NameRule::Subdomain, false).is_empty(), "{}", name);
        prop_assert!(validate_name(&name, NameRule::Label, false).is_empty(), "{}", name);
    }

    #[test]
    fn metadata_validation_never_panics(meta in arbitrary_json(3)) {
        for rule in [NameRule::Subdomain, NameRule::Label, NameRule::Dns1035Label, NameRule::PathSegment] {
            let _ = validate_object_meta(&meta, rule, true);
        }
    }
}

fn arbitrary_json(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop_oneof![Just("name"), Just("generateName"), Just("namespace"), Just("labels")]
            .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(depth, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("name".to_string()),
                    Just("generateName".to_string()),
                    Just("namespace".to_string()),
                    Just("labels".to_string()),
                    Just("annotations".to_string()),
                    Just("ownerReferences".to_string()),
                    Just("finalizers".to_string()),
                    Just("managedFields".to_string()),
                    Just("generation".to_string()),
                    any::<String>(),
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
