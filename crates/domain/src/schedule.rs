//! Follow-up schedules: when outcome questionnaires are due, for any subject
//! with a start and an end (a person's support episode, a supporter's
//! training course). Built once, whatever is followed.
//!
//! A timepoint is anchored on the start or the end and offset by whole
//! months (calendar months, as evaluations count them: "two months after the
//! end of support"). A response counts for a timepoint when it is given
//! within the schedule's window either side of the due date.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

/// What a timepoint is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The start (of support, of a course).
    Start,
    /// The end.
    End,
}

impl Anchor {
    /// Both anchors.
    pub const ALL: [Anchor; 2] = [Self::Start, Self::End];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::End => "end",
        }
    }

    /// The anchor of a stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// One point at which outcomes are collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timepoint {
    /// Its name in words ("Baseline", "Two months after the end").
    pub name: String,
    /// What it is counted from.
    pub anchor: Anchor,
    /// Whole months after the anchor (0 for on the day).
    pub months_after: u32,
}

/// The timepoints of a subject and the window that decides whether a
/// response counts. Stored as JSON; read back through [`Schedule::new`] so
/// a stored schedule is checked like a typed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The timepoints, in order.
    pub timepoints: Vec<Timepoint>,
    /// Days either side of a due date within which a response counts.
    pub window_days: u16,
}

/// The dates of what a schedule follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// When it started.
    pub start: NaiveDate,
    /// When it ended, once it has.
    pub end: Option<NaiveDate>,
}

impl Span {
    /// The span from the moments something started and ended, by their
    /// calendar days (UTC).
    #[must_use]
    pub fn between(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Self {
        Self {
            start: start.date_naive(),
            end: end.map(|e| e.date_naive()),
        }
    }
}

impl Timepoint {
    /// When it is due for `span`; none while its anchor (the end) is not
    /// yet known.
    #[must_use]
    pub fn due(&self, span: Span) -> Option<NaiveDate> {
        due_on(self, span)
    }
}

/// A timepoint with its due date, once the date is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due<'a> {
    /// The timepoint.
    pub timepoint: &'a Timepoint,
    /// When it is due; none while its anchor (the end) is not yet known.
    pub on: Option<NaiveDate>,
}

impl Schedule {
    /// Widest window allowed, in days.
    pub const MAX_WINDOW_DAYS: u16 = 60;

    /// Most timepoints a schedule may have.
    pub const MAX_TIMEPOINTS: usize = 12;

    /// Longest timepoint name, in characters.
    pub const MAX_NAME: usize = 80;

    /// The schedule of the Ley, Roberts and Willis evaluation, used unless a
    /// programme sets its own: at the start, at the end, and two and five
    /// months after the end, each with 14 days either side.
    #[must_use]
    pub fn standard() -> Self {
        let point = |name: &str, anchor, months_after| Timepoint {
            name: name.to_owned(),
            anchor,
            months_after,
        };
        Self {
            timepoints: vec![
                point("Baseline", Anchor::Start, 0),
                point("End of support", Anchor::End, 0),
                point("Two months after the end", Anchor::End, 2),
                point("Five months after the end", Anchor::End, 5),
            ],
            window_days: 14,
        }
    }

