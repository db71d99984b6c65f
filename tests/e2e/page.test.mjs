// The main path: choose a region and member, build a year from a pattern, add and delete a visit,
// and check every figure shown against `estimate` on the same scenario; the chart's deductible and
// cap markers and the 1 January reset, and the second year starting again.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import {
  addVisit, assertShows, buildEstimate, buildYear, deleteVisit, inTableOrder, PERIOD, readResult, ref, replaceWithPattern, ROW_LIMIT,
  field, runEstimate, scenarioOnScreen, setPeriod, setValue, storedScenario, switchLanguage, visitField, waitForResultRows,
} from './steps.mjs';

const browser = useBrowser();
before(() => buildEstimate(), { timeout: 300_000 });

/** The year, a large tertiary visit that reaches the cap, and one monthly visit less. */
async function buildEditedYear(page) {
  await buildYear(page);
  const added = await addVisit(page, { date: '2023-10-09', facility: 'tertiary', amount: '5000.00' });
  assert.equal(added, 12);
  await waitForResultRows(page, 13);
  await deleteVisit(page, 2); // 2023-09-15
  await waitForResultRows(page, 12);
}

test('a year built on the page shows exactly what `estimate` computes', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildEditedYear(page);

  // The scenario as the page shows it is the one it stores and runs.
  const scenario = await scenarioOnScreen(page);
  assert.deepEqual(scenario, await storedScenario(page), 'what is on screen is what the page stored');
  assert.equal(scenario.policy, 'qiannan-employee');
  assert.equal(scenario.member, 'retiree');
  assert.deepEqual(scenario.period, PERIOD);
  assert.equal(scenario.visits.length, 12);
  assert.deepEqual(scenario.visits[2], { date: '2023-10-15', facility: 'primary', amount: '400.00', out_of_scope: '0.00' },
    'the 15 September visit is gone');
  assert.deepEqual(scenario.visits[11], { date: '2023-10-09', facility: 'tertiary', amount: '5000.00', out_of_scope: '0.00' },
    'the added visit is last, as entered');

  const outcome = await runEstimate(scenario);
  assert.equal(outcome.visits.length, 12);
  assert.ok(outcome.years[0].cap_reached_on, 'the scenario reaches the cap (or the test checks less than it should)');

  const shown = await readResult(page);
  assert.equal(shown.alert, null, 'no message: ' + shown.alert);
  assert.equal(shown.stale, false);
  assertShows(shown, outcome);
  // The summary sentence carries the same totals.
  for (const value of [outcome.totals.amount, outcome.totals.fund, outcome.totals.self]) {
    assert.ok(shown.summary.replace(/,/g, '').includes(`¥${value}`), `summary has ${value}: ${shown.summary}`);
  }

  // A row's calculation is asked of the core when the row is opened: the notes and steps are the
  // ones `estimate` gives for that visit (the added visit, which reaches the cap). The table is in
  // date order, so the visit added last is the third row.
  const position = inTableOrder(outcome.visits).findIndex((visit) => visit.index === 11);
  assert.equal(position, 2);
  const row = page.locator('[data-ref="resultRows"] > tr:not(.oe-trace)').nth(position);
  await row.locator('.oe-expand').click();
  const trace = page.locator(`#${await row.locator('.oe-expand').getAttribute('aria-controls')}`);
  const texts = (selector) => trace.locator(selector).allTextContents();
  assert.deepEqual(await texts('.oe-notes > li'), outcome.visits[11].notes.map((note) => note.text));
  assert.deepEqual(await texts('.oe-steps > li > p'), outcome.visits[11].trace.map((step) => step.text));
  assert.ok(outcome.visits[11].notes.some((note) => note.code === 'cap_reached'));
  session.assertClean();
});

