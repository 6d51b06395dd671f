/** Base class for every error Walkout raises on purpose; domains subclass it so callers can branch on type. */
export class WalkoutError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that failed schema validation; `issues` lists every problem as `path: message`. */
export class ValidationError extends WalkoutError {
  constructor(
    readonly subject: string,
    readonly issues: string[],
  ) {
    super(`${subject} is invalid:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
}

export class ConfigError extends ValidationError {}
