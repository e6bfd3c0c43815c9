//! The served OpenAPI document describes the API as it answers: every documented path is
//! routed, and real answers of every outcome validate against the documented schemas.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use serde_json::{Value, json};

/// `schema` with every `#/components/...` reference replaced by what it names (the document
/// has no recursive schemas), so a plain JSON Schema validator can take it.
fn inline(schema: &Value, document: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let target = document
                    .pointer(reference.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("{reference}"));
                return inline(target, document);
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), inline(v, document))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(v, document)).collect()),
        other => other.clone(),
    }
}

/// Checks `body`, answered with `status` by `method path`, against the document.
fn check(document: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let errors = errors(document, method, path, status, body);
    assert!(errors.is_empty(), "{method} {path} {status}: {errors:?}\n{body}");
}

/// What is wrong with `body` as the answer `status` of `method path`.
fn errors(document: &Value, method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
    let operation = &document["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is documented");
    let responses = &operation["responses"];
    let response =
        responses.get(status.to_string()).or_else(|| responses.get("default")).unwrap_or_else(|| {
            panic!("{method} {path} documents {status}");
        });
    let response = inline(response, document);
    let schema = &response["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} {status} has a JSON schema");
    let validator = jsonschema::validator_for(schema).unwrap();
    validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_matches_the_answers() {
    let h = Harness::start().await;
    let (status, document) = h.get("openapi.json", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");

    // Every documented path is routed: a route missing would be axum's bare 404.
    for (path, operations) in document["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{cluster}", "as-alice")
            .replace("{group}", "core")
            .replace("{version}", "v1")
            .replace("{resource}", "configmaps")
            .replace("{namespace}", "default")
            .replace("{pod}", "p")
            .replace("{name}", "n");
        for method in operations.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => h.http.get(format!("{}{concrete}", h.url)),
                "post" => {
                    h.http.post(format!("{}{concrete}", h.url)).header("x-concord-csrf", "1").body("{}")
                }
                "delete" => h.http.delete(format!("{}{concrete}", h.url)).header("x-concord-csrf", "1"),
                other => panic!("undocumented method {other}"),
            };
            let response = request.send().await.unwrap();
            let bare = response.status() == 404 && response.content_length() == Some(0);
            assert!(!bare, "{method} {path} is routed");
        }
    }

    // The edit protocol's outcomes.
    let base = common::create(
        &h.kube,
        &json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "doc", "namespace": "default"}, "data": {"a": "1", "b": "1"}}),
    )
    .await;
    let with = |data: Value| {
        let mut object = base.clone();
        object["data"] = data;
        object
    };
    let edit = "/api/v1/edit";
    let (status, theirs) = h.edit(&json!({"base": base, "mine": with(json!({"a": "2", "b": "1"}))})).await;
    check(&document, "post", edit, status, &theirs);
    assert_eq!(theirs["outcome"], "applied");
    // The schemas do refuse what the protocol does not answer.
    assert!(!errors(&document, "post", edit, 200, &json!({"outcome": "applied"})).is_empty());
    assert!(
        !errors(&document, "post", edit, 200, &json!({"outcome": "conflict", "object": base})).is_empty()
    );
    assert!(
        !errors(
            &document,
            "post",
            edit,
            409,
            &json!({"outcome": "conflict", "theirs": base, "conflicts": []})
        )
        .is_empty()
    );
    let (status, merged) = h.edit(&json!({"base": base, "mine": with(json!({"a": "1", "b": "2"}))})).await;
    assert_eq!(merged["outcome"], "merged");
    check(&document, "post", edit, status, &merged);
    let (status, conflict) = h.edit(&json!({"base": base, "mine": with(json!({"a": "3", "b": "1"}))})).await;
    assert_eq!(conflict["outcome"], "conflict");
    check(&document, "post", edit, status, &conflict);
    let live = &merged["object"];
    let (status, unchanged) = h.edit(&json!({"base": live, "mine": live})).await;
    assert_eq!(unchanged["outcome"], "unchanged");
    check(&document, "post", edit, status, &unchanged);
    let (status, invalid) = h.edit(&json!({"base": live})).await;
    assert_eq!(status, 400);
    check(&document, "post", edit, status, &invalid);

    // Merging someone else's version into an edit: merged, conflict, replaced, refused.
    let merge = "/api/v1/merge";
    let request = |theirs: &Value, mine: Value| json!({"base": base, "theirs": theirs, "mine": mine});
    let (status, combined) =
        h.post("merge", &request(&conflict["theirs"], with(json!({"a": "1", "b": "1", "c": "1"})))).await;
    assert_eq!(combined["outcome"], "merged", "{combined}");
    check(&document, "post", merge, status, &combined);
    let (status, disagree) =
        h.post("merge", &request(&conflict["theirs"], with(json!({"a": "4", "b": "1"})))).await;
    assert_eq!(disagree["outcome"], "conflict");
    check(&document, "post", merge, status, &disagree);
    let mut replaced = conflict["theirs"].clone();
    replaced["metadata"]["uid"] = json!("another");
    let (status, gone) = h.post("merge", &request(&replaced, with(json!({"a": "4", "b": "1"})))).await;
    assert_eq!(gone["outcome"], "gone");
    check(&document, "post", merge, status, &gone);
    let (status, invalid) = h.post("merge", &json!({"base": base})).await;
    assert_eq!(status, 400);
    check(&document, "post", merge, status, &invalid);

    // Create and delete, their refusals, and gone.
    let other = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other", "namespace": "default"}});
    let (status, created) = h.post("create", &json!({"object": other})).await;
    assert_eq!(status, 201);
    check(&document, "post", "/api/v1/create", status, &created);
    let (status, exists) = h.post("create", &json!({"object": other})).await;
    check(&document, "post", "/api/v1/create", status, &exists);
    let (status, changed) = h.post("delete", &json!({"base": base})).await;
    assert_eq!(changed["outcome"], "changed");
    check(&document, "post", "/api/v1/delete", status, &changed);
    let (status, deleted) = h.post("delete", &json!({"base": live})).await;
    assert_eq!(deleted["outcome"], "deleted");
    check(&document, "post", "/api/v1/delete", status, &deleted);
    let (status, gone) = h.edit(&json!({"base": live, "mine": live})).await;
    assert_eq!(gone["outcome"], "gone");
    check(&document, "post", edit, status, &gone);
    let (status, gone) = h.post("delete", &json!({"base": live})).await;
    check(&document, "post", "/api/v1/delete", status, &gone);

    // Reading.
    for path in [
        "/api/v1/session",
        "/api/v1/clusters",
        "/api/v1/clusters/{cluster}/discovery",
        "/api/v1/clusters/{cluster}/objects/{group}/{version}/{resource}",
        "/api/v1/clusters/{cluster}/events",
    ] {
        let concrete = path
            .replace("{cluster}", "as-alice")
            .replace("{group}/{version}/{resource}", "core/v1/configmaps");
        let query = if path.ends_with("events") { "?uid=x" } else { "" };
        let (status, body) = h.get(&format!("{}{query}", concrete.trim_start_matches("/api/v1/")), &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
        check(&document, "get", path, status, &body);
    }
    let (status, missing) =
        h.get("clusters/as-alice/objects/core/v1/configmaps/none?namespace=default", &[]).await;
    check(
        &document,
        "get",
        "/api/v1/clusters/{cluster}/objects/{group}/{version}/{resource}/{name}",
        status,
        &missing,
    );
}
