// A page that is the estimator: the standalone page (app.js), the embed page (embed.js) and the
// single-file offline copy (built by scripts/build.py). A link's fragment (#v1;p=…) opens its
// scenario; so does a new fragment typed or pasted while the page is open, and Back and Forward
// go between the links opened.
import { mountEstimator } from './mount.js';

/**
 * A link's scenario (`v1;p=…`) in a URL's fragment, or '' for a fragment that is not one (`#top`
 * from a site's template, a skip link): those are left to the page. Anything after a second `#`,
 * which a chat app or a tracker may add, is not part of the link.
 */
function linkIn(url) {
  const fragment = new URL(url).hash.slice(1).split('#')[0];
  return /^v\d/i.test(fragment) ? fragment : '';
}

/**
 * embed: the compact layout for an iframe, remembering nothing. alone: the page in one file
 * (offline.html), with no embed.html or widget.js beside it to offer. wasm: the wasm itself
 * (bytes), when it is not a file next to the bindings.
 */
export async function startPage({ embed = false, alone = false, wasm } = {}) {
  const root = document.querySelector('[data-estimator]');
  if (!root) return;
  const remember = !embed;
  const estimator = await mountEstimator(root, {
    page: true, compact: embed, share: !embed, embedCodes: !alone, storageKey: remember ? 'outpatient-estimator' : null,
    fragment: linkIn(location.href), wasm,
  });
  if (!estimator) return;
  // Once opened, the scenario is remembered like any other, so the address no longer needs the
  // fragment: a reload then keeps later edits. The link stays with its place in the history, for
  // Back and Forward. The embed page remembers nothing and keeps the fragment; so does a page whose
  // browser lets it remember nothing (a reload would lose the scenario otherwise).
  const forget = (fragment) => {
    if (fragment && remember && estimator.remembers) history.replaceState({ fragment }, '', location.pathname + location.search);
  };
  forget(linkIn(location.href));
  window.addEventListener('hashchange', (event) => {
    const text = linkIn(event.newURL);
    if (!text) return;
    estimator.openFragment(text);
    forget(text);
  });
  window.addEventListener('popstate', (event) => {
    if (event.state?.fragment) estimator.openFragment(event.state.fragment);
  });
}
