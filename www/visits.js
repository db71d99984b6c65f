// The visit editor: one table row per visit of the scenario, in the scenario's own order, so that
// the core's "visits[3].amount" is row 3 here. A long list (a year of daily visits) shows its first
// EDITOR_LIMIT rows until the user asks for all: thousands of inputs would slow every redraw.
import { h } from './dom.js';
import { t } from './i18n.js';

const FACILITIES = ['primary', 'secondary', 'tertiary', 'pharmacy'];

/** Each field of a visit, and the key of its label ("Visit {n} amount (yuan)"). */
export const VISIT_LABELS = {
  date: 'rowLabel.date', facility: 'rowLabel.facility', amount: 'rowLabel.amount', out_of_scope: 'rowLabel.outOfScope',
};

export const EDITOR_LIMIT = 50;

/** The editor's rows: every visit's, or the first EDITOR_LIMIT until `showAllVisits`. */
export function renderVisitEditor(refs, visits, lang, idPrefix) {
  const all = refs.visitRows.oeAll || visits.length <= EDITOR_LIMIT;
  const shown = all ? visits : visits.slice(0, EDITOR_LIMIT);
  refs.visitsCaption.textContent = t(lang, 'visitsCaption', { n: visits.length });
  refs.noVisits.hidden = visits.length > 0;
  refs.moreVisits.hidden = all;
  refs.moreVisits.textContent = t(lang, 'showAllVisits', { shown: shown.length, total: visits.length });
  // The rows last: hiding "show all" after they were replaced left Chromium's table with no box
  // (the page test of a long visit list).
  refs.visitRows.replaceChildren(...shown.map((visit, index) => visitRow(visit, index, lang, idPrefix)));
}

/** Whether the editor shows every row (true after "show all", an added visit, or an error further down). */
export function showAllVisits(refs, all = true) {
  refs.visitRows.oeAll = all;
}

function visitRow(visit, index, lang, idPrefix) {
  const n = index + 1;
  const id = (name) => `${idPrefix}v${index}-${name}`;
  const cell = (name, control) =>
    h('td', { role: 'cell' }, h('label', { class: 'oe-sr', for: id(name), text: t(lang, VISIT_LABELS[name], { n }) }), control);
  const text = (name) =>
    cell(name, h('input', {
      id: id(name), type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'oe-money',
      'data-visit': name, 'data-field': `visits[${index}].${name}`,
    }));

  const date = h('input', { id: id('date'), type: 'date', 'data-visit': 'date', 'data-field': `visits[${index}].date` });
  const facility = h('select', { id: id('facility'), 'data-visit': 'facility', 'data-field': `visits[${index}].facility` },
    FACILITIES.map((f) => h('option', { value: f, text: t(lang, `facilityShort.${f}`) })));
  // The roles keep it a table to every screen reader where a narrow box lays rows out as grids (style.css).
  const row = h('tr', { role: 'row', 'data-index': index },
    cell('date', date),
    cell('facility', facility),
    text('amount'),
    text('out_of_scope'),
    h('td', { role: 'cell' }, h('button', {
      type: 'button', class: 'oe-button oe-quiet oe-delete', 'data-delete': index,
      'aria-label': t(lang, 'deleteVisitLabel', { n }), title: t(lang, 'deleteVisitLabel', { n }),
    }, h('span', { 'aria-hidden': 'true', text: '✕' }))));
  row.oeVisit = visit; // the visit this row edits (see bindVisitEditor)
  // Values are set as properties so that whatever the user typed comes back exactly, valid or not.
  date.value = visit.date;
  facility.value = visit.facility;
  row.querySelector('[data-visit="amount"]').value = visit.amount;
  row.querySelector('[data-visit="out_of_scope"]').value = visit.out_of_scope;
  return row;
}

/** Wire the editor: typing edits the state in place; add and delete change the rows. */
export function bindVisitEditor(refs, state, { changed, rerender }) {
  const onEdit = (event) => {
    const input = event.target.closest('[data-visit]');
    if (!input) return;
    const row = input.closest('tr');
    const visit = state.visits[Number(row.dataset.index)];
    // Replacing the rows (a link opened, Back) blurs the old focused input, whose `change` would
    // write its value into the new visits: only a row drawn for the visit at its index edits it.
    if (!visit || row.oeVisit !== visit) return;
    visit[input.dataset.visit] = input.value;
    changed();
  };
  refs.visitRows.addEventListener('input', onEdit);
  refs.visitRows.addEventListener('change', onEdit);

  refs.visitRows.addEventListener('click', (event) => {
    const button = event.target.closest('[data-delete]');
    if (!button) return;
    const index = Number(button.dataset.delete);
    state.visits.splice(index, 1);
    rerender();
    // Keep keyboard users in place: the next row's delete button, or "add a visit" when none is left.
    const buttons = refs.visitRows.querySelectorAll('[data-delete]');
    (buttons[Math.min(index, buttons.length - 1)] ?? refs.addVisit).focus();
    changed();
  });

  refs.moreVisits.addEventListener('click', () => {
    showAllVisits(refs);
    rerender();
    refs.visitRows.children[EDITOR_LIMIT]?.querySelector('input')?.focus();
  });

  refs.addVisit.addEventListener('click', () => {
    const last = state.visits[state.visits.length - 1];
    state.visits.push({
      date: last?.date ?? state.period.start,
      facility: last?.facility ?? 'primary',
      amount: last?.amount ?? '100.00',
      out_of_scope: '0.00',
    });
    showAllVisits(refs); // the new row is the last one
    rerender();
    refs.visitRows.lastElementChild?.querySelector('input')?.focus();
    changed();
  });
}
