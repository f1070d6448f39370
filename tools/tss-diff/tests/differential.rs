//! cmcp-tpm's own TPMS_ATTEST / TPMT_SIGNATURE parser against tss-esapi,
//! which wraps the TCG reference marshalling code of tpm2-tss (C). Every
//! quote and signature we have — the reference-simulator captures and the
//! synthetic conformance evidence — must parse to the same fields in both,
//! and wherever ours accepts a truncated or bit-flipped input, tss-esapi
//! must accept it too and agree (ours is the stricter of the two: it refuses
//! trailing bytes, which tss-esapi ignores).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cmcp_tpm::nvcertify::Envelope;
use cmcp_tpm::parse::{Attest, Attested, SigBody, SigScheme, Signature};
use std::path::{Path, PathBuf};
use tss_esapi::interface_types::algorithm::HashingAlgorithm;
use tss_esapi::structures::{Attest as TssAttest, AttestInfo, Signature as TssSignature};
use tss_esapi::traits::UnMarshall;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hash_id(h: HashingAlgorithm) -> u16 {
    match h {
        HashingAlgorithm::Sha1 => 0x0004,
        HashingAlgorithm::Sha256 => 0x000B,
        HashingAlgorithm::Sha384 => 0x000C,
        HashingAlgorithm::Sha512 => 0x000D,
        HashingAlgorithm::Sm3_256 => 0x0012,
        other => panic!("unexpected hash {other:?}"),
    }
}

/// Compares one attest; returns a description of the first difference.
fn compare_attest(ours: &Attest, tss: &TssAttest) -> Result<(), String> {
    let ty = u16::from(tss.attestation_type());
    if ty != ours.attest_type {
        return Err(format!("type {:#x} vs {:#x}", ours.attest_type, ty));
    }
    if tss.qualified_signer().value() != ours.qualified_signer.as_slice() {
        return Err("qualifiedSigner differs".into());
    }
    if tss.extra_data().value() != ours.extra_data.as_slice() {
        return Err("extraData differs".into());
    }
    let c = tss.clock_info();
    let oc = &ours.clock_info;
    if (c.clock(), c.reset_count(), c.restart_count(), c.safe())
        != (oc.clock, oc.reset_count, oc.restart_count, oc.safe != 0)
    {
        return Err("clockInfo differs".into());
    }
    if tss.firmware_version() != ours.firmware_version {
        return Err("firmwareVersion differs".into());
    }
    match (tss.attested(), &ours.attested) {
        (AttestInfo::Quote { info }, Attested::Quote(q)) => {
            if info.pcr_digest().value() != q.pcr_digest.as_slice() {
                return Err("pcrDigest differs".into());
            }
            let sels = info.pcr_selection().get_selections();
            if sels.len() != q.pcr_select.len() {
                return Err("PCR selection count differs".into());
            }
            for (t, o) in sels.iter().zip(&q.pcr_select) {
                if hash_id(t.hashing_algorithm()) != o.hash {
                    return Err("PCR selection bank differs".into());
                }
                let mut bits: Vec<u32> = t
                    .selected()
                    .iter()
                    .map(|s| u32::from(*s).trailing_zeros())
                    .collect();
                bits.sort_unstable();
                let mut ob: Vec<u32> = Vec::new();
                for (i, byte) in o.select.iter().enumerate() {
                    for b in 0..8 {
                        if byte & (1 << b) != 0 {
                            ob.push(u32::try_from(i * 8 + b).unwrap());
                        }
                    }
                }
                if bits != ob {
                    return Err(format!("PCR bitmap differs: {bits:?} vs {ob:?}"));
                }
            }
        }
        (AttestInfo::Nv { info }, Attested::NvCertify(n)) => {
            if info.index_name().value() != n.index_name.as_slice() {
                return Err("NV indexName differs".into());
            }
            if info.offset() != n.offset {
                return Err("NV offset differs".into());
            }
            if info.nv_contents().value() != n.nv_contents.as_slice() {
                return Err("NV nvContents differs".into());
            }
        }
        (t, _) => return Err(format!("union differs: {t:?}")),
    }
    Ok(())
}

