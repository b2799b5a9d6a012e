// customers.js: the customer list: search (Chinese or English names,
// e-mail, phone, shop id), filters (tag, country, city, and the latest
// scores' RFM segment, value tier and lifecycle stage, all combinable),
// sorts (name, dates, revenue, orders, CLV, churn risk), cursor
// pagination, a column chooser (remembered in this browser) and tagging
// several customers at once (one request). The URL's query holds the
// search, so links (e.g. from the dashboard's charts) open a filtered list.
import { html, useState, useEffect } from '../html.js';
import { api, withQuery } from '../api.js';
import { t, has, fmtNum, fmtMoney, fmtPct, fmtDate } from '../i18n.js';
import { navigate } from '../router.js';
import { useApi, useCurrency, ErrorBox, Loading, PageHead, Field, atLeast } from '../ui.js';

const COLUMNS = [
	{ key: 'name', always: true },
	{ key: 'email' },
	{ key: 'phone' },
	{ key: 'city' },
	{ key: 'country' },
	{ key: 'tags' },
	{ key: 'orders', num: true },
	{ key: 'revenue', num: true },
	{ key: 'last_order_at' },
	{ key: 'created_at' },
	{ key: 'external_id' },
	{ key: 'rfm_segment' },
	{ key: 'value_tier' },
	{ key: 'lifecycle_stage' },
	{ key: 'clv', num: true },
	{ key: 'churn_risk', num: true },
];
const DEFAULT_COLUMNS = ['name', 'email', 'city', 'country', 'tags', 'orders', 'revenue', 'last_order_at'];
const SORTS = ['id', '-id', 'name', '-name', 'created_at', '-created_at', '-revenue', 'revenue', '-orders', 'orders',
	'-last_order_at', 'last_order_at', '-clv', 'clv', '-churn_risk', 'churn_risk'];
// The score filters and their values: GET /api/customers's enums
// (docs/openapi.yaml), labelled by segment.*, tier.* and stage.*; these
// lists and SORTS are checked against the spec by tests/browser/enum_check.mjs.
const SCORE_FILTERS = [
	{ key: 'segment', values: ['champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'need_attention',
		'about_to_sleep', 'at_risk', 'cant_lose', 'hibernating', 'lost'] },
	{ key: 'tier', values: ['key', 'normal', 'small'] },
	{ key: 'stage', values: ['prospect', 'new', 'growing', 'mature', 'declining', 'churned'] },
];
const FILTERS = ['q', 'tag', 'country', 'city', 'sort', 'segment', 'tier', 'stage'];

function savedColumns() {
	try {
		const v = JSON.parse(localStorage.getItem('ecrm.customers.columns'));
		if (Array.isArray(v) && v.length) return v;
	} catch {
		// Not saved or unreadable: the defaults.
	}
	return DEFAULT_COLUMNS;
}

function cell(c, key, currency) {
	switch (key) {
		case 'name':
			return html`<a href=${'#/customers/' + c.id}>${c.name || t('customers.unnamed')}</a>${c.erased
				? html` <span class="badge">${t('customers.erased')}</span>`
				: null}`;
		case 'tags':
			return (c.tags || []).map((x) => html`<span class="tag">${x}</span>`);
		case 'orders':
		case 'frequency':
			return fmtNum(c[key]);
		case 'revenue':
		case 'monetary':
			return fmtMoney(c[key], currency);
		case 'clv':
			return c.clv === null || c.clv === undefined ? '–' : fmtMoney(Math.round(c.clv), currency);
		case 'churn_risk':
			return c.churn_risk === null || c.churn_risk === undefined ? '–' : fmtPct(c.churn_risk, 0);
		case 'rfm_segment':
			return c[key] ? label('segment', c[key]) : '–';
		case 'value_tier':
			return c[key] ? label('tier', c[key]) : '–';
		case 'lifecycle_stage':
			return c[key] ? label('stage', c[key]) : '–';
		case 'last_order_at':
		case 'created_at':
			return fmtDate(c[key]);
		default:
			return c[key] || '–';
	}
}

