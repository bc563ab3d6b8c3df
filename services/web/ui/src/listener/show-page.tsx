import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Image,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { formatDate, formatDuration, formatPrice, plainText } from './format.ts';
import { listenerApi, type PublicShow, problemText } from './listener-api.ts';
import { ListenerShell } from './listener-shell.tsx';

/** `/listen/:tenantSlug/:showSlug`: the creator's public show page — who, what, plans, Subscribe. */
export function ShowPage() {
  const { tenantSlug = '', showSlug = '' } = useParams();
  const query = useQuery({
    queryKey: ['public-show', tenantSlug, showSlug],
    queryFn: () => listenerApi.show(tenantSlug, showSlug),
    staleTime: 60_000,
  });

  if (query.isPending)
    return (
      <ListenerShell>
        <Group justify="center" py="xl">
          <Loader aria-label="Loading the show" />
        </Group>
      </ListenerShell>
    );
  if (query.isError)
    return (
      <ListenerShell>
        <Title order={1}>Show not found</Title>
        <Text mt="md">{problemText(query.error)}</Text>
      </ListenerShell>
    );
  return <ShowView data={query.data} />;
}

function ShowView({ data }: { data: PublicShow }) {
  const { show, tenant, plans, episodes } = data;
  const description = plainText(show.description);
  return (
    <ListenerShell creator={tenant.name}>
      <Stack gap="xl">
        <Group align="flex-start" gap="xl" wrap="wrap" component="section" aria-labelledby="show-title">
          {show.artworkUrl ? (
            <Image
              src={show.artworkUrl}
              alt={`Artwork of ${show.title}`}
              w={{ base: '100%', xs: 260 }}
              maw={360}
              radius="lg"
              fit="cover"
              style={{ aspectRatio: '1 / 1', boxShadow: 'var(--mantine-shadow-md)' }}
              data-testid="show-artwork"
            />
          ) : null}
          <Stack gap="sm" style={{ flex: '1 1 280px', minWidth: 0 }}>
            <Text fw={600} c="indigo.9" tt="uppercase" size="sm" data-testid="creator-name">
              {show.author || tenant.name}
            </Text>
            <Title
              order={1}
              id="show-title"
              style={{ fontSize: 'clamp(1.8rem, 5vw, 2.8rem)', lineHeight: 1.1 }}
            >
              {show.title}
            </Title>
            {description ? (
              <Text size="lg" c="gray.8" style={{ whiteSpace: 'pre-line' }}>
                {description}
              </Text>
            ) : null}
            {plans.length > 0 ? (
              <Box>
                <Button component="a" href="#plans" size="md">
                  See plans
                </Button>
              </Box>
            ) : null}
          </Stack>
        </Group>

        <Stack gap="md" component="section" aria-labelledby="plans-heading" id="plans">
          <Title order={2} id="plans-heading">
            Subscribe
          </Title>
          {plans.length === 0 ? (
            <Text>No plans are on sale for this show right now.</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: plans.length > 1 ? 2 : 1, md: Math.min(plans.length, 3) }}>
              {plans.map((plan) => (
                <PlanCard key={plan.id} plan={plan} tenantSlug={tenant.slug} showSlug={show.slug} />
              ))}
            </SimpleGrid>
          )}
        </Stack>

        <Stack gap="sm" component="section" aria-labelledby="episodes-heading">
          <Title order={2} id="episodes-heading">
            Episodes
          </Title>
          {episodes.length === 0 ? <Text>The first episode is on its way.</Text> : null}
          <Stack gap={0} component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
            {episodes.map((episode) => (
              <Box
                component="li"
                key={episode.id}
                py="sm"
                style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
                data-testid="episode"
              >
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Text fw={600}>{episode.title}</Text>
                    <Text size="sm" c="gray.7">
                      {[formatDate(episode.publishedAt), formatDuration(episode.durationSeconds)]
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                  </Stack>
                  <Badge
                    variant={episode.access === 'free' ? 'outline' : 'filled'}
                    color={episode.access === 'free' ? 'gray.8' : 'indigo.9'}
                    style={{ flexShrink: 0 }}
                  >
                    {episode.access === 'free' ? 'Free' : 'Subscribers'}
                  </Badge>
                </Group>
              </Box>
            ))}
          </Stack>
        </Stack>
      </Stack>
    </ListenerShell>
  );
}

function PlanCard({
  plan,
  tenantSlug,
  showSlug,
}: {
  plan: PublicShow['plans'][number];
  tenantSlug: string;
  showSlug: string;
}) {
  const checkout = useMutation({
    mutationFn: () => listenerApi.checkout(tenantSlug, plan.id, showSlug),
    // Stripe Checkout is a page of its own: leave for it.
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const headingId = `plan-${plan.id}`;
  return (
    <Card withBorder radius="lg" padding="lg" shadow="sm" aria-labelledby={headingId} data-testid="plan-card">
      <Stack gap="sm" h="100%">
        <Title order={3} id={headingId}>
          {plan.name}
        </Title>
        <Group gap={6} align="baseline">
          <Text fz={32} fw={800} lh={1}>
            {formatPrice(plan.amount, plan.currency)}
          </Text>
          <Text c="gray.7">/ {plan.interval}</Text>
        </Group>
        {plan.trialDays > 0 ? (
          <Badge color="teal.9" variant="filled" size="lg" w="fit-content">
            {plan.trialDays}-day free trial
          </Badge>
        ) : null}
        {plan.description ? <Text c="gray.8">{plan.description}</Text> : null}
        <Box mt="auto" pt="sm">
          <Button
            fullWidth
            size="lg"
            loading={checkout.isPending}
            onClick={() => checkout.mutate()}
            aria-describedby={headingId}
          >
            {plan.trialDays > 0 ? 'Start free trial' : 'Subscribe'}
          </Button>
        </Box>
        {checkout.isError ? (
          <Alert color="red.9" variant="outline" role="alert" title="Could not start the checkout">
            {problemText(checkout.error)}
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
