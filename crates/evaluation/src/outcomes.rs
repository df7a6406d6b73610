//! The outcome table of a report: for one instrument, how many people
//! answered at each timepoint, and the change from the first timepoint to
//! each later one on complete pairs, with who dropped out.

use std::collections::BTreeMap;

use crate::change::{self, Direction, Paired, ReliableChange};
use crate::count_as_f64;
use crate::instruments::Instrument;
use crate::report::{SMALLEST_SHOWN, Shown};

/// One person's score at one timepoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation<K> {
    /// Who (any key that tells people apart; never a name).
    pub person: K,
    /// The timepoint's name.
    pub timepoint: String,
    /// Their score on the measure at that timepoint.
    pub score: f64,
}

/// Change from the first timepoint to a later one.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    /// The later timepoint.
    pub timepoint: String,
    /// People with a score at the first timepoint and at this one.
    pub completers: usize,
    /// People with a score at the first timepoint only.
    pub non_completers: usize,
    /// Mean first score of the completers and of the non-completers.
    pub baseline_means: (Option<f64>, Option<f64>),
    /// The paired comparison; none below two pairs, or when the view hides
    /// small numbers and there are fewer than five.
    pub paired: Option<Paired>,
    /// Reliable change counts, when the measure has a reliability.
    pub reliable: Option<ReliableChange>,
}

impl ChangeRow {
    /// The share of people with a first score who did not answer at this
    /// timepoint, from 0 to 1.
    #[must_use]
    pub fn attrition(&self) -> Option<f64> {
        let all = self.completers + self.non_completers;
        (all > 0).then(|| count_as_f64(self.non_completers) / count_as_f64(all))
    }
}

/// What a table needs to know of what it measures: a shipped instrument or
/// an organisation's own scored questionnaire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// Whether a higher score is better.
    pub direction: Direction,
    /// The lowest and highest score, when bounded.
    pub range: Option<(f64, f64)>,
    /// Internal consistency, for reliable change; none when not published.
    pub reliability: Option<f64>,
}

impl From<&Instrument> for Measure {
    fn from(instrument: &Instrument) -> Self {
        Self {
            direction: instrument.direction,
            range: Some(instrument.range),
            reliability: instrument.reliability,
        }
    }
}

/// A report's outcome table for one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeTable {
    /// What it measures.
    pub measure: Measure,
    /// People with a score at each timepoint, in schedule order.
    pub answered: Vec<(String, Shown)>,
    /// Mean score at each timepoint (none where hidden or no one answered).
    pub means: Vec<(String, Option<f64>)>,
    /// Change from the first timepoint to each later one.
    pub changes: Vec<ChangeRow>,
}

