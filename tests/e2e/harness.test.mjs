// The harness itself: every other test ends with session.assertClean(), so check that it really
// sees what it is meant to catch. Made-up misbehaviour is put into the page here; none of it is the
// page's own.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { useBrowser } from './harness.mjs';

const browser = useBrowser();

/** Polls `condition` until it holds (the browser reports its events asynchronously). */
async function until(condition, what, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await delay(20);
  }
}

test('a clean page passes and every kind of problem is caught', { timeout: 30_000 }, async (t) => {
  const session = await browser.open(t);
  const { page, problems } = session;
  await session.load();
  session.assertClean();

  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.ranInline = true';
    document.body.append(script); // blocked: the page allows no inline script
    const image = document.createElement('img');
    image.src = 'http://192.0.2.1/pixel.png'; // another origin (TEST-NET-1, never reached)
    document.body.append(image);
    const missing = document.createElement('img');
    missing.src = 'no-such-file.png';
    document.body.append(missing);
    console.error('made-up console error');
    setTimeout(() => { throw new Error('made-up uncaught error'); });
    setTimeout(() => alert('made-up dialog'));
  });
  await until(() => Object.values(problems).every((list) => list.length > 0), 'every kind of problem');

  assert.equal(await page.evaluate(() => window.ranInline), undefined, 'the inline script did not run');
  assert.ok(problems.cspViolations.some((v) => v.directive.startsWith('script-src') && v.blocked === 'inline'));
  assert.ok(problems.cspViolations.some((v) => v.directive === 'img-src' && v.blocked === 'http://192.0.2.1/pixel.png'));
  assert.ok(problems.consoleErrors.some((text) => text.includes('made-up console error')));
  assert.ok(problems.consoleErrors.some((text) => text.includes('Content Security Policy')));
  assert.ok(problems.pageErrors.some((text) => text.includes('made-up uncaught error')));
  assert.deepEqual(problems.foreignRequests, ['http://192.0.2.1/pixel.png']);
  assert.ok(problems.failedRequests.some((text) => text.includes('http://192.0.2.1/pixel.png')));
  assert.deepEqual(problems.httpErrors, [`404 ${session.url}no-such-file.png`]);
  assert.deepEqual(problems.dialogs, ['alert: made-up dialog']);
  assert.throws(() => session.assertClean(), /the page had problems/);
});
