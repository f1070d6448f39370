//! Bytes → typed SEV-SNP `ATTESTATION_REPORT` (1184 bytes, report versions ≥ 2).
//!
//! Every read is bounds-checked; the report must be exactly
//! [`REPORT_LEN`] bytes (the reference accepts and ignores trailing bytes;
//! we refuse them). The raw bytes are kept so that the signature can be
//! checked over `report[0x000..0x2A0]` exactly as received, never over a
//! re-encoding.
//!
//! All multi-byte integers are little-endian.

use std::fmt;

/// Length of an `ATTESTATION_REPORT` (0x4A0).
pub const REPORT_LEN: usize = 0x4A0;
/// Length of the signed body `[0x000, 0x2A0)`.
pub const SIGNED_LEN: usize = 0x2A0;
/// Offset of REPORT_DATA.
pub const REPORT_DATA_OFFSET: usize = 0x050;
/// Offset of MEASUREMENT.
pub const MEASUREMENT_OFFSET: usize = 0x090;

/// Why bytes are not an SNP report.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The input is not exactly 1184 bytes.
    #[error("SNP report must be exactly {expected} bytes, got {actual}")]
    Length {
        /// Always [`REPORT_LEN`].
        expected: usize,
        /// What was given.
        actual: usize,
    },
    /// VERSION below 2 (v0/v1 predate the layout this crate reads).
    #[error("unsupported SNP report version {0} (need >= 2)")]
    Version(u32),
}

/// The CPU product line, which decides the TCB_VERSION byte layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// EPYC 7003 (family 0x19, models 0x00–0x0F).
    Milan,
    /// EPYC 9004 (family 0x19, models 0x10–0x1F, 0xA0–0xAF).
    Genoa,
    /// EPYC 9005 (family 0x1A, models 0x00–0x11).
    Turin,
    /// Family 0x1A models 0x50–0x57, 0x90–0x9F, 0xA0–0xAF, 0xC0–0xC7.
    Venice,
}

impl Generation {
    /// Identifies the generation from CPUID family / model (the sev crate's table).
    ///
    /// ```
    /// use cmcp_sev_snp::parse::Generation;
    /// assert_eq!(Generation::from_cpuid(0x19, 0x01), Some(Generation::Milan));
    /// assert_eq!(Generation::from_cpuid(0x1A, 0x02), Some(Generation::Turin));
    /// assert_eq!(Generation::from_cpuid(0x17, 0x01), None);
    /// ```
    pub fn from_cpuid(family: u8, model: u8) -> Option<Generation> {
        match (family, model) {
            (0x19, 0x00..=0x0F) => Some(Generation::Milan),
            (0x19, 0x10..=0x1F) | (0x19, 0xA0..=0xAF) => Some(Generation::Genoa),
            (0x1A, 0x00..=0x11) => Some(Generation::Turin),
            (0x1A, 0x50..=0x57)
            | (0x1A, 0x90..=0x9F)
            | (0x1A, 0xA0..=0xAF)
            | (0x1A, 0xC0..=0xC7) => Some(Generation::Venice),
            _ => None,
        }
    }

    /// Identifies the generation from a VCEK `productName` extension
    /// (`"Milan-B0"`, `"Genoa"`, `"Turin"`, …) or an ASK/ARK CN suffix.
    ///
    /// ```
    /// use cmcp_sev_snp::parse::Generation;
    /// assert_eq!(Generation::from_product_name("Milan-B0"), Some(Generation::Milan));
    /// assert_eq!(Generation::from_product_name("SEV-Turin"), None);
    /// ```
    pub fn from_product_name(name: &str) -> Option<Generation> {
        let base = name.split('-').next().unwrap_or(name);
        match base {
            "Milan" => Some(Generation::Milan),
            "Genoa" => Some(Generation::Genoa),
            "Turin" => Some(Generation::Turin),
            "Venice" => Some(Generation::Venice),
            _ => None,
        }
    }

