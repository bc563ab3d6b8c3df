import { createHmac } from 'node:crypto';
import { EdgeRequestRecord } from '@gatehouse/contracts';
import { Compile } from 'typebox/compile';
import { clientAddress } from './client-address.ts';
import type { DailySalts } from './daily-salt.ts';
import type { EdgeLogLine } from './edge-log-line.ts';

const validator = Compile(EdgeRequestRecord);

export type BuiltRecord = { ok: true; record: EdgeRequestRecord } | { ok: false; reason: string };

/**
 * Log line → published record: the address is hashed with the salt of the record's own UTC day
 * (so a replay of old lines hashes the same) and reduced to its network; the raw address stops here.
 */
export async function buildEdgeRecord(line: EdgeLogLine, salts: DailySalts): Promise<BuiltRecord> {
  const client = clientAddress(line.address);
  if (!client) return { ok: false, reason: 'addr not an IP address' };
  const saltDay = line.at.slice(0, 10);
  const salt = await salts.forDay(saltDay);
  const { address: _dropped, ...rest } = line;
  const record: EdgeRequestRecord = {
    ...rest,
    ipHash: createHmac('sha256', salt).update(client.hashInput).digest('hex'),
    network: client.network,
    saltDay,
  };
  // Checked here, once: a record the contract refuses would otherwise block its batch forever.
  if (!validator.Check(record)) {
    const first = [...validator.Errors(record)][0];
    return { ok: false, reason: `schema ${first?.instancePath || '/'}` };
  }
  return { ok: true, record };
}
