// axe-core on the page in Chinese and English: no serious or critical violations, with the result,
// a visit's calculation, the figures used and an error message all on screen, on a wide screen and
// on a phone.
// axe is added as an init script (through the browser's debugging protocol, so the page's
// Content-Security-Policy, which allows no inline script, neither blocks it nor reports it).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AXE, settle, useBrowser } from './harness.mjs';
import { buildYear, ref, switchLanguage, visitField } from './steps.mjs';

const browser = useBrowser();

async function seriousViolations(page) {
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => ({
      id: violation.id, impact: violation.impact, help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}

for (const lang of ['zh', 'en']) {
  test(`no serious or critical axe violations (${lang})`, { timeout: 30_000 }, async (t) => {
    const session = await browser.open(t, { initScripts: [{ path: AXE }] });
    const { page } = session;
    await session.load();
    assert.equal(await page.evaluate(() => typeof window.axe?.run), 'function', 'axe is on the page');
    await buildYear(page);
    if (lang === 'en') await switchLanguage(page, 'en');

    // Open what is closed by default: a visit's calculation, the figures used, the what-if figures,
    // the share panel.
    await ref(page, 'resultRows').locator('.oe-expand').first().click();
    await page.locator('details.oe-used > summary').click();
    await ref(page, 'adjustDetails').locator('summary').click();
    await ref(page, 'share').locator('summary').click();
    await settle(page);
    assert.deepEqual(await seriousViolations(page), [], 'with the result shown');

    // With an error message beside a field and the last result kept (marked out of date).
    await visitField(page, 2, 'amount').fill('12x');
    await settle(page);
    assert.equal(await page.locator('.oe-message').count(), 1);
    assert.deepEqual(await seriousViolations(page), [], 'with an error shown');

    // On a phone: the visit editor on two lines per visit, the line of totals at the bottom.
    await page.setViewportSize({ width: 360, height: 740 });
    await settle(page);
    assert.deepEqual(await seriousViolations(page), [], 'on a phone');
    session.assertClean();
  });
}
