//! Hand-built protobuf bodies for each kind, the JSON they must decode to, and the errors for
//! broken bodies.

mod common;

use std::collections::BTreeMap;

use common::{assert_upstream_names, envelope};
use concord_protobuf::{ProtobufError, decode};
use k8s_pb::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStatus, DeploymentStrategy};
use k8s_pb::api::authorization::v1::{
    LabelSelectorAttributes, ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    SubjectAccessReviewStatus,
};
use k8s_pb::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_pb::api::coordination::v1::{Lease, LeaseSpec};
use k8s_pb::api::core::v1 as core;
use k8s_pb::api::networking::v1 as networking;
use k8s_pb::api::rbac::v1 as rbac;
use k8s_pb::apimachinery::pkg::api::resource::Quantity;
use k8s_pb::apimachinery::pkg::apis::meta::v1::{
    DeleteOptions, FieldsV1, LabelSelector, ManagedFieldsEntry, MicroTime, ObjectMeta, Preconditions, Time,
};
use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
use k8s_pb::apimachinery::pkg::util::intstr::IntOrString;
use prost::Message;
use serde_json::{Value, json};

/// Decodes a message sent as `api_version`/`kind` and checks the result against the upstream
/// schema of that kind.
fn decoded(api_version: &str, kind: &str, message: &impl Message) -> Value {
    let object =
        decode(&envelope(api_version, kind, message)).unwrap_or_else(|e| panic!("{api_version} {kind}: {e}"));
    assert_upstream_names(&object);
    object
}

fn s(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn named(name: &str) -> Option<ObjectMeta> {
    Some(ObjectMeta { name: s(name), ..ObjectMeta::default() })
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn port(number: i32) -> Option<IntOrString> {
    Some(IntOrString { r#type: Some(0), int_val: Some(number), str_val: None })
}

fn port_name(name: &str) -> Option<IntOrString> {
    Some(IntOrString { r#type: Some(1), int_val: None, str_val: s(name) })
}

fn quantity(value: &str) -> Quantity {
    Quantity { string: s(value) }
}

/// 2026-11-24T10:00:00Z.
const SECONDS: i64 = 1_795_514_400;

#[test]
fn namespace() {
    let namespace = core::Namespace {
        metadata: Some(ObjectMeta {
            name: s("demo"),
            labels: labels(&[("team", "a")]),
            ..ObjectMeta::default()
        }),
        spec: Some(core::NamespaceSpec { finalizers: vec!["kubernetes".to_owned()] }),
        status: None,
    };
    assert_eq!(
        decoded("v1", "Namespace", &namespace),
        json!({
            "kind": "Namespace",
            "apiVersion": "v1",
            "metadata": {"name": "demo", "labels": {"team": "a"}},
            "spec": {"finalizers": ["kubernetes"]},
        })
    );
}

#[test]
fn secret_with_binary_data() {
    let secret = core::Secret {
        metadata: Some(ObjectMeta { name: s("tls"), namespace: s("web"), ..ObjectMeta::default() }),
        immutable: Some(false),
        data: BTreeMap::from([
            ("tls.key".to_owned(), vec![0, 1, 2, 0xfe, 0xff]),
            ("empty".to_owned(), Vec::new()),
        ]),
        string_data: labels(&[("note", "plain")]),
        r#type: s("kubernetes.io/tls"),
    };
    assert_eq!(
        decoded("v1", "Secret", &secret),
        json!({
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": {"name": "tls", "namespace": "web"},
            "immutable": false,
            "data": {"empty": "", "tls.key": "AAEC/v8="},
            "stringData": {"note": "plain"},
            "type": "kubernetes.io/tls",
        })
    );
}

/// What `kubectl create deployment web --image=nginx --replicas=2` sends: Go writes every value
/// field, so the metadata carries empty strings, a zero generation and a zero creation time.
#[test]
fn deployment_as_kubectl_creates_it() {
    let go_metadata = |name: Option<String>| ObjectMeta {
        name,
        generate_name: s(""),
        namespace: s(""),
        self_link: s(""),
        uid: s(""),
        resource_version: s(""),
        generation: Some(0),
        creation_timestamp: Some(Time::default()),
        labels: labels(&[("app", "web")]),
        ..ObjectMeta::default()
    };
    let container = core::Container {
        name: s("nginx"),
        image: s("nginx"),
        working_dir: s(""),
        resources: Some(core::ResourceRequirements::default()),
        termination_message_path: s(""),
        termination_message_policy: s(""),
        image_pull_policy: s(""),
        stdin: Some(false),
        stdin_once: Some(false),
        tty: Some(false),
        ..core::Container::default()
    };
    let deployment = Deployment {
        metadata: Some(go_metadata(s("web"))),
        spec: Some(DeploymentSpec {
            replicas: Some(2),
            selector: Some(LabelSelector {
                match_labels: labels(&[("app", "web")]),
                match_expressions: vec![],
            }),
            template: Some(core::PodTemplateSpec {
                metadata: Some(go_metadata(s(""))),
                spec: Some(core::PodSpec {
                    containers: vec![container],
                    restart_policy: s(""),
                    dns_policy: s(""),
                    host_network: Some(false),
                    ..core::PodSpec::default()
                }),
            }),
            strategy: Some(DeploymentStrategy { r#type: s(""), rolling_update: None }),
            min_ready_seconds: Some(0),
            paused: Some(false),
            ..DeploymentSpec::default()
        }),
        status: Some(DeploymentStatus { replicas: Some(0), ..DeploymentStatus::default() }),
    };
    let metadata = json!({"name": "web", "creationTimestamp": null, "labels": {"app": "web"}});
    assert_eq!(
        decoded("apps/v1", "Deployment", &deployment),
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": metadata,
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}}]},
                },
                "strategy": {},
            },
            "status": {},
        })
    );
}

