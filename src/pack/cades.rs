//! The CMS inside the PDF signature (`ETSI.CAdES.detached`): a detached SignedData
//! whose one signer is the `[signing]` certificate, with the signed attributes
//! content-type (id-data), message-digest (SHA-256 of the PDF's byte ranges) and
//! ESS signingCertificateV2 (RFC 5035, required by CAdES), signed with ECDSA P-256 /
//! SHA-256 per RFC 6979 (deterministic). There is deliberately no signing-time
//! attribute: the PDF's `/M` carries the time, and the bytes stay reproducible.
//!
//! The SignedData is assembled from the `cms` crate's types rather than its builder:
//! the builder feature pulls in the `rsa` crate (RUSTSEC-2023-0071), which auditpack
//! does not otherwise need.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::db::{rfc5911, rfc5912};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Reader, Sequence};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use super::keys::{certificate_key, PdfSigner};

/// ESSCertIDv2 (RFC 5035). `hashAlgorithm` is left out: its DEFAULT is SHA-256, and
/// DER omits a field that has its default value.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: rfc5912::ID_SHA_256,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> der::Result<Attribute> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

fn signing_certificate_v2(signer: &PdfSigner) -> der::Result<Attribute> {
    let tbs = &signer.certificate.tbs_certificate;
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&signer.certificate_der).to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer.clone())],
                serial_number: tbs.serial_number.clone(),
            }),
        }],
    };
    attribute(
        rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        Any::encode_from(&value)?,
    )
}

/// The DER of a ContentInfo holding the detached SignedData for `digest`
/// (SHA-256 of the signed content).
pub fn sign(signer: &PdfSigner, digest: &[u8]) -> der::Result<Vec<u8>> {
    let tbs = &signer.certificate.tbs_certificate;
    let mut signed_attributes = SetOfVec::new();
    signed_attributes.insert(attribute(
        rfc5911::ID_CONTENT_TYPE,
        Any::encode_from(&rfc5911::ID_DATA)?,
    )?)?;
    signed_attributes.insert(attribute(
        rfc5911::ID_MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(digest.to_vec())?)?,
    )?)?;
    signed_attributes.insert(signing_certificate_v2(signer)?)?;
    // What is signed is the DER of the attributes as a SET OF (RFC 5652 §5.4).
    let signature: DerSignature = signer.key.sign(&signed_attributes.to_der()?);
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(signed_attributes),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: rfc5912::ECDSA_WITH_SHA_256,
            parameters: None,
        },
        signature: OctetString::new(signature.as_bytes().to_vec())?,
        unsigned_attrs: None,
    };
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(sha256_algorithm())?;
    let mut certificates = SetOfVec::new();
    certificates.insert(CertificateChoices::Certificate(signer.certificate.clone()))?;
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    }
    .to_der()
}

/// What a verified CMS signature says about its signer.
#[derive(Debug)]
pub struct Verified {
    pub certificate: Certificate,
    pub certificate_der: Vec<u8>,
}

