export { type BuildAppOptions, buildApp } from './app';
export { type Config, ConfigError, loadConfig } from './config';
export type { StripeConnection } from './plugins/services';
