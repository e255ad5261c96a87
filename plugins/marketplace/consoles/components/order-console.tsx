// The order/checkout console page: look up a checkout or an order and render what
// GET /api/consoles/orders/... answers. Buttons open the runner's own action forms on the record
// (the AdminJS record action); nothing here decides or changes anything.
import React, { useState } from 'react';
import { Badge, Box, Button, FormGroup, H3, H4, Input, Label, Text } from '@adminjs/design-system';
import {
  ConsoleFrame, Loading, Problem, SimpleTable, money, recordUrl, useConsoleData, when, adminRoot,
} from '../../../../src/admin/components/console-kit';

type Action = { id: string; title: string; adminAction: { resource: string; name: string } };
type Shipment = {
  id: number; carrier: string; trackingNumber: string | null; status: string; failureKind: string | null;
  labelCost: number | null; shippingCredit: number; difference: number | null; currency: string; openInvestigationId: number | null;
  /** What the caller may run on this shipment now. */
  actions: Action[];
};
type Order = {
  id: number; status: string; currency: string; createdAt: string; seller: { orgId: number; name: string; status: string };
  /** What the caller may run on this order now. */
  actions: Action[];
  subtotal: number; shippingCredit: number; total: number;
  items: { id: number; listingId: number; title: string; quantity: number; unitPrice: number; lineTotal: number }[];
  shipments: Shipment[] | null;
  allocations: { id: number; paymentId: number; amount: number }[] | null;
  refunds: { id: number; paymentId: number; providerRef: string; amount: number; status: string; reasonCode: string; createdAt: string }[] | null;
  disputes: { id: number; kind: string; status: string; slaDueAt: string }[] | null;
  supportCases: { id: number; subject: string; status: string }[] | null;
  totals: { allocated: number | null; refunded: number | null; labelCost: number | null; shippingCreditOfLabelled: number | null; shippingDifference: number | null };
};
type View = {
  checkout: { id: number; status: string; total: number; currency: string; createdAt: string; buyer: { userId: number; orgId: number; orgName: string } };
  payments: { id: number; provider: string; paymentIntentRef: string; chargeRef: string | null; amount: number; status: string }[] | null;
  orders: Order[];
  totals: { ordersTotal: number; paid: number | null; allocated: number | null; refunded: number | null; shippingCredit: number; labelCost: number | null; shippingDifference: number | null };
  hidden: string[];
  focusOrderId?: number;
};

const link = (href: string, text: React.ReactNode, testId?: string) => <a href={href} data-testid={testId}>{text}</a>;

const ActionButtons = ({ actions, recordId }: { actions: Action[]; recordId: number }) => (
  <Box flex flexDirection="row" style={{ gap: 8, flexWrap: 'wrap' }}>
    {actions.map((a) => (
      <Button key={a.id} as="a" size="sm" variant="outlined" href={recordUrl(a.adminAction.resource, recordId, a.adminAction.name)} data-testid={`action-${a.id}-${recordId}`}>
        {a.title}
      </Button>
    ))}
  </Box>
);