#[test]
fn pointers_keep_their_zero_values() {
    let deployment = Deployment {
        metadata: named("idle"),
        spec: Some(DeploymentSpec {
            replicas: Some(0),
            revision_history_limit: Some(0),
            template: Some(core::PodTemplateSpec {
                metadata: None,
                spec: Some(core::PodSpec {
                    termination_grace_period_seconds: Some(0),
                    automount_service_account_token: Some(false),
                    enable_service_links: Some(false),
                    runtime_class_name: s(""),
                    security_context: Some(core::PodSecurityContext {
                        run_as_user: Some(0),
                        run_as_non_root: Some(false),
                        ..core::PodSecurityContext::default()
                    }),
                    ..core::PodSpec::default()
                }),
            }),
            ..DeploymentSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("apps/v1", "Deployment", &deployment)["spec"],
        json!({
            "replicas": 0,
            "template": {"spec": {
                "containers": null,
                "terminationGracePeriodSeconds": 0,
                "automountServiceAccountToken": false,
                "securityContext": {"runAsUser": 0, "runAsNonRoot": false},
                "runtimeClassName": "",
                "enableServiceLinks": false,
            }},
            "revisionHistoryLimit": 0,
        })
    );
}

#[test]
fn self_subject_access_review_with_resource_attributes() {
    let review = SelfSubjectAccessReview {
        metadata: Some(ObjectMeta::default()),
        spec: Some(SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: s("x"),
                verb: s("get"),
                group: s("apps"),
                version: s(""),
                resource: s("deployments"),
                subresource: s("scale"),
                name: s("web"),
                field_selector: None,
                label_selector: Some(LabelSelectorAttributes {
                    raw_selector: s("app=web"),
                    requirements: vec![],
                }),
            }),
            non_resource_attributes: None,
        }),
        status: Some(SubjectAccessReviewStatus {
            allowed: Some(false),
            ..SubjectAccessReviewStatus::default()
        }),
    };
    assert_eq!(
        decoded("authorization.k8s.io/v1", "SelfSubjectAccessReview", &review),
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {},
            "spec": {"resourceAttributes": {
                "namespace": "x", "verb": "get", "group": "apps", "resource": "deployments",
                "subresource": "scale", "name": "web", "labelSelector": {"rawSelector": "app=web"},
            }},
            "status": {"allowed": false},
        })
    );
}

