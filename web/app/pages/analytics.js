// analytics.js: what the models found (fit summaries of the latest run of
// each: RFM, value tiers, lifecycle, BG/NBD, Gamma-Gamma, CLV, churn,
// clusters) and "run analysis now" with progress.
import { html, useState, useEffect, useRef } from '../html.js';
import { api } from '../api.js';
import { t, has, fmtNum, fmtMoney, fmtPct, fmtDateTime, fmtDate } from '../i18n.js';
import { useApi, useCurrency, ErrorBox, Loading, PageHead, atLeast } from '../ui.js';

// What each model's fit summary shows, in order: a path into its results
// and how to format it; the label is i18n key "fit." + path.
const FACTS = {
	rfm: [['scored', 'num'], ['not_scored', 'num']],
	tiers: [['total_profit', 'money'], ['key_min_profit', 'money'], ['normal_min_profit', 'money'], ['orders_cost_unknown', 'num']],
	lifecycle: [['median_ipt_days', 'num1'], ['used_p_alive', 'bool'], ['churned_by_p_alive', 'num']],
	clusters: [['k', 'num'], ['silhouette', 'num3']],
	clv: [
		['customers', 'num'],
		['repeat_customers', 'num'],
		['bgnbd.r', 'num4'],
		['bgnbd.alpha', 'num4'],
		['bgnbd.a', 'num4'],
		['bgnbd.b', 'num4'],
		['bgnbd.loglik', 'num1'],
		['gammagamma.p', 'num4'],
		['gammagamma.q', 'num4'],
		['gammagamma.gamma', 'num4'],
		['clv.customers', 'num'],
		['clv.mean', 'money'],
		['clv.median', 'money'],
		['clv.sum', 'money'],
		['holdout.actual', 'num1'],
		['holdout.predicted', 'num1'],
		['holdout.mae', 'num3'],
	],
	churn: [['auc', 'num3'], ['customers', 'num'], ['churn_rate', 'pct']],
};
// The per-group table of a model: where its rows are and their columns.
const TABLES = {
	rfm: { rows: 'segments', key: 'segment', family: 'segment', cols: [['customers', 'num'], ['orders', 'num'], ['revenue', 'money']] },
	tiers: { rows: 'tiers', key: 'tier', family: 'tier', cols: [['customers', 'num'], ['profit', 'money'], ['profit_share', 'pct']] },
	lifecycle: { rows: 'stages', key: 'stage', family: 'stage', cols: [['customers', 'num'], ['revenue', 'money']] },
	clusters: { rows: 'clusters', key: 'cluster', family: null, cols: [['customers', 'num'], ['recency_days', 'num1'], ['frequency', 'num1'], ['monetary', 'money']] },
};

