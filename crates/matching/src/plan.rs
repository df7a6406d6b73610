//! A matching run: from people and supporters to proposals, each with its
//! score breakdown, and to the reason each person left unmatched stays so.

use std::collections::{BTreeMap, HashMap};

use alongside_domain::peer_match::ExclusionReason;
use serde::{Deserialize, Serialize};

use crate::assignment::{self, Edge, Problem};
use crate::candidate::{Barrier, Person, Rules, Score, Supporter, barriers, score};

/// How many candidates of each person and of each supporter the exact
/// assignment considers, unless a run says otherwise.
pub const DEFAULT_TOP: usize = 50;

/// A proposed pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The person's index in the run's people.
    pub person: usize,
    /// The supporter's index in the run's supporters.
    pub supporter: usize,
    /// The pair's score and its parts.
    pub score: Score,
    /// How many supporters the person could have had.
    pub candidates: usize,
}

/// How many supporters one barrier removed for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarrierCount {
    /// Which barrier is counted.
    pub barrier: Barrier,
    /// Supporters it applies to.
    pub supporters: usize,
    /// Supporters it alone keeps out: lifting it would make them candidates.
    pub only_barrier: usize,
}

/// Why a person is left unmatched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Why {
    /// The programme has no supporters at all.
    NoSupporters,
    /// They withdrew consent to share their details with a peer, so they
    /// were not put forward.
    ConsentWithdrawn,
    /// Every supporter is ruled out.
    NoCandidates {
        /// The barriers, those that alone keep most supporters out first.
        barriers: Vec<BarrierCount>,
    },
    /// They had candidates, but every one is full with people this run
    /// matched, and making room would leave someone else unmatched.
    CandidatesTaken {
        /// How many candidates they had.
        candidates: usize,
    },
}

/// A person left unmatched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The person's index in the run's people.
    pub person: usize,
    /// Why no supporter was proposed for them.
    pub why: Why,
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Proposed pairs, by person.
    pub proposals: Vec<Proposal>,
    /// People left unmatched, by person.
    pub unmatched: Vec<Unmatched>,
    /// Candidate pairs the assignment considered.
    pub candidate_pairs: usize,
    /// The sum of the proposals' scores.
    pub total_score: i64,
}

/// Matches `people` with `supporters` as well as can be done: as many people
/// as possible, then the best total score, each supporter within their free
/// places. `exclusions` lists (person, supporter, reason) by index, and an
/// exclusion out of range is ignored; `top` keeps each side's best
/// candidates only (0 for no limit).
///
/// # Panics
/// With more than `u32::MAX` people or supporters: the exact assignment
/// numbers them in 32 bits.
#[must_use]
pub fn plan(
    people: &[Person],
    supporters: &[Supporter],
    exclusions: &[(usize, usize, ExclusionReason)],
    rules: &Rules,
    top: usize,
) -> Plan {
    let excluded: HashMap<(usize, usize), ExclusionReason> = exclusions
        .iter()
        .map(|&(p, s, reason)| ((p, s), reason))
        .collect();
    let mut edges = Vec::new();
    let mut scores: HashMap<(usize, usize), Score> = HashMap::new();
    let mut candidates = vec![0usize; people.len()];
    let mut blocked: Vec<Vec<Vec<Barrier>>> = vec![Vec::new(); people.len()];
    let persons = u32::try_from(people.len()).expect("at most u32::MAX people");
    let supporter_count = u32::try_from(supporters.len()).expect("at most u32::MAX supporters");
    for (person_index, person) in (0..persons).zip(people) {
        let p = person_index as usize;
        for (supporter_index, supporter) in (0..supporter_count).zip(supporters) {
            let s = supporter_index as usize;
            let found = barriers(person, supporter, excluded.get(&(p, s)).copied(), rules);
            if found.is_empty() {
                let pair = score(person, supporter, &rules.weights);
                edges.push(Edge {
                    person: person_index,
                    supporter: supporter_index,
                    score: pair.total,
                });
                scores.insert((p, s), pair);
                candidates[p] += 1;
            } else {
                blocked[p].push(found);
            }
        }
    }
    if top > 0 {
        edges = assignment::keep_best(&edges, top);
    }
    let problem = Problem {
        persons,
        capacities: supporters.iter().map(|s| s.free_places).collect(),
        edges,
    };
    let candidate_pairs = problem.edges.len();
    // Indices come from the lists themselves and scores are small sums of
    // capped weights, so the problem is well formed (short of people and
    // supporters together beyond what the solver numbers, when no one is
    // proposed).
    let chosen = assignment::solve(&problem).unwrap_or_default();
    let mut proposals = Vec::new();
    let mut matched = vec![false; people.len()];
    for &(p, s) in &chosen.pairs {
        let (p, s) = (p as usize, s as usize);
        matched[p] = true;
        proposals.push(Proposal {
            person: p,
            supporter: s,
            score: scores.remove(&(p, s)).unwrap_or_default(),
            candidates: candidates[p],
        });
    }
    let unmatched = (0..people.len())
        .filter(|&p| !matched[p])
        .map(|p| Unmatched {
            person: p,
            why: if supporters.is_empty() {
                Why::NoSupporters
            } else if candidates[p] == 0 {
                Why::NoCandidates {
                    barriers: count(&blocked[p]),
                }
            } else {
                Why::CandidatesTaken {
                    candidates: candidates[p],
                }
            },
        })
        .collect();
    Plan {
        proposals,
        unmatched,
        candidate_pairs,
        total_score: chosen.total_score,
    }
}

