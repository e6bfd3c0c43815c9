//! Concord's load generator. The commands of [`sandbox`] (`seed`, `list`, `patch`,
//! `watch-latency`, `startup`) load the API server itself; the ones below load `concord serve`
//! (the back end), talking to it over plain HTTP as a browser would in `--auth kubeconfig` mode.
//! BENCHMARKS.md ("Sandbox", "Server") records what they measured and how; `bench/server.sh`
//! runs the server's set against a sandbox.
//!
//! ```sh
//! cargo build --release -p concord-loadtest
//! LT=target/release/concord-loadtest
//! $LT edit-latency --url http://127.0.0.1:18080 [--edits 500] [--warmup 20] [--namespace bench-edit]
//!     [--direct http://127.0.0.1:18001] [--pid SERVER_PID --sandbox-pid PID] [--cluster NAME]
//! $LT edit-torture --url http://127.0.0.1:18080 [--clients 16] [--seconds 20] [--namespace bench-torture]
//!     [--pid SERVER_PID --sandbox-pid PID] [--cluster NAME]
//! $LT follow --url http://127.0.0.1:18080 [--followers 2] [--pid PID] [--hold 10] [--resource core/v1/pods] [--view object|table]
//!     [--namespace NS] [--sandbox http://127.0.0.1:18001 --touch 100] [--timeline] [--model] [--cluster NAME]
//! ```
//!
//! `--cluster` defaults to the server's default cluster (`GET /api/v1/clusters`).
//!
//! - `edit-latency`: one client, sequential `POST /api/v1/edit`s of a ConfigMap (ten keys) and
//!   then of a Deployment (two containers), each edit's base being the object the previous edit
//!   answered with, so every edit should be `applied`. The objects are created through
//!   `POST /api/v1/create` in `--namespace` (created too) when missing. The first `--warmup`
//!   edits of each kind are not counted (the first one includes the server's discovery of the
//!   kind and the connection); the first one's time is printed apart. With `--direct URL` (the
//!   API server, plain HTTP without authentication, as `concord sandbox --listen` serves), the
//!   same number of JSON merge patches (an annotation) is then sent to each object there
//!   directly, one at a time: the API server's own share of an edit's time.
//! - `edit-torture`: `--clients` concurrent editors of two shared objects (a ConfigMap `shared`
//!   and a Deployment `web`, as in `crates/server/tests/torture.rs`) for `--seconds`. Each picks
//!   an object at random and, half the time, edits the copy it loaded earlier however stale
//!   (otherwise it loads the object again through `GET …/objects/…`), changing one random field
//!   (a label, an annotation, a ConfigMap key set or removed, replicas, an image, an env value).
//!   Afterwards the copy is what the answer carried (`object`, or `theirs` for a conflict).
//!   Prints the edits' latency, throughput, and how many were applied, merged, unchanged or in
//!   conflict; any other answer (a 5xx, `busy`) is counted as an error.
//! - `follow`: opens `--followers` server-sent event streams of
//!   `GET /api/v1/clusters/{cluster}/watch/{resource}?view=` (`--view object` or `table`) one
//!   after the other, timing each until its snapshot's first part (`snapshot`) and its last
//!   (`more` … `complete`) have been read (the first follower also waits for the
//!   server's list of every object, since its watch starts then), keeps them all open and reading
//!   for `--hold` seconds, and prints the server's `VmRSS` and `VmHWM` (from `/proc/PID/status`,
//!   with `--pid`) before, after each snapshot and at the end. With `--sandbox URL --touch N`,
//!   it also patches N pods `bench-000000`… (an annotation; the namespace from `--namespace`,
//!   else `default`) on the API server directly during the hold, and counts the `change` events
//!   each follower received. With `--timeline` (and `--pid`), a thread samples the server's
//!   `VmRSS` every 100 ms and prints how it moved. With `--model`, the first snapshot's objects
//!   are kept in this process the way the server's cache keeps them (`Cached` in
//!   `crates/server/src/live.rs`: compact JSON, namespace, name, labels, resourceVersion, in a
//!   map by namespace and name), and the growth of this process's `VmRSS` is printed: the
//!   cache's own size, without the server's allocator and transient copies.
//!
//! With `--pid PID` (the server) and `--sandbox-pid PID`, the edit commands also print the CPU
//! time each process used per counted edit (`/proc/PID/stat`, 10 ms ticks), which depends less
//! than latency on whatever else the machine is doing.
//!
//! Latencies are printed as percentiles by nearest rank, in milliseconds.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod sandbox;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, Error>;

