import { newId } from '../ids';
import type { Metadata } from '../params';
import type { Product } from '../wire';

export interface ProductInput {
  id?: string;
  name: string;
  description?: string | null;
  marketing_features?: { name: string }[];
  active?: boolean;
  metadata?: Metadata;
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
    marketing_features: input.marketing_features ?? [],
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
