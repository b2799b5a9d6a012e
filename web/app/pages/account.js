// account.js: the signed-in user's own settings: change password (which
// ends every session, so the app returns to the sign-in page).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { Field, PageHead } from '../ui.js';

export function AccountPage({ me, onPasswordChanged }) {
	const [oldPw, setOld] = useState('');
	const [newPw, setNew] = useState('');
	const [again, setAgain] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	const submit = async (e) => {
		e.preventDefault();
		setError(null);
		if (newPw !== again) return setError(t('account.mismatch'));
		setBusy(true);
		try {
			await api('POST', '/api/me/password', { old_password: oldPw, new_password: newPw });
			onPasswordChanged();
		} catch (err) {
			if (err.unavailable) setError(t('common.unavailable.title'));
			else if (err.field === 'old_password') setError(t('account.wrong_old'));
			else if (err.field === 'new_password') setError(t('account.weak', { n: 10 }) + ' ' + err.message);
			else setError(err.message);
		} finally {
			setBusy(false);
		}
	};

	return html`<div class="page">
		<${PageHead} title=${t('account.title')} />
		<dl class="facts">
			<dt>${t('account.email')}</dt><dd>${me.email || '–'}</dd>
			<dt>${t('account.name')}</dt><dd>${me.name || '–'}</dd>
			<dt>${t('account.role')}</dt><dd>${t('role.' + me.role)}</dd>
		</dl>
		<form class="card narrow" onSubmit=${submit}>
			<h2>${t('account.change_password')}</h2>
			<p class="muted">${t('account.explain')}</p>
			${error ? html`<div class="notice error" role="alert">${error}</div>` : null}
			<${Field} label=${t('account.old')}>
				<input type="password" autocomplete="current-password" required value=${oldPw} onInput=${(e) => setOld(e.currentTarget.value)} />
			</${Field}>
			<${Field} label=${t('account.new')} hint=${t('account.weak', { n: 10 })}>
				<input type="password" autocomplete="new-password" required minlength="10" value=${newPw} onInput=${(e) => setNew(e.currentTarget.value)} />
			</${Field}>
			<${Field} label=${t('account.again')}>
				<input type="password" autocomplete="new-password" required value=${again} onInput=${(e) => setAgain(e.currentTarget.value)} />
			</${Field}>
			<button type="submit" class="primary" disabled=${busy}>${t('account.submit')}</button>
		</form>
	</div>`;
}
