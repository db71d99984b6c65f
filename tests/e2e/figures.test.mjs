// A figure the policy leaves unknown: Qiannan gives no ratio for pharmacies, so pharmacy visits
// need the user's figure. The page asks for it with a labelled input; once given, the result appears
// (the same as `estimate` with that override) and the figure is marked as the user's.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import {
  assertShows, buildEstimate, chooseScheme, field, messageFor, PERIOD, readResult, ref, replaceWithPattern, runEstimate,
  scenarioOnScreen, setPeriod, storedScenario, waitForResultRows,
} from './steps.mjs';

const browser = useBrowser();
before(() => buildEstimate(), { timeout: 300_000 });

test('an unknown figure is asked for, and the answer is used and marked as the user\'s', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await chooseScheme(page, 'qiannan-employee', 'in_service');
  await setPeriod(page, PERIOD);
  await replaceWithPattern(page, { facility: 'pharmacy', amount: '200.00', day: 15 });

  // The page asks for the pharmacy ratio, with a label, a hint and a message beside it.
  const input = field(page, 'overrides.ratio.pharmacy');
  await input.waitFor({ state: 'visible' });
  const wrapper = page.locator('[data-ref="unknownFigures"] [data-figure="ratio.pharmacy"]');
  assert.equal(await wrapper.count(), 1, 'the input is among the unknown figures');
  const label = await input.evaluate((node) => [...node.labels].map((l) => l.textContent).join(' '));
  assert.match(label, /药店/, `labelled as the pharmacy ratio: ${label}`);
  assert.equal(await page.getByLabel(label, { exact: true }).getAttribute('data-override'), 'ratio.pharmacy');
  assert.equal(await input.inputValue(), '');
  assert.equal(await wrapper.locator('.oe-badge-unknown').textContent(), '未知');
  const message = messageFor(page, 'overrides.ratio.pharmacy');
  assert.equal(await message.count(), 1, 'a message beside the input');
  assert.match(await message.getAttribute('class'), /oe-needed/);
  const messageId = await message.getAttribute('id');
  const describedWhileAsking = (await input.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedWhileAsking.includes(messageId) && describedWhileAsking.length > 1, `described by its hints and the message: ${describedWhileAsking}`);
  const asking = await readResult(page);
  assert.match(asking.alert, /还缺一个数字/);
  assert.ok(asking.rows.every((row) => row.facility !== '药店'), 'no pharmacy result yet');

  await input.fill('0.70');
  await waitForResultRows(page, 12);
  await settle(page);
  const shown = await readResult(page);
  assert.equal(shown.alert, null, 'the message is gone');
  assert.equal(shown.stale, false);
  assert.ok(shown.rows.every((row) => row.facility === '药店' && row.ratio === '70%'), 'every visit at 70%');
  assert.equal(await message.count(), 0);
  assert.equal(await input.getAttribute('aria-invalid'), null);
  assert.deepEqual((await input.getAttribute('aria-describedby')).split(' '), describedWhileAsking.filter((id) => id !== messageId),
    'described by its hints again');

  // The figure is the user's: in the input's badge, on every row, and in the figures used.
  assert.equal(await wrapper.locator('.oe-badge-user').textContent(), '您的数字');
  assert.equal(await wrapper.locator('.oe-badge-unknown').count(), 0);
  assert.ok(shown.rows.every((row) => row.flags.includes('user')), 'each row flags the user\'s figure');
  await page.locator('details.oe-used > summary').click();
  const used = page.locator('[data-ref="usedFigures"] li', { hasText: '70%' });
  assert.equal(await used.locator('.oe-badge-user').count(), 1, 'listed among the figures used as the user\'s');

  // The same as `estimate` with the override.
  const scenario = await scenarioOnScreen(page);
  assert.deepEqual(scenario.overrides, { 'ratio.pharmacy': '0.70' });
  assert.deepEqual(scenario, await storedScenario(page));
  const outcome = await runEstimate(scenario);
  assert.ok(outcome.figures.some((f) => f.key === 'ratio.pharmacy' && f.status === 'user' && f.overridden && Number(f.value) === 0.7));
  assertShows(shown, outcome);
  session.assertClean();
});

