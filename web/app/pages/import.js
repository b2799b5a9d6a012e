// import.js: upload a CSV of orders or customers: the file's layout is
// shown before anything is sent; a generic customer file gets a column
// mapping (the header row is rewritten to ecrm's field names before
// upload); then live progress by polling the job, its summary, and the bad
// rows with a CSV download.
import { html, useState, useEffect, useRef } from '../html.js';
import { api, withQuery } from '../api.js';
import { t, has, fmtNum, fmtDateTime } from '../i18n.js';
import { useApi, ErrorBox, PageHead, Field, download, csvField } from '../ui.js';

// ecrm's customer fields and the header names that mean them (as the
// server's generic customer format reads them).
const FIELDS = {
	external_id: ['external_id', 'id', 'customer_id', 'customer id', 'customer number', 'client_id'],
	name: ['name', 'full_name', 'full name', 'customer name', '姓名'],
	first_name: ['first_name', 'first name', 'firstname', 'given name', '名'],
	last_name: ['last_name', 'last name', 'lastname', 'surname', 'family name', '姓'],
	email: ['email', 'e-mail', 'email address', 'mail', '邮箱'],
	phone: ['phone', 'phone number', 'mobile', 'telephone', 'tel', '手机'],
	gender: ['gender', 'sex', '性别'],
	birth_date: ['birth_date', 'birthday', 'date_of_birth', 'date of birth', 'dob', '生日'],
	address: ['address', 'address1', 'street', '地址'],
	postcode: ['postcode', 'zip', 'postal_code', 'postal code', 'zip code', '邮编'],
	city: ['city', 'town', '城市'],
	region: ['region', 'state', 'province', 'county', '省份'],
	country: ['country', 'country code', '国家'],
	tags: ['tags', 'labels', '标签'],
	created_at: ['created_at', 'created', 'signup_date', 'registered', 'date registered'],
	consent_email: ['consent_email', 'accepts_marketing', 'accepts marketing', 'email_opt_in'],
	consent_sms: ['consent_sms', 'accepts_sms', 'sms_opt_in'],
};

// Splits one CSV line (RFC 4180 quoting; a header has no line breaks).
export function csvSplit(line) {
	const out = [];
	let cur = '';
	let q = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (q) {
			if (ch === '"' && line[i + 1] === '"') {
				cur += '"';
				i++;
			} else if (ch === '"') q = false;
			else cur += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') {
			out.push(cur);
			cur = '';
		} else cur += ch;
	}
	out.push(cur);
	return out;
}

function guessField(col) {
	const c = col.trim().toLowerCase();
	for (const [f, names] of Object.entries(FIELDS)) if (names.includes(c)) return f;
	return '';
}

// What the file looks like, from its first lines.
function inspect(text, kind) {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length);
	const header = lines.length ? csvSplit(lines[0]) : [];
	const h = header.map((x) => x.trim().toLowerCase());
	let format;
	if (kind === 'orders')
		format = h.includes('invoiceno') && h.includes('stockcode') ? 'uci' : h.includes('name') && h.includes('lineitem quantity') ? 'shopify' : 'transactions';
	else format = 'generic';
	return { header, rows: lines.slice(1, 6).map(csvSplit), lines: lines.length - 1, format };
}

// The job's summary: counts per record kind (new, updated, unchanged) and
// the totals, in words.
function Summary({ summary }) {
	if (!summary || typeof summary !== 'object') return null;
	const name = (k) => (has('import.sum.' + k) ? t('import.sum.' + k) : k);
	const kinds = Object.entries(summary).filter(([, v]) => v && typeof v === 'object');
	const totals = Object.entries(summary).filter(([k, v]) => typeof v === 'number' && k !== 'seconds');
	const cols = ['new', 'updated', 'unchanged'];
	return html`<div data-testid="import-summary">
		${summary.format ? html`<p>${t('import.format_is', { format: has('import.format.' + summary.format) ? t('import.format.' + summary.format) : summary.format })}
			${typeof summary.seconds === 'number' ? ' · ' + t('import.seconds', { s: fmtNum(summary.seconds, 1) }) : ''}</p>` : null}
		${kinds.length
			? html`<div class="table-wrap"><table class="summary-table">
				<caption class="visually-hidden">${t('import.summary')}</caption>
				<thead><tr><th></th>${cols.map((c) => html`<th class="num" scope="col">${name(c)}</th>`)}</tr></thead>
				<tbody>${kinds.map(([k, v]) => html`<tr><th scope="row">${name(k)}</th>
					${cols.map((c) => html`<td class="num">${typeof v[c] === 'number' ? fmtNum(v[c]) : '–'}</td>`)}</tr>`)}</tbody>
			</table></div>`
			: null}
		${totals.length
			? html`<dl class="facts">${totals.map(([k, v]) => html`<dt>${name(k)}</dt><dd>${fmtNum(v)}</dd>`)}</dl>`
			: null}
	</div>`;
}

