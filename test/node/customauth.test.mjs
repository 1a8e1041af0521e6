// CUSTOM_AUTH with amazon-cognito-identity-js against gognito.
//
// Run by internal/app's TestNodeCustomAuth (part of `make test`), which starts
// a server whose pool has the three custom challenge triggers (answered by a
// Lambda-Invoke-compatible server the Go test runs: a question, "2+2?", after
// an optional password), and passes in GOGNITO_* environment variables:
//
//   GOGNITO_ENDPOINT   the API listener, http://127.0.0.1:PORT
//   GOGNITO_REGION     us-east-1
//   GOGNITO_POOL_ID    the user pool
//   GOGNITO_CLIENT_ID  a public app client that allows CUSTOM_AUTH
//   GOGNITO_ISSUER     the tokens' expected iss
//   GOGNITO_USER, GOGNITO_PASSWORD  a CONFIRMED user
//
// Nothing here prints a password or a whole token.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import * as jose from 'jose';

const NAMES = ['GOGNITO_ENDPOINT', 'GOGNITO_REGION', 'GOGNITO_POOL_ID', 'GOGNITO_CLIENT_ID', 'GOGNITO_ISSUER', 'GOGNITO_USER', 'GOGNITO_PASSWORD'];

function config() {
	const missing = NAMES.filter(n => !process.env[n]);
	if (missing.length > 0) {
		throw new Error(`missing environment: ${missing.join(', ')}; run by \`go test -run TestNodeCustomAuth ./internal/app\``);
	}
	const host = new URL(process.env.GOGNITO_ENDPOINT).hostname;
	if (!(host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
		throw new Error(`GOGNITO_ENDPOINT must be a loopback address, not ${host}`);
	}
	return {
		endpoint: process.env.GOGNITO_ENDPOINT.replace(/\/+$/, ''),
		poolId: process.env.GOGNITO_POOL_ID,
		clientId: process.env.GOGNITO_CLIENT_ID,
		issuer: process.env.GOGNITO_ISSUER,
		user: process.env.GOGNITO_USER,
		password: process.env.GOGNITO_PASSWORD,
	};
}

function cognitoUser(cfg) {
	const pool = new CognitoUserPool({ UserPoolId: cfg.poolId, ClientId: cfg.clientId, endpoint: cfg.endpoint });
	const user = new CognitoUser({ Username: cfg.user, Pool: pool });
	user.setAuthenticationFlowType('CUSTOM_AUTH');
	return user;
}

// answering runs a custom sign-in to its end: the answers are given in
// turn, each question is recorded; it resolves with the session.
function answering(user, answers, questions, start) {
	return new Promise((resolve, reject) => {
		const callbacks = {
			onSuccess: resolve,
			onFailure: err => reject(new Error(`${err.name || err.code}: ${err.message}`)),
			customChallenge(params) {
				questions.push(params.question);
				if (answers.length === 0) {
					reject(new Error('more questions than answers'));
					return;
				}
				user.sendCustomChallengeAnswer(answers.shift(), callbacks);
			},
		};
		start(callbacks);
	});
}

async function checkIdToken(cfg, session) {
	const jwks = jose.createRemoteJWKSet(new URL(`${cfg.issuer}/.well-known/jwks.json`));
	const { payload } = await jose.jwtVerify(session.getIdToken().getJwtToken(), jwks, { issuer: cfg.issuer, audience: cfg.clientId });
	assert.equal(payload['cognito:username'], cfg.user);
	assert.equal(payload.token_use, 'id');
}

test('CUSTOM_AUTH after the password (SRP_A, PASSWORD_VERIFIER, then the question)', { timeout: 30_000 }, async () => {
	const cfg = config();
	const user = cognitoUser(cfg);
	const questions = [];
	const session = await answering(user, ['5', '4'], questions, cb =>
		user.authenticateUser(new AuthenticationDetails({ Username: cfg.user, Password: cfg.password }), cb));
	assert.deepEqual(questions, ['2+2?', '2+2?'], 'a wrong answer, then the right one');
	await checkIdToken(cfg, session);
});

test('CUSTOM_AUTH without a password', { timeout: 30_000 }, async () => {
	const cfg = config();
	const user = cognitoUser(cfg);
	const questions = [];
	const session = await answering(user, ['4'], questions, cb =>
		user.initiateAuth(new AuthenticationDetails({ Username: cfg.user }), cb));
	assert.deepEqual(questions, ['2+2?']);
	await checkIdToken(cfg, session);
});

test('CUSTOM_AUTH: three wrong answers fail the sign-in', { timeout: 30_000 }, async () => {
	const cfg = config();
	const user = cognitoUser(cfg);
	await assert.rejects(
		answering(user, ['1', '2', '3'], [], cb => user.initiateAuth(new AuthenticationDetails({ Username: cfg.user }), cb)),
		/NotAuthorizedException: Incorrect username or password\./,
	);
});
