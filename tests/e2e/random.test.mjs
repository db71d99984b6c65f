// Random scenarios opened as links: every one the core can compute shows exactly what `estimate`
// computes, with no odd text anywhere in the result (a negative amount, "NaN", a placeholder left
// unfilled); every one it refuses shows an alert. The scenarios mix every bundled policy, member
// and settlement, with or without a personal account, with what-if figures, some for one version
// only (a cap lowered mid-year below what the fund has paid, a deductible raised). Seeded, so a
// failure names the link that gave it; OE_RANDOM_SEED and OE_RANDOM_CASES choose others.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DIST, useBrowser, waitForEstimator } from './harness.mjs';
import { assertShows, buildEstimate, readResult, ROW_LIMIT, runEstimate, scenarioOnScreen, waitForResultRows } from './steps.mjs';

const browser = useBrowser({
  files: {
    'host.html': '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A story</title><link rel="icon" href="data:,">' +
      '<script type="module" src="widget.js"></script></head><body><h1>A story</h1></body></html>\n',
  },
});
before(() => buildEstimate(), { timeout: 300_000 });

const SEED = Number(process.env.OE_RANDOM_SEED ?? 20261203);
const CASES = Number(process.env.OE_RANDOM_CASES ?? 24);

/** A small seeded generator (mulberry32): the same seed gives the same links. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  return { int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

/** The bundled policies as the page lists them: its wasm's `policies`, in Node (as scripts/diff-wasm.mjs loads it). */
async function bundledPolicies() {
  const bindings = await import(pathToFileURL(join(DIST, 'pkg', 'estimator.js')).href);
  bindings.initSync({ module: readFileSync(join(DIST, 'pkg', 'estimator_bg.wasm')) });
  return new bindings.Estimator().policies('en');
}

/** A policy's versions that start after its first and not on 1 January: its mid-year changes. */
const midYear = (policy) => policy.versions.slice(1).filter((version) => !version.start.endsWith('-01-01'));

const money = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const TIERS = ['primary', 'secondary', 'tertiary', 'pharmacy'];
const CODES = { primary: 'p', secondary: 's', tertiary: 't', pharmacy: 'rx' };
const SETTLEMENTS = ['local', 'local', 'long_term_resident', 'temporary_referred', 'temporary_unreferred'];
const PERIODS = [
  { d: '2023', start: '2023-01-01', days: 365 },
  { d: '2023-07-01~2024-06-30', start: '2023-07-01', days: 366 },
  { d: '2024', start: '2024-01-01', days: 366 },
];

/** A value an override of the figure `key` may give, in the units of its kind. */
function figureValue(random, key) {
  switch (key.split('.')[0]) {
    case 'deductible': return random.pick(['0', '150', money(random.int(200_000))]);
    case 'cap': return random.pick([String(random.int(6001)), money(random.int(60_000))]);
    case 'ratio': return (random.int(101) / 100).toFixed(2);
    case 'account_credit': return money(random.int(200_000));
    case 'adjustment': return ((random.int(21) - 10) / 100).toFixed(2);
    case 'out_of_area': return key.endsWith('multiple') ? random.pick(['1', '1.5', '2']) : (random.int(31) / 100).toFixed(2);
    default: throw new Error(key);
  }
}

/** One scenario as a link fragment, with the facts the checks need. */
function randomLink(random, policies) {
  // A third of the links on a policy that changes mid-year (Jiangxi's July 2023), where the what-if
  // figures below can lower a cap below what the fund has paid.
  const changing = policies.filter((p) => midYear(p).length > 0);
  const policy = random.pick(changing.length && random.chance(1 / 3) ? changing : policies);
  const member = random.pick(policy.members).key;
  const settlement = random.pick(SETTLEMENTS);
  const period = random.pick(PERIODS);
  const overrides = new Map();
  // Every unknown figure this member's visits may need gets a value; now and then one does not.
  // Other members' figures are left alone; the out-of-area ones are shared, not a version's.
  const others = policy.members.map((m) => m.key).filter((key) => key !== member);
  const unknown = policy.versions.flatMap((version) => version.figures
    .filter((f) => f.status === 'unknown' && !others.some((other) => f.key.endsWith(`.${other}`)))
    .map((f) => [f.key.startsWith('out_of_area.') ? f.key : `${f.key}@${version.start}`, f.key]));
  if (unknown.length && random.chance(0.2)) unknown.splice(random.int(unknown.length), 1);
  for (const [override, key] of unknown) overrides.set(override, figureValue(random, key));
  // What-if figures: a small cap or another deductible from a version that starts mid-year.
  for (const { start } of midYear(policy)) {
    if (random.chance(0.5)) overrides.set(`cap.${member}@${start}`, money(random.int(30_000)));
    if (random.chance(0.3)) overrides.set(`deductible@${start}`, figureValue(random, 'deductible'));
  }
  if (random.chance(0.3)) overrides.set(`ratio.${random.pick(TIERS)}`, figureValue(random, 'ratio'));

  const visits = Array.from({ length: 1 + random.int(14) }, () => {
    const date = new Date(Date.parse(period.start) + random.int(period.days) * 86_400_000).toISOString().slice(0, 10);
    const amount = random.pick([random.int(20_000), random.int(300_000), random.int(2_000_000), 0]);
    const outOfScope = random.chance(0.3) ? (random.chance(0.3) ? amount : random.int(amount + 1)) : 0;
    return { date, facility: random.pick(TIERS), amount: money(amount), out_of_scope: money(outOfScope) };
  });
  const account = random.chance(0.3)
    ? { balance: money(random.int(300_000)), yearly_credit: random.chance(0.5), pays_member_share: random.chance(0.7) }
    : null;
  const lang = random.pick(['zh', 'en']);
  const parts = [`v1`, `p=${policy.id}`, `m=${member}`, `d=${period.d}`, `l=${lang}`];
  if (settlement !== 'local') parts.push(`s=${settlement}`);
  const yes = (flag) => (flag ? 'y' : 'n');
  if (account) parts.push(`a=${account.balance}:${yes(account.yearly_credit)}:${yes(account.pays_member_share)}`);
  if (overrides.size) parts.push(`o=${[...overrides].map(([k, v]) => `${k}:${v}`).join(',')}`);
  parts.push(`v=${visits.map((v) => [v.date, CODES[v.facility], v.amount, v.out_of_scope].join(':')).join(',')}`);
  const end = period.d.includes('~') ? period.d.split('~')[1] : `${period.d}-12-31`;
  // The same scenario as `estimate` takes it, written here rather than read back from the page:
  // the page hides a figure's field while no visit needs it, but keeps (and uses) its value.
  const scenario = {
    policy: policy.id, member, settlement, period: { start: period.start, end }, visits, overrides: Object.fromEntries(overrides), lang,
    ...(account && { account }),
  };
  return { fragment: parts.join(';'), scenario };
}

