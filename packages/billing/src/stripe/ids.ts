/** Stripe fields hold an id, or the object itself when expanded; billing only needs the id. */
export const idOf = (value: string | { id: string }): string => (typeof value === 'string' ? value : value.id);

/**
 * Ids we put in Stripe (client_reference_id, metadata.userId) come back from outside: only a
 * value shaped like our user ids (UUIDs) is looked up.
 */
export const isUserId = (value: string | null | undefined): value is string =>
  typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value);
