#!/usr/bin/env python3
"""Builds fuzz seed folders.

  seeds.py committed DIR   synthesized inputs and conformance-vector inputs
                           (repository files) -> DIR/<target>/ (this is what
                           fuzz/corpus started from before fuzzing and cmin)
  seeds.py fixtures DIR    run-time only: inputs decoded from
                           ../shared/fixtures -> DIR/<target>/ (never committed;
                           pass DIR/<target> as an extra corpus dir)
"""
import base64, glob, hashlib, json, os, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "..", "shared", "fixtures")

def put(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def tcg_log():
    spec = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, 2)
    spec += struct.pack("<HH", 0x0004, 20) + struct.pack("<HH", 0x000B, 32) + b"\0"
    head = struct.pack("<II", 0, 3) + b"\0" * 20 + struct.pack("<I", len(spec)) + spec
    ev = struct.pack("<III", 0, 1, 2) + struct.pack("<H", 4) + b"\x11" * 20
    ev += struct.pack("<H", 0x000B) + b"\x22" * 32 + struct.pack("<I", 4) + b"abcd"
    return head + ev + ev.replace(b"abcd", b"wxyz")

def committed(out):
    vec = os.path.join(ROOT, "conformance", "vectors")
    claims = sorted(glob.glob(os.path.join(vec, "*", "claim.json")))
    bundles = sorted(glob.glob(os.path.join(vec, "*", "bundle.json")))
    for p in claims[::3]:
        b = open(p, "rb").read()
        for t in ("claim", "json_parse", "json_canon", "json_stream"):
            put(out, t, b)
    for p in bundles[::2]:
        b = open(p, "rb").read()
        put(out, "bundle", b)
        put(out, "json_stream", b)
        try:
            doc = json.loads(b)
        except ValueError:
            continue
        claim = None
        cp = os.path.join(os.path.dirname(p), "claim.json")
        if os.path.exists(cp):
            try:
                claim = json.load(open(cp))
            except ValueError:
                pass
        for e in doc.get("entries", []) if isinstance(doc, dict) else []:
            if isinstance(e, dict) and "external_execution_evidence" in e:
                put(out, "receipt_external", json.dumps(e["external_execution_evidence"]))
                put(out, "receipt_embodied", json.dumps({"entry": e, "payload": e.get("request_payload", {}), "claim": claim}))
    for s in ['{"a":[1,2.5,-0.0,1e400,"\\u00e9",{"b":null}],"c":true}', '[]', '"\\ud83d\\ude00"', '1e-7', '{"z":1,"a":{"y":[{}]}}']:
        for t in ("json_parse", "json_canon", "json_stream"):
            put(out, t, s)
    put(out, "receipt_kill_switch", json.dumps({"receipt": {"claim_digest": "sha256:" + "00" * 32, "signature": b64u(b"\0" * 64)}, "claim": {"trace": {}}}))
    put(out, "receipt_trace_action", json.dumps({"context": {"call_id": "c1", "session_id": "s1"}, "action": {"agent_id": "a", "action_type": "t", "action_scope": "x", "action_timestamp": "2026-12-01T00:00:00Z"}, "receipt": {}}))
    put(out, "cose_manifest", bytes.fromhex("d28443a10127a0f640"))
    put(out, "cose_manifest", bytes.fromhex("d2845820a201270458200000000000000000000000000000000000000000000000000000000000000000a0456869686921582000"))
    snp = bytearray(1184); struct.pack_into("<I", snp, 0, 2); struct.pack_into("<I", snp, 0x34, 1)
    put(out, "snp_report", bytes(snp)); snp[0] = 5; put(out, "snp_report", bytes(snp))
    env = {"v": 1, "snp_report": base64.b64encode(bytes(snp)).decode(), "runtime_data": base64.b64encode(b'{"keys":[]}').decode(),
           "quote_msg": base64.b64encode(b"\xffTCG\x80\x18" + b"\0" * 40).decode(), "quote_sig": base64.b64encode(bytes([0, 0x14, 0, 0x0B, 0, 1, 0xAA])).decode(), "ak_pub_pem": "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"}
    put(out, "azure_envelope", json.dumps(env))
    hcl = bytearray(2600); hcl[0:4] = b"HCLA"; put(out, "azure_envelope", bytes(hcl))
    put(out, "tdx_report", bytes(1024))
    q = bytearray(48 + 584 + 4); struct.pack_into("<HHI", q, 0, 4, 2, 0x81); put(out, "tdx_quote", bytes(q))
    q5 = bytearray(48 + 6 + 648 + 4); struct.pack_into("<HHI", q5, 0, 5, 2, 0x81); struct.pack_into("<HI", q5, 48, 2, 648); put(out, "tdx_quote", bytes(q5))
    att = b"\xffTCG\x80\x18" + struct.pack(">H", 4) + b"\0\x0b\0\0" + struct.pack(">H", 32) + b"\x01" * 32 + b"\0" * 17 + b"\0\0\0\0" + b"\0\0\0\0\0\0\0\0" + b"\0\0\0\x01\0\x0b\x03\x01\0\0" + struct.pack(">H", 32) + b"\x02" * 32
    put(out, "tpm_attest", att)
    put(out, "tpm_signature", bytes.fromhex("0018000b0020") + b"\x01" * 32 + bytes.fromhex("0020") + b"\x02" * 32)
    put(out, "tpm_signature", bytes.fromhex("0014000b0100") + b"\x03" * 256)
    put(out, "tpm_eventlog", tcg_log())
    root = bytes.fromhex(open(os.path.join(ROOT, "fuzz", "src", "targets", "x509_chain.rs")).read().split('ROOT_HEX: &str = "')[1].split('"')[0])
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(base64.b64encode(root).decode()[i:i + 64] for i in range(0, len(base64.b64encode(root)), 64)) + "\n-----END CERTIFICATE-----\n"
    for t in ("x509_certs", "x509_chain"):
        put(out, t, root); put(out, t, pem); put(out, t, pem + pem)

