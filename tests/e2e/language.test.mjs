// Switching the language: the interface turns English (and back), <html lang> and the title follow,
// the core's texts (policy names, chart) come in the new language, and no figure changes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBrowser } from './harness.mjs';
import {
  buildYear, CJK, field, messageFor, readInputs, readResult, ref, replaceWithPattern, storedState, switchLanguage,
} from './steps.mjs';

const browser = useBrowser();

/** The figures on screen, without their labels. */
const figuresOf = (result) => ({
  totals: result.totals.map((entry) => entry.value),
  rows: result.rows.map(({ facility, flags, ...numbers }) => numbers),
  years: result.years.map((year) => [year.deductible.amounts, year.cap.amounts]),
});

test('the language button switches the whole page and keeps every figure', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);

  const inChinese = await readResult(page);
  const inputs = await readInputs(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.title(), '门诊统筹报销估算');
  assert.equal(await ref(page, 'langButton').textContent(), 'English');
  assert.match(inChinese.summary, /^总费用/);

  await switchLanguage(page, 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.title(), 'Outpatient pooling benefit estimator');
  assert.equal(await page.locator('h1').textContent(), 'Outpatient pooling benefit estimator');
  assert.equal(await ref(page, 'results').locator('h2').textContent(), 'Estimate');
  assert.equal(await ref(page, 'addVisit').textContent(), 'Add a visit');
  assert.equal(await ref(page, 'langButton').textContent(), '中文');
  assert.equal(await ref(page, 'langButton').getAttribute('lang'), 'zh-CN', 'the button names Chinese in Chinese');
  assert.match(await ref(page, 'policy').locator('option:checked').textContent(), /^Qiannan Prefecture: employee scheme/);
  assert.equal(await ref(page, 'member').locator('option:checked').textContent(), 'Retiree');
  assert.match(await ref(page, 'chart').locator('svg title').textContent(), /fund and member share over time/);
  assert.match(await ref(page, 'chart').locator('svg .oe-reset').textContent(), /1 January|Jan/);

  const inEnglish = await readResult(page);
  assert.match(inEnglish.summary, /^Total spending ¥/);
  assert.deepEqual(inEnglish.totals.map((entry) => entry.label),
    ['Total spending', 'Fund pays', 'You pay', 'of which cash', 'of which personal account', 'Your share']);
  assert.deepEqual(figuresOf(inEnglish), figuresOf(inChinese), 'the same figures in both languages');
  assert.deepEqual(await readInputs(page), inputs, 'the inputs are unchanged');
  // Everything visible is English now; the only Chinese is the button back to Chinese.
  const visible = await page.evaluate(() => document.body.innerText);
  assert.deepEqual(visible.match(new RegExp(CJK.source + '+', 'g')), ['中文'], 'no Chinese left but the button');
  assert.equal((await storedState(page)).lang, 'en', 'the choice is remembered');

  await switchLanguage(page, 'zh');
  assert.equal(await page.title(), '门诊统筹报销估算');
  assert.equal(await ref(page, 'addVisit').textContent(), '添加一次就诊');
  assert.equal(await ref(page, 'langButton').textContent(), 'English');
  assert.match(await ref(page, 'policy').locator('option:checked').textContent(), /^黔南州/);
  const back = await readResult(page);
  assert.deepEqual(back, inChinese, 'back in Chinese, the result is as it was');
  assert.deepEqual(await readInputs(page), inputs);
  session.assertClean();
});

test('a pattern field\'s message stays through a language switch, in the new language', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  const visits = await page.locator('[data-ref="visitRows"] > tr').count();
  await replaceWithPattern(page, { amount: '40x' });
  const message = messageFor(page, 'pattern.amount');
  assert.match(await message.textContent(), CJK);
  await switchLanguage(page, 'en');
  assert.match(await message.textContent(), /is not a number/, 'the message, now in English');
  assert.equal(await field(page, 'pattern.amount').inputValue(), '40x', 'what was typed stays');
  assert.equal(await field(page, 'pattern.amount').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('[data-ref="visitRows"] > tr').count(), visits, 'the visits are untouched');
  session.assertClean();
});

test('a source title in the other language is marked as such, for the eye and for a screen reader', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  // Qiannan's sources have English titles only: the pharmacy ratio's hint on the Chinese page, and
  // the figures used.
  const titles = () => page.evaluate(() =>
    [...document.querySelectorAll('.oe-figure .oe-hint span, .oe-figure-source span')].map((span) =>
      [span.getAttribute('lang'), span.textContent.slice(0, 20), span.nextSibling?.textContent ?? null]));
  const zh = await titles();
  assert.ok(zh.length >= 2, `titles in the hint and the figures used: ${JSON.stringify(zh)}`);
  for (const [lang, text, after] of zh) {
    assert.equal(lang, 'en', `${text}: read as English`);
    assert.match(after, /^（英文）/, `${text}: said to be English`);
  }
  await switchLanguage(page, 'en');
  for (const [lang, text, after] of await titles()) {
    assert.equal(lang, null, `${text}: in the page's language`);
    assert.doesNotMatch(after ?? '', /in English|英文/);
  }
  session.assertClean();
});
