//! Figures for aggregate reports: counts that hide small numbers, and the
//! median and 90th percentile of waiting times.

use std::fmt;

use crate::count_as_f64;

/// Counts from 1 to this are hidden in views for people outside the service
/// (commissioners, exports), so no one can be recognised from a small cell.
/// A zero is shown: it identifies no one.
pub const SMALLEST_SHOWN: u64 = 5;

/// A count as a report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The exact number.
    Exact(u64),
    /// A number from 1 to 4, hidden.
    Fewer,
}

impl Shown {
    /// `n` as an aggregate view may show it: exact when `exact` (a
    /// coordinator inside the service), otherwise hidden when from 1 to 4.
    #[must_use]
    pub fn count(n: u64, exact: bool) -> Self {
        if exact || n == 0 || n >= SMALLEST_SHOWN {
            Self::Exact(n)
        } else {
            Self::Fewer
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::Fewer => write!(f, "<{SMALLEST_SHOWN}"),
        }
    }
}

/// The middle value of `values` (the mean of the two middle ones for an
/// even count); none for no values.
#[must_use]
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The `p` quantile (0 ≤ p ≤ 1) of `values`, by linear interpolation
/// between order statistics: the definition R uses by default (type 7) and
/// spreadsheets call PERCENTILE.INC. None for no values or a `p` outside
/// 0 to 1.
#[must_use]
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&p) || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = p * count_as_f64(sorted.len() - 1);
    let floor = position.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "p is within 0 to 1, so position lies from 0 to len − 1 and its floor and \
                  ceiling are valid indices"
    )]
    let (below, above) = (floor as usize, position.ceil() as usize);
    let fraction = position - floor;
    Some(sorted[below] + (sorted[above] - sorted[below]) * fraction)
}

/// Median and 90th percentile of waits in days, with how many there were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waits {
    /// How many waits.
    pub n: u64,
    /// The median, in days.
    pub median: Option<f64>,
    /// The 90th percentile, in days.
    pub p90: Option<f64>,
}

impl Waits {
    /// The summary of `days`. When `exact` is false and there are fewer than
    /// [`SMALLEST_SHOWN`] waits, the figures are withheld: a median of two
    /// people is nearly their own wait.
    #[must_use]
    pub fn of(days: &[f64], exact: bool) -> Self {
        let n = days.len() as u64;
        if !exact && n < SMALLEST_SHOWN {
            return Self {
                n,
                median: None,
                p90: None,
            };
        }
        Self {
            n,
            median: median(days),
            p90: quantile(days, 0.9),
        }
    }
}

/// What supporting one person cost, in pence, rounded to the nearest
/// penny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostPerPerson {
    /// People supported: placed with a peer supporter or group.
    pub people: u64,
    /// Funding divided by people supported.
    pub funding: u64,
    /// Funding and the value of volunteer time, divided by people
    /// supported; none when volunteer time has no value set.
    pub with_volunteer_time: Option<u64>,
}

impl CostPerPerson {
    /// The cost per person of `funding` (pence) and `volunteer_value`
    /// (pence, when valued) over `people` supported. None when no one was
    /// supported, or when `exact` is false and fewer than
    /// [`SMALLEST_SHOWN`] were: a cost over two people nearly prices each.
    #[must_use]
    pub fn of(
        funding: u64,
        volunteer_value: Option<u64>,
        people: u64,
        exact: bool,
    ) -> Option<Self> {
        if people == 0 || (!exact && people < SMALLEST_SHOWN) {
            return None;
        }
        let per = |total: u64| (total + people / 2) / people;
        Some(Self {
            people,
            funding: per(funding),
            with_volunteer_time: volunteer_value.map(|v| per(funding + v)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_counts_are_hidden_outside_the_service() {
        assert_eq!(Shown::count(0, false).to_string(), "0");
        for n in 1..5 {
            assert_eq!(Shown::count(n, false).to_string(), "<5");
            assert_eq!(Shown::count(n, true).to_string(), n.to_string());
        }
        assert_eq!(Shown::count(5, false).to_string(), "5");
    }

    #[test]
    fn quantiles_match_r_type_7() {
        // In R: quantile(c(1, 3, 4, 9, 10, 20), c(0.5, 0.9)) gives 6.5 and 15.
        let values = [20.0, 1.0, 9.0, 3.0, 10.0, 4.0];
        assert_eq!(median(&values), Some(6.5));
        assert_eq!(quantile(&values, 0.9), Some(15.0));
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        assert_eq!(median(&[]), None);
        assert_eq!(quantile(&values, 1.5), None);
        assert_eq!(quantile(&[1.0, f64::NAN], 0.5), None);
    }

    #[test]
    fn waits_of_fewer_than_five_are_withheld_from_aggregate_views() {
        let few = Waits::of(&[3.0, 40.0], false);
        assert_eq!((few.n, few.median, few.p90), (2, None, None));
        let exact = Waits::of(&[3.0, 40.0], true);
        assert_eq!(exact.median, Some(21.5));
    }

    #[test]
    fn cost_per_person_rounds_to_the_penny_and_hides_small_numbers() {
        // £40,000 over 30 people is £1,333.33; with 340 hours at £12.50
        // (£4,250) it is £1,475.00.
        let cost = CostPerPerson::of(4_000_000, Some(425_000), 30, false).unwrap();
        assert_eq!(cost.funding, 133_333);
        assert_eq!(cost.with_volunteer_time, Some(147_500));
        assert_eq!(CostPerPerson::of(200, None, 3, true).unwrap().funding, 67);
        assert_eq!(CostPerPerson::of(4_000_000, None, 4, false), None);
        assert!(CostPerPerson::of(4_000_000, None, 4, true).is_some());
        assert_eq!(CostPerPerson::of(4_000_000, None, 0, true), None);
    }

    proptest! {
        /// A quantile lies between the smallest and the largest value and
        /// never decreases as p grows.
        #[test]
        fn quantiles_are_ordered(values in prop::collection::vec(0.0f64..1000.0, 1..50), p in 0.0f64..1.0, q in 0.0f64..1.0) {
            let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
            let a = quantile(&values, lo).unwrap();
            let b = quantile(&values, hi).unwrap();
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(min <= a && a <= b + 1e-9 && b <= max);
        }
    }
}
