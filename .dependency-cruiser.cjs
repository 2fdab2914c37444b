/**
 * The one-way layers of Linli, checked by `npm run lint:deps`:
 *
 *   bots/ → src/http, src/jobs → src/chat → src/domain → src/db
 *
 * src/i18n, src/config.ts, src/clock.ts, src/log.ts, src/errors.ts and src/time.ts are leaves anyone may
 * import; src/main.ts and src/services.ts are the composition root, which wires the layers and which no
 * layer below the transports imports. Type-only imports count: knowing a type of the layer above is a
 * dependency on it all the same.
 */
const LEAVES = '^src/(i18n/|(config|clock|log|errors|time)[.]ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'bots-not-to-domain-or-db',
      comment: 'An adapter knows its platform and the chat core, nothing of tickets or tables: it goes through src/chat (or src/http).',
      severity: 'error',
      from: { path: '^bots/' },
      to: { path: '^src/(domain|db)/' },
    },
    {
      name: 'domain-not-up',
      comment: 'The domain returns what happened and writes no chat text: it imports no chat, transport, job or adapter.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(chat|http|jobs)/|bots/)' },
    },
    {
      name: 'db-not-up',
      comment: 'The schema and client are the bottom layer.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^(src/(domain|chat|http|jobs)/|bots/)' },
    },
    {
      name: 'chat-not-up',
      comment: 'The chat core is platform-neutral: no HTTP, no job, no adapter.',
      severity: 'error',
      from: { path: '^src/chat/' },
      to: { path: '^(src/(http|jobs)/|bots/)' },
    },
    {
      name: 'jobs-not-to-http-or-bots',
      comment: 'A job is a plain function over the domain and chat; what it shares with the API belongs below both.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^(src/http/|bots/)' },
    },
    {
      name: 'http-not-to-bots',
      comment: 'The API is a transport beside the adapters, not above them; an adapter mounts its routes through app.ts Mount.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^bots/' },
    },
    {
      name: 'http-only-to-jobs-runner',
      comment: "The jobs API reads and runs jobs through the runner (its JobRun/JobView); the jobs themselves are the runner's business.",
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/jobs/', pathNot: '^src/jobs/(runner|job)[.]ts$' },
    },
    {
      name: 'leaves-stay-leaves',
      comment: 'i18n, config, clock, log, errors and time are imported by every layer, so they import none.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^(src/(db|domain|chat|http|jobs)/|bots/)' },
    },
    {
      name: 'composition-root-on-top',
      comment: 'main.ts and services.ts wire every layer; a layer below the transports importing them would import everything.',
      severity: 'error',
      from: { path: `^src/(db|domain|chat|jobs)/|${LEAVES}` },
      to: { path: '^src/(main|services)[.]ts$' },
    },
    {
      name: 'no-cycle-between-layers',
      comment: 'A cycle that leaves its layer makes the layers one. Cycles inside one layer are its own business.',
      severity: 'error',
      from: { path: '^(src/[a-z0-9-]+|bots)/' },
      to: { circular: true, via: { pathNot: '^$1/' } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would slip past every rule above (a `.js` specifier must find its `.ts`).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` and type-only names count as dependencies (see above).
    tsPreCompilationDeps: true,
    // Resolves the ESM `./x.js` specifiers to the `./x.ts` files, as tsc does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
