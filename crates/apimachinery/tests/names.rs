//! Object metadata validation with kube-apiserver's exact messages, and name generation.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::field::{ErrorType, causes, invalid_message};
use concord_apimachinery::names::{
    NameRule, generate_name, is_dns1035_label, is_dns1123_label, is_dns1123_subdomain, is_qualified_name,
    is_valid_label_value, validate_name, validate_object_meta,
};
use serde_json::{Value, json};

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

fn messages(meta: Value, rule: NameRule, namespaced: bool) -> Vec<String> {
    validate_object_meta(&meta, rule, namespaced).iter().map(ToString::to_string).collect()
}

#[test]
fn subdomains() {
    for good in [
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "a.a",
        "a.1",
        "1.a",
        "a--1.b",
        "11.22.33",
        &"a".repeat(253),
    ] {
        assert!(is_dns1123_subdomain(good).is_empty(), "{good}");
    }
    for bad in [
        "", "A", "ABC", "aBc", "A1", "a_1", "a..1", ".a", "a.", "-a", "a-", "a.-1", "1 ", " 1", "1-2 3",
        "a@b",
    ] {
        assert_eq!(is_dns1123_subdomain(bad), [SUBDOMAIN], "{bad}");
    }
    assert_eq!(is_dns1123_subdomain(&"a".repeat(254)), ["must be no more than 253 characters"]);
}

#[test]
fn labels_and_dns1035() {
    for good in ["a", "ab", "a-1", "1-a", "0", &"a".repeat(63)] {
        assert!(is_dns1123_label(good).is_empty(), "{good}");
    }
    for bad in ["", "A", "a_1", "-a", "a-", "a b"] {
        assert_eq!(is_dns1123_label(bad), [LABEL], "{bad}");
    }
    assert_eq!(is_dns1123_label("a.b"), ["must not contain dots"]);
    assert_eq!(is_dns1123_label(&"a".repeat(64)), ["must be no more than 63 characters"]);
    assert!(is_dns1035_label("my-name").is_empty());
    assert_eq!(is_dns1035_label("1abc"), [DNS1035]);
    assert_eq!(is_dns1035_label("a.b"), [DNS1035]);
}

#[test]
fn qualified_names_and_label_values() {
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        &"a".repeat(63),
        &format!("{}/b", "a".repeat(253)),
    ] {
        assert!(is_qualified_name(good).is_empty(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
        &"a".repeat(64),
        &format!("{}/b", "a".repeat(254)),
    ] {
        assert!(!is_qualified_name(bad).is_empty(), "{bad}");
    }
    assert_eq!(is_qualified_name("/simple"), ["prefix part must be non-empty"]);
    assert_eq!(is_qualified_name("example.com/"), ["name part must be non-empty", NAME_PART]);
    assert_eq!(is_qualified_name(&"a".repeat(64)), ["name part must be no more than 63 characters"]);
    for good in [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "end-with-num-1",
        "1234",
        "",
        "A.B-c_D",
        &"a".repeat(63),
    ] {
        assert!(is_valid_label_value(good).is_empty(), "{good}");
    }
    for bad in [
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
        &"a".repeat(64),
    ] {
        assert!(!is_valid_label_value(bad).is_empty(), "{bad}");
    }
}

#[test]
fn path_segment_names() {
    assert!(validate_name("system:controller:foo", NameRule::PathSegment, false).is_empty());
    assert!(validate_name("Anything_Goes", NameRule::PathSegment, false).is_empty());
    assert_eq!(validate_name(".", NameRule::PathSegment, false), ["may not be '.'"]);
    assert_eq!(validate_name("..", NameRule::PathSegment, false), ["may not be '..'"]);
    assert_eq!(
        validate_name("a/b%c", NameRule::PathSegment, false),
        ["may not contain '/'", "may not contain '%'"]
    );
    // As kube's ValidateRBACName, a prefix follows the same rule.
    assert_eq!(validate_name(".", NameRule::PathSegment, true), ["may not be '.'"]);
}

#[test]
fn generate_name_prefixes() {
    // A trailing dash is fine in a prefix (kube masks it), not in a name.
    assert!(validate_name("web-", NameRule::Subdomain, true).is_empty());
    assert!(!validate_name("web-", NameRule::Subdomain, false).is_empty());
    assert!(validate_name("a-", NameRule::Label, true).is_empty());
    assert!(validate_name("ab--", NameRule::Subdomain, true).is_empty());
    assert!(!validate_name("-", NameRule::Subdomain, true).is_empty());
    assert!(!validate_name("Web-", NameRule::Subdomain, true).is_empty());
}

#[test]
fn generated_names() {
    let mut n = 0u32;
    let counter = || {
        n = n.wrapping_add(0x1234_5678);
        n
    };
    let name = generate_name("web-", counter);
    assert_eq!(name.len(), 9);
    assert!(name.starts_with("web-"));
    assert!(name[4..].chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)), "{name}");
    assert_eq!(generate_name("x-", || 0), "x-bbbbb");
    assert_eq!(generate_name("x-", || u32::MAX), "x-99999");
    let long = "p".repeat(80);
    let name = generate_name(&long, || 0);
    assert_eq!(name.len(), 63);
    assert!(validate_name(&name, NameRule::Subdomain, false).is_empty());
    // A cut inside a multi-byte character moves before it.
    let wide = format!("{}é", "a".repeat(57));
    assert_eq!(generate_name(&wide, || 0), format!("{}bbbbb", "a".repeat(57)));
    // Every letter is reachable.
    let mut seen = std::collections::BTreeSet::new();
    let mut x = 1u32;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let v = x;
        seen.extend(generate_name("", || v).chars());
    }
    assert_eq!(seen.len(), 27);
}

