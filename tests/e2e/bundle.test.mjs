// The built page (scripts/build.py, esbuild): dist/ holds what the pages load, not the modules of
// www/; the first load is one script, the bindings, the stylesheet and the wasm; and the bindings
// a test or the benchmark imports are the very module instance the page runs on; and the build
// checks the policy files as `estimate --check` does, before it builds anything.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
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

/** `scripts/build.py --check-policies [folder]`: its exit code and what it printed. */
async function checkPolicies(...folder) {
  const result = await promisify(execFile)('python3', ['scripts/build.py', '--check-policies', ...folder])
    .catch((error) => error);
  return { code: result.code ?? 0, stdout: result.stdout, stderr: result.stderr };
}

test('the build checks every policy file first: the bundled ones give no warning', { timeout: 120_000 }, async () => {
  const files = [...await readdir('policies'), ...(await readdir('policies/rules')).map((name) => `rules/${name}`)]
    .filter((name) => name.endsWith('.toml'));
  const { code, stdout, stderr } = await checkPolicies();
  assert.equal(code, 0, stderr);
  assert.match(stdout, new RegExp(`build: ${files.length} policy files checked, 0 warnings`));
  assert.doesNotMatch(stderr, /warning/);
});

test('the build shows a policy file\'s warnings with their lines, and stops on a file that does not read', { timeout: 120_000 }, async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'oe-policies-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const copy = (await readFile('policies/qiannan-employee.toml', 'utf8'))
    .replace('id = "qiannan-employee"', 'id = "my-region"')
    .replace('in_service = { value = "2000"', 'in_service = { value = "100"');
  const capLine = copy.split('\n').findIndex((line) => line.startsWith('in_service = { value = "100"')) + 1;
  await writeFile(join(folder, 'my-region.toml'), copy);

  const odd = await checkPolicies(folder);
  assert.equal(odd.code, 0, 'a warning does not stop the build');
  assert.match(odd.stderr, new RegExp(`my-region\\.toml:${capLine}: versions\\[0\\]\\.cap\\.in_service\\.value: the annual cap 100 is below the deductible 150`));
  assert.match(odd.stdout, /build: 1 policy file checked, 1 warning\n/);

  await writeFile(join(folder, 'broken.toml'), copy.replace('id = "my-region"', 'id = "broken"').replace('value = "0.70"', 'value = "70"'));
  const broken = await checkPolicies(folder);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.toml:\d+: versions\[0\]\.ratio\.primary\.value: .+\n/);
  assert.match(broken.stderr, /build: error: policy file .*broken\.toml does not read/);
});
