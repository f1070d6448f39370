//! Bounds-checked parsing of TD quotes (v4, v5) and bare TDREPORTs.
//!
//! Every length the quote declares is checked against the bytes actually
//! present before anything is read; the input as a whole is capped at
//! [`MAX_EVIDENCE_LEN`]. Nothing here verifies a signature: see
//! [`crate::authenticate`].
//!
//! Layout (all integers little-endian):
//!
//! * v4: header (48) ‖ TD report body 1.0 (584) ‖ `u32` L ‖ signature data (L).
//!   Signed region = bytes `0..632`.
//! * v5: header (48) ‖ body descriptor (`u16` type, `u32` size) ‖ body ‖
//!   `u32` L ‖ signature data (L). Signed region = `48 + 6 + size` bytes
//!   (the descriptor is signed).
//! * signature data: quote signature (64, raw `r‖s`) ‖ attestation key (64,
//!   raw `x‖y`) ‖ `u16` certification type = 6 ‖ `u32` C ‖ QE report (384) ‖
//!   QE report signature (64) ‖ `u16` A ‖ QE auth data (A) ‖ `u16`
//!   certification type = 5 ‖ `u32` P ‖ PEM PCK chain (P) — the type-5 block
//!   is *nested inside* the type-6 block.
//!
//! The declared lengths must be consistent: `L = 134 + C` and
//! `C = 456 + A + P`; anything else is refused. Bytes after the signature
//! data (fixed-size transport buffers pad with zeros) are ignored, never
//! signed, and reported as [`TdQuote::trailing_len`].

use std::fmt;

/// Largest evidence blob accepted (64 KiB).
pub const MAX_EVIDENCE_LEN: usize = 64 * 1024;
/// Size of a TDREPORT_STRUCT.
pub const TDREPORT_LEN: usize = 1024;
/// Offset of REPORTDATA in a TDREPORT.
pub const TDREPORT_REPORTDATA_OFFSET: usize = 0x80;
/// Offset of MRTD in a TDREPORT.
pub const TDREPORT_MRTD_OFFSET: usize = 0x210;
/// Offset of TEE_TCB_INFO in a TDREPORT.
pub const TDREPORT_TEE_TCB_INFO_OFFSET: usize = 0x100;
/// Offset of TDINFO_STRUCT in a TDREPORT.
pub const TDREPORT_TDINFO_OFFSET: usize = 0x200;
/// Quote header size.
pub const HEADER_LEN: usize = 48;
/// v5 body descriptor size.
pub const BODY_DESCRIPTOR_LEN: usize = 6;
/// TD report body 1.0 size.
pub const TD10_BODY_LEN: usize = 584;
/// TD report body 1.5 size.
pub const TD15_BODY_LEN: usize = 648;
/// TD report body 1.5ex size (per dcap-qvl).
pub const TD15EX_BODY_LEN: usize = 885;
/// Signed region of a v4 quote.
pub const V4_SIGNED_LEN: usize = HEADER_LEN + TD10_BODY_LEN;
/// QE report (SGX REPORT body) size.
pub const QE_REPORT_LEN: usize = 384;
/// Offset of REPORTDATA inside the QE report.
pub const QE_REPORT_REPORTDATA_OFFSET: usize = 320;
/// Fixed part of the signature data before the type-6 payload.
pub const SIG_DATA_FIXED_LEN: usize = 64 + 64 + 2 + 4;
/// Smallest type-6 payload: QE report, its signature, `u16` A, and the type-5 header.
pub const QE_CERT_MIN_LEN: usize = QE_REPORT_LEN + 64 + 2 + 2 + 4;
/// Attestation key type: ECDSA-256 with P-256.
pub const ATT_KEY_TYPE_ECDSA_P256: u16 = 2;
/// TEE type of TDX.
pub const TEE_TYPE_TDX: u32 = 0x81;
/// Certification data type: QE report certification data.
pub const CERT_TYPE_QE_REPORT: u16 = 6;
/// Certification data type: PEM PCK certificate chain.
pub const CERT_TYPE_PCK_CHAIN: u16 = 5;
/// The Intel QE vendor id.
pub const INTEL_QE_VENDOR_ID: [u8; 16] = [
    0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
];

