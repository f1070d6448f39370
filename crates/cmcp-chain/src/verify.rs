//! Audit bundle verification.

use crate::hash::EntryHasher;
use crate::stream::TopLevel;
use cmcp_claim::Claim;
use cmcp_claim::binding::StrictKey;
use cmcp_json::encoding::{ct_eq, hex_encode};
use cmcp_json::{Limits, Object, Value};
use cmcp_policy::{BundleFailure, BundleSummary, FailureCode, Ledger, MAX_BUNDLE_FAILURES};
use std::collections::{BTreeMap, BTreeSet};

/// Cap on a bundle document parsed whole ([`parse_bundle`]).
pub const MAX_BUNDLE_BYTES: usize = 512 * 1024 * 1024;
/// Nesting cap inside a bundle.
pub const MAX_ENTRY_DEPTH: usize = 64;

/// Ledger fields a bundle verification must verify.
pub const REQUIRED_FIELDS: &[&str] = &[
    "audit_bundle.entries",
    "audit_bundle.claim_binding",
    "audit_bundle.signature",
];

/// Bundle failure codes.
pub mod codes {
    /// The bundle or one of its entries is not of the expected shape.
    pub const BUNDLE_MALFORMED: &str = "BUNDLE_MALFORMED";
    /// The bundle has no entries.
    pub const BUNDLE_EMPTY: &str = "BUNDLE_EMPTY";
    /// An entry's content does not hash to its `entry_hash`.
    pub const ENTRY_HASH_MISMATCH: &str = "ENTRY_HASH_MISMATCH";
    /// `prev_entry_hash` is not the previous entry's hash.
    pub const CHAIN_LINK_BROKEN: &str = "CHAIN_LINK_BROKEN";
    /// `sequence_number` is not the entry's index.
    pub const SEQUENCE_MISMATCH: &str = "SEQUENCE_MISMATCH";
    /// The chain does not start with a `session_start` entry.
    pub const CHAIN_START_INVALID: &str = "CHAIN_START_INVALID";
    /// Session ids change without a valid `session_reset`.
    pub const SESSION_EPOCH_INVALID: &str = "SESSION_EPOCH_INVALID";
    /// An external execution evidence receipt failed.
    pub const EXTERNAL_EVIDENCE_VERIFICATION_FAILED: &str = "EXTERNAL_EVIDENCE_VERIFICATION_FAILED";
    /// The bundle and the claim disagree.
    pub const CLAIM_MISMATCH: &str = "CLAIM_MISMATCH";
    /// The claim given with the bundle is not authentic or not a valid claim.
    pub const CLAIM_NOT_AUTHENTIC: &str = "CLAIM_NOT_AUTHENTIC";
    /// No `bundle_signature`.
    pub const BUNDLE_SIGNATURE_MISSING: &str = "BUNDLE_SIGNATURE_MISSING";
    /// `bundle_signature` does not verify under the claim key.
    pub const BUNDLE_SIGNATURE_INVALID: &str = "BUNDLE_SIGNATURE_INVALID";
}
use codes::*;

/// What the bundle is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub struct BundleContext<'a> {
    /// The claim the bundle belongs to (schema-valid).
    pub claim: Option<&'a Claim>,
    /// The claim's confirmation key, only when the claim signature verified.
    pub claim_key: Option<&'a StrictKey>,
    /// Why the claim cannot vouch for the bundle (malformed, forged), when a claim was given but is not usable.
    pub claim_problem: Option<&'a str>,
    /// Pinned external evidence issuer keys; `None` = none pinned.
    pub evidence_keys: Option<&'a BTreeMap<String, [u8; 32]>>,
}

/// Bundle verdict and its ledger entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleReport {
    /// Reference-shaped summary.
    pub summary: BundleSummary,
    /// Ledger entries (`audit_bundle.*`).
    pub ledger: Ledger,
}

fn failure(code: &'static str, entry: Option<u64>, message: impl Into<String>) -> BundleFailure {
    BundleFailure {
        code,
        entry,
        message: message.into(),
    }
}

