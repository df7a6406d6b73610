//! Whether a person and a supporter can be paired, and how well: the hard
//! constraints that remove a pair ([`Barrier`]) and the named parts of a
//! pair's score ([`Part`]), weighed per programme ([`Weights`]).

use std::collections::BTreeSet;
use std::fmt;

use alongside_domain::peer_match::ExclusionReason;
use alongside_domain::preferences::{Channel, GenderPreference, WeeklySlot};
use alongside_domain::supporter::{AgeBand, Gender, SupporterStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where someone lives, as far as matching needs: the two parts of a UK
/// postcode's outward code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    /// The postcode area, the letters at the start (`LS`).
    pub area: String,
    /// The outward code (`LS6`).
    pub district: String,
}

impl Place {
    /// The place of a postcode such as `LS6 1AA` (any case, any spacing);
    /// empty parts when there is none.
    #[must_use]
    pub fn of_postcode(postcode: &str) -> Self {
        let compact: String = postcode
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        // The inward code is always the last three characters.
        let district = if compact.len() > 3 {
            compact[..compact.len() - 3].to_owned()
        } else {
            compact
        };
        let area = district
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        Self { area, district }
    }

    /// A cautious estimate of the miles between two places from postcodes
    /// alone: 2 within a district, 10 within an area, and none (too far to
    /// tell) otherwise.
    #[must_use]
    pub fn miles_to(&self, other: &Place) -> Option<u32> {
        if self.district.is_empty() || other.district.is_empty() {
            None
        } else if self.district == other.district {
            Some(2)
        } else if self.area == other.area {
            Some(10)
        } else {
            None
        }
    }
}

/// A person on a waiting list, as matching sees them.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// Long-term conditions, in words.
    pub conditions: Vec<String>,
    /// Lived experience beyond conditions (being a carer, say).
    pub lived_experience: Vec<String>,
    /// Interests, in their own words.
    pub interests: Vec<String>,
    /// Preferred language; empty is taken as English.
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter_needed: bool,
    /// How support may reach them; empty for any way.
    pub channels: BTreeSet<Channel>,
    /// The peer they would prefer.
    pub peer_gender: Option<GenderPreference>,
    /// Whether sharing a condition matters to them.
    pub shared_condition_wanted: bool,
    /// When they are free; empty for any time.
    pub availability: BTreeSet<WeeklySlot>,
    /// Where they live.
    pub place: Place,
    /// How far they would travel to meet, in miles.
    pub travel_miles: Option<u8>,
    /// Their age band, when their date of birth is known.
    pub age_band: Option<AgeBand>,
    /// Days since the referral was made.
    pub days_waiting: u32,
}

/// A peer supporter, as matching sees them.
#[derive(Debug, Clone)]
pub struct Supporter {
    /// Active, paused or left; only an active supporter takes on someone new.
    pub status: SupporterStatus,
    /// When their checks run out.
    pub checks_valid_until: Option<NaiveDate>,
    /// Names of the training courses they have completed.
    pub training: Vec<String>,
    /// Places left in their caseload.
    pub free_places: u32,
    /// Their gender, checked against the peer a person prefers.
    pub gender: Gender,
    /// Their age band, for the closeness-in-age part of the score.
    pub age_band: AgeBand,
    /// Languages they speak; none listed is taken as English only.
    pub languages: Vec<String>,
    /// Conditions lived with.
    pub conditions: Vec<String>,
    /// Other lived experience.
    pub lived_experience: Vec<String>,
    /// Interests, in their own words.
    pub interests: Vec<String>,
    /// Weekly times free to give support.
    pub availability: BTreeSet<WeeklySlot>,
    /// How they can give support.
    pub channels: BTreeSet<Channel>,
    /// Where they live.
    pub place: Place,
    /// How far they would travel to meet, in miles.
    pub travel_miles: u8,
}

/// What the whole run shares: the day, the programme's rules and weights.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The day of the run, for checks that run out.
    pub today: NaiveDate,
    /// Training every supporter of the programme must have done.
    pub required_training: Vec<String>,
    /// Whether the service can book interpreters.
    pub interpreter_available: bool,
    /// How much each part of the score counts.
    pub weights: Weights,
}

