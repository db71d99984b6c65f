// Links: the "share and embed" panel gives a link that reproduces the same figures in a fresh
// browser, the iframe code and the widget code (as text); a link wins over the remembered scenario;
// a malformed or hostile link shows a message in the page's language and the remembered scenario
// (or the example), never a broken page; a link pasted while the page is open is opened too.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { settle, useBrowser } from './harness.mjs';
import {
  addVisit, assertShows, buildEstimate, buildYear, field, readResult, ref, ROW_LIMIT, runEstimate, scenarioOnScreen,
  chooseScheme, showAllRows, storedState, switchLanguage, waitForResultRows,
} from './steps.mjs';

const browser = useBrowser();
before(() => buildEstimate(), { timeout: 300_000 });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:";

/** The share panel's three texts, once opening it has written them (its toggle event comes after). */
async function shareTexts(page) {
  await ref(page, 'share').locator('summary').click();
  await page.waitForFunction(() => document.querySelector('[data-ref="shareLink"]').value !== '');
  return {
    link: await ref(page, 'shareLink').inputValue(),
    iframe: await ref(page, 'shareIframe').inputValue(),
    element: await ref(page, 'shareElement').inputValue(),
  };
}

test('a shared link shows the same figures in a fresh browser', { timeout: 40_000 }, async (t) => {
  const first = await browser.open(t);
  const response = await first.load();
  assert.equal(response.headers()['content-security-policy'], CSP, 'served with the page\'s CSP header');
  await buildYear(first.page);
  await addVisit(first.page, { date: '2024-02-29', facility: 'pharmacy', amount: '880.80', out_of_scope: '80.00' });
  await field(first.page, 'overrides.ratio.pharmacy').fill('70%');
  await switchLanguage(first.page, 'en');
  await waitForResultRows(first.page, 13);
  const shown = await readResult(first.page);
  assert.equal(shown.alert, null);

  const { link, iframe, element } = await shareTexts(first.page);
  const fragment = link.slice(link.indexOf('#') + 1);
  assert.ok(link.startsWith(first.url + '#v1;p=qiannan-employee;m=retiree;d=2023-07-01~2024-06-30;l=en;o=ratio.pharmacy:0.7;v=2023-07-15:p:400,'), link);
  assert.ok(link.endsWith(',2024-02-29:rx:880.8:80'), link);
  assert.equal(iframe, `<iframe src="${first.url}embed.html#${fragment}" title="Outpatient pooling benefit estimator" width="100%" height="720" loading="lazy"></iframe>`);
  assert.equal(element, `<script type="module" src="${first.url}widget.js"></script>\n<outpatient-estimator scenario="${fragment}"></outpatient-estimator>`);
  await first.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: first.origin });
  await ref(first.page, 'share').locator('[data-copy="shareLink"]').click();
  await ref(first.page, 'copyStatus').filter({ hasText: 'Copied.' }).waitFor();
  assert.equal(await first.page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard');
  first.assertClean();

  const second = await browser.open(t);
  await second.load(link);
  assert.deepEqual(await readResult(second.page), shown, 'the same result, in the same language');
  assert.equal(await second.page.evaluate(() => location.hash), '', 'the link is taken out of the address once opened');
  const scenario = await scenarioOnScreen(second.page);
  assertShows(await readResult(second.page), await runEstimate(scenario));
  // Remembered like any other scenario: a reload keeps it.
  await second.reload();
  assert.deepEqual(await readResult(second.page), shown);
  second.assertClean();
});

test('the panel opened again after an edit shows the new link at once, never the one before', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  const { link } = await shareTexts(page);
  await ref(page, 'share').locator('summary').click(); // closed
  await field(page, 'visits[0].amount').fill('123.45');
  await page.waitForFunction(() => document.querySelector('[data-ref="summary"]')?.textContent.includes('4,523.45'));
  // Read in the same task as the click that opens the panel: what a reader sees in its first frame.
  const shownAtOnce = await page.evaluate(() => {
    document.querySelector('[data-ref="share"] summary').click();
    return document.querySelector('[data-ref="shareLink"]').value;
  });
  assert.notEqual(shownAtOnce, link, 'not the link of the scenario before the edit');
  assert.ok(shownAtOnce.includes(':123.45'), shownAtOnce);
  session.assertClean();
});

