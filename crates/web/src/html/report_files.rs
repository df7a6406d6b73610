//! The report as files to download: CSV and an XLSX workbook. Both are
//! built from a report made with small numbers hidden, so counts from 1 to 4
//! are "<5" in them too.

use alongside_domain::costs::Money;
use alongside_evaluation::report::Shown;

use crate::Error;
use crate::services::reports::{CostSummary, OUTCOMES, OutcomeSection, ReferralReport};

/// The report as CSV, small numbers hidden.
#[must_use]
pub fn to_csv(report: &ReferralReport) -> String {
    let mut out = String::from("Source");
    for (label, _) in OUTCOMES {
        out.push(',');
        out.push_str(label);
    }
    out.push_str(",Closed,Total\n");
    for row in &report.by_source {
        out.push_str(&csv_field(row.source));
        for cell in &row.outcomes {
            out.push(',');
            out.push_str(&cell.to_string());
        }
        out.push_str(&format!(",{},{}\n", row.closed, row.total));
    }
    out.push_str(&format!("All sources,,,,,,,{}\n", report.total));
    if let Some(costs) = &report.costs {
        out.push_str(&cost_csv(costs));
    }
    if let Some(said) = &report.said {
        out.push_str("\nOpen question,Theme,Answers\n");
        for part in said {
            let q = part.part.heading();
            out.push_str(&format!("{q},Answered,{}\n", part.answered));
            for (theme, n) in &part.themes {
                out.push_str(&format!("{q},{},{n}\n", csv_field(theme)));
            }
            out.push_str(&format!("{q},Not tagged yet,{}\n", part.untagged));
        }
    }
    out
}

/// The cost lines of the CSV: what was spent and given, and per person.
fn cost_csv(costs: &CostSummary) -> String {
    let money = |m: Option<Money>| m.map(Money::plain).unwrap_or_default();
    let per = costs.per_person.as_ref();
    format!(
        "\nCosts,Value\nFunding (GBP),{}\nVolunteer hours,{}\nValue of volunteer time (GBP),{}\nPeople supported,{}\nCost per person from funding (GBP),{}\nCost per person with volunteer time (GBP),{}\n",
        costs.funding.plain(),
        costs.volunteer_hours,
        money(costs.volunteer_value),
        costs.people,
        money(per.map(|p| Money::from_pence(p.funding))),
        money(
            per.and_then(|p| p.with_volunteer_time)
                .map(Money::from_pence)
        ),
    )
}

/// A text cell: quoted when it holds a comma, quote or line break, and
/// never read as a formula by a spreadsheet (a cell that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return starts with `'` instead).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The outcome tables as CSV, after the referral table: people and mean
/// per timepoint, then change from the first timepoint. Built from a
/// report made with small numbers hidden.
#[must_use]
pub fn outcomes_csv(sections: &[OutcomeSection]) -> String {
    let number = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let mut out = String::from("\nOutcome,Timepoint,People,Mean\n");
    for section in sections {
        for ((timepoint, people), (_, mean)) in
            section.table.answered.iter().zip(&section.table.means)
        {
            out.push_str(&format!(
                "{},{},{people},{}\n",
                csv_field(&section.heading),
                csv_field(timepoint),
                number(*mean)
            ));
        }
    }
    out.push_str("\nOutcome,From first to,Answered both,Answered only the first,Mean change,95% CI low,95% CI high,p (paired t),dz,Reliably improved,No reliable change,Reliably deteriorated\n");
    for section in sections {
        for row in &section.table.changes {
            let shown = |n: usize| Shown::count(n as u64, false).to_string();
            let p = row.paired.as_ref();
            let r = row.reliable.as_ref();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{}\n",
                csv_field(&section.heading),
                csv_field(&row.timepoint),
                shown(row.completers),
                shown(row.non_completers),
                number(p.map(|p| p.mean_change)),
                number(p.and_then(|p| p.ci_low)),
                number(p.and_then(|p| p.ci_high)),
                p.and_then(|p| p.p_t)
                    .map(|v| format!("{v:.4}"))
                    .unwrap_or_default(),
                number(p.and_then(|p| p.dz)),
                r.map(|r| shown(r.improved)).unwrap_or_default(),
                r.map(|r| shown(r.unchanged)).unwrap_or_default(),
                r.map(|r| shown(r.deteriorated)).unwrap_or_default(),
            ));
        }
    }
    out
}

