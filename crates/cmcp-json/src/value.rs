//! The JSON data model: exact integers, binary64 floats, ordered objects.

use std::fmt;

/// A JSON integer of any size, kept exactly as parsed.
///
/// Values that fit in an `i64` are stored inline; larger ones keep their
/// canonical decimal text (no sign for zero, no leading zeros).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Int {
    /// Fits in a signed 64-bit integer.
    Small(i64),
    /// Canonical decimal text of a value outside the `i64` range.
    Big(Box<str>),
}

impl Int {
    /// The value as an `i64`, if it fits.
    ///
    /// ```
    /// use cmcp_json::Int;
    /// assert_eq!(Int::Small(7).as_i64(), Some(7));
    /// assert_eq!(Int::Big("18446744073709551616".into()).as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Int::Small(v) => Some(*v),
            Int::Big(_) => None,
        }
    }

    /// The value as a `u64`, if it is non-negative and fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Int::Small(v) => u64::try_from(*v).ok(),
            Int::Big(t) => t.parse::<u64>().ok(),
        }
    }

    /// True when the value is below zero.
    pub fn is_negative(&self) -> bool {
        match self {
            Int::Small(v) => *v < 0,
            Int::Big(t) => t.starts_with('-'),
        }
    }

    /// Builds an integer from canonical decimal text (as produced by the parser).
    pub(crate) fn from_canonical_text(text: &str) -> Int {
        match text.parse::<i64>() {
            Ok(v) => Int::Small(v),
            Err(_) => Int::Big(text.into()),
        }
    }

    /// Compares with a small integer.
    pub fn cmp_i64(&self, other: i64) -> std::cmp::Ordering {
        match self {
            Int::Small(v) => v.cmp(&other),
            Int::Big(t) => {
                if t.starts_with('-') {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            }
        }
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Int::Small(v) => write!(f, "{v}"),
            Int::Big(t) => f.write_str(t),
        }
    }
}

/// A JSON object with members in input order. Member names are unique
/// (the parser rejects duplicates).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object::default()
    }

    /// Builds an object from members, which the caller guarantees to be unique.
    pub fn from_members(members: Vec<(String, Value)>) -> Self {
        Object { members }
    }

    /// The member named `name`.
    ///
    /// ```
    /// let v = cmcp_json::parse(br#"{"a":1}"#).unwrap();
    /// assert!(v.as_object().unwrap().get("a").is_some());
    /// ```
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The member named `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.members
            .iter_mut()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// True when a member named `name` exists (even if it is `null`).
    pub fn contains(&self, name: &str) -> bool {
        self.members.iter().any(|(k, _)| k == name)
    }

    /// Members in input order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when the object has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Sets a member, replacing an existing one of the same name.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        let name = name.into();
        if let Some(slot) = self.members.iter_mut().find(|(k, _)| *k == name) {
            slot.1 = value;
        } else {
            self.members.push((name, value));
        }
    }

    /// Removes and returns a member.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let pos = self.members.iter().position(|(k, _)| k == name)?;
        Some(self.members.remove(pos).1)
    }

    /// Members as a slice, in input order.
    pub fn members(&self) -> &[(String, Value)] {
        &self.members
    }
}

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number token without fraction or exponent.
    Int(Int),
    /// A number token with a fraction or exponent, as the nearest finite binary64.
    Float(f64),
    /// A string (always valid Unicode: lone surrogates are rejected by the parser).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

impl Value {
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is a JSON integer (not a float, not a boolean).
    pub fn as_int(&self) -> Option<&Int> {
        match self {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Looks up a member when this is an object.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(name))
    }

    /// A short name of the JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Int::Small(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
