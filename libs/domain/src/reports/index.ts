export * from './notice-facts.js';
