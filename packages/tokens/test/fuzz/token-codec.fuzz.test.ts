import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { issueAccessToken, parseKeyring, verifyAccessToken, verifyDownloadToken } from '../../src/index.ts';
import { MUTATION_KINDS, runTokenFuzz } from './token-mutator.ts';

// Abuse of the token parser (issue 7): hostile strings never verify and never throw. The seeded
// run here is sized for the default suite; `bench/load-token-fuzz.ts` runs one million cases.
// TOKEN_FUZZ_CASES / TOKEN_FUZZ_SEED override both (a failure prints its seed).

const CASES = Number(process.env.TOKEN_FUZZ_CASES ?? 50_000);
const SEED = Number(process.env.TOKEN_FUZZ_SEED ?? Date.now() % 2 ** 31);

const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');

describe('token codec under hostile input', () => {
  test(`${CASES} random and mutated tokens: none accepted (seed ${SEED})`, () => {
    const report = runTokenFuzz(CASES, SEED);
    assert.deepEqual(report.accepted, [], `accepted forgeries, seed ${SEED}`);
    for (const kind of MUTATION_KINDS)
      assert.ok((report.byKind[kind] ?? 0) > 0, `kind ${kind} was exercised`);
  });

  test('any string: verify returns a failure value, never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })),
        (text) => {
          assert.equal(verifyAccessToken(keyring, text).ok, false);
          assert.equal(verifyDownloadToken(keyring, text, 0).ok, false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('a real token with any bytes overwritten, inserted or removed is rejected', () => {
    const token = issueAccessToken(keyring, {
      tenantId: randomUUID(),
      subscriberId: randomUUID(),
      generation: 3,
    });
    const bytes = Buffer.from(token, 'base64url');
    fc.assert(
      fc.property(
        fc.nat({ max: bytes.length }),
        fc.uint8Array({ minLength: 0, maxLength: 8 }),
        fc.nat({ max: 8 }),
        (at, insert, remove) => {
          const mutated = Buffer.concat([
            bytes.subarray(0, at),
            insert,
            bytes.subarray(Math.min(bytes.length, at + remove)),
          ]);
          fc.pre(!mutated.equals(bytes));
          assert.equal(verifyAccessToken(keyring, mutated.toString('base64url')).ok, false);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
