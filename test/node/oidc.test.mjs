// openid-client v6 (the unchanged npm package) against a user pool's domain:
// discovery, the hosted login with PKCE (the pages driven by fetch, as a
// browser would submit them), the authorization code grant, the refresh
// token grant, userInfo, and RP-initiated logout built with
// buildEndSessionUrl({ post_logout_redirect_uri, id_token_hint, state }).
// Tokens are verified with jose against the JWKS the server publishes.
//
// Run by internal/app's TestNodeOpenIDClient (part of `make test`), which
// starts a server, prepares a pool with a prefix domain, a confidential app
// client and a user, and passes:
//
//   GOGNITO_ENDPOINT       the API listener, http://127.0.0.1:PORT
//   GOGNITO_ISSUER         the pool's issuer, <endpoint>/<poolId> (plain HTTP on
//                          loopback, hence allowInsecureRequests for discovery)
//   GOGNITO_DOMAIN         https://<prefix>.auth.us-east-1.localhost:<edge port>,
//                          served by gognito's edge with a certificate of its
//                          local CA (trusted through NODE_EXTRA_CA_CERTS); the
//                          name resolves to 127.0.0.1 in this process only
//   GOGNITO_CLIENT_ID, GOGNITO_CLIENT_SECRET   the app client (client_secret_basic)
//   GOGNITO_ROTATING_CLIENT_ID, GOGNITO_ROTATING_CLIENT_SECRET   another, with
//                          RefreshTokenRotation ENABLED and no grace period
//   GOGNITO_REDIRECT_URI   its callback URL
//   GOGNITO_LOGOUT_URI     its sign-out URL (LogoutURLs)
//   GOGNITO_USER, GOGNITO_PASSWORD             a CONFIRMED user with an email

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';

import * as client from 'openid-client';

import { describeError, env, rejection, short, verify } from './common.mjs';

const cfg = env(
	[
		'GOGNITO_ENDPOINT',
		'GOGNITO_ISSUER',
		'GOGNITO_DOMAIN',
		'GOGNITO_CLIENT_ID',
		'GOGNITO_CLIENT_SECRET',
		'GOGNITO_ROTATING_CLIENT_ID',
		'GOGNITO_ROTATING_CLIENT_SECRET',
		'GOGNITO_REDIRECT_URI',
		'GOGNITO_LOGOUT_URI',
		'GOGNITO_USER',
		'GOGNITO_PASSWORD',
	],
	'oidc.test.mjs'
);

function config() {
	if (cfg.error) {
		throw new Error(cfg.error);
	}
	return {
		issuer: cfg.GOGNITO_ISSUER,
		domain: new URL(cfg.GOGNITO_DOMAIN),
		clientId: cfg.GOGNITO_CLIENT_ID,
		clientSecret: cfg.GOGNITO_CLIENT_SECRET,
		rotatingClientId: cfg.GOGNITO_ROTATING_CLIENT_ID,
		rotatingClientSecret: cfg.GOGNITO_ROTATING_CLIENT_SECRET,
		redirectUri: cfg.GOGNITO_REDIRECT_URI,
		logoutUri: cfg.GOGNITO_LOGOUT_URI,
		user: cfg.GOGNITO_USER,
		password: cfg.GOGNITO_PASSWORD,
	};
}

// The domain's name resolves to the loopback edge, in this process only
// (as a hosts-file entry would; *.localhost names are not resolved by every
// system resolver).
if (!cfg.error) {
	const host = new URL(cfg.GOGNITO_DOMAIN).hostname;
	assert.ok(host.endsWith('.localhost'), `GOGNITO_DOMAIN must be a .localhost name, not ${host}`);
	const lookup = dns.lookup;
	dns.lookup = function (name, options, callback) {
		if (typeof options === 'function') {
			[callback, options] = [options, {}];
		}
		if (name !== host) {
			return lookup.call(this, name, options, callback);
		}
		if (options?.all) {
			return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
		}
		return process.nextTick(callback, null, '127.0.0.1', 4);
	};
}

// ---------------------------------------------------------------------------
// A browser, as little as the hosted login needs: cookies of the domain,
// redirects seen one by one, and forms submitted as the page shows them.

class Browser {
	cookies = new Map();

	// get loads an address without following redirects.
	async get(url) {
		return this.send(new URL(url), { method: 'GET' });
	}

