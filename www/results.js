// Showing an Outcome: summary sentence, chart, per-year meters, totals, the visit-by-visit table
// with its expandable trace, and the figures used. Everything from the core goes in as text, except
// the chart, which is the core's own SVG document parsed as SVG (never as HTML).
//
// A recalculation must stay within a couple of milliseconds for a year of daily visits
// (BENCHMARKS.md): the outcome carries numbers only, a row's trace is asked of the core when the
// row is opened, the table shows its first ROW_LIMIT rows until the reader asks for all, and a
// part whose content did not change is left alone (layout is what costs most).
import { badge, figureStatus, h, isMarked, sourceLine, trustedMarkup } from './dom.js';
import { figureValueText, minusYuan, percent, share, yuan } from './format.js';
import { t } from './i18n.js';

export function summaryText(outcome, lang) {
  const totals = outcome.totals;
  return t(lang, 'summary', {
    amount: yuan(totals.amount), fund: yuan(totals.fund), self: yuan(totals.self),
    cash: yuan(totals.cash), account: yuan(totals.account), share: percent(totals.effective_share),
  });
}

/**
 * Under the summary, when the result rests on figures that are not simply a source's own: their
 * statuses in words (a compact widget shows no badges), from the core's `marks` over every visit,
 * not only the rows sent. '' when everything is stated.
 */
export function caveatText(outcome, lang) {
  if (!outcome.marks.length) return '';
  const names = outcome.marks.map((status) => `“${t(lang, `status.${status}`)}”`).join(t(lang, 'listSep'));
  return t(lang, 'caveat', { statuses: names });
}

/** The short line a phone keeps at the bottom of the screen under the form (mount.js renderPeek). */
export function peekText(outcome, lang) {
  return t(lang, 'peek', { fund: yuan(outcome.totals.fund), self: yuan(outcome.totals.self) });
}

export const ROW_LIMIT = 50;

/**
 * `nameOf(key)` names a figure (the outcome's figures carry only their key); `explain(index)` gives
 * a visit's notes and trace (the core's `explain`, for the scenario this outcome came from);
 * `visits` is how many visits there are (the outcome may list only the first ROW_LIMIT).
 */
