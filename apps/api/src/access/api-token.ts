import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits; stored only as a SHA-256 digest (a slow hash adds nothing to a random secret). */
export function generateToken(): string {
  return 'tcn_' + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 10);
}
