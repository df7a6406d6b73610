//! Change between two timepoints of an outcome measure, on complete cases:
//! the paired t-test with its 95% confidence interval, the Wilcoxon
//! signed-rank test, effect sizes, reliable change and caseness.
//!
//! The figures follow R's defaults, so an audit can check them there:
//! `t.test(post, pre, paired = TRUE)` and `wilcox.test(post, pre, paired =
//! TRUE)` (exact below 50 pairs without ties or zero changes, otherwise the
//! normal approximation with continuity and tie correction, zeros dropped).

use std::fmt;

use crate::count_as_f64;
use crate::probability::{normal_cdf, t_cdf, t_quantile};

/// One person's answers at two timepoints (pre, post); none where missing.
pub type Pair = (Option<f64>, Option<f64>);

/// Why a comparison cannot be made.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeError {
    /// Fewer than two people answered at both timepoints.
    TooFewPairs(usize),
    /// A reliability outside 0 (inclusive) to 1 (exclusive).
    Reliability(f64),
    /// A value that is not a finite number.
    NotFinite,
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewPairs(n) => write!(
                f,
                "at least two complete pairs (both pre and post) are needed; there {} {n}",
                if *n == 1 { "is" } else { "are" }
            ),
            Self::Reliability(r) => {
                write!(
                    f,
                    "the reliability must be from 0 up to (not including) 1, not {r}"
                )
            }
            Self::NotFinite => f.write_str("every value must be a finite number"),
        }
    }
}

impl std::error::Error for ChangeError {}

/// How the Wilcoxon p-value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WilcoxonMethod {
    /// From the exact distribution of the statistic.
    Exact,
    /// From the normal approximation with continuity and tie correction.
    NormalApproximation,
}

impl WilcoxonMethod {
    /// The name printed in reports and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::NormalApproximation => "normal_approximation",
        }
    }
}

/// A paired comparison of two timepoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    /// How many complete pairs were compared.
    pub n: usize,
    /// Mean at the first timepoint.
    pub mean_pre: f64,
    /// Mean at the second timepoint.
    pub mean_post: f64,
    /// Mean of post − pre.
    pub mean_change: f64,
    /// Standard deviation of the changes (n − 1 in the denominator).
    pub sd_change: f64,
    /// The t statistic; none when every change is the same (R refuses: "data
    /// are essentially constant").
    pub t: Option<f64>,
    /// Degrees of freedom, n − 1.
    pub df: f64,
    /// Two-sided p of the t-test; none as for `t`.
    pub p_t: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean change.
    pub ci_low: Option<f64>,
    /// Upper end of that interval.
    pub ci_high: Option<f64>,
    /// Cohen's dz: mean change over the standard deviation of changes.
    pub dz: Option<f64>,
    /// Cohen's `d_av`: mean change over the mean of the two timepoints'
    /// standard deviations; none when both are 0.
    pub d_av: Option<f64>,
    /// Wilcoxon's V: the sum of the ranks of the positive changes.
    pub wilcoxon_v: f64,
    /// Two-sided p of the Wilcoxon test; none when every change is 0.
    pub p_wilcoxon: Option<f64>,
    /// How that p was found.
    pub wilcoxon_method: WilcoxonMethod,
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / count_as_f64(values.len())
}

fn sd(values: &[f64]) -> f64 {
    let m = mean(values);
    let squares: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    (squares / (count_as_f64(values.len()) - 1.0)).sqrt()
}

/// The pairs with both values present.
#[must_use]
pub fn complete(pairs: &[Pair]) -> Vec<(f64, f64)> {
    pairs.iter().filter_map(|&(a, b)| Some((a?, b?))).collect()
}

