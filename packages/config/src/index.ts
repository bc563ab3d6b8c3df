export type { Static } from 'typebox';
export { settings } from './common-settings.ts';
export { ConfigError, describeConfig, type EnvSchema, loadConfig, Type } from './config-loader.ts';
