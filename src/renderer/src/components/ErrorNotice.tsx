/**
 * Presentational: a typed error as people read it (role="alert"): one sentence that says what happened and
 * what to do (`describeError`). The stable code and main's own message go to the log and sit behind a
 * "Details" disclosure for whoever helps the user; they are never part of the sentence. A lost network is a
 * calm status line (role="status"), not an alert: the app retries by itself.
 */
import { useEffect } from 'react';
import { describeError, isNetworkError, type UiError } from '../model/uiError';

export function ErrorNotice({ error, testId = 'error' }: { error: UiError | null; testId?: string }) {
  useEffect(() => {
    if (error !== null) console.warn(`ui error ${error.code}: ${error.message}`);
  }, [error]);
  if (error === null) return null;
  const sentence = describeError(error);
  const calm = isNetworkError(error);
  return (
    <div role={calm ? 'status' : 'alert'} className={calm ? 'status-line' : 'error-notice'} data-testid={testId} data-code={error.code}>
      <p className="error-sentence">{sentence}</p>
      <details className="error-details">
        <summary>Details</summary>
        <p>
          Code <code>{error.code}</code>
          {error.message !== '' && error.message !== sentence ? <>: {error.message}</> : null}
        </p>
      </details>
    </div>
  );
}
