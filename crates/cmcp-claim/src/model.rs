//! The typed TRACE Claim envelope.

use crate::schema::{
    Obj, Presence, Seg, Violation, ViolationKind, Walker, array, is_digest, is_sha256_digest,
    is_spiffe, string,
};
use cmcp_json::{Int, Object, Value};

use Presence::{NotNull, Nullable, Required};

/// The only accepted `trace.eat_profile`.
pub const EAT_PROFILE: &str = "tag:agentrust-io.com,2026:trace-v0.2";

/// The only accepted `cmcp_version` (when present).
pub const CMCP_VERSION: &str = "1.0";

/// The ten `trace.runtime.platform` values.
pub const PLATFORMS: &[&str] = &[
    "intel-tdx",
    "amd-sev-snp",
    "azure-cvm-sev-snp",
    "nvidia-h100",
    "nvidia-blackwell",
    "aws-nitro",
    "arm-cca",
    "google-confidential-space",
    "tpm2",
    "software-only",
];

const ENFORCEMENT: &[&str] = &["enforce", "advisory", "silent", "declared"];
const DECISIONS: &[&str] = &["allow", "deny", "redact", "advisory_deny", "fault", "n/a"];
const SUBJECT_SOURCES: &[&str] = &["config", "svid", "manifest-dev"];
const KILL_TRIGGERS: &[&str] = &["deny_rate", "operator"];
const JWK_PRIVATE: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k"];

/// A claim that passed the schema, with its parsed JSON kept for canonical bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// `cmcp_version`.
    pub cmcp_version: Option<String>,
    /// `trace`.
    pub trace: Trace,
    /// `gateway`.
    pub gateway: Gateway,
    /// `signature` (absent ⇒ `None`).
    pub signature: Option<String>,
    /// The parsed document.
    pub raw: Value,
}

/// `trace`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// `eat_profile`.
    pub eat_profile: String,
    /// `iat`.
    pub iat: Int,
    /// `subject`.
    pub subject: String,
    /// `runtime`.
    pub runtime: Runtime,
    /// `policy`.
    pub policy: PolicyInfo,
    /// `data_class`.
    pub data_class: String,
    /// `tool_transcript`.
    pub tool_transcript: Option<ToolTranscript>,
    /// `cnf.jwk`.
    pub jwk: Jwk,
}

/// `trace.runtime`.
#[derive(Clone, Debug, PartialEq)]
pub struct Runtime {
    /// `platform`.
    pub platform: String,
    /// `measurement`.
    pub measurement: String,
    /// `rim_uri`.
    pub rim_uri: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `firmware_version`.
    pub firmware_version: Option<String>,
}

/// `trace.policy`.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyInfo {
    /// `bundle_hash`.
    pub bundle_hash: String,
    /// `enforcement_mode`.
    pub enforcement_mode: String,
    /// `version`.
    pub version: Option<String>,
    /// `policy_uri`.
    pub policy_uri: Option<String>,
}

/// `trace.tool_transcript`.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolTranscript {
    /// `hash`.
    pub hash: String,
    /// `call_count`.
    pub call_count: Option<Int>,
    /// `transcript_uri`.
    pub transcript_uri: Option<String>,
    /// `entries`.
    pub entries: Option<Vec<TranscriptEntry>>,
}

/// One `trace.tool_transcript.entries` item.
#[derive(Clone, Debug, PartialEq)]
pub struct TranscriptEntry {
    /// `tool_name`.
    pub tool_name: String,
    /// `data_class`.
    pub data_class: String,
    /// `decision`.
    pub decision: String,
}

/// `trace.cnf.jwk`.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwk {
    /// `kty`.
    pub kty: String,
    /// `crv`.
    pub crv: Option<String>,
    /// `x`.
    pub x: Option<String>,
    /// `kid`.
    pub kid: Option<String>,
}