function at(o, path) {
	return path.split('.').reduce((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o);
}

function show(v, how, currency) {
	if (v === null || v === undefined) return '–';
	switch (how) {
		case 'money':
			return fmtMoney(Math.round(v), currency);
		case 'pct':
			return fmtPct(v);
		case 'bool':
			return v ? t('common.yes') : t('common.no');
		case 'num1':
			return fmtNum(v, 1);
		case 'num3':
			return fmtNum(v, 3);
		case 'num4':
			return fmtNum(v, 4);
		default:
			return typeof v === 'number' ? fmtNum(v) : String(v);
	}
}

// One model's latest run: its fit summary and its groups, in words.
function Model({ m, currency }) {
	const name = m.model;
	const r = m.results || {};
	const facts = (FACTS[name] || []).filter(([path]) => at(r, path) !== undefined);
	const table = TABLES[name];
	const rows = table && Array.isArray(r[table.rows]) ? r[table.rows] : [];
	return html`<section class="panel" data-testid=${'model-' + name}>
		<h2>${has('model.' + name) ? t('model.' + name) : name}</h2>
		${has('model.' + name + '.explain') ? html`<p class="hint">${t('model.' + name + '.explain')}</p>` : null}
		<p class="muted">${m.as_of ? t('analytics.as_of', { when: fmtDate(m.as_of) }) : ''}${m.finished_at
				? ' · ' + t('analytics.finished', { when: fmtDateTime(m.finished_at) })
				: ''}</p>
		${r.note ? html`<p class="notice info">${r.note}</p>` : null}
		${facts.length
			? html`<dl class="facts">${facts.map(([path, how]) => html`<dt>${t('fit.' + path.replace(/\./g, '_'))}</dt><dd>${show(at(r, path), how, currency)}</dd>`)}</dl>`
			: null}
		${rows.length
			? html`<div class="table-wrap"><table>
				<thead><tr><th></th>${table.cols.map(([c, how]) => html`<th class=${how === 'money' || how.startsWith('num') || how === 'pct' ? 'num' : ''}>${t('fit.col.' + c)}</th>`)}</tr></thead>
				<tbody>${rows.map((row) => html`<tr>
					<th scope="row">${table.family && has(table.family + '.' + row[table.key]) ? t(table.family + '.' + row[table.key]) : '#' + row[table.key]}</th>
					${table.cols.map(([c, how]) => html`<td class="num">${show(row[c], how, currency)}</td>`)}
				</tr>`)}</tbody>
			</table></div>`
			: null}
		${!facts.length && !rows.length ? html`<p class="muted">${t('analytics.no_results')}</p>` : null}
	</section>`;
}

// GET /api/analytics/summary: {"models": {"rfm": {...} | null, ...}}; a
// null model has never run.
function models(data) {
	const m = (data && data.models) || {};
	return Object.entries(m)
		.filter(([, v]) => v)
		.map(([model, v]) => ({ model, ...v }));
}
function notRun(data) {
	const m = (data && data.models) || {};
	return Object.keys(m).filter((k) => !m[k]);
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
	// progress is a share (0..1) while running.
	const pct = typeof run.progress === 'number' ? Math.round(run.progress * 100) : null;
	const state = has('analytics.state.' + run.state) ? t('analytics.state.' + run.state) : run.state || '';
	return html`<div class="panel" role="status" aria-live="polite" data-testid="analytics-run" data-state=${run.state || ''}>
		<strong>${t('analytics.run_state', { id: run.id || id, state })}</strong>
		${run.state === 'queued' || run.state === 'running'
			? html`<progress max="100" value=${pct === null ? undefined : pct} aria-label=${t('analytics.progress')}></progress>
				${run.stage ? html`<p class="muted">${t('analytics.stage', { stage: has('model.' + run.stage) ? t('model.' + run.stage) : run.stage })}</p>` : null}`
			: null}
		${run.error ? html`<div class="notice error" role="alert">${run.error}</div>` : null}
	</div>`;
}

export function AnalyticsPage({ me }) {
	const summary = useApi('/api/analytics/summary');
	// The last run started here; it stays shown (with its outcome) after it ends.
	const [runId, setRunId] = useState(null);
	const [running, setRunning] = useState(false);
	const [error, setError] = useState(null);
	const start = async () => {
		setError(null);
		try {
			const r = await api('POST', '/api/analytics/run', {});
			setRunId((r.run && r.run.id) || r.id);
			setRunning(true);
		} catch (err) {
			setError(err);
		}
	};
	const list = models(summary.data);
	const currency = useCurrency();
	return html`<div class="page">
		<${PageHead} title=${t('analytics.title')}>
			${atLeast(me.role, 'manager')
				? html`<button type="button" class="primary" onClick=${start} disabled=${running && !error} data-testid="run-analysis">${t('analytics.run')}</button>`
				: null}
		</${PageHead}>
		<p class="muted">${t('analytics.intro')}</p>
		<${ErrorBox} error=${error} what=${t('analytics.run')} />
		${runId ? html`<${Run} key=${runId} id=${runId} onDone=${() => { setRunning(false); summary.reload(); }} />` : null}
		<${ErrorBox} error=${summary.error} what=${t('analytics.title')} />
		${summary.loading && !summary.data ? html`<${Loading} />` : null}
		${summary.data && !list.length ? html`<p class="muted" data-testid="never-run">${t('analytics.never_run')}</p>` : null}
		${list.length && notRun(summary.data).length
			? html`<p class="muted">${t('analytics.not_run', { models: notRun(summary.data).map((k) => (has('model.' + k) ? t('model.' + k) : k)).join(', ') })}</p>`
			: null}
		<div class="grid2">${list.map((m) => html`<${Model} m=${m} currency=${currency} />`)}</div>
	</div>`;
}
