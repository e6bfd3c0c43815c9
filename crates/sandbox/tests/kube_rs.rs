//! kube-rs, unmodified, against the sandbox: typed and dynamic `Api`s for CRUD, selectors,
//! pagination, every patch type, server-side apply conflicts, preconditions, subresources,
//! custom resources, dry runs, and watches (raw streams, a reflector kept in sync across many
//! concurrent writes, and 410 Expired after a restart).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
    PostParams, Preconditions, WatchEvent, WatchParams,
};
use kube::core::Status;
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Client, ResourceExt};
use serde_json::json;

/// A kube-rs client for a sandbox, built from the kubeconfig the sandbox wrote.
async fn client(kubeconfig: &std::path::Path) -> Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).expect("kubeconfig reads");
    let config =
        kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.expect("kube config");
    Client::try_from(config).expect("client")
}

/// The `Status` of a failed kube-rs call.
fn api_error<T: std::fmt::Debug>(result: Result<T, kube::Error>) -> Box<Status> {
    match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn config_map(name: &str, labels: &[(&str, &str)], data: &[(&str, &str)]) -> ConfigMap {
    serde_json::from_value(json!({
        "metadata": {
            "name": name,
            "labels": labels.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        },
        "data": data.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
    }))
    .unwrap()
}

fn deployment(name: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [
                    {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                    {"name": "sidecar", "image": "busybox:1.36"},
                ]},
            },
        },
    }))
    .unwrap()
}

fn names<K: ResourceExt>(items: &[K]) -> Vec<String> {
    items.iter().map(ResourceExt::name_any).collect()
}

fn rv<K: ResourceExt>(object: &K) -> u64 {
    object.resource_version().expect("resourceVersion").parse().expect("numeric resourceVersion")
}

#[tokio::test]
async fn create_get_list_with_selectors_and_pagination() {
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");

    let created = cms
        .create(&PostParams::default(), &config_map("solo", &[("app", "x")], &[("k", "v")]))
        .await
        .unwrap();
    assert_eq!(created.metadata.namespace.as_deref(), Some("default"));
    assert!(created.metadata.uid.as_deref().is_some_and(|u| !u.is_empty()));
    assert!(created.metadata.creation_timestamp.is_some());
    let fetched = cms.get("solo").await.unwrap();
    assert_eq!(fetched.metadata.uid, created.metadata.uid);
    assert_eq!(fetched.resource_version(), created.resource_version());
    assert_eq!(fetched.data.unwrap()["k"], "v");

    // A second create of the same name is AlreadyExists.
    let status = api_error(cms.create(&PostParams::default(), &config_map("solo", &[], &[])).await);
    assert_eq!((status.code, status.reason.as_str()), (409, "AlreadyExists"));
    assert_eq!(status.message, "configmaps \"solo\" already exists");

    for i in 0..25 {
        let tier = if i % 3 == 0 { "front" } else { "back" };
        cms.create(
            &PostParams::default(),
            &config_map(&format!("cm-{i:02}"), &[("batch", "b"), ("tier", tier)], &[]),
        )
        .await
        .unwrap();
    }
    // The sandbox seeds no ConfigMaps (nothing publishes kube-root-ca.crt): these 26 are all.
    let all = cms.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 26);

    let front = cms.list(&ListParams::default().labels("tier=front")).await.unwrap();
    let expected: Vec<String> = (0..25).filter(|i| i % 3 == 0).map(|i| format!("cm-{i:02}")).collect();
    assert_eq!(names(&front.items), expected);
    let set = cms.list(&ListParams::default().labels("tier in (front,back),batch")).await.unwrap();
    assert_eq!(set.items.len(), 25);
    let without = cms.list(&ListParams::default().labels("!batch")).await.unwrap();
    assert_eq!(names(&without.items), ["solo"]);
    let not_back = cms.list(&ListParams::default().labels("batch=b,tier!=back")).await.unwrap();
    assert_eq!(names(&not_back.items), expected);

    let one = cms.list(&ListParams::default().fields("metadata.name=cm-07")).await.unwrap();
    assert_eq!(names(&one.items), ["cm-07"]);
    let others =
        cms.list(&ListParams::default().fields("metadata.name!=solo").labels("tier=front")).await.unwrap();
    assert_eq!(names(&others.items), expected);
    let in_ns = cms.list(&ListParams::default().fields("metadata.namespace=default")).await.unwrap();
    assert_eq!(in_ns.items.len(), 26);

    // limit + continue: pages of 10 over a consistent snapshot, in name order.
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    let mut snapshot = None;
    loop {
        let mut params = ListParams::default().labels("batch=b").limit(10);
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        let page = cms.list(&params).await.unwrap();
        assert!(page.items.len() <= 10);
        snapshot.get_or_insert(page.metadata.resource_version.clone());
        // Writes between pages do not show up in later pages of the same list.
        cms.create(
            &PostParams::default(),
            &config_map(&format!("late-{}", pages.len()), &[("batch", "b")], &[]),
        )
        .await
        .unwrap();
        pages.push(names(&page.items));
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
    let listed: Vec<String> = pages.concat();
    let all_batch: Vec<String> = (0..25).map(|i| format!("cm-{i:02}")).collect();
    assert_eq!(listed, all_batch);

    // Without a selector the server knows how many items remain.
    let first = cms.list(&ListParams::default().limit(10)).await.unwrap();
    assert_eq!(first.items.len(), 10);
    let total = cms.list(&ListParams::default()).await.unwrap().items.len() as i64;
    assert_eq!(first.metadata.remaining_item_count, Some(total - 10));
}

