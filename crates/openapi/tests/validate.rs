//! The validator against kube-apiserver's documented behaviour: unknown fields per
//! `fieldValidation`, Go decoding errors for built-in kinds, and pruning, defaulting and
//! validation of custom resources, with kube's messages.

#![recursion_limit = "256"]
#![allow(clippy::unwrap_used)]

mod common;

use concord_openapi::{Checked, FieldValidation, IssueKind, Validator};
use serde_json::{Value, json};

const DEPLOYMENT: &str = "io.k8s.api.apps.v1.Deployment";
const WIDGET: &str = "com.example.v1.Widget";

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}],
                    "resources": {"limits": {"cpu": "500m", "memory": 128}}}]},
            },
        },
    })
}

fn check_builtin(definition: &str, object: &mut Value, mode: FieldValidation) -> Checked {
    Validator::builtin().check(definition, object, mode)
}

#[test]
fn a_valid_deployment_passes_unchanged() {
    let mut object = deployment();
    let checked = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Strict);
    assert_eq!(checked, Checked::default());
    assert_eq!(object, deployment());
}

#[test]
fn unknown_fields_per_mode() {
    let with_unknown = || {
        let mut object = deployment();
        object["spec"]["foo"] = json!(1);
        object["spec"]["template"]["spec"]["containers"][0]["bar"] = json!({"x": 1});
        object["metadata"]["Name"] = json!("case matters");
        object
    };
    let mut object = with_unknown();
    let strict = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Strict);
    assert_eq!(object, deployment(), "unknown fields are dropped");
    assert!(strict.errors.iter().all(|e| e.kind == IssueKind::UnknownField));
    assert_eq!(
        strict.decoding_error().unwrap(),
        "strict decoding error: unknown field \"metadata.Name\", unknown field \"spec.template.spec.containers[0].bar\", unknown field \"spec.foo\""
    );
    assert_eq!(strict.invalid().count(), 0);

    let mut object = with_unknown();
    let warn = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Warn);
    assert!(warn.is_ok());
    // In document order, as Go's decoder meets them.
    assert_eq!(
        warn.warnings,
        [
            "unknown field \"metadata.Name\"",
            "unknown field \"spec.template.spec.containers[0].bar\"",
            "unknown field \"spec.foo\"",
        ]
    );
    assert_eq!(object, deployment());

    let mut object = with_unknown();
    let ignore = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Ignore);
    assert_eq!(ignore, Checked::default());
    assert_eq!(object, deployment());
}

#[test]
fn wrong_types_fail_like_gos_decoder() {
    let cases = [
        (
            "/spec/replicas",
            json!("two"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "/spec/replicas",
            json!(1.5),
            "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "/spec/replicas",
            json!(3_000_000_000_u64),
            "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "/spec/template/spec/containers/0/ports/0/containerPort",
            json!("80"),
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
        ),
        (
            "/spec/template/spec/containers",
            json!({}),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
        ),
        (
            "/spec/selector",
            json!([]),
            "json: cannot unmarshal array into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector",
        ),
        (
            "/metadata/labels/app",
            json!(1),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
        ),
        (
            "/spec/paused",
            json!("yes"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
        ),
        (
            "/spec/template/spec/containers/0/resources/limits/cpu",
            json!("lots"),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
        (
            "/spec/strategy",
            json!({"rollingUpdate": {"maxSurge": true}}),
            "json: cannot unmarshal bool into Go value of type int32",
        ),
    ];
    for (pointer, value, message) in cases {
        let mut object = deployment();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        object.pointer_mut(parent).unwrap()[key] = value;
        // Strict or not, a type error fails the request.
        let checked = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Ignore);
        assert_eq!(checked.decoding_error().as_deref(), Some(message), "{pointer}");
        assert_eq!(checked.errors.len(), 1, "Go reports the first error only");
    }
}

#[test]
fn a_type_error_wins_over_unknown_fields() {
    let mut object = deployment();
    object["spec"]["foo"] = json!(1);
    object["spec"]["replicas"] = json!("x");
    let checked = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Strict);
    assert!(checked.decoding_error().unwrap().starts_with("json: cannot unmarshal string"));
}

#[test]
fn secrets_need_base64_and_nulls_are_unset() {
    let secret = "io.k8s.api.core.v1.Secret";
    let mut object = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "annotations": null}, "data": {"a": "aGVsbG8=", "b": "not base64!"}});
    let checked = check_builtin(secret, &mut object, FieldValidation::Strict);
    assert_eq!(checked.decoding_error().as_deref(), Some("illegal base64 data at input byte 3"));
    let mut object = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "annotations": null}, "stringData": {"a": "x"}});
    assert!(check_builtin(secret, &mut object, FieldValidation::Strict).is_ok());
    assert_eq!(object["metadata"], json!({"name": "s"}));
}