/// `gateway`.
#[derive(Clone, Debug, PartialEq)]
pub struct Gateway {
    /// `session_id`.
    pub session_id: String,
    /// `gateway_version`.
    pub gateway_version: String,
    /// `sequence_number`.
    pub sequence_number: Int,
    /// `prev_claim_hash`.
    pub prev_claim_hash: Option<String>,
    /// `audit_chain`.
    pub audit_chain: AuditChainSummary,
    /// `call_summary`.
    pub call_summary: CallSummary,
    /// `catalog.hash`.
    pub catalog_hash: String,
    /// `catalog.drift_detected`.
    pub catalog_drift_detected: bool,
    /// `attestation_generated_at`.
    pub attestation_generated_at: String,
    /// `attestation_validity_seconds`.
    pub attestation_validity_seconds: Int,
    /// `attestation_stale`.
    pub attestation_stale: bool,
    /// `kill_switch_triggered`.
    pub kill_switch_triggered: bool,
    /// `agent_identity`.
    pub agent_identity: Option<AgentIdentity>,
    /// `attestation_evidence`.
    pub attestation_evidence: Option<AttestationEvidence>,
}

/// `gateway.audit_chain`.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditChainSummary {
    /// `root`.
    pub root: String,
    /// `tip`.
    pub tip: String,
    /// `length`.
    pub length: Int,
}

/// `gateway.call_summary`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSummary {
    /// `tool_calls_total`.
    pub tool_calls_total: Int,
    /// `tool_calls_allowed`.
    pub tool_calls_allowed: Int,
    /// `tool_calls_denied`.
    pub tool_calls_denied: Int,
    /// `tool_calls_faulted`.
    pub tool_calls_faulted: Int,
    /// `tools_invoked`.
    pub tools_invoked: Vec<String>,
    /// `session_max_sensitivity`.
    pub session_max_sensitivity: String,
}

/// `gateway.agent_identity`.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentIdentity {
    /// `manifest_id`.
    pub manifest_id: String,
    /// `agent_id`.
    pub agent_id: String,
    /// `authenticated_subject`.
    pub authenticated_subject: String,
    /// `subject_source`.
    pub subject_source: String,
    /// `issuer`.
    pub issuer: String,
    /// `issuer_key_id`.
    pub issuer_key_id: String,
    /// `policy_bundle_hash`.
    pub policy_bundle_hash: String,
    /// `tool_catalog_hash`.
    pub tool_catalog_hash: String,
    /// `intent_hash`.
    pub intent_hash: Option<String>,
    /// `agent_key_thumbprint`.
    pub agent_key_thumbprint: Option<String>,
    /// `enforcement_mode`.
    pub enforcement_mode: Option<String>,
}

/// `gateway.attestation_evidence` (each member base64url text as claimed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttestationEvidence {
    /// `raw_evidence`.
    pub raw_evidence: Option<String>,
    /// `quote_signature`.
    pub quote_signature: Option<String>,
    /// `cert_chain`.
    pub cert_chain: Option<String>,
    /// `ek_cert_chain`.
    pub ek_cert_chain: Option<String>,
}

/// Why a claim is malformed: every violation in schema order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("claim does not match the schema: {}", self.violations.first().map(|v| v.to_string()).unwrap_or_default())]
pub struct SchemaError {
    /// Every violation, in declaration order.
    pub violations: Vec<Violation>,
}

impl SchemaError {
    /// The reference's `malformed_field`: the first violation that is not a
    /// missing member, else the first violation; `claim` for the root.
    pub fn malformed_field(&self) -> String {
        self.violations
            .iter()
            .find(|v| v.kind != ViolationKind::Missing)
            .or_else(|| self.violations.first())
            .map(Violation::dotted)
            .unwrap_or_else(|| "claim".into())
    }

    /// The first violations, one per line (at most [`SchemaError::DESCRIBE_MAX`],
    /// then a count of the rest), so a hostile claim cannot inflate the report.
    pub fn describe(&self) -> String {
        let mut lines: Vec<String> = self
            .violations
            .iter()
            .take(Self::DESCRIBE_MAX)
            .map(|v| v.to_string())
            .collect();
        let more = self.violations.len().saturating_sub(Self::DESCRIBE_MAX);
        if more > 0 {
            lines.push(format!("… and {more} more violations"));
        }
        lines.join("\n")
    }

    /// How many violations [`SchemaError::describe`] lists.
    pub const DESCRIBE_MAX: usize = 20;
}

