//! The structure of the served documents: the v3 index and its hashes, kubectl's checks, and
//! CRDs published in both versions.

#![recursion_limit = "256"]
#![allow(clippy::unwrap_used)]

mod common;

use concord_openapi::{Documents, OpenApiError};
use serde_json::{Value, json};

fn documents() -> Documents {
    Documents::build(&common::resources(), &[common::widget_crd()]).unwrap()
}

#[test]
fn v3_index_points_at_every_document_with_its_hash() {
    let documents = documents();
    let index = documents.v3_index();
    let paths = index["paths"].as_object().unwrap();
    for key in [
        "api",
        "apis",
        "version",
        "api/v1",
        "apis/apps",
        "apis/apps/v1",
        "apis/example.com/v1",
        "apis/authorization.k8s.io/v1",
    ] {
        let url = paths[key]["serverRelativeURL"].as_str().unwrap();
        let (document, hash) = documents.v3(key).unwrap();
        assert_eq!(url, format!("/openapi/v3/{key}?hash={hash}"));
        assert_eq!(hash.len(), 128);
        assert_eq!(document["openapi"], "3.0.0");
    }
    assert!(documents.v3("apis/policy/v1").is_none());
    // Paths as kubectl writes them, with slashes around, find the same document.
    assert!(documents.v3("/apis/apps/v1/").is_some());
}

#[test]
fn hashes_change_with_the_documents() {
    let without = Documents::build(&common::resources(), &[]).unwrap();
    let with = documents();
    assert_eq!(without.v3("apis/apps/v1").unwrap().1, with.v3("apis/apps/v1").unwrap().1);
    assert!(without.v3("apis/example.com/v1").is_none());
    assert_ne!(without.v3_index(), with.v3_index());
    assert_ne!(without.v2(), with.v2());
    let mut crd = common::widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["size"]["maximum"] =
        json!(20);
    let changed = Documents::build(&common::resources(), &[crd]).unwrap();
    assert_ne!(changed.v3("apis/example.com/v1").unwrap().1, with.v3("apis/example.com/v1").unwrap().1);
}

/// kubectl's `QueryParamVerifierV3`: the first PATCH operation carrying the kind's GVK must list
/// `fieldValidation` among its own parameters.
fn supports_field_validation(document: &Value, group: &str, version: &str, kind: &str) -> bool {
    let gvk = json!({"group": group, "version": version, "kind": kind});
    document["paths"].as_object().unwrap().values().filter_map(|item| item.get("patch")).all(|patch| {
        patch["x-kubernetes-group-version-kind"] != gvk
            || patch["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "fieldValidation")
    }) && document["paths"]
        .as_object()
        .unwrap()
        .values()
        .any(|item| item.get("patch").is_some_and(|p| p["x-kubernetes-group-version-kind"] == gvk))
}

#[test]
fn kubectl_sees_server_side_field_validation_for_every_patchable_kind() {
    let documents = documents();
    for resource in common::resources().iter().filter(|r| r.verbs.iter().any(|v| v == "patch")) {
        let key = if resource.group.is_empty() {
            "api/v1".to_owned()
        } else {
            format!("apis/{}/{}", resource.group, resource.version)
        };
        let (document, _) = documents.v3(&key).unwrap();
        assert!(
            supports_field_validation(document, &resource.group, &resource.version, &resource.kind),
            "{}",
            resource.kind
        );
    }
    let (document, _) = documents.v3("apis/example.com/v1").unwrap();
    assert!(supports_field_validation(document, "example.com", "v1", "Widget"));
}

#[test]
fn write_operations_take_dry_run_field_manager_and_field_validation() {
    let documents = documents();
    let (document, _) = documents.v3("apis/apps/v1").unwrap();
    let item = &document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    let names = |op: &Value| -> Vec<String> {
        op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&item["put"]), ["dryRun", "fieldManager", "fieldValidation"]);
    assert_eq!(names(&item["patch"]), ["dryRun", "fieldManager", "fieldValidation", "force"]);
    assert_eq!(item["patch"]["x-kubernetes-action"], "patch");
    assert_eq!(names(item), ["name", "namespace", "pretty"]);
    // A create-only kind has its parameters at the path level, as kube-apiserver publishes it.
    let (review, _) = documents.v3("apis/authorization.k8s.io/v1").unwrap();
    let item = &review["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
    assert_eq!(names(item), ["dryRun", "fieldManager", "fieldValidation", "pretty"]);
    assert_eq!(item.as_object().unwrap().keys().collect::<Vec<_>>(), ["post", "parameters"]);
}

/// What `kubectl explain` does: find the kind's schema by its GVK among the components.
fn explain_root<'a>(document: &'a Value, group: &str, version: &str, kind: &str) -> &'a Value {
    let gvk = json!({"group": group, "version": version, "kind": kind});
    document["components"]["schemas"]
        .as_object()
        .unwrap()
        .values()
        .find(|schema| {
            schema["x-kubernetes-group-version-kind"].as_array().is_some_and(|gvks| gvks.contains(&gvk))
        })
        .unwrap_or_else(|| panic!("no schema for {kind}"))
}

