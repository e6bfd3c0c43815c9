//! The deployment (`deploy/` and the `Dockerfile` at the repository's root), checked three ways:
//!
//! - kubectl itself applies the manifests to a sandbox, first as a server-side dry run with
//!   strict field validation and then for real, and `kubectl auth can-i`, asked as Concord's
//!   service account, shows what the RBAC objects really grant (evaluated by the sandbox's
//!   authorizer, which follows kube-apiserver's);
//! - the parsed manifests must run `concord serve` as designed (replicas, flags, session key,
//!   probes, hardening) and grant no more than reads (and, for `--auth proxy`, impersonation);
//! - the Deployment must agree with the real binary (every flag it passes is accepted by
//!   `concord serve`) and with the Dockerfile (user, binary path, port, a Rust new enough for
//!   every locked dependency);
//! - the real `concord serve`, run with the Deployment's arguments as the service account,
//!   serves a person's live updates once `02-rbac.yaml` is applied and not before, and in
//!   `--auth proxy` mode acts as the person the headers name once `proxy/` is applied and not
//!   before: the RBAC granted is not only small but enough.
//!
//! kubectl is part of every machine (`/usr/bin/kubectl`); these tests fail when it is missing
//! rather than pass without checking anything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

const KUBECTL: &str = "/usr/bin/kubectl";

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn deploy_dir() -> PathBuf {
    root().join("deploy")
}

/// The `.yaml` files directly in `dir`, in name order (the order `kubectl apply -f dir` uses).
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml"))
        .collect();
    files.sort();
    files
}

/// Every object of the `.yaml` files directly in `dir`, in the order kubectl applies them.
fn objects_in(dir: &Path) -> Vec<Value> {
    let objects: Vec<Value> = yaml_files(dir)
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).expect("a readable manifest");
            serde_saphyr::from_multiple::<Value>(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
        })
        .filter(|object| !object.is_null())
        .collect();
    assert!(!objects.is_empty(), "no manifests in {}", dir.display());
    objects
}

/// The default set: what `kubectl apply -f deploy/` applies.
fn default_objects() -> Vec<Value> {
    objects_in(&deploy_dir())
}

/// The optional objects for `--auth proxy`.
fn proxy_objects() -> Vec<Value> {
    objects_in(&deploy_dir().join("proxy"))
}

/// The one object of `kind` named `name`.
fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    let found: Vec<&Value> =
        objects.iter().filter(|o| o["kind"] == kind && o["metadata"]["name"] == name).collect();
    assert_eq!(found.len(), 1, "expected one {kind} {name}, found {}", found.len());
    found[0]
}

/// `(apiVersion, kind, namespace, name)` of each object.
fn identities(objects: &[Value]) -> BTreeSet<(String, String, String, String)> {
    objects
        .iter()
        .map(|o| {
            let text = |pointer: &str| o.pointer(pointer).and_then(Value::as_str).unwrap_or("").to_owned();
            (text("/apiVersion"), text("/kind"), text("/metadata/namespace"), text("/metadata/name"))
        })
        .collect()
}

fn strings(value: &Value) -> Vec<&str> {
    value.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// The Deployment's only container.
fn container(deployment: &Value) -> &Value {
    let containers = deployment["spec"]["template"]["spec"]["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 1, "Concord's pod has one container");
    &containers[0]
}

/// The value following `flag` in `args` (`--flag value` or `--flag=value`).
fn flag_value<'a>(args: &[&'a str], flag: &str) -> Option<&'a str> {
    let prefix = format!("{flag}=");
    args.iter().enumerate().find_map(|(i, arg)| {
        if *arg == flag { args.get(i + 1).copied() } else { arg.strip_prefix(prefix.as_str()) }
    })
}

/// The container port a probe's or Service's port (a number or a port name) refers to.
fn container_port(container: &Value, port: &Value) -> u64 {
    if let Some(number) = port.as_u64() {
        return number;
    }
    let name = port.as_str().expect("a port number or name");
    container["ports"]
        .as_array()
        .and_then(|ports| ports.iter().find(|p| p["name"] == name))
        .and_then(|p| p["containerPort"].as_u64())
        .unwrap_or_else(|| panic!("the container has no port named {name}"))
}

/// A setting of the container's security context, or else the pod's.
fn security_setting<'a>(deployment: &'a Value, field: &str) -> &'a Value {
    let own = &container(deployment)["securityContext"][field];
    if own.is_null() { &deployment["spec"]["template"]["spec"]["securityContext"][field] } else { own }
}

