//! The Intel SGX extension of a PCK certificate (OID `1.2.840.113741.1.13.1`):
//! FMSPC, PCE id, the platform's 16 SGX TCB component SVNs, PCESVN and CPUSVN.
//!
//! The extension is a DER `SEQUENCE` of `SEQUENCE { OID, value }`; the TCB
//! member is itself such a sequence. A small bounds-checked DER reader is
//! enough, and keeps the per-CPU PPID out of everything we print.

/// What the TCB appraisal needs from a PCK leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PckExtensions {
    /// FMSPC (6 bytes): selects the TCB info.
    pub fmspc: [u8; 6],
    /// PCE id (2 bytes).
    pub pce_id: [u8; 2],
    /// The 16 SGX TCB component SVNs.
    pub sgx_tcb_components: [u8; 16],
    /// PCESVN.
    pub pce_svn: u16,
    /// CPUSVN (16 bytes).
    pub cpu_svn: [u8; 16],
    /// SGX type (0 standard, 1 scalable, 2 scalable with integrity), when present.
    pub sgx_type: Option<u8>,
}

const BASE: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01];

/// One `SEQUENCE { OID, value }` member: (OID bytes, value tag, value bytes).
type Pair<'a> = (&'a [u8], u8, &'a [u8]);

struct Der<'a> {
    buf: &'a [u8],
}

impl<'a> Der<'a> {
    /// Reads one TLV: (tag, contents).
    fn next(&mut self) -> Result<Option<(u8, &'a [u8])>, String> {
        let Some((&tag, rest)) = self.buf.split_first() else {
            return Ok(None);
        };
        let (&first, rest) = rest.split_first().ok_or("truncated DER length")?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 3 {
                return Err("unsupported DER length form".to_owned());
            }
            let (lb, rest) = rest.split_at_checked(n).ok_or("truncated DER length")?;
            let len = lb.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
            (len, rest)
        };
        let (content, rest) = rest
            .split_at_checked(len)
            .ok_or("DER length past the end")?;
        self.buf = rest;
        Ok(Some((tag, content)))
    }

    /// Iterates `SEQUENCE { OID, value }` members of a sequence body.
    fn pairs(body: &'a [u8]) -> Result<Vec<Pair<'a>>, String> {
        let mut outer = Der { buf: body };
        let mut out = Vec::new();
        while let Some((tag, member)) = outer.next()? {
            if tag != 0x30 {
                return Err("SGX extension member is not a SEQUENCE".to_owned());
            }
            let mut inner = Der { buf: member };
            let (otag, oid) = inner.next()?.ok_or("missing OID")?;
            if otag != 0x06 {
                return Err("SGX extension member does not start with an OID".to_owned());
            }
            let (vtag, value) = inner.next()?.ok_or("missing value")?;
            out.push((oid, vtag, value));
        }
        Ok(out)
    }
}

fn oid_is(oid: &[u8], suffix: &[u8]) -> bool {
    oid.strip_prefix(BASE.as_slice()) == Some(suffix)
}

fn uint(tag: u8, value: &[u8], max: u32) -> Result<u32, String> {
    if tag != 0x02 && tag != 0x0a {
        return Err("expected INTEGER".to_owned());
    }
    if value.is_empty() || value.len() > 3 || value.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("INTEGER out of range".to_owned());
    }
    let v = value.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
    if v > max {
        return Err("INTEGER out of range".to_owned());
    }
    Ok(v)
}

fn octets<const N: usize>(tag: u8, value: &[u8], what: &str) -> Result<[u8; N], String> {
    if tag != 0x04 {
        return Err(format!("{what} is not an OCTET STRING"));
    }
    value
        .try_into()
        .map_err(|_| format!("{what} is {} bytes, expected {N}", value.len()))
}

/// Parses the DER value of the SGX extension.
///
/// ```
/// // SEQUENCE { SEQUENCE { OID 1.2.840.113741.1.13.1.4, OCTET STRING 00806f050000 } } alone
/// // lacks the TCB member:
/// let der = [0x30, 0x13, 0x30, 0x11, 0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01,
///            0x0d, 0x01, 0x04, 0x04, 0x06, 0x00, 0x80, 0x6f, 0x05, 0x00, 0x00, 0x00];
/// assert!(cmcp_tdx::pck::parse_sgx_extension(&der[..21]).is_err());
/// ```
pub fn parse_sgx_extension(value: &[u8]) -> Result<PckExtensions, String> {
    let mut top = Der { buf: value };
    let (tag, body) = top.next()?.ok_or("empty SGX extension")?;
    if tag != 0x30 || !top.buf.is_empty() {
        return Err("SGX extension is not one SEQUENCE".to_owned());
    }
    let mut fmspc = None;
    let mut pce_id = None;
    let mut tcb = None;
    let mut sgx_type = None;
    for (oid, vtag, v) in Der::pairs(body)? {
        if oid_is(oid, &[0x04]) {
            fmspc = Some(octets::<6>(vtag, v, "FMSPC")?);
        } else if oid_is(oid, &[0x03]) {
            pce_id = Some(octets::<2>(vtag, v, "PCE-ID")?);
        } else if oid_is(oid, &[0x05]) {
            sgx_type = Some(u8::try_from(uint(vtag, v, 255)?).unwrap_or(u8::MAX));
        } else if oid_is(oid, &[0x02]) {
            if vtag != 0x30 {
                return Err("TCB member is not a SEQUENCE".to_owned());
            }
            tcb = Some(v);
        }
    }
    let tcb = tcb.ok_or("SGX extension has no TCB member")?;
    let mut comps: [Option<u8>; 16] = [None; 16];
    let mut pce_svn = None;
    let mut cpu_svn = None;
    for (oid, vtag, v) in Der::pairs(tcb)? {
        for (slot, n) in comps.iter_mut().zip(1u8..) {
            if oid_is(oid, &[0x02, n]) {
                *slot = Some(u8::try_from(uint(vtag, v, 255)?).unwrap_or(u8::MAX));
            }
        }
        if oid_is(oid, &[0x02, 17]) {
            pce_svn = Some(u16::try_from(uint(vtag, v, 65_535)?).unwrap_or(u16::MAX));
        } else if oid_is(oid, &[0x02, 18]) {
            cpu_svn = Some(octets::<16>(vtag, v, "CPUSVN")?);
        }
    }
    let mut sgx_tcb_components = [0u8; 16];
    for (dst, src) in sgx_tcb_components.iter_mut().zip(comps) {
        *dst = src.ok_or("SGX extension lacks a TCB component")?;
    }
    Ok(PckExtensions {
        fmspc: fmspc.ok_or("SGX extension has no FMSPC")?,
        pce_id: pce_id.ok_or("SGX extension has no PCE-ID")?,
        sgx_tcb_components,
        pce_svn: pce_svn.ok_or("SGX extension has no PCESVN")?,
        cpu_svn: cpu_svn.ok_or("SGX extension has no CPUSVN")?,
        sgx_type,
    })
}
