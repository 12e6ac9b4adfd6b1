// The public API of the operator: custom resource types, their defaults, and the Service annotations.
export * from './annotations.js';
export * from './conditions.js';
export * from './constants.js';
export * from './defaults.js';
export * from './origin-request.js';
export * from './patterns.js';
export * from './quote.js';
export * from './service-annotations.js';
export * from './types.js';