/// A hard constraint that removes a pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Barrier {
    /// The supporter is paused or has left.
    NotActive,
    /// The supporter's checks are missing or ran out.
    ChecksNotValid,
    /// The supporter has not done the programme's required training.
    TrainingMissing,
    /// The supporter's caseload is full.
    NoFreePlace,
    /// No weekly time in common.
    NoCommonTime,
    /// No language in common, and no interpreter for it.
    NoCommonLanguage,
    /// No way of meeting that both can use.
    NoCommonChannel,
    /// The person prefers a peer of another gender.
    GenderPreference,
    /// Face to face is the only way, and it is beyond the travel distance.
    TooFar,
    /// The pair was excluded.
    Excluded(ExclusionReason),
}

impl Barrier {
    /// What a coordinator could change about it, in a few words.
    #[must_use]
    pub fn remedy(&self) -> &'static str {
        match self {
            Self::NotActive => "bring back a paused supporter",
            Self::ChecksNotValid => "renew supporters' checks",
            Self::TrainingMissing => "complete supporters' required training",
            Self::NoFreePlace => "recruit supporters or raise caseloads",
            Self::NoCommonTime => {
                "recruit a supporter free at the person's times, or ask about other times"
            }
            Self::NoCommonLanguage => {
                "recruit a supporter who speaks their language, or book an interpreter"
            }
            Self::NoCommonChannel => "offer another way of meeting",
            Self::GenderPreference => "recruit a supporter of the gender they prefer",
            Self::TooFar => "widen the travel distance, or offer phone or video",
            Self::Excluded(_) => "nothing: the pair was excluded on purpose",
        }
    }
}

impl fmt::Display for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotActive => "Supporter not active",
            Self::ChecksNotValid => "Checks missing or out of date",
            Self::TrainingMissing => "Required training not done",
            Self::NoFreePlace => "No free place",
            Self::NoCommonTime => "No weekly time in common",
            Self::NoCommonLanguage => "No language in common",
            Self::NoCommonChannel => "No way of meeting in common",
            Self::GenderPreference => "Not the gender the person prefers",
            Self::TooFar => "Too far to meet face to face",
            Self::Excluded(reason) => match reason {
                ExclusionReason::DeclinedBefore => "Declined before",
                ExclusionReason::RejectedByCoordinator => "Rejected by a coordinator",
                ExclusionReason::ConflictOfInterest => "Conflict of interest",
                ExclusionReason::EndedBadly => "An earlier match ended badly",
            },
        })
    }
}

/// A named part of a pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// They have lived with the same condition.
    SharedCondition,
    /// Other lived experience in common.
    LivedExperience,
    /// Close in age.
    AgeBand,
    /// Interests in common.
    Interests,
    /// Living near each other.
    Distance,
    /// Weekly times in common.
    Availability,
    /// How long the person has waited.
    Waiting,
}

impl Part {
    /// Every part, in the order the breakdown shows them.
    pub const ALL: [Part; 7] = [
        Self::SharedCondition,
        Self::LivedExperience,
        Self::AgeBand,
        Self::Interests,
        Self::Distance,
        Self::Availability,
        Self::Waiting,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SharedCondition => "shared_condition",
            Self::LivedExperience => "lived_experience",
            Self::AgeBand => "age_band",
            Self::Interests => "interests",
            Self::Distance => "distance",
            Self::Availability => "availability",
            Self::Waiting => "waiting",
        }
    }

    /// Words for the breakdown.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::SharedCondition => "Shared condition",
            Self::LivedExperience => "Shared lived experience",
            Self::AgeBand => "Close in age",
            Self::Interests => "Shared interests",
            Self::Distance => "Live nearby",
            Self::Availability => "Weekly times in common",
            Self::Waiting => "Time waiting",
        }
    }

    /// What one unit of the part is, for the weights form.
    #[must_use]
    pub const fn unit(self) -> &'static str {
        match self {
            Self::SharedCondition => {
                "points when they share a condition (twice as many when the person asked for it)"
            }
            Self::LivedExperience => "points for each other experience in common",
            Self::AgeBand => "points in the same age band, half in the next one",
            Self::Interests => "points for each interest in common",
            Self::Distance => "points in the same postcode district, half in the same area",
            Self::Availability => "points for each weekly time in common",
            Self::Waiting => "points for each full week waited, up to 26 weeks",
        }
    }
}

