import type { KeyObject } from 'node:crypto';
import { ChannelConfigError, channelConfigFromEnv, type Secret, sendGridVerificationKey } from '#channels';

/** What the provider webhooks need; a provider left out answers 503 and changes nothing. */
export interface WebhookConfig {
  sendgrid?: {
    key: KeyObject;
    /** Timestamps further from now than this are refused (replay protection). */
    toleranceSeconds: number;
  };
  twilio?: {
    authToken: Secret;
    /** TWILIO_STATUS_CALLBACK_URL, when set: the URL Twilio signs, if a proxy maps it to another path. */
    callbackUrl?: string;
  };
}

export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');

/**
 * Reads the webhook keys through the channels' own configuration (SENDGRID_WEBHOOK_PUBLIC_KEY,
 * SENDGRID_WEBHOOK_TOLERANCE_S, TWILIO_AUTH_TOKEN, TWILIO_STATUS_CALLBACK_URL). The api does not send, so a
 * channel configuration error does not stop it: the webhooks stay off and `warn` names the variables at fault
 * (never their values); the notifier refuses to start on the same error.
 */
export function webhookConfigFromEnv(env: NodeJS.ProcessEnv, warn: (message: string) => void): WebhookConfig {
  let channels: ReturnType<typeof channelConfigFromEnv>;
  try {
    channels = channelConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ChannelConfigError)) throw error;
    warn(`provider webhooks are off: ${error.problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}`);
    return {};
  }
  const config: WebhookConfig = {};
  const { sendgridVerificationKey, sendgridToleranceSeconds, twilioAuthToken } = channels.webhooks;
  if (sendgridVerificationKey) {
    try {
      config.sendgrid = { key: sendGridVerificationKey(sendgridVerificationKey), toleranceSeconds: sendgridToleranceSeconds };
    } catch {
      warn('the SendGrid webhook is off: SENDGRID_WEBHOOK_PUBLIC_KEY is not a public key (base64 DER SubjectPublicKeyInfo or PEM)');
    }
  }
  if (twilioAuthToken) {
    const callbackUrl = channels.sms.provider === 'twilio' ? channels.sms.statusCallbackUrl : undefined;
    config.twilio = { authToken: twilioAuthToken, ...(callbackUrl ? { callbackUrl } : {}) };
  }
  return config;
}
