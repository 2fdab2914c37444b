export * from './org.js';
export * from './audit.js';
export * from './chat.js';
export * from './jobs.js';
export * from './ledger.js';
export * from './timebank.js';
export * from './rewards.js';
