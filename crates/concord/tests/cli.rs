//! `concord patch` end to end: every command on small JSON and YAML fixtures, the exit codes and
//! error messages, and the `--lines` protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};
use tempfile::TempDir;

/// A directory of fixtures and a way to run `concord` on them.
struct Fixtures(TempDir);

/// What a run printed and returned.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Standard output as one JSON value.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not JSON ({e}): {:?}; stderr {:?}", self.stdout, self.stderr)
        })
    }

    /// Succeeded with a JSON answer.
    fn ok(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        assert!(self.stderr.is_empty(), "stderr: {}", self.stderr);
        self.json()
    }

    /// Failed with exit code 2 and a one-line message; returns the message.
    fn error(&self) -> String {
        assert_eq!(self.code, 2, "stdout: {} stderr: {}", self.stdout, self.stderr);
        assert!(self.stdout.is_empty(), "stdout: {}", self.stdout);
        assert_eq!(self.stderr.lines().count(), 1, "not one line: {:?}", self.stderr);
        let message = self.stderr.trim_end().strip_prefix("concord: ");
        message.unwrap_or_else(|| panic!("no `concord: ` prefix: {:?}", self.stderr)).to_owned()
    }
}

impl Fixtures {
    fn new() -> Fixtures {
        Fixtures(TempDir::new().unwrap())
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = assert_cmd::cargo::cargo_bin_cmd!("concord");
        command.current_dir(self.0.path()).args(args);
        if let Some(stdin) = stdin {
            command.write_stdin(stdin);
        }
        let out = command.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    fn concord(&self, args: &[&str]) -> Run {
        self.run(args, None)
    }
}

const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.25
      - name: sidecar
        image: busybox
";

const DEPLOYMENT_EDITED: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.26
      - name: log
        image: fluentd
";

fn config_map(data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  uid: u1\ndata: {data}\n")
}

#[test]
fn apply_strategic_yaml() {
    let f = Fixtures::new();
    f.file("d.yaml", DEPLOYMENT);
    f.file("p.yaml", "spec:\n  template:\n    spec:\n      containers:\n      - {name: app, image: nginx:1.26}\n      - {name: sidecar, $patch: delete}\n");
    let result = f.concord(&["patch", "apply", "--type", "strategic", "d.yaml", "p.yaml"]).ok();
    assert_eq!(
        result["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "image": "nginx:1.26"}])
    );
    assert_eq!(result["metadata"]["labels"], json!({"app": "web", "tier": "front"}));
}

#[test]
fn apply_merge_and_json_patch_in_json() {
    let f = Fixtures::new();
    f.file(
        "cm.json",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1","b":"2"}}"#,
    );
    f.file("merge.json", r#"{"data":{"a":null,"c":"3"}}"#);
    f.file(
        "json.json",
        r#"[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"9"}]"#,
    );
    let merged = f.concord(&["patch", "apply", "--type", "merge", "cm.json", "merge.json"]).ok();
    assert_eq!(merged["data"], json!({"b": "2", "c": "3"}));
    let patched = f.concord(&["patch", "apply", "--type", "json", "cm.json", "json.json"]).ok();
    assert_eq!(patched["data"], json!({"a": "9", "b": "2"}));

    f.file("failing.json", r#"[{"op":"test","path":"/data/a","value":"0"}]"#);
    let message = f.concord(&["patch", "apply", "--type", "json", "cm.json", "failing.json"]).error();
    assert!(message.starts_with("JSON patch failed"), "{message}");
    // A JSON patch must be a list of operations.
    let message = f.concord(&["patch", "apply", "--type", "json", "cm.json", "merge.json"]).error();
    assert!(message.contains("expected a list of operations, found object"), "{message}");
}

#[test]
fn apply_reads_standard_input_and_prints_pretty() {
    let f = Fixtures::new();
    f.file("p.json", r#"{"spec":{"replicas":3}}"#);
    let run = f.run(&["patch", "apply", "--type", "strategic", "--pretty", "-", "p.json"], Some(DEPLOYMENT));
    assert_eq!(run.ok()["spec"]["replicas"], json!(3));
    assert!(run.stdout.contains("\n  \"kind\": \"Deployment\""), "{}", run.stdout);

    let compact = f.run(&["patch", "apply", "--type", "strategic", "-", "p.json"], Some(DEPLOYMENT));
    assert_eq!(compact.stdout.lines().count(), 1);
    let twice = f.run(&["patch", "apply", "--type", "strategic", "-", "-"], Some(DEPLOYMENT)).error();
    assert_eq!(twice, "standard input (-) can be read only once");
}

#[test]
fn create_two_way_in_every_format() {
    let f = Fixtures::new();
    f.file("o.yaml", DEPLOYMENT);
    f.file("m.yaml", DEPLOYMENT_EDITED);
    let strategic = f.concord(&["patch", "create", "--type", "strategic", "o.yaml", "m.yaml"]).ok();
    assert_eq!(
        strategic,
        json!({
            "metadata": {"labels": {"tier": null}},
            "spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}, {"name": "log"}],
                "containers": [
                    {"name": "app", "image": "nginx:1.26"},
                    {"name": "log", "image": "fluentd"},
                    {"name": "sidecar", "$patch": "delete"},
                ],
            }}},
        })
    );
    let merge = f.concord(&["patch", "create", "--type", "merge", "o.yaml", "m.yaml"]).ok();
    assert_eq!(
        merge,
        json!({
            "metadata": {"labels": {"tier": null}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "app", "image": "nginx:1.26"},
                {"name": "log", "image": "fluentd"},
            ]}}},
        })
    );
    let json_patch = f.concord(&["patch", "create", "--type", "json", "o.yaml", "m.yaml"]).ok();
    assert_eq!(json_patch[0], json!({"op": "remove", "path": "/metadata/labels/tier"}));
    assert!(json_patch.as_array().unwrap().iter().all(|op| op["op"] != "test"));

    let tested =
        f.concord(&["patch", "create", "--type", "json", "--test-preconditions", "o.yaml", "m.yaml"]).ok();
    assert_eq!(tested[0], json!({"op": "test", "path": "/metadata/labels/tier", "value": "front"}));
    assert_eq!(tested[1], json!({"op": "remove", "path": "/metadata/labels/tier"}));

    // Creating and applying round-trips.
    f.file("patch.json", &strategic.to_string());
    let applied = f.concord(&["patch", "apply", "--type", "strategic", "o.yaml", "patch.json"]).ok();
    f.file("tested.json", &tested.to_string());
    let applied_json = f.concord(&["patch", "apply", "--type", "json", "o.yaml", "tested.json"]).ok();
    let modified = f.concord(&["patch", "apply", "--type", "merge", "m.yaml", "-"]);
    assert_eq!(modified.code, 2, "an empty standard input is no document");
    assert_eq!(applied, applied_json);
    assert_eq!(
        applied["spec"]["template"]["spec"]["containers"][1],
        json!({"name": "log", "image": "fluentd"})
    );
}

