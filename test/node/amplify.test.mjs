// aws-amplify v6 (the unchanged npm package, in Node, no browser) against
// gognito: sign-up with the code from the outbox, SRP sign-in, token refresh
// through GetTokensFromRefreshToken with refresh-token rotation off and on,
// attribute updates and global sign-out; every token is verified with jose
// against the JWKS the server publishes.
//
// Run by internal/app's TestNodeAmplify (part of `make test`), which starts a
// server, prepares the pool and two public app clients, and passes:
//
//   GOGNITO_ENDPOINT            the API listener, http://127.0.0.1:PORT (Amplify's
//                               userPoolEndpoint)
//   GOGNITO_REGION              us-east-1
//   GOGNITO_POOL_ID             a pool that verifies email (AutoVerifiedAttributes)
//   GOGNITO_CLIENT_ID           a client with RefreshTokenRotation DISABLED
//   GOGNITO_ROTATING_CLIENT_ID  a client with RefreshTokenRotation ENABLED
//   GOGNITO_GRACE_SECONDS       the rotating client's RetryGracePeriodSeconds
//   GOGNITO_ISSUER              the tokens' iss: <endpoint>/<poolId>
//   GOGNITO_CLOCK               a loopback test endpoint of the Go harness:
//                               POST <clock>/advance?seconds=N moves the server's
//                               clock N seconds ahead (no sleeping for the grace)
//
// Amplify keeps its tokens in the key-value storage given to
// cognitoUserPoolsTokenProvider.setKeyValueStorage; the tests give it one of
// their own, to see the refresh token it holds.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { Amplify } from 'aws-amplify';
import {
	confirmSignUp,
	confirmUserAttribute,
	fetchAuthSession,
	fetchUserAttributes,
	getCurrentUser,
	signIn,
	signOut,
	signUp,
	updateUserAttributes,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import {
	CognitoIdentityProviderClient,
	GetTokensFromRefreshTokenCommand,
	GetUserCommand,
	InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { checkTokens, describeError, env, outboxCode, rejection, short } from './common.mjs';

const cfg = env(
	[
		'GOGNITO_ENDPOINT',
		'GOGNITO_REGION',
		'GOGNITO_POOL_ID',
		'GOGNITO_CLIENT_ID',
		'GOGNITO_ROTATING_CLIENT_ID',
		'GOGNITO_GRACE_SECONDS',
		'GOGNITO_ISSUER',
		'GOGNITO_CLOCK',
	],
	'amplify.test.mjs'
);

function config() {
	if (cfg.error) {
		throw new Error(cfg.error);
	}
	return {
		endpoint: cfg.GOGNITO_ENDPOINT.replace(/\/+$/, ''),
		region: cfg.GOGNITO_REGION,
		poolId: cfg.GOGNITO_POOL_ID,
		fixedClient: cfg.GOGNITO_CLIENT_ID,
		rotatingClient: cfg.GOGNITO_ROTATING_CLIENT_ID,
		grace: Number(cfg.GOGNITO_GRACE_SECONDS),
		issuer: cfg.GOGNITO_ISSUER,
		clock: cfg.GOGNITO_CLOCK,
	};
}

// The user every test signs in as (made by the first test).
const username = 'amy';
const password = `Am-${randomBytes(8).toString('hex')}-Aa1!`;

// ---------------------------------------------------------------------------
// Amplify's storage, and Amplify configured for one app client

// MemoryStorage is a KeyValueStorageInterface the tests can look into.
class MemoryStorage {
	items = new Map();
	async setItem(key, value) {
		this.items.set(key, value);
	}
	async getItem(key) {
		return this.items.has(key) ? this.items.get(key) : null;
	}
	async removeItem(key) {
		this.items.delete(key);
	}
	async clear() {
		this.items.clear();
	}
	// refreshToken is the refresh token Amplify keeps for a client and user
	// (key CognitoIdentityServiceProvider.<clientId>.<username>.refreshToken).
	refreshToken(clientId) {
		const found = [...this.items].filter(([k]) => k.startsWith(`CognitoIdentityServiceProvider.${clientId}.`) && k.endsWith('.refreshToken'));
		assert.ok(found.length <= 1, `Amplify keeps ${found.length} refresh tokens for ${clientId}`);
		return found[0]?.[1] ?? null;
	}
	refreshTokenKey(clientId) {
		return `CognitoIdentityServiceProvider.${clientId}.${username}.refreshToken`;
	}
}

const storage = new MemoryStorage();

// useClient forgets any session (as a new app would start) and configures
// Amplify for an app client, with the server as its user pool endpoint.
async function useClient(clientId) {
	const { poolId, endpoint } = config();
	await storage.clear();
	Amplify.configure({
		Auth: {
			Cognito: {
				userPoolId: poolId,
				userPoolClientId: clientId,
				userPoolEndpoint: endpoint,
				loginWith: { username: true, email: false },
			},
		},
	});
	// After configure, which gives the token provider its default storage.
	cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
}

// srpSignIn signs the user in with USER_SRP_AUTH and returns the session.
async function srpSignIn(clientId) {
	await useClient(clientId);
	const out = await signIn({ username, password, options: { authFlowType: 'USER_SRP_AUTH' } });
	assert.equal(out.isSignedIn, true, `signIn: isSignedIn is ${out.isSignedIn} (next step ${out.nextStep?.signInStep})`);
	assert.equal(out.nextStep?.signInStep, 'DONE', 'signIn nextStep');
	return session(clientId, false);
}

// session runs fetchAuthSession and checks its tokens; it returns them and
// the refresh token Amplify now holds.
async function session(clientId, forceRefresh) {
	const { issuer } = config();
	let s;
	try {
		s = await fetchAuthSession({ forceRefresh });
	} catch (err) {
		throw new Error(`fetchAuthSession({ forceRefresh: ${forceRefresh} }): ${describeError(err)}`, { cause: err });
	}
	assert.ok(s.tokens?.accessToken && s.tokens?.idToken, `fetchAuthSession({ forceRefresh: ${forceRefresh} }) gave no tokens`);
	const idToken = s.tokens.idToken.toString();
	const accessToken = s.tokens.accessToken.toString();
	const claims = await checkTokens(issuer, clientId, username, idToken, accessToken);
	const refreshToken = storage.refreshToken(clientId);
	assert.ok(typeof refreshToken === 'string' && refreshToken.length > 0, 'Amplify holds no refresh token');
	return { idToken, accessToken, refreshToken, ...claims };
}

// ---------------------------------------------------------------------------
// The same calls through the AWS SDK, to check what Amplify cannot show

let sdk;
function sdkClient() {
	const { region, endpoint } = config();
	sdk ??= new CognitoIdentityProviderClient({ region, endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
	return sdk;
}

function getTokens(clientId, refreshToken) {
	return sdkClient().send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }));
}

// refused checks that err is a Cognito error of the type named (HTTP 400).
function refused(err, what, name = 'NotAuthorizedException') {
	assert.equal(err.name, name, `${what}: ${describeError(err)}`);
	assert.equal(err.$metadata?.httpStatusCode, 400, `${what}: HTTP status`);
}

// advanceClock moves the server's clock (never the tests' own).
async function advanceClock(seconds) {
	const res = await fetch(`${config().clock}/advance?seconds=${seconds}`, { method: 'POST' });
	assert.equal(res.status, 200, `moving the server's clock: HTTP ${res.status}`);
}

// ---------------------------------------------------------------------------
// Tests

test('signUp → the code from the outbox → confirmSignUp', { timeout: 20_000 }, async () => {
	const { endpoint, poolId, fixedClient } = config();
	await useClient(fixedClient);
	const up = await signUp({ username, password, options: { userAttributes: { email: 'amy@example.com' } } });
	assert.equal(up.isSignUpComplete, false, 'signUp: isSignUpComplete');
	assert.equal(up.nextStep?.signUpStep, 'CONFIRM_SIGN_UP', 'signUp nextStep');
	assert.equal(up.nextStep.codeDeliveryDetails?.deliveryMedium, 'EMAIL', 'signUp codeDeliveryDetails.deliveryMedium');
	assert.equal(up.nextStep.codeDeliveryDetails?.attributeName, 'email', 'signUp codeDeliveryDetails.attributeName');
	assert.match(String(up.userId), /^[0-9a-f-]{36}$/, 'signUp userId is the sub');

	const code = await outboxCode(endpoint, poolId, username, 'SignUp');
	const wrong = await rejection('confirmSignUp with a wrong code', confirmSignUp({ username, confirmationCode: code === '000000' ? '111111' : '000000' }));
	assert.equal(wrong.name, 'CodeMismatchException', `a wrong code: ${describeError(wrong)}`);
	const done = await confirmSignUp({ username, confirmationCode: code });
	assert.equal(done.isSignUpComplete, true, 'confirmSignUp: isSignUpComplete');
	assert.equal(done.nextStep?.signUpStep, 'DONE', 'confirmSignUp nextStep');
});

test('signIn (USER_SRP_AUTH): tokens verify against the JWKS; a wrong password is refused', { timeout: 20_000 }, async () => {
	const { fixedClient } = config();
	await useClient(fixedClient);
	const bad = await rejection('signIn with a wrong password', signIn({ username, password: `${password}-wrong`, options: { authFlowType: 'USER_SRP_AUTH' } }));
	assert.equal(bad.name, 'NotAuthorizedException', `a wrong password: ${describeError(bad)}`);

	const s = await srpSignIn(fixedClient);
	assert.equal(typeof s.access.origin_jti, 'string', 'the access token has no origin_jti');
	assert.equal(s.id.email, 'amy@example.com', 'ID token email');
	assert.equal(s.id.email_verified, true, 'ID token email_verified');
	const me = await getCurrentUser();
	assert.equal(me.username, username, 'getCurrentUser username');
	assert.equal(me.userId, s.id.sub, 'getCurrentUser userId');
	await signOut();
});

test('rotation DISABLED: fetchAuthSession({ forceRefresh: true }) twice: new access and ID tokens, the same refresh token', { timeout: 20_000 }, async () => {
	const { fixedClient } = config();
	const s0 = await srpSignIn(fixedClient);
	const s1 = await session(fixedClient, true);
	const s2 = await session(fixedClient, true);
	for (const [n, s] of [[1, s1], [2, s2]]) {
		assert.equal(s.refreshToken, s0.refreshToken, `refresh ${n} changed the refresh token (${short(s.refreshToken)}) with rotation off`);
		assert.equal(s.access.origin_jti, s0.access.origin_jti, `refresh ${n} changed origin_jti`);
		assert.equal(s.access.auth_time, s0.access.auth_time, `refresh ${n} changed auth_time`);
	}
	assert.notEqual(s1.accessToken, s0.accessToken, 'refresh 1 gave the same access token');
	assert.notEqual(s2.accessToken, s1.accessToken, 'refresh 2 gave the same access token');
	assert.notEqual(s2.access.jti, s1.access.jti, 'refresh 2 gave the same jti');

	// GetTokensFromRefreshToken itself: no RefreshToken in the answer.
	const again = await getTokens(fixedClient, s0.refreshToken);
	assert.ok(again.AuthenticationResult?.AccessToken, 'GetTokensFromRefreshToken gave no access token');
	assert.equal(again.AuthenticationResult.RefreshToken, undefined, 'GetTokensFromRefreshToken returned a refresh token with rotation off');
	await signOut();
});

test('rotation ENABLED: each refresh rotates the refresh token; the old one works within the grace period and is refused after it', { timeout: 20_000 }, async () => {
	const { rotatingClient, grace } = config();
	assert.ok(grace > 0, 'the rotating client needs a grace period');
	const s0 = await srpSignIn(rotatingClient);
	const s1 = await session(rotatingClient, true);
	const s2 = await session(rotatingClient, true);
	assert.notEqual(s1.refreshToken, s0.refreshToken, 'refresh 1 kept the refresh token with rotation on');
	assert.notEqual(s2.refreshToken, s1.refreshToken, 'refresh 2 kept the refresh token with rotation on');
	assert.notEqual(s2.refreshToken, s0.refreshToken, 'refresh 2 gave back the first refresh token');
	assert.notEqual(s2.accessToken, s1.accessToken, 'refresh 2 gave the same access token');
	assert.equal(s2.id.sub, s0.id.sub, 'the rotated tokens name the same user');

	// Within the grace period the refresh token just rotated out still
	// works (a client's retry).
	const retry = await getTokens(rotatingClient, s1.refreshToken);
	assert.ok(retry.AuthenticationResult?.AccessToken, 'a retry within the grace period gave no access token');
	await checkTokens(config().issuer, rotatingClient, username, retry.AuthenticationResult.IdToken, retry.AuthenticationResult.AccessToken);

	// After it, the rotated-out tokens are refused, with Cognito's
	// RefreshTokenReuseException, and the current one works.
	await advanceClock(grace + 1);
	for (const [n, old] of [[0, s0.refreshToken], [1, s1.refreshToken]]) {
		refused(await rejection(`GetTokensFromRefreshToken with rotated-out refresh token ${n} after the grace period`, getTokens(rotatingClient, old)),
			`rotated-out refresh token ${n} after the grace period`, 'RefreshTokenReuseException');
	}
	const s3 = await session(rotatingClient, true);
	assert.notEqual(s3.refreshToken, s2.refreshToken, 'refresh 3 kept the refresh token with rotation on');
	assert.notEqual(s3.accessToken, s2.accessToken, 'refresh 3 gave the same access token');

	// An app that still holds a rotated-out refresh token loses its session:
	// Amplify gets RefreshTokenReuseException and forgets its tokens.
	assert.equal(storage.refreshToken(rotatingClient), s3.refreshToken, 'Amplify keeps its refresh token under another key');
	await storage.setItem(storage.refreshTokenKey(rotatingClient), s1.refreshToken);
	const stale = await rejection('fetchAuthSession({ forceRefresh: true }) with a rotated-out refresh token', fetchAuthSession({ forceRefresh: true }));
	assert.equal(stale.name, 'RefreshTokenReuseException', `fetchAuthSession with a rotated-out refresh token: ${describeError(stale)}`);
	assert.equal((await fetchAuthSession()).tokens, undefined, 'Amplify still holds tokens after RefreshTokenReuseException');
	assert.equal(storage.refreshToken(rotatingClient), null, 'Amplify still holds the rotated-out refresh token');
});

test('updateUserAttributes: a plain attribute is DONE, a new email waits for the code from the outbox', { timeout: 20_000 }, async () => {
	const { endpoint, poolId, fixedClient } = config();
	await srpSignIn(fixedClient);
	const out = await updateUserAttributes({ userAttributes: { given_name: 'Amy', email: 'amy.new@example.com' } });
	assert.equal(out.given_name?.isUpdated, true, 'given_name isUpdated');
	assert.equal(out.given_name?.nextStep?.updateAttributeStep, 'DONE', 'given_name nextStep');
	assert.equal(out.email?.isUpdated, false, 'email isUpdated (it waits for a code)');
	assert.equal(out.email?.nextStep?.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE', 'email nextStep');
	assert.equal(out.email.nextStep.codeDeliveryDetails?.deliveryMedium, 'EMAIL', 'email codeDeliveryDetails.deliveryMedium');
	assert.equal(out.email.nextStep.codeDeliveryDetails?.attributeName, 'email', 'email codeDeliveryDetails.attributeName');

	let attrs = await fetchUserAttributes();
	assert.equal(attrs.given_name, 'Amy', 'given_name after the update');
	assert.equal(attrs.email, 'amy.new@example.com', 'email after the update');
	assert.equal(attrs.email_verified, 'false', 'email_verified before the code');

	await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: await outboxCode(endpoint, poolId, username, 'UpdateUserAttribute') });
	attrs = await fetchUserAttributes();
	assert.equal(attrs.email_verified, 'true', 'email_verified after the code');
	await signOut();
});