    /// The product name AMD uses in certificate names (`Milan`, `Genoa`, …).
    pub fn name(self) -> &'static str {
        match self {
            Generation::Milan => "Milan",
            Generation::Genoa => "Genoa",
            Generation::Turin => "Turin",
            Generation::Venice => "Venice",
        }
    }

    /// The TCB_VERSION layout this generation uses.
    pub fn tcb_layout(self) -> TcbLayout {
        match self {
            Generation::Milan | Generation::Genoa => TcbLayout::MilanGenoa,
            Generation::Turin | Generation::Venice => TcbLayout::Turin,
        }
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The two TCB_VERSION byte layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcbLayout {
    /// byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode; 2–5 reserved.
    MilanGenoa,
    /// byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode; 4–6 reserved.
    Turin,
}

/// A raw 8-byte TCB_VERSION, decoded on demand with a [`TcbLayout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcbVersion(pub [u8; 8]);

/// A decoded TCB_VERSION.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tcb {
    /// FMC SVN (Turin and later only).
    pub fmc: Option<u8>,
    /// Boot loader SVN.
    pub bootloader: u8,
    /// PSP OS (TEE) SVN.
    pub tee: u8,
    /// SNP firmware SVN.
    pub snp: u8,
    /// Microcode patch level.
    pub microcode: u8,
}

impl TcbVersion {
    /// The 8 bytes as a little-endian u64.
    pub fn as_u64(self) -> u64 {
        u64::from_le_bytes(self.0)
    }

    /// Decodes with the given layout.
    ///
    /// ```
    /// use cmcp_sev_snp::parse::{TcbLayout, TcbVersion};
    /// let t = TcbVersion([3, 0, 0, 0, 0, 0, 8, 0x73]).decode(TcbLayout::MilanGenoa);
    /// assert_eq!((t.bootloader, t.tee, t.snp, t.microcode, t.fmc), (3, 0, 8, 0x73, None));
    /// let t = TcbVersion([1, 2, 3, 4, 0, 0, 0, 9]).decode(TcbLayout::Turin);
    /// assert_eq!((t.fmc, t.bootloader, t.tee, t.snp, t.microcode), (Some(1), 2, 3, 4, 9));
    /// ```
    pub fn decode(self, layout: TcbLayout) -> Tcb {
        let [b0, b1, b2, b3, _, _, b6, b7] = self.0;
        match layout {
            TcbLayout::MilanGenoa => Tcb {
                fmc: None,
                bootloader: b0,
                tee: b1,
                snp: b6,
                microcode: b7,
            },
            TcbLayout::Turin => Tcb {
                fmc: Some(b0),
                bootloader: b1,
                tee: b2,
                snp: b3,
                microcode: b7,
            },
        }
    }

    /// True if the bytes the layout marks reserved are all zero.
    pub fn reserved_zero(self, layout: TcbLayout) -> bool {
        let [_, _, b2, b3, b4, b5, b6, _] = self.0;
        match layout {
            TcbLayout::MilanGenoa => b2 == 0 && b3 == 0 && b4 == 0 && b5 == 0,
            TcbLayout::Turin => b4 == 0 && b5 == 0 && b6 == 0,
        }
    }
}

impl fmt::Display for TcbVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&cmcp_json::encoding::hex_encode(&self.0))
    }
}

/// Guest POLICY (u64 at 0x008).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GuestPolicy(pub u64);

impl GuestPolicy {
    /// Bits 26–63 (must be zero).
    pub const RESERVED_MASK: u64 = !((1u64 << 26) - 1);
    /// Bit 17 (must be one).
    pub const RESERVED_ONE: u64 = 1 << 17;

