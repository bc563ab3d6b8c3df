import { AreaChart, BarChart, DonutChart } from '@mantine/charts';
import {
  Anchor,
  Box,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { QueryState } from '../common/page-frame.tsx';
import { ScrollTable } from '../common/scroll-table.tsx';
import {
  type DayRange,
  type DownloadRow,
  downloadsCsvUrl,
  type GroupBy,
  useDownloads,
  useEpisodeTitles,
} from './analytics.api.ts';

// The three views of the downloads report. Each chart has its numbers in a table beside or below
// it (screen readers and people who want exact values read the table).

const DAY_MS = 86_400_000;
const PALETTE = [
  'indigo.8',
  'teal.8',
  'orange.8',
  'grape.8',
  'blue.8',
  'red.8',
  'lime.9',
  'cyan.9',
  'pink.8',
  'gray.7',
];

/** Every day of the range, with zeros where nothing was counted (a chart with gaps misleads). */
export function everyDay(range: DayRange, rows: DownloadRow[]) {
  const byDay = new Map(rows.map((row) => [row.key, row]));
  const days = [];
  for (
    let ms = Date.parse(`${range.from}T00:00:00Z`);
    ms <= Date.parse(`${range.to}T00:00:00Z`);
    ms += DAY_MS
  ) {
    const day = new Date(ms).toISOString().slice(0, 10);
    const row = byDay.get(day);
    days.push({ day, downloads: row?.downloads ?? 0, listeners: row?.listeners ?? 0 });
  }
  return days;
}

function Section({
  title,
  groupBy,
  range,
  children,
}: {
  title: string;
  groupBy: GroupBy;
  range: DayRange;
  children: ReactNode;
}) {
  const headingId = `downloads-${groupBy}`;
  return (
    <Card withBorder component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id={headingId}>
          {title}
        </Title>
        <Anchor href={downloadsCsvUrl(range, groupBy)} download>
          Export CSV<VisuallyHidden component="span"> of downloads {title.toLowerCase()}</VisuallyHidden>
        </Anchor>
      </Group>
      {children}
    </Card>
  );
}

function CountTable({
  caption,
  rows,
  label,
}: {
  caption: string;
  rows: { key: string; name: string; downloads: number; listeners: number }[];
  label: string;
}) {
  return (
    <ScrollTable label={caption} minWidth={320} maxHeight={360} striped>
      <Table.Caption>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{label}</Table.Th>
          <Table.Th ta="right">Downloads</Table.Th>
          <Table.Th ta="right">Listeners</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Td>{row.name}</Table.Td>
            <Table.Td ta="right">{row.downloads}</Table.Td>
            <Table.Td ta="right">{row.listeners}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}

/** Most downloaded first (the API orders by key). */
const byDownloads = (rows: DownloadRow[]) => [...rows].sort((a, b) => b.downloads - a.downloads);

/** A chart with its caption (for screen readers; the tables beside the charts hold the numbers). */
function ChartFigure({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <Box component="figure" m={0}>
      <VisuallyHidden component="figcaption">{caption}</VisuallyHidden>
      {children}
    </Box>
  );
}

const empty = <Text c="dimmed">No downloads counted in these days.</Text>;

export function DownloadsOverTime({ range }: { range: DayRange }) {
  const report = useDownloads(range, 'day');
  return (
    <Section title="Over time" groupBy="day" range={range}>
      <QueryState isPending={report.isPending} error={report.error} label="downloads by day" />
      {report.data && (
        <Stack>
          <SimpleGrid cols={2} maw={420}>
            <Stat label="Downloads" value={report.data.totals.downloads} />
            <Stat label="Listeners (per day, summed)" value={report.data.totals.listeners} />
          </SimpleGrid>
          <ChartFigure caption="Downloads and listeners per day">
            <AreaChart
              h={260}
              data={everyDay(range, report.data.rows)}
              dataKey="day"
              series={[
                { name: 'downloads', label: 'Downloads', color: 'indigo.8' },
                { name: 'listeners', label: 'Listeners', color: 'teal.8' },
              ]}
              curveType="linear"
              withLegend
            />
          </ChartFigure>
        </Stack>
      )}
    </Section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="sm">{label}</Text>
      <Text fw={700} fz="xl" data-testid={`total-${label.split(' ')[0]!.toLowerCase()}`}>
        {value.toLocaleString()}
      </Text>
    </div>
  );
}

export function DownloadsPerEpisode({ range }: { range: DayRange }) {
  const report = useDownloads(range, 'episode');
  const rows = byDownloads(report.data?.rows ?? []);
  const titles = useEpisodeTitles(rows.slice(0, 50).map((row) => row.key));
  const named = rows.map((row) => ({
    ...row,
    name: titles.get(row.key) ?? `Episode ${row.key.slice(0, 8)}`,
  }));
  return (
    <Section title="Per episode" groupBy="episode" range={range}>
      <QueryState isPending={report.isPending} error={report.error} label="downloads per episode" />
      {report.data && rows.length === 0 && empty}
      {rows.length > 0 && (
        <Stack>
          <ChartFigure caption="Downloads of the ten most downloaded episodes">
            <BarChart
              h={Math.max(160, Math.min(named.length, 10) * 36)}
              data={named.slice(0, 10)}
              dataKey="name"
              orientation="vertical"
              yAxisProps={{ width: 160 }}
              series={[{ name: 'downloads', label: 'Downloads', color: 'indigo.8' }]}
            />
          </ChartFigure>
          <CountTable caption="Downloads per episode" label="Episode" rows={named} />
        </Stack>
      )}
    </Section>
  );
}

export function DownloadsPerApp({ range }: { range: DayRange }) {
  const report = useDownloads(range, 'app');
  const rows = byDownloads(report.data?.rows ?? []).map((row) => ({ ...row, name: row.key }));
  return (
    <Section title="Per app" groupBy="app" range={range}>
      <QueryState isPending={report.isPending} error={report.error} label="downloads per app" />
      {report.data && rows.length === 0 && empty}
      {rows.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <ChartFigure caption="Share of downloads by app">
            <DonutChart
              data={rows.map((row, index) => ({
                name: row.key,
                value: row.downloads,
                color: PALETTE[index % PALETTE.length]!,
              }))}
              withLabelsLine={false}
              withTooltip
              tooltipDataSource="segment"
              size={200}
              thickness={30}
              mx="auto"
            />
          </ChartFigure>
          <CountTable caption="Downloads per app" label="App" rows={rows} />
        </SimpleGrid>
      )}
    </Section>
  );
}
