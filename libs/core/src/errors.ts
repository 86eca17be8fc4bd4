/**
 * Every failure fsnas reports on purpose is an FsnasError: the CLI prints its message on one line and
 * exits non-zero, and callers can branch on `code` instead of parsing text.
 */
export class FsnasError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not follow the documented format (arch strings, masks, CLI arguments, JSON files). */
export class InvalidInputError extends FsnasError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** A data file that exists but cannot be read as what it claims to be. Names the file and the place. */
export class CorruptDataError extends FsnasError {
  constructor(
    readonly file: string,
    readonly where: string,
    detail: string,
  ) {
    super('CORRUPT_DATA', `${file}${where ? `:${where}` : ''}: ${detail}`);
  }
}
