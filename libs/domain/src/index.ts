export * from './access/role.js';
export * from './audit/audit-chain.js';
export * from './audit/canonical-json.js';
export * from './incident/incident-lifecycle.js';
export * from './incident/incident-ref.js';
export * from './vocabulary/data-category.js';
export * from './vocabulary/jurisdiction.js';
