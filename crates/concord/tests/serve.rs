//! `concord serve` with no cluster configured: the real binary starts its own sandbox with the
//! demo data, offers it as a cluster, and saves an edit of a demo object through the edit
//! protocol, under the kubeconfig user's name.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// Kills the server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_without_a_cluster_starts_the_sandbox_with_demo_data() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .env_remove("XDG_DATA_HOME")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let _running = Running(child);
    let mut lines = Vec::new();
    let mut concord = None;
    let mut sandbox = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("concord listening on ") {
            concord = Some(rest.to_owned());
        }
        if let Some(rest) = line.split("started the sandbox at ").nth(1) {
            sandbox = rest.split(' ').next().map(str::to_owned);
        }
        lines.push(line);
        if concord.is_some() {
            break;
        }
    }
    let (concord, sandbox) = (concord.expect("it listens"), sandbox.expect("it says it started the sandbox"));
    assert!(lines.iter().any(|l| l.contains("loaded the demo data")), "{lines:?}");
    assert!(home.path().join(".local/share/concord/sandbox/kubeconfig").is_file());

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let clusters: Value =
            http.get(format!("{concord}/api/v1/clusters")).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            clusters,
            json!({"auth": "kubeconfig", "clusters": [{"name": "concord-sandbox", "user": "concord-sandbox", "default": true}]})
        );
        // The demo ConfigMap, loaded straight from the sandbox (loopback clients are its
        // administrators), then edited through Concord.
        let base: Value = http
            .get(format!("{sandbox}/api/v1/namespaces/demo/configmaps/web-config"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut mine = base.clone();
        mine["data"]["log-level"] = json!("debug");
        let response = http
            .post(format!("{concord}/api/v1/edit"))
            .header("x-concord-csrf", "1")
            .json(&json!({"base": base, "mine": mine}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["outcome"], "applied");
        assert_eq!(answer["object"]["data"]["log-level"], "debug");
        let managers: Vec<&str> = answer["object"]["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["manager"].as_str())
            .collect();
        assert!(managers.contains(&"concord:concord-sandbox"), "{managers:?}");
    });
}

/// `concord serve`'s output up to the line naming its URL; the URL.
fn listening(child: &mut Child) -> String {
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        if let Some(rest) = line.unwrap().strip_prefix("concord listening on ") {
            return rest.to_owned();
        }
    }
    panic!("concord serve ended without listening");
}

#[test]
fn serve_with_token_auth_needs_a_sign_in_and_refuses_unsafe_setups() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("session-key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    let serve = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
        command
            .arg("serve")
            .args(args)
            .env("HOME", home.path())
            .env_remove("KUBECONFIG")
            .env_remove("XDG_DATA_HOME");
        command
    };

    // Acting as the kubeconfig's user for anyone on the network, or as the pod's service
    // account for users, is refused; so is a short session key.
    let refused = |args: &[&str], expected: &str| {
        let output = serve(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    };
    refused(&["--listen", "0.0.0.0:0"], "listens on loopback only");
    refused(&["--in-cluster"], "--in-cluster needs --auth token or --auth proxy");
    std::fs::write(home.path().join("short"), "tiny").unwrap();
    let short = home.path().join("short");
    refused(&["--auth", "token", "--session-key-file", short.to_str().unwrap()], "it needs at least 32");
    refused(
        &["--auth", "token", "--in-cluster", "--listen", "127.0.0.1:0"],
        "--in-cluster: not running in a pod",
    );

    let mut child =
        serve(&["--auth", "token", "--listen", "127.0.0.1:0", "--session-key-file", key.to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    let concord = listening(&mut child);
    let _running = Running(child);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let answer = http.get(format!("{concord}/api/v1/clusters")).send().await.unwrap();
        assert_eq!(answer.status(), 401);
        let session: Value =
            http.get(format!("{concord}/api/v1/session")).send().await.unwrap().json().await.unwrap();
        assert_eq!(session["mode"], "token");
        // The sandbox without a token file takes any loopback client for its administrator:
        // a sign-in works and says who the cluster took the token for.
        let signed = http
            .post(format!("{concord}/api/v1/session"))
            .header("x-concord-csrf", "1")
            .json(&json!({"token": "anything"}))
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 200);
        let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let clusters =
            http.get(format!("{concord}/api/v1/clusters")).header("cookie", cookie).send().await.unwrap();
        assert_eq!(clusters.status(), 200);
        let document: Value =
            http.get(format!("{concord}/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
        assert_eq!(document["openapi"], "3.1.0");
    });
}
