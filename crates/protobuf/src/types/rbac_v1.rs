use k8s_pb::api::rbac::v1::*;

use crate::json::messages;

messages! {
    Role { metadata, #[always] rules }
    RoleBinding { metadata, subjects, role_ref }
    ClusterRole { metadata, #[always] rules, aggregation_rule }
    ClusterRoleBinding { metadata, subjects, role_ref }
    PolicyRule {
        #[always] verbs, api_groups, resources, resource_names, non_resource_ur_ls = "nonResourceURLs"
    }
    Subject { #[always] kind, api_group, #[always] name, namespace }
    RoleRef { api_group, #[always] kind, #[always] name }
    AggregationRule { cluster_role_selectors }
}
