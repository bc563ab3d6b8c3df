import {
  Alert,
  AppShell,
  Burger,
  Button,
  Center,
  Container,
  Group,
  Loader,
  NavLink,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { errorMessage } from '../../shared/api-errors.ts';
import { useSession } from '../../shared/session.ts';
import { useSignOut } from '../../shared/session-actions.ts';
import { SkipLink } from '../../shared/skip-link.tsx';
import { isActive, NAV_ITEMS } from './nav-items.ts';
import { TenantSwitcher } from './tenant-switcher.tsx';

/**
 * The dashboard shell: header (burger on phones, the creator's name), navigation to every section,
 * tenant switcher and sign-out; the page in <main>. Signed out → /app/sign-in (back here after).
 */
export function DashboardLayout() {
  const session = useSession();
  const signOut = useSignOut();
  const location = useLocation();
  const [navOpen, nav] = useDisclosure(false);

  // A phone's navigation closes once a section is chosen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => nav.close(), [location.pathname]);

  if (session.isPending)
    return (
      <Center h="100vh" component="main">
        <Loader aria-label="Loading the dashboard" />
      </Center>
    );
  if (session.isError)
    return (
      <Container size="sm" py="xl" component="main">
        <Alert color="red" title="The dashboard could not start" role="alert">
          {errorMessage(session.error)}
        </Alert>
      </Container>
    );
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/app/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpen}
              aria-controls="dashboard-navigation"
            />
            <Text component={Link} to="/app/shows" fw={700} size="lg" c="indigo.9" td="none">
              Gatehouse
            </Text>
          </Group>
          <Text size="sm" c="dark.6" truncate="end" maw="50%">
            {session.data.tenant.name}
          </Text>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" id="dashboard-navigation" aria-label="Dashboard">
        <AppShell.Section grow>
          {NAV_ITEMS.map((item) => {
            const active = isActive(item.path, location.pathname);
            return (
              <NavLink
                key={item.path}
                component={Link}
                to={item.path}
                label={item.label}
                active={active}
                aria-current={active ? 'page' : undefined}
              />
            );
          })}
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          <TenantSwitcher session={session.data} />
          <Text size="xs" c="dark.5" mt="sm" truncate="end">
            {session.data.user.email}
          </Text>
          <Button
            variant="default"
            fullWidth
            mt="xs"
            loading={signOut.isPending}
            onClick={() => signOut.mutate()}
          >
            Sign out
          </Button>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
