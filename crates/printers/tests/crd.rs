//! Custom resource tables from `additionalPrinterColumns`, as the apiextensions-apiserver's
//! table convertor builds them with client-go JSONPath.

mod common;

use common::now;
use concord_printers::{PrinterError, for_crd_columns};
use serde_json::{Value, json};

fn certificate() -> Value {
    json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "web-tls", "namespace": "default", "creationTimestamp": "2025-05-29T10:00:00Z",
                     "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"secretName": "web-tls", "dnsNames": ["example.com", "www.example.com"],
                 "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"},
                 "replicas": 3, "ratio": 0.75, "big": 1234567.0, "paused": false,
                 "nothing": null},
        "status": {"conditions": [
            {"type": "Issuing", "status": "False"},
            {"type": "Ready", "status": "True", "message": "Certificate is up to date and has not expired",
             "lastTransitionTime": "2025-06-01T11:55:00Z"}
        ], "notAfter": "2025-08-30T10:00:00Z"}
    })
}

fn column(name: &str, type_: &str, path: &str) -> Value {
    json!({"name": name, "type": type_, "jsonPath": path})
}

#[test]
fn cert_manager_like_columns() {
    let columns = [
        json!({"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"}),
        json!({"name": "Secret", "type": "string", "jsonPath": ".spec.secretName"}),
        json!({"name": "Issuer", "type": "string", "jsonPath": ".spec.issuerRef.name", "priority": 1}),
        json!({"name": "Status", "type": "string", "priority": 1,
               "jsonPath": ".status.conditions[?(@.type==\"Ready\")].message"}),
        json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
               "description": "CreationTimestamp is a timestamp representing the server time when this object was created."}),
    ];
    let printer = for_crd_columns(&columns).expect("valid columns");
    let definitions: Vec<Value> = printer.columns().iter().map(|c| c.to_json()).collect();
    assert_eq!(definitions[0]["name"], "Name");
    assert_eq!(definitions[0]["format"], "name");
    assert_eq!(
        definitions[1],
        json!({"name": "Ready", "type": "string", "format": "", "priority": 0,
               "description": "Custom resource definition column (in JSONPath format): .status.conditions[?(@.type==\"Ready\")].status"})
    );
    assert_eq!(definitions[3]["priority"], 1);
    assert_eq!(
        definitions[5]["description"],
        "CreationTimestamp is a timestamp representing the server time when this object was created."
    );
    assert_eq!(
        printer.cells(&certificate(), now()),
        [
            json!("web-tls"),
            json!("True"),
            json!("web-tls"),
            json!("letsencrypt"),
            json!("Certificate is up to date and has not expired"),
            json!("3d2h")
        ]
    );
}

#[test]
fn no_columns_means_name_and_age() {
    let printer = for_crd_columns(&[]).expect("no columns");
    let definitions: Vec<Value> = printer.columns().iter().map(|c| c.to_json()).collect();
    assert_eq!(definitions.len(), 2);
    assert_eq!(definitions[1]["name"], "Age");
    assert_eq!(definitions[1]["type"], "date");
    assert!(definitions[1]["description"].as_str().unwrap_or("").starts_with("CreationTimestamp"));
    assert_eq!(printer.cells(&certificate(), now()), [json!("web-tls"), json!("3d2h")]);
    // The path finds nothing in an object without a timestamp: an empty cell, not an age.
    assert_eq!(printer.cells(&json!({}), now()), [json!(""), Value::Null]);
    let zero = json!({"metadata": {"creationTimestamp": "0001-01-01T00:00:00Z"}});
    assert_eq!(printer.cells(&zero, now())[1], "<unknown>");
}

