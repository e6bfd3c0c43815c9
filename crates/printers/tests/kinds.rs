//! Rows of every built-in kind other than Pod, as kube-apiserver prints them.

mod common;

use common::{now, row};
use concord_printers::{default_printer, for_kind};
use serde_json::{Value, json};

#[test]
fn services_of_every_type() {
    let cluster_ip = json!({
        "metadata": {"name": "kube-dns", "creationTimestamp": "2025-04-17T12:00:00Z"},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                 "selector": {"k8s-app": "kube-dns"},
                 "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                           {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}
    });
    assert_eq!(
        row("", "Service", &cluster_ip),
        [
            json!("kube-dns"),
            json!("ClusterIP"),
            json!("10.96.0.10"),
            json!("<none>"),
            json!("53/UDP,53/TCP"),
            json!("45d"),
            json!("k8s-app=kube-dns")
        ]
    );

    let node_port = json!({
        "metadata": {"name": "web", "creationTimestamp": "2025-06-01T10:30:00Z"},
        "spec": {"type": "NodePort", "clusterIPs": ["10.96.12.4", "fd00:10:96::c"],
                 "externalIPs": ["192.0.2.10"],
                 "selector": {"tier": "front", "app": "web"},
                 "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"},
                           {"port": 443, "nodePort": 30443}]}
    });
    assert_eq!(
        row("", "Service", &node_port),
        [
            json!("web"),
            json!("NodePort"),
            json!("10.96.12.4"),
            json!("192.0.2.10"),
            json!("80:30080/TCP,443:30443/TCP"),
            json!("90m"),
            json!("app=web,tier=front")
        ]
    );

    let pending = json!({
        "metadata": {"name": "lb"},
        "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.20",
                 "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}
    });
    assert_eq!(row("", "Service", &pending)[3], "<pending>");
    assert_eq!(row("", "Service", &pending)[2], "10.96.0.20");

    let mut provisioned = pending.clone();
    provisioned["status"] = json!({"loadBalancer": {"ingress": [
        {"hostname": "lb.example.com"}, {"ip": "203.0.113.10"}, {"ip": "203.0.113.10"}]}});
    provisioned["spec"]["externalIPs"] = json!(["198.51.100.1"]);
    assert_eq!(row("", "Service", &provisioned)[3], "203.0.113.10,lb.example.com,198.51.100.1");

    let external_name = json!({
        "metadata": {"name": "db"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"}
    });
    assert_eq!(
        &row("", "Service", &external_name)[1..5],
        [json!("ExternalName"), json!("<none>"), json!("db.example.com"), json!("<none>")]
    );

    let headless = json!({"metadata": {"name": "db"},
                          "spec": {"clusterIP": "None", "clusterIPs": ["None"],
                                   "ports": [{"port": 5432}]}});
    assert_eq!(
        &row("", "Service", &headless)[1..5],
        [json!("ClusterIP"), json!("None"), json!("<none>"), json!("5432/TCP")]
    );
}

#[test]
fn endpoints() {
    let endpoints = json!({
        "metadata": {"name": "web", "creationTimestamp": "2025-05-22T12:00:00Z"},
        "subsets": [{"addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.6"}],
                     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]
    });
    assert_eq!(
        row("", "Endpoints", &endpoints),
        [json!("web"), json!("10.244.1.5:8080,10.244.2.6:8080"), json!("10d")]
    );
    assert_eq!(row("", "Endpoints", &json!({"metadata": {"name": "none"}}))[1], "<none>");
}

#[test]
fn namespaces() {
    let active = json!({"metadata": {"name": "default", "creationTimestamp": "2025-04-17T12:00:00Z"},
                        "status": {"phase": "Active"}});
    assert_eq!(row("", "Namespace", &active), [json!("default"), json!("Active"), json!("45d")]);
    let terminating = json!({"metadata": {"name": "old", "deletionTimestamp": "2025-06-01T11:00:00Z"},
                             "status": {"phase": "Terminating"}});
    assert_eq!(row("", "Namespace", &terminating)[1], "Terminating");
}