    fn bit(self, n: u32) -> bool {
        (self.0 >> n) & 1 == 1
    }
    /// Minimum firmware ABI minor (bits 7:0).
    pub fn abi_minor(self) -> u8 {
        u8::try_from(self.0 & 0xFF).unwrap_or(0)
    }
    /// Minimum firmware ABI major (bits 15:8).
    pub fn abi_major(self) -> u8 {
        u8::try_from((self.0 >> 8) & 0xFF).unwrap_or(0)
    }
    /// Bit 16: host SMT allowed.
    pub fn smt_allowed(self) -> bool {
        self.bit(16)
    }
    /// Bit 17: reserved, must be 1.
    pub fn reserved_bit17(self) -> bool {
        self.bit(17)
    }
    /// Bit 18: a migration agent may be associated.
    pub fn migrate_ma_allowed(self) -> bool {
        self.bit(18)
    }
    /// Bit 19: debugging allowed (the hypervisor can read and write guest memory).
    pub fn debug_allowed(self) -> bool {
        self.bit(19)
    }
    /// Bit 20: single socket only.
    pub fn single_socket(self) -> bool {
        self.bit(20)
    }
    /// Bit 21: CXL may be populated.
    pub fn cxl_allowed(self) -> bool {
        self.bit(21)
    }
    /// Bit 22: AES-256-XTS memory encryption required.
    pub fn mem_aes_256_xts(self) -> bool {
        self.bit(22)
    }
    /// Bit 23: RAPL must be disabled.
    pub fn rapl_dis(self) -> bool {
        self.bit(23)
    }
    /// Bit 24: ciphertext hiding must be enabled.
    pub fn ciphertext_hiding(self) -> bool {
        self.bit(24)
    }
    /// Bit 25: page swap/move commands disabled.
    pub fn page_swap_disable(self) -> bool {
        self.bit(25)
    }
    /// Bits 26–63 that are set (should be zero).
    pub fn reserved_bits(self) -> u64 {
        self.0 & Self::RESERVED_MASK
    }
}

/// PLATFORM_INFO (u64 at 0x040).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlatformInfo(pub u64);

/// The PLATFORM_INFO bit names the reference knows, with their bit numbers.
pub const PLATFORM_INFO_BITS: [(&str, u32); 7] = [
    ("smt_enabled", 0),
    ("tsme_enabled", 1),
    ("ecc_enabled", 2),
    ("rapl_disabled", 3),
    ("ciphertext_hiding_dram_enabled", 4),
    ("alias_check_complete", 5),
    ("tio_enabled", 7),
];

impl PlatformInfo {
    /// Mask of the bits with a name (0–5 and 7).
    pub const KNOWN_MASK: u64 = 0xBF;

    /// The bit number of a reference name, if known.
    pub fn bit_of(name: &str) -> Option<u32> {
        PLATFORM_INFO_BITS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }

    /// Whether the named bit is set (`None` for an unknown name).
    ///
    /// ```
    /// use cmcp_sev_snp::parse::PlatformInfo;
    /// let p = PlatformInfo(0x25);
    /// assert_eq!(p.named("smt_enabled"), Some(true));
    /// assert_eq!(p.named("tsme_enabled"), Some(false));
    /// assert_eq!(p.named("alias_check_complete"), Some(true));
    /// assert_eq!(p.named("nope"), None);
    /// ```
    pub fn named(self, name: &str) -> Option<bool> {
        Self::bit_of(name).map(|b| (self.0 >> b) & 1 == 1)
    }
    /// Bits set that have no name.
    pub fn unrecognized_bits(self) -> u64 {
        self.0 & !Self::KNOWN_MASK
    }
    /// Bit 0.
    pub fn smt_enabled(self) -> bool {
        self.0 & 1 != 0
    }
    /// Bit 1.
    pub fn tsme_enabled(self) -> bool {
        self.0 & 2 != 0
    }
    /// Bit 2.
    pub fn ecc_enabled(self) -> bool {
        self.0 & 4 != 0
    }
    /// Bit 3 (set means RAPL is disabled).
    pub fn rapl_disabled(self) -> bool {
        self.0 & 8 != 0
    }
    /// Bit 4.
    pub fn ciphertext_hiding_dram_enabled(self) -> bool {
        self.0 & 0x10 != 0
    }
    /// Bit 5.
    pub fn alias_check_complete(self) -> bool {
        self.0 & 0x20 != 0
    }
    /// Bit 7.
    pub fn tio_enabled(self) -> bool {
        self.0 & 0x80 != 0
    }
}

