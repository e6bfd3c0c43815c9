//! The conversion of decoded protobuf messages into Kubernetes JSON.
//!
//! Go's protobuf encoder writes every non-pointer field, zero or not, and a pointer field only
//! when it is set; Go's JSON encoder then drops zero values of `omitempty` fields. A field
//! therefore follows one of three rules, chosen per field in [`messages!`]:
//!
//! - by default (a value field with `omitempty`), a zero scalar, an empty list and an empty map
//!   are left out;
//! - `#[always]` (a pointer, or a field without `omitempty`), a scalar on the wire is written
//!   even when zero, so `replicas: 0` and `automountServiceAccountToken: false` survive, and an
//!   empty list or map is written as Go writes its nil, `null`;
//! - `#[inline]` (an embedded Go struct, `json:",inline"`), the message's fields are written
//!   into the parent object, as `Volume` does with `VolumeSource`;
//! - `#[skip]` (a field k8s-pb still has but Kubernetes 1.36, the version Concord serves, has
//!   dropped), the field is left out, as a 1.36 server's decoder skips its unknown tag.
//!
//! A message on the wire is always written (Go never omits a struct), which is why a decoded
//! Namespace has `spec: {}`. An empty list or map is not on the wire at all, and Go decodes it
//! as nil.
//!
//! Nesting is bounded: prost refuses messages nested deeper than its recursion limit (100), and
//! no converted type is recursive.

use std::collections::BTreeMap;

use base64::Engine as _;
use k8s_pb::apimachinery::pkg::api::resource::Quantity;
use k8s_pb::apimachinery::pkg::apis::meta::v1::{FieldsV1, MicroTime, Time};
use k8s_pb::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Map, Value};

/// A value that cannot be written as JSON, with the path of the field that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    /// Path segments, innermost first (they are added while the error travels outwards).
    path: Vec<Segment>,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Field(&'static str),
    Index(usize),
    Key(String),
}

impl Invalid {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self { path: Vec::new(), message: message.into() }
    }

    fn at(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }
}

