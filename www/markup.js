// The fixed skeleton of the estimator. It holds no data and no text: `data-t` names the UI string an
// element shows (filled with textContent), `data-ref` names the elements the code works with, and
// `data-field` is the scenario path an input edits (how a core error finds its input).
// Choices whose names the core knows (policies, members, settlements, facilities) are filled in
// from the core. Ids are written bare here and made unique per mounted estimator by `scopeIds`.
// `data-full-only` marks what the compact layout (a widget's results with a short form) leaves out.

import { trustedMarkup } from './dom.js';

const options = (values, prefix) =>
  values.map((value) => `<option value="${value}" data-t="${prefix}.${value}"></option>`).join('');

function skeleton(level) {
  return `
<header class="oe-header">
  <div>
    <h${level} class="oe-title" data-t="title"></h${level}>
    <p class="oe-intro" data-t="intro" data-full-only></p>
  </div>
  <div class="oe-toolbar" data-ref="toolbar" hidden>
    <button type="button" class="oe-button" data-ref="langButton"></button>
    <button type="button" class="oe-button oe-quiet" data-ref="resetButton" data-t="resetExample"></button>
  </div>
</header>
<p class="oe-load" role="status" data-ref="loadStatus" data-t="loading"></p>
<div class="oe-undo" data-ref="undo" hidden>
  <p data-t="resetDone"></p>
  <button type="button" class="oe-button oe-small" data-ref="undoButton" data-t="undoReset"></button>
</div>
<div class="oe-alert oe-notice" role="alert" data-ref="notice" hidden>
  <p data-ref="noticeText"></p>
  <button type="button" class="oe-button oe-quiet oe-small" data-ref="noticeClose" data-t="dismiss"></button>
</div>
<div class="oe-layout" data-ref="layout" hidden>
<form class="oe-inputs" data-ref="form" novalidate>
  <fieldset class="oe-card">
    <legend data-t="policyLegend"></legend>
    <div class="oe-field"><label for="policy" data-t="policyLabel"></label>
      <select id="policy" data-ref="policy" data-field="policy"></select></div>
    <div class="oe-field"><label for="member" data-t="memberLabel"></label>
      <select id="member" data-ref="member" data-field="member"></select></div>
    <div class="oe-field"><label for="settlement" data-t="settlementLabel"></label>
      <select id="settlement" data-ref="settlement" data-field="settlement" aria-describedby="settlement-hint"></select>
      <p class="oe-hint" id="settlement-hint" data-ref="settlementHint"></p></div>
  </fieldset>

  <fieldset class="oe-card" data-full-only>
    <legend data-t="periodLegend"></legend>
    <div class="oe-pair">
      <div class="oe-field"><label for="start" data-t="start"></label>
        <input id="start" type="date" data-ref="start" data-field="period.start" aria-describedby="period-hint"></div>
      <div class="oe-field"><label for="end" data-t="end"></label>
        <input id="end" type="date" data-ref="end" data-field="period.end" aria-describedby="period-hint"></div>
    </div>
    <p class="oe-hint" id="period-hint" data-ref="periodHint"></p>
    <button type="button" class="oe-button" data-ref="fullYear"></button>
  </fieldset>

  <fieldset class="oe-card" data-full-only>
    <legend data-t="visitsLegend"></legend>
    <fieldset class="oe-pattern">
      <legend data-t="patternLegend"></legend>
      <div class="oe-pair">
        <div class="oe-field"><label for="kind" data-t="patternKind"></label>
          <select id="kind" data-pattern="kind" data-field="pattern.kind">${options(['monthly', 'weekly', 'chronic'], 'pattern')}</select></div>
        <div class="oe-field" data-for-kinds="monthly weekly"><label for="pfacility" data-t="facility"></label>
          <select id="pfacility" data-ref="patternFacility" data-pattern="facility" data-field="pattern.facility"></select></div>
        <div class="oe-field" data-for-kinds="monthly weekly"><label for="pamount" data-t="patternAmount"></label>
          <input id="pamount" type="text" inputmode="decimal" autocomplete="off" data-pattern="amount" data-field="pattern.amount"></div>
        <div class="oe-field" data-for-kinds="monthly weekly"><label for="poos" data-t="patternOutOfScope"></label>
          <input id="poos" type="text" inputmode="decimal" autocomplete="off" data-pattern="out_of_scope" data-field="pattern.out_of_scope"></div>
        <div class="oe-field" data-for-kinds="monthly"><label for="pday" data-t="day"></label>
          <input id="pday" type="number" min="1" max="31" step="1" data-pattern="day" data-field="pattern.day"></div>
        <div class="oe-field" data-for-kinds="weekly"><label for="pweekday" data-t="weekday"></label>
          <select id="pweekday" data-pattern="weekday" data-field="pattern.weekday">${options(['1', '2', '3', '4', '5', '6', '7'], 'weekday')}</select></div>
        <div class="oe-field" data-for-kinds="chronic"><label for="pseed" data-t="seed"></label>
          <input id="pseed" type="number" min="0" step="1" data-pattern="seed" data-field="pattern.seed" aria-describedby="seed-hint">
          <p class="oe-hint" id="seed-hint" data-t="seedHint"></p></div>
      </div>
      <p class="oe-hint" data-t="patternRange"></p>
      <div class="oe-actions">
        <button type="button" class="oe-button" data-ref="replaceVisits" data-t="replaceVisits"></button>
        <button type="button" class="oe-button" data-ref="addVisits" data-t="addVisits"></button>
      </div>
    </fieldset>
    <p class="oe-table-title" id="visits-caption" data-ref="visitsCaption"></p>
    <div class="oe-scroll oe-visit-scroll" role="region" aria-labelledby="visits-caption" data-ref="visitScroll">
      <table class="oe-table oe-visit-table" role="table" aria-labelledby="visits-caption">
        <thead role="rowgroup" data-ref="visitHead"><tr role="row">
          <th scope="col" role="columnheader" data-t="col.date"></th><th scope="col" role="columnheader" data-t="col.facility"></th>
          <th scope="col" role="columnheader" data-t="col.amount"></th><th scope="col" role="columnheader" data-t="col.outOfScope"></th>
          <th scope="col" role="columnheader"><span class="oe-sr" data-t="col.actions"></span></th>
        </tr></thead>
        <tbody role="rowgroup" data-ref="visitRows"></tbody>
      </table>
    </div>
    <button type="button" class="oe-button oe-quiet oe-small" data-ref="moreVisits" hidden></button>
    <p class="oe-hint" data-ref="noVisits" data-t="noVisits" hidden></p>
    <button type="button" class="oe-button" data-ref="addVisit" data-t="addVisit"></button>
  </fieldset>

  <fieldset class="oe-card" data-full-only>
    <legend data-t="accountLegend"></legend>
    <label class="oe-check"><input type="checkbox" data-ref="accountOn"><span data-t="accountUse"></span></label>
    <div class="oe-account" data-ref="accountFields" hidden>
      <div class="oe-field"><label for="balance" data-t="accountBalance"></label>
        <input id="balance" type="text" inputmode="decimal" autocomplete="off" data-account="balance" data-field="account.balance" aria-describedby="balance-hint">
        <p class="oe-hint" id="balance-hint" data-t="accountBalanceHint"></p></div>
      <label class="oe-check"><input type="checkbox" data-account="yearly_credit" data-field="account.yearly_credit"><span data-t="accountYearlyCredit"></span></label>
      <label class="oe-check"><input type="checkbox" data-account="pays_member_share" data-field="account.pays_member_share"><span data-t="accountPays"></span></label>
    </div>
  </fieldset>

  <fieldset class="oe-card oe-figures" data-ref="figuresCard">
    <legend data-t="figuresLegend"></legend>
    <div data-ref="unknownFigures"></div>
    <details class="oe-adjust" data-ref="adjustDetails" data-full-only>
      <summary data-t="adjust"></summary>
      <p class="oe-hint" data-t="adjustIntro"></p>
      <div data-ref="adjustFigures"></div>
    </details>
  </fieldset>

  <div class="oe-peek" data-ref="peek" data-full-only hidden>
    <p data-ref="peekText"></p>
    <button type="button" class="oe-button oe-small" data-ref="peekButton" data-t="peekButton"></button>
  </div>
</form>

<section class="oe-results" data-ref="results" aria-labelledby="results-heading">
  <h${level + 1} id="results-heading" data-ref="resultsHeading" tabindex="-1" data-t="resultsHeading"></h${level + 1}>
  <div class="oe-alert" data-ref="alert" hidden>
    <p data-ref="alertText"></p>
    <button type="button" class="oe-button" data-ref="alertButton"></button>
  </div>
  <p class="oe-summary" id="summary" data-ref="summary"></p>
  <p class="oe-caveat" data-ref="caveat" hidden></p>
  <p class="oe-sr" role="status" data-ref="announcement"></p>
  <div class="oe-stale-area" data-ref="resultBody">
    <figure class="oe-chart-figure">
      <div class="oe-chart-box" data-ref="chart" role="group" data-t-label="chartBox"></div>
      <figcaption class="oe-explainer" data-t="explainer"></figcaption>
    </figure>
    <div class="oe-actions oe-exports" role="group" aria-labelledby="exports-label" data-full-only>
      <span class="oe-sr" id="exports-label" data-t="exportsLabel"></span>
      <button type="button" class="oe-button oe-quiet oe-small" data-ref="exportSvg" data-t="exportSvg" disabled></button>
      <button type="button" class="oe-button oe-quiet oe-small" data-ref="exportPng" data-t="exportPng" disabled></button>
      <button type="button" class="oe-button oe-quiet oe-small" data-ref="exportCsv" data-t="exportCsv" disabled></button>
    </div>
    <p class="oe-hint" role="status" data-ref="exportStatus" data-full-only></p>
    <div class="oe-years" data-ref="years"></div>
    <dl class="oe-totals" data-ref="totals"></dl>
    <p class="oe-table-title" id="results-caption" data-t="resultsCaption" data-full-only></p>
    <div class="oe-scroll oe-result-box" role="region" aria-labelledby="results-caption" data-ref="resultBox" data-full-only>
      <table class="oe-table oe-result-table" aria-labelledby="results-caption">
        <colgroup><col><col><col><col><col><col><col><col></colgroup>
        <thead><tr>
          <th scope="col" data-t="col.date"></th><th scope="col" data-t="col.facility"></th>
          <th scope="col" class="oe-num" data-t="col.amount"></th><th scope="col" class="oe-num" data-t="col.deductible"></th>
          <th scope="col" class="oe-num" data-t="col.ratio"></th><th scope="col" class="oe-num" data-t="col.fund"></th>
          <th scope="col" class="oe-num" data-t="col.self"></th><th scope="col" class="oe-num" data-t="col.capLeft"></th>
        </tr></thead>
        <tbody data-ref="resultRows"></tbody>
      </table>
    </div>
    <button type="button" class="oe-button oe-quiet oe-small" data-ref="moreRows" data-full-only hidden></button>
    <details class="oe-used" data-full-only>
      <summary data-t="figuresUsed"></summary>
      <ul class="oe-figure-list" data-ref="usedFigures"></ul>
    </details>
  </div>
  <details class="oe-share" data-ref="share" data-full-only>
    <summary data-t="shareHeading"></summary>
    <p class="oe-hint" data-t="shareIntro"></p>
    <div class="oe-field"><label for="share-link" data-t="shareLink"></label>
      <textarea id="share-link" class="oe-code" rows="3" readonly spellcheck="false" data-ref="shareLink"></textarea>
      <button type="button" class="oe-button oe-small" data-copy="shareLink" data-t="copyLink"></button></div>
    <div data-ref="embedCodes">
      <div class="oe-field"><label for="share-iframe" data-t="shareIframe"></label>
        <textarea id="share-iframe" class="oe-code" rows="4" readonly spellcheck="false" data-ref="shareIframe"></textarea>
        <button type="button" class="oe-button oe-small" data-copy="shareIframe" data-t="copyIframe"></button></div>
      <div class="oe-field"><label for="share-element" data-t="shareElement"></label>
        <textarea id="share-element" class="oe-code" rows="4" readonly spellcheck="false" data-ref="shareElement"></textarea>
        <button type="button" class="oe-button oe-small" data-copy="shareElement" data-t="copyElement"></button></div>
    </div>
    <p class="oe-hint" role="status" data-ref="copyStatus"></p>
  </details>
</section>
</div>`;
}

