// The page with a keyboard and a screen reader: a control in focus is never hidden under the
// phone's line of totals or the visit table's sticky header; pressing a button that changes
// nothing takes focus to the reason, and focus is never dropped; the result is announced once
// typing pauses, not at every keystroke; boxes are tab stops only while they scroll; a disabled
// button looks disabled; reduced motion means no smooth scrolling.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import { field, ref, visitField } from './steps.mjs';

const browser = useBrowser();

/** The focused element's box and what covers it: the line of totals' top, the visit header's bottom. */
function focusNow(page) {
  return page.evaluate(() => {
    const focused = document.activeElement;
    const box = focused.getBoundingClientRect();
    const peek = document.querySelector('[data-ref="peek"]').getBoundingClientRect();
    const scroll = focused.closest('.oe-visit-scroll tbody') && focused.closest('.oe-visit-scroll'); // a row's control
    const head = scroll?.querySelector('thead th').getBoundingClientRect(); // the header's cells are what sticks
    return {
      name: focused.getAttribute('aria-label') || focused.labels?.[0]?.textContent || focused.textContent.trim().slice(0, 30) || focused.localName,
      inForm: Boolean(focused.closest('[data-ref="form"]')),
      top: box.top, bottom: box.bottom, peekTop: peek.height ? peek.top : Infinity, headBottom: head?.bottom ?? -Infinity,
    };
  });
}

test('on a phone, tabbing through the form never leaves the control in focus under the line of totals', { timeout: 90_000 }, async (t) => {
  const session = await browser.open(t, { viewport: { width: 360, height: 740 } });
  const { page } = session;
  await session.load();
  await page.locator('select').first().focus();
  const covered = [];
  let stops = 0;
  for (let i = 0; i < 120; i += 1) {
    const now = await focusNow(page);
    if (!now.inForm) break;
    stops += 1;
    if (now.bottom > now.peekTop + 1) covered.push(`${now.name}: ${now.top.toFixed(0)}–${now.bottom.toFixed(0)} under ${now.peekTop.toFixed(0)}`);
    await page.keyboard.press('Tab');
    await settle(page);
  }
  assert.ok(stops > 40, `the whole form was tabbed through (${stops} stops)`);
  assert.deepEqual(covered, []);
  session.assertClean();
});

test('moving back up the visit table with Shift+Tab keeps the row in focus below its sticky header', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // Half a year of weekly visits: the visit table scrolls in its box.
  await session.load('#v1;p=qiannan-employee;m=retiree;d=2023-01-01~2023-06-30;g=weekly:s:120:2');
  await ref(page, 'addVisit').focus();
  const hidden = [];
  let inTable = 0;
  for (let i = 0; i < 400; i += 1) {
    await page.keyboard.press('Shift+Tab');
    const now = await focusNow(page);
    if (now.headBottom === -Infinity) {
      if (inTable) break; // above the table now
      continue;
    }
    inTable += 1;
    if (now.top < now.headBottom - 1) hidden.push(`${now.name}: top ${now.top.toFixed(0)} above ${now.headBottom.toFixed(0)}`);
  }
  assert.ok(inTable > 100, `every row was passed through (${inTable} stops)`);
  assert.deepEqual(hidden, []);
  session.assertClean();
});

test('a pattern that cannot be made takes focus to its field; one that can says how many visits it made', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await field(page, 'pattern.amount').fill('abc');
  await ref(page, 'replaceVisits').click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'pattern.amount');
  assert.equal(await field(page, 'pattern.amount').getAttribute('aria-invalid'), 'true');

  await field(page, 'pattern.amount').fill('400');
  await ref(page, 'replaceVisits').click();
  await settle(page);
  assert.equal(await ref(page, 'announcement').textContent(), '已按规律生成12次就诊，替换了原有记录。');
  await ref(page, 'addVisits').click();
  assert.equal(await ref(page, 'announcement').textContent(), '已按规律添加12次就诊。');
  session.assertClean();
});

