export { ConfigError, describeConfig, type EnvSchema, loadConfig, Type } from './config-loader.ts';
export { settings } from './common-settings.ts';
export type { Static } from 'typebox';
