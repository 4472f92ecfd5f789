export {
  type CatalogEntry,
  type CatalogPrice,
  type CatalogProduct,
  type CatalogPromotion,
  DEFAULT_CATALOG,
  isCatalogProduct,
  parseCatalog,
} from './catalog';
export { type StripeEmulator, type StripeEmulatorOptions, startStripeEmulator } from './emulator';
export { FAULT_KINDS, type FaultKind, type FaultRule, parseFaultSpec } from './faults';
export type { DeliveryAttempt, DeliveryOptions } from './webhooks/deliver';
export { signatureHeader } from './webhooks/sign';
