//! Real kubectl 1.32 request bodies: kubectl runs against a throwaway listener that keeps every
//! request and answers 404 (but for a little discovery), and each protobuf body it sent must decode to the JSON that kubectl
//! itself prints for the same object (`--dry-run=client -o json`, which is Go's JSON encoder on
//! the same Go object).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const KUBECTL: &str = "/usr/bin/kubectl";

/// One request kubectl sent.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    content_type: String,
    body: Vec<u8>,
}

/// A listener on 127.0.0.1 that records requests until dropped.
struct Listener {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (Arc::clone(&requests), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    if let Some(request) = serve(stream) {
                        requests.lock().expect("requests lock").push(request);
                    }
                }
            })
        };
        Self { port, requests, stop, thread: Some(thread) }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests lock").clone()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const NOT_FOUND: &str =
    r#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#;

/// Legacy (unaggregated) discovery of pods and deployments, enough for kubectl to map the
/// resources of `kubectl create role`.
fn discovery(path: &str) -> Option<Value> {
    let resource = |name: &str, kind: &str| {
        json!({"name": name, "singularName": "", "namespaced": true, "kind": kind,
               "verbs": ["create", "get", "list"]})
    };
    let apps = json!({"groupVersion": "apps/v1", "version": "v1"});
    match path {
        "/api" => Some(json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})),
        "/apis" => Some(json!({"kind": "APIGroupList", "apiVersion": "v1",
            "groups": [{"name": "apps", "versions": [apps], "preferredVersion": apps}]})),
        "/api/v1" => Some(json!({"kind": "APIResourceList", "groupVersion": "v1",
            "resources": [resource("pods", "Pod")]})),
        "/apis/apps/v1" => Some(json!({"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": "apps/v1", "resources": [resource("deployments", "Deployment")]})),
        _ => None,
    }
}

