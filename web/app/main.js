// main.js: boots the UI: translations, who is signed in, then the page the
// URL's hash names inside the layout (navigation by role, language switch,
// account menu).
import { html, render, useState, useEffect } from './html.js';
import { api, setCsrf, onSignedOut } from './api.js';
import { t, setLocale, preferredLocale, locale, LOCALES } from './i18n.js';
import { useRoute, match, navigate } from './router.js';
import { atLeast, Loading } from './ui.js';
import { loadSpec } from './spec.js';
import { LoginPage } from './pages/login.js';
import { DashboardPage } from './pages/dashboard.js';
import { CustomersPage } from './pages/customers.js';
import { CustomerPage } from './pages/customer.js';
import { ImportPage } from './pages/import.js';
import { AnalyticsPage } from './pages/analytics.js';
import { SettingsPage } from './pages/settings.js';
import { AccountPage } from './pages/account.js';

// Set while this browser holds a session (the cookie itself is HttpOnly).
const SESSION_FLAG = 'ecrm.session';

// Pages in the navigation, the lowest role that sees each, and the routes.
const NAV = [
	{ path: '/', key: 'nav.dashboard', role: 'viewer' },
	{ path: '/customers', key: 'nav.customers', role: 'analyst' },
	{ path: '/import', key: 'nav.import', role: 'manager' },
	{ path: '/analytics', key: 'nav.analytics', role: 'analyst' },
	{ path: '/settings', key: 'nav.settings', role: 'admin' },
];
const ROUTES = [
	{ pattern: '/', page: DashboardPage },
	{ pattern: '/customers', page: CustomersPage },
	{ pattern: '/customers/:id', page: CustomerPage },
	{ pattern: '/import', page: ImportPage },
	{ pattern: '/analytics', page: AnalyticsPage },
	{ pattern: '/settings', page: SettingsPage },
	{ pattern: '/account', page: AccountPage },
];

function LanguageSwitch({ onChange }) {
	return html`<label class="lang">
		<span class="visually-hidden">${t('nav.language')}</span>
		<select
			value=${locale()}
			onChange=${(e) => onChange(e.currentTarget.value)}
			aria-label=${t('nav.language')}
			data-testid="language"
		>
			${LOCALES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
		</select>
	</label>`;
}

function Layout({ me, route, onLocale, onSignOut, children }) {
	const section = '/' + route.path.split('/')[1];
	return html`<div class="shell">
		<a class="skip" href="#main" onClick=${(e) => {
			e.preventDefault();
			document.getElementById('main').focus();
		}}>${t('nav.skip')}</a>
		<header class="top">
			<a class="brand" href="#/">ecrm</a>
			<nav aria-label=${t('nav.main')}>
				<ul>
					${NAV.filter((n) => atLeast(me.role, n.role)).map(
						(n) => html`<li>
							<a href=${'#' + n.path} aria-current=${section === n.path ? 'page' : undefined}>${t(n.key)}</a>
						</li>`
					)}
				</ul>
			</nav>
			<div class="top-right">
				<${LanguageSwitch} onChange=${onLocale} />
				<a href="#/account" class="who" title=${t('nav.account')}>
					${me.name || me.email} <span class="role">${t('role.' + me.role)}</span>
				</a>
				<button type="button" class="link" onClick=${onSignOut}>${t('nav.signout')}</button>
			</div>
		</header>
		<main id="main" tabindex="-1">${children}</main>
	</div>`;
}

function NotFound() {
	return html`<div class="page"><h1>${t('common.not_found')}</h1><p><a href="#/">${t('nav.dashboard')}</a></p></div>`;
}

function App() {
	// undefined: finding out; null: signed out; else the /api/me user.
	const [me, setMe] = useState(undefined);
	const [flash, setFlash] = useState(null);
	const [, setLang] = useState(locale());
	const route = useRoute();

	useEffect(() => {
		// Without a sign-in remembered here there is no session to ask
		// about: straight to the sign-in page, no failing /api/me call.
		if (!localStorage.getItem(SESSION_FLAG)) setMe(null);
		else api('GET', '/api/me', undefined, { quiet401: true }).then(
			async (r) => {
				setCsrf(r.csrf_token);
				await setLocale(preferredLocale(r.user.id), r.user.id);
				setLang(locale());
				setMe(r.user);
			},
			() => {
				localStorage.removeItem(SESSION_FLAG);
				setMe(null);
			}
		);
		return onSignedOut(() => {
			localStorage.removeItem(SESSION_FLAG);
			setCsrf(null);
			setMe(null);
			setFlash('login.expired');
		});
	}, []);

	const changeLocale = async (code) => {
		await setLocale(code, me ? me.id : null);
		setLang(code);
	};
	const signedIn = async (r) => {
		localStorage.setItem(SESSION_FLAG, '1');
		setCsrf(r.csrf_token);
		await setLocale(preferredLocale(r.user.id), r.user.id);
		setLang(locale());
		setFlash(null);
		setMe(r.user);
	};
	const signOut = async () => {
		try {
			await api('POST', '/api/logout');
		} catch {
			// Gone already: signed out either way.
		}
		localStorage.removeItem(SESSION_FLAG);
		setCsrf(null);
		setFlash('login.signed_out');
		setMe(null);
	};
	const passwordChanged = () => {
		localStorage.removeItem(SESSION_FLAG);
		setCsrf(null);
		setFlash('account.changed');
		setMe(null);
		navigate('/');
	};

	if (me === undefined) return html`<div class="page"><${Loading} /></div>`;
	if (me === null)
		return html`<${LoginPage} flash=${flash} onSignedIn=${signedIn} onLocale=${changeLocale} />`;
	let page = null;
	for (const r of ROUTES) {
		const params = match(r.pattern, route.path);
		if (params) {
			// Keyed by path: another customer is a fresh page, not the last
			// one's forms and notices.
			page = html`<${r.page} key=${route.path} me=${me} params=${params} query=${route.query} onPasswordChanged=${passwordChanged} />`;
			break;
		}
	}
	return html`<${Layout} me=${me} route=${route} onLocale=${changeLocale} onSignOut=${signOut}>
		${page || html`<${NotFound} />`}
	</${Layout}>`;
}

(async () => {
	try {
		await Promise.all([setLocale(preferredLocale(null), null), loadSpec()]);
	} catch (e) {
		console.error(e);
	}
	const root = document.getElementById('app');
	root.textContent = '';
	render(html`<${App} />`, root);
})();
