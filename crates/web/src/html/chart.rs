//! Charts as inline SVG: a title and a description for screen readers, and
//! the numbers are always in a table next to the chart.

use std::fmt::Write as _;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A line chart of `points` (a label and a value, or none where hidden) on a
/// vertical scale from `range.0` to `range.1`. `id` makes the title and
/// description ids unique on the page.
#[must_use]
pub fn means(id: &str, title: &str, points: &[(String, Option<f64>)], range: (f64, f64)) -> String {
    const WIDTH: f64 = 560.0;
    const HEIGHT: f64 = 220.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 48.0;
    let (low, high) = if range.1 > range.0 {
        range
    } else {
        (range.0, range.0 + 1.0)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        if points.len() <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - ((v - low) / (high - low)).clamp(0.0, 1.0));
    let described: Vec<String> = points
        .iter()
        .map(|(label, value)| match value {
            Some(v) => format!("{label}: {}", super::number(*v)),
            None => format!("{label}: not shown"),
        })
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">Mean score at each timepoint. {}.</desc>"#,
        escape(title),
        escape(&described.join("; "))
    );
    // The axis and its ends.
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#4c6272"/><line x1="{LEFT}" y1="{b}" x2="{}" y2="{b}" stroke="#4c6272"/>"##,
        TOP + plot_h,
        LEFT + plot_w,
        b = TOP + plot_h
    );
    for v in [low, high] {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#212b32">{}</text>"##,
            LEFT - 6.0,
            y(v) + 4.0,
            super::number(v)
        );
    }
    let shown: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| v.map(|v| (x(i), y(v))))
        .collect();
    if shown.len() > 1 {
        let path: Vec<String> = shown
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#005eb8" stroke-width="3"/>"##,
            path.join(" ")
        );
    }
    for (px, py) in &shown {
        let _ = write!(
            svg,
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="5" fill="#005eb8"/>"##
        );
    }
    for (i, (label, _)) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12" fill="#212b32">{}</text>"##,
            x(i),
            HEIGHT - BOTTOM + 18.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_itself_and_its_numbers() {
        let svg = means(
            "c1",
            "SEMCD-6 <mean>",
            &[
                ("Baseline".into(), Some(5.5)),
                ("End".into(), None),
                ("Later".into(), Some(7.0)),
            ],
            (1.0, 10.0),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="c1-title c1-desc""#));
        assert!(svg.contains("SEMCD-6 &lt;mean&gt;"), "text is escaped");
        assert!(svg.contains("Baseline: 5.5; End: not shown; Later: 7"));
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "hidden values are not drawn"
        );
    }
}
