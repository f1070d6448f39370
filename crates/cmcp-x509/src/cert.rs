//! Parsed certificates.

use std::collections::BTreeSet;
use std::ops::Range;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::Digest;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage as X509KeyUsage};

use crate::MAX_CERT_DER;
use crate::alg::SigAlg;
use crate::error::X509Error;
use crate::key::PublicKey;

const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

/// The keyUsage extension bits (RFC 5280 §4.2.1.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct KeyUsage {
    pub digital_signature: bool,
    pub non_repudiation: bool,
    pub key_encipherment: bool,
    pub data_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
    pub encipher_only: bool,
    pub decipher_only: bool,
}

/// One extension, borrowed from a [`Certificate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtensionRef<'a> {
    /// Dotted OID.
    pub oid: &'a ObjectIdentifier,
    /// The critical flag.
    pub critical: bool,
    /// Raw `extnValue` octets (the content of the OCTET STRING).
    pub value: &'a [u8],
}

/// A parsed X.509 certificate together with its original DER encoding.
///
/// Two certificates are equal when their DER encodings are byte-identical.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    cert: x509_cert::Certificate,
    tbs: Range<usize>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    basic: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    eku: Vec<String>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}
impl Eq for Certificate {}

/// Reads one DER TLV header at `off`; returns (header length, content length).
pub(crate) fn tlv_header(buf: &[u8], off: usize) -> Option<(usize, usize)> {
    let (&tag, rest) = buf.get(off..)?.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // high tag numbers never appear where we use this
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let len = rest
        .get(..n)?
        .iter()
        .fold(0usize, |len, b| (len << 8) | usize::from(*b));
    Some((n.checked_add(2)?, len))
}

/// Byte range of the first element (the TBS part) inside an outer SEQUENCE.
pub(crate) fn first_inner_tlv(der: &[u8]) -> Result<Range<usize>, X509Error> {
    let bad = || X509Error::Der("cannot locate the to-be-signed part".to_owned());
    let (outer_hdr, _) = tlv_header(der, 0).ok_or_else(bad)?;
    let (hdr, len) = tlv_header(der, outer_hdr).ok_or_else(bad)?;
    let end = outer_hdr
        .checked_add(hdr)
        .and_then(|x| x.checked_add(len))
        .ok_or_else(bad)?;
    if end > der.len() {
        return Err(bad());
    }
    Ok(outer_hdr..end)
}

fn convert_key_usage(ku: &X509KeyUsage) -> KeyUsage {
    KeyUsage {
        digital_signature: ku.digital_signature(),
        non_repudiation: ku.non_repudiation(),
        key_encipherment: ku.key_encipherment(),
        data_encipherment: ku.data_encipherment(),
        key_agreement: ku.key_agreement(),
        key_cert_sign: ku.key_cert_sign(),
        crl_sign: ku.crl_sign(),
        encipher_only: ku.encipher_only(),
        decipher_only: ku.decipher_only(),
    }
}

pub(crate) fn time_to_timestamp(t: &x509_cert::time::Time) -> cmcp_policy::Timestamp {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    cmcp_policy::Timestamp::from_unix(secs)
}

