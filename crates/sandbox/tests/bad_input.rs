//! Hostile and malformed requests over raw HTTP: each gets kube-apiserver's status code and a
//! `Status` body, the server stays up, and nothing is written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// A sandbox with a plain HTTP client, and the state to compare against after each request.
struct Probe {
    ts: common::TestSandbox,
    http: reqwest::Client,
}

/// What the server answered.
struct Answer {
    code: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    /// Asserts a failure `Status` with this code and reason; returns its message.
    fn status(&self, code: u16, reason: &str) -> String {
        assert_eq!(self.code, code, "{}", self.body);
        assert_eq!(self.body["kind"], "Status", "{}", self.body);
        assert_eq!(self.body["apiVersion"], "v1", "{}", self.body);
        assert_eq!(self.body["status"], "Failure", "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert_eq!(self.body["reason"], reason, "{}", self.body);
        self.body["message"].as_str().expect("message").to_string()
    }
}

/// The observable state of the store: its revision and every ConfigMap and Deployment in
/// `default`, by name and resourceVersion.
#[derive(Debug, PartialEq)]
struct Snapshot {
    revision: u64,
    objects: Vec<(String, String)>,
}

const CONFIGMAPS: &str = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/default/deployments";

impl Probe {
    async fn start() -> Probe {
        let ts = common::start().await;
        let probe = Probe { ts, http: reqwest::Client::new() };
        // Something to patch, and something a stray write could clobber.
        let seed = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "seed"}, "data": {"k": "v"}});
        let answer =
            probe.send(reqwest::Method::POST, CONFIGMAPS, "application/json", seed.to_string()).await;
        assert_eq!(answer.code, 201, "{}", answer.body);
        probe
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.ts.url())
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let response = self
            .http
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let code = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        Answer { code, headers, body }
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, "application/json", body.to_string()).await
    }

    async fn get(&self, path: &str) -> Answer {
        let response = self.http.get(self.url(path)).send().await.expect("the server answers");
        let code = response.status().as_u16();
        let headers = response.headers().clone();
        Answer { code, headers, body: response.json().await.expect("JSON") }
    }

    async fn snapshot(&self) -> Snapshot {
        let mut objects = Vec::new();
        for path in [CONFIGMAPS, DEPLOYMENTS] {
            let list = self.get(path).await;
            assert_eq!(list.code, 200, "{}", list.body);
            for item in list.body["items"].as_array().expect("items") {
                let name = item["metadata"]["name"].as_str().unwrap_or_default().to_string();
                let version = item["metadata"]["resourceVersion"].as_str().unwrap_or_default().to_string();
                objects.push((name, version));
            }
        }
        Snapshot { revision: self.ts.sandbox.api().store().revision(), objects }
    }

    /// Asserts the server is alive and that nothing was written since `before`.
    async fn unchanged(&self, before: &Snapshot) {
        let health = self.http.get(self.url("/healthz")).send().await.expect("alive");
        assert_eq!(health.status().as_u16(), 200);
        assert_eq!(&self.snapshot().await, before, "a refused request wrote something");
    }
}

fn deployment(spec_extra: Value) -> Value {
    let mut spec = json!({
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}},
    });
    for (k, v) in spec_extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests() {
    let p = Probe::start().await;
    let before = p.snapshot().await;

    // Truncated JSON.
    let answer = p
        .send(
            reqwest::Method::POST,
            CONFIGMAPS,
            "application/json",
            r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": "#,
        )
        .await;
    answer.status(400, "BadRequest");
    p.unchanged(&before).await;

    // Not JSON at all, and JSON that is not an object.
    p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", "hello").await.status(400, "BadRequest");
    p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", "[1, 2]").await.status(400, "BadRequest");
    p.send(reqwest::Method::PUT, &format!("{CONFIGMAPS}/seed"), "application/json", "{")
        .await
        .status(400, "BadRequest");
    p.send(
        reqwest::Method::PATCH,
        &format!("{CONFIGMAPS}/seed"),
        "application/merge-patch+json",
        "{\"data\":",
    )
    .await
    .status(400, "BadRequest");
    p.send(reqwest::Method::PATCH, &format!("{CONFIGMAPS}/seed"), "application/json-patch+json", "[{\"op\":")
        .await
        .status(400, "BadRequest");
    p.send(
        reqwest::Method::PATCH,
        &format!("{CONFIGMAPS}/seed"),
        "application/strategic-merge-patch+json",
        "nope",
    )
    .await
    .status(400, "BadRequest");
    p.unchanged(&before).await;

    // Malformed YAML for server-side apply (an unclosed flow sequence, a tab indent).
    let apply = format!("{CONFIGMAPS}/seed?fieldManager=tester");
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &apply,
            "application/apply-patch+yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata: [unclosed\n",
        )
        .await;
    answer.status(400, "BadRequest");
    let answer = p
        .send(reqwest::Method::PATCH, &apply, "application/apply-patch+yaml", "metadata:\n\tname: seed\n")
        .await;
    answer.status(400, "BadRequest");
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{CONFIGMAPS}/fresh?fieldManager=tester"),
            "application/apply-patch+yaml",
            "kind: ConfigMap\n  bad: - indentation\n",
        )
        .await;
    answer.status(400, "BadRequest");
    p.unchanged(&before).await;

    // A body in a format the verb does not take.
    let answer = p.send(reqwest::Method::POST, CONFIGMAPS, "text/plain", "name=x").await;
    answer.status(415, "UnsupportedMediaType");
    let answer =
        p.send(reqwest::Method::PATCH, &format!("{CONFIGMAPS}/seed"), "application/json", "{}").await;
    answer.status(415, "UnsupportedMediaType");
    p.unchanged(&before).await;
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    let big = "x".repeat(10 * 1024 * 1024);
    let body =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"}, "data": {"big": big}})
            .to_string();
    let answer = p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", body).await;
    let message = answer.status(413, "RequestEntityTooLarge");
    assert_eq!(message, "Request entity too large: limit is 3145728");
    p.unchanged(&before).await;

    // Just under the limit is fine: the limit is on the body, not on some smaller buffer.
    let fits = "y".repeat(2 * 1024 * 1024);
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "large"}, "data": {"big": fits}});
    let answer = p.post(CONFIGMAPS, &body).await;
    assert_eq!(answer.code, 201, "{}", answer.body["message"]);
}

