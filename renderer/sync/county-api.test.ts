import { describe, expect, it } from 'vitest';
import { CountyApi, CountyError } from './county-api';

/** A gateway stand-in that answers the token route and refuses the first `stale` pulls as superseded. */
function gatewayWithStaleTokens(stale: number) {
  let tokens = 0;
  let refusals = 0;
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    if (url.endsWith('/v1/token')) {
      tokens++;
      return Response.json({ token: `t${tokens}`, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    }
    if (refusals < stale) {
      refusals++;
      return Response.json(
        { error: 'token-superseded', message: 'a newer token was issued for this device' },
        { status: 401 },
      );
    }
    return Response.json({ documents: [], checkpoint: { seq: 0 }, more: false, remaining: 0 });
  }) as typeof globalThis.fetch;
  const api = new CountyApi({
    baseUrl: 'http://county.test',
    credential: { deviceId: 'd1', deviceSecret: 's1' },
    userId: 'u1',
    fetch,
  });
  return { api, tokens: () => tokens };
}

describe('the county client and stale tokens', () => {
  it('renews a superseded token and sends the request once more, without failing it', async () => {
    const county = gatewayWithStaleTokens(1);
    await expect(county.api.pull('patients', 0, 10)).resolves.toMatchObject({ more: false });
    expect(county.tokens()).toBe(2);
  });

  it('fails a request refused twice (two clients taking turns), with the county’s code', async () => {
    const county = gatewayWithStaleTokens(2);
    const failure = await county.api.pull('patients', 0, 10).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CountyError);
    expect((failure as CountyError).code).toBe('token-superseded');
  });
});
