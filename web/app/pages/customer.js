// customer.js: one customer's 360 view: profile (masked for roles without
// the personal-data permission), a timeline of orders, returns and
// interactions, scores explained in plain words, suggested duplicates with
// merge and unmerge, logging an interaction, recommendations, and for
// admins export and erasure.
import { html, useState } from '../html.js';
import { api, withQuery } from '../api.js';
import { t, has, fmtNum, fmtMoney, fmtPct, fmtDate, fmtDateTime } from '../i18n.js';

import { useApi, useCurrency, ErrorBox, Loading, PageHead, Field, atLeast, download } from '../ui.js';

const CHANNELS = ['email', 'phone', 'chat', 'web', 'store', 'social'];

function Profile({ c }) {
	const rows = [
		['email', c.email],
		['phone', c.phone],
		['external_id', c.external_id],
		['city', c.city],
		['region', c.region],
		['country', c.country],
		['postcode', c.postcode],
		['address', c.address],
		['gender', c.gender && label('gender', c.gender)],
		['birth_date', c.birth_date],
		['source', c.source && label('channel', c.source)],
		['created_at', fmtDate(c.created_at)],
	];
	return html`<section class="panel" data-testid="profile">
		<h2>${t('customer.profile')}
			${c.personal_data === 'masked' ? html` <span class="badge warn" title=${t('customer.masked_hint')}>${t('customer.masked')}</span>` : null}
		</h2>
		<dl class="facts">
			${rows.map(([k, v]) => html`<dt>${t('customer.field.' + k)}</dt><dd>${v === null || v === undefined || v === '' ? '–' : v}</dd>`)}
			<dt>${t('customer.field.tags')}</dt><dd>${(c.tags || []).length ? c.tags.map((x) => html`<span class="tag">${x}</span>`) : '–'}</dd>
			<dt>${t('customer.field.consent')}</dt>
			<dd>${c.consent
				? ['email', 'sms', 'profiling'].filter((k) => c.consent[k]).map((k) => t('customer.consent.' + k)).join(', ') || t('customer.consent.none')
				: '–'}</dd>
		</dl>
	</section>`;
}

function Totals({ totals, currency }) {
	if (!totals) return null;
	return html`<section class="kpis" aria-label=${t('customer.totals')}>
		<div class="kpi"><div class="kpi-label">${t('customer.orders')}</div><div class="kpi-value">${fmtNum(totals.orders)}</div></div>
		<div class="kpi"><div class="kpi-label">${t('customer.revenue')}</div><div class="kpi-value">${fmtMoney(totals.revenue, currency)}</div></div>
		<div class="kpi"><div class="kpi-label">${t('customer.returns')}</div><div class="kpi-value">${fmtNum(totals.returns)}</div></div>
		<div class="kpi"><div class="kpi-label">${t('customer.last_order')}</div><div class="kpi-value small">${fmtDate(totals.last_order_at)}</div></div>
	</section>`;
}

function Timeline({ orders, returns, interactions }) {
	const items = [
		...(orders || []).map((o) => ({ at: o.placed_at, kind: 'order', o })),
		...(returns || []).map((r) => ({ at: r.returned_at, kind: 'return', r })),
		...(interactions || []).map((i) => ({ at: i.occurred_at, kind: 'interaction', i })),
	].sort((a, b) => b.at - a.at);
	if (!items.length) return html`<p class="muted">${t('customer.timeline_empty')}</p>`;
	return html`<ol class="timeline" data-testid="timeline">
		${items.map((x) => {
			if (x.kind === 'order')
				return html`<li>
					<span class="when">${fmtDate(x.at)}</span>
					<span><span class="kind order">${t('customer.kind.order')}</span> ${x.o.external_id}
						· ${t('customer.items', { n: x.o.item_count })} · ${label('channel', x.o.channel)}
						${(x.o.items || []).length ? html`<br /><span class="muted">${x.o.items.slice(0, 4).map((it) => it.name || it.sku).filter(Boolean).join(', ')}</span>` : null}</span>
					<span class="amount">${fmtMoney(x.o.total, x.o.currency)}</span>
				</li>`;
			if (x.kind === 'return')
				return html`<li>
					<span class="when">${fmtDate(x.at)}</span>
					<span><span class="kind return">${t('customer.kind.' + (x.r.kind === 'cancellation' ? 'cancellation' : 'return'))}</span> ${x.r.reason || ''}</span>
					<span class="amount">−${fmtMoney(x.r.amount, x.r.currency)}</span>
				</li>`;
			return html`<li>
				<span class="when">${fmtDateTime(x.at)}</span>
				<span><span class="kind interaction">${t('customer.kind.interaction')}</span> ${label('channel', x.i.channel)} · ${label('customer', x.i.direction)}${x.i.kind ? ' · ' + label('contact', x.i.kind) : ''}
					${x.i.subject ? html`<br /><strong>${x.i.subject}</strong>` : null}
					${x.i.body ? html`<br /><span class="muted">${x.i.body}</span>` : null}</span>
				<span class="muted">${x.i.agent || ''}</span>
			</li>`;
		})}
	</ol>`;
}

