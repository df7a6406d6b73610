//! Accounts: who can sign in, their password hash and lockout state.

use alongside_domain::AccountId;
use alongside_domain::account::{EmailAddress, Lockout};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx};

/// A stored account, with what sign-in needs. Its `Debug` hides the
/// password hash.
#[derive(Clone)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Sign-in address, lower case.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// Wrong passwords and lock.
    pub lockout: Lockout,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password_hash", &"[hidden]")
            .field("lockout", &self.lockout)
            .finish()
    }
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: AccountId,
    email: String,
    display_name: String,
    password_hash: String,
    failed_sign_ins: i64,
    locked_until: Option<DateTime<Utc>>,
}

impl TryFrom<AccountRow> for Account {
    type Error = DbError;
    fn try_from(row: AccountRow) -> DbResult<Self> {
        Ok(Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            lockout: Lockout {
                failures: u32::try_from(row.failed_sign_ins)
                    .map_err(|e| DbError::corrupt("account", e))?,
                locked_until: row.locked_until,
            },
        })
    }
}

const COLUMNS: &str = "id, email, display_name, password_hash, failed_sign_ins, locked_until";

/// Creates an account. A taken email address is a [`DbError::Conflict`].
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    email: &EmailAddress,
    display_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<AccountId> {
    let id = AccountId::new();
    tx.execute(
        "INSERT INTO accounts (id, email, display_name, password_hash, failed_sign_ins, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, 0, $5, $5)",
        (id, email.as_str(), display_name, password_hash, now),
    )
    .await
    .map_err(|e| e.unique_as("an account with this email address already exists"))?;
    Ok(id)
}

/// The account with this email address, if any.
#[instrument(skip_all)]
pub async fn find_by_email(db: &Db, email: &EmailAddress) -> DbResult<Option<Account>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE email = $1");
    let row: Option<AccountRow> = db.fetch_optional(&sql, (email.as_str(),)).await?;
    row.map(Account::try_from).transpose()
}

/// The account with this id.
#[instrument(skip_all)]
pub async fn find(db: &Db, id: AccountId) -> DbResult<Account> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
    let row: AccountRow = db.fetch_one(&sql, (id,)).await?;
    row.try_into()
}

/// Stores the lockout state after a sign-in attempt.
#[instrument(skip_all)]
pub async fn set_lockout(tx: &mut Tx, id: AccountId, lockout: Lockout) -> DbResult<()> {
    tx.execute(
        "UPDATE accounts SET failed_sign_ins = $1, locked_until = $2 WHERE id = $3",
        (i64::from(lockout.failures), lockout.locked_until, id),
    )
    .await?;
    Ok(())
}

/// Replaces the password hash and clears any lock.
#[instrument(skip_all)]
pub async fn set_password(
    tx: &mut Tx,
    id: AccountId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE accounts SET password_hash = $1, password_changed_at = $2, failed_sign_ins = 0, locked_until = NULL WHERE id = $3",
        (password_hash, now, id),
    )
    .await
}

#[cfg(test)]
mod tests {
    use alongside_domain::AccountId;
    use alongside_domain::account::Lockout;

    use super::Account;

    #[test]
    fn an_account_never_prints_its_password_hash() {
        let account = Account {
            id: AccountId::new(),
            email: "sam@example.org".into(),
            display_name: "Sam".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
            lockout: Lockout::after_success(),
        };
        let shown = format!("{account:?}");
        assert!(shown.contains("sam@example.org"));
        assert!(!shown.contains("argon2"), "{shown}");
    }
}
