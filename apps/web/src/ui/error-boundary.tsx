import { Component, type ReactNode } from 'react';

interface ErrorBoundaryProps {
  children: ReactNode;
}

interface ErrorBoundaryState {
  failed: boolean;
}

/** A rendering bug shows a way out instead of a blank page. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false };

  static getDerivedStateFromError(): ErrorBoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error(error);
  }

  override render() {
    return this.state.failed ? <PageFailed /> : this.props.children;
  }
}

/** A way out of a page that crashed; also the router's error page. */
export function PageFailed() {
  return (
    <div className="stack">
      <h1>Something went wrong</h1>
      <p className="notice notice-error" role="alert">
        This page could not be shown. Reloading usually helps.
      </p>
      <p>
        <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </p>
    </div>
  );
}
