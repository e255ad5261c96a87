// The disputes/claims console page: the queue (filters from the URL, so dashboard figures link to a
// filtered queue) and, for the selected dispute, its SLA clock, evidence checklist, money links,
// ledger unwind and timeline. Every figure comes from /api/consoles/disputes; the buttons open the
// action runner's own forms.
import React, { useState } from 'react';
import { Badge, Box, Button, CheckBox, H3, Label, Link, Select, Text } from '@adminjs/design-system';
import {
  ConsoleFrame, Loading, MoreButton, Problem, SimpleTable, money, recordUrl, adminRoot, useConsoleData, useKeysetList, when,
} from '../../../../src/admin/components/console-kit';

type Sla = { secondsLeft: number; isOverdue: boolean } | null;
type QueueItem = {
  id: number; orderId: number; kind: string; status: string; slaDueAt: string; sla: Sla; sellerOrgId: number;
  orderTotal: number; currency: string; evidence: { requested: number; received: number; missing: number };
};
type ConsoleAction = { id: string; title: string; adminAction: { resource: string; name: string } };
type Detail = {
  dispute: { id: number; kind: string; status: string; resolution: string | null; slaDueAt: string; sla: Sla; createdAt: string };
  order: { id: number; status: string; totalAmount: number; currency: string; href: string };
  seller: { id: number; name: string; status: string; href: string };
  checklist: { kind: string; state: 'received' | 'missing' | 'not_requested'; description: string | null; receivedAt: string | null }[];
  refunds: { id: number; providerRef: string; amount: number; currency: string; status: string; reasonCode: string; createdAt: string }[];
  chargebacks: { id: number; status: string; createdAt: string }[];
  ledgerUnwind: { entries: { id: number; orgId: number; kind: string; amount: number; currency: string; createdAt: string }[]; byOrg: { orgId: number; amount: number }[]; href: string };
  timeline: { id: string; name: string; entityType: string; entityId: string; occurredAt: string }[];
  actions: { dispute: ConsoleAction[]; order: ConsoleAction[]; seller: ConsoleAction[] };
};

const STATUSES = ['open', 'awaiting_evidence', 'under_review', 'resolved', 'closed'];
const KINDS = ['claim', 'chargeback', 'not_received'];
const option = (value: string) => ({ value, label: value.replace(/_/g, ' ') });

/** "3h 12m left" or "overdue by 2d 4h", from the server's seconds. */
export function slaText(sla: Sla): string {
  if (!sla) return 'no SLA (closed)';
  const s = Math.abs(sla.secondsLeft);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const span = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
  return sla.isOverdue ? `overdue by ${span}` : `${span} left`;
}

const SlaBadge = ({ sla }: { sla: Sla }) => (
  <Badge variant={sla?.isOverdue ? 'danger' : sla ? 'info' : 'default'} data-testid="sla">{slaText(sla)}</Badge>
);

/** The runner's own forms on the record, for the actions the operator may run. */
const ActionButtons = ({ actions, id }: { actions: ConsoleAction[]; id: number }) => (
  <>
    {actions.map((a) => (
      <Button key={a.id} as="a" href={recordUrl(a.adminAction.resource, id, a.adminAction.name)} size="sm" mr="default" mb="default" variant="outlined" data-action={a.id}>{a.title}</Button>
    ))}
  </>
);

