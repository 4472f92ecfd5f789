import { newId } from '../ids';
import type { PortalFlow, PortalSession } from '../wire';

export interface PortalSessionInput {
  customer: string;
  configuration: string;
  flow: PortalFlow | null;
  returnUrl: string | null;
  publicUrl: string;
  created: number;
}

export function buildPortalSession(input: PortalSessionInput): PortalSession {
  const id = newId('bps');
  return {
    id,
    object: 'billing_portal.session',
    configuration: input.configuration,
    created: input.created,
    customer: input.customer,
    customer_account: null,
    flow: input.flow,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: input.returnUrl,
    url: `${input.publicUrl}/p/session/${id}`,
  };
}
