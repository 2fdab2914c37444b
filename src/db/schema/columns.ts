import { integer } from 'drizzle-orm/sqlite-core';

/** Instants are stored as integer milliseconds since the epoch and read back as Date. */
export const instant = (name?: string) => (name ? integer(name, { mode: 'timestamp_ms' }) : integer({ mode: 'timestamp_ms' }));

export const flag = () => integer({ mode: 'boolean' });