const _: () = {
    assert!(TDREPORT_LEN == 1024);
    assert!(TDREPORT_MRTD_OFFSET == 528);
    assert!(TDREPORT_REPORTDATA_OFFSET == 128);
    assert!(V4_SIGNED_LEN == 632);
    assert!(SIG_DATA_FIXED_LEN == 134);
    assert!(QE_CERT_MIN_LEN == 456);
    assert!(TD15_BODY_LEN == TD10_BODY_LEN + 16 + 48);
};

/// Why evidence bytes could not be parsed. The messages are what the
/// reference puts after `quote_parse_error: ` where it has an equivalent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Over [`MAX_EVIDENCE_LEN`].
    #[error("evidence is {len} bytes, over the cap of {cap} bytes")]
    TooLarge {
        /// Actual length.
        len: usize,
        /// The cap.
        cap: usize,
    },
    /// Shorter than header + body + signature-data length.
    #[error("quote too short for header + TD report body + sig length ({len} bytes, need {need})")]
    TooShort {
        /// Actual length.
        len: usize,
        /// Needed.
        need: usize,
    },
    /// Version other than 4 or 5.
    #[error("unsupported quote version {0} (expected 4 or 5)")]
    UnsupportedVersion(u16),
    /// Attestation key type other than 2.
    #[error("unsupported att_key_type {0} (expected ECDSA-P256)")]
    UnsupportedAttKeyType(u16),
    /// TEE type other than 0x81.
    #[error("unsupported TEE type {0:#x} (expected 0x81, TDX)")]
    UnsupportedTeeType(u32),
    /// v5 body type that is not a TD report.
    #[error("unsupported v5 body type {0} (expected 2, 3 or 4: a TD report)")]
    UnsupportedBodyType(u16),
    /// v5 body size that does not match the body type.
    #[error("v5 body type {body_type} declares {declared} bytes, the type is {expected} bytes")]
    BodySizeMismatch {
        /// Body type.
        body_type: u16,
        /// Declared size.
        declared: u32,
        /// Size of the type.
        expected: usize,
    },
    /// Signature-data length past the end of the buffer.
    #[error("quote declares {declared} bytes of signature data, {available} available")]
    SigDataOverrun {
        /// Declared.
        declared: u32,
        /// Present.
        available: usize,
    },
    /// Signature-data length below the fixed part.
    #[error("truncated quote signature data ({declared} bytes, need at least 134)")]
    SigDataTruncated {
        /// Declared.
        declared: u32,
    },
    /// Certification data type other than 6.
    #[error("unexpected certification data type {0} (expected QE report)")]
    UnexpectedCertType(u16),
    /// Type-6 length past the signature data.
    #[error("quote declares {declared} bytes of QE certification data, {available} available")]
    QeCertOverrun {
        /// Declared.
        declared: u32,
        /// Present.
        available: usize,
    },
    /// Type-6 length below its fixed part.
    #[error("truncated QE certification data ({declared} bytes, need at least 456)")]
    QeCertTruncated {
        /// Declared.
        declared: u32,
    },
    /// Signature data longer than its content.
    #[error("signature data declares {declared} bytes but its content is {content} bytes")]
    SigDataLengthMismatch {
        /// Declared L.
        declared: u32,
        /// 134 + C.
        content: usize,
    },
    /// QE auth data length past the type-6 payload.
    #[error(
        "quote declares {declared} bytes of QE auth data, {available} available before the PCK header"
    )]
    QeAuthOverrun {
        /// Declared.
        declared: u16,
        /// Present.
        available: usize,
    },
    /// Nested certification type other than 5.
    #[error("unexpected PCK certification type {0} (expected PEM chain)")]
    UnexpectedPckCertType(u16),
    /// PCK chain length past the type-6 payload.
    #[error("quote declares {declared} bytes of PCK chain, {available} available")]
    PckChainOverrun {
        /// Declared.
        declared: u32,
        /// Present.
        available: usize,
    },
    /// Type-6 payload longer than its content.
    #[error("QE certification data declares {declared} bytes but its content is {content} bytes")]
    QeCertLengthMismatch {
        /// Declared C.
        declared: u32,
        /// 456 + A + P.
        content: usize,
    },
    /// A bare TDREPORT of the wrong size.
    #[error("TDREPORT must be exactly 1024 bytes, got {0}")]
    ReportSize(usize),
    /// A TDREPORT whose REPORTTYPE is not TDX.
    #[error("TDREPORT type {0:#04x} is not TDX (0x81)")]
    ReportType(u8),
    /// Neither a quote nor a TDREPORT.
    #[error("evidence is neither a TD quote (version 4/5) nor a TDREPORT (type 0x81)")]
    Unrecognised,
}

