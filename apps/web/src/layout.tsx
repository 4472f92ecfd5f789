import { Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { SiteHeader } from './site-header';

/** What every page shares: the skip link, the header and the `main` landmark the page renders into. */
export function Layout() {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const main = useRef<HTMLElement>(null);
  const firstPathname = useRef(pathname);

  // After an in-app navigation, screen readers and keyboards start from the new page's content,
  // as they would after a full page load. (The router scrolls to the top itself.)
  useEffect(() => {
    if (pathname !== firstPathname.current) main.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader />
      <main id="main" ref={main} tabIndex={-1} className="container">
        <Outlet />
      </main>
    </>
  );
}