#[test]
fn create_three_way_like_kubectl_apply() {
    let f = Fixtures::new();
    f.file("last.yaml", &config_map("{x: '1', y: '2'}"));
    f.file("mine.yaml", &config_map("{x: '1', y: '20'}"));
    // Someone else added z: a three-way patch leaves it alone.
    f.file("live.yaml", &config_map("{x: '1', y: '2', z: '3'}"));
    let patch = f.concord(&[
        "patch",
        "create",
        "--type",
        "strategic",
        "last.yaml",
        "mine.yaml",
        "--current",
        "live.yaml",
    ]);
    assert_eq!(patch.ok(), json!({"data": {"y": "20"}}));
    let two_way = f.concord(&["patch", "create", "--type", "strategic", "live.yaml", "mine.yaml"]).ok();
    assert_eq!(two_way, json!({"data": {"y": "20", "z": null}}));

    // Someone else changed y: conflict, unless overwriting.
    f.file("changed.yaml", &config_map("{x: '1', y: '5'}"));
    let args =
        ["patch", "create", "--type", "strategic", "last.yaml", "mine.yaml", "--current", "changed.yaml"];
    let message = f.concord(&args).error();
    assert_eq!(message, "patch conflicts with changes made since the original at: /data/y");
    let overwrite = f.concord(&[&args[..], &["--overwrite"]].concat()).ok();
    assert_eq!(overwrite, json!({"data": {"y": "20"}}));
}

