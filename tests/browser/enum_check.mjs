// enum_check.mjs: the customer list's filter and sort choices in the web UI
// (web/app/pages/customers.js: SCORE_FILTERS, SORTS) and the dashboard's
// lifecycle order are the values GET /api/customers takes (its enums in
// docs/openapi.yaml, themselves checked against the models' names by
// tests/unit/http/test_routes.c), and each value has its label in both
// translations (i18n_check.mjs cannot see keys built at run time).
//   node tests/browser/enum_check.mjs [repo-dir]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.argv[2] || path.join(here, '..', '..');
const read = (rel) => fs.readFileSync(path.join(root, rel), 'utf8');
const problems = [];
let checks = 0;

// A list literal's quoted strings: "['a', 'b']" -> ['a', 'b'].
const strings = (src) => [...src.matchAll(/'([^']*)'/g)].map((m) => m[1]);

// The enum of query parameter `param` in path `p`'s section of the spec
// (flow style, on one line or continued up to its closing bracket).
function specEnum(spec, p, param) {
	const start = spec.indexOf(`\n  ${p}:\n`);
	if (start < 0) throw new Error(`docs/openapi.yaml: no path ${p}`);
	const next = spec.indexOf('\n  /', start + 1);
	const section = spec.slice(start, next < 0 ? undefined : next);
	const m = new RegExp(`name: ${param}\\b[\\s\\S]*?enum: \\[([^\\]]*)\\]`).exec(section);
	if (!m) throw new Error(`docs/openapi.yaml: ${p} has no enum for ${param}`);
	return m[1].split(',').map((s) => s.trim());
}

// The list assigned in `src` by `pattern` (a regex with one group: the
// bracketed list's inside).
function listIn(src, file, pattern, what) {
	const m = pattern.exec(src);
	if (!m) throw new Error(`${file}: cannot find ${what}`);
	return strings(m[1]);
}

function same(what, got, want, ordered) {
	checks++;
	const a = ordered ? got : [...got].sort();
	const b = ordered ? want : [...want].sort();
	if (a.length !== b.length || a.some((v, i) => v !== b[i]))
		problems.push(`${what}: [${got.join(', ')}], the API: [${want.join(', ')}]`);
}

const spec = read('docs/openapi.yaml');
const customers = read('web/app/pages/customers.js');
const dashboard = read('web/app/pages/dashboard.js');
const en = JSON.parse(read('web/i18n/en.json'));
const zh = JSON.parse(read('web/i18n/zh-CN.json'));

function labelled(key) {
	checks++;
	for (const [name, data] of [['en.json', en], ['zh-CN.json', zh]]) {
		if (typeof data[key] !== 'string') problems.push(`web/i18n/${name}: no "${key}"`);
	}
}

for (const [param, prefix] of [['segment', 'segment'], ['tier', 'tier'], ['stage', 'stage']]) {
	const want = specEnum(spec, '/api/customers', param);
	const got = listIn(customers, 'customers.js', new RegExp(`key: '${param}', values: \\[([^\\]]*)\\]`),
		`SCORE_FILTERS' ${param}`);
	same(`customers.js SCORE_FILTERS ${param}`, got, want, true);
	for (const v of want) labelled(`${prefix}.${v}`);
}
const sorts = specEnum(spec, '/api/customers', 'sort');
same('customers.js SORTS', listIn(customers, 'customers.js', /const SORTS = \[([^\]]*)\]/, 'SORTS'), sorts, false);
for (const s of sorts) labelled('customers.sort.' + s.replace('-', 'desc_'));
same('dashboard.js LifecycleChart order',
	listIn(dashboard, 'dashboard.js', /const order = \[([^\]]*)\]/, 'the lifecycle order'),
	specEnum(spec, '/api/customers', 'stage'), true);

if (problems.length) {
	for (const p of problems) console.error(p);
	console.error(`enum_check: ${problems.length} problem(s) in ${checks} checks`);
	process.exit(1);
}
console.log(`enum_check: ${checks} checks, the UI's choices are the API's`);