/// Compares `pairs` (pre, post) on complete cases.
///
/// # Errors
/// [`ChangeError::TooFewPairs`] below two complete pairs;
/// [`ChangeError::NotFinite`] for an infinite or NaN value.
pub fn paired(pairs: &[Pair]) -> Result<Paired, ChangeError> {
    let pairs = complete(pairs);
    if pairs.iter().any(|(a, b)| !a.is_finite() || !b.is_finite()) {
        return Err(ChangeError::NotFinite);
    }
    let n = pairs.len();
    if n < 2 {
        return Err(ChangeError::TooFewPairs(n));
    }
    let pre: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let post: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let changes: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let mean_change = mean(&changes);
    let sd_change = sd(&changes);
    let df = count_as_f64(n - 1);
    let constant = sd_change == 0.0 || sd_change < 10.0 * f64::EPSILON * mean_change.abs();
    let (t, p_t, ci_low, ci_high, dz) = if constant {
        (None, None, None, None, None)
    } else {
        let se = sd_change / count_as_f64(n).sqrt();
        let t = mean_change / se;
        let p = 2.0 * t_cdf(-t.abs(), df);
        let q = t_quantile(0.975, df);
        (
            Some(t),
            Some(p.min(1.0)),
            Some(mean_change - q * se),
            Some(mean_change + q * se),
            Some(mean_change / sd_change),
        )
    };
    let average_sd = f64::midpoint(sd(&pre), sd(&post));
    let d_av = (average_sd > 0.0).then(|| mean_change / average_sd);
    let (wilcoxon_v, p_wilcoxon, wilcoxon_method) = wilcoxon(&changes);
    Ok(Paired {
        n,
        mean_pre: mean(&pre),
        mean_post: mean(&post),
        mean_change,
        sd_change,
        t,
        df,
        p_t,
        ci_low,
        ci_high,
        dz,
        d_av,
        wilcoxon_v,
        p_wilcoxon,
        wilcoxon_method,
    })
}

/// Average ranks (1-based) of `values`, ties sharing the mean of their
/// places.
#[expect(
    clippy::float_cmp,
    reason = "a tie is two exactly equal values, as R ranks them; no tolerance applies"
)]
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = count_as_f64(i + j) / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// How many of the 2^n sign patterns give each sum of ranks 1..=n: the
/// exact distribution of V without ties.
fn signed_rank_counts(n: usize) -> Vec<f64> {
    let top = n * (n + 1) / 2;
    let mut counts = vec![0.0; top + 1];
    counts[0] = 1.0;
    for rank in 1..=n {
        for sum in (rank..=top).rev() {
            counts[sum] += counts[sum - rank];
        }
    }
    counts
}

/// Wilcoxon's signed-rank test on `changes`: V, the two-sided p (none when
/// every change is 0) and the method.
#[expect(
    clippy::float_cmp,
    reason = "a tie is two exactly equal absolute changes, as R counts them; no tolerance applies"
)]
fn wilcoxon(changes: &[f64]) -> (f64, Option<f64>, WilcoxonMethod) {
    let zeros = changes.contains(&0.0);
    let nonzero: Vec<f64> = changes.iter().copied().filter(|&c| c != 0.0).collect();
    let n = nonzero.len();
    let absolute: Vec<f64> = nonzero.iter().map(|c| c.abs()).collect();
    let ranked = ranks(&absolute);
    let v: f64 = ranked
        .iter()
        .zip(&nonzero)
        .filter(|(_, c)| **c > 0.0)
        .map(|(r, _)| r)
        .sum();
    if n == 0 {
        return (0.0, None, WilcoxonMethod::NormalApproximation);
    }
    let mut sorted = absolute.clone();
    sorted.sort_by(f64::total_cmp);
    let ties = sorted.windows(2).any(|w| w[0] == w[1]);
    let nf = count_as_f64(n);
    let centre = nf * (nf + 1.0) / 4.0;
    if n < 50 && !ties && !zeros {
        let counts = signed_rank_counts(n);
        // All 2^n sign patterns: the counts are whole numbers below 2^53,
        // so their sum is exact.
        let total: f64 = counts.iter().sum();
        // Without ties V is a whole number.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "without ties V is a whole number from 0 to n(n + 1)/2, at most 1225 \
                      below 50 pairs, so it converts exactly"
        )]
        let v_whole = v.round() as usize;
        let one_side = if v > centre {
            counts[v_whole..].iter().sum::<f64>() / total
        } else {
            counts[..=v_whole].iter().sum::<f64>() / total
        };
        return (v, Some((2.0 * one_side).min(1.0)), WilcoxonMethod::Exact);
    }
    // Tie correction: Σ(t³ − t)/48 over groups of equal |change|.
    let mut tie_term = 0.0;
    for tied in sorted.chunk_by(|a, b| a == b) {
        let t = count_as_f64(tied.len());
        tie_term += t * t * t - t;
    }
    let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
    let z = v - centre;
    let correction = 0.5 * z.signum() * f64::from(u8::from(z != 0.0));
    let z = (z - correction) / sigma;
    let p = 2.0 * normal_cdf(z).min(1.0 - normal_cdf(z));
    (v, Some(p.min(1.0)), WilcoxonMethod::NormalApproximation)
}

