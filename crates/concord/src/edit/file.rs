//! The file `concord edit` opens in the editor: the object as YAML under a header comment, and
//! after a conflict the merge of both people's changes with every field they both changed
//! marked git-style. No I/O.
//!
//! The YAML is written by `serde-saphyr`, piece by piece where conflicts are marked: the
//! marker blocks are placed while the text is written, so no JSON pointer ever has to be found
//! again in text. Every text is read back before it is shown and must give exactly the object
//! it shows (with each conflict resolved to the live side), so a writer quirk can never turn
//! into a change the user did not make.

use concord_patch::merge3::{Conflict, GoneReason, Merge3, Outcome, Side};
use concord_patch::{PatchError, TypeInfo, pointer};
use serde_json::{Map, Value};

/// Opens the user's version of a field both sides changed.
pub const MINE_MARKER: &str = "<<<<<<< mine";
/// Opens the version the user started from.
pub const BASE_MARKER: &str = "||||||| base";
/// Opens the live version.
pub const THEIRS_MARKER: &str = "=======";
/// Closes a conflict.
pub const END_MARKER: &str = ">>>>>>> theirs";

/// Why a file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The YAML writer refused a value.
    #[error("cannot write the object as YAML: {0}")]
    Yaml(String),
    /// The text written does not read back as the object (a writer quirk); showing it would
    /// make the user save a change they did not make.
    #[error("cannot show the object as YAML faithfully ({0})")]
    Unfaithful(String),
    /// A conflict's field could not be found in the merged object.
    #[error("cannot mark the conflicting field {0} in the YAML text")]
    Unplaced(String),
    /// The merge engine refused the documents.
    #[error(transparent)]
    Merge(#[from] PatchError),
    /// The live object is another one than the user loaded.
    #[error("the object was {}", match .0 { GoneReason::Deleted => "deleted", GoneReason::Replaced => "replaced" })]
    Gone(GoneReason),
}

/// `object` as the user edits it: without the metadata the server sets.
pub use concord_server::edit::user_view as view;

/// `object` as YAML, checked to read back as `object`.
pub fn render(object: &Value) -> Result<String, FileError> {
    let text = yaml(object)?;
    check(&text, object)?;
    Ok(text)
}

/// The merge of a conflicting edit, as text.
#[derive(Debug)]
pub struct Marked {
    /// The YAML text with the conflicts marked.
    pub body: String,
    /// The marked fields, as JSON pointers, in the text's order.
    pub fields: Vec<String>,
}

/// The merge of `base` (what the user loaded), `theirs` (the live object) and `mine` (what the
/// user saved) as text: every change either side made without the other is in it, and each of
/// `conflicts` (as the edit protocol reported them) is a marker block. A block's sections are
/// the field in the merge with every conflict resolved to the user's side, in `base`, and in
/// the merge with every conflict resolved to the live side, so that keeping one section of
/// every block is exactly resolving every conflict to that side. The merge is the edit
/// protocol's own (`concord_patch::merge3`, over the objects without server metadata); a
/// conflict that a resolution uncovers is marked too.
pub fn mark_conflicts(
    info: &TypeInfo<'_>,
    base: &Value,
    theirs: &Value,
    mine: &Value,
    conflicts: Vec<Conflict>,
) -> Result<Marked, FileError> {
    let (base, theirs, mine) = (view(base), view(theirs), view(mine));
    let mut paths: Vec<String> = conflicts.into_iter().map(|c| c.path).collect();
    let resolved = |paths: &[String], side| {
        let merge = paths.iter().fold(Merge3::new(info), |merge, path| merge.resolve(path.clone(), side));
        merge.run(&base, Some(&theirs), &mine)
    };
    let (merged, mine_merged) = loop {
        let (theirs_side, mine_side) = (resolved(&paths, Side::Theirs)?, resolved(&paths, Side::Mine)?);
        let (more_theirs, more_mine) = match (theirs_side, mine_side) {
            (Outcome::Merged { object: t, .. }, Outcome::Merged { object: m, .. }) => break (t, m),
            (Outcome::Gone(reason), _) | (_, Outcome::Gone(reason)) => return Err(FileError::Gone(reason)),
            (Outcome::Conflicts(t), Outcome::Conflicts(m)) => (t, m),
            (Outcome::Conflicts(t), _) => (t, vec![]),
            (_, Outcome::Conflicts(m)) => (vec![], m),
        };
        let before = paths.len();
        for conflict in more_theirs.into_iter().chain(more_mine) {
            if !paths.contains(&conflict.path) {
                paths.push(conflict.path);
            }
        }
        if paths.len() == before {
            return Err(FileError::Unplaced(paths.join(", ")));
        }
    };
    let paths = widen(paths, [&merged, &mine_merged, &base]);
    let mut walk = Walk {
        tokens: paths.iter().map(|p| p.split('/').skip(1).collect()).collect(),
        paths: &paths,
        sides: [&mine_merged, &base, &merged],
        placed: vec![false; paths.len()],
        marked: Vec::new(),
    };
    let mut body = String::new();
    let all: Vec<usize> = (0..paths.len()).collect();
    match &merged {
        Value::Object(map) => walk.map(&mut body, map, Some(&mine), &all, 0, 0)?,
        _ => return Err(FileError::Unfaithful("the merged object is not an object".into())),
    }
    if let Some(i) = walk.placed.iter().position(|placed| !placed) {
        return Err(FileError::Unplaced(paths[i].clone()));
    }
    check(&resolve(&body, Side::Theirs), &merged)?;
    Ok(Marked { body, fields: walk.marked })
}