/// A checked little-endian cursor.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], pos: usize) -> Self {
        Reader { buf, pos }
    }
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let end = self.pos.checked_add(n).ok_or(ParseError::TooShort {
            len: self.buf.len(),
            need: usize::MAX,
        })?;
        let s = self.buf.get(self.pos..end).ok_or(ParseError::TooShort {
            len: self.buf.len(),
            need: end,
        })?;
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ParseError> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u16(&mut self) -> Result<u16, ParseError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, ParseError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, ParseError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

fn usize_of(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// TD attributes (a little-endian `u64`), with the bits of the TDX module ABI.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TdAttributes(pub u64);

impl TdAttributes {
    /// Bit 0: the host can read the TD's state and memory.
    pub const DEBUG: u64 = 1 << 0;
    /// Bits 4–6: TD-under-debug profiling bits.
    pub const TUD_PROFILING: u64 = 0b111 << 4;
    /// Bit 16: ICSSD.
    pub const ICSSD: u64 = 1 << 16;
    /// Bit 17: SERVTD_EXT.
    pub const SERVTD_EXT: u64 = 1 << 17;
    /// Bit 27: LASS.
    pub const LASS: u64 = 1 << 27;
    /// Bit 28: SEPT_VE_DISABLE (EPT violations are not converted to #VE).
    pub const SEPT_VE_DISABLE: u64 = 1 << 28;
    /// Bit 29: MIGRATABLE.
    pub const MIGRATABLE: u64 = 1 << 29;
    /// Bit 30: PKS.
    pub const PKS: u64 = 1 << 30;
    /// Bit 31: KL (key locker).
    pub const KL: u64 = 1 << 31;
    /// Bit 62: TPA.
    pub const TPA: u64 = 1 << 62;
    /// Bit 63: PERFMON.
    pub const PERFMON: u64 = 1 << 63;
    /// Bits the ABI reserves (must be zero): 1–3, 7–15, 23–26, 32–61.
    pub const RESERVED: u64 = (0b111 << 1) | (0x1ff << 7) | (0xf << 23) | (0x3fff_ffff << 32);

    /// The raw value.
    pub fn bits(self) -> u64 {
        self.0
    }
    /// DEBUG set.
    pub fn debug(self) -> bool {
        self.0 & Self::DEBUG != 0
    }
    /// SEPT_VE_DISABLE set.
    pub fn sept_ve_disable(self) -> bool {
        self.0 & Self::SEPT_VE_DISABLE != 0
    }
    /// PKS set.
    pub fn pks(self) -> bool {
        self.0 & Self::PKS != 0
    }
    /// KL set.
    pub fn kl(self) -> bool {
        self.0 & Self::KL != 0
    }
    /// PERFMON set.
    pub fn perfmon(self) -> bool {
        self.0 & Self::PERFMON != 0
    }
    /// MIGRATABLE set.
    pub fn migratable(self) -> bool {
        self.0 & Self::MIGRATABLE != 0
    }
    /// Any TUD profiling bit set.
    pub fn tud_profiling(self) -> bool {
        self.0 & Self::TUD_PROFILING != 0
    }
    /// Reserved bits that are set.
    pub fn reserved_set(self) -> u64 {
        self.0 & Self::RESERVED
    }
    /// Names of the set bits, for messages.
    pub fn names(self) -> Vec<&'static str> {
        const NAMED: [(u64, &str); 11] = [
            (TdAttributes::DEBUG, "DEBUG"),
            (TdAttributes::TUD_PROFILING, "TUD_PROFILING"),
            (TdAttributes::ICSSD, "ICSSD"),
            (TdAttributes::SERVTD_EXT, "SERVTD_EXT"),
            (TdAttributes::LASS, "LASS"),
            (TdAttributes::SEPT_VE_DISABLE, "SEPT_VE_DISABLE"),
            (TdAttributes::MIGRATABLE, "MIGRATABLE"),
            (TdAttributes::PKS, "PKS"),
            (TdAttributes::KL, "KL"),
            (TdAttributes::TPA, "TPA"),
            (TdAttributes::PERFMON, "PERFMON"),
        ];
        NAMED
            .iter()
            .filter(|(m, _)| self.0 & m != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

impl fmt::Debug for TdAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TdAttributes({:#018x} {:?})", self.0, self.names())
    }
}

/// The 48-byte quote header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteHeader {
    /// 4 or 5.
    pub version: u16,
    /// 2 = ECDSA P-256.
    pub att_key_type: u16,
    /// 0x81 = TDX.
    pub tee_type: u32,
    /// Bytes 8..10 (QE SVN in dcap-qvl's naming; reserved in the TDX v4 table).
    pub qe_svn: u16,
    /// Bytes 10..12 (PCE SVN in dcap-qvl's naming).
    pub pce_svn: u16,
    /// QE vendor id (Intel: [`INTEL_QE_VENDOR_ID`]).
    pub qe_vendor_id: [u8; 16],
    /// User data (20 bytes).
    pub user_data: [u8; 20],
}

/// Which TD report body a quote carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyType {
    /// TD report 1.0 (v4 quotes, or v5 type 2), 584 bytes.
    Td10,
    /// TD report 1.5 (v5 type 3), 648 bytes.
    Td15,
    /// TD report 1.5ex (v5 type 4), 885 bytes.
    Td15Ex,
}

impl BodyType {
    /// Body size in bytes.
    pub fn len(self) -> usize {
        match self {
            BodyType::Td10 => TD10_BODY_LEN,
            BodyType::Td15 => TD15_BODY_LEN,
            BodyType::Td15Ex => TD15EX_BODY_LEN,
        }
    }
    /// True for none (a body type is never empty); provided for clippy's `len` rule.
    pub fn is_empty(self) -> bool {
        false
    }
}

/// The TD report fields a quote body or a TDREPORT carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdReportBody {
    /// TEE_TCB_SVN (16 bytes: per-component SVNs of the TDX module and microcode).
    pub tee_tcb_svn: [u8; 16],
    /// MRSEAM: measurement of the TDX module.
    pub mr_seam: [u8; 48],
    /// MRSIGNERSEAM (zero for Intel's module).
    pub mr_signer_seam: [u8; 48],
    /// SEAM attributes.
    pub seam_attributes: u64,
    /// TD attributes.
    pub td_attributes: TdAttributes,
    /// XFAM.
    pub xfam: u64,
    /// MRTD: measurement of the initial TD contents.
    pub mr_td: [u8; 48],
    /// MRCONFIGID.
    pub mr_config_id: [u8; 48],
    /// MROWNER.
    pub mr_owner: [u8; 48],
    /// MROWNERCONFIG.
    pub mr_owner_config: [u8; 48],
    /// RTMR0..RTMR3.
    pub rtmr: [[u8; 48]; 4],
    /// REPORTDATA.
    pub report_data: [u8; 64],
    /// TEE_TCB_SVN_2 (TD 1.5 bodies; TEE_TCB_SVN2 of a TDREPORT).
    pub tee_tcb_svn_2: Option<[u8; 16]>,
    /// MRSERVICETD (TD 1.5 bodies; SERVTD_HASH of a TDREPORT).
    pub mr_service_td: Option<[u8; 48]>,
}