#[test]
fn create_refuses_options_that_do_not_go_together() {
    let f = Fixtures::new();
    f.file("a.yaml", &config_map("{x: '1'}"));
    f.file("b.yaml", &config_map("{x: '2'}"));
    let message =
        f.concord(&["patch", "create", "--type", "merge", "a.yaml", "b.yaml", "--current", "a.yaml"]).error();
    assert_eq!(
        message,
        "three-way patches (with a current object) are only supported for --type strategic, not --type merge"
    );
    let message = f
        .concord(&["patch", "create", "--type", "strategic", "--test-preconditions", "a.yaml", "b.yaml"])
        .error();
    assert_eq!(message, "test preconditions only apply to --type json, not --type strategic");
    // clap's own usage errors also exit with 2.
    let run = f.concord(&["patch", "create", "--type", "strategic", "--overwrite", "a.yaml", "b.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--current"), "{}", run.stderr);
    let run = f.concord(&["patch", "create", "--type", "yaml", "a.yaml", "b.yaml"]);
    assert_eq!(run.code, 2);
}

#[test]
fn merge3_outcomes_and_exit_codes() {
    let f = Fixtures::new();
    f.file("base.yaml", &config_map("{x: '1', y: '2'}"));
    f.file("theirs.yaml", &config_map("{x: '10', y: '2'}"));
    f.file("mine.yaml", &config_map("{x: '1', y: '20'}"));
    f.file("clash.yaml", &config_map("{x: '11', y: '2'}"));
    f.file("other.yaml", &config_map("{x: '1', y: '2'}").replace("uid: u1", "uid: u2"));

    let merged = f.concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "mine.yaml"]).ok();
    assert_eq!(merged["outcome"], "merged");
    assert_eq!(merged["object"]["data"], json!({"x": "10", "y": "20"}));
    assert_eq!(merged["patch"], json!({"data": {"y": "20"}}));
    assert_eq!(merged["patchType"], "strategic");

    let unchanged = f.concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "base.yaml"]).ok();
    assert_eq!(unchanged["outcome"], "unchanged");
    assert_eq!(unchanged["patch"], json!({}));

    let conflict = f.concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "clash.yaml"]);
    assert_eq!(conflict.code, 1);
    assert_eq!(
        conflict.json(),
        json!({"outcome": "conflict", "conflicts": [{"path": "/data/x", "base": "1", "theirs": "10", "mine": "11"}]})
    );
    let resolved = f
        .concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "clash.yaml", "--resolve", "/data/x=mine"])
        .ok();
    assert_eq!(resolved["outcome"], "merged");
    assert_eq!(resolved["patch"], json!({"data": {"x": "11"}}));
    let kept = f
        .concord(&[
            "patch",
            "merge3",
            "base.yaml",
            "theirs.yaml",
            "clash.yaml",
            "--resolve",
            "/data/x=theirs",
        ])
        .ok();
    assert_eq!(kept["outcome"], "unchanged");

    let gone = f.concord(&["patch", "merge3", "base.yaml", "other.yaml", "mine.yaml"]);
    assert_eq!(gone.code, 1);
    assert_eq!(gone.json(), json!({"outcome": "gone", "reason": "replaced"}));

    let run =
        f.concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "mine.yaml", "--resolve", "/data/x=both"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("use theirs or mine"), "{}", run.stderr);
}

const WIDGET_CRD: &str = "
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              parts:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
                    size: {type: integer}
";

fn widget(parts: &str) -> String {
    format!("apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w}}\nspec:\n  parts: {parts}\n")
}

