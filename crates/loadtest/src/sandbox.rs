//! The commands that load `concord sandbox` (or any kube-apiserver reachable over plain HTTP
//! without authentication). BENCHMARKS.md ("Sandbox") records what they measured and how.
//!
//! ```sh
//! cargo build --release -p concord-loadtest
//! LOAD=target/release/concord-loadtest
//! $LOAD seed --url http://127.0.0.1:8001 --pods 10000 [--concurrency 16] [--start 0] [--namespace default]
//! $LOAD list --url http://127.0.0.1:8001 --times 20 [--table] [--namespace default]
//! $LOAD patch --url http://127.0.0.1:8001 --clients 8 --seconds 10 [--pods 1000] [--namespace default]
//! $LOAD watch-latency --url http://127.0.0.1:8001 --watchers 100 --writes 500 [--rate 50] [--namespace default]
//! $LOAD startup --bin target/release/concord --data-dir DIR --times 10 [--fresh] [--port 18100]
//! ```
//!
//! - `seed` creates pods `bench-000000`, `bench-000001`, ... (from `--start`): two containers
//!   each with args, env, ports, resources, probes and a volume mount, plus labels and
//!   annotations, about 2 KiB of JSON as stored. Pods that already exist are counted and skipped.
//! - `list` times `--times` LISTs of every pod of the namespace (after one untimed request that
//!   also counts the items), as JSON or, with `--table`, as a `meta.k8s.io/v1` Table; the time
//!   includes reading the whole body.
//! - `patch` runs `--clients` concurrent loops of JSON merge patches (one annotation) for
//!   `--seconds`; client `c` patches pods `c`, `c + clients`, ... of the first `--pods` seeded
//!   pods, so no two clients patch the same pod.
//! - `watch-latency` opens `--watchers` watches of the namespace's pods at the current
//!   resourceVersion, then patches `bench-000000` `--writes` times at `--rate` writes per second
//!   (0: back to back), each patch putting the wall-clock time of its sending in an annotation.
//!   Every watcher computes, per event, the delay from that time to the event's arrival.
//!
//! - `startup` runs `BIN sandbox --listen 127.0.0.1:PORT --data-dir DIR` `--times` times and
//!   measures the time from spawning it to the first successful `GET /healthz` (polled every
//!   millisecond), and its resident memory then; with `--fresh` the data directory is removed
//!   before each run, so every start creates an empty store.
//!
//! Each prints latency percentiles (nearest rank) in milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::ACCEPT;
use serde_json::{Value, json};

use crate::{Args, Error, Result, annotate, proc_status_mib, summary};

/// The annotation `watch-latency` writes: nanoseconds since the Unix epoch at sending.
const SENT_ANNOTATION: &str = "bench.concord.dev/sent-unix-nanos";
const TABLE: &str = "application/json;as=Table;g=meta.k8s.io;v=v1";

fn pod_name(index: usize) -> String {
    format!("bench-{index:06}")
}

fn pods_url(url: &str, namespace: &str) -> String {
    format!("{url}/api/v1/namespaces/{namespace}/pods")
}

/// A pod as a Deployment's template might make it.
fn pod(index: usize, namespace: &str) -> Value {
    let app = format!("shop-{}", index % 40);
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": pod_name(index),
            "namespace": namespace,
            "labels": {"app": app, "tier": "frontend", "release": "stable", "pod-template-hash": format!("{:010x}", index * 7919 % 1_000_003)},
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "kubectl.kubernetes.io/default-container": "app"},
        },
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "registry.example.com/shop/web:1.27.3",
                    "args": ["--listen=:8080", "--metrics=:9090", "--log-format=json"],
                    "ports": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}],
                    "env": [
                        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "url"}}},
                        {"name": "CACHE_SIZE", "value": "256Mi"},
                        {"name": "FEATURE_FLAGS", "value": "checkout-v2,search-suggest"},
                    ],
                    "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 10},
                    "livenessProbe": {"httpGet": {"path": "/livez", "port": 8080}, "initialDelaySeconds": 15},
                    "volumeMounts": [{"name": "config", "mountPath": "/etc/shop", "readOnly": true}],
                },
                {
                    "name": "proxy",
                    "image": "envoyproxy/envoy:v1.31.2",
                    "args": ["--config-path", "/etc/envoy/envoy.yaml", "--log-level", "warn"],
                    "ports": [{"name": "proxy", "containerPort": 15001}, {"name": "admin", "containerPort": 15000}],
                    "env": [{"name": "ENVOY_UID", "value": "1337"}, {"name": "SERVICE_NAME", "value": app}],
                    "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                    "volumeMounts": [{"name": "envoy", "mountPath": "/etc/envoy", "readOnly": true}],
                },
            ],
            "volumes": [
                {"name": "config", "configMap": {"name": "shop-config"}},
                {"name": "envoy", "configMap": {"name": "envoy-config"}},
            ],
            "serviceAccountName": "shop",
            "nodeName": format!("node-{:02}", index % 24),
        },
    })
}