function BulkTag({ ids, onDone }) {
	const [tag, setTag] = useState('');
	const [state, setState] = useState(null);
	const [busy, setBusy] = useState(false);
	// One request for all the selected customers (POST /api/customers/tags).
	const change = async (how) => {
		const name = tag.trim();
		if (!name) return;
		setBusy(true);
		setState(null);
		try {
			const r = await api('POST', '/api/customers/tags', { ids, [how]: [name] });
			setState({ changed: r.changed.length, unchanged: r.unchanged });
			if (how === 'add') setTag('');
			onDone();
		} catch (err) {
			setState({ error: err });
		} finally {
			setBusy(false);
		}
	};
	return html`<form class="toolbar" onSubmit=${(e) => {
		e.preventDefault();
		change('add');
	}} aria-label=${t('customers.bulk_tag')}>
		<${Field} label=${t('customers.bulk_tag_label', { n: ids.length })}>
			<input value=${tag} onInput=${(e) => setTag(e.currentTarget.value)} data-testid="bulk-tag" />
		</${Field}>
		<button type="submit" class="primary" disabled=${busy || !ids.length || !tag.trim()}>${t('customers.add_tag')}</button>
		<button type="button" disabled=${busy || !ids.length || !tag.trim()} onClick=${() => change('remove')}>${t('customers.remove_tag')}</button>
		${state && !state.error
			? html`<span role="status">${t('customers.tag_done', { changed: state.changed, unchanged: state.unchanged })}</span>`
			: null}
		${state && state.error ? html`<${ErrorBox} error=${state.error} />` : null}
	</form>`;
}

