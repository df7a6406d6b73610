//! Questionnaires an organisation brings itself: their items in the shape
//! of FHIR R4 `Questionnaire` (groups, display text, yes/no, whole and
//! decimal numbers, short and long text, and choices), how answers are
//! checked against them, and how they are scored when they are measures.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::change::Direction;
use crate::count_as_f64;

/// What an item asks for (FHIR `Questionnaire.item.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemType {
    /// Holds other items; no answer of its own.
    Group,
    /// Text to read; no answer.
    Display,
    /// Yes or no.
    Boolean,
    /// A whole number.
    Integer,
    /// A number with a fraction.
    Decimal,
    /// A short line of text.
    String,
    /// Longer text.
    Text,
    /// One of the item's answer options.
    Choice,
}

impl ItemType {
    /// Every item type supported here.
    pub const ALL: [ItemType; 8] = [
        Self::Group,
        Self::Display,
        Self::Boolean,
        Self::Integer,
        Self::Decimal,
        Self::String,
        Self::Text,
        Self::Choice,
    ];

    /// The FHIR code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Display => "display",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::String => "string",
            Self::Text => "text",
            Self::Choice => "choice",
        }
    }

    /// The type of a FHIR code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Whether items of this type take answers.
    #[must_use]
    pub const fn answered(self) -> bool {
        !matches!(self, Self::Group | Self::Display)
    }
}

/// One answer option of a choice item.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOption {
    /// Its code, stored with the answer.
    pub code: String,
    /// What people read.
    pub display: String,
    /// Its value in the score (FHIR `ordinalValue`), when the questionnaire
    /// is scored.
    pub score: Option<f64>,
}

/// One item of a questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its id within the questionnaire (FHIR `linkId`).
    pub link_id: String,
    /// The question, heading or text.
    pub text: String,
    /// What it asks for.
    pub kind: ItemType,
    /// Whether a completed response must answer it.
    pub required: bool,
    /// Whether it takes more than one answer.
    pub repeats: bool,
    /// The options of a choice item.
    pub options: Vec<AnswerOption>,
    /// The items of a group.
    pub items: Vec<Item>,
}

/// How a custom questionnaire is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Not a measure: answers are kept, no score.
    None,
    /// The sum of the scored items.
    Sum,
    /// The mean of the scored items.
    Mean,
}

impl Scoring {
    /// The stored code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sum => "sum",
            Self::Mean => "mean",
        }
    }

    /// The scoring of a stored code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        [Self::None, Self::Sum, Self::Mean]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A questionnaire an organisation brought.
#[derive(Debug, Clone, PartialEq)]
pub struct Custom {
    /// Its title, shown to the people answering it; at most 200
    /// characters.
    pub title: String,
    /// What it is for, shown before the items.
    pub description: String,
    /// Its items, in order.
    pub items: Vec<Item>,
    /// How it is scored.
    pub scoring: Scoring,
    /// Whether a higher score is better (scored ones).
    pub direction: Direction,
}

/// An answer to one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Yes or no.
    Boolean(bool),
    /// A whole number.
    Integer(i64),
    /// A decimal.
    Decimal(f64),
    /// Text (string or text items).
    Text(String),
    /// The code of a choice option.
    Choice(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Boolean(b) => f.write_str(if *b { "Yes" } else { "No" }),
            Self::Integer(n) => write!(f, "{n}"),
            Self::Decimal(d) => write!(f, "{d}"),
            Self::Text(t) | Self::Choice(t) => f.write_str(t),
        }
    }
}

/// Answers by item `linkId`; an item not there is unanswered.
pub type Answers = BTreeMap<String, Vec<Answer>>;

/// A problem found in a questionnaire or in answers: where (a `FHIRPath`
/// from the resource, or a `linkId`) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: a `FHIRPath` into the resource, or the `linkId` of an
    /// answered item.
    pub at: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl Problem {
    fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            at: at.into(),
            message: message.into(),
        }
    }
}

/// Longest text of a question, heading or option, in characters.
pub const MAX_TEXT: usize = 1000;
/// Most items in one questionnaire, groups and display text included.
pub const MAX_ITEMS: usize = 200;
/// Deepest nesting of groups.
pub const MAX_DEPTH: usize = 5;

