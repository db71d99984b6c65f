// <outpatient-estimator>: the estimator as a widget for other sites. It lives in a Shadow DOM, so
// the host page's styles do not reach it; only the --oe-* theme properties do (they inherit).
//
//   <script type="module" src="https://…/widget.js"></script>
//   <outpatient-estimator policy="qiannan-employee" member="retiree" pattern="monthly:primary:400:15"
//     period="2023-07-01~2024-06-30" lang="en" compact></outpatient-estimator>
//
// Attributes (README, "Embedding"): policy and member; settlement; pattern, the visits
// (monthly:FACILITY:AMOUNT:DAY[:OUT_OF_SCOPE], weekly:FACILITY:AMOUNT:WEEKDAY[:OUT_OF_SCOPE] or
// chronic:SEED; default monthly:primary:400:15); period (START~END or a year; default the twelve
// months across the last 1 January); lang (zh | en); compact (results with a short form);
// scenario (a whole link fragment "v1;p=…" as the share panel writes it, instead of the others);
// storage-key (remember edits under this key, as the page does: state.js stateSaver; by default a
// widget remembers nothing).
// Without policy or scenario the widget shows the built-in example.
import { loadCore, mountEstimator } from './mount.js';
import { defaultPeriod } from './state.js';

const STYLE_URL = new URL('./style.css', import.meta.url).href;
const DEFAULT_PATTERN = 'monthly:primary:400:15';
const SCENARIO_ATTRIBUTES = ['policy', 'member', 'settlement', 'pattern', 'period', 'lang', 'scenario'];

let sharedSheet = null; // a promise of the one CSSStyleSheet all widgets of the page adopt

/**
 * Gives `shadow` the widget's stylesheet. Not a <link>: a shadow root drops a linked sheet when the
 * widget is taken out of the page and loads it again when it is put back, so a widget moved by a
 * site's script was drawn unstyled, and its page jumped, for a frame or more. An adopted sheet
 * stays; one is made for every widget of the page, and parsed once. (Browsers without adopted
 * sheets, and a failed load, get the <link>.)
 */
async function adoptStyle(shadow) {
  try {
    if (!('adoptedStyleSheets' in ShadowRoot.prototype)) throw new Error('no adopted stylesheets');
    sharedSheet ??= fetch(STYLE_URL).then(async (response) => {
      if (!response.ok) throw new Error(`${STYLE_URL}: ${response.status}`);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(await response.text());
      return sheet;
    });
    shadow.adoptedStyleSheets = [await sharedSheet];
  } catch {
    sharedSheet = null;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLE_URL;
    const loaded = new Promise((resolve) => { link.onload = link.onerror = resolve; });
    shadow.prepend(link);
    await loaded;
  }
}

/** An attribute's text inside a link part: all but the parts' own syntax (`~ :`) %-escaped. */
function linkValue(text) {
  const escape = (c) => [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return [...text.trim()].map((c) => (/[A-Za-z0-9\-._~:@]/.test(c) ? c : escape(c))).join('');
}

class OutpatientEstimator extends HTMLElement {
  static observedAttributes = [...SCENARIO_ATTRIBUTES, 'compact', 'storage-key'];
  #box = null;
  #queued = false;
  #mounted = null; // the attributes the estimator on screen was made from
  #estimator = null;
  #styled = null; // settles once the stylesheet is in: nothing is drawn unstyled before it

  connectedCallback() {
    if (!this.#box) {
      const shadow = this.attachShadow({ mode: 'open' });
      this.#box = document.createElement('div');
      shadow.append(this.#box);
      // The wasm starts loading meanwhile. Once styled, the widget says it is loading until the
      // wasm is in (mountEstimator; a failed load is shown there too).
      loadCore().catch(() => {});
      this.#styled = adoptStyle(shadow);
    }
    this.#mountSoon();
  }

  attributeChangedCallback() {
    if (this.#box) this.#mountSoon();
  }

  // Attributes set one after another make one new estimator, not one each. A widget moved in the
  // page (or taken out and put back) keeps its estimator, and with it what the reader typed: only
  // changed attributes make a new one.
  #mountSoon() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(async () => {
      this.#queued = false;
      const attributes = JSON.stringify(this.constructor.observedAttributes.map((name) => this.getAttribute(name)));
      if (attributes === this.#mounted) return;
      this.#mounted = attributes;
      this.#estimator?.dispose();
      this.#estimator = null;
      await this.#styled;
      if (this.#mounted !== attributes) return; // changed again meanwhile: that mount follows
      const estimator = await mountEstimator(this.#box, {
        lang: this.getAttribute('lang') ?? undefined,
        compact: this.hasAttribute('compact'),
        storageKey: this.getAttribute('storage-key'),
        scenario: this.#scenario(),
      });
      // A later mount may have replaced this one while the wasm loaded.
      if (this.#mounted === attributes) this.#estimator = estimator;
      else estimator?.dispose();
    });
  }

  /** The attributes as a link fragment: links and widgets have one reader, the core's. */
  #scenario() {
    const given = (name) => this.getAttribute(name)?.trim() || null;
    if (given('scenario')) return given('scenario');
    if (!given('policy')) return undefined;
    const { start, end } = defaultPeriod();
    const parts = [
      ['p', given('policy')], ['m', given('member')], ['s', given('settlement')], ['l', given('lang')],
      ['d', given('period') ?? `${start}~${end}`], ['g', given('pattern') ?? DEFAULT_PATTERN],
    ];
    return ['v1', ...parts.filter(([, value]) => value != null).map(([key, value]) => `${key}=${linkValue(value)}`)].join(';');
  }
}

if (!customElements.get('outpatient-estimator')) customElements.define('outpatient-estimator', OutpatientEstimator);