/// How much each part counts, per programme. Whole numbers from 0 to 1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Weight of a shared condition ([`Part::SharedCondition`]).
    pub shared_condition: u16,
    /// Weight of each other lived experience in common
    /// ([`Part::LivedExperience`]).
    pub lived_experience: u16,
    /// Weight of being close in age ([`Part::AgeBand`]).
    pub age_band: u16,
    /// Weight of each interest in common ([`Part::Interests`]).
    pub interests: u16,
    /// Weight of living near each other ([`Part::Distance`]).
    pub distance: u16,
    /// Weight of each weekly time in common ([`Part::Availability`]).
    pub availability: u16,
    /// Weight of each full week the person has waited ([`Part::Waiting`]).
    pub waiting: u16,
}

impl Default for Weights {
    /// Lived experience first, then practicalities; waiting breaks ties
    /// between people competing for the same supporter.
    fn default() -> Self {
        Self {
            shared_condition: 40,
            lived_experience: 15,
            age_band: 10,
            interests: 5,
            distance: 10,
            availability: 4,
            waiting: 2,
        }
    }
}

impl Weights {
    /// The largest weight a part may have.
    pub const MAX: u16 = 1000;

    /// The weight of `part`.
    #[must_use]
    pub const fn of(&self, part: Part) -> u16 {
        match part {
            Part::SharedCondition => self.shared_condition,
            Part::LivedExperience => self.lived_experience,
            Part::AgeBand => self.age_band,
            Part::Interests => self.interests,
            Part::Distance => self.distance,
            Part::Availability => self.availability,
            Part::Waiting => self.waiting,
        }
    }

    /// Sets the weight of `part`, capped at [`Weights::MAX`].
    pub fn set(&mut self, part: Part, weight: u16) {
        let weight = weight.min(Self::MAX);
        match part {
            Part::SharedCondition => self.shared_condition = weight,
            Part::LivedExperience => self.lived_experience = weight,
            Part::AgeBand => self.age_band = weight,
            Part::Interests => self.interests = weight,
            Part::Distance => self.distance = weight,
            Part::Availability => self.availability = weight,
            Part::Waiting => self.waiting = weight,
        }
    }
}

/// A pair's score: each part, and their sum.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Score {
    /// The parts that count, in [`Part::ALL`] order; parts worth 0 are left
    /// out.
    pub parts: Vec<(Part, i64)>,
    /// The sum of the parts.
    pub total: i64,
}

/// The base every possible pair starts from, so that a pair with nothing in
/// common still counts for something.
pub const BASE: i64 = 1;

fn words_in_common(a: &[String], b: &[String]) -> usize {
    a.iter()
        .filter(|x| {
            let x = x.trim().to_lowercase();
            !x.is_empty() && b.iter().any(|y| y.trim().to_lowercase() == x)
        })
        .count()
}

/// Whether two condition names refer to the same condition: equal, or one
/// contains the other ("diabetes" and "type 2 diabetes").
fn same_condition(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Conditions both have lived with, in the person's words.
#[must_use]
pub fn shared_conditions<'a>(person: &'a Person, supporter: &Supporter) -> Vec<&'a str> {
    person
        .conditions
        .iter()
        .filter(|c| supporter.conditions.iter().any(|s| same_condition(c, s)))
        .map(String::as_str)
        .collect()
}

/// The weekly times both are free (all of the supporter's when the person
/// is free any time).
fn common_times(person: &Person, supporter: &Supporter) -> usize {
    if person.availability.is_empty() {
        supporter.availability.len()
    } else {
        person
            .availability
            .intersection(&supporter.availability)
            .count()
    }
}

/// The one-to-one ways of meeting both can use.
fn common_channels(person: &Person, supporter: &Supporter) -> BTreeSet<Channel> {
    supporter
        .channels
        .iter()
        .copied()
        .filter(|c| *c != Channel::Group)
        .filter(|c| person.channels.is_empty() || person.channels.contains(c))
        .collect()
}

/// Barriers that depend on the supporter alone.
#[must_use]
pub fn supporter_barriers(supporter: &Supporter, rules: &Rules) -> Vec<Barrier> {
    let mut out = Vec::new();
    if supporter.status != SupporterStatus::Active {
        out.push(Barrier::NotActive);
    }
    if supporter
        .checks_valid_until
        .is_none_or(|until| until < rules.today)
    {
        out.push(Barrier::ChecksNotValid);
    }
    if rules.required_training.iter().any(|course| {
        !supporter
            .training
            .iter()
            .any(|t| t.trim().eq_ignore_ascii_case(course.trim()))
    }) {
        out.push(Barrier::TrainingMissing);
    }
    if supporter.free_places == 0 {
        out.push(Barrier::NoFreePlace);
    }
    out
}

