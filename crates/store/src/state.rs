//! The in-memory view: current objects, bounded event history, and reads at past revisions.

use std::cmp::Ordering;
use std::collections::{BTreeMap, VecDeque};
use std::iter::Peekable;
use std::ops::Bound;

use crate::{Event, ListPage, Revision, StoreError, Stored};

/// Everything readers see, replaced batch by batch under one lock so a batch is visible whole.
#[derive(Debug)]
pub(crate) struct State {
    /// Current state of every key.
    pub(crate) objects: BTreeMap<String, Stored>,
    /// Events in revision order: every revision in `(oldest, revision]`, one event each.
    history: VecDeque<Event>,
    /// How many events `history` keeps.
    history_bound: usize,
    /// The oldest revision that can still be reconstructed from `objects` and `history`.
    oldest: Revision,
    /// The latest committed revision.
    pub(crate) revision: Revision,
}

impl State {
    /// A state recovered from disk: no history, so nothing before `revision` can be read.
    pub(crate) fn new(objects: BTreeMap<String, Stored>, revision: Revision, history_bound: usize) -> State {
        State { objects, history: VecDeque::new(), history_bound, oldest: revision, revision }
    }

    /// The oldest revision events and lists can start from.
    pub(crate) fn oldest(&self) -> Revision {
        self.oldest
    }

    /// Makes a committed batch visible: `events` are consecutive revisions after `self.revision`.
    pub(crate) fn publish(&mut self, events: Vec<Event>) {
        for event in events {
            match &event.value {
                Some(bytes) => {
                    self.objects
                        .insert(event.key.clone(), Stored { revision: event.revision, bytes: bytes.clone() });
                }
                None => {
                    self.objects.remove(&event.key);
                }
            }
            self.revision = event.revision;
            self.history.push_back(event);
        }
        while self.history.len() > self.history_bound {
            // Undoing events down to a popped one's revision is still possible, so that
            // revision becomes the oldest readable one.
            if let Some(dropped) = self.history.pop_front() {
                self.oldest = dropped.revision;
            }
        }
        if self.history.is_empty() {
            self.oldest = self.revision;
        }
    }

    /// Checks that `revision` can be read.
    fn check_readable(&self, revision: Revision) -> Result<(), StoreError> {
        if revision > self.revision {
            return Err(StoreError::FutureRevision { requested: revision, current: self.revision });
        }
        if revision < self.oldest {
            return Err(StoreError::Compacted { requested: revision, oldest: self.oldest });
        }
        Ok(())
    }

    /// Events with a revision greater than `after`, oldest first.
    pub(crate) fn events_since(&self, after: Revision) -> Result<Vec<Event>, StoreError> {
        if after < self.oldest {
            return Err(StoreError::Compacted { requested: after, oldest: self.oldest });
        }
        let start = self.history.partition_point(|event| event.revision <= after);
        Ok(self.history.range(start..).cloned().collect())
    }

    /// One page of the keys starting with `prefix` as they were at revision `at` (current when
    /// `None`).
    pub(crate) fn list(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        limit: Option<usize>,
        at: Option<Revision>,
    ) -> Result<ListPage, StoreError> {
        let at = at.unwrap_or(self.revision);
        let mut visible = self.visible(prefix, start_after, at)?;
        let limit = limit.unwrap_or(usize::MAX);
        let items: Vec<(String, Stored)> =
            visible.by_ref().take(limit).map(|(key, stored)| (key.to_owned(), stored.clone())).collect();
        let more = visible.next().is_some();
        Ok(ListPage { items, revision: at, more })
    }

    /// How many keys starting with `prefix` (after `start_after`) there were at revision `at`.
    pub(crate) fn count(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        at: Revision,
    ) -> Result<usize, StoreError> {
        Ok(self.visible(prefix, start_after, at)?.count())
    }

    /// The keys starting with `prefix` (after `start_after`) and their states as they were at
    /// revision `at`, in key order.
    fn visible<'s>(
        &'s self,
        prefix: &'s str,
        start_after: Option<&'s str>,
        at: Revision,
    ) -> Result<impl Iterator<Item = (&'s str, &'s Stored)>, StoreError> {
        self.check_readable(at)?;
        let in_range = |key: &str| key.starts_with(prefix) && start_after.is_none_or(|after| key > after);
        let lower = match start_after {
            Some(after) if after >= prefix => Bound::Excluded(after),
            _ => Bound::Included(prefix),
        };
        let current = self
            .objects
            .range::<str, _>((lower, Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(prefix))
            .map(|(key, stored)| (key.as_str(), Some(stored)));
        // For every key changed after `at`, its state at `at` is what the oldest of those
        // changes replaced: walking newest to oldest, the last insert wins.
        let mut undone: BTreeMap<&str, Option<&Stored>> = BTreeMap::new();
        for event in self.history.iter().rev() {
            if event.revision <= at {
                break;
            }
            if in_range(&event.key) {
                undone.insert(&event.key, event.prev.as_ref());
            }
        }
        Ok(Overlay { base: current.peekable(), over: undone.into_iter().peekable() }
            .filter_map(|(key, stored)| stored.map(|stored| (key, stored))))
    }
}

