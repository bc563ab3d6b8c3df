/** The mails of creator sign-in: a sign-in link, and an invitation to a creator's dashboard. */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page that POSTs the token (a mail scanner that GETs the link does not spend it). */
export const confirmUrl = (baseUrl: string, token: string) => `${baseUrl}/app/sign-in/confirm#token=${token}`;

export function signInMail(to: string, url: string, minutes: number) {
  return {
    to,
    subject: 'Your Gatehouse sign-in link',
    text: `Sign in to your Gatehouse dashboard:\n\n${url}\n\nThe link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this e-mail.\n`,
    html: `<p>Sign in to your Gatehouse dashboard:</p><p><a href="${url}">${url}</a></p><p>The link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this e-mail.</p>`,
  };
}

export function inviteMail(to: string, url: string, tenantName: string, hours: number) {
  return {
    to,
    subject: `You are invited to ${tenantName} on Gatehouse`,
    text: `You were invited to manage ${tenantName} on Gatehouse. Sign in here:\n\n${url}\n\nThe link works once and expires in ${hours} hours; afterwards, ask for a new sign-in link with this address.\n`,
    html: `<p>You were invited to manage ${escapeHtml(tenantName)} on Gatehouse. Sign in here:</p><p><a href="${url}">${url}</a></p><p>The link works once and expires in ${hours} hours; afterwards, ask for a new sign-in link with this address.</p>`,
  };
}
