import { newId } from '../ids';
import type { Metadata } from '../params';
import type { Product } from '../wire';

export interface ProductInput {
  id?: string;
  name: string;
  description?: string | null;
  active?: boolean;
  metadata?: Metadata;
  /** `marketing_features[].name`, what the product's pricing shows it includes. */
  marketingFeatures?: string[];
  created: number;
}

export function buildProduct(input: ProductInput): Product {
  return {
    id: input.id ?? newId('prod'),
    object: 'product',
    active: input.active ?? true,
    created: input.created,
    default_price: null,
    description: input.description ?? null,
    images: [],
    livemode: false,
    marketing_features: (input.marketingFeatures ?? []).map((name) => ({ name })),
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: input.created,
    url: null,
  };
}
