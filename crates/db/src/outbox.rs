//! The email outbox: messages are written in the transaction of the change
//! that causes them, and sent later by a sender that claims them, so an email
//! is never sent for a change that rolled back, and a failed send is retried.

use alongside_domain::OrganisationId;
use chrono::{DateTime, Duration, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::sealed::DataKey;
use crate::{Db, DbError, DbResult, Engine, Tx, UuidText};

/// Sends after this many failures are given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a claim lasts: a sender that dies mid-send frees its messages
/// after this.
pub const CLAIM_FOR: Duration = Duration::minutes(5);

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email<'a> {
    /// The organisation it is sent for, if any.
    pub organisation: Option<OrganisationId>,
    /// The recipient.
    pub to: &'a str,
    /// The subject line.
    pub subject: &'a str,
    /// The plain-text body.
    pub body: &'a str,
}

/// A message a sender has claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// Its id.
    pub id: Uuid,
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The body, opened.
    pub body: String,
    /// Failed sends so far.
    pub attempts: i64,
}

/// Puts a message in the outbox, inside the caller's transaction.
#[instrument(skip_all)]
pub async fn enqueue(
    tx: &mut Tx,
    key: &DataKey,
    email: &Email<'_>,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    schedule(tx, key, email, now, now).await
}

/// Writes a message to be sent no sooner than `send_at` (a reminder), in
/// the caller's transaction; its id, to cancel it if it is no longer
/// needed.
#[instrument(skip_all)]
pub async fn schedule(
    tx: &mut Tx,
    key: &DataKey,
    email: &Email<'_>,
    now: DateTime<Utc>,
    send_at: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    tx.execute(
        "INSERT INTO outbox (id, organisation_id, to_address, subject, body, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, '', $7)",
        (
            UuidText(id),
            email.organisation,
            email.to,
            email.subject,
            key.seal(email.body),
            send_at,
            now,
        ),
    )
    .await?;
    Ok(id)
}

/// Takes back a message not yet sent (a reminder no longer needed); false
/// when it was sent or is being sent already.
#[instrument(skip_all)]
pub async fn cancel(tx: &mut Tx, id: Uuid) -> DbResult<bool> {
    let done = tx
        .execute(
            "DELETE FROM outbox WHERE id = $1 AND status = 'pending' AND attempts = 0",
            (UuidText(id),),
        )
        .await?;
    Ok(done == 1)
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: UuidText,
    to_address: String,
    subject: String,
    body: String,
    attempts: i64,
}

/// Claims up to `limit` due messages for this sender. On PostgreSQL, rows
/// another sender is claiming are skipped (`FOR UPDATE SKIP LOCKED`); SQLite
/// has one writer at a time, so its single UPDATE is already exclusive.
#[instrument(skip_all)]
pub async fn claim(
    db: &Db,
    key: &DataKey,
    limit: i64,
    now: DateTime<Utc>,
) -> DbResult<Vec<Claimed>> {
    let until = now + CLAIM_FOR;
    // Rows another sender has locked are skipped where the engine can.
    let skip_locked = match db.engine() {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET status = 'sending', next_attempt_at = $1
         WHERE id IN (
            SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= $2
            ORDER BY next_attempt_at, id LIMIT $3{skip_locked})
         RETURNING id, to_address, subject, body, attempts"
    );
    let rows: Vec<ClaimedRow> = db.fetch_all(&sql, (until, now, limit)).await?;
    rows.into_iter()
        .map(|row| {
            Ok(Claimed {
                id: row.id.into(),
                to: row.to_address,
                subject: row.subject,
                body: key.open(&row.body)?,
                attempts: row.attempts,
            })
        })
        .collect()
}

/// Marks a message sent and empties its body.
#[instrument(skip_all)]
pub async fn mark_sent(db: &Db, id: Uuid, now: DateTime<Utc>) -> DbResult<()> {
    db.execute(
        "UPDATE outbox SET status = 'sent', body = '', sent_at = $1, last_error = '' WHERE id = $2",
        (now, UuidText(id)),
    )
    .await?;
    Ok(())
}

/// Records a failed send: retried later, waiting twice as long each time,
/// or given up after [`MAX_ATTEMPTS`].
#[instrument(skip_all)]
pub async fn mark_failed(
    db: &Db,
    message: &Claimed,
    error: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let attempts = message.attempts + 1;
    let (status, next) = if attempts >= MAX_ATTEMPTS {
        ("failed", now)
    } else {
        ("pending", now + Duration::minutes(1 << attempts.min(12)))
    };
    let error: String = error.chars().take(500).collect();
    db.execute(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $5",
        (status, attempts, next, error, UuidText(message.id)),
    )
    .await?;
    Ok(())
}

/// How many messages wait in each state, for operators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting or being sent.
    pub waiting: i64,
    /// Sent.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
}

#[derive(sqlx::FromRow)]
struct StatusCount {
    status: String,
    messages: i64,
}

/// Counts the outbox's messages by state.
#[instrument(skip_all)]
pub async fn counts(db: &Db) -> DbResult<Counts> {
    let rows: Vec<StatusCount> = db
        .fetch_all(
            "SELECT status, COUNT(*) AS messages FROM outbox GROUP BY status",
            (),
        )
        .await?;
    let mut counts = Counts::default();
    for StatusCount { status, messages } in rows {
        match status.as_str() {
            "pending" | "sending" => counts.waiting += messages,
            "sent" => counts.sent += messages,
            "failed" => counts.failed += messages,
            other => return Err(DbError::corrupt("email", format!("unknown status {other}"))),
        }
    }
    Ok(counts)
}
