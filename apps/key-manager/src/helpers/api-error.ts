/** An error of the internal API, answered as WSO2's `{ code, message, description }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly description: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(description: string): ApiError {
    return new ApiError(400, 'Bad Request', description);
  }

  static notFound(description: string): ApiError {
    return new ApiError(404, 'Not Found', description);
  }

  static conflict(description: string): ApiError {
    return new ApiError(409, 'Conflict', description);
  }

  toBody() {
    return { code: this.status, message: this.message, description: this.description };
  }
}
