export { createLogger, type Logger, type LoggerSettings, redactPaths, redactUrl } from './logger.ts';
