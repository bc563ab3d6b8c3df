import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  List,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { apiErrorParts } from '../common/api-errors.ts';
import { ConfirmButton } from '../common/confirm-button.tsx';
import { formatDateTime } from '../common/formats.ts';
import { notifyDone } from '../common/notify.ts';
import { type CustomDomain, proofOf, useRemoveDomain, useVerifyDomain } from './domains.api.ts';

const STATUS_COLOR: Record<CustomDomain['status'], string> = {
  pending: 'blue.9',
  active: 'teal.9',
  failed: 'red.9',
  removing: 'gray.8',
};

/** Two sheets (copy) or a tick (copied); no icon font is bundled. */
function CopyIcon({ copied }: { copied: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      {copied ? (
        <path d="M5 12l5 5L20 7" />
      ) : (
        <>
          <rect x="8" y="8" width="12" height="12" rx="2" />
          <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
        </>
      )}
    </svg>
  );
}

function CopyValue({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
            <ActionIcon variant="light" onClick={copy} aria-label={`Copy ${label}`}>
              <CopyIcon copied={copied} />
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** One lookup of a failed verification (media's 422 details: `lookedUp`). */
interface Lookup {
  method: 'dns' | 'http';
  name?: string;
  url?: string;
  found: string[];
  error?: string;
}

function lookupsOf(details: unknown): Lookup[] {
  if (!details || typeof details !== 'object' || !('lookedUp' in details)) return [];
  const lookedUp = (details as { lookedUp: unknown }).lookedUp;
  return Array.isArray(lookedUp) ? (lookedUp as Lookup[]) : [];
}

/** What the verification looked up and what it found there. */
function FoundDetails({ details }: { details: unknown }) {
  const lookups = lookupsOf(details);
  if (lookups.length === 0) return null;
  return (
    <List size="sm" mt="xs">
      {lookups.map((lookup) => (
        <List.Item key={lookup.method}>
          {lookup.method === 'dns' ? 'DNS TXT record ' : 'Web address '}
          <Code style={{ wordBreak: 'break-all' }}>{lookup.name ?? lookup.url}</Code>:{' '}
          {lookup.found.length > 0 ? (
            <>found {lookup.found.map((value) => `"${value}"`).join(', ')}, not the token</>
          ) : (
            'found nothing'
          )}
          {lookup.error ? ` (${lookup.error})` : ''}
        </List.Item>
      ))}
    </List>
  );
}

/** One domain: its state, the ownership proof to publish while pending, verify and remove. */
export function DomainCard({ domain }: { domain: CustomDomain }) {
  const verify = useVerifyDomain();
  const remove = useRemoveDomain();
  const proof = proofOf(domain);
  const failure = verify.error ? apiErrorParts(verify.error) : null;
  const headingId = `domain-${domain.id}`;
  return (
    <Card withBorder component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4" id={headingId} style={{ wordBreak: 'break-all' }}>
            {domain.hostname}
          </Title>
          <Badge color={STATUS_COLOR[domain.status]}>{domain.status}</Badge>
        </Group>
        {domain.status === 'active' && (
          <Text size="sm">
            Verified {formatDateTime(domain.verifiedAt)}. Your feeds, episodes and listener pages use this
            address.
          </Text>
        )}
        {domain.status !== 'active' && domain.status !== 'removing' && (
          <>
            <Text size="sm">Prove that you own this domain in one of two ways, then press Verify:</Text>
            <div>
              <Text fw={600} size="sm">
                A DNS TXT record
              </Text>
              <Text size="sm">Name</Text>
              <CopyValue label="TXT record name" value={proof.dnsName} />
              <Text size="sm" mt={4}>
                Value
              </Text>
              <CopyValue label="TXT record value" value={proof.dnsValue} />
            </div>
            <div>
              <Text fw={600} size="sm">
                Or a file on your web server
              </Text>
              <Text size="sm">Answer this address with the token as its body:</Text>
              <CopyValue label="verification URL" value={proof.httpUrl} />
            </div>
          </>
        )}
        {failure && (
          <Alert color="red" title="Not verified yet" role="alert">
            {failure.message}
            <FoundDetails details={failure.details} />
          </Alert>
        )}
        <Group>
          {domain.status !== 'active' && domain.status !== 'removing' && (
            <Button
              loading={verify.isPending}
              onClick={async () => {
                const verified = await verify.mutateAsync(domain.id).catch(() => null);
                if (verified) notifyDone(`${domain.hostname} verified`);
              }}
            >
              Verify
            </Button>
          )}
          <ConfirmButton
            label="Remove"
            title={`Remove ${domain.hostname}?`}
            explanation="Feeds and episode links stop using this address at once; podcast apps that subscribed through it must be given the new feed URL. The hostname is freed."
            onConfirm={() => remove.mutateAsync(domain.id)}
          />
        </Group>
      </Stack>
    </Card>
  );
}
