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
