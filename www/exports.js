// Downloads for reuse elsewhere: the chart as the core's own SVG document (the same text as
// `estimate --svg`) or as a PNG drawn from it, and the visit-by-visit table as CSV.
import { t } from './i18n.js';
import { trustedMarkup } from './dom.js';

export const FILE_NAME = 'outpatient-estimate';

/** Saves `blob` as a file called `name` (an object URL on a download link: no page load). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const svgBlob = (svg) => new Blob([svg], { type: 'image/svg+xml' });

/**
 * The chart as a PNG at `scale` times its own size. The SVG is loaded from a data: URL (which the
 * page's img-src allows, unlike blob:) and drawn on a canvas.
 */
export async function pngBlob(svg, scale = 2) {
  const box = new DOMParser().parseFromString(trustedMarkup(svg), 'image/svg+xml').documentElement.viewBox?.baseVal;
  if (!box?.width || !box?.height) throw new Error('the chart has no size');
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(box.width * scale);
  canvas.height = Math.round(box.height * scale);
  canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be made'))), 'image/png');
  });
}

// The columns of the page's visit-by-visit table, with the core's own numbers (not formatted).
const COLUMNS = [
  ['col.date', (visit) => visit.date],
  ['col.facility', (visit, lang) => t(lang, `facilityShort.${visit.facility}`)],
  ['col.amount', (visit) => visit.amount],
  ['col.deductible', (visit) => visit.deductible],
  ['col.ratio', (visit) => visit.ratio],
  ['col.fund', (visit) => visit.fund],
  ['col.self', (visit) => visit.self],
  ['col.capLeft', (visit) => visit.cap_remaining],
];

/** The visit table as CSV: UTF-8 with a byte order mark (so Excel reads the Chinese), CRLF lines. */
export function csvBlob(outcome, lang) {
  const rows = [
    COLUMNS.map(([key]) => t(lang, key)),
    ...outcome.visits.map((visit) => COLUMNS.map(([, value]) => value(visit, lang))),
  ];
  const text = rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  return new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' });
}

function csvCell(value) {
  let text = String(value ?? '');
  // A cell starting like a formula would be run by a spreadsheet; a leading ' keeps it text.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
