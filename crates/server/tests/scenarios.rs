//! Every concurrent-edit case of `../shared/scenarios/` through the edit protocol against a
//! sandbox: create `base`, save `theirs` from it (or delete it), save `mine` from the same
//! `base`, then check the outcome and the live object as the case expects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use concord_sandbox::{Config, Sandbox};
use concord_server::{Cluster, EditOutcome, EditRequest, edit};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, PostParams};
use serde_json::{Value, json};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios")
}

async fn client(kubeconfig: &Path) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.unwrap();
    kube::Client::try_from(config).unwrap()
}

/// The API for an object's kind, where the sandbox serves it.
async fn api_for(client: &kube::Client, object: &Value) -> Api<DynamicObject> {
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, object["kind"].as_str().unwrap());
    // A CRD just created takes a moment to be served.
    let mut found = None;
    for _ in 0..50 {
        if let Ok(f) = kube::discovery::pinned_kind(client, &gvk).await {
            found = Some(f);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (resource, capabilities): (ApiResource, _) = found.expect("the kind is served");
    match object.pointer("/metadata/namespace").and_then(Value::as_str) {
        Some(ns) if capabilities.scope == kube::discovery::Scope::Namespaced => {
            Api::namespaced_with(client.clone(), ns, &resource)
        }
        _ => Api::all_with(client.clone(), &resource),
    }
}

async fn create(client: &kube::Client, object: &Value) -> Value {
    let api = api_for(client, object).await;
    let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
    match api.create(&PostParams::default(), &object).await {
        Ok(created) => serde_json::to_value(created).unwrap(),
        Err(kube::Error::Api(status)) if status.code == 409 => json!(null),
        Err(e) => panic!("creating {:?}: {e}", object.metadata.name),
    }
}

fn outcome_name(outcome: &EditOutcome) -> &'static str {
    match outcome {
        EditOutcome::Applied { .. } => "applied",
        EditOutcome::Merged { .. } => "merged",
        EditOutcome::Unchanged { .. } => "unchanged",
        EditOutcome::Conflict { .. } => "conflict",
        EditOutcome::Gone { .. } => "gone",
    }
}

/// Whether every field `theirs` sets has that value in `live` (maps field by field, lists
/// element by element: the server adds defaults to both).
fn keeps(live: Option<&Value>, theirs: &Value) -> bool {
    match (live, theirs) {
        (Some(Value::Object(live)), Value::Object(theirs)) => {
            theirs.iter().all(|(key, value)| keeps(live.get(key), value))
        }
        (Some(Value::Array(live)), Value::Array(theirs)) => {
            live.len() == theirs.len() && live.iter().zip(theirs).all(|(l, t)| keeps(Some(l), t))
        }
        (Some(live), theirs) => live == theirs,
        (None, _) => false,
    }
}

