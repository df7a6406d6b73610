//! Outcome instruments: what each asks, how it is answered, how it is scored
//! and what to do with missing answers, with its source and licence.
//!
//! The item texts shipped here are those whose owners let anyone reproduce
//! them. WEMWBS and SWEMWBS are licensed by their owners: only their
//! scoring ships, and an organisation that holds a licence loads the item
//! text itself.

use crate::change::Direction;
use crate::count_as_f64;

/// How an instrument turns answers into a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// The sum of the items; with up to `prorate_missing` items missing, the
    /// mean of those answered times the number of items, rounded.
    Sum {
        /// Missing items tolerated (prorated).
        prorate_missing: usize,
    },
    /// The mean of the items, when no more than `max_missing` are missing.
    Mean {
        /// Missing items tolerated.
        max_missing: usize,
    },
    /// Each item is its own score, never added up (ONS personal wellbeing).
    Separate,
    /// The sum of seven items (7–35), converted to the published metric
    /// score; every item must be answered.
    SwemwbsMetric,
}

/// A named band of a separately scored item (ONS4's "low", "high"...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// The lowest score in the band.
    pub from: i32,
    /// The highest score in the band.
    pub to: i32,
    /// Its name as reports show it ("Low", "Very high").
    pub label: &'static str,
}

/// An outcome instrument: its items and answers, how it is scored, and
/// where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Instrument {
    /// A short stable code (`phq9`).
    pub code: &'static str,
    /// Its full name, with its usual abbreviation.
    pub title: &'static str,
    /// What people are asked before the items.
    pub stem: &'static str,
    /// The items' text; empty for a licensed instrument whose text an
    /// organisation loads itself.
    pub items: &'static [&'static str],
    /// How many items it has.
    pub item_count: usize,
    /// The answer options: value and words.
    pub options: &'static [(i32, &'static str)],
    /// How it is scored.
    pub scoring: Scoring,
    /// Whether a higher score is better.
    pub direction: Direction,
    /// The lowest and highest total (or item) score.
    pub range: (f64, f64),
    /// Internal consistency reported by its authors, for reliable change;
    /// none for single items.
    pub reliability: Option<f64>,
    /// The score at or above which someone counts as a case.
    pub caseness: Option<f64>,
    /// Bands of each item, for separately scored instruments, by item.
    pub bands: &'static [&'static [Band]],
    /// Where it comes from.
    pub source: &'static str,
    /// Under what terms it is reproduced here.
    pub licence: &'static str,
}

const FREQUENCY: &[(i32, &str)] = &[
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
];

/// PHQ-9: depression over the last two weeks.
pub const PHQ9: Instrument = Instrument {
    code: "phq9",
    title: "Patient Health Questionnaire (PHQ-9)",
    stem: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items: &[
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed, or the opposite: being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead, or of hurting yourself in some way",
    ],
    item_count: 9,
    options: FREQUENCY,
    scoring: Scoring::Sum { prorate_missing: 2 },
    direction: Direction::LowerIsBetter,
    range: (0.0, 27.0),
    reliability: Some(0.89),
    caseness: Some(10.0),
    bands: &[],
    source: "Kroenke, Spitzer and Williams (2001), J Gen Intern Med 16: 606-613. Developed by Drs Spitzer, Williams, Kroenke and colleagues with an educational grant from Pfizer Inc.",
    licence: "No permission is required to reproduce, translate, display or distribute.",
};

/// GAD-7: anxiety over the last two weeks.
pub const GAD7: Instrument = Instrument {
    code: "gad7",
    title: "Generalised Anxiety Disorder scale (GAD-7)",
    stem: "Over the last 2 weeks, how often have you been bothered by the following problems?",
    items: &[
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ],
    item_count: 7,
    options: FREQUENCY,
    scoring: Scoring::Sum { prorate_missing: 1 },
    direction: Direction::LowerIsBetter,
    range: (0.0, 21.0),
    reliability: Some(0.92),
    caseness: Some(8.0),
    bands: &[],
    source: "Spitzer, Kroenke, Williams and Löwe (2006), Arch Intern Med 166: 1092-1097. Developed with an educational grant from Pfizer Inc.",
    licence: "No permission is required to reproduce, translate, display or distribute.",
};

