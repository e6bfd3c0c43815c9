//! kubectl itself against a sandbox: the client nobody here wrote says whether the sandbox is
//! compatible. Each test starts its own sandbox and runs kubectl with a private HOME, so
//! discovery caches never leak between tests.

mod common;

use std::time::Duration;

use serde_json::Value;

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"#;

const SERVICE_AND_CONFIG: &str = r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
stringData:
  password: hunter2
"#;

const CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string, enum: [red, blue]}
              size: {type: integer, default: 3}
"#;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_get_in_every_format() {
    let ts = common::start().await;
    ts.kubectl(&["create", "namespace", "shop"]).await;
    let out = ts.kubectl_stdin(&["apply", "-n", "shop", "-f", "-"], DEPLOYMENT).await;
    assert_eq!(out.trim(), "deployment.apps/web created");
    let out = ts.kubectl_stdin(&["apply", "-n", "shop", "-f", "-"], SERVICE_AND_CONFIG).await;
    assert!(out.contains("service/web created") && out.contains("configmap/settings created"), "{out}");
    assert!(out.contains("secret/creds created"), "{out}");

    // A second apply of the same files changes nothing.
    let out = ts.kubectl_stdin(&["apply", "-n", "shop", "-f", "-"], DEPLOYMENT).await;
    assert_eq!(out.trim(), "deployment.apps/web unchanged");

    // Table form: the columns kubectl shows for each kind.
    let table = ts.kubectl(&["get", "-n", "shop", "deployments"]).await;
    let header: Vec<&str> = table.lines().next().unwrap_or_default().split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert!(table.lines().nth(1).is_some_and(|row| row.starts_with("web") && row.contains("0/2")), "{table}");
    let wide = ts.kubectl(&["get", "-n", "shop", "deployments", "-o", "wide"]).await;
    assert!(wide.contains("CONTAINERS") && wide.contains("nginx:1.27") && wide.contains("app=web"), "{wide}");
    let services = ts.kubectl(&["get", "-n", "shop", "svc", "web"]).await;
    assert!(services.contains("80/TCP") && services.contains("ClusterIP"), "{services}");
    let secrets = ts.kubectl(&["get", "-n", "shop", "secret", "creds"]).await;
    assert!(
        secrets.contains("Opaque") && secrets.lines().nth(1).is_some_and(|r| r.contains(" 1 ")),
        "{secrets}"
    );

    // JSON and YAML: the stored object with server-set metadata.
    let object = json(&ts.kubectl(&["get", "-n", "shop", "deploy", "web", "-o", "json"]).await);
    assert_eq!(object["spec"]["replicas"], 2);
    assert_eq!(object["metadata"]["generation"], 1);
    assert!(object["metadata"]["uid"].as_str().is_some_and(|u| u.len() == 36));
    assert!(object["metadata"]["resourceVersion"].as_str().is_some_and(|v| v.parse::<u64>().is_ok()));
    let yaml = ts.kubectl(&["get", "-n", "shop", "deploy", "web", "-o", "yaml"]).await;
    assert!(yaml.contains("kind: Deployment") && yaml.contains("image: nginx:1.27"), "{yaml}");
    // The secret's stringData became base64 data.
    let secret = json(&ts.kubectl(&["get", "-n", "shop", "secret", "creds", "-o", "json"]).await);
    assert_eq!(secret["data"]["password"], "aHVudGVyMg==");
    assert!(secret.get("stringData").is_none());

    // Selectors.
    let names = ts.kubectl(&["get", "-n", "shop", "deploy", "-l", "app=web", "-o", "name"]).await;
    assert_eq!(names.trim(), "deployment.apps/web");
    let none = ts.kubectl(&["get", "-n", "shop", "deploy", "-l", "app!=web", "-o", "name"]).await;
    assert_eq!(none.trim(), "");
    let by_field = ts
        .kubectl(&["get", "-n", "shop", "cm", "--field-selector", "metadata.name=settings", "-o", "name"])
        .await;
    assert_eq!(by_field.trim(), "configmap/settings");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_annotate_scale_and_every_patch_type() {
    let ts = common::start().await;
    ts.kubectl_stdin(&["apply", "-f", "-"], DEPLOYMENT).await;
    ts.kubectl(&["label", "deploy", "web", "tier=frontend"]).await;
    ts.kubectl(&["annotate", "deploy", "web", "owner=team-a"]).await;
    assert_eq!(
        ts.kubectl(&["scale", "deploy", "web", "--replicas=4"]).await.trim(),
        "deployment.apps/web scaled"
    );
    ts.kubectl(&["patch", "deploy", "web", "--type=merge", "-p", r#"{"spec":{"minReadySeconds":5}}"#]).await;
    ts.kubectl(&[
        "patch",
        "deploy",
        "web",
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/metadata/labels/track","value":"stable"}]"#,
    ])
    .await;
    ts.kubectl(&[
        "patch",
        "deploy",
        "web",
        "--type=strategic",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}"#,
    ])
    .await;
    let object = json(&ts.kubectl(&["get", "deploy", "web", "-o", "json", "--show-managed-fields"]).await);
    assert_eq!(object["metadata"]["labels"]["tier"], "frontend");
    assert_eq!(object["metadata"]["labels"]["track"], "stable");
    assert_eq!(object["metadata"]["annotations"]["owner"], "team-a");
    assert_eq!(object["spec"]["replicas"], 4);
    assert_eq!(object["spec"]["minReadySeconds"], 5);
    // Strategic merge added the sidecar to nginx instead of replacing the list (ahead of it, as
    // kube-apiserver orders a patch's new elements without $setElementOrder).
    let containers: Vec<&str> = object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(containers, ["sidecar", "nginx"]);
    // Spec changes bumped the generation (scale, minReadySeconds, template); labels did not.
    assert_eq!(object["metadata"]["generation"], 4);
    // managedFields name every writer.
    let managers: Vec<&str> = object["metadata"]["managedFields"]
        .as_array()
        .map(|m| m.iter().filter_map(|e| e["manager"].as_str()).collect())
        .unwrap_or_default();
    for expected in ["kubectl-client-side-apply", "kubectl-label", "kubectl-annotate", "kubectl-patch"] {
        assert!(managers.contains(&expected), "{expected} missing from {managers:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_with_an_editor_script_and_stale_replace() {
    let ts = common::start().await;
    ts.kubectl_stdin(&["apply", "-f", "-"], DEPLOYMENT).await;
    let editor = ts.dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/image: nginx:1.27/image: nginx:1.28/' \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = common::run_kubectl(
        &ts.kubeconfig,
        &["edit", "deploy", "web"],
        None,
        &[("KUBE_EDITOR", editor.to_str().unwrap())],
    )
    .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "deployment.apps/web edited");
    let image = ts
        .kubectl(&["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])
        .await;
    assert_eq!(image, "nginx:1.28");

    // Replacing a stale copy fails with kube-apiserver's conflict message and writes nothing.
    let stale = ts.kubectl(&["get", "deploy", "web", "-o", "yaml"]).await;
    ts.kubectl(&["label", "deploy", "web", "changed=yes"]).await;
    let stale = stale.replace("replicas: 2", "replicas: 9");
    let err = ts.kubectl_fails(&["replace", "-f", "-"], Some(&stale)).await;
    assert!(
        err.contains(
            "the object has been modified; please apply your changes to the latest version and try again"
        ),
        "{err}"
    );
    let replicas = ts.kubectl(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]).await;
    assert_eq!(replicas, "2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_by_two_managers() {
    let ts = common::start().await;
    ts.kubectl_stdin(&["apply", "-f", "-"], DEPLOYMENT).await;
    let config = |replicas: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n"
        )
    };
    ts.kubectl_stdin(
        &["apply", "--server-side", "--field-manager=alice", "--force-conflicts", "-f", "-"],
        &config(3),
    )
    .await;
    let err = ts
        .kubectl_fails(&["apply", "--server-side", "--field-manager=bob", "-f", "-"], Some(&config(5)))
        .await;
    assert!(err.contains(r#"Apply failed with 1 conflict: conflict with "alice": .spec.replicas"#), "{err}");
    assert_eq!(ts.kubectl(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]).await, "3");
    ts.kubectl_stdin(
        &["apply", "--server-side", "--field-manager=bob", "--force-conflicts", "-f", "-"],
        &config(5),
    )
    .await;
    let object = json(&ts.kubectl(&["get", "deploy", "web", "-o", "json", "--show-managed-fields"]).await);
    assert_eq!(object["spec"]["replicas"], 5);
    let entries = object["metadata"]["managedFields"].as_array().cloned().unwrap_or_default();
    let entry = |name: &str| {
        entries.iter().find(|e| e["manager"] == name).unwrap_or_else(|| panic!("{name}: {entries:?}"))
    };
    let bob = entry("bob");
    assert_eq!(bob["operation"], "Apply");
    assert!(bob["fieldsV1"]["f:spec"]["f:replicas"].is_object(), "{bob}");
    // kubectl moved the client-side-apply fields to alice on her first server-side apply (its
    // migration to server-side apply); her re-apply without them could not prune them, as the
    // Deployment would lose its selector and template, so she keeps them and loses replicas.
    let alice = entry("alice");
    assert!(alice["fieldsV1"]["f:spec"]["f:template"].is_object(), "{alice}");
    assert!(alice["fieldsV1"]["f:spec"].get("f:replicas").is_none(), "{alice}");
    assert!(
        object["spec"]["template"]["spec"]["containers"].is_array(),
        "the forced apply must not drop other fields"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_wait_and_watch() {
    let ts = common::start().await;
    ts.kubectl_stdin(&["apply", "-f", "-"], SERVICE_AND_CONFIG).await;
    let kubeconfig = ts.kubeconfig.clone();
    let watch = tokio::spawn(async move {
        common::run_kubectl(
            &kubeconfig,
            &["get", "configmaps", "--watch", "--output-watch-events", "--request-timeout=6s"],
            None,
            &[],
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ts.kubectl(&["create", "configmap", "later", "--from-literal=a=b"]).await;
    ts.kubectl(&["label", "configmap", "later", "x=y"]).await;
    let out = ts.kubectl(&["delete", "configmap", "later", "--wait"]).await;
    assert_eq!(out.trim(), "configmap \"later\" deleted");
    let watched = watch.await.expect("watch task");
    let text = String::from_utf8_lossy(&watched.stdout);
    let events: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some((parts.next()?, parts.next()?))
        })
        .filter(|(_, name)| *name == "later")
        .collect();
    assert_eq!(events, [("ADDED", "later"), ("MODIFIED", "later"), ("DELETED", "later")], "{text}");
    let err = ts.kubectl_fails(&["get", "configmap", "later"], None).await;
    assert!(err.contains(r#"configmaps "later" not found"#), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_resources_explain_api_resources_and_diff() {
    let ts = common::start().await;
    ts.kubectl_stdin(&["apply", "-f", "-"], CRD).await;
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  color: red\n";
    assert_eq!(ts.kubectl_stdin(&["apply", "-f", "-"], widget).await.trim(), "widget.example.com/w1 created");
    let table = ts.kubectl(&["get", "widgets"]).await;
    assert!(table.contains("COLOR") && table.contains("red"), "{table}");
    let object = json(&ts.kubectl(&["get", "wd", "w1", "-o", "json"]).await);
    assert_eq!(object["spec"]["size"], 3, "the schema's default applies");
    let err = ts
        .kubectl_fails(
            &["patch", "widget", "w1", "--type=merge", "-p", r#"{"spec":{"color":"green"}}"#],
            None,
        )
        .await;
    assert!(err.contains(r#"spec.color: Unsupported value: "green""#), "{err}");

    let resources = ts.kubectl(&["api-resources"]).await;
    for line in ["deployments", "widgets", "customresourcedefinitions"] {
        assert!(resources.lines().any(|l| l.starts_with(line)), "{line} missing:\n{resources}");
    }
    let explained = ts.kubectl(&["explain", "deployment.spec.replicas"]).await;
    assert!(
        explained.contains("KIND:       Deployment") && explained.contains("FIELD: replicas <integer>"),
        "{explained}"
    );
    let explained = ts.kubectl(&["explain", "widget.spec"]).await;
    assert!(explained.contains("color") && explained.contains("size"), "{explained}");

    // diff: exit 1 with the change, 0 without.
    ts.kubectl_stdin(&["apply", "-f", "-"], DEPLOYMENT).await;
    let changed = DEPLOYMENT.replace("replicas: 2", "replicas: 3");
    let out = ts.kubectl_in(&["diff", "-f", "-"], Some(&changed)).await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("-  replicas: 2") && text.contains("+  replicas: 3"), "{text}");
    let out = ts.kubectl_in(&["diff", "-f", "-"], Some(DEPLOYMENT)).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_can_i_as_a_limited_user() {
    let ts = common::start_with(|config| {
        let tokens = config.data_dir.with_file_name("tokens.csv");
        std::fs::create_dir_all(config.data_dir.parent().unwrap()).unwrap();
        std::fs::write(&tokens, "admin-token,admin,1,\"system:masters\"\nalice-token,alice,2\n").unwrap();
        config.token_file = Some(tokens);
        // kubectl sends bearer tokens only over TLS.
        config.tls = true;
    })
    .await;
    ts.sandbox.write_kubeconfig(&ts.kubeconfig, Some("admin-token")).unwrap();
    ts.kubectl(&["create", "namespace", "team"]).await;
    let role = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-reads, namespace: team}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
"#;
    ts.kubectl_stdin(&["apply", "-f", "-"], role).await;
    let alice = ts.dir.path().join("alice.kubeconfig");
    ts.sandbox.write_kubeconfig(&alice, Some("alice-token")).unwrap();
    let can = |args: &'static [&'static str]| {
        let alice = alice.clone();
        async move { common::run_kubectl(&alice, args, None, &[]).await }
    };
    let yes = can(&["auth", "can-i", "list", "pods", "-n", "team"]).await;
    assert_eq!(String::from_utf8_lossy(&yes.stdout).trim(), "yes");
    let no = can(&["auth", "can-i", "delete", "pods", "-n", "team"]).await;
    assert_eq!(String::from_utf8_lossy(&no.stdout).trim(), "no");
    let no = can(&["auth", "can-i", "list", "pods", "-n", "default"]).await;
    assert_eq!(String::from_utf8_lossy(&no.stdout).trim(), "no");
    // The refusal itself is kube-apiserver's 403.
    let denied = can(&["get", "pods", "-n", "default"]).await;
    let err = String::from_utf8_lossy(&denied.stderr);
    assert!(
        err.contains(r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default""#),
        "{err}"
    );
    // The administrator may act as alice (and is then refused as alice); alice may not
    // impersonate anyone.
    let as_alice = ts.kubectl_in(&["get", "pods", "-n", "default", "--as=alice"], None).await;
    let err = String::from_utf8_lossy(&as_alice.stderr);
    assert!(err.contains(r#"User "alice" cannot list resource "pods""#), "{err}");
    assert_eq!(ts.kubectl(&["get", "pods", "-n", "team", "--as=alice", "-o", "name"]).await.trim(), "");
    let escalate = can(&["get", "pods", "-n", "team", "--as=admin"]).await;
    let err = String::from_utf8_lossy(&escalate.stderr);
    assert!(
        err.contains(r#"users "admin" is forbidden: User "alice" cannot impersonate resource "users""#),
        "{err}"
    );
    // `can-i --list` reads alice's rules through a SelfSubjectRulesReview.
    let rules = can(&["auth", "can-i", "--list", "-n", "team"]).await;
    let text = String::from_utf8_lossy(&rules.stdout);
    assert!(text.lines().any(|l| l.starts_with("pods ") && l.contains("[get list watch]")), "{text}");

    // `auth whoami` reads alice's identity through a SelfSubjectReview.
    let whoami = can(&["auth", "whoami", "-o", "json"]).await;
    let review: serde_json::Value = serde_json::from_slice(&whoami.stdout).expect("whoami prints JSON");
    assert_eq!(review["status"]["userInfo"]["username"], "alice", "{review}");
    let groups = review["status"]["userInfo"]["groups"].as_array().expect("groups");
    assert!(groups.iter().any(|g| g == "system:authenticated"), "{review}");

    // A wrong token is 401.
    let stranger = ts.dir.path().join("stranger.kubeconfig");
    ts.sandbox.write_kubeconfig(&stranger, Some("nope")).unwrap();
    let out = common::run_kubectl(&stranger, &["get", "pods"], None, &[]).await;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Unauthorized"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_deletion_removes_its_contents() {
    let ts = common::start().await;
    ts.kubectl(&["create", "namespace", "doomed"]).await;
    ts.kubectl_stdin(&["apply", "-n", "doomed", "-f", "-"], SERVICE_AND_CONFIG).await;
    let out = ts.kubectl(&["delete", "namespace", "doomed", "--wait", "--timeout=20s"]).await;
    assert_eq!(out.trim(), "namespace \"doomed\" deleted");
    let left = ts.kubectl(&["get", "configmaps,services,secrets", "-A", "-o", "name"]).await;
    assert!(!left.contains("settings") && !left.contains("creds"), "{left}");
    let err = ts.kubectl_fails(&["get", "namespace", "doomed"], None).await;
    assert!(err.contains("not found"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_sandbox_is_verified_with_its_own_ca() {
    let ts = common::start_with(|config| config.tls = true).await;
    assert!(ts.url().starts_with("https://"));
    let out = ts.kubectl(&["get", "namespaces", "-o", "name"]).await;
    assert!(out.contains("namespace/default"), "{out}");
}
