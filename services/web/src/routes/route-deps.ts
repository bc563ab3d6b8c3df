import type { ApiKeysService } from '../domain/api-keys.service.ts';
import type { CreatorSignIn } from '../domain/creator-sign-in.service.ts';
import type { OperatorService } from '../domain/operator.service.ts';
import type { PublicShowsService } from '../domain/public-shows.service.ts';

// The domain interfaces the web routes may use; adapters implement them and app.ts wires them.
export interface RouteDeps {
  /** Where the built single-page app lives (index.html + /ui/assets). */
  uiDir: string;
}

/** Sign-in, sessions and the creators' own API keys (`/web/v1/…`). */
export interface CreatorRouteDeps {
  signIn: CreatorSignIn;
  apiKeys: ApiKeysService;
  /** Cookies carry `Secure` when PUBLIC_BASE_URL is https. */
  secureCookies: boolean;
}

/** The operator API (`/operator/v1/…`). */
export interface OperatorRouteDeps {
  operator: OperatorService;
  /** Throws 401 unless the request carries OPERATOR_API_KEY. */
  verifyOperator(authorization: string | undefined): void;
}

/** The public show page (`/web/v1/public/shows/…`, no credentials). */
export interface PublicShowsRouteDeps {
  publicShows: Pick<PublicShowsService, 'show'>;
}
