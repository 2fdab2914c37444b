/** The platform the demo neighbourhood's rooms and people are seeded on: the one the shell chat speaks on. */
export { SHELL } from '../domain/seed/demo.js';
