import { Card, Stack, Text, Title } from '@mantine/core';
import { CopyField } from '../../../shared/copy-field.tsx';
import { useSession } from '../../../shared/session.ts';
import { listenerPageUrl, publicFeedUrl, type Show } from './shows.api.ts';

/** Where the show is heard: the public feed (free episodes) and the page that sells private feeds. */
export function ShowFeeds({ show }: { show: Show }) {
  const session = useSession();
  const tenantSlug = session.data?.tenant.slug;
  if (!tenantSlug) return null;
  return (
    <Card withBorder component="section" aria-labelledby="feeds-heading">
      <Title order={2} size="h3" id="feeds-heading">
        Feeds
      </Title>
      <Stack mt="sm">
        <CopyField
          label="Public feed"
          value={publicFeedUrl(tenantSlug, show.slug)}
          description={
            show.listPremiumTeasers
              ? 'Free episodes, and premium ones as teasers without audio'
              : 'Free episodes only'
          }
        />
        <CopyField
          label="Show page"
          value={listenerPageUrl(tenantSlug, show.slug)}
          description="Listeners subscribe here and get their own private feed"
        />
        <Text size="sm" c="dark.5">
          Every subscriber's private feed address is personal; you can reset one from Subscribers.
        </Text>
      </Stack>
    </Card>
  );
}
