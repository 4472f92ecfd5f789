import { useToken } from './auth/session';
import { Link, useLocation } from './router';
import { trpc } from './trpc';

function NavLink({ to, children }: { to: string; children: string }) {
  const { pathname } = useLocation();
  return (
    <Link to={to} className="nav-link" aria-current={pathname === to ? 'page' : undefined}>
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
        {signedIn && me.data && (
          <p className="signed-in-as">
            <span className="visually-hidden">Signed in as </span>
            {me.data.email}
          </p>
        )}
      </div>
    </header>
  );
}
