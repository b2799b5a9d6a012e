// analytics.js: what the models found (fit summaries of the latest run of
// each: RFM, value tiers, lifecycle, BG/NBD, Gamma-Gamma, CLV, churn,
// clusters) and "run analysis now" with progress.
import { html, useState, useEffect, useRef } from '../html.js';
import { api } from '../api.js';
import { t, has, fmtNum, fmtDateTime, fmtDate } from '../i18n.js';
import { useApi, ErrorBox, Loading, PageHead, atLeast } from '../ui.js';

function value(v) {
	if (typeof v === 'number') return Number.isInteger(v) ? fmtNum(v) : fmtNum(v, 4);
	if (v === null || v === undefined) return '–';
	if (typeof v === 'object') return JSON.stringify(v);
	return String(v);
}

// One model's latest run: its parameters and results as a list.
function Model({ m }) {
	const name = m.model || m.name;
	const results = m.results || m.summary || {};
	const flat = Object.entries(results).filter(([, v]) => typeof v !== 'object' || v === null);
	return html`<section class="panel" data-testid=${'model-' + name}>
		<h2>${has('model.' + name) ? t('model.' + name) : name}</h2>
		${has('model.' + name + '.explain') ? html`<p class="hint">${t('model.' + name + '.explain')}</p>` : null}
		<p class="muted">${m.as_of ? t('analytics.as_of', { when: fmtDate(m.as_of) }) : ''}
			${m.finished_at ? ' · ' + t('analytics.finished', { when: fmtDateTime(m.finished_at) }) : ''}</p>
		${flat.length
			? html`<dl class="facts">${flat.map(([k, v]) => html`<dt>${k.replace(/_/g, ' ')}</dt><dd>${value(v)}</dd>`)}</dl>`
			: html`<p class="muted">${t('analytics.no_results')}</p>`}
	</section>`;
}

function models(data) {
	if (!data) return [];
	if (Array.isArray(data.models)) return data.models;
	if (Array.isArray(data.runs)) return data.runs;
	if (data.models && typeof data.models === 'object')
		return Object.entries(data.models).map(([model, v]) => ({ model, ...v }));
	return [];
}

function Run({ id, onDone }) {
	const [st, setSt] = useState({ data: null, error: null });
	const timer = useRef(null);
	useEffect(() => {
		let live = true;
		const poll = async () => {
			try {
				const r = await api('GET', `/api/analytics/runs/${id}`);
				if (!live) return;
				setSt({ data: r, error: null });
				const run = r.run || r;
				if (run.state === 'queued' || run.state === 'running') timer.current = setTimeout(poll, 500);
				else onDone();
			} catch (err) {
				if (live) setSt({ data: null, error: err });
			}
		};
		poll();
		return () => {
			live = false;
			clearTimeout(timer.current);
		};
	}, [id]);
	if (st.error) return html`<${ErrorBox} error=${st.error} what=${t('analytics.run')} />`;
	if (!st.data) return html`<p class="muted" role="status">${t('analytics.starting')}</p>`;
	const run = st.data.run || st.data;
	const pct = run.progress && typeof run.progress.percent === 'number' ? run.progress.percent : null;
	return html`<div class="panel" role="status" aria-live="polite" data-testid="analytics-run">
		<strong>${t('analytics.run_state', { id: run.id || id, state: has('analytics.state.' + run.state) ? t('analytics.state.' + run.state) : run.state || '' })}</strong>
		${run.state === 'queued' || run.state === 'running'
			? html`<progress max="100" value=${pct === null ? undefined : pct} aria-label=${t('analytics.progress')}></progress>
				${run.stage ? html`<p class="muted">${run.stage}</p>` : null}`
			: null}
		${run.error ? html`<div class="notice error" role="alert">${run.error}</div>` : null}
	</div>`;
}

export function AnalyticsPage({ me }) {
	const summary = useApi('/api/analytics/summary');
	const [runId, setRunId] = useState(null);
	const [error, setError] = useState(null);
	const start = async () => {
		setError(null);
		try {
			const r = await api('POST', '/api/analytics/run', {});
			setRunId((r.run && r.run.id) || r.id);
		} catch (err) {
			setError(err);
		}
	};
	const list = models(summary.data);
	return html`<div class="page">
		<${PageHead} title=${t('analytics.title')}>
			${atLeast(me.role, 'analyst')
				? html`<button type="button" class="primary" onClick=${start} disabled=${!!runId && !error}>${t('analytics.run')}</button>`
				: null}
		</${PageHead}>
		<p class="muted">${t('analytics.intro')}</p>
		<${ErrorBox} error=${error} what=${t('analytics.run')} />
		${runId ? html`<${Run} id=${runId} onDone=${() => { setRunId(null); summary.reload(); }} />` : null}
		<${ErrorBox} error=${summary.error} what=${t('analytics.title')} />
		${summary.loading && !summary.data ? html`<${Loading} />` : null}
		${summary.data && !list.length ? html`<p class="muted" data-testid="never-run">${t('analytics.never_run')}</p>` : null}
		<div class="grid2">${list.map((m) => html`<${Model} m=${m} />`)}</div>
	</div>`;
}