impl TdReportBody {
    fn read_td10(r: &mut Reader<'_>) -> Result<TdReportBody, ParseError> {
        Ok(TdReportBody {
            tee_tcb_svn: r.array()?,
            mr_seam: r.array()?,
            mr_signer_seam: r.array()?,
            seam_attributes: r.u64()?,
            td_attributes: TdAttributes(r.u64()?),
            xfam: r.u64()?,
            mr_td: r.array()?,
            mr_config_id: r.array()?,
            mr_owner: r.array()?,
            mr_owner_config: r.array()?,
            rtmr: [r.array()?, r.array()?, r.array()?, r.array()?],
            report_data: r.array()?,
            tee_tcb_svn_2: None,
            mr_service_td: None,
        })
    }

    /// The claim measurement convention: `"sha384:" + hex(SHA-384(MRTD))`.
    pub fn measurement(&self) -> String {
        crate::measurement_of(&self.mr_td)
    }
}

/// The QE report (an SGX REPORT body, 384 bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QeReport {
    /// The 384 raw bytes (what the PCK leaf signs).
    pub raw: [u8; QE_REPORT_LEN],
    /// CPUSVN.
    pub cpu_svn: [u8; 16],
    /// MISCSELECT.
    pub misc_select: u32,
    /// ATTRIBUTES (bit 1 of byte 0 = DEBUG).
    pub attributes: [u8; 16],
    /// MRENCLAVE.
    pub mr_enclave: [u8; 32],
    /// MRSIGNER.
    pub mr_signer: [u8; 32],
    /// ISVPRODID (2 = TD QE).
    pub isv_prod_id: u16,
    /// ISVSVN.
    pub isv_svn: u16,
    /// REPORTDATA: `[0..32]` = SHA-256(attestation key ‖ QE auth data), `[32..64]` zero.
    pub report_data: [u8; 64],
}