#[tokio::test]
async fn replace_with_a_stale_resource_version_is_a_conflict() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let original = cms.create(&PostParams::default(), &config_map("rmw", &[], &[("n", "0")])).await.unwrap();

    let mut first = original.clone();
    first.data = Some(BTreeMap::from([("n".to_string(), "1".to_string())]));
    let replaced = cms.replace("rmw", &PostParams::default(), &first).await.unwrap();
    assert!(rv(&replaced) > rv(&original));
    assert_eq!(replaced.metadata.uid, original.metadata.uid);

    let mut stale = original.clone();
    stale.data = Some(BTreeMap::from([("n".to_string(), "2".to_string())]));
    let status = api_error(cms.replace("rmw", &PostParams::default(), &stale).await);
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert!(status.is_conflict());
    assert_eq!(
        status.message,
        "Operation cannot be fulfilled on configmaps \"rmw\": the object has been modified; please apply your changes to the latest version and try again"
    );
    let details = status.details.as_ref().expect("details");
    assert_eq!((details.name.as_str(), details.kind.as_str()), ("rmw", "configmaps"));
    assert_eq!(cms.get("rmw").await.unwrap().data.unwrap()["n"], "1");

    // Replacing an object that does not exist is NotFound.
    let mut missing = config_map("missing", &[], &[]);
    missing.metadata.resource_version = Some(replaced.resource_version().unwrap());
    let status = api_error(cms.replace("missing", &PostParams::default(), &missing).await);
    assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
    assert_eq!(status.message, "configmaps \"missing\" not found");
}

#[tokio::test]
async fn merge_json_and_strategic_patches() {
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    cms.create(&PostParams::default(), &config_map("p", &[("a", "1")], &[("x", "1"), ("y", "2")]))
        .await
        .unwrap();

    let merged = cms
        .patch(
            "p",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"x": null, "z": "3"}, "metadata": {"labels": {"b": "2"}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        merged.data.clone().unwrap(),
        BTreeMap::from([("y".into(), "2".into()), ("z".into(), "3".into())])
    );
    assert_eq!(merged.labels().get("b").map(String::as_str), Some("2"));

    let json_patch = Patch::<()>::Json(
        serde_json::from_value(json!([
            {"op": "test", "path": "/data/y", "value": "2"},
            {"op": "replace", "path": "/data/y", "value": "20"},
            {"op": "add", "path": "/data/w", "value": "4"},
            {"op": "remove", "path": "/metadata/labels/a"},
        ]))
        .unwrap(),
    );
    let patched = cms.patch("p", &PatchParams::default(), &json_patch).await.unwrap();
    let data = patched.data.clone().unwrap();
    assert_eq!((data["y"].as_str(), data["w"].as_str()), ("20", "4"));
    assert!(!patched.labels().contains_key("a"));
    assert!(rv(&patched) > rv(&merged));

    // A failing json-patch test writes nothing and is 422.
    let failing = Patch::<()>::Json(
        serde_json::from_value(json!([{"op": "test", "path": "/data/y", "value": "nope"}])).unwrap(),
    );
    let status = api_error(cms.patch("p", &PatchParams::default(), &failing).await);
    assert_eq!(status.code, 422, "{status:?}");
    assert_eq!(cms.get("p").await.unwrap().resource_version(), patched.resource_version());

    // Strategic merge: containers merge by name, a $patch: delete removes one.
    let deployments: Api<Deployment> = Api::namespaced(client, "default");
    deployments.create(&PostParams::default(), &deployment("web", 2)).await.unwrap();
    let strategic = Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "image": "nginx:1.28"},
        {"name": "sidecar", "$patch": "delete"},
        {"name": "logger", "image": "fluentd:1"},
    ]}}}}));
    let patched = deployments.patch("web", &PatchParams::default(), &strategic).await.unwrap();
    let containers = patched.spec.unwrap().template.spec.unwrap().containers;
    let mut pairs: Vec<(String, Option<String>)> =
        containers.iter().map(|c| (c.name.clone(), c.image.clone())).collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("logger".to_string(), Some("fluentd:1".to_string())),
            ("web".to_string(), Some("nginx:1.28".to_string()))
        ]
    );
    // The merge kept fields the patch did not mention.
    let web = containers.iter().find(|c| c.name == "web").unwrap();
    assert_eq!(web.ports.as_ref().unwrap()[0].container_port, 80);
}

