export { type CliIo, runCli, USAGE } from './cli.ts';
export { CliError, createOperatorClient, type OperatorClientOptions } from './operator-client.ts';
