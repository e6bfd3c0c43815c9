//! Column definitions against kube's (`AddHandlers` in `pkg/printers/internalversion`): names,
//! types, formats and priorities, and descriptions against the field documentation in the
//! upstream v1.36.2 OpenAPI document (`shared/k8s-openapi/swagger.json`).

use std::path::PathBuf;
use std::sync::OnceLock;

use concord_printers::{Column, default_printer, for_kind};
use serde_json::{Value, json};

/// `(name, type, priority)` of each column; the first is the `Name` column unless stated.
type Expected = &'static [(&'static str, &'static str, i32)];

const KINDS: &[(&str, &str, Expected)] = &[
    (
        "",
        "Pod",
        &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Status", "string", 0),
            ("Restarts", "string", 0),
            ("Age", "string", 0),
            ("IP", "string", 1),
            ("Node", "string", 1),
            ("Nominated Node", "string", 1),
            ("Readiness Gates", "string", 1),
        ],
    ),
    ("", "Namespace", &[("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)]),
    (
        "",
        "Service",
        &[
            ("Name", "string", 0),
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
            ("Age", "string", 0),
            ("Selector", "string", 1),
        ],
    ),
    ("", "Endpoints", &[("Name", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)]),
    ("", "ConfigMap", &[("Name", "string", 0), ("Data", "string", 0), ("Age", "string", 0)]),
    (
        "",
        "Secret",
        &[("Name", "string", 0), ("Type", "string", 0), ("Data", "string", 0), ("Age", "string", 0)],
    ),
    ("", "ServiceAccount", &[("Name", "string", 0), ("Secrets", "string", 0), ("Age", "string", 0)]),
    (
        "",
        "Node",
        &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Roles", "string", 0),
            ("Age", "string", 0),
            ("Version", "string", 0),
            ("Internal-IP", "string", 1),
            ("External-IP", "string", 1),
            ("OS-Image", "string", 1),
            ("Kernel-Version", "string", 1),
            ("Container-Runtime", "string", 1),
        ],
    ),
    (
        "",
        "PersistentVolume",
        &[
            ("Name", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("Reclaim Policy", "string", 0),
            ("Status", "string", 0),
            ("Claim", "string", 0),
            ("StorageClass", "string", 0),
            ("VolumeAttributesClass", "string", 0),
            ("Reason", "string", 0),
            ("Age", "string", 0),
            ("VolumeMode", "string", 1),
        ],
    ),
    (
        "",
        "PersistentVolumeClaim",
        &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Volume", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("StorageClass", "string", 0),
            ("VolumeAttributesClass", "string", 0),
            ("Age", "string", 0),
            ("VolumeMode", "string", 1),
        ],
    ),
    (
        "",
        "Event",
        &[
            ("Last Seen", "string", 0),
            ("Type", "string", 0),
            ("Reason", "string", 0),
            ("Object", "string", 0),
            ("Subobject", "string", 1),
            ("Source", "string", 1),
            ("Message", "string", 0),
            ("First Seen", "string", 1),
            ("Count", "string", 1),
            ("Name", "string", 1),
        ],
    ),
    (
        "apps",
        "Deployment",
        &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Up-to-date", "string", 0),
            ("Available", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
    ),
    (
        "apps",
        "ReplicaSet",
        &[
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
    ),
    (
        "apps",
        "StatefulSet",
        &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
        ],
    ),
    (
        "apps",
        "DaemonSet",
        &[
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Node Selector", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
    ),
    (
        "batch",
        "Job",
        &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Completions", "string", 0),
            ("Duration", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
    ),
    (
        "batch",
        "CronJob",
        &[
            ("Name", "string", 0),
            ("Schedule", "string", 0),
            ("Timezone", "string", 0),
            ("Suspend", "boolean", 0),
            ("Active", "integer", 0),
            ("Last Schedule", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
    ),
    (
        "networking.k8s.io",
        "Ingress",
        &[
            ("Name", "string", 0),
            ("Class", "string", 0),
            ("Hosts", "string", 0),
            ("Address", "string", 0),
            ("Ports", "string", 0),
            ("Age", "string", 0),
        ],
    ),
    (
        "rbac.authorization.k8s.io",
        "RoleBinding",
        &[
            ("Name", "string", 0),
            ("Role", "string", 0),
            ("Age", "string", 0),
            ("Users", "string", 1),
            ("Groups", "string", 1),
            ("ServiceAccounts", "string", 1),
        ],
    ),
    (
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        &[
            ("Name", "string", 0),
            ("Role", "string", 0),
            ("Age", "string", 0),
            ("Users", "string", 1),
            ("Groups", "string", 1),
            ("ServiceAccounts", "string", 1),
        ],
    ),
    ("coordination.k8s.io", "Lease", &[("Name", "string", 0), ("Holder", "string", 0), ("Age", "string", 0)]),
];

#[test]
fn columns_match_kube_definitions() {
    for (group, kind, expected) in KINDS {
        let printer = for_kind(group, kind).unwrap_or_else(|| panic!("{group}/{kind}"));
        let got: Vec<(&str, &str, i32)> =
            printer.columns().iter().map(|c| (c.name.as_ref(), c.type_.as_ref(), c.priority)).collect();
        assert_eq!(got, *expected, "{group}/{kind}");
        for column in printer.columns() {
            let format = if column.name == "Name" { "name" } else { "" };
            assert_eq!(column.format, format, "{group}/{kind} {}", column.name);
            assert!(!column.description.is_empty(), "{group}/{kind} {}", column.name);
        }
    }
    let default: Vec<_> = default_printer()
        .columns()
        .iter()
        .map(|c| (c.name.as_ref(), c.type_.as_ref(), c.format.as_ref(), c.priority))
        .collect();
    assert_eq!(default, [("Name", "string", "name", 0), ("Created At", "date", "", 0)]);
}

#[test]
fn column_json_has_every_field() {
    let printer = for_kind("", "Pod").expect("pods print");
    let ip = printer.columns().iter().find(|c| c.name == "IP").expect("IP column");
    assert_eq!(
        ip.to_json(),
        json!({"name": "IP", "type": "string", "format": "", "priority": 1,
               "description": "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."})
    );
    let name = &printer.columns()[0];
    assert_eq!(name.to_json()["format"], "name");
    assert_eq!(name.to_json()["priority"], 0);
}

fn swagger() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi/swagger.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).expect("swagger.json is JSON")
    })
}

fn field_doc(definition: &str, field: &str) -> &'static str {
    swagger()["definitions"][definition]["properties"][field]["description"]
        .as_str()
        .unwrap_or_else(|| panic!("{definition}.{field} is documented"))
}

fn column<'a>(columns: &'a [Column], name: &str) -> &'a Column {
    columns.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("column {name}"))
}