/// The report as an XLSX workbook for spreadsheet users: a sheet of
/// referrals by source and outcome, and a sheet of outcomes. Built from a
/// report made with small numbers hidden, so counts from 1 to 4 are the text
/// "<5" and every other count a number.
///
/// # Errors
/// When the workbook cannot be written.
pub fn to_xlsx(report: &ReferralReport, sections: &[OutcomeSection]) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
    fn count(sheet: &mut Worksheet, row: u32, col: u16, n: Shown) -> Result<(), XlsxError> {
        match n {
            Shown::Exact(n) => sheet.write_number(row, col, n as f64).map(|_| ()),
            Shown::Fewer => sheet.write_string(row, col, n.to_string()).map(|_| ()),
        }
    }
    fn number(sheet: &mut Worksheet, row: u32, col: u16, v: Option<f64>) -> Result<(), XlsxError> {
        match v {
            Some(v) => sheet.write_number(row, col, v).map(|_| ()),
            None => Ok(()),
        }
    }
    let build = || -> Result<Vec<u8>, XlsxError> {
        let bold = Format::new().set_bold();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Referrals")?;
        sheet.write_string_with_format(0, 0, "Source", &bold)?;
        for (i, (label, _)) in OUTCOMES.iter().enumerate() {
            sheet.write_string_with_format(0, i as u16 + 1, *label, &bold)?;
        }
        let last = OUTCOMES.len() as u16 + 1;
        sheet.write_string_with_format(0, last, "Closed", &bold)?;
        sheet.write_string_with_format(0, last + 1, "Total", &bold)?;
        let mut row = 1;
        for source in &report.by_source {
            sheet.write_string(row, 0, source.source)?;
            for (i, cell) in source.outcomes.iter().enumerate() {
                count(sheet, row, i as u16 + 1, *cell)?;
            }
            count(sheet, row, last, source.closed)?;
            count(sheet, row, last + 1, source.total)?;
            row += 1;
        }
        sheet.write_string(row, 0, "All sources")?;
        count(sheet, row, last + 1, report.total)?;
        if let Some(costs) = &report.costs {
            let per = costs.per_person.as_ref();
            let pounds = |m: Money| m.pence() as f64 / 100.0;
            row += 2;
            sheet.write_string_with_format(row, 0, "Costs", &bold)?;
            let lines: [(&str, Option<f64>); 4] = [
                ("Funding (GBP)", Some(pounds(costs.funding))),
                ("Volunteer hours", Some(costs.volunteer_hours as f64)),
                (
                    "Value of volunteer time (GBP)",
                    costs.volunteer_value.map(pounds),
                ),
                (
                    "Cost per person from funding (GBP)",
                    per.map(|p| p.funding as f64 / 100.0),
                ),
            ];
            for (label, value) in lines {
                row += 1;
                sheet.write_string(row, 0, label)?;
                number(sheet, row, 1, value)?;
            }
            row += 1;
            sheet.write_string(row, 0, "Cost per person with volunteer time (GBP)")?;
            number(
                sheet,
                row,
                1,
                per.and_then(|p| p.with_volunteer_time)
                    .map(|v| v as f64 / 100.0),
            )?;
            row += 1;
            sheet.write_string(row, 0, "People supported")?;
            count(sheet, row, 1, costs.people)?;
        }
        sheet.autofit();

        let sheet = book.add_worksheet();
        sheet.set_name("Outcomes")?;
        for (i, h) in ["Outcome", "Timepoint", "People", "Mean"]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(0, i as u16, *h, &bold)?;
        }
        let mut row = 1;
        for section in sections {
            for ((timepoint, people), (_, mean)) in
                section.table.answered.iter().zip(&section.table.means)
            {
                sheet.write_string(row, 0, &section.heading)?;
                sheet.write_string(row, 1, timepoint)?;
                count(sheet, row, 2, *people)?;
                number(sheet, row, 3, *mean)?;
                row += 1;
            }
        }
        row += 1;
        let heads = [
            "Outcome",
            "From first to",
            "Answered both",
            "Answered only the first",
            "Mean change",
            "95% CI low",
            "95% CI high",
            "p (paired t)",
            "dz",
        ];
        for (i, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(row, i as u16, *h, &bold)?;
        }
        row += 1;
        for section in sections {
            for change in &section.table.changes {
                let p = change.paired.as_ref();
                sheet.write_string(row, 0, &section.heading)?;
                sheet.write_string(row, 1, &change.timepoint)?;
                count(sheet, row, 2, Shown::count(change.completers as u64, false))?;
                count(
                    sheet,
                    row,
                    3,
                    Shown::count(change.non_completers as u64, false),
                )?;
                number(sheet, row, 4, p.map(|p| p.mean_change))?;
                number(sheet, row, 5, p.and_then(|p| p.ci_low))?;
                number(sheet, row, 6, p.and_then(|p| p.ci_high))?;
                number(sheet, row, 7, p.and_then(|p| p.p_t))?;
                number(sheet, row, 8, p.and_then(|p| p.dz))?;
                row += 1;
            }
        }
        sheet.autofit();
        if let Some(said) = &report.said {
            let sheet = book.add_worksheet();
            sheet.set_name("What people said")?;
            for (i, h) in ["Open question", "Theme", "Answers"].iter().enumerate() {
                sheet.write_string_with_format(0, i as u16, *h, &bold)?;
            }
            let mut row = 1;
            for part in said {
                let lines = std::iter::once(("Answered", part.answered))
                    .chain(part.themes.iter().map(|(t, n)| (t.as_str(), *n)))
                    .chain(std::iter::once(("Not tagged yet", part.untagged)));
                for (theme, n) in lines {
                    sheet.write_string(row, 0, part.part.heading())?;
                    sheet.write_string(row, 1, theme)?;
                    count(sheet, row, 2, n)?;
                    row += 1;
                }
            }
            sheet.autofit();
        }
        book.save_to_buffer()
    };
    build().map_err(|e| Error::Internal(format!("cannot write the workbook: {e}")))
}

