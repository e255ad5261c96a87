// The backoffice's Security page: set up an authenticator (QR code, then a first code, then the
// recovery codes, shown once), and confirm a fresh code before sensitive work (step-up). An
// operator who logged in without an authenticator while MFA is required is kept on this page until
// it is set up. Every decision is the API's (src/auth/mfa-routes.ts, POST /api/session/step-up).
import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';

type Status = { isEnrolled: boolean; isRequired: boolean; isEnrolmentRequired: boolean; recoveryCodesLeft: number };
type Enrolment = { secret: string; otpauthUri: string; qrDataUrl: string };

type Env = { OPSDECK_API_ROOT?: string };
const apiRoot = () => ((window as unknown as { AdminJS?: { env?: Env } }).AdminJS?.env?.OPSDECK_API_ROOT ?? '/api');
// The backoffice's root: this page lives at <root>/pages/security.
const adminRoot = () => window.location.pathname.split('/pages/')[0] || '/';

async function call(path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${apiRoot()}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const isTotp = (typed: string) => /^\d{3}\s?\d{3}$/.test(typed.trim());

const SecurityPage = () => {
  const [status, setStatus] = useState<Status | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    void call('/session/mfa').then(({ status: http, body }) => (http === 200 ? setStatus(body as Status) : setProblem(body.detail ?? `HTTP ${http}`)));
  }, []);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  const enrol = () => run(async () => {
    const { status: http, body } = await call('/session/mfa/enrol', {});
    if (http === 200) setEnrolment(body as Enrolment);
    else setProblem(body.detail ?? `HTTP ${http}`);
  });

  const confirm = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { status: http, body } = await call('/session/mfa/confirm', { totp: code.trim() });
      if (http === 200) {
        setRecoveryCodes(body.recoveryCodes as string[]);
        setCode('');
      } else setProblem(body.detail ?? `HTTP ${http}`);
    });
  };

  const stepUp = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const typed = code.trim();
      const { status: http, body } = await call('/session/step-up', isTotp(typed) ? { totp: typed } : { recoveryCode: typed });
      setCode('');
      if (http === 200) setDone(`Confirmed. Actions that need a fresh code are open until ${new Date(body.stepUp.validUntil).toLocaleTimeString()}.`);
      else setProblem(body.detail ?? `HTTP ${http}`);
    });
  };

  const codeField = (
    <FormGroup>
      <Label htmlFor="security-code" required>Authentication code</Label>
      <Input id="security-code" name="totp" value={code} inputMode="numeric" autoComplete="one-time-code" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setCode(e.target.value)} />
    </FormGroup>
  );
  const problemBox = problem ? <MessageBox mb="xl" variant="danger" message={problem} data-testid="security-problem" /> : null;

  if (!status) return <Box variant="container">{problemBox ?? <Text>Loading…</Text>}</Box>;

  if (recoveryCodes) {
    return (
      <Box variant="container" data-testid="security-recovery">
        <H3>Two-factor authentication is on</H3>
        <Text mb="lg">Keep these recovery codes somewhere safe: each logs you in once if you lose your phone. They are shown only now.</Text>
        <Box as="pre" mb="xl" data-testid="security-recovery-codes" style={{ fontFamily: 'monospace', fontSize: 16, lineHeight: 1.6 }}>{recoveryCodes.join('\n')}</Box>
        <Button variant="contained" data-testid="security-continue" onClick={() => window.location.assign(adminRoot())}>I have saved them: continue</Button>
      </Box>
    );
  }

  if (!status.isEnrolled) {
    return (
      <Box variant="container" data-testid="security-enrolment">
        <H3>Set up two-factor authentication</H3>
        {status.isEnrolmentRequired ? <MessageBox mb="xl" variant="info" message="Your account needs an authenticator app before you can use the backoffice." /> : null}
        {problemBox}
        {!enrolment ? (
          <Button variant="contained" disabled={isBusy} data-testid="security-enrol" onClick={() => void enrol()}>Set up an authenticator app</Button>
        ) : (
          <Box as="form" onSubmit={confirm}>
            <Text mb="lg">Scan this code with your authenticator app (or type the key), then enter the 6-digit code it shows.</Text>
            <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={240} height={240} data-testid="security-qr" />
            <Text mt="lg" mb="xl">Key <code data-testid="security-secret">{enrolment.secret}</code></Text>
            {codeField}
            <Button type="submit" variant="contained" disabled={isBusy} data-testid="security-confirm">Turn on</Button>
          </Box>
        )}
      </Box>
    );
  }

  return (
    <Box variant="container" data-testid="security-enrolled">
      <H3>Two-factor authentication is on</H3>
      <Text mb="xl">{status.recoveryCodesLeft} recovery codes left.</Text>
      <Box as="form" onSubmit={stepUp}>
        <Text mb="lg">Some actions (unfreezing an organization, reinstating a listing, changing roles) need a code entered in the last 5 minutes. Confirm one here, or in the action's own form.</Text>
        {problemBox}
        {done ? <MessageBox mb="xl" variant="success" message={done} data-testid="security-stepped-up" /> : null}
        {codeField}
        <Button type="submit" variant="contained" disabled={isBusy} data-testid="security-step-up">Confirm</Button>
      </Box>
    </Box>
  );
};

export default SecurityPage;
