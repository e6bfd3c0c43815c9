//! Identity: every call to the cluster is made as the person using Concord. With the sandbox's
//! static tokens and RBAC: sign-in with a token (sealed session cookie), bearer headers for
//! scripts, impersonation behind an authenticating proxy; a read-only user's edit is refused by
//! the cluster and writes nothing; a permitted user's write is recorded under `concord:<user>`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use concord_server::auth::{Auth, ProxyHeaders, Sessions};
use serde_json::{Value, json};

/// A namespace `team` with a ConfigMap; alice may edit there (the bootstrap `edit` role), bob
/// may only read (`view`), carol may do nothing.
const TEAM: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team}
data: {mode: fast}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-edits, namespace: team}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-views, namespace: team}
subjects: [{kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
"#;

const SETTINGS: &str = "clusters/sandbox/objects/core/v1/configmaps/settings?namespace=team";

/// The settings as `headers` read them, and the edit adding `key` to them.
async fn edit_settings(h: &Harness, headers: &[(&str, &str)], key: &str) -> (u16, Value) {
    let (status, base) = h.get(SETTINGS, headers).await;
    assert_eq!(status, 200, "{base}");
    let mut mine = base.clone();
    mine["data"][key] = json!("on");
    let mut request = h.http.post(format!("{}/api/v1/edit", h.url)).header("x-concord-csrf", "1");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    h.send(request.json(&json!({"base": base, "mine": mine}))).await
}

fn managers(object: &Value) -> Vec<String> {
    object["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["manager"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_sign_in_acts_as_the_token_holder() {
    let h = Harness::with_tokens(Auth::Token(Sessions::ephemeral())).await;
    h.apply(TEAM).await;

    // Nobody signed in: nothing but the session endpoint answers.
    let (status, answer) = h.get("clusters", &[]).await;
    assert_eq!((status, answer["outcome"].as_str()), (401, Some("unauthorized")), "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("POST /api/v1/session"), "{answer}");
    let (status, answer) = h.get("session", &[]).await;
    assert_eq!((status, &answer["mode"], &answer["signedIn"]), (200, &json!("token"), &json!(false)));

    // Signing in is a mutating request (no login CSRF), and the cluster checks the token.
    let sign_in = |token: &str, csrf: bool| {
        let mut request = h.http.post(format!("{}/api/v1/session", h.url)).json(&json!({"token": token}));
        if csrf {
            request = request.header("x-concord-csrf", "1");
        }
        request.send()
    };
    assert_eq!(sign_in("alice-token", false).await.unwrap().status(), 403);
    let refused = sign_in("forged-token", true).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    let signed = sign_in("alice-token", true).await.unwrap();
    assert_eq!(signed.status(), 200);
    let set_cookie = signed.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("alice-token"), "the token is sealed: {set_cookie}");
    let body: Value = signed.json().await.unwrap();
    assert_eq!(body, json!({"signedIn": true, "user": "alice"}));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let alice = [("cookie", cookie.as_str())];

    let (status, session) = h.get("session", &alice).await;
    assert_eq!((status, &session["user"]), (200, &json!("alice")), "{session}");
    let (_, clusters) = h.get("clusters", &alice).await;
    assert_eq!(clusters["clusters"][0]["user"], "alice", "{clusters}");

    // alice's edit is hers: written, and recorded under her name.
    let (status, answer) = edit_settings(&h, &alice, "alice").await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("applied")), "{answer}");
    assert!(managers(&answer["object"]).contains(&"concord:alice".to_owned()), "{answer}");

    // bob, a script with a bearer header, may read but not write: the cluster's 403, and
    // nothing written.
    let bob = [("authorization", "Bearer bob-token")];
    let (_, before) = h.get(SETTINGS, &bob).await;
    let (status, answer) = edit_settings(&h, &bob, "bob").await;
    assert_eq!((status, answer["outcome"].as_str()), (403, Some("forbidden")), "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains(r#"User "bob" cannot patch resource "configmaps""#),
        "{answer}"
    );
    let (_, after) = h.get(SETTINGS, &bob).await;
    assert_eq!(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
    assert!(after["data"].get("bob").is_none());

    // carol may not even read; nor may she follow the objects live.
    let carol = [("authorization", "Bearer carol-token")];
    let (status, answer) = h.get(SETTINGS, &carol).await;
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = h.get("clusters/sandbox/watch/core/v1/configmaps?namespace=team", &carol).await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["message"], "carol may not list and watch configmaps in namespace team");

    // Signing out clears the cookie.
    let out = h
        .http
        .delete(format!("{}/api/v1/session", h.url))
        .header("x-concord-csrf", "1")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));

    // A session sealed with another key is no session.
    let other = Harness::with_tokens(Auth::Token(Sessions::ephemeral())).await;
    let (status, _) = other.get("clusters", &alice).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_key_shared_by_replicas_opens_sessions_on_each() {
    let key = [42u8; 32];
    let first = Harness::with_tokens(Auth::Token(Sessions::new(&key).unwrap())).await;
    let second = Harness::with_tokens(Auth::Token(Sessions::new(&key).unwrap())).await;
    let signed = first
        .http
        .post(format!("{}/api/v1/session", first.url))
        .header("x-concord-csrf", "1")
        .json(&json!({"token": "alice-token"}))
        .send()
        .await
        .unwrap();
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (status, session) = second.get("session", &[("cookie", &cookie)]).await;
    assert_eq!((status, &session["user"]), (200, &json!("alice")), "{session}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_the_named_user_is_impersonated() {
    let trusted = vec!["127.0.0.0/8".parse().unwrap()];
    let proxy = ProxyHeaders::new("X-Remote-User", "X-Remote-Group", trusted).unwrap();
    let h = Harness::with_tokens(Auth::Proxy(proxy)).await;
    h.apply(TEAM).await;

    let alice = [("x-remote-user", "alice"), ("x-remote-group", "dev")];
    let (status, answer) = edit_settings(&h, &alice, "alice").await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("applied")), "{answer}");
    assert!(managers(&answer["object"]).contains(&"concord:alice".to_owned()), "{answer}");
    assert!(!managers(&answer["object"]).iter().any(|m| m.contains("admin")), "{answer}");

    let bob = [("x-remote-user", "bob")];
    let (status, answer) = edit_settings(&h, &bob, "bob").await;
    assert_eq!(status, 403, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains(r#"User "bob" cannot patch"#), "{answer}");

    // No user header: no identity (never the server's own).
    let (status, answer) = h.get(SETTINGS, &[]).await;
    assert_eq!(status, 401, "{answer}");
    // Sessions belong to --auth token.
    let (status, _) = h.post("session", &json!({"token": "alice-token"})).await;
    assert_eq!(status, 409);

    // A server that trusts another network refuses the same headers from here.
    let elsewhere =
        ProxyHeaders::new("X-Remote-User", "X-Remote-Group", vec!["10.0.0.0/8".parse().unwrap()]).unwrap();
    let strict = Harness::with_tokens(Auth::Proxy(elsewhere)).await;
    let (status, answer) = strict.get(SETTINGS, &alice).await;
    assert_eq!(status, 403, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("127.0.0.1 is not one"), "{answer}");
}
