// A page that is the estimator: the standalone page (app.js), the embed page (embed.js) and the
// single-file offline copy (built by scripts/build.py). A link's fragment (#v1;p=…) opens its
// scenario; so does a new fragment typed or pasted while the page is open.
import { mountEstimator } from './mount.js';

const linkIn = (url) => new URL(url).hash.slice(1);

/**
 * embed: the compact layout for an iframe, remembering nothing. wasm: the wasm itself (bytes),
 * when it is not a file next to the bindings.
 */
export async function startPage({ embed = false, wasm } = {}) {
  const root = document.querySelector('[data-estimator]');
  if (!root) return;
  const remember = !embed;
  const estimator = await mountEstimator(root, {
    page: true, compact: embed, share: !embed, storageKey: remember ? 'outpatient-estimator' : null,
    fragment: linkIn(location.href), wasm,
  });
  if (!estimator) return;
  // Once opened, the scenario is remembered like any other, so the address no longer needs the
  // fragment: a reload then keeps later edits. The embed page remembers nothing and keeps it.
  const forget = () => { if (remember && location.hash) history.replaceState(null, '', location.pathname + location.search); };
  forget();
  window.addEventListener('hashchange', (event) => {
    const text = linkIn(event.newURL);
    if (!text) return;
    estimator.openFragment(text);
    forget();
  });
}