#[test]
fn custom_resources_take_merge_patch_and_crd_metadata() {
    let f = Fixtures::new();
    f.file("crd.yaml", WIDGET_CRD);
    f.file("base.yaml", &widget("[{name: a, size: 1}, {name: b, size: 1}]"));
    f.file("theirs.yaml", &widget("[{name: a, size: 2}, {name: b, size: 1}]"));
    f.file("mine.yaml", &widget("[{name: a, size: 1}, {name: b, size: 3}]"));
    f.file("patch.json", r#"{"spec":{"parts":[{"name":"c"}]}}"#);

    let message = f.concord(&["patch", "apply", "--type", "strategic", "base.yaml", "patch.json"]).error();
    assert_eq!(
        message,
        "strategic merge patch is not supported for this type (custom resources take JSON merge patch)"
    );
    let message = f.concord(&["patch", "create", "--type", "strategic", "base.yaml", "mine.yaml"]).error();
    assert!(message.starts_with("strategic merge patch is not supported"), "{message}");
    let merged = f.concord(&["patch", "apply", "--type", "merge", "base.yaml", "patch.json"]).ok();
    assert_eq!(merged["spec"]["parts"], json!([{"name": "c"}]));

    // Without the CRD the list is atomic: both sides changed it, so they conflict.
    let run = f.concord(&["patch", "merge3", "base.yaml", "theirs.yaml", "mine.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["outcome"], "conflict");
    // With it, the list merges element by element, and the patch is a JSON merge patch.
    let merged =
        f.concord(&["patch", "merge3", "--crd", "crd.yaml", "base.yaml", "theirs.yaml", "mine.yaml"]).ok();
    assert_eq!(merged["outcome"], "merged");
    assert_eq!(merged["patchType"], "merge");
    assert_eq!(
        merged["object"]["spec"]["parts"],
        json!([{"name": "a", "size": 2}, {"name": "b", "size": 3}])
    );
    assert_eq!(
        merged["patch"],
        json!({"spec": {"parts": [{"name": "a", "size": 2}, {"name": "b", "size": 3}]}})
    );

    f.file("not-a-crd.yaml", "kind: ConfigMap\n");
    let message = f
        .concord(&["patch", "merge3", "--crd", "not-a-crd.yaml", "base.yaml", "theirs.yaml", "mine.yaml"])
        .error();
    assert!(message.starts_with("--crd not-a-crd.yaml: "), "{message}");
}

#[test]
fn openapi_documents_add_types() {
    let f = Fixtures::new();
    // A built-in-looking group (so it takes strategic merge patch) that the built-in table lacks.
    f.file(
        "openapi.json",
        &json!({
            "swagger": "2.0",
            "definitions": {
                "io.example.Gadget": {
                    "type": "object",
                    "x-kubernetes-group-version-kind": [{"group": "gadgets.k8s.io", "version": "v1", "kind": "Gadget"}],
                    "properties": {
                        "parts": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                            "x-kubernetes-patch-strategy": "merge",
                            "x-kubernetes-patch-merge-key": "name",
                        },
                    },
                },
            },
        })
        .to_string(),
    );
    f.file("g.yaml", "apiVersion: gadgets.k8s.io/v1\nkind: Gadget\nparts: [{name: a}]\n");
    f.file("p.yaml", "parts: [{name: b}]\n");
    let plain = f.concord(&["patch", "apply", "--type", "strategic", "g.yaml", "p.yaml"]).ok();
    assert_eq!(plain["parts"], json!([{"name": "b"}]), "unknown lists are replaced");
    let typed = f.concord(&[
        "patch",
        "apply",
        "--type",
        "strategic",
        "--openapi",
        "openapi.json",
        "g.yaml",
        "p.yaml",
    ]);
    let typed = typed.ok();
    assert_eq!(typed["parts"].as_array().map(Vec::len), Some(2), "{typed}");

    f.file("bad.json", r#"{"definitions": 3}"#);
    let message = f
        .concord(&["patch", "apply", "--type", "strategic", "--openapi", "bad.json", "g.yaml", "p.yaml"])
        .error();
    assert!(message.starts_with("--openapi bad.json: "), "{message}");
}

#[test]
fn input_errors_are_one_line_messages_with_exit_code_2() {
    let f = Fixtures::new();
    f.file("d.yaml", DEPLOYMENT);
    f.file("bad.yaml", "spec: [unclosed\n");
    f.file("list.json", "[1, 2]");
    f.file("directive.json", r#"{"spec":{"$patch":"frob"}}"#);
    f.file("key.json", r#"{"spec":{"$frob":1}}"#);
    f.file("empty.yaml", "  \n");
    let apply = |patch: &str| f.concord(&["patch", "apply", "--type", "strategic", "d.yaml", patch]).error();

    let message = apply("bad.yaml");
    assert!(message.starts_with("bad.yaml: invalid YAML: "), "{message}");
    assert_eq!(apply("list.json"), "patch must be a JSON object, found array");
    assert_eq!(apply("directive.json"), "unknown patch directive at /spec: $patch: \"frob\"");
    assert_eq!(apply("key.json"), "unknown patch directive at /spec: $frob");
    assert_eq!(apply("empty.yaml"), "empty.yaml: empty document");
    let message = apply("missing.yaml");
    assert!(message.starts_with("cannot read missing.yaml: "), "{message}");

    let message = f
        .concord(&["patch", "apply", "--type", "merge", "d.yaml", "list.json", "--crd", "gone.yaml"])
        .error();
    assert!(message.starts_with("cannot read gone.yaml"), "{message}");
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let f = Fixtures::new();
    f.file("d.yaml", DEPLOYMENT);
    let n = 10_000;
    f.file("deep.json", &format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n)).replacen('}', "1}", 1));
    let mut yaml = String::new();
    for depth in 0..n {
        yaml.push_str(&" ".repeat(depth));
        yaml.push_str("a:\n");
    }
    f.file("deep.yaml", &yaml);
    f.file("deep-flow.yaml", &format!("spec: {}1{}", "[".repeat(n), "]".repeat(n)));
    for (file, kind) in [("deep.json", "merge"), ("deep.yaml", "strategic"), ("deep-flow.yaml", "json")] {
        let message = f.concord(&["patch", "apply", "--type", kind, "d.yaml", file]).error();
        assert!(message.starts_with(&format!("{file}: ")), "{message}");
        assert!(message.contains("nests too deeply"), "{message}");
    }
}

#[test]
fn lines_answers_every_request_in_order() {
    let f = Fixtures::new();
    let deployment: Value = serde_json::from_str(
        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
            "spec":{"template":{"spec":{"containers":[{"name":"app","image":"a"}]}}}}"#,
    )
    .unwrap();
    let cm = |x: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": x}});
    let requests = [
        json!({"id": 1, "op": "apply", "type": "strategic", "object": deployment,
               "patch": {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "b"}]}}}}}),
        Value::String("{not json".into()),
        json!({"id": "bad-directive", "op": "apply", "type": "strategic", "object": deployment, "patch": {"$patch": "frob"}}),
        json!({"id": 4, "op": "create", "type": "json", "original": cm("1"), "modified": cm("2"), "testPreconditions": true}),
        json!({"id": 5, "op": "merge3", "base": cm("1"), "theirs": cm("2"), "mine": cm("3")}),
        json!({"id": 6, "op": "merge3", "base": cm("1"), "theirs": cm("2"), "mine": cm("3"),
               "resolutions": [{"path": "/data/x", "take": "mine"}]}),
        json!({"id": 7, "op": "create", "original": cm("1"), "modified": cm("2")}),
        json!({"id": 8, "op": "frob"}),
        json!({"id": 9, "op": "apply", "type": "merge", "object": cm("1"), "patch": {"data": null}, "extra": 1}),
        json!({"id": 10, "op": "create", "type": "strategic", "original": cm("1"), "modified": cm("2"),
               "current": cm("1"), "overwrite": false}),
    ];
    let input: String = requests
        .iter()
        .map(|r| match r {
            Value::String(raw) => format!("{raw}\n"),
            other => format!("{other}\n"),
        })
        .collect::<String>()
        + "\n"; // a blank line is skipped
    let run = f.run(&["patch", "--lines"], Some(&input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answers: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), 10, "{}", run.stdout);

    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[0]["ok"], true);
    assert_eq!(
        answers[0]["result"]["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "image": "b"}])
    );
    assert_eq!(answers[1]["ok"], false);
    assert!(answers[1].get("id").is_none());
    assert!(answers[1]["error"].as_str().unwrap().starts_with("invalid JSON: "), "{}", answers[1]);
    assert_eq!(
        answers[2],
        json!({"id": "bad-directive", "ok": false, "error": "unknown patch directive at the top level: $patch: \"frob\""})
    );
    assert_eq!(
        answers[3],
        json!({"id": 4, "ok": true, "result": [
            {"op": "test", "path": "/data/x", "value": "1"},
            {"op": "replace", "path": "/data/x", "value": "2"},
        ]})
    );
    assert_eq!(answers[4]["result"]["outcome"], "conflict");
    assert_eq!(answers[4]["ok"], true);
    assert_eq!(answers[5]["result"]["outcome"], "merged");
    assert_eq!(answers[5]["result"]["patch"], json!({"data": {"x": "3"}}));
    assert_eq!(answers[6], json!({"id": 7, "ok": false, "error": "invalid request: create needs \"type\""}));
    assert_eq!(answers[7]["id"], 8);
    assert!(answers[7]["error"].as_str().unwrap().contains("unknown variant `frob`"), "{}", answers[7]);
    assert!(answers[8]["error"].as_str().unwrap().contains("unknown field `extra`"), "{}", answers[8]);
    assert_eq!(answers[9], json!({"id": 10, "ok": true, "result": {"data": {"x": "2"}}}));
}