/// Every barrier between the two; empty when they can be paired.
#[must_use]
pub fn barriers(
    person: &Person,
    supporter: &Supporter,
    excluded: Option<ExclusionReason>,
    rules: &Rules,
) -> Vec<Barrier> {
    let mut out = supporter_barriers(supporter, rules);
    if common_times(person, supporter) == 0 {
        out.push(Barrier::NoCommonTime);
    }
    let speaks = |language: &str| {
        if supporter.languages.is_empty() {
            // A record with no language listed is taken to be English only.
            language.trim().eq_ignore_ascii_case("english")
        } else {
            supporter
                .languages
                .iter()
                .any(|l| l.trim().eq_ignore_ascii_case(language.trim()))
        }
    };
    let language = if person.language.trim().is_empty() {
        "English"
    } else {
        &person.language
    };
    let interpreter = person.interpreter_needed && rules.interpreter_available;
    if !(speaks(language) || interpreter) {
        out.push(Barrier::NoCommonLanguage);
    }
    let channels = common_channels(person, supporter);
    if channels.is_empty() {
        out.push(Barrier::NoCommonChannel);
    } else if channels.len() == 1 && channels.contains(&Channel::FaceToFace) {
        let reach = person
            .travel_miles
            .map_or(u32::from(supporter.travel_miles), |m| {
                u32::from(m.min(supporter.travel_miles))
            });
        if person
            .place
            .miles_to(&supporter.place)
            .is_none_or(|miles| miles > reach)
        {
            out.push(Barrier::TooFar);
        }
    }
    let gender_ok = match person.peer_gender {
        None | Some(GenderPreference::NoPreference) => true,
        Some(GenderPreference::Woman) => supporter.gender == Gender::Woman,
        Some(GenderPreference::Man) => supporter.gender == Gender::Man,
    };
    if !gender_ok {
        out.push(Barrier::GenderPreference);
    }
    if let Some(reason) = excluded {
        out.push(Barrier::Excluded(reason));
    }
    out
}

/// The band's place in [`AgeBand::ALL`], youngest first.
fn band_index(band: AgeBand) -> usize {
    AgeBand::ALL
        .iter()
        .position(|b| *b == band)
        .unwrap_or_default()
}

