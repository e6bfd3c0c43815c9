use k8s_pb::api::autoscaling::v1::*;

use crate::json::messages;

messages! {
    Scale { metadata, spec, status }
    HorizontalPodAutoscaler { metadata, spec, status }
    ScaleSpec { replicas }
    ScaleStatus { #[always] replicas, selector }
    HorizontalPodAutoscalerSpec {
        scale_target_ref, #[always] min_replicas, #[always] max_replicas,
        #[always] target_cpu_utilization_percentage = "targetCPUUtilizationPercentage"
    }
    HorizontalPodAutoscalerStatus {
        #[always] observed_generation, last_scale_time, #[always] current_replicas,
        #[always] desired_replicas,
        #[always] current_cpu_utilization_percentage = "currentCPUUtilizationPercentage"
    }
    CrossVersionObjectReference { #[always] kind, #[always] name, api_version }
}
