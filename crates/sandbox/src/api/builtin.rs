//! What kube-apiserver's per-kind strategies do beyond the schema: defaulting (the values a
//! freshly created object shows in `kubectl get -o yaml`), the validation rules clients meet most
//! (a workload's selector must match its template, containers need a name and an image, ...),
//! and a Service's cluster IP. Only the common rules of the served kinds are here; the README
//! lists what is not checked.

use std::hash::{Hash, Hasher};

use base64::Engine;
use concord_apimachinery::field::FieldError;
use serde_json::{Map, Value, json};

use crate::registry::Resource;

/// Fills in the defaults kube-apiserver sets for missing fields.
pub fn default(resource: &Resource, object: &mut Map<String, Value>) {
    if resource.custom.is_some() {
        return;
    }
    let kind = resource.kind.as_str();
    match (resource.group.as_str(), kind) {
        ("", "Pod") => {
            if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
                pod_spec(spec, "Always");
            }
        }
        ("", "Service") => service(object),
        ("", "Secret") => secret(object),
        ("", "Namespace") => {
            let spec = child(object, "spec");
            spec.entry("finalizers").or_insert_with(|| json!(["kubernetes"]));
        }
        ("", "PersistentVolumeClaim") => {
            child(object, "spec").entry("volumeMode").or_insert_with(|| json!("Filesystem"));
        }
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => workload(kind, object),
        ("batch", "Job") => {
            let spec = child(object, "spec");
            job_spec(spec);
        }
        ("batch", "CronJob") => {
            let spec = child(object, "spec");
            for (field, value) in [
                ("concurrencyPolicy", json!("Allow")),
                ("suspend", json!(false)),
                ("successfulJobsHistoryLimit", json!(3)),
                ("failedJobsHistoryLimit", json!(1)),
            ] {
                spec.entry(field).or_insert(value);
            }
            if let Some(job) =
                spec.get_mut("jobTemplate").and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut)
            {
                job_spec(job);
            }
        }
        _ => {}
    }
}

/// The `name` child map of `object`, made a map if missing.
fn child<'a>(object: &'a mut Map<String, Value>, name: &str) -> &'a mut Map<String, Value> {
    let value = object.entry(name).or_insert_with(|| Value::Object(Map::new()));
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().unwrap_or_else(|| unreachable!("just made a map"))
}

fn workload(kind: &str, object: &mut Map<String, Value>) {
    let spec = child(object, "spec");
    if kind != "DaemonSet" {
        spec.entry("replicas").or_insert(json!(1));
    }
    if kind != "ReplicaSet" {
        spec.entry("revisionHistoryLimit").or_insert(json!(10));
    }
    match kind {
        "Deployment" => {
            spec.entry("progressDeadlineSeconds").or_insert(json!(600));
            spec.entry("strategy").or_insert_with(
                || json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            );
        }
        "StatefulSet" => {
            spec.entry("podManagementPolicy").or_insert(json!("OrderedReady"));
            spec.entry("updateStrategy")
                .or_insert_with(|| json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
            spec.entry("persistentVolumeClaimRetentionPolicy")
                .or_insert_with(|| json!({"whenDeleted": "Retain", "whenScaled": "Retain"}));
        }
        "DaemonSet" => {
            spec.entry("updateStrategy").or_insert_with(
                || json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
            );
        }
        _ => {}
    }
    if let Some(pod) = spec.get_mut("template").and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut)
    {
        pod_spec(pod, "Always");
    }
}

fn job_spec(spec: &mut Map<String, Value>) {
    for (field, value) in [
        ("parallelism", json!(1)),
        ("completions", json!(1)),
        ("backoffLimit", json!(6)),
        ("completionMode", json!("NonIndexed")),
        ("suspend", json!(false)),
        ("manualSelector", json!(false)),
    ] {
        spec.entry(field).or_insert(value);
    }
    if let Some(pod) = spec.get_mut("template").and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut)
    {
        pod_spec(pod, "");
    }
}

/// Pod spec defaults; `restart_policy` empty leaves it unset (a Job's template must choose).
fn pod_spec(spec: &mut Map<String, Value>, restart_policy: &str) {
    if !restart_policy.is_empty() {
        spec.entry("restartPolicy").or_insert(json!(restart_policy));
    }
    for (field, value) in [
        ("dnsPolicy", json!("ClusterFirst")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("schedulerName", json!("default-scheduler")),
        ("securityContext", json!({})),
    ] {
        spec.entry(field).or_insert(value);
    }
    for list in ["containers", "initContainers"] {
        let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else { continue };
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            let image = container.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
            let policy = if image_is_latest(&image) { "Always" } else { "IfNotPresent" };
            for (field, value) in [
                ("imagePullPolicy", json!(policy)),
                ("terminationMessagePath", json!("/dev/termination-log")),
                ("terminationMessagePolicy", json!("File")),
                ("resources", json!({})),
            ] {
                container.entry(field).or_insert(value);
            }
            if let Some(ports) = container.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    port.entry("protocol").or_insert(json!("TCP"));
                }
            }
        }
    }
}