#[tokio::test]
async fn unknown_paths_and_resources_are_not_found() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/foos"),
        (reqwest::Method::POST, "/api/v1/namespaces/default/foos"),
        (reqwest::Method::GET, "/apis/nope.example.com/v1/widgets"),
        (reqwest::Method::GET, "/api/v1/namespaces/default/configmaps/seed/nosuchsubresource"),
    ] {
        let answer = p.send(method, path, "application/json", "{}").await;
        let message = answer.status(404, "NotFound");
        assert_eq!(message, "the server could not find the requested resource", "{path}");
    }
    let answer = p.get(&format!("{CONFIGMAPS}/absent")).await;
    let message = answer.status(404, "NotFound");
    assert_eq!(message, "configmaps \"absent\" not found");
    assert_eq!(answer.body["details"], json!({"name": "absent", "kind": "configmaps"}));
    p.unchanged(&before).await;
}

#[tokio::test]
async fn field_validation_strict_warn_and_ignore() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    let with_unknown = deployment(json!({"foo": "bar"}));

    let answer = p.post(&format!("{DEPLOYMENTS}?fieldValidation=Strict"), &with_unknown).await;
    let message = answer.status(400, "BadRequest");
    assert_eq!(
        message,
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\""
    );
    p.unchanged(&before).await;

    let answer = p.post(&format!("{DEPLOYMENTS}?fieldValidation=Warn"), &with_unknown).await;
    assert_eq!(answer.code, 201, "{}", answer.body);
    let warnings: Vec<&str> = answer.headers.get_all("warning").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("299 - \"unknown field ") && warnings[0].contains("spec.foo"),
        "{warnings:?}"
    );
    assert!(answer.body["spec"].get("foo").is_none(), "unknown fields are dropped: {}", answer.body["spec"]);

    let mut again = with_unknown.clone();
    again["metadata"]["name"] = json!("web2");
    let answer = p.post(&format!("{DEPLOYMENTS}?fieldValidation=Ignore"), &again).await;
    assert_eq!(answer.code, 201, "{}", answer.body);
    assert!(answer.headers.get("warning").is_none(), "{:?}", answer.headers);
    assert!(answer.body["spec"].get("foo").is_none());
    let stored = p.get(&format!("{DEPLOYMENTS}/web2")).await;
    assert!(stored.body["spec"].get("foo").is_none());
}

