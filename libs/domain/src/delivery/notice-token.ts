import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A notice link's token: the delivery id (8 bytes) and 128 bits of HMAC-SHA256 over it under the campaign's
 * random link key, base64url (32 characters). Derived, not stored, so the notifier writes nothing to give
 * a person a link, and a message sent again after a crash carries the same link. Unguessable without the
 * key: forging one means guessing 128 bits.
 */
const ID_BYTES = 8;
const MAC_BYTES = 16;
export const NOTICE_TOKEN_LENGTH = Math.ceil(((ID_BYTES + MAC_BYTES) * 4) / 3);

function mac(linkKey: Buffer, id: Buffer): Buffer {
  return createHmac('sha256', linkKey).update(id).digest().subarray(0, MAC_BYTES);
}

function idBytes(deliveryId: number | bigint | string): Buffer {
  const id = Buffer.alloc(ID_BYTES);
  id.writeBigUInt64BE(BigInt(deliveryId));
  return id;
}

export function noticeToken(linkKey: Buffer, deliveryId: number | bigint | string): string {
  const id = idBytes(deliveryId);
  return Buffer.concat([id, mac(linkKey, id)]).toString('base64url');
}

/** The delivery a token names (to look up its campaign's key), or null when it is not a derived token. */
export function noticeTokenDeliveryId(token: string): string | null {
  if (token.length !== NOTICE_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== ID_BYTES + MAC_BYTES) return null;
  return raw.readBigUInt64BE(0).toString();
}

/** Whether the token was made with this key (constant-time comparison of the MAC). */
export function noticeTokenValid(linkKey: Buffer, token: string): boolean {
  if (noticeTokenDeliveryId(token) === null) return false;
  const raw = Buffer.from(token, 'base64url');
  return timingSafeEqual(raw.subarray(ID_BYTES), mac(linkKey, raw.subarray(0, ID_BYTES)));
}
