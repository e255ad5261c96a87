// Seed 003's tenant switcher: find an organization by name, domain or id (or pick one of the last
// five used), pick one of its users, give the reason, start. While an impersonation runs, starting
// another first ends it: a switch, never a nesting.
import React, { useEffect, useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { call, endImpersonation, type Tenant } from './impersonation-api';
import StartImpersonationForm from './impersonation-start-form';

type Props = { runningId: string | null; onStarted: () => void };

const TenantSwitcher = ({ runningId, onStarted }: Props) => {
  const [text, setText] = useState('');
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [isRecent, setRecent] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ id: number; label: string } | null>(null);

  const search = async (query: string) => {
    const { status, body } = await call(`/impersonations/tenants${query ? `?q=${encodeURIComponent(query)}` : ''}`).catch(() => ({ status: 0, body: {} }));
    if (status !== 200) return setProblem(body.detail ?? 'The tenant search failed.');
    setProblem(null);
    setTenants(body.items);
    setRecent(body.isRecent);
  };
  useEffect(() => {
    void search('');
  }, []);

  if (chosen) {
    return (
      <Box data-testid="tenant-switcher">
        <StartImpersonationForm targetUserId={chosen.id} targetLabel={chosen.label} onStarted={onStarted} />
        <Button mt="lg" variant="text" onClick={() => setChosen(null)}>Back to the tenants</Button>
      </Box>
    );
  }

  return (
    <Box data-testid="tenant-switcher">
      {runningId ? (
        <MessageBox mb="lg" variant="info" message="Picking another tenant ends the running impersonation first." />
      ) : null}
      <Box as="form" flex mb="lg" onSubmit={(e: React.FormEvent) => { e.preventDefault(); void search(text.trim()); }}>
        <Box flexGrow={1} mr="default">
          <Label htmlFor="tenant-search">Organization name, domain or id</Label>
          <Input id="tenant-search" width="100%" value={text} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setText(e.target.value)} />
        </Box>
        <Button type="submit" variant="contained" mt="xl" data-testid="tenant-search-submit">Search</Button>
      </Box>
      {problem ? <MessageBox mb="lg" variant="danger" message={problem} /> : null}
      <Text mb="default" fontWeight="bold">{isRecent ? 'Recent tenants' : 'Matching tenants'}</Text>
      {tenants.length === 0 ? <Text color="grey60">{isRecent ? 'None yet.' : 'No organization matches.'}</Text> : null}
      {tenants.map((tenant) => (
        <Box key={tenant.id} mb="lg" data-testid={`tenant-${tenant.id}`}>
          <Text fontWeight="bold">{tenant.name} <Text as="span" color="grey60">#{tenant.id}{tenant.domain ? ` · ${tenant.domain}` : ''} · {tenant.status}</Text></Text>
          {tenant.users.map((user) => (
            <Box key={user.id} flex alignItems="center" py="sm">
              <Text flexGrow={1}>{user.name} · {user.email}</Text>
              <Button
                size="sm"
                variant="outlined"
                data-testid={`impersonate-user-${user.id}`}
                onClick={async () => {
                  // A switch, not a nesting: the running impersonation ends before the new one is asked for.
                  if (runningId) await endImpersonation(runningId);
                  setChosen({ id: user.id, label: `${user.name} (${user.email}) at ${tenant.name}` });
                }}
              >
                Impersonate
              </Button>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
};

export default TenantSwitcher;
