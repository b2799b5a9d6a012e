// settings.js: admin only: users and their roles, API keys (a new key is
// shown once). Other roles get a "not allowed" page (the API refuses them
// too).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { useApi, ErrorBox, Loading, PageHead, Field, ROLES, atLeast } from '../ui.js';

function RoleSelect({ value, onChange, label }) {
	return html`<select value=${value} onChange=${(e) => onChange(e.currentTarget.value)} aria-label=${label}>
		${ROLES.map((r) => html`<option value=${r}>${t('role.' + r)}</option>`)}
	</select>`;
}

function Users({ me }) {
	const users = useApi('/api/users');
	const [form, setForm] = useState({ email: '', name: '', role: 'agent', password: '' });
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);

	const add = async (e) => {
		e.preventDefault();
		setError(null);
		try {
			await api('POST', '/api/users', form);
			setNote(t('settings.user_added', { email: form.email }));
			setForm({ email: '', name: '', role: 'agent', password: '' });
			users.reload();
		} catch (err) {
			setError(err);
		}
	};
	const update = async (u, change) => {
		setError(null);
		try {
			await api('PATCH', `/api/users/${u.id}`, change);
			users.reload();
		} catch (err) {
			setError(err);
		}
	};

	return html`<section class="panel">
		<h2>${t('settings.users')}</h2>
		<${ErrorBox} error=${error || users.error} />
		${note ? html`<div class="notice info" role="status">${note}</div>` : null}
		${users.loading && !users.data ? html`<${Loading} />` : null}
		${users.data
			? html`<div class="table-wrap"><table>
				<thead><tr><th>${t('settings.email')}</th><th>${t('settings.name')}</th><th>${t('settings.role')}</th><th>${t('settings.status')}</th><th>${t('settings.created')}</th></tr></thead>
				<tbody>${users.data.users.map(
					(u) => html`<tr>
						<td>${u.email}</td><td>${u.name}</td>
						<td><${RoleSelect} value=${u.role} label=${t('settings.role_of', { email: u.email })}
							onChange=${(role) => update(u, { role })} /></td>
						<td><label class="inline"><input type="checkbox" checked=${!u.disabled} disabled=${u.id === me.id}
							onChange=${(e) => update(u, { disabled: !e.currentTarget.checked })} /> ${u.disabled ? t('settings.disabled') : t('settings.enabled')}</label></td>
						<td>${fmtDateTime(u.created_at)}</td>
					</tr>`
				)}</tbody></table></div>`
			: null}
		<form class="inline-form" onSubmit=${add}>
			<h3>${t('settings.add_user')}</h3>
			<${Field} label=${t('settings.email')}><input type="email" required value=${form.email} onInput=${(e) => setForm({ ...form, email: e.currentTarget.value })} /></${Field}>
			<${Field} label=${t('settings.name')}><input value=${form.name} onInput=${(e) => setForm({ ...form, name: e.currentTarget.value })} /></${Field}>
			<${Field} label=${t('settings.role')}><${RoleSelect} value=${form.role} label=${t('settings.role')} onChange=${(role) => setForm({ ...form, role })} /></${Field}>
			<${Field} label=${t('settings.password')}><input type="password" autocomplete="new-password" required minlength="10" value=${form.password} onInput=${(e) => setForm({ ...form, password: e.currentTarget.value })} /></${Field}>
			<button type="submit" class="primary">${t('settings.add')}</button>
		</form>
	</section>`;
}

function Keys() {
	const keys = useApi('/api/apikeys');
	const [form, setForm] = useState({ name: '', role: 'viewer' });
	const [created, setCreated] = useState(null);
	const [error, setError] = useState(null);

	const create = async (e) => {
		e.preventDefault();
		setError(null);
		try {
			const r = await api('POST', '/api/apikeys', form);
			setCreated(r.key);
			setForm({ name: '', role: 'viewer' });
			keys.reload();
		} catch (err) {
			setError(err);
		}
	};
	const revoke = async (k) => {
		setError(null);
		try {
			await api('DELETE', `/api/apikeys/${k.id}`);
			keys.reload();
		} catch (err) {
			setError(err);
		}
	};

	return html`<section class="panel">
		<h2>${t('settings.keys')}</h2>
		<${ErrorBox} error=${error || keys.error} />
		${created
			? html`<div class="notice info" role="status">${t('settings.key_once')} <code class="key" data-testid="new-key">${created}</code></div>`
			: null}
		${keys.data
			? html`<div class="table-wrap"><table>
				<thead><tr><th>${t('settings.name')}</th><th>${t('settings.role')}</th><th>${t('settings.prefix')}</th><th>${t('settings.created')}</th><th>${t('settings.status')}</th><th></th></tr></thead>
				<tbody>${keys.data.api_keys.map(
					(k) => html`<tr>
						<td>${k.name}</td><td>${t('role.' + k.role)}</td><td><code>${k.prefix}…</code></td>
						<td>${fmtDateTime(k.created_at)} · ${k.created_by}</td>
						<td>${k.revoked_at ? t('settings.revoked', { when: fmtDateTime(k.revoked_at) }) : t('settings.active')}</td>
						<td>${k.revoked_at ? null : html`<button type="button" class="danger small" onClick=${() => revoke(k)}>${t('settings.revoke')}</button>`}</td>
					</tr>`
				)}</tbody></table></div>`
			: null}
		<form class="inline-form" onSubmit=${create}>
			<h3>${t('settings.add_key')}</h3>
			<${Field} label=${t('settings.name')}><input required value=${form.name} onInput=${(e) => setForm({ ...form, name: e.currentTarget.value })} /></${Field}>
			<${Field} label=${t('settings.role')}><${RoleSelect} value=${form.role} label=${t('settings.role')} onChange=${(role) => setForm({ ...form, role })} /></${Field}>
			<button type="submit" class="primary">${t('settings.create')}</button>
		</form>
	</section>`;
}

export function SettingsPage({ me }) {
	if (!atLeast(me.role, 'admin'))
		return html`<div class="page">
			<${PageHead} title=${t('settings.title')} />
			<div class="notice error" role="alert" data-testid="forbidden">${t('settings.admin_only')}</div>
		</div>`;
	return html`<div class="page">
		<${PageHead} title=${t('settings.title')} />
		<${Users} me=${me} />
		<${Keys} />
	</div>`;
}