#[test]
fn config_maps_secrets_and_service_accounts() {
    let config_map = json!({
        "metadata": {"name": "kube-root-ca.crt", "creationTimestamp": "2025-06-01T11:57:00Z"},
        "data": {"ca.crt": "...", "extra": "x"}, "binaryData": {"blob": "AAEC"}
    });
    assert_eq!(row("", "ConfigMap", &config_map), [json!("kube-root-ca.crt"), json!(3), json!("3m")]);
    assert_eq!(row("", "ConfigMap", &json!({"metadata": {"name": "empty"}}))[1], 0);

    let tls = json!({"metadata": {"name": "web-tls", "creationTimestamp": "2025-05-12T12:00:00Z"},
                     "type": "kubernetes.io/tls", "data": {"tls.crt": "Y3J0", "tls.key": "a2V5"}});
    assert_eq!(
        row("", "Secret", &tls),
        [json!("web-tls"), json!("kubernetes.io/tls"), json!(2), json!("20d")]
    );
    // An Opaque secret written with stringData; kube merges it into data.
    let opaque = json!({"metadata": {"name": "creds"}, "data": {"user": "YWRtaW4="},
                        "stringData": {"user": "root", "password": "hunter2"}});
    assert_eq!(&row("", "Secret", &opaque)[1..3], [json!("Opaque"), json!(2)]);

    let service_account = json!({"metadata": {"name": "builder", "creationTimestamp": "2025-05-02T12:00:00Z"},
                                 "secrets": [{"name": "builder-token"}]});
    assert_eq!(row("", "ServiceAccount", &service_account), [json!("builder"), json!(1), json!("30d")]);
}

#[test]
fn nodes() {
    let node = json!({
        "metadata": {"name": "cp-1", "creationTimestamp": "2025-04-17T12:00:00Z",
                     "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/os": "linux"}},
        "spec": {"unschedulable": true},
        "status": {
            "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
            "addresses": [{"type": "Hostname", "address": "cp-1"}, {"type": "InternalIP", "address": "172.18.0.2"}],
            "nodeInfo": {"kubeletVersion": "v1.36.2", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "kernelVersion": "6.8.0-45-generic", "containerRuntimeVersion": "containerd://2.0.4"}
        }
    });
    assert_eq!(
        row("", "Node", &node),
        [
            json!("cp-1"),
            json!("Ready,SchedulingDisabled"),
            json!("control-plane"),
            json!("45d"),
            json!("v1.36.2"),
            json!("172.18.0.2"),
            json!("<none>"),
            json!("Debian GNU/Linux 12 (bookworm)"),
            json!("6.8.0-45-generic"),
            json!("containerd://2.0.4")
        ]
    );
    let not_ready = json!({"metadata": {"name": "w"}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}});
    assert_eq!(
        row("", "Node", &not_ready),
        [
            json!("w"),
            json!("NotReady"),
            json!("<none>"),
            json!("<unknown>"),
            json!(""),
            json!("<none>"),
            json!("<none>"),
            json!("<unknown>"),
            json!("<unknown>"),
            json!("<unknown>")
        ]
    );
    assert_eq!(row("", "Node", &json!({}))[1], "Unknown");
}

