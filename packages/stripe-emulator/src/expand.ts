import type { EmulatorContext } from './context';
import { isParams } from './params';
import type { CheckoutLineItem, List } from './wire';

/**
 * Applies `expand[]` paths to a copy of `object`: an id at the end of a path
 * (`customer`, `items.data.price.product`, `data.product` on lists) is replaced
 * by the object it names, and `line_items` is attached to checkout sessions.
 * Paths that lead nowhere are ignored, so unknown expands are harmless.
 */
export function expand<T extends object>(ctx: EmulatorContext, object: T, paths: readonly string[]): T {
  if (paths.length === 0) return object;
  const copy = structuredClone(object);
  for (const path of paths) expandPath(ctx, copy, path.split('.'));
  return copy;
}

function expandPath(ctx: EmulatorContext, target: unknown, segments: string[]): void {
  if (Array.isArray(target)) {
    for (const element of target) expandPath(ctx, element, segments);
    return;
  }
  const [head, ...rest] = segments;
  if (!head || !isParams(target)) return;

  if (head === 'line_items' && target.object === 'checkout.session' && typeof target.id === 'string') {
    target.line_items ??= checkoutLineItems(ctx, target.id);
  } else if (typeof target[head] === 'string') {
    const found = ctx.store.find(target[head]);
    if (found) target[head] = structuredClone(found);
  } else if (Array.isArray(target[head])) {
    // A list of ids, such as a subscription's or an invoice's `discounts`.
    target[head] = target[head].map((entry: unknown) => {
      const found = typeof entry === 'string' ? ctx.store.find(entry) : undefined;
      return found ? structuredClone(found) : entry;
    });
  }
  if (rest.length > 0) expandPath(ctx, target[head], rest);
}

export function checkoutLineItems(ctx: EmulatorContext, sessionId: string): List<CheckoutLineItem> {
  const data = structuredClone(ctx.store.checkoutLineItems.get(sessionId) ?? []);
  return { object: 'list', data, has_more: false, url: `/v1/checkout/sessions/${sessionId}/line_items` };
}
