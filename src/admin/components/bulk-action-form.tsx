// A runner action over the selected records, through the bulk API (POST /api/actions/{id}/bulk, then
// GET /api/jobs/{id} until the job completes): the same fields, reason and note as one record's
// form, one Idempotency-Key per opened form, and the job's progress and per-target outcomes.
import React, { useEffect, useRef, useState } from 'react';
import { useNotice, type ActionProps } from 'adminjs';
import { Box, Button, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ReasonAndNote, SchemaFields, humanize, inputFromValues, newIdempotencyKey, type ActionSpec, type FieldValues } from './schema-fields';

type JobTarget = { position: number; target: { type: string; id: string }; status: string; runId: string | null; approvalId: string | null; errorCode: string | null; detail: string | null };
type Job = { id: string; status: string; total: number; succeeded: number; failed: number; pendingApproval: number; progress: number; targets?: JobTarget[] };

const POLL_MS = 500;

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { credentials: 'same-origin', ...init, headers: { Accept: 'application/json', ...init?.headers } });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const BulkActionForm = ({ action, records }: ActionProps) => {
  const spec = action.custom as ActionSpec;
  const addNotice = useNotice();
  const selected = records ?? [];
  const [values, setValues] = useState<FieldValues>({});
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  // ---- progress: poll the job until it completes
  useEffect(() => {
    if (!job || job.status === 'completed') return undefined;
    const timer = setTimeout(async () => {
      const { status, body } = await call(`${spec.jobsUrl}${job.id}`).catch(() => ({ status: 0, body: {} }));
      if (status === 200 && body.job) {
        setJob(body.job);
        if (body.job.status === 'completed') {
          const j = body.job as Job;
          addNotice({ type: j.failed > 0 ? 'error' : 'success', message: `${spec.title}: ${j.succeeded} succeeded, ${j.failed} failed, ${j.pendingApproval} sent for approval.` });
        }
      } else {
        setJob({ ...job });
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (inFlight.current || job) return;
    if (!reasonCode) {
      setProblem('Choose a reason first.');
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    try {
      const targets = selected.map((r) => ({ type: spec.entityType, id: String(r.id) }));
      const { status, body } = await call(spec.bulkUrl!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key.current },
        body: JSON.stringify({ targets, input: inputFromValues(spec.inputSchema, values) ?? {}, reasonCode, note }),
      });
      if (status === 202 && body.job) {
        setJob(body.job);
        return;
      }
      if (body.code !== 'idempotency_key_in_flight') key.current = newIdempotencyKey();
      setProblem(body.detail ?? `The bulk request failed (HTTP ${status}).`);
    } catch {
      setProblem('No answer from the server. Submitting again is safe: it cannot start a second job.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const done = job ? job.succeeded + job.failed + job.pendingApproval : 0;
  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="bulk-action-form">
      <Text mb="xl">{spec.title} on {selected.length} selected record{selected.length === 1 ? '' : 's'}.</Text>
      {job ? (
        <Box data-testid="bulk-progress">
          <Text mb="default">
            {job.status === 'completed' ? 'Completed' : 'Working'}: {done} of {job.total} ({job.succeeded} succeeded, {job.failed} failed, {job.pendingApproval} sent for approval)
          </Text>
          <Box mb="xl" style={{ background: '#eee', height: 8 }}>
            <Box style={{ background: job.failed > 0 ? '#c20012' : '#4268F6', height: 8, width: `${Math.round((job.total ? done / job.total : 1) * 100)}%` }} />
          </Box>
          {job.targets ? (
            <Table>
              <TableHead><TableRow><TableCell>Target</TableCell><TableCell>Outcome</TableCell><TableCell>Detail</TableCell></TableRow></TableHead>
              <TableBody>
                {job.targets.map((t) => (
                  <TableRow key={t.position}>
                    <TableCell>{t.target.type} {t.target.id}</TableCell>
                    <TableCell>{humanize(t.status)}</TableCell>
                    <TableCell>{t.detail ?? t.errorCode ?? (t.runId ? `run ${t.runId}` : t.approvalId ? `approval request ${t.approvalId}` : '')}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
        </Box>
      ) : (
        <>
          <SchemaFields schema={spec.inputSchema} values={values} onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))} />
          <ReasonAndNote reasonCodes={spec.reasonCodes} reasonCode={reasonCode} note={note} onReason={setReasonCode} onNote={setNote} isEmergency={spec.isEmergency} />
          {problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="action-problem" /> : null}
          <Button type="submit" variant="contained" disabled={isSubmitting || selected.length === 0} data-testid="action-submit">
            {isSubmitting ? 'Starting…' : `${spec.title} (${selected.length})`}
          </Button>
        </>
      )}
    </Box>
  );
};

export default BulkActionForm;
