import proxyAddr from '@fastify/proxy-addr';
import type { FastifyServerOptions } from 'fastify';
import { z } from 'zod';

/**
 * Which X-Forwarded-For entries name the client: none (`false`), the ones added by this many
 * proxies in front of the server, or the ones added by proxies at these addresses/CIDRs.
 */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

const FORMS =
  'write the number of proxies in front of the server (TRUST_PROXY=1 behind one load balancer) ' +
  'or their addresses as a comma list of IPs/CIDRs (TRUST_PROXY=10.0.0.0/8), or false';

/** `TRUST_PROXY` as written in the environment. */
export const trustProxySetting = z.string().transform((value, ctx): TrustProxy => {
  const text = value.trim();
  if (/^(false|0)$/i.test(text)) return false;
  if (/^true$/i.test(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `true is no longer accepted: it trusted any X-Forwarded-For, so clients could pick their own address (and rate-limit key); ${FORMS}`,
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(text)) return { hops: Number(text) };
  const addresses = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const address of addresses) {
    try {
      proxyAddr.compile([address]);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `has ${JSON.stringify(address)}, which is not an IP address or CIDR; ${FORMS}`,
      });
      return z.NEVER;
    }
  }
  if (addresses.length === 0) {
    ctx.addIssue({ code: 'custom', message: `is empty; ${FORMS}` });
    return z.NEVER;
  }
  return { addresses };
});

/**
 * Fastify's own option. A hop count becomes a function because Fastify 5.12 turns a numeric
 * `trustProxy` into "trust nothing" (it cannot check that the peer is a proxy); with hops, the
 * operator states that the server is reachable only through that many proxies.
 */
export function fastifyTrustProxy(setting: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (setting === false) return false;
  if ('hops' in setting) return (_address: string, hop: number) => hop < setting.hops;
  return setting.addresses;
}
