// Recipe: Apollo Client with `HttpLink({ fetch: session.fetch })` and a GraphQL `isUnauthorized` predicate (#16),
// against the real Apollo Client and the real auth server, whose /graphql answers 200 + UNAUTHENTICATED.
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  gql,
  HttpLink,
  InMemoryCache,
  type TypedDocumentNode,
} from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { RetryLink } from '@apollo/client/link/retry';
import { ExpiryproofError, SessionExpiredError, type SessionOptions } from '@expiryproof/core';
import { from, switchMap } from 'rxjs';
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
const SLOW: TypedDocumentNode<Viewer, { i?: number }> = gql`
  query Slow($i: Int) {
    viewer(i: $i) { email }
  }
`;
const SAVE: TypedDocumentNode<Viewer, { note: typeof PAYLOAD }> = gql`
  mutation Save($note: NoteInput!) {
    viewer(note: $note) { email }
  }
`;

const ctx = useServers();

/**
 * The recipe, as docs/recipes/apollo.md shows it, over a recording transport that hands the answers to `Slow`
 * operations back only after the refresh.
 */
function recipe(options: Partial<SessionOptions> = {}, origin = ctx.server.origin, links: ApolloLink[] = []) {
  const { session, sent, stragglers } = recordedSession(ctx.server, ctx.tokens, {
    isUnauthorized: isGraphQLUnauthenticated,
    ...options,
  });
  const http = new HttpLink({
    uri: (operation) => `${origin}/graphql${operation.operationName === 'Slow' ? '?hold=1' : ''}`,
    fetch: session.fetch,
  });
  const client = new ApolloClient({ link: ApolloLink.from([...links, http]), cache: new InMemoryCache() });
  return { session, client, sent, stragglers };
}

const viewer = (client: ApolloClient, i: number) =>
  client.query({ query: VIEWER, variables: { i }, fetchPolicy: 'no-cache' });

describe('Apollo Client with HttpLink({ fetch: session.fetch }) and isUnauthorized', () => {
  it(`${STORM} concurrent queries answered 200 + UNAUTHENTICATED: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => viewer(client, i));
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(outcome.values.map((r) => r.data?.viewer.email)).toEqual(Array(STORM).fill('demo@example.com'));
    expect(ctx.server.sent('/graphql')).toHaveLength(2 * STORM);
  });

  it('without the predicate nothing recovers: the 200 is an answer, Apollo reports UNAUTHENTICATED', async () => {
    const { client } = recipe({ isUnauthorized: undefined });
    ctx.server.expireAccessTokens();
    const error = await viewer(client, 0).catch((e: unknown) => e);
    expect(CombinedGraphQLErrors.is(error) && error.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('stragglers: UNAUTHENTICATED answers that arrive after the refresh finished are replayed, no second refresh', async () => {
    const { client, stragglers } = recipe();
    ctx.server.expireAccessTokens();
    const slow = storm(5, (i) => client.query({ query: SLOW, variables: { i }, fetchPolicy: 'no-cache' }));
    const fast = await storm(20, (i) => viewer(client, i));
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
    const result = await client.mutate({ mutation: SAVE, variables: { note: PAYLOAD } });
    expect(result.data?.viewer.email).toBe('demo@example.com');
    const attempts = sent.filter((s) => s.body?.includes('"operationName":"Save"'));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(JSON.parse(attempts[0]!.body!).variables).toEqual({ note: PAYLOAD });
    expect(attempts[1]!.authorization).not.toBe(attempts[0]!.authorization);
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the token never goes to another origin, and an UNAUTHENTICATED from there refreshes nothing', async () => {
    const { client } = recipe({}, ctx.other.origin);
    ctx.server.expireAccessTokens();
    const error = await viewer(client, 0).catch((e: unknown) => e);
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect(ctx.other.log).toHaveLength(1);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('Apollo does not retry by default: a replay refused again costs 2 requests, then the session error surfaces', async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const refused = await viewer(client, 0).catch((e: unknown) => e);
    expect(CombinedGraphQLErrors.is(refused)).toBe(true);
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    const next = await viewer(client, 1).catch((e: unknown) => e);
    expect(SessionExpiredError.is(next)).toBe(true);
    expect(ctx.server.sent('/graphql')).toHaveLength(3);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('a RetryLink retries the session’s errors unless told not to: retryIf must skip ExpiryproofError', async () => {
    const delay = { initial: 1, jitter: false };
    const naive = recipe({}, ctx.server.origin, [new RetryLink({ delay })]);
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    await viewer(naive.client, 0).catch(() => undefined); // the session ends here
    const before = ctx.server.sent('/graphql').length;
    expect(SessionExpiredError.is(await viewer(naive.client, 1).catch((e: unknown) => e))).toBe(true);
    const withDefaultRetryIf = ctx.server.sent('/graphql').length - before;

    const tuned = recipe({}, ctx.server.origin, [
      new RetryLink({ delay, attempts: { retryIf: (error) => !ExpiryproofError.is(error) } }),
    ]);
    await viewer(tuned.client, 0).catch(() => undefined); // and this one too (its refresh token was spent above)
    const mark = ctx.server.sent('/graphql').length;
    expect(SessionExpiredError.is(await viewer(tuned.client, 1).catch((e: unknown) => e))).toBe(true);
    const withRetryIf = ctx.server.sent('/graphql').length - mark;
    figures('apollo RetryLink after expiry', { withDefaultRetryIf, withRetryIf });
    expect(withDefaultRetryIf).toBe(5); // RetryLink's default: 5 attempts, every error
    expect(withRetryIf).toBe(1);
  });

  it('negative control: ErrorLink → refresh → forward(operation) fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    const auth = new SetContextLink((prev) => ({
      headers: { ...prev.headers, authorization: `Bearer ${hand.state.access}` },
    }));
    // The pattern from Apollo's docs and issues: on UNAUTHENTICATED, refresh, then resend the operation.
    const onError = new ErrorLink(({ error, operation, forward }) => {
      if (!CombinedGraphQLErrors.is(error)) return;
      if (!error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return;
      return from(hand.refresh()).pipe(switchMap(() => forward(operation)));
    });
    const client = new ApolloClient({
      link: ApolloLink.from([onError, auth, new HttpLink({ uri: `${ctx.server.origin}/graphql` })]),
      cache: new InMemoryCache(),
    });
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => viewer(client, i));
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('apollo negative', {
      refreshCalls,
      reuseDetected,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(refreshCalls).toBeGreaterThan(1);
    expect(outcome.errors.length).toBeGreaterThan(0);
  });
});