test('the chart marks the deductible, the cap and the 1 January reset; the new year starts again', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildEditedYear(page);
  const outcome = await runEstimate(await scenarioOnScreen(page));
  const [first, second] = outcome.years;
  assert.deepEqual([first.year, second.year], [2023, 2024]);

  const chart = ref(page, 'chart').locator('svg');
  assert.equal(await chart.count(), 1, 'one chart');
  assert.ok(await chart.locator('.oe-deductible-met').count() >= 1, 'a deductible-met marker');
  assert.equal(await chart.locator('.oe-cap-reached').count(), 1, 'one cap-reached marker');
  assert.equal(await chart.locator('.oe-reset').count(), 1, 'one 1 January reset');
  assert.ok((await chart.locator('.oe-reset').textContent()).trim() !== '', 'the reset is labelled');

  // The second year starts again: its deductible is counted anew and its cap used from 0.
  assert.equal(first.cap_reached_on, '2023-10-09');
  assert.equal(second.deductible_met_on, '2024-01-15');
  assert.equal(second.deductible_paid, second.deductible);
  const fundIn2024 = outcome.visits.filter((v) => v.date.startsWith('2024-'))
    .reduce((sum, v) => sum + BigInt(v.fund.replace('.', '')), 0n);
  assert.equal(BigInt(second.cap_used.replace('.', '')), fundIn2024, '2024 cap used counts 2024 payments only');

  const shown = await readResult(page);
  assertShows(shown, outcome);
  const [card2023, card2024] = shown.years;
  assert.ok(card2023.cap.note.includes('2023-10-09'), `2023 cap reached: ${card2023.cap.note}`);
  assert.equal(card2024.deductible.amounts[0], '¥150.00', 'the 2024 deductible is paid anew');
  assert.ok(card2024.deductible.note.includes('2024-01-15'), `2024 deductible met: ${card2024.deductible.note}`);
  assert.equal(card2024.cap.amounts[0], '¥1,687.50', '2024 cap used from 0: 187.50 + 5 × 300.00');
  assert.equal(card2024.cap.note, '', 'the 2024 cap is not reached');
  // The table, in date order, draws a line above 2024's first row, as the chart does at 1 January.
  assert.deepEqual(shown.rows.flatMap((row) => (row.yearStart ? [[row.date, row.yearStart]] : [])), [['2024-01-15', '2px']]);

  // A period inside one calendar year has no reset.
  await ref(page, 'fullYear').click();
  await replaceWithPattern(page, { facility: 'primary', amount: '400.00', day: 15 });
  await waitForResultRows(page, 12);
  assert.equal(await chart.locator('.oe-reset').count(), 0, 'no reset inside one year');
  const oneYear = await readResult(page);
  assert.equal(oneYear.years.length, 1);
  assert.ok(oneYear.rows.every((row) => !row.yearStart), 'no line inside one year');
  session.assertClean();
});

test('"use the full year" makes the pattern\'s visits again for the year; visits the user changed stay', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  const hint = ref(page, 'periodHint');
  assert.match(await hint.textContent(), /跨过1月1日/, 'the example period crosses 1 January');
  const { period } = await scenarioOnScreen(page);
  const year = period.start.slice(0, 4);

  await ref(page, 'fullYear').click();
  await settle(page);
  const scenario = await scenarioOnScreen(page);
  assert.deepEqual(scenario.period, { start: `${year}-01-01`, end: `${year}-12-31` });
  assert.equal(scenario.visits.length, 12, 'a visit a month, all in the year');
  assert.ok(scenario.visits.every((v) => v.date.startsWith(year)), 'made again for the year');
  const shown = await readResult(page);
  assert.equal(shown.alert, null, 'no visit outside the period');
  assertShows(shown, await runEstimate(scenario));
  assert.match(await hint.textContent(), /同一年内/, 'the hint follows the period');
  assert.equal(await ref(page, 'fullYear').evaluate((button) => document.activeElement === button), true, 'focus stays on the button');

  // Changed visits are the user's: kept as they are, and one outside the period is named.
  await setPeriod(page, period);
  await replaceWithPattern(page, { facility: 'primary', amount: '400.00', day: 15 });
  const last = scenario.visits.length - 1;
  await visitField(page, last, 'amount').fill('401.00');
  await settle(page);
  const edited = await scenarioOnScreen(page);
  await ref(page, 'fullYear').click();
  await settle(page);
  assert.deepEqual((await scenarioOnScreen(page)).visits, edited.visits, 'the visits as the user left them');
  assert.match((await readResult(page)).alert, /不在所选期间/);
  session.assertClean();
});

