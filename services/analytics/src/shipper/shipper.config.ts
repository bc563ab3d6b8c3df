import { type Static, settings, Type } from '@gatehouse/config';
import { edgeRecordsStream, edgeRequestSubject } from '@gatehouse/contracts';

/** Every variable the edge-records shipper reads (`src/shipper.main.ts` loads it once). */
export const shipperConfigSchema = Type.Object({
  LOG_LEVEL: settings.LOG_LEVEL,
  NATS_URL: settings.NATS_URL,
  REDIS_URL: settings.REDIS_URL,
  EDGE_RECORDS_LOG: Type.String({
    pattern: '^/',
    description: "nginx's records log (nginx-ingress `records.path`), on a volume shared with the edge.",
  }),
  EDGE_RECORDS_POSITION: Type.Optional(
    Type.String({
      pattern: '^/',
      description: 'Checkpoint file (default: <EDGE_RECORDS_LOG>.position, beside the log).',
    }),
  ),
  EDGE_RECORDS_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    default: edgeRecordsStream.defaultRetentionDays,
    description: 'Age after which JetStream removes records from GH_EDGE.',
  }),
  EDGE_RECORDS_SALT_TTL_DAYS: Type.Integer({
    minimum: 1,
    maximum: 7,
    default: 2,
    description:
      'Days a UTC day’s address salt stays in Redis (≥ 1 so late lines of yesterday hash alike); after it, that day’s hashes cannot be recomputed from an address.',
  }),
  EDGE_RECORDS_ROTATE_BYTES: Type.Integer({
    minimum: 0,
    default: 64 * 1024 * 1024,
    description: 'The shipper rotates the log at this size (needs NGINX_PID_FILE); 0: someone else rotates.',
  }),
  NGINX_PID_FILE: Type.Optional(
    Type.String({
      pattern: '^/',
      description: "nginx master's pid file (SIGUSR1 reopens the log after a rotation).",
    }),
  ),
  EDGE_RECORDS_GRACE_MS: Type.Integer({
    minimum: 0,
    default: 3_000,
    description: "A rotated log is read until it stayed quiet this long (must exceed nginx's records flush).",
  }),
  EDGE_RECORDS_POLL_MS: Type.Integer({
    minimum: 1,
    default: 100,
    description: 'Idle poll at the end of the log.',
  }),
  EDGE_RECORDS_DRAIN_MS: Type.Integer({
    minimum: 0,
    default: 20_000,
    description: 'On SIGTERM: ship what nginx still flushes, for at most this long.',
  }),
  EDGE_RECORDS_NICE: Type.Integer({
    minimum: 0,
    maximum: 19,
    default: 10,
    description:
      "CPU priority (nice) the shipper gives itself at start: a batch consumer that may lag and catch up, it yields CPU to nginx's workers when they share cores (records arrive later, none is lost or changed; the backlog gauge shows the lag). 0: normal priority.",
  }),
  EDGE_RECORDS_STREAM: Type.String({
    default: edgeRecordsStream.name,
    description: 'JetStream stream (tests only).',
  }),
  EDGE_RECORDS_SUBJECT: Type.String({ default: edgeRequestSubject, description: 'Subject (tests only).' }),
  SHIPPER_METRICS_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 9464,
    description: 'Port of /metrics and /healthz (0: any free port).',
  }),
});

export type ShipperConfig = Static<typeof shipperConfigSchema>;
