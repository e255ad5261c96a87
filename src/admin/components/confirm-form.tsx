// A decision on one record (approve or deny a request, retry a failed run): what is decided on, an
// optional note, one button. The Idempotency-Key is made once per opened form; the server handler
// calls the service and answers with the notice to show.
import React, { useState } from 'react';
import { flat, type ActionProps } from 'adminjs';
import { Box, Button, FormGroup, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { humanize } from './schema-fields';
import { useRecordAction } from './use-record-action';

type ConfirmSpec = { prompt: string; submitLabel: string; hasNote: boolean; isDanger?: boolean; summary: string[] };

const show = (value: unknown) => (value !== null && typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value ?? '—'));

const ConfirmForm = ({ action, resource, record }: ActionProps) => {
  const spec = action.custom as ConfirmSpec;
  const [note, setNote] = useState('');
  const { send, problem, isSubmitting } = useRecordAction({ action, resource, record }, { fallback: 'Nothing was done.' });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void send({ note });
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
