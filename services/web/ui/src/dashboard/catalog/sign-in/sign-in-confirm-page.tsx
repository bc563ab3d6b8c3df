import { Alert, Button, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../../shared/api-client.ts';
import { errorMessage } from '../../../shared/api-errors.ts';
import { useConfirmSignIn } from '../../../shared/session-actions.ts';
import { SignInFrame } from './sign-in-frame.tsx';
import { SignInRequestForm } from './sign-in-request-form.tsx';

/** The token travels in the fragment (never sent to a server, so not in any access log). */
function tokenFromFragment(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token');
}

/**
 * /app/sign-in/confirm#token=…: one "Sign in" button that POSTs the token (a mail scanner that
 * opens the link spends nothing). An expired, used or unknown link says so and offers a new one.
 */
export function SignInConfirmPage() {
  const [token] = useState(tokenFromFragment);
  const confirm = useConfirmSignIn();
  const navigate = useNavigate();
  // Out of the address bar and history once read: a shared screen or a back button shows no token.
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  if (!token || isDeadLink(confirm.error))
    return (
      <SignInFrame title="This sign-in link no longer works">
        <Stack>
          <Alert color="orange" role="alert" title={deadLinkTitle(confirm.error, token)}>
            Sign-in links work once, for 15 minutes. Ask for a new one below.
          </Alert>
          <SignInRequestForm submitLabel="Email me a new link" />
        </Stack>
      </SignInFrame>
    );

  return (
    <SignInFrame title="Sign in to Gatehouse">
      <Stack>
        <Text size="sm">Press the button to finish signing in on this device.</Text>
        {confirm.isError && (
          <Alert color="red" role="alert">
            {errorMessage(confirm.error)}
          </Alert>
        )}
        <Button
          size="md"
          loading={confirm.isPending}
          onClick={() =>
            confirm.mutate(token, { onSuccess: () => navigate('/app/shows', { replace: true }) })
          }
        >
          Sign in
        </Button>
      </Stack>
    </SignInFrame>
  );
}

function isDeadLink(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 410 || error.code === 'link_invalid');
}

function deadLinkTitle(error: unknown, token: string | null): string {
  if (!token) return 'This link is incomplete';
  if (error instanceof ApiError && error.status === 410) return 'This link has expired or was already used';
  return 'This link is not valid';
}
