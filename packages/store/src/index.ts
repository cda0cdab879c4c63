export * from './clients.js';
export * from './table.js';
export * from './types.js';
