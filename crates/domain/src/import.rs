//! Referrals from a spreadsheet: CSV (or the tab-separated text a
//! spreadsheet copies), one referral per row, checked row by row with the
//! same rules as the referral form. Nothing is imported unless every row is
//! valid, so a service moving in from Excel can fix its file and try again.

use crate::person::{ConditionInput, PersonInput};
use crate::preferences::PreferencesInput;
use crate::referral::{Identity, NewReferral, ReferralInput, likely_duplicate};
use crate::validation::GivenDate;

/// Most rows one import takes.
pub const MAX_ROWS: usize = 5000;

/// The columns, as a header names them (case, spaces and underscores do
/// not matter), with whether each is required.
pub const COLUMNS: &[(&str, bool)] = &[
    ("given_name", true),
    ("family_name", true),
    ("preferred_name", false),
    ("date_of_birth", true),
    ("nhs_number", false),
    ("address", false),
    ("postcode", true),
    ("phone", false),
    ("email", false),
    ("language", false),
    ("interpreter", false),
    ("conditions", false),
    ("source", true),
    ("referrer_name", true),
    ("referrer_organisation", true),
    ("reason", true),
    ("risk", false),
    ("consent_method", true),
    ("consents", false),
];

/// One problem, by the line of the file it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The file's line where the row starts (the header is line 1).
    pub line: usize,
    /// The column, or empty for the whole row or file.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// Every row valid, or every problem found.
pub type Checked = Result<Vec<NewReferral>, Vec<RowProblem>>;

fn problem(line: usize, column: &str, message: impl Into<String>) -> RowProblem {
    RowProblem {
        line,
        column: column.to_owned(),
        message: message.into(),
    }
}

fn normalise(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Splits `text` into records of fields, each with the line it starts on.
/// Quoted fields may hold the separator, doubled quotes and new lines.
fn records(text: &str, separator: char) -> Result<Vec<(usize, Vec<String>)>, RowProblem> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut touched = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {}
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                touched = true;
            }
            c if c == separator => {
                fields.push(std::mem::take(&mut field));
                touched = true;
            }
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if touched || fields.iter().any(|f| !f.is_empty()) {
                    out.push((start, std::mem::take(&mut fields)));
                } else {
                    fields.clear();
                }
                touched = false;
                line += 1;
                start = line;
            }
            other => {
                field.push(other);
                touched = true;
            }
        }
    }
    if quoted {
        return Err(problem(
            start,
            "",
            "A quoted value is not closed: check the quotation marks",
        ));
    }
    fields.push(field);
    if touched || fields.iter().any(|f| !f.is_empty()) {
        out.push((start, fields));
    }
    Ok(out)
}

/// A date of birth as a spreadsheet writes it: 27/03/1956 or 1956-03-27.
/// A date from a cell: `YYYY-MM-DD`, or `DD/MM/YYYY` as spreadsheets in
/// the UK write it.
fn date_cell(value: &str) -> GivenDate {
    match GivenDate::iso(value) {
        GivenDate::NotReal => chrono::NaiveDate::parse_from_str(value.trim(), "%d/%m/%Y")
            .map_or(GivenDate::NotReal, GivenDate::On),
        given => given,
    }
}

fn yes(value: &str) -> bool {
    matches!(
        value.trim().to_lowercase().as_str(),
        "yes" | "y" | "true" | "1"
    )
}

/// The column a domain rule's field is read from.
fn column_of(field: &str) -> &str {
    match field {
        "risk_details" => "risk",
        "consent_confirmed" => "consent_method",
        other => other,
    }
}

