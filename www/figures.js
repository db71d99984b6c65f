// The policy's figures as inputs: every unknown figure the chosen member and settlement need gets a
// labelled input, and every known one can be changed as a what-if. A changed figure goes into
// `state.overrides` under its key, or `key@VERSIONSTART` when the policy has several versions.
import { badge, h, isMarked, sourceLine } from './dom.js';
import { figureValueText, figureUnit, sameDecimal } from './format.js';
import { asName, t } from './i18n.js';

/** Does this figure matter for this scenario? (The others would only be noise.) */
function figureApplies(key, state) {
  const [group, part] = key.split('.');
  if (group === 'account_credit') return part === state.member && state.accountOn && state.account.yearly_credit;
  if (group === 'adjustment' || group === 'cap') return part === state.member;
  if (key === 'out_of_area.temporary_deductible_multiple') return state.settlement.startsWith('temporary');
  if (group === 'out_of_area') return part === state.settlement;
  return true;
}

/** A figure no source gives and no other figure stands in for: the user must supply it. */
export const isUnknown = (figure) => figure.value == null && !figure.same_as;

// The versions in force at some time in the period (all of them while the period is not valid).
function versionsInPeriod(versions, { start, end }) {
  const isDate = (d) => /^\d{4}-\d{2}-\d{2}$/.test(d);
  if (!isDate(start) || !isDate(end) || end < start) return versions;
  // None for a period wholly before the policy: the fund pays nothing, whatever the figures.
  return versions.filter((v, i) => v.start <= end && (i + 1 === versions.length || versions[i + 1].start > start));
}

/** The core's label of a figure key (trace figures carry only the key). */
export function labelOf(policy, key) {
  for (const version of policy?.versions ?? []) {
    const figure = version.figures.find((f) => f.key === key);
    if (figure) return asName(figure.label);
  }
  return key;
}

/**
 * Whether the form keeps a figure's what-if per version (`key@START`) rather than under its plain
 * key: the core's `per_version`, which depends on the policy alone, not on the period, so that a
 * figure keeps its key when the period changes.
 */
const perVersion = (policy, key) => (policy?.versions ?? []).some((v) => v.figures.some((f) => f.key === key && f.per_version));

/**
 * A scenario's what-ifs under the keys the form keeps them by, with what the core makes of them:
 * a plain key the form asks per version becomes one key for each version with the figure (a key
 * given for a version wins there), and a key scoped to a policy's only version becomes the plain
 * key. Else a link's `o=ratio.primary:0.8` would count while the form showed the policy's figure.
 */
export function formOverrides(policy, overrides) {
  const versions = policy?.versions ?? [];
  const out = {};
  const entries = Object.entries(overrides ?? {});
  for (const [key, value] of entries.filter(([name]) => !name.includes('@'))) {
    if (!perVersion(policy, key)) out[key] = value;
    else for (const v of versions) if (v.figures.some((f) => f.key === key)) out[`${key}@${v.start}`] = value;
  }
  // Then the keys given for a version, which win there over a plain key, as in the core.
  for (const [name, value] of entries.filter(([name]) => name.includes('@'))) {
    out[versions.length === 1 ? name.split('@')[0] : name] = value;
  }
  return out;
}

/**
 * The policy's figures that matter now, each with the override key it is stored under
 * (`per_version`), in the core's reading order: the deductible, the ratios by tier, the cap, and
 * the rest, version by version.
 */
export function policyFigures(policy, state, alwaysShow = new Set()) {
  const inPeriod = versionsInPeriod(policy?.versions ?? [], state.period);
  const all = inPeriod.flatMap((version) => version.figures.map((f) => ({ ...f, start: version.start })));
  const seen = new Set();
  const figures = [];
  for (const figure of all) {
    const overrideKey = figure.per_version ? `${figure.key}@${figure.start}` : figure.key;
    if (seen.has(overrideKey)) continue;
    seen.add(overrideKey);
    if (figureApplies(figure.key, state) || alwaysShow.has(figure.key)) figures.push({ ...figure, overrideKey });
  }
  return figures;
}

/**
 * `onlyVisitedTiers`: ask for an unknown ratio only where a visit is at that tier (a compact widget,
 * whose visits come from its scenario: an input for a tier it never visits would only puzzle).
 */
