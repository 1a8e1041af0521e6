// Package ratelimit owns gognito's request-rate quotas: the category of
// each cognito-idp operation (Cognito's "API operation categories"), the
// default rate of each category, and the token buckets that answer whether
// one more request fits. Limits are off unless configured, as a local
// stand-in must not throttle a test suite; with them on, a request over its
// category's rate is refused with TooManyRequestsException, as Cognito does.
//
// Buckets are per node and per Region (Cognito's quotas are per account and
// Region); several nodes behind one load balancer each allow the full rate.
//
// Quotas serves GetProvisionedLimit and UpdateProvisionedLimit: a rate
// provisioned for a category in a Region replaces its configured rate. It
// owns the stored documents under "ratelimit/provisioned/" in the store's
// key-value space, announces each change on ChangeTopic, and applies the
// other nodes' (and, at start, every stored one) to the limiter. With limits
// off, provisioned rates are stored and reported but not enforced.
package ratelimit
