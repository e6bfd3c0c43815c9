//! `concord edit` end to end: the real binary against a sandbox (with the demo data), with
//! `EDITOR` set to small shell scripts that play the user — and, with kubectl, someone else
//! changing or deleting the object while "the user" is editing it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

const KUBECTL: &str = "/usr/bin/kubectl";

/// A sandbox with the demo data, its kubeconfig, and a directory for editor scripts and what
/// they saw.
struct Env {
    // Dropped in this order: the sandbox while its runtime and directory are still there.
    _sandbox: concord_sandbox::Sandbox,
    _runtime: tokio::runtime::Runtime,
    kubeconfig: PathBuf,
    dir: tempfile::TempDir,
}

/// What a run of `concord edit` printed and returned.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Env {
    fn start() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        // The sandbox keeps serving on the runtime's workers while the test thread runs concord.
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let mut config = concord_sandbox::Config::new(&dir.path().join("data"));
        config.kubeconfig = Some(kubeconfig.clone());
        let sandbox = runtime.block_on(concord_sandbox::Sandbox::start(config)).unwrap();
        runtime.block_on(async {
            let file = kube::config::Kubeconfig::read_from(&kubeconfig).unwrap();
            let (clusters, default) =
                concord_server::kubeconfig::clusters(&file, None, concord_server::cluster::DEFAULT_TIMEOUT)
                    .await
                    .unwrap();
            concord_server::demo::load(&clusters[&default].cluster).await.unwrap();
        });
        Env { _sandbox: sandbox, _runtime: runtime, kubeconfig, dir }
    }

    /// An editor (the only one: this replaces the last) that plays `steps`, one shell snippet per opening (`$1` is the file; `$KC` the
    /// kubeconfig, for kubectl), after copying what it was shown to `seen-<n>`; it leaves the
    /// file alone on openings past the last step.
    fn editor(&self, steps: &[&str]) -> PathBuf {
        let dir = self.dir.path();
        let mut script = format!(
            "#!/bin/sh\nset -e\nn=$(cat '{d}/count' 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > '{d}/count'\ncp \"$1\" '{d}/seen-'$n\ncase $n in\n",
            d = dir.display()
        );
        for (i, step) in steps.iter().enumerate() {
            script.push_str(&format!("{}) {step} ;;\n", i + 1));
        }
        script.push_str("esac\n");
        let path = dir.join("editor.sh");
        std::fs::write(&path, script).unwrap();
        std::fs::remove_file(dir.join("count")).ok();
        std::process::Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        path
    }

    /// What the editor was shown on its `n`th opening.
    fn seen(&self, n: usize) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("seen-{n}"))).unwrap()
    }

    /// How many times the editor was opened.
    fn openings(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("count")).map_or(0, |c| c.trim().parse().unwrap())
    }

    /// Runs `concord edit <args>` with `editor` and this sandbox's kubeconfig.
    fn edit(&self, editor: &Path, args: &[&str]) -> Run {
        self.edit_with(editor, &self.kubeconfig, args)
    }

    fn edit_with(&self, editor: &Path, kubeconfig: &Path, args: &[&str]) -> Run {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
            .arg("edit")
            .args(args)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .env("EDITOR", editor)
            .env("KC", &self.kubeconfig)
            .env_remove("KUBE_EDITOR")
            .env("TMPDIR", self.dir.path())
            .output()
            .unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// The live object, as kubectl reads it.
    fn get(&self, what: &str) -> Value {
        serde_json::from_slice(&self.kubectl(&["get", what, "-o", "json", "--show-managed-fields"])).unwrap()
    }

    /// Runs kubectl in the namespace `demo`; its output.
    fn kubectl(&self, args: &[&str]) -> Vec<u8> {
        let out = std::process::Command::new(KUBECTL)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["-n", "demo"])
            .args(args)
            .output()
            .expect("kubectl (v1.32) is part of every machine");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }
}

