//! Group placement: which group sessions suit a person, best first.
//!
//! A group has no capacity problem to solve jointly (places are taken in the
//! order people join), so ranking is enough: the sessions a person can
//! attend, ordered by how well they fit, then those they cannot, with why.

use alongside_domain::preferences::WeeklySlot;

use crate::candidate::{Person, Place};

/// A group and its regular sessions.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Conditions it is for; empty for a group open to anyone.
    pub conditions: Vec<String>,
    /// Where it meets.
    pub place: Place,
    /// Whether it meets online (distance does not matter).
    pub online: bool,
    /// Its regular sessions, each ranked on its own.
    pub sessions: Vec<Session>,
}

/// A regular session of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// When it meets each week.
    pub slot: WeeklySlot,
    /// Places still free; at 0 a newcomer joins the waiting list.
    pub places_left: u32,
    /// People already waiting for a place.
    pub waiting: u32,
}

/// Why a session does not suit a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unsuitable {
    /// The group is for other conditions.
    OtherConditions,
    /// The person is not free at that time.
    NotFreeThen,
    /// It meets beyond the distance the person would travel.
    TooFar,
}

/// How one session fits one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// The group's index.
    pub group: usize,
    /// The session's index within the group.
    pub session: usize,
    /// Higher is better; comparable between sessions for one person.
    pub score: i64,
    /// Whether they would join a waiting list rather than take a place.
    pub waiting_list: bool,
    /// Why it does not suit; empty when it does.
    pub unsuitable: Vec<Unsuitable>,
}

fn covers(group: &Group, person: &Person) -> bool {
    group.conditions.is_empty()
        || group.conditions.iter().any(|g| {
            let g = g.trim().to_lowercase();
            person.conditions.iter().any(|c| {
                let c = c.trim().to_lowercase();
                !c.is_empty() && (g.contains(&c) || c.contains(&g))
            })
        })
}

/// Every session of every group, for `person`: suitable ones first (a free
/// place before a waiting list, then the best fit), then the others.
#[must_use]
pub fn rank(person: &Person, groups: &[Group]) -> Vec<Fit> {
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let miles = person.place.miles_to(&group.place);
        for (s, session) in group.sessions.iter().enumerate() {
            let mut unsuitable = Vec::new();
            let mut score = 0;
            if !covers(group, person) {
                unsuitable.push(Unsuitable::OtherConditions);
            } else if !group.conditions.is_empty() {
                // A group for their own condition beats a general one.
                score += 40;
            }
            if !person.availability.is_empty() && !person.availability.contains(&session.slot) {
                unsuitable.push(Unsuitable::NotFreeThen);
            }
            if !group.online {
                let reach = u32::from(person.travel_miles.unwrap_or(5));
                match miles {
                    Some(m) if m <= reach => score += if m <= 2 { 10 } else { 5 },
                    _ => unsuitable.push(Unsuitable::TooFar),
                }
            }
            let waiting_list = session.places_left == 0;
            if waiting_list {
                score -= i64::from(session.waiting.min(100));
            }
            out.push(Fit {
                group: g,
                session: s,
                score,
                waiting_list,
                unsuitable,
            });
        }
    }
    out.sort_by(|a, b| {
        (
            a.unsuitable.len(),
            a.waiting_list,
            -a.score,
            a.group,
            a.session,
        )
            .cmp(&(
                b.unsuitable.len(),
                b.waiting_list,
                -b.score,
                b.group,
                b.session,
            ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::tests::{person, slot};
    use alongside_domain::preferences::{DayPart, Weekday};

    fn session(places_left: u32, waiting: u32) -> Session {
        Session {
            slot: slot(Weekday::Tuesday, DayPart::Morning),
            places_left,
            waiting,
        }
    }

    #[test]
    fn ranks_suitable_sessions_first() {
        let groups = vec![
            // 0: general group nearby, with room.
            Group {
                place: Place::of_postcode("LS6 2AB"),
                sessions: vec![session(3, 0)],
                ..Group::default()
            },
            // 1: a COPD group nearby, full with a waiting list.
            Group {
                conditions: vec!["COPD".into()],
                place: Place::of_postcode("LS6 2AB"),
                sessions: vec![session(0, 4)],
                ..Group::default()
            },
            // 2: a COPD group online, with room, and a session at a time the
            // person is not free.
            Group {
                conditions: vec!["copd".into()],
                online: true,
                sessions: vec![
                    session(2, 0),
                    Session {
                        slot: slot(Weekday::Sunday, DayPart::Evening),
                        ..session(2, 0)
                    },
                ],
                ..Group::default()
            },
            // 3: a diabetes group far away.
            Group {
                conditions: vec!["Diabetes".into()],
                place: Place::of_postcode("M1 1AA"),
                sessions: vec![session(5, 0)],
                ..Group::default()
            },
        ];
        let ranked = rank(&person(), &groups);
        let order: Vec<(usize, usize)> = ranked.iter().map(|f| (f.group, f.session)).collect();
        assert_eq!(order, vec![(2, 0), (0, 0), (1, 0), (2, 1), (3, 0)]);
        assert!(ranked[2].waiting_list);
        assert_eq!(ranked[3].unsuitable, vec![Unsuitable::NotFreeThen]);
        assert_eq!(
            ranked[4].unsuitable,
            vec![Unsuitable::OtherConditions, Unsuitable::TooFar]
        );
    }
}
