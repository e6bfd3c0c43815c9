use k8s_pb::api::apps::v1::*;

use crate::json::messages;

messages! {
    Deployment { metadata, spec, status }
    ReplicaSet { metadata, spec, status }
    StatefulSet { metadata, spec, status }
    DaemonSet { metadata, spec, status }
    DeploymentSpec {
        #[always] replicas, selector, template, strategy, min_ready_seconds,
        #[always] revision_history_limit, paused, #[always] progress_deadline_seconds
    }
    DeploymentStatus {
        observed_generation, replicas, updated_replicas, ready_replicas, available_replicas,
        unavailable_replicas, #[always] terminating_replicas, conditions, #[always] collision_count
    }
    ReplicaSetSpec { #[always] replicas, min_ready_seconds, selector, template }
    ReplicaSetStatus {
        #[always] replicas, fully_labeled_replicas, ready_replicas, available_replicas,
        #[always] terminating_replicas, observed_generation, conditions
    }
    StatefulSetSpec {
        #[always] replicas, selector, template, volume_claim_templates, service_name,
        pod_management_policy, update_strategy, #[always] revision_history_limit, min_ready_seconds,
        persistent_volume_claim_retention_policy, ordinals
    }
    StatefulSetStatus {
        observed_generation, #[always] replicas, ready_replicas, current_replicas, updated_replicas,
        current_revision, update_revision, #[always] collision_count, conditions, available_replicas
    }
    DaemonSetSpec {
        selector, template, update_strategy, min_ready_seconds, #[always] revision_history_limit
    }
    DaemonSetStatus {
        #[always] current_number_scheduled, #[always] number_misscheduled,
        #[always] desired_number_scheduled, #[always] number_ready, observed_generation,
        updated_number_scheduled, number_available, number_unavailable, #[always] collision_count,
        conditions
    }
    DeploymentStrategy { r#type, rolling_update }
    DeploymentCondition {
        #[always] r#type, #[always] status, last_update_time, last_transition_time, reason, message
    }
    ReplicaSetCondition {
        #[always] r#type, #[always] status, last_transition_time, reason, message
    }
    StatefulSetUpdateStrategy { r#type, rolling_update }
    StatefulSetPersistentVolumeClaimRetentionPolicy { when_deleted, when_scaled }
    StatefulSetOrdinals { #[always] start }
    StatefulSetCondition {
        #[always] r#type, #[always] status, last_transition_time, reason, message
    }
    DaemonSetUpdateStrategy { r#type, rolling_update }
    DaemonSetCondition { #[always] r#type, #[always] status, last_transition_time, reason, message }
    RollingUpdateDeployment { max_unavailable, max_surge }
    RollingUpdateStatefulSetStrategy { #[always] partition, max_unavailable }
    RollingUpdateDaemonSet { max_unavailable, max_surge }
}
