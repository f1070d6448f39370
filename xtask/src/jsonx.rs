//! Small JSON helpers over `cmcp_json::Value`: building, path edits and a
//! stable pretty printer (insertion order, ASCII escapes, 2-space indent).

use cmcp_verify::json::canonical::{pyjson_string, pyjson_vec};
use cmcp_verify::json::{Int, Object, Value};

/// A string value.
pub fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// An integer value.
pub fn int(v: i64) -> Value {
    Value::Int(Int::Small(v))
}

/// An array of strings.
pub fn strs<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(items.iter().map(|i| s(i.as_ref())).collect())
}

/// An object from members in order.
pub fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(Object::from_members(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    ))
}

/// Sets (`Some`) or removes (`None`) the member at `path` (creating nothing:
/// a missing intermediate object leaves the value unchanged).
pub fn set(v: &mut Value, path: &[&str], new: Option<Value>) {
    let Value::Object(o) = v else { return };
    match path {
        [] => {}
        [last] => match new {
            Some(n) => o.insert(*last, n),
            None => {
                o.remove(last);
            }
        },
        [first, rest @ ..] => {
            if let Some(mut child) = o.get(first).cloned() {
                set(&mut child, rest, new);
                o.insert(*first, child);
            }
        }
    }
}

/// The value at `path`.
pub fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(k))
}

/// The string at `path`, or "".
pub fn get_str(v: &Value, path: &[&str]) -> String {
    get(v, path)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// Compact canonical text.
pub fn compact(v: &Value) -> String {
    String::from_utf8_lossy(&pyjson_vec(v)).into_owned()
}

fn string(t: &str, out: &mut String) {
    let mut buf: Vec<u8> = Vec::new();
    pyjson_string(t, &mut buf);
    out.push_str(&String::from_utf8_lossy(&buf));
}

fn is_scalar_array(a: &[Value]) -> bool {
    a.iter()
        .all(|v| !matches!(v, Value::Array(_) | Value::Object(_)))
}

fn pretty_into(v: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            let n = o.len();
            for (k, (name, val)) in o.members().iter().enumerate() {
                out.push_str(&pad(indent + 1));
                string(name, out);
                out.push_str(": ");
                pretty_into(val, indent + 1, out);
                if k + 1 < n {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() && !is_scalar_array(a) => {
            out.push_str("[\n");
            for (k, val) in a.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                pretty_into(val, indent + 1, out);
                if k + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Array(a) => {
            out.push('[');
            for (k, val) in a.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                pretty_into(val, indent, out);
            }
            out.push(']');
        }
        Value::String(t) => string(t, out),
        other => out.push_str(&compact(other)),
    }
}

/// Pretty text with a trailing newline.
pub fn pretty(v: &Value) -> String {
    let mut out = String::new();
    pretty_into(v, 0, &mut out);
    out.push('\n');
    out
}
