//! The edit protocol through Concord's HTTP API against a sandbox: every concurrent-edit case of
//! `../shared/scenarios/` (create `base`, save `theirs` from it or delete it, save `mine` from
//! the same `base`, check the outcome and the live object), resolutions, and bad requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{Harness, api_for, create};
use kube::api::{Api, DeleteParams, DynamicObject};
use serde_json::{Value, json};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/scenarios")
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

async fn run(name: &str, case: &Value, h: &Harness) {
    let client = &h.kube;
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
        let (status, answer) = h.edit(&json!({"cluster": "as-alice", "base": loaded, "mine": theirs})).await;
        assert_eq!((status, answer["outcome"].as_str()), (200, Some("applied")), "{name}: theirs: {answer}");
    }

    let (status, answer) = h.edit(&json!({"cluster": "as-bob", "base": loaded, "mine": case["mine"]})).await;
    let outcome = answer["outcome"].as_str().unwrap_or_default();
    let expect = &case["expect"];
    let allowed: Vec<&str> = match &expect["outcome"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        other => panic!("{name}: bad outcome {other}"),
    };
    assert!(allowed.contains(&outcome), "{name}: {status} {answer}, expected {allowed:?}");
    let expected_status = match outcome {
        "conflict" => 409,
        "gone" => 410,
        _ => 200,
    };
    assert_eq!(status, expected_status, "{name}: {answer}");

    let api = api_for(client, base).await;
    let live = api
        .get_opt(base["metadata"]["name"].as_str().unwrap())
        .await
        .unwrap()
        .map(|o| serde_json::to_value(o).unwrap());
    if outcome == "conflict" {
        let reported: Vec<&str> =
            answer["conflicts"].as_array().unwrap().iter().filter_map(|c| c["path"].as_str()).collect();
        for path in expect["conflicts"].as_array().into_iter().flatten() {
            assert!(reported.contains(&path.as_str().unwrap()), "{name}: {path} not in {reported:?}");
        }
        assert!(keeps(live.as_ref(), theirs), "{name}: a conflict changed the live object: {live:?}");
    }
    if let Some(object) = answer.get("object") {
        assert_eq!(Some(object), live.as_ref(), "{name}: the answer's object is the live one");
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
    let h = Harness::start().await;
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
        run(&file.file_name().unwrap().to_string_lossy(), &case, &h).await;
    }
}

