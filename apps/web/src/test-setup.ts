import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library only cleans up by itself when the test runner exposes globals; ours does not.
afterEach(cleanup);

// findBy… and waitFor give up after 1 s by default, which a loaded machine can take to render.
configure({ asyncUtilTimeout: 10_000 });

// jsdom has the <dialog> element but not its methods; the real ones are covered by the browser tests.
if (!HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

// jsdom does not implement scrolling; the router scrolls to the top on every navigation.
window.scrollTo = () => {};