impl QeReport {
    /// Parses 384 bytes.
    pub fn parse(raw: [u8; QE_REPORT_LEN]) -> Result<QeReport, ParseError> {
        let mut r = Reader::new(&raw, 0);
        let cpu_svn = r.array()?;
        let misc_select = r.u32()?;
        r.take(28)?;
        let attributes = r.array()?;
        let mr_enclave = r.array()?;
        r.take(32)?;
        let mr_signer = r.array()?;
        r.take(96)?;
        let isv_prod_id = r.u16()?;
        let isv_svn = r.u16()?;
        r.take(60)?;
        let report_data = r.array()?;
        Ok(QeReport {
            raw,
            cpu_svn,
            misc_select,
            attributes,
            mr_enclave,
            mr_signer,
            isv_prod_id,
            isv_svn,
            report_data,
        })
    }

    /// The QE's DEBUG attribute.
    pub fn debug(&self) -> bool {
        self.attributes.first().is_some_and(|b| b & 0x02 != 0)
    }
}

/// A parsed DCAP TD quote (v4 or v5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdQuote {
    /// Header.
    pub header: QuoteHeader,
    /// Body type (v4 is always [`BodyType::Td10`]).
    pub body_type: BodyType,
    /// The TD report body.
    pub body: TdReportBody,
    /// The exact bytes the attestation key signs.
    pub signed_region: Vec<u8>,
    /// Quote signature, raw `r‖s`.
    pub signature: [u8; 64],
    /// Attestation public key, raw `x‖y`.
    pub attestation_key: [u8; 64],
    /// The QE report.
    pub qe_report: QeReport,
    /// QE report signature (by the PCK leaf), raw `r‖s`.
    pub qe_report_signature: [u8; 64],
    /// QE authentication data.
    pub qe_auth_data: Vec<u8>,
    /// The type-5 payload: PEM certificates, leaf first (may end with a NUL).
    pub pck_chain_pem: Vec<u8>,
    /// Length of the quote proper (header through signature data).
    pub quote_len: usize,
    /// Bytes after the signature data (ignored).
    pub trailing_len: usize,
}