const CSRF: (&str, &str) = ("x-concord-csrf", "1");

/// `COMMAND --name value --flag ...`.
struct Args {
    command: String,
    options: HashMap<String, String>,
}

impl Args {
    fn parse() -> Result<Args> {
        let mut words = std::env::args().skip(1).peekable();
        let command = words
            .next()
            .ok_or("usage: concord-loadtest edit-latency|edit-torture|follow|seed|list|patch|watch-latency|startup --url URL [options]")?;
        let mut options = HashMap::new();
        while let Some(word) = words.next() {
            let name = word.strip_prefix("--").ok_or_else(|| format!("unexpected argument {word}"))?;
            let value = match words.peek() {
                Some(next) if !next.starts_with("--") => words.next().unwrap_or_default(),
                _ => "true".to_owned(),
            };
            options.insert(name.to_owned(), value);
        }
        Ok(Args { command, options })
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.options.get(name) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| format!("--{name}: cannot parse {text:?}").into()),
        }
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.options.get(name).cloned().unwrap_or_else(|| default.to_owned())
    }

    fn url(&self) -> Result<String> {
        let url = self.options.get("url").ok_or("--url is required")?;
        Ok(url.trim_end_matches('/').to_owned())
    }
}

fn main() -> Result<()> {
    let args = Args::parse()?;
    // The server's commands run on one thread: the load generator shares the machine's cores
    // with the server and the sandbox, and a single thread drives 16 closed-loop clients at
    // these rates. The sandbox's need more (8 patching clients at thousands of requests per
    // second, 100 watchers).
    let mut runtime = match args.command.as_str() {
        "edit-latency" | "edit-torture" | "follow" => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    runtime.enable_all().build()?.block_on(async {
        match args.command.as_str() {
            "edit-latency" => edit_latency(&args).await,
            "edit-torture" => edit_torture(&args).await,
            "follow" => follow(&args).await,
            "seed" => sandbox::seed(&args).await,
            "list" => sandbox::list(&args).await,
            "patch" => sandbox::patch(&args).await,
            "watch-latency" => sandbox::watch_latency(&args).await,
            "startup" => sandbox::startup(&args).await,
            other => Err(format!("unknown command {other}").into()),
        }
    })
}

/// The Concord server, one of its clusters, and an HTTP client.
#[derive(Clone)]
struct Concord {
    http: reqwest::Client,
    url: String,
    cluster: String,
}

impl Concord {
    async fn connect(args: &Args) -> Result<Concord> {
        let http = reqwest::Client::new();
        let url = args.url()?;
        let cluster = match args.options.get("cluster") {
            Some(name) => name.clone(),
            None => {
                let clusters: Value = http
                    .get(format!("{url}/api/v1/clusters"))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                clusters["clusters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|c| c["default"] == true)
                    .and_then(|c| c["name"].as_str())
                    .ok_or("the server names no default cluster")?
                    .to_owned()
            }
        };
        Ok(Concord { http, url, cluster })
    }

    /// POSTs `body` (with the cluster) to `/api/v1/{path}`: the status and the answer.
    async fn post(&self, path: &str, mut body: Value) -> Result<(u16, Value)> {
        body["cluster"] = json!(self.cluster);
        let response = self
            .http
            .post(format!("{}/api/v1/{path}", self.url))
            .header(CSRF.0, CSRF.1)
            .json(&body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
    }

    /// The object `kind`/`name` as the server reads it (`core` for the core group).
    async fn get(&self, group_version: &str, resource: &str, namespace: &str, name: &str) -> Result<Value> {
        let url = format!(
            "{}/api/v1/clusters/{}/objects/{group_version}/{resource}/{name}?namespace={namespace}",
            self.url, self.cluster
        );
        Ok(self.http.get(url).send().await?.error_for_status()?.json().await?)
    }

    /// Creates `object` unless it exists; the object as it is now.
    async fn ensure(&self, object: Value) -> Result<Value> {
        let (status, answer) = self.post("create", json!({"object": object})).await?;
        match answer["outcome"].as_str() {
            Some("created") => Ok(answer["object"].clone()),
            Some("exists") if answer["theirs"].is_object() => Ok(answer["theirs"].clone()),
            _ => Err(format!("creating {}: {status} {answer}", object["metadata"]["name"]).into()),
        }
    }

    async fn ensure_namespace(&self, namespace: &str) -> Result<()> {
        self.ensure(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}))
            .await?;
        Ok(())
    }

    /// One edit: its time, the outcome and the answer.
    async fn edit(&self, base: &Value, mine: &Value) -> Result<(Duration, u16, Value)> {
        let began = Instant::now();
        let (status, answer) = self.post("edit", json!({"base": base, "mine": mine})).await?;
        Ok((began.elapsed(), status, answer))
    }
}

/// A ConfigMap with ten settings, as an application's configuration might be.
fn config_map(name: &str, namespace: &str) -> Value {
    let data: serde_json::Map<String, Value> =
        (0..10).map(|k| (format!("setting-{k}"), json!(format!("value {k} of {name}")))).collect();
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": "shop"}}, "data": data})
}

/// A Deployment with two containers (the pod of `load seed`, in a template).
fn deployment(name: &str, namespace: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name, "tier": "frontend"},
                    "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
                "spec": {"serviceAccountName": "shop", "containers": [
                    {"name": "app", "image": "registry.example.com/shop/web:1.27.3",
                        "args": ["--listen=:8080", "--metrics=:9090", "--log-format=json"],
                        "ports": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}],
                        "env": [
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                            {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "url"}}},
                            {"name": "CACHE_SIZE", "value": "256Mi"},
                            {"name": "FEATURE_FLAGS", "value": "checkout-v2,search-suggest"}],
                        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 10},
                        "volumeMounts": [{"name": "config", "mountPath": "/etc/shop", "readOnly": true}]},
                    {"name": "proxy", "image": "envoyproxy/envoy:v1.31.2",
                        "args": ["--config-path", "/etc/envoy/envoy.yaml"],
                        "ports": [{"name": "proxy", "containerPort": 15001}],
                        "env": [{"name": "ENVOY_UID", "value": "1337"}],
                        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}],
                    "volumes": [{"name": "config", "configMap": {"name": "shop-config"}}]}}}})
}

