// Helpers shared by amplify.test.mjs and oidc.test.mjs: the environment the
// Go harness (internal/app/node16_test.go) passes, token checks with jose
// against the JWKS the server publishes, and the outbox. Nothing here prints
// a password or a whole token.

import assert from 'node:assert/strict';
import * as jose from 'jose';

// env reads the GOGNITO_* variables named; with any missing it returns
// { error } so that each test fails with a clear message.
export function env(names, file) {
	const missing = names.filter(n => !process.env[n]);
	if (missing.length > 0) {
		return {
			error:
				`missing environment: ${missing.join(', ')}; ${file} is run by ` +
				'`go test -run TestNode ./internal/app`, which sets it',
		};
	}
	const out = Object.fromEntries(names.map(n => [n, process.env[n]]));
	// Only loopback: these tests never reach anything else.
	for (const n of ['GOGNITO_ENDPOINT', 'GOGNITO_ISSUER', 'GOGNITO_CLOCK']) {
		if (!out[n]) {
			continue;
		}
		const host = new URL(out[n]).hostname.replace(/^\[|\]$/g, '');
		if (!(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
			return { error: `${n} must be a loopback address, not ${host}` };
		}
	}
	return out;
}

// short names a token without showing it.
export function short(token) {
	return typeof token === 'string' ? `${token.slice(0, 8)}… (${token.length} chars)` : String(token);
}

// describeError is an error's name, message and HTTP status, never a body.
export function describeError(err) {
	if (!err) {
		return String(err);
	}
	const status = err.statusCode ?? err.$metadata?.httpStatusCode ?? err.status;
	return `${err.name || err.code || 'Error'}: ${err.message}${status ? ` (HTTP ${status})` : ''}`;
}

// rejection awaits a promise that must fail and returns its error.
export async function rejection(what, promise) {
	try {
		await promise;
	} catch (err) {
		return err;
	}
	assert.fail(`${what} succeeded`);
}

const jwksByIssuer = new Map();

// verify checks a token's signature against <issuer>/.well-known/jwks.json
// and its iss, and returns its payload.
export async function verify(issuer, kind, token) {
	assert.equal(typeof token, 'string', `the ${kind} token is missing`);
	if (!jwksByIssuer.has(issuer)) {
		jwksByIssuer.set(issuer, jose.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { timeoutDuration: 10_000 }));
	}
	try {
		const { payload, protectedHeader } = await jose.jwtVerify(token, jwksByIssuer.get(issuer), { issuer, algorithms: ['RS256'] });
		assert.ok(typeof protectedHeader.kid === 'string' && protectedHeader.kid !== '', `the ${kind} token has no kid`);
		return payload;
	} catch (err) {
		throw new Error(
			`the ${kind} token ${short(token)} does not verify against ${issuer}/.well-known/jwks.json: ${err.code || err.name}: ${err.message}`
		);
	}
}

// checkTokens verifies an ID and an access token of a user of a client and
// checks Cognito's claims; it returns both payloads.
export async function checkTokens(issuer, clientId, username, idToken, accessToken) {
	const id = await verify(issuer, 'ID', idToken);
	assert.equal(id.token_use, 'id', 'ID token token_use');
	assert.equal(id.aud, clientId, 'ID token aud is the app client id');
	assert.equal(id['cognito:username'], username, 'ID token cognito:username');
	assert.match(String(id.sub), /^[0-9a-f-]{36}$/, 'ID token sub is a UUID');
	const access = await verify(issuer, 'access', accessToken);
	assert.equal(access.token_use, 'access', 'access token token_use');
	assert.equal(access.client_id, clientId, 'access token client_id is the app client id');
	assert.equal(access.username, username, 'access token username');
	assert.equal(access.sub, id.sub, 'the ID and access tokens name the same sub');
	assert.equal(typeof access.jti, 'string', 'the access token has no jti');
	return { id, access };
}

// outboxCode is the code of the newest message of a kind (SignUp,
// UpdateUserAttribute...) the server delivered to a user, from GET
// /_gognito/outbox on the API listener.
export async function outboxCode(endpoint, poolId, username, kind) {
	const u = new URL(`${endpoint}/_gognito/outbox`);
	u.searchParams.set('pool', poolId);
	u.searchParams.set('username', username);
	u.searchParams.set('limit', '1');
	const res = await fetch(u, { headers: { accept: 'application/json' } });
	assert.equal(res.status, 200, `GET /_gognito/outbox: HTTP ${res.status}`);
	const { Messages } = await res.json();
	assert.ok(Array.isArray(Messages) && Messages.length === 1, `the outbox has no message for ${username}`);
	const [m] = Messages;
	assert.equal(m.Kind, kind, `the newest message to ${username} is a ${m.Kind}, not a ${kind}`);
	const code = /\b(\d{6})\b/.exec(m.Body)?.[1];
	assert.ok(code, `the ${kind} message to ${username} has no 6-digit code`);
	return code;
}