/// kube defaults `imagePullPolicy` to Always for `:latest` or untagged images.
fn image_is_latest(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

fn service(object: &mut Map<String, Value>) {
    let uid = object
        .get("metadata")
        .and_then(|m| m.get("uid"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let spec = child(object, "spec");
    let kind = spec.get("type").and_then(Value::as_str).unwrap_or("ClusterIP").to_string();
    spec.entry("type").or_insert(json!("ClusterIP"));
    spec.entry("sessionAffinity").or_insert(json!("None"));
    if kind == "ExternalName" {
        return;
    }
    spec.entry("internalTrafficPolicy").or_insert(json!("Cluster"));
    spec.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
    spec.entry("ipFamilies").or_insert(json!(["IPv4"]));
    let has_ip = spec.get("clusterIP").and_then(Value::as_str).is_some_and(|ip| !ip.is_empty());
    if !has_ip && !uid.is_empty() {
        // The sandbox has no IP allocator: a stable address from the Service's uid, in kube's
        // default service range 10.96.0.0/12.
        let n = hash(&uid);
        let ip = format!("10.{}.{}.{}", 96 + (n >> 16) % 16, (n >> 8) % 256, 1 + n % 254);
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(ip) = spec.get("clusterIP").cloned() {
        spec.entry("clusterIPs").or_insert_with(|| json!([ip]));
    }
    let node_ports = matches!(kind.as_str(), "NodePort" | "LoadBalancer");
    if node_ports && !uid.is_empty() {
        spec.entry("externalTrafficPolicy").or_insert(json!("Cluster"));
    }
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for (i, port) in ports.iter_mut().filter_map(Value::as_object_mut).enumerate() {
            port.entry("protocol").or_insert(json!("TCP"));
            if let Some(number) = port.get("port").cloned() {
                port.entry("targetPort").or_insert(number);
            }
            if node_ports && !uid.is_empty() {
                let n = hash(&format!("{uid}/{i}"));
                port.entry("nodePort").or_insert(json!(30000 + n % 2768));
            }
        }
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// `stringData` is write-only: kube-apiserver merges it into `data`, base64-encoded.
fn secret(object: &mut Map<String, Value>) {
    object.entry("type").or_insert(json!("Opaque"));
    let Some(Value::Object(strings)) = object.remove("stringData") else { return };
    let data = child(object, "data");
    for (key, value) in strings {
        if let Some(text) = value.as_str() {
            data.insert(key, json!(base64::engine::general_purpose::STANDARD.encode(text)));
        }
    }
}

/// The validation kube-apiserver's strategies add to the schema's, for the common cases.
/// `old` is the live object on update.
pub fn validate(
    resource: &Resource,
    object: &Map<String, Value>,
    old: Option<&Map<String, Value>>,
) -> Vec<FieldError> {
    if resource.custom.is_some() {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let spec = object.get("spec").and_then(Value::as_object);
    match (resource.group.as_str(), resource.kind.as_str()) {
        ("", "Pod") => pod(spec, "spec", &mut errors),
        ("", "Service") => {
            let kind = spec.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("ClusterIP");
            let headless = spec.and_then(|s| s.get("clusterIP")).and_then(Value::as_str) == Some("None");
            let ports = spec.and_then(|s| s.get("ports")).and_then(Value::as_array);
            if kind != "ExternalName" && !headless && ports.is_none_or(Vec::is_empty) {
                errors.push(FieldError::required("spec.ports", ""));
            }
            for (i, port) in ports.into_iter().flatten().enumerate() {
                let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
                if !(1..=65535).contains(&number) {
                    errors.push(FieldError::invalid(
                        format!("spec.ports[{i}].port"),
                        number,
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            }
        }
        ("", "ConfigMap") | ("", "Secret") => {
            for field in ["data", "binaryData"] {
                for key in object.get(field).and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
                    let valid = !key.is_empty()
                        && key.len() <= 253
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        && key != "."
                        && key != ".."
                        && !key.starts_with("..");
                    if !valid {
                        errors.push(FieldError::invalid(
                            format!("{field}[{key}]"),
                            key.as_str(),
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                        ));
                    }
                }
            }
        }
        ("apps", kind @ ("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")) => {
            workload_spec(kind, spec, &mut errors);
            if let Some(old) = old {
                let before = old.get("spec").and_then(|s| s.get("selector"));
                let after = spec.and_then(|s| s.get("selector"));
                if before != after {
                    errors.push(FieldError::invalid(
                        "spec.selector",
                        after.cloned().unwrap_or(Value::Null).to_string(),
                        "field is immutable",
                    ));
                }
            }
        }
        ("batch", "Job") => job(spec, "spec", &mut errors),
        ("batch", "CronJob") => {
            if spec.and_then(|s| s.get("schedule")).and_then(Value::as_str).is_none_or(str::is_empty) {
                errors.push(FieldError::required("spec.schedule", ""));
            }
            let job_spec = spec
                .and_then(|s| s.get("jobTemplate"))
                .and_then(|t| t.get("spec"))
                .and_then(Value::as_object);
            job(job_spec, "spec.jobTemplate.spec", &mut errors);
        }
        _ => {}
    }
    errors
}

fn workload_spec(kind: &str, spec: Option<&Map<String, Value>>, errors: &mut Vec<FieldError>) {
    if let Some(replicas) = spec.and_then(|s| s.get("replicas")).and_then(Value::as_i64)
        && replicas < 0
    {
        errors.push(FieldError::invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
    }
    let selector = spec.and_then(|s| s.get("selector"));
    let template = spec.and_then(|s| s.get("template"));
    match selector.filter(|s| !s.is_null()) {
        None => errors.push(FieldError::required("spec.selector", "")),
        Some(selector) => match concord_apimachinery::labels::from_label_selector_json(selector) {
            Ok(parsed) if parsed.is_empty() => errors.push(FieldError::invalid(
                "spec.selector",
                selector.to_string(),
                format!("empty selector is invalid for {}", kind.to_lowercase()),
            )),
            Ok(parsed) => {
                let empty = Map::new();
                let labels = template
                    .and_then(|t| t.get("metadata"))
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object)
                    .unwrap_or(&empty);
                if !parsed.matches(labels) {
                    errors.push(FieldError::invalid(
                        "spec.template.metadata.labels",
                        Value::Object(labels.clone()).to_string(),
                        "`selector` does not match template `labels`",
                    ));
                }
            }
            Err(e) => errors.push(FieldError::invalid("spec.selector", selector.to_string(), e.to_string())),
        },
    }
    let pod_spec = template.and_then(|t| t.get("spec")).and_then(Value::as_object);
    pod(pod_spec, "spec.template.spec", errors);
}

fn job(spec: Option<&Map<String, Value>>, path: &str, errors: &mut Vec<FieldError>) {
    let pod_spec =
        spec.and_then(|s| s.get("template")).and_then(|t| t.get("spec")).and_then(Value::as_object);
    pod(pod_spec, &format!("{path}.template.spec"), errors);
    let policy = pod_spec.and_then(|p| p.get("restartPolicy")).and_then(Value::as_str).unwrap_or_default();
    if !matches!(policy, "OnFailure" | "Never") {
        errors.push(if policy.is_empty() {
            FieldError::required(
                format!("{path}.template.spec.restartPolicy"),
                "valid values: \"OnFailure\", \"Never\"",
            )
        } else {
            FieldError::not_supported(
                format!("{path}.template.spec.restartPolicy"),
                policy,
                &["OnFailure", "Never"],
            )
        });
    }
}

fn pod(spec: Option<&Map<String, Value>>, path: &str, errors: &mut Vec<FieldError>) {
    let containers = spec.and_then(|s| s.get("containers")).and_then(Value::as_array);
    if containers.is_none_or(Vec::is_empty) {
        errors.push(FieldError::required(format!("{path}.containers"), ""));
        return;
    }
    let mut names = Vec::new();
    for (i, container) in containers.into_iter().flatten().enumerate() {
        let name = container.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.is_empty() {
            errors.push(FieldError::required(format!("{path}.containers[{i}].name"), ""));
        } else if names.contains(&name) {
            errors.push(FieldError::duplicate(format!("{path}.containers[{i}].name"), name));
        }
        names.push(name);
        if container.get("image").and_then(Value::as_str).is_none_or(str::is_empty) {
            errors.push(FieldError::required(format!("{path}.containers[{i}].image"), ""));
        }
    }
}
