// The shipping console page: carrier x status counts and the four failure queues, as
// GET /api/consoles/shipping/... answers them; "More" follows the keyset cursor. Buttons open the
// runner's own action forms on the shipment (retry label, update metadata, open investigation).
import React, { useState } from 'react';
import { Badge, Box, Button, H3, Input, Label, Text } from '@adminjs/design-system';
import {
  ConsoleFrame, Loading, MoreButton, Problem, SimpleTable, adminRoot, money, recordUrl, useConsoleData, useKeysetList, when,
} from '../../../../src/admin/components/console-kit';

type Summary = {
  openStatuses: string[]; windowedSince: string; trackingStaleHours: number; carriers: string[];
  counts: { carrier: string; status: string; count: number; isWindowed: boolean }[];
  queues: { queue: string; title: string; count: number }[];
};
type Item = {
  id: number; orderId: number; carrier: string; trackingNumber: string | null; status: string; failureKind: string | null;
  labelCost: number | null; shippingCredit: number; currency: string; createdAt: string; trackedAt: string;
  addressNote: string | null; labelRequestedAt: string | null; openInvestigationId: number | null; disputeId: number | null;
  /** What the caller may run on this shipment now (only those the runner would accept). */
  actions: Action[];
};
type Action = { id: string; title: string; adminAction: { resource: string; name: string } };

const STATUSES = ['label_pending', 'label_purchased', 'in_transit', 'exception', 'delivered', 'returned'];

const CarrierMatrix = ({ summary }: { summary: Summary }) => {
  const count = (carrier: string, status: string) => summary.counts.find((c) => c.carrier === carrier && c.status === status)?.count ?? 0;
  return (
    <>
      <SimpleTable
        testId="carrier-status"
        head={['Carrier', ...STATUSES.map((s) => (summary.openStatuses.includes(s) ? s : `${s}*`))]}
        rows={summary.carriers.map((carrier) => [carrier, ...STATUSES.map((status) => count(carrier, status).toLocaleString('en'))])}
      />
      <Text mb="lg" color="grey60">* created since {when(summary.windowedSince)}; the other statuses count every shipment on the move.</Text>
    </>
  );
};

const Queue = ({ queue, carrier }: { queue: string; carrier: string }) => {
  const list = useKeysetList<Item>('shipping', `/queues/${queue}`, { carrier: carrier || undefined, limit: 25 });
  return (
    <Box data-testid={`queue-${queue}`}>
      <Problem text={list.problem} />
      <SimpleTable
        head={['Shipment', 'Order', 'Carrier', 'Tracking', 'Status', queue === 'tracking_stale' ? 'Last carrier event' : 'Created', 'Label', 'Notes', 'Actions']}
        rows={list.items.map((s) => [
          <a href={recordUrl('Shipment', s.id)}>{s.id}</a>,
          <a href={`${adminRoot()}/pages/orders?order=${s.orderId}`}>{s.orderId}</a>,
          s.carrier, s.trackingNumber ?? '—',
          <>{s.status}{s.failureKind ? <Badge ml="sm" variant="danger">{s.failureKind}</Badge> : null}</>,
          when(queue === 'tracking_stale' ? s.trackedAt : s.createdAt),
          s.labelRequestedAt ? `retry pending since ${when(s.labelRequestedAt)}` : money(s.labelCost, s.currency),
          <>
            {s.openInvestigationId ? <Badge mr="sm">investigation {s.openInvestigationId}</Badge> : null}
            {s.disputeId ? <a href={recordUrl('Dispute', s.disputeId)}>dispute {s.disputeId}</a> : null}
            {s.addressNote ? <Text>{s.addressNote}</Text> : null}
          </>,
          <Box flex flexDirection="row" style={{ gap: 6, flexWrap: 'wrap' }}>
            {s.actions.map((a) => (
              <Button key={a.id} as="a" size="sm" variant="outlined" href={recordUrl(a.adminAction.resource, s.id, a.adminAction.name)}>{a.title}</Button>
            ))}
          </Box>,
        ])}
      />
      <Loading isLoading={list.isLoading} />
      <MoreButton hasMore={list.hasMore} isLoading={list.isLoading} onClick={() => void list.more()} />
    </Box>
  );
};

const ShippingConsole = () => {
  const summary = useConsoleData<Summary>('shipping', '/summary');
  const [queue, setQueue] = useState(new URLSearchParams(window.location.search).get('queue') ?? 'label_purchase_failed');
  const [carrier, setCarrier] = useState('');
  return (
    <ConsoleFrame title="Shipping console">
      <Problem text={summary.problem} />
      <Loading isLoading={summary.isLoading} />
      {summary.data ? <CarrierMatrix summary={summary.data} /> : null}
      <H3>Queues</H3>
      <Box flex flexDirection="row" mb="lg" style={{ gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        {(summary.data?.queues ?? []).map((q) => (
          <Button key={q.queue} size="sm" variant={q.queue === queue ? 'contained' : 'outlined'} onClick={() => setQueue(q.queue)} data-testid={`tab-${q.queue}`}>
            {q.title} ({q.count.toLocaleString('en')})
          </Button>
        ))}
        <Label ml="lg">Carrier</Label>
        <Input name="carrier" value={carrier} placeholder="all" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setCarrier(e.target.value.trim().toLowerCase())} />
      </Box>
      {queue === 'tracking_stale' && summary.data ? <Text mb="default">No carrier event for {summary.data.trackingStaleHours} hours or more; stalest first.</Text> : null}
      <Queue key={`${queue}:${carrier}`} queue={queue} carrier={carrier} />
    </ConsoleFrame>
  );
};

export default ShippingConsole;