/// Failures of one kind that can recur per entry: the first
/// [`MAX_BUNDLE_FAILURES`] kept, the rest counted, so memory does not grow
/// with the number of bad entries.
#[derive(Clone, Default)]
struct Capped {
    kept: Vec<BundleFailure>,
    dropped: u64,
}

impl Capped {
    fn push(&mut self, f: BundleFailure) {
        if self.kept.len() < MAX_BUNDLE_FAILURES {
            self.kept.push(f);
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn len(&self) -> u64 {
        (self.kept.len() as u64).saturating_add(self.dropped)
    }
}

#[derive(Default)]
struct Counts {
    total: i64,
    allowed: i64,
    denied: i64,
    faulted: i64,
    tools: BTreeSet<String>,
}

/// Verifies entries one at a time, holding only running state.
///
/// ```
/// use cmcp_chain::{BundleContext, ChainVerifier};
/// let mut v = ChainVerifier::new(BundleContext::default());
/// v.push(&cmcp_json::parse(br#"{"entry_type":"session_start"}"#).unwrap());
/// let report = v.finish(None, None);
/// assert!(!report.summary.verified);
/// assert_eq!(report.summary.entry_count, 1);
/// ```
pub struct ChainVerifier<'a> {
    ctx: BundleContext<'a>,
    hasher: EntryHasher,
    index: u64,
    prev: Option<Text>,
    first_hash: Option<Text>,
    last_hash: Option<Text>,
    shape: Option<BundleFailure>,
    chain_failures: Capped,
    session_failures: Vec<BundleFailure>,
    receipt_failures: Capped,
    tool_name_failures: Capped,
    session: Option<String>,
    session_broken: bool,
    epochs: Vec<String>,
    counts: Counts,
    receipts_seen: u64,
    receipts_ok: u64,
}

fn str_member<'v>(o: &'v Object, name: &str) -> Option<&'v str> {
    o.get(name).and_then(Value::as_str)
}

/// Lower-case hex of a digest, on the stack.
fn hex32(d: &[u8; 32]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(d) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0');
        }
    }
    out
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Short text kept inline (entry hashes, session ids, tool names), so
/// preparing an entry allocates nothing in the usual case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    /// Up to 64 bytes.
    Inline(u8, [u8; 64]),
    /// Longer text.
    Heap(Box<str>),
}

