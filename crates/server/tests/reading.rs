//! The reading API against a sandbox: discovery, lists (one namespace, several, all; selectors;
//! pages; Tables), objects, events, logs, and live updates over server-sent events from one
//! shared watch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::Harness;
use concord_server::auth::{Auth, Sessions};
use serde_json::{Value, json};

fn config_map(namespace: &str, name: &str, tier: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"tier": tier}}, "data": {"k": "v"}})
}

/// Namespaces a, b, c with three ConfigMaps each (tiers front, back, back).
async fn populate(h: &Harness) {
    for namespace in ["a", "b", "c"] {
        common::create(
            &h.kube,
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
        )
        .await;
        for (name, tier) in [("one", "front"), ("two", "back"), ("three", "back")] {
            common::create(&h.kube, &config_map(namespace, name, tier)).await;
        }
    }
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["metadata"]["namespace"].as_str().unwrap_or(""),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

const CONFIGMAPS: &str = "clusters/as-alice/objects/core/v1/configmaps";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_lists_objects_events_and_logs() {
    let h = Harness::start().await;
    populate(&h).await;
    for object in concord_server::demo::objects() {
        common::create(&h.kube, &object).await;
    }

    // Discovery: built-in kinds with their short names, and the demo's CRD.
    let (status, discovery) = h.get("clusters/as-alice/discovery", &[]).await;
    assert_eq!(status, 200, "{discovery}");
    let kinds = discovery["kinds"].as_array().unwrap();
    let find = |kind: &str| {
        kinds.iter().find(|k| k["kind"] == kind).unwrap_or_else(|| panic!("{kind} in {discovery}"))
    };
    let deployments = find("Deployment");
    assert_eq!((&deployments["group"], &deployments["resource"]), (&json!("apps"), &json!("deployments")));
    assert!(deployments["shortNames"].as_array().unwrap().contains(&json!("deploy")));
    assert_eq!(deployments["singular"], "deployment");
    assert!(deployments["subresources"].as_array().unwrap().contains(&json!("scale")));
    assert_eq!(find("Namespace")["namespaced"], false);
    let widgets = find("Widget");
    assert_eq!((&widgets["group"], &widgets["namespaced"]), (&json!("demo.concord.dev"), &json!(true)));

    // One namespace, as the API server answers it; selectors pass through.
    let (status, list) = h.get(&format!("{CONFIGMAPS}?namespace=a&labelSelector=tier%3Dback"), &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), ["a/three", "a/two"]);
    let (_, list) = h.get(&format!("{CONFIGMAPS}?fieldSelector=metadata.name%3Done"), &[]).await;
    let mut all = names(&list);
    all.retain(|n| ["a", "b", "c"].contains(&n.split('/').next().unwrap()));
    assert_eq!(all, ["a/one", "b/one", "c/one"]);

    // Several namespaces, paged four at a time across them.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("{CONFIGMAPS}?namespace=a,c&limit=4");
        if let Some(token) = &token {
            path.push_str(&format!("&continue={token}"));
        }
        let (status, page) = h.get(&path, &[]).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        assert!(page["items"].as_array().unwrap().len() <= 4, "{page}");
        seen.extend(names(&page));
        token = page["metadata"]["continue"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    seen.retain(|n| !n.ends_with("kube-root-ca.crt"));
    assert_eq!(seen, ["a/one", "a/three", "a/two", "c/one", "c/three", "c/two"]);
    assert!(pages >= 2);
    let (status, bad) = h.get(&format!("{CONFIGMAPS}?namespace=a,c&continue=garbage"), &[]).await;
    assert_eq!((status, bad["outcome"].as_str()), (400, Some("invalid")), "{bad}");

    // Tables, for one namespace and joined across two.
    let (_, table) = h.get(&format!("{CONFIGMAPS}?namespace=b&view=table"), &[]).await;
    assert_eq!(table["kind"], "Table", "{table}");
    let columns: Vec<&str> =
        table["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(columns, ["Name", "Data", "Age"]);
    let (_, joined) =
        h.get(&format!("{CONFIGMAPS}?namespace=a,b&view=table&labelSelector=tier%3Dfront"), &[]).await;
    let rows: Vec<&str> =
        joined["rows"].as_array().unwrap().iter().map(|r| r["cells"][0].as_str().unwrap()).collect();
    assert_eq!(rows, ["one", "one"], "{joined}");

    // One object; a missing one is the cluster's 404.
    let (status, object) = h.get(&format!("{CONFIGMAPS}/two?namespace=b"), &[]).await;
    assert_eq!((status, &object["metadata"]["labels"]["tier"]), (200, &json!("back")), "{object}");
    let (status, missing) = h.get(&format!("{CONFIGMAPS}/nine?namespace=b"), &[]).await;
    assert_eq!((status, missing["outcome"].as_str()), (404, Some("notfound")), "{missing}");
    assert_eq!(missing["message"], r#"configmaps "nine" not found"#);
    let (status, _) = h.get("clusters/nowhere/objects/core/v1/configmaps", &[]).await;
    assert_eq!(status, 400);
    let (status, _) = h.get(&format!("{CONFIGMAPS}?view=fancy"), &[]).await;
    assert_eq!(status, 400);

    // The events of an object, and only its.
    let uid = object["metadata"]["uid"].as_str().unwrap();
    for (name, about) in [("ev-1", uid), ("ev-2", "someone-else")] {
        common::create(
            &h.kube,
            &json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": "b"},
            "involvedObject": {"kind": "ConfigMap", "namespace": "b", "name": "two", "uid": about},
            "reason": "Tested", "message": format!("about {about}"), "type": "Normal",
            "lastTimestamp": "2026-11-25T10:00:00Z"}),
        )
        .await;
    }
    let (status, events) = h.get(&format!("clusters/as-alice/events?namespace=b&uid={uid}"), &[]).await;
    assert_eq!(status, 200, "{events}");
    assert_eq!(names(&events), ["b/ev-1"]);

    // Logs: the sandbox runs no containers, and says so; the message reaches the user.
    let (status, logs) = h.get("clusters/as-alice/logs/a/nothing-here?container=web&tailLines=10", &[]).await;
    assert_eq!(status, 404, "{logs}");
    assert_eq!(logs["message"], r#"pods "nothing-here" not found"#);
}

/// A reader of server-sent events.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(h: &Harness, path: &str, headers: &[(&str, &str)]) -> Events {
        let mut request = h.http.get(format!("{}/api/v1/{path}", h.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Events { response, buffer: String::new() }
    }

    /// The next event: its type, id and JSON data.
    async fn next(&mut self) -> (String, Option<String>, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut event, mut id, mut data) = (String::new(), None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        event = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if event.is_empty() {
                    continue; // a keep-alive comment
                }
                return (event, id, serde_json::from_str(&data).unwrap());
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.response.chunk())
                .await
                .expect("an event within 20 s")
                .unwrap()
                .expect("the stream goes on");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// A whole snapshot: its `snapshot` event and the `more` events after it until one is
    /// complete; the items joined, the first part's `columns`, and how many parts there were.
    async fn snapshot(&mut self) -> (Value, usize) {
        let (event, _, mut whole) = self.next().await;
        assert_eq!(event, "snapshot", "{whole}");
        let mut parts = 1;
        while whole["complete"] != json!(true) {
            assert_eq!(whole["complete"], json!(false), "every part says whether more follow");
            let (event, _, more) = self.next().await;
            assert_eq!(event, "more", "{more}");
            assert!(more.get("columns").is_none(), "only the first part has the columns");
            let items = more["items"].as_array().unwrap().clone();
            whole["items"].as_array_mut().unwrap().extend(items);
            whole["complete"] = more["complete"].clone();
            parts += 1;
        }
        (whole, parts)
    }

    /// The next change event: its type and the object's name.
    async fn change(&mut self) -> (String, String, Value) {
        let (event, id, data) = self.next().await;
        assert_eq!(event, "change", "{data}");
        let object = data["object"].clone();
        assert_eq!(id.as_deref(), object["metadata"]["resourceVersion"].as_str());
        (
            data["type"].as_str().unwrap().to_owned(),
            object["metadata"]["name"].as_str().unwrap().to_owned(),
            object,
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_share_one_watch_and_follow_filters() {
    let h = Harness::start().await;
    populate(&h).await;
    let mut fronts = Events::open(
        &h,
        "clusters/as-alice/watch/core/v1/configmaps?namespace=a,b&labelSelector=tier%3Dfront",
        &[],
    )
    .await;
    let (event, _, snapshot) = fronts.next().await;
    assert_eq!(event, "snapshot");
    assert_eq!(names(&snapshot), ["a/one", "b/one"]);
    assert!(snapshot["items"][0]["metadata"].get("managedFields").is_none());
    assert_eq!(snapshot["items"][0]["kind"], "ConfigMap");
    // A snapshot larger than one piece of the stream arrives whole.
    let mut big = config_map("b", "big", "back");
    big["data"]["k"] = json!("x".repeat(600 << 10));
    common::create(&h.kube, &big).await;
    let mut everything = Events::open(&h, "clusters/as-alice/watch/core/v1/configmaps", &[]).await;
    let (_, _, all) = everything.next().await;
    assert!(names(&all).len() >= 10, "{all}");
    let shown = all["items"].as_array().unwrap().iter().find(|o| o["metadata"]["name"] == "big").unwrap();
    assert_eq!(shown["data"]["k"], big["data"]["k"]);
    assert_eq!(h.server.shared_watches(), 1, "both followers share one upstream watch");

    // Created in a followed namespace with a matching label: added; elsewhere: not seen.
    common::create(&h.kube, &config_map("c", "elsewhere", "front")).await;
    common::create(&h.kube, &config_map("a", "fresh", "front")).await;
    let (kind, name, _) = fronts.change().await;
    assert_eq!((kind.as_str(), name.as_str()), ("ADDED", "fresh"));

    // Relabelled out of the selector: deleted for this follower; back in: added.
    let api = common::api_for(&h.kube, &config_map("a", "fresh", "front")).await;
    let relabel = |tier: &'static str| {
        let api = api.clone();
        async move {
            let patch = json!({"metadata": {"labels": {"tier": tier}}});
            api.patch("fresh", &kube::api::PatchParams::default(), &kube::api::Patch::Merge(&patch))
                .await
                .unwrap();
        }
    };
    relabel("back").await;
    assert_eq!(fronts.change().await.0, "DELETED");
    relabel("front").await;
    assert_eq!(fronts.change().await.0, "ADDED");
    let (kind, name, object) = {
        api.patch(
            "fresh",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&json!({"data": {"k": "w"}})),
        )
        .await
        .unwrap();
        fronts.change().await
    };
    assert_eq!((kind.as_str(), name.as_str(), &object["data"]["k"]), ("MODIFIED", "fresh", &json!("w")));
    api.delete("fresh", &Default::default()).await.unwrap();
    assert_eq!(fronts.change().await.0, "DELETED");

    // The unfiltered follower saw all of it, in order.
    let mut kinds = Vec::new();
    for _ in 0..6 {
        let (kind, name, _) = everything.change().await;
        kinds.push(format!("{kind} {name}"));
    }
    assert_eq!(
        kinds,
        [
            "ADDED elsewhere",
            "ADDED fresh",
            "MODIFIED fresh",
            "MODIFIED fresh",
            "MODIFIED fresh",
            "DELETED fresh"
        ]
    );

    let (status, bad) = h.get("clusters/as-alice/watch/core/v1/configmaps?labelSelector=%3D%3D", &[]).await;
    assert_eq!(status, 400, "{bad}");
    let (status, bad) = h.get("clusters/as-alice/watch/core/v1/gizmos", &[]).await;
    assert_eq!(status, 502, "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("serves no resource gizmos"), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_sees_only_what_it_may_list_for_as_long_as_it_may() {
    let h = Harness::with_tokens_and(Auth::Token(Sessions::ephemeral()), |server| {
        server.with_recheck(Duration::from_secs(1))
    })
    .await;
    h.apply(
        r#"apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-views, namespace: team}
subjects: [{kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}"#,
    )
    .await;
    common::create(&h.kube, &config_map("team", "shared", "front")).await;
    common::create(&h.kube, &config_map("default", "private", "front")).await;
    let bob = [("authorization", "Bearer bob-token")];
    // In his namespace: yes. Everywhere, or in another namespace: no.
    let mut events = Events::open(&h, "clusters/sandbox/watch/core/v1/configmaps?namespace=team", &bob).await;
    let (_, _, snapshot) = events.next().await;
    assert_eq!(names(&snapshot), ["team/shared"]);
    for path in [
        "clusters/sandbox/watch/core/v1/configmaps",
        "clusters/sandbox/watch/core/v1/configmaps?namespace=team,default",
    ] {
        let (status, answer) = h.get(path, &bob).await;
        assert_eq!(status, 403, "{path}: {answer}");
    }
    // Lists go to the cluster as bob.
    let (status, _) = h.get("clusters/sandbox/objects/core/v1/configmaps?namespace=team", &bob).await;
    assert_eq!(status, 200);
    let (status, _) = h.get("clusters/sandbox/objects/core/v1/configmaps", &bob).await;
    assert_eq!(status, 403);

    // Once bob may no longer read there, his stream says so and ends.
    let bindings = kube::Api::<kube::api::DynamicObject>::namespaced_with(
        h.kube.clone(),
        "team",
        &kube::api::ApiResource::from_gvk_with_plural(
            &kube::api::GroupVersionKind::gvk("rbac.authorization.k8s.io", "v1", "RoleBinding"),
            "rolebindings",
        ),
    );
    bindings.delete("bob-views", &Default::default()).await.unwrap();
    let (event, _, data) = events.next().await;
    assert_eq!(
        (event.as_str(), &data["message"]),
        ("error", &json!("permission to list these objects was withdrawn"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_too_old_to_resume_relists_and_followers_get_a_new_snapshot() {
    // A sandbox that remembers only 20 changes, reached through a switchable proxy.
    let (_dir, sandbox, kubeconfig) = common::sandbox(|config| config.history = 20).await;
    let switch = common::Switch::start(sandbox.url().trim_start_matches("http://").to_owned()).await;
    let mut config = common::config(&kubeconfig).await;
    config.cluster_url = switch.url.parse().unwrap();
    let own = concord_server::ClusterEntry {
        cluster: std::sync::Arc::new(concord_server::Cluster::new(config).unwrap()),
        user: "alice".into(),
    };
    let server = std::sync::Arc::new(concord_server::Server::new(
        std::collections::BTreeMap::from([("c".to_owned(), own)]),
        "c".into(),
        Auth::Kubeconfig,
    ));
    let url = common::serve(server).await;
    let kube = common::client(&kubeconfig).await;
    common::create(&kube, &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}})).await;
    common::create(&kube, &config_map("x", "before", "front")).await;

    let response =
        reqwest::get(format!("{url}/api/v1/clusters/c/watch/core/v1/configmaps?namespace=x")).await.unwrap();
    let mut events = Events { response, buffer: String::new() };
    let (event, _, snapshot) = events.next().await;
    assert_eq!((event.as_str(), names(&snapshot)), ("snapshot", vec!["x/before".to_owned()]));

    // The upstream watch is cut while 30 changes happen: resuming from its version is 410.
    switch.set(common::GONE);
    for index in 0..30 {
        common::create(&kube, &config_map("x", &format!("during-{index:02}"), "front")).await;
    }
    switch.set(common::FORWARD);
    let (event, _, snapshot) = events.next().await;
    assert_eq!(event, "snapshot", "a relist replaces everything: {snapshot}");
    let seen = names(&snapshot);
    assert_eq!(seen.len(), 31, "{seen:?}");
    assert!(seen.contains(&"x/during-29".to_owned()));
    // And it goes on live after the relist.
    common::create(&kube, &config_map("x", "after", "front")).await;
    let (kind, name, _) = events.change().await;
    assert_eq!((kind.as_str(), name.as_str()), ("ADDED", "after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_tables_print_kubectl_columns_arrive_in_parts_and_follow_one_object() {
    let h = Harness::start().await;
    populate(&h).await;
    for index in 0..250 {
        common::create(&h.kube, &config_map("b", &format!("bulk-{index:03}"), "bulk")).await;
    }

    // Rows as kube-apiserver prints ConfigMaps (Name, Data, Age) with the object's metadata; the
    // first part is a screenful, the rest follow in `more` events.
    let mut table =
        Events::open(&h, "clusters/as-alice/watch/core/v1/configmaps?namespace=b&view=table", &[]).await;
    let (snapshot, parts) = table.snapshot().await;
    assert!(parts >= 2, "253 rows come in parts");
    let columns: Vec<&str> =
        snapshot["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(columns, ["Name", "Data", "Age"]);
    let rows = snapshot["items"].as_array().unwrap();
    let mut listed: Vec<String> =
        rows.iter().map(|r| r["object"]["metadata"]["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(listed.len(), 253, "{listed:?}");
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), rows.len(), "each object once");
    let one = rows.iter().find(|r| r["object"]["metadata"]["name"] == "one").unwrap();
    assert_eq!(one["cells"][0], "one");
    assert_eq!(one["cells"][1], 1, "one data key");
    assert!(one["cells"][2].as_str().unwrap().ends_with('s'), "an age: {one}");
    assert_eq!(one["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(one["object"]["metadata"]["labels"]["tier"], "front");
    assert!(one.get("data").is_none() && one["object"].get("data").is_none(), "rows carry no data");

    // One object only: its snapshot, then only its changes, as rows.
    let mut single =
        Events::open(&h, "clusters/as-alice/watch/core/v1/configmaps?namespace=b&name=two&view=table", &[])
            .await;
    let (only, parts) = single.snapshot().await;
    assert_eq!(parts, 1);
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
    let api = common::api_for(&h.kube, &config_map("b", "two", "back")).await;
    let patch = |name: &'static str| {
        let api = api.clone();
        async move {
            let patch = json!({"data": {"k2": "v2"}});
            api.patch(name, &kube::api::PatchParams::default(), &kube::api::Patch::Merge(&patch))
                .await
                .unwrap();
        }
    };
    patch("three").await;
    patch("two").await;
    let (event, id, change) = single.next().await;
    assert_eq!(event, "change");
    assert_eq!(change["type"], "MODIFIED");
    let row = &change["row"];
    assert_eq!((row["cells"][0].clone(), row["cells"][1].clone()), (json!("two"), json!(2)));
    assert_eq!(id.as_deref(), row["object"]["metadata"]["resourceVersion"].as_str());
    // The table follower saw both changes, in order.
    let (_, _, first) = table.next().await;
    let (_, _, second) = table.next().await;
    let changed: Vec<&Value> =
        [&first, &second].iter().map(|c| &c["row"]["object"]["metadata"]["name"]).collect();
    assert_eq!(changed, [&json!("three"), &json!("two")]);

    // A custom resource prints its CRD's additionalPrinterColumns.
    for object in concord_server::demo::objects() {
        common::create(&h.kube, &object).await;
    }
    let mut widgets =
        Events::open(&h, "clusters/as-alice/watch/demo.concord.dev/v1/widgets?view=table", &[]).await;
    let (widgets, _) = widgets.snapshot().await;
    let columns: Vec<&str> =
        widgets["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(columns, ["Name", "Size"], "{widgets}");
    assert_eq!(widgets["items"][0]["cells"].as_array().unwrap().len(), 2);

    // A view that does not exist is refused.
    let (status, refused) = h.get("clusters/as-alice/watch/core/v1/configmaps?view=wide", &[]).await;
    assert_eq!((status, refused["outcome"].as_str()), (400, Some("invalid")), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_is_served_for_every_page_but_the_api() {
    let h = Harness::start().await;
    let page = h.http.get(format!("{}/c/as-alice/r/apps/v1/deployments", h.url)).send().await.unwrap();
    let built = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist/index.html");
    if built.exists() {
        // A deep link answers the console's page, which loads its scripts from this origin only.
        assert_eq!(page.status(), 200);
        let headers = page.headers().clone();
        assert_eq!(headers["content-type"], "text/html");
        assert_eq!(headers["cache-control"], "no-cache");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let policy = headers["content-security-policy"].to_str().unwrap().to_owned();
        assert!(
            policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"),
            "{policy}"
        );
        let html = page.text().await.unwrap();
        assert_eq!(html, std::fs::read_to_string(&built).unwrap());
        let script = html.split("src=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
        let asset = h.http.get(format!("{}{script}", h.url)).send().await.unwrap();
        assert_eq!(asset.status(), 200, "{script}");
        assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(asset.headers()["content-type"], "text/javascript");
    } else {
        // Built without the console: every page says how to build it.
        assert_eq!(page.status(), 404);
        assert!(page.text().await.unwrap().contains("without its web console"));
    }
    // The API never answers the console's page.
    let (status, missing) = h.get("no-such-thing", &[]).await;
    assert_eq!((status, missing["outcome"].as_str()), (404, Some("notfound")), "{missing}");
    let posted =
        h.http.post(format!("{}/c/as-alice", h.url)).header("x-concord-csrf", "1").send().await.unwrap();
    assert_eq!(posted.status(), 405);
}
