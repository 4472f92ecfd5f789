import { createHmac } from 'node:crypto';

/**
 * The `Stripe-Signature` header for a payload: `t=<unix>,v1=<hex HMAC-SHA256
 * of "<t>.<payload>">`, keyed by the whole `whsec_…` string (Stripe does not
 * decode the secret). The timestamp is wall-clock time, not the emulator's
 * test clock, because receivers check it against their own clock (300 s
 * tolerance by default).
 */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}