#[test]
fn persistent_volumes_and_claims() {
    let pv = json!({
        "metadata": {"name": "pvc-3f1c", "creationTimestamp": "2025-05-29T10:00:00Z"},
        "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadOnlyMany", "ReadWriteOnce", "ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard",
                 "claimRef": {"namespace": "default", "name": "data-db-0"}, "volumeMode": "Filesystem"},
        "status": {"phase": "Bound"}
    });
    assert_eq!(
        row("", "PersistentVolume", &pv),
        [
            json!("pvc-3f1c"),
            json!("10Gi"),
            json!("RWO,ROX"),
            json!("Delete"),
            json!("Bound"),
            json!("default/data-db-0"),
            json!("standard"),
            json!("<unset>"),
            json!(""),
            json!("3d2h"),
            json!("Filesystem")
        ]
    );
    let released = json!({"metadata": {"name": "manual", "deletionTimestamp": "2025-06-01T11:00:00Z",
                                       "annotations": {"volume.beta.kubernetes.io/storage-class": "legacy"}},
                          "spec": {"storageClassName": "standard", "volumeAttributesClassName": "gold"},
                          "status": {"phase": "Released", "reason": "Recycling"}});
    assert_eq!(
        row("", "PersistentVolume", &released),
        [
            json!("manual"),
            json!("0"),
            json!(""),
            json!("Retain"),
            json!("Terminating"),
            json!(""),
            json!("legacy"),
            json!("gold"),
            json!("Recycling"),
            json!("<unknown>"),
            json!("Filesystem")
        ]
    );

    let bound = json!({
        "metadata": {"name": "data-db-0", "creationTimestamp": "2025-05-29T10:00:00Z"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Gi"}},
                 "storageClassName": "standard", "volumeName": "pvc-3f1c", "volumeMode": "Block"},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}}
    });
    assert_eq!(
        row("", "PersistentVolumeClaim", &bound),
        [
            json!("data-db-0"),
            json!("Bound"),
            json!("pvc-3f1c"),
            json!("10Gi"),
            json!("RWO"),
            json!("standard"),
            json!("<unset>"),
            json!("3d2h"),
            json!("Block")
        ]
    );
    let pending = json!({"metadata": {"name": "claim"},
                         "spec": {"resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "fast"}});
    assert_eq!(
        row("", "PersistentVolumeClaim", &pending),
        [
            json!("claim"),
            json!("Pending"),
            json!(""),
            json!(""),
            json!(""),
            json!("fast"),
            json!("<unset>"),
            json!("<unknown>"),
            json!("Filesystem")
        ]
    );
}

fn template(containers: Value) -> Value {
    json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}})
}

#[test]
fn deployments() {
    let deployment = json!({
        "metadata": {"name": "web", "creationTimestamp": "2025-06-01T11:55:00Z"},
        "spec": {"replicas": 3,
                 "selector": {"matchLabels": {"app": "web"},
                              "matchExpressions": [{"key": "track", "operator": "In", "values": ["stable", "canary"]}]},
                 "template": template(json!([{"name": "nginx", "image": "nginx:1.27"},
                                             {"name": "sidecar", "image": "busybox"}]))},
        "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2}
    });
    assert_eq!(
        row("apps", "Deployment", &deployment),
        [
            json!("web"),
            json!("2/3"),
            json!(3),
            json!(2),
            json!("5m"),
            json!("nginx,sidecar"),
            json!("nginx:1.27,busybox"),
            json!("app=web,track in (canary,stable)")
        ]
    );
    // kube-apiserver defaults spec.replicas to 1; a bad selector prints <invalid>.
    let bare = json!({"metadata": {"name": "bare"},
                      "spec": {"selector": {"matchLabels": {"bad key!": "x"}}}});
    assert_eq!(
        row("apps", "Deployment", &bare),
        [
            json!("bare"),
            json!("0/1"),
            json!(0),
            json!(0),
            json!("<unknown>"),
            json!(""),
            json!(""),
            json!("<invalid>")
        ]
    );
    let no_selector = json!({"metadata": {"name": "x"}});
    assert_eq!(row("apps", "Deployment", &no_selector)[7], "");
}