const CONFIDENCE: &[(i32, &str)] = &[
    (1, "1: not at all confident"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5"),
    (6, "6"),
    (7, "7"),
    (8, "8"),
    (9, "9"),
    (10, "10: totally confident"),
];

/// SEMCD-6: confidence in managing a long-term condition.
pub const SEMCD6: Instrument = Instrument {
    code: "semcd6",
    title: "Self-Efficacy for Managing Chronic Disease (SEMCD-6)",
    stem: "How confident are you that you can...",
    items: &[
        "keep the fatigue caused by your disease from interfering with the things you want to do?",
        "keep the physical discomfort or pain of your disease from interfering with the things you want to do?",
        "keep the emotional distress caused by your disease from interfering with the things you want to do?",
        "keep any other symptoms or health problems you have from interfering with the things you want to do?",
        "do the different tasks and activities needed to manage your health condition so as to reduce your need to see a doctor?",
        "do things other than just taking medication to reduce how much your illness affects your everyday life?",
    ],
    item_count: 6,
    options: CONFIDENCE,
    scoring: Scoring::Mean { max_missing: 2 },
    direction: Direction::HigherIsBetter,
    range: (1.0, 10.0),
    reliability: Some(0.91),
    caseness: None,
    bands: &[],
    source: "Lorig, Sobel, Ritter, Laurent and Hobbs (2001), Effective Clinical Practice 4: 256-262; Stanford Patient Education Research Center.",
    licence: "Free to use without permission (Stanford Patient Education Research Center).",
};

const TRUTH: &[(i32, &str)] = &[
    (1, "Not at all true"),
    (2, "Hardly true"),
    (3, "Moderately true"),
    (4, "Exactly true"),
];

/// GSE-10: general self-efficacy.
pub const GSE10: Instrument = Instrument {
    code: "gse10",
    title: "General Self-Efficacy Scale (GSE)",
    stem: "How true is each of these for you?",
    items: &[
        "I can always manage to solve difficult problems if I try hard enough.",
        "If someone opposes me, I can find the means and ways to get what I want.",
        "It is easy for me to stick to my aims and accomplish my goals.",
        "I am confident that I could deal efficiently with unexpected events.",
        "Thanks to my resourcefulness, I know how to handle unforeseen situations.",
        "I can solve most problems if I invest the necessary effort.",
        "I can remain calm when facing difficulties because I can rely on my coping abilities.",
        "When I am confronted with a problem, I can usually find several solutions.",
        "If I am in trouble, I can usually think of a solution.",
        "I can usually handle whatever comes my way.",
    ],
    item_count: 10,
    options: TRUTH,
    scoring: Scoring::Sum { prorate_missing: 3 },
    direction: Direction::HigherIsBetter,
    range: (10.0, 40.0),
    reliability: Some(0.86),
    caseness: None,
    bands: &[],
    source: "Schwarzer and Jerusalem (1995), in Weinman, Wright and Johnston, Measures in health psychology: a user's portfolio, 35-37. NFER-Nelson.",
    licence: "Free for non-commercial research and service evaluation, as its authors state.",
};

const ZERO_TO_TEN: &[(i32, &str)] = &[
    (0, "0: not at all"),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5"),
    (6, "6"),
    (7, "7"),
    (8, "8"),
    (9, "9"),
    (10, "10: completely"),
];

const ONS_POSITIVE: &[Band] = &[
    Band {
        from: 0,
        to: 4,
        label: "Low",
    },
    Band {
        from: 5,
        to: 6,
        label: "Medium",
    },
    Band {
        from: 7,
        to: 8,
        label: "High",
    },
    Band {
        from: 9,
        to: 10,
        label: "Very high",
    },
];

const ONS_ANXIETY: &[Band] = &[
    Band {
        from: 0,
        to: 1,
        label: "Very low",
    },
    Band {
        from: 2,
        to: 3,
        label: "Low",
    },
    Band {
        from: 4,
        to: 5,
        label: "Medium",
    },
    Band {
        from: 6,
        to: 10,
        label: "High",
    },
];

/// ONS4: the four ONS personal wellbeing questions, each reported on its own.
pub const ONS4: Instrument = Instrument {
    code: "ons4",
    title: "ONS personal wellbeing (ONS4)",
    stem: "Answer each on a scale of 0 to 10, where 0 is \"not at all\" and 10 is \"completely\".",
    items: &[
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "Overall, how anxious did you feel yesterday?",
    ],
    item_count: 4,
    options: ZERO_TO_TEN,
    scoring: Scoring::Separate,
    direction: Direction::HigherIsBetter,
    range: (0.0, 10.0),
    reliability: None,
    caseness: None,
    bands: &[ONS_POSITIVE, ONS_POSITIVE, ONS_POSITIVE, ONS_ANXIETY],
    source: "Office for National Statistics, Personal well-being user guidance.",
    licence: "Open Government Licence v3.0.",
};

/// UCLA 3-item loneliness scale (3 to 9; higher is lonelier).
pub const UCLA3: Instrument = Instrument {
    code: "ucla3",
    title: "Three-item loneliness scale (UCLA-3)",
    stem: "How often do you feel...",
    items: &[
        "that you lack companionship?",
        "left out?",
        "isolated from others?",
    ],
    item_count: 3,
    options: &[(1, "Hardly ever"), (2, "Some of the time"), (3, "Often")],
    scoring: Scoring::Sum { prorate_missing: 0 },
    direction: Direction::LowerIsBetter,
    range: (3.0, 9.0),
    reliability: Some(0.72),
    caseness: None,
    bands: &[],
    source: "Hughes, Waite, Hawkley and Cacioppo (2004), Research on Aging 26: 655-672; recommended by ONS for measuring loneliness.",
    licence: "Free to use; as published by ONS under the Open Government Licence v3.0.",
};

const AGREEMENT_OF_TIME: &[(i32, &str)] = &[
    (1, "None of the time"),
    (2, "Rarely"),
    (3, "Some of the time"),
    (4, "Often"),
    (5, "All of the time"),
];

/// WEMWBS: 14 items, 14 to 70. Scoring only: the item text is licensed.
pub const WEMWBS: Instrument = Instrument {
    code: "wemwbs",
    title: "Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)",
    stem: "Below are some statements about feelings and thoughts. Choose the answer that best describes your experience of each over the last 2 weeks.",
    items: &[],
    item_count: 14,
    options: AGREEMENT_OF_TIME,
    scoring: Scoring::Sum { prorate_missing: 0 },
    direction: Direction::HigherIsBetter,
    range: (14.0, 70.0),
    reliability: Some(0.89),
    caseness: None,
    bands: &[],
    source: "Tennant et al. (2007), Health and Quality of Life Outcomes 5: 63.",
    licence: "Licensed by Warwick Medical School: register for a licence, then load the item text.",
};

/// SWEMWBS: 7 items, raw 7 to 35 converted to the metric score. Scoring
/// only: the item text is licensed.
pub const SWEMWBS: Instrument = Instrument {
    code: "swemwbs",
    title: "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    stem: "Below are some statements about feelings and thoughts. Choose the answer that best describes your experience of each over the last 2 weeks.",
    items: &[],
    item_count: 7,
    options: AGREEMENT_OF_TIME,
    scoring: Scoring::SwemwbsMetric,
    direction: Direction::HigherIsBetter,
    range: (7.0, 35.0),
    reliability: Some(0.84),
    caseness: None,
    bands: &[],
    source: "Stewart-Brown et al. (2009), Health and Quality of Life Outcomes 7: 15; metric conversion table from the same.",
    licence: "Licensed by Warwick Medical School: register for a licence, then load the item text.",
};

/// Every instrument Alongside knows.
pub const ALL: [&Instrument; 8] = [
    &PHQ9, &GAD7, &SEMCD6, &GSE10, &ONS4, &UCLA3, &WEMWBS, &SWEMWBS,
];

/// What a programme collects unless it chooses otherwise: confidence in
/// managing a condition, loneliness and personal wellbeing, the outcomes
/// peer support for long-term conditions aims at.
pub const DEFAULT: [&Instrument; 3] = [&SEMCD6, &UCLA3, &ONS4];

/// The instrument with `code`.
#[must_use]
pub fn by_code(code: &str) -> Option<&'static Instrument> {
    ALL.iter().copied().find(|i| i.code == code)
}