/// Counts barriers over the supporters ruled out for one person.
fn count(blocked: &[Vec<Barrier>]) -> Vec<BarrierCount> {
    let mut counts: BTreeMap<Barrier, (usize, usize)> = BTreeMap::new();
    for found in blocked {
        for barrier in found {
            let entry = counts.entry(barrier.clone()).or_default();
            entry.0 += 1;
            if found.len() == 1 {
                entry.1 += 1;
            }
        }
    }
    let mut out: Vec<BarrierCount> = counts
        .into_iter()
        .map(|(barrier, (supporters, only_barrier))| BarrierCount {
            barrier,
            supporters,
            only_barrier,
        })
        .collect();
    out.sort_by(|a, b| {
        (b.only_barrier, b.supporters)
            .cmp(&(a.only_barrier, a.supporters))
            .then_with(|| a.barrier.cmp(&b.barrier))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::tests::{person, rules, supporter};
    use crate::candidate::{Part, Place};
    use alongside_domain::preferences::{Channel, GenderPreference};
    use alongside_domain::supporter::SupporterStatus;

    #[test]
    fn proposes_with_a_breakdown() {
        let plan = plan(&[person()], &[supporter()], &[], &rules(), DEFAULT_TOP);
        assert_eq!(plan.proposals.len(), 1);
        let proposal = &plan.proposals[0];
        assert_eq!(
            (proposal.person, proposal.supporter, proposal.candidates),
            (0, 0, 1)
        );
        assert!(
            proposal
                .score
                .parts
                .iter()
                .any(|(p, _)| *p == Part::SharedCondition)
        );
        assert_eq!(plan.total_score, proposal.score.total);
        assert!(plan.unmatched.is_empty());
    }

    #[test]
    fn the_better_pair_wins_and_capacity_holds() {
        let mut near = supporter();
        near.free_places = 1;
        let mut far = supporter();
        far.free_places = 1;
        far.place = Place::of_postcode("LS17 5AA");
        far.conditions = vec!["Asthma".into()];
        let mut other = person();
        other.conditions = vec!["Asthma".into()];
        let plan = plan(&[person(), other], &[far, near], &[], &rules(), DEFAULT_TOP);
        let pairs: Vec<(usize, usize)> = plan
            .proposals
            .iter()
            .map(|p| (p.person, p.supporter))
            .collect();
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    }

    #[test]
    fn explains_who_is_left_and_why() {
        let mut paused = supporter();
        paused.status = SupporterStatus::Paused;
        let mut man = supporter();
        man.gender = alongside_domain::supporter::Gender::Man;
        man.channels = [Channel::Video].into();
        let mut wants_a_man = person();
        wants_a_man.peer_gender = Some(GenderPreference::Man);
        let mut one_place = supporter();
        one_place.free_places = 1;
        let plan = plan(
            &[person(), wants_a_man, person()],
            &[one_place, paused, man],
            &[(2, 0, ExclusionReason::DeclinedBefore)],
            &rules(),
            DEFAULT_TOP,
        );
        assert_eq!(plan.proposals.len(), 1);
        assert_eq!(
            (plan.proposals[0].person, plan.proposals[0].supporter),
            (0, 0)
        );
        assert_eq!(plan.unmatched.len(), 2);
        // Person 1: two women ruled out by gender (one also paused), the
        // man by channel.
        let Why::NoCandidates { barriers: counts } = &plan.unmatched[0].why else {
            panic!("{:?}", plan.unmatched[0]);
        };
        let gender = counts
            .iter()
            .find(|c| c.barrier == Barrier::GenderPreference)
            .unwrap();
        assert_eq!((gender.supporters, gender.only_barrier), (2, 1));
        assert_eq!(counts[0].only_barrier, 1);
        // Person 2: declined the one supporter with a place.
        let Why::NoCandidates { barriers: counts } = &plan.unmatched[1].why else {
            panic!("{:?}", plan.unmatched[1]);
        };
        assert!(
            counts
                .iter()
                .any(|c| c.barrier == Barrier::Excluded(ExclusionReason::DeclinedBefore))
        );
    }

    #[test]
    fn candidates_taken_is_told_apart() {
        let mut one_place = supporter();
        one_place.free_places = 1;
        let plan = plan(&[person(), person()], &[one_place], &[], &rules(), 0);
        assert_eq!(plan.proposals.len(), 1);
        assert_eq!(
            plan.unmatched[0].why,
            Why::CandidatesTaken { candidates: 1 }
        );
        let none = super::plan(&[person()], &[], &[], &rules(), 0);
        assert_eq!(none.unmatched[0].why, Why::NoSupporters);
    }

    #[test]
    fn waiting_longer_wins_a_contested_place() {
        let mut one_place = supporter();
        one_place.free_places = 1;
        let mut long_wait = person();
        long_wait.days_waiting = 90;
        let plan = plan(&[person(), long_wait], &[one_place], &[], &rules(), 0);
        assert_eq!(plan.proposals[0].person, 1);
    }
}
