import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { stackEnv, uniqueId } from '../src/index.ts';

test('NATS JetStream dedupes by Nats-Msg-Id and delivers once to a durable pull consumer', async () => {
  const nc = await connect({ servers: stackEnv().natsUrl, timeout: 5000 });
  const stream = uniqueId('testkit');
  const subject = `${stream}.events.v1`;
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], duplicate_window: 60_000_000_000 });
    const js = jetstream(nc);

    const payload = JSON.stringify({ id: 'evt_1' });
    const first = await js.publish(subject, payload, { msgID: 'evt_1' });
    const second = await js.publish(subject, payload, { msgID: 'evt_1' });
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true, 'same Nats-Msg-Id inside the window is a duplicate');
    assert.equal(second.seq, first.seq);
    assert.equal((await jsm.streams.info(stream)).state.messages, 1);

    await jsm.consumers.add(stream, { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get(stream, 'worker');
    const message = await consumer.next({ expires: 5000 });
    assert.ok(message, 'the durable consumer receives the message');
    assert.equal(message.subject, subject);
    assert.deepEqual(message.json(), { id: 'evt_1' });
    assert.equal(await message.ackAck(), true);

    const info = await consumer.info();
    assert.equal(info.num_ack_pending, 0);
    assert.equal(info.num_pending, 0);
    assert.equal(await consumer.next({ expires: 1000 }), null, 'nothing else to deliver');
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
});
