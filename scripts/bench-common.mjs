// What the page benchmarks share: bench-page.mjs (the budgets) and compare-wasm.mjs (two builds).

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A link fragment with one visit a day from `start` for `days` days (amounts vary, tiers rotate). */
export function dailyLink(start, days) {
  const visits = [];
  const day = new Date(`${start}T00:00:00Z`);
  for (let i = 0; i < days; i += 1) {
    const date = day.toISOString().slice(0, 10);
    visits.push(`${date}:${'pst'[i % 3]}:${60 + (i * 37) % 240}`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  const end = new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10);
  return `#v1;p=qiannan-employee;m=retiree;d=${start}~${end};v=${visits.join(',')}`;
}

/** Waits until the page has drawn its first result (`mount.js` sets the `oe-first-result` mark). */
export function waitForFirstResult(page) {
  return page.waitForFunction(() => performance.getEntriesByName('oe-first-result').length > 0, null, { timeout: 30_000 });
}
