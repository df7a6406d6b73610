//! Importing referrals from a spreadsheet: check every row, then store all
//! of them in one transaction, or none.

use alongside_domain::import::{self, RowProblem};

use super::referrals::{Referred, store_all};
use crate::Permit;
use crate::actions::TriageReferrals;
use crate::{Context, Error};

/// What an import did, or would do.
#[derive(Debug)]
pub enum Imported {
    /// Checked only: this many rows are ready.
    Ready(usize),
    /// Stored, with their references.
    Stored(Vec<Referred>),
    /// Nothing stored: the problems, by line.
    Refused(Vec<RowProblem>),
}

/// Checks `text` and, unless `dry_run`, stores every referral in it.
///
/// # Errors
/// When the database fails; nothing is stored then.
pub async fn import(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    text: &str,
    dry_run: bool,
) -> Result<Imported, Error> {
    match import::check(text, ctx.now().date_naive()) {
        Err(problems) => Ok(Imported::Refused(problems)),
        Ok(referrals) if dry_run => Ok(Imported::Ready(referrals.len())),
        Ok(referrals) => Ok(Imported::Stored(
            store_all(ctx, permit, &referrals, "imported from a spreadsheet").await?,
        )),
    }
}