/// What is wrong with a `pre,post` file, and where (line from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The line, from 1; 0 for the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for CsvError {}

/// Reads a CSV whose header is `pre,post`: one person a row, an empty cell
/// for a missing answer. Tolerates a byte-order mark, CRLF line ends, spaces
/// around values and blank lines.
///
/// # Errors
/// A missing or different header, a row without exactly two cells, or a
/// cell that is not a number, naming the line and column.
pub fn read_pairs(text: &str) -> Result<Vec<Pair>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((at, header)) = lines.next() else {
        return Err(CsvError {
            line: 0,
            message: "the file is empty: it needs the header `pre,post` and a row per person"
                .into(),
        });
    };
    let names: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    if names != ["pre", "post"] {
        return Err(CsvError {
            line: at + 1,
            message: format!("the header must be `pre,post`, not `{}`", header.trim()),
        });
    }
    let mut out = Vec::new();
    for (at, line) in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != 2 {
            return Err(CsvError {
                line: at + 1,
                message: format!("expected 2 cells (pre,post), found {}", cells.len()),
            });
        }
        let mut values = [None, None];
        for (column, (cell, slot)) in cells.iter().zip(values.iter_mut()).enumerate() {
            let cell = cell.trim().trim_matches('"').trim();
            if cell.is_empty() || cell.eq_ignore_ascii_case("na") {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => *slot = Some(v),
                _ => {
                    return Err(CsvError {
                        line: at + 1,
                        message: format!(
                            "{} is not a number: {cell:?} (leave the cell empty when the answer is missing)",
                            ["pre", "post"][column]
                        ),
                    });
                }
            }
        }
        out.push((values[0], values[1]));
    }
    Ok(out)
}

/// Whether a higher score means better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better (wellbeing, self-efficacy).
    HigherIsBetter,
    /// Lower is better (depression, anxiety, loneliness).
    LowerIsBetter,
}

/// Counts of reliable change (Jacobson and Truax).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliableChange {
    /// Changed for the better by more than measurement error explains.
    pub improved: usize,
    /// Changed by no more than measurement error explains.
    pub unchanged: usize,
    /// Changed for the worse by more than measurement error explains.
    pub deteriorated: usize,
    /// Changes larger than this are reliable: 1.96 × `SE_diff`, the standard
    /// error of the difference.
    pub threshold: f64,
}

/// The reliable change threshold: 1.96 · `SD_pre` · √2 · √(1 − r).
///
/// # Errors
/// A reliability outside 0 ≤ r < 1, or fewer than two complete pairs.
pub fn reliable_change_threshold(pairs: &[Pair], reliability: f64) -> Result<f64, ChangeError> {
    if !(0.0..1.0).contains(&reliability) {
        return Err(ChangeError::Reliability(reliability));
    }
    let pairs = complete(pairs);
    if pairs.len() < 2 {
        return Err(ChangeError::TooFewPairs(pairs.len()));
    }
    let pre: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    Ok(1.96 * sd(&pre) * std::f64::consts::SQRT_2 * (1.0 - reliability).sqrt())
}

/// Counts each complete pair as reliably improved, unchanged or
/// deteriorated.
///
/// # Errors
/// As [`reliable_change_threshold`].
pub fn reliable_change(
    pairs: &[Pair],
    reliability: f64,
    direction: Direction,
) -> Result<ReliableChange, ChangeError> {
    let threshold = reliable_change_threshold(pairs, reliability)?;
    let mut out = ReliableChange {
        improved: 0,
        unchanged: 0,
        deteriorated: 0,
        threshold,
    };
    for (pre, post) in complete(pairs) {
        let change = post - pre;
        if change.abs() <= threshold {
            out.unchanged += 1;
        } else if (change > 0.0) == (direction == Direction::HigherIsBetter) {
            out.improved += 1;
        } else {
            out.deteriorated += 1;
        }
    }
    Ok(out)
}

