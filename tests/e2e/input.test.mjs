// Bad input: the message appears next to the field, in the page's language, the field is marked
// invalid and keeps what was typed, the last result stays and nothing else changes. Pasted markup
// stays text: nothing runs and no element is made from it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import {
  buildYear, CJK, field, messageFor, readInputs, readResult, ref, replaceWithPattern, switchLanguage, visitField,
} from './steps.mjs';

const browser = useBrowser();
const AMOUNT = 'visits[3].amount';

/** The field's message and state after the page has handled the input. */
async function fieldState(page, path) {
  await settle(page);
  const input = field(page, path);
  const messages = messageFor(page, path);
  const messageTexts = await messages.allTextContents();
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  const messageIds = await messages.evaluateAll((nodes) => nodes.map((node) => node.id));
  return {
    value: await input.inputValue(),
    invalid: await input.getAttribute('aria-invalid'),
    message: messageTexts.join(' '),
    describedByMessage: messageIds.length > 0 && messageIds.every((id) => describedBy.split(/\s+/).includes(id)),
  };
}

test('a bad amount gets a message beside it and leaves everything else as it was', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  const good = await readResult(page);
  const inputs = await readInputs(page);
  const amount = visitField(page, 3, 'amount');
  const amountId = await amount.getAttribute('id');

  const cases = [
    { typed: '12x', zh: '不是数字', en: 'is not a number' },
    { typed: '-5', zh: '不能为负数', en: 'cannot be negative' },
    { typed: '1.005', zh: '最多两位小数', en: 'more than two decimals' },
  ];
  for (const { typed, zh } of cases) {
    // One input event with the whole text (typing key by key would run the valid prefixes "1", "12").
    await amount.fill(typed);
    const state = await fieldState(page, AMOUNT);
    assert.equal(state.value, typed, 'the typed text stays in the field');
    assert.equal(state.invalid, 'true', `${typed}: aria-invalid`);
    assert.match(state.message, CJK, `${typed}: the message is in Chinese: ${state.message}`);
    assert.ok(state.message.includes(zh), `${typed}: "${state.message}" says ${zh}`);
    assert.ok(state.describedByMessage, `${typed}: the input is described by its message`);
    assert.equal(await page.locator('.oe-message').count(), 1, 'one message, next to the field');

    const shown = await readResult(page);
    assert.deepEqual(shown.totals, good.totals, `${typed}: the last result stays`);
    assert.deepEqual(shown.rows, good.rows);
    assert.equal(shown.summary, good.summary);
    assert.ok(shown.stale, 'the kept result is marked as out of date');
    assert.match(shown.alert, /请修改/, 'the alert asks for a correction');
    assert.deepEqual(await readInputs(page), { ...inputs, [amountId]: typed }, 'no other input changed');
  }

  // In English the message is English, about the text still in the field.
  for (const { typed, en } of cases) {
    await amount.fill(typed);
    if (typed === cases[0].typed) await switchLanguage(page, 'en');
    const state = await fieldState(page, AMOUNT);
    assert.equal(state.value, typed);
    assert.equal(state.invalid, 'true');
    assert.ok(state.message.includes(en), `"${state.message}" says ${en}`);
    assert.doesNotMatch(state.message, CJK);
    assert.deepEqual((await readResult(page)).totals.map((e) => e.value), good.totals.map((e) => e.value));
  }
  await switchLanguage(page, 'zh');

  // Corrected, the message goes and the result is the one from before.
  await amount.fill('400.00');
  const fixed = await fieldState(page, AMOUNT);
  assert.deepEqual(fixed, { value: '400.00', invalid: null, message: '', describedByMessage: false });
  assert.equal(await amount.getAttribute('aria-describedby'), null);
  const after = await readResult(page);
  assert.deepEqual(after, good);
  assert.deepEqual(await readInputs(page), inputs);
  session.assertClean();
});

test('pasted markup is shown as text and never runs', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page, context, origin } = session;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await session.load();
  await buildYear(page);
  const good = await readResult(page);
  const elementsBefore = await page.evaluate(() => document.querySelectorAll('*').length);
  const payload = '<img src=x onerror=alert(1)>';
  const paste = async (locator) => {
    await page.evaluate((text) => navigator.clipboard.writeText(text), payload);
    await locator.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await settle(page);
  };
  const noMarkupRan = async (where) => {
    const found = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      onerror: document.querySelectorAll('[onerror]').length,
    }));
    assert.deepEqual(found, { img: 0, onerror: 0 }, `${where}: no element was made from the pasted text`);
  };

  // Into a visit's amount: an error message, the text kept as it is.
  await paste(visitField(page, 3, 'amount'));
  const state = await fieldState(page, AMOUNT);
  assert.equal(state.value, payload);
  assert.equal(state.invalid, 'true');
  assert.match(state.message, CJK);
  assert.deepEqual((await readResult(page)).totals, good.totals);
  await noMarkupRan('visit amount');
  // One element more: the message paragraph (the alert's text is a text node).
  assert.equal(await page.evaluate(() => document.querySelectorAll('*').length), elementsBefore + 1);

  // Into the pattern's amount, then generating: the pattern's own message, no visits changed.
  await paste(field(page, 'pattern.amount'));
  await ref(page, 'replaceVisits').click();
  await settle(page);
  assert.equal(await field(page, 'pattern.amount').inputValue(), payload);
  assert.match(await messageFor(page, 'pattern.amount').textContent(), CJK);
  await noMarkupRan('pattern amount');
  assert.equal(await visitField(page, 3, 'amount').inputValue(), payload, 'the visits were not replaced');

  // Into an unknown figure (Qiannan's pharmacy ratio).
  await paste(field(page, 'overrides.ratio.pharmacy'));
  assert.equal(await field(page, 'overrides.ratio.pharmacy').inputValue(), payload);
  await noMarkupRan('figure');

  // Shown again after a reload, still as text.
  await session.reload();
  assert.equal(await visitField(page, 3, 'amount').inputValue(), payload);
  assert.equal(await field(page, 'pattern.amount').inputValue(), payload);
  await noMarkupRan('after reload');
  // And the page still works: a pattern with a real amount replaces the visits.
  assert.equal(await replaceWithPattern(page, { amount: '400.00' }), 12);
  await settle(page);
  session.assertClean(); // no dialog, no request for "x", no error
});
