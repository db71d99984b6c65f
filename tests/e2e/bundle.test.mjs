// The built page (scripts/build.py, esbuild): dist/ holds what the pages load, not the modules of
// www/; the first load is one script, the bindings, the stylesheet and the wasm; and the bindings
// a test or the benchmark imports are the very module instance the page runs on.

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { DIST, useBrowser } from './harness.mjs';

const browser = useBrowser();

test('dist/ holds the bundles, not the modules they are made of', async () => {
  const files = (await readdir(DIST, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`.slice(DIST.length).replace(/^\//, ''))
    .sort();
  assert.deepEqual(files, [
    'app.js', 'embed.html', 'embed.js', 'index.html', 'offline.html',
    'pkg/estimator.js', 'pkg/estimator_bg.wasm', 'style.css', 'widget.js',
  ]);
});

test('the first load fetches one script besides the bindings, and imports reach the page\'s own bindings', { timeout: 20_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await session.load();
  assert.deepEqual(fetched.sort(), ['/', '/app.js', '/pkg/estimator.js', '/pkg/estimator_bg.wasm', '/style.css']);

  // Without init(): only the instance the page has initialised can make an Estimator.
  const labels = await page.evaluate(async () => {
    const { Estimator } = await import('./pkg/estimator.js');
    return new Estimator().labels('en').facility.length;
  });
  assert.equal(labels, 4);
  assert.equal(fetched.length, 5, 'the import fetched nothing more');
  session.assertClean();
});
