// ui.test.mjs: the web UI end to end: a shop in a fresh database, a real
// `ecrm serve` on a free 127.0.0.1 port, Debian's Chromium driven by
// playwright-core (never a downloaded browser). Every page must render
// without a console error or an uncaught exception; a failed HTTP request
// shows in the console, so the requests a step provokes on purpose (a wrong
// password) are named by that step. Screenshots: tests/browser/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'output');
const BIN = process.env.ECRM_BIN;
const DATA = process.env.ECRM_DATA || path.join(here, '..', '..', '..', 'shared', 'data');
const CHROMIUM = process.env.ECRM_CHROMIUM || '/usr/bin/chromium';
const USERS = {
	admin: { email: 'admin@example.com', password: 'admin-secret-pw', role: 'admin' },
	agent: { email: 'agent@example.com', password: 'agent-secret-pw', role: 'agent' },
	locked: { email: 'locked@example.com', password: 'locked-secret-pw', role: 'agent' },
	changer: { email: 'changer@example.com', password: 'changer-secret-pw', role: 'viewer' },
};

let tmp;
let db;
let server;
let base;
let context;
let page;
let notes = [];
// Console errors and failed responses seen since the step began.
let consoleErrors = [];
let failedResponses = [];

function ecrm(args, input) {
	const r = spawnSync(BIN, ['--db', db, ...args], { input, encoding: 'utf8', timeout: 120000 });
	if (r.status !== 0)
		throw new Error(`ecrm ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
	return r.stdout;
}

// Chinese names for the fallback shop; the first is 王小明.
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const GIVEN = ['小明', '伟', '芳', '秀英', '敏', '静', '丽', '强', '磊', '洋', '艳', '杰'];
const ENGLISH = ['Oliver Smith', 'Amelia Jones', 'Harry Taylor', 'Isla Brown', 'Jack Wilson', 'Ava Davies', 'George Evans', 'Mia Thomas'];
const CITIES = ['London', 'Manchester', '上海', '北京', 'Leeds', '深圳'];

// A shop to test on: `ecrm demo` when this binary has it, else the first
// orders of the Online Retail data set plus a customer list giving half of
// its customers Chinese names.
function makeShop() {
	const demo = spawnSync(BIN, ['help', 'demo'], { encoding: 'utf8' });
	if (demo.status === 0 && /demo/.test(demo.stdout + demo.stderr)) {
		ecrm(['demo', '--customers', '300']);
		notes.push('shop: ecrm demo --customers 300');
	} else {
		const src = path.join(DATA, 'online-retail', 'online_retail.csv');
		if (!fs.existsSync(src)) throw new Error(`${src} is missing (ECRM_DATA)`);
		const lines = fs.readFileSync(src, 'utf8').split('\n').slice(0, 15001);
		const orders = path.join(tmp, 'orders.csv');
		fs.writeFileSync(orders, lines.join('\n') + '\n');
		ecrm(['import', 'orders', orders]);
		const ids = [...new Set(lines.slice(1).map((l) => l.split(',')[6]).filter((x) => /^\d+$/.test(x || '')))];
		const rows = ['external_id,name,email,city,country'];
		ids.forEach((id, i) => {
			const name = i % 2 === 0
				? SURNAMES[(i / 2) % SURNAMES.length] + GIVEN[Math.floor(i / 2 / SURNAMES.length) % GIVEN.length]
				: ENGLISH[(i >> 1) % ENGLISH.length];
			rows.push(`${id},${name},c${id}@example.com,${CITIES[i % CITIES.length]},${i % 2 === 0 ? 'CN' : 'GB'}`);
		});
		const customers = path.join(tmp, 'customers.csv');
		fs.writeFileSync(customers, rows.join('\n') + '\n');
		ecrm(['import', 'customers', customers]);
		notes.push(`shop: Online Retail (first 15000 lines) + ${ids.length} customer names (ecrm demo is not in this binary)`);
	}
	ecrm(['analyze']);
	const help = spawnSync(BIN, ['help', 'analyze'], { encoding: 'utf8' });
	if (/analyze recommend/.test(help.stdout + help.stderr)) ecrm(['analyze', 'recommend']);
}

function startServer() {
	return new Promise((resolve, reject) => {
		server = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--threads', '2'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s: ${out}${err}`)), 60000);
		server.stdout.on('data', (d) => {
			out += d;
			const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
			if (m && !base) {
				base = m[1];
				clearTimeout(timer);
				resolve();
			}
		});
		server.stderr.on('data', (d) => {
			err += d;
			if (err.length > 20000) err = err.slice(-10000);
		});
		server.on('exit', (code) => {
			if (!base) {
				clearTimeout(timer);
				reject(new Error(`the server exited (${code}) before listening: ${err}`));
			}
		});
	});
}

