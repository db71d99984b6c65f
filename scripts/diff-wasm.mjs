// Checks that two builds of the wasm give the same outputs: the same calls on both, in Node, every
// result and every error compared as JSON. For a change meant to leave the outputs alone (a size or
// speed step), run it on copies of dist/pkg before and after (BENCHMARKS.md).
//
//   node scripts/diff-wasm.mjs DIR_A DIR_B [SCENARIOS]
//
// Each DIR holds a build's estimator.js and estimator_bg.wasm. SCENARIOS (default 2,000) random
// scenarios, the same ones on every run (a fixed seed): each bundled policy and member, every
// settlement, up to 40 visits in a period of up to three years, the policy's unknown figures
// filled in nine times in ten, and a few broken amounts, dates outside the period and unknown
// overrides, so that errors are compared too. For each: `run` at 640 and 320 pixels, `explain` of
// one visit, and `encodeFragment` then `decodeFragment`; before them, `policies` and `labels` in
// both languages. Exits 1 when any output differs, printing the first few.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [dirA, dirB, count = '2000'] = process.argv.slice(2);
if (!dirB) {
  console.error('usage: node scripts/diff-wasm.mjs DIR_A DIR_B [SCENARIOS]  (each with estimator.js and estimator_bg.wasm)');
  process.exit(2);
}

async function load(dir) {
  const bindings = await import(resolve(dir, 'estimator.js'));
  bindings.initSync({ module: readFileSync(resolve(dir, 'estimator_bg.wasm')) });
  return new bindings.Estimator();
}
const builds = [await load(dirA), await load(dirB)];

// A fixed linear congruential sequence: the same scenarios on every run and for both builds.
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (items) => items[Math.floor(random() * items.length)];
const chance = (p) => random() < p;

let compared = 0;
let errors = 0;
let differing = 0;
function compare(label, call) {
  const [a, b] = builds.map((estimator) => {
    try {
      return JSON.stringify(call(estimator));
    } catch (error) {
      return `error ${error?.field ?? ''}: ${error?.message ?? error}`;
    }
  });
  compared += 1;
  if (a.startsWith('error ')) errors += 1;
  if (a !== b) {
    differing += 1;
    if (differing <= 5) console.log(`diff-wasm: ${label} differs\n  A ${a.slice(0, 400)}\n  B ${b.slice(0, 400)}`);
  }
}

for (const lang of ['zh', 'en']) {
  compare(`policies(${lang})`, (e) => e.policies(lang));
  compare(`labels(${lang})`, (e) => e.labels(lang));
}

const day = (n) => new Date(Date.UTC(2021, 0, 1) + n * 864e5).toISOString().slice(0, 10);
const amount = () => (chance(0.003) ? pick(['1e3', '-5', 'abc', '']) : pick(['0', '0.01', '12.5', '80.00', '150', '400.00', '999.99', '5000', '12000.00']));
const isRatio = (key) => /^(ratio|adjustment|out_of_area)\./.test(key);
const figure = (key) => (isRatio(key) ? pick(['0.5', '0.98', '0.05', '0', '-0.1']) : pick(['100', '2000', '0', '350.50']));

const policies = builds[0].policies('en');
for (let i = 0; i < Number(count); i++) {
  const policy = pick(policies);
  const from = 700 + Math.floor(random() * 900);
  const days = 30 + Math.floor(random() * 1100);
  const visits = Array.from({ length: Math.floor(random() * 40) }, () => {
    const visit = {
      date: day(from + Math.floor(random() * (chance(0.01) ? days + 50 : days))),
      facility: pick(['primary', 'secondary', 'tertiary', 'pharmacy']),
      amount: amount(),
    };
    if (chance(0.3)) visit.out_of_scope = chance(0.01) ? '99999' : pick(['0', '0.00', visit.amount]);
    return visit;
  });

  const overrides = {};
  if (chance(0.9)) {
    for (const version of policy.versions) {
      for (const f of version.figures) {
        if (f.value !== null || f.same_as !== null) continue;
        overrides[`${f.key}@${version.start}`] = f.key.endsWith('multiple') ? '2' : figure(f.key).replace('-', '');
      }
    }
  }
  const keys = policy.versions.flatMap((v) => v.figures.map((f) => f.key)).filter((key) => !key.endsWith('multiple'));
  for (let n = Math.floor(random() * 4); n > 0; n--) {
    const key = pick(keys) + (chance(0.3) ? `@${pick(policy.versions).start}` : '');
    overrides[key] = figure(key);
  }
  if (chance(0.01)) overrides['no.such.figure'] = '1';

  const scenario = {
    policy: policy.id,
    member: pick(policy.members).key,
    lang: pick(['zh', 'en']),
    settlement: pick(['local', 'local', 'long_term_resident', 'temporary_referred', 'temporary_unreferred']),
    visits,
    overrides,
  };
  if (chance(0.7)) scenario.period = { start: day(from), end: day(from + days - 1) };

  compare(`scenario ${i}: run at 640`, (e) => e.run(scenario, 50, 640));
  compare(`scenario ${i}: run at 320`, (e) => e.run(scenario, undefined, 320));
  const index = Math.floor(random() * visits.length);
  if (visits.length) compare(`scenario ${i}: explain(${index})`, (e) => e.explain(scenario, index));
  compare(`scenario ${i}: link`, (e) => e.decodeFragment(e.encodeFragment(scenario), scenario.lang));
}

console.log(`diff-wasm: ${compared} outputs compared (${errors} of them errors), ${differing} differ`);
process.exit(differing ? 1 : 0);