impl Custom {
    /// Checks the questionnaire's shape: a title; items with unique,
    /// non-empty link ids and text; groups with items and no answers of
    /// their own; display items with neither; choices with distinct option
    /// codes; and, when scored, at least one scored item, every option of a
    /// scored choice with a score.
    ///
    /// # Errors
    /// Every problem, each with its `FHIRPath` in the resource.
    pub fn check(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(Problem::new(
                "Questionnaire.title",
                "Give the questionnaire a title",
            ));
        } else if self.title.chars().count() > 200 {
            problems.push(Problem::new(
                "Questionnaire.title",
                "Keep the title to 200 characters or fewer",
            ));
        }
        if self.items.is_empty() {
            problems.push(Problem::new("Questionnaire.item", "Add at least one item"));
        }
        let mut seen = HashSet::new();
        let mut count = 0;
        check_items(
            &self.items,
            "Questionnaire",
            1,
            &mut seen,
            &mut count,
            &mut problems,
        );
        if count > MAX_ITEMS {
            problems.push(Problem::new(
                "Questionnaire.item",
                format!("A questionnaire has at most {MAX_ITEMS} items"),
            ));
        }
        if self.scoring != Scoring::None {
            let scored = self.scored_items();
            if scored.is_empty() {
                problems.push(Problem::new(
                    "Questionnaire.item",
                    "A scored questionnaire needs integer or decimal items, or choices whose options all have an ordinalValue",
                ));
            }
            if scored.iter().any(|i| i.repeats) {
                problems.push(Problem::new(
                    "Questionnaire.item",
                    "A scored item takes one answer: set repeats to false",
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Every item, depth first, groups before their items.
    #[must_use]
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for item in items {
                out.push(item);
                walk(&item.items, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// The items that count in the score: numbers, and choices whose
    /// options all carry a score.
    #[must_use]
    pub fn scored_items(&self) -> Vec<&Item> {
        self.all_items()
            .into_iter()
            .filter(|i| match i.kind {
                ItemType::Integer | ItemType::Decimal => true,
                ItemType::Choice => {
                    !i.options.is_empty() && i.options.iter().all(|o| o.score.is_some())
                }
                _ => false,
            })
            .collect()
    }

    /// Checks answers against the items: each for an item that takes
    /// answers, of its type, one unless it repeats, a choice among its
    /// options, text of at most [`MAX_TEXT`] characters; with `complete`,
    /// every required item answered.
    ///
    /// # Errors
    /// Every problem, each at its item's `linkId`.
    pub fn check_answers(&self, answers: &Answers, complete: bool) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let items = self.all_items();
        for (link_id, given) in answers {
            let Some(item) = items.iter().find(|i| i.link_id == *link_id) else {
                problems.push(Problem::new(
                    link_id.clone(),
                    format!("'{link_id}' is not an item of this questionnaire"),
                ));
                continue;
            };
            if !item.kind.answered() {
                problems.push(Problem::new(
                    link_id.clone(),
                    format!("'{link_id}' is a {} and takes no answer", item.kind.code()),
                ));
                continue;
            }
            if given.len() > 1 && !item.repeats {
                problems.push(Problem::new(link_id.clone(), "This item takes one answer"));
            }
            for answer in given {
                if let Some(message) = wrong_answer(item, answer) {
                    problems.push(Problem::new(link_id.clone(), message));
                }
            }
        }
        if complete {
            for item in items.iter().filter(|i| i.required && i.kind.answered()) {
                if answers.get(&item.link_id).is_none_or(Vec::is_empty) {
                    problems.push(Problem::new(
                        item.link_id.clone(),
                        format!("Answer \u{201c}{}\u{201d}: it is required", item.text),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The score of checked answers: none when the questionnaire is not
    /// scored or a scored item is unanswered.
    #[must_use]
    pub fn score(&self, answers: &Answers) -> Option<f64> {
        if self.scoring == Scoring::None {
            return None;
        }
        let mut values = Vec::new();
        for item in self.scored_items() {
            let value = match answers.get(&item.link_id)?.first()? {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "scores are floats: a whole-number answer beyond 2^53 becomes \
                              the nearest float, off by less than one part in 2^52"
                )]
                Answer::Integer(n) => *n as f64,
                Answer::Decimal(d) => *d,
                Answer::Choice(code) => item.options.iter().find(|o| o.code == *code)?.score?,
                _ => return None,
            };
            values.push(value);
        }
        let sum: f64 = values.iter().sum();
        match self.scoring {
            Scoring::Sum => Some(sum),
            Scoring::Mean => Some(sum / count_as_f64(values.len())),
            Scoring::None => None,
        }
    }

    /// The lowest and highest score, when every scored item is a choice
    /// (numbers have no bounds).
    #[must_use]
    pub fn range(&self) -> Option<(f64, f64)> {
        let scored = self.scored_items();
        let mut low = 0.0;
        let mut high = 0.0;
        for item in &scored {
            if item.kind != ItemType::Choice {
                return None;
            }
            let values = item.options.iter().filter_map(|o| o.score);
            low += values.clone().fold(f64::INFINITY, f64::min);
            high += values.fold(f64::NEG_INFINITY, f64::max);
        }
        if scored.is_empty() {
            return None;
        }
        Some(match self.scoring {
            Scoring::Mean => {
                let items = count_as_f64(scored.len());
                (low / items, high / items)
            }
            _ => (low, high),
        })
    }
}

fn wrong_answer(item: &Item, answer: &Answer) -> Option<String> {
    let fits = matches!(
        (item.kind, answer),
        (ItemType::Boolean, Answer::Boolean(_))
            | (ItemType::Integer, Answer::Integer(_))
            | (ItemType::Decimal, Answer::Decimal(_) | Answer::Integer(_))
            | (ItemType::String | ItemType::Text, Answer::Text(_))
            | (ItemType::Choice, Answer::Choice(_))
    );
    if !fits {
        return Some(match item.kind {
            ItemType::Boolean => "Answer yes or no".to_owned(),
            ItemType::Integer => "Answer with a whole number, like 3".to_owned(),
            ItemType::Decimal => "Answer with a number, like 2.5".to_owned(),
            ItemType::String | ItemType::Text => "Answer in words".to_owned(),
            _ => "Choose one of the answers".to_owned(),
        });
    }
    match answer {
        Answer::Choice(code) if !item.options.iter().any(|o| o.code == *code) => {
            Some(format!("'{code}' is not one of the answers to choose from"))
        }
        Answer::Text(t) if t.chars().count() > MAX_TEXT => {
            Some(format!("Keep the answer to {MAX_TEXT} characters or fewer"))
        }
        Answer::Decimal(d) if !d.is_finite() => Some("Answer with a number, like 2.5".to_owned()),
        _ => None,
    }
}

fn check_items(
    items: &[Item],
    path: &str,
    depth: usize,
    seen: &mut HashSet<String>,
    count: &mut usize,
    problems: &mut Vec<Problem>,
) {
    for (i, item) in items.iter().enumerate() {
        *count += 1;
        let here = format!("{path}.item[{i}]");
        let link = item.link_id.trim();
        if link.is_empty() || link.len() > 100 || link.chars().any(char::is_whitespace) {
            problems.push(Problem::new(
                format!("{here}.linkId"),
                "Give the item a linkId of 1 to 100 characters without spaces",
            ));
        } else if !seen.insert(link.to_owned()) {
            problems.push(Problem::new(
                format!("{here}.linkId"),
                format!("linkId '{link}' is used twice: each item needs its own"),
            ));
        }
        if item.text.trim().is_empty() && item.kind != ItemType::Group {
            problems.push(Problem::new(
                format!("{here}.text"),
                "Give the item its text",
            ));
        }
        if item.text.chars().count() > MAX_TEXT {
            problems.push(Problem::new(
                format!("{here}.text"),
                format!("Keep the text to {MAX_TEXT} characters or fewer"),
            ));
        }
        match item.kind {
            ItemType::Group if item.items.is_empty() => problems.push(Problem::new(
                format!("{here}.item"),
                "A group holds at least one item",
            )),
            ItemType::Display if item.required || item.repeats => problems.push(Problem::new(
                format!("{here}.required"),
                "Display text takes no answer: it cannot be required or repeat",
            )),
            ItemType::Choice if item.options.is_empty() => problems.push(Problem::new(
                format!("{here}.answerOption"),
                "Give a choice at least one answerOption",
            )),
            _ => {}
        }
        if item.kind != ItemType::Group && !item.items.is_empty() {
            problems.push(Problem::new(
                format!("{here}.item"),
                "Only groups hold other items here",
            ));
        }
        if item.kind != ItemType::Choice && !item.options.is_empty() {
            problems.push(Problem::new(
                format!("{here}.answerOption"),
                "Only choice items have answer options",
            ));
        }
        let mut codes = HashSet::new();
        for (j, option) in item.options.iter().enumerate() {
            let at = format!("{here}.answerOption[{j}]");
            if option.code.trim().is_empty() || option.display.trim().is_empty() {
                problems.push(Problem::new(
                    at.clone(),
                    "Give each option a code and its words",
                ));
            } else if !codes.insert(option.code.as_str()) {
                problems.push(Problem::new(
                    at.clone(),
                    format!("Option code '{}' is used twice", option.code),
                ));
            }
            if option.score.is_some_and(|s| !s.is_finite()) {
                problems.push(Problem::new(at, "An ordinalValue is a number"));
            }
        }
        if depth >= MAX_DEPTH && !item.items.is_empty() {
            problems.push(Problem::new(
                format!("{here}.item"),
                format!("Groups nest at most {MAX_DEPTH} deep"),
            ));
        } else {
            check_items(&item.items, &here, depth + 1, seen, count, problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(code: &str, score: Option<f64>) -> AnswerOption {
        AnswerOption {
            code: code.into(),
            display: format!("Option {code}"),
            score,
        }
    }

    fn item(link: &str, kind: ItemType) -> Item {
        Item {
            link_id: link.into(),
            text: format!("Question {link}"),
            kind,
            required: false,
            repeats: false,
            options: Vec::new(),
            items: Vec::new(),
        }
    }

    fn confidence() -> Custom {
        let scored = |link: &str| Item {
            required: true,
            options: vec![
                option("a", Some(1.0)),
                option("b", Some(2.0)),
                option("c", Some(4.0)),
            ],
            ..item(link, ItemType::Choice)
        };
        Custom {
            title: "Confidence".into(),
            description: String::new(),
            items: vec![
                item("intro", ItemType::Display),
                Item {
                    items: vec![scored("q1"), scored("q2"), item("why", ItemType::Text)],
                    ..item("g", ItemType::Group)
                },
                item("hours", ItemType::Integer),
                Item {
                    repeats: true,
                    options: vec![option("walk", None), option("swim", None)],
                    ..item("activities", ItemType::Choice)
                },
            ],
            scoring: Scoring::Sum,
            direction: Direction::HigherIsBetter,
        }
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        let mut out = Answers::new();
        for (k, v) in pairs {
            out.entry((*k).to_owned()).or_default().push(v.clone());
        }
        out
    }

    #[test]
    fn a_well_made_questionnaire_passes() {
        let q = confidence();
        assert_eq!(q.check(), Ok(()));
        let scored: Vec<_> = q
            .scored_items()
            .iter()
            .map(|i| i.link_id.as_str())
            .collect();
        assert_eq!(
            scored,
            ["q1", "q2", "hours"],
            "the unscored choice is left out"
        );
        assert_eq!(q.range(), None, "a number has no bounds");
    }

    #[test]
    fn every_problem_is_found_at_its_place() {
        let mut q = confidence();
        q.title = " ".into();
        q.items[0].required = true;
        q.items[1].items[1].link_id = "q1".into();
        q.items[2].options.push(option("x", None));
        q.items.push(item("empty", ItemType::Group));
        q.items.push(item("pick", ItemType::Choice));
        let problems = q.check().unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "Questionnaire.title",
                "Questionnaire.item[0].required",
                "Questionnaire.item[1].item[1].linkId",
                "Questionnaire.item[2].answerOption",
                "Questionnaire.item[4].item",
                "Questionnaire.item[5].answerOption",
            ]
        );
        let mut unscorable = confidence();
        unscorable.items.truncate(1);
        unscorable.items.push(item("note", ItemType::String));
        assert!(unscorable.check().is_err(), "scored without scored items");
    }

    #[test]
    fn answers_are_checked_against_their_items() {
        let q = confidence();
        let good = answers(&[
            ("q1", Answer::Choice("a".into())),
            ("q2", Answer::Choice("c".into())),
            ("hours", Answer::Integer(3)),
            ("activities", Answer::Choice("walk".into())),
            ("activities", Answer::Choice("swim".into())),
            ("why", Answer::Text("It helps".into())),
        ]);
        assert_eq!(q.check_answers(&good, true), Ok(()));
        assert_eq!(q.score(&good), Some(1.0 + 4.0 + 3.0));

        let bad = answers(&[
            ("q1", Answer::Choice("z".into())),
            ("q1", Answer::Choice("a".into())),
            ("hours", Answer::Text("three".into())),
            ("intro", Answer::Boolean(true)),
            ("nope", Answer::Integer(1)),
        ]);
        let problems = q.check_answers(&bad, true).unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(at, ["hours", "intro", "nope", "q1", "q1", "q2"]);
        assert!(problems[0].message.contains("whole number"));
        assert!(problems.last().unwrap().message.contains("it is required"));
        assert!(
            q.check_answers(&answers(&[("q1", Answer::Choice("a".into()))]), false)
                .is_ok(),
            "a draft may leave required items"
        );
        let partial = answers(&[("q1", Answer::Choice("a".into()))]);
        assert_eq!(q.score(&partial), None, "every scored item is needed");
    }

    #[test]
    fn a_mean_of_choices_has_a_range() {
        let mut q = confidence();
        q.items.truncate(2);
        q.scoring = Scoring::Mean;
        assert_eq!(q.range(), Some((1.0, 4.0)));
        let given = answers(&[
            ("q1", Answer::Choice("a".into())),
            ("q2", Answer::Choice("b".into())),
        ]);
        assert_eq!(q.score(&given), Some(1.5));
        q.scoring = Scoring::None;
        assert_eq!(q.score(&given), None);
    }

    #[test]
    fn codes_read_back() {
        for t in ItemType::ALL {
            assert_eq!(ItemType::parse(t.code()), Some(t));
        }
        assert_eq!(ItemType::parse("attachment"), None);
        for s in [Scoring::None, Scoring::Sum, Scoring::Mean] {
            assert_eq!(Scoring::parse(s.code()), Some(s));
        }
    }
}