#[test]
fn explain_finds_kinds_and_their_fields() {
    let documents = documents();
    let (document, _) = documents.v3("apis/apps/v1").unwrap();
    let deployment = explain_root(document, "apps", "v1", "Deployment");
    assert!(
        deployment["description"].as_str().unwrap().starts_with("Deployment enables declarative updates")
    );
    let spec = &deployment["properties"]["spec"];
    assert_eq!(spec["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
    let schemas = &document["components"]["schemas"];
    let replicas = &schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"];
    assert_eq!(replicas["type"], "integer");
    // Every reference resolves within the document.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.get(name).is_some(), "dangling reference to {name}");
    }
}

#[test]
fn envelopes_carry_the_group_versions_gvk() {
    let documents = documents();
    let (document, _) = documents.v3("apis/apps/v1").unwrap();
    let delete_options =
        &document["components"]["schemas"]["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"];
    assert_eq!(
        delete_options["x-kubernetes-group-version-kind"],
        json!([{"group": "", "kind": "DeleteOptions", "version": "v1"}, {"group": "apps", "kind": "DeleteOptions", "version": "v1"}])
    );
    let v2 = &documents.v2()["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"]["x-kubernetes-group-version-kind"];
    assert!(
        v2.as_array()
            .unwrap()
            .contains(&json!({"group": "example.com", "kind": "WatchEvent", "version": "v1"}))
    );
}

#[test]
fn custom_resources_are_published_in_v2_and_v3() {
    let documents = documents();
    let gvk = json!([{"group": "example.com", "kind": "Widget", "version": "v1"}]);
    let (document, _) = documents.v3("apis/example.com/v1").unwrap();
    let widget = &document["components"]["schemas"]["com.example.v1.Widget"];
    assert_eq!(widget["x-kubernetes-group-version-kind"], gvk);
    assert_eq!(
        widget["properties"]["metadata"]["allOf"][0]["$ref"],
        "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    assert_eq!(widget["properties"]["apiVersion"]["type"], "string");
    let spec = &widget["properties"]["spec"];
    assert_eq!(spec["properties"]["port"]["x-kubernetes-int-or-string"], true);
    assert_eq!(spec["properties"]["extra"]["x-kubernetes-preserve-unknown-fields"], true);
    assert_eq!(spec["properties"]["ports"]["x-kubernetes-list-map-keys"], json!(["port", "protocol"]));
    assert_eq!(spec["properties"]["note"]["nullable"], true);
    assert_eq!(
        document["components"]["schemas"]["com.example.v1.WidgetList"]["x-kubernetes-group-version-kind"],
        json!([{"group": "example.com", "kind": "WidgetList", "version": "v1"}])
    );
    let paths = document["paths"].as_object().unwrap();
    let item = &paths["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"];
    assert_eq!(item["patch"]["operationId"], "patchExampleComV1NamespacedWidget");
    assert!(item["patch"]["requestBody"]["content"].get("application/strategic-merge-patch+json").is_none());
    let scale = &paths["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"];
    assert_eq!(
        scale["get"]["x-kubernetes-group-version-kind"],
        json!({"group": "autoscaling", "kind": "Scale", "version": "v1"})
    );
    assert!(paths.contains_key("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"));
    assert!(documents.v3("apis/example.com/v2").is_none(), "unserved versions are not published");

    let v2 = documents.v2();
    let widget = &v2["definitions"]["com.example.v1.Widget"];
    assert_eq!(widget["x-kubernetes-group-version-kind"], gvk);
    assert_eq!(
        widget["properties"]["metadata"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    let spec = &widget["properties"]["spec"]["properties"];
    assert!(
        spec["note"].get("nullable").is_none() && spec["note"].get("type").is_none(),
        "v2 cannot say nullable"
    );
    assert!(spec["port"].get("type").is_none());
    assert!(v2["paths"].get("/apis/example.com/v1/widgets").is_some());
}

#[test]
fn unknown_definitions_and_bad_crds_are_errors() {
    let mut resources = common::resources();
    resources[0].definition = "io.k8s.api.core.v1.Nope".to_owned();
    assert!(matches!(Documents::build(&resources, &[]), Err(OpenApiError::UnknownDefinition { .. })));
    let mut crd = common::widget_crd();
    crd["spec"]["scope"] = json!("Galaxy");
    assert!(matches!(Documents::build(&[], &[crd]), Err(OpenApiError::InvalidCrd { .. })));
}

#[test]
fn adversarial_crd_schemas_are_bounded() {
    // Built by moving, not with `json!`: it would copy the whole schema at every level through
    // recursive serialization, itself deep enough to overflow a test thread's stack.
    let mut schema = json!({"type": "string"});
    for _ in 0..1000 {
        let mut properties = serde_json::Map::new();
        properties.insert("a".into(), schema);
        let mut object = serde_json::Map::new();
        object.insert("type".into(), json!("object"));
        object.insert("properties".into(), serde_json::Value::Object(properties));
        schema = serde_json::Value::Object(object);
    }
    let mut crd = common::widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = schema;
    let documents = Documents::build(&[], &[crd]).unwrap();
    assert!(documents.v3("apis/example.com/v1").is_some());
}

#[test]
fn build_time() {
    let start = std::time::Instant::now();
    let _ = concord_openapi::Validator::builtin();
    let definitions = start.elapsed();
    let start = std::time::Instant::now();
    let _ = documents();
    let first = start.elapsed();
    let start = std::time::Instant::now();
    let _ = documents();
    let again = start.elapsed();
    eprintln!("built-in definitions: {definitions:?}; Documents::build: first {first:?}, again {again:?}");
}