/// The 1-based number of the first line that still holds a conflict marker (comment lines,
/// such as the header's, never do).
pub fn markers_left(text: &str) -> Option<usize> {
    // A lone `=======` is left out: it is a common line in configuration text, and without the
    // other markers of its block it does not read as YAML anyway.
    let is_marker = |line: &str| {
        let line = line.trim_start();
        [MINE_MARKER, BASE_MARKER, END_MARKER].iter().any(|m| line.starts_with(&m[..7]))
    };
    text.lines().position(is_marker).map(|i| i + 1)
}

/// `body` with each marker block replaced by one side's section.
fn resolve(body: &str, side: Side) -> String {
    #[derive(PartialEq)]
    enum In {
        Text,
        Mine,
        Base,
        Theirs,
    }
    let keep = match side {
        Side::Mine => In::Mine,
        Side::Theirs => In::Theirs,
    };
    let mut state = In::Text;
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        // Markers move the state only in their order, so a data line that looks like one
        // (a `=======` in a text) outside a block is kept as text.
        let next = match (&state, line.trim()) {
            (In::Text, MINE_MARKER) => Some(In::Mine),
            (In::Mine, BASE_MARKER) => Some(In::Base),
            (In::Base, THEIRS_MARKER) => Some(In::Theirs),
            (In::Theirs, END_MARKER) => Some(In::Text),
            _ => None,
        };
        match next {
            Some(next) => state = next,
            None if state == In::Text || state == keep => out.push_str(line),
            None => {}
        }
    }
    out
}

/// What the header says besides the instructions.
pub enum Note<'a> {
    /// The first opening.
    Start,
    /// The last save was refused, for this reason.
    Error(&'a str),
    /// The last save met someone else's change.
    Conflict {
        /// The conflicting fields.
        fields: &'a [String],
        /// Who last wrote the live object, and when (from its `managedFields`).
        writer: Option<(&'a str, &'a str)>,
    },
}

