// Entry of the standalone page.
import { startPage } from './page.js';

startPage();
