/** An API whose configuration cannot be served: it is not deployed, and the reason is logged. */
export class DeploymentError extends Error {
  override name = 'DeploymentError';
}