#[test]
fn int_or_string_and_free_form_fields() {
    let mut object = deployment();
    object["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}});
    object["metadata"]["managedFields"] =
        json!([{"manager": "kubectl", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]);
    let checked = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Strict);
    assert_eq!(checked, Checked::default());
    assert_eq!(object["metadata"]["managedFields"][0]["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));
}

#[test]
fn unknown_definitions_are_not_checked() {
    let mut object = json!({"anything": 1});
    assert_eq!(check_builtin("io.example.Nope", &mut object, FieldValidation::Strict), Checked::default());
}

#[test]
fn deeply_nested_input_is_bounded() {
    // Built by moving, never copied (`json!` and `clone` would recurse through every level).
    let nested = || {
        let mut nested = json!(1);
        for _ in 0..2000 {
            nested = Value::Object(serde_json::Map::from_iter([("a".to_owned(), nested)]));
        }
        nested
    };
    let mut object = deployment();
    object["spec"]["template"]["metadata"]["annotations"] = json!({"x": "y"});
    object["spec"]["foo"] = nested();
    let checked = check_builtin(DEPLOYMENT, &mut object, FieldValidation::Strict);
    assert_eq!(checked.decoding_error().unwrap(), "strict decoding error: unknown field \"spec.foo\"");
    // CRD JSONSchemaProps nest recursively; a too deep one is refused, not overflowed.
    let mut props = json!({"type": "string"});
    for _ in 0..400 {
        let properties = Value::Object(serde_json::Map::from_iter([("a".to_owned(), props)]));
        props = Value::Object(serde_json::Map::from_iter([
            ("type".to_owned(), json!("object")),
            ("properties".to_owned(), properties),
        ]));
    }
    let mut crd = common::widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = props;
    let checked = check_builtin(
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
        &mut crd,
        FieldValidation::Strict,
    );
    assert_eq!(checked.decoding_error().as_deref(), Some("json: exceeded max depth"));
    let mut widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}});
    widget["spec"]["extra"] = nested();
    let checked = widget_validator().check(WIDGET, &mut widget, FieldValidation::Strict);
    assert!(checked.is_ok(), "{checked:?}");
}

fn widget_validator() -> Validator {
    Validator::for_crd(&common::widget_crd(), "v1").unwrap()
}

fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default"}, "spec": spec})
}

#[test]
fn custom_resources_are_pruned_per_mode() {
    let validator = widget_validator();
    let mut object = widget(
        json!({"size": 1, "foo": 1, "extra": {"kept": {"any": true}}, "ports": [{"port": 80, "bogus": 1}]}),
    );
    object["metadata"]["bogus"] = json!(1);
    object["unknownTop"] = json!(1);
    let strict = validator.check(WIDGET, &mut object, FieldValidation::Strict);
    assert_eq!(
        strict.decoding_error().unwrap(),
        "strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec.foo\", unknown field \"spec.ports[0].bogus\", unknown field \"unknownTop\""
    );
    assert_eq!(object["spec"]["extra"], json!({"kept": {"any": true}}));
    assert!(object["spec"].get("foo").is_none() && object.get("unknownTop").is_none());
    assert!(object["metadata"].get("bogus").is_none());

    let mut object = widget(json!({"size": 1, "foo": 1}));
    let warn = validator.check(WIDGET, &mut object, FieldValidation::Warn);
    assert!(warn.is_ok());
    assert_eq!(warn.warnings, ["unknown field \"spec.foo\""]);
}

#[test]
fn custom_resources_get_defaults() {
    let validator = widget_validator();
    let mut object =
        widget(json!({"size": 3, "ports": [{"port": 80, "nested": {}}], "note": null, "color": null}));
    let checked = validator.check(WIDGET, &mut object, FieldValidation::Strict);
    assert_eq!(checked, Checked::default());
    assert_eq!(object["spec"]["color"], "red", "absent and null non-nullable fields take the default");
    assert_eq!(object["spec"]["ports"][0], json!({"port": 80, "nested": {"deep": true}, "protocol": "TCP"}));
    assert_eq!(object["spec"]["note"], Value::Null, "nullable fields keep null");
}

