import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library only cleans up by itself when the test runner exposes globals; ours does not.
afterEach(cleanup);

// findBy… and waitFor give up after 1 s by default, which a loaded machine can take to render.
configure({ asyncUtilTimeout: 10_000 });

// jsdom does not implement scrolling; the router scrolls to the top on every navigation.
window.scrollTo = () => {};
