// Recipe: urql with `fetch: session.fetch` and a GraphQL `isUnauthorized` predicate (#16), against the real
// @urql/core Client and the real auth server, whose /graphql answers 200 + UNAUTHENTICATED.
import { SessionExpiredError, type SessionOptions } from '@expiryproof/core';
import {
  type AnyVariables,
  Client,
  cacheExchange,
  fetchExchange,
  gql,
  mapExchange,
  type OperationResult,
  type TypedDocumentNode,
} from '@urql/core';
import { describe, expect, it } from 'vitest';
import {
  authorizationsAt,
  expectOneRefreshAllSucceed,
  figures,
  handWrittenTokens,
  isGraphQLUnauthenticated,
  PAYLOAD,
  recordedSession,
  STORM,
  storm,
  useServers,
} from './harness.js';

type Viewer = { viewer: { email: string } };
const VIEWER: TypedDocumentNode<Viewer, { i?: number }> = gql`
  query Viewer($i: Int) {
    viewer(i: $i) { email }
  }
`;
const SAVE: TypedDocumentNode<Viewer, { note: typeof PAYLOAD }> = gql`
  mutation Save($note: NoteInput!) {
    viewer(note: $note) { email }
  }
`;

const ctx = useServers();

/** The recipe, as docs/recipes/urql.md shows it, over a recording transport (see `recordedSession`). */
function recipe(options: Partial<SessionOptions> = {}, origin = ctx.server.origin) {
  const { session, sent, stragglers } = recordedSession(ctx.server, ctx.tokens, {
    isUnauthorized: isGraphQLUnauthenticated,
    ...options,
  });
  const client = new Client({
    url: `${origin}/graphql`,
    exchanges: [cacheExchange, fetchExchange],
    fetch: session.fetch,
  });
  return { session, client, sent, stragglers };
}

/** urql reports errors in the result; a call counts as a success when it has data and no error. */
async function ok<D, V extends AnyVariables>(result: Promise<OperationResult<D, V>>): Promise<D> {
  const { data, error } = await result;
  if (error || data === undefined) throw error ?? new Error('no data');
  return data;
}

const viewer = (client: Client, i: number, url?: string) =>
  client.query(VIEWER, { i }, { requestPolicy: 'network-only', ...(url ? { url } : {}) }).toPromise();

describe('urql with fetch: session.fetch and isUnauthorized', () => {
  it(`${STORM} concurrent queries answered 200 + UNAUTHENTICATED: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => ok(viewer(client, i)));
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(outcome.values.map((d) => d.viewer.email)).toEqual(Array(STORM).fill('demo@example.com'));
    // urql sends queries as GET by default (preferGetMethod: 'within-url-limit'): replayed all the same.
    expect(ctx.server.sent('/graphql').map((s) => s.method)).toEqual(Array(2 * STORM).fill('GET'));
  });

  it('without the predicate nothing recovers: urql reports UNAUTHENTICATED in result.error', async () => {
    const { client } = recipe({ isUnauthorized: undefined });
    ctx.server.expireAccessTokens();
    const { error } = await viewer(client, 0);
    expect(error?.graphQLErrors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('stragglers: UNAUTHENTICATED answers that arrive after the refresh finished are replayed, no second refresh', async () => {
    const { client, stragglers } = recipe();
    ctx.server.expireAccessTokens();
    const slow = storm(5, (i) => ok(viewer(client, 100 + i, `${ctx.server.origin}/graphql?hold=1`)));
    const fast = await storm(20, (i) => ok(viewer(client, i)));
    expect(fast.errors).toEqual([]);
    const late = await slow;
    expect(late.errors).toEqual([]);
    expect(late.values).toHaveLength(5);
    expect(stragglers(ctx.tokens.accessToken)).toEqual({ sent: 5, late: 5 });
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });

  it('a mutation’s POST body is replayed intact after UNAUTHENTICATED', async () => {
    const { client, sent } = recipe();
    ctx.server.expireAccessTokens();
    const data = await ok(client.mutation(SAVE, { note: PAYLOAD }).toPromise());
    expect(data.viewer.email).toBe('demo@example.com');
    const attempts = sent.filter((s) => s.body?.includes('"operationName":"Save"'));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(JSON.parse(attempts[0]!.body!).variables).toEqual({ note: PAYLOAD });
    expect(attempts[1]!.authorization).not.toBe(attempts[0]!.authorization);
    expect(ctx.server.sent('/graphql').map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the token never goes to another origin, and an UNAUTHENTICATED from there refreshes nothing', async () => {
    const { client } = recipe({}, ctx.other.origin);
    ctx.server.expireAccessTokens();
    const { error } = await viewer(client, 0);
    expect(error?.graphQLErrors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(ctx.other.log).toHaveLength(1);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('urql does not retry by default: a replay refused again costs 2 requests, then the session error surfaces', async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const refused = await viewer(client, 0);
    expect(refused.error?.graphQLErrors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    const next = await viewer(client, 1);
    expect(SessionExpiredError.is(next.error?.networkError)).toBe(true);
    expect(ctx.server.sent('/graphql')).toHaveLength(3);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('negative control: mapExchange onError → refresh → reexecuteOperation fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    const client: Client = new Client({
      url: `${ctx.server.origin}/graphql`,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${hand.state.access}` } }),
      exchanges: [
        cacheExchange,
        mapExchange({
          onError(error, operation) {
            if (error.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED')) {
              hand.refresh().then(
                () => client.reexecuteOperation(operation),
                () => undefined,
              );
            }
          },
        }),
        fetchExchange,
      ],
    });
    // Give the pattern its best chance: wait (up to 1 s) for a result after the re-execution, not the first one.
    const settled = (i: number) =>
      new Promise<Viewer>((resolve, reject) => {
        const timer = setTimeout(() => {
          subscription.unsubscribe();
          reject(new Error('no authenticated result'));
        }, 1_000);
        const subscription = client
          .query(VIEWER, { i }, { requestPolicy: 'network-only' })
          .subscribe((result) => {
            if (result.data && !result.error) {
              clearTimeout(timer);
              subscription.unsubscribe();
              resolve(result.data);
            }
          });
      });
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, settled);
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('urql negative', {
      refreshCalls,
      reuseDetected,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(refreshCalls).toBeGreaterThan(1);
    expect(outcome.errors.length).toBeGreaterThan(0);
  });
});