impl Claim {
    /// Validates a parsed claim against the schema and builds the typed model.
    ///
    /// ```
    /// let v = cmcp_json::parse(br#"{"trace":{}}"#).unwrap();
    /// let err = cmcp_claim::Claim::from_value(v).unwrap_err();
    /// assert_eq!(err.malformed_field(), "trace.eat_profile");
    /// ```
    pub fn from_value(raw: Value) -> Result<Claim, SchemaError> {
        let mut w = Walker::default();
        let parsed = w.object(
            &raw,
            &["cmcp_version", "trace", "gateway", "signature"],
            true,
            |o| {
                let cmcp_version = o.member("cmcp_version", NotNull, |w, v| {
                    let s = string(w, v)?;
                    if s == CMCP_VERSION {
                        Some(s)
                    } else {
                        w.push(ViolationKind::Enum(&[CMCP_VERSION]));
                        None
                    }
                });
                let trace = o.member("trace", Required, trace);
                let gateway = o.member("gateway", Required, gateway);
                let signature = o.string("signature", NotNull);
                (cmcp_version, trace, gateway, signature)
            },
        );
        match parsed {
            Some((cmcp_version, Some(trace), Some(gateway), signature))
                if w.violations.is_empty() =>
            {
                Ok(Claim {
                    cmcp_version,
                    trace,
                    gateway,
                    signature,
                    raw,
                })
            }
            _ => Err(SchemaError {
                violations: w.violations,
            }),
        }
    }

    /// The claim's top-level object.
    pub fn object(&self) -> &Object {
        // `from_value` only succeeds on objects.
        static EMPTY: std::sync::OnceLock<Object> = std::sync::OnceLock::new();
        self.raw
            .as_object()
            .unwrap_or_else(|| EMPTY.get_or_init(Object::new))
    }

    /// True for software-only claims: platform `software-only`, or the legacy
    /// `tpm2` record with firmware `software-only-dev-mode`.
    pub fn is_software_only(&self) -> bool {
        let rt = &self.trace.runtime;
        rt.platform == "software-only"
            || (rt.platform == "tpm2"
                && rt.firmware_version.as_deref() == Some("software-only-dev-mode"))
    }
}

fn trace(w: &mut Walker, v: &Value) -> Option<Trace> {
    w.object(
        v,
        &[
            "eat_profile",
            "iat",
            "subject",
            "runtime",
            "policy",
            "data_class",
            "tool_transcript",
            "cnf",
        ],
        true,
        |o| {
            let eat_profile = o.one_of("eat_profile", Required, &[EAT_PROFILE]);
            let iat = o.member("iat", Required, |w, v| {
                let i = crate::schema::int(w, v)?;
                if i.cmp_i64(1_700_000_000) == std::cmp::Ordering::Less {
                    w.push(ViolationKind::Range("at least 1700000000"));
                    return None;
                }
                Some(i)
            });
            let subject = o.pattern("subject", Required, "^spiffe://", is_spiffe);
            let runtime = o.member("runtime", Required, runtime);
            let policy = o.member("policy", Required, policy);
            let data_class = o.string("data_class", Required);
            let tool_transcript = o.member("tool_transcript", Nullable, tool_transcript);
            let jwk = o.member("cnf", Required, |w, v| {
                w.object(v, &["jwk"], true, |o| o.member("jwk", Required, jwk))
                    .flatten()
            });
            Some(Trace {
                eat_profile: eat_profile?,
                iat: iat?,
                subject: subject?,
                runtime: runtime?,
                policy: policy?,
                data_class: data_class?,
                tool_transcript,
                jwk: jwk?,
            })
        },
    )
    .flatten()
}

fn runtime(w: &mut Walker, v: &Value) -> Option<Runtime> {
    w.object(
        v,
        &[
            "platform",
            "measurement",
            "rim_uri",
            "nonce",
            "firmware_version",
        ],
        true,
        |o| {
            let platform = o.one_of("platform", Required, PLATFORMS);
            let measurement = o.pattern(
                "measurement",
                Required,
                "sha256:<64 hex> or sha384:<96 hex>",
                is_digest,
            );
            let rim_uri = o.string("rim_uri", Nullable);
            let nonce = o.string("nonce", Nullable);
            let firmware_version = o.string("firmware_version", Nullable);
            Some(Runtime {
                platform: platform?,
                measurement: measurement?,
                rim_uri,
                nonce,
                firmware_version,
            })
        },
    )
    .flatten()
}

