// charts.js: a Preact component around Chart.js. The chart is rebuilt when
// its data or the locale changes and destroyed with the component.
import { html, useRef, useEffect } from './html.js';
import { Chart, registerables } from '../vendor/chart.js';
import { locale } from './i18n.js';

Chart.register(...registerables);
// Chinese labels need a CJK font (fonts-wqy-microhei on Debian).
Chart.defaults.font.family =
	'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
Chart.defaults.color = '#3b4453';
// No animation: figures appear at once, screenshots are stable, and nobody
// who asked for reduced motion gets moving bars.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export const PALETTE = ['#1f5fa8', '#e07b29', '#2e9e6a', '#b6403a', '#7a5ab5', '#c2a01e', '#3aa6b9', '#8a8f98', '#d46aa6', '#5d7d2d', '#a0522d'];

// `config` is a Chart.js config; `onPick(index)` is called with the index
// of a clicked bar or point. `label` names the chart for screen readers;
// `summary` (optional) is a text table of the same figures for them.
export function ChartView({ config, label, onPick, summary, tall }) {
	const canvas = useRef(null);
	useEffect(() => {
		const cfg = { ...config, options: { ...(config.options || {}) } };
		if (onPick) {
			cfg.options.onClick = (ev, els) => {
				if (els && els.length) onPick(els[0].index, els[0].datasetIndex);
			};
			cfg.options.onHover = (ev, els) => {
				ev.native.target.style.cursor = els && els.length ? 'pointer' : 'default';
			};
		}
		const chart = new Chart(canvas.current, cfg);
		return () => chart.destroy();
	}, [JSON.stringify(config.data), JSON.stringify(config.options || {}), config.type, locale()]);
	return html`<div class=${'chart' + (tall ? ' tall' : '')}>
		<canvas ref=${canvas} role="img" aria-label=${label}></canvas>
		${summary ? html`<p class="visually-hidden">${summary}</p>` : null}
	</div>`;
}