impl TdQuote {
    /// Parses a TD quote.
    ///
    /// ```
    /// use cmcp_tdx::parse::{TdQuote, ParseError};
    /// assert!(matches!(TdQuote::parse(&[4, 0, 2, 0]), Err(ParseError::TooShort { .. })));
    /// assert_eq!(
    ///     TdQuote::parse(&[3u8; 700]),
    ///     Err(ParseError::UnsupportedVersion(0x0303))
    /// );
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<TdQuote, ParseError> {
        if bytes.len() > MAX_EVIDENCE_LEN {
            return Err(ParseError::TooLarge {
                len: bytes.len(),
                cap: MAX_EVIDENCE_LEN,
            });
        }
        let short = |need: usize| ParseError::TooShort {
            len: bytes.len(),
            need,
        };
        let mut r = Reader::new(bytes, 0);
        let hdr = r.take(HEADER_LEN).map_err(|_| short(HEADER_LEN))?;
        let mut h = Reader::new(hdr, 0);
        let header = QuoteHeader {
            version: h.u16()?,
            att_key_type: h.u16()?,
            tee_type: h.u32()?,
            qe_svn: h.u16()?,
            pce_svn: h.u16()?,
            qe_vendor_id: h.array()?,
            user_data: h.array()?,
        };
        if header.version != 4 && header.version != 5 {
            return Err(ParseError::UnsupportedVersion(header.version));
        }
        if header.att_key_type != ATT_KEY_TYPE_ECDSA_P256 {
            return Err(ParseError::UnsupportedAttKeyType(header.att_key_type));
        }
        if header.tee_type != TEE_TYPE_TDX {
            return Err(ParseError::UnsupportedTeeType(header.tee_type));
        }
        let body_type = if header.version == 4 {
            BodyType::Td10
        } else {
            let need = HEADER_LEN + BODY_DESCRIPTOR_LEN;
            let t = r.u16().map_err(|_| short(need))?;
            let size = r.u32().map_err(|_| short(need))?;
            let bt = match t {
                2 => BodyType::Td10,
                3 => BodyType::Td15,
                4 => BodyType::Td15Ex,
                other => return Err(ParseError::UnsupportedBodyType(other)),
            };
            if usize_of(size) != bt.len() {
                return Err(ParseError::BodySizeMismatch {
                    body_type: t,
                    declared: size,
                    expected: bt.len(),
                });
            }
            bt
        };
        let body_start = r.pos;
        let signed_len = body_start
            .checked_add(body_type.len())
            .ok_or(short(usize::MAX))?;
        let need = signed_len.checked_add(4).ok_or(short(usize::MAX))?;
        if bytes.len() < need {
            return Err(short(need));
        }
        let mut body = TdReportBody::read_td10(&mut r)?;
        if matches!(body_type, BodyType::Td15 | BodyType::Td15Ex) {
            body.tee_tcb_svn_2 = Some(r.array()?);
            body.mr_service_td = Some(r.array()?);
        }
        // Skip any 1.5ex extension fields (kept only in the signed region).
        r.pos = signed_len;
        let signed_region = bytes.get(..signed_len).ok_or(short(signed_len))?.to_vec();

        let l = r.u32()?;
        let available = r.remaining();
        if usize_of(l) > available {
            return Err(ParseError::SigDataOverrun {
                declared: l,
                available,
            });
        }
        if usize_of(l) < SIG_DATA_FIXED_LEN {
            return Err(ParseError::SigDataTruncated { declared: l });
        }
        let sig_data = r.take(usize_of(l))?;
        let quote_len = r.pos;
        let trailing_len = r.remaining();

        let mut s = Reader::new(sig_data, 0);
        let signature = s.array()?;
        let attestation_key = s.array()?;
        let cert_type = s.u16()?;
        if cert_type != CERT_TYPE_QE_REPORT {
            return Err(ParseError::UnexpectedCertType(cert_type));
        }
        let c = s.u32()?;
        let available = s.remaining();
        if usize_of(c) > available {
            return Err(ParseError::QeCertOverrun {
                declared: c,
                available,
            });
        }
        if usize_of(c) < QE_CERT_MIN_LEN {
            return Err(ParseError::QeCertTruncated { declared: c });
        }
        if usize_of(c) != available {
            return Err(ParseError::SigDataLengthMismatch {
                declared: l,
                // Reported only; lengths far below `usize::MAX`.
                content: SIG_DATA_FIXED_LEN.saturating_add(usize_of(c)),
            });
        }
        let cert = s.take(usize_of(c))?;

        let mut q = Reader::new(cert, 0);
        let qe_report = QeReport::parse(q.array()?)?;
        let qe_report_signature = q.array()?;
        let a = q.u16()?;
        let available = q.remaining().saturating_sub(6);
        if usize::from(a) > available {
            return Err(ParseError::QeAuthOverrun {
                declared: a,
                available,
            });
        }
        let qe_auth_data = q.take(usize::from(a))?.to_vec();
        let pck_type = q.u16()?;
        if pck_type != CERT_TYPE_PCK_CHAIN {
            return Err(ParseError::UnexpectedPckCertType(pck_type));
        }
        let p = q.u32()?;
        let available = q.remaining();
        if usize_of(p) > available {
            return Err(ParseError::PckChainOverrun {
                declared: p,
                available,
            });
        }
        if usize_of(p) != available {
            return Err(ParseError::QeCertLengthMismatch {
                declared: c,
                // Reported only; lengths far below `usize::MAX`.
                content: QE_CERT_MIN_LEN
                    .saturating_add(usize::from(a))
                    .saturating_add(usize_of(p)),
            });
        }
        let pck_chain_pem = q.take(usize_of(p))?.to_vec();

        Ok(TdQuote {
            header,
            body_type,
            body,
            signed_region,
            signature,
            attestation_key,
            qe_report,
            qe_report_signature,
            qe_auth_data,
            pck_chain_pem,
            quote_len,
            trailing_len,
        })
    }
}