test('signOut({ global: true }): the old access and refresh tokens are refused', { timeout: 20_000 }, async () => {
	const { fixedClient } = config();
	const s = await srpSignIn(fixedClient);
	const me = await sdkClient().send(new GetUserCommand({ AccessToken: s.accessToken }));
	assert.equal(me.Username, username, 'GetUser before the sign-out');

	await signOut({ global: true });
	const after = await fetchAuthSession();
	assert.equal(after.tokens, undefined, 'Amplify still holds tokens after signOut');
	assert.equal(storage.refreshToken(fixedClient), null, 'Amplify still holds the refresh token after signOut');

	const getUser = await rejection('GetUser with the signed-out access token', sdkClient().send(new GetUserCommand({ AccessToken: s.accessToken })));
	refused(getUser, 'GetUser with the signed-out access token');
	assert.match(getUser.message, /revoked/i, `GetUser with the signed-out access token: ${describeError(getUser)}`);
	const refresh = await rejection(
		'REFRESH_TOKEN_AUTH with the signed-out refresh token',
		sdkClient().send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: fixedClient, AuthParameters: { REFRESH_TOKEN: s.refreshToken } }))
	);
	refused(refresh, 'REFRESH_TOKEN_AUTH with the signed-out refresh token');
});

test('rotation ENABLED: signOut() revokes the refresh token, and with it the whole family (the one still in its grace period too)', { timeout: 20_000 }, async () => {
	const { rotatingClient } = config();
	const s0 = await srpSignIn(rotatingClient);
	const s1 = await session(rotatingClient, true);
	assert.notEqual(s1.refreshToken, s0.refreshToken, 'the refresh kept the refresh token with rotation on');

	await signOut(); // RevokeToken with the current refresh token
	assert.equal(storage.refreshToken(rotatingClient), null, 'Amplify still holds the refresh token after signOut');
	for (const [n, token] of [[0, s0.refreshToken], [1, s1.refreshToken]]) {
		refused(await rejection(`GetTokensFromRefreshToken with refresh token ${n} after signOut`, getTokens(rotatingClient, token)), `refresh token ${n} after signOut`);
	}
	refused(
		await rejection('GetUser with an access token of the revoked family', sdkClient().send(new GetUserCommand({ AccessToken: s1.accessToken }))),
		'GetUser with an access token of the revoked family'
	);
});

after(() => {
	sdk?.destroy();
	if (cfg.error) {
		console.error(`amplify.test.mjs: ${cfg.error}`);
	}
});
