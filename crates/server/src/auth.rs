//! Who a request acts as. Concord never acts with more than the person using it may do:
//!
//! - [`Auth::Kubeconfig`]: local use; the kubeconfig's user, like `kubectl proxy`.
//! - [`Auth::Token`]: each browser signs in with a Kubernetes bearer token, which is kept in an
//!   encrypted, HttpOnly, SameSite=Strict session cookie (scripts may send the token as an
//!   `Authorization: Bearer` header instead). The server never stores it.
//! - [`Auth::Proxy`]: behind an authenticating proxy, whose headers name the user and groups;
//!   Concord impersonates them. Only requests from the proxy's addresses are believed.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use cookie::{Cookie, CookieJar, Key, SameSite};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "concord_session";

/// How long a session lasts after sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// The shortest session key accepted, in bytes.
pub const MIN_KEY_LEN: usize = 32;

/// How the server learns who a request is from.
pub enum Auth {
    /// Every request acts as the kubeconfig context's user.
    Kubeconfig,
    /// Each session signs in with its own bearer token.
    Token(Sessions),
    /// An authenticating proxy in front names the user.
    Proxy(ProxyHeaders),
}

/// Why a request has no identity.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Nobody is signed in.
    #[error(
        "sign in first: POST /api/v1/session with a Kubernetes bearer token (or send it as an Authorization: Bearer header)"
    )]
    NotSignedIn,
    /// The session cookie has expired.
    #[error("the session has expired; sign in again")]
    Expired,
    /// A proxy header arrived from an address that is not a trusted proxy.
    #[error("requests must come through the authenticating proxy ({0} is not one)")]
    UntrustedPeer(String),
    /// The proxy sent no user.
    #[error("the authenticating proxy named no user (header {0})")]
    NoProxyUser(String),
    /// The configuration is unusable.
    #[error("{0}")]
    Config(String),
}

/// Who a request acts as.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    /// The kubeconfig context's own user.
    Kubeconfig,
    /// The holder of a bearer token; `user` is known when it came from a session.
    Token {
        /// The token.
        token: String,
        /// The user name the token belongs to, from sign-in.
        user: Option<String>,
    },
    /// A user named by the authenticating proxy.
    Impersonated {
        /// The user name.
        user: String,
        /// The user's groups.
        groups: Vec<String>,
    },
}

impl std::fmt::Debug for Caller {
    /// Never shows a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Kubeconfig => f.write_str("Kubeconfig"),
            Caller::Token { user, .. } => f.debug_struct("Token").field("user", user).finish_non_exhaustive(),
            Caller::Impersonated { user, groups } => {
                f.debug_struct("Impersonated").field("user", user).field("groups", groups).finish()
            }
        }
    }
}

impl Auth {
    /// The mode's name, as `--auth` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Auth::Kubeconfig => "kubeconfig",
            Auth::Token(_) => "token",
            Auth::Proxy(_) => "proxy",
        }
    }

    /// Who the request with these headers, from `peer`, acts as.
    pub fn caller(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Result<Caller, AuthError> {
        match self {
            Auth::Kubeconfig => Ok(Caller::Kubeconfig),
            Auth::Token(sessions) => {
                if let Some(token) = bearer(headers) {
                    return Ok(Caller::Token { token, user: None });
                }
                let session = sessions.open(headers).ok_or(AuthError::NotSignedIn)?;
                if session.expires <= now() {
                    return Err(AuthError::Expired);
                }
                Ok(Caller::Token { token: session.token, user: Some(session.user) })
            }
            Auth::Proxy(proxy) => proxy.caller(headers, peer),
        }
    }
}

/// The `Authorization: Bearer` token of a request, if it has one.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// What a session cookie holds, encrypted and authenticated with the session key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    #[serde(rename = "t")]
    token: String,
    #[serde(rename = "u")]
    user: String,
    #[serde(rename = "e")]
    expires: u64,
}

/// Session cookies: sealed (AES-256-GCM) with a key every replica shares, so any replica can
/// open a session another one began and the server keeps no session state.
pub struct Sessions {
    key: Key,
}

impl Sessions {
    /// Sessions sealed with a key derived from `secret` (at least [`MIN_KEY_LEN`] bytes).
    pub fn new(secret: &[u8]) -> Result<Sessions, AuthError> {
        if secret.len() < MIN_KEY_LEN {
            return Err(AuthError::Config(format!(
                "the session key has {} bytes; it needs at least {MIN_KEY_LEN} (e.g. `head -c 32 /dev/urandom | base64`)",
                secret.len()
            )));
        }
        Ok(Sessions { key: Key::derive_from(secret) })
    }

    /// Sessions sealed with a random key: they end when the process does, and work on this
    /// replica only.
    pub fn ephemeral() -> Sessions {
        Sessions { key: Key::generate() }
    }

    /// The `Set-Cookie` value that begins a session of `user` holding `token`.
    pub fn begin(&self, token: &str, user: &str) -> Result<HeaderValue, AuthError> {
        let session = Session {
            token: token.to_owned(),
            user: user.to_owned(),
            expires: now() + SESSION_TTL.as_secs(),
        };
        let value = serde_json::to_string(&session).map_err(|e| AuthError::Config(e.to_string()))?;
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(Cookie::new(SESSION_COOKIE, value));
        let sealed = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
        let cookie = Cookie::build((SESSION_COOKIE, sealed))
            .http_only(true)
            .secure(true)
            .same_site(SameSite::Strict)
            .path("/")
            .max_age(cookie::time::Duration::seconds(SESSION_TTL.as_secs().try_into().unwrap_or(i64::MAX)))
            .build();
        HeaderValue::from_str(&cookie.to_string()).map_err(|e| AuthError::Config(e.to_string()))
    }