/// Builds the table of `measure` from `observations`, for `timepoints`
/// in order (the first is the baseline). With `exact` false (views for
/// people outside the service), counts from 1 to 4 are hidden and no mean or
/// comparison is given for fewer than five people. Primary figures use
/// complete cases only: nothing is imputed.
#[must_use]
pub fn table<K: Ord + Clone>(
    measure: impl Into<Measure>,
    timepoints: &[String],
    observations: &[Observation<K>],
    exact: bool,
) -> OutcomeTable {
    let measure = measure.into();
    let mut by_timepoint: BTreeMap<&str, BTreeMap<K, f64>> = BTreeMap::new();
    for o in observations {
        by_timepoint
            .entry(o.timepoint.as_str())
            .or_default()
            .insert(o.person.clone(), o.score);
    }
    let empty = BTreeMap::new();
    let at = |t: &str| by_timepoint.get(t).unwrap_or(&empty);
    let enough = |n: usize| exact || n as u64 >= SMALLEST_SHOWN;
    let answered = timepoints
        .iter()
        .map(|t| (t.clone(), Shown::count(at(t).len() as u64, exact)))
        .collect();
    let means = timepoints
        .iter()
        .map(|t| {
            let scores: Vec<f64> = at(t).values().copied().collect();
            let mean = (!scores.is_empty() && enough(scores.len()))
                .then(|| scores.iter().sum::<f64>() / count_as_f64(scores.len()));
            (t.clone(), mean)
        })
        .collect();
    let mut changes = Vec::new();
    if let Some((first, later)) = timepoints.split_first() {
        let baseline = at(first);
        for t in later {
            let follow = at(t);
            let mut pairs = Vec::new();
            let mut dropped = Vec::new();
            for (person, &pre) in baseline {
                match follow.get(person) {
                    Some(&post) => pairs.push((Some(pre), Some(post))),
                    None => dropped.push(pre),
                }
            }
            let completers = pairs.len();
            let mean =
                |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / count_as_f64(v.len()));
            let kept: Vec<f64> = pairs.iter().filter_map(|p| p.0).collect();
            let shown = enough(completers);
            let paired = shown.then(|| change::paired(&pairs).ok()).flatten();
            let reliable = shown
                .then(|| {
                    measure
                        .reliability
                        .and_then(|r| change::reliable_change(&pairs, r, measure.direction).ok())
                })
                .flatten();
            changes.push(ChangeRow {
                timepoint: t.clone(),
                completers,
                non_completers: dropped.len(),
                baseline_means: (
                    mean(&kept).filter(|_| shown),
                    mean(&dropped).filter(|_| enough(dropped.len())),
                ),
                paired,
                reliable,
            });
        }
    }
    OutcomeTable {
        measure,
        answered,
        means,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::{SEMCD6, UCLA3};

    fn obs(person: u32, timepoint: &str, score: f64) -> Observation<u32> {
        Observation {
            person,
            timepoint: timepoint.to_owned(),
            score,
        }
    }

    fn timepoints() -> Vec<String> {
        vec!["Baseline".into(), "End of support".into()]
    }

    #[test]
    fn pairs_completers_and_counts_who_dropped_out() {
        let mut data = Vec::new();
        for p in 0..8 {
            data.push(obs(p, "Baseline", 4.0 + f64::from(p % 3)));
        }
        for p in 0..6 {
            data.push(obs(p, "End of support", 6.0 + f64::from(p % 2)));
        }
        let t = table(&SEMCD6, &timepoints(), &data, true);
        assert_eq!(
            t.answered,
            vec![
                ("Baseline".to_owned(), Shown::Exact(8)),
                ("End of support".to_owned(), Shown::Exact(6))
            ]
        );
        let row = &t.changes[0];
        assert_eq!((row.completers, row.non_completers), (6, 2));
        assert_eq!(row.attrition(), Some(0.25));
        let paired = row.paired.as_ref().unwrap();
        assert_eq!(paired.n, 6);
        // Completers' baseline: persons 0..6 → 4,5,6,4,5,6: mean 5.
        assert_eq!(row.baseline_means.0, Some(5.0));
        // Those who left: persons 6, 7 → 4, 5.
        assert_eq!(row.baseline_means.1, Some(4.5));
        assert!(row.reliable.is_some());
    }

    #[test]
    fn small_numbers_are_hidden_outside_the_service() {
        let data: Vec<_> = (0..3)
            .flat_map(|p| {
                [
                    obs(p, "Baseline", 6.0),
                    obs(p, "End of support", 5.0 + f64::from(p)),
                ]
            })
            .collect();
        let outside = table(&UCLA3, &timepoints(), &data, false);
        assert_eq!(outside.answered[0].1, Shown::Fewer);
        assert_eq!(outside.means[0].1, None);
        assert_eq!(outside.changes[0].paired, None);
        assert_eq!(outside.changes[0].baseline_means, (None, None));
        let inside = table(&UCLA3, &timepoints(), &data, true);
        assert_eq!(inside.answered[0].1, Shown::Exact(3));
        assert_eq!(inside.means[0].1, Some(6.0));
        assert!(inside.changes[0].paired.is_some());
    }

    #[test]
    fn no_one_at_a_timepoint() {
        let t = table(&UCLA3, &timepoints(), &[obs(1, "Baseline", 5.0)], true);
        assert_eq!(t.answered[1].1, Shown::Exact(0));
        assert_eq!(t.means[1].1, None);
        assert_eq!(t.changes[0].completers, 0);
        assert_eq!(t.changes[0].paired, None, "fewer than two pairs");
    }
}