#[test]
fn object_meta_names() {
    assert!(messages(json!({"name": "web", "namespace": "default"}), NameRule::Subdomain, true).is_empty());
    assert_eq!(
        messages(json!({"name": "Foo_bar", "namespace": "default"}), NameRule::Subdomain, true),
        [format!("metadata.name: Invalid value: \"Foo_bar\": {SUBDOMAIN}")]
    );
    assert_eq!(
        messages(json!({"namespace": "default"}), NameRule::Subdomain, true),
        ["metadata.name: Required value: name or generateName is required"]
    );
    assert_eq!(
        messages(json!({"name": "a.b"}), NameRule::Label, false),
        ["metadata.name: Invalid value: \"a.b\": must not contain dots"]
    );
    assert_eq!(
        messages(json!({"name": "1svc", "namespace": "default"}), NameRule::Dns1035Label, true),
        [format!("metadata.name: Invalid value: \"1svc\": {DNS1035}")]
    );
    assert_eq!(
        messages(
            json!({"name": "Bad_", "generateName": "Bad_", "namespace": "d"}),
            NameRule::Subdomain,
            true
        ),
        [
            format!("metadata.generateName: Invalid value: \"Bad_\": {SUBDOMAIN}"),
            format!("metadata.name: Invalid value: \"Bad_\": {SUBDOMAIN}"),
        ]
    );
    assert!(
        messages(
            json!({"name": "web-x7k2p", "generateName": "web-", "namespace": "d"}),
            NameRule::Subdomain,
            true
        )
        .is_empty()
    );
    let long = "a".repeat(254);
    assert_eq!(
        messages(json!({"name": long}), NameRule::Subdomain, false),
        [format!("metadata.name: Invalid value: \"{long}\": must be no more than 253 characters")]
    );
}

#[test]
fn object_meta_namespaces() {
    assert_eq!(
        messages(json!({"name": "a"}), NameRule::Subdomain, true),
        ["metadata.namespace: Required value"]
    );
    assert_eq!(
        messages(json!({"name": "a", "namespace": "kube-system"}), NameRule::Subdomain, false),
        ["metadata.namespace: Forbidden: not allowed on this type"]
    );
    assert_eq!(
        messages(json!({"name": "a", "namespace": "Dev"}), NameRule::Subdomain, true),
        [format!("metadata.namespace: Invalid value: \"Dev\": {LABEL}")]
    );
}

#[test]
fn object_meta_labels_annotations_and_more() {
    let got = messages(
        json!({
            "name": "a",
            "generation": -1,
            "labels": {"good": "yes", "bad key": "ok", "k": "bad value"},
            "annotations": {"Example.com/Mixed_Case": "fine", "a/b/c": "x"}
        }),
        NameRule::Subdomain,
        false,
    );
    assert_eq!(
        got,
        [
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0".to_string(),
            format!("metadata.labels: Invalid value: \"bad key\": {NAME_PART}"),
            "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string(),
            "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string(),
        ]
    );
}

