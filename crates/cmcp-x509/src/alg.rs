//! Hash and signature algorithm identifiers.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::Digest;
use spki::AlgorithmIdentifierRef;

use crate::error::X509Error;

/// A hash function used by a signature scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-1 (legacy; certificates signed with it are refused unless
    /// [`crate::ChainPolicy::allow_sha1`] is set).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Hashes `msg`.
    ///
    /// ```
    /// use cmcp_x509::HashAlg;
    /// assert_eq!(HashAlg::Sha384.digest(b"").len(), 48);
    /// assert_eq!(HashAlg::Sha256.output_len(), 32);
    /// ```
    pub fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha1 => sha1::Sha1::digest(msg).to_vec(),
            HashAlg::Sha256 => sha2::Sha256::digest(msg).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(msg).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(msg).to_vec(),
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Short name (`"SHA-256"` …).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    fn from_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        if *oid == OID_SHA1 {
            Some(HashAlg::Sha1)
        } else if *oid == OID_SHA256 {
            Some(HashAlg::Sha256)
        } else if *oid == OID_SHA384 {
            Some(HashAlg::Sha384)
        } else if *oid == OID_SHA512 {
            Some(HashAlg::Sha512)
        } else {
            None
        }
    }
}

/// A certificate / CRL signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigAlg {
    /// `ecdsa-with-SHA1/256/384/512`; the signature is a DER `ECDSA-Sig-Value`.
    /// The curve comes from the signer's key (P-256 or P-384).
    Ecdsa(HashAlg),
    /// `sha1/256/384/512WithRSAEncryption` (RSASSA-PKCS1-v1_5).
    RsaPkcs1v15(HashAlg),
    /// `RSASSA-PSS` with decoded parameters. MGF1 always uses the same hash as
    /// the message digest (other combinations are refused when decoding) and
    /// the trailer field is 1.
    RsaPss {
        /// Message digest (and MGF1) hash.
        hash: HashAlg,
        /// Declared salt length in bytes; verification requires exactly this.
        salt_len: usize,
    },
}

pub(crate) const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
pub(crate) const OID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const OID_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const OID_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_SHA1_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const OID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_ECDSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

/// Parameters absent or an explicit NULL.
fn params_absent_or_null(p: Option<der::asn1::AnyRef<'_>>) -> bool {
    match p {
        None => true,
        Some(any) => any.is_null(),
    }
}

impl SigAlg {
    /// Decodes a DER `AlgorithmIdentifier` (the `signatureAlgorithm` field of a
    /// certificate or CRL).
    ///
    /// ```
    /// use cmcp_x509::{HashAlg, SigAlg};
    /// // ecdsa-with-SHA256, no parameters
    /// let der = [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    /// assert_eq!(SigAlg::from_der(&der).unwrap(), SigAlg::Ecdsa(HashAlg::Sha256));
    /// ```
    pub fn from_der(der: &[u8]) -> Result<SigAlg, X509Error> {
        let ai = AlgorithmIdentifierRef::from_der(der).map_err(X509Error::der)?;
        Self::from_algorithm_identifier(&ai)
    }

    pub(crate) fn from_owned(ai: &spki::AlgorithmIdentifierOwned) -> Result<SigAlg, X509Error> {
        let der = ai.to_der().map_err(X509Error::der)?;
        Self::from_der(&der)
    }

    fn from_algorithm_identifier(ai: &AlgorithmIdentifierRef<'_>) -> Result<SigAlg, X509Error> {
        let oid = ai.oid;
        let ecdsa = [
            (OID_ECDSA_SHA1, HashAlg::Sha1),
            (OID_ECDSA_SHA256, HashAlg::Sha256),
            (OID_ECDSA_SHA384, HashAlg::Sha384),
            (OID_ECDSA_SHA512, HashAlg::Sha512),
        ];
        for (o, h) in ecdsa {
            if oid == o {
                // RFC 5758: parameters MUST be absent.
                if ai.parameters.is_some() {
                    return Err(X509Error::Invalid(format!(
                        "{oid} must not carry parameters"
                    )));
                }
                return Ok(SigAlg::Ecdsa(h));
            }
        }
        let rsa = [
            (OID_SHA1_RSA, HashAlg::Sha1),
            (OID_SHA256_RSA, HashAlg::Sha256),
            (OID_SHA384_RSA, HashAlg::Sha384),
            (OID_SHA512_RSA, HashAlg::Sha512),
        ];
        for (o, h) in rsa {
            if oid == o {
                if !params_absent_or_null(ai.parameters) {
                    return Err(X509Error::Invalid(format!(
                        "{oid} parameters must be NULL or absent"
                    )));
                }
                return Ok(SigAlg::RsaPkcs1v15(h));
            }
        }
        if oid == OID_RSA_PSS {
            return Self::decode_pss(ai.parameters);
        }
        Err(X509Error::UnsupportedAlgorithm(format!(
            "signature algorithm {oid}"
        )))
    }