/// SWEMWBS metric scores for raw totals 7 to 35 (Stewart-Brown et al. 2009).
const SWEMWBS_METRIC: [f64; 29] = [
    7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59,
    19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70,
    32.55, 35.00,
];

/// The SWEMWBS metric score of a raw total from 7 to 35.
#[must_use]
pub fn swemwbs_metric(raw: i32) -> Option<f64> {
    usize::try_from(raw - 7)
        .ok()
        .and_then(|i| SWEMWBS_METRIC.get(i))
        .copied()
}

/// A scored response.
#[derive(Debug, Clone, PartialEq)]
pub enum Scored {
    /// One total score: a sum, a mean or a converted score.
    Total(f64),
    /// Each item on its own, with its band.
    Items(Vec<(f64, &'static str)>),
}

impl Scored {
    /// The total, for instruments that have one.
    #[must_use]
    pub fn total(&self) -> Option<f64> {
        match self {
            Self::Total(t) => Some(*t),
            Self::Items(_) => None,
        }
    }
}

/// Why a response cannot be scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotScored {
    /// The number of answers is not the number of items.
    WrongLength {
        /// Items expected.
        expected: usize,
        /// Answers given.
        given: usize,
    },
    /// An answer that is not one of the options.
    NotAnOption {
        /// The item, from 1.
        item: usize,
        /// The value given.
        value: i32,
    },
    /// More items missing than the instrument's rule allows.
    TooManyMissing {
        /// Items missing.
        missing: usize,
        /// Items the rule tolerates.
        allowed: usize,
    },
}

impl std::fmt::Display for NotScored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WrongLength { expected, given } => {
                write!(f, "{given} answers for {expected} questions")
            }
            Self::NotAnOption { item, value } => {
                write!(f, "question {item}: {value} is not one of the answers")
            }
            Self::TooManyMissing { missing, allowed } => write!(
                f,
                "{missing} questions unanswered; it can be scored with at most {allowed}"
            ),
        }
    }
}

