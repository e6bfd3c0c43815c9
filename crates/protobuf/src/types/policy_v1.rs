use k8s_pb::api::policy::v1::*;

use crate::json::messages;

messages! {
    PodDisruptionBudget { metadata, spec, status }
    Eviction { metadata, delete_options }
    PodDisruptionBudgetSpec {
        min_available, selector, max_unavailable, #[always] unhealthy_pod_eviction_policy
    }
    PodDisruptionBudgetStatus {
        observed_generation, disrupted_pods, #[always] disruptions_allowed, #[always] current_healthy,
        #[always] desired_healthy, #[always] expected_pods, conditions
    }
}
