// Full-page screenshots at 1280 and 360 pixels wide, in Chinese and English, written to
// tests/e2e/screenshots/ (git-ignored) for people to look at; and no sideways scrolling of the page
// at either width (wide tables and the chart scroll inside their own boxes).

import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { test } from 'node:test';
import { drawEverything, SCREENSHOTS, settle, useBrowser } from './harness.mjs';
import { addVisit, buildYear, switchLanguage, waitForResultRows } from './steps.mjs';

const browser = useBrowser();
const WIDTHS = [1280, 360];

for (const lang of ['zh', 'en']) {
  test(`screenshots in ${lang} at ${WIDTHS.join(' and ')} pixels wide`, { timeout: 30_000 }, async (t) => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const session = await browser.open(t);
    const { page } = session;
    await session.load();
    await buildYear(page);
    await addVisit(page, { date: '2023-10-09', facility: 'tertiary', amount: '5000.00' });
    await waitForResultRows(page, 13);
    if (lang === 'en') await switchLanguage(page, 'en');
    // As a reader would first see it: no focus ring on the last input, tables scrolled to the top.
    await page.evaluate(() => {
      document.activeElement?.blur();
      for (const box of document.querySelectorAll('.oe-scroll')) box.scrollTop = 0;
    });

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await settle(page);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(scrollWidth <= width, `no sideways scrolling at ${width}: the page is ${scrollWidth} wide`);
      assert.ok(clientWidth <= width);
      await drawEverything(page);
      const path = `${SCREENSHOTS}${lang}-${width}.png`;
      await page.screenshot({ path, fullPage: true, animations: 'disabled' });
      assert.ok((await stat(path)).size > 10_000, `${path} was written`);
    }
    session.assertClean();
  });
}
