// api.js: calls to ecrm's REST API. The session cookie goes by itself
// (same origin); writes carry the CSRF token from /api/login or /api/me.
// Failures become ApiError with the server's error code, message and field.

import { offers } from './spec.js';

let csrfToken = null;
const listeners = new Set();

export function setCsrf(token) {
	csrfToken = token;
}

// Called when a request finds the session gone (401), so the app can show
// the sign-in page again.
export function onSignedOut(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

export class ApiError extends Error {
	constructor(status, body, headers) {
		const e = (body && body.error) || {};
		super(e.message || `HTTP ${status}`);
		this.status = status;
		this.code = e.code || 'http_' + status;
		this.field = e.field || null;
		this.retryAfter = Number(headers.get('Retry-After')) || 0;
		// The router's own answers: the route is not on this server (yet),
		// as opposed to a record that does not exist.
		this.unavailable =
			(status === 404 && e.code === 'not_found' && e.message === 'no such resource') ||
			status === 405;
	}
}

// api('GET', '/api/me') -> parsed JSON (null for 204). `body` is sent as
// JSON unless `opts.raw` gives a string with its content type.
export async function api(method, path, body, opts = {}) {
	if (!offers(method, path))
		throw new ApiError(404, { error: { code: 'not_found', message: 'no such resource' } }, new Headers());
	const headers = { Accept: 'application/json' };
	let payload;
	if (opts.raw !== undefined) {
		headers['Content-Type'] = opts.type || 'text/csv';
		payload = opts.raw;
	} else if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		payload = JSON.stringify(body);
	}
	if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
	const res = await fetch(path, {
		method,
		headers,
		body: payload,
		credentials: 'same-origin',
		cache: 'no-store',
	});
	let data = null;
	const text = res.status === 204 ? '' : await res.text();
	if (text) {
		try {
			data = JSON.parse(text);
		} catch {
			data = { error: { code: 'not_json', message: text.slice(0, 200) } };
		}
	}
	if (!res.ok) {
		const err = new ApiError(res.status, data, res.headers);
		if (res.status === 401 && !opts.quiet401) listeners.forEach((fn) => fn(err));
		throw err;
	}
	return data;
}

// Builds "path?a=1&b=2" leaving out empty values.
export function withQuery(path, params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) {
		if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	}
	const s = q.toString();
	return s ? `${path}?${s}` : path;
}
