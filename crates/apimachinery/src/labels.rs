//! Label selectors: the query-string form (`?labelSelector=`) parsed, matched and printed as
//! kube-apiserver does (`k8s.io/apimachinery/pkg/labels`), and the `metav1.LabelSelector`
//! object form (`matchLabels`, `matchExpressions`) converted to the same [`LabelSelector`].
//!
//! ```
//! use concord_apimachinery::labels::LabelSelector;
//! use serde_json::json;
//!
//! let selector = LabelSelector::parse("app=web, tier notin (db), !canary")?;
//! let labels = json!({"app": "web", "tier": "front"});
//! assert!(selector.matches(labels.as_object().unwrap()));
//! assert_eq!(selector.to_string(), "app=web,!canary,tier notin (db)");
//! # Ok::<(), concord_apimachinery::labels::SelectorError>(())
//! ```

use crate::field::{self, BadValue, FieldError};
use crate::gofmt;
use crate::names::{is_qualified_name, is_valid_label_value};
use serde_json::{Map, Value};
use std::fmt;

/// A label selector that could not be parsed or converted; the message is kube-apiserver's,
/// which answers it as a 400 BadRequest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(String);

/// How a [`Requirement`] relates a label to its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `key=value`
    Equals,
    /// `key==value`
    DoubleEquals,
    /// `key!=value`: the label is absent or has another value.
    NotEquals,
    /// `key in (a,b)`
    In,
    /// `key notin (a,b)`: the label is absent or has none of the values.
    NotIn,
    /// `key`
    Exists,
    /// `!key`
    DoesNotExist,
    /// `key>5`: the label is an integer greater than the value.
    GreaterThan,
    /// `key<5`: the label is an integer less than the value.
    LessThan,
}

