// login.js: the sign-in page: wrong credentials, lockout (429 with
// Retry-After) and other failures are shown in words.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, locale, LOCALES } from '../i18n.js';
import { Field } from '../ui.js';

export function LoginPage({ flash, onSignedIn, onLocale }) {
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	const submit = async (e) => {
		e.preventDefault();
		setError(null);
		setBusy(true);
		try {
			const r = await api('POST', '/api/login', { email, password }, { quiet401: true });
			await onSignedIn(r);
		} catch (err) {
			if (err.status === 429)
				setError(t('login.locked', { minutes: Math.max(1, Math.ceil((err.retryAfter || 60) / 60)) }));
			else if (err.status === 401) setError(t('login.wrong'));
			else if (err.field === 'email') setError(t('login.bad_email'));
			else setError(err.message);
		} finally {
			setBusy(false);
		}
	};

	return html`<div class="login-wrap">
		<form class="card login" onSubmit=${submit} aria-labelledby="login-title" novalidate>
			<div class="login-head">
				<h1 id="login-title">${t('login.title')}</h1>
				<select
					value=${locale()}
					onChange=${(e) => onLocale(e.currentTarget.value)}
					aria-label=${t('nav.language')}
				>
					${LOCALES.map((l) => html`<option value=${l.code}>${l.name}</option>`)}
				</select>
			</div>
			<p class="muted">${t('login.intro')}</p>
			${flash ? html`<div class="notice info" role="status">${t(flash)}</div>` : null}
			${error ? html`<div class="notice error" role="alert" data-testid="login-error">${error}</div>` : null}
			<${Field} label=${t('login.email')}>
				<input type="email" name="email" autocomplete="username" required value=${email}
					onInput=${(e) => setEmail(e.currentTarget.value)} />
			</${Field}>
			<${Field} label=${t('login.password')}>
				<input type="password" name="password" autocomplete="current-password" required value=${password}
					onInput=${(e) => setPassword(e.currentTarget.value)} />
			</${Field}>
			<button type="submit" class="primary" disabled=${busy}>${busy ? t('login.signing_in') : t('login.submit')}</button>
		</form>
	</div>`;
}
