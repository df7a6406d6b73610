//! A plain text format for assignment problems, for audits and benchmarks:
//!
//! ```text
//! c comment lines start with c
//! p PERSONS SUPPORTERS EDGES
//! s SUPPORTER CAPACITY        (one line per supporter, 0-based index)
//! e PERSON SUPPORTER SCORE    (integer score, 1..=1000000)
//! ```
//!
//! Blank lines are ignored. The problem line comes first; every supporter
//! has exactly one `s` line; the number of `e` lines equals EDGES.

use std::fmt;

use crate::assignment::{Edge, Problem};

/// The largest score a pair may have in the file.
pub const MAX_SCORE: i64 = 1_000_000;

/// What is wrong with a file, and on which line (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The line, from 1; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for FormatError {}

fn error(line: usize, message: impl Into<String>) -> FormatError {
    FormatError {
        line,
        message: message.into(),
    }
}

/// Reads a problem from `text`.
///
/// # Errors
/// The first malformed line, or a count that does not add up.
pub fn parse(text: &str) -> Result<Problem, FormatError> {
    let mut header: Option<(u32, u32, usize)> = None;
    let mut capacities: Vec<Option<u32>> = Vec::new();
    let mut edges = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let mut words = raw.split_ascii_whitespace();
        let Some(kind) = words.next() else { continue };
        let fields: Vec<&str> = words.collect();
        let number = |at: usize, what: &str| -> Result<u64, FormatError> {
            fields[at].parse::<u64>().map_err(|_| {
                error(
                    line,
                    format!("{what} must be a whole number, not {:?}", fields[at]),
                )
            })
        };
        let arity = |n: usize, shape: &str| {
            if fields.len() == n {
                Ok(())
            } else {
                Err(error(line, format!("expected `{shape}`")))
            }
        };
        match kind {
            "c" => {}
            "p" => {
                if header.is_some() {
                    return Err(error(line, "a second problem line"));
                }
                arity(3, "p PERSONS SUPPORTERS EDGES")?;
                let persons = u32::try_from(number(0, "PERSONS")?)
                    .map_err(|_| error(line, "too many persons"))?;
                let supporters = u32::try_from(number(1, "SUPPORTERS")?)
                    .map_err(|_| error(line, "too many supporters"))?;
                let count = usize::try_from(number(2, "EDGES")?)
                    .map_err(|_| error(line, "too many edges"))?;
                capacities = vec![None; supporters as usize];
                edges.reserve(count.min(1 << 26));
                header = Some((persons, supporters, count));
            }
            "s" | "e" => {
                let Some((persons, supporters, _)) = header else {
                    return Err(error(
                        line,
                        "the problem line `p PERSONS SUPPORTERS EDGES` must come first",
                    ));
                };
                if kind == "s" {
                    arity(2, "s SUPPORTER CAPACITY")?;
                    let s = number(0, "SUPPORTER")?;
                    if s >= u64::from(supporters) {
                        return Err(error(
                            line,
                            format!(
                                "supporter {s} is beyond the {supporters} supporters (indices start at 0)"
                            ),
                        ));
                    }
                    let capacity = u32::try_from(number(1, "CAPACITY")?)
                        .map_err(|_| error(line, "capacity too large"))?;
                    let slot = &mut capacities[s as usize];
                    if slot.is_some() {
                        return Err(error(line, format!("supporter {s} is given twice")));
                    }
                    *slot = Some(capacity);
                } else {
                    arity(3, "e PERSON SUPPORTER SCORE")?;
                    let p = number(0, "PERSON")?;
                    if p >= u64::from(persons) {
                        return Err(error(
                            line,
                            format!(
                                "person {p} is beyond the {persons} persons (indices start at 0)"
                            ),
                        ));
                    }
                    let s = number(1, "SUPPORTER")?;
                    if s >= u64::from(supporters) {
                        return Err(error(
                            line,
                            format!(
                                "supporter {s} is beyond the {supporters} supporters (indices start at 0)"
                            ),
                        ));
                    }
                    let score = fields[2]
                        .parse::<i64>()
                        .ok()
                        .filter(|w| (1..=MAX_SCORE).contains(w))
                        .ok_or_else(|| {
                            error(
                                line,
                                format!(
                                    "SCORE must be a whole number from 1 to {MAX_SCORE}, not {:?}",
                                    fields[2]
                                ),
                            )
                        })?;
                    edges.push(Edge {
                        person: p as u32,
                        supporter: s as u32,
                        score,
                    });
                }
            }
            other => {
                return Err(error(
                    line,
                    format!("unknown line type {other:?}: expected c, p, s or e"),
                ));
            }
        }
    }
    let Some((persons, _, count)) = header else {
        return Err(error(0, "no problem line `p PERSONS SUPPORTERS EDGES`"));
    };
    if edges.len() != count {
        return Err(error(
            0,
            format!(
                "the problem line announces {count} edges, the file has {}",
                edges.len()
            ),
        ));
    }
    let capacities = capacities
        .into_iter()
        .enumerate()
        .map(|(s, c)| c.ok_or_else(|| error(0, format!("supporter {s} has no `s` line"))))
        .collect::<Result<_, _>>()?;
    Ok(Problem {
        persons,
        capacities,
        edges,
    })
}

