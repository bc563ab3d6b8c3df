import { Text } from '@mantine/core';
import { Navigate } from 'react-router';
import { useSession } from '../../../shared/session.ts';
import { SignInFrame } from './sign-in-frame.tsx';
import { SignInRequestForm } from './sign-in-request-form.tsx';

/** /app/sign-in: e-mail → "check your mail". Already signed in → the dashboard. */
export function SignInPage() {
  const session = useSession();
  if (session.data) return <Navigate to="/app/shows" replace />;
  return (
    <SignInFrame title="Sign in">
      <Text size="sm" mb="md">
        We e-mail you a link that signs you in. No password needed.
      </Text>
      <SignInRequestForm />
    </SignInFrame>
  );
}
