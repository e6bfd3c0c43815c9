use k8s_pb::api::networking::v1::*;

use crate::json::messages;

messages! {
    Ingress { metadata, spec, status }
    NetworkPolicy { metadata, spec }
    IngressClass { metadata, spec }
    IngressSpec { #[always] ingress_class_name, default_backend, tls, rules }
    IngressStatus { load_balancer }
    NetworkPolicySpec { pod_selector, ingress, egress, policy_types }
    IngressClassSpec { controller, parameters }
    IngressBackend { service, resource }
    IngressTls { hosts, secret_name }
    IngressRule { host, #[inline] ingress_rule_value }
    IngressLoadBalancerStatus { ingress }
    NetworkPolicyIngressRule { ports, from }
    NetworkPolicyEgressRule { ports, to }
    IngressClassParametersReference {
        #[always] a_pi_group = "apiGroup", #[always] kind, #[always] name, #[always] scope,
        #[always] namespace
    }
    IngressServiceBackend { #[always] name, port }
    IngressRuleValue { http }
    IngressLoadBalancerIngress { ip, hostname, ports }
    NetworkPolicyPort { #[always] protocol, port, #[always] end_port }
    NetworkPolicyPeer { pod_selector, namespace_selector, ip_block }
    ServiceBackendPort { name, number }
    HttpIngressRuleValue { #[always] paths }
    IngressPortStatus { #[always] port, #[always] protocol, #[always] error }
    IpBlock { #[always] cidr, except }
    HttpIngressPath { path, #[always] path_type, backend }
}