#[test]
fn deployment_runs_concord_serve_as_designed() {
    let objects = default_objects();
    let deployment = find(&objects, "Deployment", "concord");
    assert_eq!(deployment["metadata"]["namespace"], "concord");
    assert_eq!(deployment["spec"]["replicas"], 2);
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "concord");
    // The service account turns automounting off; --in-cluster needs the token, so the pod must
    // ask for it.
    assert_eq!(pod["automountServiceAccountToken"], true, "--in-cluster needs the service account token");
    let account = find(&objects, "ServiceAccount", "concord");
    assert_eq!(account["metadata"]["namespace"], "concord");

    let container = container(deployment);
    let command = strings(&container["command"]);
    assert_eq!(command.last(), Some(&"serve"), "the container runs `concord serve`: {command:?}");
    let args = strings(&container["args"]);
    assert_eq!(flag_value(&args, "--auth"), Some("token"), "{args:?}");
    assert!(args.contains(&"--in-cluster"), "{args:?}");
    let listen = flag_value(&args, "--listen").expect("--listen");
    let (host, port) = listen.rsplit_once(':').expect("--listen HOST:PORT");
    assert_eq!(host, "0.0.0.0", "the pod's IP must be reachable by the Service and the kubelet");
    let port: u64 = port.parse().expect("a port number");
    assert_eq!(
        container_port(container, &json!("http")),
        port,
        "the port named http is the one Concord listens on"
    );

    // The session key: a file from the Secret concord-session's key `key`, read-only.
    let key_file = flag_value(&args, "--session-key-file").expect("--session-key-file");
    let volumes = pod["volumes"].as_array().expect("volumes");
    let mount = container["volumeMounts"]
        .as_array()
        .expect("volume mounts")
        .iter()
        .find(|m| m["mountPath"].as_str().is_some_and(|dir| key_file.starts_with(&format!("{dir}/"))))
        .unwrap_or_else(|| panic!("nothing is mounted where {key_file} is"));
    assert_eq!(mount["readOnly"], true);
    let volume = volumes.iter().find(|v| v["name"] == mount["name"]).expect("the mounted volume");
    let secret = &volume["secret"];
    assert_eq!(secret["secretName"], "concord-session", "{volume}");
    let item = secret["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["key"] == "key"))
        .expect("the Secret's key `key` is projected");
    let mount_path = mount["mountPath"].as_str().expect("a mount path");
    assert_eq!(format!("{mount_path}/{}", item["path"].as_str().expect("a path")), key_file);
    assert_ne!(secret["optional"], true, "without the key, sessions would not survive a change of replica");
    // Readable by the group the pod runs as (fsGroup), by nobody else.
    let mode = secret["defaultMode"].as_u64().expect("a defaultMode");
    assert_eq!(mode & 0o007, 0, "the key is not world-readable: {mode:o}");
    assert_ne!(mode & 0o040, 0, "the key is readable by the fsGroup: {mode:o}");
    assert_eq!(&pod["securityContext"]["fsGroup"], security_setting(deployment, "runAsUser"));

    // Both probes ask GET /healthz on Concord's port.
    for probe in ["readinessProbe", "livenessProbe"] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"], "/healthz", "{probe}");
        assert_eq!(container_port(container, &get["port"]), port, "{probe}");
    }

    // Hardening.
    assert_eq!(security_setting(deployment, "runAsNonRoot"), true);
    assert!(security_setting(deployment, "runAsUser").as_u64().is_some_and(|uid| uid > 0));
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(container["securityContext"]["allowPrivilegeEscalation"], false);
    assert_eq!(strings(&container["securityContext"]["capabilities"]["drop"]), ["ALL"]);
    assert!(container["securityContext"]["capabilities"]["add"].is_null());
    assert_eq!(security_setting(deployment, "seccompProfile")["type"], "RuntimeDefault");
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(container["resources"][kind][resource].is_string(), "{kind}.{resource} is set");
        }
    }

    // The replicas prefer different nodes.
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    let preferred = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .expect("a preferred pod anti-affinity");
    assert!(
        preferred.iter().any(|p| p["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
            && matches_labels(&p["podAffinityTerm"]["labelSelector"], labels)),
        "{preferred:?}"
    );

    // The Service sends port 80 to Concord's port, on these pods.
    let service = find(&objects, "Service", "concord");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    let service_ports = service["spec"]["ports"].as_array().expect("ports");
    assert_eq!(service_ports.len(), 1);
    assert_eq!(service_ports[0]["port"], 80);
    assert_eq!(container_port(container, &service_ports[0]["targetPort"]), port);
    assert!(matches_labels(&json!({"matchLabels": service["spec"]["selector"]}), labels));
    assert!(matches_labels(&deployment["spec"]["selector"], labels));

    // The disruption budget keeps one of the two up, and covers these pods.
    let budget = find(&objects, "PodDisruptionBudget", "concord");
    assert_eq!(budget["spec"]["minAvailable"], 1);
    assert!(matches_labels(&budget["spec"]["selector"], labels));

    // Everything namespaced is in Concord's namespace.
    find(&objects, "Namespace", "concord");
    for object in &objects {
        let namespace = &object["metadata"]["namespace"];
        assert!(namespace.is_null() || namespace == "concord", "{object}");
    }

    // deploy/README.md tells the operator how to make the Secret the pods need.
    let readme = std::fs::read_to_string(deploy_dir().join("README.md")).expect("deploy/README.md");
    assert!(readme.contains("-n concord create secret generic concord-session"), "deploy/README.md");
    assert!(readme.contains("--from-literal=key="), "deploy/README.md");
}

/// Whether a label selector with `matchLabels` only (all these manifests use) selects `labels`.
fn matches_labels(selector: &Value, labels: &Value) -> bool {
    assert!(selector["matchExpressions"].is_null(), "only matchLabels is understood here");
    let wanted = selector["matchLabels"].as_object().expect("matchLabels");
    !wanted.is_empty() && wanted.iter().all(|(key, value)| &labels[key] == value)
}

/// The rules of every Role and ClusterRole among `objects`.
fn rules(objects: &[Value]) -> Vec<&Value> {
    objects
        .iter()
        .filter(|o| o["kind"] == "ClusterRole" || o["kind"] == "Role")
        .flat_map(|o| o["rules"].as_array().expect("rules").iter())
        .collect()
}

