// mountEstimator(root, options): builds the estimator inside `root` and runs it. It looks up
// elements only inside `root` and keeps no globals, so the same code can live in a Shadow DOM widget.
import init, { Estimator } from './pkg/estimator.js';
import { h, tabStopWhileScrolling } from './dom.js';
import { csvBlob, download, FILE_NAME, pngBlob, svgBlob } from './exports.js';
import { bindFigureInputs, formOverrides, labelOf, policyFigures, renderFigureInputs } from './figures.js';
import { asName, LANG_TAGS, langOf, LANGS, t } from './i18n.js';
import { applyTexts, buildSkeleton, collectRefs } from './markup.js';
import {
  caveatText, CHART_WIDTH, chartBoxWidth, fitColumns, peekText, renderChart, renderOutcome, ROW_LIMIT, summaryText,
} from './results.js';
import { bindShare, renderShare } from './share.js';
import {
  calendarYear, exampleState, loadState, sameVisits, stateFromScenario, stateSaver, toPattern, toScenario,
} from './state.js';
import { bindVisitEditor, renderVisitEditor, showAllVisits, VISIT_LABELS } from './visits.js';

/** The core's message without its leading field path: the message is shown beside the field. */
function errorText(error, text = error?.message || String(error)) {
  const field = error?.field;
  return field && text.startsWith(field) ? text.slice(field.length).replace(/^\s*[:：]\s*/, '') : text;
}

// The parts of a link (src/fragment.rs), by the names the form gives them.
const LINK_PARTS = {
  p: 'policyLabel', m: 'memberLabel', s: 'settlementLabel', d: 'periodLegend', 'd.start': 'start', 'd.end': 'end',
  o: 'figuresLegend', a: 'accountLegend', g: 'patternLegend', v: 'visitsLegend',
};

/**
 * Why a link (or a widget's scenario) could not be opened: its part by the form's name, not
 * "fragment.d.end"; a figure by its label (`nameOf`, the key itself when the policy has no such figure).
 */