#[test]
fn replica_sets_stateful_sets_and_daemon_sets() {
    let replica_set = json!({
        "metadata": {"name": "web-7d9f8b6c5", "creationTimestamp": "2025-06-01T11:55:00Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d9f8b6c5"}},
                 "template": template(json!([{"name": "nginx", "image": "nginx:1.27"}]))},
        "status": {"replicas": 3, "readyReplicas": 1}
    });
    assert_eq!(
        row("apps", "ReplicaSet", &replica_set),
        [
            json!("web-7d9f8b6c5"),
            json!(3),
            json!(3),
            json!(1),
            json!("5m"),
            json!("nginx"),
            json!("nginx:1.27"),
            json!("app=web,pod-template-hash=7d9f8b6c5")
        ]
    );
    let empty_selector = json!({"spec": {"replicas": 0, "selector": {}}});
    assert_eq!(row("apps", "ReplicaSet", &empty_selector)[1], 0);
    assert_eq!(row("apps", "ReplicaSet", &empty_selector)[7], "<none>");

    let stateful_set = json!({
        "metadata": {"name": "db", "creationTimestamp": "2025-05-22T12:00:00Z"},
        "spec": {"replicas": 3, "template": template(json!([{"name": "postgres", "image": "postgres:17"}]))},
        "status": {"replicas": 2, "readyReplicas": 1}
    });
    assert_eq!(
        row("apps", "StatefulSet", &stateful_set),
        [json!("db"), json!("1/3"), json!("10d"), json!("postgres"), json!("postgres:17")]
    );

    let daemon_set = json!({
        "metadata": {"name": "kube-proxy", "creationTimestamp": "2025-04-17T12:00:00Z"},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                 "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                       "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.36.2"}]}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                   "updatedNumberScheduled": 3, "numberAvailable": 2}
    });
    assert_eq!(
        row("apps", "DaemonSet", &daemon_set),
        [
            json!("kube-proxy"),
            json!(3),
            json!(3),
            json!(2),
            json!(3),
            json!(2),
            json!("kubernetes.io/os=linux"),
            json!("45d"),
            json!("kube-proxy"),
            json!("registry.k8s.io/kube-proxy:v1.36.2"),
            json!("k8s-app=kube-proxy")
        ]
    );
}

