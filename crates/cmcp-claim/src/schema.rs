//! A small schema walker: visits a JSON value in declaration order, collects
//! every violation with its path, and builds typed values on the way.

use cmcp_json::{Int, Object, Value};
use std::fmt;

/// One segment of a location inside the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// An object member.
    Key(String),
    /// An array index.
    Index(usize),
}

/// What kind of violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// A required member is absent.
    Missing,
    /// The value has the wrong JSON type.
    Type(&'static str),
    /// `null` where it is not allowed.
    Null,
    /// A string does not match the required pattern.
    Pattern(&'static str),
    /// A value outside an enumeration.
    Enum(&'static [&'static str]),
    /// A number out of range.
    Range(&'static str),
    /// A member the schema forbids.
    Unknown,
    /// A model-level rule (e.g. private key material in a JWK).
    Rule(&'static str),
}

/// One schema violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where.
    pub path: Vec<Seg>,
    /// What.
    pub kind: ViolationKind,
}

impl Violation {
    /// The dotted location (`gateway.call_summary.tools_invoked.2`), or `claim` for the root.
    pub fn dotted(&self) -> String {
        if self.path.is_empty() {
            return "claim".into();
        }
        let parts: Vec<String> = self
            .path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => k.clone(),
                Seg::Index(i) => i.to_string(),
            })
            .collect();
        parts.join(".")
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.dotted();
        match &self.kind {
            ViolationKind::Missing => write!(f, "{at}: required member is missing"),
            ViolationKind::Type(t) => write!(f, "{at}: must be {t}"),
            ViolationKind::Null => write!(f, "{at}: must not be null"),
            ViolationKind::Pattern(p) => write!(f, "{at}: must match {p}"),
            ViolationKind::Enum(vals) => write!(f, "{at}: must be one of {}", vals.join(", ")),
            ViolationKind::Range(r) => write!(f, "{at}: must be {r}"),
            ViolationKind::Unknown => write!(f, "{at}: member is not allowed"),
            ViolationKind::Rule(r) => write!(f, "{at}: {r}"),
        }
    }
}

/// Collects violations while walking.
#[derive(Default)]
pub(crate) struct Walker {
    pub(crate) violations: Vec<Violation>,
    path: Vec<Seg>,
}

impl Walker {
    pub(crate) fn push(&mut self, kind: ViolationKind) {
        self.violations.push(Violation {
            path: self.path.clone(),
            kind,
        });
    }

    pub(crate) fn error_count(&self) -> usize {
        self.violations.len()
    }

    pub(crate) fn enter<T>(&mut self, seg: Seg, f: impl FnOnce(&mut Walker) -> T) -> T {
        self.path.push(seg);
        let r = f(self);
        self.path.pop();
        r
    }

    /// Visits an object: `body` reads declared members through [`Obj`], then
    /// members not declared are reported (when `forbid_unknown`).
    pub(crate) fn object<T>(
        &mut self,
        v: &Value,
        declared: &'static [&'static str],
        forbid_unknown: bool,
        body: impl FnOnce(&mut Obj<'_, '_>) -> T,
    ) -> Option<T> {
        let Some(o) = v.as_object() else {
            self.push(ViolationKind::Type("an object"));
            return None;
        };
        let mut ctx = Obj { w: self, o };
        let out = body(&mut ctx);
        if forbid_unknown {
            for (k, _) in o.iter() {
                if !declared.contains(&k) {
                    self.enter(Seg::Key(k.to_owned()), |w| w.push(ViolationKind::Unknown));
                }
            }
        }
        Some(out)
    }
}

/// Reading declared members of one object.
pub(crate) struct Obj<'w, 'v> {
    pub(crate) w: &'w mut Walker,
    pub(crate) o: &'v Object,
}

/// How a member may be present.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// Must be present and non-null.
    Required,
    /// May be absent or null.
    Nullable,
    /// May be absent but not null (has a non-null default).
    NotNull,
}

