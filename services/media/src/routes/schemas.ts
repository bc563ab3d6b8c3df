import { errorBodySchema } from '@gatehouse/observability';
import Type, { type TSchema } from 'typebox';

/** JSON schemas shared by the creators' API routes. */
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const ShowIdParams = Type.Object({ showId: Uuid }, { additionalProperties: false });
export const PageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

/** Error responses by status, all in the one error body shape. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;
}
/** Every authenticated route can answer these. */
export const authErrors = [400, 401, 403] as const;

/** The answers of a route: `body` under 200, or the auth errors and `statuses`. */
export const ok = <T extends TSchema>(body: T, ...statuses: number[]) => ({
  200: body,
  ...errorResponses(...authErrors, ...statuses),
});
/** The answers of a creating route: `body` under 201, or the auth errors and `statuses`. */
export const created = <T extends TSchema>(body: T, ...statuses: number[]) => ({
  201: body,
  ...errorResponses(...authErrors, ...statuses),
});
/** A route on one of the tenant's records by id: `body` as the 200 answer; 404 for an unknown id, then `statuses`. */
export const byIdSchema = <T extends TSchema>(body: T, ...statuses: number[]) => ({
  params: IdParams,
  response: ok(body, 404, ...statuses),
});
/** A deletion by id answered with an empty 204. */
export const deleteByIdSchema = (...statuses: number[]) => ({
  params: IdParams,
  response: { 204: Type.Null(), ...errorResponses(...authErrors, 404, ...statuses) },
});

/** Free text stored in Postgres, whose text type cannot hold U+0000: refused as a 400, not a 500 at insert. */
const NO_NUL = '^[^\\u0000]*$';
const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' });
const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });

export const ShowFields = {
  title: Type.String({ minLength: 1, maxLength: 300, pattern: NO_NUL }),
  description: Type.String({ maxLength: 20_000, pattern: NO_NUL }),
  author: Type.String({ maxLength: 300, pattern: NO_NUL }),
  ownerEmail: Nullable(Type.String({ format: 'email', maxLength: 320 })),
  imageUrl: Nullable(HttpUrl),
  language: Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }),
  itunesCategory: Nullable(Type.String({ maxLength: 100, pattern: NO_NUL })),
  itunesSubcategory: Nullable(Type.String({ maxLength: 100, pattern: NO_NUL })),
  explicit: Type.Boolean(),
  websiteUrl: Nullable(HttpUrl),
  listPremiumTeasers: Type.Boolean(),
  itunesType: Type.Union([Type.Literal('episodic'), Type.Literal('serial')], {
    description: '<itunes:type>: episodic (newest first) or serial (listen in order)',
  }),
  ownerName: Nullable(Type.String({ maxLength: 300, pattern: NO_NUL })),
  copyright: Nullable(Type.String({ maxLength: 1000, pattern: NO_NUL })),
};

/** Every show field, each optional: the update body (with the slug), and the create body apart from slug and title. */
const ShowFieldsOptional = Type.Partial(Type.Object(ShowFields)).properties;

export const ShowCreate = Type.Object(
  { ...ShowFieldsOptional, slug: Slug, title: ShowFields.title },
  { additionalProperties: false },
);
export const ShowUpdate = Type.Object(
  { ...ShowFieldsOptional, slug: Type.Optional(Slug) },
  { additionalProperties: false, minProperties: 1 },
);
/** A stored file podcast apps fetch: artwork, a transcript, chapters. */
export const PublicFileBody = Type.Object(
  {
    url: Type.String({ description: 'public URL (through the edge; no credentials)' }),
    contentType: Type.String(),
    byteSize: Type.Integer(),
    sha256: Type.String(),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);

export const Show = Type.Object(
  {
    id: Uuid,
    slug: Type.String(),
    ...ShowFields,
    artwork: Nullable(PublicFileBody),
    podcastGuid: Uuid,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { additionalProperties: false },
);

const Status = Type.Union(
  [Type.Literal('draft'), Type.Literal('scheduled'), Type.Literal('published'), Type.Literal('removed')],
  {
    description:
      'scheduled: published with a publishedAt still in the future — feeds and media answer it from that instant on',
  },
);
const Visibility = Type.Union([Type.Literal('public'), Type.Literal('premium')]);
const EpisodeType = Type.Union([Type.Literal('full'), Type.Literal('trailer'), Type.Literal('bonus')]);
const LifecycleKind = Type.Union([
  Type.Literal('none'),
  Type.Literal('welcome'),
  Type.Literal('payment_failed'),
  Type.Literal('subscription_ended'),
]);

const EpisodeEditable = {
  title: Type.String({ minLength: 1, maxLength: 500, pattern: NO_NUL }),
  description: Type.String({ maxLength: 100_000, pattern: NO_NUL }),
  seasonNumber: Nullable(Type.Integer({ minimum: 0, maximum: 100_000 })),
  episodeNumber: Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  episodeType: EpisodeType,
  visibility: Visibility,
  earlyAccessUntil: Nullable(DateTime),
  lifecycleKind: LifecycleKind,
  transcriptUrl: Nullable(HttpUrl),
  transcriptType: Nullable(Type.String({ maxLength: 100, pattern: NO_NUL })),
  chaptersUrl: Nullable(HttpUrl),
  explicit: Nullable(Type.Boolean()),
};

/** Every editable field, each optional: the update body, and the create body apart from its title. */
const EpisodeEditableOptional = Type.Partial(Type.Object(EpisodeEditable)).properties;

export const EpisodeCreate = Type.Object(
  {
    ...EpisodeEditableOptional,
    title: EpisodeEditable.title,
    guid: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: NO_NUL })),
  },
  { additionalProperties: false },
);
export const EpisodeUpdate = Type.Object(EpisodeEditableOptional, {
  additionalProperties: false,
  minProperties: 1,
});
export const EpisodePublish = Type.Object(
  { publishedAt: Type.Optional(DateTime) },
  { additionalProperties: false },
);

