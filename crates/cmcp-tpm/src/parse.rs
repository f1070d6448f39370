//! Bounds-checked parsers for the TPM 2.0 structures a quote arrives in:
//! `TPMS_ATTEST` (bare or `TPM2B_ATTEST`-framed), `TPMT_SIGNATURE` and
//! `TPMT_PUBLIC`.
//!
//! All TPM integers are big-endian. Every length is checked before it is
//! read and every variable-size field is capped at the TPM's own maximum, so
//! no input can make a parser panic or allocate without bound. Errors are
//! typed ([`ParseError`]) and carry the offset where parsing stopped.
//!
//! ```
//! use cmcp_tpm::parse::{Attest, Framing};
//! // A quote with an empty signer name, 2 bytes of qualifying data and an
//! // empty PCR selection.
//! let mut q = vec![0xff, 0x54, 0x43, 0x47, 0x80, 0x18, 0, 0, 0, 2, 0xab, 0xcd];
//! q.extend_from_slice(&[0u8; 17 + 8]); // clockInfo + firmwareVersion
//! q.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // no selection, empty pcrDigest
//! let a = Attest::parse(&q).unwrap();
//! assert_eq!(a.framing, Framing::Bare);
//! assert_eq!(a.extra_data, vec![0xab, 0xcd]);
//! assert!(a.quote().is_some());
//! ```

use std::fmt;

/// `TPM_GENERATED_VALUE`, the magic every TPM-produced attestation starts with.
pub const TPM_GENERATED_VALUE: u32 = 0xFF54_4347;
/// `TPM_ST_ATTEST_NV`.
pub const TPM_ST_ATTEST_NV: u16 = 0x8014;
/// `TPM_ST_ATTEST_QUOTE`.
pub const TPM_ST_ATTEST_QUOTE: u16 = 0x8018;
/// `TPM_ALG_RSASSA`.
pub const TPM_ALG_RSASSA: u16 = 0x0014;
/// `TPM_ALG_RSAPSS`.
pub const TPM_ALG_RSAPSS: u16 = 0x0016;
/// `TPM_ALG_ECDSA`.
pub const TPM_ALG_ECDSA: u16 = 0x0018;
/// `TPM_ALG_RSA` (object type).
pub const TPM_ALG_RSA: u16 = 0x0001;
/// `TPM_ALG_ECC` (object type).
pub const TPM_ALG_ECC: u16 = 0x0023;
/// `TPM_ALG_NULL`.
pub const TPM_ALG_NULL: u16 = 0x0010;
/// `TPM_ALG_ECDAA` (its scheme details carry an extra `count`).
pub const TPM_ALG_ECDAA: u16 = 0x001A;
/// `TPM_ECC_NIST_P256`.
pub const TPM_ECC_NIST_P256: u16 = 0x0003;
/// `TPM_ECC_NIST_P384`.
pub const TPM_ECC_NIST_P384: u16 = 0x0004;

/// Largest `TPM2B_ATTEST` payload (`sizeof(TPMS_ATTEST)` in the reference TPM).
pub const MAX_ATTEST: usize = 2304;
/// Largest `TPMT_SIGNATURE` accepted (RSA-4096 with room to spare).
pub const MAX_SIGNATURE: usize = 1024;
/// Largest RSA signature / modulus (RSA-4096).
pub const MAX_RSA_BYTES: usize = 512;
/// Largest ECDSA integer (P-521 would be 66; we cap at 66).
pub const MAX_ECC_BYTES: usize = 66;
/// Largest digest (`sizeof(TPMU_HA)`, SHA-512).
pub const MAX_DIGEST: usize = 64;
/// Largest `TPM2B_NAME` payload (`nameAlg` ‖ SHA-512 digest).
pub const MAX_NAME: usize = 2 + MAX_DIGEST;
/// Largest NV buffer (`MAX_NV_BUFFER_SIZE`).
pub const MAX_NV_BUFFER: usize = 2048;
/// Most PCR banks in one selection (`HASH_COUNT`-sized in practice).
pub const MAX_PCR_BANKS: u32 = 16;
/// Largest `sizeofSelect` (32 PCRs).
pub const MAX_PCR_SELECT: usize = 4;
/// Largest `TPMT_PUBLIC`.
pub const MAX_PUBLIC: usize = 1024;

/// A TPM hash algorithm this crate can compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlg {
    /// `TPM_ALG_SHA1` (0x0004).
    Sha1,
    /// `TPM_ALG_SHA256` (0x000B).
    Sha256,
    /// `TPM_ALG_SHA384` (0x000C).
    Sha384,
    /// `TPM_ALG_SHA512` (0x000D).
    Sha512,
}

