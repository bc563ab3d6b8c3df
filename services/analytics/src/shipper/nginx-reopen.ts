import { readFile } from 'node:fs/promises';

/**
 * Asks nginx to reopen its log files: SIGUSR1 to the master named in its pid file (in the chart
 * the edge pod shares its process namespace, so the sidecar can signal nginx). Without a pid file
 * the shipper never rotates (EDGE_RECORDS_ROTATE_BYTES needs it).
 */
export function nginxReopener(pidFile: string): () => Promise<void> {
  return async () => {
    const pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10);
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no nginx pid in ${pidFile}`);
    process.kill(pid, 'SIGUSR1');
  };
}
