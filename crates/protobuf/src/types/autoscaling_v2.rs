use k8s_pb::api::autoscaling::v2::*;

use crate::json::messages;

messages! {
    HorizontalPodAutoscaler { metadata, spec, status }
    HorizontalPodAutoscalerSpec {
        scale_target_ref, #[always] min_replicas, #[always] max_replicas, metrics, behavior
    }
    HorizontalPodAutoscalerStatus {
        #[always] observed_generation, last_scale_time, current_replicas,
        #[always] desired_replicas, current_metrics, conditions
    }
    CrossVersionObjectReference { #[always] kind, #[always] name, api_version }
    MetricSpec { #[always] r#type, object, pods, resource, container_resource, external }
    HorizontalPodAutoscalerBehavior { scale_up, scale_down }
    MetricStatus { #[always] r#type, object, pods, resource, container_resource, external }
    HorizontalPodAutoscalerCondition {
        #[always] r#type, #[always] status, last_transition_time, reason, message
    }
    ObjectMetricSource { described_object, target, metric }
    PodsMetricSource { metric, target }
    ResourceMetricSource { #[always] name, target }
    ContainerResourceMetricSource { #[always] name, target, #[always] container }
    ExternalMetricSource { metric, target }
    HpaScalingRules {
        #[always] stabilization_window_seconds, #[always] select_policy, policies, tolerance
    }
    ObjectMetricStatus { metric, current, described_object }
    PodsMetricStatus { metric, current }
    ResourceMetricStatus { #[always] name, current }
    ContainerResourceMetricStatus { #[always] name, current, #[always] container }
    ExternalMetricStatus { metric, current }
    MetricTarget { #[always] r#type, value, average_value, #[always] average_utilization }
    MetricIdentifier { #[always] name, selector }
    HpaScalingPolicy { #[always] r#type, #[always] value, #[always] period_seconds }
    MetricValueStatus { value, average_value, #[always] average_utilization }
}
