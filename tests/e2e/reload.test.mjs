// Reloading brings the scenario back: policy, member, period, every visit as typed (a bad amount
// too, with its message), the pattern builder, the figures entered and the language.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAVE_DELAY_MS } from '../../www/state.js';
import { settle, useBrowser, waitForEstimator } from './harness.mjs';
import {
  addVisit, buildYear, deleteVisit, field, messageFor, readInputs, readResult, ref, scenarioOnScreen, STORAGE_KEY, storedState,
  switchLanguage, visitField,
} from './steps.mjs';

const browser = useBrowser();

test('a reload brings back the same scenario', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  await addVisit(page, { date: '2024-02-29', facility: 'secondary', amount: '880.80', out_of_scope: '80.00' });
  await deleteVisit(page, 0);
  await visitField(page, 1, 'amount').fill('123.45');
  await field(page, 'overrides.ratio.pharmacy').fill('0.70');
  await field(page, 'pattern.amount').fill('250.00');
  await settle(page);
  const scenario = await scenarioOnScreen(page);
  const result = await readResult(page);
  assert.equal(result.alert, null);

  await session.reload();
  assert.deepEqual(await scenarioOnScreen(page), scenario, 'the same scenario');
  assert.equal(await ref(page, 'policy').inputValue(), 'qiannan-employee');
  assert.equal(await ref(page, 'member').inputValue(), 'retiree');
  assert.equal(scenario.visits.length, 12);
  assert.equal(await visitField(page, 1, 'amount').inputValue(), '123.45');
  assert.equal(await visitField(page, 11, 'facility').inputValue(), 'secondary');
  assert.equal(await field(page, 'pattern.amount').inputValue(), '250.00', 'the pattern builder too');
  assert.deepEqual(await readResult(page), result, 'and the same result');

  // A bad amount and the English page come back as they were left, message and all.
  await visitField(page, 4, 'amount').fill('12x');
  await switchLanguage(page, 'en');
  const inputs = await readInputs(page);
  const message = await messageFor(page, 'visits[4].amount').textContent();
  assert.match(message, /is not a number/);
  assert.equal((await storedState(page)).visits[4].amount, '12x', 'the raw text is stored');

  await session.reload();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await ref(page, 'addVisit').textContent(), 'Add a visit');
  assert.deepEqual(await readInputs(page), inputs, 'every input as it was');
  assert.equal(await visitField(page, 4, 'amount').inputValue(), '12x');
  assert.equal(await visitField(page, 4, 'amount').getAttribute('aria-invalid'), 'true');
  assert.equal(await messageFor(page, 'visits[4].amount').textContent(), message);
  // Nothing valid has run since the reload, so no result is shown, only the message, and the
  // summary's place says what it waits for.
  const afterReload = await readResult(page);
  assert.match(afterReload.alert, /^Please correct “Visit 5 amount \(yuan\)”: is not a number/);
  assert.equal(afterReload.summary, 'The estimate appears here once what is marked in the form is filled in or corrected.');
  session.assertClean();
});

test('an edit is written within a moment, and at once when the page is left', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await settle(page);
  const before = (await storedState(page)).visits[0].amount; // written now: nothing is pending

  // Not on every keystroke: the edit is still pending right after the recalculation, and written a
  // moment later with nothing else happening.
  const { pending, delay } = await page.evaluate((key) => new Promise((resolve) => {
    const stored = () => JSON.parse(sessionStorage.getItem(key)).visits[0].amount;
    const estimator = document.querySelector('[data-estimator]').estimator;
    estimator.state.visits[0].amount = '111.11';
    const editedAt = performance.now();
    estimator.recalculate();
    const pending = stored();
    const look = () => (stored() === '111.11' ? resolve({ pending, delay: performance.now() - editedAt }) : setTimeout(look, 20));
    look();
  }), STORAGE_KEY);
  assert.equal(pending, before);
  assert.ok(delay >= SAVE_DELAY_MS && delay < SAVE_DELAY_MS + 2_000, `written after ${delay} ms`);

  // An edit pending when the page is left is written as it goes: a reload brings it back.
  await visitField(page, 0, 'amount').fill('222.22');
  await session.reload();
  assert.equal(await visitField(page, 0, 'amount').inputValue(), '222.22');
  // Even one typed just before, not yet calculated (the calculation waits for the next frame),
  // with nothing else waiting to be written: leaving writes it, within the same task.
  assert.equal((await storedState(page)).visits[0].amount, '222.22');
  const written = await page.evaluate((key) => {
    const input = document.querySelector('[data-field="visits[0].amount"]');
    input.value = '333.33';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    dispatchEvent(new PageTransitionEvent('pagehide'));
    return JSON.parse(sessionStorage.getItem(key)).visits[0].amount;
  }, STORAGE_KEY);
  assert.equal(written, '333.33');
  session.assertClean();
});

test('each tab keeps its own scenario, and a link merely opened does not take the place of one\'s own', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page, context, url } = session;
  await session.load();
  await visitField(page, 0, 'amount').fill('999.99');
  await settle(page);
  await storedState(page); // written, as when the tab is left

  // Another tab opens a colleague's link, and is reloaded (as a phone does with a tab it put away).
  const other = await context.newPage();
  await other.goto(`${url}#v1;p=jiangxi-employee;m=in_service;d=2023;g=monthly:t:1000:3`);
  await waitForEstimator(other);
  await other.reload();
  await waitForEstimator(other);
  assert.equal(await other.locator('[data-ref="policy"]').inputValue(), 'jiangxi-employee', 'the other tab keeps its link');

  // This tab, reloaded, is still one's own; so is a new tab, since the link was only looked at.
  await session.reload();
  assert.equal(await visitField(page, 0, 'amount').inputValue(), '999.99');
  const fresh = await context.newPage();
  await fresh.goto(url);
  await waitForEstimator(fresh);
  assert.equal(await fresh.locator('[data-field="visits[0].amount"]').inputValue(), '999.99');

  // An edit in the other tab is what a new tab starts from next, and this tab is still its own.
  await other.locator('[data-field="visits[0].amount"]').fill('222.22');
  await other.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
  const newest = await context.newPage();
  await newest.goto(url);
  await waitForEstimator(newest);
  assert.equal(await newest.locator('[data-field="visits[0].amount"]').inputValue(), '222.22');
  await session.reload();
  assert.equal(await visitField(page, 0, 'amount').inputValue(), '999.99');
  session.assertClean();
});

test('where the browser lets the page remember nothing, an opened link stays in the address', { timeout: 30_000 }, async (t) => {
  const blocked = () => {
    for (const name of ['localStorage', 'sessionStorage']) {
      Object.defineProperty(window, name, { get() { throw new DOMException('storage is blocked', 'SecurityError'); } });
    }
  };
  const session = await browser.open(t, { initScripts: [blocked] });
  const { page } = session;
  const link = '#v1;p=jiangxi-employee;m=retiree;d=2023;g=monthly:p:300:5';
  await session.load(link);
  assert.equal(await ref(page, 'policy').inputValue(), 'jiangxi-employee');
  assert.equal(await page.evaluate(() => location.hash), link, 'kept: a reload opens it again');
  await session.reload();
  assert.equal(await ref(page, 'policy').inputValue(), 'jiangxi-employee');
  session.assertClean();
});
