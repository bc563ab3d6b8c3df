// templates/secret.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, helmTemplate, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('the chart Secret holds every key; none with existingSecret; missing values fail clearly', (t) => {
  if (skipWithoutTools(t)) return;
  const s = find(renderChart({ scenario: 'edge' }), 'Secret', `${FULLNAME}-secrets`);
  assert.deepEqual(Object.keys(s.stringData).sort(), [
    'DATABASE_URL',
    'INTERNAL_API_TOKEN',
    'NATS_URL',
    'OPERATOR_API_KEY',
    'REDIS_URL',
    'S3_ACCESS_KEY_ID',
    'S3_SECRET_ACCESS_KEY',
    'SECURE_LINK_SECRET',
    'SMTP_URL',
    'STRIPE_SECRET_KEY',
    'STRIPE_WEBHOOK_SECRETS',
    'TOKEN_ACTIVE_KID',
    'TOKEN_KEYS',
  ]);
  assert.equal(s.stringData.STRIPE_WEBHOOK_SECRETS, 'whsec_ci_1,whsec_ci_2');
  assert.equal(s.stringData.OPERATOR_API_KEY, 'ci-operator-api-key-0001-abcdefghijklmnop');
  // web cannot start without them: the install fails first, naming the value.
  for (const [key, message] of [
    ['secrets.operatorApiKey', /secrets\.operatorApiKey \(or secrets\.existingSecret\) is required/],
    ['secrets.smtpUrl', /secrets\.smtpUrl \(or secrets\.existingSecret\) is required/],
  ] as const) {
    assert.throws(() => helmTemplate({ scenario: 'edge', set: [`${key}=`] }), message);
  }
  assert.throws(
    () => helmTemplate({ scenario: 'edge', set: ['secrets.operatorApiKey=short'] }),
    /operatorApiKey/,
  );
  assert.equal(ofKind(renderChart({ scenario: 'existing-secrets' }), 'Secret').length, 0);
  assert.throws(
    () => helmTemplate({ set: ['edge.host=a.example.com'] }),
    /secrets\.databaseUrl \(or secrets\.existingSecret\) is required/,
  );
});