/// A bare TDREPORT_STRUCT (1024 bytes). Unauthenticated: its MAC can only be
/// checked by the TDX module of the same platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdReport {
    /// REPORTTYPE (type 0x81, subtype, version, reserved).
    pub report_type: [u8; 4],
    /// CPUSVN.
    pub cpu_svn: [u8; 16],
    /// TEE_TCB_INFO_HASH.
    pub tee_tcb_info_hash: [u8; 48],
    /// TEE_INFO_HASH.
    pub tee_info_hash: [u8; 48],
    /// MAC (not checkable remotely).
    pub mac: [u8; 32],
    /// TEE_TCB_INFO VALID bits.
    pub tee_tcb_info_valid: [u8; 8],
    /// The TD fields, in the same shape as a quote body (REPORTDATA from
    /// 0x80, TEE_TCB_INFO from 0x100, TDINFO from 0x200; `tee_tcb_svn_2` and
    /// `mr_service_td` are TEE_TCB_SVN2 and SERVTD_HASH).
    pub body: TdReportBody,
}

impl TdReport {
    /// Parses exactly 1024 bytes.
    ///
    /// ```
    /// use cmcp_tdx::parse::TdReport;
    /// let mut raw = vec![0u8; 1024];
    /// raw[0] = 0x81;
    /// raw[0x210] = 0xaa; // MRTD
    /// raw[0x80] = 0xbb; // REPORTDATA
    /// let r = TdReport::parse(&raw).unwrap();
    /// assert_eq!(r.body.mr_td[0], 0xaa);
    /// assert_eq!(r.body.report_data[0], 0xbb);
    /// assert!(TdReport::parse(&raw[..1000]).is_err());
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<TdReport, ParseError> {
        if bytes.len() != TDREPORT_LEN {
            return Err(ParseError::ReportSize(bytes.len()));
        }
        let mut r = Reader::new(bytes, 0);
        let report_type: [u8; 4] = r.array()?;
        if report_type[0] != 0x81 {
            return Err(ParseError::ReportType(report_type[0]));
        }
        r.take(12)?;
        let cpu_svn = r.array()?;
        let tee_tcb_info_hash = r.array()?;
        let tee_info_hash = r.array()?;
        let report_data = r.array()?;
        r.take(32)?;
        let mac = r.array()?;
        // TEE_TCB_INFO at 0x100.
        let tee_tcb_info_valid = r.array()?;
        let tee_tcb_svn = r.array()?;
        let mr_seam = r.array()?;
        let mr_signer_seam = r.array()?;
        let seam_attributes = r.u64()?;
        let tee_tcb_svn_2 = r.array()?;
        r.pos = TDREPORT_TDINFO_OFFSET;
        let td_attributes = TdAttributes(r.u64()?);
        let xfam = r.u64()?;
        let mr_td = r.array()?;
        let mr_config_id = r.array()?;
        let mr_owner = r.array()?;
        let mr_owner_config = r.array()?;
        let rtmr = [r.array()?, r.array()?, r.array()?, r.array()?];
        let servtd_hash = r.array()?;
        Ok(TdReport {
            report_type,
            cpu_svn,
            tee_tcb_info_hash,
            tee_info_hash,
            mac,
            tee_tcb_info_valid,
            body: TdReportBody {
                tee_tcb_svn,
                mr_seam,
                mr_signer_seam,
                seam_attributes,
                td_attributes,
                xfam,
                mr_td,
                mr_config_id,
                mr_owner,
                mr_owner_config,
                rtmr,
                report_data,
                tee_tcb_svn_2: Some(tee_tcb_svn_2),
                mr_service_td: Some(servtd_hash),
            },
        })
    }
}

/// What `raw_evidence` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// A DCAP TD quote (signed).
    Quote(Box<TdQuote>),
    /// A bare TDREPORT (unsigned).
    Report(Box<TdReport>),
}

