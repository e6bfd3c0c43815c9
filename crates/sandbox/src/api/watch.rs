//! WATCH: a stream of ADDED / MODIFIED / DELETED events from a resourceVersion, with bookmarks,
//! initial events, selector transitions (an object that stops matching is DELETED for the
//! watcher), and a 410 Expired error event when the version is older than the kept history.
//!
//! Watchers read the store's event history on their own tasks; writers only bump a revision
//! counter, so many watchers do not slow writes down.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::read::ListOptions;
use super::{Api, store_revision_error};
use crate::registry::Resource;
use crate::status::ApiError;

/// Events buffered per watcher before it waits for its client.
const BUFFER: usize = 1024;

/// Query parameters of a watch.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Selectors.
    pub list: ListOptions,
    /// `allowWatchBookmarks`.
    pub bookmarks: bool,
    /// `sendInitialEvents`.
    pub send_initial_events: bool,
    /// `timeoutSeconds`.
    pub timeout: Option<Duration>,
}

/// One watch event: `type` and the object as JSON bytes (kept as bytes so the common case needs
/// no re-encoding).
#[derive(Debug, Clone)]
pub struct WatchEvent {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    pub kind: &'static str,
    /// The object.
    pub object: Arc<[u8]>,
}

impl WatchEvent {
    fn new(kind: &'static str, object: &Value) -> WatchEvent {
        WatchEvent { kind, object: serde_json::to_vec(object).unwrap_or_default().into() }
    }

    /// The event as one line of a watch response.
    pub fn to_line(&self) -> Vec<u8> {
        self.line_with(&self.object)
    }

    /// The event's line with `object` (JSON) in place of its object: the object's Table row,
    /// for watches that ask for Tables.
    pub fn line_with(&self, object: &[u8]) -> Vec<u8> {
        let mut line = Vec::with_capacity(object.len() + 32);
        line.extend_from_slice(b"{\"type\":\"");
        line.extend_from_slice(self.kind.as_bytes());
        line.extend_from_slice(b"\",\"object\":");
        line.extend_from_slice(object);
        line.extend_from_slice(b"}\n");
        line
    }
}

impl Api {
    /// Starts a watch. Errors before the stream starts (bad parameters) are returned; a version
    /// too old for the history becomes an ERROR event, as kube-apiserver sends it.
    pub fn watch(
        self: &Arc<Self>,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        mut options: WatchOptions,
    ) -> Result<mpsc::Receiver<WatchEvent>, ApiError> {
        options.list = options.list.for_resource(resource)?;
        let version = options.list.resource_version.clone().unwrap_or_default();
        let start: Option<u64> = match version.as_str() {
            "" | "0" => None,
            v => {
                Some(v.parse().map_err(|_| ApiError::bad_request(format!("invalid resource version: {v}")))?)
            }
        };
        if options.send_initial_events
            && options.list.resource_version_match.as_deref() != Some("NotOlderThan")
        {
            return Err(ApiError::invalid(
                "meta.k8s.io",
                "ListOptions",
                "",
                "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan".into(),
                vec![json!({"reason": "FieldValueForbidden", "message": "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan", "field": "resourceVersionMatch"})],
            ));
        }
        let (tx, rx) = mpsc::channel(BUFFER);
        let watcher = Watcher {
            api: self.clone(),
            resource: resource.clone(),
            prefix: resource.namespace_prefix(namespace),
            options,
            tx,
        };
        tokio::spawn(watcher.run(start));
        Ok(rx)
    }
}

struct Watcher {
    api: Arc<Api>,
    resource: Arc<Resource>,
    prefix: String,
    options: WatchOptions,
    tx: mpsc::Sender<WatchEvent>,
}

