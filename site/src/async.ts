// Loading state for one request per page, re-run when its key changes.
import { useEffect, useState } from "preact/hooks";
import { ApiError, NetworkError } from "./api";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ready"; value: T }
  | { state: "failed"; message: string; status?: number };

export function useLoad<T>(load: () => Promise<T>, key: unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setResult({ state: "loading" });
    load().then(
      (value) => live && setResult({ state: "ready", value }),
      (error) =>
        live &&
        setResult({
          state: "failed",
          message: describeError(error),
          status: error instanceof ApiError ? error.status : undefined,
        }),
    );
    return () => {
      live = false;
    };
  }, [...key, attempt]);
  return [result, () => setAttempt((n) => n + 1)];
}

/** A sentence a shopper understands; never a stack trace or an internal URL. */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return "We could not reach the shop. Check your connection and try again.";
  if (error instanceof ApiError) {
    if (error.status === 401) return "Please sign in to continue.";
    if (error.status === 403) return "This page is only for shop staff.";
    if (error.status === 404) return "We could not find that.";
    if (error.status === 429) return "The shop is busy right now. Please try again in a moment.";
    if (error.status >= 500) return "Something went wrong on our side. Please try again.";
    return error.message;
  }
  return "Something went wrong. Please try again.";
}
