// What the browser tests do on the page and read from it, and the `estimate` command they check
// it against. Elements are found by the page's own hooks: `data-ref` (the elements its code works
// with), `data-field` (the scenario path an input edits), `data-visit`, `data-delete`,
// `data-override`, `data-figure`; classes only where the page has no other hook (`.oe-year`,
// `.oe-meter`, `.oe-message`).

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { toScenario } from '../../www/state.js'; // the page's own code (its modules are bundled in dist/)
import { ROOT, settle } from './harness.mjs';

export const STORAGE_KEY = 'outpatient-estimator';

/** A period across 1 January, fixed so that results do not depend on today's date. */
export const PERIOD = { start: '2023-07-01', end: '2024-06-30' };

export const ref = (page, name) => page.locator(`[data-ref="${name}"]`);
export const field = (page, path) => page.locator(`[data-field="${path}"]`);
export const visitField = (page, index, name) => field(page, `visits[${index}].${name}`);
/** The message shown next to an input: it sits in the input's own cell or field box. */
export const messageFor = (page, path) =>
  page.locator(`td:has(> [data-field="${path}"]) .oe-message, .oe-field:has([data-field="${path}"]) .oe-message`);

export const CJK = /[\u3400-\u9fff]/;

const VISIT_ROWS = '[data-ref="visitRows"] > tr';
const RESULT_ROWS = '[data-ref="resultRows"] > tr:not(.oe-trace)';

// ---- doing things ------------------------------------------------------------------------------

export async function chooseScheme(page, policy, member) {
  await ref(page, 'policy').selectOption(policy);
  await ref(page, 'member').selectOption(member);
  await settle(page);
}

export async function setPeriod(page, { start, end }) {
  await ref(page, 'start').fill(start);
  await ref(page, 'end').fill(end);
  await settle(page);
}

/** Fills the pattern builder and replaces the visits with what it generates; returns their count. */
export async function replaceWithPattern(page, { kind = 'monthly', facility, amount, day }) {
  await field(page, 'pattern.kind').selectOption(kind);
  if (facility !== undefined) await field(page, 'pattern.facility').selectOption(facility);
  if (amount !== undefined) await field(page, 'pattern.amount').fill(amount);
  if (day !== undefined) await field(page, 'pattern.day').fill(String(day));
  await ref(page, 'replaceVisits').click();
  await settle(page);
  return page.locator(VISIT_ROWS).count();
}

/**
 * The year most tests use: Qiannan employee scheme, a retiree, 1 July 2023 to 30 June 2024, a
 * primary-care visit of 400 yuan on the 15th of every month (12 visits).
 */
export async function buildYear(page) {
  await chooseScheme(page, 'qiannan-employee', 'retiree');
  await setPeriod(page, PERIOD);
  const count = await replaceWithPattern(page, { facility: 'primary', amount: '400.00', day: 15 });
  assert.equal(count, 12, 'a monthly pattern over twelve months gives twelve visits');
  await waitForResultRows(page, 12);
}

/** Adds a visit with the editor's button and fills it in; returns its index. */
export async function addVisit(page, { date, facility, amount, out_of_scope: outOfScope }) {
  const index = await page.locator(VISIT_ROWS).count();
  await ref(page, 'addVisit').click();
  await waitForVisitRows(page, index + 1);
  if (date !== undefined) await visitField(page, index, 'date').fill(date);
  if (facility !== undefined) await visitField(page, index, 'facility').selectOption(facility);
  if (amount !== undefined) await visitField(page, index, 'amount').fill(amount);
  if (outOfScope !== undefined) await visitField(page, index, 'out_of_scope').fill(outOfScope);
  await settle(page);
  return index;
}

export async function deleteVisit(page, index) {
  const before = await page.locator(VISIT_ROWS).count();
  await page.locator(`[data-ref="visitRows"] [data-delete="${index}"]`).click();
  await waitForVisitRows(page, before - 1);
  await settle(page);
}

/** Switches the language with the page's button and waits for <html lang> to follow. */
export async function switchLanguage(page, to) {
  await ref(page, 'langButton').click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, to === 'zh' ? 'zh-CN' : 'en');
  await settle(page);
}

