//! `concord sandbox` survives `kill -9`: every write it acknowledged (201) is there after a
//! restart on the same data directory, unchanged, and the resourceVersion sequence carries on
//! past every acknowledged version.
//!
//! The real binary runs as a child process; clients speak plain HTTP/1.1 over `TcpStream` so the
//! test needs no HTTP client crate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WRITERS: usize = 4;
/// Acknowledged writes to wait for before the kill.
const ACKS_BEFORE_KILL: usize = 300;
const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";

/// A running `concord sandbox`; killed with SIGKILL when dropped, so a failing test leaves no
/// server behind.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    /// Kept open: the server prints more lines after the URL, and a closed pipe would fail them.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(data_dir: &Path, kubeconfig: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["sandbox", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("concord runs");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let addr = loop {
            line.clear();
            let read = stdout.read_line(&mut line).expect("read stdout");
            assert!(read > 0, "concord sandbox exited before printing its URL: {:?}", child.try_wait());
            if let Some(url) = line.trim().strip_prefix("concord sandbox listening on http://") {
                break url.to_string();
            }
        };
        Server { child, addr, _stdout: stdout }
    }

    /// SIGKILL, and wait for the process to be gone.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One HTTP/1.1 request on its own connection; the status code and body.
fn request(addr: &str, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "incomplete HTTP response"))
}

/// Status code and body of a complete response (`Content-Length` or chunked).
fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut rest = &raw[split + 4..];
    let code: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if !chunked {
        let length = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok()).flatten()
        });
        return match length {
            Some(n) if rest.len() >= n => Some((code, rest[..n].to_vec())),
            Some(_) => None,
            None => Some((code, rest.to_vec())),
        };
    }
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?.split(';').next()?.trim(), 16)
                .ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some((code, body));
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

fn config_map(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"payload": name.repeat(8)}})
}

/// Every ConfigMap in `default`: name → (resourceVersion, data).
fn list(addr: &str) -> BTreeMap<String, (u64, Value)> {
    let (code, body) = request(addr, "GET", CONFIGMAPS, None).expect("list");
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    let list: Value = serde_json::from_slice(&body).expect("list is JSON");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let name = item["metadata"]["name"].as_str().expect("name").to_string();
            let rv = item["metadata"]["resourceVersion"].as_str().expect("rv").parse().expect("numeric rv");
            (name, (rv, item["data"].clone()))
        })
        .collect()
}

/// Streams creates from several threads until `ACKS_BEFORE_KILL` are acknowledged, then kills
/// the server with SIGKILL while the writers are still sending; returns the acknowledged
/// (name, resourceVersion) pairs.
fn write_until_killed(server: &mut Server, round: usize) -> Vec<(String, u64)> {
    let acked: Arc<Mutex<Vec<(String, u64)>>> = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (acked, count, stop, addr) = (acked.clone(), count.clone(), stop.clone(), server.addr.clone());
        writers.push(std::thread::spawn(move || {
            let mut failures = 0;
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let name = format!("cm-{round}-{w}-{n}");
                match request(&addr, "POST", CONFIGMAPS, Some(&config_map(&name))) {
                    Ok((201, body)) => {
                        let object: Value = serde_json::from_slice(&body).expect("created object is JSON");
                        assert_eq!(object["metadata"]["name"], name.as_str());
                        let rv = object["metadata"]["resourceVersion"]
                            .as_str()
                            .expect("rv")
                            .parse()
                            .expect("numeric rv");
                        acked.lock().unwrap().push((name, rv));
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok((code, body)) => {
                        panic!("unexpected {code} for {name}: {}", String::from_utf8_lossy(&body))
                    }
                    // The server was killed: a refused connection or a cut-off response.
                    Err(_) => {
                        failures += 1;
                        if failures > 3 {
                            break;
                        }
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    while count.load(Ordering::SeqCst) < ACKS_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {} writes acknowledged in 60 s",
            count.load(Ordering::SeqCst)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().expect("writer thread");
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.len() >= ACKS_BEFORE_KILL);
    acked
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    let kubeconfig = dir.path().join("kubeconfig");
    let mut server = Server::start(&data_dir, &kubeconfig);
    assert!(std::fs::read_to_string(&kubeconfig).expect("kubeconfig written").contains(&server.addr));

    // Two rounds: the second kill hits a store that was itself recovered from a kill.
    let mut acked: Vec<(String, u64)> = Vec::new();
    for round in 0..2 {
        acked.extend(write_until_killed(&mut server, round));
        server = Server::start(&data_dir, &kubeconfig);
        let stored = list(&server.addr);
        let mut lost = Vec::new();
        for (name, rv) in &acked {
            match stored.get(name) {
                Some((stored_rv, data)) => {
                    assert_eq!(stored_rv, rv, "{name} came back at another version");
                    assert_eq!(data, &json!({"payload": name.repeat(8)}), "{name} came back different");
                }
                None => lost.push(name.clone()),
            }
        }
        assert!(
            lost.is_empty(),
            "{} acknowledged writes lost after kill -9: {:?}",
            lost.len(),
            &lost[..lost.len().min(10)]
        );
        // Writes in flight at the kill may or may not have landed, but nothing else appeared.
        for name in stored.keys() {
            assert!(
                name.starts_with("cm-") || name.starts_with("after-restart-"),
                "unexpected object {name}"
            );
        }
        eprintln!("round {round}: {} acknowledged, {} stored", acked.len(), stored.len());

        let newest = acked.iter().map(|(_, rv)| *rv).max().expect("some writes");
        let highest_stored = stored.values().map(|(rv, _)| *rv).max().expect("objects");
        let name = format!("after-restart-{round}");
        let (code, body) =
            request(&server.addr, "POST", CONFIGMAPS, Some(&config_map(&name))).expect("write after restart");
        assert_eq!(code, 201, "{}", String::from_utf8_lossy(&body));
        let object: Value = serde_json::from_slice(&body).expect("JSON");
        let rv: u64 =
            object["metadata"]["resourceVersion"].as_str().expect("rv").parse().expect("numeric rv");
        assert!(rv > newest, "resourceVersion went back after the restart: {rv} <= {newest}");
        assert!(rv > highest_stored, "{rv} <= {highest_stored}");
        acked.push((name, rv));
    }
}
