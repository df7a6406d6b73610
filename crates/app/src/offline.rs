//! Commands for audits and benchmarks that read a file and print JSON: no
//! database, no settings.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use serde_json::json;

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

/// `match solve`: the exact assignment of the problem in `file`, as JSON.
/// With `top` the graph first keeps each side's best pairs only; with
/// `timing` the time spent solving goes to standard error.
pub fn match_solve(file: &Path, top: Option<usize>, timing: bool) -> anyhow::Result<String> {
    let text = read(file)?;
    let mut problem = alongside_matching::format::parse(&text)
        .with_context(|| format!("{} is not a matching problem", file.display()))?;
    drop(text);
    let started = Instant::now();
    if let Some(k) = top {
        problem.edges = alongside_matching::assignment::keep_best(&problem.edges, k);
    }
    let assignment = alongside_matching::assignment::solve(&problem)?;
    if timing {
        eprintln!("solve_seconds {:.3}", started.elapsed().as_secs_f64());
    }
    let pairs: Vec<[u32; 2]> = assignment.pairs.iter().map(|&(p, s)| [p, s]).collect();
    Ok(json!({
        "matched": assignment.matched,
        "total_score": assignment.total_score,
        "pairs": pairs,
    })
    .to_string())
}

/// `stats paired`: the paired comparison of the `pre,post` CSV in `file`, as
/// JSON; with `reliability`, also the counts of reliable change.
pub fn stats_paired(
    file: &Path,
    reliability: Option<f64>,
    lower_is_better: bool,
) -> anyhow::Result<String> {
    use alongside_evaluation::change::{self, Direction};
    let text = read(file)?;
    let pairs = change::read_pairs(&text)
        .with_context(|| format!("{} is not a pre,post file", file.display()))?;
    let r = change::paired(&pairs)?;
    let mut out = json!({
        "n": r.n,
        "mean_pre": r.mean_pre,
        "mean_post": r.mean_post,
        "mean_change": r.mean_change,
        "sd_change": r.sd_change,
        "t": r.t,
        "df": r.df,
        "p_t": r.p_t,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "dz": r.dz,
        "d_av": r.d_av,
        "wilcoxon_v": r.wilcoxon_v,
        "p_wilcoxon": r.p_wilcoxon,
        "wilcoxon_method": r.wilcoxon_method.as_str(),
    });
    if let Some(reliability) = reliability {
        let direction = if lower_is_better {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        };
        let rc = change::reliable_change(&pairs, reliability, direction)?;
        out["reliable_improved"] = json!(rc.improved);
        out["unchanged"] = json!(rc.unchanged);
        out["reliable_deteriorated"] = json!(rc.deteriorated);
    }
    Ok(out.to_string())
}