impl HashAlg {
    /// Maps a `TPM_ALG_ID`.
    ///
    /// ```
    /// use cmcp_tpm::parse::HashAlg;
    /// assert_eq!(HashAlg::from_id(0x000b), Some(HashAlg::Sha256));
    /// assert_eq!(HashAlg::from_id(0x0012), None); // SM3-256
    /// ```
    pub fn from_id(id: u16) -> Option<HashAlg> {
        Some(match id {
            0x0004 => HashAlg::Sha1,
            0x000B => HashAlg::Sha256,
            0x000C => HashAlg::Sha384,
            0x000D => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// The `TPM_ALG_ID`.
    pub fn id(self) -> u16 {
        match self {
            HashAlg::Sha1 => 0x0004,
            HashAlg::Sha256 => 0x000B,
            HashAlg::Sha384 => 0x000C,
            HashAlg::Sha512 => 0x000D,
        }
    }

    /// Digest length in bytes.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        match self {
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Lowercase name (`sha1`, `sha256`, `sha384`, `sha512`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "sha1",
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }

    /// Parses a lowercase name.
    pub fn from_name(s: &str) -> Option<HashAlg> {
        Some(match s {
            "sha1" => HashAlg::Sha1,
            "sha256" => HashAlg::Sha256,
            "sha384" => HashAlg::Sha384,
            "sha512" => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// Hashes the concatenation of `parts`.
    ///
    /// ```
    /// use cmcp_tpm::parse::HashAlg;
    /// assert_eq!(HashAlg::Sha256.digest(&[b"a", b"bc"]), HashAlg::Sha256.digest(&[b"abc"]));
    /// ```
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut h = D::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().to_vec()
        }
        match self {
            HashAlg::Sha1 => run::<sha1::Sha1>(parts),
            HashAlg::Sha256 => run::<sha2::Sha256>(parts),
            HashAlg::Sha384 => run::<sha2::Sha384>(parts),
            HashAlg::Sha512 => run::<sha2::Sha512>(parts),
        }
    }
}

impl fmt::Display for HashAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a TPM structure was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input is shorter than any valid structure of this kind.
    #[error("{what} too short ({len} bytes)")]
    TooShort {
        /// The structure.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// The input ended inside a field.
    #[error("truncated reading {what} at offset {offset}")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Where it started.
        offset: usize,
    },
    /// A size or count exceeds its cap.
    #[error("{what} of {size} exceeds the cap of {cap}")]
    TooLarge {
        /// The field.
        what: &'static str,
        /// The declared size.
        size: usize,
        /// The cap.
        cap: usize,
    },
    /// Neither a bare `TPMS_ATTEST` nor an exactly-sized `TPM2B_ATTEST`.
    #[error(
        "not a TPM attestation: no TPM_GENERATED magic as a bare TPMS_ATTEST or an exactly \
         size-prefixed TPM2B_ATTEST (leading bytes {leading})"
    )]
    NoMagic {
        /// Hex of the first four bytes.
        leading: String,
    },
    /// The attestation type is not the one required.
    #[error("attestation type 0x{actual:04x} is not {expected}")]
    WrongType {
        /// What was required.
        expected: &'static str,
        /// The type found.
        actual: u16,
    },
    /// An attestation type this crate does not parse.
    #[error("unsupported attestation type 0x{0:04x}")]
    UnsupportedAttestType(u16),
    /// Bytes remain after the structure.
    #[error("{count} trailing byte(s) after {what}")]
    Trailing {
        /// The structure.
        what: &'static str,
        /// How many bytes remain.
        count: usize,
    },
    /// A signature algorithm other than RSASSA, RSAPSS or ECDSA.
    #[error("unsupported signature algorithm 0x{0:04x}")]
    UnsupportedSigAlg(u16),
    /// An object type other than RSA or ECC.
    #[error("unsupported public key type 0x{0:04x}")]
    UnsupportedKeyType(u16),
    /// A hash algorithm this crate cannot compute.
    #[error("unsupported hash algorithm 0x{0:04x}")]
    UnsupportedHash(u16),
    /// A field has a value the structure does not allow.
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// The field.
        what: &'static str,
        /// Why.
        detail: String,
    },
}

