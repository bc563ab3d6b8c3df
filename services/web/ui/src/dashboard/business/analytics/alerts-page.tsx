import { Alert, Anchor, SegmentedControl, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { AlertCard } from './alert-card.tsx';
import { type AlertStatus, useAlerts } from './analytics.api.ts';
import { SharingSettingsCard } from './sharing-settings-form.tsx';

/** /app/analytics/alerts: feeds that look shared, why, and what to do; the thresholds and policy. */
export function AlertsPage() {
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const alerts = useAlerts(status === 'all' ? null : (status as AlertStatus));
  return (
    <PageFrame
      title="Sharing alerts"
      actions={
        <Anchor component={Link} to="/app/analytics">
          Downloads
        </Anchor>
      }
    >
      <SegmentedControl
        aria-label="Which alerts"
        value={status}
        onChange={(value) => setStatus(value as 'open' | 'all')}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'all', label: 'All' },
        ]}
        w="fit-content"
      />
      <QueryState isPending={alerts.isPending} error={alerts.error} label="alerts" />
      {alerts.data?.alerts.length === 0 && (
        <Alert title={status === 'open' ? 'No open alerts' : 'No alerts'}>
          No subscriber's feed looks shared.
        </Alert>
      )}
      <Stack>
        {alerts.data?.alerts.map((alert) => (
          <AlertCard key={alert.id} alert={alert} />
        ))}
      </Stack>
      <SharingSettingsCard />
    </PageFrame>
  );
}
