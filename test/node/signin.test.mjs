// JavaScript client compatibility tests for gognito.
//
// Run by internal/app's TestNodeClients (part of `make test`), which starts a
// server, prepares a user pool, an app client and three users, and passes
// them here in GOGNITO_* environment variables:
//
//   GOGNITO_ENDPOINT        the API listener, http://127.0.0.1:PORT
//   GOGNITO_REGION          us-east-1
//   GOGNITO_POOL_ID         the user pool
//   GOGNITO_CLIENT_ID       a public app client (no secret) that allows
//                           USER_SRP_AUTH, USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH
//   GOGNITO_ISSUER          the tokens' expected iss: <endpoint>/<poolId>
//   GOGNITO_USER, GOGNITO_PASSWORD            a CONFIRMED user without MFA
//   GOGNITO_NEWPW_USER, GOGNITO_NEWPW_TEMP    a FORCE_CHANGE_PASSWORD user and
//                                             its temporary password
//   GOGNITO_TOTP_USER, GOGNITO_TOTP_PASSWORD  a CONFIRMED user without TOTP yet,
//                                             in a pool with TOTP MFA OPTIONAL
//
// The clients are the unchanged npm packages amazon-cognito-identity-js (what
// Amplify v5 and many browser apps use) and @aws-sdk/client-cognito-identity-provider;
// the tokens are checked with jose against the JWKS the server publishes.
// Nothing here prints a password or a whole token.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	AuthenticationDetails,
	CognitoUser,
	CognitoUserPool,
} from 'amazon-cognito-identity-js';
import {
	CognitoIdentityProviderClient,
	GetUserCommand,
	InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as jose from 'jose';

// ---------------------------------------------------------------------------
// Configuration

const ENV_NAMES = [
	'GOGNITO_ENDPOINT',
	'GOGNITO_REGION',
	'GOGNITO_POOL_ID',
	'GOGNITO_CLIENT_ID',
	'GOGNITO_ISSUER',
	'GOGNITO_USER',
	'GOGNITO_PASSWORD',
	'GOGNITO_NEWPW_USER',
	'GOGNITO_NEWPW_TEMP',
	'GOGNITO_TOTP_USER',
	'GOGNITO_TOTP_PASSWORD',
];

function readConfig() {
	const missing = ENV_NAMES.filter(n => !process.env[n]);
	if (missing.length > 0) {
		return {
			error:
				`missing environment: ${missing.join(', ')}; these tests are run by ` +
				'`go test -run TestNodeClients ./internal/app`, which sets them',
		};
	}
	const env = Object.fromEntries(ENV_NAMES.map(n => [n, process.env[n]]));
	// Only loopback: these tests never reach anything else.
	for (const n of ['GOGNITO_ENDPOINT', 'GOGNITO_ISSUER']) {
		let u;
		try {
			u = new URL(env[n]);
		} catch {
			return { error: `${n} is not a URL: ${env[n]}` };
		}
		const host = u.hostname.replace(/^\[|\]$/g, '');
		if (!(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
			return { error: `${n} must be a loopback address, not ${u.hostname}` };
		}
	}
	return {
		endpoint: env.GOGNITO_ENDPOINT.replace(/\/+$/, ''),
		region: env.GOGNITO_REGION,
		poolId: env.GOGNITO_POOL_ID,
		clientId: env.GOGNITO_CLIENT_ID,
		issuer: env.GOGNITO_ISSUER,
		user: env.GOGNITO_USER,
		password: env.GOGNITO_PASSWORD,
		newpwUser: env.GOGNITO_NEWPW_USER,
		newpwTemp: env.GOGNITO_NEWPW_TEMP,
		totpUser: env.GOGNITO_TOTP_USER,
		totpPassword: env.GOGNITO_TOTP_PASSWORD,
	};
}

const cfg = readConfig();

function config() {
	if (cfg.error) {
		throw new Error(cfg.error);
	}
	return cfg;
}

// ---------------------------------------------------------------------------
// Helpers

// short names a token without showing it.
function short(token) {
	if (typeof token !== 'string') {
		return String(token);
	}
	return `${token.slice(0, 8)}… (${token.length} chars)`;
}

// describeError is the name and message of an error from either client (the
// server's error type and message), never a request body.
function describeError(err) {
	if (!err) {
		return String(err);
	}
	const name = err.name || err.code || 'Error';
	const status = err.statusCode ?? err.$metadata?.httpStatusCode;
	return `${name}: ${err.message}${status ? ` (HTTP ${status})` : ''}`;
}

// wrap rethrows err with what was being done, keeping the server's error.
function wrap(what, err) {
	const e = new Error(`${what}: ${describeError(err)}`);
	e.cause = err;
	e.name = err?.name && err.name !== 'Error' ? err.name : 'Error';
	return e;
}

// A strong password under Cognito's default policy, new on each call.
function newPassword() {
	return `N3w-${randomBytes(6).toString('hex')}-Aa1!`;
}

// ---------------------------------------------------------------------------
// RFC 4648 base32 and RFC 6238 TOTP (SHA-1, 6 digits, 30 s), by hand.

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(s) {
	const clean = s.replace(/[\s=]/g, '').toUpperCase();
	const out = [];
	let bits = 0;
	let value = 0;
	for (const ch of clean) {
		const v = B32.indexOf(ch);
		if (v < 0) {
			throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
		}
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

export function hotp(key, counter, digits = 6) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', key).update(msg).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const bin =
		((mac[offset] & 0x7f) << 24) |
		(mac[offset + 1] << 16) |
		(mac[offset + 2] << 8) |
		mac[offset + 3];
	return String(bin % 10 ** digits).padStart(digits, '0');
}

const STEP = 30;

function timeStep(ms = Date.now()) {
	return Math.floor(ms / 1000 / STEP);
}

// freshTotp is a code for a 30 s window after `after` (a window whose code
// was already used): it waits for the next window when needed, since the
// server, like Cognito, refuses a code used before.
async function freshTotp(key, after = -1) {
	let step = timeStep();
	while (step <= after) {
		const wait = (step + 1) * STEP * 1000 - Date.now() + 250;
		await sleep(Math.max(wait, 50));
		step = timeStep();
	}
	// A code close to the end of its window may reach the server in the
	// next one; servers accept the previous window, but wait if under 2 s.
	const left = (step + 1) * STEP * 1000 - Date.now();
	if (left < 2000) {
		await sleep(left + 250);
		step = timeStep();
	}
	return { code: hotp(key, step), step };
}

// ---------------------------------------------------------------------------
// Tokens

let jwks;
function remoteJWKS() {
	const { issuer } = config();
	jwks ??= jose.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
		timeoutDuration: 10_000,
	});
	return jwks;
}

async function verify(kind, token) {
	const { issuer } = config();
	assert.equal(typeof token, 'string', `the ${kind} token is missing`);
	try {
		return await jose.jwtVerify(token, remoteJWKS(), {
			issuer,
			algorithms: ['RS256'],
		});
	} catch (err) {
		throw new Error(
			`the ${kind} token ${short(token)} does not verify against ${issuer}/.well-known/jwks.json: ` +
				`${err.code || err.name}: ${err.message}`
		);
	}
}

// checkIdToken verifies an ID token and checks Cognito's claims.
async function checkIdToken(token, username) {
	const { clientId } = config();
	const { payload, protectedHeader } = await verify('ID', token);
	assert.ok(typeof protectedHeader.kid === 'string' && protectedHeader.kid !== '', 'the ID token has no kid');
	assert.equal(payload.token_use, 'id', 'ID token token_use');
	assert.equal(payload.aud, clientId, 'ID token aud is the app client id');
	assert.equal(payload['cognito:username'], username, 'ID token cognito:username');
	assert.match(String(payload.sub), /^[0-9a-f-]{36}$/, 'ID token sub is a UUID');
	assert.equal(typeof payload.auth_time, 'number', 'ID token auth_time');
	assert.ok(payload.exp > Date.now() / 1000, 'the ID token is already expired');
	return payload;
}

// checkAccessToken verifies an access token and checks Cognito's claims.
async function checkAccessToken(token, username) {
	const { clientId } = config();
	const { payload, protectedHeader } = await verify('access', token);
	assert.ok(typeof protectedHeader.kid === 'string' && protectedHeader.kid !== '', 'the access token has no kid');
	assert.equal(payload.token_use, 'access', 'access token token_use');
	assert.equal(payload.client_id, clientId, 'access token client_id is the app client id');
	assert.equal(payload.scope, 'aws.cognito.signin.user.admin', 'access token scope');
	assert.equal(payload.username, username, 'access token username');
	assert.match(String(payload.sub), /^[0-9a-f-]{36}$/, 'access token sub is a UUID');
	assert.equal(typeof payload.auth_time, 'number', 'access token auth_time');
	assert.ok(payload.exp > Date.now() / 1000, 'the access token is already expired');
	return payload;
}

// checkSession checks both tokens of an amazon-cognito-identity-js session.
async function checkSession(session, username) {
	assert.ok(session && typeof session.getIdToken === 'function', 'onSuccess gave no CognitoUserSession');
	const id = await checkIdToken(session.getIdToken().getJwtToken(), username);
	const access = await checkAccessToken(session.getAccessToken().getJwtToken(), username);
	assert.equal(id.sub, access.sub, 'the ID and access tokens name the same sub');
	assert.ok(session.getRefreshToken().getToken() !== '', 'the session has no refresh token');
	assert.ok(session.isValid(), 'the library finds the session invalid');
	return { id, access };
}

// ---------------------------------------------------------------------------
// amazon-cognito-identity-js, as promises

function userPool() {
	const { poolId, clientId, endpoint } = config();
	return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${endpoint}/` });
}

// signIn runs authenticateUser (USER_SRP_AUTH, the library's default) and
// resolves with the callback that was called: { kind: 'onSuccess', session },
// { kind: 'newPasswordRequired', userAttributes, requiredAttributes },
// { kind: 'totpRequired', challengeName, challengeParameters }, ... A failure
// resolves too ({ kind: 'onFailure', err }), so tests can expect one.
function signIn(cognitoUser, username, password) {
	const details = new AuthenticationDetails({ Username: username, Password: password });
	return new Promise(resolve => {
		cognitoUser.authenticateUser(details, callbacks(resolve));
	});
}

function callbacks(resolve) {
	return {
		onSuccess: (session, userConfirmationNecessary) =>
			resolve({ kind: 'onSuccess', session, userConfirmationNecessary }),
		onFailure: err => resolve({ kind: 'onFailure', err }),
		newPasswordRequired: (userAttributes, requiredAttributes) =>
			resolve({ kind: 'newPasswordRequired', userAttributes, requiredAttributes }),
		totpRequired: (challengeName, challengeParameters) =>
			resolve({ kind: 'totpRequired', challengeName, challengeParameters }),
		mfaRequired: (challengeName, challengeParameters) =>
			resolve({ kind: 'mfaRequired', challengeName, challengeParameters }),
		selectMFAType: (challengeName, challengeParameters) =>
			resolve({ kind: 'selectMFAType', challengeName, challengeParameters }),
		mfaSetup: (challengeName, challengeParameters) =>
			resolve({ kind: 'mfaSetup', challengeName, challengeParameters }),
		customChallenge: challengeParameters => resolve({ kind: 'customChallenge', challengeParameters }),
	};
}

// expect fails unless the callback called was `kind`.
function expect(result, kind, what) {
	if (result.kind === kind) {
		return result;
	}
	if (result.kind === 'onFailure') {
		throw wrap(`${what}: expected ${kind}, got onFailure`, result.err);
	}
	const extra = result.challengeName ? ` (${result.challengeName})` : '';
	throw new Error(`${what}: expected ${kind}, got ${result.kind}${extra}`);
}

// nodeCallback turns a (err, result) call into a promise.
function nodeCallback(what, fn) {
	return new Promise((resolve, reject) => {
		fn((err, result) => (err ? reject(wrap(what, err)) : resolve(result)));
	});
}

// ---------------------------------------------------------------------------
// Tests

test('the TOTP helper matches RFC 6238 (SHA-1, 59 s) and RFC 4648 base32', () => {
	const key = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
	assert.equal(key.toString('ascii'), '12345678901234567890');
	assert.equal(hotp(key, Math.floor(59 / STEP), 8), '94287082');
	assert.equal(hotp(key, Math.floor(1111111109 / STEP), 8), '07081804');
	assert.equal(hotp(key, Math.floor(59 / STEP)), '287082');
	assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
});

test('amazon-cognito-identity-js: USER_SRP_AUTH, tokens verified with the JWKS, discovery', { timeout: 30_000 }, async t => {
	const { user, password, issuer } = config();
	const pool = userPool();

	await t.test('authenticateUser → onSuccess with verifiable tokens', async () => {
		const cognitoUser = new CognitoUser({ Username: user, Pool: pool });
		assert.equal(cognitoUser.getAuthenticationFlowType(), 'USER_SRP_AUTH');
		const r = expect(await signIn(cognitoUser, user, password), 'onSuccess', `authenticateUser(${user})`);
		await checkSession(r.session, user);
		cognitoUser.signOut();
	});

	await t.test('a wrong password → onFailure NotAuthorizedException', async () => {
		const cognitoUser = new CognitoUser({ Username: user, Pool: pool });
		const r = await signIn(cognitoUser, user, `${password}-wrong`);
		assert.equal(r.kind, 'onFailure', `a wrong password gave ${r.kind}, not onFailure`);
		assert.equal(r.err?.code, 'NotAuthorizedException', `a wrong password gave ${describeError(r.err)}`);
		assert.equal(r.err?.name, 'NotAuthorizedException');
	});

	await t.test('openid-configuration and jwks.json', async () => {
		const res = await fetch(`${issuer}/.well-known/openid-configuration`);
		assert.equal(res.status, 200, `GET ${issuer}/.well-known/openid-configuration: HTTP ${res.status}`);
		const doc = await res.json();
		assert.equal(doc.issuer, issuer, 'openid-configuration issuer');
		assert.equal(doc.jwks_uri, `${issuer}/.well-known/jwks.json`, 'openid-configuration jwks_uri');

		const kres = await fetch(`${issuer}/.well-known/jwks.json`);
		assert.equal(kres.status, 200, `GET ${issuer}/.well-known/jwks.json: HTTP ${kres.status}`);
		const set = await kres.json();
		assert.ok(Array.isArray(set.keys) && set.keys.length > 0, 'jwks.json has no keys');
		for (const k of set.keys) {
			assert.equal(k.kty, 'RSA', `key ${k.kid}: kty`);
			assert.equal(k.alg, 'RS256', `key ${k.kid}: alg`);
			assert.equal(k.use, 'sig', `key ${k.kid}: use`);
			assert.ok(typeof k.kid === 'string' && k.kid !== '', 'a key without kid');
			assert.ok(k.n && k.e, `key ${k.kid}: n and e`);
			assert.ok(!('d' in k) && !('p' in k) && !('q' in k), `key ${k.kid} publishes private parts`);
		}
	});
});

test('amazon-cognito-identity-js: NEW_PASSWORD_REQUIRED → completeNewPasswordChallenge', { timeout: 30_000 }, async () => {
	const { newpwUser, newpwTemp } = config();
	const pool = userPool();
	const fresh = newPassword();

	const cognitoUser = new CognitoUser({ Username: newpwUser, Pool: pool });
	const r = expect(
		await signIn(cognitoUser, newpwUser, newpwTemp),
		'newPasswordRequired',
		`authenticateUser(${newpwUser}) with the temporary password`
	);
	assert.equal(typeof r.userAttributes, 'object', 'newPasswordRequired: userAttributes is an object');
	assert.ok(r.userAttributes !== null, 'newPasswordRequired: userAttributes is null');
	assert.ok(Array.isArray(r.requiredAttributes), 'newPasswordRequired: requiredAttributes is an array');

	const done = await new Promise(resolve => cognitoUser.completeNewPasswordChallenge(fresh, {}, callbacks(resolve)));
	expect(done, 'onSuccess', 'completeNewPasswordChallenge');
	await checkSession(done.session, newpwUser);
	cognitoUser.signOut();

	const again = new CognitoUser({ Username: newpwUser, Pool: pool });
	const r2 = expect(await signIn(again, newpwUser, fresh), 'onSuccess', `authenticateUser(${newpwUser}) with the new password`);
	await checkSession(r2.session, newpwUser);
	again.signOut();

	const old = await signIn(new CognitoUser({ Username: newpwUser, Pool: pool }), newpwUser, newpwTemp);
	assert.equal(old.kind, 'onFailure', `the temporary password still signs in (${old.kind})`);
	assert.equal(old.err?.code, 'NotAuthorizedException', `the temporary password gave ${describeError(old.err)}`);
});

test('amazon-cognito-identity-js: TOTP set-up and SOFTWARE_TOKEN_MFA sign-in', { timeout: 120_000 }, async () => {
	const { totpUser, totpPassword } = config();
	const pool = userPool();

	const cognitoUser = new CognitoUser({ Username: totpUser, Pool: pool });
	const first = expect(
		await signIn(cognitoUser, totpUser, totpPassword),
		'onSuccess',
		`authenticateUser(${totpUser}) before TOTP (MFA OPTIONAL, none set up)`
	);
	await checkSession(first.session, totpUser);

	const secret = await new Promise((resolve, reject) =>
		cognitoUser.associateSoftwareToken({
			associateSecretCode: resolve,
			onFailure: err => reject(wrap('associateSoftwareToken', err)),
		})
	);
	assert.equal(typeof secret, 'string', 'associateSecretCode gave no secret');
	assert.match(secret, /^[A-Z2-7]+=*$/, 'the secret code is not base32');
	const key = base32Decode(secret);
	assert.ok(key.length >= 10, `the secret is ${key.length} bytes, under RFC 4226's 128 bits`);

	const setup = await freshTotp(key);
	const verified = await new Promise((resolve, reject) =>
		cognitoUser.verifySoftwareToken(setup.code, 'device', {
			onSuccess: resolve,
			onFailure: err => reject(wrap('verifySoftwareToken', err)),
		})
	);
	assert.equal(verified?.Status, 'SUCCESS', 'VerifySoftwareToken Status');

	const pref = await nodeCallback('setUserMfaPreference', cb =>
		cognitoUser.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, cb)
	);
	assert.equal(pref, 'SUCCESS');
	cognitoUser.signOut(); // local only: the cached tokens are cleared

	const second = new CognitoUser({ Username: totpUser, Pool: pool });
	const challenged = expect(
		await signIn(second, totpUser, totpPassword),
		'totpRequired',
		`authenticateUser(${totpUser}) after TOTP was set up and preferred`
	);
	assert.equal(challenged.challengeName, 'SOFTWARE_TOKEN_MFA', 'totpRequired challengeName');

	const login = await freshTotp(key, setup.step);
	const done = await new Promise(resolve => second.sendMFACode(login.code, callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
	expect(done, 'onSuccess', 'sendMFACode(SOFTWARE_TOKEN_MFA)');
	const { id, access } = await checkSession(done.session, totpUser);
	assert.equal(id.sub, first.session.getIdToken().decodePayload().sub, 'the same user signed in');
	assert.ok(access.auth_time >= first.session.getAccessToken().decodePayload().auth_time, 'auth_time went back');
	second.signOut();
});

test('@aws-sdk/client-cognito-identity-provider: USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, GetUser', { timeout: 30_000 }, async t => {
	const { region, endpoint, clientId, user, password } = config();
	const client = new CognitoIdentityProviderClient({
		region,
		endpoint,
		credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
		maxAttempts: 1,
	});
	t.after(() => client.destroy());

	const send = async (what, command) => {
		try {
			return await client.send(command);
		} catch (err) {
			throw wrap(what, err);
		}
	};

	const first = await send(
		'InitiateAuth USER_PASSWORD_AUTH',
		new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: user, PASSWORD: password } })
	);
	assert.ok(!first.ChallengeName, `USER_PASSWORD_AUTH gave the challenge ${first.ChallengeName}`);
	const ar = first.AuthenticationResult;
	assert.ok(ar, 'USER_PASSWORD_AUTH gave no AuthenticationResult');
	assert.equal(ar.TokenType, 'Bearer', 'TokenType');
	assert.equal(typeof ar.ExpiresIn, 'number', 'ExpiresIn');
	assert.ok(ar.ExpiresIn > 0, 'ExpiresIn is positive');
	assert.ok(typeof ar.RefreshToken === 'string' && ar.RefreshToken.length > 0, 'USER_PASSWORD_AUTH gave no RefreshToken');
	const id1 = await checkIdToken(ar.IdToken, user);
	const access1 = await checkAccessToken(ar.AccessToken, user);
	assert.equal(id1.sub, access1.sub, 'the ID and access tokens name the same sub');
	assert.equal(typeof access1.origin_jti, 'string', 'the access token has no origin_jti');

	const refreshed = await send(
		'InitiateAuth REFRESH_TOKEN_AUTH',
		new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: ar.RefreshToken } })
	);
	const rr = refreshed.AuthenticationResult;
	assert.ok(rr, 'REFRESH_TOKEN_AUTH gave no AuthenticationResult');
	assert.ok(!rr.RefreshToken, 'REFRESH_TOKEN_AUTH returned a new refresh token (rotation is off)');
	assert.equal(rr.TokenType, 'Bearer', 'TokenType after refresh');
	const id2 = await checkIdToken(rr.IdToken, user);
	const access2 = await checkAccessToken(rr.AccessToken, user);
	assert.ok(rr.AccessToken !== ar.AccessToken, 'REFRESH_TOKEN_AUTH returned the same access token');
	assert.equal(id2.auth_time, id1.auth_time, 'the refreshed ID token keeps auth_time');
	assert.equal(access2.auth_time, access1.auth_time, 'the refreshed access token keeps auth_time');
	assert.equal(access2.origin_jti, access1.origin_jti, 'the refreshed access token keeps origin_jti');
	assert.equal(id2.origin_jti, access1.origin_jti, 'the refreshed ID token keeps origin_jti');
	assert.equal(id2.sub, id1.sub, 'the refreshed tokens name the same sub');

	const me = await send('GetUser', new GetUserCommand({ AccessToken: rr.AccessToken }));
	assert.equal(me.Username, user, 'GetUser Username');
	assert.ok(Array.isArray(me.UserAttributes), 'GetUser gave no UserAttributes');
	const sub = me.UserAttributes.find(a => a.Name === 'sub');
	assert.ok(sub, `GetUser attributes have no sub: ${me.UserAttributes.map(a => a.Name).join(', ')}`);
	assert.equal(sub.Value, id1.sub, 'GetUser sub is the tokens\' sub');

	let wrong;
	try {
		await client.send(
			new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: user, PASSWORD: `${password}-wrong` } })
		);
	} catch (err) {
		wrong = err;
	}
	assert.ok(wrong, 'a wrong password signed in');
	assert.equal(wrong.name, 'NotAuthorizedException', `a wrong password gave ${describeError(wrong)}`);
	assert.equal(wrong.$metadata?.httpStatusCode, 400, 'a wrong password: HTTP status');
});

after(() => {
	if (cfg.error) {
		console.error(`signin.test.mjs: ${cfg.error}`);
	}
});
