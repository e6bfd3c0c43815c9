//! The JSONPath dialect of client-go's `util/jsonpath`, which kube-apiserver evaluates for
//! `additionalPrinterColumns`: fields (`.a.b`, `\.`-escaped dots), `['key']`, indexes and
//! slices (`[0]`, `[-1]`, `[1:3:2]`, `[*]`), unions (`[0,2]`), recursive descent (`..name`),
//! wildcards and filters (`[?(@.type=="Ready")]`, `[?(@.x)]`), with its quirks: a path is
//! parsed as the template `{PATH}`, a missing key is no result rather than an error, an index
//! out of range or a comparison of different types is an error, and so on.

use std::borrow::Cow;

use serde_json::{Number, Value};

/// Nesting of filters and unions a path may have (client-go has no limit; this one keeps
/// parsing off the stack's edge).
const MAX_NESTING: usize = 32;
/// Values one step may produce; more makes the evaluation fail (client-go has no limit).
const MAX_VALUES: usize = 1 << 20;

/// Why a path could not be parsed, in client-go's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(pub(crate) String);

#[derive(Debug, Clone, Copy, PartialEq)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Field(String),
    Wildcard,
    Recursive,
    Array([Param; 3]),
    Union(Vec<Vec<Node>>),
    Filter { left: Vec<Node>, right: Vec<Node>, op: String },
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Identifier,
}

/// A parsed column path: the nodes of the template's first action, whose first result is the
/// cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonPath {
    nodes: Vec<Node>,
}

impl JsonPath {
    /// Parses `path` as client-go parses the template `{path}`.
    pub(crate) fn parse(path: &str) -> Result<JsonPath, ParseError> {
        let template = format!("{{{path}}}");
        let mut actions = parse_template(&template, 0)?;
        // The template starts with `{`, so its first node is always an action.
        let nodes = if actions.is_empty() { Vec::new() } else { actions.swap_remove(0) };
        Ok(JsonPath { nodes })
    }

    /// The first value the path finds in `data`, or `None` when it finds nothing or fails
    /// (kube shows an empty cell in both cases).
    pub(crate) fn first<'a>(&self, data: &'a Value) -> Option<Cow<'a, Value>> {
        let (values, failed) = eval_list(vec![Cow::Borrowed(data)], &self.nodes);
        if failed {
            return None;
        }
        values.into_iter().next()
    }
}

struct Parser<'s> {
    input: &'s str,
    pos: usize,
    depth: usize,
}

fn err<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

/// A template: text with `{...}` actions. Returns the node list of every action (text between
/// them is never a result kube looks at).
fn parse_template(text: &str, depth: usize) -> Result<Vec<Vec<Node>>, ParseError> {
    if depth > MAX_NESTING {
        return err("path nested too deeply");
    }
    let mut p = Parser { input: text, pos: 0, depth };
    let mut actions = Vec::new();
    while let Some(offset) = p.rest().find('{') {
        p.pos += offset + 1;
        actions.push(p.parse_action()?);
    }
    Ok(actions)
}

