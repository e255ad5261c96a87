// The Action Center page: the ticket list with its filters, and the selected ticket (?ticket=) with
// the order context panel, the order timeline and the tasks on the same screen, so support never
// switches tools. Everything comes from /api/consoles/action-center (our cache, never Shopify live);
// "Create task / note" opens the action runner's own form on the ticket.
import React, { useState } from 'react';
import { Badge, Box, Button, H3, Input, Label, Link, Select, Text } from '@adminjs/design-system';
import {
  ConsoleFrame, Loading, MoreButton, Problem, SimpleTable, money, recordUrl, useConsoleData, useKeysetList, when,
} from '../../../src/admin/components/console-kit';

type Ticket = { id: number; subject: string; status: string; assigneeEmail: string | null; orderName: string | null; createdAt: string; ageHours: number };
type TimelineEvent = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
type Money = { amount: number; currency: string };
type Context = {
  customer: { name: string | null; email: string | null } | null;
  totals: { total: Money; refunded: Money; captured?: Money };
  payment: { status: string; transactions: number };
  fulfillment: { status: string; fulfillments: number; cancelledFulfillments: number; fulfillmentOrders: { id: string; status: string }[] };
  cancelled: { at: string; reason: string | null } | null;
  note: string | null; tags: string[]; risk: { level: string; recommendation: string | null } | null;
};
type Order = { id: number; shopifyId: string; name: string; context: Context | null; snapshotSource: string | null; snapshotCapturedAt: string | null; timeline: TimelineEvent[] };
type Task = { id: number; title: string; externalRef: string; createdAt: string };
type Action = { id: string; title: string; isPermitted: boolean; adminAction: { resource: string; name: string } };
type Detail = { ticket: Ticket; order: Order | null; tasks: Task[]; actions: Action[]; hidden: string[] };

const summary = (e: TimelineEvent) => {
  const d = e.data as Record<string, any>;
  if (e.type === 'refunded') return money(d.amount?.amount, d.amount?.currency ?? 'USD');
  if (e.type === 'note_added') return String(d.note);
  if (e.type === 'tags_changed') return (d.tags as string[]).join(', ');
  if (e.type === 'address_changed') return `${d.from?.address1 ?? '?'} → ${d.to?.address1 ?? '?'}`;
  if (e.type === 'task_created') return `${d.kind}: ${d.title}`;
  if (e.type === 'risk_assessed') return `${d.level} (${d.recommendation ?? '—'})`;
  if (e.type === 'cancelled') return String(d.reason ?? '');
  return d.fulfillmentId ? `fulfillment ${d.fulfillmentId}` : '';
};

const ContextPanel = ({ order }: { order: Order }) => {
  const c = order.context;
  if (!c) return <Text>No snapshot of {order.name} yet.</Text>;
  return (
    <Box data-testid="order-context" mb="lg">
      <H3>Order {order.name}</H3>
      <SimpleTable head={['Customer', 'Total', 'Payment', 'Fulfilment', 'Risk']} rows={[[
        `${c.customer?.name ?? '—'} <${c.customer?.email ?? '—'}>`,
        `${money(c.totals.total.amount, c.totals.total.currency)} (refunded ${money(c.totals.refunded.amount, c.totals.refunded.currency)})`,
        <Badge>{c.payment.status}</Badge>,
        `${c.fulfillment.status}: ${c.fulfillment.fulfillments} fulfillment(s), ${c.fulfillment.cancelledFulfillments} cancelled`,
        c.risk ? `${c.risk.level} (${c.risk.recommendation ?? '—'})` : '—',
      ]]} />
      <Text color="grey60">{c.cancelled ? `Cancelled ${when(c.cancelled.at)} (${c.cancelled.reason}). ` : ''}{c.note ? `Note: ${c.note} ` : ''}{c.tags.length ? `Tags: ${c.tags.join(', ')}. ` : ''}
        From our cache ({order.snapshotSource}, {when(order.snapshotCapturedAt)}).</Text>
    </Box>
  );
};

