//! Settings, each declared once, resolved in the order: command-line flag,
//! then environment (`ALONGSIDE_*`, `DATABASE_URL`), then the config file,
//! then the default.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;

/// The default database: a SQLite file in `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/alongside.db";

/// Where the data key is kept unless configured: beside the default database.
pub const DEFAULT_DATA_KEY_FILE: &str = "data/alongside.key";

/// Flags shared by every command; each also reads its environment variable.
#[derive(Debug, Clone, Default, Args)]
pub struct SettingsArgs {
    /// Config file (TOML). Default: ./alongside.toml if it exists.
    #[arg(long, env = "ALONGSIDE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/NAME.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address and port to listen on.
    #[arg(long, env = "ALONGSIDE_BIND", global = true)]
    pub bind: Option<SocketAddr>,
    /// The address people use to reach the service (for links and Secure cookies).
    #[arg(long, env = "ALONGSIDE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Key that signs form tokens; every process of a deployment needs the same. Default: generated once and kept in the database.
    #[arg(
        long,
        env = "ALONGSIDE_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// File holding the key that encrypts sensitive notes at rest (created on first start). Keep it out of database backups.
    #[arg(long, env = "ALONGSIDE_DATA_KEY_FILE", global = true)]
    pub data_key_file: Option<PathBuf>,
    /// SMTP server for email: smtp://HOST:PORT (add ?tls=required for STARTTLS), smtps://HOST:PORT, with USER:PASSWORD@ if needed. Default: none; email waits in the outbox.
    #[arg(
        long,
        env = "ALONGSIDE_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// The address email is sent from.
    #[arg(long, env = "ALONGSIDE_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Load demo data into an empty database at start-up (true or false).
    #[arg(long, env = "ALONGSIDE_DEMO", global = true)]
    pub demo: Option<bool>,
    /// Hours a sign-in lasts.
    #[arg(long, env = "ALONGSIDE_SESSION_HOURS", global = true)]
    pub session_hours: Option<u32>,
    /// Sign-in attempts allowed per client address per minute.
    #[arg(long, env = "ALONGSIDE_SIGN_IN_ATTEMPTS_PER_MINUTE", global = true)]
    pub sign_in_attempts_per_minute: Option<u32>,
    /// Largest request body accepted, in KiB.
    #[arg(long, env = "ALONGSIDE_MAX_BODY_KIB", global = true)]
    pub max_body_kib: Option<u32>,
    /// Log filter, e.g. info or alongside_web=debug.
    #[arg(long, env = "ALONGSIDE_LOG", global = true)]
    pub log: Option<String>,
}

/// The config file's contents; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    database_url: Option<String>,
    bind: Option<SocketAddr>,
    public_url: Option<String>,
    secret_key: Option<String>,
    data_key_file: Option<PathBuf>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    demo: Option<bool>,
    session_hours: Option<u32>,
    sign_in_attempts_per_minute: Option<u32>,
    max_body_kib: Option<u32>,
    log: Option<String>,
}

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_url: String,
    pub secret_key: Option<Secret>,
    pub data_key_file: PathBuf,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub demo: bool,
    pub session_hours: u32,
    pub sign_in_attempts_per_minute: u32,
    pub max_body_kib: u32,
    pub log: String,
}

