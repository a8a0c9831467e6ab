//! Signed packs end to end (SPEC §9, §11): `keygen`, a signed `report`, the stock tools
//! a stranger would use (`ssh-keygen -Y verify`, `sha256sum -c`, poppler's `pdfsig`,
//! pyHanko), and `auditpack verify` on the untouched pack and on tampered copies.
//!
//! The keys are made with `auditpack keygen` in a temporary directory; the config is
//! the demo's with absolute evidence paths and a `[signing]` table appended.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{auditpack, auditpack_in, demo_config, have, installed, Output, SOURCE_DATE_EPOCH};

/// Keys, a signed config and one signed pack, built once and shared (read-only) by
/// the tests of this binary; tests that change a pack work on a copy.
struct Fixture {
    keys: PathBuf,
    config: PathBuf,
    pack: PathBuf,
}

fn scratch() -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix("signing-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("tempdir");
    // Kept inside the target directory: the shared fixture lives as long as the process.
    dir.keep()
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root = scratch();
        let keys = root.join("keys");
        let output = keygen(&keys, "ops@example");
        assert_eq!(output.code, 0, "{}", output.stderr);
        let config = demo_config_in(&root, Some(&keys));
        let pack = root.join("pack");
        let output = common::report_month(&config, &pack);
        assert_eq!(output.code, 0, "{}", output.stderr);
        Fixture { keys, config, pack }
    })
}

fn keygen(out: &Path, identity: &str) -> Output {
    auditpack(
        &[
            "keygen",
            "--out",
            out.to_str().expect("utf-8"),
            "--identity",
            identity,
        ],
        &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)],
    )
}