function stopServer() {
	return new Promise((resolve) => {
		if (!server || server.exitCode !== null) return resolve();
		const kill = setTimeout(() => server.kill('SIGKILL'), 15000);
		server.on('exit', () => {
			clearTimeout(kill);
			resolve();
		});
		server.kill('SIGTERM');
	});
}
// A test process that dies still takes the server with it.
process.on('exit', () => server && server.exitCode === null && server.kill('SIGKILL'));

before(async () => {
	assert.ok(BIN, 'ECRM_BIN is not set: run through ctest');
	fs.mkdirSync(OUT, { recursive: true });
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecrm-browser-'));
	db = path.join(tmp, 'shop.db');
	ecrm(['init']);
	for (const u of Object.values(USERS)) ecrm(['user', 'add', u.email, '--role', u.role], u.password + '\n');
	makeShop();
	await startServer();
	context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1280, height: 900 },
		locale: 'en-GB',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
		],
	});
	page = context.pages()[0] || (await context.newPage());
	// Generous: the machines are small and shared, and the server may run under ASan.
	page.setDefaultTimeout(30000);
	page.on('console', (m) => {
		if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: (m.location() || {}).url || '' });
	});
	page.on('pageerror', (e) => consoleErrors.push({ text: 'uncaught: ' + e.message, url: '' }));
	page.on('response', (r) => {
		if (r.status() >= 400) failedResponses.push({ status: r.status(), url: r.url() });
	});
	for (const n of notes) console.log('NOTE: ' + n);
});

after(async () => {
	if (context) await context.close();
	await stopServer();
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// Fails on any console error or uncaught exception since the last check,
// except failed requests the step provoked on purpose: `allowed` lists
// { status, url: RegExp }.
function checkConsole(step, allowed = []) {
	const bad = consoleErrors.filter((e) => {
		const m = /status of (\d+)/.exec(e.text);
		if (!m || !e.text.startsWith('Failed to load resource')) return true;
		return !allowed.some((a) => a.status === Number(m[1]) && a.url.test(e.url));
	});
	const unexpected = failedResponses.filter((r) => !allowed.some((a) => a.status === r.status && a.url.test(r.url)));
	consoleErrors = [];
	failedResponses = [];
	assert.deepEqual(bad, [], `${step}: console errors`);
	assert.deepEqual(unexpected, [], `${step}: failed requests`);
}

async function shot(name) {
	await page.waitForTimeout(350); // charts redraw on resize (a ResizeObserver)
	await page.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true });
}

async function go(hash) {
	await page.evaluate((h) => {
		location.hash = h;
	}, hash);
}

// Whether this server offers `method` on the templated path `p` (its own
// OpenAPI description: paths at 2 spaces, methods at 4).
async function offers(method, p) {
	const text = await (await page.request.get(base + '/api/openapi.yaml')).text();
	let current = null;
	for (const line of text.split('\n')) {
		const m = /^ {2}(\/\S*):\s*$/.exec(line);
		if (m) current = m[1];
		else if (current === p && line === `    ${method}:`) return true;
		else if (/^\S/.test(line)) current = null;
	}
	return false;
}