/// A big-endian cursor that never reads past its buffer.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub(crate) fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let end = self.pos.checked_add(n).ok_or(ParseError::Truncated {
            what,
            offset: self.pos,
        })?;
        let out = self.buf.get(self.pos..end).ok_or(ParseError::Truncated {
            what,
            offset: self.pos,
        })?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ParseError> {
        let b = self.bytes(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        Ok(u8::from_be_bytes(self.array::<1>(what)?))
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        Ok(u16::from_be_bytes(self.array::<2>(what)?))
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, ParseError> {
        Ok(u32::from_be_bytes(self.array::<4>(what)?))
    }

    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, ParseError> {
        Ok(u64::from_be_bytes(self.array::<8>(what)?))
    }

    /// A `TPM2B_*`: u16 size (≤ `cap`) then that many bytes.
    pub(crate) fn tpm2b(&mut self, cap: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let size = usize::from(self.u16(what)?);
        if size > cap {
            return Err(ParseError::TooLarge { what, size, cap });
        }
        self.bytes(size, what)
    }

    pub(crate) fn finish(&self, what: &'static str) -> Result<(), ParseError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(ParseError::Trailing { what, count }),
        }
    }
}

/// How the attestation arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// A bare `TPMS_ATTEST` (what `tpm2_quote -m` and ESAPI return).
    Bare,
    /// A `TPM2B_ATTEST`: a u16 size equal to the remaining length, then the structure.
    Tpm2b,
}

/// `TPMS_CLOCK_INFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockInfo {
    /// Milliseconds the TPM has been powered since it was last cleared.
    pub clock: u64,
    /// TPM resets since the last clear.
    pub reset_count: u32,
    /// Restarts / resumes since the last reset.
    pub restart_count: u32,
    /// `safe`: raw byte (1 = the clock has not gone backwards).
    pub safe: u8,
}

/// One `TPMS_PCR_SELECTION`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcrSelection {
    /// The bank's hash `TPM_ALG_ID` (kept raw: it may be one we cannot compute).
    pub hash: u16,
    /// The select bitmap (bit *j* of byte *i* selects PCR 8·*i*+*j*).
    pub select: Vec<u8>,
}

impl PcrSelection {
    /// The selected PCR indices, ascending.
    ///
    /// ```
    /// use cmcp_tpm::parse::PcrSelection;
    /// let s = PcrSelection { hash: 0x000b, select: vec![0x07, 0, 0] };
    /// assert_eq!(s.pcrs(), vec![0, 1, 2]);
    /// ```
    pub fn pcrs(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for (i, byte) in self.select.iter().enumerate() {
            // A parsed bitmap has at most 255 bytes; a hand-built one whose
            // indices would not fit a u32 stops there.
            let Some(base) = u32::try_from(i).ok().and_then(|i| i.checked_mul(8)) else {
                break;
            };
            for j in 0..8u32 {
                if byte & (1u8 << j) != 0 {
                    // `base` is a multiple of 8 and `j < 8`: `|` is the sum.
                    out.push(base | j);
                }
            }
        }
        out
    }
}

/// `TPMS_QUOTE_INFO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteInfo {
    /// `TPML_PCR_SELECTION`, in list order.
    pub pcr_select: Vec<PcrSelection>,
    /// `pcrDigest`: the signing hash over the selected PCR values.
    pub pcr_digest: Vec<u8>,
}

/// `TPMS_NV_CERTIFY_INFO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvCertifyInfo {
    /// `indexName` (nameAlg ‖ digest of the `TPMS_NV_PUBLIC`).
    pub index_name: Vec<u8>,
    /// `offset` of the certified range.
    pub offset: u16,
    /// `nvContents`.
    pub nv_contents: Vec<u8>,
}

/// The type-selected union of a `TPMS_ATTEST`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attested {
    /// `TPM_ST_ATTEST_QUOTE`.
    Quote(QuoteInfo),
    /// `TPM_ST_ATTEST_NV`.
    NvCertify(NvCertifyInfo),
}

/// A parsed `TPMS_ATTEST` (quote or NV certify).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attest {
    /// How the input was framed.
    pub framing: Framing,
    /// The inner `TPMS_ATTEST` bytes — what the signature covers.
    pub signed_bytes: Vec<u8>,
    /// `magic` (always [`TPM_GENERATED_VALUE`] once parsed).
    pub magic: u32,
    /// `type`.
    pub attest_type: u16,
    /// `qualifiedSigner` (TPM2B_NAME payload).
    pub qualified_signer: Vec<u8>,
    /// `extraData` — the qualifying data.
    pub extra_data: Vec<u8>,
    /// `clockInfo`.
    pub clock_info: ClockInfo,
    /// `firmwareVersion`.
    pub firmware_version: u64,
    /// The union selected by `attest_type`.
    pub attested: Attested,
}

