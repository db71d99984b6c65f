// Small DOM helpers. Text always goes in as text nodes, never as markup.
import { t } from './i18n.js';

/** h('p', { class: 'x', text: 'hello' }, child, ...): an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((child) => child != null && child !== false));
  return node;
}

/**
 * Makes `shown` (on the page) look as `made` (just built) does, changing only the texts and
 * attributes that differ, so that the browser lays out only those: a new element is laid out in
 * full, and a recalculation's layout is what costs most (BENCHMARKS.md). Where the two differ in
 * shape, `made` takes the place of that part. For parts without listeners or state of their own.
 */
export function patch(shown, made) {
  if (shown.nodeName !== made.nodeName || shown.childNodes.length !== made.childNodes.length) {
    shown.replaceWith(made);
    return;
  }
  if (shown.nodeType === Node.TEXT_NODE) {
    if (shown.data !== made.data) shown.data = made.data;
    return;
  }
  copyAttributes(shown, made);
  const madeChildren = [...made.childNodes];
  [...shown.childNodes].forEach((child, i) => patch(child, madeChildren[i]));
}

/** Makes `target`'s attributes those of `source`, setting only the values that differ. */
export function copyAttributes(target, source) {
  const from = source.attributes;
  const to = target.attributes;
  // The usual case, an element drawn again: the same names in the same order, and only some values
  // change; they are copied by position, in one pass. Otherwise, by name.
  let sameNames = from.length === to.length;
  for (let i = 0; sameNames && i < from.length; i += 1) {
    const [a, b] = [from[i], to[i]];
    if (a.name !== b.name) sameNames = false;
    else if (a.name !== 'style' && a.value !== b.value) b.value = a.value;
  }
  if (!sameNames) {
    for (const { name } of [...to]) if (!source.hasAttribute(name)) target.removeAttribute(name);
    for (const { name, value } of from) if (name !== 'style' && target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
  // A style through the CSSOM: the CSP (style-src 'self') refuses a style attribute set as text.
  if (target.style.cssText !== source.style.cssText) target.style.cssText = source.style.cssText;
}

// A figure that is not simply stated by a source is marked in words, not only by colour.
const MARKED = new Set(['derived', 'assumed', 'lower_bound', 'upper_bound', 'unknown', 'user']);

export function isMarked(status) {
  return MARKED.has(status);
}

export function badge(lang, status) {
  return h('span', { class: `oe-badge oe-badge-${status}`, text: t(lang, `status.${status}`) });
}

/** The status a figure shows: the user's own what-if wins over the policy's status. */
export function figureStatus(figure) {
  return figure.overridden ? 'user' : figure.status;
}
