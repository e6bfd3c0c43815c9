//! Label selectors against kube's own cases (`pkg/labels/selector_test.go`) and the exact error
//! texts kube-apiserver answers with.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::labels::{LabelSelector, Operator, Requirement, from_label_selector_json};
use serde_json::{Map, Value, json};

fn set(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn parse(s: &str) -> LabelSelector {
    LabelSelector::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

fn error(s: &str) -> String {
    match LabelSelector::parse(s) {
        Ok(selector) => panic!("{s:?} should not parse, got {selector}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn good_strings_print_back_without_spaces() {
    for s in ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"] {
        assert_eq!(parse(s).to_string(), s.replace(' ', ""), "{s:?}");
    }
}

#[test]
fn bad_strings_fail() {
    for s in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
        error(s);
    }
}

#[test]
fn parse_is_deterministic() {
    assert_eq!(parse("x=a,a=x").to_string(), parse("a=x,x=a").to_string());
    assert_eq!(parse("x=a,a=x").to_string(), "a=x,x=a");
}

#[test]
fn matching_table() {
    let cases: &[(&str, Value, bool)] = &[
        ("", json!({"x": "y"}), true),
        ("x=y", json!({"x": "y"}), true),
        ("x=y,z=w", json!({"x": "y", "z": "w"}), true),
        ("x!=y,z!=w", json!({"x": "z", "z": "a"}), true),
        ("notin=in", json!({"notin": "in"}), true),
        ("x", json!({"x": "z"}), true),
        ("!x", json!({"y": "z"}), true),
        ("x>1", json!({"x": "2"}), true),
        ("x<1", json!({"x": "0"}), true),
        ("x=z", json!({}), false),
        ("x=y", json!({"x": "z"}), false),
        ("x=y,z=w", json!({"x": "w", "z": "w"}), false),
        ("x!=y,z!=w", json!({"x": "z", "z": "w"}), false),
        ("x", json!({"y": "z"}), false),
        ("!x", json!({"x": "z"}), false),
        ("x>1", json!({"x": "0"}), false),
        ("x<1", json!({"x": "2"}), false),
        ("foo=bar,baz=blah", json!({"foo": "bar", "baz": "blah"}), true),
        ("foo=bar,foobar=bar,baz=blah", json!({"foo": "bar", "baz": "blah"}), false),
        ("x in (foo),y notin (alpha)", json!({"x": "foo", "y": "baz"}), true),
        ("x in (foo),y in (alpha)", json!({"x": "foo", "y": "baz"}), false),
        ("x notin (),y", json!({"y": ""}), true),
        ("!x,y", json!({"y": ""}), true),
        ("x notin (),!y", json!({"y": ""}), false),
        ("x in ()", json!({"y": "baz"}), false),
        ("x in ()", json!({"x": ""}), true),
        ("z>1", json!({"z": "v2"}), false),
        ("z>1,z<3", json!({"z": "2"}), true),
        ("z>1", json!({"z": "+2"}), true),
        ("x==y", json!({"x": "y"}), true),
        ("x!=y", json!({}), true),
        ("x notin (a)", json!({}), true),
        ("env in (prod,staging),tier", json!({"env": "staging", "tier": "db"}), true),
    ];
    for (selector, labels, want) in cases {
        assert_eq!(parse(selector).matches(&set(labels.clone())), *want, "{selector:?} on {labels}");
    }
}

#[test]
fn selector_parser_table() {
    let cases: &[(&str, &str)] = &[
        ("\rx", "x"),
        ("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
        ),
        ("foo  in\t (abc)", "foo in (abc)"),
        ("x notin\n (abc)", "x notin (abc)"),
        ("x  notin\t\t\t(abc,def)", "x notin (abc,def)"),
        ("x in (abc,def)", "x in (abc,def)"),
        ("x in (abc,)", "x in (,abc)"),
        ("x in ()", "x in ()"),
        ("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
        ("x,y in (a)", "x,y in (a)"),
        ("x=a", "x=a"),
        ("x>1", "x>1"),
        ("x<7", "x<7"),
        ("x=a,y!=b", "x=a,y!=b"),
        ("x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"),
        ("x=a||y=b", ""),
        ("x,,y", ""),
        (",x,y", ""),
        ("x nott in (y)", ""),
        ("x notin ( )", "x notin ()"),
        ("x notin (, a)", "x notin (,a)"),
        ("a in (xyz),", ""),
        ("a in (xyz)b notin ()", ""),
        ("a ", "a"),
        ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
        ("a in (xyz abc)", ""),
        ("a notin(", ""),
        ("a (", ""),
        ("(", ""),
        ("in in (in)", "in in (in)"),
        ("x in (b,a,a)", "x in (a,b)"),
    ];
    for (input, printed) in cases {
        match LabelSelector::parse(input) {
            Ok(selector) => assert_eq!(selector.to_string(), *printed, "{input:?}"),
            Err(e) => assert!(printed.is_empty(), "{input:?} should parse to {printed:?}: {e}"),
        }
    }
}

#[test]
fn syntax_error_texts() {
    let cases: &[(&str, &str)] = &[
        ("x=a y=b", "found 'y', expected: ',' or 'end of string'"),
        (
            "x=a||y=b",
            "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
        ("x,,y", "found ',', expected: identifier after ','"),
        ("x,", "found '', expected: identifier after ','"),
        (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        (
            "x nott in (y)",
            "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a in (x,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("a in x", "unable to parse requirement: found 'x' expected: '('"),
        ("x===y", "unable to parse requirement: found '=', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
    ];
    for (input, want) in cases {
        assert_eq!(error(input), *want, "{input:?}");
    }
}

#[test]
fn invalid_key_and_value_texts() {
    assert_eq!(
        error("app:monolith"),
        "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    );
    assert_eq!(
        error("a/b/c ?=? def"),
        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    );
    assert_eq!(
        error("app.kubernetes_io/name=x"),
        "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    assert_eq!(
        error("env=a$b"),
        "unable to parse requirement: values[0][env]: Invalid value: \"a$b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
    assert_eq!(
        error("x<a"),
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
    );
    let long = "v".repeat(64);
    assert_eq!(
        error(&format!("k={long}")),
        format!(
            "unable to parse requirement: values[0][k]: Invalid value: \"{long}\": must be no more than 63 characters"
        )
    );
    // Two problems with one value are one message each, in kube's aggregate form.
    assert_eq!(
        error("x>a_"),
        "unable to parse requirement: [values[0]: Invalid value: \"a_\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: \"a_\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]"
    );
}

#[test]
fn nul_byte_ends_a_token_like_kube() {
    // kube's lexer reads a NUL byte as the end of input wherever a token starts.
    assert!(parse("\0x=a").is_empty());
    assert_eq!(parse("a\0").to_string(), "a");
    assert_eq!(
        error("a\0b"),
        "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
    );
}

#[test]
fn requirement_constructor() {
    let ok = |key: &str, op, values: &[&str]| {
        Requirement::new(key, op, values.iter().map(|s| s.to_string()).collect())
    };
    assert!(ok("x", Operator::In, &[]).is_err());
    assert!(ok("x", Operator::NotIn, &[]).is_err());
    assert!(ok("x", Operator::In, &["foo"]).is_ok());
    assert!(ok("x", Operator::NotIn, &["foo"]).is_ok());
    assert!(ok("x", Operator::Exists, &[]).is_ok());
    assert!(ok("x", Operator::DoesNotExist, &[]).is_ok());
    assert!(ok("1foo", Operator::In, &["bar"]).is_ok());
    assert!(ok("1234", Operator::In, &["bar"]).is_ok());
    assert!(ok("y", Operator::GreaterThan, &["1"]).is_ok());
    assert!(ok("z", Operator::LessThan, &["6"]).is_ok());
    assert!(ok("foo", Operator::GreaterThan, &["bar"]).is_err());
    assert!(ok("barz", Operator::LessThan, &["blah"]).is_err());
    assert!(ok(&"a".repeat(254), Operator::Exists, &[]).is_err());
    assert_eq!(
        ok("x", Operator::Equals, &["a", "b"]).unwrap_err().to_string(),
        "values: Invalid value: [\"a\",\"b\"]: exact-match compatibility requires one single value"
    );
    let r = ok("x", Operator::In, &["b", "a"]).unwrap();
    assert_eq!(
        (r.key(), r.operator(), r.values()),
        ("x", Operator::In, &["b".to_string(), "a".to_string()][..])
    );
    assert_eq!(r.to_string(), "x in (a,b)");
}

#[test]
fn everything_and_nothing() {
    let labels = set(json!({"x": "y"}));
    assert!(LabelSelector::everything().matches(&labels));
    assert!(LabelSelector::everything().is_empty());
    assert!(!LabelSelector::nothing().matches(&labels));
    assert!(!LabelSelector::nothing().is_empty());
    assert_eq!(LabelSelector::nothing().to_string(), "");
    // A label that is not a string (impossible in a stored object) counts as absent.
    assert!(parse("!x").matches(&set(json!({"x": 1}))));
}

#[test]
fn label_selector_objects() {
    let selector = from_label_selector_json(&json!({
        "matchLabels": {"app": "web", "tier": "front"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "staging"]},
            {"key": "canary", "operator": "DoesNotExist"},
            {"key": "zone", "operator": "NotIn", "values": ["b"]},
            {"key": "team", "operator": "Exists"}
        ]
    }))
    .unwrap();
    assert_eq!(selector.to_string(), "app=web,!canary,env in (prod,staging),team,tier=front,zone notin (b)");
    assert!(selector.matches(&set(json!({"app": "web", "tier": "front", "env": "prod", "team": "a"}))));
    assert!(
        !selector
            .matches(&set(json!({"app": "web", "tier": "front", "env": "prod", "team": "a", "canary": "1"})))
    );
    assert!(!selector.matches(&set(json!({"app": "web", "tier": "front", "env": "dev", "team": "a"}))));

    assert!(from_label_selector_json(&json!({})).unwrap().is_empty());
    assert!(
        from_label_selector_json(&json!({"matchLabels": {}, "matchExpressions": []})).unwrap().is_empty()
    );
    let nothing = from_label_selector_json(&Value::Null).unwrap();
    assert!(!nothing.matches(&set(json!({}))));

    let err = |v: Value| from_label_selector_json(&v).unwrap_err().to_string();
    assert_eq!(
        err(json!({"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]})),
        "\"Equals\" is not a valid label selector operator"
    );
    assert_eq!(
        err(json!({"matchExpressions": [{"key": "a", "operator": "In"}]})),
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
    );
    assert_eq!(
        err(json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})),
        "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist"
    );
    assert!(
        err(json!({"matchLabels": {"bad key": "x"}}))
            .starts_with("key: Invalid value: \"bad key\": name part must consist")
    );
    assert!(
        err(json!({"matchLabels": {"k": "bad value"}}))
            .starts_with("values[0][k]: Invalid value: \"bad value\"")
    );
    assert!(from_label_selector_json(&json!("app=web")).is_err());
}