impl Watcher {
    async fn run(self, start: Option<u64>) {
        let deadline =
            tokio::time::Instant::now() + self.options.timeout.unwrap_or(Duration::from_secs(1800));
        let mut changes = self.api.store.subscribe();
        let mut last = match start {
            Some(revision) => revision,
            None => match self.initial_events().await {
                Some(revision) => revision,
                None => return,
            },
        };
        let mut bookmarks = tokio::time::interval(self.api.bookmark_interval);
        bookmarks.tick().await;
        loop {
            let events = match self.api.store.events_since(last) {
                Ok(events) => events,
                Err(e) => {
                    let error = store_revision_error(e, last, self.api.store.oldest_revision());
                    let _ = self.tx.send(WatchEvent::new("ERROR", &error.to_status())).await;
                    return;
                }
            };
            for event in events {
                last = event.revision;
                if !event.key.starts_with(&self.prefix) {
                    continue;
                }
                if let Some(out) = self.translate(&event)
                    && self.tx.send(out).await.is_err()
                {
                    return;
                }
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { return },
                _ = bookmarks.tick(), if self.options.bookmarks => {
                    if self.tx.send(self.bookmark(last, false)).await.is_err() {
                        return;
                    }
                }
                _ = tokio::time::sleep_until(deadline) => return,
                _ = self.tx.closed() => return,
            }
        }
    }

    /// Sends the current objects as ADDED events; returns the revision they reflect.
    async fn initial_events(&self) -> Option<u64> {
        let page = match self.api.store.list(&self.prefix, None, None, None) {
            Ok(page) => page,
            Err(e) => {
                let _ = self
                    .tx
                    .send(WatchEvent::new("ERROR", &ApiError::internal(e.to_string()).to_status()))
                    .await;
                return None;
            }
        };
        for (_, stored) in page.items {
            let event = WatchEvent { kind: "ADDED", object: stored.bytes.clone() };
            if self.options.list.filters() {
                let Ok(object) = serde_json::from_slice::<Value>(&stored.bytes) else { continue };
                if !self.options.list.matches(&self.resource, &object) {
                    continue;
                }
            }
            if self.tx.send(event).await.is_err() {
                return None;
            }
        }
        if self.options.send_initial_events && self.tx.send(self.bookmark(page.revision, true)).await.is_err()
        {
            return None;
        }
        Some(page.revision)
    }

    /// The event a watcher sees for a store event, honouring selector transitions.
    fn translate(&self, event: &concord_store::Event) -> Option<WatchEvent> {
        let matches = |bytes: &[u8]| -> Option<Value> {
            let object: Value = serde_json::from_slice(bytes).ok()?;
            if self.options.list.matches(&self.resource, &object) { Some(object) } else { None }
        };
        match (&event.value, &event.prev) {
            (Some(value), prev) => {
                if !self.options.list.filters() {
                    let kind = if prev.is_some() { "MODIFIED" } else { "ADDED" };
                    return Some(WatchEvent { kind, object: value.clone() });
                }
                let now = matches(value);
                let before = prev.as_ref().and_then(|p| matches(&p.bytes)).is_some();
                match (now, before) {
                    (Some(_), true) => Some(WatchEvent { kind: "MODIFIED", object: value.clone() }),
                    (Some(_), false) => Some(WatchEvent { kind: "ADDED", object: value.clone() }),
                    // The object left the selection: the watcher sees it deleted.
                    (None, true) => Some(WatchEvent { kind: "DELETED", object: value.clone() }),
                    (None, false) => None,
                }
            }
            (None, Some(prev)) => {
                let mut object: Value = serde_json::from_slice(&prev.bytes).ok()?;
                if self.options.list.filters() && !self.options.list.matches(&self.resource, &object) {
                    return None;
                }
                if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("resourceVersion".into(), event.revision.to_string().into());
                }
                Some(WatchEvent::new("DELETED", &object))
            }
            (None, None) => None,
        }
    }

    fn bookmark(&self, revision: u64, initial_end: bool) -> WatchEvent {
        let mut metadata = json!({"resourceVersion": revision.to_string()});
        if initial_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        WatchEvent::new(
            "BOOKMARK",
            &json!({"kind": self.resource.kind, "apiVersion": self.resource.api_version(), "metadata": metadata}),
        )
    }
}
