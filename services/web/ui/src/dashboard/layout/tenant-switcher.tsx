import { Alert, Badge, NativeSelect, Stack, Text } from '@mantine/core';
import { errorMessage } from '../../shared/api-errors.ts';
import type { Session } from '../../shared/session.ts';
import { useSwitchTenant } from '../../shared/session-actions.ts';

/** The tenant the dashboard works on; a switcher when the creator belongs to several. */
export function TenantSwitcher({ session }: { session: Session }) {
  const switchTenant = useSwitchTenant();
  const role = session.tenants.find((tenant) => tenant.id === session.tenant.id)?.role;
  if (session.tenants.length < 2)
    return (
      <Stack gap={2}>
        <Text size="xs" c="dark.5">
          Creator
        </Text>
        <Text fw={600} data-testid="tenant-name">
          {session.tenant.name}
        </Text>
        {role && (
          <Badge variant="light" size="sm">
            {role}
          </Badge>
        )}
      </Stack>
    );
  return (
    <Stack gap={4}>
      <NativeSelect
        label="Creator"
        value={session.tenant.id}
        disabled={switchTenant.isPending}
        data={session.tenants.map((tenant) => ({ value: tenant.id, label: tenant.name }))}
        onChange={(event) => switchTenant.mutate(event.currentTarget.value)}
      />
      {switchTenant.isError && (
        <Alert color="red" role="alert" p="xs">
          {errorMessage(switchTenant.error)}
        </Alert>
      )}
    </Stack>
  );
}
