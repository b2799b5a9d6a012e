// html.js: Preact with htm's tagged templates (no JSX, no build step) and
// the hooks, from the vendored ES modules.
import { h, render, Fragment } from '../vendor/preact.js';
import htm from '../vendor/htm.js';

export const html = htm.bind(h);
export { h, render, Fragment };
export {
	useState,
	useEffect,
	useRef,
	useMemo,
	useCallback,
	useContext,
} from '../vendor/hooks.js';