/// The demo config with absolute paths, without its demo-only `[signing]`
/// table (the last thing in it), and with `[signing]` for `keys` when given.
fn demo_config_in(dir: &Path, keys: Option<&Path>) -> PathBuf {
    let demo = demo_config();
    let demo_dir = demo.parent().expect("demo dir");
    let text = std::fs::read_to_string(&demo).expect("demo config");
    let unsigned = match text
        .find("# DEMO-ONLY keys")
        .or_else(|| text.find("[signing]"))
    {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    // Every relative path of the demo config: inputs, attestations and waivers.
    let mut text = unsigned.to_string();
    for key in ["path", "attestations", "waivers"] {
        text = text.replace(
            &format!("{key} = \""),
            &format!("{key} = \"{}/", demo_dir.to_str().expect("utf-8")),
        );
    }
    if let Some(keys) = keys {
        let key = |name: &str| keys.join(name).to_str().expect("utf-8").to_string();
        text.push_str(&format!(
            "\n[signing]\nssh_key = \"{}\"\npdf_key = \"{}\"\npdf_certificate = \"{}\"\n",
            key("auditpack_ed25519"),
            key("pdf-signing.key"),
            key("pdf-signing.crt")
        ));
    }
    std::fs::create_dir_all(dir).expect("mkdir");
    let path = dir.join("auditpack.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

fn verify(pack: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify", pack.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    auditpack(&args, &[])
}

fn allowed_signers(keys: &Path) -> String {
    keys.join("allowed_signers")
        .to_str()
        .expect("utf-8")
        .to_string()
}

/// A writable copy of the shared pack.
fn copy_pack(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = dir.path().join("pack");
    copy_dir(from, &to);
    (dir, to)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("run tool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Re-signs a (changed) `SHA256SUMS` with `key` the way a person would, with ssh-keygen.
fn resign_manifest(pack: &Path, key: &Path) {
    let manifest = pack.join("SHA256SUMS");
    std::fs::remove_file(pack.join("SHA256SUMS.sig")).expect("remove sig");
    let (ok, text) = run(Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "auditpack", "-f"])
        .arg(key)
        .arg(&manifest));
    assert!(ok, "{text}");
}

/// Rewrites `SHA256SUMS` for the files as they are now.
fn regenerate_manifest(pack: &Path) {
    let manifest = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("manifest");
    let mut text = String::new();
    for line in manifest.lines() {
        let (_, path) = line.split_once("  ").expect("line");
        let (ok, out) = run(Command::new("sha256sum").arg(path).current_dir(pack));
        assert!(ok, "{out}");
        text.push_str(&out);
    }
    std::fs::write(pack.join("SHA256SUMS"), text).expect("write manifest");
}

fn assert_rejected(pack: &Path, extra: &[&str], expected: &str) {
    let output = verify(pack, extra);
    assert_eq!(output.code, 1, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains(expected),
        "expected `{expected}` in:\n{}",
        output.stdout
    );
}

#[test]
fn keygen_writes_the_five_files_with_private_keys_0600_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let output = keygen(&keys, "ops@example");
    assert_eq!(output.code, 0, "{}", output.stderr);
    for (name, mode) in [
        ("auditpack_ed25519", 0o600),
        ("auditpack_ed25519.pub", 0o644),
        ("allowed_signers", 0o644),
        ("pdf-signing.key", 0o600),
        ("pdf-signing.crt", 0o644),
    ] {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(keys.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(meta.permissions().mode() & 0o777, mode, "{name}");
    }
    let private = std::fs::read_to_string(keys.join("auditpack_ed25519")).expect("key");
    assert!(private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    let pdf_key = std::fs::read_to_string(keys.join("pdf-signing.key")).expect("key");
    assert!(pdf_key.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
    let allowed = std::fs::read_to_string(keys.join("allowed_signers")).expect("allowed");
    assert!(
        allowed.starts_with("ops@example namespaces=\"auditpack\" ssh-ed25519 AAAA"),
        "{allowed}"
    );
    assert_eq!(allowed.lines().count(), 1);
    if installed("openssl") {
        let (ok, text) = run(Command::new("openssl")
            .args(["x509", "-noout", "-subject", "-ext", "keyUsage", "-in"])
            .arg(keys.join("pdf-signing.crt")));
        assert!(ok, "{text}");
        assert!(
            text.contains("CN=ops@example") || text.contains("CN = ops@example"),
            "{text}"
        );
        assert!(
            text.contains("Digital Signature, Non Repudiation"),
            "{text}"
        );
    }

    let again = keygen(&keys, "ops@example");
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("auditpack_ed25519"),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains("refusing to overwrite"),
        "{}",
        again.stderr
    );
}

#[test]
fn the_signed_pack_checks_out_with_ssh_keygen_and_sha256sum() {
    let fixture = fixture();
    let pack = &fixture.pack;
    for name in ["SHA256SUMS", "SHA256SUMS.sig", "report.pdf"] {
        assert!(pack.join(name).is_file(), "missing {name}");
    }
    let (ok, text) = run(Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(fixture.keys.join("allowed_signers"))
        .args(["-I", "ops@example", "-n", "auditpack", "-s"])
        .arg(pack.join("SHA256SUMS.sig"))
        .stdin(std::fs::File::open(pack.join("SHA256SUMS")).expect("manifest")));
    assert!(ok, "ssh-keygen -Y verify: {text}");
    assert!(
        text.contains("Good \"auditpack\" signature for ops@example"),
        "{text}"
    );

    let (ok, text) = run(Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(pack));
    assert!(ok, "{text}");

    // The manifest covers every file but itself and its signature; no key is in the pack.
    let manifest = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("manifest");
    assert!(manifest.contains("  report.pdf\n"));
    assert!(!manifest.contains("SHA256SUMS"));
    for entry in walkdir(pack) {
        let bytes = std::fs::read(&entry).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("PRIVATE KEY"), "{}", entry.display());
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_pack_names_its_signers_in_summary_json_and_on_the_cover() {
    let fixture = fixture();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.pack.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["signed"], true);
    let signers: Vec<&str> = summary["signers"]
        .as_array()
        .expect("signers")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(signers.len(), 2, "{signers:?}");
    assert!(signers[0].starts_with("ssh-ed25519 SHA256:"), "{signers:?}");
    assert!(
        signers[1].starts_with("x509 CN=ops@example SHA-256:"),
        "{signers:?}"
    );
    let certificate = std::fs::read_to_string(fixture.keys.join("pdf-signing.crt")).expect("crt");
    let (ok, text) = run(Command::new("sh").arg("-c").arg(format!(
        "openssl x509 -outform DER <<'EOF' | sha256sum\n{certificate}EOF\n"
    )));
    if ok && installed("openssl") {
        let hash = text.split_whitespace().next().expect("hash");
        assert!(signers[1].ends_with(hash), "{signers:?} vs {hash}");
    }
    let public = std::fs::read_to_string(fixture.keys.join("auditpack_ed25519.pub")).expect("pub");
    let (ok, text) = run(Command::new("ssh-keygen")
        .arg("-lf")
        .arg(fixture.keys.join("auditpack_ed25519.pub")));
    assert!(ok, "{text} {public}");
    let fingerprint = text.split_whitespace().nth(1).expect("fingerprint");
    assert_eq!(signers[0], format!("ssh-ed25519 {fingerprint}"));

    if have("pdftotext") {
        let (ok, text) = run(Command::new("pdftotext")
            .arg(fixture.pack.join("report.pdf"))
            .arg("-"));
        assert!(ok, "{text}");
        assert!(text.contains(fingerprint), "the cover names the signer");
    }
}

#[test]
fn pdfsig_says_the_pdf_signature_is_valid() {
    if !have("pdfsig") {
        return;
    }
    let fixture = fixture();
    // pdfsig exits 0 even on a digest mismatch: read what it says.
    let (_, text) = run(Command::new("pdfsig").arg(fixture.pack.join("report.pdf")));
    assert!(text.contains("Signature is Valid."), "{text}");
    assert!(text.contains("ETSI.CAdES.detached"), "{text}");
    assert!(text.contains("Total document signed"), "{text}");

    let (_dir, pack) = copy_pack(&fixture.pack);
    let pdf = pack.join("report.pdf");
    let mut bytes = std::fs::read(&pdf).expect("pdf");
    bytes[7] = b'4'; // %PDF-1.3 -> %PDF-1.4, inside the signed range
    std::fs::write(&pdf, bytes).expect("write");
    let (_, text) = run(Command::new("pdfsig").arg(&pdf));
    assert!(!text.contains("Signature is Valid."), "{text}");
}

#[test]
fn pyhanko_validates_the_pdf_signature() {
    if !have("pyhanko") {
        return;
    }
    let fixture = fixture();
    let certificate = fixture.keys.join("pdf-signing.crt");
    let (ok, text) = run(Command::new("pyhanko")
        .args(["sign", "validate", "--trust-replace", "--trust"])
        .arg(&certificate)
        .arg(fixture.pack.join("report.pdf")));
    assert!(ok, "{text}");
    assert!(text.contains(":INTACT:TRUSTED,UNTOUCHED"), "{text}");

    let (ok, text) = run(Command::new("pyhanko")
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(&certificate)
        .arg(fixture.pack.join("report.pdf")));
    assert!(ok, "{text}");
    assert!(text.contains("The signature is judged VALID."), "{text}");
    assert!(
        text.contains("The signature covers the entire file."),
        "{text}"
    );
}

#[test]
fn verify_accepts_the_untouched_pack() {
    let fixture = fixture();
    let output = verify(&fixture.pack, &[]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains("signer not pinned"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("ok  report.pdf\n"),
        "{}",
        output.stdout
    );
    assert!(output
        .stdout
        .contains("ok  evidence/uptime.availability.csv\n"));
    assert!(output
        .stdout
        .contains("ok  report.pdf (signature): ECDSA P-256"));

    let allowed = allowed_signers(&fixture.keys);
    let certificate = fixture.keys.join("pdf-signing.crt");
    let output = verify(
        &fixture.pack,
        &[
            "--allowed-signers",
            &allowed,
            "--ca",
            certificate.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert!(
        output
            .stdout
            .contains("ok  SHA256SUMS.sig: signed by ops@example"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("certificate trusted by --ca"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("FAIL"), "{}", output.stdout);
}

#[test]
fn verify_rejects_a_flipped_byte_in_a_csv() {
    let (_dir, pack) = copy_pack(&fixture().pack);
    let path = pack.join("findings.csv");
    let mut bytes = std::fs::read(&path).expect("csv");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&path, bytes).expect("write");
    assert_rejected(&pack, &[], "FAIL findings.csv: SHA-256 differs");
}

#[test]
fn verify_rejects_a_byte_appended_to_the_pdf() {
    let (_dir, pack) = copy_pack(&fixture().pack);
    let path = pack.join("report.pdf");
    let mut bytes = std::fs::read(&path).expect("pdf");
    bytes.push(b'\n');
    std::fs::write(&path, bytes).expect("write");
    let output = verify(&pack, &[]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("FAIL report.pdf: SHA-256 differs"),
        "{}",
        output.stdout
    );
    // The PDF signature alone must notice too: its byte range no longer ends the file.
    assert!(
        output
            .stdout
            .contains("FAIL report.pdf (signature): /ByteRange"),
        "{}",
        output.stdout
    );
}

#[test]
fn verify_rejects_a_deleted_file() {
    let (_dir, pack) = copy_pack(&fixture().pack);
    std::fs::remove_file(pack.join("evidence/uptime.coverage.csv")).expect("remove");
    assert_rejected(&pack, &[], "FAIL evidence/uptime.coverage.csv: missing");
}

#[test]
fn verify_rejects_an_added_file_and_a_symlink() {
    let (_dir, pack) = copy_pack(&fixture().pack);
    std::fs::write(pack.join("evidence/extra.csv"), "a\n").expect("write");
    assert_rejected(
        &pack,
        &[],
        "FAIL evidence/extra.csv: not listed in SHA256SUMS",
    );

    let (_dir, pack) = copy_pack(&fixture().pack);
    let target = pack.join("findings.csv");
    let moved = pack.parent().expect("parent").join("findings.csv");
    std::fs::rename(&target, &moved).expect("move");
    std::os::unix::fs::symlink(&moved, &target).expect("symlink");
    // sha256sum would follow the link and accept it; verify must not.
    assert_rejected(&pack, &[], "FAIL findings.csv: a symlink");
}

#[test]
fn verify_rejects_a_manifest_signed_by_another_key() {
    let fixture = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("other-keys");
    assert_eq!(keygen(&other, "mallory").code, 0);
    let (_dir, pack) = copy_pack(&fixture.pack);
    resign_manifest(&pack, &other.join("auditpack_ed25519"));
    let allowed = allowed_signers(&fixture.keys);
    assert_rejected(
        &pack,
        &["--allowed-signers", &allowed],
        "which the allowed signers file does not list",
    );
    // Unpinned, the signature is sound: verify says whose it is and that it is not pinned.
    let output = verify(&pack, &[]);
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert!(output.stdout.contains("signer not pinned"));
}

#[test]
fn verify_rejects_a_pdf_changed_inside_its_signed_range_even_with_a_fresh_manifest() {
    let fixture = fixture();
    let (_dir, pack) = copy_pack(&fixture.pack);
    let pdf = pack.join("report.pdf");
    let mut bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-1.3"));
    bytes[7] = b'4';
    std::fs::write(&pdf, bytes).expect("write");
    regenerate_manifest(&pack);
    resign_manifest(&pack, &fixture.keys.join("auditpack_ed25519"));
    let allowed = allowed_signers(&fixture.keys);
    let output = verify(&pack, &["--allowed-signers", &allowed]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("ok  report.pdf\n"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("ok  SHA256SUMS.sig"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("FAIL report.pdf (signature): digest mismatch"),
        "{}",
        output.stdout
    );
}

#[test]
fn verify_with_another_ca_rejects_the_certificate() {
    let fixture = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("other-keys");
    assert_eq!(keygen(&other, "other-ca").code, 0);
    let ca = other.join("pdf-signing.crt");
    assert_rejected(
        &fixture.pack,
        &["--ca", ca.to_str().expect("utf-8")],
        "FAIL report.pdf (signature):",
    );
}

#[test]
fn verify_of_an_unsigned_pack_reports_the_missing_signature_but_checks_the_hashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack");
    let config = demo_config_in(&dir.path().join("config"), None);
    let output = common::report_month(&config, &pack);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("the pack is not signed: add [signing] (see `auditpack keygen`)"),
        "{}",
        output.stderr
    );
    let output = verify(&pack, &[]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("FAIL SHA256SUMS.sig: missing"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("ok  findings.csv\n"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("FAIL report.pdf (signature): not signed"),
        "{}",
        output.stdout
    );
}

#[test]
fn verify_of_a_directory_that_does_not_exist_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = verify(&dir.path().join("nowhere"), &[]);
    assert_eq!(output.code, 2, "{}", output.stdout);
    assert!(output.stderr.contains("nowhere"), "{}", output.stderr);
}

#[test]
fn two_signed_builds_are_identical_file_by_file() {
    let fixture = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let second = dir.path().join("pack");
    let output = common::report_month(&fixture.config, &second);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let mut first_files: Vec<PathBuf> = walkdir(&fixture.pack)
        .into_iter()
        .map(|p| p.strip_prefix(&fixture.pack).expect("prefix").to_path_buf())
        .collect();
    first_files.sort();
    let mut second_files: Vec<PathBuf> = walkdir(&second)
        .into_iter()
        .map(|p| p.strip_prefix(&second).expect("prefix").to_path_buf())
        .collect();
    second_files.sort();
    assert_eq!(first_files, second_files);
    for file in &first_files {
        let one = std::fs::read(fixture.pack.join(file)).expect("read");
        let two = std::fs::read(second.join(file)).expect("read");
        assert!(one == two, "{} differs between two builds", file.display());
    }
}

#[test]
fn a_missing_or_wrong_key_stops_the_report_naming_the_file() {
    let fixture = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    copy_dir(&fixture.keys, &keys);
    let config = demo_config_in(dir.path(), Some(&keys));

    std::fs::remove_file(keys.join("pdf-signing.key")).expect("remove");
    let output = auditpack_in(
        dir.path(),
        &[
            "report",
            "--config",
            "auditpack.toml",
            "--period",
            "2026-10",
        ],
        &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)],
    );
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("pdf-signing.key"),
        "{}",
        output.stderr
    );
    assert!(!dir.path().join("packs").exists(), "no pack without keys");

    // A certificate for another key is refused, naming the certificate.
    copy_dir(&fixture.keys, &keys);
    let other = dir.path().join("other");
    assert_eq!(keygen(&other, "other").code, 0);
    std::fs::copy(other.join("pdf-signing.crt"), keys.join("pdf-signing.crt")).expect("copy");
    let output = common::report_month(&config, &dir.path().join("pack"));
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("pdf-signing.crt"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("not for the key"),
        "{}",
        output.stderr
    );

    // `check` never needs keys.
    std::fs::remove_file(keys.join("auditpack_ed25519")).expect("remove");
    let output = auditpack(
        &[
            "check",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
        ],
        &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)],
    );
    assert_eq!(output.code, 1, "the demo fails checks: {}", output.stderr);
}
