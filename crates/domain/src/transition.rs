//! The error every state machine returns for a change it does not allow.

use std::fmt;

/// A requested status change that the state machine does not allow.
///
/// The message names both states in words, so a coordinator can read it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {thing} that is {from} cannot be {to}")]
pub struct IllegalTransition {
    /// What changes state ("programme").
    pub thing: &'static str,
    /// The current state, as a past participle or adjective ("archived").
    pub from: &'static str,
    /// The change asked for, as a past participle ("archived").
    pub to: &'static str,
}

impl IllegalTransition {
    /// A refused change of `thing` from `from` by `to`.
    #[must_use]
    pub fn new(thing: &'static str, from: &impl StateName, to: &'static str) -> Self {
        Self {
            thing,
            from: from.state_name(),
            to,
        }
    }
}

/// A status that can name itself in messages.
pub trait StateName: fmt::Debug {
    /// The status in words, as a person reads it ("archived").
    fn state_name(&self) -> &'static str;
}
