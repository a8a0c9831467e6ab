//! Loading the signing keys named by `[signing]` (SPEC §3, §11): the OpenSSH Ed25519
//! key that signs `SHA256SUMS`, and the P-256 key and X.509 certificate that sign
//! `report.pdf`. Every error names the file it is about. Keys are only ever read here
//! and used by the signing code in this module's siblings; they never enter the pack.

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePublicKey};
use sha2::{Digest, Sha256};
use ssh_key::{Algorithm, HashAlg, PrivateKey};
use x509_cert::Certificate;

use crate::config::Signing;
use crate::digest::hex;
use crate::error::Error;

/// The key and certificate that sign `report.pdf`.
pub struct PdfSigner {
    pub key: SigningKey,
    pub certificate: Certificate,
    /// The certificate's DER encoding, as embedded in the CMS signature.
    pub certificate_der: Vec<u8>,
}

impl PdfSigner {
    /// `x509 CN=<subject CN> SHA-256:<hex of the certificate's DER>`.
    pub fn fingerprint(&self) -> String {
        certificate_fingerprint(&self.certificate_der, &self.certificate)
    }
}

/// Both signing keys of a `[signing]` table.
pub struct SigningKeys {
    pub ssh: PrivateKey,
    pub pdf: PdfSigner,
}

impl SigningKeys {
    /// Reads and checks the three files `[signing]` names.
    pub fn load(signing: &Signing, config_path: &Path) -> Result<SigningKeys, Error> {
        let required = |path: &Option<PathBuf>, key: &str, what: &str| {
            path.clone().ok_or_else(|| Error::Config {
                path: config_path.to_path_buf(),
                problems: vec![format!(
                    "[signing]: `{key}` is missing: expected the path of {what} (see `auditpack keygen`)"
                )],
            })
        };
        let ssh_path = required(
            &signing.ssh_key,
            "ssh_key",
            "an OpenSSH Ed25519 private key",
        )?;
        let key_path = required(
            &signing.pdf_key,
            "pdf_key",
            "a PKCS#8 PEM P-256 private key",
        )?;
        let certificate_path = required(
            &signing.pdf_certificate,
            "pdf_certificate",
            "a PEM X.509 certificate",
        )?;
        let ssh = load_ssh_key(&ssh_path)?;
        let pdf = load_pdf_signer(&key_path, &certificate_path)?;
        Ok(SigningKeys { ssh, pdf })
    }

    /// What the pack names as its signers (cover of the PDF, `summary.json`).
    pub fn signers(&self) -> Vec<String> {
        vec![
            ssh_fingerprint(self.ssh.public_key()),
            self.pdf.fingerprint(),
        ]
    }
}

/// `ssh-ed25519 SHA256:<base64>`, as `ssh-keygen -l` shows it.
pub fn ssh_fingerprint(key: &ssh_key::PublicKey) -> String {
    format!(
        "{} {}",
        key.algorithm().as_str(),
        key.fingerprint(HashAlg::Sha256)
    )
}

/// `x509 CN=<name> SHA-256:<hex of the DER>` (the name first: the long hash wraps on
/// the PDF cover).
pub fn certificate_fingerprint(der: &[u8], certificate: &Certificate) -> String {
    let mut text = "x509 ".to_string();
    if let Some(cn) = common_name(certificate) {
        text.push_str("CN=");
        text.push_str(&cn);
        text.push(' ');
    }
    text.push_str("SHA-256:");
    text.push_str(&hex(&Sha256::digest(der)));
    text
}

/// The subject's common name, if it has one.
pub fn common_name(certificate: &Certificate) -> Option<String> {
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .and_then(|atv| {
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_string())
                .or_else(|_| {
                    der::asn1::PrintableStringRef::try_from(&atv.value)
                        .map(|s| s.as_str().to_string())
                })
                .ok()
        })
}

fn read_text(path: &Path, what: &'static str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: what,
        source,
    })
}

fn key_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Key {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

pub fn load_ssh_key(path: &Path) -> Result<PrivateKey, Error> {
    let text = read_text(path, "read the SSH signing key ([signing].ssh_key)")?;
    let key = PrivateKey::from_openssh(text.trim()).map_err(|e| {
        key_error(
            path,
            format!("not an OpenSSH private key ({e}); expected an Ed25519 key as `auditpack keygen` writes"),
        )
    })?;
    if key.is_encrypted() {
        return Err(key_error(
            path,
            "the key is encrypted with a passphrase; auditpack needs an unencrypted key (protect it by file permissions)",
        ));
    }
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(key_error(
            path,
            format!(
                "expected an Ed25519 key, found {}",
                key.algorithm().as_str()
            ),
        ));
    }
    Ok(key)
}

pub fn load_certificate(path: &Path) -> Result<(Certificate, Vec<u8>), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: "read the certificate",
        source,
    })?;
    let certificate = if bytes.starts_with(b"-----BEGIN") {
        use der::DecodePem;
        Certificate::from_pem(&bytes)
    } else {
        Certificate::from_der(&bytes)
    }
    .map_err(|e| key_error(path, format!("not an X.509 certificate in PEM or DER: {e}")))?;
    let der = certificate
        .to_der()
        .map_err(|e| key_error(path, format!("cannot encode the certificate: {e}")))?;
    Ok((certificate, der))
}

/// The P-256 key in a certificate, if that is what it holds.
pub fn certificate_key(certificate: &Certificate) -> Result<VerifyingKey, String> {
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    use p256::pkcs8::DecodePublicKey;
    VerifyingKey::from_public_key_der(&spki)
        .map_err(|_| "the certificate's key is not an ECDSA P-256 key".to_string())
}

fn load_pdf_signer(key_path: &Path, certificate_path: &Path) -> Result<PdfSigner, Error> {
    let text = read_text(key_path, "read the PDF signing key ([signing].pdf_key)")?;
    let key = SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        key_error(
            key_path,
            format!("expected a PKCS#8 PEM ECDSA P-256 private key (BEGIN PRIVATE KEY): {e}"),
        )
    })?;
    let (certificate, certificate_der) = load_certificate(certificate_path)?;
    let certificate_key =
        certificate_key(&certificate).map_err(|message| key_error(certificate_path, message))?;
    let ours = key
        .verifying_key()
        .to_public_key_der()
        .map_err(|e| key_error(key_path, e.to_string()))?;
    let theirs = certificate_key
        .to_public_key_der()
        .map_err(|e| key_error(certificate_path, e.to_string()))?;
    if ours.as_bytes() != theirs.as_bytes() {
        return Err(key_error(
            certificate_path,
            format!(
                "the certificate is not for the key in {}",
                key_path.display()
            ),
        ));
    }
    Ok(PdfSigner {
        key,
        certificate,
        certificate_der,
    })
}