#[tokio::test]
async fn server_side_apply_conflicts_force_and_managed_fields() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let intent = |data: serde_json::Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": data});

    let a = cms
        .patch(
            "ssa",
            &PatchParams::apply("mgr-a"),
            &Patch::Apply(intent(json!({"shared": "a", "own-a": "1"}))),
        )
        .await
        .unwrap();
    assert_eq!(a.data.clone().unwrap()["shared"], "a");

    let status = api_error(
        cms.patch("ssa", &PatchParams::apply("mgr-b"), &Patch::Apply(intent(json!({"shared": "b"})))).await,
    );
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert_eq!(status.message, "Apply failed with 1 conflict: conflict with \"mgr-a\": .data.shared");
    let causes = &status.details.as_ref().expect("details").causes;
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].reason, "FieldManagerConflict");
    assert_eq!(causes[0].field, ".data.shared");
    assert_eq!(
        cms.get("ssa").await.unwrap().resource_version(),
        a.resource_version(),
        "a conflict writes nothing"
    );

    let forced = cms
        .patch(
            "ssa",
            &PatchParams::apply("mgr-b").force(),
            &Patch::Apply(intent(json!({"shared": "b", "own-b": "2"}))),
        )
        .await
        .unwrap();
    let data = forced.data.clone().unwrap();
    assert_eq!((data["shared"].as_str(), data["own-a"].as_str(), data["own-b"].as_str()), ("b", "1", "2"));

    let managed = forced.metadata.managed_fields.clone().unwrap();
    let fields_of = |manager: &str| -> serde_json::Value {
        let entry = managed
            .iter()
            .find(|m| m.manager.as_deref() == Some(manager))
            .unwrap_or_else(|| panic!("{manager} missing: {managed:?}"));
        assert_eq!(entry.operation.as_deref(), Some("Apply"));
        assert_eq!(entry.api_version.as_deref(), Some("v1"));
        assert_eq!(entry.fields_type.as_deref(), Some("FieldsV1"));
        entry.fields_v1.as_ref().unwrap().0.clone()
    };
    let a_fields = fields_of("mgr-a");
    let b_fields = fields_of("mgr-b");
    assert!(a_fields.pointer("/f:data/f:own-a").is_some(), "{a_fields}");
    assert!(
        a_fields.pointer("/f:data/f:shared").is_none(),
        "forced apply took .data.shared from mgr-a: {a_fields}"
    );
    assert!(
        b_fields.pointer("/f:data/f:shared").is_some() && b_fields.pointer("/f:data/f:own-b").is_some(),
        "{b_fields}"
    );

    // mgr-a re-applying without `shared` gives up nothing it does not own; own-a stays.
    let again = cms
        .patch("ssa", &PatchParams::apply("mgr-a"), &Patch::Apply(intent(json!({"own-a": "1"}))))
        .await
        .unwrap();
    assert_eq!(again.data.unwrap()["shared"], "b");

    // An update through a non-apply write is recorded as an Update by its field manager.
    let pp = PatchParams { field_manager: Some("editor".into()), ..PatchParams::default() };
    let edited = cms.patch("ssa", &pp, &Patch::Merge(json!({"data": {"edited": "yes"}}))).await.unwrap();
    let editor = edited
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .find(|m| m.manager.as_deref() == Some("editor"))
        .expect("editor entry");
    assert_eq!(editor.operation.as_deref(), Some("Update"));
}

