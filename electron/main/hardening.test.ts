import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  hardenedWebPreferences,
  isAllowedNavigation,
  resolveAppAsset,
} from './hardening';

describe('Electron hardening', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(hardenedWebPreferences('/app/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('allows no inline or evaluated script and connects only to the county gateway', () => {
    const csp = contentSecurityPolicy('https://gateway.county.example:8443/api');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("connect-src 'self' https://gateway.county.example:8443");
    expect(csp).toContain("object-src 'none'");
  });

  it('navigates only within the app', () => {
    expect(isAllowedNavigation('app://clinic/patients')).toBe(true);
    expect(isAllowedNavigation('https://clinic/')).toBe(false);
    expect(isAllowedNavigation('app://other/')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });

  it('serves only files inside the renderer folder', () => {
    expect(resolveAppAsset('app://clinic/assets/index.js', '/r')).toBe('/r/assets/index.js');
    expect(resolveAppAsset('app://clinic/', '/r')).toBe('/r/index.html');
    expect(resolveAppAsset('app://clinic/patients', '/r')).toBe('/r/index.html');
    // Dot segments are collapsed by the URL parser itself, so they stay inside the folder…
    expect(resolveAppAsset('app://clinic/%2e%2e/%2e%2e/etc/passwd.txt', '/r')).toBe('/r/etc/passwd.txt');
    // …and encoded slashes that would decode into an escape are refused.
    expect(resolveAppAsset('app://clinic/a/..%2f..%2fetc/passwd.txt', '/r')).toBeNull();
    expect(resolveAppAsset('app://evil/index.html', '/r')).toBeNull();
  });
});
