//! Pod rows as kube-apiserver prints them (and `kubectl get pods -o wide` shows them), for the
//! pod states people meet: running, pending, initializing, crash-looping, completed,
//! terminating, lost with their node.

mod common;

use common::{now, printer, row};
use serde_json::{Value, json};

fn pod_row(pod: &Value) -> Vec<Value> {
    row("", "Pod", pod)
}

fn cells(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| json!(v)).collect()
}

#[test]
fn running_pod_with_two_containers_and_a_restart() {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-7d9f8b6c5-x2x4q", "namespace": "default",
                     "creationTimestamp": "2025-05-29T10:00:00Z"},
        "spec": {"nodeName": "worker-1", "containers": [
            {"name": "web", "image": "nginx:1.27"},
            {"name": "log-shipper", "image": "fluent-bit:3.0"}
        ]},
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}, {"ip": "fd00::5"}],
            "conditions": [
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"},
                {"type": "PodScheduled", "status": "True"}
            ],
            "containerStatuses": [
                {"name": "web", "ready": true, "restartCount": 1, "started": true,
                 "state": {"running": {"startedAt": "2025-06-01T11:55:01Z"}},
                 "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                              "finishedAt": "2025-06-01T11:55:00Z"}}},
                {"name": "log-shipper", "ready": true, "restartCount": 0, "started": true,
                 "state": {"running": {"startedAt": "2025-05-29T10:00:05Z"}}}
            ]
        }
    });
    assert_eq!(
        pod_row(&pod),
        cells(&[
            "web-7d9f8b6c5-x2x4q",
            "2/2",
            "Running",
            "1 (5m ago)",
            "3d2h",
            "10.244.1.5",
            "worker-1",
            "<none>",
            "<none>"
        ])
    );
    assert_eq!(printer("", "Pod").conditions(&pod), Vec::<Value>::new());
}

#[test]
fn unschedulable_pending_pod() {
    let pod = json!({
        "metadata": {"name": "big", "creationTimestamp": "2025-06-01T11:59:20Z"},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}
        ]}
    });
    assert_eq!(
        pod_row(&pod),
        cells(&["big", "0/2", "Pending", "0", "40s", "<none>", "<none>", "<none>", "<none>"])
    );
}

#[test]
fn scheduling_gated_pod() {
    let pod = json!({
        "metadata": {"name": "gated", "creationTimestamp": "2025-06-01T11:58:00Z"},
        "spec": {"containers": [{"name": "a"}], "schedulingGates": [{"name": "example.com/wait"}]},
        "status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
        ]}
    });
    assert_eq!(pod_row(&pod)[2], "SchedulingGated");
}

#[test]
fn container_creating_pod() {
    let pod = json!({
        "metadata": {"name": "starting", "creationTimestamp": "2025-06-01T11:59:50Z"},
        "spec": {"nodeName": "worker-2", "containers": [{"name": "app"}]},
        "status": {"phase": "Pending", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 0,
             "state": {"waiting": {"reason": "ContainerCreating"}}}
        ]}
    });
    assert_eq!(
        pod_row(&pod),
        cells(&[
            "starting",
            "0/1",
            "ContainerCreating",
            "0",
            "10s",
            "<none>",
            "worker-2",
            "<none>",
            "<none>"
        ])
    );
}

#[test]
fn crash_looping_pod() {
    let pod = json!({
        "metadata": {"name": "api", "creationTimestamp": "2025-06-01T08:56:00Z"},
        "spec": {"containers": [{"name": "api", "image": "api:2"}]},
        "status": {"phase": "Running", "podIP": "10.244.2.7", "containerStatuses": [
            {"name": "api", "ready": false, "restartCount": 5,
             "state": {"waiting": {"reason": "CrashLoopBackOff",
                                   "message": "back-off 2m40s restarting failed container"}},
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                          "finishedAt": "2025-06-01T11:59:20Z"}}}
        ]}
    });
    assert_eq!(
        &pod_row(&pod)[..5],
        cells(&["api", "0/1", "CrashLoopBackOff", "5 (40s ago)", "3h4m"]).as_slice()
    );
}