/// Splits the framing: returns the inner `TPMS_ATTEST` bytes and how they came.
///
/// Bare when the input starts with the magic; `TPM2B` only when the u16 size
/// is non-zero, equals the remaining length exactly and the magic follows.
///
/// ```
/// use cmcp_tpm::parse::{unframe, Framing};
/// let bare = [0xff, 0x54, 0x43, 0x47, 0x80, 0x18];
/// assert_eq!(unframe(&bare).unwrap().1, Framing::Bare);
/// let wrapped = [0, 6, 0xff, 0x54, 0x43, 0x47, 0x80, 0x18];
/// assert_eq!(unframe(&wrapped).unwrap(), (&bare[..], Framing::Tpm2b));
/// assert!(unframe(&[0, 7, 0xff, 0x54, 0x43, 0x47, 0x80, 0x18]).is_err());
/// ```
pub fn unframe(input: &[u8]) -> Result<(&[u8], Framing), ParseError> {
    if input.len() < 6 {
        return Err(ParseError::TooShort {
            what: "TPMS_ATTEST",
            len: input.len(),
        });
    }
    if input.len() > MAX_ATTEST + 2 {
        return Err(ParseError::TooLarge {
            what: "attestation",
            size: input.len(),
            cap: MAX_ATTEST,
        });
    }
    let magic = TPM_GENERATED_VALUE.to_be_bytes();
    if input.get(0..4) == Some(&magic[..]) {
        return Ok((input, Framing::Bare));
    }
    let size = match input.get(0..2) {
        Some(&[a, b]) => Some(usize::from(u16::from_be_bytes([a, b]))),
        _ => None,
    };
    if let (Some(size), Some(inner)) = (size, input.get(2..))
        && size != 0
        && size == inner.len()
        && inner.get(0..4) == Some(&magic[..])
    {
        return Ok((inner, Framing::Tpm2b));
    }
    let leading = input.get(0..4).map(hex).unwrap_or_default();
    Err(ParseError::NoMagic { leading })
}

pub(crate) fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

impl Attest {
    /// Parses a quote or NV-certify attestation in either framing. The
    /// structure must be consumed exactly (no trailing bytes).
    ///
    /// ```
    /// use cmcp_tpm::parse::{Attest, ParseError};
    /// assert!(matches!(Attest::parse(&[0xff, 0x54]), Err(ParseError::TooShort { .. })));
    /// ```
    pub fn parse(input: &[u8]) -> Result<Attest, ParseError> {
        let (inner, framing) = unframe(input)?;
        if inner.len() > MAX_ATTEST {
            return Err(ParseError::TooLarge {
                what: "TPMS_ATTEST",
                size: inner.len(),
                cap: MAX_ATTEST,
            });
        }
        let mut r = Reader::new(inner);
        let magic = r.u32("magic")?;
        if magic != TPM_GENERATED_VALUE {
            return Err(ParseError::NoMagic {
                leading: format!("{magic:08x}"),
            });
        }
        let attest_type = r.u16("type")?;
        if attest_type != TPM_ST_ATTEST_QUOTE && attest_type != TPM_ST_ATTEST_NV {
            return Err(ParseError::UnsupportedAttestType(attest_type));
        }
        let qualified_signer = r.tpm2b(MAX_NAME, "qualifiedSigner")?.to_vec();
        let extra_data = r.tpm2b(MAX_DIGEST, "extraData")?.to_vec();
        let clock_info = ClockInfo {
            clock: r.u64("clockInfo.clock")?,
            reset_count: r.u32("clockInfo.resetCount")?,
            restart_count: r.u32("clockInfo.restartCount")?,
            safe: r.u8("clockInfo.safe")?,
        };
        let firmware_version = r.u64("firmwareVersion")?;
        let attested = if attest_type == TPM_ST_ATTEST_QUOTE {
            let count = r.u32("pcrSelect.count")?;
            if count > MAX_PCR_BANKS {
                return Err(ParseError::TooLarge {
                    what: "PCR selection count",
                    size: usize::try_from(count).unwrap_or(usize::MAX),
                    cap: usize::try_from(MAX_PCR_BANKS).unwrap_or(usize::MAX),
                });
            }
            let mut pcr_select = Vec::new();
            for _ in 0..count {
                let hash = r.u16("pcrSelections.hash")?;
                let n = usize::from(r.u8("pcrSelections.sizeofSelect")?);
                if n > MAX_PCR_SELECT {
                    return Err(ParseError::TooLarge {
                        what: "sizeofSelect",
                        size: n,
                        cap: MAX_PCR_SELECT,
                    });
                }
                let select = r.bytes(n, "pcrSelections.pcrSelect")?.to_vec();
                pcr_select.push(PcrSelection { hash, select });
            }
            let pcr_digest = r.tpm2b(MAX_DIGEST, "pcrDigest")?.to_vec();
            r.finish("TPMS_QUOTE_INFO")?;
            Attested::Quote(QuoteInfo {
                pcr_select,
                pcr_digest,
            })
        } else {
            let index_name = r.tpm2b(MAX_NAME, "indexName")?.to_vec();
            let offset = r.u16("offset")?;
            let nv_contents = r.tpm2b(MAX_NV_BUFFER, "nvContents")?.to_vec();
            r.finish("TPMS_NV_CERTIFY_INFO")?;
            Attested::NvCertify(NvCertifyInfo {
                index_name,
                offset,
                nv_contents,
            })
        };
        Ok(Attest {
            framing,
            signed_bytes: inner.to_vec(),
            magic,
            attest_type,
            qualified_signer,
            extra_data,
            clock_info,
            firmware_version,
            attested,
        })
    }

