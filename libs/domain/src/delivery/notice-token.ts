import { createCipheriv, timingSafeEqual } from 'node:crypto';

/**
 * A notice link's token: the delivery id (8 bytes) and a 128-bit MAC of it under the campaign's random 256-bit
 * link key, base64url (32 characters). Derived, not stored, so the notifier writes nothing to give a person a
 * link, and a message sent again after a crash carries the same link. Forging one means guessing 128 bits.
 *
 * The MAC is AES-256 of the single block `id ‖ 0^8`: a block cipher is a pseudorandom permutation, and on
 * fixed-length one-block messages that is a secure MAC (CBC-MAC of one block). Unlike HMAC it takes a whole
 * part's ids in one cipher call (measured: HMAC-SHA256 per id cost the notifier 0.36 CPU-s per 100,000 people).
 */
const ID_BYTES = 8;
const BLOCK = 16;
export const NOTICE_TOKEN_LENGTH = Math.ceil(((ID_BYTES + BLOCK) * 4) / 3);

/** The MAC blocks of many ids at once (ECB: each block on its own, which is what is wanted here). */
function macs(linkKey: Buffer, ids: readonly (number | bigint | string)[]): Buffer {
  const blocks = Buffer.alloc(ids.length * BLOCK);
  ids.forEach((id, i) => blocks.writeBigUInt64BE(BigInt(id), i * BLOCK));
  const cipher = createCipheriv('aes-256-ecb', linkKey, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(blocks), cipher.final()]);
}

/** The tokens of many deliveries of one campaign. */
export function noticeTokens(linkKey: Buffer, deliveryIds: readonly (number | bigint | string)[]): string[] {
  const mac = macs(linkKey, deliveryIds);
  const token = Buffer.alloc(ID_BYTES + BLOCK);
  return deliveryIds.map((id, i) => {
    token.writeBigUInt64BE(BigInt(id), 0);
    mac.copy(token, ID_BYTES, i * BLOCK, (i + 1) * BLOCK);
    return token.toString('base64url');
  });
}

export function noticeToken(linkKey: Buffer, deliveryId: number | bigint | string): string {
  return noticeTokens(linkKey, [deliveryId])[0]!;
}

/** The delivery a token names (to look up its campaign's key), or null when it is not a derived token. */
export function noticeTokenDeliveryId(token: string): string | null {
  if (token.length !== NOTICE_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== ID_BYTES + BLOCK) return null;
  return raw.readBigUInt64BE(0).toString();
}

/** Whether the token was made with this key (constant-time comparison of the MAC). */
export function noticeTokenValid(linkKey: Buffer, token: string): boolean {
  const id = noticeTokenDeliveryId(token);
  if (id === null) return false;
  return timingSafeEqual(Buffer.from(token, 'base64url').subarray(ID_BYTES), macs(linkKey, [id]));
}