/// Creates the namespace when it is missing.
async fn ensure_namespace(client: &reqwest::Client, url: &str, namespace: &str) -> Result<()> {
    let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}});
    let response = client.post(format!("{url}/api/v1/namespaces")).json(&body).send().await?;
    match response.status().as_u16() {
        200..=299 | 409 => Ok(()),
        code => Err(format!("creating namespace {namespace}: {code}: {}", response.text().await?).into()),
    }
}

pub async fn seed(args: &Args) -> Result<()> {
    let url = args.url()?;
    let pods: usize = args.get("pods", 10_000)?;
    let concurrency: usize = args.get("concurrency", 16)?;
    let start: usize = args.get("start", 0)?;
    let namespace = args.text("namespace", "default");
    let client = reqwest::Client::new();
    ensure_namespace(&client, &url, &namespace).await?;
    let endpoint = Arc::new(pods_url(&url, &namespace));
    let next = Arc::new(AtomicUsize::new(start));
    let existing = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (client, endpoint, next, existing, namespace) =
                (client.clone(), endpoint.clone(), next.clone(), existing.clone(), namespace.clone());
            tokio::spawn(async move {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= start + pods {
                        return Ok::<(), Error>(());
                    }
                    let response =
                        client.post(endpoint.as_str()).json(&pod(index, &namespace)).send().await?;
                    match response.status().as_u16() {
                        200..=299 => {}
                        409 => {
                            existing.fetch_add(1, Ordering::Relaxed);
                        }
                        code => {
                            return Err(format!(
                                "creating {}: {code}: {}",
                                pod_name(index),
                                response.text().await?
                            )
                            .into());
                        }
                    }
                    let done = index + 1 - start;
                    if done.is_multiple_of(10_000) {
                        eprintln!("{done} pods after {:.1} s", began.elapsed().as_secs_f64());
                    }
                }
            })
        })
        .collect();
    for task in futures::future::join_all(tasks).await {
        task??;
    }
    let elapsed = began.elapsed().as_secs_f64();
    let stored = client.get(format!("{endpoint}/{}", pod_name(start))).send().await?.bytes().await?;
    println!(
        "seeded {pods} pods ({} already existed) in {elapsed:.1} s: {:.0} creates/s; a stored pod is {} bytes of JSON",
        existing.load(Ordering::Relaxed),
        pods as f64 / elapsed,
        stored.len()
    );
    Ok(())
}

pub async fn list(args: &Args) -> Result<()> {
    let url = args.url()?;
    let times: usize = args.get("times", 20)?;
    let table = args.options.contains_key("table");
    let namespace = args.text("namespace", "default");
    let endpoint = pods_url(&url, &namespace);
    let accept = if table { TABLE } else { "application/json" };
    let client = reqwest::Client::new();
    let first =
        client.get(&endpoint).header(ACCEPT, accept).send().await?.error_for_status()?.bytes().await?;
    let parsed: Value = serde_json::from_slice(&first)?;
    let field = if table { "rows" } else { "items" };
    let count = parsed.get(field).and_then(Value::as_array).map_or(0, Vec::len);
    let mut times_taken = Vec::with_capacity(times);
    for _ in 0..times {
        let began = Instant::now();
        let body =
            client.get(&endpoint).header(ACCEPT, accept).send().await?.error_for_status()?.bytes().await?;
        times_taken.push(began.elapsed());
        if body.len() < first.len() / 2 {
            return Err(format!("a list returned {} bytes, the first {}", body.len(), first.len()).into());
        }
    }
    let form = if table { "Table" } else { "JSON" };
    println!("LIST {form}: {count} {field}, {} bytes; {}", first.len(), summary(times_taken));
    Ok(())
}

pub async fn patch(args: &Args) -> Result<()> {
    let url = args.url()?;
    let clients: usize = args.get("clients", 8)?;
    let seconds: f64 = args.get("seconds", 10.0)?;
    let pods: usize = args.get("pods", 1000)?;
    let namespace = args.text("namespace", "default");
    let endpoint = Arc::new(pods_url(&url, &namespace));
    let client = reqwest::Client::new();
    let began = Instant::now();
    let deadline = began + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..clients.max(1))
        .map(|c| {
            let (client, endpoint) = (client.clone(), endpoint.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut round = 0usize;
                while Instant::now() < deadline {
                    let index = (c + round * clients) % pods.max(1);
                    let url = format!("{endpoint}/{}", pod_name(index));
                    let sent = Instant::now();
                    let response =
                        annotate(&client, &url, "bench.concord.dev/patched", &format!("{c}-{round}")).await?;
                    let ok = response.status().is_success();
                    response.bytes().await?;
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                    round += 1;
                }
                Ok::<_, Error>((latencies, errors))
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in futures::future::join_all(tasks).await {
        let (mine, failed) = task??;
        latencies.extend(mine);
        errors += failed;
    }
    let elapsed = began.elapsed().as_secs_f64();
    println!(
        "PATCH x{clients} clients: {} ok, {errors} failed in {elapsed:.1} s = {:.0} req/s; {}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        summary(latencies)
    );
    Ok(())
}

/// Nanoseconds since the Unix epoch, now: a value no earlier run wrote.
pub fn unix_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// The sending time a watch event line carries, found without parsing the whole object.
fn sent_nanos(line: &[u8]) -> Option<u128> {
    let needle = format!("\"{SENT_ANNOTATION}\":\"");
    let at = line.windows(needle.len()).position(|w| w == needle.as_bytes())? + needle.len();
    let digits = line.get(at..)?.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(line.get(at..at + digits)?).ok()?.parse().ok()
}

/// Reads a watch until it has seen `expected` events of this run or `deadline` passes.
async fn collect(
    mut response: reqwest::Response,
    expected: usize,
    deadline: tokio::time::Instant,
) -> Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(expected);
    let mut buffer: Vec<u8> = Vec::new();
    while latencies.len() < expected {
        let Ok(chunk) = tokio::time::timeout_at(deadline, response.chunk()).await else { break };
        let Some(chunk) = chunk? else { break };
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buffer.drain(..=end).collect();
            if let Some(sent) = sent_nanos(&line) {
                let delay = unix_nanos().saturating_sub(sent);
                latencies.push(Duration::from_nanos(u64::try_from(delay).unwrap_or(u64::MAX)));
            }
        }
    }
    Ok(latencies)
}

