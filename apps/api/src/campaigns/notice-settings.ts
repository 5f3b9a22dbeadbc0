import { DEFAULT_MAX_SMS_SEGMENTS } from '#domain';

/** Organisation-wide settings of rendered notices. */
export interface NoticeSettings {
  /** Where the public notice pages live; a notice link is `<publicBaseUrl>/n/<token>`. */
  publicBaseUrl: string;
  /** The return-address line of letters, e.g. `Example Ltd · 1 High Street · London EC1A 1AA`. */
  letterSenderLine: string;
  maxSmsSegments: number;
}

export const NOTICE_SETTINGS = Symbol('NOTICE_SETTINGS');

export function noticeSettingsFromEnv(env: NodeJS.ProcessEnv): NoticeSettings {
  const segments = Number(env.TOCSIN_SMS_MAX_SEGMENTS ?? DEFAULT_MAX_SMS_SEGMENTS);
  return {
    publicBaseUrl: (env.TOCSIN_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    letterSenderLine: env.TOCSIN_LETTER_SENDER ?? 'Sender not configured (set TOCSIN_LETTER_SENDER)',
    maxSmsSegments: Number.isInteger(segments) && segments >= 1 && segments <= 10 ? segments : DEFAULT_MAX_SMS_SEGMENTS,
  };
}