/// Writes `problem` in the format [`parse`] reads.
#[must_use]
pub fn write(problem: &Problem) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(16 * problem.edges.len() + 64);
    let _ = writeln!(
        out,
        "p {} {} {}",
        problem.persons,
        problem.capacities.len(),
        problem.edges.len()
    );
    for (s, c) in problem.capacities.iter().enumerate() {
        let _ = writeln!(out, "s {s} {c}");
    }
    for e in &problem.edges {
        let _ = writeln!(out, "e {} {} {}", e.person, e.supporter, e.score);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "c two people, one supporter\n\np 2 1 2\ns 0 1\ne 0 0 5\ne 1 0 7\n";

    #[test]
    fn reads_a_good_file_and_writes_it_back() {
        let problem = parse(GOOD).unwrap();
        assert_eq!(problem.persons, 2);
        assert_eq!(problem.capacities, vec![1]);
        assert_eq!(problem.edges.len(), 2);
        assert_eq!(parse(&write(&problem)).unwrap(), problem);
    }

    #[test]
    fn names_the_bad_line() {
        let cases = [
            ("s 0 1\n", 1, "must come first"),
            ("p 1 1 1\ns 0 1\ne 0 0 0\n", 3, "from 1 to 1000000"),
            ("p 1 1 1\ns 0 1\ne 0 0 1000001\n", 3, "from 1 to 1000000"),
            ("p 1 1 1\ns 0 1\ne 1 0 5\n", 3, "person 1 is beyond"),
            ("p 1 1 1\ns 0 1\ne 0 1 5\n", 3, "supporter 1 is beyond"),
            ("p 1 1 1\ns 0 x\n", 2, "CAPACITY must be a whole number"),
            ("p 1 1 1\ns 0 1\ns 0 2\n", 3, "given twice"),
            ("p 1 1\n", 1, "expected `p PERSONS SUPPORTERS EDGES`"),
            ("p 1 1 1\np 1 1 1\n", 2, "second problem line"),
            ("p 1 1 1\nx 0\n", 2, "unknown line type"),
            ("p 1 1 1\ns 0 1\ne 0 0\n", 3, "expected `e PERSON"),
        ];
        for (text, line, words) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(words), "{text:?}: {e}");
        }
    }

    #[test]
    fn counts_must_add_up() {
        let e = parse("p 1 1 2\ns 0 1\ne 0 0 5\n").unwrap_err();
        assert!(e.to_string().contains("announces 2 edges"), "{e}");
        let e = parse("p 1 2 0\ns 0 1\n").unwrap_err();
        assert!(e.to_string().contains("supporter 1 has no `s` line"), "{e}");
        let e = parse("c nothing\n").unwrap_err();
        assert!(e.to_string().contains("no problem line"), "{e}");
    }
}