#[cfg(test)]
mod tests {
    use alongside_db::reports::ReferralFact;
    use alongside_domain::referral::{ReferralSource, ReferralStatus};
    use chrono::{Duration, Utc};

    #[test]
    fn a_cell_is_never_read_as_a_formula() {
        use super::csv_field;
        assert_eq!(csv_field("Walking group"), "Walking group");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let cell = csv_field(risky);
            assert!(
                cell.starts_with('\'') || cell.starts_with("\"'"),
                "{risky:?} became {cell:?}"
            );
        }
        assert_eq!(csv_field("a, b"), "\"a, b\"");
    }

    use super::*;
    use crate::services::reports::build;

    #[test]
    fn the_csv_hides_small_numbers() {
        let received = Utc::now() - Duration::days(60);
        let fact = |source, status| ReferralFact {
            source,
            status,
            received_at: received,
            first_contact_at: None,
            placed_at: None,
        };
        let mut facts: Vec<ReferralFact> = (0..6)
            .map(|_| fact(ReferralSource::SelfReferral, ReferralStatus::Accepted))
            .collect();
        facts.push(fact(ReferralSource::Clinician, ReferralStatus::Declined));
        let csv = to_csv(&build(&facts, &[], false));
        assert!(csv.starts_with(
            "Source,Waiting for triage,On a waiting list,Placed,Signposted,Declined,Closed,Total\n"
        ));
        assert!(csv.contains("GP or clinician,0,0,0,0,<5,0,<5\n"), "{csv}");
        assert!(csv.contains("Self-referral,0,6,0,0,0,0,6\n"), "{csv}");
    }
}