#[test]
fn lines_survives_a_deeply_nested_request() {
    let f = Fixtures::new();
    let deep =
        format!("{{\"id\":1,\"op\":\"apply\",\"object\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let input =
        format!("{deep}\n{}\n", r#"{"id":2,"op":"apply","type":"merge","object":{"a":1},"patch":{"b":2}}"#);
    let run = f.run(&["patch", "--lines"], Some(&input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answers: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["ok"], false);
    assert!(answers[0]["error"].as_str().unwrap().contains("nests too deeply"), "{}", answers[0]);
    assert_eq!(answers[1], json!({"id": 2, "ok": true, "result": {"a": 1, "b": 2}}));
}

/// Partial documents (no `apiVersion`/`kind`) take the metadata of the kind named with `--kind`
/// or a request's `"kind"`; without it their lists are atomic.
#[test]
fn the_kind_can_be_named_when_documents_do_not_say() {
    let f = Fixtures::new();
    f.file(
        "spec.yaml",
        "spec: {template: {spec: {containers: [{name: app, image: a}, {name: side, image: s}]}}}\n",
    );
    f.file("patch.yaml", "spec: {template: {spec: {containers: [{name: app, image: b}]}}}\n");
    let apply = |extra: &[&str]| {
        let mut args = vec!["patch", "apply", "--type", "strategic", "spec.yaml", "patch.yaml"];
        args.extend_from_slice(extra);
        f.concord(&args)
    };
    let keyed = apply(&["--kind", "apps/v1/Deployment"]).ok();
    assert_eq!(
        keyed["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "image": "b"}, {"name": "side", "image": "s"}])
    );
    let untyped = apply(&[]).ok();
    assert_eq!(untyped["spec"]["template"]["spec"]["containers"], json!([{"name": "app", "image": "b"}]));
    // A bad value is a usage error, reported by clap (exit code 2, with its usage hint).
    let bad_kind = apply(&["--kind", "Deployment"]);
    assert_eq!(bad_kind.code, 2);
    assert!(bad_kind.stderr.contains("is not a kind"), "{}", bad_kind.stderr);

    let request = json!({"op": "apply", "type": "strategic", "kind": "apps/v1/Deployment",
        "object": {"spec": {"template": {"spec": {"containers": [{"name": "app"}, {"name": "side"}]}}}},
        "patch": {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "b"}]}}}}});
    let bad = json!({"op": "apply", "type": "strategic", "kind": "nope", "object": {}, "patch": {}});
    let run = f.run(&["patch", "--lines"], Some(&format!("{request}\n{bad}\n")));
    let answers: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        answers[0]["result"]["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "image": "b"}, {"name": "side"}])
    );
    assert_eq!(answers[1]["ok"], json!(false));
    assert!(answers[1]["error"].as_str().unwrap().contains("not a kind"), "{}", answers[1]);
}
