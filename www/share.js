// The "share and embed" panel: a link to the estimate on screen, and the code that puts it on
// another site, as an iframe (embed.html) or as the <outpatient-estimator> widget (widget.js).
// Everything goes into read-only text areas as text.
import { t } from './i18n.js';

// The page's own folder: embed.html and widget.js sit beside this module.
const HERE = new URL('./', import.meta.url);

/** A value for a double-quoted HTML attribute, with `& < > "` written as character references. */
function attribute(text) {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The link, the iframe code and the widget code for a scenario's fragment (`v1;p=…`). */
export function shareCodes(fragment, lang, pageUrl) {
  const embedUrl = new URL(`embed.html#${fragment}`, HERE).href;
  const widgetUrl = new URL('widget.js', HERE).href;
  return {
    shareLink: `${pageUrl.split('#')[0]}#${fragment}`,
    shareIframe: `<iframe src="${attribute(embedUrl)}" title="${attribute(t(lang, 'title'))}" width="100%" height="720" loading="lazy"></iframe>`,
    // `<\/script>`: the same text, but it cannot end a <script> this code is inlined in (offline.html).
    shareElement: `<script type="module" src="${attribute(widgetUrl)}"><\/script>\n` +
      `<outpatient-estimator scenario="${attribute(fragment)}"></outpatient-estimator>`,
  };
}

/**
 * `fragment` null: no link can be made, and the panel says why (`why`, a text key) rather than
 * offer empty texts. `embedCodes`: whether there are embed.html and widget.js beside the page.
 */
export function renderShare(refs, fragment, lang, { why = 'nothingToShare', embedCodes = true } = {}) {
  const codes = fragment == null ? null : shareCodes(fragment, lang, location.href);
  for (const name of ['shareLink', 'shareIframe', 'shareElement']) refs[name].value = codes?.[name] ?? '';
  for (const button of refs.share.querySelectorAll('[data-copy]')) button.disabled = !codes;
  // Code for other sites needs the page on the web; a copy opened from disk can only link to itself.
  refs.embedCodes.hidden = !embedCodes || HERE.protocol === 'file:';
  refs.copyStatus.textContent = codes ? '' : t(lang, why);
}

/** The copy buttons: each names the text area it copies (`data-copy`). */
export function bindShare(refs, { lang }) {
  refs.share.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const area = refs[button.dataset.copy];
    let copied = false;
    try {
      await navigator.clipboard.writeText(area.value);
      copied = true;
    } catch {
      area.select(); // selected, the text is one keystroke from the clipboard
    }
    refs.copyStatus.textContent = t(lang(), copied ? 'copied' : 'copyFailed');
  });
}
