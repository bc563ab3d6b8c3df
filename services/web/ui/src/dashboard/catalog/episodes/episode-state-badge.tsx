import { Badge } from '@mantine/core';
import { type Episode, episodeState, STATE_COLORS } from './episodes.api.ts';

/** draft / scheduled / published / unpublished, in words and colour (dark shades for contrast). */
export function EpisodeStateBadge({ episode }: { episode: Pick<Episode, 'status' | 'publishedAt'> }) {
  const state = episodeState(episode);
  return (
    <Badge color={STATE_COLORS[state]} variant="light" c="dark.9" data-testid="episode-state">
      {state}
    </Badge>
  );
}
