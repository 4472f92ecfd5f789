import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let token = '';
  for (const byte of bytes) token += ALPHABET[byte % ALPHABET.length];
  return token;
}

/** Stripe-style ids: a type prefix and a base62 body, e.g. `cus_Qx3…`. */
export type IdPrefix =
  | 'cus'
  | 'pm'
  | 'price'
  | 'prod'
  | 'sub'
  | 'si'
  | 'in'
  | 'ii'
  | 'sub_sched'
  | 'upcoming_in'
  | 'il'
  | 'evt'
  | 'bps'
  | 'bpc'
  | 'pi'
  | 'li'
  | 'req'
  | 'cn'
  | 'cbtxn'
  | 'promo'
  | 'di'
  | 'pm'
  | 'clock'
  | 'we';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(prefix === 'req' ? 14 : 24)}`;
}

/** Checkout session ids are longer and carry the mode in the prefix: `cs_test_a1…`. */
export function newCheckoutSessionId(): string {
  return `cs_test_a1${randomToken(56)}`;
}

/** Coupon ids Stripe generates are eight upper-case characters (fixtures3: `Z4OV52SU`), as are generated codes. */
export function newCouponCode(): string {
  return randomToken(8).toUpperCase();
}

export function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

export function newSecretKey(): string {
  return `sk_test_emulator_${randomToken(24)}`;
}

/** The id of a field that holds an id, or the object when expanded (`price.product`, `subscription.schedule`). */
export function idOf(value: string | { id: string }): string {
  return typeof value === 'string' ? value : value.id;
}