impl std::fmt::Display for Invalid {
    /// Renders `spec.ports[0].targetPort: message`, the way Kubernetes names fields.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => write!(f, "[{key}]")?,
            }
            first = false;
        }
        if !first {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

/// A decoded protobuf value with a JSON form.
pub(crate) trait ToJson {
    /// The value as Kubernetes JSON.
    fn to_json(&self) -> Result<Value, Invalid>;

    /// Whether Go's `omitempty` leaves the value out: zero scalars do, structs never do.
    fn is_zero(&self) -> bool {
        false
    }
}

/// A protobuf message written as a JSON object.
pub(crate) trait Message {
    /// Writes the message's fields into `out` (its own object, or its parent's when inlined).
    fn write_fields(&self, out: &mut Map<String, Value>) -> Result<(), Invalid>;
}

impl<M: Message> ToJson for M {
    fn to_json(&self) -> Result<Value, Invalid> {
        let mut out = Map::new();
        self.write_fields(&mut out)?;
        Ok(Value::Object(out))
    }
}

/// A struct field by its protobuf shape: optional, repeated or map.
pub(crate) trait Field {
    /// The field's JSON, or `None` when Go's `omitempty` leaves it out.
    fn field_json(&self) -> Result<Option<Value>, Invalid>;

    /// The field's JSON without `omitempty`, or `None` when an optional field is not on the
    /// wire (a nil pointer). An empty list or map is Go's nil, which such a field writes as
    /// `null`.
    fn always_json(&self) -> Result<Option<Value>, Invalid> {
        Ok(Some(self.field_json()?.unwrap_or(Value::Null)))
    }
}

impl<T: ToJson> Field for Option<T> {
    fn field_json(&self) -> Result<Option<Value>, Invalid> {
        match self {
            Some(value) if !value.is_zero() => value.to_json().map(Some),
            _ => Ok(None),
        }
    }

    fn always_json(&self) -> Result<Option<Value>, Invalid> {
        self.as_ref().map(ToJson::to_json).transpose()
    }
}

impl<T: ToJson> Field for Vec<T> {
    fn field_json(&self) -> Result<Option<Value>, Invalid> {
        if self.is_empty() {
            return Ok(None);
        }
        let items = self
            .iter()
            .enumerate()
            .map(|(index, item)| item.to_json().map_err(|e| e.at(Segment::Index(index))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Value::Array(items)))
    }
}

impl<T: ToJson> Field for BTreeMap<String, T> {
    fn field_json(&self) -> Result<Option<Value>, Invalid> {
        if self.is_empty() {
            return Ok(None);
        }
        let mut out = Map::new();
        for (key, value) in self {
            let value = value.to_json().map_err(|e| e.at(Segment::Key(key.clone())))?;
            out.insert(key.clone(), value);
        }
        Ok(Some(Value::Object(out)))
    }
}

/// Writes a default-rule field (see the module docs).
pub(crate) fn put(
    out: &mut Map<String, Value>,
    name: &'static str,
    field: &impl Field,
) -> Result<(), Invalid> {
    if let Some(value) = field.field_json().map_err(|e| e.at(Segment::Field(name)))? {
        out.insert(name.to_owned(), value);
    }
    Ok(())
}

/// Writes an `#[always]` field: present on the wire means present in JSON, zero or not.
pub(crate) fn put_always(
    out: &mut Map<String, Value>,
    name: &'static str,
    field: &impl Field,
) -> Result<(), Invalid> {
    if let Some(value) = field.always_json().map_err(|e| e.at(Segment::Field(name)))? {
        out.insert(name.to_owned(), value);
    }
    Ok(())
}

/// Writes an `#[inline]` field's own fields into the parent object.
pub(crate) fn put_inline<M: Message>(out: &mut Map<String, Value>, field: &Option<M>) -> Result<(), Invalid> {
    match field {
        Some(message) => message.write_fields(out),
        None => Ok(()),
    }
}

/// The JSON name of a field without an explicit one: the protobuf name (which Kubernetes takes
/// from the JSON name) in lower camel case, as prost's snake case Rust name spells it.
pub(crate) fn camel_case(rust_name: &'static str) -> String {
    let name = rust_name.strip_prefix("r#").unwrap_or(rust_name);
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl ToJson for String {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::String(self.clone()))
    }

    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::Bool(*self))
    }

    fn is_zero(&self) -> bool {
        !*self
    }
}

impl ToJson for i32 {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::from(*self))
    }

    fn is_zero(&self) -> bool {
        *self == 0
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::from(*self))
    }

    fn is_zero(&self) -> bool {
        *self == 0
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Result<Value, Invalid> {
        // Go's encoder refuses NaN and infinities the same way.
        serde_json::Number::from_f64(*self)
            .map(Value::Number)
            .ok_or_else(|| Invalid::new(format!("unsupported value: {self}")))
    }

    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

/// Protobuf `bytes` are Go `[]byte`, which JSON writes as standard padded base64.
impl ToJson for Vec<u8> {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(self)))
    }

    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

/// `resource.Quantity` is its canonical string; a quantity without one is Go's zero, `"0"`.
/// The string is passed on unparsed: the JSON decoder that reads the result checks it, as
/// kube-apiserver's protobuf decoder does.
impl ToJson for Quantity {
    fn to_json(&self) -> Result<Value, Invalid> {
        Ok(Value::String(self.string.clone().unwrap_or_else(|| "0".to_owned())))
    }
}

/// `intstr.IntOrString`: type 0 is the integer, type 1 the string.
impl ToJson for IntOrString {
    fn to_json(&self) -> Result<Value, Invalid> {
        match self.r#type.unwrap_or(0) {
            0 => Ok(Value::from(self.int_val.unwrap_or(0))),
            1 => Ok(Value::String(self.str_val.clone().unwrap_or_default())),
            other => Err(Invalid::new(format!("impossible IntOrString.Type {other}"))),
        }
    }
}

/// `metav1.FieldsV1` carries its JSON verbatim.
impl ToJson for FieldsV1 {
    fn to_json(&self) -> Result<Value, Invalid> {
        let raw = self.raw.as_deref().unwrap_or_default();
        serde_json::from_slice(raw).map_err(|e| Invalid::new(format!("invalid fieldsV1: {e}")))
    }
}

