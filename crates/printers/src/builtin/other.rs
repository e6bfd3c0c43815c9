//! Events, Ingress, RBAC bindings and Leases.

use serde_json::Value;

use super::core::load_balancer_addresses;
use super::{AGE, NAME, age_cell, column, name, printer, str_cell, text, wide};
use crate::descriptions as d;
use crate::fields::Obj;
use crate::time::{Instant, age};

const EVENT_COLUMNS: [crate::Column; 10] = [
    text("Last Seen", d::EVENT_LAST_TIMESTAMP),
    text("Type", d::EVENT_TYPE),
    text("Reason", d::EVENT_REASON),
    text("Object", d::EVENT_INVOLVED_OBJECT),
    wide("Subobject", d::OBJECT_REFERENCE_FIELD_PATH),
    wide("Source", d::EVENT_SOURCE),
    text("Message", d::EVENT_MESSAGE),
    wide("First Seen", d::EVENT_FIRST_TIMESTAMP),
    wide("Count", d::EVENT_COUNT),
    column("Name", "string", "name", d::OBJECT_META_NAME, 1),
];

/// Where an Event version keeps the fields of the internal Event that kube prints.
struct EventFields {
    involved_object: &'static str,
    message: &'static str,
    source: &'static str,
    first_timestamp: &'static str,
    last_timestamp: &'static str,
    count: &'static str,
}

const CORE_EVENT: EventFields = EventFields {
    involved_object: "involvedObject",
    message: "message",
    source: "source",
    first_timestamp: "firstTimestamp",
    last_timestamp: "lastTimestamp",
    count: "count",
};

/// `events.k8s.io/v1` names; kube-apiserver serves both versions from one internal Event.
const EVENTS_V1: EventFields = EventFields {
    involved_object: "regarding",
    message: "note",
    source: "deprecatedSource",
    first_timestamp: "deprecatedFirstTimestamp",
    last_timestamp: "deprecatedLastTimestamp",
    count: "deprecatedCount",
};

printer!(pub(crate) EVENT, EVENT_COLUMNS, |o, now| event_cells(o, now, &CORE_EVENT));

printer!(pub(crate) EVENTS_V1_EVENT, EVENT_COLUMNS, |o, now| {
    event_cells(o, now, &EVENTS_V1)
});

