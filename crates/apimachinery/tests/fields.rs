//! Field selectors: kube's parse and escape cases (`pkg/fields/selector_test.go`), the field
//! labels each resource accepts with kube-apiserver's 400 texts, and the values matched.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::fields::{
    FieldLabels, FieldSelector, FieldSelectorError, escape_value, field_value, supported_fields,
    unescape_value,
};
use serde_json::{Value, json};

fn parse(s: &str) -> FieldSelector {
    FieldSelector::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

fn error(s: &str) -> String {
    FieldSelector::parse(s).unwrap_err().to_string()
}

#[test]
fn parse_and_print() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("a=b", "a=b"),
        ("a==b", "a=b"),
        ("a!=b", "a!=b"),
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("z=c,x=a,y=b", "x=a,y=b,z=c"),
        ("x=a,,y=b", "x=a,y=b"),
        ("x=", "x="),
        ("metadata.name=web,status.phase!=Running", "metadata.name=web,status.phase!=Running"),
        (r"x=a\,b", r"x=a\,b"),
        (r"x=a\=b", r"x=a\=b"),
        (r"x=a\\b", r"x=a\\b"),
        // The first operator splits the term, so the field name keeps everything before it.
        ("a!b=c", "a!b=c"),
    ];
    for (input, printed) in cases {
        assert_eq!(parse(input).to_string(), *printed, "{input:?}");
    }
}

#[test]
fn values_are_unescaped() {
    let s = parse(r"x=a\,b\=c\\d");
    assert_eq!(s.requirements()[0].value, r"a,b=c\d");
    assert_eq!(escape_value(r"a,b=c\d"), r"a\,b\=c\\d");
    assert_eq!(unescape_value(r"a\,b\=c\\d").unwrap(), r"a,b=c\d");
    assert_eq!(unescape_value("plain").unwrap(), "plain");
}

