// A panic in the core (a bug) must not kill the estimator. With panic = "abort" a panic traps the
// wasm; the core's panic hook has wasm-bindgen start a fresh instance, and the page reports the
// failure, keeps the last result and everything entered, and carries on with a new Estimator.
// The panic is forced through the core's test-only `panicForTest`, reached through the mounted
// estimator (`root.estimator`, www/mount.js).

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { settle, useBrowser, waitForEstimator } from './harness.mjs';
import {
  assertShows, buildEstimate, buildYear, CJK, readInputs, readResult, runEstimate, scenarioOnScreen, visitField,
} from './steps.mjs';

const site = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Two widgets</title><link rel="icon" href="data:,">
<script type="module" src="widget.js"></script></head>
<body><main><h1>Two widgets</h1>
<outpatient-estimator id="a" policy="qiannan-employee" member="retiree" pattern="monthly:primary:400:15" period="2023"></outpatient-estimator>
<outpatient-estimator id="b" policy="jiangxi-employee" member="in_service" pattern="weekly:secondary:120:2" period="2023" lang="en"></outpatient-estimator>
</main></body></html>
`;

const browser = useBrowser({ files: { 'site.html': site } });
before(() => buildEstimate(), { timeout: 300_000 });

/** Makes the core panic inside the estimator whose root `selector` finds (in `host`'s shadow root). */
function panic(page, selector, host = null) {
  return page.evaluate(([rootSelector, hostSelector]) => {
    const scope = hostSelector ? document.querySelector(hostSelector).shadowRoot : document;
    scope.querySelector(rootSelector).estimator.panicForTest();
  }, [selector, host]);
}

test('after a panic the page says so, keeps everything, and computes again on a fresh instance', { timeout: 40_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  await buildYear(page);
  const before = await readResult(page);
  const inputs = await readInputs(page);
  assert.equal(before.alert, null);

  await panic(page, '[data-estimator]');
  await settle(page);
  const after = await readResult(page);
  assert.match(after.alert ?? '', CJK, 'a message in the page language');
  assert.ok(after.alert.includes('重新启动'), `the message says the calculator restarted: ${after.alert}`);
  assert.equal(after.stale, true, 'the last result stays, marked');
  assert.deepEqual(after.rows, before.rows);
  assert.deepEqual(after.totals, before.totals);
  assert.deepEqual(await readInputs(page), inputs, 'nothing entered is lost');

  // The next change runs on the fresh instance and gives exactly what `estimate` gives.
  await visitField(page, 0, 'amount').fill('900.00');
  await settle(page);
  const again = await readResult(page);
  assert.equal(again.alert, null, 'the message is gone once a calculation succeeds');
  assert.equal(again.stale, false);
  assertShows(again, await runEstimate(await scenarioOnScreen(page)));

  // A second panic recovers the same way.
  await panic(page, '[data-estimator]');
  await settle(page);
  assert.ok((await readResult(page)).alert.includes('重新启动'));
  await visitField(page, 1, 'amount').fill('950.00');
  await settle(page);
  assertShows(await readResult(page), await runEstimate(await scenarioOnScreen(page)));
  session.assertClean();
});

test('a panic in one widget leaves the other working; both go on on the fresh instance', { timeout: 40_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await page.goto(`${session.url}site.html`);
  for (const id of ['a', 'b']) await waitForEstimator(page, `#${id}`);
  const before = { a: await readResult(page, '#a'), b: await readResult(page, '#b') };

  await panic(page, '.oe', '#a');
  await settle(page);
  const a = await readResult(page, '#a');
  assert.ok(a.alert?.includes('重新启动'), `widget a reports the restart: ${a.alert}`);
  assert.deepEqual(a.rows, before.a.rows, 'widget a keeps its result');

  // Widget b shared the dead instance; its next calculation must work all the same.
  await page.evaluate(() => document.querySelector('#b').shadowRoot.querySelector('.oe').estimator.recalculate());
  const b = await readResult(page, '#b');
  assert.equal(b.alert, null, `widget b shows no error: ${b.alert}`);
  assert.deepEqual(b.totals, before.b.totals);
  await page.evaluate(() => document.querySelector('#a').shadowRoot.querySelector('.oe').estimator.recalculate());
  const recovered = await readResult(page, '#a');
  assert.equal(recovered.alert, null);
  assert.deepEqual(recovered.totals, before.a.totals);
  session.assertClean();
});

test('the panic hook makes wasm-bindgen start a fresh instance', { timeout: 20_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await session.load();
  const seen = await page.evaluate(async () => {
    const { Estimator } = await import('./pkg/estimator.js'); // the page's own module instance
    const old = new Estimator();
    let trap = null;
    try { old.panicForTest(); } catch (error) { trap = error.constructor.name; }
    const fresh = new Estimator(); // this call starts the new instance
    let stale = null;
    try { old.labels('en'); } catch (error) { stale = error.message; }
    return { trap, stale, works: fresh.labels('en').facility.length };
  });
  assert.equal(seen.trap, 'RuntimeError', 'a panic traps');
  assert.match(seen.stale ?? '', /previous Wasm instance/, 'objects of the dead instance are refused');
  assert.equal(seen.works, 4, 'the fresh instance answers');
  session.assertClean();
});
