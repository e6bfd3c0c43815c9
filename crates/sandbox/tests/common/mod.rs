//! Shared test support: a sandbox on a free loopback port with its own data directory, a
//! kubeconfig for it, and kubectl runs against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use concord_sandbox::{Config, Sandbox};

/// A running sandbox and its files; dropping it stops the server and removes the files.
pub struct TestSandbox {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

/// Starts a sandbox with default options.
pub async fn start() -> TestSandbox {
    start_with(|_| {}).await
}

/// Starts a sandbox after letting `configure` change its options.
pub async fn start_with(configure: impl FnOnce(&mut Config)) -> TestSandbox {
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    let mut config = Config::new(&dir.path().join("data"));
    config.kubeconfig = Some(kubeconfig.clone());
    configure(&mut config);
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    TestSandbox { sandbox, dir, kubeconfig }
}

impl TestSandbox {
    /// Runs kubectl with this sandbox's kubeconfig, `stdin` as its input.
    pub async fn kubectl_in(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run_kubectl(&self.kubeconfig, args, stdin, &[]).await
    }

    /// Runs kubectl and asserts it succeeded; returns its stdout.
    pub async fn kubectl(&self, args: &[&str]) -> String {
        self.kubectl_ok(args, None).await
    }

    /// Runs kubectl with a document on stdin and asserts it succeeded.
    pub async fn kubectl_stdin(&self, args: &[&str], stdin: &str) -> String {
        self.kubectl_ok(args, Some(stdin)).await
    }

    async fn kubectl_ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.kubectl_in(args, stdin).await;
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs kubectl expecting failure; returns its stderr.
    pub async fn kubectl_fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.kubectl_in(args, stdin).await;
        assert!(
            !out.status.success(),
            "kubectl {args:?} should have failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// The sandbox's base URL.
    pub fn url(&self) -> String {
        self.sandbox.url()
    }
}

/// Runs `/usr/bin/kubectl` (or `$KUBECTL`) against a kubeconfig, off the async runtime.
pub async fn run_kubectl(
    kubeconfig: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let kubeconfig = kubeconfig.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.map(str::to_string);
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let kubectl = std::env::var("KUBECTL").unwrap_or_else(|_| "/usr/bin/kubectl".into());
        let mut command = std::process::Command::new(kubectl);
        command
            .args(&args)
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", kubeconfig.parent().unwrap_or(Path::new("/tmp")))
            .envs(env)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("kubectl runs");
        if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("kubectl finishes")
    })
    .await
    .expect("kubectl task")
}