#[test]
fn error_texts() {
    assert_eq!(error("a"), "invalid selector: 'a'; can't understand 'a'");
    assert_eq!(error("x=a,b"), "invalid selector: 'x=a,b'; can't understand 'b'");
    assert_eq!(error(r"x=a\b"), r"invalid field selector: invalid escape sequence: \b");
    assert_eq!(error(r"x=a\"), r"invalid field selector: invalid escape sequence: \");
    assert_eq!(error("x=a=b"), "invalid field selector: unescaped character in value: 61");
    assert_eq!(error("a=!=b"), "invalid field selector: unescaped character in value: 61");
    assert!(matches!(FieldSelector::parse("x=a=b"), Err(FieldSelectorError::UnescapedRune('='))));
}

#[test]
fn matching_reads_missing_fields_as_empty() {
    let s = parse("a=x,b!=y");
    assert!(s.matches(|f| if f == "a" { Some("x".to_string()) } else { None }));
    assert!(!s.matches(|f| Some(if f == "a" { "x" } else { "y" }.to_string())));
    assert!(parse("a=").matches(|_| None));
    assert!(!parse("a!=").matches(|_| None));
    assert!(parse("").matches(|_| None));
    assert!(parse("").is_empty());
    assert_eq!(parse("metadata.name=web,a!=b").requires_exact_match("metadata.name"), Some("web"));
    assert_eq!(parse("metadata.name!=web").requires_exact_match("metadata.name"), None);
}

fn convert(group: &str, resource: &str, selector: &str) -> Result<FieldSelector, String> {
    FieldLabels::builtin(group, resource).convert(&parse(selector)).map_err(|e| e.to_string())
}

#[test]
fn unsupported_labels_get_kube_texts() {
    assert_eq!(convert("", "pods", "foo=bar").unwrap_err(), "field label not supported: foo");
    assert_eq!(
        convert("", "nodes", "metadata.namespace=x").unwrap_err(),
        "field label not supported: metadata.namespace"
    );
    assert_eq!(
        convert("", "namespaces", "metadata.namespace=x").unwrap_err(),
        "field label not supported: metadata.namespace"
    );
    assert_eq!(
        convert("batch", "jobs", "status.succeeded=1").unwrap_err(),
        "field label \"status.succeeded\" not supported for batchv1.Job"
    );
    for (group, resource) in
        [("", "configmaps"), ("apps", "deployments"), ("apps", "replicasets"), ("", "persistentvolumes")]
    {
        assert_eq!(
            convert(group, resource, "status.replicas=1").unwrap_err(),
            r#""status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace""#,
            "{group}/{resource}"
        );
    }
    // Every term is checked, in kube's (sorted) order.
    assert_eq!(convert("", "secrets", "zzz=1,aaa=2").unwrap_err(), "field label not supported: aaa");
}

#[test]
fn supported_labels_per_resource() {
    let accepts = |group: &str, resource: &str, labels: &[&str]| {
        for label in labels {
            assert!(convert(group, resource, &format!("{label}=x")).is_ok(), "{group}/{resource} {label}");
            assert!(supported_fields(group, resource).contains(label), "{group}/{resource} lists {label}");
        }
    };
    accepts(
        "",
        "pods",
        &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
            "spec.host",
        ],
    );
    accepts("", "nodes", &["metadata.name", "spec.unschedulable"]);
    accepts("", "namespaces", &["metadata.name", "status.phase"]);
    accepts("", "secrets", &["metadata.name", "metadata.namespace", "type"]);
    accepts("", "services", &["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"]);
    accepts("", "replicationcontrollers", &["metadata.name", "metadata.namespace", "status.replicas"]);
    accepts(
        "",
        "events",
        &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
    );
    accepts(
        "events.k8s.io",
        "events",
        &["regarding.kind", "regarding.name", "reportingController", "reason", "type"],
    );
    accepts("batch", "jobs", &["metadata.name", "metadata.namespace", "status.successful"]);
    accepts("certificates.k8s.io", "certificatesigningrequests", &["metadata.name", "spec.signerName"]);
    accepts("apps", "deployments", &["metadata.name", "metadata.namespace"]);
    assert_eq!(supported_fields("", "configmaps"), ["metadata.name", "metadata.namespace"]);
}

#[test]
fn aliases_become_canonical_labels() {
    assert_eq!(convert("", "pods", "spec.host=n1").unwrap().to_string(), "spec.nodeName=n1");
    assert_eq!(
        convert("events.k8s.io", "events", "regarding.name=web,reportingController=kubelet")
            .unwrap()
            .to_string(),
        "involvedObject.name=web,reportingComponent=kubelet"
    );
    // events.k8s.io does not accept the core spellings.
    assert_eq!(
        convert("events.k8s.io", "events", "involvedObject.name=web").unwrap_err(),
        "field label not supported: involvedObject.name"
    );
}

#[test]
fn pod_values() {
    let pod = json!({
        "metadata": {"name": "web", "namespace": "dev"},
        "spec": {"nodeName": "n1", "restartPolicy": "Always", "hostNetwork": true},
        "status": {"phase": "Running", "podIP": "10.0.0.9", "podIPs": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]}
    });
    let value = |field: &str| field_value("", "pods", &pod, field);
    assert_eq!(value("metadata.name").as_deref(), Some("web"));
    assert_eq!(value("metadata.namespace").as_deref(), Some("dev"));
    assert_eq!(value("spec.nodeName").as_deref(), Some("n1"));
    assert_eq!(value("spec.host").as_deref(), Some("n1"));
    assert_eq!(value("spec.hostNetwork").as_deref(), Some("true"));
    assert_eq!(value("spec.schedulerName").as_deref(), Some(""));
    assert_eq!(value("status.podIP").as_deref(), Some("10.0.0.1"));
    // Accepted by kube-apiserver but never filled for matching.
    assert_eq!(value("status.podIPs").as_deref(), Some(""));
    assert_eq!(value("nope"), None);
    let bare = json!({"metadata": {"name": "x"}, "status": {"podIP": "10.1.1.1"}});
    assert_eq!(field_value("", "pods", &bare, "spec.hostNetwork").as_deref(), Some("false"));
    assert_eq!(field_value("", "pods", &bare, "status.podIP").as_deref(), Some("10.1.1.1"));

    let labels = FieldLabels::builtin("", "pods");
    let running_on_n1 = labels.convert(&parse("spec.host=n1,status.phase=Running")).unwrap();
    assert!(labels.matches(&running_on_n1, &pod));
    assert!(!labels.matches(&running_on_n1, &bare));
    let not_host = labels.convert(&parse("spec.hostNetwork!=true")).unwrap();
    assert!(!labels.matches(&not_host, &pod));
    assert!(labels.matches(&not_host, &bare));
}