impl<'v> Obj<'_, 'v> {
    /// Visits member `name`: absent/null handled by `presence`, otherwise `f`.
    pub(crate) fn member<T>(
        &mut self,
        name: &str,
        presence: Presence,
        f: impl FnOnce(&mut Walker, &'v Value) -> Option<T>,
    ) -> Option<T> {
        let o = self.o;
        self.w
            .enter(Seg::Key(name.to_owned()), |w| match o.get(name) {
                None => {
                    if presence == Presence::Required {
                        w.push(ViolationKind::Missing);
                    }
                    None
                }
                Some(Value::Null) => {
                    if presence != Presence::Nullable {
                        w.push(ViolationKind::Null);
                    }
                    None
                }
                Some(v) => f(w, v),
            })
    }

    pub(crate) fn string(&mut self, name: &str, presence: Presence) -> Option<String> {
        self.member(name, presence, string)
    }

    pub(crate) fn int(&mut self, name: &str, presence: Presence) -> Option<Int> {
        self.member(name, presence, int)
    }

    pub(crate) fn boolean(&mut self, name: &str, presence: Presence) -> Option<bool> {
        self.member(name, presence, |w, v| match v {
            Value::Bool(b) => Some(*b),
            _ => {
                w.push(ViolationKind::Type("a boolean"));
                None
            }
        })
    }

    pub(crate) fn pattern(
        &mut self,
        name: &str,
        presence: Presence,
        desc: &'static str,
        ok: fn(&str) -> bool,
    ) -> Option<String> {
        self.member(name, presence, |w, v| {
            let s = string(w, v)?;
            if ok(&s) {
                Some(s)
            } else {
                w.push(ViolationKind::Pattern(desc));
                None
            }
        })
    }

    pub(crate) fn one_of(
        &mut self,
        name: &str,
        presence: Presence,
        values: &'static [&'static str],
    ) -> Option<String> {
        self.member(name, presence, |w, v| {
            let s = string(w, v)?;
            if values.contains(&s.as_str()) {
                Some(s)
            } else {
                w.push(ViolationKind::Enum(values));
                None
            }
        })
    }

    pub(crate) fn string_array(&mut self, name: &str, presence: Presence) -> Option<Vec<String>> {
        self.member(name, presence, |w, v| array(w, v, string))
    }
}

pub(crate) fn string(w: &mut Walker, v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => {
            w.push(ViolationKind::Type("a string"));
            None
        }
    }
}

pub(crate) fn int(w: &mut Walker, v: &Value) -> Option<Int> {
    match v {
        Value::Int(i) => Some(i.clone()),
        _ => {
            w.push(ViolationKind::Type("an integer"));
            None
        }
    }
}

pub(crate) fn array<T>(
    w: &mut Walker,
    v: &Value,
    mut item: impl FnMut(&mut Walker, &Value) -> Option<T>,
) -> Option<Vec<T>> {
    let Some(items) = v.as_array() else {
        w.push(ViolationKind::Type("an array"));
        return None;
    };
    let before = w.error_count();
    let mut out = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        if let Some(x) = w.enter(Seg::Index(i), |w| item(w, it)) {
            out.push(x);
        }
    }
    (w.error_count() == before).then_some(out)
}

/// `^sha(256:[0-9a-f]{64}|384:[0-9a-f]{96})$`
pub(crate) fn is_digest(s: &str) -> bool {
    let hex_ok = |h: &str, n: usize| {
        h.len() == n && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    if let Some(h) = s.strip_prefix("sha256:") {
        hex_ok(h, 64)
    } else if let Some(h) = s.strip_prefix("sha384:") {
        hex_ok(h, 96)
    } else {
        false
    }
}

/// `^sha256:[0-9a-f]{64}$`
pub(crate) fn is_sha256_digest(s: &str) -> bool {
    s.starts_with("sha256:") && is_digest(s)
}

pub(crate) fn is_spiffe(s: &str) -> bool {
    s.starts_with("spiffe://")
}
