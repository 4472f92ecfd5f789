import { forgetPrices } from '../../catalog/prices';
import type { EventHandler, EventOf } from '../handler';

type CatalogEventType =
  | 'price.created'
  | 'price.updated'
  | 'price.deleted'
  | 'product.created'
  | 'product.updated'
  | 'product.deleted';

/** A price or product was edited in Stripe: drop cached prices so checkout and the pricing page see it now. */
export const catalogChanged: EventHandler<EventOf<CatalogEventType>> = async (services) => {
  forgetPrices(services);
  return undefined;
};
