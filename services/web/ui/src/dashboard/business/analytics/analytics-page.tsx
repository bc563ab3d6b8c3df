import { Button, Group, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { utcDay } from '../common/formats.ts';
import { PageFrame } from '../common/page-frame.tsx';
import type { DayRange } from './analytics.api.ts';
import { DownloadsOverTime, DownloadsPerApp, DownloadsPerEpisode } from './download-views.tsx';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The last 30 UTC days, today included (the API counts UTC days). */
function defaultRange(): DayRange {
  const now = Date.now();
  return { from: utcDay(new Date(now - 29 * DAY_MS)), to: utcDay(new Date(now)) };
}

/** /app/analytics?from=&to=: downloads (IAB counting, docs/analytics.md) over time, per episode, per app. */
export function AnalyticsPage() {
  const [params, setParams] = useSearchParams();
  const from = params.get('from');
  const to = params.get('to');
  const range = from && to && DAY.test(from) && DAY.test(to) && from <= to ? { from, to } : defaultRange();
  const [picked, setPicked] = useState<[string | null, string | null]>([range.from, range.to]);
  const apply = (value: [string | null, string | null]) => {
    setPicked(value);
    const [start, end] = value;
    if (start && end) setParams({ from: start.slice(0, 10), to: end.slice(0, 10) }, { replace: true });
  };
  return (
    <PageFrame
      title="Analytics"
      actions={
        <Button component={Link} to="/app/analytics/alerts" variant="light">
          Sharing alerts
        </Button>
      }
    >
      <Stack gap="xs">
        <Group align="flex-end">
          <DatePickerInput
            type="range"
            label="Days (UTC)"
            value={picked}
            onChange={(value) =>
              apply([value[0] ? String(value[0]) : null, value[1] ? String(value[1]) : null])
            }
            maxDate={utcDay(new Date())}
            allowSingleDateInRange
            w={{ base: '100%', xs: 380 }}
          />
        </Group>
        <Text size="sm">
          Downloads are counted by the IAB podcast measurement rules: a listener counts once per episode and
          day after receiving a minute of audio; bots and repeated requests are left out.
        </Text>
      </Stack>
      <DownloadsOverTime range={range} />
      <DownloadsPerEpisode range={range} />
      <DownloadsPerApp range={range} />
    </PageFrame>
  );
}