#[test]
fn jobs() {
    let complete = json!({
        "metadata": {"name": "pi", "creationTimestamp": "2025-06-01T11:57:00Z"},
        "spec": {"completions": 1, "parallelism": 1,
                 "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "0b4e3a1c"}},
                 "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
        "status": {"succeeded": 1, "startTime": "2025-06-01T11:57:00Z", "completionTime": "2025-06-01T11:57:12Z",
                   "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}
    });
    assert_eq!(
        row("batch", "Job", &complete),
        [
            json!("pi"),
            json!("Complete"),
            json!("1/1"),
            json!("12s"),
            json!("3m"),
            json!("pi"),
            json!("perl:5.34"),
            json!("batch.kubernetes.io/controller-uid=0b4e3a1c")
        ]
    );

    let running = json!({
        "metadata": {"name": "work-queue", "creationTimestamp": "2025-06-01T08:56:00Z"},
        "spec": {"parallelism": 3},
        "status": {"active": 3, "startTime": "2025-06-01T08:56:00Z"}
    });
    assert_eq!(
        &row("batch", "Job", &running)[..5],
        [json!("work-queue"), json!("Running"), json!("0/1 of 3"), json!("3h4m"), json!("3h4m")]
    );

    let failed = json!({"spec": {"completions": 5},
                        "status": {"succeeded": 2, "failed": 4,
                                   "conditions": [{"type": "FailureTarget", "status": "True"},
                                                  {"type": "Failed", "status": "True"}]}});
    assert_eq!(&row("batch", "Job", &failed)[1..4], [json!("Failed"), json!("2/5"), json!("")]);

    let suspended = json!({"spec": {"completions": 2, "suspend": true},
                           "status": {"conditions": [{"type": "Suspended", "status": "True"}]}});
    assert_eq!(row("batch", "Job", &suspended)[1], "Suspended");
    let deleting = json!({"metadata": {"deletionTimestamp": "2025-06-01T11:59:00Z"},
                          "status": {"conditions": [{"type": "Suspended", "status": "True"}]}});
    assert_eq!(row("batch", "Job", &deleting)[1], "Terminating");
    let failing = json!({"status": {"conditions": [{"type": "FailureTarget", "status": "True"}]}});
    assert_eq!(row("batch", "Job", &failing)[1], "FailureTarget");
    // Only the first condition of a type counts.
    let flapping = json!({"status": {"conditions": [{"type": "Complete", "status": "False"},
                                                    {"type": "Complete", "status": "True"}]}});
    assert_eq!(row("batch", "Job", &flapping)[1], "Running");
}

#[test]
fn cron_jobs() {
    let cron_job = json!({
        "metadata": {"name": "hello", "creationTimestamp": "2025-05-22T12:00:00Z"},
        "spec": {"schedule": "*/5 * * * *", "suspend": false,
                 "jobTemplate": {"spec": {"template": {"spec": {"containers": [
                     {"name": "hello", "image": "busybox:1.36"}]}}}}},
        "status": {"active": [{"kind": "Job", "name": "hello-29145835"}],
                   "lastScheduleTime": "2025-06-01T11:58:00Z"}
    });
    assert_eq!(
        row("batch", "CronJob", &cron_job),
        [
            json!("hello"),
            json!("*/5 * * * *"),
            json!("<none>"),
            json!("False"),
            json!(1),
            json!("2m"),
            json!("10d"),
            json!("hello"),
            json!("busybox:1.36"),
            json!("<none>")
        ]
    );
    let suspended = json!({"spec": {"schedule": "@daily", "timeZone": "Europe/Paris", "suspend": true}});
    assert_eq!(
        &row("batch", "CronJob", &suspended)[1..6],
        [json!("@daily"), json!("Europe/Paris"), json!("True"), json!(0), json!("<none>")]
    );
}

#[test]
fn ingresses() {
    let ingress = json!({
        "metadata": {"name": "web", "creationTimestamp": "2025-06-01T10:30:00Z"},
        "spec": {"ingressClassName": "nginx",
                 "tls": [{"hosts": ["example.com"], "secretName": "web-tls"}],
                 "rules": [{"host": "example.com"}, {"host": "www.example.com"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}, {"hostname": "a.example.net"}]}}
    });
    assert_eq!(
        row("networking.k8s.io", "Ingress", &ingress),
        [
            json!("web"),
            json!("nginx"),
            json!("example.com,www.example.com"),
            json!("203.0.113.5,a.example.net"),
            json!("80, 443"),
            json!("90m")
        ]
    );
    let catch_all = json!({"metadata": {"name": "default-backend"},
                           "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}});
    assert_eq!(
        row("networking.k8s.io", "Ingress", &catch_all),
        [json!("default-backend"), json!("<none>"), json!("*"), json!(""), json!("80"), json!("<unknown>")]
    );
}

#[test]
fn role_bindings() {
    let binding = json!({
        "metadata": {"name": "read-pods", "creationTimestamp": "2025-05-12T12:00:00Z"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
        "subjects": [
            {"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "Group", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "ServiceAccount", "name": "builder", "namespace": "ci"}
        ]
    });
    assert_eq!(
        row("rbac.authorization.k8s.io", "RoleBinding", &binding),
        [
            json!("read-pods"),
            json!("Role/pod-reader"),
            json!("20d"),
            json!("jane"),
            json!("devs, ops"),
            json!("ci/builder")
        ]
    );
    let cluster_binding = json!({
        "metadata": {"name": "cluster-admin"},
        "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
        "subjects": [{"kind": "Group", "name": "system:masters"}]
    });
    assert_eq!(
        row("rbac.authorization.k8s.io", "ClusterRoleBinding", &cluster_binding),
        [
            json!("cluster-admin"),
            json!("ClusterRole/cluster-admin"),
            json!("<unknown>"),
            json!(""),
            json!("system:masters"),
            json!("")
        ]
    );
}

#[test]
fn leases() {
    let lease = json!({"metadata": {"name": "kube-controller-manager", "creationTimestamp": "2025-05-02T12:00:00Z"},
                       "spec": {"holderIdentity": "cp-1_3b2f", "leaseDurationSeconds": 15}});
    assert_eq!(
        row("coordination.k8s.io", "Lease", &lease),
        [json!("kube-controller-manager"), json!("cp-1_3b2f"), json!("30d")]
    );
}

#[test]
fn core_events() {
    let event = json!({
        "metadata": {"name": "api-6c9f.17f3a1b2c3d4e5f6", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "api-6c9f", "fieldPath": "spec.containers{api}"},
        "reason": "BackOff", "type": "Warning",
        "message": "Back-off restarting failed container api in pod api-6c9f\n",
        "source": {"component": "kubelet", "host": "worker-1"},
        "firstTimestamp": "2025-06-01T11:50:00Z", "lastTimestamp": "2025-06-01T11:55:00Z", "count": 7
    });
    assert_eq!(
        row("", "Event", &event),
        [
            json!("5m"),
            json!("Warning"),
            json!("BackOff"),
            json!("pod/api-6c9f"),
            json!("spec.containers{api}"),
            json!("kubelet, worker-1"),
            json!("Back-off restarting failed container api in pod api-6c9f"),
            json!("10m"),
            json!(7),
            json!("api-6c9f.17f3a1b2c3d4e5f6")
        ]
    );
    // Written through events.k8s.io: eventTime and a series instead of timestamps and count.
    let series = json!({
        "metadata": {"name": "web.1"},
        "involvedObject": {"kind": "Deployment", "name": "web"},
        "reason": "ScalingReplicaSet", "type": "Normal", "message": "Scaled up",
        "eventTime": "2025-06-01T11:40:00.000000Z",
        "series": {"count": 4, "lastObservedTime": "2025-06-01T11:57:59.654321Z"},
        "reportingController": "deployment-controller", "reportingInstance": ""
    });
    assert_eq!(
        row("", "Event", &series),
        [
            json!("2m"),
            json!("Normal"),
            json!("ScalingReplicaSet"),
            json!("deployment/web"),
            json!(""),
            json!("deployment-controller"),
            json!("Scaled up"),
            json!("20m"),
            json!(4),
            json!("web.1")
        ]
    );
    let bare = json!({"involvedObject": {"kind": "Node"}});
    assert_eq!(
        row("", "Event", &bare),
        [
            json!("<unknown>"),
            json!(""),
            json!(""),
            json!("node"),
            json!(""),
            json!(""),
            json!(""),
            json!("<unknown>"),
            json!(1),
            json!("")
        ]
    );
}

#[test]
fn events_k8s_io_events() {
    let event = json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "web-1.17f3"},
        "regarding": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{web}"},
        "reason": "Pulled", "type": "Normal", "note": "Container image \"nginx:1.27\" already present",
        "eventTime": "2025-06-01T11:57:00.000000Z",
        "reportingController": "kubelet", "reportingInstance": "worker-1", "action": "Pull",
        "deprecatedSource": {"component": "kubelet", "host": "worker-1"},
        "deprecatedFirstTimestamp": "2025-06-01T11:57:00Z", "deprecatedLastTimestamp": "2025-06-01T11:59:00Z",
        "deprecatedCount": 2
    });
    assert_eq!(
        row("events.k8s.io", "Event", &event),
        [
            json!("60s"),
            json!("Normal"),
            json!("Pulled"),
            json!("pod/web-1"),
            json!("spec.containers{web}"),
            json!("kubelet, worker-1"),
            json!("Container image \"nginx:1.27\" already present"),
            json!("3m"),
            json!(2),
            json!("web-1.17f3")
        ]
    );
    let columns = for_kind("events.k8s.io", "Event").map(|p| p.columns().to_vec());
    assert_eq!(columns, for_kind("", "Event").map(|p| p.columns().to_vec()));
}

#[test]
fn kinds_without_a_printer_use_the_default_table() {
    for (group, kind) in [
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("example.com", "Widget"),
        ("core", "Pod"),
    ] {
        assert!(for_kind(group, kind).is_none(), "{group}/{kind}");
    }
    let role = json!({"metadata": {"name": "pod-reader", "creationTimestamp": "2025-05-01T08:30:00Z"},
                      "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]});
    let printer = default_printer();
    assert_eq!(printer.cells(&role, now()), [json!("pod-reader"), json!("2025-05-01T08:30:00Z")]);
    // Go formats the zero time; offsets are converted to UTC.
    assert_eq!(printer.cells(&json!({}), now()), [json!(""), json!("0001-01-01T00:00:00Z")]);
    let offset = json!({"metadata": {"name": "x", "creationTimestamp": "2025-05-01T08:30:00+02:00"}});
    assert_eq!(printer.cells(&offset, now())[1], "2025-05-01T06:30:00Z");
    assert_eq!(printer.conditions(&role), Vec::<Value>::new());
}
