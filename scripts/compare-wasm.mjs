// Compares the core's speed in two or more builds of the wasm, in one Chromium page, their calls
// interleaved: on a machine whose speed drifts, runs of bench-page.mjs one after another differ
// more than the builds do (BENCHMARKS.md).
//
//   node scripts/compare-wasm.mjs DIR_A DIR_B [...]
//
// Each DIR holds a build's estimator.js and estimator_bg.wasm (as pkg/ or dist/pkg/ does). The
// scenarios are bench-page.mjs's 365 and 3,650 daily visits, as the page in dist/ reads them from
// their link. For each, 30 warm-up calls of `run` per build, then 300 rounds of one call per build;
// prints each build's median and its ratio to the first build's.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launch } from '../tests/e2e/harness.mjs';
import { dailyLink, median, waitForFirstResult } from './bench-common.mjs';

const WARM_UP = 30;
const ROUNDS = 300;

const dirs = process.argv.slice(2).map((dir) => resolve(dir));
if (dirs.length < 2) {
  console.error('usage: node scripts/compare-wasm.mjs DIR_A DIR_B [...]  (each with estimator.js and estimator_bg.wasm)');
  process.exit(2);
}

const site = await launch();
try {
  const context = await site.browser.newContext();
  // Build k's files are served as /compare/k/…, beside the page.
  await context.route('**/compare/*/*', async (route) => {
    const [, , k, name] = new URL(route.request().url()).pathname.split('/');
    const body = await readFile(join(dirs[Number(k)], name)).catch(() => null);
    if (!body) return route.fulfill({ status: 404 });
    return route.fulfill({ body, contentType: name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  });
  const page = await context.newPage();
  for (const days of [365, 3650]) {
    await page.goto(`${site.url}${dailyLink('2023-01-01', days)}`);
    await waitForFirstResult(page);
    const times = await page.evaluate(async ({ builds, warmUp, rounds }) => {
      const scenario = document.querySelector('[data-estimator]').estimator.scenario();
      const estimators = [];
      for (let k = 0; k < builds; k += 1) {
        const module = await import(`./compare/${k}/estimator.js`);
        await module.default({ module_or_path: `./compare/${k}/estimator_bg.wasm` });
        estimators.push(new module.Estimator());
      }
      const times = estimators.map(() => []);
      for (let i = 0; i < warmUp + rounds; i += 1) {
        estimators.forEach((estimator, k) => {
          const start = performance.now();
          estimator.run(scenario, 50);
          if (i >= warmUp) times[k].push(performance.now() - start);
        });
      }
      return times;
    }, { builds: dirs.length, warmUp: WARM_UP, rounds: ROUNDS });
    const medians = times.map(median);
    console.log(`compare-wasm: ${days} visits, the core's run, median of ${ROUNDS} interleaved`);
    dirs.forEach((dir, k) => console.log(`compare-wasm:   ${medians[k].toFixed(2)} ms  ${(medians[k] / medians[0]).toFixed(2)}x  ${dir}`));
  }
} finally {
  await site.close();
}
