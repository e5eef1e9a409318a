//! What a digest says, written once as plain text and once as HTML (styled inline, as
//! mail clients drop style sheets).

use std::collections::BTreeMap;

use crate::db::Money;
use crate::monitoring::Severity;

/// An alert as a digest lists it.
pub(super) struct Item {
    pub(super) severity: Option<Severity>,
    pub(super) rule: String,
    /// The project's name and code.
    pub(super) project: Option<(String, String)>,
    pub(super) message: String,
}

/// What a digest says, written once as text and once as HTML.
pub(super) struct Body<'a> {
    pub(super) recipient: &'a str,
    pub(super) until: String,
    pub(super) sections: Vec<(&'static str, BTreeMap<String, Vec<Item>>)>,
    pub(super) counts: [usize; 3],
    /// Debt service owed within 30, 60 and 90 days.
    pub(super) owed: [Money; 3],
    pub(super) by_project: BTreeMap<(String, String), Money>,
    pub(super) base: &'a str,
}

const FOOTER: &str = "本邮件由专项债券全生命周期监测系统(bondwatch)自动发送。";
const WINDOWS: [&str; 3] = ["30天内", "60天内", "90天内"];

/// Mail clients drop style sheets: every element carries its own style.
const CELL: &str = "border:1px solid #ccc;padding:4px 8px;";

fn sev_colour(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Red) => "#c0392b",
        Some(Severity::Orange) => "#d35400",
        Some(Severity::Yellow) => "#b7950b",
        Some(Severity::Blue) => "#2471a3",
        None => "#555",
    }
}

impl Body<'_> {
    fn project_url(&self, code: &str) -> String {
        format!("{}/projects/{code}", self.base)
    }

    pub(super) fn text(&self) -> String {
        let mut text = format!("{}:\n\n以下为截至{}的专项债券项目监测摘要。\n", self.recipient, self.until);
        for ((title, groups), count) in self.sections.iter().zip(self.counts) {
            text.push_str(&format!("\n{title}({count}条)\n"));
            if groups.is_empty() {
                text.push_str("  无\n");
            }
            for (dept, items) in groups {
                text.push_str(&format!("  {dept}\n"));
                for i in items {
                    let sev = i.severity.map(Severity::label).unwrap_or("");
                    match &i.project {
                        Some((name, code)) => text.push_str(&format!(
                            "    [{sev}] {} {name}({code}):{} {}\n",
                            i.rule,
                            i.message,
                            self.project_url(code)
                        )),
                        None => text.push_str(&format!("    [{sev}] {} {}\n", i.rule, i.message)),
                    }
                }
            }
        }
        text.push_str("\n四、即将到期的还本付息\n");
        for (window, owed) in WINDOWS.iter().zip(self.owed) {
            text.push_str(&format!("  {window} {}\n", crate::monitoring::wan(owed)));
        }
        for ((name, code), amount) in &self.by_project {
            text.push_str(&format!("    {name}({code}):{}\n", crate::monitoring::wan(*amount)));
        }
        text.push_str(&format!("\n{FOOTER}\n"));
        text
    }

    pub(super) fn html(&self) -> String {
        let mut html = format!(
            "<div style=\"font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;font-size:14px;line-height:1.6;color:#222;max-width:760px\">\
             <p>{}:</p><p>以下为截至{}的专项债券项目监测摘要。</p>",
            esc(self.recipient),
            self.until
        );
        let h3 = "style=\"font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ddd\"";
        for ((title, groups), count) in self.sections.iter().zip(self.counts) {
            html.push_str(&format!("<h3 {h3}>{title}({count}条)</h3>"));
            if groups.is_empty() {
                html.push_str("<p style=\"color:#666\">无</p>");
            }
            for (dept, items) in groups {
                html.push_str(&format!(
                    "<h4 style=\"font-size:14px;margin:10px 0 4px\">{}</h4><ul style=\"margin:0;padding-left:20px\">",
                    esc(dept)
                ));
                for i in items {
                    let sev = i.severity.map(Severity::label).unwrap_or("");
                    let colour = sev_colour(i.severity);
                    let badge = format!(
                        "<span style=\"color:#fff;background:{colour};padding:0 6px;border-radius:3px\">{sev}</span>"
                    );
                    let subject = match &i.project {
                        Some((name, code)) => format!(
                            " <a href=\"{}\" style=\"color:#1a5fb4\">{}({})</a>:",
                            esc(&self.project_url(code)),
                            esc(name),
                            esc(code)
                        ),
                        None => " ".into(),
                    };
                    html.push_str(&format!("<li>{badge} {}{subject}{}</li>", esc(&i.rule), esc(&i.message)));
                }
                html.push_str("</ul>");
            }
        }
        html.push_str(&format!("<h3 {h3}>四、即将到期的还本付息</h3><table style=\"border-collapse:collapse\"><tr>"));
        for window in WINDOWS {
            html.push_str(&format!("<th style=\"{CELL}background:#f4f4f4\">{window}</th>"));
        }
        html.push_str("</tr><tr>");
        for owed in self.owed {
            html.push_str(&format!("<td style=\"{CELL}text-align:right\">{}</td>", crate::monitoring::wan(owed)));
        }
        html.push_str("</tr></table>");
        if !self.by_project.is_empty() {
            html.push_str(&format!(
                "<table style=\"border-collapse:collapse;margin-top:8px\"><tr><th style=\"{CELL}background:#f4f4f4\">项目</th><th style=\"{CELL}background:#f4f4f4\">90天内应付(万元)</th></tr>"
            ));
            for ((name, code), amount) in &self.by_project {
                html.push_str(&format!(
                    "<tr><td style=\"{CELL}\"><a href=\"{}\" style=\"color:#1a5fb4\">{}({})</a></td><td style=\"{CELL}text-align:right\">{}</td></tr>",
                    esc(&self.project_url(code)),
                    esc(name),
                    esc(code),
                    crate::figures::wan_number(amount.to_decimal())
                ));
            }
            html.push_str("</table>");
        }
        html.push_str(&format!("<p style=\"color:#888;font-size:12px;margin-top:18px\">{FOOTER}</p></div>"));
        html
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
