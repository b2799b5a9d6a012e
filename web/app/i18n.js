// i18n.js: every string the UI shows comes from i18n/en.json or
// i18n/zh-CN.json (flat "area.name" keys, "{name}" placeholders). Numbers,
// money, percentages and dates are formatted by Intl for the locale. The
// choice is remembered per user in localStorage (and the last one used, for
// the sign-in page).

export const LOCALES = [
	{ code: 'en', name: 'English' },
	{ code: 'zh-CN', name: '简体中文' },
];

const dicts = {};
let current = 'en';

async function load(code) {
	if (!dicts[code]) {
		const res = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
		if (!res.ok) throw new Error(`cannot load translations ${code}: HTTP ${res.status}`);
		dicts[code] = await res.json();
	}
	return dicts[code];
}

function known(code) {
	return LOCALES.some((l) => l.code === code) ? code : null;
}

// The locale to start with: the user's saved one, the last one used, the
// browser's language, English.
export function preferredLocale(userId) {
	const saved = userId != null ? localStorage.getItem(`ecrm.locale.${userId}`) : null;
	if (known(saved)) return saved;
	const last = localStorage.getItem('ecrm.locale');
	if (known(last)) return last;
	return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function setLocale(code, userId) {
	code = known(code) || 'en';
	await Promise.all([load('en'), load(code)]);
	current = code;
	document.documentElement.lang = code;
	localStorage.setItem('ecrm.locale', code);
	if (userId != null) localStorage.setItem(`ecrm.locale.${userId}`, code);
}

export function locale() {
	return current;
}

// t('nav.dashboard'), t('login.locked', { minutes: 3 }). A missing key is a bug: it is
// logged (the browser tests fail on console errors) and the key is shown.
export function t(key, vars) {
	let s = dicts[current] && dicts[current][key];
	if (s === undefined) {
		console.error(`i18n: missing key ${key} (${current})`);
		s = (dicts.en && dicts.en[key]) || key;
	}
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	return s;
}

// Whether a key exists (for optional texts such as a segment's explanation).
export function has(key) {
	return !!(dicts[current] && dicts[current][key] !== undefined);
}

const cache = new Map();
function nf(opts) {
	const k = current + JSON.stringify(opts);
	if (!cache.has(k)) cache.set(k, new Intl.NumberFormat(current, opts));
	return cache.get(k);
}

export function fmtNum(n, digits = 0) {
	if (n === null || n === undefined || Number.isNaN(n)) return '–';
	return nf({ maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

// Money held as integer minor units (pence, fen) of `currency`.
export function fmtMoney(minor, currency, compact = false) {
	if (minor === null || minor === undefined || !currency) return '–';
	let f;
	try {
		f = nf({ style: 'currency', currency, notation: compact ? 'compact' : 'standard' });
	} catch {
		return fmtNum(minor / 100, 2) + ' ' + currency;
	}
	const digits = nf({ style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
	return f.format(minor / 10 ** digits);
}

export function fmtPct(ratio, digits = 1) {
	if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '–';
	return nf({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(ratio);
}

// A Date from Unix seconds or an ISO date ("2011-12-09"); null if neither.
function toDate(v) {
	if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) v = Date.parse(v.length === 10 ? v + 'T00:00:00Z' : v) / 1000;
	if (typeof v !== 'number' || !Number.isFinite(v) || v === 0) return null;
	return new Date(v * 1000);
}

// Unix seconds (or an ISO date) -> a date (UTC: ecrm's days are UTC days).
export function fmtDate(v) {
	const d = toDate(v);
	return d ? new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : '–';
}

export function fmtDateTime(v) {
	const d = toDate(v);
	return d ? new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(d) : '–';
}

// "2011-11" -> "Nov 2011" / "2011年11月".
export function fmtMonth(ym) {
	const [y, m] = ym.split('-').map(Number);
	return new Intl.DateTimeFormat(current, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(
		new Date(Date.UTC(y, m - 1, 1))
	);
}

// "2011-11-30" -> a date.
export function fmtIsoDate(d) {
	if (!d) return '–';
	const [y, m, day] = d.split('-').map(Number);
	return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(
		new Date(Date.UTC(y, m - 1, day))
	);
}