function label(prefix, key) {
	return has(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : key;
}

// Scores with what they mean. Every number comes with a sentence.
function Scores({ s, currency }) {
	if (!s) return html`<section class="panel"><h2>${t('customer.scores')}</h2><p class="muted">${t('customer.no_scores')}</p></section>`;
	const seg = s.rfm_segment || (s.rfm && s.rfm.segment);
	const pAlive = s.p_alive;
	const churn = s.churn_risk;
	return html`<section class="panel" data-testid="scores">
		<h2>${t('customer.scores')}</h2>
		${seg
			? html`<div>
				<strong>${t('customer.segment')}: ${label('segment', seg)}</strong>
				${s.r ? html` <span class="badge">R${s.r} F${s.f} M${s.m}</span>` : null}
				<p class="explain">${has('segment.' + seg + '.explain') ? t('segment.' + seg + '.explain') : ''}
					${s.recency_days !== null && s.recency_days !== undefined
						? ' ' + t('customer.rfm_facts', { days: fmtNum(s.recency_days), orders: fmtNum(s.frequency), spent: fmtMoney(s.monetary, currency) })
						: ''}</p>
			</div>`
			: null}
		<dl class="facts">
			${s.value_tier ? html`<dt>${t('customer.tier')}</dt><dd>${label('tier', s.value_tier)}</dd>` : null}
			${s.lifecycle_stage ? html`<dt>${t('customer.stage')}</dt><dd>${label('stage', s.lifecycle_stage)}</dd>` : null}
		</dl>
		${typeof pAlive === 'number'
			? html`<div><strong>${t('customer.p_alive')}: ${fmtPct(pAlive, 0)}</strong>
				<meter min="0" max="1" value=${pAlive} aria-label=${t('customer.p_alive')}></meter>
				<p class="explain">${t('customer.p_alive.explain', { p: fmtPct(pAlive, 0) })}
					${typeof s.expected_purchases === 'number' ? ' ' + t('customer.expected', { n: fmtNum(s.expected_purchases, 1) }) : ''}
					${s.frequency === 1 ? ' ' + t('customer.p_alive.one_order') : ''}</p></div>`
			: null}
		${typeof s.clv === 'number'
			? html`<div><strong>${t('customer.clv')}: ${fmtMoney(Math.round(s.clv), currency)}</strong>
				<p class="explain">${t('customer.clv.explain')}</p></div>`
			: null}
		${typeof churn === 'number'
			? html`<div><strong>${t('customer.churn')}: ${fmtPct(churn, 0)}</strong>
				<meter min="0" max="1" low="0.3" high="0.6" optimum="0" value=${churn} aria-label=${t('customer.churn')}></meter>
				<p class="explain">${t(churn >= 0.6 ? 'customer.churn.high' : churn >= 0.3 ? 'customer.churn.medium' : 'customer.churn.low')}</p></div>`
			: null}
		${s.computed_at || s.as_of ? html`<p class="hint">${t('customer.scored_at', { when: fmtDate(s.as_of || s.computed_at) })}</p>` : null}
	</section>`;
}

function Duplicates({ c, onMerged }) {
	const dups = useApi(withQuery('/api/customers/duplicates', { limit: 200 }));
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const pairs = ((dups.data && dups.data.pairs) || []).filter((p) => p.a && p.b && (p.a.id === c.id || p.b.id === c.id));
	const merge = async (other) => {
		setBusy(true);
		setError(null);
		try {
			await api('POST', `/api/customers/${c.id}/merge`, { other });
			onMerged();
			dups.reload();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return html`<section class="panel" data-testid="duplicates">
		<h2>${t('customer.duplicates')}</h2>
		<${ErrorBox} error=${error || dups.error} what=${t('customer.duplicates')} />
		${dups.data && !pairs.length ? html`<p class="muted">${t('customer.no_duplicates')}</p>` : null}
		${pairs.length
			? html`<ul class="plain">${pairs.map((p) => {
					const o = p.a.id === c.id ? p.b : p.a;
					return html`<li>
						<a href=${'#/customers/' + o.id}>${o.name || '#' + o.id}</a>
						<span class="muted"> ${[o.city, o.postcode].filter(Boolean).join(' ')} · ${t('customer.similarity', { p: fmtPct(p.score, 0) })}
							${p.same_phone ? ' · ' + t('customer.same_phone') : ''}</span>
						<button type="button" class="small" disabled=${busy} onClick=${() => merge(o.id)}>${t('customer.merge_into_this')}</button>
					</li>`;
				})}</ul>`
			: null}
	</section>`;
}

function LogInteraction({ c, onLogged }) {
	const [f, setF] = useState({ channel: 'phone', direction: 'inbound', kind: 'call', subject: '', body: '' });
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);
	const submit = async (e) => {
		e.preventDefault();
		setError(null);
		try {
			await api('POST', '/api/interactions', { customer_id: c.id, ...f });
			setNote(t('customer.logged'));
			setF({ ...f, subject: '', body: '' });
			onLogged();
		} catch (err) {
			setError(err);
		}
	};
	return html`<form class="panel" onSubmit=${submit} data-testid="log-interaction">
		<h2>${t('customer.log')}</h2>
		<${ErrorBox} error=${error} what=${t('customer.log')} />
		${note ? html`<div class="notice info" role="status">${note}</div>` : null}
		<div class="toolbar">
			<${Field} label=${t('customer.channel')}>
				<select value=${f.channel} onChange=${(e) => setF({ ...f, channel: e.currentTarget.value })}>
					${CHANNELS.map((ch) => html`<option value=${ch}>${t('channel.' + ch)}</option>`)}
				</select>
			</${Field}>
			<${Field} label=${t('customer.direction')}>
				<select value=${f.direction} onChange=${(e) => setF({ ...f, direction: e.currentTarget.value })}>
					<option value="inbound">${t('customer.inbound')}</option>
					<option value="outbound">${t('customer.outbound')}</option>
				</select>
			</${Field}>
			<${Field} label=${t('customer.kind')}><input value=${f.kind} size="8" onInput=${(e) => setF({ ...f, kind: e.currentTarget.value })} /></${Field}>
		</div>
		<${Field} label=${t('customer.subject')}><input value=${f.subject} onInput=${(e) => setF({ ...f, subject: e.currentTarget.value })} /></${Field}>
		<${Field} label=${t('customer.note')}><textarea value=${f.body} onInput=${(e) => setF({ ...f, body: e.currentTarget.value })}></textarea></${Field}>
		<button type="submit" class="primary">${t('customer.log_button')}</button>
	</form>`;
}

// Why a product is recommended, in the UI's language (the server's own
// `text` is English).
function reason(r) {
	const names = ((r && r.products) || []).map((p) => p.name || p.sku || '#' + p.id).join(', ');
	if (!r) return '';
	if (r.kind === 'rule')
		return t('customer.rec.rule', { products: names, confidence: fmtPct(r.confidence, 0), lift: fmtNum(r.lift, 1) });
	if (r.kind === 'similar') return t('customer.rec.similar', { products: names, similarity: fmtNum(r.similarity, 2) });
	return t('customer.rec.popular');
}

function Recommendations({ c }) {
	const r = useApi(`/api/customers/${c.id}/recommendations`);
	const items = (r.data && r.data.recommendations) || [];
	return html`<section class="panel" data-testid="recommendations">
		<h2>${t('customer.recommendations')}</h2>
		<${ErrorBox} error=${r.error} what=${t('customer.recommendations')} />
		${r.data && !items.length ? html`<p class="muted">${t('customer.no_recommendations')}</p>` : null}
		${items.length
			? html`<ol class="recs">${items.map(
					(x) => html`<li><strong>${(x.product && (x.product.name || x.product.sku)) || '–'}</strong>
						<br /><span class="muted">${reason(x.reason)}</span></li>`
				)}</ol>`
			: null}
		${r.data && r.data.model ? html`<p class="hint">${t('customer.rec.model', { model: r.data.model, when: fmtDate(r.data.computed_at) })}</p>` : null}
	</section>`;
}

function AdminActions({ c, onErased }) {
	const [confirm, setConfirm] = useState('');
	const [error, setError] = useState(null);
	const word = t('customer.erase_word');
	const exportAll = async () => {
		setError(null);
		try {
			const data = await api('GET', `/api/customers/${c.id}/export`);
			download(`customer-${c.id}.json`, JSON.stringify(data, null, 2), 'application/json');
		} catch (err) {
			setError(err);
		}
	};
	const erase = async (e) => {
		e.preventDefault();
		setError(null);
		try {
			await api('DELETE', `/api/customers/${c.id}`);
			setConfirm('');
			onErased();
		} catch (err) {
			setError(err);
		}
	};
	return html`<section class="panel danger-zone" data-testid="admin-actions">
		<h2>${t('customer.admin')}</h2>
		<${ErrorBox} error=${error} />
		<p><button type="button" onClick=${exportAll}>${t('customer.export')}</button>
			<span class="hint"> ${t('customer.export_hint')}</span></p>
		${c.erased_at
			? html`<p class="muted">${t('customer.erased_at', { when: fmtDateTime(c.erased_at) })}</p>`
			: html`<form onSubmit=${erase}>
				<p>${t('customer.erase_explain')}</p>
				<${Field} label=${t('customer.erase_confirm', { word })}>
					<input value=${confirm} onInput=${(e) => setConfirm(e.currentTarget.value)} />
				</${Field}>
				<button type="submit" class="danger" disabled=${confirm !== word}>${t('customer.erase')}</button>
			</form>`}
	</section>`;
}

export function CustomerPage({ me, params }) {
	const id = params.id;
	const view = useApi(`/api/customers/${encodeURIComponent(id)}`);
	const currency = useCurrency();
	const [error, setError] = useState(null);
	if (view.loading && !view.data) return html`<div class="page"><${Loading} /></div>`;
	if (view.error)
		return html`<div class="page"><${PageHead} title=${t('customer.title')} /><${ErrorBox} error=${view.error} what=${t('customer.title')} />
			${view.error.status === 404 && !view.error.unavailable ? html`<p>${t('customer.not_found')}</p>` : null}</div>`;
	const v = view.data;
	const c = v.customer;
	const agent = atLeast(me.role, 'agent');
	const unmerge = async () => {
		setError(null);
		try {
			await api('POST', `/api/customers/${c.id}/unmerge`);
			view.reload();
		} catch (err) {
			setError(err);
		}
	};
	return html`<div class="page">
		<${PageHead} title=${c.name || t('customers.unnamed')}>
			<a href="#/customers">${t('customer.back')}</a>
		</${PageHead}>
		<${ErrorBox} error=${error} />
		${c.merged_into
			? html`<div class="notice info">${t('customer.merged_into')} <a href=${'#/customers/' + c.merged_into}>#${c.merged_into}</a>
				${agent ? html` <button type="button" class="small" onClick=${unmerge}>${t('customer.unmerge')}</button>` : null}</div>`
			: null}
		<${Totals} totals=${v.totals} currency=${currency} />
		<div class="grid2">
			<div>
				<${Profile} c=${c} />
				<${Scores} s=${v.scores} currency=${currency} />
				${agent ? html`<${Duplicates} c=${c} onMerged=${view.reload} />` : null}
				${atLeast(me.role, 'marketer') ? html`<${Recommendations} c=${c} />` : null}
			</div>
			<div>
				<section class="panel">
					<h2>${t('customer.timeline')}</h2>
					<${Timeline} orders=${v.orders} returns=${v.returns} interactions=${v.interactions} />
				</section>
				${agent ? html`<${LogInteraction} c=${c} onLogged=${view.reload} />` : null}
				${atLeast(me.role, 'admin') ? html`<${AdminActions} c=${c} onErased=${view.reload} />` : null}
			</div>
		</div>
	</div>`;
}