/// The `n`th uncontended change: one setting of the ConfigMap; the image, replicas, an env
/// value or a template annotation of the Deployment, in turn.
fn sequential_change(object: &mut Value, n: usize) {
    if object["kind"] == "ConfigMap" {
        object["data"][format!("setting-{}", n % 10)] = json!(format!("edit {n}"));
        return;
    }
    let spec = &mut object["spec"];
    match n % 4 {
        0 => {
            spec["template"]["spec"]["containers"][0]["image"] =
                json!(format!("registry.example.com/shop/web:1.{n}"))
        }
        1 => spec["replicas"] = json!(n % 7 + 1),
        2 => spec["template"]["spec"]["containers"][0]["env"][2]["value"] = json!(format!("{}Mi", 256 + n)),
        _ => spec["template"]["metadata"]["annotations"]["bench.concord.dev/edit"] = json!(n.to_string()),
    }
}

async fn edit_latency(args: &Args) -> Result<()> {
    let concord = Concord::connect(args).await?;
    let edits: usize = args.get("edits", 500)?;
    let warmup: usize = args.get("warmup", 20)?;
    let namespace = args.text("namespace", "bench-edit");
    concord.ensure_namespace(&namespace).await?;
    let objects = [config_map("settings", &namespace), deployment("shop", &namespace)];
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let mut base = concord.ensure(object).await?;
        let mut latencies = Vec::with_capacity(edits);
        let mut first = None;
        let mut bytes = 0;
        let began = Instant::now();
        let mut cpu = None;
        for n in 0..warmup + edits {
            let mut mine = base.clone();
            sequential_change(&mut mine, n);
            let (took, status, answer) = concord.edit(&base, &mine).await?;
            if answer["outcome"] != "applied" {
                return Err(format!("{kind} edit {n}: expected applied, got {status} {answer}").into());
            }
            first.get_or_insert(took);
            if n + 1 == warmup {
                cpu = Some(CpuMeter::start(args)?);
            }
            if n >= warmup {
                latencies.push(took);
            }
            base = answer["object"].clone();
            bytes = base.to_string().len();
        }
        let elapsed = began.elapsed().as_secs_f64();
        println!(
            "edit {kind} ({bytes} bytes as answered), 1 client, {edits} edits after {warmup} warm-up ({:.0} edits/s): {}; first edit {:.2} ms{}",
            (warmup + edits) as f64 / elapsed,
            summary(latencies),
            first.unwrap_or_default().as_secs_f64() * 1e3,
            cpu.map_or(String::new(), |cpu| cpu.per(edits)),
        );
        if let Some(sandbox) = args.options.get("direct") {
            let path = match kind.as_str() {
                "ConfigMap" => format!("api/v1/namespaces/{namespace}/configmaps/settings"),
                _ => format!("apis/apps/v1/namespaces/{namespace}/deployments/shop"),
            };
            let url = format!("{}/{path}", sandbox.trim_end_matches('/'));
            let mut latencies = Vec::with_capacity(edits);
            for n in 0..warmup + edits {
                let began = Instant::now();
                annotate(&concord.http, &url, "bench.concord.dev/direct", &n.to_string())
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                if n >= warmup {
                    latencies.push(began.elapsed());
                }
            }
            println!(
                "  the same {kind} patched on the API server directly (an annotation): {}",
                summary(latencies)
            );
        }
    }
    Ok(())
}

