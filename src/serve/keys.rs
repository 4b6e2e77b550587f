//! The server's host key, kept once made, and the readers' keys.

use std::io::{Read, Write};
use std::path::Path;

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{AuthorizedKeys, LineEnding};
use russh::keys::{HashAlg, PrivateKey, PublicKey};

/// The host key at `path`: read when the file is there (an unreadable one
/// is an error, never silently replaced: clients would see another
/// server), else made (Ed25519) and written, readable by its owner only.
/// Returns the key and whether it was made now.
pub fn host_key(path: &Path) -> Result<(PrivateKey, bool), String> {
    let shown = crate::text::sanitize::quote_path(path);
    match std::fs::read(path) {
        Ok(bytes) => {
            let key = PrivateKey::from_openssh(&bytes).map_err(|e| {
                format!("the host key {shown} cannot be read ({e}); move it away to make a new one")
            })?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut random| random.read_exact(&mut seed))
                .map_err(|e| format!("no randomness to make a host key: {e}"))?;
            let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
            let text = key
                .to_openssh(LineEnding::LF)
                .map_err(|e| format!("cannot write the host key: {e}"))?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot make the folder for the host key {shown}: {e}"))?;
            }
            let mut file = open_private(path)
                .map_err(|e| format!("cannot write the host key {shown}: {e}"))?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write the host key {shown}: {e}"))?;
            Ok((key, true))
        }
        Err(e) => Err(format!("cannot read the host key {shown}: {e}")),
    }
}

/// A new file only its owner can read (never an existing one).
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The keys an `authorized_keys` file lets in (its options are not
/// honoured: a listed key may read, nothing more is offered anyway).
pub fn authorized(path: &Path) -> Result<Vec<PublicKey>, String> {
    let shown = crate::text::sanitize::quote_path(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut keys = Vec::new();
    for entry in AuthorizedKeys::new(&text) {
        let entry = entry.map_err(|e| format!("{shown} has a line that is no key: {e}"))?;
        keys.push(entry.public_key().clone());
    }
    if keys.is_empty() {
        return Err(format!("{shown} lists no key: nobody could log in"));
    }
    Ok(keys)
}

/// A key's SHA-256 fingerprint, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_key_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("qari-host-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("keys/host_ed25519");
        let (made, new) = host_key(&path).expect("made");
        assert!(new);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        let (kept, new) = host_key(&path).expect("read");
        assert!(!new);
        assert_eq!(
            fingerprint(made.public_key()),
            fingerprint(kept.public_key())
        );
        // A damaged key is an error, not a new key.
        std::fs::write(&path, "not a key").unwrap();
        let error = host_key(&path).expect_err("damaged");
        assert!(error.contains("cannot be read"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn authorized_keys_are_read_and_bad_lines_named() {
        let dir = std::env::temp_dir().join(format!("qari-authorized-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (key, _) = host_key(&dir.join("k")).unwrap();
        let line = key.public_key().to_openssh().unwrap();
        let path = dir.join("authorized_keys");
        std::fs::write(&path, format!("# readers\n{line} someone@somewhere\n")).unwrap();
        let keys = authorized(&path).expect("read");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].key_data(), key.public_key().key_data());
        std::fs::write(&path, "# nobody\n").unwrap();
        assert!(authorized(&path).unwrap_err().contains("no key"));
        std::fs::write(&path, "ssh-ed25519 AAAA-broken\n").unwrap();
        assert!(authorized(&path).unwrap_err().contains("no key"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