fn config_map(mode: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"},
        "data": {"mode": mode}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolutions_hold_only_against_the_version_they_were_made_on() {
    let h = Harness::start().await;
    let loaded = create(&h.kube, &config_map("slow")).await;
    let (status, _) = h.edit(&json!({"base": loaded, "mine": config_map("fast")})).await;
    assert_eq!(status, 200);

    // Bob, from the same base, wants "medium": a conflict on /data/mode.
    let bob = |resolved: Option<&str>| {
        let mut body = json!({"cluster": "as-bob", "base": loaded, "mine": config_map("medium")});
        if let Some(version) = resolved {
            body["resolutions"] = json!([{"path": "/data/mode", "take": "mine"}]);
            body["theirsResourceVersion"] = json!(version);
        }
        body
    };
    let (status, answer) = h.edit(&bob(None)).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(
        answer["conflicts"],
        json!([{"path": "/data/mode", "base": "slow", "theirs": "fast", "mine": "medium"}])
    );
    let seen = answer["theirs"]["metadata"]["resourceVersion"].as_str().unwrap().to_owned();

    // Alice writes again before Bob's resolution arrives: made on an older version, it does not
    // hold, and Bob sees the conflict again instead of overwriting work he has not seen.
    let (status, _) = h.edit(&json!({"base": answer["theirs"], "mine": config_map("turbo")})).await;
    assert_eq!(status, 200);
    let (status, again) = h.edit(&bob(Some(&seen))).await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["theirs"]["data"]["mode"], "turbo");

    // Resolved against the version now live, Bob's choice is written, under his name.
    let seen = again["theirs"]["metadata"]["resourceVersion"].as_str().unwrap().to_owned();
    let (status, done) = h.edit(&bob(Some(&seen))).await;
    assert_eq!((status, done["outcome"].as_str()), (200, Some("merged")), "{done}");
    let live = &done["object"];
    assert_eq!(live["data"]["mode"], "medium");
    let managers: Vec<&str> = live["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    // Bob took the one field Alice owned: her entry is gone, his is there.
    assert!(managers.contains(&"concord:bob") && !managers.contains(&"concord:alice"), "{managers:?}");

    // Saving what is already there changes nothing.
    let (status, same) = h.edit(&json!({"base": live, "mine": live})).await;
    assert_eq!((status, same["outcome"].as_str()), (200, Some("unchanged")), "{same}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_answers_and_write_nothing() {
    let h = Harness::start().await;
    let loaded = create(&h.kube, &config_map("slow")).await;
    let version = || async {
        let api: Api<DynamicObject> = api_for(&h.kube, &config_map("")).await;
        api.get("c").await.unwrap().metadata.resource_version.unwrap()
    };
    let before = version().await;
    let post = |body: reqwest::Body, csrf: bool| {
        let mut request = h.http.post(format!("{}/api/v1/edit", h.url)).body(body);
        if csrf {
            request = request.header("x-concord-csrf", "1");
        }
        h.send(request)
    };
    let valid = json!({"base": loaded, "mine": config_map("fast")}).to_string();

    let (status, answer) = post(valid.clone().into(), false).await;
    assert_eq!((status, answer["outcome"].as_str()), (403, Some("forbidden")), "{answer}");
    assert_eq!(answer["message"], "a POST needs the header x-concord-csrf: 1");
    let (status, answer) = post("{\"base\": ".into(), true).await;
    assert_eq!((status, answer["outcome"].as_str()), (400, Some("invalid")), "{answer}");
    assert!(answer["message"].as_str().unwrap().starts_with("the request body does not parse"), "{answer}");
    let (status, answer) = post("base: [unclosed".into(), true).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = post(vec![b' '; 20 << 20].into(), true).await;
    assert_eq!((status, answer["message"].as_str()), (413, Some("the request body is larger than 8 MiB")));
    let (status, answer) = post(json!({"base": loaded}).to_string().into(), true).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("missing field `mine`"), "{answer}");
    let (status, answer) =
        post(json!({"cluster": "nowhere", "base": loaded, "mine": loaded}).to_string().into(), true).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["message"], "no cluster \"nowhere\"; known: [\"as-alice\", \"as-bob\"]");
    let mut gizmo = loaded.clone();
    gizmo["kind"] = json!("Gizmo");
    let (status, answer) = post(json!({"base": gizmo, "mine": gizmo}).to_string().into(), true).await;
    assert_eq!((status, answer["message"].as_str()), (400, Some("the cluster serves no kind Gizmo in v1")));
    let mut renamed = config_map("fast");
    renamed["metadata"]["name"] = json!("d");
    let (status, answer) = post(json!({"base": loaded, "mine": renamed}).to_string().into(), true).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some("mine must be the same object as base: its metadata.name differs"))
    );
    // The cluster's own refusal, with its code and message: an invalid label value.
    let mut bad_label = config_map("fast");
    bad_label["metadata"]["labels"] = json!({"k": "not valid!"});
    let (status, answer) = post(json!({"base": loaded, "mine": bad_label}).to_string().into(), true).await;
    assert_eq!((status, answer["outcome"].as_str()), (422, Some("invalid")), "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("metadata.labels"), "{answer}");

    assert_eq!(version().await, before, "a refused request wrote something");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_and_deletes_never_overwrite_unseen_work() {
    let h = Harness::start().await;
    let (status, created) = h.post("create", &json!({"object": config_map("slow")})).await;
    assert_eq!((status, created["outcome"].as_str()), (201, Some("created")), "{created}");
    let loaded = created["object"].clone();
    assert_eq!(loaded["metadata"]["managedFields"][0]["manager"], "concord:alice");
    let (status, again) =
        h.post("create", &json!({"cluster": "as-bob", "object": config_map("other")})).await;
    assert_eq!((status, again["outcome"].as_str()), (409, Some("exists")), "{again}");
    assert_eq!(again["theirs"]["data"]["mode"], "slow");

    // Someone edits it: a delete of the version loaded before is refused, and nothing is lost.
    let (status, _) = h.edit(&json!({"base": loaded, "mine": config_map("fast")})).await;
    assert_eq!(status, 200);
    let (status, stale) = h.post("delete", &json!({"cluster": "as-bob", "base": loaded})).await;
    assert_eq!((status, stale["outcome"].as_str()), (409, Some("changed")), "{stale}");
    assert_eq!(stale["theirs"]["data"]["mode"], "fast");
    let (status, deleted) = h.post("delete", &json!({"cluster": "as-bob", "base": stale["theirs"]})).await;
    assert_eq!((status, deleted["outcome"].as_str()), (200, Some("deleted")), "{deleted}");
    let (status, gone) = h.post("delete", &json!({"base": stale["theirs"]})).await;
    assert_eq!(
        (status, gone["outcome"].as_str(), gone["reason"].as_str()),
        (410, Some("gone"), Some("deleted"))
    );

    // Re-created under the same name, it is another object: a delete of the old one is refused.
    let (status, _) = h.post("create", &json!({"object": config_map("new")})).await;
    assert_eq!(status, 201);
    let (status, replaced) = h.post("delete", &json!({"base": stale["theirs"]})).await;
    assert_eq!((status, replaced["reason"].as_str()), (410, Some("replaced")), "{replaced}");
    assert_eq!(replaced["theirs"]["data"]["mode"], "new");
    let (status, invalid) = h.post("create", &json!({"object": {"kind": "ConfigMap"}})).await;
    assert_eq!(
        (status, invalid["message"].as_str()),
        (400, Some("the object needs apiVersion, kind and metadata.name"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_change_merges_into_an_edit_without_writing() {
    let h = Harness::start().await;
    let base = create(&h.kube, &config_map("slow")).await;
    // Alice adds a key; Bob, still editing from base, changes the mode and adds a label.
    let mut alice = base.clone();
    alice["data"]["owner"] = json!("alice");
    let (status, saved) = h.edit(&json!({"base": base, "mine": alice})).await;
    assert_eq!(status, 200);
    let theirs = saved["object"].clone();
    let mut mine = base.clone();
    mine["data"]["mode"] = json!("fast");
    mine["metadata"]["labels"] = json!({"team": "bob"});

    let (status, merged) = h.post("merge", &json!({"base": base, "theirs": theirs, "mine": mine})).await;
    assert_eq!((status, merged["outcome"].as_str()), (200, Some("merged")), "{merged}");
    let object = &merged["object"];
    assert_eq!(object["data"], json!({"mode": "fast", "owner": "alice"}));
    assert_eq!(object["metadata"]["labels"], json!({"team": "bob"}));
    // Based on theirs now: its version and uid, so saving it is a plain patch against it.
    assert_eq!(object["metadata"]["resourceVersion"], theirs["metadata"]["resourceVersion"]);
    assert_eq!(object["metadata"]["uid"], theirs["metadata"]["uid"]);
    let (_, live) = h.get("clusters/as-alice/objects/core/v1/configmaps/c?namespace=default", &[]).await;
    assert_eq!(live["metadata"]["resourceVersion"], theirs["metadata"]["resourceVersion"], "nothing written");
    let (status, saved) = h.edit(&json!({"base": theirs, "mine": object})).await;
    assert_eq!((status, saved["outcome"].as_str()), (200, Some("applied")), "{saved}");
    assert_eq!(saved["object"]["data"], json!({"mode": "fast", "owner": "alice"}));

    // Both changed the mode: the conflict, then the user's choice applied.
    let base = saved["object"].clone();
    let mut alice = base.clone();
    alice["data"]["mode"] = json!("turbo");
    let (_, saved) = h.edit(&json!({"base": base, "mine": alice})).await;
    let theirs = saved["object"].clone();
    let mut mine = base.clone();
    mine["data"]["mode"] = json!("medium");
    let request = json!({"base": base, "theirs": theirs, "mine": mine});
    let (status, conflict) = h.post("merge", &request).await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(
        conflict["conflicts"],
        json!([{"path": "/data/mode", "base": "fast", "theirs": "turbo", "mine": "medium"}])
    );
    for (take, expected) in [("mine", "medium"), ("theirs", "turbo")] {
        let mut resolved = request.clone();
        resolved["resolutions"] = json!([{"path": "/data/mode", "take": take}]);
        let (status, merged) = h.post("merge", &resolved).await;
        assert_eq!((status, &merged["object"]["data"]["mode"]), (200, &json!(expected)), "{merged}");
    }

    // Another object of that name, or another object altogether.
    let mut replaced = theirs.clone();
    replaced["metadata"]["uid"] = json!("someone-else");
    let (status, gone) = h.post("merge", &json!({"base": base, "theirs": replaced, "mine": mine})).await;
    assert_eq!((status, gone["reason"].as_str()), (410, Some("replaced")), "{gone}");
    let mut other = theirs.clone();
    other["metadata"]["name"] = json!("d");
    let (status, refused) = h.post("merge", &json!({"base": base, "theirs": other, "mine": mine})).await;
    assert_eq!((status, refused["outcome"].as_str()), (400, Some("invalid")), "{refused}");
    let (_, live) = h.get("clusters/as-alice/objects/core/v1/configmaps/c?namespace=default", &[]).await;
    assert_eq!(live["data"]["mode"], "turbo", "merging never writes");
}
