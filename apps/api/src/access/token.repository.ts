import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { Role } from '#domain';
import { GRANTS_SQL, type RegulatorGrant } from './regulator-grants.js';

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  token_prefix: string;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, name, role, token_prefix, created_by, created_at, revoked_at, last_used_at';

@Injectable()
export class TokenRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  findActiveByHash(hash: Buffer): Promise<TokenRow | undefined> {
    return this.db.one<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hash]);
  }

  /** Recorded at most once a minute per token so reads do not turn into writes. */
  async touch(id: string): Promise<void> {
    await this.db.rows(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }

  insert(sql: Sql, t: { name: string; role: Role; hash: Buffer; prefix: string; createdBy: string | null }): Promise<TokenRow | undefined> {
    return sql.one<TokenRow>(
      `INSERT INTO api_tokens (name, role, token_hash, token_prefix, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [t.name, t.role, t.hash, t.prefix, t.createdBy],
    );
  }

  list(): Promise<TokenRow[]> {
    return this.db.rows<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
  }

  revoke(sql: Sql, id: string): Promise<TokenRow | undefined> {
    return sql.one<TokenRow>(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  }

  /** What a regulator-role token may read. */
  grants(tokenId: string): Promise<RegulatorGrant[]> {
    return this.db.rows<RegulatorGrant>(GRANTS_SQL, [tokenId]);
  }

  async count(sql: Sql): Promise<number> {
    return (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM api_tokens'))!.n;
  }
}
