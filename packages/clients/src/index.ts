export { connectNats } from './nats-client.ts';
export { checkPostgres, type RawQueryClient } from './postgres-check.ts';
export { type ConnectionLogger, connectRedis } from './redis-client.ts';
