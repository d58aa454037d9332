//! The server's secret key: from `FOXGATE_SECRET_KEY` (base64, 32 bytes) or generated once
//! into `<data-dir>/secret.key` with mode 0600. Only its origin is ever logged.

use base64::Engine;
use foxgate_core::secret::Secret;
use rand::RngCore;
use std::io::Write;
use std::path::Path;

pub type SecretKey = Secret<[u8; 32]>;

fn decode(text: &str, source: &str) -> Result<SecretKey, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| format!("{source} is not valid base64"))?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format!("{source} must decode to exactly 32 bytes"))?;
    Ok(Secret::new(key))
}

pub fn load(data_dir: &Path) -> Result<SecretKey, String> {
    if let Ok(text) = std::env::var("FOXGATE_SECRET_KEY") {
        tracing::info!("secret key loaded from FOXGATE_SECRET_KEY");
        return decode(&text, "FOXGATE_SECRET_KEY");
    }
    let path = data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            tracing::info!(path = %path.display(), "secret key loaded");
            decode(&text, &path.display().to_string())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(
                &path,
                &base64::engine::general_purpose::STANDARD.encode(key),
            )
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "secret key generated (mode 0600); back it up with the database");
            Ok(Secret::new(key))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_with_private_mode_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load(dir.path()).unwrap();
        let second = load(dir.path()).unwrap();
        assert_eq!(first.expose(), second.expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{first:?}"), "<redacted>");
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(decode("AAAA", "test").is_err());
        assert!(decode("not base64!", "test").is_err());
    }
}
