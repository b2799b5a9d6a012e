// dashboard.js: KPI cards for a chosen period against the one before, and
// charts: revenue by month, new vs returning customers, RFM segments, the
// value-tier Pareto curve, the CLV distribution and the lifecycle funnel.
// Clicking a segment, tier or stage opens the matching customer list.
import { html, useState, useEffect } from '../html.js';
import { withQuery } from '../api.js';
import { t, has, fmtNum, fmtMoney, fmtPct, fmtMonth, fmtIsoDate } from '../i18n.js';
import { navigate } from '../router.js';
import { useApi, useCurrency, ErrorBox, Loading, KpiCard, PageHead, Field, atLeast } from '../ui.js';
import { ChartView, PALETTE } from '../charts.js';

const DAY = 86400000;

function isoDay(ms) {
	return new Date(ms).toISOString().slice(0, 10);
}
function parseDay(s) {
	const [y, m, d] = s.split('-').map(Number);
	return Date.UTC(y, m - 1, d);
}

// from/to of a preset ending on `end` (YYYY-MM-DD).
function presetRange(days, end) {
	return { from: isoDay(parseDay(end) - (days - 1) * DAY), to: end };
}

function Kpis({ data }) {
	const c = data.current;
	const p = data.previous;
	const cur = data.currency;
	return html`<section class="kpis" aria-label=${t('dash.kpis')}>
		<${KpiCard} label=${t('kpi.customers')} value=${fmtNum(c.customers)} cur=${c.customers} prev=${p.customers} hint=${t('kpi.customers.hint')} />
		<${KpiCard} label=${t('kpi.active')} value=${fmtNum(c.active_customers)} cur=${c.active_customers} prev=${p.active_customers} hint=${t('kpi.active.hint')} />
		<${KpiCard} label=${t('kpi.repeat_rate')} value=${fmtPct(c.repeat_rate)} cur=${c.repeat_rate} prev=${p.repeat_rate} kind="pct" hint=${t('kpi.repeat_rate.hint')} />
		<${KpiCard} label=${t('kpi.revenue')} value=${fmtMoney(c.revenue, cur)} cur=${c.revenue} prev=${p.revenue} hint=${t('kpi.revenue.hint')} />
		<${KpiCard} label=${t('kpi.aov')} value=${fmtMoney(c.aov === null ? null : Math.round(c.aov), cur)} cur=${c.aov} prev=${p.aov} hint=${t('kpi.aov.hint')} />
		<${KpiCard} label=${t('kpi.returns_rate')} value=${fmtPct(c.returns_rate)} cur=${c.returns_rate} prev=${p.returns_rate} kind="pct" goodWhenDown=${true} hint=${t('kpi.returns_rate.hint')} />
	</section>`;
}

function moneyAxis(currency) {
	return { ticks: { callback: (v) => fmtMoney(v * 100, currency, true) }, beginAtZero: true };
}

function MonthlyCharts({ data }) {
	const months = data.months || [];
	const labels = months.map((m) => fmtMonth(m.month));
	const cur = data.currency;
	if (!cur || months.every((m) => m.orders === 0))
		return html`<div class="panel"><p class="muted">${t('dash.no_orders')}</p></div>`;
	const revenue = {
		type: 'bar',
		data: {
			labels,
			datasets: [{ label: t('dash.revenue'), data: months.map((m) => m.revenue / 100), backgroundColor: PALETTE[0] }],
		},
		options: {
			plugins: {
				legend: { display: false },
				tooltip: { callbacks: { label: (c) => fmtMoney(Math.round(c.parsed.y * 100), cur) } },
			},
			scales: { y: moneyAxis(cur) },
		},
	};
	const nvr = {
		type: 'bar',
		data: {
			labels,
			datasets: [
				{ label: t('dash.new'), data: months.map((m) => m.new_customers), backgroundColor: PALETTE[2] },
				{ label: t('dash.returning'), data: months.map((m) => m.returning_customers), backgroundColor: PALETTE[0] },
			],
		},
		options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
	};
	const sum = months.map((m) => `${m.month}: ${fmtMoney(m.revenue, cur)}`).join('; ');
	return html`
		<section class="panel" data-testid="chart-revenue">
			<h2>${t('dash.revenue_by_month')}</h2>
			<${ChartView} config=${revenue} label=${t('dash.revenue_by_month')} summary=${sum} />
		</section>
		<section class="panel" data-testid="chart-new-returning">
			<h2>${t('dash.new_vs_returning')}</h2>
			<${ChartView} config=${nvr} label=${t('dash.new_vs_returning')} />
		</section>`;
}