#[test]
fn delete_options_under_any_group_version() {
    let options = DeleteOptions {
        grace_period_seconds: Some(0),
        preconditions: Some(Preconditions { uid: s("6f1c"), resource_version: s("42") }),
        orphan_dependents: None,
        propagation_policy: s("Foreground"),
        dry_run: vec!["All".to_owned()],
        ignore_store_read_error_with_cluster_breaking_potential: None,
    };
    for api_version in ["meta.k8s.io/v1", "v1", "apps/v1"] {
        let object = decode(&envelope(api_version, "DeleteOptions", &options));
        // The upstream document lists DeleteOptions under the API groups, not meta.k8s.io.
        let mut as_core = object.clone().expect("DeleteOptions decode");
        as_core["apiVersion"] = json!("v1");
        assert_upstream_names(&as_core);
        assert_eq!(
            object.expect("DeleteOptions decode"),
            json!({
                "kind": "DeleteOptions",
                "apiVersion": api_version,
                "gracePeriodSeconds": 0,
                "preconditions": {"uid": "6f1c", "resourceVersion": "42"},
                "propagationPolicy": "Foreground",
                "dryRun": ["All"],
            })
        );
    }
}

#[test]
fn service_ports_are_int_or_string() {
    let service = core::Service {
        metadata: named("svc"),
        spec: Some(core::ServiceSpec {
            ports: vec![
                core::ServicePort {
                    name: s("http"),
                    protocol: s("TCP"),
                    port: Some(80),
                    target_port: port(8080),
                    node_port: Some(30080),
                    ..core::ServicePort::default()
                },
                core::ServicePort {
                    port: Some(443),
                    target_port: port_name("https"),
                    ..core::ServicePort::default()
                },
            ],
            selector: labels(&[("app", "web")]),
            cluster_ip: s("10.0.0.10"),
            r#type: s("NodePort"),
            ip_family_policy: s("SingleStack"),
            session_affinity_config: Some(core::SessionAffinityConfig {
                client_ip: Some(core::ClientIpConfig { timeout_seconds: Some(0) }),
            }),
            ..core::ServiceSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("v1", "Service", &service)["spec"],
        json!({
            "ports": [
                {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080},
                {"port": 443, "targetPort": "https"},
            ],
            "selector": {"app": "web"},
            "clusterIP": "10.0.0.10",
            "type": "NodePort",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}},
            "ipFamilyPolicy": "SingleStack",
        })
    );
}

