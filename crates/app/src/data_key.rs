//! The data key: read from its file, or made on first start.

use std::io::Write as _;
use std::path::Path;

use alongside_db::sealed::{self, DataKey};
use alongside_db::{Db, DbError, instance_keys};
use anyhow::{Context, bail};

/// Reads the key in `path`, or makes one there if the database has never
/// seen a key; then checks the database was written with this key.
pub async fn load(path: &Path, db: &Db) -> anyhow::Result<DataKey> {
    let key = match std::fs::read_to_string(path) {
        Ok(text) => DataKey::from_base64(&text)
            .with_context(|| format!("the data key file {} is not a data key", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if instance_keys::find(db, "data_key_fingerprint")
                .await?
                .is_some()
            {
                bail!(
                    "the data key file {} is missing, but this database was written with a data key: restore the file, or set ALONGSIDE_DATA_KEY_FILE to where it is",
                    path.display()
                );
            }
            let (key, text) = DataKey::generate();
            write_new(path, &text)?;
            key
        }
        Err(e) => bail!("cannot read the data key file {}: {e}", path.display()),
    };
    match sealed::check_key(db, &key).await {
        Ok(()) => Ok(key),
        Err(DbError::Conflict(_)) => bail!(
            "the data key in {} is not the one this database was written with",
            path.display()
        ),
        Err(e) => Err(e.into()),
    }
}

/// Writes a new key file that only its owner can read.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the data key file {}", path.display()))?;
    writeln!(file, "{text}")
        .with_context(|| format!("cannot write the data key file {}", path.display()))?;
    Ok(())
}