/// The comment above the object, ending with an empty comment line.
pub fn header(title: &str, note: &Note<'_>) -> String {
    let mut lines = vec![
        "Please edit the object below. Lines beginning with a '#' will be ignored, and an empty".to_owned(),
        "file will abort the edit. Saving an unchanged file cancels the edit.".to_owned(),
        String::new(),
        "Concord saves what you change as a patch: if someone else changes the object meanwhile,".to_owned(),
        "both changes are kept, and a field you both changed is shown here for you to decide.".to_owned(),
        "Metadata the server sets (resourceVersion, uid, managedFields, ...) is left out.".to_owned(),
        String::new(),
    ];
    match note {
        Note::Start => {}
        Note::Error(message) => {
            lines.push(format!("{title} could not be saved:"));
            lines.extend(message.lines().map(|l| format!("  {l}")));
            lines.push(String::new());
        }
        Note::Conflict { fields, writer } => {
            lines.push(match writer {
                Some((manager, time)) if !time.is_empty() => {
                    format!("{title} was changed while you edited it, last by {manager} at {time}.")
                }
                Some((manager, _)) => format!("{title} was changed while you edited it, last by {manager}."),
                None => format!("{title} was changed while you edited it."),
            });
            lines.extend(
                [
                    "Below, your changes and theirs are merged, except where you both changed a field:",
                    "",
                    &format!("  {MINE_MARKER}       your version"),
                    &format!("  {BASE_MARKER}       the version you started from"),
                    &format!("  {THEIRS_MARKER}            the version in the cluster now"),
                    &format!("  {END_MARKER}"),
                    "",
                    "(an empty section: the field is absent there). Keep the lines you want and delete",
                    "the markers. Saving then writes your version over the object as it is now (and",
                    "merges again if it changes once more). Saving this file unchanged abandons the edit.",
                    "",
                    "Fields you both changed:",
                ]
                .map(str::to_owned),
            );
            lines.extend(fields.iter().map(|f| format!("  {f}")));
            lines.push(String::new());
        }
    }
    lines.iter().map(|l| if l.is_empty() { "#\n".to_owned() } else { format!("# {l}\n") }).collect()
}

/// Who wrote `object` last, and when: the `managedFields` entry with the latest time.
pub fn last_writer(object: &Value) -> Option<(&str, &str)> {
    let entries = object.pointer("/metadata/managedFields")?.as_array()?;
    entries
        .iter()
        .filter_map(|e| {
            let manager = e.get("manager")?.as_str()?;
            Some((manager, e.get("time").and_then(Value::as_str).unwrap_or_default()))
        })
        // RFC 3339 times in one zone compare as text; on a tie the later entry wins.
        .max_by(|a, b| a.1.cmp(b.1))
}

/// The YAML of `value`.
fn yaml(value: &Value) -> Result<String, FileError> {
    serde_saphyr::to_string(value).map_err(|e| FileError::Yaml(e.to_string()))
}

/// Fails unless `text` reads back as `expected`.
fn check(text: &str, expected: &Value) -> Result<(), FileError> {
    match concord_patch::document::parse_yaml(text) {
        Ok(read) if read == *expected => Ok(()),
        Ok(_) => Err(FileError::Unfaithful("the text reads back differently".into())),
        Err(e) => Err(FileError::Unfaithful(e.to_string())),
    }
}

/// Appends `text` with every line indented by `indent` spaces. Empty lines stay empty: inside a
/// block scalar they mean the same at any indentation.
fn push_indented(out: &mut String, text: &str, indent: usize) {
    for line in text.split_inclusive('\n') {
        if line != "\n" {
            out.extend(std::iter::repeat_n(' ', indent));
        }
        out.push_str(line);
    }
}

/// A mapping entry `key: value` as YAML at `indent`.
fn entry(key: &str, value: &Value, indent: usize) -> Result<String, FileError> {
    let mut map = Map::new();
    map.insert(key.to_owned(), value.clone());
    let mut out = String::new();
    push_indented(&mut out, &yaml(&Value::Object(map))?, indent);
    Ok(out)
}

/// A sequence item `- value` as YAML at `indent`.
fn item(value: &Value, indent: usize) -> Result<String, FileError> {
    let mut out = String::new();
    push_indented(&mut out, &yaml(&Value::Array(vec![value.clone()]))?, indent);
    Ok(out)
}

/// `key:` as the writer spells the key (quoted where YAML needs it).
fn key_line(key: &str) -> Result<String, FileError> {
    let mut map = Map::new();
    map.insert(key.to_owned(), Value::Object(Map::new()));
    let text = yaml(&Value::Object(map))?;
    text.strip_suffix(": {}\n")
        .filter(|k| !k.contains('\n'))
        .map(|k| format!("{k}:"))
        .ok_or_else(|| FileError::Yaml(format!("cannot write the key {key:?} on one line")))
}

