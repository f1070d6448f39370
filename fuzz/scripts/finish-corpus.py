#!/usr/bin/env python3
"""After `cargo fuzz cmin`: drop corpus files byte-identical to any fixture
(or to a run-time seed built from one), then cap each target's corpus at
MAX_FILES files / MAX_BYTES bytes, keeping the smallest inputs.

  finish-corpus.py [SEED_ROOT]
"""
import hashlib, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.dirname(HERE)
FIX = os.path.join(FUZZ, "..", "..", "shared", "fixtures")
MAX_FILES, MAX_BYTES = 300, 2 * 1024 * 1024

def digests(root):
    out = set()
    if os.path.isdir(root):
        for d, _, fs in os.walk(root):
            for f in fs:
                out.add(hashlib.sha256(open(os.path.join(d, f), "rb").read()).digest())
    return out

banned = digests(FIX)
if len(sys.argv) > 1:
    banned |= digests(sys.argv[1])
corpus = os.path.join(FUZZ, "corpus")
for t in sorted(os.listdir(corpus)):
    d = os.path.join(corpus, t)
    files = [os.path.join(d, f) for f in os.listdir(d)]
    dropped = 0
    for p in files:
        if hashlib.sha256(open(p, "rb").read()).digest() in banned:
            os.remove(p); dropped += 1
    files = sorted((os.path.getsize(os.path.join(d, f)), os.path.join(d, f)) for f in os.listdir(d))
    kept, total = 0, 0
    for size, p in files:
        if kept < MAX_FILES and total + size <= MAX_BYTES:
            kept += 1; total += size
        else:
            os.remove(p)
    print(f"{t}: {kept} files, {total} bytes ({dropped} fixture copies dropped, {len(files) - kept} over the cap)")