export function CustomersPage({ me, query }) {
	const [form, setForm] = useState({ q: query.q || '', tag: query.tag || '', country: query.country || '', city: query.city || '' });
	const [cursors, setCursors] = useState([null]); // cursors of the pages seen
	const [columns, setColumns] = useState(savedColumns());
	const [selected, setSelected] = useState(new Set());
	const [limit, setLimit] = useState(50);
	const filterKey = FILTERS.map((k) => query[k] || '').join('|');
	useEffect(() => {
		setForm({ q: query.q || '', tag: query.tag || '', country: query.country || '', city: query.city || '' });
		setCursors([null]);
		setSelected(new Set());
	}, [filterKey]);
	const cursor = cursors[cursors.length - 1];
	const filtered = FILTERS.some((k) => k !== 'sort' && query[k]);
	const list = useApi(
		withQuery('/api/customers', {
			q: query.q,
			tag: query.tag,
			country: query.country,
			city: query.city,
			segment: query.segment,
			tier: query.tier,
			stage: query.stage,
			sort: query.sort,
			limit,
			cursor,
		})
	);
	const currency = useCurrency();
	const canTag = atLeast(me.role, 'agent');

	const search = (e) => {
		e.preventDefault();
		navigate('/customers', { ...query, ...form });
	};
	const setColumn = (key, on) => {
		const next = COLUMNS.map((c) => c.key).filter((k) => (k === key ? on : columns.includes(k)));
		setColumns(next);
		localStorage.setItem('ecrm.customers.columns', JSON.stringify(next));
	};
	const toggle = (id, on) => {
		const s = new Set(selected);
		on ? s.add(id) : s.delete(id);
		setSelected(s);
	};
	const rows = (list.data && list.data.customers) || [];
	// A score filter shows its own column, so the list says why each is in it.
	const shown = COLUMNS.filter(
		(c) => c.always || columns.includes(c.key) || (c.key === 'rfm_segment' && query.segment) ||
			(c.key === 'value_tier' && query.tier) || (c.key === 'lifecycle_stage' && query.stage)
	);
	// A select applies at once, with what is typed in the text fields.
	const pick = (key, value) => navigate('/customers', { ...query, ...form, [key]: value });

	return html`<div class="page">
		<${PageHead} title=${t('customers.title')} />
		<form class="toolbar" role="search" onSubmit=${search}>
			<div class="grow">
				<${Field} label=${t('customers.search')}>
					<input type="search" value=${form.q} placeholder=${t('customers.search_hint')} title=${t('customers.search_hint')}
						onInput=${(e) => setForm({ ...form, q: e.currentTarget.value })} data-testid="search" />
				</${Field}>
			</div>
			<${Field} label=${t('customers.tag')}><input value=${form.tag} size="10" onInput=${(e) => setForm({ ...form, tag: e.currentTarget.value })} /></${Field}>
			<${Field} label=${t('customers.country')}><input value=${form.country} size="6" onInput=${(e) => setForm({ ...form, country: e.currentTarget.value })} /></${Field}>
			<${Field} label=${t('customers.city')}><input value=${form.city} size="10" onInput=${(e) => setForm({ ...form, city: e.currentTarget.value })} /></${Field}>
			${SCORE_FILTERS.map(
				(f) => html`<${Field} label=${t('customers.' + f.key)}>
					<select value=${query[f.key] || ''} data-testid=${'filter-' + f.key} onChange=${(e) => pick(f.key, e.currentTarget.value)}>
						<option value="">${t('customers.any')}</option>
						${f.values.map((v) => html`<option value=${v}>${label(f.key, v)}</option>`)}
					</select>
				</${Field}>`
			)}
			<${Field} label=${t('customers.sort')}>
				<select value=${query.sort || 'id'} data-testid="sort" onChange=${(e) => pick('sort', e.currentTarget.value)}>
					${SORTS.map((s) => html`<option value=${s}>${t('customers.sort.' + s.replace('-', 'desc_'))}</option>`)}
				</select>
			</${Field}>
			<button type="submit" class="primary">${t('customers.search_button')}</button>
		</form>
		${filtered ? html`<p><a href="#/customers">${t('customers.clear')}</a></p>` : null}
		<details class="chooser">
			<summary>${t('customers.columns')}</summary>
			<fieldset class="columns">
				<legend>${t('customers.columns_legend')}</legend>
				${COLUMNS.filter((c) => !c.always).map(
					(c) => html`<label class="inline"><input type="checkbox" checked=${columns.includes(c.key)}
						onChange=${(e) => setColumn(c.key, e.currentTarget.checked)} /> ${t('customers.col.' + c.key)}</label>`
				)}
			</fieldset>
		</details>
		${canTag && selected.size
			? html`<${BulkTag} ids=${[...selected]} onDone=${() => list.reload()} />`
			: null}
		<${ErrorBox} error=${list.error} what=${t('customers.title')} />
		${list.loading && !list.data ? html`<${Loading} />` : null}
		${list.data
			? html`<div class="panel">
				<div class="table-wrap">
					<table data-testid="customers-table">
						<caption class="visually-hidden">${t('customers.title')}</caption>
						<thead><tr>
							${canTag ? html`<th><span class="visually-hidden">${t('customers.select')}</span></th>` : null}
							${shown.map((c) => html`<th class=${c.num ? 'num' : ''} scope="col">${t('customers.col.' + c.key)}</th>`)}
						</tr></thead>
						<tbody>
							${rows.map(
								(c) => html`<tr>
									${canTag
										? html`<td><input type="checkbox" checked=${selected.has(c.id)} aria-label=${t('customers.select_one', { name: c.name })}
											onChange=${(e) => toggle(c.id, e.currentTarget.checked)} /></td>`
										: null}
									${shown.map((col) => html`<td class=${col.num ? 'num' : ''}>${cell(c, col.key, currency)}</td>`)}
								</tr>`
							)}
						</tbody>
					</table>
				</div>
				${rows.length === 0 ? html`<p class="muted" role="status">${t('customers.none')}</p>` : null}
				<div class="pager">
					<${Field} label=${t('customers.per_page')}>
						<select value=${String(limit)} onChange=${(e) => {
							setLimit(Number(e.currentTarget.value));
							setCursors([null]);
						}}>
							${[25, 50, 100, 200].map((n) => html`<option value=${String(n)}>${n}</option>`)}
						</select>
					</${Field}>
					<span class="muted">${t('customers.page', { n: cursors.length })}</span>
					<button type="button" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>${t('customers.prev')}</button>
					<button type="button" disabled=${!list.data.next_cursor} onClick=${() => setCursors([...cursors, list.data.next_cursor])}>${t('customers.next')}</button>
				</div>
			</div>`
			: null}
	</div>`;
}

function label(prefix, key) {
	return has(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : key;
}
