/**
 * How core reaches the Sandbox CA without importing it (core never imports src-main/sandbox): a front
 * door's composition root passes an implementation that serves the data folder's sandbox in process on
 * 127.0.0.1:0, or uses the one another front door on the same folder already serves (one Sandbox per
 * data folder: src-main/sandbox/launcher.ts sharedSandbox), or points at one already running
 * (`CERTDESK_SANDBOX_URL`).
 */
export interface SandboxEndpoint {
  /** e.g. http://127.0.0.1:43123 ; the API is under /products/. */
  baseUrl: string
  /** The sandbox's root certificate: the only trust anchor for certificates of sandbox accounts. */
  rootPem: string
}

/**
 * What a human does at a real CA, done to a sandbox order (the demo's way to pass DCV without a public
 * web server or DNS). Implemented over the sandbox's control API.
 */
export interface SandboxControlPort {
  /** Marks one name (or every name) of the order as validated. */
  approveDcv(orderNumber: string, domain?: string): Promise<void>
  /** Completes every pending OV/EV step (organisation validation, callback, click-through). */
  completeValidation(orderNumber: string): Promise<void>
  /** The CA refuses the order. */
  reject(orderNumber: string, reason?: string): Promise<void>
}

export interface SandboxLauncher {
  /**
   * Starts the sandbox if needed, or finds the one serving this data folder; idempotent and safe to
   * call concurrently. Called before every use, so a front door notices the serving one has gone.
   */
  ensureRunning(): Promise<SandboxEndpoint>
  control(): Promise<SandboxControlPort>
  /** Stops a sandbox this process serves (one served elsewhere is left alone). */
  close(): Promise<void>
}

/** The sandbox demo account (published credentials; still stored in the keychain like any password). */
export const SANDBOX_DEMO_LOGIN = 'sandbox'
export const SANDBOX_DEMO_PASSWORD = 'sandbox'
