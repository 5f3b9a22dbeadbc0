import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuditTrail, Database } from '#database';
import type { Actor, Role } from '#domain';
import { Problem } from '../common/problem.js';
import { recordRegulatorDenial, type RegulatorGrant } from './regulator-grants.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import { TokenService } from './token.service.js';

/** Bearer-token authentication and role check for every route; a route that declares no roles is refused. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);

    const req = context.switchToHttp().getRequest<Request & { actor?: Actor; regulatorGrants?: RegulatorGrant[] }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new Problem(401, 'unauthenticated', 'Authentication required', 'Send an API token as "Authorization: Bearer <token>".');
    const actor = await this.tokens.authenticate(match[1]!);
    if (!actor) throw new Problem(401, 'unauthenticated', 'Authentication required', 'The token is unknown or revoked.');
    req.actor = actor;
    // A regulator's token carries what it was issued for; its refusals are audited.
    if (actor.role === 'regulator') req.regulatorGrants = await this.tokens.grants(actor.id);

    if (!roles || !roles.includes(actor.role as Role)) {
      if (actor.role === 'regulator') {
        await recordRegulatorDenial(this.db, this.audit, actor, { entityType: 'route', entityId: `${req.method} ${req.originalUrl.split('?')[0]}`, reason: 'staff endpoint' });
      }
      throw new Problem(403, 'forbidden', 'Not allowed for this role', `The role "${actor.role}" may not do this${roles ? `; allowed: ${roles.join(', ')}` : ''}.`);
    }
    return true;
  }
}
