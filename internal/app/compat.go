package app

import "github.com/gognito/gognito/internal/api"

// APIServices are the AWS services this app serves on its API listener,
// with their handlers: what api.CompatibilityMarkdown renders into
// docs/compatibility.md.
func (a *App) APIServices() []*api.Service { return []*api.Service{a.cognito, a.acm} }
