//! Certificate revocation lists.

use std::ops::Range;

use der::{Decode, Encode};

use crate::MAX_CRL_BYTES;
use crate::alg::SigAlg;
use crate::cert::{Certificate, first_inner_tlv, hex_lower, serial_magnitude, time_to_timestamp};
use crate::error::X509Error;
use crate::pem::pem_blocks;

/// A parsed X.509 v2 CRL with its original DER.
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    crl: x509_cert::crl::CertificateList,
    tbs: Range<usize>,
    issuer_der: Vec<u8>,
    revoked: Vec<Vec<u8>>,
}

impl PartialEq for Crl {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}
impl Eq for Crl {}

impl Crl {
    /// Parses a DER CRL (at most [`MAX_CRL_BYTES`]).
    ///
    /// ```
    /// assert!(cmcp_x509::Crl::from_der(&[0x30, 0x00]).is_err());
    /// ```
    pub fn from_der(der: &[u8]) -> Result<Crl, X509Error> {
        if der.len() > MAX_CRL_BYTES {
            return Err(X509Error::TooLarge {
                what: "CRL",
                len: der.len(),
                max: MAX_CRL_BYTES,
            });
        }
        let crl = x509_cert::crl::CertificateList::from_der(der).map_err(X509Error::der)?;
        if crl.tbs_cert_list.signature != crl.signature_algorithm {
            return Err(X509Error::Invalid(
                "CRL inner and outer signature algorithms differ".to_owned(),
            ));
        }
        let tbs = first_inner_tlv(der)?;
        let issuer_der = crl.tbs_cert_list.issuer.to_der().map_err(X509Error::der)?;
        let revoked = crl
            .tbs_cert_list
            .revoked_certificates
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|r| serial_magnitude(r.serial_number.as_bytes()).to_vec())
            .collect();
        Ok(Crl {
            der: der.to_vec(),
            crl,
            tbs,
            issuer_der,
            revoked,
        })
    }

    /// Parses the first `-----BEGIN X509 CRL-----` block.
    pub fn from_pem(bytes: &[u8]) -> Result<Crl, X509Error> {
        if bytes.len() > MAX_CRL_BYTES {
            return Err(X509Error::TooLarge {
                what: "CRL",
                len: bytes.len(),
                max: MAX_CRL_BYTES,
            });
        }
        let blocks = pem_blocks(bytes, "X509 CRL", 1)?;
        let der = blocks.first().ok_or(X509Error::NotFound("PEM X509 CRL"))?;
        Crl::from_der(der)
    }

    /// Accepts DER (starts with `0x30`), PEM, or lowercase/uppercase hex of
    /// the DER (as some collateral JSON carries it).
    pub fn parse(bytes: &[u8]) -> Result<Crl, X509Error> {
        if bytes.first() == Some(&0x30) {
            return Crl::from_der(bytes);
        }
        if bytes.iter().all(u8::is_ascii_hexdigit) && !bytes.is_empty() {
            let s = std::str::from_utf8(bytes).map_err(|_| X509Error::Pem("hex".to_owned()))?;
            let der = cmcp_json::encoding::hex_decode(s)
                .map_err(|_| X509Error::Der("CRL hex".to_owned()))?;
            return Crl::from_der(&der);
        }
        Crl::from_pem(bytes)
    }

    /// The original DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        self.crl.tbs_cert_list.issuer.to_string()
    }

    /// DER of the issuer Name.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// thisUpdate.
    pub fn this_update(&self) -> cmcp_policy::Timestamp {
        time_to_timestamp(&self.crl.tbs_cert_list.this_update)
    }

    /// nextUpdate, if present.
    pub fn next_update(&self) -> Option<cmcp_policy::Timestamp> {
        self.crl
            .tbs_cert_list
            .next_update
            .as_ref()
            .map(time_to_timestamp)
    }

    /// Whether thisUpdate ≤ now and (nextUpdate absent or now ≤ nextUpdate).
    pub fn is_current_at(&self, now: cmcp_policy::Timestamp) -> bool {
        self.this_update() <= now && self.next_update().is_none_or(|n| now <= n)
    }

    /// Revoked serial numbers as lowercase hex of their unsigned magnitude.
    pub fn revoked_serials_hex(&self) -> Vec<String> {
        self.revoked.iter().map(|s| hex_lower(s)).collect()
    }

    /// Whether `serial` (certificate serial content octets; leading zero
    /// bytes ignored) is listed.
    pub fn is_revoked(&self, serial: &[u8]) -> bool {
        let want = serial_magnitude(serial);
        self.revoked.iter().any(|s| s.as_slice() == want)
    }

    /// Whether `cert` is listed (by serial; does not check the issuer).
    pub fn is_revoked_cert(&self, cert: &Certificate) -> bool {
        self.is_revoked(cert.serial_bytes())
    }

    /// The declared signature algorithm.
    pub fn signature_algorithm(&self) -> Result<SigAlg, X509Error> {
        SigAlg::from_owned(&self.crl.signature_algorithm)
    }

    /// Checks that `issuer`'s subject equals this CRL's issuer, that
    /// `issuer`'s keyUsage (if present) has cRLSign, and that the CRL
    /// signature verifies under `issuer`'s public key.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), X509Error> {
        if issuer.subject_der() != self.issuer_der.as_slice() {
            return Err(X509Error::Invalid(
                "CRL issuer differs from the certificate subject".to_owned(),
            ));
        }
        if issuer.key_usage().is_some_and(|k| !k.crl_sign) {
            return Err(X509Error::Invalid(
                "CRL issuer lacks keyUsage cRLSign".to_owned(),
            ));
        }
        let sig = self
            .crl
            .signature
            .as_bytes()
            .ok_or_else(|| X509Error::Invalid("CRL signature has unused bits".to_owned()))?;
        let tbs = self.der.get(self.tbs.clone()).unwrap_or(&[]);
        issuer
            .public_key()?
            .verify(self.signature_algorithm()?, tbs, sig)
    }
}