    /// The `Set-Cookie` value that ends a session.
    pub fn end() -> HeaderValue {
        let cookie = Cookie::build((SESSION_COOKIE, ""))
            .http_only(true)
            .secure(true)
            .same_site(SameSite::Strict)
            .path("/")
            .max_age(cookie::time::Duration::ZERO)
            .build();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The session of a request's cookie, if it has a valid one.
    fn open(&self, headers: &HeaderMap) -> Option<Session> {
        let mut jar = CookieJar::new();
        for value in headers.get_all(header::COOKIE) {
            for cookie in Cookie::split_parse(value.to_str().ok()?.to_owned()).flatten() {
                if cookie.name() == SESSION_COOKIE {
                    jar.add_original(cookie);
                }
            }
        }
        let opened = jar.private(&self.key).get(SESSION_COOKIE)?;
        serde_json::from_str(opened.value()).ok()
    }
}

/// The headers an authenticating proxy names the user in, and the addresses it calls from.
pub struct ProxyHeaders {
    user: HeaderName,
    groups: HeaderName,
    trusted: Vec<IpNet>,
}

impl ProxyHeaders {
    /// Users named in `user` (one value), groups in `groups` (repeated, or comma-separated),
    /// believed only from addresses in `trusted`.
    pub fn new(user: &str, groups: &str, trusted: Vec<IpNet>) -> Result<ProxyHeaders, AuthError> {
        let name = |n: &str| {
            HeaderName::try_from(n).map_err(|e| AuthError::Config(format!("header name {n:?}: {e}")))
        };
        Ok(ProxyHeaders { user: name(user)?, groups: name(groups)?, trusted })
    }

    fn caller(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Result<Caller, AuthError> {
        let peer = peer.ok_or_else(|| AuthError::UntrustedPeer("an unknown address".into()))?;
        if !self.trusted.iter().any(|net| net.contains(&peer)) {
            return Err(AuthError::UntrustedPeer(peer.to_string()));
        }
        let user = headers
            .get(&self.user)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| AuthError::NoProxyUser(self.user.to_string()))?;
        let groups = headers
            .get_all(&self.groups)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(Caller::Impersonated { user: user.to_owned(), groups })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn with_cookie(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {pair}")).unwrap());
        headers
    }

    #[test]
    fn a_session_opens_with_its_key_only() {
        let sessions = Sessions::new(&[7; 32]).unwrap();
        let set = sessions.begin("secret-token", "alice").unwrap();
        let text = set.to_str().unwrap();
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/", "Max-Age=43200"] {
            assert!(text.contains(attribute), "{text}");
        }
        assert!(!text.contains("secret-token") && !text.contains("alice"), "sealed: {text}");
        let auth = Auth::Token(sessions);
        let caller = auth.caller(&with_cookie(&set), None).unwrap();
        assert_eq!(caller, Caller::Token { token: "secret-token".into(), user: Some("alice".into()) });
        assert!(!format!("{caller:?}").contains("secret-token"));
        // Another replica with the same key opens it; one with another key does not.
        let same = Auth::Token(Sessions::new(&[7; 32]).unwrap());
        assert!(same.caller(&with_cookie(&set), None).is_ok());
        let other = Auth::Token(Sessions::new(&[8; 32]).unwrap());
        assert!(matches!(other.caller(&with_cookie(&set), None), Err(AuthError::NotSignedIn)));
    }

    #[test]
    fn a_tampered_or_short_key_or_missing_cookie_is_refused() {
        assert!(matches!(Sessions::new(&[1; 31]), Err(AuthError::Config(_))));
        let sessions = Sessions::ephemeral();
        let set = sessions.begin("t", "bob").unwrap();
        let auth = Auth::Token(sessions);
        let mut headers = with_cookie(&set);
        let tampered = headers[header::COOKIE].to_str().unwrap().replacen("session=", "session=A", 1);
        headers.insert(header::COOKIE, HeaderValue::from_str(&tampered).unwrap());
        assert!(matches!(auth.caller(&headers, None), Err(AuthError::NotSignedIn)));
        assert!(matches!(auth.caller(&HeaderMap::new(), None), Err(AuthError::NotSignedIn)));
    }

    #[test]
    fn a_bearer_header_is_a_caller_in_token_mode() {
        let auth = Auth::Token(Sessions::ephemeral());
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(auth.caller(&headers, None).unwrap(), Caller::Token { token: "abc".into(), user: None });
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(auth.caller(&headers, None).is_err());
    }

    #[test]
    fn proxy_headers_are_believed_from_trusted_addresses_only() {
        let proxy = ProxyHeaders::new("x-remote-user", "x-remote-group", vec!["10.0.0.0/8".parse().unwrap()])
            .unwrap();
        let auth = Auth::Proxy(proxy);
        let mut headers = HeaderMap::new();
        headers.insert("x-remote-user", HeaderValue::from_static("carol"));
        headers.append("x-remote-group", HeaderValue::from_static("dev, ops"));
        headers.append("x-remote-group", HeaderValue::from_static("audit"));
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        assert_eq!(
            auth.caller(&headers, Some(inside)).unwrap(),
            Caller::Impersonated {
                user: "carol".into(),
                groups: vec!["dev".into(), "ops".into(), "audit".into()]
            }
        );
        let outside: IpAddr = "192.168.1.1".parse().unwrap();
        assert!(matches!(auth.caller(&headers, Some(outside)), Err(AuthError::UntrustedPeer(_))));
        assert!(matches!(auth.caller(&headers, None), Err(AuthError::UntrustedPeer(_))));
        headers.remove("x-remote-user");
        assert!(matches!(auth.caller(&headers, Some(inside)), Err(AuthError::NoProxyUser(_))));
    }
}
