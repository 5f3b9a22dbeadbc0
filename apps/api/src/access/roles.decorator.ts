import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor, Role } from '#domain';

export const ROLES_KEY = 'tocsin:roles';
export const PUBLIC_KEY = 'tocsin:public';

/** The roles that may call this endpoint. Every endpoint declares them, or is explicitly `@Public()`. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const STAFF_READ: Role[] = ['admin', 'responder', 'approver', 'viewer'];
export const STAFF_WRITE: Role[] = ['admin', 'responder'];

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<{ actor?: Actor }>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