/** The result table shows this many rows until "show all" is pressed (www/results.js ROW_LIMIT). */
export const ROW_LIMIT = 50;

/** Presses the result table's "show all" button. */
export async function showAllRows(page) {
  await ref(page, 'moreRows').click();
  await page.waitForFunction(() => document.querySelector('[data-ref="moreRows"]').hidden);
}

export const waitForVisitRows = (page, count) => waitForCount(page, VISIT_ROWS, count);
export const waitForResultRows = (page, count) => waitForCount(page, RESULT_ROWS, count);

function waitForCount(page, selector, count) {
  return page.waitForFunction(([s, n]) => document.querySelectorAll(s).length === n, [selector, count]);
}

// ---- reading what the page shows ---------------------------------------------------------------

/** "¥12,345.60" -> "12345.60"; "—" (no figure) -> null. */
export function money(text) {
  const plain = text.replace(/[¥,\s]/g, '');
  return plain === '—' ? null : plain;
}

/** The core's decimal ratio as the page writes it: "0.655" -> "65.5%", "0.70" -> "70%". */
export function percentOf(decimal) {
  if (decimal == null) return '—';
  const [whole, fraction = ''] = decimal.split('.');
  const digits = fraction.padEnd(2, '0');
  const units = String(BigInt(whole + digits.slice(0, 2)));
  const rest = digits.slice(2).replace(/0+$/, '');
  return units + (rest ? '.' + rest : '') + '%';
}

/**
 * Everything the result area shows, as text: the summary, the totals (in the page's order:
 * amount, fund, self, cash, account, share), one entry per visit row and per year card.
 * `page` may be a frame; `host` selects a widget, whose shadow root holds the estimator.
 */
export async function readResult(page, host = null) {
  return page.evaluate((hostSelector) => {
    const text = (node) => (node?.textContent ?? '').trim();
    const scope = hostSelector ? document.querySelector(hostSelector).shadowRoot : document;
    const root = scope.querySelector('[data-ref="results"]');
    const rows = [...root.querySelectorAll('[data-ref="resultRows"] > tr:not(.oe-trace)')].map((tr) => {
      const cells = [...tr.querySelectorAll(':scope > td')].map(text);
      return {
        date: text(tr.querySelector('th .oe-expand > span:nth-child(2)')),
        facility: cells[0], amount: cells[1], deductible: cells[2], ratio: cells[3],
        fund: cells[4], self: cells[5], capLeft: cells[6],
        flags: [...tr.querySelectorAll('th .oe-badge')].map((b) => b.className.replace(/.*oe-badge-/, '')),
        yearStart: tr.classList.contains('oe-year-start') && getComputedStyle(tr.cells[1]).borderTopWidth,
      };
    });
    const years = [...root.querySelectorAll('.oe-year')].map((section) => {
      const [deductible, cap] = [...section.querySelectorAll('.oe-meter')].map((meter) => ({
        label: text(meter.querySelector('p')),
        amounts: (text(meter.querySelector('p')).match(/¥[\d,]+\.\d{2}/g) ?? []),
        note: text(meter.querySelector('.oe-meter-note')),
      }));
      return { heading: text(section.querySelector('h1, h2, h3, h4, h5, h6')), deductible, cap };
    });
    const totals = [...root.querySelectorAll('[data-ref="totals"] > div')].map((div) => ({
      label: text(div.querySelector('dt')), value: text(div.querySelector('dd')),
    }));
    const alert = root.querySelector('[data-ref="alert"]');
    const more = root.querySelector('[data-ref="moreRows"]');
    return {
      moreRows: more.hidden ? null : text(more),
      summary: text(root.querySelector('[data-ref="summary"]')),
      caveat: root.querySelector('[data-ref="caveat"]').hidden ? null : text(root.querySelector('[data-ref="caveat"]')),
      totals,
      rows,
      years,
      alert: alert.hidden ? null : text(root.querySelector('[data-ref="alertText"]')),
      stale: root.querySelector('[data-ref="resultBody"]').classList.contains('oe-stale'),
    };
  }, host);
}

/** Every form control's value (checkboxes: true/false), keyed by id. */
export async function readInputs(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('[data-ref="form"] :is(input, select)')].map((control) =>
      [control.id, control.type === 'checkbox' ? control.checked : control.value]),
  ));
}