/// Checks a CMS signature (`contents`: the DER, possibly followed by zero padding)
/// over content whose SHA-256 is `digest`.
pub fn verify(contents: &[u8], digest: &[u8]) -> Result<Verified, String> {
    let mut reader = der::SliceReader::new(contents).map_err(|e| e.to_string())?;
    let content_info =
        ContentInfo::decode(&mut reader).map_err(|e| format!("not a CMS ContentInfo: {e}"))?;
    let used = u32::from(reader.position()) as usize;
    if contents[used..].iter().any(|b| *b != 0) {
        return Err("data after the CMS signature".to_string());
    }
    if content_info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(format!(
            "CMS content type {} is not signed-data",
            content_info.content_type
        ));
    }
    let signed_data: SignedData = content_info
        .content
        .decode_as()
        .map_err(|e| format!("not a CMS SignedData: {e}"))?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err("the CMS signature is not detached".to_string());
    }
    let [signer_info] = signed_data.signer_infos.0.as_slice() else {
        return Err(format!(
            "expected one signer, found {}",
            signed_data.signer_infos.0.len()
        ));
    };
    if signer_info.digest_alg.oid != rfc5912::ID_SHA_256 {
        return Err(format!(
            "digest algorithm {} is not SHA-256",
            signer_info.digest_alg.oid
        ));
    }
    if signer_info.signature_algorithm.oid != rfc5912::ECDSA_WITH_SHA_256
        && signer_info.signature_algorithm.oid != rfc5912::ID_EC_PUBLIC_KEY
    {
        return Err(format!(
            "signature algorithm {} is not ECDSA with SHA-256",
            signer_info.signature_algorithm.oid
        ));
    }
    let attributes = signer_info
        .signed_attrs
        .as_ref()
        .ok_or("the CMS signature has no signed attributes")?;
    let single = |oid: ObjectIdentifier, name: &str| -> Result<&Any, String> {
        let found: Vec<&Attribute> = attributes.iter().filter(|a| a.oid == oid).collect();
        match found.as_slice() {
            [one] if one.values.len() == 1 => one
                .values
                .get(0)
                .ok_or_else(|| format!("empty {name} attribute")),
            [] => Err(format!("no {name} attribute")),
            _ => Err(format!("more than one {name} attribute")),
        }
    };
    let content_type: ObjectIdentifier = single(rfc5911::ID_CONTENT_TYPE, "content-type")?
        .decode_as()
        .map_err(|e| format!("content-type attribute: {e}"))?;
    if content_type != rfc5911::ID_DATA {
        return Err(format!(
            "content-type attribute {content_type} is not id-data"
        ));
    }
    let message_digest: OctetString = single(rfc5911::ID_MESSAGE_DIGEST, "message-digest")?
        .decode_as()
        .map_err(|e| format!("message-digest attribute: {e}"))?;
    if message_digest.as_bytes() != digest {
        return Err("digest mismatch: the signed bytes changed after signing".to_string());
    }

    let certificates = signed_data
        .certificates
        .as_ref()
        .ok_or("the CMS signature carries no certificate")?;
    let certificate = certificates
        .0
        .iter()
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(c) => Some(c),
            CertificateChoices::Other(_) => None,
        })
        .find(|c| match &signer_info.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                c.tbs_certificate.issuer == id.issuer
                    && c.tbs_certificate.serial_number == id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(_) => false,
        })
        .ok_or("the signer's certificate is not in the CMS signature")?
        .clone();
    let certificate_der = certificate.to_der().map_err(|e| e.to_string())?;

    let ess: SigningCertificateV2 = single(
        rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        "signingCertificateV2",
    )?
    .decode_as()
    .map_err(|e| format!("signingCertificateV2 attribute: {e}"))?;
    let certificate_hash = Sha256::digest(&certificate_der);
    if ess.certs.first().map(|c| c.cert_hash.as_bytes()) != Some(certificate_hash.as_slice()) {
        return Err("signingCertificateV2 does not name the signer's certificate".to_string());
    }

    let key = certificate_key(&certificate)?;
    let signature = DerSignature::from_bytes(signer_info.signature.as_bytes())
        .map_err(|_| "the ECDSA signature is not DER".to_string())?;
    let signed = attributes.to_der().map_err(|e| e.to_string())?;
    key.verify(&signed, &signature).map_err(|_| {
        "the ECDSA signature does not verify with the certificate's key".to_string()
    })?;
    Ok(Verified {
        certificate,
        certificate_der,
    })
}