/// `metav1.Time`: RFC 3339 in UTC with whole seconds; Go's zero time (an empty message on the
/// wire) is `null`.
impl ToJson for Time {
    fn to_json(&self) -> Result<Value, Invalid> {
        timestamp(self.seconds, self.nanos, chrono::SecondsFormat::Secs)
    }
}

/// `metav1.MicroTime`: RFC 3339 in UTC with six fractional digits; zero is `null`.
impl ToJson for MicroTime {
    fn to_json(&self) -> Result<Value, Invalid> {
        timestamp(self.seconds, self.nanos, chrono::SecondsFormat::Micros)
    }
}

fn timestamp(
    seconds: Option<i64>,
    nanos: Option<i32>,
    format: chrono::SecondsFormat,
) -> Result<Value, Invalid> {
    if seconds.is_none() && nanos.is_none() {
        return Ok(Value::Null);
    }
    let seconds = seconds.unwrap_or(0);
    let nanos = i64::from(nanos.unwrap_or(0));
    // Go's time.Unix accepts nanoseconds outside [0, 1e9) and carries them into the seconds.
    let time = seconds
        .checked_add(nanos.div_euclid(1_000_000_000))
        .and_then(|secs| {
            let subsec = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
            chrono::DateTime::from_timestamp(secs, subsec)
        })
        .filter(|time| (0..=9999).contains(&chrono::Datelike::year(time)))
        .ok_or_else(|| Invalid::new(format!("time {seconds}s {nanos}ns is outside the years 0 to 9999")))?;
    Ok(Value::String(time.to_rfc3339_opts(format, true)))
}

/// Implements [`ToJson`] for a message that wraps a Go `[]string` (`ExtraValue`), which JSON
/// writes as the list itself; a nil list is Go's `null`.
macro_rules! string_list {
    ($ty:ident) => {
        impl $crate::json::ToJson for $ty {
            fn to_json(&self) -> Result<::serde_json::Value, $crate::json::Invalid> {
                Ok(if self.items.is_empty() {
                    ::serde_json::Value::Null
                } else {
                    ::serde_json::Value::from(self.items.clone())
                })
            }
        }

        #[cfg(test)]
        impl $crate::json::tests::Sample for $ty {
            fn sample() -> Self {
                $ty { items: $crate::json::tests::Sample::sample() }
            }
        }
    };
}
pub(crate) use string_list;