/// A small deterministic generator (xorshift), one per client.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The objects of `edit-torture`, as in `crates/server/tests/torture.rs`.
fn shared_objects(namespace: &str) -> [Value; 2] {
    [
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared", "namespace": namespace},
            "data": {"d0": "start"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": namespace},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "web:0", "env": [{"name": "E0", "value": "start"}]}]}}}}),
    ]
}

/// One random change to `object`, as the torture test makes them.
fn random_change(rng: &mut Rng, object: &mut Value, client: usize, n: usize) {
    let value = json!(format!("u{client}-{n}"));
    let is_deployment = object["kind"] == "Deployment";
    let key = rng.below(4);
    match rng.below(if is_deployment { 6 } else { 4 }) {
        0 => object["metadata"]["labels"][format!("k{key}")] = value,
        1 => object["metadata"]["annotations"][format!("a{key}")] = value,
        2 if !is_deployment => object["data"][format!("d{key}")] = value,
        3 if !is_deployment => {
            let removed = object["data"].as_object_mut().and_then(|d| d.remove(&format!("d{key}")));
            if removed.is_none() {
                object["data"][format!("d{key}")] = value;
            }
        }
        2 | 3 => object["spec"]["replicas"] = json!(rng.below(9) + 1),
        4 => {
            object["spec"]["template"]["spec"]["containers"][0]["image"] = json!(format!("web:{client}.{n}"))
        }
        _ => {
            let name = format!("E{}", key % 3);
            if let Some(env) = object["spec"]["template"]["spec"]["containers"][0]["env"].as_array_mut() {
                match env.iter_mut().find(|e| e["name"] == name.as_str()) {
                    Some(entry) => entry["value"] = value,
                    None => env.push(json!({"name": name, "value": value})),
                }
            }
        }
    }
}

/// What the clients of `edit-torture` saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    by_outcome: BTreeMap<String, Vec<Duration>>,
    loads: usize,
}