#[tokio::test]
async fn delete_preconditions_and_delete_collection() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let created = cms.create(&PostParams::default(), &config_map("d", &[], &[])).await.unwrap();
    let uid = created.uid().unwrap();

    let wrong_uid = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some("00000000-0000-0000-0000-000000000000".into()),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    let status = api_error(cms.delete("d", &wrong_uid).await);
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        status.message,
        format!(
            "Operation cannot be fulfilled on configmaps \"d\": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: {uid}"
        )
    );
    let wrong_rv = DeleteParams {
        preconditions: Some(Preconditions { uid: None, resource_version: Some("1".into()) }),
        ..DeleteParams::default()
    };
    let status = api_error(cms.delete("d", &wrong_rv).await);
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        status.message,
        format!(
            "Operation cannot be fulfilled on configmaps \"d\": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: {}",
            created.resource_version().unwrap()
        )
    );
    assert!(cms.get_opt("d").await.unwrap().is_some(), "failed preconditions delete nothing");

    let right = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some(uid.clone()),
            resource_version: created.resource_version(),
        }),
        ..DeleteParams::default()
    };
    cms.delete("d", &right).await.unwrap();
    assert!(cms.get_opt("d").await.unwrap().is_none());
    let status = api_error(cms.delete("d", &DeleteParams::default()).await);
    assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));

    for i in 0..6 {
        let group = if i < 4 { "drop" } else { "keep" };
        cms.create(&PostParams::default(), &config_map(&format!("c{i}"), &[("group", group)], &[]))
            .await
            .unwrap();
    }
    let deleted = cms
        .delete_collection(&DeleteParams::default(), &ListParams::default().labels("group=drop"))
        .await
        .unwrap();
    // kube-apiserver answers the list of deleted objects.
    let list = deleted.left().expect("the deleted objects");
    assert_eq!(names(&list.items), ["c0", "c1", "c2", "c3"]);
    let left = cms.list(&ListParams::default()).await.unwrap();
    assert_eq!(names(&left.items), ["c4", "c5"]);
}

/// kube-apiserver answers the delete of an object that is gone at once (no finalizers) with a
/// `Status` of kind Success for most resources (its registry's `ReturnDeletedObject` is false;
/// pods are an exception): kube-rs reports that as `Right(Status)`, which clients use to tell
/// "deleted" from "deletion started".
#[tokio::test]
async fn delete_of_a_configmap_answers_a_success_status() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let created = cms.create(&PostParams::default(), &config_map("gone", &[], &[])).await.unwrap();
    let answer = cms.delete("gone", &DeleteParams::default()).await.unwrap();
    assert!(answer.is_right(), "expected a Status, got {answer:?}");
    let status = answer.right().unwrap();
    assert!(status.is_success());
    let details = status.details.expect("details");
    assert_eq!((details.name.as_str(), details.kind.as_str()), ("gone", "configmaps"));
    assert_eq!(details.uid, created.uid().unwrap());
}

#[tokio::test]
async fn namespaced_writes_need_an_existing_namespace() {
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let missing: Api<ConfigMap> = Api::namespaced(client.clone(), "nowhere");
    let status = api_error(missing.create(&PostParams::default(), &config_map("x", &[], &[])).await);
    assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
    assert_eq!(status.message, "namespaces \"nowhere\" not found");

    let namespaces: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": "nowhere"}})).unwrap();
    let ns = namespaces.create(&PostParams::default(), &ns).await.unwrap();
    assert_eq!(ns.status.unwrap().phase.as_deref(), Some("Active"));
    missing.create(&PostParams::default(), &config_map("x", &[], &[])).await.unwrap();
    // The same name in another namespace is another object.
    let default: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    default.create(&PostParams::default(), &config_map("x", &[], &[])).await.unwrap();
    let everywhere: Api<ConfigMap> = Api::all(client);
    let all = everywhere.list(&ListParams::default().fields("metadata.name=x")).await.unwrap();
    let mut where_: Vec<String> = all.items.iter().map(|c| c.namespace().unwrap()).collect();
    where_.sort();
    assert_eq!(where_, ["default", "nowhere"]);
}

