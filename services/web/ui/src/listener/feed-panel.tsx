import {
  Anchor,
  Button,
  Card,
  CopyButton,
  Group,
  Image,
  List,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { addToAppLinks, sortForDevice } from './app-links.ts';

/**
 * A private feed: its URL with a copy button, one-tap "add to" links for the common apps, a QR code
 * for adding it on another device, and how to add it by hand. The URL is the listener's key: the
 * page says so, and the document carries `referrer=no-referrer`.
 */
export function FeedPanel({
  feed,
  headingLevel = 2,
}: {
  feed: { showId: string; title: string; url: string };
  headingLevel?: 2 | 3;
}) {
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(feed.url, { margin: 1, width: 240, errorCorrectionLevel: 'M' })
      .then((data) => live && setQr(data))
      .catch(() => live && setQr(undefined));
    return () => {
      live = false;
    };
  }, [feed.url]);
  const links = sortForDevice(addToAppLinks(feed.url, feed.title), navigator.userAgent);
  const inputId = `feed-url-${feed.showId}`;

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="feed-panel">
      <Stack gap="md">
        <Title order={headingLevel}>{feed.title}</Title>
        <Text c="gray.8">
          This is your own private feed. Add it to your podcast app; do not share it — it is tied to your
          subscription.
        </Text>
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <TextInput
            id={inputId}
            label="Your private feed URL"
            value={feed.url}
            readOnly
            style={{ flex: 1, minWidth: 0 }}
            onFocus={(event) => event.currentTarget.select()}
            data-testid="feed-url"
          />
          <CopyButton value={feed.url} timeout={3000}>
            {({ copied, copy }) => (
              <Button onClick={copy} aria-live="polite" data-testid="copy-feed-url">
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>

        <Title order={(headingLevel + 1) as 3 | 4}>Add to your podcast app</Title>
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
          {links.map((link) => (
            <Button
              key={link.app}
              component="a"
              href={link.href}
              variant="outline"
              size="md"
              styles={{ label: { whiteSpace: 'normal', textAlign: 'center', lineHeight: 1.2 } }}
              aria-label={`Add to ${link.app} (${link.platform})`}
            >
              {link.app}
            </Button>
          ))}
        </SimpleGrid>

        <Group align="flex-start" gap="lg" wrap="wrap">
          {qr ? (
            <Image
              src={qr}
              w={180}
              h={180}
              radius="sm"
              alt={`QR code of your private feed URL for ${feed.title}: scan it with your phone's camera to add the feed there`}
              data-testid="feed-qr"
            />
          ) : null}
          <Stack gap={4} style={{ flex: 1, minWidth: 220 }}>
            <Title order={(headingLevel + 1) as 3 | 4}>On another device</Title>
            <Text c="gray.8">Scan the code with the phone you listen on; it opens the feed URL there.</Text>
          </Stack>
        </Group>

        <details>
          <summary>
            <Text component="span" fw={600}>
              How to add it manually
            </Text>
          </summary>
          <List type="ordered" mt="xs" spacing={4} c="gray.8">
            <List.Item>Copy the feed URL above.</List.Item>
            <List.Item>
              In your podcast app, find “Add podcast by URL” (Apple Podcasts: Library → ⋯ → Follow a Show by
              URL; Overcast: + → Add URL; Pocket Casts: Search, paste the URL; AntennaPod: + → Add podcast by
              RSS address).
            </List.Item>
            <List.Item>Paste the URL and confirm. New episodes arrive like any other podcast.</List.Item>
          </List>
          <Text size="sm" mt="xs" c="gray.8">
            Lost your URL or shared it by mistake? Reset it from your{' '}
            <Anchor href="account">account page</Anchor>; the old one stops working.
          </Text>
        </details>
      </Stack>
    </Card>
  );
}