#[test]
fn custom_resources_are_validated_with_kubes_messages() {
    let validator = widget_validator();
    let cases: Vec<(Value, &str, IssueKind, &str)> = vec![
        (
            json!({"size": "big"}),
            "spec.size",
            IssueKind::FieldValueTypeInvalid,
            "Invalid value: \"string\": spec.size in body must be of type integer: \"string\"",
        ),
        (json!({}), "spec.size", IssueKind::FieldValueRequired, "Required value"),
        (
            json!({"size": 11}),
            "spec.size",
            IssueKind::FieldValueInvalid,
            "Invalid value: 11: spec.size in body should be less than or equal to 10",
        ),
        (
            json!({"size": 0}),
            "spec.size",
            IssueKind::FieldValueInvalid,
            "Invalid value: 0: spec.size in body should be greater than or equal to 1",
        ),
        (
            json!({"size": 1, "color": "blue"}),
            "spec.color",
            IssueKind::FieldValueNotSupported,
            "Unsupported value: \"blue\": supported values: \"red\", \"green\"",
        ),
        (
            json!({"size": 1, "name": "abcdef"}),
            "spec.name",
            IssueKind::FieldValueTooLong,
            "Too long: may not be longer than 5",
        ),
        (
            json!({"size": 1, "name": "a"}),
            "spec.name",
            IssueKind::FieldValueInvalid,
            "Invalid value: \"a\": spec.name in body should be at least 2 chars long",
        ),
        (
            json!({"size": 1, "name": "AB"}),
            "spec.name",
            IssueKind::FieldValueInvalid,
            "Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'",
        ),
        (
            json!({"size": 1, "ip": "1.2.3"}),
            "spec.ip",
            IssueKind::FieldValueTypeInvalid,
            "Invalid value: \"1.2.3\": spec.ip in body must be of type ipv4: \"1.2.3\"",
        ),
        (
            json!({"size": 1, "tags": ["a", "b", "c"]}),
            "spec.tags",
            IssueKind::FieldValueTooMany,
            "Too many: 3: must have at most 2 items",
        ),
        (
            json!({"size": 1, "tags": ["a", "a"]}),
            "spec.tags[1]",
            IssueKind::FieldValueDuplicate,
            "Duplicate value: \"a\"",
        ),
        (
            json!({"size": 1, "ports": [{"port": 80}, {"port": 80, "protocol": "TCP"}]}),
            "spec.ports[1]",
            IssueKind::FieldValueDuplicate,
            "Duplicate value: map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}",
        ),
        (
            json!({"size": 1, "ports": [{"protocol": "UDP"}]}),
            "spec.ports[0].port",
            IssueKind::FieldValueRequired,
            "Required value",
        ),
        (
            json!({"size": 1, "port": true}),
            "spec.port",
            IssueKind::FieldValueTypeInvalid,
            "Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"",
        ),
        (
            json!({"size": 1, "labels": {"a": 1}}),
            "spec.labels.a",
            IssueKind::FieldValueTypeInvalid,
            "Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
        ),
    ];
    for (spec, field, kind, message) in cases {
        let mut object = widget(spec.clone());
        let checked = validator.check(WIDGET, &mut object, FieldValidation::Strict);
        assert_eq!(checked.decoding_error(), None, "{spec}");
        let issues: Vec<_> = checked.invalid().collect();
        assert_eq!(issues.len(), 1, "{spec}: {issues:?}");
        assert_eq!(
            (issues[0].field.as_str(), issues[0].kind, issues[0].message.as_str()),
            (field, kind, message),
            "{spec}"
        );
        assert_eq!(issues[0].to_string(), format!("{field}: {message}"));
        assert_eq!(issues[0].kind.reason(), Some(format!("{kind:?}").as_str()));
    }
    // Both int-or-string forms pass; integral floats count as integers.
    for port in [json!(80), json!("http")] {
        let mut object = widget(json!({"size": 2.0, "port": port}));
        assert!(validator.check(WIDGET, &mut object, FieldValidation::Strict).is_ok());
    }
}

#[test]
fn crd_validators_refuse_unknown_versions_and_bad_patterns() {
    let crd = common::widget_crd();
    assert!(Validator::for_crd(&crd, "v2").is_err(), "v2 is not served");
    let mut bad = crd.clone();
    bad["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["name"]["pattern"] =
        json!("(");
    assert!(Validator::for_crd(&bad, "v1").is_err());
    // Built-in definitions stay available through a CRD's validator.
    let mut object = deployment();
    assert!(widget_validator().check(DEPLOYMENT, &mut object, FieldValidation::Strict).is_ok());
}

#[test]
fn field_validation_parses_kubes_values() {
    assert_eq!(FieldValidation::from_query("Strict"), Some(FieldValidation::Strict));
    assert_eq!(FieldValidation::from_query("Warn"), Some(FieldValidation::Warn));
    assert_eq!(FieldValidation::from_query("Ignore"), Some(FieldValidation::Ignore));
    assert_eq!(FieldValidation::from_query("strict"), None);
    assert_eq!(FieldValidation::default(), FieldValidation::Warn);
}

#[test]
fn builtin_validator_build_time() {
    let start = std::time::Instant::now();
    let _ = Validator::builtin();
    eprintln!("Validator::builtin: {:?}", start.elapsed());
}
