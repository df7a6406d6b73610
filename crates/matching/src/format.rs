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

/// The fields of one line after its type letter, and the line's number.
struct Fields<'a> {
    line: usize,
    fields: Vec<&'a str>,
}

impl Fields<'_> {
    fn error(&self, message: impl Into<String>) -> FormatError {
        error(self.line, message)
    }

    /// Checks that the line has `n` fields, as `shape` shows them.
    fn arity(&self, n: usize, shape: &str) -> Result<(), FormatError> {
        if self.fields.len() == n {
            Ok(())
        } else {
            Err(self.error(format!("expected `{shape}`")))
        }
    }

    /// The whole number in field `at`, called `what` when it is not one.
    fn number(&self, at: usize, what: &str) -> Result<u64, FormatError> {
        self.fields[at].parse::<u64>().map_err(|_| {
            self.error(format!(
                "{what} must be a whole number, not {:?}",
                self.fields[at]
            ))
        })
    }

    /// The index in field `at` of one of `count` persons or supporters
    /// (`thing`), called `what` when it is not a number.
    fn index(&self, at: usize, what: &str, thing: &str, count: u32) -> Result<u32, FormatError> {
        let index = self.number(at, what)?;
        u32::try_from(index)
            .ok()
            .filter(|&i| i < count)
            .ok_or_else(|| {
                self.error(format!(
                    "{thing} {index} is beyond the {count} {thing}s (indices start at 0)"
                ))
            })
    }

    /// A problem line: persons, supporters and the number of edges.
    fn header(&self) -> Result<(u32, u32, usize), FormatError> {
        self.arity(3, "p PERSONS SUPPORTERS EDGES")?;
        let persons = u32::try_from(self.number(0, "PERSONS")?)
            .map_err(|_| self.error("too many persons"))?;
        let supporters = u32::try_from(self.number(1, "SUPPORTERS")?)
            .map_err(|_| self.error("too many supporters"))?;
        let count =
            usize::try_from(self.number(2, "EDGES")?).map_err(|_| self.error("too many edges"))?;
        Ok((persons, supporters, count))
    }

    /// A supporter line, for a problem of `supporters`: the supporter and
    /// their capacity.
    fn supporter(&self, supporters: u32) -> Result<(u32, u32), FormatError> {
        self.arity(2, "s SUPPORTER CAPACITY")?;
        let s = self.index(0, "SUPPORTER", "supporter", supporters)?;
        let capacity = u32::try_from(self.number(1, "CAPACITY")?)
            .map_err(|_| self.error("capacity too large"))?;
        Ok((s, capacity))
    }

    /// An edge line, for a problem of `persons` and `supporters`.
    fn edge(&self, persons: u32, supporters: u32) -> Result<Edge, FormatError> {
        self.arity(3, "e PERSON SUPPORTER SCORE")?;
        let person = self.index(0, "PERSON", "person", persons)?;
        let supporter = self.index(1, "SUPPORTER", "supporter", supporters)?;
        let score = self.fields[2]
            .parse::<i64>()
            .ok()
            .filter(|w| (1..=MAX_SCORE).contains(w))
            .ok_or_else(|| {
                self.error(format!(
                    "SCORE must be a whole number from 1 to {MAX_SCORE}, not {:?}",
                    self.fields[2]
                ))
            })?;
        Ok(Edge {
            person,
            supporter,
            score,
        })
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
        let mut words = raw.split_ascii_whitespace();
        let Some(kind) = words.next() else { continue };
        let fields = Fields {
            line: index + 1,
            fields: words.collect(),
        };
        match kind {
            "c" => {}
            "p" => {
                if header.is_some() {
                    return Err(fields.error("a second problem line"));
                }
                let (persons, supporters, count) = fields.header()?;
                capacities = vec![None; supporters as usize];
                edges.reserve(count.min(1 << 26));
                header = Some((persons, supporters, count));
            }
            "s" | "e" => {
                let Some((persons, supporters, _)) = header else {
                    return Err(fields
                        .error("the problem line `p PERSONS SUPPORTERS EDGES` must come first"));
                };
                if kind == "s" {
                    let (s, capacity) = fields.supporter(supporters)?;
                    let slot = &mut capacities[s as usize];
                    if slot.is_some() {
                        return Err(fields.error(format!("supporter {s} is given twice")));
                    }
                    *slot = Some(capacity);
                } else {
                    edges.push(fields.edge(persons, supporters)?);
                }
            }
            other => {
                return Err(fields.error(format!(
                    "unknown line type {other:?}: expected c, p, s or e"
                )));
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
