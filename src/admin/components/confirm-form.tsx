// A decision on one record (approve or deny a request, retry a failed run): what is decided on, an
// optional note, one button. The Idempotency-Key is made once per opened form; the server handler
// calls the service and answers with the notice to show.
import React, { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClient, flat, useNotice, type ActionProps } from 'adminjs';
import { Box, Button, FormGroup, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { humanize, newIdempotencyKey } from './schema-fields';

type ConfirmSpec = { prompt: string; submitLabel: string; hasNote: boolean; isDanger?: boolean; summary: string[] };

const api = new ApiClient();

const show = (value: unknown) => (value !== null && typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value ?? '—'));

const ConfirmForm = ({ action, resource, record }: ActionProps) => {
  const spec = action.custom as ConfirmSpec;
  const navigate = useNavigate();
  const addNotice = useNotice();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (inFlight.current || !record) return;
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    try {
      const { data } = await api.recordAction({
        resourceId: resource.id, recordId: record.id, actionName: action.name, data: { note, idempotencyKey: key.current },
      });
      if (data.notice) addNotice(data.notice);
      if (data.outcome?.isKeySpent) key.current = newIdempotencyKey();
      if (data.outcome?.isDone && data.redirectUrl) {
        navigate(data.redirectUrl);
        return;
      }
      setProblem(data.notice?.message ?? 'Nothing was done.');
    } catch {
      setProblem('No answer from the server. Submitting again is safe.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="confirm-form">
      <Text mb="xl">{spec.prompt}</Text>
      {spec.summary.map((path) => (
        <Box key={path} mb="lg">
          <Label>{humanize(path)}</Label>
          <pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontSize: 13 }} data-testid={`summary-${path}`}>{show(flat.get(record?.params ?? {}, path))}</pre>
        </Box>
      ))}
      {spec.hasNote ? (
        <FormGroup>
          <Label htmlFor="field-note">Note</Label>
          <TextArea id="field-note" name="note" width="100%" maxLength={2000} value={note} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setNote(e.target.value)} />
        </FormGroup>
      ) : null}
      {problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="action-problem" /> : null}
      <Button type="submit" variant={spec.isDanger ? 'danger' : 'contained'} disabled={isSubmitting} data-testid="action-submit">
        {isSubmitting ? 'Working…' : spec.submitLabel}
      </Button>
    </Box>
  );
};

export default ConfirmForm;