	// submit posts a form's fields to its action.
	async submit(action, fields) {
		return this.send(action, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields).toString(),
		});
	}

	async send(url, init) {
		const { domain } = config();
		const headers = new Headers(init.headers);
		const own = url.origin === domain.origin;
		if (own && this.cookies.size > 0) {
			headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
		}
		const res = await fetch(url, { ...init, headers, redirect: 'manual' });
		if (own) {
			for (const line of res.headers.getSetCookie()) {
				this.remember(line);
			}
		}
		const body = await res.text();
		const location = res.headers.get('location');
		return { status: res.status, body, url, location: location ? new URL(location, url) : null };
	}

	remember(line) {
		const [pair, ...attrs] = line.split(';').map(s => s.trim());
		const eq = pair.indexOf('=');
		const name = pair.slice(0, eq);
		const value = pair.slice(eq + 1);
		const gone = attrs.some(a => {
			const [k, v] = a.split('=');
			return (k.toLowerCase() === 'max-age' && Number(v) <= 0) || (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now());
		});
		if (gone || value === '') {
			this.cookies.delete(name);
		} else {
			this.cookies.set(name, value);
		}
	}
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHTML(s) {
	return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, e) => {
		if (e.startsWith('#x')) {
			return String.fromCodePoint(parseInt(e.slice(2), 16));
		}
		if (e.startsWith('#')) {
			return String.fromCodePoint(Number(e.slice(1)));
		}
		return entities[e] ?? all;
	});
}

function attributes(tag) {
	const out = {};
	for (const m of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
		out[m[1].toLowerCase()] = unescapeHTML(m[2] ?? m[3] ?? m[4] ?? '');
	}
	return out;
}

// loginForm is the page's form that asks for a password: its action and
// the fields a browser would send as the page stands (hidden and prefilled
// inputs, checked boxes only; no submit button but the one clicked).
function loginForm(page) {
	for (const m of page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
		const form = attributes(m[1]);
		const inputs = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map(i => attributes(i[1]));
		if (!inputs.some(i => i.name === 'password')) {
			continue;
		}
		assert.equal((form.method || 'get').toLowerCase(), 'post', 'the sign-in form is not a POST');
		const fields = [];
		for (const i of inputs) {
			const type = (i.type || 'text').toLowerCase();
			if (!i.name || ((type === 'checkbox' || type === 'radio') && !('checked' in i)) || type === 'submit' || type === 'button') {
				continue;
			}
			fields.push([i.name, i.value ?? '']);
		}
		return { action: new URL(form.action || page.url.href, page.url), fields };
	}
	assert.fail(`the page ${page.url.pathname} (HTTP ${page.status}) has no sign-in form`);
}

// signInThroughPages goes from an authorization URL to the redirect back to
// the app: the login page, its form with the credentials, the redirect.
async function signInThroughPages(browser, authorizationUrl) {
	const { domain, user, password, redirectUri } = config();
	const start = await browser.get(authorizationUrl);
	assert.equal(start.status, 302, `GET /oauth2/authorize: HTTP ${start.status}`);
	assert.equal(start.location.origin, domain.origin, `/oauth2/authorize redirected off the domain, to ${start.location.origin}`);
	assert.equal(start.location.pathname, '/login', '/oauth2/authorize did not redirect to the login page');

	const page = await browser.get(start.location);
	assert.equal(page.status, 200, `GET /login: HTTP ${page.status}`);
	const form = loginForm(page);
	assert.equal(form.action.origin, domain.origin, 'the sign-in form posts off the domain');
	const fields = form.fields.filter(([k]) => k !== 'username' && k !== 'password');
	fields.push(['username', user], ['password', password]);

	const back = await browser.submit(form.action, fields);
	assert.equal(back.status, 302, `POST ${form.action.pathname}: HTTP ${back.status}`);
	assert.equal(`${back.location.origin}${back.location.pathname}`, redirectUri, 'the sign-in did not redirect to the app');
	return back.location;
}

// ---------------------------------------------------------------------------
// Tests (in order: each uses what the one before obtained)

let oidc; // the openid-client Configuration
const browser = new Browser();
let tokens; // of the code grant

// discover is the openid-client Configuration of an app client.
function discover(clientId, clientSecret) {
	return client.discovery(new URL(config().issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), {
		execute: [client.allowInsecureRequests], // the issuer is plain HTTP on loopback
		timeout: 10,
	});
}

test('discovery: the pool\'s endpoints are its domain\'s, over HTTPS', { timeout: 20_000 }, async () => {
	const { issuer, domain, clientId, clientSecret } = config();
	oidc = await discover(clientId, clientSecret);
	const m = oidc.serverMetadata();
	assert.equal(m.issuer, issuer, 'issuer');
	assert.equal(m.jwks_uri, `${issuer}/.well-known/jwks.json`, 'jwks_uri');
	assert.equal(m.authorization_endpoint, `${domain.origin}/oauth2/authorize`, 'authorization_endpoint');
	assert.equal(m.token_endpoint, `${domain.origin}/oauth2/token`, 'token_endpoint');
	assert.equal(m.userinfo_endpoint, `${domain.origin}/oauth2/userInfo`, 'userinfo_endpoint');
	assert.equal(m.end_session_endpoint, `${domain.origin}/logout`, 'end_session_endpoint');
	assert.ok(m.token_endpoint_auth_methods_supported?.includes('client_secret_basic'), 'client_secret_basic is not supported');
	assert.equal(domain.protocol, 'https:', 'the domain is not served over HTTPS');
});

