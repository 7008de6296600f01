/**
 * Electron security settings as plain data and predicates, so Node tests can
 * check them without the Electron binary.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'clinic';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function hardenedWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  } as const;
}

/**
 * The renderer's content security policy. 'wasm-unsafe-eval' is the one
 * relaxation: the password KDF (Argon2id) runs as WebAssembly. No inline or
 * evaluated scripts, no remote code; connections only to the county gateway.
 */
export function contentSecurityPolicy(countyGatewayUrl: string): string {
  const gateway = new URL(countyGatewayUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${gateway}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Whether a URL is one of the app's own pages. Compared by scheme and host, not
 * by `URL.origin`: Node's URL gives custom schemes the opaque origin "null".
 */
function isAppUrl(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
}

/** The app never navigates away from its own pages. */
export function isAllowedNavigation(url: string): boolean {
  try {
    return isAppUrl(new URL(url));
  } catch {
    return false;
  }
}

/** IPC is answered only for our own top-level page, never for a frame or another origin. */
export function isTrustedSender(senderUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && senderUrl !== undefined && isAllowedNavigation(senderUrl);
}

/** Maps app://clinic/<path> to a file under the renderer folder, refusing escapes. */
export function resolveAppAsset(url: string, rendererDir: string): string | null {
  const parsed = new URL(url);
  if (!isAppUrl(parsed)) return null;
  const path = decodeURIComponent(parsed.pathname);
  if (path.split('/').some((part) => part === '..')) return null;
  const relative = path === '/' || !/\.[a-z0-9]+$/i.test(path) ? '/index.html' : path;
  return `${rendererDir}${relative}`;
}
