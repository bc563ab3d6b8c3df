import { hash } from 'node:crypto';

/**
 * A record's id (its `Nats-Msg-Id`), derived instead of logged: nginx's `$request_id` costs an
 * OpenSSL `RAND_bytes` per request, about a quarter of what writing the record cost nginx
 * (bench/edge-records-nginx-instructions.bench.ts). What nginx logs instead is free:
 * `$pid.$connection.$connection_requests` — the worker, its connection's serial number and the
 * request's number on that connection — and `$msec`.
 *
 * The connection serial number is shared by all workers and carries on through a reload, so
 * serial and request number are unique while nginx runs; they start over when nginx restarts (and
 * in a container a restarted nginx gets the same pids), which `$msec` tells apart: the clock does
 * not start over. `instance` (edge-instance.ts) tells edges apart, whose numbers repeat each
 * other's. (Seen with Debian's nginx 1.22: serials 1–5 before a reload, 7–11 after it, 1–5 again
 * after a restart; e2e/analytics/edge-records.test.ts reloads and restarts nginx mid-stream.) The same line always gives the same id, so a shipper that re-reads lines
 * after a crash re-publishes the same ids and JetStream drops them. SHA-256 of those, cut to the
 * contract's 32 hex (0.3 µs per record, measured).
 */
export function edgeRecordId(instance: string, at: string, request: string): string {
  return hash('sha256', `${instance}\n${at}\n${request}`, 'hex').slice(0, 32);
}