const DisputeDetail = ({ id }: { id: number }) => {
  const { data, problem, isLoading } = useConsoleData<Detail>('disputes', `/disputes/${id}`);
  if (problem) return <Problem text={problem} />;
  if (!data) return <Loading isLoading={isLoading} />;
  const { dispute, order, seller } = data;
  return (
    <Box data-testid="dispute-detail" mt="xl">
      <H3>Dispute {dispute.id} ({dispute.kind.replace(/_/g, ' ')}), {dispute.status.replace(/_/g, ' ')} <SlaBadge sla={dispute.sla} /></H3>
      <Text mb="lg">
        Order <Link href={`${adminRoot()}/${order.href}`}>{order.id}</Link> ({order.status}, {money(order.totalAmount, order.currency)}),
        seller <Link href={`${adminRoot()}/${seller.href}`}>{seller.name}</Link> ({seller.status}); SLA due {when(dispute.slaDueAt)}
        {dispute.resolution ? `; resolved: ${dispute.resolution.replace(/_/g, ' ')}` : ''}
      </Text>
      <Box mb="lg" data-testid="dispute-actions">
        <ActionButtons actions={data.actions.dispute} id={dispute.id} />
        <ActionButtons actions={data.actions.order} id={order.id} />
        <ActionButtons actions={data.actions.seller} id={seller.id} />
      </Box>
      <Label>Evidence checklist</Label>
      <SimpleTable testId="checklist" head={['Evidence', 'State', 'Description', 'Received']}
        rows={data.checklist.map((c) => [c.kind.replace(/_/g, ' '), <Badge variant={c.state === 'received' ? 'success' : c.state === 'missing' ? 'danger' : 'default'}>{c.state.replace('_', ' ')}</Badge>, c.description ?? '—', when(c.receivedAt)])} />
      <Label>Refunds</Label>
      <SimpleTable head={['Refund', 'Provider ref', 'Amount', 'Status', 'Reason', 'At']}
        rows={data.refunds.map((r) => [<Link href={recordUrl('Refund', r.id)}>{r.id}</Link>, r.providerRef, money(r.amount, r.currency), r.status, r.reasonCode, when(r.createdAt)])} />
      <Label>Chargebacks on this order</Label>
      <SimpleTable head={['Dispute', 'Status', 'Opened']} rows={data.chargebacks.map((c) => [<Link href={recordUrl('Dispute', c.id)}>{c.id}</Link>, c.status, when(c.createdAt)])} />
      <Label>Ledger unwind (<Link href={`${adminRoot()}/${data.ledgerUnwind.href}`}>all ledger entries of the order</Link>)</Label>
      <SimpleTable testId="ledger-unwind" head={['Entry', 'Organization', 'Kind', 'Amount', 'At']}
        rows={data.ledgerUnwind.entries.map((e) => [<Link href={recordUrl('LedgerEntry', e.id)}>{e.id}</Link>, <Link href={recordUrl('Organization', e.orgId)}>{e.orgId}</Link>, e.kind, money(e.amount, e.currency), when(e.createdAt)])} />
      <Label>Timeline</Label>
      <SimpleTable head={['When', 'Event', 'On']} rows={data.timeline.map((t) => [when(t.occurredAt), t.name, `${t.entityType} ${t.entityId}`])} />
    </Box>
  );
};

const DisputesConsole = () => {
  const initial = new URLSearchParams(window.location.search);
  const [status, setStatus] = useState(initial.get('status') ?? '');
  const [kind, setKind] = useState(initial.get('kind') ?? '');
  const [isBreached, setBreached] = useState(initial.get('breached') === 'true');
  const [selected, setSelected] = useState<number | null>(initial.get('id') ? Number(initial.get('id')) : null);
  const list = useKeysetList<QueueItem>('disputes', '/queue', { status, kind, breached: isBreached ? 'true' : undefined });
  return (
    <ConsoleFrame title="Disputes console">
      <Box flex flexDirection="row" mb="lg" style={{ gap: 16, alignItems: 'flex-end' }}>
        <Box width={220}><Label>Status</Label>
          <Select isClearable placeholder="open, awaiting, review" value={status ? option(status) : null} options={STATUSES.map(option)} onChange={(o: { value: string } | null) => setStatus(o?.value ?? '')} />
        </Box>
        <Box width={200}><Label>Kind</Label>
          <Select isClearable value={kind ? option(kind) : null} options={KINDS.map(option)} onChange={(o: { value: string } | null) => setKind(o?.value ?? '')} />
        </Box>
        <Box><CheckBox id="breached" checked={isBreached} onChange={() => setBreached(!isBreached)} /><Label inline htmlFor="breached" ml="default">Past SLA only</Label></Box>
      </Box>
      <Problem text={list.problem} />
      <SimpleTable testId="dispute-queue" head={['Dispute', 'Kind', 'Status', 'SLA', 'Evidence', 'Order', 'Amount']}
        rows={list.items.map((d) => [
          <Link href="#" data-dispute={d.id} onClick={(e: React.MouseEvent) => { e.preventDefault(); setSelected(d.id); }}>{d.id}</Link>,
          d.kind.replace(/_/g, ' '), d.status.replace(/_/g, ' '), <SlaBadge sla={d.sla} />,
          `${d.evidence.received}/${d.evidence.requested} received`,
          <Link href={recordUrl('Order', d.orderId)}>{d.orderId}</Link>, money(d.orderTotal, d.currency),
        ])} />
      <MoreButton hasMore={list.hasMore} isLoading={list.isLoading} onClick={list.more} />
      <Loading isLoading={list.isLoading} />
      {selected !== null ? <DisputeDetail id={selected} /> : null}
    </ConsoleFrame>
  );
};

export default DisputesConsole;
