// Small DOM helpers. Text always goes in as text nodes, never as markup.
import { LANG_TAGS, t } from './i18n.js';

/** h('p', { class: 'x', text: 'hello' }, child, ...): an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return node;
}

// Markup goes in only through here: under a site's Trusted Types (require-trusted-types-for
// 'script'), by a policy of the estimator's own, which the site allows by name (README). The only
// markup is the page's own skeleton and the core's SVG chart: no text a user typed.
let policy = null;
try {
  policy = globalThis.trustedTypes?.createPolicy('outpatient-estimator', { createHTML: (markup) => markup });
} catch {
  // the site allows no policy of this name: markup is refused as it would be anyway
}
export const trustedMarkup = (markup) => (policy ? policy.createHTML(markup) : markup);

// A figure that is not simply stated by a source is marked in words, not only by colour.
const MARKED = ['derived', 'assumed', 'lower_bound', 'upper_bound', 'unknown', 'user'];

export function isMarked(status) {
  return MARKED.includes(status);
}

/**
 * "Source: title": the title marked as being in its own language (so that a screen reader reads it
 * so), and said to be in it when that is not the page's.
 */
export function sourceLine(lang, title, titleLang) {
  const other = titleLang !== lang;
  return [
    t(lang, 'source') + t(lang, 'colon'),
    h('span', { lang: other ? LANG_TAGS[titleLang] : null, text: title }),
    other ? t(lang, `titleIn.${titleLang}`) : null,
  ];
}

export function badge(lang, status) {
  return h('span', { class: `oe-badge oe-badge-${status}`, text: t(lang, `status.${status}`) });
}

/** The status a figure shows: the user's own what-if wins over the policy's status. */
export function figureStatus(figure) {
  return figure.overridden ? 'user' : figure.status;
}

/**
 * A box that scrolls is a tab stop, so that a keyboard can scroll it, only while it has something
 * to scroll: a tab stop that does nothing is one more for nothing. Watches the box and its content
 * (a content put in place of the last is watched once the last one's removal is seen).
 */
export function tabStopWhileScrolling(box) {
  const observer = new ResizeObserver(() => {
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (!scrolls) box.removeAttribute('tabindex');
    else if (box.getAttribute('tabindex') !== '0') box.tabIndex = 0;
  });
  observer.observe(box);
}
