/**
 * The end of every exhaustive switch (STYLE.md): TypeScript proves the argument is `never`; if a value
 * still arrives at run time, that is a bug, reported with the value.
 */
export function missingCase(value: never): Error {
  return new Error(`unhandled case: ${JSON.stringify(value)}`);
}
