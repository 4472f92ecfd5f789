export * from './billing';
export * from './users';