#[tokio::test]
async fn deployment_scale_status_and_generation() {
    let ts = common::start().await;
    let deployments: Api<Deployment> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let created = deployments.create(&PostParams::default(), &deployment("web", 2)).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));

    let scale = deployments.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.as_ref().unwrap().replicas, Some(2));
    assert_eq!(scale.metadata.name.as_deref(), Some("web"));
    assert_eq!(scale.status.as_ref().unwrap().selector.as_deref(), Some("app=web"));
    let scaled = deployments
        .patch_scale("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 5}})))
        .await
        .unwrap();
    assert_eq!(scaled.spec.unwrap().replicas, Some(5));
    let after_scale = deployments.get("web").await.unwrap();
    assert_eq!(after_scale.spec.as_ref().unwrap().replicas, Some(5));
    assert_eq!(after_scale.metadata.generation, Some(2), "a replica change is a spec change");
    let status = api_error(
        deployments
            .patch_scale("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": -1}})))
            .await,
    );
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));

    // Status only through status: a status write ignores spec changes and keeps the generation.
    let mut through_status = after_scale.clone();
    through_status.spec.as_mut().unwrap().replicas = Some(9);
    through_status.status = Some(
        serde_json::from_value(json!({"replicas": 5, "readyReplicas": 3, "observedGeneration": 2})).unwrap(),
    );
    let written = deployments.replace_status("web", &PostParams::default(), &through_status).await.unwrap();
    assert_eq!(written.spec.as_ref().unwrap().replicas, Some(5), "spec changes through status are ignored");
    assert_eq!(written.status.as_ref().unwrap().ready_replicas, Some(3));
    assert_eq!(written.metadata.generation, Some(2));

    let patched = deployments
        .patch_status(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"readyReplicas": 5}, "spec": {"replicas": 1}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.status.as_ref().unwrap().ready_replicas, Some(5));
    assert_eq!(patched.spec.as_ref().unwrap().replicas, Some(5));
    assert_eq!(patched.metadata.generation, Some(2));

    // ...and a main-resource write ignores status changes.
    let mut main = patched.clone();
    main.status.as_mut().unwrap().ready_replicas = Some(0);
    main.metadata.labels.get_or_insert_with(Default::default).insert("touched".into(), "yes".into());
    let relabelled = deployments.replace("web", &PostParams::default(), &main).await.unwrap();
    assert_eq!(relabelled.status.as_ref().unwrap().ready_replicas, Some(5));
    assert_eq!(relabelled.metadata.generation, Some(2), "a metadata change does not bump generation");
    assert_eq!(relabelled.labels().get("touched").map(String::as_str), Some("yes"));

    let mut respec = relabelled.clone();
    respec.spec.as_mut().unwrap().min_ready_seconds = Some(10);
    let respecced = deployments.replace("web", &PostParams::default(), &respec).await.unwrap();
    assert_eq!(respecced.metadata.generation, Some(3));
}