/// A count of things in common, as units of a part of the score. A list
/// holds at most `isize::MAX` elements, so the count always fits.
fn units(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The score of a pair that has no barrier.
#[must_use]
pub fn score(person: &Person, supporter: &Supporter, weights: &Weights) -> Score {
    let weight = |part| i64::from(weights.of(part));
    let mut parts = Vec::new();
    let add = |part: Part, units: i64, parts: &mut Vec<(Part, i64)>| {
        let value = weight(part) * units;
        if value != 0 {
            parts.push((part, value));
        }
    };
    // Units are doubled where a half is possible, and halved back.
    if !shared_conditions(person, supporter).is_empty() {
        add(
            Part::SharedCondition,
            if person.shared_condition_wanted { 2 } else { 1 },
            &mut parts,
        );
    }
    add(
        Part::LivedExperience,
        units(words_in_common(
            &person.lived_experience,
            &supporter.lived_experience,
        )),
        &mut parts,
    );
    if let Some(band) = person.age_band {
        let apart = band_index(band).abs_diff(band_index(supporter.age_band));
        let value = match apart {
            0 => weight(Part::AgeBand),
            1 => weight(Part::AgeBand) / 2,
            _ => 0,
        };
        if value != 0 {
            parts.push((Part::AgeBand, value));
        }
    }
    add(
        Part::Interests,
        units(words_in_common(&person.interests, &supporter.interests)),
        &mut parts,
    );
    let near = match person.place.miles_to(&supporter.place) {
        Some(2) => weight(Part::Distance),
        Some(_) => weight(Part::Distance) / 2,
        None => 0,
    };
    if near != 0 {
        parts.push((Part::Distance, near));
    }
    add(
        Part::Availability,
        units(common_times(person, supporter)),
        &mut parts,
    );
    add(
        Part::Waiting,
        i64::from((person.days_waiting / 7).min(26)),
        &mut parts,
    );
    let total = BASE + parts.iter().map(|(_, v)| v).sum::<i64>();
    Score { parts, total }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alongside_domain::preferences::{DayPart, Weekday};

    pub(crate) fn slot(day: Weekday, part: DayPart) -> WeeklySlot {
        WeeklySlot { day, part }
    }

    pub(crate) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    pub(crate) fn rules() -> Rules {
        Rules {
            today: today(),
            required_training: vec!["Core peer support".into()],
            interpreter_available: false,
            weights: Weights::default(),
        }
    }

    pub(crate) fn person() -> Person {
        Person {
            conditions: vec!["COPD".into()],
            lived_experience: vec!["Carer".into()],
            interests: vec!["Gardening".into()],
            language: "English".into(),
            channels: [Channel::Phone, Channel::FaceToFace].into(),
            availability: [slot(Weekday::Tuesday, DayPart::Morning)].into(),
            place: Place::of_postcode("LS6 1AA"),
            travel_miles: Some(5),
            age_band: Some(AgeBand::From55To64),
            days_waiting: 30,
            ..Person::default()
        }
    }

    pub(crate) fn supporter() -> Supporter {
        Supporter {
            status: SupporterStatus::Active,
            checks_valid_until: NaiveDate::from_ymd_opt(2027, 9, 1),
            training: vec!["core peer support".into()],
            free_places: 2,
            gender: Gender::Woman,
            age_band: AgeBand::From55To64,
            languages: vec!["English".into()],
            conditions: vec!["copd".into()],
            lived_experience: vec!["carer".into()],
            interests: vec!["gardening".into(), "crosswords".into()],
            availability: [
                slot(Weekday::Tuesday, DayPart::Morning),
                slot(Weekday::Friday, DayPart::Evening),
            ]
            .into(),
            channels: [Channel::Phone, Channel::FaceToFace].into(),
            place: Place::of_postcode("ls61bb"),
            travel_miles: 10,
        }
    }

    #[test]
    fn places_from_postcodes() {
        let p = Place::of_postcode("ls6 1aa");
        assert_eq!((p.area.as_str(), p.district.as_str()), ("LS", "LS6"));
        let q = Place::of_postcode("EC1A1BB");
        assert_eq!((q.area.as_str(), q.district.as_str()), ("EC", "EC1A"));
        assert_eq!(p.miles_to(&Place::of_postcode("LS6 3ZZ")), Some(2));
        assert_eq!(p.miles_to(&Place::of_postcode("LS17 5AA")), Some(10));
        assert_eq!(p.miles_to(&q), None);
        assert_eq!(p.miles_to(&Place::default()), None);
    }

    #[test]
    fn a_good_pair_has_no_barrier() {
        assert!(barriers(&person(), &supporter(), None, &rules()).is_empty());
    }

    /// Each hard constraint, alone, removes the pair.
    #[test]
    fn each_constraint_removes_the_pair() {
        type Change = fn(&mut Person, &mut Supporter, &mut Rules);
        let cases: [(Change, Barrier); 11] = [
            (
                |_, s, _| s.status = SupporterStatus::Paused,
                Barrier::NotActive,
            ),
            (
                |_, s, _| s.checks_valid_until = NaiveDate::from_ymd_opt(2026, 11, 23),
                Barrier::ChecksNotValid,
            ),
            (
                |_, s, _| s.checks_valid_until = None,
                Barrier::ChecksNotValid,
            ),
            (
                |_, _, r| r.required_training.push("Safeguarding adults".into()),
                Barrier::TrainingMissing,
            ),
            (|_, s, _| s.free_places = 0, Barrier::NoFreePlace),
            (
                |p, _, _| p.availability = [slot(Weekday::Monday, DayPart::Evening)].into(),
                Barrier::NoCommonTime,
            ),
            (
                |p, _, _| p.language = "Urdu".into(),
                Barrier::NoCommonLanguage,
            ),
            (
                |p, _, _| p.channels = [Channel::Video].into(),
                Barrier::NoCommonChannel,
            ),
            (
                |p, _, _| p.peer_gender = Some(GenderPreference::Man),
                Barrier::GenderPreference,
            ),
            (
                |p, _, _| {
                    p.channels = [Channel::FaceToFace].into();
                    p.place = Place::of_postcode("M1 1AA");
                },
                Barrier::TooFar,
            ),
            (
                |_, _, _| {},
                Barrier::Excluded(ExclusionReason::ConflictOfInterest),
            ),
        ];
        for (change, expected) in cases {
            let (mut p, mut s, mut r) = (person(), supporter(), rules());
            change(&mut p, &mut s, &mut r);
            let excluded = matches!(expected, Barrier::Excluded(_))
                .then_some(ExclusionReason::ConflictOfInterest);
            assert_eq!(
                barriers(&p, &s, excluded, &r),
                vec![expected.clone()],
                "{expected:?}"
            );
        }
    }

    #[test]
    fn allowances_that_keep_a_pair() {
        // An interpreter the service can book bridges languages.
        let mut p = person();
        p.language = "Urdu".into();
        p.interpreter_needed = true;
        let mut r = rules();
        r.interpreter_available = true;
        assert!(barriers(&p, &supporter(), None, &r).is_empty());
        // Distance does not matter when they can also talk by phone.
        let mut p = person();
        p.place = Place::of_postcode("M1 1AA");
        assert!(barriers(&p, &supporter(), None, &rules()).is_empty());
        // Face to face within reach of both: same district is 2 miles.
        p.place = Place::of_postcode("LS6 2AA");
        p.channels = [Channel::FaceToFace].into();
        assert!(barriers(&p, &supporter(), None, &rules()).is_empty());
        // The shorter of the two travel distances counts.
        p.travel_miles = Some(1);
        assert_eq!(
            barriers(&p, &supporter(), None, &rules()),
            vec![Barrier::TooFar]
        );
        // A person free any time shares all the supporter's times.
        let mut p = person();
        p.availability.clear();
        assert!(barriers(&p, &supporter(), None, &rules()).is_empty());
        // A group is not a way of meeting one to one.
        let mut p = person();
        p.channels = [Channel::Group].into();
        assert_eq!(
            barriers(&p, &supporter(), None, &rules()),
            vec![Barrier::NoCommonChannel]
        );
    }

    #[test]
    fn each_part_of_the_score() {
        let w = Weights::default();
        let s = score(&person(), &supporter(), &w);
        let parts: std::collections::BTreeMap<Part, i64> = s.parts.iter().copied().collect();
        assert_eq!(parts[&Part::SharedCondition], 40);
        assert_eq!(parts[&Part::LivedExperience], 15);
        assert_eq!(parts[&Part::AgeBand], 10);
        assert_eq!(parts[&Part::Interests], 5);
        assert_eq!(parts[&Part::Distance], 10);
        assert_eq!(parts[&Part::Availability], 4);
        // 30 days: four full weeks.
        assert_eq!(parts[&Part::Waiting], 8);
        assert_eq!(s.total, BASE + 40 + 15 + 10 + 5 + 10 + 4 + 8);

        let mut p = person();
        p.shared_condition_wanted = true;
        p.age_band = Some(AgeBand::From45To54);
        p.place = Place::of_postcode("LS17 5AA");
        p.days_waiting = 400;
        let parts: std::collections::BTreeMap<Part, i64> =
            score(&p, &supporter(), &w).parts.into_iter().collect();
        assert_eq!(parts[&Part::SharedCondition], 80);
        assert_eq!(parts[&Part::AgeBand], 5);
        assert_eq!(parts[&Part::Distance], 5);
        assert_eq!(parts[&Part::Waiting], 52);

        // Nothing in common: only the base, and no zero parts listed.
        let p = Person {
            availability: [slot(Weekday::Sunday, DayPart::Morning)].into(),
            ..Person::default()
        };
        let s = score(&p, &supporter(), &w);
        assert!(s.parts.is_empty(), "{s:?}");
        assert_eq!(s.total, BASE);
    }

    #[test]
    fn weights_change_the_score_and_are_capped() {
        let mut w = Weights::default();
        w.set(Part::SharedCondition, 5000);
        assert_eq!(w.of(Part::SharedCondition), Weights::MAX);
        w.set(Part::Waiting, 0);
        let s = score(&person(), &supporter(), &w);
        assert!(s.parts.iter().all(|(p, _)| *p != Part::Waiting));
        assert!(s.parts.contains(&(Part::SharedCondition, 1000)));
    }

    #[test]
    fn condition_names_match_loosely() {
        let mut s = supporter();
        s.conditions = vec!["Type 2 diabetes".into()];
        let mut p = person();
        p.conditions = vec!["diabetes".into(), "Asthma".into()];
        assert_eq!(shared_conditions(&p, &s), vec!["diabetes"]);
    }
}