export function renderFigureInputs(refs, { policy, state, lang, idPrefix, alwaysShow, onlyVisitedTiers = false }) {
  const visited = new Set(state.visits.map((v) => `ratio.${v.facility}`));
  const figures = policyFigures(policy, state, alwaysShow)
    .filter((f) => !onlyVisitedTiers || !isUnknown(f) || !f.key.startsWith('ratio.') || visited.has(f.key) || alwaysShow.has(f.key));
  const several = (policy?.versions ?? []).length > 1;
  // Inside a version's own fieldset the legend names the version; elsewhere the label must.
  const field = (figure, inVersionGroup) => figureField(figure, {
    state, lang, id: `${idPrefix}f-${figure.overrideKey}`,
    nameVersion: figure.per_version && !inVersionGroup, sameAsName: figure.same_as && labelOf(policy, figure.same_as),
  });

  const unknown = figures.filter(isUnknown);
  const introId = `${idPrefix}unknown-intro`;
  refs.unknownFigures.replaceChildren(...(unknown.length === 0 ? [] : [
    h('p', { class: 'oe-hint oe-unknown-intro', id: introId, text: t(lang, 'unknownIntro') }),
    ...unknown.map((f) => field(f, false)),
  ]));
  for (const input of refs.unknownFigures.querySelectorAll('input')) {
    input.setAttribute('aria-describedby', `${introId} ${input.getAttribute('aria-describedby')}`);
  }

  const known = figures.filter((f) => !isUnknown(f));
  const byVersion = groupBy(known, (f) => f.start);
  refs.adjustFigures.replaceChildren(...[...byVersion].map(([start, list]) =>
    several
      ? h('fieldset', { class: 'oe-version' }, h('legend', { text: t(lang, 'versionFrom', { date: start }) }), list.map((f) => field(f, true)))
      : h('div', {}, list.map((f) => field(f, false)))));
}

function groupBy(list, keyOf) {
  const groups = new Map();
  for (const item of list) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

function figureField(figure, { state, lang, id, nameVersion, sameAsName }) {
  const label = asName(figure.label ?? figure.key);
  const name = nameVersion ? t(lang, 'versionNamed', { name: label, date: figure.start }) : label;
  // The core's label already names the unit; how to write a ratio still needs saying.
  const unitKey = { ratio: 'unitRatio', points: 'unitPoints', multiple: 'unitMultiple' }[figureUnit(figure.key)];
  const hintId = `${id}-hint`;
  const input = h('input', {
    id, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': hintId,
    'data-override': figure.overrideKey, 'data-field': `overrides.${figure.overrideKey}`,
    'data-policy-value': figure.value ?? '',
  });
  input.value = state.overrides[figure.overrideKey] ?? figure.value ?? '';
  if (sameAsName) input.placeholder = sameAsName;
  const reset = h('button', {
    type: 'button', class: 'oe-button oe-quiet oe-small', 'data-reset': figure.overrideKey,
    'aria-label': t(lang, 'resetFigureLabel', { name }), text: t(lang, 'resetFigure'),
  });
  const parts = [
    unitKey ? t(lang, unitKey) : '',
    figure.value != null ? t(lang, 'policyFigure', { value: figureValueText(figure.key, figure.value, lang) }) : '',
    sameAsName ? t(lang, 'sameAs', { name: sameAsName }) : '',
    figure.source_title ? sourceLine(lang, figure.source_title, figure.source_title_lang) : '',
    figure.note ?? '',
  ].filter((part) => part.length);
  const hint = h('p', { class: 'oe-hint', id: hintId }, parts.map((part, i) => (i ? [t(lang, 'sep'), part] : part)));
  const wrapper = h('div', { class: 'oe-field oe-figure', 'data-figure': figure.overrideKey },
    h('div', { class: 'oe-figure-head' }, h('label', { for: id, text: name }), h('span', { class: 'oe-badge-slot' })),
    h('div', { class: 'oe-inline' }, input, isUnknown(figure) ? null : reset),
    hint);
  markFigure(wrapper, figure.status, state, lang);
  return wrapper;
}

/** Show whose figure this is now: the user's what-if, or the policy's status when it is not plain. */
function markFigure(wrapper, policyStatus, state, lang) {
  const key = wrapper.dataset.figure;
  const userOwned = key in state.overrides && state.overrides[key].trim() !== '';
  const status = userOwned ? 'user' : policyStatus;
  wrapper.querySelector('.oe-badge-slot').replaceChildren(isMarked(status) ? badge(lang, status) : '');
  wrapper.classList.toggle('oe-user', userOwned);
  const reset = wrapper.querySelector('[data-reset]');
  if (reset) reset.hidden = !userOwned;
}

/** Wire both figure lists: typing sets or clears an override, "reset" goes back to the policy's figure. */
export function bindFigureInputs(container, state, { lang, changed, statusOf }) {
  container.addEventListener('input', (event) => {
    const input = event.target.closest('[data-override]');
    if (!input) return;
    const key = input.dataset.override;
    // The policy's own figure, or nothing at all, is not a what-if.
    if (input.value.trim() === '' || sameDecimal(input.value, input.dataset.policyValue)) delete state.overrides[key];
    else state.overrides[key] = input.value;
    markFigure(input.closest('[data-figure]'), statusOf(key), state, lang());
    changed();
  });
  container.addEventListener('click', (event) => {
    const button = event.target.closest('[data-reset]');
    if (!button) return;
    const key = button.dataset.reset;
    delete state.overrides[key];
    const wrapper = button.closest('[data-figure]');
    const input = wrapper.querySelector('[data-override]');
    input.value = input.dataset.policyValue;
    markFigure(wrapper, statusOf(key), state, lang());
    input.focus();
    changed();
  });
}