// Several unknown figures are asked for at once rather than one per try: Jiangxi gives no cap for
// flexible employment in either version (one input, the same in both) nor a pharmacy ratio before
// July (an input per version, the form's ratios differing).
test('every figure a scenario still needs is asked for at once, each at its own input', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=flexible;d=2023;l=en;v=2023-03-15:p:900,2023-04-15:rx:90,2023-08-15:p:900');
  await ref(page, 'alert').waitFor({ state: 'visible' });
  const needed = ['cap.flexible', 'ratio.pharmacy@2023-01-01'];
  for (const key of needed) {
    const message = messageFor(page, `overrides.${key}`);
    assert.equal(await message.count(), 1, `${key}: a message beside its input`);
    assert.match(await message.textContent(), /the policy does not give/, key);
    assert.doesNotMatch(await message.textContent(), /also needed/, `${key}: its own message only`);
    assert.match(await message.getAttribute('class'), /oe-needed/, key);
    assert.ok((await field(page, `overrides.${key}`).getAttribute('aria-describedby')).includes(await message.getAttribute('id')), key);
  }
  // The version is named where the form asks per version, and not for the cap it asks once.
  const labelOf = (key) => field(page, `overrides.${key}`).evaluate((input) => input.labels[0].textContent);
  assert.equal(await labelOf('ratio.pharmacy@2023-01-01'), 'Fund ratio: designated retail pharmacy (from 2023-01-01)');
  assert.equal(await labelOf('cap.flexible'), 'Annual cap (yuan): flexible employment');
  assert.match(await messageFor(page, 'overrides.ratio.pharmacy@2023-01-01').textContent(), /\(version from 2023-01-01\)/);
  assert.doesNotMatch(await messageFor(page, 'overrides.cap.flexible').textContent(), /version/);
  assert.equal(await messageFor(page, 'overrides.ratio.pharmacy@2023-07-01').count(), 0, 'July\'s pharmacy ratio is known');
  assert.match((await readResult(page)).alert, /2 figures are still needed; each is marked in the form/);
  // No result yet: the message, without an empty table, greyed downloads or the chart's caption under it.
  assert.equal(await ref(page, 'resultBody').isHidden(), true, 'nothing under the message before a first result');
  await ref(page, 'alertButton').click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), `overrides.${needed[0]}`, 'the button goes to the first');

  // Entered one by one, each takes its message away, and the last brings the result.
  for (const [i, key] of needed.entries()) {
    await field(page, `overrides.${key}`).fill(key.startsWith('cap') ? '3000' : '0.8');
    await settle(page);
    const left = needed.slice(i + 1);
    for (const other of needed) {
      assert.equal(await messageFor(page, `overrides.${other}`).count(), left.includes(other) ? 1 : 0, `after ${key}: ${other}`);
    }
  }
  const shown = await readResult(page);
  assert.equal(shown.alert, null);
  assert.equal(await ref(page, 'resultBody').isVisible(), true, 'the result, once there is one');
  assertShows(shown, await runEstimate(await scenarioOnScreen(page)));
  session.assertClean();
});

test('typing the policy\'s own figure, in any of its spellings, is no what-if', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await chooseScheme(page, 'qiannan-employee', 'in_service');
  const before = await readResult(page);
  await ref(page, 'adjustDetails').locator('summary').click();
  const input = field(page, 'overrides.ratio.primary');
  const wrapper = page.locator('[data-ref="adjustFigures"] [data-figure="ratio.primary"]');
  for (const same of ['0.70', '70%', ' 0.7000 ', '70 %']) {
    await input.fill(same);
    await settle(page);
    assert.equal(await wrapper.locator('.oe-badge-user').count(), 0, `${JSON.stringify(same)}: not marked as the user's`);
    assert.deepEqual((await storedScenario(page)).overrides ?? {}, {}, `${JSON.stringify(same)}: no override kept`);
    assert.deepEqual(await readResult(page), before, `${JSON.stringify(same)}: the policy's result`);
  }
  await input.fill('0.71');
  await settle(page);
  assert.equal(await wrapper.locator('.oe-badge-user').textContent(), '您的数字', 'another figure is the user\'s');
  assert.deepEqual((await storedScenario(page)).overrides, { 'ratio.primary': '0.71' });
  session.assertClean();
});