    /// Parses and requires a quote (`TPM_ST_ATTEST_QUOTE`).
    pub fn parse_quote(input: &[u8]) -> Result<Attest, ParseError> {
        let a = Attest::parse(input)?;
        if a.attest_type != TPM_ST_ATTEST_QUOTE {
            return Err(ParseError::WrongType {
                expected: "a quote (0x8018)",
                actual: a.attest_type,
            });
        }
        Ok(a)
    }

    /// Parses and requires an NV certify (`TPM_ST_ATTEST_NV`).
    pub fn parse_nv_certify(input: &[u8]) -> Result<Attest, ParseError> {
        let a = Attest::parse(input)?;
        if a.attest_type != TPM_ST_ATTEST_NV {
            return Err(ParseError::WrongType {
                expected: "an NV certify (0x8014)",
                actual: a.attest_type,
            });
        }
        Ok(a)
    }

    /// The quote union, if this is a quote.
    pub fn quote(&self) -> Option<&QuoteInfo> {
        match &self.attested {
            Attested::Quote(q) => Some(q),
            Attested::NvCertify(_) => None,
        }
    }

    /// The NV-certify union, if this is one.
    pub fn nv_certify(&self) -> Option<&NvCertifyInfo> {
        match &self.attested {
            Attested::NvCertify(n) => Some(n),
            Attested::Quote(_) => None,
        }
    }
}

/// The scheme of a `TPMT_SIGNATURE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigScheme {
    /// RSASSA-PKCS1-v1_5 (0x0014).
    RsaSsa,
    /// RSASSA-PSS (0x0016).
    RsaPss,
    /// ECDSA (0x0018).
    EcDsa,
}

impl SigScheme {
    /// The `TPM_ALG_ID`.
    pub fn id(self) -> u16 {
        match self {
            SigScheme::RsaSsa => TPM_ALG_RSASSA,
            SigScheme::RsaPss => TPM_ALG_RSAPSS,
            SigScheme::EcDsa => TPM_ALG_ECDSA,
        }
    }

    /// The reference's name (`rsassa`, `rsapss`, `ecdsa`).
    pub fn name(self) -> &'static str {
        match self {
            SigScheme::RsaSsa => "rsassa",
            SigScheme::RsaPss => "rsapss",
            SigScheme::EcDsa => "ecdsa",
        }
    }
}

/// The scheme-specific part of a `TPMT_SIGNATURE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigBody {
    /// RSASSA / RSAPSS: the signature bytes (`TPM2B_PUBLIC_KEY_RSA`).
    Rsa(Vec<u8>),
    /// ECDSA: `signatureR` and `signatureS`, unsigned big-endian as the TPM wrote them.
    Ecdsa {
        /// R.
        r: Vec<u8>,
        /// S.
        s: Vec<u8>,
    },
}

/// A parsed `TPMT_SIGNATURE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `sigAlg`.
    pub scheme: SigScheme,
    /// `hash` as the raw `TPM_ALG_ID` (see [`Signature::hash_alg`]).
    pub hash: u16,
    /// The body.
    pub body: SigBody,
}