/// `parseAction`: the nodes of `{text}`'s first action.
fn parse_sub_action(text: &str, depth: usize) -> Result<Vec<Node>, ParseError> {
    let mut actions = parse_template(&format!("{{{text}}}"), depth + 1)?;
    Ok(if actions.is_empty() { Vec::new() } else { actions.swap_remove(0) })
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(c, ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// `parseInsideAction` up to the closing `}`.
    fn parse_action(&mut self) -> Result<Vec<Node>, ParseError> {
        let mut nodes = Vec::new();
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                return Ok(nodes);
            }
            if rest.starts_with("[?(") {
                self.pos += 3;
                nodes.push(self.parse_filter()?);
                continue;
            }
            if rest.starts_with("..") {
                if nodes.last() == Some(&Node::Recursive) {
                    return err("invalid multiple recursive descent");
                }
                self.pos += 2;
                nodes.push(Node::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    nodes.push(self.parse_field());
                }
                continue;
            }
            let start = self.pos;
            match self.next() {
                None | Some('\r' | '\n') => return err("unclosed action"),
                Some(' ' | '@' | '$') => {}
                Some('[') => self.parse_array(&mut nodes)?,
                Some(quote @ ('"' | '\'')) => nodes.push(self.parse_quote(start, quote)?),
                Some('.') => nodes.push(self.parse_field()),
                Some(c) if c == '+' || c == '-' || c.is_numeric() => {
                    self.pos = start;
                    nodes.push(self.parse_number()?);
                }
                Some(c) if is_alphanumeric(c) => {
                    self.pos = start;
                    nodes.push(self.parse_identifier());
                }
                Some(c) => return err(format!("unrecognized character in action: {c:?}")),
            }
        }
    }

    /// A field name up to the next unescaped terminator; backslashes are dropped.
    fn parse_field(&mut self) -> Node {
        let start = self.pos;
        loop {
            let c = self.peek();
            if c == Some('\\') {
                self.next();
                self.next();
            } else if is_terminator(c) {
                break;
            } else {
                self.next();
            }
        }
        let name = self.input.get(start..self.pos).unwrap_or("");
        if name == "*" { Node::Wildcard } else { Node::Field(name.replace('\\', "")) }
    }

    fn parse_identifier(&mut self) -> Node {
        let start = self.pos;
        while !is_terminator(self.peek()) {
            self.next();
        }
        match self.input.get(start..self.pos).unwrap_or("") {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier,
        }
    }

    fn parse_number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while self.peek().is_some_and(|c| c == '.' || c.is_numeric()) {
            self.next();
        }
        let text = self.input.get(start..self.pos).unwrap_or("");
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Node::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Node::Float(f)),
            _ => err(format!("cannot parse number {text}")),
        }
    }

    /// `[...]`: an index or slice, a union, or a quoted key.
    fn parse_array(&mut self, nodes: &mut Vec<Node>) -> Result<(), ParseError> {
        let start = self.pos;
        loop {
            match self.next() {
                None | Some('\n') => return err("unterminated array"),
                Some(']') => break,
                Some(_) => {}
            }
        }
        let text = self.input.get(start..self.pos - 1).unwrap_or("");
        let text = if text == "*" { ":" } else { text };
        if text.contains(',') {
            let parts = text
                .split(',')
                .map(|part| parse_sub_action(&format!("[{}]", part.trim_matches(' ')), self.depth))
                .collect::<Result<Vec<_>, _>>()?;
            nodes.push(Node::Union(parts));
            return Ok(());
        }
        if let Some(key) =
            text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')).filter(|key| !key.contains('\''))
        {
            // client-go re-parses a quoted key as a dotted field path.
            nodes.extend(parse_sub_action(&format!(".{key}"), self.depth)?);
            return Ok(());
        }
        nodes.push(Node::Array(parse_slice(text)?));
        Ok(())
    }

    /// `[?(LEFT OP RIGHT)]` or `[?(PATH)]`, after the `[?(`.
    fn parse_filter(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let mut quote: Option<char> = None;
        let mut closed = false;
        loop {
            let before = self.pos;
            match self.next() {
                None | Some('\n') => return err("unterminated filter"),
                Some(c @ ('"' | '\'')) => match quote {
                    None => quote = Some(c),
                    Some(pair) => {
                        let escaped = before > 0 && self.input.as_bytes().get(before - 1) == Some(&b'\\');
                        if !escaped && c == pair {
                            closed = true;
                        }
                    }
                },
                Some(')') if quote.is_some() == closed => break,
                Some(_) => {}
            }
        }
        if self.next() != Some(']') {
            return err("unclosed array expect ]");
        }
        let text = self.input.get(start..self.pos - 2).unwrap_or("");
        let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
        let split = text.find(is_op).filter(|&i| i > 0).and_then(|i| {
            let op_len = text.get(i..)?.find(|c| !is_op(c))?;
            let right = text.get(i + op_len..)?;
            Some((text.get(..i)?, text.get(i..i + op_len)?, right))
        });
        Ok(match split {
            Some((left, op, right)) => Node::Filter {
                left: parse_sub_action(left, self.depth)?,
                right: parse_sub_action(right, self.depth)?,
                op: op.to_owned(),
            },
            None => Node::Filter {
                left: parse_sub_action(text, self.depth)?,
                right: Vec::new(),
                op: "exists".to_owned(),
            },
        })
    }

    /// A quoted literal; `start` is the opening quote.
    fn parse_quote(&mut self, start: usize, quote: char) -> Result<Node, ParseError> {
        loop {
            let before = self.pos;
            match self.next() {
                None | Some('\n') => return err("unterminated quoted string"),
                Some(c) if c == quote && self.input.as_bytes().get(before - 1) != Some(&b'\\') => {
                    break;
                }
                Some(_) => {}
            }
        }
        let quoted = self.input.get(start..self.pos).unwrap_or("");
        match unquote(quoted, quote) {
            Some(text) => Ok(Node::Text(text)),
            None => err(format!("unquote string {quoted} error invalid syntax")),
        }
    }
}

