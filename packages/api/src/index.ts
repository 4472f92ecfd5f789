export { createContext } from './context';
export { type HousekeepingReport, runHousekeeping } from './housekeeping';
export { type AppRouter, appRouter } from './root';