/// Which key signed the report (KEY_INFO bits 4:2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningKey {
    /// 0: the chip's VCEK.
    Vcek,
    /// 1: a cloud-loaded VLEK.
    Vlek,
    /// 7: no signature.
    None,
    /// 2–6: reserved.
    Reserved(u8),
}

/// KEY_INFO (u32 at 0x048).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyInfo(pub u32);

impl KeyInfo {
    /// Bit 0: AUTHOR_KEY_DIGEST is populated.
    pub fn author_key_en(self) -> bool {
        self.0 & 1 != 0
    }
    /// Bit 1: the firmware wrote zeros in place of a signature.
    pub fn mask_chip_key(self) -> bool {
        self.0 & 2 != 0
    }
    /// Bits 4:2.
    pub fn signing_key(self) -> SigningKey {
        match (self.0 >> 2) & 7 {
            0 => SigningKey::Vcek,
            1 => SigningKey::Vlek,
            7 => SigningKey::None,
            n => SigningKey::Reserved(u8::try_from(n).unwrap_or(0)),
        }
    }
    /// Bits 31:5 (must be zero).
    pub fn reserved_bits(self) -> u32 {
        self.0 & !0x1F
    }
}

/// A firmware version `major.minor.build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FirmwareVersion {
    /// Major.
    pub major: u8,
    /// Minor.
    pub minor: u8,
    /// Build.
    pub build: u8,
}

impl fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)
    }
}

/// The 512-byte SIGNATURE block at 0x2A0.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ReportSignature {
    /// R, 72 bytes little-endian (only the low 48 significant).
    pub r_le: [u8; 72],
    /// S, 72 bytes little-endian (only the low 48 significant).
    pub s_le: [u8; 72],
    /// The 368 reserved bytes after S.
    pub tail: [u8; 368],
}

impl fmt::Debug for ReportSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportSignature")
            .field("r_le", &cmcp_json::encoding::hex_encode(&self.r_le))
            .field("s_le", &cmcp_json::encoding::hex_encode(&self.s_le))
            .finish_non_exhaustive()
    }
}

impl ReportSignature {
    /// R as 48 big-endian bytes.
    pub fn r_be(&self) -> [u8; 48] {
        rev48(&self.r_le)
    }
    /// S as 48 big-endian bytes.
    pub fn s_be(&self) -> [u8; 48] {
        rev48(&self.s_le)
    }
    /// True if R and S padding (bytes 48–71 of each) and the 368-byte tail are all zero.
    pub fn padding_is_zero(&self) -> bool {
        let r = self.r_le.get(48..).unwrap_or(&[]);
        let s = self.s_le.get(48..).unwrap_or(&[]);
        r.iter().chain(s).chain(self.tail.iter()).all(|b| *b == 0)
    }
}

fn rev48(le: &[u8; 72]) -> [u8; 48] {
    let mut out = [0u8; 48];
    for (o, i) in out.iter_mut().zip(le.iter().take(48).rev()) {
        *o = *i;
    }
    out
}