async fn edit_torture(args: &Args) -> Result<()> {
    let concord = Concord::connect(args).await?;
    let clients: usize = args.get("clients", 16)?;
    let seconds: f64 = args.get("seconds", 20.0)?;
    let namespace = args.text("namespace", "bench-torture");
    concord.ensure_namespace(&namespace).await?;
    let targets = [("core/v1", "configmaps", "shared"), ("apps/v1", "deployments", "web")];
    for object in shared_objects(&namespace) {
        concord.ensure(object).await?;
    }
    let tally = Arc::new(Mutex::new(Tally::default()));
    let cpu = CpuMeter::start(args)?;
    let began = Instant::now();
    let deadline = began + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (concord, tally, namespace) = (concord.clone(), tally.clone(), namespace.clone());
            tokio::spawn(async move {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((client as u64 + 1) * 0x1000_0001));
                let mut copies: [Option<Value>; 2] = [None, None];
                let mut n = 0;
                while Instant::now() < deadline {
                    let which = rng.below(2);
                    let (group_version, resource, name) = targets[which];
                    if copies[which].is_none() || rng.below(2) == 0 {
                        copies[which] = Some(concord.get(group_version, resource, &namespace, name).await?);
                        tally.lock().unwrap_or_else(|p| p.into_inner()).loads += 1;
                    }
                    let base = copies[which].take().unwrap_or_default();
                    let mut mine = base.clone();
                    random_change(&mut rng, &mut mine, client, n);
                    let (took, status, answer) = concord.edit(&base, &mine).await?;
                    let outcome = match answer["outcome"].as_str() {
                        Some(o @ ("applied" | "merged" | "unchanged")) => {
                            copies[which] = Some(answer["object"].clone());
                            o.to_owned()
                        }
                        Some("conflict") => {
                            copies[which] = Some(answer["theirs"].clone());
                            "conflict".to_owned()
                        }
                        // Anything else (busy, gone, a 5xx) is an error: the copy is loaded again.
                        other => format!("error {status} {}", other.unwrap_or("-")),
                    };
                    let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
                    tally.latencies.push(took);
                    tally.by_outcome.entry(outcome).or_default().push(took);
                    n += 1;
                }
                Ok::<(), Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = began.elapsed().as_secs_f64();
    let tally = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));
    let total = tally.latencies.len();
    println!(
        "edit torture: {clients} clients, {elapsed:.1} s: {total} edits = {:.0} edits/s (plus {} loads); all edits: {}{}",
        total as f64 / elapsed,
        tally.loads,
        summary(tally.latencies),
        cpu.per(total),
    );
    for (outcome, latencies) in tally.by_outcome {
        println!(
            "  {outcome}: {} ({:.1}%): {}",
            latencies.len(),
            100.0 * latencies.len() as f64 / total.max(1) as f64,
            summary(latencies)
        );
    }
    Ok(())
}

/// A field of `/proc/PID/status` such as `VmRSS`, in MiB.
fn proc_status_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?;
    let kib: f64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// The CPU time `pid` has used (user and system), from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command (which may hold spaces) in parentheses; utime and stime are
    // fields 14 and 15 of the whole line, in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The CPU time of the processes `--pid` (the server) and `--sandbox-pid`, to tell what each
/// request cost them apart from the other load on the machine.
struct CpuMeter {
    pids: Vec<(&'static str, u32, Duration)>,
}

impl CpuMeter {
    fn start(args: &Args) -> Result<CpuMeter> {
        let mut pids = Vec::new();
        for (label, option) in [("server", "pid"), ("sandbox", "sandbox-pid")] {
            if let Some(pid) = args.options.get(option) {
                let pid: u32 = pid.parse()?;
                pids.push((label, pid, cpu_time(pid).ok_or_else(|| format!("no process {pid}"))?));
            }
        }
        Ok(CpuMeter { pids })
    }