impl std::error::Error for NotScored {}

impl Instrument {
    /// Whether the item text ships with Alongside.
    #[must_use]
    pub fn has_text(&self) -> bool {
        !self.items.is_empty()
    }

    /// Scores `answers` (one per item, none when unanswered) by the
    /// instrument's rule.
    ///
    /// # Errors
    /// [`NotScored`] for the wrong number of answers, a value that is not an
    /// option, or more missing answers than the rule allows.
    pub fn score(&self, answers: &[Option<i32>]) -> Result<Scored, NotScored> {
        if answers.len() != self.item_count {
            return Err(NotScored::WrongLength {
                expected: self.item_count,
                given: answers.len(),
            });
        }
        for (i, a) in answers.iter().enumerate() {
            if let Some(v) = a
                && !self.options.iter().any(|(o, _)| o == v)
            {
                return Err(NotScored::NotAnOption {
                    item: i + 1,
                    value: *v,
                });
            }
        }
        let given: Vec<f64> = answers.iter().flatten().map(|&v| f64::from(v)).collect();
        let missing = self.item_count - given.len();
        let allowed = match self.scoring {
            Scoring::Sum { prorate_missing } => prorate_missing,
            Scoring::Mean { max_missing } => max_missing,
            Scoring::Separate => self.item_count - 1,
            Scoring::SwemwbsMetric => 0,
        };
        if missing > allowed || given.is_empty() {
            return Err(NotScored::TooManyMissing { missing, allowed });
        }
        let mean = given.iter().sum::<f64>() / count_as_f64(given.len());
        Ok(match self.scoring {
            Scoring::Sum { .. } => Scored::Total((mean * count_as_f64(self.item_count)).round()),
            Scoring::Mean { .. } => Scored::Total(mean),
            Scoring::SwemwbsMetric => {
                let raw = answers.iter().flatten().sum::<i32>();
                Scored::Total(swemwbs_metric(raw).unwrap_or(f64::NAN))
            }
            Scoring::Separate => Scored::Items(
                answers
                    .iter()
                    .enumerate()
                    .map(|(i, a)| match a {
                        Some(v) => {
                            let band = self
                                .bands
                                .get(i)
                                .and_then(|bands| {
                                    bands.iter().find(|b| (b.from..=b.to).contains(v))
                                })
                                .map_or("", |b| b.label);
                            (f64::from(*v), band)
                        }
                        None => (f64::NAN, ""),
                    })
                    .collect(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the range's ends are whole numbers, and the scores of all-lowest or \
                  all-highest answers come out exactly"
    )]
    fn every_instrument_is_consistent() {
        for i in ALL {
            assert!(
                i.items.is_empty() || i.items.len() == i.item_count,
                "{}",
                i.code
            );
            assert!(!i.source.is_empty() && !i.licence.is_empty(), "{}", i.code);
            assert_eq!(by_code(i.code), Some(i));
            // The lowest and highest answers give the range's ends.
            let low = i.options.first().unwrap().0;
            let high = i.options.last().unwrap().0;
            for (value, end) in [(low, i.range.0), (high, i.range.1)] {
                match i.score(&vec![Some(value); i.item_count]).unwrap() {
                    Scored::Total(t) => assert_eq!(t, end, "{}", i.code),
                    Scored::Items(items) => assert!(items.iter().all(|(v, _)| *v == end)),
                }
            }
        }
        assert!(
            !WEMWBS.has_text() && !SWEMWBS.has_text(),
            "licensed text does not ship"
        );
        assert!(PHQ9.has_text() && ONS4.has_text());
    }

    #[test]
    fn phq9_sums_and_prorates_up_to_two_missing() {
        let all = [1, 2, 0, 3, 1, 1, 2, 0, 0].map(Some);
        assert_eq!(PHQ9.score(&all), Ok(Scored::Total(10.0)));
        // Two missing: the mean of seven answers (6/7) times nine is 7.7,
        // rounded to 8.
        let mut two = all;
        two[0] = None;
        two[3] = None;
        assert_eq!(PHQ9.score(&two), Ok(Scored::Total(8.0)));
        let mut three = two;
        three[8] = None;
        assert_eq!(
            PHQ9.score(&three),
            Err(NotScored::TooManyMissing {
                missing: 3,
                allowed: 2
            })
        );
        assert_eq!(
            PHQ9.score(&[Some(4); 9]),
            Err(NotScored::NotAnOption { item: 1, value: 4 })
        );
        assert!(matches!(
            PHQ9.score(&[Some(1); 8]),
            Err(NotScored::WrongLength { .. })
        ));
    }

    #[test]
    fn semcd6_is_a_mean_unless_more_than_two_are_missing() {
        let answers = [Some(6), Some(7), None, Some(8), None, Some(5)];
        assert_eq!(SEMCD6.score(&answers), Ok(Scored::Total(6.5)));
        let too_few = [Some(6), None, None, Some(8), None, Some(5)];
        assert!(SEMCD6.score(&too_few).is_err());
    }

    #[test]
    fn ons4_items_stay_separate_with_bands() {
        let scored = ONS4.score(&[Some(7), Some(9), Some(4), Some(6)]).unwrap();
        assert_eq!(
            scored,
            Scored::Items(vec![
                (7.0, "High"),
                (9.0, "Very high"),
                (4.0, "Low"),
                (6.0, "High")
            ])
        );
        assert_eq!(scored.total(), None, "never summed");
    }

    #[test]
    fn ucla3_and_gad7() {
        assert_eq!(
            UCLA3.score(&[Some(1), Some(3), Some(2)]),
            Ok(Scored::Total(6.0))
        );
        assert!(UCLA3.score(&[Some(1), None, Some(2)]).is_err());
        let one_missing = [Some(2), Some(2), None, Some(1), Some(1), Some(2), Some(2)];
        // 10 over six answers, times seven: 11.67, rounded to 12.
        assert_eq!(GAD7.score(&one_missing), Ok(Scored::Total(12.0)));
    }

    #[test]
    fn swemwbs_uses_the_metric_table() {
        assert_eq!(swemwbs_metric(7), Some(7.0));
        assert_eq!(swemwbs_metric(21), Some(19.25));
        assert_eq!(swemwbs_metric(35), Some(35.0));
        assert_eq!(swemwbs_metric(6), None);
        assert_eq!(swemwbs_metric(36), None);
        let answers = [3, 3, 3, 3, 3, 3, 3].map(Some);
        assert_eq!(SWEMWBS.score(&answers), Ok(Scored::Total(19.25)));
        // The table rises with the raw score.
        assert!(SWEMWBS_METRIC.windows(2).all(|w| w[0] < w[1]));
        let mut one_missing = answers;
        one_missing[2] = None;
        assert!(SWEMWBS.score(&one_missing).is_err());
    }
}