const TicketPanel = ({ id }: { id: number }) => {
  const { data, problem, isLoading } = useConsoleData<Detail>('action-center', `/tickets/${id}`);
  if (problem) return <Problem text={problem} />;
  if (!data) return <Loading isLoading={isLoading} />;
  return (
    <Box data-testid="ticket-detail" mb="xl">
      <H3>Ticket {data.ticket.id}: {data.ticket.subject}</H3>
      <Text mb="default">{data.ticket.status} · {data.ticket.assigneeEmail ?? 'unassigned'} · {data.ticket.ageHours} h old</Text>
      <Box mb="lg">{data.actions.filter((a) => a.isPermitted).map((a) => (
        <Button key={a.id} as="a" href={recordUrl(a.adminAction.resource, data.ticket.id, a.adminAction.name)} size="sm" variant="outlined" data-action={a.id}>{a.title}</Button>
      ))}</Box>
      {data.order ? <ContextPanel order={data.order} /> : <Text>{data.hidden.includes('order') ? 'The order is hidden (needs shopify_order.read).' : 'No order on this ticket.'}</Text>}
      {data.order ? (
        <SimpleTable testId="order-timeline" head={['When', 'Event', 'Details']}
          rows={data.order.timeline.map((e) => [when(e.occurredAt), <Badge>{e.type}</Badge>, summary(e)])} />
      ) : null}
      <H3>Tasks</H3>
      <SimpleTable testId="ticket-tasks" head={['Task', 'Title', 'Reference', 'Created']}
        rows={data.tasks.map((t) => [t.id, t.title, t.externalRef, when(t.createdAt)])} />
    </Box>
  );
};

const ActionCenterConsole = () => {
  const initial = new URLSearchParams(window.location.search);
  const [status, setStatus] = useState(initial.get('status') ?? '');
  const [assignee, setAssignee] = useState(initial.get('assignee') ?? '');
  const [minAgeHours, setMinAge] = useState(initial.get('minAgeHours') ?? '');
  const [ticketId, setTicketId] = useState<number | null>(initial.get('ticket') ? Number(initial.get('ticket')) : null);
  const tickets = useKeysetList<Ticket>('action-center', '/tickets', { status, assignee, minAgeHours });
  const open = (id: number) => (e: React.MouseEvent) => { e.preventDefault(); setTicketId(id); };
  return (
    <ConsoleFrame title="Action Center">
      {ticketId !== null ? <TicketPanel id={ticketId} /> : null}
      <H3>Tickets</H3>
      <Box flex mb="default">
        <Box width={180} mr="default"><Label>Status</Label>
          <Select isClearable value={status ? { value: status, label: status } : null} options={['open', 'pending', 'solved', 'closed'].map((v) => ({ value: v, label: v }))} onChange={(o: { value: string } | null) => setStatus(o?.value ?? '')} />
        </Box>
        <Box width={180} mr="default"><Label>Assignee</Label>
          <Select isClearable value={assignee ? { value: assignee, label: assignee } : null} options={['me', 'none'].map((v) => ({ value: v, label: v }))} onChange={(o: { value: string } | null) => setAssignee(o?.value ?? '')} />
        </Box>
        <Box width={180}><Label>Older than (hours)</Label>
          <Input value={minAgeHours} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setMinAge(e.target.value.replace(/\D/g, ''))} />
        </Box>
      </Box>
      <Problem text={tickets.problem} />
      <SimpleTable testId="tickets" head={['Ticket', 'Subject', 'Status', 'Assignee', 'Order', 'Age']}
        rows={tickets.items.map((t) => [
          <Link href="#" onClick={open(t.id)} data-ticket={t.id}>{t.id}</Link>, t.subject, <Badge>{t.status}</Badge>, t.assigneeEmail ?? '—', t.orderName ?? '—', `${t.ageHours} h`,
        ])} />
      <MoreButton hasMore={tickets.hasMore} isLoading={tickets.isLoading} onClick={tickets.more} />
    </ConsoleFrame>
  );
};

export default ActionCenterConsole;