/// Every binding among `objects` binds a role of `objects` to Concord's service account only.
fn assert_bindings_to_concord_only(objects: &[Value]) {
    let bindings: Vec<&Value> =
        objects.iter().filter(|o| o["kind"] == "ClusterRoleBinding" || o["kind"] == "RoleBinding").collect();
    assert!(!bindings.is_empty());
    for binding in bindings {
        assert_eq!(
            binding["subjects"],
            json!([{"kind": "ServiceAccount", "name": "concord", "namespace": "concord"}]),
            "{binding}"
        );
        let role = find(objects, binding["roleRef"]["kind"].as_str().expect("a role kind"), {
            binding["roleRef"]["name"].as_str().expect("a role name")
        });
        assert_eq!(role["kind"], binding["roleRef"]["kind"]);
    }
}

#[test]
fn rbac_grants_reads_and_in_proxy_mode_impersonation_only() {
    let objects = default_objects();
    let cache = find(&objects, "ClusterRole", "concord-cache");
    assert!(cache["aggregationRule"].is_null(), "an aggregated role could gain any rule");
    let granted = rules(&objects);
    assert!(!granted.is_empty());
    for rule in granted {
        let verbs = strings(&rule["verbs"]);
        assert!(!verbs.is_empty());
        // Reads only. Not even `get`: on "*" resources it would match nodes/proxy, pods/exec and
        // other subresources that are not reads (deploy/02-rbac.yaml explains).
        assert!(verbs.iter().all(|v| ["list", "watch"].contains(v)), "the default set may only read: {rule}");
        assert!(rule["nonResourceURLs"].is_null(), "{rule}");
    }
    assert_bindings_to_concord_only(&objects);

    let proxy = proxy_objects();
    let granted = rules(&proxy);
    assert!(!granted.is_empty());
    for rule in granted {
        assert_eq!(strings(&rule["verbs"]), ["impersonate"], "{rule}");
        assert_eq!(strings(&rule["apiGroups"]), [""], "{rule}");
        let resources = strings(&rule["resources"]);
        assert!(!resources.is_empty() && resources.iter().all(|r| ["users", "groups"].contains(r)), "{rule}");
    }
    let mut proxy_and_account = proxy.clone();
    proxy_and_account.extend(objects.iter().filter(|o| o["kind"] == "ServiceAccount").cloned());
    assert_bindings_to_concord_only(&proxy_and_account);
}

#[test]
fn kustomization_lists_the_default_set() {
    let text = std::fs::read_to_string(deploy_dir().join("Kustomization")).expect("deploy/Kustomization");
    let kustomization: Value = serde_saphyr::from_str(&text).expect("YAML");
    assert_eq!(kustomization["kind"], "Kustomization");
    let listed = strings(&kustomization["resources"]);
    let files: Vec<String> = yaml_files(&deploy_dir())
        .iter()
        .map(|p| p.file_name().expect("a file name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(listed, files, "deploy/Kustomization lists every manifest of deploy/, in order");
    // kustomize's own rendering holds the same objects as the files.
    let out = Command::new(KUBECTL).arg("kustomize").arg(deploy_dir()).output().expect("kubectl runs");
    assert!(out.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&out.stderr));
    let rendered: Vec<Value> =
        serde_saphyr::from_multiple(&String::from_utf8_lossy(&out.stdout)).expect("kustomize prints YAML");
    assert_eq!(identities(&rendered), identities(&default_objects()));
}

/// The flag names `concord serve --help` lists.
fn serve_flags() -> BTreeSet<String> {
    let out =
        Command::new(env!("CARGO_BIN_EXE_concord")).args(["serve", "--help"]).output().expect("concord runs");
    assert!(out.status.success(), "concord serve --help: {}", String::from_utf8_lossy(&out.stderr));
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let flags: BTreeSet<String> = help
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-'))
        .flat_map(|line| line.split([',', ' ']).filter_map(|word| word.strip_prefix("--")))
        .map(|word| word.split(['=', '[', '<']).next().unwrap_or_default().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    assert!(flags.contains("listen") && flags.contains("help"), "cannot read the flags of:\n{help}");
    flags
}

#[test]
fn every_flag_of_the_deployment_is_accepted_by_concord_serve() {
    let objects = default_objects();
    let container = container(find(&objects, "Deployment", "concord"));
    let args = strings(&container["args"]);
    let known = serve_flags();
    let missing: Vec<&str> = args
        .iter()
        .filter_map(|arg| arg.strip_prefix("--"))
        .map(|flag| flag.split('=').next().unwrap_or_default())
        .filter(|flag| !known.contains(*flag))
        .collect();
    assert!(
        missing.is_empty(),
        "concord serve does not know the Deployment's flags {missing:?} (it knows {known:?})"
    );
    // The values too: clap checks each argument as it reads it, before acting on the --help at
    // the end, so this fails on a value `concord serve` refuses (say, an --auth mode it lacks).
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("serve")
        .args(&args)
        .arg("--help")
        .output()
        .expect("concord runs");
    assert!(
        out.status.success(),
        "concord serve {} refuses the Deployment's arguments: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One instruction of a Dockerfile: its keyword (upper case) and the rest of it, continuation
/// lines joined.
fn dockerfile() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("Dockerfile")).expect("the Dockerfile");
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (keyword, rest) = current.split_once(char::is_whitespace).unwrap_or((current.as_str(), ""));
        instructions.push((keyword.to_uppercase(), rest.trim().to_owned()));
        current.clear();
    }
    instructions
}

/// `1.95` or `1.95.0` as numbers.
fn rust_version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> =
        text.split('.').map(|p| p.parse().unwrap_or_else(|_| panic!("not a Rust version: {text}"))).collect();
    parts.resize(3, 0);
    parts
}

