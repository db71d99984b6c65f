//! The timeline chart as SVG: one renderer for the page, `estimate --svg` and the exports.
//!
//! For each natural year it draws the fund's cumulative payment against that year's cap and the
//! member's cumulative share, marks where the deductible is met and where the cap is reached, and
//! draws each 1 January as what it is: everything starts again, nothing is carried over or lost.
//! Where the policy comes into force or changes inside the period, a dotted line says so.
//! Colours are presentation attributes (allowed under a strict CSP) with classes a page may restyle;
//! markers also differ in shape and carry text, so colour is never the only signal.

use crate::adjudicate::{dates_in_order, NoteCode, Outcome, VisitNumbers};
use crate::date::{iso, new_year};
use crate::i18n::Lang;
use crate::money::Fen;
use crate::tr;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::fmt::{self, Write};

/// The chart's width in pixels unless another is asked for: `estimate --svg` and the exports.
pub const DEFAULT_WIDTH: u32 = 640;
/// The narrowest chart drawn (a narrower box scrolls it).
pub const MIN_WIDTH: u32 = 300;

// Coordinates are whole tenths of a pixel, so the chart needs no floating point: no float
// formatting code in the wasm, and the same text on every platform.
const HEIGHT: Px = Px(4000);
const LEFT: Px = Px(520);
const RIGHT: Px = Px(200);
/// The top of the plot, under the legend, when the legend takes two rows or fewer.
const TOP: Px = Px(960);
const BOTTOM: Px = Px(520);

const FUND: &str = "#1f5fa8";
const MEMBER: &str = "#b5461d";
const CAP: &str = "#4d4d4d";
const RESET: &str = "#2e7d32";
const VERSION: &str = "#6b5b95";
const GRID: &str = "#d9d9d9";
const TEXT: &str = "#222222";
const WHITE: &str = "#ffffff";

/// A coordinate in tenths of a pixel, written as pixels ("52", "123.4").
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Px(i64);

impl Px {
    const fn whole(pixels: i64) -> Px {
        Px(pixels * 10)
    }
}

impl std::ops::Add for Px {
    type Output = Px;
    fn add(self, other: Px) -> Px {
        Px(self.0 + other.0)
    }
}

impl std::ops::Sub for Px {
    type Output = Px;
    fn sub(self, other: Px) -> Px {
        Px(self.0 - other.0)
    }
}

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (sign, tenths) = if self.0 < 0 { ("-", -self.0) } else { ("", self.0) };
        match tenths % 10 {
            0 => write!(f, "{sign}{}", tenths / 10),
            d => write!(f, "{sign}{}.{d}", tenths / 10),
        }
    }
}

/// The estimated width of `text` at `size` pixels. The reader's fonts are unknown, so it errs wide:
/// 0.6 em for ASCII, 1.05 em for other characters (Chinese is 1 em).
fn text_width(text: &str, size: i64) -> Px {
    Px(text.chars().map(|c| if c.is_ascii() { 6 * size } else { 105 * size / 10 }).sum())
}

/// The chart's labels so far, as boxes: a new label goes where it overlaps none of them and stays
/// inside the chart, or is left out (a ten-year chart has more dates than room).
struct Labels {
    boxes: Vec<[Px; 4]>,
    width: Px,
}

impl Labels {
    fn within(width: Px) -> Labels {
        Labels { boxes: Vec::new(), width }
    }

    /// The first of `baselines` where text `width` wide from `from`, in `size`-pixel type, overlaps
    /// no label so far (with a small margin); that place is then taken.
    fn place(&mut self, from: Px, width: Px, size: i64, baselines: &[Px]) -> Option<Px> {
        let margin = Px::whole(3);
        if from < Px(0) || from + width > self.width {
            return None;
        }
        baselines.iter().copied().find(|&y| {
            let [left, right, top, bottom] =
                [from - margin, from + width + margin, y - Px::whole(size), y + Px(size * 3)];
            let free = self.boxes.iter().all(|b| right <= b[0] || left >= b[1] || bottom <= b[2] || top >= b[3]);
            if free {
                self.boxes.push([left, right, top, bottom]);
            }
            free
        })
    }

    /// Takes the place of `text` ending at `end`, drawn whether there is room or not: the y axis's
    /// numbers and unit, whose letters do not reach below the baseline.
    fn take_ending_at(&mut self, end: Px, text: &str, size: i64, baseline: Px) {
        self.boxes.push([end - text_width(text, size), end, baseline - Px::whole(size), baseline]);
    }

    /// Keeps labels out of the legend, which ends with the baseline `bottom`: a label above a mark
    /// on the plot's top line (a cap reached) would be written over it.
    fn take_legend(&mut self, bottom: Px) {
        self.boxes.push([Px(0), self.width, Px(0), bottom + Px::whole(4)]);
    }

    /// Keeps labels off a vertical line from `top` to `bottom`: a 1 January line, which a label
    /// across it would seem to straddle two years.
    fn take_line(&mut self, x: Px, top: Px, bottom: Px) {
        self.boxes.push([x - Px::whole(1), x + Px::whole(1), top, bottom]);
    }

    /// A label beside a mark: text starting at `start_x` or ending at `end_x`. The first of
    /// `wordings` (each its width, type size and baselines to try, fullest first) with room on the
    /// side `prefer_end` names or else on the other: more words matter more than the side. Returns
    /// the wording's index, the text's x, anchor and baseline.
    fn beside(
        &mut self,
        start_x: Px,
        end_x: Px,
        prefer_end: bool,
        wordings: &[(Px, i64, &[Px])],
    ) -> Option<(usize, Px, &'static str, Px)> {
        let sides = if prefer_end { [false, true] } else { [true, false] };
        (0..wordings.len()).find_map(|i| {
            let (width, size, baselines) = wordings[i];
            sides.into_iter().find_map(|starts| {
                let (x, anchor, from) =
                    if starts { (start_x, "start", start_x) } else { (end_x, "end", end_x - width) };
                self.place(from, width, size, baselines).map(|y| (i, x, anchor, y))
            })
        })
    }
}