test('the hosted login with PKCE → authorizationCodeGrant → tokens that verify; userInfo', { timeout: 20_000 }, async () => {
	const { issuer, clientId, user, redirectUri } = config();
	assert.ok(oidc, 'no discovery');
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const authorizationUrl = client.buildAuthorizationUrl(oidc, {
		redirect_uri: redirectUri,
		scope: 'openid email profile',
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: 'S256',
		state,
		nonce,
	});
	const back = await signInThroughPages(browser, authorizationUrl);
	assert.equal(back.searchParams.get('error'), null, `the redirect carries an error: ${back.searchParams.get('error')} ${back.searchParams.get('error_description')}`);
	assert.equal(back.searchParams.get('state'), state, 'the redirect does not carry the state');
	assert.ok(back.searchParams.get('code'), 'the redirect carries no code');

	tokens = await client.authorizationCodeGrant(oidc, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
	assert.equal(tokens.token_type?.toLowerCase(), 'bearer', 'token_type');
	assert.ok(tokens.expires_in > 0, 'expires_in');
	assert.ok(typeof tokens.refresh_token === 'string' && tokens.refresh_token.length > 0, 'the code grant gave no refresh token');
	const claims = tokens.claims();
	assert.equal(claims.nonce, nonce, 'ID token nonce');
	assert.equal(claims['cognito:username'], user, 'ID token cognito:username');

	const id = await verify(issuer, 'ID', tokens.id_token);
	assert.equal(id.aud, clientId, 'ID token aud');
	assert.equal(id.token_use, 'id', 'ID token token_use');
	const access = await verify(issuer, 'access', tokens.access_token);
	assert.equal(access.token_use, 'access', 'access token token_use');
	assert.equal(access.client_id, clientId, 'access token client_id');
	assert.equal(access.sub, id.sub, 'the tokens name the same sub');
	assert.deepEqual(String(access.scope).split(' ').sort(), ['email', 'openid', 'profile'], 'access token scope');

	const info = await client.fetchUserInfo(oidc, tokens.access_token, id.sub);
	assert.equal(info.sub, id.sub, 'userInfo sub');
	assert.equal(info.email, `${user}@example.com`, 'userInfo email');
});

test('refreshTokenGrant: new tokens that verify, for the same user', { timeout: 20_000 }, async () => {
	const { issuer, clientId } = config();
	assert.ok(tokens, 'no tokens from the code grant');
	const first = tokens.claims();
	const refreshed = await client.refreshTokenGrant(oidc, tokens.refresh_token);
	assert.ok(refreshed.access_token && refreshed.id_token, 'the refresh grant gave no access or ID token');
	assert.notEqual(refreshed.access_token, tokens.access_token, `the refresh grant gave the same access token ${short(refreshed.access_token)}`);
	assert.equal(refreshed.refresh_token, undefined, 'the refresh grant returned a refresh token (rotation is off)');
	const id = await verify(issuer, 'ID', refreshed.id_token);
	assert.equal(id.sub, first.sub, 'the refreshed ID token names the same sub');
	assert.equal(id.aud, clientId, 'refreshed ID token aud');
	assert.equal(id.auth_time, first.auth_time, 'the refreshed ID token keeps auth_time');
	const access = await verify(issuer, 'access', refreshed.access_token);
	assert.equal(access.sub, first.sub, 'the refreshed access token names the same sub');

	const bad = await rejection('a refresh grant with a made-up token', client.refreshTokenGrant(oidc, `${tokens.refresh_token.slice(0, -4)}AAAA`));
	assert.equal(bad.error, 'invalid_grant', `a made-up refresh token: ${describeError(bad)} (${bad.error})`);
});

test('RP-initiated logout: buildEndSessionUrl({ post_logout_redirect_uri, id_token_hint, state }) ends the session and returns with the state', { timeout: 20_000 }, async () => {
	const { domain, redirectUri, logoutUri } = config();
	assert.ok(tokens, 'no tokens from the code grant');

	// Signed in: a new authorization returns at once, without the login page.
	const again = await browser.get(client.buildAuthorizationUrl(oidc, { redirect_uri: redirectUri, scope: 'openid', state: client.randomState() }));
	assert.equal(again.status, 302, `GET /oauth2/authorize while signed in: HTTP ${again.status}`);
	assert.equal(`${again.location.origin}${again.location.pathname}`, redirectUri, 'while signed in, /oauth2/authorize did not return to the app at once');

	// A post_logout_redirect_uri that is not registered goes nowhere.
	const stranger = client.buildEndSessionUrl(oidc, { post_logout_redirect_uri: 'https://evil.example/bye', id_token_hint: tokens.id_token, state: 'x' });
	const refused = await new Browser().get(stranger);
	assert.ok(!(refused.location && refused.location.origin === 'https://evil.example'), 'an unregistered post_logout_redirect_uri was followed');

	const state = client.randomState();
	const endSession = client.buildEndSessionUrl(oidc, { post_logout_redirect_uri: logoutUri, id_token_hint: tokens.id_token, state });
	assert.equal(endSession.origin + endSession.pathname, `${domain.origin}/logout`, 'the end-session URL');
	const out = await browser.get(endSession);
	assert.equal(out.status, 302, `GET /logout: HTTP ${out.status}`);
	assert.equal(`${out.location.origin}${out.location.pathname}`, logoutUri, 'the logout did not redirect to post_logout_redirect_uri');
	assert.equal(out.location.searchParams.get('state'), state, 'the logout redirect does not carry the state');

	// Signed out: the next authorization asks for the password again.
	const fresh = await browser.get(client.buildAuthorizationUrl(oidc, { redirect_uri: redirectUri, scope: 'openid', state: client.randomState() }));
	assert.equal(fresh.status, 302, `GET /oauth2/authorize after the logout: HTTP ${fresh.status}`);
	assert.equal(fresh.location.pathname, '/login', 'after the logout, /oauth2/authorize did not ask for the password again');
});

test('a code is single use: a second authorizationCodeGrant with it is refused', { timeout: 20_000 }, async () => {
	const { redirectUri } = config();
	assert.ok(oidc, 'no discovery');
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const authorizationUrl = client.buildAuthorizationUrl(oidc, {
		redirect_uri: redirectUri,
		scope: 'openid',
		code_challenge: await client.calculatePKCECodeChallenge(verifier),
		code_challenge_method: 'S256',
		state,
	});
	// A browser of its own: the one above may still hold a session.
	const back = await signInThroughPages(new Browser(), authorizationUrl);
	const first = await client.authorizationCodeGrant(oidc, back, { pkceCodeVerifier: verifier, expectedState: state });
	assert.ok(first.access_token, 'the first exchange gave no access token');
	const replay = await rejection('a replayed code', client.authorizationCodeGrant(oidc, back, { pkceCodeVerifier: verifier, expectedState: state }));
	assert.equal(replay.error, 'invalid_grant', `a replayed code: ${describeError(replay)} (${replay.error})`);
});

test('refresh-token rotation on the token endpoint: refreshTokenGrant returns a new refresh token, and the old one (no grace period) is refused', { timeout: 20_000 }, async () => {
	const { issuer, rotatingClientId, rotatingClientSecret, redirectUri } = config();
	const rotating = await discover(rotatingClientId, rotatingClientSecret);
	const verifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const back = await signInThroughPages(
		new Browser(),
		client.buildAuthorizationUrl(rotating, {
			redirect_uri: redirectUri,
			scope: 'openid email',
			code_challenge: await client.calculatePKCECodeChallenge(verifier),
			code_challenge_method: 'S256',
			state,
		})
	);
	const first = await client.authorizationCodeGrant(rotating, back, { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
	assert.ok(first.refresh_token, 'the code grant gave no refresh token');

	const second = await client.refreshTokenGrant(rotating, first.refresh_token);
	assert.ok(typeof second.refresh_token === 'string' && second.refresh_token.length > 0, 'the refresh grant gave no new refresh token with rotation on');
	assert.notEqual(second.refresh_token, first.refresh_token, 'the refresh grant gave back the same refresh token with rotation on');
	const id = await verify(issuer, 'ID', second.id_token);
	assert.equal(id.aud, rotatingClientId, 'refreshed ID token aud');
	assert.equal(id.sub, first.claims().sub, 'the refreshed ID token names the same sub');

	const old = await rejection('a refresh grant with the rotated-out refresh token', client.refreshTokenGrant(rotating, first.refresh_token));
	assert.equal(old.error, 'invalid_grant', `the rotated-out refresh token: ${describeError(old)} (${old.error})`);
	const third = await client.refreshTokenGrant(rotating, second.refresh_token);
	assert.ok(third.refresh_token && third.refresh_token !== second.refresh_token, 'the current refresh token did not rotate');
});

after(() => {
	if (cfg.error) {
		console.error(`oidc.test.mjs: ${cfg.error}`);
	}
});
