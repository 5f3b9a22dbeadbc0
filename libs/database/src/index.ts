export * from './array-literal.js';
export * from './audit-trail.js';
export * from './create-database.js';
export * from './database-url.js';
export * from './database.js';
export * from './database.module.js';
export * from './embedded-database.js';