/// A cumulative line as SVG path data: from its start, a step up to each new height. Only where
/// the line moves (after the cap is used up most visits add nothing to the fund's line), and at
/// most one step per whole pixel: a ten-year diary puts several visits on one pixel, whose steps
/// would draw as one, and thousands of points would only slow the page down.
struct Steps {
    data: String,
    height: Px,
    /// The last point, kept until a point on another pixel shows it is the pixel's last.
    pending: Option<(Px, Px)>,
}

impl Steps {
    fn new(x: Px, y: Px) -> Steps {
        Steps { data: format!("M{x},{y}"), height: y, pending: None }
    }

    fn to(&mut self, x: Px, y: Px) {
        if self.pending.is_some_and(|(px, _)| px.0 / 10 != x.0 / 10) {
            self.flush();
        }
        self.pending = Some((x, y));
    }

    fn flush(&mut self) {
        if let Some((x, y)) = self.pending.take().filter(|&(_, y)| y != self.height) {
            let _ = write!(self.data, " H{x} V{y}");
            self.height = y;
        }
    }

    /// The path data, the line drawn level to `x` at the end.
    fn end(mut self, x: Px) -> String {
        self.flush();
        let _ = write!(self.data, " H{x}");
        self.data
    }
}

/// `part / whole` of `length`, rounded half up to the tenth of a pixel (`whole` > 0).
fn scale(part: i64, whole: i64, length: Px) -> Px {
    let scaled = i128::from(part) * i128::from(length.0) * 2 / i128::from(whole);
    Px(i64::try_from((scaled + scaled.signum()) / 2).unwrap_or(0))
}

/// Whole fen of an amount the outcome gives (two decimals at most, so exact).
fn fen(yuan: Decimal) -> i64 {
    Fen::from_yuan(yuan).map_or(0, |f| f.0)
}

/// Renders the outcome's timeline as a standalone SVG document, [`DEFAULT_WIDTH`] pixels wide.
pub fn render<V: AsRef<VisitNumbers>>(outcome: &Outcome<V>, lang: Lang) -> String {
    render_at(outcome, lang, DEFAULT_WIDTH)
}

