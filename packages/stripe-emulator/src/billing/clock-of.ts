import type { EmulatorContext } from '../context';
import { idOf } from '../ids';

/** The test clock a customer lives on, or null; a deleted or unknown customer has none. */
export function testClockOfCustomer(ctx: EmulatorContext, customer: unknown): string | null {
  if (typeof customer !== 'string') return null;
  const clock = ctx.store.customers.get(customer)?.test_clock;
  return clock ? idOf(clock) : null;
}
