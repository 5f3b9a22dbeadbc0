export const ROLES = ['admin', 'responder', 'approver', 'regulator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: a token's id and role, or the system itself. */
export interface Actor {
  readonly id: string;
  readonly role: Role | 'system';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
