//! Core kinds other than Pod.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{AGE, NAME, age_cell, int_cell, is_deleting, name, or, printer, str_cell, text, wide};
use crate::descriptions as d;
use crate::fields::Obj;
use crate::labels::format_labels;

printer!(
    pub(crate) NAMESPACE,
    [NAME, text("Status", "The status of the namespace"), AGE],
    |o, now| {
        // kube-apiserver stores every namespace with a phase, Active unless deleting.
        vec![
            name(o),
            or(o.at("status.phase").str(), "Active"),
            age_cell(o, now),
        ]
    },
);

printer!(
    pub(crate) SERVICE,
    [
        NAME,
        text("Type", d::SERVICE_SPEC_TYPE),
        text("Cluster-IP", d::SERVICE_SPEC_CLUSTER_IP),
        text("External-IP", d::SERVICE_SPEC_EXTERNAL_IPS),
        text("Port(s)", d::SERVICE_SPEC_PORTS),
        AGE,
        wide("Selector", d::SERVICE_SPEC_SELECTOR),
    ],
    |o, now| {
        let spec = o.get("spec");
        let type_ = match spec.get("type").str() {
            "" => "ClusterIP",
            t => t,
        };
        // `clusterIPs` mirrors `clusterIP` on every stored Service.
        let cluster_ip = spec
            .get("clusterIPs")
            .items()
            .next()
            .map_or_else(|| spec.get("clusterIP").str(), Obj::str);
        let ports: Vec<String> = spec
            .get("ports")
            .items()
            .map(|p| {
                let protocol = match p.get("protocol").str() {
                    "" => "TCP",
                    protocol => protocol,
                };
                match p.get("nodePort").int() {
                    node_port if node_port > 0 => {
                        format!("{}:{node_port}/{protocol}", p.get("port").int())
                    }
                    _ => format!("{}/{protocol}", p.get("port").int()),
                }
            })
            .collect();
        vec![
            name(o),
            str_cell(type_),
            or(cluster_ip, "<none>"),
            str_cell(external_ip(type_, o)),
            or(&ports.join(","), "<none>"),
            age_cell(o, now),
            str_cell(format_labels(spec.get("selector"))),
        ]
    },
);

/// `getServiceExternalIP` (wide, so load-balancer addresses are not shortened).
fn external_ip(type_: &str, service: Obj<'_>) -> String {
    let external_ips: Vec<&str> = service.at("spec.externalIPs").items().map(Obj::str).collect();
    match type_ {
        "ClusterIP" | "NodePort" if external_ips.is_empty() => "<none>".to_owned(),
        "ClusterIP" | "NodePort" => external_ips.join(","),
        "LoadBalancer" => {
            let ingress = load_balancer_addresses(service.at("status.loadBalancer.ingress"));
            let mut all: Vec<&str> = ingress.iter().map(String::as_str).collect();
            all.extend(&external_ips);
            if all.is_empty() { "<pending>".to_owned() } else { all.join(",") }
        }
        "ExternalName" => service.at("spec.externalName").str().to_owned(),
        _ => "<unknown>".to_owned(),
    }
}

/// The IP, else hostname, of each load-balancer ingress point: sorted and without repeats, as
/// kube's `loadBalancerStatusStringer` collects them.
pub(super) fn load_balancer_addresses(ingress: Obj<'_>) -> Vec<String> {
    let set: BTreeSet<String> = ingress
        .items()
        .filter_map(|i| {
            [i.get("ip").str(), i.get("hostname").str()]
                .into_iter()
                .find(|s| !s.is_empty())
                .map(str::to_owned)
        })
        .collect();
    set.into_iter().collect()
}

printer!(
    pub(crate) ENDPOINTS,
    [NAME, text("Endpoints", d::ENDPOINTS_SUBSETS), AGE],
    |o, now| vec![name(o), str_cell(format_endpoints(o.get("subsets"))), age_cell(o, now)],
);

/// `formatEndpoints`: up to three `ip:port` (or bare IPs for subsets without ports), then
/// ` + N more...`.
fn format_endpoints(subsets: Obj<'_>) -> String {
    const MAX: usize = 3;
    if subsets.len() == 0 {
        return "<none>".to_owned();
    }
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for subset in subsets.items() {
        let addresses = subset.get("addresses");
        let ports = subset.get("ports");
        // Headless services may have no ports: each address counts once.
        let port_numbers: Vec<Option<i64>> = if ports.len() == 0 {
            vec![None]
        } else {
            ports.items().map(|p| Some(p.get("port").int())).collect()
        };
        for port in port_numbers {
            count += addresses.len();
            for address in addresses.items() {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                let ip = address.get("ip").str();
                list.push(match port {
                    None => ip.to_owned(),
                    Some(port) if ip.contains(':') => format!("[{ip}]:{port}"),
                    Some(port) => format!("{ip}:{port}"),
                });
            }
        }
    }
    let joined = list.join(",");
    if more { format!("{joined} + {} more...", count - MAX) } else { joined }
}

