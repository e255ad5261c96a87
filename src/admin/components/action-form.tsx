// The form of every action-runner button on a record (one component for all actions): the action's
// input fields from its JSON Schema, a reason-code picker, a note, and an Idempotency-Key made once
// per opened form. The server handler calls the runner and answers with the notice to show; this
// component decides nothing about the business.
import React, { useState } from 'react';
import type { ActionProps } from 'adminjs';
import { Box, Button, FormGroup, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ReasonAndNote, SchemaFields, initialValues, inputFromValues, type ActionSpec, type FieldValues } from './schema-fields';
import { useRecordAction } from './use-record-action';

const ActionForm = ({ action, resource, record }: ActionProps) => {
  const spec = action.custom as ActionSpec;
  const [values, setValues] = useState<FieldValues>(() => initialValues(spec.inputSchema, record?.params));
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const [stepUpCode, setStepUpCode] = useState('');
  const { send, problem, setProblem, isSubmitting } = useRecordAction({ action, resource, record }, { fallback: 'The action did not run.' });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!reasonCode) {
      setProblem('Choose a reason first.');
      return;
    }
    const body = { input: inputFromValues(spec.inputSchema, values) ?? {}, reasonCode, note };
    void send({ actionRequest: JSON.stringify(body), ...(spec.isStepUp ? { stepUpCode } : {}) }).then(() => setStepUpCode(''));
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} data-testid="action-form">
      {spec.description ? <Text mb="xl">{spec.description}</Text> : null}
      {spec.approvalHint ? <MessageBox mb="xl" variant="info" message={spec.approvalHint} /> : null}
      <SchemaFields schema={spec.inputSchema} values={values} onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))} />
      <ReasonAndNote reasonCodes={spec.reasonCodes} reasonCode={reasonCode} note={note} onReason={setReasonCode} onNote={setNote} isEmergency={spec.isEmergency} />
      {spec.isStepUp ? (
        <FormGroup>
          <Label htmlFor="field-stepUpCode">Authentication code</Label>
          <Input id="field-stepUpCode" name="stepUpCode" value={stepUpCode} inputMode="numeric" autoComplete="one-time-code" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setStepUpCode(e.target.value)} />
          <Text variant="sm" mt="sm">This action needs a fresh code from your authenticator app (not again within 5 minutes of one).</Text>
        </FormGroup>
      ) : null}
      {problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="action-problem" /> : null}
      <Button type="submit" variant="contained" disabled={isSubmitting} data-testid="action-submit">
        {isSubmitting ? 'Working…' : spec.title}
      </Button>
    </Box>
  );
};

export default ActionForm;
