// The risk console page: negative balance exposure (with scheduled payouts and velocity), open risk
// flags with their triggers, active payout holds, and one seller's picture when selected (?orgId=).
// Everything comes from /api/consoles/risk; the buttons open the action runner's own forms.
import React, { useState } from 'react';
import { Badge, Box, Button, H3, Label, Link, Select, Text } from '@adminjs/design-system';
import {
  ConsoleFrame, Loading, MoreButton, Problem, SimpleTable, money, recordUrl, useConsoleData, useKeysetList, when,
} from '../../../../src/admin/components/console-kit';

type Metric = { last24h: number; last7d: number; baselinePer24h: number; baselinePer7d: number; ratio7d: number | null; isSpike: boolean };
type Velocity = { orgId: number; orders: Metric; refunds: Metric; disputes: Metric } | null;
type ConsoleAction = { id: string; title: string; adminAction: { resource: string; name: string } };

/** The runner's own forms on the record, for the actions the operator may run. */
const ActionButtons = ({ actions, id }: { actions: ConsoleAction[]; id: number }) => (
  <>
    {actions.map((a) => (
      <Button key={a.id} as="a" href={recordUrl(a.adminAction.resource, id, a.adminAction.name)} size="sm" mr="default" variant="outlined" data-action={a.id}>{a.title}</Button>
    ))}
  </>
);
type Exposure = {
  velocityDefinition: string; totals: { currency: string; exposure: number; sellers: number }[];
  items: { orgId: number; orgName: string; orgStatus: string; currency: string; balance: number; scheduledPayouts: number; heldPayouts: number; hasOpenHold: boolean; openFlags: number; velocity: Velocity }[];
  nextCursor: string | null;
};
type Flag = { id: number; entityType: string; entityId: string; orgId: number | null; orgName: string | null; kind: string; severity: string; trigger: string; raisedAt: string; isAutomated: boolean; actions: ConsoleAction[] };
type Hold = { id: number; sellerOrgId: number; orgName: string; payoutId: number | null; payoutAmount: number | null; currency: string | null; reason: string; placedAt: string; scope: string };
type Seller = { org: { id: number; name: string; kind: string; status: string }; balances: { currency: string; balance: number }[]; velocity: Velocity; flags: Flag[]; holds: Hold[]; actions: ConsoleAction[]; velocityDefinition: string };

const metricText = (m: Metric) => `${m.last24h} / ${m.last7d} (base ${m.baselinePer7d.toFixed(1)}/7d${m.ratio7d === null ? '' : `, x${m.ratio7d.toFixed(1)}`})`;
const MetricCell = ({ m }: { m?: Metric }) => (m ? <Text color={m.isSpike ? 'error' : undefined}>{metricText(m)}{m.isSpike ? ' spike' : ''}</Text> : <Text>—</Text>);
const severityVariant = (s: string) => (s === 'high' ? 'danger' : s === 'medium' ? 'secondary' : 'default');

const SellerPanel = ({ orgId }: { orgId: number }) => {
  const { data, problem, isLoading } = useConsoleData<Seller>('risk', `/sellers/${orgId}`);
  if (problem) return <Problem text={problem} />;
  if (!data) return <Loading isLoading={isLoading} />;
  return (
    <Box data-testid="seller-risk" mb="xl">
      <H3>{data.org.name} ({data.org.kind}, {data.org.status})</H3>
      <Text mb="default">Balance: {data.balances.map((b) => money(b.balance, b.currency)).join(', ') || '—'}</Text>
      <Box mb="lg"><ActionButtons actions={data.actions} id={data.org.id} /></Box>
      <SimpleTable head={['Velocity', 'Orders', 'Refunds', 'Disputes']} rows={[['last 24 h / 7 d', <MetricCell m={data.velocity?.orders} />, <MetricCell m={data.velocity?.refunds} />, <MetricCell m={data.velocity?.disputes} />]]} />
      <Text color="grey60" mb="lg">{data.velocityDefinition}</Text>
    </Box>
  );
};