impl Settings {
    /// Reads the config file (if any) and resolves every setting.
    pub fn load(args: &SettingsArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None if Path::new("alongside.toml").exists() => read_file(Path::new("alongside.toml"))?,
            None => FileSettings::default(),
        };
        Self::resolve(args.clone(), file)
    }

    /// Flag or environment, else file, else default; then checks the values.
    pub fn resolve(args: SettingsArgs, file: FileSettings) -> anyhow::Result<Self> {
        let bind = args
            .bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let settings = Settings {
            database_url: args
                .database_url
                .or(file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind,
            public_url: args
                .public_url
                .or(file.public_url)
                .unwrap_or_else(|| format!("http://{bind}")),
            secret_key: args.secret_key.or(file.secret_key).map(Secret),
            data_key_file: args
                .data_key_file
                .or(file.data_key_file)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_KEY_FILE)),
            smtp_url: args.smtp_url.or(file.smtp_url).map(Secret),
            mail_from: args
                .mail_from
                .or(file.mail_from)
                .unwrap_or_else(|| "Alongside <alongside@localhost>".to_owned()),
            demo: args.demo.or(file.demo).unwrap_or(true),
            session_hours: args.session_hours.or(file.session_hours).unwrap_or(8),
            sign_in_attempts_per_minute: args
                .sign_in_attempts_per_minute
                .or(file.sign_in_attempts_per_minute)
                .unwrap_or(30),
            max_body_kib: args.max_body_kib.or(file.max_body_kib).unwrap_or(64),
            log: args.log.or(file.log).unwrap_or_else(|| "info".to_owned()),
        };
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if !(1..=720).contains(&self.session_hours) {
            bail!(
                "ALONGSIDE_SESSION_HOURS must be between 1 and 720 (got {})",
                self.session_hours
            );
        }
        if !(1..=10_000).contains(&self.sign_in_attempts_per_minute) {
            bail!(
                "ALONGSIDE_SIGN_IN_ATTEMPTS_PER_MINUTE must be between 1 and 10000 (got {})",
                self.sign_in_attempts_per_minute
            );
        }
        if !(1..=102_400).contains(&self.max_body_kib) {
            bail!(
                "ALONGSIDE_MAX_BODY_KIB must be between 1 and 102400 (got {})",
                self.max_body_kib
            );
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            bail!(
                "ALONGSIDE_PUBLIC_URL must start with http:// or https:// (got {})",
                self.public_url
            );
        }
        if self
            .secret_key
            .as_ref()
            .is_some_and(|key| key.expose().len() < 32)
        {
            bail!("ALONGSIDE_SECRET_KEY must be at least 32 characters");
        }
        alongside_db::Engine::from_url(&self.database_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// The effective settings as TOML, the secret hidden and the database password redacted.
    pub fn to_toml(&self) -> String {
        format!(
            "database_url = {:?}\nbind = \"{}\"\npublic_url = {:?}\nsecret_key = {:?}\ndata_key_file = {:?}\nsmtp_url = {:?}\nmail_from = {:?}\ndemo = {}\nsession_hours = {}\nsign_in_attempts_per_minute = {}\nmax_body_kib = {}\nlog = {:?}\n",
            redact_password(&self.database_url),
            self.bind,
            self.public_url,
            if self.secret_key.is_some() {
                "***"
            } else {
                "(generated, kept in the database)"
            },
            self.data_key_file.display().to_string(),
            if self.smtp_url.is_some() {
                "***"
            } else {
                "(none: email waits in the outbox)"
            },
            self.mail_from,
            self.demo,
            self.session_hours,
            self.sign_in_attempts_per_minute,
            self.max_body_kib,
            self.log,
        )
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

/// The URL with any password replaced by `***`.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A commented example config file.
pub const EXAMPLE: &str = r#"# alongside.toml: every key is optional. Flags and environment variables win
# over this file; this file wins over the defaults shown.

# sqlite://PATH (embedded) or postgres://USER:PASSWORD@HOST:PORT/DATABASE.
# Environment: DATABASE_URL.
database_url = "sqlite://data/alongside.db"

# Address and port to listen on. Environment: ALONGSIDE_BIND.
bind = "127.0.0.1:8080"

# The address people use; https:// makes cookies Secure. Environment: ALONGSIDE_PUBLIC_URL.
# public_url = "https://peer-support.example.org"

# At least 32 characters; the same for every process of a deployment.
# Default: generated once and kept in the database. Environment: ALONGSIDE_SECRET_KEY.
# secret_key = ""

# The key that encrypts sensitive notes at rest, in a file of its own, created on
# first start. Back it up apart from the database: without it those notes cannot be
# read. Environment: ALONGSIDE_DATA_KEY_FILE.
data_key_file = "data/alongside.key"

# The SMTP server email goes through: smtp://HOST:PORT (?tls=required for
# STARTTLS) or smtps://HOST:PORT, with USER:PASSWORD@ when it needs them.
# Without it, email waits in the outbox. Environment: ALONGSIDE_SMTP_URL.
# smtp_url = "smtps://alongside:secret@smtp.example.org:465"

# The address email comes from. Environment: ALONGSIDE_MAIL_FROM.
# mail_from = "Peer Support North <peer-support@example.org>"

# Load demo data into an empty database at start-up. Environment: ALONGSIDE_DEMO.
demo = true

# Hours a sign-in lasts (1 to 720). Environment: ALONGSIDE_SESSION_HOURS.
session_hours = 8

# Sign-in attempts per client address per minute. Environment: ALONGSIDE_SIGN_IN_ATTEMPTS_PER_MINUTE.
sign_in_attempts_per_minute = 30

# Largest request body, in KiB. Environment: ALONGSIDE_MAX_BODY_KIB.
max_body_kib = 64

# Log filter. Environment: ALONGSIDE_LOG.
log = "info"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let args = SettingsArgs {
            bind: Some("127.0.0.1:9000".parse().unwrap()),
            ..SettingsArgs::default()
        };
        let file: FileSettings =
            toml::from_str("bind = \"127.0.0.1:7000\"\nsession_hours = 2\n").unwrap();
        let settings = Settings::resolve(args, file).unwrap();
        assert_eq!(settings.bind.port(), 9000);
        assert_eq!(settings.session_hours, 2);
        assert_eq!(settings.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(settings.public_url, "http://127.0.0.1:9000");
    }

    #[test]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let file: FileSettings = toml::from_str(EXAMPLE).unwrap();
        let from_example = Settings::resolve(SettingsArgs::default(), file).unwrap();
        let defaults = Settings::resolve(SettingsArgs::default(), FileSettings::default()).unwrap();
        assert_eq!(from_example, defaults);
    }

    #[test]
    fn out_of_range_values_name_the_variable() {
        let args = SettingsArgs {
            session_hours: Some(0),
            ..SettingsArgs::default()
        };
        let err = Settings::resolve(args, FileSettings::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("ALONGSIDE_SESSION_HOURS"), "{err}");
        let args = SettingsArgs {
            database_url: Some("mysql://x".into()),
            ..SettingsArgs::default()
        };
        assert!(
            Settings::resolve(args, FileSettings::default())
                .unwrap_err()
                .to_string()
                .contains("postgres://")
        );
        assert!(
            toml::from_str::<FileSettings>("colour = 1").is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn secrets_never_print() {
        let args = SettingsArgs {
            secret_key: Some("k".repeat(40)),
            database_url: Some("postgres://me:hunter2@db.example/alongside".into()),
            ..SettingsArgs::default()
        };
        let settings = Settings::resolve(args, FileSettings::default()).unwrap();
        assert!(!format!("{settings:?}").contains(&"k".repeat(40)));
        let toml = settings.to_toml();
        assert!(
            !toml.contains("hunter2") && !toml.contains(&"k".repeat(40)),
            "{toml}"
        );
    }
}