printer!(
    pub(crate) CONFIG_MAP,
    [NAME, text("Data", d::CONFIG_MAP_DATA), AGE],
    |o, now| {
        let count = o.get("data").map_len() + o.get("binaryData").map_len();
        vec![name(o), int_cell(count as i64), age_cell(o, now)]
    },
);

printer!(
    pub(crate) SECRET,
    [
        NAME,
        text("Type", d::SECRET_TYPE),
        text("Data", d::SECRET_DATA),
        AGE,
    ],
    |o, now| {
        // Reading a Secret, kube merges `stringData` into `data`.
        let mut keys: BTreeSet<&str> = o.get("data").entries().map(|(k, _)| k).collect();
        keys.extend(o.get("stringData").entries().map(|(k, _)| k));
        vec![
            name(o),
            or(o.get("type").str(), "Opaque"),
            int_cell(keys.len() as i64),
            age_cell(o, now),
        ]
    },
);

printer!(
    pub(crate) SERVICE_ACCOUNT,
    [NAME, text("Secrets", d::SERVICE_ACCOUNT_SECRETS), AGE],
    |o, now| vec![name(o), int_cell(o.get("secrets").len() as i64), age_cell(o, now)],
);

printer!(
    pub(crate) NODE,
    [
        NAME,
        text("Status", "The status of the node"),
        text("Roles", "The roles of the node"),
        AGE,
        text("Version", d::NODE_SYSTEM_INFO_KUBELET_VERSION),
        wide("Internal-IP", d::NODE_STATUS_ADDRESSES),
        wide("External-IP", d::NODE_STATUS_ADDRESSES),
        wide("OS-Image", d::NODE_SYSTEM_INFO_OS_IMAGE),
        wide("Kernel-Version", d::NODE_SYSTEM_INFO_KERNEL_VERSION),
        wide("Container-Runtime", d::NODE_SYSTEM_INFO_CONTAINER_RUNTIME_VERSION),
    ],
    |o, now| {
        let status = o.get("status");
        // Go keeps the last condition of each type.
        let ready = status
            .get("conditions")
            .items()
            .rev()
            .find(|c| c.get("type").str() == "Ready");
        let mut states: Vec<&str> = vec![match ready {
            Some(c) if c.get("status").str() == "True" => "Ready",
            Some(_) => "NotReady",
            None => "Unknown",
        }];
        if o.at("spec.unschedulable").bool() {
            states.push("SchedulingDisabled");
        }
        let info = status.get("nodeInfo");
        vec![
            name(o),
            str_cell(states.join(",")),
            or(&node_roles(o.at("metadata.labels")).join(","), "<none>"),
            age_cell(o, now),
            str_cell(info.get("kubeletVersion").str()),
            or(node_address(status, "InternalIP"), "<none>"),
            or(node_address(status, "ExternalIP"), "<none>"),
            or(info.get("osImage").str(), "<unknown>"),
            or(info.get("kernelVersion").str(), "<unknown>"),
            or(info.get("containerRuntimeVersion").str(), "<unknown>"),
        ]
    },
);

fn node_address<'a>(status: Obj<'a>, type_: &str) -> &'a str {
    status
        .get("addresses")
        .items()
        .find(|a| a.get("type").str() == type_)
        .map_or("", |a| a.get("address").str())
}

/// Roles from `node-role.kubernetes.io/<role>` label keys and the value of a
/// `kubernetes.io/role` label, sorted and without repeats.
fn node_roles(labels: Obj<'_>) -> Vec<&str> {
    let roles: BTreeSet<&str> = labels
        .entries()
        .filter_map(|(key, value)| match key.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => Some(role),
            None if key == "kubernetes.io/role" => Some(value.str()),
            None => None,
        })
        .filter(|role| !role.is_empty())
        .collect();
    roles.into_iter().collect()
}

/// `GetAccessModesAsString`: the short names in a fixed order, each once.
fn access_modes(modes: Obj<'_>) -> String {
    let present: Vec<&str> = modes.items().map(Obj::str).collect();
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .into_iter()
    .filter(|(mode, _)| present.contains(mode))
    .map(|(_, short)| short)
    .collect::<Vec<_>>()
    .join(",")
}

/// A `resource.Quantity` cell: the stored text (kube-apiserver stores quantities in canonical
/// form), `0` when absent.
fn quantity(q: Obj<'_>) -> Value {
    match q.0 {
        Some(Value::String(s)) => str_cell(s.as_str()),
        Some(Value::Number(n)) => str_cell(n.to_string()),
        _ => str_cell("0"),
    }
}

