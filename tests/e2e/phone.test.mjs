// On a phone the estimate comes after the whole form. A line kept at the bottom of the screen
// while the form is in view gives the fund's and the member's totals as they change, says when they
// wait for a correction, and goes to the estimate; on a wide screen it is left out. The chart is
// drawn for the phone's width, its type at its own size and every word inside it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import {
  assertShows, download, readResult, ref, runEstimate, runEstimateSvg, scenarioOnScreen, switchLanguage, visitField,
} from './steps.mjs';

const browser = useBrowser();

/** Where the line is on screen, and what it says. */
function peekNow(page) {
  return ref(page, 'peek').evaluate((peek) => {
    const box = peek.getBoundingClientRect();
    const results = peek.ownerDocument.querySelector('[data-ref="results"]').getBoundingClientRect();
    return {
      shown: box.height > 0, top: box.top, bottom: box.bottom, resultsTop: results.top,
      text: peek.querySelector('p').textContent, stale: peek.classList.contains('oe-stale'),
    };
  });
}

/** The fund's and the member's totals as the result cards show them. */
async function totalsShown(page) {
  const { totals } = await readResult(page);
  return { fund: totals[1].value, self: totals[2].value };
}

test('on a phone a line at the bottom of the screen follows the totals, and goes to the estimate', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await page.setViewportSize({ width: 360, height: 740 });
  await session.load();
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));

  let peek = await peekNow(page);
  let totals = await totalsShown(page);
  assert.equal(peek.text, `基金支付${totals.fund}，您负担${totals.self}`);
  assert.ok(peek.shown && peek.bottom <= 740 + 1 && peek.bottom > 740 - 20, `at the bottom of the screen: ${peek.top}–${peek.bottom}`);
  assert.ok(peek.resultsTop > 740 * 2, 'while the estimate itself is far below');

  // An edit: the line follows at once.
  await visitField(page, 0, 'amount').fill('1000.00');
  await settle(page);
  totals = await totalsShown(page);
  peek = await peekNow(page);
  assert.equal(peek.text, `基金支付${totals.fund}，您负担${totals.self}`);
  assert.ok(peek.bottom <= 740 + 1, 'still on screen beside the field being edited');
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));

  // A bad input: the totals shown would be the last valid ones, so the line says they wait.
  await visitField(page, 0, 'amount').fill('12x');
  await settle(page);
  peek = await peekNow(page);
  assert.equal(peek.text, '结果尚未更新：请先更正上面的输入。');
  assert.equal(peek.stale, true);
  // Turned sideways meanwhile: the last result's chart is drawn again for the wider box, and the
  // line still says the totals wait.
  const chartWidth = () => page.evaluate(() => document.querySelector('[data-ref="chart"] svg').viewBox.baseVal.width);
  const narrow = await chartWidth();
  await page.setViewportSize({ width: 740, height: 360 });
  await page.waitForFunction((before) => document.querySelector('[data-ref="chart"] svg').viewBox.baseVal.width !== before, narrow);
  assert.deepEqual(await peekNow(page).then(({ text, stale }) => ({ text, stale })), { text: '结果尚未更新：请先更正上面的输入。', stale: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForFunction((before) => document.querySelector('[data-ref="chart"] svg').viewBox.baseVal.width === before, narrow);
  await visitField(page, 0, 'amount').fill('1000.00');
  await settle(page);
  assert.deepEqual(await peekNow(page).then(({ text, stale }) => ({ text, stale })),
    { text: `基金支付${totals.fund}，您负担${totals.self}`, stale: false });

  // In English too.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
  await switchLanguage(page, 'en');
  assert.equal((await peekNow(page)).text, `The fund pays ${totals.fund}; you pay ${totals.self}`);
  assert.equal(await ref(page, 'peekButton').textContent(), 'See the estimate');

  // Its button goes to the estimate and puts the focus there, on a slow phone too (the CPU slowed
  // eightfold since the language switch): the cards passed on the way, drawn only then in the new
  // language, change height after the jump.
  await ref(page, 'peekButton').click();
  await page.waitForTimeout(300);
  await settle(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const heading = await ref(page, 'resultsHeading').evaluate((node) => ({
    top: node.getBoundingClientRect().top, focused: node.ownerDocument.activeElement === node,
  }));
  assert.ok(heading.top >= 0 && heading.top < 100, `the estimate's heading at the top of the screen: ${heading.top}`);
  assert.equal(heading.focused, true);
  // Past the form it rests at the form's end, and covers nothing of the estimate.
  peek = await peekNow(page);
  assert.ok(peek.bottom <= peek.resultsTop, `above the estimate: ${peek.bottom} <= ${peek.resultsTop}`);

  // On a wide screen the estimate is beside the form: no line.
  await page.setViewportSize({ width: 1280, height: 900 });
  await settle(page);
  assert.equal((await peekNow(page)).shown, false);
  session.assertClean();
});

/**
 * The chart on screen: its drawn and shown widths, the texts that do not fit inside it, and those
 * drawn across a 1 January line (as the browser sets them, not by the core's estimate).
 */
function chartNow(page) {
  return ref(page, 'chart').evaluate((box) => {
    box.scrollIntoView(); // drawn only near the view (content-visibility)
    const svg = box.querySelector('svg');
    const drawn = svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')].map((text) => ({ words: text.textContent, b: text.getBBox() }));
    const outside = texts.filter(({ b }) => b.x < 0 || b.x + b.width > drawn + 0.5).map(({ words }) => words);
    const lines = [...svg.querySelectorAll('.oe-reset line')].map((line) => line.getBBox());
    const across = texts.filter(({ b }) => lines.some((line) =>
      b.x < line.x && b.x + b.width > line.x + line.width && b.y < line.y + line.height && b.y + b.height > line.y)).map(({ words }) => words);
    const shown = svg.getBoundingClientRect().width;
    return { drawn, shown, box: Math.floor(box.getBoundingClientRect().width), scrolls: box.scrollWidth > box.clientWidth, outside, across, lines: lines.length };
  });
}

for (const lang of ['zh', 'en']) {
  test(`on a phone the chart is drawn for its width, every word inside it (${lang})`, { timeout: 60_000 }, async (t) => {
    // The width the chart had when the first result was drawn: the page measures the chart's box
    // before it fills the page, and that frame must not need drawing again.
    // (Read as the page sets its mark: a PerformanceObserver would hear of it a frame or more later.)
    const firstDrawn = () => {
      const mark = performance.mark.bind(performance);
      performance.mark = (name, ...rest) => {
        if (name === 'oe-first-result') window.firstChartWidth = document.querySelector('[data-ref="chart"] svg')?.viewBox.baseVal.width;
        return mark(name, ...rest);
      };
    };
    const session = await browser.open(t, { initScripts: [firstDrawn] });
    const { page } = session;
    await page.setViewportSize({ width: 360, height: 740 });
    await session.load();
    const drawnFirst = await page.evaluate(() => window.firstChartWidth);
    if (lang === 'en') await switchLanguage(page, 'en');
    let chart = await chartNow(page);
    assert.ok(chart.drawn >= 300 && chart.drawn < 360, `drawn for a phone: ${chart.drawn}`);
    assert.equal(drawnFirst, chart.drawn, 'the first result was drawn for the phone, not drawn again');
    assert.equal(chart.drawn, chart.box, 'as wide as its box: its type at its own size');
    assert.ok(chart.shown - chart.drawn < 1, `shown ${chart.shown} px wide`);
    assert.equal(chart.scrolls, false, 'nothing to scroll to');
    assert.deepEqual(chart.outside, [], 'every word inside the chart');
    assert.equal(chart.lines, 1, 'the example crosses 1 January');
    assert.deepEqual(chart.across, [], 'no words across the 1 January line');
    // The same picture as the command line's, at that width.
    const scenario = await scenarioOnScreen(page);
    const expected = await runEstimateSvg(scenario, chart.drawn);
    assert.deepEqual(await ref(page, 'chart').locator('svg text').allTextContents(), await page.evaluate((svg) =>
      [...new DOMParser().parseFromString(svg, 'image/svg+xml').querySelectorAll('text')].map((text) => text.textContent), expected));

    // Turned sideways: drawn again for the wider box, up to the core's widest.
    await page.setViewportSize({ width: 740, height: 360 });
    await page.waitForFunction((before) => document.querySelector('[data-ref="chart"] svg').viewBox.baseVal.width !== before, chart.drawn);
    chart = await chartNow(page);
    assert.equal(chart.drawn, Math.min(chart.box, 640));
    assert.deepEqual(chart.outside, []);
    assert.deepEqual(chart.across, []);
    // The download is the command line's usual chart, whatever the width on screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForFunction(() => document.querySelector('[data-ref="chart"] svg').viewBox.baseVal.width < 360);
    const { bytes } = await download(page, 'exportSvg');
    assert.equal(bytes.toString('utf8'), await runEstimateSvg(scenario));
    session.assertClean();
  });
}

/** The visit editor's first rows at the present width: how its box scrolls, and each row's controls. */
function visitEditorNow(page) {
  return page.locator('.oe-visit-scroll').evaluate((box) => {
    box.scrollIntoView(); // laid out only near the view (content-visibility)
    const inside = box.getBoundingClientRect();
    const rows = [...box.querySelectorAll('tbody > tr')].slice(0, 3).map((row) =>
      [...row.querySelectorAll('input, select, button')].map((control) => {
        const { left, right, top, bottom } = control.getBoundingClientRect();
        return { name: control.dataset.visit ?? 'delete', left, right, top, bottom };
      }));
    return { scrolls: box.scrollWidth > box.clientWidth, left: inside.left, right: inside.left + box.clientWidth, rows };
  });
}

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

for (const lang of ['zh', 'en']) {
  test(`the visit editor fits its box at every width, a table to a screen reader (${lang})`, { timeout: 60_000 }, async (t) => {
    const session = await browser.open(t);
    const { page } = session;
    await page.setViewportSize({ width: 320, height: 740 });
    await session.load();
    if (lang === 'en') await switchLanguage(page, 'en');
    // From the smallest phone to a desktop: each row's four fields and delete button side by side
    // where they fit and on two lines where not, every one inside the box and none over another.
    for (let width = 320; width <= 1280; width += 20) {
      await page.setViewportSize({ width, height: 740 });
      const editor = await visitEditorNow(page);
      assert.equal(editor.scrolls, false, `no sideways scrolling at ${width}`);
      for (const controls of editor.rows) {
        assert.deepEqual(controls.map((c) => c.name), ['date', 'facility', 'amount', 'out_of_scope', 'delete']);
        for (const c of controls) {
          assert.ok(c.left >= editor.left - 0.5 && c.right <= editor.right + 0.5, `${c.name} inside the box at ${width}`);
        }
        for (const [i, a] of controls.entries()) {
          for (const b of controls.slice(i + 1)) assert.ok(!overlap(a, b), `${a.name} and ${b.name} apart at ${width}`);
        }
      }
    }
    // The two-line layout is a grid, not a table, to the browser's layout; Chromium's
    // accessibility tree must still have the table, its header row, every row and every cell.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.equal(await ref(page, 'visitRows').locator('tr').first().evaluate((row) => getComputedStyle(row).display), 'grid');
    const visits = await ref(page, 'visitRows').locator('tr').count();
    const cdp = await page.context().newCDPSession(page);
    const { result: table } = await cdp.send('Runtime.evaluate', { expression: 'document.querySelector(".oe-visit-table")' });
    const count = async (role) => (await cdp.send('Accessibility.queryAXTree', { objectId: table.objectId, role })).nodes.length;
    assert.deepEqual(
      { table: await count('table'), row: await count('row'), columnheader: await count('columnheader'), cell: await count('cell') },
      { table: 1, row: visits + 1, columnheader: 5, cell: visits * 5 });
    session.assertClean();
  });
}

test('on a phone the result table keeps its dates in view while its figures scroll sideways', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await page.setViewportSize({ width: 360, height: 740 });
  await session.load();
  await ref(page, 'resultRows').locator('.oe-expand').first().click(); // a calculation open too
  const seen = await page.locator('.oe-result-box').evaluate((box) => {
    box.scrollIntoView();
    const scrolls = box.scrollWidth > box.clientWidth;
    box.scrollLeft = box.scrollWidth; // to the last column
    const edge = box.getBoundingClientRect().left + box.clientLeft;
    const rows = [...box.querySelectorAll('thead tr, tbody tr:not(.oe-trace)')].slice(0, 4);
    const firsts = rows.map((row) => {
      row.scrollIntoView({ block: 'center', inline: 'nearest' }); // elementFromPoint sees the viewport only
      const cell = row.firstElementChild.getBoundingClientRect();
      // What a reader sees at the cell's middle: the cell itself, not a figure passing under it.
      const top = row.ownerDocument.elementFromPoint(cell.left + cell.width / 2, cell.top + cell.height / 2);
      return { atEdge: Math.abs(cell.left - edge) < 1, onTop: row.firstElementChild.contains(top) };
    });
    return { scrolls, scrolled: box.scrollLeft > 0, firsts };
  });
  assert.ok(seen.scrolls && seen.scrolled, 'the table is wider than a phone');
  assert.deepEqual(seen.firsts, Array(4).fill({ atEdge: true, onTop: true }), 'the header and each row keep their first cell');
  session.assertClean();
});