// A mid-year change that lowers a figure below what the year has already paid toward it.
const LOWERED = [
  {
    what: 'a deductible lowered mid-year: the meter says more was paid than the new figure',
    // Jiangxi's employee scheme lowers the deductible from 600 to 300 on 1 July 2023: the 400 paid
    // toward it in March then meets it.
    link: '#v1;p=jiangxi-employee;m=in_service;d=2023;v=2023-03-10:s:400,2023-08-10:s:200',
    meter: 'deductible',
    core: (outcome) => [outcome.years[0].deductible_paid, outcome.years[0].deductible, outcome.years[0].deductible_met_on],
    expected: ['400.00', '300.00', '2023-07-01'],
    zh: '起付标准：本年已累计¥400.00，超过调整后的新标准¥300.00 · 2023-07-01达到',
    en: 'Deductible: ¥400.00 paid this year, more than the new figure of ¥300.00 · met on 2023-07-01',
  },
  {
    what: 'a cap lowered mid-year below what the fund paid: reached on the change, never a negative amount left',
    // A what-if cap of 900 from Jiangxi's July 2023 version, after the fund paid 1,000 in March.
    link: '#v1;p=jiangxi-employee;m=in_service;d=2023;o=cap.in_service@2023-07-01:900;v=2023-03-01:p:2600,2023-08-01:p:500',
    meter: 'cap',
    core: (outcome) => [outcome.years[0].cap_used, outcome.years[0].cap, outcome.years[0].cap_reached_on, outcome.visits[1].notes.map((n) => n.code)],
    expected: ['1000.00', '900.00', '2023-07-01', ['cap_reached_by_change', 'cap_exhausted']],
    zh: '年度限额：本年基金已付¥1,000.00，超过调整后的新限额¥900.00 · 2023-07-01用完',
    en: 'Annual cap: the fund paid ¥1,000.00 this year, more than the new cap of ¥900.00 · reached on 2023-07-01',
  },
];

for (const lowered of LOWERED) {
  test(`${lowered.what}, in both languages`, { timeout: 30_000 }, async (t) => {
    const session = await browser.open(t);
    const { page } = session;
    await session.load(lowered.link);
    await waitForResultRows(page, 2);
    const outcome = await runEstimate(await scenarioOnScreen(page));
    assert.deepEqual(lowered.core(outcome), lowered.expected, 'what the core computes');
    const shown = await readResult(page);
    assertShows(shown, outcome);
    assert.equal(shown.years[0][lowered.meter].label, lowered.zh);

    await switchLanguage(page, 'en');
    assert.equal((await readResult(page)).years[0][lowered.meter].label, lowered.en);
    session.assertClean();
  });
}

/**
 * The visit rows' cells wider than their column, as "row,column: text". A kept table does not lay
 * out a figure far from the view (content-visibility), and such a cell cannot say whether its
 * figure fits: every cell is laid out for the look, as it would be when scrolled to, and then left
 * as it was.
 */
function overflowingCells(page) {
  return page.evaluate(() => {
    const cells = [...document.querySelectorAll('[data-ref="resultRows"] > tr:not(.oe-trace) > *')];
    for (const cell of cells) cell.style.setProperty('content-visibility', 'visible');
    const over = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
      .map((cell) => `${cell.parentElement.rowIndex},${cell.cellIndex}: ${cell.textContent}`);
    for (const cell of cells) cell.style.removeProperty('content-visibility');
    return over;
  });
}

