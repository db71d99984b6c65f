// The page state: the scenario as the user typed it (raw strings, never normalised, so an invalid
// entry stays on screen until the user fixes it), the UI language and the pattern builder's fields.
// Saved in sessionStorage, so that a reload (or a phone bringing back a discarded tab) restores this
// tab's own scenario, and, once the user has changed something, in localStorage, where a new tab
// starts from: another tab, or a link merely opened, does not take the place of one's own scenario.
import { langOf, LANGS } from './i18n.js';

const VERSION = 1;

/** Today as YYYY-MM-DD in local time. */
export function isoToday(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Twelve months that cross a 1 January: 1 July last year to 30 June this year. */
export function defaultPeriod(today = isoToday()) {
  const year = Number(today.slice(0, 4));
  return { start: `${year - 1}-07-01`, end: `${year}-06-30` };
}

/** Whether two lists hold the same visits, field by field (none is not the same as any). */
export function sameVisits(a, b) {
  const fields = ['date', 'facility', 'amount', 'out_of_scope'];
  return a.length > 0 && a.length === b.length && a.every((visit, i) => fields.every((f) => visit[f] === b[i][f]));
}

export function calendarYear(year) {
  return { start: `${year}-01-01`, end: `${year}-12-31` };
}

export const EXAMPLE_PATTERN = {
  kind: 'monthly', facility: 'primary', amount: '400.00', out_of_scope: '0.00',
  day: '15', weekday: '1', seed: '42',
};

/** The example: the first policy (a retiree if it has them), monthly visits across 1 January. */
export function exampleState(policies, lang) {
  const policy = policies[0];
  const members = (policy?.members ?? []).map((m) => m.key);
  return {
    v: VERSION,
    lang,
    policy: policy?.id ?? '',
    member: members.includes('retiree') ? 'retiree' : members[0] ?? '',
    settlement: 'local',
    period: defaultPeriod(),
    visits: [],
    pattern: { ...EXAMPLE_PATTERN },
    accountOn: false,
    account: { balance: '0.00', yearly_credit: true, pays_member_share: true },
    overrides: {},
  };
}

/**
 * A page state from a scenario in the API's shape (a pre-filled example, e.g. for a news story);
 * `scenario.pattern`, where given, is the pattern its visits were made from (`fragmentPattern`).
 */
export function stateFromScenario(scenario, lang) {
  const state = exampleState([], langOf(scenario.lang) ?? lang);
  const text = (value, fallback = '') => (value == null ? fallback : String(value));
  const texts = (object) => Object.fromEntries(Object.entries(object ?? {}).map(([key, value]) => [key, text(value)]));
  return {
    ...state,
    policy: text(scenario.policy),
    member: text(scenario.member),
    settlement: text(scenario.settlement, 'local'),
    period: scenario.period ? { start: text(scenario.period.start), end: text(scenario.period.end) } : state.period,
    visits: (scenario.visits ?? []).map((v) => ({
      date: text(v.date), facility: text(v.facility), amount: text(v.amount), out_of_scope: text(v.out_of_scope, '0.00'),
    })),
    overrides: texts(scenario.overrides),
    pattern: { ...state.pattern, ...texts(scenario.pattern) },
    accountOn: Boolean(scenario.account),
    account: scenario.account
      ? { balance: text(scenario.account.balance, '0.00'), yearly_credit: scenario.account.yearly_credit !== false, pays_member_share: scenario.account.pays_member_share !== false }
      : state.account,
  };
}

/** The scenario object `Estimator.run` takes, built from the state without touching the raw texts. */
export function toScenario(state) {
  const scenario = {
    policy: state.policy,
    member: state.member,
    settlement: state.settlement,
    period: { start: state.period.start, end: state.period.end },
    visits: state.visits.map(({ date, facility, amount, out_of_scope }) => ({ date, facility, amount, out_of_scope })),
    overrides: Object.fromEntries(Object.entries(state.overrides).filter(([, value]) => value.trim() !== '')),
    lang: state.lang,
  };
  if (state.accountOn) scenario.account = { ...state.account };
  return scenario;
}

/** The pattern object `Estimator.generate` takes; the range is the period. */
export function toPattern(state) {
  const p = state.pattern;
  // Day, weekday and seed go as typed: the core reads a whole number written as text, and says
  // what is wrong with anything else (tree.rs `integer`).
  const range = { start: state.period.start, end: state.period.end };
  if (p.kind === 'chronic') return { kind: 'chronic', ...range, seed: p.seed };
  const common = { kind: p.kind, ...range, facility: p.facility, amount: p.amount, out_of_scope: p.out_of_scope };
  return p.kind === 'monthly' ? { ...common, day: p.day } : { ...common, weekday: p.weekday };
}

/** This tab's state, or else the one a new tab starts from; null when there is none (or no storage). */
export function loadState(storageKey) {
  for (const storage of ['sessionStorage', 'localStorage']) {
    try {
      const saved = JSON.parse(globalThis[storage].getItem(storageKey));
      if (isState(saved)) return saved;
    } catch {
      // no storage (blocked, private mode) or a damaged entry: try the next, then the example
    }
  }
  return null;
}

export const SAVE_DELAY_MS = 400;

/**
 * Remembers `state` under `storageKey`: `save(edited)` writes it within SAVE_DELAY_MS, for this tab
 * and, once a call said the user `edited` something, for new tabs too. Writing a ten-year scenario
 * takes milliseconds, too long for every keystroke; so it is written at most once every
 * SAVE_DELAY_MS, and at once when the page is hidden or left (a closed tab, a reload, another app on
 * a phone), so that nothing typed is lost. `works`: whether this browser lets the page remember
 * anything. `stop()` writes what is pending and stops listening (an estimator replaced by another).
 */
export function stateSaver(storageKey, state) {
  let timer = 0;
  let edited = false;
  const write = (storage) => {
    try {
      globalThis[storage].setItem(storageKey, JSON.stringify(state));
      return true;
    } catch {
      return false; // storage full or unavailable: the page still works, it just won't remember
    }
  };
  const saveNow = () => {
    clearTimeout(timer);
    timer = 0;
    write('sessionStorage');
    if (edited) write('localStorage');
  };
  const saveIfPending = () => { if (timer) saveNow(); };
  const onHidden = () => { if (document.visibilityState === 'hidden') saveIfPending(); };
  addEventListener('pagehide', saveIfPending);
  document.addEventListener('visibilitychange', onHidden);
  return {
    save(userEdit = false) {
      edited ||= userEdit;
      timer ||= setTimeout(saveNow, SAVE_DELAY_MS);
    },
    works: canStore(),
    stop() {
      saveIfPending();
      removeEventListener('pagehide', saveIfPending);
      document.removeEventListener('visibilitychange', onHidden);
    },
  };
}

function canStore() {
  try {
    sessionStorage.setItem('outpatient-estimator:probe', '');
    sessionStorage.removeItem('outpatient-estimator:probe');
    return true;
  } catch {
    return false;
  }
}

// A saved state from another version of the page, or edited by hand, is dropped rather than trusted.
function isState(s) {
  const text = (x) => typeof x === 'string';
  return s != null && s.v === VERSION && LANGS.includes(s.lang) && text(s.policy) && text(s.member) &&
    text(s.settlement) && s.period && text(s.period.start) && text(s.period.end) &&
    Array.isArray(s.visits) && s.visits.every((v) => v && text(v.date) && text(v.facility) && text(v.amount) && text(v.out_of_scope)) &&
    s.pattern && typeof s.pattern === 'object' && Object.values(s.pattern).every(text) &&
    typeof s.accountOn === 'boolean' && s.account && text(s.account.balance) &&
    s.overrides && typeof s.overrides === 'object' && Object.values(s.overrides).every(text);
}
