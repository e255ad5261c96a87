// An experiment's show page (src/experiments/experiment-admin-resource.ts): the verdict (winner, or
// why none is declared), a bar chart of conversion rates with their 95% intervals as error bars,
// and the table of statistics. Everything shown is GET /api/experiments/{key}/results: no number
// is computed here.
import React, { useEffect, useState } from 'react';
import type { ActionProps } from 'adminjs';
import { Badge, Box, H3, Loader, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { WinnerRolloutButton } from './winner-rollout-button';
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

type Interval = { low: number; high: number };
type VariantResult = {
  name: string; isControl: boolean; weight: number | null; exposed: number; converted: number; conversions: number; valueSum: number; conflicts: number;
  rate: number | null; rateInterval: Interval | null; hasMinimumSample: boolean;
  difference: { estimate: number; interval: Interval } | null; lift: { estimate: number; interval: Interval | null } | null;
  zScore: number | null; pValue: number | null; adjustedPValue: number | null; isSignificant: boolean | null;
};
type Results = {
  experiment: { key: string; name: string; status: string; alpha: number; minSamplePerVariant: number; weightsSource: string | null; warnings: string[]; startedAt: string | null };
  confidence: number; alpha: number; correction: { method: string; comparisons: number; perComparisonAlpha: number };
  variants: VariantResult[];
  srm: { threshold: number; statistic: number | null; pValue: number | null; isMismatch: boolean | null; reason: string | null };
  winner: string | null; reasons: string[]; computedAt: string;
};

type Env = { OPSDECK_API_ROOT?: string };
const apiRoot = () => ((window as unknown as { AdminJS?: { env?: Env } }).AdminJS?.env?.OPSDECK_API_ROOT ?? '/api');

const REASONS: Record<string, string> = {
  no_control: 'no variant is marked as the control',
  weights_unknown: 'the variant weights are unknown (none configured here, and the Unleash flag does not have them), so the sample ratio cannot be checked',
  no_exposures: 'no exposures yet',
  sample_ratio_mismatch: 'the split of exposed users does not match the configured weights (sample-ratio mismatch): the assignment or the logging is broken, and no comparison can be trusted',
  below_minimum_sample: 'not every variant has reached the minimum sample',
  not_significant: 'no difference is significant yet',
};

const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`);
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
const pValue = (p: number | null) => (p === null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));
const count = (n: number) => n.toLocaleString('en');
const cell = { whiteSpace: 'nowrap' } as const;

const ExperimentResults = ({ record }: ActionProps) => {
  const key = String(record?.params?.key ?? record?.id ?? '');
  const [results, setResults] = useState<Results | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let isCurrent = true;
    void fetch(`${apiRoot()}/experiments/${encodeURIComponent(key)}/results`, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(async (res) => {
        const body = await res.json().catch(() => ({}));
        if (!isCurrent) return;
        if (res.ok) setResults(body as Results);
        else setProblem(body.detail ?? `HTTP ${res.status}`);
      })
      .catch((err: Error) => isCurrent && setProblem(err.message));
    return () => {
      isCurrent = false;
    };
  }, [key]);

  if (problem) return <MessageBox variant="danger" message={problem} data-testid="experiment-problem" />;
  if (!results) return <Loader />;

  // Recharts draws asymmetric error bars from [distance below, distance above] the bar's value.
  const chart = results.variants.map((v) => ({
    name: v.name,
    rate: (v.rate ?? 0) * 100,
    error: v.rate !== null && v.rateInterval ? [(v.rate - v.rateInterval.low) * 100, (v.rateInterval.high - v.rate) * 100] : [0, 0],
    isControl: v.isControl,
    isWinner: v.name === results.winner,
  }));

  return (
    <Box variant="container" data-testid="experiment-results">
      <H3>{results.experiment.name} <Badge variant={results.experiment.status === 'running' ? 'success' : 'default'}>{results.experiment.status}</Badge></H3>
      <Text mb="lg">Flag <code>{results.experiment.key}</code>; alpha {results.alpha} (Bonferroni over {results.correction.comparisons} comparison{results.correction.comparisons > 1 ? 's' : ''}: {results.correction.perComparisonAlpha.toPrecision(3)} each), minimum {count(results.experiment.minSamplePerVariant)} exposed users per variant.</Text>
      {results.winner
        ? <><MessageBox mb="lg" variant="success" message={`Winner: ${results.winner}`} data-testid="experiment-winner" />
          <WinnerRolloutButton experimentKey={results.experiment.key} winner={results.winner} /></>
        : <MessageBox mb="lg" variant="info" message={`No winner declared: ${results.reasons.map((r) => REASONS[r] ?? r).join('; ')}.`} data-testid="experiment-no-winner" />}
      <Text mb="lg" data-testid="experiment-srm">
        Sample-ratio check: {results.srm.pValue === null ? `not possible (${REASONS[results.srm.reason ?? ''] ?? results.srm.reason})` : `chi-square ${results.srm.statistic!.toFixed(2)}, p = ${pValue(results.srm.pValue)} ${results.srm.isMismatch ? `— MISMATCH (below ${results.srm.threshold})` : '— consistent with the weights'}`}
        {results.experiment.weightsSource ? ` (weights from ${results.experiment.weightsSource === 'unleash' ? 'the Unleash flag' : 'the experiment'})` : ''}
      </Text>
      {results.experiment.warnings.length > 0 ? <MessageBox mb="lg" variant="warning" message={`Unleash: ${results.experiment.warnings.join(', ')}`} /> : null}

      <Box mb="xl" style={{ height: 320 }} data-testid="experiment-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={chart} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis unit="%" />
            <Tooltip formatter={(value: number) => `${value.toFixed(2)}%`} />
            <Bar dataKey="rate" name={`Conversion rate (${Math.round(results.confidence * 100)}% interval)`} isAnimationActive={false}>
              {chart.map((entry) => <Cell key={entry.name} fill={entry.isWinner ? '#2e7d32' : entry.isControl ? '#757575' : '#3040d6'} />)}
              <ErrorBar dataKey="error" width={8} strokeWidth={2} stroke="#111" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Box>

      <Box style={{ overflowX: 'auto' }}>
      <Table data-testid="experiment-table">
        <TableHead>
          <TableRow>
            {['Variant', 'Weight', 'Exposed', 'Converted', 'Rate', `${Math.round(results.confidence * 100)}% interval`, 'Lift vs control', 'Lift interval', 'p-value', 'Adjusted p', 'Min. sample', 'Conflicts'].map((h) => <TableCell key={h} style={cell}>{h}</TableCell>)}
          </TableRow>
        </TableHead>
        <TableBody>
          {results.variants.map((v) => (
            <TableRow key={v.name} data-testid={`variant-${v.name}`}>
              <TableCell style={cell}>{v.name}{v.isControl ? ' (control)' : ''}{v.name === results.winner ? ' ★' : ''}</TableCell>
              <TableCell style={cell}>{v.weight ?? '—'}</TableCell>
              <TableCell style={cell}>{count(v.exposed)}</TableCell>
              <TableCell style={cell}>{count(v.converted)}</TableCell>
              <TableCell style={cell}>{pct(v.rate)}</TableCell>
              <TableCell style={cell}>{v.rateInterval ? `${pct(v.rateInterval.low)} – ${pct(v.rateInterval.high)}` : '—'}</TableCell>
              <TableCell style={cell}>{v.lift ? signedPct(v.lift.estimate) : '—'}</TableCell>
              <TableCell style={cell}>{v.lift?.interval ? `${signedPct(v.lift.interval.low)} – ${signedPct(v.lift.interval.high)}` : '—'}</TableCell>
              <TableCell style={cell}>{pValue(v.pValue)}</TableCell>
              <TableCell style={cell}>{pValue(v.adjustedPValue)}{v.isSignificant ? ' *' : ''}</TableCell>
              <TableCell style={cell}>{v.hasMinimumSample ? 'reached' : 'not yet'}</TableCell>
              <TableCell style={cell}>{count(v.conflicts)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      </Box>
      <Text mt="lg" variant="sm">Rates are exposed users who converted at least once; intervals are Wilson score intervals; p-values are the pooled two-proportion z-test against control (two-sided). Computed {new Date(results.computedAt).toLocaleString()}.</Text>
    </Box>
  );
};

export default ExperimentResults;