/// The beta storage class annotation, which wins over `storageClassName`.
const BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

fn storage_class<'a>(o: Obj<'a>) -> &'a str {
    o.at("metadata.annotations")
        .get(BETA_STORAGE_CLASS)
        .opt_str()
        .unwrap_or_else(|| o.at("spec.storageClassName").str())
}

printer!(
    pub(crate) PERSISTENT_VOLUME,
    [
        NAME,
        text("Capacity", d::PV_SPEC_CAPACITY),
        text("Access Modes", d::PV_SPEC_ACCESS_MODES),
        text("Reclaim Policy", d::PV_SPEC_RECLAIM_POLICY),
        text("Status", d::PV_STATUS_PHASE),
        text("Claim", d::PV_SPEC_CLAIM_REF),
        text("StorageClass", "StorageClass of the pv"),
        text("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        text("Reason", d::PV_STATUS_REASON),
        AGE,
        wide("VolumeMode", d::PV_SPEC_VOLUME_MODE),
    ],
    |o, now| {
        let spec = o.get("spec");
        let claim_ref = spec.get("claimRef");
        let claim = if claim_ref.is_set() {
            format!(
                "{}/{}",
                claim_ref.get("namespace").str(),
                claim_ref.get("name").str()
            )
        } else {
            String::new()
        };
        let phase = if is_deleting(o) {
            "Terminating"
        } else {
            match o.at("status.phase").str() {
                "" => "Pending",
                phase => phase,
            }
        };
        vec![
            name(o),
            quantity(spec.at("capacity.storage")),
            str_cell(access_modes(spec.get("accessModes"))),
            or(spec.get("persistentVolumeReclaimPolicy").str(), "Retain"),
            str_cell(phase),
            str_cell(claim),
            str_cell(storage_class(o)),
            str_cell(spec.get("volumeAttributesClassName").opt_str().unwrap_or("<unset>")),
            str_cell(o.at("status.reason").str()),
            age_cell(o, now),
            str_cell(spec.get("volumeMode").opt_str().unwrap_or("Filesystem")),
        ]
    },
);

printer!(
    pub(crate) PERSISTENT_VOLUME_CLAIM,
    [
        NAME,
        text("Status", d::PVC_STATUS_PHASE),
        text("Volume", d::PVC_SPEC_VOLUME_NAME),
        text("Capacity", d::PVC_STATUS_CAPACITY),
        text("Access Modes", d::PVC_STATUS_ACCESS_MODES),
        text("StorageClass", "StorageClass of the pvc"),
        text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        AGE,
        wide("VolumeMode", d::PVC_SPEC_VOLUME_MODE),
    ],
    |o, now| {
        let spec = o.get("spec");
        let status = o.get("status");
        let phase = if is_deleting(o) {
            "Terminating"
        } else {
            match status.get("phase").str() {
                "" => "Pending",
                phase => phase,
            }
        };
        let volume = spec.get("volumeName").str();
        // Capacity and access modes are the bound volume's, shown once bound.
        let (capacity, modes) = if volume.is_empty() {
            (str_cell(""), String::new())
        } else {
            (
                quantity(status.at("capacity.storage")),
                access_modes(status.get("accessModes")),
            )
        };
        vec![
            name(o),
            str_cell(phase),
            str_cell(volume),
            capacity,
            str_cell(modes),
            str_cell(storage_class(o)),
            str_cell(spec.get("volumeAttributesClassName").opt_str().unwrap_or("<unset>")),
            age_cell(o, now),
            str_cell(spec.get("volumeMode").opt_str().unwrap_or("Filesystem")),
        ]
    },
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_list_three_then_count() {
        let subsets = json!([
            {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}, {"port": 443}]},
            {"addresses": [{"ip": "fd00::1"}]}
        ]);
        assert_eq!(format_endpoints(Obj::new(&subsets)), "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...");
        let v6 = json!([{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 53}]}]);
        assert_eq!(format_endpoints(Obj::new(&v6)), "[fd00::1]:53");
        let headless = json!([{"addresses": [{"ip": "10.0.0.9"}]}]);
        assert_eq!(format_endpoints(Obj::new(&headless)), "10.0.0.9");
        assert_eq!(format_endpoints(Obj::new(&json!([]))), "<none>");
        assert_eq!(format_endpoints(Obj::new(&json!([{}]))), "");
    }

    #[test]
    fn roles_from_both_label_forms() {
        let labels = json!({
            "node-role.kubernetes.io/control-plane": "",
            "node-role.kubernetes.io/": "ignored",
            "kubernetes.io/role": "master",
            "node-role.kubernetes.io/master": "",
        });
        assert_eq!(node_roles(Obj::new(&labels)), ["control-plane", "master"]);
    }
}
