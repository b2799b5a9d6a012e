// ui.js: pieces every page uses: data loading, error and "not available"
// states, KPI cards, tables' small parts, role checks.
import { html, useState, useEffect, useCallback } from './html.js';
import { api } from './api.js';
import { t, fmtPct } from './i18n.js';

export const ROLES = ['viewer', 'analyst', 'marketer', 'agent', 'manager', 'admin'];

// Whether `role` is `min` or higher (the server's ordered levels).
export function atLeast(role, min) {
	return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

// Loads `path` (GET) whenever it changes; { data, error, loading, reload }.
// A null path loads nothing.
export function useApi(path) {
	const [state, setState] = useState({ data: null, error: null, loading: !!path });
	const [n, setN] = useState(0);
	useEffect(() => {
		if (!path) {
			setState({ data: null, error: null, loading: false });
			return;
		}
		let live = true;
		setState((s) => ({ data: s.data, error: null, loading: true }));
		api('GET', path).then(
			(data) => live && setState({ data, error: null, loading: false }),
			(error) => live && setState({ data: null, error, loading: false })
		);
		return () => {
			live = false;
		};
	}, [path, n]);
	const reload = useCallback(() => setN((x) => x + 1), []);
	return { ...state, reload };
}

// The shop's main currency (the one most orders are in), asked once per
// page load: an empty period makes the KPI query cheap.
let currencyPromise = null;
export function useCurrency() {
	const [cur, setCur] = useState(null);
	useEffect(() => {
		if (!currencyPromise)
			currencyPromise = api('GET', '/api/dashboard/kpis?from=1970-01-01&to=1970-01-01').then(
				(r) => r.currency,
				() => null
			);
		currencyPromise.then((c) => setCur(c));
	}, []);
	return cur || 'GBP';
}

export function Loading() {
	return html`<p class="muted" role="status">${t('common.loading')}</p>`;
}

// The endpoint behind a page or panel is not on this server yet.
export function Unavailable({ what }) {
	return html`<div class="notice unavailable" role="note">
		<strong>${t('common.unavailable.title')}</strong>
		<p>${t('common.unavailable.body', { what: what || '' })}</p>
	</div>`;
}

// An API failure: not available, not allowed, or the server's message.
export function ErrorBox({ error, what }) {
	if (!error) return null;
	if (error.unavailable) return html`<${Unavailable} what=${what} />`;
	if (error.status === 403)
		return html`<div class="notice error" role="alert">${t('common.forbidden')}</div>`;
	return html`<div class="notice error" role="alert">${error.message}</div>`;
}

// Page heading with an optional row of actions.
export function PageHead({ title, children }) {
	return html`<div class="page-head"><h1>${title}</h1><div class="actions">${children}</div></div>`;
}

// A KPI with its change against the previous period. `kind` "pct" shows the
// change in percentage points; `goodWhenDown` colours falls as good news.
export function KpiCard({ label, value, cur, prev, kind, goodWhenDown, hint }) {
	let change = null;
	let cls = 'flat';
	if (cur !== null && cur !== undefined && prev !== null && prev !== undefined) {
		if (kind === 'pct') {
			const d = (cur - prev) * 100;
			change = (d > 0 ? '+' : '') + d.toFixed(1) + ' ' + t('kpi.pp');
			cls = d > 0.05 ? 'up' : d < -0.05 ? 'down' : 'flat';
		} else if (prev !== 0) {
			const r = (cur - prev) / Math.abs(prev);
			change = (r > 0 ? '+' : '') + fmtPct(r);
			cls = r > 0.0005 ? 'up' : r < -0.0005 ? 'down' : 'flat';
		} else if (cur !== 0) {
			change = t('kpi.new');
			cls = 'up';
		}
	}
	const good = cls === 'flat' ? '' : (cls === 'up') !== !!goodWhenDown ? 'good' : 'bad';
	return html`<div class="kpi" title=${hint || ''}>
		<div class="kpi-label">${label}</div>
		<div class="kpi-value">${value}</div>
		<div class="kpi-change ${cls} ${good}">
			${change === null
				? html`<span class="muted">${t('kpi.no_previous')}</span>`
				: html`<span aria-hidden="true">${cls === 'up' ? '▲' : cls === 'down' ? '▼' : '■'}</span>
						${change} <span class="muted">${t('kpi.vs_previous')}</span>`}
		</div>
	</div>`;
}

// A labelled form field: <label> wraps the control so it is always named;
// the hint stays outside the label, so it is not part of the name.
export function Field({ label, children, hint }) {
	return html`<div class="field">
		<label><span class="field-label">${label}</span>${children}</label>
		${hint ? html`<span class="hint">${hint}</span>` : null}
	</div>`;
}

// Saves `text` as a file the browser downloads.
export function download(filename, text, type = 'text/plain') {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// One CSV field, quoted when needed (RFC 4180).
export function csvField(v) {
	const s = v === null || v === undefined ? '' : String(v);
	return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