async function signIn(user) {
	await page.fill('input[name=email]', user.email);
	await page.fill('input[name=password]', user.password);
	await page.click('button[type=submit]');
	await page.waitForSelector('header.top');
}

async function signOut() {
	await page.getByRole('button', { name: /sign out|退出登录/i }).click();
	await page.waitForSelector('form.login');
}

// Waits until a canvas holds at least `min` pixels of a colour: a chart
// with data has bars (or a line) of its dataset's colour in it.
async function waitForPixels(selector, [r, g, b], min) {
	await page.waitForFunction(
		([sel, r, g, b, min]) => {
			const c = document.querySelector(sel);
			if (!c || !c.width || !c.height) return false;
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 12 && d[i + 3] > 200) n++;
			return n >= min;
		},
		[selector, r, g, b, min],
		{ timeout: 10000 }
	);
}

// Submits the sign-in form and waits for the server's answer.
async function submitLogin() {
	await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/login')), page.click('button[type=submit]')]);
}

test('the page is served with a strict CSP and loads without errors', async () => {
	const res = await page.goto(base + '/');
	const csp = res.headers()['content-security-policy'];
	assert.match(csp, /script-src 'self';/);
	assert.doesNotMatch(csp, /unsafe-inline/);
	await page.waitForSelector('form.login');
	assert.equal(await page.title(), 'ecrm');
	await shot('login');
	checkConsole('load');
});

test('a wrong password is refused with a message, then sign-in works', async () => {
	await page.fill('input[name=email]', USERS.admin.email);
	await page.fill('input[name=password]', 'not-the-password');
	await submitLogin();
	await page.waitForSelector('[data-testid=login-error]');
	assert.match(await page.textContent('[data-testid=login-error]'), /Wrong e-mail or password/);
	checkConsole('wrong password', [{ status: 401, url: /\/api\/login$/ }]);
	// By keyboard only: the fields are labelled and in tab order.
	await page.getByLabel('E-mail').fill('');
	await page.getByLabel('E-mail').focus();
	await page.keyboard.type(USERS.admin.email);
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.name), 'password');
	await page.keyboard.type(USERS.admin.password);
	await page.keyboard.press('Enter');
	await page.waitForSelector('header.top');
	await page.waitForSelector('.kpis');
	checkConsole('sign in');
});

test('the dashboard shows KPIs and charts with data', async () => {
	await page.waitForSelector('[data-testid=chart-revenue] canvas');
	assert.equal(await page.locator('.kpi').count(), 6);
	const revenue = await page.locator('.kpi', { hasText: 'Revenue' }).locator('.kpi-value').textContent();
	assert.match(revenue, /£[\d,]+\.\d\d/, 'revenue KPI in pounds');
	// The monthly API has revenue, and the chart drew bars of its colour.
	const monthly = await (await page.request.get(base + '/api/dashboard/monthly')).json();
	assert.ok(monthly.months.some((m) => m.revenue > 0), 'some month has revenue');
	await waitForPixels('[data-testid=chart-revenue] canvas', [31, 95, 168], 200); // revenue bars
	await waitForPixels('[data-testid=chart-new-returning] canvas', [46, 158, 106], 100); // new customers
	await waitForPixels('[data-testid=chart-tiers] canvas', [31, 95, 168], 100); // the Pareto curve
	if (await offers('get', '/api/analytics/{model}')) {
		await page.waitForSelector('[data-testid=chart-rfm] canvas');
		await page.waitForSelector('[data-testid=chart-lifecycle] canvas');
		await waitForPixels('[data-testid=chart-rfm] canvas', [31, 95, 168], 100);
		assert.ok((await page.locator('[data-testid=chart-rfm] .chips a').count()) > 3, 'segment links');
	}
	// The period selector reloads the KPIs for 12 months.
	await page.selectOption('[data-testid=period]', '365');
	await page.waitForFunction(() => /compared with/.test(document.querySelector('.period-note').textContent));
	await shot('dashboard');
	// Tablet width: nothing wider than the screen.
	await page.setViewportSize({ width: 820, height: 1180 });
	await page.waitForFunction(() => window.innerWidth === 820);
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scrolling at 820 px');
	await shot('dashboard-tablet');
	await page.setViewportSize({ width: 1280, height: 900 });
	checkConsole('dashboard');
});