/// Columns whose description is a field's documentation in a served API version, by
/// `(group, kind, column, definition, field)`.
const DOCUMENTED: &[(&str, &str, &str, &str, &str)] = &[
    ("", "Pod", "IP", "io.k8s.api.core.v1.PodStatus", "podIP"),
    ("", "Pod", "Node", "io.k8s.api.core.v1.PodSpec", "nodeName"),
    ("", "Pod", "Nominated Node", "io.k8s.api.core.v1.PodStatus", "nominatedNodeName"),
    ("", "Pod", "Readiness Gates", "io.k8s.api.core.v1.PodSpec", "readinessGates"),
    ("", "Service", "Type", "io.k8s.api.core.v1.ServiceSpec", "type"),
    ("", "Service", "Cluster-IP", "io.k8s.api.core.v1.ServiceSpec", "clusterIP"),
    ("", "Service", "External-IP", "io.k8s.api.core.v1.ServiceSpec", "externalIPs"),
    ("", "Service", "Port(s)", "io.k8s.api.core.v1.ServiceSpec", "ports"),
    ("", "Service", "Selector", "io.k8s.api.core.v1.ServiceSpec", "selector"),
    ("", "Endpoints", "Endpoints", "io.k8s.api.core.v1.Endpoints", "subsets"),
    ("", "ConfigMap", "Data", "io.k8s.api.core.v1.ConfigMap", "data"),
    ("", "Secret", "Type", "io.k8s.api.core.v1.Secret", "type"),
    ("", "Secret", "Data", "io.k8s.api.core.v1.Secret", "data"),
    ("", "ServiceAccount", "Secrets", "io.k8s.api.core.v1.ServiceAccount", "secrets"),
    ("", "Event", "Last Seen", "io.k8s.api.core.v1.Event", "lastTimestamp"),
    ("", "Event", "Type", "io.k8s.api.core.v1.Event", "type"),
    ("", "Event", "Reason", "io.k8s.api.core.v1.Event", "reason"),
    ("", "Event", "Object", "io.k8s.api.core.v1.Event", "involvedObject"),
    ("", "Event", "Subobject", "io.k8s.api.core.v1.ObjectReference", "fieldPath"),
    ("", "Event", "Source", "io.k8s.api.core.v1.Event", "source"),
    ("", "Event", "Message", "io.k8s.api.core.v1.Event", "message"),
    ("", "Event", "First Seen", "io.k8s.api.core.v1.Event", "firstTimestamp"),
    ("", "Event", "Count", "io.k8s.api.core.v1.Event", "count"),
    ("", "Node", "Version", "io.k8s.api.core.v1.NodeSystemInfo", "kubeletVersion"),
    ("", "Node", "Internal-IP", "io.k8s.api.core.v1.NodeStatus", "addresses"),
    ("", "Node", "External-IP", "io.k8s.api.core.v1.NodeStatus", "addresses"),
    ("", "Node", "OS-Image", "io.k8s.api.core.v1.NodeSystemInfo", "osImage"),
    ("", "Node", "Kernel-Version", "io.k8s.api.core.v1.NodeSystemInfo", "kernelVersion"),
    ("", "Node", "Container-Runtime", "io.k8s.api.core.v1.NodeSystemInfo", "containerRuntimeVersion"),
    ("", "PersistentVolume", "Capacity", "io.k8s.api.core.v1.PersistentVolumeSpec", "capacity"),
    ("", "PersistentVolume", "Access Modes", "io.k8s.api.core.v1.PersistentVolumeSpec", "accessModes"),
    (
        "",
        "PersistentVolume",
        "Reclaim Policy",
        "io.k8s.api.core.v1.PersistentVolumeSpec",
        "persistentVolumeReclaimPolicy",
    ),
    ("", "PersistentVolume", "Status", "io.k8s.api.core.v1.PersistentVolumeStatus", "phase"),
    ("", "PersistentVolume", "Claim", "io.k8s.api.core.v1.PersistentVolumeSpec", "claimRef"),
    ("", "PersistentVolume", "Reason", "io.k8s.api.core.v1.PersistentVolumeStatus", "reason"),
    ("", "PersistentVolume", "VolumeMode", "io.k8s.api.core.v1.PersistentVolumeSpec", "volumeMode"),
    ("", "PersistentVolumeClaim", "Status", "io.k8s.api.core.v1.PersistentVolumeClaimStatus", "phase"),
    ("", "PersistentVolumeClaim", "Volume", "io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeName"),
    ("", "PersistentVolumeClaim", "Capacity", "io.k8s.api.core.v1.PersistentVolumeClaimStatus", "capacity"),
    (
        "",
        "PersistentVolumeClaim",
        "Access Modes",
        "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
        "accessModes",
    ),
    ("", "PersistentVolumeClaim", "VolumeMode", "io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode"),
    ("apps", "DaemonSet", "Node Selector", "io.k8s.api.core.v1.PodSpec", "nodeSelector"),
    ("batch", "Job", "Completions", "io.k8s.api.batch.v1.JobStatus", "succeeded"),
    ("batch", "Job", "Selector", "io.k8s.api.batch.v1.JobSpec", "selector"),
    ("batch", "CronJob", "Schedule", "io.k8s.api.batch.v1.CronJobSpec", "schedule"),
    ("batch", "CronJob", "Timezone", "io.k8s.api.batch.v1.CronJobSpec", "timeZone"),
    ("batch", "CronJob", "Suspend", "io.k8s.api.batch.v1.CronJobSpec", "suspend"),
    ("batch", "CronJob", "Active", "io.k8s.api.batch.v1.CronJobStatus", "active"),
    ("batch", "CronJob", "Last Schedule", "io.k8s.api.batch.v1.CronJobStatus", "lastScheduleTime"),
    ("batch", "CronJob", "Selector", "io.k8s.api.batch.v1.JobSpec", "selector"),
    ("coordination.k8s.io", "Lease", "Holder", "io.k8s.api.coordination.v1.LeaseSpec", "holderIdentity"),
];

#[test]
fn descriptions_quote_the_openapi_field_docs() {
    for (group, kind, name, definition, field) in DOCUMENTED {
        let printer = for_kind(group, kind).unwrap_or_else(|| panic!("{group}/{kind}"));
        assert_eq!(
            column(printer.columns(), name).description,
            field_doc(definition, field),
            "{group}/{kind} {name}"
        );
    }
    let meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    for (group, kind, _) in KINDS {
        let printer = for_kind(group, kind).unwrap_or_else(|| panic!("{group}/{kind}"));
        assert_eq!(column(printer.columns(), "Name").description, field_doc(meta, "name"));
        if let Some(age) = printer.columns().iter().find(|c| c.name == "Age") {
            assert_eq!(age.description, field_doc(meta, "creationTimestamp"), "{group}/{kind}");
        }
    }
    let default = default_printer().columns();
    assert_eq!(default[0].description, field_doc(meta, "name"));
    assert_eq!(default[1].description, field_doc(meta, "creationTimestamp"));
}
