/**
 * Turns an untrusted {method, args} from either transport into a call on the
 * host's services. Unknown methods and malformed arguments are refused with a
 * specific code before any service runs.
 */
import { BRIDGE_METHODS, type BridgeMethod, type ClinicBridge } from './contract';

export class BridgeError extends Error {
  constructor(
    readonly code: 'unknown-method' | 'bad-arguments' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

function isBridgeMethod(method: string): method is BridgeMethod {
  return Object.hasOwn(BRIDGE_METHODS, method);
}

export type BridgeRouter = (method: string, args: unknown) => Promise<unknown>;

export function createBridgeRouter(services: ClinicBridge): BridgeRouter {
  return async (method, args) => {
    if (typeof method !== 'string' || !isBridgeMethod(method)) {
      throw new BridgeError('unknown-method', `no bridge method named ${String(method)}`);
    }
    const parsed = BRIDGE_METHODS[method].safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BridgeError(
        'bad-arguments',
        `${method}: argument ${issue?.path.join('.') || ''} ${issue?.message ?? 'is invalid'}`.trim(),
      );
    }
    const [group, name] = method.split('.') as [keyof ClinicBridge, string];
    const target = services[group] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const fn = target[name];
    if (!fn) throw new BridgeError('unknown-method', `${method} is not implemented by this host`);
    return fn.apply(target, parsed.data as unknown[]);
  };
}

/** Error body sent back over either transport; never leaks a stack. */
export function toWireError(error: unknown): { code: string; message: string } {
  if (error instanceof BridgeError) return { code: error.code, message: error.message };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
