export * from './announcement.js';
export * from './page.js';
export * from './substitute-decision.js';
