use k8s_pb::apimachinery::pkg::apis::meta::v1::*;

use crate::json::messages;

messages! {
    DeleteOptions {
        #[always] grace_period_seconds, preconditions, #[always] orphan_dependents,
        #[always] propagation_policy, dry_run,
        #[always] ignore_store_read_error_with_cluster_breaking_potential
    }
    ObjectMeta {
        name, generate_name, namespace, self_link, uid, resource_version, generation,
        creation_timestamp, deletion_timestamp, #[always] deletion_grace_period_seconds, labels,
        annotations, owner_references, finalizers, managed_fields
    }
    Preconditions { #[always] uid, #[always] resource_version }
    OwnerReference {
        #[always] api_version, #[always] kind, #[always] name, #[always] uid, #[always] controller,
        #[always] block_owner_deletion
    }
    ManagedFieldsEntry {
        manager, operation, api_version, time, fields_type, fields_v1, subresource
    }
    Condition {
        #[always] r#type, #[always] status, observed_generation, last_transition_time,
        #[always] reason, #[always] message
    }
    LabelSelector { match_labels, match_expressions }
    LabelSelectorRequirement { #[always] key, #[always] operator, values }
    FieldSelectorRequirement { #[always] key, #[always] operator, values }
}