impl Signature {
    /// Parses a marshalled `TPMT_SIGNATURE`; the body must end exactly at
    /// the end of the input.
    ///
    /// ```
    /// use cmcp_tpm::parse::{Signature, SigScheme, SigBody};
    /// let s = Signature::parse(&[0x00, 0x18, 0x00, 0x0b, 0, 1, 7, 0, 1, 9]).unwrap();
    /// assert_eq!(s.scheme, SigScheme::EcDsa);
    /// assert_eq!(s.body, SigBody::Ecdsa { r: vec![7], s: vec![9] });
    /// assert!(Signature::parse(&[0x00, 0x18, 0x00, 0x0b, 0, 1, 7, 0, 1, 9, 0]).is_err());
    /// ```
    pub fn parse(input: &[u8]) -> Result<Signature, ParseError> {
        if input.len() < 6 {
            return Err(ParseError::TooShort {
                what: "TPMT_SIGNATURE",
                len: input.len(),
            });
        }
        if input.len() > MAX_SIGNATURE {
            return Err(ParseError::TooLarge {
                what: "TPMT_SIGNATURE",
                size: input.len(),
                cap: MAX_SIGNATURE,
            });
        }
        let mut r = Reader::new(input);
        let alg = r.u16("sigAlg")?;
        let scheme = match alg {
            TPM_ALG_RSASSA => SigScheme::RsaSsa,
            TPM_ALG_RSAPSS => SigScheme::RsaPss,
            TPM_ALG_ECDSA => SigScheme::EcDsa,
            other => return Err(ParseError::UnsupportedSigAlg(other)),
        };
        let hash = r.u16("hash")?;
        let body = match scheme {
            SigScheme::RsaSsa | SigScheme::RsaPss => {
                SigBody::Rsa(r.tpm2b(MAX_RSA_BYTES, "RSA signature")?.to_vec())
            }
            SigScheme::EcDsa => {
                let rr = r.tpm2b(MAX_ECC_BYTES, "ECDSA signatureR")?.to_vec();
                let ss = r.tpm2b(MAX_ECC_BYTES, "ECDSA signatureS")?.to_vec();
                SigBody::Ecdsa { r: rr, s: ss }
            }
        };
        r.finish("TPMT_SIGNATURE")?;
        Ok(Signature { scheme, hash, body })
    }

    /// The signing hash, if it is one this crate can compute.
    pub fn hash_alg(&self) -> Option<HashAlg> {
        HashAlg::from_id(self.hash)
    }

    /// Marshals the signature back to TPM wire form.
    pub fn marshal(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.scheme.id().to_be_bytes());
        out.extend_from_slice(&self.hash.to_be_bytes());
        let mut push2b = |b: &[u8]| {
            let n = u16::try_from(b.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&n.to_be_bytes());
            out.extend_from_slice(b.get(..usize::from(n)).unwrap_or(b));
        };
        match &self.body {
            SigBody::Rsa(s) => push2b(s),
            SigBody::Ecdsa { r, s } => {
                push2b(r);
                push2b(s);
            }
        }
        out
    }
}

/// The key-specific part of a `TPMT_PUBLIC`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// An RSA key.
    Rsa {
        /// `keyBits`.
        key_bits: u16,
        /// The public exponent (0 in the structure means 65537; already mapped).
        exponent: u32,
        /// The modulus, big-endian.
        modulus: Vec<u8>,
    },
    /// An ECC key.
    Ecc {
        /// `curveID` (`TPM_ECC_NIST_P256` = 3, `TPM_ECC_NIST_P384` = 4).
        curve: u16,
        /// X coordinate, big-endian.
        x: Vec<u8>,
        /// Y coordinate, big-endian.
        y: Vec<u8>,
    },
}

/// A parsed `TPMT_PUBLIC` (RSA or ECC objects).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Public {
    /// The exact `TPMT_PUBLIC` bytes the Name is computed over.
    pub marshalled: Vec<u8>,
    /// `type` (RSA 0x0001 / ECC 0x0023).
    pub key_type: u16,
    /// `nameAlg`.
    pub name_alg: u16,
    /// `objectAttributes`.
    pub object_attributes: u32,
    /// `authPolicy`.
    pub auth_policy: Vec<u8>,
    /// The signing scheme in the parameters (`TPM_ALG_NULL` when the key has none).
    pub scheme: u16,
    /// The scheme's hash (`TPM_ALG_NULL` when the scheme is NULL).
    pub scheme_hash: u16,
    /// The key.
    pub key: PublicKey,
}

