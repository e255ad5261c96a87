// Starting an impersonation: a reason from the list, free text, an optional ticket and a duration
// (at most four hours). The server may ask for a fresh TOTP code first (step-up): the form then
// shows a code field, proves it, and starts. Used on a customer user's record and in the tenant
// switcher; either way it posts to POST /api/impersonations and reloads into the impersonation.
import React, { useRef, useState } from 'react';
import { Box, Button, FormGroup, Input, Label, MessageBox, Select, Text, TextArea } from '@adminjs/design-system';
import { humanizeReason, maxMinutes, reasonCodes, startImpersonation, stepUp } from './impersonation-api';

type Props = { targetUserId: number; targetLabel: string; onStarted: () => void };

const StartImpersonationForm = ({ targetUserId, targetLabel, onStarted }: Props) => {
  const reasons = reasonCodes().map((code) => ({ value: code, label: humanizeReason(code) }));
  const [reason, setReason] = useState<{ value: string; label: string } | null>(null);
  const [note, setNote] = useState('');
  const [ticketId, setTicketId] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return;
    if (!reason) return setProblem('Choose a reason first.');
    if (note.trim().length < 3) return setProblem('Say in a few words why (at least 3 characters).');
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    try {
      if (needsCode) {
        const refused = await stepUp(totp.trim());
        if (refused) return setProblem(refused);
      }
      const started = await startImpersonation({ targetUserId, reason: reason.value, note: note.trim(), ticketId: ticketId.trim() || null, minutes: Number(minutes) });
      if (started.ok) return onStarted();
      if (started.needsStepUp) {
        setNeedsCode(true);
        setTotp('');
        return setProblem('Enter a current code from your authenticator app to confirm it is you.');
      }
      setProblem(started.detail);
    } catch {
      setProblem('No answer from the server; nothing was started.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return (
    <Box as="form" onSubmit={submit} data-testid="impersonation-form">
      <Text mb="lg">
        You will see the backoffice as <strong>{targetLabel}</strong> sees their organization: read-only, audited request by request, for at most {maxMinutes() / 60} hours.
      </Text>
      <FormGroup>
        <Label htmlFor="impersonation-reason" required>Reason</Label>
        <Select inputId="impersonation-reason" value={reason} options={reasons} onChange={(selected: { value: string; label: string } | null) => setReason(selected)} />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="impersonation-note" required>Why, in words</Label>
        <TextArea id="impersonation-note" width="100%" maxLength={2000} value={note} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setNote(e.target.value)} />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="impersonation-ticket">Support ticket (optional)</Label>
        <Input id="impersonation-ticket" width="100%" maxLength={100} value={ticketId} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTicketId(e.target.value)} />
      </FormGroup>
      <FormGroup>
        <Label htmlFor="impersonation-minutes">Minutes (at most {maxMinutes()})</Label>
        <Input id="impersonation-minutes" type="number" min={1} max={maxMinutes()} value={minutes} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setMinutes(e.target.value)} />
      </FormGroup>
      {needsCode ? (
        <FormGroup>
          <Label htmlFor="impersonation-totp" required>Authenticator code</Label>
          <Input id="impersonation-totp" autoComplete="one-time-code" inputMode="numeric" maxLength={16} value={totp} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTotp(e.target.value)} />
        </FormGroup>
      ) : null}
      {problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="impersonation-problem" /> : null}
      <Button type="submit" variant="contained" disabled={isSubmitting} data-testid="impersonation-start">
        {isSubmitting ? 'Starting…' : 'Start impersonation'}
      </Button>
    </Box>
  );
};

export default StartImpersonationForm;