// Text no result should ever show: a sum gone wrong, a value the page did not have, a placeholder
// the messages left unfilled, a negative amount of money.
const ODD = /NaN|undefined|\bnull\b|\[object|Infinity|\{[a-z]\w*\}|¥-|-¥|−¥/;

/**
 * Checks what a page or widget (`host`) shows for one random link, once `drawn` has waited for a
 * computed result; resolves to `estimate`'s outcome, or null when it refuses the scenario.
 */
async function checkShown(page, label, scenario, { host = null, drawn = async () => {} } = {}) {
  const outcome = await runEstimate(scenario).catch(() => null);
  if (outcome == null) {
    assert.ok((await readResult(page, host)).alert, `${label}: estimate refuses it, so the page says why`);
    return null;
  }
  await drawn();
  const shown = await readResult(page, host);
  assert.equal(shown.alert, null, `${label}: no alert`);
  try {
    assertShows(shown, outcome);
  } catch (error) {
    error.message = `${label}\n${error.message}`;
    throw error;
  }
  const text = await page.evaluate((selector) => {
    const scope = selector ? document.querySelector(selector).shadowRoot : document;
    return scope.querySelector('[data-ref="results"]').textContent;
  }, host);
  assert.doesNotMatch(text, ODD, `${label}: odd text in the result`);
  for (const visit of outcome.visits) {
    const [fund, self, amount] = [visit.fund, visit.self, visit.amount].map((v) => Math.round(Number(v) * 100));
    assert.equal(fund + self, amount, `${label}: fund + self = amount for visit ${visit.index}`);
  }
  return outcome;
}

/**
 * Runs `cases` random links from `seed` through `show` (which opens one, checks it and resolves to
 * `estimate`'s outcome or null); reports the counts.
 */
async function runCases(t, seed, cases, show) {
  const policies = await bundledPolicies();
  const random = generator(seed);
  let computed = 0;
  let lowered = 0;
  for (let i = 0; i < cases; i++) {
    const link = randomLink(random, policies);
    const outcome = await show(link, `case ${i} (OE_RANDOM_SEED=${SEED}): #${link.fragment}`, random);
    if (outcome == null) continue;
    computed++;
    if (outcome.years.some((year) => year.cap != null && Number(year.cap_used) > Number(year.cap))) lowered++;
  }
  t.diagnostic(`${computed} of ${cases} links computed, ${cases - computed} refused; ${lowered} with a cap lowered below what the fund paid`);
  // Most links compute; the checks are not only of refusals.
  assert.ok(computed >= cases / 2, `only ${computed} of ${cases} links computed`);
}

test('random links on the page: each result shows what `estimate` computes, with no odd text; each refusal an alert', { timeout: 600_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await runCases(t, SEED, CASES, async ({ fragment, scenario }, label) => {
    await page.goto('about:blank');
    await session.load(`#${fragment}`);
    assert.equal((await scenarioOnScreen(page)).visits.length, scenario.visits.length, `${label}: every visit of the link is on screen`);
    const drawn = () => waitForResultRows(page, Math.min(scenario.visits.length, ROW_LIMIT));
    return checkShown(page, label, scenario, { drawn });
  });
  session.assertClean();
});

test('random links in a widget, compact or not: the same', { timeout: 600_000 }, async (t) => {
  const session = await browser.open(t);
  const { page } = session;
  await page.goto(session.url + 'host.html');
  // Other links than the page's: the next seed.
  await runCases(t, SEED + 1, Math.ceil(CASES / 2), async ({ fragment, scenario }, label, random) => {
    const compact = random.chance(0.5);
    await page.evaluate(({ fragment, compact }) => {
      document.querySelector('outpatient-estimator')?.remove();
      const widget = document.createElement('outpatient-estimator');
      widget.id = 'w';
      widget.setAttribute('scenario', fragment);
      if (compact) widget.setAttribute('compact', '');
      document.body.append(widget);
    }, { fragment, compact });
    await waitForEstimator(page, '#w');
    return checkShown(page, `${label} (widget${compact ? ', compact' : ''})`, scenario, { host: '#w' });
  });
  session.assertClean();
});
