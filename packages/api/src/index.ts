export { createContext } from './context';
export { REPORT_EXPORT_FEATURE, reportsRestRoutes } from './example/reports-router';
export { type HousekeepingReport, runHousekeeping } from './housekeeping';
export { type AppRouter, appRouter } from './root';