#[test]
fn completed_pod_has_a_completed_row_condition() {
    let pod = json!({
        "metadata": {"name": "migrate-x7k2p", "creationTimestamp": "2025-06-01T11:00:00Z"},
        "spec": {"containers": [{"name": "migrate"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [
            {"name": "migrate", "ready": false, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        ]}
    });
    assert_eq!(&pod_row(&pod)[..5], cells(&["migrate-x7k2p", "0/1", "Completed", "0", "60m"]).as_slice());
    assert_eq!(
        printer("", "Pod").conditions(&pod),
        [json!({"type": "Completed", "status": "True", "reason": "Succeeded",
                "message": "The pod has completed successfully."})]
    );
    let failed = json!({"status": {"phase": "Failed"}});
    assert_eq!(
        printer("", "Pod").conditions(&failed),
        [json!({"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."})]
    );
}

#[test]
fn terminated_containers_without_a_reason() {
    let with = |terminated: Value| {
        json!({"spec": {"containers": [{"name": "a"}]},
               "status": {"phase": "Failed", "containerStatuses": [
                   {"name": "a", "state": {"terminated": terminated}}]}})
    };
    assert_eq!(pod_row(&with(json!({"exitCode": 137})))[2], "ExitCode:137");
    assert_eq!(pod_row(&with(json!({"exitCode": 137, "signal": 9})))[2], "Signal:9");
}

#[test]
fn init_containers_in_progress() {
    let pod = json!({
        "metadata": {"name": "app", "creationTimestamp": "2025-06-01T11:59:00Z"},
        "spec": {
            "initContainers": [{"name": "migrate"}, {"name": "warm-cache"}],
            "containers": [{"name": "app"}]
        },
        "status": {"phase": "Pending",
            "conditions": [{"type": "Initialized", "status": "False"}],
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "warm-cache", "restartCount": 0, "state": {"running": {}}}
            ],
            "containerStatuses": [
                {"name": "app", "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
            ]}
    });
    assert_eq!(&pod_row(&pod)[..4], cells(&["app", "0/1", "Init:1/2", "0"]).as_slice());
}

#[test]
fn failing_init_container_counts_its_restarts() {
    let pod = json!({
        "metadata": {"name": "app", "creationTimestamp": "2025-06-01T11:00:00Z"},
        "spec": {"initContainers": [{"name": "migrate"}], "containers": [{"name": "app"}]},
        "status": {"phase": "Pending",
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 3,
                 "state": {"terminated": {"exitCode": 1, "reason": "Error"}},
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                              "finishedAt": "2025-06-01T11:58:00Z"}}}
            ],
            "containerStatuses": [
                {"name": "app", "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
            ]}
    });
    assert_eq!(&pod_row(&pod)[..4], cells(&["app", "0/1", "Init:Error", "3 (2m ago)"]).as_slice());

    let backoff = json!({
        "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
        "status": {"initContainerStatuses": [
            {"name": "i", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
        ]}
    });
    assert_eq!(pod_row(&backoff)[2], "Init:CrashLoopBackOff");
    let exit = json!({
        "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "app"}]},
        "status": {"initContainerStatuses": [{"name": "i", "state": {"terminated": {"exitCode": 2}}}]}
    });
    assert_eq!(pod_row(&exit)[2], "Init:ExitCode:2");
}

#[test]
fn sidecar_init_container_counts_as_a_container() {
    let pod = json!({
        "metadata": {"name": "meshed", "creationTimestamp": "2025-06-01T11:00:00Z"},
        "spec": {
            "initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
            "containers": [{"name": "app"}]
        },
        "status": {"phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
            "initContainerStatuses": [
                {"name": "proxy", "ready": true, "started": true, "restartCount": 2,
                 "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-06-01T11:30:00Z"}}}
            ],
            "containerStatuses": [
                {"name": "app", "ready": true, "restartCount": 1, "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-06-01T11:20:00Z"}}}
            ]}
    });
    assert_eq!(&pod_row(&pod)[..4], cells(&["meshed", "2/2", "Running", "3 (30m ago)"]).as_slice());
}

#[test]
fn completed_container_beside_a_running_one() {
    let pod = |ready: &str| {
        json!({
            "spec": {"containers": [{"name": "server"}, {"name": "setup"}]},
            "status": {"phase": "Running",
                "conditions": [{"type": "Ready", "status": ready}],
                "containerStatuses": [
                    {"name": "server", "ready": true, "state": {"running": {}}},
                    {"name": "setup", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
                ]}
        })
    };
    assert_eq!(&pod_row(&pod("True"))[1..3], cells(&["1/2", "Running"]).as_slice());
    assert_eq!(&pod_row(&pod("False"))[1..3], cells(&["1/2", "NotReady"]).as_slice());
}

#[test]
fn terminating_and_lost_pods() {
    let pod = json!({
        "metadata": {"name": "old", "deletionTimestamp": "2025-06-01T11:59:30Z"},
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "a", "ready": true, "state": {"running": {}}}]}
    });
    assert_eq!(pod_row(&pod)[2], "Terminating");

    let mut finished = pod.clone();
    finished["status"]["phase"] = json!("Succeeded");
    finished["status"]["containerStatuses"] =
        json!([{"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]);
    assert_eq!(pod_row(&finished)[2], "Completed");

    let mut lost = pod.clone();
    lost["status"]["reason"] = json!("NodeLost");
    assert_eq!(pod_row(&lost)[2], "Unknown");
}

#[test]
fn wide_columns_readiness_gates_and_nominated_node() {
    let pod = json!({
        "metadata": {"name": "gated"},
        "spec": {"containers": [{"name": "a"}],
                 "readinessGates": [{"conditionType": "example.com/lb-ready"},
                                    {"conditionType": "example.com/dns-ready"}]},
        "status": {"phase": "Pending", "nominatedNodeName": "worker-3",
                   "podIPs": [{"ip": "fd00::9"}],
                   "conditions": [{"type": "example.com/lb-ready", "status": "True"},
                                  {"type": "example.com/dns-ready", "status": "False"}]}
    });
    assert_eq!(
        pod_row(&pod),
        cells(&["gated", "0/1", "Pending", "0", "<unknown>", "fd00::9", "<none>", "worker-3", "1/2"])
    );
}

#[test]
fn a_pod_without_status_is_pending() {
    let pod = json!({"metadata": {"name": "new"}, "spec": {"containers": [{"name": "a"}]}});
    assert_eq!(&pod_row(&pod)[..4], cells(&["new", "0/1", "Pending", "0"]).as_slice());
    let _ = now();
}