#[tokio::test]
async fn custom_resources_through_dynamic_objects() {
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {
                        "size": {"type": "integer"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    }},
                    "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}},
                }}},
            }],
        },
    }))
    .unwrap();
    crds.create(&PostParams::default(), &crd).await.unwrap();
    let crd = crds.get("widgets.example.com").await.unwrap();
    let conditions = crd.status.unwrap().conditions.unwrap();
    assert!(conditions.iter().any(|c| c.type_ == "Established" && c.status == "True"));

    let gvk = GroupVersionKind::gvk("example.com", "v1", "Widget");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "widgets");
    let widgets: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &ar);
    let w = DynamicObject::new("w1", &ar).data(json!({"spec": {"size": 3, "tags": ["a"]}}));
    let created = widgets.create(&PostParams::default(), &w).await.unwrap();
    assert_eq!(created.data["spec"]["size"], 3);
    assert_eq!(created.metadata.generation, Some(1));
    let types = created.types.clone().unwrap();
    assert_eq!((types.api_version.as_str(), types.kind.as_str()), ("example.com/v1", "Widget"));

    let merged = widgets
        .patch("w1", &PatchParams::default(), &Patch::Merge(json!({"spec": {"size": 4}})))
        .await
        .unwrap();
    assert_eq!(merged.data["spec"], json!({"size": 4, "tags": ["a"]}));
    assert_eq!(merged.metadata.generation, Some(2));
    let json_patched = widgets
        .patch(
            "w1",
            &PatchParams::default(),
            &Patch::<()>::Json(
                serde_json::from_value(json!([{"op": "add", "path": "/spec/tags/-", "value": "b"}])).unwrap(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(json_patched.data["spec"]["tags"], json!(["a", "b"]));

    // Custom resources have no strategic-merge metadata: 415, as kube-apiserver answers.
    let status = api_error(
        widgets.patch("w1", &PatchParams::default(), &Patch::Strategic(json!({"spec": {"size": 5}}))).await,
    );
    assert_eq!((status.code, status.reason.as_str()), (415, "UnsupportedMediaType"));
    assert_eq!(
        status.message,
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    );

    let applied = widgets
        .patch("w2", &PatchParams::apply("mgr"), &Patch::Apply(json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w2"}, "spec": {"size": 1}})))
        .await
        .unwrap();
    assert_eq!(applied.data["spec"]["size"], 1);
    let status_written = widgets
        .patch_status("w2", &PatchParams::default(), &Patch::Merge(json!({"status": {"ready": true}})))
        .await
        .unwrap();
    assert_eq!(status_written.data["status"]["ready"], true);
    assert_eq!(status_written.metadata.generation, Some(1));

    let listed = widgets.list(&ListParams::default()).await.unwrap();
    assert_eq!(names(&listed.items), ["w1", "w2"]);
    widgets.delete("w1", &DeleteParams::default()).await.unwrap();
    assert!(widgets.get_opt("w1").await.unwrap().is_none());

    // A type error in a custom resource is refused.
    let bad = DynamicObject::new("w3", &ar).data(json!({"spec": {"size": "big"}}));
    let status = api_error(widgets.create(&PostParams::default(), &bad).await);
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"), "{status:?}");
    assert!(widgets.get_opt("w3").await.unwrap().is_none());
}

#[tokio::test]
async fn dry_run_writes_nothing() {
    let ts = common::start().await;
    let store = ts.sandbox.api().store().clone();
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let existing = cms.create(&PostParams::default(), &config_map("real", &[], &[("k", "v")])).await.unwrap();
    let before = store.revision();

    let dry = PostParams { dry_run: true, ..PostParams::default() };
    let answered = cms.create(&dry, &config_map("ghost", &[], &[("k", "v")])).await.unwrap();
    assert_eq!(answered.name_any(), "ghost");
    assert!(cms.get_opt("ghost").await.unwrap().is_none());

    let mut changed = existing.clone();
    changed.data = Some(BTreeMap::from([("k".to_string(), "changed".to_string())]));
    let answered = cms.replace("real", &dry, &changed).await.unwrap();
    assert_eq!(answered.data.unwrap()["k"], "changed");

    let dry_patch = PatchParams { dry_run: true, ..PatchParams::default() };
    let answered =
        cms.patch("real", &dry_patch, &Patch::Merge(json!({"data": {"k": "patched"}}))).await.unwrap();
    assert_eq!(answered.data.unwrap()["k"], "patched");
    let answered = cms
        .patch("real", &PatchParams::apply("dry").force().dry_run(), &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "real"}, "data": {"k": "applied"}})))
        .await
        .unwrap();
    assert_eq!(answered.data.unwrap()["k"], "applied");

    cms.delete("real", &DeleteParams { dry_run: true, ..DeleteParams::default() }).await.unwrap();

    assert_eq!(store.revision(), before, "a dry run committed a write");
    let now = cms.get("real").await.unwrap();
    assert_eq!(now.resource_version(), existing.resource_version());
    assert_eq!(now.data.unwrap()["k"], "v");
}