fn compare_sig(ours: &Signature, tss: &TssSignature) -> Result<(), String> {
    let ok = match (tss, &ours.scheme, &ours.body) {
        (TssSignature::RsaSsa(r), SigScheme::RsaSsa, SigBody::Rsa(b))
        | (TssSignature::RsaPss(r), SigScheme::RsaPss, SigBody::Rsa(b)) => {
            hash_id(r.hashing_algorithm()) == ours.hash && r.signature().value() == b.as_slice()
        }
        (TssSignature::EcDsa(e), SigScheme::EcDsa, SigBody::Ecdsa { r, s }) => {
            hash_id(e.hashing_algorithm()) == ours.hash
                && e.signature_r().value() == r.as_slice()
                && e.signature_s().value() == s.as_slice()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("signature differs: {tss:?}"))
    }
}

fn inputs(kind: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let sim = root().join("../shared/fixtures/hardware/ms-tpm-20-ref-v183");
    let conf = root().join("crates/cmcp-tpm/tests/data/conformance");
    let mut dirs = vec![conf];
    if sim.is_dir() {
        dirs.push(sim);
    } else {
        eprintln!(
            "skipped: fixture folder absent ({}); synthetic inputs only",
            sim.display()
        );
    }
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let want = match kind {
                "attest" => name.ends_with("attest.bin") || name.ends_with(".attest"),
                _ => name.ends_with("signature.bin") || name.ends_with(".sig"),
            };
            if want {
                out.push((name.clone(), std::fs::read(&f).unwrap()));
            }
            // The attests and signatures inside the NV-certify envelopes.
            if name.starts_with("nv.") && name.ends_with(".json") {
                if let Ok(e) = Envelope::parse(&std::fs::read(&f).unwrap()) {
                    let (a, b) = match kind {
                        "attest" => (e.pre_attest, e.post_attest),
                        _ => (e.pre_signature, e.post_signature),
                    };
                    out.push((format!("{name}#pre"), a));
                    out.push((format!("{name}#post"), b));
                }
            }
        }
    }
    out
}

#[test]
fn attests_agree_with_tpm2_tss() {
    let all = inputs("attest");
    assert!(all.len() >= 4, "only {} attest inputs", all.len());
    let mut agreed = 0;
    for (name, bytes) in &all {
        let ours = match Attest::parse(bytes) {
            Ok(o) => o,
            // Envelope attests include deliberately malformed ones.
            Err(_) if name.contains('#') => continue,
            Err(e) => panic!("{name}: ours refused: {e}"),
        };
        let tss = TssAttest::unmarshall(&ours.signed_bytes)
            .unwrap_or_else(|e| panic!("{name}: tss refused: {e}"));
        compare_attest(&ours, &tss).unwrap_or_else(|e| panic!("{name}: {e}"));
        agreed += 1;
        // Mutants: every prefix and every single-bit flip we accept, tss-esapi accepts identically.
        for n in 0..bytes.len() {
            if let Ok(o) = Attest::parse(&bytes[..n]) {
                let t = TssAttest::unmarshall(&o.signed_bytes)
                    .unwrap_or_else(|e| panic!("{name}[..{n}]: tss refused: {e}"));
                compare_attest(&o, &t).unwrap_or_else(|e| panic!("{name}[..{n}]: {e}"));
                agreed += 1;
            }
        }
        for i in 0..bytes.len() {
            for bit in [0u8, 3, 7] {
                let mut m = bytes.clone();
                m[i] ^= 1 << bit;
                if let Ok(o) = Attest::parse(&m) {
                    if let Ok(t) = TssAttest::unmarshall(&o.signed_bytes) {
                        compare_attest(&o, &t)
                            .unwrap_or_else(|e| panic!("{name} flip {i}.{bit}: {e}"));
                        agreed += 1;
                    }
                }
            }
        }
    }
    eprintln!("{} attest inputs, {agreed} parses agreed", all.len());
}

#[test]
fn signatures_agree_with_tpm2_tss() {
    let all = inputs("sig");
    assert!(all.len() >= 4, "only {} signature inputs", all.len());
    for (name, bytes) in &all {
        let ours = match Signature::parse(bytes) {
            Ok(o) => o,
            Err(_) if name.contains('#') => continue,
            Err(e) => panic!("{name}: ours refused: {e}"),
        };
        let tss =
            TssSignature::unmarshall(bytes).unwrap_or_else(|e| panic!("{name}: tss refused: {e}"));
        compare_sig(&ours, &tss).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Ours refuses a trailing byte; tss-esapi still parses the same signature.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            Signature::parse(&longer).is_err(),
            "{name}: trailing byte accepted"
        );
    }
    eprintln!("{} signature inputs agreed", all.len());
}