#[test]
fn annotation_size_limit() {
    let at_limit = json!({"name": "a", "annotations": {"k": "v".repeat(256 * 1024 - 1)}});
    assert!(messages(at_limit, NameRule::Subdomain, false).is_empty());
    let over = json!({"name": "a", "annotations": {"k": "v".repeat(256 * 1024)}});
    let errors = validate_object_meta(&over, NameRule::Subdomain, false);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error_type, ErrorType::FieldValueTooLong);
    assert_eq!(errors[0].to_string(), "metadata.annotations: Too long: may not be more than 262144 bytes");
    assert_eq!(
        causes(&errors),
        json!([{"reason": "FieldValueTooLong", "message": "Too long: may not be more than 262144 bytes", "field": "metadata.annotations"}])
    );
}

#[test]
fn owner_references_finalizers_managed_fields() {
    let got = messages(
        json!({
            "name": "a",
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "1", "controller": true},
                {"apiVersion": "", "kind": "", "name": "", "uid": ""},
                {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "2"},
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d", "uid": "3", "controller": true}
            ],
            "finalizers": ["kubernetes.io/pv-protection", "orphan", "foregroundDeletion", "bad/fin/alizer"],
            "managedFields": [{"manager": "kubectl", "operation": "Patch", "fieldsType": "FieldsV2"}]
        }),
        NameRule::Subdomain,
        false,
    );
    let refs = r#"[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"1","controller":true},{"apiVersion":"","kind":"","name":"","uid":""},{"apiVersion":"v1","kind":"Event","name":"e","uid":"2"},{"apiVersion":"apps/v1","kind":"Deployment","name":"d","uid":"3","controller":true}]"#;
    assert_eq!(
        got,
        [
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty".to_string(),
            "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty".to_string(),
            "metadata.ownerReferences.name: Invalid value: \"\": must not be empty".to_string(),
            "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty".to_string(),
            r#"metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"2"}: /v1, Kind=Event is disallowed from being an owner"#.to_string(),
            format!("metadata.ownerReferences: Invalid value: {refs}: Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/rs and Deployment/d"),
            "metadata.finalizers: Invalid value: \"bad/fin/alizer\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string(),
            r#"metadata.finalizers: Invalid value: ["kubernetes.io/pv-protection","orphan","foregroundDeletion","bad/fin/alizer"]: finalizer orphan and foregroundDeletion cannot be both set"#.to_string(),
            "metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` or `Update`".to_string(),
            "metadata.managedFields[0].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`".to_string(),
        ]
    );
}

#[test]
fn invalid_message_for_a_create() {
    let meta = json!({"name": "Web", "namespace": "default"});
    let errors = validate_object_meta(&meta, NameRule::Subdomain, true);
    assert_eq!(
        invalid_message("Deployment", "apps", "Web", &errors),
        format!("Deployment.apps \"Web\" is invalid: metadata.name: Invalid value: \"Web\": {SUBDOMAIN}")
    );
    let two = validate_object_meta(&json!({"name": "Web"}), NameRule::Subdomain, true);
    assert_eq!(
        invalid_message("ConfigMap", "", "Web", &two),
        format!(
            "ConfigMap \"Web\" is invalid: [metadata.name: Invalid value: \"Web\": {SUBDOMAIN}, metadata.namespace: Required value]"
        )
    );
    assert_eq!(
        causes(&two),
        json!([
            {"reason": "FieldValueInvalid", "message": format!("Invalid value: \"Web\": {SUBDOMAIN}"), "field": "metadata.name"},
            {"reason": "FieldValueRequired", "message": "Required value", "field": "metadata.namespace"}
        ])
    );
}

#[test]
fn wrong_types_and_missing_metadata() {
    assert_eq!(
        messages(Value::Null, NameRule::Subdomain, true),
        [
            "metadata.name: Required value: name or generateName is required",
            "metadata.namespace: Required value"
        ]
    );
    assert_eq!(
        messages(json!({"name": 5, "labels": "x"}), NameRule::Subdomain, false),
        ["metadata.name: Required value: name or generateName is required"]
    );
}
