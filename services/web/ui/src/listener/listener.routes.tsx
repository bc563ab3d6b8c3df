import type { RouteObject } from 'react-router';
import { AccountPage } from './account-page.tsx';
import { ShowPage } from './show-page.tsx';
import { WelcomePage } from './welcome-page.tsx';

// Listener pages (see docs/ARCHITECTURE.md "Pages"). `welcome` and `account` outrank a show slug of
// the same name (static segments win in react-router), so those two words cannot be show slugs here.
export const listenerRoutes: RouteObject[] = [
  { path: '/listen/:tenantSlug/welcome', element: <WelcomePage /> },
  { path: '/listen/:tenantSlug/account', element: <AccountPage /> },
  { path: '/listen/:tenantSlug/:showSlug', element: <ShowPage /> },
];