// A link, or a story's widget, may give a what-if under its plain key for a policy with several
// versions, which the core applies to each; the form keeps it per version. It must show what counts.
test('a what-if given under its plain key shows in each version\'s field, and counts as shown', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=in_service;d=2023;l=en;o=ratio.primary:0.8,ratio.primary@2023-07-01:0.9;v=2023-03-15:p:900,2023-08-15:p:900');
  for (const [version, value] of [['2023-01-01', '0.8'], ['2023-07-01', '0.9']]) {
    const key = `ratio.primary@${version}`;
    assert.equal(await field(page, `overrides.${key}`).inputValue(), value, `${key}: the link's figure, the version's own winning`);
    assert.equal(await page.locator(`[data-figure="${key}"]`).evaluate((w) => w.classList.contains('oe-user')), true, `${key}: marked as the user's`);
  }
  const scenario = await scenarioOnScreen(page);
  assert.deepEqual(scenario.overrides, { 'ratio.primary@2023-01-01': '0.8', 'ratio.primary@2023-07-01': '0.9' });
  // What the page shows is what `estimate` makes of the link's own overrides.
  assertShows(await readResult(page), await runEstimate({ ...scenario, overrides: { 'ratio.primary': '0.8', 'ratio.primary@2023-07-01': '0.9' } }));

  // A key scoped to a policy's only version is its plain key there.
  await session.load('#v1;p=qiannan-employee;m=in_service;d=2023;l=en;o=ratio.primary@2022-09-01:0.8;v=2023-03-15:p:900');
  assert.equal(await field(page, 'overrides.ratio.primary').inputValue(), '0.8');
  assert.deepEqual((await scenarioOnScreen(page)).overrides, { 'ratio.primary': '0.8' });
  session.assertClean();
});

// A policy's figures are kept sorted by key, which would put the pharmacy's ratio before the
// primary's and the adjustment before the cap: the form and the figures used follow the rules.
test('the figures come in reading order, in the form and among the figures used', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=hunan-employee;m=retiree;d=2023;l=en;o=deductible:100,ratio.primary:0.8,ratio.pharmacy:0.7,cap.retiree:3000;v=2023-03-15:p:900,2023-04-15:rx:90');
  await waitForResultRows(page, 2);
  const keys = (scope) => ref(page, scope).locator('[data-figure]').evaluateAll((nodes) => nodes.map((n) => n.dataset.figure));
  assert.deepEqual([...await keys('unknownFigures'), ...await keys('adjustFigures')], [
    'deductible', 'ratio.primary', 'ratio.secondary', 'ratio.tertiary', 'ratio.pharmacy', 'cap.retiree', 'adjustment.retiree@2023-01-01',
  ]);
  await page.locator('details.oe-used > summary').click();
  const used = await ref(page, 'usedFigures').locator('.oe-figure-name').allTextContents();
  assert.deepEqual(used, [
    'Deductible (yuan a year)', 'Fund ratio: primary (incl. community, township and village clinics)',
    'Fund ratio: designated retail pharmacy', 'Annual cap (yuan): retiree', 'Ratio adjustment (points): retiree',
  ]);

  // With two versions each figure names its version, as the form's labels do (in Chinese, within
  // full-width brackets), the versions of a figure one after the other.
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023;l=zh;o=ratio.pharmacy@2023-01-01:0.6;v=2023-03-15:p:900,2023-08-15:s:900');
  await waitForResultRows(page, 2);
  await page.locator('details.oe-used > summary').click();
  const names = await ref(page, 'usedFigures').locator('.oe-figure-name').allTextContents();
  assert.deepEqual(names.slice(0, 2), ['起付线（元/年）（2023-01-01起）', '起付线（元/年）（2023-07-01起）']);
  assert.equal(names.at(-1), '比例调整（百分点）：退休人员（2023-07-01起）');
  session.assertClean();
});