/// `[start:end:step]` as client-go reads it: `^(-?\d*)(:-?\d*)?(:-?\d*)?$`.
fn parse_slice(text: &str) -> Result<[Param; 3], ParseError> {
    let parts: Vec<&str> = text.split(':').collect();
    let well_formed = parts.len() <= 3
        && parts.iter().all(|p| {
            let digits = p.strip_prefix('-').unwrap_or(p);
            digits.bytes().all(|b| b.is_ascii_digit())
        });
    if !well_formed {
        return err(format!("invalid array index {text}"));
    }
    let number =
        |s: &str| s.parse::<i64>().map_err(|_| ParseError(format!("array index {s} is not a number")));
    let unknown = Param { value: 0, known: false, derived: false };
    let mut params = [unknown; 3];
    if let Some(first) = parts.first().filter(|p| !p.is_empty()) {
        params[0] = Param { value: number(first)?, known: true, derived: false };
    }
    match parts.get(1) {
        None => params[1] = Param { value: params[0].value.wrapping_add(1), known: true, derived: true },
        Some(p) if !p.is_empty() => params[1] = Param { value: number(p)?, known: true, derived: false },
        Some(_) => {}
    }
    if let Some(p) = parts.get(2).filter(|p| !p.is_empty()) {
        params[2] = Param { value: number(p)?, known: true, derived: false };
    }
    Ok(params)
}

/// Go's `strconv.Unquote` extended to single quotes: the escapes of Go string literals; the
/// other kind of quote may not be escaped.
fn unquote(quoted: &str, quote: char) -> Option<String> {
    let inner = quoted.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            c @ ('\'' | '"') if c == quote => c,
            c @ ('x' | 'u' | 'U') => {
                let len = match c {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(len).collect();
                if hex.len() != len {
                    return None;
                }
                let code = u32::from_str_radix(&hex, 16).ok()?;
                if c == 'x' {
                    // A `\x` escape is one byte; only ASCII ones make a valid string here.
                    if code >= 0x80 {
                        return None;
                    }
                }
                char::from_u32(code)?
            }
            c @ '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let code = u32::from_str_radix(&format!("{c}{rest}"), 8).ok()?;
                if rest.len() != 2 || code >= 0x80 {
                    return None;
                }
                char::from_u32(code)?
            }
            _ => return None,
        };
        out.push(escaped);
    }
    Some(out)
}

type Values<'a> = Vec<Cow<'a, Value>>;

/// Evaluates nodes in sequence. Like client-go, a failing step returns what that step returned
/// together with the failure (filters testing existence look at it).
fn eval_list<'a>(input: Values<'a>, nodes: &[Node]) -> (Values<'a>, bool) {
    let mut current = input;
    for node in nodes {
        let (next, failed) = eval_node(current, node);
        if failed || next.len() > MAX_VALUES {
            return (next, true);
        }
        current = next;
    }
    (current, false)
}

fn eval_node<'a>(input: Values<'a>, node: &Node) -> (Values<'a>, bool) {
    match node {
        Node::Text(text) => (vec![Cow::Owned(Value::String(text.clone()))], false),
        Node::Int(i) => (vec![Cow::Owned(Value::from(*i)); input.len()], false),
        Node::Float(f) => {
            let value = Number::from_f64(*f).map_or(Value::Null, Value::Number);
            (vec![Cow::Owned(value); input.len()], false)
        }
        Node::Bool(b) => (vec![Cow::Owned(Value::Bool(*b)); input.len()], false),
        Node::Identifier => (input, true),
        Node::Field(name) => (eval_field(input, name), false),
        Node::Wildcard => (eval_wildcard(input), false),
        Node::Recursive => (eval_recursive(input), false),
        Node::Array(params) => eval_array(input, params),
        Node::Union(lists) => {
            let mut out = Vec::new();
            for list in lists {
                let (values, failed) = eval_list(input.clone(), list);
                if failed {
                    return (input, true);
                }
                out.extend(values);
            }
            (out, false)
        }
        Node::Filter { left, right, op } => eval_filter(input, left, right, op),
    }
}

