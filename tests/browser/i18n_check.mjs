// i18n_check.mjs: the translations are complete. Fails when a key is in
// one of web/i18n/en.json and web/i18n/zh-CN.json but not the other, when
// a text is empty or its {placeholders} differ between the two, or when the
// code (web/app/**/*.js) uses a key that en.json lacks.
//   node tests/browser/i18n_check.mjs [web-dir]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = process.argv[2] || path.join(here, '..', '..', 'web');
const problems = [];
let checks = 0;

function load(name) {
	const file = path.join(web, 'i18n', name);
	let data;
	try {
		data = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		problems.push(`${file}: ${e.message}`);
		return {};
	}
	for (const [k, v] of Object.entries(data)) {
		checks++;
		if (typeof v !== 'string' || v.trim() === '') problems.push(`${name}: "${k}" is empty or not a string`);
	}
	return data;
}

const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

const en = load('en.json');
const zh = load('zh-CN.json');
for (const k of Object.keys(en)) {
	checks++;
	if (!(k in zh)) problems.push(`zh-CN.json lacks "${k}"`);
	else if (placeholders(en[k]) !== placeholders(zh[k]))
		problems.push(`"${k}": placeholders differ: en {${placeholders(en[k])}} zh-CN {${placeholders(zh[k])}}`);
}
for (const k of Object.keys(zh)) {
	checks++;
	if (!(k in en)) problems.push(`en.json lacks "${k}" (it is in zh-CN.json)`);
}

// Keys in the code: t('a.b') literally, any 'a.b' literal whose first part
// is a key family (keys handed to t() later), and t(`a.${x}`) / t('a.' + x)
// prefixes, which must name at least one key.
function walk(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
		d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []
	);
}
const families = new Set(Object.keys(en).map((k) => k.split('.')[0]));
const files = walk(path.join(web, 'app'));
let used = 0;
for (const file of files) {
	const src = fs.readFileSync(file, 'utf8');
	const rel = path.relative(web, file);
	for (const m of src.matchAll(/\b(?:t|has)\(\s*(['"])([^'"`]+)\1\s*[,)]/g)) {
		used++;
		checks++;
		if (!(m[2] in en)) problems.push(`${rel}: t('${m[2]}') is not in en.json`);
	}
	for (const m of src.matchAll(/(['"])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\1/g)) {
		if (!families.has(m[2].split('.')[0]) || /\.(js|json|css|html|svg)$/.test(m[2])) continue;
		checks++;
		if (!(m[2] in en)) problems.push(`${rel}: '${m[2]}' looks like a key but is not in en.json`);
	}
	for (const m of src.matchAll(/\b(?:t|has|label)\(\s*(?:`([a-z][\w.]*\.)\$\{|(['"])([a-z][\w.]*\.)\2\s*\+)/g)) {
		const prefix = m[1] || m[3];
		checks++;
		if (!Object.keys(en).some((k) => k.startsWith(prefix)))
			problems.push(`${rel}: no key starts with '${prefix}' (used as a prefix)`);
	}
}
if (used === 0) problems.push(`no t('...') call found under ${web}/app: wrong directory?`);

for (const p of problems) console.error('FAIL: ' + p);
console.log(`i18n: ${Object.keys(en).length} keys, ${files.length} files, ${used} t() calls`);
console.log(`${checks - problems.length} passed, ${problems.length} failed`);
process.exit(problems.length ? 1 : 0);