export function renderOutcome(refs, outcome, { lang, idPrefix, headingLevel, nameOf, explain, visits, account }) {
  showEach(refs.years, outcome.years.map((year) => [year, lang, account]), () => yearCard(`h${headingLevel + 2}`));
  showEach(refs.totals, totalsEntries(outcome.totals, lang), totalEntry);
  const shown = outcome.visits;
  renderRows(refs.resultRows, shown, { lang, idPrefix, nameOf, explain });
  refs.moreRows.hidden = shown.length === visits;
  setText(refs.moreRows, t(lang, 'showAllRows', { shown: shown.length, total: visits }));
  const several = new Set(outcome.figures.map((f) => f.version)).size > 1;
  update(refs.usedFigures, [lang, outcome.figures], () => outcome.figures.map((f) => figureItem(f, lang, nameOf, several)));
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Rebuilds `box`'s children with `build()` unless `key` (JSON-able) is what they were built from. */
function update(box, key, build) {
  const text = JSON.stringify(key);
  if (box.oeKey === text) return;
  box.oeKey = text;
  box.replaceChildren(...build());
}

/**
 * One child of `box` per value, made once with `make()` and then shown with `child.oeShow(...value)`
 * only when its value (a JSON-able list) changed: an edit changes one year of a ten-year scenario,
 * and the other nine stay as they are. A child changes only the texts that differ: building it
 * anew to compare costs more, most of all between keystrokes (BENCHMARKS.md).
 */
function showEach(box, values, make) {
  values.forEach((value, i) => {
    const child = box.children[i] ?? box.appendChild(make());
    const key = JSON.stringify(value);
    if (child.oeKey === key) return;
    child.oeKey = key;
    child.oeShow(...value);
  });
  while (box.children.length > values.length) box.lastElementChild.remove();
}

/**
 * The rows of the visit table, in the core's order (by date). Row i shows the i-th visit: it is made
 * once and then only its texts change, and only those that differ (a table's layout is the costliest
 * part of a redraw). A row's trace was made for the previous scenario: it is made again (now if
 * open, else when next opened) with this scenario's `explain`, which the rows read from
 * `tbody.oeContext`. Which visits' traces are open is kept by visit (`tbody.oeOpen`), so that an
 * open trace stays with its visit when a changed date moves it to another row.
 */
function renderRows(tbody, visits, context) {
  tbody.oeContext = context;
  tbody.oeOpen ??= new Set();
  const old = tbody.children;
  visits.forEach((visit, row) => {
    // A line above a new year's first row, as the chart draws one at 1 January.
    const startsYear = row > 0 && visit.date.slice(0, 4) !== visits[row - 1].date.slice(0, 4);
    if (!old[2 * row]) tbody.append(...visitRows(row, tbody));
    old[2 * row].oeShow(visit, startsYear);
  });
  while (old.length > 2 * visits.length) old[old.length - 1].remove();
}

/**
 * A table with automatic column widths measures every cell whenever one changes, a good part of a
 * recalculation (BENCHMARKS.md). So the widths the browser chose are kept (`table-layout: fixed`,
 * a width on each <col>), and measured again only when they may no longer be right: another
 * language or number of rows (another scenario), another width of the box (seen by a
 * ResizeObserver), or a cell that may no longer fit. That a cell may not fit is told from the texts,
 * without asking the browser for a layout: a number longer than any its column has held (digits are
 * all one width), or a word the column has not held. The widths are then measured again: whether
 * the cell still fits cannot be read, as a kept table does not lay out a cell far from the view
 * (style.css). Called once everything else is drawn.
 */
export function fitColumns(table, lang) {
  const shape = `${lang} ${table.tBodies[0].rows.length}`;
  const texts = columnTexts(table);
  if (table.oeShape === shape && !holdsMore(texts, table.oeTexts)) return;
  const cols = [...table.querySelectorAll('col')];
  table.classList.remove('oe-fixed');
  for (const col of cols) col.style.removeProperty('width');
  const widths = [...table.tHead.rows[0].cells].map((cell) => cell.getBoundingClientRect().width);
  table.oeShape = null;
  if (!widths[0]) return; // not shown (a compact widget, a closed panel): measured once it is
  cols.forEach((col, i) => col.style.setProperty('width', `${widths[i]}px`)); // CSSOM, allowed by the CSP
  table.classList.add('oe-fixed');
  Object.assign(table, { oeShape: shape, oeTexts: texts, oeLang: lang });
  // A turned phone or a resized window is handled at once, not at the next recalculation: in the
  // next frame, as a change of size made inside the observer's own callback would be an error.
  if (!table.oeResize) {
    let width = null;
    table.oeResize = new ResizeObserver(([entry]) => {
      const before = width;
      width = entry.contentRect.width;
      if (before !== null && before !== width) {
        requestAnimationFrame(() => {
          if (!table.oeShape) return;
          table.oeShape = null;
          fitColumns(table, table.oeLang);
        });
      }
    });
    table.oeResize.observe(table.parentElement);
  }
}

/**
 * What each column's cells hold: the length of the longest number, or the set of words. The first
 * column is left out: its dates are all one length, and its badges wrap below them.
 */
function columnTexts(table) {
  const columns = [];
  for (const row of table.tBodies[0].rows) {
    if (!row.oeCellTexts) continue; // a trace's row
    row.oeCellTexts.forEach((text, i) => {
      const column = (columns[i] ??= row.cells[i + 1].classList.contains('oe-num') ? { longest: 0 } : { words: new Set() });
      if (column.words) column.words.add(text);
      else column.longest = Math.max(column.longest, text.length);
    });
  }
  return columns;
}

/** Whether `now` holds a longer number or another word than `before`, in any column. */
function holdsMore(now, before) {
  return now.some((column, i) => !before[i] || (column.words
    ? [...column.words].some((word) => !before[i].words.has(word))
    : column.longest > before[i].longest));
}

/** The widest chart the core draws (`chart::DEFAULT_WIDTH`): a wider box shows it scaled up. */
export const CHART_WIDTH = 640;

/** The width of the chart's box (that of its figure) in whole pixels; 0 while it is not shown. */
export const chartBoxWidth = (box) => Math.floor(box.parentElement.getBoundingClientRect().width);

/**
 * Insert the core's chart. The SVG is parsed as XML, so nothing in it can run as HTML. Its ids are
 * prefixed so that several estimators on one page never share one; without a label of its own the
 * chart gets `label`.
 */
export function renderChart(box, svgText, label, idPrefix) {
  const key = `${label}\n${svgText}`;
  if (box.oeKey === key) return; // the same chart: parsing and laying it out again costs most
  box.oeKey = key;
  const parts = chartParts(svgText);
  // A recalculation mostly moves the lines and markers of the same chart: changing only what
  // differs lets the browser lay out only that, instead of a whole new chart, and needs no parsing.
  if (updateValues(box.oeChart, parts)) return nameChart(box.firstElementChild, label);
  const doc = new DOMParser().parseFromString(trustedMarkup(svgText), 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.localName !== 'svg' || doc.querySelector('parsererror')) {
    box.oeChart = null;
    box.replaceChildren();
    return;
  }
  for (const script of svg.querySelectorAll('script, foreignObject')) script.remove();
  prefixIds(svg, `${idPrefix}chart-`);
  nameChart(svg, label);
  const shown = box.firstElementChild;
  if (shown && sameShape(shown, svg)) copyInto(shown, svg);
  else box.replaceChildren(box.ownerDocument.importNode(svg, true));
  box.oeChart = bindValues(box.firstElementChild, parts);
}

function nameChart(svg, label) {
  svg.setAttribute('role', 'img');
  if (!svg.hasAttribute('aria-labelledby')) svg.setAttribute('aria-label', label);
  svg.setAttribute('focusable', 'false');
}

// The core writes its SVG on one line, every attribute value in double quotes, every text escaped
// (chart::escape). So a chart is its skeleton (the text without its values) and its values in order:
// attribute values and the texts of elements. Two charts of one skeleton differ only in values.
// VALUE finds the values (an attribute's name and value, or an element's text); TOKEN also finds
// the tags that open elements, to tell which element each value belongs to.
const VALUE = /([\w:-]+)="([^"]*)"|>([^<]+)(?=<)/g;
const TOKEN = new RegExp(`<([\\w:-]+)|${VALUE.source}`, 'g');