test('customers: search by a 2-character Chinese fragment, open the 360 view', async () => {
	await go('#/customers');
	if (!(await offers('get', '/api/customers'))) {
		await page.waitForSelector('.notice.unavailable');
		console.log('NOTE: GET /api/customers is not on this server: checked the "not available" state');
		await shot('customers');
		checkConsole('customers (not available)');
		return;
	}
	await page.waitForSelector('[data-testid=customers-table]');
	// A Chinese name in the shop, and two of its characters.
	const list = await (await page.request.get(base + '/api/customers?limit=200')).json();
	const chinese = list.customers.map((c) => c.name).find((n) => /[\u4e00-\u9fff]{2,}/.test(n || ''));
	assert.ok(chinese, 'the shop has a customer with a Chinese name');
	const fragment = [...chinese].filter((ch) => /[\u4e00-\u9fff]/.test(ch)).slice(-2).join('');
	await page.fill('[data-testid=search]', fragment);
	await page.press('[data-testid=search]', 'Enter');
	await page.waitForFunction(
		(f) => {
			const rows = [...document.querySelectorAll('[data-testid=customers-table] tbody tr')];
			return location.hash.includes('q=') && rows.length > 0 && rows.every((r) => r.textContent.includes(f));
		},
		fragment
	);
	await shot('customers');
	checkConsole('customer search');
	// Tag the customers found, then list that tag.
	const boxes = page.locator('[data-testid=customers-table] tbody input[type=checkbox]');
	const found = Math.min(await boxes.count(), 3);
	for (let i = 0; i < found; i++) await boxes.nth(i).check();
	await page.fill('[data-testid=bulk-tag]', 'browser-test');
	await page.click('text=Add tag');
	await page.waitForSelector(`text=Tagged ${found} of ${found}.`);
	await go('#/customers?tag=browser-test');
	await page.waitForFunction(
		(n) => document.querySelectorAll('[data-testid=customers-table] tbody tr').length === n && location.hash.includes('tag='),
		found
	);
	checkConsole('bulk tag');
	await go('#/customers?q=' + encodeURIComponent(fragment));
	await page.waitForSelector('[data-testid=customers-table] tbody tr a');
	await page.locator('[data-testid=customers-table] tbody tr a').first().click();
	await page.waitForSelector('[data-testid=profile]');
	await page.waitForSelector('[data-testid=timeline]');
	assert.ok((await page.locator('[data-testid=timeline] li').count()) > 0, 'the timeline has entries');
	await page.waitForSelector('[data-testid=scores] .explain');
	if (await offers('get', '/api/customers/{id}/recommendations')) {
		await page.waitForSelector('[data-testid=recommendations] ol.recs li, [data-testid=recommendations] p.muted');
		assert.equal(await page.locator('[data-testid=recommendations] .notice').count(), 0);
	}
	await shot('customer-360');
	checkConsole('customer 360');

	// Log a contact: it joins the timeline.
	await page.getByLabel('Subject').fill('Asked about delivery 配送');
	await page.getByRole('button', { name: 'Save contact' }).click();
	await page.waitForSelector('[data-testid=timeline] >> text=Asked about delivery 配送');
	// Export everything held (admin): a JSON file about this customer.
	const name = await page.textContent('h1');
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('text=Export everything held')]);
	assert.ok(fs.readFileSync(await dl.path(), 'utf8').includes(name), 'the export names the customer');
	checkConsole('interaction and export');

	// Merge a suggested duplicate into its twin, then undo it.
	const dups = await (await page.request.get(base + '/api/customers/duplicates?limit=50')).json();
	assert.ok(dups.pairs.length > 0, 'the demo shop has near-duplicates');
	const { a, b } = dups.pairs[0];
	await go('#/customers/' + a.id);
	await page.waitForSelector(`[data-testid=duplicates] a[href="#/customers/${b.id}"]`);
	// The Orders card by its exact label ("Last order" must not match).
	const ordersKpi = () => page.locator('.kpi').filter({ has: page.locator('.kpi-label', { hasText: /^Orders$/ }) }).locator('.kpi-value');
	const before = Number((await ordersKpi().textContent()).replace(/\D/g, ''));
	await page.locator('[data-testid=duplicates] li', { has: page.locator(`a[href="#/customers/${b.id}"]`) }).getByRole('button').click();
	await page.waitForSelector(`[data-testid=duplicates] a[href="#/customers/${b.id}"]`, { state: 'detached' });
	const merged = await (await page.request.get(base + '/api/customers/' + b.id)).json();
	assert.equal(merged.customer.merged_into, a.id);
	assert.ok(Number((await ordersKpi().textContent()).replace(/\D/g, '')) >= before);
	await go('#/customers/' + b.id);
	await page.waitForSelector('text=This record was merged into');
	await shot('customer-merged');
	await page.getByRole('button', { name: 'Undo the merge' }).click();
	await page.waitForSelector('text=This record was merged into', { state: 'detached' });
	checkConsole('merge and unmerge');

	// Erase the other record's personal data (admin, typed confirmation).
	await page.getByLabel('Type ERASE to confirm').fill('ERASE');
	await page.getByRole('button', { name: 'Erase personal data' }).click();
	await page.waitForSelector('text=Personal data erased on');
	checkConsole('erasure');
});