/// The highest `rust-version` of the `concord` package and of everything it is built from
/// (normal and build dependencies, for Linux), from `cargo metadata` over the lock file.
fn required_rust() -> (Vec<u64>, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", "x86_64-unknown-linux-gnu"])
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages: Map<String, Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("an id").to_owned(), p.clone()))
        .collect();
    let nodes: Map<String, Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("the resolved graph")
        .iter()
        .map(|n| (n["id"].as_str().expect("an id").to_owned(), n.clone()))
        .collect();
    let concord = packages.values().find(|p| p["name"] == "concord").expect("the concord package");
    let mut stack = vec![concord["id"].as_str().expect("an id").to_owned()];
    let mut seen = BTreeSet::new();
    let mut highest = (vec![0, 0, 0], String::new());
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let package = &packages[&id];
        if let Some(version) = package["rust_version"].as_str() {
            let version = rust_version(version);
            if version > highest.0 {
                let name = |field: &str| package[field].as_str().unwrap_or_default().to_owned();
                highest = (version, format!("{} {}", name("name"), name("version")));
            }
        }
        for dep in nodes[&id]["deps"].as_array().expect("deps") {
            let built_from = dep["dep_kinds"]
                .as_array()
                .expect("dep kinds")
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if built_from {
                stack.push(dep["pkg"].as_str().expect("a package id").to_owned());
            }
        }
    }
    assert!(seen.len() > 50, "the dependency walk found only {} packages", seen.len());
    highest
}

#[test]
fn dockerfile_agrees_with_the_deployment_and_the_workspace() {
    let instructions = dockerfile();
    let stages: Vec<usize> =
        instructions.iter().enumerate().filter(|(_, (k, _))| k == "FROM").map(|(i, _)| i).collect();
    assert!(stages.len() >= 2, "a multi-stage build");
    let args: Map<String, Value> = instructions[..stages[0]]
        .iter()
        .filter(|(k, _)| k == "ARG")
        .filter_map(|(_, rest)| rest.split_once('='))
        .map(|(name, value)| (name.to_owned(), json!(value)))
        .collect();
    let expand = |text: &str| {
        args.iter().fold(text.to_owned(), |text, (name, value)| {
            text.replace(&format!("${{{name}}}"), value.as_str().unwrap_or_default())
        })
    };

    // The build stage: the official Rust image on bookworm, building the binary from the lock
    // file, with a Rust no older than anything it builds requires.
    let build = stages
        .iter()
        .copied()
        .find(|&start| {
            instructions[start + 1..]
                .iter()
                .take_while(|(k, _)| k != "FROM")
                .any(|(k, rest)| k == "RUN" && rest.contains("cargo build --release --locked -p concord"))
        })
        .expect("a stage runs `cargo build --release --locked -p concord`");
    let image = expand(&instructions[build].1);
    let tag = image
        .split_whitespace()
        .next()
        .and_then(|image| image.strip_prefix("rust:"))
        .and_then(|tag| tag.strip_suffix("-bookworm"))
        .unwrap_or_else(|| panic!("the build stage is not rust:<version>-bookworm: {image}"));
    let (required, by) = required_rust();
    assert!(
        rust_version(tag) >= required,
        "the build stage's Rust {tag} is older than {required:?}, which {by} requires"
    );

    // The runtime stage: the user, the binary and the port the Deployment relies on.
    let runtime = &instructions[*stages.last().expect("a stage")..];
    let base = &runtime[0].1;
    assert!(
        base.starts_with("gcr.io/distroless/cc-debian12") || base.starts_with("debian:bookworm-slim"),
        "a minimal bookworm runtime: {base}"
    );
    let user = runtime.iter().rev().find(|(k, _)| k == "USER").map(|(_, rest)| rest.as_str()).expect("USER");
    let (uid, gid) = user.split_once(':').unwrap_or((user, user));
    let entrypoint: Vec<String> = runtime
        .iter()
        .rev()
        .find(|(k, _)| k == "ENTRYPOINT")
        .map(|(_, rest)| serde_json::from_str(rest).expect("ENTRYPOINT in exec (JSON) form"))
        .expect("ENTRYPOINT");
    assert_eq!(entrypoint, ["/usr/local/bin/concord", "serve"]);
    assert!(
        runtime
            .iter()
            .any(|(k, rest)| k == "COPY" && rest.starts_with("--from=") && rest.ends_with(&entrypoint[0])),
        "the runtime stage copies the built binary to {}",
        entrypoint[0]
    );
    assert!(runtime.iter().any(|(k, rest)| k == "EXPOSE" && rest.split_whitespace().any(|p| p == "8080")));

    let objects = default_objects();
    let deployment = find(&objects, "Deployment", "concord");
    assert_eq!(
        security_setting(deployment, "runAsUser").as_u64().map(|n| n.to_string()).as_deref(),
        Some(uid),
        "the Deployment runs as the image's user"
    );
    assert_eq!(
        security_setting(deployment, "runAsGroup").as_u64().map(|n| n.to_string()).as_deref(),
        Some(gid)
    );
    assert_eq!(
        strings(&container(deployment)["command"]),
        entrypoint,
        "the Deployment runs the image's binary"
    );
    assert_eq!(container_port(container(deployment), &json!("http")), 8080, "the port the image EXPOSEs");

    // The build context leaves out build outputs and front-end dependencies.
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).expect(".dockerignore");
    let patterns: Vec<&str> = ignore.lines().map(str::trim).filter(|l| !l.starts_with('#')).collect();
    for pattern in ["target/", "**/target/", "**/node_modules/"] {
        assert!(patterns.contains(&pattern), ".dockerignore leaves out {pattern}");
    }
}