/**
 * The scenario as the page shows it, rebuilt from its inputs the way the API describes a scenario:
 * the chosen policy, member and settlement, the period, every visit row, the figures the user
 * changed (non-empty and different from the policy's), the account when it is on, the language.
 */
export async function scenarioOnScreen(page) {
  // A long list shows its first rows only: show them all first, as a reader checking them would.
  const more = ref(page, 'moreVisits');
  if (await more.isVisible()) await more.click();
  return page.evaluate(() => {
    const value = (selector) => document.querySelector(selector).value;
    const visits = [...document.querySelectorAll('[data-ref="visitRows"] > tr')].map((tr) => {
      const cell = (name) => tr.querySelector(`[data-visit="${name}"]`).value;
      return { date: cell('date'), facility: cell('facility'), amount: cell('amount'), out_of_scope: cell('out_of_scope') };
    });
    const overrides = {};
    for (const input of document.querySelectorAll('[data-override]')) {
      if (input.value.trim() !== '' && input.value !== input.dataset.policyValue) overrides[input.dataset.override] = input.value;
    }
    const scenario = {
      policy: value('[data-ref="policy"]'),
      member: value('[data-ref="member"]'),
      settlement: value('[data-ref="settlement"]'),
      period: { start: value('[data-ref="start"]'), end: value('[data-ref="end"]') },
      visits,
      overrides,
      lang: document.documentElement.lang === 'en' ? 'en' : 'zh',
    };
    if (document.querySelector('[data-ref="accountOn"]').checked) {
      scenario.account = {
        balance: value('[data-account="balance"]'),
        yearly_credit: document.querySelector('[data-account="yearly_credit"]').checked,
        pays_member_share: document.querySelector('[data-account="pays_member_share"]').checked,
      };
    }
    return scenario;
  });
}

/** The scenario the page has stored for its tab, turned into the API's shape by the page's own code. */
export async function storedScenario(page) {
  return toScenario(await storedState(page));
}

/**
 * What the page has stored for its tab (what a reload brings back) once it has written what is
 * pending, as it does when it is left; `storage` 'localStorage' for what a new tab starts from.
 */
export async function storedState(page, storage = 'sessionStorage') {
  return page.evaluate(([key, from]) => {
    dispatchEvent(new PageTransitionEvent('pagehide'));
    return JSON.parse(globalThis[from].getItem(key));
  }, [STORAGE_KEY, storage]);
}

/** `estimate`'s visits (input order) in the order of the page's table: by date, equal dates in input order. */
export function inTableOrder(visits) {
  return [...visits].sort((a, b) => a.date.localeCompare(b.date) || a.index - b.index);
}

/**
 * Asserts that the page shows exactly what `estimate` computes for `outcome`: every total, every
 * visit row (amount, deductible part, ratio, fund, self, cap left) and every year's meters.
 */
