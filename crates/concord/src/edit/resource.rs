//! Which kind a `<kind>` argument names, resolved the way kubectl resolves it: by kind, plural
//! or short name, case-insensitively, optionally qualified by group (`deployments.apps`) or by
//! version and group (`deployments.v1.apps`), over what the cluster's discovery serves
//! ([`concord_server::Cluster::discover`]).

use concord_server::cluster::ServedKind;

/// The kind `wanted` names among `served` (in discovery order: the core group first). Preferred
/// versions win over others, full names (kind, plural) over short names, and earlier groups
/// over later ones, as in kubectl. Subresources (`deployments/scale`) are never named.
pub fn find<'s>(served: &'s [ServedKind], wanted: &str) -> Option<&'s ServedKind> {
    let wanted = wanted.to_lowercase();
    let (name, qualifier) = match wanted.split_once('.') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (wanted.as_str(), None),
    };
    let qualified = |s: &ServedKind| match qualifier {
        None => true,
        Some(q) => q == s.group || q == format!("{}.{}", s.version, s.group),
    };
    let full_name = |s: &&ServedKind| {
        (s.resource.to_lowercase() == name || s.singular == name || s.kind.to_lowercase() == name)
            && qualified(s)
    };
    let short_name = |s: &&ServedKind| s.short_names.iter().any(|n| n.to_lowercase() == name) && qualified(s);
    let in_order = || {
        let top_level = || served.iter().filter(|s| !s.resource.contains('/'));
        top_level().filter(|s| s.preferred).chain(top_level().filter(|s| !s.preferred))
    };
    in_order().find(full_name).or_else(|| in_order().find(short_name))
}

/// `group/version`, or the version alone for the core group.
pub fn api_version(served: &ServedKind) -> String {
    if served.group.is_empty() {
        served.version.clone()
    } else {
        format!("{}/{}", served.group, served.version)
    }
}

/// How kubectl names an object of the kind in messages: `deployment.apps/web`, `configmap/x`.
pub fn title(served: &ServedKind, name: &str) -> String {
    let kind = served.kind.to_lowercase();
    if served.group.is_empty() { format!("{kind}/{name}") } else { format!("{kind}.{}/{name}", served.group) }
}

/// The kind's qualified plural (`deployments.apps`), as kubectl names it in errors.
pub fn qualified_plural(served: &ServedKind) -> String {
    if served.group.is_empty() {
        served.resource.clone()
    } else {
        format!("{}.{}", served.resource, served.group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(
        group_version: &str,
        preferred: bool,
        kind: &str,
        resource: &str,
        short: &[&str],
    ) -> ServedKind {
        let (group, version) = group_version.split_once('/').unwrap_or(("", group_version));
        ServedKind {
            group: group.into(),
            version: version.into(),
            preferred,
            kind: kind.into(),
            resource: resource.into(),
            singular: kind.to_lowercase(),
            namespaced: true,
            verbs: vec![],
            short_names: short.iter().map(|s| (*s).to_owned()).collect(),
            categories: vec![],
            subresources: vec![],
        }
    }

    fn cluster() -> Vec<ServedKind> {
        vec![
            served("v1", true, "ConfigMap", "configmaps", &["cm"]),
            served("v1", true, "Event", "events", &["ev"]),
            served("v1", true, "Pod", "pods", &["po"]),
            served("apps/v1", true, "Deployment", "deployments", &["deploy"]),
            served("apps/v1", true, "Scale", "deployments/scale", &[]),
            served("events.k8s.io/v1", true, "Event", "events", &["ev"]),
            served("demo.concord.dev/v1beta1", false, "Widget", "widgets", &[]),
            served("demo.concord.dev/v1", true, "Widget", "widgets", &[]),
            // A short name that is another kind's name loses to that name.
            served("example.com/v1", true, "Pizza", "pizzas", &["pods"]),
        ]
    }

    fn found(wanted: &str) -> Option<String> {
        find(&cluster(), wanted).map(|s| format!("{}/{}", api_version(s), s.kind))
    }

    #[test]
    fn names_resolve_like_kubectl() {
        for name in ["deploy", "deployment", "deployments", "Deployment", "DEPLOY", "deployments.apps"] {
            assert_eq!(found(name).as_deref(), Some("apps/v1/Deployment"), "{name}");
        }
        assert_eq!(found("deployments.v1.apps").as_deref(), Some("apps/v1/Deployment"));
        assert_eq!(found("cm").as_deref(), Some("v1/ConfigMap"));
        assert_eq!(found("pods").as_deref(), Some("v1/Pod"));
        assert_eq!(found("po").as_deref(), Some("v1/Pod"));
        // The core group comes first; a group qualifier picks another.
        assert_eq!(found("events").as_deref(), Some("v1/Event"));
        assert_eq!(found("ev").as_deref(), Some("v1/Event"));
        assert_eq!(found("events.events.k8s.io").as_deref(), Some("events.k8s.io/v1/Event"));
        // The preferred version wins; a version picks another.
        assert_eq!(found("widgets.demo.concord.dev").as_deref(), Some("demo.concord.dev/v1/Widget"));
        assert_eq!(found("widget").as_deref(), Some("demo.concord.dev/v1/Widget"));
        assert_eq!(
            found("widgets.v1beta1.demo.concord.dev").as_deref(),
            Some("demo.concord.dev/v1beta1/Widget")
        );
        for unknown in ["frobs", "deployments.batch", "deploy.apps.v1", "", "widgets.concord.dev", "scale"] {
            assert_eq!(found(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn objects_and_kinds_are_named_with_their_group() {
        let cluster = cluster();
        assert_eq!(title(&cluster[0], "x"), "configmap/x");
        assert_eq!(title(&cluster[3], "web"), "deployment.apps/web");
        assert_eq!(qualified_plural(&cluster[3]), "deployments.apps");
        assert_eq!(qualified_plural(&cluster[0]), "configmaps");
    }
}