impl Run {
    fn ok(&self, stdout: &str) {
        assert_eq!((self.code, self.stdout.as_str()), (Some(0), stdout), "stderr: {}", self.stderr);
    }

    /// Failed with exit code 2; the message.
    fn failed(&self) -> &str {
        assert_eq!(self.code, Some(2), "stdout: {} stderr: {}", self.stdout, self.stderr);
        self.stderr.trim_end()
    }

    /// The file the failure message says the user's text was kept in.
    fn copy(&self) -> String {
        let (_, path) =
            self.stderr.trim_end().split_once("a copy of your changes has been stored to ").unwrap();
        std::fs::read_to_string(path).unwrap()
    }
}

/// The field managers of an object.
fn managers(object: &Value) -> Vec<&str> {
    object["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect()
}

/// Someone else patching the object (through kubectl) while the user edits.
fn kubectl_patch(what: &str, patch: &str) -> String {
    format!("{KUBECTL} --kubeconfig \"$KC\" -n demo patch {what} --type merge -p '{patch}' >/dev/null")
}

#[test]
fn an_edit_is_saved_as_the_users_field_manager() {
    let env = Env::start();
    let editor = env.editor(&[r#"sed -i 's/^    app: web$/    app: web\n    edited: "yes"/' "$1""#]);
    env.edit(&editor, &["cm/web-config", "-n", "demo"]).ok("configmap/web-config edited\n");
    let shown = env.seen(1);
    assert!(shown.starts_with("# Please edit the object below."), "{shown}");
    assert!(shown.contains("\nkind: ConfigMap\n") && shown.contains("  log-level: info\n"), "{shown}");
    let body: String = shown.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(!body.contains("resourceVersion") && !body.contains("managedFields"), "{shown}");
    let live = env.get("configmap/web-config");
    assert_eq!(live["metadata"]["labels"]["edited"], "yes");
    assert!(managers(&live).contains(&"concord:concord-sandbox"), "{:?}", managers(&live));
}

#[test]
fn saving_unchanged_or_empty_cancels() {
    let env = Env::start();
    let before = env.get("configmap/web-config");
    env.edit(&env.editor(&[]), &["cm/web-config", "-n", "demo"]).ok("Edit cancelled, no changes made.\n");
    env.edit(&env.editor(&[": > \"$1\""]), &["cm/web-config", "-n", "demo"])
        .ok("Edit cancelled, saved file was empty.\n");
    assert_eq!(
        env.get("configmap/web-config")["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );
}

#[test]
fn invalid_yaml_reopens_with_the_error_and_the_users_text() {
    let env = Env::start();
    let editor = env.editor(&[
        r#"sed -i 's/^  log-level: info$/  log-level: [unclosed/' "$1""#,
        r#"sed -i 's/^  log-level: \[unclosed$/  log-level: debug/' "$1""#,
    ]);
    env.edit(&editor, &["configmap/web-config", "-n", "demo"]).ok("configmap/web-config edited\n");
    let reopened = env.seen(2);
    assert!(
        reopened.contains("# configmap/web-config could not be saved:\n#   the edited object: invalid YAML"),
        "{reopened}"
    );
    assert!(reopened.contains("\n  log-level: [unclosed\n"), "{reopened}");
    assert_eq!(env.get("configmap/web-config")["data"]["log-level"], "debug");
}

#[test]
fn a_refusal_by_the_cluster_reopens_and_saving_it_unchanged_keeps_a_copy() {
    let env = Env::start();
    // The Widget CRD allows sizes small, medium and large only.
    let editor = env.editor(&[r#"sed -i 's/^  size: medium$/  size: huge/' "$1""#]);
    let run = env.edit(&editor, &["widgets.demo.concord.dev/sprocket", "-n", "demo"]);
    assert!(
        run.failed().starts_with("concord: the edit was abandoned (the file was saved unchanged); a copy"),
        "{run:?}"
    );
    let reopened = env.seen(2);
    assert!(reopened.contains("# widget.demo.concord.dev/sprocket could not be saved:\n#   "), "{reopened}");
    assert!(reopened.contains("huge"), "{reopened}");
    assert!(run.copy().contains("\n  size: huge\n"));
    assert_eq!(env.get("widget/sprocket")["spec"]["size"], "medium");

    // Fixed on the second opening, it saves.
    let editor = env.editor(&[
        r#"sed -i 's/^  size: medium$/  size: huge/' "$1""#,
        r#"sed -i 's/^  size: huge$/  size: large/' "$1""#,
    ]);
    env.edit(&editor, &["widget", "sprocket", "-n", "demo"]).ok("widget.demo.concord.dev/sprocket edited\n");
    assert_eq!(env.get("widget/sprocket")["spec"]["size"], "large");
}

#[test]
fn a_change_to_another_field_meanwhile_is_merged() {
    let env = Env::start();
    let step = format!(
        "{} && sed -i 's/^  log-level: info$/  log-level: debug/' \"$1\"",
        kubectl_patch("configmap/web-config", r#"{"data":{"greeting":"hello meanwhile"}}"#)
    );
    env.edit(&env.editor(&[&step]), &["cm/web-config", "-n", "demo"])
        .ok("configmap/web-config edited (merged with a change made meanwhile)\n");
    let live = env.get("configmap/web-config");
    assert_eq!(live["data"]["greeting"], "hello meanwhile");
    assert_eq!(live["data"]["log-level"], "debug");
}

/// The first opening: someone sets `log-level` to warn and adds the label `theirs`, while the
/// user sets it to debug and adds the label `mine`.
fn conflicting_first_step() -> String {
    format!(
        "{} && sed -i -e 's/^  log-level: info$/  log-level: debug/' -e 's/^    app: web$/    app: web\\n    mine: \"1\"/' \"$1\"",
        kubectl_patch(
            "configmap/web-config",
            r#"{"data":{"log-level":"warn"},"metadata":{"labels":{"theirs":"1"}}}"#
        )
    )
}

#[test]
fn a_conflict_reopens_with_markers_and_the_resolution_is_saved() {
    let env = Env::start();
    let first = conflicting_first_step();
    // Keep mine: drop the base and theirs sections and the opening marker.
    let keep_mine = r#"sed -i -e '/^ *||||||| base$/,/^ *>>>>>>> theirs$/d' -e '/^ *<<<<<<< mine$/d' "$1""#;
    env.edit(&env.editor(&[&first, keep_mine]), &["cm/web-config", "-n", "demo"])
        .ok("configmap/web-config edited\n");
    let marked = env.seen(2);
    let block = "data:\n  greeting: Hello from Concord\n  <<<<<<< mine\n  log-level: debug\n  ||||||| base\n  log-level: info\n  =======\n  log-level: warn\n  >>>>>>> theirs\n";
    assert!(marked.contains(block), "{marked}");
    assert!(
        marked.contains("# configmap/web-config was changed while you edited it, last by kubectl-patch at "),
        "{marked}"
    );
    assert!(marked.contains("#   /data/log-level\n"), "{marked}");
    // Both people's other changes are in the merge already.
    assert!(marked.contains("    theirs: \"1\"\n    mine: \"1\"\n"), "{marked}");
    let live = env.get("configmap/web-config");
    assert_eq!(live["data"]["log-level"], "debug");
    assert_eq!(live["metadata"]["labels"]["mine"], "1");
    assert_eq!(live["metadata"]["labels"]["theirs"], "1");
    assert!(managers(&live).contains(&"concord:concord-sandbox"));
}

#[test]
fn a_conflict_resolved_while_the_object_changes_again_is_merged_again() {
    let env = Env::start();
    let first = conflicting_first_step();
    // Keep theirs, while someone changes the greeting: saved over the version resolved against,
    // the resolution is merged with that change.
    let keep_theirs = format!(
        "{} && sed -i -e '/^ *<<<<<<< mine$/,/^ *=======$/d' -e '/^ *>>>>>>> theirs$/d' \"$1\"",
        kubectl_patch("configmap/web-config", r#"{"data":{"greeting":"again"}}"#)
    );
    env.edit(&env.editor(&[&first, &keep_theirs]), &["cm/web-config", "-n", "demo"])
        .ok("configmap/web-config edited (merged with a change made meanwhile)\n");
    let live = env.get("configmap/web-config");
    assert_eq!(live["data"]["log-level"], "warn");
    assert_eq!(live["data"]["greeting"], "again");
    assert_eq!(live["metadata"]["labels"]["mine"], "1");
}

#[test]
fn a_conflict_in_a_container_is_marked_in_its_list_element() {
    let env = Env::start();
    let first = format!(
        "{KUBECTL} --kubeconfig \"$KC\" -n demo patch deployment web -p '{}' >/dev/null && sed -i -e 's/image: nginx:1.27$/image: nginx:1.29/' -e 's/cpu: 100m$/cpu: 200m/' \"$1\"",
        r#"{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}"#
    );
    let keep_mine = r#"sed -i -e '/^ *||||||| base$/,/^ *>>>>>>> theirs$/d' -e '/^ *<<<<<<< mine$/d' "$1""#;
    env.edit(&env.editor(&[&first, keep_mine]), &["deploy/web", "-n", "demo"])
        .ok("deployment.apps/web edited\n");
    let marked = env.seen(2);
    let block = "      containers:\n      - name: web\n        <<<<<<< mine\n        image: nginx:1.29\n        ||||||| base\n        image: nginx:1.27\n        =======\n        image: nginx:1.28\n        >>>>>>> theirs\n";
    assert!(marked.contains(block), "{marked}");
    assert!(marked.contains("#   /spec/template/spec/containers/name=web/image\n"), "{marked}");
    assert!(marked.contains("\n  replicas: 3\n") && marked.contains("\n            cpu: 200m\n"), "{marked}");
    let live = env.get("deployment/web");
    let container = &live["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        (&container["image"], &container["resources"]["requests"]["cpu"]),
        (&"nginx:1.29".into(), &"200m".into())
    );
    assert_eq!(live["spec"]["replicas"], 3);
}

#[test]
fn markers_left_in_reopen_and_giving_up_keeps_a_copy() {
    let env = Env::start();
    let first = conflicting_first_step();
    // Resolve nothing but change something else: refused, markers still there.
    let touch = r#"sed -i 's/^  greeting: Hello from Concord$/  greeting: touched/' "$1""#;
    let run = env.edit(&env.editor(&[&first, touch]), &["cm/web-config", "-n", "demo"]);
    assert_eq!(env.openings(), 3);
    let refused = env.seen(3);
    assert!(refused.contains("#   conflict markers remain (line "), "{refused}");
    assert!(refused.contains("  greeting: touched\n  <<<<<<< mine\n"), "{refused}");
    // Saved unchanged on the third opening: abandoned, the text kept.
    assert!(run.failed().contains("the edit was abandoned"), "{run:?}");
    let copy = run.copy();
    assert!(
        copy.contains("  <<<<<<< mine\n  log-level: debug\n") && copy.contains("greeting: touched"),
        "{copy}"
    );
    let live = env.get("configmap/web-config");
    assert_eq!(live["data"]["log-level"], "warn");
    assert_eq!(live["data"]["greeting"], "Hello from Concord");
}

#[test]
fn an_object_deleted_meanwhile_is_an_error_with_the_text_kept() {
    let env = Env::start();
    let step = format!(
        "{KUBECTL} --kubeconfig \"$KC\" -n demo delete configmap web-config >/dev/null && sed -i 's/^  log-level: info$/  log-level: debug/' \"$1\""
    );
    let run = env.edit(&env.editor(&[&step]), &["cm/web-config", "-n", "demo"]);
    assert!(
        run.failed()
            .starts_with("concord: configmap/web-config was deleted while you were editing it; a copy"),
        "{run:?}"
    );
    assert!(run.copy().contains("  log-level: debug\n"));

    // Deleted and made again under the same name: another object, which the edit must not touch.
    let step = format!(
        "{KUBECTL} --kubeconfig \"$KC\" -n demo delete configmap web >/dev/null && {KUBECTL} --kubeconfig \"$KC\" -n demo create configmap web --from-literal=log-level=warn >/dev/null && sed -i 's/^  log-level: info$/  log-level: debug/' \"$1\""
    );
    env.kubectl(&["create", "configmap", "web", "--from-literal=log-level=info"]);
    let run = env.edit(&env.editor(&[&step]), &["cm/web", "-n", "demo"]);
    assert!(
        run.failed().starts_with(
            "concord: configmap/web was replaced by another object of the same name while you were editing it; a copy"
        ),
        "{run:?}"
    );
    assert_eq!(env.get("configmap/web")["data"]["log-level"], "warn");
}

#[test]
fn kinds_resolve_like_kubectl() {
    let env = Env::start();
    let replicas = |from: u32, to: u32| format!("sed -i 's/^  replicas: {from}$/  replicas: {to}/' \"$1\"");
    for (i, (kind, from)) in
        [("deploy/web", 2), ("deployments.apps/web", 3), ("Deployment/web", 4)].iter().enumerate()
    {
        let editor = env.editor(&[&replicas(*from, from + 1)]);
        env.edit(&editor, &[kind, "-n", "demo"]).ok("deployment.apps/web edited\n");
        assert_eq!(env.get("deployment/web")["spec"]["replicas"], from + 1, "{i}: {kind}");
    }
    let editor = env.editor(&[r#"sed -i 's/^  color: teal$/  color: red/' "$1""#]);
    env.edit(&editor, &["widgets/sprocket", "-n", "demo"]).ok("widget.demo.concord.dev/sprocket edited\n");
    assert_eq!(env.get("widget/sprocket")["spec"]["color"], "red");

    let unchanged = env.editor(&[]);
    env.edit(&unchanged, &["svc", "web", "-n", "demo"]).ok("Edit cancelled, no changes made.\n");
    env.edit(&unchanged, &["ns/demo"]).ok("Edit cancelled, no changes made.\n");
    assert_eq!(
        env.edit(&unchanged, &["frobs/x", "-n", "demo"]).failed(),
        r#"concord: the server doesn't have a resource type "frobs""#
    );
    assert_eq!(
        env.edit(&unchanged, &["cm/nope", "-n", "demo"]).failed(),
        r#"concord: configmaps "nope" not found in namespace "demo""#
    );
    assert!(env.edit(&unchanged, &["cm"]).failed().contains("<kind>/<name>"));
}

#[test]
fn the_namespace_defaults_to_the_contexts() {
    let env = Env::start();
    let text =
        std::fs::read_to_string(&env.kubeconfig).unwrap().replace("namespace: default", "namespace: demo");
    let kubeconfig = env.dir.path().join("kubeconfig-demo");
    std::fs::write(&kubeconfig, text).unwrap();
    let unchanged = env.editor(&[]);
    env.edit_with(&unchanged, &kubeconfig, &["cm/web-config"]).ok("Edit cancelled, no changes made.\n");
    // The sandbox's own kubeconfig says `default`, where there is no such ConfigMap.
    assert!(
        env.edit(&unchanged, &["cm/web-config"]).failed().ends_with(r#"not found in namespace "default""#)
    );
    let run = env.edit_with(&unchanged, &kubeconfig, &["cm/web-config", "--context", "elsewhere"]);
    assert!(run.failed().contains("elsewhere"), "{run:?}");
}
