// router.js: routes in the URL's hash (#/customers/12?tab=orders), so the
// server serves one page at / and reloads and bookmarks keep working.
import { useState, useEffect } from './html.js';

export function parseHash(hash) {
	const raw = (hash || '').replace(/^#/, '') || '/';
	const [path, qs] = raw.split('?');
	return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs || '')) };
}

export function navigate(path, query) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(query || {})) {
		if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	}
	const s = q.toString();
	location.hash = '#' + path + (s ? '?' + s : '');
}

// The current route; re-renders on every hash change.
export function useRoute() {
	const [route, setRoute] = useState(parseHash(location.hash));
	useEffect(() => {
		const on = () => setRoute(parseHash(location.hash));
		addEventListener('hashchange', on);
		return () => removeEventListener('hashchange', on);
	}, []);
	return route;
}

// Matches "/customers/:id" against a path; the params or null.
export function match(pattern, path) {
	const a = pattern.split('/');
	const b = path.split('/');
	if (a.length !== b.length) return null;
	const params = {};
	for (let i = 0; i < a.length; i++) {
		if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
		else if (a[i] !== b[i]) return null;
	}
	return params;
}