    /// A schedule from its parts, checked: one to
    /// [`Schedule::MAX_TIMEPOINTS`] timepoints, names given, short and not
    /// repeated, at most 36 months after an anchor, a window of 0 to
    /// [`Schedule::MAX_WINDOW_DAYS`] days.
    ///
    /// # Errors
    /// [`FieldErrors`] naming what is wrong.
    pub fn new(timepoints: Vec<Timepoint>, window_days: u16) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let timepoints: Vec<Timepoint> = timepoints
            .into_iter()
            .map(|t| Timepoint {
                name: t.name.trim().to_owned(),
                ..t
            })
            .collect();
        if timepoints.is_empty() {
            errors.add("timepoints", "Add at least one timepoint");
        }
        if timepoints.len() > Self::MAX_TIMEPOINTS {
            errors.add(
                "timepoints",
                format!("A schedule has at most {} timepoints", Self::MAX_TIMEPOINTS),
            );
        }
        for (i, t) in timepoints.iter().enumerate() {
            if t.name.is_empty() {
                errors.add("timepoints", format!("Name timepoint {}", i + 1));
            } else if t.name.chars().count() > Self::MAX_NAME {
                errors.add(
                    "timepoints",
                    format!(
                        "The name of timepoint {} must be {} characters or fewer",
                        i + 1,
                        Self::MAX_NAME
                    ),
                );
            } else if timepoints[..i]
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&t.name))
            {
                errors.add("timepoints", format!("Timepoint {} repeats a name", i + 1));
            }
            if t.months_after > 36 {
                errors.add(
                    "timepoints",
                    format!("Timepoint {} must be at most 36 months after", i + 1),
                );
            }
        }
        if window_days > Self::MAX_WINDOW_DAYS {
            errors.add(
                "window_days",
                format!("The window must be {} days or fewer", Self::MAX_WINDOW_DAYS),
            );
        }
        errors.into_result(|| Self {
            timepoints,
            window_days,
        })
    }

    /// Every timepoint with its due date for `span`.
    #[must_use]
    pub fn due_dates(&self, span: Span) -> Vec<Due<'_>> {
        self.timepoints
            .iter()
            .map(|timepoint| Due {
                timepoint,
                on: due_on(timepoint, span),
            })
            .collect()
    }

    /// The timepoint a response given on `answered` counts for: the one
    /// whose due date is nearest, if that is within the window (the earlier
    /// one on a tie).
    #[must_use]
    pub fn timepoint_for(&self, span: Span, answered: NaiveDate) -> Option<&Timepoint> {
        self.timepoints
            .iter()
            .filter_map(|t| {
                let due = due_on(t, span)?;
                let distance = (answered - due).num_days().abs();
                (distance <= i64::from(self.window_days)).then_some((distance, due, t))
            })
            .min_by_key(|(distance, due, _)| (*distance, *due))
            .map(|(_, _, t)| t)
    }

    /// The timepoint at which people are also asked what helped and what
    /// got in the way: the first counted from the end of support, or the
    /// last when none is.
    #[must_use]
    pub fn reflection_timepoint(&self) -> Option<&Timepoint> {
        self.timepoints
            .iter()
            .find(|t| t.anchor == Anchor::End)
            .or_else(|| self.timepoints.last())
    }

    /// The timepoint named `name`.
    #[must_use]
    pub fn timepoint(&self, name: &str) -> Option<&Timepoint> {
        self.timepoints.iter().find(|t| t.name == name)
    }

    /// The first and last day a response counts for `timepoint`, once its
    /// due date is known.
    #[must_use]
    pub fn window(&self, timepoint: &Timepoint, span: Span) -> Option<(NaiveDate, NaiveDate)> {
        let due = due_on(timepoint, span)?;
        let days = chrono::Duration::days(i64::from(self.window_days));
        Some((due - days, due + days))
    }

    /// Whether a response given on `answered` for the timepoint named
    /// `name` counts: the timepoint is in the schedule, its due date is
    /// known and `answered` is within the window of it.
    #[must_use]
    pub fn counts(&self, name: &str, span: Span, answered: NaiveDate) -> bool {
        self.timepoint(name)
            .and_then(|t| self.window(t, span))
            .is_some_and(|(from, to)| (from..=to).contains(&answered))
    }

    /// Timepoints whose window has opened by `today` and not yet closed:
    /// what to ask for now.
    #[must_use]
    pub fn open_on(&self, span: Span, today: NaiveDate) -> Vec<&Timepoint> {
        let window = i64::from(self.window_days);
        self.timepoints
            .iter()
            .filter(|t| due_on(t, span).is_some_and(|due| (today - due).num_days().abs() <= window))
            .collect()
    }
}