#[tokio::test]
async fn wrong_types_and_invalid_names() {
    let p = Probe::start().await;
    let before = p.snapshot().await;

    let answer = p.post(DEPLOYMENTS, &deployment(json!({"replicas": "three"}))).await;
    let message = answer.status(400, "BadRequest");
    assert_eq!(
        message,
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
    );
    p.unchanged(&before).await;

    let answer = p
        .post(CONFIGMAPS, &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Foo_Bar"}}))
        .await;
    let message = answer.status(422, "Invalid");
    let rfc1123 = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assert_eq!(
        message,
        format!("ConfigMap \"Foo_Bar\" is invalid: metadata.name: Invalid value: \"Foo_Bar\": {rfc1123}")
    );
    assert_eq!(answer.body["details"]["name"], "Foo_Bar");
    assert_eq!(answer.body["details"]["kind"], "ConfigMap");
    assert_eq!(
        answer.body["details"]["causes"],
        json!([{"reason": "FieldValueInvalid", "message": format!("Invalid value: \"Foo_Bar\": {rfc1123}"), "field": "metadata.name"}])
    );
    p.unchanged(&before).await;

    // Bad label keys and values are Invalid too, each a cause.
    let answer = p
        .post(CONFIGMAPS, &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok", "labels": {"bad key": "v", "k": "bad value"}}}))
        .await;
    answer.status(422, "Invalid");
    let fields: Vec<&str> = answer.body["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert_eq!(fields, ["metadata.labels", "metadata.labels"], "{}", answer.body);
    p.unchanged(&before).await;

    // A body that names another kind, namespace or name than the URL.
    let answer =
        p.post(CONFIGMAPS, &json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}})).await;
    answer.status(400, "BadRequest");
    let answer = p.post(CONFIGMAPS, &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "kube-system"}})).await;
    let message = answer.status(400, "BadRequest");
    assert_eq!(
        message,
        "the namespace of the provided object does not match the namespace sent on the request"
    );
    let answer = p
        .send(
            reqwest::Method::PUT,
            &format!("{CONFIGMAPS}/seed"),
            "application/json",
            json!({"metadata": {"name": "other"}}).to_string(),
        )
        .await;
    answer.status(400, "BadRequest");
    p.unchanged(&before).await;

    // An invalid change through a patch is refused as a create would be.
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{CONFIGMAPS}/seed"),
            "application/merge-patch+json",
            json!({"metadata": {"labels": {"bad key": "v"}}}).to_string(),
        )
        .await;
    answer.status(422, "Invalid");
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{DEPLOYMENTS}/absent"),
            "application/merge-patch+json",
            json!({"spec": {"replicas": 2}}).to_string(),
        )
        .await;
    answer.status(404, "NotFound");
    p.unchanged(&before).await;

    // A patch that leaves the spec alone keeps it as it was, field order too; one that puts a
    // wrong type into it is refused.
    let created = p.post(DEPLOYMENTS, &deployment(json!({}))).await;
    assert_eq!(created.code, 201, "{}", created.body);
    let web = format!("{DEPLOYMENTS}/web");
    let patch =
        |body: Value| p.send(reqwest::Method::PATCH, &web, "application/merge-patch+json", body.to_string());
    let labelled = patch(json!({"metadata": {"labels": {"tier": "front"}}})).await;
    assert_eq!(labelled.code, 200, "{}", labelled.body);
    assert_eq!(labelled.body["spec"], created.body["spec"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&labelled.body), keys(&created.body));
    assert_eq!(keys(&labelled.body["spec"]), keys(&created.body["spec"]));
    let before = p.snapshot().await;
    let message = patch(json!({"spec": {"replicas": "three"}})).await.status(400, "BadRequest");
    assert!(message.ends_with("DeploymentSpec.spec.replicas of type int32"), "{message}");
    p.unchanged(&before).await;
}

#[tokio::test]
async fn bad_query_parameters() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    for selector in ["app in (a", "a b", "=x", "!!a", "app=a=b"] {
        let path = format!("{CONFIGMAPS}?labelSelector={}", urlencode(selector));
        p.get(&path).await.status(400, "BadRequest");
        // A watch parses the same selector before it starts.
        p.get(&format!("{path}&watch=true")).await.status(400, "BadRequest");
    }
    let answer = p.get(&format!("{CONFIGMAPS}?fieldSelector={}", urlencode("data.foo=bar"))).await;
    let message = answer.status(400, "BadRequest");
    // ConfigMaps have no field label conversion of their own: kube's default one answers.
    assert_eq!(
        message,
        r#""data.foo" is not a known field selector: only "metadata.name", "metadata.namespace""#
    );
    let answer = p.get(&format!("{CONFIGMAPS}?fieldSelector={}", urlencode("metadata.name"))).await;
    answer.status(400, "BadRequest");
    let answer = p.get(&format!("{CONFIGMAPS}?limit=ten")).await;
    answer.status(400, "BadRequest");
    let answer = p.get(&format!("{CONFIGMAPS}?limit=1&continue=not-a-token")).await;
    answer.status(400, "BadRequest");
    let answer =
        p.send(reqwest::Method::DELETE, &format!("{CONFIGMAPS}/seed"), "application/json", "[]").await;
    answer.status(400, "BadRequest");
    p.unchanged(&before).await;
}

