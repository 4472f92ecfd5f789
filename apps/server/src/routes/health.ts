import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** What /api/health answers; the API document shows this very schema. */
export const healthOutput = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  stripe: z.enum(['emulator', 'stripe']),
});
type Health = z.infer<typeof healthOutput>;

export default async function health(app: FastifyInstance) {
  app.get(
    '/api/health',
    async (): Promise<Health> => ({
      status: 'ok',
      database: app.database.kind,
      stripe: app.stripeConnection.mode,
    }),
  );
}
