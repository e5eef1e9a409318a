//! A report as one self-contained HTML page for the screen: no script, no external
//! asset (the office network has no internet); charts as inline SVG.

use std::fmt::Write;

use super::{Chart, Document, Section};

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const COLORS: [&str; 3] = ["#4e79a7", "#e15759", "#59a14f"];

/// An SVG chart, 640×240, with its legend.
pub fn svg(chart: &Chart) -> String {
    let (w, h, left, bottom) = (640.0, 240.0, 48.0, 28.0);
    let max = chart.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0_f64, f64::max).max(1.0) * 1.1;
    let n = chart.labels.len().max(1) as f64;
    let slot = (w - left) / n;
    let y = |v: f64| (h - bottom) - v / max * (h - bottom - 10.0);
    let mut out = format!("<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">");
    let _ = write!(out, "<line x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\" stroke=\"#999\"/>", h - bottom, h - bottom);
    let _ = write!(out, "<text x=\"2\" y=\"14\" font-size=\"11\">{:.0}{}</text>", max / 1.1, escape(&chart.unit));
    for (i, label) in chart.labels.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            h - 8.0,
            escape(label)
        );
    }
    let groups = chart.series.len().max(1) as f64;
    for (k, series) in chart.series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        if chart.kind == "bars" {
            let bar = slot * 0.8 / groups;
            for (i, v) in series.values.iter().enumerate() {
                let x = left + slot * i as f64 + slot * 0.1 + bar * k as f64;
                let _ = write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{color}\"/>",
                    y(*v),
                    (h - bottom) - y(*v)
                );
            }
        } else {
            let points: Vec<String> = series
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", left + slot * (i as f64 + 0.5), y(*v)))
                .collect();
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                points.join(" ")
            );
        }
    }
    out.push_str("</svg><p class=\"legend\">");
    for (k, series) in chart.series.iter().enumerate() {
        let _ = write!(out, "<span style=\"color:{}\">■</span> {} ", COLORS[k % COLORS.len()], escape(&series.name));
    }
    out.push_str("</p>");
    out
}

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title><style>\
         body{{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}\
         h1{{text-align:center}} .subtitle{{text-align:center;color:#555}} table{{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}}\
         th,td{{border:1px solid #bbb;padding:4px 6px;font-size:14px;vertical-align:top;overflow-wrap:anywhere}} th{{background:#eef2f7}} caption{{font-weight:bold;padding:4px}}\
         td.num,th.num{{text-align:right;white-space:nowrap}} thead{{display:table-header-group}} tr{{break-inside:avoid}}\
         figure{{margin:1em 0}} figcaption{{font-weight:bold}} .legend{{font-size:13px}}\
         table.cover{{width:60%;margin:2em auto 3em}} table.cover th{{width:35%;text-align:left}} h3{{font-size:16px}}\
         @media print{{table.cover{{break-after:page}} @page{{size:A4;margin:2cm;@bottom-center{{content:\"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\";font-size:9pt;color:#777}}}} body{{max-width:none;margin:0}}}}</style></head><body>\
         <h1>{title}</h1><p class=\"subtitle\">{subtitle}<br>生成日期:{generated}</p>",
        title = escape(&doc.title),
        subtitle = escape(&doc.subtitle),
        generated = escape(&doc.generated)
    );
    if !doc.cover.is_empty() {
        out.push_str("<table class=\"cover\"><tbody>");
        for [label, value] in &doc.cover {
            let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", escape(label), escape(value));
        }
        out.push_str("</tbody></table>");
    }
    out.push_str(&sections(&doc.sections));
    out.push_str("</body></html>");
    out
}

/// Sections as HTML: headings, paragraphs, charts and tables, every text escaped.
pub fn sections(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        let h = if s.level >= 2 { "h3" } else { "h2" };
        let _ = write!(out, "<section><{h}>{}</{h}>", escape(&s.heading));
        for p in &s.paragraphs {
            let _ = write!(out, "<p>{}</p>", escape(p));
        }
        for c in &s.charts {
            let _ = write!(out, "<figure><figcaption>{}</figcaption>{}</figure>", escape(&c.title), svg(c));
        }
        for t in &s.tables {
            let _ = write!(out, "<table><caption>{}</caption><thead><tr>", escape(&t.caption));
            let num = |yes: bool| if yes { " class=\"num\"" } else { "" };
            // A column of numbers has its header over them, on the right.
            let column =
                |c: usize| !t.numeric.is_empty() && t.numeric.iter().all(|r| r.get(c).copied().unwrap_or(false));
            for (c, h) in t.headers.iter().enumerate() {
                let _ = write!(out, "<th{}>{}</th>", num(column(c)), escape(h));
            }
            out.push_str("</tr></thead><tbody>");
            for (row, flags) in t.rows.iter().zip(&t.numeric) {
                out.push_str("<tr>");
                for (cell, &yes) in row.iter().zip(flags) {
                    let _ = write!(out, "<td{}>{}</td>", num(yes), escape(cell));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn number_columns_are_right_aligned() {
        use super::super::{is_number, table};
        assert!(is_number("42,000.00") && is_number("-3.50") && is_number("12.00%") && is_number("—"));
        assert!(!is_number("HY-JT-01") && !is_number("2025-06-30") && !is_number("达成"));
        let t = table(
            "t",
            &["项目", "金额(万元)", "日期"],
            vec![vec!["甲".into(), "1,234.56".into(), "2025-06-30".into()], vec!["乙".into(), "—".into(), "".into()]],
        );
        assert_eq!(t.numeric, [[false, true, false], [false, true, false]]);
    }
}