impl Evidence {
    /// Tells a quote (`04 00` / `05 00`) from a TDREPORT (first byte 0x81)
    /// and parses it.
    ///
    /// ```
    /// use cmcp_tdx::parse::{Evidence, ParseError};
    /// let mut raw = vec![0u8; 1024];
    /// raw[0] = 0x81;
    /// assert!(matches!(Evidence::parse(&raw), Ok(Evidence::Report(_))));
    /// assert_eq!(Evidence::parse(&[0x42; 10]), Err(ParseError::Unrecognised));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Evidence, ParseError> {
        if bytes.len() > MAX_EVIDENCE_LEN {
            return Err(ParseError::TooLarge {
                len: bytes.len(),
                cap: MAX_EVIDENCE_LEN,
            });
        }
        match bytes {
            [0x81, ..] => TdReport::parse(bytes).map(|r| Evidence::Report(Box::new(r))),
            [4 | 5, 0, ..] => TdQuote::parse(bytes).map(|q| Evidence::Quote(Box::new(q))),
            _ => Err(ParseError::Unrecognised),
        }
    }

    /// The TD fields.
    pub fn body(&self) -> &TdReportBody {
        match self {
            Evidence::Quote(q) => &q.body,
            Evidence::Report(r) => &r.body,
        }
    }
}

/// Splits a PEM bundle into DER certificates, leaf first. Tolerates a
/// trailing NUL or other bytes after the last `END` line.
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(b) = find(rest, BEGIN) {
        let after = rest
            .get(b..)
            .and_then(|r| r.strip_prefix(BEGIN))
            .unwrap_or_default();
        let e = find(after, END).ok_or_else(|| "unterminated PEM certificate".to_owned())?;
        let body = after.get(..e).unwrap_or_default();
        let text: Vec<u8> = body
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let text = std::str::from_utf8(&text).map_err(|_| "PEM body is not ASCII".to_owned())?;
        let der = cmcp_json::encoding::b64_decode(text)
            .map_err(|_| "PEM body is not valid base64".to_owned())?;
        out.push(der);
        rest = after
            .get(e..)
            .and_then(|r| r.strip_prefix(END))
            .unwrap_or_default();
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )]
    use super::*;

    #[test]
    fn attribute_bits() {
        let a = TdAttributes(0x8000_0000_1000_0000);
        assert!(a.sept_ve_disable() && a.perfmon() && !a.debug());
        assert_eq!(a.names(), vec!["SEPT_VE_DISABLE", "PERFMON"]);
        assert_eq!(a.reserved_set(), 0);
        assert_eq!(TdAttributes(1 << 40).reserved_set(), 1 << 40);
        assert_eq!(TdAttributes(1 << 2).reserved_set(), 1 << 2);
        assert_eq!(
            TdAttributes(TdAttributes::PKS | TdAttributes::KL).names(),
            vec!["PKS", "KL"]
        );
    }

    #[test]
    fn tdreport_offsets() {
        let mut raw = vec![0u8; 1024];
        raw[0] = 0x81;
        for i in 0..48 {
            raw[0x210 + i] = i as u8;
        }
        for i in 0..64 {
            raw[0x80 + i] = 0x40 + i as u8;
        }
        raw[0x200] = 1;
        raw[0x118] = 0x5e;
        let r = TdReport::parse(&raw).unwrap();
        assert_eq!(r.body.mr_td[47], 47);
        assert_eq!(r.body.report_data[0], 0x40);
        assert!(r.body.td_attributes.debug());
        assert_eq!(r.body.mr_seam[0], 0x5e);
        assert_eq!(
            TdReport::parse(&raw[..1000]),
            Err(ParseError::ReportSize(1000))
        );
        let mut bad = raw.clone();
        bad[0] = 0x80;
        assert_eq!(TdReport::parse(&bad), Err(ParseError::ReportType(0x80)));
    }

    #[test]
    fn pem_split_tolerates_nul() {
        let pem = b"-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n\0";
        assert_eq!(pem_certificates(pem).unwrap(), vec![b"ABC".to_vec()]);
        assert!(pem_certificates(b"-----BEGIN CERTIFICATE-----\nQUJD").is_err());
        assert!(pem_certificates(b"nothing").unwrap().is_empty());
    }
}
