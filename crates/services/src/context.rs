//! What every use case runs with: the database, the key that seals
//! sensitive text, the clock, the settings that shape links and lifetimes,
//! and the per-address attempt limits. Built once per process and shared
//! by the faces, the background sweeps and the command line.

use std::sync::Arc;
use std::time::Duration;

use alongside_db::Db;
use alongside_db::sealed::DataKey;
use chrono::{DateTime, Utc};

use crate::limiter::AttemptLimiter;

/// Settings the use cases need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The address people use to reach the service, for links in emails.
    pub public_url: String,
    /// How long a sign-in lasts.
    pub session_lifetime: Duration,
    /// How long a sign-in lasts unused.
    pub session_idle: Duration,
    /// How long an invitation link works.
    pub invitation_lifetime: Duration,
    /// Sign-in attempts allowed per client address per minute.
    pub sign_in_attempts_per_minute: u32,
    /// Self-referrals accepted per client address per minute.
    pub self_referrals_per_minute: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            session_lifetime: Duration::from_hours(8),
            session_idle: Duration::from_mins(30),
            invitation_lifetime: Duration::from_hours(7 * 24),
            sign_in_attempts_per_minute: 30,
            self_referrals_per_minute: 5,
        }
    }
}

impl Settings {
    /// The public address without a trailing slash, to put paths after.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// Where use cases read the time.
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed moment, for tests and replays.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current moment.
    #[must_use]
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        }
    }
}

/// The context of every use case; cheap to clone.
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    data_key: DataKey,
    clock: Clock,
    settings: Settings,
    sign_in_limiter: AttemptLimiter,
    self_referral_limiter: AttemptLimiter,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("clock", &self.inner.clock)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context over a migrated database, on the system clock.
    #[must_use]
    pub fn new(db: Db, data_key: DataKey, settings: Settings) -> Self {
        Self::with_clock(db, data_key, settings, Clock::System)
    }

    /// A context that reads the time from `clock`.
    #[must_use]
    pub fn with_clock(db: Db, data_key: DataKey, settings: Settings, clock: Clock) -> Self {
        let sign_in_limiter = AttemptLimiter::new(settings.sign_in_attempts_per_minute);
        let self_referral_limiter = AttemptLimiter::new(settings.self_referrals_per_minute);
        Self {
            inner: Arc::new(Inner {
                db,
                data_key,
                clock,
                settings,
                sign_in_limiter,
                self_referral_limiter,
            }),
        }
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The key that seals sensitive free text.
    #[must_use]
    pub fn data_key(&self) -> &DataKey {
        &self.inner.data_key
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The current moment, from the context's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub(crate) fn sign_in_limiter(&self) -> &AttemptLimiter {
        &self.inner.sign_in_limiter
    }

    pub(crate) fn self_referral_limiter(&self) -> &AttemptLimiter {
        &self.inner.self_referral_limiter
    }
}
