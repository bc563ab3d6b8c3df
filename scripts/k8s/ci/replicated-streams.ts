/**
 * The platform's JetStream streams on the in-cluster three-node NATS, replicated on all three
 * (scripts/k8s/in-cluster.sh runs it before the chart is installed).
 *
 *   node scripts/k8s/ci/replicated-streams.ts nats://10.97.0.5:4222
 *
 * The services create the streams they need at start with JetStream's default of one replica
 * (ensureStreams, ensureEdgeStream), and keep an existing stream's replica count when they bring
 * its subjects and windows up to date. So the streams are made here first with the services' own
 * code, then raised to three replicas: one NATS node can go without losing a stream or its quorum.
 * Durable consumers the services add inherit the stream's replica count.
 */

import { edgeRecordsStream, streams } from '@gatehouse/contracts';
import { ensureStreams } from '@gatehouse/outbox';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensureEdgeStream } from '../../../services/analytics/src/shipper/edge-stream.ts';

const REPLICAS = 3;
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: replicated-streams.ts NATS_URL\n');
  process.exit(2);
}

// The StatefulSet's rollout can report Ready a moment before kube-proxy has programmed the
// Service's endpoints (seen on a fresh machine: ECONNREFUSED from 10.97.0.5 right after the
// rollout), so the first connection is retried for up to a minute.
async function connectWithRetry(servers: string, deadlineMs = 60_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await connect({ servers, timeout: 10_000 });
    } catch (error) {
      if (Date.now() >= until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const nats = await connectWithRetry(url);
try {
  const jsm = await jetstreamManager(nats);
  // Until the meta group has a leader, stream requests time out: retry for a while.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureStreams(jsm);
      await ensureEdgeStream(jsm);
      break;
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  for (const name of [...Object.values(streams).map((s) => s.name), edgeRecordsStream.name]) {
    const info = await jsm.streams.info(name);
    if (info.config.num_replicas !== REPLICAS)
      await jsm.streams.update(name, { ...info.config, num_replicas: REPLICAS });
    // The new replicas catch up in the background: wait until all three are current.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const after = await jsm.streams.info(name);
      const replicas = after.cluster?.replicas ?? [];
      if (after.cluster?.leader && replicas.length === REPLICAS - 1 && replicas.every((r) => r.current)) {
        console.log(`${name}: ${REPLICAS} replicas current, leader ${after.cluster.leader}`);
        break;
      }
      if (Date.now() > deadline)
        throw new Error(`${name}: replicas not current after 120 s: ${JSON.stringify(after.cluster)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
} finally {
  await nats.drain();
}
