// The form of every action-runner button on a record (one component for all actions): the action's
// input fields from its JSON Schema, a reason-code picker, a note, and an Idempotency-Key made once
// per opened form. The server handler calls the runner and answers with the notice to show; this
// component decides nothing about the business.
import React, { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { ReasonAndNote, SchemaFields, initialValues, inputFromValues, newIdempotencyKey, type ActionSpec, type FieldValues } from './schema-fields';

const api = new ApiClient();

const ActionForm = ({ action, resource, record }: ActionProps) => {
  const spec = action.custom as ActionSpec;
  const navigate = useNavigate();
  const addNotice = useNotice();
  const [values, setValues] = useState<FieldValues>(() => initialValues(spec.inputSchema, record?.params));
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const key = useRef(newIdempotencyKey());
  // A ref, not only state: two clicks in one frame both see the state as it was.
  const inFlight = useRef(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (inFlight.current || !record) return;
    if (!reasonCode) {
      setProblem('Choose a reason first.');
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    try {
      const body = { input: inputFromValues(spec.inputSchema, values) ?? {}, reasonCode, note };
      const { data } = await api.recordAction({
        resourceId: resource.id, recordId: record.id, actionName: action.name, data: { actionRequest: JSON.stringify(body), idempotencyKey: key.current },
      });
      if (data.notice) addNotice(data.notice);
      // A final answer spends the key: the next submission is a new request (e.g. a corrected one).
      if (data.outcome?.isKeySpent) key.current = newIdempotencyKey();
      if (data.outcome?.isDone && data.redirectUrl) {
        navigate(data.redirectUrl);
        return;
      }
      setProblem(data.notice?.message ?? 'The action did not run.');
    } catch {
      // No answer: the same key is kept, so submitting again cannot run the action twice.
      setProblem('No answer from the server. Submitting again is safe: it cannot run twice.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="action-form">
      {spec.description ? <Text mb="xl">{spec.description}</Text> : null}
      {spec.approvalHint ? <MessageBox mb="xl" variant="info" message={spec.approvalHint} /> : null}
      <SchemaFields schema={spec.inputSchema} values={values} onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))} />
      <ReasonAndNote reasonCodes={spec.reasonCodes} reasonCode={reasonCode} note={note} onReason={setReasonCode} onNote={setNote} isEmergency={spec.isEmergency} />
      {problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="action-problem" /> : null}
      <Button type="submit" variant="contained" disabled={isSubmitting} data-testid="action-submit">
        {isSubmitting ? 'Working…' : spec.title}
      </Button>
    </Box>
  );
};

export default ActionForm;
