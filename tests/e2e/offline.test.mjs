// dist/offline.html, the page in one file: opened from disk (file://) with the network off, it
// computes the same figures as `estimate`, under its own strict CSP (its inline script and style
// allowed by hash only) with no violation and no request beyond the file itself.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DIST, useBrowser, waitForEstimator } from './harness.mjs';
import { assertShows, buildEstimate, buildYear, readResult, runEstimate, scenarioOnScreen } from './steps.mjs';

const browser = useBrowser();
before(() => buildEstimate(), { timeout: 300_000 });

const OFFLINE = pathToFileURL(`${DIST}offline.html`).href;

test('offline.html is one file with its own strict CSP', async () => {
  const html = await readFile(`${DIST}offline.html`, 'utf8');
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1];
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}=' 'wasm-unsafe-eval'; style-src 'sha256-[A-Za-z0-9+/]{43}='; img-src data:$/);
});

test('opened from disk with the network off, it computes what `estimate` computes', { timeout: 40_000 }, async (t) => {
  const session = await browser.open(t, { origin: 'null' }); // a file:// page's origin
  const { page, context } = session;
  await context.setOffline(true);
  await context.route(/^(?!file:)/, (route) => route.abort('internetdisconnected'));
  await page.goto(OFFLINE);
  await waitForEstimator(page);
  assert.equal(await page.locator('script[src], link[rel="stylesheet"]').count(), 0, 'nothing comes from another file');
  await buildYear(page);
  const shown = await readResult(page);
  assert.equal(shown.alert, null);
  assertShows(shown, await runEstimate(await scenarioOnScreen(page)));

  // A link to itself opens the same figures.
  await page.goto(`${OFFLINE}#v1;p=qiannan-employee;m=retiree;d=2023;g=monthly:s:300:9;l=en`);
  await page.reload();
  await waitForEstimator(page);
  assert.match((await readResult(page)).summary, /^Total spending/);
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
  session.assertClean();
});

test('put on a web server by itself, it offers a link to itself but no code for other sites', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page, context } = session;
  // As a CMS that takes single pages would serve it: the file alone, with only its own CSP.
  const html = await readFile(`${DIST}offline.html`, 'utf8');
  await context.route('**/pages/estimator.html', (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
  await session.load('pages/estimator.html');
  await page.locator('[data-ref="share"] summary').click();
  await page.waitForFunction(() => document.querySelector('[data-ref="shareLink"]').value !== '');
  assert.match(await page.locator('[data-ref="shareLink"]').inputValue(), /\/pages\/estimator\.html#v1;/);
  assert.equal(await page.locator('[data-ref="embedCodes"]').isHidden(), true, 'no embed.html or widget.js beside it to point to');
  session.assertClean();
});
