import type { CustomDomainsService } from '../domain/custom-domains.service.ts';
import type { EpisodesService } from '../domain/episodes.service.ts';
import type { OriginLookup } from '../domain/origins.service.ts';
import type { PrivateFileStore } from '../domain/private-files.service.ts';
import type { PublicFilesService } from '../domain/public-files/public-files.service.ts';
import type { SecureLinkIssuer } from '../domain/secure-link-issuer.ts';
import type { ShowsService } from '../domain/shows.service.ts';
import type { UploadsService } from '../domain/uploads.service.ts';

/** What the creators' API and the internal routes use: domain services only. Built in app.ts. */
export interface RouteDeps {
  shows: ShowsService;
  episodes: EpisodesService;
  uploads: UploadsService;
  domains: CustomDomainsService;
  origins: OriginLookup;
  /** Artwork, transcripts and chapters: stored, then served publicly. */
  publicFiles: PublicFilesService;
  /** The edge's address (PUBLIC_BASE_URL, no trailing slash) for public file URLs in API bodies; '' gives paths. */
  publicBaseUrl: string;
  /** nginx secure_link links (seed 003); absent: those routes are not served. */
  secureLinks?: SecureLinkRoutesDeps | undefined;
}

export interface SecureLinkRoutesDeps {
  issue: SecureLinkIssuer;
  /** Present when the service can write into the edge's `secureLink.root` (PRIVATE_FILES_DIR). */
  privateFiles?: PrivateFileStore | undefined;
}
