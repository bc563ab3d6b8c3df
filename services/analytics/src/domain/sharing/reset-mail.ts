import type { ResetRecipient } from './reset-executor.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The listener's mail after an automatic feed-URL reset: why, and the new private feed link(s). */
export function resetMail(recipient: ResetRecipient): { subject: string; text: string; html: string } {
  const subject = `Your new private feed link for ${recipient.tenantName}`;
  const intro =
    `Your private feed link for ${recipient.tenantName} was being used from more networks and podcast apps ` +
    'than one listener uses, so it has been replaced. The old link no longer works.';
  const links =
    recipient.feeds.length > 0
      ? recipient.feeds.map((feed) => `${feed.title}: ${feed.url}`).join('\n')
      : `Sign in to get your feed link: ${recipient.portalUrl}`;
  const text = `${intro}\n\nAdd the new link to your podcast app:\n\n${links}\n\nManage your subscription: ${recipient.portalUrl}\n`;
  const items =
    recipient.feeds.length > 0
      ? recipient.feeds
          .map(
            (feed) =>
              `<li>${escapeHtml(feed.title)}: <a href="${escapeHtml(feed.url)}">${escapeHtml(feed.url)}</a></li>`,
          )
          .join('')
      : `<li><a href="${escapeHtml(recipient.portalUrl)}">Sign in to get your feed link</a></li>`;
  const html = `<p>${escapeHtml(intro)}</p><p>Add the new link to your podcast app:</p><ul>${items}</ul><p><a href="${escapeHtml(recipient.portalUrl)}">Manage your subscription</a></p>`;
  return { subject, text, html };
}