test('the result table keeps its column widths, and measures them again when a figure no longer fits or the width changes', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  const table = page.locator('.oe-result-table');
  assert.match(await table.getAttribute('class'), /oe-fixed/, 'widths kept after the first result');
  const widths = () => table.locator('col').evaluateAll((cols) => cols.map((col) => col.style.width));
  const widthsChangeFrom = (old) => page.waitForFunction((text) => JSON.stringify([...document.querySelectorAll('.oe-result-table col')]
    .map((col) => col.style.width)) !== text, JSON.stringify(old));
  const before = await widths();
  assert.ok(before.every((w) => /px$/.test(w)), `a width on every column: ${before}`);

  // The same rows, one figure far longer: told from its text, and measured again.
  await field(page, 'visits[3].amount').fill('1234567.89');
  await widthsChangeFrom(before);
  assert.deepEqual(await overflowingCells(page), [], 'every figure fits its column');
  await field(page, 'visits[3].amount').fill('400.00');

  // A visit far larger than the others, in a row of its own: measured again too.
  await addVisit(page, { date: '2023-10-09', facility: 'tertiary', amount: '1234567.89' });
  await waitForResultRows(page, 13);
  assert.deepEqual(await overflowingCells(page), [], 'every figure fits its column');
  assert.notDeepEqual(await widths(), before, 'measured again for the longer figures');
  const outcome = await runEstimate(await scenarioOnScreen(page));
  assertShows(await readResult(page), outcome);

  // Narrower, as a turned phone: the columns follow at once, without a recalculation.
  const wide = await widths();
  await page.setViewportSize({ width: 700, height: 900 });
  await widthsChangeFrom(wide);
  assert.deepEqual(await overflowingCells(page), [], 'every figure fits at the new width');
  assert.match(await table.getAttribute('class'), /oe-fixed/);

  // In English the words are longer: measured again too, and a tier the column has not held yet fits.
  await switchLanguage(page, 'en');
  assert.deepEqual(await overflowingCells(page), []);
  await visitField(page, 5, 'facility').selectOption('secondary');
  await waitForResultRows(page, 13);
  await settle(page);
  assert.ok((await page.locator('[data-ref="resultRows"] td').allTextContents()).includes('Secondary'), 'the new tier is shown');
  assert.deepEqual(await overflowingCells(page), []);
  session.assertClean();
});

test('on a phone the visit table is drawn only when scrolled to, then with the figures of the last edit, each fitting', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await page.setViewportSize({ width: 360, height: 740 });
  await buildYear(page);
  const drawn = () => page.locator('[data-ref="resultRows"] td').first().evaluate((cell) => cell.checkVisibility({ contentVisibilityAuto: true }));
  await field(page, 'visits[3].amount').fill('1234567.89'); // a longer figure while the table is off screen
  await waitForResultRows(page, 12);
  await settle(page);
  assert.equal(await drawn(), false, 'far below the view, the table is not drawn');

  await page.locator('.oe-result-box').scrollIntoViewIfNeeded();
  await settle(page);
  assert.equal(await drawn(), true);
  assert.deepEqual(await overflowingCells(page), [], 'every figure fits its column');
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
  session.assertClean();
});

/**
 * What is drawn under `selector`: each element it matches and every element inside, with its name,
 * its attributes (in name order) and its own text. Fails when nothing matches.
 */
function drawnUnder(page, selector) {
  return page.evaluate((selector) => {
    const roots = [...document.querySelectorAll(selector)];
    if (roots.length === 0) throw new Error(`nothing drawn at ${selector}`);
    return roots.map((root) => [root, ...root.querySelectorAll('*')].map((node) => [
      node.localName, [...node.attributes].map((a) => `${a.name}=${a.value}`).sort(),
      [...node.childNodes].filter((child) => child.nodeType === Node.TEXT_NODE).map((child) => child.data).join('|'),
    ]));
  }, selector);
}