test('switch to Chinese, kept across a reload, and back to English', async () => {
	await go('#/');
	await page.waitForSelector('.kpis');
	await page.selectOption('[data-testid=language]', 'zh-CN');
	await page.waitForSelector('header nav >> text=仪表板');
	assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
	assert.match(await page.locator('h1').first().textContent(), /仪表板/);
	await page.reload();
	await page.waitForSelector('header nav >> text=客户');
	await page.waitForSelector('[data-testid=chart-revenue] canvas');
	// Money and dates follow the locale.
	assert.match(await page.textContent('.period-note'), /年/);
	await shot('dashboard-zh');
	await page.selectOption('[data-testid=language]', 'en');
	await page.waitForSelector('header nav >> text=Dashboard');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	checkConsole('language switch');
});

test('import a small customer CSV and see its summary', async () => {
	await go('#/import');
	await page.waitForSelector('[data-testid=import-file]');
	if (!(await offers('post', '/api/imports'))) {
		await page.waitForSelector('.notice.unavailable');
		console.log('NOTE: POST /api/imports is not on this server: checked the "not available" state');
		await shot('import');
		checkConsole('import (not available)');
		return;
	}
	await page.selectOption('[data-testid=import-kind]', 'customers');
	const csv = 'Customer Number,Full Name,E-mail,Town,Loyalty\n' +
		'B-1,李雷,lilei@example.com,北京,gold\n' +
		'B-2,Hanna Meier,hanna@example.com,Leeds,silver\n' +
		'B-3,韩梅梅,not-an-email,上海,gold\n';
	await page.setInputFiles('[data-testid=import-file]', { name: 'new-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await page.waitForSelector('[data-testid=import-format]');
	assert.match(await page.textContent('[data-testid=import-format]'), /customer list/);
	// The mapping guessed the known columns; Loyalty stays a custom field.
	const selects = page.locator('table.mapping select');
	assert.equal(await selects.nth(0).inputValue(), 'external_id');
	assert.equal(await selects.nth(1).inputValue(), 'name');
	assert.equal(await selects.nth(4).inputValue(), '');
	await page.click('text=Upload and import');
	await page.waitForSelector('[data-testid=import-summary]', { timeout: 60000 });
	const job = await page.textContent('[data-testid=import-job]');
	assert.match(job, /done/);
	assert.match(job, /3 rows read, 1 refused/);
	// The refused row downloads with its reason and its original fields.
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-errors]')]);
	const errorsCsv = fs.readFileSync(await dl.path(), 'utf8');
	assert.match(errorsCsv, /^line,column,reason,Customer Number,Full Name,E-mail,Town,Loyalty\r\n/);
	assert.match(errorsCsv, /\r\n4,.*not-an-email.*,B-3,韩梅梅,not-an-email,上海,gold\r\n$/);
	await shot('import');
	checkConsole('import');
});

test('analytics and settings pages render for an admin', async () => {
	await go('#/analytics');
	await page.waitForSelector('h1 >> text=Analytics');
	if (await offers('get', '/api/analytics/{model}')) {
		// `ecrm analyze` ran when the shop was made: the fits are there.
		await page.waitForSelector('[data-testid=model-rfm] table');
		await page.waitForSelector('[data-testid=model-clv] dl');
		await page.click('[data-testid=run-analysis]');
		// A small shop's run may end before a poll sees it running: wait for its end.
		await page.waitForSelector('[data-testid=analytics-run][data-state=done]', { timeout: 90000 });
		await page.waitForSelector('[data-testid=model-rfm] table');
	} else {
		await page.waitForSelector('.notice.unavailable');
		console.log('NOTE: GET /api/analytics/{model} is not on this server: checked the "not available" state');
	}
	await shot('analytics');
	checkConsole('analytics');
	await go('#/settings');
	await page.waitForSelector('text=Users and roles');
	await page.waitForSelector(`td >> text=${USERS.agent.email}`);
	await shot('settings');
	await go('#/account');
	await page.waitForSelector('text=Change password');
	await shot('account');
	checkConsole('settings');
});

test('an agent cannot open Settings', async () => {
	await signOut();
	await signIn(USERS.agent);
	assert.equal(await page.locator('header nav a', { hasText: 'Settings' }).count(), 0, 'no Settings link');
	await go('#/settings');
	await page.waitForSelector('[data-testid=forbidden]');
	const api = await page.request.get(base + '/api/users');
	assert.equal(api.status(), 403, 'the API refuses too');
	await shot('settings-agent');
	checkConsole('agent settings', [{ status: 403, url: /\/api\/users$/ }]);
	await signOut();
	checkConsole('sign out');
});

test('a user changes their password and signs in with the new one', async () => {
	await signIn(USERS.changer);
	// A viewer sees the dashboard only.
	assert.deepEqual((await page.locator('header nav a').allTextContents()).map((x) => x.trim()), ['Dashboard']);
	await go('#/account');
	await page.getByLabel('Current password').fill(USERS.changer.password);
	await page.getByLabel('New password', { exact: true }).fill('changed-secret-pw');
	await page.getByLabel('New password again').fill('changed-secret-pw');
	await shot('account-viewer');
	await page.getByRole('button', { name: 'Change password' }).click();
	await page.waitForSelector('form.login >> text=Your password was changed');
	await page.fill('input[name=email]', USERS.changer.email);
	await page.fill('input[name=password]', 'changed-secret-pw');
	await page.click('button[type=submit]');
	await page.waitForSelector('header.top');
	await signOut();
	checkConsole('change password');
});

test('repeated failed sign-ins end in the lockout message', async () => {
	for (let i = 0; i < 5; i++) {
		await page.fill('input[name=email]', USERS.locked.email);
		await page.fill('input[name=password]', 'wrong-password-' + i);
		await submitLogin();
		await page.waitForSelector('[data-testid=login-error]');
		await page.waitForFunction(() => !document.querySelector('button[type=submit]').disabled);
	}
	await page.fill('input[name=password]', USERS.locked.password);
	await submitLogin();
	await page.waitForSelector('[data-testid=login-error] >> text=/locked for about \\d+ minutes/');
	await shot('login-locked');
	checkConsole('lockout', [
		{ status: 401, url: /\/api\/login$/ },
		{ status: 429, url: /\/api\/login$/ },
	]);
});