// A panel fed by one of the analytics endpoints; "not available" until the
// server has it, "run the analysis" until it has results.
function AnalyticsPanel({ path, title, testid, children }) {
	const r = useApi(path);
	let body;
	if (r.loading && !r.data) body = html`<${Loading} />`;
	else if (r.error) body = html`<${ErrorBox} error=${r.error} what=${title} />`;
	else body = children(r.data);
	return html`<section class="panel" data-testid=${testid}><h2>${title}</h2>${body}</section>`;
}

function label(prefix, key) {
	return has(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : key;
}

// The rows of an analytics reply (`results` of GET /api/analytics/MODEL)
// under any of `names`.
function rowsOf(data, names) {
	const r = (data && data.results) || data || {};
	for (const n of names) if (Array.isArray(r[n])) return r[n];
	return [];
}
function num(o, names) {
	for (const n of names) if (o && typeof o[n] === 'number') return o[n];
	return 0;
}
function str(o, names) {
	for (const n of names) if (o && typeof o[n] === 'string') return o[n];
	return '';
}

function Empty() {
	return html`<p class="muted">${t('dash.no_scores')}</p>`;
}

// Links to the customer lists: the keyboard way to what a click on a bar does.
function Chips({ kind, keys, counts }) {
	return html`<ul class="chips">
		${keys.map((k, i) => html`<li><a href=${'#/customers?' + kind + '=' + encodeURIComponent(k)}>
			${label(kind, k)}: ${fmtNum(counts[i])}</a></li>`)}
	</ul>`;
}

function RfmChart({ data, currency }) {
	const rows = rowsOf(data, ['segments']).filter((s) => str(s, ['segment']) !== 'none');
	if (!rows.length) return html`<${Empty} />`;
	const keys = rows.map((s) => str(s, ['segment', 'name']));
	const counts = rows.map((s) => num(s, ['customers', 'count']));
	const cfg = {
		type: 'bar',
		data: {
			labels: keys.map((k) => label('segment', k)),
			datasets: [
				{ label: t('dash.customers'), data: counts, backgroundColor: PALETTE[0], yAxisID: 'y' },
				{ label: t('dash.revenue'), data: rows.map((s) => num(s, ['revenue', 'monetary']) / 100), backgroundColor: PALETTE[1], yAxisID: 'y1' },
			],
		},
		options: {
			scales: {
				y: { beginAtZero: true, position: 'left', title: { display: true, text: t('dash.customers') } },
				y1: { ...moneyAxis(currency), position: 'right', grid: { drawOnChartArea: false } },
			},
			plugins: {
				tooltip: {
					callbacks: {
						label: (c) => (c.datasetIndex === 1 ? fmtMoney(Math.round(c.parsed.y * 100), currency) : fmtNum(c.parsed.y)),
					},
				},
			},
		},
	};
	return html`<${ChartView} key=${currency} config=${cfg} label=${t('dash.rfm')} tall=${true}
			onPick=${(i) => navigate('/customers', { segment: keys[i] })} />
		<p class="hint">${t('dash.click_hint')}</p>
		<${Chips} kind="segment" keys=${keys} counts=${counts} />`;
}

// The Pareto curve (GET /api/dashboard/pareto) with the tiers' thresholds.
function TierChart({ data, curve }) {
	const rows = rowsOf(data, ['tiers']);
	const points = (curve && curve.points) || [];
	if (!rows.length && !(curve && curve.customers)) return html`<${Empty} />`;
	const keys = rows.map((r) => str(r, ['tier', 'name']));
	const counts = rows.map((r) => num(r, ['customers', 'count']));
	const cfg = {
		type: 'line',
		data: {
			datasets: [
				{
					label: t('dash.pareto'),
					data: points.map((q) => ({ x: q.customers_share * 100, y: q.profit_share * 100 })),
					borderColor: PALETTE[0],
					backgroundColor: PALETTE[0],
					pointRadius: 2,
					tension: 0.2,
				},
			],
		},
		options: {
			parsing: false,
			plugins: {
				legend: { display: false },
				tooltip: { callbacks: { label: (c) => t('dash.pareto.point', { c: fmtNum(c.parsed.x), p: fmtNum(c.parsed.y, 1) }) } },
			},
			scales: {
				x: { type: 'linear', min: 0, max: 100, title: { display: true, text: t('dash.pareto.x') } },
				y: { min: 0, suggestedMax: 100, title: { display: true, text: t('dash.pareto.y') } },
			},
		},
	};
	return html`<${ChartView} config=${cfg} label=${t('dash.tiers')} />
		${rows.length ? html`<${Chips} kind="tier" keys=${keys} counts=${counts} />` : null}`;
}

// The curve is ecrm's own aggregate; the tier counts come from the tiers
// model's results when the server offers them.
function TierPanel({ curve, me }) {
	// Viewers see the curve (an aggregate); the tiers' customer lists are for
	// analysts and up.
	const tiers = useApi(atLeast(me.role, 'analyst') ? '/api/analytics/tiers' : null);
	let body;
	if (curve.error) body = html`<${ErrorBox} error=${curve.error} what=${t('dash.tiers')} />`;
	else if (!curve.data) body = html`<${Loading} />`;
	else body = html`<${TierChart} data=${tiers.data} curve=${curve.data} />`;
	return html`<section class="panel" data-testid="chart-tiers"><h2>${t('dash.tiers')}</h2>${body}</section>`;
}

// CLV spread: the quantiles the clv model stores (minor units).
function ClvChart({ data, currency }) {
	const r = (data && data.results) || {};
	const d = r.clv || {};
	const qs = ['p10', 'p25', 'median', 'p75', 'p90', 'p99'].filter((q) => typeof d[q] === 'number');
	if (!qs.length) return html`<p class="muted">${r.note || t('dash.no_scores')}</p>`;
	const cfg = {
		type: 'bar',
		data: {
			labels: qs.map((q) => t('dash.clv.' + q)),
			datasets: [{ label: t('dash.clv'), data: qs.map((q) => d[q] / 100), backgroundColor: PALETTE[4] }],
		},
		options: {
			plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => fmtMoney(Math.round(c.parsed.y * 100), currency) } } },
			scales: { y: moneyAxis(currency) },
		},
	};
	return html`<${ChartView} key=${currency} config=${cfg} label=${t('dash.clv')} />
		<p class="hint">${t('dash.clv.note', {
			n: fmtNum(d.customers || 0),
			mean: fmtMoney(Math.round(d.mean || 0), currency),
			top: fmtPct(d.top10_share),
		})}</p>`;
}

