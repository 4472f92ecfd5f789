import { useEffect } from 'react';
import type { FieldError, FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { fieldIssues } from './describe-error';

/**
 * Puts a server refusal that names one of the form's fields (say, "password is too common") under
 * that field, as the browser-side checks do, and gives back what is left for the whole form: the
 * error itself when it names no field, else null.
 */
export function useServerFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
): unknown {
  const issues = fieldIssues(error).filter((issue): issue is { path: Path<T>; message: string } =>
    (fields as readonly string[]).includes(issue.path),
  );
  useEffect(() => {
    for (const { path, message } of fieldIssues(error)) {
      if ((fields as readonly string[]).includes(path)) setError(path as Path<T>, { type: 'server', message });
    }
  }, [error, fields, setError]);
  return error !== null && error !== undefined && issues.length === 0 ? error : null;
}

/** A field's problem, under it; the input points at it with aria-describedby and is aria-invalid. */
export function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  if (!error?.message) return null;
  return (
    <p id={id} className="field-error">
      {error.message}
    </p>
  );
}

/** The ids an input's aria-describedby names: its hint, and its error while it has one. */
export function describedBy(hintId: string | undefined, errorId: string, hasError: boolean): string | undefined {
  return [hintId, hasError && errorId].filter(Boolean).join(' ') || undefined;
}