function chartParts(text) {
  const values = [];
  const skeleton = text.replace(VALUE, (_, name, attribute, content) => {
    values.push(attribute ?? content);
    // A text's place keeps a mark, so that an element that gains a text changes the skeleton.
    return attribute === undefined ? '>#' : `${name}=""`;
  });
  return { text, skeleton, values };
}

// The escapes chart::escape writes; a value with any other is left to the XML parser.
const ESCAPE = /&(amp|lt|gt|quot|#39);/g;
const ESCAPED = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescapeXml = (text) => text.replace(ESCAPE, (_, name) => ESCAPED[name]);

// Whether an attribute is an id or may refer to one: prefixIds rewrites those.
const refersToIds = (name, value) =>
  name !== null && (/^(id|aria-labelledby|aria-describedby|(.+:)?href)$/.test(name) || value.includes('url(#'));

/**
 * Where each value of the chart shown in `svg` lives (an element's attribute or its text), found by
 * reading the text it was drawn from beside its elements. Null when the two do not line up, so that
 * the next chart is drawn in full. A value the page rewrote (prefixed ids, references to them) is
 * held: a chart where it differs is drawn in full.
 */
function bindValues(svg, parts) {
  if (!svg) return null;
  const elements = [svg, ...svg.querySelectorAll('*')];
  const bindings = [];
  let element = null;
  let next = 0;
  for (const [, tag, name, attribute, content] of parts.text.matchAll(TOKEN)) {
    if (tag !== undefined) {
      element = elements[next++];
      if (element?.tagName !== tag) return null;
    } else if (element === null) {
      return null;
    } else if (name !== undefined) {
      const shown = element.getAttribute(name);
      if (shown === null) return null;
      bindings.push({ element, name, held: shown !== unescapeXml(attribute) || refersToIds(name, shown) });
    } else {
      if (element.firstElementChild || element.textContent !== unescapeXml(content)) return null;
      bindings.push({ element, name: null, held: false });
    }
  }
  if (next !== elements.length || bindings.length !== parts.values.length) return null;
  return { skeleton: parts.skeleton, values: parts.values, bindings };
}

/** Puts the values that changed into the chart shown; false when it must be drawn in full. */
function updateValues(chart, parts) {
  if (!chart || chart.skeleton !== parts.skeleton) return false;
  const changed = [];
  parts.values.forEach((value, i) => {
    if (value !== chart.values[i]) changed.push(i);
  });
  const settable = (i) => !chart.bindings[i].held && !refersToIds(chart.bindings[i].name, parts.values[i])
    && !parts.values[i].replace(ESCAPE, '').includes('&');
  if (!changed.every(settable)) return false;
  for (const i of changed) {
    const { element, name } = chart.bindings[i];
    const value = unescapeXml(parts.values[i]);
    if (name === null) element.textContent = value;
    else element.setAttribute(name, value);
  }
  chart.values = parts.values;
  return true;
}

/** Whether two elements have the same names all the way down (text aside). */
function sameShape(a, b) {
  if (a.localName !== b.localName || a.childElementCount !== b.childElementCount) return false;
  for (let x = a.firstElementChild, y = b.firstElementChild; x; x = x.nextElementSibling, y = y.nextElementSibling) {
    if (!sameShape(x, y)) return false;
  }
  return true;
}

/** Makes `target` (of the same shape) carry the attributes and texts of `source`. */
function copyInto(target, source) {
  copyAttributes(target, source);
  if (!source.firstElementChild) {
    if (target.textContent !== source.textContent) target.textContent = source.textContent;
    return;
  }
  for (let x = target.firstElementChild, y = source.firstElementChild; x; x = x.nextElementSibling, y = y.nextElementSibling) copyInto(x, y);
}

/** Makes `target`'s attributes those of `source`, setting only the values that differ. */
function copyAttributes(target, source) {
  const from = source.attributes;
  const to = target.attributes;
  // The usual case, an element of the same chart drawn again: the same names in the same order,
  // and only some values change; they are copied by position, in one pass. Otherwise, by name.
  let sameNames = from.length === to.length;
  for (let i = 0; sameNames && i < from.length; i += 1) {
    const [a, b] = [from[i], to[i]];
    if (a.name !== b.name) sameNames = false;
    else if (a.name !== 'style' && a.value !== b.value) b.value = a.value;
  }
  if (!sameNames) {
    for (const { name } of [...to]) if (!source.hasAttribute(name)) target.removeAttribute(name);
    for (const { name, value } of from) if (name !== 'style' && target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
  // A style through the CSSOM: the CSP (style-src 'self') refuses a style attribute set as text.
  if (target.style.cssText !== source.style.cssText) target.style.cssText = source.style.cssText;
}

// Where an SVG may refer to an id: by name, or as url(#…) in a presentation attribute or a style.
const REFERENCES = ['[aria-labelledby]', '[aria-describedby]', '[href]', '[*|href]',
  ...['fill', 'stroke', 'clip-path', 'mask', 'filter', 'marker-start', 'marker-mid', 'marker-end', 'cursor', 'style']
    .map((name) => `[${name}*="url(#"]`)].join(', ');

function prefixIds(svg, prefix) {
  const named = [svg, ...svg.querySelectorAll('[id]')].filter((node) => node.id);
  if (named.length === 0) return;
  const ids = new Set(named.map((node) => node.id));
  for (const node of named) node.id = prefix + node.id;
  for (const node of [svg, ...svg.querySelectorAll(REFERENCES)]) {
    for (const attr of [...node.attributes]) {
      if (attr.name === 'aria-labelledby' || attr.name === 'aria-describedby') {
        attr.value = attr.value.split(/\s+/).map((id) => (ids.has(id) ? prefix + id : id)).join(' ');
      } else if (/(^|:)href$/.test(attr.name) && attr.value.startsWith('#')) {
        attr.value = `#${prefix}${attr.value.slice(1)}`;
      } else if (attr.name !== 'd' && attr.value.includes('url(#')) { // path data never refers to anything
        attr.value = attr.value.replace(/url\(#/g, `url(#${prefix}`);
      }
    }
  }
}

/** Puts `node` in `parent` (last) when `wanted`, else takes it out. */
function keepIf(parent, node, wanted) {
  if (!wanted) node.remove();
  else if (node.parentNode !== parent) parent.append(node);
}

/** A meter: its words, a note after them (a date) where there is one, and its bar filled to a percentage. */
function meter() {
  const words = document.createTextNode('');
  const note = h('span', { class: 'oe-meter-note' });
  const line = h('p', {}, words);
  const bar = h('div', { class: 'oe-bar', 'aria-hidden': 'true' }, h('span', { class: 'oe-bar-fill' }));
  const box = h('div', { class: 'oe-meter' }, line, bar);
  box.oeShow = (label, fill, extra) => {
    if (words.data !== label) words.data = label;
    if (extra) setText(note, ` · ${extra}`);
    keepIf(line, note, extra);
    const filled = `${fill}%`;
    if (bar.style.getPropertyValue('--fill') !== filled) bar.style.setProperty('--fill', filled); // CSSOM, allowed by the style-src policy
  };
  return box;
}

/**
 * A year's card; `card.oeShow(year, lang, account)` puts a year's figures in, and the personal
 * account's line when the scenario has one (a balance spent to ¥0.00 is still worth saying).
 */
function yearCard(headingTag) {
  const heading = h(headingTag);
  const [deductible, cap] = [meter(), meter()];
  const notInForce = h('p');
  const account = h('p', { class: 'oe-hint' });
  const card = h('section', { class: 'oe-year' });
  card.oeShow = (year, lang, hasAccount) => {
    setText(heading, t(lang, 'yearHeading', { year: year.year }));
    // No version in force on any day of the year's part of the period: no deductible or cap to fill.
    const before = year.cap_steps.length === 0;
    const parts = [heading, ...(before ? [notInForce] : [deductible, cap]), ...(hasAccount ? [account] : [])];
    if (parts.length !== card.children.length || parts.some((part, i) => card.children[i] !== part)) card.replaceChildren(...parts);
    if (before) setText(notInForce, t(lang, 'yearBeforePolicy', { year: year.year }));
    deductible.oeShow(t(lang, isMore(year.deductible_paid, year.deductible) ? 'deductibleMeterBeyond' : 'deductibleMeter', { paid: yuan(year.deductible_paid), total: yuan(year.deductible) }),
      deductibleFill(year),
      year.deductible_met_on && t(lang, 'deductibleMet', { date: year.deductible_met_on }));
    cap.oeShow(t(lang, isMore(year.cap_used, year.cap) ? 'capMeterBeyond' : 'capMeter', { used: yuan(year.cap_used), total: yuan(year.cap), left: yuan(minusYuan(year.cap, year.cap_used)) }),
      share(year.cap_used, year.cap),
      year.cap_reached_on && t(lang, 'capReached', { date: year.cap_reached_on }));
    if (hasAccount) setText(account, t(lang, 'accountEnd', { balance: yuan(year.account_balance_end), credit: yuan(year.account_credit) }));
  };
  return card;
}

// A mid-year change that lowers the deductible or the cap can leave more paid than the new figure.
function isMore(paid, figure) {
  const over = minusYuan(paid, figure);
  return over != null && !over.startsWith('-') && over !== '0.00';
}

// An unknown deductible shows an empty bar; a zero deductible is met from the start.
function deductibleFill(year) {
  if (year.deductible == null) return 0;
  return Number(year.deductible) > 0 ? share(year.deductible_paid, year.deductible) : 100;
}

/** The totals, each as the values its entry shows: its key, its figure, whether it is a part of another, the language. */
function totalsEntries(totals, lang) {
  return [
    ['amount', yuan(totals.amount), false],
    ['fund', yuan(totals.fund), false],
    ['self', yuan(totals.self), false],
    ['cash', yuan(totals.cash), true],
    ['account', yuan(totals.account), true],
    ['share', percent(totals.effective_share), false],
  ].map((entry) => [...entry, lang]);
}

function totalEntry() {
  const [term, value] = [h('dt'), h('dd')];
  const entry = h('div', {}, term, value);
  entry.oeShow = (key, figure, sub, lang) => {
    const kind = sub ? 'oe-total oe-sub' : 'oe-total';
    if (entry.className !== kind) entry.className = kind;
    setText(term, t(lang, `total.${key}`));
    setText(value, figure);
  };
  return entry;
}

/**
 * A result row and its hidden trace row, for the visit shown at position `row`; the date button
 * opens the trace, made when opened. `main.oeShow(visit)` puts a visit's numbers in.
 */
function visitRows(row, tbody) {
  const traceId = `${tbody.oeContext.idPrefix}trace-${row}`;
  const date = h('span');
  const label = h('span', { class: 'oe-sr' });
  const toggle = h('button', { type: 'button', class: 'oe-expand', 'aria-expanded': 'false', 'aria-controls': traceId },
    h('span', { class: 'oe-chevron', 'aria-hidden': 'true' }), date, label);
  const flags = h('span', { class: 'oe-flags' });
  const cells = Array.from({ length: 7 }, (_, i) => h('td', { class: i ? 'oe-num' : null }));
  const main = h('tr', {}, h('th', { scope: 'row' }, toggle, flags), ...cells);
  const cell = h('td', { colspan: 8 });
  const trace = h('tr', { class: 'oe-trace', id: traceId, hidden: true }, cell);

  let shown = null; // the visit and language the row shows, as JSON
  let visit = null;
  const fill = () => {
    const { explain, nameOf, lang } = tbody.oeContext;
    try {
      cell.replaceChildren(traceDetails(explain(visit.index), lang, nameOf));
    } catch (error) {
      cell.replaceChildren(h('p', { class: 'oe-message oe-error', text: error?.message || String(error) }));
    }
  };
  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    trace.hidden = !open;
  };
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    if (open && !cell.firstChild) fill();
    tbody.oeOpen[open ? 'add' : 'delete'](visit.index);
    setOpen(open);
  });
  main.oeShow = (next, startsYear) => {
    if (next.index !== visit?.index) setOpen(tbody.oeOpen.has(next.index));
    main.classList.toggle('oe-year-start', startsYear);
    visit = next;
    const { lang } = tbody.oeContext;
    const key = JSON.stringify([lang, next]);
    if (key !== shown) {
      shown = key;
      setText(date, next.date);
      setText(label, ` ${t(lang, 'showTrace', { n: next.index + 1 })}`);
      // The core gives only the statuses that need pointing out.
      update(flags, [lang, next.marks], () => next.marks.map((status) => badge(lang, status)));
      const texts = [t(lang, `facilityShort.${next.facility}`), yuan(next.amount), yuan(next.deductible), percent(next.ratio),
        yuan(next.fund), yuan(next.self), yuan(next.cap_remaining)];
      texts.forEach((text, i) => setText(cells[i], text));
      main.oeCellTexts = texts; // what fitColumns reads, cheaper than the cells' textContent
      main.classList.toggle('oe-nofund', Number(next.fund) === 0);
    }
    // The trace belongs to the scenario just run: again now if open, else when next opened.
    if (!trace.hidden) fill(); else if (cell.firstChild) cell.replaceChildren();
  };
  return [main, trace];
}

function traceDetails(visit, lang, nameOf) {
  return h('div', { class: 'oe-trace-body' },
    visit.notes.length
      ? h('ul', { class: 'oe-notes', 'aria-label': t(lang, 'notes') }, visit.notes.map((note) => h('li', { text: note.text })))
      : null,
    h('ol', { class: 'oe-steps' }, visit.trace.map((step) =>
      h('li', {}, h('p', { text: step.text }),
        step.figures.length ? h('ul', { class: 'oe-figure-list' }, step.figures.map((f) => figureItem(f, lang, nameOf, false))) : null))));
}

/** One figure in words: name, value, a badge unless it is plainly stated, its source and note. */
function figureItem(figure, lang, nameOf, withVersion) {
  const status = figureStatus(figure);
  const name = withVersion && figure.version
    ? t(lang, 'versionNamed', { name: nameOf(figure.key), date: figure.version })
    : nameOf(figure.key);
  return h('li', { class: 'oe-figure-item' },
    h('span', { class: 'oe-figure-name', text: name }),
    ' ',
    h('strong', { text: figureValueText(figure.key, figure.value, lang) }),
    isMarked(status) ? [' ', badge(lang, status)] : null,
    figure.overridden && figure.policy_value != null
      ? h('span', { class: 'oe-figure-note', text: t(lang, 'policyFigure', { value: figureValueText(figure.key, figure.policy_value, lang) }) })
      : null,
    figure.source_title ? h('span', { class: 'oe-figure-source' }, sourceLine(lang, figure.source_title, figure.source_title_lang)) : null,
    figure.note ? h('span', { class: 'oe-figure-note', text: figure.note }) : null);
}