fn due_on(timepoint: &Timepoint, span: Span) -> Option<NaiveDate> {
    let anchor = match timepoint.anchor {
        Anchor::Start => span.start,
        Anchor::End => span.end?,
    };
    // Adding months to 31 January gives the end of February, as people count.
    anchor.checked_add_months(Months::new(timepoint.months_after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_standard_schedule_follows_the_real_dates() {
        let schedule = Schedule::standard();
        let ongoing = Span {
            start: day(2026, 1, 31),
            end: None,
        };
        let due: Vec<_> = schedule
            .due_dates(ongoing)
            .into_iter()
            .map(|d| d.on)
            .collect();
        assert_eq!(
            due,
            [Some(day(2026, 1, 31)), None, None, None],
            "end not known yet"
        );
        let ended = Span {
            end: Some(day(2026, 6, 30)),
            ..ongoing
        };
        let due: Vec<_> = schedule
            .due_dates(ended)
            .into_iter()
            .map(|d| d.on)
            .collect();
        assert_eq!(
            due,
            [
                Some(day(2026, 1, 31)),
                Some(day(2026, 6, 30)),
                Some(day(2026, 8, 30)),
                Some(day(2026, 11, 30)),
            ]
        );
    }

    #[test]
    fn a_response_counts_for_the_nearest_timepoint_within_the_window() {
        let schedule = Schedule::standard();
        let span = Span {
            start: day(2026, 1, 1),
            end: Some(day(2026, 3, 1)),
        };
        let name = |d| schedule.timepoint_for(span, d).map(|t| t.name.as_str());
        assert_eq!(name(day(2025, 12, 18)), Some("Baseline"), "14 days early");
        assert_eq!(name(day(2025, 12, 17)), None, "15 days early");
        assert_eq!(name(day(2026, 1, 15)), Some("Baseline"));
        assert_eq!(name(day(2026, 2, 20)), Some("End of support"));
        assert_eq!(name(day(2026, 5, 10)), Some("Two months after the end"));
        assert_eq!(name(day(2026, 6, 1)), None);
        assert_eq!(
            schedule
                .open_on(span, day(2026, 2, 22))
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            ["End of support"]
        );
    }

    #[test]
    fn a_custom_schedule_is_checked() {
        let point = |name: &str, months_after| Timepoint {
            name: name.into(),
            anchor: Anchor::End,
            months_after,
        };
        let errors = Schedule::new(vec![point("After", 2), point("after", 40)], 90).unwrap_err();
        let messages: Vec<_> = errors
            .as_slice()
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "Timepoint 2 repeats a name",
                "Timepoint 2 must be at most 36 months after",
                "The window must be 60 days or fewer"
            ]
        );
        assert!(Schedule::new(Vec::new(), 14).is_err());
        let long = "x".repeat(Schedule::MAX_NAME + 1);
        assert!(Schedule::new(vec![point(&long, 1)], 14).is_err());
        let many = (0..=Schedule::MAX_TIMEPOINTS)
            .map(|i| point(&format!("Month {i}"), 1))
            .collect();
        assert!(Schedule::new(many, 14).is_err());
        let trimmed = Schedule::new(vec![point("  Six months on ", 6)], 0).unwrap();
        assert_eq!(trimmed.timepoints[0].name, "Six months on");
        assert!(Schedule::new(vec![point("Six months on", 6)], 0).is_ok());
    }

    #[test]
    fn a_response_counts_only_within_its_own_timepoints_window() {
        let schedule = Schedule::standard();
        let span = Span {
            start: day(2026, 1, 1),
            end: Some(day(2026, 3, 1)),
        };
        assert!(schedule.counts("Baseline", span, day(2026, 1, 15)));
        assert!(!schedule.counts("Baseline", span, day(2026, 1, 16)));
        assert!(schedule.counts("End of support", span, day(2026, 2, 15)));
        assert!(!schedule.counts("Unknown", span, day(2026, 1, 1)));
        let ongoing = Span { end: None, ..span };
        assert!(
            !schedule.counts("End of support", ongoing, day(2026, 3, 1)),
            "no end, no due date"
        );
        assert_eq!(
            schedule.window(&schedule.timepoints[2], span),
            Some((day(2026, 4, 17), day(2026, 5, 15)))
        );
    }

    #[test]
    fn reflections_are_asked_at_the_end_of_support() {
        let standard = Schedule::standard();
        assert_eq!(
            standard.reflection_timepoint().map(|t| t.name.as_str()),
            Some("End of support")
        );
        let starts = Schedule::new(
            vec![
                Timepoint {
                    name: "Baseline".into(),
                    anchor: Anchor::Start,
                    months_after: 0,
                },
                Timepoint {
                    name: "Three months in".into(),
                    anchor: Anchor::Start,
                    months_after: 3,
                },
            ],
            14,
        )
        .unwrap();
        assert_eq!(
            starts.reflection_timepoint().map(|t| t.name.as_str()),
            Some("Three months in")
        );
    }

    #[test]
    fn anchors_read_back_from_their_names() {
        for a in Anchor::ALL {
            assert_eq!(Anchor::parse(a.as_str()), Some(a));
        }
        assert_eq!(Anchor::parse("middle"), None);
    }

    proptest! {
        /// A response on a due date always counts for some timepoint due that
        /// day; one further than the window from every due date never counts.
        #[test]
        fn the_window_decides(start in 0i64..3000, length in 0i64..400, offset in -200i64..400) {
            let schedule = Schedule::standard();
            let start = day(2020, 1, 1) + chrono::Duration::days(start);
            let span = Span { start, end: Some(start + chrono::Duration::days(length)) };
            for due in schedule.due_dates(span) {
                let on = due.on.unwrap();
                let counted = schedule.timepoint_for(span, on).unwrap();
                prop_assert_eq!(due_on(counted, span), Some(on));
            }
            let answered = start + chrono::Duration::days(offset);
            let nearest = schedule
                .due_dates(span)
                .iter()
                .map(|d| (answered - d.on.unwrap()).num_days().abs())
                .min()
                .unwrap();
            prop_assert_eq!(
                schedule.timepoint_for(span, answered).is_some(),
                nearest <= i64::from(schedule.window_days)
            );
        }
    }
}
