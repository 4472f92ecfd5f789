const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header, or null (absent, another scheme, empty). */
export function bearerToken(authorization: string | undefined): string | null {
  return (authorization && BEARER.exec(authorization)?.[1]) || null;
}