fn child<'a>(parent: &Cow<'a, Value>, select: impl Fn(&Value) -> Option<&Value>) -> Option<Cow<'a, Value>> {
    match parent {
        Cow::Borrowed(v) => select(v).map(Cow::Borrowed),
        Cow::Owned(v) => select(v).map(|c| Cow::Owned(c.clone())),
    }
}

fn eval_field<'a>(input: Values<'a>, name: &str) -> Values<'a> {
    input.iter().filter_map(|v| child(v, |v| v.as_object()?.get(name))).collect()
}

/// The children client-go's reflection walks: object values, array items, and the bytes of a
/// string (as numbers).
fn children<'a>(v: &Cow<'a, Value>) -> Values<'a> {
    fn direct(v: &Value) -> Vec<&Value> {
        match v {
            Value::Object(map) => map.values().collect(),
            Value::Array(items) => items.iter().collect(),
            _ => Vec::new(),
        }
    }
    if let Value::String(s) = v.as_ref() {
        return s.bytes().map(|b| Cow::Owned(Value::from(b))).collect();
    }
    match v {
        Cow::Borrowed(b) => direct(b).into_iter().map(Cow::Borrowed).collect(),
        Cow::Owned(o) => direct(o).into_iter().map(|c| Cow::Owned(c.clone())).collect(),
    }
}

fn eval_wildcard<'a>(input: Values<'a>) -> Values<'a> {
    input.iter().flat_map(children).collect()
}

/// `..`: every value that has children, in pre-order (scalars are not results).
fn eval_recursive<'a>(input: Values<'a>) -> Values<'a> {
    let mut out = Vec::new();
    let mut stack: Vec<Cow<'a, Value>> = input.into_iter().rev().collect();
    while let Some(v) = stack.pop() {
        let kids = children(&v);
        if kids.is_empty() {
            continue;
        }
        if out.len() >= MAX_VALUES {
            break;
        }
        stack.extend(kids.into_iter().rev());
        out.push(v);
    }
    out
}

fn eval_array<'a>(input: Values<'a>, params: &[Param; 3]) -> (Values<'a>, bool) {
    let mut out = Vec::new();
    for value in &input {
        if value.is_null() {
            continue;
        }
        let Some(items) = value.as_array() else {
            return (input, true);
        };
        let len = items.len() as i64;
        let mut start = if params[0].known { params[0].value } else { 0 };
        if start < 0 {
            start = start.saturating_add(len);
        }
        let mut end = if params[1].known { params[1].value } else { len };
        if end < 0 || (end == 0 && params[1].derived) {
            end = end.saturating_add(len);
        }
        if start == end {
            return (out, false);
        }
        if start >= len || start < 0 || end > len || end < 0 || start > end {
            return (input, true);
        }
        let step = if params[2].known {
            if params[2].value <= 0 {
                return (input, true);
            }
            usize::try_from(params[2].value).unwrap_or(usize::MAX)
        } else {
            1
        };
        let (start, end) = (start as usize, end as usize);
        for i in (start..end).step_by(step) {
            if let Some(item) = child(value, |v| v.as_array()?.get(i)) {
                out.push(item);
            }
        }
    }
    (out, false)
}

fn eval_filter<'a>(input: Values<'a>, left: &[Node], right: &[Node], op: &str) -> (Values<'a>, bool) {
    let mut out = Vec::new();
    for value in &input {
        if !value.is_array() {
            return (input, true);
        }
        for element in children(value) {
            let (lefts, failed) = eval_list(vec![element.clone()], left);
            if op == "exists" {
                if !lefts.is_empty() {
                    out.push(element);
                }
                continue;
            }
            if failed || lefts.len() > 1 {
                return (input, true);
            }
            let Some(l) = lefts.first() else { continue };
            let (rights, failed) = eval_list(vec![element.clone()], right);
            if failed || rights.len() > 1 {
                return (input, true);
            }
            let Some(r) = rights.first() else { continue };
            match compare(op, l, r) {
                Ok(true) => out.push(element),
                Ok(false) => {}
                Err(()) => return (out, true),
            }
        }
    }
    (out, false)
}

/// The kinds Go's template comparisons tell apart.
#[derive(PartialEq)]
enum Basic<'v> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'v str),
}

/// A value as Go's `basicKind` sees it: JSON integers are `int64` (as literal integers are
/// `int`), other numbers `float64`.
fn basic(v: &Value) -> Option<Basic<'_>> {
    Some(match v {
        Value::Bool(b) => Basic::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Basic::Int(i),
            None => Basic::Float(n.as_f64()?),
        },
        Value::String(s) => Basic::Str(s),
        _ => return None,
    })
}