test('closing the notice of a link that could not be opened puts focus on the estimate', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=nowhere;m=retiree');
  await ref(page, 'noticeClose').click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.ref), 'resultsHeading');
  session.assertClean();
});

test('a screen reader hears the result once typing pauses, not at every keystroke', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  // The visible summary changes at every frame; it is not in a live region.
  assert.equal(await ref(page, 'summary').evaluate((p) => Boolean(p.closest('[aria-live]'))), false);
  assert.equal(await ref(page, 'announcement').getAttribute('role'), 'status');
  await page.evaluate(() => {
    window.heard = [];
    new MutationObserver(() => window.heard.push(document.querySelector('[data-ref="announcement"]').textContent))
      .observe(document.querySelector('[data-ref="announcement"]'), { childList: true, characterData: true, subtree: true });
  });
  const amount = visitField(page, 1, 'amount');
  await amount.fill('');
  await amount.pressSequentially('1250', { delay: 60 }); // an error ("" is no amount), then 1, 12, 125, 1250
  await settle(page);
  assert.deepEqual(await page.evaluate(() => window.heard), [], 'nothing yet while typing');
  await page.waitForTimeout(1300);
  const summary = await ref(page, 'summary').textContent();
  const caveat = await ref(page, 'caveat').textContent();
  assert.deepEqual(await page.evaluate(() => window.heard), [`${summary} ${caveat}`], 'once, the result for 1250');

  // An error is heard once too, after the pause, with the banner's words.
  await amount.fill('12x');
  await page.waitForTimeout(1300);
  const heard = await page.evaluate(() => window.heard);
  assert.equal(heard.length, 2);
  assert.equal(heard[1], await ref(page, 'alertText').textContent());
  assert.match(heard[1], /第2条 费用/);
  session.assertClean();
});

test('boxes are tab stops only while they scroll; disabled buttons look disabled; reduced motion jumps', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await settle(page);
  const tabStops = () => page.evaluate(() => Object.fromEntries(['visitScroll', 'chart', 'resultBox'].map((name) =>
    [name, document.querySelector(`[data-ref="${name}"]`).getAttribute('tabindex')])));
  // On a wide screen the chart and the result table fit; the example's 12 visits scroll in their box.
  assert.deepEqual(await tabStops(), { visitScroll: '0', chart: null, resultBox: null });
  await page.setViewportSize({ width: 360, height: 740 });
  await ref(page, 'resultBox').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('[data-ref="resultBox"]').getAttribute('tabindex') === '0');
  assert.deepEqual(await tabStops(), { visitScroll: '0', chart: null, resultBox: '0' }, 'the table scrolls sideways on a phone');

  // Nothing to share yet in a fresh page with an error: the copy buttons are disabled, and look it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await ref(page, 'share').locator('summary').click();
  const copy = ref(page, 'share').locator('[data-copy]').first();
  const enabledOpacity = await copy.evaluate((b) => getComputedStyle(b).opacity);
  assert.equal(enabledOpacity, '1');
  await copy.evaluate((b) => { b.disabled = true; });
  assert.equal(await copy.evaluate((b) => getComputedStyle(b).opacity), '0.5');
  await copy.evaluate((b) => { b.disabled = false; });

  // "Go to the field" scrolls at once when the reader asks for reduced motion.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
  await visitField(page, 11, 'amount').fill('12x');
  await settle(page);
  await page.evaluate(() => scrollTo(0, 0));
  await ref(page, 'alertButton').click();
  const [soon, later] = [await page.evaluate(() => scrollY), await page.waitForTimeout(400).then(() => page.evaluate(() => scrollY))];
  assert.ok(soon > 0, 'scrolled to the field');
  assert.equal(soon, later, 'in one jump, not smoothly');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'visits[11].amount');
  session.assertClean();
});
