// Entry of the standalone page: mount the estimator on the page's root element.
import { mountEstimator } from './mount.js';

const root = document.querySelector('[data-estimator]');
if (root) mountEstimator(root, { page: true });
