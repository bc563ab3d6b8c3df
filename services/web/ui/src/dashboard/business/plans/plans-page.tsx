import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link } from 'react-router';
import { ConfirmButton } from '../common/confirm-button.tsx';
import { formatMoney } from '../common/formats.ts';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { ScrollTable } from '../common/scroll-table.tsx';
import { type Plan, useArchivePlan, usePlans } from './plans.api.ts';

/** /app/plans: every plan with its price and state; edit or archive. */
export function PlansPage() {
  const plans = usePlans();
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <PageFrame
      title="Plans"
      actions={
        <Button component={Link} to="/app/plans/new">
          New plan
        </Button>
      }
    >
      <QueryState isPending={plans.isPending} error={plans.error} label="plans" />
      {plans.data?.length === 0 && (
        <Alert title="No plans yet">Create a plan so listeners can subscribe to your premium episodes.</Alert>
      )}
      {plans.data &&
        plans.data.length > 0 &&
        (phone ? <PlanCards plans={plans.data} /> : <PlanTable plans={plans.data} />)}
    </PageFrame>
  );
}

function price(plan: Plan) {
  return `${formatMoney(plan.amount, plan.currency)} / ${plan.interval}`;
}

function PlanState({ plan }: { plan: Plan }) {
  return plan.active ? <Badge color="teal.9">On sale</Badge> : <Badge color="gray.8">Archived</Badge>;
}

function Archive({ plan }: { plan: Plan }) {
  const archive = useArchivePlan();
  if (!plan.active) return null;
  return (
    <ConfirmButton
      label="Archive"
      size="xs"
      title={`Archive "${plan.name}"?`}
      explanation="New listeners can no longer subscribe to this plan. Current subscribers keep their access until they cancel."
      onConfirm={() => archive.mutateAsync(plan.id)}
    />
  );
}

function PlanTable({ plans }: { plans: Plan[] }) {
  return (
    <ScrollTable label="Plans" minWidth={640} striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Plan</Table.Th>
          <Table.Th>Price</Table.Th>
          <Table.Th>Trial</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th>
            <VisuallyHidden>Actions</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {plans.map((plan) => (
          <Table.Tr key={plan.id}>
            <Table.Td>
              <Anchor component={Link} to={`/app/plans/${plan.id}`}>
                {plan.name}
              </Anchor>
            </Table.Td>
            <Table.Td>{price(plan)}</Table.Td>
            <Table.Td>{plan.trialDays > 0 ? `${plan.trialDays} days` : 'None'}</Table.Td>
            <Table.Td>
              <PlanState plan={plan} />
            </Table.Td>
            <Table.Td>
              <Archive plan={plan} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}

function PlanCards({ plans }: { plans: Plan[] }) {
  return (
    <Stack>
      {plans.map((plan) => (
        <Card key={plan.id} withBorder>
          <Group justify="space-between">
            <Anchor component={Link} to={`/app/plans/${plan.id}`} fw={600}>
              {plan.name}
            </Anchor>
            <PlanState plan={plan} />
          </Group>
          <Text mt="xs">{price(plan)}</Text>
          {plan.trialDays > 0 && <Text size="sm">{plan.trialDays}-day free trial</Text>}
          <Group mt="sm">
            <Archive plan={plan} />
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
