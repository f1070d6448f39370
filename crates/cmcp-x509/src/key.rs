//! Public keys and signature verification.

use der::Decode;
use der::asn1::ObjectIdentifier;
use sha2::Digest;
use signature::hazmat::PrehashVerifier;

use crate::alg::{HashAlg, SigAlg};
use crate::error::X509Error;

const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 8192;
/// Largest SubjectPublicKeyInfo accepted.
const MAX_SPKI_DER: usize = 4096;

/// An elliptic curve supported for ECDSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
}

impl Curve {
    /// Size of a field element / scalar in bytes (32 or 48).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }
}

/// An RSA public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicKey {
    key: rsa::PublicKey,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaPublicKey {
    /// Modulus, big-endian, without leading zero bytes.
    pub fn modulus_be(&self) -> &[u8] {
        &self.n
    }
    /// Public exponent, big-endian, without leading zero bytes.
    pub fn exponent_be(&self) -> &[u8] {
        &self.e
    }
    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        let lead = self.n.first().copied().unwrap_or(0);
        // At most `MAX_RSA_BITS / 8` bytes: the product is exact.
        self.n
            .len()
            .saturating_mul(8)
            .saturating_sub(lead.leading_zeros() as usize)
    }
    /// Signature / modulus size in bytes.
    pub fn size_bytes(&self) -> usize {
        self.n.len()
    }
}

/// An ECDSA public key on P-256 or P-384.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcPublicKey<K> {
    key: K,
    uncompressed: Vec<u8>,
}

impl<K> EcPublicKey<K> {
    /// The SEC1 uncompressed point `04‖X‖Y`.
    pub fn sec1_uncompressed(&self) -> &[u8] {
        &self.uncompressed
    }
    /// The affine X coordinate, big-endian, fixed length.
    pub fn x(&self) -> &[u8] {
        let n = self.uncompressed.len().saturating_sub(1) / 2;
        self.uncompressed
            .get(1..)
            .and_then(|xy| xy.get(..n))
            .unwrap_or(&[])
    }
    /// The affine Y coordinate, big-endian, fixed length.
    pub fn y(&self) -> &[u8] {
        let n = self.uncompressed.len().saturating_sub(1) / 2;
        self.uncompressed
            .get(1..)
            .and_then(|xy| xy.get(n..))
            .unwrap_or(&[])
    }
}

/// A signature-verification public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA (2048..=8192 bits).
    Rsa(RsaPublicKey),
    /// ECDSA over NIST P-256.
    EcP256(EcPublicKey<p256::ecdsa::VerifyingKey>),
    /// ECDSA over NIST P-384.
    EcP384(EcPublicKey<p384::ecdsa::VerifyingKey>),
}

