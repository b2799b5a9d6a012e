// spec.js: which API operations this server offers, read once from its own
// /api/openapi.yaml (public, and kept equal to the route table by a unit
// test), so a page shows "not available" for an endpoint the server does
// not have instead of calling it and failing.

let ops = null; // [{ method, re }], or null: not known, try everything

// The operations under `paths:`: paths indented 2 spaces, methods 4.
export function parseSpec(text) {
	const out = [];
	let inPaths = false;
	let path = null;
	for (const line of text.split('\n')) {
		if (/^\S/.test(line)) {
			inPaths = line.startsWith('paths:');
			continue;
		}
		if (!inPaths) continue;
		let m = /^ {2}(\/\S*):\s*$/.exec(line);
		if (m) {
			path = m[1];
			continue;
		}
		m = /^ {4}(get|post|put|patch|delete):\s*$/.exec(line);
		if (m && path) {
			const re = new RegExp(
				'^' + path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+') + '/?$'
			);
			out.push({ method: m[1].toUpperCase(), re });
		}
	}
	return out;
}

export async function loadSpec() {
	try {
		const res = await fetch('/api/openapi.yaml', { cache: 'no-cache' });
		if (res.ok) ops = parseSpec(await res.text());
	} catch {
		ops = null;
	}
}

// Whether the server has `method` on `path` (a query string is ignored).
export function offers(method, path) {
	if (!ops || !ops.length) return true;
	const p = path.split('?')[0];
	const m = method === 'HEAD' ? 'GET' : method;
	return ops.some((o) => o.method === m && o.re.test(p));
}