test('a chart changed in place after an edit is the chart a fresh page draws', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  const chartNow = () => drawnUnder(page, '[data-ref="chart"] svg');
  const memberLine = () => page.evaluate(() => document.querySelector('[data-ref="chart"] path.oe-member')?.getAttribute('d'));
  const marker = () => page.evaluate(() => document.querySelector('[data-ref="chart"] .oe-deductible-met text')?.textContent);
  await buildYear(page);
  const svg = ref(page, 'chart').locator('svg');
  const element = await svg.elementHandle();
  // An edit that moves the lines and markers of the same chart changes its values in place, read
  // from the core's SVG text: nothing is parsed again.
  await page.evaluate(() => {
    const parse = DOMParser.prototype.parseFromString;
    window.chartParses = 0;
    DOMParser.prototype.parseFromString = function (text, type) {
      if (type === 'image/svg+xml') window.chartParses += 1;
      return parse.call(this, text, type);
    };
  });
  const [line, label] = [await memberLine(), await marker()];
  await field(page, 'visits[3].amount').fill('410.00'); // the lines move; no marker comes or goes
  await page.waitForFunction((old) => document.querySelector('[data-ref="chart"] path.oe-member')?.getAttribute('d') !== old, line);
  await field(page, 'visits[0].date').fill('2023-07-20'); // the deductible is met five days later
  await page.waitForFunction((old) => document.querySelector('[data-ref="chart"] .oe-deductible-met text')?.textContent !== old, label);
  assert.match(await marker(), /20/, 'the marker names the new date');
  assert.equal(await page.evaluate(() => window.chartParses), 0, 'the chart was changed without parsing it');
  assert.ok(await element.evaluate((node) => node.isConnected), 'the same chart element, changed in place');
  const edited = await chartNow();
  await session.reload();
  assert.deepEqual(await chartNow(), edited);
  session.assertClean();
});

test('year cards and totals changed in place after an edit are what a fresh page draws', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  // The style attribute, with each meter's fill, is among the attributes compared.
  const drawn = () => drawnUnder(page, '[data-ref="years"], [data-ref="totals"]');
  const total = (key) => page.evaluate((i) => document.querySelectorAll('[data-ref="totals"] dd')[i].textContent, key);
  await buildYear(page);
  const card = await page.locator('[data-ref="years"] > .oe-year').first().elementHandle();
  const fundTotal = await page.locator('[data-ref="totals"] dd').nth(1).elementHandle();
  const before = { drawn: await drawn(), fund: await total(1) };
  await field(page, 'visits[3].amount').fill('410.00');
  await page.waitForFunction((old) => document.querySelectorAll('[data-ref="totals"] dd')[1].textContent !== old, before.fund);
  const edited = await drawn();
  assert.notDeepEqual(edited, before.drawn, 'the edit changed the cards and totals');
  assert.ok(await card.evaluate((node) => node.isConnected), 'the same year card, changed in place');
  assert.ok(await fundTotal.evaluate((node) => node.isConnected), 'the same total, changed in place');
  await session.reload();
  assert.deepEqual(await drawn(), edited);
  // A visit that reaches the cap gives the cap's meter a note: a part of another shape, put in
  // place of the old one inside the same card.
  const capNotes = () => page.locator('[data-ref="years"] > .oe-year').first().locator('.oe-meter-note').count();
  assert.equal(await capNotes(), 1, 'before: only the deductible has its date');
  const shownCard = await page.locator('[data-ref="years"] > .oe-year').first().elementHandle();
  await addVisit(page, { date: '2023-10-09', facility: 'tertiary', amount: '5000.00' });
  await page.waitForFunction(() => document.querySelectorAll('[data-ref="years"] > .oe-year')[0].querySelectorAll('.oe-meter-note').length === 2);
  assert.ok(await shownCard.evaluate((node) => node.isConnected), 'the same year card, with a note more');
  const capped = await drawn();
  await session.reload();
  assert.deepEqual(await drawn(), capped);
  // A personal account (its yearly credit on by default) gives the card its year-end balance, a
  // part put in and then taken out.
  const accountLine = () => page.evaluate(() => document.querySelector('[data-ref="years"] > .oe-year > .oe-hint')?.textContent ?? null);
  const cardNow = await page.locator('[data-ref="years"] > .oe-year').first().elementHandle();
  await ref(page, 'accountOn').check();
  await page.waitForFunction(() => document.querySelector('[data-ref="years"] > .oe-year > .oe-hint') !== null);
  assert.match(await accountLine(), /个人账户年末余额/);
  assert.ok(await cardNow.evaluate((node) => node.isConnected), 'the same year card, with its account line');
  const withAccount = await drawn();
  await session.reload();
  assert.deepEqual(await drawn(), withAccount);
  const cardAgain = await page.locator('[data-ref="years"] > .oe-year').first().elementHandle();
  await ref(page, 'accountOn').uncheck();
  await page.waitForFunction(() => document.querySelector('[data-ref="years"] > .oe-year > .oe-hint') === null);
  assert.ok(await cardAgain.evaluate((node) => node.isConnected), 'the same year card, its account line gone');
  assert.deepEqual(await drawn(), capped);
  // Another language gives other texts in places of the same shape; again what a fresh page draws.
  await switchLanguage(page, 'en');
  const english = await drawn();
  await session.reload();
  assert.deepEqual(await drawn(), english);
  session.assertClean();
});