fn policy(w: &mut Walker, v: &Value) -> Option<PolicyInfo> {
    w.object(
        v,
        &["bundle_hash", "enforcement_mode", "version", "policy_uri"],
        true,
        |o| {
            let bundle_hash = o.pattern(
                "bundle_hash",
                Required,
                "sha256:<64 hex> or sha384:<96 hex>",
                is_digest,
            );
            let enforcement_mode = o.one_of("enforcement_mode", Required, ENFORCEMENT);
            let version = o.string("version", Nullable);
            let policy_uri = o.string("policy_uri", Nullable);
            Some(PolicyInfo {
                bundle_hash: bundle_hash?,
                enforcement_mode: enforcement_mode?,
                version,
                policy_uri,
            })
        },
    )
    .flatten()
}

fn tool_transcript(w: &mut Walker, v: &Value) -> Option<ToolTranscript> {
    w.object(
        v,
        &["hash", "call_count", "transcript_uri", "entries"],
        true,
        |o| {
            let hash = o.pattern(
                "hash",
                Required,
                "sha256:<64 hex> or sha384:<96 hex>",
                is_digest,
            );
            let call_count = o.member("call_count", Nullable, |w, v| {
                let i = crate::schema::int(w, v)?;
                if i.is_negative() {
                    w.push(ViolationKind::Range("non-negative"));
                    return None;
                }
                Some(i)
            });
            let transcript_uri = o.string("transcript_uri", Nullable);
            let entries = o.member("entries", Nullable, |w, v| {
                array(w, v, |w, item| {
                    w.object(item, &["tool_name", "data_class", "decision"], true, |o| {
                        let tool_name = o.string("tool_name", Required);
                        let data_class = o.string("data_class", Required);
                        let decision = o.one_of("decision", Required, DECISIONS);
                        Some(TranscriptEntry {
                            tool_name: tool_name?,
                            data_class: data_class?,
                            decision: decision?,
                        })
                    })
                    .flatten()
                })
            });
            Some(ToolTranscript {
                hash: hash?,
                call_count,
                transcript_uri,
                entries,
            })
        },
    )
    .flatten()
}

fn jwk(w: &mut Walker, v: &Value) -> Option<Jwk> {
    let before = w.error_count();
    let parsed = w
        .object(v, &[], false, |o| {
            let kty = o.string("kty", Required);
            let opt = |o: &mut Obj<'_, '_>, n: &str| o.string(n, Nullable);
            let crv = opt(o, "crv");
            let x = opt(o, "x");
            let y = opt(o, "y");
            let nn = opt(o, "n");
            let e = opt(o, "e");
            let kid = opt(o, "kid");
            Some((kty?, crv, x, y, nn, e, kid))
        })
        .flatten();
    let (kty, crv, x, y, n, e, kid) = parsed?;
    if w.error_count() != before {
        return None;
    }
    // Model-level rules, reported at the JWK's own location.
    let obj = v.as_object()?;
    let has_private = obj.iter().any(|(k, _)| JWK_PRIVATE.contains(&k));
    let missing_material = match kty.as_str() {
        "OKP" => crv.is_none() || x.is_none(),
        "EC" => crv.is_none() || x.is_none() || y.is_none(),
        "RSA" => n.is_none() || e.is_none(),
        _ => false,
    };
    if has_private {
        w.push(ViolationKind::Rule("must not carry private key members"));
        return None;
    }
    if missing_material {
        w.push(ViolationKind::Rule(
            "lacks the key material its kty requires",
        ));
        return None;
    }
    Some(Jwk { kty, crv, x, kid })
}

fn audit_chain(w: &mut Walker, v: &Value) -> Option<AuditChainSummary> {
    w.object(v, &["root", "tip", "length"], true, |o| {
        let root = o.string("root", Required);
        let tip = o.string("tip", Required);
        let length = o.int("length", Required);
        Some(AuditChainSummary {
            root: root?,
            tip: tip?,
            length: length?,
        })
    })
    .flatten()
}

