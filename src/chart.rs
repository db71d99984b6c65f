//! The timeline chart as SVG: one renderer for the page, `estimate --svg` and the exports.
//!
//! For each natural year it draws the fund's cumulative payment against that year's cap and the
//! member's cumulative share, marks where the deductible is met and where the cap is reached, and
//! draws each 1 January as what it is: everything starts again, nothing is carried over or lost.
//! Colours are presentation attributes (allowed under a strict CSP) with classes a page may restyle;
//! markers also differ in shape and carry text, so colour is never the only signal.

use crate::adjudicate::Outcome;
use crate::date::{iso, new_year};
use crate::i18n::Lang;
use crate::tr;
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 96.0;
const BOTTOM: f64 = 52.0;

const FUND: &str = "#1f5fa8";
const MEMBER: &str = "#b5461d";
const CAP: &str = "#4d4d4d";
const RESET: &str = "#2e7d32";
const GRID: &str = "#d9d9d9";
const TEXT: &str = "#222222";
const WHITE: &str = "#ffffff";

/// Renders the outcome's timeline as a standalone SVG document.
pub fn render(outcome: &Outcome, lang: Lang) -> String {
    let mut svg = String::new();
    let title = tr!(lang, zh: "{}：统筹基金与个人负担累计", en: "{}: fund and member share over time", outcome.policy.name);
    let summary = summary(outcome, lang);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="oe-chart-title oe-chart-desc" class="oe-chart" font-family="system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" font-size="13"><title id="oe-chart-title">{}</title><desc id="oe-chart-desc">{}</desc><rect width="{WIDTH}" height="{HEIGHT}" fill="{WHITE}" class="oe-chart-bg"/>"#,
        escape(&title),
        escape(&summary)
    );
    let Some(period) = outcome.period else {
        let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text></svg>"#, WIDTH / 2.0, HEIGHT / 2.0,
            escape(&tr!(lang, zh: "还没有就诊记录", en: "No visits yet")));
        return svg;
    };
    let (start, end) = (period.start, period.end);
    let span = ((end - start).num_days() + 1) as f64;
    let x = |d: NaiveDate| LEFT + (d - start).num_days() as f64 / span * (WIDTH - LEFT - RIGHT);
    let x_end = WIDTH - RIGHT;

    // Y scale: the largest of the caps and both cumulative lines, rounded up to a nice step.
    let mut highest = Decimal::ZERO;
    for y in &outcome.years {
        highest = highest.max(y.cap.map_or(Decimal::ZERO, |c| c.0)).max(y.fund.0).max(y.member.0);
    }
    let step = nice_step(highest.to_f64().unwrap_or(0.0) / 4.0);
    let top_value = (highest.to_f64().unwrap_or(0.0) / step).ceil().max(1.0) * step;
    let y = |v: f64| HEIGHT - BOTTOM - v / top_value * (HEIGHT - TOP - BOTTOM);
    let yd = |v: Decimal| y(v.to_f64().unwrap_or(0.0));

    // Grid and y axis labels.
    let mut tick = 0.0;
    while tick <= top_value + 0.5 {
        let _ = write!(svg, r#"<line x1="{LEFT}" x2="{x_end}" y1="{0:.1}" y2="{0:.1}" stroke="{GRID}" stroke-width="1"/><text x="{1}" y="{2:.1}" text-anchor="end" fill="{TEXT}">{3}</text>"#,
            y(tick), LEFT - 6.0, y(tick) + 4.0, tick);
        tick += step;
    }
    let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="end" fill="{TEXT}" font-size="12">{}</text>"#, LEFT - 6.0, TOP - 14.0, escape(&tr!(lang, zh: "元", en: "yuan")));

    // Month ticks along the bottom, with the year under each January (and under the first month).
    let mut month = start.with_day(1).unwrap_or(start);
    let first_month = month;
    while month <= end {
        if month >= start {
            let _ = write!(svg, r#"<line x1="{0:.1}" x2="{0:.1}" y1="{1}" y2="{2}" stroke="{TEXT}"/><text x="{0:.1}" y="{3}" text-anchor="middle" fill="{TEXT}" font-size="11">{4}</text>"#,
                x(month), HEIGHT - BOTTOM, HEIGHT - BOTTOM + 5.0, HEIGHT - BOTTOM + 18.0, escape(&month_label(month.month(), lang)));
        }
        if month.month() == 1 || month == first_month {
            let _ = write!(svg, r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{TEXT}" font-size="11" font-weight="bold">{}</text>"#,
                x(month.max(start)), HEIGHT - BOTTOM + 33.0, escape(&tr!(lang, zh: "{}年", en: "{}", month.year())));
        }
        month = match month.checked_add_months(chrono::Months::new(1)) { Some(m) => m, None => break };
    }

    // Each year: the cap as a dashed ceiling (a step where a new version changes it), then the
    // fund's and the member's cumulative payments, then the markers.
    let mut label_row = 0;
    for year in &outcome.years {
        let from = start.max(new_year(year.year));
        let to = end.min(crate::date::year_end(year.year));
        let day_width = (WIDTH - LEFT - RIGHT) / span;
        let (x0, x1) = (x(from), x(to) + day_width);
        for (i, cap_step) in year.cap_steps.iter().enumerate() {
            let Some(cap) = cap_step.cap else { continue };
            let seg_end = year.cap_steps.get(i + 1).map_or(x1, |next| x(next.from));
            let _ = write!(svg, r#"<line x1="{0:.1}" x2="{seg_end:.1}" y1="{1:.1}" y2="{1:.1}" stroke="{CAP}" stroke-width="1.5" stroke-dasharray="6 4" class="oe-cap"/><text x="{2:.1}" y="{3:.1}" fill="{CAP}" font-size="12">{4}</text>"#,
                x(cap_step.from), yd(cap.0), x(cap_step.from) + 4.0, yd(cap.0) - 6.0,
                escape(&tr!(lang, zh: "限额 {} 元", en: "cap {}", cap)));
        }
        let mut sorted: Vec<_> = outcome.visits.iter().filter(|v| v.date.year() == year.year).collect();
        sorted.sort_by_key(|v| (v.date, v.index));
        let (mut fund, mut member) = (Decimal::ZERO, Decimal::ZERO);
        let (mut fund_path, mut member_path) = (format!("M{x0:.1},{:.1}", y(0.0)), format!("M{x0:.1},{:.1}", y(0.0)));
        let mut markers = String::new();
        for v in &sorted {
            let px = x(v.date);
            fund += v.fund.0;
            member += v.member.0;
            let _ = write!(fund_path, " H{px:.1} V{:.1}", yd(fund));
            let _ = write!(member_path, " H{px:.1} V{:.1}", yd(member));
            for note in &v.notes {
                let (shape, class, at, cy) = match note.code {
                    "deductible_met" => ("circle", "oe-deductible-met", v.date, y(0.0)),
                    "deductible_met_by_change" => ("circle", "oe-deductible-met", v.version.unwrap_or(v.date).max(from), y(0.0)),
                    "cap_reached" => ("triangle", "oe-cap-reached", v.date, yd(fund)),
                    _ => continue,
                };
                let cx = x(at);
                let (mark, label) = if shape == "circle" {
                    (format!(r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="6" fill="{WHITE}" stroke="{MEMBER}" stroke-width="2.5"/>"#),
                     tr!(lang, zh: "● 达到起付线 {}", en: "● deductible met {}", short_date(at, lang)))
                } else {
                    (format!(r#"<path d="M{cx:.1},{:.1} l7,12 h-14 z" fill="{FUND}" stroke="{WHITE}"/>"#, cy - 6.0),
                     tr!(lang, zh: "▲ 限额用完 {}", en: "▲ cap reached {}", short_date(at, lang)))
                };
                // Labels alternate between two heights so that neighbours do not overlap.
                let ly = if shape == "circle" { cy - 12.0 - 16.0 * f64::from(label_row % 2) } else { cy + 22.0 + 16.0 * f64::from(label_row % 2) };
                label_row += 1;
                let anchor = if cx > WIDTH - 160.0 { "end" } else { "start" };
                let _ = write!(markers, r#"<g class="oe-marker {class}">{mark}<text x="{:.1}" y="{ly:.1}" text-anchor="{anchor}" fill="{TEXT}" font-size="12" stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text></g>"#,
                    if anchor == "end" { cx + 4.0 } else { cx - 4.0 }, escape(&label));
            }
        }
        let _ = write!(fund_path, " H{x1:.1}");
        let _ = write!(member_path, " H{x1:.1}");
        let _ = write!(svg, r#"<path d="{fund_path}" fill="none" stroke="{FUND}" stroke-width="2.5" class="oe-fund"/><path d="{member_path}" fill="none" stroke="{MEMBER}" stroke-width="2.5" stroke-dasharray="2 3" class="oe-member"/>{markers}"#);
    }

    // Each 1 January inside the period: the reset, said in words (on the left of the line when
    // the line is near the right edge).
    for year in start.year() + 1..=end.year() {
        let rx = x(new_year(year));
        let (tx, anchor) = if rx > WIDTH * 0.6 { (rx - 5.0, "end") } else { (rx + 5.0, "start") };
        let _ = write!(svg, r#"<g class="oe-reset"><line x1="{rx:.1}" x2="{rx:.1}" y1="{}" y2="{}" stroke="{RESET}" stroke-width="2"/><text x="{tx:.1}" y="{}" text-anchor="{anchor}" fill="{RESET}" font-size="12" font-weight="bold" stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text><text x="{tx:.1}" y="{}" text-anchor="{anchor}" fill="{RESET}" font-size="11" stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text></g>"#,
            TOP - 14.0, HEIGHT - BOTTOM, TOP - 2.0, escape(&tr!(lang, zh: "{}年1月1日 重新开始", en: "1 Jan {}: all starts again", year)),
            TOP + 12.0, escape(&tr!(lang, zh: "起付线重算·限额恢复·不结转也不作废", en: "new deductible, full cap; nothing carried over or lost")));
    }

    // Legend: line styles and marker shapes with words.
    let legend = [
        (format!(r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{FUND}" stroke-width="2.5"/>"#), tr!(lang, zh: "统筹基金累计支付", en: "fund paid (cumulative)")),
        (format!(r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{MEMBER}" stroke-width="2.5" stroke-dasharray="2 3"/>"#), tr!(lang, zh: "个人累计负担", en: "member paid (cumulative)")),
        (format!(r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{CAP}" stroke-width="1.5" stroke-dasharray="6 4"/>"#), tr!(lang, zh: "年度限额（上限，不是可领的钱）", en: "annual cap (a ceiling, not money owed)")),
    ];
    // Items wrap onto a second row when the first is full.
    let (mut lx, mut ly) = (LEFT, 18.0);
    for (mark, label) in legend {
        let width = 36.0 + label.chars().map(|c| if c.is_ascii() { 7.4 } else { 13.5 }).sum::<f64>();
        if lx + width > WIDTH - RIGHT && lx > LEFT {
            (lx, ly) = (LEFT, ly + 20.0);
        }
        let _ = write!(svg, r#"<g transform="translate({lx:.1},{ly:.1})">{mark}<text x="28" y="4" fill="{TEXT}">{}</text></g>"#, escape(&label));
        lx += width;
    }
    let _ = write!(svg, r#"<text x="{LEFT}" y="{:.1}" fill="{TEXT}" font-size="12">{}</text>"#, ly + 24.0, escape(&tr!(lang,
        zh: "● 达到起付线　▲ 用完年度限额　{} 至 {}", en: "● deductible met · ▲ cap reached · {} to {}", iso(start), iso(end))));
    svg.push_str("</svg>");
    svg
}

/// One sentence per year for the chart's text alternative.
pub fn summary(outcome: &Outcome, lang: Lang) -> String {
    let mut parts = Vec::new();
    for y in &outcome.years {
        let met = y.deductible_met_on.map(|d| short_date(d, lang));
        let reached = y.cap_reached_on.map(|d| short_date(d, lang));
        parts.push(match lang {
            Lang::Zh => format!(
                "{} 年：统筹基金支付 {} 元，个人负担 {} 元；{}；{}。",
                y.year, y.fund, y.member,
                met.map_or("未达到起付线".to_owned(), |d| format!("{d}达到起付线")),
                reached.map_or(format!("年度限额{}未用完", y.cap.map(|c| format!(" {c} 元")).unwrap_or_default()), |d| format!("{d}用完年度限额")),
            ),
            Lang::En => format!(
                "{}: the fund paid {}, the member {}; {}; {}.",
                y.year, y.fund, y.member,
                met.map_or("deductible not met".to_owned(), |d| format!("deductible met on {d}")),
                reached.map_or(format!("cap{} not reached", y.cap.map(|c| format!(" of {c}")).unwrap_or_default()), |d| format!("cap reached on {d}")),
            ),
        });
    }
    if outcome.years.len() > 1 {
        parts.push(tr!(lang, zh: "每年 1 月 1 日起付线和年度限额重新开始，未用额度不结转、也不会“清零作废”。",
            en: "Each 1 January the deductible and the cap start again; unused cap is not carried over and nothing is lost."));
    }
    parts.join(" ")
}

fn short_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Lang::En => format!("{} {} {}", date.day(), month_label(date.month(), lang), date.year()),
    }
}

fn month_label(month: u32, lang: Lang) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => EN[(month as usize + 11) % 12].to_owned(),
    }
}

/// 1, 2 or 5 times a power of ten, at least `rough`.
fn nice_step(rough: f64) -> f64 {
    if rough <= 0.0 || !rough.is_finite() {
        return 100.0;
    }
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(10.0 * power)
}

/// Escapes text for SVG/XML content and attributes.
pub fn escape(text: &str) -> String {
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
