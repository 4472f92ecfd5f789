export { type CatalogEntry, type CatalogPrice, DEFAULT_CATALOG, parseCatalog } from './catalog';
export { type StripeEmulator, type StripeEmulatorOptions, startStripeEmulator } from './emulator';
export { FAULT_KINDS, type FaultKind, type FaultRule, parseFaultSpec } from './faults';
export type { DeliveryAttempt, DeliveryOptions } from './webhooks/deliver';
export { signatureHeader } from './webhooks/sign';