fn call_summary(w: &mut Walker, v: &Value) -> Option<CallSummary> {
    w.object(
        v,
        &[
            "tool_calls_total",
            "tool_calls_allowed",
            "tool_calls_denied",
            "tool_calls_faulted",
            "tools_invoked",
            "session_max_sensitivity",
            "call_graph_summary",
        ],
        true,
        |o| {
            let total = o.int("tool_calls_total", Required);
            let allowed = o.int("tool_calls_allowed", Required);
            let denied = o.int("tool_calls_denied", Required);
            let faulted = o.int("tool_calls_faulted", Required);
            let tools = o.string_array("tools_invoked", Required);
            let sens = o.string("session_max_sensitivity", Required);
            let graph = o.member("call_graph_summary", Required, |w, v| {
                w.object(
                    v,
                    &[
                        "compliance_domains_touched",
                        "cross_boundary_events",
                        "edges_represent",
                    ],
                    true,
                    |o| {
                        let a = o.string_array("compliance_domains_touched", Required);
                        let b = o.member("cross_boundary_events", Required, |w, v| {
                            array(w, v, |w, item| {
                                if item.as_object().is_some() {
                                    Some(())
                                } else {
                                    w.push(ViolationKind::Type("an object"));
                                    None
                                }
                            })
                        });
                        let c = o.string("edges_represent", Nullable);
                        let _ = c;
                        a.and(b)
                    },
                )
                .flatten()
            });
            graph?;
            Some(CallSummary {
                tool_calls_total: total?,
                tool_calls_allowed: allowed?,
                tool_calls_denied: denied?,
                tool_calls_faulted: faulted?,
                tools_invoked: tools?,
                session_max_sensitivity: sens?,
            })
        },
    )
    .flatten()
}

fn agent_identity(w: &mut Walker, v: &Value) -> Option<AgentIdentity> {
    w.object(
        v,
        &[
            "manifest_id",
            "agent_id",
            "authenticated_subject",
            "subject_source",
            "issuer",
            "issuer_key_id",
            "policy_bundle_hash",
            "tool_catalog_hash",
            "intent_hash",
            "agent_key_thumbprint",
            "enforcement_mode",
        ],
        true,
        |o| {
            let manifest_id = o.string("manifest_id", Required);
            let agent_id = o.pattern("agent_id", Required, "^spiffe://", is_spiffe);
            let authenticated_subject =
                o.pattern("authenticated_subject", Required, "^spiffe://", is_spiffe);
            let subject_source = o.one_of("subject_source", Required, SUBJECT_SOURCES);
            let issuer = o.pattern("issuer", Required, "^spiffe://", is_spiffe);
            let issuer_key_id = o.string("issuer_key_id", Required);
            let policy_bundle_hash = o.string("policy_bundle_hash", Required);
            let tool_catalog_hash = o.string("tool_catalog_hash", Required);
            let intent_hash =
                o.pattern("intent_hash", Nullable, "sha256:<64 hex>", is_sha256_digest);
            let agent_key_thumbprint = o.pattern(
                "agent_key_thumbprint",
                Nullable,
                "sha256:<64 hex>",
                is_sha256_digest,
            );
            let enforcement_mode = o.string("enforcement_mode", Nullable);
            Some(AgentIdentity {
                manifest_id: manifest_id?,
                agent_id: agent_id?,
                authenticated_subject: authenticated_subject?,
                subject_source: subject_source?,
                issuer: issuer?,
                issuer_key_id: issuer_key_id?,
                policy_bundle_hash: policy_bundle_hash?,
                tool_catalog_hash: tool_catalog_hash?,
                intent_hash,
                agent_key_thumbprint,
                enforcement_mode,
            })
        },
    )
    .flatten()
}

fn number(w: &mut Walker, v: &Value) -> Option<()> {
    match v {
        Value::Int(_) | Value::Float(_) => Some(()),
        _ => {
            w.push(ViolationKind::Type("a number"));
            None
        }
    }
}

