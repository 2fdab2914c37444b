export * from './org.js';
export * from './audit.js';
export * from './chat.js';
export * from './jobs.js';
export * from './patrols.js';
export * from './api.js';
export * from './tickets.js';