pub(crate) fn hex_lower(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

/// Serial number bytes as an unsigned magnitude (leading zero bytes removed,
/// at least one byte kept).
pub(crate) fn serial_magnitude(b: &[u8]) -> &[u8] {
    let mut s = b;
    while s.len() > 1 && s.first() == Some(&0) {
        s = s.get(1..).unwrap_or(&[]);
    }
    s
}

impl Certificate {
    /// Parses one DER certificate (at most [`MAX_CERT_DER`] bytes, no
    /// trailing data). Duplicate extensions and undecodable basicConstraints,
    /// keyUsage or extKeyUsage values are refused, as is a TBS signature
    /// algorithm that differs from the outer one.
    ///
    /// ```
    /// use cmcp_x509::Certificate;
    /// assert!(Certificate::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
    /// ```
    pub fn from_der(der: &[u8]) -> Result<Certificate, X509Error> {
        if der.len() > MAX_CERT_DER {
            return Err(X509Error::TooLarge {
                what: "certificate",
                len: der.len(),
                max: MAX_CERT_DER,
            });
        }
        let cert = x509_cert::Certificate::from_der(der).map_err(X509Error::der)?;
        let tbs = first_inner_tlv(der)?;
        let t = cert.tbs_certificate();
        if t.signature() != cert.signature_algorithm() {
            return Err(X509Error::Invalid(
                "TBS signature algorithm differs from the outer signature algorithm".to_owned(),
            ));
        }
        let subject_der = t.subject().to_der().map_err(X509Error::der)?;
        let issuer_der = t.issuer().to_der().map_err(X509Error::der)?;
        // A set: a certificate may carry thousands of extensions within its cap.
        let mut seen: BTreeSet<&ObjectIdentifier> = BTreeSet::new();
        let mut basic = None;
        let mut key_usage = None;
        let mut eku = Vec::new();
        for e in t.extensions().map(|v| v.as_slice()).unwrap_or(&[]) {
            let ext_err = |reason: String| X509Error::Extension {
                oid: e.extn_id.to_string(),
                reason,
            };
            if !seen.insert(&e.extn_id) {
                return Err(ext_err("duplicate extension".to_owned()));
            }
            let v = e.extn_value.as_bytes();
            if e.extn_id == OID_BASIC_CONSTRAINTS {
                basic = Some(BasicConstraints::from_der(v).map_err(|x| ext_err(x.to_string()))?);
            } else if e.extn_id == OID_KEY_USAGE {
                let ku = X509KeyUsage::from_der(v).map_err(|x| ext_err(x.to_string()))?;
                key_usage = Some(convert_key_usage(&ku));
            } else if e.extn_id == OID_EKU {
                let x = ExtendedKeyUsage::from_der(v).map_err(|x| ext_err(x.to_string()))?;
                eku = x.0.iter().map(ToString::to_string).collect();
            }
        }
        Ok(Certificate {
            der: der.to_vec(),
            cert,
            tbs,
            subject_der,
            issuer_der,
            basic,
            key_usage,
            eku,
        })
    }

    /// The original DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The parsed `x509-cert` certificate, for anything not covered here.
    pub fn inner(&self) -> &x509_cert::Certificate {
        &self.cert
    }

    /// SHA-256 of the DER encoding (what `openssl x509 -fingerprint -sha256` prints).
    pub fn sha256_fingerprint(&self) -> [u8; 32] {
        sha2::Sha256::digest(&self.der).into()
    }

    /// Subject as an RFC 4514 string (most specific RDN first), e.g. `CN=SEV-Milan,…`.
    pub fn subject(&self) -> String {
        self.cert.tbs_certificate().subject().to_string()
    }

    /// Issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        self.cert.tbs_certificate().issuer().to_string()
    }

    /// DER encoding of the subject Name (used for issuer/subject matching).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }

    /// DER encoding of the issuer Name.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// The subject's first commonName, if any and if it is a string.
    pub fn subject_common_name(&self) -> Option<String> {
        let cn = self.cert.tbs_certificate().subject().common_name().ok()??;
        Some(cn.value().into_owned())
    }

    /// Whether subject and issuer names are identical.
    pub fn is_self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }

    /// Serial number bytes as encoded (two's complement content octets).
    pub fn serial_bytes(&self) -> &[u8] {
        self.cert.tbs_certificate().serial_number().as_bytes()
    }

    /// Serial number as lowercase hex of its unsigned magnitude (a leading
    /// `00` sign byte removed), e.g. `"0a1b"`.
    pub fn serial_hex(&self) -> String {
        hex_lower(serial_magnitude(self.serial_bytes()))
    }

    /// notBefore.
    pub fn not_before(&self) -> cmcp_policy::Timestamp {
        time_to_timestamp(&self.cert.tbs_certificate().validity().not_before)
    }

    /// notAfter.
    pub fn not_after(&self) -> cmcp_policy::Timestamp {
        time_to_timestamp(&self.cert.tbs_certificate().validity().not_after)
    }

    /// Whether `now` lies within notBefore ≤ now ≤ notAfter.
    pub fn is_valid_at(&self, now: cmcp_policy::Timestamp) -> bool {
        self.not_before() <= now && now <= self.not_after()
    }

    /// basicConstraints cA (false when the extension is absent).
    pub fn is_ca(&self) -> bool {
        self.basic.as_ref().is_some_and(|b| b.ca)
    }

    /// basicConstraints pathLenConstraint, if present.
    pub fn path_len_constraint(&self) -> Option<u8> {
        self.basic.as_ref().and_then(|b| b.path_len_constraint)
    }

    /// keyUsage, if the extension is present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }

    /// extKeyUsage purposes as dotted OIDs (empty when absent).
    pub fn extended_key_usage(&self) -> Vec<String> {
        self.eku.clone()
    }

    /// Raw `extnValue` octets of the extension with dotted OID `oid`
    /// (`None` when absent or `oid` is not a valid OID).
    ///
    /// ```no_run
    /// # let vcek = cmcp_x509::Certificate::from_der(&[]).unwrap();
    /// let hwid = vcek.extension_value(cmcp_x509::oids::AMD_HWID);
    /// ```
    pub fn extension_value(&self, oid: &str) -> Option<&[u8]> {
        let oid = ObjectIdentifier::new(oid).ok()?;
        self.cert
            .tbs_certificate()
            .extensions()?
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes())
    }

    /// All extensions in certificate order.
    pub fn extensions(&self) -> Vec<ExtensionRef<'_>> {
        self.cert
            .tbs_certificate()
            .extensions()
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|e| ExtensionRef {
                oid: &e.extn_id,
                critical: e.critical,
                value: e.extn_value.as_bytes(),
            })
            .collect()
    }

    /// The subject public key.
    pub fn public_key(&self) -> Result<PublicKey, X509Error> {
        let spki = self
            .cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(X509Error::der)?;
        PublicKey::from_spki_der(&spki)
    }

    /// DER of the SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> Result<Vec<u8>, X509Error> {
        self.cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(X509Error::der)
    }

    /// The exact to-be-signed bytes (borrowed from the original DER).
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or(&[])
    }

    /// The declared signature algorithm.
    pub fn signature_algorithm(&self) -> Result<SigAlg, X509Error> {
        SigAlg::from_owned(self.cert.signature_algorithm())
    }

    /// The signature value octets (DER `ECDSA-Sig-Value` for ECDSA).
    pub fn signature_bytes(&self) -> Result<&[u8], X509Error> {
        self.cert
            .signature()
            .as_bytes()
            .ok_or_else(|| X509Error::Invalid("signature BIT STRING has unused bits".to_owned()))
    }

    /// Verifies this certificate's signature with `issuer_key` using the
    /// declared algorithm (names and CA flags are not checked here).
    pub fn verify_signed_by_key(&self, issuer_key: &PublicKey) -> Result<(), X509Error> {
        let alg = self.signature_algorithm()?;
        issuer_key.verify(alg, self.tbs_der(), self.signature_bytes()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_header_bounds() {
        assert_eq!(tlv_header(&[0x30, 0x03], 0), Some((2, 3)));
        assert_eq!(tlv_header(&[0x30, 0x82, 0x01, 0x00], 0), Some((4, 256)));
        assert_eq!(tlv_header(&[0x30, 0x82, 0x01], 0), None);
        assert_eq!(tlv_header(&[0x30, 0x80], 0), None);
        assert_eq!(tlv_header(&[0x30, 0x85, 1, 1, 1, 1, 1], 0), None);
        assert_eq!(tlv_header(&[0x1f, 0x01], 0), None);
        assert_eq!(tlv_header(&[], 0), None);
        assert!(first_inner_tlv(&[0x30, 0x04, 0x30, 0x05, 0, 0]).is_err());
        assert_eq!(
            first_inner_tlv(&[0x30, 0x04, 0x30, 0x02, 0, 0]).ok(),
            Some(2..6)
        );
        assert_eq!(serial_magnitude(&[0, 0, 5]), &[5]);
        assert_eq!(serial_magnitude(&[0]), &[0]);
    }
}
