/**
 * Origins a redirect (or a cross-origin call) may come from or go to. Each entry is an exact origin
 * (`https://app.example.com`) or one whose port is `*` (`http://localhost:*`): a local development
 * server's port is chosen when it starts (Vite takes 5174 when 5173 is busy), after the API has read
 * its configuration.
 */
export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    if (!entry.endsWith(':*')) return entry === origin;
    const withoutPort = entry.slice(0, -':*'.length);
    return (
      origin === withoutPort ||
      (origin.startsWith(`${withoutPort}:`) && /^\d+$/.test(origin.slice(withoutPort.length + 1)))
    );
  });
}
