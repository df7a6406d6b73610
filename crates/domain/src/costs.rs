//! What a programme costs: its funding, and the hours volunteers give,
//! valued at a rate the organisation chooses, so a report can say what
//! supporting one person costs.

use std::fmt;

use crate::validation::FieldErrors;

/// An amount of money in pence, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(u64);

/// Why an amount was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadAmount {
    /// Not a number of pounds and pence.
    NotAnAmount,
    /// More than [`Money::MAX_POUNDS`].
    TooLarge,
}

impl fmt::Display for BadAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnAmount => write!(f, "Enter an amount in pounds, like 12500 or 12,500.50"),
            Self::TooLarge => write!(f, "Enter an amount of £{} or less", Money::MAX_POUNDS),
        }
    }
}

impl Money {
    /// The largest amount taken, in pounds: well beyond any programme, and
    /// far from overflowing when multiplied by hours.
    pub const MAX_POUNDS: u64 = 1_000_000_000;

    /// An amount of `pence`.
    #[must_use]
    pub const fn from_pence(pence: u64) -> Self {
        Self(pence)
    }

    /// The amount in pence.
    #[must_use]
    pub const fn pence(self) -> u64 {
        self.0
    }

    /// Reads pounds as people type them: "12500", "12,500.50", "£80".
    /// At most two decimal places.
    ///
    /// # Errors
    /// [`BadAmount`] saying what is wrong.
    pub fn parse(typed: &str) -> Result<Self, BadAmount> {
        let cleaned: String = typed
            .trim()
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (pounds, pence) = match cleaned.split_once('.') {
            Some((p, d)) => (p, d),
            None => (cleaned.as_str(), ""),
        };
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(pounds) || (!pence.is_empty() && !digits(pence)) || pence.len() > 2 {
            return Err(BadAmount::NotAnAmount);
        }
        // Eleven digits are already more than the largest amount.
        if pounds.trim_start_matches('0').len() > 11 {
            return Err(BadAmount::TooLarge);
        }
        let whole: u64 = pounds.parse().map_err(|_| BadAmount::NotAnAmount)?;
        if whole > Self::MAX_POUNDS {
            return Err(BadAmount::TooLarge);
        }
        let fraction: u64 = match pence.len() {
            0 => 0,
            1 => pence.parse::<u64>().map_err(|_| BadAmount::NotAnAmount)? * 10,
            _ => pence.parse().map_err(|_| BadAmount::NotAnAmount)?,
        };
        Ok(Self(whole * 100 + fraction))
    }

    /// The amount as typed back into a form: pounds with two decimals, no
    /// sign or separators.
    #[must_use]
    pub fn plain(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Money {
    /// "£12,500.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pounds = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "£{grouped}.{:02}", self.0 % 100)
    }
}

/// A programme's costs for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgrammeCosts {
    /// The funding it received; none until recorded.
    pub funding: Option<Money>,
    /// Hours volunteers have given.
    pub volunteer_hours: u32,
    /// What an hour of volunteer time is valued at; none to leave it out.
    pub hour_value: Option<Money>,
}

impl ProgrammeCosts {
    /// Most volunteer hours taken: a hundred people full time for a year.
    pub const MAX_HOURS: u32 = 200_000;

    /// Costs from what was typed: funding and hour value in pounds (empty
    /// for none), hours as a whole number (empty for none).
    ///
    /// # Errors
    /// [`FieldErrors`] by field (`funding`, `volunteer_hours`,
    /// `hour_value`).
    pub fn parse(funding: &str, hours: &str, hour_value: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let money = |typed: &str| {
            if typed.trim().is_empty() {
                Ok(None)
            } else {
                Money::parse(typed).map(Some)
            }
        };
        let funding = errors.check("funding", money(funding)).flatten();
        let hour_value = errors.check("hour_value", money(hour_value)).flatten();
        let volunteer_hours = if hours.trim().is_empty() {
            Some(0)
        } else {
            match hours.trim().replace(',', "").parse::<u32>() {
                Ok(h) if h <= Self::MAX_HOURS => Some(h),
                Ok(_) => {
                    errors.add(
                        "volunteer_hours",
                        format!("Enter {} hours or fewer", Self::MAX_HOURS),
                    );
                    None
                }
                Err(_) => {
                    errors.add(
                        "volunteer_hours",
                        "Enter the hours as a whole number, like 340",
                    );
                    None
                }
            }
        };
        if volunteer_hours.unwrap_or(0) > 0 && hour_value.is_none() && errors.is_empty() {
            errors.add(
                "hour_value",
                "Enter what an hour of volunteer time is worth, or leave the hours empty",
            );
        }
        errors.into_result(|| Self {
            funding,
            volunteer_hours: volunteer_hours.unwrap_or(0),
            hour_value,
        })
    }

    /// The value of the volunteer time given, when it has a rate.
    #[must_use]
    pub fn volunteer_value(&self) -> Option<Money> {
        self.hour_value
            .map(|rate| Money(rate.0 * u64::from(self.volunteer_hours)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_read_as_people_type_them() {
        assert_eq!(Money::parse("12500"), Ok(Money(1_250_000)));
        assert_eq!(Money::parse("£12,500.5"), Ok(Money(1_250_050)));
        assert_eq!(Money::parse(" 0.07 "), Ok(Money(7)));
        for bad in ["", "£", "12.345", "twelve", "-5", "1.2.3", ".50"] {
            assert_eq!(Money::parse(bad), Err(BadAmount::NotAnAmount), "{bad}");
        }
        assert_eq!(Money::parse("1000000001"), Err(BadAmount::TooLarge));
        assert_eq!(
            Money::parse("99999999999999999999"),
            Err(BadAmount::TooLarge)
        );
        assert_eq!(Money(1_250_050).to_string(), "£12,500.50");
        assert_eq!(Money(5).to_string(), "£0.05");
        assert_eq!(Money(12_345_678_900).to_string(), "£123,456,789.00");
    }

    #[test]
    fn costs_are_checked_by_field() {
        let costs = ProgrammeCosts::parse("40,000", "340", "12.50").unwrap();
        assert_eq!(costs.funding, Some(Money(4_000_000)));
        assert_eq!(costs.volunteer_value(), Some(Money(340 * 1250)));
        let none = ProgrammeCosts::parse("", "", "").unwrap();
        assert_eq!(none, ProgrammeCosts::default());
        let errors = ProgrammeCosts::parse("lots", "many", "").unwrap_err();
        let fields: Vec<_> = errors.as_slice().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["funding", "volunteer_hours"]);
        let errors = ProgrammeCosts::parse("100", "20", "").unwrap_err();
        assert_eq!(errors.as_slice()[0].field, "hour_value");
        assert!(ProgrammeCosts::parse("", "200001", "10").is_err());
    }

    proptest! {
        /// What is shown in a form reads back as the same amount.
        #[test]
        fn plain_amounts_read_back(pence in 0u64..=Money::MAX_POUNDS * 100) {
            let money = Money(pence);
            prop_assert_eq!(Money::parse(&money.plain()), Ok(money));
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }
    }
}
