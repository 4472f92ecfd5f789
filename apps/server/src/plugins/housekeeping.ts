import { runHousekeeping } from '@subkit/api';
import type { FastifyInstance } from 'fastify';

export interface HousekeepingSchedule {
  /** After the server is ready; a fleet that redeploys often still prunes. */
  firstRunAfterMs: number;
  everyMs: number;
}

export const DEFAULT_HOUSEKEEPING_SCHEDULE: HousekeepingSchedule = {
  firstRunAfterMs: 60_000,
  everyMs: 60 * 60_000,
};

/**
 * Prunes expired sessions, expired checkout claims and month-old processed webhook events on a
 * timer. A failed run is logged and the next one tries again; a run still going when the next is
 * due is not doubled, and closing the server waits for it so it never meets a closed pool.
 */
export default async function housekeeping(app: FastifyInstance, schedule: HousekeepingSchedule) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = () => {
    running ??= runHousekeeping(app.services)
      .then(
        (report) => {
          if (Object.values(report).some((count) => count > 0))
            app.log.info({ housekeeping: report }, 'housekeeping pruned expired rows');
        },
        (error: unknown) => app.log.error({ err: error }, 'housekeeping failed; it runs again on schedule'),
      )
      .finally(() => {
        running = undefined;
      });
  };

  app.addHook('onReady', async () => {
    timer = setTimeout(() => {
      run();
      timer = setInterval(run, schedule.everyMs).unref();
    }, schedule.firstRunAfterMs).unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(timer);
    await running;
  });
}
