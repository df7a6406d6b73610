//! Sending the outbox over SMTP. Messages are queued by services in the
//! transaction of their change (`db::outbox::enqueue`); this sender claims
//! due ones, sends them and records the result, retrying failures later.

use std::time::Duration;

use alongside_db::outbox::{self, Claimed};
use alongside_db::sealed::DataKey;
use alongside_db::{Db, DbResult};
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Messages claimed per round.
const BATCH: i64 = 20;

/// An SMTP connection's settings, checked.
#[derive(Clone)]
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// A sender for `smtp_url` (`smtp://host:port` in the clear or with
    /// `?tls=required` for STARTTLS, `smtps://host:port` for TLS; user and
    /// password in the URL when the server needs them), writing from `from`.
    ///
    /// # Errors
    /// A message naming what is wrong with the URL or the address.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("the sender address {from:?} is not an email address: {e}"))?;
        Ok(Self { transport, from })
    }

    async fn send(&self, message: &Claimed) -> Result<(), String> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages sent.
    pub sent: usize,
    /// Messages that failed (retried later, or given up).
    pub failed: usize,
}

/// Sends every message due at `now`, batch by batch, until none is left.
///
/// # Errors
/// When the database fails; a failed send is recorded, not returned.
pub async fn deliver_due(
    db: &Db,
    key: &DataKey,
    sender: &Sender,
    now: DateTime<Utc>,
) -> DbResult<Round> {
    let mut round = Round::default();
    loop {
        let batch = outbox::claim(db, key, BATCH, now).await?;
        if batch.is_empty() {
            return Ok(round);
        }
        for message in &batch {
            match sender.send(message).await {
                Ok(()) => {
                    outbox::mark_sent(db, message.id, Utc::now()).await?;
                    round.sent += 1;
                }
                Err(error) => {
                    // The address is personal data: the log names the message only.
                    tracing::warn!(message = %message.id, %error, "email not sent; will retry");
                    outbox::mark_failed(db, message, &error, now).await?;
                    round.failed += 1;
                }
            }
        }
    }
}

/// Sends due messages every few seconds until `shutdown` completes.
pub async fn run(
    db: Db,
    key: DataKey,
    sender: Sender,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = tick.tick() => {
                if let Err(e) = deliver_due(&db, &key, &sender, Utc::now()).await {
                    tracing::warn!(error = %e, "cannot read the outbox");
                }
            }
        }
    }
}