test('the table lists visits by date, an open calculation stays with its visit, and the line under the summary names what every visit rests on', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // The Jiangxi residents' start date (2023-01-01) is assumed and their cap unknown (given here):
  // 51 visits in 2023, then, last in the input, one in 2022, before the policy, which rests on the
  // assumed start date alone. The table shows it first. The visits of 2023, the year the policy
  // came in, rest on that date too, and on the cap given.
  const visits = Array.from({ length: 51 }, (_, i) => `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}:p:100`);
  await session.load(`#v1;p=jiangxi-resident;m=resident;d=2022-07-01~2023-12-31;o=cap.resident:2000;v=${visits.join(',')},2022-08-01:p:300`);
  await waitForResultRows(page, ROW_LIMIT);
  const outcome = await runEstimate(await scenarioOnScreen(page));
  const shown = await readResult(page);
  assert.equal(shown.alert, null, shown.alert);
  assertShows(shown, outcome);
  assert.deepEqual(shown.rows.slice(0, 3).map((row) => [row.date, row.flags]),
    [['2022-08-01', ['assumed']], ['2023-01-01', ['assumed', 'user']], ['2023-01-02', ['assumed', 'user']]]);
  const dates = shown.rows.map((row) => row.date);
  assert.deepEqual(dates, [...dates].sort(), 'rows in date order');
  assert.deepEqual(outcome.marks, ['assumed', 'user']);
  assert.equal(shown.caveat, '其中用到了标为“假定”、“您的数字”的数字，实际支付可能不同。');

  // The first row is the last visit in the editor (52); its calculation, opened, stays with it
  // when its date moves it to the end of the table's first rows.
  const rows = page.locator('[data-ref="resultRows"] > tr:not(.oe-trace)');
  const firstToggle = rows.nth(0).locator('.oe-expand');
  assert.match(await firstToggle.textContent(), /第52次就诊/);
  await firstToggle.click();
  await setValue(visitField(page, 51, 'date'), '2023-01-01');
  await page.waitForFunction(() => document.querySelector('[data-ref="resultRows"] .oe-expand span:nth-child(2)').textContent === '2023-01-01');
  const toggles = await page.locator('[data-ref="resultRows"] .oe-expand').evaluateAll((buttons) =>
    buttons.map((b) => [b.textContent.match(/第(\d+)次/)[1], b.getAttribute('aria-expanded')]).filter(([, open]) => open === 'true'));
  assert.deepEqual(toggles, [['52', 'true']], 'only visit 52\'s calculation is open');
  session.assertClean();
});

