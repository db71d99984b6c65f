// Shared set-up of the browser tests: the static server (scripts/serve.mjs, in-process, on a free
// port, serving dist/), Debian's Chromium driven by playwright-core, and one fresh browser context
// per test that records everything that must not happen on the page: console errors, uncaught
// exceptions, failed or erroring requests, Content-Security-Policy violations, dialogs, and any
// request that leaves the page's own origin.
//
//   const browser = useBrowser();                  // at the top of a *.test.mjs file
//   test('...', async (t) => {
//     const session = await browser.open(t);       // new context + page, closed after the test
//     await session.load();                        // the page, ready to use
//     ...
//     session.assertClean();                       // nothing went wrong on the page
//   });
//
// Pages that exist only for a test (a site embedding the widget, say) are served from a temporary
// copy of dist/, never written into www/ or dist/:
//
//   const browser = useBrowser({ files: { 'host.html': '<!doctype html>…' } });
//
// Environment: CHROMIUM overrides /usr/bin/chromium; OE_DIST overrides dist/.

import assert from 'node:assert/strict';
import { access, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// OE_DIST serves another build (a copy kept aside while dist/ is being rebuilt, say).
export const DIST = process.env.OE_DIST ? `${process.env.OE_DIST.replace(/\/$/, '')}/` : fileURLToPath(new URL('../../dist/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
export const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

/** A wide desktop window; tests that need a phone set their own. */
export const DESKTOP = { width: 1280, height: 900 };

/**
 * Starts the server and the browser. The server serves dist/, or with `files` (name -> text) a
 * temporary copy of dist/ with those files added. Resolves to { url, origin, browser, close }.
 */
export async function launch({ files } = {}) {
  await access(`${DIST}index.html`).catch(() => {
    throw new Error(`${DIST}index.html is missing: build the page first (make dist)`);
  });
  let root = DIST;
  if (files) {
    root = await mkdtemp(join(tmpdir(), 'oe-e2e-site-'));
    await cp(DIST, root, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  }
  const removeCopy = () => (root === DIST ? undefined : rm(root, { recursive: true, force: true }));
  const server = await startServer({ root, port: 0 }).catch(async (error) => {
    await removeCopy();
    throw error;
  });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (error) {
    await server.close();
    await removeCopy();
    throw error;
  }
  return {
    url: server.url,
    origin: new URL(server.url).origin,
    root, // the folder served: a copy of dist/ when `files` were given, where more can be written
    browser,
    async close() {
      await browser.close();
      await server.close();
      await removeCopy();
    },
  };
}

/**
 * Registers before/after hooks that start the server and the browser once per test file.
 * Returns an object whose `open(t, options)` gives each test its own context and page.
 * options: files, as for launch().
 */
export function useBrowser(options = {}) {
  const shared = {};
  before(async () => Object.assign(shared, await launch(options)), { timeout: 60_000 });
  after(async () => { await shared.close?.(); });
  shared.open = (t, options) => openSession(shared, t, options);
  return shared;
}

/**
 * A fresh browser context and page for one test, closed when the test ends.
 * options: viewport ({ width, height }), initScripts (extra `addInitScript` arguments, e.g. { path }),
 * origin (the one origin requests may go to; default the server's, "null" for a file:// page),
 * otherOrigins (more origins requests may go to: a site embedding the widget from the server).
 */
export async function openSession(shared, t, { viewport = DESKTOP, initScripts = [], origin = shared.origin, otherOrigins = [] } = {}) {
  const { browser, url } = shared;
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  t.after(() => context.close());
  context.setDefaultTimeout(10_000);

  const problems = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    httpErrors: [],
    cspViolations: [],
    foreignRequests: [],
    dialogs: [],
  };

  // CSP violations, straight from the page: the event carries the directive and what was blocked.
  // (Chromium also logs them as console errors, which are caught below as well.)
  await context.exposeBinding('__e2eReportCspViolation', (_source, violation) => {
    problems.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__e2eReportCspViolation({
        directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample,
        source: event.sourceFile, line: event.lineNumber,
      });
    }, true);
  });
  for (const script of initScripts) await context.addInitScript(script);

  context.on('request', (request) => {
    let requestOrigin;
    try { requestOrigin = new URL(request.url()).origin; } catch { requestOrigin = null; }
    if (requestOrigin !== origin && !otherOrigins.includes(requestOrigin)) problems.foreignRequests.push(request.url());
  });
  context.on('requestfailed', (request) => {
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  context.on('response', (response) => {
    if (response.status() >= 400) problems.httpErrors.push(`${response.status()} ${response.url()}`);
  });

  const page = await context.newPage();
  // E2E_CPU_SLOWDOWN=4 runs the page four times slower, to find a test that only passes at this
  // machine's speed (CI's machine may be faster or slower).
  const slowdown = Number(process.env.E2E_CPU_SLOWDOWN ?? 1);
  if (slowdown > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url: at, lineNumber } = message.location();
      problems.consoleErrors.push(`${message.text()} (${at}:${lineNumber})`);
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? String(error)));
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });

  return {
    page,
    context,
    url,
    origin,
    problems,
    /**
     * Opens the page (or `path`, relative to it, e.g. '#v1;…' or 'embed.html') and waits until the
     * estimator is ready and has shown its first result. Resolves to the page's response.
     */
    async load(path = '') {
      const response = await page.goto(new URL(path, url).href);
      await waitForEstimator(page);
      return response;
    },
    /** Reloads and waits as load() does. */
    async reload() {
      await page.reload();
      await waitForEstimator(page);
    },
    /** Fails the test if anything in `problems` happened. */
    assertClean() {
      const found = Object.fromEntries(Object.entries(problems).filter(([, list]) => list.length > 0));
      assert.deepEqual(found, {}, 'the page had problems:\n' + JSON.stringify(found, null, 2));
    },
  };
}

/**
 * The estimator is mounted (the wasm loaded) and its first calculation has run. `page` may be a
 * frame; `within` a selector of the element that holds the estimator (a widget), if not the page.
 */
export async function waitForEstimator(page, within = '') {
  await page.locator(`${within} [data-ref="layout"]`.trim()).waitFor({ state: 'visible' });
  await settle(page);
}

/**
 * Waits until the page has handled what has happened so far: the page recalculates in a
 * requestAnimationFrame callback queued by the input event, and frame callbacks run in the order
 * they were queued, so once one queued after it has run, the page's has too.
 */
export function settle(page) {
  return page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  }));
}

/**
 * Draws every part of the page for a full-page capture, which does not scroll: parts far from the
 * view are laid out and painted only when they come near (content-visibility: auto), inside
 * widgets' shadow roots too. A reader scrolling sees them drawn.
 */
export async function drawEverything(page) {
  await page.evaluate(() => {
    const reveal = (root) => {
      for (const node of root.querySelectorAll('*')) {
        if (getComputedStyle(node).contentVisibility === 'auto') node.style.setProperty('content-visibility', 'visible');
        if (node.shadowRoot) reveal(node.shadowRoot);
      }
    };
    reveal(document);
  });
  await settle(page);
}
