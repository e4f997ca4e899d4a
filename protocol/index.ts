export * from './api.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './frames.ts';
export * from './limits.ts';
export * from './profile.ts';
export * as schemas from './schemas.ts';
export * from './views.ts';
export * from './webhooks.ts';
