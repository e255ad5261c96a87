// On an experiment's show page, once its results declare a winner: "Request rollout to 100%" raises
// a flag change request (POST /api/experiments/{key}/rollout-winner, the core flag.change action)
// that a second operator approves in the Approvals inbox. Shown to operators holding flag.change;
// the API decides everything (a winner still declared, the flag as Unleash has it) and answers.
import React, { useState } from 'react';
import { useCurrentAdmin } from 'adminjs';
import { Box, Button, Input, Label, MessageBox } from '@adminjs/design-system';
import { newIdempotencyKey } from './schema-fields';

type Env = { OPSDECK_API_ROOT?: string };
const apiRoot = () => ((window as unknown as { AdminJS?: { env?: Env } }).AdminJS?.env?.OPSDECK_API_ROOT ?? '/api');

type Outcome = { variant: 'success' | 'danger'; message: string };

export function WinnerRolloutButton({ experimentKey, winner }: { experimentKey: string; winner: string }) {
  const [currentAdmin] = useCurrentAdmin();
  const [environment, setEnvironment] = useState('development');
  // One key per opened page: a second click replays the first answer, never a second request.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const permissions = (currentAdmin as { permissions?: string[] } | null)?.permissions ?? [];
  if (!permissions.includes('flag.change')) return null;

  const submit = async () => {
    setBusy(true);
    try {
      const res = await fetch(`${apiRoot()}/experiments/${encodeURIComponent(experimentKey)}/rollout-winner`, {
        method: 'POST', credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify({ environment }),
      });
      const body = await res.json().catch(() => ({}));
      setOutcome(res.status === 202
        ? { variant: 'success', message: `Flag change request ${body.approval?.id} is waiting for a second person's approval (Approvals).` }
        : { variant: 'danger', message: body.detail ?? `HTTP ${res.status}` });
    } catch (err) {
      setOutcome({ variant: 'danger', message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box mb="lg" data-testid="winner-rollout">
      <Label htmlFor="rollout-environment">Unleash environment</Label>
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <Input id="rollout-environment" value={environment} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setEnvironment(e.target.value)} />
        <Button variant="primary" disabled={busy || outcome?.variant === 'success'} onClick={submit} data-testid="winner-rollout-submit">
          Request rollout of {winner} to 100%
        </Button>
      </Box>
      {outcome ? <MessageBox mt="default" variant={outcome.variant} message={outcome.message} data-testid="winner-rollout-outcome" /> : null}
    </Box>
  );
}
