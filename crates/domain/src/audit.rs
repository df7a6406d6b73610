//! What the audit log records. Entries are written, never changed or removed.

use serde::Serialize;

/// The kind of event an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// A record was removed (or archived).
    Delete,
    /// A person-level record was looked at.
    View,
    /// Someone signed in.
    SignIn,
    /// A sign-in failed (wrong password, or account locked).
    SignInFailed,
    /// Someone signed out.
    SignOut,
    /// The policy refused an action.
    Denied,
}

impl AuditEvent {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Create => "create",
            AuditEvent::Update => "update",
            AuditEvent::Delete => "delete",
            AuditEvent::View => "view",
            AuditEvent::SignIn => "sign_in",
            AuditEvent::SignInFailed => "sign_in_failed",
            AuditEvent::SignOut => "sign_out",
            AuditEvent::Denied => "denied",
        }
    }
}