/// Inline Go structs: `Volume` embeds `VolumeSource`, `Probe` embeds `ProbeHandler`, key
/// selectors embed `LocalObjectReference`, ephemeral containers embed their common fields.
#[test]
fn pod_with_inlined_structs() {
    let local = |name: &str| Some(core::LocalObjectReference { name: s(name) });
    let pod = core::Pod {
        metadata: named("p"),
        spec: Some(core::PodSpec {
            volumes: vec![core::Volume {
                name: s("config"),
                volume_source: Some(core::VolumeSource {
                    config_map: Some(core::ConfigMapVolumeSource {
                        local_object_reference: local("settings"),
                        default_mode: Some(0o644),
                        ..core::ConfigMapVolumeSource::default()
                    }),
                    ..core::VolumeSource::default()
                }),
            }],
            containers: vec![core::Container {
                name: s("app"),
                image: s("app:1"),
                command: vec!["/app".to_owned()],
                args: vec!["--port=8080".to_owned()],
                ports: vec![core::ContainerPort {
                    container_port: Some(8080),
                    protocol: s("TCP"),
                    ..core::ContainerPort::default()
                }],
                env: vec![core::EnvVar {
                    name: s("TOKEN"),
                    value: None,
                    value_from: Some(core::EnvVarSource {
                        secret_key_ref: Some(core::SecretKeySelector {
                            local_object_reference: local("creds"),
                            key: s("token"),
                            optional: Some(false),
                        }),
                        ..core::EnvVarSource::default()
                    }),
                }],
                resources: Some(core::ResourceRequirements {
                    limits: BTreeMap::from([("cpu".to_owned(), quantity("500m"))]),
                    requests: BTreeMap::from([("memory".to_owned(), quantity("64Mi"))]),
                    claims: vec![],
                }),
                readiness_probe: Some(core::Probe {
                    handler: Some(core::ProbeHandler {
                        http_get: Some(core::HttpGetAction {
                            path: s("/healthz"),
                            port: port_name("http"),
                            ..core::HttpGetAction::default()
                        }),
                        ..core::ProbeHandler::default()
                    }),
                    period_seconds: Some(5),
                    ..core::Probe::default()
                }),
                image_pull_policy: s("IfNotPresent"),
                ..core::Container::default()
            }],
            ephemeral_containers: vec![core::EphemeralContainer {
                ephemeral_container_common: Some(core::EphemeralContainerCommon {
                    name: s("debug"),
                    image: s("busybox"),
                    stdin: Some(true),
                    ..core::EphemeralContainerCommon::default()
                }),
                target_container_name: s("app"),
            }],
            ..core::PodSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("v1", "Pod", &pod)["spec"],
        json!({
            "volumes": [{"name": "config", "configMap": {"name": "settings", "defaultMode": 420}}],
            "containers": [{
                "name": "app",
                "image": "app:1",
                "command": ["/app"],
                "args": ["--port=8080"],
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "env": [{"name": "TOKEN", "valueFrom": {
                    "secretKeyRef": {"name": "creds", "key": "token", "optional": false},
                }}],
                "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}},
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
                "imagePullPolicy": "IfNotPresent",
            }],
            "ephemeralContainers": [
                {"name": "debug", "image": "busybox", "stdin": true, "targetContainerName": "app"},
            ],
        })
    );
}

#[test]
fn job_and_cron_job_pointers() {
    let template = core::PodTemplateSpec {
        metadata: None,
        spec: Some(core::PodSpec {
            containers: vec![core::Container {
                name: s("j"),
                image: s("busybox"),
                command: vec!["date".to_owned()],
                ..core::Container::default()
            }],
            restart_policy: s("Never"),
            ..core::PodSpec::default()
        }),
    };
    let spec = JobSpec {
        backoff_limit: Some(0),
        suspend: Some(false),
        completions: Some(1),
        template: Some(template),
        ..JobSpec::default()
    };
    let job = Job { metadata: named("j"), spec: Some(spec.clone()), status: None };
    let job_spec = json!({
        "completions": 1,
        "backoffLimit": 0,
        "template": {"spec": {
            "containers": [{"name": "j", "image": "busybox", "command": ["date"]}],
            "restartPolicy": "Never",
        }},
        "suspend": false,
    });
    assert_eq!(decoded("batch/v1", "Job", &job)["spec"], job_spec);
    let cron = CronJob {
        metadata: named("cj"),
        spec: Some(CronJobSpec {
            schedule: s("*/5 * * * *"),
            time_zone: s("Etc/UTC"),
            suspend: Some(false),
            successful_jobs_history_limit: Some(0),
            job_template: Some(JobTemplateSpec { metadata: None, spec: Some(spec) }),
            ..CronJobSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("batch/v1", "CronJob", &cron)["spec"],
        json!({
            "schedule": "*/5 * * * *",
            "timeZone": "Etc/UTC",
            "suspend": false,
            "jobTemplate": {"spec": job_spec},
            "successfulJobsHistoryLimit": 0,
        })
    );
}

#[test]
fn lease_times_are_micro_times() {
    let lease = Lease {
        metadata: named("leader"),
        spec: Some(LeaseSpec {
            holder_identity: s(""),
            lease_duration_seconds: Some(15),
            acquire_time: Some(MicroTime { seconds: Some(SECONDS), nanos: Some(5_000) }),
            renew_time: Some(MicroTime { seconds: Some(SECONDS), nanos: Some(999_999_999) }),
            lease_transitions: Some(0),
            ..LeaseSpec::default()
        }),
    };
    assert_eq!(
        decoded("coordination.k8s.io/v1", "Lease", &lease)["spec"],
        json!({
            "holderIdentity": "",
            "leaseDurationSeconds": 15,
            "acquireTime": "2026-11-24T10:00:00.000005Z",
            "renewTime": "2026-11-24T10:00:00.999999Z",
            "leaseTransitions": 0,
        })
    );
}

#[test]
fn event_times_and_managed_fields() {
    let event = core::Event {
        metadata: Some(ObjectMeta {
            name: s("web.1"),
            creation_timestamp: Some(Time { seconds: Some(SECONDS), nanos: Some(0) }),
            managed_fields: vec![ManagedFieldsEntry {
                manager: s("kubectl"),
                operation: s("Update"),
                api_version: s("v1"),
                time: Some(Time { seconds: Some(SECONDS), nanos: None }),
                fields_type: s("FieldsV1"),
                fields_v1: Some(FieldsV1 { raw: Some(br#"{"f:reason":{}}"#.to_vec()) }),
                subresource: s(""),
            }],
            ..ObjectMeta::default()
        }),
        involved_object: Some(core::ObjectReference { kind: s("Pod"), name: s("web"), ..Default::default() }),
        reason: s("Started"),
        first_timestamp: Some(Time { seconds: Some(SECONDS), nanos: Some(750_000_000) }),
        event_time: Some(MicroTime { seconds: Some(SECONDS), nanos: Some(1_500) }),
        count: Some(3),
        ..core::Event::default()
    };
    assert_eq!(
        decoded("v1", "Event", &event),
        json!({
            "kind": "Event",
            "apiVersion": "v1",
            "metadata": {
                "name": "web.1",
                "creationTimestamp": "2026-11-24T10:00:00Z",
                "managedFields": [{
                    "manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                    "time": "2026-11-24T10:00:00Z", "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:reason": {}},
                }],
            },
            "involvedObject": {"kind": "Pod", "name": "web"},
            "reason": "Started",
            "firstTimestamp": "2026-11-24T10:00:00Z",
            "count": 3,
            "eventTime": "2026-11-24T10:00:00.000001Z",
        })
    );
}

#[test]
fn ingress_rules_inline_their_http_value() {
    let backend = |name: &str, port: networking::ServiceBackendPort| networking::IngressBackend {
        service: Some(networking::IngressServiceBackend { name: s(name), port: Some(port) }),
        resource: None,
    };
    let ingress = networking::Ingress {
        metadata: named("ing"),
        spec: Some(networking::IngressSpec {
            ingress_class_name: s("nginx"),
            tls: vec![networking::IngressTls { hosts: vec!["foo.com".to_owned()], secret_name: s("cert") }],
            rules: vec![networking::IngressRule {
                host: s("foo.com"),
                ingress_rule_value: Some(networking::IngressRuleValue {
                    http: Some(networking::HttpIngressRuleValue {
                        paths: vec![networking::HttpIngressPath {
                            path: s("/bar"),
                            path_type: s("Exact"),
                            backend: Some(backend(
                                "svc1",
                                networking::ServiceBackendPort { name: s(""), number: Some(8080) },
                            )),
                        }],
                    }),
                }),
            }],
            default_backend: Some(backend(
                "def",
                networking::ServiceBackendPort { name: s("http"), number: Some(0) },
            )),
        }),
        status: None,
    };
    assert_eq!(
        decoded("networking.k8s.io/v1", "Ingress", &ingress)["spec"],
        json!({
            "ingressClassName": "nginx",
            "defaultBackend": {"service": {"name": "def", "port": {"name": "http"}}},
            "tls": [{"hosts": ["foo.com"], "secretName": "cert"}],
            "rules": [{"host": "foo.com", "http": {"paths": [{
                "path": "/bar",
                "pathType": "Exact",
                "backend": {"service": {"name": "svc1", "port": {"number": 8080}}},
            }]}}],
        })
    );
}

#[test]
fn rbac_lists_without_omitempty_are_null_when_empty() {
    let role = rbac::ClusterRole { metadata: named("empty"), rules: vec![], aggregation_rule: None };
    assert_eq!(
        decoded("rbac.authorization.k8s.io/v1", "ClusterRole", &role),
        json!({
            "kind": "ClusterRole",
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": {"name": "empty"},
            "rules": null,
        })
    );
    let binding = rbac::RoleBinding {
        metadata: named("rb"),
        subjects: vec![rbac::Subject {
            kind: s("ServiceAccount"),
            api_group: s(""),
            name: s("builder"),
            namespace: s("ci"),
        }],
        role_ref: Some(rbac::RoleRef {
            api_group: s("rbac.authorization.k8s.io"),
            kind: s("Role"),
            name: s("r"),
        }),
    };
    assert_eq!(
        decoded("rbac.authorization.k8s.io/v1", "RoleBinding", &binding),
        json!({
            "kind": "RoleBinding",
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": {"name": "rb"},
            "subjects": [{"kind": "ServiceAccount", "name": "builder", "namespace": "ci"}],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
        })
    );
}

#[test]
fn persistent_volume_claim_keeps_an_empty_storage_class() {
    let claim = core::PersistentVolumeClaim {
        metadata: named("data"),
        spec: Some(core::PersistentVolumeClaimSpec {
            access_modes: vec!["ReadWriteOnce".to_owned()],
            resources: Some(core::VolumeResourceRequirements {
                requests: BTreeMap::from([("storage".to_owned(), quantity("1Gi"))]),
                limits: BTreeMap::new(),
            }),
            storage_class_name: s(""),
            ..core::PersistentVolumeClaimSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("v1", "PersistentVolumeClaim", &claim)["spec"],
        json!({
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "storageClassName": "",
        })
    );
}

#[test]
fn scale_and_node() {
    let scale = k8s_pb::api::autoscaling::v1::Scale {
        metadata: named("web"),
        spec: Some(k8s_pb::api::autoscaling::v1::ScaleSpec { replicas: Some(3) }),
        status: None,
    };
    assert_eq!(decoded("autoscaling/v1", "Scale", &scale)["spec"], json!({"replicas": 3}));
    let node = core::Node {
        metadata: named("n1"),
        spec: Some(core::NodeSpec {
            pod_cidr: s("10.244.0.0/24"),
            pod_cid_rs: vec!["10.244.0.0/24".to_owned()],
            provider_id: s("kind://n1"),
            unschedulable: Some(true),
            taints: vec![core::Taint {
                key: s("dedicated"),
                value: s(""),
                effect: s("NoSchedule"),
                time_added: Some(Time { seconds: Some(SECONDS), nanos: None }),
            }],
            ..core::NodeSpec::default()
        }),
        status: None,
    };
    assert_eq!(
        decoded("v1", "Node", &node)["spec"],
        json!({
            "podCIDR": "10.244.0.0/24",
            "podCIDRs": ["10.244.0.0/24"],
            "providerID": "kind://n1",
            "unschedulable": true,
            "taints": [{"key": "dedicated", "effect": "NoSchedule", "timeAdded": "2026-11-24T10:00:00Z"}],
        })
    );
}

#[test]
fn an_envelope_without_raw_is_an_empty_object() {
    let unknown = Unknown {
        type_meta: Some(TypeMeta { api_version: s("v1"), kind: s("ConfigMap") }),
        ..Unknown::default()
    };
    let body = [b"k8s\0".as_slice(), &unknown.encode_to_vec()].concat();
    assert_eq!(decode(&body), Ok(json!({"kind": "ConfigMap", "apiVersion": "v1"})));
}

fn error(body: &[u8]) -> (ProtobufError, String) {
    let err = decode(body).expect_err("the body is broken");
    let message = err.to_string();
    (err, message)
}

#[test]
fn bodies_without_the_magic_are_refused_with_kube_apiservers_message() {
    for body in [b"{\"kind\":\"Namespace\"}".as_slice(), b"k8s", b"K8S\0\x0a\x00", b"\0"] {
        let (err, message) = error(body);
        assert_eq!(err, ProtobufError::NoMagic);
        assert_eq!(
            message,
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        );
    }
    assert_eq!(error(b"").0, ProtobufError::Envelope("empty data".to_owned()));
    assert_eq!(error(b"k8s\0").0, ProtobufError::Envelope("empty body".to_owned()));
}

#[test]
fn broken_envelopes() {
    let (err, message) = error(b"k8s\0\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
    assert!(matches!(err, ProtobufError::Envelope(_)), "{err:?}");
    assert!(message.starts_with("invalid protobuf envelope: "), "{message}");
    let truncated = &envelope("v1", "Namespace", &core::Namespace::default());
    let (err, _) = error(&truncated[..truncated.len() - 3]);
    assert!(matches!(err, ProtobufError::Envelope(_)), "{err:?}");
}

#[test]
fn envelopes_must_name_kind_and_api_version() {
    let body = |api_version: &str, kind: &str| {
        let unknown = Unknown {
            type_meta: Some(TypeMeta { api_version: s(api_version), kind: s(kind) }),
            ..Unknown::default()
        };
        [b"k8s\0".as_slice(), &unknown.encode_to_vec()].concat()
    };
    assert_eq!(
        error(&body("v1", "")).1,
        r#"Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'"#
    );
    assert_eq!(
        error(&body("", "Pod")).1,
        r#"Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"Pod"}'"#
    );
}

#[test]
fn unknown_kinds_are_unsupported() {
    for (api_version, kind) in
        [("example.com/v1", "Widget"), ("v1", "PersistentVolume"), ("apps/v2", "Deployment")]
    {
        let (err, message) = error(&envelope(api_version, kind, &core::ConfigMap::default()));
        assert_eq!(
            err,
            ProtobufError::UnsupportedKind { api_version: api_version.to_owned(), kind: kind.to_owned() }
        );
        assert_eq!(
            message,
            format!(
                "the protobuf encoding of {kind} in {api_version} is not supported, send it as application/json"
            )
        );
    }
}

#[test]
fn broken_objects_name_the_kind() {
    let raw = |bytes: &[u8]| Unknown {
        type_meta: Some(TypeMeta { api_version: s("v1"), kind: s("Namespace") }),
        raw: Some(bytes.to_vec()),
        ..Unknown::default()
    };
    // Field 1 (metadata) claims 100 bytes but has 1.
    let body = [b"k8s\0".as_slice(), &raw(b"\x0a\x64\x0a").encode_to_vec()].concat();
    let (err, message) = error(&body);
    assert!(matches!(&err, ProtobufError::Decode { kind, .. } if kind == "Namespace"), "{err:?}");
    assert!(message.starts_with("unable to decode Namespace from protobuf: "), "{message}");
    // metadata.name is not UTF-8.
    let body = [b"k8s\0".as_slice(), &raw(b"\x0a\x04\x0a\x02\xff\xfe").encode_to_vec()].concat();
    assert!(matches!(error(&body).0, ProtobufError::Decode { .. }));
}

#[test]
fn values_json_cannot_carry_are_decode_errors_with_their_path() {
    let service = core::Service {
        spec: Some(core::ServiceSpec {
            ports: vec![core::ServicePort {
                target_port: Some(IntOrString { r#type: Some(3), ..IntOrString::default() }),
                ..core::ServicePort::default()
            }],
            ..core::ServiceSpec::default()
        }),
        ..core::Service::default()
    };
    assert_eq!(
        error(&envelope("v1", "Service", &service)).0,
        ProtobufError::Decode {
            kind: "Service".to_owned(),
            message: "spec.ports[0].targetPort: impossible IntOrString.Type 3".to_owned(),
        }
    );
    let event = core::Event {
        last_timestamp: Some(Time { seconds: Some(i64::MAX), nanos: None }),
        ..core::Event::default()
    };
    let (_, message) = error(&envelope("v1", "Event", &event));
    assert!(message.starts_with("unable to decode Event from protobuf: lastTimestamp: time "), "{message}");
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let raw = |bytes: Vec<u8>| Unknown {
        type_meta: Some(TypeMeta { api_version: s("v1"), kind: s("Namespace") }),
        raw: Some(bytes),
        ..Unknown::default()
    };
    // An unknown field 15 opening 100,000 nested groups.
    let groups = raw(vec![0x7b; 100_000]);
    let body = [b"k8s\0".as_slice(), &groups.encode_to_vec()].concat();
    assert!(matches!(error(&body).0, ProtobufError::Decode { .. }));
    // The envelope itself nested the same way.
    let body = [b"k8s\0".as_slice(), &[0x7b; 100_000]].concat();
    assert!(matches!(error(&body).0, ProtobufError::Envelope(_)));
}
