//! Pods: READY, the STATUS kubectl users read (init progress, container waiting and terminated
//! reasons, `Terminating`, ...), RESTARTS with the time of the last restart.

use serde_json::{Value, json};

use super::{AGE, Builtin, NAME, age_cell, condition_true, is_deleting, name, or, str_cell, text, wide};
use crate::Column;
use crate::descriptions as d;
use crate::fields::Obj;
use crate::time::{Instant, age};

pub(crate) static POD: Builtin = Builtin { columns: &COLUMNS, cells, conditions };

const COLUMNS: [Column; 9] = [
    NAME,
    text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    text("Status", "The aggregate status of the containers in this pod."),
    text(
        "Restarts",
        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE,
    wide("IP", d::POD_STATUS_POD_IP),
    wide("Node", d::POD_SPEC_NODE_NAME),
    wide("Nominated Node", d::POD_STATUS_NOMINATED_NODE_NAME),
    wide("Readiness Gates", d::POD_SPEC_READINESS_GATES),
];

/// The reason kube gives pods whose node stopped responding before they were deleted.
const NODE_UNREACHABLE_REASON: &str = "NodeLost";

fn is_restartable_init_container(container: Option<Obj<'_>>) -> bool {
    container.is_some_and(|c| c.get("restartPolicy").str() == "Always")
}

/// The later of `latest` and the `finishedAt` of a container's last termination.
fn last_termination(latest: Instant, status: Obj<'_>) -> Instant {
    let terminated = status.at("lastState.terminated");
    if terminated.is_set() { latest.max(terminated.get("finishedAt").time()) } else { latest }
}

/// `Signal:N` or `ExitCode:N` for a container that terminated without a reason.
fn exit_reason(terminated: Obj<'_>) -> String {
    match terminated.get("signal").int() {
        0 => format!("ExitCode:{}", terminated.get("exitCode").int()),
        signal => format!("Signal:{signal}"),
    }
}

fn cells(pod: Obj<'_>, now: Instant) -> Vec<Value> {
    let spec = pod.get("spec");
    let status = pod.get("status");
    let init_specs: Vec<Obj<'_>> = spec.get("initContainers").items().collect();
    // Go indexes init containers by name in a map: the last of a duplicated name wins.
    let init_spec = |name: &str| init_specs.iter().rev().copied().find(|c| c.get("name").str() == name);

    let total = spec.get("containers").len()
        + init_specs.iter().filter(|c| is_restartable_init_container(Some(**c))).count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut restartable_init_restarts: i64 = 0;
    let mut last_restart = Instant::ZERO;
    let mut last_restartable_init_restart = Instant::ZERO;

    // kube-apiserver sets Pending on every pod it stores.
    let phase = match status.get("phase").str() {
        "" => "Pending",
        phase => phase,
    };
    let mut reason = match status.get("reason").str() {
        "" => phase.to_owned(),
        reason => reason.to_owned(),
    };
    if status
        .get("conditions")
        .items()
        .any(|c| c.get("type").str() == "PodScheduled" && c.get("reason").str() == "SchedulingGated")
    {
        reason = "SchedulingGated".to_owned();
    }

    let mut initializing = false;
    for (i, container) in status.get("initContainerStatuses").items().enumerate() {
        let restart_count = container.get("restartCount").int();
        restarts = restarts.saturating_add(restart_count);
        last_restart = last_termination(last_restart, container);
        let restartable = is_restartable_init_container(init_spec(container.get("name").str()));
        if restartable {
            restartable_init_restarts = restartable_init_restarts.saturating_add(restart_count);
            last_restartable_init_restart = last_termination(last_restartable_init_restart, container);
        }
        let terminated = container.at("state.terminated");
        let waiting = container.at("state.waiting");
        if terminated.is_set() && terminated.get("exitCode").int() == 0 {
            continue;
        }
        if restartable && container.get("started").bool() {
            if container.get("ready").bool() {
                ready += 1;
            }
            continue;
        }
        initializing = true;
        reason = if terminated.is_set() {
            match terminated.get("reason").str() {
                "" => format!("Init:{}", exit_reason(terminated)),
                r => format!("Init:{r}"),
            }
        } else if waiting.is_set()
            && !waiting.get("reason").str().is_empty()
            && waiting.get("reason").str() != "PodInitializing"
        {
            format!("Init:{}", waiting.get("reason").str())
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        break;
    }

    let conditions = status.get("conditions");
    if !initializing || condition_true(conditions, "Initialized") {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        for container in status.get("containerStatuses").items().rev() {
            restarts = restarts.saturating_add(container.get("restartCount").int());
            last_restart = last_termination(last_restart, container);
            let waiting = container.at("state.waiting");
            let terminated = container.at("state.terminated");
            if waiting.is_set() && !waiting.get("reason").str().is_empty() {
                reason = waiting.get("reason").str().to_owned();
            } else if terminated.is_set() {
                reason = match terminated.get("reason").str() {
                    "" => exit_reason(terminated),
                    r => r.to_owned(),
                };
            } else if container.get("ready").bool() && container.at("state.running").is_set() {
                has_running = true;
                ready += 1;
            }
        }
        // A pod whose finished containers report Completed while another still runs.
        if reason == "Completed" && has_running {
            let pod_ready =
                conditions.items().any(|c| c.get("type").str() == "Ready" && c.get("status").str() == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_owned();
        }
    }

    if is_deleting(pod) {
        if status.get("reason").str() == NODE_UNREACHABLE_REASON {
            reason = "Unknown".to_owned();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_owned();
        }
    }

    let restarts_cell = if restarts != 0 && !last_restart.is_zero() {
        format!("{restarts} ({} ago)", age(last_restart, now))
    } else {
        restarts.to_string()
    };

    // Converting to the internal Pod, a set `podIP` wins over `podIPs`.
    let ip = match status.get("podIP").str() {
        "" => status.get("podIPs").items().next().map_or("", |first| first.get("ip").str()),
        ip => ip,
    };
    let gates = spec.get("readinessGates");
    let readiness_gates = if gates.len() == 0 {
        str_cell("<none>")
    } else {
        let passed =
            gates.items().filter(|gate| condition_true(conditions, gate.get("conditionType").str())).count();
        str_cell(format!("{passed}/{}", gates.len()))
    };

    vec![
        name(pod),
        str_cell(format!("{ready}/{total}")),
        str_cell(reason),
        str_cell(restarts_cell),
        age_cell(pod, now),
        or(ip, "<none>"),
        or(spec.get("nodeName").str(), "<none>"),
        or(status.get("nominatedNodeName").str(), "<none>"),
        readiness_gates,
    ]
}

fn conditions(pod: Obj<'_>) -> Vec<Value> {
    let (reason, message) = match pod.at("status.phase").str() {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return Vec::new(),
    };
    vec![json!({"type": "Completed", "status": "True", "reason": reason, "message": message})]
}
