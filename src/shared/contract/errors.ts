/** Error codes every transport maps to the same meaning (and, over HTTP, to a status). */
export const errorCodes = {
  invalid_argument: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_schema: 422,
  bad_input: 422,
  cancelled: 499,
  internal: 500,
  /** The disk holding the project is full (or failing): free space and save again. */
  insufficient_storage: 507
} as const

export type ErrorCode = keyof typeof errorCodes

/** One validation problem: where in the argument object, and what is wrong there. */
export interface ArgIssue {
  path: string
  message: string
}

/** The serialisable shape of an API error, identical over IPC and HTTP. */
export interface ApiErrorBody {
  code: ErrorCode
  message: string
  issues?: ArgIssue[]
}

/** Thrown by services and by the client when a call fails; carries a typed code. */
export class ApiError extends Error implements ApiErrorBody {
  readonly code: ErrorCode
  readonly issues?: ArgIssue[]
  constructor(code: ErrorCode, message: string, issues?: ArgIssue[]) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    if (issues) this.issues = issues
  }
  toBody(): ApiErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message }
  }
  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues)
  }
}

export function isApiErrorBody(x: unknown): x is ApiErrorBody {
  return typeof x === 'object' && x !== null && typeof (x as ApiErrorBody).code === 'string' && typeof (x as ApiErrorBody).message === 'string'
}