/// A sandbox running on its own runtime, and kubectl pointed at it as an administrator.
struct Cluster {
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    runs: std::cell::Cell<usize>,
    sandbox: Option<concord_sandbox::Sandbox>,
    runtime: tokio::runtime::Runtime,
}

impl Cluster {
    /// A sandbox whose loopback clients are administrators.
    fn start() -> Cluster {
        Cluster::start_with_tokens(None)
    }

    /// A sandbox; with `tokens` (kube-apiserver's static token file, which must give
    /// `admin-token` to an administrator), one that knows only those users, over TLS (kubectl
    /// sends bearer tokens over TLS only), with kubectl as the administrator.
    fn start_with_tokens(tokens: Option<&str>) -> Cluster {
        assert!(
            Path::new(KUBECTL).exists(),
            "{KUBECTL} not found: kubectl is part of every machine and these checks need it"
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let mut config = concord_sandbox::Config::new(&dir.path().join("data"));
        if let Some(tokens) = tokens {
            let file = dir.path().join("tokens.csv");
            std::fs::write(&file, tokens).expect("writing the token file");
            config.token_file = Some(file);
            config.tls = true;
        }
        let sandbox = runtime.block_on(concord_sandbox::Sandbox::start(config)).expect("the sandbox starts");
        let kubeconfig = dir.path().join("kubeconfig");
        let admin = tokens.map(|_| "admin-token");
        sandbox.write_kubeconfig(&kubeconfig, admin).expect("a kubeconfig");
        Cluster { dir, kubeconfig, runs: std::cell::Cell::new(0), sandbox: Some(sandbox), runtime }
    }

    /// A kubeconfig for this sandbox that signs in with `token`.
    fn kubeconfig_with(&self, token: &str) -> PathBuf {
        let path = self.dir.path().join(format!("kubeconfig-{token}"));
        self.sandbox
            .as_ref()
            .expect("a running sandbox")
            .write_kubeconfig(&path, Some(token))
            .expect("a kubeconfig");
        path
    }

    /// Runs kubectl with `args`; whether it succeeded, and what it printed (stdout, stderr).
    /// Each run has a discovery cache of its own, so a kind just made is always seen.
    fn kubectl(&self, args: &[&str]) -> (bool, String, String) {
        self.runs.set(self.runs.get() + 1);
        let cache = self.dir.path().join(format!("cache-{}", self.runs.get()));
        let out = Command::new(KUBECTL)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.path())
            .arg("--cache-dir")
            .arg(&cache)
            .args(args)
            .output()
            .expect("kubectl runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs kubectl with `args` and fails the test unless it succeeds; what it printed.
    fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.kubectl(args);
        assert!(ok, "kubectl {} failed:\n{out}{err}", args.join(" "));
        out
    }

    /// `kubectl auth can-i` as Concord's service account (with the groups kube-apiserver gives
    /// it): whether `verb resource [flags]` is allowed.
    fn concord_can(&self, verb_and_resource: &[&str]) -> bool {
        let mut args = vec![
            "auth",
            "can-i",
            "--as=system:serviceaccount:concord:concord",
            "--as-group=system:serviceaccounts",
            "--as-group=system:serviceaccounts:concord",
            "--as-group=system:authenticated",
        ];
        args.extend_from_slice(verb_and_resource);
        let (_, out, err) = self.kubectl(&args);
        match out.trim() {
            "yes" => true,
            "no" => false,
            _ => panic!("kubectl {}: {out}{err}", args.join(" ")),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }
}

/// The upstream Kubernetes v1.36.2 OpenAPI v3 document of a group-version, from `shared/`.
fn upstream_openapi(file: &str) -> Value {
    let path = root().join("../shared/k8s-openapi/v3").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (the upstream documents are in shared/, beside the checkout)", path.display())
    });
    serde_json::from_str(&text).expect("an OpenAPI document")
}