// More visits than the editor shows at first (www/visits.js EDITOR_LIMIT): after "show all", and
// after a pattern that makes more, every row is drawn and can be reached. Hiding the "show all"
// button after the rows were replaced once left Chromium's editor table with no box at all: the
// caption said 52 visits over an empty frame.
for (const viewport of [{ width: 1280, height: 900 }, { width: 360, height: 740 }]) {
  test(`every row of a long visit list is drawn, after "show all" and after a pattern (${viewport.width} px)`, { timeout: 60_000 }, async (t) => {
    const session = await browser.open(t, { viewport });
    const { page } = session;
    const rowsDrawn = () => page.locator('[data-ref="visitRows"] > tr').evaluateAll((rows) => rows.filter((row) => row.getBoundingClientRect().height > 0).length);
    await session.load('#v1;p=qiannan-employee;m=retiree;d=2023;l=en;g=weekly:p:60:1');
    assert.equal(await rowsDrawn(), 50, 'the first 50 of 52 visits');
    await ref(page, 'moreVisits').click();
    await settle(page);
    assert.equal(await rowsDrawn(), 52, 'all 52 after "show all"');
    const last = visitField(page, 51, 'amount');
    await last.focus();
    assert.ok(await last.isVisible(), 'the last visit can be reached');

    await session.load();
    assert.equal(await replaceWithPattern(page, { kind: 'weekly', amount: '60.00' }), 50, 'the first 50 of a weekly pattern\'s visits');
    assert.equal(await rowsDrawn(), 50, 'drawn, after the pattern replaced the visits');
    await ref(page, 'moreVisits').click();
    await settle(page);
    const rows = await page.locator('[data-ref="visitRows"] > tr').count();
    assert.equal(await rowsDrawn(), rows, `all ${rows} after a pattern and "show all"`);
    await ref(page, 'addVisits').click();
    await settle(page);
    assert.equal(await rowsDrawn(), 2 * rows, 'all of them after the pattern added as many again');
  });
}

test('a year before the policy says so instead of showing empty meters, and the account line stays at ¥0.00', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // Jiangxi's employee pooling starts on 1 January 2023; the account's 300 is spent in 2022.
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2022-07-01~2023-06-30;l=en;a=300:n:y;g=monthly:p:400:15');
  const cards = page.locator('.oe-year');
  assert.equal(await cards.count(), 2);
  const [before, after] = [cards.nth(0), cards.nth(1)];
  assert.equal(await before.locator('.oe-meter').count(), 0, 'no deductible or cap to fill in 2022');
  assert.match(await before.textContent(), /Within the period, the policy was not yet in force in 2022: no deductible or cap applies, and the fund pays nothing\./);
  assert.doesNotMatch(await before.textContent(), /—/, 'no placeholder figure');
  assert.equal(await after.locator('.oe-meter').count(), 2, 'the meters in 2023');
  for (const [card, year] of [[before, 2022], [after, 2023]]) {
    assert.match(await card.locator('.oe-hint').textContent(), /^Personal account at year end: ¥0\.00 \(credited ¥0\.00 that year\)$/, `${year}: spent, and still said`);
  }
  // Back in order when the period no longer starts before the policy.
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023;l=en;g=monthly:p:400:15');
  const only = page.locator('.oe-year');
  assert.equal(await only.count(), 1);
  assert.deepEqual(await only.first().locator(':scope > *').evaluateAll((parts) => parts.map((p) => p.className || p.tagName)),
    ['H3', 'oe-meter', 'oe-meter'], 'heading, deductible, cap, and no account line without an account');
  session.assertClean();
});

test('"Reset to example" can be undone until the next edit', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=in_service;d=2023;l=en;o=ratio.primary@2023-01-01:0.8;v=2023-03-15:p:900');
  const mine = await scenarioOnScreen(page);
  assert.deepEqual(mine.overrides, { 'ratio.primary@2023-01-01': '0.8' });
  const myResult = await readResult(page);
  await ref(page, 'resetButton').click();
  await settle(page);
  const example = await scenarioOnScreen(page);
  assert.notDeepEqual(example, mine, 'the example is in place');
  assert.equal(await ref(page, 'undo').isVisible(), true);
  assert.match(await ref(page, 'undo').textContent(), /The example is back\.\s*Undo: bring back my estimate/);
  assert.deepEqual(await storedScenario(page), example, 'the example is what is remembered');

  await ref(page, 'undoButton').click();
  await settle(page);
  assert.deepEqual(await scenarioOnScreen(page), mine, 'my scenario, the what-if figure too');
  assert.deepEqual(await readResult(page), myResult);
  assert.deepEqual(await storedScenario(page), mine, 'and remembered again');
  assert.equal(await ref(page, 'undo').isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.ref), 'resetButton', 'focus stays in the toolbar');

  // An edit after the reset ends the undo: it would lose the edit.
  await ref(page, 'resetButton').click();
  await settle(page);
  assert.equal(await ref(page, 'undo').isVisible(), true);
  await settle(page);
  await setValue(visitField(page, 0, 'amount'), '123.00');
  await settle(page);
  assert.equal(await ref(page, 'undo').isHidden(), true);

  // With the example on screen already, there is nothing to undo.
  await ref(page, 'resetButton').click();
  await settle(page);
  await ref(page, 'resetButton').click();
  await settle(page);
  assert.equal(await ref(page, 'undo').isHidden(), true, 'no undo of the example by the example');
  session.assertClean();
});

