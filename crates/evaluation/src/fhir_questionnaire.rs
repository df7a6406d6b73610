//! An organisation's own questionnaires in their interchange form, FHIR R4
//! `Questionnaire` JSON: read from a resource another system exported, and
//! written back out the same way, so a measure travels between services.
//! It is also the form in which they are stored. Pure: values in, values out;
//! the HTTP face turns [`Issue`]s into an `OperationOutcome`.
//!
//! Items keep their `linkId`, `text`, `type` (group, display, boolean,
//! integer, decimal, string, text, choice), `required`, `repeats` and
//! `answerOption` (`valueCoding`, `valueString` or `valueInteger`, with an
//! `ordinalValue` extension for its score). Scoring is an extension on the
//! questionnaire whose url ends in `/StructureDefinition/scoring`
//! (`valueCode` sum or mean), with one ending in
//! `/StructureDefinition/higher-is-better` (`valueBoolean`).

use crate::change::Direction;
use crate::questionnaire::{AnswerOption, Custom, Item, ItemType, Scoring};
use serde_json::{Value, json};

/// One problem with a resource: the FHIR issue type (`structure`, `value`,
/// `required`, `invalid`, ...), where it is as `FHIRPath`, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The FHIR `IssueType` code.
    pub code: &'static str,
    /// Where, as `FHIRPath` (`Questionnaire.item[0].type`).
    pub at: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Issue {
    fn new(code: &'static str, at: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            at: at.to_owned(),
            message: message.into(),
        }
    }
}

/// The standard extension for an option's value in a score.
const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// Elements of a Questionnaire read here; others are refused, so nothing
/// is dropped without the sender knowing.
const KNOWN: [&str; 14] = [
    "resourceType",
    "id",
    "meta",
    "url",
    "identifier",
    "version",
    "name",
    "title",
    "status",
    "description",
    "subjectType",
    "copyright",
    "extension",
    "item",
];

const KNOWN_ITEM: [&str; 8] = [
    "linkId",
    "text",
    "type",
    "required",
    "repeats",
    "answerOption",
    "item",
    "extension",
];

fn extension<'a>(element: &'a Value, ends_with: &str) -> Option<&'a Value> {
    element["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"].as_str().is_some_and(|u| u.ends_with(ends_with)))
}

