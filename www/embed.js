// Entry of embed.html, the page for an iframe: the estimate of the fragment, compact.
import { startPage } from './page.js';

startPage({ embed: true });
