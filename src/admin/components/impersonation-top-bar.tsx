// AdminJS's top bar (overridden: componentLoader.override('TopBar')) with seed 003's tenant strip
// above it. While an impersonation runs: who is being impersonated, their organization, the time
// left (counted down here from the server's figure, so a skewed clock does not matter), "read-only",
// and "End now". For operators who may impersonate: the tenant switcher. Everyone else sees the
// stock top bar only. The server ends an impersonation at its expiry whatever this page does.
import React, { useEffect, useState } from 'react';
import { useSelector } from 'react-redux';
import { ViewHelpers } from 'adminjs';
import { Box, Button, Text } from '@adminjs/design-system';
import { currentImpersonation, endImpersonation, formatRemaining, type Impersonation } from './impersonation-api';
import TenantSwitcher from './tenant-switcher';

type Props = { OriginalComponent?: React.ComponentType<any>; [key: string]: unknown };

const dashboard = () => new ViewHelpers().dashboardUrl();

const ImpersonationTopBar = ({ OriginalComponent, ...rest }: Props) => {
  const session = useSelector((state: { session?: { permissions?: string[] } | null }) => state.session);
  const canImpersonate = Boolean(session?.permissions?.includes('user.impersonate'));
  const [impersonation, setImpersonation] = useState<Impersonation | null>(null);
  const [remaining, setRemaining] = useState(0);
  const [isSwitcherOpen, setSwitcherOpen] = useState(false);
  const [isEnding, setEnding] = useState(false);

  useEffect(() => {
    // Without user.impersonate there is nothing to show: one running when it was lost is revoked.
    if (!canImpersonate) return;
    void currentImpersonation().then((current) => {
      setImpersonation(current);
      if (current) setRemaining(current.remainingSeconds);
    }).catch(() => {});
  }, []);

  useEffect(() => {
    if (!impersonation) return undefined;
    const from = Date.now();
    const timer = window.setInterval(() => {
      const left = impersonation.remainingSeconds - (Date.now() - from) / 1000;
      setRemaining(left);
      // Its time is up: the next request finds it ended on the server; reload into one's own view.
      if (left <= 0) {
        window.clearInterval(timer);
        window.location.assign(dashboard());
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [impersonation]);

  const endNow = async () => {
    if (!impersonation || isEnding) return;
    setEnding(true);
    await endImpersonation(impersonation.id).catch(() => null);
    window.location.assign(dashboard());
  };

  const target = impersonation?.target;
  return (
    <>
      {impersonation ? (
        <Box flex alignItems="center" px="xl" py="default" style={{ background: '#fff4d6', borderBottom: '2px solid #e0a800', gap: 16 }} data-testid="impersonation-banner" role="status">
          <Text flexGrow={1}>
            Impersonating <strong data-testid="impersonation-target">{target ? `${target.name} (${target.email})` : `customer user ${impersonation.targetUserId}`}</strong>
            {target?.orgName ? <> · tenant <strong>{target.orgName}</strong></> : null}
            {' · '}<span data-testid="impersonation-remaining">{formatRemaining(remaining)}</span> left · read-only
            {impersonation.ticketId ? ` · ticket ${impersonation.ticketId}` : ''}
          </Text>
          {canImpersonate ? <Button size="sm" variant="outlined" onClick={() => setSwitcherOpen(!isSwitcherOpen)} data-testid="tenant-switch">Switch</Button> : null}
          <Button size="sm" variant="danger" onClick={endNow} disabled={isEnding} data-testid="impersonation-end">{isEnding ? 'Ending…' : 'End now'}</Button>
        </Box>
      ) : canImpersonate ? (
        <Box flex alignItems="center" px="xl" py="sm" style={{ borderBottom: '1px solid #e5e5e5', gap: 16 }} data-testid="tenant-strip">
          <Text flexGrow={1} color="grey60">Tenant: none (your own view)</Text>
          <Button size="sm" variant="outlined" onClick={() => setSwitcherOpen(!isSwitcherOpen)} data-testid="tenant-switch">Switch tenant</Button>
        </Box>
      ) : null}
      {isSwitcherOpen ? (
        <Box p="xl" style={{ borderBottom: '1px solid #e5e5e5', maxHeight: '60vh', overflowY: 'auto' }}>
          <TenantSwitcher runningId={impersonation?.id ?? null} onStarted={() => window.location.assign(dashboard())} />
        </Box>
      ) : null}
      {OriginalComponent ? <OriginalComponent {...rest} /> : null}
    </>
  );
};

export default ImpersonationTopBar;
