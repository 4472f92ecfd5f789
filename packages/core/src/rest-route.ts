import type { AnyTRPCRouter, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { z } from 'zod';

/** Error statuses a route may declare; 500 is implied for every route. */
export type DocumentedStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 502 | 503;

export interface Example {
  summary?: string;
  /** For a success: the `data`; for an error: `{code, message}`. The envelope is added around it. */
  value: unknown;
}
export interface Examples {
  request?: Record<string, Example>;
  responses?: Partial<Record<number, Record<string, Example>>>;
}

/**
 * A procedure's REST twin, described by the package that defines the procedure. The server serves
 * it by calling the procedure (REST never has a second implementation) and builds the API document
 * from it. tRPC has no public way to read a procedure's schemas, so the route names them: the same
 * objects the procedure passes to `.input()` and `.output()`, which `RestRoutesOf` holds it to.
 */
export interface RestRoute {
  /** GET serves a query, POST a mutation. */
  method: 'GET' | 'POST';
  url: string;
  successStatus?: number;
  /** The procedure's input schema; a POST body is passed to the procedure as received. */
  input?: z.ZodType;
  /** The procedure's output schema (for a procedure without one, the shape it returns). */
  output: z.ZodType;
  /** What the API document says about the route besides its schemas. */
  docs: {
    summary: string;
    description?: string;
    tag: 'Auth' | 'Billing' | 'Example';
    /** Needs `Authorization: Bearer <token>` (a protected procedure). */
    auth: boolean;
    /** Error statuses the route can answer besides 500, each with the envelope. */
    errors: DocumentedStatus[];
    /** The Idempotency-Key request header is honoured. */
    idempotent?: boolean;
    examples?: Examples;
  };
}

/** Schemas whose types are the procedure's own: a route cannot document a different input or output. */
// biome-ignore lint/suspicious/noConfusingVoidType: tRPC types the input of a procedure that takes none as `void`.
type SchemasOf<Input, Output> = { output: z.ZodType<Output> } & ([Input] extends [undefined | void]
  ? { input?: never }
  : { input: z.ZodType<unknown, Input> });

/** The REST routes of a router's procedures, by procedure name, each typed against its procedure. */
export type RestRoutesOf<Router extends AnyTRPCRouter> = {
  [Name in keyof inferRouterInputs<Router>]?: RestRoute &
    SchemasOf<inferRouterInputs<Router>[Name], inferRouterOutputs<Router>[Name]>;
};