/// An upstream OpenAPI v3 schema as a structural CRD schema: references inlined, int-or-string
/// spelled as CRDs spell it, and only what CRD schemas may carry (documentation and defaults
/// dropped).
fn structural(schema: &Value, components: &Map<String, Value>, depth: usize) -> Value {
    assert!(depth < 32, "the schema nests deeper than expected");
    let reference = schema["$ref"].as_str().or_else(|| schema["allOf"][0]["$ref"].as_str());
    if let Some(reference) = reference {
        let name = reference.rsplit('/').next().expect("a reference");
        return structural(&components[name], components, depth + 1);
    }
    if schema["format"] == "int-or-string" {
        return json!({"x-kubernetes-int-or-string": true});
    }
    let mut out = Map::new();
    for (key, value) in schema.as_object().expect("a schema") {
        let converted = match key.as_str() {
            "type"
            | "format"
            | "required"
            | "enum"
            | "x-kubernetes-list-type"
            | "x-kubernetes-list-map-keys"
            | "x-kubernetes-map-type" => value.clone(),
            "properties" => Value::Object(
                value
                    .as_object()
                    .expect("properties")
                    .iter()
                    .map(|(name, property)| (name.clone(), structural(property, components, depth + 1)))
                    .collect(),
            ),
            "items" | "additionalProperties" if value.is_object() => structural(value, components, depth + 1),
            _ => continue,
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

/// The sandbox serves no policy/v1 (docs/sandbox.md), so the PodDisruptionBudget is served
/// through a CRD with the upstream v1.36.2 schema of its spec: strict validation then checks it
/// as kube-apiserver would (unknown or mistyped fields refused).
fn pod_disruption_budget_crd() -> Value {
    let document = upstream_openapi("apis__policy__v1_openapi.json");
    let components = document["components"]["schemas"].as_object().expect("schemas");
    let spec = structural(&components["io.k8s.api.policy.v1.PodDisruptionBudgetSpec"], components, 0);
    assert!(spec["properties"]["minAvailable"]["x-kubernetes-int-or-string"] == true, "{spec}");
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "poddisruptionbudgets.policy"},
        "spec": {
            "group": "policy",
            "scope": "Namespaced",
            "names": {
                "plural": "poddisruptionbudgets",
                "singular": "poddisruptionbudget",
                "kind": "PodDisruptionBudget",
                "listKind": "PodDisruptionBudgetList",
                "shortNames": ["pdb"]
            },
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                        "spec": spec
                    }
                }}
            }]
        }
    })
}

