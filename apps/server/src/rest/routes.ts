import { type AppRouter, reportsRestRoutes } from '@subkit/api';
import { authRestRoutes } from '@subkit/auth';
import { billingRestRoutes } from '@subkit/billing';
import type { RestRoute } from '@subkit/core';
import type { inferRouterInputs } from '@trpc/server';

type Inputs = inferRouterInputs<AppRouter>;
/** `billing.createCheckout`: a procedure of the app router, by its dotted path. */
export type ProcedurePath = {
  [Area in keyof Inputs]: { [Name in keyof Inputs[Area]]: `${Area & string}.${Name & string}` }[keyof Inputs[Area]];
}[keyof Inputs];

/**
 * Each area's REST routes, described by its package next to its router; the keys are the app
 * router's own (an area or procedure it does not have does not compile).
 */
const routesByArea = { auth: authRestRoutes, billing: billingRestRoutes, reports: reportsRestRoutes } satisfies {
  [Area in keyof Inputs]: { [Name in keyof Inputs[Area]]?: RestRoute };
};

export interface ServedRestRoute extends RestRoute {
  /** The tRPC procedure this route runs; REST never has a second implementation. */
  procedure: ProcedurePath;
}

/**
 * The REST twins of tRPC procedures, for callers that do not use our TypeScript client. Adding a
 * route to a package's table is all it takes: the adapter handles input, context, errors and the
 * envelope, and the API document (GET /api/openapi.json) is built from the same entry.
 */
export const restRoutes: ServedRestRoute[] = Object.entries(routesByArea).flatMap(([area, routes]) =>
  Object.entries(routes).map(([name, route]) => ({
    ...route,
    // The `satisfies` above checked these keys; Object.entries only forgets their types.
    procedure: `${area}.${name}` as ProcedurePath,
  })),
);