export function assertShows(shown, outcome) {
  const { totals } = outcome;
  assert.deepEqual(shown.totals.map((entry) => entry.value), [
    totals.amount, totals.fund, totals.self, totals.cash, totals.account,
  ].map((v) => '¥' + groupThousands(v)).concat(percentOf(totals.effective_share)), 'the totals');
  assert.deepEqual(shown.totals.slice(0, 5).map((entry) => money(entry.value)),
    [totals.amount, totals.fund, totals.self, totals.cash, totals.account], 'the totals, normalised');

  // The first ROW_LIMIT rows, with a button for the rest; every row once it was pressed.
  const count = outcome.visits.length;
  if (count <= ROW_LIMIT) assert.equal(shown.moreRows, null, 'no "show all" button for a short table');
  else if (shown.moreRows) assert.ok(shown.moreRows.includes(String(count)), `"${shown.moreRows}" offers all ${count}`);
  const rows = shown.moreRows ? ROW_LIMIT : count;
  assert.equal(shown.rows.length, rows, 'one result row per visit shown');
  inTableOrder(outcome.visits).slice(0, rows).forEach((visit, i) => {
    const row = shown.rows[i];
    assert.deepEqual(
      { date: row.date, amount: money(row.amount), deductible: money(row.deductible), ratio: row.ratio, fund: money(row.fund), self: money(row.self), capLeft: money(row.capLeft) },
      // No ratio is shown where none applied (nothing above the deductible, or the cap used up
      // before an unknown ratio was needed): the core gives none then.
      { date: visit.date, amount: visit.amount, deductible: visit.deductible, ratio: visit.ratio == null ? '—' : percentOf(visit.ratio), fund: visit.fund, self: visit.self, capLeft: visit.cap_remaining },
      `visit row ${i}`,
    );
  });

  assert.equal(shown.years.length, outcome.years.length, 'one card per year');
  outcome.years.forEach((year, i) => {
    const card = shown.years[i];
    assert.ok(card.heading.includes(String(year.year)), `year card ${i} is ${year.year}: ${card.heading}`);
    // No version in force in the year's part of the period: no meters, and nothing paid to fill them.
    if (year.cap_steps.length === 0) {
      assert.deepEqual([card.deductible, card.cap], [undefined, undefined], `${year.year}: before the policy, no meters`);
      assert.deepEqual([year.deductible_paid, year.cap_used, year.fund], ['0.00', '0.00', '0.00'], `${year.year}: nothing counted`);
      return;
    }
    assert.deepEqual(card.deductible.amounts.map(money), [year.deductible_paid, year.deductible].filter((v) => v != null), `${year.year} deductible meter`);
    // A cap lowered below what the fund paid shows no amount left (never a negative one).
    const capLeft = year.cap == null ? null : minusYuan(year.cap, year.cap_used);
    const shownLeft = capLeft?.startsWith('-') ? null : capLeft;
    assert.deepEqual(card.cap.amounts.map(money), [year.cap_used, year.cap, shownLeft].filter((v) => v != null), `${year.year} cap meter`);
    const dateIn = (note) => note.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? null;
    assert.equal(dateIn(card.deductible.note), year.deductible_met_on, `${year.year} deductible met on`);
    assert.equal(dateIn(card.cap.note), year.cap_reached_on, `${year.year} cap reached on`);
  });
}