async fn run(name: &str, case: &Value, client: &kube::Client) {
    let cluster = Cluster::new(client.clone());
    if let Some(crd) = case.get("crd") {
        create(client, crd).await;
    }
    let base = &case["base"];
    if let Some(ns) = base.pointer("/metadata/namespace").and_then(Value::as_str) {
        create(client, &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})).await;
    }
    let loaded = create(client, base).await;
    assert!(loaded.is_object(), "{name}: base exists already");

    let theirs = &case["theirs"];
    if theirs == "DELETE" {
        let api = api_for(client, base).await;
        api.delete(base["metadata"]["name"].as_str().unwrap(), &DeleteParams::default()).await.unwrap();
    } else {
        let request = EditRequest {
            cluster: None,
            base: loaded.clone(),
            mine: theirs.clone(),
            resolutions: Vec::new(),
            theirs_resource_version: None,
        };
        let outcome = edit(&cluster, "concord:alice", &request).await.unwrap();
        assert_eq!(outcome_name(&outcome), "applied", "{name}: theirs: {outcome:?}");
    }

    let request = EditRequest {
        cluster: None,
        base: loaded.clone(),
        mine: case["mine"].clone(),
        resolutions: Vec::new(),
        theirs_resource_version: None,
    };
    let outcome = edit(&cluster, "concord:bob", &request).await.unwrap();
    let expect = &case["expect"];
    let allowed: Vec<&str> = match &expect["outcome"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        other => panic!("{name}: bad outcome {other}"),
    };
    assert!(allowed.contains(&outcome_name(&outcome)), "{name}: {outcome:?}, expected {allowed:?}");

    let api = api_for(client, base).await;
    let live = api
        .get_opt(base["metadata"]["name"].as_str().unwrap())
        .await
        .unwrap()
        .map(|o| serde_json::to_value(o).unwrap());
    if let EditOutcome::Conflict { conflicts, .. } = &outcome {
        let reported: Vec<&str> = conflicts.iter().map(|c| c.path.as_str()).collect();
        for path in expect["conflicts"].as_array().into_iter().flatten() {
            assert!(reported.contains(&path.as_str().unwrap()), "{name}: {path} not in {reported:?}");
        }
        assert!(keeps(live.as_ref(), theirs), "{name}: a conflict changed the live object: {live:?}");
    }
    for (pointer, value) in expect["holds"].as_object().into_iter().flatten() {
        let live = live.as_ref().unwrap_or_else(|| panic!("{name}: the object is gone"));
        assert_eq!(live.pointer(pointer), Some(value), "{name}: {pointer} in {live}");
    }
    for pointer in expect["absent"].as_array().into_iter().flatten() {
        let pointer = pointer.as_str().unwrap();
        let found = live.as_ref().and_then(|live| live.pointer(pointer));
        assert!(found.is_none(), "{name}: {pointer} is still there: {found:?}");
    }
    for (pointer, elements) in expect["contains"].as_object().into_iter().flatten() {
        let live = live.as_ref().unwrap_or_else(|| panic!("{name}: the object is gone"));
        let mut have: Vec<String> =
            live.pointer(pointer).and_then(Value::as_array).unwrap().iter().map(Value::to_string).collect();
        let mut want: Vec<String> = elements.as_array().unwrap().iter().map(Value::to_string).collect();
        have.sort();
        want.sort();
        assert_eq!(have, want, "{name}: {pointer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_scenario_holds() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut config = Config::new(&dir.path().join("data"));
    config.kubeconfig = Some(kubeconfig.clone());
    let _sandbox = Sandbox::start(config).await.unwrap();
    let client = client(&kubeconfig).await;

    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("../shared/scenarios is readable")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for (i, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        let mut case: Value = serde_saphyr::from_str(&text).unwrap();
        // Cases reuse names: each gets a namespace of its own.
        for side in ["base", "theirs", "mine"] {
            if let Some(ns) = case.pointer_mut(&format!("/{side}/metadata/namespace")) {
                *ns = json!(format!("case-{i}-{}", ns.as_str().unwrap()));
            }
        }
        run(&file.file_name().unwrap().to_string_lossy(), &case, &client).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolutions_hold_only_against_the_version_they_were_made_on() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut config = Config::new(&dir.path().join("data"));
    config.kubeconfig = Some(kubeconfig.clone());
    let _sandbox = Sandbox::start(config).await.unwrap();
    let client = client(&kubeconfig).await;
    let cluster = Cluster::new(client.clone());
    let object = |mode: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"},
            "data": {"mode": mode}})
    };
    let loaded = create(&client, &object("slow")).await;
    let request =
        |base: &Value, mine: Value, resolutions: Vec<concord_server::Resolution>, version: Option<&str>| {
            EditRequest {
                cluster: None,
                base: base.clone(),
                mine,
                resolutions,
                theirs_resource_version: version.map(str::to_owned),
            }
        };
    let outcome =
        edit(&cluster, "concord:alice", &request(&loaded, object("fast"), vec![], None)).await.unwrap();
    assert_eq!(outcome_name(&outcome), "applied");

    // Bob, from the same base, wants "medium": a conflict on /data/mode.
    let EditOutcome::Conflict { theirs, conflicts } =
        edit(&cluster, "concord:bob", &request(&loaded, object("medium"), vec![], None)).await.unwrap()
    else {
        panic!("expected a conflict")
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].path, "/data/mode");
    let seen = theirs["metadata"]["resourceVersion"].as_str().unwrap().to_owned();
    let take_mine =
        || vec![concord_server::Resolution { path: "/data/mode".into(), take: concord_server::Side::Mine }];

    // Alice writes again before Bob's resolution arrives: it was made on an older version, so
    // it does not hold, and Bob sees the conflict again instead of overwriting unseen work.
    let outcome =
        edit(&cluster, "concord:alice", &request(&theirs, object("turbo"), vec![], None)).await.unwrap();
    assert_eq!(outcome_name(&outcome), "applied");
    let again = edit(&cluster, "concord:bob", &request(&loaded, object("medium"), take_mine(), Some(&seen)))
        .await
        .unwrap();
    let EditOutcome::Conflict { theirs, .. } = again else { panic!("expected a conflict, got {again:?}") };
    assert_eq!(theirs["data"]["mode"], "turbo");

    // Resolved against the version now live, Bob's choice is written, under his name.
    let seen = theirs["metadata"]["resourceVersion"].as_str().unwrap().to_owned();
    let outcome =
        edit(&cluster, "concord:bob", &request(&loaded, object("medium"), take_mine(), Some(&seen)))
            .await
            .unwrap();
    let EditOutcome::Merged { object: live } = outcome else { panic!("expected merged, got {outcome:?}") };
    assert_eq!(live["data"]["mode"], "medium");
    let managers: Vec<&str> = live["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["manager"].as_str())
        .collect();
    assert!(managers.contains(&"concord:bob"), "{managers:?}");

    // An edit that changes nothing is unchanged, and one of another object is refused.
    let outcome = edit(&cluster, "concord:bob", &request(&live, live.clone(), vec![], None)).await.unwrap();
    assert_eq!(outcome_name(&outcome), "unchanged");
    let mut renamed = live.clone();
    renamed["metadata"]["name"] = json!("other");
    let error = edit(&cluster, "concord:bob", &request(&live, renamed, vec![], None)).await.unwrap_err();
    assert_eq!(error.to_string(), "mine must be the same object as base: its metadata.name differs");
    let mut unknown = live.clone();
    unknown["kind"] = json!("Gizmo");
    let error =
        edit(&cluster, "concord:bob", &request(&unknown, unknown.clone(), vec![], None)).await.unwrap_err();
    assert_eq!(error.to_string(), "the cluster serves no kind Gizmo in v1");
}