test('a link wins over the remembered scenario, and a new one opens without a reload', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  await session.load('#v1;p=jiangxi-employee;m=in_service;d=2023;g=weekly:s:120:2;l=en');
  assert.equal(await ref(page, 'policy').inputValue(), 'jiangxi-employee');
  assert.equal(await ref(page, 'start').inputValue(), '2023-01-01');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await waitForResultRows(page, ROW_LIMIT);
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
  await showAllRows(page);
  await waitForResultRows(page, 52);
  const all = await readResult(page);
  assert.equal(all.rows.length, 52);
  assertShows(all, await runEstimate(await scenarioOnScreen(page)));

  await page.evaluate(() => { location.hash = 'v1;p=qiannan-employee;m=retiree;d=2023;g=monthly:t:1000:3'; });
  await waitForResultRows(page, 12);
  assert.equal(await ref(page, 'policy').inputValue(), 'qiannan-employee');
  assert.equal(await page.evaluate(() => location.hash), '');
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
  session.assertClean();
});

const BROKEN_LINKS = {
  'a later format': ['#v2;p=qiannan-employee;m=retiree', /链接格式“v2”无法识别/],
  // The part of the link by the form's name for it, not the core's path (fragment.v[0].amount).
  'a bad amount': ['#v1;p=qiannan-employee;m=retiree;v=2023-03-15:p:12x', /（“第1条 费用（元）”：不是数字/],
  // A figure by its label; a member category with the ones the link's policy has.
  'a ratio above 100%': ['#v1;p=qiannan-employee;m=retiree;o=ratio.primary:1.5', /（“支付比例：一级及以下（含社区、乡镇、村卫生室）”：比例必须在 0 到 1 之间/],
  'a member category that does not exist': ['#v1;p=qiannan-employee;m=bogus', /（“人员类别”：“bogus”不是可选值（可选：in_service, retiree, flexible））/],
  'HTML': ['#v1;<img src=x onerror=alert(1)><script>alert(2)</script>', /链接中不能出现的字符/],
  'a broken escape': ['#v1;p=%zz;m=retiree', /（“地区与险种”：/],
  'an escaped tag': ['#v1;p=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E;m=retiree', /<img src=x onerror=alert\(1\)>/],
  'a huge link': ['#v1;p=qiannan-employee;m=retiree;v=' + '2023-03-15:p:1,'.repeat(5000), /65536/],
};

test('a malformed or hostile link shows a message and the example', { timeout: 60_000 }, async (t) => {
  const plain = await browser.open(t);
  await plain.load();
  const example = await scenarioOnScreen(plain.page);
  const exampleResult = await readResult(plain.page);
  assert.equal(await ref(plain.page, 'notice').isHidden(), true, 'no message without a link');

  for (const [what, [hash, mentions]] of Object.entries(BROKEN_LINKS)) {
    const session = await browser.open(t);
    const { page } = session;
    await session.load(hash);
    const notice = ref(page, 'notice');
    assert.equal(await notice.isVisible(), true, `${what}: a message`);
    const message = await ref(page, 'noticeText').textContent();
    assert.match(message, /^无法打开给定的估算（.*），下面显示的是示例。$/, `${what}: in Chinese, the page's language`);
    assert.match(message, mentions, what);
    assert.equal(await notice.locator('img, script').count(), 0, `${what}: the message is text`);
    assert.deepEqual(await scenarioOnScreen(page), example, `${what}: the example`);
    assert.deepEqual(await readResult(page), exampleResult, `${what}: the example's figures`);
    await ref(page, 'noticeClose').click();
    assert.equal(await notice.isHidden(), true, `${what}: the message can be dismissed`);
    session.assertClean();
  }
});

test('a broken link opened afresh keeps the remembered scenario, and does not save the example over it', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await chooseScheme(page, 'jiangxi-employee', 'retiree');
  const mine = await scenarioOnScreen(page);
  assert.equal((await storedState(page)).policy, 'jiangxi-employee', 'remembered');

  await page.goto('about:blank');
  await session.load('#v1;p=qiannan-employee;m=retiree;d=2025-07-01~2026-06-3'); // a link cut short
  assert.equal(await ref(page, 'noticeText').textContent(),
    '无法打开给定的估算（“结束日期”：不是日期：请写成 年-月-日，例如 2023-03-15），下面仍是您原来的估算。');
  assert.deepEqual(await scenarioOnScreen(page), mine, 'the remembered scenario, not the example');

  await page.goto('about:blank');
  await session.load();
  assert.deepEqual(await scenarioOnScreen(page), mine, 'and it is still remembered');
  session.assertClean();
});