test('a result kept from another region and scheme names it', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // Jiangxi pays a pharmacy at the primary ratio from July 2023; Qiannan's sources give no ratio for it.
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023-07-01~2024-06-30;l=en;v=2023-08-15:rx:3000');
  const jiangxi = await readResult(page);
  assert.equal(jiangxi.alert, null);
  await ref(page, 'policy').selectOption('qiannan-employee');
  await settle(page);
  const kept = await readResult(page);
  assert.equal(kept.stale, true);
  assert.match(kept.alert, /^Showing the last valid result, which is for Jiangxi Province: employee scheme, general outpatient pooling, retiree, 2023-07-01 to 2024-06-30\. One figure is still needed: /);
  assert.deepEqual(kept.totals, jiangxi.totals, 'the figures kept are Jiangxi\'s');
  await switchLanguage(page, 'zh');
  assert.match((await readResult(page)).alert, /^正在显示上一次有效的结果，它是“江西省 职工医保普通门诊统筹”退休人员、2023-07-01 至 2024-06-30 的结果。/);
  // An error under the same scheme needs no name.
  await ref(page, 'policy').selectOption('jiangxi-employee');
  await settle(page);
  await setValue(visitField(page, 0, 'amount'), 'abc');
  await settle(page);
  assert.match((await readResult(page)).alert, /^正在显示上一次有效的结果。/);
  session.assertClean();
});

test('undoing a reset brings back the scenario\'s own kept result, and what has no result yet says so', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023-07-01~2024-06-30;l=en;v=2023-08-15:rx:3000');
  const jiangxi = await readResult(page);
  await ref(page, 'policy').selectOption('qiannan-employee'); // Qiannan gives no pharmacy ratio
  await settle(page);
  const kept = await readResult(page);
  await ref(page, 'resetButton').click();
  await settle(page);
  await ref(page, 'undoButton').click();
  await settle(page);
  const back = await readResult(page);
  assert.equal(back.alert, kept.alert, 'the same alert, naming Jiangxi');
  assert.deepEqual([back.stale, back.totals, back.summary], [true, jiangxi.totals, jiangxi.summary], 'Jiangxi\'s result, not the example\'s');

  // Nothing has run yet: the summary and the phone's line say what is awaited, not "not updated".
  await page.goto('about:blank');
  await session.load('#v1;p=qiannan-employee;m=in_service;d=2023;l=en;v=2023-03-15:rx:300');
  const waiting = await readResult(page);
  assert.equal(waiting.summary, 'The estimate appears here once what is marked in the form is filled in or corrected.');
  assert.equal(await ref(page, 'peekText').textContent(), 'No estimate yet: please fill in or correct what is marked in the form.');
  session.assertClean();
});

test('the period\'s hint waits for both dates, and a period wholly before the policy asks for none of its figures', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023;l=en;g=monthly:p:400:15');
  assert.equal(await ref(page, 'periodHint').isVisible(), true);
  await setValue(ref(page, 'end'), '');
  await settle(page);
  assert.equal(await ref(page, 'periodHint').isHidden(), true, 'no hint while the end date is not a date');
  await setValue(ref(page, 'end'), '2023-12-31');
  await settle(page);
  assert.equal(await ref(page, 'periodHint').isVisible(), true);

  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2022;l=en;v=2022-03-15:rx:300');
  assert.equal(await page.locator('[data-override]').count(), 0, 'no figure of a version outside the period');
  assert.equal((await readResult(page)).alert, null, 'and the estimate runs: the fund pays nothing');
  session.assertClean();
});