impl Text {
    fn new(s: &str) -> Text {
        match u8::try_from(s.len()) {
            Ok(n) if n <= 64 => {
                let mut b = [0u8; 64];
                if let Some(dst) = b.get_mut(..s.len()) {
                    dst.copy_from_slice(s.as_bytes());
                }
                Text::Inline(n, b)
            }
            _ => Text::Heap(s.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Inline(n, b) => b.get(..usize::from(*n)).unwrap_or(&[]),
            Text::Heap(s) => s.as_bytes(),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        // Always whole UTF-8: built from a `&str`, cut at its length.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// `policy_decision` of a `tool_call` entry, as counted.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Decision {
    Allow,
    /// `deny` or `advisory_deny`.
    Deny,
    Fault,
    /// Anything else (counted in the total only).
    Other,
}

/// `tool_name` of a `tool_call` entry.
#[derive(Debug)]
pub(crate) enum ToolName {
    /// Absent or null.
    None,
    /// A string.
    Str(Text),
    /// Any other JSON type.
    Bad,
}

/// What an `external_execution_evidence` member contributed.
#[derive(Debug)]
pub(crate) enum Receipt {
    /// Absent or null.
    Absent,
    /// Present, no issuer keys pinned.
    Unchecked,
    /// Verified under a pinned key.
    Ok,
    /// Failed, with the reason.
    Failed(String),
}

/// Everything the sequential checks need from one entry object; computed
/// independently per entry (on a worker thread when streaming), so the
/// parsed entry itself can be dropped right away.
#[derive(Debug)]
pub(crate) struct EntryFacts {
    hash_ok: bool,
    claimed: Option<Text>,
    prev: Option<Text>,
    seq_ok: bool,
    is_start: bool,
    is_call: bool,
    session_id: Option<Text>,
    /// `(closed_session_id, successor_session_id)` of a `session_reset`.
    reset: Option<(Option<String>, Option<String>)>,
    decision: Decision,
    tool: ToolName,
    receipt: Receipt,
}

/// One prepared entry.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Prepared {
    /// Not a JSON object.
    NotObject,
    /// An object and its facts (inline: batches reuse their vectors).
    Entry(EntryFacts),
}

/// One entry member as the checks see it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) enum Field<'a> {
    /// Not present.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A string.
    Str(&'a str),
    /// An integer, with its value when it is non-negative and fits a `u64`.
    Int(Option<u64>),
    /// Any other JSON type.
    Other,
}

impl<'a> Field<'a> {
    fn of_value(v: Option<&'a Value>) -> Field<'a> {
        match v {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(Value::String(s)) => Field::Str(s),
            Some(Value::Int(n)) => Field::Int(n.as_u64()),
            Some(_) => Field::Other,
        }
    }

    fn str(self) -> Option<&'a str> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The members of one entry the checks read, however the entry was parsed.
#[derive(Debug, Default)]
pub(crate) struct EntryFields<'a> {
    pub(crate) entry_hash: Field<'a>,
    pub(crate) sequence_number: Field<'a>,
    pub(crate) entry_type: Field<'a>,
    pub(crate) session_id: Field<'a>,
    pub(crate) prev_entry_hash: Field<'a>,
    pub(crate) tool_name: Field<'a>,
    pub(crate) policy_decision: Field<'a>,
    /// `detail.closed_session_id` when `detail` is an object.
    pub(crate) closed_session_id: Field<'a>,
    /// `detail.successor_session_id` when `detail` is an object.
    pub(crate) successor_session_id: Field<'a>,
}

impl<'a> EntryFields<'a> {
    fn of_object(o: &'a Object) -> EntryFields<'a> {
        let detail = o.get("detail").and_then(Value::as_object);
        let f = |name: &str| Field::of_value(o.get(name));
        let d = |name: &str| Field::of_value(detail.and_then(|d| d.get(name)));
        EntryFields {
            entry_hash: f("entry_hash"),
            sequence_number: f("sequence_number"),
            entry_type: f("entry_type"),
            session_id: f("session_id"),
            prev_entry_hash: f("prev_entry_hash"),
            tool_name: f("tool_name"),
            policy_decision: f("policy_decision"),
            closed_session_id: d("closed_session_id"),
            successor_session_id: d("successor_session_id"),
        }
    }
}

impl EntryFacts {
    /// Facts of entry `i` (object `o`) whose canonical form without
    /// `entry_hash` hashes to `own`.
    pub(crate) fn of(
        i: u64,
        o: &Object,
        own: &[u8; 32],
        keys: Option<&BTreeMap<String, [u8; 32]>>,
    ) -> EntryFacts {
        let receipt = match o.get("external_execution_evidence") {
            None | Some(Value::Null) => Receipt::Absent,
            Some(ev) => match keys {
                None => Receipt::Unchecked,
                Some(keys) => {
                    match cmcp_receipt::external::verify(ev, str_member(o, "call_id"), keys) {
                        Ok(()) => Receipt::Ok,
                        Err(e) => Receipt::Failed(e.to_string()),
                    }
                }
            },
        };
        EntryFacts::from_fields(i, &EntryFields::of_object(o), own, receipt)
    }

    /// Facts of entry `i` from its members; the one place the per-entry
    /// checks are computed.
    pub(crate) fn from_fields(
        i: u64,
        f: &EntryFields<'_>,
        own: &[u8; 32],
        receipt: Receipt,
    ) -> EntryFacts {
        let own = hex32(own);
        let claimed = f.entry_hash.str();
        let hash_ok = matches!(claimed, Some(h) if is_hex64(h) && ct_eq(h.as_bytes(), &own));
        let seq_ok = matches!(f.sequence_number, Field::Int(Some(n)) if n == i);
        let entry_type = f.entry_type.str();
        let reset = (entry_type == Some("session_reset")).then(|| {
            (
                f.closed_session_id.str().map(str::to_owned),
                f.successor_session_id.str().map(str::to_owned),
            )
        });
        let is_call = entry_type == Some("tool_call");
        let tool = if is_call {
            match f.tool_name {
                Field::Str(t) => ToolName::Str(Text::new(t)),
                Field::Absent | Field::Null => ToolName::None,
                Field::Int(_) | Field::Other => ToolName::Bad,
            }
        } else {
            ToolName::None
        };
        EntryFacts {
            hash_ok,
            claimed: claimed.map(Text::new),
            prev: f.prev_entry_hash.str().map(Text::new),
            seq_ok,
            is_start: entry_type == Some("session_start"),
            is_call,
            session_id: f.session_id.str().map(Text::new),
            reset,
            decision: match f.policy_decision.str() {
                Some("allow") => Decision::Allow,
                Some("deny" | "advisory_deny") => Decision::Deny,
                Some("fault") => Decision::Fault,
                _ => Decision::Other,
            },
            tool,
            receipt,
        }
    }
}

impl<'a> ChainVerifier<'a> {
    /// A verifier for one bundle.
    pub fn new(ctx: BundleContext<'a>) -> Self {
        ChainVerifier {
            ctx,
            hasher: EntryHasher::new(),
            index: 0,
            prev: Some(Text::new("genesis")),
            first_hash: None,
            last_hash: None,
            shape: None,
            chain_failures: Capped::default(),
            session_failures: Vec::new(),
            receipt_failures: Capped::default(),
            tool_name_failures: Capped::default(),
            session: None,
            session_broken: false,
            epochs: Vec::new(),
            counts: Counts::default(),
            receipts_seen: 0,
            receipts_ok: 0,
        }
    }

    /// Records a shape problem of the bundle itself (the verdict is then that failure alone).
    pub fn malformed(&mut self, message: impl Into<String>) {
        if self.shape.is_none() {
            self.shape = Some(failure(BUNDLE_MALFORMED, None, message));
        }
    }

    /// A shape problem that takes precedence over one already recorded
    /// (an unexpected top-level member is reported before entry problems,
    /// wherever it sits in the document).
    pub(crate) fn malformed_first(&mut self, message: impl Into<String>) {
        self.shape = Some(failure(BUNDLE_MALFORMED, None, message));
    }

    /// The evidence keys entries are checked against.
    pub(crate) fn evidence_keys(&self) -> Option<&'a BTreeMap<String, [u8; 32]>> {
        self.ctx.evidence_keys
    }

    /// Entries seen so far.
    pub fn entry_count(&self) -> u64 {
        self.index
    }

    /// Counts one more entry and returns its index. A bundle with more
    /// entries than the claim's counters hold (`i64::MAX`) is malformed;
    /// entries are only tallied while the shape is sound, so every other
    /// counter stays at or below the index.
    fn next_index(&mut self) -> u64 {
        let i = self.index;
        match i.checked_add(1).filter(|n| i64::try_from(*n).is_ok()) {
            Some(n) => self.index = n,
            None => self.malformed("bundle has more entries than can be counted"),
        }
        i
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &Value) {
        if self.shape.is_some() {
            self.next_index();
            return;
        }
        let prepared = match entry.as_object() {
            None => Prepared::NotObject,
            Some(o) => {
                let own = self.hasher.push(o);
                Prepared::Entry(EntryFacts::of(self.index, o, &own, self.ctx.evidence_keys))
            }
        };
        self.apply(prepared);
    }

    /// Streaming: the next entry, already canonicalized (`canonical` is its
    /// full PYJSON form including `entry_hash`) and summarized.
    pub(crate) fn push_prepared(&mut self, canonical: &[u8], prepared: Prepared) {
        if self.shape.is_none() && matches!(prepared, Prepared::Entry(_)) {
            self.hasher.push_canonical(canonical);
        }
        self.apply(prepared);
    }

    fn apply(&mut self, prepared: Prepared) {
        let i = self.next_index();
        if self.shape.is_some() {
            return;
        }
        let f = match prepared {
            Prepared::NotObject => {
                self.shape = Some(failure(
                    BUNDLE_MALFORMED,
                    Some(i),
                    format!("bundle.entries[{i}] is not an object"),
                ));
                return;
            }
            Prepared::Entry(f) => f,
        };
        if !f.hash_ok {
            self.chain_failures.push(failure(
                ENTRY_HASH_MISMATCH,
                Some(i),
                format!("entry {i}: entry_hash does not match its content (content altered)"),
            ));
        }
        let prev_ok = match (&f.prev, &self.prev) {
            (Some(p), Some(want)) => ct_eq(p.as_bytes(), want.as_bytes()),
            _ => false,
        };
        if !prev_ok {
            self.chain_failures.push(failure(
                CHAIN_LINK_BROKEN,
                Some(i),
                format!("entry {i}: prev_entry_hash does not name the previous entry"),
            ));
        }
        if !f.seq_ok {
            self.chain_failures.push(failure(
                SEQUENCE_MISMATCH,
                Some(i),
                format!("entry {i}: sequence_number is not {i}"),
            ));
        }
        if i == 0 && !f.is_start {
            self.chain_failures.push(failure(
                CHAIN_START_INVALID,
                Some(0),
                "entry 0: the chain does not start with a session_start entry",
            ));
        }
        if i == 0 {
            self.first_hash.clone_from(&f.claimed);
        }
        self.last_hash.clone_from(&f.claimed);
        self.check_session(i, &f);
        self.prev = f.claimed;
        if f.is_call {
            self.count_call(i, f.decision, f.tool);
        }
        // At most one per entry: below the entry index, so exact.
        match f.receipt {
            Receipt::Absent => {}
            Receipt::Unchecked => self.receipts_seen = self.receipts_seen.saturating_add(1),
            Receipt::Ok => {
                self.receipts_seen = self.receipts_seen.saturating_add(1);
                self.receipts_ok = self.receipts_ok.saturating_add(1);
            }
            Receipt::Failed(e) => {
                self.receipts_seen = self.receipts_seen.saturating_add(1);
                self.receipt_failures.push(failure(
                    EXTERNAL_EVIDENCE_VERIFICATION_FAILED,
                    Some(i),
                    format!("entry {i}: EXTERNAL_EVIDENCE_VERIFICATION_FAILED: {e}"),
                ));
            }
        }
    }

    fn check_session(&mut self, i: u64, f: &EntryFacts) {
        if self.session_broken {
            return;
        }
        let sid = f.session_id.as_deref();
        if i == 0 {
            match sid {
                Some(s) if !s.is_empty() => {
                    self.session = Some(s.to_owned());
                    self.epochs.push(s.to_owned());
                }
                _ => {
                    self.session_failures.push(failure(
                        SESSION_EPOCH_INVALID,
                        Some(0),
                        "entry 0: session_id must be a non-empty string",
                    ));
                    self.session_broken = true;
                    return;
                }
            }
        }
        let current = self.session.as_deref().unwrap_or_default();
        if sid != Some(current) {
            self.session_failures.push(failure(
                SESSION_EPOCH_INVALID,
                Some(i),
                format!("entry {i}: session_id changes without a recorded session_reset"),
            ));
            self.session_broken = true;
            self.session = None;
            return;
        }
        if let Some((closed, next)) = &f.reset {
            match (closed.as_deref(), next.as_deref()) {
                (Some(c), Some(n)) if c == current && !n.is_empty() => {
                    self.session = Some(n.to_owned());
                    self.epochs.push(n.to_owned());
                }
                _ => {
                    self.session_failures.push(failure(
                        SESSION_EPOCH_INVALID,
                        Some(i),
                        format!("entry {i}: session_reset does not name the current session and a successor"),
                    ));
                    self.session_broken = true;
                    self.session = None;
                }
            }
        }
    }

    fn count_call(&mut self, i: u64, decision: Decision, tool: ToolName) {
        // At most one per entry, and the entry index stays within `i64`
        // (see `next_index`): the saturating additions are exact.
        let c = &mut self.counts;
        c.total = c.total.saturating_add(1);
        match decision {
            Decision::Allow => c.allowed = c.allowed.saturating_add(1),
            Decision::Deny => c.denied = c.denied.saturating_add(1),
            Decision::Fault => c.faulted = c.faulted.saturating_add(1),
            Decision::Other => {}
        }
        match tool {
            ToolName::Str(t) => {
                if !c.tools.contains(&*t) {
                    c.tools.insert(t.to_string());
                }
            }
            ToolName::None => {}
            ToolName::Bad => self.tool_name_failures.push(failure(
                CLAIM_MISMATCH,
                Some(i),
                format!("entry {i}: tool_name must be a string"),
            )),
        }
    }

    fn cross_check(&self, claim: &Claim, out: &mut Vec<BundleFailure>) {
        let mut fail = |m: String| out.push(failure(CLAIM_MISMATCH, None, m));
        let g = &claim.gateway;
        let c = &self.counts;
        let tt = claim.trace.tool_transcript.as_ref();
        match tt {
            None if c.total > 0 => {
                fail("claim trace.tool_transcript is missing for a bundle with tool calls".into())
            }
            Some(t) if t.hash != format!("sha256:{}", g.audit_chain.tip) => fail(
                "claim trace.tool_transcript.hash does not match gateway.audit_chain.tip".into(),
            ),
            _ => {}
        }
        let cc_ok = tt
            .and_then(|t| t.call_count.as_ref())
            .and_then(|n| n.as_i64())
            == Some(c.total);
        if !cc_ok {
            fail(
                "claim trace.tool_transcript.call_count does not match the bundle's tool calls"
                    .into(),
            );
        }
        let cs = &g.call_summary;
        for (name, claimed, actual) in [
            ("tool_calls_total", &cs.tool_calls_total, c.total),
            ("tool_calls_allowed", &cs.tool_calls_allowed, c.allowed),
            ("tool_calls_denied", &cs.tool_calls_denied, c.denied),
            ("tool_calls_faulted", &cs.tool_calls_faulted, c.faulted),
        ] {
            if claimed.as_i64() != Some(actual) {
                fail(format!(
                    "claim gateway.call_summary.{name} does not match the bundle's tool calls"
                ));
            }
        }
        let tools: Vec<&String> = c.tools.iter().collect();
        if cs.tools_invoked.iter().collect::<Vec<_>>() != tools {
            fail(
                "claim gateway.call_summary.tools_invoked does not match the bundle's tool calls"
                    .into(),
            );
        }
        if !self.session_broken
            && let Some(s) = &self.session
            && *s != g.session_id
        {
            fail("claim gateway.session_id is not the session the bundle ends in".into());
        }
        let eq = |a: &str, b: Option<&Text>| b.is_some_and(|b| ct_eq(a.as_bytes(), b.as_bytes()));
        if !eq(&g.audit_chain.root, self.first_hash.as_ref()) {
            fail("bundle root does not match claim gateway.audit_chain.root".into());
        }
        if !eq(&g.audit_chain.tip, self.last_hash.as_ref()) {
            fail("bundle tip does not match claim gateway.audit_chain.tip".into());
        }
        if g.audit_chain.length.as_u64() != Some(self.index) {
            fail(format!(
                "bundle has {} entries, claim says {}",
                self.index, g.audit_chain.length
            ));
        }
    }

    /// Finishes: claim cross-checks and the bundle signature.
    /// `bundle_signature` and `bundle_session_id` are the bundle's members of those names.
    pub fn finish(
        self,
        bundle_signature: Option<&Value>,
        bundle_session_id: Option<&Value>,
    ) -> BundleReport {
        let entry_count = self.index;
        let mut ledger = Ledger::new();
        if let Some(s) = self.shape {
            ledger.failed(
                "audit_bundle.entries",
                FailureCode::ChainBroken,
                s.message.clone(),
            );
            return BundleReport {
                summary: BundleSummary {
                    verified: false,
                    entry_count,
                    failures: vec![s],
                    failures_omitted: 0,
                },
                ledger,
            };
        }
        if entry_count == 0 {
            let f = failure(BUNDLE_EMPTY, None, "bundle has no entries");
            ledger.failed(
                "audit_bundle.entries",
                FailureCode::ChainBroken,
                f.message.clone(),
            );
            return BundleReport {
                summary: BundleSummary {
                    verified: false,
                    entry_count,
                    failures: vec![f],
                    failures_omitted: 0,
                },
                ledger,
            };
        }
        let mut failures: Vec<BundleFailure> = Vec::new();
        // Failures past those kept, by kind: counted into `failures_omitted`.
        let mut dropped = self.chain_failures.dropped;
        failures.extend(self.chain_failures.kept.iter().cloned());
        failures.extend(self.session_failures.iter().cloned());
        // The export shape always names the session; a bundle without
        // `session_id` is not one the gateway exported.
        match bundle_session_id {
            None => failures.push(failure(BUNDLE_MALFORMED, None, "bundle has no session_id")),
            Some(Value::String(s)) if self.epochs.contains(s) => {}
            Some(_) => failures.push(failure(
                BUNDLE_MALFORMED,
                None,
                "bundle.session_id does not name a session of the chain",
            )),
        }
        if failures.is_empty() {
            ledger.verified(
                "audit_bundle.entries",
                format!("{entry_count} entries hash and link from genesis"),
            );
        } else {
            ledger.failed(
                "audit_bundle.entries",
                FailureCode::ChainBroken,
                "entries do not hash, link or sequence correctly",
            );
        }

        // Receipts.
        if self.receipts_seen > 0 {
            if self.ctx.evidence_keys.is_none() {
                ledger.not_established(
                    "audit_bundle.external_evidence",
                    format!(
                        "{} external execution evidence receipts present but no issuer key pinned (--evidence-key)",
                        self.receipts_seen
                    ),
                );
            } else if self.receipt_failures.is_empty() {
                ledger.verified(
                    "audit_bundle.external_evidence",
                    format!(
                        "{} receipts verified under pinned issuer keys",
                        self.receipts_ok
                    ),
                );
            } else {
                ledger.failed(
                    "audit_bundle.external_evidence",
                    FailureCode::ChainBroken,
                    format!(
                        "{} of {} receipts failed",
                        self.receipt_failures.len(),
                        self.receipts_seen
                    ),
                );
            }
        }
        failures.extend(self.receipt_failures.kept.iter().cloned());
        dropped = dropped.saturating_add(self.receipt_failures.dropped);

        // Claim cross-checks.
        let mut cross: Vec<BundleFailure> = self.tool_name_failures.kept.clone();
        dropped = dropped.saturating_add(self.tool_name_failures.dropped);
        if let Some(problem) = self.ctx.claim_problem {
            cross.push(failure(CLAIM_NOT_AUTHENTIC, None, problem));
        }
        match self.ctx.claim {
            Some(claim) => {
                self.cross_check(claim, &mut cross);
                if cross.is_empty() {
                    ledger.verified(
                        "audit_bundle.claim_binding",
                        "bundle root, tip, length, transcript and call summary match the claim",
                    );
                } else {
                    ledger.failed(
                        "audit_bundle.claim_binding",
                        FailureCode::ChainBroken,
                        "bundle and claim disagree",
                    );
                }
            }
            None if cross.is_empty() => ledger.not_established(
                "audit_bundle.claim_binding",
                "no claim given to check the bundle against",
            ),
            None => ledger.failed(
                "audit_bundle.claim_binding",
                FailureCode::ChainBroken,
                "the claim given with the bundle cannot vouch for it",
            ),
        }
        failures.extend(cross);

        // Signature.
        let digest = self.hasher.finish();
        let sig_ok = match (bundle_signature, self.ctx.claim_key) {
            (None | Some(Value::Null), _) => {
                let f = failure(
                    BUNDLE_SIGNATURE_MISSING,
                    None,
                    "bundle_signature is missing",
                );
                ledger.failed(
                    "audit_bundle.signature",
                    FailureCode::ChainBroken,
                    f.message.clone(),
                );
                failures.push(f);
                false
            }
            (Some(_), None) => {
                ledger.not_established(
                    "audit_bundle.signature",
                    "no authentic claim key to check bundle_signature against",
                );
                false
            }
            (Some(sig), Some(key)) => {
                let ok = sig
                    .as_str()
                    .is_some_and(|s| key.verify_b64u(&digest, s).is_ok());
                if ok {
                    ledger.verified(
                        "audit_bundle.signature",
                        "Ed25519 signature over SHA-256 of the canonical entries verifies under the claim key",
                    );
                } else {
                    let f = failure(
                        BUNDLE_SIGNATURE_INVALID,
                        None,
                        "bundle_signature does not verify under the claim key",
                    );
                    ledger.failed(
                        "audit_bundle.signature",
                        FailureCode::ChainBroken,
                        f.message.clone(),
                    );
                    failures.push(f);
                }
                ok
            }
        };
        ledger.detail("audit_bundle.entries_digest", hex_encode(&digest));
        let verified = failures.is_empty() && sig_ok;
        let past_cap = failures.len().saturating_sub(MAX_BUNDLE_FAILURES);
        failures.truncate(MAX_BUNDLE_FAILURES);
        BundleReport {
            summary: BundleSummary {
                verified,
                entry_count,
                failures,
                failures_omitted: dropped.saturating_add(past_cap as u64),
            },
            ledger,
        }
    }
}

/// Why bundle bytes could not be read.
pub type BundleParseError = cmcp_json::ParseError;

/// Parses bundle bytes strictly.
pub fn parse_bundle(bytes: &[u8]) -> Result<Value, BundleParseError> {
    cmcp_json::parse_with(
        bytes,
        Limits {
            max_bytes: MAX_BUNDLE_BYTES,
            max_depth: MAX_ENTRY_DEPTH,
            max_int_digits: 4300,
        },
    )
}

/// Verifies a parsed bundle (the same checks as the streaming path, driven
/// over an in-memory value).
///
/// ```
/// use cmcp_chain::{verify_bundle, BundleContext, codes};
/// let b = cmcp_json::parse(br#"{"entries":[]}"#).unwrap();
/// let r = verify_bundle(&b, BundleContext::default());
/// assert_eq!(r.summary.failures[0].code, codes::BUNDLE_EMPTY);
/// ```
pub fn verify_bundle(bundle: &Value, ctx: BundleContext<'_>) -> BundleReport {
    let mut v = ChainVerifier::new(ctx);
    let Some(o) = bundle.as_object() else {
        v.malformed("bundle is not an object");
        return v.finish(None, None);
    };
    let mut top = TopLevel::default();
    for (k, value) in o.iter() {
        match (k, value) {
            ("entries", Value::Array(items)) => {
                for e in items {
                    v.push(e);
                }
            }
            ("entries", _) => top.entries_not_array(),
            (k @ ("bundle_signature" | "session_id"), value) => top.member(k, value.clone()),
            (k, _) => top.member(k, Value::Null),
        }
    }
    top.apply(&mut v);
    v.finish(top.signature.as_ref(), top.session_id.as_ref())
}

/// Parses and verifies bundle bytes; unparseable bytes are a malformed
/// bundle. This is [`crate::verify_bundle_reader`] over the bytes (one
/// implementation): each entry is capped at [`crate::MAX_ENTRY_BYTES`],
/// the document as a whole is not.
pub fn verify_bundle_bytes(bytes: &[u8], ctx: BundleContext<'_>) -> BundleReport {
    crate::stream::verify_bundle_reader(bytes, ctx)
}
