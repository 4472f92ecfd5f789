// Measurement only: the benchmark counts database round trips per request through these
// wrappers, which createDatabase installs when (and only when) it is given `onQuery`.
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';

/**
 * The postgres.js client drizzle gets, counting what drizzle sends (`unsafe`) and a transaction's
 * BEGIN and COMMIT. (postgres.js's own `debug` hook would do, but it captures a stack trace per
 * query, which would distort the very figures being measured.)
 */
export function countingPostgres(client: postgres.Sql, onQuery: (statement: string) => void): postgres.Sql {
  const counted = <T extends postgres.Sql | postgres.TransactionSql>(sql: T): T =>
    new Proxy(sql, {
      get(target, key, receiver) {
        if (key === 'unsafe') {
          return (statement: string, ...rest: unknown[]) => {
            onQuery(statement);
            return (target.unsafe as (...args: unknown[]) => unknown)(statement, ...rest);
          };
        }
        if (key === 'begin' && 'begin' in target) {
          return async (...args: unknown[]) => {
            const callback = args.pop() as (tx: postgres.TransactionSql) => unknown;
            onQuery('BEGIN');
            try {
              const result = await (target.begin as (...a: unknown[]) => Promise<unknown>)(
                ...args,
                (tx: postgres.TransactionSql) => callback(counted(tx)),
              );
              onQuery('COMMIT');
              return result;
            } catch (error) {
              onQuery('ROLLBACK');
              throw error;
            }
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
  return counted(client);
}

/**
 * PGlite has no per-statement hook, so the client drizzle gets is wrapped: plain queries, and a
 * transaction's BEGIN, statements and COMMIT (or ROLLBACK), each reported once.
 */
export function countingPglite(client: PGlite, onQuery: (statement: string) => void): PGlite {
  type Tx = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const countTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, key, receiver) {
        if (key === 'query' || key === 'exec') {
          return (statement: string, ...rest: unknown[]) => {
            onQuery(statement);
            return (target[key] as (...args: unknown[]) => unknown)(statement, ...rest);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
  return new Proxy(client, {
    get(target, key) {
      if (key === 'query' || key === 'exec') {
        return (statement: string, ...rest: unknown[]) => {
          onQuery(statement);
          return (target[key] as (...args: unknown[]) => unknown).call(target, statement, ...rest);
        };
      }
      if (key === 'transaction') {
        return async <T>(callback: (tx: Tx) => Promise<T>) => {
          onQuery('BEGIN');
          try {
            const result = await target.transaction((tx) => callback(countTx(tx)));
            onQuery('COMMIT');
            return result;
          } catch (error) {
            onQuery('ROLLBACK');
            throw error;
          }
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
