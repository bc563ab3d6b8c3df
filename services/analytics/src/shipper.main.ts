import { connectNats, connectRedis } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createLogger } from '@gatehouse/logging';
import { runMain } from '@gatehouse/observability';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DailySalts } from './shipper/daily-salt.ts';
import { edgeInstance } from './shipper/edge-instance.ts';
import { EdgeShipper } from './shipper/edge-shipper.ts';
import { ensureEdgeStream } from './shipper/edge-stream.ts';
import { JetStreamRecordSink } from './shipper/jetstream-record-sink.ts';
import { LogFollower } from './shipper/log-follower.ts';
import { FilePositionStore } from './shipper/log-position.ts';
import { lowerPriority } from './shipper/lower-priority.ts';
import { startMetricsServer } from './shipper/metrics-server.ts';
import { nginxReopener } from './shipper/nginx-reopen.ts';
import { RedisSaltStore } from './shipper/redis-salt-store.ts';
import { shipperConfigSchema } from './shipper/shipper.config.ts';
import { createShipperMetrics } from './shipper/shipper-metrics.ts';

/**
 * The edge-records shipper (a sidecar of the edge): tails nginx's records log, hashes client
 * addresses, publishes to JetStream (GH_EDGE) with dedupe ids, checkpoints after the acks.
 */
await runMain('edge-records-shipper', async () => {
  const config = loadConfig(shipperConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'edge-records-shipper' });
  const metrics = createShipperMetrics();
  // A batch consumer beside nginx: on shared cores its CPU would come out of the workers' share.
  try {
    const { threads } = lowerPriority(config.EDGE_RECORDS_NICE);
    logger.info({ nice: config.EDGE_RECORDS_NICE, threads }, 'shipper CPU priority lowered');
  } catch (error) {
    logger.warn({ err: error, nice: config.EDGE_RECORDS_NICE }, 'could not lower the CPU priority');
  }

  const redis = await connectRedis(config.REDIS_URL, { logger });
  // Keep reconnecting through a NATS outage: batches wait (the log is the buffer), none is lost.
  const nats = await connectNats(config.NATS_URL, 'edge-records-shipper', { maxReconnectAttempts: -1 });
  await ensureEdgeStream(await jetstreamManager(nats), {
    name: config.EDGE_RECORDS_STREAM,
    subjects: [config.EDGE_RECORDS_SUBJECT],
    retentionDays: config.EDGE_RECORDS_RETENTION_DAYS,
  });

  const rotate = config.NGINX_PID_FILE ? config.EDGE_RECORDS_ROTATE_BYTES : 0;
  const reopen = config.NGINX_PID_FILE ? nginxReopener(config.NGINX_PID_FILE) : async () => undefined;
  const follower = new LogFollower(config.EDGE_RECORDS_LOG, {
    graceMs: config.EDGE_RECORDS_GRACE_MS,
    rotateBytes: rotate,
    reopen,
    onGap: (reason, bytes) => {
      metrics.gaps.inc({ reason });
      if (bytes > 0) metrics.gapBytes.inc({ reason }, bytes);
      logger.error({ reason, bytes }, 'edge records log bytes skipped unread');
    },
  });
  const shipper = new EdgeShipper({
    follower,
    positions: new FilePositionStore(config.EDGE_RECORDS_POSITION ?? `${config.EDGE_RECORDS_LOG}.position`),
    sink: new JetStreamRecordSink(nats, jetstream(nats), { subject: config.EDGE_RECORDS_SUBJECT }),
    salts: new DailySalts(new RedisSaltStore(redis), config.EDGE_RECORDS_SALT_TTL_DAYS * 86_400),
    instance: await edgeInstance(`${config.EDGE_RECORDS_LOG}.instance`),
    metrics,
    logger,
    pollMs: config.EDGE_RECORDS_POLL_MS,
    drainQuietMs: Math.max(config.EDGE_RECORDS_GRACE_MS, 1_000),
    drainTimeoutMs: config.EDGE_RECORDS_DRAIN_MS,
  });
  const { server, port } = await startMetricsServer(metrics.registry, config.SHIPPER_METRICS_PORT);
  logger.info({ log: config.EDGE_RECORDS_LOG, metricsPort: port }, 'edge records shipper started');

  const stop = () => {
    logger.info({}, 'stopping: draining the records log');
    shipper.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await shipper.run();
  server.close();
  await nats.drain();
  redis.disconnect();
  logger.info({}, 'edge records shipper stopped');
});