    /// `; CPU per request: server … ms, sandbox … ms`, or nothing without pids.
    fn per(&self, requests: usize) -> String {
        let parts: Vec<String> = self
            .pids
            .iter()
            .filter_map(|(label, pid, before)| {
                let used = cpu_time(*pid)?.saturating_sub(*before);
                Some(format!("{label} {:.2} ms", used.as_secs_f64() * 1e3 / requests.max(1) as f64))
            })
            .collect();
        if parts.is_empty() { String::new() } else { format!("; CPU per edit: {}", parts.join(", ")) }
    }
}

/// `VmRSS … MiB, VmHWM … MiB` of `pid`, or nothing without one.
fn memory(pid: Option<u32>) -> String {
    let Some(pid) = pid else { return String::new() };
    let field = |name| proc_status_mib(pid, name).map_or("?".to_owned(), |m| format!("{m:.0} MiB"));
    format!("; server VmRSS {}, VmHWM {}", field("VmRSS"), field("VmHWM"))
}

/// A server-sent event: its `event` name and its `data`.
struct SseEvent {
    name: String,
    data: String,
}

/// Reads server-sent events from a response, however large each one is.
struct SseReader {
    response: reqwest::Response,
    buffer: Vec<u8>,
    /// How far `buffer` was searched for the end of an event.
    searched: usize,
    bytes: usize,
}

impl SseReader {
    /// The next event that is not a comment, or `None` at the end of the stream.
    async fn next(&mut self) -> Result<Option<SseEvent>> {
        loop {
            let from = self.searched.saturating_sub(1);
            if let Some(end) = self.buffer[from..].windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..from + end + 2).collect();
                if self.buffer.capacity() > 1 << 20 {
                    // A snapshot's room, not kept for the small changes that follow.
                    self.buffer.shrink_to_fit();
                }
                self.searched = 0;
                let text = String::from_utf8(block)?;
                let mut event = SseEvent { name: "message".into(), data: String::new() };
                let mut has_data = false;
                for line in text.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "event" => event.name = value.to_owned(),
                        "data" => {
                            if has_data {
                                event.data.push('\n');
                            }
                            event.data.push_str(value);
                            has_data = true;
                        }
                        _ => {}
                    }
                }
                if has_data {
                    return Ok(Some(event));
                }
                continue;
            }
            self.searched = self.buffer.len();
            match self.response.chunk().await? {
                Some(chunk) => {
                    self.bytes += chunk.len();
                    self.buffer.extend_from_slice(&chunk);
                }
                None => return Ok(None),
            }
        }
    }
}

