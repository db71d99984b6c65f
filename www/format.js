import { t } from './i18n.js';

// Display formatting of the core's decimal strings. Only for showing numbers: the arithmetic is the
// core's, so nothing here feeds back into a calculation.

/** "12345.60" -> "¥12,345.60" (digits grouped, the core's decimals kept as they are). */
export function yuan(value) {
  if (value == null || value === '') return '—';
  const [whole, fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return '¥' + grouped + (fraction ? '.' + fraction : '');
}

/** "0.655" -> "65.5%". */
export function percent(value) {
  if (value == null || value === '') return '—';
  const shown = (Number(value) * 100).toFixed(2).replace(/\.?0+$/, '');
  return shown + '%';
}

/** What a figure measures (the same split as the core's FigureKind): yuan, ratio, points or multiple. */
export function figureUnit(key) {
  if (key.endsWith('multiple')) return 'multiple';
  if (key.startsWith('ratio.')) return 'ratio';
  if (/^(adjustment|out_of_area)\./.test(key)) return 'points';
  return 'yuan';
}

export function figureValueText(key, value, lang) {
  if (value == null) return '—';
  const unit = figureUnit(key);
  if (unit === 'ratio') return percent(value);
  if (unit === 'points') return t(lang, 'points', { n: percent(value).slice(0, -1) });
  if (unit === 'multiple') return '×' + value;
  return yuan(value);
}

/**
 * Whether the text typed for a figure is exactly the decimal `value`: "0.70" and "70%" are 0.7.
 * False for anything else, or unsure: the core reads the text, this only spares a figure that
 * equals the policy's from being shown as the user's own.
 */
export function sameDecimal(text, value) {
  const exact = (s) => {
    const percent = /[%％]$/.test(s);
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(percent ? s.slice(0, -1).trim() : s);
    if (!match || !(match[2] + (match[3] ?? ''))) return null;
    const fraction = match[3] ?? '';
    return { digits: BigInt(match[1] + match[2] + fraction), scale: fraction.length + (percent ? 2 : 0) };
  };
  const [a, b] = [exact(String(text).trim()), exact(String(value ?? ''))];
  return Boolean(a && b) && a.digits * 10n ** BigInt(b.scale) === b.digits * 10n ** BigInt(a.scale);
}

/** Share of `part` in `whole` as a 0–100 number, for bar widths only. */
export function share(part, whole) {
  const ratio = Number(part) / Number(whole);
  return Number.isFinite(ratio) ? Math.max(0, Math.min(100, ratio * 100)) : 0;
}

/** a − b for two money strings, exactly (in fen); null when either is not plain money. */
export function minusYuan(a, b) {
  const fen = (s) => {
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s ?? ''));
    return match && BigInt(match[1] + match[2] + (match[3] ?? '').padEnd(2, '0'));
  };
  const [x, y] = [fen(a), fen(b)];
  if (x == null || y == null) return null;
  const d = x - y;
  const sign = d < 0n ? '-' : '';
  const abs = (d < 0n ? -d : d).toString().padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}
