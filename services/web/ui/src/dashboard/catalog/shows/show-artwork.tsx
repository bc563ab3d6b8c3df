import { Card, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { artworkRule } from '../files/file-rules.ts';
import { PublicFileDrop } from '../files/public-file-drop.tsx';
import { artworkSrc, type Show, showKey } from './shows.api.ts';

/** The show's artwork: what podcast apps show now, and a drop area to replace it (previewed at once). */
export function ShowArtwork({ show }: { show: Show }) {
  const queryClient = useQueryClient();
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);
  const src = preview ?? artworkSrc(show);
  return (
    <Card withBorder component="section" aria-labelledby="artwork-heading">
      <Title order={2} size="h3" id="artwork-heading">
        Artwork
      </Title>
      <Group align="flex-start" mt="sm" wrap="wrap">
        {src ? (
          <Image src={src} alt={`Artwork of ${show.title}`} w={160} h={160} radius="md" fit="cover" />
        ) : (
          <Text c="dark.5" w={160}>
            No artwork yet
          </Text>
        )}
        <Stack style={{ flex: 1, minWidth: 240 }}>
          <PublicFileDrop<Show>
            rule={artworkRule}
            path={`/api/v1/shows/${show.id}/artwork`}
            hint="Square, 1400–3000 px"
            onStored={(updated, file) => {
              setPreview(URL.createObjectURL(file));
              queryClient.setQueryData(showKey(show.id), updated);
            }}
          />
        </Stack>
      </Group>
    </Card>
  );
}
