// The backoffice login page (AdminJS's Login, overridden): email, password and the authentication
// code from the operator's authenticator app, or one of their recovery codes, in one field. An
// operator without an authenticator leaves it empty and is taken to set one up. The server decides
// everything (src/admin/admin-router.ts); a failure of any kind shows one and the same message.
import React from 'react';
import { Box, Button, FormGroup, H5, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

type LoginState = { action: string; errorMessage?: string | null };

const Login = () => {
  const { action, errorMessage: message } = ((window as unknown as { __APP_STATE__?: LoginState }).__APP_STATE__ ?? { action: '' });
  const { translateMessage } = useTranslation();
  return (
    <Box flex variant="grey" style={{ alignItems: 'center', justifyContent: 'center', flexDirection: 'column', height: '100%' }}>
      <Box as="form" action={action} method="POST" bg="white" p="x3" boxShadow="login" width={['100%', '100%', '440px']} data-testid="login-form">
        <H5 marginBottom="xxl">opsdeck</H5>
        {message ? <MessageBox my="lg" variant="danger" message={message.split(' ').length > 1 ? message : translateMessage(message)} /> : null}
        <FormGroup>
          <Label htmlFor="login-email" required>Email</Label>
          <Input id="login-email" name="email" type="email" autoComplete="username" required />
        </FormGroup>
        <FormGroup>
          <Label htmlFor="login-password" required>Password</Label>
          <Input id="login-password" name="password" type="password" autoComplete="current-password" required />
        </FormGroup>
        <FormGroup>
          <Label htmlFor="login-totp">Authentication code</Label>
          <Input id="login-totp" name="totp" inputMode="numeric" autoComplete="one-time-code" placeholder="123456" />
          <Text variant="sm" mt="sm">The 6-digit code from your authenticator app, or a recovery code. Not set up yet? Leave it empty.</Text>
        </FormGroup>
        <Text mt="xl" textAlign="center">
          <Button variant="contained" type="submit">Log in</Button>
        </Text>
      </Box>
    </Box>
  );
};

export default Login;