fn event_cells(o: Obj<'_>, now: Instant, f: &EventFields) -> Vec<Value> {
    let first = o.get(f.first_timestamp).time();
    let first_seen = if first.is_zero() { age(o.get("eventTime").time(), now) } else { age(first, now) };
    let last = o.get(f.last_timestamp).time();
    let mut last_seen = if last.is_zero() { first_seen.clone() } else { age(last, now) };
    let series = o.get("series");
    let count = if series.is_set() {
        last_seen = age(series.get("lastObservedTime").time(), now);
        series.get("count").int()
    } else {
        // Singleton events of the new API have no count.
        match o.get(f.count).int() {
            0 => 1,
            count => count,
        }
    };
    let involved = o.get(f.involved_object);
    let kind = involved.get("kind").str().to_lowercase();
    let target = match involved.get("name").str() {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let source = o.get(f.source);
    let component = first_non_empty(source.get("component").str(), o.get("reportingController").str());
    let instance = first_non_empty(source.get("host").str(), o.get("reportingInstance").str());
    let source = if instance.is_empty() { component.to_owned() } else { format!("{component}, {instance}") };
    vec![
        str_cell(last_seen),
        str_cell(o.get("type").str()),
        str_cell(o.get("reason").str()),
        str_cell(target),
        str_cell(involved.get("fieldPath").str()),
        str_cell(source),
        str_cell(o.get(f.message).str().trim()),
        str_cell(first_seen),
        Value::from(count),
        name(o),
    ]
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

printer!(
    pub(crate) INGRESS,
    [
        NAME,
        text(
            "Class",
            "The name of the IngressClass resource that should be used for additional configuration",
        ),
        text(
            "Hosts",
            "Hosts that incoming requests are matched against before the ingress rule",
        ),
        text(
            "Address",
            "Address is a list containing ingress points for the load-balancer",
        ),
        text("Ports", "Ports of TLS configurations that open"),
        AGE,
    ],
    |o, now| {
        let spec = o.get("spec");
        let addresses = load_balancer_addresses(o.at("status.loadBalancer.ingress"));
        let ports = if spec.get("tls").len() == 0 { "80" } else { "80, 443" };
        vec![
            name(o),
            str_cell(spec.get("ingressClassName").opt_str().unwrap_or("<none>")),
            str_cell(format_hosts(spec.get("rules"))),
            str_cell(addresses.join(",")),
            str_cell(ports),
            age_cell(o, now),
        ]
    },
);

/// `formatHosts`: the first three rules' hosts (empty hosts skipped), `*` when none, and
/// ` + N more...` counting every rule past the third.
fn format_hosts(rules: Obj<'_>) -> String {
    const MAX: usize = 3;
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules.items() {
        if hosts.len() == MAX {
            more = true;
        }
        let host = rule.get("host").str();
        if !more && !host.is_empty() {
            hosts.push(host);
        }
    }
    if hosts.is_empty() {
        return "*".to_owned();
    }
    let joined = hosts.join(",");
    if more { format!("{joined} + {} more...", rules.len() - MAX) } else { joined }
}

/// The columns of RoleBinding and ClusterRoleBinding, which differ only in descriptions.
macro_rules! binding_columns {
    ($role_ref:expr, $what:literal) => {
        [
            NAME,
            text("Role", $role_ref),
            AGE,
            wide("Users", concat!("Users in the ", $what)),
            wide("Groups", concat!("Groups in the ", $what)),
            wide("ServiceAccounts", concat!("ServiceAccounts in the ", $what)),
        ]
    };
}

printer!(
    pub(crate) ROLE_BINDING,
    binding_columns!(d::RBAC_V1BETA1_ROLE_BINDING_ROLE_REF, "roleBinding"),
    binding_cells,
);

printer!(
    pub(crate) CLUSTER_ROLE_BINDING,
    binding_columns!(
        d::RBAC_V1BETA1_CLUSTER_ROLE_BINDING_ROLE_REF,
        "clusterRoleBinding"
    ),
    binding_cells,
);

fn binding_cells(o: Obj<'_>, now: Instant) -> Vec<Value> {
    let role_ref = o.get("roleRef");
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut service_accounts = Vec::new();
    for subject in o.get("subjects").items() {
        let subject_name = subject.get("name").str();
        match subject.get("kind").str() {
            "User" => users.push(subject_name.to_owned()),
            "Group" => groups.push(subject_name.to_owned()),
            "ServiceAccount" => {
                service_accounts.push(format!("{}/{subject_name}", subject.get("namespace").str()))
            }
            _ => {}
        }
    }
    vec![
        name(o),
        str_cell(format!("{}/{}", role_ref.get("kind").str(), role_ref.get("name").str())),
        age_cell(o, now),
        str_cell(users.join(", ")),
        str_cell(groups.join(", ")),
        str_cell(service_accounts.join(", ")),
    ]
}

printer!(
    pub(crate) LEASE,
    [NAME, text("Holder", d::LEASE_SPEC_HOLDER_IDENTITY), AGE],
    |o, now| {
        vec![
            name(o),
            str_cell(o.at("spec.holderIdentity").str()),
            age_cell(o, now),
        ]
    },
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hosts_like_kube() {
        let rules = |hosts: &[&str]| json!(hosts.iter().map(|h| json!({"host": h})).collect::<Vec<_>>());
        assert_eq!(format_hosts(Obj::new(&json!([]))), "*");
        assert_eq!(format_hosts(Obj::new(&rules(&["", ""]))), "*");
        assert_eq!(format_hosts(Obj::new(&rules(&["a", "", "b"]))), "a,b");
        assert_eq!(format_hosts(Obj::new(&rules(&["a", "b", "c", "d", "e"]))), "a,b,c + 2 more...");
        // Empty hosts do not take a place, and still count in the remainder.
        assert_eq!(format_hosts(Obj::new(&rules(&["", "a", "b", "c", "d"]))), "a,b,c + 2 more...");
    }
}