def fixtures(out):
    if not os.path.isdir(FIX):
        print("skipped: fixture folder absent"); return
    hw = os.path.join(FIX, "hardware")
    rd = lambda *p: open(os.path.join(hw, *p), "rb").read()
    put(out, "snp_report", bytes.fromhex(rd("sev-crate-milan-turin", "report_milan.hex").decode().strip()))
    put(out, "snp_report", rd("azure-snp-redacted", "azure_snp_report_redacted.bin"))
    put(out, "azure_envelope", rd("azure-snp-redacted", "azure_hcl_report_redacted.bin"))
    for p in ("dcap-qvl-samples/tdx_quote", "dcap-qvl-samples/tdx_quote_outdated", "gcp-tdx-2026-07-21/tdx_quote.bin", "gcp-tdx-2026-07-21/tdx_quote_manifest.bin"):
        put(out, "tdx_quote", rd(*p.split("/")))
    for p in glob.glob(os.path.join(hw, "ms-tpm-20-ref-v183", "*-attest.bin")):
        put(out, "tpm_attest", open(p, "rb").read())
    for p in glob.glob(os.path.join(hw, "ms-tpm-20-ref-v183", "*-tpmt-signature.bin")):
        put(out, "tpm_signature", open(p, "rb").read())
    for p in glob.glob(os.path.join(hw, "*", "*.pem")) + glob.glob(os.path.join(hw, "*", "*.der")) + glob.glob(os.path.join(hw, "*", "cert_chain_*")):
        put(out, "x509_certs", open(p, "rb").read()); put(out, "x509_chain", open(p, "rb").read())
    for p in glob.glob(os.path.join(FIX, "agent-manifest", "cose", "*.json")):
        v = json.load(open(p))
        if "envelope_hex" in v:
            put(out, "cose_manifest", bytes.fromhex(v["envelope_hex"]))
    for p in glob.glob(os.path.join(FIX, "trace-spec", "action-receipts", "*.json")):
        put(out, "receipt_trace_action", open(p, "rb").read())
    for p in glob.glob(os.path.join(FIX, "trace-spec", "canonicalization", "*.json")):
        for t in ("json_parse", "json_canon", "json_stream"):
            put(out, t, open(p, "rb").read())
    for d in glob.glob(os.path.join(FIX, "reference-gateway", "*")):
        c = open(os.path.join(d, "claim.json"), "rb").read()
        put(out, "claim", c); put(out, "json_canon", c)
        if d.endswith("ref-3"):
            put(out, "bundle", open(os.path.join(d, "bundle.json"), "rb").read())

if __name__ == "__main__":
    {"committed": committed, "fixtures": fixtures}[sys.argv[1]](sys.argv[2])