/// A parsed SEV-SNP attestation report (VERSION ≥ 2), with its raw bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestationReport {
    raw: Box<[u8; REPORT_LEN]>,
    /// VERSION (0x000).
    pub version: u32,
    /// GUEST_SVN (0x004).
    pub guest_svn: u32,
    /// POLICY (0x008).
    pub policy: GuestPolicy,
    /// FAMILY_ID (0x010).
    pub family_id: [u8; 16],
    /// IMAGE_ID (0x020).
    pub image_id: [u8; 16],
    /// VMPL (0x030).
    pub vmpl: u32,
    /// SIGNATURE_ALGO (0x034); 1 = ECDSA P-384 with SHA-384.
    pub signature_algo: u32,
    /// CURRENT_TCB (0x038).
    pub current_tcb: TcbVersion,
    /// PLATFORM_INFO (0x040).
    pub platform_info: PlatformInfo,
    /// KEY_INFO (0x048).
    pub key_info: KeyInfo,
    /// REPORT_DATA (0x050).
    pub report_data: [u8; 64],
    /// MEASUREMENT (0x090), the launch digest.
    pub measurement: [u8; 48],
    /// HOST_DATA (0x0C0).
    pub host_data: [u8; 32],
    /// ID_KEY_DIGEST (0x0E0).
    pub id_key_digest: [u8; 48],
    /// AUTHOR_KEY_DIGEST (0x110).
    pub author_key_digest: [u8; 48],
    /// REPORT_ID (0x140).
    pub report_id: [u8; 32],
    /// REPORT_ID_MA (0x160); all 0xFF without a migration agent.
    pub report_id_ma: [u8; 32],
    /// REPORTED_TCB (0x180): the TCB the signing VCEK was derived for.
    pub reported_tcb: TcbVersion,
    /// CPUID_FAM_ID (0x188), v3+ only.
    pub cpuid_fam_id: Option<u8>,
    /// CPUID_MOD_ID (0x189), v3+ only.
    pub cpuid_mod_id: Option<u8>,
    /// CPUID_STEP (0x18A), v3+ only.
    pub cpuid_step: Option<u8>,
    /// CHIP_ID (0x1A0); zero if MASK_CHIP_ID; Turin uses the first 8 bytes.
    pub chip_id: [u8; 64],
    /// COMMITTED_TCB (0x1E0).
    pub committed_tcb: TcbVersion,
    /// CURRENT_BUILD/MINOR/MAJOR (0x1E8..0x1EB).
    pub current: FirmwareVersion,
    /// COMMITTED_BUILD/MINOR/MAJOR (0x1EC..0x1EF).
    pub committed: FirmwareVersion,
    /// LAUNCH_TCB (0x1F0).
    pub launch_tcb: TcbVersion,
    /// LAUNCH_MIT_VECTOR (0x1F8), v5+ only.
    pub launch_mit_vector: Option<u64>,
    /// CURRENT_MIT_VECTOR (0x200), v5+ only.
    pub current_mit_vector: Option<u64>,
    /// SIGNATURE (0x2A0).
    pub signature: ReportSignature,
}

fn arr<const N: usize>(b: &[u8; REPORT_LEN], off: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = off.checked_add(N).and_then(|end| b.get(off..end)) {
        out.copy_from_slice(src);
    }
    out
}

fn u32_at(b: &[u8; REPORT_LEN], off: usize) -> u32 {
    u32::from_le_bytes(arr::<4>(b, off))
}

fn u64_at(b: &[u8; REPORT_LEN], off: usize) -> u64 {
    u64::from_le_bytes(arr::<8>(b, off))
}

fn byte(b: &[u8; REPORT_LEN], off: usize) -> u8 {
    b.get(off).copied().unwrap_or(0)
}

