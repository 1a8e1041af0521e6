package userpool

import (
	"time"

	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// refreshRotation is an app client's RefreshTokenRotation as Cognito keeps
// it: DISABLED with a grace period of 0 when the request has none, and a
// grace period of 0 when the request names none (the wire layer has
// checked Feature and the 0-60 range).
func refreshRotation(in *cip.RefreshTokenRotationType) *cip.RefreshTokenRotationType {
	out := cip.RefreshTokenRotationType{Feature: "DISABLED", RetryGracePeriodSeconds: ptr(int32(0))}
	if in != nil {
		out.Feature = in.Feature
		if in.RetryGracePeriodSeconds != nil {
			out.RetryGracePeriodSeconds = ptr(*in.RetryGracePeriodSeconds)
		}
	}
	return &out
}

// RefreshRotation reports whether the client rotates refresh tokens, and
// how long a rotated-out token keeps working.
func (c *Client) RefreshRotation() (on bool, grace time.Duration) {
	r := c.RefreshTokenRotation
	if r == nil || r.Feature != "ENABLED" {
		return false, 0
	}
	if r.RetryGracePeriodSeconds != nil {
		grace = time.Duration(*r.RetryGracePeriodSeconds) * time.Second
	}
	return true, grace
}