// Every refused row of a job (all pages) as a CSV download: line, column
// and reason, then the row as it was in the file when this page still has
// the file.
async function downloadErrors(job, fileText) {
	const lines = fileText ? fileText.replace(/^\uFEFF/, '').split(/\r?\n/) : null;
	const header = lines ? csvSplit(lines[0]) : [];
	const rows = [['line', 'column', 'reason', ...header]];
	let cursor = null;
	do {
		const r = await api('GET', withQuery(`/api/imports/${job.id}`, { limit: 200, cursor }));
		for (const e of r.errors || []) {
			const original = lines && e.line >= 2 && lines[e.line - 1] !== undefined ? csvSplit(lines[e.line - 1]) : [];
			rows.push([e.line, e.column_name || e.column, e.reason, ...original]);
		}
		cursor = r.next_cursor;
	} while (cursor);
	download(`import-${job.id}-errors.csv`, rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', 'text/csv');
}

function Job({ id, fileText, onFinished }) {
	const [state, setState] = useState({ data: null, error: null });
	const timer = useRef(null);
	useEffect(() => {
		let live = true;
		const poll = async () => {
			try {
				const r = await api('GET', `/api/imports/${id}`);
				if (!live) return;
				setState({ data: r, error: null });
				if (r.job.state === 'queued' || r.job.state === 'running') timer.current = setTimeout(poll, 400);
				else onFinished && onFinished();
			} catch (err) {
				if (live) setState({ data: null, error: err });
			}
		};
		poll();
		return () => {
			live = false;
			clearTimeout(timer.current);
		};
	}, [id]);
	if (state.error) return html`<${ErrorBox} error=${state.error} what=${t('import.title')} />`;
	if (!state.data) return html`<p class="muted" role="status">${t('import.queued')}</p>`;
	const job = state.data.job;
	const p = job.progress || {};
	const done = job.state === 'done' || job.state === 'failed';
	return html`<section class="panel" data-testid="import-job" aria-live="polite">
		<h2>${t('import.job', { id: job.id })} · ${t('import.state.' + job.state)}</h2>
		<p class="muted">${job.filename || ''} · ${t('import.kind.' + job.kind)}${job.format ? ' · ' + t('import.format_is', { format: job.format }) : ''}</p>
		${!done
			? html`<progress max="100" value=${p.percent || 0} aria-label=${t('import.progress')}></progress>
				<p class="muted">${t('import.bytes', { done: fmtNum(p.bytes_done || 0), total: fmtNum(p.bytes_total || 0) })}</p>`
			: null}
		${job.state === 'failed' ? html`<div class="notice error" role="alert">${job.error || t('import.failed')}</div>` : null}
		${done
			? html`<h3>${t('import.summary')}</h3>
				<p>${t('import.rows', { rows: fmtNum(job.rows || 0), failed: fmtNum(job.rows_failed || 0) })}</p>
				<${Summary} summary=${job.summary} />`
			: null}
		${done && (state.data.errors || []).length
			? html`<h3>${t('import.errors')}</h3>
				<div class="table-wrap"><table>
					<thead><tr><th class="num">${t('import.line')}</th><th>${t('import.column')}</th><th>${t('import.reason')}</th></tr></thead>
					<tbody>${state.data.errors.slice(0, 20).map((e) => html`<tr><td class="num">${e.line}</td><td>${e.column_name || e.column || '–'}</td><td>${e.reason}</td></tr>`)}</tbody>
				</table></div>
				<p><button type="button" onClick=${() => downloadErrors(job, fileText)} data-testid="download-errors">${t('import.download_errors')}</button></p>`
			: null}
	</section>`;
}

export function ImportPage() {
	const [kind, setKind] = useState('orders');
	const [file, setFile] = useState(null); // { name, size, text, info }
	const [mapping, setMapping] = useState([]);
	const [jobId, setJobId] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	// The file behind the job started here (as chosen, before the header
	// was mapped), to show refused rows whole.
	const [sent, setSent] = useState({ id: null, text: null });
	const jobs = useApi('/api/imports?limit=10');

	const choose = async (e) => {
		const f = e.currentTarget.files[0];
		setError(null);
		setJobId(null);
		if (!f) return setFile(null);
		const text = await f.text();
		const info = inspect(text, kind);
		setFile({ name: f.name, size: f.size, text, info });
		setMapping(info.header.map(guessField));
	};
	useEffect(() => {
		if (file) {
			const info = inspect(file.text, kind);
			setFile({ ...file, info });
			setMapping(info.header.map(guessField));
		}
	}, [kind]);

	const upload = async (e) => {
		e.preventDefault();
		if (!file) return;
		setBusy(true);
		setError(null);
		let text = file.text;
		if (kind === 'customers') {
			// The mapping renames header columns; unmapped ones stay custom
			// attributes under their own names.
			const header = file.info.header.map((h, i) => csvField(mapping[i] || h));
			const body = text.replace(/^\uFEFF/, '');
			const nl = body.search(/\r?\n/);
			text = header.join(',') + (nl < 0 ? '' : body.slice(nl));
		}
		try {
			const r = await api('POST', withQuery('/api/imports', { kind, filename: file.name }), undefined, { raw: text, type: 'text/csv' });
			setSent({ id: r.job.id, text: file.text });
			setJobId(r.job.id);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	return html`<div class="page">
		<${PageHead} title=${t('import.title')} />
		<form class="panel" onSubmit=${upload}>
			<p class="muted">${t('import.intro')}</p>
			<div class="toolbar">
				<${Field} label=${t('import.kind')}>
					<select value=${kind} onChange=${(e) => setKind(e.currentTarget.value)} data-testid="import-kind">
						<option value="orders">${t('import.kind.orders')}</option>
						<option value="customers">${t('import.kind.customers')}</option>
					</select>
				</${Field}>
				<${Field} label=${t('import.file')}>
					<input type="file" accept=".csv,text/csv" onChange=${choose} data-testid="import-file" />
				</${Field}>
			</div>
			${file
				? html`<div data-testid="import-format">
					<p><strong>${file.name}</strong>${' · ' + t('import.size', { kb: fmtNum(file.size / 1024, 1) })}${' · ' +
						t('import.lines', { n: fmtNum(file.info.lines) })}${' · ' + t('import.format_is', { format: t('import.format.' + file.info.format) })}</p>
					${kind === 'customers'
						? html`<h3>${t('import.mapping')}</h3>
							<p class="hint">${t('import.mapping_hint')}</p>
							<div class="table-wrap"><table class="mapping">
								<thead><tr><th>${t('import.your_column')}</th><th>${t('import.example')}</th><th>${t('import.ecrm_field')}</th></tr></thead>
								<tbody>${file.info.header.map((h, i) => html`<tr>
									<td>${h}</td><td class="muted">${file.info.rows[0] ? file.info.rows[0][i] : ''}</td>
									<td><select value=${mapping[i]} aria-label=${t('import.field_for', { column: h })}
										onChange=${(e) => setMapping(mapping.map((m, k) => (k === i ? e.currentTarget.value : m)))}>
										<option value="">${t('import.keep_attribute')}</option>
										${Object.keys(FIELDS).map((f) => html`<option value=${f}>${t('import.field.' + f)}</option>`)}
									</select></td>
								</tr>`)}</tbody>
							</table></div>`
						: html`<div class="table-wrap preview"><table>
								<thead><tr>${file.info.header.map((h) => html`<th>${h}</th>`)}</tr></thead>
								<tbody>${file.info.rows.map((r) => html`<tr>${r.map((x) => html`<td>${x}</td>`)}</tr>`)}</tbody>
							</table></div>`}
				</div>`
				: null}
			<${ErrorBox} error=${error} what=${t('import.title')} />
			<p><button type="submit" class="primary" disabled=${!file || busy}>${t('import.upload')}</button></p>
		</form>
		${jobId ? html`<${Job} id=${jobId} fileText=${sent.id === jobId ? sent.text : null} onFinished=${() => jobs.reload()} />` : null}
		<section class="panel">
			<h2>${t('import.recent')}</h2>
			<${ErrorBox} error=${jobs.error} what=${t('import.recent')} />
			${jobs.data && (jobs.data.jobs || []).length
				? html`<div class="table-wrap"><table>
					<thead><tr><th>#</th><th>${t('import.file')}</th><th>${t('import.kind')}</th><th>${t('import.state')}</th><th class="num">${t('import.rows_col')}</th><th>${t('import.when')}</th></tr></thead>
					<tbody>${jobs.data.jobs.map((j) => html`<tr>
						<td><button type="button" class="small" onClick=${() => setJobId(j.id)} aria-label=${t('import.job', { id: j.id })}>${j.id}</button></td>
						<td>${j.filename || '–'}</td><td>${t('import.kind.' + j.kind)}</td><td>${t('import.state.' + j.state)}</td>
						<td class="num">${fmtNum(j.rows || 0)}${j.rows_failed ? ` (${fmtNum(j.rows_failed)} ✗)` : ''}</td><td>${fmtDateTime(j.created_at)}</td>
					</tr>`)}</tbody></table></div>`
				: jobs.data ? html`<p class="muted">${t('import.none')}</p>` : null}
		</section>
	</div>`;
}
