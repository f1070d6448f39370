"""Compute the reference verifier's (cmcp-runtime 0.7.1) verdict for every
conformance vector, informatively, and print them as one JSON object keyed by
vector id. Usage: python3 reference_verdicts.py VECTORS_DIR

The reference has no "not pinned" notion and no explicit clock: unpinned
policy/catalog hashes are passed as the claim's own values, and the clock is
frozen at the vector's `now`.
"""
import datetime as _dt
import json
import pathlib
import sys

import cmcp_verify.verify as V


def frozen(now_text):
    now = _dt.datetime.fromisoformat(now_text.replace("Z", "+00:00"))

    class Frozen(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return now if tz is None else now.astimezone(tz)

    return Frozen


def load(path):
    try:
        return json.loads(path.read_bytes())
    except Exception as e:  # the reference CLI cannot load it either
        return e


def one(vdir, doc):
    opts = doc.get("options", {})
    inputs = doc.get("inputs", {})
    V.datetime = frozen(opts.get("now", "2026-12-01T00:00:00Z"))
    claim = load(vdir / inputs["claim"]) if "claim" in inputs else None
    bundle = load(vdir / inputs["bundle"]) if "bundle" in inputs else None
    out = {}
    if isinstance(claim, Exception) or isinstance(bundle, Exception):
        return {"error": "input is not JSON to Python's json module"}
    keys = None
    if "evidence_keys" in opts:
        keys = {k: bytes.fromhex(v) for k, v in opts["evidence_keys"].items()}
    if doc.get("command") == "claim" and claim is not None:
        def g(path, default=""):
            cur = claim
            for p in path:
                cur = cur.get(p) if isinstance(cur, dict) else None
            return cur if isinstance(cur, str) else default
        approved = V.ApprovedHashes(
            policy_bundle_hash=opts.get("policy_hash") or g(["trace", "policy", "bundle_hash"]),
            tool_catalog_hash=opts.get("catalog_hash") or g(["gateway", "catalog", "hash"]),
        )
        kw = {}
        if "trusted_key" in opts:
            kw["trusted_public_key_hex"] = opts["trusted_key"]
        if "gateway_measurement" in opts:
            kw["expected_gateway_measurement"] = opts["gateway_measurement"]
        if "launch_measurements" in opts:
            kw["expected_launch_measurements"] = opts["launch_measurements"]
        try:
            r = V.verify_trace_claim(claim, approved, opts.get("max_age", 86400), **kw)
            out.update(status=str(r.status), failure_reason=(str(r.failure_reason) if r.failure_reason else None),
                       verified_fields=list(r.verified_fields), unverified_fields=list(r.unverified_fields))
        except Exception as e:
            out["claim_crash"] = type(e).__name__
    if bundle is not None:
        try:
            b = V.verify_audit_bundle(bundle, claim if isinstance(claim, dict) or claim is None else claim,
                                      external_evidence_keys=keys)
            out["bundle"] = {"verified": b.verified, "entry_count": b.entry_count, "failures": list(b.failures)}
        except Exception as e:
            out["bundle_crash"] = type(e).__name__
    return out


def main():
    root = pathlib.Path(sys.argv[1])
    res = {}
    for vfile in sorted(root.glob("*/vector.json")):
        doc = json.loads(vfile.read_text())
        # The reference has no receipt command and cannot bind an Agent
        # Manifest to a claim: no comparable verdict, so none is recorded.
        if doc.get("command") == "receipt" or "agent_manifest" in doc.get("options", {}):
            continue
        try:
            res[doc["id"]] = one(vfile.parent, doc)
        except Exception as e:
            res[doc["id"]] = {"error": type(e).__name__}
    json.dump(res, sys.stdout, indent=1, sort_keys=True, ensure_ascii=True)
    sys.stdout.write("\n")


main()