test('the message follows the language the page is in', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await switchLanguage(page, 'en');
  await session.load('#v1;p=atlantis;m=retiree');
  // The page was open, so the broken link changes nothing: the estimate on screen stays.
  assert.equal(await ref(page, 'noticeText').textContent(),
    'The estimate given could not be opened (“Region and scheme”: no policy has the id "atlantis"); the estimate on screen is unchanged.');
  await switchLanguage(page, 'zh');
  assert.equal(await ref(page, 'noticeText').textContent(), '无法打开给定的估算（“地区与险种”：没有编号为“atlantis”的政策），页面上的估算没有改变。');
  assert.equal((await storedState(page, 'localStorage')).policy,
    await ref(page, 'policy').inputValue(), 'what is on screen is what is remembered');
  session.assertClean();
});

test('a link that cannot be read is still explained in the language it asks for', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=atlantis;m=retiree;l=EN');
  assert.equal(await ref(page, 'noticeText').textContent(),
    'The estimate given could not be opened (“Region and scheme”: no policy has the id "atlantis"); the example is shown instead.');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the whole page is in English');
  assert.equal((await storedState(page)).lang, 'en', 'and remembered so');
  // While the page is open, a broken link changes nothing but its language.
  const mine = await scenarioOnScreen(page);
  await session.load('#v1;p=qiannan-employee;m=retiree;l=zh;v=2023-03-15:p:12x');
  assert.equal(await ref(page, 'noticeText').textContent(),
    '无法打开给定的估算（“第1条 费用（元）”：不是数字（应写成例如 1200.50）），页面上的估算没有改变。');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.deepEqual(await scenarioOnScreen(page), { ...mine, lang: 'zh' }, 'the scenario on screen stays, in Chinese');
  session.assertClean();
});

test('a link whose visits come from a pattern shows that pattern in the pattern form', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=qiannan-employee;m=retiree;d=2023;l=en;o=ratio.pharmacy:0.6;g=weekly:rx:60:3:10');
  const pattern = await page.locator('[data-pattern]').evaluateAll((inputs) => Object.fromEntries(inputs.map((i) => [i.dataset.pattern, i.value])));
  assert.deepEqual({ kind: pattern.kind, facility: pattern.facility, amount: pattern.amount, weekday: pattern.weekday, out_of_scope: pattern.out_of_scope },
    { kind: 'weekly', facility: 'pharmacy', amount: '60', weekday: '3', out_of_scope: '10' });
  // So the form makes the link's visits again: the same list, not the example's pattern.
  const visits = (await scenarioOnScreen(page)).visits;
  await ref(page, 'replaceVisits').click();
  await settle(page);
  assert.deepEqual((await scenarioOnScreen(page)).visits, visits);
  // A link that lists its visits has no pattern: the form offers the example's.
  await session.load('#v1;p=qiannan-employee;m=retiree;d=2023;l=en;v=2023-03-15:p:300');
  assert.equal(await field(page, 'pattern.kind').inputValue(), 'monthly');
  session.assertClean();
});

test('before any result, the share panel offers the scenario on screen, or says there is nothing to share', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // A pharmacy visit under Qiannan waits for the pharmacy ratio: no result yet after a reload.
  await session.load('#v1;p=qiannan-employee;m=in_service;d=2023;v=2023-03-15:rx:300');
  await session.reload();
  assert.match((await readResult(page)).alert, /还缺一个数字/);
  const { link } = await shareTexts(page);
  assert.ok(link.endsWith('#v1;p=qiannan-employee;m=in_service;d=2023-01-01~2023-12-31;l=zh;v=2023-03-15:rx:300'), link);
  assert.equal(await ref(page, 'copyStatus').textContent(), '');

  // An amount that cannot be read cannot go in a link either.
  await field(page, 'visits[0].amount').fill('3x0');
  await session.reload();
  await ref(page, 'share').locator('summary').click();
  await page.waitForFunction(() => document.querySelector('[data-ref="copyStatus"]').textContent !== '');
  assert.equal(await ref(page, 'copyStatus').textContent(), '还没有可分享的估算：请先改正上面标出的错误。');
  assert.equal(await ref(page, 'shareLink').inputValue(), '');
  assert.deepEqual(await ref(page, 'share').locator('[data-copy]').evaluateAll((buttons) => buttons.map((b) => b.disabled)),
    [true, true, true], 'nothing to copy');
  session.assertClean();
});