#[test]
fn other_resource_values() {
    let node = json!({"metadata": {"name": "n1"}, "spec": {}});
    assert_eq!(field_value("", "nodes", &node, "spec.unschedulable").as_deref(), Some("false"));
    assert_eq!(field_value("", "nodes", &node, "metadata.namespace"), None);
    let job = json!({"metadata": {"name": "j"}, "status": {"succeeded": 3}});
    assert_eq!(field_value("batch", "jobs", &job, "status.successful").as_deref(), Some("3"));
    assert_eq!(field_value("batch", "jobs", &json!({}), "status.successful").as_deref(), Some("0"));
    let rc = json!({"status": {"replicas": 2}});
    assert_eq!(field_value("", "replicationcontrollers", &rc, "status.replicas").as_deref(), Some("2"));
    let secret = json!({"type": "kubernetes.io/tls"});
    assert_eq!(field_value("", "secrets", &secret, "type").as_deref(), Some("kubernetes.io/tls"));
    let event = json!({"involvedObject": {"kind": "Pod", "name": "web"}, "reason": "Started",
                       "reportingComponent": "kubelet", "source": {}, "type": "Normal"});
    assert_eq!(field_value("", "events", &event, "involvedObject.kind").as_deref(), Some("Pod"));
    assert_eq!(field_value("", "events", &event, "source").as_deref(), Some("kubelet"));
    let event = json!({"source": {"component": "scheduler"}, "reportingComponent": "x"});
    assert_eq!(field_value("", "events", &event, "source").as_deref(), Some("scheduler"));
    let new_event = json!({"regarding": {"kind": "Pod", "name": "web"}, "reportingController": "kubelet",
                           "deprecatedSource": {"component": "old"}});
    assert_eq!(field_value("events.k8s.io", "events", &new_event, "regarding.name").as_deref(), Some("web"));
    assert_eq!(
        field_value("events.k8s.io", "events", &new_event, "reportingController").as_deref(),
        Some("kubelet")
    );
    assert_eq!(field_value("events.k8s.io", "events", &new_event, "source").as_deref(), Some("old"));
    let ns = json!({"metadata": {"name": "dev"}, "status": {"phase": "Terminating"}});
    assert_eq!(field_value("", "namespaces", &ns, "status.phase").as_deref(), Some("Terminating"));
    let deploy = json!({"metadata": {"name": "d", "namespace": "dev"}, "status": {"replicas": 1}});
    assert_eq!(field_value("apps", "deployments", &deploy, "metadata.namespace").as_deref(), Some("dev"));
    assert_eq!(field_value("apps", "deployments", &deploy, "status.replicas"), None);
}

#[test]
fn custom_resources() {
    let namespaced = FieldLabels::custom_resource(false, [".spec.color", ".spec.size", ".status.ready"]);
    assert_eq!(
        namespaced.supported(),
        ["metadata.name", "metadata.namespace", "spec.color", "spec.size", "status.ready"]
    );
    let s = namespaced
        .convert(&parse("spec.color=blue,spec.size=3,status.ready=true,metadata.namespace=dev"))
        .unwrap();
    let object = json!({"metadata": {"name": "a", "namespace": "dev"},
                        "spec": {"color": "blue", "size": 3}, "status": {"ready": true}});
    assert!(namespaced.matches(&s, &object));
    assert_eq!(namespaced.value(&json!({}), "spec.color").as_deref(), Some(""));
    assert_eq!(
        namespaced.convert(&parse("spec.shape=round")).unwrap_err().to_string(),
        "field label not supported: spec.shape"
    );

    let cluster = FieldLabels::custom_resource(true, Vec::<String>::new());
    assert_eq!(cluster.supported(), ["metadata.name"]);
    assert_eq!(
        cluster.convert(&parse("metadata.namespace=x")).unwrap_err().to_string(),
        "field label not supported: metadata.namespace"
    );
    assert!(cluster.convert(&parse("metadata.name=x")).is_ok());
}