/// Merges two key-ordered streams; on equal keys the `over` entry replaces the `base` one.
struct Overlay<'a, B, O>
where
    B: Iterator<Item = (&'a str, Option<&'a Stored>)>,
    O: Iterator<Item = (&'a str, Option<&'a Stored>)>,
{
    base: Peekable<B>,
    over: Peekable<O>,
}

impl<'a, B, O> Iterator for Overlay<'a, B, O>
where
    B: Iterator<Item = (&'a str, Option<&'a Stored>)>,
    O: Iterator<Item = (&'a str, Option<&'a Stored>)>,
{
    type Item = (&'a str, Option<&'a Stored>);

    fn next(&mut self) -> Option<Self::Item> {
        let order = match (self.base.peek(), self.over.peek()) {
            (Some((base, _)), Some((over, _))) => base.cmp(over),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => self.base.next(),
            Ordering::Equal => {
                self.base.next();
                self.over.next()
            }
            Ordering::Greater => self.over.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::EventKind;

    fn stored(revision: Revision, text: &str) -> Stored {
        Stored { revision, bytes: Arc::from(text.as_bytes()) }
    }

    fn put(revision: Revision, key: &str, text: &str, prev: Option<Stored>) -> Event {
        Event {
            revision,
            key: key.to_owned(),
            kind: EventKind::Put { created: prev.is_none() },
            value: Some(Arc::from(text.as_bytes())),
            prev,
        }
    }

    fn keys(page: &ListPage) -> Vec<&str> {
        page.items.iter().map(|(key, _)| key.as_str()).collect()
    }

    #[test]
    fn history_bound_moves_oldest() {
        let mut state = State::new(BTreeMap::new(), 1, 2);
        state.publish(vec![put(2, "a", "1", None), put(3, "b", "1", None)]);
        assert_eq!(state.oldest(), 1);
        state.publish(vec![put(4, "c", "1", None)]);
        assert_eq!(state.oldest(), 2);
        assert!(matches!(state.events_since(1), Err(StoreError::Compacted { requested: 1, oldest: 2 })));
        let events = state.events_since(2).unwrap();
        assert_eq!(events.iter().map(|e| e.revision).collect::<Vec<_>>(), [3, 4]);
        let at_two = state.list("", None, None, Some(2)).unwrap();
        assert_eq!(keys(&at_two), ["a"]);
    }

    #[test]
    fn zero_history_keeps_only_the_current_revision() {
        let mut state = State::new(BTreeMap::new(), 1, 0);
        state.publish(vec![put(2, "a", "1", None)]);
        assert_eq!(state.oldest(), 2);
        assert!(state.events_since(2).unwrap().is_empty());
        assert!(state.list("", None, None, Some(1)).is_err());
    }

    #[test]
    fn past_list_merges_removed_and_changed_keys() {
        let mut state = State::new(BTreeMap::new(), 1, 100);
        state.publish(vec![
            put(2, "/p/a", "a1", None),
            put(3, "/p/b", "b1", None),
            put(4, "/p/c", "c1", None),
        ]);
        let b1 = stored(3, "b1");
        let a1 = stored(2, "a1");
        state.publish(vec![
            Event { revision: 5, key: "/p/b".into(), kind: EventKind::Delete, value: None, prev: Some(b1) },
            put(6, "/p/a", "a2", Some(a1.clone())),
            put(7, "/p/d", "d1", None),
            put(8, "/q/x", "x1", None),
        ]);
        let now = state.list("/p/", None, None, None).unwrap();
        assert_eq!(keys(&now), ["/p/a", "/p/c", "/p/d"]);
        let past = state.list("/p/", None, None, Some(4)).unwrap();
        assert_eq!(keys(&past), ["/p/a", "/p/b", "/p/c"]);
        assert_eq!(past.items[0].1, a1);
        let page = state.list("/p/", Some("/p/a"), Some(1), Some(4)).unwrap();
        assert_eq!(keys(&page), ["/p/b"]);
        assert!(page.more);
        let last = state.list("/p/", Some("/p/b"), Some(1), Some(4)).unwrap();
        assert_eq!(keys(&last), ["/p/c"]);
        assert!(!last.more);
        assert_eq!(state.count("/p/", None, 8).unwrap(), 3);
        assert_eq!(state.count("/p/", None, 4).unwrap(), 3);
        assert_eq!(state.count("/p/", Some("/p/a"), 4).unwrap(), 2);
        assert_eq!(state.count("/p/", Some("/p/c"), 4).unwrap(), 0);
        assert_eq!(state.count("/", None, 8).unwrap(), 4);
    }

    #[test]
    fn start_after_before_the_prefix_starts_at_the_prefix() {
        let mut state = State::new(BTreeMap::new(), 1, 10);
        state.publish(vec![put(2, "/a", "", None), put(3, "/b/1", "", None)]);
        let page = state.list("/b/", Some("/a"), None, None).unwrap();
        assert_eq!(keys(&page), ["/b/1"]);
        let page = state.list("/b/", Some("/c"), None, None).unwrap();
        assert!(page.items.is_empty());
    }
}