/// The timeline drawn `width` pixels wide (within [`MIN_WIDTH`]..=[`DEFAULT_WIDTH`]). A page draws
/// it for its box, so that on a phone its type keeps its size instead of shrinking with the chart:
/// months are then labelled more sparsely, the legend takes more rows, and labels without room for
/// their words take shorter ones.
pub fn render_at<V: AsRef<VisitNumbers>>(outcome: &Outcome<V>, lang: Lang, width: u32) -> String {
    let width = Px::whole(i64::from(width.clamp(MIN_WIDTH, DEFAULT_WIDTH)));
    let mut svg = String::new();
    let title =
        tr!(lang, zh: "{}：统筹基金与个人负担累计", en: "{}: fund and member share over time", outcome.policy.name);
    let summary = summary(outcome, lang);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" role="img" aria-labelledby="oe-chart-title oe-chart-desc" class="oe-chart" font-family="system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" font-size="13"><title id="oe-chart-title">{}</title><desc id="oe-chart-desc">{}</desc><rect width="{width}" height="{HEIGHT}" fill="{WHITE}" class="oe-chart-bg"/>"#,
        escape(&title),
        escape(&summary)
    );
    let Some(period) = outcome.period else {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text></svg>"#,
            Px(width.0 / 2),
            Px(HEIGHT.0 / 2),
            escape(&tr!(lang, zh: "还没有就诊记录", en: "No visits yet"))
        );
        return svg;
    };
    let (start, end) = (period.start, period.end);
    // The legend is written last but laid out first: the plot starts under it.
    let (legend, legend_bottom) = legend(lang, width, start, end);
    let top = TOP.max(legend_bottom + Px::whole(34));
    let span = (end - start).num_days() + 1;
    let plot_width = width - LEFT - RIGHT;
    let x = |d: NaiveDate| LEFT + scale((d - start).num_days(), span, plot_width);
    let x_end = width - RIGHT;

    // Y scale in fen: the largest of the caps and both cumulative lines, rounded up to a nice step.
    let mut highest = 0;
    for y in &outcome.years {
        highest = highest.max(y.cap.map_or(0, |c| fen(c.0))).max(fen(y.fund.0)).max(fen(y.member.0));
    }
    let step = nice_step(highest / 4);
    let top_value = ((highest + step - 1) / step).max(1) * step;
    let plot_height = HEIGHT - top - BOTTOM;
    let y = |fen: i64| HEIGHT - BOTTOM - scale(fen, top_value, plot_height);
    let yd = |yuan: Decimal| y(fen(yuan));

    // Grid and y axis labels (whole yuan: the step is at least one yuan), which other labels keep
    // clear of.
    let mut labels = Labels::within(width);
    labels.take_legend(legend_bottom);
    let mut tick = 0;
    while tick <= top_value {
        let number = (tick / 100).to_string();
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{x_end}" y1="{0}" y2="{0}" stroke="{GRID}" stroke-width="1"/><text x="{1}" y="{2}" text-anchor="end" fill="{TEXT}">{number}</text>"#,
            y(tick),
            LEFT - Px::whole(6),
            y(tick) + Px::whole(4)
        );
        labels.take_ending_at(LEFT - Px::whole(6), &number, 13, y(tick) + Px::whole(4));
        tick += step;
    }
    let unit = tr!(lang, zh: "元", en: "yuan");
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="end" fill="{TEXT}" font-size="12">{}</text>"#,
        LEFT - Px::whole(6),
        top - Px::whole(14),
        escape(&unit)
    );
    labels.take_ending_at(LEFT - Px::whole(6), &unit, 12, top - Px::whole(14));

    // Month ticks along the bottom, every month or, when months are too narrow for their names,
    // every 2, 3, 6 or 12; the year under each January (and under the first month).
    let widest_month = (1..=12).map(|m| text_width(&month_label(m, lang), 11)).max().unwrap_or(Px(0));
    let month_width = scale(365, 12 * span, plot_width);
    let every = [1, 2, 3, 6].into_iter().find(|n| Px(month_width.0 * n) >= widest_month + Px::whole(6)).unwrap_or(12);
    let mut month = start.with_day(1).unwrap_or(start);
    let first_month = month;
    while month <= end {
        if month >= start && i64::from(month.month0()) % every == 0 {
            let label = month_label(month.month(), lang);
            let width = text_width(&label, 11);
            if let Some(ly) = labels.place(x(month) - Px(width.0 / 2), width, 11, &[HEIGHT - BOTTOM + Px::whole(18)]) {
                let _ = write!(
                    svg,
                    r#"<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{TEXT}"/><text x="{0}" y="{ly}" text-anchor="middle" fill="{TEXT}" font-size="11">{3}</text>"#,
                    x(month),
                    HEIGHT - BOTTOM,
                    HEIGHT - BOTTOM + Px::whole(5),
                    escape(&label)
                );
            }
        }
        if month.month() == 1 || month == first_month {
            let year_label = tr!(lang, zh: "{}年", en: "{}", month.year());
            let (at, width) = (x(month.max(start)), text_width(&year_label, 11));
            if let Some(ly) = labels.place(at - Px(width.0 / 2), width, 11, &[HEIGHT - BOTTOM + Px::whole(33)]) {
                let _ = write!(
                    svg,
                    r#"<text x="{at}" y="{ly}" text-anchor="middle" fill="{TEXT}" font-size="11" font-weight="bold">{}</text>"#,
                    escape(&year_label)
                );
            }
        }
        month = match month.checked_add_months(chrono::Months::new(1)) {
            Some(m) => m,
            None => break,
        };
    }

    // Each 1 January inside the period: the reset, said in words beside the line (on its left
    // when the line is near the right edge, or where only that side has room). Where the words do
    // not fit, the detail takes two lines, and on a phone fewer words are said; where there is no
    // room for any (several years), the line alone, its words a tooltip. Placed before the lines
    // and markers, so that the first reset always has its words; drawn after them, on top.
    let mut resets = String::new();
    for year in start.year() + 1..=end.year() {
        let rx = x(new_year(year));
        // Nothing in force in the year before: nothing starts again. The policy starts here, or
        // later (its own line says when).
        let in_force = |y: i32| outcome.years.iter().find(|o| o.year == y).map(|o| o.in_force());
        let starts_here = outcome
            .years
            .iter()
            .any(|o| o.year == year && o.cap_steps.first().is_some_and(|s| s.from == new_year(year)));
        let (title, short, detail) = if in_force(year - 1) == Some(false) && starts_here {
            (
                tr!(lang, zh: "{}年1月1日 本政策施行", en: "1 Jan {}: the policy takes effect", year),
                tr!(lang, zh: "本政策施行", en: "policy takes effect"),
                [
                    tr!(lang, zh: "首个年度·", en: "its first year;"),
                    tr!(lang, zh: "此前无可结转", en: "nothing before it"),
                ],
            )
        } else if in_force(year - 1) == Some(false) {
            (
                tr!(lang, zh: "{}年1月1日 本政策尚未施行", en: "1 Jan {}: policy not yet in force", year),
                tr!(lang, zh: "尚未施行", en: "not yet in force"),
                [
                    tr!(lang, zh: "尚无门诊统筹·", en: "no pooling yet;"),
                    tr!(lang, zh: "统筹基金不支付", en: "the fund pays nothing"),
                ],
            )
        } else {
            (
                tr!(lang, zh: "{}年1月1日 重新开始", en: "1 Jan {}: all starts again", year),
                tr!(lang, zh: "重新开始", en: "all starts again"),
                [
                    tr!(lang, zh: "起付线重算·限额恢复·", en: "new deductible, full cap;"),
                    tr!(lang, zh: "不结转也不作废", en: "nothing carried over or lost"),
                ],
            )
        };
        let whole_detail = tr!(lang, zh: "{}{}", en: "{} {}", detail[0], detail[1]);
        let wordings = [
            vec![title.clone(), whole_detail.clone()],
            vec![title.clone(), detail[0].clone(), detail[1].clone()],
            vec![tr!(lang, zh: "{}年1月1日", en: "1 Jan {}", year), short],
        ];
        // The lines as one box, from the title's top to the last baseline: 12 px of bold type,
        // then 14 px a line.
        let boxes = wordings.each_ref().map(|lines| {
            let below = 14 * (lines.len() as i64 - 1);
            let words =
                (0..).zip(lines).map(|(i, l)| text_width(l, if i == 0 { 12 } else { 11 })).max().unwrap_or(Px(0));
            (words, 12 + below, [top - Px::whole(2) + Px::whole(below)])
        });
        let boxes = boxes.each_ref().map(|(words, size, baseline)| (*words, *size, &baseline[..]));
        let placed = labels
            .beside(rx + Px::whole(5), rx - Px::whole(5), rx.0 * 10 > width.0 * 6, &boxes)
            .map(|(i, tx, anchor, _)| (tx, anchor, &wordings[i]));
        let mut words = String::new();
        match placed {
            Some((tx, anchor, lines)) => {
                for (i, line) in (0..).zip(lines) {
                    let (size, weight) = if i == 0 { (12, r#" font-weight="bold""#) } else { (11, "") };
                    let _ = write!(
                        words,
                        r#"<text x="{tx}" y="{}" text-anchor="{anchor}" fill="{RESET}" font-size="{size}"{weight} stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text>"#,
                        top - Px::whole(2) + Px::whole(14 * i),
                        escape(line)
                    );
                }
            }
            None => {
                let tooltip = tr!(lang, zh: "{}：{}", en: "{} — {}", title, whole_detail);
                let _ = write!(words, "<title>{}</title>", escape(&tooltip));
            }
        }
        let _ = write!(
            resets,
            r#"<g class="oe-reset"><line x1="{rx}" x2="{rx}" y1="{}" y2="{}" stroke="{RESET}" stroke-width="2"/>{words}</g>"#,
            top - Px::whole(14),
            HEIGHT - BOTTOM
        );
        labels.take_line(rx, top - Px::whole(14), HEIGHT - BOTTOM);
    }

    // Each policy version that starts inside the period, but on a 1 January (the reset's line is
    // there): the policy's start, where nothing was in force before it that year, or a mid-year
    // change. A flat start of the lines, or a step in the cap, then has its reason on the chart.
    for year in &outcome.years {
        let first_day = start.max(new_year(year.year));
        for (i, step) in year.cap_steps.iter().enumerate().filter(|(_, step)| step.from > first_day) {
            let vx = x(step.from);
            let wordings = match i {
                0 => [
                    tr!(lang, zh: "{} 起施行", en: "in force from {}", short_date(step.from, lang)),
                    tr!(lang, zh: "{}起施行", en: "from {}", day_and_month(step.from, lang)),
                ],
                _ => [
                    tr!(lang, zh: "{} 起调整", en: "changed on {}", short_date(step.from, lang)),
                    tr!(lang, zh: "{}调整", en: "changed {}", day_and_month(step.from, lang)),
                ],
            };
            let baselines = [top + Px::whole(12), top + Px::whole(26)];
            let boxes = wordings.each_ref().map(|words| (text_width(words, 11), 11, &baselines[..]));
            let text = match labels.beside(vx + Px::whole(4), vx - Px::whole(4), vx.0 * 10 > width.0 * 6, &boxes) {
                Some((i, tx, anchor, ty)) => format!(
                    r#"<text x="{tx}" y="{ty}" text-anchor="{anchor}" fill="{VERSION}" font-size="11" stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text>"#,
                    escape(&wordings[i])
                ),
                None => format!("<title>{}</title>", escape(&wordings[0])),
            };
            let _ = write!(
                svg,
                r#"<g class="oe-version"><line x1="{vx}" x2="{vx}" y1="{top}" y2="{}" stroke="{VERSION}" stroke-width="1.5" stroke-dasharray="2 3"/>{text}</g>"#,
                HEIGHT - BOTTOM
            );
        }
    }

    let in_order = dates_in_order(&outcome.visits.iter().map(|v| v.as_ref().date).collect::<Vec<_>>());
    // Each year: the cap as a dashed ceiling (a step where a new version changes it), then the
    // fund's and the member's cumulative payments, then the markers.
    // Labels are written where they do not overlap others (a ten-year chart has more dates than
    // room), in fewer words (the marker's shape and date) where the full ones do not fit; a marker
    // left without a label keeps its words as a tooltip, and every date is in the table.
    for year in &outcome.years {
        let from = start.max(new_year(year.year));
        let to = end.min(crate::date::year_end(year.year));
        let (x0, x1) = (x(from), LEFT + scale((to - start).num_days() + 1, span, plot_width));
        for (i, cap_step) in year.cap_steps.iter().enumerate() {
            let Some(cap) = cap_step.cap else { continue };
            let seg_end = year.cap_steps.get(i + 1).map_or(x1, |next| x(next.from));
            let _ = write!(
                svg,
                r#"<line x1="{0}" x2="{seg_end}" y1="{1}" y2="{1}" stroke="{CAP}" stroke-width="1.5" stroke-dasharray="6 4" class="oe-cap"/>"#,
                x(cap_step.from),
                yd(cap.0)
            );
            let label = tr!(lang, zh: "限额 {} 元", en: "cap {}", cap);
            let lx = x(cap_step.from) + Px::whole(4);
            if let Some(ly) = labels.place(lx, text_width(&label, 12), 12, &[yd(cap.0) - Px::whole(6)]) {
                let _ = write!(svg, r#"<text x="{lx}" y="{ly}" fill="{CAP}" font-size="12">{}</text>"#, escape(&label));
            }
        }
        let (mut fund, mut member) = (0, 0);
        let (mut fund_line, mut member_line) = (Steps::new(x0, y(0)), Steps::new(x0, y(0)));
        let mut markers = String::new();
        let (mut events, mut last_visit) = (Vec::new(), None);
        for v in in_order.iter().map(|&i| outcome.visits[i].as_ref()).filter(|v| v.date.year() == year.year) {
            last_visit = Some(v.date);
            let px = x(v.date);
            fund += fen(v.fund.0);
            member += fen(v.member.0);
            fund_line.to(px, y(fund));
            member_line.to(px, y(member));
            // A change that met the deductible or reached the cap is marked on the day it came in.
            let changed_on = || v.version.unwrap_or(v.date).max(from);
            for code in v.codes.iter() {
                let (circle, class, at, cy) = match code {
                    NoteCode::DeductibleMet => (true, "oe-deductible-met", v.date, y(0)),
                    NoteCode::DeductibleMetByChange => (true, "oe-deductible-met", changed_on(), y(0)),
                    NoteCode::CapReached => (false, "oe-cap-reached", v.date, y(fund)),
                    NoteCode::CapReachedByChange => (false, "oe-cap-reached", changed_on(), y(fund)),
                    _ => continue,
                };
                events.push((circle, class, at, cy));
            }
        }
        // A change after the year's last visit that met the deductible or reached the cap
        // (`Adjudicator::close`) has no visit to note it: marked from the year.
        let after_last = |d: &NaiveDate| last_visit.is_none_or(|last| *d > last);
        if let Some(at) = year.deductible_met_on.filter(after_last) {
            events.push((true, "oe-deductible-met", at, y(0)));
        }
        if let Some(at) = year.cap_reached_on.filter(after_last) {
            events.push((false, "oe-cap-reached", at, y(fund)));
        }
        for (circle, class, at, cy) in events {
            let cx = x(at);
            let (mark, label, shape) = if circle {
                (
                    format!(
                        r#"<circle cx="{cx}" cy="{cy}" r="6" fill="{WHITE}" stroke="{MEMBER}" stroke-width="2.5"/>"#
                    ),
                    tr!(lang, zh: "● 达到起付线 {}", en: "● deductible met {}", short_date(at, lang)),
                    "●",
                )
            } else {
                (
                    format!(r#"<path d="M{cx},{} l7,12 h-14 z" fill="{FUND}" stroke="{WHITE}"/>"#, cy - Px::whole(6)),
                    tr!(lang, zh: "▲ 限额用完 {}", en: "▲ cap reached {}", short_date(at, lang)),
                    "▲",
                )
            };
            // The label at the first free height: above a circle (on the axis); below a
            // triangle (on the cap), else above it. It starts at its marker, or ends there in
            // the chart's last quarter (or where only that side has room), and stays inside
            // its year: a marker just after 1 January has its label start clear of the line.
            let heights: Vec<Px> = match circle {
                true => [12, 28, 44].map(|up| cy - Px::whole(up)).to_vec(),
                false => [cy + Px::whole(22), cy + Px::whole(38), cy - Px::whole(14), cy - Px::whole(30)].to_vec(),
            };
            // Fewer words where the full ones do not fit: the legend names the shape, and the
            // year is the one between the 1 January lines.
            let wordings = [
                label.clone(),
                format!("{shape} {}", short_date(at, lang)),
                format!("{shape} {}", day_and_month(at, lang)),
            ];
            let placed = labels
                .beside(
                    (cx - Px::whole(4)).max(x0 + Px::whole(4)),
                    (cx + Px::whole(4)).min(x1 - Px::whole(4)),
                    cx.0 * 4 > width.0 * 3,
                    &wordings.each_ref().map(|words| (text_width(words, 12), 12, &heights[..])),
                )
                .map(|(i, lx, anchor, ly)| (lx, ly, anchor, &wordings[i]));
            let text = match placed {
                Some((lx, ly, anchor, words)) => format!(
                    r#"<text x="{lx}" y="{ly}" text-anchor="{anchor}" fill="{TEXT}" font-size="12" stroke="{WHITE}" stroke-width="3" paint-order="stroke">{}</text>"#,
                    escape(words)
                ),
                None => format!("<title>{}</title>", escape(&label)),
            };
            let _ = write!(markers, r#"<g class="oe-marker {class}">{mark}{text}</g>"#);
        }
        let (fund_path, member_path) = (fund_line.end(x1), member_line.end(x1));
        let _ = write!(
            svg,
            r#"<path d="{fund_path}" fill="none" stroke="{FUND}" stroke-width="2.5" class="oe-fund"/><path d="{member_path}" fill="none" stroke="{MEMBER}" stroke-width="2.5" stroke-dasharray="2 3" class="oe-member"/>{markers}"#
        );
    }

    svg.push_str(&resets);
    svg.push_str(&legend);
    svg.push_str("</svg>");
    svg
}

/// The legend: line styles and marker shapes with words, and the period. Items wrap onto more
/// rows, and a long item's words onto a second line, where the chart is narrow (text widths
/// estimated per character). Returns the legend and the baseline of its last line.
fn legend(lang: Lang, width: Px, start: NaiveDate, end: NaiveDate) -> (String, Px) {
    let items = [
        (
            format!(r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{FUND}" stroke-width="2.5"/>"#),
            tr!(lang, zh: "统筹基金累计支付", en: "fund paid (cumulative)"),
        ),
        (
            format!(
                r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{MEMBER}" stroke-width="2.5" stroke-dasharray="2 3"/>"#
            ),
            tr!(lang, zh: "个人累计负担", en: "member paid (cumulative)"),
        ),
        (
            format!(r#"<line x1="0" x2="22" y1="0" y2="0" stroke="{CAP}" stroke-width="1.5" stroke-dasharray="6 4"/>"#),
            tr!(lang, zh: "年度限额（上限，不是可领的钱）", en: "annual cap (a ceiling, not money owed)"),
        ),
    ];
    let (right, line) = (width - RIGHT, Px::whole(15));
    let mut svg = String::new();
    let (mut lx, mut ly, mut row_extra) = (LEFT, Px::whole(18), Px(0));
    for (mark, label) in items {
        // Words wider than a row break before their bracket: "annual cap" / "(a ceiling, …)".
        let lines = match label.find(['(', '（']).filter(|_| Px::whole(36) + text_width(&label, 13) > right - LEFT) {
            Some(at) => vec![label[..at].trim_end(), &label[at..]],
            None => vec![label.as_str()],
        };
        let item_width = Px::whole(36) + lines.iter().map(|l| text_width(l, 13)).max().unwrap_or(Px(0));
        if lx + item_width > right && lx > LEFT {
            (lx, ly, row_extra) = (LEFT, ly + Px::whole(20) + row_extra, Px(0));
        }
        let _ = write!(svg, r#"<g transform="translate({lx},{ly})">{mark}"#);
        for (i, words) in (0..).zip(&lines) {
            let _ = write!(
                svg,
                r#"<text x="28" y="{}" fill="{TEXT}">{}</text>"#,
                Px::whole(4) + Px(line.0 * i),
                escape(words)
            );
        }
        svg.push_str("</g>");
        row_extra = row_extra.max(Px(line.0 * (lines.len() as i64 - 1)));
        lx = lx + item_width;
    }
    // The markers' key and the period, on one line or, where that is too wide, on two.
    let (key, period) = match lang {
        Lang::Zh => ("● 达到起付线　▲ 限额用完", format!("{} 至 {}", iso(start), iso(end))),
        Lang::En => ("● deductible met · ▲ cap reached", format!("{} to {}", iso(start), iso(end))),
    };
    let one_line = format!("{key}{}{period}", tr!(lang, zh: "　", en: " · "));
    let key_lines = match LEFT + text_width(&one_line, 12) <= width {
        true => vec![one_line],
        false => vec![key.to_owned(), period],
    };
    let mut baseline = ly + row_extra + Px::whole(24);
    for (i, words) in key_lines.iter().enumerate() {
        if i > 0 {
            baseline = baseline + line;
        }
        let _ = write!(svg, r#"<text x="{LEFT}" y="{baseline}" fill="{TEXT}" font-size="12">{}</text>"#, escape(words));
    }
    (svg, baseline)
}

/// One sentence per year for the chart's text alternative.
pub fn summary<V>(outcome: &Outcome<V>, lang: Lang) -> String {
    let mut parts = Vec::new();
    for y in &outcome.years {
        if !y.in_force() {
            parts.push(tr!(lang, zh: "{}年：本政策尚未施行，统筹基金不支付，个人负担 {} 元。", en: "{}: the policy was not yet in force; the fund paid nothing, the member {}.", y.year, y.member));
            continue;
        }
        let met = y.deductible_met_on.map(|d| short_date(d, lang));
        let reached = y.cap_reached_on.map(|d| short_date(d, lang));
        parts.push(match lang {
            Lang::Zh => format!(
                "{}年：统筹基金支付 {} 元，个人负担 {} 元；{}；{}。",
                y.year,
                y.fund,
                y.member,
                met.map_or("未达到起付线".to_owned(), |d| format!("{d}达到起付线")),
                reached.map_or(
                    format!("年度限额{}未用完", y.cap.map(|c| format!(" {c} 元")).unwrap_or_default()),
                    |d| format!("{d}用完年度限额")
                ),
            ),
            Lang::En => format!(
                "{}: the fund paid {}, the member {}; {}; {}.",
                y.year,
                y.fund,
                y.member,
                met.map_or("deductible not met".to_owned(), |d| format!("deductible met on {d}")),
                reached.map_or(
                    format!("cap{} not reached", y.cap.map(|c| format!(" of {c}")).unwrap_or_default()),
                    |d| format!("cap reached on {d}")
                ),
            ),
        });
    }
    if outcome.years.len() > 1 {
        parts.push(tr!(lang, zh: "每年1月1日起付线和年度限额重新开始，未用额度不结转、也不会“清零作废”。",
            en: "Each 1 January the deductible and the cap start again; unused cap is not carried over and nothing is lost."));
    }
    parts.join(" ")
}

fn short_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}", date.year(), day_and_month(date, lang)),
        Lang::En => format!("{} {}", day_and_month(date, lang), date.year()),
    }
}

fn day_and_month(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}月{}日", date.month(), date.day()),
        Lang::En => format!("{} {}", date.day(), month_label(date.month(), lang)),
    }
}

fn month_label(month: u32, lang: Lang) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => EN[(month as usize + 11) % 12].to_owned(),
    }
}

/// A step in fen of 1, 2 or 5 times a power of ten yuan, at least `rough` (100 yuan for nothing).
fn nice_step(rough: i64) -> i64 {
    if rough <= 0 {
        return 100 * 100;
    }
    let mut power = 100; // one yuan
    loop {
        for step in [power, 2 * power, 5 * power] {
            if step >= rough {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adjudicate::{adjudicate_lines, VisitLine};
    use crate::{Library, Scenario};

    /// The tags (`<path … />`) of the elements with `class`, in order.
    fn tags<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
        let marker = format!(r#"class="{class}""#);
        svg.split('<').filter(|tag| tag.contains(&marker)).collect()
    }

    /// A bundled policy's outcome for a scenario's JSON, as the page gets it.
    fn outcome_of(json: &str) -> Outcome<VisitLine> {
        let library = Library::bundled().unwrap();
        let scenario = Scenario::from_json(json, &library).unwrap();
        adjudicate_lines(&scenario, scenario.policy(&library).unwrap()).unwrap()
    }

    /// The value of attribute `name` in a tag.
    fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
        let start = tag.find(&format!(r#" {name}=""#)).expect("the attribute") + name.len() + 3;
        &tag[start..start + tag[start..].find('"').expect("its end")]
    }

    #[test]
    fn a_line_steps_only_where_it_moves_and_the_fund_ends_on_the_cap() {
        // Sixty days of 300 yuan at primary care for a Qiannan retiree: the fund's 2,000 cap is
        // used up within days, and every visit after it adds to the member's line only.
        let visits: Vec<String> = (1..=60)
            .map(|day| {
                format!(
                    r#"{{"date": "2023-{:02}-{:02}", "facility": "primary", "amount": "300"}}"#,
                    (day - 1) / 28 + 1,
                    (day - 1) % 28 + 1
                )
            })
            .collect();
        let outcome = outcome_of(&format!(
            r#"{{"policy": "qiannan-employee", "member": "retiree", "visits": [{}]}}"#,
            visits.join(",")
        ));
        let svg = render(&outcome, Lang::En);

        let moves = |pick: fn(&VisitNumbers) -> Decimal| {
            outcome.visits.iter().filter(|v| pick(v.as_ref()) > Decimal::ZERO).count()
        };
        let fund_path = attribute(tags(&svg, "oe-fund")[0], "d");
        let member_path = attribute(tags(&svg, "oe-member")[0], "d");
        let fund_steps = moves(|v| v.fund.0);
        assert!(fund_steps > 0 && fund_steps < 20, "the cap is reached early: {fund_steps} visits paid by the fund");
        assert_eq!(fund_path.matches(" V").count(), fund_steps, "{fund_path}");
        assert_eq!(member_path.matches(" V").count(), moves(|v| v.member.0), "{member_path}");
        // The fund's line ends at the height of the cap's line.
        let cap_height = attribute(tags(&svg, "oe-cap")[0], "y1");
        let last_step = fund_path.rsplit(" V").next().unwrap().split(' ').next().unwrap();
        assert_eq!(last_step, cap_height);
        assert_eq!(outcome.years[0].fund.0, Decimal::from(2000));
    }

    #[test]
    fn a_phone_chart_wraps_its_legend_and_says_less_rather_than_leave_the_chart() {
        let outcome = outcome_of(&std::fs::read_to_string("examples/qiannan-retiree.json").unwrap());
        let (wide, narrow) = (render(&outcome, Lang::En), render_at(&outcome, Lang::En, 320));
        assert!(wide.contains(r#"viewBox="0 0 640 400""#) && narrow.contains(r#"viewBox="0 0 320 400""#));
        assert_eq!(
            render_at(&outcome, Lang::En, 100),
            render_at(&outcome, Lang::En, MIN_WIDTH),
            "never narrower than 300"
        );
        assert_eq!(render_at(&outcome, Lang::En, 2000), wide, "never wider than 640");
        // The cap's words break before their bracket, the markers' key and the period take a line
        // each, and the plot starts lower, under them.
        assert!(wide.contains(">annual cap (a ceiling, not money owed)</text>"));
        assert!(narrow.contains(">annual cap</text>") && narrow.contains(">(a ceiling, not money owed)</text>"));
        assert!(
            narrow.contains(">● deductible met · ▲ cap reached</text>")
                && narrow.contains(">2023-07-01 to 2024-06-30</text>")
        );
        let unit_y = |svg: &str| {
            let at = svg.find(">yuan</text>").unwrap();
            attribute(&svg[svg[..at].rfind('<').unwrap()..at], "y").parse::<f64>().unwrap()
        };
        assert!(unit_y(&narrow) > unit_y(&wide), "the plot (its unit above it) starts under the legend");
        // The 1 January reset and every marker keep words on the chart, fewer of them.
        let groups = |svg: &'_ str, class: &str| -> Vec<String> {
            svg.split(&format!(r#"<g class="{class}"#))
                .skip(1)
                .map(|g| g[..g.find("</g>").unwrap()].to_owned())
                .collect()
        };
        let reset = &groups(&narrow, "oe-reset")[0];
        assert!(reset.contains(">1 Jan 2024</text>") && reset.contains(">all starts again</text>"), "{reset}");
        assert!(groups(&wide, "oe-reset")[0].contains(">nothing carried over or lost</text>"));
        let markers = groups(&narrow, "oe-marker");
        assert_eq!(markers.len(), 3, "the deductible met twice, the cap reached once");
        for marker in markers {
            assert!(marker.contains("<text") && !marker.contains("<title>"), "a marker with its label: {marker}");
        }
    }

    #[test]
    fn no_label_crosses_a_1_january_line_and_every_marker_keeps_words() {
        let outcome = outcome_of(&std::fs::read_to_string("examples/qiannan-retiree.json").unwrap());
        for lang in [Lang::Zh, Lang::En] {
            for width in (MIN_WIDTH..=DEFAULT_WIDTH).step_by(20) {
                let svg = render_at(&outcome, lang, width);
                let number = |tag: &str, name: &str| attribute(tag, name).parse::<f64>().unwrap();
                let lines: Vec<[f64; 3]> = svg
                    .split(r#"<g class="oe-reset"><line"#)
                    .skip(1)
                    .map(|g| [number(g, "x1"), number(g, "y1"), number(g, "y2")])
                    .collect();
                assert_eq!(lines.len(), 1, "the example crosses one 1 January");
                // Each text's extent, by the chart's own estimate of its width, beside the lines
                // (the months and years under the axis are centred under theirs).
                for tag in svg.split("<text").skip(1) {
                    let words = &tag[tag.find('>').unwrap() + 1..tag.find("</text>").unwrap()];
                    let size = tag.find(r#" font-size=""#).map_or(13, |_| attribute(tag, "font-size").parse().unwrap());
                    let (baseline, font) = (number(tag, "y"), f64::from(size as i32));
                    let (x, span) = (
                        attribute(tag, "x").parse::<f64>().unwrap(),
                        f64::from(text_width(words, size).0 as i32) / 10.0,
                    );
                    let (left, right) = match tag.find(" text-anchor=").map(|_| attribute(tag, "text-anchor")) {
                        Some("end") => (x - span, x),
                        Some("middle") => (x - span / 2.0, x + span / 2.0),
                        _ => (x, x + span),
                    };
                    for &[line, top, bottom] in
                        lines.iter().filter(|[_, top, bottom]| baseline > *top && baseline - font < *bottom)
                    {
                        assert!(right <= line || left >= line, "{lang:?} at {width}: {words:?} ({left}..{right}) crosses the line at {line} ({top}..{bottom})");
                    }
                }
                for marker in svg.split(r#"<g class="oe-marker"#).skip(1) {
                    assert!(
                        marker[..marker.find("</g>").unwrap()].contains("<text"),
                        "{lang:?} at {width}: a marker with words: {marker}"
                    );
                }
                if width == MIN_WIDTH {
                    // The first deductible, with no room for its year before the line: its day and month.
                    let short = tr!(lang, zh: ">● 8月15日</text>", en: ">● 15 Aug</text>");
                    assert!(svg.contains(&short), "{lang:?} at {width}: {short}");
                }
            }
        }
    }

    #[test]
    fn a_policy_start_or_change_inside_the_period_is_drawn_and_said_and_labels_keep_off_the_legend() {
        let jiangxi = outcome_of(
            r#"{"policy": "jiangxi-employee", "member": "retiree", "period": {"start": "2023-01-01", "end": "2023-12-31"},
                "visits": [{"date": "2023-03-10", "facility": "secondary", "amount": "800"},
                           {"date": "2023-08-10", "facility": "secondary", "amount": "3000"}]}"#,
        );
        let svg = render(&jiangxi, Lang::Zh);
        let lines = tags(&svg, "oe-version");
        assert_eq!(lines.len(), 1, "the July change, not the start on the period's first day");
        assert!(svg.contains(">2023年7月1日 起调整</text>"), "{svg}");
        // On the cap's step.
        let step = tags(&svg, "oe-cap")[1];
        assert_eq!(attribute(svg.split("<g class=\"oe-version\">").nth(1).unwrap(), "x1"), attribute(step, "x1"));
        assert!(render(&jiangxi, Lang::En).contains(">changed on 1 Jul 2023</text>"));

        // Qiannan from September 2022: the start, in words; its cap reached at the plot's top line
        // is labelled below the legend, not over it.
        let qiannan = outcome_of(
            r#"{"policy": "qiannan-employee", "member": "retiree", "period": {"start": "2022-07-01", "end": "2023-06-30"},
                "visits": [{"date": "2022-08-10", "facility": "primary", "amount": "400"},
                           {"date": "2022-10-10", "facility": "primary", "amount": "3000"},
                           {"date": "2023-03-10", "facility": "primary", "amount": "400"}]}"#,
        );
        for width in [DEFAULT_WIDTH, 360] {
            let svg = render_at(&qiannan, Lang::En, width);
            assert_eq!(tags(&svg, "oe-version").len(), 1);
            assert!(svg.contains("from 1 Sep"), "{svg}");
            let legend_end = svg.rfind("2022-07-01 to 2023-06-30</text>").expect("the period in the legend");
            let legend_baseline: f64 =
                attribute(&svg[svg[..legend_end].rfind("<text").unwrap()..], "y").parse().unwrap();
            let cap = svg.split(r#"class="oe-marker oe-cap-reached""#).nth(1).unwrap();
            if let Some(text) = cap.split("</g>").next().unwrap().split("<text").nth(1) {
                let baseline: f64 = attribute(text, "y").parse().unwrap();
                assert!(
                    baseline - 12.0 > legend_baseline + 4.0,
                    "at {width}: the label at {baseline}, the legend to {legend_baseline}"
                );
            }
        }

        // In force all through the period, and changed on no day but a 1 January: no such line.
        let example = outcome_of(&std::fs::read_to_string("examples/qiannan-retiree.json").unwrap());
        assert!(tags(&render(&example, Lang::En), "oe-version").is_empty());
    }

    #[test]
    fn a_policy_that_starts_on_1_january_is_said_to_take_effect_there_not_to_start_again() {
        // Jiangxi's employee pooling starts on 1 January 2023: nothing in force in 2022 to start again.
        let jiangxi = outcome_of(
            r#"{"policy": "jiangxi-employee", "member": "retiree", "period": {"start": "2022-07-01", "end": "2024-06-30"},
                "visits": [{"date": "2022-08-10", "facility": "primary", "amount": "400"},
                           {"date": "2023-03-10", "facility": "primary", "amount": "900"},
                           {"date": "2024-03-10", "facility": "primary", "amount": "900"}]}"#,
        );
        let resets = |lang| {
            let svg = render(&jiangxi, lang);
            svg.split(r#"<g class="oe-reset">"#)
                .skip(1)
                .map(|g| g[..g.find("</g>").unwrap()].to_owned())
                .collect::<Vec<_>>()
        };
        let en = resets(Lang::En);
        assert_eq!(en.len(), 2);
        assert!(en[0].contains("1 Jan 2023: the policy takes effect") && !en[0].contains("starts again"), "{}", en[0]);
        assert!(en[1].contains("1 Jan 2024") && en[1].contains("all starts again"), "{}", en[1]);
        assert!(resets(Lang::Zh)[0].contains("2023年1月1日 本政策施行"));
    }

    #[test]
    fn a_1_january_before_a_mid_year_start_says_the_policy_is_not_yet_in_force() {
        // Qiannan's pooling starts on 1 September 2022: on 1 January 2022 nothing takes effect.
        let qiannan = outcome_of(
            r#"{"policy": "qiannan-employee", "member": "in_service",
                "visits": [{"date": "2021-11-10", "facility": "primary", "amount": "300"},
                           {"date": "2022-10-10", "facility": "primary", "amount": "300"}]}"#,
        );
        let en = render(&qiannan, Lang::En);
        assert!(en.contains("1 Jan 2022: policy not yet in force") && !en.contains("takes effect"), "{en}");
        assert!(render(&qiannan, Lang::Zh).contains("2022年1月1日 本政策尚未施行"));
        // The text alternative says the year before the policy as such, not as a deductible not met.
        let said = summary(&qiannan, Lang::En);
        assert!(
            said.starts_with("2021: the policy was not yet in force; the fund paid nothing, the member 300.00."),
            "{said}"
        );
        assert!(summary(&qiannan, Lang::Zh).starts_with("2021年：本政策尚未施行，统筹基金不支付，个人负担 300.00 元。"));
    }

    #[test]
    fn a_ten_year_diary_draws_at_most_one_step_per_pixel() {
        let first = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let visits: Vec<String> = (0..3650)
            .map(|day| {
                format!(
                    r#"{{"date": "{}", "facility": "primary", "amount": "{}"}}"#,
                    iso(first + chrono::Days::new(day)),
                    20 + day % 50
                )
            })
            .collect();
        let outcome = outcome_of(&format!(
            r#"{{"policy": "qiannan-employee", "member": "retiree", "visits": [{}]}}"#,
            visits.join(",")
        ));
        let svg = render(&outcome, Lang::En);
        let lines = tags(&svg, "oe-member");
        assert_eq!(lines.len(), 10, "a member line for each year");
        let mut steps = 0;
        for (year, line) in lines.into_iter().map(|tag| attribute(tag, "d")).enumerate() {
            // " H{x} V{y}" steps, then the closing " H{x}".
            let xs: Vec<f64> =
                line.split(" H").skip(1).map(|step| step.split(' ').next().unwrap().parse().unwrap()).collect();
            let pixels: Vec<i64> = xs[..xs.len() - 1].iter().map(|x| x.floor() as i64).collect();
            assert!(
                pixels.windows(2).all(|w| w[0] < w[1]),
                "year {year}: one step per pixel, left to right: {pixels:?}"
            );
            steps += pixels.len();
        }
        assert!(steps < 3650 / 2, "far fewer steps ({steps}) than visits");

        // Ten years leave no room for every month, nor for every reset's and marker's words: fewer
        // are written, the others kept as tooltips, and the first reset always has its words.
        let months = svg.matches(r#"font-size="11">"#).count();
        assert!((10..=40).contains(&months), "{months} month labels for 120 months");
        let resets: Vec<&str> =
            svg.split(r#"<g class="oe-reset">"#).skip(1).map(|g| &g[..g.find("</g>").unwrap()]).collect();
        assert_eq!(resets.len(), 9);
        assert!(resets[0].contains("<text") && resets[0].contains("1 Jan 2024: all starts again"));
        assert!(resets.iter().all(|g| g.contains("<text") != g.contains("<title>")), "words or a tooltip: {resets:?}");
        assert!(
            resets.iter().any(|g| g.contains("<title>1 Jan 2025: all starts again — new deductible")),
            "too close to the first to be written out"
        );
        let markers: Vec<&str> =
            svg.split(r#"<g class="oe-marker"#).skip(1).map(|g| &g[..g.find("</g>").unwrap()]).collect();
        assert_eq!(markers.len(), 20, "deductible met and cap reached in each year");
        assert!(markers.iter().all(|g| g.contains("<text") != g.contains("<title>")));
        assert!(markers.iter().any(|g| g.contains("<title>")) && markers.iter().any(|g| g.contains("<text")));
    }

    #[test]
    fn short_periods_have_their_months_and_every_label() {
        let json = r#"{"policy": "qiannan-employee", "member": "retiree", "period": {"start": "2023-01-01", "end": "2024-12-31"},
            "visits": [{"date": "2023-03-01", "facility": "primary", "amount": "5000"}, {"date": "2024-05-01", "facility": "primary", "amount": "5000"}]}"#;
        let svg = render(&outcome_of(json), Lang::Zh);
        assert_eq!(svg.matches(r#"font-size="11">"#).count(), 12, "two years: every other month");
        assert_eq!(svg.matches("<title>").count(), 0, "no label left as a tooltip");
        assert!(svg.contains("2024年1月1日 重新开始"));
        assert_eq!(svg.matches("达到起付线 ").count(), 2);
        assert_eq!(svg.matches("限额用完 ").count(), 2);

        let one_year = json
            .replace("2024-12-31", "2023-12-31")
            .replace(r#", {"date": "2024-05-01", "facility": "primary", "amount": "5000"}"#, "");
        let svg = render(&outcome_of(&one_year), Lang::Zh);
        assert_eq!(svg.matches(r#"font-size="11">"#).count(), 12, "one year: every month");
    }
}
