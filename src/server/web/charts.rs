//! The overview's charts, drawn on the server as inline SVG with plotters' SVG
//! backend: rectangles, lines and plain `<text>` (the browser picks the font; no
//! font file is read), colours as presentation attributes (the pages' CSP allows no
//! inline `style`). Each chart is also a table of the same numbers beside it.

use maud::{Markup, PreEscaped};
use plotters::prelude::*;

/// The states of a deadline, in the bars' order, with their colours.
pub const STATES: [(&str, RGBColor); 5] = [
    ("approved", RGBColor(28, 107, 46)),
    ("submitted", RGBColor(18, 67, 107)),
    ("late", RGBColor(196, 132, 0)),
    ("returned", RGBColor(176, 48, 48)),
    ("missing", RGBColor(190, 190, 190)),
];

const WIDTH: u32 = 720;
const ROW: u32 = 34;
const LABEL: u32 = 230;

/// The SVG, with a text alternative for screen readers, as markup.
fn inline(svg: String, label: &str) -> Markup {
    let label = maud::html! { (label) }.into_string();
    PreEscaped(svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" "),
        1,
    ))
}

/// A line of `label` text at (x, y).
fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    s: &str,
    (x, y): (i32, i32),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", 14).into_font().color(&BLACK);
    area.draw(&Text::new(s.to_string(), (x, y), font))
}

/// A row's name on at most two lines of the label's width, cut with "…" past them:
/// a deadline's title is read whole more often than not.
fn label_lines(name: &str) -> Vec<String> {
    const WIDE: usize = 28;
    let mut lines: Vec<String> = vec![String::new()];
    for word in name.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > WIDE {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    if lines.len() > 2 {
        lines.truncate(2);
        let second: String = lines[1].chars().take(WIDE - 1).collect();
        lines[1] = format!("{second}…");
    }
    lines
}

/// One horizontal bar per row, each split into parts (`colors[i]` for part `i`),
/// scaled to the longest row; the row's label at its left, its total at its right.
pub fn stacked_bars(rows: &[(String, Vec<i64>)], colors: &[RGBColor], label: &str) -> Markup {
    let height = ROW * rows.len().max(1) as u32 + 8;
    let mut svg = String::new();
    let max = rows
        .iter()
        .map(|(_, parts)| parts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let span = (WIDTH - LABEL - 70) as f64;
        let drawn = rows.iter().enumerate().try_for_each(|(i, (name, parts))| {
            let y = (i as u32 * ROW + 4) as i32;
            for (n, line) in label_lines(name).iter().enumerate() {
                text(&root, line, (0, y + 1 + 15 * n as i32))?;
            }
            let mut x = LABEL as f64;
            for (part, color) in parts.iter().zip(colors) {
                let w = span * *part as f64 / max as f64;
                if w > 0.0 {
                    let rect = [(x as i32, y + 2), ((x + w) as i32, y + ROW as i32 - 8)];
                    root.draw(&Rectangle::new(rect, color.filled()))?;
                }
                x += w;
            }
            let total: i64 = parts.iter().sum();
            text(&root, &total.to_string(), (x as i32 + 6, y + 8))
        });
        if let Err(e) = drawn.and_then(|_| root.present()) {
            tracing::warn!(error = %e, "a chart could not be drawn");
        }
    }
    inline(svg, label)
}

/// Hand-ins per day (bars) with the due day marked by a red vertical line; `days` is
/// every day of the chart in order, with its count.
pub fn per_day(days: &[(chrono::NaiveDate, i64)], due: chrono::NaiveDate, label: &str) -> Markup {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 240)).into_drawing_area();
        let drawn = draw_days(&root, days, due);
        if let Err(e) = drawn.and_then(|_| root.present()) {
            tracing::warn!(error = %e, "a chart could not be drawn");
        }
    }
    inline(svg, label)
}

type DayError = DrawingAreaErrorKind<std::io::Error>;

fn draw_days(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    days: &[(chrono::NaiveDate, i64)],
    due: chrono::NaiveDate,
) -> Result<(), DayError> {
    let n = days.len().max(1) as i32;
    let max = days.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(40)
        .build_cartesian_2d(0..n, 0..max + max / 10 + 1)?;
    let label_of = |i: &i32| {
        days.get(*i as usize)
            .map(|(d, _)| d.format("%d/%m").to_string())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(10)
        .x_label_formatter(&label_of)
        .y_labels(5)
        .draw()?;
    let blue = RGBColor(18, 67, 107);
    chart.draw_series(days.iter().enumerate().map(|(i, (_, c))| {
        let i = i as i32;
        Rectangle::new([(i, 0), (i + 1, *c)], blue.filled())
    }))?;
    if let Some(at) = days.iter().position(|(d, _)| *d == due) {
        let x = at as i32 + 1;
        let red = RGBColor(176, 48, 48);
        let line = PathElement::new(vec![(x, 0), (x, max + max / 10 + 1)], red.stroke_width(2));
        chart.draw_series(std::iter::once(line))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_name_takes_two_lines_and_is_cut_past_them() {
        let two = super::label_lines("Báo cáo tổng kết phong trào thi đua");
        assert_eq!(two, ["Báo cáo tổng kết phong trào", "thi đua"]);
        let long = super::label_lines(&"Hồ sơ trình đề nghị khen thưởng ".repeat(3));
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'), "{long:?}");
    }
}