/// Go template `eq`, `ne`, `lt`, `le`, `gt`, `ge`: values of different kinds, and ordering of
/// booleans, are errors.
fn compare(op: &str, left: &Value, right: &Value) -> Result<bool, ()> {
    let (l, r) = (basic(left).ok_or(())?, basic(right).ok_or(())?);
    if std::mem::discriminant(&l) != std::mem::discriminant(&r) {
        return Err(());
    }
    let less = || -> Result<bool, ()> {
        Ok(match (&l, &r) {
            (Basic::Int(a), Basic::Int(b)) => a < b,
            (Basic::Float(a), Basic::Float(b)) => a < b,
            (Basic::Str(a), Basic::Str(b)) => a < b,
            _ => return Err(()),
        })
    };
    let equal = l == r;
    match op {
        "==" => Ok(equal),
        "!=" => Ok(!equal),
        "<" => less(),
        "<=" => Ok(less()? || equal),
        ">" => Ok(!(less()? || equal)),
        ">=" => Ok(!less()?),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn first(path: &str, data: &Value) -> Option<Value> {
        JsonPath::parse(path).unwrap().first(data).map(Cow::into_owned)
    }

    #[test]
    fn parses_escaped_and_quoted_keys() {
        let data = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web", "a": {"b": 1}}}});
        assert_eq!(first(r".metadata.labels.app\.kubernetes\.io/name", &data), Some(json!("web")));
        // A quoted key is re-read as a dotted path, as in client-go.
        assert_eq!(first(".metadata.labels['a.b']", &data), Some(json!(1)));
        assert_eq!(first(".metadata.labels['app.kubernetes.io/name']", &data), None);
    }

    #[test]
    fn slices_follow_client_go() {
        let data = json!({"a": [0, 1, 2, 3, 4]});
        assert_eq!(first(".a[-1]", &data), Some(json!(4)));
        assert_eq!(first(".a[1:]", &data), Some(json!(1)));
        assert_eq!(first(".a[-2:]", &data), Some(json!(3)));
        assert_eq!(first(".a[1::2]", &data), Some(json!(1)));
        assert_eq!(first(".a[5]", &data), None);
        assert_eq!(first(".a[*]", &data), Some(json!(0)));
        assert_eq!(first(".a[3,1]", &data), Some(json!(3)));
        assert_eq!(first(".a[2:2]", &data), None);
        assert_eq!(first(".a[0:1:0]", &data), None);
        assert_eq!(first(".b[0]", &data), None);
        assert_eq!(first(".a[0].x", &data), None);
    }

    #[test]
    fn filters() {
        let data = json!({"status": {"conditions": [
            {"type": "Available", "status": "False"},
            {"type": "Ready", "status": "True", "n": 3}
        ]}});
        assert_eq!(first(r#".status.conditions[?(@.type=="Ready")].status"#, &data), Some(json!("True")));
        assert_eq!(first(".status.conditions[?(@.type == 'Ready')].status", &data), Some(json!("True")));
        assert_eq!(first(".status.conditions[?(@.type!='Ready')].type", &data), Some(json!("Available")));
        assert_eq!(first(".status.conditions[?(@.n)].type", &data), Some(json!("Ready")));
        assert_eq!(first(".status.conditions[?(@.n>2)].type", &data), Some(json!("Ready")));
        // Comparing a string with a number is an error in Go templates.
        assert_eq!(first(".status.conditions[?(@.type>2)].type", &data), None);
        assert_eq!(first(".status[?(@.type=='Ready')]", &data), None);
    }

    #[test]
    fn recursive_descent_and_wildcards() {
        let data = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b"}]}});
        assert_eq!(first("..name", &data), Some(json!("a")));
        assert_eq!(first(".spec.containers[*].name", &data), Some(json!("a")));
        assert_eq!(first(".spec.*", &data), Some(data["spec"]["containers"].clone()));
        assert_eq!(first("..image", &data), Some(json!("x")));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            ".a[",
            ".a[x]",
            ".a[?(@.b==1]",
            "....a",
            ".a[1:2:3:4]",
            ".a[-]",
            ".a[\"k\"]",
            ".a[0]#",
            ".a\n",
            ".a 'unterminated",
            ".a[?(@.b=='x\\q')]",
        ] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let path = format!(".a{}", "[?(@.b".repeat(100));
        assert!(JsonPath::parse(&path).is_err());
    }
}