/// A clinical cut-off: scores at or above it count as a case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Caseness {
    /// The lowest score that counts as a case.
    pub threshold: f64,
    /// The measure's reliability, for reliable recovery.
    pub reliability: f64,
}

impl Caseness {
    /// PHQ-9: a case at 10 or more (Kroenke, Spitzer and Williams 2001);
    /// reliability 0.89 (their internal consistency).
    pub const PHQ9: Caseness = Caseness {
        threshold: 10.0,
        reliability: 0.89,
    };
    /// GAD-7: a case at 8 or more (the threshold NHS Talking Therapies
    /// uses); reliability 0.92 (Spitzer et al. 2006).
    pub const GAD7: Caseness = Caseness {
        threshold: 8.0,
        reliability: 0.92,
    };
}

/// Recovery counts for a measure where lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    /// Complete pairs that were a case at the first timepoint.
    pub cases_at_start: usize,
    /// Of those, no longer a case at the second.
    pub recovered: usize,
    /// Of those recovered, also reliably improved.
    pub reliably_recovered: usize,
}

/// Who was a case at the start, who recovered, and who recovered reliably.
///
/// # Errors
/// As [`reliable_change_threshold`].
pub fn recovery(pairs: &[Pair], caseness: Caseness) -> Result<Recovery, ChangeError> {
    let threshold = reliable_change_threshold(pairs, caseness.reliability)?;
    let mut out = Recovery {
        cases_at_start: 0,
        recovered: 0,
        reliably_recovered: 0,
    };
    for (pre, post) in complete(pairs) {
        if pre < caseness.threshold {
            continue;
        }
        out.cases_at_start += 1;
        if post < caseness.threshold {
            out.recovered += 1;
            if pre - post > threshold {
                out.reliably_recovered += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tolerance: f64) {
        assert!((a - b).abs() <= tolerance, "{a} is not {b}");
    }

    fn some(pre: &[f64], post: &[f64]) -> Vec<(Option<f64>, Option<f64>)> {
        pre.iter()
            .zip(post)
            .map(|(&a, &b)| (Some(a), Some(b)))
            .collect()
    }

    /// R's `sleep` data: extra sleep with drug 1 (pre) and drug 2 (post).
    fn sleep() -> Vec<(Option<f64>, Option<f64>)> {
        some(
            &[0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
            &[1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
        )
    }

    /// R's published output of `t.test(extra ~ group, data = sleep, paired
    /// = TRUE)` in reverse (post − pre): t = 4.0621, df = 9, p-value =
    /// 0.002833, 95 percent CI 0.7001142 to 2.4598858; `wilcox.test`: V =
    /// 45, p-value = 0.009091 (normal approximation: ties and a zero). The
    /// further digits are from `scipy.stats` (`ttest_rel`,
    /// `wilcoxon(correction=True)`).
    #[test]
    fn sleep_matches_r() {
        let r = paired(&sleep()).unwrap();
        assert_eq!(r.n, 10);
        close(r.mean_change, 1.58, 1e-12);
        close(r.sd_change, 1.229_995_483_279_873_2, 1e-12);
        close(r.t.unwrap(), 4.062_127_683_382_037, 1e-9);
        close(r.df, 9.0, 0.0);
        close(r.p_t.unwrap(), 0.002_832_890_197_384_273, 1e-12);
        close(r.ci_low.unwrap(), 0.700_114_236_723_017_5, 1e-9);
        close(r.ci_high.unwrap(), 2.459_885_763_276_983, 1e-9);
        close(r.wilcoxon_v, 45.0, 0.0);
        close(r.p_wilcoxon.unwrap(), 0.009_090_698_015_925_044, 1e-9);
        assert_eq!(r.wilcoxon_method, WilcoxonMethod::NormalApproximation);
        close(r.dz.unwrap(), 1.58 / 1.229_995_483_279_873_2, 1e-12);
    }

    /// Exact p without ties or zeros, checked by counting: with n changes
    /// all positive, V = n(n+1)/2 and p = 2/2^n.
    #[test]
    fn exact_when_small_without_ties() {
        let r = paired(&some(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0])).unwrap();
        assert_eq!(r.wilcoxon_method, WilcoxonMethod::Exact);
        close(r.wilcoxon_v, 15.0, 0.0);
        close(r.p_wilcoxon.unwrap(), 0.0625, 1e-15);
        let r = paired(&some(&[0.0; 6], &[1.5, 2.0, 3.0, 4.0, 5.0, -0.5])).unwrap();
        // Ranks 2..6 positive, 1 negative: V = 20; P(V >= 20) = 2/64.
        close(r.wilcoxon_v, 20.0, 0.0);
        close(r.p_wilcoxon.unwrap(), 4.0 / 64.0, 1e-15);
    }

    /// A further case, checked with `scipy.stats` (`ttest_rel`, its confidence
    /// interval, and `wilcoxon(method="exact")`), which agree with R's
    /// definitions: changes -6, -1, -5, -8, -2, 3, -9, -4, no ties or zeros.
    #[test]
    fn a_questionnaire_case_matches_scipy() {
        let r = paired(&some(
            &[21.0, 18.0, 25.0, 30.0, 14.0, 19.0, 27.0, 22.0],
            &[15.0, 17.0, 20.0, 22.0, 12.0, 22.0, 18.0, 18.0],
        ))
        .unwrap();
        close(r.mean_change, -4.0, 1e-12);
        close(r.t.unwrap(), -2.880_329_199_292_382_3, 1e-9);
        close(r.p_t.unwrap(), 0.023_640_464_835_354_875, 1e-9);
        close(r.ci_low.unwrap(), -7.283_824_990_801_339, 1e-9);
        close(r.ci_high.unwrap(), -0.716_175_009_198_661_2, 1e-9);
        // V = the rank of the one rise (3): 3; P(V <= 3) = 5/256.
        close(r.wilcoxon_v, 3.0, 0.0);
        assert_eq!(r.wilcoxon_method, WilcoxonMethod::Exact);
        close(r.p_wilcoxon.unwrap(), 0.039_062_5, 1e-15);
    }

    #[test]
    fn missing_values_are_left_out_and_too_few_refused() {
        let mut pairs = sleep();
        pairs.push((Some(1.0), None));
        pairs.push((None, Some(2.0)));
        assert_eq!(paired(&pairs).unwrap().n, 10);
        assert_eq!(
            paired(&[(Some(1.0), Some(2.0)), (Some(3.0), None)]),
            Err(ChangeError::TooFewPairs(1))
        );
        assert!(paired(&[(Some(f64::NAN), Some(2.0)), (Some(1.0), Some(2.0))]).is_err());
    }

    #[test]
    fn reads_the_audit_csv() {
        let pairs = read_pairs("\u{feff}pre,post\r\n12,8\r\n\r\n,7\n 10 , \nNA,3.5\n").unwrap();
        assert_eq!(
            pairs,
            vec![
                (Some(12.0), Some(8.0)),
                (None, Some(7.0)),
                (Some(10.0), None),
                (None, Some(3.5))
            ]
        );
        let cases = [
            ("", 0, "empty"),
            ("before,after\n1,2\n", 1, "header must be `pre,post`"),
            (
                "pre,post\n1,2\n3,four\n",
                3,
                "post is not a number: \"four\"",
            ),
            ("pre,post\n1,2,3\n", 2, "expected 2 cells"),
            ("\n\npre,post\nx,1\n", 4, "pre is not a number"),
        ];
        for (text, line, words) in cases {
            let e = read_pairs(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(words), "{text:?}: {e}");
        }
    }

    #[test]
    fn constant_changes_have_no_t() {
        let r = paired(&some(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0])).unwrap();
        assert_eq!((r.t, r.p_t, r.ci_low, r.dz), (None, None, None, None));
        assert_eq!(r.wilcoxon_method, WilcoxonMethod::NormalApproximation);
        let r = paired(&some(&[1.0, 2.0], &[1.0, 2.0])).unwrap();
        assert_eq!((r.wilcoxon_v, r.p_wilcoxon), (0.0, None));
    }

    #[test]
    fn reliable_change_counts_and_direction() {
        // SD of pre = 1.633, r = 0.5: threshold 1.96·1.633·√2·√0.5 = 3.2007.
        let pairs = some(&[10.0, 12.0, 14.0, 12.0], &[15.0, 12.0, 10.0, 14.0]);
        let higher = reliable_change(&pairs, 0.5, Direction::HigherIsBetter).unwrap();
        assert_eq!(
            (higher.improved, higher.unchanged, higher.deteriorated),
            (1, 2, 1)
        );
        close(higher.threshold, 3.200_666_597_236_686_3, 1e-12);
        let pairs = some(&[10.0, 13.0, 14.0, 11.0], &[20.0, 13.0, 6.0, 12.0]);
        let lower = reliable_change(&pairs, 0.5, Direction::LowerIsBetter).unwrap();
        assert_eq!(
            (lower.improved, lower.unchanged, lower.deteriorated),
            (1, 2, 1)
        );
        assert_eq!(
            reliable_change(&pairs, 1.0, Direction::LowerIsBetter),
            Err(ChangeError::Reliability(1.0))
        );
    }

    #[test]
    fn recovery_on_phq9() {
        // Cases at 10+; the reliable threshold here is large (SD of pre).
        let pairs = some(&[18.0, 12.0, 9.0, 22.0, 15.0], &[4.0, 9.0, 3.0, 21.0, 16.0]);
        let r = recovery(&pairs, Caseness::PHQ9).unwrap();
        assert_eq!(r.cases_at_start, 4);
        assert_eq!(r.recovered, 2);
        // 18 → 4 is reliable (14 > threshold), 12 → 9 is not.
        let threshold = reliable_change_threshold(&pairs, 0.89).unwrap();
        assert!(14.0 > threshold && 3.0 < threshold, "{threshold}");
        assert_eq!(r.reliably_recovered, 1);
        close(Caseness::GAD7.threshold, 8.0, 0.0);
    }

    fn sample() -> impl Strategy<Value = Vec<(f64, f64)>> {
        proptest::collection::vec((0i32..30, 0i32..30), 2..40).prop_map(|v| {
            v.into_iter()
                .map(|(a, b)| (f64::from(a), f64::from(b) + f64::from(a % 3) * 0.25))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_p_value_and_the_interval_agree(data in sample()) {
            let pairs: Vec<_> = data.iter().map(|&(a, b)| (Some(a), Some(b))).collect();
            let r = paired(&pairs).unwrap();
            if let (Some(p), Some(low), Some(high)) = (r.p_t, r.ci_low, r.ci_high) {
                let excludes_zero = low > 0.0 || high < 0.0;
                // Away from the boundary, p < 0.05 exactly when 0 is outside.
                if (p - 0.05).abs() > 1e-9 {
                    prop_assert_eq!(p < 0.05, excludes_zero);
                }
            }
        }

        #[test]
        #[expect(
            clippy::float_cmp,
            reason = "only exactly equal values make a zero change, which the test leaves out"
        )]
        fn swapping_timepoints_mirrors_the_tests(data in sample()) {
            let pairs: Vec<_> = data.iter().map(|&(a, b)| (Some(a), Some(b))).collect();
            let swapped: Vec<_> = data.iter().map(|&(a, b)| (Some(b), Some(a))).collect();
            let (r, s) = (paired(&pairs).unwrap(), paired(&swapped).unwrap());
            let nonzero = count_as_f64(data.iter().filter(|(a, b)| a != b).count());
            // V + V' = n(n+1)/2 over the non-zero changes.
            prop_assert!((r.wilcoxon_v + s.wilcoxon_v - nonzero * (nonzero + 1.0) / 2.0).abs() < 1e-9);
            match (r.p_wilcoxon, s.p_wilcoxon) {
                (Some(a), Some(b)) => {
                    prop_assert!((a - b).abs() < 1e-12);
                    prop_assert!(a > 0.0 && a <= 1.0);
                }
                (a, b) => prop_assert_eq!(a, b),
            }
            if let (Some(a), Some(b)) = (r.p_t, s.p_t) {
                prop_assert!((a - b).abs() < 1e-12);
            }
        }

        #[test]
        #[expect(
            clippy::float_cmp,
            reason = "the counts are whole numbers below 2^53, so their sums and 2^n are exact"
        )]
        fn exact_counts_add_up(n in 1usize..50) {
            let counts = signed_rank_counts(n);
            let total: f64 = counts.iter().sum();
            prop_assert_eq!(total, 2f64.powi(i32::try_from(n).unwrap()));
            // The distribution is symmetric about n(n+1)/4.
            let top = counts.len() - 1;
            for k in 0..=top {
                prop_assert_eq!(counts[k], counts[top - k]);
            }
        }
    }
}
