//! Workloads: `apps` and `batch`.

use super::{
    AGE, CONTAINERS, IMAGES, NAME, age_cell, col, condition_true, containers, int_cell, is_deleting, name,
    printer, str_cell, text, wide,
};
use crate::descriptions as d;
use crate::fields::Obj;
use crate::labels::{format_label_selector, format_labels, selector_string};
use crate::time::{age, human_duration_nanos};

/// `spec.replicas`, which kube-apiserver defaults to 1.
fn replicas(o: Obj<'_>) -> i64 {
    o.at("spec.replicas").opt_int().unwrap_or(1)
}

printer!(
    pub(crate) DEPLOYMENT,
    [
        NAME,
        text("Ready", "Number of the pod with ready state"),
        text("Up-to-date", d::EXT_DEPLOYMENT_STATUS_UPDATED_REPLICAS),
        text("Available", d::EXT_DEPLOYMENT_STATUS_AVAILABLE_REPLICAS),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", d::EXT_DEPLOYMENT_SPEC_SELECTOR),
    ],
    |o, now| {
        let status = o.get("status");
        let [names, images] = containers(o.at("spec.template.spec"));
        // Unlike other workloads, an empty selector prints as nothing rather than `<none>`.
        let selector = selector_string(o.at("spec.selector")).unwrap_or_else(|()| "<invalid>".to_owned());
        vec![
            name(o),
            str_cell(format!("{}/{}", status.get("readyReplicas").int(), replicas(o))),
            int_cell(status.get("updatedReplicas").int()),
            int_cell(status.get("availableReplicas").int()),
            age_cell(o, now),
            names,
            images,
            str_cell(selector),
        ]
    },
);

printer!(
    pub(crate) REPLICA_SET,
    [
        NAME,
        col("Desired", "integer", d::EXT_REPLICA_SET_SPEC_REPLICAS),
        col("Current", "integer", d::EXT_REPLICA_SET_STATUS_REPLICAS),
        col("Ready", "integer", d::EXT_REPLICA_SET_STATUS_READY_REPLICAS),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", d::EXT_REPLICA_SET_SPEC_SELECTOR),
    ],
    |o, now| {
        let status = o.get("status");
        let [names, images] = containers(o.at("spec.template.spec"));
        vec![
            name(o),
            int_cell(replicas(o)),
            int_cell(status.get("replicas").int()),
            int_cell(status.get("readyReplicas").int()),
            age_cell(o, now),
            names,
            images,
            str_cell(format_label_selector(o.at("spec.selector"))),
        ]
    },
);

printer!(
    pub(crate) STATEFUL_SET,
    [
        NAME,
        text("Ready", "Number of the pod with ready state"),
        AGE,
        CONTAINERS,
        IMAGES,
    ],
    |o, now| {
        let [names, images] = containers(o.at("spec.template.spec"));
        vec![
            name(o),
            str_cell(format!(
                "{}/{}",
                o.at("status.readyReplicas").int(),
                replicas(o)
            )),
            age_cell(o, now),
            names,
            images,
        ]
    },
);

printer!(
    pub(crate) DAEMON_SET,
    [
        NAME,
        col("Desired", "integer", d::EXT_DAEMON_SET_STATUS_DESIRED),
        col("Current", "integer", d::EXT_DAEMON_SET_STATUS_CURRENT),
        col("Ready", "integer", d::EXT_DAEMON_SET_STATUS_READY),
        col("Up-to-date", "integer", d::EXT_DAEMON_SET_STATUS_UPDATED),
        col("Available", "integer", d::EXT_DAEMON_SET_STATUS_AVAILABLE),
        text("Node Selector", d::POD_SPEC_NODE_SELECTOR),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", d::EXT_DAEMON_SET_SPEC_SELECTOR),
    ],
    |o, now| {
        let status = o.get("status");
        let pod_spec = o.at("spec.template.spec");
        let [names, images] = containers(pod_spec);
        vec![
            name(o),
            int_cell(status.get("desiredNumberScheduled").int()),
            int_cell(status.get("currentNumberScheduled").int()),
            int_cell(status.get("numberReady").int()),
            int_cell(status.get("updatedNumberScheduled").int()),
            int_cell(status.get("numberAvailable").int()),
            str_cell(format_labels(pod_spec.get("nodeSelector"))),
            age_cell(o, now),
            names,
            images,
            str_cell(format_label_selector(o.at("spec.selector"))),
        ]
    },
);

printer!(
    pub(crate) JOB,
    [
        NAME,
        text("Status", "Status of the job."),
        text("Completions", d::JOB_STATUS_SUCCEEDED),
        text("Duration", "Time required to complete the job."),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", d::JOB_SPEC_SELECTOR),
    ],
    |o, now| {
        let spec = o.get("spec");
        let status = o.get("status");
        let succeeded = status.get("succeeded").int();
        let completions = match spec.get("completions").opt_int() {
            Some(completions) => format!("{succeeded}/{completions}"),
            None => match spec.get("parallelism").int() {
                parallelism if parallelism > 1 => format!("{succeeded}/1 of {parallelism}"),
                _ => format!("{succeeded}/1"),
            },
        };
        let duration = match (
            status.get("startTime").opt_time(),
            status.get("completionTime").opt_time(),
        ) {
            (None, _) => String::new(),
            (Some(start), None) => human_duration_nanos(now.since(start)),
            (Some(start), Some(end)) => human_duration_nanos(end.since(start)),
        };
        let conditions = status.get("conditions");
        let state = if condition_true(conditions, "Complete") {
            "Complete"
        } else if condition_true(conditions, "Failed") {
            "Failed"
        } else if is_deleting(o) {
            "Terminating"
        } else if condition_true(conditions, "Suspended") {
            "Suspended"
        } else if condition_true(conditions, "FailureTarget") {
            "FailureTarget"
        } else {
            "Running"
        };
        let [names, images] = containers(spec.at("template.spec"));
        vec![
            name(o),
            str_cell(state),
            str_cell(completions),
            str_cell(duration),
            age_cell(o, now),
            names,
            images,
            str_cell(format_label_selector(spec.get("selector"))),
        ]
    },
);

printer!(
    pub(crate) CRON_JOB,
    [
        NAME,
        text("Schedule", d::CRON_JOB_SPEC_SCHEDULE),
        text("Timezone", d::CRON_JOB_SPEC_TIME_ZONE),
        col("Suspend", "boolean", d::CRON_JOB_SPEC_SUSPEND),
        col("Active", "integer", d::CRON_JOB_STATUS_ACTIVE),
        text("Last Schedule", d::CRON_JOB_STATUS_LAST_SCHEDULE_TIME),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", d::JOB_SPEC_SELECTOR),
    ],
    |o, now| {
        let spec = o.get("spec");
        let status = o.get("status");
        let last_schedule = match status.get("lastScheduleTime").opt_time() {
            Some(t) => age(t, now),
            None => "<none>".to_owned(),
        };
        // kube prints the pointer as True/False (a string, despite the column's type), and
        // defaults it to false.
        let suspend = if spec.get("suspend").bool() { "True" } else { "False" };
        let job_spec = spec.at("jobTemplate.spec");
        let [names, images] = containers(job_spec.at("template.spec"));
        vec![
            name(o),
            str_cell(spec.get("schedule").str()),
            str_cell(spec.get("timeZone").opt_str().unwrap_or("<none>")),
            str_cell(suspend),
            int_cell(status.get("active").len() as i64),
            str_cell(last_schedule),
            age_cell(o, now),
            names,
            images,
            str_cell(format_label_selector(job_spec.get("selector"))),
        ]
    },
);