pub async fn watch_latency(args: &Args) -> Result<()> {
    let url = args.url()?;
    let watchers: usize = args.get("watchers", 100)?;
    let writes: usize = args.get("writes", 500)?;
    let rate: f64 = args.get("rate", 50.0)?;
    let namespace = args.text("namespace", "default");
    let endpoint = pods_url(&url, &namespace);
    let client = reqwest::Client::new();
    let head: Value =
        client.get(format!("{endpoint}?limit=1")).send().await?.error_for_status()?.json().await?;
    let version = head
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .ok_or("the list has no resourceVersion")?;
    let pace = if rate > 0.0 { Duration::from_secs_f64(1.0 / rate) } else { Duration::ZERO };
    let deadline = tokio::time::Instant::now() + pace * writes as u32 + Duration::from_secs(60);
    let mut streams = Vec::with_capacity(watchers);
    for _ in 0..watchers {
        let response = client
            .get(format!("{endpoint}?watch=true&resourceVersion={version}"))
            .send()
            .await?
            .error_for_status()?;
        streams.push(tokio::spawn(collect(response, writes, deadline)));
    }
    let target = format!("{endpoint}/{}", pod_name(0));
    let began = Instant::now();
    let mut round_trips = Vec::with_capacity(writes);
    for k in 0..writes {
        let stamp = unix_nanos().to_string();
        let sent = Instant::now();
        annotate(&client, &target, SENT_ANNOTATION, &stamp).await?.error_for_status()?.bytes().await?;
        round_trips.push(sent.elapsed());
        tokio::time::sleep_until(tokio::time::Instant::from_std(began + pace * (k as u32 + 1))).await;
    }
    let mut latencies = Vec::with_capacity(watchers * writes);
    for stream in futures::future::join_all(streams).await {
        latencies.extend(stream??);
    }
    println!(
        "watch: {watchers} watchers, {writes} writes at {rate} /s: {} of {} events delivered; delivery {}; PATCH round trip {}",
        latencies.len(),
        watchers * writes,
        summary(latencies),
        summary(round_trips)
    );
    Ok(())
}

pub async fn startup(args: &Args) -> Result<()> {
    let bin = args.options.get("bin").ok_or("--bin is required")?.clone();
    let dir = std::path::PathBuf::from(args.options.get("data-dir").ok_or("--data-dir is required")?);
    let times: usize = args.get("times", 10)?;
    let port: u16 = args.get("port", 18100)?;
    let fresh = args.options.contains_key("fresh");
    let listen = format!("127.0.0.1:{port}");
    let health = format!("http://{listen}/healthz");
    let client = reqwest::Client::new();
    let mut times_taken = Vec::with_capacity(times);
    let mut rss = Vec::with_capacity(times);
    for _ in 0..times {
        if fresh {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        let began = Instant::now();
        let mut child = std::process::Command::new(&bin)
            .args(["sandbox", "--listen", &listen, "--data-dir"])
            .arg(&dir)
            .arg("--kubeconfig")
            .arg(dir.with_extension("kubeconfig"))
            .stdout(std::process::Stdio::null())
            .spawn()?;
        let healthy = loop {
            if matches!(client.get(&health).send().await, Ok(r) if r.status().is_success()) {
                break Some(began.elapsed());
            }
            if began.elapsed() > Duration::from_secs(60) {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        rss.push(proc_status_mib(child.id(), "VmRSS").unwrap_or(0.0));
        child.kill()?;
        child.wait()?;
        times_taken.push(healthy.ok_or("the sandbox did not become healthy within 60 s")?);
    }
    let peak = rss.iter().copied().fold(0.0, f64::max);
    println!("start-up to healthy /healthz: {}; VmRSS then up to {peak:.1} MiB", summary(times_taken));
    Ok(())
}
