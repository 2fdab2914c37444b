/** The whole-tree admin token the measured server and app are started with (LINLI_ADMIN_TOKEN). */
export const ADMIN_TOKEN = 'scale-bench-admin-token-0123456789abcdef';
