//! `auditpack keygen` (SPEC §11): a fresh Ed25519 key for `SHA256SUMS.sig`, its
//! `allowed_signers` line, and a P-256 key with a self-signed certificate for
//! `report.pdf`. Private keys are written mode 0600 and existing key files are never
//! overwritten. The only randomness in auditpack is here (`OsRng`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use der::{Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use rand_core::{OsRng, RngCore};
use ssh_key::{Algorithm, PrivateKey};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

use super::sshsig::NAMESPACE;
use crate::error::Error;
use crate::time::Millis;

pub const SSH_KEY: &str = "auditpack_ed25519";
pub const SSH_PUBLIC_KEY: &str = "auditpack_ed25519.pub";
pub const ALLOWED_SIGNERS: &str = "allowed_signers";
pub const PDF_KEY: &str = "pdf-signing.key";
pub const PDF_CERTIFICATE: &str = "pdf-signing.crt";

/// How long the PDF certificate is valid from `now`: five years.
const CERTIFICATE_DAYS: u64 = 5 * 365 + 1;

/// What `keygen` wrote.
#[derive(Debug)]
pub struct KeygenOutcome {
    pub files: Vec<PathBuf>,
    pub ssh_fingerprint: String,
    pub certificate_fingerprint: String,
}

/// An identity is an `allowed_signers` principal and the certificate's CN, so it must
/// be one token without quotes, commas or wildcards.
fn check_identity(identity: &str) -> Result<(), Error> {
    let ok = !identity.is_empty()
        && identity.len() <= 64
        && identity
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@+-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--identity `{identity}`: expected 1 to 64 characters from A-Z a-z 0-9 . _ @ + -"
        )))
    }
}

/// Writes the five key files into `out` (created if needed). `now` starts the
/// certificate's validity.
pub fn keygen(out: &Path, identity: &str, now: Millis) -> Result<KeygenOutcome, Error> {
    check_identity(identity)?;
    let names = [
        SSH_KEY,
        SSH_PUBLIC_KEY,
        ALLOWED_SIGNERS,
        PDF_KEY,
        PDF_CERTIFICATE,
    ];
    for name in names {
        let path = out.join(name);
        if path.exists() || path.is_symlink() {
            return Err(Error::Usage(format!(
                "{}: already exists; refusing to overwrite a key file (choose another --out or move it away)",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.to_path_buf(),
        action: "create the key directory",
        source,
    })?;
    let sign_error = |what: &'static str| {
        move |e: &dyn std::fmt::Display| Error::Sign {
            what,
            message: e.to_string(),
        }
    };

    let mut ssh = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)
        .map_err(|e| sign_error("the SSH key")(&e))?;
    ssh.set_comment(identity);
    let ssh_private = ssh
        .to_openssh(ssh_key::LineEnding::LF)
        .map_err(|e| sign_error("the SSH key")(&e))?;
    let ssh_public = ssh
        .public_key()
        .to_openssh()
        .map_err(|e| sign_error("the SSH key")(&e))?;
    let allowed = format!("{identity} namespaces=\"{NAMESPACE}\" {ssh_public}\n");

    let pdf_key = SigningKey::random(&mut OsRng);
    let pdf_private = pdf_key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| sign_error("the PDF key")(&e))?;
    let certificate = self_signed_certificate(&pdf_key, identity, now)?;
    let certificate_der = certificate
        .to_der()
        .map_err(|e| sign_error("the certificate")(&e))?;
    let certificate_pem = certificate
        .to_pem(LineEnding::LF)
        .map_err(|e| sign_error("the certificate")(&e))?;

    let mut files = Vec::new();
    let mut write = |name: &str, text: &str, private: bool| -> Result<(), Error> {
        let path = out.join(name);
        write_new(&path, text.as_bytes(), private)?;
        files.push(path);
        Ok(())
    };
    write(SSH_KEY, &ssh_private, true)?;
    write(SSH_PUBLIC_KEY, &format!("{ssh_public}\n"), false)?;
    write(ALLOWED_SIGNERS, &allowed, false)?;
    write(PDF_KEY, &pdf_private, true)?;
    write(PDF_CERTIFICATE, &certificate_pem, false)?;
    Ok(KeygenOutcome {
        files,
        ssh_fingerprint: super::keys::ssh_fingerprint(ssh.public_key()),
        certificate_fingerprint: super::keys::certificate_fingerprint(
            &certificate_der,
            &certificate,
        ),
    })
}