/// One condition of a selector: a key, an operator and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// Builds a requirement with kube's checks (`labels.NewRequirement`): the key a qualified
    /// name, the number of values right for the operator, `Gt`/`Lt` values integers, and every
    /// value a valid label value.
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Requirement, SelectorError> {
        let mut errs = Vec::new();
        let key_errors = is_qualified_name(key);
        if !key_errors.is_empty() {
            errs.push(FieldError::invalid("key", key, key_errors.join("; ")));
        }
        let values_json =
            || BadValue::Json(Value::Array(values.iter().cloned().map(Value::String).collect()));
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                errs.push(FieldError::invalid(
                    "values",
                    BadValue::Json(Value::Null),
                    "for 'in', 'notin' operators, values set can't be empty",
                ));
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if values.len() != 1 => {
                errs.push(FieldError::invalid(
                    "values",
                    values_json(),
                    "exact-match compatibility requires one single value",
                ));
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                errs.push(FieldError::invalid(
                    "values",
                    values_json(),
                    "values set must be empty for exists and does not exist",
                ));
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(FieldError::invalid(
                        "values",
                        values_json(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, value) in values.iter().enumerate() {
                    if value.parse::<i64>().is_err() {
                        errs.push(FieldError::invalid(
                            format!("values[{i}]"),
                            value.as_str(),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, value) in values.iter().enumerate() {
            let value_errors = is_valid_label_value(value);
            if !value_errors.is_empty() {
                errs.push(FieldError::invalid(
                    format!("values[{i}][{key}]"),
                    value.as_str(),
                    value_errors.join("; "),
                ));
            }
        }
        if errs.is_empty() {
            Ok(Requirement { key: key.to_owned(), operator, values })
        } else {
            Err(SelectorError(field::aggregate(errs.iter().map(ToString::to_string))))
        }
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values (sorted and without duplicates when parsed from a string).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether a set of labels, given by its lookup, satisfies this requirement.
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => get(&self.key).is_some_and(has),
            Operator::NotIn | Operator::NotEquals => get(&self.key).is_none_or(|v| !has(v)),
            Operator::Exists => get(&self.key).is_some(),
            Operator::DoesNotExist => get(&self.key).is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(label), [bound]) = (get(&self.key), self.values.as_slice()) else {
                    return false;
                };
                match (label.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(label), Ok(bound)) if self.operator == Operator::GreaterThan => label > bound,
                    (Ok(label), Ok(bound)) => label < bound,
                    _ => false,
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        f.write_str(op)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector: requirements that must all hold, sorted by key. The empty selector matches
/// everything; [`LabelSelector::nothing`] matches nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl LabelSelector {
    /// Parses the query-string form, e.g. `app=web,tier!=db,env in (a,b),x notin (y),has,!gone`.
    pub fn parse(s: &str) -> Result<LabelSelector, SelectorError> {
        let mut parser = Parser { items: Lexer { s: s.as_bytes(), pos: 0 }.scan(), position: 0 };
        let mut requirements = parser.parse()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(LabelSelector { requirements, nothing: false })
    }

    /// The selector that matches every set of labels.
    pub fn everything() -> LabelSelector {
        LabelSelector::default()
    }

    /// The selector that matches no set of labels (a `null` `metav1.LabelSelector`).
    pub fn nothing() -> LabelSelector {
        LabelSelector { requirements: Vec::new(), nothing: true }
    }

    /// Whether the selector restricts nothing.
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether a `metadata.labels` map satisfies the selector; values that are not strings count
    /// as absent.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        self.matches_with(|key| labels.get(key).and_then(Value::as_str))
    }

    /// Whether a set of labels, given by its lookup, satisfies the selector.
    pub fn matches_with<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(&get))
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Converts a `metav1.LabelSelector` object (`matchLabels` and `matchExpressions` with `In`,
/// `NotIn`, `Exists`, `DoesNotExist`) as kube's `LabelSelectorAsSelector`: `null` selects
/// nothing, `{}` everything.
pub fn from_label_selector_json(selector: &Value) -> Result<LabelSelector, SelectorError> {
    let object = match selector {
        Value::Null => return Ok(LabelSelector::nothing()),
        Value::Object(object) => object,
        other => return Err(SelectorError(format!("a label selector must be an object, not {other}"))),
    };
    let mut requirements = Vec::new();
    if let Some(match_labels) = object.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in match_labels {
            let value = value.as_str().unwrap_or_default().to_owned();
            requirements.push(Requirement::new(key, Operator::Equals, vec![value])?);
        }
    }
    let expressions = object.get("matchExpressions").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    for expression in expressions {
        let key = expression.get("key").and_then(Value::as_str).unwrap_or_default();
        let operator = expression.get("operator").and_then(Value::as_str).unwrap_or_default();
        let operator = match operator {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                return Err(SelectorError(format!(
                    "{} is not a valid label selector operator",
                    gofmt::quote(other)
                )));
            }
        };
        let values: Vec<String> = expression
            .get("values")
            .and_then(Value::as_array)
            .map(|values| values.iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default();
        requirements.push(Requirement::new(key, operator, values)?);
    }
    requirements.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(LabelSelector { requirements, nothing: false })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// kube's byte lexer, including its treatment of a NUL byte as the end of the current token.
struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn read(&mut self) -> u8 {
        match self.s.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => 0,
        }
    }

    fn scan(mut self) -> Vec<(Token, String)> {
        let mut items = Vec::new();
        loop {
            let item = self.lex();
            let end = item.0 == Token::EndOfString;
            items.push(item);
            if end {
                return items;
            }
        }
    }

    fn lex(&mut self) -> (Token, String) {
        let mut ch = self.read();
        while is_whitespace(ch) {
            ch = self.read();
        }
        if ch == 0 {
            return (Token::EndOfString, String::new());
        }
        if is_special(ch) {
            let next = self.s.get(self.pos).copied();
            let (token, literal) = match (ch, next) {
                (b'!', Some(b'=')) => (Token::NotEquals, "!="),
                (b'=', Some(b'=')) => (Token::DoubleEquals, "=="),
                (b'!', _) => (Token::DoesNotExist, "!"),
                (b'=', _) => (Token::Equals, "="),
                (b'(', _) => (Token::OpenPar, "("),
                (b')', _) => (Token::ClosedPar, ")"),
                (b',', _) => (Token::Comma, ","),
                (b'>', _) => (Token::GreaterThan, ">"),
                (_, _) => (Token::LessThan, "<"),
            };
            self.pos += literal.len() - 1;
            return (token, literal.to_owned());
        }
        let mut buffer = vec![ch];
        loop {
            match self.read() {
                0 => break,
                b if is_special(b) || is_whitespace(b) => {
                    self.pos -= 1;
                    break;
                }
                b => buffer.push(b),
            }
        }
        // Identifiers end at ASCII bytes, so the bytes are whole UTF-8 characters.
        let literal = String::from_utf8_lossy(&buffer).into_owned();
        let token = match literal.as_str() {
            "in" => Token::In,
            "notin" => Token::NotIn,
            _ => Token::Identifier,
        };
        (token, literal)
    }
}

/// Whether `in` and `notin` are keywords (after a key) or plain identifiers (keys, values).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

fn syntax(message: String) -> SelectorError {
    SelectorError(message)
}

impl Parser {
    fn lookahead(&self, context: Context) -> (Token, String) {
        let (token, literal) =
            self.items.get(self.position).cloned().unwrap_or((Token::EndOfString, String::new()));
        match token {
            Token::In | Token::NotIn if context == Context::Values => (Token::Identifier, literal),
            _ => (token, literal),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        let item = self.lookahead(context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, SelectorError> {
        let mut requirements = Vec::new();
        loop {
            let (token, literal) = self.lookahead(Context::Values);
            match token {
                Token::Identifier | Token::DoesNotExist => {
                    let requirement = self
                        .parse_requirement()
                        .map_err(|e| SelectorError(format!("unable to parse requirement: {e}")))?;
                    requirements.push(requirement);
                    let (token, literal) = self.consume(Context::Values);
                    match token {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (next, literal) = self.lookahead(Context::Values);
                            if next != Token::Identifier && next != Token::DoesNotExist {
                                return Err(syntax(format!(
                                    "found '{literal}', expected: identifier after ','"
                                )));
                            }
                        }
                        _ => {
                            return Err(syntax(format!(
                                "found '{literal}', expected: ',' or 'end of string'"
                            )));
                        }
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(syntax(format!(
                        "found '{literal}', expected: !, identifier, or 'end of string'"
                    )));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, SelectorError> {
        let (key, operator) = self.parse_key_and_infer_operator()?;
        if let Some(operator) = operator {
            return Requirement::new(&key, operator, Vec::new());
        }
        let operator = self.parse_operator()?;
        let mut values = match operator {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => vec![self.parse_exact_value()?],
        };
        values.sort();
        values.dedup();
        Requirement::new(&key, operator, values)
    }

    /// The key, and `Exists`/`DoesNotExist` when no binary operator follows.
    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), SelectorError> {
        let (mut token, mut literal) = self.consume(Context::Values);
        let negated = token == Token::DoesNotExist;
        if negated {
            (token, literal) = self.consume(Context::Values);
        }
        if token != Token::Identifier {
            return Err(syntax(format!("found '{literal}', expected: identifier")));
        }
        let key_errors = is_qualified_name(&literal);
        if !key_errors.is_empty() {
            return Err(SelectorError(
                FieldError::invalid("<nil>", literal.as_str(), key_errors.join("; ")).to_string(),
            ));
        }
        let (next, _) = self.lookahead(Context::Values);
        let operator = if negated {
            Some(Operator::DoesNotExist)
        } else if next == Token::EndOfString || next == Token::Comma {
            Some(Operator::Exists)
        } else {
            None
        };
        Ok((literal, operator))
    }

    fn parse_operator(&mut self) -> Result<Operator, SelectorError> {
        let (token, literal) = self.consume(Context::KeyAndOperator);
        Ok(match token {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => return Err(syntax(format!("found '{literal}', expected: in, notin, =, ==, !=, gt, lt"))),
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, SelectorError> {
        let (token, literal) = self.consume(Context::Values);
        if token != Token::OpenPar {
            return Err(syntax(format!("found '{literal}' expected: '('")));
        }
        let (token, literal) = self.lookahead(Context::Values);
        match token {
            Token::Identifier | Token::Comma => {
                // The list ends only before ')', which is consumed here.
                let values = self.parse_identifiers_list()?;
                self.consume(Context::Values);
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(syntax(format!("found '{literal}', expected: ',', ')' or identifier"))),
        }
    }

    /// A comma-separated list of possibly empty values, up to (not including) `)`.
    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, SelectorError> {
        let mut values: Vec<String> = Vec::new();
        loop {
            let (token, literal) = self.consume(Context::Values);
            match token {
                Token::Identifier => {
                    values.push(literal);
                    let (next, literal) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(values),
                        _ => return Err(syntax(format!("found '{literal}', expected: ',' or ')'"))),
                    }
                }
                Token::Comma => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    match self.lookahead(Context::Values).0 {
                        Token::ClosedPar => {
                            values.push(String::new());
                            return Ok(values);
                        }
                        Token::Comma => {
                            self.consume(Context::Values);
                            values.push(String::new());
                        }
                        _ => {}
                    }
                }
                _ => return Err(syntax(format!("found '{literal}', expected: ',', or identifier"))),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<String, SelectorError> {
        let (token, _) = self.lookahead(Context::Values);
        if token == Token::EndOfString || token == Token::Comma {
            return Ok(String::new());
        }
        let (token, literal) = self.consume(Context::Values);
        if token == Token::Identifier {
            Ok(literal)
        } else {
            Err(syntax(format!("found '{literal}', expected: identifier")))
        }
    }
}