    fn decode_pss(params: Option<der::asn1::AnyRef<'_>>) -> Result<SigAlg, X509Error> {
        let any = params.ok_or_else(|| {
            X509Error::UnsupportedAlgorithm("RSASSA-PSS without parameters".to_owned())
        })?;
        let bytes = any.to_der().map_err(X509Error::der)?;
        let p = pkcs1::RsaPssParamsOwned::from_der(&bytes).map_err(X509Error::der)?;
        let hash = HashAlg::from_oid(&p.hash.oid).ok_or_else(|| {
            X509Error::UnsupportedAlgorithm(format!("RSASSA-PSS hash {}", p.hash.oid))
        })?;
        if !params_absent_or_null(p.hash.parameters.as_ref().map(der::asn1::AnyRef::from)) {
            return Err(X509Error::Invalid("RSASSA-PSS hash parameters".to_owned()));
        }
        if p.mask_gen.oid != OID_MGF1 {
            return Err(X509Error::UnsupportedAlgorithm(format!(
                "RSASSA-PSS mask generation {}",
                p.mask_gen.oid
            )));
        }
        let mgf_hash = p
            .mask_gen
            .parameters
            .as_ref()
            .and_then(|h| HashAlg::from_oid(&h.oid))
            .ok_or_else(|| X509Error::UnsupportedAlgorithm("RSASSA-PSS MGF1 hash".to_owned()))?;
        if mgf_hash != hash {
            return Err(X509Error::UnsupportedAlgorithm(format!(
                "RSASSA-PSS with MGF1 {} differing from hash {}",
                mgf_hash.name(),
                hash.name()
            )));
        }
        if p.trailer_field != pkcs1::TrailerField::BC {
            return Err(X509Error::UnsupportedAlgorithm(
                "RSASSA-PSS trailer field".to_owned(),
            ));
        }
        Ok(SigAlg::RsaPss {
            hash,
            salt_len: usize::from(p.salt_len),
        })
    }

    /// The message hash of this algorithm.
    pub fn hash(&self) -> HashAlg {
        match *self {
            SigAlg::Ecdsa(h) | SigAlg::RsaPkcs1v15(h) => h,
            SigAlg::RsaPss { hash, .. } => hash,
        }
    }

    /// Whether the algorithm depends on SHA-1.
    pub fn uses_sha1(&self) -> bool {
        self.hash() == HashAlg::Sha1
    }

    /// A human-readable name such as `"RSASSA-PSS(SHA-384, salt 48)"`.
    pub fn name(&self) -> String {
        match self {
            SigAlg::Ecdsa(h) => format!("ECDSA-with-{}", h.name()),
            SigAlg::RsaPkcs1v15(h) => format!("RSA-PKCS1-v1_5-{}", h.name()),
            SigAlg::RsaPss { hash, salt_len } => {
                format!("RSASSA-PSS({}, salt {salt_len})", hash.name())
            }
        }
    }
}

impl std::fmt::Display for SigAlg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;

    fn tlv(tag: u8, c: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, u8::try_from(c.len()).unwrap()];
        v.extend_from_slice(c);
        v
    }
    fn oid(s: &str) -> Vec<u8> {
        ObjectIdentifier::new(s).unwrap().to_der().unwrap()
    }
    fn hash_ai(h: &str) -> Vec<u8> {
        tlv(0x30, &[oid(h), vec![0x05, 0x00]].concat())
    }
    fn pss(hash: &str, mgf_hash: &str, salt: Option<u8>) -> Vec<u8> {
        let mut p = vec![
            tlv(0xa0, &hash_ai(hash)),
            tlv(
                0xa1,
                &tlv(
                    0x30,
                    &[oid("1.2.840.113549.1.1.8"), hash_ai(mgf_hash)].concat(),
                ),
            ),
        ];
        if let Some(s) = salt {
            p.push(tlv(0xa2, &[0x02, 0x01, s]));
        }
        tlv(
            0x30,
            &[oid("1.2.840.113549.1.1.10"), tlv(0x30, &p.concat())].concat(),
        )
    }

    #[test]
    fn pss_parameters() {
        let sha384 = "2.16.840.1.101.3.4.2.2";
        let sha256 = "2.16.840.1.101.3.4.2.1";
        assert_eq!(
            SigAlg::from_der(&pss(sha384, sha384, Some(48))).unwrap(),
            SigAlg::RsaPss {
                hash: HashAlg::Sha384,
                salt_len: 48
            }
        );
        // Salt defaults to 20 when absent.
        assert_eq!(
            SigAlg::from_der(&pss(sha256, sha256, None)).unwrap(),
            SigAlg::RsaPss {
                hash: HashAlg::Sha256,
                salt_len: 20
            }
        );
        // MGF1 hash differing from the message hash is refused.
        assert!(matches!(
            SigAlg::from_der(&pss(sha384, sha256, Some(48))),
            Err(X509Error::UnsupportedAlgorithm(_))
        ));
        // RSASSA-PSS without parameters.
        let bare = tlv(0x30, &oid("1.2.840.113549.1.1.10"));
        assert!(matches!(
            SigAlg::from_der(&bare),
            Err(X509Error::UnsupportedAlgorithm(_))
        ));
        // Unknown OID (Ed25519).
        let ed = tlv(0x30, &oid("1.3.101.112"));
        assert!(matches!(
            SigAlg::from_der(&ed),
            Err(X509Error::UnsupportedAlgorithm(_))
        ));
        // sha256WithRSAEncryption with NULL, and ECDSA with parameters (refused).
        let rsa = tlv(
            0x30,
            &[oid("1.2.840.113549.1.1.11"), vec![0x05, 0x00]].concat(),
        );
        assert_eq!(
            SigAlg::from_der(&rsa).unwrap(),
            SigAlg::RsaPkcs1v15(HashAlg::Sha256)
        );
        let ec = tlv(
            0x30,
            &[oid("1.2.840.10045.4.3.3"), vec![0x05, 0x00]].concat(),
        );
        assert!(matches!(SigAlg::from_der(&ec), Err(X509Error::Invalid(_))));
        assert_eq!(
            SigAlg::RsaPss {
                hash: HashAlg::Sha384,
                salt_len: 48
            }
            .name(),
            "RSASSA-PSS(SHA-384, salt 48)"
        );
        // Truncated identifiers never panic.
        let full = pss(sha384, sha384, Some(48));
        for cut in 0..full.len() {
            assert!(SigAlg::from_der(&full[..cut]).is_err());
        }
    }
}