/// Reads one HTTP/1.1 request and answers 404 with a Status, closing the connection.
fn serve(stream: TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let (mut length, mut content_type) = (0usize, String::new());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().ok()?,
                "content-type" => content_type = value.trim().to_owned(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (status, answer) = match discovery(path.split('?').next().unwrap_or_default()) {
        Some(document) => ("200 OK", document.to_string()),
        None => ("404 Not Found", NOT_FOUND.to_owned()),
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(answer.as_bytes()).ok()?;
    Some(Request { method, path, content_type, body })
}

/// Runs kubectl against a fresh listener, with a private HOME (for its discovery cache) and a
/// time limit; returns what it printed and the requests it sent.
fn kubectl(args: &[&str]) -> (String, Vec<Request>) {
    let listener = Listener::start();
    let home = std::env::temp_dir().join(format!("concord-protobuf-kubectl-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("kubectl home");
    let mut command = Command::new(KUBECTL);
    let server = format!("http://127.0.0.1:{}", listener.port);
    command
        .args(["--server", &server, "--request-timeout=20s"])
        .args(args)
        .env("HOME", &home)
        .env("KUBECONFIG", home.join("no-kubeconfig"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("kubectl starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("kubectl status").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("kubectl {args:?} did not finish in 60s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("kubectl output");
    }
    (stdout, listener.requests())
}

/// The protobuf bodies kubectl sends for `args`.
fn protobuf_bodies(args: &[&str]) -> Vec<Request> {
    let (_, requests) = kubectl(args);
    requests.into_iter().filter(|r| r.content_type == concord_protobuf::CONTENT_TYPE).collect()
}

fn have_kubectl() -> bool {
    let found = Path::new(KUBECTL).exists();
    if !found {
        eprintln!("{KUBECTL} is missing: skipping the real kubectl bodies");
    }
    found
}

/// Decodes the one protobuf body `args` sends and checks it against the upstream schema.
fn decoded(args: &[&str]) -> (Request, Value) {
    let bodies = protobuf_bodies(args);
    assert_eq!(bodies.len(), 1, "kubectl {args:?} sent {bodies:?}");
    let request = bodies[0].clone();
    let object = concord_protobuf::decode(&request.body).unwrap_or_else(|e| panic!("kubectl {args:?}: {e}"));
    common::assert_upstream_names(&object);
    (request, object)
}

#[test]
fn kubectl_create_bodies_decode_to_kubectls_own_json() {
    if !have_kubectl() {
        return;
    }
    let commands: &[&[&str]] = &[
        &["create", "namespace", "demo"],
        &["create", "configmap", "cm", "--from-literal=a=b", "--from-literal=c=d"],
        &["create", "secret", "generic", "s", "--from-literal=k=v", "--type=Opaque"],
        &[
            "create",
            "secret",
            "docker-registry",
            "reg",
            "--docker-server=r.example",
            "--docker-username=u",
            "--docker-password=p",
        ],
        &["create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80"],
        &["create", "deployment", "idle", "--image=nginx", "--replicas=0"],
        &["create", "service", "clusterip", "svc", "--tcp=80:8080", "--tcp=443:https"],
        &["create", "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080"],
        &["create", "service", "externalname", "en", "--external-name=example.com"],
        &["create", "job", "j", "--image=busybox", "--", "echo", "hi"],
        &["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--", "date"],
        &["create", "role", "r", "--verb=get,list", "--resource=pods,deployments.apps", "--resource-name=x"],
        &[
            "create",
            "rolebinding",
            "rb",
            "--role=r",
            "--user=alice",
            "--serviceaccount=default:sa",
            "--group=devs",
        ],
        &["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/logs"],
        &["create", "clusterrole", "agg", "--aggregation-rule=rbac.example.com/agg=true"],
        &["create", "clusterrolebinding", "crb", "--clusterrole=cr", "--user=bob"],
        &["create", "serviceaccount", "sa"],
        &[
            "create",
            "ingress",
            "ing",
            "--class=nginx",
            "--rule=foo.com/bar=svc1:8080,tls=my-cert",
            "--rule=bar.com/*=svc2:http",
            "--default-backend=def:80",
            "--annotation=a=b",
        ],
        &["create", "quota", "q", "--hard=cpu=1,memory=1G,pods=2", "--scopes=BestEffort"],
        &["create", "poddisruptionbudget", "pdb", "--selector=app=x", "--min-available=50%"],
        &[
            "create",
            "priorityclass",
            "pc",
            "--value=1000",
            "--global-default=true",
            "--description=d",
            "--preemption-policy=Never",
        ],
    ];
    for args in commands {
        let (request, object) = decoded(args);
        assert_eq!(request.method, "POST", "{args:?}");
        // Flags go before a `--` that starts the container's command.
        let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let dry_run = [&args[..split], &["--dry-run=client", "-o", "json"], &args[split..]].concat();
        let printed: Value = serde_json::from_str(&kubectl(&dry_run).0)
            .unwrap_or_else(|e| panic!("kubectl {dry_run:?} printed no JSON: {e}"));
        assert_eq!(object, printed, "kubectl {args:?}");
    }
}

#[test]
fn kubectl_create_deployment_keeps_zero_replicas() {
    if !have_kubectl() {
        return;
    }
    let (request, object) = decoded(&["create", "deployment", "idle", "--image=nginx", "--replicas=0"]);
    assert!(request.path.starts_with("/apis/apps/v1/namespaces/default/deployments?"));
    assert_eq!(object["spec"]["replicas"], 0);
}

#[test]
fn kubectl_auth_can_i_sends_a_self_subject_access_review() {
    if !have_kubectl() {
        return;
    }
    let (request, object) = decoded(&["auth", "can-i", "get", "pods", "-n", "x"]);
    assert_eq!(
        request.path.split('?').next(),
        Some("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
    );
    assert_eq!(
        object,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": {"resourceAttributes": {"namespace": "x", "verb": "get", "resource": "pods"}},
            "status": {"allowed": false},
        })
    );
}

#[test]
fn kubectl_create_token_sends_a_token_request() {
    if !have_kubectl() {
        return;
    }
    let (request, object) = decoded(&["create", "token", "builder", "--duration=10m", "--audience=api"]);
    assert_eq!(
        request.path.split('?').next(),
        Some("/api/v1/namespaces/default/serviceaccounts/builder/token")
    );
    assert_eq!(
        object,
        json!({
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": {"audiences": ["api"], "expirationSeconds": 600},
            "status": {"token": "", "expirationTimestamp": null},
        })
    );
}
