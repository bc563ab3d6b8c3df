import { Alert, Anchor } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { notifyDone } from '../common/notify.ts';
import { PageFrame, QueryState } from '../common/page-frame.tsx';
import { PlanForm } from './plan-form.tsx';
import { usePlan, useSavePlan, useShows } from './plans.api.ts';

/** /app/plans/new and /app/plans/:id. */
export function PlanEditPage() {
  const { id } = useParams();
  const planId = id === 'new' ? undefined : id;
  const plan = usePlan(planId);
  const shows = useShows();
  const save = useSavePlan(planId);
  const navigate = useNavigate();
  const loading = (planId !== undefined && plan.isPending) || shows.isPending;
  const title = planId ? (plan.data ? `Plan: ${plan.data.name}` : 'Plan') : 'New plan';
  return (
    <PageFrame
      title={title}
      actions={
        <Anchor component={Link} to="/app/plans">
          All plans
        </Anchor>
      }
    >
      <QueryState isPending={loading} error={plan.error ?? shows.error} label="the plan" />
      {plan.data && !plan.data.active && (
        <Alert title="Archived">This plan is no longer on sale; current subscribers keep their access.</Alert>
      )}
      {!loading && shows.data && (planId === undefined || plan.data) && (
        <PlanForm
          key={plan.data?.id ?? 'new'}
          plan={plan.data}
          shows={shows.data}
          onSave={async (input) => {
            const saved = await save.mutateAsync(input);
            notifyDone(`Plan "${saved.name}" saved`);
            navigate('/app/plans');
          }}
        />
      )}
    </PageFrame>
  );
}