/** a − b for two money strings with two decimals, exactly. */
export function minusYuan(a, b) {
  const fen = (s) => BigInt(s.replace('.', ''));
  const d = fen(a) - fen(b);
  const abs = (d < 0n ? -d : d).toString().padStart(3, '0');
  return `${d < 0n ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

function groupThousands(decimal) {
  const [whole, fraction] = decimal.split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? '.' + fraction : '');
}

// ---- the estimate command ----------------------------------------------------------------------

const ESTIMATE = join(ROOT, 'target', 'debug', 'estimate');

/** Builds the `estimate` command (incremental: quick when it is up to date). For a `before` hook. */
export function buildEstimate() {
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
  const result = spawnSync('cargo', ['build', '-q', '--bin', 'estimate'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: cargoBin + delimiter + process.env.PATH },
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `cargo build --bin estimate failed:\n${result.stderr}`);
}

/** `estimate [options] INPUT.json` on `input`; resolves to what it prints. */
async function estimate(options, input) {
  const dir = await mkdtemp(join(tmpdir(), 'oe-e2e-'));
  try {
    const file = join(dir, 'input.json');
    await writeFile(file, JSON.stringify(input, null, 2));
    const { stdout } = await promisify(execFile)(ESTIMATE, [...options, file], { maxBuffer: 64 << 20 });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `estimate SCENARIO.json` on the scenario; resolves to its outcome. */
export async function runEstimate(scenario) {
  return JSON.parse(await estimate([], scenario));
}

/** Clicks a download button; resolves to the file's name and bytes. */
export async function download(page, refName) {
  const [file] = await Promise.all([page.waitForEvent('download'), ref(page, refName).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** `estimate --svg [--width PX] SCENARIO.json`: the chart, as text. */
export function runEstimateSvg(scenario, width) {
  return estimate(['--svg', ...(width === undefined ? [] : ['--width', String(width)])], scenario);
}

/** `estimate --generate PATTERN.json`: the visits of a pattern. */
export async function runGenerate(pattern) {
  return JSON.parse(await estimate(['--generate'], pattern));
}

// ---- bad input: putting text into a field as a user would, and what it leaves behind -------------

/**
 * Puts `text` into an input in one go, as a paste or an autofill does: sets its value and sends the
 * input and change events. Resolves to the value the control kept (a date or number input drops
 * text it cannot hold: "2023-02-30" becomes "").
 */
export function setValue(locator, text) {
  return locator.evaluate((input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return input.value;
  }, text);
}

/**
 * Pastes `text` into a text input with the keyboard (select all, paste) through the real
 * clipboard; the context needs 'clipboard-read' and 'clipboard-write'. Resolves to the input's value.
 */
export async function pasteText(page, locator, text) {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await locator.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  return locator.inputValue();
}

/**
 * Types a date into an <input type=date> key by key, one segment after the other, the way a user
 * does; the browser lets an impossible day (30 February) be typed and then gives the input no value.
 * Chromium orders the segments by its own locale, so the order is found first by typing into the
 * first segment of the input, which must hold a date whose month and day are both above 1.
 * Resolves to { value, badInput } afterwards.
 */
export async function typeDate(page, locator, { year, month, day }) {
  const box = await locator.boundingBox();
  const firstSegment = () => locator.click({ position: { x: 8, y: box.height / 2 } });
  const [y, m, d] = (await locator.inputValue()).split('-');
  assert.ok(Number(m) > 1 && Number(d) > 1, `typeDate needs a date with month and day above 1: ${y}-${m}-${d}`);
  await firstSegment();
  await page.keyboard.type('01');
  const probe = await locator.inputValue();
  const order = probe === `${y}-01-${d}` ? ['month', 'day', 'year']
    : probe === `${y}-${m}-01` ? ['day', 'month', 'year']
      : ['year', 'month', 'day'];
  // Each segment is reached from the first with the arrow key: a year segment takes more digits
  // than four and does not move on by itself.
  for (const [index, part] of order.entries()) {
    await firstSegment();
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.type({ year, month, day }[part]);
  }
  await settle(page);
  return locator.evaluate((input) => ({ value: input.value, badInput: input.validity.badInput }));
}

/**
 * What pasted markup could have left on the page, in the document and every open shadow root:
 * `pwned` (window.__pwned, set by the test payloads if they ever run), images, elements with an
 * onerror attribute, inline scripts; and, to compare before and after, the number of elements and
 * how many of them are the page's own marks on a field (messages and badges such as "your figure").
 */
export async function markupFound(page) {
  return page.evaluate(() => {
    const roots = [document];
    for (let i = 0; i < roots.length; i++) {
      for (const node of roots[i].querySelectorAll('*')) if (node.shadowRoot) roots.push(node.shadowRoot);
    }
    const all = (selector) => roots.flatMap((root) => [...root.querySelectorAll(selector)]);
    return {
      pwned: window.__pwned ?? null,
      img: all('img').length,
      onerror: all('[onerror]').length,
      inlineScripts: all('script:not([src])').length,
      elements: all('*').length,
      marks: all('.oe-message, .oe-badge').length,
    };
  });
}

/** Every form control's value (checkboxes: true/false), keyed by id, inside a widget's shadow root. */
export async function readInputsWithin(page, host) {
  return page.evaluate((hostSelector) => Object.fromEntries(
    [...document.querySelector(hostSelector).shadowRoot.querySelectorAll('[data-ref="form"] :is(input, select)')]
      .map((control) => [control.id, control.type === 'checkbox' ? control.checked : control.value]),
  ), host);
}

/**
 * What the page's own core (the wasm the page loaded) computes for the scenario on screen: for
 * checking that a result shown after a correction is the one for the inputs now on screen, without
 * the `estimate` command.
 */
export async function pageCoreOutcome(page) {
  const scenario = await scenarioOnScreen(page);
  return page.evaluate(async (input) => {
    const bindings = await import('./pkg/estimator.js');
    await bindings.default(); // already loaded by the page: returns at once
    window.__e2eEstimator ??= new bindings.Estimator();
    const ran = window.__e2eEstimator.run(input);
    return ran.outcome ?? ran; // run() gives { outcome, svg } (before, the outcome alone)
  }, scenario);
}