#[tokio::test]
async fn deep_nesting_is_refused_and_the_server_survives() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    const DEPTH: usize = 10_000;
    let deep_json = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(DEPTH), "}".repeat(DEPTH));

    let create = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"deep"}},"data":{deep_json}}}"#
    );
    p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", create).await.status(400, "BadRequest");
    p.unchanged(&before).await;
    let create = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"deep","labels":{deep_object}}}}}"#
    );
    p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", create).await.status(400, "BadRequest");
    p.unchanged(&before).await;

    let seed = format!("{CONFIGMAPS}/seed");
    for content_type in ["application/merge-patch+json", "application/strategic-merge-patch+json"] {
        let patch = format!(r#"{{"data":{deep_object}}}"#);
        p.send(reqwest::Method::PATCH, &seed, content_type, patch).await.status(400, "BadRequest");
    }
    let patch = format!(r#"[{{"op":"add","path":"/data/x","value":{deep_json}}}]"#);
    p.send(reqwest::Method::PATCH, &seed, "application/json-patch+json", patch)
        .await
        .status(400, "BadRequest");
    p.unchanged(&before).await;

    // YAML: deep flow collections and deep block mappings.
    let flow = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata: {}{}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{seed}?fieldManager=tester"),
            "application/apply-patch+yaml",
            flow,
        )
        .await;
    answer.status(400, "BadRequest");
    let flow_maps = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata: {}1{}\n",
        "{a: ".repeat(DEPTH),
        "}".repeat(DEPTH)
    );
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{seed}?fieldManager=tester"),
            "application/apply-patch+yaml",
            flow_maps,
        )
        .await;
    answer.status(400, "BadRequest");
    let mut block = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata:\n");
    for level in 1..=1_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("a:\n");
    }
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{seed}?fieldManager=tester"),
            "application/apply-patch+yaml",
            block,
        )
        .await;
    answer.status(400, "BadRequest");
    let yaml_create = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: {}{}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    p.send(reqwest::Method::POST, CONFIGMAPS, "application/yaml", yaml_create)
        .await
        .status(400, "BadRequest");
    p.unchanged(&before).await;

    // Nesting under the limit in a field that accepts anything (an annotation value is a
    // string, so use a deep but legal object where the schema allows one: none for a
    // ConfigMap), so a moderately nested unknown field is dropped, not refused.
    let moderate = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"moderate"}},"extra":{}1{}}}"#,
        r#"{"a":"#.repeat(50),
        "}".repeat(50)
    );
    let answer = p.send(reqwest::Method::POST, CONFIGMAPS, "application/json", moderate).await;
    assert_eq!(answer.code, 201, "{}", answer.body);
    assert!(answer.body.get("extra").is_none());
}

/// kube-apiserver's Warning header: code, agent "-", and the text as an HTTP quoted-string
/// (RFC 9110: inner quotes escaped with a backslash), which kubectl and client-go unescape and
/// print as `Warning: unknown field "spec.foo"`.
#[tokio::test]
async fn warning_headers_quote_like_kube_apiserver() {
    let p = Probe::start().await;
    let answer =
        p.post(&format!("{DEPLOYMENTS}?fieldValidation=Warn"), &deployment(json!({"foo": "bar"}))).await;
    assert_eq!(answer.code, 201, "{}", answer.body);
    let warnings: Vec<&str> = answer.headers.get_all("warning").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(warnings, [r#"299 - "unknown field \"spec.foo\"""#]);
}

/// kube-apiserver validates a write's options (`CreateOptions`, `PatchOptions`,
/// `DeleteOptions`) before anything else and refuses bad ones as 422 Invalid of the options kind.
#[tokio::test]
async fn invalid_write_options_are_invalid() {
    let p = Probe::start().await;
    let before = p.snapshot().await;
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "opt"}});

    let message = p.post(&format!("{CONFIGMAPS}?dryRun=Yes"), &cm).await.status(422, "Invalid");
    assert!(
        message.starts_with("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: "),
        "{message}"
    );
    let long = "m".repeat(129);
    let message = p.post(&format!("{CONFIGMAPS}?fieldManager={long}"), &cm).await.status(422, "Invalid");
    assert_eq!(
        message,
        "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes"
    );
    let message = p
        .post(&format!("{DEPLOYMENTS}?fieldValidation=Loose"), &deployment(json!({})))
        .await
        .status(422, "Invalid");
    assert!(
        message.starts_with(
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\""
        ),
        "{message}"
    );
    let answer = p
        .send(
            reqwest::Method::PATCH,
            &format!("{CONFIGMAPS}/seed?force=true"),
            "application/merge-patch+json",
            r#"{"data":{"k":"w"}}"#,
        )
        .await;
    let message = answer.status(422, "Invalid");
    assert_eq!(
        message,
        "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch"
    );
    let answer = p
        .send(
            reqwest::Method::DELETE,
            &format!("{CONFIGMAPS}/seed?propagationPolicy=Sometimes"),
            "application/json",
            "",
        )
        .await;
    let message = answer.status(422, "Invalid");
    assert_eq!(
        message,
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sometimes\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
    );
    p.unchanged(&before).await;
}

/// Percent-encodes a query value.
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
