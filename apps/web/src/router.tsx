import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  type RouterHistory,
  redirect,
} from '@tanstack/react-router';
import { getToken } from './auth/session';
import { type ChosenPlanSearch, chosenPlanSearch } from './checkout/chosen-plan';
import { Layout } from './layout';
import { NotFoundPage } from './not-found-page';
import { PageFailed } from './ui/error-boundary';

/**
 * The app's pages as one typed route tree: links, redirects and search params are checked against it
 * at compile time. Pages load on demand, so the first visit downloads only the shell and its page.
 */
const rootRoute = createRootRoute({
  component: Layout,
  notFoundComponent: NotFoundPage,
});

const startRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: getToken() ? '/dashboard' : '/pricing', replace: true });
  },
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: chosenPlanSearch,
  component: lazyRouteComponent(() => import('./auth/auth-page'), 'SignInPage'),
});

const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signup',
  validateSearch: chosenPlanSearch,
  component: lazyRouteComponent(() => import('./auth/auth-page'), 'SignUpPage'),
});

const pricingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/pricing',
  validateSearch: (search): ChosenPlanSearch & { checkout?: 'cancelled' } => ({
    ...chosenPlanSearch(search),
    ...(search.checkout === 'cancelled' && { checkout: 'cancelled' as const }),
  }),
  component: lazyRouteComponent(() => import('./pricing/pricing-page'), 'PricingPage'),
});

const dashboardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/dashboard',
  // Stripe sends the person back here with `{CHECKOUT_SESSION_ID}` filled in (see checkoutReturnUrls).
  validateSearch: (search): { checkout?: 'success'; session_id?: string } => ({
    ...(search.checkout === 'success' && { checkout: 'success' as const }),
    ...(typeof search.session_id === 'string' && { session_id: search.session_id }),
  }),
  beforeLoad: () => {
    if (!getToken()) throw redirect({ to: '/signin', replace: true });
  },
  component: lazyRouteComponent(() => import('./dashboard/dashboard-page'), 'DashboardPage'),
});

/** `?token=…`, from a mailed link: the page says so when it is missing. */
const withMailedToken = (search: Record<string, unknown>): { token?: string } =>
  typeof search.token === 'string' && search.token !== '' ? { token: search.token } : {};

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
  component: lazyRouteComponent(() => import('./auth/forgot-password-page'), 'ForgotPasswordPage'),
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: withMailedToken,
  component: lazyRouteComponent(() => import('./auth/reset-password-page'), 'ResetPasswordPage'),
});

const verifyEmailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/verify-email',
  validateSearch: withMailedToken,
  component: lazyRouteComponent(() => import('./auth/verify-email-page'), 'VerifyEmailPage'),
});

const routeTree = rootRoute.addChildren([
  startRoute,
  signInRoute,
  signUpRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  verifyEmailRoute,
  pricingRoute,
  dashboardRoute,
]);

export function createAppRouter(history?: RouterHistory) {
  return createRouter({
    routeTree,
    ...(history && { history }),
    // Hovering or focusing a link starts loading its page.
    defaultPreload: 'intent',
    defaultErrorComponent: PageFailed,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
