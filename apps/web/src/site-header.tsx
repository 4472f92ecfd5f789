import { Link } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { useToken } from './auth/session';
import { trpc } from './trpc';

// Only signed-in people need the menu: its code loads when they are.
const AccountMenu = lazy(() => import('./account-menu').then(({ AccountMenu }) => ({ default: AccountMenu })));

/** The router marks the link to the current page with `aria-current="page"`. */
function NavLink({ to, children }: { to: '/pricing' | '/dashboard' | '/signin' | '/signup'; children: string }) {
  return (
    <Link to={to} className="nav-link">
      {children}
    </Link>
  );
}

export function SiteHeader() {
  const signedIn = useToken() !== null;
  const me = trpc.auth.me.useQuery(undefined, { enabled: signedIn });

  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link to="/" className="brand">
          Subkit
        </Link>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <NavLink to="/pricing">Pricing</NavLink>
            </li>
            {signedIn ? (
              <li>
                <NavLink to="/dashboard">Dashboard</NavLink>
              </li>
            ) : (
              <>
                <li>
                  <NavLink to="/signin">Sign in</NavLink>
                </li>
                <li>
                  <NavLink to="/signup">Sign up</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        {signedIn && (
          <div className="account">
            <Suspense fallback={<span className="account-email">{me.data?.email}</span>}>
              <AccountMenu email={me.data?.email} />
            </Suspense>
          </div>
        )}
      </div>
    </header>
  );
}