function linkErrorText(error, lang, nameOf) {
  const detail = errorText(error, error[`message_${lang}`] ?? error.message);
  const path = (error.field ?? '').replace(/^fragment\.?/, '');
  const figure = /^o\.([^@]+)/.exec(path)?.[1];
  if (figure && nameOf(figure) !== figure) return t(lang, 'linkPart', { part: nameOf(figure), detail });
  const visit = /^v\[(\d+)\]\.(\w+)$/.exec(path);
  const key = (visit && VISIT_LABELS[visit[2]]) ?? LINK_PARTS[path] ?? LINK_PARTS[path.split(/[.[]/)[0]];
  return key ? t(lang, 'linkPart', { part: t(lang, key, { n: Number(visit?.[1]) + 1 }), detail }) : detail;
}

/** A part of a link's text ("p" gives the policy's id), read without the core, for an error. */
const linkPartOf = (text, name) => text.split(';').find((part) => part.startsWith(`${name}=`))?.slice(name.length + 1);

let wasmReady = null; // one wasm instance per page, shared by every estimator on it
let instance = 0; // counts the fresh wasm instances started after a panic (see callCore)
const ANNOUNCE_AFTER_MS = 1000; // a pause in typing before a screen reader hears the new result

/**
 * Starts loading the wasm, once for the page; `wasm` as for mountEstimator. A widget starts it
 * while its stylesheet loads, and mountEstimator waits for the same load.
 */
export function loadCore(wasm) {
  // The wasm's place is given relative to this module, which stays right when the build bundles
  // the modules into one file next to it (scripts/build.py).
  return (wasmReady ??= init({ module_or_path: wasm ?? new URL('./pkg/estimator_bg.wasm', import.meta.url) }));
}

/**
 * options: page (true when the estimator is the whole page: it then owns <html lang> and the title),
 * lang ("zh" default; "en-GB" is read as "en"), storageKey (the key the state is remembered under, state.js
 * stateSaver; null to remember nothing), scenario (a
 * scenario to start from and to reset to, instead of the built-in example: in the API's shape, or
 * as a link fragment "v1;p=…"), fragment (a link fragment opened by the page: it is shown instead
 * of the remembered scenario; reset still goes to `scenario` or the example), compact (results with
 * a short form), share (the "share and embed" panel; default: when `page`), embedCodes (whether
 * that panel offers code for other sites: false for a page with no embed.html beside it), wasm (what
 * wasm-bindgen's init takes: a URL, a Response or bytes; default: estimator_bg.wasm next to
 * estimator.js).
 * Returns { state, scenario(), recalculate, openFragment(text), remembers, dispose(), panicForTest }, or null when the wasm cannot be
 * loaded; the same object is also `root.estimator`, for scripts and the benchmarks. `recalculate()`
 * runs the scenario and redraws at once; panicForTest() makes the core panic, as a bug would, to
 * test the recovery.
 */
export async function mountEstimator(root, options = {}) {
  const { page = false, storageKey = 'outpatient-estimator', wasm, compact = false, share = page, embedCodes = true } = options;
  const headingLevel = page ? 1 : 2;
  const { fragment, prefix } = buildSkeleton(headingLevel);
  root.classList.add('oe');
  root.classList.toggle('oe-compact', compact);
  root.replaceChildren(fragment);
  const refs = collectRefs(root);

  const saved = storageKey ? loadState(storageKey) : null;
  const state = {};
  const saver = storageKey ? stateSaver(storageKey, state) : null;
  const saveSoon = (edited = false) => saver?.save(edited);
  let lang = saved?.lang ?? langOf(options.lang) ?? 'zh';
  applyTexts(root, (key) => t(lang, key));

  let est, estInstance;
  const startCore = () => {
    est = new Estimator();
    estInstance = instance;
  };
  try {
    await loadCore(wasm);
    // A later mount into the same root, while the wasm loaded, has taken this one's place.
    if (!root.contains(refs.layout)) return null;
    startCore();
    performance.mark('oe-core-ready');
  } catch (error) {
    wasmReady = null;
    // An error of the core's own here is a policy file built into the page that does not read
    // (the build checks them too): say which, for whoever built it. Else the wasm did not load.
    const policyBroken = error?.field != null;
    if (policyBroken) console.error(error);
    refs.loadStatus.textContent = policyBroken ? t(lang, 'policyBroken', { message: error[`message_${lang}`] ?? error.message }) : t(lang, 'loadFailed');
    refs.loadStatus.classList.add('oe-failed');
    return null;
  }

  /**
   * Every call into the core goes through here. A panic in the core (a bug) traps the wasm: the
   * call throws a WebAssembly.RuntimeError and that instance is dead. The core's panic hook has
   * wasm-bindgen start a fresh instance on the next call, so a new Estimator replaces the old one
   * and the failure is reported like any other error. The user's input is all in `state`, in
   * JavaScript, so nothing is lost. The failed input is not run again by itself (it would panic
   * again); the next change runs on the fresh instance. Other estimators on the page share the
   * instance: they see that it changed and make their own new Estimator too.
   */
  function callCore(method, ...args) {
    try {
      if (estInstance !== instance) startCore();
      return est[method](...args);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      instance += 1;
      try { startCore(); } catch { /* the next call tries again */ }
      throw Object.assign(new Error(t(lang, 'restarted')), { code: 'internal', field: '' });
    }
  }
  const fromCore = {}; // per language: the policy summaries and the labels of every choice
  const coreIn = (inLang) => (fromCore[inLang] ??= { policies: callCore('policies', inLang), labels: callCore('labels', inLang) });
  const policies = () => coreIn(state.lang).policies;
  const choices = (kind) => coreIn(state.lang).labels[kind].map(({ key, label }) => h('option', { value: key, text: asName(label) }));
  const currentPolicy = () => policies().find((p) => p.id === state.policy);
  let alwaysShow = new Set(); // figure inputs an error asked for, even if they look irrelevant
  let lastGood = null; // the last scenario that ran, shown (marked) while the inputs have an error
  let chartWidth = null; // the chart's box, in whole pixels, as last seen (0: not shown)
  let drawnWidth = null; // the width the chart on screen was drawn for
  // The chart is drawn for its box (a phone's is narrower than the core's usual 640 pixels).
  const wantedWidth = () => (chartWidth ? Math.min(chartWidth, CHART_WIDTH) : CHART_WIDTH);
  let allRows = false; // the whole visit table, once asked for
  let firstResult = true;
  let frame = 0;
  let userChanged = false; // since the last announcement (announceSoon)
  let announceTimer = 0;

  // "Reset to example" can be undone, until the next edit: it replaces the reader's whole scenario,
  // and Back would leave the page rather than bring it back.
  let beforeReset = null;
  function showUndo(before) {
    beforeReset = before;
    refs.undo.hidden = !before;
  }

  // ---- links: a scenario given as a fragment ("v1;p=…") -------------------------------------------
  let linkError = null; // why the scenario given could not be opened, until dismissed
  let linkPolicy; // the policy that link named, whose figures its error may name
  // What a link that could not be opened left on screen: the example (badLink), the scenario
  // remembered (badLinkKept), or, opened while the page was open, what was there (badLinkUnchanged).
  let linkNotice = 'badLink';
  function openLink(text) {
    try {
      // With the pattern its visits were made from, if any, for the pattern form to show.
      return { ...callCore('decodeFragment', text, lang), pattern: callCore('fragmentPattern', text, lang) };
    } catch (error) {
      linkError = error;
      linkPolicy = linkPartOf(text, 'p');
      // The language a link asks for is kept even when the rest cannot be read: its reader is
      // told why in the language the sender chose.
      lang = langOf(linkPartOf(text, 'l')) ?? lang;
      return null;
    }
  }
  const home = typeof options.scenario === 'string' ? openLink(options.scenario) : options.scenario;
  const opened = options.fragment ? openLink(options.fragment) : null;

  // ---- the example ----------------------------------------------------------------------------
  function generateOrNothing(pattern, inLang) {
    try { return callCore('generate', pattern, inLang); } catch { return []; }
  }
  // The built-in example: the bundled policy whose sources give the largest share of its figures,
  // or the next one if that one cannot run the example without a figure the user must give. The
  // run that shows it can be used is kept, and drawn as the first result instead of run again
  // (unless the chart must be narrower: the page is not laid out yet when it runs).
  let exampleRun = null;
  function makeExample() {
    if (home) return stateFromScenario(home, lang);
    const given = (policy) => (policy.total ? policy.known / policy.total : 0);
    const list = [...coreIn(lang).policies].sort((a, b) => given(b) - given(a));
    let fallback = null;
    for (const policy of list) {
      const example = exampleState([policy], lang);
      example.visits = generateOrNothing(toPattern(example), lang);
      fallback ??= example;
      try {
        const scenario = toScenario(example);
        exampleRun = { scenario: JSON.stringify(scenario), result: callCore('run', scenario, ROW_LIMIT, CHART_WIDTH) };
        return example;
      } catch { /* try the next policy */ }
    }
    return fallback ?? exampleState([], lang);
  }
  function replaceState(next) {
    // Another scenario: both lists start short again.
    showAllVisits(refs, false);
    allRows = false;
    for (const key of Object.keys(state)) delete state[key];
    Object.assign(state, next);
    state.overrides = formOverrides(currentPolicy(), state.overrides);
    state.savedOverrides ??= {};
    lang = state.lang;
  }
  // A link wins over what was remembered; a broken one leaves what was remembered (or the example)
  // on screen, with the notice: it must not put the example in place of the user's own scenario.
  if (linkError && saved) linkNotice = 'badLinkKept';
  const linkLang = lang; // a broken link's language wins over the one remembered, as a good link's does
  replaceState(opened ? stateFromScenario(opened, lang) : saved || makeExample());
  if (linkError) state.lang = lang = linkLang;
  if (!currentPolicy()) replaceState(makeExample());

  // ---- rendering the inputs from the state ------------------------------------------------------
  function renderAll() {
    applyTexts(root, (key) => t(lang, key));
    root.lang = lang;
    if (page) {
      document.documentElement.lang = LANG_TAGS[lang];
      document.title = t(lang, 'title');
    }
    const other = LANGS.find((l) => l !== lang);
    refs.langButton.textContent = t(lang, 'otherLanguage'); // the other language's own name
    refs.langButton.lang = LANG_TAGS[other];

    refs.policy.replaceChildren(...policies().map((p) => h('option', { value: p.id, text: p.name })));
    refs.policy.value = state.policy;
    refs.settlement.replaceChildren(...choices('settlement'));
    refs.settlement.value = state.settlement;
    refs.patternFacility.replaceChildren(...choices('facility'));
    refs.start.value = state.period.start;
    refs.end.value = state.period.end;
    for (const input of root.querySelectorAll('[data-pattern]')) input.value = state.pattern[input.dataset.pattern];
    refs.accountOn.checked = state.accountOn;
    for (const input of root.querySelectorAll('[data-account]')) {
      if (input.type === 'checkbox') input.checked = state.account[input.dataset.account];
      else input.value = state.account[input.dataset.account];
    }
    renderMemberAndFigures();
    renderSettlementHint();
    renderPeriodHelp();
    renderPatternKind();
    renderAccountFields();
    renderVisitEditor(refs, state.visits, lang, prefix);
    renderNotice();
    recalculateNow();
  }

  function renderNotice() {
    refs.notice.hidden = !linkError;
    const policy = policies().find((p) => p.id === linkPolicy) ?? currentPolicy();
    if (linkError) refs.noticeText.textContent = t(lang, linkNotice, { message: linkErrorText(linkError, lang, (key) => labelOf(policy, key)) });
  }

  const renderFigures = () =>
    renderFigureInputs(refs, { policy: currentPolicy(), state, lang, idPrefix: prefix, alwaysShow, onlyVisitedTiers: compact });

  function renderMemberAndFigures() {
    const policy = currentPolicy();
    const members = policy?.members ?? [];
    refs.member.replaceChildren(...members.map((m) => h('option', { value: m.key, text: asName(m.label) })));
    refs.member.value = state.member;
    renderFigures();
  }
  const renderSettlementHint = () => { refs.settlementHint.textContent = t(lang, `settlementHint.${state.settlement}`); };
  const periodYear = () => Number(state.period.start.slice(0, 4)) || new Date().getFullYear() - 1;
  const renderPeriodHelp = () => {
    refs.fullYear.textContent = t(lang, 'fullYear', { year: periodYear() });
    const { start, end } = state.period;
    const oneYear = start.slice(0, 4) === end.slice(0, 4); // also while a date is being typed
    refs.periodHint.textContent = t(lang, oneYear ? 'periodHintOneYear' : 'periodHint');
    // A period half typed, or one that ends before it starts, crosses nothing: its error says why.
    refs.periodHint.hidden = !start || !end || end < start;
  };
  const renderPatternKind = () => {
    for (const field of root.querySelectorAll('[data-for-kinds]')) {
      field.hidden = !field.dataset.forKinds.split(' ').includes(state.pattern.kind);
    }
  };
  const renderAccountFields = () => { refs.accountFields.hidden = !state.accountOn; };

  // ---- calculating -----------------------------------------------------------------------------
  /**
   * Every change lands here; the calculation runs once per animation frame however fast one types.
   * The save is asked for at once, so that leaving the page before that frame keeps the edit.
   */
  function changed() {
    showUndo(null); // an undo now would lose this edit
    saveSoon(true);
    userChanged = true;
    if (!frame) frame = requestAnimationFrame(recalculateNow);
  }

  function recalculateNow() {
    cancelAnimationFrame(frame);
    frame = 0;
    saveSoon();
    clearMessages();
    const scenario = toScenario(state);
    let totalsLine;
    try {
      totalsLine = renderResult(scenario);
    } catch (error) {
      // The last good result stays, in the language now chosen.
      if (lastGood && lastGood.lang !== lang) {
        try { renderResult(lastGood = { ...lastGood, lang }); } catch { /* keep it as it was */ }
      }
      showError(error);
      return;
    }
    lastGood = scenario;
    refs.resultBody.hidden = false;
    renderPeek(totalsLine, false);
    if (firstResult) {
      firstResult = false;
      // For the load-time benchmark (scripts/bench-page.mjs): once the frame that shows the result
      // has been drawn, the layout of the parts laid out only when on screen included.
      requestAnimationFrame(() => setTimeout(() => performance.mark('oe-first-result')));
    }
    renderShareLink();
    refs.alert.hidden = true;
    refs.alertText.textContent = '';
    markStale(false);
    announceSoon();
  }

  // ---- what a screen reader hears ----------------------------------------------------------------
  // The summary and an error change on screen at every frame while one types; a reader hears them
  // from a status of their own, once typing has paused and only after the user changed something.
  function announceSoon() {
    if (!userChanged) return;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      userChanged = false;
      const result = [refs.summary.textContent, refs.caveat.hidden ? '' : refs.caveat.textContent];
      announce(refs.alert.hidden ? result.filter(Boolean).join(' ') : refs.alertText.textContent);
    }, ANNOUNCE_AFTER_MS);
  }
  function announce(text) {
    if (refs.announcement.textContent !== text) refs.announcement.textContent = text;
  }

  /** Marks the result on screen as the last good one, kept while an input has an error (or not). */
  function markStale(stale) {
    for (const part of [refs.resultBody, refs.summary, refs.caveat]) part.classList.toggle('oe-stale', stale);
  }

  /** The share panel's link, of the scenario on screen; made only while the panel is open or opening. */
  function renderShareLink(opening = false) {
    if (!share || !(opening || refs.share.open)) return;
    // The last result shown; before any, the scenario on screen if it can be written as a link
    // (one waiting for a figure can: whoever opens it is asked for the same figure).
    let fragment = null;
    let why = 'nothingToShare';
    try {
      fragment = callCore('encodeFragment', lastGood ?? toScenario(state));
    } catch (error) {
      if (error.code === 'too_large') why = 'tooLargeToShare'; // else nothing to share yet
    }
    renderShare(refs, fragment, lang, { why, embedCodes });
  }

  /**
   * Run a scenario and show its outcome; throws the core's error and then changes nothing. Returns
   * the phone's line of totals, which only a new result puts up: a result drawn again while an
   * input has an error (all rows asked for, a turned phone) is still the last good one, and the
   * line keeps saying that the totals wait.
   */
  function renderResult(scenario) {
    const width = wantedWidth();
    // The table's first rows only, unless all were asked for: sending every visit would cost more
    // than adjudicating them (BENCHMARKS.md).
    const kept = exampleRun && !allRows && width === CHART_WIDTH && exampleRun.scenario === JSON.stringify(scenario)
      ? exampleRun.result : null;
    exampleRun = null;
    const { outcome, svg, visits } = kept ?? callCore('run', scenario, allRows ? undefined : ROW_LIMIT, width);
    drawnWidth = width;
    const explain = (index) => callCore('explain', scenario, index);
    renderOutcome(refs, outcome, { lang, idPrefix: prefix, headingLevel, nameOf: (key) => labelOf(currentPolicy(), key), explain, visits, account: Boolean(scenario.account) });
    // Written only when it changes (a screen reader hears it from announceSoon, once typing pauses).
    const summary = visits ? summaryText(outcome, lang) : t(lang, 'noResult');
    if (refs.summary.textContent !== summary) refs.summary.textContent = summary;
    const caveat = visits ? caveatText(outcome, lang) : '';
    if (refs.caveat.textContent !== caveat) refs.caveat.textContent = caveat;
    refs.caveat.hidden = !caveat;
    renderChart(refs.chart, svg, t(lang, 'chartAlt', { summary }), prefix);
    refs.exportSvg.disabled = refs.exportPng.disabled = false;
    refs.exportCsv.disabled = false;
    fitColumns(refs.resultRows.parentElement, lang);
    return visits ? peekText(outcome, lang) : summary;
  }

  // ---- errors: one home for finding an error's input and showing the message next to it ----------
  function inputForField(field) {
    const find = (path) => {
      const name = CSS.escape(path);
      return root.querySelector(`[data-field="${name}"]`) ??
        root.querySelector(`[data-field^="${name}@"], [data-field^="${name}."], [data-field^="${name}["]`);
    };
    return field ? find(field) : null;
  }

  let messages = 0;
  // The messages on screen, newest last, each with its input's description before it: every
  // recalculation clears them, and a list is cheaper than searching the page for them.
  const shownMessages = [];
  function showMessage(input, text, kind) {
    const message = h('p', { class: `oe-message oe-${kind}`, id: `${prefix}message-${++messages}`, text });
    const describedBy = input.getAttribute('aria-describedby');
    shownMessages.push({ input, message, describedBy });
    input.setAttribute('aria-describedby', `${describedBy ?? ''} ${message.id}`.trim());
    if (kind === 'error') input.setAttribute('aria-invalid', 'true');
    input.classList.add(`oe-has-${kind}`);
    const holder = input.closest('.oe-check') ?? input.closest('.oe-field, td');
    if (input.closest('.oe-check')) holder.after(message); else holder.append(message);
  }

  /** Takes away the messages of the inputs inside `scope`, newest first, as if never shown. */
  function clearMessages(scope = root) {
    for (let i = shownMessages.length - 1; i >= 0; i -= 1) {
      const { input, message, describedBy } = shownMessages[i];
      if (scope !== root && !scope.contains(input)) continue;
      shownMessages.splice(i, 1);
      message.remove();
      if (describedBy === null) input.removeAttribute('aria-describedby');
      else input.setAttribute('aria-describedby', describedBy);
      input.removeAttribute('aria-invalid');
      input.classList.remove('oe-has-error', 'oe-has-needed');
    }
  }

  /**
   * The inputs of the unknown figures an error asks for (`error.needed`, the core's first), each
   * with its message: the input of the figure's own version where the form asks per version.
   */
  function figuresNeeded(error) {
    const needed = error.needed ?? []; // the core gives every unknown_figure error its list
    const find = () => needed.map(({ field, version, detail }) => ({
      input: (version && inputForField(`${field}@${version}`)) || inputForField(field), detail,
    }));
    let found = find();
    if (found.some(({ input }) => !input)) {
      // Figures that look irrelevant to the form (a tier no visit is at yet) are shown all the same.
      alwaysShow = new Set([...alwaysShow, ...needed.map(({ field }) => field.slice('overrides.'.length))]);
      renderFigures();
      found = find();
    }
    // Versions the form asks one figure for (the same in each) share an input: one message there.
    return found.filter(({ input }, i) => input && found.findIndex((f) => f.input === input) === i);
  }

  /** Show the field's message and keep the last good result on screen, marked as such. */
  function showError(error) {
    const needsFigure = error.code === 'unknown_figure';
    const field = error.field ?? '';
    let input;
    let message = errorText(error);
    let marked = 0; // unknown figures marked
    if (needsFigure) {
      const found = figuresNeeded(error);
      marked = found.length;
      for (const { input, detail } of found) showMessage(input, detail, 'needed');
      input = found[0]?.input;
      if (found.length) message = found[0].detail;
    } else {
      input = inputForField(field);
      if (!input && /^visits\[\d+\]/.test(field)) {
        // A visit further down than the editor shows: show them all, to put the message beside it.
        showAllVisits(refs);
        renderVisitEditor(refs, state.visits, lang, prefix);
        input = inputForField(field);
      }
      // A date the browser rejected (30 February, or half typed) reaches the core as "": say so.
      if (input?.type === 'date' && input.validity.badInput) message = t(lang, 'badDate');
      if (input) showMessage(input, message, 'error');
    }
    refs.alert.hidden = false;
    refs.alert.classList.toggle('oe-alert-needed', needsFigure);
    const internal = error.code === 'internal'; // the core restarted: nothing for the user to correct
    // The banner names the field by its label: the message beside the field does not need to.
    const label = input?.labels?.[0]?.textContent.trim();
    const fix = label ? t(lang, 'fixNamedField', { field: label, message }) : t(lang, 'fixField', { message });
    refs.alertText.textContent = [
      lastGood ? staleText(lastGood) : '',
      internal ? message : !needsFigure ? fix
        : marked > 1 ? t(lang, 'needFigures', { n: marked }) : t(lang, 'needFigure', { message }),
    ].filter(Boolean).join(t(lang, 'sentenceSep'));
    // The compact layout leaves some inputs out: there is nothing to go to then.
    refs.alertButton.hidden = !input || (compact && Boolean(input.closest('[data-full-only]')));
    refs.alertButton.textContent = t(lang, !needsFigure ? 'goToField' : marked > 1 ? 'enterFigures' : 'enterFigure');
    alertTarget = input;
    markStale(Boolean(lastGood));
    if (!lastGood) {
      // No result yet: no empty table, greyed downloads or chart caption under the message.
      refs.resultBody.hidden = true;
      refs.summary.textContent = t(lang, 'noResultYet');
      refs.caveat.textContent = '';
      refs.caveat.hidden = true;
    }
    renderPeek(t(lang, lastGood ? 'peekStale' : 'peekWaiting'), true);
    announceSoon();
  }

  /**
   * "Showing the last valid result", saying whose it is where the form above no longer does: its
   * region and scheme, member category or period differ from what the form now says.
   */
  function staleText(kept) {
    const now = toScenario(state);
    const same = ['policy', 'member', 'settlement'].every((key) => kept[key] === now[key])
      && kept.period.start === now.period.start && kept.period.end === now.period.end;
    if (same) return t(lang, 'stale');
    const policy = policies().find((p) => p.id === kept.policy)?.name ?? kept.policy;
    const member = coreIn(lang).labels.member.find((m) => m.key === kept.member)?.label ?? kept.member;
    return t(lang, 'staleOf', { policy, member, start: kept.period.start, end: kept.period.end });
  }

  // On a phone the estimate comes after the whole form. A line kept at the bottom of the screen
  // while the form is in view gives the totals as they change, and goes to the estimate; on a wide
  // screen, where the estimate is beside the form, the stylesheet leaves it out.
  function renderPeek(text, stale) {
    refs.peekText.textContent = text;
    refs.peek.classList.toggle('oe-stale', stale);
    refs.peek.hidden = false;
  }
  // A control in focus must not sit under that line, nor under the visit table's sticky header
  // (WCAG 2.4.11): the stylesheet keeps room for them when a control scrolls into view, as measured
  // here (the line is left out on a wide screen: 0).
  for (const box of [refs.visitScroll, refs.chart, refs.resultBox]) tabStopWhileScrolling(box);
  // Both heights are read before anything is written (a write first would make the second read
  // restyle the form), and the line's height, inherited by every control of the form, is written
  // only when it changes: a new value restyles the whole form.
  const keepRoom = new ResizeObserver(() => {
    const peekHeight = `${refs.peek.offsetHeight}px`;
    const visitHead = `${refs.visitHead.offsetHeight}px`;
    if (peekHeight !== (refs.form.style.getPropertyValue('--_peek-height') || '0px')) refs.form.style.setProperty('--_peek-height', peekHeight);
    refs.visitScroll.style.scrollPaddingTop = visitHead;
  });
  keepRoom.observe(refs.peek);
  keepRoom.observe(refs.visitHead);
  let following = null;
  refs.peekButton.addEventListener('click', () => {
    const toEstimate = () => refs.results.scrollIntoView({ block: 'start' });
    toEstimate();
    refs.resultsHeading.focus({ preventScroll: true });
    // The form's cards are laid out only near the view (content-visibility): those passed on the
    // way, once drawn, may be taller or shorter than the size they kept (a slow phone draws them a
    // frame or more later). Keep the estimate at the top until they settle or the reader scrolls.
    following?.disconnect();
    following = new ResizeObserver(toEstimate);
    following.observe(refs.form);
    const stop = () => { following?.disconnect(); following = null; };
    for (const type of ['wheel', 'touchstart', 'keydown']) addEventListener(type, stop, { once: true, passive: true });
    setTimeout(stop, 1000);
  });
  let alertTarget = null;
  refs.alertButton.addEventListener('click', () => alertTarget && reveal(alertTarget));

  function reveal(input) {
    for (let node = input.parentElement; node && node !== root; node = node.parentElement) {
      if (node.localName === 'details') node.open = true;
    }
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    input.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
    input.focus({ preventScroll: true });
  }

  // ---- wiring ----------------------------------------------------------------------------------
  refs.form.addEventListener('submit', (event) => event.preventDefault()); // Enter must not reload

  refs.moreRows.addEventListener('click', () => {
    allRows = true;
    if (lastGood) renderResult(lastGood);
    refs.resultRows.querySelector(`tr:nth-child(${2 * ROW_LIMIT + 1}) .oe-expand`)?.focus();
  });

  refs.noticeClose.addEventListener('click', () => {
    linkError = null;
    renderNotice();
    refs.resultsHeading.focus(); // the button is gone with the notice
  });
  // A turned phone or a resized window: the last result's chart is drawn again for its box, in the
  // next frame (a change of size made inside the observer's own callback would be an error).
  let redraw = 0;
  new ResizeObserver(([{ borderBoxSize: [box] }]) => {
    chartWidth = Math.floor(box.inlineSize); // as chartBoxWidth measures it, without a restyle
    if (lastGood && chartWidth && wantedWidth() !== drawnWidth && !redraw) {
      redraw = requestAnimationFrame(() => {
        redraw = 0;
        if (lastGood) renderResult(lastGood);
      });
    }
  }).observe(refs.chart.parentElement);
  // The chart as `estimate --svg` draws it (640 pixels wide), whatever the width on screen.
  const chartToExport = () => callCore('run', lastGood, 0).svg;
  refs.exportSvg.addEventListener('click', () => download(svgBlob(chartToExport()), `${FILE_NAME}.svg`));
  refs.exportPng.addEventListener('click', async () => {
    try {
      download(await pngBlob(chartToExport()), `${FILE_NAME}.png`);
      refs.exportStatus.textContent = '';
    } catch {
      // A site whose security policy allows no data: images cannot draw the chart for a PNG.
      refs.exportStatus.textContent = t(lang, 'pngFailed');
    }
  });
  // Every visit, not only the rows on screen.
  refs.exportCsv.addEventListener('click', () => download(csvBlob(callCore('run', lastGood).outcome, lang), `${FILE_NAME}.csv`));
  if (share) bindShare(refs, { lang: () => lang });
  // The link is made when the panel is opened (and kept up to date while it is open): on the click
  // that opens it, so that a link made before an edit never shows, and on the toggle event, which
  // comes a task later, for an opening by other means.
  refs.share.querySelector('summary').addEventListener('click', () => {
    if (!refs.share.open) renderShareLink(true);
  });
  refs.share.addEventListener('toggle', () => renderShareLink());
  refs.share.hidden = !share;

  refs.langButton.addEventListener('click', () => {
    const patternWasWrong = shownMessages.some(({ input }) => patternBox.contains(input));
    state.lang = lang = LANGS.find((l) => l !== lang);
    announce(''); // said in the other language, and heard already
    refs.exportStatus.textContent = '';
    saveSoon(true);
    renderAll();
    if (patternWasWrong) patternVisits(); // its message again, in the new language
  });
  function putBack(next, shown) {
    const keepLang = lang;
    replaceState(next);
    state.lang = lang = keepLang;
    alwaysShow = shown;
    linkError = null;
    saveSoon(true);
    renderAll();
  }
  refs.resetButton.addEventListener('click', () => {
    const before = { state: structuredClone(state), alwaysShow, lastGood };
    putBack(makeExample(), new Set());
    // Nothing to undo when the example was on screen already.
    const shown = (s) => JSON.stringify([toScenario(s), s.pattern]);
    showUndo(shown(before.state) === shown(state) ? null : before);
    announce(t(lang, 'resetDone'));
  });
  refs.undoButton.addEventListener('click', () => {
    // The result kept while the scenario brought back has an error is its own, not the example's.
    if (beforeReset.lastGood) {
      lastGood = { ...beforeReset.lastGood, lang };
      try { renderResult(lastGood); } catch { /* it ran before; the next run says what is wrong */ }
    }
    putBack(beforeReset.state, beforeReset.alwaysShow);
    showUndo(null);
    refs.resetButton.focus(); // the button is gone
  });

  refs.policy.addEventListener('change', () => {
    // What-ifs belong to a policy: put this one's aside and bring back the new one's.
    state.savedOverrides[state.policy] = state.overrides;
    state.policy = refs.policy.value;
    state.overrides = state.savedOverrides[state.policy] ?? {};
    const members = (currentPolicy()?.members ?? []).map((m) => m.key);
    if (!members.includes(state.member)) state.member = members[0] ?? '';
    alwaysShow = new Set();
    renderMemberAndFigures();
    changed();
  });
  refs.member.addEventListener('change', () => {
    state.member = refs.member.value;
    renderFigures();
    changed();
  });
  refs.settlement.addEventListener('change', () => {
    state.settlement = refs.settlement.value;
    renderSettlementHint();
    renderFigures();
    changed();
  });

  for (const end of ['start', 'end']) {
    refs[end].addEventListener('input', () => {
      state.period[end] = refs[end].value;
      renderPeriodHelp();
      renderFigures(); // the versions in force may have changed
      changed();
    });
  }
  refs.fullYear.addEventListener('click', () => {
    // Visits just as the pattern made them for the old period are made again for the year (else
    // they would fall outside it); visits the user changed stay as they are.
    const fromPattern = sameVisits(state.visits, generateOrNothing(toPattern(state), lang));
    state.period = calendarYear(periodYear());
    refs.start.value = state.period.start;
    refs.end.value = state.period.end;
    if (fromPattern) {
      state.visits = generateOrNothing(toPattern(state), lang);
      showAllVisits(refs, false);
      renderVisitEditor(refs, state.visits, lang, prefix);
    }
    renderPeriodHelp();
    renderFigures();
    changed();
  });

  const patternBox = refs.replaceVisits.closest('fieldset');
  const onPatternEdit = (event) => {
    const input = event.target.closest('[data-pattern]');
    if (!input) return;
    state.pattern[input.dataset.pattern] = input.value;
    renderPatternKind();
    clearMessages(patternBox);
    saveSoon();
  };
  patternBox.addEventListener('input', onPatternEdit);
  patternBox.addEventListener('change', onPatternEdit);
  /** The pattern's visits, or null with a message beside the pattern's field that is wrong. */
  const patternVisits = () => {
    clearMessages(patternBox);
    try {
      return callCore('generate', toPattern(state), lang);
    } catch (error) {
      // The core names the pattern's own fields ("amount", maybe "pattern.amount"); its range is the period.
      const name = (error.field ?? 'kind').replace(/^pattern\./, '');
      const input = inputForField(['start', 'end'].includes(name) ? `period.${name}` : `pattern.${name}`) ?? refs.replaceVisits;
      // What the browser would not take as a number ("1e") reaches the core as "", as if emptied.
      const message = input.type === 'number' && input.validity.badInput ? t(lang, 'badWholeNumber') : errorText(error);
      showMessage(input, message, 'error');
      return null;
    }
  };
  const generateInto = (replace) => {
    const visits = patternVisits();
    // Pressing the button changes nothing on an error: take the reader to the field that says why.
    if (!visits) return reveal(shownMessages.at(-1)?.input ?? refs.replaceVisits);
    // Added visits go in date order among the old ones so the editor reads like a diary.
    state.visits = replace ? visits : [...state.visits, ...visits].sort((a, b) => a.date.localeCompare(b.date));
    if (replace) showAllVisits(refs, false);
    renderVisitEditor(refs, state.visits, lang, prefix);
    announce(t(lang, replace ? 'visitsReplaced' : 'visitsAdded', { n: visits.length }));
    changed();
  };
  refs.replaceVisits.addEventListener('click', () => generateInto(true));
  refs.addVisits.addEventListener('click', () => generateInto(false));

  bindVisitEditor(refs, state, { changed, rerender: () => renderVisitEditor(refs, state.visits, lang, prefix) });

  refs.accountOn.addEventListener('change', () => {
    state.accountOn = refs.accountOn.checked;
    renderAccountFields();
    renderFigures();
    changed();
  });
  const onAccountEdit = (event) => {
    const input = event.target.closest('[data-account]');
    if (!input) return;
    state.account[input.dataset.account] = input.type === 'checkbox' ? input.checked : input.value;
    if (input.type === 'checkbox') renderFigures(); // the yearly credit needs its figure
    changed();
  };
  refs.accountFields.addEventListener('input', onAccountEdit);
  refs.accountFields.addEventListener('change', onAccountEdit);

  const statusOf = (key) =>
    policyFigures(currentPolicy(), state, new Set([key.split('@')[0]])).find((f) => f.overrideKey === key)?.status;
  bindFigureInputs(refs.adjustDetails.parentElement, state, { lang: () => lang, changed, statusOf });

  /** Shows the scenario of a link opened while the estimator runs (the page's hash changed). */
  function openFragment(text) {
    linkError = null;
    const scenario = openLink(text);
    if (!scenario) {
      linkNotice = 'badLinkUnchanged';
      // A link that cannot be opened changes nothing but the language it asks for: the scenario
      // on screen stays, with the notice.
      if (state.lang === lang) return renderNotice();
      state.lang = lang;
      saveSoon(true);
      return renderAll();
    }
    showUndo(null);
    replaceState(stateFromScenario(scenario, lang));
    alwaysShow = new Set();
    renderAll();
  }

  refs.loadStatus.hidden = true;
  refs.layout.hidden = refs.toolbar.hidden = false; // their buttons do nothing before
  // The chart's box does not depend on what fills the page: measured while the page is still
  // empty, it costs a layout of next to nothing instead of one of the whole page.
  chartWidth = chartBoxWidth(refs.chart);
  renderAll();
  const api = {
    state,
    scenario: () => toScenario(state), // the scenario on screen, as the core takes it
    recalculate: recalculateNow,
    openFragment,
    remembers: Boolean(saver?.works), // whether a reload will bring this tab's scenario back
    dispose() { // before another estimator takes this one's place
      saver?.stop();
      clearTimeout(announceTimer);
    },
    panicForTest() {
      try { callCore('panicForTest'); } catch (error) { showError(error); }
    },
  };
  root.estimator = api;
  return api;
}