const OrderCard = ({ order, view }: { order: Order; view: View }) => (
  <Box mb="xl" p="lg" style={{ border: order.id === view.focusOrderId ? '2px solid #4268F6' : '1px solid #ddd' }} data-testid={`order-${order.id}`}>
    <H4>
      {link(recordUrl('Order', order.id), `Order ${order.id}`)} · {order.seller.name} <Badge>{order.status}</Badge>
    </H4>
    <Text mb="default">
      Subtotal {money(order.subtotal, order.currency)} · shipping credit {money(order.shippingCredit, order.currency)} · total {money(order.total, order.currency)}
      {' '}· allocated {money(order.totals.allocated, order.currency)} · refunded {money(order.totals.refunded, order.currency)}
    </Text>
    <ActionButtons actions={order.actions} recordId={order.id} />
    <SimpleTable head={['Item', 'Qty', 'Unit price', 'Line total']} rows={order.items.map((i) => [i.title, i.quantity, money(i.unitPrice, order.currency), money(i.lineTotal, order.currency)])} />
    {order.shipments ? (
      <SimpleTable
        testId={`shipments-${order.id}`}
        head={['Shipment', 'Carrier', 'Tracking', 'Status', 'Shipping credit', 'Label cost', 'Difference', 'Actions']}
        rows={order.shipments.map((s) => [
          link(recordUrl('Shipment', s.id), s.id), s.carrier, s.trackingNumber ?? '—',
          <>{s.status}{s.failureKind ? <Badge ml="sm" variant="danger">{s.failureKind}</Badge> : null}{s.openInvestigationId ? <Badge ml="sm">investigating</Badge> : null}</>,
          money(s.shippingCredit, s.currency), money(s.labelCost, s.currency), money(s.difference, s.currency),
          <ActionButtons actions={s.actions} recordId={s.id} />,
        ])}
      />
    ) : null}
    {order.totals.shippingDifference !== null ? (
      <Text mb="lg" data-testid={`shipping-difference-${order.id}`}>
        Shipping credit of labelled shipments {money(order.totals.shippingCreditOfLabelled, order.currency)} − label cost {money(order.totals.labelCost, order.currency)} = {money(order.totals.shippingDifference, order.currency)}
      </Text>
    ) : null}
    {order.refunds ? <SimpleTable head={['Refund', 'Payment', 'Amount', 'Status', 'Reason', 'At']} rows={order.refunds.map((r) => [r.providerRef, r.paymentId, money(r.amount, order.currency), r.status, r.reasonCode, when(r.createdAt)])} /> : null}
    {order.disputes && order.disputes.length > 0 ? (
      <SimpleTable head={['Dispute', 'Kind', 'Status', 'SLA due']} rows={order.disputes.map((d) => [link(recordUrl('Dispute', d.id), d.id), d.kind, d.status, when(d.slaDueAt)])} />
    ) : null}
    {order.supportCases && order.supportCases.length > 0 ? (
      <SimpleTable head={['Support case', 'Subject', 'Status']} rows={order.supportCases.map((c) => [link(recordUrl('SupportCase', c.id), c.id), c.subject, c.status])} />
    ) : null}
  </Box>
);

const initial = () => {
  const params = new URLSearchParams(window.location.search);
  return params.get('order') ? { kind: 'orders', id: params.get('order')! } : params.get('checkout') ? { kind: 'checkouts', id: params.get('checkout')! } : null;
};

const OrderConsole = () => {
  const [lookup, setLookup] = useState<{ kind: string; id: string } | null>(initial);
  const [typed, setTyped] = useState(lookup?.id ?? '');
  const { data, problem, isLoading } = useConsoleData<View>('orders', lookup ? `/${lookup.kind}/${encodeURIComponent(lookup.id)}` : null);
  const go = (kind: string) => (event: React.FormEvent) => {
    event.preventDefault();
    if (typed.trim()) setLookup({ kind, id: typed.trim() });
  };
  return (
    <ConsoleFrame title="Order & checkout console">
      <form onSubmit={go('orders')}>
        <FormGroup>
          <Label>Order or checkout id</Label>
          <Box flex flexDirection="row" style={{ gap: 8 }}>
            <Input name="lookup" value={typed} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTyped(e.target.value)} />
            <Button type="submit" data-testid="find-order">Find order</Button>
            <Button type="button" variant="outlined" onClick={go('checkouts')} data-testid="find-checkout">Find checkout</Button>
          </Box>
        </FormGroup>
      </form>
      <Loading isLoading={isLoading} />
      <Problem text={problem} />
      {data ? (
        <Box data-testid="checkout">
          <H3>
            Checkout {link(recordUrl('Checkout', data.checkout.id), data.checkout.id)} <Badge>{data.checkout.status}</Badge>
          </H3>
          <Text mb="lg">
            {data.checkout.buyer.orgName} (buyer {data.checkout.buyer.userId}) · {when(data.checkout.createdAt)} · total {money(data.checkout.total, data.checkout.currency)} ·
            {' '}{data.orders.length} order(s) · paid {money(data.totals.paid, data.checkout.currency)} · refunded {money(data.totals.refunded, data.checkout.currency)} ·
            {' '}<span data-testid="checkout-shipping-difference">shipping credit − label cost: {money(data.totals.shippingDifference, data.checkout.currency)}</span>
          </Text>
          {data.hidden.length > 0 ? <Text mb="lg" color="grey60">Not shown (your roles do not read them): {data.hidden.join(', ')}.</Text> : null}
          {data.payments ? (
            <SimpleTable head={['Payment', 'Charge', 'Amount', 'Status']} rows={data.payments.map((p) => [link(recordUrl('Payment', p.id), p.paymentIntentRef), p.chargeRef ?? '—', money(p.amount, data.checkout.currency), p.status])} />
          ) : null}
          {data.orders.map((order) => <OrderCard key={order.id} order={order} view={data} />)}
          <Text color="grey60">Shipping console: {link(`${adminRoot()}/pages/shipping`, 'open')}</Text>
        </Box>
      ) : null}
    </ConsoleFrame>
  );
};

export default OrderConsole;