#[test]
fn kubectl_applies_the_manifests_with_strict_validation() {
    let cluster = Cluster::start();
    let deploy = deploy_dir();
    let deploy = deploy.to_str().expect("a UTF-8 path");
    let objects = default_objects();

    let crd = cluster.dir.path().join("pdb-crd.json");
    std::fs::write(&crd, pod_disruption_budget_crd().to_string()).expect("writing the CRD");
    cluster.ok(&["apply", "--validate=strict", "-f", crd.to_str().expect("a UTF-8 path")]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cluster.kubectl(&["get", "poddisruptionbudgets.policy", "--all-namespaces"]).0 {
        assert!(Instant::now() < deadline, "policy/v1 PodDisruptionBudgets are not served");
        std::thread::sleep(Duration::from_millis(100));
    }

    // A dry run of namespaced objects needs their namespace: it is made for real first.
    cluster.ok(&["apply", "--validate=strict", "-f", &format!("{deploy}/00-namespace.yaml")]);
    let dry_run = cluster.ok(&["apply", "--dry-run=server", "--validate=strict", "-f", deploy]);
    let lines: Vec<&str> = dry_run.lines().collect();
    assert_eq!(lines.len(), objects.len(), "one line per object:\n{dry_run}");
    assert!(lines.iter().all(|l| l.ends_with("(server dry run)")), "{dry_run}");
    // kustomize's rendering of the same set applies too (`kubectl apply -k deploy/`).
    let kustomized = cluster.ok(&["apply", "--dry-run=server", "--validate=strict", "-k", deploy]);
    assert_eq!(kustomized.lines().count(), objects.len(), "{kustomized}");
    // The dry run stored nothing.
    let (found, _, _) = cluster.kubectl(&["get", "deployment", "concord", "-n", "concord"]);
    assert!(!found, "a dry run created the Deployment");

    // For real, in the order `kubectl apply -f deploy/` takes on an empty cluster; then again,
    // which must change nothing (no field the API server defaults or rewrites is fought over).
    // The PodDisruptionBudget sits the second round out: kubectl re-sends its selector (patch
    // strategy `replace`) on every apply, as a strategic merge patch, which the CRD standing in
    // for it here cannot take.
    let applied = cluster.ok(&["apply", "--validate=strict", "-f", deploy]);
    assert_eq!(applied.lines().count(), objects.len(), "{applied}");
    let mut again = vec!["apply", "--validate=strict"];
    let files: Vec<String> = yaml_files(&deploy_dir())
        .iter()
        .filter(|file| !file.ends_with("05-poddisruptionbudget.yaml"))
        .map(|file| file.to_str().expect("a UTF-8 path").to_owned())
        .collect();
    assert_eq!(files.len(), yaml_files(&deploy_dir()).len() - 1);
    for file in &files {
        again.extend(["-f", file.as_str()]);
    }
    let again = cluster.ok(&again);
    assert_eq!(again.lines().count(), objects.len() - 1, "{again}");
    assert!(again.lines().all(|l| l.ends_with(" unchanged")), "a second apply changed something:\n{again}");
    let stored: Value =
        serde_json::from_str(&cluster.ok(&["get", "deployment", "concord", "-n", "concord", "-o", "json"]))
            .expect("kubectl prints JSON");
    assert_eq!(
        container(&stored)["args"],
        container(find(&objects, "Deployment", "concord"))["args"],
        "the stored Deployment keeps its arguments"
    );

    // What Concord's service account may do, as the sandbox's RBAC authorizer evaluates it.
    for allowed in [
        ["list", "pods", "--all-namespaces"],
        ["watch", "pods", "--all-namespaces"],
        ["list", "secrets", "--all-namespaces"],
        ["watch", "deployments.apps", "--all-namespaces"],
        ["list", "customresourcedefinitions.apiextensions.k8s.io", "--all-namespaces"],
    ] {
        assert!(cluster.concord_can(&allowed), "Concord's service account may {allowed:?}");
    }
    for denied in [
        &["get", "nodes", "--subresource=proxy"][..],
        &["get", "pods", "--subresource=exec", "-n", "default"],
        &["get", "pods", "--subresource=attach", "-n", "default"],
        &["get", "pods", "--subresource=portforward", "-n", "default"],
        &["get", "services", "--subresource=proxy", "-n", "default"],
        &["create", "pods", "--subresource=exec", "-n", "default"],
        &["create", "deployments.apps", "-n", "default"],
        &["patch", "configmaps", "-n", "default"],
        &["update", "secrets", "-n", "concord"],
        &["delete", "pods", "-n", "concord"],
        &["deletecollection", "pods", "-n", "default"],
        &["escalate", "clusterroles.rbac.authorization.k8s.io"],
        &["bind", "clusterroles.rbac.authorization.k8s.io"],
        &["impersonate", "users"],
        &["impersonate", "groups"],
    ] {
        assert!(!cluster.concord_can(denied), "Concord's service account must not {denied:?}");
    }

    // --auth proxy: impersonation of users and groups is added, and nothing else.
    let proxy = format!("{deploy}/proxy");
    cluster.ok(&["apply", "--dry-run=server", "--validate=strict", "-f", &proxy]);
    cluster.ok(&["apply", "--validate=strict", "-f", &proxy]);
    assert!(cluster.concord_can(&["impersonate", "users"]));
    assert!(cluster.concord_can(&["impersonate", "groups"]));
    for denied in [
        &["impersonate", "serviceaccounts", "-n", "default"][..],
        &["impersonate", "uids.authentication.k8s.io"],
        &["impersonate", "userextras.authentication.k8s.io"],
        &["create", "pods", "-n", "default"],
        &["get", "nodes", "--subresource=proxy"],
    ] {
        assert!(!cluster.concord_can(denied), "in proxy mode, Concord's service account must not {denied:?}");
    }
}

/// The users of [`concord_serve_as_deployed_feeds_live_updates_with_list_and_watch_alone`]:
/// an administrator (for kubectl), Concord's service account (what `--in-cluster` signs in
/// as, with the groups kube-apiserver gives service accounts) and a person.
const TOKENS: &str = "admin-token,admin,1,\"system:masters\"\n\
    concord-token,system:serviceaccount:concord:concord,2,\"system:serviceaccounts,system:serviceaccounts:concord\"\n\
    alice-token,alice,3,\"readers\"\n";

/// A namespace `team` with a ConfigMap, which the group `readers` (alice's) may list and watch.
const TEAM: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team}
data: {mode: fast}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-config, namespace: team}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers-read-config, namespace: team}
subjects: [{kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: read-config, apiGroup: rbac.authorization.k8s.io}
"#;

/// The real `concord serve`, killed when dropped.
struct Serving {
    child: std::process::Child,
    url: String,
}

impl Serving {
    /// Runs `concord serve args` and waits until it listens.
    fn start(args: &[String]) -> Serving {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .arg("serve")
            .args(args)
            .env_remove("KUBECONFIG")
            // The refused watch this test provokes is logged as a warning.
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("concord runs");
        let stdout = BufReader::new(child.stdout.take().expect("its stdout"));
        let mut serving = Serving { child, url: String::new() };
        let mut lines = Vec::new();
        for line in stdout.lines() {
            let line = line.expect("a line of output");
            if let Some(rest) = line.strip_prefix("concord listening on ") {
                serving.url = rest.split_whitespace().next().unwrap_or_default().to_owned();
                break;
            }
            lines.push(line);
        }
        assert!(!serving.url.is_empty(), "concord serve {} did not start: {lines:?}", args.join(" "));
        serving
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first server-sent event of `url` as the caller `headers` name reads it: its type and
/// JSON data; or the status and body of a refusal.
async fn first_event(url: &str, headers: &[(&str, &str)]) -> Result<(String, Value), (u16, String)> {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send().await.expect("concord answers");
    let status = response.status().as_u16();
    if status != 200 {
        return Err((status, response.text().await.unwrap_or_default()));
    }
    let mut buffer = String::new();
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
            if let (Some(event), Some(data)) = (field("event: "), field("data: ")) {
                return Ok((event, serde_json::from_str(&data).expect("JSON data")));
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(20), response.chunk())
            .await
            .expect("an event within 20 s")
            .expect("the stream reads")
            .expect("the stream goes on");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// A sandbox knowing [`TOKENS`]' users, with [`TEAM`] in it.
fn team_cluster() -> Cluster {
    let cluster = Cluster::start_with_tokens(Some(TOKENS));
    let team = cluster.dir.path().join("team.yaml");
    std::fs::write(&team, TEAM).expect("writing the manifests");
    cluster.ok(&["apply", "-f", team.to_str().expect("a UTF-8 path")]);
    cluster
}

/// The Deployment's arguments for a `concord serve` on this machine: `--auth` as given, the
/// service account's token through a kubeconfig instead of a pod's `--in-cluster` files,
/// loopback, and a session key made by deploy/README.md's own command.
fn as_deployed(cluster: &Cluster, auth: &str) -> Vec<String> {
    let key = Command::new("sh").args(["-c", "head -c 32 /dev/urandom | base64"]).output().expect("sh runs");
    assert!(key.status.success());
    let key_file = cluster.dir.path().join("session-key");
    std::fs::write(&key_file, &key.stdout).expect("writing the key");

    let objects = default_objects();
    let deployed = strings(&container(find(&objects, "Deployment", "concord"))["args"]);
    let mut args = Vec::new();
    let mut deployed = deployed.iter();
    while let Some(arg) = deployed.next() {
        let replaced = match *arg {
            "--in-cluster" => {
                args.push("--kubeconfig".to_owned());
                args.push(cluster.kubeconfig_with("concord-token").to_string_lossy().into_owned());
                continue;
            }
            "--auth" => auth.to_owned(),
            "--listen" => "127.0.0.1:0".to_owned(),
            "--session-key-file" => key_file.to_string_lossy().into_owned(),
            other => {
                args.push(other.to_owned());
                continue;
            }
        };
        deployed.next();
        args.push((*arg).to_owned());
        args.push(replaced);
    }
    assert!(args.contains(&"--kubeconfig".to_owned()), "the Deployment passes --in-cluster: {args:?}");
    args
}

/// The watch of ConfigMaps in `team` on Concord's only cluster, as `headers` name the caller.
async fn team_watch(serving: &Serving, headers: &[(&str, &str)]) -> String {
    let mut request = reqwest::Client::new().get(format!("{}/api/v1/clusters", serving.url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let clusters: Value = request.send().await.expect("concord answers").json().await.expect("JSON");
    let name = clusters["clusters"][0]["name"].as_str().unwrap_or_else(|| panic!("a cluster: {clusters}"));
    format!("{}/api/v1/clusters/{name}/watch/core/v1/configmaps?namespace=team", serving.url)
}

/// The first event of `watch`, once it is served: the shared watch retries a refused list with
/// backoff, so it can take a few seconds after the permission is granted.
async fn snapshot(watch: &str, headers: &[(&str, &str)]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match first_event(watch, headers).await {
            Ok((event, data)) => {
                assert_eq!(event, "snapshot", "{data}");
                return data;
            }
            Err(refused) => assert!(Instant::now() < deadline, "the watch is still refused: {refused:?}"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The names of a snapshot's objects.
fn names(snapshot: &Value) -> Vec<&str> {
    snapshot["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["metadata"]["name"].as_str())
        .collect()
}

/// What the Deployment's ClusterRole grants is what the server needs: `concord serve`, run with
/// the Deployment's own arguments, feeds a person's live updates from the shared watch once
/// `concord-cache` is bound to its service account, and cannot before.
#[test]
fn concord_serve_as_deployed_feeds_live_updates_with_list_and_watch_alone() {
    let cluster = team_cluster();
    let serving = Serving::start(&as_deployed(&cluster, "token"));
    let alice = [("authorization", "Bearer alice-token")];
    cluster.runtime.block_on(async {
        let watch = team_watch(&serving, &alice).await;
        // alice may watch, but the shared watch runs as Concord's service account, which may
        // not list yet.
        let refused = first_event(&watch, &alice).await;
        assert!(
            matches!(&refused, Err((_, body)) if body.contains("system:serviceaccount:concord:concord")
                && body.contains("cannot list")),
            "without concord-cache, the service account's list is refused: {refused:?}"
        );
        let rbac = deploy_dir().join("02-rbac.yaml");
        cluster.ok(&["apply", "--validate=strict", "-f", rbac.to_str().expect("a UTF-8 path")]);
        assert_eq!(names(&snapshot(&watch, &alice).await), ["settings"]);
    });
}

/// `--auth proxy` needs deploy/proxy/ and nothing more: without it, Concord cannot act as the
/// person the proxy names (its service account may not impersonate them); with it, it can,
/// with their groups.
#[test]
fn proxy_mode_works_with_the_impersonation_of_users_and_groups_alone() {
    let cluster = team_cluster();
    let rbac = deploy_dir().join("02-rbac.yaml");
    cluster.ok(&["apply", "--validate=strict", "-f", rbac.to_str().expect("a UTF-8 path")]);
    let mut args = as_deployed(&cluster, "proxy");
    args.extend(
        ["--proxy-user-header", "X-Remote-User", "--proxy-group-header", "X-Remote-Group"].map(String::from),
    );
    let serving = Serving::start(&args);
    // alice, as the proxy names her; the group's permission is what lets her watch.
    let alice = [("x-remote-user", "alice"), ("x-remote-group", "readers")];
    cluster.runtime.block_on(async {
        let watch = team_watch(&serving, &alice).await;
        let refused = first_event(&watch, &alice).await;
        assert!(
            matches!(&refused, Err((_, body)) if body.contains("impersonate")),
            "without deploy/proxy/, the service account may not impersonate: {refused:?}"
        );
        let proxy = deploy_dir().join("proxy");
        cluster.ok(&["apply", "--validate=strict", "-f", proxy.to_str().expect("a UTF-8 path")]);
        assert_eq!(names(&snapshot(&watch, &alice).await), ["settings"]);
    });
}
