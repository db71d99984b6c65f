// Downloads for journalists: the chart as SVG is exactly `estimate --svg` for the scenario on
// screen; as PNG it is the chart drawn at twice its size; the visit table as CSV (UTF-8 with a BOM)
// has the table's columns and one row per visit with the core's figures. All under the page's CSP.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { t as text } from '../../www/i18n.js'; // the page's own texts (its modules are bundled in dist/)
import { useBrowser } from './harness.mjs';
import { addVisit, buildEstimate, buildYear, download, inTableOrder, runEstimate, runEstimateSvg, scenarioOnScreen, switchLanguage, waitForResultRows } from './steps.mjs';

const browser = useBrowser();
before(() => buildEstimate(), { timeout: 300_000 });

for (const lang of ['zh', 'en']) {
  test(`the chart and the table download as SVG, PNG and CSV (${lang})`, { timeout: 40_000 }, async (t) => {
    const session = await browser.open(t);
    const { page } = session;
    await session.load();
    await buildYear(page);
    await addVisit(page, { date: '2023-10-09', facility: 'tertiary', amount: '5000.00', out_of_scope: '120.50' });
    await waitForResultRows(page, 13);
    if (lang === 'en') await switchLanguage(page, 'en');
    const scenario = await scenarioOnScreen(page);
    assert.equal(scenario.lang, lang);

    const svg = await download(page, 'exportSvg');
    assert.equal(svg.name, 'outpatient-estimate.svg');
    assert.equal(svg.bytes.toString('utf8'), await runEstimateSvg(scenario), 'the SVG is `estimate --svg`');

    const png = await download(page, 'exportPng');
    assert.equal(png.name, 'outpatient-estimate.png');
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    const [, , width, height] = svg.bytes.toString('utf8').match(/viewBox="([^"]+)"/)[1].split(' ').map(Number);
    assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], [width * 2, height * 2], 'twice the chart\'s size');
    assert.ok(png.bytes.length > 20_000, `a picture, not an empty canvas (${png.bytes.length} bytes)`);

    const csv = await download(page, 'exportCsv');
    assert.equal(csv.name, 'outpatient-estimate.csv');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte order mark');
    const lines = csv.bytes.toString('utf8').slice(1).split('\r\n');
    assert.equal(lines.pop(), '', 'every line ends with CRLF');
    const header = await page.locator('.oe-result-table thead th').allTextContents();
    assert.equal(lines[0], header.join(','), 'the table\'s columns');
    const outcome = await runEstimate(scenario);
    const facility = (key) => text(lang, `facilityShort.${key}`);
    const expected = [];
    for (const v of inTableOrder(outcome.visits)) {
      expected.push([v.date, facility(v.facility), v.amount, v.deductible, v.ratio, v.fund, v.self, v.cap_remaining].join(','));
    }
    assert.deepEqual(lines.slice(1), expected, 'one row per visit, the core\'s figures');
    session.assertClean();
  });
}