/// Creates `path` (never replacing a file) with mode 0600 for private keys.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        action: "write a key file",
        source,
    };
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// A self-signed end-entity certificate: subject and issuer CN = identity, key usage
/// digitalSignature + nonRepudiation, valid five years from `now`.
fn self_signed_certificate(
    key: &SigningKey,
    identity: &str,
    now: Millis,
) -> Result<x509_cert::Certificate, Error> {
    let error = |e: &dyn std::fmt::Display| Error::Sign {
        what: "the certificate",
        message: e.to_string(),
    };
    let subject = Name::from_str(&format!("CN={identity}")).map_err(|e| error(&e))?;
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    // A positive serial number: the top bit clear, and never all zero.
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let serial = SerialNumber::new(&serial).map_err(|e| error(&e))?;
    let seconds = u64::try_from(now.div_euclid(1000)).unwrap_or(0);
    let not_before = Duration::from_secs(seconds);
    let not_after = Duration::from_secs(seconds + CERTIFICATE_DAYS * 86_400);
    let validity = Validity {
        not_before: x509_cert::time::Time::try_from(std::time::UNIX_EPOCH + not_before)
            .map_err(|e| error(&e))?,
        not_after: x509_cert::time::Time::try_from(std::time::UNIX_EPOCH + not_after)
            .map_err(|e| error(&e))?,
    };
    let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(|e| error(&e))?;
    let profile = Profile::Leaf {
        issuer: subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let builder = CertificateBuilder::new(profile, serial, validity, subject, spki, key)
        .map_err(|e| error(&e))?;
    builder.build::<DerSignature>().map_err(|e| error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_five_files_with_private_keys_0600_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outcome = keygen(dir.path(), "ops@example", 1_793_491_200_000).expect("keygen");
        assert_eq!(outcome.files.len(), 5);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for (name, mode) in [(SSH_KEY, 0o600), (PDF_KEY, 0o600), (SSH_PUBLIC_KEY, 0o644)] {
                let meta = std::fs::metadata(dir.path().join(name)).expect("meta");
                assert_eq!(meta.permissions().mode() & 0o777, mode, "{name}");
            }
        }
        let allowed = std::fs::read_to_string(dir.path().join(ALLOWED_SIGNERS)).expect("read");
        assert!(
            allowed.starts_with("ops@example namespaces=\"auditpack\" ssh-ed25519 AAAA"),
            "{allowed}"
        );
        assert!(outcome
            .certificate_fingerprint
            .starts_with("x509 CN=ops@example SHA-256:"));
        let keys = super::super::keys::SigningKeys::load(
            &crate::config::Signing {
                ssh_key: Some(dir.path().join(SSH_KEY)),
                pdf_key: Some(dir.path().join(PDF_KEY)),
                pdf_certificate: Some(dir.path().join(PDF_CERTIFICATE)),
            },
            Path::new("auditpack.toml"),
        )
        .expect("the keys keygen writes load");
        assert_eq!(keys.signers()[0], outcome.ssh_fingerprint);

        let error = keygen(dir.path(), "ops@example", 0).expect_err("must refuse");
        assert!(error.to_string().contains(SSH_KEY), "{error}");
    }

    #[test]
    fn refuses_identities_that_would_break_allowed_signers() {
        for identity in ["", "two words", "a,b", "x\"y", "*"] {
            assert!(check_identity(identity).is_err(), "{identity}");
        }
        assert!(check_identity("auditpack").is_ok());
    }
}