#[test]
fn typed_cells() {
    let columns = [
        column("Replicas", "integer", ".spec.replicas"),
        column("Ratio as integer", "integer", ".spec.ratio"),
        column("Ratio", "number", ".spec.ratio"),
        column("Replicas as number", "number", ".spec.replicas"),
        column("Paused", "boolean", ".spec.paused"),
        column("Not a bool", "boolean", ".spec.replicas"),
        column("Expires", "date", ".status.notAfter"),
        column("Transitioned", "date", ".status.conditions[1].lastTransitionTime"),
        column("Bad date", "date", ".spec.secretName"),
        column("Number as date", "date", ".spec.replicas"),
        column("Missing", "string", ".spec.missing.deeper"),
        column("Null", "string", ".spec.nothing"),
        column("Null integer", "integer", ".spec.nothing"),
        column("Big", "string", ".spec.big"),
        column("Replicas as text", "string", ".spec.replicas"),
        column("Names", "string", ".spec.dnsNames"),
        column("Issuer", "string", ".spec.issuerRef"),
        column("First name", "string", ".spec.dnsNames[*]"),
        column("Last name", "string", ".spec.dnsNames[-1]"),
        column("Out of range", "string", ".spec.dnsNames[5]"),
        column("Label", "string", r".metadata.labels.app\.kubernetes\.io/name"),
    ];
    let printer = for_crd_columns(&columns).expect("valid columns");
    let cells = printer.cells(&certificate(), now());
    let by_name: Vec<(String, Value)> =
        printer.columns().iter().map(|c| c.name.to_string()).zip(cells).skip(1).collect();
    assert_eq!(
        by_name,
        [
            ("Replicas", json!(3)),
            ("Ratio as integer", json!(0)),
            ("Ratio", json!(0.75)),
            ("Replicas as number", json!(3)),
            ("Paused", json!(false)),
            ("Not a bool", Value::Null),
            // A future date is less than -1s away: kube says <invalid>.
            ("Expires", json!("<invalid>")),
            ("Transitioned", json!("5m")),
            ("Bad date", json!("<invalid>")),
            ("Number as date", Value::Null),
            ("Missing", Value::Null),
            ("Null", json!("<no value>")),
            ("Null integer", Value::Null),
            ("Big", json!("1.234567e+06")),
            ("Replicas as text", json!("3")),
            ("Names", json!("[\"example.com\",\"www.example.com\"]")),
            ("Issuer", json!("{\"kind\":\"ClusterIssuer\",\"name\":\"letsencrypt\"}")),
            ("First name", json!("example.com")),
            ("Last name", json!("www.example.com")),
            ("Out of range", Value::Null),
            ("Label", json!("web")),
        ]
        .map(|(n, v)| (n.to_owned(), v))
    );
}

#[test]
fn filter_expressions() {
    let pods_like = json!({
        "metadata": {"name": "x"},
        "status": {"conditions": [
            {"type": "Ready", "status": "False", "reason": "Booting", "priority": 2},
            {"type": "Synced", "status": "True", "priority": 5},
            {"type": "Degraded", "priority": "high"}
        ]}
    });
    let cells = |path: &str| {
        let printer = for_crd_columns(&[column("C", "string", path)]).expect("parses");
        printer.cells(&pods_like, now())[1].clone()
    };
    assert_eq!(cells(".status.conditions[?(@.type=='Synced')].status"), "True");
    assert_eq!(cells(".status.conditions[?(@.type!=\"Ready\")].type"), "Synced");
    assert_eq!(cells(".status.conditions[?(@.reason)].type"), "Ready");
    assert_eq!(cells(".status.conditions[?(@.status=='Unknown')].type"), Value::Null);
    // The third condition's priority is a string: comparing it with a number fails the path.
    assert_eq!(cells(".status.conditions[?(@.priority>3)].type"), Value::Null);
    // Filters apply to arrays: the items a slice yields are not filtered.
    assert_eq!(cells(".status.conditions[0:2][?(@.priority>3)].type"), Value::Null);
    let numeric =
        json!({"items": [{"n": 2, "name": "two"}, {"n": 5, "name": "five"}, {"n": 2.5, "name": "float"}]});
    let find = |path: &str| {
        let printer = for_crd_columns(&[column("C", "string", path)]).expect("parses");
        printer.cells(&numeric, now())[1].clone()
    };
    assert_eq!(find(".items[0:2][?(@.n)]"), Value::Null);
    assert_eq!(find(".items[?(@.name>='l')].name"), "two");
    assert_eq!(find(".items[?(@.name<'g')].name"), "five");
    // 2.5 is a float: comparing it with the integer literal fails the whole path.
    assert_eq!(find(".items[?(@.n>=5)].name"), Value::Null);
    assert_eq!(find(".items[?(@.n==2.5)].name"), Value::Null);
    assert_eq!(cells(".status.conditions[?(@.priority)].priority"), "2");
    assert_eq!(cells("..reason"), "Booting");
    assert_eq!(cells(".status.conditions[1,0].type"), "Synced");
    assert_eq!(cells(".metadata.name"), "x");
}

#[test]
fn invalid_columns_are_refused() {
    let error =
        for_crd_columns(&[column("Ok", "string", ".spec.a"), column("Bad", "string", ".spec.a[")]).err();
    assert!(
        matches!(&error, Some(PrinterError::InvalidJsonPath { index: 1, path, .. }) if path == ".spec.a["),
        "{error:?}"
    );
    for (index, bad) in [
        json!({"type": "string", "jsonPath": ".a"}),
        json!("not an object"),
        json!({"name": "x", "type": "string", "jsonPath": ".a", "priority": "high"}),
    ]
    .into_iter()
    .enumerate()
    {
        let error = for_crd_columns(std::slice::from_ref(&bad)).err();
        assert!(matches!(error, Some(PrinterError::InvalidColumn { index: 0, .. })), "{index}: {error:?}");
    }
}