fn gateway(w: &mut Walker, v: &Value) -> Option<Gateway> {
    w.object(
        v,
        &[
            "session_id",
            "gateway_version",
            "sequence_number",
            "prev_claim_hash",
            "audit_chain",
            "call_summary",
            "catalog",
            "attestation_generated_at",
            "attestation_validity_seconds",
            "attestation_stale",
            "catalog_exceptions",
            "call_log_summary",
            "agent_identity",
            "kill_switch_triggered",
            "kill_switch",
            "attestation_evidence",
            "policy_signing",
        ],
        true,
        |o| {
            let session_id = o.string("session_id", Required);
            let gateway_version = o.string("gateway_version", Required);
            let sequence_number = o.int("sequence_number", Required);
            let prev_claim_hash = o.string("prev_claim_hash", Nullable);
            let audit_chain = o.member("audit_chain", Required, audit_chain);
            let call_summary = o.member("call_summary", Required, call_summary);
            let catalog = o.member("catalog", Required, |w, v| {
                w.object(v, &["hash", "drift_detected"], true, |o| {
                    let hash = o.string("hash", Required);
                    let drift = o.boolean("drift_detected", NotNull).unwrap_or(false);
                    Some((hash?, drift))
                })
                .flatten()
            });
            let generated_at = o.string("attestation_generated_at", Required);
            let validity = o.int("attestation_validity_seconds", Required);
            let stale = o.boolean("attestation_stale", Required);
            let _exceptions = o.member("catalog_exceptions", NotNull, |w, v| {
                array(w, v, |w, item| {
                    w.object(item, &[], false, |o| {
                        let mut ok = true;
                        for (k, val) in o.o.iter() {
                            if val.as_str().is_none() {
                                o.w.enter(Seg::Key(k.to_owned()), |w| {
                                    w.push(ViolationKind::Type("a string"))
                                });
                                ok = false;
                            }
                        }
                        ok.then_some(())
                    })
                    .flatten()
                })
            });
            let _call_log = o.member("call_log_summary", Nullable, |w, v| {
                w.object(
                    v,
                    &[
                        "total_calls",
                        "tools_called",
                        "suspicious_sequences_detected",
                    ],
                    true,
                    |o| {
                        let a = o.int("total_calls", Required);
                        let b = o.string_array("tools_called", Required);
                        let c = o.int("suspicious_sequences_detected", Required);
                        Some((a?, b?, c?))
                    },
                )
                .flatten()
            });
            let agent_identity = o.member("agent_identity", Nullable, agent_identity);
            let kill_switch_triggered =
                o.boolean("kill_switch_triggered", NotNull).unwrap_or(false);
            let _kill_switch = o.member("kill_switch", Nullable, |w, v| {
                w.object(
                    v,
                    &[
                        "enabled",
                        "window_seconds",
                        "deny_rate_threshold",
                        "min_calls",
                        "trigger",
                    ],
                    true,
                    |o| {
                        let a = o.boolean("enabled", Required);
                        let b = o.int("window_seconds", Required);
                        let c = o.member("deny_rate_threshold", Required, number);
                        let d = o.int("min_calls", Required);
                        let e = o.one_of("trigger", Nullable, KILL_TRIGGERS);
                        let _ = e;
                        Some((a?, b?, c?, d?))
                    },
                )
                .flatten()
            });
            let attestation_evidence = o.member("attestation_evidence", Nullable, |w, v| {
                w.object(
                    v,
                    &[
                        "raw_evidence",
                        "quote_signature",
                        "cert_chain",
                        "ek_cert_chain",
                    ],
                    true,
                    |o| AttestationEvidence {
                        raw_evidence: o.string("raw_evidence", Nullable),
                        quote_signature: o.string("quote_signature", Nullable),
                        cert_chain: o.string("cert_chain", Nullable),
                        ek_cert_chain: o.string("ek_cert_chain", Nullable),
                    },
                )
            });
            let _policy_signing = o.member("policy_signing", Nullable, |w, v| {
                w.object(v, &["key_id", "revoked_key_ids"], true, |o| {
                    let _ = o.pattern("key_id", Nullable, "sha256:<64 hex>", is_sha256_digest);
                    o.member("revoked_key_ids", NotNull, |w, v| {
                        array(w, v, |w, item| {
                            let s = string(w, item)?;
                            if is_sha256_digest(&s) {
                                Some(())
                            } else {
                                w.push(ViolationKind::Pattern("sha256:<64 hex>"));
                                None
                            }
                        })
                    });
                })
            });
            let (catalog_hash, catalog_drift_detected) = catalog?;
            Some(Gateway {
                session_id: session_id?,
                gateway_version: gateway_version?,
                sequence_number: sequence_number?,
                prev_claim_hash,
                audit_chain: audit_chain?,
                call_summary: call_summary?,
                catalog_hash,
                catalog_drift_detected,
                attestation_generated_at: generated_at?,
                attestation_validity_seconds: validity?,
                attestation_stale: stale?,
                kill_switch_triggered,
                agent_identity,
                attestation_evidence,
            })
        },
    )
    .flatten()
}
