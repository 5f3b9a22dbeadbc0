import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { SYSTEM_ACTOR, type Actor, type Role } from '#domain';
import { Problem } from '../common/problem.js';
import { generateToken, hashToken, tokenPrefix } from './api-token.js';
import type { RegulatorGrant } from './regulator-grants.js';
import { TokenRepository, type TokenRow } from './token.repository.js';

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

function view(t: TokenRow): TokenView {
  return { id: t.id, name: t.name, role: t.role, prefix: t.token_prefix, createdBy: t.created_by, createdAt: t.created_at, revokedAt: t.revoked_at, lastUsedAt: t.last_used_at };
}

// Only one process may create the bootstrap token on an empty database.
const BOOTSTRAP_LOCK = 7_201_002;

@Injectable()
export class TokenService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(TokenRepository) private readonly tokens: TokenRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async authenticate(token: string): Promise<Actor | undefined> {
    const row = await this.tokens.findActiveByHash(hashToken(token));
    if (!row) return undefined;
    await this.tokens.touch(row.id);
    return { id: row.id, role: row.role };
  }

  /** The grants of a regulator-role token (what it may read). */
  grants(tokenId: string): Promise<RegulatorGrant[]> {
    return this.tokens.grants(tokenId);
  }

  /** The secret is returned here and never again. */
  async create(actor: Actor, name: string, role: Role): Promise<TokenView & { token: string }> {
    const token = generateToken();
    return this.db.transaction(async (tx) => {
      const row = (await this.tokens.insert(tx, { name, role, hash: hashToken(token), prefix: tokenPrefix(token), createdBy: actor.id === 'system' ? null : actor.id }))!;
      await this.audit.record(tx, actor, { action: 'token.created', entityType: 'api_token', entityId: row.id, after: view(row) });
      return { ...view(row), token };
    });
  }

  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(view);
  }

  async revoke(actor: Actor, id: string): Promise<TokenView> {
    return this.db.transaction(async (tx) => {
      const row = await this.tokens.revoke(tx, id);
      if (!row) throw Problem.notFound('Token', id);
      await this.audit.record(tx, actor, { action: 'token.revoked', entityType: 'api_token', entityId: id, after: view(row) });
      return view(row);
    });
  }

  /**
   * On a database with no tokens, installs the bootstrap admin token: `TOCSIN_ADMIN_TOKEN` when given,
   * otherwise a generated one that the caller prints once. Returns the generated secret, if any.
   */
  async bootstrapAdmin(configured: string | undefined): Promise<{ created: boolean; generated?: string }> {
    return this.db.transaction(async (tx) => {
      await tx.rows('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if ((await this.tokens.count(tx)) > 0) return { created: false };
      const token = configured ?? generateToken();
      const row = (await this.tokens.insert(tx, { name: 'bootstrap admin', role: 'admin', hash: hashToken(token), prefix: tokenPrefix(token), createdBy: null }))!;
      await this.audit.record(tx, SYSTEM_ACTOR, { action: 'token.bootstrapped', entityType: 'api_token', entityId: row.id, after: view(row) });
      return configured ? { created: true } : { created: true, generated: token };
    });
  }
}