/// Conflicts inside a collection that one of `sides` leaves empty move up to the collection
/// itself: an empty block collection cannot hold a marker block and still read as empty once
/// resolved, whichever section the user keeps.
fn widen(paths: Vec<String>, sides: [&Value; 3]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paths.len());
    for path in paths {
        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
        let empty = |document: &Value| match pointer::get(document, parent) {
            Some(Value::Object(m)) => m.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            _ => false,
        };
        let path = if !parent.is_empty() && sides.into_iter().any(empty) { parent.to_owned() } else { path };
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// Writes the merged object with marker blocks, following the conflicts' paths down.
struct Walk<'c> {
    /// The conflicts' paths.
    paths: &'c [String],
    /// Where each block's sections come from: the merge with the user's side taken, `base`,
    /// and the merge with the live side taken.
    sides: [&'c Value; 3],
    /// Each conflict's path, split into (escaped) reference tokens.
    tokens: Vec<Vec<&'c str>>,
    /// Whether each conflict is in a marker block (its own or one around it).
    placed: Vec<bool>,
    /// The paths of the marker blocks written.
    marked: Vec<String>,
}

/// Renders one side's value at a conflict's place.
type Render<'r> = &'r dyn Fn(&Value) -> Result<String, FileError>;

impl Walk<'_> {
    /// Writes a mapping at `indent`; `active` are the conflicts whose paths pass through it, at
    /// token `depth`; `mine` is the user's value at the same place.
    fn map(
        &mut self,
        out: &mut String,
        map: &Map<String, Value>,
        mine: Option<&Value>,
        active: &[usize],
        depth: usize,
        indent: usize,
    ) -> Result<(), FileError> {
        // A field the merge left out (the live object lacks it) is marked where the user has
        // it: before the next field of theirs that the merge kept, or last.
        let mut absent: Vec<(Option<&str>, usize)> = Vec::new();
        for &i in active {
            let key = pointer::unescape(self.tokens[i][depth]);
            if !map.contains_key(&key) {
                let anchor = mine
                    .and_then(Value::as_object)
                    .and_then(|m| m.keys().skip_while(|k| **k != key).skip(1).find(|k| map.contains_key(*k)))
                    .map(String::as_str);
                absent.push((anchor, i));
            }
        }
        for (key, value) in map {
            for &(_, i) in absent.iter().filter(|(anchor, _)| *anchor == Some(key.as_str())) {
                let key = pointer::unescape(self.tokens[i][depth]);
                self.absent_block(out, i, active, depth, indent, &|v| entry(&key, v, indent))?;
            }
            let token = pointer::escape(key);
            let here: Vec<usize> =
                active.iter().copied().filter(|&i| self.tokens[i][depth] == token).collect();
            let mine = mine.and_then(|m| m.get(key));
            if let Some(&exact) = here.iter().find(|&&i| self.tokens[i].len() == depth + 1) {
                self.block(out, exact, &here, indent, &|v| entry(key, v, indent))?;
            } else if !here.is_empty() && has_children(value) {
                out.extend(std::iter::repeat_n(' ', indent));
                out.push_str(&key_line(key)?);
                out.push('\n');
                match value {
                    Value::Object(child) => self.map(out, child, mine, &here, depth + 1, indent + 2)?,
                    // Sequence items under a key sit at the key's indentation, as the writer puts them.
                    _ => self.list(out, value, mine, &here, depth + 1, indent)?,
                }
            } else {
                out.push_str(&entry(key, value, indent)?);
            }
        }
        for &(_, i) in absent.iter().filter(|(anchor, _)| anchor.is_none()) {
            let key = pointer::unescape(self.tokens[i][depth]);
            self.absent_block(out, i, active, depth, indent, &|v| entry(&key, v, indent))?;
        }
        Ok(())
    }

    /// Writes a sequence's items at `indent`, like [`Walk::map`].
    fn list(
        &mut self,
        out: &mut String,
        list: &Value,
        mine: Option<&Value>,
        active: &[usize],
        depth: usize,
        indent: usize,
    ) -> Result<(), FileError> {
        let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
        // Which item each conflict's token selects (by key for keyed lists), here and in mine.
        let index_in = |token: &str, list: &Value| {
            let found = pointer::get(list, &format!("/{token}"))?;
            list.as_array()?.iter().position(|e| std::ptr::eq(e, found))
        };
        let mut at = Vec::new();
        let mut absent = Vec::new();
        for &i in active {
            let token = self.tokens[i][depth];
            match index_in(token, list) {
                Some(index) => at.push((index, i)),
                // An item the merge left out goes where the user has it.
                None => {
                    let index = mine.and_then(|m| index_in(token, m)).unwrap_or(items.len());
                    absent.push((index.min(items.len()), i));
                }
            }
        }
        for index in 0..=items.len() {
            for &(_, i) in absent.iter().filter(|(at, _)| *at == index) {
                self.absent_block(out, i, active, depth, indent, &|v| item(v, indent))?;
            }
            let Some(value) = items.get(index) else { break };
            let here: Vec<usize> = at.iter().filter(|(at, _)| *at == index).map(|&(_, i)| i).collect();
            if let Some(&exact) = here.iter().find(|&&i| self.tokens[i].len() == depth + 1) {
                self.block(out, exact, &here, indent, &|v| item(v, indent))?;
            } else if let (false, Value::Object(child)) = (here.is_empty(), value) {
                let mine = mine.and_then(|m| pointer::get(m, &format!("/{}", self.tokens[here[0]][depth])));
                let mut inner = String::new();
                self.map(&mut inner, child, mine, &here, depth + 1, indent + 2)?;
                out.extend(std::iter::repeat_n(' ', indent));
                let first = inner.strip_prefix(" ".repeat(indent + 2).as_str()).unwrap_or(&inner);
                // `- ` takes the item's first line, unless that line is a marker.
                if first.starts_with(MINE_MARKER) {
                    out.push_str("-\n");
                    out.push_str(&inner);
                } else {
                    out.push_str("- ");
                    out.push_str(first);
                }
            } else {
                out.push_str(&item(value, indent)?);
            }
        }
        Ok(())
    }

    /// A marker block for conflict `exact`, which settles the conflicts `under` it too.
    fn block(
        &mut self,
        out: &mut String,
        exact: usize,
        under: &[usize],
        indent: usize,
        render: Render<'_>,
    ) -> Result<(), FileError> {
        let path = &self.paths[exact];
        let sides = self.sides;
        let pad = " ".repeat(indent);
        for (marker, side) in [MINE_MARKER, BASE_MARKER, THEIRS_MARKER].into_iter().zip(sides) {
            out.push_str(&format!("{pad}{marker}\n"));
            // A side without the field has an empty section.
            if let Some(value) = pointer::get(side, path).filter(|v| !v.is_null()) {
                out.push_str(&render(value)?);
            }
        }
        out.push_str(&format!("{pad}{END_MARKER}\n"));
        self.marked.push(path.clone());
        for &i in under {
            self.placed[i] = true;
        }
        Ok(())
    }

    /// A marker block for conflict `i`, whose field the merged object lacks: only a conflict on
    /// that very field can be marked (and settles those under it).
    fn absent_block(
        &mut self,
        out: &mut String,
        i: usize,
        active: &[usize],
        depth: usize,
        indent: usize,
        render: Render<'_>,
    ) -> Result<(), FileError> {
        if self.tokens[i].len() != depth + 1 {
            return Ok(());
        }
        let token = self.tokens[i][depth];
        let under: Vec<usize> = active.iter().copied().filter(|&j| self.tokens[j][depth] == token).collect();
        self.block(out, i, &under, indent, render)
    }
}

