import { h, layout } from './html.ts';

export function signInPage(tenant: { slug: string; name: string }, notice?: string): string {
  return layout(
    `Sign in — ${tenant.name}`,
    `<h1>${h(tenant.name)}: subscriber sign-in</h1>
${notice ? `<p class="note">${h(notice)}</p>` : ''}
<form method="post" action="/portal/${h(tenant.slug)}/sign-in">
<label>E-mail address <input type="email" name="email" required autocomplete="email"></label>
<button type="submit">Send me a sign-in link</button>
</form>`,
  );
}

export function checkEmailPage(tenantName: string): string {
  return layout(
    'Check your e-mail',
    `<h1>Check your e-mail</h1><p>If that address belongs to a subscriber of ${h(tenantName)}, a sign-in link is on its way. It works once and expires soon.</p>`,
  );
}

/** The link in the e-mail lands here; signing in takes a POST so mail scanners that prefetch links cannot use it up. */
export function confirmMagicLinkPage(token: string): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1><form method="post" action="/portal/magic"><input type="hidden" name="token" value="${h(token)}">
<button type="submit" id="confirm">Continue to your account</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${h(title)}</h1><p>${h(message)}</p>`);
}

export interface AccountView {
  tenantName: string;
  email: string;
  granted: boolean;
  lifecycle: string;
  feeds: { title: string; url: string }[];
  canManageBilling: boolean;
  csrf: string;
  notice?: string;
}

/**
 * The account page (seed 000's profile page): feed links exist on this page only while a
 * subscription grants access; otherwise no token is rendered at all.
 */
export function accountPage(view: AccountView): string {
  const feeds = view.granted
    ? `<h2>Your private feeds</h2>
<p class="warn">Do not share these links: they are bound to your subscription. Add them to any podcast app.</p>
${view.feeds.length === 0 ? '<p>Your plan does not include a show yet.</p>' : ''}
${view.feeds.map((feed) => `<div class="feed"><strong>${h(feed.title)}</strong><br><a class="feed-link" href="${h(feed.url)}">${h(feed.url)}</a></div>`).join('\n')}
<form class="inline" method="post" action="/portal/account/reset-feed"><input type="hidden" name="csrf" value="${h(view.csrf)}">
<button type="submit" id="reset-feed">Reset my feed links</button></form>`
    : `<h2>No active subscription</h2><p id="no-access">Your subscription does not currently include premium feeds${
        view.lifecycle === 'payment_failed'
          ? ': the last payment failed. Update your payment method to restore access.'
          : '.'
      }</p>`;
  const billing = view.canManageBilling
    ? `<form class="inline" method="post" action="/portal/account/billing"><input type="hidden" name="csrf" value="${h(view.csrf)}">
<button type="submit" id="manage-billing">Manage billing</button></form>`
    : '';
  return layout(
    `Your account — ${view.tenantName}`,
    `<h1>${h(view.tenantName)}</h1><p>Signed in as <strong>${h(view.email)}</strong>.</p>
${view.notice ? `<p class="note">${h(view.notice)}</p>` : ''}
${feeds}
${billing}
<form class="inline" method="post" action="/portal/sign-out"><input type="hidden" name="csrf" value="${h(view.csrf)}">
<button type="submit">Sign out</button></form>`,
  );
}
