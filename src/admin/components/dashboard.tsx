// The backoffice's home: the operations dashboard. It renders GET /api/dashboard (the figures the
// operator may see, from the snapshot the platform refreshes every 30 s) and polls it every 30 s;
// each figure links to the list it counts. No figure is computed here.
import React, { useEffect, useState } from 'react';
import { Box, H2, H5, Link, MessageBox, Text } from '@adminjs/design-system';

type Figure = { id: string; label: string; group: string; unit: 'count' | 'money'; currency: string | null; value: number | null; href: string; refreshedAt: string | null };
type Answer = { figures: Figure[]; refreshedAt: string | null };

const POLL_MS = 30_000;

const shown = (f: Figure) =>
  f.value === null ? '…' : f.unit === 'money' ? `${(f.value / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${f.currency ?? ''}` : f.value.toLocaleString('en');

const Dashboard = () => {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let isCurrent = true;
    const load = async () => {
      const res = await fetch('/api/dashboard', { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(() => null);
      if (!isCurrent) return;
      if (!res?.ok) {
        const problem = (await res?.json().catch(() => null)) as { detail?: string } | null;
        return setProblem(problem?.detail ?? `The dashboard could not be loaded (${res ? `HTTP ${res.status}` : 'network error'}).`);
      }
      setProblem(null);
      setAnswer((await res.json()) as Answer);
    };
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      isCurrent = false;
      clearInterval(timer);
    };
  }, []);
  const groups = [...new Set((answer?.figures ?? []).map((f) => f.group))];
  return (
    <Box variant="container" data-testid="ops-dashboard">
      <H2>Operations dashboard</H2>
      <Text color="grey60" mb="lg" data-testid="dashboard-as-of">
        {answer?.refreshedAt ? `As of ${new Date(answer.refreshedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC; refreshed every 30 s.` : 'Figures are being computed.'}
      </Text>
      {problem ? <MessageBox variant="danger" message={problem} mb="lg" /> : null}
      {answer && answer.figures.length === 0 ? <Text>Your roles show no figures here.</Text> : null}
      {groups.map((group) => (
        <Box key={group} mb="xl">
          <H5>{group}</H5>
          <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 16 }}>
            {answer!.figures.filter((f) => f.group === group).map((f) => (
              <Link key={f.id} href={f.href} data-figure={f.id} style={{ textDecoration: 'none' }}>
                <Box bg="white" p="lg" width={220} style={{ border: '1px solid #eee', borderRadius: 4 }}>
                  <Text fontSize="xl" fontWeight="bold" data-testid="figure-value">{shown(f)}</Text>
                  <Text color="grey80">{f.label}</Text>
                </Box>
              </Link>
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
};

export default Dashboard;