/// Checks a whole file, `today` being the caller's date.
///
/// # Errors
/// Every problem, by line: a missing or unknown column, a row that breaks a
/// rule (each field named), two rows for the same person, too many rows.
#[expect(
    clippy::too_many_lines,
    reason = "one check per column, in the file's order, reads best in one place"
)]
pub fn check(text: &str, today: chrono::NaiveDate) -> Checked {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.contains('\t') && !first_line.contains(',') {
        '\t'
    } else {
        ','
    };
    let records = records(text, separator).map_err(|p| vec![p])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![problem(
            1,
            "",
            "The file is empty: it needs a header row and at least one referral",
        )]);
    };
    let names: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let mut problems = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, name) in names.iter().enumerate() {
        match COLUMNS.iter().find(|(c, _)| normalise(c) == *name) {
            Some((column, _)) => {
                index.insert(*column, i);
            }
            None if name.is_empty() => {}
            None => problems.push(problem(
                1,
                &header[i],
                "Unknown column: remove it or rename it to one of the columns listed",
            )),
        }
    }
    for (column, required) in COLUMNS {
        if *required && !index.contains_key(column) {
            problems.push(problem(1, column, "This column is required"));
        }
    }
    if rows.is_empty() {
        problems.push(problem(1, "", "There are no referrals below the header"));
    }
    if rows.len() > MAX_ROWS {
        problems.push(problem(
            1,
            "",
            format!("Import at most {MAX_ROWS} referrals at a time"),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut valid: Vec<(usize, NewReferral)> = Vec::new();
    for (line, row) in rows {
        let get = |column: &str| {
            index
                .get(column)
                .and_then(|i| row.get(*i))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        if row.len() > header.len() {
            problems.push(problem(
                *line,
                "",
                format!(
                    "The row has {} values but the header has {} columns",
                    row.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let risk = get("risk");
        let input = ReferralInput {
            person: PersonInput {
                given_name: get("given_name"),
                family_name: get("family_name"),
                preferred_name: get("preferred_name"),
                date_of_birth: date_cell(&get("date_of_birth")),
                nhs_number: get("nhs_number"),
                address: get("address"),
                postcode: get("postcode"),
                phone: get("phone"),
                email: get("email"),
                language: get("language"),
                interpreter: yes(&get("interpreter")),
                conditions: get("conditions")
                    .split(';')
                    .filter(|c| !c.trim().is_empty())
                    .map(|c| match c.split_once('|') {
                        Some((words, code)) => ConditionInput {
                            description: words.trim().to_owned(),
                            code: code.trim().to_owned(),
                        },
                        None => ConditionInput {
                            description: c.trim().to_owned(),
                            code: String::new(),
                        },
                    })
                    .collect(),
                ..PersonInput::default()
            },
            source: get("source").to_lowercase().replace(' ', "_"),
            referrer_name: get("referrer_name"),
            referrer_organisation: get("referrer_organisation"),
            reason: get("reason"),
            risk: Some(!risk.is_empty()),
            risk_details: risk,
            // A row in the service's own records stands for a referral the
            // person agreed to; how is the consent_method column.
            consent_confirmed: true,
            consent_method: get("consent_method").to_lowercase(),
            consents: get("consents")
                .split(';')
                .map(|s| s.trim().to_lowercase().replace(' ', "_"))
                .filter(|s| !s.is_empty())
                .collect(),
            preferences: PreferencesInput::default(),
            ..ReferralInput::default()
        };
        match NewReferral::from_professional(&input, today) {
            Ok(referral) => valid.push((*line, referral)),
            Err(errors) => problems.extend(
                errors
                    .as_slice()
                    .iter()
                    .map(|e| problem(*line, column_of(e.field), e.message.clone())),
            ),
        }
    }
    for (i, (line, referral)) in valid.iter().enumerate() {
        let this = identity(referral);
        if let Some((earlier, reason)) = valid[..i]
            .iter()
            .find_map(|(l, r)| likely_duplicate(&identity(r), &this).map(|reason| (*l, reason)))
        {
            problems.push(problem(
                *line,
                "",
                format!(
                    "The same person as on line {earlier} ({}): keep one row",
                    reason.label()
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(valid.into_iter().map(|(_, r)| r).collect())
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn identity(referral: &NewReferral) -> Identity<'_> {
    let p = &referral.person;
    Identity {
        given_name: &p.given_name,
        family_name: &p.family_name,
        date_of_birth: p.date_of_birth,
        postcode: p.postcode.as_str(),
        nhs_number: None,
    }
}

/// A file with the header and one example row, to fill in.
#[must_use]
pub fn template() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    format!(
        "{}\nMaureen,Ellis,Mo,27/03/1956,943 476 5919,\"14 Park Lane, Leeds\",LS1 4AP,0113 496 0001,,English,no,COPD|13645005;Asthma,link_worker,Sam Okafor,Park Lane Surgery,Would like someone to talk to,,verbal,contact_by_phone;share_with_peer\n",
        header.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn the_template_imports() {
        let referrals = check(&template(), today()).unwrap();
        assert_eq!(referrals.len(), 1);
        let person = &referrals[0].person;
        assert_eq!(person.address, "14 Park Lane, Leeds");
        assert_eq!(person.conditions.len(), 2);
        assert_eq!(
            person.conditions[0].code.as_ref().unwrap().as_str(),
            "13645005"
        );
    }

    #[test]
    fn every_bad_row_is_reported_by_line() {
        let text = format!(
            "{}\"Alan\nJames\",Jones,,31/02/1950,,,LS1 1AA,,,,,,clinician,Dr A,Surgery,Low mood,,verbal,\nSian,Rees,,01/01/1970,,,nowhere,,,,,,clinician,Dr A,Surgery,,,verbal,\n",
            template()
        );
        let problems = check(&text, today()).unwrap_err();
        let lines: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert!(lines.contains(&(3, "date_of_birth")), "{problems:?}");
        assert!(
            lines.contains(&(5, "postcode")),
            "the quoted new line counts: {problems:?}"
        );
        assert!(lines.contains(&(5, "reason")));
        assert!(
            !lines.iter().any(|(l, _)| *l == 2),
            "the good row has no problem"
        );
    }

    #[test]
    fn headers_are_forgiving_but_complete() {
        let text = "Given name,FAMILY_NAME,Date of birth,Postcode,Source,Referrer name,Referrer organisation,Reason,Consent method,Shoe size\n";
        let problems = check(text, today()).unwrap_err();
        assert_eq!(problems[0].column, "Shoe size");
        assert!(
            problems
                .iter()
                .any(|p| p.message == "There are no referrals below the header")
        );
        assert!(check("", today()).is_err());
        let missing = check("given_name\nAlan\n", today()).unwrap_err();
        assert!(
            missing
                .iter()
                .any(|p| p.column == "postcode" && p.message == "This column is required")
        );
    }

    #[test]
    fn tab_separated_text_from_a_spreadsheet_is_read_and_duplicates_are_refused() {
        let tsv = template()
            .replace(',', "\t")
            .replace("\"14 Park Lane\t Leeds\"", "14 Park Lane");
        let twice = format!("{tsv}{}", tsv.lines().nth(1).unwrap());
        let problems = check(&twice, today()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 3);
        assert!(
            problems[0]
                .message
                .starts_with("The same person as on line 2")
        );
        assert!(check(&tsv, today()).is_ok());
        let unclosed = format!("{}\"Alan,Jones\n", template());
        assert!(
            check(&unclosed, today()).unwrap_err()[0]
                .message
                .contains("quoted value is not closed")
        );
    }
}