const RiskConsole = () => {
  const initial = new URLSearchParams(window.location.search);
  const [severity, setSeverity] = useState(initial.get('severity') ?? '');
  const [orgId, setOrgId] = useState<number | null>(initial.get('orgId') ? Number(initial.get('orgId')) : null);
  const exposure = useConsoleData<Exposure>('risk', '/exposure', { limit: 50 });
  const flags = useKeysetList<Flag>('risk', '/flags', { severity });
  const holds = useKeysetList<Hold>('risk', '/holds', {});
  const pick = (id: number) => (e: React.MouseEvent) => { e.preventDefault(); setOrgId(id); };
  return (
    <ConsoleFrame title="Risk console">
      {orgId !== null ? <SellerPanel orgId={orgId} /> : null}
      <H3 id="exposure">Negative balance exposure</H3>
      <Problem text={exposure.problem} />
      <Text mb="default" data-testid="exposure-totals">
        {exposure.data?.totals.map((t) => `${money(t.exposure, t.currency)} owed by ${t.sellers} seller(s)`).join('; ') || 'No seller below zero.'}
      </Text>
      <SimpleTable testId="exposure" head={['Seller', 'Balance', 'Scheduled payouts', 'Held payouts', 'Flags', 'Orders 24h/7d', 'Refunds 24h/7d', 'Disputes 24h/7d']}
        rows={(exposure.data?.items ?? []).map((s) => [
          <Link href="#" onClick={pick(s.orgId)}>{s.orgName}</Link>, money(s.balance, s.currency), money(s.scheduledPayouts, s.currency),
          <span>{money(s.heldPayouts, s.currency)}{s.hasOpenHold ? ' (held)' : ''}</span>, s.openFlags,
          <MetricCell m={s.velocity?.orders} />, <MetricCell m={s.velocity?.refunds} />, <MetricCell m={s.velocity?.disputes} />,
        ])} />
      <H3>Open risk flags</H3>
      <Box width={220} mb="default"><Label>Severity</Label>
        <Select isClearable value={severity ? { value: severity, label: severity } : null} options={['high', 'medium', 'low'].map((v) => ({ value: v, label: v }))} onChange={(o: { value: string } | null) => setSeverity(o?.value ?? '')} />
      </Box>
      <Problem text={flags.problem} />
      <SimpleTable testId="flags" head={['Flag', 'Severity', 'Kind', 'On', 'Organization', 'Trigger', 'Raised', '']}
        rows={flags.items.map((f) => [
          <Link href={recordUrl('RiskFlag', f.id)}>{f.id}</Link>, <Badge variant={severityVariant(f.severity)}>{f.severity}</Badge>, f.kind,
          `${f.entityType} ${f.entityId}`, f.orgId ? <Link href="#" onClick={pick(f.orgId)}>{f.orgName}</Link> : '—',
          `${f.trigger}${f.isAutomated ? ' (rule)' : ''}`, when(f.raisedAt),
          <ActionButtons actions={f.actions} id={f.id} />,
        ])} />
      <MoreButton hasMore={flags.hasMore} isLoading={flags.isLoading} onClick={flags.more} />
      <H3 id="holds">Active payout holds</H3>
      <Problem text={holds.problem} />
      <SimpleTable testId="holds" head={['Hold', 'Seller', 'Scope', 'Payout', 'Reason', 'Placed']}
        rows={holds.items.map((h) => [
          <Link href={recordUrl('PayoutHold', h.id)}>{h.id}</Link>, <Link href="#" onClick={pick(h.sellerOrgId)}>{h.orgName}</Link>, h.scope,
          h.payoutId ? <Link href={recordUrl('Payout', h.payoutId)}>{money(h.payoutAmount, h.currency ?? 'USD')}</Link> : 'all scheduled', h.reason, when(h.placedAt),
        ])} />
      <MoreButton hasMore={holds.hasMore} isLoading={holds.isLoading} onClick={holds.more} />
      <Loading isLoading={exposure.isLoading || flags.isLoading || holds.isLoading} />
    </ConsoleFrame>
  );
};

export default RiskConsole;
