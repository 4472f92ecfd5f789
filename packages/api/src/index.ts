export { createContext } from './context';
export { type AppRouter, appRouter, createCaller } from './root';
