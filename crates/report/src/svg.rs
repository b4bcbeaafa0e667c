//! Charts as inline SVG: drawn here, so the report needs no script, no library and no network.
//!
//! Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` naming the table that
//! holds its data; every piece of text in it goes through [`escape`].

use std::fmt::Write;

use crate::html::escape;
use crate::numbers::grouped;

/// The colour of searches: dark blue, 9:1 against white.
pub(crate) const SEARCH_COLOUR: &str = "#1f4e79";
/// The colour of hits: dark orange, over 5:1 against white.
pub(crate) const HIT_COLOUR: &str = "#a34700";
const INK: &str = "#1a1a1a";
const GRID: &str = "#c8c8c8";

/// What every chart says about itself to a screen reader.
pub(crate) struct Labels<'a> {
    /// Unique within the page: the prefix of the chart's element ids.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// One series of values, one per row of a horizontal bar chart.
pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<u64>,
}

fn open_svg(out: &mut String, labels: &Labels, width: u32, height: u32) {
    let id = escape(labels.id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" \
         font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"{INK}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(labels.title),
        escape(labels.desc)
    );
}

/// A round upper bound for an axis and its step: 1, 2 or 5 times a power of ten.
fn axis(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let rough = max.div_ceil(4);
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let s = step.saturating_mul(m);
            if s >= rough {
                return (max.div_ceil(s).saturating_mul(s), s);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// A column chart of one value per day (or any ordered label), with a labelled value axis,
/// gridlines, and every k-th label on the time axis so that the labels never overlap.
pub(crate) fn columns(
    labels: &Labels,
    x_title: &str,
    y_title: &str,
    data: &[(String, u64)],
) -> String {
    let (left, right, top, bottom) = (72.0, 12.0, 16.0, 64.0);
    let (width, height) = (760.0, 320.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let (top_value, step) = axis(data.iter().map(|d| d.1).max().unwrap_or(0));
    let mut out = String::new();
    open_svg(&mut out, labels, width as u32, height as u32);
    let y_of = |v: u64| top + plot_h - plot_h * (v as f64 / top_value as f64);
    let mut next = Some(0u64);
    while let Some(tick) = next.filter(|&t| t <= top_value) {
        let y = y_of(tick);
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            width - right,
            left - 6.0,
            y + 4.0,
            grouped(tick)
        );
        next = tick.checked_add(step);
    }
    let n = data.len().max(1) as f64;
    let slot = plot_w / n;
    let every = data.len().div_ceil(12).max(1);
    for (i, (label, value)) in data.iter().enumerate() {
        let x = left + slot * i as f64;
        let y = y_of(*value);
        if *value > 0 {
            let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{SEARCH_COLOUR}\">\
             <title>{}: {}</title></rect>",
            x + slot * 0.1,
            (slot * 0.8).max(0.5),
            top + plot_h - y,
            escape(label),
            grouped(*value)
        );
        }
        if i % every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + slot / 2.0,
                top + plot_h + 16.0,
                escape(label)
            );
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{INK}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
         <text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text></svg>",
        width - right,
        top + plot_h,
        top + plot_h,
        left + plot_w / 2.0,
        height - 16.0,
        escape(x_title),
        top + plot_h / 2.0,
        escape(y_title)
    );
    out
}

/// Horizontal bars: one row per label and one panel per series, side by side, each panel on
/// its own scale (searches and hits differ by orders of magnitude), each bar with its value.
pub(crate) fn bars(labels: &Labels, rows: &[String], series: &[Series]) -> String {
    let (label_w, panel_w, value_w, row_h, top) = (190.0, 250.0, 80.0, 26.0, 30.0);
    let width = label_w + series.len().max(1) as f64 * (panel_w + value_w);
    let height = top + row_h * rows.len().max(1) as f64 + 8.0;
    let mut out = String::new();
    open_svg(&mut out, labels, width as u32, height as u32);
    for (r, label) in rows.iter().enumerate() {
        let y = top + row_h * r as f64;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            escape(&shortened(label, 28))
        );
    }
    for (p, s) in series.iter().enumerate() {
        let x0 = label_w + p as f64 * (panel_w + value_w);
        let max = s.values.iter().copied().max().unwrap_or(0).max(1) as f64;
        let _ = write!(
            out,
            "<text x=\"{x0:.1}\" y=\"18\" font-weight=\"bold\">{}</text>\
             <line x1=\"{x0:.1}\" x2=\"{x0:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{INK}\"/>",
            escape(s.name),
            top - 4.0,
            height - 8.0
        );
        for (r, &v) in s.values.iter().enumerate().take(rows.len()) {
            let y = top + row_h * r as f64;
            let w = panel_w * v as f64 / max;
            if v > 0 {
                let _ = write!(
                    out,
                    "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                    y + 4.0,
                    row_h - 8.0,
                    escape(s.colour),
                );
            }
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x0 + w + 4.0,
                y + row_h * 0.65,
                grouped(v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// At most `max` characters, with "…" when cut: long site names must not run into the bars.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(1_204_321), (1_500_000, 500_000));
        assert_eq!(axis(100), (100, 50));
        let (top, step) = axis(u64::MAX);
        assert!(top >= step);
    }

    #[test]
    fn long_labels_are_shortened_on_a_character_boundary() {
        assert_eq!(shortened("Tanger Med", 28), "Tanger Med");
        let long = "é".repeat(40);
        assert_eq!(shortened(&long, 28).chars().count(), 28);
    }

    #[test]
    fn charts_escape_their_text_and_label_themselves() {
        let labels = Labels {
            id: "c",
            title: "<b>",
            desc: "a & b",
        };
        let svg = bars(
            &labels,
            &["<script>alert(1)</script>".to_string()],
            &[Series {
                name: "\"x\"",
                colour: SEARCH_COLOUR,
                values: vec![3],
            }],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c-title\">&lt;b&gt;</title>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&quot;x&quot;"));
        let svg = columns(
            &labels,
            "Day",
            "Searches",
            &[("1 Jan".to_string(), 5), ("2 Jan".to_string(), 0)],
        );
        assert_eq!(svg.matches("<rect").count(), 1, "no bar for a zero day");
        assert!(svg.contains("<rect"));
        assert!(svg.ends_with("</svg>"));
    }
}