/// `Ok` when `certificate` is `ca` itself or was signed by it (ECDSA P-256 / SHA-256).
pub fn check_issued_by(certificate: &Certificate, ca: &Certificate) -> Result<(), String> {
    if certificate == ca {
        return Ok(());
    }
    if certificate.tbs_certificate.issuer != ca.tbs_certificate.subject {
        return Err(format!(
            "the certificate is issued by {}, not by the CA {}",
            certificate.tbs_certificate.issuer, ca.tbs_certificate.subject
        ));
    }
    if certificate.signature_algorithm.oid != rfc5912::ECDSA_WITH_SHA_256 {
        return Err(format!(
            "the certificate's signature algorithm {} is not supported (ECDSA with SHA-256 only)",
            certificate.signature_algorithm.oid
        ));
    }
    let ca_key: VerifyingKey =
        certificate_key(ca).map_err(|e| format!("the CA certificate: {e}"))?;
    let tbs = certificate
        .tbs_certificate
        .to_der()
        .map_err(|e| e.to_string())?;
    let signature = certificate
        .signature
        .as_bytes()
        .ok_or("the certificate's signature is not whole bytes")?;
    let signature = DerSignature::from_bytes(signature)
        .map_err(|_| "the certificate's signature is not DER ECDSA".to_string())?;
    ca_key
        .verify(&tbs, &signature)
        .map_err(|_| "the certificate is not signed by the CA".to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::str::FromStr;
    use std::time::{Duration, UNIX_EPOCH};

    use p256::ecdsa::SigningKey;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::{Time, Validity};

    use super::*;

    fn certificate(
        key: &SigningKey,
        subject: &str,
        issuer: Option<(&SigningKey, &str)>,
    ) -> Certificate {
        let validity = Validity {
            not_before: Time::try_from(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
                .expect("time"),
            not_after: Time::try_from(UNIX_EPOCH + Duration::from_secs(1_900_000_000))
                .expect("time"),
        };
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).expect("spki");
        let subject = Name::from_str(subject).expect("name");
        let (signer, profile) = match issuer {
            None => (key, Profile::Root),
            Some((issuer_key, issuer_name)) => (
                issuer_key,
                Profile::Leaf {
                    issuer: Name::from_str(issuer_name).expect("name"),
                    enable_key_agreement: false,
                    enable_key_encipherment: false,
                },
            ),
        };
        CertificateBuilder::new(
            profile,
            SerialNumber::from(7u32),
            validity,
            subject,
            spki,
            signer,
        )
        .expect("builder")
        .build::<DerSignature>()
        .expect("certificate")
    }

    /// A P-256 signer with a self-signed certificate, from a fixed seed.
    pub(crate) fn test_signer(seed: u8) -> PdfSigner {
        let key = SigningKey::from_slice(&[seed; 32]).expect("key");
        let certificate = certificate(&key, "CN=test", None);
        let certificate_der = certificate.to_der().expect("der");
        PdfSigner {
            key,
            certificate,
            certificate_der,
        }
    }

    #[test]
    fn signs_deterministically_and_verifies_the_digest() {
        let signer = test_signer(1);
        let digest = Sha256::digest(b"content");
        let one = sign(&signer, &digest).expect("sign");
        assert_eq!(one, sign(&signer, &digest).expect("sign"), "RFC 6979");
        let mut padded = one.clone();
        padded.extend_from_slice(&[0; 100]);
        let verified = verify(&padded, &digest).expect("verify");
        assert_eq!(verified.certificate_der, signer.certificate_der);
        let other = Sha256::digest(b"contenT");
        let error = verify(&one, &other).expect_err("other content");
        assert!(error.contains("digest mismatch"), "{error}");
        // A signature from another key with this certificate does not verify.
        let mut forged = test_signer(2);
        forged.certificate = signer.certificate.clone();
        forged.certificate_der = signer.certificate_der.clone();
        let error = verify(&sign(&forged, &digest).expect("sign"), &digest).expect_err("forged");
        assert!(error.contains("does not verify"), "{error}");
    }

    #[test]
    fn a_certificate_is_trusted_when_it_is_the_ca_or_the_ca_signed_it() {
        let ca_key = SigningKey::from_slice(&[3; 32]).expect("key");
        let ca = certificate(&ca_key, "CN=Example CA", None);
        let leaf_key = SigningKey::from_slice(&[4; 32]).expect("key");
        let leaf = certificate(&leaf_key, "CN=auditpack", Some((&ca_key, "CN=Example CA")));
        assert_eq!(check_issued_by(&leaf, &ca), Ok(()));
        assert_eq!(check_issued_by(&ca, &ca), Ok(()));
        let other_key = SigningKey::from_slice(&[5; 32]).expect("key");
        let impostor = certificate(&other_key, "CN=Example CA", None);
        assert!(check_issued_by(&leaf, &impostor).is_err());
        let stranger = certificate(&other_key, "CN=Stranger", None);
        assert!(check_issued_by(&leaf, &stranger).is_err());
    }
}