export const EpisodeMedia = Type.Object(
  {
    uploadId: Uuid,
    fileName: Type.String(),
    contentType: Type.String(),
    byteSize: Type.Integer(),
    durationSeconds: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
export const Episode = Type.Object(
  {
    id: Uuid,
    showId: Uuid,
    guid: Type.String(),
    ...EpisodeEditable,
    status: Status,
    publishedAt: Nullable(DateTime),
    version: Type.Integer(),
    media: Nullable(EpisodeMedia),
    transcript: Nullable(PublicFileBody),
    chapters: Nullable(PublicFileBody),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { additionalProperties: false },
);

const Sha256 = Type.String({ pattern: '^[a-f0-9]{64}$', description: 'hex sha256 of the whole file' });
export const UploadCreate = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255, pattern: NO_NUL }),
    byteSize: Type.Integer({ minimum: 1 }),
    sha256: Type.Optional(Sha256),
    contentType: Type.String({ pattern: '^(audio|video)/[A-Za-z0-9.+-]+$', maxLength: 100 }),
  },
  { additionalProperties: false },
);
const UploadStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('uploading'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);
export const Upload = Type.Object(
  {
    id: Uuid,
    episodeId: Uuid,
    status: UploadStatus,
    fileName: Type.String(),
    contentType: Type.String(),
    byteSize: Type.Integer(),
    durationSeconds: Nullable(Type.Integer()),
    sha256: Nullable({
      ...Sha256,
      description: 'hex sha256 of the whole file: the declared one until ready (null if none), then computed',
    }),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);
const PartRange = {
  partNumber: Type.Integer({ minimum: 1 }),
  url: Type.String(),
  start: Type.Integer({ minimum: 0, description: 'first byte of the part in the file' }),
  end: Type.Integer({ minimum: 0, description: 'last byte of the part (inclusive)' }),
};
export const UploadInstructions = Type.Object(
  {
    upload: Upload,
    kind: Type.Union([Type.Literal('single'), Type.Literal('multipart')]),
    put: Type.Optional(
      Type.Object(
        {
          method: Type.Literal('PUT'),
          url: Type.String(),
          headers: Type.Record(Type.String(), Type.String()),
          expiresAt: DateTime,
        },
        { additionalProperties: false },
      ),
    ),
    multipart: Type.Optional(
      Type.Object(
        {
          partSize: Type.Integer(),
          expiresAt: DateTime,
          parts: Type.Array(Type.Object(PartRange, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export const UploadProgress = Type.Object(
  {
    partSize: Type.Integer(),
    parts: Type.Array(
      Type.Object(
        { partNumber: Type.Integer({ minimum: 1 }), size: Type.Integer({ minimum: 0 }), etag: Type.String() },
        { additionalProperties: false },
      ),
      { description: 'parts storage holds, complete for their range' },
    ),
    missing: Type.Array(Type.Object(PartRange, { additionalProperties: false }), {
      description: 'parts still to send, with fresh presigned PUT URLs',
    }),
    expiresAt: DateTime,
  },
  { additionalProperties: false },
);
export const UploadComplete = Type.Object(
  {
    parts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            partNumber: Type.Integer({ minimum: 1, maximum: 10_000 }),
            // ETags are visible ASCII (quoted hex, `-N` for multipart); anything else cannot go into the
            // CompleteMultipartUpload XML and would fail at the storage instead of here.
            etag: Type.String({ minLength: 1, maxLength: 200, pattern: '^[!-~]+$' }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 10_000 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DomainCreate = Type.Object(
  { hostname: Type.String({ minLength: 1, maxLength: 300, pattern: NO_NUL }) },
  { additionalProperties: false },
);
export const Domain = Type.Object(
  {
    id: Uuid,
    hostname: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('active'),
      Type.Literal('failed'),
      Type.Literal('removing'),
    ]),
    verificationToken: Type.String(),
    verifiedAt: Nullable(DateTime),
    createdAt: DateTime,
  },
  { additionalProperties: false },
);

export const list = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Uuid) }, { additionalProperties: false });