/// Reads a Questionnaire resource into a questionnaire, then checks it.
///
/// # Errors
/// Every problem as an issue at its `FHIRPath`.
pub fn parse(resource: &Value) -> Result<Custom, Vec<Issue>> {
    let mut issues = Vec::new();
    for key in resource.as_object().into_iter().flat_map(|o| o.keys()) {
        if !KNOWN.contains(&key.as_str()) {
            issues.push(Issue::new(
                "structure",
                &format!("Questionnaire.{key}"),
                format!("Unknown or unsupported element '{key}'"),
            ));
        }
    }
    let scoring = match extension(resource, "/StructureDefinition/scoring") {
        None => Scoring::None,
        Some(e) => e["valueCode"]
            .as_str()
            .and_then(Scoring::parse)
            .unwrap_or_else(|| {
                issues.push(Issue::new(
                    "value",
                    "Questionnaire.extension",
                    "The scoring extension takes valueCode sum, mean or none",
                ));
                Scoring::None
            }),
    };
    let direction = match extension(resource, "/StructureDefinition/higher-is-better")
        .map(|e| e["valueBoolean"].as_bool())
    {
        Some(Some(false)) => Direction::LowerIsBetter,
        Some(None) => {
            issues.push(Issue::new(
                "value",
                "Questionnaire.extension",
                "The higher-is-better extension takes valueBoolean",
            ));
            Direction::HigherIsBetter
        }
        _ => Direction::HigherIsBetter,
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().trim().to_owned();
    let items = read_items(&resource["item"], "Questionnaire", &mut issues);
    let custom = Custom {
        title: text(&resource["title"]),
        description: text(&resource["description"]),
        items,
        scoring,
        direction,
    };
    if let Err(problems) = custom.check() {
        issues.extend(
            problems
                .into_iter()
                .map(|p| Issue::new("invalid", &p.at, p.message)),
        );
    }
    if issues.is_empty() {
        Ok(custom)
    } else {
        Err(issues)
    }
}

fn read_items(items: &Value, path: &str, issues: &mut Vec<Issue>) -> Vec<Item> {
    let Some(list) = items.as_array() else {
        if !items.is_null() {
            issues.push(Issue::new(
                "structure",
                &format!("{path}.item"),
                "item must be a list",
            ));
        }
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let here = format!("{path}.item[{i}]");
            for key in item.as_object().into_iter().flat_map(|o| o.keys()) {
                if !KNOWN_ITEM.contains(&key.as_str()) {
                    issues.push(Issue::new(
                        "structure",
                        &format!("{here}.{key}"),
                        format!("Unknown or unsupported element '{key}'"),
                    ));
                }
            }
            let kind = match item["type"].as_str().map(|t| (t, ItemType::parse(t))) {
                Some((_, Some(kind))) => kind,
                Some((other, None)) => {
                    issues.push(Issue::new(
                        "not-supported",
                        &format!("{here}.type"),
                        format!(
                            "Item type '{other}' is not supported: use group, display, boolean, integer, decimal, string, text or choice"
                        ),
                    ));
                    ItemType::Display
                }
                None => {
                    issues.push(Issue::new(
                        "required",
                        &format!("{here}.type"),
                        "Give the item its type",
                    ));
                    ItemType::Display
                }
            };
            let flag = |name: &str, issues: &mut Vec<Issue>| match &item[name] {
                Value::Null => false,
                Value::Bool(b) => *b,
                _ => {
                    issues.push(Issue::new(
                        "value",
                        &format!("{here}.{name}"),
                        format!("{name} is true or false"),
                    ));
                    false
                }
            };
            let required = flag("required", issues);
            let repeats = flag("repeats", issues);
            let options = item["answerOption"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(j, option)| read_option(option, &format!("{here}.answerOption[{j}]"), issues))
                .collect();
            Item {
                link_id: item["linkId"].as_str().unwrap_or_default().to_owned(),
                text: item["text"].as_str().unwrap_or_default().trim().to_owned(),
                kind,
                required,
                repeats,
                options,
                items: read_items(&item["item"], &here, issues),
            }
        })
        .collect()
}

fn read_option(option: &Value, at: &str, issues: &mut Vec<Issue>) -> AnswerOption {
    let (code, display) = if let Some(coding) = option.get("valueCoding") {
        let code = coding["code"].as_str().unwrap_or_default().to_owned();
        let display = coding["display"].as_str().unwrap_or(&code).to_owned();
        (code, display)
    } else if let Some(s) = option["valueString"].as_str() {
        (s.to_owned(), s.to_owned())
    } else if let Some(n) = option["valueInteger"].as_i64() {
        (n.to_string(), n.to_string())
    } else {
        issues.push(Issue::new(
            "not-supported",
            at,
            "Give the option as valueCoding, valueString or valueInteger",
        ));
        (String::new(), String::new())
    };
    let score = match extension(option, "/StructureDefinition/ordinalValue")
        .or_else(|| extension(option, "/StructureDefinition/itemWeight"))
    {
        None => None,
        Some(e) => {
            let value = e["valueDecimal"].as_f64();
            if value.is_none() {
                issues.push(Issue::new(
                    "value",
                    &format!("{at}.extension"),
                    "ordinalValue takes valueDecimal",
                ));
            }
            value
        }
    };
    AnswerOption {
        code,
        display,
        score,
    }
}

/// A questionnaire as a FHIR Questionnaire resource with `id`.
#[must_use]
pub fn to_fhir(id: &str, custom: &Custom, active: bool, base: &str) -> Value {
    let mut resource = json!({
        "resourceType": "Questionnaire",
        "id": id,
        "url": format!("{base}/fhir/Questionnaire/{id}"),
        "title": custom.title,
        "status": if active { "active" } else { "retired" },
        "subjectType": ["Patient"],
        "item": write_items(&custom.items, base, id),
    });
    if !custom.description.is_empty() {
        resource["description"] = json!(custom.description);
    }
    if custom.scoring != Scoring::None {
        resource["extension"] = json!([
            {"url": format!("{base}/fhir/StructureDefinition/scoring"), "valueCode": custom.scoring.code()},
            {"url": format!("{base}/fhir/StructureDefinition/higher-is-better"),
             "valueBoolean": custom.direction == Direction::HigherIsBetter},
        ]);
    }
    resource
}