/// Defines how messages convert, one entry per type:
/// `Type { field, #[always] field, #[inline] field, field = "jsonName" }`.
///
/// Every field of the prost struct must be listed (the struct is destructured without `..`), so
/// a k8s-pb upgrade that adds a field fails to compile until the field is converted. A field's
/// JSON name is its camel-cased Rust name unless given (acronyms: `host_ip = "hostIP"`).
macro_rules! messages {
    ($(
        $ty:ident {
            $( $(#[$mark:ident])? $field:ident $(= $json:literal)? ),* $(,)?
        }
    )*) => {$(
        impl $crate::json::Message for $ty {
            fn write_fields(
                &self,
                out: &mut ::serde_json::Map<String, ::serde_json::Value>,
            ) -> Result<(), $crate::json::Invalid> {
                let $ty { $($field),* } = self;
                $( messages!(@field out, $field, [$($mark)?], [$($json)?]); )*
                Ok(())
            }
        }

        #[cfg(test)]
        impl $crate::json::tests::Sample for $ty {
            fn sample() -> Self {
                $ty { $($field: messages!(@sample [$($mark)?])),* }
            }
        }
    )*};
    (@sample [skip]) => { Default::default() };
    (@sample [$($mark:ident)?]) => { $crate::json::tests::Sample::sample() };
    (@name $field:ident, []) => {{
        static NAME: ::std::sync::LazyLock<String> =
            ::std::sync::LazyLock::new(|| $crate::json::camel_case(stringify!($field)));
        NAME.as_str()
    }};
    (@name $field:ident, [$json:literal]) => { $json };
    (@field $out:ident, $field:ident, [], [$($json:literal)?]) => {
        $crate::json::put($out, messages!(@name $field, [$($json)?]), $field)?
    };
    (@field $out:ident, $field:ident, [always], [$($json:literal)?]) => {
        $crate::json::put_always($out, messages!(@name $field, [$($json)?]), $field)?
    };
    (@field $out:ident, $field:ident, [inline], []) => {
        $crate::json::put_inline($out, $field)?
    };
    (@field $out:ident, $field:ident, [skip], []) => {
        let _ = $field;
    };
}
pub(crate) use messages;

#[cfg(test)]
pub(crate) mod tests {
    //! Sample values that set every field, so that tests can check every JSON name.

    use super::*;

    /// A value with every field set to something non-zero.
    pub(crate) trait Sample {
        fn sample() -> Self;
    }

    impl Sample for String {
        fn sample() -> Self {
            "sample".to_owned()
        }
    }

    impl Sample for bool {
        fn sample() -> Self {
            true
        }
    }

    impl Sample for i32 {
        fn sample() -> Self {
            7
        }
    }

    impl Sample for i64 {
        fn sample() -> Self {
            9
        }
    }

    impl Sample for f64 {
        fn sample() -> Self {
            0.5
        }
    }

    impl Sample for u8 {
        fn sample() -> Self {
            0xfe
        }
    }

    impl<T: Sample> Sample for Option<T> {
        fn sample() -> Self {
            Some(T::sample())
        }
    }

    impl<T: Sample> Sample for Vec<T> {
        fn sample() -> Self {
            vec![T::sample()]
        }
    }

    impl<T: Sample> Sample for BTreeMap<String, T> {
        fn sample() -> Self {
            BTreeMap::from([("key".to_owned(), T::sample())])
        }
    }

    impl Sample for Quantity {
        fn sample() -> Self {
            Self { string: Some("100m".to_owned()) }
        }
    }

    impl Sample for IntOrString {
        fn sample() -> Self {
            Self { r#type: Some(1), int_val: None, str_val: Some("http".to_owned()) }
        }
    }

    impl Sample for FieldsV1 {
        fn sample() -> Self {
            Self { raw: Some(br#"{"f:metadata":{"f:labels":{".":{}}}}"#.to_vec()) }
        }
    }

    impl Sample for Time {
        fn sample() -> Self {
            Self { seconds: Some(1_795_514_400), nanos: Some(0) }
        }
    }

    impl Sample for MicroTime {
        fn sample() -> Self {
            Self { seconds: Some(1_795_514_400), nanos: Some(123_456_789) }
        }
    }

    fn json(value: &impl ToJson) -> Result<Value, String> {
        value.to_json().map_err(|e| e.to_string())
    }

    #[test]
    fn camel_case_follows_prost_names() {
        assert_eq!(camel_case("metadata"), "metadata");
        assert_eq!(camel_case("r#type"), "type");
        assert_eq!(camel_case("termination_grace_period_seconds"), "terminationGracePeriodSeconds");
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        let time = Time { seconds: Some(1_795_514_400), nanos: Some(999_999_999) };
        assert_eq!(json(&time), Ok(Value::from("2026-11-24T10:00:00Z")));
        let micro = MicroTime { seconds: Some(1_795_514_400), nanos: Some(123_456_789) };
        assert_eq!(json(&micro), Ok(Value::from("2026-11-24T10:00:00.123456Z")));
        let epoch = MicroTime { seconds: Some(0), nanos: None };
        assert_eq!(json(&epoch), Ok(Value::from("1970-01-01T00:00:00.000000Z")));
    }

    #[test]
    fn zero_time_is_null_and_nanoseconds_carry() {
        assert_eq!(json(&Time::default()), Ok(Value::Null));
        let carried = Time { seconds: Some(10), nanos: Some(-1) };
        assert_eq!(json(&carried), Ok(Value::from("1970-01-01T00:00:09Z")));
    }

    #[test]
    fn times_outside_four_digit_years_are_invalid() {
        let outside = [
            (i64::MAX, i32::MAX),
            (i64::MIN, i32::MIN),
            (-62_167_219_201, 0),
            (253_402_300_800, 0),
            (-62_167_219_200, -1),
        ];
        for (seconds, nanos) in outside {
            let time = Time { seconds: Some(seconds), nanos: Some(nanos) };
            assert!(json(&time).is_err(), "{seconds}s {nanos}ns");
        }
        let last = Time { seconds: Some(253_402_300_800), nanos: Some(-1) };
        assert_eq!(json(&last), Ok(Value::from("9999-12-31T23:59:59Z")));
        let year_zero = Time { seconds: Some(-62_167_219_200), nanos: None };
        assert_eq!(json(&year_zero), Ok(Value::from("0000-01-01T00:00:00Z")));
    }

    #[test]
    fn int_or_string_follows_its_type() {
        let int = IntOrString { r#type: Some(0), int_val: Some(8080), str_val: Some("ignored".to_owned()) };
        assert_eq!(json(&int), Ok(Value::from(8080)));
        assert_eq!(json(&IntOrString::default()), Ok(Value::from(0)));
        assert_eq!(json(&IntOrString::sample()), Ok(Value::from("http")));
        let bad = IntOrString { r#type: Some(2), ..IntOrString::default() };
        assert_eq!(json(&bad), Err("impossible IntOrString.Type 2".to_owned()));
    }

    #[test]
    fn quantities_bytes_and_fields() {
        assert_eq!(json(&Quantity::default()), Ok(Value::from("0")));
        assert_eq!(json(&Quantity::sample()), Ok(Value::from("100m")));
        assert_eq!(json(&vec![0u8, 0xff, 0x10]), Ok(Value::from("AP8Q")));
        assert_eq!(json(&FieldsV1::sample()), Ok(serde_json::json!({"f:metadata": {"f:labels": {".": {}}}})));
        let broken = FieldsV1 { raw: Some(b"{".to_vec()) };
        assert!(json(&broken).is_err_and(|e| e.starts_with("invalid fieldsV1: ")));
    }

    #[test]
    fn fields_follow_omitempty() {
        let mut out = Map::new();
        put(&mut out, "empty", &Some(String::new())).ok();
        put(&mut out, "zero", &Some(0i32)).ok();
        put(&mut out, "no", &Some(false)).ok();
        put(&mut out, "none", &None::<String>).ok();
        put(&mut out, "list", &Vec::<String>::new()).ok();
        put(&mut out, "map", &BTreeMap::<String, String>::new()).ok();
        assert!(out.is_empty(), "{out:?}");
        put_always(&mut out, "replicas", &Some(0i32)).ok();
        put_always(&mut out, "suspend", &Some(false)).ok();
        put_always(&mut out, "unset", &None::<i32>).ok();
        put_always(&mut out, "rules", &Vec::<String>::new()).ok();
        put_always(&mut out, "data", &BTreeMap::<String, String>::new()).ok();
        put(&mut out, "names", &vec!["a".to_owned()]).ok();
        let expected = serde_json::json!({
            "replicas": 0, "suspend": false, "rules": null, "data": null, "names": ["a"],
        });
        assert_eq!(Value::Object(out), expected);
    }

    #[test]
    fn errors_name_the_field_path() {
        use k8s_pb::api::core::v1::{Service, ServicePort, ServiceSpec};
        use k8s_pb::apimachinery::pkg::apis::meta::v1::{ManagedFieldsEntry, ObjectMeta};

        let port = ServicePort {
            target_port: Some(IntOrString { r#type: Some(5), ..IntOrString::default() }),
            ..ServicePort::default()
        };
        let service = Service {
            spec: Some(ServiceSpec { ports: vec![ServicePort::default(), port], ..ServiceSpec::default() }),
            ..Service::default()
        };
        assert_eq!(json(&service), Err("spec.ports[1].targetPort: impossible IntOrString.Type 5".to_owned()));
        let managed = ObjectMeta {
            managed_fields: vec![ManagedFieldsEntry {
                fields_v1: Some(FieldsV1::default()),
                ..ManagedFieldsEntry::default()
            }],
            ..ObjectMeta::default()
        };
        assert!(json(&managed).is_err_and(|e| e.starts_with("managedFields[0].fieldsV1: invalid")));
        let keyed = BTreeMap::from([("cpu".to_owned(), FieldsV1::default())]);
        assert!(keyed.field_json().is_err_and(|e| e.to_string().starts_with("[cpu]: invalid fieldsV1")));
    }
}