impl AttestationReport {
    /// Parses exactly 1184 bytes.
    ///
    /// ```
    /// use cmcp_sev_snp::parse::{AttestationReport, ReportError, REPORT_LEN};
    /// let mut b = vec![0u8; REPORT_LEN];
    /// b[0] = 2; // VERSION
    /// b[0x34] = 1; // SIGNATURE_ALGO
    /// let r = AttestationReport::parse(&b).unwrap();
    /// assert_eq!(r.version, 2);
    /// assert_eq!(r.cpuid_fam_id, None);
    /// assert!(matches!(AttestationReport::parse(&b[..100]), Err(ReportError::Length { actual: 100, .. })));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<AttestationReport, ReportError> {
        let raw: [u8; REPORT_LEN] = bytes.try_into().map_err(|_| ReportError::Length {
            expected: REPORT_LEN,
            actual: bytes.len(),
        })?;
        let b = &raw;
        let version = u32_at(b, 0x000);
        if version < 2 {
            return Err(ReportError::Version(version));
        }
        let v3 = version >= 3;
        let v5 = version >= 5;
        let fw = |off: usize| {
            let [build, minor, major]: [u8; 3] = b
                .get(off..)
                .and_then(|r| r.first_chunk())
                .copied()
                .unwrap_or_default();
            FirmwareVersion {
                build,
                minor,
                major,
            }
        };
        Ok(AttestationReport {
            version,
            guest_svn: u32_at(b, 0x004),
            policy: GuestPolicy(u64_at(b, 0x008)),
            family_id: arr(b, 0x010),
            image_id: arr(b, 0x020),
            vmpl: u32_at(b, 0x030),
            signature_algo: u32_at(b, 0x034),
            current_tcb: TcbVersion(arr(b, 0x038)),
            platform_info: PlatformInfo(u64_at(b, 0x040)),
            key_info: KeyInfo(u32_at(b, 0x048)),
            report_data: arr(b, REPORT_DATA_OFFSET),
            measurement: arr(b, MEASUREMENT_OFFSET),
            host_data: arr(b, 0x0C0),
            id_key_digest: arr(b, 0x0E0),
            author_key_digest: arr(b, 0x110),
            report_id: arr(b, 0x140),
            report_id_ma: arr(b, 0x160),
            reported_tcb: TcbVersion(arr(b, 0x180)),
            cpuid_fam_id: v3.then(|| byte(b, 0x188)),
            cpuid_mod_id: v3.then(|| byte(b, 0x189)),
            cpuid_step: v3.then(|| byte(b, 0x18A)),
            chip_id: arr(b, 0x1A0),
            committed_tcb: TcbVersion(arr(b, 0x1E0)),
            current: fw(0x1E8),
            committed: fw(0x1EC),
            launch_tcb: TcbVersion(arr(b, 0x1F0)),
            launch_mit_vector: v5.then(|| u64_at(b, 0x1F8)),
            current_mit_vector: v5.then(|| u64_at(b, 0x200)),
            signature: ReportSignature {
                r_le: arr(b, SIGNED_LEN),
                s_le: arr(b, SIGNED_LEN + 0x48),
                tail: arr(b, SIGNED_LEN + 0x90),
            },
            raw: Box::new(raw),
        })
    }

    /// The 1184 bytes exactly as received.
    pub fn raw(&self) -> &[u8; REPORT_LEN] {
        &self.raw
    }

    /// The signed body `report[0x000..0x2A0]` exactly as received.
    pub fn signed_bytes(&self) -> &[u8] {
        self.raw.get(..SIGNED_LEN).unwrap_or(&[])
    }

    /// The CPU generation from CPUID (v3+ reports only).
    pub fn generation_from_cpuid(&self) -> Option<Generation> {
        Generation::from_cpuid(self.cpuid_fam_id?, self.cpuid_mod_id?)
    }

    /// A heuristic TCB layout for reports without CPUID (v2): a CHIP_ID with
    /// non-zero bytes only in its first 8 looks like Turin. Use the VCEK's
    /// productName when a certificate is available instead.
    pub fn tcb_layout_heuristic(&self) -> TcbLayout {
        if let Some(g) = self.generation_from_cpuid() {
            return g.tcb_layout();
        }
        let first = self.chip_id.get(..8).unwrap_or(&[]);
        let rest = self.chip_id.get(8..).unwrap_or(&[]);
        if first.iter().any(|b| *b != 0) && rest.iter().all(|b| *b == 0) {
            TcbLayout::Turin
        } else {
            TcbLayout::MilanGenoa
        }
    }

    /// The claim form of the measurement:
    /// `"sha384:" + lowercase hex(SHA-384(MEASUREMENT))` (spec §6.2).
    pub fn claimed_measurement_form(&self) -> String {
        use sha2::Digest as _;
        let d = sha2::Sha384::digest(self.measurement);
        format!("sha384:{}", cmcp_json::encoding::hex_encode(&d))
    }
}