fn write_items(items: &[Item], base: &str, id: &str) -> Vec<Value> {
    items
        .iter()
        .map(|item| {
            let mut out = json!({
                "linkId": item.link_id,
                "type": item.kind.code(),
            });
            if !item.text.is_empty() {
                out["text"] = json!(item.text);
            }
            if item.kind.answered() {
                out["required"] = json!(item.required);
                out["repeats"] = json!(item.repeats);
            }
            if !item.options.is_empty() {
                let system = format!("{base}/fhir/CodeSystem/{id}-{}", item.link_id);
                out["answerOption"] = item
                    .options
                    .iter()
                    .map(|o| {
                        let mut option = json!({"valueCoding": {"system": system, "code": o.code, "display": o.display}});
                        if let Some(score) = o.score {
                            option["extension"] = json!([{"url": ORDINAL_VALUE, "valueDecimal": score}]);
                        }
                        option
                    })
                    .collect();
            }
            if !item.items.is_empty() {
                out["item"] = json!(write_items(&item.items, base, id));
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "resourceType": "Questionnaire",
            "title": "Getting out and about",
            "status": "active",
            "extension": [{"url": "https://example.org/StructureDefinition/scoring", "valueCode": "sum"}],
            "item": [
                {"linkId": "intro", "type": "display", "text": "About the last month."},
                {"linkId": "g", "type": "group", "text": "Going out", "item": [
                    {"linkId": "days", "type": "integer", "text": "Days you went out", "required": true},
                    {"linkId": "ease", "type": "choice", "text": "How easy was it?", "answerOption": [
                        {"valueCoding": {"code": "hard", "display": "Hard"},
                         "extension": [{"url": ORDINAL_VALUE, "valueDecimal": 0}]},
                        {"valueString": "Easy",
                         "extension": [{"url": ORDINAL_VALUE, "valueDecimal": 2}]}
                    ]},
                    {"linkId": "where", "type": "string", "text": "Where to?", "repeats": true},
                    {"linkId": "alone", "type": "boolean", "text": "Did you go alone?"},
                    {"linkId": "km", "type": "decimal", "text": "Distance"},
                    {"linkId": "notes", "type": "text", "text": "Anything else"}
                ]}
            ]
        })
    }

    #[test]
    fn a_questionnaire_survives_the_round_trip() {
        let custom = parse(&sample()).unwrap();
        assert_eq!(custom.scoring, Scoring::Sum);
        assert_eq!(custom.all_items().len(), 8);
        assert_eq!(custom.items[1].items[1].options[1].code, "Easy");
        assert_eq!(custom.items[1].items[1].options[1].score, Some(2.0));
        let out = to_fhir("abc", &custom, true, "https://alongside.example");
        assert_eq!(out["item"][1]["item"][0]["required"], true);
        assert_eq!(
            out["item"][0].get("required"),
            None,
            "display takes no answer"
        );
        assert_eq!(
            parse(&out).unwrap(),
            custom,
            "what goes out reads back the same"
        );
    }

    #[test]
    fn problems_are_reported_at_their_places() {
        let mut bad = sample();
        bad["item"][1]["item"][0]["type"] = json!("attachment");
        bad["item"][1]["item"][2]["required"] = json!("yes");
        bad["item"][1]["item"][3]["linkId"] = json!("days");
        bad["colour"] = json!("blue");
        let issues = parse(&bad).unwrap_err();
        let at: Vec<String> = issues.iter().map(|i| i.at.clone()).collect();
        for expected in [
            "Questionnaire.colour",
            "Questionnaire.item[1].item[0].type",
            "Questionnaire.item[1].item[2].required",
            "Questionnaire.item[1].item[3].linkId",
        ] {
            assert!(at.iter().any(|a| a == expected), "{expected} in {at:?}");
        }
    }
}
