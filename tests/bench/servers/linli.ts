/**
 * The real server for the benchmark's HTTP and memory rows: `startLinli()` as `npm start` runs it (the
 * database file given, HTTP on a free port, outbox dispatcher and job scheduler running, no chat platform),
 * in a process of its own, driven over IPC by tests/bench/http.ts. The per-token rate limit is raised out
 * of the way: the benchmark measures serving, not refusing.
 */
import { startLinli } from '../../../src/main.js';
import { answerProbes } from './probe.js';

const [db, token] = process.argv.slice(2);
if (!db || !token) throw new Error('usage: linli.ts <db file> <admin token>');
const running = await startLinli({ db, port: 0, seed: false, adminToken: token, env: { ...process.env, LINLI_RATE_LIMIT: '100000000' } });
answerProbes(running.url!, () => running.stop());
