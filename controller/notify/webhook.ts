import { NotifyError } from './errors.js';
import type { NotificationSink } from './delivery.js';
import { renderText, type Notification } from './message.js';

/** The Slack-compatible body: `text` for clients and previews, `blocks` for the formatted message. */
export interface WebhookBody {
  text: string;
  blocks?: unknown[];
}

const SEVERITY_MARK: Record<Notification['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

export function webhookBody(notification: Notification): WebhookBody {
  const context = `${notification.source} · ${new Date(notification.at).toISOString()}`;
  return {
    text: renderText(notification),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_MARK[notification.severity]} *${notification.title}*` } },
      ...(notification.details.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: notification.details.join('\n') } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

/** Answers worth another attempt: the receiver is overloaded, rate-limiting or briefly broken. */
const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

/** POSTs each notification as JSON to an incoming-webhook URL. */
export class WebhookSink implements NotificationSink {
  readonly name: string;

  constructor(private readonly url: string) {
    // The URL's path is often the secret; name the destination by its host only.
    this.name = `webhook ${new URL(url).host}`;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(webhookBody(notification)), signal });
    } catch (error) {
      throw new NotifyError(this.name, signal.aborted ? 'no answer before the timeout' : 'no connection', { cause: error, transient: true });
    }
    // Read the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      throw new NotifyError(this.name, `HTTP ${response.status}`, { transient: RETRYABLE_STATUS(response.status), context: { status: response.status } });
    }
  }
}
