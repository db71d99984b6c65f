// The policy files built into the wasm, read as the page reads them: a file that does not read
// (a ratio of 70, a copied file's unchanged id) fails the build with the core's message, naming the
// file and the field, instead of showing only when the page is opened.
//
//   node scripts/check-bundle.mjs dist/pkg estimator      (scripts/build.py runs it)

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, name] = process.argv.slice(2);
const bindings = await import(pathToFileURL(resolve(dir, `${name}.js`)).href);
bindings.initSync({ module: readFileSync(resolve(dir, `${name}_bg.wasm`)) });
try {
  const policies = new bindings.Estimator().policies('en');
  console.log(`build: ${policies.length} policies read: ${policies.map((p) => p.id).join(', ')}`);
} catch (error) {
  console.error(`build: a policy file does not read: ${error.message_en ?? error.message}`);
  process.exit(1);
}
