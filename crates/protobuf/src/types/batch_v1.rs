use k8s_pb::api::batch::v1::*;

use crate::json::messages;

messages! {
    Job { metadata, spec, status }
    CronJob { metadata, spec, status }
    JobSpec {
        #[always] parallelism, #[always] completions, #[always] active_deadline_seconds,
        pod_failure_policy, success_policy, #[always] backoff_limit,
        #[always] backoff_limit_per_index, #[always] max_failed_indexes, selector,
        #[always] manual_selector, template, #[always] ttl_seconds_after_finished,
        #[always] completion_mode, #[always] suspend, #[always] pod_replacement_policy,
        #[always] managed_by
    }
    JobStatus {
        conditions, start_time, completion_time, active, succeeded, failed, #[always] terminating,
        completed_indexes, #[always] failed_indexes, uncounted_terminated_pods, #[always] ready
    }
    CronJobSpec {
        #[always] schedule, #[always] time_zone, #[always] starting_deadline_seconds,
        concurrency_policy, #[always] suspend, job_template,
        #[always] successful_jobs_history_limit, #[always] failed_jobs_history_limit
    }
    CronJobStatus { active, last_schedule_time, last_successful_time }
    PodFailurePolicy { #[always] rules }
    SuccessPolicy { #[always] rules }
    JobCondition {
        #[always] r#type, #[always] status, last_probe_time, last_transition_time, reason, message
    }
    UncountedTerminatedPods { succeeded, failed }
    JobTemplateSpec { metadata, spec }
    PodFailurePolicyRule { #[always] action, on_exit_codes, on_pod_conditions }
    SuccessPolicyRule { #[always] succeeded_indexes, #[always] succeeded_count }
    PodFailurePolicyOnExitCodesRequirement { #[always] container_name, #[always] operator, #[always] values }
    PodFailurePolicyOnPodConditionsPattern { #[always] r#type, status }
}
