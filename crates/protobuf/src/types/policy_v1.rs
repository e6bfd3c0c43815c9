use k8s_pb::api::policy::v1::*;

use crate::json::messages;

messages! {
    PodDisruptionBudget { metadata, spec, status }
    Eviction { metadata, delete_options }
    PodDisruptionBudgetSpec {
        min_available, selector, max_unavailable, #[always] unhealthy_pod_eviction_policy
    }
    PodDisruptionBudgetStatus {
        observed_generation, disrupted_pods, disruptions_allowed, current_healthy, desired_healthy,
        expected_pods, conditions
    }
}