async fn follow(args: &Args) -> Result<()> {
    let concord = Concord::connect(args).await?;
    let followers: usize = args.get("followers", 2)?;
    let hold: f64 = args.get("hold", 10.0)?;
    let pid: Option<u32> = args.options.get("pid").map(|p| p.parse()).transpose()?;
    let resource = args.text("resource", "core/v1/pods");
    let namespace = args.options.get("namespace").cloned();
    let touch: usize = args.get("touch", 0)?;
    let view = args.text("view", "object");
    let mut url = format!("{}/api/v1/clusters/{}/watch/{resource}?view={view}", concord.url, concord.cluster);
    if let Some(namespace) = &namespace {
        url.push_str(&format!("&namespace={namespace}"));
    }
    println!("before following{}", memory(pid));
    // With --timeline, a thread samples the server's VmRSS every 100 ms (the async thread may
    // be busy reading a snapshot) until the end, for a timeline of where the memory goes.
    let began = Instant::now();
    let timeline: Arc<Mutex<Vec<(Duration, f64)>>> = Arc::default();
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    if let (Some(pid), true) = (pid, args.options.contains_key("timeline")) {
        let (timeline, sampling) = (timeline.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(rss) = proc_status_mib(pid, "VmRSS") {
                    timeline.lock().unwrap_or_else(|p| p.into_inner()).push((began.elapsed(), rss));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
    }
    let mut readers = Vec::new();
    let own_before = proc_status_mib(std::process::id(), "VmRSS").unwrap_or(0.0);
    let mut models = Vec::new();
    for follower in 0..followers {
        let asked = Instant::now();
        let response = concord.http.get(&url).header("accept", "text/event-stream").send().await?;
        let response = response.error_for_status()?;
        let headers = asked.elapsed();
        let at_headers = memory(pid);
        let mut reader = SseReader { response, buffer: Vec::new(), searched: 0, bytes: 0 };
        let event = reader.next().await?.ok_or("the stream ended before its snapshot")?;
        let first_part = asked.elapsed();
        if event.name != "snapshot" {
            return Err(
                format!("follower {follower}: the first event is {:?}, not a snapshot", event.name).into()
            );
        }
        // The snapshot comes in parts: `snapshot`, then `more` events until one is complete.
        let mut parts = vec![event.data];
        while !snapshot_complete(parts.last().map_or("", String::as_str))? {
            let event = reader.next().await?.ok_or("the stream ended inside its snapshot")?;
            if event.name != "more" {
                return Err(format!("follower {follower}: {:?} inside a snapshot", event.name).into());
            }
            parts.push(event.data);
        }
        let took = asked.elapsed();
        let size: usize = parts.iter().map(String::len).sum();
        let count = parts.len();
        let items = if follower == 0 && args.options.contains_key("model") {
            let (items, model) = model_cache(parts, own_before)?;
            models.push(model);
            items
        } else {
            let mut items = 0;
            for part in &parts {
                items += serde_json::from_str::<SnapshotItems>(part)?.items.len();
            }
            items
        };
        println!(
            "follower {follower} (asked at {:.1} s): headers after {:.0} ms{at_headers}\n  first part after {:.0} ms; snapshot of {items} objects ({:.1} MB, {count} parts) read after {:.0} ms{}",
            asked.duration_since(began).as_secs_f64(),
            headers.as_secs_f64() * 1e3,
            first_part.as_secs_f64() * 1e3,
            size as f64 / 1e6,
            took.as_secs_f64() * 1e3,
            memory(pid)
        );
        readers.push(reader);
    }
    // Every follower keeps reading (and counting changes) while the streams are held open.
    let counts: Vec<Arc<Mutex<BTreeMap<String, usize>>>> = readers.iter().map(|_| Arc::default()).collect();
    let counting: Vec<_> = readers
        .into_iter()
        .zip(&counts)
        .map(|(mut reader, counts)| {
            let counts = counts.clone();
            tokio::spawn(async move {
                while let Ok(Some(event)) = reader.next().await {
                    *counts.lock().unwrap_or_else(|p| p.into_inner()).entry(event.name).or_default() += 1;
                }
            })
        })
        .collect();
    let hold_until = Instant::now() + Duration::from_secs_f64(hold);
    if touch > 0 {
        let sandbox = args.options.get("sandbox").ok_or("--touch needs --sandbox URL")?.trim_end_matches('/');
        let pods_namespace = namespace.as_deref().unwrap_or("default");
        let began = Instant::now();
        // A value no earlier run wrote, so that every patch changes the pod.
        let run = sandbox::unix_nanos();
        for index in 0..touch {
            let url = format!("{sandbox}/api/v1/namespaces/{pods_namespace}/pods/bench-{index:06}");
            annotate(&concord.http, &url, "bench.concord.dev/touched", &format!("{run}-{index}"))
                .await?
                .error_for_status()?;
        }
        println!("patched {touch} pods on the API server in {:.0} ms", began.elapsed().as_secs_f64() * 1e3);
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(hold_until)).await;
    println!("after holding {} followers {hold} s{}", followers, memory(pid));
    for task in counting {
        task.abort();
    }
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let timeline = std::mem::take(&mut *timeline.lock().unwrap_or_else(|p| p.into_inner()));
    if !timeline.is_empty() {
        // Every sample that differs by 16 MiB or more from the last one printed.
        let mut printed = f64::NEG_INFINITY;
        let mut line = Vec::new();
        for (at, rss) in &timeline {
            if (rss - printed).abs() >= 16.0 {
                line.push(format!("{:.1} s {rss:.0}", at.as_secs_f64()));
                printed = *rss;
            }
        }
        println!("VmRSS timeline (MiB): {}", line.join(", "));
    }
    for (follower, counts) in counts.iter().enumerate() {
        println!(
            "follower {follower} received after its snapshot: {:?}",
            counts.lock().unwrap_or_else(|p| p.into_inner())
        );
    }
    Ok(())
}

/// An entry of the server's watch cache as `crates/server/src/live.rs` keeps it (`Cached`),
/// rebuilt from a snapshot's objects to weigh the cache in a process that holds nothing else.
#[allow(dead_code)] // Held to be weighed, never read.
struct CachedModel {
    namespace: String,
    name: String,
    labels: serde_json::Map<String, Value>,
    resource_version: String,
    json: Box<serde_json::value::RawValue>,
}

/// Whether a snapshot part is its last (`"complete": true`, written after the items).
fn snapshot_complete(part: &str) -> Result<bool> {
    if part.ends_with(",\"complete\":true}") {
        return Ok(true);
    }
    if part.ends_with(",\"complete\":false}") {
        return Ok(false);
    }
    let tail: String = part.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    Err(format!("a snapshot part without its completeness: …{tail}").into())
}

#[derive(serde::Deserialize)]
struct SnapshotItems {
    items: Vec<Box<serde_json::value::RawValue>>,
}

#[derive(serde::Deserialize)]
struct ModelHead {
    metadata: ModelMetadata,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ModelMetadata {
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    labels: serde_json::Map<String, Value>,
    #[serde(default)]
    resource_version: String,
}

/// The cache's map, as `live.rs` keys it.
type CacheModel = HashMap<(String, String), Arc<CachedModel>>;

/// `--model`: the server's cache of a snapshot's objects, rebuilt in this process; how many
/// objects, and the model (to be kept while the growth of this process's `VmRSS` over
/// `own_before`, printed here, is the model's size).
fn model_cache(parts: Vec<String>, own_before: f64) -> Result<(usize, CacheModel)> {
    let mut items = Vec::new();
    for part in parts {
        items.extend(serde_json::from_str::<SnapshotItems>(&part)?.items);
    }
    let count = items.len();
    let mut cache = HashMap::new();
    for json in items {
        let metadata = serde_json::from_str::<ModelHead>(json.get())?.metadata;
        let cached = CachedModel {
            namespace: metadata.namespace,
            name: metadata.name,
            labels: metadata.labels,
            resource_version: metadata.resource_version,
            json,
        };
        cache.insert((cached.namespace.clone(), cached.name.clone()), Arc::new(cached));
    }
    let json: usize = cache.values().map(|c| c.json.get().len()).sum();
    let own = proc_status_mib(std::process::id(), "VmRSS").unwrap_or(0.0);
    println!(
        "  model of the server's cache in this process (glibc malloc): {:.0} MiB for {count} objects of {:.0} MiB of JSON ({:.0} bytes per object beyond its JSON)",
        own - own_before,
        json as f64 / (1 << 20) as f64,
        ((own - own_before) * (1 << 20) as f64 - json as f64) / count.max(1) as f64
    );
    Ok((count, cache))
}

/// Sets one annotation of the object at `url` with a JSON merge patch (a change every API
/// server accepts and every watcher sees); the answer, whatever its status.
async fn annotate(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    value: &str,
) -> reqwest::Result<reqwest::Response> {
    let body = json!({"metadata": {"annotations": {key: value}}});
    client
        .patch(url)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string())
        .send()
        .await
}

/// `p50 … p90 … p99 … max … ms` by nearest rank.
fn summary(mut samples: Vec<Duration>) -> String {
    samples.sort_unstable();
    let Some(max) = samples.last() else { return "no samples".to_owned() };
    let rank = |p: f64| {
        let index = ((p / 100.0) * samples.len() as f64).ceil() as usize;
        samples.get(index.saturating_sub(1)).unwrap_or(max).as_secs_f64() * 1e3
    };
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n = {})",
        rank(50.0),
        rank(90.0),
        rank(99.0),
        max.as_secs_f64() * 1e3,
        samples.len()
    )
}