#[tokio::test]
async fn raw_watch_sees_added_modified_deleted_in_order() {
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let other: Api<ConfigMap> = Api::namespaced(client.clone(), "kube-system");
    cms.create(&PostParams::default(), &config_map("w", &[], &[("n", "0")])).await.unwrap();
    // From "0", a watch starts with the current objects as ADDED; read that before writing more
    // so the order of what follows is fixed.
    let mut stream = cms.watch(&WatchParams::default().timeout(30), "0").await.unwrap().boxed();
    let mut seen: Vec<(&'static str, String, u64)> = Vec::new();
    let mut next = async || loop {
        let event = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
            .await
            .expect("event in time")
            .unwrap()
            .expect("stream open");
        let (kind, object) = match event {
            WatchEvent::Added(o) => ("ADDED", o),
            WatchEvent::Modified(o) => ("MODIFIED", o),
            WatchEvent::Deleted(o) => ("DELETED", o),
            WatchEvent::Bookmark(_) => continue,
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        };
        let n = object.data.as_ref().and_then(|d| d.get("n").cloned()).unwrap_or_default();
        assert_eq!(object.name_any(), "w");
        break (kind, n, rv(&object));
    };
    seen.push(next().await);
    // A write in another namespace is not this watch's business.
    other.create(&PostParams::default(), &config_map("elsewhere", &[], &[])).await.unwrap();
    cms.patch("w", &PatchParams::default(), &Patch::Merge(json!({"data": {"n": "1"}}))).await.unwrap();
    cms.patch("w", &PatchParams::default(), &Patch::Merge(json!({"data": {"n": "2"}}))).await.unwrap();
    cms.delete("w", &DeleteParams::default()).await.unwrap();

    while seen.len() < 4 {
        seen.push(next().await);
    }
    let kinds: Vec<(&str, &str)> = seen.iter().map(|(k, n, _)| (*k, n.as_str())).collect();
    assert_eq!(kinds, [("ADDED", "0"), ("MODIFIED", "1"), ("MODIFIED", "2"), ("DELETED", "2")]);
    assert!(seen.windows(2).all(|w| w[0].2 < w[1].2), "resourceVersions increase: {seen:?}");

    // A watch from a version replays exactly what followed it.
    let from = seen[1].2.to_string();
    let mut replay = cms.watch(&WatchParams::default().timeout(30), &from).await.unwrap().boxed();
    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(10), replay.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
        {
            WatchEvent::Modified(o) => kinds.push(("MODIFIED", rv(&o))),
            WatchEvent::Deleted(o) => kinds.push(("DELETED", rv(&o))),
            WatchEvent::Bookmark(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(kinds, [("MODIFIED", seen[2].2), ("DELETED", seen[3].2)]);
}

#[tokio::test]
async fn reflector_stays_in_sync_across_concurrent_writes() {
    const TASKS: usize = 8;
    const WRITES_PER_TASK: usize = 125;
    let ts = common::start().await;
    let client = client(&ts.kubeconfig).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");

    let (reader, writer) = reflector::store::<ConfigMap>();
    let stream = reflector(writer, watcher(cms.clone(), watcher::Config::default())).applied_objects();
    let driver = tokio::spawn(async move {
        futures::pin_mut!(stream);
        while let Some(item) = stream.next().await {
            if let Err(e) = item {
                // The watcher retries by itself; a persistent error shows up as a mismatch below.
                eprintln!("watcher error: {e}");
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(10), reader.wait_until_ready())
        .await
        .expect("reflector ready")
        .unwrap();

    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let cms = cms.clone();
        tasks.push(tokio::spawn(async move {
            let mut live: Vec<String> = Vec::new();
            let mut writes = 0;
            for i in 0..WRITES_PER_TASK {
                match (i % 5, live.len()) {
                    (1 | 3, n) if n > 0 => {
                        let name = &live[i % n];
                        cms.patch(
                            name,
                            &PatchParams::default(),
                            &Patch::Merge(json!({"data": {"i": i.to_string()}})),
                        )
                        .await
                        .unwrap();
                    }
                    (4, n) if n > 0 => {
                        let name = live.remove(i % n);
                        cms.delete(&name, &DeleteParams::default()).await.unwrap();
                    }
                    _ => {
                        let name = format!("t{t}-{i}");
                        cms.create(
                            &PostParams::default(),
                            &config_map(&name, &[("task", &t.to_string())], &[("i", "0")]),
                        )
                        .await
                        .unwrap();
                        live.push(name);
                    }
                }
                writes += 1;
            }
            writes
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    assert_eq!(total, TASKS * WRITES_PER_TASK);

    let fresh = cms.list(&ListParams::default()).await.unwrap();
    let expected: BTreeMap<String, String> =
        fresh.items.iter().map(|c| (c.name_any(), c.resource_version().unwrap())).collect();
    assert!(expected.len() > 100, "the writes leave objects behind: {}", expected.len());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let cached: BTreeMap<String, String> =
            reader.state().iter().map(|c| (c.name_any(), c.resource_version().unwrap())).collect();
        if cached == expected {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            let missing: Vec<_> =
                expected.iter().filter(|(k, v)| cached.get(*k) != Some(v)).take(5).collect();
            let extra: Vec<_> = cached.iter().filter(|(k, _)| !expected.contains_key(*k)).take(5).collect();
            panic!(
                "reflector out of sync: {} cached vs {} listed; differing {missing:?}; extra {extra:?}",
                cached.len(),
                expected.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    driver.abort();
}

#[tokio::test]
async fn watch_from_before_a_restart_is_expired() {
    let ts = common::start().await;
    let common::TestSandbox { sandbox, dir, kubeconfig } = ts;
    let cms: Api<ConfigMap> = Api::namespaced(client(&kubeconfig).await, "default");
    let first = cms.create(&PostParams::default(), &config_map("old", &[], &[])).await.unwrap();
    let latest =
        cms.patch("old", &PatchParams::default(), &Patch::Merge(json!({"data": {"a": "b"}}))).await.unwrap();
    drop(cms);
    sandbox.stop().await;

    // The store's history is in memory: after a restart it starts empty at the recovered
    // revision, so any older version is too old to watch from. `stop` released the store.
    let mut config = concord_sandbox::Config::new(&dir.path().join("data"));
    config.kubeconfig = Some(kubeconfig.clone());
    let sandbox = concord_sandbox::Sandbox::start(config).await.expect("restart on the same data directory");
    let cms: Api<ConfigMap> = Api::namespaced(client(&kubeconfig).await, "default");
    let survived = cms.get("old").await.unwrap();
    assert_eq!(survived.resource_version(), latest.resource_version());

    let mut stream = cms
        .watch(&WatchParams::default().timeout(30), &first.resource_version().unwrap())
        .await
        .unwrap()
        .boxed();
    let event = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
        .await
        .expect("event in time")
        .unwrap()
        .expect("an event");
    match event {
        WatchEvent::Error(status) => {
            assert_eq!((status.code, status.reason.as_str()), (410, "Expired"), "{status:?}");
            assert!(
                status.message.starts_with(&format!("too old resource version: {}", rv(&first))),
                "{}",
                status.message
            );
        }
        other => panic!("expected 410 Expired, got {other:?}"),
    }
    // The revision carries on from where it was.
    let next = cms.create(&PostParams::default(), &config_map("new", &[], &[])).await.unwrap();
    assert!(rv(&next) > rv(&latest));
    sandbox.stop().await;
}

/// kube-rs's other initial-list strategies: paged lists (`page_size`) and streaming lists
/// (`sendInitialEvents` with the `k8s.io/initial-events-end` bookmark), with a label filter.
#[tokio::test]
async fn watcher_paged_and_streaming_initial_lists() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    for i in 0..12 {
        let group = if i % 2 == 0 { "even" } else { "odd" };
        cms.create(&PostParams::default(), &config_map(&format!("s{i:02}"), &[("group", group)], &[]))
            .await
            .unwrap();
    }
    for config in [
        watcher::Config::default().labels("group=even").page_size(2),
        watcher::Config::default().labels("group=even").streaming_lists(),
    ] {
        let (reader, writer) = reflector::store::<ConfigMap>();
        let stream = reflector(writer, watcher(cms.clone(), config)).applied_objects();
        let driver = tokio::spawn(async move {
            futures::pin_mut!(stream);
            while stream.next().await.is_some() {}
        });
        tokio::time::timeout(Duration::from_secs(10), reader.wait_until_ready())
            .await
            .expect("ready")
            .unwrap();
        let mut cached: Vec<String> = reader.state().iter().map(|c| c.name_any()).collect();
        cached.sort();
        assert_eq!(cached, ["s00", "s02", "s04", "s06", "s08", "s10"]);

        // Later changes arrive, and an object leaving the selection leaves the store.
        cms.create(&PostParams::default(), &config_map("late", &[("group", "even")], &[])).await.unwrap();
        cms.patch(
            "s00",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"group": "odd"}}})),
        )
        .await
        .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mut cached: Vec<String> = reader.state().iter().map(|c| c.name_any()).collect();
            cached.sort();
            if cached == ["late", "s02", "s04", "s06", "s08", "s10"] {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "store never caught up: {cached:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        driver.abort();
        // Put the objects back for the next strategy.
        cms.delete("late", &DeleteParams::default()).await.unwrap();
        cms.patch(
            "s00",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"group": "even"}}})),
        )
        .await
        .unwrap();
    }
}

/// kube-apiserver names the manager of a write without `fieldManager` after the prefix of its
/// User-Agent (`managerOrUserAgent`), never after the user; kube-rs sends no User-Agent, so the
/// prefix is empty, which the field manager records as `unknown`.
#[tokio::test]
async fn the_default_manager_comes_from_the_user_agent_only() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let created = cms.create(&PostParams::default(), &config_map("anon", &[], &[("k", "v")])).await.unwrap();
    let managers: Vec<Option<String>> =
        created.metadata.managed_fields.unwrap().into_iter().map(|m| m.manager).collect();
    assert_eq!(managers, [Some("unknown".to_string())]);
}
