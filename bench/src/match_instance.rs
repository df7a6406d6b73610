//! Writes a seeded matching problem in Alongside's plain text format, for
//! the matching benchmark: `match-instance SIZE [SEED] > FILE`.
//!
//! Sizes: `dense` (2,000 people × 700 supporters, every pair a candidate,
//! capacity 1–3), `region` (8,333 × 2,500, candidates within travel
//! distance, each side's best 50 kept) and `nation` (100,000 × 30,000,
//! capacity 3, best 50 kept; about four million pairs).
//!
//! People and supporters get a home on a square map, one of twelve
//! conditions, a few of twenty lived-experience tags and an age band; a
//! pair's score adds up what they share, as Alongside's scores do, plus a
//! little noise so that ties are rare but not absent.

use std::io::Write as _;

/// A small, fast, seeded generator (SplitMix64), so instances are the same
/// on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Someone {
    x: f64,
    y: f64,
    condition: u64,
    tags: u32,
    age: i64,
}

fn someone(random: &mut Random, side: f64) -> Someone {
    let mut tags = 0u32;
    for _ in 0..3 {
        tags |= 1 << random.below(20);
    }
    Someone {
        x: random.unit() * side,
        y: random.unit() * side,
        condition: random.below(12),
        tags,
        age: random.below(7) as i64,
    }
}

fn score(person: &Someone, supporter: &Someone, distance: f64, random: &mut Random) -> i64 {
    let mut score = 1 + random.below(40) as i64;
    if person.condition == supporter.condition {
        score += 400;
    }
    score += 60 * i64::from((person.tags & supporter.tags).count_ones());
    score += 20 * (6 - (person.age - supporter.age).abs());
    score += (200.0 * (1.0 - distance / 20.0)).max(0.0) as i64;
    score
}

struct Size {
    persons: usize,
    supporters: usize,
    /// The map's side in miles; 0 for "everyone in reach".
    side: f64,
    reach: f64,
    fixed_capacity: Option<u32>,
    top: Option<usize>,
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let size = match args.get(1).map(String::as_str) {
        Some("dense") => Size {
            persons: 2_000,
            supporters: 700,
            side: 0.0,
            reach: 0.0,
            fixed_capacity: None,
            top: None,
        },
        Some("region") => Size {
            persons: 8_333,
            supporters: 2_500,
            side: 60.0,
            reach: 12.0,
            fixed_capacity: None,
            top: Some(50),
        },
        Some("nation") => Size {
            persons: 100_000,
            supporters: 30_000,
            side: 400.0,
            reach: 8.5,
            fixed_capacity: Some(3),
            top: Some(50),
        },
        _ => {
            eprintln!("usage: match-instance dense|region|nation [SEED] > FILE");
            return std::process::ExitCode::FAILURE;
        }
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut random = Random(seed);
    let people: Vec<Someone> = (0..size.persons)
        .map(|_| someone(&mut random, size.side))
        .collect();
    let supporters: Vec<Someone> = (0..size.supporters)
        .map(|_| someone(&mut random, size.side))
        .collect();
    let capacities: Vec<u32> = (0..size.supporters)
        .map(|_| {
            size.fixed_capacity
                .unwrap_or_else(|| 1 + random.below(3) as u32)
        })
        .collect();
    // Supporters by map cell, so each person looks only at cells in reach.
    let cell = size.reach.max(1.0);
    let cells = if size.side > 0.0 {
        (size.side / cell).ceil() as usize + 1
    } else {
        1
    };
    let mut grid: Vec<Vec<u32>> = vec![Vec::new(); cells * cells];
    let at = |v: f64| ((v / cell) as usize).min(cells - 1);
    for (i, s) in supporters.iter().enumerate() {
        grid[at(s.y) * cells + at(s.x)].push(i as u32);
    }
    let mut edges: Vec<(u32, u32, i64)> = Vec::new();
    for (p, person) in people.iter().enumerate() {
        let (cx, cy) = (at(person.x), at(person.y));
        for gy in cy.saturating_sub(1)..=(cy + 1).min(cells - 1) {
            for gx in cx.saturating_sub(1)..=(cx + 1).min(cells - 1) {
                for &s in &grid[gy * cells + gx] {
                    let supporter = &supporters[s as usize];
                    let distance = (person.x - supporter.x).hypot(person.y - supporter.y);
                    if size.side > 0.0 && distance > size.reach {
                        continue;
                    }
                    edges.push((p as u32, s, score(person, supporter, distance, &mut random)));
                }
            }
        }
    }
    if let Some(k) = size.top {
        let all: Vec<alongside_matching::assignment::Edge> = edges
            .iter()
            .map(
                |&(person, supporter, score)| alongside_matching::assignment::Edge {
                    person,
                    supporter,
                    score,
                },
            )
            .collect();
        edges = alongside_matching::assignment::keep_best(&all, k)
            .into_iter()
            .map(|e| (e.person, e.supporter, e.score))
            .collect();
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let written = (|| -> std::io::Result<()> {
        writeln!(out, "c alongside matching benchmark, seed {seed}")?;
        writeln!(
            out,
            "p {} {} {}",
            size.persons,
            size.supporters,
            edges.len()
        )?;
        for (s, c) in capacities.iter().enumerate() {
            writeln!(out, "s {s} {c}")?;
        }
        for (p, s, w) in &edges {
            writeln!(out, "e {p} {s} {w}")?;
        }
        out.flush()
    })();
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write the instance: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
