import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { AuthPage } from './auth/auth-page';
import { ForgotPasswordPage } from './auth/forgot-password-page';
import { ResetPasswordPage } from './auth/reset-password-page';
import { useToken } from './auth/session';
import { VerifyEmailPage } from './auth/verify-email-page';
import { DashboardPage } from './dashboard/dashboard-page';
import { NotFoundPage } from './not-found-page';
import { PricingPage } from './pricing/pricing-page';
import { createQueryClient } from './query-client';
import { Redirect, useLocation } from './router';
import { SiteHeader } from './site-header';
import { createTrpcClient, trpc } from './trpc';
import { ErrorBoundary } from './ui/error-boundary';

function CurrentPage({ pathname }: { pathname: string }) {
  const signedIn = useToken() !== null;
  switch (pathname) {
    case '/':
      return <Redirect to={signedIn ? '/dashboard' : '/pricing'} />;
    case '/signin':
      return <AuthPage mode="signin" />;
    case '/signup':
      return <AuthPage mode="signup" />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/reset-password':
      return <ResetPasswordPage />;
    case '/verify-email':
      return <VerifyEmailPage />;
    case '/pricing':
      return <PricingPage />;
    case '/dashboard':
      return signedIn ? <DashboardPage /> : <Redirect to="/signin" />;
    default:
      return <NotFoundPage />;
  }
}

function Layout() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPathname = useRef(pathname);

  // After an in-app navigation, screen readers and keyboards start from the new page's content,
  // as they would after a full page load.
  useEffect(() => {
    if (pathname !== firstPathname.current) main.current?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader />
      <main id="main" ref={main} tabIndex={-1} className="container">
        {/* Keyed by path so a page that crashed does not take the next one down with it. */}
        <ErrorBoundary key={pathname}>
          <CurrentPage pathname={pathname} />
        </ErrorBoundary>
      </main>
    </>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ErrorBoundary>
          <Layout />
        </ErrorBoundary>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
