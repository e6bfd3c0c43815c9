//! Label sets and label selectors in the text form kube prints them (`labels.Set.String`,
//! `metav1.LabelSelectorAsSelector(...).String()`).

use crate::fields::Obj;

/// `labels.FormatLabels`: `k=v` pairs sorted as whole strings, comma-joined; `<none>` if empty.
pub(crate) fn format_labels(map: Obj<'_>) -> String {
    let mut pairs: Vec<String> = map.entries().map(|(k, v)| format!("{k}={}", v.str())).collect();
    if pairs.is_empty() {
        return "<none>".to_owned();
    }
    pairs.sort_unstable();
    pairs.join(",")
}

/// `metav1.LabelSelectorAsSelector(selector).String()`: `Ok("")` for a missing or empty
/// selector, `Err(())` for one kube would refuse (bad key, value or operator).
pub(crate) fn selector_string(selector: Obj<'_>) -> Result<String, ()> {
    let mut requirements: Vec<(&str, String)> = Vec::new();
    for (key, value) in selector.get("matchLabels").entries() {
        let value = value.str();
        if !valid_key(key) || !valid_value(value) {
            return Err(());
        }
        requirements.push((key, format!("{key}={value}")));
    }
    for expr in selector.get("matchExpressions").items() {
        let key = expr.get("key").str();
        let mut values: Vec<&str> = expr.get("values").items().map(Obj::str).collect();
        if !valid_key(key) || !values.iter().all(|v| valid_value(v)) {
            return Err(());
        }
        values.sort_unstable();
        let text = match (expr.get("operator").str(), values.len()) {
            ("In", 1..) => format!("{key} in ({})", values.join(",")),
            ("NotIn", 1..) => format!("{key} notin ({})", values.join(",")),
            ("Exists", 0) => key.to_owned(),
            ("DoesNotExist", 0) => format!("!{key}"),
            _ => return Err(()),
        };
        requirements.push((key, text));
    }
    requirements.sort_by(|a, b| a.0.cmp(b.0));
    Ok(requirements.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(","))
}

/// `metav1.FormatLabelSelector`: the selector, `<none>` when it selects by nothing, `<error>`
/// when kube cannot parse it.
pub(crate) fn format_label_selector(selector: Obj<'_>) -> String {
    match selector_string(selector) {
        Ok(s) if s.is_empty() => "<none>".to_owned(),
        Ok(s) => s,
        Err(()) => "<error>".to_owned(),
    }
}

/// A qualified name (`[prefix/]name`), the form of label keys.
fn valid_key(key: &str) -> bool {
    match key.split_once('/') {
        None => valid_name(key),
        Some((prefix, name)) => valid_dns_subdomain(prefix) && valid_name(name),
    }
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters.
fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            b.len() <= 63
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn valid_value(value: &str) -> bool {
    value.is_empty() || valid_name(value)
}

/// A lowercase RFC 1123 subdomain of at most 253 characters.
fn valid_dns_subdomain(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            match (b.first(), b.last()) {
                (Some(first), Some(last)) => {
                    is_lower_alnum(*first)
                        && is_lower_alnum(*last)
                        && b.iter().all(|c| is_lower_alnum(*c) || *c == b'-')
                }
                _ => false,
            }
        })
}

fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_sets_sort_as_whole_pairs() {
        let v = json!({"a": "2", "a-b": "1", "z": ""});
        assert_eq!(format_labels(Obj::new(&v)), "a-b=1,a=2,z=");
        assert_eq!(format_labels(Obj::new(&json!({}))), "<none>");
    }

    #[test]
    fn selectors_sort_by_key_and_values() {
        let v = json!({
            "matchLabels": {"tier": "web", "app": "shop"},
            "matchExpressions": [
                {"key": "env", "operator": "NotIn", "values": ["qa", "dev"]},
                {"key": "example.com/canary", "operator": "DoesNotExist"},
                {"key": "b", "operator": "Exists"}
            ]
        });
        assert_eq!(
            format_label_selector(Obj::new(&v)),
            "app=shop,b,env notin (dev,qa),!example.com/canary,tier=web"
        );
    }

    #[test]
    fn invalid_selectors() {
        for bad in [
            json!({"matchLabels": {"bad key": "x"}}),
            json!({"matchLabels": {"k": "-x"}}),
            json!({"matchExpressions": [{"key": "k", "operator": "In", "values": []}]}),
            json!({"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["x"]}]}),
            json!({"matchExpressions": [{"key": "k", "operator": "Gt", "values": ["1"]}]}),
            json!({"matchExpressions": [{"key": "Example.com/k", "operator": "Exists"}]}),
            json!({"matchExpressions": [{"key": "a/b/c", "operator": "Exists"}]}),
        ] {
            assert_eq!(format_label_selector(Obj::new(&bad)), "<error>", "{bad}");
        }
        assert_eq!(format_label_selector(Obj(None)), "<none>");
        assert_eq!(format_label_selector(Obj::new(&json!({}))), "<none>");
    }
}