/// Whether a value is a non-empty collection (whose parts a conflict can be inside).
fn has_children(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use concord_patch::Schema;
    use concord_patch::merge3::merge3;
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "demo", "uid": "u1", "resourceVersion": "7",
                "generation": 2, "creationTimestamp": "2025-01-01T00:00:00Z",
                "managedFields": [{"manager": "kubectl", "operation": "Update"}],
                "labels": {"app": "web"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [
                        {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                        {"name": "sidecar", "image": "envoy:1"}]}}}})
    }

    /// The marked text of an edit of `base` into `mine` while someone made `theirs`, with the
    /// conflicts the edit protocol would report.
    fn marked(base: &Value, theirs: &Value, mine: &Value) -> Marked {
        let info = Schema::builtin().for_object(base);
        let conflicts = match merge3(&view(base), &view(theirs), &view(mine), &info).unwrap() {
            Outcome::Conflicts(conflicts) => conflicts,
            other => panic!("no conflict: {other:?}"),
        };
        mark_conflicts(&info, base, theirs, mine, conflicts).unwrap()
    }

    fn read(text: &str) -> Value {
        concord_patch::document::parse_yaml(text).unwrap()
    }

    #[test]
    fn the_object_is_shown_without_server_metadata_and_reads_back() {
        let shown = view(&deployment());
        assert_eq!(shown["metadata"], json!({"name": "web", "namespace": "demo", "labels": {"app": "web"}}));
        let text = render(&shown).unwrap();
        assert!(text.starts_with("apiVersion: apps/v1\nkind: Deployment\n"), "{text}");
        assert_eq!(read(&text), shown);
        let awkward = json!({"data": {"yes": "no", "a: b": "multi\nline\n", "empty": "", "n": "007",
            "blank lines": "a\n\n\nb\n", "list": [[1, 2], [], {}], "long": "word ".repeat(40)}});
        assert_eq!(read(&render(&awkward).unwrap()), awkward);
    }

    #[test]
    fn a_field_both_changed_is_marked_and_every_other_change_kept() {
        let base = deployment();
        let mut theirs = base.clone();
        theirs["metadata"]["resourceVersion"] = json!("9");
        theirs["spec"]["replicas"] = json!(4);
        theirs["metadata"]["annotations"] = json!({"by": "them"});
        let mut mine = view(&base);
        mine["spec"]["replicas"] = json!(5);
        mine["metadata"]["labels"]["tier"] = json!("front");
        let marked = marked(&base, &theirs, &mine);
        assert_eq!(marked.fields, ["/spec/replicas"]);
        let block = "spec:\n  <<<<<<< mine\n  replicas: 5\n  ||||||| base\n  replicas: 3\n  =======\n  replicas: 4\n  >>>>>>> theirs\n  selector:\n";
        assert!(marked.body.contains(block), "{}", marked.body);
        assert_eq!(
            markers_left(&marked.body),
            Some(marked.body.lines().position(|l| l == "  <<<<<<< mine").unwrap() + 1)
        );
        let kept_mine = read(&resolve(&marked.body, Side::Mine));
        assert_eq!(kept_mine["spec"]["replicas"], 5);
        assert_eq!(kept_mine["metadata"]["labels"]["tier"], "front");
        assert_eq!(kept_mine["metadata"]["annotations"]["by"], "them");
        assert_eq!(kept_mine["metadata"].get("resourceVersion"), None);
        assert_eq!(markers_left(&resolve(&marked.body, Side::Mine)), None);
    }

    #[test]
    fn keyed_list_elements_are_marked_by_key() {
        let base = deployment();
        let mut theirs = base.clone();
        theirs["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
        // They removed the sidecar that I change.
        theirs["spec"]["template"]["spec"]["containers"].as_array_mut().unwrap().pop();
        let mut mine = view(&base);
        mine["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.29");
        mine["spec"]["template"]["spec"]["containers"][1]["image"] = json!("envoy:2");
        let marked = marked(&base, &theirs, &mine);
        assert_eq!(
            marked.fields,
            ["/spec/template/spec/containers/name=web/image", "/spec/template/spec/containers/name=sidecar"]
        );
        let expected = "\
      containers:
      - name: web
        <<<<<<< mine
        image: nginx:1.29
        ||||||| base
        image: nginx:1.27
        =======
        image: nginx:1.28
        >>>>>>> theirs
        ports:
        - containerPort: 80
      <<<<<<< mine
      - name: sidecar
        image: envoy:2
      ||||||| base
      - name: sidecar
        image: envoy:1
      =======
      >>>>>>> theirs
";
        assert!(marked.body.ends_with(expected), "{}", marked.body);
        let kept_mine = read(&resolve(&marked.body, Side::Mine));
        assert_eq!(kept_mine["spec"]["template"]["spec"]["containers"][1]["image"], "envoy:2");
        let kept_theirs = read(&resolve(&marked.body, Side::Theirs));
        assert_eq!(kept_theirs["spec"]["template"]["spec"]["containers"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn an_item_whose_first_field_conflicts_opens_on_its_own_line() {
        let base = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"image": "a:1", "name": "app"}]}});
        let mut theirs = base.clone();
        theirs["spec"]["containers"][0]["image"] = json!("a:2");
        let mut mine = base.clone();
        mine["spec"]["containers"][0]["image"] = json!("a:3");
        let marked = marked(&base, &theirs, &mine);
        let expected = "  containers:\n  -\n    <<<<<<< mine\n    image: a:3\n";
        assert!(marked.body.contains(expected), "{}", marked.body);
        assert_eq!(
            read(&resolve(&marked.body, Side::Mine))["spec"]["containers"][0],
            json!({"image": "a:3", "name": "app"})
        );
    }

    #[test]
    fn a_field_they_deleted_is_marked_where_i_have_it() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"a": "1", "b": "2", "c": "3"}});
        let mut theirs = base.clone();
        theirs["data"].as_object_mut().unwrap().remove("b");
        let mut mine = base.clone();
        mine["data"]["b"] = json!("20");
        mine["data"]["d"] = json!("4");
        let marked = marked(&base, &theirs, &mine);
        let expected = "data:\n  a: \"1\"\n  <<<<<<< mine\n  b: \"20\"\n  ||||||| base\n  b: \"2\"\n  =======\n  >>>>>>> theirs\n  c: \"3\"\n  d: \"4\"\n";
        assert!(marked.body.ends_with(expected), "{}", marked.body);
    }

    #[test]
    fn conflicts_in_a_collection_left_empty_mark_the_collection() {
        let base =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        let mut theirs = base.clone();
        theirs["data"] = json!({});
        let mut mine = base.clone();
        mine["data"]["a"] = json!("2");
        let marked = marked(&base, &theirs, &mine);
        assert_eq!(marked.fields, ["/data"]);
        assert!(
            marked.body.ends_with("<<<<<<< mine\ndata:\n  a: \"2\"\n||||||| base\ndata:\n  a: \"1\"\n=======\ndata: {}\n>>>>>>> theirs\n"),
            "{}",
            marked.body
        );
    }

    #[test]
    fn conflicts_the_protocol_did_not_report_are_found() {
        let base =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        let theirs =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}});
        let mine =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "3"}});
        let info = Schema::builtin().for_object(&base);
        let marked = mark_conflicts(&info, &base, &theirs, &mine, vec![]).unwrap();
        assert_eq!(marked.fields, ["/data/a"]);
    }

    #[test]
    fn only_markers_in_their_order_make_a_block() {
        // A `=======` line of a text outside any block is text.
        let body = "a: |\n  x\n  =======\n  y\n<<<<<<< mine\nb: 1\n||||||| base\nb: 0\n=======\nb: 2\n>>>>>>> theirs\n";
        assert_eq!(resolve(body, Side::Theirs), "a: |\n  x\n  =======\n  y\nb: 2\n");
        assert_eq!(resolve(body, Side::Mine), "a: |\n  x\n  =======\n  y\nb: 1\n");
        assert_eq!(markers_left("a: 1\n  >>>>>>> theirs\n"), Some(2));
        assert_eq!(markers_left("a: |\n  =======\n"), None);
    }

    #[test]
    fn the_header_says_who_changed_the_object_and_what_conflicts() {
        let theirs = json!({"metadata": {"managedFields": [
            {"manager": "kubectl-patch", "time": "2025-03-01T10:00:00Z"},
            {"manager": "concord:alice", "time": "2025-03-01T09:00:00Z"}]}});
        let writer = last_writer(&theirs);
        assert_eq!(writer, Some(("kubectl-patch", "2025-03-01T10:00:00Z")));
        let fields = ["/spec/replicas".to_owned()];
        let header = header("deployment.apps/web", &Note::Conflict { fields: &fields, writer });
        assert!(header.contains("# deployment.apps/web was changed while you edited it, last by kubectl-patch at 2025-03-01T10:00:00Z.\n"), "{header}");
        assert!(header.contains("#   /spec/replicas\n"));
        assert!(header.lines().all(|l| l.starts_with('#')));
        assert_eq!(markers_left(&header), None);
        let refused = super::header("configmap/c", &Note::Error("bad\nthings"));
        assert!(refused.contains("# configmap/c could not be saved:\n#   bad\n#   things\n"), "{refused}");
    }

    /// Values that YAML writers and readers trip on.
    fn text() -> impl Strategy<Value = Value> {
        let texts =
            ["", "1", "yes", "a: b", "multi\nline\n", "  lead", "#x", "- x", "null", "~", "é", "x\n\ny\n"];
        let long = "a long value with words ".repeat(6);
        prop::sample::select(texts.iter().map(|t| (*t).to_owned()).chain([long]).collect::<Vec<_>>())
            .prop_map(Value::from)
    }

    /// Deployments from a small universe, so that random ones often touch the same fields:
    /// maps, a keyed list (containers by name) holding another (env by name) and an atomic
    /// list (args), each possibly absent or empty.
    fn deployments() -> impl Strategy<Value = Value> {
        let names = |all: &'static [&'static str]| prop::sample::select(all.to_vec());
        let labels = prop::collection::btree_map(names(&["a", "b", "x/y"]), text(), 0..3);
        let env = prop::collection::btree_map(names(&["A", "B"]), text(), 0..3);
        let args = prop::collection::vec(names(&["-v", "-q"]), 0..3);
        let container = (
            names(&["app", "side", "init"]),
            names(&["img:1", "img:2"]),
            prop::option::of(env),
            prop::option::of(args),
        );
        let containers = prop::collection::vec(container, 0..4);
        (labels, containers, prop::option::of(1..3u32)).prop_map(|(labels, containers, replicas)| {
            let mut seen = std::collections::HashSet::new();
            let containers: Vec<Value> = containers
                .into_iter()
                .filter(|(name, ..)| seen.insert(*name))
                .map(|(name, image, env, args)| {
                    let mut container = json!({"name": name, "image": image});
                    if let Some(env) = env {
                        let env: Vec<Value> =
                            env.into_iter().map(|(n, v)| json!({"name": n, "value": v})).collect();
                        container["env"] = Value::Array(env);
                    }
                    if let Some(args) = args {
                        container["args"] = json!(args);
                    }
                    container
                })
                .collect();
            let mut object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "labels": labels},
                "spec": {"template": {"spec": {"containers": containers}}}});
            if let Some(replicas) = replicas {
                object["spec"]["replicas"] = json!(replicas);
            }
            object
        })
    }

    /// `value` with every list sorted: the text places an item the live object lacks where the
    /// user had it, which the merge may order differently.
    fn sorted(value: Value) -> Value {
        match value {
            Value::Array(items) => {
                let mut items: Vec<Value> = items.into_iter().map(sorted).collect();
                items.sort_by_key(Value::to_string);
                Value::Array(items)
            }
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, sorted(v))).collect()),
            other => other,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever the conflicts, they are all marked, and keeping either side of every block
        /// gives the merge with every conflict resolved to that side.
        #[test]
        fn keeping_one_side_of_every_block_is_resolving_to_it((base, theirs, mine) in (deployments(), deployments(), deployments())) {
            let info = Schema::builtin().for_object(&base);
            let Outcome::Conflicts(conflicts) = merge3(&base, &theirs, &mine, &info).unwrap() else {
                return Ok(());
            };
            let marked = mark_conflicts(&info, &base, &theirs, &mine, conflicts.clone()).unwrap();
            prop_assert!(!marked.fields.is_empty());
            for side in [Side::Mine, Side::Theirs] {
                let merge = conflicts.iter().fold(Merge3::new(&info), |m, c| m.resolve(c.path.clone(), side));
                // A resolution can uncover further conflicts (the text marks those too): compared
                // only where it does not.
                if let Outcome::Merged { object, .. } = merge.run(&base, Some(&theirs), &mine).unwrap() {
                    prop_assert_eq!(sorted(read(&resolve(&marked.body, side))), sorted(object), "{}", marked.body);
                }
            }
        }
    }
}