function LifecycleChart({ data }) {
	const order = ['prospect', 'new', 'growing', 'mature', 'declining', 'churned'];
	const rows = rowsOf(data, ['stages'])
		.slice()
		.sort((a, b) => order.indexOf(str(a, ['stage'])) - order.indexOf(str(b, ['stage'])));
	if (!rows.length) return html`<${Empty} />`;
	const keys = rows.map((s) => str(s, ['stage', 'name']));
	const counts = rows.map((s) => num(s, ['customers', 'count']));
	const cfg = {
		type: 'bar',
		data: {
			labels: keys.map((k) => label('stage', k)),
			datasets: [{ label: t('dash.customers'), data: counts, backgroundColor: keys.map((k, i) => PALETTE[i % PALETTE.length]) }],
		},
		options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
	};
	return html`<${ChartView} config=${cfg} label=${t('dash.lifecycle')}
			onPick=${(i) => navigate('/customers', { stage: keys[i] })} />
		<p class="hint">${t('dash.click_hint')}</p>
		<${Chips} kind="stage" keys=${keys} counts=${counts} />`;
}

export function DashboardPage({ me }) {
	const [preset, setPreset] = useState('30');
	const [anchor, setAnchor] = useState(null); // the default period's last day
	const [custom, setCustom] = useState({ from: '', to: '' });
	let range = null;
	if (anchor && preset !== '30' && preset !== 'custom') range = presetRange(Number(preset), anchor);
	if (preset === 'custom' && custom.from && custom.to) range = custom;
	const kpis = useApi(range ? withQuery('/api/dashboard/kpis', range) : '/api/dashboard/kpis');
	const monthly = useApi('/api/dashboard/monthly');
	const pareto = useApi('/api/dashboard/pareto');
	useEffect(() => {
		if (kpis.data && !anchor && preset === '30') setAnchor(kpis.data.to);
	}, [kpis.data]);
	const currency = useCurrency();

	return html`<div class="page">
		<${PageHead} title=${t('dash.title')}>
			<div class="period" role="group" aria-label=${t('dash.period')}>
				<${Field} label=${t('dash.period')}>
					<select value=${preset} onChange=${(e) => {
						const v = e.currentTarget.value;
						if (v === 'custom' && kpis.data) setCustom({ from: kpis.data.from, to: kpis.data.to });
						setPreset(v);
					}} data-testid="period">
						<option value="30">${t('dash.period.30')}</option>
						<option value="90">${t('dash.period.90')}</option>
						<option value="365">${t('dash.period.365')}</option>
						<option value="custom">${t('dash.period.custom')}</option>
					</select>
				</${Field}>
				${preset === 'custom'
					? html`<${Field} label=${t('dash.from')}><input type="date" value=${custom.from} onChange=${(e) => setCustom({ ...custom, from: e.currentTarget.value })} /></${Field}>
						<${Field} label=${t('dash.to')}><input type="date" value=${custom.to} onChange=${(e) => setCustom({ ...custom, to: e.currentTarget.value })} /></${Field}>`
					: null}
			</div>
		</${PageHead}>
		${kpis.data
			? html`<p class="muted period-note">${t('dash.period_note', {
					from: fmtIsoDate(kpis.data.from),
					to: fmtIsoDate(kpis.data.to),
					pfrom: fmtIsoDate(kpis.data.previous_from),
					pto: fmtIsoDate(kpis.data.previous_to),
				})}${kpis.data.data_to ? ' ' + t('dash.data_range', { from: fmtIsoDate(kpis.data.data_from), to: fmtIsoDate(kpis.data.data_to) }) : ''}</p>`
			: null}
		<${ErrorBox} error=${kpis.error} what=${t('dash.kpis')} />
		${kpis.data ? html`<${Kpis} data=${kpis.data} />` : kpis.loading ? html`<${Loading} />` : null}
		<div class="grid2">
			${monthly.data ? html`<${MonthlyCharts} data=${monthly.data} />` : html`<section class="panel"><${ErrorBox} error=${monthly.error} what=${t('dash.revenue_by_month')} />${monthly.loading ? html`<${Loading} />` : null}</section>`}
			<${TierPanel} curve=${pareto} me=${me} />
			${atLeast(me.role, 'analyst')
				? html`
					<${AnalyticsPanel} path="/api/analytics/rfm" title=${t('dash.rfm')} testid="chart-rfm">${(d) => html`<${RfmChart} data=${d} currency=${currency} />`}</${AnalyticsPanel}>
					<${AnalyticsPanel} path="/api/analytics/clv" title=${t('dash.clv')} testid="chart-clv">${(d) => html`<${ClvChart} data=${d} currency=${currency} />`}</${AnalyticsPanel}>
					<${AnalyticsPanel} path="/api/analytics/lifecycle" title=${t('dash.lifecycle')} testid="chart-lifecycle">${(d) => html`<${LifecycleChart} data=${d} />`}</${AnalyticsPanel}>`
				: null}
		</div>
	</div>`;
}