#[test]
fn selected_paths_exist_upstream() {
    // Every value this crate reads for matching must be a field of the served object, with the
    // type it is read as, in the upstream OpenAPI documents.
    let swagger = upstream_swagger();
    let definitions = &swagger["definitions"];
    let checks: &[(&str, &str, &str)] = &[
        ("io.k8s.api.core.v1.Pod", "spec.nodeName", "string"),
        ("io.k8s.api.core.v1.Pod", "spec.restartPolicy", "string"),
        ("io.k8s.api.core.v1.Pod", "spec.schedulerName", "string"),
        ("io.k8s.api.core.v1.Pod", "spec.serviceAccountName", "string"),
        ("io.k8s.api.core.v1.Pod", "spec.hostNetwork", "boolean"),
        ("io.k8s.api.core.v1.Pod", "status.phase", "string"),
        ("io.k8s.api.core.v1.Pod", "status.podIP", "string"),
        ("io.k8s.api.core.v1.Pod", "status.podIPs.0.ip", "string"),
        ("io.k8s.api.core.v1.Pod", "status.nominatedNodeName", "string"),
        ("io.k8s.api.core.v1.Node", "spec.unschedulable", "boolean"),
        ("io.k8s.api.core.v1.ReplicationController", "status.replicas", "integer"),
        ("io.k8s.api.core.v1.Namespace", "status.phase", "string"),
        ("io.k8s.api.core.v1.Secret", "type", "string"),
        ("io.k8s.api.core.v1.Service", "spec.clusterIP", "string"),
        ("io.k8s.api.core.v1.Service", "spec.type", "string"),
        ("io.k8s.api.batch.v1.Job", "status.succeeded", "integer"),
        ("io.k8s.api.certificates.v1.CertificateSigningRequest", "spec.signerName", "string"),
        ("io.k8s.api.core.v1.Event", "involvedObject.kind", "string"),
        ("io.k8s.api.core.v1.Event", "involvedObject.fieldPath", "string"),
        ("io.k8s.api.core.v1.Event", "reportingComponent", "string"),
        ("io.k8s.api.core.v1.Event", "source.component", "string"),
        ("io.k8s.api.core.v1.Event", "reason", "string"),
        ("io.k8s.api.core.v1.Event", "type", "string"),
        ("io.k8s.api.events.v1.Event", "regarding.kind", "string"),
        ("io.k8s.api.events.v1.Event", "regarding.resourceVersion", "string"),
        ("io.k8s.api.events.v1.Event", "reportingController", "string"),
        ("io.k8s.api.events.v1.Event", "deprecatedSource.component", "string"),
    ];
    for (definition, path, want) in checks {
        let mut schema = &definitions[*definition];
        for segment in path.split('.') {
            schema = resolve(definitions, schema);
            schema = if segment.parse::<usize>().is_ok() {
                &schema["items"]
            } else {
                &schema["properties"][segment]
            };
        }
        let schema = resolve(definitions, schema);
        assert_eq!(schema["type"].as_str(), Some(*want), "{definition} {path}");
    }
}

fn resolve<'a>(definitions: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/definitions/")) {
        Some(name) => &definitions[name],
        None => schema,
    }
}

fn upstream_swagger() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi/swagger.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the upstream OpenAPI document {} is needed by this test: {e}", path.display())
    });
    serde_json::from_str(&text).unwrap()
}