/// `objectAttributes.fixedTPM`.
pub const ATTR_FIXED_TPM: u32 = 1 << 1;
/// `objectAttributes.fixedParent`.
pub const ATTR_FIXED_PARENT: u32 = 1 << 4;
/// `objectAttributes.sensitiveDataOrigin`.
pub const ATTR_SENSITIVE_DATA_ORIGIN: u32 = 1 << 5;
/// `objectAttributes.restricted`.
pub const ATTR_RESTRICTED: u32 = 1 << 16;
/// `objectAttributes.decrypt`.
pub const ATTR_DECRYPT: u32 = 1 << 17;
/// `objectAttributes.sign`.
pub const ATTR_SIGN: u32 = 1 << 18;

impl Public {
    /// Parses a `TPMT_PUBLIC`, or a `TPM2B_PUBLIC` whose u16 size equals the
    /// remaining length. No trailing bytes.
    pub fn parse(input: &[u8]) -> Result<Public, ParseError> {
        if input.len() > MAX_PUBLIC + 2 {
            return Err(ParseError::TooLarge {
                what: "TPMT_PUBLIC",
                size: input.len(),
                cap: MAX_PUBLIC,
            });
        }
        if input.len() < 4 {
            return Err(ParseError::TooShort {
                what: "TPMT_PUBLIC",
                len: input.len(),
            });
        }
        // TPM2B_PUBLIC when the size prefix is exact and what follows is a known type.
        let framed = match (input.get(0..2), input.get(2..)) {
            (Some(&[a, b]), Some(rest))
                if usize::from(u16::from_be_bytes([a, b])) == rest.len() =>
            {
                match rest.get(0..2) {
                    Some(&[c, d]) => {
                        let t = u16::from_be_bytes([c, d]);
                        (t == TPM_ALG_RSA || t == TPM_ALG_ECC).then_some(rest)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let inner = framed.unwrap_or(input);
        // The cap is on the TPMT_PUBLIC itself, framed or bare.
        if inner.len() > MAX_PUBLIC {
            return Err(ParseError::TooLarge {
                what: "TPMT_PUBLIC",
                size: inner.len(),
                cap: MAX_PUBLIC,
            });
        }
        let mut r = Reader::new(inner);
        let key_type = r.u16("type")?;
        let name_alg = r.u16("nameAlg")?;
        let object_attributes = r.u32("objectAttributes")?;
        let auth_policy = r.tpm2b(MAX_DIGEST, "authPolicy")?.to_vec();
        let (scheme, scheme_hash, key) = match key_type {
            TPM_ALG_RSA => {
                skip_sym(&mut r)?;
                let (scheme, scheme_hash) = read_scheme(&mut r)?;
                let key_bits = r.u16("keyBits")?;
                let e = r.u32("exponent")?;
                let modulus = r.tpm2b(MAX_RSA_BYTES, "unique.rsa")?.to_vec();
                let exponent = if e == 0 { 65537 } else { e };
                (
                    scheme,
                    scheme_hash,
                    PublicKey::Rsa {
                        key_bits,
                        exponent,
                        modulus,
                    },
                )
            }
            TPM_ALG_ECC => {
                skip_sym(&mut r)?;
                let (scheme, scheme_hash) = read_scheme(&mut r)?;
                let curve = r.u16("curveID")?;
                let kdf = r.u16("kdf.scheme")?;
                if kdf != TPM_ALG_NULL {
                    r.u16("kdf.hashAlg")?;
                }
                let x = r.tpm2b(MAX_ECC_BYTES, "unique.ecc.x")?.to_vec();
                let y = r.tpm2b(MAX_ECC_BYTES, "unique.ecc.y")?.to_vec();
                (scheme, scheme_hash, PublicKey::Ecc { curve, x, y })
            }
            other => return Err(ParseError::UnsupportedKeyType(other)),
        };
        r.finish("TPMT_PUBLIC")?;
        Ok(Public {
            marshalled: inner.to_vec(),
            key_type,
            name_alg,
            object_attributes,
            auth_policy,
            scheme,
            scheme_hash,
            key,
        })
    }

    /// The object's Name: `nameAlg` ‖ H_nameAlg(`TPMT_PUBLIC`).
    pub fn name(&self) -> Result<Vec<u8>, ParseError> {
        let alg =
            HashAlg::from_id(self.name_alg).ok_or(ParseError::UnsupportedHash(self.name_alg))?;
        let mut out = self.name_alg.to_be_bytes().to_vec();
        out.extend_from_slice(&alg.digest(&[&self.marshalled]));
        Ok(out)
    }

    /// True when `attr` bits are all set in `objectAttributes`.
    pub fn has(&self, attr: u32) -> bool {
        self.object_attributes & attr == attr
    }
}

fn skip_sym(r: &mut Reader<'_>) -> Result<(), ParseError> {
    let alg = r.u16("symmetric.algorithm")?;
    if alg != TPM_ALG_NULL {
        r.u16("symmetric.keyBits")?;
        r.u16("symmetric.mode")?;
    }
    Ok(())
}

fn read_scheme(r: &mut Reader<'_>) -> Result<(u16, u16), ParseError> {
    let scheme = r.u16("scheme.scheme")?;
    if scheme == TPM_ALG_NULL {
        return Ok((scheme, TPM_ALG_NULL));
    }
    let hash = r.u16("scheme.hashAlg")?;
    if scheme == TPM_ALG_ECDAA {
        r.u16("scheme.count")?;
    }
    Ok((scheme, hash))
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;

    #[test]
    fn reader_never_overreads() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16("a").unwrap(), 0x0102);
        assert!(matches!(
            r.u16("b"),
            Err(ParseError::Truncated {
                what: "b",
                offset: 2
            })
        ));
        assert!(r.bytes(usize::MAX, "c").is_err());
        assert_eq!(r.u8("d").unwrap(), 3);
        r.finish("x").unwrap();
    }

    fn ecc_public() -> Vec<u8> {
        let mut p = vec![0x00, 0x23, 0x00, 0x0b]; // ECC, nameAlg SHA-256
        p.extend_from_slice(&0x0005_0072u32.to_be_bytes()); // fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign
        p.extend_from_slice(&[0x00, 0x00]); // empty authPolicy
        p.extend_from_slice(&[0x00, 0x10]); // symmetric NULL
        p.extend_from_slice(&[0x00, 0x18, 0x00, 0x0b]); // ECDSA / SHA-256
        p.extend_from_slice(&[0x00, 0x03]); // P-256
        p.extend_from_slice(&[0x00, 0x10]); // kdf NULL
        p.extend_from_slice(&[0x00, 0x20]);
        p.extend_from_slice(&[0x11; 32]);
        p.extend_from_slice(&[0x00, 0x20]);
        p.extend_from_slice(&[0x22; 32]);
        p
    }

    #[test]
    fn tpmt_public_and_name() {
        let b = ecc_public();
        let p = Public::parse(&b).unwrap();
        assert_eq!(
            (p.key_type, p.name_alg, p.scheme, p.scheme_hash),
            (TPM_ALG_ECC, 0x000b, TPM_ALG_ECDSA, 0x000b)
        );
        assert!(p.has(ATTR_RESTRICTED | ATTR_SIGN | ATTR_FIXED_TPM) && !p.has(ATTR_DECRYPT));
        assert_eq!(
            p.key,
            PublicKey::Ecc {
                curve: TPM_ECC_NIST_P256,
                x: vec![0x11; 32],
                y: vec![0x22; 32]
            }
        );
        let name = p.name().unwrap();
        assert_eq!(&name[..2], &[0x00, 0x0b]);
        assert_eq!(&name[2..], &HashAlg::Sha256.digest(&[&b])[..]);
        // TPM2B_PUBLIC framing gives the same Name.
        let mut w = u16::try_from(b.len()).unwrap().to_be_bytes().to_vec();
        w.extend_from_slice(&b);
        assert_eq!(Public::parse(&w).unwrap().name().unwrap(), name);
        let mut t = b.clone();
        t.push(0);
        assert!(matches!(
            Public::parse(&t),
            Err(ParseError::Trailing { .. })
        ));
        for n in 0..b.len() {
            assert!(Public::parse(&b[..n]).is_err());
        }
        // RSA, exponent 0 meaning 65537.
        let mut r = vec![
            0x00, 0x01, 0x00, 0x0b, 0, 0x05, 0, 0x72, 0, 0, 0x00, 0x10, 0x00, 0x14, 0x00, 0x0b,
            0x08, 0x00, 0, 0, 0, 0, 0x01, 0x00,
        ];
        r.extend_from_slice(&[0xc5; 256]);
        let p = Public::parse(&r).unwrap();
        assert_eq!(
            p.key,
            PublicKey::Rsa {
                key_bits: 2048,
                exponent: 65537,
                modulus: vec![0xc5; 256]
            }
        );
    }

    #[test]
    fn tpm2b_cap() {
        let mut r = Reader::new(&[0, 65]);
        assert!(matches!(
            r.tpm2b(64, "x"),
            Err(ParseError::TooLarge {
                size: 65,
                cap: 64,
                ..
            })
        ));
    }
}