test('a fragment that is not a link is left alone; a link with something after it, or a trailing ";", opens', { timeout: 40_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  // A site template's "back to top" or a skip link: no message, the page as it was, the fragment kept.
  for (const hash of ['#top', '#main', '#/']) {
    await session.load(hash);
    assert.equal(await ref(page, 'notice').isHidden(), true, `${hash}: no message`);
    assert.equal((await readResult(page)).alert, null);
    assert.equal(await page.evaluate(() => location.hash), hash, `${hash}: left in the address`);
  }
  await page.evaluate(() => { location.hash = 'top'; });
  await settle(page);
  assert.equal(await ref(page, 'notice').isHidden(), true, 'nor when the fragment changes to one');

  // A tracker's "#rd" after the link, and a ";" left at its end.
  for (const hash of ['#v1;p=jiangxi-employee;m=retiree;d=2023;g=monthly:p:300:5#rd', '#v1;p=jiangxi-employee;m=retiree;d=2023;g=monthly:p:300:5;']) {
    await page.goto('about:blank');
    await session.load(hash);
    assert.equal(await ref(page, 'notice').isHidden(), true, `${hash}: opens`);
    assert.equal(await ref(page, 'policy').inputValue(), 'jiangxi-employee');
  }
  session.assertClean();
});

test('Back and Forward go between the links opened in a tab', { timeout: 40_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load('#v1;p=jiangxi-employee;m=retiree;d=2023;g=monthly:p:300:5');
  await page.evaluate(() => { location.hash = 'v1;p=qiannan-employee;m=in_service;d=2023;g=monthly:p:300:5'; });
  await page.waitForFunction(() => document.querySelector('[data-ref="member"]').value === 'in_service');
  assert.equal(await page.evaluate(() => location.hash), '', 'the address no longer needs the fragment');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-ref="policy"]').value === 'jiangxi-employee');
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('[data-ref="policy"]').value === 'qiannan-employee');
  session.assertClean();
});

test('a scenario too large for a link says so instead of offering a link that would not open', { timeout: 60_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  // Fifteen years of daily visits (5,479): within the visit limit, but about 90 KB as a link.
  await page.evaluate(() => {
    const { estimator } = document.querySelector('[data-estimator]');
    const day = new Date('2010-01-01T00:00:00Z');
    estimator.state.period = { start: '2010-01-01', end: '2024-12-31' };
    estimator.state.visits = [];
    while (day.getUTCFullYear() < 2025) {
      estimator.state.visits.push({ date: day.toISOString().slice(0, 10), facility: 'primary', amount: '123.45', out_of_scope: '0.00' });
      day.setUTCDate(day.getUTCDate() + 1);
    }
    estimator.recalculate();
  });
  await ref(page, 'share').locator('summary').click();
  await page.waitForFunction(() => document.querySelector('[data-ref="copyStatus"]').textContent !== '');
  assert.equal(await ref(page, 'copyStatus').textContent(), '就诊记录太多，无法写进一个链接（链接最多 64 KB）。可以下载逐次明细（CSV），或减少就诊次数。');
  assert.equal(await ref(page, 'shareLink').inputValue(), '');
  assert.equal((await readResult(page)).alert, null, 'the estimate itself is fine');
  session.assertClean();
});

// A link opened while a visit's amount still holds an edit (focus in it): replacing the rows blurs
// that input, and its late `change` must not write the old value into the link's visit of the same
// row, nor throw where the link has fewer rows.
test('a link opened while a visit field is being edited gives the link\'s figures', { timeout: 30_000 }, async (t) => {
  for (const row of [0, 5]) {
    const session = await browser.open(t);
    const { page } = session;
    const amounts = () => page.evaluate(() => document.querySelector('[data-estimator]').estimator.state.visits.map((v) => v.amount));
    await session.load();
    await page.fill(`[data-field="visits[${row}].amount"]`, '777.77');
    await settle(page);
    await page.evaluate(() => { location.hash = 'v1;p=qiannan-employee;m=retiree;d=2023;l=zh;v=2023-03-15:p:400'; });
    await waitForResultRows(page, 1);
    await settle(page);
    assert.deepEqual(await amounts(), ['400'], `row ${row}: the link's amount`);
    assert.equal(await page.locator('[data-field="visits[0].amount"]').inputValue(), '400');
    assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
    session.assertClean();
  }
});