let mounted = 0;

/** A fresh copy of the skeleton with ids unique to this estimator (several may share one page). */
export function buildSkeleton(headingLevel) {
  const template = document.createElement('template');
  template.innerHTML = trustedMarkup(skeleton(headingLevel)); // static markup only: no data goes in here
  const prefix = `oe${++mounted}-`;
  const fragment = template.content;
  for (const node of fragment.querySelectorAll('[id]')) node.id = prefix + node.id;
  for (const name of ['for', 'aria-describedby', 'aria-labelledby']) {
    for (const node of fragment.querySelectorAll(`[${name}]`)) {
      node.setAttribute(name, node.getAttribute(name).split(/\s+/).map((id) => prefix + id).join(' '));
    }
  }
  return { fragment, prefix };
}

/** Put the UI strings into every `data-t` element (its text) and `data-t-label` (its aria-label). */
export function applyTexts(container, translate) {
  for (const node of container.querySelectorAll('[data-t]')) node.textContent = translate(node.dataset.t);
  for (const node of container.querySelectorAll('[data-t-label]')) node.setAttribute('aria-label', translate(node.dataset.tLabel));
}

export function collectRefs(container) {
  const refs = {};
  for (const node of container.querySelectorAll('[data-ref]')) refs[node.dataset.ref] = node;
  return refs;
}