/// Left-pads or zero-strips a big-endian integer to exactly `n` bytes.
fn fixed_width(b: &[u8], n: usize) -> Option<Vec<u8>> {
    let v = strip_leading_zeros(b);
    let mut out = vec![0u8; n.checked_sub(v.len())?];
    out.extend_from_slice(v);
    Some(out)
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(first..).unwrap_or(&[])
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo` (rsaEncryption, id-RSASSA-PSS,
    /// or id-ecPublicKey with the P-256 / P-384 named curve).
    ///
    /// ```
    /// use cmcp_x509::PublicKey;
    /// assert!(PublicKey::from_spki_der(&[0x30, 0x00]).is_err());
    /// ```
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, X509Error> {
        if der.len() > MAX_SPKI_DER {
            return Err(X509Error::TooLarge {
                what: "SubjectPublicKeyInfo",
                len: der.len(),
                max: MAX_SPKI_DER,
            });
        }
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(X509Error::der)?;
        let key_bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| X509Error::BadKey("public key BIT STRING has unused bits".to_owned()))?;
        let oid = spki.algorithm.oid;
        if oid == OID_RSA_ENCRYPTION || oid == OID_RSA_PSS {
            let k = pkcs1::RsaPublicKeyRef::from_der(key_bits).map_err(X509Error::der)?;
            return Self::from_rsa_components(k.modulus.as_bytes(), k.public_exponent.as_bytes());
        }
        if oid == OID_EC_PUBLIC_KEY {
            let curve_oid: ObjectIdentifier = spki
                .algorithm
                .parameters
                .ok_or_else(|| X509Error::BadKey("EC key without named curve".to_owned()))?
                .decode_as()
                .map_err(|_| {
                    X509Error::BadKey("EC key parameters are not a named curve".to_owned())
                })?;
            let curve = if curve_oid == OID_P256 {
                Curve::P256
            } else if curve_oid == OID_P384 {
                Curve::P384
            } else {
                return Err(X509Error::BadKey(format!("unsupported curve {curve_oid}")));
            };
            return Self::from_sec1_point(curve, key_bits);
        }
        Err(X509Error::BadKey(format!(
            "unsupported key algorithm {oid}"
        )))
    }

    /// Builds an EC key from a SEC1-encoded point (compressed `02/03‖X` or
    /// uncompressed `04‖X‖Y`) on `curve`. The point must be on the curve.
    ///
    /// ```
    /// use cmcp_x509::{Curve, PublicKey};
    /// assert!(PublicKey::from_sec1_point(Curve::P256, &[4u8; 65]).is_err());
    /// ```
    pub fn from_sec1_point(curve: Curve, bytes: &[u8]) -> Result<PublicKey, X509Error> {
        let bad = |_| X509Error::BadKey(format!("invalid {curve:?} point"));
        match curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes).map_err(bad)?;
                let uncompressed = key.to_sec1_point(false).as_bytes().to_vec();
                Ok(PublicKey::EcP256(EcPublicKey { key, uncompressed }))
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(bytes).map_err(bad)?;
                let uncompressed = key.to_sec1_point(false).as_bytes().to_vec();
                Ok(PublicKey::EcP384(EcPublicKey { key, uncompressed }))
            }
        }
    }

    /// Builds an EC key from fixed-length big-endian affine coordinates (as in
    /// a TPM `TPMS_ECC_POINT` or an Intel quote attestation key).
    pub fn from_ec_coordinates(curve: Curve, x: &[u8], y: &[u8]) -> Result<PublicKey, X509Error> {
        let n = curve.field_len();
        if x.len() != n || y.len() != n {
            return Err(X509Error::BadKey(format!(
                "{curve:?} coordinates must be {n} bytes each"
            )));
        }
        // 32 or 48 bytes per coordinate: the capacity is exact.
        let mut pt = Vec::with_capacity(n.saturating_mul(2).saturating_add(1));
        pt.push(4);
        pt.extend_from_slice(x);
        pt.extend_from_slice(y);
        Self::from_sec1_point(curve, &pt)
    }

    /// Builds an RSA key from a big-endian modulus and exponent (leading zero
    /// bytes allowed). The modulus must be 2048..=8192 bits.
    pub fn from_rsa_components(n_be: &[u8], e_be: &[u8]) -> Result<PublicKey, X509Error> {
        let n = strip_leading_zeros(n_be);
        let e = strip_leading_zeros(e_be);
        if n.len() > MAX_RSA_BITS / 8 || e.len() > 8 || e.is_empty() {
            return Err(X509Error::BadKey("RSA modulus or exponent size".to_owned()));
        }
        let bits = |b: &[u8]| b.len().checked_mul(8).and_then(|n| u32::try_from(n).ok());
        let n_bits = bits(n).ok_or_else(|| X509Error::BadKey("RSA modulus size".to_owned()))?;
        let e_bits = bits(e).ok_or_else(|| X509Error::BadKey("RSA exponent size".to_owned()))?;
        let nb = rsa::BoxedUint::from_be_slice(n, n_bits)
            .map_err(|_| X509Error::BadKey("RSA modulus".to_owned()))?;
        let eb = rsa::BoxedUint::from_be_slice(e, e_bits)
            .map_err(|_| X509Error::BadKey("RSA exponent".to_owned()))?;
        let key = rsa::PublicKey::new_with_size_limits(nb, eb, MIN_RSA_BITS..=MAX_RSA_BITS)
            .map_err(|err| X509Error::BadKey(format!("RSA key: {err}")))?;
        Ok(PublicKey::Rsa(RsaPublicKey {
            key,
            n: n.to_vec(),
            e: e.to_vec(),
        }))
    }

    /// A short description of the key kind (`"RSA-4096"`, `"EC-P384"` …).
    pub fn kind(&self) -> String {
        match self {
            PublicKey::Rsa(k) => format!("RSA-{}", k.bits()),
            PublicKey::EcP256(_) => "EC-P256".to_owned(),
            PublicKey::EcP384(_) => "EC-P384".to_owned(),
        }
    }

    /// The curve, for EC keys.
    pub fn curve(&self) -> Option<Curve> {
        match self {
            PublicKey::Rsa(_) => None,
            PublicKey::EcP256(_) => Some(Curve::P256),
            PublicKey::EcP384(_) => Some(Curve::P384),
        }
    }

    fn kind_static(&self) -> &'static str {
        match self {
            PublicKey::Rsa(_) => "RSA",
            PublicKey::EcP256(_) => "EC P-256",
            PublicKey::EcP384(_) => "EC P-384",
        }
    }

    /// Verifies `signature` over `message` with algorithm `alg`, in the
    /// encoding X.509 uses: a DER `ECDSA-Sig-Value` for ECDSA, the raw
    /// modulus-sized octets for RSA. SHA-1 is *not* refused here (the caller
    /// decides); [`crate::verify_chain`] refuses it unless allowed.
    ///
    /// ```
    /// use cmcp_x509::{HashAlg, PublicKey, SigAlg};
    /// # fn demo(key: &PublicKey) {
    /// let ok = key.verify(SigAlg::Ecdsa(HashAlg::Sha256), b"msg", &[0x30, 0x00]);
    /// assert!(ok.is_err());
    /// # }
    /// ```
    pub fn verify(&self, alg: SigAlg, message: &[u8], signature: &[u8]) -> Result<(), X509Error> {
        match (alg, self) {
            (SigAlg::Ecdsa(h), PublicKey::EcP256(k)) => {
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| X509Error::MalformedSignature("ECDSA P-256 DER".to_owned()))?;
                k.key
                    .verify_prehash(&h.digest(message), &sig)
                    .map_err(|_| X509Error::BadSignature)
            }
            (SigAlg::Ecdsa(h), PublicKey::EcP384(k)) => {
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .map_err(|_| X509Error::MalformedSignature("ECDSA P-384 DER".to_owned()))?;
                k.key
                    .verify_prehash(&h.digest(message), &sig)
                    .map_err(|_| X509Error::BadSignature)
            }
            (SigAlg::RsaPkcs1v15(h), PublicKey::Rsa(_)) => {
                self.verify_rsa_pkcs1v15(h, message, signature)
            }
            (SigAlg::RsaPss { hash, salt_len }, PublicKey::Rsa(_)) => {
                self.verify_rsa_pss(hash, Some(salt_len), message, signature)
            }
            (alg, key) => Err(X509Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: key.kind_static(),
            }),
        }
    }

    /// Verifies a raw ECDSA signature given as big-endian `r` and `s` over
    /// `message` hashed with `hash`. `r` and `s` are normally exactly the
    /// curve's field length (32 for P-256, 48 for P-384); shorter values are
    /// left-padded with zeros and longer ones accepted only if the excess
    /// leading bytes are zero (TPM2B values may be either).
    ///
    /// ```
    /// use cmcp_x509::{HashAlg, PublicKey};
    /// # fn demo(key: &PublicKey, msg: &[u8], sig: &[u8; 64]) {
    /// let (r, s) = sig.split_at(32);
    /// let _ = key.verify_ecdsa_raw(HashAlg::Sha256, msg, r, s);
    /// # }
    /// ```
    pub fn verify_ecdsa_raw(
        &self,
        hash: HashAlg,
        message: &[u8],
        r_be: &[u8],
        s_be: &[u8],
    ) -> Result<(), X509Error> {
        self.verify_ecdsa_prehash(&hash.digest(message), r_be, s_be)
    }

    /// Verifies a raw big-endian `r`, `s` ECDSA signature over an already
    /// computed digest (at least half the field length; longer digests are
    /// truncated per FIPS 186).
    pub fn verify_ecdsa_prehash(
        &self,
        digest: &[u8],
        r_be: &[u8],
        s_be: &[u8],
    ) -> Result<(), X509Error> {
        let curve = self.curve().ok_or(X509Error::KeyAlgorithmMismatch {
            alg: "ECDSA".to_owned(),
            key: "RSA",
        })?;
        let n = curve.field_len();
        let r = fixed_width(r_be, n).ok_or_else(|| {
            X509Error::MalformedSignature(format!("ECDSA {curve:?} r longer than {n} bytes"))
        })?;
        let s = fixed_width(s_be, n).ok_or_else(|| {
            X509Error::MalformedSignature(format!("ECDSA {curve:?} s longer than {n} bytes"))
        })?;
        if digest.len() < n / 2 || digest.len() > 64 {
            return Err(X509Error::MalformedSignature(
                "ECDSA digest length".to_owned(),
            ));
        }
        let mut rs = r;
        rs.extend_from_slice(&s);
        let malformed = |_| X509Error::MalformedSignature("ECDSA r or s out of range".to_owned());
        match self {
            PublicKey::EcP256(k) => {
                let sig = p256::ecdsa::Signature::from_slice(&rs).map_err(malformed)?;
                k.key
                    .verify_prehash(digest, &sig)
                    .map_err(|_| X509Error::BadSignature)
            }
            PublicKey::EcP384(k) => {
                let sig = p384::ecdsa::Signature::from_slice(&rs).map_err(malformed)?;
                k.key
                    .verify_prehash(digest, &sig)
                    .map_err(|_| X509Error::BadSignature)
            }
            PublicKey::Rsa(_) => Err(X509Error::KeyAlgorithmMismatch {
                alg: "ECDSA".to_owned(),
                key: "RSA",
            }),
        }
    }

    /// ECDSA P-384 / SHA-384 with big-endian `r`, `s` (SEV-SNP report
    /// signatures, after the caller byte-reverses AMD's little-endian
    /// 72-byte fields and keeps the low 48 bytes).
    pub fn verify_ecdsa_p384_sha384_rs(
        &self,
        r_be: &[u8; 48],
        s_be: &[u8; 48],
        message: &[u8],
    ) -> Result<(), X509Error> {
        if self.curve() != Some(Curve::P384) {
            return Err(X509Error::KeyAlgorithmMismatch {
                alg: "ECDSA-P384-SHA384".to_owned(),
                key: self.kind_static(),
            });
        }
        self.verify_ecdsa_raw(HashAlg::Sha384, message, r_be, s_be)
    }

    /// ECDSA P-256 / SHA-256 with big-endian `r`, `s` (Intel DCAP quote
    /// signatures are raw `r‖s`: pass the two 32-byte halves).
    pub fn verify_ecdsa_p256_sha256_rs(
        &self,
        r_be: &[u8; 32],
        s_be: &[u8; 32],
        message: &[u8],
    ) -> Result<(), X509Error> {
        if self.curve() != Some(Curve::P256) {
            return Err(X509Error::KeyAlgorithmMismatch {
                alg: "ECDSA-P256-SHA256".to_owned(),
                key: self.kind_static(),
            });
        }
        self.verify_ecdsa_raw(HashAlg::Sha256, message, r_be, s_be)
    }

    fn rsa(&self, alg: &str) -> Result<&rsa::PublicKey, X509Error> {
        match self {
            PublicKey::Rsa(k) => Ok(&k.key),
            other => Err(X509Error::KeyAlgorithmMismatch {
                alg: alg.to_owned(),
                key: other.kind_static(),
            }),
        }
    }

    /// RSASSA-PKCS1-v1_5 verification of `signature` over `message` hashed
    /// with `hash` (TPM `TPM_ALG_RSASSA`). The signature must be exactly the
    /// modulus length.
    pub fn verify_rsa_pkcs1v15(
        &self,
        hash: HashAlg,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), X509Error> {
        let key = self.rsa("RSA-PKCS1-v1_5")?;
        let digest = hash.digest(message);
        let scheme = match hash {
            HashAlg::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        };
        key.verify(scheme, &digest, signature)
            .map_err(|_| X509Error::BadSignature)
    }

    /// RSASSA-PSS verification with MGF1 over the same `hash`. `salt_len`:
    /// `Some(n)` requires exactly `n` salt bytes; `None` accepts any salt
    /// length recovered from the encoding (TPMs choose the salt length).
    pub fn verify_rsa_pss(
        &self,
        hash: HashAlg,
        salt_len: Option<usize>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), X509Error> {
        let key = self.rsa("RSASSA-PSS")?;
        let digest = hash.digest(message);
        let r = match hash {
            HashAlg::Sha1 => key.verify(pss::<sha1::Sha1>(salt_len), &digest, signature),
            HashAlg::Sha256 => key.verify(pss::<sha2::Sha256>(salt_len), &digest, signature),
            HashAlg::Sha384 => key.verify(pss::<sha2::Sha384>(salt_len), &digest, signature),
            HashAlg::Sha512 => key.verify(pss::<sha2::Sha512>(salt_len), &digest, signature),
        };
        r.map_err(|_| X509Error::BadSignature)
    }
}

fn pss<D: Digest>(salt_len: Option<usize>) -> rsa::Pss<D> {
    rsa::Pss {
        blinded: false,
        digest: D::new(),
        salt_len,
    }
}
