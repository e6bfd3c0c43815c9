//! Objects come from users: no JSON, however wrong its types or shape, may make a printer
//! panic or return a row of the wrong width; no column path may make parsing or evaluation
//! panic.

mod common;

use common::now;
use concord_printers::{Printer, default_printer, for_crd_columns, for_kind};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const KINDS: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "Namespace"),
    ("", "Service"),
    ("", "Endpoints"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "ServiceAccount"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "PersistentVolumeClaim"),
    ("", "Event"),
    ("events.k8s.io", "Event"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("networking.k8s.io", "Ingress"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("coordination.k8s.io", "Lease"),
];

/// Field names the printers read, so generated objects reach deep into them.
const KEYS: &[&str] = &[
    "metadata",
    "spec",
    "status",
    "name",
    "namespace",
    "creationTimestamp",
    "deletionTimestamp",
    "labels",
    "annotations",
    "containers",
    "initContainers",
    "containerStatuses",
    "initContainerStatuses",
    "state",
    "lastState",
    "waiting",
    "running",
    "terminated",
    "reason",
    "exitCode",
    "signal",
    "finishedAt",
    "restartCount",
    "ready",
    "started",
    "restartPolicy",
    "conditions",
    "type",
    "phase",
    "podIP",
    "podIPs",
    "ip",
    "nodeName",
    "readinessGates",
    "conditionType",
    "replicas",
    "readyReplicas",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "template",
    "ports",
    "port",
    "nodePort",
    "protocol",
    "clusterIP",
    "clusterIPs",
    "externalIPs",
    "loadBalancer",
    "ingress",
    "hostname",
    "subsets",
    "addresses",
    "data",
    "binaryData",
    "stringData",
    "secrets",
    "nodeInfo",
    "unschedulable",
    "capacity",
    "storage",
    "accessModes",
    "claimRef",
    "volumeName",
    "volumeMode",
    "completions",
    "parallelism",
    "startTime",
    "completionTime",
    "succeeded",
    "schedule",
    "timeZone",
    "suspend",
    "active",
    "lastScheduleTime",
    "jobTemplate",
    "rules",
    "host",
    "tls",
    "ingressClassName",
    "roleRef",
    "subjects",
    "kind",
    "holderIdentity",
    "involvedObject",
    "regarding",
    "series",
    "count",
    "lastObservedTime",
    "eventTime",
    "firstTimestamp",
    "lastTimestamp",
    "source",
    "component",
    "message",
    "note",
    "items",
    "n",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("".to_owned()),
            Just("True".to_owned()),
            Just("Always".to_owned()),
            Just("Completed".to_owned()),
            Just("2025-06-01T11:00:00Z".to_owned()),
            Just("0001-01-01T00:00:00Z".to_owned()),
            Just("9999-12-31T23:59:59.999999999-23:59".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|entries| {
                Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

fn check_row(printer: &dyn Printer, object: &Value) {
    let cells = printer.cells(object, now());
    assert_eq!(cells.len(), printer.columns().len());
    for cell in &cells {
        assert!(matches!(cell, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null), "{cell}");
    }
    for condition in printer.conditions(object) {
        assert_eq!(condition["type"], "Completed");
    }
}

/// Characters column paths are made of.
const PATH_CHARS: &str = r#"[.a-z0-9*@$?()\[\]:,'"=!<>\\ {}\-é٣\n]{0,24}"#;

/// Column paths: well-formed steps mixed with random characters.
fn path() -> impl Strategy<Value = String> {
    let step = prop_oneof![
        3 => prop::sample::select(vec![
            ".spec", ".items", ".n", ".name", "[0]", "[-1]", "[*]", "[1:]", "[::2]", "[0,1]",
            "[?(@.n>1)]", "[?(@.name=='x')]", "[?(@.n)]", "..n", "..name", ".*", "['a.b']",
            r"\.", " ",
        ])
        .prop_map(str::to_owned),
        1 => PATH_CHARS.prop_map(|s| s),
    ];
    prop::collection::vec(step, 0..6).prop_map(|steps| steps.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn built_in_printers_never_fail(object in value()) {
        for (group, kind) in KINDS {
            let printer = for_kind(group, kind).expect("a printer");
            check_row(printer, &object);
        }
        check_row(default_printer(), &object);
    }

    #[test]
    fn column_paths_never_panic(
        paths in prop::collection::vec(path(), 1..4),
        types in prop::collection::vec(
            prop::sample::select(vec!["string", "integer", "number", "boolean", "date", "other"]), 4),
        object in value(),
    ) {
        let columns: Vec<Value> = paths
            .iter()
            .zip(&types)
            .map(|(path, type_)| json!({"name": "C", "type": type_, "jsonPath": format!(".{path}")}))
            .collect();
        if let Ok(printer) = for_crd_columns(&columns) {
            check_row(printer.as_ref(), &object);
        }
    }
}

#[test]
fn wrong_types_everywhere() {
    // Every field the printers read, with a value of the wrong type.
    for wrong in [json!(null), json!(7), json!("x"), json!([1, "a", null]), json!({"a": 1}), json!(true)] {
        let object = Value::Object(KEYS.iter().map(|k| ((*k).to_owned(), wrong.clone())).collect());
        let nested = json!({"metadata": object, "spec": object, "status": object});
        for (group, kind) in KINDS {
            let printer = for_kind(group, kind).expect("a printer");
            check_row(printer, &object);
            check_row(printer, &nested);
        }
    }
}

#[test]
fn deep_objects_and_paths() {
    let mut deep = json!("leaf");
    for _ in 0..120 {
        deep = json!({"n": {"spec": deep, "items": ["x", 1]}});
    }
    for path in ["..spec", ".n.spec.n.spec.items[*]..n", "..spec.*", "..items[0]", "..[*]"] {
        let printer =
            for_crd_columns(&[json!({"name": "C", "type": "string", "jsonPath": path})]).expect("parses");
        check_row(printer.as_ref(), &deep);
    }
    for (group, kind) in KINDS {
        check_row(for_kind(group, kind).expect("a printer"), &deep);
    }
}
