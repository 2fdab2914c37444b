import { DAY } from '../clock.js';

/**
 * How long an API Idempotency-Key is remembered: the API answers a repeat within it from the stored
 * response, and the idempotency-prune job forgets older keys.
 */
export const IDEMPOTENCY_TTL_MS = DAY;
